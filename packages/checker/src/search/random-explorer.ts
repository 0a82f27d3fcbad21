// Random exploration over the Model interface, for state spaces too large to
// enumerate: seeded random walks (uniform over the enabled steps, then uniform
// over each `choose`) and PCT priority scheduling. Run i of seed s draws from
// deriveSeed(s, i) alone, so any run can be replayed by itself (`run: i`).
// The first failing run stops the search; its schedule is shrunk (shrink.ts)
// and reported with the command that runs it again.
import type { CheckResult, RandomFinding, RandomStats } from "../check-result.js";
import { resultKindOf } from "../check-result.js";
import { errorMessage } from "../errors.js";
import { invariantFailure } from "../failures.js";
import { FingerprintSet } from "../store/fingerprint-set.js";
import { stateIdentity } from "./core.js";
import { TemperatureGauge } from "./liveness-temperature.js";
import {
  type CoverageReport,
  type Failure,
  hasCoverage,
  hasStepDrawing,
  type Json,
  type Model,
  type StepOutcome,
} from "../model.js";
import { PctScheduler } from "./pct-scheduler.js";
import { deriveSeed, isValidSeed, Prng } from "./prng.js";
import { shrinkTrace } from "./shrink.js";

export type RandomStrategy = "random" | "pct";

export interface RandomOptions {
  /** "random" (uniform walks, default) or "pct" (priority scheduling). */
  strategy?: RandomStrategy;
  /** 0..2^32-1 (default 0). */
  seed?: number;
  /** Runs to try (default 1000). */
  runs?: number;
  /** Only this run index (replaying a reported failure): `runs` is then ignored. */
  run?: number;
  /** Steps per run, the initial step included (default 1000). */
  maxSteps?: number;
  /** Stop starting runs after this long (the run under way is abandoned). */
  timeoutMs?: number;
  /** PCT: the bug depth d targeted, i.e. d - 1 priority change points (default 3). */
  pctDepth?: number;
  /**
   * PCT: the schedule length change points are drawn from. Default: the
   * longest of 4 uniform probe walks derived from the seed (so it depends on
   * the seed and maxSteps only, and `run` replays stay exact).
   */
  pctLength?: number;
  /**
   * Potential liveness: a spec monitor hot for more than this many steps in a
   * row fails the run. Off when absent.
   */
  temperature?: number;
  /** Shrink the failing schedule (default true). */
  shrink?: boolean;
  /** Most replays while shrinking (default 5000) and time for it (default 10 s). */
  shrinkReplays?: number;
  shrinkTimeoutMs?: number;
  /** Count coverage (Model.beginCoverage) over the runs; reported in stats.coverage. */
  coverage?: boolean;
  /** Count distinct states visited (one fingerprint per step; default true). */
  countStates?: boolean;
  /** Called with each state a run enters (the swarm's state sketch). */
  onState?: (state: any) => void;
  /**
   * The start of the replay command, naming the file and test, e.g.
   * `faultline check models/paxos.fl --test Reliable`; mode, seed, run and
   * the options that shape a run are appended.
   */
  replayCommandPrefix?: string;
  onProgress?: (progress: RandomStats) => void;
  /** Default 250. */
  progressIntervalMs?: number;
  now?: () => number;
}

/** Tag mixed into the seed of PCT's probe walks (distinct from run indexes' role). */
const PROBE_TAG = 0x70726f62;
const PROBE_WALKS = 4;
const CLOCK_EVERY = 256;

type RunEnd = "failure" | "quiescent" | "max-steps" | "timeout";

interface RunOutcome {
  steps: Json[];
  end: RunEnd;
  failure: Failure | null;
  potential: boolean;
}

/** Draws and runs steps: through enabledSteps/applyChoosing when the model has them, else successors. */
class Stepper<S, Step extends Json> {
  private readonly fast: boolean;

  constructor(private readonly model: Model<S, Step>) {
    this.fast = hasStepDrawing(model);
  }

  enabled(state: S | null): Step[] {
    if (this.fast) return this.model.enabledSteps!(state);
    const steps: Step[] = [];
    // Models may reuse state objects between emissions: keep steps only and apply the chosen one again.
    const collect = (step: Step): void => {
      steps.push(step);
    };
    if (state === null) this.model.initial(collect);
    else this.model.successors(state, collect);
    return steps;
  }

  run(state: S | null, step: Step, rng: Prng): { step: Step; outcome: StepOutcome<S> } {
    if (this.fast) return this.model.applyChoosing!(state, step, (n) => rng.below(n));
    return { step, outcome: this.model.apply(state, step) };
  }

  actor(state: S | null, step: Step): string {
    if (this.model.stepActor !== undefined) return this.model.stepActor(state, step);
    return this.model.describeStep(step, state, null).actor ?? "*";
  }
}

