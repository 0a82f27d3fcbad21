// The runtime's updates of immutable values (`s[i] = v`, `m[k] = v`, a tuple
// field): a new value with the one element changed, the input untouched; and
// the input itself when the value written is the one already there, so that a
// step that changes nothing leaves its machine as it was (the executor then
// gives back the state it started from, checker/src/fl/executor.ts).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  compare,
  mapPut,
  mapRemove,
  seqInsert,
  seqRemove,
  seqSet,
  setAdd,
  setRemove,
  type Value,
  withElem,
} from "../src/codegen/runtime.js";

const element = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.boolean(), fc.constantFrom("a", "b"));

describe("updates of immutable values", () => {
  it("seqSet and withElem: the element replaced, the input untouched, the input itself for the same element", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 1, maxLength: 6 }),
        fc.nat(),
        fc.integer({ min: -3, max: 3 }),
        fc.boolean(),
        (xs, at, written, same) => {
          const i = at % xs.length;
          const v = same ? xs[i]! : written;
          const before = xs.slice();
          const expected = xs.slice();
          expected[i] = v;
          for (const got of [seqSet(xs, i, v, 0), withElem(xs as readonly number[], i, v)]) {
            expect(compare(got, expected)).toBe(0);
            expect(xs).toEqual(before);
            expect(got === xs).toBe(xs[i] === v);
          }
        },
      ),
      { seed: 15, numRuns: 300 },
    );
  });

  it("mapPut: the entry put, the input untouched, the input itself when the key already maps to that value", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 5 }), element), {
          selector: (e) => e[0],
          maxLength: 5,
        }),
        fc.integer({ min: 0, max: 6 }),
        element,
        fc.boolean(),
        (entries, key, written, same) => {
          const m = entries.slice().sort((a, b) => a[0] - b[0]) as [number, Value][];
          const found = m.find((e) => e[0] === key);
          const v = same && found !== undefined ? found[1] : written;
          const before = JSON.stringify(m);
          const got = mapPut(m, key, v);
          const expected = [...m.filter((e) => e[0] !== key), [key, v] as [number, Value]].sort(
            (a, b) => a[0] - b[0],
          );
          expect(compare(got as Value, expected as Value)).toBe(0);
          expect(JSON.stringify(m)).toBe(before);
          expect(got === m).toBe(found !== undefined && found[1] === v);
        },
      ),
      { seed: 15, numRuns: 300 },
    );
  });

  // Inserts and removals build the new array element by element (runtime.ts, insertedAt and
  // removedAt); compared with the same operation on a copy by splice, at every position.
  it("setAdd, setRemove, seqInsert, seqRemove, mapPut of a new key, mapRemove: as splice on a copy, the input untouched", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 9 }), { maxLength: 7 }),
        fc.integer({ min: 0, max: 9 }),
        fc.nat(),
        (elems, x, at) => {
          const set = elems.slice().sort((a, b) => a - b);
          const before = set.slice();
          const spliced = (s: readonly Value[], i: number, del: number, ...add: Value[]): Value[] => {
            const c = s.slice();
            c.splice(i, del, ...add);
            return c;
          };
          const where = set.findIndex((e) => e >= x);
          const insertAt = where < 0 ? set.length : where;
          const has = set[insertAt] === x;
          expect(setAdd(set, x)).toEqual(has ? set : spliced(set, insertAt, 0, x));
          expect(setRemove(set, x)).toEqual(has ? spliced(set, insertAt, 1) : set);
          const i = at % (set.length + 1);
          expect(seqInsert(set, [i, x], 0)).toEqual(spliced(set, i, 0, x));
          if (set.length > 0) {
            const j = at % set.length;
            expect(seqRemove(set, j, 0)).toEqual(spliced(set, j, 1));
          }
          const map = set.map((k) => [k, k * 2] as const);
          const entry = [x, -1] as const;
          expect(mapPut(map, x, -1)).toEqual(
            has ? map.map((e) => (e[0] === x ? entry : e)) : spliced(map, insertAt, 0, entry),
          );
          expect(mapRemove(map, x)).toEqual(has ? spliced(map, insertAt, 1) : map);
          expect(set).toEqual(before);
        },
      ),
      { seed: 15, numRuns: 500 },
    );
  });
});
