// Partial-order reduction against the full search on random small .fl
// programs (fl-random-program.ts). Whatever the program, the reduced search must find
// exactly the same failures (kind, property and message; every one kept), and
// on a pass reach no more states than the full one.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkExhaustive } from "../src/search/bfs-explorer.js";
import type { CheckResult } from "../src/check-result.js";
import { buildModel } from "../src/fl/fl-model.js";
import { compileText } from "./fixtures/fl/load.js";
import { program } from "./fl-random-program.js";

function failures(result: CheckResult): string[] {
  if (result.kind !== "violation" && result.kind !== "deadlock") return [];
  const all = result.failures ?? [{ failure: result.failure }];
  return all.map((f) => `${f.failure.kind} | ${f.failure.property} | ${f.failure.message}`).sort();
}

describe("partial-order reduction on random programs", () => {
  it("finds exactly the failures of the full search", () => {
    let reducedSomewhere = 0;
    fc.assert(
      fc.property(fc.array(fc.nat(1000), { minLength: 8, maxLength: 40 }), (stream) => {
        const text = program(stream);
        const ir = compileText("random.fl", text);
        const options = { stopOnFirst: false, maxStates: 20_000 };
        const full = checkExhaustive(buildModel(ir, "Random"), options);
        const reduced = checkExhaustive(buildModel(ir, "Random", { partialOrder: true }), {
          ...options,
          partialOrder: true,
        });
        if (full.kind === "bounded" || full.kind === "error") return;
        // A search that found a failure and then hit the state cap reports the failure, not "bounded":
        // its failure set is incomplete, so it cannot be compared.
        if (
          full.stats.distinctStates >= options.maxStates ||
          reduced.stats.distinctStates >= options.maxStates
        )
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
      { seed: 42, numRuns: 150 },
    );
    // The generator must also give programs the reduction applies to, or the property says little.
    expect(reducedSomewhere).toBeGreaterThan(10);
  });
});
