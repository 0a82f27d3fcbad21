// `faultline check`: compile each file, run every (selected) test through the
// exhaustive explorer, report, and exit with the most severe outcome.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { availableParallelism, hostname, tmpdir } from "node:os";
import { basename, join } from "node:path";
import {
  type CheckResult,
  type CheckStats,
  coverageToJson,
  type ExhaustiveStats,
  coverageToText,
  type Failure,
  isValidSeed,
  type Json,
  type RandomStats,
  replayTrace,
  sourceSha256,
  spanToLocation,
  traceSourcePath,
  traceToItf,
  traceToText,
} from "@faultline/checker";
import { compileSource, renderDiagnostics } from "@faultline/lang";
import { parseArgs, parseByteSize, parseDuration } from "../args.js";
import { type ExploreOptions, explore, type LivenessPhase, type Mode } from "../explore-strategy.js";
import { runExplore } from "./explore.js";
import { discoverModelFiles } from "../discover.js";
import { type ActualOutcome, compareOutcome, expectedFor } from "../expected-outcomes.js";
import { combineExitCodes, ExitCode, type ExitCodeValue } from "../exit-codes.js";
import { HELP } from "../help.js";
import { VERSION } from "../version.js";
import { colorEnabled, type Io } from "../io.js";
import { loadTestModel } from "../model-loader.js";
import { PARAM_FLAG, prepareParamRun } from "../param-overrides.js";
import { createProgressReporter } from "../progress.js";
import { emitReports, isCiReporter } from "../reporters/emit.js";
import {
  type ModelErrorReport,
  type TestOutcome,
  testOutcomeFromResult,
  testProperties,
} from "../reporters/run-report.js";

export const CHECK_FLAGS = [
  { name: "test", kind: "list", description: "only these tests", valueName: "NAME" },
  { name: "max-depth", kind: "number", description: "depth bound" },
  { name: "max-states", kind: "number", description: "distinct-state bound" },
  { name: "timeout", kind: "string", description: "time bound per test", valueName: "DURATION" },
  { name: "reporter", kind: "list", description: "pretty | json | junit | sarif | github" },
  { name: "out", kind: "string", description: "directory for traces", valueName: "DIR" },
  { name: "expected", kind: "boolean", description: "compare with expected.json" },
  { name: "mode", kind: "string", description: "exhaustive | random | pct | auto", valueName: "MODE" },
  { name: "seed", kind: "number", description: "random seed" },
  { name: "runs", kind: "number", description: "random runs" },
  { name: "run", kind: "number", description: "replay one random run" },
  { name: "max-steps", kind: "number", description: "steps per random run" },
  { name: "pct-depth", kind: "number", description: "PCT priority change points" },
  { name: "pct-length", kind: "number", description: "PCT schedule length" },
  { name: "temperature", kind: "number", description: "hot steps before a potential liveness violation" },
  { name: "coverage", kind: "boolean", description: "report states and handlers never reached" },
  { name: "workers", kind: "number", description: "worker threads for big state spaces", valueName: "N" },
  { name: "memory", kind: "string", description: "memory budget of the search", valueName: "SIZE" },
  { name: "faults", kind: "string", description: "faults replacing each test's own", valueName: "SPEC" },
  PARAM_FLAG,
  { name: "no-symmetry", kind: "boolean", description: "ignore the tests' symmetric (...) declarations" },
  { name: "no-liveness", kind: "boolean", description: "skip the fair-cycle check of hot spec states" },
  { name: "por", kind: "boolean", description: "partial-order reduction (safety properties only)" },
  { name: "quiet", kind: "boolean", description: "less output" },
  { name: "verbose", kind: "boolean", description: "more output" },
] as const;

export interface TestReport {
  file: string;
  test: string;
  result: CheckResult;
  actual: ActualOutcome;
  exitCode: ExitCodeValue;
  tracePath?: string;
  expectation?: { matched: boolean; message: string | null };
  /** The liveness phase after a passing search (see ExploreOutcome). */
  liveness?: LivenessPhase | null;
  /** The safety search's stats when a liveness check followed it. */
  safety?: ExhaustiveStats;
  /** `--mode auto`: the random walks after a bounded exhaustive search (they found nothing). */
  randomPhase?: { runs: number; steps: number; elapsedMs: number };
}

