// The import rules of .dependency-cruiser.cjs (docs/architecture.md): no
// import cycle in the packages' sources, lang → checker → cli and never back,
// explorers blind to the .fl runtime (fl/), and no source importing test/ or
// bench/. The fixtures show each rule fires.
import { describe, expect, it } from "vitest";
import { depcheck } from "../../../scripts/depcheck.mjs";

const fixtures = "packages/checker/test/fixtures";

describe("import rules", () => {
  it("the sources of lang, checker and cli break none", async () => {
    const { output, violations } = await depcheck();
    expect(violations, output).toEqual([]);
  });

  it("no-circular reports the fixture's a.ts ↔ b.ts cycle", async () => {
    const { output, violations } = await depcheck([`${fixtures}/cycle`]);
    expect(violations.length, output).toBeGreaterThan(0);
    for (const v of violations) {
      expect(v.rule.name).toBe("no-circular");
      // A cycle is reported once, from one of its modules, with the path back to it.
      const modules = [v.from, ...(v.cycle ?? []).map((step) => step.name)];
      expect(new Set(modules)).toEqual(new Set([`${fixtures}/cycle/a.ts`, `${fixtures}/cycle/b.ts`]));
    }
  });

  it("the layering rules report lang → checker, checker → cli, explorer → fl/ (from any folder) and src → test", async () => {
    const { violations } = await depcheck(["packages"], { baseDir: `${fixtures}/layering` });
    expect(violations.map((v) => [v.rule.name, v.from, v.to]).sort()).toEqual([
      ["checker-not-to-cli", "packages/checker/src/explore.ts", "packages/cli/src/report.ts"],
      ["explorers-not-to-fl", "packages/checker/src/explore.ts", "packages/checker/src/fl/runtime.ts"],
      ["explorers-not-to-fl", "packages/checker/src/search/expand.ts", "packages/checker/src/fl/runtime.ts"],
      ["lang-not-to-checker-or-cli", "packages/lang/src/parse.ts", "packages/checker/src/explore.ts"],
      ["src-not-to-test-or-bench", "packages/checker/src/explore.ts", "packages/checker/test/helper.ts"],
    ]);
  });
});
