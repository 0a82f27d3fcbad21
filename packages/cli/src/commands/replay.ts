// `faultline replay`: rebuild a saved counterexample from its source and steps,
// print it step by step, and check that it still fails as the trace recorded
// (checkReplay: same failure kind, property and message; a lasso's cycle hot
// and fair). Three parts: read the trace and its model (openReplay), replay
// and judge (checkReplay, in the checker), print the verdict and choose the
// exit code (reportVerdict).
import { readFileSync } from "node:fs";
import {
  checkReplay,
  errorMessage,
  failureToText,
  flStepShapeProblem,
  type FlModel,
  parseTraceFile,
  type ReplayCheck,
  resolveTraceSource,
  sourceSha256,
  type TraceFile,
  traceToText,
} from "@faultline/checker";
import { renderDiagnostics } from "@faultline/lang";
import { parseArgs } from "../args.js";
import { REPLAY_FLAGS } from "../command-specs.js";
import { ExitCode, type ExitCodeValue } from "../exit-codes.js";
import { colorEnabled, type Io } from "../io.js";
import { loadTestModel, readAndCompile } from "../model-loader.js";
import { parseParamFlags, resolveTestInstance } from "../param-overrides.js";
import { plural } from "../plural.js";
import { writeCounterexampleHtml, writeTraceHtml } from "../reporters/html.js";
import { foreignTraceText, readForeignTrace } from "../foreign-trace.js";
import { exitCodeForFailure } from "../exit-codes.js";

const USAGE = "usage: faultline replay <trace.itf.json> [--model FILE] [--param NAME=VALUE] [--html FILE]";

export function runReplay(argv: readonly string[], io: Io): ExitCodeValue {
  const foreign = replayForeign(argv, io);
  if (foreign !== null) return foreign;
  const opened = openReplay(argv, io);
  if (!opened.ok) return opened.code;
  const checked = checkReplay(opened.model, opened.trace.steps, opened.trace);
  const code = reportVerdict(opened, checked, io);
  return opened.html === undefined ? code : (writeReplayHtml(opened, opened.html, io) ?? code);
}

/**
 * An ITF trace of another tool, or of `faultline observe` (no steps to
 * replay): printed as written, and with `--html` written as a page; null
 * for any other trace. Exit 0: there is nothing to reproduce.
 */
function replayForeign(argv: readonly string[], io: Io): ExitCodeValue | null {
  const parsed = parseArgs(argv, REPLAY_FLAGS);
  if (!parsed.ok || parsed.args.flags.has("model") || parsed.args.positionals.length !== 1) return null;
  const path = parsed.args.positionals[0]!;
  const foreign = readForeignTrace(path);
  if (foreign === null) return null;
  const { document, trace } = foreign;
  io.out(`${path}: ${plural(trace.states.length, "state")} (${document.notes.join("; ")})\n`);
  io.out(`${foreignTraceText(trace, document)}\n`);
  if (trace.failure !== undefined) io.out(`${failureToText(trace.failure)}\n`);
  const html = parsed.args.flags.get("html");
  if (typeof html === "string") {
    try {
      writeTraceHtml(document, html, { tracePath: path });
    } catch (e) {
      io.err(`faultline replay: cannot write ${html}: ${errorMessage(e)}\n`);
      return ExitCode.usage;
    }
    io.out(`page: ${html}\n`);
  }
  return ExitCode.pass;
}

/** `--html FILE`: the trace as a page (reporters/html.ts); an exit code when it cannot be written. */
function writeReplayHtml(opened: OpenedReplay, path: string, io: Io): ExitCodeValue | null {
  const { trace } = opened;
  try {
    writeCounterexampleHtml(opened.model, {
      file: opened.source,
      text: opened.sourceText,
      test: opened.testName,
      steps: trace.steps,
      ...(trace.failure === undefined ? {} : { failure: trace.failure }),
      ...(trace.loop === undefined ? {} : { loop: trace.loop }),
      tracePath: opened.tracePath,
      htmlPath: path,
    });
  } catch (e) {
    io.err(`faultline replay: cannot write ${path}: ${errorMessage(e)}\n`);
    return ExitCode.usage;
  }
  io.out(`page: ${path}\n`);
  return null;
}

/** A trace and the model it replays on, ready to replay. */
interface OpenedReplay {
  ok: true;
  tracePath: string;
  trace: TraceFile;
  source: string;
  testName: string;
  model: FlModel;
  /** Whether the model's text is the one the trace was saved with (its SHA-256); unknown when it records none. */
  text: "same" | "changed" | "unknown";
  /** --param changed the test instance the trace names. */
  params: boolean;
  /** The model's text, for the page's source lines. */
  sourceText: string;
  /** `--html FILE`. */
  html?: string;
}

