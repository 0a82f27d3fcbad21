// Expressions: name resolution and typing. Every expression node gets a type in
// `tables.types`; a node that produced a diagnostic gets the `error` type,
// which is compatible with everything, so one mistake gives one diagnostic.
import type {
  BinaryExpr,
  CallExpr,
  CastExpr,
  Expr,
  FieldExpr,
  Ident,
  IndexExpr,
  NameExpr,
  NamedTupleExpr,
  NewExpr,
  NodeId,
  QuantExpr,
  SeqLitExpr,
  SetLitExpr,
  Span,
  StateDecl,
  TupleIndexExpr,
} from "../ast.js";
import type { DiagnosticCode } from "../diagnostics.js";
import { parseFormat } from "../codegen/runtime.js";
import { ANY, BOOL, ERROR, EVENT, INT, isAssignable, STRING, type Type, typeEquals, VOID } from "../types.js";
import {
  allLocalNames,
  type CheckState,
  type CodeContext,
  type Effect,
  lookupLocal,
  noteEffect,
  report,
  isMissing,
} from "./context.js";
import type { TypeResolver } from "./resolve-types.js";
import { didYouMean } from "./suggest.js";
import {
  BUILTIN_NAMES,
  type BuiltinName,
  type FunInfo,
  type GlobalSymbols,
  type MachineInfo,
} from "./tables.js";
import { mismatchHint, showType } from "./type-text.js";

/** The element type `foreach`, quantifiers and `choose` see: seq/set element, map key. */
export function elementType(t: Type): Type | null {
  switch (t.kind) {
    case "seq":
    case "set":
      return t.elem;
    case "map":
      return t.key;
    case "error":
      return ERROR;
    default:
      return null;
  }
}

export function unparen(e: Expr): Expr {
  while (e.kind === "Paren") e = e.expr;
  return e;
}

/** `null`: a value of the type its context expects (event, machine or any). */
export const NULL_NAME = "null";
const NULLABLE_KINDS = ["event", "machine", "any"] as const;

/** A bare `null` (a name; whether it is the null value depends on what else is declared). */
function isNullName(e: Expr): boolean {
  const u = unparen(e);
  return u.kind === "Name" && u.name.name === NULL_NAME;
}

export function isEmptyCollectionLiteral(e: Expr): boolean {
  const u = unparen(e);
  return (u.kind === "SetLit" || u.kind === "SeqLit") && u.elems.length === 0;
}

export class ExprChecker {
  protected readonly symbols: GlobalSymbols;

  constructor(
    protected readonly st: CheckState,
    protected readonly types: TypeResolver,
  ) {
    this.symbols = st.tables.symbols;
  }

  // ------------------------------------------------------------ helpers

  protected report(
    code: DiagnosticCode,
    span: Span,
    message: string,
    extra: { hint?: string | undefined; related?: { message: string; span: Span }[] } = {},
  ): void {
    report(this.st, code, span, message, extra);
  }

  /** Reports FL300-style mismatches; returns false when the types differ. */
  protected expectType(
    actual: Type,
    expected: Type,
    span: Span,
    code: DiagnosticCode,
    message: (want: string, got: string) => string,
    hint?: string,
  ): boolean {
    if (isAssignable(actual, expected)) return true;
    this.report(code, span, message(showType(expected), showType(actual)), {
      hint: hint ?? mismatchHint(actual, expected),
    });
    return false;
  }

  /**
   * Notes that `e` (of type `t`) is used where `expected`, a type with `any`
   * where `t` has values, is wanted: lowering converts it. True when noted.
   */
  protected noteAny(e: Expr, t: Type, expected: Type): boolean {
    if (t.kind === "void" || typeEquals(t, expected) || !isAssignable(t, expected)) return false;
    this.st.tables.toAny.set(e.id, expected);
    return true;
  }

  /**
   * FL313 when `t` is `any` where `what` needs a value of a known type (an
   * operand, a collection, a machine): the value must be cast first. True when reported.
   */
  protected anyWithoutCast(t: Type, span: Span, what: string, example = "int"): boolean {
    if (t.kind !== "any") return false;
    this.report("FL313", span, `${what} cannot be an 'any' value`, {
      hint: `cast it to the type it holds first, e.g. '(... as ${example})'`,
    });
    return true;
  }

  /** Declares a local in the innermost scope; a second declaration visible in the same code is FL207. */
  protected declareLocal(cx: CodeContext, name: Ident, type: Type, decl: NodeId): void {
    if (isMissing(name.name)) return;
    const prior = lookupLocal(cx, name.name);
    if (prior) {
      this.report("FL207", name.span, `'${name.name}' is already declared in this scope`, {
        hint: "rename one of them; locals cannot shadow each other",
        related: [{ message: `'${name.name}' first declared here`, span: prior.span }],
      });
      return;
    }
    cx.scopes[cx.scopes.length - 1]!.set(name.name, { decl, type, span: name.span });
  }

  /**
   * Marks a construct that specs or invariants forbid. Reports FL403 / FL410
   * directly; returns false when it was reported.
   */
  protected restricted(cx: CodeContext, effect: Effect, span: Span, what: string): boolean {
    noteEffect(cx, effect, span);
    if (cx.kind === "spec") {
      this.report("FL403", span, `${what} is not allowed in a spec monitor`, {
        hint: "a monitor only observes events; it cannot act on the system or make choices",
      });
      return false;
    }
    if (cx.kind === "invariant") {
      this.report("FL410", span, `${what} is not allowed in an invariant`, {
        hint: "an invariant is a deterministic predicate over the state, without side effects",
      });
      return false;
    }
    if (cx.kind === "test") {
      this.report("FL414", span, `${what} is not allowed in a test declaration`);
      return false;
    }
    return true;
  }

