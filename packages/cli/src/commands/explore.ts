// `faultline explore`: step through a saved counterexample in the terminal UI,
// or explore a model (a .fl file) by choosing each step by hand.
// A trace is replayed against its model into a TraceDocument (plain data);
// on a terminal the Ink app shows it, elsewhere (pipes, CI logs) the trace is
// printed as `faultline replay` prints it. A model is explored through a
// ModelSession; off a terminal its initial steps are printed.
import { readFileSync } from "node:fs";
import { type Json, type Model, parseTraceFile, resolveTraceSource } from "@faultline/checker";
import { renderDiagnostics } from "@faultline/lang";
import { parseArgs } from "../args.js";
import { ExitCode, type ExitCodeValue } from "../exit-codes.js";
import { colorEnabled, type Io } from "../io.js";
import { loadTestModel, readAndCompile } from "../model-loader.js";
import { MODEL_FLAGS, TRACE_FLAGS } from "../command-specs.js";
import { parseParamFlags, resolveTestInstance } from "../param-overrides.js";
import { ModelSession } from "../tui/model-session.js";
import { nextStepText } from "../tui/next-pane.js";
import { buildStateRows } from "../tui/state-diff.js";
import { buildTraceDocument, type TraceDocument } from "../tui/trace-document.js";
import { plural } from "../plural.js";
import { runReplay } from "./replay.js";
import { foreignTraceText, readForeignTrace } from "../foreign-trace.js";

/** The foreign ITF trace `argv` names (no --model given), or null. */
function foreignTraceOf(argv: readonly string[]): ReturnType<typeof readForeignTrace> {
  const parsed = parseArgs(argv, TRACE_FLAGS);
  const path = parsed.ok ? parsed.args.positionals[0] : undefined;
  if (path === undefined || parsed.ok === false || parsed.args.flags.has("model")) return null;
  return readForeignTrace(path);
}

export interface ExploreTerminal {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
}

const USAGE =
  "usage: faultline explore <trace.itf.json> [--model FILE] [--param N=V] | <model.fl> [--test T] [--param N=V] [--faults SPEC] [--out FILE]";

export interface LoadedTrace {
  ok: true;
  document: TraceDocument;
  model: Model<unknown, Json>;
  steps: Json[];
}

/**
 * The command line of either form of `explore`: its flags, `--param`
 * overrides and the one input file; a usage error (said on stderr) otherwise.
 */
function exploreArgs(
  argv: readonly string[],
  flags: Parameters<typeof parseArgs>[1],
  input: "trace" | "model",
  io: Io,
):
  | {
      ok: true;
      parsed: Extract<ReturnType<typeof parseArgs>, { ok: true }>;
      params: Extract<ReturnType<typeof parseParamFlags>, { ok: true }>;
      input: string;
    }
  | { ok: false; code: ExitCodeValue } {
  const usage = (message: string) => {
    io.err(`faultline explore: ${message}\n`);
    return { ok: false as const, code: ExitCode.usage };
  };
  const parsed = parseArgs(argv, flags);
  if (!parsed.ok) return usage(parsed.message);
  const params = parseParamFlags(parsed.args.flags.get("param") as string[] | undefined, "explore", true);
  if (!params.ok) return usage(params.message);
  const [file, ...extra] = parsed.args.positionals;
  if (!file || extra.length > 0) return usage(`give one ${input} file (${USAGE})`);
  return { ok: true, parsed, params, input: file };
}

