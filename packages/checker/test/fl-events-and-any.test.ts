// Issue 16, item 2: events as values (`event`), `any` payloads and `as` casts,
// run by the checker: what the example finds, where failed casts and payload
// checks are located, how the values print, and that states with them are
// canonical.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { checkExhaustive } from "../src/search/bfs-explorer.js";
import { flModelFactory } from "../src/fl/fl-factory.js";
import { checkExhaustiveParallel } from "../src/search/parallel-explorer.js";
import { checkRandom } from "../src/search/random-explorer.js";
import { buildModel, type FlModel } from "../src/fl/fl-model.js";
import type { FlState } from "../src/fl/fl-state.js";
import { valueToPlainJson } from "../src/fl/json-values.js";
import { valueToJson, valueToText, valueTypes } from "../src/fl/value-view.js";
import { compileText } from "./fixtures/fl/load.js";

const EXAMPLE = fileURLToPath(new URL("../../../examples/events-as-values.fl", import.meta.url));

function example(test: string): FlModel {
  return buildModel(compileText("examples/events-as-values.fl", readFileSync(EXAMPLE, "utf8")), test);
}

function model(text: string, test: string): FlModel {
  return buildModel(compileText("e.fl", text), test);
}

describe("examples/events-as-values.fl", () => {
  it("Broadcast passes on its pinned number of states, exhaustively and in random runs", () => {
    const r = checkExhaustive(example("Broadcast"));
    expect(r.kind).toBe("pass");
    expect(r.stats!.distinctStates).toBe(16);
    const random = checkRandom(example("Broadcast"), { seed: 7, runs: 200 });
    expect(random.kind).toBe("pass");
  });

  it("counts the same with 2 worker threads (they decode each other's states with the same type table)", async () => {
    const r = await checkExhaustiveParallel(flModelFactory({ file: EXAMPLE, test: "Broadcast" }), {
      workers: 2,
    });
    expect(r.kind).toBe("pass");
    expect(r.stats!.distinctStates).toBe(16);
  });

  it("BadCast is a runtime error located at the `as`", () => {
    const r = checkExhaustive(example("BadCast"));
    if (r.kind !== "violation") throw new Error(`expected a violation, got ${r.kind}`);
    expect(r.failure.kind).toBe("runtime-error");
    expect(r.failure.message).toBe('Caster(0): cannot cast string "not a number" to int');
    const text = readFileSync(EXAMPLE, "utf8").split("\n");
    const { line, col } = r.failure.location as { line: number; col: number };
    expect(text[line - 1]!.slice(col - 1, col + 1)).toBe("as");
  });

  it("WrongPayload is a runtime error at the send: the event value's payload is checked when it runs", () => {
    const r = checkRandom(example("WrongPayload"), { seed: 1, runs: 5 });
    if (r.kind !== "violation") throw new Error(`expected a violation, got ${r.kind}`);
    expect(r.failure.kind).toBe("runtime-error");
    expect(r.failure.message).toBe("WrongSender(0): event Credit expects int, got string");
    const text = readFileSync(EXAMPLE, "utf8").split("\n");
    const { line, col } = r.failure.location as { line: number; col: number };
    expect(text[line - 1]!.slice(col - 1)).toBe('send p, msg, "five";');
  });
});

const PAYLOADS = `
event Count: int;
event Bare;
event Box: any;
machine Sink {
  var got: seq[any];
  start state S {
    on Count do (n: int) { got += (sizeof(got), n); }
    on Bare do { got += (sizeof(got), 0); }
    on Box do (x: any) { got += (sizeof(got), x); }
  }
}
machine Sender {
  var which: int;
  start state Go {
    entry (w: int) {
      var s: Sink;
      var e: event;
      var p: any;
      s = new Sink();
      which = w;
      if (w == 0) { e = Bare; send s, e, 1; }
      if (w == 1) { e = Count; send s, e; }
      if (w == 2) { send s, e, 1; }
      if (w == 3) { e = Box; p = (1, "a"); send s, e, p; }
      if (w == 4) { e = Count; p = 7; send s, e, p; }
    }
  }
}
machine Main {
  var w: int;
  start state Go { entry { w = choose(5); new Sender(w); } }
}
test Payloads [main = Main];
`;

