// Every bundled model and example, checked against its expected.json: the
// outcome, the property, pinned state counts and counterexample lengths. Every
// counterexample must also replay, from its steps alone, to the same failure.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { buildModel, replayTrace } from "@faultline/checker";
import { compileSource } from "@faultline/lang";
import { describe, expect, it } from "vitest";
import { classify } from "../src/commands/check.js";
import { discoverModelFiles } from "../src/discover.js";
import { explore } from "../src/explore-strategy.js";
import { compareOutcome, expectedFor } from "../src/expected-outcomes.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const found = discoverModelFiles([`${ROOT}models`, `${ROOT}examples`]);
if (!found.ok) throw new Error(found.message);

describe.each(found.files.map((f) => [f.slice(ROOT.length), f]))("%s", (_name, file) => {
  const compiled = compileSource({ path: file, text: readFileSync(file, "utf8") });
  it("compiles without errors", () => {
    expect(compiled.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  });
  if (!compiled.ok) return;
  const expectations = expectedFor(file);
  it("has an expected outcome for exactly its tests", () => {
    expect(Object.keys(expectations ?? {}).sort()).toEqual(compiled.ir.tests.map((t) => t.name).sort());
  });
  for (const test of compiled.ir.tests) {
    it(`${test.name} gives its expected outcome`, async () => {
      const model = buildModel(compiled.ir, test.name);
      // The same route as `faultline check`: exhaustive, then liveness when a spec has hot states.
      const { result, witnesses } = await explore(model, {
        file,
        test: test.name,
        faultsText: undefined,
        workers: 1,
        memoryBytes: undefined,
        maxDepth: undefined,
        maxStates: 2_000_000,
        timeoutMs: undefined,
        onProgress: () => {},
      });
      const { actual } = classify(result, witnesses);
      const expected = expectations?.[test.name];
      expect(expected, `no expectation for ${test.name}`).toBeDefined();
      expect(compareOutcome(expected!, actual)).toBeNull();
      if (result.kind === "violation" && result.loop !== undefined) {
        // A lasso: the last state is the loop's first state again, with the monitor hot.
        const replayed = replayTrace(model, result.trace.steps);
        const last = replayed.states[replayed.states.length - 1]!;
        const back = replayed.states[result.loop]!;
        expect(Buffer.from(model.encode(last)).equals(Buffer.from(model.encode(back)))).toBe(true);
        expect(model.hotMonitors(last)).toContain(result.failure.property);
      } else if (result.kind === "violation" || result.kind === "deadlock") {
        const replayed = replayTrace(model, result.trace.steps);
        expect(replayed.failure?.kind).toBe(result.failure.kind);
        expect(replayed.failure?.property).toBe(result.failure.property);
      }
    });
  }
});