  protected isMachineCode(cx: CodeContext): boolean {
    return (cx.kind === "machine" || cx.kind === "spec") && cx.owner !== null;
  }

  /** True when `name` means a value here (local, machine variable, param or enum member). */
  protected isValueName(name: string, cx: CodeContext): boolean {
    return (
      lookupLocal(cx, name) !== undefined ||
      (this.isMachineCode(cx) && cx.owner!.vars.has(name)) ||
      this.symbols.params.has(name) ||
      this.symbols.enumMembers.has(name)
    );
  }

  private record(e: Expr, t: Type): Type {
    this.st.tables.types.set(e.id, t);
    return t;
  }

  // ------------------------------------------------------------ expressions

  expr(e: Expr, cx: CodeContext, expected?: Type): Type {
    return this.record(e, this.exprType(e, cx, expected));
  }

  /** Checks `e` against an expected type (FL300 unless another code is given). */
  exprExpecting(
    e: Expr,
    cx: CodeContext,
    expected: Type,
    code: DiagnosticCode = "FL300",
    what?: string,
  ): Type {
    const t = this.expr(e, cx, expected);
    if (t.kind === "void" && expected.kind !== "void" && expected.kind !== "error") {
      this.report(code, e.span, `${what ?? "this expression"} has no value (the function returns nothing)`);
      return t;
    }
    this.noteAny(e, t, expected);
    this.expectType(t, expected, e.span, code, (want, got) =>
      what
        ? `type mismatch: ${what} must be ${want}, got ${got}`
        : `type mismatch: expected ${want}, got ${got}`,
    );
    return t;
  }

  private exprType(e: Expr, cx: CodeContext, expected: Type | undefined): Type {
    switch (e.kind) {
      case "IntLit":
        return INT;
      case "BoolLit":
        return BOOL;
      case "StringLit":
        return { kind: "string" };
      case "Name":
        return this.name(e, cx, expected);
      case "This":
        return this.thisExpr(e.span, cx);
      case "Field":
        return this.field(e, cx);
      case "TupleIndex":
        return this.tupleIndex(e, cx);
      case "Index":
        return this.index(e, cx);
      case "Call":
        return this.call(e, cx);
      case "New":
        return this.newExpr(e, cx);
      case "Choose":
        return this.choose(e.id, e.arg, e.span, cx);
      case "Nondet":
        this.restricted(cx, "$", e.span, "'$'");
        return BOOL;
      case "Unary": {
        const t = this.expr(e.operand, cx);
        const want = e.op === "!" ? BOOL : INT;
        if (this.anyWithoutCast(t, e.operand.span, `the operand of '${e.op}'`, want.kind)) return want;
        if (t.kind !== "error" && t.kind !== want.kind) {
          this.report("FL309", e.operand.span, `operator '${e.op}' expects ${want.kind}, got ${showType(t)}`);
        }
        return want;
      }
      case "Binary":
        return this.binary(e, cx);
      case "Tuple": {
        const exp =
          expected?.kind === "tuple" && expected.elems.length === e.elems.length ? expected : undefined;
        return { kind: "tuple", elems: e.elems.map((el, i) => this.literalPart(el, cx, exp?.elems[i])) };
      }
      case "NamedTuple":
        return this.namedTuple(e, cx, expected);
      case "SetLit":
      case "SeqLit":
        return this.collectionLiteral(e, cx, expected);
      case "Default":
        return this.types.resolve(e.type);
      case "Quant":
        return this.quant(e, cx);
      case "Paren":
        return this.expr(e.expr, cx, expected);
      case "Cast":
        return this.cast(e, cx);
    }
  }

  /**
   * `e as T`: from `any`, checked when it runs (ops table: the cast's target);
   * to `any` or to an equal type, always fine; anything else is FL312.
   */
  private cast(e: CastExpr, cx: CodeContext): Type {
    const from = this.expr(e.expr, cx);
    const to = this.types.resolve(e.type);
    if (from.kind === "error" || to.kind === "error") return to;
    if (from.kind === "void") {
      this.report(
        "FL312",
        e.expr.span,
        "cannot cast: this expression has no value (the function returns nothing)",
      );
      return to;
    }
    // From any, or between types that differ only where one has `any`: checked part by part when it runs.
    if (from.kind === "any" || isAssignable(from, to) || isAssignable(to, from)) return to;
    this.report(
      "FL312",
      e.keyword.span,
      `cannot cast ${showType(from)} to ${showType(to)}: no value has both types`,
      {
        hint: castHint(from, to),
      },
    );
    return ERROR;
  }

  private thisExpr(span: Span, cx: CodeContext): Type {
    if (cx.kind === "spec") {
      this.restricted(cx, "this", span, "'this'");
      return ERROR;
    }
    if (cx.kind === "invariant" || cx.kind === "test") {
      this.report(
        "FL414",
        span,
        `'this' is not available in ${cx.kind === "test" ? "a test" : "an invariant"}`,
        {
          hint: "there is no current machine here; quantify over machines instead: forall m: M :: ...",
        },
      );
      return ERROR;
    }
    noteEffect(cx, "this", span);
    if (cx.kind === "globalFun") return { kind: "machine", name: null };
    return { kind: "machine", name: cx.owner?.name ?? null };
  }

