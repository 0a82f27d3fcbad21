// The limits of one step (docs/language.md, "Limits"): the operation budget,
// the check's deadline inside a step, the choose limit, foreign results checked
// against their declared types, and where a stack overflow happened. Each case
// is an input of issue 14 that hung, crashed the checker or passed wrongly.
import { describe, expect, it } from "vitest";
import type { CheckResult } from "../src/check-result.js";
import { buildModel } from "../src/fl/fl-model.js";
import { loadForeignImplementation } from "../src/fl/foreign-loader.js";
import { checkModel } from "../src/search/check-model.js";
import { setStepDeadline } from "../src/step-deadline.js";
import { compileText, fixturePath, loadFixture } from "./fixtures/fl/load.js";

async function check(
  text: string,
  test: string,
  options: { timeoutMs?: number; foreign?: Record<string, unknown> } = {},
): Promise<{ result: CheckResult; ms: number }> {
  const ir = compileText("limits.fl", text);
  const model = buildModel(ir, test, options.foreign ? { foreign: options.foreign } : {});
  const started = Date.now();
  const { result } = await checkModel(model, null, { timeoutMs: options.timeoutMs ?? 60_000 });
  return { result, ms: Date.now() - started };
}

function failureOf(result: CheckResult) {
  if (result.kind !== "violation") throw new Error(`expected a violation, got ${JSON.stringify(result)}`);
  return result.failure;
}

describe("the operation budget of one step", () => {
  it("a setup loop that creates machines forever is a located runtime error, quickly", async () => {
    const { result, ms } = await check(
      `machine Child { start state S { } }
machine Setup { start state Boot { entry { while (true) { new Child(); } } } }
test T [main = Setup];`,
      "T",
    );
    const f = failureOf(result);
    expect(f.kind).toBe("runtime-error");
    expect(f.message).toMatch(/exceeded 50,000,000 operations \(an infinite loop\?\)/);
    expect(f.location).toMatchObject({ file: "limits.fl", line: 2, col: 59 });
    expect(ms).toBeLessThan(10_000);
  });

  it("a loop whose counter never advances is a located runtime error", async () => {
    const { result } = await check(
      `machine Setup {
  var i: int;
  start state Boot {
    entry {
      while (i < 10) { i = i * 1; }
    }
  }
}
test T [main = Setup];`,
      "T",
    );
    const f = failureOf(result);
    expect(f.message).toMatch(/Setup\(0\): the step does not terminate: it exceeded/);
    expect(f.location).toMatchObject({ line: 5, col: 7 });
  });

  it("building a 1,000,000-element set element by element runs out of budget, not of time", async () => {
    const { result, ms } = await check(
      `machine Setup {
  var s: set[int];
  var x: int;
  start state Boot {
    entry {
      var i: int;
      while (i < 1000000) { s += (i); i = i + 1; }
      x = choose(s);
    }
  }
}
test T [main = Setup];`,
      "T",
    );
    const f = failureOf(result);
    expect(f.message).toMatch(/exceeded/);
    expect(f.location?.line).toBe(7);
    expect(ms).toBeLessThan(10_000);
  });

  it("a goto cycle between entries is a runaway", async () => {
    const { result } = await check(
      `machine M {
  start state A { entry { goto B; } }
  state B { entry { goto A; } }
}
test T [main = M];`,
      "T",
    );
    expect(failureOf(result).message).toMatch(/does not terminate/);
  });

  it("a step still running at the deadline is interrupted: bounded by the timeout, not an error", async () => {
    const { result, ms } = await check(
      `machine M { var x: int; start state S { entry { while (true) { x = x + 1; } } } }
test T [main = M];`,
      "T",
      { timeoutMs: 20 },
    );
    expect(result.kind).toBe("bounded");
    expect(result.kind === "bounded" && result.reason).toBe("timeout");
    expect(ms).toBeLessThan(2_000);
  });

  it("a long step that begins just after the deadline (a trace replay) still finishes", () => {
    const ir = compileText(
      "limits.fl",
      `machine M { var i: int; start state S { entry { while (i < 100000) { i = i + 1; } } } }
test T [main = M];`,
    );
    const model = buildModel(ir, "T");
    setStepDeadline(Date.now() - 1);
    try {
      const outcome = model.apply(null, { t: "init", c: [] });
      expect(outcome.kind).toBe("state");
    } finally {
      setStepDeadline(undefined);
    }
  });

  it("the deadline is cleared after the check: a later check without a timeout runs the same step to its budget", async () => {
    await check(`machine M { start state S { entry { while (true) { } } } }\ntest T [main = M];`, "T", {
      timeoutMs: 20,
    });
    const { result } = await check(
      `machine M { start state S { entry { while (true) { } } } }\ntest T [main = M];`,
      "T",
    );
    expect(failureOf(result).message).toMatch(/exceeded/);
  });
});

