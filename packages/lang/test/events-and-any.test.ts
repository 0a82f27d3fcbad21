// Issue 16, item 2: the type `event` (event names as values), the type `any`
// and `e as T` casts: parsing and precedence, type checking, what lowering
// inserts (conversions to `any`, casts located at `as`, one type id per
// dynamic type) and the runtime helpers generated code calls.
import { describe, expect, it } from "vitest";
import type { Expr, Stmt } from "../src/ast.js";
import { RuntimeFault, cast, compare, eventPayload, NULL_ANY, toAny } from "../src/codegen/runtime.js";
import { formatSource } from "../src/format/format.js";
import { compileModelJs } from "../src/codegen/generate.js";
import { compileSource } from "../src/front-end.js";
import { typeToString } from "../src/types.js";
import type { IrExpr, IrProgram, IrStmt } from "../src/ir.js";
import { parse } from "../src/parser.js";

function firstEntryStmts(text: string): Stmt[] {
  const r = parse({ path: "t.fl", text });
  expect(r.diagnostics).toEqual([]);
  const m = r.program.decls.find((d) => d.kind === "MachineDecl");
  if (m?.kind !== "MachineDecl") throw new Error("no machine");
  const entry = m.states[0]!.entry!.action;
  if (entry.kind !== "InlineAction") throw new Error("no inline entry");
  return entry.body.stmts;
}

function assignedValue(code: string): Expr {
  const [s] = firstEntryStmts(`machine M { start state S { entry { ${code} } } }`);
  if (s?.kind !== "Assign") throw new Error("not an assignment");
  return s.value;
}

function compile(text: string): IrProgram {
  const r = compileSource({ path: "t.fl", text });
  if (!r.ok) throw new Error(r.diagnostics.map((d) => `${d.code} ${d.message}`).join("\n"));
  return r.ir;
}

function diagnostics(text: string) {
  const r = compileSource({ path: "t.fl", text });
  return r.ok ? [] : r.diagnostics.map((d) => d.code);
}

/** Every IR expression under the statements, depth first. */
function exprsOf(stmts: readonly IrStmt[]): IrExpr[] {
  const out: IrExpr[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (typeof v === "object" && v !== null) {
      const o = v as { kind?: unknown; type?: unknown };
      if (typeof o.kind === "string" && o.type !== undefined) out.push(v as IrExpr);
      for (const [k, x] of Object.entries(v)) if (k !== "span" && k !== "type") visit(x);
    }
  };
  visit(stmts);
  return out;
}

describe("parsing `as`", () => {
  it("binds tighter than binary operators and looser than prefix ones", () => {
    const sum = assignedValue("y = x as int + 1;");
    expect(sum.kind).toBe("Binary");
    if (sum.kind === "Binary") expect(sum.left.kind).toBe("Cast");
    const neg = assignedValue("y = -x as int;");
    expect(neg.kind).toBe("Cast");
    if (neg.kind === "Cast") expect(neg.expr.kind).toBe("Unary");
    const twice = assignedValue("y = x as int as any;");
    expect(twice.kind === "Cast" && twice.expr.kind === "Cast").toBe(true);
  });

  it("parses `event` and `any` types and keeps `as` usable as a name", () => {
    const text = "fun f(e: event, a: any, as: int): seq[any] { return [a, as as any]; }\n";
    expect(parse({ path: "t.fl", text }).diagnostics).toEqual([]);
  });

  it("formats casts and the new types, idempotently", () => {
    const text =
      "fun f(e: event,a: any): int {\n  var s: set[event];\n  s = {e};\n  return (a as (int, int)).0 + a   as int;\n}\n";
    const once = formatSource({ path: "t.fl", text });
    if (!once.ok) throw new Error("format failed");
    expect(once.text).toContain("return (a as (int, int)).0 + a as int;");
    expect(once.text).toContain("fun f(e: event, a: any): int {");
    const twice = formatSource({ path: "t.fl", text: once.text });
    expect(twice.ok && twice.text).toBe(once.text);
  });

  it("keeps comments and line breaks on their side of `as`", () => {
    const text = "fun f(x: any): int {\n  return x /* held */ as /* int */ int\n    as int;\n}\n";
    const r = formatSource({ path: "t.fl", text });
    if (!r.ok) throw new Error("format failed");
    expect(r.text).toBe(text);
  });
});

const PROGRAM = `
event Ping;
event Carry: any;
event Count: int;
machine Client { start state S { ignore Carry, Count, Ping; } }
fun id(x: any): any { return x; }
machine M {
  var c: Client;
  var m: machine;
  var a: any;
  var b: any;
  var e: event;
  var s: set[any];
  var t: (int, any);
  var ok: bool;
  start state S {
    entry {
      c = new Client();
      m = c;
      a = c;
      b = m;
      e = Ping;
      s += (3);
      t = (1, "x");
      ok = a == b && a != 3 && e == Ping;
      b = id(7);
      send c, Carry, 5;
      send c, e;
      a = (b as int) + 1;
    }
  }
}
test T [main = M];
`;

