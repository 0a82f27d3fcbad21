// 64-bit state fingerprints as two independent 32-bit lanes, so the hot path
// stays in small-integer arithmetic (Math.imul) with no BigInt and no allocation.
// Lane "hi" is MurmurHash3 x86_32; lane "lo" is the xxHash32 small-input round.
// Different round functions and seeds keep the lanes independent, so two
// encodings collide in both only with probability ~2^-64.

const MURMUR_C1 = 0xcc9e2d51;
const MURMUR_C2 = 0x1b873593;
const XX_PRIME1 = 0x9e3779b1;
const XX_PRIME2 = 0x85ebca77;
const XX_PRIME3 = 0xc2b2ae3d;
const XX_PRIME4 = 0x27d4eb2f;
const XX_PRIME5 = 0x165667b1;
const SEED_HI = 0x5bd1e995;
const SEED_LO = 0x2f0ac35b;

/**
 * The two lanes of the last `hashBytes`, as signed 32-bit integers: module
 * scratch, so hashing allocates nothing (the .fl codec hashes every part of a
 * state with it, fingerprintInto whole encodings).
 */
export const lanes = new Int32Array(2);

/** Both lanes over bytes [start, end) of `bytes`, into `lanes` (no zero remap). */
export function hashBytes(bytes: Uint8Array, start: number, end: number): void {
  const length = end - start;
  let h1 = SEED_HI;
  let h2 = (SEED_LO + XX_PRIME5 + length) | 0;
  let i = start;
  const wordsEnd = start + (length & ~3);
  while (i < wordsEnd) {
    const word = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    h1 = roundHi(h1, word);
    h2 = roundLo(h2, word);
    i += 4;
  }
  finishLanes(bytes, i, end, length, h1, h2);
}

/** Whether this platform's typed arrays are little-endian: then a word read through an Int32Array is the word hashBytes composes. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * hashBytes of bytes [0, length) of `bytes`, whole words read through
 * `words`, which must view the same buffer, as `bytes` does, from its first
 * byte (not checked: reading byteOffset cost 6 ns a call): one load a word
 * instead of four. The byte back end hashes every successor, 30-40 bytes on
 * TwoPhase, from its scratch, which keeps such a view: 26-28 ns against 33-40
 * for 30 bytes. A loop of its own: one loop choosing its load per word lost it.
 */
export function hashWords(bytes: Uint8Array, words: Int32Array, length: number): void {
  if (!LITTLE_ENDIAN) {
    hashBytes(bytes, 0, length);
    return;
  }
  let h1 = SEED_HI;
  let h2 = (SEED_LO + XX_PRIME5 + length) | 0;
  const n = length >> 2;
  for (let w = 0; w < n; w++) {
    const word = words[w]!;
    h1 = roundHi(h1, word);
    h2 = roundLo(h2, word);
  }
  finishLanes(bytes, n << 2, length, length, h1, h2);
}

/** Lane hi's round on a word: MurmurHash3 x86_32's. */
function roundHi(h1: number, word: number): number {
  let k = Math.imul(word, MURMUR_C1);
  k = (k << 15) | (k >>> 17);
  h1 ^= Math.imul(k, MURMUR_C2);
  h1 = (h1 << 13) | (h1 >>> 19);
  return (Math.imul(h1, 5) + 0xe6546b64) | 0;
}

/** Lane lo's round on a word: xxHash32's small-input one. */
function roundLo(h2: number, word: number): number {
  h2 = (h2 + Math.imul(word, XX_PRIME3)) | 0;
  return Math.imul((h2 << 17) | (h2 >>> 15), XX_PRIME4);
}

/** The bytes [i, end) left after the whole words (fewer than four), then both finalisers, into `lanes`. */
function finishLanes(
  bytes: Uint8Array,
  i: number,
  end: number,
  length: number,
  h1: number,
  h2: number,
): void {
  if (i < end) {
    let tail = 0;
    let shift = 0;
    while (i < end) {
      tail |= bytes[i]! << shift;
      shift += 8;
      i++;
    }
    let k = Math.imul(tail, MURMUR_C1);
    k = (k << 15) | (k >>> 17);
    h1 ^= Math.imul(k, MURMUR_C2);
    h2 = (h2 + Math.imul(tail, XX_PRIME5)) | 0;
    h2 = Math.imul((h2 << 11) | (h2 >>> 21), XX_PRIME1);
  }
  lanes[0] = avalancheHi(h1 ^ length);
  lanes[1] = avalancheLo(h2);
}

/** MurmurHash3's finaliser: a bijection on 32 bits that spreads every input bit. */
export function avalancheHi(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** xxHash32's avalanche: a bijection on 32 bits, independent of avalancheHi. */
export function avalancheLo(h: number): number {
  h ^= h >>> 15;
  h = Math.imul(h, XX_PRIME2);
  h ^= h >>> 13;
  h = Math.imul(h, XX_PRIME3);
  return h ^ (h >>> 16);
}

/**
 * Fingerprints `bytes` into `out[offset]` (hi) and `out[offset + 1]` (lo).
 * The all-zero fingerprint is never produced: fingerprint sets use 0 as their
 * "empty slot" marker, so a zero result is remapped to (0, 1).
 */
export function fingerprintInto(bytes: Uint8Array, out: Uint32Array, offset = 0): void {
  fingerprintRange(bytes, 0, bytes.length, out, offset);
}

/** fingerprintInto of bytes [start, end) of `bytes`, without a view of them (the byte back end's scratch states). */
export function fingerprintRange(
  bytes: Uint8Array,
  start: number,
  end: number,
  out: Uint32Array,
  offset = 0,
): void {
  hashBytes(bytes, start, end);
  writeFingerprint(out, offset);
}

/** fingerprintInto of bytes [0, length), read a word at a time through `words` (hashWords). */
export function fingerprintWords(
  bytes: Uint8Array,
  words: Int32Array,
  length: number,
  out: Uint32Array,
): void {
  hashWords(bytes, words, length);
  writeFingerprint(out, 0);
}

/** The lanes of the last hash as a fingerprint at out[offset], out[offset + 1]: never all zero. */
function writeFingerprint(out: Uint32Array, offset: number): void {
  const h1 = lanes[0]!;
  const h2 = lanes[1]!;
  out[offset] = h1 >>> 0;
  out[offset + 1] = (h1 === 0 && h2 === 0 ? 1 : h2) >>> 0;
}

export interface Fingerprint {
  hi: number;
  lo: number;
}

const scratch = new Uint32Array(2);

/** Convenience form of `fingerprintInto` (allocates; keep it off hot paths). */
export function fingerprint(bytes: Uint8Array): Fingerprint {
  fingerprintInto(bytes, scratch);
  return { hi: scratch[0]!, lo: scratch[1]! };
}

/** The fingerprint as 16 hex digits, for logs and tests. */
export function fingerprintHex(bytes: Uint8Array): string {
  fingerprintInto(bytes, scratch);
  return scratch[0]!.toString(16).padStart(8, "0") + scratch[1]!.toString(16).padStart(8, "0");
}
