// The byte back end (ADR 0015, step 1): an FlModel whose successors are
// computed on the states' canonical encoding by code generated for it
// (generate-byte-code.ts), for the programs and tests it covers
// (`byteModelGap` says why not, otherwise). A state is the bytes
// FlModel.encode writes (a ByteState view of them), so counts, traces and
// the frontier are those of the object runtime; its fingerprint is of those
// bytes (fingerprintInto's), not the FlModel's part hashes, so a search's
// coordinator and workers must both use this model. The FlModel does
// everything but successors and compiled invariants (initial states,
// replay, presentation, terminal states, liveness), on the decoded state.
//
// A successor is emitted as the back end's scratch, which the explorer
// fingerprints and copies only when it is new (ADR 0015: copying every
// successor cost more than it saved). A delivery the generated code cannot
// take (byte-run.ts HAND_OVER: a runtime error, a failed assertion, a step
// over the work limit, an unhandled or halting message) is run by the object
// runtime from its start, and the successors the bytes had not emitted yet
// are its. Fault steps follow the deliveries and timers, taken on the bytes
// as executor.ts takes them (faultSteps), restarts too (their start entries'
// code, with the constructor payload the machine kept), but for the fault
// steps a spec observes, which the object runtime runs.
import type {
  Emit,
  Failure,
  Invariant,
  Json,
  Model,
  StateView,
  StepLabel,
  StepOutcome,
  WitnessProperty,
} from "../../model.js";
import { fingerprintRange, fingerprintWords } from "../../fingerprint.js";
import { type CoverageCounts, choicesMade, nextChoices, type OwnerCounts } from "../executor.js";
import type { FlModel } from "../fl-model.js";
import { CRASHED, type FlState, type FlStep, NO_CHOICES, UP } from "../fl-state.js";
import { HALT_EVENT } from "../lang-codegen.js";
import { MAX_PARTITION_MACHINES } from "../enabled-steps.js";
import { H_DO, H_GOTO, H_IGNORE, type HandlerEntry, type StateTable } from "../program-tables.js";
import { ByteRun, HAND_OVER, type MonitorCode, onSide, TRANSFER } from "./byte-run.js";
import {
  type ByteProgram,
  generateByteCode,
  type HandedOver,
  restartSlot,
  skipMachine,
  varsStart,
} from "./generate-byte-code.js";
import {
  channelEnd,
  dropOrCopy,
  fromRaw,
  type MessageEnd,
  popFirst,
  type ScratchState,
  type VarLayout,
  uintAt,
  uintEnd,
  uintsEnd,
  varEnd,
  writeUint,
} from "./state-bytes.js";

/** A state as bytes [0, len) of buf: the back end's scratch for a successor, a frontier's bytes for a state expanded. */
export interface ByteState {
  buf: Uint8Array;
  len: number;
}

/**
 * The fingerprint of state `state`'s bytes, as fingerprintInto gives it:
 * read a word at a time through the scratch `s`'s view, or a view of its
 * buffer where one lines up (wordsOf), byte by byte elsewhere.
 */
export function fingerprintByteState(state: ByteState, s: ScratchState, out: Uint32Array): void {
  if (state === s) fingerprintWords(s.buf, s.words, s.len, out);
  else {
    const words = wordsOf(state.buf, state.len >> 2);
    if (words === null) fingerprintRange(state.buf, 0, state.len, out);
    else fingerprintWords(state.buf, words, state.len, out);
  }
}

/**
 * An Int32Array over `buf`'s bytes from its first, with at least `count`
 * words, or null where none lines up (`buf` does not start its buffer, or the
 * buffer is shorter). Kept for the last `buf` asked (compared by identity:
 * reading a view's `buffer` is slow): the state being expanded is the
 * frontier reader's entry, one view rebuilt in place (DeltaReader), and read
 * a word at a time its fingerprint costs less.
 */
export function wordsOf(buf: Uint8Array, count: number): Int32Array<ArrayBufferLike> | null {
  if (buf !== lastWordsOf) {
    lastWords = buf.byteOffset === 0 ? new Int32Array(buf.buffer, 0, buf.buffer.byteLength >> 2) : null;
    lastWordsOf = buf;
  }
  return lastWords !== null && lastWords.length >= count ? lastWords : null;
}
let lastWordsOf: Uint8Array | null = null;
let lastWords: Int32Array<ArrayBufferLike> | null = null;

/** Where a run stood at its fork, besides the scratch's bytes (ScratchState.save). */
export interface ForkedRun {
  /** The monitors' offsets at the fork. */
  mon: Int32Array;
  vo: Int32Array;
  mo: Int32Array;
  locals: readonly unknown[];
  work: number;
  /** ByteRun.shifts when the offsets were last as saved. */
  shifts: number;
}

/** The payload fields read from a message whose payload holds collections: none. */
const NO_FIELDS: readonly VarLayout[] = [];

/** Machine ids below this have their channels' shared steps in an array (ByteModel.deliverySteps). */
const CHANNEL_STEPS = 64;

/** `q` of a run that is a timer's, not a delivery's (ByteModel.deliver). */
export const TIMER = -1;

/** `q` of a run that is a crashed machine's restart (ByteModel.deliver): its start state's entry, with its constructor payload. */
const RESTART = -2;

/** What deliver runs for a restart: no handler, the start state's entry (ByteRun.restart). */
const RESTART_RUN: HandlerKind = Object.freeze({ kind: H_DO, target: -1 });

/** What deliver reads of a handler: its kind, and a goto's target. */
type HandlerKind = Pick<HandlerEntry, "kind" | "target">;

/** The heal step (shared: steps are not changed). */
const HEAL: FlStep = Object.freeze({ t: "heal" });

/** Bytes [a, b) of `buf` equal bytes [b, c): a message and the next one, the same message. */
function sameBytes(buf: Uint8Array, a: number, b: number, c: number): boolean {
  if (b - a !== c - b) return false;
  for (let i = 0; i < b - a; i++) if (buf[a + i] !== buf[b + i]) return false;
  return true;
}

/** Steps whose one choice is below this are shared (ByteModel.stepOf). */
const STEP_CACHE = 64;

/** Why `fl` cannot run on the byte back end (a clause about the test: "it declares symmetric machines"), or null when it can: the test's features here, the program's in the generator. */
export function byteModelGap(fl: FlModel): string | null {
  if (fl.symmetry !== null) return "it declares symmetric machines";
  if (fl.partialOrder !== null) return "partial-order reduction is on";
  return null;
}

export type ByteModelResult = { ok: true; model: ByteModel } | { ok: false; reason: string };

