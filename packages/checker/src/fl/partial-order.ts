// Partial-order reduction for .fl models (ADR 0008): the ample set of a state.
//
// The only steps ever chosen as an ample set are deliveries: t = "machine M
// takes the first non-deferred message of channel f->M", with every `choose`
// outcome of it and nothing else. t is taken alone only when it is independent
// of every step another machine can take before it (C1) and invisible to every
// asserted property (C2); the explorer adds the cycle proviso (C3). Otherwise
// the state is expanded fully. The conditions, at state s:
//
// 1. No fault step that remains possible depends on t: the network is
//    ordered (no `reorder`), not partitioned and no partition budget is left
//    (a partition loses t's message); no budget is left to crash M, or to drop
//    or duplicate a message of t's event (t's own message; other messages of
//    f->M only shift, which commutes); no crash-with-restart budget is left
//    on a type M may send to (crash, restart, then t delivers what t-first
//    would have lost) or on a type that may send to M (a restarted idle
//    instance runs its entry again). A crash without restart commutes with t:
//    a message to the crashed machine is lost either way. And no machine M
//    may send to is crashed with a restart ahead, for the same reason.
// 2. Only t can change M: M is up, has no armed timer (only M arms its timers)
//    and every channel into M other than f->M is empty.
// 3. Nobody else can send to M before t. The run graph (RunGraph below) says,
//    for each kind of run of a machine type (taking an event, a timer, the
//    start entry of a creation or restart), what its code may do: send an
//    event to a type (any type when the target is typed `machine`, or when
//    `machine` values or foreign functions make named types unreliable),
//    create a type, arm its own timers. A run of another machine before t is
//    either one of its own (a message in flight to it, an armed timer, a
//    restart: of a crashed machine, or of an up one while a restarting crash
//    has budget) or caused by one, through the graph's edges (a sent message,
//    a created machine, an armed timer). Of the runs machines other than M may
//    make or cause, none that may send to M's type may be made by another
//    machine than f: an own run only by f; a caused run only when no instance
//    of its type but f and M is alive (halted, or crashed with no restart, is
//    dead), none may be created (its type's start run is not among them) and
//    it is not a start run itself. M makes no run before t (conditions 2, 3).
//    Sends by f append to f->M behind t's message, which stays the first
//    non-deferred one (M's state cannot change before t), so they commute with t.
// 2'. Or, instead of 2 and 3: t's message heads f->M and M ignores its event
//    in its state and in every state its code may go to from there (and M's
//    type neither halts nor blocks in `receive`, and the program does not send
//    the halt event). Then t only takes the message off f->M, now and after
//    any step M may take first; M's own steps neither read that channel nor
//    disable t (M stays up: condition 1 leaves no crash), so t commutes with
//    them and with everyone's. Of condition 1 only the network, M's crash and
//    the drop or duplication of t's event apply: the restart clauses are
//    about t's sends (it has none) and about other senders (2' admits them).
//    These candidates are tried after all others (that pruned more on the
//    bundled models).
// 4. t, run at s, has no failing outcome, creates no machine, and changes
//    nothing the asserted invariants read: M's variables they read, M's state
//    when they test it, messages of the events they count with `inflight`; an
//    outcome that halts M is refused when an invariant counts messages or
//    quantifies over M's type. It may feed a spec monitor (send or announce
//    an event the monitor observes) only when no run of condition 3's (own
//    or caused, of machines other than M) may feed that monitor, and the
//    monitor observes no fault event: then no step before t touches that
//    monitor, so t sees the same monitor state from every state the argument
//    below uses, and moving t ahead of those steps leaves the sequence of
//    events the monitor sees unchanged. A path on which t never comes feeds
//    the monitor nothing, and its end (an invariant, a machine's failure, a
//    step that feeds other monitors) does not read it; a terminal state (where
//    `hot` is judged) is never on such a path, as t is enabled there.
//
// Machine code reads only its own machine's variables, the payload and params
// (other machines' variables, states and the network are for invariants only),
// so t runs the same code, with the same effects on M, the monitors and the
// machines it creates, from every state that differs from s only by steps of
// other machines: checking its outcomes at s checks them wherever the
// reduction argument uses them. The first candidate in channel order (the
// order successors enumerates) that passes is the ample set, so the choice is
// a function of s and replay finds the same one.
//
// Counting (collectStats, PorStats): every condition of every candidate is
// checked, not only up to the first that fails, and the refusals are counted
// by reason (packages/checker/bench/por-bench.ts prints them).
import type { IrAction, IrExpr, IrFun, IrProgram, IrStmt, IrTest } from "@faultline/lang";
import type { Emit, StepOutcome } from "../model.js";
import { DELIVERIES, type EnabledSteps, type EnabledVisitor } from "./enabled-steps.js";
import type { FaultPlan } from "./fault-plan.js";
import { CRASHED, type FlMachine, type FlState, type FlStep, HALTED, UP } from "./fl-state.js";
import { compare, HALT_EVENT, type Value } from "./lang-codegen.js";

/** Runs delivery (from, to, i) of `s` with every choose outcome, as successors does. */
export type RunDelivery = (
  s: FlState,
  from: number,
  to: number,
  i: number,
  emit: Emit<FlState, FlStep>,
) => void;

/** What the asserted invariants read. */
interface InvariantReads {
  /** By machine type index: positions of the variables read (`p.v`). */
  vars: number[][];
  /** By machine type index: an invariant tests its instances' state (`p in S`). */
  states: boolean[];
  /** By machine type index: an invariant quantifies over its instances (`forall p: T`). */
  instances: boolean[];
  /** By event index: an invariant counts its messages in flight (`inflight(E)`). */
  events: boolean[];
  /** Some invariant counts messages in flight. */
  network: boolean;
}

