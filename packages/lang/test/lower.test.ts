// The IR shape lowering produces: resolved kinds, types on every expression,
// and the desugarings ir.ts documents.
import { describe, expect, it } from "vitest";
import { compileSource } from "../src/front-end.js";
import type { IrExpr, IrProgram, IrStmt } from "../src/ir.js";

function lower(text: string): IrProgram {
  const result = compileSource({ path: "l.fl", text });
  if (!result.ok) throw new Error(result.diagnostics.map((d) => `${d.code} ${d.message}`).join("\n"));
  return result.ir;
}

/** The IR without spans, for shape comparisons. */
function shape<T>(x: T): unknown {
  return JSON.parse(JSON.stringify(x, (k, v) => (k === "span" ? undefined : v)));
}

/** The statements of machine M's start entry. */
function entryBody(ir: IrProgram, machine = "M"): IrStmt[] {
  const m = ir.machines.find((x) => x.name === machine)!;
  return m.states.find((s) => s.name === m.startState)!.entry!.body;
}

function inEntry(vars: string, body: string, extra = ""): string {
  return `${extra}\nmachine M {\n${vars}\n  start state S {\n    entry {\n${body}\n    }\n  }\n}\n`;
}

const INT = { kind: "int" };

describe("assignments", () => {
  it("turns int += and -= into arithmetic assignments", () => {
    const [plus, minus] = entryBody(lower(inEntry("  var n: int;", "n += 2;\nn -= 1;")));
    expect(shape(plus)).toEqual({
      kind: "assign",
      target: { kind: "var", scope: "self", name: "n", type: INT },
      value: {
        kind: "binary",
        op: "+",
        left: { kind: "var", scope: "self", name: "n", type: INT },
        right: { kind: "int", value: 2, type: INT },
        type: INT,
      },
    });
    expect(shape(minus)).toMatchObject({ kind: "assign", value: { kind: "binary", op: "-" } });
    // The target is lowered twice, never shared.
    if (plus?.kind === "assign" && plus.value.kind === "binary")
      expect(plus.value.left).not.toBe(plus.target);
  });

  it("turns string += into concatenation", () => {
    const [s] = entryBody(lower(inEntry("  var t: string;", 't += "x";')));
    expect(shape(s)).toMatchObject({
      kind: "assign",
      value: { kind: "binary", op: "+", type: { kind: "string" } },
    });
  });

  it("turns collection += and -= into insert and remove", () => {
    const body = entryBody(
      lower(
        inEntry(
          "  var s: set[int];\n  var q: seq[bool];\n  var m: map[string, int];",
          's += (1);\ns -= (1);\nq += (0, true);\nq -= (0);\nm += ("a", 1);\nm -= ("a");',
        ),
      ),
    );
    expect(body.map((s) => [s.kind, (s as { collection?: string }).collection])).toEqual([
      ["insert", "set"],
      ["remove", "set"],
      ["insert", "seq"],
      ["remove", "seq"],
      ["insert", "map"],
      ["remove", "map"],
    ]);
    // `(1)` is a parenthesised element (the paren is gone); `(0, true)` an (index, element) tuple.
    expect(shape(body[0])).toMatchObject({ value: { kind: "int", value: 1 } });
    expect(shape(body[2])).toMatchObject({
      value: { kind: "tuple", elems: [{ kind: "int" }, { kind: "bool" }], type: { kind: "tuple" } },
    });
  });

  it("keeps plain assignment through indexes and fields", () => {
    const [a] = entryBody(lower(inEntry("  var m: map[int, (x: int, y: int)];", "m[1].y = 3;")));
    expect(shape(a)).toMatchObject({
      kind: "assign",
      target: { kind: "field", field: "y", index: 1, target: { kind: "index", collection: "map" } },
    });
  });
});

