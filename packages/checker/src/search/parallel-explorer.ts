// Exhaustive breadth-first search on several worker threads over one shared
// fingerprint table.
//
// Level-synchronous: the frontier of depth d is a list of chunks of encoded
// states; every worker claims chunks until none is left, expands them,
// deduplicates successors in the shared table and writes the new ones (depth
// d + 1) to its own chunks, with a parent link (parent ref, emission index).
// At the barrier the coordinator (this thread) collects the new chunks as the
// next frontier. A worker that has expanded a chunk writes new states in its
// buffer (nothing reads a chunk twice), so the frontier holds about one level.
// A failure found at depth d is reported only once every worker
// has finished depth d, so counterexamples are as short as the single-threaded
// explorer's, and the distinct-state count is the same. The counterexample is
// rebuilt here by walking the parent links and replaying the k-th emitted step
// with this thread's own model instance, exactly as bfs-explorer.ts does.
//
// Among failures of the same (shortest) length, the one reported is the first
// found by the lowest-numbered worker that found one; with one worker that is
// the single-threaded explorer's choice, with more it may depend on timing.
//
// Memory: the budget bounds the process. Its resident set (main thread,
// worker heaps, shared table, links, frontier, model) is sampled every 25 ms
// and before the table grows; at 90% of the budget (or when the grown table
// would take it there) the search stops with `bounded`, reason "memory",
// instead of running out of memory. Within that, the table starts small and
// grows by GROWTH (rehashed by the paused workers and this thread together) up
// to half the budget, and parent links and frontier take at most the rest.
//
// `workers: 1` runs the same code with one worker thread (not a fallback to
// checkExhaustive), so the memory budget applies there too.
//
// Partial-order reduction (`partialOrder: true`): workers expand with the
// model's ample sets and apply the cycle proviso on the shared table's add, as
// bfs-explorer.ts does. Which worker discovers a state first depends on
// timing, so with 2+ workers which states are fully expanded, hence the state
// count, may differ from run to run; verdicts do not (ADR 0008).
//
// Workers are kept between searches by a ParallelExplorer (a pool);
// checkExhaustiveParallel starts one for a single search. A worker exception
// or crash ends the search with kind "error"; workers that do not come back
// (a crash, a step still running 2 s after the timeout, a model still being
// built at the timeout) are terminated.
import { createRequire } from "node:module";
import { totalmem } from "node:os";
import { pathToFileURL } from "node:url";
import { getHeapStatistics } from "node:v8";
import { MessageChannel, type MessagePort, Worker } from "node:worker_threads";
import type { BoundReason, CheckResult, ExhaustiveStats } from "../check-result.js";
import { errorMessage } from "../errors.js";
import { hasRestart, type Json, type Model } from "../model.js";
import { loadModelFromFactory, type ModelFactory } from "../model-factory.js";
import { grownCapacity, MAX_LOAD } from "../store/fingerprint-set.js";
import { DeltaWriter, MAX_DELTA_HEADER } from "../store/delta-frame.js";
import { ParentLinkTable } from "../store/parent-links.js";
import {
  checkExhaustiveAsync,
  type ExhaustiveOptions,
  type ExhaustiveProgress,
  type SearchContinuation,
} from "./bfs-explorer.js";
import {
  type Candidate,
  FailureCollector,
  NO_FAILURE,
  NO_STATE,
  RSS_SHARE,
  residentBytes,
  statesWithinBudget,
  usesPartialOrder,
} from "./core.js";
import { emissionPath, type ParentLinks, rebuildTrace } from "./counterexample.js";
import { errorResult, exhaustiveStats, searchResult, stackOf } from "./search-result.js";
import {
  BEST_LENGTH,
  BLOCK,
  CAN_GROW,
  CONTROL_WORDS,
  type ChunkRef,
  countQueue,
  EPOCH,
  type FromWorker,
  type Growth,
  LIMIT,
  LINK_CHUNK_BITS,
  type LevelDone,
  NEXT_CHUNK,
  NO_LENGTH,
  PAUSE,
  PEAK_QUEUE_BYTES,
  PEAK_QUEUE_STATES,
  QUEUE_WORDS,
  REHASH_LEFT,
  RESERVED,
  DISTINCT,
  rehashShare,
  startGrowth,
  STAT_DISTINCT,
  STAT_EXPANDED,
  STAT_GENERATED,
  STAT_WORDS,
  STOP,
  Stop,
  type RunConfig,
  type ToWorker,
  type WorkerStart,
} from "./parallel-protocol.js";
import {
  MAX_SHARED_CAPACITY,
  SHARED_SLOT_BYTES,
  SharedFingerprintSet,
} from "../store/shared-fingerprint-set.js";
import type { Trace } from "../trace/trace.js";

/** Options of one parallel search: checkExhaustive's, plus memory and work sharing. */
export interface ParallelCheckOptions extends ExhaustiveOptions {
  /**
   * Budget in bytes for the process (see boundProcess): its resident set,
   * worker heaps and the model included, stays under it; within it the
   * visited table takes at most half, parent links and the frontier the
   * rest. Default: half the machine's memory.
   */
  memoryBytes?: number;
  /**
   * Whether the budget bounds the whole process (default true): its resident
   * set is sampled every 25 ms and before the table grows, and the search
   * stops at 90% of the budget. False: only the search's stores (tests of
   * those bounds with budgets smaller than any process).
   */
  boundProcess?: boolean;
  /** Bytes per frontier chunk buffer (default 8 KiB). */
  chunkBytes?: number;
  /** Most states per frontier chunk, the unit of work sharing (default 1024). */
  chunkStates?: number;
  /**
   * How long the coordinator blocks for the workers' last slices of a table
   * growth before it waits for their "rehashed" message instead (default
   * 1,000 ms; tests use 0 to take the message path).
   */
  rehashWaitMs?: number;
  /**
   * Go on from a single-threaded search that `maxStates` stopped
   * (probeExhaustiveAsync) instead of starting over: its states are in the
   * table, its parent links are worker 0's first, and its frontier is the
   * first level the workers expand. Not with partial-order reduction.
   */
  continueFrom?: SearchContinuation;
  /**
   * The factory's model, already built in this thread (the probe's): the
   * coordinator uses it to rebuild traces instead of building its own. It must
   * not be running another search.
   */
  model?: Model<unknown, Json>;
}

export interface ParallelExhaustiveOptions extends ParallelCheckOptions {
  /** Worker threads (1 to 256); 1 still runs the search in a worker. */
  workers: number;
}

