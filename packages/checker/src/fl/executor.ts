// Runs steps of a compiled .fl program: the execution semantics of
// docs/language.md section 12, fault steps included (docs/faults.md, ADR 0004). One Executor per model; it is the `ctx` that
// generated code calls, and it keeps the working copy of the state being built.
//
// A step runs with a forced prefix of `choose` values; every further choose
// takes 0 and records how many options it had, so `successors` can enumerate
// all choice sequences depth-first by re-running the step (see runAll). A
// delivery's or a timer's first run may instead stop at its handler's first
// choose (a fork, context.ts): the handler's rest then runs once per value from
// a copy of the state at the choose (`resume`), without running what came
// before again.
import { errorMessage } from "../errors.js";
import type { Failure, SourceLocation, StepOutcome } from "../model.js";
import { StepInterrupted, stepDeadline } from "../step-deadline.js";
import type { EnabledSteps } from "./enabled-steps.js";
import { type ValueTypes, valueToText } from "./value-view.js";
import type { FaultPlan } from "./fault-plan.js";
import {
  bareMessage,
  channelIndex,
  channelOrder,
  CRASHED,
  compareMessages,
  type FlChannel,
  type FlMachine,
  type FlMessage,
  type FlMonitor,
  type FlState,
  type FlWait,
  HALTED,
  newChannel,
  NO_CHOICES,
  START_RUN,
  TIMER_RUN,
  UP,
  type WaitEntry,
} from "./fl-state.js";
import type {
  ControlTransfer,
  FaultEventKind,
  FaultEventRef,
  FlContext,
  Payload,
  ResumeFn,
  Type,
  Value,
} from "./lang-codegen.js";
import { ForeignValueError, flRuntime, foreignValue, HALT_EVENT, RuntimeFault } from "./lang-codegen.js";
import {
  type ActionFn,
  H_DEFER,
  type HandlerEntry,
  H_GOTO,
  H_IGNORE,
  type OwnerTable,
  type StateTable,
} from "./program-tables.js";

/**
 * The last step generation of any executor in this thread (an object: a
 * module-level `let` is checked for initialisation on each use): generations are
 * never reused, so an executor never takes an object another executor built
 * (a state one model made, handed to another model of the same program) for
 * its own. Decoded objects have generation 0.
 */
const generations = { last: 0 };

/** invoke's function when it resumes a fork (never called). */
const NO_ACTION: ActionFn = () => {
  throw new Error("internal: resumed without a fork");
};

const NONE = 0;
const GOTO = 1;
const RAISE = 2;
const HALT = 3;

/** What goto/raise/halt return (in actions) or throw (in functions). */
const CONTROL: ControlTransfer = Object.freeze({ control: true as const });

/** Thrown by `receive` when the machine must wait: unwinds its run (see Executor.run). */
const BLOCKED = Object.freeze({ blocked: true as const });

// Frames the runtime adds to a blocked machine's FlWait.key (code sites are >= 0):
// what the dispatcher will do once the action it is in returns.
/** Handling an event: [event, payload] (a `goto ... with` passes the payload on). */
const HANDLING = -1;
/** Running the exit of a goto: [target state, payload for its entry]. */
const EXITING = -2;
/** The run's history (a `via` that was not exact): [state, timers, variables at its start, log]. */
const HISTORY = -3;

/**
 * The run of one machine's code in the current step (a delivery, a timer or
 * its start entry), for machine types that can `receive`: the machine as the
 * run found it, and the results of its choose/new/receive calls, replayed
 * while `pos < log.length` (a resumed run) and appended after.
 */
interface RunFrame {
  readonly id: number;
  readonly state: number;
  readonly timers: number;
  readonly vars: readonly Value[];
  readonly log: WaitEntry[];
  pos: number;
  /** A call on the way may hold values no frame shows: the key includes the history (via's `exact`). */
  inexact: boolean;
}

/**
 * A delivery's or a timer's handler stopped at its first choose (ctx.fork): the state
 * being built as it was there, and where to resume. Not changed while its
 * values are resumed: what it holds was built under a generation the resumed
 * runs do not own, so they copy before they write. Given back with
 * Executor.releaseFork when the last value has run, and used again for a
 * later fork (no allocation per state).
 */
export class ForkPoint {
  /** The choose's option count. */
  n = 0;
  resume: ResumeFn = NO_RESUME;
  locals: readonly unknown[] = NO_LOCALS;
  base: FlState | null = null;
  machines: FlMachine[] = [];
  machinesCopied = false;
  monitors: FlMonitor[] = [];
  monitorsCopied = false;
  channels: FlChannel[] = [];
  channelsCopied = false;
  byType: (readonly number[])[] = [];
  byTypeCopied = false;
  budgets: number[] = [];
  budgetsCopied = false;
  cut: readonly number[] | null = null;
  /** The work meter at the choose: operations spent before its slice, what is left of the slice, when the step first refilled it, the last site that ticked. */
  spent = 0;
  left = 0;
  longSince = 0;
  site = -1;
  /** The generation of the run that forked: what it built is put back as the base's is (restoreMachines). */
  gen = 0;
  /** The coverage counters the step had counted before the choose, as (counters, index) pairs: counted again for each further value. */
  readonly counted: (Float64Array | number)[] = [];
  /** The machine, its type's table, the handler that forked and the payload it was given (set by machineHandle, timerHandler). */
  id = -1;
  table: OwnerTable | null = null;
  handler: HandlerEntry | null = null;
  payload: Payload = null;
}

const NO_RESUME: ResumeFn = () => {
  throw new Error("internal: a released fork was resumed");
};
const NO_LOCALS: readonly unknown[] = Object.freeze([]);
/** At most this many released forks are kept for reuse (one per level of nested successors). */
const SPARE_FORKS = 8;

/** What runDeliver and runTimer return when the run forked (Executor.takeFork has the fork). */
export const FORKED: StepOutcome<FlState> = Object.freeze({
  kind: "failure" as const,
  failure: Object.freeze({ kind: "runtime-error" as const, property: "internal", message: "forked" }),
});

/** A failure found while running a step; thrown to unwind the handler, caught by the step runner. */
export class FlFailure {
  constructor(readonly failure: Failure) {}
}

/** A step that cannot be replayed (not enabled, or a choice out of range): bad trace input. */
export class InvalidStepError extends Error {}

/**
 * Operations one step may do before it is called a runaway (docs/language.md,
 * "Limits"): a loop iteration, a function or action run and a state change
 * count one, copying or scanning a collection its size, creating a machine
 * MACHINE_COST.
 */
export const STEP_OPERATIONS = 50_000_000;
/** What creating a machine costs, in operations (a step creates at most STEP_OPERATIONS / MACHINE_COST). */
export const MACHINE_COST = 10_000;
/** The most combinations of choices one step may have (docs/language.md, "Limits"): each is a successor. */
export const MAX_CHOICES = 100_000;
/** How long after the deadline steps that began after it (trace replays) may still run. */
const LATE_STEP_MS = 1_000;
/** Operations between two looks at the budget and the clock. */
const SLICE = 4_096;

const meter = flRuntime.meter;

/** A message sent during a recorded run (for step descriptions). */
export interface SendRecord {
  from: number;
  to: number;
  event: number;
  payload: Payload;
  /** Why the message was lost at send time, or null when it was put in flight. */
  lost: null | "halted" | "crashed" | "partition";
}

/**
 * Coverage counts of one machine or spec type: times each state was entered,
 * and times each handler ran, at `state * width + slot` where slot is the
 * event index, or the number of events plus the timer index for a timeout.
 */
export interface OwnerCounts {
  entered: Float64Array;
  handled: Float64Array;
  width: number;
  /** By receive site: times a machine blocked there. */
  blocked: Float64Array;
  /** By receive site and event (site * events + event): times the receive took that event. */
  received: Float64Array;
}

/** Coverage counters of every machine and asserted spec, by their dispatch tables. */
export type CoverageCounts = Map<OwnerTable, OwnerCounts>;

export interface ExecutorConfig {
  machines: readonly OwnerTable[];
  /** Asserted specs, in state order. */
  monitors: readonly OwnerTable[];
  /** Per event: indexes (into monitors) of the monitors that observe it. */
  observers: readonly (readonly number[])[];
  eventNames: readonly string[];
  /** Per event: the fault it stands for (`observes crash(Node)`, lang's fault-events.ts), if any. */
  eventFaults: readonly (FaultEventRef | undefined)[];
  params: readonly Value[];
  /** Per machine type: may the test create it (`in (...)` of the test). */
  allowed: readonly boolean[];
  /** Per machine type: the type created in its place (a test's `with { A -> B }`); absent = itself. */
  substitute?: readonly number[];
  main: number;
  faults: FaultPlan;
  /** The enabling rule: strict replay accepts only the deliveries and timers it enumerates. */
  enabled: EnabledSteps;
  sites: readonly SourceLocation[];
  /** The type of the value each `ctx.text` site converts (GeneratedCode.textTypes). */
  textTypes: Readonly<Record<number, Type>>;
  /** How `str`/`format`/`print` show event and `any` values (value-view.ts). */
  valueTypes?: ValueTypes;
  toLocation(span: import("@faultline/lang").Span): SourceLocation;
}

