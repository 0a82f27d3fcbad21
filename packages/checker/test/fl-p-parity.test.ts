// Issue 16 (P parity): the built-in halt event, set indexing, format/str and print.
import { describe, expect, it } from "vitest";
import { HALT_EVENT } from "@faultline/lang";
import { checkExhaustive } from "../src/search/bfs-explorer.js";
import { buildModel, type FlModel } from "../src/fl/fl-model.js";
import type { FlState, FlStep } from "../src/fl/fl-state.js";
import { HALTED, UP } from "../src/fl/fl-state.js";
import { traceToText } from "../src/trace/trace.js";
import { compileText } from "./fixtures/fl/load.js";

function model(text: string, test: string): FlModel {
  return buildModel(compileText("p.fl", text), test);
}

/** Follow the only enabled step until none is left (deterministic models). */
function runToEnd(m: FlModel): { states: FlState[]; steps: FlStep[] } {
  const states: FlState[] = [];
  const steps: FlStep[] = [];
  const take = (emit: (e: (step: FlStep, o: any) => void) => void): boolean => {
    const next: { step: FlStep; o: any }[] = [];
    emit((step, o) => next.push({ step, o }));
    if (next.length === 0) return false;
    expect(next).toHaveLength(1);
    if (next[0]!.o.kind !== "state") throw new Error(next[0]!.o.failure.message);
    states.push(next[0]!.o.state);
    steps.push(next[0]!.step);
    return true;
  };
  take((e) => m.initial(e));
  while (take((e) => m.successors(states[states.length - 1]!, e)));
  return { states, steps };
}

const HALT_PROGRAM = `
event Job: int;
machine Worker {
  var done: int;
  start state Working {
    on Job do (n: int) { done += n; }
  }
  state Stubborn {
    defer Job;
  }
}
machine Boss {
  start state Go {
    entry {
      var w: Worker;
      w = new Worker();
      send w, Job, 1;
      send w, halt;
      send w, Job, 5;
    }
  }
}
invariant Small: forall w: Worker :: w.done <= 1;
test Halts [main = Boss]: assert Small;
`;

describe("send m, halt", () => {
  it("halts the receiver when delivered; later messages to it are dropped", () => {
    const m = model(HALT_PROGRAM, "Halts");
    const { states, steps } = runToEnd(m);
    expect(steps).toHaveLength(3); // init, Job(1), halt
    const last = states[states.length - 1]!;
    expect(last.machines[1]!.status).toBe(HALTED);
    expect(last.channels.every((ch) => ch.msgs.length === 0)).toBe(true);
    expect(states[1]!.machines[1]!.status).toBe(UP);
    const label = m.describeStep(steps[2]!, states[1]!, states[2]!);
    expect(label.text).toContain("halt");
    expect((label.details as { handler: { kind: string } }).handler.kind).toBe("halt");
    expect(checkExhaustive(m).kind).toBe("pass");
  });

  it("halts a machine whose state neither handles nor defers anything", () => {
    const text = HALT_PROGRAM.replace("start state Working", "state Working").replace(
      "state Stubborn",
      "start state Stubborn",
    );
    const m = model(text, "Halts");
    const { states } = runToEnd(m);
    // Job(1) is deferred, halt is delivered past it, and the Jobs are dropped with the machine.
    const last = states[states.length - 1]!;
    expect(last.machines[1]!.status).toBe(HALTED);
    expect(last.channels.every((ch) => ch.msgs.length === 0)).toBe(true);
  });

  it("adds the halt event to the program only when it is sent", () => {
    expect(compileText("p.fl", HALT_PROGRAM).events.map((e) => e.name)).toEqual(["Job", HALT_EVENT]);
    const without = HALT_PROGRAM.replace("send w, halt;", "");
    expect(compileText("p.fl", without).events.map((e) => e.name)).toEqual(["Job"]);
  });
});

