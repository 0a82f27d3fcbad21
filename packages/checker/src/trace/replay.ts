// Replaying a trace with Model.apply: the only thing a trace needs to reproduce
// every state, whichever explorer produced it.
import { errorMessage } from "../errors.js";
import { invariantFailure } from "../failures.js";
import {
  type Failure,
  hasFairness,
  hasLivenessProperties,
  type Json,
  type Model,
  type StepLabel,
  type StepOutcome,
} from "../model.js";
import { lassoFailure, neglectedKeys } from "../search/fair-cycle.js";
import { temperatureFailure } from "../search/liveness-temperature.js";

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
  /** Set when the model threw (a step that does not apply, or an internal error in the model). */
  error?: string;
  /** What the model threw, without the step number `error` adds. */
  cause?: string;
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
        cause: errorMessage(error),
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
      result.cause = errorMessage(error);
    }
  }
  return result;
}

/** The failure a search would report at `state`: a violated invariant, or a terminal failure. */
function endStateFailure<S, Step extends Json>(model: Model<S, Step>, state: S): Failure | null {
  for (const invariant of model.invariants) {
    if (!invariant.holds(state)) return invariantFailure(invariant, state);
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

/** A lasso checked again: the failure its cycle shows, or why it shows none. */
export type LassoCheck = { ok: true; failure: Failure; cycleSteps: number } | { ok: false; reason: string };

/**
 * Checks a lasso as the liveness search would have found it: `states` (the
 * states after each of `steps`, every step replayed) close a cycle at
 * `states[loop]` — the last state repeats it (as the search writes lassos),
 * or one of its successors is it — a spec monitor is hot in every state of
 * the cycle (`prefer`'s when it is one of them), and the cycle is fair under
 * the search's rule (`neglectedKeys`, when the model has fairness keys).
 * The failure is phrased as the search phrases it (`lassoFailure`).
 */
export function checkLasso<S, Step extends Json>(
  model: Model<S, Step>,
  steps: readonly Json[],
  states: readonly S[],
  loop: number,
  prefer?: string,
): LassoCheck {
  const close = states.length - 1;
  if (!Number.isInteger(loop) || loop < 0 || loop > close || states.length !== steps.length) {
    return { ok: false, reason: `its loop (${loop}) is not the index of one of its ${states.length} states` };
  }
  if (!hasLivenessProperties(model))
    return { ok: false, reason: "the model has no spec monitor to stay hot" };
  const last = states[close]!;
  const back = states[loop]!;
  const backKey = stateKey(model, back);
  let cycleStates: readonly S[];
  const closing: Step[] = [];
  if (loop < close && stateKey(model, last) === backKey) {
    cycleStates = states.slice(loop, close);
  } else {
    model.successors(last, (step, outcome) => {
      if (outcome.kind === "state" && stateKey(model, outcome.state) === backKey) closing.push(step);
    });
    if (closing.length === 0) {
      return {
        ok: false,
        reason: `the cycle does not close: no step leads from the last state back to the state after step ${loop + 1}`,
      };
    }
    cycleStates = states.slice(loop);
  }
  // The cycle's steps in the trace, each with the state it is taken from (then, for a last state
  // that only leads back, one of `closing`).
  const around: { from: S; step: Step }[] = [];
  for (let j = loop + 1; j <= close; j++) around.push({ from: states[j - 1]!, step: steps[j] as Step });
  const hot = cycleStates
    .map((state) => model.hotMonitors(state))
    .reduce((common, own) => common.filter((m) => own.includes(m)));
  if (hot.length === 0) {
    return { ok: false, reason: "no spec monitor stays hot in every state of the cycle" };
  }
  const monitor = prefer !== undefined && hot.includes(prefer) ? prefer : hot[0]!;
  const cycleSteps = around.length + (closing.length > 0 ? 1 : 0);
  if (hasFairness(model)) {
    const enabled = cycleStates.map((state) => model.enabledFairSteps(state));
    const taken = new Set<string>();
    for (const { from, step } of around) {
      const key = model.fairKeyOfStep(from, step);
      if (key !== null) taken.add(key);
    }
    // Any step back that closes the cycle will do: the cycle is fair when one makes it so.
    const options = closing.length === 0 ? [null] : closing.map((step) => model.fairKeyOfStep(last, step));
    let neglected: string[] = [];
    for (const key of options) {
      neglected = neglectedKeys(enabled, key === null ? taken : new Set([...taken, key]));
      if (neglected.length === 0) break;
    }
    if (neglected.length > 0) {
      return {
        ok: false,
        reason:
          `the cycle is not fair: ${neglected.map((k) => `\`${fairStepText(model, back, k)}\``).join(", ")} ` +
          `${neglected.length === 1 ? "is" : "are"} enabled in every state of the cycle but never taken on it, ` +
          "and weak fairness rules such a run out",
      };
    }
  }
  return { ok: true, failure: lassoFailure(model, monitor, back, cycleSteps), cycleSteps };
}

/** A step enabled in `state` that takes fairness key `key`, as the model labels it; the key itself when none does. */
function fairStepText<S, Step extends Json>(
  model: Model<S, Step> & Required<Pick<Model<S, Step>, "fairKeyOfStep">>,
  state: S,
  key: string,
): string {
  let text: string | null = null;
  try {
    model.successors(state, (step, outcome) => {
      if (text !== null || model.fairKeyOfStep(state, step) !== key) return;
      text = safeLabel(model, step, state, outcome.kind === "state" ? outcome.state : null).text;
    });
  } catch {
    // The key is text enough.
  }
  return text ?? key;
}

/** checkLasso's failure, or null when the lasso does not show one. */
export function confirmLasso<S, Step extends Json>(
  model: Model<S, Step>,
  states: readonly S[],
  loop: number,
  steps: readonly Json[],
): Failure | null {
  const checked = checkLasso(model, steps, states, loop);
  return checked.ok ? checked.failure : null;
}

/** What a trace file recorded about its run, for checkReplay to compare with. */
export interface RecordedRun {
  /** The failure the trace was saved for (none for a path saved from the explorer without one). */
  failure?: Failure;
  /** A lasso's loop: the index of the state the last state loops back to. */
  loop?: number;
}

/** The fields of a failure that replay compares (the location is not: it moves when the file is edited). */
export type FailureField = "kind" | "property" | "message";

/** How a replay compares with what the trace recorded. */
export type ReplayVerdict =
  /** A step could not be replayed: `step` (1-based) does not apply, or the model threw on it. */
  | { kind: "stopped"; step: number; cause: string }
  /** The recorded failure, found again: same kind, property and message. */
  | { kind: "reproduced"; failure: Failure }
  /** No failure was recorded, and the replay finds this one. */
  | { kind: "failure"; failure: Failure }
  /** A failure, but not the recorded one (`early`: it happens at that step, before the trace's last). */
  | { kind: "different"; failure: Failure; recorded: Failure; differences: FailureField[]; early?: number }
  /** The recorded failure is not there any more. */
  | { kind: "not-reproduced"; recorded: Failure; reason: string }
  /** Nothing recorded, nothing found. */
  | { kind: "no-failure" };

export interface ReplayCheck<S> {
  replay: ReplayResult<S>;
  verdict: ReplayVerdict;
  /** The failure is the lasso's (its loop confirmed by checkLasso). */
  lasso: boolean;
}

/**
 * Replays `steps` and compares what they show with what the trace recorded.
 * The failure found is the end's (a step's failure, an invariant, a terminal
 * failure: replayTrace); else, with a `loop`, the lasso's (checkLasso); else,
 * for a recorded liveness failure without a loop (random search's
 * temperature), the monitor's hot stretch at the end (temperatureFailure).
 * It equals the recorded failure when their kind, property and message are
 * the same (failureDifferences).
 */
export function checkReplay<S, Step extends Json>(
  model: Model<S, Step>,
  steps: readonly Json[],
  recorded: RecordedRun,
): ReplayCheck<S> {
  const replay = replayTrace(model, steps);
  const done = (verdict: ReplayVerdict, lasso = false): ReplayCheck<S> => ({ replay, verdict, lasso });
  if (replay.error !== undefined) {
    return done({
      kind: "stopped",
      step: Math.min(replay.replayed + 1, steps.length),
      cause: replay.cause ?? replay.error,
    });
  }
  let found: Failure | undefined = replay.failure;
  let lasso = false;
  let reason = "it replays to the end, and its last state violates nothing";
  if (found === undefined && recorded.loop !== undefined) {
    const checked = checkLasso(model, steps, replay.states, recorded.loop, recorded.failure?.property);
    if (checked.ok) {
      found = checked.failure;
      lasso = true;
    } else {
      reason = `it replays to the end, but ${checked.reason}`;
    }
  } else if (found === undefined && recorded.failure?.kind === "liveness") {
    const monitor = recorded.failure.property;
    const stretch = hotStretch(model, replay.states, monitor);
    if (stretch > 0) found = temperatureFailure(monitor, stretch - 1);
    else reason = `it replays to the end, and spec ${monitor} is not hot in its last state`;
  }
  if (recorded.failure === undefined) {
    return done(found === undefined ? { kind: "no-failure" } : { kind: "failure", failure: found }, lasso);
  }
  if (found === undefined) return done({ kind: "not-reproduced", recorded: recorded.failure, reason });
  const differences = failureDifferences(recorded.failure, found);
  const early = replay.replayed < steps.length ? replay.replayed : undefined;
  if (differences.length === 0 && early === undefined)
    return done({ kind: "reproduced", failure: found }, lasso);
  const verdict: ReplayVerdict = {
    kind: "different",
    failure: found,
    recorded: recorded.failure,
    differences,
  };
  if (early !== undefined) verdict.early = early;
  return done(verdict, lasso);
}

/** The fields in which two failures differ: kind, property, message (not the source location). */
export function failureDifferences(recorded: Failure, found: Failure): FailureField[] {
  return (["kind", "property", "message"] as const).filter((field) => recorded[field] !== found[field]);
}

/** For how many states in a row, up to the last, spec `monitor` is hot. */
function hotStretch<S, Step extends Json>(
  model: Model<S, Step>,
  states: readonly S[],
  monitor: string,
): number {
  if (!hasLivenessProperties(model)) return 0;
  let stretch = 0;
  for (let i = states.length - 1; i >= 0 && model.hotMonitors(states[i]!).includes(monitor); i--) stretch++;
  return stretch;
}