/** Which outcome and exit code a checker result stands for. */
export function classify(result: CheckResult): { actual: ActualOutcome; exitCode: ExitCodeValue } {
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
    case "bounded":
      return { actual: { outcome: "bounded", states }, exitCode: ExitCode.bounded };
    default:
      return { actual: { outcome: "model-error" }, exitCode: ExitCode.internal };
  }
}

function formatStats(s: CheckStats | undefined): string {
  if (!s) return "";
  if ("strategy" in s) {
    const r = s as RandomStats;
    const rate = Math.round(r.stepsPerSecond).toLocaleString("en-US");
    return `${r.strategy} seed ${r.seed}: ${r.runs.toLocaleString("en-US")} runs, ${r.steps.toLocaleString("en-US")} steps (${rate}/s), ${(r.elapsedMs / 1000).toFixed(2)}s`;
  }
  const secs = s.elapsedMs / 1000;
  const n = s.distinctStates;
  return `${n.toLocaleString("en-US")} state${n === 1 ? "" : "s"}, depth ${s.maxDepth}, ${secs.toFixed(2)}s`;
}

function describeFailure(f: Failure): string {
  const where = f.location ? ` at ${f.location.file}:${f.location.line}:${f.location.col}` : "";
  const what = f.property === f.kind ? f.kind : `${f.kind} ${f.property}`;
  return `${what}${where}: ${f.message}`;
}

