// Execution semantics of compiled .fl programs, observed through the Model
// interface: final states, step labels, state views and replay.
import { describe, expect, it } from "vitest";
import { checkExhaustive } from "../src/search/bfs-explorer.js";
import { InvalidStepError } from "../src/fl/executor.js";
import { buildModel, type FlModel, listTests } from "../src/fl/fl-model.js";
import type { FlState, FlStep } from "../src/fl/fl-state.js";
import type { StepOutcome } from "../src/model.js";
import { compileText, loadFixture } from "./fixtures/fl/load.js";

function initialStates(model: FlModel): { step: FlStep; outcome: StepOutcome<FlState> }[] {
  const out: { step: FlStep; outcome: StepOutcome<FlState> }[] = [];
  model.initial((step, outcome) => out.push({ step, outcome }));
  return out;
}

function successors(model: FlModel, s: FlState): { step: FlStep; outcome: StepOutcome<FlState> }[] {
  const out: { step: FlStep; outcome: StepOutcome<FlState> }[] = [];
  model.successors(s, (step, outcome) => out.push({ step, outcome }));
  return out;
}

function stateOf(o: StepOutcome<FlState>): FlState {
  if (o.kind !== "state") throw new Error(`step failed: ${o.failure.message}`);
  return o.state;
}

/** Follow the only enabled step until none is left (deterministic models). */
function runToEnd(model: FlModel): { states: FlState[]; steps: FlStep[] } {
  const init = initialStates(model);
  expect(init).toHaveLength(1);
  const states = [stateOf(init[0]!.outcome)];
  const steps = [init[0]!.step];
  for (;;) {
    const next = successors(model, states[states.length - 1]!);
    if (next.length === 0) return { states, steps };
    expect(next).toHaveLength(1);
    states.push(stateOf(next[0]!.outcome));
    steps.push(next[0]!.step);
  }
}

