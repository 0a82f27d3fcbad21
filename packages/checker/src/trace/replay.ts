// Replaying a trace with Model.apply: the only thing a trace needs to reproduce
// every state, whichever explorer produced it.
import { errorMessage } from "../errors.js";
import { invariantFailure } from "../failures.js";
import type { Failure, Json, Model, StepLabel, StepOutcome } from "../model.js";

export interface ReplayResult<S> {
  /** The state after each step that produced one, in order. */
  states: S[];
  /** One label per step replayed, the failing step included. */
  labels: StepLabel[];
  /** The last replayed step's outcome (undefined for an empty trace or when apply threw). */
  outcome?: StepOutcome<S>;
  /**
   * The failure the trace ends in: the last step's failure, else an invariant
   * violated in the last state, else the model's terminal failure when the last
   * state has no successor (deadlock, hot-at-end).
   */
  failure?: Failure;
  /** Number of steps applied; less than the trace length when a step failed early or apply threw. */
  replayed: number;
  /** Set when the model threw (an internal error in the model). */
  error?: string;
}

/**
 * Replays `steps` from before the initial state. Stops at the first failing
 * step: a failure is a final outcome, later steps cannot follow it.
 */
export function replayTrace<S, Step extends Json>(
  model: Model<S, Step>,
  steps: readonly Json[],
): ReplayResult<S> {
  const states: S[] = [];
  const labels: StepLabel[] = [];
  let current: S | null = null;
  let outcome: StepOutcome<S> | undefined;
  for (let index = 0; index < steps.length; index++) {
    const step = steps[index] as Step;
    try {
      outcome = model.apply(current, step);
    } catch (error) {
      labels.push(safeLabel(model, step, current, null));
      return {
        states,
        labels,
        replayed: index,
        error: `step ${index + 1}: model threw: ${errorMessage(error)}`,
      };
    }
    const after = outcome.kind === "state" ? outcome.state : (outcome.state ?? null);
    labels.push(safeLabel(model, step, current, after));
    if (outcome.kind === "failure") {
      if (outcome.state !== undefined) states.push(outcome.state);
      return { states, labels, outcome, failure: outcome.failure, replayed: index + 1 };
    }
    states.push(outcome.state);
    current = outcome.state;
  }
  const result: ReplayResult<S> = { states, labels, outcome, replayed: steps.length };
  if (current !== null) {
    try {
      const failure = endStateFailure(model, current);
      if (failure !== null) result.failure = failure;
    } catch (error) {
      result.error = `checking the last state: model threw: ${errorMessage(error)}`;
    }
  }
  return result;
}

/** The failure a search would report at `state`: a violated invariant, or a terminal failure. */
function endStateFailure<S, Step extends Json>(model: Model<S, Step>, state: S): Failure | null {
  for (const invariant of model.invariants) {
    if (!invariant.holds(state)) return invariantFailure(invariant);
  }
  let successors = 0;
  model.successors(state, () => {
    successors++;
  });
  return successors === 0 ? model.terminal(state) : null;
}

function safeLabel<S, Step extends Json>(
  model: Model<S, Step>,
  step: Step,
  before: S | null,
  after: S | null,
): StepLabel {
  try {
    return model.describeStep(step, before, after);
  } catch (error) {
    return { kind: "unknown", text: `${JSON.stringify(step)} (describeStep threw: ${errorMessage(error)})` };
  }
}