describe("the choose limit", () => {
  it("choose(2147483647) is a located runtime error, not a crash of the checker", async () => {
    const { result, ms } = await check(
      "machine M { var x: int; start state S { entry { x = choose(2147483647); } } }\ntest T [main = M];",
      "T",
      { timeoutMs: 10_000 },
    );
    const f = failureOf(result);
    expect(f.message).toMatch(/choose over 2147483647 alternatives: more than the limit of 100,000/);
    expect(f.location).toMatchObject({ line: 1, col: 53 });
    expect(ms).toBeLessThan(2_000);
  });

  it("the chooses of one step together: their combinations are bounded, not only each one", async () => {
    const { result, ms } = await check(
      `machine M { var x: int; var y: int; start state S { entry { x = choose(1000); y = choose(1000); } } }
test T [main = M];`,
      "T",
      { timeoutMs: 10_000 },
    );
    const f = failureOf(result);
    expect(f.message).toBe(
      "M(0): choose over 1000 alternatives: with the step's earlier chooses, more than the limit of 100,000 combinations in one step",
    );
    expect(f.location).toMatchObject({ line: 1, col: 83 });
    expect(ms).toBeLessThan(2_000);
    const coins = await check(
      `machine M { var b: bool; start state S { entry { var i: int; while (i < 30) { b = $; i = i + 1; } } } }
test T [main = M];`,
      "T",
    );
    expect(failureOf(coins.result).message).toMatch(
      /choose over 2 alternatives: with the step's earlier chooses/,
    );
  });

  it("choose over exactly the limit is fine", async () => {
    const { result } = await check(
      "machine M { var x: int; start state S { entry { x = choose(100000); } } }\ntest T [main = M];",
      "T",
    );
    expect(result.kind).toBe("pass");
    expect("stats" in result && result.stats?.distinctStates).toBe(100_000);
  });
});

