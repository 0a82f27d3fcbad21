// How `check` explores one test. Most models are small: a single-threaded
// probe finishes them before worker threads would even have started (each
// worker compiles the model again). Only when the probe hits its state cap
// does the search restart with the parallel explorer on every worker.
import {
  type CheckResult,
  checkExhaustive,
  checkExhaustiveParallel,
  type ExhaustiveProgress,
  flModelFactory,
  type Json,
  type Model,
} from "@faultline/checker";

/** States the single-threaded probe may visit before switching to workers. */
export const PARALLEL_PROBE_STATES = 200_000;

export interface ExploreOptions {
  file: string;
  test: string;
  faultsText: string | undefined;
  workers: number;
  memoryBytes: number | undefined;
  maxDepth: number | undefined;
  maxStates: number | undefined;
  timeoutMs: number | undefined;
  onProgress: (p: ExhaustiveProgress) => void;
  /** For tests: the probe's cap. */
  probeStates?: number;
}

export async function explore<S>(model: Model<S, Json>, o: ExploreOptions): Promise<CheckResult> {
  const probeCap = o.probeStates ?? PARALLEL_PROBE_STATES;
  const parallel = o.workers > 1 || o.memoryBytes !== undefined;
  const started = Date.now();
  if (!parallel || (o.maxStates !== undefined && o.maxStates <= probeCap)) {
    return checkExhaustive(model, {
      maxDepth: o.maxDepth,
      maxStates: o.maxStates,
      timeoutMs: o.timeoutMs,
      onProgress: o.onProgress,
    });
  }
  const probe = checkExhaustive(model, {
    maxDepth: o.maxDepth,
    maxStates: probeCap,
    timeoutMs: o.timeoutMs,
    onProgress: o.onProgress,
  });
  if (!(probe.kind === "bounded" && probe.reason === "max-states")) return probe;
  const remaining = o.timeoutMs === undefined ? undefined : Math.max(1, o.timeoutMs - (Date.now() - started));
  const factoryArgs = {
    file: o.file,
    test: o.test,
    ...(o.faultsText !== undefined ? { faults: o.faultsText } : {}),
  };
  return checkExhaustiveParallel(flModelFactory(factoryArgs), {
    workers: o.workers,
    memoryBytes: o.memoryBytes,
    maxDepth: o.maxDepth,
    maxStates: o.maxStates,
    timeoutMs: remaining,
    onProgress: o.onProgress,
  });
}
