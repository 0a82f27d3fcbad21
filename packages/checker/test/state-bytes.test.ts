// The byte operations of ADR 0015's step 1 leave exactly the bytes the codec
// writes for the changed value: each is compared with the value runtime's
// operation encoded by codec.ts, on random collections and positions.
import fc from "fast-check";
import type { Type } from "@faultline/lang";
import { describe, expect, it } from "vitest";
import {
  byteElementAt,
  channelFound,
  collectionHas,
  elementAt,
  fromRaw,
  mapEnd,
  mapHas,
  mapPart,
  mapPut,
  mapRemove,
  mapValueAt,
  findChannel,
  type MessageEnd,
  OUT_OF_RANGE,
  popFirst,
  pushMessage,
  ScalarKind,
  ScratchState,
  SEQ_SET_OUT_OF_RANGE,
  seqGet,
  seqInsert,
  seqRemove,
  seqSet,
  setAdd,
  setRemove,
  toRaw,
  type TupleField,
  tupleElements,
  tupleHas,
  tupleSeqInsert,
  tupleSetAdd,
  tupleSetRemove,
  uintAt,
  uintEnd,
  uintsEnd,
} from "../src/fl/bytes/state-bytes.js";
import { encoderFor, Writer } from "../src/fl/codec.js";
import { flRuntime as rt, type Value } from "../src/fl/lang-codegen.js";

const SEED = { seed: 150_015, numRuns: 300 };

/** Each scalar kind with its element type and values to draw (wide enough for multi-byte varints). */
const KINDS: { kind: ScalarKind; type: Type; value: fc.Arbitrary<number> }[] = [
  {
    kind: ScalarKind.Int,
    type: { kind: "int" },
    value: fc.oneof(fc.integer({ min: -70, max: 70 }), fc.integer()),
  },
  {
    kind: ScalarKind.Plain,
    type: { kind: "enum", name: "E" } as Type,
    value: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 20_000 })),
  },
  {
    kind: ScalarKind.Id,
    type: { kind: "machine", name: "M" } as Type,
    value: fc.oneof(fc.integer({ min: -1, max: 5 }), fc.integer({ min: -1, max: 300 })),
  },
];

function encode(type: Type, v: Value): Uint8Array {
  const w = new Writer();
  encoderFor(type, undefined)(w, v);
  return w.buf.slice(0, w.pos);
}

/** `tail` bytes after the collection, so moves of what follows are checked too. */
const TAIL = [7, 200, 1, 9];

function scratchOf(bytes: Uint8Array, lead: number): ScratchState {
  const s = new ScratchState(4);
  const all = new Uint8Array(lead + bytes.length + TAIL.length);
  all.fill(0x42, 0, lead);
  all.set(bytes, lead);
  all.set(TAIL, lead + bytes.length);
  s.load(all);
  return s;
}

/** The scratch holds `expected` where the old value was (`oldSize` bytes), and `delta` is the change in size. */
/**
 * An insertion of `v` at `i` and a removal at `i` on sequence `xs` encoded as
 * `bytes` at `lead`, by `insert` and `remove` (each on a scratch of its own):
 * out of range, SEQ_SET_OUT_OF_RANGE; else the bytes of the runtime's result.
 */
function insertAndRemoveAgree(
  bytes: Uint8Array,
  lead: number,
  seqType: Type,
  xs: Value[],
  i: number,
  v: Value,
  insert: (s: ScratchState) => number,
  remove: (s: ScratchState) => number,
): void {
  const ins = scratchOf(bytes, lead);
  const di = insert(ins);
  if (!(i >= 0 && i <= xs.length)) expect(di).toBe(SEQ_SET_OUT_OF_RANGE);
  else collectionAfter(ins, lead, di, encode(seqType, rt.seqInsert(xs, [i, v], 0) as Value), bytes.length);
  const rem = scratchOf(bytes, lead);
  const dr = remove(rem);
  if (!(i >= 0 && i < xs.length)) expect(dr).toBe(SEQ_SET_OUT_OF_RANGE);
  else collectionAfter(rem, lead, dr, encode(seqType, rt.seqRemove(xs, i, 0) as Value), bytes.length);
}

function collectionAfter(
  s: ScratchState,
  lead: number,
  delta: number,
  expected: Uint8Array,
  oldSize: number,
): void {
  expect(Array.from(s.buf.subarray(lead, s.len - TAIL.length))).toEqual(Array.from(expected));
  expect(Array.from(s.buf.subarray(s.len - TAIL.length, s.len))).toEqual(TAIL);
  expect(Array.from(s.buf.subarray(0, lead)).every((x) => x === 0x42)).toBe(true);
  expect(s.len).toBe(lead + expected.length + TAIL.length);
  expect(delta).toBe(expected.length - oldSize);
}

