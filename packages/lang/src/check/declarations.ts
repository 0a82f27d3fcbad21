// Collects the global declarations into namespaces (FL207 on duplicates) and
// resolves the types of every signature: event payloads, params, machine
// variables and function parameters/results.
import type { FunDecl, Ident, MachineDecl, Program, SpecDecl } from "../ast.js";
import { FAULT_EVENT_KINDS, faultTakesMachine, isFaultEventKind, splitEventName } from "../fault-events.js";
import { containsAny, ERROR, type Type, VOID } from "../types.js";
import { type CheckState, report, isMissing } from "./context.js";
import { BUILTIN_TYPE_NAMES, type TypeResolver } from "./resolve-types.js";
import { didYouMean } from "./suggest.js";
import { BUILTIN_NAMES, type FunInfo, type GlobalSymbols, type MachineInfo } from "./tables.js";

/** A namespace that reports the second declaration of a name, pointing at the first. */
class Namespace {
  private readonly first = new Map<string, { ident: Ident; what: string }>();

  constructor(
    private readonly st: CheckState,
    reserved: readonly string[] = [],
    private readonly reservedWhat = "built-in",
  ) {
    for (const r of reserved) this.first.set(r, { ident: null as unknown as Ident, what: reservedWhat });
  }

  /** True when the name is new (and now taken). */
  declare(ident: Ident, what: string): boolean {
    if (isMissing(ident.name)) return false; // the parser already reported the missing name
    const prior = this.first.get(ident.name);
    if (!prior) {
      this.first.set(ident.name, { ident, what });
      return true;
    }
    if (prior.ident === null) {
      report(
        this.st,
        "FL207",
        ident.span,
        `'${ident.name}' is a ${this.reservedWhat} name and cannot be redeclared`,
        {
          hint: "choose another name",
        },
      );
    } else {
      report(
        this.st,
        "FL207",
        ident.span,
        `duplicate declaration: ${prior.what} '${ident.name}' is already declared`,
        {
          related: [{ message: `${prior.what} '${ident.name}' first declared here`, span: prior.ident.span }],
        },
      );
    }
    return false;
  }
}

export function emptySymbols(): GlobalSymbols {
  return {
    enums: new Map(),
    aliases: new Map(),
    enumMembers: new Map(),
    events: new Map(),
    machines: new Map(),
    specs: new Map(),
    funs: new Map(),
    invariants: new Map(),
    params: new Map(),
    tests: new Map(),
    modules: new Map(),
  };
}

