import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type {
  Decl,
  Expr,
  FunDecl,
  InvariantDecl,
  MachineDecl,
  Program,
  StateDecl,
  Stmt,
  TestDecl,
} from "../src/ast.js";
import { MISSING_NAME, parse } from "../src/parser.js";
import { type AnyNode, walkAst } from "../src/parser-walk.js";

const here = dirname(fileURLToPath(import.meta.url));
const validDir = join(here, "fixtures", "valid");
const syntaxDir = join(here, "fixtures", "syntax");

// ---------------------------------------------------------------- helpers

/** The tree without ids and spans, for shape comparisons. */
function strip(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(strip);
  if (typeof v === "object" && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (k !== "id" && k !== "span") out[k] = strip(x);
    return out;
  }
  return v;
}

function parseOk(text: string, path = "test.fl"): Program {
  const { program, diagnostics } = parse({ path, text });
  expect(diagnostics).toEqual([]);
  return program;
}

function decl<K extends Decl["kind"]>(text: string, kind: K): Extract<Decl, { kind: K }> {
  const program = parseOk(text);
  expect(program.decls).toHaveLength(1);
  const d = program.decls[0]!;
  expect(d.kind).toBe(kind);
  return d as Extract<Decl, { kind: K }>;
}

function expr(src: string): unknown {
  return strip(decl(`invariant I: ${src};`, "InvariantDecl").expr);
}

function stmts(src: string): unknown[] {
  return strip(decl(`fun f() { ${src} }`, "FunDecl").body!.stmts) as unknown[];
}

function typeOf(src: string): unknown {
  return strip(decl(`type T = ${src};`, "TypeAliasDecl").type);
}

function state(src: string): StateDecl {
  const m = decl(`machine M { ${src} }`, "MachineDecl");
  expect(m.states).toHaveLength(1);
  return m.states[0]!;
}

function errors(text: string) {
  return parse({ path: "test.fl", text }).diagnostics;
}

// Expected-shape builders.
const id = (name: string) => ({ kind: "Ident", name });
const n = (name: string) => ({ kind: "Name", name: id(name) });
const int = (value: number) => ({ kind: "IntLit", value });
const bool = (value: boolean) => ({ kind: "BoolLit", value });
const bin = (op: string, left: unknown, right: unknown) => ({ kind: "Binary", op, left, right });
const un = (op: string, operand: unknown) => ({ kind: "Unary", op, operand });
const paren = (e: unknown) => ({ kind: "Paren", expr: e });
const named = (name: string) => ({ kind: "NamedType", name: id(name) });
const call = (callee: string, ...args: unknown[]) => ({ kind: "Call", callee: id(callee), args });
const block = (...s: unknown[]) => ({ kind: "Block", stmts: s });
// (`then` is a field of IfStmt in the AST contract; built by shorthand here.)
const ifNode = (cond: unknown, then: unknown, otherwise: unknown) => ({
  kind: "If",
  cond,
  then,
  else: otherwise,
});
const inline = (body: unknown, param: unknown = null) => ({ kind: "InlineAction", param, body });

/** Every node of a tree: valid kind, id and span inside the file, no undefined field. */
function checkWellFormed(program: Program, text: string): void {
  const ids = new Set<number>();
  walkAst(program as AnyNode, (node) => {
    expect(ids.has(node.id)).toBe(false);
    ids.add(node.id);
    expect(node.span.start.offset).toBeGreaterThanOrEqual(0);
    expect(node.span.start.offset).toBeLessThanOrEqual(node.span.end.offset);
    expect(node.span.end.offset).toBeLessThanOrEqual(text.length);
    for (const [k, v] of Object.entries(node)) {
      expect(v, `${node.kind}.${k}`).not.toBeUndefined();
      if (Array.isArray(v)) expect(v, `${node.kind}.${k}`).not.toContain(undefined);
    }
  });
}

// ---------------------------------------------------------------- declarations

