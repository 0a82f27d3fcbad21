// Canonical byte encoding of FlState. Type-directed (the IR gives every
// variable's and payload's type), so values carry no tags: varints for ints
// (zigzag), enums, ids and lengths; one byte per bool; strings as UTF-16 code
// units; an `any` as its type id (+1, 0 for the null one) then its value with
// that type's encoding (AnyCodec). Sets and maps are sorted by representation, and channels are kept
// sorted by (from, to), so equal states give equal bytes whatever the history.
// With faults, the remaining budgets and the partition's side follow.
import type { Type } from "@faultline/lang";
import {
  bareMessage,
  channelOrder,
  type FlChannel,
  type FlMachine,
  type FlMessage,
  type FlMonitor,
  type FlState,
  type FlWait,
  START_RUN,
  type WaitEntry,
} from "./fl-state.js";
import type { Payload, Value } from "./lang-codegen.js";
import { avalancheHi, avalancheLo, hashBytes, lanes } from "../fingerprint.js";
import type { OwnerTable } from "./program-tables.js";

/** Bytes per chunk of the append-only output (encodings and caches live in it). */
const CHUNK = 1 << 20;

/**
 * Append-only output: every encoding is written after the previous one and
 * never overwritten, so machines and channels can keep pointing at their bytes
 * as a cache (allocating a small Uint8Array per state would cost far more, in
 * V8, than the bytes it holds). A chunk is collected once no state refers into it.
 */
export class Writer {
  buf = new Uint8Array(CHUNK);
  pos = 0;
  /** Where the value being written starts; it moves to a new chunk as a whole when this one fills. */
  start = 0;

  begin(): void {
    this.start = this.pos;
  }

  /** Room for `need` more bytes (generated encoders check before writing through their own locals). */
  ensure(need: number): void {
    if (this.pos + need > this.buf.length) this.grow(need);
  }

  private grow(need: number): void {
    const len = this.pos - this.start;
    const b = new Uint8Array(Math.max(CHUNK, 2 * (len + need)));
    b.set(this.buf.subarray(this.start, this.pos));
    this.buf = b;
    this.pos = len;
    this.start = 0;
  }

  /** An unsigned integer below 2^32. */
  uint(v: number): void {
    if (this.pos + 5 > this.buf.length) this.grow(5);
    const buf = this.buf;
    let p = this.pos;
    while (v >= 0x80) {
      buf[p++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[p++] = v;
    this.pos = p;
  }

  /** A 32-bit signed integer (zigzag). */
  sint(v: number): void {
    this.uint(((v << 1) ^ (v >> 31)) >>> 0);
  }

  byte(v: number): void {
    if (this.pos + 1 > this.buf.length) this.grow(1);
    this.buf[this.pos++] = v;
  }

  /** Append bytes [from, to) of `src`. */
  copy(src: Uint8Array, from: number, to: number): void {
    const n = to - from;
    if (this.pos + n > this.buf.length) this.grow(n);
    const buf = this.buf;
    // The output only grows, so a source in the same buffer lies before it and never overlaps.
    if (n < 256) {
      let p = this.pos;
      for (let i = from; i < to; i++) buf[p++] = src[i]!;
    } else if (src === buf) {
      buf.copyWithin(this.pos, from, to);
    } else {
      buf.set(src.subarray(from, to), this.pos);
    }
    this.pos += n;
  }

  str(s: string): void {
    this.uint(s.length);
    for (let i = 0; i < s.length; i++) this.uint(s.charCodeAt(i));
  }
}

export class Reader {
  pos: number;
  constructor(
    readonly buf: Uint8Array,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  uint(): number {
    const p = this.pos;
    if (p < this.end) {
      const b0 = this.buf[p]!;
      if (b0 < 0x80) {
        this.pos = p + 1;
        return b0;
      }
    }
    let v = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= this.end) throw new Error("decode: truncated state encoding");
      const b = this.buf[this.pos++]!;
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return v;
      shift += 7;
    }
  }

  sint(): number {
    const u = this.uint();
    return (u % 2 === 0 ? u / 2 : -(u + 1) / 2) | 0;
  }

  byte(): number {
    if (this.pos >= this.end) throw new Error("decode: truncated state encoding");
    return this.buf[this.pos++]!;
  }

  str(): string {
    const n = this.uint();
    let s = "";
    for (let i = 0; i < n; i++) s += String.fromCharCode(this.uint());
    return s;
  }
}

export type Encoder = (w: Writer, v: Value) => void;
export type Decoder = (r: Reader) => Value;

/**
 * The encoding of one program's `any` values ([type id, value], runtime.ts):
 * the id plus one (0: the null `any`), then the value with its type's encoder.
 * Per-type codecs are built on first use (a type may itself hold `any`s).
 */
export class AnyCodec {
  private readonly encoders: (Encoder | undefined)[] = [];
  private readonly decoders: (Decoder | undefined)[] = [];

