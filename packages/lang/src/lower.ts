// Checked AST + side tables -> IR (see ir.ts). Runs only on programs without
// errors: anything missing from the tables here is a checker bug, so it throws.
import {
  type Action,
  type Block,
  type Expr,
  eventValueExpr,
  type FunDecl,
  type Program,
  type Span,
  type StateDecl,
  type Stmt,
  type TestDecl,
} from "./ast.js";
import { unparen } from "./check/check-expr.js";
import { type ConstValue, declaredCombinations, literalValue, testInstanceName } from "./check/constants.js";
import { moduleMachines } from "./check/modules.js";
import type { CheckTables, FunInfo, MachineInfo, Resolution } from "./check/tables.js";
import {
  HALT_EVENT,
  type IrAction,
  type IrEvent,
  type IrExpr,
  type IrFault,
  type IrFun,
  type IrHandler,
  type IrMachine,
  type IrProgram,
  type IrReceiveSite,
  type IrSpec,
  type IrState,
  type IrStmt,
  type IrTest,
  type IrTimeoutHandler,
} from "./ir.js";
import { ANY, BOOL, dynamicType, STRING, type Type, typeEquals, typeToString } from "./types.js";

export function lowerProgram(program: Program, tables: CheckTables): IrProgram {
  return new Lowerer(tables).program(program);
}

class Lowerer {
  /** Where the program first sends the built-in halt event, if it does. */
  private haltSent: Span | null = null;
  /** The machine being lowered and its receive sites (receive is machine code only). */
  private owner: MachineInfo | null = null;
  private receives: IrReceiveSite[] | null = null;
  /** IrProgram.anyTypes, and each one's id by its text (equal types, one id). */
  private readonly anyTypes: Type[] = [];
  private readonly anyTypeIds = new Map<string, number>();
  /** Whether some send, raise or announce takes an event value (its payload is checked when it runs). */
  private eventValues = false;

  constructor(private readonly t: CheckTables) {}

  program(program: Program): IrProgram {
    const s = this.t.symbols;
    // Code first: lowering it notes whether the program sends the built-in halt event.
    const machines = [...s.machines.values()].map((m, i) => this.machine(m, i));
    const specs = [...s.specs.values()].map((m, i) => this.spec(m, i));
    const funs = [...s.funs.values()].map((f) => this.fun(f));
    const events: IrEvent[] = [...s.events.values()].map((e) => ({
      name: e.name,
      index: e.index,
      payload: e.payload,
      span: e.decl.span,
      ...(e.fault ? { fault: e.fault } : {}),
    }));
    if (this.haltSent !== null) {
      events.push({ name: HALT_EVENT, index: events.length, payload: null, span: this.haltSent });
    }
    const invariants = [...s.invariants.values()].map((inv) => ({
      name: inv.name.name,
      expr: this.expr(inv.expr),
      span: inv.span,
      reachable: inv.reachable,
    }));
    // An event value's payload is checked against its event's payload type by id.
    if (this.eventValues)
      for (const e of events) if (e.payload !== null && e.payload.kind !== "any") this.anyTypeId(e.payload);
    return {
      files: [program.span.file],
      enums: [...s.enums.values()].map((e) => ({ name: e.name, members: [...e.members], span: e.decl.span })),
      events,
      params: [...s.params.entries()].map(([name, p]) => ({ name, type: p.type, span: p.decl.span })),
      machines,
      specs,
      funs,
      invariants,
      tests: [...s.tests.values()].flatMap((test) => this.test(test)),
      anyTypes: this.anyTypes,
    };
  }

  /** The id of the dynamic type a value of static type `t` has as an `any` (IrProgram.anyTypes). */
  private anyTypeId(t: Type): number {
    const dyn = dynamicType(t);
    const key = typeToString(dyn);
    let id = this.anyTypeIds.get(key);
    if (id === undefined) {
      id = this.anyTypes.length;
      this.anyTypes.push(dyn);
      this.anyTypeIds.set(key, id);
    }
    return id;
  }

