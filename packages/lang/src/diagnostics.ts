// Diagnostics are data: a code from a closed set, a severity, a message, a span,
// an optional hint and related spans. User errors never throw.
import type { Span } from "./ast.js";

export type Severity = "error" | "warning";

export interface RelatedInfo {
  message: string;
  span: Span;
}

export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  span: Span;
  hint?: string;
  related?: RelatedInfo[];
}

/**
 * The closed set of diagnostic codes. FL1xx syntax, FL2xx names, FL3xx types,
 * FL4xx semantic checks, FL5xx foreign functions, FL9xx internal.
 * docs/diagnostics.md documents each one; a test keeps the two in step.
 */
export const DIAGNOSTIC_CODES = {
  // syntax
  FL100: "unexpected character",
  FL101: "unterminated string literal",
  FL102: "unexpected token",
  FL103: "missing token",
  FL104: "no viable alternative",
  FL105: "integer literal out of range",
  FL106: "expression too deeply nested",
  FL107: "nested too deeply to parse",
  FL108: "not a text file",
  FL109: "invalid UTF-8",
  FL110: "too many diagnostics",
  // names
  FL200: "unknown name",
  FL201: "unknown type",
  FL202: "unknown event",
  FL203: "unknown machine",
  FL204: "unknown state",
  FL205: "unknown function",
  FL206: "unknown property",
  FL207: "duplicate declaration",
  FL208: "unknown field",
  FL209: "unknown param",
  FL210: "unknown enum member",
  // types
  FL300: "type mismatch",
  FL301: "payload type mismatch",
  FL302: "handler parameter mismatch",
  FL303: "wrong number of arguments",
  FL304: "not assignable",
  FL305: "invalid collection operation",
  FL306: "return type mismatch",
  FL307: "missing or unexpected return value",
  FL308: "condition is not bool",
  FL309: "invalid operand types",
  FL310: "recursive type alias",
  FL311: "not a machine reference",
  FL312: "impossible cast",
  FL313: "any value used without a cast",
  // semantic checks
  FL400: "no start state",
  FL401: "more than one start state",
  FL402: "event both handled and deferred or ignored",
  FL403: "not allowed in a spec monitor",
  FL404: "unreachable state",
  FL405: "hot or cold state outside a spec monitor",
  FL406: "machine variable read outside an invariant",
  FL407: "timer never started or never handled",
  FL408: "event handled twice in one state",
  FL409: "break or continue outside a loop",
  FL410: "side effect or nondeterminism in an invariant",
  FL411: "main machine takes a payload",
  FL412: "invalid fault budget",
  FL413: "not a state of that machine",
  FL414: "statement not allowed here",
  FL415: "missing return",
  FL416: "invalid symmetry declaration",
  FL417: "invalid cover target",
  FL418: "invalid test generation clause",
  FL419: "assume excludes every combination",
  FL420: "unknown module",
  FL421: "cyclic module definition",
  FL422: "incompatible machine substitution",
  // foreign functions
  FL500: "foreign implementation file missing",
  FL501: "foreign function not implemented",
  FL502: "foreign function signature mismatch",
  FL503: "TypeScript compiler not installed",
  // internal
  FL900: "internal error",
} as const;

export type DiagnosticCode = keyof typeof DIAGNOSTIC_CODES;

export function hasErrors(diags: readonly Diagnostic[]): boolean {
  return diags.some((d) => d.severity === "error");
}

/** Sort by file, then position, then code: stable output for goldens and users. */
export function sortDiagnostics(diags: readonly Diagnostic[]): Diagnostic[] {
  return [...diags].sort(
    (a, b) =>
      a.span.file.localeCompare(b.span.file) ||
      a.span.start.offset - b.span.start.offset ||
      a.code.localeCompare(b.code),
  );
}
