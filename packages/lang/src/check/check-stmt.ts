// Statements, actions (entry/exit/handler code) and function bodies.
import { FAULT_EVENT_MISUSE_HINT } from "../fault-events.js";
import {
  type Action,
  type AnnounceStmt,
  type AssignStmt,
  type Block,
  type Expr,
  eventValueExpr,
  type Ident,
  type RaiseStmt,
  type ReceiveStmt,
  type SendStmt,
  type Span,
  type Stmt,
} from "../ast.js";
import { HALT_EVENT } from "../ir.js";
import { ERROR, INT, isAssignable, STRING, type Type, typeEquals } from "../types.js";
import { type CodeContext, type CodeFacts, newContext, noteEffect, isMissing } from "./context.js";
import { ExprChecker, elementType, unparen } from "./check-expr.js";
import { eventsPayload, faultEventMisuse } from "./event-payloads.js";
import { didYouMean } from "./suggest.js";
import type { FunInfo, MachineInfo } from "./tables.js";
import { mismatchHint, showType } from "./type-text.js";

/** Where timers of one machine are started, cancelled and handled (first occurrence of each). */
export interface TimerUses {
  started: Map<string, Span>;
  cancelled: Map<string, Span>;
  handled: Map<string, Span>;
}

export class BodyChecker extends ExprChecker {
  readonly timerUses = new Map<MachineInfo, TimerUses>();
  /** Machines with a goto to an unknown state: their reachability would only echo that error. */
  readonly unknownGotoTargets = new Set<MachineInfo>();

  timersOf(machine: MachineInfo): TimerUses {
    let t = this.timerUses.get(machine);
    if (!t) {
      t = { started: new Map(), cancelled: new Map(), handled: new Map() };
      this.timerUses.set(machine, t);
    }
    return t;
  }

  // ------------------------------------------------------------ functions and actions

  /** Checks a function body; returns its facts (effects, calls, gotos). */
  checkFun(fun: FunInfo, owner: MachineInfo | null): CodeFacts {
    const kind = owner === null ? "globalFun" : owner.isSpec ? "spec" : "machine";
    const cx = newContext(kind, owner, fun);
    const body = fun.decl.body;
    if (!body) return cx.facts;
    fun.decl.params.forEach((p, i) => {
      this.declareLocal(cx, p.name, fun.params[i]?.type ?? ERROR, p.id);
    });
    this.block(body, cx);
    if (fun.returnType.kind !== "void" && fun.returnType.kind !== "error" && !alwaysLeaves(body)) {
      this.report(
        "FL415",
        fun.decl.name.span,
        `function '${fun.name}' does not return a value on every path`,
        {
          hint: `end every path with 'return <${showType(fun.returnType)}>;'`,
        },
      );
    }
    return cx.facts;
  }

  /**
   * Checks an action that receives `payload` (null: nothing is passed). `what`
   * names the place for messages ("the handler of 'E'").
   */
  checkAction(
    action: Action,
    owner: MachineInfo,
    facts: CodeFacts,
    payload: { type: Type | null; what: string; paramAllowed: boolean },
  ): void {
    const cx = newContext(owner.isSpec ? "spec" : "machine", owner, null);
    cx.facts = facts;
    this.actionIn(action, cx, payload);
  }

  /** An action run in `cx` (a handler's fresh context, or a receive case inside the code around it). */
  private actionIn(
    action: Action,
    cx: CodeContext,
    payload: { type: Type | null; what: string; paramAllowed: boolean },
  ): void {
    if (action.kind === "FunAction") {
      this.checkFunAction(action.fun, action.id, cx, payload);
      return;
    }
    if (action.param) {
      const p = action.param;
      let t: Type;
      if (!payload.paramAllowed) {
        this.report("FL302", p.name.span, `${payload.what} takes no parameter`, {
          hint: "remove the parameter",
        });
        t = p.type ? this.types.resolve(p.type) : ERROR;
      } else if (p.type) {
        t = this.types.resolve(p.type);
        if (payload.type === null) {
          this.report(
            "FL302",
            p.name.span,
            `${payload.what} receives no payload, so it cannot take parameter '${p.name.name}'`,
            {
              hint: "remove the parameter, or give the event a payload type",
            },
          );
        } else if (!typeEquals(t, payload.type)) {
          this.report(
            "FL302",
            p.type.span,
            `parameter '${p.name.name}' has type ${showType(t)}, but ${payload.what} receives ${showType(payload.type)}`,
            {
              hint:
                mismatchHint(payload.type, t) ??
                `declare it as ${showType(payload.type)} or leave the type out`,
            },
          );
        }
      } else if (payload.type === null) {
        this.report(
          "FL302",
          p.name.span,
          `${payload.what} receives no payload, so it cannot take parameter '${p.name.name}'`,
          {
            hint: "remove the parameter",
          },
        );
        t = ERROR;
      } else {
        t = payload.type;
      }
      this.st.tables.declTypes.set(action.id, t);
      cx.scopes.push(new Map());
      this.declareLocal(cx, p.name, t, action.id);
      this.block(action.body, cx);
      cx.scopes.pop();
      return;
    }
    this.block(action.body, cx);
  }

