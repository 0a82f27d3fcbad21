// One home for what makes a cycle a liveness violation, used by the liveness
// search (liveness.ts: components, and the lasso it reports) and by replay
// (trace/replay.ts: a saved lasso, checked again): weak fairness on a cycle,
// and the failure a fair hot cycle is reported as.
import type { Failure, Json, Model } from "../model.js";

/**
 * Weak fairness on a cycle (ADR 0005, docs/random-and-liveness.md): a run
 * that goes around the cycle forever must take every fairness key enabled in
 * all the cycle's states. Returns those keys that no step of the cycle takes,
 * in the order of the first state's keys: the cycle is fair iff there is none.
 * `enabledInEachState` holds, for each state of the cycle, the keys enabled
 * there; `taken` the keys of the cycle's steps.
 */
export function neglectedKeys<K>(enabledInEachState: Iterable<Iterable<K>>, taken: ReadonlySet<K>): K[] {
  let common: K[] | null = null;
  for (const keys of enabledInEachState) {
    if (common === null) {
      common = [...new Set(keys)];
    } else {
      const own = new Set(keys);
      common = common.filter((k) => own.has(k));
    }
    if (common.length === 0) return [];
  }
  return (common ?? []).filter((k) => !taken.has(k));
}

/**
 * The liveness failure of a fair cycle of `cycleSteps` steps on which spec
 * `monitor` stays hot; `onCycle` is a state of the cycle (the lasso's loop
 * state), whose view names the monitor's hot state when the model shows
 * monitors (as FlModel does).
 */
export function lassoFailure<S, Step extends Json>(
  model: Model<S, Step>,
  monitor: string,
  onCycle: S | null,
  cycleSteps: number,
): Failure {
  const where = onCycle === null ? null : hotStateName(model, onCycle, monitor);
  return {
    kind: "liveness",
    property: monitor,
    message:
      `spec ${monitor} can stay hot forever${where === null ? "" : ` (in ${where})`}: ` +
      `a fair cycle of ${cycleSteps} step${cycleSteps === 1 ? "" : "s"} never cools it`,
  };
}

function hotStateName<S, Step extends Json>(model: Model<S, Step>, state: S, monitor: string): string | null {
  try {
    const monitors = model.viewState(state)["monitors"];
    const view =
      typeof monitors === "object" && monitors !== null && !Array.isArray(monitors)
        ? monitors[monitor]
        : null;
    const name = typeof view === "object" && view !== null && !Array.isArray(view) ? view["state"] : null;
    return typeof name === "string" ? `hot state ${name}` : null;
  } catch {
    return null;
  }
}
