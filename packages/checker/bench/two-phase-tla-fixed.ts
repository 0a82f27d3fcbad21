// models/bench/two-phase-tla.fl's TwoPhase on a fixed-width layout of its
// state, with the byte back end's machinery around each step: a measurement
// for ADR 0015's next question, how much of the gap between the generated
// code (canonical encoding) and the hand-packed model is the layout, and how
// much the delivery machinery around each step.
//
// The state, `rms + 8` bytes at offsets known in advance (no varints, nothing
// moves): rmState (a byte each), tmState, tmPrepared and preparedMsgs as
// 16-bit masks, commitMsg, abortMsg, and the Step channel as a count of
// pending messages. Each delivery does what the byte back end does: loads the
// state into a scratch, takes the message off, runs `act(-1)` to the choose,
// saves the scratch (the fork) and, per value, restores it, runs `act(v)`,
// sends Step, counts the handler's coverage, takes the value's shared step and
// emits the scratch, which the explorer fingerprints and copies when new.
//
// With `generic` (FixedRun, actGeneric) the model's act runs as generated code
// would run it on such a layout: offsets read from an array, small accessor
// methods, a work meter ticked per iteration.
//
// A measurement, not a back end: its states are not FlModel's encoding (no
// traces, replay or presentation; a failure would not print), and its
// reachable states must be TLC's (1,745,408 at 8 RMs; two-phase-bytes-bench.ts
// prints them beside the other models').
import { type ByteState, fingerprintByteState } from "../src/fl/bytes/byte-model.js";
import { ScratchState } from "../src/fl/bytes/state-bytes.js";
import type { FlStep } from "../src/fl/fl-state.js";
import type { Emit, Failure, Invariant, Model, StepLabel, StepOutcome } from "../src/model.js";
// The machine's variables (FixedRun's, in the .fl machine's order), the enums' ordinals and the Step delivery's steps.
import {
  ABORT_MSG,
  ABORTED,
  COMMIT_MSG,
  COMMITTED,
  DONE,
  INIT,
  PREPARED,
  PREPARED_MSGS,
  RM_STATE,
  stepStep,
  TM_PREPARED,
  TM_STATE,
  WORKING,
} from "./two-phase-tla-bytes.js";

export class TwoPhaseTlaFixed implements Model<ByteState, FlStep> {
  readonly name = "TwoPhase (fixed layout)";
  readonly invariants: readonly Invariant<ByteState>[];
  private readonly s = new ScratchState();
  private readonly outcome: { kind: "state"; state: ByteState } = { kind: "state", state: this.s };
  /** The handler's coverage counter, counted per run as the byte back end counts it. */
  private readonly handled = new Float64Array(1);
  /** Offsets: after rmState's bytes. */
  private readonly tm: number;
  private readonly tmPrepared: number;
  private readonly preparedMsgs: number;
  private readonly commit: number;
  private readonly abort: number;
  private readonly channel: number;
  private readonly size: number;

  /**
   * With `generic`, act runs as generated code would on such a layout:
   * through a run object (FixedRun) that keeps the variables' offsets in an
   * array, reads and writes them with small methods and ticks a work meter
   * per loop iteration, instead of inline reads at constant offsets.
   */
  private readonly run: FixedRun | null;

  constructor(
    readonly rms: number,
    generic = false,
  ) {
    if (rms > 16) throw new Error("at most 16 RMs (16-bit masks)");
    this.tm = rms;
    this.tmPrepared = rms + 1;
    this.preparedMsgs = rms + 3;
    this.commit = rms + 5;
    this.abort = rms + 6;
    this.channel = rms + 7;
    this.size = rms + 8;
    this.run = generic
      ? new FixedRun(this.s, [0, this.tm, this.tmPrepared, this.preparedMsgs, this.commit, this.abort])
      : null;
    this.invariants = [
      {
        name: "Consistent",
        holds: (state: ByteState) => {
          const b = state.buf;
          let committed = false;
          let aborted = false;
          for (let r = 0; r < rms; r++) {
            if (b[r] === COMMITTED) committed = true;
            else if (b[r] === ABORTED) aborted = true;
          }
          return !(committed && aborted);
        },
      },
    ];
  }

  fingerprint(state: ByteState, out: Uint32Array): void {
    fingerprintByteState(state, this.s, out);
  }

  initial(emit: Emit<ByteState, FlStep>): void {
    // Every RM working, the TM in Init, no messages but the pending Step.
    const buf = new Uint8Array(this.size);
    buf[this.channel] = 1;
    emit({ t: "deliver", from: 0, to: 0, i: 0, c: [] }, { kind: "state", state: { buf, len: this.size } });
  }

  successors(view: ByteState, emit: Emit<ByteState, FlStep>): void {
    if (view.buf[this.channel] === 0) return;
    const s = this.s;
    s.load(view.buf, 0, view.len);
    // The delivery takes the Step message off.
    s.buf[this.channel]!--;
    const run = this.run;
    const enabled = run === null ? this.act(-1) : actGeneric(run, this.rms, -1);
    if (!(enabled > 0)) {
      this.handled[0]!++;
      emit(stepStep(-1), this.outcome);
      return;
    }
    s.save();
    for (let v = 0; v < enabled; v++) {
      if (v > 0) s.restore();
      if (run === null) this.act(v);
      else actGeneric(run, this.rms, v);
      s.buf[this.channel]!++;
      this.handled[0]!++;
      emit(stepStep(v), this.outcome);
    }
  }

