// The checker's entry: declarations, then every body, then whole-program checks.
// Diagnostics are collected, never thrown; results go to side tables.
import type { Expr, Ident, Program, StateDecl, TestDecl } from "../ast.js";
import { type Diagnostic, type RelatedInfo, sortDiagnostics } from "../diagnostics.js";
import { FAULT_EVENT_KINDS } from "../fault-events.js";
import { BOOL, INT, type Type, typeEquals } from "../types.js";
import { type AnyNode, walkAst } from "../parser-walk.js";
import { BodyChecker } from "./check-stmt.js";
import { eventsPayload, faultEventMisuse, unknownEvent } from "./event-payloads.js";
import {
  assumeProblem,
  type ConstValue,
  evalConst,
  formatConst,
  literalValue,
  testCombinations,
} from "./constants.js";
import { type CheckState, type CodeFacts, newContext, newFacts, report, isMissing } from "./context.js";
import { collectDeclarations, emptySymbols, resolveSignatures } from "./declarations.js";
import { checkModules, moduleMachines, unknownModuleName, unknownMachine } from "./modules.js";
import { TypeResolver } from "./resolve-types.js";
import {
  checkCalledEffects,
  checkHandlerConflicts,
  checkReachability,
  checkStartStates,
  checkTemperatures,
  checkTimers,
} from "./semantic-checks.js";
import { didYouMean } from "./suggest.js";
import type { CheckTables, MachineInfo } from "./tables.js";
import { mismatchHint, showType } from "./type-text.js";

export interface CheckResult {
  diagnostics: Diagnostic[];
  tables: CheckTables;
}

export function checkProgram(program: Program): CheckResult {
  const st: CheckState = {
    tables: {
      types: new Map(),
      declTypes: new Map(),
      toAny: new Map(),
      refs: new Map(),
      ops: new Map(),
      symbols: emptySymbols(),
    },
    diagnostics: [],
    duplicates: { machines: [], funs: [], invariants: [], tests: [] },
    funFacts: new Map(),
  };
  collectDeclarations(st, program);
  checkModules(
    st,
    program.decls.filter((d) => d.kind === "ModuleDecl"),
  );
  const types = new TypeResolver(st, st.tables.symbols);
  resolveSignatures(st, program, types);
  const bc = new BodyChecker(st, types);
  const symbols = st.tables.symbols;
  const dup = st.duplicates;
  const restrictedCallers: { facts: CodeFacts; context: "spec" | "invariant" }[] = [];

  // Duplicates are checked too (their errors are real), but only first declarations are called or lowered.
  for (const f of symbols.funs.values()) {
    if (!f.foreign) st.funFacts.set(f.name, bc.checkFun(f, null));
  }
  for (const f of dup.funs) if (!f.foreign) bc.checkFun(f, null);
  for (const m of [...symbols.machines.values(), ...symbols.specs.values(), ...dup.machines]) {
    const { stateFacts, funFacts } = checkMachineBodies(st, bc, m);
    checkStartStates(st, m);
    checkTemperatures(st, m);
    checkHandlerConflicts(st, m);
    // With an unknown goto target or several start states, reachability would only echo those errors.
    if (!bc.unknownGotoTargets.has(m) && m.decl.states.filter((s) => s.isStart).length === 1) {
      checkReachability(st, m, stateFacts, (fun) => funFacts.get(fun));
    }
    if (!m.isSpec) checkTimers(st, bc.timerUses.get(m));
    if (m.isSpec) {
      for (const facts of [...stateFacts.values(), ...funFacts.values()]) {
        restrictedCallers.push({ facts, context: "spec" });
      }
    }
  }
  for (const inv of [...symbols.invariants.values(), ...dup.invariants]) {
    const cx = newContext("invariant", null, null);
    const t = bc.expr(inv.expr, cx);
    if (t.kind !== "bool" && t.kind !== "error") {
      report(
        st,
        "FL308",
        inv.expr.span,
        `${inv.reachable ? "reachable property" : "invariant"} '${inv.name.name}' must be a bool expression, got ${showType(t)}`,
      );
    }
    restrictedCallers.push({ facts: cx.facts, context: "invariant" });
  }
  checkCalledEffects(st, restrictedCallers);
  for (const test of [...symbols.tests.values(), ...dup.tests]) checkTest(st, bc, test);
  return { diagnostics: sortDiagnostics(st.diagnostics), tables: st.tables };
}

