// The expansion of one state, as every exhaustive search does it (ADR 0003,
// ADR 0008): emit its successors (an ample set alone when the cycle proviso
// allows), dedupe them by fingerprint in a VisitedSet, check the invariants on
// new states, check `terminal` on a state without successors, and keep the
// failures with the length of their trace. Which states are new, where they
// go and what bounds stop the search are the driver's: the single-threaded
// explorer (bfs-explorer.ts) keeps a queue and parent links in this thread, a
// parallel worker (parallel-worker.ts) a shared table, shared chunks and
// links the coordinator reads.
//
// A driver extends Expansion, implements `discover`, and for each state calls
// `enter` and then `expandState`. Each thread runs one kind of driver, so the
// calls from `emit` to the driver's methods stay monomorphic.
import { invariantFailure } from "../failures.js";
import {
  type Emit,
  type Failure,
  hasPersistentStates,
  type Invariant,
  type Json,
  type Model,
  type StepOutcome,
} from "../model.js";
import { FingerprintSet } from "../store/fingerprint-set.js";
import {
  ampleSetSuffices,
  FailureCollector,
  fingerprintFunction,
  Mode,
  NO_STATE,
  usesPartialOrder,
  type VisitedSet,
} from "./core.js";

/** Work units (emitted successors and expanded states) between two checkpoints at first. */
const FIRST_CHECKPOINT = 16;

/** Successors looked up together at most (Expansion.batch). */
const BATCH = 64;
/**
 * Slots of the recent-discoveries cache (Expansion.recent): 256 KB, inside a
 * core's L2 cache. On TwoPhase with 8 RMs it answers 8.9 M of the 9.9 M
 * lookups of known successors: states are found again soon after they are
 * discovered (siblings share successors, and siblings are expanded together).
 */
const RECENT_SLOTS = 1 << 15;

/** Where fingerprint (hi, lo) sits in Expansion.recent: the index of its hi word (lo follows). */
function recentSlot(hi: number): number {
  return (hi & (RECENT_SLOTS - 1)) << 1;
}

/** Expansion.expandingState when no state's successors are being emitted: no model state is it (a null one may be). */
const NOT_EXPANDING: unique symbol = Symbol("not expanding");

/** Expansions after which the check for successors that are the state being expanded stops unless it paid (Expansion.expandingHi). */
const SELF_LOOP_TRIAL = 4096;
/** Whether Expansion checks for successors that are the state being expanded: on trial, for good, or not. */
enum SelfLoopCheck {
  Trial,
  On,
  Off,
}

/** Initial slots of the set of states found in the level being expanded (partial-order reduction). */
const NEXT_LEVEL_SLOTS = 1024;

/** What an expansion needs to know of the search's options. */
export interface ExpansionOptions {
  maxDepth: number;
  stopOnFirst: boolean;
  maxFailures: number;
  partialOrder: boolean;
}

export abstract class Expansion<S, Step extends Json, V extends VisitedSet = VisitedSet> {
  protected readonly model: Model<S, Step>;
  private readonly invariants: readonly Invariant<S>[];
  private readonly maxDepth: number;
  private readonly fingerprint = new Uint32Array(2);
  /** The model's own fingerprint (no encoding) when it has one, else the fingerprint of the encoding. */
  private readonly fingerprintOf: (state: S, out: Uint32Array) => void;
  /** Use the model's ample sets (partial-order reduction). */
  protected readonly partialOrder: boolean;
  readonly failures: FailureCollector;
  /** Where states are deduped (a parallel worker swaps in the grown table). */
  protected visited: V;

  /** Ref and depth of the state being expanded (NO_STATE and -1 while emitting initial states). */
  protected expandingRef = NO_STATE;
  protected expandingDepth = -1;
  private emitted = 0;
  /** The emissions come from ampleSuccessors (else from successors or initial). */
  private ample = false;
  /** An ample emission of the current expansion reached an already known state that can close a cycle. */
  private revisited = false;
  /**
   * With partialOrder: the states discovered while expanding the current level
   * (one level deeper: reaching one again closes no cycle). A parallel worker
   * knows only its own.
   */
  private nextLevel: FingerprintSet | null = null;
  private mode: Mode = Mode.Normal;
  /** New states and failures are still recorded (false in Probe and CountOnly mode, and once stopped). */
  protected accepting = true;
  /** Successors emitted, duplicates and failing steps included. */
  generated = 0;
  /** With partialOrder: states expanded, and how many with their ample set alone. */
  expanded = 0;
  ampleExpansions = 0;
  /** A state beyond maxDepth (or a failing step from the last level) was cut off. */
  cutOffByDepth = false;
  /**
   * Work done (successors emitted plus states expanded) and when the next
   * checkpoint is due: budgets are checked by work, not by expanded states, so
   * one expansion with a huge fan-out (or huge states) is cut short too.
   */
  private work = 0;
  private nextCheckpoint = FIRST_CHECKPOINT;
  /** Work units between checkpoints: a driver may adapt it (a cheap check can run more often). */
  protected checkpointEvery = FIRST_CHECKPOINT;

