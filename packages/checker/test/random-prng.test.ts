// The seeded PRNG: fixed sequences per seed (runs must replay on every
// platform), unbiased bounded draws, and independent per-run seeds.
import { describe, expect, it } from "vitest";
import { deriveSeed, isValidSeed, Prng } from "../src/search/prng.js";

describe("Prng (xoshiro128**)", () => {
  it("gives a fixed sequence for a seed", () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const first = Array.from({ length: 8 }, () => a.nextUint32());
    expect(Array.from({ length: 8 }, () => b.nextUint32())).toEqual(first);
    // Pinned (checked against an independent Python implementation of splitmix32 seeding and
    // xoshiro128**): a change of algorithm would silently change what every reported seed means.
    expect(first.slice(0, 4)).toEqual([660444221, 3652823732, 77672526, 910233633]);
    expect(new Prng(43).nextUint32()).not.toBe(first[0]);
  });

  it("draws below(n) in range and close to uniform", () => {
    const rng = new Prng(7);
    const counts = new Array<number>(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[rng.below(6)]!++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
    expect(rng.below(1)).toBe(0);
    expect(() => rng.below(0)).toThrow(RangeError);
  });

  it("floats are in [0, 1)", () => {
    const rng = new Prng(9);
    for (let i = 0; i < 1000; i++) {
      const x = rng.float();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
  });

  it("derives distinct seeds per run and purpose, deterministically", () => {
    const seeds = new Set<number>();
    for (let run = 0; run < 1000; run++) seeds.add(deriveSeed(5, run));
    expect(seeds.size).toBe(1000);
    expect(deriveSeed(5, 3)).toBe(deriveSeed(5, 3));
    expect(deriveSeed(5, 3)).not.toBe(deriveSeed(6, 3));
    expect(deriveSeed(5, 3, 1)).not.toBe(deriveSeed(5, 3));
  });

  it("accepts seeds 0..2^32-1 only", () => {
    expect(isValidSeed(0)).toBe(true);
    expect(isValidSeed(0xffffffff)).toBe(true);
    expect(isValidSeed(-1)).toBe(false);
    expect(isValidSeed(2 ** 32)).toBe(false);
    expect(isValidSeed(1.5)).toBe(false);
  });
});
