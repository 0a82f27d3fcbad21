// The Model interface: all an explorer sees. Explorers know nothing of
// machines, events or the language; anything that implements this can be checked
// (Stateright's shape: init states, successors, properties, formatting).
//
// A step is plain JSON data (which delivery, which timer, which fault, and the
// values of every `choose` made while running it). A trace is the list of steps
// from "before the initial state"; `apply` replays one step deterministically,
// so any trace can be replayed by any tool that has the model.
//
// A Model is a small core (ModelCore: states, steps, encoding), its safety
// properties and its presentation, plus optional capabilities, each a named
// interface with a type guard that explorers ask before using it:
//   Fingerprinting       fingerprint without encoding          hasFingerprint
//   AmpleSets            partial-order reduction (ADR 0008)    hasAmpleSets
//   SymmetryReduction    symmetric fingerprint (ADR 0009)      hasSymmetry
//   LivenessProperties   hot spec monitors (ADR 0005)          hasLivenessProperties
//   Fairness             weak fairness keys                    hasFairness
//   StepDrawing          random steps without enumerating      hasStepDrawing
//   CoverageCounting     states entered, handlers run          hasCoverage
//   WitnessProperties    states some run must reach            hasWitnesses
//   PersistentStates     emitted states outlive emit           hasPersistentStates
//   Restarting           start over on another model           hasRestart
// defineModel() builds a Model from the core alone, with defaults for the rest.

/** A JSON value: steps and state views must survive JSON.stringify/parse unchanged. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface SourceLocation {
  file: string;
  line: number;
  col: number;
  endLine?: number;
  endCol?: number;
}

export type FailureKind =
  | "invariant" // a global predicate is false in a reachable state
  | "assertion" // an `assert` in a machine failed
  | "spec-assertion" // an `assert` in a spec monitor failed (safety)
  | "unhandled-event" // a message arrived in a state that neither handles, defers nor ignores it
  | "deadlock" // nothing enabled while some message is still pending (deferred forever)
  | "hot-at-end" // a spec monitor is hot in a quiescent end state
  | "liveness" // a spec monitor stays hot forever along a fair cycle
  | "runtime-error" // e.g. seq index out of range, division by zero, missing map key
  | "unreached"; // a witness property (`reachable`) holds in no state the search reached

export interface Failure {
  kind: FailureKind;
  /** The property's name (invariant or spec), or the built-in check's name. */
  property: string;
  message: string;
  location?: SourceLocation;
}

/** The result of running one step: a next state, or a failure raised while running it. */
export type StepOutcome<S> = { kind: "state"; state: S } | { kind: "failure"; failure: Failure; state?: S };

export type Emit<S, Step extends Json> = (step: Step, outcome: StepOutcome<S>) => void;

export interface Invariant<S> {
  name: string;
  location?: SourceLocation;
  /** True when the invariant holds in `state`. */
  holds(state: S): boolean;
  /**
   * Where a quantified invariant breaks in `state`, as text (`p = Participant(1)`),
   * or null; asked only once it failed. Reports append it to the failure.
   */
  witness?(state: S): string | null;
}

/** One machine's part of a state view, for reporters and the TUI. */
export interface StateView {
  /** Ordered name -> JSON value, e.g. { "Coordinator(0)": {...}, "network": [...] }. */
  [component: string]: Json;
}

/** Human-readable description of a step, for traces. */
export interface StepLabel {
  /** "deliver" | "timer" | "fault" | "init" | ... */
  kind: string;
  /** One line, e.g. "Participant(1) <- Prepare(tx=1) from Coordinator(0)". */
  text: string;
  /** The machine that acted, if any. */
  actor?: string;
  location?: SourceLocation;
  /** Anything else a reporter may show (sender, receiver, event, payload, handler, sends). */
  details?: { [key: string]: Json };
}

/** What every model has: its states and steps, and their canonical encoding. */
export interface ModelCore<S, Step extends Json = Json> {
  readonly name: string;

  /** Emit every initial state, each reached by a step from "nothing". */
  initial(emit: Emit<S, Step>): void;

  /** Emit every successor of `state`: one per enabled step and per choice of values. */
  successors(state: S, emit: Emit<S, Step>): void;

  /** Replay one step (null = from before the initial state). Deterministic. */
  apply(state: S | null, step: Step): StepOutcome<S>;

  /**
   * Canonical encoding: equal states give equal bytes (collections in a canonical
   * order). The returned array may be reused by the next call; copy to keep it.
   */
  encode(state: S): Uint8Array;
  decode(bytes: Uint8Array): S;
}