export function collectDeclarations(st: CheckState, program: Program): GlobalSymbols {
  const symbols = st.tables.symbols;
  const typeNames = new Namespace(st, BUILTIN_TYPE_NAMES, "built-in type");
  const eventNames = new Namespace(st);
  const funNames = new Namespace(st, BUILTIN_NAMES, "built-in function");
  const propertyNames = new Namespace(st);
  const valueNames = new Namespace(st);
  const testNames = new Namespace(st);

  for (const d of program.decls) {
    switch (d.kind) {
      case "EnumDecl": {
        const isNew = typeNames.declare(d.name, "type");
        const info = { decl: d, name: d.name.name, members: [] as string[] };
        const members = new Namespace(st);
        for (const m of d.members) {
          if (!members.declare(m, `member of '${d.name.name}'`)) continue;
          info.members.push(m.name);
          // Bare members share one namespace with params: a bare name must mean one thing.
          if (valueNames.declare(m, `enum member`)) symbols.enumMembers.set(m.name, info);
        }
        if (isNew) symbols.enums.set(d.name.name, info);
        break;
      }
      case "TypeAliasDecl":
        if (typeNames.declare(d.name, "type")) symbols.aliases.set(d.name.name, d);
        break;
      case "EventDecl":
        if (eventNames.declare(d.name, "event")) {
          symbols.events.set(d.name.name, {
            decl: d,
            name: d.name.name,
            index: symbols.events.size,
            payload: null,
            fault: null,
          });
        }
        break;
      case "ModuleDecl":
        // Modules share the type namespace: `in (X)` must mean one machine or one module.
        if (typeNames.declare(d.name, "module")) {
          symbols.modules.set(d.name.name, { decl: d, machines: [], resolved: false });
        }
        break;
      case "MachineDecl": {
        const info = collectMachine(st, d, false);
        if (typeNames.declare(d.name, "machine")) symbols.machines.set(d.name.name, info);
        else st.duplicates.machines.push(info);
        break;
      }
      case "SpecDecl": {
        const info = collectMachine(st, d, true);
        const isNewType = typeNames.declare(d.name, "spec");
        if (isNewType && propertyNames.declare(d.name, "spec")) symbols.specs.set(d.name.name, info);
        else st.duplicates.machines.push(info);
        break;
      }
      case "FunDecl":
        if (funNames.declare(d.name, d.foreign ? "foreign function" : "function")) {
          symbols.funs.set(d.name.name, funInfo(d, null));
        } else {
          st.duplicates.funs.push(funInfo(d, null));
        }
        break;
      case "InvariantDecl":
        if (propertyNames.declare(d.name, "invariant")) symbols.invariants.set(d.name.name, d);
        else st.duplicates.invariants.push(d);
        break;
      case "ParamDecl":
        if (valueNames.declare(d.name, "param")) {
          symbols.params.set(d.name.name, { decl: d, type: { kind: "error" } });
        }
        break;
      case "TestDecl":
        if (testNames.declare(d.name, "test")) symbols.tests.set(d.name.name, d);
        else st.duplicates.tests.push(d);
        break;
    }
  }
  for (const d of program.decls) {
    if (d.kind === "SpecDecl") for (const ev of d.observes) collectFaultEvent(st, ev);
  }
  return symbols;
}

/**
 * An observed fault (`crash`, `crash(Node)`, `partition`, fault-events.ts) becomes an
 * event of the program, unless an event of that name is declared (a declared event
 * `crash` is the user's). A machine type in parentheses on anything but a fault, a
 * fault that concerns no machine, or an unknown machine type: FL202 / FL203, and the
 * name is still entered (payload: error) so its handlers do not cascade.
 */
function collectFaultEvent(st: CheckState, ev: Ident): void {
  const symbols = st.tables.symbols;
  if (isMissing(ev.name) || symbols.events.has(ev.name)) return;
  const { base, machine } = splitEventName(ev.name);
  if (!isFaultEventKind(base)) {
    if (machine === null) return; // an unknown event: FL202 where it is used
    report(st, "FL202", ev.span, `'${base}' is not a fault, so it takes no machine type`, {
      hint: `a spec observes faults as events: ${FAULT_EVENT_KINDS.join(", ")}; a declared event is written without '(${machine})'`,
    });
  } else if (machine !== null && !faultTakesMachine(base)) {
    report(
      st,
      "FL202",
      ev.span,
      `the fault event '${base}' concerns no machine, so it takes no machine type`,
      {
        hint: `write '${base}'; only ${FAULT_EVENT_KINDS.filter(faultTakesMachine).join(", ")} name a machine type`,
      },
    );
  } else if (machine !== null && !symbols.machines.has(machine)) {
    report(st, "FL203", ev.span, `unknown machine '${machine}' in the fault event '${ev.name}'`, {
      hint: didYouMean(machine, symbols.machines.keys()),
    });
  } else {
    const payload: Type | null = faultTakesMachine(base) ? { kind: "machine", name: machine } : null;
    symbols.events.set(ev.name, {
      decl: { kind: "EventDecl", id: ev.id, span: ev.span, name: ev, payload: null },
      name: ev.name,
      index: symbols.events.size,
      payload,
      fault: { kind: base, machine },
    });
    return;
  }
  symbols.events.set(ev.name, {
    decl: { kind: "EventDecl", id: ev.id, span: ev.span, name: ev, payload: null },
    name: ev.name,
    index: symbols.events.size,
    payload: ERROR,
    fault: null,
  });
}

