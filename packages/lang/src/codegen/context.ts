// The contract between generated handler code and the checker's runtime.
//
// Every generated function takes the context first. Machine and spec code also
// takes `self`, the running instance's variables (an array indexed by the
// variable's position; the runtime hands each step a private copy, so code may
// assign `self[i]` in place).
//
// Control flow: `goto`, `raise` and `halt` end the running handler. In a state's
// action (entry, exit, `on ... do`, `with`) the generated code is
// `return ctx.goto(...)`; inside a function, which may be called from anywhere
// in an action, it is `throw ctx.goto(...)`: the runtime catches the returned
// CONTROL sentinel at the action boundary (throwing is only ever used for this
// and for failures, never on the common path).
import type { Payload, Value } from "./runtime.js";

/** Returned (or thrown, from functions) by goto/raise/halt. */
export interface ControlTransfer {
  readonly control: true;
}

/** The rest of an action after a `fork`ed choose: the value chosen, and the locals as they were. */
export type ResumeFn<Self = Value[]> = (
  ctx: FlContext,
  self: Self,
  chosen: number,
  locals: readonly unknown[],
) => void;

export interface FlContext {
  /** `this`: the running machine's id (-1 in spec monitors and invariants). */
  readonly this: number;
  /** The program's `param` constants for the running test, by declaration order. */
  readonly params: readonly Value[];

  send(target: number, event: number, payload: Payload, site: number): void;
  announce(event: number, payload: Payload): void;
  raise(event: number, payload: Payload): ControlTransfer;
  goto(state: number, payload: Payload): ControlTransfer;
  halt(): ControlTransfer;
  /** `new M(payload)`: creates the instance and runs its start entry now; returns its id. */
  newMachine(machine: number, payload: Payload, site: number): number;

  /** A value in 0..n-1; each one is a separate successor. */
  choose(n: number, site: number): number;
  /** `$` and `choose()`. */
  chooseBool(site: number): boolean;
  /**
   * A `choose` that is the first thing a statement of an action's own body
   * evaluates (outside loops), over `n` options: `resume` is the rest of the
   * action from that statement on, `locals` the locals in scope there. The
   * runtime either answers as `choose` does (a value in 0..n-1, and the
   * action goes on), or returns -1: the action returns at once, and the
   * runtime later runs `resume(ctx, self, v, locals)` once for each value v,
   * each from a copy of the state as it was at the choose, instead of running
   * the action again from its start for each value (ADR 0015).
   */
  fork<Self>(n: number, site: number, resume: ResumeFn<Self>, locals: readonly unknown[]): number;

  /** A value as `.fl` text, as the checker prints values (`str`, `format`); `site`'s type says how. */
  text(value: Value, site: number): string;
  /** `print`: a log line of the running step (shown in traces); no effect on state. */
  print(text: string): void;

  /**
   * `receive`: the event and payload that ended the wait at the running
   * machine's receive `site` (IrMachine.receives). The first time the runtime
   * reaches a site it throws (the machine blocks, keeping its variables); the
   * delivery that unblocks it re-runs the step's code from its start with
   * every earlier effect replayed rather than repeated, and this call returns.
   */
  receive(site: number, at: number, frame: readonly Value[]): readonly [number, Payload];
  /**
   * A call to a machine function that may reach a `receive`: `frame` is the
   * caller's locals at code site `at`. Where a blocked machine waits is the
   * chain of such frames and the receive's own; two states that wait at the
   * same chain with the same frames and variables continue alike, so the
   * checker counts them as one state. `exact` false: the caller's statement
   * may hold values no frame shows (another call's result, a choice), so the
   * wait is told apart by the run's whole history instead.
   */
  via<T>(at: number, frame: readonly Value[], call: () => T, exact?: boolean): T;

  /** Throws the assertion failure. */
  assertFailed(site: number, message: string | null): never;
  startTimer(timer: number): void;
  cancelTimer(timer: number): void;
  /**
   * Called at the start of every function and action run and of every loop
   * iteration: one operation of the step's budget (runtime.ts `meter`; a
   * runaway step is an error located at the last site that ticked).
   */
  tick(site: number): void;

  // Queries over the global state, for invariants.
  /** Ids of every instance of machine type `machine`, in creation order. */
  instances(machine: number): readonly number[];
  machineVar(ref: number, machine: number, variable: number, site: number): Value;
  inState(ref: number, machine: number, state: number, site: number): boolean;
  /** Messages of `event` in flight, all of them or only those addressed to `target`. */
  inflight(event: number, target?: number): number;
}
