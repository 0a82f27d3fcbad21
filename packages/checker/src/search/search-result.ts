// How an exhaustive search ends: its figures, and the result for the failures
// it kept, the bound that stopped it, or the error that did. Shared by the
// single-threaded explorer and the parallel coordinator (and the liveness
// check's figures and errors).
import {
  type BoundReason,
  type CheckResult,
  type CheckStats,
  type DeadlockResult,
  type ErrorResult,
  type ExhaustiveStats,
  type FoundFailure,
  resultKindOf,
  type ViolationResult,
} from "../check-result.js";
import { errorMessage } from "../errors.js";
import type { Trace } from "../trace/trace.js";
import { type Candidate, letRestartThrough } from "./core.js";

/** The figures every explorer reports, with the rates worked out. */
export function checkStats(
  distinct: number,
  generated: number,
  deepest: number,
  elapsedMs: number,
): CheckStats {
  const seconds = elapsedMs / 1000;
  return {
    distinctStates: distinct,
    generatedStates: generated,
    maxDepth: deepest,
    elapsedMs,
    distinctStatesPerSecond: seconds > 0 ? distinct / seconds : 0,
    generatedStatesPerSecond: seconds > 0 ? generated / seconds : 0,
  };
}

/** What an exhaustive search counted, from which its ExhaustiveStats are worked out. */
export interface SearchFigures {
  distinct: number;
  generated: number;
  deepest: number;
  elapsedMs: number;
  completedDepth: number;
  visitedSetBytes: number;
  parentLinkBytes: number;
  peakQueueStates: number;
  peakQueueBytes: number;
  heapUsedBytes: number;
  /** With partial-order reduction only: states expanded, and how many with an ample set alone. */
  partialOrder: { expanded: number; ampleExpansions: number } | null;
}

/** The stats of an exhaustive search; `extra` (the parallel explorer's own figures) goes before the reduction's. */
export function exhaustiveStats<X extends object>(f: SearchFigures, extra: X): ExhaustiveStats & X {
  const distinct = f.distinct;
  return {
    ...checkStats(distinct, f.generated, f.deepest, f.elapsedMs),
    completedDepth: f.completedDepth,
    visitedSetBytes: f.visitedSetBytes,
    visitedBytesPerState: distinct > 0 ? f.visitedSetBytes / distinct : 0,
    parentLinkBytes: f.parentLinkBytes,
    parentLinkBytesPerState: distinct > 0 ? f.parentLinkBytes / distinct : 0,
    peakQueueStates: f.peakQueueStates,
    peakQueueBytes: f.peakQueueBytes,
    heapUsedBytes: f.heapUsedBytes,
    ...extra,
    ...(f.partialOrder === null
      ? {}
      : { expandedStates: f.partialOrder.expanded, ampleExpansions: f.partialOrder.ampleExpansions }),
  };
}

/** How a search ended, besides the failures it kept. */
export interface SearchEnd {
  /** The bound that stopped it, if one did. */
  stopReason: BoundReason | null;
  /** What ran out and how to go further, when the reason alone does not say. */
  stopMessage?: string;
  /** maxDepth cut something off. */
  cutOffByDepth: boolean;
}

/**
 * The result of a finished search: its failures (rebuilt by `traceOf`, which
 * may throw: an `error` result), else `bounded` by what stopped it or by
 * maxDepth, else `pass`.
 */
export function searchResult<St extends ExhaustiveStats, C extends Candidate>(
  candidates: readonly C[],
  traceOf: (candidate: C) => Trace,
  all: boolean,
  stats: St,
  end: SearchEnd,
): CheckResult<St> {
  try {
    const failed = failureResult(candidates, traceOf, all, stats);
    if (failed !== null) return failed;
  } catch (error) {
    // Rebuilding a trace may meet a value its layout has no room for: checkModel starts over.
    letRestartThrough(error);
    return errorResult(errorMessage(error), stackOf(error), stats, null);
  }
  if (end.stopReason !== null) {
    const result: CheckResult<St> = { kind: "bounded", reason: end.stopReason, stats };
    if (end.stopMessage !== undefined) result.message = end.stopMessage;
    return result;
  }
  if (end.cutOffByDepth) return { kind: "bounded", reason: "max-depth", stats };
  return { kind: "pass", stats };
}

/**
 * The result for the failures a search kept, shortest first (the first is the
 * reported one; with `all`, every one is listed too), or null when there are
 * none. Throws what `traceOf` throws: rebuilding a trace replays the model.
 */
function failureResult<St extends CheckStats, C extends Candidate>(
  candidates: readonly C[],
  traceOf: (candidate: C) => Trace,
  all: boolean,
  stats: St,
): ViolationResult<St> | DeadlockResult<St> | null {
  if (candidates.length === 0) return null;
  const found: FoundFailure[] = candidates.map((c) => ({ failure: c.failure, trace: traceOf(c) }));
  const primary = found[0]!;
  const kind = resultKindOf(primary.failure.kind);
  if (!all) return { kind, failure: primary.failure, trace: primary.trace, stats };
  return { kind, failure: primary.failure, trace: primary.trace, stats, failures: found };
}

/** A thrown value's stack, for an error result's `detail`. */
export function stackOf(error: unknown): string | undefined {
  return error instanceof Error ? error.stack : undefined;
}

/**
 * An `error` result: the model threw or replayed differently. `traceTo`
 * rebuilds the trace to the state being expanded when that is known; when the
 * model cannot even replay it, the result has no trace.
 */
export function errorResult<St extends CheckStats>(
  message: string,
  detail: string | undefined,
  stats: St | undefined,
  traceTo: (() => Trace) | null,
): ErrorResult<St> {
  const result: ErrorResult<St> = { kind: "error", message, stats };
  if (detail !== undefined) result.detail = detail;
  if (traceTo !== null) {
    try {
      result.trace = traceTo();
    } catch {
      // The model cannot even replay the path: report the error without a trace.
    }
  }
  return result;
}