/** What every explorer checks. defineModel's defaults: no invariant, and every end state is a normal termination. */
export interface SafetyProperties<S> {
  /** Safety predicates checked in every reachable state. */
  readonly invariants: readonly Invariant<S>[];

  /**
   * Called on a state with no successors: a failure (deadlock, hot monitor at
   * the end) or null for normal termination.
   */
  terminal(state: S): Failure | null;
}

/** How traces, reporters and the TUI show steps and states. defineModel's defaults: the step's JSON, and the state itself. */
export interface Presentation<S, Step extends Json = Json> {
  describeStep(step: Step, before: S | null, after: S | null): StepLabel;
  viewState(state: S): StateView;

  /**
   * The state as ITF variables (Apalache's trace format: `{"#bigint": "1"}`,
   * `{"#set": [...]}`, `{"#map": [[k, v], ...]}`, `{"#tup": [...]}`); when absent,
   * trace writers fall back to `viewState`.
   */
  itfState?(state: S): { [variable: string]: Json };
}

/** Capability: fingerprints without encoding (every explorer uses it when present). */
export interface Fingerprinting<S> {
  /**
   * A 64-bit fingerprint of `state` into out[0] (hi) and out[1] (lo), without
   * encoding it. Must agree with `encode`'s equality: equal encodings give
   * equal fingerprints, and distinct ones collide only with negligible
   * probability (~2^-64 per pair) unless the model means them to: states
   * with the same future may share one (a .fl machine blocked in `receive`
   * is fingerprinted by where it waits, not by the history its encoding keeps
   * for resuming), and the explorers then count them as one. Never (0, 0). The values need not be
   * fingerprintInto(encode(state)): an explorer that sees this method uses it
   * for every state, and encodes only the states that are new.
   */
  fingerprint(state: S, out: Uint32Array): void;
}

/** Capability (reduction): partial-order reduction's ample sets (ADR 0008). */
export interface AmpleSets<S, Step extends Json = Json> {
  /**
   * Emit only an ample subset of the successors of `state` and return true,
   * or emit nothing and return false (the state must be fully expanded).
   * Emissions are indexed among themselves (replay calls this again on the same state).
   * Must be deterministic (a function of the state only). Explorers call it only when asked
   * to (`partialOrder: true`); see docs/adr/0008-partial-order-reduction.md.
   */
  ampleSuccessors(state: S, emit: Emit<S, Step>): boolean;
}

/**
 * Capability (reduction): symmetry (ADR 0009). `fingerprint` is that of a
 * representative of the state's symmetry class, so the visited set stores
 * classes; the liveness check first looks for hot cycles in that quotient.
 */
export interface SymmetryReduction<S> extends Fingerprinting<S> {
  /** The types whose instances are interchangeable; empty when the reduction is off. */
  readonly symmetricTypes: readonly string[];
}

/** Capability (liveness, ADR 0005): spec monitors that may be hot. */
export interface LivenessProperties<S> {
  /** Names of spec monitors that are hot in `state`. */
  hotMonitors(state: S): string[];
  /** False when no monitor has a hot state at all: then there is no liveness to check. */
  readonly hasHotStates?: boolean;
}

/** Capability (liveness): weak fairness. */
export interface Fairness<S, Step extends Json = Json> {
  /**
   * Keys of the steps enabled in `state` that a fair run must eventually take
   * if they stay enabled (deliveries, timers, ...). Steps that may never
   * happen (faults) have no key. See docs/faults.md.
   */
  enabledFairSteps(state: S): string[];
  /** The fairness key that `step`, taken from `state`, satisfies; null when it has none. */
  fairKeyOfStep(state: S, step: Step): string | null;
  /** True when no fault step can happen any more from `state` (every budget is spent). */
  faultBudgetsSpent?(state: S): boolean;
}

/** Capability (random exploration, ADR 0005): drawing one step and its choices without enumerating every successor. */
export interface StepDrawing<S, Step extends Json = Json> {
  /**
   * The steps enabled in `state` (null: the initial steps), without running
   * them and with no `choose` value made yet. Must list the same steps, in the
   * same order, as `successors` emits (one per step, not per choice). Without
   * it, random explorers enumerate `successors`.
   */
  enabledSteps(state: S | null): Step[];
  /**
   * Runs `step` from `state` like `apply`, taking the step's own recorded
   * choose values first and `choose(n)` (a value in 0..n-1) for every further
   * one; returns the step with exactly the values made, ready for a trace.
   */
  applyChoosing(
    state: S | null,
    step: Step,
    choose: (options: number) => number,
  ): { step: Step; outcome: StepOutcome<S> };
  /** The scheduling unit (e.g. the machine) that takes `step` from `state`: PCT gives each one a priority. */
  stepActor?(state: S | null, step: Step): string;
}