export class Executor implements FlContext {
  // ---- FlContext
  this = -1;
  readonly params: readonly Value[];

  // ---- the state being built (copy-on-write against the base)
  /** The current step's generation: it owns (may write) the objects whose `g` is this (see `generations`). */
  private gen = 0;
  machines: FlMachine[] = [];
  private machinesCopied = false;
  monitors: FlMonitor[] = [];
  private monitorsCopied = false;
  channels: FlChannel[] = [];
  private channelsCopied = false;
  /** The base state (null for an initial state): finish gives back it, its machines and channels, or its arrays when left as they were. */
  private base: FlState | null = null;
  byType: (readonly number[])[] = [];
  private byTypeCopied = false;
  budgets: number[] = [];
  private budgetsCopied = false;
  cut: readonly number[] | null = null;

  // ---- control transfer of the action that just ran
  private ctl = NONE;
  private ctlTarget = 0;
  private ctlPayload: Payload = null;

  // ---- choices
  private forced: readonly number[] = [];
  /** The product of the option counts of the current run's chooses (at most MAX_CHOICES). */
  private combinations = 1;
  /** Values and option counts of the chooses made by the current run. */
  values: number[] = [];
  options: number[] = [];
  nChoices = 0;

  /** Operations spent by the current step before the meter's current slice. */
  private spent = 0;
  /** The last code site that ticked (a loop, function or action), where a runaway is reported. */
  private site = -1;
  /** When the current step first refilled the meter (about when it began, for a long one); 0 before. */
  private longSince = 0;
  /** When the current step must give up (stepDeadline()). */
  private deadline = Number.POSITIVE_INFINITY;
  /** Per machine type: the generation whose step owns byType[type] (may push to it). */
  private readonly byTypeGen: number[];
  /** The spec monitor running (for failure attribution), or null. */
  private monitorName: string | null = null;
  /** When set, sends are logged here (describeStep). */
  sends: SendRecord[] | null = null;
  /** When set, what `print` printed is logged here (describeStep); otherwise `print` does nothing. */
  printed: string[] | null = null;
  /** When set, each `choose` logs its site and the value it yielded here (describeStep). */
  chosen: { site: number; value: Value }[] | null = null;
  /** When set, every choose beyond the forced prefix takes its value from here (random exploration). */
  chooser: ((options: number) => number) | null = null;
  /** When set, states entered and handlers run are counted here (coverage). */
  coverage: CoverageCounts | null = null;
  /** With coverage: fault steps that spent each fault's budget, by position in the fault plan. */
  faultsSpent: Float64Array | null = null;

  /** The run being recorded or replayed; null when the running machine's type has no `receive`. */
  private frame: RunFrame | null = null;
  /** The receive site that threw BLOCKED, and where it waits (FlWait.key). */
  private blockedAt = -1;
  private blockedKey: readonly Value[] = [];
  /** The running machine run's `via` frames: code site, then the caller's locals, per call. */
  private calls: Value[] = [];
  /** The last `choose` was replayed: `chose` must not touch the step's log of choices. */
  private choiceReplayed = false;

  /** The machine whose handler may fork now (-1: none; -2: it forked): set by armFork, cleared when the handler returns. */
  private forkMachine = -1;
  /** The fork of the last runDeliver or runTimer that returned FORKED, until takeFork. */
  private forked: ForkPoint | null = null;
  /** While a resumed run runs, the generation of the run that forked (-1 otherwise): its objects are this step's too for finish. */
  private forkGen = -1;

  /** The built-in halt event's index (`send m, halt;`), -1 when the program never sends it. */
  private readonly haltEvent: number;
  /**
   * Per fault kind, per machine type (index 0 for partition and heal): the observed fault
   * events a fault of that kind on that type is, e.g. `crash` and `crash(Node)` for a Node.
   */
  private readonly faultEvents: ReadonlyMap<FaultEventKind, readonly (readonly number[])[]>;

  constructor(private readonly cfg: ExecutorConfig) {
    this.params = cfg.params;
    this.byTypeGen = cfg.machines.map(() => -1);
    this.haltEvent = cfg.eventNames.indexOf(HALT_EVENT);
    const faultEvents = new Map<FaultEventKind, number[][]>();
    cfg.eventFaults.forEach((f, e) => {
      if (f === undefined || cfg.observers[e]!.length === 0) return;
      let byType = faultEvents.get(f.kind);
      if (byType === undefined) faultEvents.set(f.kind, (byType = cfg.machines.map(() => [])));
      cfg.machines.forEach((t, i) => {
        if (f.machine === null || f.machine === t.name) byType[i]!.push(e);
      });
    });
    this.faultEvents = faultEvents;
  }

  /** Arm the work meter for a step (or an invariant): a full budget, this executor's refill. */
  private startMeter(): void {
    this.spent = 0;
    this.longSince = 0;
    this.site = -1;
    this.deadline = stepDeadline();
    meter.left = SLICE;
    meter.refill = this.refill;
  }

  /** Operations the current (or last) step has spent so far. */
  operationsSpent(): number {
    return this.spent + (SLICE - meter.left);
  }

  /** The meter's slice is spent: a runaway past the budget, the deadline passed, or the next slice. */
  private readonly refill = (): void => {
    this.spent += SLICE - meter.left;
    if (this.spent > STEP_OPERATIONS) {
      flRuntime.idleMeter(); // code run before the next step arms it again is not counted
      throw new RuntimeFault(
        this.site,
        `the step does not terminate: it exceeded ${STEP_OPERATIONS.toLocaleString("en-US")} operations (an infinite loop?)`,
      );
    }
    const now = Date.now();
    if (this.longSince === 0) this.longSince = now;
    // A step that was running at the deadline is interrupted. Steps that begin after it (the
    // explorer rebuilding a trace replays steps that all finished during the search) get a
    // second more; the explorer itself stops between steps.
    if (now >= this.deadline && (this.longSince < this.deadline || now >= this.deadline + LATE_STEP_MS)) {
      flRuntime.idleMeter();
      throw new StepInterrupted();
    }
    meter.left = SLICE;
  };

  // ---------------------------------------------------------------- steps

  private begin(base: FlState | null, forced: readonly number[]): void {
    this.startStep(base, forced);
    if (base === null) {
      this.machines = [];
      this.monitors = [];
      this.channels = [];
      this.byType = this.cfg.machines.map(() => []);
      this.budgets = this.cfg.faults.budgets.slice();
      this.cut = null;
      this.machinesCopied = this.monitorsCopied = this.channelsCopied = this.byTypeCopied = true;
      this.budgetsCopied = true;
    } else {
      this.machines = base.machines as FlMachine[];
      this.monitors = base.monitors as FlMonitor[];
      this.channels = base.channels as FlChannel[];
      this.byType = base.byType as (readonly number[])[];
      this.budgets = base.budgets as number[];
      this.cut = base.cut;
      this.machinesCopied = this.monitorsCopied = this.channelsCopied = this.byTypeCopied = false;
      this.budgetsCopied = false;
    }
  }

  /** A new step from `base` (begin; resume, which takes the fork's arrays instead of the base's): a new generation, the meter armed, no choice made. */
  private startStep(base: FlState | null, forced: readonly number[]): void {
    this.gen = ++generations.last;
    this.forkGen = -1;
    this.base = base;
    this.forced = forced;
    this.nChoices = 0;
    this.combinations = 1;
    this.forkMachine = -1;
    this.startMeter();
    this.ctl = NONE;
    this.this = -1;
    this.monitorName = null;
    this.frame = null;
    // A run that blocked may leave frames behind; otherwise reuse the array (no allocation per step).
    if (this.calls.length !== 0) this.calls = [];
  }

  private finish(): FlState {
    const base = this.base;
    if (base !== null) {
      if (this.channelsCopied) this.restoreChannels(base.channels);
      if (this.machinesCopied) this.restoreMachines(base.machines);
      // A step that changed nothing (TwoPhase's self-loops): the state it started from, which the
      // explorer knows without hashing it or looking it up (search/expansion.ts).
      if (
        this.machines === base.machines &&
        this.channels === base.channels &&
        this.monitors === base.monitors &&
        this.byType === base.byType &&
        this.budgets === base.budgets &&
        this.cut === base.cut
      )
        return base;
    }
    return {
      machines: this.machines,
      monitors: this.monitors,
      channels: this.channels,
      byType: this.byType,
      budgets: this.budgets,
      cut: this.cut,
    };
  }

  private outcome(run: () => void): StepOutcome<FlState> {
    try {
      run();
      return { kind: "state", state: this.finish() };
    } catch (e) {
      return this.caught(e);
    }
  }

  /** The outcome of a step that threw `e`: a failure, or `e` again when it is not one. */
  private caught(e: unknown): StepOutcome<FlState> {
    const failure = this.failureOf(e);
    // The state as the step left it when it failed, so a trace can show what the
    // step did up to the failure (sends, assignments, monitor transitions).
    return { kind: "failure", failure, state: this.finish() };
  }

