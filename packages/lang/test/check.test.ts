// Name resolution, typing and semantic checks, one behaviour per test.
import { describe, expect, it } from "vitest";
import type { NodeId, Program } from "../src/ast.js";
import { checkProgram } from "../src/check/check-program.js";
import { closestName, editDistance } from "../src/check/suggest.js";
import type { Diagnostic } from "../src/diagnostics.js";
import { compileSource } from "../src/front-end.js";
import { parse } from "../src/parser.js";
import { type AnyNode, walkAst } from "../src/parser-walk.js";
import { typeToString } from "../src/types.js";

function diagnose(text: string): Diagnostic[] {
  return compileSource({ path: "test.fl", text }).diagnostics;
}

function codes(text: string): string[] {
  return diagnose(text).map((d) => d.code);
}

function errors(text: string): string[] {
  return diagnose(text)
    .filter((d) => d.severity === "error")
    .map((d) => d.code);
}

function checked(text: string) {
  const parsed = parse({ path: "test.fl", text });
  expect(parsed.diagnostics).toEqual([]);
  return { program: parsed.program, ...checkProgram(parsed.program) };
}

/** The first node of `kind` whose source text is `source`. */
function findNode(program: Program, text: string, kind: string, source: string): AnyNode {
  let found: AnyNode | undefined;
  walkAst(program as AnyNode, (n) => {
    if (!found && n.kind === kind && text.slice(n.span.start.offset, n.span.end.offset) === source) found = n;
  });
  if (!found) throw new Error(`no ${kind} node for '${source}'`);
  return found;
}

/** Wraps statements into a machine's start state entry. */
function inEntry(vars: string, body: string, extra = ""): string {
  return `${extra}\nmachine M {\n${vars}\n  start state S {\n    entry {\n${body}\n    }\n  }\n}\n`;
}

describe("suggestions", () => {
  it("measures edit distance", () => {
    expect(editDistance("Ping", "Pnig")).toBe(1);
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("count", "count")).toBe(0);
  });

  it("suggests only close names", () => {
    expect(closestName("cuont", ["count", "total"])).toBe("count");
    expect(closestName("Vote", ["vote", "Vote2"])).toBe("vote");
    expect(closestName("x", ["yyyy", "total"])).toBeUndefined();
    expect(closestName("x", ["c", "y"])).toBeUndefined();
    expect(closestName("Ab", ["ab", "Ac"])).toBe("ab");
  });

  it("puts the suggestion in the hint", () => {
    const [d] = diagnose(inEntry("  var count: int;", "count = cuont;"));
    expect(d?.code).toBe("FL200");
    expect(d?.hint).toBe("did you mean 'count'?");
  });
});

describe("declarations", () => {
  it("reports duplicates in each namespace, pointing at the first", () => {
    const ds = diagnose(`
enum A { X, Y }
enum B { Y, Z }
machine M { start state S { } }
spec M observes E { start state S { } }
event E;
fun sizeof(x: int): int { return x; }
`);
    expect(ds.map((d) => d.code)).toEqual(["FL207", "FL207", "FL207"]);
    expect(ds[0]!.message).toContain("'Y'");
    expect(ds[0]!.related?.[0]?.span.start.line).toBe(2);
    expect(ds[2]!.message).toContain("built-in function");
  });

  it("reports duplicate states, variables and functions in a machine", () => {
    expect(
      codes(`
machine M {
  var x: int;
  var x: bool;
  start state S { }
  state S { }
  fun f() { }
  fun f() { }
}`),
    ).toEqual(["FL207", "FL207", "FL207"]);
  });

  it("detects a directly recursive alias once", () => {
    expect(codes("type T = seq[T];\nmachine M { var t: T; start state S { } }")).toEqual(["FL310"]);
  });

  it("resolves aliases to their types", () => {
    const text =
      "type Id = int;\ntype Ids = set[Id];\nmachine M { var ids: Ids; start state S { entry { ids += (3); } } }";
    const { tables, diagnostics } = checked(text);
    expect(diagnostics).toEqual([]);
    const v = tables.symbols.machines.get("M")!.vars.get("ids")!;
    expect(typeToString(v.type)).toBe("set[int]");
  });
});