  /** `entry Fun;`, `on E do Fun;`, `... with Fun;`: the function takes the payload, or nothing. */
  private checkFunAction(
    name: Ident,
    actionId: number,
    cx: CodeContext,
    payload: { type: Type | null; what: string; paramAllowed: boolean },
  ): void {
    const fun = this.lookupFun(name.name, cx);
    if (!fun) {
      if (!isMissing(name.name)) {
        this.report("FL205", name.span, `unknown function '${name.name}'`, {
          hint: this.unknownFunHint(name.name, cx),
        });
      }
      return;
    }
    this.st.tables.refs.set(actionId, this.funRef(fun));
    if (fun.owner !== null) cx.facts.machineCalls.add(fun.name);
    else if (!fun.foreign) cx.facts.globalCalls.push({ name: fun.name, span: name.span });
    if (fun.params.length === 0) return;
    if (fun.params.length > 1) {
      this.report(
        "FL302",
        name.span,
        `'${fun.name}' takes ${fun.params.length} parameters; ${payload.what} passes at most one`,
      );
      return;
    }
    const p = fun.params[0]!;
    if (!payload.paramAllowed || payload.type === null) {
      this.report(
        "FL302",
        name.span,
        `'${fun.name}' takes parameter '${p.name}', but ${payload.what} receives no payload`,
        {
          hint: "use a function without parameters",
        },
      );
    } else if (!typeEquals(p.type, payload.type)) {
      this.report(
        "FL302",
        name.span,
        `'${fun.name}' takes ${showType(p.type)}, but ${payload.what} receives ${showType(payload.type)}`,
        {
          hint: mismatchHint(payload.type, p.type),
        },
      );
    }
  }

  // ------------------------------------------------------------ statements

  block(b: Block, cx: CodeContext): void {
    cx.scopes.push(new Map());
    for (const s of b.stmts) this.stmt(s, cx);
    cx.scopes.pop();
  }