  /** `e` as an `any` (unchanged when it is one). */
  private toAny(e: IrExpr): IrExpr {
    if (e.type.kind === "any") return e;
    return { kind: "toAny", operand: e, typeId: this.anyTypeId(e.type), type: ANY, span: e.span };
  }

  /**
   * The event value `send`, `raise` or `announce` takes, when it is a variable
   * or another expression rather than a declared event (check-stmt.ts,
   * eventValuePayload); its payload becomes an `any`.
   */
  private eventValue(
    s: Stmt & { kind: "Send" | "Raise" | "Announce" },
  ): { eventValue: IrExpr; payload: IrExpr | null } | null {
    const event = s.eventExpr ?? (this.t.refs.has(s.event.id) ? eventValueExpr(s.event) : undefined);
    if (event === undefined) return null;
    this.eventValues = true;
    const p = this.opt(s.payload);
    return { eventValue: this.expr(event), payload: p === null ? null : this.toAny(p) };
  }

  // ------------------------------------------------------------ machines

  private machine(m: MachineInfo, index: number): IrMachine {
    const start = this.startOf(m);
    this.owner = m;
    const receives: IrReceiveSite[] = [];
    this.receives = receives;
    const lowered: IrMachine = {
      name: m.name,
      index,
      vars: this.vars(m),
      states: m.decl.states.map((s, i) => this.state(s, i, m)),
      startState: start.name.name,
      payload: this.entryParam(start, m)?.type ?? null,
      funs: [...m.funs.values()].map((f) => this.fun(f)),
      timers: [...m.timers].sort(),
      receives,
      span: m.decl.span,
    };
    this.owner = null;
    this.receives = null;
    return lowered;
  }

  private spec(m: MachineInfo, index: number): IrSpec {
    const decl = m.decl;
    if (decl.kind !== "SpecDecl") throw new Error(`internal: ${m.name} is not a spec`);
    return {
      name: m.name,
      index,
      observes: decl.observes.map((o) => o.name),
      vars: this.vars(m),
      states: decl.states.map((s, i) => this.state(s, i, m)),
      startState: this.startOf(m).name.name,
      funs: [...m.funs.values()].map((f) => this.fun(f)),
      span: decl.span,
    };
  }

  private startOf(m: MachineInfo): StateDecl {
    if (!m.startState) throw new Error(`internal: ${m.name} has no start state after checking`);
    return m.startState;
  }

  private vars(m: MachineInfo) {
    return m.decl.vars.map((v) => ({
      name: v.name.name,
      type: this.declType(v.id),
      durable: v.durable,
      span: v.span,
    }));
  }

  private state(s: StateDecl, index: number, m: MachineInfo): IrState {
    const handlers: IrHandler[] = [];
    const timeouts: IrTimeoutHandler[] = [];
    const deferred: string[] = [];
    const ignored: string[] = [];
    for (const item of s.items) {
      switch (item.kind) {
        case "OnDo":
          for (const ev of item.events) {
            handlers.push({
              kind: "do",
              event: ev.name,
              action: this.action(item.action, m),
              span: item.span,
            });
          }
          break;
        case "OnGoto":
          for (const ev of item.events) {
            handlers.push({
              kind: "goto",
              event: ev.name,
              target: item.target.name,
              with: item.with ? this.action(item.with, m) : null,
              span: item.span,
            });
          }
          break;
        case "Defer":
          deferred.push(...item.events.map((e) => e.name));
          break;
        case "Ignore":
          ignored.push(...item.events.map((e) => e.name));
          break;
        case "OnTimeoutDo":
          timeouts.push({
            kind: "do",
            timer: item.timer.name,
            action: this.action(item.action, m),
            span: item.span,
          });
          break;
        case "OnTimeoutGoto":
          timeouts.push({
            kind: "goto",
            timer: item.timer.name,
            target: item.target.name,
            with: item.with ? this.action(item.with, m) : null,
            span: item.span,
          });
          break;
      }
    }
    return {
      name: s.name.name,
      index,
      isStart: s.isStart,
      temperature: s.temperature,
      entry: s.entry ? this.action(s.entry.action, m) : null,
      exit: s.exit ? this.action(s.exit.action, m) : null,
      handlers,
      deferred,
      ignored,
      timeouts,
      span: s.span,
    };
  }

