// The enabling rule: which steps are enabled in a state (docs/language.md
// section 12; fault steps: docs/faults.md). This is its only home:
//
// - FlModel.successors runs every enabled step (with each choice sequence);
// - enabledSteps (random exploration) lists them as steps, without running;
// - enabledFairSteps (fairness) gives the deliveries, timers, restarts and
//   heal among them a weak-fairness key;
// - the ample-set search (partial-order.ts) picks one of the deliveries;
// - strict replay (Executor.checkDeliverable) accepts a delivery only when
//   it is one of them.
//
// The enumeration is allocation-free: `forEach` calls `visit(ctx, kind, a, b,
// f)` with numbers that describe each step (see StepKind), in the order
// successors emits them, and `stepOf` turns such a description into the
// FlStep of a trace when a caller needs one.
import type { FaultPlan } from "./fault-plan.js";
import {
  CRASHED,
  compareMessages,
  type FlMachine,
  type FlState,
  type FlStep,
  NO_CHOICES,
  UP,
} from "./fl-state.js";
import type { OwnerTable } from "./program-tables.js";

/**
 * The kinds of enabled steps, and what `visit`'s numbers mean for each
 * (`c` a position in `s.channels`, `i` a message's position in its channel,
 * `f` the fault's position in the test's fault list when steps of that kind
 * name their fault, else -1):
 *
 * | kind      | a           | b     | f |
 * | DELIVER   | c           | i     |   |
 * | TIMER     | machine id  | timer index in its type |  |
 * | DROP      | c           | i     | f |
 * | DUPLICATE | c           | i     | f |
 * | CRASH     | machine id  |       | f |
 * | RESTART   | machine id  |       |   |
 * | PARTITION | side mask: bit id-1 for each id on the side without machine 0 | | |
 * | HEAL      |             |       |   |
 */
export type StepKind = 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7;
export const DELIVER = 0;
export const TIMER = 1;
export const DROP = 2;
export const DUPLICATE = 3;
export const CRASH = 4;
export const RESTART = 5;
export const PARTITION = 6;
export const HEAL = 7;

/** Masks of kinds to enumerate: bit `1 << kind`. */
export const ALL_STEPS = 0xff;
export const DELIVERIES = 1 << DELIVER;
/** The kinds a fair run must eventually take (docs/faults.md): deliveries, timers, restarts, heal. */
export const FAIR_STEPS = (1 << DELIVER) | (1 << TIMER) | (1 << RESTART) | (1 << HEAL);
/** The fault steps: everything but deliveries and timers. */
export const FAULT_STEPS = ALL_STEPS & ~((1 << DELIVER) | (1 << TIMER));

/** Called once per enabled step; returning true stops the enumeration. */
export type EnabledVisitor<C> = (
  ctx: C,
  kind: StepKind,
  a: number,
  b: number,
  f: number,
) => boolean | undefined;

/** Partitions enumerate 2^(n-1) - 1 splits of n machines; beyond this many machines that is refused. */
export const MAX_PARTITION_MACHINES = 16;

export class EnabledSteps {
  /** The message or timer position strict replay asks about (isWanted reads it). */
  private readonly wanted = { i: -1 };

  constructor(
    private readonly machines: readonly OwnerTable[],
    private readonly faults: FaultPlan,
  ) {}

  /**
   * Visits the steps of the `kinds` (a mask of `1 << kind`) enabled in `s`,
   * in successors' order: deliveries, timers, then fault steps (drop,
   * duplicate, crash, restart, partition or heal). True when `visit` stopped it.
   */
  forEach<C>(s: FlState, kinds: number, visit: EnabledVisitor<C>, ctx: C): boolean {
    if (kinds & DELIVERIES && this.deliveries(s, 0, s.channels.length, visit, ctx)) return true;
    if (kinds & (1 << TIMER) && this.timers(s, 0, s.machines.length, visit, ctx)) return true;
    return (
      (kinds & FAULT_STEPS) !== 0 && this.faults.faults.length > 0 && this.faultSteps(s, kinds, visit, ctx)
    );
  }

  /** The steps of the `kinds` enabled in `s`, in forEach's order, each as `map` gives it (for callers that want a list). */
  map<T>(s: FlState, kinds: number, map: (kind: StepKind, a: number, b: number, f: number) => T): T[] {
    const mapped: Mapped<T> = { map, out: [] };
    this.forEach(s, kinds, pushMapped, mapped);
    return mapped.out;
  }

