// Counterexamples from parent links (ADR 0003): a search stores, per state, its
// parent and the emission ref of the step that found it, never the steps. A
// trace is rebuilt by walking the links to the root and re-running the model
// along the path, taking the emission each ref names. The single-threaded
// explorer, the parallel coordinator (over its workers' links) and the liveness
// check (prefix and cycle of a lasso) all rebuild their traces here, so a model
// that does not replay as it explored gives the same `error` everywhere.
import type { Emit, Json, Model } from "../model.js";
import type { Trace } from "../trace/trace.js";
import { ModelInconsistency, NO_STATE } from "./core.js";

/** Where a state was found from: its parent and the emission ref of the step, by state id or ref. */
export interface ParentLinks {
  parentOf(state: number): number;
  refOf(state: number): number;
}

/**
 * The step that emission ref `ref` names from `state` (null: among the initial
 * steps), with a copy of its target's encoding (null for a failing step), or
 * null when the model no longer emits it. Encoding at once keeps this correct
 * for models that reuse state objects between emissions.
 */
export function pickEmission<S, Step extends Json>(
  model: Model<S, Step>,
  state: S | null,
  ref: number,
): { step: Step; bytes: Uint8Array | null } | null {
  const k = ref >= 0 ? ref : -ref - 1;
  let seen = 0;
  let picked: { step: Step; bytes: Uint8Array | null } | null = null;
  const take: Emit<S, Step> = (step, outcome) => {
    if (seen++ !== k) return;
    picked = { step, bytes: outcome.kind === "state" ? model.encode(outcome.state).slice() : null };
  };
  if (state === null) model.initial(take);
  else if (ref >= 0) model.successors(state, take);
  else model.ampleSuccessors?.(state, take);
  return picked;
}

/** How an inconsistency message names an emission ref. */
export function emissionText(ref: number): string {
  return ref >= 0 ? `successor #${ref}` : `ample successor #${-ref - 1}`;
}

/** The emission refs of the steps from before the initial state to `state`, walking `links` up to `root`. */
export function emissionPath(links: ParentLinks, state: number, root = NO_STATE): number[] {
  const refs: number[] = [];
  for (let at = state; at !== root; at = links.parentOf(at)) refs.push(links.refOf(at));
  return refs.reverse();
}

/**
 * Replays `path` (emission refs from before the initial state, each step
 * reaching a state) and then `extraStep`, which must fail, when not null.
 * Returns the steps and the last state reached. Throws ModelInconsistency
 * when the model does not emit what the search saw; `what` names the trace in
 * that message.
 */
export function rebuildTrace<S, Step extends Json>(
  model: Model<S, Step>,
  path: readonly number[],
  extraStep: number | null,
  what = "the counterexample",
): { trace: Trace; last: S | null } {
  const steps: Json[] = [];
  const pick = (state: S | null, ref: number) => {
    const picked = pickEmission(model, state, ref);
    if (picked === null) {
      throw new ModelInconsistency(
        `model is not deterministic: replaying ${what}, step ${steps.length + 1} (${emissionText(ref)}) no longer exists`,
      );
    }
    return picked;
  };
  let state: S | null = null;
  for (const ref of path) {
    const picked = pick(state, ref);
    steps.push(picked.step);
    if (picked.bytes === null) {
      throw new ModelInconsistency(
        `model is not deterministic: replaying ${what}, step ${steps.length} failed although the search reached a state through it`,
      );
    }
    // Decode as the search did, so successors see the state exactly as it was expanded.
    state = model.decode(picked.bytes);
  }
  if (extraStep !== null) {
    const picked = pick(state, extraStep);
    if (picked.bytes !== null) {
      throw new ModelInconsistency(
        `model is not deterministic: replaying ${what}, step ${steps.length + 1} no longer fails`,
      );
    }
    steps.push(picked.step);
  }
  return { trace: { steps }, last: state };
}
