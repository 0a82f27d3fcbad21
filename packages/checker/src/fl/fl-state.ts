// The global state of a compiled .fl program (docs/language.md section 12).
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
// encoding a state mostly copies bytes. The cache is set by decode only (the
// objects of a finished state never change again). `fh`/`fl` cache the hash of
// those bytes, for fingerprinting a state without encoding it. Decoded parts
// may be shared by states that are not parent and child: decode takes a part
// of the state it decoded last again when the bytes are equal (codec.ts).
import { compare, type Payload, type Value } from "./lang-codegen.js";

export const UP = 0;
export const HALTED = 1;
/** Stopped by a crash fault: volatile variables are already reset, durable ones kept; may restart. */
export const CRASHED = 2;

export interface FlMachine {
  /** Index of the machine type in IrProgram.machines. */
  readonly type: number;
  /** Per-type creation index: the k of the display name `Type(k)` (derived, not encoded). */
  readonly k: number;
  /** Index of the current state in IrMachine.states. */
  state: number;
  /** UP, HALTED or CRASHED. */
  status: number;
  /** Armed timers: bit i stands for IrMachine.timers[i]. */
  timers: number;
  /** Variables by position in IrMachine.vars. */
  vars: Value[];
  /** The `new M(payload)` argument, kept for crash-restart; encoded only when the test can restart machines. */
  readonly payload: Payload;
  /** Blocked in a `receive`: how to resume (null when not blocked). */
  wait: FlWait | null;
  g: number;
  eb: Uint8Array | null;
  es: number;
  ee: number;
  /** Hash of the cached bytes (both 0 until computed; only parts with `eb` cache it). */
  fh: number;
  fl: number;
}

/**
 * A machine blocked in `receive` (executor.ts, "Blocking receive"). The step
 * that unblocks it runs the interrupted run again from its start, on the
 * machine as it was then, with every earlier `choose`, `new` and `receive`
 * result taken from `log` and every effect on other machines (sends,
 * announcements, creations) already done, so it arrives at the receive with
 * the same locals and goes on from there. Immutable once the step ends.
 */
export interface FlWait {
  /** The receive it waits in (OwnerTable.receives). */
  readonly site: number;
  /** The machine when the run began. */
  readonly state: number;
  readonly timers: number;
  readonly vars: readonly Value[];
  /** What the run was: an event delivered (its index), START (the start entry) or TIMER_RUN - t (timer t). */
  readonly trigger: number;
  readonly payload: Payload;
  /** Results so far, in order: a number for each `choose` and `new`, [event, payload] for each `receive`. */
  readonly log: readonly WaitEntry[];
  /**
   * Where it waits: for each call on the way to the receive, the call's code
   * site and the caller's locals, then the receive's site and locals. With
   * the machine's own fields, site, trigger and payload, this decides what the
   * machine does next (state, timers and log only say how it got there), so
   * the fingerprint (codec.ts) hashes it instead of them.
   */
  readonly key: readonly Value[];
}

export type WaitEntry = number | readonly [number, Payload];

/** FlWait.trigger of a start entry's run (creation and restart). */
export const START_RUN = -1;
/** FlWait.trigger of timer t's run is TIMER_RUN - t. */
export const TIMER_RUN = -2;

export interface FlMonitor {
  state: number;
  vars: Value[];
  g: number;
}

export interface FlMessage {
  readonly event: number;
  readonly payload: Payload;
}

/** Per event index: the message without payload (messages are immutable, so one object serves every program). */
const bareMessages: FlMessage[] = [];

/**
 * The one message object of an event without payload: every send and every
 * decode of it gives this object, so steps allocate nothing for it and a
 * channel rebuilt with the same messages is recognised by identity (Executor.restoreChannels).
 */
export function bareMessage(event: number): FlMessage {
  return (bareMessages[event] ??= Object.freeze({ event, payload: null }));
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
  /** Hash of the cached bytes (both 0 until computed; only parts with `eb` cache it). */
  fh: number;
  fl: number;
}

/** A channel built by a step of generation `g` (0: by decode or symmetry), with no cached bytes or hash yet. */
export function newChannel(from: number, to: number, msgs: FlMessage[], g: number): FlChannel {
  return { from, to, msgs, g, eb: null, es: 0, ee: 0, fh: 0, fl: 0 };
}

/** How channel `c` sorts against the channel (from, to): a state keeps its channels sorted by (from, to). */
export function channelOrder(c: FlChannel, from: number, to: number): number {
  return c.from - from || c.to - to;
}

/** Index of channel (from, to) in `chs` (sorted by channelOrder), or -(insertion point) - 1. */
export function channelIndex(chs: readonly FlChannel[], from: number, to: number): number {
  let lo = 0;
  let hi = chs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const d = channelOrder(chs[mid]!, from, to);
    if (d < 0) lo = mid + 1;
    else if (d > 0) hi = mid - 1;
    else return mid;
  }
  return -lo - 1;
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
  /**
   * Remaining budget of each fault of the test, by position in its fault list
   * (0 for `reorder`, which has none). Part of the state: it is what keeps the
   * space finite and the counts exact. Empty for a test without faults.
   */
  readonly budgets: readonly number[];
  /**
   * While the network is partitioned: the ids on the side without machine 0,
   * sorted (so {A}|{B,C} and {B,C}|{A} are one state). Null when connected.
   */
  readonly cut: readonly number[] | null;
}

/**
 * Steps as they appear in traces. `c` lists the value of every `choose` made
 * while running the step. Fault steps: `i` is the message's index in the
 * (from, to) channel; `f` is the fault's position in the test's fault list,
 * present only when several faults of that kind could act; `side` is the side
 * of a partition without machine 0.
 */
export type FlStep =
  | { t: "init"; c: number[] }
  | { t: "deliver"; from: number; to: number; i: number; c: number[] }
  | { t: "timer"; m: number; timer: string; c: number[] }
  | { t: "drop"; from: number; to: number; i: number; f?: number }
  | { t: "duplicate"; from: number; to: number; i: number; f?: number }
  | { t: "crash"; m: number; f?: number }
  | { t: "restart"; m: number; c: number[] }
  | { t: "partition"; side: number[] }
  | { t: "heal" };

/** Order of messages in an unordered channel (a bag, kept sorted): by event, then payload. */
export function compareMessages(a: FlMessage, b: FlMessage): number {
  if (a.event !== b.event) return a.event - b.event;
  if (a.payload === null || b.payload === null) return 0;
  return compare(a.payload, b.payload);
}

/** Message `step.i` of the channel `step.from` -> `step.to` of `s` (a delivery, drop or duplicate), if there is one. */
export function messageOf(
  s: FlState | null,
  step: { from: number; to: number; i: number },
): FlMessage | undefined {
  return s?.channels.find((c) => c.from === step.from && c.to === step.to)?.msgs[step.i];
}

/** The `c` of every step without choices (shared: most steps have none). */
export const NO_CHOICES = Object.freeze([]) as unknown as number[];
