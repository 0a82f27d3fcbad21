// `faultline check --shard i/N` (or `--shard-count N` with the index from
// JOB_COMPLETION_INDEX): one shard of a swarm. It runs its part of the search
// portfolio (checker's search/portfolio.ts) on every selected test and writes
// a self-contained artifact (swarm-artifact.ts) to DIR/shard-i-of-N.json with
// --out, or to stdout; `faultline merge` turns the artifacts into one verdict.
// After a random or PCT entry passes, its walks search the test's witness
// properties. With --memory, the process's resident memory is checked before
// each entry (and caps bounded exhaustive entries): past it the shard stops and
// its artifact says so (`bounded: "memory"`, the entries left "not run").
// cli.ts sends a check with a shard flag here; the other flags are check's.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  type CheckResult,
  type CoverageReport,
  coverageToJson,
  type EntryOutcome,
  faultMixText,
  hasLivenessProperties,
  hasWitnesses,
  type Json,
  overMemoryBudget,
  type PortfolioEntry,
  parseFaultsOption,
  replayTrace,
  runPortfolioEntry,
  type ShardSpec,
  searchEntryWitnesses,
  SKETCH_SIZE,
  StateSketch,
  shardEntries,
  shardProblem,
  type SourceLocation,
  sourceSha256,
  spanToLocation,
  strategyLabel,
  traceToItf,
  traceToText,
  unionCoverage,
  type WitnessOutcome,
} from "@faultline/checker";
import { compileSource, type IrFault, type IrProgram, type IrTest, renderDiagnostics } from "@faultline/lang";
import { parseArgs } from "../args.js";
import { CHECK_FLAGS } from "../command-specs.js";
import { discoverModelFiles } from "../discover.js";
import { combineExitCodes, ExitCode, type ExitCodeValue } from "../exit-codes.js";
import { colorEnabled, type Io } from "../io.js";
import { loadTestModel } from "../model-loader.js";
import { prepareParamRun } from "../param-overrides.js";
import { plural } from "../plural.js";
import {
  type ModelErrorReport,
  shellQuote,
  testOutcomeFromResult,
  testProperties,
} from "../reporters/run-report.js";
import {
  ARTIFACT_FORMAT,
  ARTIFACT_VERSION,
  type ArtifactEntry,
  artifactName,
  type EntryRecord,
  type FailureRecord,
  type ShardArtifact,
  type TestRecord,
  type WitnessRecord,
} from "../swarm-artifact.js";
import { VERSION } from "../version.js";
import { type CheckOptions, classify, parseCheckArgs } from "./check.js";

/** Default runs per shard and per test, and steps of a long walk. */
export const SHARD_DEFAULT_RUNS = 1000;
export const SHARD_DEFAULT_MAX_STEPS = 1000;

/** Flags of `check` that a shard cannot honour (it runs the portfolio, not one search). */
const NOT_FOR_SHARDS = ["mode", "run", "pct-depth", "pct-length", "workers", "por", "expected"];

/** The shard from `--shard i/N` or `--shard-count N` + JOB_COMPLETION_INDEX (0-based); i starts at 1. */
export function resolveShard(
  shardText: string | undefined,
  count: number | undefined,
  env: Readonly<Record<string, string | undefined>>,
): { ok: true; index: number; count: number } | { ok: false; message: string } {
  if (shardText !== undefined && count !== undefined)
    return {
      ok: false,
      message: "give --shard i/N or --shard-count N (with JOB_COMPLETION_INDEX), not both",
    };
  if (shardText !== undefined) {
    const m = /^(\d+)\/(\d+)$/.exec(shardText.trim());
    if (!m)
      return { ok: false, message: `--shard needs i/N like 3/8 (shards start at 1), got '${shardText}'` };
    const index = Number(m[1]);
    const n = Number(m[2]);
    // The count's limits are the portfolio's; the number is checked here, from 1 as users write it.
    const problem =
      shardProblem({ index: 0, count: n, seed: 0 }) ??
      (index >= 1 && index <= n ? null : `the shard number must be from 1 to ${n}`);
    if (problem !== null) return { ok: false, message: `--shard ${shardText}: ${problem}` };
    return { ok: true, index, count: n };
  }
  const n = count!;
  const raw = env["JOB_COMPLETION_INDEX"];
  if (raw === undefined)
    return {
      ok: false,
      message:
        "--shard-count takes the shard's index from JOB_COMPLETION_INDEX (set by a Kubernetes Indexed Job), which is not set; use --shard i/N elsewhere",
    };
  if (!/^\d+$/.test(raw.trim()))
    return { ok: false, message: `JOB_COMPLETION_INDEX must be a whole number, got '${raw}'` };
  const problem = shardProblem({ index: Number(raw), count: n, seed: 0 });
  if (problem !== null)
    return { ok: false, message: `--shard-count ${n} with JOB_COMPLETION_INDEX=${raw}: ${problem}` };
  return { ok: true, index: Number(raw) + 1, count: n };
}