/** What the code of one machine type may do to other machines, statically. */
interface TypeEffects {
  /** Names of the machine types its sends are addressed to. */
  sendsTo: Set<string>;
  /** It sends to a target typed `machine` (any machine). */
  sendsToAny: boolean;
  /** Names of the machine types it creates. */
  creates: Set<string>;
}

/**
 * Why a candidate delivery was refused: one bit per condition check, in the
 * order tryCandidate makes them (POR_REASONS names them).
 */
const R_FAULT = 1 << 0;
const R_RESTART_TARGET = 1 << 1;
const R_TIMER = 1 << 2;
const R_OTHER_CHANNEL = 1 << 3;
const R_COUNTED_TAKEN = 1 << 4;
const R_OTHER_SENDER = 1 << 5;
const R_FAILS = 1 << 6;
const R_CREATES = 1 << 7;
const R_MONITORS = 1 << 8;
const R_HALTS = 1 << 9;
const R_INV_STATE = 1 << 10;
const R_INV_VAR = 1 << 11;
const R_COUNTED_SEND = 1 << 12;

/** The refusal reasons by bit position, as PorStats reports them. */
export const POR_REASONS: readonly string[] = [
  "C1 fault budget (crash of M, drop/duplicate of its event, restart of a related type)",
  "C1 a machine M may send to is crashed and may restart",
  "C2 M has an armed timer",
  "C2 another channel into M is non-empty",
  "C4 the message is of an event an invariant counts",
  "C3 another machine may send to M",
  "C4 an outcome fails",
  "C4 an outcome creates a machine",
  "C4 an outcome touches the spec monitors",
  "C4 an outcome halts M (an invariant counts messages or quantifies over M's type)",
  "C4 an outcome changes M's state, which an invariant tests",
  "C4 an outcome changes a variable an invariant reads",
  "C4 an outcome sends a message an invariant counts",
];

/**
 * Counts of why states got no ample set (opt-in: PartialOrder.collectStats;
 * the bench packages/checker/bench/por-bench.ts prints them). With counting
 * on, every condition of every candidate is checked, not only up to the first
 * that fails, so a candidate's refusal lists all its reasons; which states get
 * an ample set does not change.
 */
export class PorStats {
  /** Calls of ampleSuccessors (states expanded, more when the explorer asks twice). */
  calls = 0;
  /** Calls that found an ample set. */
  ample = 0;
  /** Of those: by condition 2' (a message ignored onward), and with a delivery that fed a spec monitor. */
  ampleDequeue = 0;
  ampleMonitor = 0;
  /** Calls refused before any candidate: faults may reorder or partition the network. */
  network = 0;
  /** Calls with no delivery enabled. */
  noDelivery = 0;
  /** By reason bit: refused calls with some candidate refused (among others) for it. */
  readonly states: number[] = POR_REASONS.map(() => 0);
  /** By reason bit: refused calls with some candidate refused for it alone (widening it would have found one there). */
  readonly sole: number[] = POR_REASONS.map(() => 0);
  /** "reason bit|receiver type.event" → refused candidates, for the most common details. */
  readonly details = new Map<string, number>();
}

export class PartialOrder {
  private readonly faults: FaultPlan;
  private readonly reads: InvariantReads;
  /** By receiver type then sender type: the sender may create (transitively) a type that sends to the receiver. */
  private readonly spawnsSender: boolean[][];
  private into = new Int32Array(16);
  /** By sender type then receiver type: the sender's code may send to the receiver. */
  private readonly sendsTo: boolean[][];
  /** What each kind of run may do (condition 3 and the monitors of condition 4). */
  private readonly graph: RunGraph;
  /**
   * By type then state then event: 1 when the event is ignored in that state and every state
   * reachable from it (condition 2'); null for a type that may halt or block in a `receive`, or
   * for every type when the program sends the halt event.
   */
  private readonly ignoredOnward: (Uint8Array[] | null)[];
  /** Some event is ignored onward somewhere; the candidates are being tried for condition 2' alone. */
  private readonly dequeues: boolean;
  private dequeuePass = false;
  /** By asserted spec monitor: it observes a fault event, which fault steps feed. */
  private readonly monitorSeesFaults: boolean[];
  /**
   * Scratch, per state, by machine (a bit set each, `words` long): the run-graph nodes it may run
   * itself (what it has in flight, its armed timers, its restart) and those its runs may make
   * other machines run (reachable by an edge or more). By type: instances not dead.
   */
  private own = new Uint32Array(0);
  private runsKnown = false;
  private caused = new Uint32Array(0);
  private readonly words: number;
  private readonly alive: Int32Array;
  /** Scratch, per candidate: the nodes that may run before the delivery (own and caused of machines other than the receiver), and those caused. */
  private readonly before: Uint32Array;
  private readonly beforeCaused: Uint32Array;

  /** The state ampleSuccessors is reducing, where its ample set goes, and how deliveries run (read by tryCandidate). */
  private state: FlState | null = null;
  private emit: Emit<FlState, FlStep> | null = null;
  private run: RunDelivery | null = null;
  private budgets: readonly number[] = [];

  /** Counting why states get no ample set (collectStats); null, the default, counts nothing. */
  private stats: PorStats | null = null;
  /** The reasons the candidate being tried was refused for, and those of the state's candidates (counting only). */
  private why = 0;
  private stateWhy = 0;
  private stateSole = 0;
  private readonly typeNames: readonly string[];
  private readonly eventNames: readonly string[];