describe("event values written as expressions", () => {
  const text = `event Ping;
event Pong: int;
machine M {
  var evs: seq[event];
  var ns: seq[int];
  start state S {
    entry {
      send this, evs[0], 1;
      send this, Ping;
      raise (evs[1]), 2;
      announce evs[0];
      send this, ns[0];
    }
    ignore Ping, Pong;
  }
}
`;
  it("keeps a name as the statement's event and any other expression as its eventExpr", () => {
    const stmts = firstEntryStmts(text);
    const kinds = stmts.map((s) =>
      s.kind === "Send" || s.kind === "Raise" || s.kind === "Announce"
        ? (s.eventExpr?.kind ?? s.event.name)
        : "",
    );
    expect(kinds).toEqual(["Index", "Ping", "Paren", "Index", "Index"]);
  });

  it("formats them as written", () => {
    const r = formatSource({ path: "t.fl", text });
    if (!r.ok) throw new Error("format failed");
    expect(r.text).toContain("send this, evs[0], 1;");
    expect(r.text).toContain("raise (evs[1]), 2;");
    expect(r.text).toContain("announce evs[0];");
  });

  it("checks that the expression is an event", () => {
    const r = compileSource({ path: "t.fl", text });
    expect(r.ok ? [] : r.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ["FL300", "this expression must be an event, got int"],
    ]);
  });
});

describe("type checking", () => {
  it("accepts every implicit conversion to any, event values, comparisons and casts", () => {
    expect(diagnostics(PROGRAM)).toEqual([]);
  });

  it("rejects an event value where a machine is wanted, and arithmetic on an any", () => {
    const wrap = (body: string) =>
      `event Ping;\nmachine M { var e: event; var x: any; var n: int; start state S { entry { ${body} } ignore Ping; } }\n`;
    expect(diagnostics(wrap("send e, Ping;"))).toEqual(["FL311"]);
    expect(diagnostics(wrap("n = x * 2;"))).toEqual(["FL313"]);
    expect(diagnostics(wrap("n = e as int;"))).toEqual(["FL312"]);
    expect(diagnostics(wrap("n = x as int;"))).toEqual([]);
    // Inside collections and tuples too, where the types differ only by any.
    expect(diagnostics(wrap("var xs: seq[any]; var ys: seq[int]; xs = ys; ys = xs as seq[int];"))).toEqual(
      [],
    );
    expect(diagnostics(wrap("var xs: seq[any]; var ys: seq[int]; ys = xs;"))).toEqual(["FL300"]);
    expect(diagnostics(wrap("var xs: seq[any]; var ys: set[int]; ys = xs as set[int];"))).toEqual(["FL312"]);
  });
});

describe("null", () => {
  it("is the null event, machine reference or any, typed by where it is used", () => {
    const text = `event Ping;
machine Peer { start state S { ignore Ping; } }
machine M {
  var e: event; var p: Peer; var a: any; var ok: bool;
  start state S {
    entry {
      ok = e == null && null == p && a == null;
      e = null; p = null; a = null;
      send p, Ping;
    }
  }
}
`;
    expect(diagnostics(text)).toEqual([]);
    const body = compile(text).machines.find((m) => m.name === "M")!.states[0]!.entry!.body;
    const nulls = exprsOf(body).filter((e) => e.kind === "default");
    expect(nulls.map((e) => e.type.kind).sort()).toEqual([
      "any",
      "any",
      "event",
      "event",
      "machine",
      "machine",
    ]);
  });

  it("needs a type from its context, and is an ordinary name where one is declared", () => {
    expect(diagnostics("machine M { var n: int; start state S { entry { n = null; } } }\n")).toEqual([
      "FL300",
    ]);
    expect(diagnostics("machine M { var null: int; start state S { entry { null = 1; } } }\n")).toEqual([]);
  });
});

