// A delivery or a timer forks at its handler's first choose and resumes the
// rest once per value (context.ts `fork`, executor.ts `resume`) instead of
// running the handler from its start for each value. Differential: on every
// reachable state tried, a model that forks emits exactly the successors
// (steps, states, failures, in order; the ample sets under partial-order
// reduction too) of one that replays (BuildModelOptions.replayChoices), and
// counts the same coverage; on the bundled models, on a fixture of the shapes
// a fork must get right, and on random programs.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { flRuntime, type IrProgram } from "@faultline/lang";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { collectCoverage } from "../src/coverage.js";
import type { Executor } from "../src/fl/executor.js";
import { parseFaultsOption } from "../src/fl/fault-plan.js";
import { buildModel, type FlModel } from "../src/fl/fl-model.js";
import type { FlState } from "../src/fl/fl-state.js";
import { checkExhaustive } from "../src/search/bfs-explorer.js";
import { compileText, loadFixture } from "./fixtures/fl/load.js";
import { program } from "./fl-random-program.js";
import { flFiles, reachable } from "./models/fl-reachable.js";

function executorOf(model: FlModel): Executor {
  return (model as unknown as { parts: { ex: Executor } }).parts.ex;
}

/**
 * Every successor of `s` as text: the step, the operations its run spent and
 * what was left of the meter's slice (where the runaway check falls), then the
 * state's encoding or the failure.
 */
function successorsOf(model: FlModel, s: FlState | null): string[] {
  const out: string[] = [];
  const ex = executorOf(model);
  const emit = (step: unknown, o: Parameters<Parameters<FlModel["successors"]>[1]>[1]) => {
    const what =
      o.kind === "state"
        ? Array.from(model.encode(o.state)).join(",")
        : `${JSON.stringify(o.failure)} ${o.state === undefined ? "" : Array.from(model.encode(o.state)).join(",")}`;
    out.push(`${JSON.stringify(step)} ${ex.operationsSpent()} ${flRuntime.meter.left} ${o.kind} ${what}`);
  };
  if (s === null) model.initial(emit);
  else if (model.partialOrder !== null) out.push(`ample ${model.ampleSuccessors(s, emit)}`);
  else model.successors(s, emit);
  return out;
}

/** Counts a model's resumed runs (the executor's `resume`). */
function countResumes(model: FlModel): { resumes: number } {
  const ex = executorOf(model);
  const counter = { resumes: 0 };
  const resume = ex.resume.bind(ex);
  ex.resume = (f, v) => {
    counter.resumes++;
    return resume(f, v);
  };
  return counter;
}

/**
 * Compares both models on the first `limit` states the forking one reaches
 * (with `partialOrder`, their ample sets instead of all successors); how many
 * runs resumed.
 */
function compareOn(
  ir: IrProgram,
  test: string,
  limit: number,
  faults?: string,
  partialOrder = false,
): number {
  const parsed = faults === undefined ? null : parseFaultsOption(faults, ir, test);
  if (parsed !== null && !parsed.ok) throw new Error(parsed.message);
  const options = { partialOrder, ...(parsed === null ? {} : { faults: parsed.faults }) };
  const forking = buildModel(ir, test, options);
  const replaying = buildModel(ir, test, { ...options, replayChoices: true });
  const counter = countResumes(forking);
  const baseline = countResumes(replaying);
  expect(successorsOf(forking, null)).toEqual(successorsOf(replaying, null));
  for (const s of reachable(forking, limit).states) {
    expect(successorsOf(forking, s)).toEqual(successorsOf(replaying, s));
  }
  expect(baseline.resumes).toBe(0);
  return counter.resumes;
}

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

