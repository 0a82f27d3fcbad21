// What code generated for the byte back end (generate-byte-code.ts) runs
// against: one delivery's or timer's handler on the scratch copy of a
// state's encoding. It holds the offsets of the running machine's variables,
// of every machine and monitor, and of the channel section, keeps them right
// by position as writes grow or shrink a value (shiftAfter), makes the
// choices of a run (the object runtime's odometer: executor.ts `choose` and
// `nextChoices`), runs the spec monitors that observe a send, logs the
// coverage it counts, and counts the work a run does.
//
// Anything the bytes do not take the way the object runtime would (an index
// out of range, a failed assertion, a choose from nothing, a send to no
// machine, a run past the work limit) throws HAND_OVER: the byte model then
// has the object runtime run that whole delivery, which reports it exactly.
import { MAX_CHOICES } from "../executor.js";
import { CRASHED, UP } from "../fl-state.js";
import { H_DEFER, H_GOTO, H_IGNORE, type OwnerTable } from "../program-tables.js";
import {
  byteElementAt,
  collectionElements,
  setOf,
  collectionHas,
  elementAt,
  fromRaw,
  mapEnd,
  mapHas,
  mapPart,
  mapPut,
  mapRemove,
  mapValueAt,
  OUT_OF_RANGE,
  pushMessage,
  type MessageEnd,
  type ScalarKind,
  type VarLayout,
  ScratchState,
  scalarsEnd,
  toRaw,
  uintSize,
  SEQ_SET_OUT_OF_RANGE,
  seqInsert,
  seqRemove,
  seqSet,
  setAdd,
  setRemove,
  type TupleField,
  tupleElements,
  tupleHas,
  tupleSeqInsert,
  tupleSetAdd,
  tupleSetRemove,
  uintAt,
  uintEnd,
  varEnd,
  writeUint,
} from "./state-bytes.js";

/** Generated code of an action: a handler's, an entry's or an exit's. */
export type ByteCode = (x: ByteRun) => void;

/** An owner's coverage counters (executor.ts CoverageCounts' entries). */
export interface Counters {
  handled: Float64Array;
  entered: Float64Array;
  width: number;
}

/** A spec monitor's code and tables, for ByteRun.observe. */
export interface MonitorCode {
  table: OwnerTable;
  layout: readonly VarLayout[];
  /** By state, event: the handler's action (`do`, or a goto's `with`). */
  actions: readonly (readonly (ByteCode | undefined)[])[];
  /** By state: the entries and exits its gotos run. */
  entries: readonly (ByteCode | undefined)[];
  exits: readonly (ByteCode | undefined)[];
  /** Its coverage counters while coverage is counted (the byte model sets them). */
  counters: Counters | undefined;
}

/**
 * Machine `id` is on the side `side` of a partition (a mask of ids: a
 * partition splits at most 16 machines, so a side's ids are below 16; a
 * machine made later, by a restart's entry, may have any id, on the other side).
 */
export function onSide(side: number, id: number): boolean {
  return id < 32 && ((side >>> id) & 1) !== 0;
}

/**
 * fl-state.ts compareMessages on the bytes: the message at `a` of `ba`
 * against the one at `b` of `bb`, by event, then the payload's fields in
 * order as values (an int's raw varint is zigzagged: fromRaw).
 */
export function compareMessageBytes(
  ba: Uint8Array,
  a: number,
  bb: Uint8Array,
  b: number,
  payloads: readonly (readonly VarLayout[])[],
): number {
  const ea = uintAt(ba, a);
  const eb = uintAt(bb, b);
  if (ea !== eb) return ea - eb;
  const fields = payloads[ea]!;
  a = uintEnd(ba, a);
  b = uintEnd(bb, b);
  for (let i = 0; i < fields.length; i++) {
    const kind = fields[i]!.kind;
    const va = fromRaw(kind, uintAt(ba, a));
    const vb = fromRaw(kind, uintAt(bb, b));
    if (va !== vb) return va < vb ? -1 : 1;
    a = uintEnd(ba, a);
    b = uintEnd(bb, b);
  }
  return 0;
}

/** Thrown by a run the bytes do not take (above); never escapes the byte model. */
export const HAND_OVER: unique symbol = Symbol("hand over to the object runtime");

