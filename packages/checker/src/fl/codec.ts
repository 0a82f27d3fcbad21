// Canonical byte encoding of FlState. Type-directed (the IR gives every
// variable's and payload's type), so values carry no tags: varints for ints
// (zigzag), enums, ids and lengths; one byte per bool; strings as UTF-16 code
// units. Sets and maps are sorted by representation, and channels are kept
// sorted by (from, to), so equal states give equal bytes whatever the history.
// With faults, the remaining budgets and the partition's side follow.
import type { Type } from "@faultline/lang";
import type { FlChannel, FlMachine, FlMessage, FlMonitor, FlState } from "./fl-state.js";
import type { Payload, Value } from "./lang-codegen.js";
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
    if (src === buf) {
      buf.copyWithin(this.pos, from, to);
    } else if (n < 32) {
      let p = this.pos;
      for (let i = from; i < to; i++) buf[p++] = src[i]!;
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

export function encoderFor(t: Type): Encoder {
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
      return (w, v) => w.uint((v as number) + 1);
    case "tuple":
    case "namedTuple": {
      const parts = (t.kind === "tuple" ? t.elems : t.fields.map((f) => f.type)).map(encoderFor);
      return (w, v) => {
        const a = v as readonly Value[];
        for (let i = 0; i < parts.length; i++) parts[i]!(w, a[i]!);
      };
    }
    case "seq":
    case "set": {
      const elem = encoderFor(t.elem);
      return (w, v) => {
        const a = v as readonly Value[];
        w.uint(a.length);
        for (let i = 0; i < a.length; i++) elem(w, a[i]!);
      };
    }
    case "map": {
      const key = encoderFor(t.key);
      const val = encoderFor(t.value);
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

export function decoderFor(t: Type): Decoder {
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
      return (r) => r.uint() - 1;
    case "tuple":
    case "namedTuple": {
      const parts = (t.kind === "tuple" ? t.elems : t.fields.map((f) => f.type)).map(decoderFor);
      return (r) => parts.map((p) => p(r));
    }
    case "seq":
    case "set": {
      const elem = decoderFor(t.elem);
      return (r) => {
        const n = r.uint();
        const a: Value[] = new Array(n);
        for (let i = 0; i < n; i++) a[i] = elem(r);
        return a;
      };
    }
    case "map": {
      const key = decoderFor(t.key);
      const val = decoderFor(t.value);
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

interface OwnerCodec {
  vars: Encoder[];
  varsDec: Decoder[];
  payload: Encoder | null;
  payloadDec: Decoder | null;
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
  ) {
    const codec = (o: OwnerTable): OwnerCodec => ({
      vars: o.varTypes.map(encoderFor),
      varsDec: o.varTypes.map(decoderFor),
      payload: o.payloadType ? encoderFor(o.payloadType) : null,
      payloadDec: o.payloadType ? decoderFor(o.payloadType) : null,
    });
    this.machineCodecs = machines.map(codec);
    this.monitorCodecs = monitors.map(codec);
    this.eventEnc = eventPayloads.map((t) => (t ? encoderFor(t) : null));
    this.eventDec = eventPayloads.map((t) => (t ? decoderFor(t) : null));
  }

  /** Components encoded fresh by the current encode, to point at the output afterwards. */
  private readonly freshMachines: FlMachine[] = [];
  private readonly freshChannels: FlChannel[] = [];

  encode(s: FlState): Uint8Array {
    const w = this.w;
    w.begin();
    const ms = s.machines;
    const freshMachines = this.freshMachines;
    const freshChannels = this.freshChannels;
    let nm = 0;
    let nc = 0;
    w.uint(ms.length);
    // Cached parts that sit next to each other (a decoded parent's) are copied as one run.
    let runBuf: Uint8Array | null = null;
    let runStart = 0;
    let runEnd = 0;
    for (let i = 0; i < ms.length; i++) {
      const m = ms[i]!;
      if (m.eb !== null) {
        if (m.eb === runBuf && m.es === runEnd) {
          runEnd = m.ee;
        } else {
          if (runBuf !== null) w.copy(runBuf, runStart, runEnd);
          runBuf = m.eb;
          runStart = m.es;
          runEnd = m.ee;
        }
        continue;
      }
      if (runBuf !== null) {
        w.copy(runBuf, runStart, runEnd);
        runBuf = null;
      }
      m.es = w.pos - w.start;
      this.encodeMachine(m);
      m.ee = w.pos - w.start;
      freshMachines[nm++] = m;
    }
    if (runBuf !== null) w.copy(runBuf, runStart, runEnd);
    for (let i = 0; i < s.monitors.length; i++) {
      const m = s.monitors[i]!;
      const c = this.monitorCodecs[i]!;
      w.uint(m.state);
      for (let j = 0; j < m.vars.length; j++) c.vars[j]!(w, m.vars[j]!);
    }
    const cs = s.channels;
    w.uint(cs.length);
    runBuf = null;
    for (let i = 0; i < cs.length; i++) {
      const ch = cs[i]!;
      if (ch.eb !== null) {
        if (ch.eb === runBuf && ch.es === runEnd) {
          runEnd = ch.ee;
        } else {
          if (runBuf !== null) w.copy(runBuf, runStart, runEnd);
          runBuf = ch.eb;
          runStart = ch.es;
          runEnd = ch.ee;
        }
        continue;
      }
      if (runBuf !== null) {
        w.copy(runBuf, runStart, runEnd);
        runBuf = null;
      }
      ch.es = w.pos - w.start;
      this.encodeChannel(ch);
      ch.ee = w.pos - w.start;
      freshChannels[nc++] = ch;
    }
    if (runBuf !== null) w.copy(runBuf, runStart, runEnd);
    for (let i = 0; i < this.nBudgets; i++) w.uint(s.budgets[i]!);
    if (this.withCut) {
      const cut = s.cut;
      if (cut === null) w.uint(0);
      else {
        w.uint(cut.length);
        for (let i = 0; i < cut.length; i++) w.uint(cut[i]!);
      }
    }
    // Fresh parts were placed relative to the start (a chunk switch may have moved them).
    const base = w.start;
    const buf = w.buf;
    for (let i = 0; i < nm; i++) {
      const m = freshMachines[i]!;
      m.eb = buf;
      m.es += base;
      m.ee += base;
    }
    for (let i = 0; i < nc; i++) {
      const ch = freshChannels[i]!;
      ch.eb = buf;
      ch.es += base;
      ch.ee += base;
    }
    return buf.subarray(base, w.pos);
  }

  private encodeMachine(m: FlMachine): void {
    const w = this.w;
    const c = this.machineCodecs[m.type]!;
    w.uint(m.type);
    w.uint(m.state);
    w.uint(m.status);
    w.uint(m.timers);
    if (this.withPayloads && c.payload) c.payload(w, m.payload as Value);
    const vs = m.vars;
    for (let j = 0; j < vs.length; j++) c.vars[j]!(w, vs[j]!);
  }

  private encodeChannel(ch: FlChannel): void {
    const w = this.w;
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
    for (let i = 0; i < n; i++) {
      const es = r.pos;
      const type = r.uint();
      const c = this.machineCodecs[type];
      if (!c) throw new Error(`decode: unknown machine type ${type}`);
      const state = r.uint();
      const status = r.uint();
      const timers = r.uint();
      const payload: Payload = this.withPayloads && c.payloadDec ? c.payloadDec(r) : null;
      const vars = c.varsDec.map((d) => d(r));
      const k = byType[type]!.length;
      byType[type]!.push(i);
      machines.push({
        type,
        k,
        state,
        status,
        timers,
        vars,
        payload,
        g: 0,
        eb: bytes,
        es,
        ee: r.pos,
      });
    }
    const monitors: FlMonitor[] = this.monitors.map((_, i) => {
      const state = r.uint();
      const vars = this.monitorCodecs[i]!.varsDec.map((d) => d(r));
      return { state, vars, g: 0 };
    });
    const nc = r.uint();
    const channels: FlChannel[] = [];
    for (let i = 0; i < nc; i++) {
      const es = r.pos;
      const from = r.uint();
      const to = r.uint();
      const nm = r.uint();
      const msgs: FlMessage[] = [];
      for (let j = 0; j < nm; j++) {
        const event = r.uint();
        const dec = this.eventDec[event];
        if (dec === undefined) throw new Error(`decode: unknown event ${event}`);
        msgs.push({ event, payload: dec ? dec(r) : null });
      }
      channels.push({ from, to, msgs, g: 0, eb: bytes, es, ee: r.pos });
    }
    const budgets: number[] = [];
    for (let i = 0; i < this.nBudgets; i++) budgets.push(r.uint());
    let cut: number[] | null = null;
    if (this.withCut) {
      const len = r.uint();
      if (len > 0) {
        cut = [];
        for (let i = 0; i < len; i++) cut.push(r.uint());
      }
    }
    if (r.pos !== r.end) throw new Error("decode: trailing bytes in state encoding");
    return { machines, monitors, channels, byType, budgets, cut };
  }
}