/** The parallel explorer's figures. */
export interface ParallelExhaustiveStats extends ExhaustiveStats {
  workers: number;
  /** Slots of the visited table at the end, and the fraction in use. */
  visitedSetCapacity: number;
  visitedSetLoad: number;
  /** Times the visited table was grown (each a pause of every worker). */
  visitedSetGrowths: number;
  memoryBudgetBytes: number;
  /** The largest resident set size of the process sampled during the search (every 25 ms and before the table grows). */
  peakRssBytes: number;
  /** States taken over from the single-threaded probe (ParallelCheckOptions.continueFrom); 0 when none. */
  seededStates: number;
  /**
   * The most bytes of frontier chunk buffers held at a level barrier: the
   * workers', free ones included (a worker keeps the buffer of a chunk it has
   * expanded to write new states in), and the probe's not yet expanded
   * (peakQueueBytes: the most bytes written in them at once).
   */
  peakChunkBufferBytes: number;
  /** The workers had built the model before the search began (ParallelExplorer.prepare), so their start-up was not part of it. */
  workersPrepared: boolean;
  /** Where the time went, serial and parallel (docs/performance.md, "Scaling"). */
  profile: ParallelProfile;
}

/**
 * Where a parallel search's time went, for a projection of its speed with
 * more workers (serial time plus work divided among them). Milliseconds of
 * real time; the figures of one search.
 */
export interface ParallelProfile {
  /** The single-threaded probe the search went on from (serial). */
  probeMs: number;
  /**
   * The coordinator alone, outside the workers' phases (serial): building the
   * model, taking over the probe, bookkeeping at barriers, and after a
   * failure the single-threaded search for its shortest counterexample.
   */
  coordinatorMs: number;
  /**
   * Growing the visited table while every worker is paused: the wall time the
   * coordinator sees, from the start of the rehash until it is complete. The
   * paused workers and the coordinator rehash it together (the workers' share
   * also counts in workerBusyMs).
   */
  growthMs: number;
  /** The workers' phases (initial states, levels) from the coordinator's message to the last report. */
  phasesMs: number;
  /** The workers' time spent working in those phases, summed over workers (the parallel work). */
  workerBusyMs: number;
  /** Level phases (each ends at a barrier). */
  levels: number;
}

/** What the single-threaded search takes per state at most: visited set (growing), parent link, frontier. */
const SINGLE_BYTES_PER_STATE = 64;
/** Fraction of the memory budget the visited table may take. */
const TABLE_SHARE = 0.5;
const DEFAULT_INITIAL_SLOTS = 1 << 16;
const MIN_SLOTS = 16;
// A chunk ends at chunkStates states or when its buffer is full, whichever comes
// first, and the rest of the buffer is lost until it is reused: TwoPhase's deltas
// take about 10 bytes, so 16 KiB buffers were a third empty where 8 KiB ones are full.
const DEFAULT_CHUNK_BYTES = 8 * 1024;
const DEFAULT_CHUNK_STATES = 1024;
const MAX_BLOCK = 4096;
/** Largest default budget: half the machine's memory, but not more than this. */
const MAX_DEFAULT_BUDGET = 64 * 1024 ** 3;
/** How often the coordinator looks at the clock while workers run. */
const TICK_MS = 25;
/** How long workers may take to notice the timeout before they are terminated. */
const STUCK_GRACE_MS = 2_000;
const MAX_WORKERS = 256;
/** States per parent-link chunk. */
const LINK_CHUNK = 1 << LINK_CHUNK_BITS;
/** How long the coordinator blocks for the workers' last slices of a rehash before it waits for their message. */
const REHASH_WAIT_MS = 1_000;

/** A worker failed: a model exception (with the state being expanded) or a crash. */
class WorkerFailure extends Error {
  constructor(
    message: string,
    readonly detail: string | undefined,
    readonly stateRef: number | null,
  ) {
    super(message);
  }
}

/**
 * The workers did not come back after the timeout: a model step that never
 * returns, or (`building`) a model still being built when the timeout passed.
 */
class StuckWorkers extends WorkerFailure {
  constructor(readonly building: boolean) {
    super(
      building ? "workers still building the model at the timeout" : "workers did not stop after the timeout",
      undefined,
      null,
    );
  }
}

/** A worker's model asked the search to start over (core.ts SearchRestart): the coordinator's model says on what. */
class WorkerRestart extends WorkerFailure {
  constructor(reason: string) {
    super(reason, undefined, null);
  }
}

/** onProgress threw between two barriers: the caller gets the exception. */
class CallbackFailure extends WorkerFailure {
  constructor(readonly thrown: unknown) {
    super("onProgress threw", undefined, null);
  }
}

/** Where the worker entry is: the compiled sibling, or the TypeScript source run through tsx. */
function workerEntry(): { url: URL; typescript: boolean } {
  const here = import.meta.url;
  const typescript = /\.[cm]?ts$/.test(new URL(here).pathname);
  return { url: new URL(typescript ? "./parallel-worker.ts" : "./parallel-worker.js", here), typescript };
}

// A worker cannot import the .ts source by itself: register tsx, then import the entry.
const TYPESCRIPT_BOOTSTRAP = `
const { workerData } = require("node:worker_threads");
import(workerData.tsxApi)
  .then((api) => { api.register(); return import(workerData.entry); })
  .catch((error) => { setImmediate(() => { throw error; }); });
`;

/** tsx's ESM register API as a file URL (require.resolve finds its CommonJS twin next to it). */
function tsxEsmApiUrl(): string {
  const commonJs = createRequire(import.meta.url).resolve("tsx/esm/api");
  return pathToFileURL(commonJs.replace(/\.cjs$/, ".mjs")).href;
}

function sum(figures: number[]): number {
  return figures.reduce((a, b) => a + b, 0);
}

function bufferBytes(chunks: ChunkRef[]): number {
  let bytes = 0;
  for (const chunk of chunks) bytes += chunk.buffer.byteLength;
  return bytes;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}

/** Parent links of one worker's states, read from the buffers it shared. */
class LinkReader extends ParentLinkTable {
  add(done: LevelDone): void {
    this.adopt(
      done.linkWords.map((buffer) => new Uint32Array(buffer)),
      done.linkOverflow,
    );
  }
}

/** The messages of one phase (model build, initial states or a level) until every worker is done. */
interface Phase {
  /** The "run" phase: the workers are building the model (they answer "ready"). */
  startUp: boolean;
  active: Set<number>;
  done: Map<number, LevelDone | null>;
  paused: Map<number, number>;
  /** The grown table being rehashed into while every worker is paused, and since when (performance.now). */
  growing: { table: SharedFingerprintSet; since: number } | null;
  resolve: () => void;
  reject: (failure: WorkerFailure) => void;
}

interface WorkerHandle {
  id: number;
  worker: Worker;
  tablePort: MessagePort;
  alive: boolean;
}

/**
 * A pool of worker threads for parallel exhaustive searches, kept between
 * searches (a worker thread takes a while to start, longer when it must load
 * tsx for TypeScript factories). One search at a time. Workers that end a
 * search in an unknown state (a model error, a crash, a step that never
 * returns) are terminated and replaced at the next search. Idle workers do
 * not keep the process alive; close() terminates them.
 */
export class ParallelExplorer {
  readonly workers: number;
  private handles: WorkerHandle[] | null = null;
  /** The factory the workers were last told to prepare (prepare), until a search or termination uses it up. */
  private prepared: ModelFactory | null = null;
  private current: ParallelRun | null = null;
  private runs = 0;
  private busy = false;
  private closed = false;
  private terminating = false;

