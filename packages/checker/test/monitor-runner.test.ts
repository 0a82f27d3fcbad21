// MonitorRunner (fl/monitor-runner.ts): spec monitors fed observed events with
// no machines, as `faultline observe` does. The monitors must behave exactly
// as in a check: along random runs of a model, feeding the runner the events
// the run sent leaves its monitors as the checker's. And jsonValue
// (fl/json-values.ts): the payload JSON form, its errors with JSON pointers.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { FlParts } from "../src/fl/build-model.js";
import type { SendRecord } from "../src/fl/executor.js";
import { buildModel } from "../src/fl/fl-model.js";
import type { FlState, FlStep } from "../src/fl/fl-state.js";
import { JsonValueError, jsonValue, MachineNames, valueToPlainJson } from "../src/fl/json-values.js";
import { compare, type Type, type Value } from "../src/fl/lang-codegen.js";
import { MonitorRunner } from "../src/fl/monitor-runner.js";
import { compileText } from "./fixtures/fl/load.js";

const examples = fileURLToPath(new URL("../../../examples/", import.meta.url));
const lockIr = compileText(`${examples}spec-monitor.fl`, readFileSync(`${examples}spec-monitor.fl`, "utf8"));

describe("MonitorRunner", () => {
  it("leaves the monitors as the checker does, along random runs fed the events they sent", () => {
    for (const test of ["CorrectLock", "GreedyLockTest", "ForgetfulLockTest"]) {
      const model = buildModel(lockIr, test);
      const parts = (model as unknown as { parts: FlParts }).parts;
      const specs = parts.monitors.map((m) => m.name);
      const runner = new MonitorRunner(lockIr, specs);
      fc.assert(
        fc.property(fc.array(fc.nat(), { maxLength: 25 }), (picks) => {
          let s: FlState | null = null;
          let observed = runner.initial().state!;
          const steps: FlStep[] = [];
          for (let k = 0; k <= picks.length; k++) {
            const next: FlStep[] = model.enabledSteps(s);
            if (next.length === 0) break;
            const step = next[(picks[k] ?? 0) % next.length]!;
            steps.push(step);
            const sends: SendRecord[] = [];
            parts.ex.sends = sends;
            const out = model.apply(s, step);
            parts.ex.sends = null;
            let failure = null;
            for (const send of sends) {
              if (!runner.observes(send.event)) continue;
              const fed = runner.observe(observed, send.event, send.payload);
              if (fed.kind === "failure") {
                failure = fed.failure;
                break;
              }
              observed = fed.state;
            }
            // A send a monitor fails on is not logged (the step stops inside it): the runner saw the ones before.
            expect(failure).toBeNull();
            if (out.kind === "failure") break;
            s = out.state;
            for (let i = 0; i < specs.length; i++) {
              expect(observed.monitors[i]!.state, `${test} after ${JSON.stringify(steps)}`).toBe(
                s.monitors[i]!.state,
              );
              expect(compare(observed.monitors[i]!.vars, s.monitors[i]!.vars)).toBe(0);
              expect(runner.isHot(observed, i)).toBe(model.hotMonitors(s).includes(specs[i]!));
            }
          }
        }),
        { seed: 18, numRuns: 60 },
      );
    }
  });

  it("fails as the checker does: an assert, and an event a state neither handles nor ignores", () => {
    const ir = compileText(
      "m.fl",
      `event A: int;
event B;
spec S observes A, B {
  var total: int;
  start state Idle {
    on A goto Busy with (n) { total += n; }
  }
  hot state Busy {
    entry { assert total < 10, "too much"; }
    on A do (n) { total += n; }
    on B goto Idle;
  }
}`,
    );
    const runner = new MonitorRunner(ir, ["S"]);
    const A = runner.eventIndex("A");
    const B = runner.eventIndex("B");
    let s = runner.initial().state!;
    s = runner.observe(s, A, 3).state!;
    expect(runner.stateName(s, 0)).toBe("Busy");
    expect(runner.isHot(s, 0)).toBe(true);
    s = runner.observe(s, B, null).state!;
    expect(runner.stateName(s, 0)).toBe("Idle");
    const unhandled = runner.observe(s, B, null);
    expect(unhandled.kind).toBe("failure");
    expect(unhandled.kind === "failure" && unhandled.failure.kind).toBe("unhandled-event");
    const direct = runner.observe(s, A, 12);
    expect(direct.kind === "failure" && direct.failure).toMatchObject({
      kind: "spec-assertion",
      property: "S",
      message: "spec S: too much",
    });
    expect(runner.view(s, () => null)).toEqual({ S: { state: "Idle", hot: false, vars: { total: 3 } } });
  });

  it("throws for a spec the program does not declare", () => {
    expect(() => new MonitorRunner(lockIr, ["Nope"])).toThrow(/no spec named Nope/);
  });
});

