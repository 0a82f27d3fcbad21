// The byte back end on a fixed-width layout (fixed-layout.ts, ADR 0015):
// the same generated code, deliveries, forks and hand-overs as ByteModel,
// on states whose every part lies at an offset the plan fixed (FixedRun), so
// that a successor costs no parse of the state, no varint that moves what
// follows it, and no channel section to search, and hashes fewer bytes.
//
// The plan comes from the values a short search on the canonical back end
// met (fixedModelOf). Everything but the hot path goes through the canonical
// encoding: the object runtime's steps (initial states, hand-overs, traces,
// views), converted at that edge (objects, copyOf). The compiled invariants
// read the layout itself (fixed-invariants.ts). A value
// the plan has no room for stops the search, which checkModel runs again on
// the canonical back end (SearchRestart): the same states, counts and traces.
import type { Emit, StepOutcome } from "../../model.js";
import { IncrementalFingerprint } from "../../incremental-fingerprint.js";
import { checkExhaustive } from "../../search/bfs-explorer.js";
import { SearchRestart } from "../../search/core.js";
import { setStepDeadline, stepDeadline } from "../../step-deadline.js";
import type { FlModel } from "../fl-model.js";
import type { FlState, FlStep } from "../fl-state.js";
import { UP } from "../fl-state.js";
import {
  type ByteModel,
  type ByteState,
  byteCodeOf,
  type ForkedRun,
  ByteModel as CanonicalModel,
  TIMER,
  wordsOf,
} from "./byte-model.js";
import {
  type FixedPlan,
  LayoutOverflow,
  ObservedBounds,
  planLayout,
  removeSlot,
  toCanonical,
  toFixed,
} from "./fixed-layout.js";
import { FixedInvariantBytes } from "./fixed-invariants.js";
import { FixedRun } from "./fixed-run.js";
import type { ByteProgram } from "./generate-byte-code.js";
import { fromRaw, ScratchState, uintAt } from "./state-bytes.js";

/** States the planning search (fixedModelOf) explores on the canonical back end: a space no larger runs there, whole. */
export const PLAN_STATES = 5_000;

/** And the time it may take: a test whose steps are slow (the object runtime's) plans from what it met by then. */
export const PLAN_MS = 150;

export class FixedModel extends CanonicalModel {
  private readonly fx: FixedRun;

  constructor(
    fl: FlModel,
    program: ByteProgram,
    readonly plan: FixedPlan,
    /** The canonical back end's model, which a search that overflows the plan starts over on. */
    readonly canonical: ByteModel,
  ) {
    super(fl, program, (msgEnd) => new FixedRun(msgEnd, plan));
    this.fx = this.x as FixedRun;
    this.fx.usePlan();
    this.types = Int32Array.from(plan.types);
    this.lastObjects = { bytes: new Uint8Array(plan.length), state: null };
    this.sums = new IncrementalFingerprint(plan.length);
    this.aligned = new ScratchState(plan.length);
  }

  // ---------------------------------------------------------------- fingerprints

  /**
   * Fingerprints maintained incrementally (incremental-fingerprint.ts), based
   * on the state being expanded: a successor costs a comparison of its words
   * with that state's and a mix of each word that changed. TwoPhase with 8
   * RMs: 28-byte states, 18.5 M successors, a third of them unchanged.
   */
  private readonly sums: IncrementalFingerprint;

  override fingerprint(state: ByteState, out: Uint32Array): void {
    const s = this.x.s;
    if (state === s) this.sums.fingerprint(s.words, out);
    else {
      // Not the scratch: the state about to be expanded (the explorer's self-loop check asks
      // first), so made the base now, or an initial or replayed one (any base is right).
      this.sums.rebase(this.wordsOfState(state));
      this.sums.baseFingerprint(out);
    }
  }