  constructor(
    ir: IrProgram,
    test: IrTest,
    private readonly enabled: EnabledSteps,
    faults: FaultPlan,
  ) {
    this.faults = faults;
    this.typeNames = ir.machines.map((m) => m.name);
    this.eventNames = ir.events.map((e) => e.name);
    this.alive = new Int32Array(ir.machines.length);
    this.reads = invariantReads(ir, test);
    const untyped = machineTypesUnreliable(ir);
    // Under `with { A -> B }` an A-typed `new` or send target is a B.
    const subs = new Map(test.substitutions.map((x) => [x.from, x.to]));
    const runsAs = (name: string) => subs.get(name) ?? name;
    const effects = ir.machines.map((m) => typeEffects(ir, m, untyped, runsAs));
    this.graph = runGraph(ir, test, untyped, runsAs);
    this.words = (this.graph.nodes + 31) >>> 5;
    this.before = new Uint32Array(this.words);
    this.beforeCaused = new Uint32Array(this.words);
    this.ignoredOnward = ir.machines.map((m) =>
      ir.events.some((e) => e.name === HALT_EVENT) ? null : ignoredOnward(ir, m),
    );
    this.dequeues = this.ignoredOnward.some((t) => t?.some((st) => st.includes(1)));
    this.monitorSeesFaults = test.asserts
      .filter((a) => a.kind === "spec")
      .map((a) => {
        const observes = ir.specs.find((sp) => sp.name === a.name)?.observes ?? [];
        return ir.events.some((e) => e.fault !== undefined && observes.includes(e.name));
      });
    const index = new Map(ir.machines.map((m) => [m.name, m.index]));
    const n = ir.machines.length;
    // created[t]: the types t may create, directly or through what it creates (one step or more).
    const created = effects.map((e) => [...e.creates].map((name) => index.get(name)!));
    const reach = ir.machines.map((_, t) => {
      const seen = new Array<boolean>(n).fill(false);
      const work = [...created[t]!];
      while (work.length > 0) {
        const u = work.pop()!;
        if (seen[u]) continue;
        seen[u] = true;
        work.push(...created[u]!);
      }
      return seen;
    });
    this.spawnsSender = [];
    this.sendsTo = effects.map((e) => ir.machines.map((r) => e.sendsToAny || e.sendsTo.has(r.name)));
    for (const receiver of ir.machines) {
      const sends = effects.map((e) => e.sendsToAny || e.sendsTo.has(receiver.name));
      this.spawnsSender.push(reach.map((r) => r.some((yes, u) => yes && sends[u])));
    }
  }

  /** Starts counting why states get no ample set (PorStats); returns the counts, which later calls add to. */
  collectStats(): PorStats {
    this.stats ??= new PorStats();
    return this.stats;
  }

  /**
   * Emits the ample set of `s` (every outcome of one delivery) and returns
   * true, or emits nothing and returns false when `s` must be expanded fully.
   */
  ampleSuccessors(s: FlState, emit: Emit<FlState, FlStep>, run: RunDelivery): boolean {
    const faults = this.faults;
    const stats = this.stats;
    this.budgets = s.budgets;
    if (stats !== null) stats.calls++;
    if (faults.faults.length > 0 && (faults.reorder || s.cut !== null || this.left(faults.partitions))) {
      if (stats !== null) stats.network++;
      return false;
    }
    const ms = s.machines;
    // Non-empty channels into each machine, and what each machine may run (scratch reused across states).
    if (this.into.length < ms.length) this.into = new Int32Array(ms.length * 2);
    const into = this.into;
    into.fill(0, 0, ms.length);
    for (const ch of s.channels) into[ch.to]!++;
    // What each machine may run is worked out when a candidate first needs it (most are refused before).
    this.runsKnown = false;
    // The candidates are the enabled deliveries (one per channel: the network is ordered), in channel order.
    this.state = s;
    this.emit = emit;
    this.run = run;
    this.stateWhy = -1;
    this.stateSole = 0;
    this.dequeuePass = false;
    let found = this.enabled.forEach(s, DELIVERIES, PartialOrder.tryAmple, this);
    if (!found && this.dequeues) {
      this.dequeuePass = true;
      found = this.enabled.forEach(s, DELIVERIES, PartialOrder.tryAmple, this);
    }
    this.state = null;
    this.emit = null;
    this.run = null;
    if (stats !== null) this.count(stats, found);
    return found;
  }

  /** ampleSuccessors' visitor of the enabled deliveries: stops at the first that is an ample set. */
  private static readonly tryAmple: EnabledVisitor<PartialOrder> = (po, _kind, c, i) => po.tryCandidate(c, i);

  /** Whether delivery `i` of channel `c` of `state` is an ample set; if so, emits its outcomes. */
  private tryCandidate(c: number, i: number): boolean {
    const s = this.state!;
    const ms = s.machines;
    const ch = s.channels[c]!;
    const to = ch.to;
    const recv = ms[to]!;
    const into = this.into;
    const event = ch.msgs[i]!.event;
    this.why = 0;
    // A message that M ignores now and in every state it may reach is only taken off the channel (condition 2').
    // Tried only after every candidate failed the other conditions: those pruned more on the bundled models.
    const dequeue =
      this.dequeuePass &&
      i === 0 &&
      recv.wait === null &&
      this.ignoredOnward[recv.type]?.[recv.state]?.[event] === 1;
    if (this.dequeuePass && !dequeue) return false;
    if (!dequeue && recv.timers !== 0 && this.refuse(R_TIMER)) return false;
    if (!dequeue && into[to] !== 1 && this.refuse(R_OTHER_CHANNEL)) return false;
    // Under 2' t sends nothing and C3 is not used: only faults on M and on t's own message matter.
    if (!dequeue && this.mayRestartReceiverOf(s, recv.type) && this.refuse(R_RESTART_TARGET)) return false;
    if (
      this.faults.faults.length > 0 &&
      this.faultMayInterfere(recv.type, event, dequeue) &&
      this.refuse(R_FAULT)
    )
      return false;
    if (this.reads.events[event] && this.refuse(R_COUNTED_TAKEN)) return false;
    if (!this.runsKnown) {
      this.mayRun(s);
      this.runsKnown = true;
    }
    this.runsBefore(to);
    if (!dequeue && !this.onlySender(s, ch.from, to) && this.refuse(R_OTHER_SENDER)) return false;
    const steps: FlStep[] = [];
    const outcomes: StepOutcome<FlState>[] = [];
    this.run!(s, ch.from, to, i, (step, outcome) => {
      steps.push(step);
      outcomes.push(outcome);
    });
    const visible = this.visible(s, to, outcomes);
    if (visible !== 0) this.refuse(visible);
    if (this.why !== 0) {
      this.refused(recv.type, event);
      return false;
    }
    const emit = this.emit!;
    for (let k = 0; k < steps.length; k++) emit(steps[k]!, outcomes[k]!);
    if (this.stats !== null) {
      if (dequeue) this.stats.ampleDequeue++;
      if (outcomes.some((o) => o.kind === "state" && o.state.monitors !== s.monitors))
        this.stats.ampleMonitor++;
    }
    return true;
  }

