// Literal constants: test param values and fault budgets are evaluated at compile time.
import type { Expr, TestDecl } from "../ast.js";
import { unparen } from "./check-expr.js";

export type ConstValue = number | boolean | string;

/** The value of a literal (`3`, `-1`, `true`, `"a"`, parenthesised or not); undefined otherwise. */
export function literalValue(e: Expr): ConstValue | undefined {
  const u = unparen(e);
  switch (u.kind) {
    case "IntLit":
    case "BoolLit":
    case "StringLit":
      return u.value;
    case "Unary": {
      const inner = literalValue(u.operand);
      return u.op === "-" && typeof inner === "number" ? -inner : undefined;
    }
    default:
      return undefined;
  }
}

export function formatConst(v: ConstValue): string {
  return typeof v === "string" ? JSON.stringify(v) : String(v);
}

/**
 * A parameterized test instance's name, `Base(n=2,mode="fast")`; the base name
 * alone without bindings. `--test`, `--param` and saved traces rely on it.
 */
export function testInstanceName(
  base: string,
  names: readonly string[],
  values: Readonly<Record<string, ConstValue>>,
): string {
  if (names.length === 0) return base;
  return `${base}(${names.map((n) => `${n}=${formatConst(values[n]!)}`).join(",")})`;
}

/** Every combination of the bound values, first binding varying slowest. */
export function combinations(
  bindings: { name: string; values: ConstValue[] }[],
): Record<string, ConstValue>[] {
  let out: Record<string, ConstValue>[] = [{}];
  for (const b of bindings) {
    out = out.flatMap((partial) => b.values.map((v) => ({ ...partial, [b.name]: v })));
  }
  return out;
}

/**
 * Where a test's `assume (...)` expression uses something other than the
 * test's bound params, literals, arithmetic (`+ - * / %`, unary `-`),
 * comparisons and boolean operators (`&& || !`): the first such node and
 * what it is; null when the expression is a constant one.
 */
export function assumeProblem(e: Expr, bound: ReadonlySet<string>): { node: Expr; what: string } | null {
  const u = unparen(e);
  switch (u.kind) {
    case "IntLit":
    case "BoolLit":
    case "StringLit":
      return null;
    case "Name":
      return bound.has(u.name.name)
        ? null
        : { node: u, what: `'${u.name.name}', which the test does not bind` };
    case "Unary":
      return assumeProblem(u.operand, bound);
    case "Binary":
      if (u.op === "in") return { node: u, what: "'in'" };
      return assumeProblem(u.left, bound) ?? assumeProblem(u.right, bound);
    default:
      return { node: u, what: "an expression that is not a param, literal or operator" };
  }
}

/**
 * The value of a constant expression (as {@link assumeProblem} accepts) with
 * the params bound to `env`, with the language's int semantics (division
 * truncates toward zero); undefined where it has none (division by zero, a
 * node it does not accept).
 */
export function evalConst(e: Expr, env: Readonly<Record<string, ConstValue>>): ConstValue | undefined {
  const u = unparen(e);
  switch (u.kind) {
    case "Name":
      return env[u.name.name];
    case "Unary": {
      const v = evalConst(u.operand, env);
      if (u.op === "-") return typeof v === "number" ? -v : undefined;
      return typeof v === "boolean" ? !v : undefined;
    }
    case "Binary": {
      const l = evalConst(u.left, env);
      if (l === undefined) return undefined;
      if (u.op === "&&" && l === false) return false;
      if (u.op === "||" && l === true) return true;
      const r = evalConst(u.right, env);
      if (r === undefined) return undefined;
      return binary(u.op, l, r);
    }
    default:
      return literalValue(u);
  }
}

function binary(op: string, l: ConstValue, r: ConstValue): ConstValue | undefined {
  switch (op) {
    case "&&":
    case "||":
      return typeof r === "boolean" ? r : undefined;
    case "==":
      return l === r;
    case "!=":
      return l !== r;
  }
  if (typeof l === "string" && typeof r === "string" && op === "+") return l + r;
  if (typeof l === "string" && typeof r === "string") {
    if (op === "<") return l < r;
    if (op === "<=") return l <= r;
    if (op === ">") return l > r;
    if (op === ">=") return l >= r;
    return undefined;
  }
  if (typeof l !== "number" || typeof r !== "number") return undefined;
  switch (op) {
    case "<":
      return l < r;
    case "<=":
      return l <= r;
    case ">":
      return l > r;
    case ">=":
      return l >= r;
    case "+":
      return l + r;
    case "-":
      return l - r;
    case "*":
      return l * r;
    case "/":
      return r === 0 ? undefined : Math.trunc(l / r);
    case "%":
      return r === 0 ? undefined : l % r;
    default:
      return undefined;
  }
}

/**
 * The combinations a parameterized test expands to: every combination of the
 * bound values (first binding varying slowest) for which `assume` holds, or,
 * with `wise` = t, a subset of them that covers every t-tuple of values of
 * every t params that some allowed combination contains (t-wise coverage,
 * "pairwise" for t = 2), chosen greedily: repeatedly the allowed combination
 * that covers the most uncovered tuples, the earliest in product order on a
 * tie, until none is left. The result keeps product order, so it is the same
 * on every run.
 */
export function testCombinations(
  bindings: { name: string; values: ConstValue[] }[],
  assume: Expr | null,
  wise: number | null,
): Record<string, ConstValue>[] {
  const all = combinations(bindings).filter((c) => assume === null || evalConst(assume, c) === true);
  if (wise === null || wise >= bindings.length) return all;
  const names = bindings.map((b) => b.name);
  const groups = subsets(names.length, Math.max(1, wise));
  const keysOf = (c: Record<string, ConstValue>): string[] =>
    groups.map((g) => JSON.stringify(g.map((i) => [i, c[names[i]!]])));
  const keys = all.map(keysOf);
  const uncovered = new Set(keys.flat());
  const picked = new Set<number>();
  while (uncovered.size > 0) {
    let best = -1;
    let bestGain = 0;
    for (const [i, ks] of keys.entries()) {
      if (picked.has(i)) continue;
      let gain = 0;
      for (const k of ks) if (uncovered.has(k)) gain++;
      if (gain > bestGain) {
        best = i;
        bestGain = gain;
      }
    }
    picked.add(best);
    for (const k of keys[best]!) uncovered.delete(k);
  }
  return all.filter((_, i) => picked.has(i));
}

/** The combinations test `decl` expands to with these values bound: its `assume` and `(t wise)` applied. */
export function declaredCombinations(
  decl: Pick<TestDecl, "assume" | "wise">,
  bindings: { name: string; values: ConstValue[] }[],
): Record<string, ConstValue>[] {
  const wise = decl.wise === null ? undefined : literalValue(decl.wise);
  return testCombinations(bindings, decl.assume, typeof wise === "number" ? wise : null);
}

/** Every k-element subset of 0..n-1, as ascending index lists, in lexicographic order. */
function subsets(n: number, k: number): number[][] {
  if (k === 0) return [[]];
  const out: number[][] = [];
  for (let first = 0; first <= n - k; first++) {
    for (const rest of subsets(n - first - 1, k - 1)) out.push([first, ...rest.map((i) => i + first + 1)]);
  }
  return out;
}
