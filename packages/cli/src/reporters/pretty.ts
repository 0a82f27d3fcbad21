// The terminal report (`--reporter pretty`, the default): a heading per file,
// a line per test as it finishes (with what the reductions and the liveness
// check did, and the counterexample of a failure), then a table and the
// counts. Like the CI reporters it reads only the run report; it is written
// piece by piece as the run goes (`prettyReporter`), or whole (`toPretty`).
import { basename } from "node:path";
import { type CoverageReport, coverageToText } from "@faultline/checker";
import { failureVerdict } from "./failure-text.js";
import { strictlyVacuous, strictVacuityMessage, testPassed, vacuityLine } from "./format.js";
import type { RunReport, SearchFigures, TestOutcome, TestStats } from "./run-report.js";
import { plural } from "../plural.js";

export interface PrettyOptions {
  /** Only failures and the summary. */
  quiet: boolean;
  /** The counterexamples of expected failures too. */
  verbose: boolean;
  /** ANSI colours. */
  color: boolean;
}

/** What the command tells the terminal report while a run goes on. */
export interface PrettyReporter {
  /** A file's tests are about to run (`selected`: how many of them were selected). */
  fileStarted(file: string, selected: number): void;
  /** An entry of expected.json names no test declared in its file. */
  undeclaredExpectation(file: string, test: string): void;
  testFinished(test: TestOutcome): void;
  runFinished(report: RunReport): void;
}

type Paint = (code: string, text: string) => string;

function painter(color: boolean): Paint {
  return (code, text) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
}