/** Thrown by a `goto` in a machine function, to the action that called it (as the object runtime's control transfer). */
export const TRANSFER: unique symbol = Symbol("control transfer");

/**
 * Work a run may do before it is handed over: well under the object
 * runtime's own limit (STEP_OPERATIONS), which then decides whether the step
 * terminates, in its own terms and within its deadline. Counted as the
 * object runtime counts it, or more: a loop's iteration, a call, a goto, and
 * the size of each collection an operation scans or rewrites.
 */
export const WORK_LIMIT = 200_000;

export class ByteRun {
  readonly s = new ScratchState();
  /** Offsets of the running machine's variable slots (ByteProgram.layouts: a tuple variable has one per field); vo[nVars] is the channel section's. */
  vo = new Int32Array(16);
  nVars = 0;
  /**
   * In a restart's run, how many vo entries past nVars may hold offsets (the
   * kept payload's collections, restartSlot), which moves must keep right
   * (the state's and timers' varints before them may change size); else 0.
   */
  restartSlots = 0;
  /** The variables' offsets of the code running: the machine's (vo), or a monitor's while it observes (mvo). */
  cur = this.vo;
  /** Where each monitor's part (its state, then its variables) starts, and the observing one's variables. */
  mon = new Int32Array(4);
  nMonitors = 0;
  mvo = new Int32Array(16);
  mnVars = 0;
  /** The observed message's payload fields, and a monitor's pending goto and its payload (as p, gotoTarget, gp). */
  readonly mp: number[] = [];
  monitorGoto = -1;
  readonly mgp: number[] = [];
  /**
   * Coverage counted by this delivery's runs, the first nCounted of them
   * as (countedIn[i], countedAt[i]): counted again for each value a fork
   * resumes (a run from the start would count its prefix again), and taken
   * back when the delivery is handed over. A count, not a length: emptying
   * an array gives its storage back, and the next push allocates again.
   */
  readonly countedIn: Float64Array[] = [];
  countedAt = new Int32Array(16);
  nCounted = 0;
  /** Set by the byte model: the monitors (by position), which observe each event, and their code. */
  monitors: readonly MonitorCode[] = [];
  observers: readonly (readonly number[])[] = [];
  /** Per event: its payload's fields in a message (ByteProgram.payloads). */
  payloads: readonly (readonly VarLayout[])[] = [];
  /** How many times offsets moved (shiftAfter): a fork restores them only if they did since its save. */
  shifts = 0;
  /** Where each machine's part starts. */
  mo = new Int32Array(16);
  nMachines = 0;
  /** The running machine's id (`this`). */
  self = -1;
  /**
   * The side of the network's partition, as a mask of machine ids (onSide),
   * or 0 while it is whole: a message sent across it is lost (executor.ts
   * send). Set by the byte model per state.
   */
  cut = 0;
  work = 0;
  /** The run may stop at its fork (its first run, when its action has one): `fork` then saves where it stands. */
  armed = false;
  /** The run stopped at its fork, with the choose's number of values and the locals in scope. */
  forked = false;
  forkN = 0;
  forkLocals: readonly unknown[] = [];
  /** The choices of this run: made so far, their options, and those given (the odometer's prefix). */
  readonly values: number[] = [];
  readonly options: number[] = [];
  nChoices = 0;
  forced: readonly number[] = [];
  private combinations = 1;
  /** The message a send appends: its event, then its payload's fields (msgBegin, msgField). */
  protected message = new Uint8Array(64);
  protected messageSize = 0;
  /** The delivered message's payload, field by field (bools as 0 or 1): the byte model reads it in. */
  readonly p: number[] = [];
  /** A `goto` the code ended with (its target state, -1 for none), and the payload for the target's entry, field by field. */
  gotoTarget = -1;
  readonly gp: number[] = [];

  constructor(private readonly msgEnd: MessageEnd) {}

  /** Starts a run of machine `self` with the given prefix of choices. */
  begin(self: number, forced: readonly number[], armed: boolean): void {
    this.self = self;
    this.cur = this.vo;
    this.forced = forced;
    this.nChoices = 0;
    this.combinations = 1;
    this.work = 0;
    this.armed = armed;
    this.forked = false;
    this.gotoTarget = -1;
  }

