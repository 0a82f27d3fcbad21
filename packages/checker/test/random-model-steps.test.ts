// FlModel's random-exploration methods agree with successors: enabledSteps
// lists the same steps in the same order (one per step, not per choice), and
// applyChoosing with the choices successors made reaches the same state.
import { describe, expect, it } from "vitest";
import { buildModel, type FlModel } from "../src/fl/fl-model.js";
import type { FlState, FlStep } from "../src/fl/fl-state.js";
import type { Json, StepOutcome } from "../src/model.js";
import { loadFixture } from "./fixtures/fl/load.js";

function withoutChoices(step: FlStep): Json {
  const { c: _c, ...rest } = step as FlStep & { c?: number[] };
  return rest as Json;
}

function encoded(model: FlModel, outcome: StepOutcome<FlState>): string {
  return outcome.kind === "state" ? Buffer.from(model.encode(outcome.state)).toString("hex") : "failure";
}

/** Compares the two ways of stepping on up to `limit` states reached breadth-first; returns states checked. */
function compareOn(model: FlModel, limit: number): number {
  const seen = new Set<string>();
  const queue: (FlState | null)[] = [null];
  let checked = 0;
  while (queue.length > 0 && checked < limit) {
    const state = queue.shift()!;
    checked++;
    const emitted: { step: FlStep; key: string; next: FlState | null }[] = [];
    const collect = (step: FlStep, outcome: StepOutcome<FlState>) => {
      emitted.push({
        step,
        key: encoded(model, outcome),
        next: outcome.kind === "state" ? model.decode(model.encode(outcome.state).slice()) : null,
      });
    };
    if (state === null) model.initial(collect);
    else model.successors(state, collect);

    // One enabled step per run of emissions that differ only in their choices.
    const templates: Json[] = [];
    for (const { step } of emitted) {
      const bare = withoutChoices(step);
      const last = templates[templates.length - 1];
      const sameStep = JSON.stringify(last) === JSON.stringify(bare);
      if (!sameStep || !("c" in step)) templates.push(bare);
    }
    const enabled = model.enabledSteps(state);
    expect(enabled.map(withoutChoices)).toEqual(templates);

    for (const { step, key, next } of emitted) {
      const template = { ...step, ...("c" in step ? { c: [] } : {}) } as FlStep;
      const values = "c" in step ? step.c.slice() : [];
      const ran = model.applyChoosing(state, template, (n) => {
        const v = values.shift();
        if (v === undefined || v >= n) throw new Error("unexpected choose");
        return v;
      });
      expect(ran.step).toEqual(step);
      expect(encoded(model, ran.outcome)).toBe(key);
      if (next !== null) {
        const k = Buffer.from(model.encode(next)).toString("hex");
        if (!seen.has(k)) {
          seen.add(k);
          queue.push(next);
        }
      }
    }
  }
  return checked;
}

describe("FlModel.enabledSteps and applyChoosing", () => {
  const files = ["faults.fl", "choose.fl", "semantics.fl", "interleave.fl", "two-phase-commit-design.fl"];
  for (const file of files) {
    it(`agree with successors on every test of ${file}`, () => {
      const ir = loadFixture(file);
      let total = 0;
      for (const test of ir.tests) total += compareOn(buildModel(ir, test.name), 150);
      expect(total).toBeGreaterThan(ir.tests.length);
    });
  }

  it("the initial step is the only step before the initial state", () => {
    const model = buildModel(loadFixture("choose.fl"), "Choose3");
    expect(model.enabledSteps(null)).toEqual([{ t: "init", c: [] }]);
    const ran = model.applyChoosing(null, { t: "init", c: [] }, (n) => n - 1);
    expect(ran.step).toEqual({ t: "init", c: [2] });
  });

  it("stepActor names the receiving machine, or the environment for faults", () => {
    const model = buildModel(loadFixture("faults.fl"), "DropBreaks(n=3)");
    expect(model.stepActor(null, { t: "init", c: [] })).toBe("init");
    expect(model.stepActor(null, { t: "deliver", from: 0, to: 1, i: 0, c: [] })).toBe("m1");
    expect(model.stepActor(null, { t: "timer", m: 2, timer: "T", c: [] })).toBe("m2");
    expect(model.stepActor(null, { t: "drop", from: 0, to: 1, i: 0 })).toBe("faults");
  });
});
