// Operations on a state's canonical encoding (codec.ts) in place: the first
// part of ADR 0015's step 1, a back end whose successors are computed on the
// encoded bytes instead of on copy-on-write objects. What code running on
// bytes needs: read and write scalars where they lie, read, add to and remove
// from collections of scalars, and take messages from and put them on
// channels, each leaving exactly the bytes StateCodec.encode would write for
// the changed state (the tests compare them, value by value, with the codec).
//
// Hand-written rather than taken from a library: this is the hot path the
// back end exists for, and its format is the codec's own.
//
// Scalars (int, bool, enum, machine and event ids) are all one unsigned
// varint in the encoding: an int zigzagged, a bool as 0 or 1 (one byte, which
// reads as the same varint), an enum as its ordinal, an id plus one. A
// collection of scalars is its length then its elements; a set's elements are
// in the order of their values (runtime.ts `compare`), which for every scalar
// kind but int is the order of the raw varints.

/** How a scalar's value is stored as an unsigned varint. */
export const ScalarKind = {
  /** Zigzag: 0, -1, 1, -2, ... as 0, 1, 2, 3, ... */
  Int: 0,
  /** As is: enums' ordinals, bools as 0 and 1. */
  Plain: 1,
  /** Plus one: machine and event ids (-1, none, as 0). */
  Id: 2,
} as const;
export type ScalarKind = (typeof ScalarKind)[keyof typeof ScalarKind];

/** How a variable of a machine or monitor is stored (generate-byte-code.ts varLayout gives it for a type). */
export interface VarLayout {
  /**
   * A scalar: one varint. Else a collection of scalars: its length, then its
   * elements; or a map (`value` not null): its length, then each entry's key and value.
   */
  collection: boolean;
  /** The scalar's kind, or the elements' (a map's keys'). */
  kind: ScalarKind;
  /** The scalar, or the elements, are bools (a JavaScript boolean in the code). */
  bool: boolean;
  /** The elements take one byte each (bools, enums of fewer than 128 members). */
  oneByte: boolean;
  /** A map's values: their kind, and whether they are bools. */
  value: { kind: ScalarKind; bool: boolean } | null;
  /**
   * A sequence or set of tuples of scalars: each element's fields (each one
   * varint, in order; `kind`, `bool` and `oneByte` are then the first
   * field's). Null for a scalar, a map, or a collection of scalars.
   */
  fields: readonly TupleField[] | null;
  /** A set (its elements in order, without repeats), not a sequence or a map. */
  set: boolean;
}

/** A field of a tuple element (VarLayout.fields). */
export interface TupleField {
  kind: ScalarKind;
  bool: boolean;
}

/** Varints per element of a collection stored as `layout` says: a tuple's fields, else one. */
export function arityOf(layout: VarLayout): number {
  return layout.fields === null ? 1 : layout.fields.length;
}

/** Where the variable at `p`, stored as `layout` says, ends. */
export function varEnd(b: Uint8Array, p: number, layout: VarLayout): number {
  if (!layout.collection) return uintEnd(b, p);
  return layout.value === null ? scalarsEnd(b, p, arityOf(layout)) : mapEnd(b, p);
}

/** The raw varint that stores `v`. */
export function toRaw(kind: ScalarKind, v: number): number {
  if (kind === ScalarKind.Int) return ((v << 1) ^ (v >> 31)) >>> 0;
  return kind === ScalarKind.Id ? v + 1 : v;
}

/** The value a raw varint stores. */
export function fromRaw(kind: ScalarKind, raw: number): number {
  if (kind === ScalarKind.Int) return (raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2) | 0;
  return kind === ScalarKind.Id ? raw - 1 : raw;
}

/** The varint at `p` (below 2^32, as the codec writes them). */
export function uintAt(b: Uint8Array, p: number): number {
  const b0 = b[p]!;
  if (b0 < 0x80) return b0;
  let v = b0 & 0x7f;
  let shift = 7;
  for (;;) {
    const x = b[++p]!;
    v += (x & 0x7f) * 2 ** shift;
    if (x < 0x80) return v;
    shift += 7;
    // Past a codec's longest varint: a wrong offset, read into the bytes past the state (undefined
    // there would loop forever). An internal error, not HAND_OVER, so a bug cannot pass for a step.
    if (shift > 35) noVarint(b, p);
  }
}