describe("names", () => {
  it("lowers enum members, bare or qualified, to constants", () => {
    const body = entryBody(
      lower(inEntry("  var v: Vote;", "v = No;\nv = Vote.Yes;", "enum Vote { Yes, No }")),
    );
    const vote = { kind: "enum", name: "Vote", members: ["Yes", "No"] };
    expect(shape(body.map((s) => (s.kind === "assign" ? s.value : null)))).toEqual([
      { kind: "enumConst", enumName: "Vote", member: "No", ordinal: 1, type: vote },
      { kind: "enumConst", enumName: "Vote", member: "Yes", ordinal: 0, type: vote },
    ]);
  });

  it("tells locals, machine variables and params apart", () => {
    const body = entryBody(
      lower(inEntry("  var total: int;", "var n: int;\ntotal = n + limit;", "param limit: int;")),
    );
    const assign = body[1]!;
    expect(shape(assign)).toMatchObject({
      target: { kind: "var", scope: "self", name: "total" },
      value: {
        left: { kind: "var", scope: "local", name: "n" },
        right: { kind: "var", scope: "param", name: "limit" },
      },
    });
  });

  it("marks call scopes", () => {
    const ir = lower(
      inEntry(
        "  var x: int;",
        'x = local(1) + global(2) + hash("a");',
        "fun global(a: int): int { return a; }\nforeign fun hash(s: string): int;",
      ).replace("    }\n  }\n}", "    }\n  }\n  fun local(a: int): int { return a; }\n}"),
    );
    const calls: string[] = [];
    const visit = (e: IrExpr): void => {
      if (e.kind === "call") calls.push(`${e.fun}:${e.scope}`);
      if (e.kind === "binary") {
        visit(e.left);
        visit(e.right);
      }
    };
    const first = entryBody(ir)[0]!;
    if (first.kind === "assign") visit(first.value);
    expect(calls).toEqual(["local:machine", "global:global", "hash:foreign"]);
    expect(ir.funs.map((f) => [f.name, f.foreign, f.body === null])).toEqual([
      ["global", false, false],
      ["hash", true, true],
    ]);
  });

  it("drops parentheses", () => {
    const [a] = entryBody(lower(inEntry("  var n: int;", "n = ((1));")));
    expect(shape(a)).toMatchObject({ value: { kind: "int", value: 1 } });
  });
});

describe("actions and handlers", () => {
  it("turns a function action into an inline action that calls it with the payload", () => {
    const ir = lower(`
event Req: int;
machine M {
  start state S { entry Boot; on Req do Take; exit Boot; }
  fun Boot() { }
  fun Take(amount: int) { }
}`);
    const s = ir.machines[0]!.states[0]!;
    expect(shape(s.entry)).toEqual({
      param: null,
      body: [
        {
          kind: "expr",
          expr: { kind: "call", fun: "Boot", scope: "machine", args: [], type: { kind: "void" } },
        },
      ],
    });
    expect(shape(s.handlers)).toEqual([
      {
        kind: "do",
        event: "Req",
        action: {
          param: { name: "amount", type: INT },
          body: [
            {
              kind: "expr",
              expr: {
                kind: "call",
                fun: "Take",
                scope: "machine",
                args: [{ kind: "var", scope: "local", name: "amount", type: INT }],
                type: { kind: "void" },
              },
            },
          ],
        },
      },
    ]);
  });

  it("splits multi-event handlers and gives inferred parameters the payload type", () => {
    const ir = lower(`
event A: int;
event B: int;
event C;
event D;
machine M {
  start state S { on A, B do (x) { } on C goto T; defer D; }
  state T { ignore A, B, C, D; }
}`);
    const [s, t] = ir.machines[0]!.states;
    expect(s!.handlers.map((h) => [h.kind, h.event])).toEqual([
      ["do", "A"],
      ["do", "B"],
      ["goto", "C"],
    ]);
    expect(shape(s!.handlers[0])).toMatchObject({ action: { param: { name: "x", type: INT } } });
    expect(shape(s!.handlers[2])).toEqual({ kind: "goto", event: "C", target: "T", with: null });
    expect(s!.deferred).toEqual(["D"]);
    expect(t!.ignored).toEqual(["A", "B", "C", "D"]);
  });

  it("collects machine timers sorted and the start payload", () => {
    const ir = lower(`
machine M {
  start state S {
    entry (n: int) { start timer Zeta; start timer Alpha; }
    on timeout Zeta do { cancel timer Alpha; }
    on timeout Alpha goto S2;
  }
  state S2 { }
}
machine Setup { start state B { entry { new M(3); } } }`);
    const m = ir.machines[0]!;
    expect(m.timers).toEqual(["Alpha", "Zeta"]);
    expect(m.payload).toEqual(INT);
    expect(ir.machines[1]!.payload).toBeNull();
    expect(shape(m.states[0]!.timeouts)).toEqual([
      { kind: "do", timer: "Zeta", action: { param: null, body: [{ kind: "cancelTimer", timer: "Alpha" }] } },
      { kind: "goto", timer: "Alpha", target: "S2", with: null },
    ]);
  });

  it("keeps a nested block's scope", () => {
    const [b] = entryBody(lower(inEntry("", "{ var a: int; }")));
    expect(shape(b)).toEqual({
      kind: "if",
      cond: { kind: "bool", value: true, type: { kind: "bool" } },
      // biome-ignore lint/suspicious/noThenProperty: ir.ts names the branch of an if statement `then`
      then: [{ kind: "local", name: "a", type: INT }],
      else: [],
    });
  });
});