interface ShardRun {
  options: CheckOptions;
  shard: ShardSpec;
  runs: number;
  maxSteps: number;
  entries: PortfolioEntry[];
  deadline: number;
  /** Entries still to run, over every test: each gets an equal share of the time left. */
  entriesLeft: number;
  /** `--memory`: the process's resident memory budget, checked before each entry. */
  memoryBytes: number | undefined;
  /** Set when the memory budget stopped the shard: every entry after is "not run". */
  stopped: string | null;
}

function replayPrefix(file: string, test: string, faults: string | undefined, options: CheckOptions): string {
  const parts = [`faultline check ${shellQuote(file)} --test ${shellQuote(test)}`];
  if (faults !== undefined) parts.push(`--faults ${shellQuote(faults)}`);
  for (const p of options.params ?? []) parts.push(`--param ${shellQuote(p)}`);
  if (!options.symmetry) parts.push("--no-symmetry");
  return parts.join(" ");
}

/** The command that runs this shard alone on one test (a bounded exhaustive entry's replay). */
function shardCommand(file: string, test: string, run: ShardRun): string {
  const { shard, options } = run;
  const parts = [replayPrefix(file, test, options.faults, options)];
  parts.push(`--shard ${shard.index + 1}/${shard.count}`, `--seed ${shard.seed}`);
  parts.push(`--runs ${run.runs}`, `--max-steps ${run.maxSteps}`);
  if (options.random.temperature !== undefined) parts.push(`--temperature ${options.random.temperature}`);
  return parts.join(" ");
}

function failureOf(result: CheckResult) {
  return result.kind === "violation" || result.kind === "deadlock" ? result : null;
}

/** The shard's memory stop, before an entry: what the process holds against the budget. */
function memoryStopBefore(run: ShardRun, file: string, test: string, entry: number): string | null {
  if (run.stopped !== null) return run.stopped;
  if (!overMemoryBudget(run.memoryBytes)) return null;
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  run.stopped =
    `memory budget of ${mib(run.memoryBytes ?? 0)} exhausted before entry ${entry} of ${file} ${test}: ` +
    `the process holds ${mib(process.memoryUsage.rss())}`;
  return run.stopped;
}

function emptyWitness(w: {
  name: string;
  kind?: "reachable" | "cover";
  location?: SourceLocation;
}): WitnessRecord {
  return {
    name: w.name,
    kind: w.kind ?? "reachable",
    ...(w.location ? { location: w.location } : {}),
    reached: false,
    traceLength: null,
    entry: null,
    label: null,
    replayCommand: null,
    entries: 0,
    searched: 0,
  };
}

/** Folds one entry's witness outcomes into the shard's records (shortest trace; ties: the earlier entry). */
function addWitnesses(
  records: WitnessRecord[],
  outcomes: readonly WitnessOutcome[],
  entry: PortfolioEntry,
): void {
  for (const w of outcomes) {
    const r = records.find((x) => x.name === w.name);
    if (r === undefined) continue;
    r.entries++;
    r.searched += w.states;
    if (w.bound !== undefined && !w.reached) r.bound ??= w.bound;
    const length = w.trace?.steps.length;
    if (w.reached && length !== undefined && (r.traceLength === null || length < r.traceLength)) {
      r.reached = true;
      r.traceLength = length;
      r.entry = entry.entry;
      r.label = strategyLabel(entry.strategy);
      // --witnesses: the replayed check prints the witness trace.
      r.replayCommand = w.replayCommand === undefined ? null : `${w.replayCommand} --witnesses`;
    }
  }
}