describe("a delivery that forks at its first choose", () => {
  it("emits what running each value from the handler's start emits, on the fixture's shapes", () => {
    const ir = loadFixture("fork.fl");
    const resumes = compareOn(ir, "Forks", 10_000);
    expect(resumes).toBeGreaterThan(100);
    // The whole space was compared (the fixture is small), and the check agrees to the trace.
    expect(reachable(buildModel(ir, "Forks"), 10_000).states.length).toBeLessThan(10_000);
    const forked = checkExhaustive(buildModel(ir, "Forks"));
    const replayed = checkExhaustive(buildModel(ir, "Forks", { replayChoices: true }));
    expect(forked.kind).toBe("violation");
    const same = (r: typeof forked) =>
      r.kind === "violation"
        ? { failure: r.failure, steps: r.trace.steps, states: r.stats.distinctStates }
        : r.kind;
    expect(same(forked)).toEqual(same(replayed));
  });

  it("gives the ample sets of partial-order reduction as running each value from the start does", () => {
    let resumes = compareOn(loadFixture("fork.fl"), "Forks", 10_000, undefined, true);
    const payments = join(ROOT, "examples/payments-service/payments.fl");
    const ir = compileText(payments, readFileSync(payments, "utf8"));
    for (const test of ir.tests) resumes += compareOn(ir, test.name, 300, undefined, true);
    expect(resumes).toBeGreaterThan(100);
  });

  it("counts each handler run for coverage as a run from the start would", () => {
    const ir = loadFixture("fork.fl");
    const counts = (replayChoices: boolean) => {
      const model = buildModel(ir, "Forks", { replayChoices });
      // Every reachable state, failures or not: a coverage walk over the whole graph.
      const { coverage } = collectCoverage(model, () => reachable(model, 10_000));
      return coverage;
    };
    const forked = counts(false);
    expect(forked?.owners.find((o) => o.name === "Worker")?.handlers.some((h) => h.ran > 100)).toBe(true);
    expect(forked).toEqual(counts(true));
  });

  it("gives back its base state from a resumed run that changes nothing (the explorer's shortcut)", () => {
    const ir = compileText(
      "loop.fl",
      `event Go;
machine M {
  var x: int;
  start state S {
    entry { send this, Go; }
    on Go do { send this, Go; x = choose(2); }
  }
}
test T [main = M];`,
    );
    const model = buildModel(ir, "T");
    const s = reachable(model, 1).states[0]!;
    const same: boolean[] = [];
    model.successors(s, (_step, o) => same.push(o.kind === "state" && o.state === s));
    // x = 0 stays 0 (the state itself), or becomes 1.
    expect(same).toEqual([true, false]);
  });

  it("resumes alike when each successor's emit runs other steps on the same model first", () => {
    // An explorer may run steps from inside emit (nested forks take other ForkPoints).
    const ir = loadFixture("fork.fl");
    const model = buildModel(ir, "Forks");
    const plain = buildModel(ir, "Forks");
    const line = (step: unknown, o: Parameters<Parameters<FlModel["successors"]>[1]>[1]) =>
      `${JSON.stringify(step)} ${o.kind} ${o.kind === "state" ? Array.from(plain.encode(o.state)) : ""}`;
    for (const s of reachable(plain, 60).states) {
      const outer: string[] = [];
      model.successors(s, (step, o) => {
        if (o.kind === "state") successorsOf(model, o.state);
        outer.push(line(step, o));
      });
      const expected: string[] = [];
      plain.successors(s, (step, o) => expected.push(line(step, o)));
      expect(outer).toEqual(expected);
    }
  });

  it("spends the step's operations as a run from the start does, so the budget ends a step alike", () => {
    // Most operations before the choose: the resumed run's meter goes on from there.
    const ir = compileText(
      "meter.fl",
      `event Go;
machine M {
  var x: int;
  start state S {
    entry { send this, Go; }
    on Go do {
      var i: int;
      while (i < 5000) { i = i + 1; }
      x = choose(2);
      i = 0;
      while (i < 5000 + x) { i = i + 1; }
    }
  }
}
test T [main = M];`,
    );
    expect(compareOn(ir, "T", 10)).toBe(4);
    const s = reachable(buildModel(ir, "T"), 1).states[0]!;
    expect(successorsOf(buildModel(ir, "T"), s).map((line) => Number(line.split(" ")[1]))).toEqual([
      10_001, 10_002,
    ]);
  });

  const files = [...flFiles(join(ROOT, "models")), ...flFiles(join(ROOT, "examples"))];
  const resumed = new Map<string, number>();
  it.each(files.map((f) => [f.slice(ROOT.length), f]))("on %s", (name, file) => {
    const ir = compileText(file, readFileSync(file, "utf8"));
    // Programs with foreign functions need their implementations loaded: fl-foreign.test.ts.
    if (ir.funs.some((f) => f.foreign)) return;
    let resumes = 0;
    for (const test of ir.tests) resumes += compareOn(ir, test.name, 300);
    resumed.set(name, resumes);
  });

  it("resumed runs on the bundled models that fork", () => {
    for (const name of ["models/bench/two-phase-tla.fl", "examples/payments-service/payments.fl"]) {
      expect(resumed.get(name), name).toBeGreaterThan(0);
    }
  });

  it("on random programs, with and without faults", () => {
    const faults = [
      undefined,
      "reorder; drop E0 at most 1; duplicate at most 1;",
      "crash T1 at most 1 then restart;",
    ];
    let resumes = 0;
    fc.assert(
      fc.property(
        fc.array(fc.nat(1000), { minLength: 8, maxLength: 40 }),
        fc.nat(faults.length - 1),
        fc.boolean(),
        (stream, f, partialOrder) => {
          const ir = compileText("random.fl", program(stream, false, true));
          resumes += compareOn(ir, "Random", 150, faults[f], partialOrder);
        },
      ),
      { seed: 1512, numRuns: 60 },
    );
    expect(resumes).toBeGreaterThan(100);
  });
});