  private stmt(s: Stmt, cx: CodeContext): void {
    switch (s.kind) {
      case "Block":
        this.block(s, cx);
        return;
      case "LocalVar": {
        const t = this.types.resolve(s.type);
        this.st.tables.declTypes.set(s.id, t);
        this.declareLocal(cx, s.name, t, s.id);
        return;
      }
      case "Assign":
        this.assign(s, cx);
        return;
      case "Send": {
        const canSend = this.restricted(cx, "send", s.span, "'send'");
        const t = this.expr(s.target, cx);
        if (canSend && this.anyWithoutCast(t, s.target.span, "the target of 'send'", "machine")) {
          // reported
        } else if (canSend && t.kind !== "machine" && t.kind !== "error") {
          this.report(
            "FL311",
            s.target.span,
            `'send' needs a machine reference as its target, got ${showType(t)}`,
            t.kind === "event" ? { hint: "the target comes first, then the event: send m, e, payload;" } : {},
          );
        }
        if (s.event.name === HALT_EVENT) {
          this.checkPayload(s.payload, null, cx, s.span, "event 'halt'");
          return;
        }
        this.eventPayload(s, cx);
        return;
      }
      case "Raise":
        if (cx.kind === "globalFun") {
          this.report("FL414", s.span, "'raise' is not allowed in a top-level function", {
            hint: "raise needs a current state; move the function into the machine",
          });
        }
        this.eventPayload(s, cx);
        return;
      case "Announce":
        noteEffect(cx, "announce", s.span);
        this.eventPayload(s, cx);
        return;
      case "Goto":
        this.gotoStmt(s.target, s.payload, cx, s.span);
        return;
      case "Assert":
        this.condition(s.cond, cx, "an assert condition");
        if (s.message) this.exprExpecting(s.message, cx, STRING, "FL300", "an assert message");
        return;
      case "Halt":
        this.restricted(cx, "halt", s.span, "'halt'");
        return;
      case "Print":
        this.printable(s.value, this.expr(s.value, cx));
        return;
      case "Receive":
        this.receiveStmt(s, cx);
        return;
      case "If":
        this.condition(s.cond, cx, "an 'if' condition");
        this.block(s.then, cx);
        if (s.else) this.stmt(s.else, cx);
        return;
      case "While":
        this.condition(s.cond, cx, "a 'while' condition");
        cx.loopDepth++;
        this.block(s.body, cx);
        cx.loopDepth--;
        return;
      case "Foreach": {
        const ct = this.expr(s.iterable, cx);
        let elem = elementType(ct);
        if (this.anyWithoutCast(ct, s.iterable.span, "what 'foreach' iterates over", "seq[int]")) {
          elem = ERROR;
        } else if (!elem) {
          this.report(
            "FL300",
            s.iterable.span,
            `'foreach' iterates over a seq, set or map, got ${showType(ct)}`,
          );
          elem = ERROR;
        }
        this.st.tables.declTypes.set(s.id, elem);
        cx.scopes.push(new Map());
        this.declareLocal(cx, s.variable, elem, s.id);
        cx.loopDepth++;
        this.block(s.body, cx);
        cx.loopDepth--;
        cx.scopes.pop();
        return;
      }
      case "Return":
        this.returnStmt(s.value, cx, s.span);
        return;
      case "Break":
      case "Continue":
        if (cx.loopDepth === 0) {
          this.report("FL409", s.span, `'${s.kind.toLowerCase()}' outside a loop`, {
            hint: "use it inside 'while' or 'foreach'; to leave a handler use 'return'",
          });
        }
        return;
      case "StartTimer":
      case "CancelTimer":
        this.timerStmt(s.timer, s.kind === "StartTimer", cx, s.span);
        return;
      case "ExprStmt": {
        const u = unparen(s.expr);
        if (u.kind !== "Call" && u.kind !== "New") {
          this.expr(s.expr, cx);
          this.report("FL414", s.expr.span, "only a call or 'new' can be used as a statement", {
            hint: "the value of this expression would be discarded",
          });
          return;
        }
        this.expr(s.expr, cx);
        return;
      }
    }
  }

  /** `receive { case ... }`: machine code only; each event in one case; cases take payloads like handlers. */
  private receiveStmt(s: ReceiveStmt, cx: CodeContext): void {
    if (cx.kind === "globalFun" || cx.owner === null) {
      this.report("FL414", s.span, "'receive' is not allowed in a top-level function", {
        hint: "receive blocks the machine that runs it; move the function into the machine",
      });
    } else if (cx.kind === "spec") {
      this.report("FL403", s.span, "'receive' is not allowed in a spec monitor", {
        hint: "a monitor sees each event when it is sent; it never waits for one",
      });
    }
    const seen = new Map<string, Ident>();
    for (const c of s.cases) {
      for (const ev of c.events) {
        if (this.symbols.events.get(ev.name)?.fault) faultEventMisuse(this.st, ev, "received by a machine");
        const before = seen.get(ev.name);
        if (before && !isMissing(ev.name)) {
          this.report("FL408", ev.span, `event '${ev.name}' has two cases in one receive`, {
            hint: "merge the cases; a receive takes the first queued event any case names",
            related: [{ message: "first case here", span: before.span }],
          });
        } else {
          seen.set(ev.name, ev);
        }
      }
      const payload = eventsPayload(this.st, c.events);
      const what = `the receive case of ${c.events.map((e) => `'${e.name}'`).join(", ")}`;
      this.actionIn(c.action, cx, { type: payload, what, paramAllowed: true });
    }
  }