  private name(e: NameExpr, cx: CodeContext, expected?: Type): Type {
    const n = e.name.name;
    if (isMissing(n)) return ERROR;
    const refs = this.st.tables.refs;
    const local = lookupLocal(cx, n);
    if (local) {
      refs.set(e.id, { kind: "local", name: n, decl: local.decl });
      return local.type;
    }
    if (this.isMachineCode(cx)) {
      const v = cx.owner!.vars.get(n);
      if (v) {
        refs.set(e.id, { kind: "self", owner: cx.owner!.name, name: n });
        return v.type;
      }
    }
    const param = this.symbols.params.get(n);
    if (param) {
      refs.set(e.id, { kind: "param", name: n });
      return param.type;
    }
    const en = this.symbols.enumMembers.get(n);
    if (en) {
      refs.set(e.id, { kind: "enumMember", enumName: en.name, member: n, ordinal: en.members.indexOf(n) });
      return { kind: "enum", name: en.name, members: en.members };
    }
    if (this.symbols.events.has(n)) {
      // An event name where a value is wanted: a value of type `event`.
      refs.set(e.id, { kind: "event", name: n });
      return EVENT;
    }
    if (n === NULL_NAME) return this.nullValue(e, expected);
    this.report("FL200", e.name.span, `unknown name '${n}'`, { hint: this.unknownNameHint(n, cx) });
    return ERROR;
  }

  /**
   * `null` (a name no declaration has taken): the null event, machine reference
   * or `any`, whichever the context expects (as `default(T)`).
   */
  private nullValue(e: NameExpr, expected: Type | undefined): Type {
    if (expected === undefined || !(NULLABLE_KINDS as readonly string[]).includes(expected.kind)) {
      if (expected?.kind === "error") return ERROR;
      this.report("FL300", e.span, "'null' needs an event, machine or any type from where it is used", {
        hint: "assign it to, pass it as or compare it with a value of type event, machine (or a machine type) or any",
      });
      return ERROR;
    }
    this.st.tables.refs.set(e.id, { kind: "null" });
    return expected;
  }

  private unknownNameHint(n: string, cx: CodeContext): string | undefined {
    const candidates = [
      ...allLocalNames(cx),
      ...(this.isMachineCode(cx) ? cx.owner!.vars.keys() : []),
      ...this.symbols.params.keys(),
      ...this.symbols.enumMembers.keys(),
    ];
    const close = didYouMean(n, candidates);
    if (close) return close;
    if (this.symbols.machines.has(n)) return `'${n}' is a machine; create one with 'new ${n}(...)'`;
    if (this.symbols.enums.has(n))
      return `'${n}' is an enum; name a member: ${n}.${this.symbols.enums.get(n)!.members[0] ?? "Member"}`;
    for (const m of this.symbols.machines.values()) {
      if (m.states.has(n))
        return `'${n}' is a state of '${m.name}'; test it with 'm in ${n}' where m is a machine reference`;
    }
    if (cx.kind === "invariant" || cx.kind === "globalFun") {
      for (const m of this.symbols.machines.values()) {
        if (m.vars.has(n)) {
          return cx.kind === "invariant"
            ? `'${n}' is a variable of machine '${m.name}'; read it through a reference: forall m: ${m.name} :: m.${n}`
            : `'${n}' is a variable of machine '${m.name}'; top-level functions only see their parameters`;
        }
      }
    }
    return undefined;
  }

  private field(e: FieldExpr, cx: CodeContext): Type {
    const refs = this.st.tables.refs;
    const fname = e.field.name;
    // `Enum.Member`, unless the name is also a value (then it is a field access on that value).
    if (e.target.kind === "Name" && !this.isValueName(e.target.name.name, cx)) {
      const en = this.symbols.enums.get(e.target.name.name);
      if (en) {
        const enumType: Type = { kind: "enum", name: en.name, members: en.members };
        this.record(e.target, enumType);
        const ordinal = en.members.indexOf(fname);
        if (ordinal < 0) {
          if (!isMissing(fname)) {
            this.report("FL210", e.field.span, `enum '${en.name}' has no member '${fname}'`, {
              hint: didYouMean(fname, en.members) ?? `its members are ${en.members.join(", ")}`,
            });
          }
          return ERROR;
        }
        refs.set(e.id, { kind: "enumMember", enumName: en.name, member: fname, ordinal });
        return enumType;
      }
    }
    const t = this.expr(e.target, cx);
    if (isMissing(fname)) return ERROR;
    switch (t.kind) {
      case "error":
        return ERROR;
      case "any":
        this.anyWithoutCast(t, e.target.span, `a value whose field '${fname}' is read`, "(a: int, b: int)");
        return ERROR;
      case "namedTuple": {
        const index = t.fields.findIndex((f) => f.name === fname);
        if (index < 0) {
          this.report("FL208", e.field.span, `${showType(t)} has no field '${fname}'`, {
            hint: didYouMean(
              fname,
              t.fields.map((f) => f.name),
            ),
          });
          return ERROR;
        }
        refs.set(e.id, { kind: "field", name: fname, index });
        return t.fields[index]!.type;
      }
      case "machine":
        return this.machineVar(e, t.name, cx);
      case "tuple":
        this.report("FL208", e.field.span, `${showType(t)} has no named fields; it has no field '${fname}'`, {
          hint: "read a tuple element by position: .0, .1, ...",
        });
        return ERROR;
      default:
        this.report("FL208", e.field.span, `a value of type ${showType(t)} has no field '${fname}'`);
        return ERROR;
    }
  }

