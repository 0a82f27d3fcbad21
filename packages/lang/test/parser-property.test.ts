import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Span } from "../src/ast.js";
import type { Diagnostic } from "../src/diagnostics.js";
import { RESERVED_KEYWORDS, SOFT_KEYWORDS, tokenize } from "../src/lexer.js";
import { parse } from "../src/parser.js";
import { type AnyNode, walkAst } from "../src/parser-walk.js";

const here = dirname(fileURLToPath(import.meta.url));
const validDir = join(here, "fixtures", "valid");
const validPrograms = readdirSync(validDir)
  .filter((f) => f.endsWith(".fl"))
  .map((f) => ({ name: f, text: readFileSync(join(validDir, f), "utf8") }));

// ---------------------------------------------------------------- invariants checked on every parse

/** line/col must be what the offset says ("\n" ends a line, columns count UTF-16 units). */
function positionChecker(text: string): (p: Span["start"]) => boolean {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  return (p) => {
    const lineStart = lineStarts[p.line - 1];
    const next = lineStarts[p.line];
    return (
      lineStart !== undefined &&
      p.offset >= lineStart &&
      (next === undefined || p.offset < next) &&
      p.col === p.offset - lineStart + 1
    );
  };
}

function spanIsInside(
  text: string,
  file: string,
  s: Span,
  positionOk: (p: Span["start"]) => boolean,
): boolean {
  return (
    s.file === file &&
    s.start.offset >= 0 &&
    s.start.offset <= s.end.offset &&
    s.end.offset <= text.length &&
    positionOk(s.start) &&
    positionOk(s.end)
  );
}

function diagnosticIsSound(
  text: string,
  file: string,
  d: Diagnostic,
  positionOk: (p: Span["start"]) => boolean,
): boolean {
  return (
    d.code !== "FL900" &&
    d.message.length > 0 &&
    spanIsInside(text, file, d.span, positionOk) &&
    (d.related ?? []).every((r) => spanIsInside(text, file, r.span, positionOk))
  );
}

/** Parse, and check: no throw, sound diagnostics, a well-formed tree with unique ids. */
function parseSoundly(text: string): { diagnostics: Diagnostic[]; root: AnyNode } {
  const file = "prop.fl";
  const { program, diagnostics } = parse({ path: file, text });
  const positionOk = positionChecker(text);
  for (const d of diagnostics) {
    if (!diagnosticIsSound(text, file, d, positionOk))
      throw new Error(`unsound diagnostic ${JSON.stringify(d)}`);
  }
  const ids = new Set<number>();
  walkAst(program as AnyNode, (node) => {
    if (ids.has(node.id)) throw new Error(`duplicate id ${node.id}`);
    ids.add(node.id);
    if (!spanIsInside(text, file, node.span, positionOk)) throw new Error(`bad span on ${node.kind}`);
    for (const [k, v] of Object.entries(node)) {
      if (v === undefined) throw new Error(`${node.kind}.${k} is undefined`);
    }
  });
  assertNoUndefined(program, "program");
  return { diagnostics, root: program as AnyNode };
}

/** Recovered trees must stay plain data: no undefined anywhere, arrays included. */
function assertNoUndefined(v: unknown, path: string): void {
  if (v === undefined) throw new Error(`${path} is undefined`);
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) assertNoUndefined(v[i], `${path}[${i}]`);
  } else if (typeof v === "object" && v !== null) {
    for (const [k, x] of Object.entries(v)) if (k !== "span") assertNoUndefined(x, `${path}.${k}`);
  }
}

// ---------------------------------------------------------------- (a) arbitrary text

const pieces = [
  ...RESERVED_KEYWORDS,
  ...SOFT_KEYWORDS,
  "x",
  "Foo",
  "_a1",
  "0",
  "42",
  "2147483648",
  "99999999999999999999999",
  '"str"',
  '"esc\\n\\""',
  '"unterminated',
  '"bad\\q"',
  "{",
  "}",
  "(",
  ")",
  "[",
  "]",
  ";",
  ",",
  ":",
  "::",
  ".",
  ".0",
  "=",
  "+=",
  "-=",
  "==",
  "!=",
  "<",
  "<=",
  ">",
  ">=",
  "&&",
  "||",
  "+",
  "-",
  "*",
  "/",
  "%",
  "!",
  "$",
  "&",
  "|",
  "#",
  "'",
  "é",
  "\u{1F600}",
  "// comment\n",
  "/* block */",
  "/* open",
  " ",
  "\n",
  "\r\n",
  "\t",
];