  private condition(e: Expr, cx: CodeContext, what: string): void {
    const t = this.expr(e, cx);
    if (this.anyWithoutCast(t, e.span, what, "bool")) return;
    if (t.kind !== "bool" && t.kind !== "error") {
      this.report("FL308", e.span, `${what} must be a bool, got ${showType(t)}`);
    }
  }

  /** Event name and payload of send/raise/announce. */
  private eventPayload(s: SendStmt | RaiseStmt | AnnounceStmt, cx: CodeContext): void {
    const { event, payload, span: at } = s;
    if (s.eventExpr !== undefined) {
      this.eventValuePayload(s.eventExpr, payload, cx);
      return;
    }
    const ev = this.symbols.events.get(event.name);
    if (!ev && this.isValueName(event.name, cx)) {
      this.eventValuePayload(eventValueExpr(event), payload, cx);
      return;
    }
    if (!ev) {
      this.unknownEvent(event);
      if (payload) this.expr(payload, cx);
      return;
    }
    if (ev.fault) {
      this.report("FL403", event.span, `the fault event '${ev.name}' cannot be sent, raised or announced`, {
        hint: FAULT_EVENT_MISUSE_HINT,
      });
      if (payload) this.expr(payload, cx);
      return;
    }
    this.checkPayload(payload, ev.payload, cx, at, `event '${ev.name}'`);
  }

  /**
   * `send m, e, p;` where `e` is a value of type `event`: a variable (a
   * declared event's name wins over a variable's) or another expression. The
   * payload is checked against the event's declared payload type when the
   * statement runs (docs/language.md, "Events as values and `any`").
   */
  private eventValuePayload(event: Expr, payload: Expr | null, cx: CodeContext): void {
    const t = this.expr(event, cx);
    if (t.kind !== "event" && t.kind !== "error") {
      const what = event.kind === "Name" ? `'${event.name.name}'` : "this expression";
      this.report("FL300", event.span, `${what} must be an event, got ${showType(t)}`, {
        hint: "send, raise and announce take an event name or a value of type 'event'",
      });
    }
    if (payload && this.expr(payload, cx).kind === "void") {
      this.report("FL301", payload.span, "the payload has no value (the function returns nothing)");
    }
  }

  private gotoStmt(target: Ident, payload: Expr | null, cx: CodeContext, span: Span): void {
    if (cx.kind === "globalFun" || !cx.owner) {
      this.report("FL414", span, "'goto' is not allowed in a top-level function", {
        hint: "goto needs a current state; move the function into the machine",
      });
      if (payload) this.expr(payload, cx);
      return;
    }
    const state = cx.owner.states.get(target.name);
    if (!state) {
      if (payload) this.expr(payload, cx);
      this.unknownState(target, cx.owner);
      return;
    }
    cx.facts.gotos.add(state.name.name);
    this.checkPayload(
      payload,
      this.entryParamType(state, cx.owner),
      cx,
      span,
      `state '${state.name.name}' (its entry)`,
    );
  }

  unknownState(target: Ident, owner: MachineInfo): void {
    this.unknownGotoTargets.add(owner);
    if (isMissing(target.name)) return;
    const kind = owner.isSpec ? "spec" : "machine";
    this.report("FL204", target.span, `unknown state '${target.name}' in ${kind} '${owner.name}'`, {
      hint: didYouMean(target.name, owner.states.keys()),
    });
  }

  private returnStmt(value: Expr | null, cx: CodeContext, span: Span): void {
    const fun = cx.fun;
    if (!fun) {
      if (value) {
        this.expr(value, cx);
        this.report("FL307", value.span, "a handler cannot return a value", {
          hint: "'return;' ends the handler; remove the value",
        });
      }
      return;
    }
    const rt = fun.returnType;
    if (rt.kind === "void") {
      if (value) {
        this.expr(value, cx);
        this.report(
          "FL307",
          value.span,
          `function '${fun.name}' has no return type, so it cannot return a value`,
          {
            hint: `declare one: fun ${fun.name}(...): T`,
          },
        );
      }
      return;
    }
    if (!value) {
      if (rt.kind !== "error") {
        this.report("FL307", span, `function '${fun.name}' must return a value of type ${showType(rt)}`);
      }
      return;
    }
    const t = this.expr(value, cx, rt);
    this.expectType(
      t,
      rt,
      value.span,
      "FL306",
      (want, got) => `return type mismatch: function '${fun.name}' returns ${want}, got ${got}`,
    );
  }

