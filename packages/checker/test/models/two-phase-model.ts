// TLA+'s TwoPhase spec (Lamport's two-phase commit: a transaction manager and
// n resource managers, messages as a set that only grows), compiled by hand
// into a compact Model for tests and the explorer benchmark.
//
// State: Uint8Array of n + 1 bytes. Byte r < n is resource manager r:
// bits 0-1 its state (working, prepared, committed, aborted), bit 2 "r is in
// tmPrepared", bit 3 "Prepared(r) is in msgs". Byte n is the manager: bits 0-1
// tmState (init, committed, aborted), bit 2 "Commit in msgs", bit 3 "Abort in
// msgs". The encoding is the state itself: canonical by construction.
// Steps are shared immutable objects, so emitting one allocates nothing.
import type { Failure, Invariant, Json, Model, StepLabel, StepOutcome } from "../../src/model.js";

export type TwoPhaseStep = { action: string; rm?: number };

const RM_STATES = ["working", "prepared", "committed", "aborted"] as const;
const TM_STATES = ["init", "committed", "aborted"] as const;
const WORKING = 0;
const PREPARED = 1;
const COMMITTED = 2;
const ABORTED = 3;
const STATE_BITS = 3;
const IN_TM_PREPARED = 4;
const PREPARED_MSG = 8;
const TM_COMMITTED = 1;
const TM_ABORTED = 2;
const COMMIT_MSG = 4;
const ABORT_MSG = 8;

export interface TwoPhaseOptions {
  /** The manager commits once any (not every) resource manager has prepared: breaks TCConsistent. */
  buggyCommit?: boolean;
}

export class TwoPhaseModel implements Model<Uint8Array, TwoPhaseStep> {
  readonly name: string;
  readonly invariants: readonly Invariant<Uint8Array>[];
  readonly n: number;
  private readonly buggyCommit: boolean;
  private readonly initStep: TwoPhaseStep = { action: "Init" };
  private readonly commitStep: TwoPhaseStep = { action: "TMCommit" };
  private readonly abortStep: TwoPhaseStep = { action: "TMAbort" };
  private readonly rcvPreparedSteps: TwoPhaseStep[] = [];
  private readonly prepareSteps: TwoPhaseStep[] = [];
  private readonly chooseToAbortSteps: TwoPhaseStep[] = [];
  private readonly rcvCommitSteps: TwoPhaseStep[] = [];
  private readonly rcvAbortSteps: TwoPhaseStep[] = [];

  constructor(n: number, options: TwoPhaseOptions = {}) {
    if (n < 1 || n > 30) throw new Error("TwoPhaseModel: 1..30 resource managers");
    this.n = n;
    this.buggyCommit = options.buggyCommit ?? false;
    this.name = `TwoPhase(${n})${this.buggyCommit ? " buggy" : ""}`;
    for (let rm = 0; rm < n; rm++) {
      this.rcvPreparedSteps.push({ action: "TMRcvPrepared", rm });
      this.prepareSteps.push({ action: "RMPrepare", rm });
      this.chooseToAbortSteps.push({ action: "RMChooseToAbort", rm });
      this.rcvCommitSteps.push({ action: "RMRcvCommitMsg", rm });
      this.rcvAbortSteps.push({ action: "RMRcvAbortMsg", rm });
    }
    this.invariants = [
      {
        name: "TCConsistent",
        holds: (state) => {
          let committed = false;
          let aborted = false;
          for (let rm = 0; rm < n; rm++) {
            const rmState = state[rm]! & STATE_BITS;
            if (rmState === COMMITTED) committed = true;
            else if (rmState === ABORTED) aborted = true;
          }
          return !(committed && aborted);
        },
      },
    ];
  }

  initial(emit: (step: TwoPhaseStep, outcome: StepOutcome<Uint8Array>) => void): void {
    emit(this.initStep, { kind: "state", state: new Uint8Array(this.n + 1) });
  }