  constructor(model: Model<S, Step>, visited: V, options: ExpansionOptions) {
    this.model = model;
    this.invariants = model.invariants;
    this.maxDepth = options.maxDepth;
    this.fingerprintOf = fingerprintFunction(model);
    this.partialOrder = usesPartialOrder(model, options);
    this.failures = new FailureCollector(options.stopOnFirst, options.maxFailures);
    this.visited = visited;
    this.batch = hasPersistentStates(model)
      ? {
          length: 0,
          fingerprints: new Uint32Array(2 * BATCH),
          refs: new Int32Array(BATCH),
          generated: new Float64Array(BATCH),
          states: new Array<S | undefined>(BATCH).fill(undefined),
        }
      : null;
    this.recent = new Uint32Array(2 * RECENT_SLOTS);
  }

  /**
   * A successor not seen before, already in the visited set: give it a ref,
   * store it (parent link: the state being expanded, `emissionRef`) and
   * return the ref; or return NO_STATE after stopping the search at a bound.
   */
  protected abstract discover(state: S, emissionRef: number): number;

  /** Room for a new state in the visited set; false after stopping the search (a parallel worker's memory budget). */
  protected admit(): boolean {
    return true;
  }

  /** The shortest failure so far got shorter (stopOnFirst): a parallel worker tells the others. */
  protected onShorter(_length: number): void {}

  /**
   * Called every `checkpointEvery` work units, between two emissions or
   * before an expansion: the driver checks its budgets (clock, stop flags,
   * progress) and may throw SearchStopped (core.ts) to cut the current
   * expansion short.
   */
  protected checkpoint(): void {}

  private countWork(): void {
    if (++this.work >= this.nextCheckpoint) {
      // A checkpoint may stop the search: the successors emitted before it count.
      this.lookUpBatch();
      this.nextCheckpoint = this.work + this.checkpointEvery;
      this.checkpoint();
    }
  }

  /** Stop recording new states and failures (a bound stopped the search). */
  protected halt(): void {
    this.accepting = false;
  }

  readonly emit: Emit<S, Step> = (_step, outcome) => {
    this.generated++;
    this.countWork();
    const index = this.emitted++;
    const ref = this.ample ? -index - 1 : index;
    if (!this.accepting) {
      if (this.mode === Mode.Probe) this.probe(outcome);
      return;
    }
    if (outcome.kind === "failure") {
      // Successors are handled in the order emitted: those waiting first (one may stop the search).
      this.lookUpBatch();
      if (!this.accepting) return;
      this.record(outcome.failure, this.expandingRef, ref, this.expandingDepth + 2);
      return;
    }
    const state = outcome.state;
    const fingerprint = this.fingerprint;
    const batch = this.batch;
    if (batch === null || this.ample) {
      this.fingerprintOf(state, fingerprint);
      const hi = fingerprint[0]!;
      const lo = fingerprint[1]!;
      // The state being expanded again (not persistent: a copy of the same bytes) is known.
      if (hi === this.expandingHi && lo === this.expandingLo && !this.ample) {
        this.selfLoops++;
        this.admit();
      } else this.lookUp(state, ref, hi, lo);
      return;
    }
    // The state being expanded again (a step that changed nothing; its states are persistent, so
    // the same object, or primitive, is the same state) is known: nothing to hash or look up.
    // (0, 0), never a fingerprint, marks it in the batch, where `admit` is still asked in its turn.
    let hi = 0;
    let lo = 0;
    if (!Object.is(state, this.expandingState)) {
      this.fingerprintOf(state, fingerprint);
      hi = fingerprint[0]!;
      lo = fingerprint[1]!;
    }
    const n = batch.length++;
    batch.fingerprints[2 * n] = hi;
    batch.fingerprints[2 * n + 1] = lo;
    batch.refs[n] = ref;
    batch.generated[n] = this.generated;
    batch.states[n] = state;
    if (n + 1 === BATCH) this.lookUpBatch();
  };