  private timerStmt(timer: Ident, start: boolean, cx: CodeContext, span: Span): void {
    const what = start ? "'start timer'" : "'cancel timer'";
    if (cx.kind === "spec") {
      this.report("FL403", span, `${what} is not allowed in a spec monitor`, {
        hint: "a monitor only observes events; it has no timers",
      });
      return;
    }
    if (cx.kind === "globalFun" || !cx.owner) {
      this.report("FL414", span, `${what} is not allowed in a top-level function`, {
        hint: "timers belong to a machine; move the function into the machine",
      });
      return;
    }
    if (isMissing(timer.name)) return;
    cx.owner.timers.add(timer.name);
    const uses = this.timersOf(cx.owner);
    const map = start ? uses.started : uses.cancelled;
    if (!map.has(timer.name)) map.set(timer.name, timer.span);
  }

  // ------------------------------------------------------------ assignment

  private assign(s: AssignStmt, cx: CodeContext): void {
    const tt = this.expr(s.target, cx);
    this.checkLvalue(s.target);
    const ops = this.st.tables.ops;
    if (s.op === "=") {
      ops.set(s.id, { kind: "assign", mode: "plain", collection: null });
      this.exprExpecting(s.value, cx, tt, "FL300");
      return;
    }
    const adding = s.op === "+=";
    switch (tt.kind) {
      case "error":
        this.expr(s.value, cx);
        return;
      case "int":
        ops.set(s.id, { kind: "assign", mode: "arith", collection: null });
        this.checkTargetEvaluatedTwice(s);
        this.exprExpecting(s.value, cx, INT, "FL300");
        return;
      case "string":
        if (adding) {
          ops.set(s.id, { kind: "assign", mode: "arith", collection: null });
          this.checkTargetEvaluatedTwice(s);
          this.exprExpecting(s.value, cx, STRING, "FL300");
          return;
        }
        break;
      case "set":
      case "seq":
      case "map": {
        ops.set(s.id, { kind: "assign", mode: adding ? "insert" : "remove", collection: tt.kind });
        const want = collectionOperand(tt, adding);
        const t = this.expr(s.value, cx, want.type);
        this.noteAny(s.value, t, want.type);
        if (!isAssignable(t, want.type)) {
          this.report(
            "FL305",
            s.value.span,
            `'${showType(tt)} ${s.op}' expects ${want.describe}, got ${showType(t)}`,
            {
              hint: want.hint ?? mismatchHint(t, want.type),
            },
          );
        }
        return;
      }
    }
    this.expr(s.value, cx);
    const allowed = adding ? "an int, a string or a collection" : "an int or a collection";
    this.report("FL305", s.span, `'${s.op}' needs ${allowed} on the left, got ${showType(tt)}`, {
      hint: "on collections: set += (elem), seq += (index, elem), map += (key, value)",
    });
  }

  /**
   * `t += e` on an int or string means `t = t + e`, so `t` is evaluated twice:
   * a choice or a call inside it would run twice.
   */
  private checkTargetEvaluatedTwice(s: AssignStmt): void {
    const offender = findEffectful(s.target);
    if (offender) {
      this.report(
        "FL304",
        offender.span,
        `the target of '${s.op}' cannot contain ${describeEffectful(offender)}`,
        {
          hint: "it would be evaluated twice; store the value in a local first",
        },
      );
    }
  }