class RandomRun<S, Step extends Json> {
  private readonly strategy: RandomStrategy;
  private readonly seed: number;
  private readonly maxSteps: number;
  private readonly pctDepth: number;
  private readonly now: () => number;
  private readonly start: number;
  private readonly deadline: number;
  private readonly stepper: Stepper<S, Step>;
  private readonly visited: FingerprintSet | null;
  private readonly fingerprint = new Uint32Array(2);
  /** How distinct states are told apart (stateIdentity: a blocked .fl machine by where it waits). */
  private readonly identify: (state: S, out: Uint32Array) => void;
  private readonly onState: ((state: S) => void) | undefined;
  private pctLength = 0;
  private runsRequested = 0;
  private runs = 0;
  private steps = 0;
  private longest = 0;
  private quiescent = 0;
  private atMax = 0;
  private sinceClock = 0;
  private timedOut = false;
  private lastProgress: number;

  constructor(
    private readonly model: Model<S, Step>,
    private readonly options: RandomOptions,
  ) {
    this.strategy = options.strategy ?? "random";
    this.seed = options.seed ?? 0;
    this.maxSteps = options.maxSteps ?? 1000;
    this.pctDepth = options.pctDepth ?? 3;
    this.now = options.now ?? (() => performance.now());
    this.start = this.now();
    this.lastProgress = this.start;
    this.deadline = this.start + (options.timeoutMs ?? Number.POSITIVE_INFINITY);
    this.stepper = new Stepper(model);
    this.identify = stateIdentity(model);
    this.onState = options.onState as ((state: S) => void) | undefined;
    this.visited = options.countStates === false ? null : new FingerprintSet({ initialCapacity: 1 << 12 });
  }

  check(): CheckResult<RandomStats> {
    const checking = this.checking(Number.POSITIVE_INFINITY);
    for (;;) {
      const step = checking.next();
      if (step.done) return step.value;
    }
  }