  /** The parameter a state's entry takes: its own, or that of the function it names. */
  private entryParam(s: StateDecl, m: MachineInfo): { name: string; type: Type } | null {
    const a = s.entry?.action;
    if (!a) return null;
    if (a.kind === "InlineAction")
      return a.param ? { name: a.param.name.name, type: this.declType(a.id) } : null;
    return this.funOf(this.ref(a.id), m).params[0] ?? null;
  }

  /** `Fun` as an action becomes an inline action that passes its parameter (if any) to Fun. */
  private action(a: Action, m: MachineInfo): IrAction {
    if (a.kind === "InlineAction") {
      return {
        param: a.param ? { name: a.param.name.name, type: this.declType(a.id) } : null,
        body: this.block(a.body),
        span: a.span,
      };
    }
    const ref = this.ref(a.id);
    const fun = this.funOf(ref, m);
    if (ref.kind !== "fun") throw new Error("internal: FunAction does not name a function");
    const param = fun.params[0] ?? null;
    const args: IrExpr[] = param
      ? [{ kind: "var", scope: "local", name: param.name, type: param.type, span: a.fun.span }]
      : [];
    const call: IrExpr = {
      kind: "call",
      fun: fun.name,
      scope: ref.scope,
      args,
      type: fun.returnType,
      span: a.span,
    };
    return { param, body: [{ kind: "expr", expr: call, span: a.span }], span: a.span };
  }

  /**
   * A receive case's action. `case E: Fun;` calls Fun with the payload: it is
   * bound to `fresh`, not to Fun's parameter name, which may be a local of the
   * code around the receive (the case runs inline, in that code's scope).
   */
  private caseAction(a: Action, m: MachineInfo, fresh: string): IrAction {
    const action = this.action(a, m);
    if (a.kind !== "FunAction" || action.param === null) return action;
    const param = { name: fresh, type: action.param.type };
    const call = action.body[0];
    if (call?.kind !== "expr" || call.expr.kind !== "call") throw new Error("internal: case function action");
    const arg: IrExpr = { kind: "var", scope: "local", name: fresh, type: param.type, span: a.span };
    return { ...action, param, body: [{ ...call, expr: { ...call.expr, args: [arg] } }] };
  }

  private funOf(ref: Resolution, m: MachineInfo | null): FunInfo {
    if (ref.kind !== "fun") throw new Error(`internal: expected a function reference, got ${ref.kind}`);
    const f = ref.owner === null ? this.t.symbols.funs.get(ref.name) : m?.funs.get(ref.name);
    if (!f) throw new Error(`internal: unknown function ${ref.name}`);
    return f;
  }

  private fun(f: FunInfo): IrFun {
    const decl: FunDecl = f.decl;
    return {
      name: f.name,
      owner: f.owner,
      params: f.params.map((p) => ({ name: p.name, type: p.type })),
      returnType: f.returnType,
      body: decl.body ? this.block(decl.body) : null,
      foreign: f.foreign,
      span: decl.span,
    };
  }

  // ------------------------------------------------------------ tests

