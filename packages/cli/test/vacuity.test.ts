// Vacuity warnings after a pass (checker vacuity.ts, read from the coverage
// counted during the search): every kind on a vacuous model and none on a
// test that exercises its spec; each reporter's form; --strict fails the test
// (exit 1); the bundled models pass without warnings, except the two baseline
// tests docs/reporters.md names; scenario coverage per spec, merged across
// tests in the JSON report.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCheck } from "../src/commands/check.js";
import { captureIo } from "./capture-io.js";

const MODEL = fileURLToPath(new URL("./fixtures/vacuity/vacuous.fl", import.meta.url));
const MODELS = fileURLToPath(new URL("../../../models/", import.meta.url));

interface JsonTest {
  test: string;
  outcome: string;
  passed: boolean;
  vacuity?: { kind: string; subject: string; message: string }[];
  scenario?: { spec: string; states: { covered: number; total: number } }[];
}

async function json(
  args: string[],
): Promise<{ code: number; report: Record<string, unknown> & { tests: JsonTest[] } }> {
  const io = captureIo();
  const code = await runCheck([...args, "--reporter", "json"], io.io);
  return { code, report: JSON.parse(io.stdout()) };
}

describe("vacuity warnings", () => {
  it("name what never happened in a passing test, and nothing for a test that exercises its spec", async () => {
    const { code, report } = await json([MODEL]);
    expect(code).toBe(0);
    const [vacuous, exercised] = report.tests;
    expect(vacuous!.vacuity!.map((w) => [w.kind, w.subject])).toEqual([
      ["handler-never-ran", "Main.S"],
      ["spec-never-left-start", "Replied"],
      ["event-never-observed", "Replied.Ping"],
      ["event-never-observed", "Replied.Pong"],
      ["empty-quantifier-range", "NoGhost"],
      ["fault-never-used", "drop Pong at most 1"],
    ]);
    expect(exercised!.outcome).toBe("pass");
    expect(exercised!.vacuity).toBeUndefined();
  });

  it("appear as warnings in every reporter, and as failures with --strict (exit 1)", async () => {
    const pretty = captureIo();
    expect(await runCheck([MODEL, "--test", "Vacuous"], pretty.io)).toBe(0);
    expect(pretty.out()).toContain("✓ Vacuous: pass");
    expect(pretty.out()).toContain("warning: spec Replied never left its start state Quiet (");
    const github = captureIo();
    await runCheck([MODEL, "--test", "Vacuous", "--reporter", "github"], github.io);
    expect(github.out()).toContain("::warning file=");
    expect(github.out()).toContain(
      "title=Vacuous pass::test Vacuous: fault drop Pong at most 1 never happened",
    );
    const sarif = captureIo();
    await runCheck([MODEL, "--test", "Vacuous", "--reporter", "sarif"], sarif.io);
    const log = JSON.parse(sarif.out()) as { runs: { results: { ruleId: string; level: string }[] }[] };
    expect(log.runs[0]!.results.map((r) => `${r.ruleId} ${r.level}`)).toContain(
      "FL-VACUITY/spec-never-left-start warning",
    );
    const junit = captureIo();
    await runCheck([MODEL, "--test", "Vacuous", "--reporter", "junit"], junit.io);
    expect(junit.out()).toContain("Vacuous: vacuity warning: invariant NoGhost quantifies over Ghost");
    expect(junit.out()).not.toContain("<failure");

    const strict = captureIo();
    expect(await runCheck([MODEL, "--strict"], strict.io)).toBe(1);
    expect(strict.out()).toContain("✗ Vacuous: pass, but 6 vacuity warnings (--strict)");
    expect(strict.out()).toContain("✓ Exercised: pass");
    const strictJunit = captureIo();
    await runCheck([MODEL, "--strict", "--test", "Vacuous", "--reporter", "junit"], strictJunit.io);
    expect(strictJunit.out()).toContain('type="vacuity"');
    const strictJson = await json([MODEL, "--strict", "--test", "Exercised"]);
    expect(strictJson.code).toBe(0);
  });

  it("do not appear on the bundled models", async () => {
    const { report } = await json([MODELS]);
    const warned = report.tests
      .filter((t) => (t.vacuity?.length ?? 0) > 0)
      .map((t) => `${t.test}: ${t.vacuity!.map((w) => w.kind).join(", ")}`);
    expect([...new Set(warned)]).toEqual([]);
  });
});

describe("scenario coverage", () => {
  it("counts each spec's states per test and merges them across the tests of a file", async () => {
    const { report } = await json([MODEL]);
    expect(
      report.tests.map((t) => [t.test, t.scenario![0]!.states.covered, t.scenario![0]!.states.total]),
    ).toEqual([
      ["Vacuous", 1, 2],
      ["Exercised", 2, 2],
    ]);
    expect(report.scenarioCoverage).toEqual([
      {
        file: MODEL,
        spec: "Replied",
        states: { covered: 2, total: 2, uncovered: [] },
        transitions: { covered: 2, total: 2, uncovered: [] },
        tests: ["Vacuous", "Exercised"],
      },
    ]);
  });
});
