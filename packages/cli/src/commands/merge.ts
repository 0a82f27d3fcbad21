// `faultline merge <artifacts|dirs>...`: the shard artifacts of one swarm
// (swarm-artifact.ts) as one verdict. Per test: the shortest counterexample
// of each property and the shard and portfolio entry that found it, the union
// of the shards' coverage, and how much their work overlapped (from the
// state sketches); per witness property, reached when any shard reached it
// (the shortest witness trace), `unreached` when none did. A missing shard, or
// one its --memory budget stopped, makes a passing test `bounded` (and an
// unreached witness no verdict): the merge does not pass. The report is a RunReport, so every reporter is the check
// command's own (pretty, json, junit, sarif, github; html with --out).
// Everything is sorted and the report carries no time or host: the same
// artifacts merge to the same bytes.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import {
  type CoverageReport,
  coverageToJson,
  entriesPerShard,
  type Json,
  StateSketch,
  traceSourcePath,
  unionCoverage,
  type WitnessOutcome,
  witnessVerdict,
} from "@faultline/checker";
import { compileSource } from "@faultline/lang";
import { parseArgs } from "../args.js";
import { MERGE_FLAGS } from "../command-specs.js";
import { combineExitCodes, ExitCode, type ExitCodeValue } from "../exit-codes.js";
import { colorEnabled, type Io } from "../io.js";
import { loadTestModel } from "../model-loader.js";
import { plural } from "../plural.js";
import { emitReports } from "../reporters/emit.js";
import { writeCounterexampleHtml } from "../reporters/html.js";
import { isReporter, planStdout, type ReporterName, reporterList } from "../reporters/names.js";
import { toPretty } from "../reporters/pretty.js";
import type { RunReport, TestOutcome, WitnessReport } from "../reporters/run-report.js";
import {
  type FailureRecord,
  problemText,
  readArtifact,
  type ShardArtifact,
  type TestRecord,
  type WitnessRecord,
} from "../swarm-artifact.js";
import { VERSION } from "../version.js";

/** The merged report's start time: fixed, so the same artifacts give the same bytes. */
const MERGE_EPOCH = "1970-01-01T00:00:00.000Z";

const ARTIFACT_FILE = /^shard-\d+-of-\d+\.json$/;

/** A counterexample with the shard that found it. */
interface Found extends FailureRecord {
  shard: number;
}

/** What the merge says about one test besides its report. */
export interface MergedTest {
  file: string;
  test: string;
  outcome: string;
  runs: number;
  steps: number;
  /** Distinct states the swarm saw (estimated from the sketches once past their size). */
  statesSeen: number;
  /** The same, summed shard by shard: the difference is work done twice. */
  statesSummed: number;
  /** 1 - statesSeen / statesSummed (0 when nothing was seen), 3 decimals. */
  overlap: number;
  /** False for a test with hot spec states: the swarm checked them only at the end of runs, not for fair cycles. */
  livenessChecked: boolean | null;
  /** Per property, the shortest counterexample, and every shard that found one. */
  failures: {
    property: string;
    traceLength: number;
    shard: number;
    entry: number;
    label: string;
    replayCommand: string;
    tracePath: string | null;
    foundBy: { shard: number; entry: number; traceLength: number }[];
  }[];
  /** Per witness property: reached by some shard (the shortest trace, which shard and entry) or by none. */
  witnesses?: {
    name: string;
    kind: "reachable" | "cover";
    reached: boolean;
    traceLength: number | null;
    shard: number | null;
    entry: number | null;
    replayCommand: string | null;
    reachedBy: number[];
    searched: number;
  }[];
}

export interface MergeSummary {
  format: "faultline-swarm-merge";
  version: 1;
  shards: {
    count: number;
    seed: number;
    present: number[];
    missing: number[];
    /** Shards their memory budget stopped (their artifact says so): their work is missing too. */
    bounded: { shard: number; reason: "memory"; message: string }[];
  };
  entries: number;
  swarm: ShardArtifact["swarm"];
  tests: MergedTest[];
  exitCode: number;
}

