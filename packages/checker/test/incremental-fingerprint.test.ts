import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { IncrementalFingerprint } from "../src/incremental-fingerprint.js";

/** `bytes` in a buffer of whole words whose bytes past them are `junk`, as the scratch keeps it, viewed as words. */
function wordsOf(bytes: Uint8Array, junk: number): Int32Array {
  const buf = new Uint8Array((bytes.length + 3) & ~3).fill(junk);
  buf.set(bytes);
  return new Int32Array(buf.buffer);
}

/** The fingerprint as one bigint, from a fresh instance rebased on the state itself (no correction to make). */
function direct(length: number, bytes: Uint8Array): bigint {
  const f = new IncrementalFingerprint(length);
  const words = wordsOf(bytes, 0);
  f.rebase(words);
  const out = new Uint32Array(2);
  f.fingerprint(words, out);
  return (BigInt(out[0]!) << 32n) | BigInt(out[1]!);
}

describe("IncrementalFingerprint", () => {
  it("gives a state the same fingerprint whatever the base, whatever lies past its bytes", () => {
    const out = new Uint32Array(2);
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 41 }).chain((length) =>
          fc.tuple(
            fc.constant(length),
            fc.array(fc.uint8Array({ minLength: length, maxLength: length }), {
              minLength: 1,
              maxLength: 4,
            }),
            fc.uint8Array({ minLength: length, maxLength: length }),
            fc.integer({ min: 0, max: 255 }),
          ),
        ),
        ([length, bases, state, junk]) => {
          const f = new IncrementalFingerprint(length);
          for (const base of bases) f.rebase(wordsOf(base, 255 - junk));
          f.fingerprint(wordsOf(state, junk), out);
          expect((BigInt(out[0]!) << 32n) | BigInt(out[1]!)).toBe(direct(length, state));
          // Made the base, its fingerprint is the same again.
          f.rebase(wordsOf(state, junk));
          f.baseFingerprint(out);
          expect((BigInt(out[0]!) << 32n) | BigInt(out[1]!)).toBe(direct(length, state));
        },
      ),
      { seed: 0x15f1, numRuns: 300 },
    );
  });

  it("changes both lanes when any one byte of the state changes (a lane's mix is a bijection of each word)", () => {
    const out = new Uint32Array(2);
    const changed = new Uint32Array(2);
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 41 })
          .chain((length) =>
            fc.tuple(
              fc.constant(length),
              fc.uint8Array({ minLength: length, maxLength: length }),
              fc.nat(length - 1),
              fc.integer({ min: 1, max: 255 }),
            ),
          ),
        ([length, state, at, delta]) => {
          const f = new IncrementalFingerprint(length);
          f.fingerprint(wordsOf(state, 0), out);
          const other = state.slice();
          other[at] = (other[at]! + delta) & 255;
          f.fingerprint(wordsOf(other, 0), changed);
          expect(changed[0]).not.toBe(out[0]);
          expect(changed[1]).not.toBe(out[1]);
        },
      ),
      { seed: 0x15f2, numRuns: 300 },
    );
  });

  it("tells apart states that differ in one word, and every state of a small structured space", () => {
    // 2^16 states of 14 bytes (the last word partial), small values in a few bytes, as a layout's states look: no two share a fingerprint.
    const length = 14;
    const seen = new Set<bigint>();
    const f = new IncrementalFingerprint(length);
    const bytes = new Uint8Array(length);
    const out = new Uint32Array(2);
    f.rebase(wordsOf(bytes, 0));
    for (let v = 0; v < 1 << 16; v++) {
      bytes[0] = v & 15;
      bytes[3] = (v >> 4) & 15;
      bytes[5] = (v >> 8) & 15;
      bytes[13] = (v >> 12) & 15;
      f.fingerprint(wordsOf(bytes, 0), out);
      seen.add((BigInt(out[0]!) << 32n) | BigInt(out[1]!));
    }
    expect(seen.size).toBe(1 << 16);
  });

  it("changes with a byte's position, not only its value", () => {
    const a = new Uint8Array(8);
    const b = new Uint8Array(8);
    a[0] = 1;
    b[4] = 1;
    expect(direct(8, a)).not.toBe(direct(8, b));
  });
});
