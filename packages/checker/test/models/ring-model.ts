// A token ring: n nodes with one bit each and a token. The holder flips its
// bit and passes the token on; with `allowPass` it may also pass it on without
// flipping. State counts derived by hand:
// - flip only: after k steps the token is at k mod n and the bits are a
//   function of k mod 2n (each round flips every bit once; two rounds restore
//   them), and the 2n values of k in [0, 2n) give distinct (token, bits), so
//   exactly 2n distinct states, the deepest at depth 2n - 1;
// - with passing: every node may or may not flip on each visit of the token,
//   so after one round any bit pattern is reachable with the token anywhere:
//   exactly n * 2^n distinct states.
import type { Failure, Invariant, Json, Model, StepLabel, StepOutcome } from "../../src/model.js";

export interface RingState {
  token: number;
  bits: number[];
}

export type RingStep = { init: true } | { flip: number } | { pass: number };

export class RingModel implements Model<RingState, RingStep> {
  readonly name: string;
  readonly invariants: readonly Invariant<RingState>[] = [];
  private readonly n: number;
  private readonly allowPass: boolean;
  private readonly buffer: Uint8Array;

  constructor(n: number, allowPass: boolean) {
    this.n = n;
    this.allowPass = allowPass;
    this.buffer = new Uint8Array(n + 1);
    this.name = `ring(${n}${allowPass ? ", pass" : ""})`;
  }

  initial(emit: (step: RingStep, outcome: StepOutcome<RingState>) => void): void {
    emit({ init: true }, { kind: "state", state: { token: 0, bits: new Array<number>(this.n).fill(0) } });
  }

  successors(state: RingState, emit: (step: RingStep, outcome: StepOutcome<RingState>) => void): void {
    emit({ flip: state.token }, { kind: "state", state: this.flip(state) });
    if (this.allowPass) emit({ pass: state.token }, { kind: "state", state: this.pass(state) });
  }

  private flip(state: RingState): RingState {
    const bits = state.bits.slice();
    bits[state.token] = 1 - bits[state.token]!;
    return { token: (state.token + 1) % this.n, bits };
  }

  private pass(state: RingState): RingState {
    return { token: (state.token + 1) % this.n, bits: state.bits.slice() };
  }

  apply(state: RingState | null, step: RingStep): StepOutcome<RingState> {
    if (state === null)
      return { kind: "state", state: { token: 0, bits: new Array<number>(this.n).fill(0) } };
    if ("flip" in step) return { kind: "state", state: this.flip(state) };
    if ("pass" in step && this.allowPass) return { kind: "state", state: this.pass(state) };
    throw new Error(`step not enabled: ${JSON.stringify(step)}`);
  }

  terminal(): Failure | null {
    return null;
  }

  encode(state: RingState): Uint8Array {
    const buffer = this.buffer;
    buffer[0] = state.token;
    for (let i = 0; i < this.n; i++) buffer[i + 1] = state.bits[i]!;
    return buffer;
  }

  decode(bytes: Uint8Array): RingState {
    return { token: bytes[0]!, bits: Array.from(bytes.subarray(1)) };
  }

  describeStep(step: RingStep): StepLabel {
    if ("init" in step) return { kind: "init", text: "token at node 0, all bits clear" };
    if ("flip" in step)
      return { kind: "flip", text: `node ${step.flip} flips and passes`, actor: `${step.flip}` };
    return { kind: "pass", text: `node ${step.pass} passes`, actor: `${step.pass}` };
  }

  viewState(state: RingState): { token: number; bits: number[] } {
    return { token: state.token, bits: state.bits };
  }
}

/**
 * Two counters x mod a and y mod b, each step incrementing one of them:
 * exactly a * b distinct states, 2ab + 1 generated (one initial emission plus
 * two successors per state), deepest state (a-1, b-1) at depth a + b - 2.
 */
export class CounterModel implements Model<[number, number], { inc: "x" | "y" } | { init: true }> {
  readonly name = "counters";
  readonly invariants: readonly Invariant<[number, number]>[] = [];
  private readonly buffer = new Uint8Array(4);

  constructor(
    private readonly a: number,
    private readonly b: number,
  ) {}

  initial(emit: (step: { init: true }, outcome: StepOutcome<[number, number]>) => void): void {
    emit({ init: true }, { kind: "state", state: [0, 0] });
  }

  successors(
    state: [number, number],
    emit: (step: { inc: "x" | "y" }, o: StepOutcome<[number, number]>) => void,
  ) {
    emit({ inc: "x" }, { kind: "state", state: [(state[0] + 1) % this.a, state[1]] });
    emit({ inc: "y" }, { kind: "state", state: [state[0], (state[1] + 1) % this.b] });
  }

  apply(
    state: [number, number] | null,
    step: { inc: "x" | "y" } | { init: true },
  ): StepOutcome<[number, number]> {
    if (state === null || "init" in step) return { kind: "state", state: [0, 0] };
    if (step.inc === "x") return { kind: "state", state: [(state[0] + 1) % this.a, state[1]] };
    return { kind: "state", state: [state[0], (state[1] + 1) % this.b] };
  }

  terminal(): Failure | null {
    return null;
  }

  encode(state: [number, number]): Uint8Array {
    this.buffer[0] = state[0] & 0xff;
    this.buffer[1] = state[0] >>> 8;
    this.buffer[2] = state[1] & 0xff;
    this.buffer[3] = state[1] >>> 8;
    return this.buffer;
  }

  decode(bytes: Uint8Array): [number, number] {
    return [bytes[0]! | (bytes[1]! << 8), bytes[2]! | (bytes[3]! << 8)];
  }

  describeStep(step: { inc: "x" | "y" } | { init: true }): StepLabel {
    return "init" in step
      ? { kind: "init", text: "x = 0, y = 0" }
      : { kind: "inc", text: `${step.inc} += 1` };
  }

  viewState(state: [number, number]): { x: number; y: number } {
    return { x: state[0], y: state[1] };
  }
}

/** Builds a RingModel in any thread (a ModelFactory export): args { n, allowPass }. */
export function createRingModel(args: Json): RingModel {
  const { n, allowPass } = args as { n: number; allowPass: boolean };
  return new RingModel(n, allowPass);
}

/** Builds a CounterModel in any thread (a ModelFactory export): args { a, b }. */
export function createCounterModel(args: Json): CounterModel {
  const { a, b } = args as { a: number; b: number };
  return new CounterModel(a, b);
}
