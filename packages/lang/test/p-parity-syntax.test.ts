// Issue 16, item 9: keywords as field names, trailing commas in tuples, `else if` chains.
import { describe, expect, it } from "vitest";
import { parse } from "../src/parser.js";
import { formatSource } from "../src/format/format.js";
import { type AnyNode, walkAst } from "../src/parser-walk.js";

function diagnosticsOf(text: string) {
  return parse({ path: "t.fl", text }).diagnostics;
}

describe("keywords as field names", () => {
  it("accepts hard keywords as field names in types, tuples and field access", () => {
    const text = `event Data: (from: machine, seq: int, set: set[int], state: bool);
machine M {
  var d: (from: machine, seq: int, set: set[int], state: bool);
  start state S {
    entry {
      d = (from = this, seq = 1, set = {1}, state = true);
      d.seq = d.seq + 1;
      send this, Data, (from = this, seq = d.seq, set = d.set, state = d.state);
    }
  }
}
`;
    expect(diagnosticsOf(text)).toEqual([]);
  });

  it("still reserves keywords as variable names, with one diagnostic that says so", () => {
    const ds = diagnosticsOf("machine M {\n  var seq: int;\n  start state S { }\n}\n");
    expect(ds).toHaveLength(1);
    expect(ds[0]!.code).toBe("FL103");
    expect(ds[0]!.hint).toBe("'seq' is a reserved keyword and cannot be used as a name");
    expect(ds[0]!.span.start).toMatchObject({ line: 2, col: 7 });
  });
});

describe("trailing commas in tuples", () => {
  const text = `type P = (a: int, b: int,);
type Q = (int, bool,);
machine M {
  var p: P;
  var q: Q;
  var one: (int,);
  start state S {
    entry {
      p = (a = 1, b = 2,);
      q = (3, true,);
      one = (4,);
    }
  }
}
`;
  it("accepts a trailing comma in named and positional tuple values and types", () => {
    expect(diagnosticsOf(text)).toEqual([]);
  });

  it("the formatter drops it, except in a one-element tuple", () => {
    const result = formatSource({ path: "t.fl", text });
    if (!result.ok) throw new Error("format failed");
    const out = result.text;
    expect(out).toContain("type P = (a: int, b: int);");
    expect(out).toContain("type Q = (int, bool);");
    expect(out).toContain("p = (a = 1, b = 2);");
    expect(out).toContain("q = (3, true);");
    expect(out).toContain("one = (4,);");
  });

  it("rejects two commas in a row", () => {
    const ds = diagnosticsOf("machine M { start state S { entry { var p: (int, int); p = (1,, 2); } } }\n");
    expect(ds.length).toBeGreaterThan(0);
    expect(ds[0]!.code).toMatch(/^FL10/);
  });
});

describe("else if chains", () => {
  it("parses else if without braces as a nested if", () => {
    const text = `machine M {
  var x: int;
  start state S {
    entry {
      if (x == 0) { x = 1; } else if (x == 1) { x = 2; } else if (x == 2) { x = 3; } else { x = 0; }
    }
  }
}
`;
    const { program, diagnostics } = parse({ path: "t.fl", text });
    expect(diagnostics).toEqual([]);
    const ifs: AnyNode[] = [];
    walkAst(program, (node) => {
      if (node.kind === "If") ifs.push(node);
    });
    expect(ifs).toHaveLength(3);
    const [outer, second, third] = ifs as { else: AnyNode | null }[];
    expect(outer!.else).toBe(ifs[1]);
    expect(second!.else).toBe(ifs[2]);
    expect(third!.else?.kind).toBe("Block");
  });
});

describe("print, format and str", () => {
  const text = `machine M {
  var s: string;
  start state S {
    entry {
      s = format("{0} and {1}", 1, str({2, 1}));
      print s;
      print (s, 1);
    }
  }
}
`;
  it("parses print as a statement and format/str as built-in calls; the formatter keeps them", () => {
    expect(diagnosticsOf(text)).toEqual([]);
    const result = formatSource({ path: "t.fl", text });
    if (!result.ok) throw new Error("format failed");
    expect(result.text).toBe(text);
  });

  it("reserves print", () => {
    const ds = diagnosticsOf("machine M {\n  var print: int;\n  start state S { }\n}\n");
    expect(ds).toHaveLength(1);
    expect(ds[0]!.hint).toBe("'print' is a reserved keyword and cannot be used as a name");
  });
});