  private test(test: TestDecl): IrTest[] {
    const s = this.t.symbols;
    const bindings = test.params.map((b) => ({
      name: b.param.name,
      values: b.values.map((v) => {
        const value = literalValue(v);
        if (value === undefined) throw new Error("internal: test param value is not a literal");
        return value;
      }),
    }));
    return declaredCombinations(test, bindings).map((combo) => {
      const paramValues: Record<string, ConstValue> = {};
      for (const [name, p] of s.params) paramValues[name] = combo[name] ?? defaultConst(p.type);
      return {
        name: testInstanceName(
          test.name.name,
          bindings.map((b) => b.name),
          combo,
        ),
        baseName: test.name.name,
        main: test.main.name,
        asserts: test.asserts.map((a) => {
          const inv = s.invariants.get(a.name);
          if (inv === undefined) return { kind: "spec" as const, name: a.name };
          return { kind: inv.reachable ? ("reachable" as const) : ("invariant" as const), name: a.name };
        }),
        covers: test.covers.map((c) => ({ spec: c.spec.name, state: c.state.name, span: c.span })),
        machines: test.machines ? moduleMachines(this.t.symbols, test.machines) : null,
        symmetric: test.symmetric.map((m) => m.name),
        substitutions: test.substitutions.map((s) => ({ from: s.from.name, to: s.to.name })),
        faults: test.faults.map((f) => this.fault(f, paramValues)),
        paramValues,
        span: test.span,
      };
    });
  }

  private fault(f: TestDecl["faults"][number], params: Record<string, ConstValue>): IrFault {
    const budget = (e: Expr): number => {
      const lit = literalValue(e);
      const u = unparen(e);
      const v = lit !== undefined ? lit : u.kind === "Name" ? params[u.name.name] : undefined;
      if (typeof v !== "number") throw new Error("internal: fault budget is not an int");
      return v;
    };
    switch (f.kind) {
      case "DropFault":
      case "DuplicateFault":
        return {
          kind: f.kind === "DropFault" ? "drop" : "duplicate",
          events: f.events.length > 0 ? f.events.map((e) => e.name) : null,
          atMost: budget(f.atMost),
          span: f.span,
        };
      case "ReorderFault":
        return { kind: "reorder", span: f.span };
      case "CrashFault":
        return {
          kind: "crash",
          machine: f.machine.name,
          atMost: budget(f.atMost),
          restart: f.restart,
          span: f.span,
        };
      case "PartitionFault":
        return { kind: "partition", atMost: budget(f.atMost), span: f.span };
    }
  }

  // ------------------------------------------------------------ statements

  private block(b: Block): IrStmt[] {
    return b.stmts.map((s) => this.stmt(s));
  }

