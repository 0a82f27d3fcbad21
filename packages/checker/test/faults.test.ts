// Fault steps of the .fl runtime (docs/faults.md, ADR 0004): exact state
// counts derived by hand, budgets that grow the space as derived, what a crash
// and a partition lose and keep (on values), labels, replay, the `--faults`
// option and the fairness information for liveness.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkExhaustive } from "../src/search/bfs-explorer.js";
import { InvalidStepError } from "../src/fl/executor.js";
import { parseFaultsOption } from "../src/fl/fault-plan.js";
import { buildModel, type FlModel } from "../src/fl/fl-model.js";
import type { FlState, FlStep } from "../src/fl/fl-state.js";
import type { Failure, StepOutcome } from "../src/model.js";
import { compileText, loadFixture } from "./fixtures/fl/load.js";

const ir = loadFixture("faults.fl");

function explore(test: string, model: FlModel = buildModel(ir, test)) {
  const result = checkExhaustive(model);
  if (result.kind === "error") throw new Error(result.message);
  return result;
}

function stateOf(o: StepOutcome<FlState>): FlState {
  if (o.kind !== "state") throw new Error(`step failed: ${o.failure.message}`);
  return o.state;
}

function initialState(model: FlModel): FlState {
  const out: FlState[] = [];
  model.initial((_, o) => out.push(stateOf(o)));
  expect(out).toHaveLength(1);
  return out[0]!;
}

function successorSteps(model: FlModel, s: FlState): FlStep[] {
  const out: FlStep[] = [];
  model.successors(s, (step) => out.push(step));
  return out;
}

/** Apply `step` and return the state and its label. */
function step(model: FlModel, s: FlState, st: FlStep) {
  const next = stateOf(model.apply(s, st));
  return { state: next, label: model.describeStep(st, s, next) };
}

/** Replays a trace with apply; the failure it ends in (a failing step, an invariant, or the terminal check). */
function replayFailure(model: FlModel, steps: readonly FlStep[]): Failure | null {
  let state: FlState | null = null;
  for (const st of steps) {
    const out = model.apply(state, JSON.parse(JSON.stringify(st)) as FlStep);
    if (out.kind === "failure") return out.failure;
    state = out.state;
  }
  if (state === null) return null;
  const broken = model.invariants.find((inv) => !inv.holds(state!));
  if (broken) return { kind: "invariant", property: broken.name, message: "" };
  return successorSteps(model, state).length > 0 ? null : model.terminal(state);
}

function labels(model: FlModel, steps: readonly FlStep[]): string[] {
  let state: FlState | null = null;
  const out: string[] = [];
  for (const st of steps) {
    const o = model.apply(state, st);
    out.push(model.describeStep(st, state, o.kind === "state" ? o.state : null).text);
    if (o.kind === "state") state = o.state;
  }
  return out;
}

