// The JSON summary (`--reporter json`): a versioned document for scripts.
// Version 1 keeps every field of the first `check --reporter json` output
// (modelErrors[].errors included) and only adds fields; a change that removes
// or retypes a field bumps the version. docs/reporters.md documents it.
import type { Failure, ScenarioCoverage, VacuityWarning } from "@faultline/checker";
import type { Diagnostic } from "@faultline/lang";
import { outcomeText, testPassed } from "./format.js";
import type {
  LivenessReport,
  ObserveFigures,
  RandomFindingReport,
  RunReport,
  TestOutcomeKind,
  TestOutcome,
  TestStats,
  WitnessReport,
} from "./run-report.js";

export const JSON_SUMMARY_VERSION = 1;

export interface JsonDiagnostic {
  code: string;
  severity: "error" | "warning";
  message: string;
  file: string;
  line: number;
  col: number;
  endLine: number;
  endCol: number;
  hint: string | null;
}

export interface JsonTestSummary {
  file: string;
  test: string;
  outcome: TestOutcomeKind;
  /** The violated property (or built-in check), null when nothing failed. */
  property: string | null;
  /** One phrase, e.g. "violation of NoSplitDecision". */
  summary: string;
  /** Passed, or matched its expectation with --expected. */
  passed: boolean;
  properties: string[];
  exitCode: number;
  mode: "exhaustive" | "random";
  seed: number | null;
  stats: TestStats | null;
  failure: Failure | null;
  traceLength: number | null;
  tracePath: string | null;
  replayCommand: string | null;
  boundReason: string | null;
  errorMessage: string | null;
  expectation: { matched: boolean; message: string | null } | null;
  coverage?: unknown;
  random?: {
    run: number;
    originalLength: number;
    shrunkLength: number;
    /** False when a budget stopped shrinking before the trace was 1-minimal. */
    shrinkMinimal: boolean;
    replayCommand: string;
  };
  /** The counterexample's HTML page (`--reporter html`), else null. */
  htmlPath: string | null;
  loop?: number;
  liveness?: JsonLiveness;
  /** The test's witness properties (`reachable`): reached (shortest trace length; text with --witnesses) or not. */
  witnesses?: WitnessReport[];
  /** After a pass: what never happened (vacuity.ts); they fail the test with --strict. */
  vacuity?: VacuityWarning[];
  /** Per spec monitor: its states and transitions this test covered. */
  scenario?: ScenarioCoverage[];
}

/** A spec monitor's scenario coverage over every test of its file that asserts it. */
export interface JsonScenarioCoverage extends ScenarioCoverage {
  file: string;
  /** The tests merged. */
  tests: string[];
}

export type JsonLiveness =
  | { checked: false }
  | { checked: true; outcome: string; states: number; elapsedMs: number };

export interface JsonSummary {
  version: typeof JSON_SUMMARY_VERSION;
  tool: { name: string; version: string };
  /** True when the run's exit code is 0. */
  ok: boolean;
  exitCode: number;
  startedAt: string;
  elapsedMs: number;
  files: string[];
  counts: { tests: number; passed: number; failed: number; filesWithModelErrors: number };
  /** Ctrl-C stopped the run: the last test's outcome is "interrupted", later tests are missing. */
  interrupted: boolean;
  tests: JsonTestSummary[];
  /** Per file and spec monitor: the states and transitions covered by any of its tests (merged). */
  scenarioCoverage: JsonScenarioCoverage[];
  modelErrors: { file: string; errors: number; expected: boolean; diagnostics: JsonDiagnostic[] }[];
  /** `faultline observe` only: the log's figures (docs/observe.md). */
  observe?: ObserveFigures;
}