  /** The failure `e` stands for; `e` again when it is not one (an internal error). */
  private failureOf(e: unknown): Failure {
    if (e instanceof FlFailure) return e.failure;
    if (e instanceof ForeignFunctionError) {
      return {
        kind: "runtime-error",
        property: "runtime-error",
        message: e.message,
        location: this.cfg.toLocation(e.span),
      };
    }
    if (e instanceof RuntimeFault) return this.runtimeFailure(e);
    if (e instanceof RangeError) {
      // The deepest function or loop that ticked is where the recursion went, or the value grew.
      const message = /call stack/i.test(e.message)
        ? "stack overflow (unbounded recursion in a function?)"
        : `a value grew too large: ${e.message}`;
      return this.runtimeError(this.site, message).failure;
    }
    throw e;
  }

  runInit(forced: readonly number[]): StepOutcome<FlState> {
    this.begin(null, forced);
    return this.outcome(() => {
      this.startMonitors();
      this.create(this.cfg.main, null, null);
    });
  }

  private startMonitors(): void {
    this.monitors = this.cfg.monitors.map((t) => ({ state: t.start, vars: defaultsOf(t), g: this.gen }));
    if (this.coverage !== null) for (const t of this.cfg.monitors) this.countEntered(t, t.start);
    for (let i = 0; i < this.monitors.length; i++) {
      const t = this.cfg.monitors[i]!;
      const entry = t.states[t.start]!.entry;
      if (entry) this.runMonitorEntry(i, entry);
    }
  }

  /** The monitors alone, started as runInit starts them, with no machine (monitor-runner.ts). */
  runMonitorsOnly(): StepOutcome<FlState> {
    this.begin(null, []);
    return this.outcome(() => this.startMonitors());
  }

  /** One observation of `event` outside any machine, as a send or announce shows it to the monitors (monitor-runner.ts). */
  runObservation(base: FlState, event: number, payload: Payload): StepOutcome<FlState> {
    this.begin(base, []);
    try {
      this.observe(event, payload);
      return { kind: "state", state: this.finish() };
    } catch (e) {
      return this.caught(e);
    }
  }

  runDeliver(
    base: FlState,
    from: number,
    to: number,
    index: number,
    forced: readonly number[],
    strict: boolean,
    mayFork = false,
  ): StepOutcome<FlState> {
    this.begin(base, forced);
    // The hottest path: no closure per step (compare runTimer and the fault steps).
    try {
      const c = this.findChannel(from, to);
      if (c < 0) throw new InvalidStepError(`no message in flight from ${from} to ${to}`);
      const msg = this.channels[c]!.msgs[index];
      if (msg === undefined) throw new InvalidStepError(`no message ${index} from ${from} to ${to}`);
      if (strict) this.checkDeliverable(base, c, index);
      this.takeMessage(c, index);
      // P's halt event: the receiver halts whatever its state handles (no exit runs, as for `halt;`).
      const m = this.ownMachine(to);
      if (msg.event === this.haltEvent) this.haltMachine(to, m);
      // The common case calls the handler directly: nothing to record for a type without receive.
      else if (this.cfg.machines[m.type]!.receives.length === 0) {
        if (mayFork) this.armFork(to);
        this.machineHandle(to, m, msg.event, msg.payload);
        if (this.forkedRun()) return FORKED;
      } else this.deliverTo(to, m, msg.event, msg.payload);
      return { kind: "state", state: this.finish() };
    } catch (e) {
      return this.caught(e);
    }
  }

  /**
   * Lets machine `id`'s handler fork at its first choose in the run that starts
   * (runDeliver, runTimer, for a type without receive), unless something logs
   * what the step does (describeStep) or a chooser draws its values.
   */
  private armFork(id: number): void {
    if (this.chooser !== null || this.chosen !== null || this.sends !== null || this.printed !== null) return;
    this.forkMachine = id;
    this.forked = null;
    if (this.counted.length !== 0) this.counted.length = 0;
  }

  /** The armed run's first handler forked (tookFork): it ends there, and FlModel.runAll resumes it. */
  private forkedRun(): boolean {
    if (this.forked === null || this.forkMachine !== -2) return false;
    this.forkMachine = -1;
    return true;
  }

  /** `mayFork` (runDeliver too): the run may fork, returning FORKED (FlModel.runAll resumes it). */
  runTimer(
    base: FlState,
    id: number,
    timer: number,
    forced: readonly number[],
    mayFork = false,
  ): StepOutcome<FlState> {
    this.begin(base, forced);
    try {
      const before = this.machines[id];
      if (!before || !this.cfg.enabled.isTimerEnabled(base, id, timer)) {
        if (!before || before.status !== UP || (before.timers & (1 << timer)) === 0)
          throw new InvalidStepError(`timer ${timer} of machine ${id} is not armed`);
        // An armed timer waits, like a deferred message, until its machine is in a state that handles it.
        const table = this.cfg.machines[before.type]!;
        throw new InvalidStepError(
          `state ${table.states[before.state]!.name} of machine ${id} does not handle timeout ${table.timers[timer]}`,
        );
      }
      const m = this.ownMachine(id);
      if (mayFork && this.cfg.machines[m.type]!.receives.length === 0) this.armFork(id);
      this.run(id, m, TIMER_RUN - timer, null, null);
      if (this.forkedRun()) return FORKED;
      return { kind: "state", state: this.finish() };
    } catch (e) {
      return this.caught(e);
    }
  }

  // ---------------------------------------------------------------- blocking receive
  //
  // A machine that reaches a `receive` with nothing to take blocks: BLOCKED
  // unwinds its run, and the machine keeps what the run did so far (variables,
  // state, timers: invariants see them) plus an FlWait that says how to go on.
  // While blocked it takes only the receive's events (enabled-steps.ts) and its
  // timers wait. The delivery that unblocks it restores the machine to the
  // start of the run and runs it again: choose/new/receive results come from
  // the log and effects on anything but the machine itself are skipped (they
  // happened in earlier steps), so the code reaches the receive with the same
  // locals, takes the new message and continues as in one run. Code reads only
  // its machine's variables, the payload and params, so the re-run is exact.

  /** A message for machine `id`: its handler, or, when it is blocked in a receive, the rest of its run. */
  private deliverTo(id: number, m: FlMachine, event: number, payload: Payload): void {
    const w = m.wait;
    if (w === null) {
      this.run(id, m, event, payload, null);
      return;
    }
    m.state = w.state;
    m.timers = w.timers;
    m.vars = w.vars.slice();
    m.wait = null;
    this.run(id, m, w.trigger, w.payload, [...w.log, [event, payload]]);
  }

  /**
   * Runs machine `id`'s code for `trigger` (an event, START_RUN or a timer)
   * to completion or to a receive that blocks; `log` replays a blocked run.
   */
  private run(id: number, m: FlMachine, trigger: number, payload: Payload, log: WaitEntry[] | null): void {
    const saved = this.frame;
    if (this.cfg.machines[m.type]!.receives.length === 0) {
      // The hot path: nothing to record. What this run throws ends the step (begin resets the frame).
      if (saved === null) this.dispatch(id, m, trigger, payload);
      else {
        this.frame = null;
        this.dispatch(id, m, trigger, payload);
        this.frame = saved;
      }
      return;
    }
    const savedCalls = this.calls;
    this.calls = [];
    const frame: RunFrame = {
      id,
      state: m.state,
      timers: m.timers,
      vars: m.vars.slice(),
      log: log ?? [],
      pos: 0,
      inexact: false,
    };
    this.frame = frame;
    const savedThis = this.this;
    const savedMonitor = this.monitorName;
    try {
      this.dispatch(id, m, trigger, payload);
    } catch (e) {
      if (e !== BLOCKED) throw e;
      this.this = savedThis;
      this.monitorName = savedMonitor;
      const wait: FlWait = {
        site: this.blockedAt,
        state: frame.state,
        timers: frame.timers,
        vars: frame.vars,
        trigger,
        payload,
        log: frame.log,
        key: this.blockedKey,
      };
      m.wait = wait;
    } finally {
      this.frame = saved;
      this.calls = savedCalls;
    }
  }

  private dispatch(id: number, m: FlMachine, trigger: number, payload: Payload): void {
    if (trigger >= 0) this.machineHandle(id, m, trigger, payload);
    else if (trigger === START_RUN) this.startEntry(id, m, payload);
    else this.timerHandler(id, m, TIMER_RUN - trigger);
  }

  /** Replaying a resumed run: the next choose/new/receive result comes from the log. */
  private replaying(): boolean {
    const f = this.frame;
    return f !== null && f.pos < f.log.length;
  }

  /** The next logged result of the run being replayed. */
  private replayed(): WaitEntry {
    const f = this.frame!;
    return f.log[f.pos++]!;
  }

  /** A choose/new result of a run that may block later: logged for its replay. */
  private logResult(v: number): void {
    const f = this.frame;
    if (f !== null && f.id === this.this) {
      f.log.push(v);
      f.pos++;
    }
  }

