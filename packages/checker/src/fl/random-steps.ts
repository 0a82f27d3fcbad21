// Random exploration and shrinking (ADR 0005): the steps enabled in a state,
// listed without running them, and running one step while a chooser picks
// its `choose` values.
import type { StepOutcome } from "../model.js";
import { applyStep } from "./apply-step.js";
import type { FlParts } from "./build-model.js";
import { choicesMade } from "./executor.js";
import { ALL_STEPS } from "./enabled-steps.js";
import { type FlState, type FlStep, NO_CHOICES } from "./fl-state.js";

/** The steps enabled in `s`, as successors emits them but without running them or making choices. */
export function enabledSteps(p: FlParts, s: FlState | null): FlStep[] {
  if (s === null) return [{ t: "init", c: NO_CHOICES }];
  return p.enabled.map(s, ALL_STEPS, (kind, a, b, f) => p.enabled.stepOf(s, kind, a, b, f));
}

/**
 * Runs `step` with its recorded choices first and `choose(n)` for every
 * further `choose`; returns the step carrying exactly the values made.
 */
export function applyChoosing(
  p: FlParts,
  s: FlState | null,
  step: FlStep,
  choose: (options: number) => number,
): { step: FlStep; outcome: StepOutcome<FlState> } {
  const ex = p.ex;
  ex.chooser = choose;
  let outcome: StepOutcome<FlState>;
  try {
    outcome = applyStep(ex, p.machines, s, step);
  } finally {
    ex.chooser = null;
  }
  if (!("c" in step)) return { step, outcome };
  const n = ex.nChoices;
  return { step: { ...step, c: choicesMade(ex.values, n) }, outcome };
}

/** PCT's scheduling unit: the machine that runs a delivery or timer; the environment for faults. */
export function stepActor(step: FlStep): string {
  switch (step.t) {
    case "deliver":
      return `m${step.to}`;
    case "timer":
      return `m${step.m}`;
    case "init":
      return "init";
    default:
      return "faults";
  }
}