  /** A word view of the state's bytes from its first: the scratch's, its buffer's, or a copy's where neither lines up. */
  private wordsOfState(state: ByteState): Int32Array {
    const s = this.x.s;
    if (state === s) return s.words;
    // Every state on the layout is plan.length bytes (toFixed, the frontier's entries): the words read are its own.
    if (state.len !== this.plan.length)
      throw new Error(`internal: a state of ${state.len} bytes on a layout of ${this.plan.length}`);
    const words = wordsOf(state.buf, this.sums.wordCount);
    if (words !== null) return words;
    this.aligned.load(state.buf, 0, state.len);
    return this.aligned.words;
  }

  /** Where wordsOfState copies a state whose bytes do not start a buffer of whole words. */
  private readonly aligned: ScratchState;

  // ---------------------------------------------------------------- the canonical encoding, at the edges

  /**
   * The state as the object runtime's objects, through its canonical
   * encoding. The last one is kept: the liveness check asks for one state's
   * objects once per step from it (hotMonitors, enabledFairSteps,
   * fairKeyOfStep), and decoding it anew each time made that check twice as
   * slow as on the canonical encoding. (Objects are not changed: sharing them
   * is safe.)
   */
  override objects(state: ByteState): FlState {
    const last = this.lastObjects;
    const b = state.buf;
    const length = this.plan.length;
    if (last.state !== null) {
      let same = true;
      for (let i = 0; i < length && same; i++) same = last.bytes[i] === b[i];
      if (same) return last.state;
    }
    const out = new Uint8Array(this.plan.canonicalBound);
    const objects = this.fl.decode(out.subarray(0, toCanonical(this.plan, b, out)));
    last.bytes.set(b.subarray(0, length));
    last.state = objects;
    return objects;
  }

  /** The state `objects` decoded last, and its bytes in this layout. */
  private readonly lastObjects: { bytes: Uint8Array; state: FlState | null };

  protected override copyOf(s: FlState): ByteState {
    const buf = toFixed(this.plan, this.fl.encode(s));
    return { buf, len: buf.length };
  }

  // ---------------------------------------------------------------- successors

  // A value the plan has no room for starts the search over on the canonical back end (restartFor).
  override initial(emit: Emit<ByteState, FlStep>): void {
    try {
      super.initial(emit);
    } catch (e) {
      throw this.restartFor(e);
    }
  }

  override apply(state: ByteState | null, step: FlStep): StepOutcome<ByteState> {
    try {
      return super.apply(state, step);
    } catch (e) {
      throw this.restartFor(e);
    }
  }

  override successors(state: ByteState, emit: Emit<ByteState, FlStep>): void {
    // Not through a closure: this runs once per state expanded.
    try {
      this.fixedSuccessors(state, emit);
    } catch (e) {
      throw this.restartFor(e);
    }
  }

  /** What `e`, thrown by the model, is for the search: an overflow of the plan asks it to start over. */
  private restartFor(e: unknown): unknown {
    return e instanceof LayoutOverflow
      ? this.restartAfter(`${e.message}: the search starts over on the canonical encoding`)
      : e;
  }

  /** Model.restartAfter: the search starts over on the canonical encoding (after an overflow here, or in a parallel worker's copy). */
  restartAfter(reason: string): SearchRestart {
    return new SearchRestart(this.canonical as never, reason);
  }