/** Artifact paths from the command line: files as given, directories' shard-*-of-*.json files. */
function artifactPaths(
  paths: readonly string[],
): { ok: true; files: string[] } | { ok: false; message: string } {
  const files: string[] = [];
  for (const path of paths) {
    let isDir = false;
    try {
      isDir = statSync(path).isDirectory();
    } catch {
      return { ok: false, message: `no such file or directory: ${path}` };
    }
    if (!isDir) {
      files.push(path);
      continue;
    }
    const inside = readdirSync(path)
      .filter((f) => ARTIFACT_FILE.test(f))
      .sort()
      .map((f) => join(path, f));
    if (inside.length === 0) return { ok: false, message: `no shard-*-of-*.json artifacts in ${path}` };
    files.push(...inside);
  }
  return { ok: true, files };
}

const byFailure = (a: Found, b: Found) =>
  a.traceLength - b.traceLength || a.shard - b.shard || a.entry - b.entry;

/** Why part of the swarm's work is missing (shards absent or stopped by their memory budget); null when none is. */
function incompleteReason(
  missing: readonly number[],
  bounded: MergeSummary["shards"]["bounded"],
  count: number,
): string | null {
  const parts: string[] = [];
  if (missing.length > 0)
    parts.push(`missing ${plural(missing.length, "shard")} (${missing.join(", ")} of ${count})`);
  for (const b of bounded) parts.push(`shard ${b.shard} of ${count} stopped by its memory budget`);
  return parts.length === 0 ? null : parts.join("; ");
}

type MergedWitness = NonNullable<MergedTest["witnesses"]>[number] & {
  bound?: string;
  location?: WitnessRecord["location"];
};

/** The shards' witness records as one: reached by any (shortest trace; ties: the lowest shard, then entry). */
function mergeWitnesses(records: { shard: number; record: TestRecord }[]): MergedWitness[] {
  const names: WitnessRecord[] = [];
  for (const { record } of records)
    for (const w of record.witnesses ?? []) if (!names.some((n) => n.name === w.name)) names.push(w);
  return names.map((declared) => {
    const all = records.flatMap(({ shard, record }) =>
      (record.witnesses ?? []).filter((w) => w.name === declared.name).map((w) => ({ ...w, shard })),
    );
    const reached = all
      .filter((w) => w.reached && w.traceLength !== null)
      .sort((a, b) => a.traceLength! - b.traceLength! || a.shard - b.shard || a.entry! - b.entry!);
    const best = reached[0];
    const bound = all.find((w) => w.bound !== undefined)?.bound;
    return {
      name: declared.name,
      kind: declared.kind,
      reached: best !== undefined,
      traceLength: best?.traceLength ?? null,
      shard: best?.shard ?? null,
      entry: best?.entry ?? null,
      replayCommand: best?.replayCommand ?? null,
      reachedBy: reached.map((w) => w.shard).filter((n, i, a) => a.indexOf(n) === i),
      searched: all.reduce((n, w) => n + w.searched, 0),
      ...(best === undefined && bound !== undefined ? { bound } : {}),
      ...(declared.location ? { location: declared.location } : {}),
    };
  });
}

