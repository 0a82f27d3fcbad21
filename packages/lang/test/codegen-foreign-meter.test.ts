// The transpiled foreign implementation is instrumented: every loop iteration
// and every function body written in the file spends one operation from the
// running step's meter (FOREIGN_METER_MODULE), so the step's budget and the
// check's deadline reach into it. Files are served from memory.
import { describe, expect, it } from "vitest";
import { checkForeignImplementation, FOREIGN_METER_MODULE } from "../src/codegen/foreign.js";
import { foreignValue } from "../src/codegen/foreign-values.js";
import { compileSource } from "../src/front-end.js";

const MODEL = "foreign fun spin(n: int): int;\nmachine M { start state S { } }\ntest T [main = M];\n";

const IMPL = `
export function spin(n: number): number {
  let x = n;
  while (x > 0 && x < 5) x++;
  for (let i = 0; i < 3; i++) x += i;
  for (const y of [1, 2]) x += y;
  do { x--; } while (x > 100);
  const add = (a: number) => a + 1;
  const twice = function (a: number) { return a * 2; };
  class C { m() { return 1; } }
  return twice(add(x)) + new C().m();
}

export function forever(n: number): number {
  while (true) {
    n++;
    if (n > 1e5) throw new Error("stop");
  }
}
`;

function load(impl: string): { exports: Record<string, (...a: unknown[]) => unknown>; ticks: () => number } {
  const r = compileSource({ path: "/virtual/model.fl", text: MODEL });
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
  const checked = checkForeignImplementation(r.ir, {
    fileExists: (p) => p === "/virtual/model.foreign.ts",
    readFile: (p) => (p === "/virtual/model.foreign.ts" ? impl : undefined),
  });
  expect(checked.diagnostics).toEqual([]);
  let n = 0;
  const module = { exports: {} as Record<string, (...a: unknown[]) => unknown> };
  const require = (s: string) => {
    if (s === FOREIGN_METER_MODULE) return { tick: () => n++ };
    throw new Error(`unexpected require ${s}`);
  };
  new Function("exports", "require", "module", checked.js!)(module.exports, require, module);
  return { exports: module.exports, ticks: () => n };
}

describe("instrumented foreign code", () => {
  // One TypeScript check for both (it takes seconds).
  const { exports, ticks } = load(IMPL);

  it("ticks once per loop iteration and per function run, and computes the same value", () => {
    const before = ticks();
    // spin(1): x 1 -> 5 (4 iterations), +0+1+2 = 8 (3), +1+2 = 11 (2), do once -> 10 (1);
    // calls: spin, add, twice, C.m (4). 10 + 1 = 11, * 2 = 22, + 1 = 23.
    expect(exports.spin!(1)).toBe(23);
    expect(ticks() - before).toBe(4 + 3 + 2 + 1 + 4);
  });

  it("an infinite loop keeps ticking, so the meter can stop it", () => {
    const before = ticks();
    expect(() => exports.forever!(0)).toThrow("stop");
    expect(ticks() - before).toBeGreaterThan(1e5);
  });
});

describe("foreignValue", () => {
  it("is the canonical value for well-typed results and rejects the rest", () => {
    expect(foreignValue([3, 1, 2], { kind: "set", elem: { kind: "int" } })).toEqual([1, 2, 3]);
    expect(foreignValue(-0, { kind: "int" })).toBe(0);
    expect(() => foreignValue(2 ** 31, { kind: "int" })).toThrow(/where int was declared/);
    expect(() => foreignValue(2, { kind: "enum", name: "E", members: ["A", "B"] })).toThrow(/0\.\.1/);
    expect(() =>
      foreignValue([[1, "x"]], {
        kind: "seq",
        elem: { kind: "tuple", elems: [{ kind: "int" }, { kind: "int" }] },
      }),
    ).toThrow('returned "x" at [0].1 where int was declared');
  });
});
