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
// are its.
import type {
  Emit,
  Failure,
  Invariant,
  Json,
  Model,
  StateView,
  StepLabel,
  StepOutcome,
} from "../../model.js";
import { fingerprintRange } from "../../fingerprint.js";
import { choicesMade, nextChoices } from "../executor.js";
import type { FlModel } from "../fl-model.js";
import { type FlState, type FlStep, NO_CHOICES, UP } from "../fl-state.js";
import { HALT_EVENT } from "../lang-codegen.js";
import { H_DEFER, H_GOTO, H_IGNORE, type HandlerEntry } from "../program-tables.js";
import { ByteRun, HAND_OVER, type MonitorCode, TRANSFER } from "./byte-run.js";
import { type ByteProgram, generateByteCode, skipMachine, varsStart } from "./generate-byte-code.js";
import {
  channelEnd,
  firstMessage,
  fromRaw,
  type MessageEnd,
  popFirst,
  uintAt,
  uintEnd,
  uintsEnd,
  varEnd,
} from "./state-bytes.js";

/** A state as bytes [0, len) of buf: the back end's scratch for a successor, a frontier's bytes for a state expanded. */
export interface ByteState {
  buf: Uint8Array;
  len: number;
}

/** Where a run stood at its fork, besides the scratch's bytes (ScratchState.save). */
interface ForkedRun {
  /** The monitors' offsets at the fork. */
  mon: Int32Array;
  vo: Int32Array;
  mo: Int32Array;
  locals: readonly unknown[];
  work: number;
  /** ByteRun.shifts when the offsets were last as saved. */
  shifts: number;
}

/** `q` of a run that is a timer's, not a delivery's (ByteModel.deliver). */
const TIMER = -1;

/** Steps whose one choice is below this are shared (ByteModel.stepOf). */
const STEP_CACHE = 64;

/** Why `fl` cannot run on the byte back end (a clause about the test: "it injects faults"), or null when it can: the test's features here, the program's in the generator. */
export function byteModelGap(fl: FlModel): string | null {
  if (fl.faults.faults.length > 0) return "it injects faults";
  if (fl.witnesses.length > 0) return "it has reachable properties";
  if (fl.symmetry !== null) return "it declares symmetric machines";
  if (fl.partialOrder !== null) return "partial-order reduction is on";
  return null;
}

export type ByteModelResult = { ok: true; model: ByteModel } | { ok: false; reason: string };

/** The byte back end's model of `fl`, or why the object runtime must run it. */
export function byteModelOf(fl: FlModel): ByteModelResult {
  const gap = byteModelGap(fl);
  if (gap !== null) return { ok: false, reason: gap };
  const specs = fl.monitors.map((table) => fl.ir.specs.find((spec) => spec.name === table.name)!);
  if (specs.length > 64) return { ok: false, reason: "it asserts more than 64 spec monitors" };
  const code = generateByteCode(fl.ir, fl.paramValues, specs);
  if (!code.ok) {
    const at = code.span ? ` (${code.span.file}:${code.span.start.line}:${code.span.start.col})` : "";
    return { ok: false, reason: `its program has ${code.reason}${at}` };
  }
  return { ok: true, model: new ByteModel(fl, code.program) };
}

export class ByteModel implements Model<ByteState, FlStep> {
  readonly name: string;
  readonly invariants: readonly Invariant<ByteState>[];
  private readonly x: ByteRun;
  /** Where a message ends: its event, then as many varints as its payload has fields. */
  private readonly msgEnd: MessageEnd;
  private readonly outcome: { kind: "state"; state: ByteState };
  /** Where each machine of the state being expanded starts, and its type. */
  private mo = new Int32Array(16);
  private types = new Int32Array(16);
  /** Deliveries run on the bytes (and of them, those that forked), and those handed over to the object runtime (for tests and reports). */
  readonly counts = { onBytes: 0, handedOver: 0, forked: 0 };
  /** Where each monitor's part starts in the state being expanded. */
  private readonly mon: Int32Array;
  /** The halt event's index, or -1: delivering it halts the receiver, which the object runtime does. */
  private readonly halt: number;

  constructor(
    readonly fl: FlModel,
    private readonly program: ByteProgram,
  ) {
    this.name = fl.name;
    const fields = Int32Array.from(program.payloads, (p) => p.length);
    this.msgEnd = (b, p) => uintsEnd(b, uintEnd(b, p), fields[uintAt(b, p)]!);
    this.x = new ByteRun(this.msgEnd);
    this.outcome = { kind: "state", state: this.x.s };
    this.halt = fl.ir.events.findIndex((e) => e.name === HALT_EVENT);
    const maxVars = Math.max(0, ...program.layouts.map((l) => l.length));
    this.x.vo = new Int32Array(maxVars + 1);
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
    this.invariants = fl.invariants.map((inv) => {
      const at = fl.ir.invariants.findIndex((i) => i.name === inv.name && !i.reachable);
      const compiled = at >= 0 ? program.invariants[at]! : null;
      const onObjects = (state: ByteState) => inv.holds(this.objects(state));
      const holds =
        compiled === null
          ? onObjects
          : (state: ByteState) => {
              try {
                return compiled(state.buf);
              } catch (e) {
                // A reference to no machine: the object runtime's evaluation says what that means.
                if (e === HAND_OVER) return onObjects(state);
                throw e;
              }
            };
      return {
        name: inv.name,
        ...(inv.location !== undefined ? { location: inv.location } : {}),
        holds,
        ...(inv.witness !== undefined
          ? { witness: (state: ByteState) => inv.witness!(this.objects(state)) }
          : {}),
      };
    });
  }

