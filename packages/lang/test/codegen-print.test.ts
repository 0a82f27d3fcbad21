// The hand-written printer of generated code (print-code.ts): parentheses come
// from precedence, so random trees must mean the same printed as JavaScript,
// printed as TypeScript (then transpiled by the real compiler), and evaluated
// directly; and random .fl int/bool expressions must compute what the
// language defines (32-bit wrapping, truncating division, short circuits).
import fc from "fast-check";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import * as c from "../src/codegen/code-tree.js";
import type { BinaryOp, Expr } from "../src/codegen/code-tree.js";
import { compileModel } from "../src/codegen/generate.js";
import { printExpr, printModule, printType, quote } from "../src/codegen/print-code.js";
import * as runtime from "../src/codegen/runtime.js";
import { compileSource } from "../src/front-end.js";

const OPS: BinaryOp[] = ["||", "&&", "|", "&", "===", "!==", "<", "<=", ">", ">=", "+", "-", "*", "/", "%"];

/** Expression trees over x, y, z, `f(a, b)`, `g(p => ...)`, arrays and `.length` (no assignment). */
const exprArb: fc.Arbitrary<Expr> = fc.letrec<{ expr: Expr }>((tie) => ({
  expr: fc.oneof(
    { depthSize: "small", maxDepth: 6 },
    fc.integer({ min: -3, max: 9 }).map((n) => c.num(n)),
    fc.integer({ min: -3, max: 3 }).map((n) => c.num(n, `N${n}`)),
    fc.boolean().map(c.bool),
    fc.constantFrom("x", "y", "z").map(c.id),
    fc.constantFrom("", "a", 'q"\\').map(c.str),
    fc
      .tuple(fc.constantFrom("!" as const, "-" as const), tie("expr"))
      .map(([op, e]) => (op === "!" ? c.not(e) : c.neg(e))),
    fc.tuple(tie("expr"), fc.constantFrom(...OPS), tie("expr")).map(([l, op, r]) => c.binary(l, op, r)),
    fc.tuple(tie("expr"), tie("expr")).map(([a, b]) => c.call(c.id("f"), [a, b])),
    tie("expr").map((body) => c.call(c.id("g"), [c.arrow("p", c.binary(body, "+", c.id("p")))])),
    fc.tuple(tie("expr"), tie("expr"), fc.nat(2)).map(([a, b, i]) => c.elem(c.array([a, b]), c.num(i))),
    tie("expr").map((e) => c.prop(e, "length")),
    tie("expr").map(c.paren),
    tie("expr").map((e) => c.paren(c.as(e, c.keywordType("number")))),
    tie("expr").map((e) => c.as(e, c.typeRef("T", [c.keywordType("string")]))),
  ),
})).expr;

const f = (a: unknown, b: unknown) => `${String(a)},${String(b)}`;
const g = (fn: (p: number) => unknown) => fn(7);
const ENV: Record<string, unknown> = { x: 5, y: -2, z: true, f, g };

/** What the tree means, by JavaScript's rules, without printing it. */
function evaluate(e: Expr, env: Record<string, unknown>): unknown {
  const ev = (x: Expr) => evaluate(x, env);
  switch (e.k) {
    case "id":
      return env[e.name];
    case "num":
      return e.value;
    case "str":
      return e.value;
    case "keyword":
      return e.name === "null" ? null : e.name === "true";
    case "prop":
      return (ev(e.obj) as Record<string, unknown>)[e.name];
    case "elem":
      return (ev(e.obj) as unknown[])[ev(e.index) as number];
    case "call": {
      const [callee, ...args] = [ev(e.callee), ...e.args.map(ev)];
      return (callee as (...a: unknown[]) => unknown)(...args);
    }
    case "unary":
      return e.op === "!" ? !ev(e.operand) : -(ev(e.operand) as number);
    case "binary": {
      const l = ev(e.left) as any;
      if (e.op === "||") return l || ev(e.right);
      if (e.op === "&&") return l && ev(e.right);
      const r = ev(e.right) as any;
      const ops: Record<string, (a: any, b: any) => unknown> = {
        "|": (a, b) => a | b,
        "&": (a, b) => a & b,
        "===": (a, b) => a === b,
        "!==": (a, b) => a !== b,
        "<": (a, b) => a < b,
        "<=": (a, b) => a <= b,
        ">": (a, b) => a > b,
        ">=": (a, b) => a >= b,
        "+": (a, b) => a + b,
        "-": (a, b) => a - b,
        "*": (a, b) => a * b,
        "/": (a, b) => a / b,
        "%": (a, b) => a % b,
      };
      return ops[e.op]!(l, r);
    }
    case "array":
      return e.elems.map(ev);
    case "arrow":
      return (p: unknown) => evaluate(e.body, { ...env, [e.param]: p });
    case "paren":
    case "as":
      return ev(e.expr);
  }
}

function run(js: string): unknown {
  return new Function(...Object.keys(ENV), js)(...Object.values(ENV));
}