  receive(site: number, at: number, frame: readonly Value[]): readonly [number, Payload] {
    if (this.frame === null || this.frame.id !== this.this)
      throw this.runtimeError(at, "internal: receive outside a machine run");
    if (this.replaying()) {
      const got = this.replayed();
      if (typeof got === "number") throw new Error("internal: receive replayed a choose");
      // The last logged result is the message this step delivers: the case runs now.
      if (this.coverage !== null && !this.replaying()) this.countReceive(site, got[0]);
      return got;
    }
    if (this.coverage !== null) this.countReceive(site, -1);
    this.blockedAt = site;
    const key: Value[] = [...this.calls, at, frame as Value];
    const f = this.frame;
    if (f.inexact) key.push(HISTORY, [f.state, f.timers, f.vars as Value, f.log as unknown as Value]);
    this.blockedKey = key;
    throw BLOCKED;
  }

  via<T>(at: number, frame: readonly Value[], call: () => T, exact = true): T {
    const calls = this.calls;
    // The machine's variables as the call starts: the caller's statement may have read some
    // before the call (`total = total + call(i)`) that the callee changes before it waits.
    calls.push(at, frame as Value, this.machines[this.this]!.vars.slice());
    if (!exact && this.frame !== null) this.frame.inexact = true;
    try {
      return call();
    } finally {
      calls.length -= 3;
    }
  }

  /** Timer `timer` of machine `id` fires: its handler runs. */
  private timerHandler(id: number, m: FlMachine, timer: number): void {
    const table = this.cfg.machines[m.type]!;
    const st = table.states[m.state]!;
    const h = st.timeouts[timer]!;
    if (this.forkMachine === id && !h.forks) this.forkMachine = -1;
    if (this.coverage !== null && !this.replaying())
      this.countHandled(table, st.index, this.cfg.eventNames.length + timer);
    m.timers &= ~(1 << timer);
    const saved = this.this;
    this.this = id;
    const ctl = h.fn ? this.invoke(h.fn, m.vars, null) : NONE;
    if (this.forkMachine === id && this.tookFork(id, table, h, null)) {
      this.this = saved;
      return;
    }
    this.settleRun(id, m, table, this.afterHandler(h, ctl, null));
    this.this = saved;
  }

  // ---------------------------------------------------------------- fault steps

  /** Look up message `index` of channel (from, to) in the state being built. */
  private messageAt(from: number, to: number, index: number): { c: number; msg: FlMessage } {
    const c = this.findChannel(from, to);
    if (c < 0) throw new InvalidStepError(`no message in flight from ${from} to ${to}`);
    const msg = this.channels[c]!.msgs[index];
    if (msg === undefined) throw new InvalidStepError(`no message ${index} from ${from} to ${to}`);
    return { c, msg };
  }

  /** The fault of `kind` that acts on `event` with budget left: `f` if given, else the first. */
  private faultFor(candidates: readonly number[], f: number | undefined, what: string): number {
    const pick = f === undefined ? candidates.find((p) => this.budgets[p]! > 0) : f;
    if (pick === undefined || !candidates.includes(pick))
      throw new InvalidStepError(`no ${what} fault applies`);
    return pick;
  }

  /** Packet loss: message `index` of channel (from, to) disappears. */
  runDrop(
    base: FlState,
    from: number,
    to: number,
    index: number,
    f: number | undefined,
  ): StepOutcome<FlState> {
    this.begin(base, []);
    return this.outcome(() => {
      const { c, msg } = this.messageAt(from, to, index);
      this.spendBudget(this.faultFor(this.cfg.faults.drops[msg.event]!, f, "drop"));
      this.takeMessage(c, index);
      this.observeFault("drop", to);
    });
  }

  /** The network delivers message `index` twice: a copy goes right after it. */
  runDuplicate(
    base: FlState,
    from: number,
    to: number,
    index: number,
    f: number | undefined,
  ): StepOutcome<FlState> {
    this.begin(base, []);
    return this.outcome(() => {
      const { c, msg } = this.messageAt(from, to, index);
      this.spendBudget(this.faultFor(this.cfg.faults.duplicates[msg.event]!, f, "duplicate"));
      this.ownMessages(c).splice(index + 1, 0, msg);
      this.observeFault("duplicate", to);
    });
  }

  /**
   * Instance termination: the machine stops, its volatile memory (state,
   * plain variables, timers) is lost at once, its durable variables stay,
   * and the messages in flight to it are lost.
   */
  runCrash(base: FlState, id: number, f: number | undefined): StepOutcome<FlState> {
    this.begin(base, []);
    return this.outcome(() => {
      const before = this.machines[id];
      if (!before || before.status !== UP) throw new InvalidStepError(`machine ${id} is not up`);
      this.spendBudget(this.faultFor(this.cfg.faults.crashes[before.type]!, f, "crash"));
      const m = this.ownMachine(id);
      const table = this.cfg.machines[m.type]!;
      m.status = CRASHED;
      m.state = table.start;
      m.timers = 0;
      m.wait = null;
      for (let i = 0; i < m.vars.length; i++) {
        if (!table.durable[i]) m.vars[i] = defaultValue(table.varTypes[i]!);
      }
      this.loseChannels((ch) => ch.to === id);
      this.observeFault("crash", id);
    });
  }

  /** A crashed machine comes back through its start state's entry, with its constructor payload. */
  runRestart(base: FlState, id: number, forced: readonly number[]): StepOutcome<FlState> {
    this.begin(base, forced);
    return this.outcome(() => {
      const before = this.machines[id];
      if (!before || before.status !== CRASHED) throw new InvalidStepError(`machine ${id} is not crashed`);
      if (!this.cfg.faults.restarts[before.type]) throw new InvalidStepError(`machine ${id} may not restart`);
      const m = this.ownMachine(id);
      m.status = UP;
      this.observeFault("restart", id); // before the entry runs: what it sends comes after
      this.runStartEntry(id, m, this.cfg.machines[m.type]!);
    });
  }

  /**
   * Disrupted connectivity: `side` (the side without machine 0) is cut off
   * from the rest; messages in flight across the cut are lost now, and
   * messages sent across it are lost until it heals.
   */
  runPartition(base: FlState, side: readonly number[]): StepOutcome<FlState> {
    this.begin(base, []);
    return this.outcome(() => {
      if (this.cut !== null) throw new InvalidStepError("the network is already partitioned");
      const n = this.machines.length;
      const ok =
        side.length > 0 &&
        side.every((id, i) => Number.isInteger(id) && id > 0 && id < n && (i === 0 || id > side[i - 1]!));
      if (!ok)
        throw new InvalidStepError(
          `not a side of a partition: [${side.join(", ")}] (sorted ids, 1..${n - 1})`,
        );
      const f = this.cfg.faults.partitions.find((p) => this.budgets[p]! > 0);
      if (f === undefined) throw new InvalidStepError("no partition budget left");
      this.spendBudget(f);
      this.cut = side.slice();
      this.loseChannels((ch) => this.across(ch.from, ch.to));
      this.observeFault("partition", -1);
    });
  }

  runHeal(base: FlState): StepOutcome<FlState> {
    this.begin(base, []);
    return this.outcome(() => {
      if (this.cut === null) throw new InvalidStepError("the network is not partitioned");
      this.cut = null;
      this.observeFault("heal", -1);
    });
  }

  /** Strict replay: the delivery must be enabled (enabled-steps.ts decides; this only says why not). */
  private checkDeliverable(base: FlState, c: number, index: number): void {
    if (this.cfg.enabled.isDeliveryEnabled(base, c, index)) return;
    const ch = base.channels[c]!;
    const m = base.machines[ch.to]!;
    if (m.status !== UP) throw new InvalidStepError(`machine ${ch.to} is not up`);
    const deferred = this.cfg.enabled.deferredIn(m);
    const first = this.cfg.faults.reorder ? index : ch.msgs.findIndex((msg) => !deferred[msg.event]);
    if (first >= 0 && first < index)
      throw new InvalidStepError(`message ${first} of that channel comes first`);
    throw new InvalidStepError(
      m.wait === null
        ? "that message is deferred"
        : "the receiver is blocked in a receive that does not take it",
    );
  }

  // ---------------------------------------------------------------- running code

  /**
   * Runs an action (or, given a fork, the action's rest after its choose, with value `chosen`);
   * returns the control transfer it ended with (NONE, GOTO, RAISE or HALT).
   */
  private invoke(
    fn: ActionFn,
    self: Value[],
    payload: Payload,
    fork: ForkPoint | null = null,
    chosen = 0,
  ): number {
    this.ctl = NONE;
    try {
      if (fork === null) fn(this, self, payload);
      else fork.resume(this, self, chosen, fork.locals);
    } catch (e) {
      if (e !== CONTROL) throw e;
    }
    const c = this.ctl;
    this.ctl = NONE;
    return c;
  }