const tokenSoup = fc
  .array(fc.constantFrom(...pieces), { maxLength: 80 })
  .chain((ps) =>
    fc
      .array(fc.constantFrom(" ", "", "\n"), { minLength: ps.length, maxLength: ps.length })
      .map((seps) => ps.map((p, i) => p + seps[i]).join("")),
  );

describe("the parser on arbitrary input", () => {
  it("never throws and keeps every span inside the file (random characters)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 200 }), (text) => {
        parseSoundly(text);
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it("never throws and keeps every span inside the file (token soup)", () => {
    fc.assert(
      fc.property(tokenSoup, (text) => {
        parseSoundly(text);
      }),
      { seed: 7, numRuns: 400 },
    );
  });
});

// ---------------------------------------------------------------- (b) mutated valid programs

interface Piece {
  before: string; // whitespace and comments preceding the token
  image: string;
}

function splitTokens(text: string): { pieces: Piece[]; tail: string } {
  const { tokens } = tokenize({ path: "m.fl", text });
  const out: Piece[] = [];
  let at = 0;
  for (const t of tokens) {
    out.push({ before: text.slice(at, t.startOffset), image: t.image });
    at = t.startOffset + t.image.length;
  }
  return { pieces: out, tail: text.slice(at) };
}

type Mutation = { op: "delete" | "duplicate" | "swap"; i: number; j: number };

function mutate(text: string, mutations: Mutation[]): string {
  const { pieces, tail } = splitTokens(text);
  for (const m of mutations) {
    if (pieces.length === 0) break;
    const i = m.i % pieces.length;
    const j = m.j % pieces.length;
    if (m.op === "delete") pieces.splice(i, 1);
    else if (m.op === "duplicate") pieces.splice(i, 0, { before: " ", image: pieces[i]!.image });
    else {
      const a = pieces[i]!.image;
      pieces[i]!.image = pieces[j]!.image;
      pieces[j]!.image = a;
    }
  }
  return pieces.map((p) => p.before + p.image).join("") + tail;
}

const mutationArb = fc.record({
  op: fc.constantFrom("delete" as const, "duplicate" as const, "swap" as const),
  i: fc.nat(),
  j: fc.nat(),
});

describe("the parser on mutated valid programs", () => {
  it("never throws, reports sound diagnostics and builds a well-formed tree", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...validPrograms),
        fc.array(mutationArb, { minLength: 1, maxLength: 4 }),
        (program, mutations) => {
          parseSoundly(mutate(program.text, mutations));
        },
      ),
      { seed: 1234, numRuns: 300 },
    );
  });

  it("reports at least one error when a single token is deleted from a declaration's punctuation", () => {
    // Deleting any ';', '{' or '}' from a valid program must not go unnoticed.
    const program = validPrograms.find((p) => p.name === "two-phase-commit.fl")!;
    const { pieces } = splitTokens(program.text);
    const punctuation = pieces.flatMap((p, i) => (p.image === ";" || p.image === "}" ? [i] : []));
    fc.assert(
      fc.property(fc.constantFrom(...punctuation), (i) => {
        const text = mutate(program.text, [{ op: "delete", i, j: 0 }]);
        expect(parseSoundly(text).diagnostics.length).toBeGreaterThan(0);
      }),
      { seed: 99, numRuns: 200 },
    );
  });
});

// ---------------------------------------------------------------- (c) valid programs: nesting and round trips

function checkNesting(root: AnyNode): void {
  walkAst(root, (node, parent) => {
    if (parent === null) return;
    expect(node.span.start.offset, `${node.kind} in ${parent.kind}`).toBeGreaterThanOrEqual(
      parent.span.start.offset,
    );
    expect(node.span.end.offset, `${node.kind} in ${parent.kind}`).toBeLessThanOrEqual(
      parent.span.end.offset,
    );
  });
}

