// GitHub Actions output: workflow-command annotations (`::error file=...`)
// that GitHub pins to the source line in the run and the pull request, and a
// markdown job summary written to $GITHUB_STEP_SUMMARY.
import { appendFileSync } from "node:fs";
import type { SourceLocation } from "@faultline/checker";
import { DIAGNOSTIC_CODES, type Diagnostic } from "@faultline/lang";
import {
  boundedMessage,
  counterexampleLines,
  displayPath,
  formatSeconds,
  outcomeText,
  testPassed,
} from "./format.js";
import { failureTitle } from "./failure-text.js";
import { spanToLocation } from "@faultline/checker";
import { FAILED_OUTCOMES, type RunReport, type TestOutcome } from "./run-report.js";
import { plural } from "../plural.js";

/** Counterexample steps shown in the job summary before pointing at the trace file. */
const SUMMARY_TRACE_STEPS = 15;

/** Escapes a workflow command's message (as @actions/core does). */
export function escapeCommandData(s: string): string {
  return s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** Escapes a workflow command's property value: also `:` and `,`, which delimit properties. */
export function escapeCommandProperty(s: string): string {
  return escapeCommandData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

type AnnotationLevel = "error" | "warning" | "notice";

function command(
  level: AnnotationLevel,
  props: [string, string | number | undefined][],
  message: string,
): string {
  const shown = props
    .filter((p): p is [string, string | number] => p[1] !== undefined)
    .map(([k, v]) => `${k}=${escapeCommandProperty(String(v))}`);
  return `::${level}${shown.length > 0 ? ` ${shown.join(",")}` : ""}::${escapeCommandData(message)}`;
}

/**
 * Annotation position properties. GitHub takes columns only when the range
 * stays on one line; its endColumn is the last character, so SourceLocation's
 * exclusive end column is moved back by one.
 */
function position(loc: SourceLocation, rootDir: string | undefined): [string, number | string | undefined][] {
  const props: [string, number | string | undefined][] = [
    ["file", displayPath(loc.file, rootDir)],
    ["line", loc.line],
  ];
  const endLine = loc.endLine ?? loc.line;
  if (endLine === loc.line) {
    props.push(["col", loc.col]);
    if (loc.endCol !== undefined && loc.endCol - 1 >= loc.col) {
      props.push(["endLine", endLine], ["endColumn", loc.endCol - 1]);
    }
  } else if (endLine > loc.line) {
    props.push(["endLine", endLine]);
  }
  return props;
}

function diagnosticAnnotation(d: Diagnostic, rootDir: string | undefined): string {
  const loc = spanToLocation(d.span);
  const title = `${d.code} ${(DIAGNOSTIC_CODES as Record<string, string>)[d.code] ?? "diagnostic"}`;
  const message = d.hint ? `${d.message}\nhint: ${d.hint}` : d.message;
  return command(
    d.severity === "warning" ? "warning" : "error",
    [...position(loc, rootDir), ["title", title]],
    message,
  );
}

/** Lines about the counterexample every failure annotation ends with. */
function traceNote(t: TestOutcome): string {
  const lines: string[] = [];
  const parts: string[] = [];
  if (t.traceLength !== null) parts.push(`counterexample: ${plural(t.traceLength, "step")}`);
  if (t.tracePath) parts.push(`trace: ${t.tracePath}`);
  if (t.htmlPath) parts.push(`html: ${t.htmlPath}`);
  if (t.seed !== null) parts.push(`seed: ${t.seed}`);
  if (parts.length > 0) lines.push(parts.join(", "));
  if (t.replayCommand) lines.push(`replay: ${t.replayCommand}`);
  return lines.map((l) => `\n${l}`).join("");
}

function testAnnotation(t: TestOutcome, rootDir: string | undefined): string | null {
  if (t.expectation?.matched) return null;
  const where: SourceLocation = t.testLocation ?? { file: t.file, line: 1, col: 1 };
  const mismatch = t.expectation && !t.expectation.matched ? t.expectation.message : null;
  const expectNote = mismatch ? `\nexpected.json: ${mismatch}` : "";
  if (t.failure && FAILED_OUTCOMES.has(t.outcome)) {
    const f = t.failure;
    const props = [...position(f.location ?? where, rootDir), ["title", failureTitle(f)] as [string, string]];
    return command("error", props, `test ${t.test}: ${f.message}${traceNote(t)}${expectNote}`);
  }
  if (t.outcome === "bounded") {
    const props = [...position(where, rootDir), ["title", "Bound reached"] as [string, string]];
    return command(
      mismatch ? "error" : "warning",
      props,
      `test ${t.test}: ${boundedMessage(t)}${expectNote}`,
    );
  }
  if (t.outcome === "error") {
    const props = [...position(where, rootDir), ["title", "Faultline checker error"] as [string, string]];
    return command("error", props, `test ${t.test}: ${t.errorMessage ?? "unknown error"}`);
  }
  if (mismatch) {
    const props = [...position(where, rootDir), ["title", "Expectation mismatch"] as [string, string]];
    return command("error", props, `test ${t.test}: ${mismatch}`);
  }
  return null;
}

/** One ::warning per vacuity warning of a passing test (::error under --strict). */
function vacuityAnnotations(t: TestOutcome, rootDir: string | undefined): string[] {
  const where: SourceLocation = t.testLocation ?? { file: t.file, line: 1, col: 1 };
  const level = t.strict ? "error" : "warning";
  return (t.vacuity ?? []).map((w) =>
    command(
      level,
      [...position(w.location ?? where, rootDir), ["title", "Vacuous pass"]],
      `test ${t.test}: ${w.message}`,
    ),
  );
}

/** One workflow command per finding, each on its own line ("" when there is nothing to say). */
export function toGithubAnnotations(report: RunReport): string {
  const lines: string[] = [];
  for (const m of report.modelErrors) {
    if (m.expected) continue;
    for (const d of m.diagnostics) lines.push(diagnosticAnnotation(d, report.rootDir));
  }
  for (const t of report.tests) {
    const line = testAnnotation(t, report.rootDir);
    if (line !== null) lines.push(line);
    lines.push(...vacuityAnnotations(t, report.rootDir));
  }
  return lines.map((l) => `${l}\n`).join("");
}

// ---------------------------------------------------------------- job summary

/** Escapes text for a markdown paragraph or table cell. */
export function markdownText(s: string): string {
  return s
    .replace(/[\r\n]+/g, " ")
    .replace(/&/g, "&amp;")
    .replace(/[\\`*_[\]<>|~#]/g, (c) => `\\${c}`);
}

/** An inline code span that survives backticks in the text and sits safely in a table cell. */
function codeSpan(s: string): string {
  const longest = Math.max(0, ...(s.match(/`+/g) ?? []).map((r) => r.length));
  const fence = "`".repeat(longest + 1);
  const pad = s.startsWith("`") || s.endsWith("`") ? " " : "";
  return `${fence}${pad}${s.replace(/[\r\n]+/g, " ")}${pad}${fence}`.replace(/\|/g, "\\|");
}

function codeBlock(lines: string[]): string {
  const body = lines.join("\n");
  const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((r) => r.length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return `${fence}text\n${body}\n${fence}`;
}

function outcomeCell(t: TestOutcome): string {
  const passed = testPassed(t);
  const mark = passed ? "✅" : t.outcome === "bounded" && !t.expectation ? "⚠️" : "❌";
  let text = outcomeText(t);
  if (t.expectation) {
    text += t.expectation.matched
      ? " (as expected)"
      : ` (expected.json: ${t.expectation.message ?? "mismatch"})`;
  }
  return `${mark} ${markdownText(text)}`;
}

/** A markdown job summary: the verdict, a table of tests, model errors, and each failure's counterexample. */
export function toGithubSummary(report: RunReport): string {
  const passed = report.tests.filter(testPassed).length;
  const failed = report.tests.length - passed;
  const badFiles = report.modelErrors.filter((m) => !m.expected);
  const ok = report.exitCode === 0;
  const parts = [`${passed} passed`, `${failed} failed`];
  if (badFiles.length > 0) parts.push(`${plural(badFiles.length, "file")} with model errors`);
  const out: string[] = [];
  out.push(`## ${ok ? "✅" : "❌"} Faultline: ${parts.join(", ")}`);
  out.push("");
  const fileCount = new Set([...report.files, ...report.tests.map((t) => t.file)]).size;
  out.push(
    `Exit code ${report.exitCode} · ${plural(report.tests.length, "test")} in ${plural(fileCount, "file")} · ${formatSeconds(report.elapsedMs)} s · ${markdownText(`${report.tool.name} ${report.tool.version}`)}`,
  );
  if (report.tests.length > 0) {
    out.push("");
    out.push("| File | Test | Outcome | States | Time |");
    out.push("| --- | --- | --- | ---: | ---: |");
    for (const t of report.tests) {
      const states = t.stats ? t.stats.distinctStates.toLocaleString("en-US") : "-";
      const time = t.stats ? `${formatSeconds(t.stats.elapsedMs)} s` : "-";
      out.push(
        `| ${codeSpan(displayPath(t.file, report.rootDir))} | ${markdownText(t.test)} | ${outcomeCell(t)} | ${states} | ${time} |`,
      );
    }
  }
  if (badFiles.length > 0) {
    out.push("");
    out.push("### Model errors");
    out.push("");
    for (const m of badFiles) {
      for (const d of m.diagnostics) {
        const where = `${displayPath(d.span.file, report.rootDir)}:${d.span.start.line}:${d.span.start.col}`;
        out.push(`- ${codeSpan(where)} **${d.code}** ${markdownText(d.message)}`);
      }
      if (m.diagnostics.length === 0)
        out.push(`- ${codeSpan(displayPath(m.file, report.rootDir))} does not compile`);
    }
  }
  const failures = report.tests.filter((t) => !testPassed(t) && t.failure);
  if (failures.length > 0) {
    out.push("");
    out.push("### Counterexamples");
    for (const t of failures) {
      const f = t.failure!;
      const steps = t.traceLength !== null ? ` (${plural(t.traceLength, "step")})` : "";
      out.push("");
      out.push("<details>");
      out.push(
        `<summary>${htmlText(`${displayPath(t.file, report.rootDir)} · ${t.test}: ${failureTitle(f)}${steps}`)}</summary>`,
      );
      out.push("");
      out.push(codeBlock(counterexampleLines(t, SUMMARY_TRACE_STEPS, report.rootDir)));
      const notes: string[] = [];
      if (t.tracePath) notes.push(`Trace: ${codeSpan(t.tracePath)}`);
      if (t.htmlPath) notes.push(`HTML: ${codeSpan(t.htmlPath)} (open it in a browser)`);
      if (t.replayCommand) notes.push(`replay: ${codeSpan(t.replayCommand)}`);
      if (t.seed !== null) notes.push(`seed: ${t.seed}`);
      if (notes.length > 0) {
        out.push("");
        out.push(notes.join(" · "));
      }
      out.push("");
      out.push("</details>");
    }
  }
  return `${out.join("\n")}\n`;
}

function htmlText(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/[\r\n]+/g, " ");
}

/**
 * Appends the job summary to $GITHUB_STEP_SUMMARY when it is set (GitHub
 * Actions sets it per step). Returns whether it wrote.
 */
export function writeGithubSummary(
  report: RunReport,
  env: Readonly<Record<string, string | undefined>> = process.env,
  append: (path: string, text: string) => void = (path, text) => appendFileSync(path, text),
): boolean {
  const path = env.GITHUB_STEP_SUMMARY;
  if (!path) return false;
  append(path, toGithubSummary(report));
  return true;
}