  /** A machine handles an event (delivered or raised) in its current state, to completion. */
  private machineHandle(id: number, m: FlMachine, event: number, payload: Payload): void {
    const table = this.cfg.machines[m.type]!;
    const saved = this.this;
    this.this = id;
    for (;;) {
      const st = table.states[m.state]!;
      const h = st.on[event];
      if (h === undefined || h.kind === H_DEFER) {
        throw this.failure(
          "unhandled-event",
          "unhandled-event",
          `${this.nameOf(id)} in state ${st.name} cannot handle event ${this.cfg.eventNames[event]}` +
            (h === undefined ? "" : " (raised while deferred)"),
          st.span,
        );
      }
      // A handler without a fork site cannot fork: disarmed before anything is counted for a fork.
      if (this.forkMachine === id && !h.forks) this.forkMachine = -1;
      if (this.coverage !== null && !this.replaying()) this.countHandled(table, st.index, event);
      if (h.kind === H_IGNORE) break;
      const recording = this.frame !== null;
      if (recording) this.calls.push(HANDLING, [event, payload as Value]);
      const ctl = h.fn ? this.invoke(h.fn, m.vars, payload) : NONE;
      if (recording) this.calls.length -= 2;
      // Only the first handler of the delivery may fork.
      if (this.forkMachine === id && this.tookFork(id, table, h, payload)) break;
      if (!this.settleMachine(id, m, table, this.afterHandler(h, ctl, payload))) break;
      event = this.raisedEvent;
      payload = this.raisedPayload;
    }
    this.this = saved;
  }

  private raisedEvent = 0;
  private raisedPayload: Payload = null;

  /**
   * The first handler of a run that may fork has returned: true when it forked
   * (the fork then says which handler, to resume after it), else the run is disarmed.
   */
  private tookFork(id: number, table: OwnerTable, h: HandlerEntry, payload: Payload): boolean {
    const f = this.forked;
    if (f === null) {
      this.forkMachine = -1;
      return false;
    }
    f.id = id;
    f.table = table;
    f.handler = h;
    f.payload = payload;
    this.forkMachine = -2;
    return true;
  }

  /**
   * The control transfer after handler `h` ended with `ctl`: a `goto ... with`
   * whose action did not transfer goes to its target, with the payload.
   */
  private afterHandler(h: HandlerEntry, ctl: number, payload: Payload): number {
    if (h.kind !== H_GOTO || ctl !== NONE) return ctl;
    this.ctlTarget = h.target;
    this.ctlPayload = payload;
    return GOTO;
  }

  /** Settles machine `id` after code that ended with `ctl` (a timer's handler, a start entry, a resumed run); a raised event is handled next. */
  private settleRun(id: number, m: FlMachine, table: OwnerTable, ctl: number): void {
    if (this.settleMachine(id, m, table, ctl))
      this.machineHandle(id, m, this.raisedEvent, this.raisedPayload);
  }

  /** Follow gotos (exit, entry, ...) until the code stops; true when it ends in a raise. */
  private settleMachine(id: number, m: FlMachine, table: OwnerTable, ctl: number): boolean {
    for (;;) {
      switch (ctl) {
        case NONE:
          return false;
        case RAISE:
          this.raisedEvent = this.ctlTarget;
          this.raisedPayload = this.ctlPayload;
          return true;
        case HALT:
          this.haltMachine(id, m);
          return false;
      }
      const target = this.ctlTarget;
      const payload = this.ctlPayload;
      if (--meter.left < 0) meter.refill();
      if (this.frame === null) this.runExit(table.states[m.state]!, m.vars);
      else {
        this.calls.push(EXITING, [target, payload as Value]);
        this.runExit(table.states[m.state]!, m.vars);
        this.calls.length -= 2;
      }
      m.state = target;
      if (this.coverage !== null && !this.replaying()) this.countEntered(table, target);
      const entry = table.states[target]!.entry;
      ctl = entry ? this.invoke(entry, m.vars, payload) : NONE;
    }
  }

  private runExit(st: StateTable, self: Value[]): void {
    if (!st.exit) return;
    if (this.invoke(st.exit, self, null) !== NONE) {
      throw this.failure(
        "runtime-error",
        "runtime-error",
        `exit of state ${st.name} cannot goto, raise or halt`,
        st.exitSpan ?? st.span,
      );
    }
  }

  private haltMachine(id: number, m: FlMachine): void {
    m.status = HALTED;
    m.timers = 0;
    m.wait = null;
    // Messages to a halted machine are dropped, those already in flight included.
    const chs = this.channels;
    let found = false;
    for (let i = 0; i < chs.length; i++) if (chs[i]!.to === id) found = true;
    if (found) {
      this.channels = chs.filter((c) => c.to !== id);
      this.channelsCopied = true;
    }
  }

  /** Create machine `type`, run its start entry with `payload`; returns the id. */
  private create(created: number, payload: Payload, site: number | null): number {
    const type = this.cfg.substitute?.[created] ?? created;
    const table = this.cfg.machines[type]!;
    if (!this.cfg.allowed[type]) {
      throw this.runtimeError(site, `machine ${table.name} is not part of this test`);
    }
    if (!this.machinesCopied) {
      this.machines = this.machines.slice();
      this.machinesCopied = true;
    }
    if (site !== null) this.site = site;
    if ((meter.left -= MACHINE_COST) < 0) meter.refill();
    if (!this.byTypeCopied) {
      this.byType = this.byType.slice();
      this.byTypeCopied = true;
    }
    const id = this.machines.length;
    const ids = this.byType[type]!;
    const k = ids.length;
    const m: FlMachine = {
      type,
      k,
      state: table.start,
      status: UP,
      timers: 0,
      vars: defaultsOf(table),
      payload,
      wait: null,
      g: this.gen,
      eb: null,
      es: 0,
      ee: 0,
      fh: 0,
      fl: 0,
    };
    this.machines.push(m);
    // This step's own list grows in place: creating n machines in one step is O(n), not O(n^2).
    if (this.byTypeGen[type] === this.gen) (ids as number[]).push(id);
    else {
      this.byType[type] = [...ids, id];
      this.byTypeGen[type] = this.gen;
    }
    // A machine created during a partition starts on its creator's side.
    if (this.cut !== null && this.this >= 0 && this.cut.includes(this.this)) this.cut = [...this.cut, id];
    this.runStartEntry(id, m, table);
    return id;
  }

  /** Run the start state's entry with the constructor payload (creation and restart). */
  private runStartEntry(id: number, m: FlMachine, table: OwnerTable): void {
    if (this.coverage !== null) this.countEntered(table, table.start);
    if (!table.states[table.start]!.entry) return;
    this.run(id, m, START_RUN, m.payload, null);
  }

  /** The start entry with the constructor payload (the run's: a decoded machine may not keep m.payload). */
  private startEntry(id: number, m: FlMachine, payload: Payload): void {
    const table = this.cfg.machines[m.type]!;
    const entry = table.states[table.start]!.entry!;
    const saved = this.this;
    const savedMonitor = this.monitorName;
    this.this = id;
    this.monitorName = null;
    this.settleRun(id, m, table, this.invoke(entry, m.vars, payload));
    this.this = saved;
    this.monitorName = savedMonitor;
  }

  // ---------------------------------------------------------------- monitors

  // Called on every observation, even one the monitor ignores: partial-order.ts
  // treats "monitors array unchanged" as "no monitor observed the step".
  private ownMonitor(i: number): FlMonitor {
    let m = this.monitors[i]!;
    if (m.g === this.gen) return m;
    if (!this.monitorsCopied) {
      this.monitors = this.monitors.slice();
      this.monitorsCopied = true;
    }
    m = { state: m.state, vars: m.vars.slice(), g: this.gen };
    this.monitors[i] = m;
    return m;
  }

  /**
   * A fault happened: the spec monitors that observe it as an event see it now, with the
   * machine it concerns as payload (`machine`; -1 for partition and heal, no payload).
   */
  private observeFault(kind: FaultEventKind, machine: number): void {
    const byType = this.faultEvents.get(kind);
    if (byType === undefined) return;
    const events = byType[machine < 0 ? 0 : this.machines[machine]!.type]!;
    for (let j = 0; j < events.length; j++) this.observe(events[j]!, machine < 0 ? null : machine);
  }

  private observe(event: number, payload: Payload): void {
    const obs = this.cfg.observers[event]!;
    for (let j = 0; j < obs.length; j++) this.monitorHandle(obs[j]!, event, payload);
  }

  private monitorHandle(i: number, event: number, payload: Payload): void {
    const table = this.cfg.monitors[i]!;
    const mon = this.ownMonitor(i);
    const savedThis = this.this;
    const savedName = this.monitorName;
    this.this = -1;
    this.monitorName = table.name;
    for (;;) {
      const st = table.states[mon.state]!;
      const h = st.on[event];
      if (h === undefined || h.kind === H_DEFER) {
        throw this.failure(
          "unhandled-event",
          "unhandled-event",
          `spec ${table.name} in state ${st.name} cannot handle event ${this.cfg.eventNames[event]}`,
          st.span,
        );
      }
      if (this.coverage !== null) this.countHandled(table, st.index, event);
      if (h.kind === H_IGNORE) break;
      const ctl = h.fn ? this.invoke(h.fn, mon.vars, payload) : NONE;
      if (!this.settleMonitor(table, mon, this.afterHandler(h, ctl, payload))) break;
      event = this.raisedEvent;
      payload = this.raisedPayload;
    }
    this.this = savedThis;
    this.monitorName = savedName;
  }