// ------------------------------------------------------------ machines and specs

/** Checks every state and function of a machine or spec; returns what each state's code and each function does. */
function checkMachineBodies(
  st: CheckState,
  bc: BodyChecker,
  m: MachineInfo,
): { stateFacts: Map<string, CodeFacts>; funFacts: Map<string, CodeFacts> } {
  if (m.decl.kind === "SpecDecl") {
    // A spec may also observe faults: suggest those too (`crsh` -> `crash`).
    for (const ev of m.decl.observes) {
      if (!st.tables.symbols.events.has(ev.name)) unknownEvent(st, ev, FAULT_EVENT_KINDS);
    }
    const entry = m.startState?.entry;
    if (entry && bc.entryParamType(m.startState!, m) !== null) {
      const at =
        entry.action.kind === "InlineAction" && entry.action.param
          ? entry.action.param.name.span
          : entry.span;
      report(
        st,
        "FL302",
        at,
        `the start state of spec '${m.name}' receives no payload, so its entry cannot take one`,
        {
          hint: "a spec monitor starts by itself; remove the parameter",
        },
      );
    }
  }
  const stateFacts = new Map<string, CodeFacts>();
  for (const s of m.decl.states) {
    const facts = newFacts();
    if (m.states.get(s.name.name) === s) stateFacts.set(s.name.name, facts);
    checkState(bc, st, m, s, facts);
  }
  const funFacts = new Map<string, CodeFacts>();
  for (const f of m.funs.values()) funFacts.set(f.name, bc.checkFun(f, m));
  return { stateFacts, funFacts };
}

function checkState(bc: BodyChecker, st: CheckState, m: MachineInfo, s: StateDecl, facts: CodeFacts): void {
  const symbols = st.tables.symbols;
  const sname = s.name.name;
  if (s.entry) {
    const a = s.entry.action;
    if (a.kind === "InlineAction" && a.param && !a.param.type) {
      report(st, "FL302", a.param.name.span, `the entry parameter '${a.param.name.name}' needs a type`, {
        hint: `write entry (${a.param.name.name}: T) { ... }`,
      });
    }
    bc.checkAction(a, m, facts, {
      type: bc.entryParamType(s, m),
      what: `the entry of state '${sname}'`,
      paramAllowed: true,
    });
  }
  if (s.exit) {
    bc.checkAction(s.exit.action, m, facts, {
      type: null,
      what: `the exit of state '${sname}'`,
      paramAllowed: false,
    });
  }
  for (const item of s.items) {
    if (!m.isSpec && item.kind !== "OnTimeoutDo" && item.kind !== "OnTimeoutGoto") {
      for (const ev of item.events) {
        if (symbols.events.get(ev.name)?.fault) faultEventMisuse(st, ev, "handled by a machine");
      }
    }
    switch (item.kind) {
      case "OnDo":
      case "OnGoto": {
        const payload = eventsPayload(st, item.events);
        const what = `the handler of ${item.events.map((e) => `'${e.name}'`).join(", ")}`;
        const action = item.kind === "OnDo" ? item.action : item.with;
        if (action) bc.checkAction(action, m, facts, { type: payload, what, paramAllowed: true });
        if (item.kind === "OnGoto") checkGotoTarget(bc, st, m, item.target, item.events);
        break;
      }
      case "Defer":
      case "Ignore":
        if (item.kind === "Defer" && m.isSpec) {
          report(st, "FL403", item.span, "'defer' is not allowed in a spec monitor", {
            hint: "a monitor sees each event when it is sent; it cannot postpone it (use 'ignore')",
          });
        }
        for (const ev of item.events) if (!symbols.events.has(ev.name)) unknownEvent(st, ev);
        break;
      case "OnTimeoutDo":
      case "OnTimeoutGoto": {
        if (m.isSpec) {
          report(st, "FL403", item.span, "timeouts are not allowed in a spec monitor", {
            hint: "a monitor has no timers; express liveness with hot states",
          });
        } else if (!isMissing(item.timer.name)) {
          m.timers.add(item.timer.name);
          const uses = bc.timersOf(m);
          if (!uses.handled.has(item.timer.name)) uses.handled.set(item.timer.name, item.timer.span);
        }
        const what = `the timeout handler of '${item.timer.name}'`;
        const action = item.kind === "OnTimeoutDo" ? item.action : item.with;
        if (action) bc.checkAction(action, m, facts, { type: null, what, paramAllowed: false });
        if (item.kind === "OnTimeoutGoto") checkGotoTarget(bc, st, m, item.target, null);
        break;
      }
    }
  }
}

