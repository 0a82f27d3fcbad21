// The parser and lexer skip chevrotain's validations at start-up (they cost
// ~90 ms per process); here they run, so a grammar change that makes an
// alternation ambiguous or a token pattern unreachable still fails the suite.
import { describe, expect, it } from "vitest";
import { buildLexer } from "../src/lexer.js";
import { FaultlineParser } from "../src/parser-grammar.js";

describe("grammar validation", () => {
  it("the parser passes chevrotain's grammar validations", () => {
    const parser = new FaultlineParser({ validate: true });
    expect(parser.definitionErrors).toEqual([]);
  });

  it("the lexer passes chevrotain's token validations", () => {
    const lexer = buildLexer({ validate: true });
    expect(lexer.lexerDefinitionErrors).toEqual([]);
    expect(lexer.lexerDefinitionWarning).toEqual([]);
  });
});