  /** `m.v`: a machine variable read through a reference. */
  private machineVar(e: FieldExpr, machineName: string | null, cx: CodeContext): Type {
    const fname = e.field.name;
    if (machineName === null) {
      this.report("FL208", e.field.span, `cannot read '${fname}' through a reference of type 'machine'`, {
        hint: "the reference's machine is not known; give it a machine type such as a machine name",
      });
      return ERROR;
    }
    const m = this.symbols.machines.get(machineName);
    const v = m?.vars.get(fname);
    if (!m || !v) {
      this.report("FL208", e.field.span, `machine '${machineName}' has no variable '${fname}'`, {
        hint: m ? didYouMean(fname, m.vars.keys()) : undefined,
      });
      return ERROR;
    }
    if (unparen(e.target).kind === "This" && cx.owner === m) {
      this.st.tables.refs.set(e.id, { kind: "self", owner: m.name, name: fname });
      return v.type;
    }
    if (cx.kind !== "invariant") {
      this.report(
        "FL406",
        e.span,
        `reading variable '${fname}' of another machine is only allowed in invariants`,
        {
          hint: "machines share state only through messages: send the value in an event",
        },
      );
      return v.type;
    }
    this.st.tables.refs.set(e.id, { kind: "machineVar", machine: m.name, variable: fname });
    return v.type;
  }

  private tupleIndex(e: TupleIndexExpr, cx: CodeContext): Type {
    const t = this.expr(e.target, cx);
    const refs = this.st.tables.refs;
    if (t.kind === "error") return ERROR;
    if (this.anyWithoutCast(t, e.target.span, "a tuple read by position", "(int, int)")) return ERROR;
    if (t.kind === "tuple") {
      if (e.index < t.elems.length) {
        refs.set(e.id, { kind: "tupleElem", index: e.index });
        return t.elems[e.index]!;
      }
    } else if (t.kind === "namedTuple") {
      if (e.index < t.fields.length) {
        refs.set(e.id, { kind: "field", name: t.fields[e.index]!.name, index: e.index });
        return t.fields[e.index]!.type;
      }
    } else {
      this.report(
        "FL208",
        e.span,
        `a value of type ${showType(t)} is not a tuple; it has no element ${e.index}`,
      );
      return ERROR;
    }
    const size = t.kind === "tuple" ? t.elems.length : t.fields.length;
    this.report("FL208", e.span, `tuple index ${e.index} is out of range for ${showType(t)}`, {
      hint: `valid indexes are 0..${size - 1}`,
    });
    return ERROR;
  }

  private index(e: IndexExpr, cx: CodeContext): Type {
    const t = this.expr(e.target, cx);
    const ops = this.st.tables.ops;
    switch (t.kind) {
      case "seq":
        ops.set(e.id, { kind: "index", collection: "seq" });
        this.exprExpecting(e.index, cx, INT, "FL300", "a seq index");
        return t.elem;
      case "set":
        // The i-th element in canonical order (docs/language.md, "Canonical order"), as P allows.
        ops.set(e.id, { kind: "index", collection: "set" });
        this.exprExpecting(e.index, cx, INT, "FL300", "a set index");
        return t.elem;
      case "map":
        ops.set(e.id, { kind: "index", collection: "map" });
        this.exprExpecting(e.index, cx, t.key, "FL300", "the map key");
        return t.value;
      case "error":
        this.expr(e.index, cx);
        return ERROR;
      case "any":
        this.expr(e.index, cx);
        this.anyWithoutCast(t, e.target.span, "an indexed collection", "seq[int]");
        return ERROR;
      default:
        this.expr(e.index, cx);
        this.report("FL309", e.target.span, `cannot index a value of type ${showType(t)}`, {
          hint: "only seq, set and map values can be indexed",
        });
        return ERROR;
    }
  }

  private call(e: CallExpr, cx: CodeContext): Type {
    const n = e.callee.name;
    if ((BUILTIN_NAMES as readonly string[]).includes(n)) return this.builtin(e, n as BuiltinName, cx);
    const fun = this.lookupFun(n, cx);
    if (!fun) {
      for (const a of e.args) this.expr(a, cx);
      if (isMissing(n)) return ERROR;
      if (cx.kind === "invariant") {
        const owner = [...this.symbols.machines.values(), ...this.symbols.specs.values()].find((m) =>
          m.funs.has(n),
        );
        if (owner) {
          this.report(
            "FL410",
            e.callee.span,
            `an invariant cannot call '${n}', a function of '${owner.name}'`,
            {
              hint: "invariants can call top-level functions; move the function to the top level",
            },
          );
          return ERROR;
        }
      }
      this.report("FL205", e.callee.span, `unknown function '${n}'`, { hint: this.unknownFunHint(n, cx) });
      return ERROR;
    }
    this.st.tables.refs.set(e.callee.id, this.funRef(fun));
    this.st.tables.refs.set(e.id, this.funRef(fun));
    this.checkArgs(e, fun, cx);
    if (fun.owner !== null) cx.facts.machineCalls.add(fun.name);
    else if (!fun.foreign) cx.facts.globalCalls.push({ name: fun.name, span: e.callee.span });
    return fun.returnType;
  }