describe("state counts under each fault, derived by hand", () => {
  // drop: Pipe creates a Sink, then a Source that puts n = 3 equal Msg in
  // flight. A state is (a delivered, b dropped), b <= k, a + b <= n (the
  // budget left is k - b): sum over b = 0..min(k, n) of (n - b + 1) states.
  // Transitions: from (a, b) with a + b < n a delivery, and a drop while
  // b < k. Only one drop per state is offered: the messages are equal
  // neighbours, and dropping any of them gives the same state.
  //   k = 0: 4 states; 3 deliveries + init = 4 generated
  //   k = 1: 4 + 3 = 7; b=0: 3 states x 2 steps, b=1: 2 x 1 -> 8 + 1 = 9
  //   k = 2: 4 + 3 + 2 = 9; 6 + 2 x 2 + 1 (b=2, a=0: deliver only) = 11 + 1 = 12
  //   k = 3: 4 + 3 + 2 + 1 = 10; 6 + 4 + 2 = 12 + 1 = 13
  //   k = 4: as k = 3 (there are only 3 messages to drop)
  it.each([
    [0, 4, 4],
    [1, 7, 9],
    [2, 9, 12],
    [3, 10, 13],
    [4, 10, 13],
  ])("drop at most %i: %i states, %i generated", (k, states, generated) => {
    const result = explore(`Drop(n=3,k=${k})`);
    expect(result.kind).toBe("pass");
    expect(result.stats.distinctStates).toBe(states);
    expect(result.stats.generatedStates).toBe(generated);
  });

  // duplicate: the same pipe with n = 2. A state is (a delivered, c copies),
  // c <= k, a <= n + c (copies can be made first, so every such pair is
  // reachable): sum over c = 0..k of (n + c + 1). From (a, c) with messages
  // left (n + c - a > 0) a delivery, and a duplicate while c < k (again one,
  // the messages being equal).
  //   k = 0: 3 states; 2 + 1 = 3 generated
  //   k = 1: 3 + 4 = 7; c=0: 2 states x 2, c=1: 3 x 1 -> 7 + 1 = 8
  //   k = 2: 3 + 4 + 5 = 12; c=0: 2 x 2, c=1: 3 x 2, c=2: 4 x 1 -> 14 + 1 = 15
  it.each([
    [0, 3, 3],
    [1, 7, 8],
    [2, 12, 15],
  ])("duplicate at most %i: %i states, %i generated", (k, states, generated) => {
    const result = explore(`Duplicate(n=2,k=${k})`);
    expect(result.kind).toBe("pass");
    expect(result.stats.distinctStates).toBe(states);
    expect(result.stats.generatedStates).toBe(generated);
  });

  // reorder: Numbers sends Val 1..n to a Logger that appends each to a seq.
  // FIFO: the log is a prefix of [1..n]: n + 1 states. Unordered: the log is
  // any sequence of distinct values of 1..n: sum over j = 0..n of n!/(n-j)!
  // (n = 2: 1 + 2 + 2 = 5; n = 3: 1 + 3 + 6 + 6 = 16), each reached once.
  it.each([
    [2, 3, 5],
    [3, 4, 16],
  ])("reorder with n = %i: %i states in FIFO order, %i unordered", (n, fifo, unordered) => {
    const a = explore(`Fifo(n=${n})`);
    expect(a.kind).toBe("pass");
    expect(a.stats.distinctStates).toBe(fifo);
    const b = explore(`Reordered(n=${n})`);
    expect(b.stats.distinctStates).toBe(unordered);
    expect(b.stats.generatedStates).toBe(unordered);
  });

  // The sender picks ascending or descending order (`$`): two initial states
  // FIFO (the channels differ), 3 states each, 6 in all. Unordered, a channel
  // is a bag, so both initial states are one: 2 generated, 1 distinct; then
  // the 4 logs [1], [2], [1,2], [2,1]: 5 states, 6 generated.
  it("an unordered channel is a bag: the order of sending makes no state", () => {
    const fifo = explore("FifoEitherOrder(n=2)");
    expect([fifo.stats.distinctStates, fifo.stats.generatedStates]).toEqual([6, 6]);
    const bag = explore("ReorderedEitherOrder(n=2)");
    expect([bag.stats.distinctStates, bag.stats.generatedStates]).toEqual([5, 6]);
  });

  // crash without restart: Idles creates n = 3 Idle machines (the Idles main
  // machine itself is not crashable). A state is the set of crashed Idles, of
  // size j <= k (budget left k - j): sum over j of C(3, j).
  //   k = 0: 1; k = 1: 1 + 3 = 4; k = 2: 4 + 3 = 7; k = 3: 7 + 1 = 8; k = 4: 8.
  // Generated: one crash per up Idle while budget is left:
  //   k = 1: 1 + 3 = 4; k = 2: 4 + 3 x 2 = 10; k = 3: 10 + 3 x 1 = 13.
  it.each([
    [0, 1, 1],
    [1, 4, 4],
    [2, 7, 10],
    [3, 8, 13],
    [4, 8, 13],
  ])("crash at most %i of 3 machines: %i states, %i generated", (k, states, generated) => {
    const result = explore(`Crash(n=3,k=${k})`);
    expect(result.kind).toBe("pass");
    expect(result.stats.distinctStates).toBe(states);
    expect(result.stats.generatedStates).toBe(generated);
  });

  // crash then restart: one Counter whose entry counts its starts in a
  // durable variable. Up after j crashes: starts = j + 1, budget k - j
  // (j = 0..k); crashed after j crashes: starts = j, budget k - j (j = 1..k):
  // 2k + 1 states, each reached once (a chain).
  it.each([0, 1, 2])("crash at most %i then restart: 2k + 1 states", (k) => {
    const result = explore(`CrashRestart(k=${k})`);
    expect(result.kind).toBe("pass");
    expect(result.stats.distinctStates).toBe(2 * k + 1);
    expect(result.stats.generatedStates).toBe(2 * k + 1);
    expect(result.stats.maxDepth).toBe(2 * k);
  });

  // partition: Idles with n idle machines: n + 1 machines, S = 2^n - 1
  // unordered splits. Connected with budget b has S partition successors
  // (budget b - 1); each partitioned state has one heal (connected, b - 1):
  // 1 + k (S + 1) states; generated: init + k (S partitions + S heals).
  //   3 machines, S = 3: k = 0: 1 (1); k = 1: 5 (1 + 6 = 7); k = 2: 9 (13)
  //   4 machines, S = 7: k = 1: 9 (1 + 14 = 15)
  it.each([
    [0, 1, 1],
    [1, 5, 7],
    [2, 9, 13],
  ])("partition at most %i of 3 machines: %i states, %i generated", (k, states, generated) => {
    const result = explore(`Partition(n=2,k=${k})`);
    expect(result.kind).toBe("pass");
    expect(result.stats.distinctStates).toBe(states);
    expect(result.stats.generatedStates).toBe(generated);
  });

  it("a partition of 4 machines picks one of 7 splits", () => {
    const result = explore("PartitionFour(n=3)");
    expect([result.stats.distinctStates, result.stats.generatedStates]).toEqual([9, 15]);
    const model = buildModel(ir, "PartitionFour(n=3)");
    const sides = successorSteps(model, initialState(model)).map((s) =>
      s.t === "partition" ? s.side : null,
    );
    expect(sides).toEqual([[1], [2], [1, 2], [3], [1, 3], [2, 3], [1, 2, 3]]);
  });

  // Two drop faults that both apply to the one Msg (n = 1): dropping it with
  // either budget gives two different states (budgets (0, 1) and (1, 0)),
  // plus the initial state and the delivered one: 4 states; steps name the fault.
  it("several faults of one kind keep separate budgets, and steps name theirs", () => {
    const model = buildModel(ir, "TwoDrops(n=1)");
    expect(explore("TwoDrops(n=1)", model).stats.distinctStates).toBe(4);
    expect(successorSteps(model, initialState(model))).toEqual([
      { t: "deliver", from: 2, to: 1, i: 0, c: [] },
      { t: "drop", from: 2, to: 1, i: 0, f: 0 },
      { t: "drop", from: 2, to: 1, i: 0, f: 1 },
    ]);
  });

  // Ticker arms Tick in Armed and handles it there. Init; the timer fires
  // (Fired) or the ticker crashes (crashed, timer gone); Fired may crash too,
  // to the same crashed state (a crash resets state and timers): 3 states,
  // 4 generated. The crashed state has no step: the crash disarmed the timer.
  it("a crash disarms the machine's timers", () => {
    const model = buildModel(ir, "TimerCrash");
    const result = explore("TimerCrash", model);
    expect([result.stats.distinctStates, result.stats.generatedStates]).toEqual([3, 4]);
    const s0 = initialState(model);
    const crashed = step(model, s0, { t: "crash", m: 0 }).state;
    expect(model.viewState(crashed)["Ticker(0)"]).toMatchObject({ status: "crashed", timers: [] });
    expect(successorSteps(model, crashed)).toEqual([]);
    expect(model.terminal(crashed)).toBeNull();
  });
});

