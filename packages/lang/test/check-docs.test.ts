// docs/diagnostics.md documents every diagnostic code, under its title, and no other.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { DIAGNOSTIC_CODES } from "../src/diagnostics.js";
import { compileSource } from "../src/front-end.js";

const doc = readFileSync(join(import.meta.dirname, "../../../docs/diagnostics.md"), "utf8");
const headings = [...doc.matchAll(/^## (FL\d{3}) — (.+)$/gm)].map((m) => ({ code: m[1]!, title: m[2]! }));

it("has one section per diagnostic code, titled as in DIAGNOSTIC_CODES", () => {
  const expected = Object.entries(DIAGNOSTIC_CODES).map(([code, title]) => ({ code, title }));
  const actual = headings.map(({ code, title }) => ({ code, title: title.replace(/ \(warning\)$/, "") }));
  expect(actual).toEqual(expected);
});

it("gives every section an example and a fix", () => {
  const sections = doc.split(/^## /m).slice(1);
  for (const s of sections) {
    const code = s.slice(0, 5);
    expect(s.includes("```") || code === "FL900", `${code} has an example`).toBe(true);
    expect(/^Fix: /m.test(s), `${code} says how to fix it`).toBe(true);
  }
});

it("shows examples that produce their code", () => {
  const sections = doc.split(/^## /m).slice(1);
  const mismatches: string[] = [];
  for (const s of sections) {
    const code = s.slice(0, 5);
    // Foreign-function examples need a TypeScript file; FL106's, FL107's and FL110's examples are
    // elided (hundreds of terms or diagnostics); FL108's and FL109's are bytes that are not text.
    if (!/^FL[1-4]/.test(code) || ["FL106", "FL107", "FL108", "FL109", "FL110"].includes(code)) continue;
    const example = /```\n([\s\S]*?)```/.exec(s)?.[1] ?? "";
    const found = compileSource({ path: `${code}.fl`, text: example }).diagnostics.map((d) => d.code);
    if (!found.includes(code as never)) mismatches.push(`${code}: got ${found.join(", ") || "nothing"}`);
  }
  expect(mismatches).toEqual([]);
});
