// models/bench/two-phase-tla.fl's TwoPhase with successors computed on the
// canonical encoding (state-bytes.ts), written by hand as ADR 0015's byte back
// end would generate it: the delivery takes the Step message off its channel,
// the handler runs to its choose once, and each chosen value goes on from a
// copy of the bytes there (the fork), with reads and writes at the offsets of
// the machine's variables; sends append to the channel. The invariant is
// evaluated on the bytes too. States are the bytes FlModel.encode writes, as
// views (ByteState): a successor is the model's scratch, which the explorer
// fingerprints (Model.fingerprint, over the bytes) and copies only when new.
// Everything else (initial states, replay, presentation, terminal states) is
// the FlModel's, through decode.
//
// A measurement, not a back end: it says what compiled code on the canonical
// encoding costs per transition through the real explorer, next to the
// object runtime and the hand-packed byte model (two-phase-bytes-bench.ts),
// before the generator is written. A test (two-phase-tla-bytes.test.ts)
// checks that every state's successors, steps and bytes, are the FlModel's.
import type { Emit, Failure, Invariant, Model, StepLabel, StepOutcome } from "../src/model.js";
import { fingerprintRange } from "../src/fingerprint.js";
import type { ByteState } from "../src/fl/bytes/byte-model.js";
import type { FlModel } from "../src/fl/fl-model.js";
import type { FlState, FlStep } from "../src/fl/fl-state.js";
import {
  channelEnd,
  byteElementAt,
  collectionHas,
  type MessageEnd,
  OUT_OF_RANGE,
  popFirst,
  pushMessage,
  ScalarKind,
  ScratchState,
  scalarsEnd,
  seqSet,
  setAdd,
  uintAt,
  uintEnd,
} from "../src/fl/bytes/state-bytes.js";

/** TwoPhase's variables, in IrMachine.vars order. */
export const RM_STATE = 0;
export const TM_STATE = 1;
export const TM_PREPARED = 2;
export const PREPARED_MSGS = 3;
export const COMMIT_MSG = 4;
export const ABORT_MSG = 5;
const VARS = 6;
/** Enum ordinals. */
export const WORKING = 0;
export const PREPARED = 1;
export const COMMITTED = 2;
export const ABORTED = 3;
export const INIT = 0;
export const DONE = 1;
/** The Step event: no payload. */
const STEP = 0;
const STEP_MESSAGE = new Uint8Array([STEP]);
/** Every message is an event without payload. */
const msgEnd: MessageEnd = (b, p) => uintEnd(b, p);

/** The step of each chosen value (steps are immutable: one object per value). */
const STEPS: FlStep[] = [];

/** The delivery of the Step message with value `v` chosen (-1: none chosen), as the FlModel names it: shared by the hand-written models. */
export function stepStep(v: number): FlStep {
  if (v < 0) return { t: "deliver", from: 0, to: 0, i: 0, c: [] };
  return (STEPS[v] ??= Object.freeze({
    t: "deliver",
    from: 0,
    to: 0,
    i: 0,
    c: Object.freeze([v]) as number[],
  }) as FlStep);
}

/** A step the bytes cannot take (an index out of range): the back end would have the object runtime run that delivery. */
class HandOver extends Error {}

/** The param rms the model was built with: the number of RMs its entry put in rmState. */
function rmsOf(fl: FlModel): number {
  let n = 0;
  fl.initial((_step, o) => {
    if (o.kind === "state") n = (o.state.machines[0]!.vars[RM_STATE] as readonly number[]).length;
  });
  return n;
}

export class TwoPhaseTlaBytes implements Model<ByteState, FlStep> {
  readonly name: string;
  readonly invariants: readonly Invariant<ByteState>[];
  private readonly rms: number;
  /** The state being built (its `save` is the fork's copy). */
  private readonly s = new ScratchState();
  /** Offsets of the running machine's variables in `s`, and of the channel section. */
  private readonly vo = new Int32Array(VARS + 1);
  private readonly voAtFork = new Int32Array(VARS + 1);
  private readonly outcome: { kind: "state"; state: ByteState } = { kind: "state", state: this.s };

