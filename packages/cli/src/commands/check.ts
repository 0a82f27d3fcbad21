// `faultline check`: validate the flags (`parseCheckArgs`), compile each file
// and check every selected test (`checkTest`), then report: the terminal
// report as tests finish, the CI reporters at the end, and exit with the most
// severe outcome.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, hostname, tmpdir } from "node:os";
import { basename, join } from "node:path";
import {
  type CheckResult,
  coverageToJson,
  isValidSeed,
  type Json,
  replayTrace,
  sourceSha256,
  spanToLocation,
  traceSourcePath,
  traceToItf,
  traceToText,
  PARALLEL_PROBE_STATES,
  PLAN_MS,
  PLAN_STATES,
  scenarioCoverage,
  type VacuityWarning,
  vacuityWarnings,
  type WitnessOutcome,
} from "@faultline/checker";
import { compileSource, type Diagnostic, type IrTest, renderDiagnostics } from "@faultline/lang";
import { parseArgs, parseByteSize, parseDuration } from "../args.js";
import { discoverModelFiles } from "../discover.js";
import {
  type ActualOutcome,
  compareOutcome,
  type ExpectedOutcome,
  expectedFor,
} from "../expected-outcomes.js";
import { combineExitCodes, ExitCode, type ExitCodeValue } from "../exit-codes.js";
import { type ExploreOptions, type ExploreOutcome, explore, type Mode } from "../explore-strategy.js";
import { CHECK_FLAGS, commandSpec } from "../command-specs.js";
import { commandHelp } from "../help.js";
import { colorEnabled, type Io } from "../io.js";
import { type Backend, BACKENDS, type LoadedModel, loadTestModel, searchModel } from "../model-loader.js";
import { tuneV8 } from "../v8-tuning.js";
import { prepareParamRun } from "../param-overrides.js";
import { plural } from "../plural.js";
import { createProgressReporter } from "../progress.js";
import { emitReports } from "../reporters/emit.js";
import { writeCounterexampleHtml } from "../reporters/html.js";
import { isReporter, planStdout, type ReporterName, reporterList } from "../reporters/names.js";
import {
  type PrettyOptions,
  type PrettyReporter,
  prettyReporter,
  prettyUndeclaredExpectation,
} from "../reporters/pretty.js";
import {
  type LivenessReport,
  type ModelErrorReport,
  type RunReport,
  type TestOutcome,
  testOutcomeFromResult,
  testProperties,
  type WitnessReport,
} from "../reporters/run-report.js";
import { VERSION } from "../version.js";

export { CHECK_FLAGS };

/** Which outcome and exit code a checker result stands for, with its reached witnesses' shortest lengths. */
export function classify(
  result: CheckResult,
  witnesses: readonly WitnessOutcome[] = [],
): { actual: ActualOutcome; exitCode: ExitCodeValue } {
  const classified = classifyResult(result);
  for (const w of witnesses) {
    if (w.trace)
      classified.actual.witnesses = { ...classified.actual.witnesses, [w.name]: w.trace.steps.length };
  }
  return classified;
}

function classifyResult(result: CheckResult): { actual: ActualOutcome; exitCode: ExitCodeValue } {
  const states = "stats" in result && result.stats ? result.stats.distinctStates : undefined;
  switch (result.kind) {
    case "pass":
      return { actual: { outcome: "pass", states }, exitCode: ExitCode.pass };
    case "violation":
    case "deadlock": {
      const f = result.failure;
      const traceLength = result.trace.steps.length;
      if (f.kind === "liveness" || f.kind === "hot-at-end") {
        return {
          actual: { outcome: "liveness", property: f.property, states, traceLength },
          exitCode: ExitCode.liveness,
        };
      }
      if (f.kind === "deadlock") {
        return {
          actual: { outcome: "deadlock", property: "deadlock", states, traceLength },
          exitCode: ExitCode.builtinFailure,
        };
      }
      const builtin = f.kind === "unhandled-event" || f.kind === "runtime-error";
      return {
        actual: { outcome: "violation", property: f.property, states, traceLength },
        exitCode: builtin ? ExitCode.builtinFailure : ExitCode.violation,
      };
    }
    case "unreached":
      return {
        actual: { outcome: "unreached", property: result.failure.property, states },
        exitCode: ExitCode.violation,
      };
    case "bounded":
      return {
        actual: { outcome: "bounded", states },
        exitCode: result.reason === "interrupted" ? ExitCode.interrupted : ExitCode.bounded,
      };
    default:
      return { actual: { outcome: "model-error" }, exitCode: ExitCode.internal };
  }
}