describe("what a crash loses and a restart keeps", () => {
  const model = buildModel(ir, "CrashValues");
  // Cluster(0) = 0 creates Node(0) = 1 with payload 7, sends it Msg and itself Val.
  const s0 = initialState(model);
  const s1 = step(model, s0, { t: "deliver", from: 0, to: 1, i: 0, c: [] }).state;
  const s2 = step(model, s1, { t: "deliver", from: 0, to: 0, i: 0, c: [] }).state;

  it("before the crash: Busy, variables set, a timer armed, two messages in flight to it", () => {
    expect(model.viewState(s2)["Node(0)"]).toEqual({
      state: "Busy",
      status: "up",
      vars: { plain: 107, starts: 1, seen: 1 },
      timers: ["Tick"],
    });
    expect(model.viewState(s2).network).toHaveLength(2);
  });

  it("a crash resets state, plain variables and timers, keeps durable ones, loses the messages to it", () => {
    const { state, label } = step(model, s2, { t: "crash", m: 1 });
    expect(model.viewState(state)["Node(0)"]).toEqual({
      state: null,
      status: "crashed",
      vars: { plain: 0, starts: 1, seen: 1 },
      timers: [],
    });
    expect(model.viewState(state).network).toEqual([]);
    expect(model.viewState(state).faults).toEqual({ budgets: { "crash Node then restart": 0 } });
    expect(label.text).toBe("crash Node(0)");
    expect(label.kind).toBe("fault");
    expect(label.details).toMatchObject({
      kind: "fault",
      fault: "crash",
      stateBefore: "Busy",
      lost: ["Cluster(0) -> Node(0): Msg", "Node(0) -> Node(0): Msg"],
    });
    // The budget is spent: no second crash, but a restart.
    expect(successorSteps(model, state)).toEqual([{ t: "restart", m: 1, c: [] }]);
  });

  it("a restart runs the start entry with the constructor payload, durable variables kept", () => {
    const crashed = step(model, s2, { t: "crash", m: 1 }).state;
    const { state, label } = step(model, crashed, { t: "restart", m: 1, c: [] });
    // entry (id) { plain = id; starts = starts + 1; }: plain from the payload, starts from disk.
    expect(model.viewState(state)["Node(0)"]).toEqual({
      state: "Up",
      status: "up",
      vars: { plain: 7, starts: 2, seen: 1 },
      timers: [],
    });
    expect(label.text).toBe("restart Node(0)");
    expect(label.details).toMatchObject({ kind: "fault", fault: "restart", transition: "crashed -> Up" });
    // The decoded state is the same state (the payload is part of the encoding).
    const decoded = model.decode(Uint8Array.from(model.encode(state)));
    expect(model.viewState(decoded)).toEqual(model.viewState(state));
    expect(successorSteps(model, decoded)).toEqual(successorSteps(model, state));
  });

  it("messages sent to a crashed machine are lost; its own messages stay in flight", () => {
    const crashed = step(model, s1, { t: "crash", m: 1 }).state;
    expect(model.viewState(crashed).network).toEqual([
      { from: "Cluster(0)", to: "Cluster(0)", event: "Val", payload: 0 },
    ]);
    const { state, label } = step(model, crashed, { t: "deliver", from: 0, to: 0, i: 0, c: [] });
    expect(label.details?.sends).toEqual(["Cluster(0) -> Node(0): Msg (lost: receiver crashed)"]);
    expect(model.viewState(state).network).toEqual([]);
  });

  it("apply rejects crashes and restarts that are not enabled", () => {
    const crashed = step(model, s2, { t: "crash", m: 1 }).state;
    expect(() => model.apply(crashed, { t: "crash", m: 1 })).toThrow(InvalidStepError);
    expect(() => model.apply(s2, { t: "restart", m: 1, c: [] })).toThrow(InvalidStepError);
    expect(() => model.apply(s2, { t: "crash", m: 0 })).toThrow(InvalidStepError); // Cluster is not crashable
    const restartless = buildModel(ir, "Crash(n=3,k=1)");
    const down = step(restartless, initialState(restartless), { t: "crash", m: 1 }).state;
    expect(() => restartless.apply(down, { t: "restart", m: 1, c: [] })).toThrow(InvalidStepError);
  });
});

