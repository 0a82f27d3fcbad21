// compileSource end to end: valid programs compile, errors of every phase are
// reported together, and nothing with an error is lowered.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DIAGNOSTIC_CODES, sortDiagnostics } from "../src/diagnostics.js";
import { compileSource } from "../src/front-end.js";

function flFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".fl"))
    .sort()
    .map((f) => join(dir, f));
}

const validPrograms = [
  ...flFiles(join(import.meta.dirname, "fixtures/valid")),
  ...flFiles(join(import.meta.dirname, "../../../examples")),
];

describe("valid programs", () => {
  it("there are valid programs to compile", () => {
    expect(validPrograms.length).toBeGreaterThan(0);
  });

  it.each(validPrograms)("%s compiles without errors", (path) => {
    const result = compileSource({ path, text: readFileSync(path, "utf8") });
    const errors = result.diagnostics.filter((d) => d.severity === "error");
    expect(errors.map((d) => `${d.code} ${d.span.start.line}:${d.span.start.col} ${d.message}`)).toEqual([]);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.ir.files).toEqual([path]);
  });
});

describe("compileSource", () => {
  it("returns the IR and the warnings of a program without errors", () => {
    const result = compileSource({
      path: "w.fl",
      text: "event Go;\nmachine M { start state A { on Go goto B; } state B { } state C { } }",
    });
    expect(result.ok).toBe(true);
    expect(result.diagnostics.map((d) => [d.code, d.severity])).toEqual([["FL404", "warning"]]);
    if (result.ok) expect(result.ir.machines.map((m) => m.name)).toEqual(["M"]);
  });

  it("reports syntax and type errors of one file together, and does not lower", () => {
    const text = `
machine A {
  var n: int;
  start state S { entry { n = true; } }
}
machine B {
  start state T { entry { var x: int x = 1; } }
}`;
    const result = compileSource({ path: "both.fl", text });
    expect(result.ok).toBe(false);
    const found = result.diagnostics.map((d) => d.code);
    expect(found).toContain("FL300");
    expect(found.some((c) => c.startsWith("FL1"))).toBe(true);
    expect("ir" in result).toBe(false);
    expect(result.ast?.kind).toBe("Program");
  });

  it("does not echo a syntax error with checker errors in the code the parser recovered over", () => {
    const text = `
event Voted: int;
machine M {
  var votes: seq[int];
  var ok: bool;
  start state S {
    on Voted do (v) { votes += (sizeof(votes) v); }
    entry { ok = true & false; }
  }
}`;
    const { diagnostics } = compileSource({ path: "r.fl", text });
    expect(diagnostics.map((d) => d.code)).toEqual(["FL103", "FL100"]);
  });

  it("sorts diagnostics by position", () => {
    const text = "machine B { state T { } }\nmachine A { var n: int; start state S { entry { n = true; } } }";
    const { diagnostics } = compileSource({ path: "s.fl", text });
    expect(diagnostics.map((d) => d.code)).toEqual(["FL400", "FL300"]);
    expect(diagnostics).toEqual(sortDiagnostics(diagnostics));
  });

  it("uses only known codes and never throws on malformed input", () => {
    const inputs = [
      "",
      "machine",
      "machine M {",
      "event E: ;",
      "test T [main = ]: assert;",
      "fun f(: int { return }",
      "}}}{{{",
    ];
    for (const text of inputs) {
      const result = compileSource({ path: "bad.fl", text });
      for (const d of result.diagnostics) expect(Object.keys(DIAGNOSTIC_CODES)).toContain(d.code);
      expect(result.diagnostics.some((d) => d.code === "FL900")).toBe(false);
    }
  });
});

describe("robustness", () => {
  const sources = validPrograms.map((path) => readFileSync(path, "utf8"));
  const syntaxFixtures = flFiles(join(import.meta.dirname, "fixtures/syntax"));

  it.each(syntaxFixtures)("checks what parsed of %s without an internal error", (path) => {
    const result = compileSource({ path, text: readFileSync(path, "utf8") });
    expect(result.ok).toBe(false);
    expect(result.diagnostics.filter((d) => d.code === "FL900")).toEqual([]);
  });

  it("never fails internally on damaged valid programs", () => {
    const damaged = fc
      .tuple(fc.integer({ min: 0, max: sources.length - 1 }), fc.nat(), fc.nat(), fc.nat({ max: 40 }))
      .map(([i, a, b, len]) => {
        const text = sources[i]!;
        const cut = a % (text.length + 1);
        const at = b % (text.length + 1);
        // Delete a slice, then cut the tail: truncated declarations, missing names, unbalanced braces.
        return (text.slice(0, at) + text.slice(at + len)).slice(0, Math.max(cut, at));
      });
    fc.assert(
      fc.property(damaged, (text) => {
        const result = compileSource({ path: "damaged.fl", text });
        return !result.diagnostics.some((d) => d.code === "FL900");
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it("never fails internally when names are swapped (well-formed but ill-typed programs)", () => {
    const swapped = fc
      .tuple(
        fc.integer({ min: 0, max: sources.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 1, maxLength: 4 }),
      )
      .map(([i, swaps]) => {
        let text = sources[i]!;
        const words = [...new Set(text.match(/\b[A-Za-z_]\w*\b/g) ?? [])];
        for (const [from, to] of swaps) {
          const matches = [...text.matchAll(/\b[A-Za-z_]\w*\b/g)];
          const m = matches[from % matches.length]!;
          text = text.slice(0, m.index) + words[to % words.length]! + text.slice(m.index! + m[0].length);
        }
        return text;
      });
    fc.assert(
      fc.property(swapped, (text) => {
        const result = compileSource({ path: "swapped.fl", text });
        return !result.diagnostics.some((d) => d.code === "FL900");
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});