describe("declarations", () => {
  it("parses an enum", () => {
    expect(strip(decl("enum Vote { Yes, No }", "EnumDecl"))).toEqual({
      kind: "EnumDecl",
      name: id("Vote"),
      members: [id("Yes"), id("No")],
    });
  });

  it("parses a type alias", () => {
    expect(strip(decl("type Tx = int;", "TypeAliasDecl"))).toEqual({
      kind: "TypeAliasDecl",
      name: id("Tx"),
      type: named("int"),
    });
  });

  it("parses events with and without payloads", () => {
    expect(strip(decl("event Ping;", "EventDecl"))).toEqual({
      kind: "EventDecl",
      name: id("Ping"),
      payload: null,
    });
    expect(strip(decl("event Voted: (from: Participant, vote: Vote);", "EventDecl"))).toEqual({
      kind: "EventDecl",
      name: id("Voted"),
      payload: {
        kind: "NamedTupleType",
        fields: [
          { name: id("from"), type: named("Participant") },
          { name: id("vote"), type: named("Vote") },
        ],
      },
    });
  });

  it("parses a param declaration", () => {
    expect(strip(decl("param n: int;", "ParamDecl"))).toEqual({
      kind: "ParamDecl",
      name: id("n"),
      type: named("int"),
    });
  });

  it("parses global and foreign functions", () => {
    expect(strip(decl("fun f(a: int, b: seq[int]): bool { return true; }", "FunDecl"))).toEqual({
      kind: "FunDecl",
      name: id("f"),
      params: [
        { kind: "Param", name: id("a"), type: named("int") },
        { kind: "Param", name: id("b"), type: { kind: "SeqType", elem: named("int") } },
      ],
      returnType: named("bool"),
      body: block({ kind: "Return", value: bool(true) }),
      foreign: false,
    });
    expect(strip(decl("foreign fun hash(s: string): int;", "FunDecl"))).toEqual({
      kind: "FunDecl",
      name: id("hash"),
      params: [{ kind: "Param", name: id("s"), type: named("string") }],
      returnType: named("int"),
      body: null,
      foreign: true,
    });
  });

  it("parses an invariant", () => {
    expect(strip(decl("invariant Small: x < 3;", "InvariantDecl"))).toEqual({
      kind: "InvariantDecl",
      name: id("Small"),
      expr: bin("<", n("x"), int(3)),
      reachable: false,
    });
  });

  it("parses a reachable property; 'reachable' stays an ordinary name elsewhere", () => {
    expect(strip(decl("reachable Big: x > 3;", "InvariantDecl"))).toEqual({
      kind: "InvariantDecl",
      name: id("Big"),
      expr: bin(">", n("x"), int(3)),
      reachable: true,
    });
    parseOk("event reachable; machine cover { var reachable: int; start state S { } }");
  });

  it("parses a cover (Spec.State, ...) clause after the assert list", () => {
    const t = decl("test C [main = Setup]: assert S cover (S.Done, S.Waiting) in (Setup);", "TestDecl");
    expect(t.covers.map((c) => `${c.spec.name}.${c.state.name}`)).toEqual(["S.Done", "S.Waiting"]);
    expect(strip(t.machines)).toEqual([{ kind: "ModuleName", name: id("Setup") }]);
  });

  it("parses a machine with variables, states and functions in any order", () => {
    const m = decl(
      "machine M { fun g() { } var a: int; start state S { } durable var b: bool; state T { } }",
      "MachineDecl",
    );
    expect(strip(m.vars)).toEqual([
      { kind: "VarDecl", name: id("a"), type: named("int"), durable: false },
      { kind: "VarDecl", name: id("b"), type: named("bool"), durable: true },
    ]);
    expect(m.states.map((s) => [s.name.name, s.isStart])).toEqual([
      ["S", true],
      ["T", false],
    ]);
    expect(m.funs.map((f) => f.name.name)).toEqual(["g"]);
  });

  it("parses a spec with observes, variables and hot/cold states", () => {
    const s = decl(
      "spec Live observes Req, Resp { var n: int; start cold state Idle { } hot state Busy { } }",
      "SpecDecl",
    );
    expect(strip(s.observes)).toEqual([id("Req"), id("Resp")]);
    expect(strip(s.vars)).toEqual([{ kind: "VarDecl", name: id("n"), type: named("int"), durable: false }]);
    expect(s.states.map((st) => [st.name.name, st.isStart, st.temperature])).toEqual([
      ["Idle", true, "cold"],
      ["Busy", false, "hot"],
    ]);
  });

  it("parses a plain test", () => {
    expect(strip(decl("test Basic [main = Setup]: assert P1, P2;", "TestDecl"))).toEqual({
      kind: "TestDecl",
      name: id("Basic"),
      params: [],
      wise: null,
      assume: null,
      main: id("Setup"),
      asserts: [id("P1"), id("P2")],
      covers: [],
      machines: null,
      symmetric: [],
      substitutions: [],
      faults: [],
    });
  });

  it("parses a symmetric (...) clause between in (...) and with faults", () => {
    const t = decl(
      "test Sym [main = Setup]: assert P in (Setup, Node, Peer) symmetric (Node, Peer) with faults { reorder; };",
      "TestDecl",
    );
    expect(t.symmetric.map((m) => m.name)).toEqual(["Node", "Peer"]);
    expect(strip(t.machines)).toEqual(
      ["Setup", "Node", "Peer"].map((n) => ({ kind: "ModuleName", name: id(n) })),
    );
    expect(t.faults.map((f) => f.kind)).toEqual(["ReorderFault"]);
  });

  it("parses a test without properties (built-in checks only)", () => {
    const t = decl("test Smoke [main = Setup];", "TestDecl");
    expect(t.asserts).toEqual([]);
    expect(t.main.name).toBe("Setup");
  });

  it("parses a test with a machine set and every kind of fault", () => {
    const t = decl(
      `test Faulty [main = Setup]: assert Safe in (Setup, Node) with faults {
         drop at most 2;
         drop Ping, Pong at most 1;
         duplicate Ping at most k;
         duplicate at most 1;
         reorder;
         crash Node at most 1;
         crash Node at most 2 then restart;
         partition at most 1;
       };`,
      "TestDecl",
    );
    expect(strip(t.machines)).toEqual([
      { kind: "ModuleName", name: id("Setup") },
      { kind: "ModuleName", name: id("Node") },
    ]);
    expect(strip(t.faults)).toEqual([
      { kind: "DropFault", events: [], atMost: int(2) },
      { kind: "DropFault", events: [id("Ping"), id("Pong")], atMost: int(1) },
      { kind: "DuplicateFault", events: [id("Ping")], atMost: n("k") },
      { kind: "DuplicateFault", events: [], atMost: int(1) },
      { kind: "ReorderFault" },
      { kind: "CrashFault", machine: id("Node"), atMost: int(1), restart: false },
      { kind: "CrashFault", machine: id("Node"), atMost: int(2), restart: true },
      { kind: "PartitionFault", atMost: int(1) },
    ]);
  });

  it("parses parameterized tests with several bindings", () => {
    const t = decl("test param (n in [2, 3], k in [1]) Scaled [main = Setup]: assert Safe;", "TestDecl");
    expect(strip(t.params)).toEqual([
      { kind: "TestParamBinding", param: id("n"), values: [int(2), int(3)] },
      { kind: "TestParamBinding", param: id("k"), values: [int(1)] },
    ]);
    expect(t.name.name).toBe("Scaled");
  });

  it("lets soft keywords be ordinary names outside their context", () => {
    const m = decl(
      "machine timer { var drop: int; var at: int; start state main { entry { drop = at + most(then); } } }",
      "MachineDecl",
    );
    expect(m.name.name).toBe("timer");
    expect(m.vars.map((v) => v.name.name)).toEqual(["drop", "at"]);
    expect(strip(m.states[0]!.entry!.action)).toEqual(
      inline(
        block({
          kind: "Assign",
          op: "=",
          target: n("drop"),
          value: bin("+", n("at"), call("most", n("then"))),
        }),
      ),
    );
  });
});