describe("foreign results are checked against the declared type", () => {
  const program = (decl: string, body: string) =>
    `foreign fun f(): ${decl};
machine M {
  var v: ${decl};
  start state S { entry { v = f(); ${body} } }
}
test T [main = M];`;

  it("a set[int] with a duplicate and a non-integer is an error, located at the declaration", async () => {
    const { result } = await check(program("set[int]", "assert v == {1, 3};"), "T", {
      foreign: { f: () => [1, 1, 3.5] },
    });
    const f = failureOf(result);
    expect(f.kind).toBe("runtime-error");
    expect(f.message).toBe(
      "foreign function f returned 3.5 at [2] where int was declared (an int is an integer in -2147483648..2147483647)",
    );
    expect(f.location).toMatchObject({ line: 1, col: 1 });
  });

  it("a duplicate alone is an error too", async () => {
    const { result } = await check(program("set[int]", ""), "T", { foreign: { f: () => [3, 1, 1] } });
    expect(failureOf(result).message).toBe(
      "foreign function f returned a set with a duplicate element where set[int] was declared",
    );
  });

  it("a set in any order is sorted (the canonical representation)", async () => {
    const { result } = await check(program("set[int]", "assert v == {1, 2, 3};"), "T", {
      foreign: { f: () => [3, 1, 2] },
    });
    expect(result.kind).toBe("pass");
  });

  it.each([
    ["NaN", Number.NaN],
    ["2^40", 2 ** 40],
    ["a string", "7"],
  ])("%s for an int is an error, not coerced", async (_, value) => {
    const { result } = await check(program("int", ""), "T", { foreign: { f: () => value } });
    expect(failureOf(result).message).toMatch(/^foreign function f returned .* where int was declared/);
  });

  it("maps: declared key types, no repeated key, sorted by key", async () => {
    const bad = await check(program("map[int, bool]", ""), "T", {
      foreign: {
        f: () => [
          [2, true],
          [2, false],
        ],
      },
    });
    expect(failureOf(bad.result).message).toMatch(/a map with a repeated key/);
    const wrongKey = await check(program("map[int, bool]", ""), "T", { foreign: { f: () => [["2", true]] } });
    expect(failureOf(wrongKey.result).message).toMatch(/returned "2" at \[0\]\[0\] where int was declared/);
    const ok = await check(
      program("map[int, bool]", "assert keys(v) == [1, 2] && v[1] == false && v[2];"),
      "T",
      {
        foreign: {
          f: () => [
            [2, true],
            [1, false],
          ],
        },
      },
    );
    expect(ok.result.kind).toBe("pass");
  });

  it("records: the declared fields, in order", async () => {
    const { result } = await check(program("(a: int, b: string)", ""), "T", { foreign: { f: () => [1] } });
    expect(failureOf(result).message).toMatch(
      /returned an array of 1 where \(a: int, b: string\) was declared/,
    );
    const field = await check(program("(a: int, b: string)", ""), "T", { foreign: { f: () => [1, 2] } });
    expect(failureOf(field.result).message).toMatch(/returned 2 at \.b where string was declared/);
  });

  it("bools and strings are typed", async () => {
    const { result } = await check(program("bool", ""), "T", { foreign: { f: () => 1 } });
    expect(failureOf(result).message).toMatch(/returned 1 where bool was declared/);
  });
});

describe("a foreign function that never returns", () => {
  const ir = loadFixture("limits/spin.fl");
  const loaded = loadForeignImplementation(ir);

  it("is instrumented: it runs out of the step's budget, a runtime error at its declaration", async () => {
    expect(loaded.diagnostics).toEqual([]);
    const model = buildModel(ir, "Spins", { foreign: loaded.functions! });
    const { result } = await checkModel(model, null, { timeoutMs: 60_000 });
    const f = failureOf(result);
    expect(f.message).toMatch(/^foreign function spin threw: the step does not terminate: it exceeded/);
    expect(f.location).toMatchObject({ file: fixturePath("limits/spin.fl"), line: 3 });
  });

  it("is interrupted at the deadline", async () => {
    const model = buildModel(ir, "Spins", { foreign: loaded.functions! });
    const started = Date.now();
    const { result } = await checkModel(model, null, { timeoutMs: 20 });
    expect(result.kind === "bounded" && result.reason).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});

describe("stack overflow", () => {
  it("a string that doubles forever is a located runtime error, not a checker error", async () => {
    const { result } = await check(
      `machine M { var s: string; start state S { entry { s = "ab"; while (true) { s = s + s; } } } }
test T [main = M];`,
      "T",
    );
    const f = failureOf(result);
    expect(f.message).toBe("M(0): a value grew too large: Invalid string length");
    expect(f.location).toMatchObject({ line: 1, col: 62 });
  });

  it("names the function that recursed", async () => {
    const { result } = await check(
      `fun down(n: int): int { return down(n + 1); }
machine M { var x: int; start state S { entry { x = down(0); } } }
test T [main = M];`,
      "T",
    );
    const f = failureOf(result);
    expect(f.message).toBe("M(0): stack overflow (unbounded recursion in a function?)");
    expect(f.location).toMatchObject({ line: 1, col: 1 });
  });
});