describe("collections of scalars on the encoding", () => {
  for (const { kind, type, value } of KINDS) {
    const setType: Type = { kind: "set", elem: type } as Type;
    const seqType: Type = { kind: "seq", elem: type } as Type;
    const aSet = fc.uniqueArray(value).map((xs) => xs.slice().sort((a, b) => a - b));
    const lead = fc.integer({ min: 0, max: 3 });

    it(`set add, remove and membership (${type.kind})`, () => {
      fc.assert(
        fc.property(aSet, value, lead, (xs, v, n) => {
          const bytes = encode(setType, xs);
          expect(collectionHas(scratchOf(bytes, n).buf, n, v, kind)).toBe(xs.includes(v));
          const added = scratchOf(bytes, n);
          collectionAfter(
            added,
            n,
            setAdd(added, n, v, kind),
            encode(setType, rt.setAdd(xs, v) as Value),
            bytes.length,
          );
          const removed = scratchOf(bytes, n);
          collectionAfter(
            removed,
            n,
            setRemove(removed, n, v, kind),
            encode(setType, rt.setRemove(xs, v) as Value),
            bytes.length,
          );
        }),
        SEED,
      );
    });

    it(`set growth past 127 elements moves its length's varint (${type.kind})`, () => {
      const xs = Array.from({ length: 127 }, (_, i) => i);
      const before = encode(setType, xs);
      const s = scratchOf(before, 1);
      const grown = encode(setType, [...xs, 500]);
      collectionAfter(s, 1, setAdd(s, 1, 500, kind), grown, before.length);
      collectionAfter(
        s,
        1,
        setRemove(s, 1, 3, kind),
        encode(setType, [...xs.filter((x) => x !== 3), 500]),
        grown.length,
      );
    });

    it(`sequence get, set, insert and remove (${type.kind})`, () => {
      fc.assert(
        fc.property(
          fc.array(value, { maxLength: 12 }),
          fc.integer({ min: -1, max: 13 }),
          value,
          lead,
          (xs, i, v, n) => {
            const bytes = encode(seqType, xs);
            const s = scratchOf(bytes, n);
            const inRange = i >= 0 && i < xs.length;
            expect(elementAt(s.buf, n, i) === OUT_OF_RANGE).toBe(!inRange);
            if (kind === ScalarKind.Plain && xs.every((x) => x < 0x80))
              expect(byteElementAt(s.buf, n, i)).toBe(elementAt(s.buf, n, i));
            if (inRange) expect(seqGet(s.buf, n, i, kind)).toBe(xs[i]);
            const set = scratchOf(bytes, n);
            const d = seqSet(set, n, i, v, kind);
            if (!inRange) expect(d).toBe(SEQ_SET_OUT_OF_RANGE);
            else {
              const c = xs.slice();
              c[i] = v;
              collectionAfter(set, n, d, encode(seqType, c), bytes.length);
            }
            insertAndRemoveAgree(
              bytes,
              n,
              seqType,
              xs,
              i,
              v,
              (ins) => seqInsert(ins, n, i, v, kind),
              (rem) => seqRemove(rem, n, i),
            );
            expect(collectionHas(s.buf, n, v, kind)).toBe(xs.includes(v));
          },
        ),
        SEED,
      );
    });
  }
});