/** `on E goto S` / `on timeout T goto S`: S exists, and its entry gets the payload it needs. */
function checkGotoTarget(
  bc: BodyChecker,
  st: CheckState,
  m: MachineInfo,
  target: Ident,
  events: Ident[] | null,
): void {
  const state = m.states.get(target.name);
  if (!state) {
    bc.unknownState(target, m);
    return;
  }
  const want = bc.entryParamType(state, m);
  if (!want || want.kind === "error") return;
  if (events === null) {
    report(
      st,
      "FL301",
      target.span,
      `state '${target.name}' (its entry) needs a payload of type ${showType(want)}, but a timeout carries none`,
    );
    return;
  }
  for (const ev of events) {
    const info = st.tables.symbols.events.get(ev.name);
    if (!info) continue;
    if (info.payload === null) {
      report(
        st,
        "FL301",
        target.span,
        `state '${target.name}' (its entry) needs a payload of type ${showType(want)}, but event '${ev.name}' carries none`,
      );
    } else if (!typeEquals(info.payload, want)) {
      report(
        st,
        "FL301",
        target.span,
        `state '${target.name}' (its entry) takes ${showType(want)}, but event '${ev.name}' carries ${showType(info.payload)}`,
        { hint: mismatchHint(info.payload, want) },
      );
    }
  }
}

// ------------------------------------------------------------ tests

function checkTest(st: CheckState, bc: BodyChecker, test: TestDecl): void {
  const symbols = st.tables.symbols;
  const cx = newContext("test", null, null);
  const main = symbols.machines.get(test.main.name);
  if (!main) {
    unknownMachine(st, test.main);
  } else if (main.startState) {
    const p = bc.entryParamType(main.startState, main);
    if (p) {
      report(
        st,
        "FL411",
        test.main.span,
        `main machine '${main.name}' takes a payload (${showType(p)}), but a test starts it with none`,
        {
          hint: "give its start state an entry without a parameter, and create the configuration from there",
          related: [
            { message: "the start state's entry takes the payload here", span: main.startState.entry!.span },
          ],
        },
      );
    }
  }
  for (const a of test.asserts) {
    if (symbols.invariants.has(a.name) || symbols.specs.has(a.name) || isMissing(a.name)) continue;
    report(st, "FL206", a.span, `unknown property '${a.name}'`, {
      hint:
        didYouMean(a.name, [...symbols.invariants.keys(), ...symbols.specs.keys()]) ??
        (symbols.machines.has(a.name)
          ? `'${a.name}' is a machine; a test asserts invariants and specs`
          : undefined),
    });
  }
  const allowed =
    test.machines === null
      ? null
      : moduleMachines(symbols, test.machines, undefined, (id, inSet) => unknownModuleName(st, id, inSet));
  checkSymmetric(st, test, allowed);
  checkSubstitutions(st, bc, test, allowed);
  checkCovers(st, test);

  const bound = new Map<string, ConstValue[]>();
  for (const b of test.params) {
    const param = symbols.params.get(b.param.name);
    const values: ConstValue[] = [];
    for (const v of b.values) {
      const t = bc.expr(v, cx);
      const value = literalValue(v);
      if (value === undefined) {
        if (t.kind !== "error") {
          report(st, "FL414", v.span, "a test param value must be a literal (an int, bool or string)");
        }
        continue;
      }
      if (values.includes(value)) {
        // The expanded tests would share a name.
        report(
          st,
          "FL207",
          v.span,
          `value ${JSON.stringify(value)} is listed twice for param '${b.param.name}'`,
        );
        continue;
      }
      values.push(value);
      if (param && !typeEquals(t, param.type)) {
        report(
          st,
          "FL300",
          v.span,
          `type mismatch: param '${b.param.name}' is ${showType(param.type)}, got ${showType(t)}`,
        );
      }
    }
    if (!param) {
      if (!isMissing(b.param.name)) {
        report(st, "FL209", b.param.span, `unknown param '${b.param.name}'`, {
          hint: didYouMean(b.param.name, symbols.params.keys()) ?? `declare it: param ${b.param.name}: int;`,
        });
      }
      continue;
    }
    if (bound.has(b.param.name)) {
      const first = test.params.find((x) => x.param.name === b.param.name)!;
      report(
        st,
        "FL207",
        b.param.span,
        `param '${b.param.name}' is bound twice in test '${test.name.name}'`,
        {
          related: [{ message: "first bound here", span: first.param.span }],
        },
      );
      continue;
    }
    bound.set(b.param.name, values);
  }
  checkGeneration(st, bc, test, bound, cx);

  for (const f of test.faults) {
    if (f.kind === "DropFault" || f.kind === "DuplicateFault") {
      for (const ev of f.events) if (!symbols.events.has(ev.name)) unknownEvent(st, ev);
    }
    if (f.kind === "CrashFault" && !symbols.machines.has(f.machine.name)) unknownMachine(st, f.machine);
    if (f.kind !== "ReorderFault") checkBudget(st, bc, f.atMost, bound, test, cx);
  }
}