/** Everything the flags of `check` ask for, validated. */
export interface CheckOptions {
  /** Files and directories to check. */
  paths: string[];
  reporters: ReporterName[];
  /** `--out`: traces and report files. */
  out: string | undefined;
  expected: boolean;
  /** `--test`: only these tests (names or base names). */
  tests: string[] | undefined;
  /** `--param NAME=VALUE`, as given. */
  params: string[] | undefined;
  mode: Mode;
  random: NonNullable<ExploreOptions["random"]>;
  maxDepth: number | undefined;
  maxStates: number | undefined;
  timeoutMs: number | undefined;
  /** Worker threads; undefined: one per core. */
  workers: number | undefined;
  memoryBytes: number | undefined;
  /** `--faults`: replaces each test's own faults. */
  faults: string | undefined;
  symmetry: boolean;
  partialOrder: boolean;
  /** `--backend`: which back end computes successors in an exhaustive search (model-loader.ts searchModel). */
  backend: Backend;
  liveness: boolean;
  coverage: boolean;
  /** `--witnesses`: print each reached witness property's shortest trace. */
  witnesses: boolean;
  /** `--strict`: vacuity warnings fail the test. */
  strict: boolean;
  quiet: boolean;
  verbose: boolean;
}

/**
 * The command line of `check`, read without touching files: `--help`, the
 * options, or the first usage error. `notes` are warnings found on the way
 * (printed before the error, if any).
 */
export type ParsedCheckArgs =
  | { kind: "help" }
  | { kind: "usage"; message: string; notes: string[] }
  | { kind: "options"; options: CheckOptions; notes: string[] };

const RANDOM_FLAGS = [
  ["seed", "seed"],
  ["runs", "runs"],
  ["run", "run"],
  ["max-steps", "maxSteps"],
  ["pct-depth", "pctDepth"],
  ["pct-length", "pctLength"],
  ["temperature", "temperature"],
] as const;

