// Exhaustive breadth-first exploration over the Model interface, on this
// thread: the driver of the search core (expansion.ts) that keeps the frontier
// and the parent links here.
//
// Memory per distinct state: one 64-bit fingerprint in the visited set and a
// parent link (parent id + index of the step in the parent's emission order).
// States get ids in discovery order, which is BFS order; the frontier holds
// encoded bytes only. A counterexample is rebuilt by walking the parent links
// to the root and re-running the model to pick the k-th emitted step at each
// state, so step objects are never stored. BFS makes it a shortest one.
// model.decode receives a view into the frontier's buffers that stays valid
// while that state is expanded, not longer: a decoded state must not keep it.
//
// With `partialOrder: true` and a model that has ampleSuccessors, a state is
// expanded with its ample set alone unless one of the ample successors was
// already visited (the cycle proviso), in which case it is also expanded fully;
// parent links then say which of the two enumerations a step came from (see
// docs/adr/0008-partial-order-reduction.md).
import type { BoundReason, CheckResult, ExhaustiveStats } from "../check-result.js";
import { errorMessage } from "../errors.js";
import type { Json, Model } from "../model.js";
import { FingerprintSet } from "../store/fingerprint-set.js";
import { ParentLinkTable } from "../store/parent-links.js";
import { StateQueue } from "../store/state-queue.js";
import type { Trace } from "../trace/trace.js";
import { type Candidate, letRestartThrough, NO_FAILURE, SearchStopped } from "./core.js";
import { emissionPath, rebuildTrace } from "./counterexample.js";
import { Expansion } from "./expansion.js";
import { errorResult, exhaustiveStats, searchResult, stackOf } from "./search-result.js";

export interface ExhaustiveProgress extends ExhaustiveStats {
  /** States waiting in the frontier. */
  queueStates: number;
  /** Depth of the level being expanded. */
  currentDepth: number;
}

/**
 * Where a search stopped by `maxStates` stands, so worker threads can go on
 * from there instead of starting over (check-model.ts, the probe before a
 * parallel search): every state found so far (their fingerprints, parent
 * links and ids in discovery order), the states still to expand (from
 * `firstId`, the one whose expansion the bound cut short, to the last one
 * found) with the level boundary, and the figures so far.
 */
export interface SearchContinuation {
  visited: FingerprintSet;
  links: ParentLinkTable;
  /** States found: ids 0..distinct-1. */
  distinct: number;
  generated: number;
  /** The encoded states from id `firstId` on, in id order. */
  frontier: Uint8Array[];
  firstId: number;
  /** Ids below this are at `depth`, the others at depth + 1. */
  levelEnd: number;
  depth: number;
  deepest: number;
  completedDepth: number;
  /** Partial-order figures so far (0 without it). */
  expanded: number;
  ampleExpansions: number;
  /** maxDepth already left some state unexplored. */
  cutOffByDepth: boolean;
  /** How long the search ran: the whole search's time and rates count it. */
  elapsedMs: number;
}

export interface ExhaustiveOptions {
  /** Explore states up to this depth (initial states are depth 0; a trace to depth d has d + 1 steps). */
  maxDepth?: number;
  /** Stop with "bounded" when more than this many distinct states exist. */
  maxStates?: number;
  /** Stop with "bounded" after this long. */
  timeoutMs?: number;
  /** Stop at the first (shortest) failure. Default true; false collects one failure per property and message. */
  stopOnFirst?: boolean;
  /** With stopOnFirst false: how many distinct failures to keep (default 100). */
  maxFailures?: number;
  /** Called with running figures about every `progressIntervalMs` and every `progressEveryStates` expansions. */
  onProgress?: (progress: ExhaustiveProgress) => void;
  /** Default 250. */
  progressIntervalMs?: number;
  /** Default: no count-based progress, time only. */
  progressEveryStates?: number;
  /** Initial slots of the visited set (it grows by GROWTH, fingerprint-set.ts). */
  initialCapacity?: number;
  /** Clock in milliseconds (default performance.now); tests inject one to test timeouts without waiting. */
  now?: () => number;
  /**
   * Partial-order reduction: expand states with the model's ampleSuccessors
   * when it has one (default false). Safety verdicts are kept; counterexamples
   * may be longer than the shortest one. See docs/adr/0008-partial-order-reduction.md.
   */
  partialOrder?: boolean;
  /**
   * Stops the search with `bounded`, reason "interrupted", when aborted (the
   * figures and failures so far are kept). checkExhaustive, which never gives
   * the event loop a turn, sees only an abort from a callback (onProgress);
   * checkExhaustiveAsync sees a signal handler's too.
   */
  signal?: AbortSignal;
}

