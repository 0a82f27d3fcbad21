// JUnit XML: one <testsuite> per model file, one <testcase> per test (the
// failure names the property; a case per property flooded dashboards: 27
// cases for 5 tests). The output is valid against both common schemas: the Jenkins
// junit XSD and the stricter Apache Ant "JUnit.xsd" (which is why every
// suite carries properties, system-out and system-err, and the root
// <testsuites> element has no attributes).
import type { Diagnostic } from "@faultline/lang";
import {
  boundedMessage,
  counterexampleLines,
  displayPath,
  formatSeconds,
  outcomeText,
  strictlyVacuous,
  strictVacuityMessage,
  vacuityLine,
} from "./format.js";
import { failureSentence } from "./failure-text.js";
import type { ModelErrorReport, RunReport, TestOutcome } from "./run-report.js";
import { plural } from "../plural.js";

/** How many counterexample steps a failure body lists before pointing at the trace file. */
const MAX_TRACE_LINES = 200;

interface Problem {
  element: "failure" | "error";
  type: string;
  message: string;
  body: string;
}

interface Case {
  name: string;
  timeMs: number;
  problem: Problem | null;
}

export function toJUnitXml(report: RunReport): string {
  const files = [...report.files];
  const addFile = (f: string) => {
    if (!files.includes(f)) files.push(f);
  };
  for (const m of report.modelErrors) addFile(m.file);
  for (const t of report.tests) addFile(t.file);

  const timestamp = junitTimestamp(report.startedAt);
  const hostname = report.hostname || "localhost";
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>', "<testsuites>"];
  files.forEach((file, id) => {
    const shown = displayPath(file, report.rootDir);
    const classname = classnameFor(shown);
    const cases: Case[] = [];
    for (const m of report.modelErrors.filter((e) => e.file === file))
      cases.push(...modelErrorCases(m, report));
    for (const t of report.tests.filter((x) => x.file === file)) cases.push(...testCases(t, report));
    const failures = cases.filter((c) => c.problem?.element === "failure").length;
    const errors = cases.filter((c) => c.problem?.element === "error").length;
    const timeMs = cases.reduce((sum, c) => sum + c.timeMs, 0);
    out.push(
      `  <testsuite name="${attr(shown)}" package="${attr(classname)}" id="${id}" tests="${cases.length}"` +
        ` failures="${failures}" errors="${errors}" time="${formatSeconds(timeMs)}"` +
        ` timestamp="${timestamp}" hostname="${attr(hostname)}">`,
    );
    out.push("    <properties>");
    out.push(
      `      <property name="${attr(`${report.tool.name}.version`)}" value="${attr(report.tool.version)}"/>`,
    );
    out.push(`      <property name="file" value="${attr(shown)}"/>`);
    out.push("    </properties>");
    for (const c of cases) {
      const open = `    <testcase name="${attr(c.name)}" classname="${attr(classname)}" time="${formatSeconds(c.timeMs)}"`;
      if (!c.problem) {
        out.push(`${open}/>`);
        continue;
      }
      const p = c.problem;
      out.push(`${open}>`);
      out.push(
        `      <${p.element} message="${attr(p.message)}" type="${attr(p.type)}">${text(p.body)}</${p.element}>`,
      );
      out.push("    </testcase>");
    }
    out.push(systemOut(report.tests.filter((x) => x.file === file)));
    out.push("    <system-err/>");
    out.push("  </testsuite>");
  });
  out.push("</testsuites>");
  return `${out.join("\n")}\n`;
}

/**
 * The suite's `<system-out>`: each counterexample page (`--reporter html`),
 * also as `[[ATTACHMENT|path]]`, which Jenkins' JUnit attachments plugin links.
 */
