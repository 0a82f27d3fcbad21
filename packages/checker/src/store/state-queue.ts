// The BFS frontier as a FIFO of encoded states in large byte chunks, each entry
// written as a delta against the entry before it (delta-frame.ts: siblings
// share most of their bytes).
// Millions of small Uint8Arrays would cost ~100 bytes of object overhead each
// and churn the GC; chunks cost nothing per entry and are released as soon as
// the reader has moved past them.
import { DeltaReader, DeltaWriter, MAX_DELTA_HEADER } from "./delta-frame.js";
import type { FrameCursor } from "./frame.js";

const DEFAULT_CHUNK_BYTES = 4 * 1024 * 1024;

export class StateQueue {
  private readonly chunkBytes: number;
  /** Chunks from the reader's chunk to the writer's; consumed chunks are dropped. */
  private chunks: Uint8Array[] = [];
  /** Bytes written in each chunk (parallel to `chunks`). */
  private ends: number[] = [];
  private head = 0;
  /** Where the next entry of the head chunk starts. */
  private readonly read: FrameCursor = { pos: 0 };
  private readonly writer = new DeltaWriter();
  private readonly reader = new DeltaReader();
  private writePos = 0;
  private writeChunk: Uint8Array;
  /** One consumed chunk kept for reuse, so a steady-state queue allocates nothing. */
  private spare: Uint8Array | null = null;
  private entries = 0;
  private liveBytes = 0;
  private peakEntriesSeen = 0;
  private peakBytesSeen = 0;

  constructor(chunkBytes = DEFAULT_CHUNK_BYTES) {
    this.chunkBytes = chunkBytes;
    this.writeChunk = new Uint8Array(chunkBytes);
    this.chunks.push(this.writeChunk);
    this.ends.push(0);
  }

  /** Number of entries waiting. */
  get length(): number {
    return this.entries;
  }

  /** Bytes of entries waiting (as written: deltas with their headers). */
  get bytes(): number {
    return this.liveBytes;
  }

  /** Bytes of chunk memory currently held. */
  get allocatedBytes(): number {
    let total = this.spare === null ? 0 : this.spare.byteLength;
    for (let i = this.head; i < this.chunks.length; i++) total += this.chunks[i]!.byteLength;
    return total;
  }

  get peakLength(): number {
    return this.peakEntriesSeen;
  }

  get peakBytes(): number {
    return this.peakBytesSeen;
  }

  /** Appends a copy of `entry`. */
  push(entry: Uint8Array): void {
    const size = entry.length;
    if (this.writePos + MAX_DELTA_HEADER + size > this.writeChunk.length) this.startChunk(size);
    const start = this.writePos;
    const pos = this.writer.write(this.writeChunk, start, entry);
    this.writePos = pos;
    this.ends[this.ends.length - 1] = pos;
    this.entries++;
    this.liveBytes += pos - start;
    if (this.entries > this.peakEntriesSeen) this.peakEntriesSeen = this.entries;
    if (this.liveBytes > this.peakBytesSeen) this.peakBytesSeen = this.liveBytes;
  }

  /**
   * Removes the oldest entry and returns a view of it, valid until the next
   * `shift`. Undefined when the queue is empty.
   */
  shift(): Uint8Array | undefined {
    if (this.entries === 0) return undefined;
    const read = this.read;
    if (read.pos >= this.ends[this.head]!) this.releaseHead();
    const start = read.pos;
    const view = this.reader.read(this.chunks[this.head]!, read);
    this.entries--;
    this.liveBytes -= read.pos - start;
    return view;
  }

  private startChunk(entrySize: number): void {
    const needed = entrySize + MAX_DELTA_HEADER;
    let chunk: Uint8Array;
    if (needed <= this.chunkBytes && this.spare !== null) {
      chunk = this.spare;
      this.spare = null;
    } else {
      chunk = new Uint8Array(Math.max(this.chunkBytes, needed));
    }
    this.chunks.push(chunk);
    this.ends.push(0);
    this.writeChunk = chunk;
    this.writePos = 0;
  }

  private releaseHead(): void {
    const released = this.chunks[this.head]!;
    if (released.byteLength === this.chunkBytes) this.spare = released;
    (this.chunks as (Uint8Array | undefined)[])[this.head] = undefined;
    this.head++;
    this.read.pos = 0;
    // Drop the consumed prefix now and then so the arrays do not grow forever.
    if (this.head >= 1024) {
      this.chunks = this.chunks.slice(this.head);
      this.ends = this.ends.slice(this.head);
      this.head = 0;
    }
  }
}