  private stmt(s: Stmt): IrStmt {
    const span = s.span;
    switch (s.kind) {
      case "Block":
        // A nested block keeps its own scope (its locals may reuse a sibling block's names).
        return {
          kind: "if",
          cond: { kind: "bool", value: true, type: BOOL, span },
          // biome-ignore lint/suspicious/noThenProperty: ir.ts names the branch of an if statement `then`
          then: this.block(s),
          else: [],
          span,
        };
      case "LocalVar":
        return { kind: "local", name: s.name.name, type: this.declType(s.id), span };
      case "Assign":
        return this.assign(s);
      case "Send": {
        if (s.event.name === HALT_EVENT) this.haltSent ??= s.event.span;
        const target = this.expr(s.target);
        const value = this.eventValue(s);
        if (value !== null) return { kind: "send", target, event: "", ...value, span };
        return { kind: "send", target, event: s.event.name, payload: this.opt(s.payload), span };
      }
      case "Raise": {
        const value = this.eventValue(s);
        if (value !== null) return { kind: "raise", event: "", ...value, span };
        return { kind: "raise", event: s.event.name, payload: this.opt(s.payload), span };
      }
      case "Goto":
        return { kind: "goto", state: s.target.name, payload: this.opt(s.payload), span };
      case "Announce": {
        const value = this.eventValue(s);
        if (value !== null) return { kind: "announce", event: "", ...value, span };
        return { kind: "announce", event: s.event.name, payload: this.opt(s.payload), span };
      }
      case "Assert":
        return { kind: "assert", cond: this.expr(s.cond), message: this.opt(s.message), span };
      case "Halt":
        return { kind: "halt", span };
      case "Print": {
        const value = this.expr(s.value);
        return { kind: "print", value: this.text(value), span };
      }
      case "Receive": {
        const owner = this.owner;
        if (owner === null || this.receives === null)
          throw new Error("internal: receive outside machine code");
        const site = this.receives.length;
        this.receives.push({ events: s.cases.flatMap((c) => c.events.map((e) => e.name)), span });
        const cases = s.cases.map((c, k) => ({
          events: c.events.map((e) => e.name),
          action: this.caseAction(c.action, owner, `$case${site}_${k}`),
          span: c.span,
        }));
        return { kind: "receive", site, cases, span };
      }
      case "If":
        return {
          kind: "if",
          cond: this.expr(s.cond),
          // biome-ignore lint/suspicious/noThenProperty: ir.ts names the branch of an if statement `then`
          then: this.block(s.then),
          else: s.else === null ? [] : s.else.kind === "Block" ? this.block(s.else) : [this.stmt(s.else)],
          span,
        };
      case "While":
        return { kind: "while", cond: this.expr(s.cond), body: this.block(s.body), span };
      case "Foreach":
        return {
          kind: "foreach",
          variable: s.variable.name,
          elemType: this.declType(s.id),
          iterable: this.expr(s.iterable),
          body: this.block(s.body),
          span,
        };
      case "Return":
        return { kind: "return", value: this.opt(s.value), span };
      case "Break":
        return { kind: "break", span };
      case "Continue":
        return { kind: "continue", span };
      case "StartTimer":
        return { kind: "startTimer", timer: s.timer.name, span };
      case "CancelTimer":
        return { kind: "cancelTimer", timer: s.timer.name, span };
      case "ExprStmt":
        return { kind: "expr", expr: this.expr(s.expr), span };
    }
  }

  private assign(s: Stmt & { kind: "Assign" }): IrStmt {
    const op = this.t.ops.get(s.id);
    if (op?.kind !== "assign") throw new Error("internal: assignment was not checked");
    const span = s.span;
    switch (op.mode) {
      case "plain":
        return { kind: "assign", target: this.expr(s.target), value: this.expr(s.value), span };
      case "arith": {
        // x += e  ->  x = x + e (the target is lowered twice: IR nodes are never shared)
        const left = this.expr(s.target);
        const value: IrExpr = {
          kind: "binary",
          op: s.op === "+=" ? "+" : "-",
          left,
          right: this.expr(s.value),
          type: left.type,
          span,
        };
        return { kind: "assign", target: this.expr(s.target), value, span };
      }
      case "insert":
      case "remove":
        return {
          kind: op.mode,
          target: this.expr(s.target),
          collection: op.collection!,
          value: this.expr(s.value),
          span,
        };
    }
  }

  // ------------------------------------------------------------ expressions

  private opt(e: Expr | null): IrExpr | null {
    return e === null ? null : this.expr(e);
  }

  /** `e` lowered, converted where the checker noted a type with `any` is expected (tables.toAny). */
  private expr(e: Expr): IrExpr {
    const v = this.exprOf(e);
    const target = this.t.toAny.get(e.id);
    return target === undefined ? v : this.convert(v, target, v.span);
  }

  /** `v` as a value of `to` (tables.toAny, casts); a failed part is reported at `span`. */
  private convert(v: IrExpr, to: Type, span: Span): IrExpr {
    if (to.kind === "any") return this.toAny(v);
    if (typeEquals(v.type, to)) return v.type === to ? v : { ...v, type: to };
    this.registerParts(v.type, to);
    return { kind: "convert", operand: v, type: to, span };
  }

