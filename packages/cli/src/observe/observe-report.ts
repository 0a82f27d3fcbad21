// What `faultline observe` says about a run (docs/observe.md, "Output"): the
// terminal text, the exit code, the neutral RunReport the JSON, JUnit and
// SARIF reporters read (each finding a failed "test" named after its spec and
// partition, its steps the log lines), and each finding as an ITF trace that
// `explore` and `replay --html` open (the monitors' state after each line).
import { hostname } from "node:os";
import {
  type Failure,
  formatLocation,
  formatValue,
  ITF_FORMAT_DESCRIPTION,
  type Json,
  messageText,
} from "@faultline/checker";
import { combineExitCodes, ExitCode, type ExitCodeValue, exitCodeForFailure } from "../exit-codes.js";
import { plural } from "../plural.js";
import type { ObserveFigures, RunReport, TestOutcome, TraceStepInfo } from "../reporters/run-report.js";
import { VERSION } from "../version.js";
import type { Finding, HistoryEntry } from "./observe-engine.js";
import type { ObserveRun } from "./observe.js";

/** Lines of a finding's history the terminal shows (the trace has them all). */
const SHOWN_LINES = 20;

/** The run's exit code: the most severe of its findings, input errors and a timeout. */
export function observeExitCode(run: ObserveRun): ExitCodeValue {
  const codes: ExitCodeValue[] = run.findings.map((f) =>
    f.kind === "unresolved" ? ExitCode.unresolved : exitCodeForFailure(f.failure),
  );
  if (run.counts.inputErrors > 0) codes.push(ExitCode.usage);
  if (run.stopped === "timeout") codes.push(ExitCode.bounded);
  return combineExitCodes(codes);
}

/** `Spec` or `Spec [key]`: how a finding is named, as a test is in check's reports. */
export function findingName(f: Finding): string {
  return f.partition === null ? f.spec : `${f.spec} [${f.partition}]`;
}

/** `Charged(token = "tok-2", amount = 500)`. */
export function eventText(run: ObserveRun, e: Pick<HistoryEntry, "event" | "payload">): string {
  const ev = run.runner.events[e.event]!;
  return messageText(ev.name, e.payload as never, ev.payload, run.names.nameOf);
}

/** `Watching (hot) {waiting = 1}`: one monitor's state after a line. */
function monitorText(run: ObserveRun, entry: { state: HistoryEntry["state"] }, spec: string): string {
  const view = run.runner.view(entry.state, run.names.nameOf)[spec] as {
    state: string;
    hot: boolean;
    vars: { [k: string]: Json };
  };
  const vars = Object.entries(view.vars).map(([k, v]) => `${k} = ${formatValue(v)}`);
  return `${view.state}${view.hot ? " (hot)" : ""}${vars.length === 0 ? "" : ` {${vars.join(", ")}}`}`;
}

