// The search portfolio of swarm checking (docs/swarm.md): a fixed list of
// deliberately different searches, and its split over N shards so that shard
// i of N with seed s always does the same work. Each strategy is a random or
// PCT search, or a bounded exhaustive search from the end of a random prefix;
// they differ in walk length (short walks stay near the initial state:
// breadth-first-ish; long ones go deep: depth-first-ish), in PCT depth and in
// the faults they inject (the test's own, or a restriction of them: a
// restriction only removes behaviours, so whatever it finds the test allows).
//
// Entries: the portfolio's entry k runs strategy PORTFOLIO[k mod P] with seed
// deriveSeed(s, ENTRY_TAG, k). Shard i of N runs the entries i, i + N,
// i + 2N, ... below N * ceil(P / N): every strategy runs at least once over
// the N shards, and with N > P strategies repeat with other seeds. A shard's
// runs (its budget) are split evenly over its entries, the first ones taking
// the remainder.
import type { CheckResult } from "../check-result.js";
import { resultKindOf } from "../check-result.js";
import { mergeCoverage } from "../coverage.js";
import { errorMessage } from "../errors.js";
import { invariantFailure } from "../failures.js";
import {
  type CoverageReport,
  type Failure,
  hasCoverage,
  hasWitnesses,
  type Json,
  type Model,
} from "../model.js";
import { checkExhaustive } from "./bfs-explorer.js";
import { RSS_SHARE, residentBytes, stateIdentity, statesWithinBudget } from "./core.js";
import { deriveSeed, Prng } from "./prng.js";
import { checkRandom } from "./random-explorer.js";
import { shrinkTrace } from "./shrink.js";
import type { StateSketch } from "./state-sketch.js";
import { searchWitnesses, type WitnessOutcome } from "./witnesses.js";

/**
 * Which of the test's faults a strategy injects: all of them (`own`), none,
 * only the message faults (drop, duplicate, reorder), only the node faults
 * (crash, partition), or all of them with every budget cut to at most 1.
 */
export type FaultMix = "own" | "none" | "messages" | "nodes" | "single";

/** Walk length: `long` = maxSteps, `medium` = maxSteps / 4, `short` = maxSteps / 16 (at least 1). */
export type WalkLength = "long" | "medium" | "short";

export type PortfolioStrategy =
  | { kind: "random"; walk: WalkLength; faults: FaultMix }
  | { kind: "pct"; depth: number; faults: FaultMix }
  | { kind: "prefix-exhaustive"; faults: FaultMix };

/** The portfolio, in entry order (docs/swarm.md has it as a table). */
export const PORTFOLIO: readonly PortfolioStrategy[] = [
  { kind: "random", walk: "long", faults: "own" },
  { kind: "pct", depth: 2, faults: "own" },
  { kind: "random", walk: "short", faults: "own" },
  { kind: "pct", depth: 3, faults: "own" },
  { kind: "prefix-exhaustive", faults: "own" },
  { kind: "random", walk: "medium", faults: "single" },
  { kind: "pct", depth: 5, faults: "own" },
  { kind: "random", walk: "medium", faults: "messages" },
  { kind: "pct", depth: 3, faults: "nodes" },
  { kind: "random", walk: "short", faults: "none" },
  { kind: "prefix-exhaustive", faults: "messages" },
  { kind: "pct", depth: 4, faults: "single" },
  { kind: "random", walk: "long", faults: "nodes" },
  { kind: "pct", depth: 2, faults: "none" },
  { kind: "random", walk: "medium", faults: "own" },
  { kind: "prefix-exhaustive", faults: "single" },
];

/** Mixed into entry seeds, so they differ from the seeds of plain random runs. */
const ENTRY_TAG = 0x7377726d;

/** A bounded exhaustive entry may visit this many distinct states per run of its budget. */
export const PREFIX_STATES_PER_RUN = 20;

/**
 * What a bounded exhaustive entry's breadth-first search takes per state at
 * most (visited set, parent link, queue entry and the state's encoding), to
 * cap its states within a memory budget.
 */
export const PREFIX_BYTES_PER_STATE = 512;

/**
 * Whether the process's resident memory is past RSS_SHARE of `budget` (a
 * shard's `--memory`): a shard checks it between entries and stops there.
 */
export function overMemoryBudget(budget: number | undefined): boolean {
  return budget !== undefined && residentBytes() > budget * RSS_SHARE;
}