// ---------------------------------------------------------------- states

describe("state items", () => {
  it("parses start/hot/cold modifiers", () => {
    expect(state("start state S { }").isStart).toBe(true);
    expect(state("state S { }").temperature).toBe(null);
    const s = decl("spec X observes E { start hot state S { } }", "SpecDecl").states[0]!;
    expect([s.isStart, s.temperature]).toEqual([true, "hot"]);
  });

  it("parses entry with a block, a typed parameter, or a function name", () => {
    expect(strip(state("state S { entry { halt; } }").entry)).toEqual({
      kind: "Entry",
      action: inline(block({ kind: "Halt" })),
    });
    expect(strip(state("state S { entry (p: int) { } }").entry!.action)).toEqual(
      inline(block(), { name: id("p"), type: named("int") }),
    );
    expect(strip(state("state S { entry Setup; }").entry!.action)).toEqual({
      kind: "FunAction",
      fun: id("Setup"),
    });
  });

  it("parses exit with a block or a function name", () => {
    expect(strip(state("state S { exit { } }").exit)).toEqual({ kind: "Exit", action: inline(block()) });
    expect(strip(state("state S { exit Cleanup; }").exit!.action)).toEqual({
      kind: "FunAction",
      fun: id("Cleanup"),
    });
  });

  it("parses on-do handlers with and without a parameter, and with a function", () => {
    expect(strip(state("state S { on A, B do (x) { } on C do { } on D do Handle; }").items)).toEqual([
      { kind: "OnDo", events: [id("A"), id("B")], action: inline(block(), { name: id("x"), type: null }) },
      { kind: "OnDo", events: [id("C")], action: inline(block()) },
      { kind: "OnDo", events: [id("D")], action: { kind: "FunAction", fun: id("Handle") } },
    ]);
  });

  it("parses a typed handler parameter", () => {
    expect(strip(state("state S { on A do (x: (int, bool)) { } }").items[0])).toEqual({
      kind: "OnDo",
      events: [id("A")],
      action: inline(block(), {
        name: id("x"),
        type: { kind: "TupleType", elems: [named("int"), named("bool")] },
      }),
    });
  });

  it("parses on-goto with and without a with-action", () => {
    expect(
      strip(
        state("state S { on A goto T; on B goto T with (x) { }; on C goto T with { } on D goto T with F; }")
          .items,
      ),
    ).toEqual([
      { kind: "OnGoto", events: [id("A")], target: id("T"), with: null },
      {
        kind: "OnGoto",
        events: [id("B")],
        target: id("T"),
        with: inline(block(), { name: id("x"), type: null }),
      },
      { kind: "OnGoto", events: [id("C")], target: id("T"), with: inline(block()) },
      { kind: "OnGoto", events: [id("D")], target: id("T"), with: { kind: "FunAction", fun: id("F") } },
    ]);
  });

  it("parses defer and ignore lists", () => {
    expect(strip(state("state S { defer A, B; ignore C; }").items)).toEqual([
      { kind: "Defer", events: [id("A"), id("B")] },
      { kind: "Ignore", events: [id("C")] },
    ]);
  });

  it("parses timeout handlers", () => {
    expect(
      strip(
        state("state S { on timeout T1 do { } on timeout T2 goto S; on timeout T3 goto S with Fix; }").items,
      ),
    ).toEqual([
      { kind: "OnTimeoutDo", timer: id("T1"), action: inline(block()) },
      { kind: "OnTimeoutGoto", timer: id("T2"), target: id("S"), with: null },
      {
        kind: "OnTimeoutGoto",
        timer: id("T3"),
        target: id("S"),
        with: { kind: "FunAction", fun: id("Fix") },
      },
    ]);
  });
});