/**
 * FL418 for a `(t wise)` clause with t outside 1..(bound params) or an
 * `assume (...)` that is not a constant bool expression over the bound params
 * (or has no value for some combination: division by zero); FL419 when the
 * `assume` holds for no combination, so the test would have no instance.
 */
function checkGeneration(
  st: CheckState,
  bc: BodyChecker,
  test: TestDecl,
  bound: ReadonlyMap<string, ConstValue[]>,
  cx: ReturnType<typeof newContext>,
): void {
  let ok = bound.size === test.params.length;
  if (test.wise !== null) {
    const t = literalValue(test.wise);
    if (typeof t !== "number" || t < 1 || t > test.params.length) {
      ok = false;
      report(
        st,
        "FL418",
        test.wise.span,
        `'(${formatConst(t ?? 0)} wise)' needs from 1 to ${test.params.length} bound params, and test '${test.name.name}' binds ${test.params.length}`,
        { hint: "(2 wise) covers every pair of values of every two params; bind at least two params" },
      );
    }
  }
  const assume = test.assume;
  if (assume === null) return;
  const problem = assumeProblem(assume, new Set(bound.keys()));
  if (problem !== null) {
    report(st, "FL418", problem.node.span, `an assume may not use ${problem.what}`, {
      hint: "use the test's bound params, literals, arithmetic, comparisons and && || !",
    });
    return;
  }
  const t = bc.expr(assume, cx);
  if (t.kind === "error") return;
  if (!typeEquals(t, BOOL)) {
    report(st, "FL418", assume.span, `an assume must be a bool, got ${showType(t)}`);
    return;
  }
  if (!ok) return;
  const bindings = test.params.map((b) => ({ name: b.param.name, values: bound.get(b.param.name)! }));
  const names = bindings.map((b) => b.name);
  for (const combo of testCombinations(bindings, null, null)) {
    if (evalConst(assume, combo) !== undefined) continue;
    report(
      st,
      "FL418",
      assume.span,
      `the assume has no value for ${names.map((n) => `${n}=${formatConst(combo[n]!)}`).join(", ")} (division by zero)`,
      { hint: "guard the division: (d == 0 || n / d > 1)" },
    );
    return;
  }
  if (testCombinations(bindings, assume, null).length === 0) {
    report(
      st,
      "FL419",
      assume.span,
      `the assume holds for no combination, so test '${test.name.name}' has no instance`,
      {
        hint: "relax the assume or add values it allows",
      },
    );
  }
}