/** Capability: coverage (ADR 0005), counted by the model while explorers run its steps. */
export interface CoverageCounting {
  /** Start counting, from zero, which states are entered and which handlers run. */
  beginCoverage(): void;
  /** Stop counting; what the steps run since beginCoverage exercised and what they never did. */
  endCoverage(): CoverageReport | null;
}

/**
 * A witness property (`reachable Name: expr;`): some reachable state must
 * satisfy it; a search that ends without reaching one fails the test
 * (outcome `unreached`), and a reached one has a shortest witness trace.
 */
export interface WitnessProperty<S> {
  name: string;
  /** `reachable Name: expr;` (default), or a test's `cover (Spec.State)` target, named `Spec.State`. */
  kind?: "reachable" | "cover";
  location?: SourceLocation;
  /** True when `state` witnesses the property. */
  holds(state: S): boolean;
}

/** Capability: witness properties, searched for after a passing safety search (search/witnesses.ts). */
export interface WitnessProperties<S> {
  witnesses: readonly WitnessProperty<S>[];
}

/** Capability: states handed to `emit` stay valid after it returns. */
export interface PersistentStates {
  /**
   * True when a state passed to `emit` (and its encoding) stays the same after
   * emit returns, as immutable values do; false or absent when the model may
   * reuse a state's memory for the next successor. The exhaustive explorers
   * then look up a whole expansion's successors in the visited set together
   * (search/expansion.ts), so the cache misses of those lookups overlap.
   */
  readonly persistentStates: boolean;
}

/**
 * Capability: the search may start over on another model of the same states
 * (search/core.ts SearchRestart: the fixed-width layout met a value it has no
 * room for). A model throws SearchRestart itself on this thread; a parallel
 * worker's copy of the model cannot hand its coordinator a model, so it sends
 * the reason, and the coordinator throws what restartAfter gives.
 */
export interface Restarting {
  restartAfter(reason: string): Error;
}

/** The capabilities, each optional in a Model and used only when present (see the guards below). */
export type ModelCapabilities<S, Step extends Json = Json> = Partial<
  Fingerprinting<S> &
    AmpleSets<S, Step> &
    SymmetryReduction<S> &
    LivenessProperties<S> &
    Fairness<S, Step> &
    StepDrawing<S, Step> &
    CoverageCounting &
    WitnessProperties<S> &
    PersistentStates &
    Restarting
>;

/** All an explorer sees: the core, safety properties, presentation, and whichever capabilities the model has. */
export interface Model<S, Step extends Json = Json>
  extends ModelCore<S, Step>,
    SafetyProperties<S>,
    Presentation<S, Step>,
    ModelCapabilities<S, Step> {}

/** True when the model fingerprints states itself. */
export function hasFingerprint<S, Step extends Json>(
  model: Model<S, Step>,
): model is Model<S, Step> & Fingerprinting<S> {
  return typeof model.fingerprint === "function";
}

/** True when the model has ample sets (partial-order reduction). */
export function hasAmpleSets<S, Step extends Json>(
  model: Model<S, Step>,
): model is Model<S, Step> & AmpleSets<S, Step> {
  return typeof model.ampleSuccessors === "function";
}

/** True when the model reduces by symmetry: some types are symmetric and `fingerprint` is of their classes. */
export function hasSymmetry<S, Step extends Json>(
  model: Model<S, Step>,
): model is Model<S, Step> & SymmetryReduction<S> {
  return (model.symmetricTypes?.length ?? 0) > 0 && typeof model.fingerprint === "function";
}

/** True when the model has spec monitors that may be hot: a passing safety search is followed by the liveness check. */
export function hasLivenessProperties<S, Step extends Json>(
  model: Model<S, Step>,
): model is Model<S, Step> & LivenessProperties<S> {
  return typeof model.hotMonitors === "function" && model.hasHotStates !== false;
}

/** True when the model says which steps weak fairness requires. */
export function hasFairness<S, Step extends Json>(
  model: Model<S, Step>,
): model is Model<S, Step> & Fairness<S, Step> {
  return typeof model.enabledFairSteps === "function" && typeof model.fairKeyOfStep === "function";
}

/** True when the model draws steps without enumerating successors (random exploration, shrinking). */
export function hasStepDrawing<S, Step extends Json>(
  model: Model<S, Step>,
): model is Model<S, Step> & StepDrawing<S, Step> {
  return typeof model.enabledSteps === "function" && typeof model.applyChoosing === "function";
}

