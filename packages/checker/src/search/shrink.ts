// Shrinking a failing schedule: delta debugging on the list of steps. A
// candidate removes a chunk of steps and is replayed leniently: a step that no
// longer applies (its message was never sent, its machine does not exist, a
// choice is out of range) is skipped, and the replay stops at the first
// failure. The candidate is kept when that failure is the same (same kind and
// property) as the original's; what was really applied, cut at the failure,
// becomes the new schedule. Chunks halve down to single steps, and the pass of
// single steps repeats until nothing more can go. A last pass resets choose
// values to 0 where the failure survives, so the story reads simply.
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
        const failure = invariantFailure(invariant);
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
  const now = options.now ?? (() => performance.now());
  const start = now();
  const maxReplays = options.maxReplays ?? 5000;
  const timeout = options.timeoutMs ?? 10_000;
  let replays = 0;
  const attempt = (candidate: readonly Json[]): Replayed | null => {
    replays++;
    return replayLeniently(model, candidate, failure, options.temperature);
  };
  const exhausted = (): boolean => replays >= maxReplays || now() - start >= timeout;

  const first = attempt(steps);
  if (first === null) {
    return { steps: steps.slice(), failure, replays, elapsedMs: now() - start, reproduced: false };
  }
  let best = first;

  // Remove chunks, halving their size; keep the initial step (nothing applies without it).
  let chunk = Math.max(1, Math.floor((best.steps.length - 1) / 2));
  while (!exhausted()) {
    let progressed = false;
    let at = 1;
    while (at < best.steps.length && !exhausted()) {
      const candidate = [...best.steps.slice(0, at), ...best.steps.slice(at + chunk)];
      const kept = attempt(candidate);
      if (kept !== null && kept.steps.length < best.steps.length) {
        best = kept;
        progressed = true;
      } else {
        at += chunk;
      }
    }
    if (chunk > 1) chunk = Math.max(1, Math.floor(chunk / 2));
    else if (!progressed) break;
  }

  // Simplest choices: try each step's `choose` values at 0.
  for (let i = 0; i < best.steps.length && !exhausted(); i++) {
    const step = best.steps[i];
    if (!hasNonZeroChoices(step)) continue;
    const candidate = best.steps.slice();
    candidate[i] = { ...(step as { [key: string]: Json }), c: [] };
    const kept = attempt(candidate);
    if (kept !== null && kept.steps.length <= best.steps.length) best = kept;
  }
  return { steps: best.steps, failure: best.failure, replays, elapsedMs: now() - start, reproduced: true };
}

function hasNonZeroChoices(step: Json | undefined): boolean {
  if (typeof step !== "object" || step === null || Array.isArray(step)) return false;
  const c = step["c"];
  return Array.isArray(c) && c.some((v) => v !== 0);
}