describe("name resolution", () => {
  it("resolves locals, machine variables, params and enum members", () => {
    const text = inEntry(
      "  var total: int;\n  var v: Vote;",
      "var n: int;\nn = limit;\ntotal = n;\nv = Yes;\nv = Vote.No;",
      "enum Vote { Yes, No }\nparam limit: int;",
    );
    const { program, tables, diagnostics } = checked(text);
    expect(diagnostics).toEqual([]);
    const ref = (source: string, kind = "Name") => tables.refs.get(findNode(program, text, kind, source).id);
    expect(ref("limit")).toEqual({ kind: "param", name: "limit" });
    expect(ref("total")).toEqual({ kind: "self", owner: "M", name: "total" });
    expect(ref("n")).toMatchObject({ kind: "local", name: "n" });
    expect(ref("Yes")).toEqual({ kind: "enumMember", enumName: "Vote", member: "Yes", ordinal: 0 });
    expect(ref("Vote.No", "Field")).toEqual({
      kind: "enumMember",
      enumName: "Vote",
      member: "No",
      ordinal: 1,
    });
  });

  it("prefers a machine function to a top-level one of the same name", () => {
    const text = `
fun f(): int { return 1; }
machine M {
  var x: int;
  start state S { entry { x = f(); } }
  fun f(): int { return 2; }
}`;
    const { program, tables } = checked(text);
    expect(tables.refs.get(findNode(program, text, "Call", "f()").id)).toMatchObject({
      scope: "machine",
      owner: "M",
    });
  });

  it("scopes locals to their block", () => {
    expect(codes(inEntry("", "if (true) { var a: int; }\na = 1;"))).toEqual(["FL200"]);
    expect(codes(inEntry("", "if (true) { var a: int; a = 1; } else { var a: bool; a = true; }"))).toEqual(
      [],
    );
  });

  it("reports an unknown name once, without cascading through the expression", () => {
    const ds = diagnose(inEntry("  var x: int;", "x = (nope + 1) * 2 - sizeof(nope);"));
    expect(ds.map((d) => d.code)).toEqual(["FL200", "FL200"]);
  });

  it("types an event name used as a value as 'event', and says so where another type is wanted", () => {
    const [d] = diagnose(inEntry("  var x: int;", "x = Ping;", "event Ping;"));
    expect(d?.code).toBe("FL300");
    expect(d?.message).toBe("type mismatch: expected int, got event");
    expect(d?.hint).toBe(
      "an event's name used as a value is an 'event'; store it in a variable of type event",
    );
    expect(diagnose(inEntry("  var e: event;", "e = Ping;", "event Ping;"))).toEqual([]);
  });

  it("resolves states, events and machines in tests and faults", () => {
    const text = `
event Ping;
param k: int;
machine P { start state S { entry { send this, Ping; } ignore Ping; } }
invariant Ok: true;
spec Mon observes Ping { start state W { on Ping do { } } }
test param (k in [0, 2]) T [main = P]: assert Ok, Mon in (P) with faults { drop Ping at most k; crash P at most 1 then restart; };`;
    expect(codes(text)).toEqual([]);
  });
});

