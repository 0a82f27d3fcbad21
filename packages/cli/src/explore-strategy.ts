// How `check` explores one test.
// - exhaustive: most models are small, so a single-threaded probe finishes them
//   before worker threads would even have started (each worker compiles the
//   model again); only past the probe's state cap does the search restart on
//   every worker. A passing search of a test with hot monitor states is then
//   followed by the liveness check (fair cycles that stay hot).
// - random / pct: seeded walks or PCT schedules, failures shrunk.
// - auto: exhaustive within the bounds; if a bound stops it first, random walks
//   with the time that is left, so a big model still gets a search for bugs.
import {
  type CheckResult,
  type CoverageReport,
  checkExhaustive,
  checkExhaustiveParallel,
  checkLiveness,
  hasHotCycle,
  checkRandom,
  collectCoverage,
  type ExhaustiveProgress,
  type ExhaustiveStats,
  flModelFactory,
  type Json,
  type Model,
  type RandomOptions,
  type RandomStats,
} from "@faultline/checker";

/** States the single-threaded probe may visit before switching to workers. */
export const PARALLEL_PROBE_STATES = 200_000;

/** In auto mode, the exhaustive phase's default state bound. */
export const AUTO_EXHAUSTIVE_STATES = 5_000_000;

export type Mode = "exhaustive" | "random" | "pct" | "auto";

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
}

export interface ExploreOutcome {
  result: CheckResult;
  mode: "exhaustive" | "random";
  coverage: CoverageReport | null;
  /**
   * The liveness check after a passing exhaustive search of a test with hot
   * spec states: its outcome and size (it explores the full state space:
   * symmetry and partial-order reduction apply to the safety search only), or
   * "skipped" with `liveness: false`; null when it did not apply.
   */
  liveness: LivenessPhase | null;
  /** The exhaustive safety search's own figures, when a liveness check followed it. */
  safety?: ExhaustiveStats;
  /** `auto` mode: the random walks that followed a bounded exhaustive search and found nothing. */
  randomPhase?: { runs: number; steps: number; elapsedMs: number };
}

export type LivenessPhase =
  | "skipped"
  | {
      kind: CheckResult["kind"];
      states: number;
      elapsedMs: number;
      reason?: string;
      /** Settled on the symmetry quotient: no cycle at all keeps a monitor hot (see hasHotCycle). */
      quotient?: boolean;
    };

type HotModel = { hasHotStates?: boolean };

export async function explore<S>(model: Model<S, Json>, o: ExploreOptions): Promise<ExploreOutcome> {
  const mode = o.mode ?? "exhaustive";
  const started = Date.now();
  const remaining = () =>
    o.timeoutMs === undefined ? undefined : Math.max(1, o.timeoutMs - (Date.now() - started));
  if (mode === "random" || mode === "pct") {
    return { ...runRandom(model, o, mode, o.timeoutMs), mode: "random", liveness: null };
  }
  const maxStates = o.maxStates ?? (mode === "auto" ? AUTO_EXHAUSTIVE_STATES : undefined);
  const exhaustive = await runExhaustive(model, { ...o, maxStates });
  let result = exhaustive.result;
  let liveness: LivenessPhase | null = null;
  let safety: ExploreOutcome["safety"];
  if (result.kind === "pass" && (model as HotModel).hasHotStates) {
    safety = result.stats as ExhaustiveStats;
    if (o.liveness === false) {
      liveness = "skipped";
    } else {
      const quick = quotientLiveness(model, maxStates, remaining());
      const checked = quick ?? checkLiveness(model, { maxStates, timeoutMs: remaining() });
      liveness = {
        ...(quick !== null ? { quotient: true } : {}),
        kind: checked.kind,
        states: "stats" in checked && checked.stats ? checked.stats.distinctStates : 0,
        elapsedMs: "stats" in checked && checked.stats ? checked.stats.elapsedMs : 0,
        ...(checked.kind === "bounded" ? { reason: checked.reason } : {}),
      };
      if (checked.kind !== "pass") result = checked;
    }
  }
  let randomPhase: ExploreOutcome["randomPhase"];
  if (mode === "auto" && result.kind === "bounded") {
    const random = runRandom(model, o, "random", remaining() ?? 60_000);
    if (random.result.kind === "violation" || random.result.kind === "deadlock") {
      return { result: random.result, mode: "random", coverage: random.coverage, liveness };
    }
    const stats = "stats" in random.result ? (random.result.stats as RandomStats | undefined) : undefined;
    if (stats !== undefined)
      randomPhase = { runs: stats.runs, steps: stats.steps, elapsedMs: stats.elapsedMs };
  }
  return {
    result,
    mode: "exhaustive",
    coverage: exhaustive.coverage,
    liveness,
    ...(safety ? { safety } : {}),
    ...(randomPhase ? { randomPhase } : {}),
  };
}

