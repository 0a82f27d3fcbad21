// What the parallel explorer's coordinator (main thread) and its workers share:
// the layout of the control words in shared memory and the messages they post.
//
// A state is named by a 32-bit "ref": localIndex * workers + worker, where
// localIndex counts the states that worker discovered. A ref locates the
// state's parent link without any global numbering step at the level barrier.
//
// Growing the shared table: once every worker in the phase has paused (PAUSE)
// or finished, the coordinator sends the grown table to each paused one
// (tablePort) and bumps EPOCH; they and the coordinator rehash slices of the
// old table into it, and the one that finishes the last slice then inserts
// the seams where slices meet (rehashShare). Once that is done (the
// coordinator waits a while for REHASH_LEFT to reach 0, then for the
// "rehashed" message of the worker that did it), the coordinator sets the new
// limits and bumps EPOCH again: the workers resume on the grown table.
// Workers that finished the phase take no share: they would join through
// their message loop, maybe after the growth (a late one must then not claim
// the next growth's slices), and a growth rarely falls in a level's last
// moments.
import type { MessagePort } from "node:worker_threads";
import type { ModelFactory } from "../model-factory.js";
import type { OverflowLink } from "../store/parent-links.js";
import type { SharedFingerprintSet } from "../store/shared-fingerprint-set.js";
import type { Candidate } from "./core.js";

// The parent of the initial states (and the ref of "no state") is core.ts's NO_STATE.
/** Parent links are stored in shared chunks of 2^LINK_CHUNK_BITS states (4 bytes each, see parent-links.ts). */
export const LINK_CHUNK_BITS = 14;
/** No failure found yet (the initial value of BEST_LENGTH). */
export const NO_LENGTH = 0x7fffffff;

// Control words (Int32Array over a SharedArrayBuffer). Words written often by
// workers sit on their own 64-byte cache lines so the flags every worker reads
// before each state stay in every core's cache.
/** Why workers must stop: one of the Stop codes. Set once; never cleared. */
export const STOP = 0;
/** 1 while the coordinator wants every worker to pause (to grow the table). */
export const PAUSE = 1;
/** Bumped (and notified) to wake paused workers. */
export const EPOCH = 2;
/** Length of the shortest failure found so far (stopOnFirst), else NO_LENGTH. */
export const BEST_LENGTH = 3;
/** Table slots that may be reserved before the table is "full" (its maximum load). */
export const LIMIT = 4;
/** 1 when the table may still grow (else a full table stops the search). */
export const CAN_GROW = 5;
/** Slots a worker reserves at once. */
export const BLOCK = 6;
/** Growth: the next slice of the old table to rehash (see rehashShare). */
export const REHASH_NEXT = 7;
/** Growth: slices not yet rehashed, plus one until the seams are in (see startGrowth). */
export const REHASH_LEFT = 8;
/** Claims made in the current level (each names a frontier chunk: parallel-worker.ts runLevel). */
export const NEXT_CHUNK = 16;
/** Table slots reserved so far (may overshoot LIMIT: failed reservations are not returned). */
export const RESERVED = 32;
/** States accepted, counted exactly when maxStates is set. */
export const DISTINCT = 48;
export const CONTROL_WORDS = 64;

/**
 * Old-table slots per slice of a parallel rehash: a tenth of a millisecond or
 * so each, for one claim, so threads finish close together.
 */
export const REHASH_SLICE_SLOTS = 1 << 12;

/** Slices of a parallel rehash of a table of `capacity` slots. */
export function rehashSlices(capacity: number): number {
  return Math.ceil(capacity / REHASH_SLICE_SLOTS);
}

/** The grown table, and where each slice's seam begins (rehashSlice's answers, an Int32Array). */
export interface Growth {
  table: SharedArrayBuffer;
  seams: SharedArrayBuffer;
}