function systemOut(tests: readonly TestOutcome[]): string {
  const pages = tests.filter((t) => t.htmlPath !== undefined);
  const lines = pages.flatMap((t) => [`${t.test}: html: ${t.htmlPath}`, `[[ATTACHMENT|${t.htmlPath}]]`]);
  for (const t of tests)
    for (const w of t.vacuity ?? []) lines.push(`${t.test}: vacuity warning: ${vacuityLine(w)}`);
  if (lines.length === 0) return "    <system-out/>";
  return `    <system-out>${text(lines.join("\n"))}</system-out>`;
}

function modelErrorCases(m: ModelErrorReport, report: RunReport): Case[] {
  if (m.expected) return [{ name: "compile (expected to fail)", timeMs: 0, problem: null }];
  const errors = m.diagnostics.filter((d) => d.severity === "error");
  if (errors.length === 0) {
    const problem: Problem = {
      element: "error",
      type: "model-error",
      message: "the model does not compile",
      body: "the model does not compile",
    };
    return [{ name: "compile", timeMs: 0, problem }];
  }
  return errors.map((d) => ({
    name: `compile / ${d.code} at ${d.span.start.line}:${d.span.start.col}`,
    timeMs: 0,
    problem: { element: "error", type: d.code, message: d.message, body: diagnosticText(d, report) },
  }));
}

function diagnosticText(d: Diagnostic, report: RunReport): string {
  const lines = [
    `${displayPath(d.span.file, report.rootDir)}:${d.span.start.line}:${d.span.start.col}: ${d.severity}[${d.code}]: ${d.message}`,
  ];
  if (d.hint) lines.push(`hint: ${d.hint}`);
  for (const r of d.related ?? []) {
    lines.push(
      `note: ${displayPath(r.span.file, report.rootDir)}:${r.span.start.line}:${r.span.start.col}: ${r.message}`,
    );
  }
  return lines.join("\n");
}

function testCases(t: TestOutcome, report: RunReport): Case[] {
  const problem = failed(t) ? problemFor(t, report) : null;
  return [{ name: t.test, timeMs: t.stats?.elapsedMs ?? 0, problem }];
}

/** Whether the test's case carries a failure or an error. */
function failed(t: TestOutcome): boolean {
  if (t.expectation) return !t.expectation.matched;
  // pass: every property held (unless --strict and vacuity warnings); bounded, model-error, error: none was verified.
  return t.outcome !== "pass" || strictlyVacuous(t);
}

function problemFor(t: TestOutcome, report: RunReport): Problem {
  const details = detailLines(t, report).join("\n");
  if (t.expectation && !t.expectation.matched) {
    const message = t.expectation.message ?? `unexpected outcome: ${outcomeText(t)}`;
    return { element: "failure", type: "expectation", message, body: `${message}\n\n${details}` };
  }
  if (strictlyVacuous(t)) {
    const message = strictVacuityMessage(t);
    const warnings = (t.vacuity ?? []).map((w) => vacuityLine(w, report.rootDir)).join("\n");
    return { element: "failure", type: "vacuity", message, body: `${message}\n${warnings}\n\n${details}` };
  }
  switch (t.outcome) {
    case "bounded": {
      const message = boundedMessage(t);
      return { element: "failure", type: "bounded", message, body: `${message}\n\n${details}` };
    }
    case "error": {
      const message = `checker error: ${t.errorMessage ?? "unknown"}`;
      return { element: "error", type: "checker-error", message, body: `${message}\n\n${details}` };
    }
    case "model-error":
      return { element: "error", type: "model-error", message: "the model does not compile", body: details };
    default: {
      const f = t.failure;
      const message = f ? failureSentence(f) : outcomeText(t);
      return { element: "failure", type: f ? f.kind : t.outcome, message, body: details };
    }
  }
}