/** True when the model counts coverage. */
export function hasCoverage<S, Step extends Json>(
  model: Model<S, Step>,
): model is Model<S, Step> & CoverageCounting {
  return typeof model.beginCoverage === "function" && typeof model.endCoverage === "function";
}

/** True when the model has witness properties to reach. */
export function hasWitnesses<S, Step extends Json>(
  model: Model<S, Step>,
): model is Model<S, Step> & WitnessProperties<S> {
  return (model.witnesses?.length ?? 0) > 0;
}

/** True when a worker's copy of the model may ask the search to start over (Restarting). */
export function hasRestart<S, Step extends Json>(
  model: Model<S, Step>,
): model is Model<S, Step> & Restarting {
  return typeof model.restartAfter === "function";
}

/** True when states handed to `emit` stay valid after it returns. */
export function hasPersistentStates<S, Step extends Json>(model: Model<S, Step>): boolean {
  return model.persistentStates === true;
}

/** A model as written by hand for defineModel: the core, and whatever else it has. */
export type ModelDefinition<S, Step extends Json = Json> = ModelCore<S, Step> &
  Partial<SafetyProperties<S> & Presentation<S, Step>> &
  ModelCapabilities<S, Step>;

/** defineModel's describeStep: the step as JSON. */
function describeStepAsJson(step: Json): StepLabel {
  return { kind: "step", text: JSON.stringify(step) };
}

/** defineModel's viewState: a JSON object state is its own view; any other state is shown as `state`. */
function stateAsView(state: unknown): StateView {
  if (typeof state === "object" && state !== null && !Array.isArray(state)) return state as StateView;
  return { state: state as Json };
}

/**
 * A Model from a plain object that has at least the core (name, initial,
 * successors, apply, encode, decode), with defaults for what it leaves out:
 * no invariants, `terminal` null (every end state is a normal termination),
 * steps described by their JSON, and JSON states shown as they are (others
 * as `{ state }`). Capabilities it has are kept. The definition's members
 * are copied (getters read once), and its methods see the returned model as
 * `this`.
 */
export function defineModel<S, Step extends Json = Json>(
  definition: ModelDefinition<S, Step>,
): Model<S, Step> {
  const model = { ...definition } as { -readonly [K in keyof Model<S, Step>]: Model<S, Step>[K] };
  model.invariants ??= [];
  model.terminal ??= () => null;
  model.describeStep ??= describeStepAsJson;
  model.viewState ??= stateAsView;
  return model;
}

// Coverage (Model.beginCoverage / endCoverage): the report a model returns.
// Its totals, merge, text table and JSON are in coverage.ts.

export interface StateCoverage {
  name: string;
  /** Times the state was entered (start entry, goto, restart) by the steps the explorer ran. */
  entered: number;
  /** Spec states only: a hot state. */
  hot?: boolean;
  /** The owner's start state. */
  start?: boolean;
}

export interface HandlerCoverage {
  /** The state it belongs to; for a receive's case, `receive at line L:C`. */
  state: string;
  /** The event name, or `timeout T` for a timer. */
  on: string;
  kind: "do" | "goto" | "ignore" | "timeout" | "receive";
  /** Times the handler ran (a receive: times it took this event). */
  ran: number;
  /** A receive's only: times a machine waited there. */
  reached?: number;
  location?: SourceLocation;
}

export interface OwnerCoverage {
  name: string;
  kind: "machine" | "spec";
  /** False for a machine type of which no instance was ever created (left out of the totals). */
  created: boolean;
  states: StateCoverage[];
  handlers: HandlerCoverage[];
  /** Specs only: the events the monitor observes. */
  observes?: string[];
  location?: SourceLocation;
}

/** A fault of the test (one with a budget) and how often a step used it. */
export interface FaultCoverage {
  /** As written in the test, e.g. `drop Prepare at most 2`. */
  fault: string;
  /** Fault steps that spent its budget. */
  spent: number;
  location?: SourceLocation;
}

export interface CoverageTotals {
  states: number;
  statesEntered: number;
  handlers: number;
  handlersRun: number;
}

/**
 * What the steps an explorer ran exercised. Counts are executions of steps
 * (an exhaustive search runs every transition of every reachable state once,
 * plus the replays that rebuild a counterexample); only zero vs non-zero is
 * meant to be read.
 */
export interface CoverageReport {
  owners: OwnerCoverage[];
  totals: CoverageTotals;
  /** The test's faults with a budget (reorder has none). */
  faults?: FaultCoverage[];
}