  // ---------------------------------------------------------------- the object runtime's, through decode

  /** The state as the object runtime's objects. */
  objects(state: ByteState): FlState {
    return this.fl.decode(this.encode(state));
  }

  /** An outcome of the object runtime, with its state as bytes (a copy: it outlives the call). */
  private bytesOf(o: StepOutcome<FlState>): StepOutcome<ByteState> {
    if (o.kind === "state") return { kind: "state", state: this.copyOf(o.state) };
    return o.state === undefined
      ? { kind: "failure", failure: o.failure }
      : { ...o, state: this.copyOf(o.state) };
  }

  private copyOf(s: FlState): ByteState {
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

  encode(state: ByteState): Uint8Array {
    return state.buf.subarray(0, state.len);
  }

  decode(bytes: Uint8Array): ByteState {
    return { buf: bytes, len: bytes.length };
  }

  /** The fingerprint of the bytes, as fingerprintInto gives it, without a view of them. */
  fingerprint(state: ByteState, out: Uint32Array): void {
    fingerprintRange(state.buf, 0, state.len, out);
  }

  successors(state: ByteState, emit: Emit<ByteState, FlStep>): void {
    const b = state.buf;
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
      p = skipMachine(b, p, layouts[type]!, this.program.timed[type]!);
    }
    // Monitors: each its state, then its variables.
    const monitors = this.x.monitors;
    const mon = this.mon;
    for (let i = 0; i < monitors.length; i++) {
      mon[i] = p;
      const layout = monitors[i]!.layout;
      p = uintEnd(b, p);
      for (let k = 0; k < layout.length; k++) p = varEnd(b, p, layout[k]!);
      // Coverage is counted in the FlModel's counters while it is on.
      monitors[i]!.counters = this.fl.coverageCounts?.get(monitors[i]!.table);
    }
    const channels = p;
    // Deliveries, in the channels' order (enabled-steps.ts): the first message of each channel into an up machine.
    const count = uintAt(b, channels);
    let q = uintEnd(b, channels);
    const tables = this.fl.machines;
    for (let c = 0; c < count; c++) {
      const next = channelEnd(b, q, this.msgEnd);
      const from = uintAt(b, q);
      const to = uintAt(b, uintEnd(b, q));
      const st = uintAt(b, uintEnd(b, mo[to]!));
      if (st % 3 === UP) {
        const event = uintAt(b, uintEnd(b, uintsEnd(b, q, 2)));
        const type = types[to]!;
        const stateIndex = (st - UP) / 3;
        const h = tables[type]!.states[stateIndex]!.on[event];
        if (h === undefined || event === this.halt || h.kind === H_DEFER)
          this.handOver(state, q, from, to, 0, emit);
        else this.deliver(state, n, channels, q, from, to, type, stateIndex, event, h, emit);
      }
      q = next;
    }
    // Timers (enabled-steps.ts): by machine, each armed timer its machine's state handles.
    for (let id = 0; id < n; id++) {
      const type = types[id]!;
      if (!this.program.timed[type]) continue;
      const at = uintEnd(b, mo[id]!);
      const st = uintAt(b, at);
      const armed = uintAt(b, uintEnd(b, at));
      if (armed === 0 || st % 3 !== UP) continue;
      const stateIndex = (st - UP) / 3;
      const timeouts = tables[type]!.states[stateIndex]!.timeouts;
      for (let t = 0; armed >>> t !== 0; t++) {
        const h = timeouts[t];
        if ((armed & (1 << t)) !== 0 && h !== undefined)
          this.deliver(state, n, channels, TIMER, -1, id, type, stateIndex, t, h, emit);
      }
    }
  }