/**
 * Which code the byte back end may leave to the object runtime (ByteProgram.handedOver):
 * any (each delivery that reaches it is handed over), or only the handlers
 * of events whose payloads hold collections (set-up messages, mostly) and
 * start entries only restarts run (HandedOver.restartEntry), so that no hot
 * handler handed over makes a test slower than on the object runtime
 * (invariants it does not compile still cost a decode per state).
 */
export type HandOvers = "any" | "opaque-events";

/** The byte back end's model of `fl`, or why the object runtime must run it. */
export function byteModelOf(fl: FlModel, handOvers: HandOvers = "any"): ByteModelResult {
  const gap = byteModelGap(fl);
  if (gap !== null) return { ok: false, reason: gap };
  if (fl.monitors.length > 64) return { ok: false, reason: "it asserts more than 64 spec monitors" };
  const code = byteCodeOf(fl);
  if (!code.ok) {
    const at = code.span ? ` (${code.span.file}:${code.span.start.line}:${code.span.start.col})` : "";
    return { ok: false, reason: `its program has ${code.reason}${at}` };
  }
  const other = code.program.handedOver.find((h) => !h.opaqueEvent && !h.restartEntry);
  if (handOvers === "opaque-events" && other !== undefined)
    return { ok: false, reason: `its program leaves ${other.where} to the object runtime: ${other.reason}` };
  // A reordering network sorts each channel by payload values, which compareMessageBytes reads only for scalars.
  if (fl.faults.reorder && code.program.opaque.includes(true))
    return { ok: false, reason: "its network reorders messages whose payloads hold collections" };
  return { ok: true, model: new ByteModel(fl, code.program) };
}

/**
 * The byte back end's code for `fl`'s test, generated afresh: a model of its
 * own keeps its call sites to one kind of run (fixed-model.ts runs the same
 * program on a FixedRun).
 */
export function byteCodeOf(
  fl: FlModel,
  fixed?: Parameters<typeof generateByteCode>[4],
): ReturnType<typeof generateByteCode> {
  const specs = fl.monitors.map((table) => fl.ir.specs.find((spec) => spec.name === table.name)!);
  return generateByteCode(fl.ir, fl.paramValues, specs, fl.faults.restarts, fixed);
}

export class ByteModel implements Model<ByteState, FlStep> {
  readonly name: string;
  readonly invariants: readonly Invariant<ByteState>[];
  readonly witnesses: readonly WitnessProperty<ByteState>[];
  protected readonly x: ByteRun;
  /** Where a message ends: its event, then as many varints as its payload has fields. */
  private readonly msgEnd: MessageEnd;
  private readonly outcome: { kind: "state"; state: ByteState };
  /** Where each machine of the state being expanded starts, and its type. */
  private mo = new Int32Array(16);
  protected types = new Int32Array(16);
  /**
   * Deliveries run on the bytes (and of them, those that forked), runs
   * handed over to the object runtime (deliveries, timers, restarts), and
   * the fault steps taken on the bytes (restarts' successors included) and
   * by the object runtime (for tests and reports).
   */
  readonly counts = { onBytes: 0, handedOver: 0, forked: 0, faultsOnBytes: 0, faultsOnObjects: 0 };
  /** The names of the program's invariants and reachable properties compiled to run on the bytes (the others are evaluated on the decoded state). */
  get compiledInvariants(): string[] {
    return this.fl.ir.invariants
      .filter((_inv, i) => this.program.invariants[i] !== null)
      .map((inv) => inv.name);
  }

  /** The generated program this model runs (fixed-model.ts builds its own model of it). */
  get byteProgram(): ByteProgram {
    return this.program;
  }

  /** The code the object runtime runs for this model (ByteProgram.handedOver). */
  get handedOverCode(): readonly HandedOver[] {
    return this.program.handedOver;
  }
  /** Where each monitor's part starts in the state being expanded. */
  private readonly mon: Int32Array;
  /** By event: its payload holds collections (ByteProgram.opaque): code does not read it. */
  private readonly opaque: readonly boolean[];
  /** What the compiled invariants read states with (ByteProgram.invariantBytes): its stamps. */
  private readonly reader: { stamp: number; scratchStamp: number };
  /** The halt event's index, or -1: delivering it halts the receiver, which the object runtime does. */
  private readonly halt: number;
  /**
   * The message the delivery being run takes: where it is in the state
   * expanded, and its position in its channel (the first its receiver does
   * not defer). Set by successors for `deliver` and `handOver`.
   */
  protected takeAt = 0;
  protected takeIndex = 0;
  /** Some state of the program defers some event (else every delivery takes a channel's first message). */
  protected readonly defers: boolean;
  /** The test's fault budgets, which follow the channels in a state, and whether the partition's side follows them. */
  private readonly nBudgets: number;
  private readonly withCut: boolean;
  /** By machine type: a crashed machine of the type may restart. */
  private readonly restarts: readonly boolean[];
  /** A spec monitor observes some fault event: the object runtime takes the fault steps, which it runs. */
  private readonly faultsObserved: boolean;
  /** The budgets of the state being expanded, where each is in it, and where its cut is (mayFault reads them for faultSteps). */
  private readonly budgets: Int32Array;
  private readonly budgetAt: Int32Array;
  private cutAt = 0;

