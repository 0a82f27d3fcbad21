// The executable half of the generated module: one function per
// entry/exit/handler/function/invariant. Handlers are straight-line code over
// the runtime context (`ctx`, see context.ts) and the value helpers (`rt`, see
// runtime.ts). Numbers that stand for enum members, events, states, machines,
// variables and timers are written as literals with the name in a comment: no
// lookups on the hot path, and no user name can shadow them. The types the code
// names come from generate-declarations.ts.
import type { Span } from "../ast.js";
import {
  type IrAction,
  type IrExpr,
  type IrFun,
  type IrInvariant,
  type IrMachine,
  type IrProgram,
  type IrSpec,
  type IrStmt,
  quantifierBinders,
  someIrNode,
} from "../ir.js";
import { dynamicType, type Type, typeToString } from "../types.js";
import {
  type Decl,
  type Expr,
  NULL,
  type Param,
  type Stmt,
  type TypeNode,
  arrow,
  array,
  arrayType,
  as,
  binary,
  bool,
  call,
  elem,
  exprStmt,
  id,
  ifStmt,
  neg,
  not,
  num,
  paren as parenthesized,
  prop,
  readonlyType,
  ret,
  str,
  typeRef,
  variable,
} from "./code-tree.js";
import { type ChooseExpr, type ForkSite, findForkSite } from "./fork-site.js";
import { type Declarations, where } from "./generate-declarations.js";
import {
  entryFunctionName,
  exitFunctionName,
  funFunctionName,
  handlerFunctionName,
  invariantFunctionName,
  invariantWitnessFunctionName,
  resumeFunctionName,
  safeIdentifier,
  timeoutFunctionName,
} from "./names.js";
import { printExpr } from "./print-code.js";

export interface GeneratedFunction {
  name: string;
  /** What the function implements, e.g. "Coordinator.Collecting: on Voted". */
  description: string;
  span: Span;
}

// ---------------------------------------------------------------- helpers

/** A numeric literal that stands for a name: `3 /* Aborting *\/`. */
function named(n: number, name: string): Expr {
  return num(n, name);
}

function ctxCall(method: string, args: readonly Expr[]): Expr {
  return call(prop("ctx", method), args);
}

/**
 * A named tuple's fields in its type's order, the order its value holds
 * them (and builds them in); as written where they do not all match.
 */
export function fieldsInTypeOrder(
  e: Extract<IrExpr, { kind: "namedTuple" }>,
): readonly { name: string; value: IrExpr }[] {
  const t = e.type;
  const fields =
    t.kind === "namedTuple" && t.fields.length === e.fields.length
      ? t.fields.map((tf) => e.fields.find((ef) => ef.name === tf.name) ?? null)
      : e.fields;
  return fields.every((x) => x !== null) ? (fields as { name: string; value: IrExpr }[]) : e.fields;
}

/** Literals whose value never changes: a set of them can be built once. */
function isConstantLiteral(e: IrExpr): boolean {
  return e.kind === "int" || e.kind === "bool" || e.kind === "string" || e.kind === "enumConst";
}

/** The runtime helper that reads `c[i]`, by kind of collection. */
const INDEX_HELPERS = { seq: "seqGet", set: "setGet", map: "mapGet" } as const;

function rtCall(fn: string, args: readonly Expr[]): Expr {
  return call(prop("rt", fn), args);
}

function elemAt(obj: Expr, index: number, name?: string): Expr {
  return elem(obj, name === undefined ? num(index) : named(index, name));
}

/** Explicit parentheses around compound operands, for readers (the printer adds the ones precedence needs). */
function paren(e: Expr): Expr {
  return e.k === "binary" || e.k === "unary" || (e.k === "num" && e.value < 0) || e.k === "arrow"
    ? parenthesized(e)
    : e;
}

function bin(left: Expr, op: Extract<Expr, { k: "binary" }>["op"], right: Expr): Expr {
  return binary(paren(left), op, paren(right));
}

function assign(target: Expr, value: Expr): Stmt {
  return exprStmt(binary(target, "=", value));
}

/** `(e as T)`: for the values the context hands out untyped. */
function cast(e: Expr, type: TypeNode): Expr {
  return parenthesized(as(e, type));
}

function isPrimitive(t: Type): boolean {
  return (
    t.kind === "int" ||
    t.kind === "bool" ||
    t.kind === "string" ||
    t.kind === "enum" ||
    t.kind === "machine" ||
    t.kind === "event"
  );
}

/** The module constants an `any` needs at run time (generate.ts declares them): type names by id, events. */
export const ANY_TYPES_TABLE = "$anyTypes";
export const EVENTS_TABLE = "$events";

/** Per-function code generation state. */
interface Scope {
  /** The machine or spec whose code this is; null for top-level functions and invariants. */
  owner: IrMachine | IrSpec | null;
  /** In a state's action `goto`/`raise`/`halt` return; in a function they throw. */
  inAction: boolean;
  temps: number;
  /** Set when an action returns a ControlTransfer (goto/raise/halt): its return type says so. */
  transfers?: boolean;
  /**
   * The locals declared so far, innermost block last (parameters first): what
   * a `receive`, or a call that may reach one, hands the runtime as the
   * frame's contents (see context.ts `receive`).
   */
  locals: string[][];
}

type Thunk = () => Expr;

/** The functions of the module, in the order they are generated; sites and functions accumulate as they go. */
export class BodyGenerator {
  readonly sites: Span[] = [];
  /** The type each `choose` site yields, by site (CompiledModel.chooseTypes). */
  readonly chooseTypes: Record<number, Type> = {};
  /** The type of the value each `ctx.text` site converts, by site (CompiledModel.textTypes). */
  readonly textTypes: Record<number, Type> = {};
  readonly functions: GeneratedFunction[] = [];
  private readonly events = new Map<string, number>();
  private readonly machines = new Map<string, IrMachine>();
  /** Set literals of constants, built once at load (values are immutable, so sharing is safe). */
  readonly constantSets: Stmt[] = [];
  private readonly constantSetNames = new Map<string, string>();
  /** Whether some action returns a ControlTransfer (then the module imports the type). */
  usesControlTransfer = false;
  /** Whether the code checks any values or event values' payloads when it runs (generate.ts then declares `$anyTypes` and `$events`). */
  usesAnyTables = false;
  /** Per machine: its functions that may reach a `receive` (directly or through calls). */
  private readonly receivers = new Map<string, ReadonlySet<string>>();

