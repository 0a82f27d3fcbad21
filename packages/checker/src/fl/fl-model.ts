// A typed .fl program (IR) and one of its tests, as a checkable Model: the
// core (initial states, successors, apply, terminal states, encoding). Its
// parts are built by build-model.ts; which steps are enabled is decided by
// enabled-steps.ts; presentation (step-labels.ts, state-views.ts), random
// exploration (random-steps.ts), coverage (handler-coverage.ts) and fairness
// (fairness.ts) live in their own modules.
import type { IrProgram, IrTest } from "@faultline/lang";
import type {
  CoverageReport,
  Emit,
  Failure,
  Invariant,
  WitnessProperty,
  Json,
  Model,
  SourceLocation,
  StateView,
  StepLabel,
  StepOutcome,
} from "../model.js";
import { applyStep } from "./apply-step.js";
import { type BuildModelOptions, buildParts, type FlParts, type GeneratedCode } from "./build-model.js";
import {
  ALL_STEPS,
  DELIVER,
  type EnabledVisitor,
  FAULT_STEPS,
  RESTART,
  type StepKind,
  TIMER,
} from "./enabled-steps.js";
import { choicesMade, type CoverageCounts, FORKED, type ForkPoint, nextChoices } from "./executor.js";
import type { Value } from "./lang-codegen.js";
import { enabledFairSteps, fairKeyOfStep } from "./fairness.js";
import type { FaultPlan } from "./fault-plan.js";
import { type FlState, type FlStep, NO_CHOICES, UP } from "./fl-state.js";
import { beginCoverage, endCoverage, invariantRanges } from "./handler-coverage.js";
import { type ModelInputs, type ModelRequest, modelInputs, type ProgramInput } from "./load-model.js";
import type { PartialOrder, RunDelivery } from "./partial-order.js";
import type { OwnerTable } from "./program-tables.js";
import { applyChoosing, enabledSteps, stepActor } from "./random-steps.js";
import { spanToLocation } from "./source-location.js";
import { nameIn } from "./machine-names.js";
import {
  instancesOf,
  messageOfStep,
  type ObservedInstance,
  type ObservedMessage,
  type ObservedRun,
  runEveryChoice,
  runObserved,
} from "./observed-step.js";
import { itfState, viewState, waitingFor } from "./state-views.js";
import { describeStep } from "./step-labels.js";
import type { Symmetry } from "./symmetry.js";
import type { InvariantRange } from "../vacuity.js";

export type { BuildModelOptions } from "./build-model.js";
export { spanToLocation } from "./source-location.js";
export { faultText } from "./state-views.js";

export interface FlTestInfo {
  name: string;
  baseName: string;
  main: string;
  /** Names of the asserted invariants and specs. */
  asserts: string[];
  location: SourceLocation;
}

export function listTests(ir: IrProgram): FlTestInfo[] {
  return ir.tests.map((t) => ({
    name: t.name,
    baseName: t.baseName,
    main: t.main,
    asserts: t.asserts.map((a) => a.name),
    location: spanToLocation(t.span),
  }));
}

/** The model of one test of a program: what the explorers check. */
export function buildModel(ir: IrProgram, testName: string, options: BuildModelOptions = {}): FlModel {
  const test = ir.tests.find((t) => t.name === testName);
  if (!test) throw new Error(`no test named ${testName} (tests: ${ir.tests.map((t) => t.name).join(", ")})`);
  return new FlModel(ir, test, options);
}

/** The initial step: runAll's kind besides the enabled ones it runs (DELIVER, TIMER, RESTART). */
const INIT = -1;
type RunKind = typeof INIT | typeof DELIVER | typeof TIMER | typeof RESTART;

