// Replay checks what it confirms (issue 14): checkReplay compares the failure
// it finds with the recorded one, checkLasso holds a saved lasso to the
// liveness search's fairness rule (neglectedKeys, one home for both), and
// parseTraceFile names the field of a corrupted trace. flStepShapeProblem
// accepts every step the runtime emits.
import { describe, expect, it } from "vitest";
import { type FlModel, buildModel } from "../src/fl/fl-model.js";
import { flStepShapeProblem } from "../src/fl/step-shape.js";
import type { Failure, Json } from "../src/model.js";
import { neglectedKeys } from "../src/search/fair-cycle.js";
import { checkLiveness } from "../src/search/liveness.js";
import { checkRandom } from "../src/search/random-explorer.js";
import { traceToItf } from "../src/trace/itf.js";
import { checkLasso, checkReplay, replayTrace } from "../src/trace/replay.js";
import { createTraceFile, parseTraceFile, serializeTraceFile } from "../src/trace/trace-file.js";
import { loadFixture } from "./fixtures/fl/load.js";

const liveness = loadFixture("liveness.fl");
const INIT: Json = { t: "init", c: [] };

function lasso(model: FlModel) {
  const result = checkLiveness(model);
  if (result.kind !== "violation" || result.loop === undefined) throw new Error("expected a lasso");
  return { steps: result.trace.steps, loop: result.loop, failure: result.failure };
}

describe("neglectedKeys: weak fairness on a cycle", () => {
  it("is the keys enabled in every state and taken by no step", () => {
    expect(
      neglectedKeys(
        [
          ["a", "b"],
          ["b", "a", "c"],
        ],
        new Set(["a"]),
      ),
    ).toEqual(["b"]);
    expect(neglectedKeys([["a", "b"], ["c"]], new Set())).toEqual([]);
    expect(neglectedKeys([["a"]], new Set(["a"]))).toEqual([]);
    expect(neglectedKeys([], new Set())).toEqual([]);
    expect(neglectedKeys([new Int32Array([3, 1]), new Int32Array([1, 3])], new Set([3]))).toEqual([1]);
  });
});

describe("checkLasso and checkReplay", () => {
  it("reproduce the liveness search's own lassos, failure message included", () => {
    for (const test of ["ForgetsRequests", "LossyWithoutRetry"]) {
      const model = buildModel(liveness, test);
      const found = lasso(model);
      const checked = checkReplay(model, found.steps, { failure: found.failure, loop: found.loop });
      expect(checked.verdict, test).toEqual({ kind: "reproduced", failure: found.failure });
      expect(checked.lasso).toBe(true);
    }
  });

  it("reject an unfair cycle: a timer ticks while the request stays deliverable", () => {
    // AnsweredUnderFairness passes: its only hot cycles tick with the request in flight.
    const model = buildModel(liveness, "AnsweredUnderFairness");
    expect(checkLiveness(model).kind).toBe("pass");
    const replay = replayTrace(model, [INIT]);
    const checked = checkLasso(model, [INIT], replay.states, 0);
    expect(checked.ok).toBe(false);
    if (!checked.ok)
      expect(checked.reason).toMatch(
        /^the cycle is not fair: `PatientServer\(0\) <- Request\(Client\(0\)\) from Client\(0\)` is enabled/,
      );
    // A lasso that ends before its step back (the last state's successor is the loop state) is read too.
    const forgetful = buildModel(liveness, "ForgetsRequests");
    const found = lasso(forgetful);
    const prefix = found.steps.slice(0, found.loop + 1);
    const fair = checkLasso(forgetful, prefix, replayTrace(forgetful, prefix).states, found.loop);
    expect(fair).toEqual({
      ok: true,
      cycleSteps: found.steps.length - prefix.length,
      failure: found.failure,
    });
  });

  it("reject a loop that does not close, or where no monitor stays hot", () => {
    const model = buildModel(liveness, "ForgetsRequests");
    const found = lasso(model);
    const states = replayTrace(model, found.steps).states;
    expect(checkLasso(model, found.steps, states, states.length + 3)).toMatchObject({ ok: false });
    // The run of a model that answers, up to the answer: the monitor cools on the way.
    const patient = buildModel(liveness, "AnsweredUnderFairness");
    const answered = runUntilCold(patient);
    const cold = checkLasso(patient, answered, replayTrace(patient, answered).states, 0);
    expect(cold.ok).toBe(false);
  });

  it("tell a different failure and a failure that is gone from the recorded one", () => {
    const model = buildModel(liveness, "ForgetsRequests");
    const found = lasso(model);
    const edited: Failure = { ...found.failure, property: "Other", message: "m" };
    expect(checkReplay(model, found.steps, { failure: edited, loop: found.loop }).verdict).toMatchObject({
      kind: "different",
      differences: ["property", "message"],
    });
    const patient = buildModel(liveness, "AnsweredUnderFairness");
    expect(
      checkReplay(patient, found.steps, { failure: found.failure, loop: found.loop }).verdict,
    ).toMatchObject({ kind: "not-reproduced", reason: expect.stringContaining("the cycle is not fair") });
    expect(
      checkReplay(patient, [INIT], { failure: { ...found.failure, kind: "invariant" } }).verdict,
    ).toEqual({
      kind: "not-reproduced",
      recorded: { ...found.failure, kind: "invariant" },
      reason: "it replays to the end, and its last state violates nothing",
    });
    expect(checkReplay(patient, [INIT], {}).verdict).toEqual({ kind: "no-failure" });
    expect(checkReplay(patient, [INIT, INIT], {}).verdict).toMatchObject({ kind: "stopped", step: 2 });
  });

  it("reproduce a random run's temperature failure (a liveness failure without a loop)", () => {
    const model = buildModel(liveness, "ForgetsRequests");
    const result = checkRandom(model, { seed: 3, runs: 5, temperature: 4 });
    if (result.kind !== "violation") throw new Error(`expected a violation, got ${result.kind}`);
    const checked = checkReplay(model, result.trace.steps, { failure: result.failure });
    expect(checked.verdict).toEqual({ kind: "reproduced", failure: result.failure });
  });
});

