// Open-addressing hash set of 64-bit fingerprints with linear probing.
// Storage is one flat Uint32Array of (hi, lo) pairs, 8 bytes per slot, so a
// set at 0.75 load costs ~10.7 bytes per fingerprint (and never more than
// ~21.4 right after a doubling), and the table can later live in a
// SharedArrayBuffer for parallel workers. The pair (0, 0) marks an empty slot;
// `fingerprintInto` never produces it.

const DEFAULT_INITIAL_SLOTS = 1 << 16;
const MAX_LOAD = 0.75;
const NO_VALUE = -1;

export interface FingerprintSetOptions {
  /** Initial number of slots (rounded up to a power of two). */
  initialCapacity?: number;
  /** Also keep a uint32 value per fingerprint (e.g. a state id): +4 bytes per slot. */
  withValues?: boolean;
}

export class FingerprintSet {
  private table: Uint32Array;
  private values: Uint32Array | null;
  private mask: number;
  private count = 0;
  private growThreshold: number;

  constructor(options: FingerprintSetOptions = {}) {
    let slots = DEFAULT_INITIAL_SLOTS;
    const wanted = options.initialCapacity;
    if (wanted !== undefined) {
      slots = 16;
      while (slots < wanted) slots *= 2;
    }
    this.table = new Uint32Array(slots * 2);
    this.values = options.withValues ? new Uint32Array(slots) : null;
    this.mask = slots - 1;
    this.growThreshold = Math.floor(slots * MAX_LOAD);
  }

  /** Number of fingerprints stored. */
  get size(): number {
    return this.count;
  }

  /** Number of slots in the table. */
  get capacity(): number {
    return this.mask + 1;
  }

  /** Bytes held by the table (and the value array, if any). */
  get bytesUsed(): number {
    return this.table.byteLength + (this.values === null ? 0 : this.values.byteLength);
  }

  /** Adds the fingerprint; true when it was not in the set before. */
  add(hi: number, lo: number): boolean {
    if (this.count >= this.growThreshold) this.grow();
    const table = this.table;
    const mask = this.mask;
    let slot = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
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
      slot = (slot + 1) & mask;
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

  /**
   * Adds the fingerprint with `value` (the set must be created `withValues`).
   * Returns -1 when it was new, else the value stored with it earlier.
   */
  addWithValue(hi: number, lo: number, value: number): number {
    if (this.values === null) throw new Error("FingerprintSet: created without values");
    if (this.count >= this.growThreshold) this.grow();
    const table = this.table;
    const mask = this.mask;
    let slot = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
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
      slot = (slot + 1) & mask;
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
    const mask = this.mask;
    let slot = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
    for (;;) {
      const at = slot << 1;
      const storedHi = table[at]!;
      const storedLo = table[at + 1]!;
      if (storedHi === hi && storedLo === lo) return slot;
      if (storedHi === 0 && storedLo === 0) return -1;
      slot = (slot + 1) & mask;
    }
  }

  private grow(): void {
    const oldTable = this.table;
    const oldValues = this.values;
    const slots = (this.mask + 1) * 2;
    const table = new Uint32Array(slots * 2);
    const values = oldValues === null ? null : new Uint32Array(slots);
    const mask = slots - 1;
    const oldSlots = oldTable.length >>> 1;
    for (let old = 0; old < oldSlots; old++) {
      const hi = oldTable[old << 1]!;
      const lo = oldTable[(old << 1) + 1]!;
      if (hi === 0 && lo === 0) continue;
      let slot = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask;
      while (table[slot << 1] !== 0 || table[(slot << 1) + 1] !== 0) slot = (slot + 1) & mask;
      table[slot << 1] = hi;
      table[(slot << 1) + 1] = lo;
      if (values !== null) values[slot] = oldValues![old]!;
    }
    this.table = table;
    this.values = values;
    this.mask = mask;
    this.growThreshold = Math.floor(slots * MAX_LOAD);
  }
}