  /** A monitor's start entry (at init). */
  private runMonitorEntry(i: number, fn: ActionFn): void {
    const table = this.cfg.monitors[i]!;
    const mon = this.ownMonitor(i);
    this.monitorName = table.name;
    const raised = this.settleMonitor(table, mon, this.invoke(fn, mon.vars, null));
    this.monitorName = null;
    if (raised) this.monitorHandle(i, this.raisedEvent, this.raisedPayload);
  }

  private settleMonitor(table: OwnerTable, mon: FlMonitor, ctl: number): boolean {
    for (;;) {
      switch (ctl) {
        case NONE:
          return false;
        case RAISE:
          this.raisedEvent = this.ctlTarget;
          this.raisedPayload = this.ctlPayload;
          return true;
        case HALT:
          throw this.failure("runtime-error", "runtime-error", `spec ${table.name} cannot halt`, table.span);
      }
      const target = this.ctlTarget;
      const payload = this.ctlPayload;
      if (--meter.left < 0) meter.refill();
      this.runExit(table.states[mon.state]!, mon.vars);
      mon.state = target;
      if (this.coverage !== null) this.countEntered(table, target);
      const entry = table.states[target]!.entry;
      ctl = entry ? this.invoke(entry, mon.vars, payload) : NONE;
    }
  }

  // ---------------------------------------------------------------- copy-on-write

  private ownMachine(id: number): FlMachine {
    let m = this.machines[id]!;
    if (m.g === this.gen) return m;
    if (!this.machinesCopied) {
      this.machines = this.machines.slice();
      this.machinesCopied = true;
    }
    m = {
      type: m.type,
      k: m.k,
      state: m.state,
      status: m.status,
      timers: m.timers,
      vars: m.vars.slice(),
      payload: m.payload,
      wait: m.wait,
      g: this.gen,
      eb: null,
      es: 0,
      ee: 0,
      fh: 0,
      fl: 0,
    };
    this.machines[id] = m;
    return m;
  }

  /** Index of channel (from, to) in this.channels, or -(insertion point) - 1. */
  private findChannel(from: number, to: number): number {
    return channelIndex(this.channels, from, to);
  }

  private ownChannels(): FlChannel[] {
    if (!this.channelsCopied) {
      this.channels = this.channels.slice();
      this.channelsCopied = true;
    }
    return this.channels;
  }

  private takeMessage(c: number, index: number): void {
    const chs = this.ownChannels();
    const ch = chs[c]!;
    if (ch.msgs.length === 1) {
      removeAt(chs, c);
      return;
    }
    if (ch.g === this.gen) {
      removeAt(ch.msgs, index);
      return;
    }
    const msgs = index === 0 ? ch.msgs.slice(1) : ch.msgs.filter((_, i) => i !== index);
    chs[c] = newChannel(ch.from, ch.to, msgs, this.gen);
  }

  private enqueue(from: number, to: number, event: number, payload: Payload): void {
    const c = this.findChannel(from, to);
    // Messages are immutable: one shared object per event without payload.
    const msg: FlMessage = payload === null ? bareMessage(event) : { event, payload };
    if (c < 0) {
      // The base's channel when it held just this message (a message taken and sent again, as
      // TwoPhase's Step or a timer-like self-send): shared, not built and compared in finish.
      const shared = this.baseChannelOf(from, to, msg);
      if (shared !== null && this.channels.length === 0 && this.base!.channels.length === 1) {
        // The base's whole list again when that was its only channel (TwoPhase's Step): nothing
        // to build, nor for finish to compare.
        this.channels = this.base!.channels as FlChannel[];
        this.channelsCopied = false;
        return;
      }
      const ch = shared ?? newChannel(from, to, [msg], this.gen);
      if (this.channels.length !== 0) insertAt(this.ownChannels(), -c - 1, ch);
      else {
        // A new list: an empty one is never written in place (it may be a fork's, which resume
        // shares; and a first element would grow it to 17 slots).
        this.channels = [ch];
        this.channelsCopied = true;
      }
      return;
    }
    const msgs = this.ownMessages(c);
    if (this.cfg.faults.reorder) {
      // Unordered network: a channel is a bag, kept sorted so equal bags encode equal.
      let i = msgs.length;
      while (i > 0 && compareMessages(msgs[i - 1]!, msg) > 0) i--;
      insertAt(msgs, i, msg);
    } else {
      msgs.push(msg);
    }
  }

  /** The base's channel (from, to) when its only message is `msg` (by identity), else null. */
  private baseChannelOf(from: number, to: number, msg: FlMessage): FlChannel | null {
    const base = this.base;
    if (base === null) return null;
    const c = channelIndex(base.channels, from, to);
    if (c < 0) return null;
    const ch = base.channels[c]!;
    return ch.msgs.length === 1 && ch.msgs[0] === msg ? ch : null;
  }

  /**
   * Puts back the base's channel object for each channel the step rebuilt
   * with the same messages (a machine that takes a message and sends the same
   * one again, as a timer-like self-send does): the successor then shares it,
   * with its cached bytes and hash, and the fingerprint does not hash it again.
   * Both arrays are sorted by (from, to); messages are compared by identity
   * (one shared object per event without payload).
   */
  private restoreChannels(base: readonly FlChannel[]): void {
    const chs = this.channels;
    const gen = this.gen;
    const forkGen = this.forkGen;
    let j = 0;
    let same = chs.length === base.length;
    for (let i = 0; i < chs.length; i++) {
      const ch = chs[i]!;
      if (ch.g === gen || ch.g === forkGen) {
        while (j < base.length && channelOrder(base[j]!, ch.from, ch.to) < 0) j++;
        const old = base[j];
        if (old !== undefined && channelOrder(old, ch.from, ch.to) === 0 && sameMessages(old.msgs, ch.msgs)) {
          chs[i] = old;
        }
      }
      if (same && chs[i] !== base[i]) same = false;
    }
    if (same) this.channels = base as FlChannel[];
  }

  /**
   * Puts back the base's machine object for each machine the step copied but
   * left as it was (a delivery its handler ignores, a write of the value that
   * was there), and the base's array when no machine changed: the successor
   * shares them with their cached bytes and hash. Variables are compared by
   * identity (values are immutable, and the runtime's updates give the same
   * value back when they write what is there: seqSet).
   */
  private restoreMachines(base: readonly FlMachine[]): void {
    const ms = this.machines;
    const gen = this.gen;
    const n = Math.min(ms.length, base.length);
    let same = ms.length === base.length;
    for (let i = 0; i < n; i++) {
      const m = ms[i]!;
      const b = base[i]!;
      if (m !== b && (m.g === gen || m.g === this.forkGen) && sameMachine(m, b)) ms[i] = b;
      if (same && ms[i] !== b) same = false;
    }
    if (same) this.machines = base as FlMachine[];
  }

  /** The messages of channel c, owned by this step (copied first if shared). */
  private ownMessages(c: number): FlMessage[] {
    const chs = this.ownChannels();
    const ch = chs[c]!;
    if (ch.g === this.gen) return ch.msgs;
    const copy = newChannel(ch.from, ch.to, ch.msgs.slice(), this.gen);
    chs[c] = copy;
    return copy.msgs;
  }

  /** Remove the channels for which `lost` says so (crash, partition). */
  private loseChannels(lost: (ch: FlChannel) => boolean): void {
    if (!this.channels.some(lost)) return;
    this.channels = this.channels.filter((ch) => !lost(ch));
    this.channelsCopied = true;
  }

  private ownBudgets(): number[] {
    if (!this.budgetsCopied) {
      this.budgets = this.budgets.slice();
      this.budgetsCopied = true;
    }
    return this.budgets;
  }

  /** Spend one unit of fault `f`'s budget. */
  private spendBudget(f: number): void {
    if (!(this.budgets[f]! > 0)) throw new InvalidStepError(`fault ${f} has no budget left`);
    this.ownBudgets()[f]!--;
    if (this.faultsSpent !== null) this.faultsSpent[f]!++;
  }

  /** True when the partition separates machines a and b. */
  private across(a: number, b: number): boolean {
    const cut = this.cut;
    return cut !== null && cut.includes(a) !== cut.includes(b);
  }

  // ---------------------------------------------------------------- coverage

  private countEntered(table: OwnerTable, state: number): void {
    const counts = this.coverage!.get(table);
    if (counts !== undefined) this.count(counts.entered, state);
  }

  /** A machine of the running type blocked at receive `site` (event -1), or the receive took `event`. */
  private countReceive(site: number, event: number): void {
    const counts = this.coverage!.get(this.cfg.machines[this.machines[this.this]!.type]!);
    if (counts === undefined) return;
    if (event < 0) this.count(counts.blocked, site);
    else this.count(counts.received, site * this.cfg.eventNames.length + event);
  }

