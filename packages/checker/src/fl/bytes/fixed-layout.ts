// ADR 0015's fixed-width layout: every part of a state at an offset known
// before the search starts, so that the generated code reads and writes a
// variable where it lies, with no parse of the state, no varint that grows
// and moves what follows, and no channel section to search.
//
// The layout is planned per run from the values a short breadth-first search
// on the canonical encoding met (ObservedBounds), with room to spare
// (planLayout). Within it, every state has exactly one encoding (a
// one-to-one map from the canonical encoding: unused room is zero), so a
// fingerprint of these bytes identifies a state as the canonical encoding's
// does. A value that does not fit (LayoutOverflow) stops the run, which the
// checker then runs again on the canonical encoding (fixed-model.ts).
//
// What a state holds, in the canonical encoding's order:
//   each machine: its type, state * 3 + status, its armed timers (for types
//     that have timers), one byte each; then its variables' slots;
//   each spec monitor: its state (a byte), then its variables' slots;
//   each channel met in the plan's search, sorted by (from, to): its count of
//     messages (a byte), then `capacity` message slots of `slotWidth` bytes:
//     the event (a byte), then each payload field (a padded varint of the
//     field's width), then zeros.
// A slot:
//   Scalar: the raw varint (state-bytes.ts), padded to `width` bytes (a
//     varint whose high bits are zero groups: uintAt reads it as it is, so
//     generated code reads a scalar in either layout alike).
//   Seq, SetArray: the number of elements (a byte), then `capacity` elements
//     of `width` bytes each, padded raw varints; a set's in the canonical
//     order; the room past the last is zero.
//   SetMask: a set of small non-negative values (an id as its raw varint) as
//     a little-endian bit mask of `width` bytes (1, 2 or 4).
import {
  fromRaw,
  ScalarKind,
  toRaw,
  uintAt,
  uintEnd,
  uintSize,
  type VarLayout,
  varEnd,
  writeUint,
} from "./state-bytes.js";

/** How a variable is stored in the fixed layout (above). */
export const Slot = { Scalar: 0, Seq: 1, SetArray: 2, SetMask: 3 } as const;
export type SlotKind = (typeof Slot)[keyof typeof Slot];

export interface FixedSlot {
  kind: SlotKind;
  layout: VarLayout;
  /** A scalar's bytes; a Seq's or SetArray's bytes per element; a SetMask's bytes (1, 2 or 4). */
  width: number;
  /** A Seq's or SetArray's most elements (below 128: its count is a byte); else 0. */
  capacity: number;
}

/** The bytes a slot takes. */
export function slotSize(s: FixedSlot): number {
  return s.kind === Slot.Scalar || s.kind === Slot.SetMask ? s.width : 1 + s.capacity * s.width;
}

/** An owner's (machine type's or spec monitor's) variables, slot by slot (ByteProgram.layouts). */
export interface FixedOwner {
  slots: readonly FixedSlot[];
  /** Each slot's offset from the first's. */
  offsets: Int32Array<ArrayBuffer>;
  /** The bytes its slots take. */
  size: number;
  /** Per slot, three numbers (kind, width, capacity): what FixedRun reads on the hot path. */
  meta: Int32Array<ArrayBuffer>;
}

export interface FixedChannel {
  from: number;
  to: number;
  /** Offset of its count; its message slots follow. */
  at: number;
  capacity: number;
}

export interface FixedPlan {
  /** Bytes of every state. */
  length: number;
  /** The machines: their number, each one's type, and where each one's part (its type byte) starts. */
  n: number;
  types: Int32Array;
  machineAt: Int32Array<ArrayBuffer>;
  /** By machine id: its variables' offsets (ByteRun.vo). */
  vo: readonly Int32Array<ArrayBuffer>[];
  /** By machine type, then by spec monitor: the owners' slots. */
  owners: readonly FixedOwner[];
  /** By machine type: it has timers (a byte of armed timers follows its state). */
  timed: readonly boolean[];
  /** By spec monitor: where its state byte is, and its variables' offsets. */
  monitorAt: Int32Array<ArrayBuffer>;
  mvo: readonly Int32Array<ArrayBuffer>[];
  /** The channels, sorted by (from, to), and by from * n + to each one's index (or -1: none planned). */
  channels: readonly FixedChannel[];
  channelOf: Int32Array;
  /** Bytes of each message slot: the event, then the widest payload's fields. */
  slotWidth: number;
  /** By event: each payload field's width, and its layout. */
  fieldWidths: readonly Int32Array[];
  payloads: readonly (readonly VarLayout[])[];
  /** A bound on the canonical encoding's length of any state of this layout (toCanonical's buffer). */
  canonicalBound: number;
}