  /**
   * Goes on from the fork with the choices `forced` (its value first): as
   * the run from the start would stand after its fork's choose, with the
   * work it had done before it.
   */
  resumeAt(self: number, forced: readonly number[], work: number): void {
    this.self = self;
    this.cur = this.vo;
    this.forced = forced;
    this.values[0] = forced[0]!;
    this.options[0] = this.forkN;
    this.nChoices = 1;
    this.combinations = this.forkN;
    this.work = work;
    this.armed = false;
    this.gotoTarget = -1;
  }

  /**
   * The fork's choose of `n` values (lang's fork-site.ts): in an armed run
   * with no choice made yet, the run stops here (-1) and the byte model
   * goes on from the saved bytes once per value; else an ordinary choose.
   */
  fork(n: number, locals: readonly unknown[]): number {
    if (!this.armed || this.nChoices !== 0) return this.choose(n);
    if (!(n > 0) || n > MAX_CHOICES) this.handOver();
    this.forked = true;
    this.forkN = n;
    this.forkLocals = locals;
    return -1;
  }

  handOver(): never {
    throw HAND_OVER;
  }

  /** A loop's iteration or a call. */
  tick(): void {
    if (++this.work > WORK_LIMIT) this.handOver();
  }

  /** `n` operations of work; past the limit, the run is handed over (the object runtime bounds it there). */
  spendWork(n: number): void {
    this.work += n;
    if (this.work > WORK_LIMIT) this.handOver();
  }

  /**
   * A `print` of text whose making cannot fail (ByteCodegen.printWork): what
   * the search prints is never kept (traces print on replay, executor.ts
   * `printed`), so only the work the object runtime spends making the text
   * counts here, `n` bounding it.
   */
  print(n: number): void {
    this.spendWork(n);
  }

  /** `sizeof` of collection variable k (of the code running). */
  size(k: number): number {
    return uintAt(this.s.buf, this.cur[k]!);
  }

  /** An operation on collection variable k: its size counts as work (the object runtime's `spend`). */
  protected spend(k: number): void {
    this.spendWork(this.size(k));
  }

  /** A scan of collection variable k where the runtime searches: a sixty-fourth of its size counts (see `has`). */
  protected spendScan(k: number): void {
    this.spendWork(this.size(k) >>> 6);
  }

  /**
   * `v in s` for set variable k. The runtime's setHas, a binary search,
   * spends nothing; this is a scan, so a sixty-fourth of its size counts
   * (over-counting only hands a long run over sooner): a step that tests a
   * big set very often stays bounded, as the object runtime's deadline
   * bounds it there.
   */
  has(k: number, v: number, kind: ScalarKind): boolean {
    this.spendScan(k);
    return collectionHas(this.s.buf, this.cur[k]!, v, kind);
  }

  /** `v in q` for sequence variable k: a scan, whose size counts as work (the runtime's seqHas). */
  hasInSeq(k: number, v: number, kind: ScalarKind): boolean {
    this.spend(k);
    return collectionHas(this.s.buf, this.cur[k]!, v, kind);
  }

  /** Variable k (of the code running) changed size by `delta`: whatever lies after it moves. */
  moved(k: number, delta: number): void {
    if (delta !== 0) this.shiftAfter(this.cur[k]!, delta);
  }

  /**
   * The bytes after offset `at` moved by `delta`: every offset kept past it
   * (variables, machines, monitors, the channel section) follows.
   */
  shiftAfter(at: number, delta: number): void {
    this.shifts++;
    const vo = this.vo;
    const slots = this.nVars + this.restartSlots;
    for (let j = 0; j <= slots; j++) if (vo[j]! > at) vo[j]! += delta;
    const mo = this.mo;
    for (let m = 0; m < this.nMachines; m++) if (mo[m]! > at) mo[m]! += delta;
    const mon = this.mon;
    for (let i = 0; i < this.nMonitors; i++) if (mon[i]! > at) mon[i]! += delta;
    const mvo = this.mvo;
    for (let j = 0; j < this.mnVars; j++) if (mvo[j]! > at) mvo[j]! += delta;
  }

  /** Writes the raw varint of a scalar variable. */
  setVar(k: number, raw: number): void {
    this.moved(k, this.s.setUint(this.cur[k]!, raw));
  }