describe("event values: the payload check when the statement runs", () => {
  it("runs in a program whose only event values carry no payload (and no other any)", () => {
    const text = `event Ping;
machine P { start state S { ignore Ping; } }
machine M { start state S { entry { var e: event; var p: P; p = new P(); e = Ping; send p, e; } } }
test T [main = M];
`;
    const r = checkExhaustive(model(text, "T"));
    expect(r.kind).toBe("pass");
    expect(r.stats!.distinctStates).toBe(2);
  });

  it("reports each mismatch by the event's name and both types", () => {
    const r = checkExhaustive(model(PAYLOADS, "Payloads"), { stopOnFirst: false });
    if (r.kind !== "violation") throw new Error(`expected violations, got ${r.kind}`);
    const messages = (r.failures ?? []).map((f) => f.failure.message).sort();
    expect(messages).toEqual([
      "Sender(0): event Bare takes no payload, got int",
      "Sender(0): event Count expects int, got no payload",
      "Sender(0): the null event (default(event)) cannot be sent, raised or announced",
    ]);
  });
});

const RAISE_ANNOUNCE = `
event Go: int;
event Seen: any;
spec Watch observes Seen {
  var got: seq[any];
  start state W {
    on Seen do (x: any) { got += (sizeof(got), x); }
  }
}
machine M {
  var n: int;
  start state S {
    entry {
      var e: event;
      var s: event;
      e = Go;
      s = Seen;
      announce s, "first";
      announce s, (1, true);
      raise e, 41;
    }
    on Go do (k: int) { n = k + 1; }
  }
}
invariant Raised: forall m: M :: m.n == 42;
test T [main = M]: assert Watch, Raised;
`;

describe("raise and announce of an event value", () => {
  it("raises the event the variable holds, with its payload, and shows announced any payloads to monitors", () => {
    const m = model(RAISE_ANNOUNCE, "T");
    expect(checkExhaustive(m).kind).toBe("pass");
    const s = onlyState(m);
    const watch = m.monitors[0]!;
    const got = s.monitors[0]!.vars[watch.varNames.indexOf("got")]!;
    expect(valueToText(got, watch.varTypes[0]!, () => null, valueTypes(m.ir))).toBe('["first", (1, true)]');
  });
});

const DEEP = `
machine M {
  var xs: seq[any];
  var ys: seq[int];
  var s: set[any];
  var m: map[string, any];
  var nested: seq[(any, seq[any])];
  var n: int;
  start state S {
    entry {
      ys = [3, 1, 2];
      xs = ys;
      s = {2, 1};
      m = default(map[string, int]);
      m["a"] = 1;
      nested = [(1, [true, false])];
      assert xs == [3, 1, 2] && s == {1, 2} && ys == xs as seq[int], "up and down";
      n = (xs as seq[int])[0] + sizeof(s as set[int]);
      assert n == 5, "sum";
      xs += (0, "oops");
      ys = xs as seq[int];
    }
  }
}
test T [main = M];
`;

describe("conversions inside collections and tuples", () => {
  it("wraps every element where a collection of anys is wanted, casts every element back, fails at `as`", () => {
    const m = model(DEEP, "T");
    const r = checkExhaustive(m);
    if (r.kind !== "violation") throw new Error(`expected a violation, got ${r.kind}`);
    expect(r.failure.message).toBe('M(0): cannot cast string "oops" to int');
    const { line, col } = r.failure.location as { line: number; col: number };
    const text = DEEP.split("\n")[line - 1]!;
    expect(text.slice(col - 1)).toBe("as seq[int];");
    expect(text.trim()).toBe("ys = xs as seq[int];");
  });
});

const EXPRESSIONS = `
event Ping;
event Pong: int;
machine Echo {
  var n: int;
  start state S {
    on Ping do { n += 1; }
    on Pong do (k: int) { n += k; }
  }
}
machine M {
  var evs: seq[event];
  var peers: seq[Echo];
  start state S {
    entry {
      evs = [Ping, Pong];
      peers += (0, new Echo());
      send peers[0], evs[0];
      send peers[0], evs[1], 5;
      send peers[0], choose({Ping, Pong}), 1;
    }
  }
}
test T [main = M];
`;

