// checkModel: what `faultline check` does with one model, for any caller.
// - exhaustive: most models are small, so a single-threaded probe finishes them
//   before worker threads would even have started (each worker builds the
//   model again from the factory); only past the probe's state cap does the
//   search restart on the workers (ADR 0006). Only the parallel explorer
//   enforces a memory budget, so a budget skips the probe. A passing search
//   of a model with hot spec states is then followed by the liveness check
//   (fair cycles that stay hot; on the symmetry quotient first).
// - random / pct: seeded walks or PCT schedules, failures shrunk.
// - auto: exhaustive within the bounds; if a bound stops it first, random walks
//   with the time that is left, so a big model still gets a search for bugs.
import { availableParallelism } from "node:os";
import type { CheckResult, ExhaustiveStats, RandomStats } from "../check-result.js";
import { collectCoverageAsync } from "../coverage.js";
import {
  type CoverageReport,
  hasLivenessProperties,
  hasSymmetry,
  hasWitnesses,
  type Json,
  type Model,
} from "../model.js";
import type { ModelFactory } from "../model-factory.js";
import { boundedIfInterrupted, setStepDeadline } from "../step-deadline.js";
import {
  checkExhaustiveAsync,
  type ExhaustiveProgress,
  type ProbeDecision,
  probeExhaustiveAsync,
  type SearchContinuation,
} from "./bfs-explorer.js";
import { SearchRestart, statesWithinBudget } from "./core.js";
import { sampleCpus, workersByLoadAverage, workersForFreeCores } from "./idle-cores.js";
import { checkLivenessAsync, hasHotCycle } from "./liveness.js";
import { ParallelExplorer } from "./parallel-explorer.js";
import { checkRandomAsync, type RandomOptions } from "./random-explorer.js";
import { searchWitnesses, type WitnessOutcome, witnessVerdict } from "./witnesses.js";

/** States the single-threaded probe may visit before switching to workers. */
export const PARALLEL_PROBE_STATES = 200_000;
/**
 * The part of the probe's cap at which it decides whether workers go on from
 * it and, if so, starts them (ParallelExplorer.prepare): models well inside
 * the cap never start them, and past it they have had the time of the rest
 * of the probe (a few hundred ms) to be ready.
 */
const PROBE_DECIDES_AT = 0.6;

/** What the liveness check's graph takes per state at most (ids, parents, edges and fairness keys in doubling arrays). */
const LIVENESS_BYTES_PER_STATE = 320;

/** In auto mode, the exhaustive phase's default state bound. */
export const AUTO_EXHAUSTIVE_STATES = 5_000_000;

export type CheckMode = "exhaustive" | "random" | "pct" | "auto";

