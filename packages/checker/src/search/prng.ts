// A small, fast, seeded PRNG for the random explorers: xoshiro128** (Blackman
// and Vigna), seeded through splitmix32. Math.random is never used: every run
// must be reproducible from its seed, on every platform and Node version.

/** splitmix32's finaliser: a bijective 32-bit mixer (good avalanche). */
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x21f0aaad);
  x = Math.imul(x ^ (x >>> 15), 0x735a2d97);
  return (x ^ (x >>> 15)) >>> 0;
}

/**
 * A 32-bit seed derived from a seed and a list of small integers (run index,
 * purpose tag, ...): run `i` of seed `s` gets `deriveSeed(s, i)` and can be
 * replayed alone, without running runs 0..i-1 first.
 */
export function deriveSeed(seed: number, ...parts: number[]): number {
  let h = mix32((seed >>> 0) ^ 0x9e3779b9);
  for (const part of parts) h = mix32((h + Math.imul(part >>> 0, 0x85ebca6b) + 0x7f4a7c15) >>> 0);
  return h;
}

/** True for the seeds the explorers accept: integers 0..2^32-1. */
export function isValidSeed(seed: number): boolean {
  return Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff;
}

export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    // splitmix32 expands the seed into the four state words (never all zero).
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      return mix32(s);
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    if ((this.a | this.b | this.c | this.d) === 0) this.d = 1;
  }

  /** The next 32-bit unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** A uniform integer in 0..n-1 (n >= 1), without modulo bias. */
  below(n: number): number {
    if (!(n >= 1) || n > 0x100000000) throw new RangeError(`Prng.below(${n})`);
    if (n === 1) return 0;
    // Rejection sampling: drop the top partial block of the 2^32 range.
    const limit = 0x100000000 - (0x100000000 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /** A uniform float in [0, 1). */
  float(): number {
    return this.nextUint32() / 0x100000000;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
