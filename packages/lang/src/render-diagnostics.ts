// Diagnostics for humans (rustc/tsc style, optionally coloured) and for tools (JSON).
//
//   error[FL202]: unknown event 'Votd'
//     --> models/2pc.fl:12:8
//      |
//   12 |     on Votd do (v) {
//      |        ^^^^
//      = hint: did you mean 'Voted'?
import type { Span } from "./ast.js";
import { DIAGNOSTIC_CODES, type Diagnostic, type RelatedInfo, sortDiagnostics } from "./diagnostics.js";

export interface RenderOptions {
  /** ANSI colours (off by default; callers decide from the TTY / NO_COLOR). */
  color?: boolean;
}

export type SourceLookup = Map<string, string> | ((file: string) => string | undefined);

const TAB_WIDTH = 4;

interface Palette {
  error: (s: string) => string;
  warning: (s: string) => string;
  note: (s: string) => string;
  gutter: (s: string) => string;
  bold: (s: string) => string;
}

const ansi = (open: string) => (s: string) => `\u001b[${open}m${s}\u001b[0m`;
const COLOR: Palette = {
  error: ansi("1;31"),
  warning: ansi("1;33"),
  note: ansi("1;36"),
  gutter: ansi("1;34"),
  bold: ansi("1"),
};
const identity = (s: string) => s;
const PLAIN: Palette = {
  error: identity,
  warning: identity,
  note: identity,
  gutter: identity,
  bold: identity,
};

/** One diagnostic with its source excerpt. `sourceText` is the text of `d.span.file`. */
export function renderDiagnostic(
  d: Diagnostic,
  sourceText: string | undefined,
  opts: RenderOptions & { sourceOf?: (file: string) => string | undefined } = {},
): string {
  const p = opts.color === true ? COLOR : PLAIN;
  const severityColor = d.severity === "error" ? p.error : p.warning;
  const sourceFor = (file: string): string | undefined =>
    file === d.span.file ? sourceText : opts.sourceOf?.(file);

  const spans = [d.span, ...(d.related ?? []).map((r) => r.span)];
  const width = gutterWidth(spans);
  const out: string[] = [];
  out.push(`${severityColor(`${d.severity}[${d.code}]`)}${p.bold(`: ${d.message}`)}`);
  // A file that is not text (FL108) has no line worth showing: the location alone.
  const excerpt = d.code === "FL108" ? undefined : sourceFor(d.span.file);
  out.push(...snippet(d.span, excerpt, width, p, severityColor));
  if (d.hint !== undefined) out.push(`${" ".repeat(width + 1)}${p.gutter("=")} ${p.bold("hint")}: ${d.hint}`);
  for (const r of d.related ?? []) out.push(...relatedBlock(r, sourceFor(r.span.file), width, p));
  return out.join("\n");
}

/** Several diagnostics, sorted by file and position, separated by blank lines. */
export function renderDiagnostics(
  diags: readonly Diagnostic[],
  sources: SourceLookup,
  opts: RenderOptions = {},
): string {
  const sourceOf = typeof sources === "function" ? sources : (file: string) => sources.get(file);
  return sortDiagnostics(diags)
    .map((d) => renderDiagnostic(d, sourceOf(d.span.file), { ...opts, sourceOf }))
    .join("\n\n");
}

export interface DiagnosticJson {
  code: string;
  title: string;
  severity: string;
  message: string;
  span: Span;
  hint?: string;
  related?: { message: string; span: Span }[];
}

/** Plain JSON-ready objects (no shared references, stable key order). */
export function diagnosticsToJson(diags: readonly Diagnostic[]): DiagnosticJson[] {
  return sortDiagnostics(diags).map((d) => ({
    code: d.code,
    title: DIAGNOSTIC_CODES[d.code],
    severity: d.severity,
    message: d.message,
    span: copySpan(d.span),
    ...(d.hint !== undefined ? { hint: d.hint } : {}),
    ...(d.related !== undefined && d.related.length > 0
      ? { related: d.related.map((r) => ({ message: r.message, span: copySpan(r.span) })) }
      : {}),
  }));
}

function copySpan(s: Span): Span {
  return { file: s.file, start: { ...s.start }, end: { ...s.end } };
}

// ---------------------------------------------------------------- excerpts

function location(span: Span): string {
  return `${span.file}:${span.start.line}:${span.start.col}`;
}

function gutterWidth(spans: Span[]): number {
  return Math.max(1, ...spans.map((s) => String(Math.max(s.start.line, s.end.line)).length));
}

function relatedBlock(r: RelatedInfo, source: string | undefined, width: number, p: Palette): string[] {
  return [`${p.note("note")}${p.bold(`: ${r.message}`)}`, ...snippet(r.span, source, width, p, p.note)];
}

function snippet(
  span: Span,
  source: string | undefined,
  width: number,
  p: Palette,
  markColor: (s: string) => string,
): string[] {
  const pad = " ".repeat(width);
  const out = [`${pad}${p.gutter("-->")} ${location(span)}`];
  if (source === undefined) return out;
  const lines = source.split("\n");
  const bar = `${pad} ${p.gutter("|")}`;
  out.push(bar);

  const startLine = span.start.line;
  // A span ending at column 1 of a later line stops at the end of the previous one.
  const endLine = span.end.line > startLine && span.end.col === 1 ? span.end.line - 1 : span.end.line;
  const textOf = (line: number) => (lines[line - 1] ?? "").replace(/\r$/, "");

  const first = textOf(startLine);
  const firstEndCol = endLine === startLine ? Math.max(span.end.col, span.start.col + 1) : first.length + 1;
  out.push(sourceLine(startLine, first, width, p));
  out.push(markLine(first, span.start.col, firstEndCol, bar, markColor));

  if (endLine > startLine) {
    if (endLine > startLine + 1) out.push(`${pad} ${p.gutter("...")}`);
    const last = textOf(endLine);
    const indent = last.length - last.trimStart().length;
    const lastEndCol = span.end.line === endLine ? span.end.col : last.length + 1;
    out.push(sourceLine(endLine, last, width, p));
    out.push(markLine(last, indent + 1, Math.max(lastEndCol, indent + 2), bar, markColor));
  }
  return out;
}

function sourceLine(line: number, text: string, width: number, p: Palette): string {
  return `${p.gutter(`${String(line).padStart(width)} |`)} ${expandTabs(text)}`.trimEnd();
}

/** Carets under columns [startCol, endCol) (1-based), at least one. */
function markLine(text: string, startCol: number, endCol: number, bar: string, color: (s: string) => string) {
  const before = displayWidth(text.slice(0, startCol - 1)) + Math.max(0, startCol - 1 - text.length);
  const marked = Math.max(1, displayWidth(text.slice(startCol - 1, endCol - 1)) || endCol - startCol);
  return `${bar} ${" ".repeat(before)}${color("^".repeat(marked))}`;
}

function expandTabs(s: string): string {
  return s.replace(/\t/g, " ".repeat(TAB_WIDTH));
}

function displayWidth(s: string): number {
  return expandTabs(s).length;
}