describe("semantics", () => {
  it("assignment, sending and storing copy values (value semantics)", () => {
    const model = buildModel(loadFixture("values.fl"), "ValueSemantics");
    expect(checkExhaustive(model).kind).toBe("pass");
    const { states } = runToEnd(model);
    const vars = (model.viewState(states[states.length - 1]!)["Values(0)"] as { vars: unknown }).vars;
    expect(vars).toEqual({
      a: [100, 1, 2],
      b: [1, 2, 1, 2],
      s: { "#set": [1] },
      t: { "#set": [1, 2] },
      m: { "#map": [[1, [9, 1, 1, 2]]] },
      p: { xs: [1], n: 1 },
      q: { xs: [1, 2], n: 2 },
      nested: [{ xs: [7, 1], n: 5 }],
    });
  });

  it("a raised event is handled next in the same state; goto runs exit then entry with the payload", () => {
    const model = buildModel(loadFixture("semantics.fl"), "Raise");
    const { states } = runToEnd(model);
    expect(states).toHaveLength(2);
    expect(model.viewState(states[1]!)["Raiser(0)"]).toMatchObject({
      state: "B",
      vars: { log: [1, 2, 10, 3] },
    });
    expect(checkExhaustive(model).kind).toBe("pass");
  });

  it("`on E goto S with` runs the action, then S's entry receives the payload", () => {
    expect(checkExhaustive(buildModel(loadFixture("semantics.fl"), "GotoWith")).kind).toBe("pass");
  });

  it("halt stops the machine and drops the messages addressed to it", () => {
    const model = buildModel(loadFixture("semantics.fl"), "Halt");
    const { states } = runToEnd(model);
    const last = states[states.length - 1]!;
    expect(model.viewState(last)["Halter(0)"]).toMatchObject({ status: "halted", vars: { taken: 1 } });
    expect(model.viewState(last).network).toEqual([]);
    expect(model.terminal(last)).toBeNull();
  });

  it("an armed timer fires as a step; firing disarms it; cancel disarms it", () => {
    const model = buildModel(loadFixture("semantics.fl"), "Timers");
    const { states, steps } = runToEnd(model);
    expect(steps.slice(1)).toEqual([
      { t: "timer", m: 0, timer: "Tick", c: [] },
      { t: "timer", m: 0, timer: "Tick", c: [] },
    ]);
    expect(model.viewState(states[0]!)["Ticker(0)"]).toMatchObject({ timers: ["Tick"] });
    expect(model.viewState(states[2]!)["Ticker(0)"]).toMatchObject({ state: "Stopped", timers: [] });
    const cancelled = buildModel(loadFixture("semantics.fl"), "CancelledTimer");
    expect(successors(cancelled, stateOf(initialStates(cancelled)[0]!.outcome))).toHaveLength(0);
  });

  it("an armed timer waits in states without its handler and fires in one that has it", () => {
    const waiter = buildModel(loadFixture("semantics.fl"), "TimeoutWaits");
    const { states, steps } = runToEnd(waiter);
    // In Away the timer is armed but not handled: only the delivery of Back is enabled.
    expect(waiter.viewState(states[0]!)["Waiter(0)"]).toMatchObject({ state: "Away", timers: ["T"] });
    expect(steps.slice(1)).toEqual([
      { t: "deliver", from: 0, to: 0, i: 0, c: [] },
      { t: "timer", m: 0, timer: "T", c: [] },
    ]);
    expect(waiter.viewState(states[2]!)["Waiter(0)"]).toMatchObject({
      state: "Home",
      vars: { fired: 1 },
      timers: [],
    });
    expect(() => waiter.apply(states[0]!, { t: "timer", m: 0, timer: "T", c: [] })).toThrow(InvalidStepError);
    // A timer armed in a state that never handles it never fires, and is not a deadlock.
    const forgotten = buildModel(loadFixture("semantics.fl"), "TimeoutNotHandledHere");
    const end = runToEnd(forgotten);
    expect(end.states).toHaveLength(1);
    expect(forgotten.viewState(end.states[0]!)["Forgotten(0)"]).toMatchObject({
      state: "Elsewhere",
      timers: ["T"],
    });
    expect(forgotten.terminal(end.states[0]!)).toBeNull();
  });

  it("an event raised by a timeout handler is handled next, as one raised by any handler", () => {
    const ir = compileText(
      "raise-in-timer.fl",
      `event Up;
machine M {
  var x: int;
  start state S {
    entry { start timer T; }
    on timeout T do { x = x + 1; raise Up; }
    on Up do { x = x + 10; }
  }
}
test T1 [main = M];`,
    );
    const model = buildModel(ir, "T1");
    const { states, steps } = runToEnd(model);
    expect(steps.slice(1)).toEqual([{ t: "timer", m: 0, timer: "T", c: [] }]);
    expect(model.viewState(states[1]!)["M(0)"]).toMatchObject({ vars: { x: 11 }, timers: [] });
  });

  it("inflight counts messages in flight, in total or per receiver", () => {
    const ir = loadFixture("semantics.fl");
    const ok = checkExhaustive(buildModel(ir, "Inflight"));
    expect(ok.kind).toBe("pass");
    expect(ok.stats?.distinctStates).toBe(3);
    const bad = checkExhaustive(buildModel(ir, "InflightViolated"));
    expect(bad.kind === "violation" && bad.failure.property).toBe("FewerThanTwoBumps");
  });

  it("params come from the test and can be overridden", () => {
    const ir = loadFixture("ping-pong.fl");
    const result = checkExhaustive(buildModel(ir, "PingPong(rounds=1)", { paramOverrides: { rounds: 5 } }));
    expect(result.stats?.distinctStates).toBe(11);
    expect(() => buildModel(ir, "PingPong(rounds=1)", { paramOverrides: { nope: 1 } })).toThrow(
      /unknown param/,
    );
  });

  it("lists the tests of a program, parameterized ones expanded", () => {
    const tests = listTests(loadFixture("ping-pong.fl"));
    expect(tests.map((t) => t.name)).toEqual([
      "PingPong(rounds=1)",
      "PingPong(rounds=2)",
      "PingPong(rounds=3)",
    ]);
    expect(tests[0]).toMatchObject({ baseName: "PingPong", main: "Pinger", asserts: ["SentInRange"] });
  });
});