  protected funRef(fun: FunInfo) {
    return {
      kind: "fun" as const,
      scope:
        fun.owner !== null ? ("machine" as const) : fun.foreign ? ("foreign" as const) : ("global" as const),
      name: fun.name,
      owner: fun.owner,
    };
  }

  /** Machine-local functions first, then top-level and foreign ones. */
  protected lookupFun(name: string, cx: CodeContext): FunInfo | undefined {
    if (this.isMachineCode(cx)) {
      const local = cx.owner!.funs.get(name);
      if (local) return local;
    }
    return this.symbols.funs.get(name);
  }

  protected unknownFunHint(n: string, cx: CodeContext): string | undefined {
    const candidates = [...this.symbols.funs.keys(), ...BUILTIN_NAMES];
    if (this.isMachineCode(cx)) candidates.push(...cx.owner!.funs.keys());
    const close = didYouMean(n, candidates);
    if (close) return close;
    if (this.symbols.machines.has(n)) return `'${n}' is a machine; create one with 'new ${n}(...)'`;
    if (cx.kind === "globalFun") {
      const owner = [...this.symbols.machines.values()].find((m) => m.funs.has(n));
      if (owner) return `'${n}' is a function of machine '${owner.name}'; top-level functions cannot call it`;
    }
    return undefined;
  }

  private checkArgs(e: CallExpr, fun: FunInfo, cx: CodeContext): void {
    if (e.args.length !== fun.params.length) {
      const want = fun.params.length;
      this.report(
        "FL303",
        e.span,
        `function '${fun.name}' takes ${want} argument${want === 1 ? "" : "s"}, got ${e.args.length}`,
        {
          hint: `its signature is ${fun.name}(${fun.params.map((p) => `${p.name}: ${showType(p.type)}`).join(", ")})`,
        },
      );
    }
    e.args.forEach((a, i) => {
      const p = fun.params[i];
      if (!p) {
        this.expr(a, cx);
        return;
      }
      this.exprExpecting(a, cx, p.type, "FL300", `argument '${p.name}' of '${fun.name}'`);
    });
  }

  private builtin(e: CallExpr, name: BuiltinName, cx: CodeContext): Type {
    this.st.tables.refs.set(e.id, { kind: "builtin", name });
    if (name === "inflight") return this.inflight(e, cx);
    if (name === "format") return this.format(e, cx);
    if (e.args.length !== 1) {
      this.report("FL303", e.span, `'${name}' takes 1 argument, got ${e.args.length}`);
      for (const a of e.args) this.expr(a, cx);
      return name === "sizeof" ? INT : ERROR;
    }
    const t = this.expr(e.args[0]!, cx);
    if (name === "str") {
      this.printable(e.args[0]!, t);
      return STRING;
    }
    if (t.kind === "error") return name === "sizeof" ? INT : ERROR;
    if (
      this.anyWithoutCast(
        t,
        e.args[0]!.span,
        `the argument of '${name}'`,
        name === "sizeof" ? "seq[int]" : "map[int, int]",
      )
    ) {
      return name === "sizeof" ? INT : ERROR;
    }
    if (name === "sizeof") {
      if (t.kind !== "seq" && t.kind !== "set" && t.kind !== "map") {
        this.report("FL300", e.args[0]!.span, `'sizeof' expects a seq, set or map, got ${showType(t)}`);
      }
      return INT;
    }
    if (t.kind !== "map") {
      this.report("FL300", e.args[0]!.span, `'${name}' expects a map, got ${showType(t)}`);
      return ERROR;
    }
    // In canonical (sorted key) order, like foreach over the map.
    return { kind: "seq", elem: name === "keys" ? t.key : t.value };
  }

  /** A value `str`, `format` and `print` turn into text: anything but no value (a void call). */
  printable(e: Expr, t: Type): void {
    if (t.kind === "void") this.report("FL300", e.span, "this call returns no value to convert to text");
  }

  /** `format("{0} of {1}", a, b)`: a string, then the values its placeholders name. */
  private format(e: CallExpr, cx: CodeContext): Type {
    const [fmt, ...values] = e.args;
    if (fmt === undefined) {
      this.report("FL303", e.span, "'format' takes a format string, then the values it shows", {
        hint: 'format("{0} of {1}", a, b)',
      });
      return STRING;
    }
    this.exprExpecting(fmt, cx, STRING, "FL300", "a format string");
    for (const v of values) this.printable(v, this.expr(v, cx));
    const lit = unparen(fmt);
    if (lit.kind !== "StringLit") return STRING; // checked when it runs
    const parsed = parseFormat(lit.value);
    const hint =
      "placeholders are {0}, {1}, ... (the values after the format string); '{{' and '}}' are braces";
    if ("error" in parsed) {
      this.report("FL303", fmt.span, `bad format string: ${parsed.error}`, { hint });
      return STRING;
    }
    const bad = parsed.pieces.find((p): p is number => typeof p === "number" && p >= values.length);
    if (bad !== undefined) {
      this.report(
        "FL303",
        fmt.span,
        `the format string shows {${bad}}, but 'format' gets ${values.length} value${values.length === 1 ? "" : "s"} after it`,
        { hint },
      );
    }
    return STRING;
  }

