// A program's spec monitors run on a stream of observed events, with no
// machines (`faultline observe`, docs/observe.md). The monitors run in the
// same Executor as in a check (executor.ts: runMonitorsOnly starts them as a
// test's init does, runObservation shows them one event as a send or announce
// does), from the same dispatch tables, so their semantics are the checker's:
// handlers, goto with entry and exit, raise, ignore, unhandled events, hot
// states. A state here is an FlState whose only part is `monitors`.
import type { IrEvent, IrProgram } from "@faultline/lang";
import type { Json, StepOutcome } from "../model.js";
import { generatedCode, generatedModuleImports, paramValues } from "./build-model.js";
import { EnabledSteps } from "./enabled-steps.js";
import { Executor } from "./executor.js";
import { buildFaultPlan } from "./fault-plan.js";
import type { FlState } from "./fl-state.js";
import { compare, type Payload, type Value } from "./lang-codegen.js";
import { loadCommonJs } from "./load-module.js";
import { buildOwnerTable, type OwnerTable } from "./program-tables.js";
import { spanToLocation } from "./source-location.js";
import { monitorsView } from "./state-views.js";
import type { RefNamer } from "./value-view.js";

export interface MonitorRunnerOptions {
  /** Values for the program's params (default: each param's default value). */
  params?: Record<string, number | boolean | string>;
  /** Implementations of the program's foreign functions (BuildModelOptions.foreign). */
  foreign?: Readonly<Record<string, unknown>>;
}

export class MonitorRunner {
  /** The monitors' tables, in the order asked for. */
  readonly monitors: readonly OwnerTable[];
  readonly events: readonly IrEvent[];
  private readonly ex: Executor;
  /** Per event: observed by at least one of the monitors. */
  private readonly observedBy: readonly boolean[];
  private readonly byName: ReadonlyMap<string, number>;
  private readonly viewParts: Parameters<typeof monitorsView>[0];

  /** The monitors of the specs named `specs` (each a spec of `ir`: unknown names throw). */
  constructor(ir: IrProgram, specs: readonly string[], options: MonitorRunnerOptions = {}) {
    const code = generatedCode(ir);
    const fns = loadCommonJs(code.js, generatedModuleImports(ir, code, options));
    const machines = ir.machines.map((m) => buildOwnerTable(ir, m, false, fns));
    const irSpecs = specs.map((name) => {
      const spec = ir.specs.find((s) => s.name === name);
      if (spec === undefined) throw new Error(`no spec named ${name}`);
      return spec;
    });
    this.monitors = irSpecs.map((s) => buildOwnerTable(ir, s, true, fns));
    this.events = ir.events;
    const observers = ir.events.map((e) =>
      irSpecs.flatMap((s, i) => (s.observes.includes(e.name) ? [i] : [])),
    );
    this.observedBy = observers.map((o) => o.length > 0);
    this.byName = new Map(ir.events.map((e) => [e.name, e.index]));
    const faults = buildFaultPlan(ir, []);
    const eventNames = ir.events.map((e) => e.name);
    this.ex = new Executor({
      machines,
      monitors: this.monitors,
      observers,
      eventNames,
      eventFaults: ir.events.map((e) => e.fault),
      params: paramValues(ir, { paramValues: {} }, options.params ? { paramOverrides: options.params } : {}),
      allowed: machines.map(() => false),
      main: -1,
      faults,
      enabled: new EnabledSteps(machines, faults),
      sites: code.sites.map(spanToLocation),
      textTypes: code.textTypes,
      toLocation: spanToLocation,
    });
    this.viewParts = { ir, machines, monitors: this.monitors, eventNames, faults };
  }

  /** The index of the event named `name`, -1 when the program declares none. */
  eventIndex(name: string): number {
    return this.byName.get(name) ?? -1;
  }

  /** Whether one of the monitors observes event `event`. */
  observes(event: number): boolean {
    return this.observedBy[event] === true;
  }

  /** The monitors in their start states, their start entries run. */
  initial(): StepOutcome<FlState> {
    return this.ex.runMonitorsOnly();
  }

  /** The monitors after observing `event` with `payload` (null for an event without one). */
  observe(state: FlState, event: number, payload: Value | null): StepOutcome<FlState> {
    return this.ex.runObservation(state, event, payload as Payload);
  }

  /** Whether monitor `i` is in a hot state. */
  isHot(state: FlState, i: number): boolean {
    return this.monitors[i]!.states[state.monitors[i]!.state]!.hot;
  }

  /** The name of monitor `i`'s state. */
  stateName(state: FlState, i: number): string {
    return this.monitors[i]!.states[state.monitors[i]!.state]!.name;
  }

  /** Whether monitor `i` is in the same state with the same variables in `a` and `b`. */
  sameMonitor(a: FlState, b: FlState, i: number): boolean {
    const x = a.monitors[i]!;
    const y = b.monitors[i]!;
    return x === y || (x.state === y.state && compare(x.vars, y.vars) === 0);
  }

  /** Every monitor as a state view: its state, whether hot, its variables (value-view.ts's encoding). */
  view(state: FlState, names: RefNamer, itf = false): { [spec: string]: Json } {
    return monitorsView(this.viewParts, state, names, itf);
  }
}
