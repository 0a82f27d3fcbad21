import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fingerprint, fingerprintHex, fingerprintInto, fingerprintWords } from "../src/fingerprint.js";
import { FingerprintSet, GROWTH, MAX_LOAD } from "../src/store/fingerprint-set.js";

function randomBytes(count: number, length: number, seed: number): Uint8Array[] {
  // A small LCG: deterministic inputs without fast-check's shrinking machinery.
  let x = seed >>> 0;
  const next = () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x >>> 24;
  };
  const out: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const bytes = new Uint8Array(length);
    for (let j = 0; j < length; j++) bytes[j] = next();
    out.push(bytes);
  }
  return out;
}

describe("fingerprint", () => {
  it("is deterministic and independent of the view's offset in its buffer", () => {
    const bytes = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    const backing = new Uint8Array(20);
    backing.set(bytes, 5);
    const view = backing.subarray(5, 16);
    expect(fingerprint(view)).toEqual(fingerprint(bytes));
    expect(fingerprintHex(bytes)).toBe(fingerprintHex(bytes.slice()));
  });

  it("is the same read a word at a time through a view of the buffer (the byte back end's scratch)", () => {
    const fromBytes = new Uint32Array(2);
    const fromWords = new Uint32Array(2);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 70 }), fc.nat(8), (bytes, spare) => {
        // A word-aligned buffer with room past the state, as ScratchState keeps: the bytes past it are never read.
        const buf = new Uint8Array((bytes.length + spare + 3) & ~3).fill(0xa5);
        buf.set(bytes);
        fingerprintWords(buf, new Int32Array(buf.buffer), bytes.length, fromWords);
        fingerprintInto(bytes, fromBytes);
        expect([...fromWords]).toEqual([...fromBytes]);
      }),
      { seed: 15, numRuns: 500 },
    );
  });

  it("writes hi and lo at the requested offset", () => {
    const out = new Uint32Array(4);
    const bytes = Uint8Array.from([42, 7]);
    fingerprintInto(bytes, out, 2);
    const { hi, lo } = fingerprint(bytes);
    expect([...out]).toEqual([0, 0, hi, lo]);
  });

  it("depends on the length, not only on the bytes (trailing zeros count)", () => {
    const inputs = [[], [0], [0, 0], [0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0, 0]].map((a) => Uint8Array.from(a));
    const hexes = new Set(inputs.map(fingerprintHex));
    expect(hexes.size).toBe(inputs.length);
  });

  it("never returns the all-zero fingerprint reserved for empty slots", () => {
    for (const bytes of randomBytes(2000, 6, 1)) {
      const { hi, lo } = fingerprint(bytes);
      expect(hi !== 0 || lo !== 0).toBe(true);
    }
  });

  it("has two independent lanes: no collision in either lane over 20,000 random inputs", () => {
    const inputs = randomBytes(20_000, 9, 7);
    const distinctInputs = new Set(inputs.map((b) => b.join(","))).size;
    const his = new Set<number>();
    const los = new Set<number>();
    for (const bytes of inputs) {
      const { hi, lo } = fingerprint(bytes);
      his.add(hi);
      los.add(lo);
    }
    // 20k values in 2^32: a collision in one lane has probability ~5%; allow one.
    expect(his.size).toBeGreaterThanOrEqual(distinctInputs - 1);
    expect(los.size).toBeGreaterThanOrEqual(distinctInputs - 1);
  });

  it("changes both lanes when any single bit of the input flips", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.nat(), (bytes, bit) => {
        const position = bit % (bytes.length * 8);
        const flipped = bytes.slice();
        flipped[position >>> 3] = flipped[position >>> 3]! ^ (1 << (position & 7));
        const a = fingerprint(bytes);
        const b = fingerprint(flipped);
        return a.hi !== b.hi && a.lo !== b.lo;
      }),
      { seed: 42, numRuns: 500 },
    );
  });
});

describe("FingerprintSet", () => {
  it("behaves like a Set of (hi, lo) pairs over random inputs with duplicates, across growth", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 60 })), {
          maxLength: 400,
        }),
        (pairs) => {
          const set = new FingerprintSet({ initialCapacity: 16 });
          const reference = new Set<string>();
          for (const [a, b] of pairs) {
            // Spread the small ints over the full 32-bit range, keep some hi = 0 pairs.
            const hi = a === 0 ? 0 : Math.imul(a, 0x9e3779b1) >>> 0;
            const lo = Math.imul(b, 0x85ebca77) >>> 0;
            const key = `${hi}:${lo}`;
            const expectedNew = !reference.has(key);
            reference.add(key);
            if (set.add(hi, lo) !== expectedNew) return false;
            if (!set.has(hi, lo)) return false;
          }
          return set.size === reference.size && !set.has(12345, 67890);
        },
      ),
      { seed: 42, numRuns: 200 },
    );
  });

  it("grows by GROWTH at MAX_LOAD, to a capacity that need not be a power of two", () => {
    const set = new FingerprintSet({ initialCapacity: 1000 });
    expect(set.capacity).toBe(1000);
    const full = Math.floor(1000 * MAX_LOAD);
    for (let i = 1; i <= full; i++) set.add(i, Math.imul(i, 0x27d4eb2f) >>> 0);
    expect(set.capacity).toBe(1000);
    expect(set.bytesUsed).toBe(1000 * 8);
    expect(set.bytesUsed / set.size).toBeLessThan(10);
    set.add(999_999, 1);
    expect(set.capacity).toBe(1000 * GROWTH);
    expect(set.size).toBe(full + 1);
    for (let i = 1; i <= full; i++) expect(set.has(i, Math.imul(i, 0x27d4eb2f) >>> 0)).toBe(true);
    expect(set.has(999_999, 1)).toBe(true);
  });

  it("maps fingerprints to values when created withValues, across growth", () => {
    const set = new FingerprintSet({ initialCapacity: 16, withValues: true });
    for (let id = 0; id < 500; id++) expect(set.addWithValue(id + 1, id * 7 + 3, id)).toBe(-1);
    for (let id = 0; id < 500; id++) {
      expect(set.get(id + 1, id * 7 + 3)).toBe(id);
      expect(set.addWithValue(id + 1, id * 7 + 3, 99_999)).toBe(id);
    }
    expect(set.get(1, 1)).toBe(-1);
    expect(set.size).toBe(500);
    expect(set.bytesUsed).toBe(set.capacity * 12);
  });

  it("refuses values on a set created without them", () => {
    expect(() => new FingerprintSet().addWithValue(1, 2, 3)).toThrow(/without values/);
  });
});