  constructor(
    readonly fl: FlModel,
    protected readonly program: ByteProgram,
    /** The run generated code runs against (a FixedRun for the fixed-width layout, fixed-model.ts). */
    run: (msgEnd: MessageEnd) => ByteRun = (msgEnd) => new ByteRun(msgEnd),
  ) {
    this.name = fl.name;
    this.reader = program.invariantBytes;
    const fields = Int32Array.from(program.payloads, (p) => p.length);
    const opaque = program.opaque;
    this.opaque = opaque;
    this.msgEnd = opaque.includes(true)
      ? (b, p) => {
          const event = uintAt(b, p);
          let q = uintEnd(b, p);
          if (!opaque[event]) return uintsEnd(b, q, fields[event]!);
          // A payload with collections: field by field.
          const layouts = program.payloads[event]!;
          for (let i = 0; i < layouts.length; i++) q = varEnd(b, q, layouts[i]!);
          return q;
        }
      : (b, p) => uintsEnd(b, uintEnd(b, p), fields[uintAt(b, p)]!);
    this.x = run(this.msgEnd);
    this.outcome = { kind: "state", state: this.x.s };
    this.halt = fl.ir.events.findIndex((e) => e.name === HALT_EVENT);
    this.x.reorder = fl.faults.reorder;
    this.defers = fl.machines.some((t) => t.states.some((st) => st.deferred.includes(1)));
    this.nBudgets = fl.faults.faults.length;
    this.withCut = fl.faults.partitions.length > 0;
    this.restarts = fl.faults.restarts;
    this.faultsObserved = fl.ir.events.some((e, i) => e.fault !== undefined && fl.observers[i]!.length > 0);
    this.budgets = new Int32Array(this.nBudgets);
    this.budgetAt = new Int32Array(this.nBudgets);
    // The variables' offsets, the channel section's, and a restart entry's kept collections' (restartSlot).
    const maxSlots = Math.max(
      0,
      ...program.layouts.map((l, type) => restartSlot(l.length, program.kept[type]?.length ?? 0)),
    );
    this.x.vo = new Int32Array(maxSlots);
    this.x.cur = this.x.vo;
    // The test's spec monitors: their code comes after the machine types' in the program's tables.
    const nTypes = fl.ir.machines.length;
    this.x.monitors = fl.monitors.map(
      (table, i): MonitorCode => ({
        table,
        layout: program.layouts[nTypes + i]!,
        actions: program.actions[nTypes + i]!,
        entries: program.entries[nTypes + i]!,
        exits: program.exits[nTypes + i]!,
        counters: undefined,
      }),
    );
    this.x.nMonitors = fl.monitors.length;
    this.x.mon = new Int32Array(Math.max(1, fl.monitors.length));
    this.mon = new Int32Array(Math.max(1, fl.monitors.length));
    this.x.observers = fl.observers;
    this.x.payloads = program.payloads;
    this.invariants = fl.invariants.map((inv) => ({
      name: inv.name,
      ...(inv.location !== undefined ? { location: inv.location } : {}),
      holds: this.predicate(inv, false),
      ...(inv.witness !== undefined
        ? { witness: (state: ByteState) => inv.witness!(this.objects(state)) }
        : {}),
    }));
    // Reachable properties compile as invariants do; a test's `cover (Spec.State)` targets are the object runtime's.
    this.witnesses = fl.witnesses.map((w) => ({
      name: w.name,
      ...(w.kind !== undefined ? { kind: w.kind } : {}),
      ...(w.location !== undefined ? { location: w.location } : {}),
      holds:
        w.kind === "cover" ? (state: ByteState) => w.holds(this.objects(state)) : this.predicate(w, true),
    }));
  }

  /**
   * Invariant or reachable property `p` on the bytes: its compiled code
   * when the generator compiled it, else (or where that code meets what it
   * cannot take) the object runtime's on the decoded state.
   */
  private predicate(
    p: { name: string; holds(s: FlState): boolean },
    reachable: boolean,
  ): (s: ByteState) => boolean {
    const at = this.fl.ir.invariants.findIndex((i) => i.name === p.name && i.reachable === reachable);
    const compiled = at >= 0 ? this.program.invariants[at]! : null;
    const onObjects = (state: ByteState) => p.holds(this.objects(state));
    if (compiled === null) return onObjects;
    const reader = this.reader;
    return (state: ByteState) => {
      // The scratch is a new state at each emit (emitScratch); any other state is parsed each time.
      reader.stamp = state === this.x.s ? reader.scratchStamp : -1;
      try {
        return compiled(state.buf);
      } catch (e) {
        // A reference to no machine, a missing key, too much work, a stack overflow (a function's
        // recursion): the object runtime's evaluation says what that means.
        if (e === HAND_OVER || e instanceof RangeError) return onObjects(state);
        throw e;
      }
    };
  }

  // ---------------------------------------------------------------- the object runtime's, through decode

  /** The state as the object runtime's objects. */
  objects(state: ByteState): FlState {
    return this.fl.decode(this.encode(state));
  }

  /** An outcome of the object runtime, with its state as bytes (a copy: it outlives the call). */
  protected bytesOf(o: StepOutcome<FlState>): StepOutcome<ByteState> {
    if (o.kind === "state") return { kind: "state", state: this.copyOf(o.state) };
    return o.state === undefined
      ? { kind: "failure", failure: o.failure }
      : { ...o, state: this.copyOf(o.state) };
  }

  protected copyOf(s: FlState): ByteState {
    const buf = this.fl.encode(s).slice();
    return { buf, len: buf.length };
  }

  initial(emit: Emit<ByteState, FlStep>): void {
    this.fl.initial((step, o) => emit(step, this.bytesOf(o)));
  }

  apply(state: ByteState | null, step: FlStep): StepOutcome<ByteState> {
    return this.bytesOf(this.fl.apply(state === null ? null : this.objects(state), step));
  }

  terminal(state: ByteState): Failure | null {
    return this.fl.terminal(this.objects(state));
  }

  describeStep(step: FlStep, before: ByteState | null, after: ByteState | null): StepLabel {
    return this.fl.describeStep(step, before && this.objects(before), after && this.objects(after));
  }

  viewState(state: ByteState): StateView {
    return this.fl.viewState(this.objects(state));
  }

  itfState(state: ByteState): { [variable: string]: Json } {
    return this.fl.itfState(this.objects(state));
  }

  /** Liveness (ADR 0005), the object runtime's on the decoded state: the liveness check after a pass asks these per state. */
  get hasHotStates(): boolean {
    return this.fl.hasHotStates;
  }

  hotMonitors(state: ByteState): string[] {
    return this.fl.hotMonitors(this.objects(state));
  }

  enabledFairSteps(state: ByteState): string[] {
    return this.fl.enabledFairSteps(this.objects(state));
  }

  fairKeyOfStep(state: ByteState, step: FlStep): string | null {
    return this.fl.fairKeyOfStep(this.objects(state), step);
  }

  faultBudgetsSpent(state: ByteState): boolean {
    return this.fl.faultBudgetsSpent(this.objects(state));
  }

  beginCoverage(): void {
    this.fl.beginCoverage();
  }

  endCoverage() {
    return this.fl.endCoverage();
  }

  invariantRanges() {
    return this.fl.invariantRanges();
  }

  // ---------------------------------------------------------------- bytes

  /**
   * A view of the state's bytes, shared while its buffer and length stay (a
   * new state's, which the frontier copies, is always the scratch's): the
   * explorer asks once per new state, and a view is an allocation. Like any
   * view of the scratch, it reads what the scratch holds now.
   */
  encode(state: ByteState): Uint8Array {
    const buf = state.buf;
    const len = state.len;
    if (buf !== this.encodedOf || len !== this.encoded.length) {
      this.encoded = buf.subarray(0, len);
      this.encodedOf = buf;
    }
    return this.encoded;
  }

  /** encode's last view, and the buffer it views (compared by identity: reading a view's `buffer` is slow). */
  private encoded: Uint8Array = new Uint8Array(0);
  private encodedOf: Uint8Array | null = null;