  constructor(workers: number) {
    this.workers = workers;
  }

  /** Explores every reachable state of the factory's model: see checkExhaustiveParallel. */
  async check(
    factory: ModelFactory,
    options: ParallelCheckOptions = {},
  ): Promise<CheckResult<ParallelExhaustiveStats>> {
    const invalid = this.invalidOptions(options);
    if (invalid !== null) return { kind: "error", message: invalid };
    this.busy = true;
    try {
      if (this.handles?.some((handle) => !handle.alive)) await this.terminateAll();
      const prepared = this.prepared === factory;
      this.prepared = null;
      const run = new ParallelRun(
        factory,
        options,
        this.workers,
        ++this.runs,
        () => this.startedWorkers(),
        prepared,
      );
      this.current = run;
      this.setRef(true);
      return await run.run();
    } finally {
      if (this.current !== null && !this.current.workersIdle) await this.terminateAll();
      this.current = null;
      this.setRef(false);
      this.busy = false;
    }
  }

  /**
   * Starts the first `threads` worker threads (all by default) where not yet
   * started, and has every started thread build `factory`'s model now, so a
   * search of the same factory (check) finds them ready: worker start-up
   * overlaps whatever this thread does meanwhile (check-model.ts's probe).
   * Threads not started yet start with the search and build the model then.
   */
  prepare(factory: ModelFactory, threads = this.workers): void {
    if (this.closed || this.busy) return;
    try {
      const handles = this.startedWorkers(Math.min(threads, this.workers));
      for (const handle of handles)
        handle.worker.postMessage({ type: "prepare", factory } satisfies ToWorker);
      this.prepared = factory;
    } catch {
      // The search that needs them tries again and reports why they cannot start.
    }
    this.setRef(false); // idle until a search: they do not keep the process alive
  }

  /** Terminates the worker threads; the explorer cannot be used afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    await this.terminateAll();
  }

  private invalidOptions(options: ParallelCheckOptions): string | null {
    if (this.closed) return "the parallel explorer is closed";
    if (this.busy) return "the parallel explorer runs one search at a time";
    const workers = this.workers;
    if (!Number.isInteger(workers) || workers < 1 || workers > MAX_WORKERS) {
      return `workers must be an integer from 1 to ${MAX_WORKERS}, got ${workers}`;
    }
    const memory = options.memoryBytes;
    if (memory !== undefined && !(Number.isFinite(memory) && memory > 0)) {
      return `memoryBytes must be a positive number, got ${memory}`;
    }
    return null;
  }

  /** The worker threads started so far, at least the first `count` (all by default): started now where not yet. */
  private startedWorkers(count = this.workers): WorkerHandle[] {
    // Kept as they start: a constructor that throws halfway leaves the started ones to terminateAll.
    const handles = (this.handles ??= []);
    if (handles.length >= count) return handles;
    const entry = workerEntry();
    const tsxApi = entry.typescript ? tsxEsmApiUrl() : "";
    for (let id = handles.length; id < count; id++) {
      const channel = new MessageChannel();
      const start: WorkerStart = { id, workers: this.workers, tablePort: channel.port2 };
      const worker = entry.typescript
        ? new Worker(TYPESCRIPT_BOOTSTRAP, {
            eval: true,
            workerData: { ...start, tsxApi, entry: entry.url.href },
            transferList: [channel.port2],
          })
        : new Worker(entry.url, { workerData: start, transferList: [channel.port2] });
      const handle: WorkerHandle = { id, worker, tablePort: channel.port1, alive: true };
      worker.on("message", (message: FromWorker) => this.current?.onMessage(message));
      worker.on("error", (error: Error) => {
        handle.alive = false;
        this.current?.onFailure(
          new WorkerFailure(`worker ${id} failed: ${error.message}`, error.stack, null),
        );
      });
      worker.on("exit", (code) => {
        handle.alive = false;
        if (this.terminating) return;
        this.current?.onFailure(
          new WorkerFailure(`worker ${id} exited unexpectedly (code ${code})`, undefined, null),
        );
      });
      handles.push(handle);
    }
    return handles;
  }

  private setRef(ref: boolean): void {
    for (const handle of this.handles ?? []) {
      if (ref) handle.worker.ref();
      else handle.worker.unref();
    }
  }

  private async terminateAll(): Promise<void> {
    const handles = this.handles;
    if (handles === null) return;
    this.handles = null;
    this.prepared = null;
    this.terminating = true;
    try {
      await Promise.all(handles.map((handle) => handle.worker.terminate()));
    } finally {
      this.terminating = false;
    }
    for (const handle of handles) handle.tablePort.close();
  }
}

class ParallelRun {
  private readonly factory: ModelFactory;
  private readonly options: ParallelCheckOptions;
  private readonly runId: number;
  private readonly workerCount: number;
  private readonly startWorkers: () => WorkerHandle[];
  private readonly maxDepth: number;
  private readonly maxStates: number;
  private readonly maxFailures: number;
  private readonly budget: number;
  private readonly maxCapacity: number;
  private readonly now: () => number;
  private readonly startTime: number;

  private model: Model<unknown, Json> | null = null;
  private handles: WorkerHandle[] = [];
  private readonly controlBuffer = new SharedArrayBuffer(CONTROL_WORDS * 4);
  private readonly control = new Int32Array(this.controlBuffer);
  private readonly statsBuffer: SharedArrayBuffer;
  private readonly liveStats: Float64Array;
  private readonly queueBuffer = new SharedArrayBuffer(QUEUE_WORDS * 8);
  private readonly queue = new BigInt64Array(this.queueBuffer);
  private table: SharedFingerprintSet;
  private growths = 0;
  private readonly links: LinkReader[] = [];
  private phase: Phase | null = null;
  /** A worker failure that arrived outside a phase. */
  private pendingFailure: WorkerFailure | null = null;
  /** Every worker finished every phase it was given: the pool may reuse them. */
  workersIdle = false;
  /** Real time (not the injectable clock) at which workers were told to stop for the timeout. */
  private timeoutStopAt: number | null = null;
  /** A tick saw the timeout while the workers were still building the model. */
  private timeoutSeenAtStartUp = false;
  private readonly rehashWaitMs: number;
  /** Why the process's memory stopped the search (stopForProcessMemory), if it did. */
  private memoryMessage: string | null = null;
  /** The largest resident set size sampled. */
  private peakRss = 0;

