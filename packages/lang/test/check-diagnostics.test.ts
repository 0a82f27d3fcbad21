// Golden diagnostics: every fixture's whole diagnostic list (code, severity,
// message, span, hint, related) as compileSource reports it.
// Regenerate with UPDATE_GOLDENS=1 and read every changed golden.
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DIAGNOSTIC_CODES } from "../src/diagnostics.js";
import { compileSource } from "../src/front-end.js";

const dir = join(import.meta.dirname, "fixtures/diagnostics");
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith(".fl"))
  .sort();
const update = process.env.UPDATE_GOLDENS === "1";

describe("diagnostic goldens", () => {
  it.each(fixtures)("%s", (file) => {
    const result = compileSource({ path: file, text: readFileSync(join(dir, file), "utf8") });
    const goldenPath = join(dir, file.replace(/\.fl$/, ".expected.json"));
    if (update) writeFileSync(goldenPath, `${JSON.stringify(result.diagnostics, null, 2)}\n`);
    const golden = JSON.parse(readFileSync(goldenPath, "utf8"));
    expect(result.diagnostics).toEqual(golden);
    // The fixture is named after the code it demonstrates.
    expect(result.diagnostics.map((d) => d.code)).toContain(file.slice(0, 5));
  });

  it("covers every name, type and semantic code (FL2xx-FL4xx)", () => {
    const codes = Object.keys(DIAGNOSTIC_CODES).filter((c) => /^FL[234]\d\d$/.test(c));
    const covered = new Set(fixtures.map((f) => f.slice(0, 5)));
    expect(codes.filter((c) => !covered.has(c))).toEqual([]);
  });

  it("has a golden for every fixture and a fixture for every golden", () => {
    const goldens = readdirSync(dir).filter((f) => f.endsWith(".expected.json"));
    expect(goldens.map((g) => g.replace(/\.expected\.json$/, ".fl")).sort()).toEqual(fixtures);
  });
});