  constructor(
    private readonly ir: IrProgram,
    private readonly types: Declarations,
    /** Whether actions get fork sites (CodegenOptions.forks). */
    private readonly forks = true,
  ) {
    for (const e of ir.events) this.events.set(e.name, e.index);
    for (const m of ir.machines) this.machines.set(m.name, m);
    for (const m of ir.machines) this.receivers.set(m.name, receivingFunctions(m));
  }

  /** `stmts` may block in a receive: one is in them, or a call to a function that reaches one. */
  private mayReceive(stmts: readonly IrStmt[], scope: Scope): boolean {
    const receivers = scope.owner === null ? undefined : this.receivers.get(scope.owner.name);
    return receivers !== undefined && reachesReceive(stmts, receivers);
  }

  /**
   * Calls to receiving functions whose statement may hold values the frames
   * cannot show while the callee waits: another call, `choose` or `new`
   * evaluated in the same statement (`f() + g()`: f's result). The runtime
   * then identifies the wait by its history (context.ts `via`).
   */
  private readonly inexactCalls = new Set<IrExpr>();

  private noteInexactCalls(s: IrStmt, scope: Scope): void {
    const receivers = scope.owner === null ? undefined : this.receivers.get(scope.owner.name);
    if (receivers === undefined || receivers.size === 0) return;
    const receiving: IrExpr[] = [];
    let effects = 0;
    const visit = (x: unknown): void => {
      if (x === null || typeof x !== "object") return;
      if (Array.isArray(x)) {
        for (const y of x) visit(y);
        return;
      }
      const e = x as IrExpr;
      if (e.kind === "call" && e.scope === "machine" && receivers.has(e.fun)) receiving.push(e);
      if (e.kind === "call" || e.kind === "choose" || e.kind === "new") effects++;
      for (const [k, v] of Object.entries(x)) if (k !== "span" && k !== "type") visit(v);
    };
    visit(ownExpressions(s));
    if (receiving.length > 0 && effects > 1) for (const e of receiving) this.inexactCalls.add(e);
  }

  /** The locals in scope, as an array literal (the frame a receive or a receiving call records). */
  private frame(scope: Scope): Expr {
    return array(scope.locals.flat().map((n) => id(safeIdentifier(n))));
  }

  private site(span: Span): Expr {
    this.sites.push(span);
    return num(this.sites.length - 1);
  }

  /**
   * `ctx.tick(site)`: one operation of the step's budget, at the start of every
   * function and action run and of every loop iteration (a runaway is reported
   * at the last site that ticked; see context.ts).
   */
  private tick(span: Span): Stmt {
    return exprStmt(ctxCall("tick", [this.site(span)]));
  }

  /** An invariant: a predicate over the whole state. */
  invariant(inv: IrInvariant): Decl {
    const scope: Scope = { owner: null, inAction: false, temps: 0, locals: [[]] };
    const body = this.predicate(inv.expr, scope, false);
    return this.func(
      invariantFunctionName(inv.name),
      `invariant ${inv.name}`,
      inv.span,
      [],
      body,
      this.types.typeNode(BOOL_TYPE),
    );
  }

  /**
   * For an invariant that is a top-level `forall`: a function returning the
   * binders' values at the first instance where the body is false (null when
   * it holds), so a report can say `for p = Participant(1)`. It runs only when
   * the invariant failed, never on the search's hot path. Null for others.
   */
  invariantWitness(inv: IrInvariant): Decl | null {
    if (inv.expr.kind !== "quant" || inv.expr.quantifier !== "forall") return null;
    const scope: Scope = { owner: null, inAction: false, temps: 0, locals: [[]] };
    return this.func(
      invariantWitnessFunctionName(inv.name),
      `the instances that break invariant ${inv.name}`,
      inv.span,
      [],
      this.predicate(inv.expr, scope, true),
      { k: "union", types: [arrayType(typeRef("unknown")), typeRef("null")] },
    );
  }

  /**
   * An invariant's body. A top-level quantifier becomes plain loops with an
   * early return (invariants run on every state: no closure per element).
   * `witness`: return the binders' values where a `forall` fails, else null.
   */
  private predicate(e: IrExpr, scope: Scope, witness: boolean): Stmt[] {
    if (e.kind !== "quant") return [ret(this.expr(e, scope))];
    const forall = e.quantifier === "forall";
    const { binders, body } = quantifierBinders(e);
    // forall: the first element where the body is false decides; `!p` is tested as `p`.
    const violated = !forall
      ? this.expr(body, scope)
      : body.kind === "unary" && body.op === "!"
        ? this.expr(body.operand, scope)
        : not(paren(this.expr(body, scope)));
    const found = witness ? array(binders.map((b) => id(safeIdentifier(b.name)))) : bool(!forall);
    let stmt: Stmt = ifStmt(violated, [ret(found)]);
    for (let i = binders.length - 1; i >= 0; i--) {
      const b = binders[i]!;
      stmt = { k: "forOf", name: safeIdentifier(b.name), iterable: this.domain(b, scope), body: [stmt] };
    }
    return [stmt, ret(witness ? NULL : bool(forall))];
  }

  /** What a quantifier binder ranges over: the instances of a machine type, or a collection's elements (a map's keys). */
  private domain(b: Extract<IrExpr, { kind: "quant" }>["binders"][number], scope: Scope): Expr {
    if (b.machine !== null) {
      const m = this.machine(b.machine);
      return ctxCall("instances", [named(m.index, m.name)]);
    }
    if (b.collection !== null) {
      const coll = this.expr(b.collection, scope);
      return rtCall(b.collection.type.kind === "map" ? "keys" : "scan", [coll]);
    }
    throw new Error("codegen: quantifier binder without a domain");
  }

  // ---------------------------------------------------------------- functions