  // Figures, cumulative over finished phases.
  private readonly inserted: number[];
  private readonly distinctBy: number[];
  private readonly generatedBy: number[];
  private readonly expandedBy: number[];
  private readonly ampleBy: number[];
  private readonly heapBy: number[];
  private readonly chunkBytesBy: number[];
  private deepest = 0;
  private completedDepth = -1;
  /** Going on from a probe: its states (in the table, not in any worker's count) and generated successors. */
  private seededStates = 0;
  private seededGenerated = 0;
  /** Every worker took a model built before the search began (ParallelExplorer.prepare). */
  private allPrepared = true;
  // ParallelProfile's figures (real time, performance.now).
  private phasesMs = 0;
  private workerBusyMs = 0;
  private growthMs = 0;
  private levels = 0;
  /** Worker 0's first local index when going on from a probe (its counts start there). */
  private firstLocal = 0;
  private cutOffByDepth = false;
  private peakQueueStates = 0;
  private peakQueueBytes = 0;
  private peakChunkBufferBytes = 0;
  /** The workers' free chunk buffers at the last barrier, shared out again with the next level. */
  private freeBuffers: SharedArrayBuffer[] = [];
  /** Buffers of the probe's frontier chunks (seedFrom) not yet expanded: cut to size, no worker keeps them. */
  private seededBufferBytes = 0;
  private levelStates = 0;
  private currentDepth = 0;
  private stopReason: BoundReason | null = null;
  private stopMessage: string | undefined;
  /**
   * The workers' failures, taken in at each barrier worker by worker: among
   * equally short ones, the first found by the lowest-numbered worker. Each
   * worker keeps at most maxFailures; the coordinator reports the shortest
   * maxFailures of them all.
   */
  private readonly failures: FailureCollector;
  private lastProgress: number;
  private lastProgressStates = 0;

  constructor(
    factory: ModelFactory,
    options: ParallelCheckOptions,
    workers: number,
    runId: number,
    startWorkers: () => WorkerHandle[],
    private readonly prepared: boolean,
  ) {
    this.factory = factory;
    this.options = options;
    this.runId = runId;
    this.workerCount = workers;
    this.startWorkers = startWorkers;
    this.maxDepth = options.maxDepth ?? Number.POSITIVE_INFINITY;
    this.maxStates = options.maxStates ?? Number.POSITIVE_INFINITY;
    this.maxFailures = options.maxFailures ?? 100;
    this.failures = new FailureCollector(options.stopOnFirst ?? true, Number.POSITIVE_INFINITY);
    this.now = options.now ?? (() => performance.now());
    this.budget = options.memoryBytes ?? Math.min(totalmem() / 2, MAX_DEFAULT_BUDGET);
    this.maxCapacity = Math.max(
      MIN_SLOTS,
      Math.min(MAX_SHARED_CAPACITY, Math.floor((this.budget * TABLE_SHARE) / SHARED_SLOT_BYTES)),
    );
    // Room for a probe's states: the probe's own table size, grown once if the probe's table
    // was due to grow, so the table goes on through the sizes a single-threaded search's
    // takes (9.87 B/state at TwoPhase's 10.3 M states, where starting from a size of its
    // own made it 10.50).
    const probed = options.continueFrom?.visited;
    const seeded =
      probed === undefined
        ? 0
        : probed.size >= probed.capacity * MAX_LOAD
          ? grownCapacity(probed.capacity)
          : probed.capacity;
    const initial = Math.max(MIN_SLOTS, options.initialCapacity ?? DEFAULT_INITIAL_SLOTS, seeded);
    this.rehashWaitMs = options.rehashWaitMs ?? REHASH_WAIT_MS;
    this.table = SharedFingerprintSet.create(Math.min(this.maxCapacity, initial));
    this.statsBuffer = new SharedArrayBuffer(workers * STAT_WORDS * 8);
    this.liveStats = new Float64Array(this.statsBuffer);
    const zeros = () => new Array<number>(workers).fill(0);
    this.inserted = zeros();
    this.distinctBy = zeros();
    this.generatedBy = zeros();
    this.expandedBy = zeros();
    this.ampleBy = zeros();
    this.heapBy = zeros();
    this.chunkBytesBy = zeros();
    for (let w = 0; w < workers; w++) this.links.push(new LinkReader(LINK_CHUNK_BITS, workers, w));
    this.startTime = this.now();
    this.lastProgress = this.startTime;
  }

  async run(): Promise<CheckResult<ParallelExhaustiveStats>> {
    try {
      this.model = this.options.model ?? (await loadModelFromFactory(this.factory));
    } catch (error) {
      this.workersIdle = true;
      return this.error(`cannot build the model: ${errorMessage(error)}`, error, null);
    }
    const control = this.control;
    control[BEST_LENGTH] = NO_LENGTH;
    const probe = this.options.continueFrom;
    // Worker 0 numbers its own states from the link chunk after the probe's (its run config says so).
    if (probe !== undefined) this.firstLocal = Math.ceil(probe.distinct / LINK_CHUNK) * LINK_CHUNK;
    let ticker: ReturnType<typeof setInterval> | undefined;
    const signal = this.options.signal;
    const onAbort = () => {
      Atomics.compareExchange(control, STOP, Stop.None, Stop.Interrupt);
      this.stopReason ??= "interrupted";
    };
    if (signal?.aborted) onAbort();
    signal?.addEventListener("abort", onAbort);
    try {
      try {
        this.handles = this.startWorkers();
      } catch (error) {
        throw new WorkerFailure(`cannot start worker threads: ${errorMessage(error)}`, undefined, null);
      }
      // Always: the tick also samples the process's memory (the budget bounds the whole process).
      ticker = setInterval(() => this.tick(), Math.min(TICK_MS, this.options.progressIntervalMs ?? 250));
      // The threads start (those not prepared) and build their models while this one takes in the
      // probe's states: they touch the table and the counters only from the first level on.
      const started = this.runPhase(this.allWorkers(), { type: "run", config: this.runConfig() });
      // Awaited below; should seeding throw, a failure settling it later is not an unhandled rejection.
      started.catch(() => {});
      if (probe !== undefined) this.seedFrom(probe);
      this.configureTable();
      await started;
      let frontier: ChunkRef[];
      let depth = 0;
      // A probe's states of the level after the one it was expanding: they join the next frontier.
      let seededNext: ChunkRef[] = [];
      if (this.seededFrontier !== null) {
        frontier = this.seededFrontier.first;
        seededNext = this.seededFrontier.next;
        depth = this.seededFrontier.depth;
        this.levelStates = this.seededStates;
      } else {
        frontier = await this.runPhase([0], { type: "init" });
        this.afterPhase(-1, frontier);
      }
      while (frontier.length > 0 && this.stopReason === null) {
        if (this.failures.shortest !== null) break;
        if (this.timeoutReached()) break;
        if (this.memoryExceeded(frontier)) break;
        this.currentDepth = depth;
        Atomics.store(control, NEXT_CHUNK, 0);
        // Workers drop unused reservations at each level: count only what is in the table.
        Atomics.store(control, RESERVED, this.insertedTotal());
        // The message is not kept past its sending: it names the table, which may grow meanwhile.
        const next = await this.runPhase(this.allWorkers(), {
          type: "level",
          depth,
          chunks: frontier,
          free: this.freeBuffers,
          table: this.table.buffer,
        });
        this.seededBufferBytes = 0;
        if (seededNext.length > 0) {
          next.push(...seededNext);
          this.seededBufferBytes = bufferBytes(seededNext);
          seededNext = [];
        }
        this.afterPhase(depth, next);
        frontier = next;
        depth++;
      }
      if (this.stopReason === null && frontier.length === 0) this.completedDepth = this.deepest;
      this.workersIdle = true;
    } catch (error) {
      if (!(error instanceof WorkerFailure)) throw error;
      this.abortWorkers();
      if (error instanceof CallbackFailure) throw error.thrown;
      // Out to checkModel, which runs the check again on the model it names.
      if (error instanceof WorkerRestart && this.model !== null && hasRestart(this.model))
        throw this.model.restartAfter(error.message);
      if (error instanceof StuckWorkers) return this.stuck(error.building);
      return this.error(error.message, error, error.stateRef);
    } finally {
      if (ticker !== undefined) clearInterval(ticker);
      signal?.removeEventListener("abort", onAbort);
    }
    return await this.finish();
  }

