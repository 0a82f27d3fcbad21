// The compact encodings of the search's stores (issue 15): parent links packed
// in one word with an overflow for the rest, the frontier's deltas, and the
// visited set's non-power-of-two growth, each against a plain reference.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { NO_STATE } from "../src/search/core.js";
import { DeltaReader, DeltaWriter, MAX_DELTA_HEADER } from "../src/store/delta-frame.js";
import { FingerprintSet } from "../src/store/fingerprint-set.js";
import type { FrameCursor } from "../src/store/frame.js";
import {
  LINK_OVERFLOW,
  linkCode,
  packLink,
  ParentLinkTable,
  parentOfLink,
  refOfLinkCode,
} from "../src/store/parent-links.js";

const SEED = { seed: 15, numRuns: 200 };

/** Emission refs: mostly small (one word), some far out (overflow). */
const ref = fc.oneof(fc.integer({ min: -130, max: 130 }), fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }));

describe("parent links", () => {
  it("pack a ref and a parent within 2^23 of the state into one word, and read them back", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 32 - 2 }),
        fc.oneof(fc.integer({ min: -(2 ** 23) - 2, max: 2 ** 23 + 2 }), fc.constant(null)),
        ref,
        (self, delta, r) => {
          const parent = delta === null ? NO_STATE : self - delta;
          if (parent < 0 || parent >= NO_STATE) return true;
          const word = packLink(self, parent, r);
          const fits =
            linkCode(r) !== LINK_OVERFLOW && (delta === null || (delta >= -(2 ** 23) && delta < 2 ** 23 - 1));
          if (!fits) return word === LINK_OVERFLOW;
          return (
            word !== LINK_OVERFLOW &&
            parentOfLink(self, word) === parent &&
            refOfLinkCode(word & LINK_OVERFLOW) === r
          );
        },
      ),
      SEED,
    );
  });

  it("give back every pushed link, across chunks, overflow and a stride", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 }),
        fc.array(fc.tuple(fc.oneof(fc.nat(40), fc.nat(2 ** 25), fc.constant(-1)), ref), { maxLength: 300 }),
        (stride, links) => {
          const offset = stride - 1;
          const table = new ParentLinkTable(4, stride, offset);
          const reference: [number, number][] = [];
          links.forEach(([back, r], id) => {
            // A parent `back` refs before this state's own (clamped to ref 0), or none.
            const self = id * stride + offset;
            const parent = back < 0 ? NO_STATE : Math.max(0, self - back);
            table.push(parent, r);
            reference.push([parent, r]);
          });
          return reference.every(([parent, r], id) => table.parentOf(id) === parent && table.refOf(id) === r);
        },
      ),
      SEED,
    );
  });

  it("hand their chunks and overflow to a reader that skipped ids before them", () => {
    const writer = new ParentLinkTable(4, 2, 1);
    writer.skipTo(32);
    const sent = writer.chunkCount;
    for (let id = 32; id < 70; id++)
      writer.push(id % 3 === 0 ? NO_STATE : id * 2 + 1 - id, id % 5 === 0 ? 1000 + id : id % 7);
    const reader = new ParentLinkTable(4, 2, 1);
    reader.push(NO_STATE, 0);
    reader.skipTo(32);
    reader.adopt(writer.chunksFrom(sent), writer.takeOverflow());
    expect(writer.takeOverflow()).toEqual([]);
    expect(reader.parentOf(0)).toBe(NO_STATE);
    for (let id = 32; id < 70; id++) {
      expect(reader.parentOf(id)).toBe(id % 3 === 0 ? NO_STATE : id + 1);
      expect(reader.refOf(id)).toBe(id % 5 === 0 ? 1000 + id : id % 7);
    }
  });
});

/** Byte strings near each other (as a frontier's siblings are), and some empty or long ones. */
const entries = fc.array(
  fc.oneof(
    { weight: 6, arbitrary: fc.tuple(fc.nat(40), fc.nat(255), fc.integer({ min: -2, max: 2 })) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 600 }) },
    { weight: 1, arbitrary: fc.constant(new Uint8Array(0)) },
  ),
  { maxLength: 200 },
);

/** The entries, each tuple an edit of the entry before: byte `at` set to `value`, length changed by `grow`. */
function materialize(list: (Uint8Array | [number, number, number])[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let previous = new Uint8Array(12);
  for (const item of list) {
    let next: Uint8Array;
    if (item instanceof Uint8Array) next = item;
    else {
      const [at, value, grow] = item;
      next = new Uint8Array(Math.max(0, previous.length + grow));
      next.set(previous.subarray(0, next.length));
      if (next.length > 0) next[at % next.length] = value;
    }
    out.push(next);
    previous = next;
  }
  return out;
}

describe("frontier deltas", () => {
  it("read back every entry as written, in at most its length plus MAX_DELTA_HEADER bytes", () => {
    fc.assert(
      fc.property(entries, fc.nat(50), (list, resetAt) => {
        const written = materialize(list);
        const view = new Uint8Array(written.reduce((sum, e) => sum + MAX_DELTA_HEADER + e.length, 0));
        const writer = new DeltaWriter();
        let pos = 0;
        written.forEach((e, i) => {
          if (i === resetAt) writer.reset();
          const end = writer.write(view, pos, e);
          if (end - pos > MAX_DELTA_HEADER + e.length) throw new Error("delta longer than its bound");
          pos = end;
        });
        const reader = new DeltaReader();
        const cursor: FrameCursor = { pos: 0 };
        const ok = written.every((e, i) => {
          if (i === resetAt) reader.reset();
          return reader.read(view, cursor).join(",") === e.join(",");
        });
        return ok && cursor.pos === pos;
      }),
      SEED,
    );
  });
});

describe("FingerprintSet growth", () => {
  it("keeps every fingerprint and value across many growths from any initial capacity", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 100 }),
        fc.array(fc.tuple(fc.nat(2 ** 32 - 1), fc.nat(2 ** 32 - 1)), { minLength: 1, maxLength: 2000 }),
        (initialCapacity, pairs) => {
          const set = new FingerprintSet({ initialCapacity, withValues: true });
          const reference = new Map<string, number>();
          pairs.forEach(([hi, lo], i) => {
            if (hi === 0 && lo === 0) return;
            const key = `${hi}:${lo}`;
            const before = reference.get(key) ?? -1;
            if (before < 0) reference.set(key, i);
            if (set.addWithValue(hi, lo, i) !== before) throw new Error(`wrong answer for ${key}`);
          });
          if (set.size !== reference.size || set.size / set.capacity > 0.9) return false;
          for (const [key, value] of reference) {
            const [hi, lo] = key.split(":").map(Number) as [number, number];
            if (!set.has(hi, lo) || set.get(hi, lo) !== value) return false;
          }
          return reference.has("0:1") || !set.has(0, 1);
        },
      ),
      SEED,
    );
  });
});