  /** ByteModel.successors on this layout: deliveries in the channels' order, then timers (a plan has no faults). */
  private fixedSuccessors(state: ByteState, emit: Emit<ByteState, FlStep>): void {
    const b = state.buf;
    const plan = this.plan;
    const n = plan.n;
    this.expansions++;
    this.sums.rebase(this.wordsOfState(state));
    if (this.fl.coverageCounts !== this.countsFrom) this.readCounters();
    const tables = this.fl.machines;
    const width = plan.slotWidth;
    const channels = plan.channels;
    for (let c = 0; c < channels.length; c++) {
      const ch = channels[c]!;
      const k = b[ch.at]!;
      if (k === 0) continue;
      const to = ch.to;
      const st = b[plan.machineAt[to]! + 1]!;
      if (st % 3 !== UP) continue;
      const type = plan.types[to]!;
      const stateIndex = (st - UP) / 3;
      const table = tables[type]!.states[stateIndex]!;
      let m = ch.at + 1;
      let i = 0;
      if (this.defers) {
        while (i < k && table.deferred[b[m]!] !== 0) {
          m += width;
          i++;
        }
        if (i === k) continue;
      }
      this.take(state, n, 0, ch.at, ch.from, to, type, stateIndex, table, m, i, emit);
    }
    for (let id = 0; id < n; id++) {
      const type = plan.types[id]!;
      if (!plan.timed[type]) continue;
      const at = plan.machineAt[id]! + 1;
      this.timers(state, n, 0, id, type, b[at]!, b[at + 1]!, emit);
    }
  }

  /** The scratch as the delivery starts (ByteModel.startRun): the state's bytes, the machine's slots, the message (of the channel at `q`) taken off. */
  protected override startRun(
    state: ByteState,
    _n: number,
    _channels: number,
    q: number,
    to: number,
    type: number,
    slot: number,
  ): void {
    const x = this.fx;
    const plan = this.plan;
    x.s.load(state.buf, 0, state.len);
    const vo = plan.vo[to]!;
    x.vo = vo;
    x.nVars = vo.length;
    x.restartSlots = 0;
    x.vmeta = plan.owners[type]!.meta;
    if (q === TIMER) {
      // A timer fires once: it is disarmed as its handler starts (executor.ts timerHandler).
      x.self = to;
      x.setTimer(slot, false);
      return;
    }
    const b = x.s.buf;
    const m = this.takeAt;
    const event = b[m]!;
    const fields = this.program.payloads[event]!;
    const widths = plan.fieldWidths[event]!;
    let f = m + 1;
    for (let i = 0; i < fields.length; i++) {
      x.p[i] = fromRaw(fields[i]!.kind, uintAt(b, f));
      f += widths[i]!;
    }
    // Off the channel: the messages after it move down a slot, and the last slot is zero again.
    const end = q + 1 + b[q]! * plan.slotWidth;
    removeSlot(b, m, plan.slotWidth, end);
    b[q]!--;
  }

  /** Nothing moves in this layout: a fork keeps the bytes, the locals and the work done. */
  protected override saveFork(_n: number): ForkedRun {
    const x = this.x;
    x.s.save();
    const f = this.fork;
    f.locals = x.forkLocals;
    f.work = x.work;
    return f;
  }

  protected override restoreFork(_f: ForkedRun, _n: number): void {
    this.x.s.restore();
  }
}

/** What a fixed-width layout cannot hold, or null: faults (their budgets, partitions, restarts), collection payloads, values past a byte's varint in a header. */
function fixedGap(fl: FlModel, program: ByteProgram): string | null {
  if (fl.faults.faults.length > 0) return "it injects faults";
  if (program.opaque.includes(true)) return "its messages carry collections";
  if (program.kept.some((k) => k.length > 0)) return "its machines keep their constructor payloads";
  if (fl.ir.events.length > 127 || fl.ir.machines.length > 127)
    return "it has more than 127 events or machine types";
  if (fl.machines.some((t) => 3 * t.states.length > 127 || t.timers.length > 7))
    return "a machine type has more than 42 states or 7 timers";
  if (fl.monitors.some((t) => t.states.length > 127)) return "a spec monitor has more than 127 states";
  return null;
}

/**
 * The byte back end's model of `canonical`'s test on a fixed-width layout,
 * planned from the states a breadth-first search of up to PLAN_STATES met,
 * or why the canonical one is kept: what the layout cannot hold, or a space
 * that search explored whole (too small to gain).
 */