  private runConfig(): RunConfig {
    return {
      run: this.runId,
      factory: this.factory,
      control: this.controlBuffer,
      stats: this.statsBuffer,
      queue: this.queueBuffer,
      table: this.table.buffer,
      maxDepth: this.maxDepth,
      maxStates: this.maxStates,
      stopOnFirst: this.failures.stopOnFirst,
      maxFailures: this.maxFailures,
      chunkBytes: this.options.chunkBytes ?? DEFAULT_CHUNK_BYTES,
      chunkStates: this.options.chunkStates ?? DEFAULT_CHUNK_STATES,
      partialOrder: this.options.partialOrder === true,
      firstLocal: this.firstLocal,
      prepared: this.prepared,
    };
  }

  /** The probe's frontier as worker chunks: the rest of its level, and the level after. */
  private seededFrontier: { first: ChunkRef[]; next: ChunkRef[]; depth: number } | null = null;

  /**
   * Takes over a probe (ParallelCheckOptions.continueFrom): its fingerprints
   * into the table, its parent links as worker 0's first (a probe id j is
   * the global ref j * workers, worker 0's local index j), its frontier as
   * chunks. Worker 0 numbers its own states from the next link chunk on.
   */
  private seedFrom(c: SearchContinuation): void {
    c.visited.forEach((hi, lo) => {
      this.table.add(hi, lo);
    });
    this.seededStates = c.distinct;
    this.seededGenerated = c.generated;
    this.deepest = c.deepest;
    this.completedDepth = c.completedDepth;
    if (c.cutOffByDepth) this.cutOffByDepth = true;
    this.distinctBy[0] = this.firstLocal;
    Atomics.store(this.control, DISTINCT, c.distinct);
    const workers = this.workerCount;
    const reader = this.links[0]!;
    for (let id = 0; id < c.distinct; id++) {
      const parent = c.links.parentOf(id);
      reader.push(parent === NO_STATE ? NO_STATE : parent * workers, c.links.refOf(id));
    }
    reader.skipTo(this.firstLocal);
    const chunks = (from: number, to: number): ChunkRef[] => {
      const out: ChunkRef[] = [];
      const per = this.options.chunkStates ?? DEFAULT_CHUNK_STATES;
      for (let start = from; start < to; start += per) {
        const end = Math.min(to, start + per);
        let size = 0;
        for (let id = start; id < end; id++) size += MAX_DELTA_HEADER + c.frontier[id - c.firstId]!.length;
        // Written in a scratch buffer, then copied to a shared one of the size the deltas took.
        const scratch = new Uint8Array(size);
        let pos = 0;
        const deltas = new DeltaWriter();
        for (let id = start; id < end; id++) pos = deltas.write(scratch, pos, c.frontier[id - c.firstId]!);
        const buffer = new SharedArrayBuffer(pos);
        new Uint8Array(buffer).set(scratch.subarray(0, pos));
        out.push({ buffer, bytes: pos, owner: 0, first: start, count: end - start });
        countQueue(this.queue, end - start, pos);
      }
      return out;
    };
    const first = chunks(c.firstId, c.levelEnd);
    const next = chunks(c.levelEnd, c.distinct);
    this.seededFrontier = { first, next, depth: c.depth };
    this.seededBufferBytes = bufferBytes(first) + bufferBytes(next);
    this.peakChunkBufferBytes = this.seededBufferBytes;
  }

  /** Stops every worker at its next state and wakes paused ones, before they are terminated. */
  private abortWorkers(): void {
    const control = this.control;
    Atomics.compareExchange(control, STOP, Stop.None, Stop.Abort);
    Atomics.add(control, EPOCH, 1);
    Atomics.notify(control, EPOCH);
  }

  private insertedTotal(): number {
    return this.inserted.reduce((a, b) => a + b, this.seededStates);
  }

  private allWorkers(): number[] {
    return Array.from({ length: this.workerCount }, (_, w) => w);
  }

  /** Sets the reservation limit for the current table. */
  private configureTable(): void {
    const control = this.control;
    const capacity = this.table.capacity;
    const limit = Math.max(1, Math.floor(capacity * MAX_LOAD));
    Atomics.store(control, LIMIT, limit);
    Atomics.store(control, CAN_GROW, capacity < this.maxCapacity ? 1 : 0);
    // Small blocks on small tables, so reservations are not hoarded by one worker.
    const block = Math.max(1, Math.min(MAX_BLOCK, Math.floor(limit / (16 * this.workerCount))));
    Atomics.store(control, BLOCK, block);
    Atomics.store(control, RESERVED, this.insertedTotal());
  }

  onFailure(failure: WorkerFailure): void {
    // Stop the others at their next state.
    Atomics.compareExchange(this.control, STOP, Stop.None, Stop.Abort);
    if (this.phase !== null) this.phase.reject(failure);
    else if (this.pendingFailure === null) this.pendingFailure = failure;
  }

  onMessage(message: FromWorker): void {
    if (message.run !== this.runId) return;
    const phase = this.phase;
    switch (message.type) {
      case "error":
        this.onFailure(
          message.restart === true
            ? new WorkerRestart(message.message)
            : new WorkerFailure(message.message, message.detail, message.stateRef),
        );
        return;
      case "ready":
      case "level-done":
        if (phase === null) return;
        if (message.type === "level-done") this.inserted[message.worker] = message.inserted;
        else if (!message.prepared) this.allPrepared = false;
        phase.done.set(message.worker, message.type === "level-done" ? message : null);
        if (phase.done.size === phase.active.size) phase.resolve();
        else this.maybeGrow(phase);
        return;
      case "paused":
        if (phase === null) return;
        phase.paused.set(message.worker, message.inserted);
        this.maybeGrow(phase);
        return;
      case "rehashed":
        // Late when rehashedSoon saw the last slice in; it still comes before that worker's next pause.
        if (phase?.growing != null) this.grown(phase);
        return;
    }
  }