/** Steps of AnsweredUnderFairness up to the client's answer (the monitor cold again): BFS over successors. */
function runUntilCold(model: FlModel): Json[] {
  const queue: { state: ReturnType<typeof replayTrace<unknown, Json>>["states"][number]; steps: Json[] }[] =
    [];
  const first = replayTrace(model, [INIT]).states[0]!;
  queue.push({ state: first, steps: [INIT] });
  for (let head = 0; head < queue.length && head < 200; head++) {
    const { state, steps } = queue[head]!;
    let done: Json[] | null = null;
    model.successors(state as never, (step, outcome) => {
      if (done !== null || outcome.kind !== "state") return;
      const next = [...steps, step as Json];
      if (model.hotMonitors(outcome.state).length === 0) done = next;
      else queue.push({ state: outcome.state, steps: next });
    });
    if (done !== null) return done;
  }
  throw new Error("no run cools the monitor");
}

describe("parseTraceFile names the field of a corrupted trace", () => {
  const file = (extra: Record<string, unknown>, steps: Json[] = [INIT, INIT]) =>
    serializeTraceFile({ ...createTraceFile("m", { steps }), ...extra } as never);

  it.each([
    [{ loop: 2 }, 'field "loop" must be an integer in 0..1 (the trace has 2 states), got 2'],
    [{ loop: -1 }, 'field "loop" must be an integer in 0..1'],
    [
      { loop: "x" },
      'field "loop" must be an integer (the index of the state the lasso loops back to), got "x"',
    ],
    [{ faults: 12 }, 'field "faults" must be a string, got 12'],
    [{ sourceSha256: "abc" }, 'field "sourceSha256" must be 64 hexadecimal digits, got "abc"'],
    [
      { failure: { kind: "invariant", property: 3, message: "m" } },
      'field "failure.property" must be a string, got 3',
    ],
    [{ seed: 1.5 }, 'field "seed" must be an integer or a string, got 1.5'],
  ])("%j", (extra, message) => {
    const read = parseTraceFile(file(extra));
    expect(read).toEqual({ ok: false, message: expect.stringContaining(message) });
  });

  it("checks each step with the given shape check, naming the step's field", () => {
    const text = file({}, [INIT, { t: "deliver", from: 0, to: 1, i: 0, c: [0, -2] }]);
    expect(parseTraceFile(text)).toMatchObject({ ok: true });
    expect(parseTraceFile(text, { stepProblem: flStepShapeProblem })).toEqual({
      ok: false,
      message: 'field "steps[1].c[1]" must be a non-negative integer, got -2 (step 2)',
    });
  });

  it("reads the ITF loop from #meta.faultline too, and rejects two loops that differ", () => {
    const model = buildModel(liveness, "ForgetsRequests");
    const found = lasso(model);
    const itf = traceToItf(model, { steps: found.steps }, { loop: found.loop, failure: found.failure });
    delete itf.loop;
    expect(parseTraceFile(JSON.stringify(itf))).toMatchObject({ ok: true, loop: found.loop });
    itf.loop = found.loop + 1;
    expect(parseTraceFile(JSON.stringify(itf))).toMatchObject({
      ok: false,
      message: expect.stringContaining("must be the same"),
    });
  });
});

describe("flStepShapeProblem", () => {
  it("accepts every step the runtime emits, faults and choices included", () => {
    const cases: [string, string][] = [
      ["faults.fl", "TwoDrops(n=1)"],
      ["faults.fl", "Duplicate(n=2,k=2)"],
      ["faults.fl", "CrashRestart(k=2)"],
      ["faults.fl", "Partition(n=2,k=2)"],
      ["faults.fl", "ReorderBreaks(n=2)"],
      ["choose.fl", "ChooseInEntryAndHandler"],
      ["two-phase-commit-design.fl", "UnderFaults"],
    ];
    const kinds = new Set<string>();
    const check = (step: Json, where: string) => {
      expect(flStepShapeProblem(step), `${where}: ${JSON.stringify(step)}`).toBeNull();
      kinds.add((step as { t: string }).t);
    };
    for (const [fixture, test] of cases) {
      const model = buildModel(loadFixture(fixture), test);
      // Every successor emitted from the first few hundred states reached breadth-first.
      const states: Parameters<FlModel["successors"]>[0][] = [];
      const visit = (step: Json, outcome: { kind: string; state?: unknown }) => {
        check(step, test);
        if (outcome.kind === "state" && states.length < 300) states.push(outcome.state as never);
      };
      model.initial((step, outcome) => visit(step as Json, outcome));
      for (let i = 0; i < states.length; i++)
        model.successors(states[i]!, (step, outcome) => visit(step, outcome));
    }
    expect([...kinds].sort()).toEqual([
      "crash",
      "deliver",
      "drop",
      "duplicate",
      "heal",
      "init",
      "partition",
      "restart",
      "timer",
    ]);
  });
});