/**
 * A value that the layout has no room for: the run stops, and runs again on
 * the canonical encoding (fixed-model.ts). Never a failure of the model.
 */
export class LayoutOverflow extends Error {
  constructor(readonly what: string) {
    super(`the fixed-width layout has no room for ${what}`);
  }
}

/** What the program's layouts say about states (ByteProgram's tables, monitors after machine types). */
export interface LayoutShape {
  /** By owner (machine types, then spec monitors): its variables' layouts. */
  layouts: readonly (readonly VarLayout[])[];
  nTypes: number;
  timed: readonly boolean[];
  /** By event: its payload's fields. */
  payloads: readonly (readonly VarLayout[])[];
}

/** The largest values one slot held in the states observed. */
interface SlotBounds {
  /** A scalar's, or any element's, largest raw varint. */
  maxRaw: number;
  /** A collection's most elements. */
  maxCount: number;
  /** The smallest and largest bit of a set's elements in a SetMask (bitOf; -1 for an element that has none). */
  minMasked: number;
  maxMasked: number;
}

/** The bounds of everything a state holds, over the states observed. */
export class ObservedBounds {
  n = -1;
  types: number[] = [];
  /** Machines came and went, or changed type: no fixed layout. */
  varying = false;
  readonly owners: SlotBounds[][];
  /** By from * 65536 + to: the channel's most messages. */
  readonly channels = new Map<number, number>();
  /** By event, field: the largest raw varint. */
  readonly fields: number[][];

  constructor(readonly shape: LayoutShape) {
    this.owners = shape.layouts.map((l) =>
      l.map(() => ({ maxRaw: 0, maxCount: 0, minMasked: 0, maxMasked: -1 })),
    );
    this.fields = shape.payloads.map((p) => p.map(() => 0));
  }

  /** Takes in the bounds of the canonical encoding `b` (codec.ts: no payloads kept, no budgets, no cut). */
  observe(b: Uint8Array): void {
    const shape = this.shape;
    const n = uintAt(b, 0);
    let p = uintEnd(b, 0);
    if (this.n < 0) this.n = n;
    else if (this.n !== n) this.varying = true;
    for (let id = 0; id < n; id++) {
      const type = uintAt(b, p);
      if (this.types.length <= id) this.types[id] = type;
      else if (this.types[id] !== type) this.varying = true;
      p = uintEnd(b, uintEnd(b, p));
      if (shape.timed[type]) p = uintEnd(b, p);
      p = this.observeVars(b, p, type);
    }
    for (let i = 0; i < shape.layouts.length - shape.nTypes; i++)
      p = this.observeVars(b, uintEnd(b, p), shape.nTypes + i);
    const count = uintAt(b, p);
    p = uintEnd(b, p);
    for (let c = 0; c < count; c++) {
      p = channelHeader(b, p);
      const from = header[0]!;
      const to = header[1]!;
      const k = header[2]!;
      const key = from * 65536 + to;
      this.channels.set(key, Math.max(this.channels.get(key) ?? 0, k));
      for (let i = 0; i < k; i++) {
        const event = uintAt(b, p);
        p = uintEnd(b, p);
        const fields = this.fields[event]!;
        for (let f = 0; f < fields.length; f++) {
          fields[f] = Math.max(fields[f]!, uintAt(b, p));
          p = uintEnd(b, p);
        }
      }
    }
  }

  private observeVars(b: Uint8Array, p: number, owner: number): number {
    const layouts = this.shape.layouts[owner]!;
    const bounds = this.owners[owner]!;
    for (let k = 0; k < layouts.length; k++) {
      const layout = layouts[k]!;
      const o = bounds[k]!;
      if (!layout.collection) {
        o.maxRaw = Math.max(o.maxRaw, uintAt(b, p));
        p = uintEnd(b, p);
        continue;
      }
      // Maps and collections of tuples: skipped (the layout does not hold them: planLayout).
      if (layout.value !== null || layout.fields !== null) {
        p = varEnd(b, p, layout);
        continue;
      }
      const count = uintAt(b, p);
      o.maxCount = Math.max(o.maxCount, count);
      let q = uintEnd(b, p);
      for (let i = 0; i < count; i++) {
        const raw = uintAt(b, q);
        o.maxRaw = Math.max(o.maxRaw, raw);
        const m = bitOf(layout.kind, fromRaw(layout.kind, raw));
        o.minMasked = Math.min(o.minMasked, m);
        o.maxMasked = Math.max(o.maxMasked, m);
        q = uintEnd(b, q);
      }
      p = q;
    }
    return p;
  }
}