  /** `inflight(E)` / `inflight(E, m)`: messages of E in flight (to m). */
  private inflight(e: CallExpr, cx: CodeContext): Type {
    if (cx.kind !== "invariant") {
      this.report("FL414", e.callee.span, "'inflight' is only available in invariants", {
        hint: "machines cannot observe the network; count messages in an invariant",
      });
    }
    if (e.args.length < 1 || e.args.length > 2) {
      this.report(
        "FL303",
        e.span,
        `'inflight' takes 1 or 2 arguments (an event, then a machine), got ${e.args.length}`,
      );
    }
    const ev = e.args[0];
    if (ev) {
      const u = unparen(ev);
      if (u.kind === "Name" && this.symbols.events.has(u.name.name)) {
        this.record(ev, VOID);
        if (u !== ev) this.record(u, VOID);
      } else if (u.kind === "Name") {
        this.record(ev, ERROR);
        this.unknownEvent(u.name);
      } else {
        this.expr(ev, cx);
        this.report("FL202", ev.span, "the first argument of 'inflight' must be an event name");
      }
    }
    const target = e.args[1];
    if (target) {
      const t = this.expr(target, cx);
      if (t.kind !== "machine" && t.kind !== "error") {
        this.report("FL311", target.span, `'inflight' counts messages to a machine; got ${showType(t)}`);
      }
    }
    for (const extra of e.args.slice(2)) this.expr(extra, cx);
    return INT;
  }

  protected unknownEvent(id: Ident): void {
    if (isMissing(id.name)) return;
    this.report("FL202", id.span, `unknown event '${id.name}'`, {
      hint: didYouMean(id.name, this.symbols.events.keys()),
    });
  }

  /** The payload type a state's entry takes: its parameter's type, or the entry function's one; null if none. */
  entryParamType(state: StateDecl, owner: MachineInfo): Type | null {
    const entry = state.entry;
    if (!entry) return null;
    const a = entry.action;
    if (a.kind === "InlineAction") {
      if (!a.param) return null;
      return a.param.type ? this.types.resolve(a.param.type) : ERROR;
    }
    const fun = owner.funs.get(a.fun.name) ?? this.symbols.funs.get(a.fun.name);
    if (!fun || fun.params.length === 0) return null;
    return fun.params[0]!.type;
  }

  /**
   * Checks an optional payload against what the receiving side expects
   * (an event's payload, a state's entry parameter); FL301 on mismatch.
   */
  protected checkPayload(
    payload: Expr | null,
    expected: Type | null,
    cx: CodeContext,
    at: Span,
    receiver: string,
  ): void {
    if (payload && expected) {
      this.exprExpecting(payload, cx, expected, "FL301", `the payload of ${receiver}`);
    } else if (payload) {
      this.expr(payload, cx);
      this.report("FL301", payload.span, `${receiver} takes no payload`, { hint: "remove the payload" });
    } else if (expected && expected.kind !== "error") {
      this.report("FL301", at, `${receiver} needs a payload of type ${showType(expected)}`);
    }
  }

  private newExpr(e: NewExpr, cx: CodeContext): Type {
    this.restricted(cx, "new", e.span, "'new'");
    const n = e.machine.name;
    const m = this.symbols.machines.get(n);
    if (!m) {
      if (e.payload) this.expr(e.payload, cx);
      if (isMissing(n)) return ERROR;
      if (this.symbols.specs.has(n)) {
        this.report(
          "FL203",
          e.machine.span,
          `'${n}' is a spec monitor; monitors cannot be created with 'new'`,
          {
            hint: "a test asserts a spec by name; it runs alongside the machines",
          },
        );
      } else {
        this.report("FL203", e.machine.span, `unknown machine '${n}'`, {
          hint: didYouMean(n, this.symbols.machines.keys()),
        });
      }
      return ERROR;
    }
    const payloadType = m.startState ? this.entryParamType(m.startState, m) : null;
    if (!m.startState) {
      if (e.payload) this.expr(e.payload, cx);
    } else {
      this.checkPayload(e.payload, payloadType, cx, e.span, `machine '${n}' (its start state's entry)`);
    }
    return { kind: "machine", name: n };
  }

  protected choose(id: NodeId, arg: Expr | null, span: Span, cx: CodeContext): Type {
    this.restricted(cx, "choose", span, "'choose'");
    const ops = this.st.tables.ops;
    if (!arg) {
      ops.set(id, { kind: "choose", mode: "bool" });
      return BOOL;
    }
    const t = this.expr(arg, cx);
    if (t.kind === "int") {
      ops.set(id, { kind: "choose", mode: "int" });
      return INT;
    }
    ops.set(id, { kind: "choose", mode: "collection" });
    if (this.anyWithoutCast(t, arg.span, "what 'choose' picks from", "set[int]")) return ERROR;
    const elem = elementType(t);
    if (elem) return elem;
    this.report("FL300", arg.span, `'choose' expects an int or a collection, got ${showType(t)}`, {
      hint: "choose(n) picks 0..n-1, choose(s) an element of s, choose() a bool",
    });
    return ERROR;
  }