/** The terminal report: each finding with the lines that led to it, the input errors, the figures. */
export function observeText(run: ObserveRun, tracePaths: ReadonlyMap<Finding, string> = new Map()): string {
  const out: string[] = [];
  const where = (line: number) => `${run.input}:${line}`;
  for (const f of run.findings) {
    const mark = f.kind === "violation" ? "✗" : "!";
    const what = f.kind === "violation" ? failureText(f.failure) : `unresolved: ${failureText(f.failure)}`;
    out.push(`${mark} ${findingName(f)}: ${what}`);
    if (f.line !== null) out.push(`  at ${where(f.line)}`);
    const shown = f.history.slice(-SHOWN_LINES);
    const earlier = f.dropped + f.history.length - shown.length;
    if (shown.length > 0)
      out.push(
        `  the lines that changed its monitors${f.kind === "violation" ? ", up to the failure" : ""}:`,
      );
    if (earlier > 0)
      out.push(
        `    (${plural(earlier, "earlier line")} not shown${f.dropped === 0 ? "; the trace has them" : ""})`,
      );
    for (const h of shown) {
      out.push(`    ${where(h.line)}  ${eventText(run, h)}`);
      out.push(`      ${f.spec}: ${monitorText(run, h, f.spec)}`);
    }
    const trace = tracePaths.get(f);
    if (trace !== undefined) out.push(`  trace: ${trace}`);
    out.push("");
  }
  if (run.counts.moreFindings > 0)
    out.push(`(${plural(run.counts.moreFindings, "more finding")} not listed)`, "");
  if (run.inputErrors.length > 0) {
    out.push(`${plural(run.counts.inputErrors, "input error")}:`);
    for (const e of run.inputErrors) {
      out.push(`  ${run.input}:${e.line}:${e.col}: error ${e.code}: ${e.message}`);
      if (e.hint !== null) out.push(`    hint: ${e.hint}`);
    }
    if (run.counts.inputErrors > run.inputErrors.length)
      out.push(
        `  (${plural(run.counts.inputErrors - run.inputErrors.length, "more input error")} not listed)`,
      );
    out.push("");
  }
  out.push(summaryLine(run));
  return `${out.join("\n")}\n`;
}

function failureText(f: Failure): string {
  return f.location === undefined ? f.message : `${f.message} (${formatLocation(f.location)})`;
}

/** The last line: what was read and checked, how fast, and the verdict. */
export function summaryLine(run: ObserveRun): string {
  const c = run.counts;
  const skipped = c.unmapped + c.unobserved;
  const rate = run.streamMs > 0 ? Math.round((c.events * 1000) / run.streamMs) : 0;
  const violations = run.findings.filter((f) => f.kind === "violation").length;
  const unresolved = run.findings.length - violations;
  const parts = [
    `${run.input}: ${plural(c.lines, "line")}`,
    `${plural(c.events, "event")} checked`,
    ...(skipped > 0 ? [`${skipped.toLocaleString("en-US")} skipped`] : []),
    ...(run.partitionBy !== null
      ? [`${plural(c.partitions, "partition")} (at most ${c.peakPartitions.toLocaleString("en-US")} at once)`]
      : []),
  ];
  const verdict =
    run.findings.length === 0 && c.inputErrors === 0
      ? "no violation"
      : [
          plural(violations, "violation"),
          plural(unresolved, "unresolved monitor"),
          plural(c.inputErrors, "input error"),
        ].join(", ");
  const stopped = run.stopped === "timeout" ? " (stopped by --timeout before the end of the input)" : "";
  return `${parts.join(", ")} in ${Math.round(run.elapsedMs)} ms (${rate.toLocaleString("en-US")} events/s): ${verdict}${stopped}`;
}

/**
 * The run as a RunReport: per finding a failed test (`Spec [key]`), its
 * steps the log lines; per spec with no finding a passed one; the input
 * errors as one failed test named `input`.
 */