  private countHandled(table: OwnerTable, state: number, slot: number): void {
    const counts = this.coverage!.get(table);
    if (counts !== undefined) this.count(counts.handled, state * counts.width + slot);
  }

  /** One more of coverage counter `at`; before a run may fork, also noted for each resumed value (ForkPoint.counted). */
  private count(counters: Float64Array, at: number): void {
    counters[at]!++;
    if (this.forkMachine >= 0) this.counted.push(counters, at);
  }

  /** The coverage counters the running step has counted so far, while it may fork: (counters, index) pairs. */
  private readonly counted: (Float64Array | number)[] = [];

  // ---------------------------------------------------------------- failures

  private failure(
    kind: Failure["kind"],
    property: string,
    message: string,
    span: import("@faultline/lang").Span | null,
  ): FlFailure {
    const f: Failure = { kind, property, message };
    if (span) f.location = this.cfg.toLocation(span);
    return new FlFailure(f);
  }

  /** A runtime-error failure, attributed to the running machine or monitor. */
  private runtimeError(site: number | null, message: string): FlFailure {
    const who =
      this.this >= 0 ? `${this.nameOf(this.this)}: ` : this.monitorName ? `spec ${this.monitorName}: ` : "";
    const f: Failure = { kind: "runtime-error", property: "runtime-error", message: who + message };
    const loc = site === null ? undefined : this.cfg.sites[site];
    if (loc) f.location = loc;
    return new FlFailure(f);
  }

  private runtimeFailure(e: RuntimeFault): Failure {
    return this.runtimeError(e.site, e.message).failure;
  }

  nameOf(id: number): string {
    const m = this.machines[id];
    return m ? `${this.cfg.machines[m.type]!.name}(${m.k})` : `#${id}`;
  }

  // ---------------------------------------------------------------- FlContext

  send(target: number, event: number, payload: Payload, site: number): void {
    if (this.this < 0) throw this.runtimeError(site, "send outside a machine");
    if (this.frame !== null && this.replaying()) return;
    const recv = this.machines[target];
    if (recv === undefined)
      throw this.runtimeError(site, `send of ${this.cfg.eventNames[event]} to a null machine reference`);
    if (this.cfg.observers[event]!.length > 0) this.observe(event, payload);
    const lost =
      recv.status === HALTED
        ? "halted"
        : recv.status === CRASHED
          ? "crashed"
          : this.across(this.this, target)
            ? "partition"
            : null;
    if (this.sends) this.sends.push({ from: this.this, to: target, event, payload, lost });
    if (lost === null) this.enqueue(this.this, target, event, payload);
  }

  text(value: Value, site: number): string {
    const type = this.cfg.textTypes[site];
    if (type === undefined)
      throw this.runtimeError(site, "internal: no type recorded for this text conversion");
    return valueToText(value, type, this.refName, this.cfg.valueTypes);
  }

  private readonly refName = (id: number): string | null => (id < 0 ? null : this.nameOf(id));

  print(text: string): void {
    if (this.printed && !this.replaying()) this.printed.push(text);
  }

  announce(event: number, payload: Payload): void {
    if (this.cfg.observers[event]!.length > 0 && !this.replaying()) this.observe(event, payload);
  }

  raise(event: number, payload: Payload): ControlTransfer {
    this.ctl = RAISE;
    this.ctlTarget = event;
    this.ctlPayload = payload;
    return CONTROL;
  }

  goto(state: number, payload: Payload): ControlTransfer {
    this.ctl = GOTO;
    this.ctlTarget = state;
    this.ctlPayload = payload;
    return CONTROL;
  }

  halt(): ControlTransfer {
    this.ctl = HALT;
    return CONTROL;
  }

  newMachine(machine: number, payload: Payload, site: number): number {
    if (this.frame === null) return this.create(machine, payload, site);
    if (this.replaying()) return this.replayed() as number;
    const id = this.create(machine, payload, site);
    this.logResult(id);
    return id;
  }

  fork<Self>(n: number, site: number, resume: ResumeFn<Self>, locals: readonly unknown[]): number {
    if (this.this !== this.forkMachine || this.nChoices !== 0 || !(n > 0) || n > MAX_CHOICES) {
      return this.choose(n, site);
    }
    const f = this.spareForks.pop() ?? new ForkPoint();
    f.n = n;
    // Self is the running machine's variables, which resume is given.
    f.resume = resume as unknown as ResumeFn;
    f.locals = locals;
    f.base = this.base;
    f.machines = this.machines;
    f.machinesCopied = this.machinesCopied;
    f.monitors = this.monitors;
    f.monitorsCopied = this.monitorsCopied;
    f.channels = this.channels;
    f.channelsCopied = this.channelsCopied;
    f.byType = this.byType;
    f.byTypeCopied = this.byTypeCopied;
    f.budgets = this.budgets;
    f.budgetsCopied = this.budgetsCopied;
    f.cut = this.cut;
    f.spent = this.spent;
    f.left = meter.left;
    f.longSince = this.longSince;
    f.site = this.site;
    f.gen = this.gen;
    // The counters counted so far move to the fork; the next run that may fork starts an empty list.
    const counted = this.counted;
    if (counted.length !== 0) {
      for (let i = 0; i < counted.length; i++) f.counted.push(counted[i]!);
      counted.length = 0;
    }
    f.id = -1;
    f.table = null;
    this.forked = f;
    return -1;
  }

  /** Forks given back (releaseFork), for the next ones. */
  private readonly spareForks: ForkPoint[] = [];

  /** `f`'s last value has run: it lets go of the state it held and is used again. */
  releaseFork(f: ForkPoint): void {
    f.resume = NO_RESUME;
    f.locals = NO_LOCALS;
    f.base = null;
    // One empty array for all three: nothing writes to a released fork's arrays.
    f.machines = f.monitors = f.channels = [];
    f.byType = [];
    f.budgets = [];
    f.cut = null;
    f.counted.length = 0;
    f.table = null;
    f.handler = null;
    f.payload = null;
    if (this.spareForks.length < SPARE_FORKS) this.spareForks.push(f);
  }

  /** The fork of the runDeliver or runTimer that just returned FORKED. */
  takeFork(): ForkPoint {
    const f = this.forked;
    if (f === null || f.table === null) throw new Error("internal: no fork to resume");
    this.forked = null;
    return f;
  }

  /**
   * The delivery that forked at `f`, run on from its choose with value
   * `chosen`: the outcome its run with that first choice (and 0 for any
   * further choose) would have had.
   */
  resume(f: ForkPoint, chosen: number): StepOutcome<FlState> {
    // A new generation: what the run built up to the choose is shared, copied before written.
    this.startStep(f.base!, NO_CHOICES);
    this.machines = f.machinesCopied ? f.machines.slice() : f.machines;
    this.machinesCopied = f.machinesCopied;
    this.monitors = f.monitorsCopied ? f.monitors.slice() : f.monitors;
    this.monitorsCopied = f.monitorsCopied;
    // An empty list is shared: no step writes one in place (enqueue).
    this.channels = f.channelsCopied && f.channels.length !== 0 ? f.channels.slice() : f.channels;
    this.channelsCopied = f.channelsCopied;
    this.byType = f.byTypeCopied ? f.byType.slice() : f.byType;
    this.byTypeCopied = f.byTypeCopied;
    this.budgets = f.budgetsCopied ? f.budgets.slice() : f.budgets;
    this.budgetsCopied = f.budgetsCopied;
    this.cut = f.cut;
    // The meter goes on from where the run was at the choose, as when each value runs from the start.
    this.spent = f.spent;
    meter.left = f.left;
    this.longSince = f.longSince;
    this.site = f.site;
    this.forkGen = f.gen;
    this.values[0] = chosen;
    this.options[0] = f.n;
    this.nChoices = 1;
    this.combinations = f.n;
    try {
      const id = f.id;
      const table = f.table!;
      const m = this.ownMachine(id);
      // Coverage counts what the run did before the choose once per value, as when each value ran
      // the handler from its start.
      if (chosen > 0) {
        const counted = f.counted;
        for (let i = 0; i < counted.length; i += 2) (counted[i] as Float64Array)[counted[i + 1] as number]!++;
      }
      this.this = id;
      const ctl = this.invoke(NO_ACTION, m.vars, f.payload, f, chosen);
      this.settleRun(id, m, table, this.afterHandler(f.handler!, ctl, f.payload));
      this.this = -1;
      return { kind: "state", state: this.finish() };
    } catch (e) {
      return this.caught(e);
    }
  }

