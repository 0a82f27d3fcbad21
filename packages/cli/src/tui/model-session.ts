// Interactive exploration of a model: the user picks each step by hand among
// the enabled successors of the last state. The session owns the model and the
// path; the UI sees only plain snapshots (a TraceDocument for the path and the
// labelled next steps), as it does for a saved trace.
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  type Failure,
  invariantFailure,
  type Json,
  type Model,
  replayTrace,
  type StateView,
  type StepLabel,
  type StepOutcome,
  traceSourcePath,
  traceToItf,
} from "@faultline/checker";
import { type DocumentStep, sourceExcerpt, type TraceDocument } from "./trace-document.js";

/** One enabled successor of the path's last state: a step and what running it gives. */
export interface NextStep {
  label: StepLabel;
  /** A failure raised while running the step (assertion, unhandled event, runtime error). */
  failure?: Failure;
  /** Invariants that do not hold in the state the step leads to. */
  violated: string[];
  /** The choose values the step makes, when it makes any (each value is its own successor). */
  choices?: Json;
}

/** Why the path cannot go on, when it cannot. */
export type PathEnd =
  /** The last step failed while running: no state to go on from. */
  | { kind: "failed"; failure: Failure }
  /** The last step led to a state that violates an invariant: the run stops there, as a check does. */
  | { kind: "violated"; failure: Failure }
  /** No step is enabled: a normal termination (failure null), or a deadlock / hot monitor at the end. */
  | { kind: "terminal"; failure: Failure | null };

export interface SessionSnapshot {
  /** The path taken so far, as the trace explorer shows a trace. */
  document: TraceDocument;
  /** The enabled successors of the last state (of nothing: the initial steps, while the path is empty). */
  next: NextStep[];
  /** Set when `next` is empty. */
  end?: PathEnd;
}

export type WriteResult = { ok: true; path: string; steps: number } | { ok: false; message: string };

/** What the Ink app drives in interactive mode. */
export interface InteractiveSession {
  snapshot(): SessionSnapshot;
  /** Appends the `index`-th next step to the path. */
  take(index: number): void;
  /** Removes the last step; returns the index it had among the next steps (to put the cursor back), or null. */
  undo(): number | null;
  /** Writes the path as an ITF trace that `faultline replay` and `explore` read. */
  write(): WriteResult;
}

export interface ModelSessionOptions {
  /** The model's source path: recorded in the trace, shown in the header. */
  source: string;
  sourceText?: string;
  test: string;
  /** The `--faults` text the model was built with, recorded so the trace replays with the same faults. */
  faults?: string;
  /** Where `w` writes; by default a new file in the working directory (see defaultTracePath). */
  tracePath?: string;
  /** Where the default trace file goes (default: the working directory). */
  directory?: string;
}

interface Candidate<S> {
  step: Json;
  outcome: StepOutcome<S>;
  next: NextStep;
}

interface PathEntry<S> {
  step: Json;
  label: StepLabel;
  /** The state after the step; undefined when it failed without one. */
  state: S | undefined;
  view: StateView;
  failure?: Failure;
  violated: string[];
  /** Its index among the next steps it was chosen from. */
  chosen: number;
}

/** `<model>.<test>.explore.itf.json`, or with -2, -3, ... before `.itf.json` when taken. */
export function defaultTracePath(directory: string, source: string, test: string): string {
  const base = (source.split(/[\\/]/).pop() ?? "model").replace(/\.fl$/, "");
  const stem = `${join(directory, base)}.${test.replace(/[^A-Za-z0-9_=-]/g, "_")}.explore`;
  for (let n = 1; ; n++) {
    const path = `${stem}${n === 1 ? "" : `-${n}`}.itf.json`;
    if (!existsSync(path)) return path;
  }
}

function safeDescribe<S>(model: Model<S, Json>, step: Json, before: S | null, after: S | null): StepLabel {
  try {
    return model.describeStep(step, before, after);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { kind: "unknown", text: `${JSON.stringify(step)} (describeStep threw: ${reason})` };
  }
}

export class ModelSession<S> implements InteractiveSession {
  private readonly path: PathEntry<S>[] = [];
  /** The successors of the last state, computed once per path length (undo pops back to cached ones). */
  private readonly candidates: (Candidate<S>[] | undefined)[] = [];
  private tracePath: string | undefined;

  constructor(
    private readonly model: Model<S, Json>,
    private readonly options: ModelSessionOptions,
  ) {
    this.tracePath = options.tracePath;
  }

  private violatedIn(state: S): string[] {
    return this.model.invariants.filter((invariant) => !invariant.holds(state)).map((i) => i.name);
  }

  private lastState(): S | null {
    const last = this.path[this.path.length - 1];
    return last === undefined ? null : (last.state ?? null);
  }