  /** `types`: IrProgram.anyTypes, by type id. */
  constructor(readonly types: readonly Type[]) {}

  readonly encode: Encoder = (w, v) => {
    const a = v as readonly Value[];
    const id = a[0] as number;
    w.uint(id + 1);
    if (id >= 0) (this.encoders[id] ??= encoderFor(this.typeOf(id), this))(w, a[1]!);
  };

  readonly decode: Decoder = (r) => {
    const id = r.uint() - 1;
    if (id < 0) return [-1, 0];
    return [id, (this.decoders[id] ??= decoderFor(this.typeOf(id), this))(r)];
  };

  private typeOf(id: number): Type {
    const t = this.types[id];
    if (t === undefined) throw new Error(`internal: no dynamic type with id ${id}`);
    return t;
  }
}

/** For programs without `any` values: asking to encode one is a bug. */
const NO_ANY = new AnyCodec([]);

export function encoderFor(t: Type, any: AnyCodec = NO_ANY): Encoder {
  switch (t.kind) {
    case "int":
      return (w, v) => w.sint(v as number);
    case "bool":
      return (w, v) => w.byte(v ? 1 : 0);
    case "string":
      return (w, v) => w.str(v as string);
    case "enum":
      return (w, v) => w.uint(v as number);
    case "machine":
    case "event":
      return (w, v) => w.uint((v as number) + 1);
    case "any":
      return any.encode;
    case "tuple":
    case "namedTuple": {
      const parts = (t.kind === "tuple" ? t.elems : t.fields.map((f) => f.type)).map((x) =>
        encoderFor(x, any),
      );
      return (w, v) => {
        const a = v as readonly Value[];
        for (let i = 0; i < parts.length; i++) parts[i]!(w, a[i]!);
      };
    }
    case "seq":
    case "set": {
      const elem = encoderFor(t.elem, any);
      return (w, v) => {
        const a = v as readonly Value[];
        w.uint(a.length);
        for (let i = 0; i < a.length; i++) elem(w, a[i]!);
      };
    }
    case "map": {
      const key = encoderFor(t.key, any);
      const val = encoderFor(t.value, any);
      return (w, v) => {
        const a = v as readonly (readonly Value[])[];
        w.uint(a.length);
        for (let i = 0; i < a.length; i++) {
          key(w, a[i]![0]!);
          val(w, a[i]![1]!);
        }
      };
    }
    case "void":
    case "error":
      return () => {};
  }
}

export function decoderFor(t: Type, any: AnyCodec = NO_ANY): Decoder {
  switch (t.kind) {
    case "int":
      return (r) => r.sint();
    case "bool":
      return (r) => r.byte() !== 0;
    case "string":
      return (r) => r.str();
    case "enum":
      return (r) => r.uint();
    case "machine":
    case "event":
      return (r) => r.uint() - 1;
    case "any":
      return any.decode;
    case "tuple":
    case "namedTuple": {
      const parts = (t.kind === "tuple" ? t.elems : t.fields.map((f) => f.type)).map((x) =>
        decoderFor(x, any),
      );
      return (r) => parts.map((p) => p(r));
    }
    case "seq":
    case "set": {
      const elem = decoderFor(t.elem, any);
      return (r) => {
        const n = r.uint();
        const a: Value[] = new Array(n);
        for (let i = 0; i < n; i++) a[i] = elem(r);
        return a;
      };
    }
    case "map": {
      const key = decoderFor(t.key, any);
      const val = decoderFor(t.value, any);
      return (r) => {
        const n = r.uint();
        const a: Value[] = new Array(n);
        for (let i = 0; i < n; i++) {
          const k = key(r);
          a[i] = [k, val(r)];
        }
        return a;
      };
    }
    case "void":
    case "error":
      return () => null as unknown as Value;
  }
}

// Specialised codecs: straight-line JavaScript generated per variable list or
// payload type, so encoding a machine makes no closure call per value and
// V8 inlines the Writer/Reader methods (the closures above are megamorphic).
// Same bytes as encoderFor/decoderFor (a test compares them).

class SourceBuilder {
  private n = 0;
  readonly helpers: string[] = [];
  name(prefix: string): string {
    return `${prefix}${this.n++}`;
  }
}

// Generated encoders keep the output buffer and position in locals `b` and
// `p` (V8 keeps them in registers) and check the room before each write;
// `sync` hands them back to the Writer around calls that use it.
const ROOM = (n: number) => `if (p + ${n} > b.length) { w.pos = p; w.ensure(${n}); b = w.buf; p = w.pos; }`;
const VARINT = "while (x >= 0x80) { b[p++] = (x & 0x7f) | 0x80; x >>>= 7; } b[p++] = x;";

function encodeStatements(t: Type, v: string, b: SourceBuilder, out: string[]): void {
  switch (t.kind) {
    case "int":
      out.push(ROOM(5), `x = ((${v} << 1) ^ (${v} >> 31)) >>> 0;`, VARINT);
      return;
    case "bool":
      out.push(ROOM(1), `b[p++] = ${v} ? 1 : 0;`);
      return;
    case "string":
      out.push(`w.pos = p; w.str(${v}); b = w.buf; p = w.pos;`);
      return;
    case "enum":
      out.push(ROOM(5), `x = ${v};`, VARINT);
      return;
    case "machine":
    case "event":
      out.push(ROOM(5), `x = ${v} + 1;`, VARINT);
      return;
    case "any":
      // AnyCodec.encode, the generated function's parameter A.
      out.push(`w.pos = p; A.encode(w, ${v}); b = w.buf; p = w.pos;`);
      return;
    case "tuple":
    case "namedTuple": {
      const parts = t.kind === "tuple" ? t.elems : t.fields.map((f) => f.type);
      const a = b.name("t");
      out.push(`const ${a} = ${v};`);
      parts.forEach((part, i) => {
        encodeStatements(part, `${a}[${i}]`, b, out);
      });
      return;
    }
    case "seq":
    case "set":
    case "map": {
      const a = b.name("a");
      const i = b.name("i");
      out.push(`const ${a} = ${v};`, ROOM(5), `x = ${a}.length;`, VARINT);
      out.push(`for (let ${i} = 0; ${i} < ${a}.length; ${i}++) {`);
      if (t.kind === "map") {
        const e = b.name("e");
        out.push(`const ${e} = ${a}[${i}];`);
        encodeStatements(t.key, `${e}[0]`, b, out);
        encodeStatements(t.value, `${e}[1]`, b, out);
      } else {
        encodeStatements(t.elem, `${a}[${i}]`, b, out);
      }
      out.push("}");
      return;
    }
    case "void":
    case "error":
      return;
  }
}

/** The body of a generated encoder: locals, the statements, then the position back to the Writer. */
function encoderBody(statements: readonly string[]): string {
  return `let b = w.buf; let p = w.pos; let x = 0;\n${statements.join("\n")}\nw.pos = p;`;
}

/** An expression reading a value of type `t` from Reader `r` (collections through helper functions). */
function decodeExpression(t: Type, b: SourceBuilder): string {
  switch (t.kind) {
    case "int":
      return "r.sint()";
    case "bool":
      return "(r.byte() !== 0)";
    case "string":
      return "r.str()";
    case "enum":
      return "r.uint()";
    case "machine":
    case "event":
      return "(r.uint() - 1)";
    case "any":
      return "A.decode(r)";
    case "tuple":
    case "namedTuple": {
      const parts = t.kind === "tuple" ? t.elems : t.fields.map((f) => f.type);
      // Array literal elements are evaluated left to right: the encoding order.
      return `[${parts.map((p) => decodeExpression(p, b)).join(", ")}]`;
    }
    case "seq":
    case "set":
    case "map": {
      const f = b.name("d");
      const elem =
        t.kind === "map"
          ? `const k = ${decodeExpression(t.key, b)}; a[i] = [k, ${decodeExpression(t.value, b)}];`
          : `a[i] = ${decodeExpression(t.elem, b)};`;
      b.helpers.push(
        `function ${f}(r) { const n = r.uint(); const a = new Array(n); for (let i = 0; i < n; i++) { ${elem} } return a; }`,
      );
      return `${f}(r)`;
    }
    case "void":
    case "error":
      return "null";
  }
}

/** Writes every value of `types` from the array `vs` (a machine's or monitor's variables). */
export type ValuesEncoder = (w: Writer, vs: readonly Value[]) => void;
/** Reads an array of values of the given types. */
export type ValuesDecoder = (r: Reader) => Value[];

// Each generated function is made by a factory taking `A`, the program's AnyCodec.

export function compileValuesEncoder(types: readonly Type[], any: AnyCodec = NO_ANY): ValuesEncoder {
  const b = new SourceBuilder();
  const out: string[] = [];
  types.forEach((t, i) => {
    encodeStatements(t, `vs[${i}]`, b, out);
  });
  return new Function("A", `return function encodeValues(w, vs) {\n${encoderBody(out)}\n};`)(
    any,
  ) as ValuesEncoder;
}

export function compileValuesDecoder(types: readonly Type[], any: AnyCodec = NO_ANY): ValuesDecoder {
  const b = new SourceBuilder();
  const elems = types.map((t) => decodeExpression(t, b));
  const body = `${b.helpers.join("\n")}\nreturn function decodeValues(r) { return [${elems.join(", ")}]; };`;
  return new Function("A", body)(any) as ValuesDecoder;
}

export function compileEncoder(t: Type, any: AnyCodec = NO_ANY): Encoder {
  const b = new SourceBuilder();
  const out: string[] = [];
  encodeStatements(t, "v", b, out);
  return new Function("A", `return function encodeValue(w, v) {\n${encoderBody(out)}\n};`)(any) as Encoder;
}

export function compileDecoder(t: Type, any: AnyCodec = NO_ANY): Decoder {
  const b = new SourceBuilder();
  const e = decodeExpression(t, b);
  return new Function("A", `${b.helpers.join("\n")}\nreturn function decodeValue(r) { return ${e}; };`)(
    any,
  ) as Decoder;
}

interface OwnerCodec {
  vars: ValuesEncoder;
  varsDec: ValuesDecoder;
  payload: Encoder | null;
  payloadDec: Decoder | null;
  hasTimers: boolean;
  /** The type has `receive` statements: its machines encode their FlWait. */
  receives: boolean;
}

/** Encodes and decodes whole states of one model (one test). */
export class StateCodec {
  private readonly w = new Writer();
  private readonly machineCodecs: OwnerCodec[];
  private readonly monitorCodecs: OwnerCodec[];
  private readonly eventEnc: (Encoder | null)[];
  private readonly eventDec: (Decoder | null)[];