/** Room for `most` elements seen: half as many again, at least two more (ADR 0015: a run that overflows starts over). */
function roomFor(most: number): number {
  return most + Math.max(2, Math.ceil(most / 2));
}

/** Bytes of a padded varint with room for twice the largest raw value seen. */
function widthFor(maxRaw: number, layout: { oneByte?: boolean; bool: boolean }): number {
  if (layout.bool || layout.oneByte === true) return 1;
  return uintSize(2 * maxRaw + 1);
}

/** A channel's header in the canonical encoding: its sender, receiver and number of messages (channelHeader). */
const header = new Int32Array(3);

/** Reads the canonical channel header at `p` into `header`; returns where its messages start. */
function channelHeader(b: Uint8Array, p: number): number {
  for (let i = 0; i < 3; i++) {
    header[i] = uintAt(b, p);
    p = uintEnd(b, p);
  }
  return p;
}

/** The fixed layout for the states `seen` bounds, or why there is none. */
export function planLayout(seen: ObservedBounds): FixedPlan | string {
  const shape = seen.shape;
  if (seen.varying || seen.n < 0) return "its machines come and go";
  const n = seen.n;
  if (n > 127) return "it has more than 127 machines";
  const owners: FixedOwner[] = [];
  for (let o = 0; o < shape.layouts.length; o++) {
    const layouts = shape.layouts[o]!;
    const slots: FixedSlot[] = [];
    for (let k = 0; k < layouts.length; k++) {
      const layout = layouts[k]!;
      const b = seen.owners[o]![k]!;
      if (layout.value !== null || layout.fields !== null) return "it has maps or collections of tuples";
      if (!layout.collection) {
        slots.push({ kind: Slot.Scalar, layout, width: widthFor(b.maxRaw, layout), capacity: 0 });
        continue;
      }
      slots.push(collectionSlot(layout, b));
    }
    const offsets = new Int32Array(slots.length);
    const meta = new Int32Array(3 * slots.length);
    let size = 0;
    for (let k = 0; k < slots.length; k++) {
      const s = slots[k]!;
      if (s.capacity > 127) return "a collection holds more than 84 elements";
      offsets[k] = size;
      size += slotSize(s);
      meta[3 * k] = s.kind;
      meta[3 * k + 1] = s.width;
      meta[3 * k + 2] = s.capacity;
    }
    owners.push({ slots, offsets, size, meta });
  }
  const types = Int32Array.from(seen.types);
  const machineAt = new Int32Array(n);
  const vo: Int32Array<ArrayBuffer>[] = [];
  let at = 0;
  for (let id = 0; id < n; id++) {
    const type = types[id]!;
    machineAt[id] = at;
    at += shape.timed[type] ? 3 : 2;
    vo.push(owners[type]!.offsets.map((o) => o + at));
    at += owners[type]!.size;
  }
  const nMonitors = shape.layouts.length - shape.nTypes;
  const monitorAt = new Int32Array(nMonitors);
  const mvo: Int32Array<ArrayBuffer>[] = [];
  for (let i = 0; i < nMonitors; i++) {
    monitorAt[i] = at;
    at += 1;
    const owner = owners[shape.nTypes + i]!;
    mvo.push(owner.offsets.map((o) => o + at));
    at += owner.size;
  }
  const fieldWidths = shape.payloads.map((fields, e) =>
    Int32Array.from(fields, (f, i) => widthFor(seen.fields[e]![i]!, f)),
  );
  let slotWidth = 1;
  for (const w of fieldWidths) slotWidth = Math.max(slotWidth, 1 + w.reduce((a, b) => a + b, 0));
  const keys = [...seen.channels.keys()].sort((a, b) => a - b);
  const channelOf = new Int32Array(n * n).fill(-1);
  const channels: FixedChannel[] = [];
  for (const key of keys) {
    const from = Math.floor(key / 65536);
    const to = key % 65536;
    if (from >= n || to >= n) return "a channel names no machine";
    const capacity = roomFor(seen.channels.get(key)!);
    if (capacity > 127) return "a channel holds more than 84 messages";
    channelOf[from * n + to] = channels.length;
    channels.push({ from, to, at, capacity });
    at += 1 + capacity * slotWidth;
  }
  // The canonical encoding of any state of this layout fits in: every padded varint is at least as
  // long as the minimal one, a mask's elements take up to five bytes each, a channel adds its ends.
  let canonicalBound = at + 10 + 10 * channels.length;
  for (let id = 0; id < n; id++) for (const s of owners[types[id]!]!.slots) canonicalBound += maskExtra(s);
  for (let i = 0; i < nMonitors; i++)
    for (const s of owners[shape.nTypes + i]!.slots) canonicalBound += maskExtra(s);
  return {
    // Whole words: hashWords reads them one load each, with no bytes left over.
    length: (at + 3) & ~3,
    n,
    types,
    machineAt,
    vo,
    owners,
    timed: shape.timed,
    monitorAt,
    mvo,
    channels,
    channelOf,
    slotWidth,
    fieldWidths,
    payloads: shape.payloads,
    canonicalBound,
  };
}