// ---------------------------------------------------------------- types

describe("types", () => {
  it("parses named and builtin types", () => {
    for (const t of ["int", "bool", "string", "machine", "Participant"]) expect(typeOf(t)).toEqual(named(t));
  });

  it("parses collections", () => {
    expect(typeOf("seq[int]")).toEqual({ kind: "SeqType", elem: named("int") });
    expect(typeOf("set[Node]")).toEqual({ kind: "SetType", elem: named("Node") });
    expect(typeOf("map[int, seq[bool]]")).toEqual({
      kind: "MapType",
      key: named("int"),
      value: { kind: "SeqType", elem: named("bool") },
    });
  });

  it("parses tuples, one-tuples, named tuples and grouping", () => {
    expect(typeOf("(int, bool)")).toEqual({ kind: "TupleType", elems: [named("int"), named("bool")] });
    expect(typeOf("(int,)")).toEqual({ kind: "TupleType", elems: [named("int")] });
    expect(typeOf("(a: int)")).toEqual({
      kind: "NamedTupleType",
      fields: [{ name: id("a"), type: named("int") }],
    });
    expect(typeOf("(int)")).toEqual(named("int"));
  });
});

// ---------------------------------------------------------------- statements

describe("statements", () => {
  it("parses local variables and assignments", () => {
    expect(stmts("var x: int; x = 1; x += 2; s -= (3); t.f = 4; q[0] = 5; p.0 = 6;")).toEqual([
      { kind: "LocalVar", name: id("x"), type: named("int") },
      { kind: "Assign", op: "=", target: n("x"), value: int(1) },
      { kind: "Assign", op: "+=", target: n("x"), value: int(2) },
      { kind: "Assign", op: "-=", target: n("s"), value: paren(int(3)) },
      { kind: "Assign", op: "=", target: { kind: "Field", target: n("t"), field: id("f") }, value: int(4) },
      { kind: "Assign", op: "=", target: { kind: "Index", target: n("q"), index: int(0) }, value: int(5) },
      { kind: "Assign", op: "=", target: { kind: "TupleIndex", target: n("p"), index: 0 }, value: int(6) },
    ]);
  });

  it("parses send, raise, goto and announce with and without payloads", () => {
    expect(
      stmts(
        "send p, E; send p.next, E, (a = 1); raise R; raise R, 2; goto S; goto S, x; announce A; announce A, y;",
      ),
    ).toEqual([
      { kind: "Send", target: n("p"), event: id("E"), payload: null },
      {
        kind: "Send",
        target: { kind: "Field", target: n("p"), field: id("next") },
        event: id("E"),
        payload: { kind: "NamedTuple", fields: [{ name: id("a"), value: int(1) }] },
      },
      { kind: "Raise", event: id("R"), payload: null },
      { kind: "Raise", event: id("R"), payload: int(2) },
      { kind: "Goto", target: id("S"), payload: null },
      { kind: "Goto", target: id("S"), payload: n("x") },
      { kind: "Announce", event: id("A"), payload: null },
      { kind: "Announce", event: id("A"), payload: n("y") },
    ]);
  });

  it("parses assert, halt, return, break and continue", () => {
    expect(stmts('assert x; assert y, "no"; halt; return; return 1; break; continue;')).toEqual([
      { kind: "Assert", cond: n("x"), message: null },
      { kind: "Assert", cond: n("y"), message: { kind: "StringLit", value: "no" } },
      { kind: "Halt" },
      { kind: "Return", value: null },
      { kind: "Return", value: int(1) },
      { kind: "Break" },
      { kind: "Continue" },
    ]);
  });

  it("parses if / else if / else chains", () => {
    expect(stmts("if (a) { } else if (b) { halt; } else { }")).toEqual([
      ifNode(n("a"), block(), ifNode(n("b"), block({ kind: "Halt" }), block())),
    ]);
    expect(stmts("if (a) { }")).toEqual([ifNode(n("a"), block(), null)]);
  });

  it("parses while and foreach loops", () => {
    expect(stmts("while (i < 3) { } foreach (p in keys(m)) { }")).toEqual([
      { kind: "While", cond: bin("<", n("i"), int(3)), body: block() },
      { kind: "Foreach", variable: id("p"), iterable: call("keys", n("m")), body: block() },
    ]);
  });

  it("parses timer statements", () => {
    expect(stmts("start timer T; cancel timer T;")).toEqual([
      { kind: "StartTimer", timer: id("T") },
      { kind: "CancelTimer", timer: id("T") },
    ]);
  });

  it("parses calls and new as statements, and nested blocks", () => {
    expect(stmts("f(1, x); new M(); { g(); }")).toEqual([
      { kind: "ExprStmt", expr: call("f", int(1), n("x")) },
      { kind: "ExprStmt", expr: { kind: "New", machine: id("M"), payload: null } },
      block({ kind: "ExprStmt", expr: call("g") }),
    ]);
  });
});

