// Where an action's run may fork at a `choose` (context.ts `fork`, ADR 0015):
// the first statement of the action's own body, outside loops, whose first
// evaluation is a `choose`. The runtime then runs the action's code before
// that statement once and the rest once per value, instead of the whole
// action once per value. Moving the choose to the start of its statement
// must not change what the statement does, so only literals and variable
// reads may come before it, and its argument must have no effects. And the
// action must do work before it that the fork saves (worthForking).
import { type IrAction, type IrExpr, type IrStmt, someIrNode } from "../ir.js";
import type { Type } from "../types.js";

export type ChooseExpr = Extract<IrExpr, { kind: "choose" }>;

/** One statement list on the way to the fork statement: its position there and the locals it declared before. */
export interface ForkLevel {
  list: readonly IrStmt[];
  at: number;
  locals: { name: string; type: Type }[];
}

export interface ForkSite {
  /** From the action's body (level 0, whose locals start with the action's parameter) to the list holding `stmt`; each list but the first is a branch of the `if` at the position before. */
  levels: ForkLevel[];
  stmt: IrStmt;
  choose: ChooseExpr;
}

/** The action's fork site, or null when it has none. */
export function findForkSite(action: IrAction): ForkSite | null {
  const levels: ForkLevel[] = [];
  let found: { stmt: IrStmt; choose: ChooseExpr } | null = null;
  const visit = (list: readonly IrStmt[], locals: { name: string; type: Type }[]): boolean => {
    const level: ForkLevel = { list, at: 0, locals };
    levels.push(level);
    for (let i = 0; i < list.length; i++) {
      const s = list[i]!;
      level.at = i;
      const choose = leadingChoose(s);
      if (choose !== null) {
        found = { stmt: s, choose };
        return true;
      }
      if (s.kind === "if" && (visit(s.then, []) || visit(s.else, []))) return true;
      if (s.kind === "local") locals.push({ name: s.name, type: s.type });
    }
    levels.pop();
    return false;
  };
  const params = action.param === null ? [] : [{ name: action.param.name, type: action.param.type }];
  if (!visit(action.body, params) || found === null) return null;
  const site: { stmt: IrStmt; choose: ChooseExpr } = found;
  // Locals cannot shadow each other (FL207); a frame with a name twice could not be restored.
  const names = levels.flatMap((l) => l.locals.map((x) => x.name));
  if (new Set(names).size !== names.length) return null;
  const fork = { levels, stmt: site.stmt, choose: site.choose };
  return worthForking(fork) ? fork : null;
}

/**
 * Whether the action does work before its fork statement that resuming
 * saves doing again for each value: a call, a loop, a `new`, a send or
 * announce, a quantifier. Without any (declarations and a few reads and
 * writes before the choose), resuming costs more than running again: the
 * message-passing two-phase commit, whose participants choose their vote
 * first thing, ran 4-7% slower with a fork there (ADR 0015).
 */
function worthForking(site: ForkSite): boolean {
  const before: unknown[] = [];
  for (const { list, at } of site.levels) {
    before.push(list.slice(0, at));
    const next = list[at]!;
    if (next !== site.stmt && next.kind === "if") before.push(next.cond);
  }
  before.push(site.choose.arg);
  return doesWork(before);
}

/** The IR nodes that are work a fork saves running again (worthForking). */
const WORK: ReadonlySet<unknown> = new Set(["call", "new", "quant", "while", "foreach", "send", "announce"]);

function doesWork(x: unknown): boolean {
  return someIrNode(x, (node) => WORK.has(node.kind));
}

/** The choose statement `s` evaluates first, when moving it to the start of `s` changes nothing; else null. */
function leadingChoose(s: IrStmt): ChooseExpr | null {
  let e: IrExpr;
  switch (s.kind) {
    case "expr":
      e = s.expr;
      break;
    case "assign":
      if (s.target.kind !== "var") return null;
      e = s.value;
      break;
    case "if":
      e = s.cond;
      break;
    default:
      return null;
  }
  const first = firstEvaluated(e);
  if (first === null || first.kind !== "choose") return null;
  return first.arg === null || !hasEffects(first.arg) ? first : null;
}

/** The first node evaluating `e` computes that is not a literal or a variable read (null: there is none). */
function firstEvaluated(e: IrExpr): IrExpr | null {
  switch (e.kind) {
    case "int":
    case "bool":
    case "string":
    case "enumConst":
    case "eventConst":
    case "var":
    case "this":
      return null;
    case "choose":
      return e;
    case "call":
      for (const a of e.args) {
        const first = firstEvaluated(a);
        if (first !== null) return first;
      }
      return e;
    case "binary":
      // The right operand of && and || may not run at all: a choose there cannot be moved first.
      if (e.op === "&&" || e.op === "||") return firstEvaluated(e.left) ?? e;
      return firstEvaluated(e.left) ?? firstEvaluated(e.right) ?? e;
    case "unary":
      return firstEvaluated(e.operand) ?? e;
    default:
      return e;
  }
}

/** Whether evaluating `x` may call a function, create a machine or choose. */
function hasEffects(x: unknown): boolean {
  return someIrNode(x, (node) => node.kind === "call" || node.kind === "new" || node.kind === "choose");
}