/** Parent links in chunks of 2^16 states (4 bytes each, see parent-links.ts). */
const LINK_CHUNK_BITS = 16;
/** About how often the clock is read (ms): checkpoints adapt their spacing in work units to it. */
const CHECK_MS = 2;
/** Most work units between two checkpoints. */
const MAX_CHECK_EVERY = 1024;
/** checkExhaustiveAsync: how often the event loop gets a turn (ms). */
const YIELD_EVERY_MS = 50;

class BfsRun<S, Step extends Json> extends Expansion<S, Step, FingerprintSet> {
  /** The probe's cap until the probe is told to go on alone (stayAlone). */
  private maxStates: number;
  private readonly options: ExhaustiveOptions;
  private readonly now: () => number;
  private readonly startTime: number;
  private readonly timeout: number;
  private readonly progressInterval: number;
  private readonly progressEvery: number;
  private readonly signal: AbortSignal | undefined;

  private readonly queue = new StateQueue();
  private readonly links = new ParentLinkTable(LINK_CHUNK_BITS);

  /** States found so far; a state's id is its index in discovery order. */
  private distinct = 0;
  private deepest = 0;
  private completedDepth = -1;
  private stopReason: BoundReason | null = null;

  // Where the search is: the next state to expand, its level, and the level's end.
  private nextId = 0;
  private depth = 0;
  private levelEnd = 0;
  private expandedSinceProgress = 0;
  private lastProgress: number;
  private lastCheck: number;
  /** runAsync: when the event loop last had a turn, and whether it is due one. */
  private lastYield: number;
  private yieldDue = false;
  private readonly yieldEveryMs: number;
  /** The search ended with an `error` result. */
  private failed: CheckResult<ExhaustiveStats> | null = null;
  /** onProgress threw during an expansion: the search stops and the exception reaches the caller. */
  private callbackThrew: { error: unknown } | null = null;
  /** Successors generated before the state being expanded (a continuation expands that one again). */
  private generatedBefore = 0;
  /** Set when `maxStates` cut an expansion short: where the search stands. */
  continuation: SearchContinuation | null = null;
  /** A probe's decision (probeExhaustiveAsync): asked at its `states`-th state and at its cap. */
  private decision: ProbeDecision | null = null;
  /** The id of the state at which the decision is asked (decision.states - 1; -1: never). */
  private decideAt = -1;

  /** Search as a probe; with `decision`, asked near and at its cap whether to go on alone. */
  startProbe(decision: ProbeDecision | undefined): void {
    this.probing = true;
    if (decision === undefined) return;
    this.decision = decision;
    this.decideAt = decision.states - 1;
  }

  /** A probe goes on alone to the end (or to the decision's `uncapped`): it is the whole search. */
  private stayAlone(): void {
    this.probing = false;
    this.maxStates = this.decision?.uncapped ?? Number.POSITIVE_INFINITY;
  }