describe("what a partition loses", () => {
  const model = buildModel(ir, "PartitionValues");
  // Hub(0) = 0, Spoke(0) = 1 (talks to itself), Spoke(1) = 2, Spoke(2) = 3.
  // In flight: Hub -> Hub Msg, Hub -> Spoke(0) Val(1), Spoke(0) -> Spoke(0) Msg.
  const s0 = initialState(model);
  const cut = step(model, s0, { t: "partition", side: [1, 2] });

  it("messages in flight across the split are lost when it starts; those within a side stay", () => {
    expect(cut.label.text).toBe("partition {Hub(0), Spoke(2)} | {Spoke(0), Spoke(1)}");
    expect(cut.label.details).toMatchObject({
      kind: "fault",
      fault: "partition",
      sides: [
        ["Hub(0)", "Spoke(2)"],
        ["Spoke(0)", "Spoke(1)"],
      ],
      lost: ["Hub(0) -> Spoke(0): Val(1)"],
    });
    expect(model.viewState(cut.state).network).toEqual([
      { from: "Hub(0)", to: "Hub(0)", event: "Msg", payload: null },
      { from: "Spoke(0)", to: "Spoke(0)", event: "Msg", payload: null },
    ]);
    expect(model.viewState(cut.state).faults).toEqual({
      budgets: { partition: 0 },
      partition: "{Hub(0), Spoke(2)} | {Spoke(0), Spoke(1)}",
    });
  });

  it("messages sent across are lost; a new machine joins its creator's side; heal reconnects", () => {
    const hub = step(model, cut.state, { t: "deliver", from: 0, to: 0, i: 0, c: [] });
    expect(hub.label.details?.sends).toEqual([
      "Hub(0) -> Spoke(0): Val(2) (lost: partitioned)",
      "Hub(0) -> Spoke(1): Val(2) (lost: partitioned)",
      "Hub(0) -> Spoke(2): Val(2)",
    ]);
    expect(hub.state.cut).toEqual([1, 2]); // Spoke(3) = 4, created by the hub, is on the hub's side
    const spoke = step(model, hub.state, { t: "deliver", from: 1, to: 1, i: 0, c: [] });
    expect(spoke.state.cut).toEqual([1, 2, 5]); // Spoke(4) = 5, created by Spoke(0), is on its side
    const steps = successorSteps(model, spoke.state);
    expect(steps.filter((s) => s.t === "partition")).toEqual([]); // one partition at a time (and no budget)
    expect(steps[steps.length - 1]).toEqual({ t: "heal" });
    const healed = step(model, spoke.state, { t: "heal" });
    expect(healed.label.text).toBe(
      "heal partition {Hub(0), Spoke(2), Spoke(3)} | {Spoke(0), Spoke(1), Spoke(4)}",
    );
    expect(healed.state.cut).toBeNull();
    expect(model.viewState(healed.state).faults).toEqual({ budgets: { partition: 0 }, partition: null });
  });

  it("apply rejects sides that are not canonical, and a second partition", () => {
    for (const side of [[], [0, 1], [2, 1], [9]]) {
      expect(() => model.apply(s0, { t: "partition", side })).toThrow(InvalidStepError);
    }
    expect(() => model.apply(cut.state, { t: "partition", side: [3] })).toThrow(InvalidStepError);
    expect(() => model.apply(s0, { t: "heal" })).toThrow(InvalidStepError);
  });
});

