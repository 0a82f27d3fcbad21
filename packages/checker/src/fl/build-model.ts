// Construction of a test's model: the generated code loaded in-process, the
// dispatch tables, the fault plan, the enabling rule, the executor, the codec,
// the invariants and, when asked, symmetry and partial order. FlModel
// (fl-model.ts) and the modules it delegates to share the parts built here.
import {
  type IrFault,
  type IrInvariant,
  type IrProgram,
  type IrTest,
  quantifierBinders,
  type Span,
  type Type,
} from "@faultline/lang";
import type { Invariant, WitnessProperty } from "../model.js";
import { StateCodec } from "./codec.js";
import { EnabledSteps } from "./enabled-steps.js";
import { defaultValue, Executor, guardForeignFunctions } from "./executor.js";
import { buildFaultPlan, type FaultPlan } from "./fault-plan.js";
import type { FlState } from "./fl-state.js";
import { loadForeignImplementation } from "./foreign-loader.js";
import {
  compileModel,
  type FlContext,
  flRuntime,
  invariantFunctionName,
  invariantWitnessFunctionName,
  RUNTIME_MODULE,
  RuntimeFault,
  type Value,
} from "./lang-codegen.js";
import { loadCommonJs } from "./load-module.js";
import { PartialOrder } from "./partial-order.js";
import { buildOwnerTable, type OwnerTable } from "./program-tables.js";
import { spanToLocation } from "./source-location.js";
import { namer } from "./machine-names.js";
import { createSymmetry, type Symmetry } from "./symmetry.js";
import { valueToText, valueTypes } from "./value-view.js";

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
  /**
   * Run each choice of a delivery from the handler's start, never resuming
   * at its first choose (context.ts `fork`), with code generated without
   * fork sites. Off by default: the same successors either way, which the
   * differential tests check with it.
   */
  replayChoices?: boolean;
}

/** What the checker needs of a program's generated code (plain data: it can be posted to a worker). */
export interface GeneratedCode {
  /** The generated module as CommonJS JavaScript. */
  js: string;
  /** Site index (the numbers passed to ctx/rt calls) -> the .fl span it stands for. */
  sites: Span[];
  /** The type each `choose` site yields, by site index (step labels print what was chosen). */
  chooseTypes: Record<number, Type>;
  /** The type each `ctx.text` site (`str`, `format`, `print`) converts, by site index. */
  textTypes: Record<number, Type>;
  /** The specifier the module imports foreign functions from, or null when there are none. */
  foreignModule: string | null;
}

const generated = new WeakMap<IrProgram, GeneratedCode>();
const generatedWithoutForks = new WeakMap<IrProgram, GeneratedCode>();

/** The generated code of `ir`, generated once per program (`forks` false: without fork sites, for BuildModelOptions.replayChoices). */
export function generatedCode(ir: IrProgram, forks = true): GeneratedCode {
  const cache = forks ? generated : generatedWithoutForks;
  let code = cache.get(ir);
  if (!code) {
    const { js, sites, chooseTypes, textTypes, foreignModule } = compileModel(ir, { forks });
    code = { js, sites, chooseTypes, textTypes, foreignModule };
    cache.set(ir, code);
  }
  return code;
}

/** Use `code`, generated from `ir` elsewhere (a worker given the coordinator's), instead of generating it again. */
export function adoptGeneratedCode(ir: IrProgram, code: GeneratedCode): void {
  generated.set(ir, code);
}