export function fixedModelOf(
  canonical: ByteModel,
  /** For tests: how many states and milliseconds the plan's search may take, and to plan even from a space it explored whole. */
  options: { planStates?: number; planMs?: number; whole?: boolean } = {},
): { ok: true; model: FixedModel } | { ok: false; reason: string } {
  const fl = canonical.fl;
  const program = canonical.byteProgram;
  const gap = fixedGap(fl, program);
  if (gap !== null) return { ok: false, reason: gap };
  const nTypes = fl.ir.machines.length;
  const seen = new ObservedBounds({
    layouts: program.layouts,
    nTypes,
    timed: program.timed,
    payloads: program.payloads,
  });
  const cap = options.planStates ?? PLAN_STATES;
  const whole = explore(canonical, cap, options.planMs ?? PLAN_MS, (b) => seen.observe(b));
  if (whole && options.whole !== true)
    return { ok: false, reason: `its space has fewer than ${cap.toLocaleString("en-US")} states` };
  const plan = planLayout(seen);
  if (typeof plan === "string") return { ok: false, reason: plan };
  return fixedModelFromPlan(canonical, plan);
}

/**
 * The model of `canonical`'s test on the layout of `plan`, which fixedModelOf
 * made for the same test: how a parallel worker builds its coordinator's
 * model (fl-factory.ts), whose states and fingerprints must be its own.
 */
export function fixedModelFromPlan(
  canonical: ByteModel,
  plan: FixedPlan,
): { ok: true; model: FixedModel } | { ok: false; reason: string } {
  const fl = canonical.fl;
  // Code of its own: the canonical model's call sites have seen a ByteRun (V8 would make them
  // polymorphic); it reads this layout's slots where the plan fixed them (FixedOps), and its
  // invariants read this layout too (fixed-invariants.ts).
  const own = byteCodeOf(fl, { reader: () => new FixedInvariantBytes(plan), owners: plan.owners });
  if (!own.ok) return { ok: false, reason: own.reason };
  return { ok: true, model: new FixedModel(fl, own.program, plan, canonical) };
}

/** Thrown out of the plan's search when its time is up (explore). */
const OUT_OF_TIME: unique symbol = Symbol("the plan's search is out of time");

/**
 * The checker's breadth-first search of `model` for up to `cap` states and
 * `ms` milliseconds, past failures, with every state a step emits (a failing
 * step's too: the search keeps it for its trace) given to `see` as its
 * encoding; true when it explored the whole space. A model that throws ends
 * it (the search proper reports what it threw).
 */
function explore(model: ByteModel, cap: number, ms: number, see: (bytes: Uint8Array) => void): boolean {
  const deadline = Date.now() + ms;
  // Past its time, the search stops at once, even inside an expansion of slow steps; and a step
  // still running at the deadline is interrupted (step-deadline.ts), as a check's is.
  const seeing =
    (emit: Emit<ByteState, FlStep>): Emit<ByteState, FlStep> =>
    (step, o) => {
      if (Date.now() > deadline) throw OUT_OF_TIME;
      if (o.state !== undefined) see(model.encode(o.state));
      emit(step, o);
    };
  // The model, watched: a model made with it as prototype, as a witness search makes one.
  const watched = Object.create(model) as ByteModel;
  watched.initial = (emit) => model.initial.call(watched, seeing(emit));
  watched.successors = (state, emit) => model.successors.call(watched, state, seeing(emit));
  const outer = stepDeadline();
  setStepDeadline(Math.min(outer, deadline));
  try {
    const result = checkExhaustive(watched, {
      maxStates: cap,
      timeoutMs: ms,
      stopOnFirst: false,
      maxFailures: cap,
    });
    return result.kind !== "bounded" && result.kind !== "error";
  } finally {
    setStepDeadline(outer === Number.POSITIVE_INFINITY ? undefined : outer);
    // The search proper counts its own runs (ByteModel.counts: tests and reports read them).
    const counts = model.counts;
    counts.onBytes = counts.handedOver = counts.forked = counts.faultsOnBytes = counts.faultsOnObjects = 0;
  }
}