describe("counterexamples with fault steps: labels and replay", () => {
  it.each([
    ["DropBreaks(n=3)", "NothingLost", ["init: Pipe(0)", "drop Msg Source(0) -> Sink(0)"]],
    [
      "DuplicateBreaks(n=2)",
      "AtMostN",
      [
        "init: Pipe(0)",
        "Sink(0) <- Msg from Source(0)",
        "duplicate Msg Source(0) -> Sink(0)",
        "Sink(0) <- Msg from Source(0)",
        "Sink(0) <- Msg from Source(0)",
      ],
    ],
    [
      "ReorderBreaks(n=2)",
      "LogSorted",
      ["init: Ascending(0)", "Logger(0) <- Val(2) from Numbers(0)", "Logger(0) <- Val(1) from Numbers(0)"],
    ],
    ["CrashRestartBreaks", "StartedOnce", ["init: Counter(0)", "crash Counter(0)", "restart Counter(0)"]],
  ])("%s violates %s with the shortest trace, which replays", (test, property, expected) => {
    const model = buildModel(ir, test);
    const result = explore(test, model);
    if (result.kind !== "violation") throw new Error(`expected a violation, got ${result.kind}`);
    expect(result.failure.property).toBe(property);
    const steps = result.trace.steps as FlStep[];
    expect(labels(model, steps)).toEqual(expected);
    expect(replayFailure(model, steps)?.property).toBe(property);
  });

  it("the same models pass without faults", () => {
    expect(explore("Reliable(n=2)").kind).toBe("pass");
    expect(explore("Fifo(n=2)").kind).toBe("pass");
    const noCrash = buildModel(ir, "CrashRestartBreaks", { faults: [] });
    expect(explore("CrashRestartBreaks", noCrash).kind).toBe("pass");
  });
});