export function parseCheckArgs(argv: readonly string[]): ParsedCheckArgs {
  if (argv.includes("--help") || argv.includes("-h")) return { kind: "help" };
  const notes: string[] = [];
  const usage = (message: string): ParsedCheckArgs => ({ kind: "usage", message, notes });
  const parsed = parseArgs(argv, CHECK_FLAGS);
  if (!parsed.ok) return usage(parsed.message);
  const { positionals, flags } = parsed.args;
  const number = (name: string) => flags.get(name) as number | undefined;
  const string = (name: string) => flags.get(name) as string | undefined;
  if (positionals.length === 0) return usage("no files given (usage: faultline check <files|dirs>...)");
  const reporterNames = (flags.get("reporter") as string[] | undefined) ?? ["pretty"];
  const unknown = reporterNames.find((r) => !isReporter(r));
  if (unknown !== undefined) return usage(`unknown reporter '${unknown}' (expected ${reporterList()})`);
  const reporters = reporterNames as ReporterName[];
  const stdout = planStdout(reporters, string("out") !== undefined);
  if (!stdout.ok) return usage(stdout.message);
  for (const flag of ["max-depth", "max-states"] as const) {
    const value = number(flag);
    if (value !== undefined && (!Number.isInteger(value) || value < 1))
      return usage(`--${flag} needs a whole number >= 1, got ${value}`);
  }
  let timeoutMs: number | undefined;
  const timeoutText = string("timeout");
  if (timeoutText !== undefined) {
    const ms = parseDuration(timeoutText);
    if (ms === null || ms <= 0)
      return usage(`--timeout needs a duration above zero like 30s or 5m, got '${timeoutText}'`);
    timeoutMs = ms;
  }
  const mode = string("mode") ?? "exhaustive";
  if (!["exhaustive", "random", "pct", "auto"].includes(mode))
    return usage(`--mode is exhaustive, random, pct or auto, not '${mode}'`);
  const backend = string("backend") ?? "auto";
  if (!BACKENDS.includes(backend as Backend))
    return usage(`--backend is ${BACKENDS.join(", ").replace(/, (\w+)$/, " or $1")}, not '${backend}'`);
  const random: CheckOptions["random"] = {};
  for (const [flag, key] of RANDOM_FLAGS) {
    const value = number(flag);
    if (value === undefined) continue;
    // A seed and a run index may be 0; counts and lengths start at 1.
    const min = flag === "seed" || flag === "run" ? 0 : 1;
    if (!Number.isInteger(value) || value < min || (flag === "seed" && !isValidSeed(value))) {
      const range = flag === "seed" ? " from 0 to 4294967295" : ` >= ${min}`;
      return usage(`--${flag} needs a whole number${range}, got ${value}`);
    }
    random[key] = value;
  }
  const randomOnly = Object.keys(random);
  if (mode === "exhaustive" && randomOnly.length > 0)
    notes.push(`${randomOnly.map((k) => `--${k}`).join(", ")} only matter with --mode random, pct or auto`);
  const workers = number("workers");
  if (workers !== undefined && (!Number.isInteger(workers) || workers < 1 || workers > 256))
    return usage(`--workers needs a whole number from 1 to 256, got ${workers}`);
  let memoryBytes: number | undefined;
  const memoryText = string("memory");
  if (memoryText !== undefined) {
    const bytes = parseByteSize(memoryText);
    if (bytes === null) return usage(`--memory needs a size like 512MiB or 8GiB, got '${memoryText}'`);
    memoryBytes = bytes;
  }
  return {
    kind: "options",
    notes,
    options: {
      paths: positionals,
      reporters,
      out: string("out"),
      expected: Boolean(flags.get("expected")),
      tests: flags.get("test") as string[] | undefined,
      params: flags.get("param") as string[] | undefined,
      mode: mode as Mode,
      random,
      maxDepth: number("max-depth"),
      maxStates: number("max-states"),
      timeoutMs,
      workers,
      memoryBytes,
      faults: string("faults"),
      symmetry: !flags.get("no-symmetry"),
      partialOrder: Boolean(flags.get("por")),
      backend: backend as Backend,
      liveness: !flags.get("no-liveness"),
      coverage: Boolean(flags.get("coverage")),
      witnesses: Boolean(flags.get("witnesses")),
      strict: Boolean(flags.get("strict")),
      quiet: Boolean(flags.get("quiet")),
      verbose: Boolean(flags.get("verbose")),
    },
  };
}

/** What checking one test gave: its outcome for the reports and its exit code for the run. */
interface CheckedTest {
  outcome: TestOutcome;
  code: ExitCodeValue;
  /** With `--expected`: its pinned counts were not compared (a reduction was switched). */
  unpinned: boolean;
}

/** What every test of a run shares. */
interface RunContext {
  options: CheckOptions;
  io: Io;
  workers: number;
  /** `workers` is the most: the search uses the cores that stay free (no --workers given). */
  adaptWorkers: boolean;
  /** Where traces go: --out. */
  outDir: string | undefined;
  /** A person at a terminal will be offered the explorer for the first counterexample. */
  interactive: boolean;
  /**
   * Without --out, the interactive run's first counterexample, saved in a
   * temporary folder (made only then) for the explorer; the folder is removed
   * once the offer is declined or the explorer closes.
   */
  tempTrace: { test: string; path: string; dir: string } | null;
  /** Trace files written so far: two models with the same file name must not overwrite each other's. */
  usedTracePaths: Set<string>;
  /** Colours on stdout and stderr. */
  color: boolean;
  prettyOptions: PrettyOptions;
  /** The terminal report, when `pretty` is among the reporters. */
  terminal: PrettyReporter | null;
  /** Aborted by the first Ctrl-C: the search in progress stops, no further test starts. */
  interrupt: AbortSignal;
  /** Around a search that cannot be interrupted (checkModel's onBlocking): Ctrl-C ends the process there. */
  onBlocking: (blocking: boolean) => void;
}