/** Canonical bytes a SetMask may take beyond its own (its count, and up to five bytes per bit). */
function maskExtra(s: FixedSlot): number {
  return s.kind === Slot.SetMask ? 1 + 5 * 8 * s.width : 0;
}

function collectionSlot(layout: VarLayout, b: SlotBounds): FixedSlot {
  // A set whose values are small and not negative is a bit mask, with room for twice the largest bit seen.
  const isSet = layout.set;
  if (isSet && b.minMasked >= 0) {
    const bits = 2 * (b.maxMasked + 1);
    if (bits <= 32)
      return { kind: Slot.SetMask, layout, width: bits <= 8 ? 1 : bits <= 16 ? 2 : 4, capacity: 0 };
  }
  return {
    kind: isSet ? Slot.SetArray : Slot.Seq,
    layout,
    width: widthFor(b.maxRaw, layout),
    capacity: roomFor(b.maxCount),
  };
}

// ---------------------------------------------------------------- slots

/**
 * Removes bytes [at, at + width) of the slots [at, end): the bytes after
 * them move down, and the last `width` become zero (unused room is zero).
 * A loop, not copyWithin and fill: the ranges are a few bytes (a channel's
 * messages, a collection's elements), where each builtin's call cost more
 * than the bytes it moves, once per delivery (TwoPhase: 1.6% of a profile).
 */
export function removeSlot(b: Uint8Array, at: number, width: number, end: number): void {
  const last = end - width;
  for (let i = at; i < last; i++) b[i] = b[i + width]!;
  for (let i = last; i < end; i++) b[i] = 0;
}

/** Opens `width` bytes at `at` in the slots [at, end): they move up, over the zero room at `end` (removeSlot's inverse). */
export function openSlot(b: Uint8Array, at: number, width: number, end: number): void {
  for (let i = end - 1; i >= at; i--) b[i + width] = b[i]!;
}

/** How many elements the collection slot of `kind` (a Slot) and `width` at `p` holds. */
export function slotCount(b: Uint8Array, p: number, kind: number, width: number): number {
  return kind === Slot.SetMask ? popcount(maskAt(b, p, width)) : b[p]!;
}

/** Whether the collection slot at `p` holds `v`, a value of `elementKind`: its bit, or a scan of its elements. */
export function slotHolds(
  b: Uint8Array,
  p: number,
  kind: number,
  width: number,
  v: number,
  elementKind: ScalarKind,
): boolean {
  if (kind === Slot.SetMask) {
    const m = bitOf(elementKind, v);
    return m >= 0 && ((maskAt(b, p, width) >>> m) & 1) !== 0;
  }
  const raw = toRaw(elementKind, v);
  const n = b[p]!;
  if (width === 1) {
    for (let i = 1; i <= n; i++) if (b[p + i] === raw) return true;
    return false;
  }
  for (let i = 0; i < n; i++) if (uintAt(b, p + 1 + i * width) === raw) return true;
  return false;
}

/** The values the collection slot at `p` holds, in order. */
export function slotElements(
  b: Uint8Array,
  p: number,
  kind: number,
  width: number,
  elementKind: ScalarKind,
): number[] {
  if (kind === Slot.SetMask) return maskValues(maskAt(b, p, width), elementKind);
  const out: number[] = new Array(b[p]!);
  for (let i = 0; i < out.length; i++) out[i] = fromRaw(elementKind, uintAt(b, p + 1 + i * width));
  return out;
}

