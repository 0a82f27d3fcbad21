// The language server's answers, as functions of an Analysis (analysis.ts):
// diagnostics (the front end's, unchanged), hover, definition, references,
// rename, the outline and workspace symbols, formatting. server.ts wires them
// to the connection; the tests call them directly.
import {
  type Diagnostic as FlDiagnostic,
  formatSource,
  RESERVED_KEYWORDS,
  type Span,
  type StateDecl,
  type Type,
  typeToString,
  walkAst,
  type AnyNode,
  type Decl,
} from "@faultline/lang";
import {
  type Diagnostic,
  DiagnosticSeverity,
  type DocumentSymbol,
  type Hover,
  type Location,
  type Position,
  type Range,
  SymbolKind,
  type SymbolInformation,
  type TextEdit,
  type WorkspaceEdit,
} from "vscode-languageserver";
import { pathToFileURL } from "node:url";
import type { Analysis } from "./analysis.js";
import { occurrenceAt, type SymbolInfo } from "./symbols.js";

// ---------------------------------------------------------------- positions

/** A front-end span (1-based line and column, UTF-16 units) as an LSP range (0-based). */
export function toRange(span: Span): Range {
  return {
    start: { line: span.start.line - 1, character: span.start.col - 1 },
    end: { line: span.end.line - 1, character: span.end.col - 1 },
  };
}

export function offsetAt(a: Analysis, pos: Position): number {
  const start = a.lineStarts[Math.max(0, Math.min(pos.line, a.lineStarts.length - 1))]!;
  const next = a.lineStarts[pos.line + 1] ?? a.text.length + 1;
  return Math.min(start + pos.character, next - 1, a.text.length);
}

function uriOf(a: Analysis, file: string): string {
  return file === a.path ? a.uri : pathToFileURL(file).href;
}

// ---------------------------------------------------------------- diagnostics

/**
 * The front end's diagnostics as LSP diagnostics: the same code, message and
 * related locations; the hint follows the message on a line of its own, as
 * the command line prints it (`hint: ...`), and is also in `data.hint`.
 */
export function lspDiagnostics(a: Analysis): Diagnostic[] {
  return a.diagnostics.map((d) => toLspDiagnostic(a, d));
}

export function toLspDiagnostic(a: Analysis, d: FlDiagnostic): Diagnostic {
  return {
    range: toRange(d.span),
    severity: d.severity === "error" ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
    code: d.code,
    source: "faultline",
    message: d.hint === undefined ? d.message : `${d.message}\nhint: ${d.hint}`,
    ...(d.related && d.related.length > 0
      ? {
          relatedInformation: d.related.map((r) => ({
            location: { uri: uriOf(a, r.span.file), range: toRange(r.span) },
            message: r.message,
          })),
        }
      : {}),
    ...(d.hint !== undefined ? { data: { hint: d.hint } } : {}),
  };
}

// ---------------------------------------------------------------- navigation

function symbolAt(
  a: Analysis,
  pos: Position,
): { info: SymbolInfo | undefined; key: string; span: Span } | null {
  const o = occurrenceAt(a.index, offsetAt(a, pos));
  if (!o) return null;
  return { info: a.index.symbols.get(o.key), key: o.key, span: o.span };
}

export function definition(a: Analysis, pos: Position): Location[] {
  const s = symbolAt(a, pos);
  if (!s) return [];
  const occurrences = a.index.byKey.get(s.key) ?? [];
  const decls = occurrences.filter((o) => o.decl);
  const targets = decls.length > 0 ? decls.slice(0, 1) : s.info ? [{ span: s.info.span }] : [];
  return targets.map((o) => ({ uri: a.uri, range: toRange(o.span) }));
}

export function references(a: Analysis, pos: Position, includeDeclaration: boolean): Location[] {
  const s = symbolAt(a, pos);
  if (!s) return [];
  return (a.index.byKey.get(s.key) ?? [])
    .filter((o) => includeDeclaration || !o.decl)
    .map((o) => ({ uri: a.uri, range: toRange(o.span) }));
}

