// A typed .fl program (IR) and one of its tests, as a checkable Model.
import type { IrFault, IrProgram, IrTest, Span } from "@faultline/lang";
import { coverageTotals } from "../coverage.js";
import type {
  CoverageReport,
  Emit,
  Failure,
  HandlerCoverage,
  Invariant,
  Json,
  Model,
  OwnerCoverage,
  SourceLocation,
  StateCoverage,
  StateView,
  StepLabel,
  StepOutcome,
} from "../model.js";
import { StateCodec } from "./codec.js";
import {
  type CoverageCounts,
  compareMessages,
  defaultValue,
  Executor,
  guardForeignFunctions,
  InvalidStepError,
  type SendRecord,
} from "./executor.js";
import { buildFaultPlan, type FaultPlan } from "./fault-plan.js";
import {
  CRASHED,
  type FlMachine,
  type FlMessage,
  type FlState,
  type FlStep,
  HALTED,
  UP,
} from "./fl-state.js";
import {
  type CompiledModel,
  compileModel,
  type FlContext,
  flRuntime,
  invariantFunctionName,
  RUNTIME_MODULE,
  RuntimeFault,
  type Value,
} from "./lang-codegen.js";
import { loadForeignImplementation } from "./foreign-loader.js";
import { loadCommonJs } from "./load-module.js";
import { buildOwnerTable, H_DEFER, H_GOTO, H_IGNORE, type OwnerTable } from "./program-tables.js";
import { messageText, type RefNamer, valueToItf, valueToJson } from "./value-view.js";
import { createSymmetry, type Symmetry } from "./symmetry.js";
import { PartialOrder } from "./partial-order.js";

export interface BuildModelOptions {
  /** Values for the program's params, overriding the test's. */
  paramOverrides?: Record<string, number | boolean | string>;
  /**
   * Implementations of the program's foreign functions, by name (see
   * loadForeignImplementation). Required when the program declares any.
   */
  foreign?: Readonly<Record<string, unknown>>;
  /**
   * Faults to check the test under, replacing its `with faults { ... }` block
   * (the CLI's `--faults`, parsed by parseFaultsOption). An empty list checks
   * the test without faults.
   */
  faults?: readonly IrFault[];
  /**
   * Symmetry reduction for the test's `symmetric (...)` machine types (on by
   * default when the test declares some; false checks the full state space).
   */
  symmetry?: boolean;
  /** Partial-order reduction (off by default; see partial-order.ts). */
  partialOrder?: boolean;
}

export interface FlTestInfo {
  name: string;
  baseName: string;
  main: string;
  /** Names of the asserted invariants and specs. */
  asserts: string[];
  location: SourceLocation;
}

export function listTests(ir: IrProgram): FlTestInfo[] {
  return ir.tests.map((t) => ({
    name: t.name,
    baseName: t.baseName,
    main: t.main,
    asserts: t.asserts.map((a) => a.name),
    location: spanToLocation(t.span),
  }));
}

export function spanToLocation(span: Span): SourceLocation {
  return {
    file: span.file,
    line: span.start.line,
    col: span.start.col,
    endLine: span.end.line,
    endCol: span.end.col,
  };
}

const compiled = new WeakMap<IrProgram, CompiledModel>();

function compileCached(ir: IrProgram): CompiledModel {
  let c = compiled.get(ir);
  if (!c) {
    c = compileModel(ir);
    compiled.set(ir, c);
  }
  return c;
}

/** The model of one test of a program: what the explorers check. */
export function buildModel(ir: IrProgram, testName: string, options: BuildModelOptions = {}): FlModel {
  const test = ir.tests.find((t) => t.name === testName);
  if (!test) throw new Error(`no test named ${testName} (tests: ${ir.tests.map((t) => t.name).join(", ")})`);
  return new FlModel(ir, test, options);
}

/** The `c` of every step without choices (shared: most steps have none). */
const NO_CHOICES = Object.freeze([]) as unknown as number[];

type Kind = 0 | 1 | 2 | 3;
const INIT: Kind = 0;
const DELIVER: Kind = 1;
const TIMER: Kind = 2;
const RESTART: Kind = 3;

/** Partitions enumerate 2^(n-1) - 1 splits of n machines; beyond this many machines that is refused. */
const MAX_PARTITION_MACHINES = 16;

export class FlModel implements Model<FlState, FlStep> {
  readonly name: string;
  readonly invariants: readonly Invariant<FlState>[];
  readonly machines: readonly OwnerTable[];
  readonly monitors: readonly OwnerTable[];
  readonly compiled: CompiledModel;
  /** The faults this model injects (the test's, or BuildModelOptions.faults). */
  readonly faults: FaultPlan;
  private readonly ex: Executor;
  private readonly codec: StateCodec;
  private readonly eventNames: string[];
  /** By machine type: may the test create it (coverage lists only these). */
  private readonly allowed: readonly boolean[];
  /** Symmetry reduction of the test's `symmetric (...)` types; null when off or none declared. */
  readonly symmetry: Symmetry | null;
  /** Partial-order reduction (BuildModelOptions.partialOrder); null when off. */
  private readonly partialOrder: PartialOrder | null;