function mergeTest(
  records: { shard: number; record: TestRecord }[],
  incomplete: string | null,
  seed: number,
): { outcome: TestOutcome; merged: MergedTest; best: Found | null } {
  const first = records[0]!.record;
  const found: Found[] = records.flatMap(({ shard, record }) =>
    record.failures.map((f) => ({ ...f, shard })),
  );
  found.sort(byFailure);
  const union = StateSketch.union(records.map((r) => r.record.sketch));
  const statesSeen = union.estimate();
  const statesSummed = records.reduce((n, r) => n + StateSketch.union([r.record.sketch]).estimate(), 0);
  const coverage = unionCoverage(records.map((r) => r.record.coverage as unknown as CoverageReport | null));
  const runs = records.reduce((n, r) => n + r.record.runs, 0);
  const steps = records.reduce((n, r) => n + r.record.steps, 0);
  const errors = records.flatMap(({ shard, record }) =>
    record.entries
      .filter((e) => e.outcome === "error")
      .map((e) => `shard ${shard} entry ${e.entry}: ${e.error}`),
  );
  const properties = [...new Set(found.map((f) => f.property))].sort();
  const failures: MergedTest["failures"] = properties.map((property) => {
    const all = found.filter((f) => f.property === property);
    const best = all[0]!;
    return {
      property,
      traceLength: best.traceLength,
      shard: best.shard,
      entry: best.entry,
      label: best.label,
      replayCommand: best.replayCommand,
      tracePath: null,
      foundBy: all.map((f) => ({ shard: f.shard, entry: f.entry, traceLength: f.traceLength })),
    };
  });
  const best = found[0] ?? null;
  const coverageJson = coverage === null ? {} : { coverage: coverageToJson(coverage) };
  // The swarm's figures for the test, whichever entry's counterexample is reported.
  const stats = {
    distinctStates: statesSeen,
    generatedStates: steps,
    maxDepth: Math.max(...records.map((r) => r.record.maxDepth)),
    elapsedMs: 0,
  };
  const witnesses = first.witnesses === undefined ? null : mergeWitnesses(records);
  const witnessReports: WitnessReport[] | undefined = witnesses?.map((w) => ({
    name: w.name,
    kind: w.kind,
    reached: w.reached,
    traceLength: w.traceLength,
    searched: w.searched,
    ...(w.bound !== undefined ? { bound: w.bound } : {}),
    ...(w.location ? { location: w.location } : {}),
  }));
  // With every shard's work present: a witness no shard reached is `unreached`, worded as `check` words it.
  const witnessResult =
    witnesses === null || incomplete !== null
      ? null
      : witnessVerdict(
          witnesses.map(
            (w): WitnessOutcome => ({
              name: w.name,
              kind: w.kind,
              ...(w.location ? { location: w.location } : {}),
              reached: w.reached,
              states: w.searched,
              ...(w.bound !== undefined ? { bound: w.bound as WitnessOutcome["bound"] & string } : {}),
            }),
          ),
          "random",
          { ...stats, distinctStatesPerSecond: 0, generatedStatesPerSecond: 0 },
        );
  let outcome: TestOutcome;
  if (best !== null) {
    outcome = { ...best.outcome, stats, ...coverageJson };
  } else {
    const unreached = errors.length === 0 && witnessResult?.kind === "unreached" ? witnessResult : null;
    const kind =
      errors.length > 0
        ? "error"
        : unreached !== null
          ? "unreached"
          : incomplete !== null || witnessResult?.kind === "bounded"
            ? "bounded"
            : "pass";
    const exitCodes = {
      error: ExitCode.internal,
      unreached: ExitCode.violation,
      bounded: ExitCode.bounded,
      pass: ExitCode.pass,
    };
    outcome = {
      file: first.file,
      test: first.test,
      properties: first.properties,
      outcome: kind,
      failure: unreached?.failure ?? null,
      exitCode: exitCodes[kind],
      stats,
      traceLength: null,
      tracePath: null,
      replayCommand: null,
      seed,
      mode: "random",
      ...(first.testLocation ? { testLocation: first.testLocation } : {}),
      ...coverageJson,
    };
    if (kind === "error") outcome.errorMessage = errors.join("; ");
    if (kind === "bounded")
      outcome.boundReason = incomplete ?? (witnessResult?.kind === "bounded" ? witnessResult.reason : "");
  }
  if (witnessReports !== undefined && best === null) outcome.witnesses = witnessReports;
  return {
    outcome,
    best,
    merged: {
      file: first.file,
      test: first.test,
      outcome: outcome.outcome,
      runs,
      steps,
      statesSeen,
      statesSummed,
      overlap: statesSummed > 0 ? Math.round((1 - statesSeen / statesSummed) * 1000) / 1000 : 0,
      livenessChecked: first.hotStates ? false : null,
      failures,
      ...(witnesses !== null
        ? {
            witnesses: witnesses.map(({ bound: _b, location: _l, ...w }) => w),
          }
        : {}),
    },
  };
}