/** Reads the trace and its model and replays it; an exit code instead when the input is wrong. */
export function loadTraceDocument(
  argv: readonly string[],
  io: Io,
): LoadedTrace | { ok: false; code: ExitCodeValue } {
  const args = exploreArgs(argv, TRACE_FLAGS, "trace", io);
  if (!args.ok) return args;
  const { parsed, params, input: tracePath } = args;
  let traceText: string;
  try {
    traceText = readFileSync(tracePath, "utf8");
  } catch (e) {
    io.err(`faultline explore: cannot read ${tracePath}: ${e instanceof Error ? e.message : String(e)}\n`);
    return { ok: false, code: ExitCode.usage };
  }
  const trace = parseTraceFile(traceText);
  if (!trace.ok) {
    io.err(`faultline explore: ${tracePath} is not a Faultline trace: ${trace.message}\n`);
    return { ok: false, code: ExitCode.usage };
  }
  const source =
    (parsed.args.flags.get("model") as string | undefined) ??
    (trace.source !== undefined ? resolveTraceSource(trace.source, tracePath) : undefined);
  if (!source) {
    io.err(`faultline explore: the trace names no model file; pass --model FILE (${USAGE})\n`);
    return { ok: false, code: ExitCode.usage };
  }
  const compiled = readAndCompile("explore", source, io);
  if (!compiled.ok) return { ok: false, code: compiled.code };
  const { text } = compiled;
  const testNames = compiled.ir.tests.map((t) => t.name);
  // As in `faultline replay`: a trace that names no test belongs to the file's first.
  const named = trace.test ?? testNames[0];
  const instance =
    named === undefined ? null : resolveTestInstance(compiled, named, params.overrides, source);
  if (!instance) {
    io.err(
      `faultline explore: ${source} has no test '${named}' (tests: ${testNames.join(", ") || "none"})\n`,
    );
    return { ok: false, code: ExitCode.usage };
  }
  if (!instance.ok) {
    io.err(`faultline explore: ${instance.message}\n`);
    return { ok: false, code: ExitCode.usage };
  }
  const test = instance.test;
  const loaded = loadTestModel(instance.ir, test, trace.faults);
  if (!loaded.ok) {
    if (loaded.kind === "usage")
      io.err(`faultline explore: the trace's faults no longer fit the model: ${loaded.message}\n`);
    else {
      io.err(
        renderDiagnostics(loaded.diagnostics, (f) => (f === source ? text : undefined), {
          color: colorEnabled(io),
        }),
      );
    }
    return { ok: false, code: loaded.kind === "usage" ? ExitCode.usage : ExitCode.modelError };
  }
  const model = loaded.model as unknown as Model<unknown, Json>;
  const options: Parameters<typeof buildTraceDocument>[2] = { title: source, test, source, sourceText: text };
  if (trace.failure !== undefined) options.recordedFailure = trace.failure;
  if (trace.loop !== undefined) options.loop = trace.loop;
  return { ok: true, document: buildTraceDocument(model, trace.steps, options), model, steps: trace.steps };
}

export interface LoadedSession {
  ok: true;
  session: ModelSession<unknown>;
  source: string;
  test: string;
}

/** Compiles a .fl file and opens an interactive session on one of its tests. */
export function loadModelSession(
  argv: readonly string[],
  io: Io,
): LoadedSession | { ok: false; code: ExitCodeValue } {
  const args = exploreArgs(argv, MODEL_FLAGS, "model", io);
  if (!args.ok) return args;
  const { parsed, params, input: source } = args;
  const compiled = readAndCompile("explore", source, io);
  if (!compiled.ok) return { ok: false, code: compiled.code };
  const { text } = compiled;
  const testNames = compiled.ir.tests.map((t) => t.name);
  const asked = parsed.args.flags.get("test") as string | undefined;
  // As `check` does, a parameterized test's base name selects it (its first expansion: one run is explored).
  const named =
    asked === undefined
      ? testNames[0]
      : testNames.includes(asked)
        ? asked
        : (compiled.ir.tests.find((t) => t.baseName === asked)?.name ?? asked);
  const instance =
    named === undefined ? null : resolveTestInstance(compiled, named, params.overrides, source);
  if (!instance) {
    const which = named === undefined ? "no test to explore" : `no test '${named}'`;
    io.err(`faultline explore: ${source} has ${which} (tests: ${testNames.join(", ") || "none"})\n`);
    return { ok: false, code: ExitCode.usage };
  }
  if (!instance.ok) {
    io.err(`faultline explore: ${instance.message}\n`);
    return { ok: false, code: ExitCode.usage };
  }
  const test = instance.test;
  const faults = parsed.args.flags.get("faults") as string | undefined;
  const loaded = loadTestModel(instance.ir, test, faults);
  if (!loaded.ok) {
    if (loaded.kind === "usage") io.err(`faultline explore: --faults: ${loaded.message}\n`);
    else {
      io.err(
        renderDiagnostics(loaded.diagnostics, (f) => (f === source ? text : undefined), {
          color: colorEnabled(io),
        }),
      );
    }
    return { ok: false, code: loaded.kind === "usage" ? ExitCode.usage : ExitCode.modelError };
  }
  const model = loaded.model as unknown as Model<unknown, Json>;
  const out = parsed.args.flags.get("out") as string | undefined;
  const session = new ModelSession(model, {
    source,
    sourceText: text,
    test,
    ...(faults !== undefined ? { faults } : {}),
    ...(out !== undefined ? { tracePath: out } : {}),
  });
  return { ok: true, session, source, test };
}

/**
 * Off a terminal: the initial steps, and for each initial state the state and
 * its enabled steps, so a script sees where an interactive session would start.
 */