/** The file a counterexample is saved to: `<file>.<test>.itf.json`, `-2`, `-3`... when taken. */
function tracePathFor(file: string, test: string, outDir: string, used: Set<string>): string {
  const stem = `${basename(file, ".fl")}.${test.replace(/[^A-Za-z0-9_=-]/g, "_")}`;
  let path = join(outDir, `${stem}.itf.json`);
  for (let n = 2; used.has(path); n++) path = join(outDir, `${stem}-${n}.itf.json`);
  used.add(path);
  return path;
}

/** The test compared with its entry in expected.json. */
function compareWithExpected(
  file: string,
  test: IrTest,
  pinned: ExpectedOutcome | undefined,
  actual: ActualOutcome,
  exitCode: ExitCodeValue,
  options: CheckOptions,
): { expectation: NonNullable<TestOutcome["expectation"]>; code: ExitCodeValue; unpinned: boolean } {
  // The pinned counts and trace lengths are the default search's; a reduction switched on or off changes them.
  const changesCounts = options.partialOrder || (!options.symmetry && test.symmetric.length > 0);
  const expected = pinned && changesCounts ? { outcome: pinned.outcome, property: pinned.property } : pinned;
  const unpinned = Boolean(
    pinned && changesCounts && (pinned.states !== undefined || pinned.traceLength !== undefined),
  );
  const message = expected
    ? compareOutcome(expected, actual)
    : `no expected outcome for this test in ${join(file, "..", "expected.json")}`;
  const code = message === null ? ExitCode.pass : exitCode === ExitCode.pass ? ExitCode.violation : exitCode;
  return { expectation: { matched: message === null, message }, code, unpinned };
}

function livenessReport(liveness: ExploreOutcome["liveness"]): { liveness?: LivenessReport } {
  if (liveness === null) return {};
  if (liveness === "skipped") return { liveness: { checked: false } };
  return {
    liveness: {
      checked: true,
      outcome: liveness.kind,
      states: liveness.states,
      elapsedMs: liveness.elapsedMs,
      ...(liveness.reason !== undefined ? { reason: liveness.reason } : {}),
      ...(liveness.quotient ? { quotient: true } : {}),
    },
  };
}

/**
 * Checks one test of a file: explores its model, saves the counterexample,
 * compares the outcome with expected.json, and describes it for the reports.
 */
