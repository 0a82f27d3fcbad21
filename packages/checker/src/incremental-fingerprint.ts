// Fingerprints of fixed-length states that a step changes in a few words
// (the byte back end's fixed-width layout, ADR 0015): per lane, the sum over
// the state's 32-bit words of a bijective mix of the word and its position.
// A successor's fingerprint is then its parent's, corrected for each word
// that differs, and a step that changes nothing costs a comparison of words
// and no hash at all (incremental hashing; Nguyen and Ruys, "Incremental
// hashing for SPIN", 2008). Hand-written like fingerprint.ts, and for the same
// reason: it runs once per successor.
//
// Why sums of mixes are fingerprints: each lane's mix is a bijection of the
// word for each position, so two states that differ in one word never share
// a lane; states that differ in more words share one only when the mixes'
// differences cancel, which for these pseudo-random mixes (position-seeded
// MurmurHash3 and xxHash finalisers, as independent as fingerprint.ts's two
// lanes) happens with probability about 2^-32 per lane, 2^-64 for both.
// The values differ from fingerprintInto's: a model's own fingerprint need
// only be its own everywhere (Model.fingerprint), and a fixed-layout model
// uses this one for all its states.

import { avalancheHi, avalancheLo } from "./fingerprint.js";

const SEED_HI = 0x2c1b3c6d;
const SEED_LO = 0x297a2d39;
const GOLDEN = 0x9e3779b9;

/** Position i's seed in each lane (a bijection of i: no two positions share one). */
function seedHi(i: number): number {
  return avalancheHi((Math.imul(i + 1, GOLDEN) ^ SEED_HI) | 0);
}
function seedLo(i: number): number {
  return avalancheLo((Math.imul(i + 1, GOLDEN) + SEED_LO) | 0);
}

/** Lane hi's mix of word `w` at a position seeded `seed`: a bijection of w. */
function mixHi(w: number, seed: number): number {
  return avalancheHi(w ^ seed);
}

/** Lane lo's mix: another bijection of w, with other constants. */
function mixLo(w: number, seed: number): number {
  return avalancheLo((w + seed) | 0);
}

/**
 * The fingerprints of states of `length` bytes read as words through an
 * Int32Array that starts at their first byte (the bytes past `length` in the
 * last word are masked off). `rebase` on a state (the one being expanded)
 * makes `fingerprint` of states that differ from it in a few words cheap;
 * any state gets its right fingerprint, whatever the base.
 */
export class IncrementalFingerprint {
  /** Words, whole ones, and the mask of the last (partial) one's bytes that belong to the state. */
  private readonly words: number;
  private readonly whole: number;
  private readonly lastMask: number;
  private readonly seedsHi: Int32Array;
  private readonly seedsLo: Int32Array;
  /** The base state's words (masked), their mixes in each lane, and the lanes' sums. */
  private readonly base: Int32Array;
  private readonly baseHi: Int32Array;
  private readonly baseLo: Int32Array;
  private sumHi = 0;
  private sumLo = 0;

  constructor(readonly length: number) {
    this.words = (length + 3) >> 2;
    this.whole = length >> 2;
    const tail = length & 3;
    // The mask as the platform reads those bytes through an Int32Array.
    const mask = new Uint8Array(4);
    for (let i = 0; i < 4; i++) mask[i] = tail === 0 || i < tail ? 0xff : 0;
    this.lastMask = new Int32Array(mask.buffer)[0]!;
    this.seedsHi = new Int32Array(this.words);
    this.seedsLo = new Int32Array(this.words);
    for (let i = 0; i < this.words; i++) {
      this.seedsHi[i] = seedHi(i);
      this.seedsLo[i] = seedLo(i);
    }
    this.base = new Int32Array(this.words);
    this.baseHi = new Int32Array(this.words);
    this.baseLo = new Int32Array(this.words);
    // The all-zero state as the first base.
    for (let i = 0; i < this.words; i++) {
      this.baseHi[i] = mixHi(0, this.seedsHi[i]!);
      this.baseLo[i] = mixLo(0, this.seedsLo[i]!);
      this.sumHi = (this.sumHi + this.baseHi[i]!) | 0;
      this.sumLo = (this.sumLo + this.baseLo[i]!) | 0;
    }
  }

  /** How many words a view of a state must have. */
  get wordCount(): number {
    return this.words;
  }

  /** Makes the state of `words` the base that `fingerprint` corrects. */
  rebase(words: Int32Array): void {
    const n = this.words;
    const last = n - 1;
    const base = this.base;
    const baseHi = this.baseHi;
    const baseLo = this.baseLo;
    let sumHi = this.sumHi;
    let sumLo = this.sumLo;
    for (let i = 0; i < n; i++) {
      const w = i === last ? words[i]! & this.lastMask : words[i]!;
      if (w === base[i]) continue;
      const hi = mixHi(w, this.seedsHi[i]!);
      const lo = mixLo(w, this.seedsLo[i]!);
      sumHi = (sumHi - baseHi[i]! + hi) | 0;
      sumLo = (sumLo - baseLo[i]! + lo) | 0;
      base[i] = w;
      baseHi[i] = hi;
      baseLo[i] = lo;
    }
    this.sumHi = sumHi;
    this.sumLo = sumLo;
  }

  /** The base state's fingerprint, as `fingerprint` gives it. */
  baseFingerprint(out: Uint32Array): void {
    out[0] = this.sumHi >>> 0;
    out[1] = (this.sumHi === 0 && this.sumLo === 0 ? 1 : this.sumLo) >>> 0;
  }

  /** The fingerprint of the state of `words` into out[0] (hi) and out[1] (lo): never (0, 0). */
  fingerprint(words: Int32Array, out: Uint32Array): void {
    const base = this.base;
    let sumHi = this.sumHi;
    let sumLo = this.sumLo;
    // The whole words, then the partial one: the loop tests no mask.
    const whole = this.whole;
    for (let i = 0; i < whole; i++) {
      const w = words[i]!;
      if (w === base[i]) continue;
      sumHi = (sumHi - this.baseHi[i]! + mixHi(w, this.seedsHi[i]!)) | 0;
      sumLo = (sumLo - this.baseLo[i]! + mixLo(w, this.seedsLo[i]!)) | 0;
    }
    if (whole < this.words) {
      const w = words[whole]! & this.lastMask;
      if (w !== base[whole]) {
        sumHi = (sumHi - this.baseHi[whole]! + mixHi(w, this.seedsHi[whole]!)) | 0;
        sumLo = (sumLo - this.baseLo[whole]! + mixLo(w, this.seedsLo[whole]!)) | 0;
      }
    }
    out[0] = sumHi >>> 0;
    out[1] = (sumHi === 0 && sumLo === 0 ? 1 : sumLo) >>> 0;
  }
}