/** The value, or the kind of error thrown (`undefined.length` throws in both). */
function outcome(fn: () => unknown): unknown {
  try {
    return { value: fn() };
  } catch (e) {
    return { threw: (e as Error).name };
  }
}

function transpile(tsText: string): string {
  const out = ts.transpileModule(tsText, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS },
    reportDiagnostics: true,
  });
  const errors = (out.diagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
  if (errors.length > 0) throw new Error(`${tsText}\n${errors.join("\n")}`);
  return out.outputText;
}

describe("printed expressions keep their meaning", () => {
  it("as JavaScript", () => {
    fc.assert(
      fc.property(exprArb, (e) => {
        expect(outcome(() => run(`return ${printExpr(e, "js")};`))).toStrictEqual(
          outcome(() => evaluate(e, ENV)),
        );
      }),
      { numRuns: 2000 },
    );
  });

  it("as TypeScript, compiled by tsc", () => {
    // One transpile for many expressions: the compiler is the slow part.
    const samples = fc.sample(exprArb, { numRuns: 400, seed: 42 });
    const body = samples
      .map(
        (e, i) =>
          `try { r[${i}] = { value: ${printExpr(e, "ts")} }; } catch (e) { r[${i}] = { threw: (e as Error).name }; }`,
      )
      .join("\n");
    const js = transpile(`type T<_> = unknown;\nexport const r: unknown[] = [];\n${body}\n`);
    const exports: { r?: unknown[] } = {};
    new Function("exports", ...Object.keys(ENV), js)(exports, ...Object.values(ENV));
    expect(exports.r).toStrictEqual(samples.map((e) => outcome(() => evaluate(e, ENV))));
  });

  it("parenthesises what precedence needs, and only the readers' parentheses besides", () => {
    const [x, y, z] = [c.id("x"), c.id("y"), c.id("z")];
    expect(printExpr(c.binary(c.binary(x, "+", y), "*", z), "js")).toBe("(x + y) * z");
    expect(printExpr(c.binary(x, "-", c.binary(y, "-", z)), "js")).toBe("x - (y - z)");
    expect(printExpr(c.binary(c.binary(x, "-", y), "-", z), "js")).toBe("x - y - z");
    expect(printExpr(c.neg(c.neg(x)), "js")).toBe("-(-x)");
    expect(printExpr(c.neg(c.num(-1)), "js")).toBe("-(-1)");
    expect(printExpr(c.not(c.binary(x, "&&", y)), "js")).toBe("!(x && y)");
    expect(printExpr(c.prop(c.num(1, "one"), "length"), "ts")).toBe("(1 /* one */).length");
    expect(printExpr(c.prop(c.binary(x, "+", y), "length"), "js")).toBe("(x + y).length");
    expect(printExpr(c.call(c.prop(x, "some"), [c.arrow("p", c.binary(c.id("p"), "===", y))]), "js")).toBe(
      "x.some(p => p === y)",
    );
    expect(printExpr(c.binary(c.arrow("p", c.id("p")), "||", x), "js")).toBe("(p => p) || x");
    // a cast and the parentheses around it vanish in the JavaScript
    const cast = c.paren(c.as(c.elem(c.prop("ctx", "params"), c.num(0, "limit")), c.keywordType("number")));
    expect(printExpr(c.binary(cast, "-", c.num(1)), "ts")).toBe("(ctx.params[0 /* limit */] as number) - 1");
    expect(printExpr(c.binary(cast, "-", c.num(1)), "js")).toBe("ctx.params[0] - 1");
    expect(printExpr(c.prop(c.as(c.binary(x, "+", y), c.keywordType("number")), "length"), "ts")).toBe(
      "(x + y as number).length",
    );
  });

  it("escapes strings as the TypeScript printer does", () => {
    expect(quote('a"b\\c\nd\te\0f\u00e9\u2028')).toBe('"a\\"b\\\\c\\nd\\te\\0f\\u00E9\\u2028"');
    expect(quote("\u00001")).toBe('"\\x001"');
    for (const s of ['a"b\\c\nd\te\0f\u00e9\u2028', "\u00001", "\u0001\u007f\ud83d\ude00"])
      expect(run(`return ${quote(s)};`)).toBe(s);
  });
});

describe("printed modules", () => {
  it("lay types and statements out like the TypeScript printer", () => {
    const text = printModule(
      [
        {
          k: "typeAlias",
          name: "V",
          params: [],
          type: c.tupleType(
            [{ name: "a", type: c.readonlyType(c.tupleType([{ name: null, type: c.typeRef("K") }])) }],
            true,
          ),
          doc: "Vars.",
        },
        { k: "typeAlias", name: "E", params: [], type: c.tupleType([], true) },
        {
          k: "enum",
          name: "S",
          members: [
            ["A", 0],
            ["B", 1],
          ],
        },
        {
          k: "function",
          name: "h",
          params: [{ name: "n", type: c.keywordType("number") }],
          returns: c.keywordType("void"),
          body: [
            c.ifStmt(c.id("n"), [{ k: "break" }], c.ifStmt(c.bool(true), [], [{ k: "return", value: null }])),
          ],
        },
      ],
      "ts",
    );
    expect(text).toBe(
      [
        "/** Vars. */",
        "export type V = [",
        "    a: readonly [K]",
        "];",
        "",
        "export type E = [",
        "];",
        "",
        "export enum S {",
        "    A = 0,",
        "    B = 1",
        "}",
        "",
        "export function h(n: number): void {",
        "    if (n) {",
        "        break;",
        "    }",
        "    else if (true) {",
        "    }",
        "    else {",
        "        return;",
        "    }",
        "}",
        "",
      ].join("\n"),
    );
    expect(printType(c.readonlyType({ k: "array", elem: c.readonlyType(c.tupleType([])) }))).toBe(
      "readonly (readonly [])[]",
    );
  });
});