async function checkTest(
  file: string,
  text: string,
  test: IrTest,
  model: Extract<LoadedModel, { ok: true }>["model"],
  expectations: Record<string, ExpectedOutcome> | null,
  run: RunContext,
): Promise<CheckedTest> {
  const { options } = run;
  const progress = createProgressReporter(run.io, `${basename(file)} ${test.name}`, {
    quiet: options.quiet || !options.reporters.includes("pretty"),
  });
  // The fixed-width layout's plan explores up to PLAN_STATES states first (workers get the plan
  // and build the same layout), not for a search capped below that, nor under a memory budget (its
  // searches were measured on the canonical encoding only). Its time counts against --timeout.
  const planning = Date.now();
  const searched = searchModel(
    model,
    options.backend,
    options.mode,
    options.memoryBytes === undefined && (options.maxStates === undefined || options.maxStates > PLAN_STATES),
    // A tenth of a --timeout at most.
    options.timeoutMs === undefined ? undefined : Math.min(PLAN_MS, options.timeoutMs / 10),
  );
  const timeoutMs =
    options.timeoutMs === undefined ? undefined : Math.max(1, options.timeoutMs - (Date.now() - planning));
  if (searched.note !== null)
    run.io.err(`faultline check: note: ${basename(file)} ${test.name}: ${searched.note}\n`);
  // A larger inlining budget for the layout's hot loop, V8's own for anything else (v8-tuning.ts).
  tuneV8(searched.layout);
  const explored = await explore(searched.model, {
    file,
    test: test.name,
    faultsText: options.faults,
    symmetry: options.symmetry,
    partialOrder: options.partialOrder,
    liveness: options.liveness,
    mode: options.mode,
    workers: run.workers,
    adaptWorkers: run.adaptWorkers,
    memoryBytes: options.memoryBytes,
    maxDepth: options.maxDepth,
    maxStates: options.maxStates,
    timeoutMs,
    onProgress: (p) => progress.update(p),
    random: options.random,
    // Always counted: vacuity warnings and scenario coverage read it; the table is shown with --coverage.
    coverage: true,
    signal: run.interrupt,
    onBlocking: run.onBlocking,
    // The fixed-width layout had no room for a value: the same search, again, on the canonical encoding.
    onRestart: (reason) => run.io.err(`faultline check: note: ${basename(file)} ${test.name}: ${reason}\n`),
  });
  const result = explored.result;
  progress.done();
  const { actual, exitCode: verdictCode } = classify(result, explored.witnesses);
  const vacuity = vacuityOf(explored, model);
  const strictFailure = options.strict && vacuity.length > 0;
  const exitCode = strictFailure ? ExitCode.violation : verdictCode;
  const failed = result.kind === "violation" || result.kind === "deadlock";
  const seed = explored.mode === "random" ? (options.random.seed ?? 0) : null;
  let tracePath: string | undefined;
  let htmlPath: string | undefined;
  if (failed) {
    const writeTrace = (path: string) => {
      const itf = traceToItf(model, result.trace, {
        source: traceSourcePath(file, path),
        sourceSha256: sourceSha256(text),
        test: test.name,
        failure: result.failure,
        ...(options.faults !== undefined ? { faults: options.faults } : {}),
        ...(result.kind === "violation" && result.loop !== undefined ? { loop: result.loop } : {}),
        ...(seed !== null ? { mode: "random", seed } : {}),
      });
      writeFileSync(path, `${JSON.stringify(itf, null, 2)}\n`);
    };
    if (run.outDir) {
      mkdirSync(run.outDir, { recursive: true });
      tracePath = tracePathFor(file, test.name, run.outDir, run.usedTracePaths);
      writeTrace(tracePath);
      if (options.reporters.includes("html")) {
        htmlPath = writeCounterexampleHtml(model, {
          file,
          text,
          test: test.name,
          steps: result.trace.steps,
          failure: result.failure,
          ...(result.kind === "violation" && result.loop !== undefined ? { loop: result.loop } : {}),
          tracePath,
        });
      }
    } else if (run.interactive && run.tempTrace === null) {
      // Only for the explorer, and removed after it: the reports do not name it.
      const dir = mkdtempSync(join(tmpdir(), "faultline-traces-"));
      const path = tracePathFor(file, test.name, dir, run.usedTracePaths);
      run.tempTrace = { test: test.name, path, dir };
      writeTrace(path);
    }
  }
  const compared = options.expected
    ? strictExpectation(
        compareWithExpected(file, test, expectations?.[test.name], actual, exitCode, options),
        strictFailure ? vacuity.length : 0,
      )
    : null;
  const outcome = testOutcomeFromResult({
    file,
    test: test.name,
    properties: testProperties(test),
    result,
    exitCode,
    tracePath: tracePath ?? null,
    expectation: compared?.expectation,
    testLocation: spanToLocation(test.span),
    traceSteps: failed ? replayTrace(model, result.trace.steps).labels : undefined,
    ...(failed ? { traceText: traceToText(model, result.trace, result.failure) } : {}),
    mode: explored.mode,
    seed,
    symmetricTypes: model.symmetricTypes,
    ...(searched.bytes ? { backend: "bytes" as const } : {}),
    ...livenessReport(explored.liveness),
    ...(explored.safety
      ? {
          safety: {
            distinctStates: explored.safety.distinctStates,
            expandedStates: explored.safety.expandedStates,
            ampleExpansions: explored.safety.ampleExpansions,
          },
        }
      : {}),
    ...(explored.randomPhase ? { randomPhase: explored.randomPhase } : {}),
    ...(explored.coverage && options.coverage ? { coverage: coverageToJson(explored.coverage) as Json } : {}),
    ...(explored.coverage ? { scenario: scenarioCoverage(explored.coverage) } : {}),
    ...(vacuity.length > 0 ? { vacuity, strict: options.strict } : {}),
    ...(explored.witnesses
      ? { witnesses: witnessReports(model, explored.witnesses, options.witnesses) }
      : {}),
  });
  if (htmlPath !== undefined) outcome.htmlPath = htmlPath;
  return { outcome, code: compared?.code ?? exitCode, unpinned: compared?.unpinned ?? false };
}