  choose(n: number, site: number): number {
    if (!(n > 0)) throw this.runtimeError(site, `choose(${n}): nothing to choose from`);
    if (this.frame !== null && this.replaying()) {
      this.choiceReplayed = true;
      return this.replayed() as number;
    }
    this.choiceReplayed = false;
    // Each combination of the step's choices is a successor: their product is bounded, not each one.
    const combinations = this.combinations * n;
    if (combinations > MAX_CHOICES) {
      const limit = MAX_CHOICES.toLocaleString("en-US");
      throw this.runtimeError(
        site,
        n > MAX_CHOICES
          ? `choose over ${n} alternatives: more than the limit of ${limit} (choose from a smaller range or collection)`
          : `choose over ${n} alternatives: with the step's earlier chooses, more than the limit of ${limit} combinations in one step`,
      );
    }
    this.combinations = combinations;
    const pos = this.nChoices++;
    let v = 0;
    if (pos < this.forced.length) {
      v = this.forced[pos]!;
      if (!(v >= 0 && v < n && Number.isInteger(v))) {
        throw new InvalidStepError(`choice ${pos} is ${v}, but only 0..${n - 1} are possible`);
      }
    } else if (this.chooser !== null) {
      v = this.chooser(n);
      if (!(v >= 0 && v < n && Number.isInteger(v))) throw new Error(`chooser gave ${v} for ${n} options`);
    }
    this.values[pos] = v;
    this.options[pos] = n;
    this.chosen?.push({ site, value: v });
    if (this.frame !== null) this.logResult(v);
    return v;
  }

  /** The element `choose(coll)` took (the runtime's chooseIn): it replaces the index just logged. */
  chose(value: Value): void {
    if (this.choiceReplayed) return;
    const last = this.chosen?.[this.chosen.length - 1];
    if (last !== undefined) last.value = value;
  }

  chooseBool(site: number): boolean {
    return flRuntime.chosenBool(this, this.choose(2, site));
  }

  assertFailed(site: number, message: string | null): never {
    const loc = this.cfg.sites[site];
    const text = message ?? "assertion failed";
    const f: Failure = this.monitorName
      ? { kind: "spec-assertion", property: this.monitorName, message: `spec ${this.monitorName}: ${text}` }
      : {
          kind: "assertion",
          property: "assertion",
          message: `${this.this >= 0 ? `${this.nameOf(this.this)}: ` : ""}${text}`,
        };
    if (loc) f.location = loc;
    throw new FlFailure(f);
  }

  startTimer(timer: number): void {
    const m = this.ownMachine(this.this);
    m.timers |= 1 << timer;
  }

  cancelTimer(timer: number): void {
    const m = this.ownMachine(this.this);
    m.timers &= ~(1 << timer);
  }

  tick(site: number): void {
    this.site = site;
    if (--meter.left < 0) meter.refill();
  }

  /** Point the queries at a state (for invariants). */
  view(s: FlState): void {
    this.startMeter();
    this.machines = s.machines as FlMachine[];
    this.channels = s.channels as FlChannel[];
    this.byType = s.byType as (readonly number[])[];
    this.monitors = s.monitors as FlMonitor[];
    this.cut = s.cut;
    this.this = -1;
    this.monitorName = null;
  }

  instances(machine: number): readonly number[] {
    return this.byType[machine]!;
  }

  machineVar(ref: number, machine: number, variable: number, site: number): Value {
    const m = this.machines[ref];
    if (m === undefined || m.type !== machine) {
      throw new RuntimeFault(
        site,
        `reading ${this.cfg.machines[machine]!.varNames[variable]} of a null machine reference`,
      );
    }
    return m.vars[variable]!;
  }

  inState(ref: number, machine: number, state: number, site: number): boolean {
    const m = this.machines[ref];
    if (m === undefined) throw new RuntimeFault(site, "state test on a null machine reference");
    // A crashed instance is in no state until it restarts.
    return m.type === machine && m.state === state && m.status !== CRASHED;
  }

  inflight(event: number, target?: number): number {
    let n = 0;
    const chs = this.channels;
    for (let i = 0; i < chs.length; i++) {
      const ch = chs[i]!;
      if (target !== undefined && ch.to !== target) continue;
      for (let j = 0; j < ch.msgs.length; j++) if (ch.msgs[j]!.event === event) n++;
    }
    return n;
  }
}

function defaultsOf(t: OwnerTable): Value[] {
  return t.varTypes.map(defaultValue);
}

export function defaultValue(t: import("@faultline/lang").Type): Value {
  switch (t.kind) {
    case "int":
    case "enum":
      return 0;
    case "bool":
      return false;
    case "string":
      return "";
    case "machine":
    case "event":
      return -1;
    case "any":
      return flRuntime.NULL_ANY;
    case "tuple":
      return t.elems.map(defaultValue);
    case "namedTuple":
      return t.fields.map((f) => defaultValue(f.type));
    default:
      return [];
  }
}

/**
 * An exception from a user's foreign function: the model's fault (a runtime
 * error with the declaration's location), not Faultline's.
 */
export class ForeignFunctionError extends Error {
  constructor(
    readonly fun: string,
    readonly span: import("@faultline/lang").Span,
    readonly reason: string,
    /** What the function did: threw, or returned a value that is not of its declared type. */
    readonly what: "threw" | "returned a bad value" = "threw",
  ) {
    super(
      what === "threw" ? `foreign function ${fun} threw: ${reason}` : `foreign function ${fun} ${reason}`,
    );
  }
}

/**
 * Wraps each foreign implementation so that what it throws, and a result that
 * is not a value of its declared return type (foreign-values.ts), becomes a
 * ForeignFunctionError. The meter's own exceptions (a runaway, the deadline:
 * instrumented foreign code spends from it) pass through as they are.
 */
export function guardForeignFunctions(
  funs: readonly {
    name: string;
    foreign: boolean;
    span: import("@faultline/lang").Span;
    returnType: Type;
  }[],
  impl: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const guarded: Record<string, unknown> = { ...impl };
  for (const f of funs) {
    const fn = impl[f.name];
    if (!f.foreign || typeof fn !== "function") continue;
    const returnType = f.returnType;
    guarded[f.name] = (...args: unknown[]) => {
      let result: unknown;
      try {
        result = (fn as (...a: unknown[]) => unknown)(...args);
      } catch (e) {
        if (e instanceof StepInterrupted) throw e;
        const reason = e instanceof RuntimeFault ? e.message : errorMessage(e);
        throw new ForeignFunctionError(f.name, f.span, reason);
      }
      try {
        return foreignValue(result, returnType);
      } catch (e) {
        if (!(e instanceof ForeignValueError)) throw e;
        throw new ForeignFunctionError(f.name, f.span, e.message, "returned a bad value");
      }
    };
  }
  return guarded;
}

/**
 * The odometer over a step's choices, depth first: the prefix of the next
 * combination after the last run's, given `forced`, the prefix that run was
 * given (advanced in place; null for none yet: a new array, of its exact
 * size, since a V8 array that grows by push gets room for 17), or null after
 * the last. `values` and `options` are the last run's `n` choices
 * (Executor.values/options), each value below its option count.
 */
export function nextChoices(
  forced: number[] | null,
  values: readonly number[],
  options: readonly number[],
  n: number,
): number[] | null {
  let j = n - 1;
  while (j >= 0 && values[j]! + 1 >= options[j]!) j--;
  if (j < 0) return null;
  if (forced === null) forced = values.slice(0, j + 1);
  // Positions before the last run's prefix end already hold its values.
  while (forced.length > j + 1) forced.pop();
  while (forced.length < j + 1) forced.push(values[forced.length]!);
  forced[j] = values[j]! + 1;
  return forced;
}

/**
 * The step records of a single choose with a small value, shared and frozen as NO_CHOICES is: a
 * resumed fork (TwoPhase's Step) emits one per successor, and the search drops almost all of them.
 */
const ONE_CHOICE: readonly number[][] = Array.from({ length: 64 }, (_, v) => Object.freeze([v]) as number[]);

/** The first n choices for a step record (never written): NO_CHOICES for none, ONE_CHOICE for one small value, else a copy. */
export function choicesMade(values: readonly number[], n: number): number[] {
  if (n === 0) return NO_CHOICES;
  if (n === 1) {
    const v = values[0]!;
    return v < ONE_CHOICE.length ? ONE_CHOICE[v]! : [v];
  }
  if (n === 2) return [values[0]!, values[1]!];
  return values.slice(0, n);
}

function sameMessages(a: readonly FlMessage[], b: readonly FlMessage[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether machine `m` (a step's copy) equals `b` field for field, variables by identity. */
function sameMachine(m: FlMachine, b: FlMachine): boolean {
  if (m.state !== b.state || m.status !== b.status || m.timers !== b.timers) return false;
  if (m.payload !== b.payload || m.wait !== b.wait || m.type !== b.type) return false;
  const mv = m.vars;
  const bv = b.vars;
  if (mv.length !== bv.length) return false;
  for (let i = 0; i < mv.length; i++) if (mv[i] !== bv[i]) return false;
  return true;
}

// Array.prototype.splice is a call into the runtime; the hot path moves elements itself.
function removeAt<T>(xs: T[], at: number): void {
  const n = xs.length - 1;
  for (let i = at; i < n; i++) xs[i] = xs[i + 1]!;
  xs.pop(); // setting length is a runtime call too
}

function insertAt<T>(xs: T[], at: number, x: T): void {
  for (let i = xs.length; i > at; i--) xs[i] = xs[i - 1]!;
  xs[at] = x;
}
