// The global state of a compiled .fl program (DESIGN.md section 3).
//
// States are immutable once built: a step copies only what it changes (the
// machines array and the machine that ran, the channels it touched), and
// shares everything else, values included (values are immutable too). The `g`
// stamps implement that copy-on-write: an object whose `g` equals the running
// step's stamp was created by that step and may be mutated by it; anything
// else is copied first. Stamps are not part of the state (encode ignores them).
//
// Machines and channels also cache their own encoded bytes (`eb` from `es` to
// `ee`): a successor shares all but one or two of them with its parent, so
// encoding a state mostly copies bytes. The cache is set by encode/decode on
// finished states only (their objects never change again).
import type { Payload, Value } from "./lang-codegen.js";

export const UP = 0;
export const HALTED = 1;
/** Reserved for the faults issue: a crashed instance (may restart). */
export const CRASHED = 2;

export interface FlMachine {
  /** Index of the machine type in IrProgram.machines. */
  readonly type: number;
  /** Per-type creation index: the k of the display name `Type(k)` (derived, not encoded). */
  readonly k: number;
  /** Index of the current state in IrMachine.states. */
  state: number;
  /** UP, HALTED (CRASHED with faults). */
  status: number;
  /** Armed timers: bit i stands for IrMachine.timers[i]. */
  timers: number;
  /** Variables by position in IrMachine.vars. */
  vars: Value[];
  /** The `new M(payload)` argument, kept for crash-restart (faults issue); encoded only when restarts exist. */
  readonly payload: Payload;
  g: number;
  eb: Uint8Array | null;
  es: number;
  ee: number;
}

export interface FlMonitor {
  state: number;
  vars: Value[];
  g: number;
}

export interface FlMessage {
  readonly event: number;
  readonly payload: Payload;
}

/** The FIFO queue of messages from one machine to another. Only non-empty channels are kept. */
export interface FlChannel {
  readonly from: number;
  readonly to: number;
  msgs: FlMessage[];
  g: number;
  eb: Uint8Array | null;
  es: number;
  ee: number;
}

export interface FlState {
  /** Machine instances by global creation id. */
  readonly machines: readonly FlMachine[];
  /** The test's asserted spec monitors, in the order of the test's assert list. */
  readonly monitors: readonly FlMonitor[];
  /** Non-empty channels sorted by (from, to). */
  readonly channels: readonly FlChannel[];
  /** Ids of the instances of each machine type (derived from machines; shared between states). */
  readonly byType: readonly (readonly number[])[];
}

/** Steps as they appear in traces. `c` lists the value of every `choose` made while running the step. */
export type FlStep =
  | { t: "init"; c: number[] }
  | { t: "deliver"; from: number; to: number; i: number; c: number[] }
  | { t: "timer"; m: number; timer: string; c: number[] };