// ---------------------------------------------------------------- expressions

describe("expressions", () => {
  it("parses literals, names, this and $", () => {
    expect(expr("0")).toEqual(int(0));
    expect(expr("2147483647")).toEqual(int(2147483647));
    expect(expr("true")).toEqual(bool(true));
    expect(expr("false")).toEqual(bool(false));
    expect(expr("x")).toEqual(n("x"));
    expect(expr("this")).toEqual({ kind: "This" });
    expect(expr("$")).toEqual({ kind: "Nondet" });
  });

  it("unescapes string literals", () => {
    expect(expr('"a\\"b\\\\c\\nd\\te"')).toEqual({ kind: "StringLit", value: 'a"b\\c\nd\te' });
    expect(expr('""')).toEqual({ kind: "StringLit", value: "" });
  });

  it("parses field access, qualified enum members, tuple indexes and index chains", () => {
    expect(expr("Vote.Yes")).toEqual({ kind: "Field", target: n("Vote"), field: id("Yes") });
    expect(expr("t.0.1")).toEqual({
      kind: "TupleIndex",
      target: { kind: "TupleIndex", target: n("t"), index: 0 },
      index: 1,
    });
    expect(expr("m[k].f[0]")).toEqual({
      kind: "Index",
      target: {
        kind: "Field",
        target: { kind: "Index", target: n("m"), index: n("k") },
        field: id("f"),
      },
      index: int(0),
    });
  });

  it("parses calls and builtins", () => {
    expect(expr("sizeof(s)")).toEqual(call("sizeof", n("s")));
    expect(expr("inflight(E, m)")).toEqual(call("inflight", n("E"), n("m")));
    expect(expr("values(m)")).toEqual(call("values", n("m")));
    expect(expr("f()")).toEqual(call("f"));
  });

  it("parses new with no payload, a payload, a tuple or a named tuple", () => {
    expect(expr("new M()")).toEqual({ kind: "New", machine: id("M"), payload: null });
    expect(expr("new M(x)")).toEqual({ kind: "New", machine: id("M"), payload: n("x") });
    expect(expr("new M(a = 1, b = x)")).toEqual({
      kind: "New",
      machine: id("M"),
      payload: {
        kind: "NamedTuple",
        fields: [
          { name: id("a"), value: int(1) },
          { name: id("b"), value: n("x") },
        ],
      },
    });
    expect(expr("new M(1, 2)")).toEqual({
      kind: "New",
      machine: id("M"),
      payload: { kind: "Tuple", elems: [int(1), int(2)] },
    });
  });

  it("parses choose in all three forms and default", () => {
    expect(expr("choose()")).toEqual({ kind: "Choose", arg: null });
    expect(expr("choose(3)")).toEqual({ kind: "Choose", arg: int(3) });
    expect(expr("choose({Yes, No})")).toEqual({
      kind: "Choose",
      arg: { kind: "SetLit", elems: [n("Yes"), n("No")] },
    });
    expect(expr("default(map[int, bool])")).toEqual({
      kind: "Default",
      type: { kind: "MapType", key: named("int"), value: named("bool") },
    });
  });

  it("distinguishes parentheses, tuples, one-tuples and named tuples", () => {
    expect(expr("(x)")).toEqual(paren(n("x")));
    expect(expr("(x,)")).toEqual({ kind: "Tuple", elems: [n("x")] });
    expect(expr("(x, y, 1)")).toEqual({ kind: "Tuple", elems: [n("x"), n("y"), int(1)] });
    expect(expr("(x = 1)")).toEqual({ kind: "NamedTuple", fields: [{ name: id("x"), value: int(1) }] });
    expect(expr("(x == 1)")).toEqual(paren(bin("==", n("x"), int(1))));
  });

  it("parses set and seq literals, empty ones included", () => {
    expect(expr("{}")).toEqual({ kind: "SetLit", elems: [] });
    expect(expr("{1, 2}")).toEqual({ kind: "SetLit", elems: [int(1), int(2)] });
    expect(expr("[]")).toEqual({ kind: "SeqLit", elems: [] });
    expect(expr("[a, b]")).toEqual({ kind: "SeqLit", elems: [n("a"), n("b")] });
  });

  it("parses quantifiers over machines and collections", () => {
    expect(expr("forall p: P, x in s :: p.v < x")).toEqual({
      kind: "Quant",
      quantifier: "forall",
      binders: [
        { kind: "QuantBinder", name: id("p"), machineType: id("P"), collection: null },
        { kind: "QuantBinder", name: id("x"), machineType: null, collection: n("s") },
      ],
      body: bin("<", { kind: "Field", target: n("p"), field: id("v") }, n("x")),
    });
    expect(expr("exists c: C :: c in Committing")).toEqual({
      kind: "Quant",
      quantifier: "exists",
      binders: [{ kind: "QuantBinder", name: id("c"), machineType: id("C"), collection: null }],
      body: bin("in", n("c"), n("Committing")),
    });
  });

  it("parses unary operators", () => {
    expect(expr("!a")).toEqual(un("!", n("a")));
    expect(expr("- -1")).toEqual(un("-", un("-", int(1))));
    expect(expr("-2147483648")).toEqual(un("-", int(2147483648)));
  });
});

