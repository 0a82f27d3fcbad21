// ByteRun on a state in a fixed-width layout (fixed-layout.ts): the same
// generated code runs on it, its operations on variables and channels
// reading and writing slots at offsets the plan fixed. Nothing ever moves:
// a write that does not fit its slot throws LayoutOverflow (the run starts
// over on the canonical encoding, fixed-model.ts), and what this layout
// does not store (maps, collections of tuples, restarts) is handed over,
// as any run the bytes do not take.
import { UP } from "../fl-state.js";
import { ByteRun } from "./byte-run.js";
import {
  bitOf,
  type FixedPlan,
  LayoutOverflow,
  maskAt,
  popcount,
  Slot,
  setMaskAt,
  maskValues,
  openSlot,
  removeSlot,
  slotCount,
  slotElements,
  slotHolds,
  writePadded,
} from "./fixed-layout.js";
import { fromRaw, type MessageEnd, type ScalarKind, toRaw, uintAt, uintEnd } from "./state-bytes.js";

/** The overflow of a slot, thrown rather than made per write. */
function overflow(what: string): never {
  throw new LayoutOverflow(what);
}

export class FixedRun extends ByteRun {
  /** The running machine's slots (kind, width, capacity per slot: FixedOwner.meta), set per run; a monitor's while it observes. */
  vmeta: Int32Array<ArrayBuffer> = new Int32Array(0);
  private mmeta: Int32Array<ArrayBuffer> = new Int32Array(0);

  constructor(
    msgEnd: MessageEnd,
    private readonly plan: FixedPlan,
  ) {
    super(msgEnd);
  }

  /** Nothing moves in this layout: the machines' and monitors' offsets are the plan's (set once the byte model has set up the run). */
  usePlan(): void {
    const plan = this.plan;
    this.mo = plan.machineAt;
    if (plan.monitorAt.length > 0) this.mon = plan.monitorAt;
    this.nMachines = plan.n;
  }

  /** The slots of the code running. */
  private meta(): Int32Array {
    return this.cur === this.vo ? this.vmeta : this.mmeta;
  }

  override size(k: number): number {
    const meta = this.meta();
    return slotCount(this.s.buf, this.cur[k]!, meta[3 * k]!, meta[3 * k + 1]!);
  }

  override has(k: number, v: number, kind: ScalarKind): boolean {
    // A scan counts a sixty-fourth of the set's size (ByteRun.has): nothing for a mask's 32 elements at most.
    if (this.meta()[3 * k] !== Slot.SetMask) this.spendScan(k);
    return this.holds(k, v, kind);
  }

  override hasInSeq(k: number, v: number, kind: ScalarKind): boolean {
    this.spend(k);
    return this.holds(k, v, kind);
  }

  private holds(k: number, v: number, kind: ScalarKind): boolean {
    const meta = this.meta();
    return slotHolds(this.s.buf, this.cur[k]!, meta[3 * k]!, meta[3 * k + 1]!, v, kind);
  }

  override setVar(k: number, raw: number): void {
    if (!writePadded(this.s.buf, this.cur[k]!, raw, this.meta()[3 * k + 1]!)) overflow("a variable's value");
  }

  /** Where element i of sequence k lies; out of range is handed over, as on the canonical encoding. */
  private elementAt(k: number, i: number): number {
    const p = this.cur[k]!;
    if (!(i >= 0 && i < this.s.buf[p]!)) this.handOver();
    return p + 1 + i * this.meta()[3 * k + 1]!;
  }

  override seqGet(k: number, i: number, kind: ScalarKind): number {
    if (this.meta()[3 * k] === Slot.SetMask) return this.maskElement(k, i, kind);
    return fromRaw(kind, uintAt(this.s.buf, this.elementAt(k, i)));
  }

  override seqGetByte(k: number, i: number): number {
    // One-byte elements are enums' and bools' ordinals: a mask's bit is the value.
    if (this.meta()[3 * k] === Slot.SetMask) return this.maskElement(k, i, 1);
    return this.s.buf[this.elementAt(k, i)]!;
  }

  /** `s[i]` of SetMask set k: its i-th value in order (runtime.ts setGet); out of range is handed over. */
  private maskElement(k: number, i: number, kind: ScalarKind): number {
    const values = maskValues(maskAt(this.s.buf, this.cur[k]!, this.meta()[3 * k + 1]!), kind);
    if (!(i >= 0 && i < values.length)) this.handOver();
    return values[i]!;
  }

  override seqSet(k: number, i: number, v: number, kind: ScalarKind): void {
    this.spend(k);
    const at = this.elementAt(k, i);
    if (!writePadded(this.s.buf, at, toRaw(kind, v), this.meta()[3 * k + 1]!)) overflow("an element");
  }

  override seqSetByte(k: number, i: number, v: number): void {
    this.spend(k);
    this.s.buf[this.elementAt(k, i)] = v;
  }