  /**
   * Deliveries of channels c in [lo, hi): for each channel into an up
   * machine, the first message its state does not defer; with `reorder`,
   * every such message, except that of equal neighbours (a channel is then a
   * sorted bag) only the first is a step: taking either gives the same state.
   */
  private deliveries<C>(s: FlState, lo: number, hi: number, visit: EnabledVisitor<C>, ctx: C): boolean {
    const chs = s.channels;
    const ms = s.machines;
    const reorder = this.faults.reorder;
    for (let c = lo; c < hi; c++) {
      const ch = chs[c]!;
      const recv = ms[ch.to]!;
      if (recv.status !== UP) continue;
      const deferred = this.deferredIn(recv);
      const msgs = ch.msgs;
      for (let i = 0; i < msgs.length; i++) {
        if (deferred[msgs[i]!.event] !== 0) continue;
        if (!reorder) {
          if (visit(ctx, DELIVER, c, i, -1)) return true;
          break;
        }
        if ((i === 0 || compareMessages(msgs[i - 1]!, msgs[i]!) !== 0) && visit(ctx, DELIVER, c, i, -1))
          return true;
      }
    }
    return false;
  }

  /**
   * By event: 1 when machine `m` leaves such a message queued: what its state
   * defers, or, while it is blocked in a `receive`, every event the receive does not take.
   */
  deferredIn(m: FlMachine): Uint8Array {
    const t = this.machines[m.type]!;
    return m.wait === null ? t.states[m.state]!.deferred : t.receives[m.wait.site]!.deferred;
  }

  /**
   * Timers of machines lo..hi-1: an armed timer of an up machine fires only in
   * a state that handles it, and not while the machine is blocked in a
   * `receive`; until then it waits.
   */
  private timers<C>(s: FlState, lo: number, hi: number, visit: EnabledVisitor<C>, ctx: C): boolean {
    const ms = s.machines;
    for (let id = lo; id < hi; id++) {
      const m = ms[id]!;
      if (m.timers === 0 || m.status !== UP || m.wait !== null) continue;
      const timeouts = this.machines[m.type]!.states[m.state]!.timeouts;
      for (let t = 0; m.timers >>> t !== 0; t++) {
        if (m.timers & (1 << t) && timeouts[t] !== undefined && visit(ctx, TIMER, id, t, -1)) return true;
      }
    }
    return false;
  }

  /**
   * Fault steps, while their budgets last: drop and duplicate any message in
   * flight (one of equal neighbours), crash an up machine, restart a crashed
   * one whose crash says `then restart`, partition a connected network (every
   * split), heal a partitioned one.
   */
  private faultSteps<C>(s: FlState, kinds: number, visit: EnabledVisitor<C>, ctx: C): boolean {
    const plan = this.faults;
    const budgets = s.budgets;
    const ms = s.machines;
    const splits =
      (kinds & (1 << PARTITION)) !== 0 &&
      s.cut === null &&
      ms.length >= 2 &&
      anyLeft(plan.partitions, budgets);
    if (splits && ms.length > MAX_PARTITION_MACHINES) {
      throw new Error(
        `partition: ${ms.length} machines have ${2 ** (ms.length - 1) - 1} splits; at most ${MAX_PARTITION_MACHINES} machines are supported`,
      );
    }
    if (kinds & (1 << DROP) && this.messageFaults(s, DROP, plan.drops, plan.nameFault.drop, visit, ctx))
      return true;
    if (
      kinds & (1 << DUPLICATE) &&
      this.messageFaults(s, DUPLICATE, plan.duplicates, plan.nameFault.duplicate, visit, ctx)
    )
      return true;
    if (kinds & (1 << CRASH)) {
      const named = plan.nameFault.crash;
      for (let id = 0; id < ms.length; id++) {
        const m = ms[id]!;
        if (m.status !== UP) continue;
        for (const f of plan.crashes[m.type]!) {
          if (budgets[f] === 0) continue;
          if (visit(ctx, CRASH, id, 0, named ? f : -1)) return true;
          if (!named) break;
        }
      }
    }
    if (kinds & (1 << RESTART)) {
      for (let id = 0; id < ms.length; id++) {
        const m = ms[id]!;
        if (m.status === CRASHED && plan.restarts[m.type] && visit(ctx, RESTART, id, 0, -1)) return true;
      }
    }
    if (splits) {
      // Sides are unordered: enumerate the side without machine 0, as a bit mask over ids 1..n-1.
      for (let mask = 1; mask < 2 ** (ms.length - 1); mask++)
        if (visit(ctx, PARTITION, mask, 0, -1)) return true;
    } else if (kinds & (1 << HEAL) && s.cut !== null) {
      return visit(ctx, HEAL, 0, 0, -1) === true;
    }
    return false;
  }

