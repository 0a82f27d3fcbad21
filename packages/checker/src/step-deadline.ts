// The check's deadline, as seen from inside one model step. Explorers read the
// clock between state expansions; a single step that runs long (a loop in a
// setup entry, a foreign function that spins) would never return to them. A
// model that can interrupt its own steps (the .fl executor consults this every
// few thousand operations, see fl/executor.ts) throws StepInterrupted once the
// deadline has passed; the explorer reports that as the model throwing, and
// `checkModel` turns such a result into `bounded` with reason `timeout`
// (boundedIfInterrupted). One deadline per thread: the check that runs sets it.
// A leaf module: anything may import it.
import type { CheckResult, CheckStats } from "./check-result.js";

let deadline = Number.POSITIVE_INFINITY;
let interrupted = false;

/** Thrown by a model step that was still running at the check's deadline. */
export class StepInterrupted extends Error {
  constructor() {
    super("the time ran out while a step was still running; the step was interrupted");
    interrupted = true;
  }
}

/** Set (a `Date.now()` time) or clear (undefined) the deadline of the steps run from now on. */
export function setStepDeadline(at: number | undefined): void {
  deadline = at ?? Number.POSITIVE_INFINITY;
  interrupted = false;
}

/** The deadline steps run under: a `Date.now()` time, or Infinity. */
export function stepDeadline(): number {
  return deadline;
}

/**
 * `result`, or `bounded` (timeout) when it is an `error` because a step was
 * interrupted at the deadline since setStepDeadline.
 */
export function boundedIfInterrupted<St extends CheckStats>(result: CheckResult<St>): CheckResult<St> {
  if (result.kind !== "error" || !interrupted) return result;
  const stats =
    result.stats ??
    ({
      distinctStates: 0,
      generatedStates: 0,
      maxDepth: 0,
      elapsedMs: 0,
      distinctStatesPerSecond: 0,
      generatedStatesPerSecond: 0,
    } as St);
  return {
    kind: "bounded",
    reason: "timeout",
    stats,
    message: "the timeout passed while a step was still running: the step was interrupted",
  };
}