describe("jsonValue", () => {
  const ir = compileText(
    "t.fl",
    `enum Vote { Yes, No }
machine Client { start state S { } }
machine Server { start state S { } }
event E: (vote: Vote, who: Client, any: machine, pair: (int, string), xs: seq[int], s: set[string], m: map[string, bool], mi: map[int, int]);`,
  );
  const type = ir.events[0]!.payload!;
  const names = () => new MachineNames(ir.machines.map((m) => m.name));
  const good = {
    vote: "No",
    who: "Client(1)",
    any: "Server(0)",
    pair: [3, "x"],
    xs: [2, 1, 2],
    s: ["b", "a"],
    m: { y: true, x: false },
    mi: [
      [2, 20],
      [1, 10],
    ],
  };

  it("reads each form into the runtime's representation (sets and maps sorted)", () => {
    const n = names();
    expect(jsonValue(good, type, n)).toEqual([
      1,
      0,
      1,
      [3, "x"],
      [2, 1, 2],
      ["a", "b"],
      [
        ["x", false],
        ["y", true],
      ],
      [
        [1, 10],
        [2, 20],
      ],
    ]);
    expect(n.nameOf(0)).toBe("Client(1)");
    expect(n.nameOf(1)).toBe("Server(0)");
    expect(n.nameOf(-1)).toBeNull();
  });

  it("reads event values by name (null: the null event), as valueToPlainJson writes them", () => {
    const event: Type = { kind: "event" };
    const withEvents = () =>
      new MachineNames(
        ir.machines.map((m) => m.name),
        ir.events.map((e) => e.name),
      );
    expect(jsonValue("E", event, withEvents())).toBe(0);
    expect(jsonValue(null, event, withEvents())).toBe(-1);
    expect(() => jsonValue("Nope", event, withEvents(), "/payload")).toThrow(JsonValueError);
    expect(valueToPlainJson(0, event, () => null, { eventNames: ["E"], anyTypes: [] })).toBe("E");
  });

  const problem = (x: unknown, t: Type = type): { pointer: string; message: string } => {
    try {
      jsonValue(x, t, names(), "/payload");
    } catch (e) {
      if (e instanceof JsonValueError) return { pointer: e.pointer, message: e.message };
      throw e;
    }
    throw new Error("no error");
  };

  it.each([
    [{ ...good, vote: "Maybe" }, "/payload/vote", /expected Vote, got "Maybe" \(one of "Yes", "No"\)/],
    [{ ...good, who: "Server(0)" }, "/payload/who", /Server\(0\) is not a Client/],
    [{ ...good, any: "Nobody(0)" }, "/payload/any", /no machine type Nobody/],
    [{ ...good, any: "client-1" }, "/payload/any", /display name, Type\(k\)/],
    [{ ...good, pair: [3] }, "/payload/pair", /a tuple is an array of its 2 elements/],
    [{ ...good, xs: [1, 2.5] }, "/payload/xs/1", /expected int, got 2.5/],
    [{ ...good, xs: [1, 2 ** 31] }, "/payload/xs/1", /-2147483648\.\.2147483647/],
    [{ ...good, s: ["a", "a"] }, "/payload/s", /duplicate element/],
    [{ ...good, m: { a: 1 } }, "/payload/m/a", /expected bool, got 1/],
    [
      {
        ...good,
        mi: [
          [1, 1],
          [1, 2],
        ],
      },
      "/payload/mi",
      /repeated key/,
    ],
    [{ ...good, mi: { "1": 1 } }, "/payload/mi", /an array of \[key, value\] pairs/],
    [{ ...good, mi: [[1, "x"]] }, "/payload/mi/0/1", /expected int, got "x"/],
    [{ ...good, mi: [[1]] }, "/payload/mi/0", /a map entry is a \[key, value\] pair/],
    [{ ...good, extra: 1 }, "/payload/extra", /unknown field extra/],
    [(({ vote: _, ...rest }) => rest)(good), "/payload/vote", /missing field vote/],
    ["x", "/payload", /a named tuple is an object/],
  ])("%j is refused at its pointer", (x, pointer, message) => {
    const p = problem(x);
    expect(p.pointer).toBe(pointer);
    expect(p.message).toMatch(message);
  });

  it("escapes field names in pointers (RFC 6901)", () => {
    expect(
      problem({ "a/b~c": 1 }, { kind: "map", key: { kind: "string" }, value: { kind: "bool" } }).pointer,
    ).toBe("/payload/a~1b~0c");
  });

  it("gives ints as they are, -0 as 0", () => {
    expect(Object.is(jsonValue(-0, { kind: "int" }, names()) as Value, 0)).toBe(true);
  });
});