  /**
   * Successors emitted and not yet looked up (models with persistent states).
   * A lookup in a visited set larger than the cache is a miss to memory, and
   * one per emission, between two successors' worth of other work, waits out
   * every miss in turn; looked up together after the expansion, first reading
   * each home slot (VisitedSet.touch) in a tight loop, the misses overlap.
   * TwoPhase with 8 RMs: see docs/performance.md. Everything that depends on
   * the order (a failing step, a checkpoint, the end of an expansion, the model
   * throwing) looks the waiting ones up first, and what a lookup decides (a
   * bound, a halt) takes effect as it did one by one, so the search does
   * exactly what it did then.
   */
  private readonly batch: {
    length: number;
    readonly fingerprints: Uint32Array;
    readonly refs: Int32Array;
    /** `generated` once each was emitted: where a search that stops at it stands. */
    readonly generated: Float64Array;
    readonly states: (S | undefined)[];
  } | null;
  /**
   * The fingerprints of states this search discovered lately, direct-mapped by
   * their high word (an entry is overwritten by a later discovery with the same
   * slot): a successor found here is known without a lookup in the visited set,
   * whose table is larger than the cache and costs a miss to memory. Only
   * discovered fingerprints are written, and the visited set never forgets one,
   * so a hit is always right; (0, 0), an empty entry, is never a fingerprint.
   */
  private readonly recent: Uint32Array;
  /** What the touch loop read, kept so the reads are not optimised away. */
  private touched = 0;
  /** The state whose successors are being emitted (not by ampleSuccessors), else NOT_EXPANDING: a successor that is it is known. */
  private expandingState: S | typeof NOT_EXPANDING = NOT_EXPANDING;

  /** Looks up the waiting successors, in the order they were emitted. */
  private lookUpBatch(): void {
    const batch = this.batch;
    if (batch === null || batch.length === 0) return;
    const n = batch.length;
    batch.length = 0;
    const fingerprints = batch.fingerprints;
    const visited = this.visited;
    let touched = 0;
    const recent = this.recent;
    for (let i = 0; i < n; i++) {
      const hi = fingerprints[2 * i]!;
      const lo = fingerprints[2 * i + 1]!;
      const r = recentSlot(hi);
      if (recent[r] === hi && recent[r + 1] === lo) {
        // Known from the cache: marked as a self-loop is (the batch is never an ample set, where
        // a known successor may be a revisit), so it is admitted in its turn and not looked up.
        fingerprints[2 * i] = 0;
        fingerprints[2 * i + 1] = 0;
      } else touched ^= visited.touch(hi, lo);
    }
    this.touched ^= touched;
    const states = batch.states;
    let i = 0;
    try {
      for (; i < n && this.accepting; i++) {
        const hi = fingerprints[2 * i]!;
        const lo = fingerprints[2 * i + 1]!;
        // (0, 0): a successor known already (the state being expanded, or one the cache holds).
        if (hi === 0 && lo === 0) this.admit();
        else this.lookUp(states[i]!, batch.refs[i]!, hi, lo);
      }
    } catch (e) {
      // A bound stopped the search at successor i (SearchStopped): one at a time, the
      // later ones would not have been generated. (The model has run their steps.)
      this.generated = batch.generated[i]!;
      throw e;
    } finally {
      // A loop, not fill(): a batch is about ten states, where fill's call cost 20 ns more.
      for (let j = 0; j < n; j++) states[j] = undefined;
    }
  }

  /**
   * The fingerprint of the state being expanded, where its model's states
   * are not persistent (else 0, 0): such a model emits a step that changes
   * nothing as a fresh copy of the same bytes, which the Object.is test in
   * emit cannot tell from a new state, and the state was discovered a level
   * or more before, so the recent cache has usually dropped it: each such
   * successor would be looked up in the visited table, larger than the CPU's
   * caches. (Kept here, not put into the recent cache, where it would evict
   * an entry later successors may look for.) On TwoPhase with 8 RMs on the
   * byte back end, this takes the table's lookups from 9.3 M to 3.2 M. It
   * costs a hash per expansion, which a model whose steps seldom change
   * nothing does not win back (the message-passing two-phase commit: 2-3%
   * slower): after SELF_LOOP_TRIAL expansions it goes on only where such
   * successors numbered at least one per 8 expansions.
   */
  private expandingHi = 0;
  private expandingLo = 0;
  private selfLoopCheck = SelfLoopCheck.Trial;
  private selfLoopChecks = 0;
  private selfLoops = 0;