export interface ShardSpec {
  /** 0 .. count - 1. */
  index: number;
  count: number;
  /** The swarm's seed, 0 .. 2^32 - 1. */
  seed: number;
}

export interface PortfolioBudget {
  /** Random runs per shard (a bounded exhaustive entry counts PREFIX_STATES_PER_RUN states a run). */
  runs: number;
  /** Steps of a long walk. */
  maxSteps: number;
}

/** One search a shard runs. */
export interface PortfolioEntry {
  /** k: the entry's number in the whole swarm. */
  entry: number;
  strategy: PortfolioStrategy;
  seed: number;
  /** Random and PCT: runs; a bounded exhaustive entry: 1. */
  runs: number;
  maxSteps: number;
  /** Bounded exhaustive: the prefix's length (a random walk; shorter when it gets stuck) and the state bound. */
  prefixLength?: number;
  maxStates?: number;
}

/** `problem` when the shard or budget is malformed, else null. */
export function shardProblem(shard: ShardSpec): string | null {
  if (!Number.isInteger(shard.count) || shard.count < 1 || shard.count > 100_000)
    return `the shard count must be a whole number from 1 to 100000, not ${shard.count}`;
  if (!Number.isInteger(shard.index) || shard.index < 0 || shard.index >= shard.count)
    return `the shard index must be a whole number from 0 to ${shard.count - 1}, not ${shard.index}`;
  return null;
}

/** How many entries each shard of `count` runs. */
export function entriesPerShard(count: number): number {
  return Math.ceil(PORTFOLIO.length / count);
}

function walkSteps(walk: WalkLength, maxSteps: number): number {
  const divisor = walk === "long" ? 1 : walk === "medium" ? 4 : 16;
  return Math.max(1, Math.floor(maxSteps / divisor));
}

/** The entries shard `shard.index` of `shard.count` runs, in order (see the file comment). */
export function shardEntries(shard: ShardSpec, budget: PortfolioBudget): PortfolioEntry[] {
  const perShard = entriesPerShard(shard.count);
  const entries: PortfolioEntry[] = [];
  for (let j = 0; j < perShard; j++) {
    const runs = Math.floor(budget.runs / perShard) + (j < budget.runs % perShard ? 1 : 0);
    if (runs === 0) continue;
    const k = shard.index + j * shard.count;
    const strategy = PORTFOLIO[k % PORTFOLIO.length]!;
    const seed = deriveSeed(shard.seed, ENTRY_TAG, k);
    if (strategy.kind === "prefix-exhaustive") {
      const prefixLength = new Prng(seed).below(Math.floor(budget.maxSteps / 4) + 1);
      const maxStates = runs * PREFIX_STATES_PER_RUN;
      entries.push({ entry: k, strategy, seed, runs: 1, maxSteps: budget.maxSteps, prefixLength, maxStates });
      continue;
    }
    const maxSteps = strategy.kind === "pct" ? budget.maxSteps : walkSteps(strategy.walk, budget.maxSteps);
    entries.push({ entry: k, strategy, seed, runs, maxSteps });
  }
  return entries;
}

/** A strategy in words, e.g. `pct depth 3, faults: own`. */
export function strategyLabel(s: PortfolioStrategy): string {
  const what =
    s.kind === "random"
      ? `random, ${s.walk} walks`
      : s.kind === "pct"
        ? `pct depth ${s.depth}`
        : "bounded exhaustive from a random prefix";
  return `${what}, faults: ${s.faults}`;
}

export interface EntryOptions {
  /** Count coverage (the model's beginCoverage / endCoverage). */
  coverage?: boolean;
  /** Every state the entry reaches is added (its encoding's fingerprint). */
  sketch?: StateSketch;
  timeoutMs?: number;
  /** Random and PCT: potential liveness after this many hot steps. */
  temperature?: number;
  /** Random and PCT: the start of the replay command (see RandomOptions). */
  replayCommandPrefix?: string;
  /**
   * The process's memory budget: a bounded exhaustive entry caps its states
   * within what is left of it (statesWithinBudget); when that cap, not the
   * entry's own bound, stops it, the result is `bounded` (reason `memory`).
   */
  memoryBytes?: number;
}

export interface EntryOutcome {
  /** `pass` (nothing found within the budget), a `violation` / `deadlock` with its shrunk trace, or `error`. */
  result: CheckResult;
  coverage: CoverageReport | null;
  runs: number;
  steps: number;
  distinctStates: number;
}

