// Replaying one step of a trace (Model.apply): strict, so a step that is not
// enabled in the state (enabled-steps.ts decides) or whose choices are out of
// range throws InvalidStepError instead of producing a state.
import type { StepOutcome } from "../model.js";
import { type Executor, InvalidStepError } from "./executor.js";
import type { FlState, FlStep } from "./fl-state.js";
import type { OwnerTable } from "./program-tables.js";

export function applyStep(
  ex: Executor,
  machines: readonly OwnerTable[],
  s: FlState | null,
  step: FlStep,
): StepOutcome<FlState> {
  const c = "c" in step && Array.isArray(step.c) ? step.c : [];
  if (step.t !== "init" && s === null) throw new InvalidStepError(`${step.t} needs a state`);
  const f = "f" in step && typeof step.f === "number" ? step.f : undefined;
  switch (step.t) {
    case "drop":
      return ex.runDrop(s!, step.from, step.to, step.i, f);
    case "duplicate":
      return ex.runDuplicate(s!, step.from, step.to, step.i, f);
    case "crash":
      return ex.runCrash(s!, step.m, f);
    case "restart":
      return ex.runRestart(s!, step.m, c);
    case "partition":
      if (!Array.isArray(step.side)) throw new InvalidStepError("partition needs a side");
      return ex.runPartition(s!, step.side);
    case "heal":
      return ex.runHeal(s!);
    case "init":
      if (s !== null) throw new InvalidStepError("init applies only before the initial state");
      return ex.runInit(c);
    case "deliver":
      if (s === null) throw new InvalidStepError("deliver needs a state");
      return ex.runDeliver(s, step.from, step.to, step.i, c, true);
    case "timer": {
      if (s === null) throw new InvalidStepError("timer needs a state");
      const m = s.machines[step.m];
      if (!m) throw new InvalidStepError(`no machine ${step.m}`);
      const t = machines[m.type]!.timers.indexOf(step.timer);
      if (t < 0) throw new InvalidStepError(`machine ${step.m} has no timer ${step.timer}`);
      return ex.runTimer(s, step.m, t, c);
    }
    default:
      throw new InvalidStepError(`unknown step ${JSON.stringify(step)}`);
  }
}