describe("types", () => {
  it("gives every expression of a valid program a type", () => {
    const text = `
enum Vote { Yes, No }
event Voted: (from: Voter, vote: Vote);
machine Voter {
  var votes: map[Voter, Vote];
  var seen: seq[Vote];
  start state S {
    on Voted do (v) {
      votes += (v.from, v.vote);
      seen += (sizeof(seen), choose({Yes, No}));
      if (v.vote in values(votes) && (this in S) && $) { seen -= (0); }
    }
  }
}
invariant I: forall p: Voter :: forall k in keys(p.votes) :: p.votes[k] == Yes || p.votes[k] == Vote.No;`;
    const { program, tables, diagnostics } = checked(text);
    expect(diagnostics).toEqual([]);
    const exprKinds = new Set([
      "IntLit",
      "BoolLit",
      "StringLit",
      "Name",
      "This",
      "Field",
      "TupleIndex",
      "Index",
      "Call",
      "New",
      "Choose",
      "Nondet",
      "Unary",
      "Binary",
      "Tuple",
      "NamedTuple",
      "SetLit",
      "SeqLit",
      "Default",
      "Quant",
      "Paren",
    ]);
    const untyped: string[] = [];
    walkAst(program as AnyNode, (n) => {
      if (exprKinds.has(n.kind) && !tables.types.has(n.id as NodeId)) untyped.push(n.kind);
    });
    expect(untyped).toEqual([]);
  });

  it("infers a handler parameter's type from the event", () => {
    const text =
      "event E: (a: int, b: bool);\nmachine M { var x: int; start state S { on E do (p) { x = p.a; } } }";
    const { program, tables } = checked(text);
    const action = findNode(program, text, "InlineAction", "(p) { x = p.a; }");
    expect(typeToString(tables.declTypes.get(action.id)!)).toBe("(a: int, b: bool)");
  });

  it("types an empty set or seq from its context", () => {
    expect(
      codes(
        inEntry("  var s: set[int];\n  var q: seq[bool];", "s = {};\nq = [];\nassert s == {} && [] == q;"),
      ),
    ).toEqual([]);
    const ds = diagnose(inEntry("  var n: int;", "n = sizeof([]);"));
    expect(ds.map((d) => d.code)).toEqual(["FL300"]);
    expect(ds[0]!.hint).toContain("default(seq[T])");
  });

  it("explains that {} is not an empty map", () => {
    const [d] = diagnose(inEntry("  var m: map[int, bool];", "m = {};"));
    expect(d?.code).toBe("FL300");
    expect(d?.hint).toBe("write an empty map as default(map[int, bool])");
  });

  it("checks set and seq literal elements agree", () => {
    expect(codes(inEntry("  var s: set[int];", "s = {1, true};"))).toEqual(["FL300"]);
  });

  it("checks named tuples by field names and order", () => {
    const ds = diagnose(
      inEntry("  var p: (a: int, b: int);", "p = (a = 1, b = 2);\np = (b = 2, a = 1);\np = (a = 1, c = 2);"),
    );
    expect(ds.map((d) => d.code)).toEqual(["FL300", "FL300"]);
    expect(ds[0]!.hint).toBe("write the fields in the declared order: a, b");
    expect(ds[1]!.hint).toBe("missing field 'b'");
  });

  it("types operators", () => {
    const good = inEntry(
      "  var s: string;\n  var b: bool;",
      's = "a" + "b";\nb = s == "ab" && !(1 < 2) || 3 % 2 != 1;',
    );
    expect(codes(good)).toEqual([]);
    expect(codes(inEntry("  var b: bool;", "b = 1 == true;"))).toEqual(["FL309"]);
    expect(codes(inEntry("  var b: bool;", "b = !3;"))).toEqual(["FL309"]);
    expect(codes(inEntry("  var b: bool;", "b = 1 && true;"))).toEqual(["FL309"]);
  });

  it("checks membership against the collection's element or key type", () => {
    expect(codes(inEntry("  var m: map[string, int];\n  var b: bool;", 'b = "k" in m;'))).toEqual([]);
    expect(codes(inEntry("  var m: map[string, int];\n  var b: bool;", "b = 1 in m;"))).toEqual(["FL309"]);
    expect(codes(inEntry("  var b: bool;", "b = 1 in 2;"))).toEqual(["FL309"]);
  });

  it("checks indexing, tuple elements and choose", () => {
    expect(
      codes(
        inEntry(
          "  var q: seq[int];\n  var t: (int, bool);\n  var x: int;",
          "x = q[0] + t.0 + choose(3) + choose(q);",
        ),
      ),
    ).toEqual([]);
    expect(codes(inEntry("  var q: seq[int];\n  var x: int;", 'x = q["a"];'))).toEqual(["FL300"]);
    // A set is indexed by position in canonical order (issue 16); a bool is not indexable.
    expect(codes(inEntry("  var s: set[int];\n  var x: int;", "x = s[0];"))).toEqual([]);
    expect(codes(inEntry("  var b: bool;\n  var x: int;", "x = b[0];"))).toEqual(["FL309"]);
    expect(codes(inEntry("  var x: int;", "x = choose(true);"))).toEqual(["FL300"]);
  });

  it("checks function arguments and void results", () => {
    const extra = "fun f(a: int, b: bool): int { return a; }\nfun g() { }";
    expect(codes(inEntry("  var x: int;", "x = f(1, true);\ng();", extra))).toEqual([]);
    expect(codes(inEntry("  var x: int;", "x = f(true, true);", extra))).toEqual(["FL300"]);
    expect(codes(inEntry("  var x: int;", "x = f(1, true, 3);", extra))).toEqual(["FL303"]);
    const ds = diagnose(inEntry("  var x: int;", "x = g();", extra));
    expect(ds.map((d) => d.code)).toEqual(["FL300"]);
    expect(ds[0]!.message).toContain("no value");
  });

  it("checks every collection += / -= form", () => {
    const ok = inEntry(
      "  var s: set[int];\n  var q: seq[bool];\n  var m: map[string, int];\n  var n: int;\n  var t: string;",
      's += (1); s -= (1);\nq += (0, true); q -= (0);\nm += ("a", 1); m -= ("a");\nn += 2; n -= 1;\nt += "x";',
    );
    expect(codes(ok)).toEqual([]);
    expect(codes(inEntry("  var s: set[int];", "s += (true);"))).toEqual(["FL305"]);
    expect(codes(inEntry("  var q: seq[bool];", "q -= (true);"))).toEqual(["FL305"]);
    expect(codes(inEntry("  var m: map[string, int];", 'm += ("a");'))).toEqual(["FL305"]);
    expect(codes(inEntry("  var t: string;", 't -= "x";'))).toEqual(["FL305"]);
    expect(codes(inEntry("  var n: int;", "n += true;"))).toEqual(["FL300"]);
  });

  it("accepts assignment to fields, tuple elements and indexes of variables", () => {
    const ok = inEntry(
      "  var p: (a: int, b: seq[int]);\n  var t: (int, bool);\n  var m: map[int, (x: int)];",
      "p.a = 1;\np.b[0] = 2;\nt.1 = false;\nm[1].x = 3;",
    );
    expect(codes(ok)).toEqual([]);
    expect(codes(inEntry("", "f() = 1;", "fun f(): int { return 1; }"))).toEqual(["FL304"]);
  });

  it("rejects choices and calls in the target of an arithmetic +=, which is evaluated twice", () => {
    expect(codes(inEntry("  var q: seq[int];", "q[choose(2)] += 1;"))).toEqual(["FL304"]);
    expect(codes(inEntry("  var q: seq[int];", "q[0] += 1;\nq[choose(2)] = 1;"))).toEqual([]);
  });

  it("checks payloads of send, raise, announce, goto and new", () => {
    const text = `
event E: int;
machine W { start state I { entry (n: int) { } } }
machine M {
  start state S {
    entry {
      send this, E, 1;
      raise E, 2;
    }
    on E do (x) { announce E, x; goto T, x; }
  }
  state T { entry (n: int) { new W(n); } }
}`;
    expect(codes(text)).toEqual([]);
    const bad = `
event E: int;
event F;
machine M {
  start state S {
    entry { send this, E; raise F, 1; goto T, true; }
    ignore E, F;
  }
  state T { entry (n: int) { } }
}`;
    expect(codes(bad)).toEqual(["FL301", "FL301", "FL301"]);
  });

  it("requires a handler for several events to see one payload type", () => {
    const text = "event A: int;\nevent B: bool;\nmachine M { start state S { on A, B do (x) { } } }";
    expect(codes(text)).toEqual(["FL302"]);
    expect(codes("event A: int;\nevent B: int;\nmachine M { start state S { on A, B do (x) { } } }")).toEqual(
      [],
    );
  });

  it("checks function actions against the payload", () => {
    const text = `
event A: int;
event B;
machine M {
  start state S { entry Init; on A do Take; on B do Take; exit Take; }
  fun Init() { }
  fun Take(n: int) { }
}`;
    expect(codes(text)).toEqual(["FL302", "FL302"]);
  });

  it("checks return values and missing returns", () => {
    expect(codes("fun f(x: int): int { while (true) { x = x + 1; } }")).toEqual([]);
    expect(codes("fun f(x: int): int { if (x > 0) { return 1; } else { return 2; } }")).toEqual([]);
    expect(codes("fun f(x: int): int { while (true) { break; } }")).toEqual(["FL415"]);
    expect(codes("fun f(x: int) { return x; }")).toEqual(["FL307"]);
  });

  it("requires send targets to be machine references", () => {
    expect(codes(inEntry("  var m: machine;", "send m, E;", "event E;"))).toEqual([]);
    expect(codes(inEntry("", 'send "x", E;', "event E;"))).toEqual(["FL311"]);
  });
});

