// The enabling rule has one home, src/fl/enabled-steps.ts; successors,
// enabledSteps (random exploration), enabledFairSteps (fairness), the
// ample-set search and strict replay all go through it. On random reachable
// states of every bundled model and example, and of random programs under
// every kind of fault, they must agree:
// - enabledSteps lists the steps successors emits, in its order (one per
//   step, not per choice), and each emitted step replays to the same outcome;
// - strict replay (apply) accepts exactly the steps successors emits: every
//   delivery, timer, drop, duplicate, crash, restart, partition and heal
//   that could be asked for is accepted iff successors emits it (equal
//   neighbouring messages being one step);
// - the fairness keys of the enabled steps are those of the emitted steps;
// - an ample set is a subset of the emitted steps.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidStepError } from "../src/fl/executor.js";
import { parseFaultsOption } from "../src/fl/fault-plan.js";
import { buildModel, type FlModel } from "../src/fl/fl-model.js";
import { compareMessages, type FlState, type FlStep } from "../src/fl/fl-state.js";
import type { IrProgram } from "../src/fl/lang-codegen.js";
import type { StepOutcome } from "../src/model.js";
import { compileText } from "./fixtures/fl/load.js";
import { program } from "./fl-random-program.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** The .fl files under `dir` that declare tests (a spec library such as examples/observe/payments.fl has none). */
function flFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".fl"))
    .map((e) => join(e.parentPath, e.name))
    .filter((f) => /^\s*test\s/m.test(readFileSync(f, "utf8")))
    .sort();
}

function outcomeKey(model: FlModel, outcome: StepOutcome<FlState>): string {
  return outcome.kind === "state"
    ? Buffer.from(model.encode(outcome.state)).toString("hex")
    : `failure: ${outcome.failure.message}`;
}

function withoutChoices(step: FlStep): string {
  const { c: _c, ...rest } = step as FlStep & { c?: number[] };
  return JSON.stringify(rest);
}

/** What identifies a step for strict replay: its kind and target, not its choices or which fault. */
function target(s: FlState, step: FlStep, reorder: boolean): string {
  switch (step.t) {
    case "deliver":
      return `deliver ${step.from}->${step.to} #${firstEqual(s, step, reorder)}`;
    case "drop":
    case "duplicate":
      // Dropping or copying either of two equal neighbours is one step, ordered network or not.
      return `${step.t} ${step.from}->${step.to} #${firstEqual(s, step, true)}`;
    case "timer":
      return `timer ${step.m} ${step.timer}`;
    case "crash":
    case "restart":
      return `${step.t} ${step.m}`;
    case "partition":
      return `partition ${step.side.join(",")}`;
    default:
      return step.t;
  }
}

/** The first of the run of messages equal to message `i` (with `equalRuns`; else `i`). */
function firstEqual(s: FlState, step: { from: number; to: number; i: number }, equalRuns: boolean): number {
  const msgs = s.channels.find((c) => c.from === step.from && c.to === step.to)!.msgs;
  let i = step.i;
  if (equalRuns) while (i > 0 && compareMessages(msgs[i - 1]!, msgs[i]!) === 0) i--;
  return i;
}

/** Every step without choices strict replay could be asked for in `s`. */
function askable(model: FlModel, s: FlState): FlStep[] {
  const steps: FlStep[] = [];
  for (const ch of s.channels) {
    for (let i = 0; i < ch.msgs.length; i++) {
      steps.push({ t: "deliver", from: ch.from, to: ch.to, i, c: [] });
      steps.push({ t: "drop", from: ch.from, to: ch.to, i });
      steps.push({ t: "duplicate", from: ch.from, to: ch.to, i });
    }
  }
  s.machines.forEach((m, id) => {
    for (const timer of model.machines[m.type]!.timers) steps.push({ t: "timer", m: id, timer, c: [] });
    steps.push({ t: "crash", m: id }, { t: "restart", m: id, c: [] });
    if (id > 0) steps.push({ t: "partition", side: [id] });
  });
  steps.push({ t: "heal" });
  return steps;
}

function accepts(model: FlModel, s: FlState, step: FlStep): boolean {
  try {
    model.apply(s, step);
    return true;
  } catch (e) {
    if (e instanceof InvalidStepError) return false;
    throw e;
  }
}

