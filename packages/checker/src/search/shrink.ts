// Shrinking a failing schedule to a 1-minimal one: removing any one step
// (faults are steps), removing any two steps, or lowering any chosen value
// (a `choose` result or which queued message a delivery takes) loses the
// failure. A candidate is replayed leniently: a step that no longer applies
// (its message was never sent, its machine does not exist, a choice is out of
// range) is skipped, and the replay stops at the first failure. The candidate
// is kept when that failure is the same (same kind and property) as the
// original's and the schedule got smaller: fewer steps, or as many with
// smaller choices (so shrinking always ends). Passes: delta debugging on
// chunks of steps halving down to single steps; pairs of steps (a message
// and its answer often go only together); lowering each chosen value to 0,
// half, one less. They repeat until none makes progress; a replay or time
// budget may stop them earlier, which the result says (`minimal: false`).
import { invariantFailure } from "../failures.js";
import { TemperatureGauge } from "./liveness-temperature.js";
import type { Failure, Json, Model, StepOutcome } from "../model.js";

export interface ShrinkOptions {
  /** For potential liveness failures (temperature): the threshold the monitor must still exceed. */
  temperature?: number;
  /** Most candidate replays to try (default 5000). */
  maxReplays?: number;
  /** Stop shrinking after this long (default 10 s); the best schedule so far is kept. */
  timeoutMs?: number;
  now?: () => number;
}

export interface ShrinkResult {
  steps: Json[];
  /** The failure the shrunk schedule ends in (same kind and property as the original). */
  failure: Failure;
  /** Candidate replays tried. */
  replays: number;
  elapsedMs: number;
  /** False when the original schedule did not reproduce its failure (then `steps` is the original). */
  reproduced: boolean;
  /** True when every pass ran to its end: the schedule is 1-minimal; false when a budget stopped shrinking. */
  minimal: boolean;
}

export function sameFailure(a: Failure, b: Failure): boolean {
  return a.kind === b.kind && a.property === b.property;
}

interface Replayed {
  steps: Json[];
  failure: Failure;
}

const ZERO = (): number => 0;

/**
 * Replays `steps` leniently (see the file comment). Returns the steps really
 * applied up to the first failure and that failure, or null when the replay
 * ends without one or with a different one.
 */
export function replayLeniently<S, Step extends Json>(
  model: Model<S, Step>,
  steps: readonly Json[],
  target: Failure,
  temperature?: number,
): Replayed | null {
  const applied: Json[] = [];
  const gauge = temperature === undefined ? null : new TemperatureGauge(temperature);
  let state: S | null = null;
  for (const raw of steps) {
    let step = raw as Step;
    let outcome: StepOutcome<S>;
    try {
      if (model.enabledSteps === undefined && !emittedBy(model, state, step)) continue;
      if (model.applyChoosing !== undefined) {
        const ran = model.applyChoosing(state, step, ZERO);
        step = ran.step;
        outcome = ran.outcome;
      } else {
        outcome = model.apply(state, step);
      }
    } catch {
      continue;
    }
    applied.push(step);
    if (outcome.kind === "failure") {
      return sameFailure(outcome.failure, target) ? { steps: applied, failure: outcome.failure } : null;
    }
    state = outcome.state;
    for (const invariant of model.invariants) {
      if (!invariant.holds(state)) {
        const failure = invariantFailure(invariant, state);
        return sameFailure(failure, target) ? { steps: applied, failure } : null;
      }
    }
    if (gauge !== null && model.hotMonitors !== undefined) {
      const failure = gauge.observe(model.hotMonitors(state), target.property);
      if (failure !== null && sameFailure(failure, target)) return { steps: applied, failure };
    }
  }
  if (state === null || !isStuck(model, state)) return null;
  const failure = model.terminal(state);
  return failure !== null && sameFailure(failure, target) ? { steps: applied, failure } : null;
}

/** For models without enabledSteps, apply alone may accept steps that are not enabled: ask successors. */
function emittedBy<S, Step extends Json>(model: Model<S, Step>, state: S | null, step: Step): boolean {
  const wanted = JSON.stringify(step);
  let found = false;
  const look = (emitted: Step): void => {
    if (!found && JSON.stringify(emitted) === wanted) found = true;
  };
  if (state === null) model.initial(look);
  else model.successors(state, look);
  return found;
}