  /** Sends `message` to `active` workers and waits until each has answered; returns the new frontier. */
  private runPhase(active: number[], message: ToWorker): Promise<ChunkRef[]> {
    if (this.pendingFailure !== null) return Promise.reject(this.pendingFailure);
    const began = performance.now();
    if (message.type === "level") this.levels++;
    // The closures below must not capture `message` (it names the table, which may grow meanwhile).
    const startUp = message.type === "run";
    const answered = new Promise<ChunkRef[]>((resolve, reject) => {
      const phase: Phase = {
        startUp,
        active: new Set(active),
        done: new Map(),
        paused: new Map(),
        growing: null,
        resolve: () => {
          this.phase = null;
          // The run phase (building the models) is start-up: the coordinator's figure.
          if (!startUp) this.phasesMs += performance.now() - began;
          resolve(this.collect(phase));
        },
        reject: (failure) => {
          this.phase = null;
          reject(failure);
        },
      };
      this.phase = phase;
    });
    for (const worker of active) this.handles[worker]!.worker.postMessage(message);
    return answered;
  }

  /**
   * Once every running worker is paused (or done), grows the table: wakes the
   * paused ones to rehash it with this thread (parallel-protocol.ts), then
   * again when the last slice is in (grown).
   */
  private maybeGrow(phase: Phase): void {
    if (phase.paused.size === 0 || phase.paused.size + phase.done.size < phase.active.size) return;
    if (phase.growing !== null) return;
    for (const [worker, inserted] of phase.paused) this.inserted[worker] = inserted;
    const control = this.control;
    const grownSlots = grownCapacity(this.table.capacity, this.maxCapacity);
    const grownBytes = grownSlots * SHARED_SLOT_BYTES;
    if (Atomics.load(control, STOP) !== Stop.None) {
      // The search is ending (a bound, a signal, the budget): the workers wake to stop, not to grow.
    } else if (this.table.capacity >= this.maxCapacity) {
      // Workers pause only while the table may grow; should one not, the budget ends the search.
      Atomics.compareExchange(control, STOP, Stop.None, Stop.Memory);
    } else if (this.processOverBudget(grownBytes)) {
      // The grown table beside the old one would take the process past the budget.
      this.stopForProcessMemory(grownBytes);
    } else {
      try {
        const grown = SharedFingerprintSet.create(grownSlots);
        phase.growing = { table: grown, since: performance.now() };
        const growth: Growth = { table: grown.buffer, seams: startGrowth(control, this.table.capacity) };
        for (const worker of phase.paused.keys()) this.handles[worker]!.tablePort.postMessage(growth);
        Atomics.add(control, EPOCH, 1);
        Atomics.notify(control, EPOCH);
        const seams = new Int32Array(growth.seams);
        // Else a worker that finishes the growth says so later ("rehashed").
        if (rehashShare(this.table, grown, seams, control) || this.rehashedSoon()) this.grown(phase);
      } catch (error) {
        // Out of memory for the new table, or a broken table: the search ends with an error, not a hang.
        phase.reject(
          new WorkerFailure(`cannot grow the visited table: ${errorMessage(error)}`, undefined, null),
        );
      }
      return;
    }
    this.resume(phase);
  }

  /**
   * Whether the workers complete the growth within rehashWaitMs (this thread
   * blocks meanwhile): a wake-up sooner than their message, which a busy
   * machine may deliver late. A worker that dies mid-slice costs only the wait.
   */
  private rehashedSoon(): boolean {
    const control = this.control;
    const deadline = performance.now() + this.rehashWaitMs;
    for (;;) {
      const left = Atomics.load(control, REHASH_LEFT);
      if (left === 0) return true;
      const wait = deadline - performance.now();
      if (wait <= 0) return false;
      Atomics.wait(control, REHASH_LEFT, left, wait);
    }
  }

  /** The grown table holds every fingerprint: the search goes on there. */
  private grown(phase: Phase): void {
    const growing = phase.growing!;
    phase.growing = null;
    this.growthMs += performance.now() - growing.since;
    this.table = growing.table;
    this.growths++;
    this.configureTable();
    this.resume(phase);
  }

  /** Wakes the paused workers. */
  private resume(phase: Phase): void {
    const control = this.control;
    // A stop asked for during a growth: the workers get their grace from now, not from before it.
    if (this.timeoutStopAt !== null) this.timeoutStopAt = performance.now();
    Atomics.store(control, PAUSE, 0);
    phase.paused.clear();
    Atomics.add(control, EPOCH, 1);
    Atomics.notify(control, EPOCH);
  }

  /** Takes in the finished phase's reports; returns the new frontier, worker by worker. */
  private collect(phase: Phase): ChunkRef[] {
    const chunks: ChunkRef[] = [];
    const free: SharedArrayBuffer[] = [];
    const workers = [...phase.done.keys()].sort((a, b) => a - b);
    for (const worker of workers) {
      const done = phase.done.get(worker);
      if (done === undefined || done === null) continue;
      chunks.push(...done.chunks);
      free.push(...done.free);
      this.links[worker]!.add(done);
      this.distinctBy[worker] = done.distinct;
      this.generatedBy[worker] = done.generated;
      this.expandedBy[worker] = done.expanded;
      this.ampleBy[worker] = done.ampleExpansions;
      this.heapBy[worker] = done.heapUsed;
      this.workerBusyMs += done.busyMs;
      this.chunkBytesBy[worker] = done.chunkBufferBytes;
      if (done.cutOffByDepth) this.cutOffByDepth = true;
      for (const candidate of done.candidates) this.failures.offer(candidate);
    }
    this.freeBuffers = free;
    return chunks;
  }

  /** Bookkeeping at a level barrier (depth -1: after the initial states). */
  private afterPhase(depth: number, next: ChunkRef[]): void {
    let nextStates = 0;
    for (const chunk of next) nextStates += chunk.count;
    if (nextStates > 0) this.deepest = depth + 1;
    // The workers count what the frontier holds chunk by chunk (countQueue), as a level is expanded.
    this.peakQueueStates = Number(Atomics.load(this.queue, PEAK_QUEUE_STATES));
    this.peakQueueBytes = Number(Atomics.load(this.queue, PEAK_QUEUE_BYTES));
    // Buffers are made between barriers and kept for reuse, so a barrier sees their peak.
    this.peakChunkBufferBytes = Math.max(this.peakChunkBufferBytes, this.chunkBufferBytes());
    this.levelStates = nextStates;
    const stop = Atomics.load(this.control, STOP) as Stop;
    if (stop === Stop.MaxStates) this.stopReason = "max-states";
    else if (stop === Stop.Timeout) this.stopReason = "timeout";
    else if (stop === Stop.Interrupt) this.stopReason = "interrupted";
    else if (stop === Stop.Memory) {
      this.stopReason = "memory";
      this.stopMessage = this.memoryMessage ?? this.tableFullMessage();
    } else if (stop === Stop.RefSpace) {
      this.stopReason = "memory";
      this.stopMessage =
        `a worker discovered ${Math.floor(NO_STATE / this.workerCount).toLocaleString("en-US")} states, ` +
        `as many as 32-bit parent links can name with ${this.workerCount} workers`;
    }
    const best = this.failures.shortest;
    const endedEarly = best !== null && best.length <= depth + 1;
    if (depth >= 0 && stop === Stop.None && !endedEarly) this.completedDepth = depth;
    this.maybeReportProgress(true);
  }