  constructor(model: Model<S, Step>, options: ExhaustiveOptions, yieldEveryMs = Number.POSITIVE_INFINITY) {
    const visited = new FingerprintSet({ initialCapacity: options.initialCapacity });
    super(model, visited, {
      maxDepth: options.maxDepth ?? Number.POSITIVE_INFINITY,
      stopOnFirst: options.stopOnFirst ?? true,
      maxFailures: options.maxFailures ?? 100,
      partialOrder: options.partialOrder === true,
    });
    this.options = options;
    this.maxStates = options.maxStates ?? Number.POSITIVE_INFINITY;
    this.now = options.now ?? (() => performance.now());
    this.startTime = this.now();
    this.lastProgress = this.startTime;
    this.lastCheck = this.startTime;
    this.lastYield = this.startTime;
    this.timeout = options.timeoutMs ?? Number.POSITIVE_INFINITY;
    this.progressInterval = options.progressIntervalMs ?? 250;
    this.progressEvery = options.progressEveryStates ?? Number.POSITIVE_INFINITY;
    this.signal = options.signal;
    this.yieldEveryMs = yieldEveryMs;
  }

  /**
   * A probe (probeExhaustiveAsync) stops at its bound before a successor
   * reaches the visited set, so every state in the set is one it recorded and
   * a continuation can hand the set on as it is. (A plain search stops only
   * at a new state past the bound, so a space of exactly maxStates passes.)
   */
  probing = false;

  protected override admit(): boolean {
    if (this.probing && this.distinct >= this.maxStates) {
      if (this.decision?.aloneAtCap?.(this.levelSize, this.previousLevelSize)) this.stayAlone();
      else this.stopNow("max-states");
    }
    return true;
  }

  /** States of the level being expanded and of the level before it. */
  private levelSize = 0;
  private previousLevelSize = 0;

  protected discover(state: S, emissionRef: number): number {
    if (this.distinct >= this.maxStates) this.stopNow("max-states");
    const id = this.distinct++;
    if (id === this.decideAt && !this.decision!.onReached()) this.stayAlone();
    this.links.push(this.expandingRef, emissionRef);
    this.deepest = this.expandingDepth + 1;
    // Encoded only now: most successors are already known (encode's buffer may be reused, push copies it).
    this.queue.push(this.model.encode(state));
    return id;
  }

  /**
   * Every few emitted successors or expanded states: the interrupt, the clock
   * (timeout, progress, a turn for the event loop). The clock is read about
   * every CHECK_MS whatever one unit of work costs.
   */
  protected override checkpoint(): void {
    if (this.signal?.aborted) this.stopNow("interrupted");
    const now = this.now();
    const since = now - this.lastCheck;
    this.lastCheck = now;
    if (since < CHECK_MS / 2) this.checkpointEvery = Math.min(MAX_CHECK_EVERY, this.checkpointEvery * 2);
    else if (since > CHECK_MS * 2) this.checkpointEvery = Math.max(1, this.checkpointEvery >> 1);
    if (now - this.startTime >= this.timeout) this.stopNow("timeout");
    if (this.options.onProgress !== undefined && now - this.lastProgress >= this.progressInterval) {
      this.lastProgress = now;
      this.expandedSinceProgress = 0;
      try {
        this.options.onProgress(this.progress(this.depth));
      } catch (error) {
        // The caller's exception, not the model's: it reaches the caller (finish rethrows it).
        this.callbackThrew = { error };
        throw new SearchStopped();
      }
    }
    if (now - this.lastYield >= this.yieldEveryMs) this.yieldDue = true;
  }

  /** Stops the search at a bound, cutting the current expansion short. */
  private stopNow(reason: BoundReason): never {
    this.stop(reason);
    throw new SearchStopped();
  }

  private stop(reason: BoundReason): void {
    if (this.stopReason === null) this.stopReason = reason;
    this.halt();
  }

  run(): CheckResult<ExhaustiveStats> {
    if (this.begin()) while (!this.advance()) {}
    return this.finish();
  }