  /**
   * Delivers the first message of channel `q` (from -> to) to handler `h`
   * (do, goto with its action if any, or ignore), or with `q` TIMER, fires
   * timer `slot` of machine `to` into its timeout handler `h`; then follows
   * the gotos (settle): one successor per sequence of choices, in the object
   * runtime's order (FlModel.runAll). The first run of an action with a fork
   * site stops at the fork, and each value goes on from the bytes saved there.
   */
  private deliver(
    state: ByteState,
    n: number,
    channels: number,
    q: number,
    from: number,
    to: number,
    type: number,
    stateIndex: number,
    slot: number,
    h: HandlerEntry,
    emit: Emit<ByteState, FlStep>,
  ): void {
    const x = this.x;
    const timer = q === TIMER;
    const program = this.program;
    const action =
      h.kind === H_IGNORE
        ? undefined
        : (timer ? program.timeouts : program.actions)[type]![stateIndex]![slot];
    const resume =
      action === undefined
        ? undefined
        : (timer ? program.timeoutResumes : program.resumes)[type]![stateIndex]![slot];
    const counts = this.fl.coverageCounts?.get(this.fl.machines[type]!);
    // Coverage: a timer's slot follows the events' (handler-coverage.ts).
    const counter =
      counts === undefined ? -1 : stateIndex * counts.width + (timer ? program.payloads.length : 0) + slot;
    // A timer's step names the timer, which depends on the machine's type (one id may be of
    // different types in different states): the type is in its key.
    const steps = timer
      ? this.sharedSteps(-1 - ((to * program.layouts.length + type) * 32 + slot))
      : this.sharedSteps(from * 0x10000 + to);
    // The coverage this delivery's runs count (ByteRun.countedIn, countedAt): counted again for each resumed value, taken back on a hand-over.
    x.nCounted = 0;
    let prefixCounted = 0;
    let resumes = 0;
    let forced: number[] | null = null;
    let emitted = 0;
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
          if (forkedAt !== null) resume!(x, forced![0]!, forkedAt.locals);
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
          const fields = timer ? 0 : program.payloads[slot]!.length;
          for (let i = 0; i < fields; i++) x.gp[i] = x.p[i]!;
        }
        if (x.gotoTarget >= 0) x.followGotos(-1, program.exits[type]!, program.entries[type]!, counts);
      } catch (e) {
        // A stack overflow too: the object runtime, whose frames are smaller, decides what it is.
        if (e !== HAND_OVER && !(e instanceof RangeError)) throw e;
        for (let i = 0; i < x.nCounted; i++) x.countedIn[i]![x.countedAt[i]!]!--;
        this.handOver(state, q, from, to, emitted, emit, slot);
        return;
      }
      if (counts !== undefined) x.count(counts.handled, counter);
      const nChoices = x.nChoices;
      const step = this.stepOf(steps, q, from, to, slot, nChoices);
      // Computed before emit, which may run other steps. The common case without a call: the fork's next value.
      let following: number[] | null;
      if (forkedAt !== null && nChoices === 1) {
        const v: number = forced![0]! + 1;
        following = v < x.forkN ? forced : null;
        if (following !== null) following[0] = v;
      } else following = nextChoices(forced, x.values, x.options, nChoices);
      emit(step, this.outcome);
      emitted++;
      if (following === null) {
        this.counts.onBytes++;
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
    if (q !== TIMER) return { t: "deliver", from, to, i: 0, c };
    return { t: "timer", m: to, timer: this.fl.machines[this.types[to]!]!.timers[slot]!, c };
  }

  /** The shared steps of a channel (from * 65536 + to) or a machine's timer (negative keys): at v the step that chose v, at STEP_CACHE the one that chose nothing. */
  private sharedSteps(key: number): FlStep[] {
    let steps = this.steps.get(key);
    if (steps === undefined) {
      steps = [];
      this.steps.set(key, steps);
    }
    return steps;
  }

  private readonly steps = new Map<number, FlStep[]>();

  /** The scratch as the delivery starts: the state's bytes, the offsets, the message taken off. */
  private startRun(
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
    if (x.mo.length < n) x.mo = new Int32Array(this.mo.length);
    const mo = x.mo;
    for (let id = 0; id < n; id++) mo[id] = this.mo[id]!;
    x.nMachines = n;
    const mon = x.mon;
    for (let i = 0; i < x.nMonitors; i++) mon[i] = this.mon[i]!;
    const vo = x.vo;
    let p = varsStart(b, this.mo[to]!, this.program.timed[type]!);
    for (let k = 0; k < layout.length; k++) {
      vo[k] = p;
      p = varEnd(b, p, layout[k]!);
    }
    vo[layout.length] = channels;
    x.nVars = layout.length;
    if (q === TIMER) {
      // A timer fires once: it is disarmed as its handler starts (executor.ts timerHandler).
      x.self = to;
      x.setTimer(slot, false);
      return;
    }
    // The payload, field by field, before the message is taken off.
    const message = firstMessage(b, q);
    const fields = this.program.payloads[uintAt(b, message)]!;
    let f = uintEnd(b, message);
    for (let i = 0; i < fields.length; i++) {
      x.p[i] = fromRaw(fields[i]!.kind, uintAt(b, f));
      f = uintEnd(b, f);
    }
    popFirst(s, channels, q, this.msgEnd);
  }

  /** Where the run stood at its fork: the offsets, the locals and the work done (the bytes: ScratchState.save). */
  private readonly fork: ForkedRun = {
    mon: new Int32Array(64),
    vo: new Int32Array(0),
    mo: new Int32Array(0),
    locals: [],
    work: 0,
    shifts: 0,
  };

  private saveFork(n: number): ForkedRun {
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

  private restoreFork(f: ForkedRun, n: number): void {
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
   * The object runtime runs the delivery of the first message of channel `q`
   * (from, to) in `state`, or with `q` TIMER timer `slot` of machine `to`;
   * its first `skip` successors were emitted already.
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
    if (q === TIMER) this.fl.timer(this.objects(state), to, slot, emitRest);
    else this.fl.deliver(this.objects(state), from, to, 0, emitRest);
  }
}