  decode(bytes: Uint8Array): ByteState {
    return { buf: bytes, len: bytes.length };
  }

  /** The fingerprint of the bytes, as fingerprintInto gives it, without a view of them (the scratch's read a word at a time). */
  fingerprint(state: ByteState, out: Uint32Array): void {
    fingerprintByteState(state, this.x.s, out);
  }

  successors(state: ByteState, emit: Emit<ByteState, FlStep>): void {
    const b = state.buf;
    this.expansions++;
    const layouts = this.program.layouts;
    // Machines: their count, then each (type, state * 3 + status, timers, variables); then the monitors; then the channels.
    const n = uintAt(b, 0);
    if (this.mo.length < n) {
      this.mo = new Int32Array(2 * n);
      this.types = new Int32Array(2 * n);
    }
    const mo = this.mo;
    const types = this.types;
    let p = uintEnd(b, 0);
    for (let id = 0; id < n; id++) {
      mo[id] = p;
      const type = uintAt(b, p);
      types[id] = type;
      p = skipMachine(b, p, layouts[type]!, this.program.timed[type]!, this.program.kept[type]!);
    }
    // Monitors: each its state, then its variables.
    const monitors = this.x.monitors;
    const mon = this.mon;
    // Coverage is counted in the FlModel's counters while it is on.
    if (this.fl.coverageCounts !== this.countsFrom) this.readCounters();
    for (let i = 0; i < monitors.length; i++) {
      mon[i] = p;
      const layout = monitors[i]!.layout;
      p = uintEnd(b, p);
      for (let k = 0; k < layout.length; k++) p = varEnd(b, p, layout[k]!);
    }
    const channels = p;
    const count = uintAt(b, channels);
    // A partitioned network loses the messages sent across its cut (ByteRun.cut).
    this.x.cut = this.withCut ? this.cutOf(b, channels) : 0;
    // Deliveries, in the channels' order (enabled-steps.ts): of each channel into an up machine,
    // the first message its state does not defer; where the network reorders, each such message
    // but one of equal neighbours (a channel is then a sorted bag: taking either is one state).
    let q = uintEnd(b, channels);
    const tables = this.fl.machines;
    for (let c = 0; c < count; c++) {
      const next = channelEnd(b, q, this.msgEnd);
      const from = uintAt(b, q);
      const to = uintAt(b, uintEnd(b, q));
      const st = uintAt(b, uintEnd(b, mo[to]!));
      if (st % 3 === UP) {
        const type = types[to]!;
        const stateIndex = (st - UP) / 3;
        const table = tables[type]!.states[stateIndex]!;
        const countAt = uintsEnd(b, q, 2);
        let m = uintEnd(b, countAt);
        let i = 0;
        if (this.x.reorder) {
          const k = uintAt(b, countAt);
          for (let prev = -1; i < k; i++) {
            const end = this.msgEnd(b, m);
            if (table.deferred[uintAt(b, m)] === 0 && !(prev >= 0 && sameBytes(b, prev, m, end)))
              this.take(state, n, channels, q, from, to, type, stateIndex, table, m, i, emit);
            prev = m;
            m = end;
          }
        } else {
          if (this.defers) {
            const k = uintAt(b, countAt);
            while (i < k && table.deferred[uintAt(b, m)] !== 0) {
              m = this.msgEnd(b, m);
              i++;
            }
            if (i === k) i = -1;
          }
          if (i >= 0) this.take(state, n, channels, q, from, to, type, stateIndex, table, m, i, emit);
        }
      }
      q = next;
    }
    // Timers (enabled-steps.ts): by machine, each armed timer its machine's state handles.
    for (let id = 0; id < n; id++) {
      const type = types[id]!;
      if (!this.program.timed[type]) continue;
      const at = uintEnd(b, mo[id]!);
      this.timers(state, n, channels, id, type, uintAt(b, at), uintAt(b, uintEnd(b, at)), emit);
    }
    // Fault steps, last (enabled-steps.ts), when any may be enabled.
    if (this.nBudgets > 0 && this.mayFault(b, n, q)) {
      if (this.faultsObserved) this.fl.faultSuccessors(this.objects(state), this.bytesEmit(emit));
      else this.faultSteps(state, n, channels, emit);
    }
  }

  /** The timer steps of machine `id` of type `type`, in state and status `st`, with timers `armed`: each armed timer its state handles, in order. */
  protected timers(
    state: ByteState,
    n: number,
    channels: number,
    id: number,
    type: number,
    st: number,
    armed: number,
    emit: Emit<ByteState, FlStep>,
  ): void {
    if (armed === 0 || st % 3 !== UP) return;
    const stateIndex = (st - UP) / 3;
    const timeouts = this.fl.machines[type]!.states[stateIndex]!.timeouts;
    for (let t = 0; armed >>> t !== 0; t++) {
      const h = timeouts[t];
      if ((armed & (1 << t)) !== 0 && h !== undefined)
        this.deliver(state, n, channels, TIMER, -1, id, type, stateIndex, t, h, emit);
    }
  }

  /**
   * The FlModel's coverage counters (FlModel.coverageCounts) by machine type,
   * read from the map once it changes rather than per delivery (a Map lookup
   * was a tenth of a delivery's own time on the message-passing 2PC); the
   * monitors' are set on them (ByteRun counts their runs there).
   */
  protected countsFrom: CoverageCounts | null | undefined = undefined;
  private typeCounts: (OwnerCounts | undefined)[] = [];

  protected readCounters(): void {
    const counts = this.fl.coverageCounts;
    this.countsFrom = counts;
    this.typeCounts = this.fl.machines.map((t) => counts?.get(t));
    for (const m of this.x.monitors) m.counters = counts?.get(m.table);
  }

  /** Delivers message `i` of channel `q` (from, to), at `m`, to machine `to` in state `stateIndex` of its type: on the bytes, or handed over. */
  protected take(
    state: ByteState,
    n: number,
    channels: number,
    q: number,
    from: number,
    to: number,
    type: number,
    stateIndex: number,
    table: StateTable,
    m: number,
    i: number,
    emit: Emit<ByteState, FlStep>,
  ): void {
    this.takeAt = m;
    this.takeIndex = i;
    const event = uintAt(state.buf, m);
    const h = table.on[event];
    // The object runtime reports an unhandled event and halts a machine.
    if (h === undefined || event === this.halt) this.handOver(state, q, from, to, 0, emit);
    else this.deliver(state, n, channels, q, from, to, type, stateIndex, event, h, emit);
  }