  seqGet(k: number, i: number, kind: ScalarKind): number {
    const b = this.s.buf;
    const at = elementAt(b, this.cur[k]!, i);
    if (at === OUT_OF_RANGE) this.handOver();
    return fromRaw(kind, uintAt(b, at));
  }

  /** seqGet for elements of one byte each (bools, small enums). */
  seqGetByte(k: number, i: number): number {
    const b = this.s.buf;
    const at = byteElementAt(b, this.cur[k]!, i);
    if (at === OUT_OF_RANGE) this.handOver();
    return b[at]!;
  }

  seqSet(k: number, i: number, v: number, kind: ScalarKind): void {
    this.spend(k);
    const d = seqSet(this.s, this.cur[k]!, i, v, kind);
    if (d === SEQ_SET_OUT_OF_RANGE) this.handOver();
    this.moved(k, d);
  }

  /** seqSet for elements of one byte each (bools, small enums): written in place, nothing moves. */
  seqSetByte(k: number, i: number, v: number): void {
    this.spend(k);
    const b = this.s.buf;
    const at = byteElementAt(b, this.cur[k]!, i);
    if (at === OUT_OF_RANGE) this.handOver();
    b[at] = v;
  }

  seqInsert(k: number, i: number, v: number, kind: ScalarKind): void {
    this.spend(k);
    const d = seqInsert(this.s, this.cur[k]!, i, v, kind);
    if (d === SEQ_SET_OUT_OF_RANGE) this.handOver();
    this.moved(k, d);
  }

  /** `q -= (i)` for sequence variable k, of elements of `arity` varints (a tuple's fields; 1 for scalars). */
  seqRemove(k: number, i: number, arity: number): void {
    this.spend(k);
    const d = seqRemove(this.s, this.cur[k]!, i, arity);
    if (d === SEQ_SET_OUT_OF_RANGE) this.handOver();
    this.moved(k, d);
  }

  setAdd(k: number, v: number, kind: ScalarKind): void {
    this.spend(k);
    this.moved(k, setAdd(this.s, this.cur[k]!, v, kind));
  }

  setRemove(k: number, v: number, kind: ScalarKind): void {
    this.spend(k);
    this.moved(k, setRemove(this.s, this.cur[k]!, v, kind));
  }

  // Collections of tuples (state-bytes.ts tupleHas ...): an element as its fields' raw varints, counted as
  // the scalar operations count (a scan's size, an insertion's or removal's collection size).

  /** `t in c` for collection-of-tuples variable k: a scan, whose size counts as work. */
  hasTuple(k: number, raws: readonly number[], fields: readonly TupleField[]): boolean {
    this.spend(k);
    return tupleHas(this.s.buf, this.cur[k]!, raws, fields);
  }

  setAddTuple(k: number, raws: readonly number[], fields: readonly TupleField[]): void {
    this.spend(k);
    this.moved(k, tupleSetAdd(this.s, this.cur[k]!, raws, fields));
  }

  setRemoveTuple(k: number, raws: readonly number[], fields: readonly TupleField[]): void {
    this.spend(k);
    this.moved(k, tupleSetRemove(this.s, this.cur[k]!, raws, fields));
  }

  seqInsertTuple(k: number, i: number, raws: readonly number[]): void {
    this.spend(k);
    const d = tupleSeqInsert(this.s, this.cur[k]!, i, raws);
    if (d === SEQ_SET_OUT_OF_RANGE) this.handOver();
    this.moved(k, d);
  }

  /** The elements of collection-of-tuples variable k, their fields one after another (what a `foreach` iterates). */
  tupleElements(k: number, fields: readonly TupleField[]): number[] {
    this.spend(k);
    return tupleElements(this.s.buf, this.cur[k]!, fields);
  }

  /** Sequence or set variable k := `values` (a set's in order, without repeats), rewritten whole. */
  setCollection(k: number, values: readonly number[], kind: ScalarKind): void {
    const s = this.s;
    const p = this.cur[k]!;
    let size = uintSize(values.length);
    for (let i = 0; i < values.length; i++) size += uintSize(toRaw(kind, values[i]!));
    const delta = s.resize(p, scalarsEnd(s.buf, p) - p, size);
    let q = writeUint(s.buf, p, values.length);
    for (let i = 0; i < values.length; i++) q = writeUint(s.buf, q, toRaw(kind, values[i]!));
    this.moved(k, delta);
  }

