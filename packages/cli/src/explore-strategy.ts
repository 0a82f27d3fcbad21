// How `check` explores one test: the checker's checkModel (probe first, then
// workers past the probe's cap; liveness after a passing safety search; auto
// mode's random phase), with the .fl model factory its workers build from and
// the replay command its random findings print.
import {
  ByteModel,
  type CheckMode,
  type CheckModelOutcome,
  checkModel,
  type ExhaustiveProgress,
  FixedModel,
  flModelFactory,
  type Json,
  type LivenessPhase as CheckLivenessPhase,
  type Model,
  type RandomOptions,
} from "@faultline/checker";

export { AUTO_EXHAUSTIVE_STATES, PARALLEL_PROBE_STATES } from "@faultline/checker";

export type Mode = CheckMode;

export interface ExploreOptions {
  file: string;
  test: string;
  faultsText: string | undefined;
  /** False: the parallel workers ignore the test's `symmetric (...)` too (default true). */
  symmetry?: boolean;
  /**
   * Partial-order reduction in the exhaustive search (the model must be built
   * with it too, so its ample sets exist); safety only: the liveness check stays full.
   */
  partialOrder?: boolean;
  mode?: Mode;
  workers: number;
  /** `workers` is the most: as many as stay free while the probe runs (checkModel's adaptWorkers). */
  adaptWorkers?: boolean;
  memoryBytes: number | undefined;
  maxDepth: number | undefined;
  maxStates: number | undefined;
  timeoutMs: number | undefined;
  onProgress: (p: ExhaustiveProgress) => void;
  /** Random and PCT options (seed, runs, run, maxSteps, pctDepth, temperature...). */
  random?: Omit<RandomOptions, "strategy" | "timeoutMs" | "coverage">;
  coverage?: boolean;
  /** For tests: the probe's cap. */
  probeStates?: number;
  /** False: do not look for fair cycles that stay hot after a passing search (`--no-liveness`). */
  liveness?: boolean;
  /** Aborted on Ctrl-C: the search stops with `bounded`, reason "interrupted" (checkModel's signal). */
  signal?: AbortSignal;
  /** Around a search that cannot be interrupted (checkModel's onBlocking). */
  onBlocking?: (blocking: boolean) => void;
  /** The search started over on another model (checkModel's onRestart). */
  onRestart?: (reason: string) => void;
}

export type ExploreOutcome = CheckModelOutcome;

export type LivenessPhase = CheckLivenessPhase;

export async function explore<S>(model: Model<S, Json>, o: ExploreOptions): Promise<ExploreOutcome> {
  // Workers build the model the search explores, their fingerprints must be its: on the
  // coordinator's fixed-width layout, or after a restart (an overflow) the canonical encoding.
  const factory = (searched: Model<S, Json>) =>
    flModelFactory({
      file: o.file,
      test: o.test,
      ...(o.faultsText !== undefined ? { faults: o.faultsText } : {}),
      ...(o.symmetry === false ? { symmetry: false } : {}),
      ...(o.partialOrder === true ? { partialOrder: true } : {}),
      ...(searched instanceof ByteModel ? { backend: "bytes" as const } : {}),
      ...(searched instanceof FixedModel ? { plan: searched.plan } : {}),
    });
  return checkModel(model, factory, {
    ...(o.mode !== undefined ? { mode: o.mode } : {}),
    workers: o.workers,
    ...(o.adaptWorkers === true ? { adaptWorkers: true } : {}),
    memoryBytes: o.memoryBytes,
    maxDepth: o.maxDepth,
    maxStates: o.maxStates,
    timeoutMs: o.timeoutMs,
    onProgress: o.onProgress,
    partialOrder: o.partialOrder === true,
    random: { ...o.random, replayCommandPrefix: replayCommandPrefix(o) },
    ...(o.coverage !== undefined ? { coverage: o.coverage } : {}),
    ...(o.probeStates !== undefined ? { probeStates: o.probeStates } : {}),
    ...(o.liveness !== undefined ? { liveness: o.liveness } : {}),
    ...(o.signal !== undefined ? { signal: o.signal } : {}),
    ...(o.onBlocking !== undefined ? { onBlocking: o.onBlocking } : {}),
    ...(o.onRestart !== undefined ? { onRestart: o.onRestart } : {}),
  });
}

/** `faultline check FILE --test T [--faults F]`: random findings append the options that shape a run. */
function replayCommandPrefix(o: ExploreOptions): string {
  const quote = (s: string) => (/^[A-Za-z0-9_./=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  return [
    "faultline check",
    quote(o.file),
    "--test",
    quote(o.test),
    ...(o.faultsText !== undefined ? ["--faults", quote(o.faultsText)] : []),
  ].join(" ");
}