function isStuck<S, Step extends Json>(model: Model<S, Step>, state: S): boolean {
  if (model.enabledSteps !== undefined) return model.enabledSteps(state).length === 0;
  let any = false;
  model.successors(state, () => {
    any = true;
  });
  return !any;
}

/**
 * Shrinks a schedule that ends in `failure` to a shorter one ending in the
 * same kind of failure of the same property. Never throws for model errors
 * (a throwing step is treated as not applicable).
 */
export function shrinkTrace<S, Step extends Json>(
  model: Model<S, Step>,
  steps: readonly Json[],
  failure: Failure,
  options: ShrinkOptions = {},
): ShrinkResult {
  const run = shrinkRun(steps, options);
  const attempt = (candidate: readonly Json[]): Replayed | null =>
    replayLeniently(model, candidate, failure, options.temperature);
  let next = run.passes.next();
  while (!next.done) next = run.passes.next(attempt(next.value));
  return run.result(next.value, failure);
}

/**
 * The same shrinking for a schedule only an asynchronous replay can judge
 * (model-based tests, where each candidate runs against a real
 * implementation): `attempt` replays a candidate leniently and returns the
 * steps really applied up to the same kind of failure, or null.
 */
export async function shrinkScheduleAsync<F>(
  steps: readonly Json[],
  failure: F,
  attempt: (candidate: readonly Json[]) => Promise<{ steps: Json[]; failure: F } | null>,
  options: Omit<ShrinkOptions, "temperature"> = {},
): Promise<Omit<ShrinkResult, "failure"> & { failure: F }> {
  const run = shrinkRun<F>(steps, options);
  let next = run.passes.next();
  while (!next.done) next = run.passes.next(await attempt(next.value));
  return run.result(next.value, failure);
}

/** Shrinking as a conversation: the passes yield candidates and are told the replay of each (null: rejected). */
function shrinkRun<F = Failure>(
  steps: readonly Json[],
  options: Omit<ShrinkOptions, "temperature">,
): {
  passes: Generator<readonly Json[], Outcome<F> | null, Candidate<F> | null>;
  result: (outcome: Outcome<F> | null, failure: F) => Omit<ShrinkResult, "failure"> & { failure: F };
} {
  const now = options.now ?? (() => performance.now());
  const start = now();
  const maxReplays = options.maxReplays ?? 5000;
  const timeout = options.timeoutMs ?? 10_000;
  let replays = 0;
  const exhausted = (): boolean => replays >= maxReplays || now() - start >= timeout;

  function* passes(): Generator<readonly Json[], Outcome<F> | null, Candidate<F> | null> {
    replays++;
    const first = yield steps;
    if (first === null || first === undefined) return null;
    let best = first;
    /** Keeps `candidate`'s replay when it is smaller than the best schedule so far. */
    function* tryCandidate(
      candidate: readonly Json[],
    ): Generator<readonly Json[], boolean, Candidate<F> | null> {
      replays++;
      const kept = yield candidate;
      if (kept === null || kept === undefined || !smaller(kept.steps, best.steps)) return false;
      best = kept;
      return true;
    }
    const current = (): Json[] => best.steps;
    let progressed = true;
    while (progressed && !exhausted()) {
      progressed = yield* removeChunks(current, tryCandidate, exhausted);
      if (!progressed && best.steps.length <= PAIR_LIMIT) {
        progressed = yield* removePairs(current, tryCandidate, exhausted);
      }
      if (!progressed) progressed = yield* lowerChoices(current, tryCandidate, exhausted);
    }
    return { best, minimal: !progressed && !exhausted() };
  }

  const result = (outcome: Outcome<F> | null, failure: F): Omit<ShrinkResult, "failure"> & { failure: F } => {
    const elapsedMs = now() - start;
    if (outcome === null) {
      return { steps: steps.slice(), failure, replays, elapsedMs, reproduced: false, minimal: false };
    }
    const { best, minimal } = outcome;
    return { steps: best.steps, failure: best.failure, replays, elapsedMs, reproduced: true, minimal };
  };
  return { passes: passes(), result };
}

interface Candidate<F> {
  steps: Json[];
  failure: F;
}

interface Outcome<F> {
  best: Candidate<F>;
  minimal: boolean;
}

