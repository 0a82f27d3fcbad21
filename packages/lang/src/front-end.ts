// The front end's public entry: source text -> AST -> checked tables -> IR.
import type { Program } from "./ast.js";
import { type CheckResult, checkProgram } from "./check/check-program.js";
import { type Diagnostic, hasErrors, sortDiagnostics } from "./diagnostics.js";
import type { IrProgram } from "./ir.js";
import { lowerProgram } from "./lower.js";
import { capDiagnostics, MAX_DIAGNOSTICS, parse, type SourceFile } from "./parser.js";
import { type AnyNode, childNodes } from "./parser-walk.js";

export type { CheckResult } from "./check/check-program.js";
export { checkProgram } from "./check/check-program.js";
export type { SourceFile } from "./parser.js";

export type FrontEndResult =
  | { ok: true; ir: IrProgram; ast: Program; diagnostics: Diagnostic[] /* warnings only */ }
  | { ok: false; ast: Program | null; diagnostics: Diagnostic[] };

/**
 * Parses, checks and lowers one file. Syntax errors do not stop checking (what
 * parsed is still checked, so one run reports both), but a program with any
 * error is never lowered.
 */
export function compileSource(file: SourceFile): FrontEndResult {
  const result = compile(file);
  if (result.diagnostics.length <= MAX_DIAGNOSTICS) return result;
  return { ...result, diagnostics: capDiagnostics(result.diagnostics) };
}

/** Steps 1-2 of `compileSource`: the tree, the diagnostics, and the checker's tables (null when it failed). */
export interface CheckedSource {
  ast: Program;
  diagnostics: Diagnostic[];
  tables: CheckResult["tables"] | null;
}

/**
 * Parses and checks one file without lowering it: the diagnostics
 * `compileSource` reports for a program with errors, and for one without
 * them its warnings (only lowering's internal errors are not there). The
 * language server's view of a file.
 */
export function checkSource(file: SourceFile): CheckedSource {
  const result = check(file);
  if (result.diagnostics.length <= MAX_DIAGNOSTICS) return result;
  return { ...result, diagnostics: capDiagnostics(result.diagnostics) };
}

function check(file: SourceFile): CheckedSource {
  const parsed = parse(file);
  const tooDeep = findTooDeepExpression(parsed.program);
  if (tooDeep) {
    return {
      ast: parsed.program,
      diagnostics: sortDiagnostics([...parsed.diagnostics, tooDeep]),
      tables: null,
    };
  }
  let checked: CheckResult;
  try {
    checked = checkProgram(parsed.program);
  } catch (err) {
    return {
      ast: parsed.program,
      diagnostics: [...parsed.diagnostics, internalError(parsed.program, "checker", err)],
      tables: null,
    };
  }
  const diagnostics = sortDiagnostics([
    ...parsed.diagnostics,
    ...checked.diagnostics.filter((d) => !inRecoveredCode(d, parsed.diagnostics)),
  ]);
  return { ast: parsed.program, diagnostics, tables: checked.tables };
}

function compile(file: SourceFile): FrontEndResult {
  const { ast, diagnostics, tables } = check(file);
  if (tables === null || hasErrors(diagnostics)) return { ok: false, ast, diagnostics };
  try {
    return { ok: true, ir: lowerProgram(ast, tables), ast, diagnostics };
  } catch (err) {
    return {
      ok: false,
      ast,
      diagnostics: [...diagnostics, internalError(ast, "lowering", err)],
    };
  }
}

/**
 * Code the parser recovered over is not what the user wrote: a checker
 * diagnostic overlapping a syntax error, or after one on the same line, would
 * only echo it.
 */
function inRecoveredCode(d: Diagnostic, syntax: readonly Diagnostic[]): boolean {
  return syntax.some(
    (s) =>
      (d.span.start.offset < Math.max(s.span.end.offset, s.span.start.offset + 1) &&
        s.span.start.offset < Math.max(d.span.end.offset, d.span.start.offset + 1)) ||
      (d.span.start.line === s.span.start.line && d.span.start.offset >= s.span.start.offset),
  );
}

// Internal bugs throw inside the phases; the caller still gets data, with code FL900.
function internalError(program: Program, phase: string, err: unknown): Diagnostic {
  const message = err instanceof Error ? err.message : String(err);
  const start = program.span.start;
  return {
    code: "FL900",
    severity: "error",
    message: `internal error in the ${phase}: ${message}`,
    span: { file: program.span.file, start, end: start },
    hint: "this is a bug in Faultline; please report it with the input file",
  };
}

/** Deeper expression trees overflow the stack of later phases and of the TypeScript printer. */
export const MAX_EXPRESSION_DEPTH = 200;

const EXPRESSION_KINDS = new Set([
  "Binary",
  "Unary",
  "Cast",
  "Paren",
  "Field",
  "TupleIndex",
  "Index",
  "Call",
  "New",
  "Choose",
  "Tuple",
  "NamedTuple",
  "SetLit",
  "SeqLit",
  "Quant",
]);

/**
 * `1 + 1 + ... + 1` with hundreds of terms is a left-leaning tree hundreds of
 * levels deep; report it (once, at its outermost node) instead of crashing later.
 * Iterative, so this check cannot overflow itself.
 */
function findTooDeepExpression(program: Program): Diagnostic | null {
  const stack: [AnyNode, number, AnyNode | null][] = [[program as AnyNode, 0, null]];
  while (stack.length > 0) {
    const [node, depth, outermost] = stack.pop()!;
    const isExpr = EXPRESSION_KINDS.has(node.kind);
    const d = isExpr ? depth + 1 : 0;
    const top = isExpr ? (outermost ?? node) : null;
    if (d > MAX_EXPRESSION_DEPTH && top) {
      return {
        code: "FL106",
        severity: "error",
        message: `expression nested more than ${MAX_EXPRESSION_DEPTH} levels deep`,
        span: top.span,
        hint: "split it into several statements with local variables, or sum a collection with foreach",
      };
    }
    for (const child of childNodes(node)) stack.push([child, d, top]);
  }
  return null;
}