/**
 * Vacuity warnings of a passing test (vacuity.ts), from the coverage counted
 * during its search; none when the coverage is partial (an exhaustive search
 * that went on in worker threads, which count none).
 */
function vacuityOf(
  explored: ExploreOutcome,
  model: Extract<LoadedModel, { ok: true }>["model"],
): VacuityWarning[] {
  if (explored.result.kind !== "pass" || explored.coverage === null) return [];
  const searched = explored.safety?.distinctStates ?? explored.result.stats.distinctStates;
  if (explored.mode === "exhaustive" && searched > PARALLEL_PROBE_STATES) return [];
  return vacuityWarnings(explored.coverage, model.invariantRanges());
}

/** With --strict, vacuity warnings make a test fail its expectation too. */
function strictExpectation<
  T extends { expectation: NonNullable<TestOutcome["expectation"]>; code: ExitCodeValue },
>(compared: T, warnings: number): T {
  if (warnings === 0 || !compared.expectation.matched) return compared;
  const message = `${plural(warnings, "vacuity warning")} (--strict)`;
  return { ...compared, expectation: { matched: false, message }, code: ExitCode.violation };
}

/** The witness properties' outcomes for the report; their traces as text with `--witnesses`. */
function witnessReports(
  model: Extract<LoadedModel, { ok: true }>["model"],
  witnesses: readonly WitnessOutcome[],
  withText: boolean,
): WitnessReport[] {
  return witnesses.map((w) => ({
    name: w.name,
    kind: w.kind,
    reached: w.reached,
    traceLength: w.trace ? w.trace.steps.length : null,
    ...(w.trace && withText ? { traceText: traceToText(model, w.trace) } : {}),
    searched: w.states,
    ...(w.bound !== undefined ? { bound: w.bound } : {}),
    ...(w.location ? { location: w.location } : {}),
  }));
}

/** What a run gathers, file by file, for the reports and the exit code. */
interface Gathered {
  outcomes: TestOutcome[];
  modelErrors: ModelErrorReport[];
  /** With --expected: entries of expected.json naming no declared test. */
  undeclared: { file: string; test: string }[];
  unpinned: number;
  codes: ExitCodeValue[];
  /** Every test of every file, and the --test names that matched one. */
  testNames: string[];
  matched: Set<string>;
}

/** Prints a file's diagnostics on stderr. */
function printDiagnostics(
  run: RunContext,
  file: string,
  text: string,
  diagnostics: readonly Diagnostic[],
): void {
  run.io.err(renderDiagnostics(diagnostics, (f) => (f === file ? text : undefined), { color: run.color }));
  run.io.err("\n");
}

/**
 * Compiles one file (or takes it as `--param` prepared it) and checks its
 * selected tests; "usage" when `--faults` does not fit the file (the run stops).
 */