export function prepareRename(a: Analysis, pos: Position): Range | null {
  const s = symbolAt(a, pos);
  return s ? toRange(s.span) : null;
}

export type RenameResult = { ok: true; edit: WorkspaceEdit } | { ok: false; message: string };

export function rename(a: Analysis, pos: Position, newName: string): RenameResult {
  const s = symbolAt(a, pos);
  if (!s) return { ok: false, message: "nothing to rename here" };
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(newName)) return { ok: false, message: `'${newName}' is not a name` };
  if (RESERVED_KEYWORDS.includes(newName)) return { ok: false, message: `'${newName}' is a keyword` };
  const newKey = s.key.replace(/[A-Za-z0-9_]+$/, newName);
  if (newKey !== s.key && a.index.symbols.has(newKey)) {
    return { ok: false, message: `'${newName}' is already declared` };
  }
  const edits: TextEdit[] = (a.index.byKey.get(s.key) ?? []).map((o) => ({
    range: toRange(o.span),
    newText: newName,
  }));
  return { ok: true, edit: { changes: { [a.uri]: edits } } };
}

// ---------------------------------------------------------------- hover

const fence = (code: string) => ({ kind: "markdown" as const, value: `\`\`\`faultline\n${code}\n\`\`\`` });

export function hover(a: Analysis, pos: Position): Hover | null {
  const offset = offsetAt(a, pos);
  const o = occurrenceAt(a.index, offset);
  const info = o ? a.index.symbols.get(o.key) : undefined;
  if (o && info) {
    const text = describe(a, info);
    if (text !== null) return { contents: fence(text), range: toRange(o.span) };
  }
  // An expression (a node with a type in the checker's tables): its type.
  if (!a.tables) return null;
  // Only the declaration around the cursor is walked.
  const decl = a.ast.decls.find((d) => d.span.start.offset <= offset && offset <= d.span.end.offset);
  if (!decl) return null;
  let best: AnyNode | null = null;
  walkAst(decl as AnyNode, (n) => {
    if (n.span.start.offset > offset || offset > n.span.end.offset || !a.tables!.types.has(n.id)) return;
    if (
      best === null ||
      n.span.end.offset - n.span.start.offset <= best.span.end.offset - best.span.start.offset
    ) {
      best = n;
    }
  });
  const node = best as AnyNode | null;
  if (node === null) return null;
  const type = a.tables.types.get(node.id)!;
  if (type.kind === "error") return null;
  const source = a.text.slice(node.span.start.offset, node.span.end.offset);
  const shown = source.length > 60 || source.includes("\n") ? "(expression)" : source;
  return { contents: fence(`${shown}: ${show(type)}`), range: toRange(node.span) };
}

function show(t: Type): string {
  return typeToString(t);
}