  private binary(e: BinaryExpr, cx: CodeContext): Type {
    switch (e.op) {
      case "&&":
      case "||":
        for (const side of [e.left, e.right]) {
          const t = this.expr(side, cx);
          if (this.anyWithoutCast(t, side.span, `an operand of '${e.op}'`, "bool")) continue;
          if (t.kind !== "bool" && t.kind !== "error") {
            this.report("FL309", side.span, `operator '${e.op}' expects bool operands, got ${showType(t)}`);
          }
        }
        return BOOL;
      case "==":
      case "!=": {
        // An empty literal takes its element type from the other side.
        let lt: Type;
        let rt: Type;
        if (
          (isEmptyCollectionLiteral(e.left) && !isEmptyCollectionLiteral(e.right)) ||
          (isNullName(e.left) && !isNullName(e.right))
        ) {
          rt = this.expr(e.right, cx);
          lt = this.expr(e.left, cx, rt);
        } else {
          lt = this.expr(e.left, cx);
          rt = this.expr(e.right, cx, lt);
        }
        // An `any` compares with a value of any type (its dynamic type and value must both match).
        const withAny = this.noteAny(e.left, lt, rt) || this.noteAny(e.right, rt, lt);
        if (lt.kind === "void" || rt.kind === "void" || !(withAny || typeEquals(lt, rt))) {
          this.report(
            "FL309",
            e.span,
            `cannot compare ${showType(lt)} with ${showType(rt)} using '${e.op}'`,
            {
              hint: mismatchHint(rt, lt) ?? "both sides of a comparison must have the same type",
            },
          );
        }
        return BOOL;
      }
      case "<":
      case "<=":
      case ">":
      case ">=":
        this.intOperands(e, cx);
        return BOOL;
      case "+": {
        const lt = this.expr(e.left, cx);
        const rt = this.expr(e.right, cx);
        if (lt.kind === "error" || rt.kind === "error") {
          return lt.kind === "error" ? (rt.kind === "string" ? rt : rt.kind === "error" ? ERROR : INT) : lt;
        }
        if (lt.kind === "string" && rt.kind === "string") return lt;
        if (lt.kind === "int" && rt.kind === "int") return INT;
        const anySide = lt.kind === "any" ? e.left : rt.kind === "any" ? e.right : null;
        if (anySide !== null && this.anyWithoutCast(ANY, anySide.span, "an operand of '+'")) return ERROR;
        this.report(
          "FL309",
          e.span,
          `operator '+' expects two ints or two strings, got ${showType(lt)} and ${showType(rt)}`,
        );
        return ERROR;
      }
      case "-":
      case "*":
      case "/":
      case "%":
        this.intOperands(e, cx);
        return INT;
      case "in":
        return this.membership(e, cx);
    }
  }

  private intOperands(e: BinaryExpr, cx: CodeContext): void {
    const bad = [e.left, e.right]
      .map((side) => ({ side, t: this.expr(side, cx) }))
      .filter(({ side, t }) => !this.anyWithoutCast(t, side.span, `an operand of '${e.op}'`))
      .filter(({ t }) => t.kind !== "int" && t.kind !== "error");
    if (bad.length === 2) {
      this.report(
        "FL309",
        e.span,
        `operator '${e.op}' expects int operands, got ${showType(bad[0]!.t)} and ${showType(bad[1]!.t)}`,
      );
    } else if (bad.length === 1) {
      this.report(
        "FL309",
        bad[0]!.side.span,
        `operator '${e.op}' expects int operands, got ${showType(bad[0]!.t)}`,
      );
    }
  }

  /** `a in b`: a state test when `a` is a machine reference and `b` names one of its states, else membership. */
  private membership(e: BinaryExpr, cx: CodeContext): Type {
    const lt = this.expr(e.left, cx);
    const right = unparen(e.right);
    if (lt.kind === "machine" && right.kind === "Name") {
      const sname = right.name.name;
      const m = lt.name !== null ? this.symbols.machines.get(lt.name) : undefined;
      if (m?.states.has(sname)) {
        this.record(e.right, VOID);
        if (right !== e.right) this.record(right, VOID);
        this.st.tables.ops.set(e.id, { kind: "stateTest", machine: m.name, state: sname });
        const onSelf = unparen(e.left).kind === "This";
        if (!onSelf && cx.kind !== "invariant") {
          this.report("FL406", e.span, `testing the state of another machine is only allowed in invariants`, {
            hint: "machines share state only through messages",
          });
        }
        return BOOL;
      }
      if (!this.isValueName(sname, cx) && !isMissing(sname)) {
        this.record(e.right, ERROR);
        if (m) {
          this.report("FL413", right.span, `'${sname}' is not a state of machine '${m.name}'`, {
            hint: didYouMean(sname, m.states.keys()) ?? `its states are ${[...m.states.keys()].join(", ")}`,
          });
        } else if (lt.name === null) {
          this.report(
            "FL413",
            right.span,
            `cannot test the state '${sname}' of a reference of type 'machine'`,
            {
              hint: "the reference's machine is not known; give it a machine type",
            },
          );
        }
        return BOOL;
      }
    }
    const rt = this.expr(e.right, cx);
    if (rt.kind === "error" || lt.kind === "error") return BOOL;
    if (this.anyWithoutCast(rt, e.right.span, "the collection of 'in'", "set[int]")) return BOOL;
    const collection = rt.kind === "seq" || rt.kind === "set" || rt.kind === "map" ? rt.kind : null;
    if (!collection) {
      this.report("FL309", e.right.span, `'in' expects a seq, set or map on the right, got ${showType(rt)}`);
      return BOOL;
    }
    this.st.tables.ops.set(e.id, { kind: "membership", collection });
    const elem = elementType(rt)!;
    this.noteAny(e.left, lt, elem);
    if (!isAssignable(lt, elem)) {
      const what = rt.kind === "map" ? "a key" : "an element";
      this.report("FL309", e.left.span, `cannot test ${showType(lt)} as ${what} of ${showType(rt)}`, {
        hint: mismatchHint(lt, elem),
      });
    }
    return BOOL;
  }