  /** `m[key]` for map variable k (a missing key, a runtime error, is the object runtime's to report). */
  mapGet(k: number, key: number, kind: ScalarKind, valueKind: ScalarKind): number {
    this.spendScan(k);
    const b = this.s.buf;
    const at = mapValueAt(b, this.cur[k]!, key, kind);
    if (at === OUT_OF_RANGE) this.handOver();
    return fromRaw(valueKind, uintAt(b, at));
  }

  /** `key in m` for map variable k: a scan, counted as `has` counts a set's. */
  mapHas(k: number, key: number, kind: ScalarKind): boolean {
    this.spendScan(k);
    return mapHas(this.s.buf, this.cur[k]!, key, kind);
  }

  /** `m[key] = value` and `m += (key, value)` for map variable k. */
  mapPut(k: number, key: number, value: number, kind: ScalarKind, valueKind: ScalarKind): void {
    this.spend(k);
    this.moved(k, mapPut(this.s, this.cur[k]!, key, value, kind, valueKind));
  }

  /** `m -= (key)` for map variable k. */
  mapRemove(k: number, key: number, kind: ScalarKind): void {
    // The runtime spends the map's size only when the key is there; over-counting only hands over sooner.
    this.spend(k);
    this.moved(k, mapRemove(this.s, this.cur[k]!, key, kind));
  }

  /** The keys of map variable k, in order (what a `foreach` or a `choose` takes from a map). */
  mapKeys(k: number, kind: ScalarKind): number[] {
    this.spend(k);
    return mapPart(this.s.buf, this.cur[k]!, 0, kind);
  }

  /** `send target, event` (an event without payload). */
  send(target: number, event: number): void {
    this.msgBegin(event);
    this.msgSend(target);
  }

  /** A message of `event` is being written: its payload's raw fields follow (msgField). */
  msgBegin(event: number): void {
    this.messageSize = 0;
    this.msgField(event);
  }

  msgField(raw: number): void {
    if (this.messageSize + 5 > this.message.length) {
      const grown = new Uint8Array(2 * this.message.length);
      grown.set(this.message);
      this.message = grown;
    }
    this.messageSize = writeUint(this.message, this.messageSize, raw);
  }

  /** Sends the message written: onto the channel (self, target), unless the target is not up (then it is lost). */
  msgSend(target: number): void {
    if (!(target >= 0 && target < this.nMachines)) this.handOver();
    // Observed as it is sent, lost or not (executor.ts send).
    const event = uintAt(this.message, 0);
    if (this.observers[event]!.length > 0) this.observe(event);
    const b = this.s.buf;
    if (uintAt(b, uintEnd(b, this.mo[target]!)) % 3 !== UP) return;
    const cut = this.cut;
    if (cut !== 0 && onSide(cut, this.self) !== onSide(cut, target)) return;
    pushMessage(
      this.s,
      this.vo[this.nVars]!,
      this.self,
      target,
      this.message,
      this.messageSize,
      this.msgEnd,
      this.reorder ? this.after : null,
    );
  }

  /** The network reorders messages: a channel is a bag, kept sorted (executor.ts enqueue). Set by the byte model. */
  reorder = false;

  /** The message at `m` of `b` comes after the message `msg` (compareMessages > 0: by event, then field by field). */
  private readonly after = (b: Uint8Array, m: number, msg: Uint8Array): boolean =>
    compareMessageBytes(b, m, msg, 0, this.payloads) > 0;

  /** Announces the message written: the spec monitors that observe its event see it, and nothing is sent (executor.ts announce). */
  msgAnnounce(): void {
    const event = uintAt(this.message, 0);
    if (this.observers[event]!.length > 0) this.observe(event);
  }

  /** `start timer T` (on) or `cancel timer T`: bit t of the armed set after the machine's state (its type has timers). */
  setTimer(t: number, on: boolean): void {
    const b = this.s.buf;
    const at = uintEnd(b, uintEnd(b, this.mo[this.self]!));
    const armed = uintAt(b, at);
    const next = on ? armed | (1 << t) : armed & ~(1 << t);
    if (next !== armed) {
      const delta = this.s.setUint(at, next >>> 0);
      if (delta !== 0) this.shiftAfter(at, delta);
    }
  }