describe("valid programs", () => {
  for (const program of validPrograms) {
    it(`${program.name}: every node's span lies inside its parent's, ids are unique`, () => {
      const { diagnostics, root } = parseSoundly(program.text);
      expect(diagnostics).toEqual([]);
      checkNesting(root);
    });
  }

  // Random expressions are printed (with the parentheses precedence needs) and parsed
  // back: the tree must be the generated one and its spans must nest.
  type Printed = { text: string; ast: unknown };
  const PREC: Record<string, number> = {
    "||": 1,
    "&&": 2,
    "==": 3,
    "!=": 3,
    "<": 4,
    "<=": 4,
    ">": 4,
    ">=": 4,
    in: 4,
    "+": 5,
    "-": 5,
    "*": 6,
    "/": 6,
    "%": 6,
  };
  const ident = (name: string) => ({ kind: "Ident", name });
  const paren = (p: Printed): Printed => ({ text: `(${p.text})`, ast: { kind: "Paren", expr: p.ast } });

  type Gen =
    | { k: "int"; v: number }
    | { k: "name"; v: string }
    | { k: "bool"; v: boolean }
    | { k: "unary"; op: "!" | "-"; e: Gen }
    | { k: "bin"; op: string; l: Gen; r: Gen }
    | { k: "field"; e: Gen; f: string }
    | { k: "index"; e: Gen; i: Gen }
    | { k: "tidx"; e: Gen; i: number }
    | { k: "call"; f: string; args: Gen[] }
    | { k: "tuple"; elems: Gen[] }
    | { k: "set"; elems: Gen[] }
    | { k: "quant"; q: "forall" | "exists"; v: string; m: string; body: Gen }
    | { k: "cast"; e: Gen; t: "int" | "any" | "event" | "seq[any]" };

  const names = fc.constantFrom("a", "b", "x", "total", "drop", "timer");
  const { expr: genArb } = fc.letrec<{ expr: Gen }>((tie) => ({
    expr: fc.oneof(
      { depthSize: "small" },
      fc.nat(5000).map((v): Gen => ({ k: "int", v })),
      names.map((v): Gen => ({ k: "name", v })),
      fc.boolean().map((v): Gen => ({ k: "bool", v })),
      fc.record({
        k: fc.constant("unary" as const),
        op: fc.constantFrom("!" as const, "-" as const),
        e: tie("expr"),
      }),
      fc.record({
        k: fc.constant("bin" as const),
        op: fc.constantFrom(...Object.keys(PREC)),
        l: tie("expr"),
        r: tie("expr"),
      }),
      fc.record({ k: fc.constant("field" as const), e: tie("expr"), f: names }),
      fc.record({ k: fc.constant("index" as const), e: tie("expr"), i: tie("expr") }),
      fc.record({ k: fc.constant("tidx" as const), e: tie("expr"), i: fc.nat(3) }),
      fc.record({ k: fc.constant("call" as const), f: names, args: fc.array(tie("expr"), { maxLength: 3 }) }),
      fc.record({
        k: fc.constant("tuple" as const),
        elems: fc.array(tie("expr"), { minLength: 1, maxLength: 3 }),
      }),
      fc.record({ k: fc.constant("set" as const), elems: fc.array(tie("expr"), { maxLength: 3 }) }),
      fc.record({
        k: fc.constant("quant" as const),
        q: fc.constantFrom("forall" as const, "exists" as const),
        v: names,
        m: fc.constantFrom("Node", "Client"),
        body: tie("expr"),
      }),
      fc.record({
        k: fc.constant("cast" as const),
        e: tie("expr"),
        t: fc.constantFrom("int" as const, "any" as const, "event" as const, "seq[any]" as const),
      }),
    ),
  }));

  /** Postfix operators apply to primaries only; anything else gets parentheses. */
  const asPostfixTarget = (g: Gen): Printed => {
    const p = print(g);
    return g.k === "bin" || g.k === "unary" || g.k === "quant" || g.k === "int" || g.k === "cast"
      ? paren(p)
      : p;
  };

  function print(g: Gen): Printed {
    switch (g.k) {
      case "int":
        return { text: String(g.v), ast: { kind: "IntLit", value: g.v } };
      case "name":
        return { text: g.v, ast: { kind: "Name", name: ident(g.v) } };
      case "bool":
        return { text: String(g.v), ast: { kind: "BoolLit", value: g.v } };
      case "unary": {
        const inner = print(g.e);
        const operand = g.e.k === "bin" || g.e.k === "quant" || g.e.k === "cast" ? paren(inner) : inner;
        return { text: `${g.op}${operand.text}`, ast: { kind: "Unary", op: g.op, operand: operand.ast } };
      }
      case "bin": {
        const prec = PREC[g.op]!;
        const l = print(g.l);
        const r = print(g.r);
        const left = (g.l.k === "bin" && PREC[g.l.op]! < prec) || g.l.k === "quant" ? paren(l) : l;
        const right = (g.r.k === "bin" && PREC[g.r.op]! <= prec) || g.r.k === "quant" ? paren(r) : r;
        return {
          text: `${left.text} ${g.op} ${right.text}`,
          ast: { kind: "Binary", op: g.op, left: left.ast, right: right.ast },
        };
      }
      case "field": {
        const t = asPostfixTarget(g.e);
        return { text: `${t.text}.${g.f}`, ast: { kind: "Field", target: t.ast, field: ident(g.f) } };
      }
      case "index": {
        const t = asPostfixTarget(g.e);
        const i = print(g.i);
        return { text: `${t.text}[${i.text}]`, ast: { kind: "Index", target: t.ast, index: i.ast } };
      }
      case "tidx": {
        const t = asPostfixTarget(g.e);
        return { text: `${t.text}.${g.i}`, ast: { kind: "TupleIndex", target: t.ast, index: g.i } };
      }
      case "call": {
        const args = g.args.map(print);
        return {
          text: `${g.f}(${args.map((a) => a.text).join(", ")})`,
          ast: { kind: "Call", callee: ident(g.f), args: args.map((a) => a.ast) },
        };
      }
      case "tuple": {
        const elems = g.elems.map(print);
        const text = elems.length === 1 ? `(${elems[0]!.text},)` : `(${elems.map((e) => e.text).join(", ")})`;
        return { text, ast: { kind: "Tuple", elems: elems.map((e) => e.ast) } };
      }
      case "set": {
        const elems = g.elems.map(print);
        return {
          text: `{${elems.map((e) => e.text).join(", ")}}`,
          ast: { kind: "SetLit", elems: elems.map((e) => e.ast) },
        };
      }
      case "cast": {
        // `as` binds tighter than every binary operator, looser than prefix `!` and `-`.
        const inner = print(g.e);
        const operand = g.e.k === "bin" || g.e.k === "quant" ? paren(inner) : inner;
        const named = (name: string) => ({ kind: "NamedType", name: ident(name) });
        const type = g.t === "seq[any]" ? { kind: "SeqType", elem: named("any") } : named(g.t);
        return {
          text: `${operand.text} as ${g.t}`,
          ast: { kind: "Cast", expr: operand.ast, type, keyword: ident("as") },
        };
      }
      case "quant": {
        const body = print(g.body);
        return {
          text: `${g.q} ${g.v}: ${g.m} :: ${body.text}`,
          ast: {
            kind: "Quant",
            quantifier: g.q,
            binders: [{ kind: "QuantBinder", name: ident(g.v), machineType: ident(g.m), collection: null }],
            body: body.ast,
          },
        };
      }
    }
  }

  function strip(v: unknown): unknown {
    if (Array.isArray(v)) return v.map(strip);
    if (typeof v === "object" && v !== null) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) if (k !== "id" && k !== "span") out[k] = strip(x);
      return out;
    }
    return v;
  }

  it("parses printed random expressions back to the same tree, with nested spans", () => {
    fc.assert(
      fc.property(genArb, (g) => {
        const printed = print(g);
        const text = `invariant I: ${printed.text};`;
        const { diagnostics, root } = parseSoundly(text);
        expect(diagnostics).toEqual([]);
        const inv = (root as unknown as { decls: { expr: unknown }[] }).decls[0]!;
        expect(strip(inv.expr)).toEqual(printed.ast);
        checkNesting(root);
      }),
      { seed: 2024, numRuns: 400 },
    );
  });
});