  constructor(
    machines: readonly OwnerTable[],
    private readonly monitors: readonly OwnerTable[],
    eventPayloads: readonly (Type | null)[],
    /** Encode each instance's constructor payload (needed when machines may restart). */
    private readonly withPayloads: boolean,
    /** Number of fault budgets in every state of this test. */
    private readonly nBudgets = 0,
    /** The test may partition the network (the cut is encoded). */
    private readonly withCut = false,
    /** The program's dynamic types (IrProgram.anyTypes), for its `any` values. */
    anyTypes: readonly Type[] = [],
  ) {
    const any = new AnyCodec(anyTypes);
    const codec = (o: OwnerTable): OwnerCodec => ({
      vars: compileValuesEncoder(o.varTypes, any),
      varsDec: compileValuesDecoder(o.varTypes, any),
      payload: o.payloadType ? compileEncoder(o.payloadType, any) : null,
      payloadDec: o.payloadType ? compileDecoder(o.payloadType, any) : null,
      hasTimers: o.timers.length > 0,
      receives: o.receives.length > 0,
    });
    this.machineCodecs = machines.map(codec);
    this.monitorCodecs = monitors.map(codec);
    this.eventEnc = eventPayloads.map((t) => (t ? compileEncoder(t, any) : null));
    this.eventDec = eventPayloads.map((t) => (t ? compileDecoder(t, any) : null));
  }

