// The terminal report (`--reporter pretty`) as a pure function of run reports
// built from hand-made checker results, like the CI reporters; the bundled
// models and cli tests check it against real runs.
import type { CheckResult, CheckStats, Failure, RandomStats, ViolationResult } from "@faultline/checker";
import { describe, expect, it } from "vitest";
import { type PrettyOptions, prettyReporter, toPretty } from "../src/reporters/pretty.js";
import {
  BUILTIN_CHECKS,
  type RunReport,
  type TestOutcome,
  type TestOutcomeInput,
  testOutcomeFromResult,
} from "../src/reporters/run-report.js";

const PLAIN: PrettyOptions = { quiet: false, verbose: false, color: false };

const STATS: CheckStats = {
  distinctStates: 1234,
  generatedStates: 5000,
  maxDepth: 9,
  elapsedMs: 700,
  distinctStatesPerSecond: 1763,
  generatedStatesPerSecond: 7143,
};

const NO_SPLIT: Failure = {
  kind: "invariant",
  property: "NoSplitDecision",
  message: "invariant NoSplitDecision does not hold",
  location: { file: "models/two-phase.fl", line: 40, col: 11 },
};

/** A test's outcome as check builds it from the checker's result. */
function outcome(test: string, result: CheckResult, extra: Partial<TestOutcomeInput> = {}): TestOutcome {
  return testOutcomeFromResult({
    file: "models/two-phase.fl",
    test,
    properties: [...BUILTIN_CHECKS],
    result,
    exitCode: result.kind === "pass" ? 0 : 1,
    ...extra,
  });
}

const passing = (test = "Small", extra: Partial<TestOutcomeInput> = {}) =>
  outcome(test, { kind: "pass", stats: STATS }, extra);

function violation(
  extra: Partial<TestOutcomeInput> = {},
  result: Partial<ViolationResult> = {},
): TestOutcome {
  const stats = { ...STATS, distinctStates: 1, maxDepth: 1, elapsedMs: 12 };
  return outcome(
    "TwoPhase",
    { kind: "violation", failure: NO_SPLIT, trace: { steps: [{ init: 0 }] }, stats, ...result },
    {
      tracePath: "out/two-phase.TwoPhase.itf.json",
      traceText:
        "  1. init: Coordinator(0)\n  => invariant NoSplitDecision: invariant NoSplitDecision does not hold",
      ...extra,
    },
  );
}

function report(tests: TestOutcome[], overrides: Partial<RunReport> = {}): RunReport {
  return {
    tool: { name: "faultline", version: "0.1.0" },
    startedAt: "2025-03-04T05:06:07.890Z",
    elapsedMs: 1000,
    exitCode: 1,
    files: [...new Set(tests.map((t) => t.file))],
    modelErrors: [],
    tests,
    ...overrides,
  };
}