  constructor(
    readonly ir: IrProgram,
    readonly test: IrTest,
    options: BuildModelOptions,
  ) {
    this.name = test.name;
    checkIndexes(ir);
    this.compiled = compileCached(ir);
    const modules: Record<string, unknown> = { [RUNTIME_MODULE]: flRuntime };
    if (this.compiled.foreignModule !== null) {
      let foreign = options.foreign;
      if (!foreign) {
        // Callers that want diagnostics call loadForeignImplementation first and pass the result.
        const loaded = loadForeignImplementation(ir);
        if (loaded.functions === null) {
          const list = loaded.diagnostics.map((d) => `${d.code} ${d.message}`).join("\n");
          throw new Error(`foreign functions cannot be loaded:\n${list}`);
        }
        foreign = loaded.functions;
      }
      modules[this.compiled.foreignModule] = guardForeignFunctions(ir.funs, foreign);
    }
    const fns = loadCommonJs(this.compiled.js, modules);
    this.machines = ir.machines.map((m) => buildOwnerTable(ir, m, false, fns));
    this.monitors = test.asserts
      .filter((a) => a.kind === "spec")
      .map((a) => {
        const spec = ir.specs.find((s) => s.name === a.name);
        if (!spec) throw new Error(`test ${test.name} asserts unknown spec ${a.name}`);
        return buildOwnerTable(ir, spec, true, fns);
      });
    const observers = ir.events.map((e) =>
      test.asserts
        .filter((a) => a.kind === "spec")
        .map((a, i) => (ir.specs.find((s) => s.name === a.name)!.observes.includes(e.name) ? i : -1))
        .filter((i) => i >= 0),
    );
    this.eventNames = ir.events.map((e) => e.name);
    const main = ir.machines.find((m) => m.name === test.main);
    if (!main) throw new Error(`test ${test.name}: unknown main machine ${test.main}`);
    const allowed = ir.machines.map(
      (m) => test.machines === null || test.machines.includes(m.name) || m === main,
    );
    this.allowed = allowed;
    const overrides = options.paramOverrides ?? {};
    for (const k of Object.keys(overrides)) {
      if (!ir.params.some((p) => p.name === k)) throw new Error(`unknown param ${k}`);
    }
    const params = ir.params.map((p): Value => {
      const v = overrides[p.name] ?? test.paramValues[p.name];
      if (v === undefined) return defaultValue(p.type);
      return typeof v === "number" ? v | 0 : v;
    });
    const sites = this.compiled.sites.map(spanToLocation);
    this.faults = buildFaultPlan(ir, options.faults ?? test.faults);
    this.ex = new Executor({
      faults: this.faults,
      machines: this.machines,
      monitors: this.monitors,
      observers,
      eventNames: this.eventNames,
      params,
      allowed,
      main: main.index,
      sites,
      toLocation: spanToLocation,
    });
    this.codec = new StateCodec(
      this.machines,
      this.monitors,
      ir.events.map((e) => e.payload),
      this.faults.restarts.some((r) => r),
      this.faults.faults.length,
      this.faults.partitions.length > 0,
    );
    this.symmetry =
      options.symmetry === false ? null : createSymmetry(ir, test, this.machines, this.monitors, this.faults);
    const ex = this.ex;
    this.invariants = test.asserts
      .filter((a) => a.kind === "invariant")
      .map((a) => {
        const inv = ir.invariants.find((i) => i.name === a.name);
        if (!inv) throw new Error(`test ${test.name} asserts unknown invariant ${a.name}`);
        const fn = fns[invariantFunctionName(inv.name)] as (ctx: FlContext) => boolean;
        return {
          name: inv.name,
          location: spanToLocation(inv.span),
          holds(s: FlState): boolean {
            ex.view(s);
            try {
              return fn(ex) === true;
            } catch (e) {
              // A runtime error while evaluating (say, a missing map key) counts as a violation.
              if (e instanceof RuntimeFault) return false;
              throw e;
            }
          },
        };
      });
    this.partialOrder =
      options.partialOrder === true ? new PartialOrder(ir, test, this.machines, this.faults) : null;
  }

  // ---------------------------------------------------------------- exploring

  initial(emit: Emit<FlState, FlStep>): void {
    this.runAll(null, INIT, 0, 0, 0, emit);
  }

  successors(s: FlState, emit: Emit<FlState, FlStep>): void {
    const chs = s.channels;
    const ms = s.machines;
    const reorder = this.faults.reorder;
    for (let c = 0; c < chs.length; c++) {
      const ch = chs[c]!;
      const recv = ms[ch.to]!;
      if (recv.status !== UP) continue;
      const deferred = this.machines[recv.type]!.states[recv.state]!.deferred;
      const msgs = ch.msgs;
      for (let i = 0; i < msgs.length; i++) {
        if (deferred[msgs[i]!.event] !== 0) continue;
        if (!reorder) {
          this.runAll(s, DELIVER, ch.from, ch.to, i, emit);
          break;
        }
        // Unordered: any message may go next; equal neighbours (the bag is sorted) would give equal states.
        if (i === 0 || compareMessages(msgs[i - 1]!, msgs[i]!) !== 0)
          this.runAll(s, DELIVER, ch.from, ch.to, i, emit);
      }
    }
    for (let id = 0; id < ms.length; id++) {
      const m = ms[id]!;
      if (m.timers === 0 || m.status !== UP) continue;
      const timeouts = this.machines[m.type]!.states[m.state]!.timeouts;
      for (let t = 0; m.timers >>> t !== 0; t++) {
        // An armed timer fires only in a state that handles it; elsewhere it waits.
        if (m.timers & (1 << t) && timeouts[t] !== undefined) this.runAll(s, TIMER, id, t, 0, emit);
      }
    }
    if (this.faults.faults.length > 0) this.faultSuccessors(s, emit);
  }

