// Every built-in check and property kind on a small model: the failure's kind,
// property and source line, the shortest trace's length, and that the trace
// replays through Model.apply to the same failure.
import { describe, expect, it } from "vitest";
import { checkExhaustive } from "../src/search/bfs-explorer.js";
import { buildModel } from "../src/fl/fl-model.js";
import type { FlState, FlStep } from "../src/fl/fl-state.js";
import type { Failure, Model } from "../src/model.js";
import { loadFixture } from "./fixtures/fl/load.js";

/** Replays a trace with apply; returns the failure it ends in (step failure, invariant, or terminal). */
function replayFailure(model: Model<FlState, FlStep>, steps: readonly FlStep[]): Failure | null {
  let state: FlState | null = null;
  for (const step of steps) {
    const out = model.apply(state, step);
    if (out.kind === "failure") return out.failure;
    state = out.state;
  }
  if (state === null) return null;
  for (const inv of model.invariants) {
    if (!inv.holds(state)) return { kind: "invariant", property: inv.name, message: "" };
  }
  let hasSuccessor = false;
  model.successors(state, () => {
    hasSuccessor = true;
  });
  return hasSuccessor ? null : model.terminal(state);
}

function check(file: string, test: string) {
  const model = buildModel(loadFixture(file), test);
  const result = checkExhaustive(model);
  if (result.kind !== "violation" && result.kind !== "deadlock") {
    throw new Error(`expected a failure, got ${result.kind}`);
  }
  const steps = result.trace.steps as FlStep[];
  const replayed = replayFailure(model, steps);
  return { result, failure: result.failure, steps, replayed };
}

describe("built-in checks and properties", () => {
  it("a failed assert is an assertion failure at the assert", () => {
    const { result, failure, steps, replayed } = check("checks.fl", "AssertionFails");
    expect(result.kind).toBe("violation");
    expect(failure).toMatchObject({ kind: "assertion", property: "assertion" });
    expect(failure.message).toContain("n must exceed one");
    expect(failure.message).toContain("Asserter(0)");
    expect(failure.location?.line).toBe(17);
    expect(steps.map((s) => s.t)).toEqual(["init", "deliver"]);
    expect(replayed).toEqual(failure);
  });

  it("an event the state neither handles, defers nor ignores is an unhandled event", () => {
    const { result, failure, replayed } = check("checks.fl", "UnhandledEvent");
    expect(result.kind).toBe("violation");
    expect(failure).toMatchObject({ kind: "unhandled-event", property: "unhandled-event" });
    expect(failure.message).toBe("Surprised(0) in state Quiet cannot handle event Unexpected");
    expect(failure.location?.line).toBe(23);
    expect(replayed).toEqual(failure);
  });

  it("a message deferred forever is a deadlock", () => {
    const { result, failure, steps, replayed } = check("checks.fl", "DeferredForever");
    expect(result.kind).toBe("deadlock");
    expect(failure).toMatchObject({ kind: "deadlock", property: "deadlock" });
    expect(failure.message).toContain("Request from Procrastinator(0) to Procrastinator(0)");
    expect(failure.location?.line).toBe(29);
    expect(steps).toHaveLength(1);
    expect(replayed).toEqual(failure);
  });

  it("an invariant is checked in every state and the shortest trace reaches the violation", () => {
    const { result, failure, steps, replayed } = check("checks.fl", "InvariantBreaks");
    expect(result.kind).toBe("violation");
    expect(failure).toMatchObject({ kind: "invariant", property: "CountBelowThree" });
    expect(failure.location?.line).toBe(46);
    // init, then three deliveries of Go: count reaches 3
    expect(steps).toHaveLength(4);
    expect(replayed?.property).toBe("CountBelowThree");
  });

  it("an assert in a spec monitor is a spec-assertion named after the spec", () => {
    const { result, failure, replayed } = check("checks.fl", "SpecSafety");
    expect(result.kind).toBe("violation");
    expect(failure).toMatchObject({ kind: "spec-assertion", property: "AtMostOneAcquire" });
    expect(failure.message).toContain("two acquires without a release");
    expect(failure.location?.line).toBe(53);
    expect(replayed).toEqual(failure);
  });

  it("a hot monitor when the system stops is hot-at-end", () => {
    const { result, failure, replayed } = check("checks.fl", "HotAtEnd");
    expect(result.kind).toBe("deadlock");
    expect(failure).toMatchObject({ kind: "hot-at-end", property: "EveryAskAnswered" });
    expect(failure.location?.line).toBe(67);
    expect(replayed).toEqual(failure);
  });

  it("a monitor that cools down before the end passes, and only asserted specs run", () => {
    const ir = loadFixture("checks.fl");
    expect(checkExhaustive(buildModel(ir, "AnsweredIsFine")).kind).toBe("pass");
    // Greedy violates AtMostOneAcquire, but a test that does not assert it does not run it.
    const unasserted = { ...ir, tests: [{ ...ir.tests.find((t) => t.name === "SpecSafety")!, asserts: [] }] };
    expect(checkExhaustive(buildModel(unasserted, "SpecSafety")).kind).toBe("pass");
  });
});

describe("runtime errors", () => {
  it.each([
    ["SeqIndexOutOfRange", 6, "index 2 out of range for a seq of size 1"],
    ["MissingMapKey", 14, "key 5 not in map"],
    ["DivisionByZero", 22, "division by zero"],
    ["ChooseFromEmptySet", 30, "choose from an empty collection"],
    ["RunawayLoop", 38, "does not terminate"],
  ])("%s is a runtime error at line %i", (test, line, message) => {
    const { result, failure, replayed } = check("runtime-errors.fl", test);
    expect(result.kind).toBe("violation");
    expect(failure).toMatchObject({ kind: "runtime-error", property: "runtime-error" });
    expect(failure.message).toContain(message);
    expect(failure.location?.line).toBe(line);
    expect(replayed).toEqual(failure);
  });
});

describe("replay", () => {
  const files = ["checks.fl", "runtime-errors.fl", "semantics.fl", "values.fl", "choose.fl", "ping-pong.fl"];
  it.each(files)("every counterexample of %s replays through apply to its failure", (file) => {
    const ir = loadFixture(file);
    let failing = 0;
    for (const test of ir.tests) {
      const model = buildModel(ir, test.name);
      const result = checkExhaustive(model);
      expect(result.kind).not.toBe("error");
      if (result.kind !== "violation" && result.kind !== "deadlock") continue;
      failing++;
      const replayed = replayFailure(model, result.trace.steps as FlStep[]);
      expect(replayed?.kind).toBe(result.failure.kind);
      expect(replayed?.property).toBe(result.failure.property);
    }
    expect(failing).toBe({ "checks.fl": 6, "runtime-errors.fl": 5, "semantics.fl": 1 }[file] ?? 0);
  });
});