export class FlModel implements Model<FlState, FlStep> {
  readonly name: string;
  readonly invariants: readonly Invariant<FlState>[];
  readonly witnesses: readonly WitnessProperty<FlState>[];
  readonly machines: readonly OwnerTable[];
  readonly monitors: readonly OwnerTable[];
  /** The generated code the model runs. */
  readonly compiled: GeneratedCode;
  /** The faults this model injects (the test's, or BuildModelOptions.faults). */
  readonly faults: FaultPlan;
  /** Symmetry reduction of the test's `symmetric (...)` types; null when off or none declared. */
  readonly symmetry: Symmetry | null;
  /** States are immutable (fl-state.ts): a successor stays valid after emit returns. */
  readonly persistentStates = true;
  private readonly parts: FlParts;
  /** Deliveries and timers resume at their handler's first choose (BuildModelOptions.replayChoices off, and some handler has a fork site). */
  private readonly forkChooses: boolean;
  /** The state successors is expanding and where its steps go (read by runEnabled). */
  private expanding: FlState | null = null;
  private emitting: Emit<FlState, FlStep> | null = null;
  /** ampleSuccessors' way to run a delivery with every choose outcome (one function for all states). */
  private readonly runDelivery: RunDelivery = (s, from, to, i, emit) =>
    this.runAll(s, DELIVER, from, to, i, emit);

  /**
   * The model of `request.test` of a program given as IR, source text or a
   * compiled program, with command-line options (`--faults` text, params,
   * reductions, foreign functions): how the CLI and parallel workers build
   * models (load-model.ts). Diagnostics or a usage error instead of a model
   * when the input is wrong; throws when the program has no such test.
   */
  static load(
    input: ProgramInput,
    request: ModelRequest,
  ): { ok: true; model: FlModel } | Exclude<ModelInputs, { ok: true }> {
    const inputs = modelInputs(input, request);
    if (!inputs.ok) return inputs;
    return { ok: true, model: new FlModel(inputs.ir, inputs.test, inputs.options) };
  }

  constructor(
    readonly ir: IrProgram,
    readonly test: IrTest,
    options: BuildModelOptions,
  ) {
    this.name = test.name;
    const parts = buildParts(ir, test, options);
    this.parts = parts;
    this.invariants = parts.invariants;
    this.witnesses = parts.witnesses;
    this.machines = parts.machines;
    this.monitors = parts.monitors;
    this.compiled = parts.code;
    this.faults = parts.faults;
    this.symmetry = parts.symmetry;
    // A program without fork sites (codegen found none worth making) never arms a run.
    this.forkChooses =
      options.replayChoices !== true &&
      parts.machines.some((t) =>
        t.states.some(
          (st) => st.on.some((h) => h?.forks === true) || st.timeouts.some((h) => h?.forks === true),
        ),
      );
  }

  /** The program and its generated code as plain data, for workers to build the same model from (fl-factory.ts). */
  get program(): { ir: IrProgram; code: GeneratedCode } {
    return { ir: this.ir, code: this.compiled };
  }

  // ---------------------------------------------------------------- exploring

  initial(emit: Emit<FlState, FlStep>): void {
    this.runAll(null, INIT, 0, 0, 0, emit);
  }

  /** Every enabled step (enabled-steps.ts), run with each sequence of choices, in a fixed order. */
  successors(s: FlState, emit: Emit<FlState, FlStep>): void {
    this.runKinds(s, ALL_STEPS, emit);
  }

  /**
   * The successors of the fault steps enabled in `s`, the last of
   * `successors`' (drop, duplicate, crash, restart, partition, heal): the
   * byte back end, which runs deliveries and timers on the bytes, has the
   * object runtime run these.
   */
  faultSuccessors(s: FlState, emit: Emit<FlState, FlStep>): void {
    this.runKinds(s, FAULT_STEPS, emit);
  }

  /** Runs the steps of the `kinds` (enabled-steps.ts's mask) enabled in `s`, in successors' order. */
  private runKinds(s: FlState, kinds: number, emit: Emit<FlState, FlStep>): void {
    const outer = this.expanding;
    const outerEmit = this.emitting;
    this.expanding = s;
    this.emitting = emit;
    try {
      this.parts.enabled.forEach(s, kinds, FlModel.runEnabled, this);
    } finally {
      // An emit that throws (a stopped search) must not leave the model holding its explorer.
      this.expanding = outer;
      this.emitting = outerEmit;
    }
  }

  /** successors' visitor: runs one enabled step of `expanding`. */
  private static readonly runEnabled: EnabledVisitor<FlModel> = (model, kind, a, b, f) => {
    model.runStep(kind, a, b, f);
    return false;
  };