  /**
   * Partial-order reduction: the ample set of `s` (every outcome of one
   * delivery that commutes with all other steps and no property sees), or
   * false to expand `s` fully. Always false unless BuildModelOptions.partialOrder.
   */
  ampleSuccessors(s: FlState, emit: Emit<FlState, FlStep>): boolean {
    if (this.partialOrder === null) return false;
    return this.partialOrder.ampleSuccessors(s, emit, (from, to, i, e) =>
      this.runAll(s, DELIVER, from, to, i, e),
    );
  }

  /** Fault steps, after deliveries and timers: drop, duplicate, crash, restart, partition, heal. */
  private faultSuccessors(s: FlState, emit: Emit<FlState, FlStep>): void {
    for (const step of this.faultSteps(s)) {
      if (step.t === "restart") this.runAll(s, RESTART, step.m, 0, 0, emit);
      else emit(step, this.runFault(s, step));
    }
  }

  /** The fault steps enabled in `s`, in the order successors emits them (restart without choices). */
  private faultSteps(s: FlState): FlStep[] {
    const plan = this.faults;
    const steps: FlStep[] = [];
    const budgets = s.budgets;
    const ms = s.machines;
    for (const kind of ["drop", "duplicate"] as const) {
      const table = kind === "drop" ? plan.drops : plan.duplicates;
      const named = plan.nameFault[kind];
      for (const ch of s.channels) {
        const msgs = ch.msgs;
        for (let i = 0; i < msgs.length; i++) {
          // Dropping or copying either of two equal neighbours gives the same state.
          if (i > 0 && compareMessages(msgs[i - 1]!, msgs[i]!) === 0) continue;
          for (const f of table[msgs[i]!.event]!) {
            if (budgets[f] === 0) continue;
            const step: Extract<FlStep, { t: "drop" | "duplicate" }> = {
              t: kind,
              from: ch.from,
              to: ch.to,
              i,
            };
            if (named) step.f = f;
            steps.push(step);
            if (!named) break;
          }
        }
      }
    }
    for (let id = 0; id < ms.length; id++) {
      const m = ms[id]!;
      if (m.status !== UP) continue;
      for (const f of plan.crashes[m.type]!) {
        if (budgets[f] === 0) continue;
        const named = plan.nameFault.crash;
        steps.push(named ? { t: "crash", m: id, f } : { t: "crash", m: id });
        if (!named) break;
      }
    }
    for (let id = 0; id < ms.length; id++) {
      const m = ms[id]!;
      if (m.status === CRASHED && plan.restarts[m.type]) steps.push({ t: "restart", m: id, c: NO_CHOICES });
    }
    if (s.cut === null) {
      if (ms.length >= 2 && plan.partitions.some((f) => budgets[f]! > 0)) {
        if (ms.length > MAX_PARTITION_MACHINES) {
          throw new Error(
            `partition: ${ms.length} machines have ${2 ** (ms.length - 1) - 1} splits; at most ${MAX_PARTITION_MACHINES} machines are supported`,
          );
        }
        // Sides are unordered: enumerate the side without machine 0, as a bit mask over ids 1..n-1.
        for (let mask = 1; mask < 2 ** (ms.length - 1); mask++) {
          const side: number[] = [];
          for (let id = 1; id < ms.length; id++) if (mask & (1 << (id - 1))) side.push(id);
          steps.push({ t: "partition", side });
        }
      }
    } else {
      steps.push({ t: "heal" });
    }
    return steps;
  }

  /** Runs a fault step without choices (drop, duplicate, crash, partition, heal). */
  private runFault(s: FlState, step: FlStep): StepOutcome<FlState> {
    const ex = this.ex;
    switch (step.t) {
      case "drop":
        return ex.runDrop(s, step.from, step.to, step.i, step.f);
      case "duplicate":
        return ex.runDuplicate(s, step.from, step.to, step.i, step.f);
      case "crash":
        return ex.runCrash(s, step.m, step.f);
      case "partition":
        return ex.runPartition(s, step.side);
      case "heal":
        return ex.runHeal(s);
      default:
        throw new Error(`internal: ${step.t} is not a fault step without choices`);
    }
  }

  private run(
    base: FlState | null,
    kind: Kind,
    a: number,
    b: number,
    i: number,
    forced: readonly number[],
    strict: boolean,
  ) {
    if (kind === DELIVER) return this.ex.runDeliver(base!, a, b, i, forced, strict);
    if (kind === TIMER) return this.ex.runTimer(base!, a, b, forced);
    if (kind === RESTART) return this.ex.runRestart(base!, a, forced);
    return this.ex.runInit(forced);
  }