/** Checks every agreement at `s`; returns the states successors reaches. */
function agreeAt(model: FlModel, s: FlState): FlState[] {
  const emitted: { step: FlStep; key: string }[] = [];
  const next: FlState[] = [];
  model.successors(s, (step, outcome) => {
    emitted.push({ step, key: outcomeKey(model, outcome) });
    if (outcome.kind === "state") next.push(outcome.state);
  });

  // enabledSteps: the emitted steps, one per run of emissions that differ only in their choices.
  const listed: string[] = [];
  for (const { step } of emitted) {
    const bare = withoutChoices(step);
    if (!("c" in step) || listed[listed.length - 1] !== bare) listed.push(bare);
  }
  expect(model.enabledSteps(s).map(withoutChoices)).toEqual(listed);

  // Each emitted step replays strictly, to the same outcome.
  for (const { step, key } of emitted) expect(outcomeKey(model, model.apply(s, step))).toBe(key);

  // Strict replay accepts exactly what successors emits.
  const reorder = model.faults.reorder;
  const enabled = new Set(emitted.map(({ step }) => target(s, step, reorder)));
  for (const step of askable(model, s)) {
    expect(accepts(model, s, step), JSON.stringify(step)).toBe(enabled.has(target(s, step, reorder)));
  }

  // Fairness keys: those of the emitted steps that have one.
  const keys = new Set(emitted.map(({ step }) => model.fairKeyOfStep(s, step)).filter((k) => k !== null));
  expect(new Set(model.enabledFairSteps(s))).toEqual(keys);

  // An ample set is some of the emitted steps, with their outcomes.
  const ample: string[] = [];
  model.ampleSuccessors(s, (step, outcome) => ample.push(JSON.stringify([step, outcomeKey(model, outcome)])));
  const all = emitted.map(({ step, key }) => JSON.stringify([step, key]));
  for (const a of ample) expect(all).toContain(a);
  return next;
}

/** A walk from an initial state, each step picked by the next of `picks`; checks every state on the way. */
function walk(model: FlModel, picks: readonly number[]): number {
  const initial: FlState[] = [];
  model.initial((_step, outcome) => {
    if (outcome.kind === "state") initial.push(outcome.state);
  });
  let states = initial;
  let checked = 0;
  for (const pick of picks) {
    if (states.length === 0) break;
    const s = states[pick % states.length]!;
    states = agreeAt(model, s);
    checked++;
  }
  return checked;
}

/** A model per test (partial order on, so its ample sets are checked too), built on first use. */
function modelsOf(ir: IrProgram, faults?: string): (test: number) => FlModel {
  const models = new Map<number, FlModel>();
  return (i) => {
    let model = models.get(i);
    if (!model) {
      const name = ir.tests[i]!.name;
      const parsed = faults === undefined ? null : parseFaultsOption(faults, ir, name);
      if (parsed && !parsed.ok) throw new Error(parsed.message);
      model = buildModel(ir, name, { partialOrder: true, ...(parsed ? { faults: parsed.faults } : {}) });
      models.set(i, model);
    }
    return model;
  };
}

const picks = fc.array(fc.nat(), { minLength: 1, maxLength: 25 });

describe("the users of the enabling rule agree", () => {
  for (const file of [...flFiles(join(ROOT, "models")), ...flFiles(join(ROOT, "examples"))]) {
    it(`on random reachable states of ${file.slice(ROOT.length)}`, () => {
      const ir = compileText(file, readFileSync(file, "utf8"));
      const model = modelsOf(ir);
      let checked = 0;
      fc.assert(
        fc.property(fc.nat(ir.tests.length - 1), picks, (test, path) => {
          checked += walk(model(test), path);
        }),
        { seed: 1207, numRuns: 12 },
      );
      expect(checked).toBeGreaterThanOrEqual(12);
    });
  }

  it("on random reachable states of random programs, under every kind of fault", () => {
    const faults = [
      undefined,
      "reorder;",
      "reorder; drop E0 at most 1; duplicate at most 1;",
      "partition at most 1; crash T1 at most 1 then restart;",
      "drop at most 1; drop E1 at most 1; crash T0 at most 1; crash T0 at most 1 then restart;",
    ];
    fc.assert(
      fc.property(
        fc.array(fc.nat(1000), { minLength: 8, maxLength: 40 }),
        fc.nat(faults.length - 1),
        picks,
        (stream, f, path) => {
          const ir = compileText("random.fl", program(stream));
          walk(modelsOf(ir, faults[f])(0), path);
        },
      ),
      { seed: 1207, numRuns: 150 },
    );
  });
});