  /**
   * Encodings are written to one reused buffer (the contract allows it): it
   * stays in the CPU cache, and a successor is fingerprinted and dropped, or
   * copied into the frontier, before the next encode. Parts a state shares
   * with a decoded parent are copied from the parent's bytes (which live in
   * `w`, append-only); parts a step created are encoded, not cached, since a
   * successor object is normally encoded once.
   */
  private readonly out = new Writer();

  encode(s: FlState): Uint8Array {
    const w = this.out;
    w.pos = 0;
    w.start = 0;
    const ms = s.machines;
    w.uint(ms.length);
    this.writeParts(w, ms, this.writeMachine);
    this.writeMonitors(w, s);
    const cs = s.channels;
    w.uint(cs.length);
    this.writeParts(w, cs, this.writeChannel);
    this.writeBudgetsAndCut(w, s);
    return w.buf.subarray(0, w.pos);
  }

  private writeMonitors(w: Writer, s: FlState): void {
    for (let i = 0; i < s.monitors.length; i++) {
      const m = s.monitors[i]!;
      w.uint(m.state);
      this.monitorCodecs[i]!.vars(w, m.vars);
    }
  }

  private writeBudgetsAndCut(w: Writer, s: FlState): void {
    for (let i = 0; i < this.nBudgets; i++) w.uint(s.budgets[i]!);
    if (this.withCut) {
      const cut = s.cut;
      if (cut === null) w.uint(0);
      else {
        w.uint(cut.length);
        for (let i = 0; i < cut.length; i++) w.uint(cut[i]!);
      }
    }
  }

