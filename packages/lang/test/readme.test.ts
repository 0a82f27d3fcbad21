// The README's tour program must stay a valid program.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compileSource } from "../src/front-end.js";

const README = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");

describe("README", () => {
  it("its first ```fl program compiles without diagnostics", () => {
    const block = /```fl\n([\s\S]*?)```/.exec(README)?.[1];
    expect(block).toBeDefined();
    const result = compileSource({ path: "README.md", text: block! });
    expect(result.diagnostics).toEqual([]);
    expect(result.ok && result.ir.tests.map((t) => t.name)).toEqual(["Reliable"]);
  });
});