  constructor(readonly fl: FlModel) {
    this.name = `${fl.name} (bytes)`;
    this.rms = rmsOf(fl);
    // `invariant Consistent: forall t: TwoPhase :: !(Committed in t.rmState && Aborted in t.rmState)`, on the bytes.
    const consistent = fl.invariants.find((inv) => inv.name === "Consistent")!;
    this.invariants = [
      {
        name: consistent.name,
        location: consistent.location,
        holds: (state: ByteState) => {
          const b = state.buf;
          // The machine count, then TwoPhase's type and state: rmState follows.
          const rmState = uintEnd(b, uintEnd(b, uintEnd(b, 0)));
          return !(
            collectionHas(b, rmState, COMMITTED, ScalarKind.Plain) &&
            collectionHas(b, rmState, ABORTED, ScalarKind.Plain)
          );
        },
        witness: (state: ByteState) => consistent.witness?.(this.objects(state)) ?? null,
      },
    ];
  }

  /** The fingerprint of the bytes, as fingerprintInto gives it, without a view of them. */
  fingerprint(state: ByteState, out: Uint32Array): void {
    fingerprintRange(state.buf, 0, state.len, out);
  }

  initial(emit: Emit<ByteState, FlStep>): void {
    this.fl.initial((step, o) => emit(step, this.bytesOf(o)));
  }

  apply(state: ByteState | null, step: FlStep): StepOutcome<ByteState> {
    return this.bytesOf(this.fl.apply(state === null ? null : this.objects(state), step));
  }

  private objects(state: ByteState): FlState {
    return this.fl.decode(this.encode(state));
  }

  private bytesOf(o: StepOutcome<FlState>): StepOutcome<ByteState> {
    const view = (s: FlState): ByteState => {
      const buf = this.fl.encode(s).slice();
      return { buf, len: buf.length };
    };
    if (o.kind === "failure")
      return o.state === undefined ? { ...o, state: undefined } : { ...o, state: view(o.state) };
    return { kind: "state", state: view(o.state) };
  }

  terminal(state: ByteState): Failure | null {
    return this.fl.terminal(this.objects(state));
  }

  encode(state: ByteState): Uint8Array {
    return state.buf.subarray(0, state.len);
  }

  decode(bytes: Uint8Array): ByteState {
    return { buf: bytes, len: bytes.length };
  }

  describeStep(step: FlStep, before: ByteState | null, after: ByteState | null): StepLabel {
    return this.fl.describeStep(step, before && this.objects(before), after && this.objects(after));
  }

  viewState(state: ByteState) {
    return this.fl.viewState(this.objects(state));
  }

  successors(view: ByteState, emit: Emit<ByteState, FlStep>): void {
    const state = view.buf;
    // Machines: their count, then each (type, state * 3 + status, variables); one TwoPhase here.
    let p = uintEnd(state, 0);
    p = uintEnd(state, uintEnd(state, p));
    const vars = p;
    for (let v = 0; v < VARS; v++)
      p =
        v === RM_STATE || v === TM_PREPARED || v === PREPARED_MSGS ? scalarsEnd(state, p) : uintEnd(state, p);
    const channels = p;
    // Deliveries: the first message of each channel, in the channels' order.
    const n = uintAt(state, channels);
    let q = uintEnd(state, channels);
    for (let c = 0; c < n; c++) {
      // TwoPhase (machine 0) sends only to itself: every channel is (0, 0) and holds Step.
      this.deliverStep(state, view.len, vars, channels, q, emit);
      q = channelEnd(state, q, msgEnd);
    }
  }