  /** Scratch output for fingerprint: the state's small parts, and parts a step created. */
  private readonly fpOut = new Writer();

  /**
   * A 64-bit fingerprint of the canonical encoding without producing it
   * (Model.fingerprint). Each machine and channel is hashed on its own (a
   * decoded part once, cached in fh/fl, since a parent shares all but one or
   * two parts with each successor); the part hashes are then combined, lane by
   * lane, as a polynomial over the sequence [counts/monitors/budgets/cut,
   * machine 0..n-1, channel 0..k-1]. Equal encodings give equal sequences, so
   * equal fingerprints; distinct encodings differ in at least one part, and
   * part hashes are pseudo-random, so both lanes agree only with probability
   * ~2^-64, as with fingerprintInto over the bytes. The values differ from
   * fingerprintInto(encode(s)): an explorer uses one or the other throughout.
   */
  fingerprint(s: FlState, out: Uint32Array): void {
    const w = this.fpOut;
    w.pos = 0;
    w.start = 0;
    const ms = s.machines;
    const cs = s.channels;
    const small = this.small;
    if (
      small.monitors === s.monitors &&
      small.budgets === s.budgets &&
      small.cut === s.cut &&
      small.machines === ms.length &&
      small.channels === cs.length
    ) {
      // The same small part as the last state's (a sibling: the arrays are shared, and immutable).
      this.foldHi = small.hi;
      this.foldLo = small.lo;
    } else {
      // The counts fix where machines end and channels begin in the sequence.
      w.uint(ms.length);
      w.uint(cs.length);
      this.writeMonitors(w, s);
      this.writeBudgetsAndCut(w, s);
      hashBytes(w.buf, 0, w.pos);
      this.foldHi = small.hi = lanes[0]!;
      this.foldLo = small.lo = lanes[1]!;
      small.monitors = s.monitors;
      small.budgets = s.budgets;
      small.cut = s.cut;
      small.machines = ms.length;
      small.channels = cs.length;
    }
    this.foldParts(w, ms, this.fingerprintMachine);
    this.foldParts(w, cs, this.writeChannel);
    // Bijective finalisers: they spread the bits for the table's slot index and add no collision.
    const a = avalancheHi(this.foldHi);
    let b = avalancheLo(this.foldLo);
    // Fingerprint sets use (0, 0) as the empty slot.
    if (a === 0 && b === 0) b = 1;
    out[0] = a >>> 0;
    out[1] = b >>> 0;
  }

  /**
   * The last state's small part (counts, monitors, budgets, cut) and its hash:
   * successors of one state share those arrays, so most fingerprints skip it.
   */
  private readonly small = {
    monitors: null as readonly FlMonitor[] | null,
    budgets: null as readonly number[] | null,
    cut: null as readonly number[] | null,
    machines: -1,
    channels: -1,
    hi: 0,
    lo: 0,
  };

  private readonly writeMachine = (w: Writer, m: FlMachine): void => this.encodeMachine(w, m, true);
  /** A machine as the fingerprint sees it: a blocked one by where it waits, not how it got there (FlWait.key). */
  private readonly fingerprintMachine = (w: Writer, m: FlMachine): void => this.encodeMachine(w, m, false);
  /** Scratch output for the fingerprint of a decoded blocked machine. */
  private readonly waitOut = new Writer();
  private readonly writeChannel = (w: Writer, ch: FlChannel): void => this.encodeChannel(w, ch);
  // The running fingerprint lanes while foldParts combines part hashes.
  private foldHi = 0;
  private foldLo = 0;

  /** Writes parts in order; cached parts that sit next to each other (a decoded parent's) are copied as one run. */
  private writeParts<T extends CachedPart>(
    w: Writer,
    parts: readonly T[],
    encode: (w: Writer, p: T) => void,
  ): void {
    let runBuf: Uint8Array | null = null;
    let runStart = 0;
    let runEnd = 0;
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (p.eb !== null) {
        if (p.eb === runBuf && p.es === runEnd) {
          runEnd = p.ee;
        } else {
          if (runBuf !== null) w.copy(runBuf, runStart, runEnd);
          runBuf = p.eb;
          runStart = p.es;
          runEnd = p.ee;
        }
        continue;
      }
      if (runBuf !== null) {
        w.copy(runBuf, runStart, runEnd);
        runBuf = null;
      }
      encode(w, p);
    }
    if (runBuf !== null) w.copy(runBuf, runStart, runEnd);
  }

