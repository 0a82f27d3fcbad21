// Which schedules a model-based test runs: random walks, PCT (both from a
// seed, schedule i from deriveSeed(seed, i), so each replays alone) and an
// exhaustive enumeration up to a depth (each schedule a list of decisions:
// which enabled step, which environment `choose` value). The deciders here
// drive lockstep.ts; the exhaustive list is planned on the model alone, its
// own machines standing in for the implementation.
import { deriveSeed, type FlModel, type FlState, PctScheduler, Prng } from "@faultline/checker";
import type { Decider } from "./lockstep.js";

export type ScheduleSpec =
  | { name: string; kind: "random"; seed: number }
  | { name: string; kind: "pct"; seed: number; depth: number }
  | { name: string; kind: "exhaustive"; decisions: number[]; depth: number };

export interface SchedulePlan {
  /** Random walks (default 0). */
  random?: number;
  /** PCT runs (default 0), of bug depth `pctDepth` (default 3). */
  pct?: number;
  pctDepth?: number;
  /** Every schedule of at most `depth` steps, at most `max` of them (default 1,000). */
  exhaustive?: { depth: number; max?: number };
  /** The seed of the random and PCT schedules (default 1). */
  seed?: number;
}

/** The schedules of a plan, in order: exhaustive first (the short ones), then random, then PCT. */
export function planSchedules(model: FlModel, plan: SchedulePlan, maxSteps: number): ScheduleSpec[] {
  const seed = plan.seed ?? 1;
  const specs: ScheduleSpec[] = [];
  if (plan.exhaustive) {
    const all = enumerateDecisions(model, plan.exhaustive.depth, plan.exhaustive.max ?? 1000);
    const { depth } = plan.exhaustive;
    all.forEach((decisions, i) => {
      specs.push({
        name: `exhaustive #${i} decisions ${decisions.join(".")}`,
        kind: "exhaustive",
        decisions,
        depth,
      });
    });
  }
  for (let i = 0; i < (plan.random ?? 0); i++) {
    const s = deriveSeed(seed, i);
    specs.push({ name: `random #${i} seed ${s}`, kind: "random", seed: s });
  }
  const depth = plan.pctDepth ?? 3;
  for (let i = 0; i < (plan.pct ?? 0); i++) {
    const s = deriveSeed(seed, 0x7c7, i);
    specs.push({ name: `pct #${i} seed ${s} depth ${depth}`, kind: "pct", seed: s, depth });
  }
  if (maxSteps < 1) throw new RangeError("maxSteps must be at least 1");
  return specs;
}

/** The most steps `spec` runs: an exhaustive schedule its depth, the others maxSteps. */
export function stepsOf(spec: ScheduleSpec, maxSteps: number): number {
  return spec.kind === "exhaustive" ? spec.depth : maxSteps;
}

/** The decider that runs `spec`. */
export function deciderOf(spec: ScheduleSpec, maxSteps: number): Decider {
  switch (spec.kind) {
    case "random": {
      const rng = new Prng(spec.seed);
      return { pickStep: (_i, steps) => rng.below(steps.length), choose: (n) => rng.below(n) };
    }
    case "pct": {
      const rng = new Prng(spec.seed);
      const pct = new PctScheduler(rng, spec.depth, maxSteps);
      return { pickStep: (i, _steps, actors) => pct.pick(i, actors), choose: (n) => rng.below(n) };
    }
    case "exhaustive":
      return new DecisionDecider(spec.decisions);
  }
}

/** Follows a list of decisions (an index out of range counts as 0), then takes 0; records how many options each had. */
class DecisionDecider implements Decider {
  readonly taken: number[] = [];
  readonly options: number[] = [];
  constructor(private readonly decisions: readonly number[]) {}
  pickStep(_i: number, steps: readonly unknown[]): number {
    return this.decide(steps.length);
  }
  choose(n: number): number {
    return this.decide(n);
  }
  private decide(n: number): number {
    const wanted = this.decisions[this.taken.length] ?? 0;
    const v = wanted < n ? wanted : 0;
    this.taken.push(v);
    this.options.push(n);
    return v;
  }
}

/**
 * Every decision list of the model's runs of at most `depth` steps, depth
 * first, at most `max`: the model's own machines decide for the
 * implementation (their `choose` values are not decisions: the real code
 * makes them).
 */
function enumerateDecisions(model: FlModel, depth: number, max: number): number[][] {
  const out: number[][] = [];
  let prefix: number[] = [];
  while (out.length < max) {
    const decider = new DecisionDecider(prefix);
    let state: FlState | null = null;
    for (let at = 0; at < depth; at++) {
      const steps = model.enabledSteps(state);
      if (steps.length === 0) break;
      const step = steps[decider.pickStep(at, steps)]!;
      const ran = model.applyChoosing(state, step, (n) => decider.choose(n));
      if (ran.outcome.kind === "failure") break;
      state = ran.outcome.state;
    }
    out.push(decider.taken.slice());
    let k = decider.taken.length - 1;
    while (k >= 0 && decider.taken[k]! + 1 >= decider.options[k]!) k--;
    if (k < 0) break;
    prefix = [...decider.taken.slice(0, k), decider.taken[k]! + 1];
  }
  return out;
}