export async function runCheck(argv: readonly string[], io: Io): Promise<ExitCodeValue> {
  if (argv.includes("--help") || argv.includes("-h")) {
    io.out(HELP);
    return ExitCode.pass;
  }
  const parsed = parseArgs(argv, CHECK_FLAGS);
  if (!parsed.ok) {
    io.err(`faultline check: ${parsed.message}\n`);
    return ExitCode.usage;
  }
  const { positionals, flags } = parsed.args;
  if (positionals.length === 0) {
    io.err("faultline check: no files given (usage: faultline check <files|dirs>...)\n");
    return ExitCode.usage;
  }
  const reporters = (flags.get("reporter") as string[] | undefined) ?? ["pretty"];
  for (const r of reporters) {
    if (r !== "pretty" && !isCiReporter(r)) {
      io.err(`faultline check: unknown reporter '${r}' (expected pretty, json, junit, sarif or github)\n`);
      return ExitCode.usage;
    }
  }
  const toStdout = reporters.filter((r) => r === "json" || r === "junit" || r === "sarif");
  if (toStdout.length > 1 && flags.get("out") === undefined) {
    io.err(
      `faultline check: --reporter ${toStdout.join(", ")} would all print to stdout; give --out DIR to write them to files\n`,
    );
    return ExitCode.usage;
  }
  for (const flag of ["max-depth", "max-states"] as const) {
    const value = flags.get(flag) as number | undefined;
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
      io.err(`faultline check: --${flag} needs a whole number >= 1, got ${value}\n`);
      return ExitCode.usage;
    }
  }
  let timeoutMs: number | undefined;
  const timeoutText = flags.get("timeout") as string | undefined;
  if (timeoutText !== undefined) {
    const ms = parseDuration(timeoutText);
    if (ms === null || ms <= 0) {
      io.err(`faultline check: --timeout needs a duration above zero like 30s or 5m, got '${timeoutText}'\n`);
      return ExitCode.usage;
    }
    timeoutMs = ms;
  }
  const modeText = (flags.get("mode") as string | undefined) ?? "exhaustive";
  if (!["exhaustive", "random", "pct", "auto"].includes(modeText)) {
    io.err(`faultline check: --mode is exhaustive, random, pct or auto, not '${modeText}'\n`);
    return ExitCode.usage;
  }
  const mode = modeText as Mode;
  const randomOptions: NonNullable<ExploreOptions["random"]> = {};
  for (const [flag, key] of [
    ["seed", "seed"],
    ["runs", "runs"],
    ["run", "run"],
    ["max-steps", "maxSteps"],
    ["pct-depth", "pctDepth"],
    ["pct-length", "pctLength"],
    ["temperature", "temperature"],
  ] as const) {
    const value = flags.get(flag) as number | undefined;
    if (value === undefined) continue;
    // A seed and a run index may be 0; counts and lengths start at 1.
    const min = flag === "seed" || flag === "run" ? 0 : 1;
    if (!Number.isInteger(value) || value < min || (flag === "seed" && !isValidSeed(value))) {
      const range = flag === "seed" ? " from 0 to 4294967295" : ` >= ${min}`;
      io.err(`faultline check: --${flag} needs a whole number${range}, got ${value}\n`);
      return ExitCode.usage;
    }
    randomOptions[key] = value;
  }
  const wantCoverage = Boolean(flags.get("coverage"));
  const randomOnly = Object.keys(randomOptions);
  if (mode === "exhaustive" && randomOnly.length > 0) {
    io.err(
      `faultline check: note: ${randomOnly.map((k) => `--${k}`).join(", ")} only matter with --mode random, pct or auto\n`,
    );
  }
  const workersFlag = flags.get("workers") as number | undefined;
  if (workersFlag !== undefined && (!Number.isInteger(workersFlag) || workersFlag < 1 || workersFlag > 256)) {
    io.err(`faultline check: --workers needs a whole number from 1 to 256, got ${workersFlag}\n`);
    return ExitCode.usage;
  }
  const workers = workersFlag ?? availableParallelism();
  let memoryBytes: number | undefined;
  const memoryText = flags.get("memory") as string | undefined;
  if (memoryText !== undefined) {
    const bytes = parseByteSize(memoryText);
    if (bytes === null) {
      io.err(`faultline check: --memory needs a size like 512MiB or 8GiB, got '${memoryText}'\n`);
      return ExitCode.usage;
    }
    memoryBytes = bytes;
  }
  const found = discoverModelFiles(positionals);
  if (!found.ok) {
    io.err(`faultline check: ${found.message}\n`);
    return ExitCode.usage;
  }
  if (found.files.length === 0) {
    io.err(`faultline check: no .fl files in ${positionals.join(", ")}\n`);
    return ExitCode.usage;
  }
  const pretty = reporters.includes("pretty");
  const quiet = Boolean(flags.get("quiet"));
  const useExpected = Boolean(flags.get("expected"));
  const selected = flags.get("test") as string[] | undefined;
  // --param (and --test naming an instance the files do not list) rebuild tests: every file is compiled first.
  const prepared = prepareParamRun(
    found.files,
    flags.get("param") as string[] | undefined,
    selected,
    useExpected,
  );
  if (!prepared.ok) {
    io.err(`faultline check: ${prepared.message}\n`);
    return ExitCode.usage;
  }
  // A person at a terminal is offered the explorer for the first counterexample;
  // its trace needs a file, so without --out it goes to a temporary folder.
  const interactive = io.ask !== undefined && io.isTTY && !io.env["CI"] && pretty && !useExpected;
  const outDir =
    (flags.get("out") as string | undefined) ??
    (interactive ? mkdtempSync(join(tmpdir(), "faultline-traces-")) : undefined);
  const color = colorEnabled(io);
  const paint = (code: string, text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);

  const reports: TestReport[] = [];
  const allTestNames: string[] = [];
  const matchedSelection = new Set<string>();
  const usedTracePaths = new Set<string>();
  let ghostExpectations = 0;
  /** Expectations whose state counts and trace lengths were not compared (a reduction was switched). */
  let unpinned = 0;
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const outcomes: TestOutcome[] = [];
  const modelErrorReports: ModelErrorReport[] = [];
  const codes: ExitCodeValue[] = [];
  const modelErrors: { file: string; errors: number }[] = [];

  for (const file of found.files) {
    const pre = prepared.files?.get(file);
    const text = pre?.text ?? readFileSync(file, "utf8");
    const compiled = pre?.compiled ?? compileSource({ path: file, text });
    const expectations = useExpected ? expectedFor(file) : null;
    if (!compiled.ok) {
      io.err(renderDiagnostics(compiled.diagnostics, (f) => (f === file ? text : undefined), { color }));
      io.err("\n");
      const errors = compiled.diagnostics.filter((d) => d.severity === "error").length;
      modelErrors.push({ file, errors });
      const expectedError =
        expectations && Object.values(expectations).some((e) => e.outcome === "model-error");
      modelErrorReports.push({
        file,
        diagnostics: compiled.diagnostics,
        expected: Boolean(useExpected && expectedError),
      });
      codes.push(useExpected && expectedError ? ExitCode.pass : ExitCode.modelError);
      continue;
    }
    const tests = compiled.ir.tests.filter(
      (t) => !selected || selected.includes(t.name) || selected.includes(t.baseName),
    );
    // A file none of whose tests is selected is not worth a heading.
    if (pretty && !quiet && tests.length > 0) io.out(`${paint("1", file)}\n`);
    for (const t of compiled.ir.tests) {
      allTestNames.push(t.name);
      for (const name of selected ?? [])
        if (name === t.name || name === t.baseName) matchedSelection.add(name);
    }
    if (useExpected && expectations) {
      for (const name of Object.keys(expectations)) {
        if (!compiled.ir.tests.some((t) => t.name === name)) {
          io.out(
            `  ${paint("31", "✗")} ${name}: listed in expected.json but not declared in ${basename(file)}\n`,
          );
          codes.push(ExitCode.violation);
          ghostExpectations++;
        }
      }
    }
    for (const test of tests) {
      const faultsText = flags.get("faults") as string | undefined;
      const symmetry = !flags.get("no-symmetry");
      const partialOrder = Boolean(flags.get("por"));
      const loaded = loadTestModel(compiled.ir, test.name, faultsText, { symmetry, partialOrder });
      if (!loaded.ok) {
        if (loaded.kind === "usage") {
          io.err(`faultline check: ${file}: ${loaded.message}\n`);
          return ExitCode.usage;
        }
        io.err(renderDiagnostics(loaded.diagnostics, (f) => (f === file ? text : undefined), { color }));
        io.err("\n");
        modelErrors.push({ file, errors: loaded.diagnostics.length });
        modelErrorReports.push({ file, diagnostics: loaded.diagnostics, expected: false });
        codes.push(ExitCode.modelError);
        break;
      }
      const model = loaded.model;
      const progress = createProgressReporter(io, `${basename(file)} ${test.name}`, {
        quiet: quiet || !pretty,
      });
      const explored = await explore(model, {
        file,
        test: test.name,
        faultsText,
        symmetry,
        partialOrder,
        liveness: !flags.get("no-liveness"),
        mode,
        workers,
        memoryBytes,
        maxDepth: flags.get("max-depth") as number | undefined,
        maxStates: flags.get("max-states") as number | undefined,
        timeoutMs,
        onProgress: (p) => progress.update(p),
        random: randomOptions,
        coverage: wantCoverage,
      });
      const result = explored.result;
      progress.done();
      const { actual, exitCode } = classify(result);
      const report: TestReport = {
        file,
        test: test.name,
        result,
        actual,
        exitCode,
        liveness: explored.liveness,
        ...(explored.safety ? { safety: explored.safety } : {}),
        ...(explored.randomPhase ? { randomPhase: explored.randomPhase } : {}),
      };
      if ((result.kind === "violation" || result.kind === "deadlock") && outDir) {
        mkdirSync(outDir, { recursive: true });
        const stem = `${basename(file, ".fl")}.${test.name.replace(/[^A-Za-z0-9_=-]/g, "_")}`;
        // Two models with the same file name in different folders must not overwrite each other's traces.
        let path = join(outDir, `${stem}.itf.json`);
        for (let n = 2; usedTracePaths.has(path); n++) path = join(outDir, `${stem}-${n}.itf.json`);
        usedTracePaths.add(path);
        const itf = traceToItf(model, result.trace, {
          source: traceSourcePath(file, path),
          sourceSha256: sourceSha256(text),
          test: test.name,
          failure: result.failure,
          ...(faultsText !== undefined ? { faults: faultsText } : {}),
          ...(result.kind === "violation" && result.loop !== undefined ? { loop: result.loop } : {}),
          ...(explored.mode === "random" ? { mode: "random", seed: randomOptions.seed ?? 0 } : {}),
        });
        writeFileSync(path, `${JSON.stringify(itf, null, 2)}\n`);
        report.tracePath = path;
      }
      if (useExpected) {
        const pinned = expectations?.[test.name];
        // The pinned counts and trace lengths are the default search's; a reduction switched on or off changes them.
        const changesCounts = partialOrder || (!symmetry && test.symmetric.length > 0);
        const exp = pinned && changesCounts ? { outcome: pinned.outcome, property: pinned.property } : pinned;
        if (pinned && changesCounts && (pinned.states !== undefined || pinned.traceLength !== undefined))
          unpinned++;
        const message = exp
          ? compareOutcome(exp, actual)
          : `no expected outcome for this test in ${join(file, "..", "expected.json")}`;
        report.expectation = { matched: message === null, message };
        codes.push(
          message === null ? ExitCode.pass : exitCode === ExitCode.pass ? ExitCode.violation : exitCode,
        );
      } else {
        codes.push(exitCode);
      }
      reports.push(report);
      const failed = result.kind === "violation" || result.kind === "deadlock";
      outcomes.push(
        testOutcomeFromResult({
          file,
          test: test.name,
          properties: testProperties(test),
          result,
          exitCode,
          tracePath: report.tracePath ?? null,
          expectation: report.expectation,
          testLocation: spanToLocation(test.span),
          traceSteps: failed ? replayTrace(model, result.trace.steps).labels : undefined,
          mode: explored.mode,
          seed: explored.mode === "random" ? (randomOptions.seed ?? 0) : null,
          symmetricTypes: model.symmetricTypes,
          ...(explored.liveness === null
            ? {}
            : {
                liveness:
                  explored.liveness === "skipped"
                    ? { checked: false as const }
                    : {
                        checked: true as const,
                        outcome: explored.liveness.kind,
                        states: explored.liveness.states,
                        elapsedMs: explored.liveness.elapsedMs,
                      },
              }),
          ...(explored.coverage ? { coverage: coverageToJson(explored.coverage) as Json } : {}),
        }),
      );
      if (pretty) printTest(io, report, model, { quiet, verbose: Boolean(flags.get("verbose")), paint });
      if (pretty && explored.coverage)
        io.out(`${coverageToText(explored.coverage).replace(/^/gm, "      ")}\n`);
    }
  }

  const unmatched = (selected ?? []).filter((name) => !matchedSelection.has(name));
  if (unmatched.length > 0) {
    const known = [...new Set(allTestNames)].join(", ") || "none";
    io.err(`faultline check: no test named ${unmatched.map((n) => `'${n}'`).join(", ")} (tests: ${known})\n`);
    codes.push(ExitCode.usage);
  }
  const nothingRan = reports.length === 0 && modelErrors.length === 0 && unmatched.length > 0;
  if (pretty && !nothingRan) printSummary(io, reports, modelErrors, useExpected, paint, ghostExpectations);
  if (pretty && unpinned > 0)
    io.out(
      `(${unpinned} expectation${unpinned === 1 ? "" : "s"}: outcome and property compared, not the pinned state counts and trace lengths, which are the default search's: --por or --no-symmetry changes them)\n`,
    );
  const exit = combineExitCodes(codes);
  const firstTrace = reports.find((r) => r.tracePath !== undefined);
  if (interactive && firstTrace?.tracePath && io.ask) {
    const answer = await io.ask(
      `\nStep through the counterexample of ${firstTrace.test} in the explorer? [y/N] `,
    );
    if (/^y(es)?$/i.test(answer.trim())) await runExplore([firstTrace.tracePath], io);
  }
  emitReports(
    {
      tool: { name: "faultline", version: VERSION },
      startedAt,
      elapsedMs: performance.now() - t0,
      exitCode: exit,
      rootDir: process.cwd(),
      hostname: hostname(),
      files: found.files,
      modelErrors: modelErrorReports,
      tests: outcomes,
    },
    reporters.filter((r) => r !== "pretty"),
    { outDir: flags.get("out") as string | undefined, out: (text) => io.out(text), env: io.env },
  );
  return exit;
}
function printTest(
  io: Io,
  r: TestReport,
  model: Parameters<typeof traceToText>[0],
  opts: { quiet: boolean; verbose: boolean; paint: (code: string, text: string) => string },
): void {
  const { paint } = opts;
  const res = r.result;
  const stats = "stats" in res ? formatStats(res.stats) : "";
  const expectNote = r.expectation
    ? r.expectation.matched
      ? paint("32", " (as expected)")
      : paint("31", ` (MISMATCH: ${r.expectation.message})`)
    : "";
  const ok = r.expectation ? r.expectation.matched : res.kind === "pass";
  const mark = ok ? paint("32", "✓") : paint("31", "✗");
  let verdict: string;
  if (res.kind === "violation" || res.kind === "deadlock") verdict = describeFailure(res.failure);
  else if (res.kind === "bounded") verdict = `bounded (${res.reason}) without a verdict`;
  else if (res.kind === "error") verdict = `checker error: ${res.message}`;
  else verdict = "pass";
  if (opts.quiet && ok) return;
  io.out(`  ${mark} ${r.test}: ${verdict}${stats ? ` — ${stats}` : ""}${expectNote}\n`);
  const n = (x: number | undefined) => (x ?? 0).toLocaleString("en-US");
  const symmetric = (model as { symmetricTypes?: readonly string[] }).symmetricTypes ?? [];
  if (symmetric.length > 0 && stats)
    io.out(
      `      symmetry reduction: ${symmetric.join(", ")} (states counted up to renaming their instances)\n`,
    );
  // After a liveness check, the result's stats are the liveness check's; the reduction's are the safety search's.
  const por = (r.safety ?? ("stats" in res ? res.stats : undefined)) as ExhaustiveStats | undefined;
  if (por?.ampleExpansions !== undefined) {
    io.out(
      `      partial-order reduction: ${n(por.ampleExpansions)} of the ${n(por.expandedStates)} states expanded used an ample set\n`,
    );
  }
  if (r.randomPhase)
    io.out(
      `      then random walks (--mode auto): ${n(r.randomPhase.runs)} runs, ${n(r.randomPhase.steps)} steps, ${(r.randomPhase.elapsedMs / 1000).toFixed(2)}s, no failure found\n`,
    );
  const live = r.liveness;
  const reduced = symmetric.length > 0 || por?.ampleExpansions !== undefined;
  if (live === "skipped") {
    io.out(
      "      liveness not checked (--no-liveness): hot spec states were checked only at the end of runs\n",
    );
  } else if (live && (reduced || live.kind === "bounded" || live.kind === "error")) {
    const safety = r.safety ? `the safety search passed on ${n(r.safety.distinctStates)} states; ` : "";
    const outcome = live.kind === "bounded" ? `stopped by ${live.reason}` : live.kind;
    const how = live.quotient
      ? "symmetry-reduced: no cycle keeps a spec hot"
      : "full state space, not reduced";
    io.out(
      `      ${safety}liveness check (${how}): ${outcome}, ${n(live.states)} states, ${(live.elapsedMs / 1000).toFixed(2)}s\n`,
    );
  }
  const showTrace =
    (res.kind === "violation" || res.kind === "deadlock") && (!r.expectation || opts.verbose || !ok);
  if (showTrace) {
    const text = traceToText(model, res.trace, res.failure);
    io.out(`${text.replace(/^/gm, "      ")}\n`);
    if (res.kind === "violation" && res.loop !== undefined) {
      io.out(
        `      (a lasso: after step ${res.trace.steps.length} the run loops back to the state after step ${res.loop + 1}, forever)\n`,
      );
    }
    if (res.random) {
      const r = res.random;
      io.out(
        `      found by ${r.strategy} run ${r.run} (seed ${r.seed}) in ${r.originalLength} steps, shrunk to ${r.shrunkLength}\n` +
          `      reproduce: ${r.replayCommand}\n`,
      );
    }
    if (r.tracePath)
      io.out(`      trace saved to ${r.tracePath} (replay: faultline replay ${r.tracePath})\n`);
  }
}

