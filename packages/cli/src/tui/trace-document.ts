// The explorer's input: a counterexample as plain data (labels, state views,
// failure, source excerpt). The TUI reads only this document, never the model
// or the language, so it works for any Model and can be built in tests by hand.
import {
  confirmLasso,
  type Failure,
  type ForeignItfTrace,
  type Json,
  type Model,
  replayTrace,
  type SourceLocation,
  type StateView,
  type StepLabel,
} from "@faultline/checker";
import { failureLine } from "../reporters/failure-text.js";

export interface DocumentStep {
  /** 0-based position in the trace; shown 1-based. */
  index: number;
  label: StepLabel;
  /** The global state after this step. */
  state: StateView;
  /** The step failed without producing a state: `state` repeats the state before it. */
  stateMissing?: boolean;
  /** The step failed part-way: `state` is the state as it left it (its effects up to the failure). */
  stateAtFailure?: boolean;
}

export interface SourceExcerpt {
  file: string;
  /** The first line of the located span (1-based). */
  line: number;
  col?: number;
  endLine?: number;
  endCol?: number;
  lines: { n: number; text: string }[];
}

export interface TraceDocument {
  /** What the trace is about, usually the model's source path. */
  title: string;
  test: string;
  source?: string;
  /** The failure the trace ends in, as replayed; null when it violates nothing. */
  failure: Failure | null;
  /** The step at which the failure shows (0-based), null without a failure. */
  failureStep: number | null;
  steps: DocumentStep[];
  /** Source lines around the failure's location. */
  sourceExcerpt?: SourceExcerpt;
  /** Problems met while replaying (the model threw, the trace stopped early, the failure changed). */
  notes: string[];
  /**
   * A liveness lasso, confirmed by the replay: the run repeats the steps after
   * `start` forever, the last step (`close`) leading back to the state after `start`.
   */
  loop?: { start: number; close: number };
  /** States from an ITF file of another tool, shown as written: no model checked them. */
  foreign?: boolean;
}

export interface BuildDocumentOptions {
  title: string;
  test: string;
  source?: string;
  /** The text of `source`, for the excerpt around the failure's location. */
  sourceText?: string;
  /** The failure recorded in the trace file, to note when the replay differs. */
  recordedFailure?: Failure;
  /** Lines of context on each side of the located span (default 2). */
  excerptContext?: number;
  /** The trace file's `loop`: the index of the state the last state's successor returns to. */
  loop?: number;
}

/** A spec monitor is hot in the last state. */
function endsHot<S, Step extends Json>(model: Model<S, Step>, states: readonly S[]): boolean {
  const last = states[states.length - 1];
  return last !== undefined && typeof model.hotMonitors === "function" && model.hotMonitors(last).length > 0;
}

/** Replays `steps` with the model and collects every label and state view. */
export function buildTraceDocument<S, Step extends Json>(
  model: Model<S, Step>,
  steps: readonly Json[],
  options: BuildDocumentOptions,
): TraceDocument {
  const replay = replayTrace(model, steps);
  const documentSteps: DocumentStep[] = [];
  let previous: StateView = {};
  replay.labels.forEach((label, index) => {
    const state = replay.states[index];
    if (state === undefined) {
      documentSteps.push({ index, label, state: previous, stateMissing: true });
      return;
    }
    previous = model.viewState(state);
    const step: DocumentStep = { index, label, state: previous };
    if (index === replay.labels.length - 1 && replay.outcome?.kind === "failure") step.stateAtFailure = true;
    documentSteps.push(step);
  });

  let failure = replay.failure ?? null;
  const complete = replay.error === undefined && replay.replayed === steps.length;
  // A lasso is the trace file's claim (its `loop`), confirmed here; none is guessed.
  const loop = failure !== null || !complete ? undefined : options.loop;
  const lassoFailure = loop === undefined ? null : confirmLasso(model, replay.states, loop, steps);
  if (lassoFailure !== null) {
    failure = options.recordedFailure?.kind === "liveness" ? options.recordedFailure : lassoFailure;
  } else if (
    failure === null &&
    complete &&
    loop === undefined &&
    options.recordedFailure?.kind === "liveness" &&
    endsHot(model, replay.states)
  ) {
    // A liveness failure without a cycle (random search's temperature: a monitor hot too long).
    failure = options.recordedFailure;
  }
  const notes: string[] = [];
  if (replay.error !== undefined) notes.push(`replay stopped: ${replay.error}`);
  else if (replay.replayed < steps.length) {
    notes.push(`replay stopped: step ${replay.replayed} failed before the end of the trace`);
  }
  if (failure === null) {
    notes.push("the trace replays, but its last state violates nothing: the model may have changed");
  } else if (
    options.recordedFailure !== undefined &&
    (options.recordedFailure.kind !== failure.kind || options.recordedFailure.property !== failure.property)
  ) {
    notes.push(`the trace file recorded a different failure: ${failureLine(options.recordedFailure)}`);
  }

  const document: TraceDocument = {
    title: options.title,
    test: options.test,
    failure,
    failureStep: failure === null || documentSteps.length === 0 ? null : documentSteps.length - 1,
    steps: documentSteps,
    notes,
  };
  if (options.source !== undefined) document.source = options.source;
  if (lassoFailure !== null) document.loop = { start: loop!, close: replay.states.length - 1 };
  if (failure?.location !== undefined && options.sourceText !== undefined) {
    const excerpt = sourceExcerpt(options.sourceText, failure.location, options.excerptContext ?? 2);
    if (excerpt !== undefined) document.sourceExcerpt = excerpt;
  }
  return document;
}

/** The lines of `text` around `location`, or undefined when the location is outside the text. */
export function sourceExcerpt(
  text: string,
  location: SourceLocation,
  context: number,
): SourceExcerpt | undefined {
  const lines = text.split(/\r?\n/);
  if (location.line < 1 || location.line > lines.length) return undefined;
  const endLine = Math.min(lines.length, Math.max(location.line, location.endLine ?? location.line));
  // A long span shows its first lines only: the excerpt is a pointer, not a listing.
  const last = Math.min(lines.length, endLine + context, location.line + context + 8);
  const first = Math.max(1, location.line - context);
  const excerpt: SourceExcerpt = { file: location.file, line: location.line, lines: [] };
  excerpt.col = location.col;
  if (location.endLine !== undefined) excerpt.endLine = location.endLine;
  if (location.endCol !== undefined) excerpt.endCol = location.endCol;
  for (let n = first; n <= last; n++) excerpt.lines.push({ n, text: lines[n - 1]!.replace(/\t/g, "  ") });
  return excerpt;
}

/**
 * A document for an ITF trace written by another tool: its states as they
 * are (no model to replay them with, so nothing is re-checked), each step
 * named by the action the document records, or by its index.
 */
export function foreignItfDocument(trace: ForeignItfTrace, title: string): TraceDocument {
  const steps: DocumentStep[] = trace.states.map((state, index) => ({
    index,
    label: {
      kind: "state",
      text: trace.actions[index] ?? (index === 0 ? "initial state" : `state ${index}`),
    },
    state,
  }));
  const notes = [
    "an ITF trace from another tool: its states as written, with no model to replay or check them",
  ];
  if (trace.description !== undefined) notes.push(trace.description);
  const document: TraceDocument = {
    title,
    test: trace.source ?? "",
    failure: trace.failure ?? null,
    failureStep: trace.failure === undefined ? null : steps.length - 1,
    steps,
    notes,
    foreign: true,
  };
  if (trace.loop !== undefined) document.loop = { start: trace.loop, close: steps.length - 1 };
  return document;
}
