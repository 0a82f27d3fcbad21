// The language server on modules (docs/language.md section 11): a module is in
// the outline, and references to a module or machine inside module bodies, a
// test's `in (...)` sets and its `with { A -> B }` substitutions are found.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { analyse } from "../src/lsp/analysis.js";
import { documentSymbols, references } from "../src/lsp/features.js";

const path = join(import.meta.dirname, "../../../examples/modules.fl");
const text = readFileSync(path, "utf8");
const a = analyse("file:///m/modules.fl", "modules.fl", text);

function at(needle: string, delta: number): { line: number; character: number } {
  const offset = text.indexOf(needle) + delta;
  const line = text.slice(0, offset).split("\n").length - 1;
  return { line, character: offset - (text.lastIndexOf("\n", offset - 1) + 1) };
}

describe("modules in the language server", () => {
  it("lists modules in the outline", () => {
    expect(documentSymbols(a).map((s) => s.name)).toEqual(expect.arrayContaining(["Stores", "Clients"]));
  });

  it("finds a module's uses in tests", () => {
    // The declaration and its two uses in `in (union Stores, Clients)`.
    expect(references(a, at("\nmodule Stores", 8), true)).toHaveLength(3);
  });

  it("finds a machine in module bodies and substitutions", () => {
    const refs = references(a, at("\nmachine WriteBehindStore", 9), true);
    // The declaration, `{ ..., WriteBehindStore, ... }` and `-> WriteBehindStore`.
    expect(refs).toHaveLength(3);
  });
});