  /**
   * Notes that the candidate being tried is refused for `reason`; true when
   * not counting (refuse at once), false when counting (check the other conditions too).
   */
  private refuse(reason: number): boolean {
    this.why |= reason;
    if (this.stats === null) return true;
    return false;
  }

  /** Counting: the candidate tried (M of type `type` taking an `event` message) is refused for `this.why`. */
  private refused(type: number, event: number): void {
    const stats = this.stats;
    if (stats === null || this.dequeuePass) return; // counted in the first pass
    const why = this.why;
    this.stateWhy = this.stateWhy < 0 ? why : this.stateWhy | why;
    if ((why & (why - 1)) === 0) this.stateSole |= why;
    for (let b = 0; b < POR_REASONS.length; b++) {
      if ((why & (1 << b)) === 0) continue;
      const key = `${b}|${this.typeNames[type]}.${this.eventNames[event]}`;
      stats.details.set(key, (stats.details.get(key) ?? 0) + 1);
    }
  }

  /** Counting: the state just tried got an ample set (`found`) or the reasons of its candidates. */
  private count(stats: PorStats, found: boolean): void {
    if (found) stats.ample++;
    else if (this.stateWhy < 0) stats.noDelivery++;
    else
      for (let b = 0; b < POR_REASONS.length; b++) {
        if (this.stateWhy & (1 << b)) stats.states[b]!++;
        if (this.stateSole & (1 << b)) stats.sole[b]!++;
      }
  }

  /** Some of `fs` (fault positions) has budget left in the state being reduced. */
  private left(fs: readonly number[]): boolean {
    for (const f of fs) if (this.budgets[f] !== 0) return true;
    return false;
  }

  /** Condition 1: a fault step still possible at `s` that does not commute with M taking an `event` message. */
  private faultMayInterfere(receiverType: number, event: number, dequeue: boolean): boolean {
    const faults = this.faults;
    if (
      this.left(faults.crashes[receiverType]!) ||
      this.left(faults.drops[event]!) ||
      this.left(faults.duplicates[event]!)
    )
      return true;
    if (dequeue) return false;
    const sends = this.sendsTo[receiverType]!;
    for (let t = 0; t < faults.crashes.length; t++) {
      if (!faults.restarts[t] || !this.left(faults.crashes[t]!)) continue;
      if (sends[t] || this.sendsTo[t]![receiverType] || this.spawnsSender[receiverType]![t]) return true;
    }
    return false;
  }

  /** Condition 1: a crashed machine that may restart is of a type that `sender` (a type) may send to. */
  private mayRestartReceiverOf(s: FlState, sender: number): boolean {
    const restarts = this.faults.restarts;
    const sends = this.sendsTo[sender]!;
    for (const m of s.machines) if (m.status === CRASHED && restarts[m.type] && sends[m.type]) return true;
    return false;
  }

  /** A machine that can never take a step again: halted, or crashed with no restart. */
  private dead(m: FlMachine): boolean {
    return m.status === HALTED || (m.status === CRASHED && !this.faults.restarts[m.type]);
  }

  /**
   * Condition 3, per state: by machine, the run-graph nodes it may run
   * (what it has in flight, its armed timers, its restart) and those they
   * may cause; by type, the instances not dead.
   */
  private mayRun(s: FlState): void {
    const ms = s.machines;
    const g = this.graph;
    const w = this.words;
    const nE = this.eventNames.length;
    if (this.own.length < ms.length * w) {
      this.own = new Uint32Array(ms.length * w * 2);
      this.caused = new Uint32Array(ms.length * w * 2);
    }
    this.own.fill(0, 0, ms.length * w);
    this.caused.fill(0, 0, ms.length * w);
    this.alive.fill(0);
    const faults = this.faults;
    for (let id = 0; id < ms.length; id++) {
      const m = ms[id]!;
      if (this.dead(m)) continue;
      this.alive[m.type]!++;
      const base = g.base[m.type]!;
      const timers = g.base[m.type + 1] ?? g.nodes;
      // A crashed machine may restart; an up one may crash and restart while a restarting crash has budget.
      if (
        faults.restarts[m.type] &&
        (m.status === CRASHED || (faults.faults.length > 0 && this.left(faults.crashes[m.type]!)))
      )
        this.seed(id, timers - 1);
      if (m.status !== UP) continue;
      for (let k = 0; k < 32 && m.timers >>> k !== 0; k++)
        if ((m.timers >>> k) & 1) this.seed(id, base + nE + k);
    }
    for (const ch of s.channels) {
      if (ms[ch.to]!.status !== UP) continue;
      const base = g.base[ms[ch.to]!.type]!;
      for (const msg of ch.msgs) this.seed(ch.to, base + msg.event);
    }
  }