  /** `emit` for the object runtime's fault steps: each state as bytes (a copy). */
  private bytesEmit(emit: Emit<ByteState, FlStep>): Emit<FlState, FlStep> {
    return (step, o) => {
      this.counts.faultsOnObjects++;
      emit(step, this.bytesOf(o));
    };
  }

  /**
   * In the scratch, a copy of the state being expanded whose channels are
   * not yet rewritten: one less of fault f's budget (it follows the
   * channels: that moves nothing before it), counted as spent while
   * coverage is counted (executor.ts spendBudget).
   */
  private spend(f: number): void {
    this.x.s.setUint(this.budgetAt[f]!, this.budgets[f]! - 1);
    const spent = this.fl.faultsSpent;
    if (spent !== null) spent[f]!++;
  }

  /** Emits the scratch, the successor of a fault step taken on the bytes. */
  private emitFault(emit: Emit<ByteState, FlStep>, step: FlStep): void {
    this.counts.faultsOnBytes++;
    this.emitScratch(emit, step);
  }

  /**
   * Emits the scratch, a new successor: one more of the count that tells
   * the compiled invariants one successor from the next
   * (InvariantBytes.scratchStamp), so that the invariants of one parse it
   * once. Counted on the reader, an object the model's predicates share with
   * it, not on `this`: a witness search runs the model through an object
   * made with it as prototype (witnesses.ts), whose own field a count here
   * would be, unseen by the predicates.
   */
  private emitScratch(emit: Emit<ByteState, FlStep>, step: FlStep): void {
    this.reader.scratchStamp++;
    emit(step, this.outcome);
  }

  /**
   * The fault steps of state `state` of `n` machines, whose channel section
   * is at `channels` (its budgets and cut follow, as mayFault read them), as
   * enabled-steps.ts enumerates them and executor.ts takes them: drops and
   * duplicates of each message (one of equal neighbours), crashes of up
   * machines, restarts (their start state's entry, ByteProgram.restartEntries),
   * then partitions or the heal.
   */
  private faultSteps(state: ByteState, n: number, channels: number, emit: Emit<ByteState, FlStep>): void {
    const b = state.buf;
    const plan = this.fl.faults;
    // Read by mayFault.
    const budgets = this.budgets;
    const cutAt = this.cutAt;
    const whole = !this.withCut || uintAt(b, cutAt) === 0;
    let splits = false;
    if (this.withCut && whole && n >= 2) for (const f of plan.partitions) if (budgets[f]! > 0) splits = true;
    if (splits && n > MAX_PARTITION_MACHINES) {
      // The object runtime refuses, and says why.
      this.fl.faultSuccessors(this.objects(state), this.bytesEmit(emit));
      return;
    }
    this.messageFaults(state, channels, plan.drops, plan.nameFault.drop, false, emit);
    this.messageFaults(state, channels, plan.duplicates, plan.nameFault.duplicate, true, emit);
    const mo = this.mo;
    const types = this.types;
    const s = this.x.s;
    for (let id = 0; id < n; id++) {
      if (uintAt(b, uintEnd(b, mo[id]!)) % 3 !== UP) continue;
      for (const f of plan.crashes[types[id]!]!) {
        if (budgets[f] === 0) continue;
        s.load(b, 0, state.len);
        this.spend(f);
        this.loseChannels(b, channels, 0, id);
        this.crashMachine(b, id);
        this.emitFault(emit, plan.nameFault.crash ? { t: "crash", m: id, f } : { t: "crash", m: id });
        if (!plan.nameFault.crash) break;
      }
    }
    for (let id = 0; id < n; id++) {
      const type = types[id]!;
      if (this.restarts[type] && uintAt(b, uintEnd(b, mo[id]!)) % 3 === CRASHED)
        this.deliver(
          state,
          n,
          channels,
          RESTART,
          -1,
          id,
          type,
          this.fl.machines[type]!.start,
          0,
          RESTART_RUN,
          emit,
        );
    }
    if (splits) {
      const f = plan.partitions.find((q) => budgets[q]! > 0)!;
      // Sides are unordered: the side without machine 0, as a mask over ids 1..n-1 (enabled-steps.ts).
      const sides = 1 << (n - 1); // n <= MAX_PARTITION_MACHINES
      for (let mask = 1; mask < sides; mask++) {
        const step = this.partitionStep(mask);
        const side = step.side;
        s.load(b, 0, state.len);
        // Back to front, so that each offset still holds: the cut, the budget, the lost channels.
        const at = s.len - 1;
        s.resize(at, 1, 1 + side.length);
        let w = writeUint(s.buf, at, side.length);
        for (const id of side) w = writeUint(s.buf, w, id);
        this.spend(f);
        this.loseChannels(b, channels, mask << 1, -1);
        this.emitFault(emit, step);
      }
    } else if (!whole) {
      s.load(b, 0, state.len);
      s.resize(cutAt, s.len - cutAt, 1);
      s.buf[cutAt] = 0;
      this.emitFault(emit, HEAL);
    }
  }

  /**
   * The partition step that cuts off the ids 1..n-1 whose bit id - 1 is set
   * in `mask` (enabled-steps.ts): shared, as sharedSteps are, since a state
   * with a partition budget left has a step for each of the 2^(n-1) - 1 masks.
   */
  private partitionStep(mask: number): { t: "partition"; side: number[] } {
    let step = this.partitionSteps[mask];
    if (step === undefined) {
      const side: number[] = [];
      for (let id = 1; mask >>> (id - 1) !== 0; id++) if (mask & (1 << (id - 1))) side.push(id);
      step = Object.freeze({ t: "partition", side: Object.freeze(side) as number[] });
      this.partitionSteps[mask] = step;
    }
    return step;
  }

  private readonly partitionSteps: { t: "partition"; side: number[] }[] = [];

  /**
   * Drops (`copy` false) or duplicates each message of state `state` that a
   * fault of `table` (by event) with budget left acts on: one step per fault
   * when they are named, else the first (enabled-steps.ts messageFaults).
   */
  private messageFaults(
    state: ByteState,
    channels: number,
    table: readonly (readonly number[])[],
    named: boolean,
    copy: boolean,
    emit: Emit<ByteState, FlStep>,
  ): void {
    const b = state.buf;
    const s = this.x.s;
    const count = uintAt(b, channels);
    let q = uintEnd(b, channels);
    for (let c = 0; c < count; c++) {
      const from = uintAt(b, q);
      const to = uintAt(b, uintEnd(b, q));
      const countAt = uintsEnd(b, q, 2);
      const k = uintAt(b, countAt);
      let m = uintEnd(b, countAt);
      let prev = -1;
      for (let i = 0; i < k; i++) {
        const e = this.msgEnd(b, m);
        // Dropping or copying either of two equal neighbours gives the same state.
        if (!(prev >= 0 && sameBytes(b, prev, m, e))) {
          for (const f of table[uintAt(b, m)]!) {
            if (this.budgets[f] === 0) continue;
            s.load(b, 0, state.len);
            this.spend(f);
            dropOrCopy(s, channels, q, m, e, copy, this.msgEnd);
            const t = copy ? "duplicate" : "drop";
            this.emitFault(emit, named ? { t, from, to, i, f } : { t, from, to, i });
            if (!named) break;
          }
        }
        prev = m;
        m = e;
      }
      q = m;
    }
  }

