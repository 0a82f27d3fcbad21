// Random small .fl programs with loops (some never end), machine creation,
// chooses (some past the limit) and foreign calls (some returning values that
// are not of the declared type) are checked in-process with a short timeout:
// each check returns within the timeout plus 2 s, with a documented outcome
// (pass, a violation, or bounded), never an error or a hang. The foreign
// implementations are passed in as plain functions (no TypeScript compile per
// program); the instrumented, file-loaded path is covered in
// fl-step-limits.test.ts.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildModel } from "../src/fl/fl-model.js";
import { checkModel } from "../src/search/check-model.js";
import { compileText } from "./fixtures/fl/load.js";

const TIMEOUT_MS = 150;

/** What the foreign function `f(x: int): int` returns: some results are not ints. */
const FOREIGN_RESULTS: readonly unknown[] = [0, 1, 41, Number.NaN, 2 ** 40, 3.5, "7", null];

type Gen = fc.Arbitrary<string>;

function statements(depth: number): Gen {
  const simple: Gen[] = [
    fc.constant("new Child();"),
    fc.constantFrom(2, 10, 100001, 2147483647).map((n) => `x = choose(${n});`),
    fc.constant("s += (x);"),
    fc.constant("x = x + 1;"),
    fc.constant("x = f(x);"),
    fc.constant("assert x < 1000;"),
  ];
  if (depth === 0) return fc.oneof(...simple);
  const inner = fc.array(statements(depth - 1), { minLength: 1, maxLength: 3 }).map((b) => b.join(" "));
  return fc.oneof(
    ...simple,
    // true: never ends; i < k with the counter advanced or not.
    fc
      .tuple(fc.constantFrom("true", "i < 3", "i < 100000"), fc.boolean(), inner)
      .map(([cond, advance, body]) => `while (${cond}) { ${body}${advance ? " i = i + 1;" : ""} }`),
    inner.map((body) => `foreach (e${depth} in s) { ${body} }`),
  );
}

const programs = fc
  .tuple(fc.array(statements(2), { minLength: 1, maxLength: 4 }), fc.nat(FOREIGN_RESULTS.length - 1))
  .map(([body, result]) => ({
    text: `foreign fun f(v: int): int;
machine Child { start state S { } }
machine Setup {
  var x: int;
  var s: set[int];
  start state Boot {
    entry {
      var i: int;
      ${body.join("\n      ")}
    }
  }
}
test T [main = Setup];
`,
    result,
  }));

describe("a check with a timeout returns in time, whatever its steps do", () => {
  it("random programs: within the timeout plus 2 s, with a documented outcome", async () => {
    await fc.assert(
      fc.asyncProperty(programs, async ({ text, result }) => {
        const ir = compileText("fuzz.fl", text);
        const model = buildModel(ir, "T", { foreign: { f: () => FOREIGN_RESULTS[result] } });
        const started = Date.now();
        const outcome = await checkModel(model, null, { timeoutMs: TIMEOUT_MS });
        const elapsed = Date.now() - started;
        expect(elapsed, text).toBeLessThan(TIMEOUT_MS + 2_000);
        expect(["pass", "violation", "bounded"], `${text}\n${JSON.stringify(outcome.result)}`).toContain(
          outcome.result.kind,
        );
        if (outcome.result.kind === "violation") {
          expect(["runtime-error", "assertion"]).toContain(outcome.result.failure.kind);
          // Runtime errors say where they happened.
          expect(outcome.result.failure.location, outcome.result.failure.message).toBeDefined();
        }
      }),
      { seed: 1414, numRuns: 40 },
    );
  }, 60_000);
});