function funInfo(decl: FunDecl, owner: string | null): FunInfo {
  return { decl, name: decl.name.name, owner, params: [], returnType: VOID, foreign: decl.foreign };
}

function collectMachine(st: CheckState, decl: MachineDecl | SpecDecl, isSpec: boolean): MachineInfo {
  const info: MachineInfo = {
    decl,
    name: decl.name.name,
    isSpec,
    vars: new Map(),
    states: new Map(),
    funs: new Map(),
    startState: null,
    timers: new Set(),
  };
  const vars = new Namespace(st);
  for (const v of decl.vars) {
    if (vars.declare(v.name, "variable")) info.vars.set(v.name.name, { decl: v, type: { kind: "error" } });
  }
  const states = new Namespace(st);
  for (const s of decl.states) {
    if (states.declare(s.name, "state")) info.states.set(s.name.name, s);
    if (s.isStart && info.startState === null) info.startState = s;
  }
  const funs = new Namespace(st, BUILTIN_NAMES, "built-in function");
  for (const f of decl.funs) {
    if (funs.declare(f.name, "function")) info.funs.set(f.name.name, funInfo(f, info.name));
  }
  return info;
}

/** Resolves every declared type. Runs after collection so declarations may refer to later ones. */
export function resolveSignatures(st: CheckState, program: Program, types: TypeResolver): void {
  const symbols = st.tables.symbols;
  const declTypes = st.tables.declTypes;
  for (const alias of symbols.aliases.values()) types.aliasType(alias);
  for (const d of program.decls) {
    if (d.kind === "EventDecl" && d.payload) {
      const t = types.resolve(d.payload);
      declTypes.set(d.id, t);
      const info = symbols.events.get(d.name.name);
      if (info && info.decl === d) info.payload = t;
    } else if (d.kind === "ParamDecl") {
      const t = types.resolve(d.type);
      declTypes.set(d.id, t);
      if (t.kind !== "int" && t.kind !== "bool" && t.kind !== "string" && t.kind !== "error") {
        report(
          st,
          "FL300",
          d.type.span,
          `a param must have type int, bool or string, not ${describeType(t)}`,
          {
            hint: "tests bind params to literal values",
          },
        );
      }
      const info = symbols.params.get(d.name.name);
      if (info && info.decl === d) info.type = t;
    }
  }
  for (const f of [...symbols.funs.values(), ...st.duplicates.funs]) resolveFun(st, f, types);
  for (const m of [...symbols.machines.values(), ...symbols.specs.values(), ...st.duplicates.machines]) {
    for (const v of m.decl.vars) {
      const t = types.resolve(v.type);
      declTypes.set(v.id, t);
      const info = m.vars.get(v.name.name);
      if (info && info.decl === v) info.type = t;
    }
    for (const f of m.funs.values()) resolveFun(st, f, types);
  }
}

function resolveFun(st: CheckState, f: FunInfo, types: TypeResolver): void {
  const names = new Namespace(st);
  for (const p of f.decl.params) {
    const t = types.resolve(p.type);
    st.tables.declTypes.set(p.id, t);
    names.declare(p.name, "parameter");
    f.params.push({ name: p.name.name, type: t });
  }
  f.returnType = f.decl.returnType ? types.resolve(f.decl.returnType) : VOID;
  st.tables.declTypes.set(f.decl.id, f.returnType);
  if (f.foreign) {
    // Values cross to TypeScript in their plain representation, which an `any` is not.
    const typed = [...f.decl.params.map((p) => p.type), ...(f.decl.returnType ? [f.decl.returnType] : [])];
    for (const te of typed) {
      if (containsAny(types.resolve(te))) {
        report(st, "FL313", te.span, "a foreign function cannot take or return 'any' values", {
          hint: "give it a concrete type; cast an any before passing it: f(x as int)",
        });
      }
    }
  }
}

function describeType(t: Type): string {
  switch (t.kind) {
    case "enum":
      return `enum '${t.name}'`;
    case "machine":
      return `machine reference`;
    default:
      return t.kind;
  }
}
