// Test generation: `assume (expr)` keeps the combinations of bound values for
// which expr holds; `(t wise)` picks a subset of them covering every t-tuple
// of values (greedy, deterministic). The diagnostics (FL418, FL419) have
// goldens in fixtures/diagnostics.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Expr } from "../src/ast.js";
import { type ConstValue, combinations, testCombinations } from "../src/check/constants.js";
import { formatSource } from "../src/format/format.js";
import { compileSource } from "../src/front-end.js";

const HEADER = `param a: int;
param b: int;
param c: string;
machine M { start state I { } }
invariant Trivial: true;
`;

function instances(test: string): string[] {
  const { ir, diagnostics } = compileSource({ path: "g.fl", text: HEADER + test });
  expect(diagnostics).toEqual([]);
  return ir!.tests.map((t) => t.name);
}

type Bindings = { name: string; values: ConstValue[] }[];

/** Every pair of values of two params that some combination in `allowed` has, missing from `picked`. */
function uncoveredPairs(
  bindings: Bindings,
  allowed: Record<string, ConstValue>[],
  picked: Record<string, ConstValue>[],
) {
  const key = (c: Record<string, ConstValue>, i: number, j: number) =>
    JSON.stringify([bindings[i]!.name, c[bindings[i]!.name], bindings[j]!.name, c[bindings[j]!.name]]);
  const covered = new Set<string>();
  for (const c of picked)
    for (let i = 0; i < bindings.length; i++)
      for (let j = i + 1; j < bindings.length; j++) covered.add(key(c, i, j));
  const missing: string[] = [];
  for (const c of allowed)
    for (let i = 0; i < bindings.length; i++)
      for (let j = i + 1; j < bindings.length; j++)
        if (!covered.has(key(c, i, j))) missing.push(key(c, i, j));
  return missing;
}

/** The assume of a test header, parsed by the front end. */
function assumeOf(expr: string): Expr {
  const text = `${HEADER}test param (a in [1], b in [1], c in ["x"]) assume (${expr}) T [main = M]: assert Trivial;`;
  const { ast } = compileSource({ path: "g.fl", text });
  const decl = ast!.decls.find((d) => d.kind === "TestDecl");
  if (decl?.kind !== "TestDecl" || decl.assume === null) throw new Error("no assume");
  return decl.assume;
}

describe("assume", () => {
  it("keeps only the combinations for which it holds, in product order", () => {
    expect(
      instances("test param (a in [1, 2, 3], b in [0, 1, 2]) assume (b < a) T [main = M]: assert Trivial;"),
    ).toEqual(["T(a=1,b=0)", "T(a=2,b=0)", "T(a=2,b=1)", "T(a=3,b=0)", "T(a=3,b=1)", "T(a=3,b=2)"]);
  });

  it("evaluates arithmetic, strings and boolean operators", () => {
    expect(
      instances(
        'test param (a in [1, 2, 3, 4], c in ["x", "y"]) assume (a % 2 == 0 && !(c == "y") || a * -1 == -3) T [main = M]: assert Trivial;',
      ),
    ).toEqual(['T(a=2,c="x")', 'T(a=3,c="x")', 'T(a=3,c="y")', 'T(a=4,c="x")']);
  });
});

describe("(t wise)", () => {
  const abc: Bindings = [
    { name: "a", values: [1, 2, 3] },
    { name: "b", values: [4, 5, 6] },
    { name: "c", values: ["x", "y", "z"] },
  ];

  it("covers every pair of a 3x3x3 product with fewer instances than the product", () => {
    const picked = testCombinations(abc, null, 2);
    expect(picked.length).toBeLessThan(27);
    expect(picked.length).toBeLessThanOrEqual(12);
    expect(uncoveredPairs(abc, combinations(abc), picked)).toEqual([]);
  });

  it("covers only the pairs the assume allows, and is the same on every run", () => {
    const assume = assumeOf("a != 1 || b == 4");
    const allowed = testCombinations(abc, assume, null);
    expect(allowed).toHaveLength(21);
    const picked = testCombinations(abc, assume, 2);
    expect(picked.every((c) => c.a !== 1 || c.b === 4)).toBe(true);
    expect(uncoveredPairs(abc, allowed, picked)).toEqual([]);
    expect(testCombinations(abc, assume, 2)).toEqual(picked);
  });

  it("names the instances as the full product would, each once", () => {
    const names = instances(
      'test param (a in [1, 2, 3], b in [4, 5, 6], c in ["x", "y", "z"]) (2 wise) T [main = M]: assert Trivial;',
    );
    expect(new Set(names).size).toBe(names.length);
    expect(names.length).toBeLessThan(27);
    expect(names[0]).toBe('T(a=1,b=4,c="x")');
  });

  it("with t = the number of params is the full product", () => {
    expect(testCombinations(abc, null, 3)).toEqual(combinations(abc));
  });

  it("covers every pair for random small parameter sets (property, fixed seed)", () => {
    const binding = fc.uniqueArray(fc.integer({ min: -3, max: 9 }), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(fc.array(binding, { minLength: 2, maxLength: 5 }), (valueLists) => {
        const bindings = valueLists.map((values, i) => ({ name: `p${i}`, values }));
        const all = combinations(bindings);
        const picked = testCombinations(bindings, null, 2);
        expect(uncoveredPairs(bindings, all, picked)).toEqual([]);
        expect(picked.length).toBeLessThanOrEqual(all.length);
        // A subset of the product, in product order.
        const order = all.map((c) => JSON.stringify(c));
        const at = picked.map((c) => order.indexOf(JSON.stringify(c)));
        expect(at.every((x, i) => x >= 0 && (i === 0 || x > at[i - 1]!))).toBe(true);
      }),
      { seed: 16, numRuns: 200 },
    );
  });
});

describe("the formatter", () => {
  it("keeps (t wise) and assume", () => {
    const text = `${HEADER}test   param (a in [1,2], b in [3,4])  (2   wise)  assume ( a<b ) T [main = M]: assert Trivial;\n`;
    const format = (t: string) => {
      const r = formatSource({ path: "g.fl", text: t });
      expect(r.ok).toBe(true);
      return (r as { text: string }).text;
    };
    const out = format(text);
    expect(out).toContain(
      "test param (a in [1, 2], b in [3, 4]) (2 wise) assume (a < b) T [main = M]: assert Trivial;",
    );
    expect(format(out)).toBe(out);
  });
});