  successors(state: Uint8Array, emit: (step: TwoPhaseStep, outcome: StepOutcome<Uint8Array>) => void): void {
    const n = this.n;
    const tm = state[n]!;
    if ((tm & STATE_BITS) === 0) {
      let allPrepared = true;
      let anyPrepared = false;
      for (let rm = 0; rm < n; rm++) {
        const rmByte = state[rm]!;
        if ((rmByte & IN_TM_PREPARED) === 0) allPrepared = false;
        else anyPrepared = true;
        if ((rmByte & PREPARED_MSG) !== 0) {
          const next = state.slice();
          next[rm] = rmByte | IN_TM_PREPARED;
          emit(this.rcvPreparedSteps[rm]!, { kind: "state", state: next });
        }
      }
      if (this.buggyCommit ? anyPrepared : allPrepared) {
        const next = state.slice();
        next[n] = (tm & ~STATE_BITS) | TM_COMMITTED | COMMIT_MSG;
        emit(this.commitStep, { kind: "state", state: next });
      }
      const next = state.slice();
      next[n] = (tm & ~STATE_BITS) | TM_ABORTED | ABORT_MSG;
      emit(this.abortStep, { kind: "state", state: next });
    }
    for (let rm = 0; rm < n; rm++) {
      const rmByte = state[rm]!;
      if ((rmByte & STATE_BITS) === WORKING) {
        const prepared = state.slice();
        prepared[rm] = (rmByte & ~STATE_BITS) | PREPARED | PREPARED_MSG;
        emit(this.prepareSteps[rm]!, { kind: "state", state: prepared });
        const aborted = state.slice();
        aborted[rm] = (rmByte & ~STATE_BITS) | ABORTED;
        emit(this.chooseToAbortSteps[rm]!, { kind: "state", state: aborted });
      }
      if ((tm & COMMIT_MSG) !== 0) {
        const next = state.slice();
        next[rm] = (rmByte & ~STATE_BITS) | COMMITTED;
        emit(this.rcvCommitSteps[rm]!, { kind: "state", state: next });
      }
      if ((tm & ABORT_MSG) !== 0) {
        const next = state.slice();
        next[rm] = (rmByte & ~STATE_BITS) | ABORTED;
        emit(this.rcvAbortSteps[rm]!, { kind: "state", state: next });
      }
    }
  }

  apply(state: Uint8Array | null, step: TwoPhaseStep): StepOutcome<Uint8Array> {
    let found: StepOutcome<Uint8Array> | null = null;
    const match = (candidate: TwoPhaseStep, outcome: StepOutcome<Uint8Array>) => {
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

  encode(state: Uint8Array): Uint8Array {
    return state;
  }

  decode(bytes: Uint8Array): Uint8Array {
    return bytes.slice();
  }

  describeStep(step: TwoPhaseStep): StepLabel {
    const byManager = step.rm === undefined || step.action.startsWith("TM");
    const actor = byManager ? "TM" : `RM(${step.rm})`;
    const about = byManager && step.rm !== undefined ? `(RM(${step.rm}))` : "";
    return {
      kind: step.action === "Init" ? "init" : "action",
      text: `${actor} ${step.action}${about}`,
      actor,
    };
  }

  viewState(state: Uint8Array): { [component: string]: Json } {
    const n = this.n;
    const view: { [component: string]: Json } = { TM: TM_STATES[state[n]! & STATE_BITS]! };
    for (let rm = 0; rm < n; rm++) view[`RM(${rm})`] = RM_STATES[state[rm]! & STATE_BITS]!;
    return view;
  }

  itfState(state: Uint8Array): { [variable: string]: Json } {
    const n = this.n;
    const rmState: Json[] = [];
    const tmPrepared: Json[] = [];
    const msgs: Json[] = [];
    for (let rm = 0; rm < n; rm++) {
      const rmByte = state[rm]!;
      rmState.push([`r${rm + 1}`, RM_STATES[rmByte & STATE_BITS]!]);
      if ((rmByte & IN_TM_PREPARED) !== 0) tmPrepared.push(`r${rm + 1}`);
      if ((rmByte & PREPARED_MSG) !== 0) msgs.push({ type: "Prepared", rm: `r${rm + 1}` });
    }
    const tm = state[n]!;
    if ((tm & COMMIT_MSG) !== 0) msgs.push({ type: "Commit" });
    if ((tm & ABORT_MSG) !== 0) msgs.push({ type: "Abort" });
    return {
      rmState: { "#map": rmState },
      tmState: TM_STATES[tm & STATE_BITS]!,
      tmPrepared: { "#set": tmPrepared },
      msgs: { "#set": msgs },
    };
  }
}

/** Builds the model in any thread (a ModelFactory export): args { n, buggyCommit? }. */
export function createTwoPhaseModel(args: Json): TwoPhaseModel {
  const { n, buggyCommit } = args as { n: number; buggyCommit?: boolean };
  return new TwoPhaseModel(n, { buggyCommit: buggyCommit ?? false });
}