/** The failure text: what failed and where, the seed, the trace file and how to replay it, then the steps. */
function detailLines(t: TestOutcome, report: RunReport): string[] {
  const lines: string[] = [];
  const f = t.failure;
  if (f) {
    lines.push(failureSentence(f));
    lines.push(`property: ${f.property} (${f.kind})`);
    if (f.location)
      lines.push(
        `location: ${displayPath(f.location.file, report.rootDir)}:${f.location.line}:${f.location.col}`,
      );
  }
  lines.push(`test: ${t.test} (${displayPath(t.file, report.rootDir)}), outcome: ${outcomeText(t)}`);
  if (t.properties.length > 0) lines.push(`properties checked: ${t.properties.join(", ")}`);
  lines.push(`mode: ${t.mode}, seed: ${t.seed === null ? "none (exhaustive search)" : t.seed}`);
  if (t.stats) {
    lines.push(
      `states: ${t.stats.distinctStates.toLocaleString("en-US")} distinct, depth ${t.stats.maxDepth}, ${formatSeconds(t.stats.elapsedMs)}s`,
    );
    const reductions = reductionText(t);
    if (reductions !== null) lines.push(`reductions: ${reductions}`);
  }
  if (t.traceLength !== null) lines.push(`counterexample: ${plural(t.traceLength, "step")}`);
  if (t.tracePath) lines.push(`trace: ${t.tracePath}`);
  if (t.htmlPath) lines.push(`html: ${t.htmlPath}`);
  if (t.replayCommand) lines.push(`replay: ${t.replayCommand}`);
  if (t.traceSteps && t.traceSteps.length > 0) {
    lines.push("");
    lines.push(...counterexampleLines(t, MAX_TRACE_LINES, report.rootDir).map((l) => `  ${l}`));
  }
  return lines;
}

/** `models/two-phase.fl` -> `models.two-phase`: CI tools show classnames as a package tree. */
function classnameFor(path: string): string {
  return (
    path
      .replace(/\.fl$/, "")
      .replace(/^(\.\.\/)+/, "")
      .replace(/^\/+/, "")
      .replace(/\//g, ".") || "model"
  );
}

/** Ant's schema wants `YYYY-MM-DDTHH:MM:SS` with no zone; we write UTC. */
function junitTimestamp(startedAt: string): string {
  const d = new Date(startedAt);
  return Number.isNaN(d.getTime()) ? "1970-01-01T00:00:00" : d.toISOString().slice(0, 19);
}

/**
 * Characters XML 1.0 cannot carry even as character references (most C0
 * controls, lone surrogates, U+FFFE/U+FFFF) become visible `\uXXXX` text.
 */
export function replaceInvalidXmlChars(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const isHigh = c >= 0xd800 && c <= 0xdbff;
    const isLow = c >= 0xdc00 && c <= 0xdfff;
    if (isHigh) {
      const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += s[i]! + s[i + 1]!;
        i++;
        continue;
      }
    }
    const invalid =
      (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || isHigh || isLow || c === 0xfffe || c === 0xffff;
    out += invalid ? `\\u${c.toString(16).padStart(4, "0")}` : s[i]!;
  }
  return out;
}

/** Escapes element content (carriage returns as references so parsers keep them). */
function text(s: string): string {
  return replaceInvalidXmlChars(s)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\r/g, "&#13;");
}

/** Escapes an attribute value; tabs and newlines as references, else attribute normalisation eats them. */
function attr(s: string): string {
  return replaceInvalidXmlChars(s)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;")
    .replace(/\t/g, "&#9;")
    .replace(/\n/g, "&#10;")
    .replace(/\r/g, "&#13;");
}

/** Which state-space reductions shaped the counts, in words; null when none did. */
function reductionText(t: TestOutcome): string | null {
  const parts: string[] = [];
  const s = t.stats;
  if (s?.symmetricTypes?.length) parts.push(`symmetry (${s.symmetricTypes.join(", ")})`);
  if (s?.ampleExpansions !== undefined)
    parts.push(
      `partial-order (${s.ampleExpansions} of ${s.expandedStates ?? 0} expanded states used an ample set)`,
    );
  if (t.liveness !== undefined)
    parts.push(
      t.liveness.checked
        ? `liveness checked on ${plural(t.liveness.states, "state")} (${t.liveness.outcome})`
        : "liveness not checked (--no-liveness)",
    );
  return parts.length === 0 ? null : parts.join("; ");
}