/** The parts of one test's model. */
export interface FlParts {
  readonly ir: IrProgram;
  readonly test: IrTest;
  readonly code: GeneratedCode;
  readonly machines: readonly OwnerTable[];
  /** The test's asserted specs, in the order of its assert list. */
  readonly monitors: readonly OwnerTable[];
  readonly eventNames: readonly string[];
  /** By machine type: may the test create it (coverage lists only these). */
  readonly allowed: readonly boolean[];
  /** The faults this model injects (the test's, or BuildModelOptions.faults). */
  readonly faults: FaultPlan;
  /** Which steps are enabled in a state. */
  readonly enabled: EnabledSteps;
  readonly ex: Executor;
  readonly codec: StateCodec;
  /** Symmetry reduction of the test's `symmetric (...)` types; null when off or none declared. */
  readonly symmetry: Symmetry | null;
  readonly invariants: readonly Invariant<FlState>[];
  /** The test's asserted witness properties (`reachable`). */
  readonly witnesses: readonly WitnessProperty<FlState>[];
  /** Partial-order reduction (BuildModelOptions.partialOrder); null when off. */
  readonly partialOrder: PartialOrder | null;
  /** The program's params, by position in IrProgram.params. */
  readonly params: readonly Value[];
  /** By event index: the positions (in `monitors`) of the specs that observe it. */
  readonly observers: readonly (readonly number[])[];
}

export function buildParts(ir: IrProgram, test: IrTest, options: BuildModelOptions): FlParts {
  checkIndexes(ir);
  const code = generatedCode(ir, options.replayChoices !== true);
  const fns = loadCommonJs(code.js, generatedModuleImports(ir, code, options));
  const machines = ir.machines.map((m) => buildOwnerTable(ir, m, false, fns));
  const specs = test.asserts.filter((a) => a.kind === "spec");
  const monitors = specs.map((a) => {
    const spec = ir.specs.find((s) => s.name === a.name);
    if (!spec) throw new Error(`test ${test.name} asserts unknown spec ${a.name}`);
    return buildOwnerTable(ir, spec, true, fns);
  });
  const observers = ir.events.map((e) =>
    specs
      .map((a, i) => (ir.specs.find((s) => s.name === a.name)!.observes.includes(e.name) ? i : -1))
      .filter((i) => i >= 0),
  );
  const eventNames = ir.events.map((e) => e.name);
  const main = ir.machines.find((m) => m.name === test.main);
  if (!main) throw new Error(`test ${test.name}: unknown main machine ${test.main}`);
  const allowed = ir.machines.map(
    (m) => test.machines === null || test.machines.includes(m.name) || m === main,
  );
  // `with { A -> B }`: creating an A creates a B.
  const substitute = ir.machines.map((m) => {
    const to = test.substitutions.find((s) => s.from === m.name)?.to;
    return to === undefined ? m.index : ir.machines.find((n) => n.name === to)!.index;
  });
  const faults = buildFaultPlan(ir, options.faults ?? test.faults);
  const enabled = new EnabledSteps(machines, faults);
  const params = paramValues(ir, test, options);
  const ex = new Executor({
    faults,
    enabled,
    machines,
    monitors,
    observers,
    eventNames,
    eventFaults: ir.events.map((e) => e.fault),
    params,
    allowed,
    substitute,
    main: main.index,
    sites: code.sites.map(spanToLocation),
    textTypes: code.textTypes,
    valueTypes: valueTypes(ir),
    toLocation: spanToLocation,
  });
  const codec = new StateCodec(
    machines,
    monitors,
    ir.events.map((e) => e.payload),
    faults.restarts.some((r) => r),
    faults.faults.length,
    faults.partitions.length > 0,
    ir.anyTypes,
  );
  return {
    ir,
    test,
    code,
    machines,
    monitors,
    eventNames,
    allowed,
    faults,
    enabled,
    ex,
    codec,
    symmetry: options.symmetry === false ? null : createSymmetry(ir, test, machines, monitors, faults),
    invariants: invariants(ir, test, fns, ex, machines),
    // A runtime error while evaluating a witness property means the state does not witness it.
    witnesses: [
      ...asserted(ir, test, "reachable").map((inv) => ({
        name: inv.name,
        location: spanToLocation(inv.span),
        holds: predicate(fns, inv.name, ex),
      })),
      ...coverWitnesses(test, monitors),
    ],
    partialOrder: options.partialOrder === true ? new PartialOrder(ir, test, enabled, faults) : null,
    params,
    observers,
  };
}

