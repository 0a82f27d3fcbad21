// The language server sees names inside `print e;` (issue 16): references and rename reach them.
import { describe, expect, it } from "vitest";
import { analyse } from "../src/lsp/analysis.js";
import { references } from "../src/lsp/features.js";

const text = `machine M {
  var count: int;
  start state S {
    entry {
      count = 1;
      print format("count {0}", count);
      print count;
    }
  }
}
`;

describe("print in the language server", () => {
  it("references of a variable include its uses inside print", () => {
    const doc = analyse("file:///m/p.fl", "p.fl", text);
    const refs = references(doc, { line: 1, character: 6 }, true);
    expect(refs.map((r) => r.range.start.line).sort()).toEqual([1, 4, 5, 6]);
  });
});