  /** Run a step once per sequence of choose values (depth-first over the choices). */
  private runAll(
    base: FlState | null,
    kind: Kind,
    a: number,
    b: number,
    i: number,
    emit: Emit<FlState, FlStep>,
  ): void {
    const ex = this.ex;
    let forced: readonly number[] = NO_CHOICES;
    for (;;) {
      const outcome = this.run(base, kind, a, b, i, forced, false);
      const n = ex.nChoices;
      const c = n === 0 ? NO_CHOICES : ex.values.slice(0, n);
      let j = n - 1;
      while (j >= 0 && ex.values[j]! + 1 >= ex.options[j]!) j--;
      let next: number[] | null = null;
      if (j >= 0) {
        next = c.slice(0, j + 1);
        next[j]!++;
      }
      let step: FlStep;
      if (kind === DELIVER) step = { t: "deliver", from: a, to: b, i, c };
      else if (kind === TIMER)
        step = { t: "timer", m: a, timer: this.machines[base!.machines[a]!.type]!.timers[b]!, c };
      else if (kind === RESTART) step = { t: "restart", m: a, c };
      else step = { t: "init", c };
      emit(step, outcome);
      if (next === null) return;
      forced = next;
    }
  }

  apply(s: FlState | null, step: FlStep): StepOutcome<FlState> {
    const c = "c" in step && Array.isArray(step.c) ? step.c : [];
    if (step.t !== "init" && s === null) throw new InvalidStepError(`${step.t} needs a state`);
    const f = "f" in step && typeof step.f === "number" ? step.f : undefined;
    switch (step.t) {
      case "drop":
        return this.ex.runDrop(s!, step.from, step.to, step.i, f);
      case "duplicate":
        return this.ex.runDuplicate(s!, step.from, step.to, step.i, f);
      case "crash":
        return this.ex.runCrash(s!, step.m, f);
      case "restart":
        return this.ex.runRestart(s!, step.m, c);
      case "partition":
        if (!Array.isArray(step.side)) throw new InvalidStepError("partition needs a side");
        return this.ex.runPartition(s!, step.side);
      case "heal":
        return this.ex.runHeal(s!);
      case "init":
        if (s !== null) throw new InvalidStepError("init applies only before the initial state");
        return this.ex.runInit(c);
      case "deliver":
        if (s === null) throw new InvalidStepError("deliver needs a state");
        return this.ex.runDeliver(s, step.from, step.to, step.i, c, true);
      case "timer": {
        if (s === null) throw new InvalidStepError("timer needs a state");
        const m = s.machines[step.m];
        if (!m) throw new InvalidStepError(`no machine ${step.m}`);
        const t = this.machines[m.type]!.timers.indexOf(step.timer);
        if (t < 0) throw new InvalidStepError(`machine ${step.m} has no timer ${step.timer}`);
        return this.ex.runTimer(s, step.m, t, c);
      }
      default:
        throw new InvalidStepError(`unknown step ${JSON.stringify(step)}`);
    }
  }

  terminal(s: FlState): Failure | null {
    if (s.channels.length > 0) {
      const pending = s.channels.flatMap((ch) =>
        ch.msgs.map((m) => {
          const recv = s.machines[ch.to]!;
          const st = this.machines[recv.type]!.states[recv.state]!.name;
          return `${this.eventNames[m.event]} from ${this.nameIn(s, ch.from)} to ${this.nameIn(s, ch.to)} (deferred in ${st})`;
        }),
      );
      const first = s.machines[s.channels[0]!.to]!;
      return {
        kind: "deadlock",
        property: "deadlock",
        message: `deadlock: no step is enabled but messages are pending: ${pending.join("; ")}`,
        location: spanToLocation(this.machines[first.type]!.states[first.state]!.span),
      };
    }
    for (let i = 0; i < s.monitors.length; i++) {
      const t = this.monitors[i]!;
      const st = t.states[s.monitors[i]!.state]!;
      if (st.hot) {
        return {
          kind: "hot-at-end",
          property: t.name,
          message: `spec ${t.name} is still in hot state ${st.name} when the system stops`,
          location: spanToLocation(st.span),
        };
      }
    }
    return null;
  }

  /** The machine types whose instances symmetry reduction treats as interchangeable (empty when off). */
  get symmetricTypes(): readonly string[] {
    return this.symmetry === null ? [] : this.symmetry.types;
  }

  /** True when an asserted spec has a hot state: only then is there liveness to check (checkLiveness). */
  get hasHotStates(): boolean {
    return this.monitors.some((m) => m.states.some((st) => st.hot));
  }

  hotMonitors(s: FlState): string[] {
    const out: string[] = [];
    for (let i = 0; i < s.monitors.length; i++) {
      const t = this.monitors[i]!;
      if (t.states[s.monitors[i]!.state]!.hot) out.push(t.name);
    }
    return out;
  }

  encode(s: FlState): Uint8Array {
    return this.codec.encode(s);
  }

  /**
   * The fingerprint of encode(s)'s bytes' equality class, without encoding
   * (see StateCodec.fingerprint); under symmetry reduction, of a permutation
   * of `s` that stands for its whole symmetry class (see symmetry.ts).
   */
  fingerprint(s: FlState, out: Uint32Array): void {
    this.codec.fingerprint(this.symmetry === null ? s : this.symmetry.representative(s), out);
  }

  decode(bytes: Uint8Array): FlState {
    return this.codec.decode(bytes);
  }

  // ---------------------------------------------------------------- formatting

  private nameIn(s: FlState, id: number): string {
    const m = s.machines[id];
    return m ? `${this.machines[m.type]!.name}(${m.k})` : `#${id}`;
  }

  private namer(s: FlState | null): RefNamer {
    return (id) => (id < 0 ? null : s ? this.nameIn(s, id) : `#${id}`);
  }