  private runStep(kind: StepKind, a: number, b: number, f: number): void {
    const s = this.expanding!;
    const emit = this.emitting!;
    if (kind === DELIVER) {
      const ch = s.channels[a]!;
      this.runAll(s, DELIVER, ch.from, ch.to, b, emit);
    } else if (kind === TIMER || kind === RESTART) {
      this.runAll(s, kind, a, b, 0, emit);
    } else {
      // Fault steps other than restart make no choices.
      const step = this.parts.enabled.stepOf(s, kind, a, b, f);
      emit(step, applyStep(this.parts.ex, this.machines, s, step));
    }
  }

  /**
   * Partial-order reduction: the ample set of `s` (every outcome of one
   * delivery that commutes with all other steps and no property sees), or
   * false to expand `s` fully. Always false unless BuildModelOptions.partialOrder.
   */
  ampleSuccessors(s: FlState, emit: Emit<FlState, FlStep>): boolean {
    const partialOrder = this.parts.partialOrder;
    if (partialOrder === null) return false;
    return partialOrder.ampleSuccessors(s, emit, this.runDelivery);
  }

  /**
   * Every successor of delivering message `i` of channel (from, to) in `s`,
   * one per sequence of choices, as successors emits them: how the byte back
   * end (bytes/byte-model.ts) has the object runtime run a delivery it hands over.
   */
  deliver(s: FlState, from: number, to: number, i: number, emit: Emit<FlState, FlStep>): void {
    this.runAll(s, DELIVER, from, to, i, emit);
  }

  /** Every successor of timer `t` of machine `id` firing in `s`, as successors emits them (the byte back end's hand-over, as `deliver`). */
  timer(s: FlState, id: number, t: number, emit: Emit<FlState, FlStep>): void {
    this.runAll(s, TIMER, id, t, 0, emit);
  }

  /** Every successor of crashed machine `id` restarting in `s`, as successors emits them (the byte back end has the object runtime run restarts). */
  restart(s: FlState, id: number, emit: Emit<FlState, FlStep>): void {
    this.runAll(s, RESTART, id, 0, 0, emit);
  }

  /** The counters coverage is counted in while it is on (beginCoverage), else null: the byte back end counts its runs there too. */
  get coverageCounts(): CoverageCounts | null {
    return this.parts.ex.coverage;
  }

  /** By fault, how many steps spent its budget while coverage is counted, else null: the byte back end counts the fault steps it takes there too. */
  get faultsSpent(): Float64Array | null {
    return this.parts.ex.faultsSpent;
  }

  /** By event index: the positions in `monitors` of the specs that observe it (what the executor runs on a send). */
  get observers(): readonly (readonly number[])[] {
    return this.parts.observers;
  }

  /** The values of the program's params this model was built with, by position in IrProgram.params. */
  get paramValues(): readonly Value[] {
    return this.parts.params;
  }

  /** The ample-set analysis (BuildModelOptions.partialOrder), null when off: for its counters (PartialOrder.collectStats). */
  get partialOrder(): PartialOrder | null {
    return this.parts.partialOrder;
  }

  private run(
    base: FlState | null,
    kind: RunKind,
    a: number,
    b: number,
    i: number,
    forced: readonly number[],
    mayFork: boolean,
  ) {
    const ex = this.parts.ex;
    if (kind === DELIVER) return ex.runDeliver(base!, a, b, i, forced, false, mayFork);
    if (kind === TIMER) return ex.runTimer(base!, a, b, forced, mayFork);
    if (kind === RESTART) return ex.runRestart(base!, a, forced);
    return ex.runInit(forced);
  }