  /** As run, giving the event loop a turn about every `yieldEveryMs` (so a signal can stop it). */
  async runAsync(): Promise<CheckResult<ExhaustiveStats>> {
    if (this.begin()) {
      while (!this.advance()) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        this.lastYield = this.now();
        this.yieldDue = false;
        if (this.signal?.aborted) this.stop("interrupted");
      }
    }
    return this.finish();
  }

  /** Emits the initial states; false when the search already ended. */
  private begin(): boolean {
    if (this.signal?.aborted) {
      this.stop("interrupted");
      return false;
    }
    try {
      this.emitInitial();
    } catch (error) {
      letRestartThrough(error);
      if (!(error instanceof SearchStopped)) {
        this.failed = this.error(
          `model threw while computing initial states: ${errorMessage(error)}`,
          error,
          null,
        );
        return false;
      }
    }
    this.levelEnd = this.distinct;
    this.startLevel();
    return true;
  }

  /** Expands states until the search ends (true) or the event loop is due a turn (false). */
  private advance(): boolean {
    const model = this.model;
    const failures = this.failures;
    const onProgress = this.options.onProgress;
    while (this.stopReason === null && this.queue.length > 0) {
      if (this.yieldDue) return false;
      if (this.nextId === this.levelEnd) {
        this.completedDepth = this.depth;
        this.depth++;
        this.previousLevelSize = this.levelSize;
        this.levelSize = this.distinct - this.levelEnd;
        this.levelEnd = this.distinct;
        this.startLevel();
      }
      const depth = this.depth;
      // Failures found from this level on are no shorter than the best one.
      const best = failures.shortest;
      if (best !== null && best.length <= depth + 1) break;
      if (onProgress !== undefined && ++this.expandedSinceProgress >= this.progressEvery) {
        this.expandedSinceProgress = 0;
        this.lastProgress = this.now();
        onProgress(this.progress(depth));
      }

      const id = this.nextId++;
      const bytes = this.queue.shift()!;
      this.generatedBefore = this.generated;
      this.enter(id, depth, best !== null);
      try {
        this.expandState(model.decode(bytes));
      } catch (error) {
        letRestartThrough(error);
        if (error instanceof SearchStopped) {
          if (this.stopReason === "max-states") this.keepContinuation(id, bytes);
          break;
        }
        this.failed = this.error(
          `model threw while expanding a state at depth ${depth}: ${errorMessage(error)}`,
          error,
          id,
        );
        return true;
      }
    }
    return true;
  }

  /** The bound stopped the expansion of state `id`: keep what a continuation needs. */
  private keepContinuation(id: number, bytes: Uint8Array): void {
    const frontier: Uint8Array[] = [bytes.slice()];
    for (let b = this.queue.shift(); b !== undefined; b = this.queue.shift()) frontier.push(b.slice());
    this.continuation = {
      visited: this.visited,
      links: this.links,
      distinct: this.distinct,
      generated: this.generatedBefore,
      frontier,
      firstId: id,
      levelEnd: this.levelEnd,
      depth: this.depth,
      deepest: this.deepest,
      completedDepth: this.completedDepth,
      expanded: this.expanded,
      ampleExpansions: this.ampleExpansions,
      cutOffByDepth: this.cutOffByDepth,
      elapsedMs: this.now() - this.startTime,
    };
  }

  private finish(): CheckResult<ExhaustiveStats> {
    if (this.callbackThrew !== null) throw this.callbackThrew.error;
    if (this.failed !== null) return this.failed;
    if (this.stopReason === null && this.queue.length === 0) this.completedDepth = this.deepest;
    return searchResult(
      this.failures.list(),
      (c) => this.traceOf(c),
      !this.failures.stopOnFirst,
      this.stats(),
      {
        stopReason: this.stopReason,
        cutOffByDepth: this.cutOffByDepth,
      },
    );
  }

  private error(message: string, error: unknown, stateId: number | null): CheckResult<ExhaustiveStats> {
    const traceTo =
      stateId === null
        ? null
        : () => this.traceOf({ failure: NO_FAILURE, stateRef: stateId, extraStep: null, length: 0 });
    return errorResult(message, stackOf(error), this.stats(), traceTo);
  }

  /** Rebuilds the steps to a candidate by replaying the emission each parent link names. */
  private traceOf(candidate: Candidate): Trace {
    return rebuildTrace(this.model, emissionPath(this.links, candidate.stateRef), candidate.extraStep).trace;
  }

  private stats(): ExhaustiveStats {
    const memory = (globalThis as { process?: { memoryUsage?: () => { heapUsed: number } } }).process
      ?.memoryUsage;
    return exhaustiveStats(
      {
        distinct: this.distinct,
        generated: this.generated,
        deepest: this.deepest,
        elapsedMs: Math.max(0, this.now() - this.startTime),
        completedDepth: this.completedDepth,
        visitedSetBytes: this.visited.bytesUsed,
        parentLinkBytes: this.links.bytes,
        peakQueueStates: this.queue.peakLength,
        peakQueueBytes: this.queue.peakBytes,
        heapUsedBytes: memory === undefined ? 0 : memory().heapUsed,
        partialOrder: this.partialOrder
          ? { expanded: this.expanded, ampleExpansions: this.ampleExpansions }
          : null,
      },
      {},
    );
  }

  private progress(depth: number): ExhaustiveProgress {
    return { ...this.stats(), queueStates: this.queue.length, currentDepth: depth };
  }
}