describe("the fault examples match examples/expected.json, with and without their faults", () => {
  const examples = fileURLToPath(new URL("../../../examples/", import.meta.url));
  const expected = JSON.parse(readFileSync(`${examples}expected.json`, "utf8")) as Record<
    string,
    Record<string, { outcome: string; property?: string; states?: number; traceLength?: number }>
  >;
  const faultLabel: Record<string, RegExp> = {
    "drop.fl": /^drop Credit\(10\) Source\(0\) -> Sink\(0\)$/,
    "duplicate.fl": /^duplicate Deposit\(id = \d, amount = 10\) Client\(0\) -> NaiveBank\(0\)$/,
    "crash-restart.fl": /^crash Store\(0\)$/,
    "partition.fl": /^partition \{.*\} \| \{.*\}$/,
  };

  it.each(["drop.fl", "duplicate.fl", "reorder.fl", "crash-restart.fl", "partition.fl"])("%s", (file) => {
    const path = `${examples}${file}`;
    const program = compileText(path, readFileSync(path, "utf8"));
    let failing = 0;
    for (const test of program.tests) {
      const want = expected[file]![test.name]!;
      const model = buildModel(program, test.name);
      const result = explore(test.name, model);
      const outcome = result.kind === "violation" ? "violation" : result.kind;
      expect({ test: test.name, outcome }).toEqual({ test: test.name, outcome: want.outcome });
      expect(result.stats.distinctStates).toBe(want.states);
      if (result.kind !== "violation") continue;
      failing++;
      expect(result.failure.property).toBe(want.property);
      const steps = result.trace.steps as FlStep[];
      expect(steps).toHaveLength(want.traceLength!);
      expect(replayFailure(model, steps)?.property).toBe(want.property);
      // The counterexample needs its fault: without it the test passes.
      expect(test.faults.length).toBeGreaterThan(0);
      expect(explore(test.name, buildModel(program, test.name, { faults: [] })).kind).toBe("pass");
      const texts = labels(model, steps);
      if (faultLabel[file]) expect(texts.some((t) => faultLabel[file]!.test(t))).toBe(true);
    }
    expect(failing).toBe(1);
  });
});