describe("properties", () => {
  it("lowers state tests, machine variable reads and inflight in invariants", () => {
    const ir = lower(`
event Ping;
machine Job { var done: bool; start state Running { ignore Ping; } }
invariant I: forall j: Job :: (j in Running) || j.done || inflight(Ping, j) > 0;`);
    const inv = ir.invariants[0]!;
    expect(shape(inv.expr)).toMatchObject({
      kind: "quant",
      quantifier: "forall",
      binders: [{ name: "j", machine: "Job", collection: null, elemType: { kind: "machine", name: "Job" } }],
      body: {
        kind: "binary",
        op: "||",
        left: {
          kind: "binary",
          left: {
            kind: "inState",
            machine: "Job",
            state: "Running",
            target: { kind: "var", scope: "local", name: "j" },
          },
          right: { kind: "machineVar", machine: "Job", variable: "done", type: { kind: "bool" } },
        },
        right: {
          kind: "binary",
          op: ">",
          left: { kind: "inflight", event: "Ping", target: { kind: "var", name: "j" } },
        },
      },
    });
  });

  it("lowers membership with the collection kind", () => {
    const [a] = entryBody(lower(inEntry("  var m: map[int, int];\n  var b: bool;", "b = 1 in m;")));
    expect(shape(a)).toMatchObject({
      value: { kind: "in", collectionKind: "map", element: { kind: "int" } },
    });
  });

  it("lowers choose and $ by mode", () => {
    const body = entryBody(
      lower(
        inEntry(
          "  var n: int;\n  var b: bool;\n  var s: set[int];",
          "n = choose(3);\nn = choose(s);\nb = choose();\nb = $;",
        ),
      ),
    );
    expect(body.map((s) => (s.kind === "assign" && s.value.kind === "choose" ? s.value.mode : null))).toEqual(
      ["int", "collection", "bool", "bool"],
    );
  });
});