// ---------------------------------------------------------------- .fl expressions, end to end

type FlExpr = { text: string; eval: (env: number[]) => number | boolean };

class Fault extends Error {}

const wrap = (n: number) => n | 0;

const flArbs = fc.letrec<{ int: FlExpr; bool: FlExpr }>((tie) => ({
  int: fc.oneof(
    { depthSize: "small", maxDepth: 5 },
    fc.constantFrom(0, 1, 2, 7, 65536, 2147483647).map((n) => ({ text: String(n), eval: () => n })),
    fc.nat(2).map((i) => ({ text: "abc"[i]!, eval: (env: number[]) => env[i]! })),
    tie("int").map((a) => ({
      text: `(-${a.text})`,
      eval: (env: number[]) => wrap(-(a.eval(env) as number)),
    })),
    fc.tuple(tie("int"), fc.constantFrom("+", "-", "*", "/", "%"), tie("int")).map(([a, op, b]) => ({
      text: `(${a.text} ${op} ${b.text})`,
      eval: (env: number[]) => {
        const x = a.eval(env) as number;
        const y = b.eval(env) as number;
        if ((op === "/" || op === "%") && y === 0) throw new Fault();
        return op === "+"
          ? wrap(x + y)
          : op === "-"
            ? wrap(x - y)
            : op === "*"
              ? Math.imul(x, y)
              : op === "/"
                ? wrap(x / y)
                : wrap(x % y);
      },
    })),
  ),
  bool: fc.oneof(
    { depthSize: "small", maxDepth: 5 },
    fc.boolean().map((v) => ({ text: String(v), eval: () => v })),
    tie("bool").map((a) => ({ text: `(!${a.text})`, eval: (env: number[]) => !a.eval(env) })),
    fc.tuple(tie("int"), fc.constantFrom("<", "<=", ">", ">=", "==", "!="), tie("int")).map(([a, op, b]) => ({
      text: `(${a.text} ${op} ${b.text})`,
      eval: (env: number[]) => {
        const x = a.eval(env) as number;
        const y = b.eval(env) as number;
        const r = { "<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y, "==": x === y, "!=": x !== y };
        return r[op];
      },
    })),
    fc.tuple(tie("bool"), fc.constantFrom("&&", "||"), tie("bool")).map(([a, op, b]) => ({
      text: `(${a.text} ${op} ${b.text})`,
      eval: (env: number[]) => (op === "&&" ? a.eval(env) && b.eval(env) : a.eval(env) || b.eval(env)),
    })),
  ),
}));

/** What running `fn` gives: its value, or "fault" for a runtime error. */
function result(fn: () => unknown): unknown {
  try {
    return fn();
  } catch (e) {
    if (e instanceof Fault || e instanceof runtime.RuntimeFault) return "fault";
    throw e;
  }
}

describe("generated code computes what .fl defines", () => {
  it("random int expressions, with comparisons, && and || inside", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(flArbs.int, flArbs.bool), { minLength: 1, maxLength: 8 }),
        fc.array(fc.integer({ min: -2147483648, max: 2147483647 }), { minLength: 3, maxLength: 3 }),
        (exprs, env) => {
          const funs = exprs.map(
            ([i, b], n) =>
              `fun i${n}(a: int, b: int, c: int): int { return ${i.text}; }\n` +
              `fun b${n}(a: int, b: int, c: int): bool { return ${b.text} || (${i.text} == 3 && !${b.text}); }`,
          );
          const text = `${funs.join("\n")}\nmachine M { start state S {} }\ntest T [main = M];\n`;
          const r = compileSource({ path: "/p/prop.fl", text });
          if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
          const module = { exports: {} as Record<string, (...a: unknown[]) => unknown> };
          new Function("exports", "require", "module", compileModel(r.ir).js)(
            module.exports,
            () => runtime,
            module,
          );
          // Functions take the context first; these only tick (one operation of the step's budget).
          const ctx = { tick: () => {} };
          exprs.forEach(([i, b], n) => {
            expect(result(() => module.exports[`fun$i${n}`]!(ctx, ...env))).toBe(result(() => i.eval(env)));
            const expected = () => b.eval(env) || (i.eval(env) === 3 && !b.eval(env));
            expect(result(() => module.exports[`fun$b${n}`]!(ctx, ...env))).toBe(result(expected));
          });
        },
      ),
      { numRuns: 150 },
    );
  });
});