  /** `on Step do { enabled = act(-1); if (enabled > 0) { act(choose(enabled)); send this, Step; } }` */
  private deliverStep(
    state: Uint8Array,
    len: number,
    vars: number,
    channels: number,
    ch: number,
    emit: Emit<ByteState, FlStep>,
  ): void {
    const s = this.s;
    const vo = this.vo;
    s.load(state, 0, len);
    // Offsets of the variables, then the delivery takes the message off.
    let p = vars;
    for (let v = 0; v < VARS; v++) {
      vo[v] = p;
      p =
        v === RM_STATE || v === TM_PREPARED || v === PREPARED_MSGS ? scalarsEnd(state, p) : uintEnd(state, p);
    }
    vo[VARS] = channels;
    popFirst(s, channels, ch, msgEnd);
    const enabled = this.act(-1);
    if (!(enabled > 0)) {
      this.emitState(stepStep(-1), emit);
      return;
    }
    // The fork: the bytes and offsets at the choose, each value run on from a copy of them.
    s.save();
    const saved = this.voAtFork;
    for (let k = 0; k <= VARS; k++) saved[k] = vo[k]!;
    for (let v = 0; v < enabled; v++) {
      if (v > 0) {
        s.restore();
        for (let k = 0; k <= VARS; k++) vo[k] = saved[k]!;
      }
      this.act(v);
      this.moved(VARS - 1, pushMessage(s, vo[VARS]!, 0, 0, STEP_MESSAGE, 1, msgEnd));
      this.emitState(stepStep(v), emit);
    }
  }

  private emitState(step: FlStep, emit: Emit<ByteState, FlStep>): void {
    // The scratch itself: the explorer fingerprints it and keeps the bytes only of a new state.
    emit(step, this.outcome);
  }

  /** Variable `v` changed size by `delta`: the ones after it, and the channels, move. */
  private moved(v: number, delta: number): void {
    if (delta === 0) return;
    const vo = this.vo;
    for (let k = v + 1; k <= VARS; k++) vo[k]! += delta;
  }

  /** `fun act(pick: int): int` on the bytes. */
  private act(pick: number): number {
    const s = this.s;
    const vo = this.vo;
    const rms = this.rms;
    let k = 0;
    let r = 0;
    while (r < rms) {
      let b = s.buf;
      if (uintAt(b, vo[TM_STATE]!) === INIT && collectionHas(b, vo[PREPARED_MSGS]!, r, ScalarKind.Int)) {
        if (k === pick) {
          this.moved(TM_PREPARED, setAdd(s, vo[TM_PREPARED]!, r, ScalarKind.Int));
          return -1;
        }
        k = (k + 1) | 0;
      }
      b = s.buf;
      // RmState has four members: one byte each.
      const at = byteElementAt(b, vo[RM_STATE]!, r);
      if (at === OUT_OF_RANGE) throw new HandOver();
      if (uintAt(b, at) === WORKING) {
        if (k === pick) {
          this.moved(RM_STATE, seqSet(s, vo[RM_STATE]!, r, PREPARED, ScalarKind.Plain));
          this.moved(PREPARED_MSGS, setAdd(s, vo[PREPARED_MSGS]!, r, ScalarKind.Int));
          return -1;
        }
        k = (k + 1) | 0;
        if (k === pick) {
          this.moved(RM_STATE, seqSet(s, vo[RM_STATE]!, r, ABORTED, ScalarKind.Plain));
          return -1;
        }
        k = (k + 1) | 0;
      }
      if (b[vo[COMMIT_MSG]!] !== 0) {
        if (k === pick) {
          this.moved(RM_STATE, seqSet(s, vo[RM_STATE]!, r, COMMITTED, ScalarKind.Plain));
          return -1;
        }
        k = (k + 1) | 0;
      }
      if (b[vo[ABORT_MSG]!] !== 0) {
        if (k === pick) {
          this.moved(RM_STATE, seqSet(s, vo[RM_STATE]!, r, ABORTED, ScalarKind.Plain));
          return -1;
        }
        k = (k + 1) | 0;
      }
      r = (r + 1) | 0;
    }
    const b = s.buf;
    if (uintAt(b, vo[TM_STATE]!) === INIT && uintAt(b, vo[TM_PREPARED]!) === rms) {
      if (k === pick) {
        this.moved(TM_STATE, s.setUint(vo[TM_STATE]!, DONE));
        s.buf[vo[COMMIT_MSG]!] = 1;
        return -1;
      }
      k = (k + 1) | 0;
    }
    if (uintAt(b, vo[TM_STATE]!) === INIT) {
      if (k === pick) {
        this.moved(TM_STATE, s.setUint(vo[TM_STATE]!, DONE));
        s.buf[vo[ABORT_MSG]!] = 1;
        return -1;
      }
      k = (k + 1) | 0;
    }
    return k;
  }
}
