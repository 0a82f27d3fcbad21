// Checking a foreign implementation against its declarations with the
// TypeScript compiler API; the files are served from memory.
import { describe, expect, it } from "vitest";
import { checkForeignImplementation, foreignSignatureText } from "../src/codegen/foreign.js";
import { compileSource } from "../src/front-end.js";
import type { IrProgram } from "../src/ir.js";

const MODEL = `
foreign fun hash(s: string): int;
foreign fun pick(xs: set[int], pair: (a: int, b: bool)): seq[string];

machine M {
  var h: int;
  start state S { entry { h = hash("x"); } }
}
test T [main = M];
`;

function compile(): IrProgram {
  const r = compileSource({ path: "/virtual/model.fl", text: MODEL });
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
  return r.ir;
}

function check(files: Record<string, string>) {
  return checkForeignImplementation(compile(), {
    fileExists: (p) => p in files,
    readFile: (p) => files[p],
  });
}

const IMPL = "/virtual/model.foreign.ts";
const line = (needle: string) => MODEL.split("\n").findIndex((l) => l.includes(needle)) + 1;

describe("foreign implementation checks", () => {
  it("states the TypeScript signature of each declaration", () => {
    const [hash, pick] = compile().funs.filter((f) => f.foreign);
    expect(foreignSignatureText(hash!)).toBe("(s: string) => number");
    expect(foreignSignatureText(pick!)).toBe(
      "(xs: readonly number[], pair: readonly [a: number, b: boolean]) => readonly string[]",
    );
  });

  it("accepts a matching implementation and transpiles it to CommonJS", () => {
    const result = check({
      [IMPL]: `export function hash(s: string): number { return s.length; }
export const pick = (xs: readonly number[], pair: readonly [number, boolean]): string[] => xs.map(String);`,
    });
    expect(result.diagnostics).toEqual([]);
    expect(result.path).toBe(IMPL);
    expect(result.js).toContain("exports.hash = hash");
  });

  it("FL500 when the implementation file is missing", () => {
    const result = check({});
    expect(result.diagnostics.map((d) => [d.code, d.span.start.line])).toEqual([
      ["FL500", line("foreign fun hash")],
      ["FL500", line("foreign fun pick")],
    ]);
    expect(result.diagnostics[0]!.message).toContain("/virtual/model.foreign.ts");
    expect(result.js).toBeNull();
  });

  it("FL501 when a function is not exported", () => {
    const result = check({
      [IMPL]: "export function hash(s: string): number { return 1; }\nfunction pick() {}\n",
    });
    expect(result.diagnostics.map((d) => [d.code, d.span.start.line])).toEqual([
      ["FL501", line("foreign fun pick")],
    ]);
    expect(result.diagnostics[0]!.hint).toContain("readonly string[]");
  });

  it("FL502 when a signature does not match", () => {
    const result = check({
      [IMPL]: `export function hash(s: number): number { return s; }
export function pick(xs: readonly number[]): number { return 1; }`,
    });
    expect(result.diagnostics.map((d) => [d.code, d.span.start.line])).toEqual([
      ["FL502", line("foreign fun hash")],
      ["FL502", line("foreign fun pick")],
    ]);
    expect(result.diagnostics[0]!.message).toContain("(s: number) => number");
    expect(result.diagnostics[0]!.message).toContain("(s: string) => number");
  });

  it("FL502 for type errors inside the implementation", () => {
    const result = check({
      [IMPL]: `export function hash(s: string): number { const n: number = "oops"; return n; }
export function pick(): string[] { return []; }`,
    });
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]!.code).toBe("FL502");
    expect(result.diagnostics[0]!.message).toMatch(
      /model\.foreign\.ts:1: Type 'string' is not assignable to type 'number'/,
    );
  });

  it("FL503 at the first declaration when the TypeScript compiler is not installed", () => {
    const result = checkForeignImplementation(
      compile(),
      { fileExists: (p) => p === IMPL, readFile: (p) => (p === IMPL ? "export {};" : undefined) },
      () => null,
    );
    expect(result.diagnostics.map((d) => [d.code, d.span.start.line, d.span.start.col])).toEqual([
      ["FL503", line("foreign fun hash"), 1],
    ]);
    expect(result.diagnostics[0]!.message).toContain("typescript package is not installed");
    expect(result.diagnostics[0]!.hint).toBe("install it: npm i -D typescript");
    expect(result.js).toBeNull();
  });

  it("no foreign declarations: nothing to check", () => {
    const r = compileSource({
      path: "/virtual/plain.fl",
      text: "machine M { start state S {} }\ntest T [main = M];\n",
    });
    expect(r.ok && checkForeignImplementation(r.ir)).toEqual({ diagnostics: [], path: null, js: null });
  });
});