  /** One more of coverage counter `at`, logged in countedIn and countedAt (ByteModel.deliver counts a fork's prefix again per value, and takes the log back on a hand-over). */
  count(counters: Float64Array, at: number): void {
    counters[at]!++;
    const n = this.nCounted++;
    if (n === this.countedAt.length) {
      const grown = new Int32Array(2 * n);
      grown.set(this.countedAt);
      this.countedAt = grown;
    }
    this.countedIn[n] = counters;
    this.countedAt[n] = at;
  }

  /** `goto S` in a monitor's code: ByteRun.observe settles it. */
  mgoto(target: number): void {
    this.monitorGoto = target;
  }

  /**
   * A machine sends `event` with the message written: each monitor that
   * observes it handles it now (executor.ts observe and monitorHandle): its
   * handler, then its gotos' exits and entries. What a monitor cannot do
   * here is handed over with the delivery.
   */
  protected observe(event: number): void {
    const watchers = this.observers[event]!;
    // The payload's fields, from the message after its event.
    const fields = this.payloads[event]!;
    let q = uintEnd(this.message, 0);
    for (let i = 0; i < fields.length; i++) {
      this.mp[i] = fromRaw(fields[i]!.kind, uintAt(this.message, q));
      q = uintEnd(this.message, q);
    }
    const saved = this.cur;
    try {
      for (let j = 0; j < watchers.length; j++) this.monitorHandle(watchers[j]!, event);
    } finally {
      this.cur = saved;
      this.mnVars = 0;
    }
  }

  private monitorHandle(i: number, event: number): void {
    const m = this.monitors[i]!;
    const state = uintAt(this.s.buf, this.mon[i]!);
    const h = m.table.states[state]!.on[event];
    if (h === undefined || h.kind === H_DEFER) this.handOver();
    if (m.counters !== undefined) this.count(m.counters.handled, state * m.counters.width + event);
    if (h.kind === H_IGNORE) return;
    this.monitorVars(i);
    this.monitorGoto = -1;
    const action = m.actions[state]![event];
    if (action !== undefined) this.run(action);
    if (h.kind === H_GOTO && this.monitorGoto < 0) {
      this.monitorGoto = h.target;
      const fields = this.payloads[event]!.length;
      for (let f = 0; f < fields; f++) this.mgp[f] = this.mp[f]!;
    }
    this.followGotos(i, m.exits, m.entries, m.counters);
  }

  /**
   * Follows the gotos the code ended with (executor.ts settleMachine and
   * settleMonitor): for the running machine (`monitor` -1) or monitor
   * `monitor`, the current state's exit (a goto from it is the object
   * runtime's failure to report), the new state in the encoding (a machine's
   * as state * 3 + status, up; a monitor's as itself), its coverage, and its
   * entry, which may goto again.
   */
  followGotos(
    monitor: number,
    exits: readonly (ByteCode | undefined)[],
    entries: readonly (ByteCode | undefined)[],
    counters: Counters | undefined,
  ): void {
    const machine = monitor < 0;
    for (;;) {
      const target = machine ? this.gotoTarget : this.monitorGoto;
      if (target < 0) return;
      if (machine) this.gotoTarget = -1;
      else this.monitorGoto = -1;
      this.tick();
      const at = machine ? uintEnd(this.s.buf, this.mo[this.self]!) : this.mon[monitor]!;
      const scale = machine ? 3 : 1;
      const exit = exits[Math.floor(uintAt(this.s.buf, at) / scale)];
      if (exit !== undefined) {
        if (!machine) this.monitorVars(monitor);
        this.run(exit);
        if ((machine ? this.gotoTarget : this.monitorGoto) >= 0) this.handOver();
      }
      const delta = this.s.setUint(at, target * scale + UP);
      if (delta !== 0) this.shiftAfter(at, delta);
      if (counters !== undefined) this.count(counters.entered, target);
      const entry = entries[target];
      if (entry !== undefined) {
        if (!machine) this.monitorVars(monitor);
        this.run(entry);
      }
    }
  }

  /** The offsets of monitor i's variables, after its state: the variables its code reads and writes. */
  protected monitorVars(i: number): void {
    const layout = this.monitors[i]!.layout;
    const b = this.s.buf;
    if (this.mvo.length < layout.length + 1) this.mvo = new Int32Array(2 * layout.length + 2);
    let p = uintEnd(b, this.mon[i]!);
    for (let k = 0; k < layout.length; k++) {
      this.mvo[k] = p;
      p = varEnd(b, p, layout[k]!);
    }
    this.mnVars = layout.length;
    this.cur = this.mvo;
  }