/**
 * FL417 for a `cover (Spec.State)` target that is not a spec the test asserts,
 * not a state of that spec, or listed twice.
 */
function checkCovers(st: CheckState, test: TestDecl): void {
  const { symbols } = st.tables;
  const seen = new Set<string>();
  for (const c of test.covers) {
    const spec = symbols.specs.get(c.spec.name);
    const key = `${c.spec.name}.${c.state.name}`;
    if (spec === undefined) {
      report(st, "FL417", c.spec.span, `'${c.spec.name}' is not a spec monitor`, {
        hint:
          didYouMean(c.spec.name, symbols.specs.keys()) ??
          "a cover target is a spec monitor's state, as Spec.State",
      });
    } else if (!test.asserts.some((a) => a.name === c.spec.name)) {
      report(
        st,
        "FL417",
        c.spec.span,
        `test '${test.name.name}' covers a state of '${c.spec.name}' but does not assert it`,
        {
          hint: `add ${c.spec.name} to the test's assert list: only asserted specs run`,
        },
      );
    } else if (!spec.states.has(c.state.name)) {
      report(st, "FL417", c.state.span, `'${c.state.name}' is not a state of spec '${c.spec.name}'`, {
        hint:
          didYouMean(c.state.name, spec.states.keys()) ??
          `its states are ${[...spec.states.keys()].join(", ")}`,
      });
    } else if (seen.has(key)) {
      report(st, "FL417", c.span, `'${key}' is covered twice`);
    }
    seen.add(key);
  }
}

/**
 * `with { A -> B }`: FL203 for unknown machines; FL422 unless B can stand in
 * for A: another machine, substituted once, allowed by `in (...)`, with the
 * same creation payload type, handling, deferring or ignoring (in some state)
 * every event A does.
 */
function checkSubstitutions(
  st: CheckState,
  bc: BodyChecker,
  test: TestDecl,
  allowed: readonly string[] | null,
): void {
  const symbols = st.tables.symbols;
  const seen = new Set<string>();
  for (const sub of test.substitutions) {
    const from = symbols.machines.get(sub.from.name);
    const to = symbols.machines.get(sub.to.name);
    if (!from) unknownMachine(st, sub.from);
    if (!to) unknownMachine(st, sub.to);
    if (!from || !to) continue;
    const incompatible = (message: string, hint: string, related: RelatedInfo[] = []): void =>
      report(st, "FL422", sub.span, `'${to.name}' cannot stand in for '${from.name}': ${message}`, {
        hint,
        related,
      });
    if (from === to) {
      incompatible("a machine cannot substitute itself", "remove the substitution");
    } else if (seen.has(from.name)) {
      incompatible(`'${from.name}' is substituted twice`, "substitute each machine type once");
    } else if (allowed !== null && !allowed.includes(to.name)) {
      incompatible(
        "the test's 'in (...)' list leaves it out",
        `add '${to.name}' to the 'in (...)' list: the test creates it in place of '${from.name}'`,
      );
    } else {
      const payload = (m: MachineInfo) => (m.startState ? bc.entryParamType(m.startState, m) : null);
      const pf = payload(from);
      const pt = payload(to);
      const shown = (t: Type | null) => (t === null ? "no payload" : showType(t));
      if (!(pf === null ? pt === null : pt !== null && typeEquals(pf, pt))) {
        incompatible(
          `'${from.name}' is created with ${shown(pf)}, '${to.name}' with ${shown(pt)}`,
          "give both start states' entries the same parameter type",
        );
      } else {
        const missing = [...eventsNamed(from)].filter((e) => !eventsNamed(to).has(e));
        if (missing.length > 0) {
          incompatible(
            `'${to.name}' never handles, defers or ignores ${missing.map((e) => `'${e}'`).join(", ")}, which '${from.name}' accepts`,
            `handle, defer or ignore ${missing.length === 1 ? "it" : "them"} in some state of '${to.name}'`,
            [{ message: `'${to.name}' is declared here`, span: to.decl.name.span }],
          );
        }
      }
    }
    seen.add(from.name);
  }
}