  override seqInsert(k: number, i: number, v: number, kind: ScalarKind): void {
    this.spend(k);
    const b = this.s.buf;
    const p = this.cur[k]!;
    const n = b[p]!;
    if (!(i >= 0 && i <= n)) this.handOver();
    this.insertAt(k, i, toRaw(kind, v));
  }

  /** Puts raw element `raw` at index i of sequence or array set k, moving the rest up. */
  private insertAt(k: number, i: number, raw: number): void {
    const meta = this.meta();
    const b = this.s.buf;
    const p = this.cur[k]!;
    const n = b[p]!;
    const width = meta[3 * k + 1]!;
    if (n === meta[3 * k + 2]!) overflow("a collection's elements");
    const at = p + 1 + i * width;
    openSlot(b, at, width, p + 1 + n * width);
    if (!writePadded(b, at, raw, width)) overflow("an element");
    b[p] = n + 1;
  }

  /** Takes element i out of sequence or array set k, moving the rest down (the room it leaves is zero). */
  private removeAt(k: number, i: number): void {
    const b = this.s.buf;
    const p = this.cur[k]!;
    const n = b[p]!;
    const width = this.meta()[3 * k + 1]!;
    const at = p + 1 + i * width;
    const end = p + 1 + n * width;
    removeSlot(b, at, width, end);
    b[p] = n - 1;
  }

  override seqRemove(k: number, i: number, arity: number): void {
    if (arity !== 1) this.handOver();
    this.spend(k);
    if (!(i >= 0 && i < this.s.buf[this.cur[k]!]!)) this.handOver();
    this.removeAt(k, i);
  }

  /** Where value v is, or would go, in array set k (runtime.ts `compare`'s order): its index; `present` says which. */
  private present = false;

  private position(k: number, v: number, kind: ScalarKind): number {
    const b = this.s.buf;
    const p = this.cur[k]!;
    const n = b[p]!;
    const width = this.meta()[3 * k + 1]!;
    let i = 0;
    for (; i < n; i++) {
      const x = fromRaw(kind, uintAt(b, p + 1 + i * width));
      if (x === v) {
        this.present = true;
        return i;
      }
      if (x > v) break;
    }
    this.present = false;
    return i;
  }

  override setAdd(k: number, v: number, kind: ScalarKind): void {
    const meta = this.meta();
    if (meta[3 * k] === Slot.SetMask) {
      FixedOps.maskAdd(this, this.s.buf, this.cur[k]!, meta[3 * k + 1]!, bitOf(kind, v));
      return;
    }
    this.spend(k);
    const i = this.position(k, v, kind);
    if (!this.present) this.insertAt(k, i, toRaw(kind, v));
  }

  override setRemove(k: number, v: number, kind: ScalarKind): void {
    const meta = this.meta();
    if (meta[3 * k] === Slot.SetMask) {
      FixedOps.maskRemove(this, this.s.buf, this.cur[k]!, meta[3 * k + 1]!, bitOf(kind, v));
      return;
    }
    this.spend(k);
    const i = this.position(k, v, kind);
    if (this.present) this.removeAt(k, i);
  }

  override elements(k: number, kind: ScalarKind): number[] {
    this.spend(k);
    const meta = this.meta();
    return slotElements(this.s.buf, this.cur[k]!, meta[3 * k]!, meta[3 * k + 1]!, kind);
  }

  override setCollection(k: number, values: readonly number[], kind: ScalarKind): void {
    const meta = this.meta();
    const b = this.s.buf;
    const p = this.cur[k]!;
    const width = meta[3 * k + 1]!;
    if (meta[3 * k] === Slot.SetMask) {
      let mask = 0;
      for (let i = 0; i < values.length; i++) {
        const m = bitOf(kind, values[i]!);
        if (m < 0 || m >= 8 * width) overflow("a set's element");
        mask |= 1 << m;
      }
      setMaskAt(b, p, width, mask >>> 0);
      return;
    }
    const capacity = meta[3 * k + 2]!;
    if (values.length > capacity) overflow("a collection's elements");
    b.fill(0, p, p + 1 + capacity * width);
    b[p] = values.length;
    for (let i = 0; i < values.length; i++)
      if (!writePadded(b, p + 1 + i * width, toRaw(kind, values[i]!), width)) overflow("an element");
  }

  // What the layout does not store: a plan never holds these (planLayout), so they are never reached.
  override hasTuple(): boolean {
    return this.handOver();
  }
  override setAddTuple(): void {
    this.handOver();
  }
  override setRemoveTuple(): void {
    this.handOver();
  }
  override seqInsertTuple(): void {
    this.handOver();
  }
  override tupleElements(): number[] {
    return this.handOver();
  }
  override mapGet(): number {
    return this.handOver();
  }
  override mapHas(): boolean {
    return this.handOver();
  }
  override mapPut(): void {
    this.handOver();
  }
  override mapRemove(): void {
    this.handOver();
  }
  override mapKeys(): number[] {
    return this.handOver();
  }
  override copyCollection(): void {
    this.handOver();
  }
  override restart(): void {
    this.handOver();
  }

