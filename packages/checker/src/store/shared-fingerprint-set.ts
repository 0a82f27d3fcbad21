// A lock-free set of 64-bit fingerprints in a SharedArrayBuffer, so several
// worker threads can deduplicate states in one table. Open addressing with
// linear probing over a fixed number of slots: a shared table cannot grow
// while threads insert, so the parallel explorer rehashes into a bigger one
// only while every thread is paused (the paused threads rehash it together,
// by slices: see rehashSlice).
//
// A slot is two int32 words: a tag (the fingerprint's hi word with its low
// bit forced to 1, so a tag is never EMPTY nor BUSY) and the lo word. An
// insert claims an empty slot by compareExchange(EMPTY -> BUSY) on the tag,
// writes lo, then publishes the tag; a reader that meets BUSY waits for the
// tag. Forcing the bit leaves 63 bits of fingerprint: two distinct states
// collide with probability 2^-63 (about 1e-5 over 10 million states).
// Probes read with plain loads and settle races with atomic ones: atomic loads
// cost V8 about 50% more per lookup, the inserting compareExchange is needed.
// Measured against a BigInt64Array slot with a single 64-bit compareExchange,
// the two-word form is faster (no BigInt is allocated per probe); see
// bench/parallel-bench.ts --set.
//
// The slot comes from the tag by multiply-shift ("fast range"), so the
// capacity need not be a power of two and a memory budget is used to the byte.

const EMPTY = 0;
const BUSY = 2;
/** Bytes per slot: two 32-bit words. */
export const SHARED_SLOT_BYTES = 8;
/** Largest capacity: slot * 2 must stay a small integer for fast typed-array indexing. */
export const MAX_SHARED_CAPACITY = 2 ** 29;
const TWO_POW_32 = 4294967296;
/** Int32 words per 4 KiB memory page. */
const PAGE_WORDS = 1024;

/** A tag's home slot in a table of `scale` * 2^32 slots: fast range, so slot order is tag order (as uint32). */
function homeSlot(tag: number, scale: number): number {
  return ((tag >>> 0) * scale) | 0;
}

export class SharedFingerprintSet {
  readonly buffer: SharedArrayBuffer;
  readonly capacity: number;
  private readonly table: Int32Array;
  private readonly scale: number;

  private constructor(buffer: SharedArrayBuffer) {
    if (buffer.byteLength % SHARED_SLOT_BYTES !== 0 || buffer.byteLength === 0) {
      throw new Error(`SharedFingerprintSet: bad buffer size ${buffer.byteLength}`);
    }
    this.buffer = buffer;
    this.capacity = buffer.byteLength / SHARED_SLOT_BYTES;
    this.table = new Int32Array(buffer);
    this.scale = this.capacity / TWO_POW_32;
  }

