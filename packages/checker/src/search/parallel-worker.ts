// One worker of the parallel explorer (see parallel-explorer.ts). It builds
// its own model from the factory, then expands the frontier chunks it claims
// level by level: successors are deduplicated in the shared fingerprint table,
// and the new ones go to this worker's chunk buffers with a parent link each.
// The expansion of a state is the search core's (expansion.ts), as in
// bfs-explorer.ts, so the verdicts and counts are the same.
import { getHeapStatistics } from "node:v8";
import { type MessagePort, parentPort, receiveMessageOnPort, workerData } from "node:worker_threads";
import { errorMessage } from "../errors.js";
import type { Json, Model } from "../model.js";
import { loadModelFromFactory } from "../model-factory.js";
import { DeltaReader, DeltaWriter, MAX_DELTA_HEADER } from "../store/delta-frame.js";
import type { FrameCursor } from "../store/frame.js";
import { ParentLinkTable } from "../store/parent-links.js";
import { SharedFingerprintSet } from "../store/shared-fingerprint-set.js";
import { NO_STATE, SearchRestart, SearchStopped } from "./core.js";
import { Expansion } from "./expansion.js";
import {
  BEST_LENGTH,
  BLOCK,
  CAN_GROW,
  type ChunkRef,
  countQueue,
  DISTINCT,
  EPOCH,
  type FromWorker,
  type Growth,
  LIMIT,
  LINK_CHUNK_BITS,
  NEXT_CHUNK,
  NO_LENGTH,
  PAUSE,
  RESERVED,
  rehashShare,
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

/** Expansions between two updates of the live figures. */
const PUBLISH_EVERY = 1024;

class WorkerSearch extends Expansion<unknown, Json, SharedFingerprintSet> {
  private readonly port: NonNullable<typeof parentPort>;
  private readonly tablePort: MessagePort;
  private readonly run: number;
  private readonly id: number;
  private readonly workers: number;
  private readonly control: Int32Array;
  private readonly liveStats: Float64Array;
  private readonly queue: BigInt64Array;
  private readonly statsAt: number;
  private readonly maxStates: number;
  private readonly countExactly: boolean;
  private readonly chunkBytes: number;
  private readonly chunkStates: number;
  /** This worker's parent links, in shared chunks the coordinator reads for counterexamples. */
  private readonly links: ParentLinkTable;
  /** Link chunks already sent to the coordinator. */
  private linkChunksSent = 0;

  private credits = 0;
  private inserted = 0;
  private expandedInLevel = 0;
  /** States this worker discovered: also the local index of the next one. */
  private distinct = 0;
  /** Local indexes from here on would give refs that do not fit in 32 bits. */
  private readonly maxLocal: number;

  // Frontier chunks this worker writes, each entry a delta against the one
  // before in its chunk (a chunk is read from its start by the one worker
  // that claims it). Once that worker has expanded a chunk nothing reads it
  // again (counterexamples come from the parent links), so the buffer joins
  // that worker's free buffers (shared out among the workers again at each
  // barrier): the frontier holds about one level, not the level being
  // expanded and the next.
  private readonly deltas = new DeltaWriter();
  private readonly reader = new DeltaReader();
  private writeBuffer: SharedArrayBuffer | null = null;
  private writeView: Uint8Array | null = null;
  private writePos = 0;
  private chunkFirst = 0;
  private chunkCount = 0;
  private levelChunks: ChunkRef[] = [];
  /** Buffers of chunkBytes, free to write. */
  private readonly freeBuffers: SharedArrayBuffer[] = [];
  private freeBytes = 0;
  /** Bytes of the buffers written in this level: the next level's chunks, this worker's until sent. */
  private writtenBytes = 0;

  constructor(
    model: Model<unknown, Json>,
    start: WorkerStart,
    config: RunConfig,
    port: NonNullable<typeof parentPort>,
  ) {
    // The visited set is the shared table (attached again after the coordinator
    // grows it). The cycle proviso (partial-order reduction) applies to it: a state
    // another worker discovered in the same level counts as a revisit (ADR 0008).
    super(model, SharedFingerprintSet.attach(config.table), config);
    this.port = port;
    this.tablePort = start.tablePort;
    this.run = config.run;
    this.id = start.id;
    this.workers = start.workers;
    this.control = new Int32Array(config.control);
    this.liveStats = new Float64Array(config.stats);
    this.queue = new BigInt64Array(config.queue);
    this.statsAt = start.id * STAT_WORDS;
    this.maxStates = config.maxStates;
    this.countExactly = Number.isFinite(config.maxStates);
    this.chunkBytes = config.chunkBytes;
    this.chunkStates = config.chunkStates;
    this.maxLocal = Math.floor((NO_STATE - 1 - start.id) / start.workers);
    this.links = new ParentLinkTable(
      LINK_CHUNK_BITS,
      start.workers,
      start.id,
      (words) => new Uint32Array(new SharedArrayBuffer(words * 4)),
    );
    // Going on from a probe: its states are worker 0's first local indexes (parallel-explorer.ts seedFrom).
    if (start.id === 0 && config.firstLocal > 0) {
      this.distinct = config.firstLocal;
      this.links.skipTo(config.firstLocal);
      this.linkChunksSent = this.links.chunkCount;
    }
  }

  private post(message: FromWorker): void {
    this.port.postMessage(message);
  }

  /** Table slots for new states are reserved in blocks: see reserve(). */
  protected override admit(): boolean {
    return this.credits > 0 || this.reserve();
  }

  protected discover(state: unknown, emissionRef: number): number {
    this.credits--;
    this.inserted++;
    if (this.countExactly && Atomics.add(this.control, DISTINCT, 1) >= this.maxStates) {
      this.stop(Stop.MaxStates);
      throw new SearchStopped();
    }
    if (this.distinct >= this.maxLocal) {
      this.stop(Stop.RefSpace);
      throw new SearchStopped();
    }
    const local = this.distinct++;
    this.links.push(this.expandingRef, emissionRef);
    // Encoded only now: most successors are already known.
    this.write(this.model.encode(state), local);
    return local * this.workers + this.id;
  }

  /** A shorter failure: the others skip states that cannot give one as short (BEST_LENGTH). */
  protected override onShorter(length: number): void {
    const control = this.control;
    for (;;) {
      const known = Atomics.load(control, BEST_LENGTH);
      if (known <= length || Atomics.compareExchange(control, BEST_LENGTH, known, length) === known) break;
    }
  }

  /** Every few emitted successors: a stop (timeout, interrupt, another worker's bound) cuts the expansion short. */
  protected override checkpoint(): void {
    if (Atomics.load(this.control, STOP) !== Stop.None) {
      this.halt();
      throw new SearchStopped();
    }
  }

  private stop(reason: Stop): void {
    Atomics.compareExchange(this.control, STOP, Stop.None, reason);
    this.halt();
  }

  /**
   * Reserves table slots for new states. When the table is at its maximum
   * load, either pauses until the coordinator has grown it, or (at the memory
   * budget) stops the search and returns false.
   */
  private reserve(): boolean {
    const control = this.control;
    for (;;) {
      if (Atomics.load(control, STOP) !== Stop.None) {
        this.halt();
        return false;
      }
      const limit = Atomics.load(control, LIMIT);
      const block = Atomics.load(control, BLOCK);
      const before = Atomics.add(control, RESERVED, block);
      if (before < limit) {
        this.credits = Math.min(block, limit - before);
        return true;
      }
      if (Atomics.load(control, CAN_GROW) === 0) {
        this.stop(Stop.Memory);
        return false;
      }
      Atomics.compareExchange(control, PAUSE, 0, 1);
      this.pause();
    }
  }

  /**
   * Blocks until the coordinator has grown the table (or is shutting down),
   * rehashing a share of it meanwhile: that share is work, not pause.
   */
  private pause(): void {
    const pausedAt = performance.now();
    const control = this.control;
    const epoch = Atomics.load(control, EPOCH);
    this.publish();
    this.post({ type: "paused", run: this.run, worker: this.id, inserted: this.inserted });
    Atomics.wait(control, EPOCH, epoch);
    let rehashMs = 0;
    const received = receiveMessageOnPort(this.tablePort);
    if (received !== undefined) {
      const growth = received.message as Growth;
      const grown = SharedFingerprintSet.attach(growth.table);
      const rehashing = performance.now();
      if (rehashShare(this.visited, grown, new Int32Array(growth.seams), control)) {
        this.post({ type: "rehashed", run: this.run, worker: this.id });
      }
      rehashMs = performance.now() - rehashing;
      this.visited = grown;
      // The coordinator bumps EPOCH again once every slice is in (or to shut down).
      Atomics.wait(control, EPOCH, (epoch + 1) | 0);
    }
    // Unused reservations were forgotten when the coordinator recounted the table.
    this.credits = 0;
    this.pausedMs += performance.now() - pausedAt - rehashMs;
  }

  /** When the current phase began, and how long it was paused for table growth (LevelDone.busyMs). */
  private phaseStart = 0;
  private pausedMs = 0;

  private startPhase(): void {
    this.phaseStart = performance.now();
    this.pausedMs = 0;
  }

  private write(bytes: Uint8Array, local: number): void {
    const size = bytes.length;
    if (
      this.writeView === null ||
      this.writePos + MAX_DELTA_HEADER + size > this.writeView.length ||
      this.chunkCount >= this.chunkStates
    ) {
      this.startChunk(size, local);
    }
    this.writePos = this.deltas.write(this.writeView!, this.writePos, bytes);
    this.chunkCount++;
  }

  private startChunk(entrySize: number, local: number): void {
    this.finishChunk();
    const needed = entrySize + MAX_DELTA_HEADER;
    let buffer = needed <= this.chunkBytes ? this.freeBuffers.pop() : undefined;
    if (buffer === undefined) buffer = new SharedArrayBuffer(Math.max(this.chunkBytes, needed));
    else this.freeBytes -= buffer.byteLength;
    this.writtenBytes += buffer.byteLength;
    this.writeBuffer = buffer;
    this.writeView = new Uint8Array(buffer);
    this.writePos = 0;
    this.chunkFirst = local;
    this.chunkCount = 0;
    this.deltas.reset();
  }

  private finishChunk(): void {
    // A chunk is started only for a state written at once: never empty.
    if (this.writeBuffer !== null) {
      this.levelChunks.push({
        buffer: this.writeBuffer,
        bytes: this.writePos,
        owner: this.id,
        first: this.chunkFirst,
        count: this.chunkCount,
      });
      countQueue(this.queue, this.chunkCount, this.writePos);
    }
    this.writeBuffer = null;
    this.writeView = null;
    this.chunkCount = 0;
  }

  /**
   * A chunk this worker has expanded (whoever wrote it): nothing reads it
   * again, so its buffer may hold new states. Only buffers of chunkBytes are
   * kept: a bigger one was made for one large state, the probe's are cut to size.
   */
  private release(chunk: ChunkRef): void {
    countQueue(this.queue, -chunk.count, -chunk.bytes);
    if (chunk.buffer.byteLength === this.chunkBytes) this.keep(chunk.buffer);
  }

  private keep(buffer: SharedArrayBuffer): void {
    this.freeBuffers.push(buffer);
    this.freeBytes += buffer.byteLength;
  }

  private publish(): void {
    const at = this.statsAt;
    this.liveStats[at + STAT_DISTINCT] = this.distinct;
    this.liveStats[at + STAT_GENERATED] = this.generated;
    this.liveStats[at + STAT_EXPANDED] = this.expandedInLevel;
  }

  handle(message: Exclude<ToWorker, { type: "run" | "prepare" }>): void {
    if (message.type === "init") {
      this.runInit();
      return;
    }
    // Taken out of the message, which lives as long as the level: a table grown
    // during the level must not keep the old one alive (it may be the biggest thing here).
    if (message.table === null) throw new Error("internal: a level message handled twice");
    this.visited = SharedFingerprintSet.attach(message.table);
    message.table = null;
    this.runLevel(message.depth, message.chunks, message.free);
  }

  private runInit(): void {
    this.startPhase();
    this.credits = 0;
    try {
      this.emitInitial();
    } catch (error) {
      if (error instanceof SearchStopped) {
        this.levelDone();
        return;
      }
      this.fail(`model threw while computing initial states: ${errorMessage(error)}`, error, null);
      return;
    }
    this.levelDone();
  }

  private runLevel(depth: number, chunks: ChunkRef[], free: SharedArrayBuffer[]): void {
    this.startPhase();
    for (let i = this.id; i < free.length; i += this.workers) this.keep(free[i]!);
    this.credits = 0;
    this.expandedInLevel = 0;
    this.startLevel();
    const control = this.control;
    const workers = this.workers;
    let sincePublish = 0;
    let ref = NO_STATE;
    try {
      // Claims go round the workers' shares of the level (claim k: share k % workers), so
      // workers expand states far apart. Neighbours share successors: two workers on
      // neighbouring chunks would each write every other one, whose deltas are larger.
      const share = Math.ceil(chunks.length / workers);
      const claims = share * workers;
      claim: for (;;) {
        const claimed = Atomics.add(control, NEXT_CHUNK, 1);
        if (claimed >= claims) break;
        const at = (claimed % workers) * share + Math.floor(claimed / workers);
        if (at >= chunks.length) continue;
        const chunk = chunks[at]!;
        const view = new Uint8Array(chunk.buffer, 0, chunk.bytes);
        const cursor: FrameCursor = { pos: 0 };
        this.reader.reset();
        for (let i = 0; i < chunk.count; i++) {
          if (Atomics.load(control, STOP) !== Stop.None) break claim;
          if (Atomics.load(control, PAUSE) !== 0) this.pause();
          const bestLength = Atomics.load(control, BEST_LENGTH);
          // Failures found from here on are no shorter than the best one.
          if (bestLength <= depth + 1) break claim;
          const bytes = this.reader.read(view, cursor);
          ref = (chunk.first + i) * workers + chunk.owner;
          this.enter(ref, depth, bestLength !== NO_LENGTH);
          this.expandState(this.model.decode(bytes));
          this.expandedInLevel++;
          if (++sincePublish >= PUBLISH_EVERY) {
            sincePublish = 0;
            this.publish();
          }
        }
        this.release(chunk);
      }
    } catch (error) {
      if (error instanceof SearchStopped) {
        this.levelDone();
        return;
      }
      this.fail(`model threw while expanding a state at depth ${depth}: ${errorMessage(error)}`, error, ref);
      return;
    }
    this.levelDone();
  }

  private levelDone(): void {
    this.finishChunk();
    this.publish();
    const links = this.links;
    this.post({
      type: "level-done",
      run: this.run,
      worker: this.id,
      chunks: this.levelChunks,
      // The free buffers go back to be shared out: which worker writes most new states varies.
      free: this.freeBuffers.splice(0),
      linkWords: links.chunksFrom(this.linkChunksSent).map((chunk) => chunk.buffer as SharedArrayBuffer),
      linkOverflow: links.takeOverflow(),
      candidates: this.failures.takeChanged(),
      inserted: this.inserted,
      distinct: this.distinct,
      generated: this.generated,
      expanded: this.expanded,
      ampleExpansions: this.ampleExpansions,
      cutOffByDepth: this.cutOffByDepth,
      chunkBufferBytes: this.freeBytes + this.writtenBytes,
      heapUsed: getHeapStatistics().used_heap_size,
      busyMs: performance.now() - this.phaseStart - this.pausedMs,
    });
    // The buffers sent are counted from now on by the workers that expand the chunks or take the free ones.
    this.levelChunks = [];
    this.writtenBytes = 0;
    this.freeBytes = 0;
    this.linkChunksSent = links.chunkCount;
  }

  /**
   * The model threw: reported to the coordinator, which stops the others. A
   * SearchRestart is sent as its reason, marked `restart`: the coordinator
   * throws its own model's (Model.restartAfter).
   */
  private fail(message: string, error: unknown, stateRef: number | null): void {
    if (error instanceof SearchRestart) {
      this.post({
        type: "error",
        run: this.run,
        worker: this.id,
        message: error.message,
        stateRef: null,
        restart: true,
      });
      return;
    }
    const report: FromWorker = { type: "error", run: this.run, worker: this.id, message, stateRef };
    if (error instanceof Error && error.stack !== undefined) report.detail = error.stack;
    this.post(report);
  }
}

/** Builds the model for a new search; a factory failure is reported, not thrown. */
async function buildSearch(
  start: WorkerStart,
  config: RunConfig,
  port: NonNullable<typeof parentPort>,
  prepared: Promise<Model<unknown, Json>> | null,
): Promise<WorkerSearch | null> {
  // A table sent during an earlier search that ended early must not be taken for this one's.
  while (receiveMessageOnPort(start.tablePort) !== undefined) {}
  try {
    const model = await (prepared ?? loadModelFromFactory(config.factory, { preferTsx: true }));
    return new WorkerSearch(model, start, config, port);
  } catch (error) {
    const report: FromWorker = {
      type: "error",
      run: config.run,
      worker: start.id,
      message: `worker ${start.id} cannot build the model: ${errorMessage(error)}`,
      stateRef: null,
    };
    port.postMessage(report);
    return null;
  }
}

function main(): void {
  const port = parentPort;
  if (port === null) throw new Error("parallel-worker: must run in a worker thread");
  const start = workerData as WorkerStart;
  let search: WorkerSearch | null = null;
  /** The model a "prepare" is building; a failure surfaces when the run awaits it. */
  let prepared: Promise<Model<unknown, Json>> | null = null;
  port.on("message", (message: ToWorker) => {
    if (message.type === "prepare") {
      prepared = loadModelFromFactory(message.factory, { preferTsx: true });
      prepared.catch(() => {}); // reported by the run that uses it
      return;
    }
    if (message.type !== "run") {
      search?.handle(message);
      return;
    }
    search = null;
    const model = message.config.prepared ? prepared : null;
    prepared = null;
    void buildSearch(start, message.config, port, model).then((built) => {
      if (built === null) return;
      search = built;
      // The search's other messages come only after this answer, so never before the model is built.
      port.postMessage({
        type: "ready",
        run: message.config.run,
        worker: start.id,
        prepared: model !== null,
      } satisfies FromWorker);
    });
  });
}

main();