/** Schedules longer than this skip the pair pass (quadratic in the length). */
const PAIR_LIMIT = 400;

/** One candidate's trial, as a sub-conversation of the passes: true when it was kept. */
type Attempt = (candidate: readonly Json[]) => Generator<readonly Json[], boolean, unknown>;

/**
 * Delta debugging: removes chunks of steps, halving their size down to one;
 * the initial step stays (nothing applies without it). True when a removal
 * was kept. Ends after a whole pass of single steps removes nothing.
 */
function* removeChunks(
  current: () => Json[],
  tryCandidate: Attempt,
  exhausted: () => boolean,
): Generator<readonly Json[], boolean, unknown> {
  let any = false;
  let chunk = Math.max(1, Math.floor((current().length - 1) / 2));
  while (!exhausted()) {
    let progressed = false;
    let at = 1;
    while (at < current().length && !exhausted()) {
      const steps = current();
      if (yield* tryCandidate([...steps.slice(0, at), ...steps.slice(at + chunk)])) progressed = any = true;
      else at += chunk;
    }
    if (chunk > 1) chunk = Math.max(1, Math.floor(chunk / 2));
    else if (!progressed) break;
  }
  return any;
}

/** Removes two steps at once (neither alone could go). True when a pair was removed. */
function* removePairs(
  current: () => Json[],
  tryCandidate: Attempt,
  exhausted: () => boolean,
): Generator<readonly Json[], boolean, unknown> {
  for (let i = 1; i < current().length && !exhausted(); i++) {
    for (let j = i + 1; j < current().length && !exhausted(); j++) {
      const steps = current();
      if (yield* tryCandidate([...steps.slice(0, i), ...steps.slice(i + 1, j), ...steps.slice(j + 1)]))
        return true;
    }
  }
  return false;
}

/**
 * Lowers each chosen value of each step, one at a time: to 0, to half, to one
 * less. True when a lowered value was kept.
 */
function* lowerChoices(
  current: () => Json[],
  tryCandidate: Attempt,
  exhausted: () => boolean,
): Generator<readonly Json[], boolean, unknown> {
  let any = false;
  for (let index = 0; index < current().length && !exhausted(); index++) {
    for (const slot of choiceSlots(current()[index])) {
      for (const lower of lowerValues(slot.value)) {
        if (exhausted()) return any;
        const steps = current();
        const candidate = steps.slice();
        candidate[index] = slot.with(steps[index] as JsonObject, lower);
        if (yield* tryCandidate(candidate)) {
          any = true;
          break;
        }
      }
    }
  }
  return any;
}

type JsonObject = { [key: string]: Json };

interface ChoiceSlot {
  value: number;
  with(step: JsonObject, value: number): JsonObject;
}

/** The chosen values of a step: each `choose` result (`c`) and a delivery's queue index (`i`). */
function choiceSlots(step: Json | undefined): ChoiceSlot[] {
  if (typeof step !== "object" || step === null || Array.isArray(step)) return [];
  const slots: ChoiceSlot[] = [];
  const c = step["c"];
  if (Array.isArray(c)) {
    c.forEach((value, position) => {
      if (typeof value !== "number" || value <= 0) return;
      slots.push({
        value,
        with: (s, lower) => {
          const choices = (s["c"] as Json[]).slice();
          choices[position] = lower;
          return { ...s, c: choices };
        },
      });
    });
  }
  const i = step["i"];
  if (typeof i === "number" && i > 0) slots.push({ value: i, with: (s, lower) => ({ ...s, i: lower }) });
  return slots;
}

/** Smaller values to try instead of `value`, smallest first. */
function lowerValues(value: number): number[] {
  return [...new Set([0, Math.floor(value / 2), value - 1])].filter((v) => v >= 0 && v < value);
}

/** The total of a schedule's chosen values (see choiceSlots). */
function choiceWeight(steps: readonly Json[]): number {
  let total = 0;
  for (const step of steps) for (const slot of choiceSlots(step)) total += slot.value;
  return total;
}

/** Fewer steps, or as many with smaller chosen values. */
function smaller(a: readonly Json[], b: readonly Json[]): boolean {
  return a.length < b.length || (a.length === b.length && choiceWeight(a) < choiceWeight(b));
}