  /** A new empty set with `capacity` slots (1 .. MAX_SHARED_CAPACITY). */
  static create(capacity: number): SharedFingerprintSet {
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > MAX_SHARED_CAPACITY) {
      throw new Error(`SharedFingerprintSet: capacity ${capacity} out of range`);
    }
    return new SharedFingerprintSet(new SharedArrayBuffer(capacity * SHARED_SLOT_BYTES));
  }

  /** A view of a set created in another thread (same buffer, same contents). */
  static attach(buffer: SharedArrayBuffer): SharedFingerprintSet {
    return new SharedFingerprintSet(buffer);
  }

  get bytes(): number {
    return this.buffer.byteLength;
  }

  /**
   * Adds the fingerprint (hi, lo as produced by fingerprintInto); true when
   * this call inserted it, false when it was already there. Of several threads
   * adding the same fingerprint at once, exactly one gets true. The caller must
   * keep the table from filling up: on a full table this loops forever.
   */
  add(hi: number, lo: number): boolean {
    return this.insert(hi | 1, lo | 0);
  }

  /** add's probe and claim, for a tag and lo word as stored (add, rehashSeam). */
  private insert(tag: number, low: number): boolean {
    const table = this.table;
    const capacity = this.capacity;
    let slot = homeSlot(tag, this.scale);
    for (;;) {
      const at = slot * 2;
      // A plain read is enough to route: a published tag never changes, and
      // EMPTY or BUSY are settled below with atomic operations.
      let current = table[at]!;
      if (current === EMPTY) {
        current = Atomics.compareExchange(table, at, EMPTY, BUSY);
        if (current === EMPTY) {
          table[at + 1] = low;
          // The atomic store publishes lo with the tag to any thread that reads the tag atomically.
          Atomics.store(table, at, tag);
          return true;
        }
      }
      // Another thread is writing this slot: its tag follows within a few instructions.
      while (current === BUSY) current = Atomics.load(table, at);
      if (current === tag && this.holdsLow(at, low)) return false;
      slot++;
      if (slot === capacity) slot = 0;
    }
  }

  /** Reads the home slot of (hi, lo): the first load `add` will make, started early (Expansion's batch). */
  touch(hi: number, _lo: number): number {
    return this.table[homeSlot(hi | 1, this.scale) * 2]!;
  }

  has(hi: number, lo: number): boolean {
    const table = this.table;
    const capacity = this.capacity;
    const tag = hi | 1;
    const low = lo | 0;
    let slot = homeSlot(tag, this.scale);
    for (;;) {
      const at = slot * 2;
      let current = table[at]!;
      if (current === EMPTY) current = Atomics.load(table, at);
      if (current === EMPTY) return false;
      while (current === BUSY) current = Atomics.load(table, at);
      if (current === tag && this.holdsLow(at, low)) return true;
      slot++;
      if (slot === capacity) slot = 0;
    }
  }

  /**
   * Whether the slot at `at`, whose tag was seen published, holds `low`. A
   * plain read of lo that matches is final (lo is written once, from 0); a
   * mismatch is confirmed atomically, since a plain read racing with the
   * publication may still see the 0 that was there before.
   */
  private holdsLow(at: number, low: number): boolean {
    const table = this.table;
    if (low !== 0 && table[at + 1] === low) return true;
    Atomics.load(table, at);
    return Atomics.load(table, at + 1) === low;
  }

  /** Number of occupied slots, by a full scan (for tests and checks, not hot paths). */
  countSlow(): number {
    const table = this.table;
    let count = 0;
    for (let at = 0; at < table.length; at += 2) if (Atomics.load(table, at) !== EMPTY) count++;
    return count;
  }

  /**
   * Inserts every fingerprint of this set into `target` (a bigger, empty
   * set), while no thread adds to either: one slice and its seam.
   */
  rehashInto(target: SharedFingerprintSet): void {
    this.rehashSeam(target, 0, this.capacity, this.rehashSlice(target, 0, this.capacity));
  }

  // A rehash by slices, which several threads may run at once: fast range keeps
  // slot order, so the fingerprints whose home is in a slice [from, to) of this
  // table have their homes in a range of the target of their own, its
  // territory, up to where the next slice's begins. rehashSlice moves them
  // there with plain stores, as the serial rehash did (with an atomic claim a
  // thread took 2.3 times as long). Those that do not fit before the territory
  // ends, and those displaced into the slice from an earlier one (or from the
  // end of the table, around), are left to rehashSeam, which inserts them with
  // add's claim once every slice is done. No thread may add meanwhile.

  /**
   * Moves the fingerprints whose home is in slots [from, to) into their
   * territory of `target`. Returns the slot from which some may be left for
   * rehashSeam (`to` when none).
   */
  rehashSlice(target: SharedFingerprintSet, from: number, to: number): number {
    const source = this.table;
    const table = target.table;
    const scale = this.scale;
    const targetScale = target.scale;
    const begin = (this.firstTagAt(from) * targetScale) | 0;
    const end = to === this.capacity ? target.capacity : (this.firstTagAt(to) * targetScale) | 0;
    // Write to each page of the territory before reading it: a read of a fresh
    // page maps the shared zero page, and replacing it at the first write
    // flushes the TLB of every core running a thread of this process (two
    // threads rehashed at half the speed of one). V8 reads for Atomics.add(0).
    for (let at = begin * 2; at < end * 2; at += PAGE_WORDS) Atomics.compareExchange(table, at, EMPTY, EMPTY);
    let left = to;
    for (let at = from * 2; at < to * 2; at += 2) {
      const tag = source[at]!;
      if (tag === EMPTY) continue;
      if (tag === BUSY) throw new Error("SharedFingerprintSet: rehash while a thread is inserting");
      const home = homeSlot(tag, scale);
      if (home < from || home >= to) continue;
      let slot = homeSlot(tag, targetScale);
      while (slot < end && table[slot * 2] !== EMPTY) slot++;
      if (slot >= end) {
        if (left === to) left = at / 2;
        continue;
      }
      table[slot * 2 + 1] = source[at + 1]!;
      table[slot * 2] = tag;
    }
    return left;
  }

  /**
   * Inserts what rehashSlice(target, from, to) left (`left`, its answer),
   * once every slice is done; seams may be inserted by several threads at once.
   */
  rehashSeam(target: SharedFingerprintSet, from: number, to: number, left: number): void {
    const source = this.table;
    const scale = this.scale;
    // Fingerprints displaced into the slice: every slot from their home to theirs is full.
    for (let at = from * 2; at < to * 2 && source[at] !== EMPTY; at += 2) {
      const home = homeSlot(source[at]!, scale);
      if (home < from || home >= to) target.insert(source[at]!, source[at + 1]!);
    }
    // Of the slice's own from `left` on, insert finds those that rehashSlice placed.
    for (let at = left * 2; at < to * 2; at += 2) {
      const tag = source[at]!;
      if (tag === EMPTY) continue;
      const home = homeSlot(tag, scale);
      if (home >= from && home < to) target.insert(tag, source[at + 1]!);
    }
  }

  /** The first tag (as uint32) whose home is `slot` or later: slot order is tag order. */
  private firstTagAt(slot: number): number {
    let low = 0;
    let high = TWO_POW_32;
    while (low < high) {
      const mid = Math.floor((low + high) / 2);
      if (homeSlot(mid, this.scale) >= slot) high = mid;
      else low = mid + 1;
    }
    return low;
  }
}