/** What a hover says about a declared name, in the language's own syntax. */
function describe(a: Analysis, info: SymbolInfo): string | null {
  const sym = a.tables?.symbols;
  const owner = info.owner;
  switch (info.kind) {
    case "event": {
      const payload = sym?.events.get(info.name)?.payload;
      return `event ${info.name}${payload ? `: ${show(payload)}` : ""}`;
    }
    case "machine":
    case "spec": {
      const m = sym?.machines.get(info.name) ?? sym?.specs.get(info.name);
      const decl = info.node as { states?: StateDecl[]; observes?: { name: string }[] } | null;
      const states = (m ? [...m.states.values()] : (decl?.states ?? [])).map(stateLabel);
      const head =
        info.kind === "spec"
          ? `spec ${info.name} observes ${(decl?.observes ?? []).map((e) => e.name).join(", ")}`
          : `machine ${info.name}`;
      return `${head}\n// states: ${states.join(", ") || "none"}`;
    }
    case "state":
      return `${stateLabel(info.node as StateDecl)}  // of ${owner}`;
    case "var": {
      const m = owner ? (sym?.machines.get(owner) ?? sym?.specs.get(owner)) : undefined;
      const v = m?.vars.get(info.name);
      return `var ${info.name}: ${v ? show(v.type) : "?"}  // of ${owner}`;
    }
    case "local": {
      const t = a.tables?.declTypes.get(info.node!.id);
      return `${info.name}: ${t ? show(t) : "?"}`;
    }
    case "fun": {
      const f = owner
        ? (sym?.machines.get(owner) ?? sym?.specs.get(owner))?.funs.get(info.name)
        : sym?.funs.get(info.name);
      if (!f) return `fun ${info.name}`;
      const params = f.params.map((p) => `${p.name}: ${show(p.type)}`).join(", ");
      const ret = f.returnType.kind === "void" ? "" : `: ${show(f.returnType)}`;
      return `${f.foreign ? "foreign " : ""}fun ${info.name}(${params})${ret}${owner ? `  // of ${owner}` : ""}`;
    }
    case "type": {
      const e = sym?.enums.get(info.name);
      if (e) return `enum ${info.name} { ${e.members.join(", ")} }`;
      return firstLine(a, info.node!.span);
    }
    case "enumMember":
      return `${info.key.slice("enumMember:".length)}  // enum member`;
    case "param": {
      const p = sym?.params.get(info.name);
      return `param ${info.name}: ${p ? show(p.type) : "?"}`;
    }
    case "invariant":
    case "test":
      return firstLine(a, info.node!.span, 3);
    case "timer":
      return `timer ${info.name}  // of ${owner}`;
  }
}

function stateLabel(s: StateDecl): string {
  return `${s.isStart ? "start " : ""}${s.temperature ? `${s.temperature} ` : ""}state ${s.name.name}`;
}

function firstLine(a: Analysis, span: Span, lines = 1): string {
  const text = a.text.slice(span.start.offset, span.end.offset).split("\n");
  return text.length > lines ? `${text.slice(0, lines).join("\n")}\n...` : text.join("\n");
}

// ---------------------------------------------------------------- symbols

function docSymbol(
  name: string,
  kind: SymbolKind,
  span: Span,
  nameSpan: Span,
  children: DocumentSymbol[] = [],
  detail?: string,
): DocumentSymbol {
  return {
    name,
    kind,
    range: toRange(span),
    selectionRange: toRange(nameSpan),
    children,
    ...(detail ? { detail } : {}),
  };
}

/** The outline: machines → states → handlers, variables and functions; events; properties; tests. */
export function documentSymbols(a: Analysis): DocumentSymbol[] {
  return a.ast.decls.map((d) => declSymbol(d)).filter((s): s is DocumentSymbol => s !== null);
}