  private messageFaults<C>(
    s: FlState,
    kind: typeof DROP | typeof DUPLICATE,
    table: readonly (readonly number[])[],
    named: boolean,
    visit: EnabledVisitor<C>,
    ctx: C,
  ): boolean {
    const budgets = s.budgets;
    const chs = s.channels;
    for (let c = 0; c < chs.length; c++) {
      const msgs = chs[c]!.msgs;
      for (let i = 0; i < msgs.length; i++) {
        // Dropping or copying either of two equal neighbours gives the same state.
        if (i > 0 && compareMessages(msgs[i - 1]!, msgs[i]!) === 0) continue;
        for (const f of table[msgs[i]!.event]!) {
          if (budgets[f] === 0) continue;
          if (visit(ctx, kind, c, i, named ? f : -1)) return true;
          if (!named) break;
        }
      }
    }
    return false;
  }

  /**
   * Strict replay: is taking message `i` of channel `c` of `s` an enabled
   * delivery? With `reorder`, equal neighbours are one step (see deliveries),
   * so the first of them stands for the others.
   */
  isDeliveryEnabled(s: FlState, c: number, i: number): boolean {
    const msgs = s.channels[c]!.msgs;
    if (this.faults.reorder) while (i > 0 && compareMessages(msgs[i - 1]!, msgs[i]!) === 0) i--;
    this.wanted.i = i;
    return this.deliveries(s, c, c + 1, isWanted, this.wanted);
  }

  /** Strict replay: may timer `t` of machine `id` fire in `s`? */
  isTimerEnabled(s: FlState, id: number, t: number): boolean {
    if (id < 0 || id >= s.machines.length) return false;
    this.wanted.i = t;
    return this.timers(s, id, id + 1, isWanted, this.wanted);
  }

  /** The step `visit` described, as it appears in a trace (steps that may choose carry no choices yet). */
  stepOf(s: FlState, kind: StepKind, a: number, b: number, f: number): FlStep {
    switch (kind) {
      case DELIVER: {
        const ch = s.channels[a]!;
        return { t: "deliver", from: ch.from, to: ch.to, i: b, c: NO_CHOICES };
      }
      case TIMER:
        return { t: "timer", m: a, timer: this.machines[s.machines[a]!.type]!.timers[b]!, c: NO_CHOICES };
      case DROP:
      case DUPLICATE: {
        const ch = s.channels[a]!;
        const step: Extract<FlStep, { t: "drop" | "duplicate" }> = {
          t: kind === DROP ? "drop" : "duplicate",
          from: ch.from,
          to: ch.to,
          i: b,
        };
        if (f >= 0) step.f = f;
        return step;
      }
      case CRASH:
        return f >= 0 ? { t: "crash", m: a, f } : { t: "crash", m: a };
      case RESTART:
        return { t: "restart", m: a, c: NO_CHOICES };
      case PARTITION:
        return { t: "partition", side: sideOf(s.machines.length, a) };
      case HEAL:
        return { t: "heal" };
    }
  }
}

interface Mapped<T> {
  map: (kind: StepKind, a: number, b: number, f: number) => T;
  out: T[];
}

function pushMapped<T>(m: Mapped<T>, kind: StepKind, a: number, b: number, f: number): undefined {
  m.out.push(m.map(kind, a, b, f));
}

/** Matches the message (DELIVER) or timer (TIMER) position `b` that isDeliveryEnabled or isTimerEnabled asks about. */
function isWanted(wanted: { i: number }, _kind: StepKind, _a: number, b: number): boolean {
  return b === wanted.i;
}

function anyLeft(faults: readonly number[], budgets: readonly number[]): boolean {
  for (const f of faults) if (budgets[f]! > 0) return true;
  return false;
}

/** The ids a PARTITION mask stands for (ids 1..n-1; machine 0 is always on the other side). */
function sideOf(n: number, mask: number): number[] {
  const side: number[] = [];
  for (let id = 1; id < n; id++) if (mask & (1 << (id - 1))) side.push(id);
  return side;
}
