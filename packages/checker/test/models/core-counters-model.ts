// Two counters, written with defineModel() and only the core members (name,
// initial, successors, apply, encode, decode): everything else is
// defineModel's defaults. Each step adds one to a counter below `n`, so the
// reachable states are the (n + 1)^2 pairs, the deepest at depth 2n. With
// `failAt`, raising x to that value fails (an assertion-like failure of the
// step), so the shortest counterexample has failAt + 1 steps (the initial
// step, then failAt increments of x). With `hot`, the model also says that a
// monitor stays hot while x < n (the LivenessProperties capability), and
// counters wrap around from n to 0 (so a cycle keeps it hot forever).
import type { Json, Model, StepOutcome } from "../../src/model.js";
import { defineModel } from "../../src/model.js";

export interface Counters {
  x: number;
  y: number;
}

export type CounterStep = { init: true } | { inc: "x" | "y" };

export interface CoreCountersArgs {
  n: number;
  failAt?: number;
  hot?: boolean;
  /** Expanding the state x = throwAt, y = throwAt throws (a model error, reported with the trace to it). */
  throwAt?: number;
  /** Each expansion busy-waits this long (a slow model, for searches that must take a while). */
  expandMs?: number;
}

export function createCoreCountersModel(args: Json): Model<Counters, CounterStep> {
  const { n, failAt, hot, throwAt, expandMs } = args as unknown as CoreCountersArgs;
  const bytes = new Uint8Array(2);
  const step = (state: Counters, counter: "x" | "y"): StepOutcome<Counters> | null => {
    const value = state[counter];
    if (value >= n && !hot) return null;
    const next = value >= n ? 0 : value + 1;
    if (counter === "x" && next === failAt) {
      return {
        kind: "failure",
        failure: { kind: "assertion", property: "x", message: `x reached ${failAt}` },
      };
    }
    return { kind: "state", state: { ...state, [counter]: next } };
  };
  const core = defineModel<Counters, CounterStep>({
    name: `counters(${n})`,
    initial(emit) {
      emit({ init: true }, { kind: "state", state: { x: 0, y: 0 } });
    },
    successors(state, emit) {
      if (state.x === throwAt && state.y === throwAt)
        throw new Error(`model bug at (${throwAt}, ${throwAt})`);
      if (expandMs !== undefined)
        for (const until = performance.now() + expandMs; performance.now() < until; );
      for (const counter of ["x", "y"] as const) {
        const outcome = step(state, counter);
        if (outcome !== null) emit({ inc: counter }, outcome);
      }
    },
    apply(state, s) {
      if (state === null) return { kind: "state", state: { x: 0, y: 0 } };
      const outcome = "inc" in s ? step(state, s.inc) : null;
      if (outcome === null) throw new Error(`step not enabled: ${JSON.stringify(s)}`);
      return outcome;
    },
    encode(state) {
      bytes[0] = state.x;
      bytes[1] = state.y;
      return bytes;
    },
    decode(encoded) {
      return { x: encoded[0]!, y: encoded[1]! };
    },
  });
  if (!hot) return core;
  return { ...core, hotMonitors: (state: Counters) => (state.x < n ? ["XBelowN"] : []) };
}