  /** Run a step once per sequence of choose values (depth-first over the choices). */
  private runAll(
    base: FlState | null,
    kind: RunKind,
    a: number,
    b: number,
    i: number,
    emit: Emit<FlState, FlStep>,
  ): void {
    const ex = this.parts.ex;
    // The prefix each run is given, advanced in place; made only by a step that chooses.
    let forced: number[] | null = null;
    // A delivery or timer whose first run forked at its first choose (executor.ts ForkPoint): that
    // choose's values are resumed from the fork, deeper choices replayed from the start.
    let fork: ForkPoint | null = null;
    let resumed = -1;
    for (;;) {
      let outcome: StepOutcome<FlState>;
      if (resumed >= 0) outcome = ex.resume(fork!, resumed);
      else {
        outcome = this.run(base, kind, a, b, i, forced ?? NO_CHOICES, forced === null && this.forkChooses);
        if (outcome === FORKED) {
          fork = ex.takeFork();
          resumed = 0;
          continue;
        }
      }
      const n = ex.nChoices;
      const c = choicesMade(ex.values, n);
      let next: number[] | null;
      if (resumed >= 0 && n === 1) {
        // The common case, without an array: the next value of the fork's choose.
        next = null;
        resumed = resumed + 1 < fork!.n ? resumed + 1 : -2;
      } else {
        // Computed before emit, which may run other steps on this executor.
        next = nextChoices(resumed >= 0 ? null : forced, ex.values, ex.options, n);
        resumed = -1;
        if (fork !== null && next !== null && next.length === 1) {
          resumed = next[0]!;
          next = null;
        }
      }
      let step: FlStep;
      if (kind === DELIVER) step = { t: "deliver", from: a, to: b, i, c };
      else if (kind === TIMER)
        step = { t: "timer", m: a, timer: this.machines[base!.machines[a]!.type]!.timers[b]!, c };
      else if (kind === RESTART) step = { t: "restart", m: a, c };
      else step = { t: "init", c };
      emit(step, outcome);
      if (resumed >= 0) continue;
      if (next === null) {
        // (A fork whose emit threw is not given back: it is simply not used again.)
        if (fork !== null) ex.releaseFork(fork);
        return;
      }
      forced = next;
    }
  }

  apply(s: FlState | null, step: FlStep): StepOutcome<FlState> {
    return applyStep(this.parts.ex, this.machines, s, step);
  }

  terminal(s: FlState): Failure | null {
    const blocked = s.machines.filter((m) => m.wait !== null && m.status === UP);
    if (blocked.length > 0) {
      // P's wording: "Client(7) is waiting to receive an event".
      const waiting = blocked.map(
        (m) =>
          `${nameIn(this.parts, s, s.machines.indexOf(m))} is waiting to receive ${waitingFor(this.parts, m)}`,
      );
      const first = blocked[0]!;
      return {
        kind: "deadlock",
        property: "deadlock",
        message: `deadlock: no step is enabled but ${waiting.join("; ")}`,
        location: spanToLocation(this.machines[first.type]!.receives[first.wait!.site]!.span),
      };
    }
    if (s.channels.length > 0) {
      const pending = s.channels.flatMap((ch) =>
        ch.msgs.map((m) => {
          const recv = s.machines[ch.to]!;
          const st = this.machines[recv.type]!.states[recv.state]!.name;
          return `${this.parts.eventNames[m.event]} from ${nameIn(this.parts, s, ch.from)} to ${nameIn(this.parts, s, ch.to)} (deferred in ${st})`;
        }),
      );
      const first = s.machines[s.channels[0]!.to]!;
      return {
        kind: "deadlock",
        property: "deadlock",
        message: `deadlock: no step is enabled but messages are pending: ${pending.join("; ")}`,
        location: spanToLocation(this.machines[first.type]!.states[first.state]!.span),
      };
    }
    for (let i = 0; i < s.monitors.length; i++) {
      const t = this.monitors[i]!;
      const st = t.states[s.monitors[i]!.state]!;
      if (st.hot) {
        return {
          kind: "hot-at-end",
          property: t.name,
          message: `spec ${t.name} is still in hot state ${st.name} when the system stops`,
          location: spanToLocation(st.span),
        };
      }
    }
    return null;
  }

  /** The machine types whose instances symmetry reduction treats as interchangeable (empty when off). */
  get symmetricTypes(): readonly string[] {
    return this.symmetry === null ? [] : this.symmetry.types;
  }

  /** True when an asserted spec has a hot state: only then is there liveness to check (checkLiveness). */
  get hasHotStates(): boolean {
    return this.monitors.some((m) => m.states.some((st) => st.hot));
  }

