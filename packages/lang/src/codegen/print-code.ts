// Prints a code tree (code-tree.ts) two ways: "ts", the readable TypeScript
// module `faultline compile` shows (laid out like the TypeScript compiler's
// printer: four-space indents, `else` on its own line, the names of numbers in
// comments), and "js", the CommonJS JavaScript the checker loads: the same
// statements without types, casts, enums, type-only imports and comments.
//
// Hand-written (not ts.createPrinter + ts.transpileModule): loading the
// TypeScript compiler takes ~0.6 s, most of a `faultline check` of a small
// model. Parentheses come from precedence (plus the tree's `paren`s for readers).
import type { BinaryOp, Decl, Else, Expr, Param, Stmt, TypeNode, TypeParam } from "./code-tree.js";

export type PrintMode = "ts" | "js";

/** The module's declarations, one after another (blank lines between them in TypeScript). */
export function printModule(decls: readonly Decl[], mode: PrintMode): string {
  const p = new Printer(mode);
  if (mode === "ts") return decls.map((d) => p.decl(d).join("\n")).join("\n\n") + "\n";
  const lines = ['"use strict";'];
  for (const d of decls) if (d.k === "function") lines.push(`exports.${d.name} = ${d.name};`);
  for (const d of decls) lines.push(...p.decl(d));
  return lines.join("\n") + "\n";
}

/** An expression as TypeScript (with the comments) or JavaScript. */
export function printExpr(e: Expr, mode: PrintMode = "ts"): string {
  return new Printer(mode).expr(e, 0);
}

export function printType(t: TypeNode): string {
  return typeText(t, 0);
}

// ---------------------------------------------------------------- precedence

/** JavaScript's precedence levels, loosest first (only the ones generated code meets). */
const ASSIGN = 2;
const RELATIONAL = 9;
const UNARY = 14;
const ACCESS = 17;
const PRIMARY = 20;

const BINARY: Readonly<Record<BinaryOp, number>> = {
  "=": ASSIGN,
  "||": 3,
  "&&": 4,
  "|": 5,
  "&": 7,
  "===": 8,
  "!==": 8,
  "<": RELATIONAL,
  "<=": RELATIONAL,
  ">": RELATIONAL,
  ">=": RELATIONAL,
  "+": 11,
  "-": 11,
  "*": 12,
  "/": 12,
  "%": 12,
};

function precedence(e: Expr): number {
  switch (e.k) {
    case "num":
      return e.value < 0 || Object.is(e.value, -0) ? UNARY : PRIMARY;
    case "prop":
    case "elem":
    case "call":
      return ACCESS;
    case "unary":
      return UNARY;
    case "binary":
      return BINARY[e.op];
    // `x as T` binds like `<`, but its type could swallow a following `<` or `=>`:
    // it gets parentheses everywhere but where an assignment expression fits.
    case "arrow":
    case "as":
      return ASSIGN;
    default:
      return PRIMARY;
  }
}

const INDENT = "    ";

class Printer {
  constructor(private readonly mode: PrintMode) {}

  /** `e` where an expression of precedence `min` or tighter fits: parenthesised when looser. */
  expr(e: Expr, min: number): string {
    const shown = this.shown(e);
    if (shown !== e) return this.expr(shown, min);
    const text = this.exprText(e);
    return precedence(e) < min ? `(${text})` : text;
  }

  /** What is printed of `e`: in the JavaScript, casts vanish, and so do the parentheses written around them. */
  private shown(e: Expr): Expr {
    if (this.mode === "ts") return e;
    if (e.k === "as") return this.shown(e.expr);
    if (e.k === "paren" && e.expr.k === "as") return this.shown(e.expr.expr);
    return e;
  }