describe("tests", () => {
  const program = `
event Ping;
param n: int;
param k: int;
param label: string;
machine P { start state S { entry { send this, Ping; } ignore Ping; } }
invariant I: true;
spec Mon observes Ping { start state W { on Ping do { } } }
test Plain [main = P]: assert I, Mon with faults { drop at most 2; reorder; };
test param (n in [2, 3], k in [0, 1]) Grid [main = P]: assert I in (P)
  with faults { duplicate Ping at most k; crash P at most n then restart; partition at most 1; };
`;

  it("expands parameterized tests, one per combination", () => {
    const ir = lower(program);
    expect(ir.tests.map((t) => t.name)).toEqual([
      "Plain",
      "Grid(n=2,k=0)",
      "Grid(n=2,k=1)",
      "Grid(n=3,k=0)",
      "Grid(n=3,k=1)",
    ]);
    expect(ir.tests[2]!.baseName).toBe("Grid");
    expect(ir.tests[2]!.paramValues).toEqual({ n: 2, k: 1, label: "" });
    expect(ir.tests[0]!.paramValues).toEqual({ n: 0, k: 0, label: "" });
  });

  it("evaluates fault budgets and resolves properties", () => {
    const ir = lower(program);
    const plain = ir.tests[0]!;
    expect(plain.asserts).toEqual([
      { kind: "invariant", name: "I" },
      { kind: "spec", name: "Mon" },
    ]);
    expect(shape(plain.faults)).toEqual([{ kind: "drop", events: null, atMost: 2 }, { kind: "reorder" }]);
    expect(plain.machines).toBeNull();
    const grid = ir.tests[4]!;
    expect(grid.machines).toEqual(["P"]);
    expect(shape(grid.faults)).toEqual([
      { kind: "duplicate", events: ["Ping"], atMost: 1 },
      { kind: "crash", machine: "P", atMost: 3, restart: true },
      { kind: "partition", atMost: 1 },
    ]);
  });

  it("records a test's symmetric machine types (empty when it declares none)", () => {
    const ir = lower(`
      machine W { start state S { } }
      machine V { start state S { } }
      machine Main { start state S { entry { new W(); new W(); new V(); new V(); } } }
      invariant I: true;
      test Both [main = Main]: assert I symmetric (W, V);
      test Some [main = Main]: assert I in (W) symmetric (W) with faults { crash W at most 1; };
      test None [main = Main]: assert I;
      test symmetric [main = Main]: assert I;
    `);
    expect(ir.tests.map((t) => t.symmetric)).toEqual([["W", "V"], ["W"], [], []]);
    expect(shape(ir.tests[1]!.faults)).toEqual([{ kind: "crash", machine: "W", atMost: 1, restart: false }]);
  });

  it("numbers events, machines and specs in declaration order", () => {
    const ir = lower(program);
    expect(ir.events.map((e) => [e.name, e.index, e.payload])).toEqual([["Ping", 0, null]]);
    expect(ir.machines.map((m) => [m.name, m.index, m.startState])).toEqual([["P", 0, "S"]]);
    expect(ir.specs.map((s) => [s.name, s.index, s.observes])).toEqual([["Mon", 0, ["Ping"]]]);
    expect(ir.params.map((p) => p.name)).toEqual(["n", "k", "label"]);
  });
});

describe("types on every expression", () => {
  it("gives every IR expression a type", () => {
    const ir = lower(`
enum Color { Red, Green }
event E: (c: Color, xs: seq[int]);
fun sum(xs: seq[int]): int { var t: int; foreach (x in xs) { t += x; } return t; }
machine M {
  var seen: map[Color, int];
  start state S {
    on E do (e) {
      seen[e.c] = sum(e.xs) + sizeof(keys(seen)) + sizeof(values(seen));
      if (exists x in e.xs :: x > 1) { send this, E, (c = Red, xs = [1, 2]); }
    }
  }
}`);
    let count = 0;
    const visit = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(visit);
      else if (v && typeof v === "object") {
        const o = v as Record<string, unknown>;
        const exprLike =
          "type" in o && "span" in o && typeof o.kind === "string" && !("name" in o && "durable" in o);
        if (exprLike) {
          count++;
          expect(o.type).toHaveProperty("kind");
        }
        for (const [k, x] of Object.entries(o)) if (k !== "type" && k !== "span") visit(x);
      }
    };
    visit(ir.machines);
    visit(ir.funs);
    expect(count).toBeGreaterThan(20);
  });
});