/** Reads the command line, the trace and the model; prints why and gives the exit code when one is wrong. */
function openReplay(argv: readonly string[], io: Io): OpenedReplay | { ok: false; code: ExitCodeValue } {
  const fail = (message: string, code: ExitCodeValue = ExitCode.usage) => {
    io.err(`faultline replay: ${message}\n`);
    return { ok: false as const, code };
  };
  const parsed = parseArgs(argv, REPLAY_FLAGS);
  if (!parsed.ok) return fail(parsed.message);
  const params = parseParamFlags(parsed.args.flags.get("param") as string[] | undefined, "replay", true);
  if (!params.ok) return fail(params.message);
  const [tracePath, ...extra] = parsed.args.positionals;
  if (!tracePath || extra.length > 0) return fail(`give one trace file (${USAGE})`);
  let traceText: string;
  try {
    traceText = readFileSync(tracePath, "utf8");
  } catch (e) {
    return fail(`cannot read ${tracePath}: ${errorMessage(e)}`);
  }
  const trace = parseTraceFile(traceText, { stepProblem: flStepShapeProblem });
  if (!trace.ok) {
    // parseTraceFile names a wrong field as `field "..."`; anything else is not a trace at all.
    const what = trace.message.startsWith("field ") ? "is corrupted" : "is not a Faultline trace";
    return fail(`trace file ${tracePath} ${what}: ${trace.message}`);
  }
  const source =
    (parsed.args.flags.get("model") as string | undefined) ??
    (trace.source !== undefined ? resolveTraceSource(trace.source, tracePath) : undefined);
  if (!source) return fail("the trace names no model file; pass --model FILE");
  const compiled = readAndCompile("replay", source, io);
  if (!compiled.ok) return { ok: false, code: compiled.code };
  const { text } = compiled;
  const same =
    trace.sourceSha256 === undefined
      ? "unknown"
      : trace.sourceSha256 === sourceSha256(text)
        ? "same"
        : "changed";
  if (same === "changed")
    io.err(`faultline replay: note: ${source} has changed since this trace was written\n`);
  const named = trace.test ?? compiled.ir.tests[0]?.name;
  const instance = named ? resolveTestInstance(compiled, named, params.overrides, source) : null;
  if (!instance) return fail(`${source} has no test '${named ?? "(none named in the trace)"}'`);
  if (!instance.ok) return fail(instance.message);
  const loaded = loadTestModel(instance.ir, instance.test, trace.faults);
  if (!loaded.ok) {
    if (loaded.kind === "usage") return fail(`the trace's faults no longer fit the model: ${loaded.message}`);
    io.err(
      renderDiagnostics(loaded.diagnostics, (f) => (f === source ? text : undefined), {
        color: colorEnabled(io),
      }),
    );
    return { ok: false, code: ExitCode.modelError };
  }
  return {
    ok: true,
    tracePath,
    trace,
    source,
    testName: instance.test,
    model: loaded.model,
    text: same,
    params: params.overrides.length > 0,
    sourceText: text,
    ...(typeof parsed.args.flags.get("html") === "string"
      ? { html: parsed.args.flags.get("html") as string }
      : {}),
  };
}

/** Prints the replayed trace and the verdict (docs/cli.md, "replay"); returns the exit code. */
function reportVerdict(opened: OpenedReplay, checked: ReplayCheck<unknown>, io: Io): ExitCodeValue {
  const { trace, model, source } = opened;
  const { verdict } = checked;
  const steps = { steps: trace.steps };
  io.out(`${source} / ${opened.testName}: ${plural(trace.steps.length, "step")}\n`);
  const shown = verdict.kind === "reproduced" || verdict.kind === "failure" || verdict.kind === "different";
  io.out(`${traceToText(model, steps, shown ? verdict.failure : undefined)}\n`);
  if (checked.lasso && trace.loop !== undefined) {
    io.out(
      `(a lasso: the last state is the state after step ${trace.loop + 1}, and the loop repeats forever)\n`,
    );
  }
  switch (verdict.kind) {
    case "reproduced":
      return exitCodeForFailure(verdict.failure);
    case "failure":
      io.out("(the trace records no failure; this is the one its replay ends in)\n");
      return exitCodeForFailure(verdict.failure);
    case "no-failure":
      io.out("the path replays and ends without a failure\n");
      return ExitCode.pass;
    case "not-reproduced":
      io.err(
        `faultline replay: the trace no longer reproduces a failure: ${verdict.reason}\n` +
          `  recorded: ${failureToText(verdict.recorded)}\n`,
      );
      return ExitCode.notReproduced;
    case "different": {
      const what =
        verdict.early !== undefined
          ? `it fails at step ${verdict.early}, before its last step`
          : `its ${verdict.differences.join(", ")} ${verdict.differences.length === 1 ? "differs" : "differ"}`;
      // Each field that differs, quoted: a failure's one-line text can hide them (a message naming its property).
      const fields = verdict.differences.map(
        (field) =>
          `  ${field}: recorded ${JSON.stringify(verdict.recorded[field])}, replayed ${JSON.stringify(verdict.failure[field])}\n`,
      );
      io.err(
        `faultline replay: the trace reproduces a different failure than it recorded (${what})\n` +
          fields.join("") +
          `  recorded: ${failureToText(verdict.recorded)}\n` +
          `  replayed: ${failureToText(verdict.failure)}\n`,
      );
      return ExitCode.differentFailure;
    }
    case "stopped":
      return reportStopped(opened, verdict.step, verdict.cause, io);
  }
}

/**
 * A step that does not apply: with the model the trace was saved with, the
 * trace was edited (corrupted, exit 64); with another, the model changed and
 * the trace no longer reproduces its run (exit 6).
 */
function reportStopped(opened: OpenedReplay, step: number, cause: string, io: Io): ExitCodeValue {
  const { trace, tracePath, source } = opened;
  if (opened.text === "same" && !opened.params) {
    io.err(
      `faultline replay: trace file ${tracePath} is corrupted: field "steps[${step - 1}]" (step ${step}) ` +
        `does not apply to the model it was saved with (${source} is unchanged): ${cause}\n`,
    );
    return ExitCode.usage;
  }
  const why =
    opened.text === "changed"
      ? "the model changed since the trace was saved"
      : opened.params
        ? "--param builds another instance of the test than the trace's"
        : "the trace records no hash of its model, so the model or the trace may have changed";
  io.err(
    `faultline replay: the trace no longer ${trace.failure !== undefined ? "reproduces a failure" : "replays"}: ` +
      `step ${step} does not apply to ${source} any more (${cause}); ${why}\n`,
  );
  return ExitCode.notReproduced;
}
