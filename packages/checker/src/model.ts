// The Model interface: all an explorer sees. Explorers know nothing of
// machines, events or the language; anything that implements this can be checked
// (Stateright's shape: init states, successors, properties, formatting).
//
// A step is plain JSON data (which delivery, which timer, which fault, and the
// values of every `choose` made while running it). A trace is the list of steps
// from "before the initial state"; `apply` replays one step deterministically,
// so any trace can be replayed by any tool that has the model.

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
  | "runtime-error"; // e.g. seq index out of range, division by zero, missing map key

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

export interface Model<S, Step extends Json = Json> {
  readonly name: string;

  /** Emit every initial state, each reached by a step from "nothing". */
  initial(emit: Emit<S, Step>): void;

  /** Emit every successor of `state`: one per enabled step and per choice of values. */
  successors(state: S, emit: Emit<S, Step>): void;

  /**
   * Partial-order reduction (optional): emit only an ample subset of the successors of `state`
   * and return true, or emit nothing and return false (the state must be fully expanded).
   * Emissions are indexed among themselves (replay calls this again on the same state).
   * Must be deterministic (a function of the state only). Explorers call it only when asked
   * to (`partialOrder: true`); see docs/adr/0008-partial-order-reduction.md.
   */
  ampleSuccessors?(state: S, emit: Emit<S, Step>): boolean;

  /** Replay one step (null = from before the initial state). Deterministic. */
  apply(state: S | null, step: Step): StepOutcome<S>;

  /** Safety predicates checked in every reachable state. */
  readonly invariants: readonly Invariant<S>[];

  /**
   * Called on a state with no successors: a failure (deadlock, hot monitor at
   * the end) or null for normal termination.
   */
  terminal(state: S): Failure | null;

  /**
   * Canonical encoding: equal states give equal bytes (collections in a canonical
   * order). The returned array may be reused by the next call; copy to keep it.
   */
  encode(state: S): Uint8Array;
  decode(bytes: Uint8Array): S;

  /**
   * Optional: a 64-bit fingerprint of `state` into out[0] (hi) and out[1]
   * (lo), without encoding it. Must agree with `encode`'s equality: equal
   * encodings give equal fingerprints, and distinct ones collide only with
   * negligible probability (~2^-64 per pair). Never (0, 0). The values need
   * not be fingerprintInto(encode(state)): an explorer that sees this method
   * uses it for every state, and encodes only the states that are new.
   */
  fingerprint?(state: S, out: Uint32Array): void;

  /** Names of spec monitors that are hot in `state` (liveness). */
  hotMonitors?(state: S): string[];

  /**
   * Weak fairness (liveness): keys of the steps enabled in `state` that a fair
   * run must eventually take if they stay enabled (deliveries, timers, ...).
   * Steps that may never happen (faults) have no key. See docs/faults.md.
   */
  enabledFairSteps?(state: S): string[];
  /** The fairness key that `step`, taken from `state`, satisfies; null when it has none. */
  fairKeyOfStep?(state: S, step: Step): string | null;
  /** True when no fault step can happen any more from `state` (every budget is spent). */
  faultBudgetsSpent?(state: S): boolean;

  /**
   * Random exploration (optional): the steps enabled in `state` (null: the
   * initial steps), without running them and with no `choose` value made yet.
   * Must list the same steps, in the same order, as `successors` emits (one
   * per step, not per choice). Without it, random explorers enumerate `successors`.
   */
  enabledSteps?(state: S | null): Step[];
  /**
   * Runs `step` from `state` like `apply`, taking the step's own recorded
   * choose values first and `choose(n)` (a value in 0..n-1) for every further
   * one; returns the step with exactly the values made, ready for a trace.
   */
  applyChoosing?(
    state: S | null,
    step: Step,
    choose: (options: number) => number,
  ): { step: Step; outcome: StepOutcome<S> };
  /** The scheduling unit (e.g. the machine) that takes `step` from `state`: PCT gives each one a priority. */
  stepActor?(state: S | null, step: Step): string;

  /** Coverage: start counting, from zero, which states are entered and which handlers run. */
  beginCoverage?(): void;
  /** Stop counting; what the steps run since beginCoverage exercised and what they never did. */
  endCoverage?(): CoverageReport | null;

  describeStep(step: Step, before: S | null, after: S | null): StepLabel;
  viewState(state: S): StateView;

  /**
   * The state as ITF variables (Apalache's trace format: `{"#bigint": "1"}`,
   * `{"#set": [...]}`, `{"#map": [[k, v], ...]}`, `{"#tup": [...]}`); when absent,
   * trace writers fall back to `viewState`.
   */
  itfState?(state: S): { [variable: string]: Json };
}

// Coverage (Model.beginCoverage / endCoverage): the report a model returns.
// Its totals, merge, text table and JSON are in coverage.ts.

export interface StateCoverage {
  name: string;
  /** Times the state was entered (start entry, goto, restart) by the steps the explorer ran. */
  entered: number;
  /** Spec states only: a hot state. */
  hot?: boolean;
}

export interface HandlerCoverage {
  state: string;
  /** The event name, or `timeout T` for a timer. */
  on: string;
  kind: "do" | "goto" | "ignore" | "timeout";
  /** Times the handler ran. */
  ran: number;
  location?: SourceLocation;
}

export interface OwnerCoverage {
  name: string;
  kind: "machine" | "spec";
  /** False for a machine type of which no instance was ever created (left out of the totals). */
  created: boolean;
  states: StateCoverage[];
  handlers: HandlerCoverage[];
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
}
