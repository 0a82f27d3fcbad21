// The result artifact of one swarm shard (`faultline check --shard i/N --out
// DIR` writes DIR/shard-i-of-N.json; `faultline merge` reads them): plain
// JSON, self-contained (each failure carries its shrunk steps as an ITF trace,
// its report and its replay command), and with no timings, dates or host
// names, so a shard rerun with the same index, seed and budget writes the
// same bytes. docs/swarm.md describes the fields.
import { readFileSync } from "node:fs";
import type { Json, PortfolioStrategy, SourceLocation } from "@faultline/checker";
import type { ModelErrorReport, TestOutcome } from "./reporters/run-report.js";

export const ARTIFACT_FORMAT = "faultline-swarm-shard";
export const ARTIFACT_VERSION = 1;

/** `shard-3-of-8.json`: shard numbers start at 1, as in `--shard 3/8`. */
export function artifactName(shard: number, count: number): string {
  return `shard-${shard}-of-${count}.json`;
}

export interface ArtifactEntry {
  entry: number;
  strategy: PortfolioStrategy;
  label: string;
  seed: number;
  runs: number;
  maxSteps: number;
  prefixLength?: number;
  maxStates?: number;
}

/** What one portfolio entry did on one test. */
export interface EntryRecord {
  entry: number;
  /**
   * "pass" (nothing found), "violation", "deadlock", "liveness", "error",
   * "bounded" (the shard's memory budget stopped it) or "not run" (the shard
   * stopped for its memory budget before it).
   */
  outcome: string;
  runs: number;
  steps: number;
  distinctStates: number;
  /** The `--faults` text the entry's model was built with; absent: the test's own (or the run's --faults). */
  faults?: string;
  error?: string;
}

export interface FailureRecord {
  entry: number;
  label: string;
  /** The failure's property (`deadlock`, an invariant's name...). */
  property: string;
  traceLength: number;
  /** Runs this entry's search alone again: random and PCT by seed and run, a bounded exhaustive entry by its shard. */
  replayCommand: string;
  /** The test's report with this counterexample (reporters/run-report.ts). */
  outcome: TestOutcome;
  /** The counterexample as an ITF trace (trace/itf.ts); its source path is set when the merge writes it. */
  itf: Json;
  faults?: string;
}

/** What a shard's random and PCT walks found for one witness property (`reachable`, `cover`). */
export interface WitnessRecord {
  name: string;
  kind: "reachable" | "cover";
  location?: SourceLocation;
  reached: boolean;
  /** The shortest (shrunk) witness trace's steps over the shard's entries; null when not reached. */
  traceLength: number | null;
  /** The entry that reached it (ties: the lowest), its label and the command that runs its walk again. */
  entry: number | null;
  label: string | null;
  replayCommand: string | null;
  /** Entries whose walks searched it, and the steps they took (summed). */
  entries: number;
  searched: number;
  /** A bound (the time) stopped one of its searches before it was reached. */
  bound?: string;
}

export interface TestRecord {
  file: string;
  test: string;
  properties: string[];
  testLocation?: SourceLocation;
  runs: number;
  steps: number;
  /** The longest run's depth (steps after the initial state). */
  maxDepth: number;
  /**
   * The test has spec monitors with hot states: a swarm checks them only at
   * the end of runs (and with --temperature), not for fair cycles.
   */
  hotStates: boolean;
  entries: EntryRecord[];
  failures: FailureRecord[];
  /** Union of the entries' coverage (coverageToJson), null when the model counts none. */
  coverage: Json | null;
  /** Bottom-k sketch of the distinct states seen (search/state-sketch.ts). */
  sketch: { size: number; values: number[] };
  /** The test's witness properties, in declaration order; absent when it has none. */
  witnesses?: WitnessRecord[];
}

export interface ShardArtifact {
  format: typeof ARTIFACT_FORMAT;
  version: typeof ARTIFACT_VERSION;
  tool: { name: string; version: string };
  /** `index` starts at 1. */
  shard: { index: number; count: number; seed: number };
  /** What every shard of the swarm must share: the merge refuses artifacts that differ here. */
  swarm: {
    runs: number;
    maxSteps: number;
    timeoutMs: number | null;
    temperature: number | null;
    faults: string | null;
    tests: string[] | null;
    params: string[] | null;
    symmetry: boolean;
    paths: string[];
  };
  entries: ArtifactEntry[];
  files: string[];
  modelErrors: ModelErrorReport[];
  tests: TestRecord[];
  exitCode: number;
  /**
   * Present when the shard's `--memory` budget stopped it: the entries it did
   * not run are listed as "not run", and the merge cannot pass.
   */
  bounded?: "memory";
  /** Why (what the process held), with `bounded`. */
  boundMessage?: string;
}

/** A bad artifact, located: the file, and the line and column in it when known. */
export interface ArtifactProblem {
  file: string;
  line: number;
  col: number;
  code: string;
  message: string;
  hint: string;
}

export function problemText(p: ArtifactProblem): string {
  return `${p.file}:${p.line}:${p.col}: error[${p.code}]: ${p.message}\n  hint: ${p.hint}\n`;
}

/** Line and column (from 1) of a character offset in `text`. */
function lineCol(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const line = before.split("\n").length;
  return { line, col: before.length - before.lastIndexOf("\n") };
}

/** Reads and checks one artifact; never throws. */
export function readArtifact(
  file: string,
): { ok: true; artifact: ShardArtifact; text: string } | { ok: false; problem: ArtifactProblem } {
  const fail = (code: string, message: string, hint: string, at = 0, text = "") => ({
    ok: false as const,
    problem: { file, ...lineCol(text, at), code, message, hint },
  });
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return fail("swarm-unreadable", "cannot read the artifact", "give the path of a shard-i-of-N.json file");
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    const at = /position (\d+)/.exec(String(e))?.[1];
    return fail(
      "swarm-not-json",
      "the artifact is not valid JSON",
      "was the shard killed while writing it? rerun that shard (same --shard, --seed and budget)",
      at === undefined ? 0 : Number(at),
      text,
    );
  }
  const record = data as Partial<ShardArtifact> | null;
  if (record === null || typeof record !== "object" || record.format !== ARTIFACT_FORMAT) {
    return fail(
      "swarm-not-artifact",
      `not a swarm shard artifact (no "format": "${ARTIFACT_FORMAT}")`,
      "merge the files `faultline check --shard i/N --out DIR` wrote",
    );
  }
  if (record.version !== ARTIFACT_VERSION) {
    const at = text.indexOf('"version"');
    return fail(
      "swarm-version",
      `artifact version ${String(record.version)}, this faultline reads version ${ARTIFACT_VERSION}`,
      "run the shards and the merge with the same faultline version",
      at,
      text,
    );
  }
  const shard = record.shard;
  if (
    !shard ||
    !Number.isInteger(shard.count) ||
    !Number.isInteger(shard.index) ||
    shard.index < 1 ||
    shard.index > shard.count ||
    !Array.isArray(record.tests) ||
    !record.swarm
  ) {
    return fail(
      "swarm-malformed",
      "the artifact's shard, swarm or tests fields are missing or malformed",
      "rerun that shard; artifacts are not meant to be edited",
      Math.max(0, text.indexOf('"shard"')),
      text,
    );
  }
  return { ok: true, artifact: record as ShardArtifact, text };
}