describe("the pretty reporter", () => {
  it("writes a heading per file, a line per test with its counterexample, then a table and the counts", () => {
    expect(toPretty(report([passing(), violation()]), PLAIN)).toBe(
      [
        "models/two-phase.fl",
        "  ✓ Small: pass — 1,234 states, depth 9, 0.70s",
        "  ✗ TwoPhase: invariant NoSplitDecision does not hold (models/two-phase.fl:40:11) — 1 state, depth 1, 0.01s",
        "        1. init: Coordinator(0)",
        "        => invariant NoSplitDecision: invariant NoSplitDecision does not hold",
        "      trace saved to out/two-phase.TwoPhase.itf.json (replay: faultline replay out/two-phase.TwoPhase.itf.json)",
        "",
        "test                          outcome                      states",
        "----------------------------  ---------------------------  ------",
        "models/two-phase.fl Small     pass                         1,234",
        "models/two-phase.fl TwoPhase  violation (NoSplitDecision)  1",
        "",
        "1 passed, 1 failed",
        "",
      ].join("\n"),
    );
  });

  it("keeps only failures and the counts with quiet, and colours marks and the verdict on a terminal", () => {
    const quiet = toPretty(report([passing(), violation()]), { ...PLAIN, quiet: true });
    expect(quiet).not.toContain("models/two-phase.fl\n");
    expect(quiet).not.toContain("✓ Small");
    expect(quiet).toContain("✗ TwoPhase");
    const colored = toPretty(report([passing()], { exitCode: 0 }), { ...PLAIN, color: true });
    expect(colored).toContain("\x1b[1mmodels/two-phase.fl\x1b[0m\n");
    expect(colored).toContain("  \x1b[32m✓\x1b[0m Small");
    expect(colored).toContain("\x1b[32m1 passed, 0 failed\x1b[0m");
  });

  it("says how expectations compared, hides expected counterexamples unless verbose, and lists undeclared ones", () => {
    const matched = violation({ expectation: { matched: true, message: null } });
    const missed = passing("Big", {
      expectation: { matched: false, message: "expected violation, got pass" },
    });
    const run = report([matched, missed], {
      expectations: { undeclared: [{ file: "models/two-phase.fl", test: "Gone" }], unpinned: 2 },
    });
    const text = toPretty(run, PLAIN);
    expect(text).toContain("  ✗ Gone: listed in expected.json but not declared in two-phase.fl\n");
    expect(text).toContain("0.01s (as expected)\n");
    expect(text).not.toContain("trace saved to");
    expect(text).toContain(
      "  ✗ Big: pass — 1,234 states, depth 9, 0.70s (MISMATCH: expected violation, got pass)\n",
    );
    expect(text).toContain("  expected\n");
    expect(text).toContain("\n1 matched expectations, 2 mismatched\n");
    expect(text).toMatch(/\(2 expectations: outcome and property compared, .*\)\n$/);
    expect(toPretty(run, { ...PLAIN, verbose: true })).toContain("trace saved to");
  });

  it("describes random findings, bounds, checker errors, reductions and the liveness check", () => {
    const randomStats = {
      ...STATS,
      elapsedMs: 12,
      strategy: "pct",
      seed: 7,
      runs: 1200,
      steps: 34_000,
      stepsPerSecond: 99_999.6,
    };
    const random = violation(
      { mode: "random", seed: 7 },
      {
        stats: randomStats as unknown as RandomStats,
        random: {
          strategy: "pct",
          seed: 7,
          run: 3,
          originalLength: 40,
          shrunkLength: 1,
          originalTrace: { steps: [] },
          shrinkReplays: 9,
          shrinkMs: 1,
          replayCommand: "faultline check m.fl --mode pct --seed 7 --run 3",
        },
      },
    );
    const bounded = outcome("Huge", { kind: "bounded", reason: "max-states", stats: STATS });
    const broken = outcome("Odd", { kind: "error", message: "boom" });
    const reduced = passing("Sym", {
      symmetricTypes: ["Participant"],
      safety: { distinctStates: 50, expandedStates: 40, ampleExpansions: 30 },
      liveness: { checked: true, outcome: "bounded", states: 900, elapsedMs: 1500, reason: "timeout" },
    });
    const skipped = passing("Fast", { liveness: { checked: false } });
    const text = toPretty(report([random, bounded, broken, reduced, skipped]), PLAIN);
    for (const line of [
      "— pct seed 7: 1,200 runs, 34,000 steps (100,000/s), 0.01s\n",
      "      found by pct run 3 (seed 7) in 40 steps, shrunk to 1\n",
      "      reproduce: faultline check m.fl --mode pct --seed 7 --run 3\n",
      "  ✗ Huge: bounded (max-states) without a verdict — 1,234 states",
      "  ✗ Odd: checker error: boom\n",
      "      symmetry reduction: Participant (states counted up to renaming their instances)\n",
      "      partial-order reduction: 30 of the 40 states expanded used an ample set\n",
      "      the safety search passed on 50 states; liveness check (full state space, not reduced): stopped by timeout, 900 states, 1.50s\n",
      "      liveness not checked (--no-liveness)",
    ])
      expect(text).toContain(line);
    expect(text).toMatch(/models\/two-phase.fl Odd +model-error +-\n/);
  });

  it("writes nothing but the note when --test named no test and nothing ran", () => {
    expect(toPretty(report([], { files: [], unmatchedTests: ["Nope"] }), PLAIN)).toBe("");
  });

  it("writes the same text piece by piece as the run goes", () => {
    const run = report([passing(), violation()]);
    let streamed = "";
    const reporter = prettyReporter((text) => {
      streamed += text;
    }, PLAIN);
    reporter.fileStarted("models/two-phase.fl", 2);
    for (const t of run.tests) reporter.testFinished(t);
    reporter.runFinished(run);
    expect(streamed).toBe(toPretty(run, PLAIN));
  });
});