describe("steps, labels and views (two-phase commit)", () => {
  const model = buildModel(loadFixture("two-phase-commit.fl"), "Reliable");
  const init = initialStates(model)[0]!;
  const s0 = stateOf(init.outcome);

  it("the init step creates the configuration and runs every entry", () => {
    const label = model.describeStep(init.step, null, s0);
    expect(label.text).toBe("init: Setup(0)");
    expect(label.details?.created).toEqual([
      "Setup(0)",
      "Participant(0)",
      "Participant(1)",
      "Participant(2)",
      "Coordinator(0)",
    ]);
    expect(label.details?.sends).toEqual([
      "Coordinator(0) -> Participant(0): Prepare(coordinator = Coordinator(0), tx = 1)",
      "Coordinator(0) -> Participant(1): Prepare(coordinator = Coordinator(0), tx = 1)",
      "Coordinator(0) -> Participant(2): Prepare(coordinator = Coordinator(0), tx = 1)",
    ]);
    const view = model.viewState(s0);
    expect(view["Coordinator(0)"]).toEqual({
      state: "Collecting",
      status: "up",
      vars: {
        participants: [
          { tag: "Participant", value: 0 },
          { tag: "Participant", value: 1 },
          { tag: "Participant", value: 2 },
        ],
        yes: { "#set": [] },
        decided: false,
      },
      timers: ["VoteTimeout"],
    });
    expect(view.monitors).toEqual({ EveryPrepareDecided: { state: "Waiting", hot: true, vars: {} } });
    expect(view.network).toHaveLength(3);
  });

  it("a delivery with a choice has one successor per value, labelled with the message", () => {
    const next = successors(model, s0);
    // three Prepare deliveries x two votes, plus the vote timer
    expect(next.map((n) => n.step)).toEqual([
      { t: "deliver", from: 4, to: 1, i: 0, c: [0] },
      { t: "deliver", from: 4, to: 1, i: 0, c: [1] },
      { t: "deliver", from: 4, to: 2, i: 0, c: [0] },
      { t: "deliver", from: 4, to: 2, i: 0, c: [1] },
      { t: "deliver", from: 4, to: 3, i: 0, c: [0] },
      { t: "deliver", from: 4, to: 3, i: 0, c: [1] },
      { t: "timer", m: 4, timer: "VoteTimeout", c: [] },
    ]);
    const no = next[1]!;
    const label = model.describeStep(no.step, s0, stateOf(no.outcome));
    expect(label.text).toBe(
      "Participant(0) <- Prepare(coordinator = Coordinator(0), tx = 1) from Coordinator(0)",
    );
    expect(label.actor).toBe("Participant(0)");
    expect(label.location?.line).toBe(44); // the `on Prepare do` handler
    expect(label.details).toMatchObject({
      kind: "deliver",
      from: "Coordinator(0)",
      to: "Participant(0)",
      event: "Prepare",
      payload: { coordinator: { tag: "Coordinator", value: 0 }, tx: 1 },
      handler: { state: "Working", event: "Prepare", kind: "do" },
      choices: [1],
      sends: ["Participant(0) -> Coordinator(0): Voted(from = Participant(0), tx = 1, vote = No)"],
    });
    const timer = model.describeStep(next[6]!.step, s0, stateOf(next[6]!.outcome));
    expect(timer.text).toBe("Coordinator(0) <- timeout VoteTimeout");
    expect(timer.details?.transition).toBe("Collecting -> Aborting");
  });

  it("steps and views survive JSON unchanged; apply replays a step to an equal state", () => {
    for (const n of successors(model, s0)) {
      const step = JSON.parse(JSON.stringify(n.step)) as FlStep;
      expect(step).toEqual(n.step);
      const again = stateOf(model.apply(s0, step));
      expect(model.encode(again)).toEqual(model.encode(stateOf(n.outcome)));
      const view = model.viewState(again);
      expect(JSON.parse(JSON.stringify(view))).toEqual(view);
    }
  });

  it("ITF values: ints as #bigint, sets as #set, named tuples as records, references and enums as variants", () => {
    const after = stateOf(successors(model, s0)[0]!.outcome);
    const itf = model.itfState(after);
    const machines = (itf.machines as { "#map": [string, { vars: Record<string, unknown> }][] })["#map"];
    const coordinator = machines.find(([name]) => name === "Coordinator(0)")![1];
    expect(coordinator.vars.yes).toEqual({ "#set": [] });
    const ref = (k: number) => ({ tag: "Participant", value: { "#bigint": String(k) } });
    expect(coordinator.vars.participants).toEqual([ref(0), ref(1), ref(2)]);
    expect(itf.network).toContainEqual({
      from: "Participant(0)",
      to: "Coordinator(0)",
      event: "Voted",
      payload: { from: ref(0), tx: { "#bigint": "1" }, vote: { tag: "Yes", value: { "#tup": [] } } },
    });
  });

  it("apply rejects steps that are not enabled", () => {
    expect(() => model.apply(s0, { t: "deliver", from: 4, to: 1, i: 1, c: [] })).toThrow(InvalidStepError);
    expect(() => model.apply(s0, { t: "deliver", from: 1, to: 4, i: 0, c: [] })).toThrow(InvalidStepError);
    expect(() => model.apply(s0, { t: "deliver", from: 4, to: 1, i: 0, c: [2] })).toThrow(InvalidStepError);
    expect(() => model.apply(s0, { t: "timer", m: 1, timer: "VoteTimeout", c: [] })).toThrow(
      InvalidStepError,
    );
    expect(() => model.apply(s0, { t: "init", c: [] })).toThrow(InvalidStepError);
  });

  it("hot monitors are reported by name", () => {
    expect(model.hotMonitors(s0)).toEqual(["EveryPrepareDecided"]);
  });
});

describe("successors", () => {
  it("let go of the explorer's emit when it throws (a stopped search)", () => {
    const model = buildModel(loadFixture("values.fl"), "ValueSemantics");
    const s = stateOf(initialStates(model)[0]!.outcome);
    const stop = new Error("stopped");
    expect(() =>
      model.successors(s, () => {
        throw stop;
      }),
    ).toThrow(stop);
    const held = model as unknown as { expanding: unknown; emitting: unknown };
    expect(held.expanding).toBeNull();
    expect(held.emitting).toBeNull();
    // And the model still expands states.
    expect(successors(model, s).length).toBeGreaterThan(0);
  });
});