describe("precedence", () => {
  it("orders || below && below equality below comparison", () => {
    expect(expr("a || b && c == d < e")).toEqual(
      bin("||", n("a"), bin("&&", n("b"), bin("==", n("c"), bin("<", n("d"), n("e"))))),
    );
  });

  it("binds * / % tighter than + -", () => {
    expect(expr("1 + 2 * 3 - 4 / 5 % 6")).toEqual(
      bin("-", bin("+", int(1), bin("*", int(2), int(3))), bin("%", bin("/", int(4), int(5)), int(6))),
    );
  });

  it("is left associative", () => {
    expect(expr("a - b - c")).toEqual(bin("-", bin("-", n("a"), n("b")), n("c")));
    expect(expr("a || b || c")).toEqual(bin("||", bin("||", n("a"), n("b")), n("c")));
  });

  it("puts 'in' at the comparison level", () => {
    expect(expr("x + 1 in s && y")).toEqual(bin("&&", bin("in", bin("+", n("x"), int(1)), n("s")), n("y")));
    expect(expr("a == b in s")).toEqual(bin("==", n("a"), bin("in", n("b"), n("s"))));
  });

  it("binds unary tighter than binary and postfix tighter than unary", () => {
    expect(expr("!a && b")).toEqual(bin("&&", un("!", n("a")), n("b")));
    expect(expr("-a.f * b")).toEqual(
      bin("*", un("-", { kind: "Field", target: n("a"), field: id("f") }), n("b")),
    );
  });

  it("lets a quantifier body extend as far as possible", () => {
    expect(expr("forall p: P :: a || b")).toMatchObject({ kind: "Quant", body: bin("||", n("a"), n("b")) });
    expect(expr("a && forall p: P :: b || c")).toEqual(
      bin("&&", n("a"), {
        kind: "Quant",
        quantifier: "forall",
        binders: [{ kind: "QuantBinder", name: id("p"), machineType: id("P"), collection: null }],
        body: bin("||", n("b"), n("c")),
      }),
    );
  });
});

// ---------------------------------------------------------------- spans and ids

describe("spans and ids", () => {
  it("gives 1-based line/col spans with exclusive ends", () => {
    const text = "event Ping;\n\nmachine M {\n  start state S { }\n}\n";
    const program = parseOk(text);
    const [event, machine] = program.decls as [Decl, MachineDecl];
    expect(event.span).toEqual({
      file: "test.fl",
      start: { line: 1, col: 1, offset: 0 },
      end: { line: 1, col: 12, offset: 11 },
    });
    expect(machine.span.start).toEqual({ line: 3, col: 1, offset: 13 });
    expect(machine.span.end).toEqual({ line: 5, col: 2, offset: 46 });
    const s = machine.states[0]!;
    expect(text.slice(s.span.start.offset, s.span.end.offset)).toBe("start state S { }");
    expect(s.name.span.start).toEqual({ line: 4, col: 15, offset: 39 });
    expect(program.span).toEqual({
      file: "test.fl",
      start: { line: 1, col: 1, offset: 0 },
      end: { line: 6, col: 1, offset: text.length },
    });
  });

  it("spans binary expressions from the left operand to the right one", () => {
    const text = "invariant I: (a + b) * c.d;";
    const inv = decl(text, "InvariantDecl") as InvariantDecl;
    const e = inv.expr as Extract<Expr, { kind: "Binary" }>;
    expect(text.slice(e.span.start.offset, e.span.end.offset)).toBe("(a + b) * c.d");
    expect(text.slice(e.left.span.start.offset, e.left.span.end.offset)).toBe("(a + b)");
    expect(text.slice(e.right.span.start.offset, e.right.span.end.offset)).toBe("c.d");
    expect(text.slice(inv.span.start.offset, inv.span.end.offset)).toBe(text);
  });

  it("numbers nodes from 1, uniquely, per parse", () => {
    for (let round = 0; round < 2; round++) {
      const program = parseOk("event E; machine M { start state S { on E do { x = 1; } } }");
      const ids: number[] = [];
      walkAst(program as AnyNode, (node) => ids.push(node.id));
      expect(new Set(ids).size).toBe(ids.length);
      expect(Math.min(...ids)).toBe(1);
      expect(Math.max(...ids)).toBe(ids.length);
    }
  });
});

// ---------------------------------------------------------------- valid programs

