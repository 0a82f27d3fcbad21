// TwoPhase with states as plain objects and an encode that serialises them
// field by field into a reused buffer: the shape a generated model has. Next
// to the byte-array model, it shows how much of the time is the model's.
import type { Failure, Invariant, Json, Model, StepLabel, StepOutcome } from "../src/model.js";

interface TwoPhaseState {
  rmState: number[];
  tmState: number;
  tmPrepared: boolean[];
  preparedMsgs: boolean[];
  commitMsg: boolean;
  abortMsg: boolean;
}

type Step = { action: string; rm?: number };

const WORKING = 0;
const PREPARED = 1;
const COMMITTED = 2;
const ABORTED = 3;

export class TwoPhaseObjectModel implements Model<TwoPhaseState, Step> {
  readonly name: string;
  readonly invariants: readonly Invariant<TwoPhaseState>[] = [
    {
      name: "TCConsistent",
      holds: (s) => !(s.rmState.includes(COMMITTED) && s.rmState.includes(ABORTED)),
    },
  ];
  private readonly buffer: Uint8Array;

  constructor(readonly n: number) {
    this.name = `TwoPhase(${n}) objects`;
    this.buffer = new Uint8Array(3 * n + 3);
  }

  initial(emit: (step: Step, outcome: StepOutcome<TwoPhaseState>) => void): void {
    const n = this.n;
    emit(
      { action: "Init" },
      {
        kind: "state",
        state: {
          rmState: new Array<number>(n).fill(WORKING),
          tmState: 0,
          tmPrepared: new Array<boolean>(n).fill(false),
          preparedMsgs: new Array<boolean>(n).fill(false),
          commitMsg: false,
          abortMsg: false,
        },
      },
    );
  }

  successors(s: TwoPhaseState, emit: (step: Step, outcome: StepOutcome<TwoPhaseState>) => void): void {
    const n = this.n;
    if (s.tmState === 0) {
      for (let rm = 0; rm < n; rm++) {
        if (s.preparedMsgs[rm]) {
          const tmPrepared = s.tmPrepared.slice();
          tmPrepared[rm] = true;
          emit({ action: "TMRcvPrepared", rm }, { kind: "state", state: { ...s, tmPrepared } });
        }
      }
      if (s.tmPrepared.every((p) => p)) {
        emit({ action: "TMCommit" }, { kind: "state", state: { ...s, tmState: 1, commitMsg: true } });
      }
      emit({ action: "TMAbort" }, { kind: "state", state: { ...s, tmState: 2, abortMsg: true } });
    }
    for (let rm = 0; rm < n; rm++) {
      if (s.rmState[rm] === WORKING) {
        const prepared = s.rmState.slice();
        prepared[rm] = PREPARED;
        const preparedMsgs = s.preparedMsgs.slice();
        preparedMsgs[rm] = true;
        emit(
          { action: "RMPrepare", rm },
          { kind: "state", state: { ...s, rmState: prepared, preparedMsgs } },
        );
        const aborted = s.rmState.slice();
        aborted[rm] = ABORTED;
        emit({ action: "RMChooseToAbort", rm }, { kind: "state", state: { ...s, rmState: aborted } });
      }
      if (s.commitMsg) {
        const rmState = s.rmState.slice();
        rmState[rm] = COMMITTED;
        emit({ action: "RMRcvCommitMsg", rm }, { kind: "state", state: { ...s, rmState } });
      }
      if (s.abortMsg) {
        const rmState = s.rmState.slice();
        rmState[rm] = ABORTED;
        emit({ action: "RMRcvAbortMsg", rm }, { kind: "state", state: { ...s, rmState } });
      }
    }
  }

  apply(state: TwoPhaseState | null, step: Step): StepOutcome<TwoPhaseState> {
    let found: StepOutcome<TwoPhaseState> | null = null;
    const match = (candidate: Step, outcome: StepOutcome<TwoPhaseState>) => {
      if (candidate.action === step.action && candidate.rm === step.rm) found = outcome;
    };
    if (state === null) this.initial(match);
    else this.successors(state, match);
    if (found === null) throw new Error(`step ${JSON.stringify(step)} is not enabled`);
    return found;
  }

  terminal(): Failure | null {
    return null;
  }

  encode(s: TwoPhaseState): Uint8Array {
    const buffer = this.buffer;
    const n = this.n;
    let at = 0;
    for (let rm = 0; rm < n; rm++) buffer[at++] = s.rmState[rm]!;
    buffer[at++] = s.tmState;
    for (let rm = 0; rm < n; rm++) buffer[at++] = s.tmPrepared[rm] ? 1 : 0;
    for (let rm = 0; rm < n; rm++) buffer[at++] = s.preparedMsgs[rm] ? 1 : 0;
    buffer[at++] = s.commitMsg ? 1 : 0;
    buffer[at++] = s.abortMsg ? 1 : 0;
    return buffer;
  }

  decode(bytes: Uint8Array): TwoPhaseState {
    const n = this.n;
    let at = 0;
    const rmState: number[] = [];
    for (let rm = 0; rm < n; rm++) rmState.push(bytes[at++]!);
    const tmState = bytes[at++]!;
    const tmPrepared: boolean[] = [];
    for (let rm = 0; rm < n; rm++) tmPrepared.push(bytes[at++] === 1);
    const preparedMsgs: boolean[] = [];
    for (let rm = 0; rm < n; rm++) preparedMsgs.push(bytes[at++] === 1);
    return {
      rmState,
      tmState,
      tmPrepared,
      preparedMsgs,
      commitMsg: bytes[at++] === 1,
      abortMsg: bytes[at] === 1,
    };
  }

  describeStep(step: Step): StepLabel {
    return { kind: "action", text: step.rm === undefined ? step.action : `${step.action}(${step.rm})` };
  }

  viewState(s: TwoPhaseState): { [component: string]: Json } {
    return { rmState: s.rmState, tmState: s.tmState };
  }
}