describe("collections of tuples on the encoding", () => {
  const BOOL = {
    kind: ScalarKind.Plain,
    type: { kind: "bool" } as Type,
    value: fc.integer({ min: 0, max: 1 }),
  };
  // Pairs of field kinds, a bool among them (a bool field's value is 0 or 1 here, as the raws are).
  const PAIRS = [
    [KINDS[2]!, KINDS[0]!],
    [KINDS[0]!, KINDS[1]!],
    [KINDS[1]!, BOOL],
    [BOOL, KINDS[2]!, KINDS[0]!],
  ];
  for (const parts of PAIRS) {
    const tupleType = { kind: "tuple", elems: parts.map((p) => p.type) } as Type;
    const setType = { kind: "set", elem: tupleType } as Type;
    const seqType = { kind: "seq", elem: tupleType } as Type;
    const fields: TupleField[] = parts.map((p) => ({ kind: p.kind, bool: p.type.kind === "bool" }));
    const label = parts.map((p) => p.type.kind).join(", ");
    // A tuple's value as the runtime holds it (a bool as a boolean), and its raw varints.
    const tuple = fc.tuple(...parts.map((p) => p.value));
    const runtimeValue = (t: number[]): Value => t.map((x, f) => (fields[f]!.bool ? x === 1 : x)) as Value;
    const rawsOf = (t: number[]): number[] => t.map((x, f) => toRaw(fields[f]!.kind, x));
    const lead = fc.integer({ min: 0, max: 3 });

    it(`set add, remove and membership (${label})`, () => {
      fc.assert(
        fc.property(fc.array(tuple, { maxLength: 10 }), tuple, lead, (ts, t, n) => {
          let xs: Value = [];
          for (const e of ts) xs = rt.setAdd(xs as Value[], runtimeValue(e)) as Value;
          const bytes = encode(setType, xs);
          const v = runtimeValue(t);
          const member = (xs as Value[]).some((e) => rt.compare(e, v) === 0);
          expect(tupleHas(scratchOf(bytes, n).buf, n, rawsOf(t), fields)).toBe(member);
          const added = scratchOf(bytes, n);
          const da = tupleSetAdd(added, n, rawsOf(t), fields);
          collectionAfter(added, n, da, encode(setType, rt.setAdd(xs as Value[], v) as Value), bytes.length);
          const removed = scratchOf(bytes, n);
          const dr = tupleSetRemove(removed, n, rawsOf(t), fields);
          collectionAfter(
            removed,
            n,
            dr,
            encode(setType, rt.setRemove(xs as Value[], v) as Value),
            bytes.length,
          );
          // Decoded, field after field, in the set's order.
          expect(tupleElements(bytes, 0, fields)).toEqual(
            (xs as Value[][]).flatMap((e) => e.map((x) => Number(x))),
          );
        }),
        SEED,
      );
    });

    it(`sequence insert, remove and membership (${label})`, () => {
      fc.assert(
        fc.property(
          fc.array(tuple, { maxLength: 10 }),
          fc.integer({ min: -1, max: 11 }),
          tuple,
          lead,
          (ts, i, t, n) => {
            const xs = ts.map(runtimeValue);
            const bytes = encode(seqType, xs as Value);
            const v = runtimeValue(t);
            expect(tupleHas(scratchOf(bytes, n).buf, n, rawsOf(t), fields)).toBe(
              xs.some((e) => rt.compare(e, v) === 0),
            );
            insertAndRemoveAgree(
              bytes,
              n,
              seqType,
              xs as Value[],
              i,
              v,
              (ins) => tupleSeqInsert(ins, n, i, rawsOf(t)),
              (rem) => seqRemove(rem, n, i, fields.length),
            );
          },
        ),
        SEED,
      );
    });
  }
});

describe("maps of scalars on the encoding", () => {
  // Every key kind with every value kind: a map's entries are its key then its value.
  for (const key of KINDS) {
    for (const value of KINDS) {
      const mapType = { kind: "map", key: key.type, value: value.type } as Type;
      const entries = fc
        .uniqueArray(fc.tuple(key.value, value.value), { selector: (e) => e[0], maxLength: 10 })
        .map((es) => es.sort((a, b) => a[0] - b[0]));
      const lead = fc.integer({ min: 0, max: 3 });

      it(`get, membership, put, remove, keys and values (${key.type.kind} to ${value.type.kind})`, () => {
        fc.assert(
          fc.property(entries, key.value, value.value, lead, (es, k, v, n) => {
            const m = es as unknown as rt.MapEntries<Value, Value>;
            const bytes = encode(mapType, m as unknown as Value);
            const b = scratchOf(bytes, n).buf;
            const at = es.findIndex((e) => e[0] === k);
            expect(mapHas(b, n, k, key.kind)).toBe(at >= 0);
            const valueAt = mapValueAt(b, n, k, key.kind);
            if (at < 0) expect(valueAt).toBe(OUT_OF_RANGE);
            else expect(fromRaw(value.kind, uintAt(b, valueAt))).toBe(es[at]![1]);
            expect(mapEnd(b, n)).toBe(n + bytes.length);
            expect(mapPart(b, n, 0, key.kind)).toEqual(es.map((e) => e[0]));
            expect(mapPart(b, n, 1, value.kind)).toEqual(es.map((e) => e[1]));
            const put = scratchOf(bytes, n);
            collectionAfter(
              put,
              n,
              mapPut(put, n, k, v, key.kind, value.kind),
              encode(mapType, rt.mapPut(m, k, v) as unknown as Value),
              bytes.length,
            );
            const removed = scratchOf(bytes, n);
            collectionAfter(
              removed,
              n,
              mapRemove(removed, n, k, key.kind),
              encode(mapType, rt.mapRemove(m, k) as unknown as Value),
              bytes.length,
            );
          }),
          { ...SEED, numRuns: 100 },
        );
      });
    }
  }
});