  private exprText(e: Expr): string {
    switch (e.k) {
      case "id":
        return e.name;
      case "num": {
        const text = e.value < 0 || Object.is(e.value, -0) ? `-${String(-e.value)}` : String(e.value);
        return e.comment !== undefined && this.mode === "ts" ? `${text} ${comment(e.comment)}` : text;
      }
      case "str":
        return quote(e.value);
      case "keyword":
        return e.name;
      case "prop": {
        // `1.length` would read as a number: a literal object is parenthesised.
        const obj = this.shown(e.obj).k === "num" ? `(${this.expr(e.obj, 0)})` : this.expr(e.obj, ACCESS);
        return `${obj}.${e.name}`;
      }
      case "elem":
        return `${this.expr(e.obj, ACCESS)}[${this.expr(e.index, 0)}]`;
      case "call":
        return `${this.expr(e.callee, ACCESS)}(${this.list(e.args)})`;
      case "unary": {
        const operand = this.expr(e.operand, UNARY);
        // `- -x` is not `--x`.
        return e.op === "-" && operand.startsWith("-") ? `-(${operand})` : `${e.op}${operand}`;
      }
      case "binary": {
        const p = BINARY[e.op];
        // `=` groups to the right and needs a reference on its left; the rest group to the left.
        if (e.op === "=") return `${this.expr(e.left, ACCESS)} = ${this.expr(e.right, ASSIGN)}`;
        return `${this.expr(e.left, p)} ${e.op} ${this.expr(e.right, p + 1)}`;
      }
      case "array":
        return `[${this.list(e.elems)}]`;
      case "arrow":
        return `${e.param === "" ? "()" : e.param} => ${this.expr(e.body, ASSIGN)}`;
      case "paren":
        return `(${this.expr(e.expr, 0)})`;
      case "as":
        return `${this.expr(e.expr, RELATIONAL + 1)} as ${typeText(e.type, 0)}`;
    }
  }

  private list(es: readonly Expr[]): string {
    return es.map((x) => this.expr(x, ASSIGN)).join(", ");
  }

  private block(head: string, body: readonly Stmt[], indent: string, out: string[]): void {
    out.push(head === "" ? `${indent}{` : `${indent}${head} {`);
    for (const s of body) this.stmt(s, indent + INDENT, out);
    out.push(`${indent}}`);
  }

  stmt(s: Stmt, indent: string, out: string[]): void {
    switch (s.k) {
      case "expr":
        out.push(`${indent}${this.expr(s.expr, 0)};`);
        return;
      case "return":
        out.push(s.value === null ? `${indent}return;` : `${indent}return ${this.expr(s.value, 0)};`);
        return;
      case "throw":
        out.push(`${indent}throw ${this.expr(s.value, 0)};`);
        return;
      case "if":
        this.ifStmt(s, indent, "", out);
        return;
      case "while":
        this.block(`while (${this.expr(s.cond, 0)})`, s.body, indent, out);
        return;
      case "forOf":
        // `let`: a foreach's variable may be assigned in its body, as a local can.
        this.block(`for (let ${s.name} of ${this.expr(s.iterable, ASSIGN)})`, s.body, indent, out);
        return;
      case "block":
        this.block("", s.body, indent, out);
        return;
      case "var": {
        const type = s.type !== null && this.mode === "ts" ? `: ${typeText(s.type, 0)}` : "";
        out.push(`${indent}${s.kind} ${s.name}${type} = ${this.expr(s.init, ASSIGN)};`);
        return;
      }
      case "break":
      case "continue":
        out.push(`${indent}${s.k};`);
        return;
    }
  }

  private ifStmt(s: Extract<Stmt, { k: "if" }>, indent: string, prefix: string, out: string[]): void {
    out.push(`${indent}${prefix}if (${this.expr(s.cond, 0)}) {`);
    for (const t of s.then) this.stmt(t, indent + INDENT, out);
    out.push(`${indent}}`);
    const otherwise: Else = s.else;
    if (otherwise === null) return;
    if ("k" in otherwise) this.ifStmt(otherwise, indent, "else ", out);
    else this.block("else", otherwise, indent, out);
  }

  /** A top-level statement's lines (none for what the JavaScript leaves out). */
  decl(d: Decl): string[] {
    const ts = this.mode === "ts";
    const out: string[] = [];
    if (ts && "doc" in d && d.doc !== undefined) out.push(`/** ${d.doc.replaceAll("*/", "* /")} */`);
    switch (d.k) {
      case "function": {
        const params = d.params.map((p) => (ts ? paramText(p) : p.name)).join(", ");
        const head = ts
          ? `export function ${d.name}(${params}): ${typeText(d.returns, 0)}`
          : `function ${d.name}(${params})`;
        this.block(head, d.body, "", out);
        return out;
      }
      case "typeAlias":
        if (ts) out.push(`export type ${d.name}${typeParams(d.params)} = ${typeText(d.type, 0)};`);
        return out;
      case "enum":
        if (!ts) return out;
        out.push(`export enum ${d.name} {`);
        out.push(
          ...d.members.map(
            ([name, value], i) => `${INDENT}${name} = ${value}${i < d.members.length - 1 ? "," : ""}`,
          ),
        );
        out.push("}");
        return out;
      case "importTypes": {
        const names = d.names.map(([name, as]) => (as === null ? name : `${name} as ${as}`));
        if (ts) out.push(`import type { ${names.join(", ")} } from ${quote(d.from)};`);
        return out;
      }
      case "importAll":
        out.push(
          ts
            ? `import * as ${d.name} from ${quote(d.from)};`
            : `const ${d.name} = require(${quote(d.from)});`,
        );
        return out;
      default:
        this.stmt(d, "", out);
        return out;
    }
  }
}

