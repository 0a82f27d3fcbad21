// Shrinking: shrunk schedules replay to the same failure, are never longer
// than the original nor shorter than the shortest counterexample, skip steps
// that no longer apply, reject candidates that fail differently, and reset
// irrelevant choices to 0.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildModel } from "../src/fl/fl-model.js";
import type { FlStep } from "../src/fl/fl-state.js";
import type { Failure, Invariant, Json, Model, StepLabel, StepOutcome } from "../src/model.js";
import { checkRandom } from "../src/search/random-explorer.js";
import { replayTrace } from "../src/trace/replay.js";
import { replayLeniently, sameFailure, shrinkTrace } from "../src/search/shrink.js";
import { compileText, loadFixture } from "./fixtures/fl/load.js";
import { program } from "./fl-random-program.js";
import { GraphModel, type GraphSpec, shortestDistances } from "./models/graph-model.js";

/** Two counters; `x` must stay below 3 and `y` below 2. Steps: init, incX, incY, resetY. */
type CounterState = { x: number; y: number };
type CounterStep = { t: "init" | "incX" | "incY" | "resetY" };

class CounterModel implements Model<CounterState, CounterStep> {
  readonly name = "counters";
  readonly invariants: Invariant<CounterState>[] = [
    { name: "XBelow3", holds: (s) => s.x < 3 },
    { name: "YBelow2", holds: (s) => s.y < 2 },
  ];
  initial(emit: (step: CounterStep, outcome: StepOutcome<CounterState>) => void): void {
    emit({ t: "init" }, { kind: "state", state: { x: 0, y: 0 } });
  }
  successors(s: CounterState, emit: (step: CounterStep, outcome: StepOutcome<CounterState>) => void): void {
    for (const t of ["incX", "incY", "resetY"] as const) emit({ t }, this.apply(s, { t }));
  }
  apply(s: CounterState | null, step: CounterStep): StepOutcome<CounterState> {
    if ((s === null) !== (step.t === "init")) throw new Error("not enabled");
    if (s === null) return { kind: "state", state: { x: 0, y: 0 } };
    if (step.t === "incX") return { kind: "state", state: { x: s.x + 1, y: s.y } };
    if (step.t === "incY") return { kind: "state", state: { x: s.x, y: s.y + 1 } };
    return { kind: "state", state: { x: s.x, y: 0 } };
  }
  terminal(): Failure | null {
    return null;
  }
  encode(s: CounterState): Uint8Array {
    return new Uint8Array([s.x, s.y]);
  }
  decode(b: Uint8Array): CounterState {
    return { x: b[0]!, y: b[1]! };
  }
  describeStep(step: CounterStep): StepLabel {
    return { kind: step.t, text: step.t };
  }
  viewState(s: CounterState) {
    return { x: s.x, y: s.y };
  }
}

const xFails: Failure = { kind: "invariant", property: "XBelow3", message: "" };
const steps = (...ts: CounterStep["t"][]): Json[] => ts.map((t) => ({ t }));

describe("replayLeniently", () => {
  const model = new CounterModel();

  it("skips steps that do not apply and stops at the target failure", () => {
    const r = replayLeniently(model, steps("init", "init", "incX", "incX", "incX", "incY"), xFails);
    expect(r?.steps).toEqual(steps("init", "incX", "incX", "incX"));
    expect(r?.failure.property).toBe("XBelow3");
  });

  it("rejects a schedule that fails differently first", () => {
    expect(replayLeniently(model, steps("init", "incY", "incY", "incX", "incX", "incX"), xFails)).toBeNull();
    expect(
      replayLeniently(model, steps("init", "incY", "resetY", "incY", "incX", "incX", "incX"), xFails),
    ).not.toBeNull();
  });

  it("rejects a schedule that ends without failing", () => {
    expect(replayLeniently(model, steps("init", "incX"), xFails)).toBeNull();
  });
});

