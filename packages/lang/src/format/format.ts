// `formatSource`: the formatter's entry (used by `faultline fmt` and the
// language server). A file with syntax errors is not formatted; the output is
// parsed back and must give the same tree (spans aside) and the same comments,
// or the file is left as it is and the difference reported (FL900).
import type { Diagnostic } from "../diagnostics.js";
import { hasErrors } from "../diagnostics.js";
import { SourceLines, tokenize } from "../lexer.js";
import { parse, type SourceFile } from "../parser.js";
import { scanComments } from "./comments.js";
import { Printer } from "./printer.js";

export type FormatResult =
  | { ok: true; text: string; changed: boolean }
  | { ok: false; diagnostics: Diagnostic[] };

export function formatSource(file: SourceFile): FormatResult {
  const parsed = parse(file);
  if (hasErrors(parsed.diagnostics)) {
    return { ok: false, diagnostics: parsed.diagnostics.filter((d) => d.severity === "error") };
  }
  const lines = new SourceLines(file.path, file.text);
  let text: string;
  try {
    const tokens = tokenize(file).tokens.map((t) => ({ start: t.startOffset, image: t.image }));
    text = new Printer(file.text, scanComments(file.text), tokens).program(parsed.program);
  } catch (err) {
    if (!(err instanceof RangeError)) return { ok: false, diagnostics: [internal(lines, err)] };
    return {
      ok: false,
      diagnostics: [
        {
          code: "FL107",
          severity: "error",
          message: "nested too deeply to be formatted (the formatter ran out of stack)",
          span: lines.span(0, 0),
          hint: "split deeply nested expressions into smaller parts, with local variables",
        },
      ],
    };
  }
  text = withFileConventions(text, file.text);
  const problem = sameProgram(file, text);
  if (problem !== null) return { ok: false, diagnostics: [internal(lines, new Error(problem))] };
  return { ok: true, text, changed: text !== file.text };
}

/** The input's line breaks (`\r\n` when its first one is) and byte-order mark, kept. */
function withFileConventions(formatted: string, original: string): string {
  const firstBreak = original.indexOf("\n");
  const crlf = firstBreak > 0 && original[firstBreak - 1] === "\r";
  const lf = formatted.replace(/\r\n/g, "\n");
  const text = crlf ? lf.replace(/\n/g, "\r\n") : lf;
  return original.startsWith("\ufeff") ? `\ufeff${text}` : text;
}

/** Why the formatted text is not the same program with the same comments, or null. */
export function sameProgram(file: SourceFile, formatted: string): string | null {
  const before = parse(file);
  const after = parse({ path: file.path, text: formatted });
  if (hasErrors(after.diagnostics)) return "the formatted text does not parse";
  if (JSON.stringify(withoutSpans(before.program)) !== JSON.stringify(withoutSpans(after.program))) {
    return "the formatted text parses to a different program";
  }
  const comments = (t: string) => scanComments(t).map((c) => c.text.trim());
  if (JSON.stringify(comments(file.text)) !== JSON.stringify(comments(formatted))) {
    return "the formatted text does not keep every comment in order";
  }
  return null;
}

/** A syntax tree without node ids and spans: what "the same program" compares. */
export function withoutSpans(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutSpans);
  if (typeof v === "object" && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (k !== "id" && k !== "span") out[k] = withoutSpans(x);
    return out;
  }
  return v;
}

function internal(lines: SourceLines, err: unknown): Diagnostic {
  const message = err instanceof Error ? err.message : String(err);
  return {
    code: "FL900",
    severity: "error",
    message: `internal error in the formatter: ${message}; the file was left as it is`,
    span: lines.span(0, 0),
    hint: "this is a bug in Faultline; please report it with the input file",
  };
}