describe("event values written as expressions", () => {
  it("computes the event once, after the target, and checks the payload against the event it computed", () => {
    const r = checkExhaustive(model(EXPRESSIONS, "T"), { stopOnFirst: false });
    if (r.kind !== "violation") throw new Error(`expected a violation, got ${r.kind}`);
    // choose picked Ping (a payload it does not take) in one run; Pong in the other is fine.
    expect((r.failures ?? [r]).map((f) => f.failure.message)).toEqual([
      "M(0): event Ping takes no payload, got int",
    ]);
    expect(r.stats!.distinctStates).toBe(4);
  });
});

const VALUES = `
event Ping;
event Pong: int;
enum Color { Red, Green }
machine M {
  var e: event;
  var none: event;
  var a: any;
  var nothing: any;
  var bag: set[any];
  var byEvent: map[event, any];
  start state S {
    entry {
      e = Pong;
      a = (x = 1, c = Green);
      bag += (3);
      bag += ("three");
      bag += (3);
      bag += (Red);
      byEvent[Ping] = this;
      byEvent[Pong] = [1, 2];
      print format("{0} {1} {2} {3}", e, a, none, nothing);
      assert a == (x = 1, c = Green) && a != 1 && bag == {3, "three", Red}, "any equality";
      assert (a as (x: int, c: Color)).c == Green, "cast back";
    }
  }
}
test Values [main = M];
`;

function onlyState(m: FlModel): FlState {
  const states: FlState[] = [];
  m.initial((_, o) => {
    if (o.kind !== "state") throw new Error(o.failure.message);
    states.push(o.state);
  });
  expect(states).toHaveLength(1);
  return states[0]!;
}

describe("printing event and any values", () => {
  const m = model(VALUES, "Values");
  const s = onlyState(m);
  const vars = s.machines[0]!.vars;
  const table = m.machines[0]!;
  const types = valueTypes(m.ir);
  const names = (id: number) => (id < 0 ? null : `M(${id})`);
  const text = (name: string) => {
    const i = table.varNames.indexOf(name);
    return valueToText(vars[i]!, table.varTypes[i]!, names, types);
  };

  it("shows an event as its name, an any as the value it holds, the null ones as null", () => {
    expect(text("e")).toBe("Pong");
    expect(text("none")).toBe("null");
    expect(text("a")).toBe("(x = 1, c = Green)");
    expect(text("nothing")).toBe("null");
    expect(text("bag")).toBe('{3, "three", Red}');
    expect(text("byEvent")).toBe("{Ping: M(0), Pong: [1, 2]}");
  });

  it("gives state views the inner value (a variant for an event)", () => {
    const i = table.varNames.indexOf("e");
    expect(valueToJson(vars[i]!, table.varTypes[i]!, names, types)).toEqual({
      tag: "Pong",
      value: { "#tup": [] },
    });
    const view = JSON.stringify(m.viewState(s));
    expect(view).toContain('"a":{"x":1,"c":{"tag":"Green","value":{"#tup":[]}}}');
    const itf = JSON.stringify(m.itfState!(s));
    expect(itf).toContain('"a":{"x":{"#bigint":"1"},"c":{"tag":"Green","value":{"#tup":[]}}}');
    expect(itf).toContain('"e":{"tag":"Pong","value":{"#tup":[]}}');
    expect(itf).toContain('"nothing":{"#unserializable":"null"}');
  });

  it("gives plain JSON (model-based testing, observe) the event's name and the value an any holds", () => {
    const plain = (name: string) => {
      const i = table.varNames.indexOf(name);
      return valueToPlainJson(vars[i]!, table.varTypes[i]!, names, types);
    };
    expect(plain("e")).toBe("Pong");
    expect(plain("a")).toEqual({ x: 1, c: "Green" });
    expect(plain("nothing")).toBe(null);
    expect(plain("bag")).toEqual([3, "three", "Red"]);
  });

  it("str and format print them as the trace does", () => {
    expect(checkExhaustive(m).kind).toBe("pass");
    let label = "";
    m.initial((step, o) => {
      label = JSON.stringify(m.describeStep(step, null, o.kind === "state" ? o.state : null));
    });
    expect(label).toContain("Pong (x = 1, c = Green) null null");
  });

  it("encodes canonically: equal any values, equal bytes; decode inverts encode", () => {
    const bytes = m.encode(s).slice();
    expect(Array.from(m.encode(m.decode(bytes)))).toEqual(Array.from(bytes));
    expect(m.decode(bytes).machines[0]!.vars).toEqual(vars);
  });
});
