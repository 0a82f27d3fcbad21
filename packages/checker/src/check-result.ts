// The outcome of a check, as a tagged union (fast-check style). Reporters switch
// on `kind`; more kinds (liveness, random-run results) join the union later, so
// consumers should keep a default branch.
import type { CoverageReport, Failure, FailureKind } from "./model.js";
import type { Trace } from "./trace/trace.js";

/** Figures every explorer reports. */
export interface CheckStats {
  /** Distinct states found (after fingerprint deduplication). */
  distinctStates: number;
  /** Successors emitted by the model, duplicates and failing steps included. */
  generatedStates: number;
  /** Deepest BFS level reached: initial states are depth 0, a trace to depth d has d + 1 steps. */
  maxDepth: number;
  elapsedMs: number;
  distinctStatesPerSecond: number;
  generatedStatesPerSecond: number;
  /** With coverage on: which states were entered and which handlers ran (see coverage.ts). */
  coverage?: CoverageReport;
}

/** The random explorers' figures (checkRandom). */
export interface RandomStats extends CheckStats {
  strategy: "random" | "pct";
  seed: number;
  /** Runs finished (the failing one included). */
  runs: number;
  /** Runs asked for (1 when a single run was replayed with `run`). */
  runsRequested: number;
  /** Steps taken by all runs (initial steps included). */
  steps: number;
  stepsPerSecond: number;
  runsPerSecond: number;
  /** Steps of the longest run. */
  longestRun: number;
  /** Runs that reached a state with no enabled step (normal termination). */
  runsQuiescent: number;
  /** Runs cut off by maxSteps. */
  runsAtMaxSteps: number;
  /** What ended the exploration. */
  stoppedBy: "runs" | "timeout" | "failure" | "interrupted";
  /** PCT: the schedule length its change points were drawn from. */
  pctLength?: number;
}

/** How a random or PCT run found a failure, and how to run it again. */
export interface RandomFinding {
  strategy: "random" | "pct";
  seed: number;
  /** The run's index: (seed, run) reproduces it alone. */
  run: number;
  /** Steps of the failing run as found. */
  originalLength: number;
  /** Steps of the shrunk trace (the result's `trace`). */
  shrunkLength: number;
  /** The failing run as found, before shrinking. */
  originalTrace: Trace;
  /** Replays tried while shrinking. */
  shrinkReplays: number;
  shrinkMs: number;
  /** True when shrinking ended 1-minimal; false when its replay or time budget stopped it (or it was off). */
  shrinkMinimal: boolean;
  /** The command that runs this exact run again, e.g. `faultline check m.fl --test T --mode random --seed 7 --run 3`. */
  replayCommand: string;
}

/** The exhaustive explorer's figures, memory included. */
export interface ExhaustiveStats extends CheckStats {
  /** Every state at depth <= completedDepth was checked and expanded (-1: not even depth 0). */
  completedDepth: number;
  /** Bytes of the fingerprint table. */
  visitedSetBytes: number;
  /** visitedSetBytes / distinctStates. */
  visitedBytesPerState: number;
  /** Bytes of the parent links (parent id + successor index per state). */
  parentLinkBytes: number;
  parentLinkBytesPerState: number;
  /** Largest number of states waiting in the frontier at once, and their encoded bytes. */
  peakQueueStates: number;
  peakQueueBytes: number;
  /** V8 heap in use at the end (0 where the runtime does not say). */
  heapUsedBytes: number;
  /**
   * With partial-order reduction (`partialOrder: true`) only: states expanded,
   * and how many of them with an ample set alone (the rest fully).
   */
  expandedStates?: number;
  ampleExpansions?: number;
}

/**
 * "memory": the memory budget is used up. "interrupted": the caller stopped
 * the search (its AbortSignal, e.g. Ctrl-C); the figures are those so far.
 */
export type BoundReason = "max-depth" | "max-states" | "timeout" | "memory" | "interrupted";

/** A failure together with the shortest known trace that reaches it. */
export interface FoundFailure {
  failure: Failure;
  trace: Trace;
}

export interface PassResult<St extends CheckStats = CheckStats> {
  kind: "pass";
  stats: St;
}

/**
 * Safety failure: invariant, assertion, spec-assertion, unhandled-event,
 * runtime-error; and liveness (`failure.kind === "liveness"`): a spec monitor
 * that can stay hot forever.
 */
export interface ViolationResult<St extends CheckStats = CheckStats> {
  kind: "violation";
  failure: Failure;
  trace: Trace;
  stats: St;
  /** With `stopOnFirst: false`: every failure found, shortest first (the first is `failure`). */
  failures?: FoundFailure[];
  /**
   * Liveness lasso (checkLiveness): the trace ends where the cycle closes.
   * `loop` is the 0-based index of the state (= after step `loop + 1`, the
   * ITF `states[loop]`) equal to the last state: steps after it repeat forever.
   */
  loop?: number;
  /** Liveness found by temperature in random mode: a monitor stayed hot too long, not a proven cycle. */
  potential?: boolean;
  /** Set when a random or PCT run found it. */
  random?: RandomFinding;
}

/** No step enabled but the run is not a normal termination: deadlock or hot-at-end. */
export interface DeadlockResult<St extends CheckStats = CheckStats> {
  kind: "deadlock";
  failure: Failure;
  trace: Trace;
  stats: St;
  failures?: FoundFailure[];
  /** Set when a random or PCT run found it. */
  random?: RandomFinding;
}

/**
 * The safety search passed but a witness property (`reachable`) was never
 * reached: exhaustive, in no reachable state; random, in none of the walks.
 * `failure.kind` is "unreached" and names the first such property.
 */
export interface UnreachedResult<St extends CheckStats = CheckStats> {
  kind: "unreached";
  failure: Failure;
  stats: St;
}

/** A bound stopped the search before a verdict. */
export interface BoundedResult<St extends CheckStats = CheckStats> {
  kind: "bounded";
  reason: BoundReason;
  stats: St;
  /** What ran out and how to go further, when the reason alone does not say. */
  message?: string;
}

/** The model itself failed (threw, or behaved non-deterministically): an internal error, not a verdict. */
export interface ErrorResult<St extends CheckStats = CheckStats> {
  kind: "error";
  message: string;
  /** The trace to the state being expanded when the model failed, when known. */
  trace?: Trace;
  /** The thrown error's stack, for bug reports. */
  detail?: string;
  stats?: St;
}

export type CheckResult<St extends CheckStats = CheckStats> =
  | PassResult<St>
  | ViolationResult<St>
  | DeadlockResult<St>
  | UnreachedResult<St>
  | BoundedResult<St>
  | ErrorResult<St>;

/** Which result kind reports a failure of this kind. */
export function resultKindOf(kind: FailureKind): "violation" | "deadlock" {
  return kind === "deadlock" || kind === "hot-at-end" ? "deadlock" : "violation";
}