  /**
   * In the scratch, a copy of state `b` whose channel section is at
   * `channels` and whose parts after the channels it may have rewritten:
   * takes out the channels into machine `into`, or (into < 0) across the
   * cut whose side is `side` (a mask of ids), as executor.ts loseChannels.
   */
  private loseChannels(b: Uint8Array, channels: number, side: number, into: number): void {
    const s = this.x.s;
    const count = uintAt(b, channels);
    if (this.lost.length < 2 * count) this.lost = new Int32Array(4 * count);
    const lost = this.lost;
    let nLost = 0;
    let q = uintEnd(b, channels);
    for (let c = 0; c < count; c++) {
      const next = channelEnd(b, q, this.msgEnd);
      const from = uintAt(b, q);
      const to = uintAt(b, uintEnd(b, q));
      if (into >= 0 ? to === into : onSide(side, from) !== onSide(side, to)) {
        lost[2 * nLost] = q;
        lost[2 * nLost + 1] = next;
        nLost++;
      }
      q = next;
    }
    // Back to front: each range's offsets hold until it is taken out; the count, before them all, last.
    for (let i = nLost - 1; i >= 0; i--) s.resize(lost[2 * i]!, lost[2 * i + 1]! - lost[2 * i]!, 0);
    if (nLost > 0) s.setUint(channels, count - nLost);
  }

  /** Where loseChannels' lost channels start and end, in pairs. */
  private lost = new Int32Array(64);

  /**
   * In the scratch (a copy of `b`, its parts after the machines maybe
   * rewritten): machine `id` crashed, as executor.ts runCrash leaves it:
   * in its start state, its timers disarmed, its plain variables at their
   * defaults (each one 0 byte: 0, false, the first member, no machine, an
   * empty collection), its durable ones and kept payload as they were.
   */
  private crashMachine(b: Uint8Array, id: number): void {
    const s = this.x.s;
    const type = this.types[id]!;
    const table = this.fl.machines[type]!;
    const layout = this.program.layouts[type]!;
    const slotVars = this.program.slotVars[type]!;
    const timed = this.program.timed[type]!;
    const kept = this.program.kept[type]!;
    const stAt = uintEnd(b, this.mo[id]!);
    let p = uintEnd(b, stAt);
    if (timed) p = uintEnd(b, p);
    const keptAt = p;
    for (let i = 0; i < kept.length; i++) p = varEnd(b, p, kept[i]!);
    const keptEnd = p;
    let end = p;
    for (let k = 0; k < layout.length; k++) end = varEnd(b, end, layout[k]!);
    // The new part from the state on, built in `crashed`, then written over the old: no longer
    // than the old but for the state's varint (a start state past index 42 may take one more byte).
    if (this.crashed.length < end - stAt + 5) this.crashed = new Uint8Array(2 * (end - stAt + 5));
    const out = this.crashed;
    let w = writeUint(out, 0, table.start * 3 + CRASHED);
    if (timed) out[w++] = 0;
    for (let i = keptAt; i < keptEnd; i++) out[w++] = b[i]!;
    for (let k = 0; k < layout.length; k++) {
      const end = varEnd(b, p, layout[k]!);
      if (table.durable[slotVars[k]!]) for (let i = p; i < end; i++) out[w++] = b[i]!;
      else out[w++] = 0;
      p = end;
    }
    s.resize(stAt, p - stAt, w);
    s.buf.set(out.subarray(0, w), stAt);
  }

  private crashed = new Uint8Array(64);

  /**
   * May a fault step be enabled in state `b` of `n` machines whose channels
   * end at `end`: a budget left (drop, duplicate, crash, partition), a
   * crashed machine that may restart, or a cut to heal. When none is, the
   * state costs nothing more. It reads the budgets, where each is and where
   * the cut is (budgets, budgetAt, cutAt) for faultSteps.
   */
  private mayFault(b: Uint8Array, n: number, end: number): boolean {
    // The budgets, where each is, and where the cut is: faultSteps reads them here.
    let p = end;
    let any = false;
    for (let f = 0; f < this.nBudgets; f++) {
      this.budgetAt[f] = p;
      const left = uintAt(b, p);
      this.budgets[f] = left;
      if (left > 0) any = true;
      p = uintEnd(b, p);
    }
    this.cutAt = p;
    if (any || (this.withCut && uintAt(b, p) > 0)) return true;
    const mo = this.mo;
    const types = this.types;
    for (let id = 0; id < n; id++)
      if (this.restarts[types[id]!] && uintAt(b, uintEnd(b, mo[id]!)) % 3 === CRASHED) return true;
    return false;
  }

  /** The partition's side (machine ids: codec.ts's cut) in state `b`, whose channel section is at `channels`, as a mask of ids; 0 when the network is whole. */
  private cutOf(b: Uint8Array, channels: number): number {
    const count = uintAt(b, channels);
    let p = uintEnd(b, channels);
    for (let c = 0; c < count; c++) p = channelEnd(b, p, this.msgEnd);
    p = uintsEnd(b, p, this.nBudgets);
    const size = uintAt(b, p);
    p = uintEnd(b, p);
    let mask = 0;
    // A partition splits at most 16 machines (enabled-steps.ts), so every id on a side is below 32.
    for (let i = 0; i < size; i++) {
      mask |= 1 << uintAt(b, p);
      p = uintEnd(b, p);
    }
    return mask;
  }