describe("valid programs", () => {
  const files = readdirSync(validDir).filter((f) => f.endsWith(".fl"));

  it("has the reference two-phase commit among the fixtures", () => {
    expect(files).toContain("two-phase-commit.fl");
    expect(files.length).toBeGreaterThanOrEqual(3);
  });

  for (const file of files) {
    it(`parses ${file} without diagnostics`, () => {
      const text = readFileSync(join(validDir, file), "utf8");
      const program = parseOk(text, file);
      expect(program.decls.length).toBeGreaterThan(3);
      checkWellFormed(program, text);
    });
  }

  it("reads the two-phase commit program as written", () => {
    const program = parseOk(readFileSync(join(validDir, "two-phase-commit.fl"), "utf8"));
    expect(program.decls.map((d) => `${d.kind}:${d.name.name}`)).toEqual([
      "EnumDecl:Vote",
      "TypeAliasDecl:Tx",
      "EventDecl:Prepare",
      "EventDecl:Voted",
      "EventDecl:Decide",
      "MachineDecl:Coordinator",
      "MachineDecl:Participant",
      "MachineDecl:Setup",
      "InvariantDecl:NoSplitDecision",
      "InvariantDecl:CommitNeedsAllYes",
      "SpecDecl:EveryPrepareDecided",
      "TestDecl:Reliable",
      "TestDecl:UnderFaults",
    ]);
    const coordinator = program.decls[5] as MachineDecl;
    expect(coordinator.states.map((s) => s.name.name)).toEqual([
      "Init",
      "Collecting",
      "Committing",
      "Aborting",
    ]);
    const collecting = coordinator.states[1]!;
    expect(strip(collecting.items[1])).toEqual({
      kind: "OnTimeoutGoto",
      timer: id("VoteTimeout"),
      target: id("Aborting"),
      with: null,
    });
    const under = program.decls[12] as TestDecl;
    expect(under.faults.map((f) => f.kind)).toEqual([
      "DropFault",
      "DuplicateFault",
      "CrashFault",
      "PartitionFault",
    ]);
    const participant = program.decls[6] as MachineDecl;
    const prepare = participant.states[0]!.items[0]!;
    expect(prepare.kind).toBe("OnDo");
    const body = (prepare as Extract<typeof prepare, { kind: "OnDo" }>).action;
    expect(body.kind === "InlineAction" && (strip(body.body.stmts[1]) as Stmt)).toEqual({
      kind: "Assign",
      op: "=",
      target: n("vote"),
      value: { kind: "Choose", arg: { kind: "SetLit", elems: [n("Yes"), n("No")] } },
    });
  });
});

// ---------------------------------------------------------------- diagnostics