  /** Type ids for the parts where one of `a` and `b` has `any` and the other a value (what `convert` wraps or casts). */
  private registerParts(a: Type, b: Type): void {
    if (a.kind === "any" && b.kind === "any") return;
    if (a.kind === "any" || b.kind === "any") {
      this.anyTypeId(a.kind === "any" ? b : a);
      return;
    }
    if ((a.kind === "seq" || a.kind === "set") && b.kind === a.kind) this.registerParts(a.elem, b.elem);
    else if (a.kind === "map" && b.kind === "map") {
      this.registerParts(a.key, b.key);
      this.registerParts(a.value, b.value);
    } else if (a.kind === "tuple" && b.kind === "tuple") {
      for (let i = 0; i < a.elems.length; i++) this.registerParts(a.elems[i]!, b.elems[i]!);
    } else if (a.kind === "namedTuple" && b.kind === "namedTuple") {
      for (let i = 0; i < a.fields.length; i++) this.registerParts(a.fields[i]!.type, b.fields[i]!.type);
    }
  }

  private exprOf(e: Expr): IrExpr {
    if (e.kind === "Paren") return this.expr(e.expr);
    const type = this.type(e.id);
    const span = e.span;
    switch (e.kind) {
      case "IntLit":
        return { kind: "int", value: e.value, type, span };
      case "BoolLit":
        return { kind: "bool", value: e.value, type, span };
      case "StringLit":
        return { kind: "string", value: e.value, type, span };
      case "Name":
        return this.nameRef(this.ref(e.id), type, span);
      case "This":
        return { kind: "this", type, span };
      case "Field": {
        const ref = this.ref(e.id);
        switch (ref.kind) {
          case "field":
            return {
              kind: "field",
              target: this.expr(e.target),
              field: ref.name,
              index: ref.index,
              type,
              span,
            };
          case "machineVar":
            return {
              kind: "machineVar",
              target: this.expr(e.target),
              machine: ref.machine,
              variable: ref.variable,
              type,
              span,
            };
          default:
            return this.nameRef(ref, type, span);
        }
      }
      case "TupleIndex": {
        const ref = this.ref(e.id);
        if (ref.kind === "field") {
          return {
            kind: "field",
            target: this.expr(e.target),
            field: ref.name,
            index: ref.index,
            type,
            span,
          };
        }
        return { kind: "tupleIndex", target: this.expr(e.target), index: e.index, type, span };
      }
      case "Index": {
        const op = this.t.ops.get(e.id);
        if (op?.kind !== "index") throw new Error("internal: index was not checked");
        return {
          kind: "index",
          target: this.expr(e.target),
          index: this.expr(e.index),
          collection: op.collection,
          type,
          span,
        };
      }
      case "Call":
        return this.call(e, type, span);
      case "New":
        return { kind: "new", machine: e.machine.name, payload: this.opt(e.payload), type, span };
      case "Choose": {
        const op = this.t.ops.get(e.id);
        if (op?.kind !== "choose") throw new Error("internal: choose was not checked");
        return { kind: "choose", mode: op.mode, arg: this.opt(e.arg), type, span };
      }
      case "Nondet":
        return { kind: "choose", mode: "bool", arg: null, type, span };
      case "Unary":
        return { kind: "unary", op: e.op, operand: this.expr(e.operand), type, span };
      case "Binary": {
        if (e.op !== "in") {
          return { kind: "binary", op: e.op, left: this.expr(e.left), right: this.expr(e.right), type, span };
        }
        const op = this.t.ops.get(e.id);
        if (op?.kind === "stateTest") {
          return {
            kind: "inState",
            target: this.expr(e.left),
            machine: op.machine,
            state: op.state,
            type,
            span,
          };
        }
        if (op?.kind !== "membership") throw new Error("internal: 'in' was not checked");
        return {
          kind: "in",
          element: this.expr(e.left),
          collection: this.expr(e.right),
          collectionKind: op.collection,
          type,
          span,
        };
      }
      case "Tuple":
        return { kind: "tuple", elems: e.elems.map((x) => this.expr(x)), type, span };
      case "NamedTuple":
        return {
          kind: "namedTuple",
          fields: e.fields.map((f) => ({ name: f.name.name, value: this.expr(f.value) })),
          type,
          span,
        };
      case "SetLit":
        return { kind: "setLit", elems: e.elems.map((x) => this.expr(x)), type, span };
      case "SeqLit":
        return { kind: "seqLit", elems: e.elems.map((x) => this.expr(x)), type, span };
      case "Default":
        return { kind: "default", type, span };
      case "Cast": {
        const operand = this.expr(e.expr);
        // Located at `as`: a failed cast is reported there.
        if (operand.type.kind === "any" && type.kind !== "any")
          return { kind: "cast", operand, typeId: this.anyTypeId(type), type, span: e.keyword.span };
        return this.convert(operand, type, e.keyword.span);
      }
      case "Quant":
        return {
          kind: "quant",
          quantifier: e.quantifier,
          binders: e.binders.map((b) => ({
            name: b.name.name,
            machine: b.machineType ? b.machineType.name : null,
            collection: b.collection ? this.expr(b.collection) : null,
            elemType: this.declType(b.id),
          })),
          body: this.expr(e.body),
          type,
          span,
        };
    }
  }