/** Writes raw varint `raw` padded to `width` bytes at `p`; false when it needs more. */
export function writePadded(b: Uint8Array, p: number, raw: number, width: number): boolean {
  for (let i = 1; i < width; i++) {
    b[p++] = (raw & 0x7f) | 0x80;
    raw = Math.floor(raw / 128);
  }
  if (raw >= 0x80) return false;
  b[p] = raw;
  return true;
}

/** The number of bits set in a 32-bit mask. */
export function popcount(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) | 0;
}

/** The SetMask of `width` bytes at `p`. */
export function maskAt(b: Uint8Array, p: number, width: number): number {
  if (width === 1) return b[p]!;
  if (width === 2) return b[p]! | (b[p + 1]! << 8);
  return (b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24)) >>> 0;
}

export function setMaskAt(b: Uint8Array, p: number, width: number, mask: number): void {
  b[p] = mask & 0xff;
  if (width === 1) return;
  b[p + 1] = (mask >>> 8) & 0xff;
  if (width === 2) return;
  b[p + 2] = (mask >>> 16) & 0xff;
  b[p + 3] = (mask >>> 24) & 0xff;
}

/** The bit of value `v` of kind `kind` in a SetMask, or -1 when it has none (negative, or past 31). */
export function bitOf(kind: ScalarKind, v: number): number {
  const m = kind === ScalarKind.Id ? v + 1 : v;
  return m >= 0 && m < 32 ? m : -1;
}

/** The value of bit m of a SetMask of elements of kind `kind`. */
export function valueOfBit(kind: ScalarKind, m: number): number {
  return kind === ScalarKind.Id ? m - 1 : m;
}

/**
 * The values of a SetMask's bits, in order. (Bit by bit up to the highest
 * set: a shift by 32 is a shift by 0 in JavaScript, so `mask >>> m` alone
 * never reaches zero when bit 31 is set.)
 */
export function maskValues(mask: number, kind: ScalarKind): number[] {
  const out: number[] = [];
  for (let m = 0; m < 32 && mask >>> m !== 0; m++)
    if (((mask >>> m) & 1) !== 0) out.push(valueOfBit(kind, m));
  return out;
}

// ---------------------------------------------------------------- conversions

/** The canonical encoding of `f`, a state in `plan`'s layout, written into `out` (at least plan.canonicalBound long); returns its length. */
export function toCanonical(plan: FixedPlan, f: Uint8Array, out: Uint8Array): number {
  let w = writeUint(out, 0, plan.n);
  const owners = plan.owners;
  for (let id = 0; id < plan.n; id++) {
    const at = plan.machineAt[id]!;
    const type = f[at]!;
    out[w++] = type;
    out[w++] = f[at + 1]!;
    if (plan.timed[type]) out[w++] = f[at + 2]!;
    w = slotsToCanonical(owners[type]!, f, plan.vo[id]!, out, w);
  }
  const nTypes = owners.length - plan.monitorAt.length;
  for (let i = 0; i < plan.monitorAt.length; i++) {
    out[w++] = f[plan.monitorAt[i]!]!;
    w = slotsToCanonical(owners[nTypes + i]!, f, plan.mvo[i]!, out, w);
  }
  let channels = 0;
  for (const c of plan.channels) if (f[c.at] !== 0) channels++;
  w = writeUint(out, w, channels);
  const sw = plan.slotWidth;
  for (const c of plan.channels) {
    const k = f[c.at]!;
    if (k === 0) continue;
    w = writeUint(out, w, c.from);
    w = writeUint(out, w, c.to);
    out[w++] = k;
    for (let i = 0; i < k; i++) {
      let m = c.at + 1 + i * sw;
      const event = f[m++]!;
      out[w++] = event;
      const widths = plan.fieldWidths[event]!;
      for (let j = 0; j < widths.length; j++) {
        w = writeUint(out, w, uintAt(f, m));
        m += widths[j]!;
      }
    }
  }
  return w;
}