/** Times in the summary: milliseconds to 0.1 ms (`354.6`, not `354.6005909999999`). */
export function roundMs(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function diagnosticJson(d: Diagnostic): JsonDiagnostic {
  return {
    code: d.code,
    severity: d.severity,
    message: d.message,
    file: d.span.file,
    line: d.span.start.line,
    col: d.span.start.col,
    endLine: d.span.end.line,
    endCol: d.span.end.col,
    hint: d.hint ?? null,
  };
}

/** The fields of version 1 (the report's other fields are for the terminal). */
function randomJson(r: RandomFindingReport): NonNullable<JsonTestSummary["random"]> {
  return {
    run: r.run,
    originalLength: r.originalLength,
    shrunkLength: r.shrunkLength,
    shrinkMinimal: r.shrinkMinimal ?? false,
    replayCommand: r.replayCommand,
  };
}

function livenessJson(l: LivenessReport): JsonLiveness {
  return l.checked
    ? { checked: true, outcome: l.outcome, states: l.states, elapsedMs: roundMs(l.elapsedMs) }
    : { checked: false };
}

export function toJsonSummary(report: RunReport): JsonSummary {
  const tests: JsonTestSummary[] = report.tests.map((t) => ({
    file: t.file,
    test: t.test,
    outcome: t.outcome,
    property: t.failure?.property ?? null,
    summary: outcomeText(t),
    passed: testPassed(t),
    properties: [...t.properties],
    exitCode: t.exitCode,
    mode: t.mode,
    seed: t.seed,
    stats: t.stats && { ...t.stats, elapsedMs: roundMs(t.stats.elapsedMs) },
    failure: t.failure,
    traceLength: t.traceLength,
    tracePath: t.tracePath,
    htmlPath: t.htmlPath ?? null,
    replayCommand: t.replayCommand,
    boundReason: t.boundReason ?? null,
    errorMessage: t.errorMessage ?? null,
    expectation: t.expectation ?? null,
    ...(t.coverage !== undefined ? { coverage: t.coverage } : {}),
    ...(t.random !== undefined ? { random: randomJson(t.random) } : {}),
    ...(t.loop !== undefined ? { loop: t.loop } : {}),
    ...(t.liveness !== undefined ? { liveness: livenessJson(t.liveness) } : {}),
    ...(t.witnesses !== undefined ? { witnesses: t.witnesses } : {}),
    ...(t.vacuity !== undefined ? { vacuity: t.vacuity } : {}),
    ...(t.scenario !== undefined ? { scenario: t.scenario } : {}),
  }));
  const passed = tests.filter((t) => t.passed).length;
  const modelErrors = report.modelErrors.map((m) => ({
    file: m.file,
    errors: m.diagnostics.filter((d) => d.severity === "error").length,
    expected: m.expected === true,
    diagnostics: m.diagnostics.map(diagnosticJson),
  }));
  return {
    version: JSON_SUMMARY_VERSION,
    tool: { name: report.tool.name, version: report.tool.version },
    ok: report.exitCode === 0,
    exitCode: report.exitCode,
    startedAt: report.startedAt,
    elapsedMs: roundMs(report.elapsedMs),
    files: [...report.files],
    counts: {
      tests: tests.length,
      passed,
      failed: tests.length - passed,
      filesWithModelErrors: modelErrors.filter((m) => !m.expected).length,
    },
    interrupted: report.interrupted === true,
    tests,
    scenarioCoverage: mergedScenarioCoverage(report.tests),
    modelErrors,
    ...(report.observe !== undefined ? { observe: report.observe } : {}),
  };
}

/** A part (states or transitions) covered by any of the tests: uncovered only where every test left it uncovered. */
function mergePart(a: ScenarioCoverage["states"], b: ScenarioCoverage["states"]): ScenarioCoverage["states"] {
  const uncovered = a.uncovered.filter((x) => b.uncovered.includes(x));
  return { covered: a.total - uncovered.length, total: a.total, uncovered };
}

/** Scenario coverage per file and spec, merged over the tests that assert the spec. */
export function mergedScenarioCoverage(tests: readonly TestOutcome[]): JsonScenarioCoverage[] {
  const merged = new Map<string, JsonScenarioCoverage>();
  for (const t of tests) {
    for (const s of t.scenario ?? []) {
      const key = `${t.file}\0${s.spec}`;
      const seen = merged.get(key);
      if (seen === undefined) {
        merged.set(key, { file: t.file, ...structuredClone(s), tests: [t.test] });
        continue;
      }
      seen.states = mergePart(seen.states, s.states);
      seen.transitions = mergePart(seen.transitions, s.transitions);
      seen.tests.push(t.test);
    }
  }
  return [...merged.values()];
}
