// Instances of a parameterized test with values other than the declared ones:
// `test param (n in [2, 3]) Scaled ...` checked with n = 5 is the test
// `Scaled(n=5)`, built from the declaration as the front end builds the
// declared ones (same name format, param values and fault budgets). The CLI's
// `--param` asks for them; parallel workers rebuild them from the name alone.
import {
  type ConstValue,
  type Expr,
  formatConst,
  type IrProgram,
  type IrTest,
  type Program,
  type TestDecl,
  testInstanceName,
} from "@faultline/lang";

/** A param's value: lang's constant value. */
export type ParamValue = ConstValue;

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

/**
 * A param value written on the command line or in a test instance's name:
 * `3` / `-1` for an int, `true` / `false` for a bool; for a string, either a
 * JSON string (`"a b"`, as instance names show it) or the text as it is.
 * The error says what the value must be instead.
 */
export function parseParamValue(
  text: string,
  kind: string,
): { ok: true; value: ParamValue } | { ok: false; expected: string } {
  switch (kind) {
    case "int": {
      const t = text.trim();
      const n = /^[+-]?\d+$/.test(t) ? Number(t) : Number.NaN;
      if (Number.isInteger(n) && n >= INT_MIN && n <= INT_MAX) return { ok: true, value: n };
      return { ok: false, expected: `a whole number from ${INT_MIN} to ${INT_MAX}` };
    }
    case "bool": {
      const t = text.trim();
      if (t === "true" || t === "false") return { ok: true, value: t === "true" };
      return { ok: false, expected: "true or false" };
    }
    case "string": {
      if (!text.startsWith('"')) return { ok: true, value: text };
      try {
        const v: unknown = JSON.parse(text);
        if (typeof v === "string") return { ok: true, value: v };
      } catch {
        // falls through to the error below
      }
      return { ok: false, expected: 'text, or a JSON string like "a b"' };
    }
    default:
      return { ok: false, expected: `an int, bool or string (the param is ${kind})` };
  }
}

/** The declaration of the test named `baseName`, if the program has one. */
export function testDeclaration(ast: Program, baseName: string): TestDecl | undefined {
  for (const d of ast.decls) if (d.kind === "TestDecl" && d.name.name === baseName) return d;
  return undefined;
}

/** The params a test declaration binds, in the order it binds them. */
export function boundParams(decl: TestDecl): string[] {
  return decl.params.map((b) => b.param.name);
}

function unparen(e: Expr): Expr {
  while (e.kind === "Paren") e = e.expr;
  return e;
}

/**
 * The test `decl` with every param it binds set to `values` (each bound param
 * needs one; others are ignored): its name (`Scaled(n=5,k=1)`), param values
 * and fault budgets. Fails when a value bound as a fault budget is negative.
 */
export function testInstance(
  ir: IrProgram,
  decl: TestDecl,
  values: Readonly<Record<string, ParamValue>>,
): { ok: true; test: IrTest } | { ok: false; message: string } {
  const base = decl.name.name;
  const template = ir.tests.find((t) => t.baseName === base);
  if (!template) return { ok: false, message: `the program has no test '${base}'` };
  const names = boundParams(decl);
  const missing = names.filter((n) => values[n] === undefined);
  if (missing.length > 0)
    return { ok: false, message: `no value for param '${missing[0]}' of test '${base}'` };
  const paramValues = { ...template.paramValues };
  for (const n of names) paramValues[n] = values[n]!;
  const faults: IrTest["faults"] = [];
  for (const [i, f] of template.faults.entries()) {
    const source = decl.faults[i];
    const budget = source && source.kind !== "ReorderFault" ? unparen(source.atMost) : null;
    if (f.kind === "reorder" || budget?.kind !== "Name" || !names.includes(budget.name.name)) {
      faults.push(f);
      continue;
    }
    const v = values[budget.name.name]!;
    if (typeof v !== "number" || v < 0) {
      return {
        ok: false,
        message: `param '${budget.name.name}' is a fault budget of test '${base}', so it must be an int >= 0, not ${formatConst(v)}`,
      };
    }
    faults.push({ ...f, atMost: v });
  }
  return {
    ok: true,
    test: {
      ...template,
      name: testInstanceName(base, names, values),
      paramValues,
      faults,
    },
  };
}

/**
 * `Scaled(n=5,k="a,b")` -> base `Scaled` and the written values, in order;
 * null when the name is not of that form. Values are split on commas outside
 * JSON strings.
 */
function splitInstanceName(name: string): { base: string; values: [string, string][] } | null {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)\((.*)\)$/s.exec(name);
  if (!m) return null;
  const parts = splitOutsideQuotes(m[2]!);
  const values: [string, string][] = [];
  for (const p of parts) {
    const eq = p.indexOf("=");
    if (eq <= 0) return null;
    values.push([p.slice(0, eq), p.slice(eq + 1)]);
  }
  return { base: m[1]!, values };
}

/**
 * The instance a test name stands for when the program does not list it:
 * `Scaled(n=5,k=1)` of `test param (n in [2, 3], k in [1]) Scaled`. Null when
 * the name is not a base name with a value, of the param's type, for each
 * param the declaration binds.
 */
export function instanceFromName(ir: IrProgram, ast: Program, name: string): IrTest | null {
  const split = splitInstanceName(name);
  if (!split) return null;
  const decl = testDeclaration(ast, split.base);
  if (!decl) return null;
  const names = boundParams(decl);
  if (split.values.length !== names.length) return null;
  const values: Record<string, ParamValue> = {};
  for (const [param, text] of split.values) {
    const declared = ir.params.find((p) => p.name === param);
    if (!declared || !names.includes(param) || values[param] !== undefined) return null;
    const parsed = parseParamValue(text, declared.type.kind);
    if (!parsed.ok) return null;
    values[param] = parsed.value;
  }
  const built = testInstance(ir, decl, values);
  return built.ok && built.test.name === name ? built.test : null;
}

/** `a,"b,c",d` -> `a`, `"b,c"`, `d`: commas inside JSON strings (escapes included) do not split. */
export function splitOutsideQuotes(text: string): string[] {
  const parts: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted && ch === "\\") {
      current += ch + (text[++i] ?? "");
      continue;
    }
    if (ch === '"') quoted = !quoted;
    if (ch === "," && !quoted) {
      parts.push(current);
      current = "";
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

/** `ir` with `test` among its tests (appended, or replacing a test of the same name). */
export function withTest(ir: IrProgram, test: IrTest): IrProgram {
  const tests = ir.tests.some((t) => t.name === test.name)
    ? ir.tests.map((t) => (t.name === test.name ? test : t))
    : [...ir.tests, test];
  return { ...ir, tests };
}