  hotMonitors(s: FlState): string[] {
    const out: string[] = [];
    for (let i = 0; i < s.monitors.length; i++) {
      const t = this.monitors[i]!;
      if (t.states[s.monitors[i]!.state]!.hot) out.push(t.name);
    }
    return out;
  }

  encode(s: FlState): Uint8Array {
    return this.parts.codec.encode(s);
  }

  /**
   * The fingerprint of encode(s)'s bytes' equality class, without encoding
   * (see StateCodec.fingerprint); under symmetry reduction, of a permutation
   * of `s` that stands for its whole symmetry class (see symmetry.ts).
   */
  fingerprint(s: FlState, out: Uint32Array): void {
    this.parts.codec.fingerprint(this.symmetry === null ? s : this.symmetry.representative(s), out);
  }

  decode(bytes: Uint8Array): FlState {
    return this.parts.codec.decode(bytes);
  }

  /** True when no drop, duplicate, crash or partition can happen any more from `s`. */
  faultBudgetsSpent(s: FlState): boolean {
    return s.budgets.every((b) => b === 0);
  }

  // ---------------------------------------------------------------- presentation (step-labels.ts, state-views.ts)

  describeStep(step: FlStep, before: FlState | null, after: FlState | null): StepLabel {
    return describeStep(this.parts, step, before, after);
  }

  viewState(s: FlState): StateView {
    return viewState(this.parts, s);
  }

  itfState(s: FlState): { [variable: string]: Json } {
    return itfState(this.parts, s);
  }

  // ---------------------------------------------------------------- random exploration (random-steps.ts)

  /** The steps enabled in `s`, as successors emits them but without running them or making choices. */
  enabledSteps(s: FlState | null): FlStep[] {
    return enabledSteps(this.parts, s);
  }

  /**
   * Runs `step` with its recorded choices first and `choose(n)` for every
   * further `choose`; returns the step carrying exactly the values made.
   */
  applyChoosing(
    s: FlState | null,
    step: FlStep,
    choose: (options: number) => number,
  ): { step: FlStep; outcome: StepOutcome<FlState> } {
    return applyChoosing(this.parts, s, step, choose);
  }

  /** PCT's scheduling unit: the machine that runs a delivery or timer; the environment for faults. */
  stepActor(_s: FlState | null, step: FlStep): string {
    return stepActor(step);
  }

  // ---------------------------------------------------------------- model-based testing (observed-step.ts)

  /** Runs `step` like applyChoosing and records what it sends, with plain JSON payloads. */
  runObserved(s: FlState | null, step: FlStep, choose: (options: number) => number): ObservedRun {
    return runObserved(this.parts, s, step, choose);
  }

  /** Every combination of `step`'s choose values (recorded ones ignored), at most `limit`, with their sends. */
  runEveryChoice(s: FlState | null, step: FlStep, limit: number): ObservedRun[] {
    return runEveryChoice(this.parts, s, step, limit);
  }

  /** The message a delivery, drop or duplicate takes from `s`, in plain JSON; null for other steps. */
  messageOfStep(s: FlState | null, step: FlStep): ObservedMessage | null {
    return messageOfStep(this.parts, s, step);
  }

  /** The machine instances of `s`, by id, with display names. */
  instances(s: FlState): ObservedInstance[] {
    return instancesOf(this.parts, s);
  }

  // ---------------------------------------------------------------- coverage (handler-coverage.ts)

  /** The asserted invariants' `forall` ranges over machine types, for vacuity warnings (vacuity.ts). */
  invariantRanges(): InvariantRange[] {
    return invariantRanges(this.ir, this.test);
  }

  beginCoverage(): void {
    beginCoverage(this.parts);
  }

  endCoverage(): CoverageReport | null {
    return endCoverage(this.parts);
  }

  // ---------------------------------------------------------------- fairness (fairness.ts)

  /** Weak-fairness keys of the steps enabled in `s` (see fairness.ts). */
  enabledFairSteps(s: FlState): string[] {
    return enabledFairSteps(this.parts, s);
  }

  /** The weak-fairness key a step from `s` takes (see enabledFairSteps); null for fault steps. */
  fairKeyOfStep(s: FlState, step: FlStep): string | null {
    return fairKeyOfStep(this.parts, s, step);
  }
}