function slotsToCanonical(
  owner: FixedOwner,
  f: Uint8Array,
  vo: Int32Array,
  out: Uint8Array,
  w: number,
): number {
  const slots = owner.slots;
  for (let k = 0; k < slots.length; k++) {
    const s = slots[k]!;
    const p = vo[k]!;
    if (s.kind === Slot.Scalar) {
      w = writeUint(out, w, uintAt(f, p));
    } else if (s.kind === Slot.SetMask) {
      const values = maskValues(maskAt(f, p, s.width), s.layout.kind);
      w = writeUint(out, w, values.length);
      for (const v of values) w = writeUint(out, w, toRaw(s.layout.kind, v));
    } else {
      const count = f[p]!;
      out[w++] = count;
      for (let i = 0; i < count; i++) w = writeUint(out, w, uintAt(f, p + 1 + i * s.width));
    }
  }
  return w;
}

/** `b`, a canonical encoding, in `plan`'s layout (a new array); LayoutOverflow where it does not fit. */
export function toFixed(plan: FixedPlan, b: Uint8Array): Uint8Array {
  const f = new Uint8Array(plan.length);
  const n = uintAt(b, 0);
  if (n !== plan.n) throw new LayoutOverflow("a machine made during the run");
  let p = uintEnd(b, 0);
  const owners = plan.owners;
  for (let id = 0; id < n; id++) {
    const at = plan.machineAt[id]!;
    const type = uintAt(b, p);
    if (type !== plan.types[id]) throw new LayoutOverflow("a machine made during the run");
    f[at] = type;
    p = uintEnd(b, p);
    f[at + 1] = uintAt(b, p);
    p = uintEnd(b, p);
    if (plan.timed[type]) {
      f[at + 2] = uintAt(b, p);
      p = uintEnd(b, p);
    }
    p = slotsToFixed(owners[type]!, b, p, f, plan.vo[id]!);
  }
  const nTypes = owners.length - plan.monitorAt.length;
  for (let i = 0; i < plan.monitorAt.length; i++) {
    f[plan.monitorAt[i]!] = uintAt(b, p);
    p = slotsToFixed(owners[nTypes + i]!, b, uintEnd(b, p), f, plan.mvo[i]!);
  }
  const count = uintAt(b, p);
  p = uintEnd(b, p);
  const sw = plan.slotWidth;
  for (let c = 0; c < count; c++) {
    p = channelHeader(b, p);
    const from = header[0]!;
    const to = header[1]!;
    const k = header[2]!;
    const index = from < n && to < n ? plan.channelOf[from * n + to]! : -1;
    if (index < 0) throw new LayoutOverflow(`a message from machine ${from} to machine ${to}`);
    const ch = plan.channels[index]!;
    if (k > ch.capacity) throw new LayoutOverflow(`${k} messages from machine ${from} to machine ${to}`);
    f[ch.at] = k;
    for (let i = 0; i < k; i++) {
      let m = ch.at + 1 + i * sw;
      const event = uintAt(b, p);
      p = uintEnd(b, p);
      f[m++] = event;
      const widths = plan.fieldWidths[event]!;
      for (let j = 0; j < widths.length; j++) {
        if (!writePadded(f, m, uintAt(b, p), widths[j]!)) throw new LayoutOverflow("a message's field");
        p = uintEnd(b, p);
        m += widths[j]!;
      }
    }
  }
  return f;
}

function slotsToFixed(owner: FixedOwner, b: Uint8Array, p: number, f: Uint8Array, vo: Int32Array): number {
  const slots = owner.slots;
  for (let k = 0; k < slots.length; k++) {
    const s = slots[k]!;
    const q = vo[k]!;
    if (s.kind === Slot.Scalar) {
      if (!writePadded(f, q, uintAt(b, p), s.width)) throw new LayoutOverflow("a variable's value");
      p = uintEnd(b, p);
      continue;
    }
    const count = uintAt(b, p);
    p = uintEnd(b, p);
    if (s.kind === Slot.SetMask) {
      let mask = 0;
      for (let i = 0; i < count; i++) {
        const m = bitOf(s.layout.kind, fromRaw(s.layout.kind, uintAt(b, p)));
        if (m < 0 || m >= 8 * s.width) throw new LayoutOverflow("a set's element");
        mask |= 1 << m;
        p = uintEnd(b, p);
      }
      setMaskAt(f, q, s.width, mask >>> 0);
      continue;
    }
    if (count > s.capacity) throw new LayoutOverflow("a collection's elements");
    f[q] = count;
    for (let i = 0; i < count; i++) {
      if (!writePadded(f, q + 1 + i * s.width, uintAt(b, p), s.width)) throw new LayoutOverflow("an element");
      p = uintEnd(b, p);
    }
  }
  return p;
}
