// Literal constants: test param values and fault budgets are evaluated at compile time.
import type { Expr } from "../ast.js";
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