export interface CheckModelOptions {
  /** Default "exhaustive". */
  mode?: CheckMode;
  /** Worker threads for the exhaustive search past the probe (default 1: this thread only). */
  workers?: number;
  /**
   * `workers` is the most: the search goes on from its probe with this thread's
   * core plus the cores that stayed idle while the probe ran (idle-cores.ts),
   * alone when none did. The default `--workers` of the CLI. A function
   * decides instead (called with `workers` when the probe decides; tests).
   */
  adaptWorkers?: boolean | ((max: number) => number);
  /**
   * How many of `max` worker threads may start while the probe runs (the
   * cores besides this thread's that stayed idle since the search began,
   * idle-cores.ts); the rest start at the hand-over. A function decides
   * instead (tests).
   */
  prepareWorkers?: (max: number) => number;
  /** Memory budget of the exhaustive search (the parallel explorer's; skips the probe). */
  memoryBytes?: number;
  maxDepth?: number;
  maxStates?: number;
  /** For the whole check: every phase gets the time that is left. */
  timeoutMs?: number;
  onProgress?: (progress: ExhaustiveProgress) => void;
  /**
   * Partial-order reduction in the exhaustive search (a model built with ample
   * sets; the factory's models too); safety only: the liveness check stays full.
   */
  partialOrder?: boolean;
  /** Random and PCT options (seed, runs, run, maxSteps, pctDepth, temperature, replayCommandPrefix...). */
  random?: Omit<RandomOptions, "strategy" | "timeoutMs" | "coverage">;
  /** Count coverage (the probe's, or the random runs'; workers collect none). */
  coverage?: boolean;
  /** The probe's state cap (default PARALLEL_PROBE_STATES). */
  probeStates?: number;
  /** False: no liveness check after a passing search (it is reported "skipped"). */
  liveness?: boolean;
  /**
   * Aborting it (Ctrl-C) stops the exhaustive search, single-threaded or on
   * workers, within about 50 ms (one expansion at most): the result is
   * `bounded`, reason "interrupted", with the figures so far, and nothing runs
   * after it; the liveness check stops the same way (checkLivenessAsync).
   * Random walks run to their own bounds.
   */
  signal?: AbortSignal;
  /**
   * Called around a search that cannot give the event loop a turn (the
   * symmetry pre-check): `true` before, `false` after. A signal
   * handler cannot run inside one, so a caller that handles Ctrl-C itself
   * steps aside there (the CLI lets Ctrl-C end the process at once) rather
   * than leave the user waiting for the search's own bound.
   */
  onBlocking?: (blocking: boolean) => void;
  /** Called when the model asked for the check to start over on another (SearchRestart), with why. */
  onRestart?: (reason: string) => void;
}

/** Runs a synchronous search between `onBlocking(true)` and `onBlocking(false)`. */
function blocking<T>(o: CheckModelOptions, search: () => T): T {
  o.onBlocking?.(true);
  try {
    return search();
  } finally {
    o.onBlocking?.(false);
  }
}

/**
 * The liveness check after a passing exhaustive search of a model with hot
 * spec states: its outcome and size (it explores the full state space:
 * symmetry and partial-order reduction apply to the safety search only), or
 * "skipped" with `liveness: false`.
 */
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

export interface CheckModelOutcome {
  result: CheckResult;
  /** Which search gave `result`. */
  mode: "exhaustive" | "random";
  coverage: CoverageReport | null;
  /** The liveness phase; null when it did not apply. */
  liveness: LivenessPhase | null;
  /** The exhaustive safety search's own figures, when a liveness check followed it. */
  safety?: ExhaustiveStats;
  /** `auto` mode: the random walks that followed a bounded exhaustive search and found nothing. */
  randomPhase?: { runs: number; steps: number; elapsedMs: number };
  /** The witness properties (`reachable`) searched after a pass: reached (with the shortest trace) or not. */
  witnesses?: WitnessOutcome[];
}

/**
 * Checks `model` as `faultline check` does (see the file comment). `factory`
 * builds the same model in worker threads; without one (null) the exhaustive
 * search stays on this thread, and a search that would need workers (past the
 * probe's cap with `workers` > 1, or with a memory budget) is an `error`
 * result. A function gives the factory for the model searched: the one
 * given, or the one a SearchRestart names. Never throws for model errors.
 */
export async function checkModel<S, Step extends Json>(
  model: Model<S, Step>,
  factory: ModelFactory | null | ((model: Model<S, Step>) => ModelFactory | null),
  options: CheckModelOptions = {},
): Promise<CheckModelOutcome> {
  // A step still running at the deadline is interrupted (step-deadline.ts): the check is then bounded.
  const started = Date.now();
  setStepDeadline(options.timeoutMs === undefined ? undefined : started + options.timeoutMs);
  try {
    // Once per model: a parallel explorer knows the factory it prepared workers for by identity.
    const factoryOf = (m: Model<S, Step>) => (typeof factory === "function" ? factory(m) : factory);
    const check = async (m: Model<S, Step>, from: number, o: CheckModelOptions) =>
      withWitnesses(from, m, o, await checkModelFrom(from, m, factoryOf(m), o));
    let outcome: CheckModelOutcome;
    try {
      outcome = await check(model, started, options);
    } catch (e) {
      // The model asks for the check to start over on another of the same states (core.ts
      // SearchRestart: the fixed-width layout met a value it has no room for). The time spent
      // counts against the timeout (the step deadline stays as it was set); coverage starts over
      // with the search.
      if (!(e instanceof SearchRestart)) throw e;
      options.onRestart?.(e.message);
      const now = Date.now();
      const left =
        options.timeoutMs === undefined
          ? {}
          : { timeoutMs: Math.max(1, options.timeoutMs - (now - started)) };
      outcome = await check(e.model as Model<S, Step>, now, { ...options, ...left });
    }
    return { ...outcome, result: boundedIfInterrupted(outcome.result) };
  } finally {
    setStepDeadline(undefined);
  }
}