describe("state tests and machine variables", () => {
  it("tells a state test from membership", () => {
    const text = `
machine Job { var done: bool; start state Running { } }
invariant I: forall j: Job :: (j in Running) || j.done;`;
    const { program, tables, diagnostics } = checked(text);
    expect(diagnostics).toEqual([]);
    const test = findNode(program, text, "Binary", "j in Running");
    expect(tables.ops.get(test.id)).toEqual({ kind: "stateTest", machine: "Job", state: "Running" });
    const read = findNode(program, text, "Field", "j.done");
    expect(tables.refs.get(read.id)).toEqual({ kind: "machineVar", machine: "Job", variable: "done" });
  });

  it("allows this.v and this in S inside the machine itself", () => {
    expect(codes(inEntry("  var x: int;", "this.x = 1;\nassert this in S;"))).toEqual([]);
  });

  it("reports a state test on a reference of type machine", () => {
    expect(
      codes(
        "machine M { start state S { } }\ninvariant I: forall m: M :: true;\nfun f(m: machine): bool { return m in S; }",
      ),
    ).toEqual(["FL413"]);
  });

  it("reports another machine's state test outside invariants", () => {
    expect(codes(inEntry("  var m: M;", "m = new M();\nassert m in S;"))).toEqual(["FL406"]);
  });
});

