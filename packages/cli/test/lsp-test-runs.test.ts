// Code lenses on tests (src/lsp/test-runs.ts): the built `faultline check`
// run in a child process, its reports read back into the lens's title, a
// diagnostic on the violated property (trace, replay command, HTML page) and
// the hover's trace; stale results are dropped when the text changes.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyse } from "../src/lsp/analysis.js";
import {
  CHECK_TEST_COMMAND,
  codeLenses,
  failureReports,
  parseRun,
  runDiagnostics,
  spawnRunner,
  type TestRun,
} from "../src/lsp/test-runs.js";
import { BIN } from "./bin-path.js";

const BUGGY = join(import.meta.dirname, "../../../models/two-phase-commit/two-phase-commit-buggy.fl");
const text = readFileSync(BUGGY, "utf8");
const a = analyse("file:///m/2pc-buggy.fl", BUGGY, text);
const run = spawnRunner(BIN);

describe("checking a test from its code lens", () => {
  it("a violation: the lens says so, the property gets a diagnostic, the hover the trace", async () => {
    const lenses = codeLenses(a, new Map());
    expect(lenses.map((l) => l.command?.title)).toEqual(["▶ check", "▶ check"]);
    expect(lenses[1]!.command).toMatchObject({
      command: CHECK_TEST_COMMAND,
      arguments: [a.uri, "CoordinatorCrash"],
    });

    const output = await run(BUGGY, "CoordinatorCrash");
    expect(output.code).toBe(1);
    const results = parseRun(output)!;
    expect(results.map((r) => [r.instance, r.passed, r.property])).toEqual([
      ["CoordinatorCrash(participants=2)", false, "NoSplitDecision"],
      ["CoordinatorCrash(participants=3)", false, "NoSplitDecision"],
    ]);
    expect(results[0]!.report).toMatch(/^✗ CoordinatorCrash\(participants=2\): invariant NoSplitDecision/);
    expect(results[0]!.report).toContain("crash Coordinator(0)");
    expect(results[0]!.htmlPath).toMatch(/\.html$/);

    const runs = new Map<string, TestRun>([["CoordinatorCrash", { state: "done", text, results }]]);
    expect(codeLenses(a, runs)[1]!.command!.title).toBe(
      "✗ violation of NoSplitDecision (+1 more) (check again)",
    );
    const diagnostics = runDiagnostics(a, runs);
    expect(diagnostics).toHaveLength(2);
    const line = text.split("\n").findIndex((l) => l.startsWith("invariant NoSplitDecision"));
    expect(diagnostics[0]!.range.start).toEqual({ line, character: 10 });
    expect(diagnostics[0]!.message).toMatch(
      /^test CoordinatorCrash\(participants=2\): violation of NoSplitDecision\ntrace: .*\.itf\.json\nreplay: faultline replay /,
    );
    expect(diagnostics[0]!.codeDescription?.href).toMatch(/^file:.*\.html$/);
    expect(failureReports(a, runs, "NoSplitDecision")).toHaveLength(2);

    // An edit makes the result stale: the lens offers a fresh check, the diagnostics go.
    const edited = analyse(a.uri, BUGGY, `${text}\n`);
    expect(codeLenses(edited, runs)[1]!.command!.title).toBe("▶ check");
    expect(runDiagnostics(edited, runs)).toEqual([]);
  });

  it("a pass: the states explored; and a run that produced no report is an error", async () => {
    const results = parseRun(await run(BUGGY, "Reliable"))!;
    expect(results.every((r) => r.passed)).toBe(true);
    const runs = new Map<string, TestRun>([["Reliable", { state: "done", text, results }]]);
    expect(codeLenses(a, runs)[0]!.command!.title).toMatch(/^✓ passed \([\d,]+ states\) \(check again\)$/);
    expect(parseRun({ code: 64, stdout: "", stderr: "faultline: bad flag" })).toBeNull();
  });
});