async function checkModelFrom<S, Step extends Json>(
  started: number,
  model: Model<S, Step>,
  factory: ModelFactory | null,
  o: CheckModelOptions,
): Promise<CheckModelOutcome> {
  const mode = o.mode ?? "exhaustive";
  const remaining = () =>
    o.timeoutMs === undefined ? undefined : Math.max(1, o.timeoutMs - (Date.now() - started));
  if (mode === "random" || mode === "pct") {
    return { ...(await runRandom(model, o, mode, o.timeoutMs)), mode: "random", liveness: null };
  }
  const maxStates = o.maxStates ?? (mode === "auto" ? AUTO_EXHAUSTIVE_STATES : undefined);
  const exhaustive = await runExhaustive(model, factory, { ...o, maxStates });
  let result = exhaustive.result;
  if (o.signal?.aborted) return { result, mode: "exhaustive", coverage: exhaustive.coverage, liveness: null };
  let liveness: LivenessPhase | null = null;
  let safety: ExhaustiveStats | undefined;
  if (result.kind === "pass" && hasLivenessProperties(model)) {
    safety = result.stats as ExhaustiveStats;
    if (o.liveness === false) {
      liveness = "skipped";
    } else {
      // The liveness graph is built on this thread: a memory budget caps its states.
      const cap = statesWithinBudget(o.memoryBytes, LIVENESS_BYTES_PER_STATE);
      const livenessMax = cap === undefined ? maxStates : Math.min(cap, maxStates ?? cap);
      const quick = blocking(o, () => quotientLiveness(model, livenessMax, remaining()));
      let checked =
        quick ??
        (await checkLivenessAsync(model, {
          maxStates: livenessMax,
          timeoutMs: remaining(),
          ...(o.signal !== undefined ? { signal: o.signal } : {}),
        }));
      if (checked.kind === "bounded" && checked.reason === "max-states" && livenessMax !== maxStates) {
        checked = {
          ...checked,
          reason: "memory",
          message:
            `memory budget exhausted: the liveness check's graph of ${(livenessMax ?? 0).toLocaleString("en-US")} ` +
            "states takes what is left of it; allow more memory to go further",
        };
      }
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
  let randomPhase: CheckModelOutcome["randomPhase"];
  if (mode === "auto" && result.kind === "bounded") {
    const random = await runRandom(model, o, "random", remaining() ?? 60_000);
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

/**
 * After a pass, the searches for the model's witness properties: a witness
 * never reached turns the pass into `unreached`; a failure another walk found
 * (random mode) is the verdict.
 */
async function withWitnesses<S, Step extends Json>(
  started: number,
  model: Model<S, Step>,
  o: CheckModelOptions,
  outcome: CheckModelOutcome,
): Promise<CheckModelOutcome> {
  if (outcome.result.kind !== "pass" || !hasWitnesses(model) || o.signal?.aborted) return outcome;
  // The witness searches run on this thread: a memory budget caps their states as it caps the liveness graph's.
  const cap = statesWithinBudget(o.memoryBytes, LIVENESS_BYTES_PER_STATE);
  const stats = outcome.result.stats;
  // Random: the safety search's own walks again (its seed and the runs it finished), whatever time is left.
  const random = outcome.mode === "random";
  const searched = await searchWitnesses(model, model.witnesses, {
    mode: random ? (o.mode === "pct" ? "pct" : "random") : "exhaustive",
    maxDepth: o.maxDepth,
    maxStates: cap === undefined ? o.maxStates : Math.min(cap, o.maxStates ?? cap),
    ...(o.timeoutMs !== undefined && !random
      ? { timeoutMs: Math.max(1, o.timeoutMs - (Date.now() - started)) }
      : {}),
    ...(random ? { random: { ...o.random, runs: (stats as RandomStats).runs } } : {}),
    ...(o.signal !== undefined ? { signal: o.signal } : {}),
    blocking: (search) => blocking(o, search),
  });
  const result =
    searched.failure ?? witnessVerdict(searched.witnesses, outcome.mode, stats) ?? outcome.result;
  return { ...outcome, result, witnesses: searched.witnesses };
}

/**
 * With symmetry reduction, first look for any hot cycle in the quotient graph
 * (hasHotCycle): when there is none, the liveness check passes without the
 * full state space; otherwise (or at a bound) null, and the exact check runs.
 */
function quotientLiveness<S, Step extends Json>(
  model: Model<S, Step>,
  maxStates: number | undefined,
  timeoutMs: number | undefined,
): CheckResult | null {
  if (!hasSymmetry(model)) return null;
  const started = Date.now();
  let quick: ReturnType<typeof hasHotCycle>;
  try {
    quick = hasHotCycle(model, { fingerprint: model.fingerprint.bind(model), maxStates, timeoutMs });
  } catch {
    // A model that throws while the graph is built: the exact check reports it as that test's error.
    return null;
  }
  if (quick.answer !== "none") return null;
  return { kind: "pass", stats: { ...quick.stats, elapsedMs: Date.now() - started } };
}

async function runRandom<S, Step extends Json>(
  model: Model<S, Step>,
  o: CheckModelOptions,
  strategy: "random" | "pct",
  timeoutMs: number | undefined,
): Promise<{ result: CheckResult; coverage: CoverageReport | null }> {
  // Between walks the event loop gets a turn, so Ctrl-C (the signal) stops the search.
  const result = await checkRandomAsync(model, {
    ...o.random,
    strategy,
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    coverage: Boolean(o.coverage),
    ...(o.signal !== undefined ? { signal: o.signal } : {}),
  });
  const coverage = ("stats" in result && result.stats?.coverage) || null;
  return { result, coverage: coverage as CoverageReport | null };
}

async function runExhaustive<S, Step extends Json>(
  model: Model<S, Step>,
  factory: ModelFactory | null,
  o: CheckModelOptions,
): Promise<{ result: CheckResult; coverage: CoverageReport | null }> {
  const probeCap = o.probeStates ?? PARALLEL_PROBE_STATES;
  const workers = o.workers ?? 1;
  const parallel = workers > 1 || o.memoryBytes !== undefined;
  const started = Date.now();
  const partialOrder = o.partialOrder === true;
  /** The single-threaded search; as the probe (`probe`), also where it stands when its cap stopped it. */
  const single = async (maxStates: number | undefined, probe = false, decision?: ProbeDecision) => {
    const options = {
      maxDepth: o.maxDepth,
      maxStates,
      timeoutMs: o.timeoutMs,
      onProgress: o.onProgress,
      partialOrder,
      ...(o.signal !== undefined ? { signal: o.signal } : {}),
    };
    // A probe past which workers take over hands them where it stands, so they go on from
    // there instead of starting over; not with partial-order reduction, whose cycle proviso
    // is per search: its workers start over (prepared while the probe ran, as without it).
    let continuation: SearchContinuation | null = null;
    const search = async () => {
      if (!probe) return checkExhaustiveAsync(model, options);
      const probed = await probeExhaustiveAsync(model, options, decision);
      if (!partialOrder) continuation = probed.continuation;
      return probed.result;
    };
    // Nothing else runs this model during the search, so coverage can be counted across its turns of the event loop.
    const { result, coverage } = o.coverage
      ? await collectCoverageAsync(model, search)
      : { result: await search(), coverage: null };
    return { result, coverage, continuation: continuation as SearchContinuation | null };
  };
  const onWorkers = async (
    explorer: ParallelExplorer | null,
    timeoutMs: number | undefined,
    continueFrom: SearchContinuation | null = null,
  ): Promise<CheckResult> => {
    if (factory === null || explorer === null) {
      return {
        kind: "error",
        message:
          "the search needs worker threads (more states than the probe's cap, or a memory budget) " +
          "and no model factory was given to build the model in them",
      };
    }
    return explorer.check(factory, {
      memoryBytes: o.memoryBytes,
      maxDepth: o.maxDepth,
      maxStates: o.maxStates,
      timeoutMs,
      onProgress: o.onProgress,
      partialOrder,
      ...(continueFrom !== null ? { continueFrom, model: model as Model<unknown, Json> } : {}),
      ...(o.signal !== undefined ? { signal: o.signal } : {}),
    });
  };
  if (!parallel || (o.maxStates !== undefined && o.maxStates <= probeCap)) {
    const { result, coverage } = await single(o.maxStates);
    return { result, coverage };
  }
  const cpusAtStart = sampleCpus();
  /** How many workers go on from the probe: `workers`, or with adaptWorkers as many as the cores left free. */
  const decideWorkers = () =>
    typeof o.adaptWorkers === "function"
      ? o.adaptWorkers(workers)
      : o.adaptWorkers
        ? workersForFreeCores(cpusAtStart, workers)
        : workers;
  const pool: { explorer: ParallelExplorer | null } = { explorer: null };
  const startPool = (n: number) => {
    if (factory !== null) pool.explorer = new ParallelExplorer(n);
    return pool.explorer;
  };
  try {
    // Only the parallel explorer enforces a memory budget, so a budget skips the probe.
    if (o.memoryBytes !== undefined) {
      const n = o.adaptWorkers === true ? workersByLoadAverage(workers) : decideWorkers();
      return { result: await onWorkers(startPool(n), o.timeoutMs), coverage: null };
    }
    // Near its cap the probe decides: go on alone (no core is free), or let workers go on from
    // it, which start and build the model meanwhile, on the other cores, instead of after it.
    let alone = false;
    const decision: ProbeDecision = {
      states: Math.ceil(probeCap * PROBE_DECIDES_AT),
      ...(o.maxStates !== undefined ? { uncapped: o.maxStates } : {}),
      onReached: () => {
        const n = decideWorkers();
        if (n <= 1) {
          alone = true;
          return false;
        }
        // Only as many as the cores the probe leaves idle (those the default counted, or measured
        // the same way for an explicit count), none where each is busy: a thread built on a busy
        // core slows the probe, which on a small space then goes on alone (TwoPhase with 7 RMs,
        // --workers 2 on this shared 2-core machine: 1.11-1.16x when every other core's thread was
        // prepared). The others start at the hand-over.
        const idle =
          o.prepareWorkers?.(n) ?? (o.adaptWorkers ? n - 1 : workersForFreeCores(cpusAtStart, n) - 1);
        const pool = startPool(n);
        const threads = Math.min(n, idle, availableParallelism() - 1);
        if (threads > 0) pool?.prepare(factory!, threads);
        return true;
      },
      // Past the widest level, what is left is the space's tail (on TwoPhase with 7 RMs, 96,000
      // states after the probe's 200,000): too little for workers to win back their hand-over.
      aloneAtCap: (level, previous) => {
        alone = level < previous;
        return alone;
      },
    };
    const probe = await single(probeCap, true, decision);
    if (alone || !(probe.result.kind === "bounded" && probe.result.reason === "max-states"))
      return { result: probe.result, coverage: probe.coverage };
    const left = o.timeoutMs === undefined ? undefined : Math.max(1, o.timeoutMs - (Date.now() - started));
    // Workers collect no coverage; the probe's covers the states it reached.
    return { result: await onWorkers(pool.explorer, left, probe.continuation), coverage: probe.coverage };
  } finally {
    await pool.explorer?.close();
  }
}
