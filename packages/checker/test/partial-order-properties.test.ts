// Partial-order reduction against the full search on random small .fl
// programs (fl-random-program.ts). Whatever the program, the reduced search must find
// exactly the same failures (kind, property and message; every one kept), and
// on a pass reach no more states than the full one. A second run adds sink
// states (ignore everything, never leave) for condition 2', and each run
// checks that the widenings of 2026-12-05 (condition 2', a delivery that
// feeds a spec monitor nothing else can feed first) were used.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkExhaustive } from "../src/search/bfs-explorer.js";
import type { CheckResult } from "../src/check-result.js";
import { buildModel } from "../src/fl/fl-model.js";
import { PorStats } from "../src/fl/partial-order.js";
import { compileText } from "./fixtures/fl/load.js";
import { program } from "./fl-random-program.js";

function failures(result: CheckResult): string[] {
  if (result.kind !== "violation" && result.kind !== "deadlock") return [];
  const all = result.failures ?? [{ failure: result.failure }];
  return all.map((f) => `${f.failure.kind} | ${f.failure.property} | ${f.failure.message}`).sort();
}

/** Checks the property on 150 programs; returns how often the reduction was used, and how. */
function sameFailures(sinks: boolean, seed: number): { reducedSomewhere: number; stats: PorStats } {
  let reducedSomewhere = 0;
  const total = new PorStats();
  fc.assert(
    fc.property(fc.array(fc.nat(1000), { minLength: 8, maxLength: 40 }), (stream) => {
      const text = program(stream, sinks);
      const ir = compileText("random.fl", text);
      const options = { stopOnFirst: false, maxStates: 20_000 };
      const full = checkExhaustive(buildModel(ir, "Random"), options);
      const model = buildModel(ir, "Random", { partialOrder: true });
      const stats = model.partialOrder!.collectStats();
      const reduced = checkExhaustive(model, { ...options, partialOrder: true });
      total.ampleDequeue += stats.ampleDequeue;
      total.ampleMonitor += stats.ampleMonitor;
      if (full.kind === "bounded" || full.kind === "error") return;
      // A search that found a failure and then hit the state cap reports the failure, not "bounded":
      // its failure set is incomplete, so it cannot be compared.
      if (full.stats.distinctStates >= options.maxStates || reduced.stats.distinctStates >= options.maxStates)
        return;
      // Reduced paths need not be shortest, so with several failures the first reported may differ: compare
      // pass/fail and the whole set of failures.
      expect(reduced.kind === "pass", text).toBe(full.kind === "pass");
      expect(failures(reduced), text).toEqual(failures(full));
      if (full.kind === "pass") {
        expect(reduced.stats.distinctStates, text).toBeLessThanOrEqual(full.stats.distinctStates);
        if (reduced.stats.distinctStates < full.stats.distinctStates) reducedSomewhere++;
      }
    }),
    { seed, numRuns: 150 },
  );
  return { reducedSomewhere, stats: total };
}

describe("partial-order reduction on random programs", () => {
  it("finds exactly the failures of the full search", () => {
    const { reducedSomewhere, stats } = sameFailures(false, 42);
    // The generator must also give programs the reduction applies to, or the property says little.
    expect(reducedSomewhere).toBeGreaterThan(10);
    expect(stats.ampleMonitor).toBeGreaterThan(0);
  });

  it("finds exactly the failures of the full search with states that ignore everything onward", () => {
    const { reducedSomewhere, stats } = sameFailures(true, 7);
    expect(reducedSomewhere).toBeGreaterThan(10);
    expect(stats.ampleDequeue).toBeGreaterThan(0);
  });
});