describe("set indexing", () => {
  const text = `
enum Color { Red, Green, Blue }
machine M {
  var ints: set[int];
  var colors: set[Color];
  var pairs: set[(int, string)];
  var got: seq[int];
  var i: int;
  start state S {
    entry {
      ints = {30, -5, 10};
      colors = {Blue, Red};
      pairs = {(2, "a"), (1, "z"), (1, "b")};
      got += (0, ints[0]);
      got += (1, ints[1]);
      got += (2, ints[2]);
      assert colors[0] == Red && colors[1] == Blue;
      assert pairs[0] == (1, "b") && pairs[2] == (2, "a");
      i = choose(4);
      got += (3, ints[i]);
    }
  }
}
test T [main = M];
`;

  it("reads the i-th element in canonical order; out of range is a located runtime error", () => {
    const m = model(text, "T");
    const outcomes: { kind: string; state?: FlState; failure?: { message: string; location?: unknown } }[] =
      [];
    m.initial((_step, o) => outcomes.push(o as never));
    expect(outcomes).toHaveLength(4);
    const states = outcomes.filter((o) => o.kind === "state");
    expect(states).toHaveLength(3);
    const view = m.viewState(states[0]!.state!) as Record<string, { vars: { got: number[] } }>;
    expect(view["M(0)"]!.vars.got).toEqual([-5, 10, 30, -5]);
    const failed = outcomes.find((o) => o.kind !== "state")!;
    expect(failed.failure!.message).toContain("index 3 out of range for a set of size 3");
    expect(failed.failure!.location).toMatchObject({ line: 20, col: 18 });
  });
});

const STRINGS = `
enum Color { Red, Green }
event Ping: (from: machine, n: int);
machine M {
  var s: string;
  var m: map[string, set[int]];
  var c: Color;
  var f: string;
  start state S {
    entry {
      m["a"] = {2, 1};
      c = Green;
      s = format("{0} of {1}: {2} {{x}} {3}", 1, "two", m, c);
      print s;
      print str((a = this, b = [true], n = default(M)));
      PRINT_NUMBER
      f = "{0}-{1}";
      send this, Ping, (from = this, n = 3);
    }
    on Ping do (p: (from: machine, n: int)) {
      print format("got {0}", p);
      s = format(f, p.n);
    }
  }
}
test T [main = M];
`;

describe("format, str and print", () => {
  const printing = STRINGS.replace("PRINT_NUMBER", "print 7;");
  it("formats values as the checker prints them; print lines are step details and trace lines", () => {
    const m = model(printing, "T");
    const result = checkExhaustive(m);
    if (result.kind !== "violation") throw new Error(`expected a violation, got ${result.kind}`);
    // A format string known only at run time is checked when it runs: {1} has no value.
    expect(result.failure.message).toBe("M(0): format: placeholder {1}, but only 1 values");
    expect(result.failure.location).toMatchObject({ line: 22, col: 11 });
    const text = traceToText(m, result.trace, result.failure);
    expect(text).toContain('M(0) created in S: s = "1 of two: {\\"a\\": {1, 2}} {x} Green"');
    const lines = text.split("\n").map((l) => l.trim());
    const init = lines.indexOf('print: 1 of two: {"a": {1, 2}} {x} Green');
    expect(init).toBeGreaterThan(0);
    expect(lines.slice(init, init + 3)).toEqual([
      'print: 1 of two: {"a": {1, 2}} {x} Green',
      "print: (a = M(0), b = [true], n = null)",
      "print: 7",
    ]);
    expect(lines).toContain("print: got (from = M(0), n = 3)");
  });

  it("print changes no state: the same states with and without it", () => {
    const passing = printing.replace("format(f, p.n)", "format(f, p.n, 0)");
    const m = model(passing, "T");
    const quiet = model(passing.replaceAll(/print [^;]*;/g, ""), "T");
    const a = checkExhaustive(m);
    const b = checkExhaustive(quiet);
    expect([a.kind, b.kind]).toEqual(["pass", "pass"]);
    expect(a.stats.distinctStates).toBeGreaterThan(1);
    expect(a.stats.distinctStates).toBe(b.stats.distinctStates);
    const initial: FlState[] = [];
    m.initial((_s, o) => o.kind === "state" && initial.push(o.state));
    const initialQuiet: FlState[] = [];
    quiet.initial((_s, o) => o.kind === "state" && initialQuiet.push(o.state));
    expect(m.encode(initial[0]!)).toEqual(quiet.encode(initialQuiet[0]!));
  });
});