describe("channels on the encoding", () => {
  // Event 0 carries an int, event 1 nothing, event 2 a set of ints.
  const payloads: (Type | null)[] = [{ kind: "int" }, null, { kind: "set", elem: { kind: "int" } } as Type];
  type Msg = { event: number; payload: Value | null };
  type Channel = { from: number; to: number; msgs: Msg[] };
  const msgEnd: MessageEnd = (b, p) => {
    const e = b[p]!;
    const q = uintEnd(b, p);
    if (e === 0) return uintEnd(b, q);
    if (e === 2) return uintsEnd(b, uintEnd(b, q), b[q]!);
    return q;
  };
  const message: fc.Arbitrary<Msg> = fc.oneof(
    fc.integer().map((x) => ({ event: 0, payload: x })),
    fc.constant({ event: 1, payload: null }),
    fc
      .uniqueArray(fc.integer({ min: -3, max: 3 }), { maxLength: 3 })
      .map((xs) => ({ event: 2, payload: xs.sort((a, b) => a - b) })),
  );
  const channels: fc.Arbitrary<Channel[]> = fc
    .uniqueArray(
      fc.record({
        from: fc.integer({ min: 0, max: 3 }),
        to: fc.integer({ min: 0, max: 3 }),
        msgs: fc.array(message, { minLength: 1, maxLength: 3 }),
      }),
      { selector: (c) => `${c.from},${c.to}`, maxLength: 5 },
    )
    .map((cs) => cs.sort((a, b) => a.from - b.from || a.to - b.to));

  function writeMsg(w: Writer, m: Msg): void {
    w.uint(m.event);
    const t = payloads[m.event];
    if (t) encoderFor(t)(w, m.payload as Value);
  }
  function encodeSection(cs: Channel[]): Uint8Array {
    const w = new Writer();
    w.uint(cs.length);
    for (const c of cs) {
      w.uint(c.from);
      w.uint(c.to);
      w.uint(c.msgs.length);
      for (const m of c.msgs) writeMsg(w, m);
    }
    return w.buf.slice(0, w.pos);
  }

  it("a send appends to its channel, or makes it in its place", () => {
    fc.assert(
      fc.property(
        channels,
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 0, max: 3 }),
        message,
        (cs, from, to, m) => {
          const before = encodeSection(cs);
          const s = scratchOf(before, 2);
          const w = new Writer();
          writeMsg(w, m);
          const d = pushMessage(s, 2, from, to, w.buf, w.pos, msgEnd);
          const after = cs.map((c) => ({ ...c, msgs: c.msgs.slice() }));
          const c = after.find((x) => x.from === from && x.to === to);
          if (c) c.msgs.push(m);
          else after.push({ from, to, msgs: [m] });
          after.sort((a, b) => a.from - b.from || a.to - b.to);
          collectionAfter(s, 2, d, encodeSection(after), before.length);
        },
      ),
      SEED,
    );
  });

  it("a delivery takes the first message off its channel, and an emptied channel leaves", () => {
    fc.assert(
      fc.property(
        channels.filter((cs) => cs.length > 0),
        fc.nat(),
        (cs, k) => {
          const c = cs[k % cs.length]!;
          const before = encodeSection(cs);
          const s = scratchOf(before, 1);
          const q = findChannel(s.buf, 1, c.from, c.to, msgEnd);
          expect(channelFound).toBe(true);
          const d = popFirst(s, 1, q, msgEnd);
          const after = cs
            .map((x) => (x === c ? { ...x, msgs: x.msgs.slice(1) } : x))
            .filter((x) => x.msgs.length > 0);
          collectionAfter(s, 1, d, encodeSection(after), before.length);
        },
      ),
      SEED,
    );
  });
});

// From a seventh review: save and restore copy words through a view of the buffer, which must follow the buffer when it is replaced.
describe("a fork's save and restore (ScratchState)", () => {
  it("gives back the bytes saved, for every length mod 4, when the buffer grew before the save and between save and restore", () => {
    for (let len = 1; len <= 13; len++) {
      const s = new ScratchState(4);
      const bytes = Uint8Array.from({ length: len }, (_, i) => i + 1);
      // Past the first buffer: load replaces it.
      s.load(bytes);
      s.save();
      // A value's run grows the state past its buffer, which is replaced again, and rewrites it.
      s.resize(0, 0, 64);
      s.buf.fill(0xee, 0, s.len);
      s.restore();
      expect(s.len).toBe(len);
      expect(Array.from(s.buf.subarray(0, len))).toEqual(Array.from(bytes));
      // The next value: no growth this time.
      s.buf.fill(0xdd, 0, s.len);
      s.restore();
      expect(Array.from(s.buf.subarray(0, len))).toEqual(Array.from(bytes));
      // A resize after the restore moves exactly the state's bytes.
      s.resize(0, 0, 1);
      s.buf[0] = 0;
      expect(Array.from(s.buf.subarray(1, s.len))).toEqual(Array.from(bytes));
    }
  });
});