  /** Folds each part's hash into foldHi/foldLo; a decoded part's hash is computed once and cached. */
  private foldParts<T extends CachedPart>(
    w: Writer,
    parts: readonly T[],
    encode: (w: Writer, p: T) => void,
  ): void {
    let a = this.foldHi;
    let b = this.foldLo;
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (p.eb !== null) {
        if (p.fh === 0 && p.fl === 0) {
          hashBytes(p.eb, p.es, p.ee);
          p.fh = lanes[0]!;
          p.fl = lanes[1]!;
        }
        a = (Math.imul(a, COMBINE_HI) + p.fh) | 0;
        b = (Math.imul(b, COMBINE_LO) + p.fl) | 0;
      } else {
        // Created by the step: hashed, not cached (a successor is normally fingerprinted once).
        w.pos = 0;
        encode(w, p);
        hashBytes(w.buf, 0, w.pos);
        a = (Math.imul(a, COMBINE_HI) + lanes[0]!) | 0;
        b = (Math.imul(b, COMBINE_LO) + lanes[1]!) | 0;
      }
    }
    this.foldHi = a;
    this.foldLo = b;
  }

  private encodeMachine(w: Writer, m: FlMachine, full: boolean): void {
    const c = this.machineCodecs[m.type]!;
    w.uint(m.type);
    // State and status share a varint (one byte below 43 states); timers only for types that have any.
    w.uint(m.state * 3 + m.status);
    if (c.hasTimers) w.uint(m.timers);
    if (this.withPayloads && c.payload) c.payload(w, m.payload as Value);
    c.vars(w, m.vars);
    if (c.receives) this.encodeWait(w, c, m.wait, full);
  }

  /**
   * 0, or the receive site + 1, the run's trigger and payload, where it waits
   * (key) and, in full, how it got there: the machine at the run's start and
   * the log. The fingerprint leaves out the latter (FlWait.key says why).
   */
  private encodeWait(w: Writer, c: OwnerCodec, wait: FlWait | null, full: boolean): void {
    if (wait === null) {
      w.uint(0);
      return;
    }
    w.uint(wait.site + 1);
    w.sint(wait.trigger);
    this.encodePayload(w, c, wait.trigger, wait.payload);
    writeUntyped(w, wait.key);
    if (!full) return;
    w.uint(wait.state);
    if (c.hasTimers) w.uint(wait.timers);
    c.vars(w, wait.vars as Value[]);
    w.uint(wait.log.length);
    for (const e of wait.log) {
      if (typeof e === "number") w.uint(2 * e);
      else {
        w.uint(2 * e[0] + 1);
        this.encodePayload(w, c, e[0], e[1]);
      }
    }
  }

  /** The payload of an event (trigger >= 0) or of the start entry (START_RUN); timers have none. */
  private encodePayload(w: Writer, c: OwnerCodec, trigger: number, payload: Payload): void {
    const enc = trigger >= 0 ? this.eventEnc[trigger] : trigger === START_RUN ? c.payload : null;
    if (enc) enc(w, payload as Value);
  }

  private decodePayload(r: Reader, c: OwnerCodec, trigger: number): Payload {
    const dec = trigger >= 0 ? this.eventDec[trigger] : trigger === START_RUN ? c.payloadDec : null;
    if (dec === undefined) throw new Error(`decode: unknown event ${trigger}`);
    return dec ? dec(r) : null;
  }

  private decodeWait(r: Reader, c: OwnerCodec): FlWait | null {
    const site = r.uint() - 1;
    if (site < 0) return null;
    const trigger = r.sint();
    const payload = this.decodePayload(r, c, trigger);
    const key = readUntyped(r) as readonly Value[];
    const state = r.uint();
    const timers = c.hasTimers ? r.uint() : 0;
    const vars = c.varsDec(r);
    const n = r.uint();
    const log: WaitEntry[] = [];
    for (let i = 0; i < n; i++) {
      const x = r.uint();
      if (x % 2 === 0) log.push(x / 2);
      else {
        const event = (x - 1) / 2;
        log.push([event, this.decodePayload(r, c, event)]);
      }
    }
    return { site, state, timers, vars, trigger, payload, log, key };
  }

  private encodeChannel(w: Writer, ch: FlChannel): void {
    w.uint(ch.from);
    w.uint(ch.to);
    w.uint(ch.msgs.length);
    for (let j = 0; j < ch.msgs.length; j++) {
      const msg = ch.msgs[j]!;
      w.uint(msg.event);
      const enc = this.eventEnc[msg.event];
      if (enc) enc(w, msg.payload as Value);
    }
  }

  private cacheWaitHash(m: FlMachine): void {
    const w = this.waitOut;
    w.pos = 0;
    w.start = 0;
    this.encodeMachine(w, m, false);
    hashBytes(w.buf, 0, w.pos);
    m.fh = lanes[0]!;
    // (0, 0) means "not computed yet" (foldParts would hash the full bytes).
    m.fl = lanes[0] === 0 && lanes[1] === 0 ? 1 : lanes[1]!;
  }

  decode(input: Uint8Array): FlState {
    // A private copy in the output chunks: the caller may reuse its buffer, and the parts keep it as their cache.
    const w = this.w;
    w.begin();
    w.copy(input, 0, input.length);
    const bytes = w.buf;
    const r = new Reader(bytes, w.start, w.pos);
    const n = r.uint();
    const machines: FlMachine[] = [];
    const byType: number[][] = this.machineCodecs.map(() => []);
    const prevMachines = this.prevMachines;
    for (let i = 0; i < n; i++) {
      const es = r.pos;
      // The last decoded state's machine i, when its bytes come next: the same machine (parts are
      // self-delimiting), immutable, with its hash cached. Its k must match (ids of other types may differ).
      // Only from the chunk this state is in (sameBytes): a decoded state keeps one chunk alive, as before.
      const pm = prevMachines[i];
      if (pm !== undefined && sameBytes(pm, bytes, es, r.end) && pm.k === byType[pm.type]!.length) {
        byType[pm.type]!.push(i);
        machines.push(pm);
        r.pos = es + (pm.ee - pm.es);
        continue;
      }
      const type = r.uint();
      const c = this.machineCodecs[type];
      if (!c) throw new Error(`decode: unknown machine type ${type}`);
      const packed = r.uint();
      const state = Math.floor(packed / 3);
      const status = packed % 3;
      const timers = c.hasTimers ? r.uint() : 0;
      const payload: Payload = this.withPayloads && c.payloadDec ? c.payloadDec(r) : null;
      const vars = c.varsDec(r);
      const wait = c.receives ? this.decodeWait(r, c) : null;
      const k = byType[type]!.length;
      byType[type]!.push(i);
      const m: FlMachine = {
        type,
        k,
        state,
        status,
        timers,
        vars,
        payload,
        wait,
        g: 0,
        eb: bytes,
        es,
        ee: r.pos,
        fh: 0,
        fl: 0,
      };
      // The bytes of a blocked machine say how it got there; its fingerprint hashes where it waits.
      if (wait !== null) this.cacheWaitHash(m);
      machines.push(m);
    }
    const ms = r.pos;
    let monitors: FlMonitor[];
    const prev = this.prevSmall;
    if (
      prev.monitors !== null &&
      prev.bytes === bytes &&
      sameRange(bytes, prev.ms, prev.me, bytes, ms, r.end)
    ) {
      monitors = prev.monitors;
      r.pos = ms + (prev.me - prev.ms);
    } else {
      monitors = this.monitors.map((_, i) => {
        const state = r.uint();
        const vars = this.monitorCodecs[i]!.varsDec(r);
        return { state, vars, g: 0 };
      });
    }
    const me = r.pos;
    const nc = r.uint();
    const channels: FlChannel[] = [];
    // Channels are sorted by (from, to): the last state's channel of the same pair, found by a moving index.
    const prevChannels = this.prevChannels;
    let at = 0;
    for (let i = 0; i < nc; i++) {
      const es = r.pos;
      const from = r.uint();
      const to = r.uint();
      while (at < prevChannels.length && channelOrder(prevChannels[at]!, from, to) < 0) at++;
      const pc = prevChannels[at];
      if (pc !== undefined && sameBytes(pc, bytes, es, r.end)) {
        channels.push(pc);
        r.pos = es + (pc.ee - pc.es);
        continue;
      }
      const nm = r.uint();
      const msgs: FlMessage[] = [];
      for (let j = 0; j < nm; j++) {
        const event = r.uint();
        const dec = this.eventDec[event];
        if (dec === undefined) throw new Error(`decode: unknown event ${event}`);
        msgs.push(dec ? { event, payload: dec(r) } : bareMessage(event));
      }
      channels.push({ from, to, msgs, g: 0, eb: bytes, es, ee: r.pos, fh: 0, fl: 0 });
    }
    const bs = r.pos;
    let budgets: number[];
    let cut: number[] | null = null;
    if (
      prev.budgets !== null &&
      prev.bytes === bytes &&
      sameRange(bytes, prev.bs, prev.be, bytes, bs, r.end)
    ) {
      budgets = prev.budgets;
      cut = prev.cut;
      r.pos = bs + (prev.be - prev.bs);
    } else {
      budgets = [];
      for (let i = 0; i < this.nBudgets; i++) budgets.push(r.uint());
      if (this.withCut) {
        const len = r.uint();
        if (len > 0) {
          cut = [];
          for (let i = 0; i < len; i++) cut.push(r.uint());
        }
      }
    }
    if (r.pos !== r.end) throw new Error("decode: trailing bytes in state encoding");
    this.prevMachines = machines;
    this.prevChannels = channels;
    prev.bytes = bytes;
    prev.monitors = monitors;
    prev.ms = ms;
    prev.me = me;
    prev.budgets = budgets;
    prev.cut = cut;
    prev.bs = bs;
    prev.be = r.end;
    return { machines, monitors, channels, byType, budgets, cut };
  }

  /**
   * The machines and channels of the last decoded state. States expanded one
   * after the other are mostly siblings and share most parts: decode compares
   * each part's bytes with the one at the same index there and, when they are
   * equal, takes that object (and its cached hash) instead of building a new one.
   */
  private prevMachines: readonly FlMachine[] = [];
  private prevChannels: readonly FlChannel[] = [];
  /**
   * The last decoded state's monitors and its budgets and cut, with where their bytes lie: equal
   * bytes give that state's arrays again (immutable, shared as siblings share them), so the
   * fingerprint's small part is also found unchanged by identity.
   */
  private readonly prevSmall = {
    bytes: null as Uint8Array | null,
    monitors: null as FlMonitor[] | null,
    ms: 0,
    me: 0,
    budgets: null as number[] | null,
    cut: null as number[] | null,
    bs: 0,
    be: 0,
  };
}

