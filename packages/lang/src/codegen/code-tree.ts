// The syntax tree of the generated module: the small subset of TypeScript the
// generator writes, printed by print-code.ts both as the readable TypeScript
// module (`faultline compile`) and as the CommonJS JavaScript the checker loads.
//
// Hand-written rather than built with the TypeScript compiler's ts.factory and
// printer: loading the compiler takes ~0.6 s, most of a `faultline check` of a
// small model, and the generator needs only a printer for this subset.
//
// Operands carry no parentheses of their own: the printer adds those that
// precedence needs. `paren` is for the ones added only for readers.

export type TypeNode =
  | { readonly k: "keyword"; readonly name: "number" | "string" | "boolean" | "void" | "unknown" }
  /** A named type, `Name` or `Name<A, B>` (the name may be qualified: `Events.Ping`). */
  | { readonly k: "ref"; readonly name: string; readonly args: readonly TypeNode[] }
  /** A string literal type: `"Hub"`. */
  | { readonly k: "literal"; readonly value: string }
  | { readonly k: "array"; readonly elem: TypeNode }
  | { readonly k: "readonly"; readonly type: TypeNode }
  /** `[a: A, b: B]`; multiLine puts one member per line. */
  | { readonly k: "tuple"; readonly elems: readonly TupleMember[]; readonly multiLine: boolean }
  | { readonly k: "union" | "intersection"; readonly types: readonly TypeNode[] }
  | {
      readonly k: "conditional";
      readonly check: TypeNode;
      readonly extends: TypeNode;
      readonly whenTrue: TypeNode;
      readonly whenFalse: TypeNode;
    }
  /** A type literal on one line: `{ readonly machine?: M; }`. */
  | { readonly k: "object"; readonly members: readonly PropertySignature[] }
  | { readonly k: "function"; readonly params: readonly Param[]; readonly returns: TypeNode };

export interface TupleMember {
  /** null for an unnamed element. */
  readonly name: string | null;
  readonly type: TypeNode;
}

export interface PropertySignature {
  readonly name: string;
  readonly type: TypeNode;
  readonly readonly?: boolean;
  readonly optional?: boolean;
}

export interface Param {
  readonly name: string;
  readonly type: TypeNode;
}

export interface TypeParam {
  readonly name: string;
  readonly constraint?: TypeNode;
  readonly default?: TypeNode;
}

/** The binary operators generated code uses (`**` and `??` have parsing rules of their own: not here). */
export type BinaryOp =
  | "="
  | "||"
  | "&&"
  | "|"
  | "&"
  | "==="
  | "!=="
  | "<"
  | "<="
  | ">"
  | ">="
  | "+"
  | "-"
  | "*"
  | "/"
  | "%";

export type Expr =
  | { readonly k: "id"; readonly name: string }
  /** A number; `comment` is the name it stands for, printed after it in TypeScript: `3 /* Aborting *\/`. */
  | { readonly k: "num"; readonly value: number; readonly comment?: string }
  | { readonly k: "str"; readonly value: string }
  | { readonly k: "keyword"; readonly name: "true" | "false" | "null" }
  | { readonly k: "prop"; readonly obj: Expr; readonly name: string }
  | { readonly k: "elem"; readonly obj: Expr; readonly index: Expr }
  | { readonly k: "call"; readonly callee: Expr; readonly args: readonly Expr[] }
  | { readonly k: "unary"; readonly op: "!" | "-"; readonly operand: Expr }
  | { readonly k: "binary"; readonly op: BinaryOp; readonly left: Expr; readonly right: Expr }
  | { readonly k: "array"; readonly elems: readonly Expr[] }
  /** `x => body`: one untyped parameter. */
  | { readonly k: "arrow"; readonly param: string; readonly body: Expr }
  /** Parentheses for readers (precedence never needs them: the printer adds those). */
  | { readonly k: "paren"; readonly expr: Expr }
  /** `expr as T`: TypeScript only (the JavaScript has `expr`, and drops a `paren` around it). */
  | { readonly k: "as"; readonly expr: Expr; readonly type: TypeNode };