/** Writes the counterexample's ITF trace (its source made relative to it) and returns the path. */
function writeTrace(outDir: string, n: number, best: Found): string {
  const stem = `${basename(best.outcome.file, ".fl")}.${best.outcome.test.replace(/[^A-Za-z0-9_=-]/g, "_")}`;
  const path = join(outDir, `swarm-${n}.${stem}.itf.json`);
  const itf = JSON.parse(JSON.stringify(best.itf)) as { "#meta": Record<string, Json> };
  const source = traceSourcePath(best.outcome.file, path);
  itf["#meta"].source = source;
  const faultline = itf["#meta"].faultline as Record<string, Json> | undefined;
  if (faultline) faultline.source = source;
  mkdirSync(outDir, { recursive: true });
  writeFileSync(path, `${JSON.stringify(itf, null, 2)}\n`);
  return path;
}

/** The counterexample's HTML page beside its trace; null when the model cannot be loaded here. */
function writeHtml(best: Found, tracePath: string): string | null {
  let text: string;
  try {
    text = readFileSync(best.outcome.file, "utf8");
  } catch {
    return null;
  }
  const compiled = compileSource({ path: best.outcome.file, text });
  if (!compiled.ok) return null;
  const loaded = loadTestModel(compiled.ir, best.outcome.test, best.faults);
  if (!loaded.ok) return null;
  const meta = (best.itf as { "#meta": { faultline?: { steps?: Json[] } } })["#meta"];
  return writeCounterexampleHtml(loaded.model, {
    file: best.outcome.file,
    text,
    test: best.outcome.test,
    steps: meta.faultline?.steps ?? [],
    ...(best.outcome.failure ? { failure: best.outcome.failure } : {}),
    ...(best.outcome.loop !== undefined ? { loop: best.outcome.loop } : {}),
    tracePath,
  });
}