  /** `send target, event` without a payload: as msgBegin and msgSend, without writing the message first where no monitor observes it. */
  override send(target: number, event: number): void {
    if (this.observers[event]!.length > 0) {
      super.send(target, event);
      return;
    }
    if (!(target >= 0 && target < this.plan.n)) this.handOver();
    const q = this.slotFor(target);
    if (q >= 0) this.s.buf[q] = event;
  }

  /** Sends the message written onto channel (self, target), unless the target is not up (as ByteRun.msgSend). */
  override msgSend(target: number): void {
    if (!(target >= 0 && target < this.plan.n)) this.handOver();
    const message = this.message;
    const event = uintAt(message, 0);
    if (this.observers[event]!.length > 0) this.observe(event);
    let q = this.slotFor(target);
    if (q < 0) return;
    const b = this.s.buf;
    b[q++] = event;
    const widths = this.plan.fieldWidths[event]!;
    let m = uintEnd(message, 0);
    for (let f = 0; f < widths.length; f++) {
      if (!writePadded(b, q, uintAt(message, m), widths[f]!)) overflow("a message's field");
      m = uintEnd(message, m);
      q += widths[f]!;
    }
  }

  /**
   * The slot a message to `target` goes in, counted in its channel (self,
   * target), or -1 when the target is not up and the message is lost
   * (executor.ts send).
   */
  private slotFor(target: number): number {
    const plan = this.plan;
    const b = this.s.buf;
    if (b[plan.machineAt[target]! + 1]! % 3 !== UP) return -1;
    const c = plan.channelOf[this.self * plan.n + target]!;
    if (c < 0) overflow(`a message from machine ${this.self} to machine ${target}`);
    const ch = plan.channels[c]!;
    const count = b[ch.at]!;
    if (count === ch.capacity) overflow("a channel's messages");
    b[ch.at] = count + 1;
    return ch.at + 1 + count * plan.slotWidth;
  }

  protected override monitorVars(i: number): void {
    // Generated monitor code reads its variables through mvo.
    this.mvo = this.plan.mvo[i]!;
    this.mnVars = this.mvo.length;
    this.cur = this.mvo;
    this.mmeta = this.plan.owners[this.plan.owners.length - this.plan.monitorAt.length + i]!.meta;
  }
}

/**
 * What code generated for a fixed-width layout calls in place of FixedRun's
 * methods where the plan fixed a slot's kind and width when the code was
 * generated (generate-byte-code.ts ByteCodegen.fixedSlot): small functions
 * V8 inlines, with no look-up of the slot per operation. Each does what the
 * FixedRun method does, work counted alike. `m` is a value's bit (bitOf).
 */
export const FixedOps = {
  /** `v in s` for a SetMask of one, two or four bytes. */
  has1(b: Uint8Array, p: number, m: number): boolean {
    return m >>> 0 < 8 && ((b[p]! >>> m) & 1) !== 0;
  },
  has2(b: Uint8Array, p: number, m: number): boolean {
    return m >>> 0 < 16 && (((b[p]! | (b[p + 1]! << 8)) >>> m) & 1) !== 0;
  },
  has4(b: Uint8Array, p: number, m: number): boolean {
    return m >>> 0 < 32 && ((maskAt(b, p, 4) >>> m) & 1) !== 0;
  },
  /** `sizeof` of a SetMask of `width` bytes. */
  maskSize(b: Uint8Array, p: number, width: number): number {
    return popcount(maskAt(b, p, width));
  },
  /** `s += (v)` and `s -= (v)` for a SetMask of `width` bytes (FixedRun.setAdd, setRemove). */
  maskAdd(x: FixedRun, b: Uint8Array, p: number, width: number, m: number): void {
    const mask = maskAt(b, p, width);
    x.spendWork(popcount(mask));
    if (m >>> 0 >= 8 * width) overflow("a set's element");
    setMaskAt(b, p, width, (mask | (1 << m)) >>> 0);
  },
  maskRemove(x: FixedRun, b: Uint8Array, p: number, width: number, m: number): void {
    const mask = maskAt(b, p, width);
    x.spendWork(popcount(mask));
    if (m >>> 0 < 8 * width) setMaskAt(b, p, width, (mask & ~(1 << m)) >>> 0);
  },
  /** `q[i]` and `q[i] = v` for a sequence of one-byte elements (FixedRun.seqGetByte, seqSetByte). */
  seqByte(x: FixedRun, b: Uint8Array, p: number, i: number): number {
    if (!(i >>> 0 < b[p]!)) x.handOver();
    return b[p + 1 + i]!;
  },
  setSeqByte(x: FixedRun, b: Uint8Array, p: number, i: number, v: number): void {
    x.spendWork(b[p]!);
    if (!(i >>> 0 < b[p]!)) x.handOver();
    b[p + 1 + i] = v;
  },
};