  describeStep(step: FlStep, before: FlState | null, after: FlState | null): StepLabel {
    const names = this.namer(after ?? before);
    const details: { [key: string]: Json } = { kind: step.t };
    if ("c" in step && Array.isArray(step.c) && step.c.length > 0) details.choices = step.c;
    let sends: SendRecord[] = [];
    let failed: Failure | null = null;
    if (before !== null || step.t === "init") {
      this.ex.sends = [];
      try {
        const out = this.apply(before, step);
        if (out.kind === "failure") failed = out.failure;
      } catch (e) {
        if (!(e instanceof InvalidStepError)) throw e;
      } finally {
        sends = this.ex.sends ?? [];
        this.ex.sends = null;
      }
    }
    details.sends = sends.map(
      (r) =>
        `${names(r.from)} -> ${names(r.to)}: ${messageText(this.eventNames[r.event]!, r.payload, this.ir.events[r.event]!.payload, names)}` +
        (r.lost === null ? "" : ` (lost: ${LOST_REASON[r.lost]})`),
    );
    if (failed) details.failure = failed.message;
    const label: StepLabel = { kind: step.t, text: "", details };
    if (
      step.t === "drop" ||
      step.t === "duplicate" ||
      step.t === "crash" ||
      step.t === "restart" ||
      step.t === "partition" ||
      step.t === "heal"
    ) {
      this.describeFault(step, before, after, label, details, names);
      return label;
    }
    if (step.t === "init") {
      const actor = `${this.test.main}(0)`;
      label.text = `init: ${actor}`;
      label.actor = actor;
      details.actor = actor;
      const main = this.machines.find((m) => m.name === this.test.main);
      if (main)
        label.location = spanToLocation(
          main.states[main.start]!.entry ? main.states[main.start]!.span : main.span,
        );
      if (after) details.created = after.machines.map((_, id) => names(id)!);
      return label;
    }
    if (step.t === "deliver") {
      const ch = before?.channels.find((c) => c.from === step.from && c.to === step.to);
      const msg = ch?.msgs[step.i];
      const to = names(step.to)!;
      const from = names(step.from)!;
      label.actor = to;
      Object.assign(details, { actor: to, from, to });
      if (msg) {
        const event = this.eventNames[msg.event]!;
        const ptype = this.ir.events[msg.event]!.payload;
        label.text = `${to} <- ${messageText(event, msg.payload, ptype, names)} from ${from}`;
        details.event = event;
        details.payload = ptype && msg.payload !== null ? valueToJson(msg.payload, ptype, names) : null;
        const recv = before!.machines[step.to]!;
        const table = this.machines[recv.type]!;
        const st = table.states[recv.state]!;
        const h = st.on[msg.event];
        const hkind = h === undefined ? "unhandled" : ["do", "goto", "defer", "ignore"][h.kind]!;
        details.handler = { state: st.name, event, kind: hkind };
        if (h) label.location = spanToLocation(h.span);
      } else {
        label.text = `${to} <- message ${step.i} from ${from}`;
      }
    } else {
      const m = names(step.m)!;
      label.actor = m;
      label.text = `${m} <- timeout ${step.timer}`;
      Object.assign(details, { actor: m, timer: step.timer });
      const mach = before?.machines[step.m];
      if (mach) {
        const table = this.machines[mach.type]!;
        const st = table.states[mach.state]!;
        const h = st.timeouts[table.timers.indexOf(step.timer)];
        details.handler = {
          state: st.name,
          timeout: step.timer,
          kind: h ? (h.kind === H_GOTO ? "goto" : "do") : "unhandled",
        };
        if (h) label.location = spanToLocation(h.span);
      }
    }
    const id = step.t === "deliver" ? step.to : step.m;
    const b = before?.machines[id];
    const a = after?.machines[id];
    if (a && b && a.state !== b.state) {
      const table = this.machines[a.type]!;
      details.transition = `${table.states[b.state]!.name} -> ${table.states[a.state]!.name}`;
    }
    if (after && before && after.machines.length > before.machines.length) {
      details.created = after.machines
        .slice(before.machines.length)
        .map((_, k) => names(before.machines.length + k)!);
    }
    return label;
  }