/** Sets up the growth of a table of `capacity` slots, before any thread takes a share. */
export function startGrowth(control: Int32Array, capacity: number): Growth["seams"] {
  Atomics.store(control, REHASH_NEXT, 0);
  // One more than the slices: the seams, which the thread that finishes the last slice inserts.
  Atomics.store(control, REHASH_LEFT, rehashSlices(capacity) + 1);
  return new SharedArrayBuffer(rehashSlices(capacity) * 4);
}

/**
 * One thread's share of growing the table: claims slices of `from` through
 * REHASH_NEXT and rehashes them into `into`, until none is left. The paused
 * workers and the coordinator all call it; slices are claimed one at a time
 * so a thread that the machine runs slower takes fewer. The thread that
 * finishes the last slice inserts the seams (where slices meet, a small part)
 * alone, then sets REHASH_LEFT to 0: true for that thread (the growth is
 * complete).
 */
export function rehashShare(
  from: SharedFingerprintSet,
  into: SharedFingerprintSet,
  seams: Int32Array,
  control: Int32Array,
): boolean {
  const capacity = from.capacity;
  const slices = rehashSlices(capacity);
  const sliceAt = (slice: number) => Math.min(capacity, slice * REHASH_SLICE_SLOTS);
  for (;;) {
    const slice = Atomics.add(control, REHASH_NEXT, 1);
    if (slice >= slices) return false;
    seams[slice] = from.rehashSlice(into, sliceAt(slice), sliceAt(slice + 1));
    if (Atomics.sub(control, REHASH_LEFT, 1) === 2) {
      for (let s = 0; s < slices; s++) from.rehashSeam(into, sliceAt(s), sliceAt(s + 1), seams[s]!);
      Atomics.store(control, REHASH_LEFT, 0);
      Atomics.notify(control, REHASH_LEFT);
      return true;
    }
  }
}

export enum Stop {
  None = 0,
  MaxStates = 1,
  Memory = 2,
  Timeout = 3,
  /** The coordinator is shutting down (error elsewhere, end of search). */
  Abort = 4,
  /** A worker has discovered as many states as 32-bit refs can name. */
  RefSpace = 5,
  /** The caller aborted the search (its AbortSignal: Ctrl-C). */
  Interrupt = 6,
}

// What the frontier holds (BigInt64Array over its own SharedArrayBuffer: bytes
// may pass 2^31), counted a chunk at a time: a chunk from when its writer
// finishes it until the worker that claimed it has expanded it.
export const QUEUE_STATES = 0;
export const QUEUE_BYTES = 1;
export const PEAK_QUEUE_STATES = 2;
export const PEAK_QUEUE_BYTES = 3;
export const QUEUE_WORDS = 4;

/** Counts a chunk into the frontier (states and bytes > 0) or out of it (< 0), raising the peaks. */
export function countQueue(queue: BigInt64Array, states: number, bytes: number): void {
  const nowStates = Atomics.add(queue, QUEUE_STATES, BigInt(states)) + BigInt(states);
  const nowBytes = Atomics.add(queue, QUEUE_BYTES, BigInt(bytes)) + BigInt(bytes);
  if (states > 0) {
    raise(queue, PEAK_QUEUE_STATES, nowStates);
    raise(queue, PEAK_QUEUE_BYTES, nowBytes);
  }
}

function raise(words: BigInt64Array, at: number, value: bigint): void {
  for (;;) {
    const known = Atomics.load(words, at);
    if (known >= value || Atomics.compareExchange(words, at, known, value) === known) return;
  }
}

// Live figures per worker (Float64Array over a SharedArrayBuffer, approximate, for progress).
export const STAT_DISTINCT = 0;
export const STAT_GENERATED = 1;
/** States expanded in the current level. */
export const STAT_EXPANDED = 2;
export const STAT_WORDS = 4;

/** A run of encoded states in a shared buffer: [LEB128 length][bytes] each (store/frame.ts). */
export interface ChunkRef {
  buffer: SharedArrayBuffer;
  /** Bytes used. */
  bytes: number;
  /** The worker that discovered these states. */
  owner: number;
  /** Local index of the first state (the others follow consecutively). */
  first: number;
  count: number;
}