  /**
   * check, giving the event loop a turn about every `yieldEveryMs` between
   * two walks, so a Ctrl-C handler can run: an aborted `signal` stops the
   * search with `bounded`, reason "interrupted", after the walk in progress.
   */
  async checkAsync(signal: AbortSignal | undefined, yieldEveryMs: number): Promise<CheckResult<RandomStats>> {
    const checking = this.checking(yieldEveryMs);
    let step = checking.next();
    while (!step.done) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      step = checking.next(signal?.aborted === true);
    }
    return step.value;
  }

  /** The search; it yields between walks about every `yieldEveryMs`, and stops when resumed with `true`. */
  private *checking(yieldEveryMs: number): Generator<void, CheckResult<RandomStats>, boolean | undefined> {
    const o = this.options;
    const invalid = this.validate();
    if (invalid !== null) return { kind: "error", message: invalid };
    const first = o.run ?? 0;
    const last = o.run !== undefined ? o.run : (o.runs ?? 1000) - 1;
    const runsRequested = last - first + 1;
    this.runsRequested = runsRequested;
    const coverage = o.coverage === true && hasCoverage(this.model);
    if (coverage) this.model.beginCoverage!();
    let found: { index: number; outcome: RunOutcome } | null = null;
    let report: CoverageReport | null = null;
    let interrupted = false;
    let lastYield = this.now();
    try {
      if (this.strategy === "pct") this.pctLength = o.pctLength ?? this.probeLength();
      for (let index = first; index <= last; index++) {
        const outcome = this.walk(index);
        if (outcome.end === "timeout") break;
        this.runs++;
        if (outcome.end === "failure") {
          found = { index, outcome };
          break;
        }
        const now = this.now();
        if (now >= this.deadline) {
          this.timedOut = true;
          break;
        }
        if (now - lastYield >= yieldEveryMs) {
          // The walks are the model's own code: nothing of it runs while the caller has the turn.
          if ((yield) === true) {
            interrupted = true;
            break;
          }
          lastYield = this.now();
        }
      }
    } catch (error) {
      if (coverage) this.model.endCoverage!();
      const result: CheckResult<RandomStats> = {
        kind: "error",
        message: `model threw during random run ${this.runs} (seed ${this.seed}): ${errorMessage(error)}`,
        stats: this.stats(runsRequested, "failure"),
      };
      if (error instanceof Error && error.stack !== undefined) result.detail = error.stack;
      return result;
    }
    if (coverage) report = this.model.endCoverage!();
    const stoppedBy =
      found !== null ? "failure" : interrupted ? "interrupted" : this.timedOut ? "timeout" : "runs";
    const stats = this.stats(runsRequested, stoppedBy);
    if (report !== null) stats.coverage = report;
    if (interrupted) return { kind: "bounded", reason: "interrupted", stats };
    if (found === null) return { kind: "pass", stats };
    return this.report(found.index, found.outcome, stats);
  }

  private validate(): string | null {
    const o = this.options;
    if (!isValidSeed(this.seed)) return `seed must be an integer in 0..4294967295, not ${o.seed}`;
    const positive = (name: string, value: number | undefined): string | null =>
      value === undefined || (Number.isInteger(value) && value >= 1)
        ? null
        : `${name} must be a positive integer, not ${value}`;
    return (
      positive("runs", o.runs) ??
      positive("maxSteps", o.maxSteps) ??
      positive("pctDepth", o.pctDepth) ??
      positive("pctLength", o.pctLength) ??
      positive("temperature", o.temperature) ??
      (o.run === undefined || (Number.isInteger(o.run) && o.run >= 0)
        ? null
        : `run must be a non-negative integer, not ${o.run}`)
    );
  }

  /** The longest of a few uniform walks: PCT's estimate of a schedule's length. */
  private probeLength(): number {
    let longest = 1;
    for (let j = 0; j < PROBE_WALKS; j++) {
      const rng = new Prng(deriveSeed(this.seed, PROBE_TAG, j));
      let state: S | null = null;
      let length = 0;
      while (length < this.maxSteps) {
        const enabled = this.stepper.enabled(state);
        if (enabled.length === 0) break;
        const { outcome } = this.stepper.run(state, enabled[rng.below(enabled.length)]!, rng);
        length++;
        if (outcome.kind === "failure") break;
        state = outcome.state;
      }
      longest = Math.max(longest, length);
    }
    return longest;
  }

  /** One run: a walk from before the initial state until a failure, a stuck state or maxSteps. */
  private walk(index: number): RunOutcome {
    const rng = new Prng(deriveSeed(this.seed, index));
    const pct = this.strategy === "pct" ? new PctScheduler(rng, this.pctDepth, this.pctLength) : null;
    const gauge =
      this.options.temperature === undefined ? null : new TemperatureGauge(this.options.temperature);
    const model = this.model;
    const invariants = model.invariants;
    const steps: Json[] = [];
    let state: S | null = null;
    for (;;) {
      if (++this.sinceClock >= CLOCK_EVERY) {
        this.sinceClock = 0;
        const now = this.now();
        if (now >= this.deadline) {
          this.timedOut = true;
          return { steps, end: "timeout", failure: null, potential: false };
        }
        if (
          this.options.onProgress !== undefined &&
          now - this.lastProgress >= (this.options.progressIntervalMs ?? 250)
        ) {
          this.lastProgress = now;
          this.options.onProgress(this.stats(this.runsRequested, "runs"));
        }
      }
      const enabled = this.stepper.enabled(state);
      if (enabled.length === 0) {
        this.endRun(steps.length);
        const failure = state === null ? null : model.terminal(state);
        if (failure === null) this.quiescent++;
        return { steps, end: failure === null ? "quiescent" : "failure", failure, potential: false };
      }
      if (steps.length >= this.maxSteps) {
        this.endRun(steps.length);
        this.atMax++;
        return { steps, end: "max-steps", failure: null, potential: false };
      }
      let pick: number;
      if (pct === null) pick = rng.below(enabled.length);
      else {
        const actors = enabled.map((step) => this.stepper.actor(state, step));
        pick = pct.pick(steps.length, actors);
      }
      const ran = this.stepper.run(state, enabled[pick]!, rng);
      steps.push(ran.step);
      this.steps++;
      if (ran.outcome.kind === "failure") {
        this.endRun(steps.length);
        return { steps, end: "failure", failure: ran.outcome.failure, potential: false };
      }
      state = ran.outcome.state;
      if (this.visited !== null) {
        this.identify(state, this.fingerprint);
        this.visited.add(this.fingerprint[0]!, this.fingerprint[1]!);
      }
      this.onState?.(state);
      for (let i = 0; i < invariants.length; i++) {
        if (!invariants[i]!.holds(state)) {
          this.endRun(steps.length);
          return {
            steps,
            end: "failure",
            failure: invariantFailure(invariants[i]!, state),
            potential: false,
          };
        }
      }
      if (gauge !== null && model.hotMonitors !== undefined) {
        const failure = gauge.observe(model.hotMonitors(state));
        if (failure !== null) {
          this.endRun(steps.length);
          return { steps, end: "failure", failure, potential: true };
        }
      }
    }
  }

  private endRun(length: number): void {
    if (length > this.longest) this.longest = length;
  }

  private report(index: number, outcome: RunOutcome, stats: RandomStats): CheckResult<RandomStats> {
    const o = this.options;
    let failure = outcome.failure!;
    let steps = outcome.steps;
    let shrinkReplays = 0;
    let shrinkMs = 0;
    let shrinkMinimal = false;
    if (o.shrink !== false) {
      const shrinkOptions: Parameters<typeof shrinkTrace>[3] = {
        maxReplays: o.shrinkReplays ?? 5000,
        timeoutMs: o.shrinkTimeoutMs ?? 10_000,
      };
      if (outcome.potential) shrinkOptions.temperature = o.temperature!;
      if (o.now !== undefined) shrinkOptions.now = o.now;
      const shrunk = shrinkTrace(this.model, outcome.steps, failure, shrinkOptions);
      shrinkReplays = shrunk.replays;
      shrinkMs = shrunk.elapsedMs;
      shrinkMinimal = shrunk.minimal;
      if (shrunk.reproduced) {
        steps = shrunk.steps;
        failure = shrunk.failure;
      }
    }
    const random: RandomFinding = {
      strategy: this.strategy,
      seed: this.seed,
      run: index,
      originalLength: outcome.steps.length,
      shrunkLength: steps.length,
      originalTrace: { steps: outcome.steps },
      shrinkReplays,
      shrinkMs,
      shrinkMinimal,
      replayCommand: this.replayCommand(index),
    };
    const kind = resultKindOf(failure.kind);
    if (kind === "deadlock") return { kind, failure, trace: { steps }, stats, random };
    const result: CheckResult<RandomStats> = { kind, failure, trace: { steps }, stats, random };
    if (outcome.potential) result.potential = true;
    return result;
  }

  private replayCommand(index: number): string {
    const o = this.options;
    const prefix = o.replayCommandPrefix ?? `faultline check <file> --test ${shellWord(this.model.name)}`;
    const parts = [prefix, `--mode ${this.strategy}`, `--seed ${this.seed}`, `--run ${index}`];
    parts.push(`--max-steps ${this.maxSteps}`);
    if (this.strategy === "pct") {
      parts.push(`--pct-depth ${this.pctDepth}`);
      if (o.pctLength !== undefined) parts.push(`--pct-length ${o.pctLength}`);
    }
    if (o.temperature !== undefined) parts.push(`--temperature ${o.temperature}`);
    return parts.join(" ");
  }

  private stats(runsRequested: number, stoppedBy: RandomStats["stoppedBy"]): RandomStats {
    const elapsedMs = Math.max(0, this.now() - this.start);
    const seconds = elapsedMs / 1000;
    const distinct = this.visited?.size ?? 0;
    const stats: RandomStats = {
      distinctStates: distinct,
      generatedStates: this.steps,
      maxDepth: Math.max(0, this.longest - 1),
      elapsedMs,
      distinctStatesPerSecond: seconds > 0 ? distinct / seconds : 0,
      generatedStatesPerSecond: seconds > 0 ? this.steps / seconds : 0,
      strategy: this.strategy,
      seed: this.seed,
      runs: this.runs,
      runsRequested,
      steps: this.steps,
      stepsPerSecond: seconds > 0 ? this.steps / seconds : 0,
      runsPerSecond: seconds > 0 ? this.runs / seconds : 0,
      longestRun: this.longest,
      runsQuiescent: this.quiescent,
      runsAtMaxSteps: this.atMax,
      stoppedBy,
    };
    if (this.strategy === "pct") stats.pctLength = this.pctLength;
    return stats;
  }
}