/** Runs one portfolio entry on `model`, built with the entry's faults. Never throws for model errors. */
export function runPortfolioEntry<S, Step extends Json>(
  model: Model<S, Step>,
  entry: PortfolioEntry,
  options: EntryOptions = {},
): EntryOutcome {
  const noteState = options.sketch ? sketchNoter(model, options.sketch) : null;
  if (entry.strategy.kind === "prefix-exhaustive") return runFromPrefix(model, noteState, entry, options);
  const result = checkRandom(model, {
    ...(noteState !== null ? { onState: noteState } : {}),
    strategy: entry.strategy.kind,
    seed: entry.seed,
    runs: entry.runs,
    maxSteps: entry.maxSteps,
    ...(entry.strategy.kind === "pct" ? { pctDepth: entry.strategy.depth } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
    ...(options.replayCommandPrefix !== undefined
      ? { replayCommandPrefix: options.replayCommandPrefix }
      : {}),
    coverage: Boolean(options.coverage),
  });
  const stats = "stats" in result ? result.stats : undefined;
  return {
    result,
    coverage: (stats?.coverage as CoverageReport | undefined) ?? null,
    runs: stats?.runs ?? 0,
    steps: stats?.steps ?? 0,
    distinctStates: stats?.distinctStates ?? 0,
  };
}

/** Adds a state to `sketch`, identified as the explorers identify states (stateIdentity). */
function sketchNoter<S, Step extends Json>(model: Model<S, Step>, sketch: StateSketch): (state: S) => void {
  const out = new Uint32Array(2);
  const identify = stateIdentity(model);
  return (state) => {
    identify(state, out);
    sketch.add(out[0]!, out[1]!);
  };
}

function mebibytes(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/** A random prefix: a walk of up to `length` steps, stopping at a failure or a state with no step. */
function randomPrefix<S, Step extends Json>(
  model: Model<S, Step>,
  rng: Prng,
  length: number,
  noteState: ((state: S) => void) | null,
): { steps: Step[]; state: S | null; failure: Failure | null } {
  const steps: Step[] = [];
  let state: S | null = null;
  while (steps.length < length) {
    // Models may reuse state objects between emissions: keep the steps and apply the chosen one.
    const enabled: Step[] = [];
    const collect = (step: Step) => {
      enabled.push(step);
    };
    if (state === null) model.initial(collect);
    else model.successors(state, collect);
    if (enabled.length === 0) break;
    const step = enabled[rng.below(enabled.length)]!;
    const outcome = model.apply(state, step);
    steps.push(step);
    if (outcome.kind === "failure") return { steps, state, failure: outcome.failure };
    state = outcome.state;
    noteState?.(state);
    const broken = model.invariants.find((inv) => !inv.holds(outcome.state));
    if (broken !== undefined) return { steps, state, failure: invariantFailure(broken, outcome.state) };
  }
  return { steps, state, failure: null };
}

/** The step standing for the whole prefix in the search from its end (replaced by the prefix's steps after). */
const PREFIX_STEP = { prefix: true };

function runFromPrefix<S, Step extends Json>(
  model: Model<S, Step>,
  noteState: ((state: S) => void) | null,
  entry: PortfolioEntry,
  options: EntryOptions,
): EntryOutcome {
  const counting = Boolean(options.coverage) && hasCoverage(model);
  if (counting) model.beginCoverage!();
  let coverage: CoverageReport | null = null;
  try {
    const rng = new Prng(deriveSeed(entry.seed, 1));
    const prefix = randomPrefix(model, rng, entry.prefixLength ?? 0, noteState);
    let found: { steps: Json[]; failure: Failure } | null =
      prefix.failure === null ? null : { steps: prefix.steps, failure: prefix.failure };
    let distinct = prefix.steps.length;
    let generated = prefix.steps.length;
    let searchError: CheckResult | null = null;
    let memoryStop: string | null = null;
    if (found === null) {
      const start = prefix.state;
      const from = Object.create(model) as Model<S, Step>;
      if (start !== null) {
        from.initial = (emit) => emit(PREFIX_STEP as unknown as Step, { kind: "state", state: start });
        from.apply = (s, step) => (s === null ? { kind: "state", state: start } : model.apply(s, step));
      }
      from.successors = (s, emit) =>
        model.successors(s, (step, outcome) => {
          if (outcome.kind === "state") noteState?.(outcome.state);
          emit(step, outcome);
        });
      const cap = statesWithinBudget(options.memoryBytes, PREFIX_BYTES_PER_STATE);
      const capped = cap !== undefined && (entry.maxStates === undefined || cap < entry.maxStates);
      const searched = checkExhaustive(from, {
        maxStates: capped ? cap : entry.maxStates,
        ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      });
      if (capped && searched.kind === "bounded" && searched.reason === "max-states") {
        // The memory cap, not the entry's bound, stopped it: a rerun with more memory would go on.
        memoryStop =
          `memory budget of ${mebibytes(options.memoryBytes ?? 0)} exhausted: it left room for ` +
          `${cap.toLocaleString("en-US")} of the entry's ${(entry.maxStates ?? 0).toLocaleString("en-US")} states ` +
          `(the process holds ${mebibytes(residentBytes())}); allow more memory to go further`;
      }
      if ("stats" in searched && searched.stats) {
        distinct += searched.stats.distinctStates;
        generated += searched.stats.generatedStates;
      }
      if (searched.kind === "violation" || searched.kind === "deadlock") {
        const rest = start === null ? searched.trace.steps : searched.trace.steps.slice(1);
        found = { steps: [...prefix.steps, ...rest], failure: searched.failure };
      } else if (searched.kind === "error") searchError = searched;
    }
    // No timings: a rerun of the same entry gives the same figures.
    const stats = {
      distinctStates: distinct,
      generatedStates: generated,
      maxDepth: 0,
      elapsedMs: 0,
      distinctStatesPerSecond: 0,
      generatedStatesPerSecond: 0,
    };
    let result: CheckResult;
    if (searchError !== null) result = searchError;
    else if (found === null && memoryStop !== null)
      result = { kind: "bounded", reason: "memory", message: memoryStop, stats };
    else if (found === null) result = { kind: "pass", stats };
    else {
      const shrunk = shrinkTrace(model, found.steps, found.failure);
      const steps = shrunk.reproduced ? shrunk.steps : found.steps;
      const failure = shrunk.reproduced ? shrunk.failure : found.failure;
      result = { kind: resultKindOf(failure.kind), failure, trace: { steps }, stats } as CheckResult;
    }
    if (counting) coverage = model.endCoverage!();
    return { result, coverage, runs: 1, steps: generated, distinctStates: distinct };
  } catch (error) {
    if (counting) model.endCoverage!();
    return {
      result: {
        kind: "error",
        message: `model threw in portfolio entry ${entry.entry}: ${errorMessage(error)}`,
      },
      coverage: null,
      runs: 0,
      steps: 0,
      distinctStates: 0,
    };
  }
}

/**
 * After a random or PCT entry passed: the searches for the model's witness
 * properties (witnesses.ts) on the entry's own walks (its seed, the `runs` it
 * finished, its walk length and PCT depth), each reached witness with its
 * shrunk trace and the replay command of its run. Null for a bounded
 * exhaustive entry or a model without witnesses; a failure a witness walk
 * found (the entry's walks found none, so a model that is not deterministic)
 * is returned as such.
 */
export async function searchEntryWitnesses<S, Step extends Json>(
  model: Model<S, Step>,
  entry: PortfolioEntry,
  runs: number,
  options: Pick<EntryOptions, "timeoutMs" | "replayCommandPrefix"> = {},
): Promise<{ witnesses: WitnessOutcome[]; failure: CheckResult | null } | null> {
  const { strategy } = entry;
  if (strategy.kind === "prefix-exhaustive" || !hasWitnesses(model)) return null;
  return searchWitnesses(model, model.witnesses, {
    mode: strategy.kind,
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    random: {
      seed: entry.seed,
      runs,
      maxSteps: entry.maxSteps,
      ...(strategy.kind === "pct" ? { pctDepth: strategy.depth } : {}),
      ...(options.replayCommandPrefix !== undefined
        ? { replayCommandPrefix: options.replayCommandPrefix }
        : {}),
    },
  });
}

/** The union of coverage reports of one test (null ones ignored). */
export function unionCoverage(reports: readonly (CoverageReport | null)[]): CoverageReport | null {
  let union: CoverageReport | null = null;
  for (const r of reports) if (r !== null) union = union === null ? r : mergeCoverage(union, r);
  return union;
}
