// `faultline replay`: rebuild a saved counterexample from its source and steps
// and print it step by step, confirming that it still fails the same way.
import { readFileSync } from "node:fs";
import {
  confirmLasso,
  type Failure,
  readItfTrace,
  replayTrace,
  resolveTraceSource,
  sourceSha256,
  traceToText,
} from "@faultline/checker";
import { renderDiagnostics } from "@faultline/lang";
import { parseArgs } from "../args.js";
import { ExitCode, type ExitCodeValue } from "../exit-codes.js";
import { colorEnabled, type Io } from "../io.js";
import { loadTestModel, readAndCompile } from "../model-loader.js";
import { TRACE_FLAGS } from "../command-specs.js";
import { parseParamFlags, resolveTestInstance } from "../param-overrides.js";
import { plural } from "../plural.js";

export function runReplay(argv: readonly string[], io: Io): ExitCodeValue {
  const parsed = parseArgs(argv, TRACE_FLAGS);
  if (!parsed.ok) {
    io.err(`faultline replay: ${parsed.message}\n`);
    return ExitCode.usage;
  }
  const params = parseParamFlags(parsed.args.flags.get("param") as string[] | undefined, "replay", true);
  if (!params.ok) {
    io.err(`faultline replay: ${params.message}\n`);
    return ExitCode.usage;
  }
  const [tracePath] = parsed.args.positionals;
  if (!tracePath) {
    io.err("faultline replay: give a trace file (usage: faultline replay <trace.itf.json>)\n");
    return ExitCode.usage;
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(tracePath, "utf8"));
  } catch (e) {
    io.err(`faultline replay: cannot read ${tracePath}: ${e instanceof Error ? e.message : String(e)}\n`);
    return ExitCode.usage;
  }
  const trace = readItfTrace(json);
  if (!trace.ok) {
    io.err(`faultline replay: ${tracePath} is not a Faultline trace: ${trace.message}\n`);
    return ExitCode.usage;
  }
  const source =
    (parsed.args.flags.get("model") as string | undefined) ??
    (trace.source !== undefined ? resolveTraceSource(trace.source, tracePath) : undefined);
  if (!source) {
    io.err("faultline replay: the trace names no model file; pass --model FILE\n");
    return ExitCode.usage;
  }
  const compiled = readAndCompile("replay", source, io);
  if (!compiled.ok) return compiled.code;
  const { text } = compiled;
  if (trace.sourceSha256 !== undefined && trace.sourceSha256 !== sourceSha256(text))
    io.err(`faultline replay: note: ${source} has changed since this trace was written\n`);
  const named = trace.test ?? compiled.ir.tests[0]?.name;
  const instance = named ? resolveTestInstance(compiled, named, params.overrides, source) : null;
  if (!instance) {
    io.err(`faultline replay: ${source} has no test '${named ?? "(none named in the trace)"}'\n`);
    return ExitCode.usage;
  }
  if (!instance.ok) {
    io.err(`faultline replay: ${instance.message}\n`);
    return ExitCode.usage;
  }
  const testName = instance.test;
  const loaded = loadTestModel(instance.ir, testName, trace.faults);
  if (!loaded.ok) {
    if (loaded.kind === "usage") {
      io.err(`faultline replay: the trace's faults no longer fit the model: ${loaded.message}\n`);
      return ExitCode.usage;
    }
    io.err(
      renderDiagnostics(loaded.diagnostics, (f) => (f === source ? text : undefined), {
        color: colorEnabled(io),
      }),
    );
    return ExitCode.modelError;
  }
  const model = loaded.model;
  const replayed = replayTrace(model, trace.steps);
  let failure: Failure | null =
    replayed.outcome?.kind === "failure" ? replayed.outcome.failure : (replayed.failure ?? null);
  const lasso = trace.loop !== undefined ? confirmLasso(model, replayed.states, trace.loop) : null;
  if (!failure && lasso) {
    failure = trace.failure?.kind === "liveness" ? trace.failure : lasso;
  }
  io.out(`${source} / ${testName}: ${plural(trace.steps.length, "step")}\n`);
  if (replayed.error !== undefined || replayed.replayed < trace.steps.length) {
    io.out(`${traceToText(model, { steps: trace.steps })}\n`);
    io.err(
      `faultline replay: the trace does not replay on ${source} any more (it stops at step ${replayed.replayed + 1}): the model changed since the trace was saved\n`,
    );
    return ExitCode.usage;
  }
  io.out(`${traceToText(model, { steps: trace.steps }, failure ?? undefined)}\n`);
  if (lasso && trace.loop !== undefined) {
    io.out(
      `(a lasso: the last state is the state after step ${trace.loop + 1}, and the loop repeats forever)\n`,
    );
  }
  if (!failure) {
    io.out(
      trace.mode === "explore" && !trace.failure
        ? "the path replays and ends without a failure\n"
        : "the trace replays, but its last state violates nothing: the model may have changed\n",
    );
    return ExitCode.pass;
  }
  return failure.kind === "deadlock" || failure.kind === "unhandled-event" || failure.kind === "runtime-error"
    ? ExitCode.builtinFailure
    : failure.kind === "hot-at-end" || failure.kind === "liveness"
      ? ExitCode.liveness
      : ExitCode.violation;
}
