// A model whose every state has `fan` successors, all new (state k's are
// k * fan + 1 ... k * fan + fan): one expansion is a lot of work. With
// `spinMs`, each successor costs that much real time; `onEmit` (in-process
// only) is called before each emission, e.g. to advance a fake clock.
// With `failAt`, the step into that state fails (an assertion of the step).
import type { Json, Model, StepOutcome } from "../../src/model.js";
import { defineModel } from "../../src/model.js";

export interface WideArgs {
  fan: number;
  spinMs?: number;
  failAt?: number;
}

export function createWideModel(args: Json, onEmit?: () => void): Model<number, Json> {
  const { fan, spinMs, failAt } = args as unknown as WideArgs;
  const bytes = new Uint8Array(8);
  const view = new DataView(bytes.buffer);
  return defineModel<number, Json>({
    name: `wide(${fan})`,
    initial(emit) {
      emit({ init: true }, { kind: "state", state: 0 });
    },
    successors(state, emit) {
      for (let k = 1; k <= fan; k++) emit(k, successor(state, k));
    },
    apply(state, step) {
      if (state === null) return { kind: "state", state: 0 };
      return successor(state, step as number);
    },
    encode(state) {
      view.setFloat64(0, state);
      return bytes;
    },
    decode(encoded) {
      return new DataView(encoded.buffer, encoded.byteOffset, 8).getFloat64(0);
    },
  });

  function successor(state: number, k: number): StepOutcome<number> {
    onEmit?.();
    if (spinMs !== undefined) {
      const until = performance.now() + spinMs;
      while (performance.now() < until) {}
    }
    const next = state * fan + k;
    if (next === failAt) {
      return {
        kind: "failure",
        failure: { kind: "assertion", property: "wide", message: `reached ${next}` },
      };
    }
    return { kind: "state", state: next };
  }
}
