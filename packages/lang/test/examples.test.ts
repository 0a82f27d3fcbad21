// The teaching examples and the language reference stay in step with the front
// end: every examples/*.fl compiles cleanly, examples/expected.json names
// exactly the tests each file declares, and every ```fl block of
// docs/language.md parses.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../src/diagnostics.js";
import { compileSource } from "../src/front-end.js";
import { RESERVED_KEYWORDS, SOFT_KEYWORDS } from "../src/lexer.js";
import { parse } from "../src/parser.js";

const repoRoot = join(import.meta.dirname, "../../..");
const examplesDir = join(repoRoot, "examples");
const languageDoc = join(repoRoot, "docs/language.md");

const exampleFiles = readdirSync(examplesDir)
  .filter((f) => f.endsWith(".fl"))
  .sort();

const OUTCOMES = [
  "pass",
  "violation",
  "deadlock",
  "liveness",
  "unreached",
  "bounded",
  "model-error",
] as const;

interface Expectation {
  outcome: (typeof OUTCOMES)[number];
  property?: string;
}

const expected = JSON.parse(readFileSync(join(examplesDir, "expected.json"), "utf8")) as Record<
  string,
  Record<string, Expectation>
>;

function show(diags: readonly Diagnostic[]): string[] {
  return diags.map((d) => `${d.severity} ${d.code} ${d.span.start.line}:${d.span.start.col} ${d.message}`);
}

const compiled = new Map<string, ReturnType<typeof compileSource>>();

function compileExample(file: string): ReturnType<typeof compileSource> {
  let result = compiled.get(file);
  if (!result) {
    result = compileSource({ path: file, text: readFileSync(join(examplesDir, file), "utf8") });
    compiled.set(file, result);
  }
  return result;
}

/** The ```fl blocks of a markdown text, with the line each starts on. */
function flBlocks(markdown: string): { line: number; code: string }[] {
  const blocks: { line: number; code: string }[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trim() !== "```fl") continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end]!.trim() !== "```") end++;
    blocks.push({ line: start + 1, code: lines.slice(start, end).join("\n") });
    i = end;
  }
  return blocks;
}

