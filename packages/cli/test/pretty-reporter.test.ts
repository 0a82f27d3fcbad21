// The terminal report (`--reporter pretty`) as a pure function of hand-built
// run reports, like the CI reporters; the bundled models and cli tests check it
// against real runs.
import { describe, expect, it } from "vitest";
import { type PrettyOptions, prettyReporter, toPretty } from "../src/reporters/pretty.js";
import { BUILTIN_CHECKS, type RunReport, type TestOutcome } from "../src/reporters/run-report.js";

const PLAIN: PrettyOptions = { quiet: false, verbose: false, color: false };

function passing(overrides: Partial<TestOutcome> = {}): TestOutcome {
  return {
    file: "models/two-phase.fl",
    test: "Small",
    properties: [...BUILTIN_CHECKS],
    outcome: "pass",
    failure: null,
    exitCode: 0,
    stats: { distinctStates: 1234, generatedStates: 5000, maxDepth: 9, elapsedMs: 700 },
    traceLength: null,
    tracePath: null,
    replayCommand: null,
    seed: null,
    mode: "exhaustive",
    ...overrides,
  };
}

function violation(overrides: Partial<TestOutcome> = {}): TestOutcome {
  return passing({
    test: "TwoPhase",
    outcome: "violation",
    failure: {
      kind: "invariant",
      property: "NoSplitDecision",
      message: "invariant NoSplitDecision does not hold",
      location: { file: "models/two-phase.fl", line: 40, col: 11 },
    },
    exitCode: 1,
    stats: { distinctStates: 1, generatedStates: 2, maxDepth: 1, elapsedMs: 12 },
    traceLength: 1,
    tracePath: "out/two-phase.TwoPhase.itf.json",
    traceText:
      "  1. init: Coordinator(0)\n  => invariant NoSplitDecision: invariant NoSplitDecision does not hold",
    ...overrides,
  });
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
        "  ✗ TwoPhase: invariant NoSplitDecision at models/two-phase.fl:40:11: invariant NoSplitDecision does not hold — 1 state, depth 1, 0.01s",
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
    const missed = passing({
      test: "Big",
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
    const random = violation({
      mode: "random",
      seed: 7,
      randomStats: { strategy: "pct", seed: 7, runs: 1200, steps: 34_000, stepsPerSecond: 99_999.6 },
      random: {
        run: 3,
        originalLength: 40,
        shrunkLength: 1,
        replayCommand: "faultline check m.fl --mode pct --seed 7 --run 3",
        strategy: "pct",
        seed: 7,
      },
    });
    const bounded = passing({ test: "Huge", outcome: "bounded", boundReason: "max-states", exitCode: 5 });
    const broken = passing({
      test: "Odd",
      outcome: "error",
      errorMessage: "boom",
      stats: null,
      exitCode: 70,
    });
    const reduced = passing({
      test: "Sym",
      symmetricTypes: ["Participant"],
      safety: { distinctStates: 50, expandedStates: 40, ampleExpansions: 30 },
      liveness: { checked: true, outcome: "bounded", states: 900, elapsedMs: 1500, reason: "timeout" },
    });
    const skipped = passing({ test: "Fast", liveness: { checked: false } });
    const text = toPretty(report([random, bounded, broken, reduced, skipped]), PLAIN);
    expect(text).toContain("— pct seed 7: 1,200 runs, 34,000 steps (100,000/s), 0.01s\n");
    expect(text).toContain("      found by pct run 3 (seed 7) in 40 steps, shrunk to 1\n");
    expect(text).toContain("      reproduce: faultline check m.fl --mode pct --seed 7 --run 3\n");
    expect(text).toContain("  ✗ Huge: bounded (max-states) without a verdict — 1,234 states");
    expect(text).toContain("  ✗ Odd: checker error: boom\n");
    expect(text).toContain(
      "      symmetry reduction: Participant (states counted up to renaming their instances)\n",
    );
    expect(text).toContain("      partial-order reduction: 30 of the 40 states expanded used an ample set\n");
    expect(text).toContain(
      "      the safety search passed on 50 states; liveness check (full state space, not reduced): stopped by timeout, 900 states, 1.50s\n",
    );
    expect(text).toContain("      liveness not checked (--no-liveness)");
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
