// Open-addressing hash set of 64-bit fingerprints with linear probing.
// Storage is one flat Uint32Array of (hi, lo) pairs, 8 bytes per slot, so the
// table can later live in a SharedArrayBuffer for parallel workers. The pair
// (0, 0) marks an empty slot; `fingerprintInto` never produces it.
//
// Sizing (issue 15: visited set + parent links + frontier within 16 B/state):
// the slot comes from the hash by multiply-shift ("fast range", as in
// shared-fingerprint-set.ts), so the capacity need not be a power of two; the
// table fills to MAX_LOAD and grows by GROWTH, so a big set costs between
// 8 / MAX_LOAD and 8 * GROWTH / MAX_LOAD bytes per fingerprint (9.4 to 14.1)
// instead of 10.7 to 21.3 with doubling at 0.75.

const DEFAULT_INITIAL_SLOTS = 1 << 16;
/** Load at which the table grows: linear probing over 64-bit fingerprints stays cheap there. */
export const MAX_LOAD = 0.85;
/** Capacity factor of a growth: smaller steps waste less memory after one, at a few more rehashes. */
export const GROWTH = 1.5;
const NO_VALUE = -1;
const TWO_POW_32 = 4294967296;

/** The capacity after `capacity` grows (GROWTH times, at least one slot more, at most `max`). */
export function grownCapacity(capacity: number, max = Number.POSITIVE_INFINITY): number {
  return Math.min(max, Math.max(capacity + 1, Math.ceil(capacity * GROWTH)));
}

/** The first slot to probe for (hi, lo) in a table of `scale` * 2^32 slots. */
function homeSlot(hi: number, lo: number, scale: number): number {
  return ((lo ^ Math.imul(hi, 0x9e3779b1)) >>> 0) * scale;
}

export interface FingerprintSetOptions {
  /** Initial number of slots (at least 16). */
  initialCapacity?: number;
  /** Also keep a uint32 value per fingerprint (e.g. a state id): +4 bytes per slot. */
  withValues?: boolean;
}

export class FingerprintSet {
  private table: Uint32Array;
  private values: Uint32Array | null;
  private slots: number;
  private scale: number;
  private count = 0;
  private growThreshold: number;

  constructor(options: FingerprintSetOptions = {}) {
    const wanted = options.initialCapacity;
    const slots = wanted === undefined ? DEFAULT_INITIAL_SLOTS : Math.max(16, Math.ceil(wanted));
    this.table = new Uint32Array(slots * 2);
    this.values = options.withValues ? new Uint32Array(slots) : null;
    this.slots = slots;
    this.scale = slots / TWO_POW_32;
    this.growThreshold = Math.floor(slots * MAX_LOAD);
  }

  /** Number of fingerprints stored. */
  get size(): number {
    return this.count;
  }

  /** Number of slots in the table. */
  get capacity(): number {
    return this.slots;
  }

  /** Bytes held by the table (and the value array, if any). */
  get bytesUsed(): number {
    return this.table.byteLength + (this.values === null ? 0 : this.values.byteLength);
  }

  /** Adds the fingerprint; true when it was not in the set before. */
  add(hi: number, lo: number): boolean {
    if (this.count >= this.growThreshold) this.grow();
    const table = this.table;
    const slots = this.slots;
    let slot = homeSlot(hi, lo, this.scale) | 0;
    for (;;) {
      const at = slot << 1;
      const storedHi = table[at]!;
      const storedLo = table[at + 1]!;
      if (storedHi === 0 && storedLo === 0) {
        table[at] = hi;
        table[at + 1] = lo;
        this.count++;
        return true;
      }
      if (storedHi === hi && storedLo === lo) return false;
      if (++slot === slots) slot = 0;
    }
  }

  /** Calls `visit` with every fingerprint in the set (in table order). */
  forEach(visit: (hi: number, lo: number) => void): void {
    const table = this.table;
    for (let at = 0; at < table.length; at += 2) {
      const hi = table[at]!;
      const lo = table[at + 1]!;
      if (hi !== 0 || lo !== 0) visit(hi, lo);
    }
  }

  has(hi: number, lo: number): boolean {
    return this.find(hi, lo) >= 0;
  }

  /** Reads the home slot of (hi, lo): the first load `add` will make, started early (Expansion's batch). */
  touch(hi: number, lo: number): number {
    return this.table[(homeSlot(hi, lo, this.scale) | 0) << 1]!;
  }

  /**
   * Adds the fingerprint with `value` (the set must be created `withValues`).
   * Returns -1 when it was new, else the value stored with it earlier.
   */
  addWithValue(hi: number, lo: number, value: number): number {
    if (this.values === null) throw new Error("FingerprintSet: created without values");
    if (this.count >= this.growThreshold) this.grow();
    const table = this.table;
    const slots = this.slots;
    let slot = homeSlot(hi, lo, this.scale) | 0;
    for (;;) {
      const at = slot << 1;
      const storedHi = table[at]!;
      const storedLo = table[at + 1]!;
      if (storedHi === 0 && storedLo === 0) {
        table[at] = hi;
        table[at + 1] = lo;
        this.values[slot] = value;
        this.count++;
        return NO_VALUE;
      }
      if (storedHi === hi && storedLo === lo) return this.values[slot]!;
      if (++slot === slots) slot = 0;
    }
  }

  /** The value stored with the fingerprint, or -1 when absent (or the set has no values). */
  get(hi: number, lo: number): number {
    const slot = this.find(hi, lo);
    if (slot < 0 || this.values === null) return NO_VALUE;
    return this.values[slot]!;
  }

  private find(hi: number, lo: number): number {
    const table = this.table;
    const slots = this.slots;
    let slot = homeSlot(hi, lo, this.scale) | 0;
    for (;;) {
      const at = slot << 1;
      const storedHi = table[at]!;
      const storedLo = table[at + 1]!;
      if (storedHi === hi && storedLo === lo) return slot;
      if (storedHi === 0 && storedLo === 0) return -1;
      if (++slot === slots) slot = 0;
    }
  }

  private grow(): void {
    const oldTable = this.table;
    const oldValues = this.values;
    const slots = grownCapacity(this.slots);
    const scale = slots / TWO_POW_32;
    const table = new Uint32Array(slots * 2);
    const values = oldValues === null ? null : new Uint32Array(slots);
    const oldSlots = this.slots;
    for (let old = 0; old < oldSlots; old++) {
      const hi = oldTable[old << 1]!;
      const lo = oldTable[(old << 1) + 1]!;
      if (hi === 0 && lo === 0) continue;
      let slot = homeSlot(hi, lo, scale) | 0;
      while (table[slot << 1] !== 0 || table[(slot << 1) + 1] !== 0) if (++slot === slots) slot = 0;
      table[slot << 1] = hi;
      table[(slot << 1) + 1] = lo;
      if (values !== null) values[slot] = oldValues![old]!;
    }
    this.table = table;
    this.values = values;
    this.slots = slots;
    this.scale = scale;
    this.growThreshold = Math.floor(slots * MAX_LOAD);
  }
}