  /**
   * Delivers the first message of channel `q` (from -> to) to handler `h`
   * (do, goto with its action if any, or ignore), or with `q` TIMER, fires
   * timer `slot` of machine `to` into its timeout handler `h`; then follows
   * the gotos (settle): one successor per sequence of choices, in the object
   * runtime's order (FlModel.runAll). The first run of an action with a fork
   * site stops at the fork, and each value goes on from the bytes saved there.
   */
  protected deliver(
    state: ByteState,
    n: number,
    channels: number,
    q: number,
    from: number,
    to: number,
    type: number,
    stateIndex: number,
    slot: number,
    h: HandlerKind,
    emit: Emit<ByteState, FlStep>,
  ): void {
    const x = this.x;
    const timer = q === TIMER;
    const restart = q === RESTART;
    const program = this.program;
    const action =
      h.kind === H_IGNORE || restart
        ? undefined
        : (timer ? program.timeouts : program.actions)[type]![stateIndex]![slot];
    const resume =
      action === undefined
        ? undefined
        : (timer ? program.timeoutResumes : program.resumes)[type]![stateIndex]![slot];
    const counts = this.typeCounts[type];
    // Coverage: a timer's slot follows the events' (handler-coverage.ts).
    const counter =
      counts === undefined ? -1 : stateIndex * counts.width + (timer ? program.payloads.length : 0) + slot;
    // A timer's step names the timer, which depends on the machine's type (one id may be of
    // different types in different states): the type is in its key.
    const steps = restart
      ? (this.restartSteps[to] ??= [])
      : timer
        ? this.sharedSteps(-1 - ((to * program.layouts.length + type) * 32 + slot))
        : this.deliverySteps(from, to);
    // The coverage this delivery's runs count (ByteRun.countedIn, countedAt): counted again for each resumed value, taken back on a hand-over.
    x.nCounted = 0;
    let prefixCounted = 0;
    let resumes = 0;
    let forced: number[] | null = null;
    let emitted = 0;
    // Runs counted as handled: straight into the counter, not the log, and taken back as the log is.
    let handled = 0;
    const handledCounts = counts !== undefined && !restart ? counts.handled : null;
    let forkedAt: ForkedRun | null = null;
    for (;;) {
      if (forkedAt === null) {
        this.startRun(state, n, channels, q, to, type, slot);
        x.begin(to, forced ?? NO_CHOICES, resume !== undefined && forced === null);
      } else {
        this.restoreFork(forkedAt, n);
        x.resumeAt(to, forced!, forkedAt.work);
        // Each run after the first counts the prefix again, as a run from the start would (ForkPoint.counted).
        if (resumes++ > 0) for (let i = 0; i < prefixCounted; i++) x.count(x.countedIn[i]!, x.countedAt[i]!);
      }
      try {
        try {
          if (restart) x.restart(stateIndex, program.restartEntries[type], counts);
          else if (forkedAt !== null) resume!(x, forced![0]!, forkedAt.locals);
          else if (action !== undefined) {
            action(x);
            if (x.forked) {
              forkedAt = this.saveFork(n);
              prefixCounted = x.nCounted;
              this.counts.forked++;
              forced = [0];
              continue;
            }
          }
        } catch (e) {
          if (e !== TRANSFER) throw e;
        }
        if (h.kind === H_GOTO && x.gotoTarget < 0) {
          // `on E goto S (with A)`: to S, with E's payload for its entry (a timer has none).
          x.goto(h.target);
          const fields = timer || this.opaque[slot] ? 0 : program.payloads[slot]!.length;
          for (let i = 0; i < fields; i++) x.gp[i] = x.p[i]!;
        }
        if (x.gotoTarget >= 0) x.followGotos(-1, program.exits[type]!, program.entries[type]!, counts);
      } catch (e) {
        // A stack overflow too: the object runtime, whose frames are smaller, decides what it is.
        if (e !== HAND_OVER && !(e instanceof RangeError)) throw e;
        for (let i = 0; i < x.nCounted; i++) x.countedIn[i]![x.countedAt[i]!]!--;
        if (handledCounts !== null) handledCounts[counter]! -= handled;
        this.handOver(state, q, from, to, emitted, emit, slot);
        return;
      }
      if (handledCounts !== null) {
        handledCounts[counter]!++;
        handled++;
      }
      const nChoices = x.nChoices;
      const step = this.stepOf(steps, q, from, to, slot, nChoices);
      // Computed before emit, which may run other steps. The common case without a call: the fork's next value.
      let following: number[] | null;
      if (forkedAt !== null && nChoices === 1) {
        const v: number = forced![0]! + 1;
        following = v < x.forkN ? forced : null;
        if (following !== null) following[0] = v;
      } else following = nextChoices(forced, x.values, x.options, nChoices);
      this.emitScratch(emit, step);
      emitted++;
      if (restart) this.counts.faultsOnBytes++;
      if (following === null) {
        if (!restart) this.counts.onBytes++;
        return;
      }
      forced = following;
    }
  }

  /**
   * The step of the run just made: shared (and frozen) for no choice or one
   * small one, as the object runtime's are (executor.ts choicesMade), since
   * the search drops almost all of them; else a new one.
   */
  private stepOf(
    steps: FlStep[],
    q: number,
    from: number,
    to: number,
    slot: number,
    nChoices: number,
  ): FlStep {
    const x = this.x;
    const v = x.values[0]!;
    if (nChoices > 1 || (nChoices === 1 && v >= STEP_CACHE)) return this.newStep(q, from, to, slot, nChoices);
    const at = nChoices === 0 ? STEP_CACHE : v;
    return (steps[at] ??= Object.freeze(this.newStep(q, from, to, slot, nChoices)));
  }

  private newStep(q: number, from: number, to: number, slot: number, nChoices: number): FlStep {
    const c = choicesMade(this.x.values, nChoices);
    if (q === RESTART) return { t: "restart", m: to, c };
    if (q !== TIMER) return { t: "deliver", from, to, i: this.takeIndex, c };
    return { t: "timer", m: to, timer: this.fl.machines[this.types[to]!]!.timers[slot]!, c };
  }

  /**
   * The shared steps of the delivery of message takeIndex of channel (from,
   * to): for a channel's first message between machines below CHANNEL_STEPS
   * (nearly every delivery), an array read instead of a Map lookup.
   */
  private deliverySteps(from: number, to: number): FlStep[] {
    const i = this.takeIndex;
    if (i === 0 && from < CHANNEL_STEPS && to < CHANNEL_STEPS)
      return (this.channelSteps[from * CHANNEL_STEPS + to] ??= []);
    // A small integer key where it can be (no heap number, which a Map hashes slower).
    return this.sharedSteps(i === 0 ? from * 0x10000 + to : from * 0x10000 + to + i * 0x100000000);
  }

  /** The shared steps of a channel (deliverySteps' keys) or a machine's timer (negative keys): at v the step that chose v, at STEP_CACHE the one that chose nothing. */
  private sharedSteps(key: number): FlStep[] {
    let steps = this.steps.get(key);
    if (steps === undefined) {
      steps = [];
      this.steps.set(key, steps);
    }
    return steps;
  }