describe("syntax diagnostics", () => {
  it("recovers from three separate errors and reports each on its line", () => {
    const text = [
      "event E;", // 1
      "machine M {", // 2
      "  start state S {", // 3
      "    entry {", // 4
      "      send this, E", // 5: missing ';'
      "      x = 1;", // 6
      "    }", // 7
      "    on E goto S", // 8: missing ';'
      "    on X do { y = (1 + ; }", // 9: missing operand
      "  }", // 10
      "}", // 11
      "event F;", // 12
    ].join("\n");
    const { program, diagnostics } = parse({ path: "three.fl", text });
    expect(diagnostics.map((d) => [d.code, d.span.start.line])).toEqual([
      ["FL103", 5],
      ["FL103", 8],
      ["FL104", 9],
    ]);
    expect(diagnostics[0]!.message).toBe("expected ';' after the send statement, found 'x'");
    // The declarations around the errors survive.
    expect(program.decls.map((d) => d.name.name)).toEqual(["E", "M", "F"]);
    const s = (program.decls[1] as MachineDecl).states[0]!;
    expect(s.entry?.action.kind).toBe("InlineAction");
    expect(s.items.map((i) => i.kind)).toEqual(["OnGoto", "OnDo"]);
    checkWellFormed(program, text);
  });

  it("rejects out-of-range integers but accepts -2147483648", () => {
    expect(errors("invariant I: x == -2147483648;")).toEqual([]);
    const d = errors("invariant I: x == 2147483648;");
    expect(d.map((x) => x.code)).toEqual(["FL105"]);
    expect(d[0]!.span.start.col).toBe(19);
    expect(errors("invariant I: x == 1 - 2147483648;").map((x) => x.code)).toEqual(["FL105"]);
  });

  it("reports a second entry action with the first as related", () => {
    const d = errors("machine M { state S { entry { } entry { } } }");
    expect(d).toHaveLength(1);
    expect(d[0]!.code).toBe("FL207");
    expect(d[0]!.span.start.col).toBe(33);
    expect(d[0]!.related?.[0]?.span.start.col).toBe(23);
  });

  it("requires a body for ordinary functions and none for foreign ones", () => {
    expect(errors("fun f();").map((d) => [d.code, d.message])).toEqual([
      ["FL103", "expected a body '{ ... }' for the function 'f'"],
    ]);
    expect(errors("foreign fun f() { }").map((d) => [d.code, d.message])).toEqual([
      ["FL102", "the foreign function 'f' cannot have a body"],
    ]);
    const program = parse({ path: "t.fl", text: "foreign fun f() { }" }).program;
    expect((program.decls[0] as FunDecl).body).toBe(null);
  });

  it("rejects expressions that are not statements", () => {
    const d = errors("fun f() { x + 1; }");
    expect(d.map((x) => [x.code, x.message])).toEqual([["FL102", "this expression is not a statement"]]);
  });

  it("does not call recovered code 'not a statement'", () => {
    const d = errors("fun f(): int { return (a = 1, 2); }");
    expect(d.map((x) => [x.code, x.message])).toEqual([
      ["FL103", "expected a name in the parenthesized expression, found '2'"],
    ]);
    expect(d[0]!.hint).toBe("a tuple names all its fields '(a = 1, b = 2)' or none '(1, 2)'");
  });

  it("reports nesting beyond the limit instead of overflowing the stack", () => {
    const ok = `invariant I: ${"(".repeat(100)}1${")".repeat(100)};`;
    expect(errors(ok)).toEqual([]);
    const deep = `invariant I: ${"(".repeat(5000)}1${")".repeat(5000)};`;
    const d = errors(deep);
    expect(d.map((x) => [x.code, x.message, x.span.start.col])).toEqual([
      ["FL107", "brackets nested more than 128 levels deep", 14 + 128],
    ]);
    const unary = errors(`invariant I: ${"!".repeat(200000)}x;`);
    expect(unary.map((x) => [x.code, x.message])).toEqual([
      ["FL107", "nested too deeply to be parsed (here the parser ran out of stack)"],
    ]);
    // Located where the parser was, inside the run of `!`, not at 1:1.
    expect(unary[0]!.span.start.col).toBeGreaterThan(14);
    // The shared parser instance is usable again after the overflow.
    expect(strip(parseOk("event E;").decls)).toEqual([{ kind: "EventDecl", name: id("E"), payload: null }]);
  });

  it("explains a reserved keyword used as a name", () => {
    const d = errors("event state;");
    expect(d[0]!.code).toBe("FL103");
    expect(d[0]!.hint).toBe("'state' is a reserved keyword and cannot be used as a name");
  });

  it("points at the unclosed brace when the file ends early", () => {
    const d = errors("machine M {\n  state S {\n");
    expect(d).toHaveLength(1);
    expect(d[0]!.message).toBe("expected '}' in the state declaration, found the end of the file");
    expect(d[0]!.related?.[0]?.span.start).toEqual({ line: 2, col: 11, offset: 22 });
  });

  it("keeps the tree well formed with placeholders after errors", () => {
    const text =
      "machine M { start state { entry (: int) { x = ; send , ; } on do goto ; } }\ninvariant : forall :: ;";
    const { program, diagnostics } = parse({ path: "t.fl", text });
    expect(diagnostics.length).toBeGreaterThan(0);
    checkWellFormed(program, text);
    let missing = 0;
    walkAst(program as AnyNode, (node) => {
      if (node.kind === "Ident" && (node as unknown as { name: string }).name === MISSING_NAME) missing++;
    });
    expect(missing).toBeGreaterThan(0);
  });

  it("accepts CRLF line ends and a byte-order mark", () => {
    const program = parseOk("\ufeffevent A;\r\nevent B;\r\n");
    expect(program.decls[1]!.span.start).toEqual({ line: 2, col: 1, offset: 11 });
  });

  it("never throws on an empty file or only comments", () => {
    expect(parse({ path: "e.fl", text: "" })).toMatchObject({ diagnostics: [], program: { decls: [] } });
    expect(errors("// nothing\n/* at all */")).toEqual([]);
  });
});

// ---------------------------------------------------------------- golden fixtures

describe("golden syntax fixtures", () => {
  const update = process.env["UPDATE_GOLDENS"] === "1";
  const files = readdirSync(syntaxDir).filter((f) => f.endsWith(".fl"));

  it("covers every syntax code", () => {
    const codes = new Set<string>();
    for (const f of files) {
      const expected = JSON.parse(
        readFileSync(join(syntaxDir, f.replace(/\.fl$/, ".expected.json")), "utf8"),
      );
      for (const d of expected) codes.add(d.code);
    }
    for (const code of ["FL100", "FL101", "FL102", "FL103", "FL104", "FL105"]) expect(codes).toContain(code);
  });

  for (const file of files) {
    it(`matches ${file}`, () => {
      const text = readFileSync(join(syntaxDir, file), "utf8");
      const { diagnostics } = parse({ path: `fixtures/syntax/${file}`, text });
      const goldenPath = join(syntaxDir, file.replace(/\.fl$/, ".expected.json"));
      if (update) writeFileSync(goldenPath, `${JSON.stringify(diagnostics, null, 2)}\n`);
      const expected = JSON.parse(readFileSync(goldenPath, "utf8"));
      expect(diagnostics).toEqual(expected);
      expect(diagnostics.length).toBeGreaterThan(0);
    });
  }
});