  /** Machine `id` may run node `node` itself, which may cause what is reachable from it. */
  private seed(id: number, node: number): void {
    const w = this.words;
    const at = id * w;
    const own = this.own;
    if (own[at + (node >>> 5)]! & (1 << (node & 31))) return;
    own[at + (node >>> 5)]! |= 1 << (node & 31);
    const after = this.graph.after[node]!;
    const caused = this.caused;
    for (let k = 0; k < w; k++) caused[at + k]! |= after[k]!;
  }

  /** Condition 3, per candidate: the nodes that machines other than `to` may run or cause (this.before, this.beforeCaused). */
  private runsBefore(to: number): void {
    const before = this.before;
    const beforeCaused = this.beforeCaused;
    const w = this.words;
    const own = this.own;
    const caused = this.caused;
    const n = this.state!.machines.length;
    before.fill(0);
    beforeCaused.fill(0);
    for (let id = 0; id < n; id++) {
      if (id === to) continue;
      const at = id * w;
      for (let k = 0; k < w; k++) {
        beforeCaused[k]! |= caused[at + k]!;
        before[k]! |= own[at + k]! | caused[at + k]!;
      }
    }
  }

  /**
   * Condition 3: no machine but `from` may send to `to` before the delivery.
   * For each node that may run before it and sends to `to`'s type: when it is
   * only some machines' own run (a message in flight to them, a timer, a
   * restart), none of them but `from`; when it may be caused, only `from` can
   * run it: no other instance of its type is alive, none may be created (its
   * start node is not among them) and it is no start node itself. (`to` takes
   * no step before the delivery.)
   */
  private onlySender(s: FlState, from: number, to: number): boolean {
    const ms = s.machines;
    const g = this.graph;
    const w = this.words;
    const before = this.before;
    const beforeCaused = this.beforeCaused;
    const into = g.sendsInto[ms[to]!.type]!;
    for (let k = 0; k < w; k++) {
      let bad = before[k]! & into[k]!;
      while (bad !== 0) {
        const bit = 31 - Math.clz32(bad);
        bad &= ~(1 << bit);
        const node = (k << 5) + bit;
        if (beforeCaused[k]! & (1 << bit)) {
          const t = g.type[node]!;
          const start = (g.base[t + 1] ?? g.nodes) - 1;
          if (g.start[node] || before[start >>> 5]! & (1 << (start & 31))) return false;
          let others = this.alive[t]!;
          if (ms[to]!.type === t) others--;
          if (from !== to && ms[from]!.type === t && !this.dead(ms[from]!)) others--;
          if (others > 0) return false;
        } else {
          for (let id = 0; id < ms.length; id++)
            if (id !== to && id !== from && this.own[id * w + k]! & (1 << bit)) return false;
        }
      }
    }
    return true;
  }

  /** Condition 4 on the delivery's outcomes at `s` (`to` is the receiver): 0 when it holds, else the reason it does not. */
  private visible(s: FlState, to: number, outcomes: readonly StepOutcome<FlState>[]): number {
    const reads = this.reads;
    const before = s.machines[to]!;
    const type = before.type;
    const vars = reads.vars[type]!;
    const countedBefore = reads.network ? this.counted(s) : 0;
    for (const outcome of outcomes) {
      if (outcome.kind === "failure") return R_FAILS;
      const next = outcome.state;
      if (next.machines.length !== s.machines.length) return R_CREATES;
      if (next.monitors !== s.monitors && !this.monitorsPrivate(s, next)) return R_MONITORS;
      const after = next.machines[to]!;
      if (after.status !== UP && (reads.network || reads.instances[type])) return R_HALTS;
      if (reads.states[type] && after.state !== before.state) return R_INV_STATE;
      for (const v of vars) if (!sameValue(before.vars[v]!, after.vars[v]!)) return R_INV_VAR;
      // The message taken is of an uncounted event (checked before running), so a change is a counted send.
      if (reads.network && this.counted(next) !== countedBefore) return R_COUNTED_SEND;
    }
    return 0;
  }

  /**
   * Condition 4, monitors: every spec monitor the delivery fed (its entry in
   * `next` differs from `s`'s) is fed by no run that machines other than the
   * receiver may make before the delivery (this.before), and by no fault.
   */
  private monitorsPrivate(s: FlState, next: FlState): boolean {
    const feeds = this.graph.feeds;
    for (let i = 0; i < s.monitors.length; i++) {
      if (next.monitors[i] === s.monitors[i]) continue;
      if (this.monitorSeesFaults[i]) return false;
      const fed = feeds[i]!;
      for (let k = 0; k < this.words; k++) if (this.before[k]! & fed[k]!) return false;
    }
    return true;
  }

  /** Messages in flight whose event some invariant counts. */
  private counted(s: FlState): number {
    const events = this.reads.events;
    let n = 0;
    for (const ch of s.channels) for (const m of ch.msgs) if (events[m.event]) n++;
    return n;
  }
}

function sameValue(a: Value, b: Value): boolean {
  return a === b || compare(a, b) === 0;
}

// ---------------------------------------------------------------- static analysis