  private readonly steps = new Map<number, FlStep[]>();
  /** By machine id: the shared steps of its restart (sharedSteps' arrays). */
  private readonly restartSteps: FlStep[][] = [];
  /** deliverySteps of the first message of channel (from, to), both below CHANNEL_STEPS, at from * CHANNEL_STEPS + to. */
  private readonly channelSteps: (FlStep[] | undefined)[] = new Array(CHANNEL_STEPS * CHANNEL_STEPS);

  /**
   * Which expansion (successors' count) and ByteRun.shifts the run's
   * offsets of machines and monitors were last set for, and whose
   * variables' (a machine id): startRun sets them again only when needed.
   */
  protected expansions = 0;
  private offsetsFor = -1;
  private offsetsShifts = 0;
  private varsOf = -1;

  /** The scratch as the delivery starts: the state's bytes, the offsets, the message taken off. */
  protected startRun(
    state: ByteState,
    n: number,
    channels: number,
    q: number,
    to: number,
    type: number,
    slot: number,
  ): void {
    const x = this.x;
    const s = x.s;
    const layout = this.program.layouts[type]!;
    s.load(state.buf, 0, state.len);
    const b = s.buf;
    // The offsets, unless the last run of this expansion left them as they are: nothing moved
    // since they were set (ByteRun.shifts counts every move); the variables' if it ran the same machine.
    const unmoved = this.offsetsFor === this.expansions && x.shifts === this.offsetsShifts;
    if (!unmoved) {
      if (x.mo.length < n) x.mo = new Int32Array(this.mo.length);
      const mo = x.mo;
      for (let id = 0; id < n; id++) mo[id] = this.mo[id]!;
      const mon = x.mon;
      for (let i = 0; i < x.nMonitors; i++) mon[i] = this.mon[i]!;
      this.offsetsFor = this.expansions;
      this.offsetsShifts = x.shifts;
    }
    x.nMachines = n;
    if (!unmoved || this.varsOf !== to) {
      const vo = x.vo;
      let p = varsStart(b, this.mo[to]!, this.program.timed[type]!, this.program.kept[type]!);
      for (let k = 0; k < layout.length; k++) {
        vo[k] = p;
        p = varEnd(b, p, layout[k]!);
      }
      vo[layout.length] = channels;
      this.varsOf = to;
    }
    x.nVars = layout.length;
    x.restartSlots = 0;
    if (q === TIMER) {
      // A timer fires once: it is disarmed as its handler starts (executor.ts timerHandler).
      x.self = to;
      x.setTimer(slot, false);
      return;
    }
    if (q === RESTART) {
      // The start entry's payload, the constructor payload the machine kept: each scalar in gp,
      // each collection read where it lies (ByteProgram.restartEntries).
      const kept = this.program.kept[type]!;
      x.restartSlots = kept.length;
      let f = uintEnd(b, uintEnd(b, x.mo[to]!));
      if (this.program.timed[type]) f = uintEnd(b, f);
      for (let i = 0; i < kept.length; i++) {
        const field = kept[i]!;
        if (field.collection) {
          x.vo[restartSlot(layout.length, i)] = f;
          f = varEnd(b, f, field);
        } else {
          x.gp[i] = fromRaw(field.kind, uintAt(b, f));
          f = uintEnd(b, f);
        }
      }
      return;
    }
    // The payload, field by field, before the message is taken off; one with collections is not
    // read (code that reads it hands its run over: ByteProgram.handedOver), only skipped.
    const message = this.takeAt;
    const event = uintAt(b, message);
    const fields = this.opaque[event] ? NO_FIELDS : this.program.payloads[event]!;
    let f = uintEnd(b, message);
    for (let i = 0; i < fields.length; i++) {
      x.p[i] = fromRaw(fields[i]!.kind, uintAt(b, f));
      f = uintEnd(b, f);
    }
    if (this.takeIndex === 0) popFirst(s, channels, q, this.msgEnd);
    else dropOrCopy(s, channels, q, message, this.msgEnd(b, message), false, this.msgEnd);
  }

  /** Where the run stood at its fork: the offsets, the locals and the work done (the bytes: ScratchState.save). */
  protected readonly fork: ForkedRun = {
    mon: new Int32Array(64),
    vo: new Int32Array(0),
    mo: new Int32Array(0),
    locals: [],
    work: 0,
    shifts: 0,
  };

  protected saveFork(n: number): ForkedRun {
    const x = this.x;
    const f = this.fork;
    x.s.save();
    if (f.vo.length < x.vo.length) f.vo = new Int32Array(x.vo.length);
    if (f.mo.length < n) f.mo = new Int32Array(x.mo.length);
    for (let k = 0; k <= x.nVars; k++) f.vo[k] = x.vo[k]!;
    for (let id = 0; id < n; id++) f.mo[id] = x.mo[id]!;
    for (let i = 0; i < x.nMonitors; i++) f.mon[i] = x.mon[i]!;
    f.locals = x.forkLocals;
    f.work = x.work;
    f.shifts = x.shifts;
    return f;
  }

  protected restoreFork(f: ForkedRun, n: number): void {
    const x = this.x;
    x.s.restore();
    // The offsets, unless nothing moved them since they were as saved (a value that changed no size).
    if (x.shifts === f.shifts) return;
    const vo = x.vo;
    const savedVo = f.vo;
    for (let k = x.nVars; k >= 0; k--) vo[k] = savedVo[k]!;
    const mo = x.mo;
    const savedMo = f.mo;
    for (let id = 0; id < n; id++) mo[id] = savedMo[id]!;
    for (let i = 0; i < x.nMonitors; i++) x.mon[i] = f.mon[i]!;
    f.shifts = x.shifts;
  }

  /**
   * The object runtime runs the delivery of the message the delivery takes
   * (takeAt: of channel `q`, from, to) in `state`, or with `q` TIMER timer
   * `slot` of machine `to`, or with `q` RESTART machine `to`'s restart; its
   * first `skip` successors were emitted already.
   */
  private handOver(
    state: ByteState,
    q: number,
    from: number,
    to: number,
    skip: number,
    emit: Emit<ByteState, FlStep>,
    slot = 0,
  ): void {
    this.counts.handedOver++;
    let k = 0;
    const emitRest: Emit<FlState, FlStep> = (step, o) => {
      if (k++ >= skip) emit(step, this.bytesOf(o));
    };
    if (q === RESTART) this.fl.restart(this.objects(state), to, emitRest);
    else if (q === TIMER) this.fl.timer(this.objects(state), to, slot, emitRest);
    else this.fl.deliver(this.objects(state), from, to, this.takeIndex, emitRest);
  }
}
