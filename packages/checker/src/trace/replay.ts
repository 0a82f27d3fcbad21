// Replaying a trace with Model.apply: the only thing a trace needs to reproduce
// every state, whichever explorer produced it.
import { errorMessage } from "../errors.js";
import { invariantFailure } from "../failures.js";
import {
  type Failure,
  hasLivenessProperties,
  type Json,
  type Model,
  type StepLabel,
  type StepOutcome,
} from "../model.js";

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

/** A state's encoding as a string (a copy: encode may reuse its buffer). */
function stateKey<S, Step extends Json>(model: Model<S, Step>, state: S): string {
  return Buffer.from(model.encode(state)).toString("base64");
}

/**
 * Confirms a lasso: the last state's successor is `states[loop]` (or, as older
 * trace files write it, the last state repeats `states[loop]`), and a spec
 * monitor is hot there, so the cycle can repeat forever with the monitor hot.
 * Returns the liveness failure the cycle shows, or null when the states do not
 * close the loop (the model changed).
 */
export function confirmLasso<S, Step extends Json>(
  model: Model<S, Step>,
  states: readonly S[],
  loop: number,
): Failure | null {
  const close = states.length - 1;
  const last = states[close];
  const back = states[loop];
  if (last === undefined || back === undefined || loop < 0 || !hasLivenessProperties(model)) {
    return null;
  }
  const backKey = stateKey(model, back);
  let closes = loop < close && stateKey(model, last) === backKey;
  if (!closes) {
    model.successors(last, (_step, outcome) => {
      if (!closes && outcome.kind === "state" && stateKey(model, outcome.state) === backKey) closes = true;
    });
  }
  const hot = closes ? model.hotMonitors(last) : [];
  if (hot.length === 0) return null;
  return {
    kind: "liveness",
    property: hot[0]!,
    message: `spec ${hot[0]} stays hot around a cycle that repeats forever`,
  };
}