/** Runs the shard's entries on one test. */
async function checkTestShard(
  file: string,
  text: string,
  ir: IrProgram,
  test: IrTest,
  run: ShardRun,
): Promise<{ record: TestRecord; codes: ExitCodeValue[] } | { usage: string }> {
  const { options } = run;
  let own: IrFault[] = test.faults;
  if (options.faults !== undefined) {
    const parsed = parseFaultsOption(options.faults, ir, test.name);
    if (!parsed.ok) return { usage: `${file}: ${parsed.message}` };
    own = parsed.faults;
  }
  const models = new Map<string, ReturnType<typeof loadTestModel>>();
  const sketch = new StateSketch(SKETCH_SIZE);
  const entries: EntryRecord[] = [];
  const failures: FailureRecord[] = [];
  const coverage: (CoverageReport | null)[] = [];
  const codes: ExitCodeValue[] = [];
  let maxDepth = 0;
  let hotStates = false;
  let witnesses: WitnessRecord[] | undefined;
  for (const entry of run.entries) {
    if (memoryStopBefore(run, file, test.name, entry.entry) !== null) {
      run.entriesLeft--;
      entries.push({ entry: entry.entry, outcome: "not run", runs: 0, steps: 0, distinctStates: 0 });
      continue;
    }
    const mix = faultMixText(own, entry.strategy.faults);
    const faults = mix ?? options.faults;
    const key = faults ?? "\u0000own";
    if (!models.has(key))
      models.set(key, loadTestModel(ir, test.name, faults, { symmetry: options.symmetry }));
    const loaded = models.get(key)!;
    if (!loaded.ok) {
      if (loaded.kind === "usage") return { usage: `${file}: ${loaded.message}` };
      const message = loaded.diagnostics.map((d) => d.message).join("; ");
      entries.push({
        entry: entry.entry,
        outcome: "error",
        runs: 0,
        steps: 0,
        distinctStates: 0,
        error: message,
      });
      codes.push(ExitCode.internal);
      continue;
    }
    const model = loaded.model;
    hotStates ||= hasLivenessProperties(model);
    // Every witness, in declaration order, even one no entry gets to search.
    if (witnesses === undefined && hasWitnesses(model)) witnesses = model.witnesses.map(emptyWitness);
    const left = Math.max(1, run.entriesLeft--);
    const timeoutMs = Number.isFinite(run.deadline)
      ? Math.max(1, Math.floor((run.deadline - Date.now()) / left))
      : undefined;
    const out: EntryOutcome = runPortfolioEntry(model, entry, {
      coverage: true,
      sketch,
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(options.random.temperature !== undefined ? { temperature: options.random.temperature } : {}),
      ...(run.memoryBytes !== undefined ? { memoryBytes: run.memoryBytes } : {}),
      replayCommandPrefix: replayPrefix(file, test.name, faults, options),
    });
    coverage.push(out.coverage);
    if ("stats" in out.result && out.result.stats) maxDepth = Math.max(maxDepth, out.result.stats.maxDepth);
    const { exitCode } = classify(out.result);
    const record: EntryRecord = {
      entry: entry.entry,
      outcome: out.result.kind === "pass" || out.result.kind === "bounded" ? "pass" : "",
      runs: out.runs,
      steps: out.steps,
      distinctStates: out.distinctStates,
      ...(mix !== undefined ? { faults: mix } : {}),
    };
    const found = failureOf(out.result);
    if (out.result.kind === "bounded" && out.result.reason === "memory") {
      // Only the memory budget stops an entry short of its own bounds: the shard stops here.
      record.outcome = "bounded";
      run.stopped = `${out.result.message ?? "memory budget exhausted"} (entry ${entry.entry} of ${file} ${test.name})`;
    } else if (out.result.kind === "error") {
      record.outcome = "error";
      record.error = out.result.message;
      codes.push(ExitCode.internal);
    } else if (found !== null) {
      const label = strategyLabel(entry.strategy);
      const replayCommand = found.random?.replayCommand ?? shardCommand(file, test.name, run);
      const outcome = testOutcomeFromResult({
        file,
        test: test.name,
        properties: testProperties(test),
        result: found,
        exitCode,
        testLocation: spanToLocation(test.span),
        traceSteps: replayTrace(model, found.trace.steps).labels,
        traceText: traceToText(model, found.trace, found.failure),
        mode: "random",
        seed: entry.seed,
        symmetricTypes: model.symmetricTypes,
      });
      // No timings in an artifact: a rerun writes the same bytes.
      if (outcome.stats) outcome.stats.elapsedMs = 0;
      delete outcome.randomStats;
      outcome.replayCommand = replayCommand;
      record.outcome = outcome.outcome;
      codes.push(exitCode);
      failures.push({
        entry: entry.entry,
        label,
        property: found.failure.property,
        traceLength: found.trace.steps.length,
        replayCommand,
        outcome,
        itf: traceToItf(model, found.trace, {
          sourceSha256: sourceSha256(text),
          test: test.name,
          failure: found.failure,
          ...(faults !== undefined ? { faults } : {}),
          ...(found.kind === "violation" && found.loop !== undefined ? { loop: found.loop } : {}),
          ...(found.random ? { mode: "random" as const, seed: entry.seed } : {}),
        }) as Json,
        ...(faults !== undefined ? { faults } : {}),
      });
    }
    if (record.outcome === "pass" && witnesses !== undefined) {
      // As `check` does after a pass: the entry's own walks again, looking for each witness.
      const searched = await searchEntryWitnesses(model, entry, out.runs, {
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
        replayCommandPrefix: replayPrefix(file, test.name, faults, options),
      });
      if (searched?.failure) {
        record.outcome = "error";
        record.error = `a witness search found ${searched.failure.kind} on walks the entry's search passed`;
        codes.push(ExitCode.internal);
      } else if (searched) addWitnesses(witnesses, searched.witnesses, entry);
    }
    entries.push(record);
  }
  const union = unionCoverage(coverage);
  return {
    record: {
      file,
      test: test.name,
      properties: testProperties(test),
      testLocation: spanToLocation(test.span),
      runs: entries.reduce((n, e) => n + e.runs, 0),
      steps: entries.reduce((n, e) => n + e.steps, 0),
      maxDepth,
      hotStates,
      entries,
      failures,
      coverage: union === null ? null : coverageToJson(union),
      sketch: { size: sketch.size, values: sketch.values() },
      ...(witnesses !== undefined ? { witnesses } : {}),
    },
    codes,
  };
}

