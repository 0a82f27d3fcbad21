import { describe, expect, it } from "vitest";
import type { Span } from "../src/ast.js";
import type { Diagnostic } from "../src/diagnostics.js";
import { SourceLines } from "../src/lexer.js";
import { parse } from "../src/parser.js";
import { diagnosticsToJson, renderDiagnostic, renderDiagnostics } from "../src/render-diagnostics.js";

// A 12-line file whose line 12 holds the misspelt event of the usual example.
const source = [
  "event Voted: int;",
  "machine Coordinator {",
  "  start state Init {",
  "    entry { }",
  "  }",
  "",
  "",
  "",
  "",
  "",
  "  state Collecting {",
  "    on Votd do (v) {",
  "    }",
  "  }",
  "}",
  "",
].join("\n");
const lines = new SourceLines("models/2pc.fl", source);

function spanOf(line: number, col: number, length: number): Span {
  const start = lines.lineStarts[line - 1]! + col - 1;
  return lines.span(start, start + length);
}

const unknownEvent: Diagnostic = {
  code: "FL202",
  severity: "error",
  message: "unknown event 'Votd'",
  span: spanOf(12, 8, 4),
  hint: "did you mean 'Voted'?",
};

describe("renderDiagnostic", () => {
  it("prints the header, location, source line, carets and hint", () => {
    expect(renderDiagnostic(unknownEvent, source)).toBe(
      [
        "error[FL202]: unknown event 'Votd'",
        "  --> models/2pc.fl:12:8",
        "   |",
        "12 |     on Votd do (v) {",
        "   |        ^^^^",
        "   = hint: did you mean 'Voted'?",
      ].join("\n"),
    );
  });

  it("prints related spans as notes with their own excerpt", () => {
    const d: Diagnostic = {
      code: "FL207",
      severity: "warning",
      message: "duplicate declaration of 'Init'",
      span: spanOf(11, 3, 5),
      related: [{ message: "first declared here", span: spanOf(3, 9, 5) }],
    };
    expect(renderDiagnostic(d, source)).toBe(
      [
        "warning[FL207]: duplicate declaration of 'Init'",
        "  --> models/2pc.fl:11:3",
        "   |",
        "11 |   state Collecting {",
        "   |   ^^^^^",
        "note: first declared here",
        "  --> models/2pc.fl:3:9",
        "   |",
        " 3 |   start state Init {",
        "   |         ^^^^^",
      ].join("\n"),
    );
  });

  it("shows a zero-width span (a missing token) as one caret", () => {
    const text = "event Ping\nevent Pong;\n";
    const { diagnostics } = parse({ path: "m.fl", text });
    expect(diagnostics).toHaveLength(1);
    expect(renderDiagnostic(diagnostics[0]!, text)).toBe(
      [
        "error[FL103]: expected ';' after the event declaration, found 'event'",
        " --> m.fl:1:11",
        "  |",
        "1 | event Ping",
        "  |           ^",
      ].join("\n"),
    );
  });

  it("marks the first and last line of a multi-line span", () => {
    const d: Diagnostic = {
      code: "FL400",
      severity: "error",
      message: "no start state",
      span: lines.span(18, 78),
    };
    expect(renderDiagnostic(d, source)).toBe(
      [
        "error[FL400]: no start state",
        " --> models/2pc.fl:2:1",
        "  |",
        "2 | machine Coordinator {",
        "  | ^^^^^^^^^^^^^^^^^^^^^",
        "  ...",
        "5 |   }",
        "  |   ^",
      ].join("\n"),
    );
  });

  it("expands tabs so the carets stay under the text", () => {
    const text = "\tevent\tX;";
    const d: Diagnostic = {
      code: "FL102",
      severity: "error",
      message: "m",
      span: new SourceLines("t.fl", text).span(7, 8),
    };
    expect(renderDiagnostic(d, text).split("\n").slice(3)).toEqual([
      "1 |     event    X;",
      "  |              ^",
    ]);
  });

  it("prints only the location when the source is unavailable", () => {
    expect(renderDiagnostic(unknownEvent, undefined)).toBe(
      [
        "error[FL202]: unknown event 'Votd'",
        "  --> models/2pc.fl:12:8",
        "   = hint: did you mean 'Voted'?",
      ].join("\n"),
    );
  });

  it("colours with ANSI codes only when asked", () => {
    const coloured = renderDiagnostic(unknownEvent, source, { color: true });
    expect(coloured).toContain("\u001b[1;31merror[FL202]\u001b[0m");
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping ANSI escapes
    expect(coloured.replace(/\u001b\[[0-9;]*m/g, "")).toBe(renderDiagnostic(unknownEvent, source));
    expect(renderDiagnostic(unknownEvent, source)).not.toContain("\u001b");
  });
});

describe("renderDiagnostics", () => {
  it("sorts by position and separates diagnostics with a blank line", () => {
    const first: Diagnostic = { code: "FL201", severity: "error", message: "a", span: spanOf(1, 1, 5) };
    const out = renderDiagnostics([unknownEvent, first], (file) =>
      file === "models/2pc.fl" ? source : undefined,
    );
    const blocks = out.split("\n\n");
    expect(blocks).toHaveLength(2);
    expect(blocks[0]!.startsWith("error[FL201]: a\n --> models/2pc.fl:1:1")).toBe(true);
    expect(blocks[1]).toBe(renderDiagnostic(unknownEvent, source));
    expect(renderDiagnostics([first], new Map([["models/2pc.fl", source]]))).toBe(blocks[0]);
  });
});

describe("diagnosticsToJson", () => {
  it("gives plain, detached objects with the code's title", () => {
    const d: Diagnostic = { ...unknownEvent, related: [{ message: "declared here", span: spanOf(1, 7, 5) }] };
    const json = diagnosticsToJson([d]);
    expect(json).toEqual([
      {
        code: "FL202",
        title: "unknown event",
        severity: "error",
        message: "unknown event 'Votd'",
        span: d.span,
        hint: "did you mean 'Voted'?",
        related: [{ message: "declared here", span: d.related![0]!.span }],
      },
    ]);
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
    json[0]!.span.start.line = 99;
    expect(d.span.start.line).toBe(12);
  });
});