async function checkFile(
  file: string,
  pre: { text: string; compiled: ReturnType<typeof compileSource> } | undefined,
  run: RunContext,
  into: Gathered,
): Promise<"usage" | null> {
  const { options } = run;
  const selected = options.tests;
  const text = pre?.text ?? readFileSync(file, "utf8");
  const compiled = pre?.compiled ?? compileSource({ path: file, text });
  const expectations = options.expected ? expectedFor(file) : null;
  if (!compiled.ok) {
    printDiagnostics(run, file, text, compiled.diagnostics);
    const expectedError =
      expectations !== null && Object.values(expectations).some((e) => e.outcome === "model-error");
    into.modelErrors.push({ file, diagnostics: compiled.diagnostics, expected: expectedError });
    into.codes.push(expectedError ? ExitCode.pass : ExitCode.modelError);
    return null;
  }
  const tests = compiled.ir.tests.filter(
    (t) => !selected || selected.includes(t.name) || selected.includes(t.baseName),
  );
  run.terminal?.fileStarted(file, tests.length);
  for (const t of compiled.ir.tests) {
    into.testNames.push(t.name);
    for (const name of selected ?? []) if (name === t.name || name === t.baseName) into.matched.add(name);
  }
  for (const name of Object.keys(expectations ?? {})) {
    if (compiled.ir.tests.some((t) => t.name === name)) continue;
    into.undeclared.push({ file, test: name });
    into.codes.push(ExitCode.violation);
    // Without the terminal report, stdout belongs to a machine-readable report
    // (whose `ok` is false for it): the line goes to stderr.
    if (run.terminal) run.terminal.undeclaredExpectation(file, name);
    else run.io.err(prettyUndeclaredExpectation(file, name, run.prettyOptions));
  }
  for (const test of tests) {
    if (run.interrupt.aborted) return null;
    const loaded = loadTestModel(compiled.ir, test.name, options.faults, {
      symmetry: options.symmetry,
      partialOrder: options.partialOrder,
    });
    if (!loaded.ok) {
      if (loaded.kind === "usage") {
        run.io.err(`faultline check: ${file}: ${loaded.message}\n`);
        return "usage";
      }
      printDiagnostics(run, file, text, loaded.diagnostics);
      into.modelErrors.push({ file, diagnostics: loaded.diagnostics, expected: false });
      into.codes.push(ExitCode.modelError);
      return null;
    }
    const checked = await checkTest(file, text, test, loaded.model, expectations, run);
    into.outcomes.push(checked.outcome);
    into.codes.push(checked.code);
    if (checked.unpinned) into.unpinned++;
    run.terminal?.testFinished(checked.outcome);
  }
  return null;
}

