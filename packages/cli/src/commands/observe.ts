// `faultline observe`: check a running system's log (JSON lines) against the
// model's spec monitors (docs/observe.md). The flags become ObserveOptions;
// observe/observe.ts does the work; this file prints, writes the traces and
// reports, and chooses the exit code.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readForeignItf } from "@faultline/checker";
import { renderDiagnostics } from "@faultline/lang";
import { parseArgs, parseDuration } from "../args.js";
import { OBSERVE_FLAGS } from "../command-specs.js";
import { ExitCode, type ExitCodeValue } from "../exit-codes.js";
import { colorEnabled, type Io } from "../io.js";
import type { Finding } from "../observe/observe-engine.js";
import { type ObserveOptions, type ObserveRun, observe } from "../observe/observe.js";
import {
  findingToItf,
  observeExitCode,
  observeRunReport,
  observeText,
  traceFileName,
} from "../observe/observe-report.js";
import { emitReports } from "../reporters/emit.js";
import { htmlPathFor, writeTraceHtml } from "../reporters/html.js";
import { parseParamFlags } from "../param-overrides.js";
import { isReporter, planStdout, reporterList } from "../reporters/names.js";
import { foreignItfDocument } from "../tui/trace-document.js";

const USAGE =
  "usage: faultline observe <model.fl> [--spec S]... [--map FILE] [--partition-by PTR] [--reorder-window D] [--follow] [logs.jsonl | -]";

export async function runObserve(argv: readonly string[], io: Io): Promise<ExitCodeValue> {
  const usage = (message: string) => {
    io.err(`faultline observe: ${message}\n`);
    return ExitCode.usage;
  };
  const parsed = parseArgs(argv, OBSERVE_FLAGS);
  if (!parsed.ok) return usage(parsed.message);
  const { flags, positionals } = parsed.args;
  const [model, log, ...extra] = positionals;
  if (model === undefined || extra.length > 0) return usage(`give the model and at most one log (${USAGE})`);
  const duration = (name: string): number | undefined | null => {
    const text = flags.get(name) as string | undefined;
    if (text === undefined) return undefined;
    return parseDuration(text);
  };
  const windowMs = duration("reorder-window");
  if (windowMs === null)
    return usage(`--reorder-window needs a duration like 500ms or 2s, got '${flags.get("reorder-window")}'`);
  const timeoutMs = duration("timeout");
  if (timeoutMs === null || timeoutMs === 0)
    return usage(`--timeout needs a duration above zero like 30s or 5m, got '${flags.get("timeout")}'`);
  const reporters = (flags.get("reporter") as string[] | undefined) ?? ["pretty"];
  const unknown = reporters.find((r) => !isReporter(r));
  if (unknown !== undefined) return usage(`unknown reporter '${unknown}' (reporters: ${reporterList()})`);
  const outDir = flags.get("out") as string | undefined;
  const plan = planStdout(reporters, outDir !== undefined);
  if (!plan.ok) return usage(plan.message);
  const follow = flags.get("follow") === true;
  const input = log ?? "-";
  if (follow && input === "-")
    return usage("--follow reads a growing file; give its path (stdin is followed anyway)");
  if (input === "-" && process.stdin.isTTY === true && io.isTTY)
    return usage(`give a log file, or pipe the log to stdin (${USAGE})`);
  const params = parseParamFlags(flags.get("param") as string[] | undefined, "observe", true);
  if (!params.ok) return usage(params.message);

  const interrupt = new AbortController();
  const onInterrupt = () => {
    if (interrupt.signal.aborted) process.exit(ExitCode.interrupted);
    interrupt.abort();
  };
  process.on("SIGINT", onInterrupt);
  const startedAt = new Date();
  const options: ObserveOptions = {
    model,
    input,
    signal: interrupt.signal,
    follow,
    ...(flags.has("spec") ? { specs: flags.get("spec") as string[] } : {}),
    ...(flags.has("map") ? { mapping: flags.get("map") as string } : {}),
    ...(flags.has("partition-by") ? { partitionBy: flags.get("partition-by") as string } : {}),
    ...(windowMs !== undefined ? { reorderWindowMs: windowMs } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    ...(params.overrides.length > 0
      ? { params: Object.fromEntries(params.overrides.map((o) => [o.name, o.texts[0]!])) }
      : {}),
  };
  let result: Awaited<ReturnType<typeof observe>>;
  try {
    result = await observe(options);
  } finally {
    process.off("SIGINT", onInterrupt);
  }
  switch (result.kind) {
    case "usage":
      return usage(result.message);
    case "model-error":
      io.err(
        renderDiagnostics(result.diagnostics, (f) => (f === result.file ? result.text : undefined), {
          color: colorEnabled(io),
        }),
      );
      io.err("\n");
      return ExitCode.modelError;
    case "mapping-error":
      for (const p of result.problems) io.err(`${result.file}: ${p.key}: error ${p.code}: ${p.message}\n`);
      return ExitCode.usage;
  }
  const traces =
    outDir === undefined
      ? new Map<Finding, string>()
      : writeTraces(result, outDir, reporters.includes("html"));
  const text = observeText(result, traces);
  if (reporters.includes("pretty")) (plan.prettyToStderr ? io.err : io.out)(text);
  const report = observeRunReport(result, startedAt, traces);
  report.rootDir = process.cwd();
  emitReports(report, reporters, {
    ...(outDir !== undefined ? { outDir } : {}),
    out: (t) => io.out(t),
    env: io.env,
  });
  return observeExitCode(result);
}

/** Each finding's trace under `dir` (and with html its page beside it); the paths by finding. */
function writeTraces(run: ObserveRun, dir: string, html: boolean): Map<Finding, string> {
  mkdirSync(dir, { recursive: true });
  const paths = new Map<Finding, string>();
  run.findings.forEach((f, n) => {
    const path = join(dir, traceFileName(f, n));
    const itf = findingToItf(run, f);
    writeFileSync(path, `${JSON.stringify(itf, null, 2)}\n`);
    paths.set(f, path);
    if (html) {
      const read = readForeignItf(itf);
      if (read.ok)
        writeTraceHtml(foreignItfDocument(read.trace, path), htmlPathFor(path), { tracePath: path });
    }
  });
  return paths;
}