  private tableFullMessage(): string {
    const states = this.insertedTotal();
    return (
      `memory budget of ${formatBytes(this.budget)} exhausted: the visited-state table is full ` +
      `(${states.toLocaleString("en-US")} states in ${this.table.capacity.toLocaleString("en-US")} slots, ` +
      `${formatBytes(this.table.bytes)}, at most half the budget); allow more memory to go further`
    );
  }

  /**
   * Whether the process's resident memory (main thread, worker heaps, the
   * shared table, links and frontier, the model and the runtime), plus
   * `extra` bytes about to be allocated, is past RSS_SHARE of the budget.
   */
  private processOverBudget(extra = 0): boolean {
    if (this.options.boundProcess === false) return false;
    const rss = residentBytes();
    if (rss > this.peakRss) this.peakRss = rss;
    return rss + extra > this.budget * RSS_SHARE;
  }

  /** Stops every worker for the budget, saying what the process holds. */
  private stopForProcessMemory(extra = 0): void {
    Atomics.compareExchange(this.control, STOP, Stop.None, Stop.Memory);
    if (this.memoryMessage !== null) return;
    const rss = residentBytes();
    const stores = this.usedBytes();
    const growing = extra > 0 ? `, and the visited table must grow by ${formatBytes(extra / 2)}` : "";
    this.memoryMessage =
      `memory budget of ${formatBytes(this.budget)} exhausted: the process holds ${formatBytes(rss)}` +
      ` (visited table, parent links and frontier ${formatBytes(stores)}; the rest is the worker and main` +
      ` threads' heaps, the model and the runtime)${growing}; allow more memory to go further`;
  }

  /** Parent links and frontier beyond the budget's other half: stop before running out of memory. */
  private memoryExceeded(frontier: ChunkRef[]): boolean {
    if (frontier.length > 0 && this.processOverBudget()) {
      this.stopForProcessMemory();
      this.stopReason = "memory";
      this.stopMessage = this.memoryMessage!;
      return true;
    }
    const used = this.usedBytes();
    if (used <= this.budget || frontier.length === 0) return false;
    this.stopReason = "memory";
    this.stopMessage =
      `memory budget of ${formatBytes(this.budget)} exhausted: visited table, parent links and frontier ` +
      `take ${formatBytes(used)}; allow more memory to go further`;
    return true;
  }

  private usedBytes(): number {
    let linkBytes = 0;
    for (const links of this.links) linkBytes += links.bytes;
    return this.table.bytes + linkBytes + this.chunkBufferBytes();
  }

  /** The frontier's buffers at a barrier: the workers' (free ones included) and the probe's not yet expanded. */
  private chunkBufferBytes(): number {
    return sum(this.chunkBytesBy) + this.seededBufferBytes;
  }

  private timeoutReached(): boolean {
    const timeout = this.options.timeoutMs;
    if (timeout === undefined) return false;
    if (this.now() - this.startTime < timeout) return false;
    Atomics.compareExchange(this.control, STOP, Stop.None, Stop.Timeout);
    if (this.stopReason === null) this.stopReason = "timeout";
    return true;
  }

  private tick(): void {
    const phase = this.phase;
    if (phase === null) return;
    if (this.processOverBudget()) this.stopForProcessMemory();
    if (this.timeoutReached()) {
      // A thread building the model cannot see the stop flag either, and has nothing to hand back.
      // Stopped a tick later, not at once: "ready" answers that came while this thread was busy
      // (taking in the probe's states) are read in between, and end the phase if all are in.
      if (phase.startUp) {
        if (this.timeoutSeenAtStartUp) {
          // Not every worker took a model built before the search (the stat says so).
          this.allPrepared = false;
          phase.reject(new StuckWorkers(true));
        } else this.timeoutSeenAtStartUp = true;
        return;
      }
      const now = performance.now();
      this.timeoutStopAt ??= now;
      // A worker inside a model step that never returns cannot see the stop flag
      // (while the table grows, workers see it once the growth is complete).
      if (now - this.timeoutStopAt >= STUCK_GRACE_MS && phase.growing === null) {
        phase.reject(new StuckWorkers(false));
        return;
      }
    }
    try {
      this.maybeReportProgress(false);
    } catch (error) {
      // As in checkExhaustive, an exception from onProgress ends the search and reaches the caller.
      phase.reject(new CallbackFailure(error));
    }
  }

  /** The timeout passed and some worker never came back: it was terminated. */
  private stuck(building: boolean): CheckResult<ParallelExhaustiveStats> {
    return {
      kind: "bounded",
      reason: "timeout",
      stats: this.stats(),
      message: building
        ? "the timeout passed while a worker thread was still building the model; the workers were terminated"
        : `the timeout passed and a worker did not stop within ${STUCK_GRACE_MS / 1000} s ` +
          "(a model step may not terminate); the workers were terminated",
    };
  }

  private maybeReportProgress(atBarrier: boolean): void {
    const onProgress = this.options.onProgress;
    if (onProgress === undefined) return;
    const now = this.now();
    const interval = this.options.progressIntervalMs ?? 250;
    const every = this.options.progressEveryStates ?? Number.POSITIVE_INFINITY;
    const byTime = now - this.lastProgress >= interval;
    if (!byTime && !atBarrier) return;
    const progress = this.progress();
    const byCount = atBarrier && progress.distinctStates - this.lastProgressStates >= every;
    if (!byTime && !byCount) return;
    this.lastProgress = now;
    this.lastProgressStates = progress.distinctStates;
    onProgress(progress);
  }

  private profile(): ParallelProfile {
    const own = performance.now() - this.startedAt;
    const ms = (x: number) => Math.round(Math.max(0, x) * 10) / 10;
    return {
      probeMs: ms(this.options.continueFrom?.elapsedMs ?? 0),
      coordinatorMs: ms(own - this.phasesMs),
      growthMs: ms(this.growthMs),
      phasesMs: ms(this.phasesMs - this.growthMs),
      workerBusyMs: ms(this.workerBusyMs),
      levels: this.levels,
    };
  }

  /** Real time (performance.now) when this run began, for the profile (startTime is the injectable clock's). */
  private readonly startedAt = performance.now();

  /** Time since the search began: a probe it goes on from included (its states are in the counts). */
  private elapsedMs(): number {
    return Math.max(0, this.now() - this.startTime) + (this.options.continueFrom?.elapsedMs ?? 0);
  }

