// Issue 16 (P parity): the built-in halt event, set indexing, format/str and print.
import { describe, expect, it } from "vitest";
import { HALT_EVENT } from "@faultline/lang";
import { checkExhaustive } from "../src/search/bfs-explorer.js";
import { buildModel, type FlModel } from "../src/fl/fl-model.js";
import type { FlState, FlStep } from "../src/fl/fl-state.js";
import { HALTED, UP } from "../src/fl/fl-state.js";
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