  /** Labels of fault steps, named as a resilience engineer would (packet loss, instance termination, ...). */
  private describeFault(
    step: Extract<FlStep, { t: "drop" | "duplicate" | "crash" | "restart" | "partition" | "heal" }>,
    before: FlState | null,
    after: FlState | null,
    label: StepLabel,
    details: { [key: string]: Json },
    names: RefNamer,
  ): void {
    label.kind = "fault";
    details.kind = "fault";
    details.fault = step.t;
    if ("f" in step && step.f !== undefined) {
      const decl = this.faults.faults[step.f];
      if (decl) label.location = spanToLocation(decl.span);
    } else {
      const decl = this.faults.faults.find((d) =>
        step.t === "restart"
          ? d.kind === "crash" && d.restart
          : step.t === "heal"
            ? d.kind === "partition"
            : d.kind === step.t,
      );
      if (decl) label.location = spanToLocation(decl.span);
    }
    const lost = (ch: { from: number; to: number; msgs: readonly FlMessage[] }) =>
      ch.msgs.map((m) => `${names(ch.from)} -> ${names(ch.to)}: ${this.msgText(m, names)}`);
    switch (step.t) {
      case "drop":
      case "duplicate": {
        const from = names(step.from)!;
        const to = names(step.to)!;
        Object.assign(details, { from, to });
        const msg = before?.channels.find((c) => c.from === step.from && c.to === step.to)?.msgs[step.i];
        if (msg) {
          const event = this.eventNames[msg.event]!;
          const ptype = this.ir.events[msg.event]!.payload;
          label.text = `${step.t} ${this.msgText(msg, names)} ${from} -> ${to}`;
          details.event = event;
          details.payload = ptype && msg.payload !== null ? valueToJson(msg.payload, ptype, names) : null;
        } else {
          label.text = `${step.t} message ${step.i} ${from} -> ${to}`;
        }
        return;
      }
      case "crash": {
        const m = names(step.m)!;
        label.text = `crash ${m}`;
        label.actor = m;
        details.actor = m;
        if (before) details.lost = before.channels.filter((c) => c.to === step.m).flatMap(lost);
        const b = before?.machines[step.m];
        if (b) details.stateBefore = this.machines[b.type]!.states[b.state]!.name;
        return;
      }
      case "restart": {
        const m = names(step.m)!;
        label.text = `restart ${m}`;
        label.actor = m;
        details.actor = m;
        const a = after?.machines[step.m];
        if (a) {
          const table = this.machines[a.type]!;
          details.transition = `crashed -> ${table.states[a.state]!.name}`;
          label.location = spanToLocation(table.states[table.start]!.span);
        }
        if (after && before && after.machines.length > before.machines.length) {
          details.created = after.machines
            .slice(before.machines.length)
            .map((_, k) => names(before.machines.length + k)!);
        }
        return;
      }
      case "partition": {
        const state = before ?? after;
        const sides = state ? this.sides(state, step.side) : [[], step.side.map((id) => names(id)!)];
        label.text = `partition ${sidesText(sides)}`;
        details.sides = sides;
        if (before) {
          const cut = new Set(step.side);
          details.lost = before.channels.filter((c) => cut.has(c.from) !== cut.has(c.to)).flatMap(lost);
        }
        return;
      }
      case "heal": {
        if (before?.cut) {
          const sides = this.sides(before, before.cut);
          label.text = `heal partition ${sidesText(sides)}`;
          details.sides = sides;
        } else {
          label.text = "heal partition";
        }
        return;
      }
    }
  }

  private msgText(m: FlMessage, names: RefNamer): string {
    return messageText(this.eventNames[m.event]!, m.payload, this.ir.events[m.event]!.payload, names);
  }

  /** Both sides of a partition, by name: the side with machine 0 first. */
  private sides(s: FlState, cut: readonly number[]): string[][] {
    const names = this.namer(s);
    const inCut = new Set(cut);
    const near: string[] = [];
    const far: string[] = [];
    s.machines.forEach((_, id) => {
      (inCut.has(id) ? far : near).push(names(id)!);
    });
    return [near, far];
  }

  private machineView(m: FlMachine, names: RefNamer, itf: boolean): Json {
    const t = this.machines[m.type]!;
    const vars: { [k: string]: Json } = {};
    t.varNames.forEach((n, i) => {
      vars[n] = itf
        ? valueToItf(m.vars[i]!, t.varTypes[i]!, names)
        : valueToJson(m.vars[i]!, t.varTypes[i]!, names);
    });
    const timers = t.timers.filter((_, i) => m.timers & (1 << i));
    return {
      // A crashed instance is in no state until it restarts.
      state: m.status === CRASHED ? null : t.states[m.state]!.name,
      status: m.status === UP ? "up" : m.status === HALTED ? "halted" : "crashed",
      vars,
      timers: itf ? { "#set": timers } : timers,
    };
  }

  private networkView(s: FlState, names: RefNamer, itf: boolean): Json[] {
    const out: Json[] = [];
    for (const ch of s.channels) {
      for (const msg of ch.msgs) {
        const pt = this.ir.events[msg.event]!.payload;
        const payload =
          pt && msg.payload !== null
            ? itf
              ? valueToItf(msg.payload, pt, names)
              : valueToJson(msg.payload, pt, names)
            : null;
        out.push({ from: names(ch.from), to: names(ch.to), event: this.eventNames[msg.event]!, payload });
      }
    }
    return out;
  }

  private monitorsView(s: FlState, names: RefNamer, itf: boolean): { [k: string]: Json } {
    const out: { [k: string]: Json } = {};
    s.monitors.forEach((mon, i) => {
      const t = this.monitors[i]!;
      const vars: { [k: string]: Json } = {};
      t.varNames.forEach((n, j) => {
        vars[n] = itf
          ? valueToItf(mon.vars[j]!, t.varTypes[j]!, names)
          : valueToJson(mon.vars[j]!, t.varTypes[j]!, names);
      });
      const st = t.states[mon.state]!;
      out[t.name] = { state: st.name, hot: st.hot, vars };
    });
    return out;
  }

  viewState(s: FlState): StateView {
    const names = this.namer(s);
    const view: StateView = {};
    s.machines.forEach((m, id) => {
      view[names(id)!] = this.machineView(m, names, false);
    });
    view.network = this.networkView(s, names, false);
    if (s.monitors.length > 0) view.monitors = this.monitorsView(s, names, false);
    if (this.hasFaultState) view.faults = this.faultsView(s, false);
    return view;
  }

  itfState(s: FlState): { [variable: string]: Json } {
    const names = this.namer(s);
    const itf: { [variable: string]: Json } = {
      machines: { "#map": s.machines.map((m, id) => [names(id)!, this.machineView(m, names, true)]) },
      network: this.networkView(s, names, true),
      monitors: this.monitorsView(s, names, true),
    };
    if (this.hasFaultState) itf.faults = this.faultsView(s, true);
    return itf;
  }