  private progress(): ExhaustiveProgress {
    const stats = this.stats();
    // Worker 0's live count starts at firstLocal; the probe's states and successors are the seeded ones.
    let distinct = this.seededStates - this.firstLocal;
    let generated = this.seededGenerated;
    let expanded = 0;
    for (let w = 0; w < this.workerCount; w++) {
      const at = w * STAT_WORDS;
      distinct += this.liveStats[at + STAT_DISTINCT]!;
      generated += this.liveStats[at + STAT_GENERATED]!;
      expanded += this.liveStats[at + STAT_EXPANDED]!;
    }
    const discovered = Math.max(0, distinct - stats.distinctStates);
    return {
      ...stats,
      distinctStates: Math.max(stats.distinctStates, distinct),
      generatedStates: Math.max(stats.generatedStates, generated),
      queueStates: Math.max(0, this.levelStates - (this.phase === null ? 0 : expanded)) + discovered,
      currentDepth: this.currentDepth,
    };
  }

  private async finish(): Promise<CheckResult<ParallelExhaustiveStats>> {
    const failures = this.failures;
    if (failures.stopOnFirst && failures.shortest !== null && this.workerCount > 1) {
      const single = await this.singleThreadedFailure();
      if (single !== null) return single;
    }
    const candidates = failures.stopOnFirst ? failures.list() : failures.list().slice(0, this.maxFailures);
    return searchResult(candidates, (c) => this.traceOf(c), !failures.stopOnFirst, this.stats(), {
      stopReason: this.stopReason,
      ...(this.stopMessage !== undefined ? { stopMessage: this.stopMessage } : {}),
      cutOffByDepth: this.cutOffByDepth,
    });
  }

  /**
   * With 2+ workers, which states of the failing level were discovered before
   * the first failure, and which of several equally short failures is first,
   * depend on timing. So that a failing search reports what the
   * single-threaded explorer reports (the count, the failure and its
   * counterexample: a shortest one), that search is run on this thread to the
   * first failure, within the time left and the caller's signal; the parallel
   * search only told that there is one. Null when it did not get there (then
   * the parallel result stands).
   */
  private async singleThreadedFailure(): Promise<CheckResult<ParallelExhaustiveStats> | null> {
    const timeout = this.options.timeoutMs;
    const left = timeout === undefined ? undefined : timeout - (this.now() - this.startTime);
    if ((left !== undefined && left <= 0) || this.options.signal?.aborted) return null;
    // Within what is left of the memory budget (a bound gives no failure: the parallel result stands).
    const withinBudget = statesWithinBudget(this.budget, SINGLE_BYTES_PER_STATE)!;
    const result = await checkExhaustiveAsync(this.model!, {
      maxDepth: this.options.maxDepth,
      maxStates: Math.min(this.maxStates, withinBudget),
      partialOrder: this.options.partialOrder === true,
      ...(left !== undefined ? { timeoutMs: left } : {}),
      ...(this.options.signal !== undefined ? { signal: this.options.signal } : {}),
    });
    if (result.kind !== "violation" && result.kind !== "deadlock") return null;
    const parallel = this.stats();
    const elapsedMs = this.elapsedMs();
    const seconds = elapsedMs / 1000;
    const figures = result.stats as ExhaustiveStats;
    const stats: ParallelExhaustiveStats = {
      ...parallel,
      ...figures,
      elapsedMs,
      distinctStatesPerSecond: seconds > 0 ? figures.distinctStates / seconds : 0,
      generatedStatesPerSecond: seconds > 0 ? figures.generatedStates / seconds : 0,
      workers: parallel.workers,
      visitedSetCapacity: parallel.visitedSetCapacity,
      visitedSetLoad: parallel.visitedSetLoad,
      visitedSetGrowths: parallel.visitedSetGrowths,
      memoryBudgetBytes: parallel.memoryBudgetBytes,
      peakRssBytes: parallel.peakRssBytes,
      seededStates: parallel.seededStates,
    };
    return { ...result, stats };
  }

  private error(
    message: string,
    error: unknown,
    stateRef: number | null,
  ): CheckResult<ParallelExhaustiveStats> {
    const detail = error instanceof WorkerFailure ? error.detail : stackOf(error);
    const traceTo =
      stateRef === null || stateRef === NO_STATE || this.model === null
        ? null
        : () => this.traceOf({ failure: NO_FAILURE, stateRef, extraStep: null, length: 0 });
    return errorResult(message, detail, this.stats(), traceTo);
  }

  /** Rebuilds the steps to a candidate by replaying the emission each parent link names (refs name a worker's link). */
  private traceOf(candidate: Candidate): Trace {
    const workers = this.workerCount;
    const links = this.links;
    const byRef: ParentLinks = {
      parentOf: (ref) => links[ref % workers]!.parentOf(Math.floor(ref / workers)),
      refOf: (ref) => links[ref % workers]!.refOf(Math.floor(ref / workers)),
    };
    return rebuildTrace(this.model!, emissionPath(byRef, candidate.stateRef), candidate.extraStep).trace;
  }

  private stats(): ParallelExhaustiveStats {
    let parentLinkBytes = 0;
    for (const links of this.links) parentLinkBytes += links.bytes;
    const partialOrder = this.model !== null && usesPartialOrder(this.model, this.options);
    return exhaustiveStats(
      {
        distinct: sum(this.distinctBy) + this.seededStates - this.firstLocal,
        generated: sum(this.generatedBy) + this.seededGenerated,
        deepest: this.deepest,
        elapsedMs: this.elapsedMs(),
        completedDepth: this.completedDepth,
        visitedSetBytes: this.table.bytes,
        parentLinkBytes,
        peakQueueStates: this.peakQueueStates,
        peakQueueBytes: this.peakQueueBytes,
        heapUsedBytes: getHeapStatistics().used_heap_size + sum(this.heapBy),
        partialOrder: partialOrder
          ? { expanded: sum(this.expandedBy), ampleExpansions: sum(this.ampleBy) }
          : null,
      },
      {
        workers: this.workerCount,
        visitedSetCapacity: this.table.capacity,
        visitedSetLoad: this.insertedTotal() / this.table.capacity,
        visitedSetGrowths: this.growths,
        memoryBudgetBytes: this.budget,
        peakRssBytes: this.peakRss,
        seededStates: this.seededStates,
        peakChunkBufferBytes: this.peakChunkBufferBytes,
        workersPrepared: this.allPrepared,
        profile: this.profile(),
      },
    );
  }
}

/**
 * Explores every reachable state breadth-first on `options.workers` worker
 * threads, each building its model from `factory`. Same options and result as
 * checkExhaustive, plus a memory budget (`memoryBytes`). Never throws for
 * model errors or worker crashes: those give `{ kind: "error" }`; the workers
 * are terminated before the promise settles. A worker's model that asks the
 * search to start over (core.ts SearchRestart) is let through, as
 * checkExhaustive lets it through: thrown as the coordinator's model's
 * (Model.restartAfter), for checkModel to run the check again. To run several searches on the
 * same threads, use a ParallelExplorer.
 */
export async function checkExhaustiveParallel(
  factory: ModelFactory,
  options: ParallelExhaustiveOptions,
): Promise<CheckResult<ParallelExhaustiveStats>> {
  const explorer = new ParallelExplorer(options.workers);
  try {
    return await explorer.check(factory, options);
  } finally {
    await explorer.close();
  }
}
