// A failing search on two workers reports what the single-threaded search
// reports (issue 14, item 5): the distinct-state count at the first failure,
// and a shortest counterexample; for every bundled test that fails, against
// the counts and trace lengths pinned in expected.json.
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { flModelFactory } from "../src/fl/fl-factory.js";
import { ParallelExplorer } from "../src/search/parallel-explorer.js";

const root = new URL("../../../", import.meta.url).pathname;

interface Pinned {
  outcome: string;
  states?: number;
  traceLength?: number;
}

/** Every pinned safety failure of the bundled models and examples: [file, test, pinned]. */
function failingTests(): [string, string, Pinned][] {
  const dirs = [
    join(root, "examples"),
    ...readdirSync(join(root, "models")).map((d) => join(root, "models", d)),
  ];
  const found: [string, string, Pinned][] = [];
  for (const dir of dirs) {
    const path = join(dir, "expected.json");
    if (!existsSync(path)) continue;
    const expected = JSON.parse(readFileSync(path, "utf8")) as Record<string, Record<string, Pinned>>;
    for (const [file, tests] of Object.entries(expected)) {
      for (const [test, pinned] of Object.entries(tests)) {
        const safety = pinned.outcome === "violation" || pinned.outcome === "deadlock";
        if (safety && pinned.states !== undefined) found.push([join(dir, file), test, pinned]);
      }
    }
  }
  return found;
}

const explorer = new ParallelExplorer(2);
afterAll(() => explorer.close());

describe("failing tests on two workers", () => {
  const tests = failingTests();

  it("finds the bundled failing tests", () => {
    expect(tests.length).toBeGreaterThan(20);
  });

  it.each(tests)(
    "%s %s: the single-threaded count and a shortest counterexample",
    async (file, test, pinned) => {
      const result = await explorer.check(flModelFactory({ file, test }));
      expect(result.kind === "violation" || result.kind === "deadlock").toBe(true);
      expect(result.stats!.distinctStates).toBe(pinned.states);
      if (pinned.traceLength !== undefined && "trace" in result) {
        expect(result.trace.steps.length).toBe(pinned.traceLength);
      }
    },
  );
});