/** Calls `visit` on every expression in `stmts`, nested ones included. */
function forEachExpr(
  stmts: readonly IrStmt[],
  visit: (e: IrExpr) => void,
  onStmt?: (s: IrStmt) => void,
): void {
  const expr = (e: IrExpr | null | undefined): void => {
    if (e === null || e === undefined) return;
    visit(e);
    for (const child of childExprs(e)) expr(child);
  };
  const walk = (list: readonly IrStmt[]): void => {
    for (const st of list) {
      onStmt?.(st);
      switch (st.kind) {
        case "local":
        case "break":
        case "continue":
        case "halt":
        case "startTimer":
        case "cancelTimer":
          break;
        case "assign":
        case "insert":
        case "remove":
          expr(st.target);
          expr(st.value);
          break;
        case "send":
          expr(st.target);
          expr(st.eventValue);
          expr(st.payload);
          break;
        case "raise":
        case "announce":
          expr(st.eventValue);
          expr(st.payload);
          break;
        case "goto":
          expr(st.payload);
          break;
        case "assert":
          expr(st.cond);
          expr(st.message);
          break;
        case "if":
          expr(st.cond);
          walk(st.then);
          walk(st.else);
          break;
        case "while":
          expr(st.cond);
          walk(st.body);
          break;
        case "foreach":
          expr(st.iterable);
          walk(st.body);
          break;
        case "return":
          expr(st.value);
          break;
        case "print":
          expr(st.value);
          break;
        case "receive":
          for (const c of st.cases) walk(c.action.body);
          break;
        case "expr":
          expr(st.expr);
          break;
        default:
          st satisfies never;
      }
    }
  };
  walk(stmts);
}

function childExprs(e: IrExpr): IrExpr[] {
  switch (e.kind) {
    case "field":
    case "tupleIndex":
    case "machineVar":
      return [e.target];
    case "index":
      return [e.target, e.index];
    case "call":
      return e.args;
    case "sizeof":
    case "keys":
    case "values":
    case "str":
      return [e.arg];
    case "toAny":
    case "cast":
    case "convert":
      return [e.operand];
    case "format":
      return [e.format, ...e.args];
    case "inflight":
      return e.target === null ? [] : [e.target];
    case "new":
      return e.payload === null ? [] : [e.payload];
    case "choose":
      return e.arg === null ? [] : [e.arg];
    case "unary":
      return [e.operand];
    case "binary":
      return [e.left, e.right];
    case "in":
      return [e.element, e.collection];
    case "inState":
      return [e.target];
    case "tuple":
    case "setLit":
    case "seqLit":
      return e.elems;
    case "namedTuple":
      return e.fields.map((f) => f.value);
    case "quant":
      return [...e.binders.flatMap((b) => (b.collection === null ? [] : [b.collection])), e.body];
    default:
      return [];
  }
}

/** The top-level functions called from `stmts`, transitively (bodies of foreign ones are null). */
function calledGlobalFuns(ir: IrProgram, roots: readonly (readonly IrStmt[])[]): IrFun[] {
  const byName = new Map(ir.funs.filter((f) => f.owner === null).map((f) => [f.name, f]));
  const found = new Set<IrFun>();
  const work = [...roots];
  while (work.length > 0) {
    forEachExpr(work.pop()!, (e) => {
      if (e.kind !== "call" || e.scope !== "global") return;
      const fun = byName.get(e.fun);
      if (fun === undefined || found.has(fun)) return;
      found.add(fun);
      if (fun.body !== null) work.push(fun.body);
    });
  }
  return [...found];
}

/** Every statement list a machine type may run: its states' code, its functions and the top-level ones they call. */
function typeCode(ir: IrProgram, machine: IrProgram["machines"][number]): IrStmt[][] {
  const bodies: IrStmt[][] = [];
  const action = (a: IrAction | null) => {
    if (a !== null) bodies.push(a.body);
  };
  for (const st of machine.states) {
    action(st.entry);
    action(st.exit);
    for (const h of st.handlers) action(h.kind === "do" ? h.action : h.with);
    for (const h of st.timeouts) action(h.kind === "do" ? h.action : h.with);
  }
  for (const f of machine.funs) if (f.body !== null) bodies.push(f.body);
  for (const f of calledGlobalFuns(ir, bodies)) if (f.body !== null) bodies.push(f.body);
  return bodies;
}

/**
 * True when a value typed by a machine's name may hold another type's
 * instance: `machine` (any machine) converts to every named machine type
 * unchecked (docs/language.md section 4), and a foreign function may return
 * any id. Then a send's target type says nothing about its receiver.
 */
export function machineTypesUnreliable(ir: IrProgram): boolean {
  if (ir.funs.some((f) => f.foreign && mentionsMachine(f.returnType))) return true;
  let found = false;
  const seen = new Set<object>();
  const walk = (x: unknown): void => {
    if (found || x === null || typeof x !== "object" || seen.has(x)) return;
    seen.add(x);
    const o = x as { kind?: unknown; name?: unknown };
    if (o.kind === "machine" && o.name === null) {
      found = true;
      return;
    }
    for (const v of Array.isArray(x) ? x : Object.values(x)) walk(v);
  };
  walk(ir.machines);
  walk(ir.funs);
  walk(ir.events);
  walk(ir.specs);
  return found;
}

function mentionsMachine(t: IrFun["returnType"]): boolean {
  return JSON.stringify(t ?? null).includes('"kind":"machine"');
}

function typeEffects(
  ir: IrProgram,
  machine: IrProgram["machines"][number],
  untyped: boolean,
  runsAs: (type: string) => string,
): TypeEffects {
  const effects: TypeEffects = { sendsTo: new Set(), sendsToAny: false, creates: new Set() };
  for (const body of typeCode(ir, machine)) {
    forEachExpr(
      body,
      (e) => {
        if (e.kind === "new") effects.creates.add(runsAs(e.machine));
      },
      (st) => {
        if (st.kind !== "send") return;
        const t = st.target.type;
        // `this` is typed as the machine's own type; anything but a named machine type may be any machine.
        if (!untyped && t.kind === "machine" && t.name !== null) effects.sendsTo.add(runsAs(t.name));
        else effects.sendsToAny = true;
      },
    );
  }
  return effects;
}