// ---------------------------------------------------------------- types

function paramText(p: Param): string {
  return `${p.name}: ${typeText(p.type, 0)}`;
}

function typeParams(params: readonly TypeParam[]): string {
  if (params.length === 0) return "";
  const one = (p: TypeParam) =>
    p.name +
    (p.constraint ? ` extends ${typeText(p.constraint, 0)}` : "") +
    (p.default ? ` = ${typeText(p.default, 0)}` : "");
  return `<${params.map(one).join(", ")}>`;
}

/** Types that need parentheses as an array's element, a `readonly` or `&` operand. */
function isLoose(t: TypeNode): boolean {
  return t.k === "union" || t.k === "intersection" || t.k === "function" || t.k === "conditional";
}

function typeText(t: TypeNode, depth: number): string {
  const inner = (x: TypeNode) => typeText(x, depth);
  const tight = (x: TypeNode) => (isLoose(x) || x.k === "readonly" ? `(${inner(x)})` : inner(x));
  switch (t.k) {
    case "keyword":
      return t.name;
    case "ref":
      return t.args.length === 0 ? t.name : `${t.name}<${t.args.map(inner).join(", ")}>`;
    case "literal":
      return quote(t.value);
    case "array":
      return `${tight(t.elem)}[]`;
    case "readonly":
      return `readonly ${isLoose(t.type) ? `(${inner(t.type)})` : inner(t.type)}`;
    case "tuple": {
      const member = (m: { name: string | null; type: TypeNode }, d: number) =>
        m.name === null ? typeText(m.type, d) : `${m.name}: ${typeText(m.type, d)}`;
      if (!t.multiLine) return `[${t.elems.map((m) => member(m, depth)).join(", ")}]`;
      const pad = INDENT.repeat(depth + 1);
      const lines = t.elems.map((m) => pad + member(m, depth + 1));
      return `[\n${lines.join(",\n")}${lines.length > 0 ? "\n" : ""}${INDENT.repeat(depth)}]`;
    }
    case "union":
      return t.types
        .map((x) => (x.k === "function" || x.k === "conditional" ? `(${inner(x)})` : inner(x)))
        .join(" | ");
    case "intersection":
      return t.types.map((x) => (isLoose(x) ? `(${inner(x)})` : inner(x))).join(" & ");
    case "conditional": {
      const operand = (x: TypeNode) =>
        x.k === "function" || x.k === "conditional" ? `(${inner(x)})` : inner(x);
      return `${operand(t.check)} extends ${operand(t.extends)} ? ${inner(t.whenTrue)} : ${inner(t.whenFalse)}`;
    }
    case "object": {
      if (t.members.length === 0) return "{}";
      const members = t.members.map(
        (m) => `${m.readonly ? "readonly " : ""}${m.name}${m.optional ? "?" : ""}: ${inner(m.type)};`,
      );
      return `{ ${members.join(" ")} }`;
    }
    case "function":
      return `(${t.params.map(paramText).join(", ")}) => ${inner(t.returns)}`;
  }
}

// ---------------------------------------------------------------- literals

function comment(text: string): string {
  return `/* ${text.replaceAll("*/", "* /")} */`;
}

const ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  "\\": "\\\\",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\b": "\\b",
  "\f": "\\f",
  "\v": "\\v",
};

/** A double-quoted string literal, escaped as the TypeScript printer does (non-ASCII as `\uXXXX`). */
export function quote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const code = s.charCodeAt(i);
    const escaped = ESCAPES[ch];
    if (escaped !== undefined) out += escaped;
    else if (code === 0) out += /[0-9]/.test(s[i + 1] ?? "") ? "\\x00" : "\\0";
    else if (code < 0x20 || code > 0x7f) out += `\\u${code.toString(16).toUpperCase().padStart(4, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}