  /** `fun act(pick: int): int` on the fixed layout. */
  private act(pick: number): number {
    const b = this.s.buf;
    const rms = this.rms;
    const tmPrepared = this.tmPrepared;
    const preparedMsgs = this.preparedMsgs;
    let k = 0;
    for (let r = 0; r < rms; r++) {
      const bit = 1 << r;
      if (b[this.tm] === INIT && ((b[preparedMsgs]! | (b[preparedMsgs + 1]! << 8)) & bit) !== 0) {
        if (k === pick) {
          const m = b[tmPrepared]! | (b[tmPrepared + 1]! << 8) | bit;
          b[tmPrepared] = m & 0xff;
          b[tmPrepared + 1] = m >>> 8;
          return -1;
        }
        k++;
      }
      if (b[r] === WORKING) {
        if (k === pick) {
          b[r] = PREPARED;
          const m = b[preparedMsgs]! | (b[preparedMsgs + 1]! << 8) | bit;
          b[preparedMsgs] = m & 0xff;
          b[preparedMsgs + 1] = m >>> 8;
          return -1;
        }
        k++;
        if (k === pick) {
          b[r] = ABORTED;
          return -1;
        }
        k++;
      }
      if (b[this.commit] !== 0) {
        if (k === pick) {
          b[r] = COMMITTED;
          return -1;
        }
        k++;
      }
      if (b[this.abort] !== 0) {
        if (k === pick) {
          b[r] = ABORTED;
          return -1;
        }
        k++;
      }
    }
    const all = (1 << rms) - 1;
    if (b[this.tm] === INIT && (b[tmPrepared]! | (b[tmPrepared + 1]! << 8)) === all) {
      if (k === pick) {
        b[this.tm] = DONE;
        b[this.commit] = 1;
        return -1;
      }
      k++;
    }
    if (b[this.tm] === INIT) {
      if (k === pick) {
        b[this.tm] = DONE;
        b[this.abort] = 1;
        return -1;
      }
      k++;
    }
    return k;
  }

  apply(): StepOutcome<ByteState> {
    throw new Error("a measurement: no replay");
  }

  terminal(): Failure | null {
    return null;
  }

  encode(state: ByteState): Uint8Array {
    return state.buf.subarray(0, state.len);
  }

  decode(bytes: Uint8Array): ByteState {
    return { buf: bytes, len: bytes.length };
  }

  describeStep(): StepLabel {
    return { kind: "step", text: "Step" };
  }

  viewState(state: ByteState) {
    return { bytes: [...state.buf.subarray(0, state.len)] };
  }
}

/** What generated code on a fixed-width layout would run through: offsets by variable, small accessors, a work meter. */
class FixedRun {
  private work = 0;

  constructor(
    private readonly s: ScratchState,
    private readonly vo: readonly number[],
  ) {}

  begin(): void {
    this.work = 0;
  }

  tick(): void {
    if (++this.work > 200_000) throw new Error("past the work limit");
  }

  byteAt(k: number): number {
    return this.s.buf[this.vo[k]!]!;
  }

  setByte(k: number, v: number): void {
    this.s.buf[this.vo[k]!] = v;
  }

  seqByte(k: number, i: number): number {
    return this.s.buf[this.vo[k]! + i]!;
  }

  setSeqByte(k: number, i: number, v: number): void {
    this.s.buf[this.vo[k]! + i] = v;
  }

  private mask(k: number): number {
    const b = this.s.buf;
    const at = this.vo[k]!;
    return b[at]! | (b[at + 1]! << 8);
  }

  hasBit(k: number, v: number): boolean {
    return v >= 0 && v < 16 && (this.mask(k) & (1 << v)) !== 0;
  }

  addBit(k: number, v: number): void {
    const m = this.mask(k) | (1 << v);
    const at = this.vo[k]!;
    this.s.buf[at] = m & 0xff;
    this.s.buf[at + 1] = m >>> 8;
  }

  bits(k: number): number {
    let m = this.mask(k);
    let n = 0;
    while (m !== 0) {
      m &= m - 1;
      n++;
    }
    return n;
  }
}

/** `fun act(pick: int): int` as generated code would run it on the fixed layout. */
function actGeneric(x: FixedRun, rms: number, pick: number): number {
  x.begin();
  x.tick();
  let k = 0;
  let r = 0;
  while (r < rms) {
    x.tick();
    if (x.byteAt(TM_STATE) === INIT && x.hasBit(PREPARED_MSGS, r)) {
      if (k === pick) {
        x.addBit(TM_PREPARED, r);
        return -1;
      }
      k = (k + 1) | 0;
    }
    if (x.seqByte(RM_STATE, r) === WORKING) {
      if (k === pick) {
        x.setSeqByte(RM_STATE, r, PREPARED);
        x.addBit(PREPARED_MSGS, r);
        return -1;
      }
      k = (k + 1) | 0;
      if (k === pick) {
        x.setSeqByte(RM_STATE, r, ABORTED);
        return -1;
      }
      k = (k + 1) | 0;
    }
    if (x.byteAt(COMMIT_MSG) !== 0) {
      if (k === pick) {
        x.setSeqByte(RM_STATE, r, COMMITTED);
        return -1;
      }
      k = (k + 1) | 0;
    }
    if (x.byteAt(ABORT_MSG) !== 0) {
      if (k === pick) {
        x.setSeqByte(RM_STATE, r, ABORTED);
        return -1;
      }
      k = (k + 1) | 0;
    }
    r = (r + 1) | 0;
  }
  if (x.byteAt(TM_STATE) === INIT && x.bits(TM_PREPARED) === rms) {
    if (k === pick) {
      x.setByte(TM_STATE, DONE);
      x.setByte(COMMIT_MSG, 1);
      return -1;
    }
    k = (k + 1) | 0;
  }
  if (x.byteAt(TM_STATE) === INIT) {
    if (k === pick) {
      x.setByte(TM_STATE, DONE);
      x.setByte(ABORT_MSG, 1);
      return -1;
    }
    k = (k + 1) | 0;
  }
  return k;
}