/**
 * The run graph (condition 3): what a machine of one type may do when it
 * runs, by what it runs for. A node is a (type, trigger) pair: taking a
 * message of an event, a timer firing, or the start entry (creation and
 * restart). A node's code is every handler of its trigger in any state of
 * the type, the entries of the states its gotos may enter (transitively),
 * the handlers of the events it raises, every exit of the type, and the
 * functions all of these call; a type with a blocking `receive` runs all of
 * its code for every trigger (a delivery may resume any waiting run).
 * Edges: a send of E to a target typed R (any type when the target is
 * `machine`, or types are unreliable) leads to (R, E), a send of an event
 * value to every (R, E); `new U` to (U, start); `start timer X` to (own
 * type, X). An announce of an event value feeds every monitor, a raise of
 * one runs every handler.
 */
interface RunGraph {
  /** Nodes: type t's first node, then one per event, one per timer of t, then its start. */
  base: number[];
  nodes: number;
  /** By node: its type, and whether it is a start node. */
  type: number[];
  start: boolean[];
  /** By node: the nodes reachable from it (itself included), as a bit set. */
  reach: Uint32Array[];
  /** By node: the nodes reachable from it by one edge or more (run by the receivers of its sends or the machines it creates). */
  after: Uint32Array[];
  /** By receiver type: the nodes whose code may send to it, as a bit set. */
  sendsInto: Uint32Array[];
  /** By asserted spec monitor: the nodes whose code sends or announces an event it observes, as a bit set. */
  feeds: Uint32Array[];
}

function runGraph(ir: IrProgram, test: IrTest, untyped: boolean, runsAs: (type: string) => string): RunGraph {
  const nE = ir.events.length;
  const eventIndex = new Map(ir.events.map((e) => [e.name, e.index]));
  const typeIndex = new Map(ir.machines.map((m) => [m.name, m.index]));
  const base: number[] = [];
  let nodes = 0;
  for (const m of ir.machines) {
    base.push(nodes);
    nodes += nE + m.timers.length + 1;
  }
  const words = (nodes + 31) >>> 5;
  const bits = () => new Uint32Array(words);
  const set = (b: Uint32Array, i: number) => {
    b[i >>> 5]! |= 1 << (i & 31);
  };
  const type: number[] = [];
  const start: boolean[] = [];
  ir.machines.forEach((m, t) => {
    for (let k = 0; k < nE + m.timers.length + 1; k++) {
      type.push(t);
      start.push(k === nE + m.timers.length);
    }
  });
  const monitors = test.asserts
    .filter((a) => a.kind === "spec")
    .map((a) => new Set(ir.specs.find((sp) => sp.name === a.name)?.observes ?? []));
  const out: Set<number>[] = [];
  const sendsInto = ir.machines.map(bits);
  const feeds = monitors.map(bits);
  for (const m of ir.machines) {
    const t = m.index;
    const handlersOf = (event: string): IrStmt[][] =>
      m.states.flatMap((st) => st.handlers.filter((h) => h.event === event).map(handlerCode));
    const timeoutsOf = (timer: string): IrStmt[][] =>
      m.states.flatMap((st) => st.timeouts.filter((h) => h.timer === timer).map(handlerCode));
    const startState = m.states.find((st) => st.name === m.startState);
    const triggers: IrStmt[][][] = [
      ...ir.events.map((e) => handlersOf(e.name)),
      ...m.timers.map(timeoutsOf),
      [startState?.entry?.body ?? []],
    ];
    const everything = m.receives.length > 0 ? typeCode(ir, m) : null;
    triggers.forEach((roots, k) => {
      const node = base[t]! + k;
      const edges = new Set<number>();
      out.push(edges);
      const code = everything ?? runCode(ir, m, roots);
      for (const body of code) {
        forEachExpr(
          body,
          (e) => {
            if (e.kind === "new") {
              const u = typeIndex.get(runsAs(e.machine));
              if (u !== undefined) edges.add(base[u]! + nE + ir.machines[u]!.timers.length);
            }
          },
          (st) => {
            if (st.kind === "startTimer") {
              const x = m.timers.indexOf(st.timer);
              if (x >= 0) edges.add(base[t]! + nE + x);
            }
            if (st.kind !== "send" && st.kind !== "announce") return;
            // An event value (`send m, ev;`: event "") may be any event.
            const ev = eventIndex.get(st.event);
            monitors.forEach((observes, k) => {
              if (ev === undefined || observes.has(st.event)) set(feeds[k]!, node);
            });
            if (st.kind !== "send") return;
            const target = st.target.type;
            const named =
              !untyped && target.kind === "machine" && target.name !== null
                ? typeIndex.get(runsAs(target.name))
                : undefined;
            for (const r of named === undefined ? ir.machines.map((x) => x.index) : [named]) {
              if (ev !== undefined) edges.add(base[r]! + ev);
              else for (let e = 0; e < nE; e++) edges.add(base[r]! + e);
              set(sendsInto[r]!, node);
            }
          },
        );
      }
    });
  }
  const reach = out.map((_, from) => {
    const seen = bits();
    const work = [from];
    while (work.length > 0) {
      const i = work.pop()!;
      if (seen[i >>> 5]! & (1 << (i & 31))) continue;
      set(seen, i);
      for (const j of out[i]!) work.push(j);
    }
    return seen;
  });
  const after = out.map((edges) => {
    const b = bits();
    for (const j of edges) for (let k = 0; k < words; k++) b[k]! |= reach[j]![k]!;
    return b;
  });
  return { base, nodes, type, start, reach, after, sendsInto, feeds };
}