  private func(
    name: string,
    description: string,
    span: Span,
    params: Param[],
    body: Stmt[],
    returns: TypeNode,
  ): Decl {
    this.functions.push({ name, description, span });
    return {
      k: "function",
      name,
      params: [{ name: "ctx", type: typeRef("Ctx") }, ...params],
      returns,
      body,
      doc: `${description} (${where(span)})`,
    };
  }

  private selfParam(owner: IrMachine | IrSpec): Param {
    return { name: "self", type: this.types.varsType(owner) };
  }

  private param(name: string, type: Type): Param {
    return { name: safeIdentifier(name), type: this.types.namedTypeNode(type) };
  }

  fun(fn: IrFun, owner: IrMachine | IrSpec | null): Decl {
    const scope: Scope = { owner, inAction: false, temps: 0, locals: [fn.params.map((p) => p.name)] };
    const params = fn.params.map((p) => this.param(p.name, p.type));
    if (owner !== null) params.unshift(this.selfParam(owner));
    const body = [this.tick(fn.span), ...this.stmts(fn.body ?? [], scope)];
    const what = owner === null ? `fun ${fn.name}` : `${owner.name}: fun ${fn.name}`;
    return this.func(
      funFunctionName(fn.owner, fn.name),
      what,
      fn.span,
      params,
      body,
      this.types.typeNode(fn.returnType),
    );
  }

  /**
   * A state's action; with a fork site (fork-site.ts: a machine's action whose
   * type has no `receive`), also the function that resumes it after the
   * fork's choose (context.ts `fork`).
   */
  private action(name: string, description: string, action: IrAction, owner: IrMachine | IrSpec): Decl[] {
    const site = "receives" in owner && owner.receives.length === 0 ? findForkSite(action) : null;
    const resume = site === null ? null : resumeFunctionName(name);
    if (site !== null) this.forking = { site, resume: resume!, value: null };
    const scope: Scope = {
      owner,
      inAction: true,
      temps: 0,
      locals: [action.param === null ? [] : [action.param.name]],
    };
    const params = [this.selfParam(owner)];
    if (action.param !== null) params.push(this.param(action.param.name, action.param.type));
    const body = [this.tick(action.span), ...this.stmts(action.body, scope)];
    const out = [this.func(name, description, action.span, params, body, this.actionReturns(scope))];
    if (site !== null) {
      // Without forks, generated all the same and left out: the code has the same sites either way.
      const rest = this.resumeFunction(resume!, description, action, owner);
      if (this.forks) out.push(rest());
    }
    this.forking = null;
    return out;
  }

  /** `ControlTransfer | void` when the action may end in goto/raise/halt (the runtime reads the returned value). */
  private actionReturns(scope: Scope): TypeNode {
    const voidType = this.types.typeNode(VOID_TYPE);
    if (!scope.transfers) return voidType;
    this.usesControlTransfer = true;
    return { k: "union", types: [typeRef("ControlTransfer"), voidType] };
  }

  /** The fork site of the action being generated, its resume function's name, and the choose's value once its statement is being generated. */
  private forking: { site: ForkSite; resume: string; value: Expr | null } | null = null;

  /**
   * The rest of an action from its fork statement on: the locals in scope
   * there come from `$locals`, each level's in a block of its own, then the
   * fork statement with the chosen value and the statements after it, level
   * by level outwards.
   */
  private resumeFunction(
    name: string,
    description: string,
    action: IrAction,
    owner: IrMachine | IrSpec,
  ): () => Decl {
    const { site } = this.forking!;
    const scope: Scope = { owner, inAction: true, temps: 0, locals: [] };
    let slot = 0;
    const level = (depth: number): Stmt[] => {
      const { list, at, locals } = site.levels[depth]!;
      scope.locals.push([]);
      const out: Stmt[] = [];
      for (const local of locals) {
        scope.locals[scope.locals.length - 1]!.push(local.name);
        const type = this.types.namedTypeNode(local.type);
        out.push(
          variable("let", safeIdentifier(local.name), type, as(elem(id(FORK_LOCALS), num(slot++)), type)),
        );
      }
      if (depth === site.levels.length - 1) {
        if (site.choose.mode === "collection") {
          const type = this.types.namedTypeNode(site.choose.arg!.type);
          out.push(variable("const", FORK_COLLECTION, type, as(elem(id(FORK_LOCALS), num(slot++)), type)));
        }
        this.forking!.value = this.chosenValue(site);
        out.push(...this.stmtAsWritten(site.stmt, scope));
      } else {
        out.push({ k: "block", body: level(depth + 1) });
      }
      for (const s of list.slice(at + 1)) out.push(...this.stmt(s, scope));
      scope.locals.pop();
      return out;
    };
    const body = level(0);
    const params: Param[] = [
      this.selfParam(owner),
      { name: FORK_CHOSEN, type: this.types.typeNode(INT_TYPE) },
      { name: FORK_LOCALS, type: readonlyType(arrayType(typeRef("unknown"))) },
    ];
    const returns = this.actionReturns(scope);
    return () =>
      this.func(name, `${description}, resumed after its choose`, action.span, params, body, returns);
  }

  /**
   * The fork statement in the action itself: how many values the choose
   * has, `ctx.fork` with the locals in scope, a return when the runtime
   * forked, and the statement with the chosen value. Without forks
   * (CodegenOptions.forks), the statement with its choose where it was,
   * its sites numbered as with them.
   */
  private forkStatement(s: IrStmt, scope: Scope): Stmt[] {
    const forking = this.forking!;
    const choose = forking.site.choose;
    const site = this.chooseSite(choose);
    const out: Stmt[] = [];
    const arg = choose.mode === "bool" || choose.arg === null ? null : this.expr(choose.arg, scope);
    if (!this.forks) {
      forking.value = this.plainChoose(choose, arg, site);
      return this.stmtAsWritten(s, scope);
    }
    let count: Expr;
    if (arg === null) count = num(2);
    else if (choose.mode === "int") count = arg;
    else {
      out.push(variable("const", FORK_COLLECTION, null, arg));
      count = rtCall("chooseSize", [id(FORK_COLLECTION), site]);
    }
    const locals = forking.site.levels.flatMap((l) => l.locals.map((x) => id(safeIdentifier(x.name))));
    if (choose.mode === "collection") locals.push(id(FORK_COLLECTION));
    out.push(
      variable("const", FORK_CHOSEN, null, ctxCall("fork", [count, site, id(forking.resume), array(locals)])),
      ifStmt(binary(id(FORK_CHOSEN), "<", num(0)), [ret(null)]),
    );
    forking.value = this.chosenValue(forking.site);
    out.push(...this.stmtAsWritten(s, scope));
    return out;
  }