/** uintAt found no varint (kept out of it, which V8 then inlines as before). */
function noVarint(b: Uint8Array, p: number): never {
  throw new Error(`internal error: no varint at ${p} of ${b.length} bytes`);
}

/** Where the varint at `p` ends. */
export function uintEnd(b: Uint8Array, p: number): number {
  while (b[p]! >= 0x80) p++;
  return p + 1;
}

/** Bytes the varint of `v` takes. */
export function uintSize(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

/** Writes the varint of `v` at `p` (the room is there); returns where it ends. */
export function writeUint(b: Uint8Array, p: number, v: number): number {
  while (v >= 0x80) {
    b[p++] = (v & 0x7f) | 0x80;
    v = Math.floor(v / 128);
  }
  b[p++] = v;
  return p;
}

/** Where the `count` varints from `p` end. */
export function uintsEnd(b: Uint8Array, p: number, count: number): number {
  for (let i = 0; i < count; i++) {
    while (b[p]! >= 0x80) p++;
    p++;
  }
  return p;
}

/** Where the collection of scalars at `p` (its length, then its elements, each `arity` varints) ends. */
export function scalarsEnd(b: Uint8Array, p: number, arity = 1): number {
  const n = uintAt(b, p);
  return uintsEnd(b, uintEnd(b, p), n * arity);
}

/** The elements of the sequence or set of scalars at `p`, decoded as `kind`. */
export function collectionElements(b: Uint8Array, p: number, kind: ScalarKind): number[] {
  const n = uintAt(b, p);
  const out: number[] = new Array(n);
  let q = uintEnd(b, p);
  for (let i = 0; i < n; i++) {
    out[i] = fromRaw(kind, uintAt(b, q));
    q = uintEnd(b, q);
  }
  return out;
}

/** A buffer of at least n bytes, a whole number of words. */
function wholeWords(n: number): Uint8Array {
  return new Uint8Array((n + 3) & ~3);
}

/**
 * A state being built: a copy of its parent's encoding that a step rewrites
 * in place. Growing or shrinking a part moves every byte after it, so callers
 * that keep offsets past a change add `resize`'s delta to them.
 */
export class ScratchState {
  /** The state is bytes [0, len). Read it anywhere; only `use` replaces it, keeping `words` in step. */
  buf: Uint8Array;
  len = 0;
  /** buf as words (read only): a fork's save and restore copy a word at a time (buffers are whole words long), and the fingerprint reads them. */
  words: Int32Array;

  constructor(capacity = 256) {
    this.buf = wholeWords(capacity);
    this.words = new Int32Array(this.buf.buffer);
  }

  private use(buf: Uint8Array): void {
    this.buf = buf;
    this.words = new Int32Array(buf.buffer);
  }

  /** Starts from `src`'s bytes [from, to). */
  load(src: Uint8Array, from = 0, to = src.length): void {
    const n = to - from;
    if (n > this.buf.length) this.use(wholeWords(Math.max(2 * this.buf.length, n)));
    const buf = this.buf;
    // A whole array (a state the explorer expands) is one memcpy: 15 ns for 32 or 100 bytes, where a
    // loop of byte copies took 65 ns for 32 and a subarray (an object) to pass to set 48 ns for 100.
    if (from === 0 && to === src.length) buf.set(src);
    else if (n < 64) for (let i = 0; i < n; i++) buf[i] = src[from + i]!;
    else buf.set(src.subarray(from, to));
    this.len = n;
  }

  /** A copy of the bytes as they are (a fork: each chosen value goes on from them). */
  private saved = new Int32Array(0);
  private savedLen = 0;

  save(): void {
    const n = this.len;
    const words = (n + 3) >> 2;
    if (this.saved.length < words) this.saved = new Int32Array(this.words.length);
    const from = this.words;
    const to = this.saved;
    for (let i = 0; i < words; i++) to[i] = from[i]!;
    this.savedLen = n;
  }

  /** Back to the bytes of the last `save` (and up to three after them, which no one reads). */
  restore(): void {
    const n = this.savedLen;
    const words = (n + 3) >> 2;
    if (this.words.length < words) this.use(wholeWords(4 * this.saved.length));
    const from = this.saved;
    const to = this.words;
    for (let i = 0; i < words; i++) to[i] = from[i]!;
    this.len = n;
  }

  /** The bytes so far, as a new array (a state that outlives the scratch). */
  copy(): Uint8Array {
    return this.buf.slice(0, this.len);
  }

  /** Makes bytes [at, at + oldSize) take newSize bytes, moving the rest; returns newSize - oldSize. */
  resize(at: number, oldSize: number, newSize: number): number {
    const delta = newSize - oldSize;
    if (delta === 0) return 0;
    const tail = at + oldSize;
    if (this.len + delta > this.buf.length) {
      const grown = wholeWords(Math.max(2 * this.buf.length, this.len + delta));
      grown.set(this.buf.subarray(0, this.len));
      this.use(grown);
    }
    const buf = this.buf;
    if (this.len - tail < 32) {
      if (delta > 0) for (let i = this.len - 1; i >= tail; i--) buf[i + delta] = buf[i]!;
      else for (let i = tail; i < this.len; i++) buf[i + delta] = buf[i]!;
    } else buf.copyWithin(tail + delta, tail, this.len);
    this.len += delta;
    return delta;
  }

  /** Writes the varint of `v` over the varint at `p`; returns the change in size. */
  setUint(p: number, v: number): number {
    const old = uintEnd(this.buf, p) - p;
    const delta = this.resize(p, old, uintSize(v));
    writeUint(this.buf, p, v);
    return delta;
  }
}

/** A set of scalars written out, as runtime.ts `setOf` builds its value: sorted, without repeats (in place). */
export function setOf<T extends number | boolean>(elems: T[]): T[] {
  elems.sort((a, b) => Number(a) - Number(b));
  let w = 0;
  for (let r = 0; r < elems.length; r++) if (w === 0 || elems[w - 1] !== elems[r]) elems[w++] = elems[r]!;
  elems.length = w;
  return elems;
}

/** Outcome of an index out of range: the object runtime reports it (the back end hands the step over). */
export const OUT_OF_RANGE = -1;

/**
 * Where element `i` of the collection at `p` starts, or OUT_OF_RANGE.
 * Elements of one byte each (enums below 128, bools) are found without a scan.
 */
export function elementAt(b: Uint8Array, p: number, i: number): number {
  const n = uintAt(b, p);
  if (!(i >= 0 && i < n)) return OUT_OF_RANGE;
  const first = uintEnd(b, p);
  return uintsEnd(b, first, i);
}

/**
 * elementAt for a collection whose elements take one byte each (bools, and
 * enums of fewer than 128 members, whose ordinals are one-byte varints):
 * no scan when the length is one byte too.
 */
export function byteElementAt(b: Uint8Array, p: number, i: number): number {
  const n = b[p]!;
  if (n >= 0x80) return elementAt(b, p, i);
  return i >= 0 && i < n ? p + 1 + i : OUT_OF_RANGE;
}

/** Element `i` of the sequence at `p`; the caller checked the index (`elementAt`). */
export function seqGet(b: Uint8Array, p: number, i: number, kind: ScalarKind): number {
  return fromRaw(kind, uintAt(b, elementAt(b, p, i)));
}

/** `s[i] = v` for the sequence at `p`; returns the change in size, or OUT_OF_RANGE - 1 (never a size change) when i is out of range. */
export function seqSet(s: ScratchState, p: number, i: number, v: number, kind: ScalarKind): number {
  const at = elementAt(s.buf, p, i);
  if (at === OUT_OF_RANGE) return SEQ_SET_OUT_OF_RANGE;
  return s.setUint(at, toRaw(kind, v));
}

/** seqSet's answer for an index out of range. */
export const SEQ_SET_OUT_OF_RANGE = -(2 ** 31);

/** Whether the collection at `p` holds `v` (a sequence or a set: a scan). */
export function collectionHas(b: Uint8Array, p: number, v: number, kind: ScalarKind): boolean {
  const raw = toRaw(kind, v);
  const n = uintAt(b, p);
  let q = uintEnd(b, p);
  for (let i = 0; i < n; i++) {
    const x = b[q]!;
    if (x < 0x80) {
      if (x === raw) return true;
      q++;
    } else {
      if (uintAt(b, q) === raw) return true;
      q = uintEnd(b, q);
    }
  }
  return false;
}

/**
 * Where `v` is or would go in the sorted collection at `p` (its length, then
 * its entries of `stride` varints, sorted by their first: a set's elements,
 * stride 1, or a map's keys, stride 2): its offset, with `found` telling
 * which. (Module state, so the hot path allocates nothing.)
 */
let found = false;

function sortedPosition(b: Uint8Array, p: number, v: number, kind: ScalarKind, stride: 1 | 2): number {
  const n = uintAt(b, p);
  let q = uintEnd(b, p);
  const raw = toRaw(kind, v);
  for (let i = 0; i < n; i++) {
    const x = uintAt(b, q);
    if (x === raw) {
      found = true;
      return q;
    }
    if (greater(kind, x, raw)) break;
    q = stride === 1 ? uintEnd(b, q) : uintsEnd(b, q, 2);
  }
  found = false;
  return q;
}

/** Whether the element stored as `x` sorts after the one stored as `raw` (runtime.ts `compare` on their values). */
function greater(kind: ScalarKind, x: number, raw: number): boolean {
  return kind === ScalarKind.Int ? fromRaw(kind, x) > fromRaw(kind, raw) : x > raw;
}

/** `s += (v)` for the set at `p`; returns the change in size (0 when v was there). */
export function setAdd(s: ScratchState, p: number, v: number, kind: ScalarKind): number {
  const at = sortedPosition(s.buf, p, v, kind, 1);
  if (found) return 0;
  const raw = toRaw(kind, v);
  const n = uintAt(s.buf, p);
  // The element first (it lies after the length), then the length, whose size may change.
  const grew = s.resize(at, 0, uintSize(raw));
  writeUint(s.buf, at, raw);
  return grew + s.setUint(p, n + 1);
}

/** `s -= (v)` for the set at `p`; returns the change in size (0 when v was not there). */
export function setRemove(s: ScratchState, p: number, v: number, kind: ScalarKind): number {
  const at = sortedPosition(s.buf, p, v, kind, 1);
  if (!found) return 0;
  const n = uintAt(s.buf, p);
  const shrank = s.resize(at, uintEnd(s.buf, at) - at, 0);
  return shrank + s.setUint(p, n - 1);
}

/** `s += (i, v)` for the sequence at `p` (i may be its length: append); returns the change in size, or SEQ_SET_OUT_OF_RANGE. */
export function seqInsert(s: ScratchState, p: number, i: number, v: number, kind: ScalarKind): number {
  const n = uintAt(s.buf, p);
  if (!(i >= 0 && i <= n)) return SEQ_SET_OUT_OF_RANGE;
  const at = uintsEnd(s.buf, uintEnd(s.buf, p), i);
  const raw = toRaw(kind, v);
  const grew = s.resize(at, 0, uintSize(raw));
  writeUint(s.buf, at, raw);
  return grew + s.setUint(p, n + 1);
}

/**
 * `s -= (i)` for the sequence at `p`, of elements of `arity` varints each (a
 * tuple's fields; one for scalars); returns the change in size, or
 * SEQ_SET_OUT_OF_RANGE.
 */
export function seqRemove(s: ScratchState, p: number, i: number, arity = 1): number {
  const n = uintAt(s.buf, p);
  if (!(i >= 0 && i < n)) return SEQ_SET_OUT_OF_RANGE;
  const at = uintsEnd(s.buf, uintEnd(s.buf, p), i * arity);
  const removed = s.resize(at, uintsEnd(s.buf, at, arity) - at, 0);
  return removed + s.setUint(p, n - 1);
}

// ---------------------------------------------------------------- collections of tuples
//
// A sequence or set of tuples of scalars (codec.ts): its length, then each
// element's fields, one varint each; a set's elements in the order of
// runtime.ts `compare` on tuples, field by field. An element is given as
// its fields' raw varints (`raws`), the fields' kinds as `fields` says.

/** The tuple at `q` against the one whose raw fields are `raws`, as `compare` orders their values. */
function compareTuple(
  b: Uint8Array,
  q: number,
  raws: readonly number[],
  fields: readonly TupleField[],
): number {
  for (let f = 0; f < raws.length; f++) {
    const x = uintAt(b, q);
    const raw = raws[f]!;
    if (x !== raw) {
      const kind = fields[f]!.kind;
      return kind === ScalarKind.Int ? fromRaw(kind, x) - fromRaw(kind, raw) : x - raw;
    }
    q = uintEnd(b, q);
  }
  return 0;
}

/** Whether the collection of tuples at `p` holds the one of `raws` (a scan of a sequence's or a set's). */
export function tupleHas(
  b: Uint8Array,
  p: number,
  raws: readonly number[],
  fields: readonly TupleField[],
): boolean {
  tuplePosition(b, p, raws, fields, false);
  return found;
}

/**
 * Where the tuple of `raws` is in the collection at `p` (`found` says
 * whether), or, in a set (`sorted`), where it would go: a set's scan stops
 * at the first greater element.
 */
function tuplePosition(
  b: Uint8Array,
  p: number,
  raws: readonly number[],
  fields: readonly TupleField[],
  sorted: boolean,
): number {
  const n = uintAt(b, p);
  let q = uintEnd(b, p);
  for (let i = 0; i < n; i++) {
    const c = compareTuple(b, q, raws, fields);
    if (c === 0) {
      found = true;
      return q;
    }
    if (c > 0 && sorted) break;
    q = uintsEnd(b, q, raws.length);
  }
  found = false;
  return q;
}

/** The bytes of the tuple of `raws`, written at `at` (the room is there). */
function writeTuple(b: Uint8Array, at: number, raws: readonly number[]): void {
  for (let f = 0; f < raws.length; f++) at = writeUint(b, at, raws[f]!);
}

/** Bytes the tuple of `raws` takes. */
function tupleSize(raws: readonly number[]): number {
  let size = 0;
  for (let f = 0; f < raws.length; f++) size += uintSize(raws[f]!);
  return size;
}

/** `s += (t)` for the set of tuples at `p`; returns the change in size (0 when t was there). */
export function tupleSetAdd(
  s: ScratchState,
  p: number,
  raws: readonly number[],
  fields: readonly TupleField[],
): number {
  const at = tuplePosition(s.buf, p, raws, fields, true);
  if (found) return 0;
  const n = uintAt(s.buf, p);
  // The element first (it lies after the length), then the length, whose size may change.
  const grew = s.resize(at, 0, tupleSize(raws));
  writeTuple(s.buf, at, raws);
  return grew + s.setUint(p, n + 1);
}

/** `s -= (t)` for the set of tuples at `p`; returns the change in size (0 when t was not there). */
export function tupleSetRemove(
  s: ScratchState,
  p: number,
  raws: readonly number[],
  fields: readonly TupleField[],
): number {
  const at = tuplePosition(s.buf, p, raws, fields, true);
  if (!found) return 0;
  const n = uintAt(s.buf, p);
  const shrank = s.resize(at, uintsEnd(s.buf, at, raws.length) - at, 0);
  return shrank + s.setUint(p, n - 1);
}

/** `q += (i, t)` for the sequence of tuples at `p` (i may be its length); the change in size, or SEQ_SET_OUT_OF_RANGE. */
export function tupleSeqInsert(s: ScratchState, p: number, i: number, raws: readonly number[]): number {
  const n = uintAt(s.buf, p);
  if (!(i >= 0 && i <= n)) return SEQ_SET_OUT_OF_RANGE;
  const at = uintsEnd(s.buf, uintEnd(s.buf, p), i * raws.length);
  const grew = s.resize(at, 0, tupleSize(raws));
  writeTuple(s.buf, at, raws);
  return grew + s.setUint(p, n + 1);
}

/** The elements of the collection of tuples at `p`, decoded: their fields one after another (a bool as 0 or 1). */
export function tupleElements(b: Uint8Array, p: number, fields: readonly TupleField[]): number[] {
  const n = uintAt(b, p);
  const arity = fields.length;
  const out: number[] = new Array(n * arity);
  let q = uintEnd(b, p);
  for (let i = 0; i < n * arity; i++) {
    out[i] = fromRaw(fields[i % arity]!.kind, uintAt(b, q));
    q = uintEnd(b, q);
  }
  return out;
}

// ---------------------------------------------------------------- maps
//
// A map from scalars to scalars (codec.ts): its number of entries, then each
// entry's key and value (two varints), in the order of the keys' values.

/** Where the map at `p` ends. */
export function mapEnd(b: Uint8Array, p: number): number {
  return uintsEnd(b, uintEnd(b, p), 2 * uintAt(b, p));
}

/** `k in m` for the map at `p`. */
export function mapHas(b: Uint8Array, p: number, k: number, kind: ScalarKind): boolean {
  sortedPosition(b, p, k, kind, 2);
  return found;
}

/** Where the value of key `k` is in the map at `p`, or OUT_OF_RANGE when the map has no such key. */
export function mapValueAt(b: Uint8Array, p: number, k: number, kind: ScalarKind): number {
  const at = sortedPosition(b, p, k, kind, 2);
  return found ? uintEnd(b, at) : OUT_OF_RANGE;
}

/** `m[k] = v` (and `m += (k, v)`) for the map at `p`; returns the change in size. */
export function mapPut(
  s: ScratchState,
  p: number,
  k: number,
  v: number,
  kind: ScalarKind,
  valueKind: ScalarKind,
): number {
  const at = sortedPosition(s.buf, p, k, kind, 2);
  const value = toRaw(valueKind, v);
  if (found) return s.setUint(uintEnd(s.buf, at), value);
  const key = toRaw(kind, k);
  const n = uintAt(s.buf, p);
  // The entry first (it lies after the length), then the length, whose size may change.
  const grew = s.resize(at, 0, uintSize(key) + uintSize(value));
  writeUint(s.buf, writeUint(s.buf, at, key), value);
  return grew + s.setUint(p, n + 1);
}

/** `m -= (k)` for the map at `p`; returns the change in size (0 when k was not there). */
export function mapRemove(s: ScratchState, p: number, k: number, kind: ScalarKind): number {
  const at = sortedPosition(s.buf, p, k, kind, 2);
  if (!found) return 0;
  const n = uintAt(s.buf, p);
  const removed = s.resize(at, uintsEnd(s.buf, at, 2) - at, 0);
  return removed + s.setUint(p, n - 1);
}

/** The keys (`part` 0) or values (1) of the map at `p`, in the keys' order, decoded as `kind`. */
export function mapPart(b: Uint8Array, p: number, part: 0 | 1, kind: ScalarKind): number[] {
  const n = uintAt(b, p);
  const out: number[] = new Array(n);
  let q = uintEnd(b, p);
  for (let i = 0; i < n; i++) {
    if (part === 1) q = uintEnd(b, q);
    out[i] = fromRaw(kind, uintAt(b, q));
    q = uintEnd(b, q);
    if (part === 0) q = uintEnd(b, q);
  }
  return out;
}

// ---------------------------------------------------------------- channels
//
// The channel section (codec.ts, StateCodec.encode): the number of non-empty
// channels, then each, sorted by (from, to): from, to, the number of messages,
// then the messages, each its event and then its payload in the event's
// payload encoding.

/** Where a message starts -> where it ends (its event's payload skipped). */
export type MessageEnd = (b: Uint8Array, p: number) => number;

/** Whether the last findChannel found the channel (module state: nothing allocated). */
export let channelFound = false;

/**
 * Where channel (from, to) is in the channel section at `p`, or where it
 * would be inserted (channelFound says which). Channels are sorted by (from, to).
 */
export function findChannel(b: Uint8Array, p: number, from: number, to: number, msgEnd: MessageEnd): number {
  const n = uintAt(b, p);
  let q = uintEnd(b, p);
  for (let i = 0; i < n; i++) {
    const f = uintAt(b, q);
    const afterFrom = uintEnd(b, q);
    const t = uintAt(b, afterFrom);
    if (f > from || (f === from && t >= to)) {
      channelFound = f === from && t === to;
      return q;
    }
    q = channelEnd(b, q, msgEnd);
  }
  channelFound = false;
  return q;
}

/** Where the channel at `q` ends. */
export function channelEnd(b: Uint8Array, q: number, msgEnd: MessageEnd): number {
  q = uintsEnd(b, q, 2);
  const count = uintAt(b, q);
  q = uintEnd(b, q);
  for (let i = 0; i < count; i++) q = msgEnd(b, q);
  return q;
}

/** Where the first message of the channel at `q` starts. */
export function firstMessage(b: Uint8Array, q: number): number {
  return uintEnd(b, uintsEnd(b, q, 2));
}

/**
 * Takes the first message off the channel at `q` of the channel section at
 * `p` (a delivery): an emptied channel leaves the section. Returns the change
 * in size.
 */
export function popFirst(s: ScratchState, p: number, q: number, msgEnd: MessageEnd): number {
  const countAt = uintsEnd(s.buf, q, 2);
  const count = uintAt(s.buf, countAt);
  if (count === 1) {
    // removeChannel, written out: a delivery's hot path, where V8 did not inline the call.
    const removed = s.resize(q, channelEnd(s.buf, q, msgEnd) - q, 0);
    return removed + s.setUint(p, uintAt(s.buf, p) - 1);
  }
  const first = uintEnd(s.buf, countAt);
  const removed = s.resize(first, msgEnd(s.buf, first) - first, 0);
  return removed + s.setUint(countAt, count - 1);
}

/** Removes the channel at `q` from the channel section at `p`; returns the change in size. */
export function removeChannel(s: ScratchState, p: number, q: number, msgEnd: MessageEnd): number {
  const removed = s.resize(q, channelEnd(s.buf, q, msgEnd) - q, 0);
  return removed + s.setUint(p, uintAt(s.buf, p) - 1);
}

/**
 * Message `i` of the channel at `q` (in the section at `p`), the one at
 * bytes [m, end), dropped (taken out; an emptied channel leaves the section)
 * or duplicated (a copy right after it). Returns the change in size.
 */
export function dropOrCopy(
  s: ScratchState,
  p: number,
  q: number,
  m: number,
  end: number,
  copy: boolean,
  msgEnd: MessageEnd,
): number {
  const countAt = uintsEnd(s.buf, q, 2);
  const count = uintAt(s.buf, countAt);
  if (!copy) {
    if (count === 1) return removeChannel(s, p, q, msgEnd);
    const removed = s.resize(m, end - m, 0);
    return removed + s.setUint(countAt, count - 1);
  }
  const size = end - m;
  const delta = s.resize(end, 0, size);
  s.buf.copyWithin(end, m, end);
  return delta + s.setUint(countAt, count + 1);
}

/**
 * Puts the message in bytes [0, size) of `msg` into channel (from, to) of
 * the channel section at `p` (a send), making the channel if it was empty:
 * at the channel's end, or, given `after`, before the first message `after`
 * says comes after it (an unordered network keeps a channel sorted,
 * executor.ts enqueue). Returns the change in size.
 */
export function pushMessage(
  s: ScratchState,
  p: number,
  from: number,
  to: number,
  msg: Uint8Array,
  size: number,
  msgEnd: MessageEnd,
  after: ((b: Uint8Array, m: number, msg: Uint8Array) => boolean) | null = null,
): number {
  const q = findChannel(s.buf, p, from, to, msgEnd);
  if (!channelFound) {
    // A new channel: from, to, one message; then one more channel in the count.
    const head = uintSize(from) + uintSize(to) + 1;
    let delta = s.resize(q, 0, head + size);
    let w = writeUint(s.buf, q, from);
    w = writeUint(s.buf, w, to);
    s.buf[w++] = 1;
    for (let i = 0; i < size; i++) s.buf[w + i] = msg[i]!;
    delta += s.setUint(p, uintAt(s.buf, p) + 1);
    return delta;
  }
  const countAt = uintsEnd(s.buf, q, 2);
  const count = uintAt(s.buf, countAt);
  let at: number;
  if (after === null) at = channelEnd(s.buf, q, msgEnd);
  else {
    at = uintEnd(s.buf, countAt);
    for (let i = 0; i < count && !after(s.buf, at, msg); i++) at = msgEnd(s.buf, at);
  }
  let delta = s.resize(at, 0, size);
  for (let i = 0; i < size; i++) s.buf[at + i] = msg[i]!;
  delta += s.setUint(countAt, count + 1);
  return delta;
}