  private currentCandidates(): Candidate<S>[] {
    const depth = this.path.length;
    const cached = this.candidates[depth];
    if (cached !== undefined) return cached;
    const last = this.path[depth - 1];
    const out: Candidate<S>[] = [];
    // A run stops at a failed step and at a violation, as a check does (a trace ends there).
    if (
      last === undefined ||
      (last.failure === undefined && last.state !== undefined && last.violated.length === 0)
    ) {
      const before = this.lastState();
      const emit = (step: Json, outcome: StepOutcome<S>) => {
        const after = outcome.kind === "state" ? outcome.state : (outcome.state ?? null);
        const next: NextStep = {
          label: safeDescribe(this.model, step, before, after),
          violated: outcome.kind === "state" ? this.violatedIn(outcome.state) : [],
        };
        if (outcome.kind === "failure") next.failure = outcome.failure;
        const choices =
          typeof step === "object" && step !== null && !Array.isArray(step) ? step.c : undefined;
        if (Array.isArray(choices) && choices.length > 0) next.choices = choices;
        out.push({ step, outcome, next });
      };
      if (before === null) this.model.initial(emit);
      else this.model.successors(before, emit);
    }
    this.candidates[depth] = out;
    return out;
  }

  take(index: number): void {
    const candidate = this.currentCandidates()[index];
    if (candidate === undefined) return;
    const outcome = candidate.outcome;
    const state = outcome.kind === "state" ? outcome.state : outcome.state;
    const previous = this.path[this.path.length - 1];
    const entry: PathEntry<S> = {
      step: candidate.step,
      label: candidate.next.label,
      state,
      view: state === undefined ? (previous?.view ?? {}) : this.model.viewState(state),
      violated: candidate.next.violated,
      chosen: index,
    };
    if (outcome.kind === "failure") entry.failure = outcome.failure;
    this.path.push(entry);
    this.candidates.length = this.path.length;
  }

  undo(): number | null {
    const entry = this.path.pop();
    return entry === undefined ? null : entry.chosen;
  }

  /** The steps taken, ready for a trace. */
  steps(): Json[] {
    return this.path.map((entry) => entry.step);
  }

  snapshot(): SessionSnapshot {
    const candidates = this.currentCandidates();
    const steps: DocumentStep[] = this.path.map((entry, index) => {
      const step: DocumentStep = { index, label: entry.label, state: entry.view };
      if (entry.state === undefined) step.stateMissing = true;
      else if (entry.failure !== undefined) step.stateAtFailure = true;
      return step;
    });
    let failure: Failure | null = null;
    let failureStep: number | null = null;
    this.path.forEach((entry, index) => {
      if (failure !== null) return;
      const invariant = entry.violated[0];
      if (entry.failure !== undefined) failure = entry.failure;
      else if (invariant !== undefined) {
        const found = this.model.invariants.find((i) => i.name === invariant);
        if (found !== undefined && entry.state !== undefined) failure = invariantFailure(found, entry.state);
      }
      if (failure !== null) failureStep = index;
    });
    let end: PathEnd | undefined;
    const last = this.path[this.path.length - 1];
    if (candidates.length === 0 && last !== undefined) {
      if (last.failure !== undefined) end = { kind: "failed", failure: last.failure };
      else if (last.violated.length > 0 && failure !== null) end = { kind: "violated", failure };
      else if (last.state !== undefined) end = { kind: "terminal", failure: this.model.terminal(last.state) };
      if (failure === null && end?.failure) {
        failure = end.failure;
        failureStep = this.path.length - 1;
      }
    }
    const document: TraceDocument = {
      title: this.options.source,
      test: this.options.test,
      source: this.options.source,
      failure,
      failureStep,
      steps,
      notes: [],
    };
    const location = (failure as Failure | null)?.location;
    if (location !== undefined && this.options.sourceText !== undefined) {
      const excerpt = sourceExcerpt(this.options.sourceText, location, 2);
      if (excerpt !== undefined) document.sourceExcerpt = excerpt;
    }
    const snapshot: SessionSnapshot = { document, next: candidates.map((c) => c.next) };
    if (end !== undefined) snapshot.end = end;
    return snapshot;
  }

  write(): WriteResult {
    const steps = this.steps();
    if (steps.length === 0) return { ok: false, message: "nothing to write: take a step first" };
    const path =
      this.tracePath ??
      defaultTracePath(this.options.directory ?? process.cwd(), this.options.source, this.options.test);
    try {
      // The failure `faultline replay` will report for this path, so the file says what replay confirms.
      const failure = replayTrace(this.model, steps).failure;
      const itf = traceToItf(
        this.model,
        { steps },
        {
          source: traceSourcePath(this.options.source, path),
          test: this.options.test,
          mode: "explore",
          ...(this.options.faults !== undefined ? { faults: this.options.faults } : {}),
          ...(failure !== undefined ? { failure } : {}),
        },
      );
      writeFileSync(path, `${JSON.stringify(itf, null, 2)}\n`);
    } catch (error) {
      return {
        ok: false,
        message: `cannot write ${path}: ${error instanceof Error ? error.message : error}`,
      };
    }
    // Later writes in this session update the same file: it is the session's save file.
    this.tracePath = path;
    return { ok: true, path, steps: steps.length };
  }
}