  /** A choose's site, its type noted for the step labels. */
  private chooseSite(e: ChooseExpr): Expr {
    const site = this.site(e.span);
    this.chooseTypes[this.sites.length - 1] = e.type;
    return site;
  }

  /** A choose run where it stands, given its argument's code (null for a bool choose). */
  private plainChoose(e: ChooseExpr, arg: Expr | null, site: Expr): Expr {
    if (arg === null) return ctxCall("chooseBool", [site]);
    if (e.mode === "int") return ctxCall("choose", [arg, site]);
    return rtCall("chooseIn", [id("ctx"), arg, bool(e.arg!.type.kind === "map"), site]);
  }

  /** What the fork's choose yields, from the index chosen (the same code in the action and its resume function). */
  private chosenValue(site: ForkSite): Expr {
    const chosen = id(FORK_CHOSEN);
    if (site.choose.mode === "bool" || site.choose.arg === null)
      return rtCall("chosenBool", [id("ctx"), chosen]);
    if (site.choose.mode === "int") return chosen;
    return rtCall("chosenIn", [
      id("ctx"),
      id(FORK_COLLECTION),
      bool(site.choose.arg.type.kind === "map"),
      chosen,
    ]);
  }

  owner(m: IrMachine | IrSpec): Decl[] {
    const out: Decl[] = [];
    for (const fn of m.funs) out.push(this.fun(fn, m));
    for (const s of m.states) {
      const at = `${m.name}.${s.name}`;
      if (s.entry) out.push(...this.action(entryFunctionName(m.name, s.name), `${at}: entry`, s.entry, m));
      if (s.exit) out.push(...this.action(exitFunctionName(m.name, s.name), `${at}: exit`, s.exit, m));
      for (const h of s.handlers) {
        const action = h.kind === "do" ? h.action : h.with;
        if (action === null) continue;
        const what = h.kind === "do" ? `on ${h.event} do` : `on ${h.event} goto ${h.target} with`;
        out.push(...this.action(handlerFunctionName(m.name, s.name, h.event), `${at}: ${what}`, action, m));
      }
      for (const h of s.timeouts) {
        const action = h.kind === "do" ? h.action : h.with;
        if (action === null) continue;
        const what =
          h.kind === "do" ? `on timeout ${h.timer} do` : `on timeout ${h.timer} goto ${h.target} with`;
        out.push(...this.action(timeoutFunctionName(m.name, s.name, h.timer), `${at}: ${what}`, action, m));
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- statements

  private stmts(list: readonly IrStmt[], scope: Scope): Stmt[] {
    const out: Stmt[] = [];
    for (const s of list) out.push(...this.stmt(s, scope));
    return out;
  }

  /** A nested block: its locals go out of scope at its end. */
  private block(list: readonly IrStmt[], scope: Scope, prefix: Stmt[] = [], locals: string[] = []): Stmt[] {
    scope.locals.push(locals);
    const out = [...prefix, ...this.stmts(list, scope)];
    scope.locals.pop();
    return out;
  }

  private control(e: Expr, scope: Scope): Stmt {
    if (!scope.inAction) return { k: "throw", value: e };
    scope.transfers = true;
    return ret(e);
  }

  private payload(e: IrExpr | null, scope: Scope): Expr {
    return e === null ? NULL : this.expr(e, scope);
  }

  /**
   * The event and payload arguments of send/raise/announce. An event value is
   * read twice, a variable as it is and any other expression through a
   * temporary in `pre`, and its payload checked when it runs (`rt.eventPayload`
   * with the module's `$events` and `$anyTypes`).
   */
  private eventAndPayload(
    s: Extract<IrStmt, { kind: "send" | "raise" | "announce" }>,
    scope: Scope,
    pre: Stmt[],
  ): [Expr, Expr] {
    if (s.eventValue === undefined) return [this.eventRef(s.event), this.payload(s.payload, scope)];
    const value = s.eventValue;
    const read = (): Expr => this.expr(value, scope);
    const event = value.kind === "var" ? read() : this.temporary(read(), pre);
    const payload = rtCall("eventPayload", [
      value.kind === "var" ? read() : event,
      this.payload(s.payload, scope),
      this.anyTable(EVENTS_TABLE),
      this.anyTable(ANY_TYPES_TABLE),
      this.site(s.span),
    ]);
    return [event, payload];
  }

  /** `value` computed once into a new constant declared in `pre`; the constant. */
  private temporary(value: Expr, pre: Stmt[]): Expr {
    const name = `$tmp${this.temporaries++}`;
    pre.push(variable("const", name, null, value));
    return id(name);
  }

  private temporaries = 0;

  /** A value as `.fl` text: `ctx.text(v, site)`, the site's type in textTypes; a string as it is. */
  private text(e: IrExpr, scope: Scope): Expr {
    const value = this.expr(e, scope);
    if (e.type.kind === "string") return value;
    const site = this.site(e.span);
    this.textTypes[this.sites.length - 1] = e.type;
    return ctxCall("text", [value, site]);
  }

  private eventRef(name: string): Expr {
    const index = this.events.get(name);
    if (index === undefined) throw new Error(`codegen: unknown event ${name}`);
    return named(index, name);
  }

  private stateRef(owner: IrMachine | IrSpec | null, name: string): Expr {
    const s = owner?.states.find((st) => st.name === name);
    if (!s) throw new Error(`codegen: unknown state ${name}`);
    return named(s.index, name);
  }

  private timerRef(owner: IrMachine | IrSpec | null, name: string): Expr {
    const timers = owner && "timers" in owner ? owner.timers : [];
    const i = timers.indexOf(name);
    if (i < 0) throw new Error(`codegen: unknown timer ${name}`);
    return named(i, name);
  }

  private stmt(s: IrStmt, scope: Scope): Stmt[] {
    if (this.forking !== null && s === this.forking.site.stmt && this.forking.value === null) {
      return this.forkStatement(s, scope);
    }
    return this.stmtAsWritten(s, scope);
  }

  private stmtAsWritten(s: IrStmt, scope: Scope): Stmt[] {
    this.noteInexactCalls(s, scope);
    switch (s.kind) {
      case "local":
        scope.locals[scope.locals.length - 1]!.push(s.name);
        return [
          variable(
            "let",
            safeIdentifier(s.name),
            this.types.namedTypeNode(s.type),
            this.defaultValue(s.type),
          ),
        ];
      case "assign": {
        const pre: Stmt[] = [];
        const value = this.expr(s.value, scope);
        const st = this.update(s.target, scope, pre, false, () => value);
        return [...pre, st];
      }
      case "insert":
      case "remove": {
        const pre: Stmt[] = [];
        const v = this.expr(s.value, scope);
        const site = s.collection === "set" ? null : this.site(s.span);
        const st = this.update(s.target, scope, pre, true, (old) => {
          if (s.kind === "insert") {
            if (s.collection === "set") return rtCall("setAdd", [old(), v]);
            if (s.collection === "seq") return rtCall("seqInsert", [old(), v, site!]);
            return rtCall("mapPutPair", [old(), v]);
          }
          if (s.collection === "set") return rtCall("setRemove", [old(), v]);
          if (s.collection === "seq") return rtCall("seqRemove", [old(), v, site!]);
          return rtCall("mapRemove", [old(), v]);
        });
        return [...pre, st];
      }
      case "send": {
        const pre: Stmt[] = [];
        let target = this.expr(s.target, scope);
        // An event computed into a temporary is computed after the target, as written.
        if (s.eventValue !== undefined && s.eventValue.kind !== "var") target = this.temporary(target, pre);
        const [event, payload] = this.eventAndPayload(s, scope, pre);
        return [...pre, exprStmt(ctxCall("send", [target, event, payload, this.site(s.span)]))];
      }
      case "raise": {
        const pre: Stmt[] = [];
        const args = this.eventAndPayload(s, scope, pre);
        return [...pre, this.control(ctxCall("raise", args), scope)];
      }
      case "goto":
        return [
          this.control(
            ctxCall("goto", [this.stateRef(scope.owner, s.state), this.payload(s.payload, scope)]),
            scope,
          ),
        ];
      case "halt":
        return [this.control(ctxCall("halt", []), scope)];
      case "print":
        return [exprStmt(ctxCall("print", [this.expr(s.value, scope)]))];
      case "receive":
        return this.receive(s, scope);
      case "announce": {
        const pre: Stmt[] = [];
        const args = this.eventAndPayload(s, scope, pre);
        return [...pre, exprStmt(ctxCall("announce", args))];
      }
      case "assert": {
        const site = this.site(s.span);
        const message = s.message === null ? NULL : this.expr(s.message, scope);
        return [
          ifStmt(not(paren(this.expr(s.cond, scope))), [exprStmt(ctxCall("assertFailed", [site, message]))]),
        ];
      }
      case "if":
        return [this.ifStmt(s, scope)];
      case "while": {
        const tick = this.tick(s.span);
        return [{ k: "while", cond: this.expr(s.cond, scope), body: this.block(s.body, scope, [tick]) }];
      }
      case "foreach": {
        const iterable = this.expr(s.iterable, scope);
        const isMap = s.iterable.type.kind === "map";
        const loop = (body: Stmt[]): Stmt => ({
          k: "forOf",
          name: safeIdentifier(s.variable),
          iterable: isMap ? rtCall("keys", [iterable]) : iterable,
          body,
        });
        if (!this.mayReceive(s.body, scope)) {
          return [loop(this.block(s.body, scope, [this.tick(s.span)], [s.variable]))];
        }
        // A receive in the body: where the loop is is part of the frame: the collection it
        // iterates (a copy taken at the start) and the iteration count (the element may repeat).
        const items = `$${scope.temps++}`;
        const count = `$${scope.temps++}`;
        const step = assign(id(count), binary(id(count), "+", num(1)));
        return [
          variable("const", items, null, isMap ? rtCall("keys", [iterable]) : iterable),
          variable("let", count, null, num(0)),
          {
            k: "forOf",
            name: safeIdentifier(s.variable),
            iterable: id(items),
            body: this.block(s.body, scope, [this.tick(s.span), step], [items, count, s.variable]),
          },
        ];
      }
      case "return":
        return [ret(s.value === null ? null : this.expr(s.value, scope))];
      case "break":
      case "continue":
        return [{ k: s.kind }];
      case "startTimer":
        return [exprStmt(ctxCall("startTimer", [this.timerRef(scope.owner, s.timer)]))];
      case "cancelTimer":
        return [exprStmt(ctxCall("cancelTimer", [this.timerRef(scope.owner, s.timer)]))];
      case "expr":
        return [exprStmt(this.expr(s.expr, scope))];
    }
  }

  /**
   * `const $n = ctx.receive(site);` (the runtime returns [event, payload] once one
   * of the site's events arrives; see context.ts), then one `if` per case on
   * the event, its parameter bound to the payload and its body inline.
   */
  private receive(s: Extract<IrStmt, { kind: "receive" }>, scope: Scope): Stmt[] {
    const got = `$${scope.temps++}`;
    const wait = ctxCall("receive", [num(s.site), this.site(s.span), this.frame(scope)]);
    // The frame is read before the cases declare anything: generate the cases after it.
    const bodies = s.cases.map((c) => {
      const prefix: Stmt[] = [];
      const p = c.action.param;
      if (p !== null) {
        const value = cast(elem(id(got), num(1)), this.types.typeNode(p.type));
        prefix.push(variable("let", safeIdentifier(p.name), this.types.namedTypeNode(p.type), value));
      }
      return this.block(c.action.body, scope, prefix, p === null ? [] : [p.name]);
    });
    // The runtime returns only the events the cases name: the last case needs no test.
    let chain: Stmt = { k: "block", body: bodies[bodies.length - 1]! };
    for (let i = s.cases.length - 2; i >= 0; i--) {
      const cond = s.cases[i]!.events.map((e) =>
        binary(elem(id(got), num(0)), "===", this.eventRef(e)),
      ).reduce((a, b) => binary(a, "||", b));
      chain = ifStmt(cond, bodies[i]!, chain.k === "if" ? chain : chain.body);
    }
    return [variable("const", got, null, wait), chain];
  }

  private ifStmt(s: Extract<IrStmt, { kind: "if" }>, scope: Scope): Extract<Stmt, { k: "if" }> {
    let elseStmt: Stmt[] | Extract<Stmt, { k: "if" }> | null = null;
    // An `else if` whose condition is the fork's choose is a block: its fork statement goes before it.
    const elseIf = s.else.length === 1 && s.else[0]!.kind === "if" && s.else[0] !== this.forking?.site.stmt;
    if (elseIf) elseStmt = this.ifStmt(s.else[0] as Extract<IrStmt, { kind: "if" }>, scope);
    else if (s.else.length > 0) elseStmt = this.block(s.else, scope);
    return ifStmt(this.expr(s.cond, scope), this.block(s.then, scope), elseStmt);
  }

  /**
   * Assign to an lvalue: `make(old)` computes the new value from a thunk for the
   * old one. Values are immutable, so `a.f[i] = v` rebuilds the path:
   * `a = rt.withElem(a, f, rt.seqSet(a[f], i, v))`. Index expressions read twice
   * are evaluated once into a temporary (they may `choose`).
   */
  private update(
    target: IrExpr,
    scope: Scope,
    pre: Stmt[],
    readsOld: boolean,
    make: (old: Thunk) => Expr,
  ): Stmt {
    switch (target.kind) {
      case "var": {
        const ref = () => this.varRef(target, scope);
        return assign(ref(), make(ref));
      }
      case "field":
      case "tupleIndex": {
        const name = target.kind === "field" ? target.field : undefined;
        const index = target.index;
        return this.update(target.target, scope, pre, true, (old) =>
          rtCall("withElem", [
            old(),
            name === undefined ? num(index) : named(index, name),
            make(() => elemAt(old(), index, name)),
          ]),
        );
      }
      case "index": {
        if (target.collection === "set") throw new Error("codegen: a set element is not assignable");
        const key = this.once(target.index, scope, pre, readsOld);
        const site = this.site(target.span);
        if (target.collection === "seq") {
          return this.update(target.target, scope, pre, true, (old) =>
            rtCall("seqSet", [old(), key(), make(() => rtCall("seqGet", [old(), key(), site])), site]),
          );
        }
        return this.update(target.target, scope, pre, readsOld, (old) =>
          rtCall("mapPut", [old(), key(), make(() => rtCall("mapGet", [old(), key(), site]))]),
        );
      }
      default:
        throw new Error(`codegen: not an lvalue: ${target.kind}`);
    }
  }

  /** An expression to be used more than once: simple ones are regenerated, others go in a temporary. */
  private once(e: IrExpr, scope: Scope, pre: Stmt[], twice: boolean): Thunk {
    const simple =
      e.kind === "int" ||
      e.kind === "bool" ||
      e.kind === "string" ||
      e.kind === "enumConst" ||
      e.kind === "this" ||
      (e.kind === "var" && e.scope !== "self");
    if (simple || !twice) {
      let first: Expr | null = this.expr(e, scope);
      return () => {
        const out = first ?? this.expr(e, scope);
        first = null;
        return out;
      };
    }
    const name = `$${scope.temps++}`;
    pre.push(variable("const", name, this.types.namedTypeNode(e.type), this.expr(e, scope)));
    return () => id(name);
  }

  private varRef(e: Extract<IrExpr, { kind: "var" }>, scope: Scope): Expr {
    if (e.scope === "local") return id(safeIdentifier(e.name));
    if (e.scope === "param") {
      const i = this.ir.params.findIndex((p) => p.name === e.name);
      if (i < 0) throw new Error(`codegen: unknown param ${e.name}`);
      return cast(elemAt(prop("ctx", "params"), i, e.name), this.types.typeNode(e.type));
    }
    const owner = scope.owner;
    const i = owner ? owner.vars.findIndex((v) => v.name === e.name) : -1;
    if (i < 0) throw new Error(`codegen: unknown variable ${e.name}`);
    return elemAt(id("self"), i, e.name);
  }

  // ---------------------------------------------------------------- expressions

  /** A reference to one of the module's any tables (generate.ts declares them when some code uses one). */
  private anyTable(name: typeof ANY_TYPES_TABLE | typeof EVENTS_TABLE): Expr {
    this.usesAnyTables = true;
    return id(name);
  }

  /** Type id by dynamic type text (IrProgram.anyTypes), built on first use. */
  private anyIds: Map<string, number> | null = null;

  private anyTypeId(t: Type): Expr {
    this.anyIds ??= new Map(this.ir.anyTypes.map((x, i) => [typeToString(x), i]));
    const key = typeToString(dynamicType(t));
    const id = this.anyIds.get(key);
    if (id === undefined) throw new Error(`codegen: no type id for ${key}`);
    return num(id, key);
  }

  /**
   * `v` (of type `from`) as a value of `to`, part by part (IR `convert`):
   * wrapped where `to` has `any`, cast where `from` has; null when no part
   * changes. Collections are rebuilt with `rt.convertEach`; their order stays
   * (every element gets the same dynamic type, and anys order by type first).
   */
  private conversion(v: Expr, from: Type, to: Type, site: () => Expr, depth: number): Expr | null {
    if (from.kind === "any" && to.kind === "any") return null;
    if (to.kind === "any") return rtCall("toAny", [this.anyTypeId(from), v]);
    if (from.kind === "any")
      return rtCall("cast", [v, this.anyTypeId(to), this.anyTable(ANY_TYPES_TABLE), site()]);
    const x = `$c${depth}`;
    if ((from.kind === "seq" || from.kind === "set") && to.kind === from.kind) {
      const elem = this.conversion(id(x), from.elem, to.elem, site, depth + 1);
      return elem === null ? null : rtCall("convertEach", [v, arrow(x, elem)]);
    }
    if (from.kind === "map" && to.kind === "map") {
      const k = this.conversion(elemAt(id(x), 0), from.key, to.key, site, depth + 1);
      const val = this.conversion(elemAt(id(x), 1), from.value, to.value, site, depth + 1);
      if (k === null && val === null) return null;
      return rtCall("convertEach", [v, arrow(x, array([k ?? elemAt(id(x), 0), val ?? elemAt(id(x), 1)]))]);
    }
    const parts =
      from.kind === "tuple" && to.kind === "tuple"
        ? from.elems.map((t, i) => [t, to.elems[i]!] as const)
        : from.kind === "namedTuple" && to.kind === "namedTuple"
          ? from.fields.map((f, i) => [f.type, to.fields[i]!.type] as const)
          : [];
    const converted = parts.map(([a, b], i) => this.conversion(elemAt(id(x), i), a, b, site, depth + 1));
    if (converted.every((c) => c === null)) return null;
    const tuple = array(converted.map((c, i) => c ?? elemAt(id(x), i)));
    return call(paren(arrow(x, tuple)), [v]);
  }

  /** A module-level constant of type `type` holding `built` (one per distinct literal), e.g. `choose({Yes, No})`. */
  private constantSet(built: Expr, type: Type): Expr {
    const key = `${typeToString(type)} ${printExpr(built)}`;
    let name = this.constantSetNames.get(key);
    if (name === undefined) {
      name = `$set${this.constantSetNames.size}`;
      this.constantSetNames.set(key, name);
      this.constantSets.push(variable("const", name, this.types.typeNode(type), built));
    }
    return id(name);
  }

  private defaultValue(t: Type): Expr {
    switch (t.kind) {
      case "int":
        return num(0);
      case "enum":
        return named(0, `${t.name}.${t.members[0] ?? "?"}`);
      case "bool":
        return bool(false);
      case "string":
        return str("");
      case "machine":
      case "event":
        return num(-1);
      case "any":
        return prop("rt", "NULL_ANY");
      case "tuple":
        return array(t.elems.map((e) => this.defaultValue(e)));
      case "namedTuple":
        return array(t.fields.map((fl) => this.defaultValue(fl.type)));
      case "seq":
      case "set":
      case "map":
        return array([]);
      case "void":
      case "error":
        return NULL;
    }
  }

  private expr(e: IrExpr, scope: Scope): Expr {
    switch (e.kind) {
      case "int":
        return num(e.value);
      case "bool":
        return bool(e.value);
      case "string":
        return str(e.value);
      case "enumConst":
        return named(e.ordinal, `${e.enumName}.${e.member}`);
      case "eventConst":
        return this.eventRef(e.event);
      case "toAny":
        return rtCall("toAny", [
          num(e.typeId, typeToString(this.ir.anyTypes[e.typeId]!)),
          this.expr(e.operand, scope),
        ]);
      case "convert": {
        let site: Expr | null = null;
        const operand = this.expr(e.operand, scope);
        const converted = this.conversion(
          operand,
          e.operand.type,
          e.type,
          () => (site ??= this.site(e.span)),
          0,
        );
        return converted === null ? operand : cast(converted, this.types.typeNode(e.type));
      }
      case "cast":
        return cast(
          rtCall("cast", [
            this.expr(e.operand, scope),
            num(e.typeId, typeToString(this.ir.anyTypes[e.typeId]!)),
            this.anyTable(ANY_TYPES_TABLE),
            this.site(e.span),
          ]),
          this.types.typeNode(e.type),
        );
      case "var":
        return this.varRef(e, scope);
      case "this":
        return prop("ctx", "this");
      case "field":
        return elemAt(this.expr(e.target, scope), e.index, e.field);
      case "tupleIndex":
        return elemAt(this.expr(e.target, scope), e.index);
      case "machineVar": {
        const m = this.machine(e.machine);
        const v = m.vars.findIndex((x) => x.name === e.variable);
        if (v < 0) throw new Error(`codegen: unknown variable ${e.machine}.${e.variable}`);
        const read = ctxCall("machineVar", [
          this.expr(e.target, scope),
          named(m.index, m.name),
          named(v, e.variable),
          this.site(e.span),
        ]);
        return cast(read, this.types.typeNode(e.type));
      }
      case "index":
        return rtCall(INDEX_HELPERS[e.collection], [
          this.expr(e.target, scope),
          this.expr(e.index, scope),
          this.site(e.span),
        ]);
      case "call": {
        const args = e.args.map((a) => this.expr(a, scope));
        if (e.scope === "foreign") {
          // The checker validates what it returns against the declared type (foreign-values.ts).
          return call(prop("foreign", e.fun), args);
        }
        if (e.scope === "global") return call(id(funFunctionName(null, e.fun)), [id("ctx"), ...args]);
        const owner = scope.owner;
        if (!owner) throw new Error(`codegen: machine function ${e.fun} called outside a machine`);
        const called = call(id(funFunctionName(owner.name, e.fun)), [id("ctx"), id("self"), ...args]);
        if (!this.receivers.get(owner.name)?.has(e.fun)) return called;
        // The callee may block in a receive: the caller's frame is part of where it waits.
        const via = [this.site(e.span), this.frame(scope), arrow("", called)];
        return ctxCall("via", this.inexactCalls.has(e) ? [...via, bool(false)] : via);
      }
      case "sizeof":
        return prop(paren(this.expr(e.arg, scope)), "length");
      case "str":
        return this.text(e.arg, scope);
      case "format":
        return rtCall("format", [
          this.expr(e.format, scope),
          array(e.args.map((a) => this.text(a, scope))),
          this.site(e.span),
        ]);
      case "keys":
        return rtCall("keys", [this.expr(e.arg, scope)]);
      case "values": {
        const vs = rtCall("values", [this.expr(e.arg, scope)]);
        return e.type.kind === "set" ? rtCall("setOf", [vs]) : vs;
      }
      case "inflight":
        return ctxCall(
          "inflight",
          e.target === null ? [this.eventRef(e.event)] : [this.eventRef(e.event), this.expr(e.target, scope)],
        );
      case "new": {
        const m = this.machine(e.machine);
        return ctxCall("newMachine", [
          named(m.index, m.name),
          this.payload(e.payload, scope),
          this.site(e.span),
        ]);
      }
      case "choose": {
        if (this.forking !== null && e === this.forking.site.choose && this.forking.value !== null) {
          return this.forking.value;
        }
        const site = this.chooseSite(e);
        return this.plainChoose(
          e,
          e.mode === "bool" || e.arg === null ? null : this.expr(e.arg, scope),
          site,
        );
      }
      case "unary": {
        const operand = this.expr(e.operand, scope);
        if (e.op === "!") return not(paren(operand));
        return bin(neg(paren(operand)), "|", num(0));
      }
      case "binary":
        return this.binary(e, scope);
      case "in": {
        const el = this.expr(e.element, scope);
        const coll = this.expr(e.collection, scope);
        const fn = e.collectionKind === "set" ? "setHas" : e.collectionKind === "seq" ? "seqHas" : "mapHas";
        return rtCall(fn, [coll, el]);
      }
      case "inState": {
        const m = this.machine(e.machine);
        return ctxCall("inState", [
          this.expr(e.target, scope),
          named(m.index, m.name),
          this.stateRef(m, e.state),
          this.site(e.span),
        ]);
      }
      case "tuple":
        return array(e.elems.map((x) => this.expr(x, scope)));
      case "namedTuple":
        return array(fieldsInTypeOrder(e).map((fl) => this.expr(fl.value, scope)));
      case "setLit": {
        if (e.elems.length === 0) return array([]);
        const built = rtCall("setOf", [array(e.elems.map((x) => this.expr(x, scope)))]);
        return e.elems.every(isConstantLiteral) ? this.constantSet(built, e.type) : built;
      }
      case "seqLit":
        return array(e.elems.map((x) => this.expr(x, scope)));
      case "default":
        return this.defaultValue(e.type);
      case "quant": {
        let body = this.expr(e.body, scope);
        for (let i = e.binders.length - 1; i >= 0; i--) {
          const b = e.binders[i]!;
          const domain = this.domain(b, scope);
          const fn = arrow(safeIdentifier(b.name), body);
          body = call(prop(paren(domain), e.quantifier === "forall" ? "every" : "some"), [fn]);
        }
        return body;
      }
    }
  }

  private binary(e: Extract<IrExpr, { kind: "binary" }>, scope: Scope): Expr {
    const l = this.expr(e.left, scope);
    const r = this.expr(e.right, scope);
    const t = e.left.type;
    switch (e.op) {
      case "&&":
      case "||":
        return bin(l, e.op, r);
      case "==":
        return isPrimitive(t) ? bin(l, "===", r) : rtCall("eq", [l, r]);
      case "!=":
        return isPrimitive(t) ? bin(l, "!==", r) : not(rtCall("eq", [l, r]));
      case "<":
      case "<=":
      case ">":
      case ">=":
        return isPrimitive(t) ? bin(l, e.op, r) : bin(rtCall("compare", [l, r]), e.op, num(0));
      case "+":
        if (t.kind === "string") return bin(l, "+", r);
        if (t.kind === "seq") return rtCall("concat", [l, r]);
        return bin(bin(l, "+", r), "|", num(0));
      case "-":
        return bin(bin(l, "-", r), "|", num(0));
      case "*":
        return call(prop("Math", "imul"), [l, r]);
      case "/":
        return rtCall("div", [l, r, this.site(e.span)]);
      case "%":
        return rtCall("mod", [l, r, this.site(e.span)]);
    }
  }

  private machine(name: string): IrMachine {
    const m = this.machines.get(name);
    if (!m) throw new Error(`codegen: unknown machine ${name}`);
    return m;
  }
}

const BOOL_TYPE: Type = { kind: "bool" };
const INT_TYPE: Type = { kind: "int" };
const VOID_TYPE: Type = { kind: "void" };

/** The names a fork statement and its resume function use (a `$` keeps them apart from `.fl` names). */
const FORK_CHOSEN = "$chosen";
const FORK_LOCALS = "$locals";
const FORK_COLLECTION = "$chosenFrom";

/** The functions of `m` that may reach a `receive`: directly, or by calling one that does (a fixpoint). */
function receivingFunctions(m: IrMachine): ReadonlySet<string> {
  const found = new Set<string>();
  if (m.receives.length === 0) return found;
  for (let changed = true; changed; ) {
    changed = false;
    for (const f of m.funs) {
      if (!found.has(f.name) && f.body !== null && reachesReceive(f.body, found)) {
        found.add(f.name);
        changed = true;
      }
    }
  }
  return found;
}

/** A receive statement, or a call to one of `receivers` (machine functions), somewhere in `x`. */
function reachesReceive(x: unknown, receivers: ReadonlySet<string>): boolean {
  return someIrNode(
    x,
    (node) =>
      node.kind === "receive" ||
      (node.kind === "call" && node.scope === "machine" && receivers.has(node.fun as string)),
  );
}

/** The expressions a statement evaluates itself (not those of the statements nested in it). */
function ownExpressions(s: IrStmt): (IrExpr | null)[] {
  switch (s.kind) {
    case "assign":
    case "insert":
    case "remove":
      return [s.target, s.value];
    case "send":
      return [s.target, s.payload];
    case "raise":
    case "goto":
    case "announce":
      return [s.payload];
    case "assert":
      return [s.cond, s.message];
    case "print":
      return [s.value];
    case "if":
    case "while":
      return [s.cond];
    case "foreach":
      return [s.iterable];
    case "return":
      return [s.value];
    case "expr":
      return [s.expr];
    default:
      return [];
  }
}