export function observeRunReport(
  run: ObserveRun,
  startedAt: Date,
  tracePaths: ReadonlyMap<Finding, string> = new Map(),
): RunReport {
  const exitCode = observeExitCode(run);
  const tests: TestOutcome[] = [];
  const base = (
    test: string,
    properties: string[],
  ): Omit<TestOutcome, "outcome" | "failure" | "exitCode"> => ({
    file: run.input,
    test,
    properties,
    stats: null, // no state space: the log's figures are the report's `observe`
    traceLength: null,
    tracePath: null,
    replayCommand: null,
    seed: null,
    mode: "exhaustive",
  });
  for (const f of run.findings) {
    const tracePath = tracePaths.get(f) ?? null;
    const steps: TraceStepInfo[] = f.history.map((h) => ({
      text: `${run.input}:${h.line}: ${eventText(run, h)}`,
      location: { file: run.input, line: h.line, col: 1 },
    }));
    tests.push({
      ...base(findingName(f), [f.spec]),
      outcome: f.kind === "violation" ? "violation" : "liveness",
      failure: f.failure,
      exitCode: f.kind === "unresolved" ? ExitCode.unresolved : exitCodeForFailure(f.failure),
      traceLength: f.history.length,
      tracePath,
      replayCommand: tracePath === null ? null : `faultline explore ${tracePath}`,
      traceSteps: steps,
    });
  }
  for (const spec of run.specs) {
    if (run.findings.some((f) => f.spec === spec)) continue;
    tests.push({
      ...base(spec, [spec]),
      outcome: run.stopped === "timeout" ? "bounded" : "pass",
      failure: null,
      exitCode: ExitCode.pass,
      ...(run.stopped === "timeout" ? { boundReason: "timeout" } : {}),
    });
  }
  if (run.counts.inputErrors > 0) {
    const first = run.inputErrors[0]!;
    tests.push({
      ...base("input", ["input"]),
      outcome: "error",
      failure: null,
      exitCode: ExitCode.usage,
      errorMessage: `${plural(run.counts.inputErrors, "input error")}; the first: ${run.input}:${first.line}:${first.col}: ${first.code}: ${first.message}`,
    });
  }
  return {
    tool: { name: "faultline", version: VERSION },
    startedAt: startedAt.toISOString(),
    elapsedMs: run.elapsedMs,
    exitCode,
    hostname: hostname(),
    files: [run.model, run.input],
    modelErrors: [],
    tests,
    observe: observeFigures(run),
  };
}

export function observeFigures(run: ObserveRun): ObserveFigures {
  const c = run.counts;
  const violations = run.findings.filter((f) => f.kind === "violation").length;
  return {
    input: run.input,
    specs: [...run.specs],
    partitionBy: run.partitionBy,
    ...c,
    violations,
    unresolved: run.findings.length - violations,
    streamMs: Math.round(run.streamMs * 10) / 10,
    streamCpuMs: Math.round(run.streamCpuMs * 10) / 10,
    eventsPerSecond: run.streamMs > 0 ? Math.round((c.events * 1000) / run.streamMs) : 0,
    stopped: run.stopped,
  };
}

/**
 * A finding as an ITF document of the kind other tools write (no Faultline
 * steps: nothing to replay), which `explore` and `replay --html` show as it
 * is: per state the monitors (`monitors`, as check's traces have them), the
 * event and its log line as the state's action (Quint's `mbt::actionTaken`;
 * the line number also in the state's `#meta.line`), the failure in
 * `#meta.faultline.failure`.
 */
export function findingToItf(run: ObserveRun, f: Finding): { [k: string]: Json } {
  const states: Json[] = [];
  const state = (s: HistoryEntry["state"], action: string, index: number, line?: number): Json => ({
    "#meta": line === undefined ? { index } : { index, line },
    monitors: run.runner.view(s, run.names.nameOf, true),
    "mbt::actionTaken": action,
  });
  const opening = f.dropped > 0 ? `after ${plural(f.dropped, "earlier line")}` : "start";
  states.push(state(f.start, opening, 0));
  f.history.forEach((h, i) => {
    states.push(state(h.state, `${eventText(run, h)} at ${run.input}:${h.line}`, i + 1, h.line));
  });
  const description = `faultline observe: ${findingName(f)}: ${f.failure.message}`;
  return {
    "#meta": {
      format: "ITF",
      "format-description": ITF_FORMAT_DESCRIPTION,
      source: run.model,
      description,
      faultline: {
        failure: JSON.parse(JSON.stringify(f.failure)) as Json,
        observe: {
          input: run.input,
          specs: run.specs,
          ...(f.partition !== null ? { partition: f.partition } : {}),
          ...(f.line !== null ? { line: f.line } : {}),
        },
      },
    },
    vars: ["monitors"],
    states,
  };
}

/** A file name for a finding's trace: `observe-<spec>-<n>.itf.json`. */
export function traceFileName(f: Finding, n: number): string {
  return `observe-${f.spec}-${f.kind}-${n + 1}.itf.json`;
}