/** What the generated module may `require`: the value runtime, and the foreign functions if it declares any. */
export function generatedModuleImports(
  ir: IrProgram,
  code: GeneratedCode,
  options: BuildModelOptions,
): Record<string, unknown> {
  const modules: Record<string, unknown> = { [RUNTIME_MODULE]: flRuntime };
  if (code.foreignModule !== null) {
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
    modules[code.foreignModule] = guardForeignFunctions(ir.funs, foreign);
  }
  return modules;
}

/** The program's params: BuildModelOptions.paramOverrides, else the test's values, else defaults. */
export function paramValues(
  ir: IrProgram,
  test: Pick<IrTest, "paramValues">,
  options: BuildModelOptions,
): Value[] {
  const overrides = options.paramOverrides ?? {};
  for (const k of Object.keys(overrides)) {
    if (!ir.params.some((p) => p.name === k)) throw new Error(`unknown param ${k}`);
  }
  return ir.params.map((p): Value => {
    const v = overrides[p.name] ?? test.paramValues[p.name];
    if (v === undefined) return defaultValue(p.type);
    return typeof v === "number" ? v | 0 : v;
  });
}

/**
 * The generated predicate of an invariant or reachable property, on a state.
 * A runtime error while evaluating it (say, a missing map key) makes it false:
 * a violated invariant, a state that does not witness.
 */
function predicate(fns: Record<string, unknown>, name: string, ex: Executor): (s: FlState) => boolean {
  const fn = fns[invariantFunctionName(name)] as (ctx: FlContext) => boolean;
  return (s: FlState): boolean => {
    ex.view(s);
    try {
      return fn(ex) === true;
    } catch (e) {
      if (e instanceof RuntimeFault) return false;
      throw e;
    }
  };
}

/** The test's asserted invariants, evaluated by their generated functions. */
function invariants(
  ir: IrProgram,
  test: IrTest,
  fns: Record<string, unknown>,
  ex: Executor,
  machines: readonly OwnerTable[],
): Invariant<FlState>[] {
  return asserted(ir, test, "invariant").map((inv) => {
    const invariant: Invariant<FlState> = {
      name: inv.name,
      location: spanToLocation(inv.span),
      holds: predicate(fns, inv.name, ex),
    };
    const witness = fns[invariantWitnessFunctionName(inv.name)] as
      | ((ctx: FlContext) => readonly Value[] | null)
      | undefined;
    if (witness !== undefined && inv.expr.kind === "quant") {
      const { binders } = quantifierBinders(inv.expr);
      invariant.witness = (s: FlState): string | null => {
        ex.view(s);
        let values: readonly Value[] | null;
        try {
          values = witness(ex);
        } catch {
          return null; // the body failed with a runtime error: no single instance to name
        }
        if (values === null) return null;
        const names = namer({ machines }, s);
        return binders
          .map((b, i) => `${b.name} = ${valueToText(values[i]!, b.elemType, names, valueTypes(ir))}`)
          .join(", ");
      };
    }
    return invariant;
  });
}

/** `cover (Spec.State)`: witnessed where the monitor (one per asserted spec, in order) is in that state. */
function coverWitnesses(test: IrTest, monitors: readonly OwnerTable[]): WitnessProperty<FlState>[] {
  return test.covers.map((c) => {
    const m = monitors.findIndex((t) => t.name === c.spec);
    const state = m < 0 ? -1 : monitors[m]!.states.findIndex((st) => st.name === c.state);
    if (state < 0) throw new Error(`test ${test.name} covers unknown spec state ${c.spec}.${c.state}`);
    return {
      name: `${c.spec}.${c.state}`,
      kind: "cover" as const,
      location: spanToLocation(c.span),
      holds: (s: FlState) => s.monitors[m]!.state === state,
    };
  });
}

/** The test's asserted invariants, or its asserted witness properties. */
function asserted(ir: IrProgram, test: IrTest, kind: "invariant" | "reachable"): IrInvariant[] {
  return test.asserts
    .filter((a) => a.kind === kind)
    .map((a) => {
      const inv = ir.invariants.find((i) => i.name === a.name);
      if (!inv) throw new Error(`test ${test.name} asserts unknown ${kind} property ${a.name}`);
      return inv;
    });
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