  /** A successor with fingerprint (hi, lo): dedupe it; a new one is discovered and checked. */
  private lookUp(state: S, ref: number, hi: number, lo: number): void {
    if (!this.admit()) return;
    const recent = this.recent;
    const r = recentSlot(hi);
    if ((recent[r] === hi && recent[r + 1] === lo) || !this.visited.add(hi, lo)) {
      // Known one level deeper (found from this level): not an edge that can close a cycle.
      if (this.ample && !this.nextLevel!.has(hi, lo)) this.revisited = true;
      return;
    }
    recent[r] = hi;
    recent[r + 1] = lo;
    this.nextLevel?.add(hi, lo);
    const stateRef = this.discover(state, ref);
    if (stateRef === NO_STATE) return;
    const invariants = this.invariants;
    for (let i = 0; i < invariants.length; i++) {
      const invariant = invariants[i]!;
      if (!invariant.holds(state)) {
        this.record(invariantFailure(invariant, state), stateRef, null, this.expandingDepth + 2);
        break;
      }
    }
  }

  private probe(outcome: StepOutcome<S>): void {
    if (this.cutOffByDepth) return;
    if (outcome.kind === "failure") {
      this.cutOffByDepth = true;
      return;
    }
    this.fingerprintOf(outcome.state, this.fingerprint);
    if (!this.visited.has(this.fingerprint[0]!, this.fingerprint[1]!)) this.cutOffByDepth = true;
  }

  private record(failure: Failure, stateRef: number, extraStep: number | null, length: number): void {
    const failures = this.failures;
    const kept = failures.offer({ failure, stateRef, extraStep, length });
    if (failures.stopOnFirst) {
      if (kept) this.onShorter(length);
      this.accepting = false;
    }
  }

  /** Emits the initial states (parent NO_STATE, depth -1). */
  protected emitInitial(): void {
    this.expandingRef = NO_STATE;
    this.expandingDepth = -1;
    this.emitted = 0;
    this.mode = Mode.Normal;
    this.accepting = true;
    try {
      this.model.initial(this.emit);
    } catch (e) {
      // The model threw: what it emitted before counts (a bound it reaches stops the search first).
      this.lookUpBatch();
      throw e;
    }
    this.lookUpBatch();
  }

  /** A new level begins: with partialOrder, the states it discovers are one level deeper. */
  protected startLevel(): void {
    if (this.partialOrder) this.nextLevel = new FingerprintSet({ initialCapacity: NEXT_LEVEL_SLOTS });
  }

  /**
   * The state `ref` at `depth` is next: in Normal mode, or Probe at maxDepth,
   * or CountOnly once some failure is known (only shorter terminal failures count).
   */
  protected enter(ref: number, depth: number, failureKnown: boolean): void {
    this.expandingRef = ref;
    this.expandingDepth = depth;
    const mode = failureKnown ? Mode.CountOnly : depth >= this.maxDepth ? Mode.Probe : Mode.Normal;
    this.mode = mode;
    this.accepting = mode === Mode.Normal;
  }

  /** Expands the entered state; one without successors is checked with `terminal` (a trace one step longer than its own). */
  protected expandState(state: S): void {
    this.countWork();
    if (this.expand(state)) return;
    const failure = this.model.terminal(state);
    if (failure !== null) this.record(failure, this.expandingRef, null, this.expandingDepth + 1);
  }

  /**
   * Emits the successors of `state`: its ample set alone when that is enough
   * (ampleSetSuffices), else all of them; false when it has none.
   */
  private expand(state: S): boolean {
    if (this.partialOrder) {
      this.expanded++;
      this.ample = true;
      this.revisited = false;
      this.emitted = 0;
      let reduced: boolean;
      try {
        reduced = this.model.ampleSuccessors!(state, this.emit);
      } finally {
        this.ample = false;
      }
      if (reduced && this.emitted > 0) {
        if (ampleSetSuffices(this.mode, this.cutOffByDepth, this.accepting, this.revisited)) {
          this.ampleExpansions++;
          return true;
        }
      }
    }
    this.emitted = 0;
    this.expandingState = state;
    if (this.batch === null && this.selfLoopCheck !== SelfLoopCheck.Off) {
      if (this.selfLoopCheck === SelfLoopCheck.Trial && ++this.selfLoopChecks > SELF_LOOP_TRIAL)
        this.selfLoopCheck = this.selfLoops * 8 >= SELF_LOOP_TRIAL ? SelfLoopCheck.On : SelfLoopCheck.Off;
      if (this.selfLoopCheck !== SelfLoopCheck.Off) {
        this.fingerprintOf(state, this.fingerprint);
        this.expandingHi = this.fingerprint[0]!;
        this.expandingLo = this.fingerprint[1]!;
      }
    }
    try {
      this.model.successors(state, this.emit);
    } catch (e) {
      // The model threw: what it emitted before counts (a bound it reaches stops the search first).
      this.lookUpBatch();
      throw e;
    } finally {
      this.expandingState = NOT_EXPANDING;
      this.expandingHi = this.expandingLo = 0;
    }
    this.lookUpBatch();
    return this.emitted > 0;
  }
}