describe("semantic checks", () => {
  it("restricts spec monitors", () => {
    const text = `
event E;
machine M { start state S { ignore E; } }
spec Mon observes E {
  start state A {
    entry { new M(); halt; start timer T; assert choose(); }
    on timeout T do { }
  }
}`;
    expect(errors(text)).toEqual(["FL403", "FL403", "FL403", "FL403", "FL403"]);
  });

  it("follows top-level calls from invariants", () => {
    const text = `
event E;
fun inner(m: machine): bool { send m, E; return true; }
fun outer(m: machine): bool { return inner(m); }
fun pure(x: int): bool { return x > 0; }
machine M { var n: int; start state S { ignore E; } }
invariant I: forall m: M :: outer(m) && pure(m.n);`;
    const ds = diagnose(text);
    expect(ds.map((d) => d.code)).toEqual(["FL410"]);
    expect(ds[0]!.message).toBe("'outer' uses 'send', which is not allowed in an invariant");
  });

  it("finds states reachable through machine functions", () => {
    const text = `
machine M {
  start state A { entry { go(); } }
  state B { }
  fun go() { helper(); }
  fun helper() { goto B; }
}`;
    expect(codes(text)).toEqual([]);
  });

  it("accepts break and continue inside loops", () => {
    expect(
      codes(
        inEntry(
          "  var q: seq[int];",
          "while (true) { break; }\nforeach (x in q) { if (x > 1) { continue; } }",
        ),
      ),
    ).toEqual([]);
  });

  it("accepts timers started and handled", () => {
    const text =
      "machine M { start state S { entry { start timer T; } on timeout T do { cancel timer T; } } }";
    expect(codes(text)).toEqual([]);
  });

  it("rejects deferring and ignoring one event", () => {
    expect(codes("event E;\nmachine M { start state S { defer E; ignore E; } }")).toEqual(["FL402"]);
  });

  it("checks fault budgets bound through params", () => {
    const base = `
event E;
param k: int;
machine M { start state S { ignore E; } }
invariant I: true;
`;
    expect(
      codes(`${base}test param (k in [1, 2]) T [main = M]: assert I with faults { partition at most k; };`),
    ).toEqual([]);
    expect(
      codes(`${base}test param (k in [1, -2]) T [main = M]: assert I with faults { partition at most k; };`),
    ).toEqual(["FL412"]);
    expect(
      codes(`${base}test param (k in [true]) T [main = M]: assert I with faults { partition at most k; };`),
    ).toEqual(["FL300", "FL412"]);
  });

  it("rejects a param value listed twice (the expanded tests would share a name)", () => {
    const text =
      "param n: int;\nmachine M { start state S { } }\ninvariant I: true;\ntest param (n in [1, 2, 1]) T [main = M]: assert I;";
    expect(codes(text)).toEqual(["FL207"]);
  });

  it("rejects timers, raise and goto in top-level functions", () => {
    expect(codes("event E;\nfun f() { start timer T; raise E; }")).toEqual(["FL414", "FL414"]);
  });
});

describe("several errors", () => {
  it("reports five independent errors in one run", () => {
    const text = `
event Ping: int;
machine A {
  var n: int;
  start state S {
    entry {
      n = true;
      send this, Pong;
      if (n) { }
    }
    on Ping do (x: string) { }
  }
}
machine B { state T { } }
`;
    const ds = diagnose(text);
    expect(ds.map((d) => d.code)).toEqual(["FL300", "FL202", "FL308", "FL302", "FL400"]);
    expect(new Set(ds.map((d) => d.span.start.line)).size).toBe(5);
  });
});