describe("lowering", () => {
  const ir = compile(PROGRAM);
  const m = ir.machines.find((x) => x.name === "M")!;
  const body = m.states[0]!.entry!.body;
  const exprs = exprsOf(body);

  it("gives one type id per dynamic type: every machine type is `machine`", () => {
    const conversions = exprs.filter((e) => e.kind === "toAny");
    const ids = (of: string) =>
      conversions
        .filter((e) => e.kind === "toAny" && e.operand.type.kind === of)
        .map((e) => e.kind === "toAny" && e.typeId);
    // a = c (a Client) and b = m (a machine) record the same type.
    const machineIds = new Set(ids("machine"));
    expect(machineIds.size).toBe(1);
    expect(ir.anyTypes[[...machineIds][0] as number]).toEqual({ kind: "machine", name: null });
    const names = ir.anyTypes.map((t) => JSON.stringify(t));
    expect(new Set(names).size).toBe(names.length);
  });

  it("converts where an any is expected: assignment, set element, tuple element, ==, argument, payload", () => {
    const kinds = exprs
      .filter((e) => e.kind === "toAny")
      .map((e) => (e.kind === "toAny" ? e.operand.kind : ""));
    // a = c, b = m, s += (3), (1, "x"), a != 3, id(7), Carry's 5, a = (b as int) + 1
    expect(kinds.sort()).toEqual(["binary", "int", "int", "int", "int", "string", "var", "var"]);
  });

  it("locates a cast at its `as`, and lowers an event name used as a value to an event constant", () => {
    const castExpr = exprs.find((e) => e.kind === "cast")!;
    const line = PROGRAM.split("\n")[castExpr.span.start.line - 1]!;
    expect(line.slice(castExpr.span.start.col - 1, castExpr.span.end.col - 1)).toBe("as");
    expect(exprs.some((e) => e.kind === "eventConst" && e.event === "Ping")).toBe(true);
    const sendE = body.find((s) => s.kind === "send" && s.eventValue !== undefined);
    expect(sendE).toMatchObject({ kind: "send", event: "", payload: null });
  });
});

describe("conversions inside collections and tuples", () => {
  const text = `machine M {
  var xs: seq[any]; var ys: seq[int]; var t: (string, any); var u: (string, int);
  start state S { entry { xs = ys; ys = xs as seq[int]; t = u; u = t as (string, int); } }
}
`;
  const ir = compile(text);
  const body = ir.machines[0]!.states[0]!.entry!.body;

  it("lowers both directions to convert nodes, casts located at `as`, with the parts' type ids", () => {
    const converts = exprsOf(body).filter((e) => e.kind === "convert");
    expect(converts.map((e) => typeToString(e.type))).toEqual([
      "seq[any]",
      "seq[int]",
      "(string, any)",
      "(string, int)",
    ]);
    const down = converts[1]!;
    expect(
      text.split("\n")[down.span.start.line - 1]!.slice(down.span.start.col - 1, down.span.end.col - 1),
    ).toBe("as");
    expect(ir.anyTypes).toEqual([{ kind: "int" }]);
  });

  it("generates one conversion per element, and none for a part that does not change", () => {
    const js = compileModelJs(ir);
    expect(js).toContain("rt.convertEach(self[1], $c0 => rt.toAny(0, $c0))");
    expect(js).toContain("rt.convertEach(self[0], $c0 => rt.cast($c0, 0, $anyTypes,");
    expect(js).toMatch(/\(\$c0 => \[\$c0\[0\], rt\.toAny\(0, \$c0\[1\]\)\]\)\(self\[3\]\)/);
  });
});

describe("runtime helpers", () => {
  const names = ["int", "string"];

  it("cast: the value when the type id matches, else a fault naming both types", () => {
    expect(cast(toAny(0, 5), 0, names, 3)).toBe(5);
    expect(() => cast(toAny(1, "x"), 0, names, 3)).toThrow(RuntimeFault);
    try {
      cast(toAny(1, "x"), 0, names, 3);
    } catch (e) {
      expect(e).toMatchObject({ site: 3, message: 'cannot cast string "x" to int' });
    }
    expect(() => cast(NULL_ANY, 0, names, 3)).toThrow("cannot cast null to int");
  });

  it("eventPayload: checks and unwraps an any payload against the event's declared type", () => {
    const events: [string, number][] = [
      ["Count", 0],
      ["Bare", -1],
      ["Box", -2],
    ];
    expect(eventPayload(0, toAny(0, 4), events, names, 1)).toBe(4);
    expect(eventPayload(1, null, events, names, 1)).toBe(null);
    expect(eventPayload(2, toAny(1, "s"), events, names, 1)).toEqual([1, "s"]);
    expect(() => eventPayload(0, toAny(1, "s"), events, names, 1)).toThrow(
      "event Count expects int, got string",
    );
    expect(() => eventPayload(0, null, events, names, 1)).toThrow("event Count expects int, got no payload");
    expect(() => eventPayload(1, toAny(0, 1), events, names, 1)).toThrow(
      "event Bare takes no payload, got int",
    );
    expect(() => eventPayload(-1, null, events, names, 1)).toThrow("the null event");
  });

  it("orders any values by type id, then value: a total, canonical order", () => {
    const values = [toAny(1, "a"), NULL_ANY, toAny(0, 9), toAny(0, -3), toAny(1, "")];
    const sorted = values.slice().sort(compare);
    expect(sorted).toEqual([NULL_ANY, toAny(0, -3), toAny(0, 9), toAny(1, ""), toAny(1, "a")]);
  });
});
