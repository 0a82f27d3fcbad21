// Code lenses on tests: "check" runs `faultline check FILE --test T` in a
// child process (the same command as the terminal, so the same verdict), and
// its outcome becomes the lens's title, a diagnostic on the violated property
// (with the trace and the HTML page) and a hover. The parts here are pure but
// for `spawnRunner`; server.ts keeps the results per document.
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Span, TestDecl } from "@faultline/lang";
import { type CodeLens, type Diagnostic, DiagnosticSeverity } from "vscode-languageserver";
import type { Analysis } from "./analysis.js";
import { toRange } from "./features.js";

export const CHECK_TEST_COMMAND = "faultline.checkTest";

/** One instance of a test (a parameterized test has one per value). */
export interface TestInstanceResult {
  /** The instance's name, `Name(n=2)` for a parameterized test. */
  instance: string;
  passed: boolean;
  /** One phrase, as the JSON report has it ("violation of NoSplitDecision"). */
  summary: string;
  /** The violated property, or null (a built-in check, or a pass). */
  property: string | null;
  states: number | null;
  tracePath: string | null;
  htmlPath: string | null;
  /** The terminal report of this instance: the verdict line and the trace. */
  report: string;
}

export type TestRun =
  | { state: "running" }
  | { state: "done"; text: string; results: TestInstanceResult[] }
  | { state: "error"; text: string; message: string };

export interface RunOutput {
  code: number | null;
  stdout: string;
  stderr: string;
}

export type CheckRunner = (file: string, test: string) => Promise<RunOutput>;

/** Runs `faultline check` with the command this process was started as (the `faultline` bin). */
export function spawnRunner(bin: string = process.argv[1]!): CheckRunner {
  return (file, test) =>
    new Promise((resolve) => {
      const out = mkdtempSync(join(tmpdir(), "faultline-lsp-"));
      const child = spawn(
        process.execPath,
        [bin, "check", file, "--test", test, "--reporter", "pretty,json,html", "--out", out],
        { env: { ...process.env, NO_COLOR: "1", CI: "1" }, stdio: ["ignore", "pipe", "pipe"] },
      );
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => {
        stdout += d;
      });
      child.stderr.on("data", (d) => {
        stderr += d;
      });
      child.on("error", (e) => resolve({ code: null, stdout, stderr: `${stderr}${e.message}` }));
      child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
}

interface JsonTest {
  test: string;
  passed: boolean;
  summary: string;
  property: string | null;
  stats: { distinctStates?: number } | null;
  tracePath: string | null;
}

/** The results of one run from its JSON report (stdout) and terminal report (stderr); null if there is no report. */
export function parseRun(output: RunOutput): TestInstanceResult[] | null {
  let json: { tests?: JsonTest[] };
  try {
    json = JSON.parse(output.stdout) as { tests?: JsonTest[] };
  } catch {
    return null;
  }
  if (!Array.isArray(json.tests)) return null;
  const blocks = reportBlocks(output.stderr);
  return json.tests.map((t) => ({
    instance: t.test,
    passed: t.passed,
    summary: t.summary,
    property: t.property,
    states: t.stats?.distinctStates ?? null,
    tracePath: t.tracePath,
    htmlPath: t.tracePath ? t.tracePath.replace(/\.itf\.json$/, ".html") : null,
    report: blocks.get(t.test) ?? t.summary,
  }));
}

/** The terminal report cut into each test's block: `  ✓ Name...` or `  ✗ Name: ...` and the lines under it. */
function reportBlocks(text: string): Map<string, string> {
  const blocks = new Map<string, string>();
  let name: string | null = null;
  let lines: string[] = [];
  const flush = () => {
    if (name !== null) blocks.set(name, lines.join("\n").trimEnd());
  };
  for (const line of text.split("\n")) {
    const head = /^ {2}[✓✗!?] ([^\s:]+(?:\([^)]*\))?)/.exec(line);
    if (head) {
      flush();
      name = head[1]!;
      lines = [line.trim()];
    } else if (name !== null && /^ {3,}/.test(line)) {
      lines.push(line.slice(2));
    } else {
      flush();
      name = null;
    }
  }
  flush();
  return blocks;
}

/** A lens on each test's name: "check", "checking...", or the last run's outcome (click to run again). */
export function codeLenses(a: Analysis, runs: ReadonlyMap<string, TestRun>): CodeLens[] {
  return tests(a).map((t) => {
    const run = runs.get(t.name.name);
    const title =
      run === undefined || (run.state !== "running" && run.text !== a.text)
        ? "▶ check"
        : run.state === "running"
          ? "checking…"
          : run.state === "error"
            ? `⚠ ${run.message} (check again)`
            : outcomeTitle(run.results);
    return {
      range: toRange(t.name.span),
      command: { title, command: CHECK_TEST_COMMAND, arguments: [a.uri, t.name.name] },
    };
  });
}

function outcomeTitle(results: TestInstanceResult[]): string {
  const failed = results.filter((r) => !r.passed);
  if (results.length === 0) return "no instance checked (check again)";
  if (failed.length === 0) {
    const states = results.reduce((n, r) => n + (r.states ?? 0), 0);
    return `✓ passed${states > 0 ? ` (${states.toLocaleString("en-US")} states)` : ""} (check again)`;
  }
  return `✗ ${failed[0]!.summary}${failed.length > 1 ? ` (+${failed.length - 1} more)` : ""} (check again)`;
}

/**
 * A failed instance as a diagnostic: on the violated property's declaration
 * (an invariant or a spec) when there is one in the file, else on the test's
 * name; the message has the verdict, the trace file and the replay command,
 * and the HTML page is the diagnostic's link.
 */
export function runDiagnostics(a: Analysis, runs: ReadonlyMap<string, TestRun>): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const t of tests(a)) {
    const run = runs.get(t.name.name);
    if (run?.state !== "done" || run.text !== a.text) continue;
    for (const r of run.results) {
      if (r.passed) continue;
      const at = (r.property && propertySpan(a, r.property)) || t.name.span;
      out.push({
        range: toRange(at),
        severity: DiagnosticSeverity.Error,
        source: "faultline check",
        code: "check",
        message:
          `test ${r.instance}: ${r.summary}` +
          (r.tracePath ? `\ntrace: ${r.tracePath}\nreplay: faultline replay ${r.tracePath}` : ""),
        ...(r.htmlPath ? { codeDescription: { href: pathToFileURL(r.htmlPath).href } } : {}),
        relatedInformation: [
          { location: { uri: a.uri, range: toRange(t.name.span) }, message: `checked by test ${r.instance}` },
        ],
      });
    }
  }
  return out;
}

/** The terminal reports of the failed runs that violated `property` (for the hover). */
export function failureReports(a: Analysis, runs: ReadonlyMap<string, TestRun>, property: string): string[] {
  const out: string[] = [];
  for (const run of runs.values()) {
    if (run.state !== "done" || run.text !== a.text) continue;
    for (const r of run.results) if (!r.passed && r.property === property) out.push(r.report);
  }
  return out;
}

function propertySpan(a: Analysis, name: string): Span | null {
  for (const d of a.ast.decls) {
    if ((d.kind === "InvariantDecl" || d.kind === "SpecDecl") && d.name.name === name) return d.name.span;
  }
  return null;
}

function tests(a: Analysis): TestDecl[] {
  return a.ast.decls.filter((d): d is TestDecl => d.kind === "TestDecl");
}