/**
 * Explores every reachable state breadth-first. Never throws for model
 * errors: a throwing model gives `{ kind: "error" }` with the trace to the
 * state being expanded. A model asking for the search to start over on
 * another (SearchRestart) is let through, for checkModel.
 */
export function checkExhaustive<S, Step extends Json>(
  model: Model<S, Step>,
  options: ExhaustiveOptions = {},
): CheckResult<ExhaustiveStats> {
  return new BfsRun(model, options).run();
}

/**
 * checkExhaustive that gives the event loop a turn about every 50 ms, so that
 * timers and signal handlers run during a long search (and can abort
 * `options.signal`). A turn comes between two expansions: one expansion is
 * never split.
 */
export function checkExhaustiveAsync<S, Step extends Json>(
  model: Model<S, Step>,
  options: ExhaustiveOptions = {},
): Promise<CheckResult<ExhaustiveStats>> {
  return new BfsRun(model, options, YIELD_EVERY_MS).runAsync();
}

/** What a probe does once it has found `states` states (probeExhaustiveAsync). */
export interface ProbeDecision {
  states: number;
  /**
   * Called then: true when workers will go on from the probe at its cap (the
   * caller starts them now), false when the probe is to go on alone to the
   * end, or to `uncapped` states, as the whole search.
   */
  onReached: () => boolean;
  uncapped?: number;
  /**
   * Called at the cap (after onReached said workers go on) with the sizes of
   * the level being expanded and the one before: true to go on alone after all.
   */
  aloneAtCap?: (level: number, previous: number) => boolean;
}

/**
 * checkExhaustiveAsync that also gives, when `maxStates` stopped it during an
 * expansion, where it stands (SearchContinuation), for a parallel search to go on from.
 * With `decision`, the caller decides at `decision.states` whether it will.
 */
export async function probeExhaustiveAsync<S, Step extends Json>(
  model: Model<S, Step>,
  options: ExhaustiveOptions = {},
  decision?: ProbeDecision,
): Promise<{ result: CheckResult<ExhaustiveStats>; continuation: SearchContinuation | null }> {
  const run = new BfsRun(model, options, YIELD_EVERY_MS);
  run.startProbe(decision);
  const result = await run.runAsync();
  // A probe that went on alone is the whole search: nothing to continue from.
  return { result, continuation: result.kind === "bounded" && run.probing ? run.continuation : null };
}