function printSummary(
  io: Io,
  reports: TestReport[],
  modelErrors: { file: string; errors: number }[],
  useExpected: boolean,
  paint: (code: string, text: string) => string,
  ghostExpectations = 0,
): void {
  const rows = reports.map((r) => {
    const outcome = r.actual.property ? `${r.actual.outcome} (${r.actual.property})` : r.actual.outcome;
    const states = r.actual.states !== undefined ? r.actual.states.toLocaleString("en-US") : "-";
    const expect = r.expectation ? (r.expectation.matched ? "ok" : "MISMATCH") : "";
    return [`${r.file} ${r.test}`, outcome, states, expect];
  });
  if (rows.length > 0) {
    const headers = ["test", "outcome", "states", useExpected ? "expected" : ""];
    const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
    const line = (cells: string[]) =>
      cells
        .map((c, i) => c.padEnd(widths[i]!))
        .join("  ")
        .trimEnd();
    io.out(`\n${line(headers)}\n${line(widths.map((w) => "-".repeat(w)))}\n`);
    for (const row of rows) io.out(`${line(row)}\n`);
  }
  const passed = reports.filter((r) =>
    r.expectation ? r.expectation.matched : r.result.kind === "pass",
  ).length;
  const failed = reports.length - passed + ghostExpectations;
  const errs = modelErrors.length ? `, ${modelErrors.length} file(s) with model errors` : "";
  const what = useExpected ? "matched expectations" : "passed";
  const summary = `${passed} ${what}, ${failed} ${useExpected ? "mismatched" : "failed"}${errs}`;
  io.out(`\n${failed || modelErrors.length ? paint("31", summary) : paint("32", summary)}\n`);
}
