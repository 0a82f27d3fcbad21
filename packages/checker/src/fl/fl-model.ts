// A typed .fl program (IR) and one of its tests, as a checkable Model.
import type { IrProgram, IrTest, Span } from "@faultline/lang";
import type {
  Emit,
  Failure,
  Invariant,
  Json,
  Model,
  SourceLocation,
  StateView,
  StepLabel,
  StepOutcome,
} from "../model.js";
import { StateCodec } from "./codec.js";
import { defaultValue, Executor, InvalidStepError, type SendRecord } from "./executor.js";
import { type FlMachine, type FlState, type FlStep, UP } from "./fl-state.js";
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
import { buildOwnerTable, H_GOTO, type OwnerTable } from "./program-tables.js";
import { messageText, type RefNamer, valueToItf, valueToJson } from "./value-view.js";

export interface BuildModelOptions {
  /** Values for the program's params, overriding the test's. */
  paramOverrides?: Record<string, number | boolean | string>;
  /**
   * Implementations of the program's foreign functions, by name (see
   * loadForeignImplementation). Required when the program declares any.
   */
  foreign?: Readonly<Record<string, unknown>>;
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

type Kind = 0 | 1 | 2;
const INIT: Kind = 0;
const DELIVER: Kind = 1;
const TIMER: Kind = 2;

export class FlModel implements Model<FlState, FlStep> {
  readonly name: string;
  readonly invariants: readonly Invariant<FlState>[];
  readonly machines: readonly OwnerTable[];
  readonly monitors: readonly OwnerTable[];
  readonly compiled: CompiledModel;
  private readonly ex: Executor;
  private readonly codec: StateCodec;
  private readonly eventNames: string[];

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
      modules[this.compiled.foreignModule] = foreign;
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
    this.ex = new Executor({
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
      false,
    );
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
  }

  // ---------------------------------------------------------------- exploring

  initial(emit: Emit<FlState, FlStep>): void {
    this.runAll(null, INIT, 0, 0, 0, emit);
  }

  successors(s: FlState, emit: Emit<FlState, FlStep>): void {
    const chs = s.channels;
    const ms = s.machines;
    for (let c = 0; c < chs.length; c++) {
      const ch = chs[c]!;
      const recv = ms[ch.to]!;
      if (recv.status !== UP) continue;
      const deferred = this.machines[recv.type]!.states[recv.state]!.deferred;
      const msgs = ch.msgs;
      for (let i = 0; i < msgs.length; i++) {
        if (deferred[msgs[i]!.event] === 0) {
          this.runAll(s, DELIVER, ch.from, ch.to, i, emit);
          break;
        }
      }
    }
    for (let id = 0; id < ms.length; id++) {
      const m = ms[id]!;
      if (m.timers === 0 || m.status !== UP) continue;
      for (let t = 0; m.timers >>> t !== 0; t++) {
        if (m.timers & (1 << t)) this.runAll(s, TIMER, id, t, 0, emit);
      }
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
    let forced: number[] = [];
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
      else step = { t: "init", c };
      emit(step, outcome);
      if (next === null) return;
      forced = next;
    }
  }

  apply(s: FlState | null, step: FlStep): StepOutcome<FlState> {
    const c = Array.isArray(step.c) ? step.c : [];
    switch (step.t) {
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
    if (step.c.length > 0) details.choices = step.c;
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
        (r.delivered ? "" : " (dropped: receiver halted)"),
    );
    if (failed) details.failure = failed.message;
    const label: StepLabel = { kind: step.t, text: "", details };
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
      state: t.states[m.state]!.name,
      status: m.status === UP ? "up" : "halted",
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
    return view;
  }

  itfState(s: FlState): { [variable: string]: Json } {
    const names = this.namer(s);
    return {
      machines: { "#map": s.machines.map((m, id) => [names(id)!, this.machineView(m, names, true)]) },
      network: this.networkView(s, names, true),
      monitors: this.monitorsView(s, names, true),
    };
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