  /**
   * A tuple literal's element: where an `any` is expected the element is one
   * (lowering wraps it), so `(1, "a")` fills a `(int, any)`.
   */
  private literalPart(e: Expr, cx: CodeContext, expected: Type | undefined): Type {
    const t = this.expr(e, cx, expected);
    return expected !== undefined && this.noteAny(e, t, expected) ? expected : t;
  }

  private namedTuple(e: NamedTupleExpr, cx: CodeContext, expected: Type | undefined): Type {
    const seen = new Map<string, Ident>();
    const fields: { name: string; type: Type }[] = [];
    for (const f of e.fields) {
      const first = seen.get(f.name.name);
      if (first) {
        this.report("FL207", f.name.span, `duplicate field '${f.name.name}' in named tuple`, {
          related: [{ message: `'${f.name.name}' first given here`, span: first.span }],
        });
      } else {
        seen.set(f.name.name, f.name);
      }
      const exp =
        expected?.kind === "namedTuple" ? expected.fields.find((x) => x.name === f.name.name) : undefined;
      fields.push({ name: f.name.name, type: this.literalPart(f.value, cx, exp?.type) });
    }
    return { kind: "namedTuple", fields };
  }

  private collectionLiteral(e: SetLitExpr | SeqLitExpr, cx: CodeContext, expected: Type | undefined): Type {
    const kind = e.kind === "SetLit" ? "set" : "seq";
    const expElem = expected?.kind === kind ? expected.elem : undefined;
    if (e.elems.length === 0) {
      if (expElem) return { kind, elem: expElem };
      if (expected?.kind === "error") return ERROR;
      const written = kind === "set" ? "{}" : "[]";
      if (expected?.kind === "map" && kind === "set") {
        this.report("FL300", e.span, `'{}' is an empty set, not a map`, {
          hint: `write an empty map as default(${showType(expected)})`,
        });
        return ERROR;
      }
      this.report("FL300", e.span, `cannot infer the element type of the empty ${kind} '${written}'`, {
        hint: `use it where a ${kind} type is known (e.g. assign it to a typed variable) or write default(${kind}[T])`,
      });
      return ERROR;
    }
    let elem = expElem;
    for (const el of e.elems) {
      const t = this.expr(el, cx, elem);
      if (elem !== undefined) this.noteAny(el, t, elem);
      if (elem === undefined || elem.kind === "error") {
        elem = t;
      } else if (!isAssignable(t, elem)) {
        this.report(
          "FL300",
          el.span,
          `${kind} elements must have one type: expected ${showType(elem)}, got ${showType(t)}`,
          {
            hint: mismatchHint(t, elem),
          },
        );
      }
    }
    return { kind, elem: elem ?? ERROR };
  }

  private quant(e: QuantExpr, cx: CodeContext): Type {
    cx.scopes.push(new Map());
    for (const b of e.binders) {
      let t: Type = ERROR;
      if (b.machineType) {
        const n = b.machineType.name;
        if (this.symbols.machines.has(n)) {
          t = { kind: "machine", name: n };
          if (cx.kind !== "invariant") {
            this.report("FL414", b.span, "quantifying over machine instances is only allowed in invariants", {
              hint: "quantify over a collection instead: forall x in coll :: ...",
            });
          }
        } else if (!isMissing(n)) {
          this.report("FL203", b.machineType.span, `unknown machine '${n}'`, {
            hint: this.symbols.specs.has(n)
              ? `'${n}' is a spec monitor; quantifiers range over machine instances`
              : didYouMean(n, this.symbols.machines.keys()),
          });
        }
      } else if (b.collection) {
        const ct = this.expr(b.collection, cx);
        const elem = elementType(ct);
        if (elem) t = elem;
        else if (this.anyWithoutCast(ct, b.collection.span, "what a quantifier ranges over", "set[int]")) {
          // reported
        } else {
          this.report(
            "FL300",
            b.collection.span,
            `a quantifier ranges over a seq, set or map, got ${showType(ct)}`,
          );
        }
      }
      this.st.tables.declTypes.set(b.id, t);
      this.declareLocal(cx, b.name, t, b.id);
    }
    const bt = this.expr(e.body, cx);
    if (bt.kind !== "bool" && bt.kind !== "error") {
      this.report("FL308", e.body.span, `the body of '${e.quantifier}' must be a bool, got ${showType(bt)}`);
    }
    cx.scopes.pop();
    return BOOL;
  }
}

/** Why a cast can never succeed, when there is more to say than the two types. */
function castHint(from: Type, to: Type): string | undefined {
  if (to.kind === "string") return "str(x) gives any value as text";
  if (from.kind === "event" && to.kind === "machine")
    return "an event is not a machine; send it to one: send m, e;";
  return "a cast goes from any, to any, or between types that differ only where one of them has any (seq[any] as seq[int])";
}