  /** Remaining budgets by fault (as written in the test) and the partition, if any. */
  private faultsView(s: FlState, itf: boolean): Json {
    const budgets: [string, Json][] = [];
    this.faults.faults.forEach((f, i) => {
      if (f.kind === "reorder") return;
      const left = s.budgets[i]!;
      const text = faultText(f);
      const key = budgets.some(([k]) => k === text) ? `${text} (#${i + 1})` : text;
      budgets.push([key, itf ? { "#bigint": String(left) } : left]);
    });
    const view: { [k: string]: Json } = { budgets: itf ? { "#map": budgets } : Object.fromEntries(budgets) };
    if (this.faults.partitions.length > 0) {
      view.partition = s.cut === null ? (itf ? "none" : null) : sidesText(this.sides(s, s.cut));
    }
    return view;
  }

  /** Budgets or a partition to show (a reorder-only test has neither). */
  private get hasFaultState(): boolean {
    return this.faults.faults.some((f) => f.kind !== "reorder");
  }

  // ---------------------------------------------------------------- random exploration

  /** The steps enabled in `s`, as successors emits them but without running them or making choices. */
  enabledSteps(s: FlState | null): FlStep[] {
    if (s === null) return [{ t: "init", c: NO_CHOICES }];
    // Mirrors successors' enabling conditions (a test checks they agree).
    const steps: FlStep[] = [];
    const chs = s.channels;
    const ms = s.machines;
    const reorder = this.faults.reorder;
    for (let c = 0; c < chs.length; c++) {
      const ch = chs[c]!;
      const recv = ms[ch.to]!;
      if (recv.status !== UP) continue;
      const deferred = this.machines[recv.type]!.states[recv.state]!.deferred;
      const msgs = ch.msgs;
      for (let i = 0; i < msgs.length; i++) {
        if (deferred[msgs[i]!.event] !== 0) continue;
        if (!reorder) {
          steps.push({ t: "deliver", from: ch.from, to: ch.to, i, c: NO_CHOICES });
          break;
        }
        if (i === 0 || compareMessages(msgs[i - 1]!, msgs[i]!) !== 0)
          steps.push({ t: "deliver", from: ch.from, to: ch.to, i, c: NO_CHOICES });
      }
    }
    for (let id = 0; id < ms.length; id++) {
      const m = ms[id]!;
      if (m.timers === 0 || m.status !== UP) continue;
      const table = this.machines[m.type]!;
      const timeouts = table.states[m.state]!.timeouts;
      for (let t = 0; m.timers >>> t !== 0; t++) {
        if (m.timers & (1 << t) && timeouts[t] !== undefined)
          steps.push({ t: "timer", m: id, timer: table.timers[t]!, c: NO_CHOICES });
      }
    }
    if (this.faults.faults.length > 0) for (const step of this.faultSteps(s)) steps.push(step);
    return steps;
  }

  /**
   * Runs `step` with its recorded choices first and `choose(n)` for every
   * further `choose`; returns the step carrying exactly the values made.
   */
  applyChoosing(
    s: FlState | null,
    step: FlStep,
    choose: (options: number) => number,
  ): { step: FlStep; outcome: StepOutcome<FlState> } {
    const ex = this.ex;
    ex.chooser = choose;
    let outcome: StepOutcome<FlState>;
    try {
      outcome = this.apply(s, step);
    } finally {
      ex.chooser = null;
    }
    if (!("c" in step)) return { step, outcome };
    const n = ex.nChoices;
    return { step: { ...step, c: n === 0 ? NO_CHOICES : ex.values.slice(0, n) }, outcome };
  }

  /** PCT's scheduling unit: the machine that runs a delivery or timer; the environment for faults. */
  stepActor(_s: FlState | null, step: FlStep): string {
    switch (step.t) {
      case "deliver":
        return `m${step.to}`;
      case "timer":
        return `m${step.m}`;
      case "init":
        return "init";
      default:
        return "faults";
    }
  }

  // ---------------------------------------------------------------- coverage

  beginCoverage(): void {
    const counts: CoverageCounts = new Map();
    const events = this.eventNames.length;
    for (const table of [...this.machines, ...this.monitors]) {
      const width = events + table.timers.length;
      counts.set(table, {
        entered: new Float64Array(table.states.length),
        handled: new Float64Array(table.states.length * width),
        width,
      });
    }
    this.ex.coverage = counts;
  }