type SymmetricModel<S> = {
  symmetricTypes?: readonly string[];
  fingerprint?: (s: S, out: Uint32Array) => void;
};

/**
 * With symmetry reduction, first look for any hot cycle in the quotient graph
 * (hasHotCycle): when there is none, the liveness check passes without the
 * full state space; otherwise (or at a bound) null, and the exact check runs.
 */
function quotientLiveness<S>(
  model: Model<S, Json>,
  maxStates: number | undefined,
  timeoutMs: number | undefined,
): CheckResult | null {
  const m = model as SymmetricModel<S>;
  if ((m.symmetricTypes?.length ?? 0) === 0 || m.fingerprint === undefined) return null;
  const started = Date.now();
  let quick: ReturnType<typeof hasHotCycle>;
  try {
    quick = hasHotCycle(model, { fingerprint: m.fingerprint.bind(model), maxStates, timeoutMs });
  } catch {
    // A model that throws while the graph is built: the exact check reports it as that test's error.
    return null;
  }
  if (quick.answer !== "none") return null;
  return { kind: "pass", stats: { ...quick.stats, elapsedMs: Date.now() - started } };
}

function runRandom<S>(
  model: Model<S, Json>,
  o: ExploreOptions,
  strategy: "random" | "pct",
  timeoutMs: number | undefined,
): { result: CheckResult; coverage: CoverageReport | null } {
  const quote = (s: string) => (/^[A-Za-z0-9_./=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  const prefix = [
    "faultline check",
    quote(o.file),
    "--test",
    quote(o.test),
    ...(o.faultsText !== undefined ? ["--faults", quote(o.faultsText)] : []),
  ].join(" ");
  const result = checkRandom(model, {
    ...o.random,
    strategy,
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    coverage: Boolean(o.coverage),
    replayCommandPrefix: prefix,
  });
  const coverage = ("stats" in result && result.stats?.coverage) || null;
  return { result, coverage: coverage as CoverageReport | null };
}

async function runExhaustive<S>(
  model: Model<S, Json>,
  o: ExploreOptions,
): Promise<{ result: CheckResult; coverage: CoverageReport | null }> {
  const probeCap = o.probeStates ?? PARALLEL_PROBE_STATES;
  const parallel = o.workers > 1 || o.memoryBytes !== undefined;
  const started = Date.now();
  const single = (maxStates: number | undefined) => {
    const run = () =>
      checkExhaustive(model, {
        maxDepth: o.maxDepth,
        maxStates,
        timeoutMs: o.timeoutMs,
        onProgress: o.onProgress,
        partialOrder: o.partialOrder === true,
      });
    return o.coverage ? collectCoverage(model, run) : { result: run(), coverage: null };
  };
  if (!parallel || (o.maxStates !== undefined && o.maxStates <= probeCap)) return single(o.maxStates);
  // Only the parallel explorer enforces a memory budget, so a budget skips the probe.
  const probe = o.memoryBytes === undefined ? single(probeCap) : null;
  if (probe === null) {
    const factory = flModelFactory({
      file: o.file,
      test: o.test,
      ...(o.faultsText !== undefined ? { faults: o.faultsText } : {}),
      ...(o.symmetry === false ? { symmetry: false } : {}),
      ...(o.partialOrder === true ? { partialOrder: true } : {}),
    });
    const result = await checkExhaustiveParallel(factory, {
      workers: o.workers,
      memoryBytes: o.memoryBytes,
      maxDepth: o.maxDepth,
      maxStates: o.maxStates,
      timeoutMs: o.timeoutMs,
      onProgress: o.onProgress,
      partialOrder: o.partialOrder === true,
    });
    return { result, coverage: null };
  }
  if (!(probe.result.kind === "bounded" && probe.result.reason === "max-states")) return probe;
  const remaining = o.timeoutMs === undefined ? undefined : Math.max(1, o.timeoutMs - (Date.now() - started));
  const factoryArgs = {
    file: o.file,
    test: o.test,
    ...(o.faultsText !== undefined ? { faults: o.faultsText } : {}),
    ...(o.symmetry === false ? { symmetry: false } : {}),
    ...(o.partialOrder === true ? { partialOrder: true } : {}),
  };
  // Workers collect no coverage; the probe's covers the states it reached.
  const result = await checkExhaustiveParallel(flModelFactory(factoryArgs), {
    workers: o.workers,
    memoryBytes: o.memoryBytes,
    maxDepth: o.maxDepth,
    maxStates: o.maxStates,
    timeoutMs: remaining,
    onProgress: o.onProgress,
    partialOrder: o.partialOrder === true,
  });
  return { result, coverage: probe.coverage };
}