/** Every event some state of `m` handles, defers or ignores. */
function eventsNamed(m: MachineInfo): Set<string> {
  const out = new Set<string>();
  for (const s of m.decl.states) {
    for (const item of s.items) {
      if ("events" in item) for (const e of item.events) out.add(e.name);
    }
  }
  return out;
}

/** FL203 for unknown names; FL416 for the main machine, a type the test excludes, or a repeat. */
function checkSymmetric(st: CheckState, test: TestDecl, allowed: readonly string[] | null): void {
  const seen = new Set<string>();
  const receiving =
    test.symmetric.length > 0
      ? receivingMachines(st).filter((m) => allowed === null || allowed.includes(m))
      : [];
  if (receiving.length > 0) {
    report(
      st,
      "FL416",
      test.symmetric[0]!.span,
      `symmetry reduction does not support 'receive' yet, and '${receiving[0]}' uses it`,
      { hint: "remove 'symmetric (...)' from this test; the check explores every instance order" },
    );
  }
  for (const m of test.symmetric) {
    if (!st.tables.symbols.machines.has(m.name)) {
      unknownMachine(st, m);
    } else if (m.name === test.main.name) {
      report(
        st,
        "FL416",
        m.span,
        `the main machine '${m.name}' cannot be symmetric: a test has one instance of it`,
        {
          hint: "declare the machine types the main machine creates several interchangeable instances of",
        },
      );
    } else if (allowed !== null && !allowed.includes(m.name)) {
      report(
        st,
        "FL416",
        m.span,
        `'${m.name}' is declared symmetric but the test's 'in (...)' list leaves it out`,
        {
          hint: `add '${m.name}' to the 'in (...)' list, or remove it from 'symmetric (...)'`,
        },
      );
    } else if (seen.has(m.name)) {
      report(st, "FL416", m.span, `'${m.name}' is declared symmetric twice`, {
        hint: "list each machine type once",
      });
    }
    seen.add(m.name);
  }
}

/** Machines whose code has a `receive` statement (a blocked machine's state is not permuted by symmetry). */
function receivingMachines(st: CheckState): string[] {
  const out: string[] = [];
  for (const m of st.tables.symbols.machines.values()) {
    let found = false;
    walkAst(m.decl as AnyNode, (n) => {
      if (n.kind === "Receive") found = true;
    });
    if (found) out.push(m.name);
  }
  return out;
}

/** FL412 unless the budget is a non-negative int literal or a param bound to such values. */
function checkBudget(
  st: CheckState,
  bc: BodyChecker,
  e: Expr,
  bound: Map<string, ConstValue[]>,
  test: TestDecl,
  cx: ReturnType<typeof newContext>,
): void {
  const t = bc.expr(e, cx);
  if (t.kind === "error") return;
  const value = literalValue(e);
  if (value !== undefined) {
    if (typeof value !== "number" || value < 0) {
      report(st, "FL412", e.span, `a fault budget must be a non-negative int, got ${JSON.stringify(value)}`);
    }
    return;
  }
  const ref = st.tables.refs.get(unwrapName(e)?.id ?? -1);
  if (ref?.kind !== "param") {
    report(st, "FL412", e.span, "a fault budget must be an int literal or a param bound by the test");
    return;
  }
  if (!typeEquals(t, INT)) {
    report(st, "FL412", e.span, `a fault budget must be an int, but param '${ref.name}' is ${showType(t)}`);
    return;
  }
  const values = bound.get(ref.name);
  if (!values) {
    report(st, "FL412", e.span, `param '${ref.name}' has no value in test '${test.name.name}'`, {
      hint: `bind it: test param (${ref.name} in [1, 2]) ${test.name.name} ...`,
    });
    return;
  }
  const bad = values.find((v) => typeof v !== "number" || v < 0);
  if (bad !== undefined) {
    report(
      st,
      "FL412",
      e.span,
      `a fault budget must be a non-negative int, but param '${ref.name}' can be ${JSON.stringify(bad)}`,
    );
  }
}

function unwrapName(e: Expr): Expr | undefined {
  while (e.kind === "Paren") e = e.expr;
  return e.kind === "Name" ? e : undefined;
}
