// Partial-order reduction (`check --por`) keeps every bundled model's verdict:
// for every test of every model and example, the outcome and the failing
// property of expected.json, a passing search over no more states than
// without it, and counterexamples that replay to the same failure. Then the
// flag itself: pretty and JSON reports say what it did.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { buildModel, checkExhaustive, replayTrace } from "@faultline/checker";
import { compileSource } from "@faultline/lang";
import { describe, expect, it } from "vitest";
import { classify, runCheck } from "../src/commands/check.js";
import { discoverModelFiles } from "../src/discover.js";
import { explore } from "../src/explore-strategy.js";
import { expectedFor } from "../src/expected-outcomes.js";
import { captureIo } from "./capture-io.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const found = discoverModelFiles([`${ROOT}models`, `${ROOT}examples`]);
if (!found.ok) throw new Error(found.message);

// A file without tests (a spec library such as examples/observe/payments.fl) has nothing to check.
const withTests = found.files.filter((f) => /^\s*test\s/m.test(readFileSync(f, "utf8")));

describe.each(withTests.map((f) => [f.slice(ROOT.length), f]))("--por on %s", (_name, file) => {
  const compiled = compileSource({ path: file, text: readFileSync(file, "utf8") });
  if (!compiled.ok) return;
  const expectations = expectedFor(file) ?? {};
  for (const test of compiled.ir.tests) {
    it(`${test.name} keeps its verdict`, async () => {
      const model = buildModel(compiled.ir, test.name, { partialOrder: true });
      // The route of `faultline check --por`: reduced exhaustive search, then the full liveness check.
      const { result } = await explore(model, {
        file,
        test: test.name,
        faultsText: undefined,
        partialOrder: true,
        workers: 1,
        memoryBytes: undefined,
        maxDepth: undefined,
        maxStates: 2_000_000,
        timeoutMs: undefined,
        onProgress: () => {},
      });
      const { actual } = classify(result);
      const expected = expectations[test.name];
      expect(expected, `no expectation for ${test.name}`).toBeDefined();
      expect({ outcome: actual.outcome, property: actual.property }).toEqual({
        outcome: expected!.outcome,
        property: expected!.property,
      });
      if (result.kind === "pass") {
        // A passing reduced search visits a subset of the reachable states. (A failing one stops at
        // the first failure of the reduced graph, which may come after more states than the full
        // search's: no bound there.)
        const full =
          expected!.states ?? checkExhaustive(buildModel(compiled.ir, test.name)).stats.distinctStates;
        expect(result.stats.distinctStates).toBeLessThanOrEqual(full);
        expect(result.stats).toHaveProperty("ampleExpansions");
      }
      if ((result.kind === "violation" || result.kind === "deadlock") && result.loop === undefined) {
        const replayed = replayTrace(model, result.trace.steps);
        expect(replayed.failure).toEqual(result.failure);
      }
    });
  }
});

describe("faultline check --por", () => {
  const BANK = `${ROOT}examples/bank.fl`;

  it("says how many states were expanded with an ample set", async () => {
    const reduced = captureIo();
    expect(await runCheck([BANK, "--por", "--workers", "1"], reduced.io)).toBe(0);
    // bank.fl TwoClients: 47 states in full; 25 with the reduction, 16 of them expanded with an ample set.
    expect(reduced.out()).toContain("TwoClients: pass — 25 states");
    expect(reduced.out()).toContain(
      "partial-order reduction: 16 of the 25 states expanded used an ample set",
    );
    const full = captureIo();
    expect(await runCheck([BANK, "--workers", "1"], full.io)).toBe(0);
    expect(full.out()).toContain("TwoClients: pass — 47 states");
    expect(full.out()).not.toContain("partial-order reduction");
  });

  it("puts the figures in the JSON report", async () => {
    const json = captureIo();
    expect(await runCheck([BANK, "--por", "--workers", "1", "--reporter", "json"], json.io)).toBe(0);
    const report = JSON.parse(json.out()) as { tests: { stats: Record<string, number> }[] };
    expect(report.tests[0]!.stats).toMatchObject({
      distinctStates: 25,
      expandedStates: 25,
      ampleExpansions: 16,
    });
  });

  it("reduces in the parallel workers too", async () => {
    const json = captureIo();
    const args = [BANK, "--por", "--workers", "2", "--memory", "4GiB", "--reporter", "json"];
    expect(await runCheck(args, json.io)).toBe(0);
    const report = JSON.parse(json.out()) as { tests: { outcome: string; stats: Record<string, number> }[] };
    expect(report.tests[0]!.outcome).toBe("pass");
    // Two workers may expand more states fully than one (ADR 0008): the count is only bounded.
    expect(report.tests[0]!.stats.distinctStates).toBeLessThan(47);
    expect(report.tests[0]!.stats.ampleExpansions).toBeGreaterThan(0);
  });
});