/** workerData of a worker thread: fixed for its life. */
export interface WorkerStart {
  id: number;
  workers: number;
  /** Receives a new table synchronously while the worker is paused, to rehash its share into (rehashShare). */
  tablePort: MessagePort;
}

/** One search: the worker builds a fresh model and search state for it. */
export interface RunConfig {
  run: number;
  factory: ModelFactory;
  control: SharedArrayBuffer;
  stats: SharedArrayBuffer;
  /** The frontier's figures (QUEUE_STATES...). */
  queue: SharedArrayBuffer;
  table: SharedArrayBuffer;
  maxDepth: number;
  maxStates: number;
  stopOnFirst: boolean;
  maxFailures: number;
  chunkBytes: number;
  chunkStates: number;
  /** Partial-order reduction: expand with the model's ample sets (see bfs-explorer.ts). */
  partialOrder: boolean;
  /** Worker 0's first local index (a multiple of the link chunk size): the probe's states come before it; 0 when none. */
  firstLocal: number;
  /** The model is the one the last "prepare" built from the same factory (not built again). */
  prepared: boolean;
}

export type ToWorker =
  /** Build the model of the next search now (while the coordinator's probe runs); no answer. */
  | { type: "prepare"; factory: ModelFactory }
  /** Start a search: build the model (or take the prepared one), then answer "ready". */
  | { type: "run"; config: RunConfig }
  /** Emit the initial states (worker 0 only). */
  | { type: "init" }
  /**
   * Expand the states at `depth` in `chunks`, claiming chunks through NEXT_CHUNK.
   * `free`: the workers' free chunk buffers, shared out again (worker w takes
   * every workers-th from index w), so none runs short while another keeps spares.
   */
  | {
      type: "level";
      depth: number;
      chunks: ChunkRef[];
      free: SharedArrayBuffer[];
      /** The table now (set to null by the worker once attached: it must not outlive a growth). */
      table: SharedArrayBuffer | null;
    };

export interface LevelDone {
  type: "level-done";
  run: number;
  worker: number;
  /** States discovered in this level, in discovery order. */
  chunks: ChunkRef[];
  /** This worker's free chunk buffers, handed back to be shared out with the next level. */
  free: SharedArrayBuffer[];
  /** Parent-link chunks started in this level (Uint32 link words, see parent-links.ts). */
  linkWords: SharedArrayBuffer[];
  /** Links that do not fit a word, found in this level. */
  linkOverflow: OverflowLink[];
  /** stopOnFirst: this worker's best failure if it improved; else the failures new or shortened in this level. */
  candidates: Candidate[];
  /** Cumulative figures of this worker. */
  inserted: number;
  distinct: number;
  generated: number;
  /** Partial-order reduction only: states expanded, and how many with an ample set alone. */
  expanded: number;
  ampleExpansions: number;
  /** A state beyond maxDepth (or a failing step from the last level) was cut off. */
  cutOffByDepth: boolean;
  /** Bytes of frontier chunk buffers this worker held: `free` and those of `chunks` (from then on, the expanding worker's). */
  chunkBufferBytes: number;
  heapUsed: number;
  /**
   * Milliseconds this phase spent working: from its message to this report,
   * less pauses for table growth; the worker's share of the rehash during a
   * pause (rehashShare) is work and counts.
   */
  busyMs: number;
}

/** Every message names the search it belongs to, so a late one from an earlier search is ignored. */
export type FromWorker =
  /** prepared: the worker took the model a "prepare" built. */
  | { type: "ready"; run: number; worker: number; prepared: boolean }
  | LevelDone
  | { type: "paused"; run: number; worker: number; inserted: number }
  /** This worker completed a growth (its last slice and the seams): the coordinator may wake everyone. */
  | { type: "rehashed"; run: number; worker: number }
  | {
      type: "error";
      run: number;
      worker: number;
      message: string;
      detail?: string;
      stateRef: number | null;
      /** The model asked the search to start over (core.ts SearchRestart): `message` is why; the coordinator's model says on what (Model.restartAfter). */
      restart?: true;
    };
