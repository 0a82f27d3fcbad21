// checkModel (search/check-model.ts) is what `faultline check` does, for any
// Model: a hand-written one built with defineModel() from the core members
// alone gets the same verdict and counts on this thread and on two workers,
// and the capabilities it declares (hot monitors) bring their phases along.
import { describe, expect, it } from "vitest";
import type { Json } from "../src/model.js";
import {
  defineModel,
  hasAmpleSets,
  hasCoverage,
  hasFairness,
  hasFingerprint,
  hasLivenessProperties,
  hasStepDrawing,
  hasSymmetry,
} from "../src/model.js";
import type { ModelFactory } from "../src/model-factory.js";
import { checkModel } from "../src/search/check-model.js";
import { replayTrace } from "../src/trace/replay.js";
import { createCoreCountersModel } from "./models/core-counters-model.js";

function factory(args: Json): ModelFactory {
  return {
    module: new URL("./models/core-counters-model.ts", import.meta.url).href,
    exportName: "createCoreCountersModel",
    args,
  };
}

describe("defineModel", () => {
  const model = createCoreCountersModel({ n: 2 });

  it("supplies the members a hand-written core leaves out", () => {
    expect(model.invariants).toEqual([]);
    expect(model.terminal({ x: 2, y: 2 })).toBeNull();
    expect(model.describeStep({ inc: "x" }, { x: 0, y: 0 }, { x: 1, y: 0 })).toEqual({
      kind: "step",
      text: '{"inc":"x"}',
    });
    expect(model.viewState({ x: 1, y: 2 })).toEqual({ x: 1, y: 2 });
  });

  it("shows a state that is not a JSON object as `state`, and keeps what the definition gives", () => {
    const invariant = { name: "small", holds: (s: number) => s < 3 };
    const counter = defineModel<number, Json>({
      name: "counter",
      invariants: [invariant],
      initial: (emit) => emit(null, { kind: "state", state: 0 }),
      successors: (s, emit) => emit(s + 1, { kind: "state", state: s + 1 }),
      apply: (s, step) => ({ kind: "state", state: s === null ? 0 : (step as number) }),
      encode: (s) => Uint8Array.of(s),
      decode: (bytes) => bytes[0]!,
    });
    expect(counter.viewState(7)).toEqual({ state: 7 });
    expect(counter.invariants).toEqual([invariant]);
  });

  it("has no capability the core does not declare", () => {
    const guards = [
      hasFingerprint,
      hasAmpleSets,
      hasSymmetry,
      hasLivenessProperties,
      hasFairness,
      hasStepDrawing,
      hasCoverage,
    ];
    expect(guards.map((has) => has(model))).toEqual(guards.map(() => false));
    expect(hasLivenessProperties(createCoreCountersModel({ n: 2, hot: true }))).toBe(true);
  });
});

describe("checkModel on a defineModel() model", () => {
  it("passes with the same counts on this thread and on two workers", async () => {
    const args = { n: 40 };
    const model = createCoreCountersModel(args);
    const single = await checkModel(model, factory(args), { workers: 1 });
    const parallel = await checkModel(model, factory(args), { workers: 2, probeStates: 100 });
    expect(single.result.kind).toBe("pass");
    expect(parallel.result.kind).toBe("pass");
    expect(single.result.stats).toMatchObject({ distinctStates: 41 * 41, maxDepth: 80 });
    expect(parallel.result.stats).toMatchObject({
      distinctStates: single.result.stats!.distinctStates,
      generatedStates: single.result.stats!.generatedStates,
      maxDepth: 80,
      workers: 2,
    });
    expect(single.result.stats && "workers" in single.result.stats).toBe(false);
    expect(single).toMatchObject({ mode: "exhaustive", liveness: null, coverage: null });
  });

  it("finds the same shortest counterexample on this thread and on two workers", async () => {
    const args = { n: 40, failAt: 30 };
    const model = createCoreCountersModel(args);
    const single = (await checkModel(model, factory(args), { workers: 1 })).result;
    const parallel = (await checkModel(model, factory(args), { workers: 2, probeStates: 100 })).result;
    for (const result of [single, parallel]) {
      expect(result).toMatchObject({
        kind: "violation",
        failure: { kind: "assertion", message: "x reached 30" },
      });
      if (result.kind !== "violation") return;
      expect(result.trace.steps).toHaveLength(31);
      expect(replayTrace(model, result.trace.steps).failure?.message).toBe("x reached 30");
    }
    expect(parallel.stats?.distinctStates).toBe(single.stats?.distinctStates);
  });

  it("without a factory, stays on this thread until the workers are needed", async () => {
    const model = createCoreCountersModel({ n: 5 });
    const small = await checkModel(model, null, { workers: 2 });
    expect(small.result).toMatchObject({ kind: "pass", stats: { distinctStates: 36 } });
    const big = await checkModel(model, null, { workers: 2, probeStates: 10 });
    expect(big.result).toMatchObject({ kind: "error", message: expect.stringContaining("model factory") });
  });

  it("follows a passing search with the liveness check when the model has hot monitors", async () => {
    const model = createCoreCountersModel({ n: 3, hot: true });
    const outcome = await checkModel(model, null);
    expect(outcome.safety?.distinctStates).toBe(16);
    expect(outcome.liveness).toMatchObject({ kind: "violation", states: 16 });
    expect(outcome.result).toMatchObject({
      kind: "violation",
      failure: { kind: "liveness", property: "XBelowN" },
    });
    const skipped = await checkModel(model, null, { liveness: false });
    expect(skipped).toMatchObject({ liveness: "skipped", result: { kind: "pass" } });
  });

  it("random mode walks the model instead", async () => {
    const model = createCoreCountersModel({ n: 5, failAt: 4 });
    const outcome = await checkModel(model, null, { mode: "random", random: { seed: 1, runs: 20 } });
    expect(outcome).toMatchObject({ mode: "random", liveness: null });
    expect(outcome.result).toMatchObject({ kind: "violation", failure: { message: "x reached 4" } });
  });
});