/** A word as a POSIX shell reads it back (test names like `T(n=2)` need quotes). */
function shellWord(word: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * Explores `model` with seeded random or PCT runs (see RandomOptions). Never
 * throws for model errors: a throwing model gives `{ kind: "error" }`.
 * Failures come back as `violation` / `deadlock` results with `random` set
 * (seed, run, lengths, replay command) and the shrunk trace; a monitor hot
 * past `temperature` is a `violation` of kind `liveness` with `potential: true`.
 */
export function checkRandom<S, Step extends Json>(
  model: Model<S, Step>,
  options: RandomOptions = {},
): CheckResult<RandomStats> {
  return new RandomRun(model, options).check();
}

/** checkRandomAsync: how often the event loop gets a turn between walks (ms). */
const YIELD_EVERY_MS = 50;

/**
 * checkRandom, giving the event loop a turn between walks about every 50 ms:
 * an aborted `signal` (Ctrl-C in the CLI) stops it with `bounded`, reason
 * "interrupted", and the figures so far. One walk is not cut short: with the
 * default --max-steps it takes about a millisecond.
 */
export function checkRandomAsync<S, Step extends Json>(
  model: Model<S, Step>,
  options: RandomOptions & { signal?: AbortSignal } = {},
): Promise<CheckResult<RandomStats>> {
  return new RandomRun(model, options).checkAsync(options.signal, YIELD_EVERY_MS);
}