  /** Runs an action (a handler's, entry's or exit's); a goto in a function it calls ends it as a return would. */
  run(action: ByteCode): void {
    try {
      action(this);
    } catch (e) {
      if (e !== TRANSFER) throw e;
    }
  }

  /**
   * The running machine, crashed, restarts (executor.ts runRestart): up in
   * its start state `start` (which the crash left it in), counted as
   * entered, and its start entry run as restarts run it
   * (ByteProgram.restartEntries: the kept constructor payload's scalars in
   * gp, its collections where they lie). Gotos it ends with are followed as
   * a handler's are.
   */
  restart(start: number, entry: ByteCode | undefined, counters: Counters | undefined): void {
    const at = uintEnd(this.s.buf, this.mo[this.self]!);
    const delta = this.s.setUint(at, start * 3 + UP);
    if (delta !== 0) this.shiftAfter(at, delta);
    if (counters !== undefined) this.count(counters.entered, start);
    if (entry !== undefined) this.run(entry);
  }

  /**
   * `v = c` for collection variable `to` of the running machine and a
   * collection `from` it reads where it lies, of the same layout (a restart
   * entry's kept payload, before the variables: writing `to` moves nothing
   * before it): `from`'s bytes over `to`'s. Its size counts as work.
   */
  copyCollection(to: number, from: number, map: boolean, arity: number): void {
    const s = this.s;
    const p = this.cur[from]!;
    const end = map ? mapEnd(s.buf, p) : scalarsEnd(s.buf, p, arity);
    this.spend(from);
    const bytes = s.buf.slice(p, end);
    const q = this.cur[to]!;
    const delta = s.resize(q, (map ? mapEnd(s.buf, q) : scalarsEnd(s.buf, q, arity)) - q, bytes.length);
    s.buf.set(bytes, q);
    this.moved(to, delta);
  }

  /** `goto S`: the byte model leaves the state and enters S when the code returns (ByteModel.settle). */
  goto(target: number): void {
    this.gotoTarget = target;
  }

  /** `m in S`: machine `id` is of type `type` and in its state `state`. */
  inState(id: number, type: number, state: number): boolean {
    if (!(id >= 0 && id < this.nMachines)) this.handOver();
    const b = this.s.buf;
    const p = this.mo[id]!;
    if (uintAt(b, p) !== type) return false;
    // A crashed instance is in no state until it restarts (executor.ts `inState`).
    const st = uintAt(b, uintEnd(b, p));
    return Math.floor(st / 3) === state && st % 3 !== CRASHED;
  }

  /** `a / b` or `a % b` with the runtime's function: a division by zero is handed over. */
  arith(f: (a: number, b: number, site: number) => number, a: number, b: number): number {
    if (b === 0) this.handOver();
    return f(a, b, -1);
  }

  /** The elements of collection variable k, decoded (what a `foreach` iterates: the value as the loop starts). */
  elements(k: number, kind: ScalarKind): number[] {
    this.spend(k);
    return collectionElements(this.s.buf, this.cur[k]!, kind);
  }

  /** `choose(c)` of a collection's values: the element at the value chosen (none: the object runtime reports it). */
  chooseOf<T>(values: readonly T[]): T {
    if (values.length === 0) this.handOver();
    return values[this.choose(values.length)]!;
  }

  /** A set written out, as runtime.ts `setOf` builds it: sorted, without repeats. */
  setOf<T extends number | boolean>(elems: T[]): T[] {
    // The runtime spends the elements from the step's budget.
    this.spendWork(elems.length);
    return setOf(elems);
  }

  /** `choose(n)`: the next value of the odometer (executor.ts `choose`). */
  choose(n: number): number {
    if (!(n > 0)) this.handOver();
    const combinations = this.combinations * n;
    if (combinations > MAX_CHOICES) this.handOver();
    this.combinations = combinations;
    const pos = this.nChoices++;
    const v = pos < this.forced.length ? this.forced[pos]! : 0;
    this.values[pos] = v;
    this.options[pos] = n;
    return v;
  }
}