describe("--faults: parseFaultsOption and BuildModelOptions.faults", () => {
  it("parses the body of a fault block, the last `;` optional", () => {
    const r = parseFaultsOption(
      "drop Msg at most 2; duplicate at most 1; reorder; crash Idle at most 1 then restart; partition at most 3",
      ir,
    );
    if (!r.ok) throw new Error(r.message);
    expect(r.faults.map(({ span: _, ...f }) => f)).toEqual([
      { kind: "drop", events: ["Msg"], atMost: 2 },
      { kind: "duplicate", events: null, atMost: 1 },
      { kind: "reorder" },
      { kind: "crash", machine: "Idle", atMost: 1, restart: true },
      { kind: "partition", atMost: 3 },
    ]);
    expect(parseFaultsOption("  ", ir)).toEqual({ ok: true, faults: [] });
  });

  it.each([
    ["drop Nope at most 1", /unknown event 'Nope'/],
    ["drop Mgs at most 1", /^--faults: unknown event 'Mgs' \(did you mean 'Msg'\?\) \(at column 6\)$/],
    ["crash Ghost at most 1", /unknown machine 'Ghost'/],
    [
      "drop Msg at most k",
      /^--faults: param 'k' has no value here: name the test with --test \(at column 18\)$/,
    ],
    ["drop Msg at most kk", /unknown param 'kk' \(at column 18\)/],
    ["drop Msg at most true", /non-negative int literal or an int param/],
    ["drop Msg at most", /--faults: /],
    ["explode at most 1", /^--faults: expected a fault \(drop, .*found 'explode' \(at column 1\)$/],
    ["drop Msg at most 1; crash Idle at most -1", /int param \(at column 40\)/],
  ])("%s is an error, not a throw", (text, message) => {
    const r = parseFaultsOption(text, ir);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });

  it("refuses a param the test does not bind, as a test's own faults block does", () => {
    const r = parseFaultsOption("drop Msg at most k", ir, "Reliable(n=2)");
    expect(r).toEqual({
      ok: false,
      message:
        "--faults: param 'k' has no value in test 'Reliable(n=2)' (its test param (...) does not bind it) (at column 18)",
    });
  });

  it("takes an int param as a budget, with its value in the test being checked", () => {
    for (const k of [0, 1, 2]) {
      const r = parseFaultsOption("drop Msg at most k; partition at most k", ir, `Drop(n=3,k=${k})`);
      if (!r.ok) throw new Error(r.message);
      expect(r.faults.map((f) => ("atMost" in f ? f.atMost : null))).toEqual([k, k]);
    }
  });

  it("the option replaces the test's faults", () => {
    const parsed = parseFaultsOption("drop Msg at most 2", ir);
    if (!parsed.ok) throw new Error(parsed.message);
    // Drop(n=3, k=0) checked with a budget of 2: the count of k = 2 above.
    const model = buildModel(ir, "Drop(n=3,k=0)", { faults: parsed.faults });
    expect(explore("Drop(n=3,k=0)", model).stats.distinctStates).toBe(9);
  });
});

describe("fairness information for liveness", () => {
  it("names enabled deliveries per channel, timers, restarts and heals; fault steps have no key", () => {
    const model = buildModel(ir, "CrashValues");
    const s0 = initialState(model);
    expect(model.enabledFairSteps(s0)).toEqual(["deliver 0->0", "deliver 0->1"]);
    expect(model.faultBudgetsSpent(s0)).toBe(false);
    const busy = step(model, s0, { t: "deliver", from: 0, to: 1, i: 0, c: [] }).state;
    // Node's Msg to itself is deferred in Busy: not enabled, no key.
    expect(model.enabledFairSteps(busy)).toEqual(["deliver 0->0", "timer 1 Tick"]);
    expect(model.fairKeyOfStep(busy, { t: "timer", m: 1, timer: "Tick", c: [] })).toBe("timer 1 Tick");
    expect(model.fairKeyOfStep(busy, { t: "crash", m: 1 })).toBeNull();
    const crashed = step(model, busy, { t: "crash", m: 1 }).state;
    expect(model.faultBudgetsSpent(crashed)).toBe(true);
    expect(model.enabledFairSteps(crashed)).toEqual(["deliver 0->0", "restart 1"]);

    const partition = buildModel(ir, "Partition(n=2,k=1)");
    const cut = step(partition, initialState(partition), { t: "partition", side: [1] }).state;
    expect(partition.enabledFairSteps(cut)).toEqual(["heal"]);
  });

  it("with reorder, each distinct message in flight is its own key", () => {
    const model = buildModel(ir, "Reordered(n=2)");
    expect(model.enabledFairSteps(initialState(model))).toEqual(["deliver 2->1 [1,1]", "deliver 2->1 [1,2]"]);
  });
});

describe("canonical encoding with faults", () => {
  // Random walks over models with every fault kind. In every state visited:
  // decode inverts encode, the decoded state has the same successors, a step
  // replayed from its JSON reaches the same bytes, and two states encode equal
  // exactly when they look equal (the view shows everything a state holds here),
  // and the fairness keys of the enabled steps are those of the successors.
  const models = [
    "CrashValues",
    "PartitionValues",
    "TwoDrops(n=1)",
    "Duplicate(n=2,k=2)",
    "ReorderedEitherOrder(n=2)",
    "Reordered(n=3)",
  ].map((t) => buildModel(ir, t));
  const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

  it.each(models.map((m) => [m.name, m] as const))("%s", (_, model) => {
    const byView = new Map<string, string>();
    const byBytes = new Map<string, string>();
    const starts: FlState[] = [];
    model.initial((_, o) => starts.push(stateOf(o)));
    fc.assert(
      fc.property(fc.nat(), fc.array(fc.nat(), { maxLength: 10 }), (first, picks) => {
        let s = starts[first % starts.length]!;
        for (const pick of [-1, ...picks]) {
          const bytes = hex(model.encode(s));
          const view = JSON.stringify(model.viewState(s));
          expect(byView.get(view) ?? bytes).toBe(bytes);
          expect(byBytes.get(bytes) ?? view).toBe(view);
          byView.set(view, bytes);
          byBytes.set(bytes, view);
          const decoded = model.decode(Uint8Array.from(Buffer.from(bytes, "hex")));
          expect(hex(model.encode(decoded))).toBe(bytes);
          const next: { step: FlStep; bytes: string }[] = [];
          model.successors(s, (st, o) =>
            next.push({ step: st, bytes: o.kind === "state" ? hex(model.encode(o.state)) : "" }),
          );
          const again: string[] = [];
          model.successors(decoded, (_, o) =>
            again.push(o.kind === "state" ? hex(model.encode(o.state)) : ""),
          );
          expect(again).toEqual(next.map((n) => n.bytes));
          // The fairness keys of the enabled steps are those of the successors.
          const keys = next.map((n) => model.fairKeyOfStep(s, n.step)).filter((k) => k !== null);
          expect(model.enabledFairSteps(s)).toEqual([...new Set(keys)]);
          if (pick < 0) continue;
          if (next.length === 0) break;
          const chosen = next[pick % next.length]!;
          const replayed = stateOf(model.apply(s, JSON.parse(JSON.stringify(chosen.step)) as FlStep));
          expect(hex(model.encode(replayed))).toBe(chosen.bytes);
          s = replayed;
        }
      }),
      { seed: 42, numRuns: 40 },
    );
  });
});