/** The swarm's lines above the usual report: shards, missing ones, overlap and who found what. */
function swarmText(summary: MergeSummary): string {
  const { shards } = summary;
  const lines = [
    `Swarm: ${shards.present.length} of ${plural(shards.count, "shard")} (seed ${shards.seed}), ` +
      `${plural(summary.entries, "portfolio entry", "portfolio entries")}, ` +
      `${plural(summary.swarm.runs, "run")} a shard per test`,
  ];
  if (shards.missing.length > 0)
    lines.push(
      `MISSING ${plural(shards.missing.length, "shard")}: ${shards.missing.join(", ")} of ${shards.count}: ` +
        "the merge does not pass; rerun them with the same --shard i/N, --seed and budget",
    );
  for (const b of shards.bounded)
    lines.push(
      `BOUNDED shard ${b.shard} of ${shards.count}, stopped by its memory budget: the merge does not pass; ` +
        "rerun it with more --memory (same --shard i/N, --seed and budget)",
      `  ${b.message}`,
    );
  for (const t of summary.tests) {
    lines.push(
      `  ${t.file} ${t.test}: ~${plural(t.statesSeen, "distinct state")} seen ` +
        `(${t.statesSummed.toLocaleString("en-US")} summed over shards: ${Math.round(t.overlap * 100)}% overlap), ` +
        `${plural(t.runs, "run")}`,
    );
    if (t.livenessChecked === false && t.failures.length === 0)
      lines.push(
        "    liveness not checked for fair cycles: a swarm checks hot spec states at the end of runs " +
          "(and with --temperature); the exhaustive check does the rest",
      );
    for (const f of t.failures) {
      lines.push(
        `    ${f.property}: shortest counterexample ${plural(f.traceLength, "step")}, shard ${f.shard} entry ${f.entry} ` +
          `(${f.label}); found by ${plural(f.foundBy.length, "entry", "entries")}`,
        `      replay: ${f.replayCommand}`,
      );
    }
    for (const w of t.witnesses ?? []) {
      if (!w.reached) {
        lines.push(`    ${w.kind} ${w.name}: reached by no shard (${plural(w.searched, "random step")})`);
        continue;
      }
      lines.push(
        `    ${w.kind} ${w.name}: reached, shortest witness ${plural(w.traceLength ?? 0, "step")}, shard ${w.shard} entry ${w.entry}` +
          ` (reached by ${plural(w.reachedBy.length, "shard")})`,
      );
      if (w.replayCommand !== null) lines.push(`      replay: ${w.replayCommand}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

export function runMerge(argv: readonly string[], io: Io): ExitCodeValue {
  const usage = (message: string) => {
    io.err(`faultline merge: ${message}\n`);
    return ExitCode.usage;
  };
  const parsed = parseArgs(argv, MERGE_FLAGS);
  if (!parsed.ok) return usage(parsed.message);
  const { positionals, flags } = parsed.args;
  if (positionals.length === 0)
    return usage("no artifacts given (usage: faultline merge <artifacts|dirs>...)");
  const reporterNames = (flags.get("reporter") as string[] | undefined) ?? ["pretty"];
  const unknown = reporterNames.find((r) => !isReporter(r));
  if (unknown !== undefined) return usage(`unknown reporter '${unknown}' (expected ${reporterList()})`);
  const reporters = reporterNames as ReporterName[];
  const outDir = flags.get("out") as string | undefined;
  const plan = planStdout(reporters, outDir !== undefined);
  if (!plan.ok) return usage(plan.message);
  if (reporters.includes("html") && outDir === undefined)
    return usage("--reporter html writes pages beside the traces: give --out DIR");
  const paths = artifactPaths(positionals);
  if (!paths.ok) return usage(paths.message);

  // Read, check and order the artifacts; one bad artifact stops the merge, located.
  const byIndex = new Map<number, { artifact: ShardArtifact; text: string; file: string }>();
  let reference: { artifact: ShardArtifact; file: string } | null = null;
  for (const file of paths.files) {
    const read = readArtifact(file);
    if (!read.ok) {
      io.err(problemText(read.problem));
      return ExitCode.usage;
    }
    const { artifact, text } = read;
    const at = (field: string) => {
      const offset = Math.max(0, text.indexOf(`"${field}"`));
      const before = text.slice(0, offset);
      return { line: before.split("\n").length, col: offset - before.lastIndexOf("\n") };
    };
    if (reference === null) reference = { artifact, file };
    const ref = reference.artifact;
    const mismatch =
      artifact.shard.count !== ref.shard.count
        ? `a swarm of ${artifact.shard.count} shards, not ${ref.shard.count}`
        : artifact.shard.seed !== ref.shard.seed
          ? `seed ${artifact.shard.seed}, not ${ref.shard.seed}`
          : artifact.tool.version !== ref.tool.version
            ? `written by faultline ${artifact.tool.version}, not ${ref.tool.version}`
            : JSON.stringify(artifact.swarm) !== JSON.stringify(ref.swarm)
              ? "a different budget, files, tests or faults"
              : null;
    if (mismatch !== null) {
      const where = at(mismatch.startsWith("a swarm") || mismatch.startsWith("seed") ? "shard" : "swarm");
      io.err(
        problemText({
          file,
          ...where,
          code: "swarm-mismatch",
          message: `this artifact is from another swarm than ${reference.file}: ${mismatch}`,
          hint: "merge the artifacts of one swarm: the same --shard i/N count, --seed, budget, files and faultline version",
        }),
      );
      return ExitCode.usage;
    }
    const seen = byIndex.get(artifact.shard.index);
    if (seen !== undefined) {
      if (seen.text === text) continue;
      io.err(
        problemText({
          file,
          ...at("shard"),
          code: "swarm-duplicate",
          message: `shard ${artifact.shard.index} of ${artifact.shard.count} is also ${seen.file}, with other results`,
          hint: "a shard rerun with the same index, seed and budget writes the same artifact; keep one of them",
        }),
      );
      return ExitCode.usage;
    }
    byIndex.set(artifact.shard.index, { artifact, text, file });
  }
  const ordered = [...byIndex.keys()].sort((a, b) => a - b).map((i) => byIndex.get(i)!.artifact);
  const ref = ordered[0]!;
  const count = ref.shard.count;
  const missing: number[] = [];
  for (let i = 1; i <= count; i++) if (!byIndex.has(i)) missing.push(i);
  const bounded: MergeSummary["shards"]["bounded"] = ordered
    .filter((a) => a.bounded !== undefined)
    .map((a) => ({ shard: a.shard.index, reason: "memory", message: a.boundMessage ?? "" }));
  const incomplete = incompleteReason(missing, bounded, count);

  // Tests, by file (sorted) then as the lowest shard lists them.
  const files = [...new Set(ordered.flatMap((a) => a.files))].sort();
  const keys: { file: string; test: string }[] = [];
  const recordsOf = new Map<string, { shard: number; record: TestRecord }[]>();
  for (const artifact of ordered) {
    for (const record of artifact.tests) {
      const key = `${record.file}\u0000${record.test}`;
      if (!recordsOf.has(key)) {
        recordsOf.set(key, []);
        keys.push({ file: record.file, test: record.test });
      }
      recordsOf.get(key)!.push({ shard: artifact.shard.index, record });
    }
  }
  keys.sort((a, b) => files.indexOf(a.file) - files.indexOf(b.file));
  const outcomes: TestOutcome[] = [];
  const merged: MergedTest[] = [];
  for (const [n, key] of keys.entries()) {
    const m = mergeTest(recordsOf.get(`${key.file}\u0000${key.test}`)!, incomplete, ref.shard.seed);
    if (m.best !== null && outDir !== undefined) {
      const tracePath = writeTrace(outDir, n + 1, m.best);
      m.outcome.tracePath = tracePath;
      for (const f of m.merged.failures)
        if (f.shard === m.best.shard && f.entry === m.best.entry) f.tracePath = tracePath;
      if (reporters.includes("html")) {
        const html = writeHtml(m.best, tracePath);
        if (html !== null) m.outcome.htmlPath = html;
        else
          io.err(
            `faultline merge: note: no HTML page for ${key.file} ${key.test}: the model file cannot be loaded here\n`,
          );
      }
    }
    outcomes.push(m.outcome);
    merged.push(m.merged);
  }
  const modelErrors = ordered.find((a) => a.modelErrors.length > 0)?.modelErrors ?? [];
  const codes: ExitCodeValue[] = outcomes.map((o) => o.exitCode as ExitCodeValue);
  if (modelErrors.length > 0) codes.push(ExitCode.modelError);
  if (incomplete !== null) codes.push(ExitCode.bounded);
  const exitCode = combineExitCodes(codes);
  const report: RunReport = {
    tool: { name: "faultline", version: VERSION },
    startedAt: MERGE_EPOCH,
    elapsedMs: 0,
    exitCode,
    rootDir: process.cwd(),
    hostname: "swarm",
    files,
    modelErrors,
    tests: outcomes,
  };
  const summary: MergeSummary = {
    format: "faultline-swarm-merge",
    version: 1,
    shards: {
      count,
      seed: ref.shard.seed,
      present: [...byIndex.keys()].sort((a, b) => a - b),
      missing,
      bounded,
    },
    entries: count * entriesPerShard(count),
    swarm: ref.swarm,
    tests: merged,
    exitCode,
  };
  if (reporters.includes("pretty")) {
    const prettyOptions = { quiet: Boolean(flags.get("quiet")), verbose: true, color: colorEnabled(io) };
    const write = (t: string) => (plan.prettyToStderr ? io.err(t) : io.out(t));
    write(toPretty(report, prettyOptions));
    write(`\n${swarmText(summary)}`);
  }
  if (outDir !== undefined) {
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, "swarm.json"), `${JSON.stringify(summary, null, 2)}\n`);
  }
  emitReports(report, reporters, { outDir, out: (text) => io.out(text), env: io.env });
  return exitCode;
}