describe("shrinkTrace", () => {
  it("removes what the failure does not need", () => {
    const model = new CounterModel();
    const original = steps("init", "incY", "resetY", "incX", "incY", "resetY", "incX", "resetY", "incX");
    const shrunk = shrinkTrace(model, original, xFails);
    expect(shrunk.reproduced).toBe(true);
    expect(shrunk.steps).toEqual(steps("init", "incX", "incX", "incX"));
    expect(sameFailure(shrunk.failure, xFails)).toBe(true);
  });

  it("returns the original when it does not reproduce", () => {
    const model = new CounterModel();
    const original = steps("init", "incX");
    const shrunk = shrinkTrace(model, original, xFails);
    expect(shrunk.reproduced).toBe(false);
    expect(shrunk.steps).toEqual(original);
  });

  it("respects its replay budget", () => {
    const model = new CounterModel();
    const original = steps("init", ...Array<CounterStep["t"]>(40).fill("resetY"), "incX", "incX", "incX");
    const shrunk = shrinkTrace(model, original, xFails, { maxReplays: 3 });
    expect(shrunk.replays).toBe(3);
    expect(shrunk.steps.length).toBeLessThanOrEqual(original.length);
  });

  it("resets choose values the failure does not depend on", () => {
    const model = buildModel(loadFixture("random-choices.fl"), "Bumps");
    const result = checkRandom(model, { seed: 3, runs: 10 });
    if (result.kind !== "violation" || result.random === undefined) throw new Error(result.kind);
    const before = result.random.originalTrace.steps as FlStep[];
    expect(before.some((s) => "c" in s && s.c.some((v) => v !== 0))).toBe(true);
    const after = result.trace.steps as FlStep[];
    expect(after.every((s) => !("c" in s) || s.c.every((v) => v === 0))).toBe(true);
    expect(replayTrace(model, after).failure?.property).toBe("BelowFour");
  });

  it("on random graphs: replays to the same failure, between the shortest trace and the original", () => {
    const graph = fc.integer({ min: 2, max: 12 }).chain((n) =>
      fc.record({
        nodeCount: fc.constant(n),
        edges: fc.array(fc.array(fc.integer({ min: 0, max: n - 1 }), { maxLength: 3 }), {
          minLength: n,
          maxLength: n,
        }),
        bad: fc.array(fc.integer({ min: 1, max: n - 1 }), { maxLength: 2 }),
        seed: fc.nat({ max: 1000 }),
      }),
    );
    let failing = 0;
    fc.assert(
      fc.property(graph, ({ nodeCount, edges, bad, seed }) => {
        const spec: GraphSpec = { nodeCount, initial: [0], edges, bad };
        const result = checkRandom(new GraphModel(spec), { seed, runs: 5, maxSteps: 60 });
        if (result.kind !== "violation") return;
        failing++;
        const shortest = Math.min(...bad.map((b) => shortestDistances(spec)[b]!).filter((d) => d >= 0));
        const found = result.random!;
        expect(result.trace.steps.length).toBeLessThanOrEqual(found.originalLength);
        expect(result.trace.steps.length).toBeGreaterThanOrEqual(shortest + 1);
        const replay = replayTrace(new GraphModel(spec), result.trace.steps);
        expect(replay.error).toBeUndefined();
        expect(replay.replayed).toBe(result.trace.steps.length);
        expect(replay.failure?.property).toBe("NotBad");
      }),
      { seed: 42, numRuns: 150 },
    );
    // Enough of the generated graphs reach a bad node for the property to mean something.
    expect(failing).toBeGreaterThan(25);
  });

  it("on random .fl programs: the shrunk schedule is 1-minimal over steps, pairs of steps and chosen values", () => {
    let failing = 0;
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 1000 }), { minLength: 8, maxLength: 40 }),
        fc.nat(100),
        (stream, seed) => {
          const model = buildModel(compileText("random.fl", program(stream)), "Random");
          const result = checkRandom(model, { seed, runs: 20, maxSteps: 40, shrink: false });
          if (result.kind !== "violation" && result.kind !== "deadlock") return;
          failing++;
          const failure = result.failure;
          const shrunk = shrinkTrace(model, result.trace.steps, failure, {
            maxReplays: 1_000_000,
            timeoutMs: 60_000,
          });
          expect(shrunk.reproduced).toBe(true);
          expect(shrunk.minimal).toBe(true);
          const kept = shrunk.steps;
          const fails = (candidate: Json[]): boolean => {
            const r = replayLeniently(model, candidate, failure);
            return r !== null && r.steps.length < kept.length;
          };
          for (let i = 1; i < kept.length; i++) {
            expect(fails(kept.filter((_, k) => k !== i)), `without step ${i + 1}`).toBe(false);
          }
          kept.forEach((step, i) => {
            const c = (step as { c?: number[] }).c ?? [];
            c.forEach((v, p) => {
              if (v === 0) return;
              const lowered = kept.slice();
              lowered[i] = { ...(step as object), c: c.map((x, q) => (q === p ? 0 : x)) } as Json;
              const r = replayLeniently(model, lowered, failure);
              expect(r === null || r.steps.length > kept.length, `choice ${p} of step ${i + 1} at 0`).toBe(
                true,
              );
            });
          });
        },
      ),
      { seed: 7, numRuns: 40 },
    );
    expect(failing).toBeGreaterThan(5);
  });
});
