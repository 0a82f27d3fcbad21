// Shared state of one checking run and the context of the code being checked.
import type { InvariantDecl, NodeId, Span, TestDecl } from "../ast.js";
import type { Diagnostic, DiagnosticCode, RelatedInfo } from "../diagnostics.js";
import { MISSING_NAME } from "../parser-grammar.js";
import type { Type } from "../types.js";
import type { CheckTables, FunInfo, MachineInfo } from "./tables.js";

/** Things a piece of code does that some contexts (specs, invariants) forbid. */
export type Effect = "send" | "new" | "choose" | "$" | "announce" | "halt" | "this";

/** What one unit of code (a state's actions, or a function body) does, for the whole-program checks. */
export interface CodeFacts {
  effects: Map<Effect, Span>;
  /** Calls to top-level (non-foreign) functions, with the call's span. */
  globalCalls: { name: string; span: Span }[];
  /** Names of functions of the same machine called. */
  machineCalls: Set<string>;
  /** States named by `goto` statements. */
  gotos: Set<string>;
}

export function newFacts(): CodeFacts {
  return { effects: new Map(), globalCalls: [], machineCalls: new Set(), gotos: new Set() };
}

export interface CheckState {
  tables: CheckTables;
  diagnostics: Diagnostic[];
  /** Second declarations of a name (FL207): checked like the first, never lowered. */
  duplicates: {
    machines: MachineInfo[];
    funs: FunInfo[];
    invariants: InvariantDecl[];
    tests: TestDecl[];
  };
  /** What each top-level function's body does (first declarations only). */
  funFacts: Map<string, CodeFacts>;
}

/** A name the parser had to invent while recovering from a syntax error (already reported). */
export function isMissing(name: string): boolean {
  return name === "" || name === MISSING_NAME;
}

export function report(
  st: CheckState,
  code: DiagnosticCode,
  span: Span,
  message: string,
  extra: { hint?: string | undefined; related?: RelatedInfo[] } = {},
): void {
  const d: Diagnostic = { code, severity: "error", message, span };
  if (extra.hint !== undefined) d.hint = extra.hint;
  if (extra.related !== undefined && extra.related.length > 0) d.related = extra.related;
  st.diagnostics.push(d);
}

export function warn(
  st: CheckState,
  code: DiagnosticCode,
  span: Span,
  message: string,
  extra: { hint?: string | undefined; related?: RelatedInfo[] } = {},
): void {
  report(st, code, span, message, extra);
  st.diagnostics[st.diagnostics.length - 1]!.severity = "warning";
}

/** Where code lives decides which names it sees and what it may do. */
export type CodeKind = "machine" | "spec" | "globalFun" | "invariant" | "test";

export interface LocalInfo {
  decl: NodeId;
  type: Type;
  span: Span;
}

export interface CodeContext {
  kind: CodeKind;
  /** The enclosing machine or spec (machine and spec code). */
  owner: MachineInfo | null;
  /** The enclosing function; null in entry/exit/handler actions and expressions outside code. */
  fun: FunInfo | null;
  /** Innermost scope last. All scopes belong to the current function or action. */
  scopes: Map<string, LocalInfo>[];
  loopDepth: number;
  facts: CodeFacts;
}

export function newContext(kind: CodeKind, owner: MachineInfo | null, fun: FunInfo | null): CodeContext {
  return { kind, owner, fun, scopes: [new Map()], loopDepth: 0, facts: newFacts() };
}

export function lookupLocal(cx: CodeContext, name: string): LocalInfo | undefined {
  for (let i = cx.scopes.length - 1; i >= 0; i--) {
    const found = cx.scopes[i]!.get(name);
    if (found) return found;
  }
  return undefined;
}

export function allLocalNames(cx: CodeContext): string[] {
  return cx.scopes.flatMap((s) => [...s.keys()]);
}

export function noteEffect(cx: CodeContext, effect: Effect, span: Span): void {
  if (!cx.facts.effects.has(effect)) cx.facts.effects.set(effect, span);
}

export function describeEffect(effect: Effect): string {
  switch (effect) {
    case "send":
      return "'send'";
    case "new":
      return "'new'";
    case "choose":
      return "'choose'";
    case "$":
      return "'$'";
    case "announce":
      return "'announce'";
    case "halt":
      return "'halt'";
    case "this":
      return "'this'";
  }
}