export type Stmt =
  | { readonly k: "expr"; readonly expr: Expr }
  | { readonly k: "return"; readonly value: Expr | null }
  | { readonly k: "throw"; readonly value: Expr }
  | { readonly k: "if"; readonly cond: Expr; readonly then: readonly Stmt[]; readonly else: Else }
  | { readonly k: "while"; readonly cond: Expr; readonly body: readonly Stmt[] }
  /** `for (const name of iterable) { ... }` */
  | { readonly k: "forOf"; readonly name: string; readonly iterable: Expr; readonly body: readonly Stmt[] }
  /** `let name: T = init;` (the type is TypeScript only). */
  | {
      readonly k: "var";
      readonly kind: "let" | "const";
      readonly name: string;
      readonly type: TypeNode | null;
      readonly init: Expr;
    }
  | { readonly k: "break" | "continue" }
  /** `{ ... }`: a scope of its own. */
  | { readonly k: "block"; readonly body: readonly Stmt[] };

/** An `else` block, an `else if`, or none. */
export type Else = readonly Stmt[] | Extract<Stmt, { k: "if" }> | null;

/** Top-level statements. Declarations are exported; `doc` is printed as a `/** ... *\/` comment. */
export type Decl =
  | Stmt
  | {
      readonly k: "function";
      readonly name: string;
      readonly params: readonly Param[];
      readonly returns: TypeNode;
      readonly body: readonly Stmt[];
      readonly doc?: string;
    }
  /** TypeScript only. */
  | {
      readonly k: "typeAlias";
      readonly name: string;
      readonly params: readonly TypeParam[];
      readonly type: TypeNode;
      readonly doc?: string;
    }
  /** TypeScript only: the generated code itself writes the members' numbers. */
  | {
      readonly k: "enum";
      readonly name: string;
      readonly members: readonly (readonly [name: string, value: number])[];
      readonly doc?: string;
    }
  /** `import type { A, B as C } from "m";`: TypeScript only. */
  | {
      readonly k: "importTypes";
      readonly names: readonly (readonly [name: string, as: string | null])[];
      readonly from: string;
    }
  /** `import * as name from "m";` (`const name = require("m");` in the JavaScript). */
  | { readonly k: "importAll"; readonly name: string; readonly from: string };

// ---------------------------------------------------------------- builders

export function id(name: string): Expr {
  return { k: "id", name };
}

export function num(value: number, comment?: string): Expr {
  return comment === undefined ? { k: "num", value } : { k: "num", value, comment };
}

export function str(value: string): Expr {
  return { k: "str", value };
}

export function bool(value: boolean): Expr {
  return { k: "keyword", name: value ? "true" : "false" };
}

export const NULL: Expr = { k: "keyword", name: "null" };

export function prop(obj: Expr | string, name: string): Expr {
  return { k: "prop", obj: typeof obj === "string" ? id(obj) : obj, name };
}

export function elem(obj: Expr, index: Expr): Expr {
  return { k: "elem", obj, index };
}

export function call(callee: Expr, args: readonly Expr[]): Expr {
  return { k: "call", callee, args };
}

export function not(operand: Expr): Expr {
  return { k: "unary", op: "!", operand };
}

export function neg(operand: Expr): Expr {
  return { k: "unary", op: "-", operand };
}

export function binary(left: Expr, op: BinaryOp, right: Expr): Expr {
  return { k: "binary", op, left, right };
}

export function array(elems: readonly Expr[]): Expr {
  return { k: "array", elems };
}

export function arrow(param: string, body: Expr): Expr {
  return { k: "arrow", param, body };
}

export function paren(expr: Expr): Expr {
  return { k: "paren", expr };
}

export function as(expr: Expr, type: TypeNode): Expr {
  return { k: "as", expr, type };
}

export function exprStmt(expr: Expr): Stmt {
  return { k: "expr", expr };
}

export function ret(value: Expr | null): Stmt {
  return { k: "return", value };
}

export function ifStmt(
  cond: Expr,
  then: readonly Stmt[],
  otherwise: Else = null,
): Extract<Stmt, { k: "if" }> {
  return { k: "if", cond, then, else: otherwise };
}

export function variable(kind: "let" | "const", name: string, type: TypeNode | null, init: Expr): Stmt {
  return { k: "var", kind, name, type, init };
}

export function keywordType(name: Extract<TypeNode, { k: "keyword" }>["name"]): TypeNode {
  return { k: "keyword", name };
}

export function typeRef(name: string, args: readonly TypeNode[] = []): TypeNode {
  return { k: "ref", name, args };
}

export function readonlyType(type: TypeNode): TypeNode {
  return { k: "readonly", type };
}

export function arrayType(elem: TypeNode): TypeNode {
  return { k: "array", elem };
}

export function tupleType(elems: readonly TupleMember[], multiLine = false): TypeNode {
  return { k: "tuple", elems, multiLine };
}