  /** FL304 unless `e` names storage: a variable, or a field/element/index of storage. */
  private checkLvalue(e: Expr): void {
    const refs = this.st.tables.refs;
    const target = unparen(e);
    switch (target.kind) {
      case "Name": {
        const r = refs.get(target.id);
        if (r?.kind === "param") {
          this.report("FL304", target.span, `'${r.name}' is a param constant and cannot be assigned`);
        } else if (r?.kind === "enumMember") {
          this.report("FL304", target.span, `'${r.member}' is an enum member and cannot be assigned`);
        }
        return;
      }
      case "Field": {
        const r = refs.get(target.id);
        if (r?.kind === "enumMember") {
          this.report(
            "FL304",
            target.span,
            `'${r.enumName}.${r.member}' is an enum member and cannot be assigned`,
          );
        } else if (r?.kind === "machineVar") {
          this.report("FL304", target.span, "another machine's variable cannot be assigned", {
            hint: "send it an event instead",
          });
        } else if (r?.kind === "field") {
          this.checkLvalue(target.target);
        }
        return;
      }
      case "TupleIndex":
        if (refs.has(target.id)) this.checkLvalue(target.target);
        return;
      case "Index": {
        const op = this.st.tables.ops.get(target.id);
        if (op?.kind === "index" && op.collection === "set") {
          this.report("FL304", target.span, "a set element cannot be assigned", {
            hint: "a set has no positions to assign: remove the old element with '-=' and add the new one with '+='",
          });
          return;
        }
        this.checkLvalue(target.target);
        return;
      }
      default:
        this.report("FL304", target.span, "cannot assign to this expression", {
          hint: "assign to a variable, a field, a tuple element or a seq/map element",
        });
    }
  }
}

/** What `+=` / `-=` on a collection expects on the right. */
function collectionOperand(
  t: Type & { kind: "seq" | "set" | "map" },
  adding: boolean,
): { type: Type; describe: string; hint?: string } {
  switch (t.kind) {
    case "set":
      return { type: t.elem, describe: `an element of type ${showType(t.elem)}` };
    case "seq":
      return adding
        ? {
            type: { kind: "tuple", elems: [INT, t.elem] },
            describe: `(index, element) of type (int, ${showType(t.elem)})`,
            hint: "insert at an index: xs += (sizeof(xs), e) appends e",
          }
        : { type: INT, describe: "an index of type int" };
    case "map":
      return adding
        ? {
            type: { kind: "tuple", elems: [t.key, t.value] },
            describe: `(key, value) of type (${showType(t.key)}, ${showType(t.value)})`,
          }
        : { type: t.key, describe: `a key of type ${showType(t.key)}` };
  }
}

/** True when control never falls off the end of `b` (return, goto, raise, halt on every path). */
export function alwaysLeaves(s: Stmt): boolean {
  switch (s.kind) {
    case "Return":
    case "Goto":
    case "Raise":
    case "Halt":
      return true;
    case "Block":
      return s.stmts.some(alwaysLeaves);
    case "If":
      return s.else !== null && alwaysLeaves(s.then) && alwaysLeaves(s.else);
    case "While":
      return (
        unparen(s.cond).kind === "BoolLit" &&
        (unparen(s.cond) as { value: boolean }).value &&
        !breaksOut(s.body)
      );
    case "Assert": {
      const c = unparen(s.cond);
      return c.kind === "BoolLit" && !c.value;
    }
    case "Receive":
      return s.cases.every((c) => c.action.kind === "InlineAction" && alwaysLeaves(c.action.body));
    default:
      return false;
  }
}

/** A `break` that leaves this loop body (not one inside a nested loop). */
function breaksOut(s: Stmt): boolean {
  switch (s.kind) {
    case "Break":
      return true;
    case "Block":
      return s.stmts.some(breaksOut);
    case "If":
      return breaksOut(s.then) || (s.else !== null && breaksOut(s.else));
    case "Receive":
      return s.cases.some((c) => c.action.kind === "InlineAction" && breaksOut(c.action.body));
    default:
      return false;
  }
}

/** A choice, `new` or call inside an lvalue (whose evaluation must not be repeated). */
function findEffectful(e: Expr): Expr | null {
  switch (e.kind) {
    case "Choose":
    case "Nondet":
    case "New":
    case "Call":
      return e;
    case "Paren":
      return findEffectful(e.expr);
    case "Field":
    case "TupleIndex":
      return findEffectful(e.target);
    case "Index":
      return findEffectful(e.target) ?? findEffectful(e.index);
    case "Unary":
      return findEffectful(e.operand);
    case "Binary":
      return findEffectful(e.left) ?? findEffectful(e.right);
    default:
      return null;
  }
}

function describeEffectful(e: Expr): string {
  switch (e.kind) {
    case "Choose":
      return "'choose'";
    case "Nondet":
      return "'$'";
    case "New":
      return "'new'";
    default:
      return "a call";
  }
}