export function initialStepsText(session: ModelSession<unknown>, source: string, test: string): string {
  const lines: string[] = [];
  const initial = session.snapshot().next;
  lines.push(`${source} / ${test}: ${plural(initial.length, "initial step")}`);
  initial.forEach((next, index) => {
    lines.push(`  ${index + 1}. ${nextStepText(next)}`);
  });
  initial.forEach((next, index) => {
    if (next.failure !== undefined) return;
    session.take(index);
    const snapshot = session.snapshot();
    const state = snapshot.document.steps[0]?.state ?? {};
    lines.push("", `initial state ${index + 1} (after ${next.label.text}):`);
    for (const row of buildStateRows(null, state)) {
      const indent = "  ".repeat(row.depth + 1);
      lines.push(
        row.header
          ? `${indent}${row.key}${row.text === "" ? "" : `  ${row.text}`}`
          : `${indent}${row.key}: ${row.text}`,
      );
    }
    const enabled = snapshot.next;
    lines.push(`enabled steps (${enabled.length}):`);
    enabled.forEach((step, k) => {
      lines.push(`  ${k + 1}. ${nextStepText(step)}`);
    });
    if (snapshot.end?.kind === "terminal") {
      const failure = snapshot.end.failure;
      lines.push(
        failure === null ? "  none: normal termination" : `  none (${failure.kind}): ${failure.message}`,
      );
    }
    session.undo();
  });
  lines.push(
    "",
    "run faultline explore in a terminal to choose steps by hand (✗ fails, ! violates an invariant)",
  );
  return `${lines.join("\n")}\n`;
}

/** The first positional argument (skipping the values of options), to tell a model from a trace. */
function firstPositional(argv: readonly string[]): string | undefined {
  const withValue = new Set(["--model", "--test", "--faults", "--out", "--param"]);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (withValue.has(arg)) i++;
    else if (arg === "--") return argv[i + 1];
    else if (!arg.startsWith("-") || arg === "-") return arg;
  }
  return undefined;
}

/**
 * Ink renders only the last frame when it thinks it runs in CI (is-in-ci reads
 * CI at import). A person at a terminal with CI set in their shell still wants
 * the live UI, so CI is hidden from that one import.
 */
async function importExplorerWithoutCi(env: Io["env"]): Promise<typeof import("../tui/run-explorer.js")> {
  const saved = { CI: process.env.CI, CONTINUOUS_INTEGRATION: process.env.CONTINUOUS_INTEGRATION };
  if (env === process.env) {
    delete process.env.CI;
    delete process.env.CONTINUOUS_INTEGRATION;
  }
  try {
    return await import("../tui/run-explorer.js");
  } finally {
    for (const [name, value] of Object.entries(saved)) if (value !== undefined) process.env[name] = value;
  }
}

export async function runExplore(
  argv: readonly string[],
  io: Io,
  terminal: ExploreTerminal = { stdin: process.stdin, stdout: process.stdout },
): Promise<ExitCodeValue> {
  if (firstPositional(argv)?.endsWith(".fl")) return runExploreModel(argv, io, terminal);
  const foreign = foreignTraceOf(argv);
  if (foreign !== null) {
    if (!io.isTTY || !terminal.stdin.isTTY) {
      io.out(
        `${foreign.document.title}: ${plural(foreign.trace.states.length, "state")} (${foreign.document.notes[0]})\n`,
      );
      io.out(`${foreignTraceText(foreign.trace, foreign.document)}\n`);
      return ExitCode.pass;
    }
    const { runExplorer } = await importExplorerWithoutCi(io.env);
    await runExplorer(foreign.document, terminal);
    return ExitCode.pass;
  }
  // Not on a terminal: exactly what `faultline replay` prints and checks, with its exit code.
  if (!io.isTTY || !terminal.stdin.isTTY) return runReplay(argv, io);
  const loaded = loadTraceDocument(argv, io);
  if (!loaded.ok) return loaded.code;
  const document = loaded.document;
  const { runExplorer } = await importExplorerWithoutCi(io.env);
  await runExplorer(document, terminal);
  // The session ended because the user quit: that is success, whatever the trace shows.
  return ExitCode.pass;
}

async function runExploreModel(
  argv: readonly string[],
  io: Io,
  terminal: ExploreTerminal,
): Promise<ExitCodeValue> {
  const loaded = loadModelSession(argv, io);
  if (!loaded.ok) return loaded.code;
  if (!io.isTTY || !terminal.stdin.isTTY) {
    io.out(initialStepsText(loaded.session, loaded.source, loaded.test));
    return ExitCode.pass;
  }
  const { runExplorer } = await importExplorerWithoutCi(io.env);
  await runExplorer(loaded.session, terminal);
  return ExitCode.pass;
}