  private nameRef(ref: Resolution, type: Type, span: Span): IrExpr {
    switch (ref.kind) {
      case "local":
        return { kind: "var", scope: "local", name: ref.name, type, span };
      case "self":
        return { kind: "var", scope: "self", name: ref.name, type, span };
      case "param":
        return { kind: "var", scope: "param", name: ref.name, type, span };
      case "enumMember":
        return {
          kind: "enumConst",
          enumName: ref.enumName,
          member: ref.member,
          ordinal: ref.ordinal,
          type,
          span,
        };
      case "event":
        return { kind: "eventConst", event: ref.name, type, span };
      case "null":
        return { kind: "default", type, span };
      default:
        throw new Error(`internal: a name resolved to ${ref.kind}`);
    }
  }

  private call(e: Expr & { kind: "Call" }, type: Type, span: Span): IrExpr {
    const ref = this.ref(e.id);
    if (ref.kind === "builtin") {
      switch (ref.name) {
        case "sizeof":
        case "keys":
        case "values":
          return { kind: ref.name, arg: this.expr(e.args[0]!), type, span };
        case "str":
          return this.text(this.expr(e.args[0]!));
        case "format": {
          const [fmt, ...values] = e.args;
          return {
            kind: "format",
            format: this.expr(fmt!),
            args: values.map((v) => this.expr(v)),
            type,
            span,
          };
        }
        case "inflight": {
          const ev = unparen(e.args[0]!);
          if (ev.kind !== "Name") throw new Error("internal: inflight without an event name");
          return {
            kind: "inflight",
            event: ev.name.name,
            target: e.args[1] ? this.expr(e.args[1]) : null,
            type,
            span,
          };
        }
      }
    }
    if (ref.kind !== "fun") throw new Error(`internal: a call resolved to ${ref.kind}`);
    return {
      kind: "call",
      fun: ref.name,
      scope: ref.scope,
      args: e.args.map((a) => this.expr(a)),
      type,
      span,
    };
  }

  /** `e` as text: a string stays as it is, any other value becomes `str(e)`. */
  private text(e: IrExpr): IrExpr {
    if (e.type.kind === "string") return e;
    return { kind: "str", arg: e, type: STRING, span: e.span };
  }

  // ------------------------------------------------------------ tables

  private ref(id: number): Resolution {
    const r = this.t.refs.get(id);
    if (!r) throw new Error(`internal: node ${id} was not resolved`);
    return r;
  }

  private type(id: number): Type {
    const t = this.t.types.get(id);
    if (!t) throw new Error(`internal: expression ${id} has no type`);
    return t;
  }

  private declType(id: number): Type {
    const t = this.t.declTypes.get(id);
    if (!t) throw new Error(`internal: declaration ${id} has no type`);
    return t;
  }
}

function defaultConst(t: Type): ConstValue {
  return t.kind === "bool" ? false : t.kind === "string" ? "" : 0;
}