describe("examples", () => {
  it("cover every topic the reference points to", () => {
    for (const name of [
      "ping-pong.fl",
      "bank.fl",
      "bank-buggy.fl",
      "espresso-machine.fl",
      "timers.fl",
      "defer.fl",
      "spec-monitor.fl",
      "choose.fl",
      "collections.fl",
      "invariants.fl",
      "functions.fl",
      "param-tests.fl",
      "drop.fl",
      "duplicate.fl",
      "reorder.fl",
      "crash-restart.fl",
      "partition.fl",
      "witnesses.fl",
    ]) {
      expect(exampleFiles).toContain(name);
    }
  });

  it.each(exampleFiles)("%s compiles without errors or warnings", (file) => {
    const result = compileExample(file);
    expect(show(result.diagnostics)).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it.each(exampleFiles)("%s: expected.json lists exactly its tests", (file) => {
    const result = compileExample(file);
    if (!result.ok) throw new Error(`${file} does not compile:\n${show(result.diagnostics).join("\n")}`);
    const declared = result.ir.tests.map((t) => t.name).sort();
    expect(Object.keys(expected[file] ?? {}).sort()).toEqual(declared);
    // A parameterized test is listed per expansion, under the base name the file declares.
    for (const t of result.ir.tests) expect(t.name.startsWith(t.baseName)).toBe(true);
  });

  it.each(exampleFiles)("%s declares its tests with properties and a header comment", (file) => {
    const text = readFileSync(join(examplesDir, file), "utf8");
    expect(text.startsWith(`// ${file} — `)).toBe(true);
    expect(text).toMatch(/The checker should find:/);
    const result = compileExample(file);
    if (!result.ok) throw new Error(`${file} does not compile`);
    expect(result.ir.tests.length).toBeGreaterThan(0);
  });

  it("expected.json names only example files, with well-formed outcomes", () => {
    for (const [file, tests] of Object.entries(expected)) {
      expect(exampleFiles).toContain(file);
      for (const [test, e] of Object.entries(tests)) {
        expect(OUTCOMES, `${file} ${test}`).toContain(e.outcome);
        const failing = ["violation", "deadlock", "liveness", "unreached"].includes(e.outcome);
        expect(typeof e.property === "string", `${file} ${test}: property iff failing`).toBe(failing);
      }
    }
  });

  it("expected properties are declared by their file or are built-in checks", () => {
    const builtins = new Set(["assertion", "unhandled-event", "runtime-error", "deadlock"]);
    for (const [file, tests] of Object.entries(expected)) {
      const result = compileExample(file);
      if (!result.ok) throw new Error(`${file} does not compile`);
      const properties = new Set([
        ...result.ir.invariants.map((i) => i.name),
        ...result.ir.specs.map((s) => s.name),
      ]);
      for (const [test, e] of Object.entries(tests)) {
        if (e.property === undefined) continue;
        if (e.outcome === "liveness") {
          expect(
            result.ir.specs.map((s) => s.name),
            `${file} ${test}`,
          ).toContain(e.property);
          continue;
        }
        expect(properties.has(e.property) || builtins.has(e.property), `${file} ${test}: ${e.property}`).toBe(
          true,
        );
        // A named property must be one the test asserts, or the checker never looks at it.
        if (properties.has(e.property)) {
          const irTest = result.ir.tests.find((t) => t.name === test)!;
          expect(
            irTest.asserts.map((a) => a.name),
            `${file} ${test}`,
          ).toContain(e.property);
        }
      }
    }
  });

  it("every fault example has a passing test without faults and a failing one with them", () => {
    for (const file of ["drop.fl", "duplicate.fl", "reorder.fl", "crash-restart.fl", "partition.fl"]) {
      const result = compileExample(file);
      if (!result.ok) throw new Error(`${file} does not compile`);
      const outcome = (name: string) => expected[file]![name]!.outcome;
      const fault = file === "crash-restart.fl" ? "crash" : file.replace(".fl", "");
      expect(
        result.ir.tests.some((t) => t.faults.length === 0 && outcome(t.name) === "pass"),
        file,
      ).toBe(true);
      expect(
        result.ir.tests.some(
          (t) => t.faults.some((f) => f.kind === fault) && outcome(t.name) === "violation",
        ),
        file,
      ).toBe(true);
    }
  });

  it("at least one example is expected to fail", () => {
    const failing = Object.values(expected).flatMap((tests) =>
      Object.values(tests).filter((e) => e.outcome !== "pass"),
    );
    expect(failing.length).toBeGreaterThan(0);
  });
});

describe("docs/language.md", () => {
  const doc = readFileSync(languageDoc, "utf8");
  const blocks = flBlocks(doc);

  it("has fl code blocks", () => {
    expect(blocks.length).toBeGreaterThan(20);
  });

  it.each(blocks.map((b) => [b.line, b.code] as const))("the fl block at line %i parses", (line, code) => {
    const r = parse({ path: `docs/language.md:${line}`, text: code });
    expect(show(r.diagnostics)).toEqual([]);
  });

  it("points only to examples that exist", () => {
    const referenced = [...doc.matchAll(/examples\/([a-z-]+\.fl)/g)].map((m) => m[1]!);
    expect(referenced.length).toBeGreaterThan(10);
    for (const f of referenced) expect(exampleFiles).toContain(f);
  });

  it("lists exactly the lexer's reserved and soft keywords", () => {
    const section = doc.slice(doc.indexOf("## 13. Reserved words"), doc.indexOf("## 14."));
    const lists = [...section.matchAll(/```text\n([\s\S]*?)```/g)].map((m) =>
      m[1]!.split(/\s+/).filter(Boolean).sort(),
    );
    expect(lists).toEqual([[...RESERVED_KEYWORDS].sort(), [...SOFT_KEYWORDS].sort()]);
  });
});

describe("flBlocks", () => {
  it("extracts only fl fences, with their first line", () => {
    const md = "x\n```fl\nevent A;\n```\n```text\nnot fl\n```\n```fl\nevent B;\nevent C;\n```\n";
    expect(flBlocks(md)).toEqual([
      { line: 3, code: "event A;" },
      { line: 9, code: "event B;\nevent C;" },
    ]);
  });
});