type Handler = IrProgram["machines"][number]["states"][number]["handlers" | "timeouts"][number];
const handlerBodies = new WeakMap<Handler, IrStmt[]>();

/** A handler's code, its goto as a statement (so that following gotos in code follows it too); one array per handler. */
function handlerCode(h: Handler): IrStmt[] {
  let body = handlerBodies.get(h);
  if (body === undefined) {
    body = [...(h.kind === "do" ? h.action.body : (h.with?.body ?? []))];
    if (h.kind === "goto") body.push({ kind: "goto", state: h.target, payload: null, span: h.span });
    handlerBodies.set(h, body);
  }
  return body;
}

/** The code a run from `roots` may execute: see RunGraph. */
function runCode(ir: IrProgram, m: IrProgram["machines"][number], roots: readonly IrStmt[][]): IrStmt[][] {
  const found = new Set<IrStmt[]>();
  const work: IrStmt[][] = [...roots];
  for (const st of m.states) if (st.exit !== null) work.push(st.exit.body);
  while (work.length > 0) {
    const body = work.pop()!;
    if (found.has(body)) continue;
    found.add(body);
    forEachExpr(
      body,
      (e) => {
        if (e.kind !== "call" || e.scope !== "machine") return;
        const fun = m.funs.find((f) => f.name === e.fun);
        if (fun?.body) work.push(fun.body);
      },
      (st) => {
        if (st.kind === "goto") {
          const entry = m.states.find((x) => x.name === st.state)?.entry;
          if (entry) work.push(entry.body);
        } else if (st.kind === "raise") {
          for (const x of m.states)
            for (const h of x.handlers)
              if (h.event === st.event || st.event === "") work.push(handlerCode(h)); // "": an event value
        }
      },
    );
  }
  const bodies = [...found];
  for (const f of calledGlobalFuns(ir, bodies)) if (f.body !== null) bodies.push(f.body);
  return bodies;
}

/** PartialOrder.ignoredOnward for one machine type. */
function ignoredOnward(ir: IrProgram, m: IrProgram["machines"][number]): Uint8Array[] | null {
  if (m.receives.length > 0) return null;
  let halts = false;
  for (const body of typeCode(ir, m))
    forEachExpr(
      body,
      () => {},
      (st) => {
        if (st.kind === "halt") halts = true;
      },
    );
  if (halts) return null;
  const index = new Map(m.states.map((st) => [st.name, st.index]));
  // The states a run from each state may end in: every goto its handlers' and timeouts' code may reach.
  const next = m.states.map((st) => {
    const targets = new Set<number>();
    const roots = [...st.handlers, ...st.timeouts].map(handlerCode);
    for (const body of runCode(ir, m, roots))
      forEachExpr(
        body,
        () => {},
        (x) => {
          if (x.kind === "goto") targets.add(index.get(x.state)!);
        },
      );
    return targets;
  });
  return m.states.map((st) => {
    const seen = new Set<number>();
    const work = [st.index];
    while (work.length > 0) {
      const k = work.pop()!;
      if (seen.has(k)) continue;
      seen.add(k);
      work.push(...next[k]!);
    }
    return Uint8Array.from(ir.events, (e) =>
      [...seen].every((k) => m.states[k]!.ignored.includes(e.name)) ? 1 : 0,
    );
  });
}

/** What the test's asserted invariants (and the top-level functions they call) read. */
function invariantReads(ir: IrProgram, test: IrTest): InvariantReads {
  const machineIndex = new Map(ir.machines.map((m) => [m.name, m]));
  const eventIndex = new Map(ir.events.map((e) => [e.name, e.index]));
  const vars = ir.machines.map(() => new Set<number>());
  const reads: InvariantReads = {
    vars: [],
    states: ir.machines.map(() => false),
    instances: ir.machines.map(() => false),
    events: ir.events.map(() => false),
    network: false,
  };
  const exprs: IrStmt[][] = [];
  for (const a of test.asserts) {
    if (a.kind !== "invariant") continue;
    const inv = ir.invariants.find((i) => i.name === a.name);
    if (inv === undefined) continue;
    // An expression statement stands for the invariant, so statements and expressions share one walk.
    exprs.push([{ kind: "expr", expr: inv.expr, span: inv.span }]);
  }
  for (const f of calledGlobalFuns(ir, exprs)) if (f.body !== null) exprs.push(f.body);
  const everything = () => {
    // Unknown reader: treat every variable, state, instance set and message as read.
    ir.machines.forEach((m, t) => {
      for (let v = 0; v < m.vars.length; v++) vars[t]!.add(v);
      reads.states[t] = true;
      reads.instances[t] = true;
    });
    reads.events.fill(true);
    reads.network = true;
  };
  for (const body of exprs) {
    forEachExpr(body, (e) => {
      switch (e.kind) {
        case "machineVar": {
          const m = machineIndex.get(e.machine);
          const v = m?.vars.findIndex((x) => x.name === e.variable) ?? -1;
          if (m === undefined || v < 0) everything();
          else vars[m.index]!.add(v);
          return;
        }
        case "inState": {
          const m = machineIndex.get(e.machine);
          if (m === undefined) everything();
          else reads.states[m.index] = true;
          return;
        }
        case "quant":
          for (const b of e.binders) {
            if (b.machine === null) continue;
            const m = machineIndex.get(b.machine);
            if (m === undefined) everything();
            else reads.instances[m.index] = true;
          }
          return;
        case "inflight": {
          const ev = eventIndex.get(e.event);
          if (ev === undefined) everything();
          else reads.events[ev] = true;
          reads.network = true;
          return;
        }
        default:
          return;
      }
    });
  }
  reads.vars = vars.map((set) => [...set].sort((a, b) => a - b));
  return reads;
}