const count = (x: number | undefined) => (x ?? 0).toLocaleString("en-US");
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)}s`;

export function prettyReporter(out: (text: string) => void, options: PrettyOptions): PrettyReporter {
  return {
    fileStarted: (file, selected) => out(prettyFileHeading(file, selected, options)),
    undeclaredExpectation: (file, test) => out(prettyUndeclaredExpectation(file, test, options)),
    testFinished: (test) => out(prettyTest(test, options)),
    runFinished: (report) => out(prettySummary(report, options)),
  };
}

/** The whole terminal report of a finished run, as `prettyReporter` writes it while the run goes on. */
export function toPretty(report: RunReport, options: PrettyOptions): string {
  let text = "";
  const reporter = prettyReporter((t) => {
    text += t;
  }, options);
  for (const file of report.files) {
    const tests = report.tests.filter((t) => t.file === file);
    reporter.fileStarted(file, tests.length);
    for (const u of report.expectations?.undeclared ?? [])
      if (u.file === file) reporter.undeclaredExpectation(u.file, u.test);
    for (const t of tests) reporter.testFinished(t);
  }
  reporter.runFinished(report);
  return text;
}

/** A file's heading; none for a file none of whose tests is selected, nor with `quiet`. */
export function prettyFileHeading(file: string, selected: number, options: PrettyOptions): string {
  return options.quiet || selected === 0 ? "" : `${painter(options.color)("1", file)}\n`;
}

export function prettyUndeclaredExpectation(file: string, test: string, options: PrettyOptions): string {
  const paint = painter(options.color);
  return `  ${paint("31", "✗")} ${test}: listed in expected.json but not declared in ${basename(file)}\n`;
}

/** The size and speed of a test's search: states and depth, or random runs and steps. */
function statsText(t: TestOutcome): string {
  const s = t.stats;
  if (!s) return "";
  const r = t.randomStats;
  if (r) {
    const rate = Math.round(r.stepsPerSecond).toLocaleString("en-US");
    return `${r.strategy} seed ${r.seed}: ${plural(r.runs ?? 0, "run")}, ${plural(r.steps ?? 0, "step")} (${rate}/s), ${seconds(s.elapsedMs)}`;
  }
  const n = s.distinctStates;
  return `${plural(n ?? 0, "state")}, depth ${s.maxDepth}, ${seconds(s.elapsedMs)}`;
}

function verdictText(t: TestOutcome): string {
  if (t.failure) return failureVerdict(t.failure);
  if (strictlyVacuous(t)) return `pass, but ${strictVacuityMessage(t)}`;
  if (t.outcome === "bounded") return `bounded (${t.boundReason}) without a verdict`;
  if (t.outcome === "interrupted") return "interrupted (Ctrl-C) without a verdict";
  if (t.outcome === "error") return `checker error: ${t.errorMessage}`;
  return "pass";
}

/** A test's lines: its verdict, what the reductions and the liveness check did, its counterexample, its coverage. */
export function prettyTest(t: TestOutcome, options: PrettyOptions): string {
  const paint = painter(options.color);
  const coverage =
    t.coverage === undefined
      ? ""
      : `${coverageToText(t.coverage as unknown as CoverageReport).replace(/^/gm, "      ")}\n`;
  const ok = testPassed(t);
  if (options.quiet && ok) return coverage;
  const stats = statsText(t);
  const expectNote = t.expectation
    ? t.expectation.matched
      ? paint("32", " (as expected)")
      : paint("31", ` (MISMATCH: ${t.expectation.message})`)
    : "";
  const mark = ok ? paint("32", "✓") : paint("31", "✗");
  const lines = [`  ${mark} ${t.test}: ${verdictText(t)}${stats ? ` — ${stats}` : ""}${expectNote}`];
  const symmetric = t.symmetricTypes ?? [];
  if (symmetric.length > 0 && stats)
    lines.push(
      `      symmetry reduction: ${symmetric.join(", ")} (states counted up to renaming their instances)`,
    );
  // After a liveness check, `stats` are the liveness check's; the reduction's are the safety search's.
  const por: SearchFigures | TestStats | null = t.safety ?? t.stats;
  if (por?.ampleExpansions !== undefined)
    lines.push(
      `      partial-order reduction: ${count(por.ampleExpansions)} of the ${count(por.expandedStates)} states expanded used an ample set`,
    );
  if (t.randomPhase)
    lines.push(
      `      then random walks (--mode auto): ${plural(t.randomPhase.runs, "run")}, ${plural(t.randomPhase.steps, "step")}, ${seconds(t.randomPhase.elapsedMs)}, no failure found`,
    );
  const live = t.liveness;
  const reduced = symmetric.length > 0 || por?.ampleExpansions !== undefined;
  if (live && !live.checked) {
    lines.push(
      "      liveness not checked (--no-liveness): hot spec states were checked only at the end of runs",
    );
  } else if (live?.checked && (reduced || live.outcome === "bounded" || live.outcome === "error")) {
    const safety = t.safety
      ? `the safety search passed on ${plural(t.safety.distinctStates, "state")}; `
      : "";
    const outcome = live.outcome === "bounded" ? `stopped by ${live.reason}` : live.outcome;
    const how = live.quotient
      ? "symmetry-reduced: no cycle keeps a spec hot"
      : "full state space, not reduced";
    lines.push(
      `      ${safety}liveness check (${how}): ${outcome}, ${plural(live.states, "state")}, ${seconds(live.elapsedMs)}`,
    );
  }
  lines.push(...witnessLines(t));
  for (const w of t.vacuity ?? []) lines.push(`      ${paint("33", "warning")}: ${vacuityLine(w)}`);
  if (t.failure && (!t.expectation || options.verbose || !ok)) lines.push(...counterexample(t));
  return `${lines.join("\n")}\n${coverage}`;
}

/** The witness properties reached (with `--witnesses`, their shortest traces) and those never reached. */
function witnessLines(t: TestOutcome): string[] {
  const lines: string[] = [];
  for (const w of t.witnesses ?? []) {
    if (!w.reached) {
      if (w.name !== t.failure?.property) lines.push(`      ${w.kind} ${w.name}: never witnessed`);
      continue;
    }
    lines.push(`      ${w.kind} ${w.name}: witnessed in ${plural(w.traceLength ?? 0, "step")}`);
    if (w.traceText !== undefined) lines.push(w.traceText.replace(/^/gm, "        "));
  }
  return lines;
}

/** The counterexample's steps, how a lasso loops, how a random run found it, and where its trace is. */
function counterexample(t: TestOutcome): string[] {
  const lines: string[] = [];
  if (t.traceText !== undefined) lines.push(t.traceText.replace(/^/gm, "      "));
  if (t.loop !== undefined)
    lines.push(
      `      (a lasso: after step ${t.traceLength} the run loops back to the state after step ${t.loop + 1}, forever)`,
    );
  const r = t.random;
  if (r) {
    lines.push(
      `      found by ${r.strategy} run ${r.run} (seed ${r.seed}) in ${plural(r.originalLength, "step")}, shrunk to ${r.shrunkLength}${r.shrinkMinimal === false ? " (a budget stopped shrinking early: it may shrink further)" : ""}`,
      `      reproduce: ${r.replayCommand}`,
    );
  }
  if (t.tracePath) lines.push(`      trace saved to ${t.tracePath} (replay: ${t.replayCommand})`);
  return lines;
}

/** What each test's outcome was, in the words of expected.json: `violation (NoSplitDecision)`. */
function summaryOutcome(t: TestOutcome): string {
  if (t.outcome === "error") return "model-error";
  if (t.outcome === "deadlock") return "deadlock (deadlock)";
  return t.failure ? `${t.outcome} (${t.failure.property})` : t.outcome;
}

/** The table of every test and the counts; nothing when no test ran because `--test` named none. */
export function prettySummary(report: RunReport, options: PrettyOptions): string {
  const paint = painter(options.color);
  const useExpected = report.expectations !== undefined;
  const undeclared = report.expectations?.undeclared.length ?? 0;
  const unpinned = report.expectations?.unpinned ?? 0;
  const unpinnedNote =
    unpinned > 0
      ? `(${plural(unpinned, "expectation")}: outcome and property compared, not the pinned state counts and trace lengths, which are the default search's: --por or --no-symmetry changes them)\n`
      : "";
  const nothingRan =
    report.tests.length === 0 && report.modelErrors.length === 0 && (report.unmatchedTests?.length ?? 0) > 0;
  if (nothingRan) return unpinnedNote;
  let text = "";
  const rows = report.tests.map((t) => {
    const states = t.outcome !== "error" && t.stats ? t.stats.distinctStates.toLocaleString("en-US") : "-";
    const expect = t.expectation ? (t.expectation.matched ? "ok" : "MISMATCH") : "";
    return [`${t.file} ${t.test}`, summaryOutcome(t), states, expect];
  });
  if (rows.length > 0) {
    const headers = ["test", "outcome", "states", useExpected ? "expected" : ""];
    const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
    const line = (cells: string[]) =>
      cells
        .map((c, i) => c.padEnd(widths[i]!))
        .join("  ")
        .trimEnd();
    text += `\n${line(headers)}\n${line(widths.map((w) => "-".repeat(w)))}\n`;
    for (const row of rows) text += `${line(row)}\n`;
  }
  const passed = report.tests.filter(testPassed).length;
  const failed = report.tests.length - passed + undeclared;
  const errors = report.modelErrors.length;
  const errs = errors ? `, ${plural(errors, "file")} with model errors` : "";
  const what = useExpected ? "matched expectations" : "passed";
  const summary = `${passed} ${what}, ${failed} ${useExpected ? "mismatched" : "failed"}${errs}`;
  text += `\n${failed || errors ? paint("31", summary) : paint("32", summary)}\n`;
  if (report.interrupted)
    text += `${paint("33", "interrupted (Ctrl-C): the tests after the last one shown were not checked")}\n`;
  return text + unpinnedNote;
}
