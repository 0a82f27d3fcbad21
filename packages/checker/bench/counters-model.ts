// A fast hand-written model whose exact state count is known: `n` counters,
// each from 0 to bound - 1, a step increments one counter that is below its
// bound. Every vector of counter values is reachable, so there are exactly
// bound^n distinct states (4 counters to 100: 100,000,000), and about n
// successors per state, most of them already known. For the explorer's
// memory and speed at scale (huge-bench.ts), not for unit tests.
import type { Failure, Invariant, Json, Model, StepLabel, StepOutcome } from "../src/model.js";

export type CountersStep = { init: true } | { inc: number };

export class CountersModel implements Model<Uint8Array, CountersStep> {
  readonly name: string;
  readonly invariants: readonly Invariant<Uint8Array>[];
  private readonly steps: CountersStep[] = [];

  constructor(
    readonly n: number,
    readonly bound: number,
  ) {
    if (n < 1 || bound < 1 || bound > 256) throw new Error("CountersModel: n >= 1, 1 <= bound <= 256");
    this.name = `Counters(${n}, ${bound})`;
    for (let i = 0; i < n; i++) this.steps.push({ inc: i });
    // Holds everywhere; it makes the explorer run a predicate per new state, as a real model does.
    this.invariants = [{ name: "InBounds", holds: (s) => s.every((v) => v < bound) }];
  }

  /** bound^n, the exact number of distinct states. */
  get stateCount(): number {
    return this.bound ** this.n;
  }

  initial(emit: (step: CountersStep, outcome: StepOutcome<Uint8Array>) => void): void {
    emit({ init: true }, { kind: "state", state: new Uint8Array(this.n) });
  }

  successors(state: Uint8Array, emit: (step: CountersStep, outcome: StepOutcome<Uint8Array>) => void): void {
    const top = this.bound - 1;
    for (let i = 0; i < this.n; i++) {
      if (state[i]! >= top) continue;
      const next = state.slice();
      next[i]!++;
      emit(this.steps[i]!, { kind: "state", state: next });
    }
  }

  apply(state: Uint8Array | null, step: CountersStep): StepOutcome<Uint8Array> {
    if (state === null) return { kind: "state", state: new Uint8Array(this.n) };
    if ("init" in step) throw new Error("init after the start");
    const next = state.slice();
    next[step.inc]!++;
    return { kind: "state", state: next };
  }

  terminal(): Failure | null {
    return null;
  }

  encode(state: Uint8Array): Uint8Array {
    return state;
  }

  decode(bytes: Uint8Array): Uint8Array {
    return bytes.slice();
  }

  describeStep(step: CountersStep): StepLabel {
    return "init" in step ? { kind: "init", text: "init" } : { kind: "inc", text: `inc ${step.inc}` };
  }

  viewState(state: Uint8Array): { counters: number[] } {
    return { counters: Array.from(state) };
  }
}

/** A ModelFactory export (worker threads build the model with it): args { n, bound }. */
export function createCountersModel(args: Json): CountersModel {
  const { n, bound } = args as { n: number; bound: number };
  return new CountersModel(n, bound);
}