/**
 * Whether bytes[at...] begin with part p's cached bytes, p being in the same chunk: a part decoded
 * in an earlier chunk is decoded anew, so that taking parts again keeps no older chunk alive.
 */
function sameBytes(p: CachedPart, bytes: Uint8Array, at: number, end: number): boolean {
  return p.eb === bytes && sameRange(bytes, p.es, p.ee, bytes, at, end);
}

/** Whether b[bs...be) begins with a[as...ae). */
function sameRange(a: Uint8Array, as: number, ae: number, b: Uint8Array, bs: number, be: number): boolean {
  const len = ae - as;
  if (bs + len > be) return false;
  for (let i = 0; i < len; i++) if (a[as + i] !== b[bs + i]) return false;
  return true;
}

// Odd multipliers: multiplying by them is a bijection mod 2^32, so the
// polynomial combination of random part hashes stays uniform in each lane.
const COMBINE_HI = 0x9e3779b1;
const COMBINE_LO = 0x165667b1;

/** A machine or a channel: what writeParts and foldParts need of it. */
interface CachedPart {
  eb: Uint8Array | null;
  es: number;
  ee: number;
  fh: number;
  fl: number;
}

// Values of no declared type (a blocked machine's locals, FlWait.key), tagged:
// ints, bools, strings and arrays are all a Value can be, and equal values
// (sets and maps are kept sorted) give equal bytes.
const T_INT = 0;
const T_FALSE = 1;
const T_TRUE = 2;
const T_STRING = 3;
const T_ARRAY = 4;
const T_NULL = 5;

export function writeUntyped(w: Writer, v: Value | null): void {
  if (v === null) w.uint(T_NULL);
  else if (typeof v === "number") {
    w.uint(T_INT);
    w.sint(v);
  } else if (typeof v === "boolean") w.uint(v ? T_TRUE : T_FALSE);
  else if (typeof v === "string") {
    w.uint(T_STRING);
    w.str(v);
  } else {
    w.uint(T_ARRAY);
    w.uint(v.length);
    for (let i = 0; i < v.length; i++) writeUntyped(w, v[i]!);
  }
}

export function readUntyped(r: Reader): Value | null {
  const tag = r.uint();
  switch (tag) {
    case T_INT:
      return r.sint();
    case T_FALSE:
      return false;
    case T_TRUE:
      return true;
    case T_STRING:
      return r.str();
    case T_ARRAY: {
      const n = r.uint();
      const a: (Value | null)[] = new Array(n);
      for (let i = 0; i < n; i++) a[i] = readUntyped(r);
      return a as Value;
    }
    case T_NULL:
      return null;
    default:
      throw new Error(`decode: bad value tag ${tag}`);
  }
}