export async function runShard(argv: readonly string[], io: Io): Promise<ExitCodeValue> {
  const usage = (message: string) => {
    io.err(`faultline check: ${message}\n`);
    return ExitCode.usage;
  };
  const parsed = parseCheckArgs(argv);
  if (parsed.kind === "help") return usage("--help is answered by `faultline check --help`");
  if (parsed.kind === "usage") return usage(parsed.message);
  const { options } = parsed;
  const raw = parseArgs(argv, CHECK_FLAGS);
  if (!raw.ok) return usage(raw.message);
  const flags = raw.args.flags;
  const refused = NOT_FOR_SHARDS.find((f) => flags.has(f));
  if (refused !== undefined)
    return usage(
      `--${refused} does not apply to a shard: it runs its part of the search portfolio (docs/swarm.md)`,
    );
  const other = options.reporters.find((r) => r !== "pretty");
  if (other !== undefined)
    return usage(
      `--reporter ${other}: shards write artifacts; report from them with 'faultline merge --reporter ${other}'`,
    );
  const where = resolveShard(
    flags.get("shard") as string | undefined,
    flags.get("shard-count") as number | undefined,
    io.env,
  );
  if (!where.ok) return usage(where.message);
  const seed = options.random.seed ?? 0;
  const shard: ShardSpec = { index: where.index - 1, count: where.count, seed };
  const runs = options.random.runs ?? SHARD_DEFAULT_RUNS;
  const maxSteps = options.random.maxSteps ?? SHARD_DEFAULT_MAX_STEPS;
  const found = discoverModelFiles(options.paths);
  if (!found.ok) return usage(found.message);
  if (found.files.length === 0) return usage(`no .fl files in ${options.paths.join(", ")}`);
  const prepared = prepareParamRun(found.files, options.params, options.tests, false);
  if (!prepared.ok) return usage(prepared.message);
  const entries = shardEntries(shard, { runs, maxSteps });
  const toStdout = options.out === undefined;
  const say = (t: string) => (toStdout ? io.err(t) : io.out(t));
  const quiet = options.quiet;
  const shardName = `shard ${where.index}/${where.count}`;
  if (!quiet)
    say(
      `faultline check: ${shardName} (seed ${seed}): ${plural(entries.length, "portfolio entry", "portfolio entries")} ` +
        `(${entries.map((e) => e.entry).join(", ")}), ${runs} runs and ${maxSteps} steps a walk per test\n`,
    );
  const run: ShardRun = {
    options,
    shard,
    runs,
    maxSteps,
    entries,
    deadline: options.timeoutMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + options.timeoutMs,
    entriesLeft: 0,
    memoryBytes: options.memoryBytes,
    stopped: null,
  };
  const modelErrors: ModelErrorReport[] = [];
  const tests: TestRecord[] = [];
  const codes: ExitCodeValue[] = [];
  const compiledFiles: { file: string; text: string; ir: IrProgram; tests: IrTest[] }[] = [];
  const matched = new Set<string>();
  for (const file of found.files) {
    const pre = prepared.files?.get(file);
    const text = pre?.text ?? readFileSync(file, "utf8");
    const compiled = pre?.compiled ?? compileSource({ path: file, text });
    if (!compiled.ok) {
      io.err(
        renderDiagnostics(compiled.diagnostics, (f) => (f === file ? text : undefined), {
          color: colorEnabled(io),
        }),
      );
      io.err("\n");
      modelErrors.push({ file, diagnostics: compiled.diagnostics });
      codes.push(ExitCode.modelError);
      continue;
    }
    const selected = compiled.ir.tests.filter(
      (t) => !options.tests || options.tests.includes(t.name) || options.tests.includes(t.baseName),
    );
    for (const t of selected)
      for (const n of options.tests ?? []) if (n === t.name || n === t.baseName) matched.add(n);
    compiledFiles.push({ file, text, ir: compiled.ir, tests: selected });
  }
  const unmatched = (options.tests ?? []).filter((n) => !matched.has(n));
  if (unmatched.length > 0) return usage(`no test named ${unmatched.map((n) => `'${n}'`).join(", ")}`);
  run.entriesLeft = entries.length * compiledFiles.reduce((n, f) => n + f.tests.length, 0);
  for (const { file, text, ir, tests: selected } of compiledFiles) {
    for (const test of selected) {
      const checked = await checkTestShard(file, text, ir, test, run);
      if ("usage" in checked) return usage(checked.usage);
      tests.push(checked.record);
      codes.push(...checked.codes);
      if (!quiet) say(shardTestLine(checked.record));
    }
  }
  if (run.stopped !== null) {
    codes.push(ExitCode.bounded);
    if (!quiet) say(`  BOUNDED: ${run.stopped}; rerun the shard with more --memory\n`);
  }
  const exitCode = combineExitCodes(codes);
  const artifact: ShardArtifact = {
    format: ARTIFACT_FORMAT,
    version: ARTIFACT_VERSION,
    tool: { name: "faultline", version: VERSION },
    shard: { index: where.index, count: where.count, seed },
    swarm: {
      runs,
      maxSteps,
      timeoutMs: options.timeoutMs ?? null,
      temperature: options.random.temperature ?? null,
      faults: options.faults ?? null,
      tests: options.tests ?? null,
      params: options.params ?? null,
      symmetry: options.symmetry,
      paths: options.paths,
    },
    entries: entries.map(
      (e): ArtifactEntry => ({
        entry: e.entry,
        strategy: e.strategy,
        label: strategyLabel(e.strategy),
        seed: e.seed,
        runs: e.runs,
        maxSteps: e.maxSteps,
        ...(e.prefixLength !== undefined ? { prefixLength: e.prefixLength } : {}),
        ...(e.maxStates !== undefined ? { maxStates: e.maxStates } : {}),
      }),
    ),
    files: found.files,
    modelErrors,
    tests,
    exitCode,
    ...(run.stopped !== null ? { bounded: "memory" as const, boundMessage: run.stopped } : {}),
  };
  const json = `${JSON.stringify(artifact, null, 2)}\n`;
  if (options.out === undefined) io.out(json);
  else {
    mkdirSync(options.out, { recursive: true });
    const path = join(options.out, artifactName(where.index, where.count));
    // Written whole or not at all: a shard killed while writing leaves no artifact (the merge reports it missing).
    writeFileSync(`${path}.partial`, json);
    renameSync(`${path}.partial`, path);
    if (!quiet) say(`wrote ${path}\n`);
  }
  return exitCode;
}