  endCoverage(): CoverageReport | null {
    const counts = this.ex.coverage;
    if (counts === null) return null;
    this.ex.coverage = null;
    const owners: OwnerCoverage[] = [];
    const report = (table: OwnerTable, kind: "machine" | "spec"): void => {
      const c = counts.get(table)!;
      const states: StateCoverage[] = table.states.map((st, i) => {
        const entry: StateCoverage = { name: st.name, entered: c.entered[i]! };
        if (kind === "spec") entry.hot = st.hot;
        return entry;
      });
      const handlers: HandlerCoverage[] = [];
      table.states.forEach((st, i) => {
        st.on.forEach((h, e) => {
          if (h === undefined || h.kind === H_DEFER) return;
          handlers.push({
            state: st.name,
            on: this.eventNames[e]!,
            kind: h.kind === H_GOTO ? "goto" : h.kind === H_IGNORE ? "ignore" : "do",
            ran: c.handled[i * c.width + e]!,
            location: spanToLocation(h.span),
          });
        });
        st.timeouts.forEach((h, t) => {
          if (h === undefined) return;
          handlers.push({
            state: st.name,
            on: `timeout ${table.timers[t]}`,
            kind: "timeout",
            ran: c.handled[i * c.width + this.eventNames.length + t]!,
            location: spanToLocation(h.span),
          });
        });
      });
      // Creation and restart enter the start state, so a type whose start was never entered has no instance.
      const created = kind === "spec" || c.entered[table.start]! > 0;
      owners.push({ name: table.name, kind, created, states, handlers });
    };
    this.machines.forEach((table, i) => {
      if (this.allowed[i]) report(table, "machine");
    });
    for (const table of this.monitors) report(table, "spec");
    return { owners, totals: coverageTotals(owners) };
  }

  // ---------------------------------------------------------------- fairness

  /**
   * Weak-fairness keys of the steps enabled in `s` that a fair run must
   * eventually take if they stay enabled: one per channel with a deliverable
   * message (per distinct message with `reorder`), per armed timer whose
   * handler is enabled, per crashed machine that may restart, and the heal of
   * a partition. Fault steps (drop, duplicate, crash, partition) have no key:
   * they may never happen. See docs/faults.md.
   */
  enabledFairSteps(s: FlState): string[] {
    // Mirrors successors' enabling conditions without running any handler.
    const keys: string[] = [];
    const ms = s.machines;
    for (const ch of s.channels) {
      const recv = ms[ch.to]!;
      if (recv.status !== UP) continue;
      const deferred = this.machines[recv.type]!.states[recv.state]!.deferred;
      for (let i = 0; i < ch.msgs.length; i++) {
        const msg = ch.msgs[i]!;
        if (deferred[msg.event] !== 0) continue;
        if (!this.faults.reorder) {
          keys.push(`deliver ${ch.from}->${ch.to}`);
          break;
        }
        if (i === 0 || compareMessages(ch.msgs[i - 1]!, msg) !== 0)
          keys.push(reorderKey(ch.from, ch.to, msg));
      }
    }
    for (let id = 0; id < ms.length; id++) {
      const m = ms[id]!;
      if (m.status !== UP) continue;
      const table = this.machines[m.type]!;
      const timeouts = table.states[m.state]!.timeouts;
      for (let t = 0; m.timers >>> t !== 0; t++) {
        if (m.timers & (1 << t) && timeouts[t] !== undefined) keys.push(`timer ${id} ${table.timers[t]}`);
      }
    }
    for (let id = 0; id < ms.length; id++) {
      const m = ms[id]!;
      if (m.status === CRASHED && this.faults.restarts[m.type]) keys.push(`restart ${id}`);
    }
    if (s.cut !== null) keys.push("heal");
    return keys;
  }

  /** The weak-fairness key a step from `s` takes (see enabledFairSteps); null for fault steps. */
  fairKeyOfStep(s: FlState, step: FlStep): string | null {
    switch (step.t) {
      case "deliver": {
        if (!this.faults.reorder) return `deliver ${step.from}->${step.to}`;
        const msg = s.channels.find((c) => c.from === step.from && c.to === step.to)?.msgs[step.i];
        return msg ? reorderKey(step.from, step.to, msg) : `deliver ${step.from}->${step.to} #${step.i}`;
      }
      case "timer":
        return `timer ${step.m} ${step.timer}`;
      case "restart":
        return `restart ${step.m}`;
      case "heal":
        return "heal";
      default:
        return null;
    }
  }

  /** True when no drop, duplicate, crash or partition can happen any more from `s`. */
  faultBudgetsSpent(s: FlState): boolean {
    return s.budgets.every((b) => b === 0);
  }
}

/** With reorder, fairness is per distinct message: equal messages in a channel are interchangeable. */
function reorderKey(from: number, to: number, msg: FlMessage): string {
  return `deliver ${from}->${to} ${JSON.stringify([msg.event, msg.payload])}`;
}

const LOST_REASON = {
  halted: "receiver halted",
  crashed: "receiver crashed",
  partition: "partitioned",
} as const;

function sidesText(sides: readonly (readonly string[])[]): string {
  return sides.map((side) => `{${side.join(", ")}}`).join(" | ");
}

/** A fault as written in a test, e.g. `drop Credit`, `crash Store then restart`. */
export function faultText(f: IrFault): string {
  switch (f.kind) {
    case "drop":
    case "duplicate":
      return f.events === null ? f.kind : `${f.kind} ${f.events.join(", ")}`;
    case "crash":
      return `crash ${f.machine}${f.restart ? " then restart" : ""}`;
    case "partition":
    case "reorder":
      return f.kind;
  }
}

function checkIndexes(ir: IrProgram): void {
  const bad = (what: string) => {
    throw new Error(`internal: IR ${what} indexes are not positions`);
  };
  for (const [i, m] of ir.machines.entries()) {
    if (m.index !== i) bad("machine");
    for (const [j, s] of m.states.entries()) if (s.index !== j) bad("state");
  }
  for (const m of ir.specs) for (const [j, s] of m.states.entries()) if (s.index !== j) bad("state");
  for (const [i, e] of ir.events.entries()) if (e.index !== i) bad("event");
}