export async function runCheck(argv: readonly string[], io: Io): Promise<ExitCodeValue> {
  const parsed = parseCheckArgs(argv);
  if (parsed.kind === "help") {
    io.out(commandHelp(commandSpec("check")!));
    return ExitCode.pass;
  }
  for (const note of parsed.notes) io.err(`faultline check: note: ${note}\n`);
  if (parsed.kind === "usage") {
    io.err(`faultline check: ${parsed.message}\n`);
    return ExitCode.usage;
  }
  const { options } = parsed;
  const found = discoverModelFiles(options.paths);
  if (!found.ok) {
    io.err(`faultline check: ${found.message}\n`);
    return ExitCode.usage;
  }
  if (found.files.length === 0) {
    io.err(`faultline check: no .fl files in ${options.paths.join(", ")}\n`);
    return ExitCode.usage;
  }
  // --param (and --test naming an instance the files do not list) rebuild tests: every file is compiled first.
  const prepared = prepareParamRun(found.files, options.params, options.tests, options.expected);
  if (!prepared.ok) {
    io.err(`faultline check: ${prepared.message}\n`);
    return ExitCode.usage;
  }
  const pretty = options.reporters.includes("pretty");
  const plan = planStdout(options.reporters, options.out !== undefined);
  const prettyToStderr = plan.ok && plan.prettyToStderr;
  const prettyWrite = (t: string) => (prettyToStderr ? io.err(t) : io.out(t));
  // A person at a terminal is offered the explorer for the first counterexample;
  // its trace needs a file, so without --out it goes to a temporary folder
  // (made only when there is a counterexample, removed after the offer).
  const interactive = io.ask !== undefined && io.isTTY && !io.env["CI"] && pretty && !options.expected;
  const prettyOptions = { quiet: options.quiet, verbose: options.verbose, color: colorEnabled(io) };
  const interrupt = new AbortController();
  // The first Ctrl-C stops the search in progress (all workers) and the run
  // reports what it has; a second one quits at once.
  const onInterrupt = () => {
    if (interrupt.signal.aborted) process.exit(ExitCode.interrupted);
    io.err("\nfaultline check: interrupted; stopping the search (press Ctrl-C again to quit at once)\n");
    interrupt.abort();
  };
  // A random walk cannot give the event loop a turn, so no handler could run
  // inside it: there, Ctrl-C ends the process at once (no partial report).
  const onBlocking = (blocking: boolean) => {
    if (blocking) process.off("SIGINT", onInterrupt);
    else if (!interrupt.signal.aborted && !process.listeners("SIGINT").includes(onInterrupt))
      process.on("SIGINT", onInterrupt);
  };
  const run: RunContext = {
    options,
    io,
    // Not given: up to every core, as many as stay free while the probe runs (checkModel's adaptWorkers).
    workers: options.workers ?? availableParallelism(),
    adaptWorkers: options.workers === undefined,
    outDir: options.out,
    interactive,
    tempTrace: null,
    usedTracePaths: new Set(),
    color: prettyOptions.color,
    prettyOptions,
    // The terminal report moves to stderr when another reporter owns stdout (planStdout).
    terminal: pretty ? prettyReporter(prettyWrite, prettyOptions) : null,
    interrupt: interrupt.signal,
    onBlocking,
  };
  process.on("SIGINT", onInterrupt);

  try {
    const startedAt = new Date().toISOString();
    const t0 = performance.now();
    const gathered: Gathered = {
      outcomes: [],
      modelErrors: [],
      undeclared: [],
      unpinned: 0,
      codes: [],
      testNames: [],
      matched: new Set(),
    };
    for (const file of found.files) {
      if (interrupt.signal.aborted) break;
      if ((await checkFile(file, prepared.files?.get(file), run, gathered)) === "usage")
        return ExitCode.usage;
    }
    const interrupted = interrupt.signal.aborted;
    // The search is over: Ctrl-C is the default again (the explorer's offer and the reports).
    process.off("SIGINT", onInterrupt);
    const unmatched = (options.tests ?? []).filter((name) => !gathered.matched.has(name));
    if (unmatched.length > 0) {
      const known = [...new Set(gathered.testNames)].join(", ") || "none";
      io.err(
        `faultline check: no test named ${unmatched.map((n) => `'${n}'`).join(", ")} (tests: ${known})\n`,
      );
      gathered.codes.push(ExitCode.usage);
    }
    const exit = interrupted ? ExitCode.interrupted : combineExitCodes(gathered.codes);
    const report: RunReport = {
      tool: { name: "faultline", version: VERSION },
      startedAt,
      elapsedMs: performance.now() - t0,
      exitCode: exit,
      rootDir: process.cwd(),
      hostname: hostname(),
      files: found.files,
      modelErrors: gathered.modelErrors,
      tests: gathered.outcomes,
      ...(options.expected
        ? { expectations: { undeclared: gathered.undeclared, unpinned: gathered.unpinned } }
        : {}),
      ...(unmatched.length > 0 ? { unmatchedTests: unmatched } : {}),
      ...(interrupted ? { interrupted: true } : {}),
    };
    run.terminal?.runFinished(report);
    const saved = report.tests.find((t) => t.tracePath !== null);
    const offer = run.tempTrace ?? (saved?.tracePath ? { test: saved.test, path: saved.tracePath } : null);
    if (interactive && offer && io.ask && !interrupted) {
      const answer = await io.ask(
        `\nStep through the counterexample of ${offer.test} in the explorer? [y/N] `,
      );
      // Loaded only here: the explorer's terminal UI is not part of a check's start-up.
      if (/^y(es)?$/i.test(answer.trim())) await (await import("./explore.js")).runExplore([offer.path], io);
    }
    emitReports(report, options.reporters, { outDir: options.out, out: (text) => io.out(text), env: io.env });
    return exit;
  } finally {
    process.off("SIGINT", onInterrupt);
    // The temporary trace was only for the explorer (declined, closed, or never offered).
    if (run.tempTrace) rmSync(run.tempTrace.dir, { recursive: true, force: true });
  }
}