/** One line per test: what the shard found. */
function shardTestLine(t: TestRecord): string {
  const head = `  ${t.file} ${t.test}: `;
  const errors = t.entries.filter((e) => e.outcome === "error");
  const notRun = t.entries.filter((e) => e.outcome === "not run" || e.outcome === "bounded").length;
  const witnessLines = (t.witnesses ?? []).map((w) =>
    w.reached
      ? `    ${w.kind} ${w.name}: reached in ${plural(w.traceLength ?? 0, "step")} by entry ${w.entry}\n`
      : `    ${w.kind} ${w.name}: not reached by this shard\n`,
  );
  const tail = `${notRun > 0 ? `    ${plural(notRun, "entry", "entries")} stopped or not run (memory budget)\n` : ""}${witnessLines.join("")}`;
  if (t.failures.length === 0 && errors.length === 0)
    return `${head}no failure (${plural(t.runs, "run")}, ${plural(t.steps, "step")})\n${tail}`;
  const lines = t.failures.map(
    (f) =>
      `${head}${f.outcome.outcome} of ${f.property} in entry ${f.entry} (${f.label}): ${plural(f.traceLength, "step")}\n` +
      `    replay: ${f.replayCommand}\n`,
  );
  for (const e of errors) lines.push(`${head}error in entry ${e.entry}: ${e.error}\n`);
  return lines.join("") + tail;
}