function declSymbol(d: Decl): DocumentSymbol | null {
  switch (d.kind) {
    case "EventDecl":
      return docSymbol(d.name.name, SymbolKind.Event, d.span, d.name.span, [], "event");
    case "EnumDecl":
      return docSymbol(
        d.name.name,
        SymbolKind.Enum,
        d.span,
        d.name.span,
        d.members.map((m) => docSymbol(m.name, SymbolKind.EnumMember, m.span, m.span)),
        "enum",
      );
    case "TypeAliasDecl":
      return docSymbol(d.name.name, SymbolKind.TypeParameter, d.span, d.name.span, [], "type");
    case "ParamDecl":
      return docSymbol(d.name.name, SymbolKind.Constant, d.span, d.name.span, [], "param");
    case "ModuleDecl":
      return docSymbol(d.name.name, SymbolKind.Module, d.span, d.name.span, [], "module");
    case "FunDecl":
      return docSymbol(d.name.name, SymbolKind.Function, d.span, d.name.span, [], "fun");
    case "InvariantDecl":
      return docSymbol(
        d.name.name,
        SymbolKind.Property,
        d.span,
        d.name.span,
        [],
        d.reachable ? "reachable" : "invariant",
      );
    case "TestDecl":
      return docSymbol(d.name.name, SymbolKind.Object, d.span, d.name.span, [], "test");
    case "MachineDecl":
    case "SpecDecl": {
      const members: DocumentSymbol[] = [
        ...d.vars.map((v) => docSymbol(v.name.name, SymbolKind.Field, v.span, v.name.span, [], "var")),
        ...d.states.map((s) =>
          docSymbol(s.name.name, SymbolKind.Namespace, s.span, s.name.span, stateChildren(s), stateLabel(s)),
        ),
        ...d.funs.map((f) => docSymbol(f.name.name, SymbolKind.Method, f.span, f.name.span, [], "fun")),
      ].sort(
        (x, y) =>
          x.range.start.line - y.range.start.line || x.range.start.character - y.range.start.character,
      );
      const isSpec = d.kind === "SpecDecl";
      return docSymbol(
        d.name.name,
        isSpec ? SymbolKind.Interface : SymbolKind.Class,
        d.span,
        d.name.span,
        members,
        isSpec ? "spec" : "machine",
      );
    }
  }
}

function stateChildren(s: StateDecl): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  if (s.entry) out.push(docSymbol("entry", SymbolKind.Method, s.entry.span, s.entry.span));
  if (s.exit) out.push(docSymbol("exit", SymbolKind.Method, s.exit.span, s.exit.span));
  for (const item of s.items) {
    const events = "events" in item ? item.events.map((e) => e.name).join(", ") : "";
    const label =
      item.kind === "OnDo" || item.kind === "OnGoto"
        ? `on ${events}${item.kind === "OnGoto" ? ` goto ${item.target.name}` : ""}`
        : item.kind === "Defer" || item.kind === "Ignore"
          ? `${item.kind.toLowerCase()} ${events}`
          : `on timeout ${item.timer.name}${item.kind === "OnTimeoutGoto" ? ` goto ${item.target.name}` : ""}`;
    out.push(docSymbol(label, SymbolKind.Method, item.span, item.span));
  }
  return out.sort(
    (x, y) => x.range.start.line - y.range.start.line || x.range.start.character - y.range.start.character,
  );
}

const WORKSPACE_KINDS: Record<string, SymbolKind> = {
  event: SymbolKind.Event,
  machine: SymbolKind.Class,
  spec: SymbolKind.Interface,
  state: SymbolKind.Namespace,
  fun: SymbolKind.Function,
  type: SymbolKind.TypeParameter,
  param: SymbolKind.Constant,
  invariant: SymbolKind.Property,
  test: SymbolKind.Object,
};

/** Declared names of every open document whose name contains the query (case-insensitive). */
export function workspaceSymbols(analyses: Iterable<Analysis>, query: string): SymbolInformation[] {
  const q = query.toLowerCase();
  const out: SymbolInformation[] = [];
  for (const a of analyses) {
    for (const info of a.index.symbols.values()) {
      const kind = WORKSPACE_KINDS[info.kind];
      if (kind === undefined || !info.name.toLowerCase().includes(q)) continue;
      out.push({
        name: info.name,
        kind,
        location: { uri: a.uri, range: toRange(info.span) },
        ...(info.owner ? { containerName: info.owner } : {}),
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------- formatting

/** One edit replacing the whole document, none when it is formatted or has syntax errors. */
export function formatting(a: Analysis): TextEdit[] {
  const r = formatSource({ path: a.path, text: a.text });
  if (!r.ok || !r.changed) return [];
  const end = a.lineStarts.length - 1;
  return [
    {
      range: {
        start: { line: 0, character: 0 },
        end: { line: end, character: a.text.length - a.lineStarts[end]! },
      },
      newText: r.text,
    },
  ];
}
