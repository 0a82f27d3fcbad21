// Exhaustive breadth-first exploration over the Model interface.
//
// Memory per distinct state: one 64-bit fingerprint in the visited set and a
// parent link (parent id + index of the step in the parent's emission order).
// States get ids in discovery order, which is BFS order; the frontier holds
// encoded bytes only. A counterexample is rebuilt by walking the parent links
// to the root and re-running the model to pick the k-th emitted step at each
// state, so step objects are never stored. BFS makes it a shortest one.
// model.decode receives a view into the frontier's buffers that stays valid
// while that state is expanded, not longer: a decoded state must not keep it.
//
// With `partialOrder: true` and a model that has ampleSuccessors, a state is
// expanded with its ample set alone unless one of the ample successors was
// already visited (the cycle proviso), in which case it is also expanded fully;
// parent links then say which of the two enumerations a step came from (see
// docs/adr/0008-partial-order-reduction.md).
import { type BoundReason, type CheckResult, type ExhaustiveStats, failureResult } from "../check-result.js";
import { errorMessage } from "../errors.js";
import { invariantFailure } from "../failures.js";
import { fingerprintInto } from "../fingerprint.js";
import { FingerprintSet } from "../store/fingerprint-set.js";
import type { Emit, Failure, Invariant, Json, Model, StepOutcome } from "../model.js";
import { LINK_OVERFLOW, linkCode, ParentLinkTable } from "../store/parent-links.js";
import { StateQueue } from "../store/state-queue.js";
import type { Trace } from "../trace/trace.js";

export interface ExhaustiveProgress extends ExhaustiveStats {
  /** States waiting in the frontier. */
  queueStates: number;
  /** Depth of the level being expanded. */
  currentDepth: number;
}

export interface ExhaustiveOptions {
  /** Explore states up to this depth (initial states are depth 0; a trace to depth d has d + 1 steps). */
  maxDepth?: number;
  /** Stop with "bounded" when more than this many distinct states exist. */
  maxStates?: number;
  /** Stop with "bounded" after this long. */
  timeoutMs?: number;
  /** Stop at the first (shortest) failure. Default true; false collects one failure per property and message. */
  stopOnFirst?: boolean;
  /** With stopOnFirst false: how many distinct failures to keep (default 100). */
  maxFailures?: number;
  /** Called with running figures about every `progressIntervalMs` and every `progressEveryStates` expansions. */
  onProgress?: (progress: ExhaustiveProgress) => void;
  /** Default 250. */
  progressIntervalMs?: number;
  /** Default: no count-based progress, time only. */
  progressEveryStates?: number;
  /** Initial slots of the visited set (it grows by doubling). */
  initialCapacity?: number;
  /** Clock in milliseconds (default performance.now); tests inject one to test timeouts without waiting. */
  now?: () => number;
  /**
   * Partial-order reduction: expand states with the model's ampleSuccessors
   * when it has one (default false). Safety verdicts are kept; counterexamples
   * may be longer than the shortest one. See docs/adr/0008-partial-order-reduction.md.
   */
  partialOrder?: boolean;
}

/**
 * The step that emission ref `ref` names from `state` (null: among the initial
 * steps), with a copy of its target's encoding (null for a failing step), or
 * null when the model no longer emits it. Encoding at once keeps this correct
 * for models that reuse state objects between emissions.
 */
export function pickEmission<S, Step extends Json>(
  model: Model<S, Step>,
  state: S | null,
  ref: number,
): { step: Step; bytes: Uint8Array | null } | null {
  const k = ref >= 0 ? ref : -ref - 1;
  let seen = 0;
  let picked: { step: Step; bytes: Uint8Array | null } | null = null;
  const take: Emit<S, Step> = (step, outcome) => {
    if (seen++ !== k) return;
    picked = { step, bytes: outcome.kind === "state" ? model.encode(outcome.state).slice() : null };
  };
  if (state === null) model.initial(take);
  else if (ref >= 0) model.successors(state, take);
  else model.ampleSuccessors?.(state, take);
  return picked;
}

/** True when an explorer given `options` should use the model's ample sets. */
export function usesPartialOrder<S, Step extends Json>(
  model: Model<S, Step>,
  options: { partialOrder?: boolean },
): boolean {
  return options.partialOrder === true && typeof model.ampleSuccessors === "function";
}

const NO_PARENT = 0xffffffff;
const LINK_CHUNK_BITS = 16;
const LINK_CHUNK_SIZE = 1 << LINK_CHUNK_BITS;
const LINK_CHUNK_MASK = LINK_CHUNK_SIZE - 1;
/** Initial slots of the set of states found in the level being expanded (partial-order reduction). */
const NEXT_LEVEL_SLOTS = 1024;
/** Expansions between two looks at the clock. */
const CLOCK_EVERY = 64;

/**
 * Parent id and emission ref per state id, in chunked typed arrays (6 bytes
 * per state). Refs that do not fit a 16-bit link code (rare: huge fan-out) go to a side map.
 */
class ParentLinks extends ParentLinkTable {
  private count = 0;

  constructor() {
    super(LINK_CHUNK_BITS);
  }

  push(parent: number, ref: number): void {
    const at = this.count & LINK_CHUNK_MASK;
    if (at === 0) {
      this.parents.push(new Uint32Array(LINK_CHUNK_SIZE));
      this.indexes.push(new Uint16Array(LINK_CHUNK_SIZE));
    }
    const chunk = this.count >>> LINK_CHUNK_BITS;
    this.parents[chunk]![at] = parent;
    const code = linkCode(ref);
    this.indexes[chunk]![at] = code;
    if (code === LINK_OVERFLOW) this.overflow.set(this.count, ref);
    this.count++;
  }
}

/** A failure found during the search, located by parent links. */
interface Candidate {
  failure: Failure;
  /** The state the failure is at or after (NO_PARENT: before any state, i.e. an initial step). */
  stateId: number;
  /** Emission ref of the failing step from `stateId`, or null when the failure is in that state. */
  extraStep: number | null;
  /** Trace length in steps. */
  length: number;
}

class ModelInconsistency extends Error {}

/** How the current expansion treats emitted successors. */
export enum Mode {
  /** Record new states and failures. */
  Normal = 0,
  /** At maxDepth: only note whether the bound cut anything off. */
  Probe = 1,
  /** A failure is known: only count successors to find shorter terminal failures. */
  CountOnly = 2,
}

/**
 * After a state was expanded with its ample set: is that enough, or must it be
 * expanded fully? The cycle proviso: in Normal mode, every ample successor
 * must be new (a revisit may close a cycle of ample steps). At maxDepth the
 * probe only asks whether some successor is new; `cutOffByDepth` says one was
 * found (it stays set once any state sets it, and the full set could only set
 * it again). After a failure only whether the state is terminal counts.
 */
export function ampleSetSuffices(
  mode: Mode,
  cutOffByDepth: boolean,
  accepting: boolean,
  revisited: boolean,
): boolean {
  if (mode === Mode.CountOnly) return true;
  if (mode === Mode.Probe) return cutOffByDepth;
  return !accepting || !revisited;
}

class BfsRun<S, Step extends Json> {
  private readonly model: Model<S, Step>;
  private readonly invariants: readonly Invariant<S>[];
  private readonly stopOnFirst: boolean;
  private readonly maxDepth: number;
  private readonly maxStates: number;
  private readonly maxFailures: number;
  private readonly options: ExhaustiveOptions;
  private readonly now: () => number;
  private readonly startTime: number;

  private readonly visited: FingerprintSet;
  private readonly queue = new StateQueue();
  private readonly links = new ParentLinks();
  private readonly fingerprint = new Uint32Array(2);
  /** The model's own fingerprint (no encoding) when it has one, else the fingerprint of the encoding. */
  private readonly fingerprintOf: (state: S, out: Uint32Array) => void;
  /** Use the model's ample sets (partial-order reduction). */
  private readonly partialOrder: boolean;

  private distinct = 0;
  private generated = 0;
  private deepest = 0;
  private completedDepth = -1;
  /** Id and depth of the state being expanded (NO_PARENT and -1 while emitting initial states). */
  private expandingId = NO_PARENT;
  private expandingDepth = -1;
  private emitted = 0;
  /** The emissions come from ampleSuccessors (else from successors or initial). */
  private ample = false;
  /** An ample emission of the current expansion reached a state of this level or an earlier one (cycle proviso). */
  private revisited = false;
  /** With partialOrder: the states discovered while expanding the current level (they are one level deeper). */
  private nextLevel: FingerprintSet | null = null;
  private expanded = 0;
  private ampleExpansions = 0;
  private mode: Mode = Mode.Normal;
  private accepting = true;
  private cutOffByDepth = false;
  private stopReason: BoundReason | null = null;
  private best: Candidate | null = null;
  private readonly collected = new Map<string, Candidate>();

  constructor(model: Model<S, Step>, options: ExhaustiveOptions) {
    this.model = model;
    this.invariants = model.invariants;
    this.options = options;
    this.stopOnFirst = options.stopOnFirst ?? true;
    this.maxDepth = options.maxDepth ?? Number.POSITIVE_INFINITY;
    this.maxStates = options.maxStates ?? Number.POSITIVE_INFINITY;
    this.maxFailures = options.maxFailures ?? 100;
    this.now = options.now ?? (() => performance.now());
    this.visited = new FingerprintSet({ initialCapacity: options.initialCapacity });
    this.fingerprintOf = fingerprintFunction(model);
    this.partialOrder = usesPartialOrder(model, options);
    this.startTime = this.now();
  }

  private readonly emit: Emit<S, Step> = (_step, outcome) => {
    this.generated++;
    const index = this.emitted++;
    const ref = this.ample ? -index - 1 : index;
    if (!this.accepting) {
      if (this.mode === Mode.Probe) this.probe(outcome);
      return;
    }
    if (outcome.kind === "failure") {
      this.record(outcome.failure, this.expandingId, ref, this.expandingDepth + 2);
      return;
    }
    const state = outcome.state;
    const fingerprint = this.fingerprint;
    this.fingerprintOf(state, fingerprint);
    if (!this.visited.add(fingerprint[0]!, fingerprint[1]!)) {
      // Known one level deeper (found from this level): not an edge that can close a cycle.
      if (this.ample && !this.nextLevel!.has(fingerprint[0]!, fingerprint[1]!)) this.revisited = true;
      return;
    }
    this.nextLevel?.add(fingerprint[0]!, fingerprint[1]!);
    if (this.distinct >= this.maxStates) {
      this.stop("max-states");
      return;
    }
    const id = this.distinct++;
    this.links.push(this.expandingId, ref);
    this.deepest = this.expandingDepth + 1;
    const invariants = this.invariants;
    for (let i = 0; i < invariants.length; i++) {
      const invariant = invariants[i]!;
      if (!invariant.holds(state)) {
        this.record(invariantFailure(invariant), id, null, this.expandingDepth + 2);
        break;
      }
    }
    // Encoded only now: most successors are already known (encode's buffer may be reused, push copies it).
    this.queue.push(this.model.encode(state));
  };

  private probe(outcome: StepOutcome<S>): void {
    if (this.cutOffByDepth) return;
    if (outcome.kind === "failure") {
      this.cutOffByDepth = true;
      return;
    }
    this.fingerprintOf(outcome.state, this.fingerprint);
    if (!this.visited.has(this.fingerprint[0]!, this.fingerprint[1]!)) this.cutOffByDepth = true;
  }

  private record(failure: Failure, stateId: number, extraStep: number | null, length: number): void {
    const candidate: Candidate = { failure, stateId, extraStep, length };
    if (this.stopOnFirst) {
      if (this.best === null || length < this.best.length) this.best = candidate;
      this.accepting = false;
      return;
    }
    const key = `${failure.kind}\u0000${failure.property}\u0000${failure.message}`;
    const known = this.collected.get(key);
    if (known !== undefined) {
      if (length < known.length) this.collected.set(key, candidate);
      return;
    }
    if (this.collected.size < this.maxFailures) this.collected.set(key, candidate);
  }

  private stop(reason: BoundReason): void {
    if (this.stopReason === null) this.stopReason = reason;
    this.accepting = false;
  }

  run(): CheckResult<ExhaustiveStats> {
    const model = this.model;
    try {
      model.initial(this.emit);
    } catch (error) {
      return this.error(`model threw while computing initial states: ${errorMessage(error)}`, error, null);
    }
    let nextId = 0;
    let depth = 0;
    let levelEnd = this.distinct;
    let expandedSinceClock = 0;
    let expandedSinceProgress = 0;
    let lastProgress = this.startTime;
    const progressInterval = this.options.progressIntervalMs ?? 250;
    const progressEvery = this.options.progressEveryStates ?? Number.POSITIVE_INFINITY;
    const timeout = this.options.timeoutMs ?? Number.POSITIVE_INFINITY;
    const onProgress = this.options.onProgress;
    if (this.partialOrder) this.nextLevel = new FingerprintSet({ initialCapacity: NEXT_LEVEL_SLOTS });

    while (this.stopReason === null && this.queue.length > 0) {
      if (nextId === levelEnd) {
        this.completedDepth = depth;
        depth++;
        levelEnd = this.distinct;
        if (this.partialOrder) this.nextLevel = new FingerprintSet({ initialCapacity: NEXT_LEVEL_SLOTS });
      }
      // Failures found from this level on are no shorter than the best one.
      if (this.best !== null && this.best.length <= depth + 1) break;
      if (++expandedSinceClock >= CLOCK_EVERY) {
        expandedSinceClock = 0;
        const now = this.now();
        if (now - this.startTime >= timeout) {
          this.stop("timeout");
          break;
        }
        if (onProgress !== undefined && now - lastProgress >= progressInterval) {
          lastProgress = now;
          expandedSinceProgress = 0;
          onProgress(this.progress(depth));
        }
      }
      if (onProgress !== undefined && ++expandedSinceProgress >= progressEvery) {
        expandedSinceProgress = 0;
        lastProgress = this.now();
        onProgress(this.progress(depth));
      }

      const id = nextId++;
      const bytes = this.queue.shift()!;
      this.expandingId = id;
      this.expandingDepth = depth;
      if (this.best !== null) this.mode = Mode.CountOnly;
      else if (depth >= this.maxDepth) this.mode = Mode.Probe;
      else this.mode = Mode.Normal;
      this.accepting = this.mode === Mode.Normal;
      try {
        const state = model.decode(bytes);
        if (!this.expand(state)) {
          const failure = model.terminal(state);
          if (failure !== null) this.record(failure, id, null, depth + 1);
        }
      } catch (error) {
        return this.error(
          `model threw while expanding a state at depth ${depth}: ${errorMessage(error)}`,
          error,
          id,
        );
      }
    }
    if (this.stopReason === null && this.queue.length === 0) this.completedDepth = this.deepest;
    return this.finish();
  }

  /**
   * Emits the successors of `state` (an ample set when that is enough, see
   * the file comment); false when it has none (a terminal state).
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
    this.model.successors(state, this.emit);
    return this.emitted > 0;
  }

  private finish(): CheckResult<ExhaustiveStats> {
    const stats = this.stats();
    let candidates: Candidate[];
    if (this.stopOnFirst) candidates = this.best === null ? [] : [this.best];
    else candidates = [...this.collected.values()].sort((a, b) => a.length - b.length);
    try {
      const failed = failureResult(candidates, (c) => this.traceOf(c), !this.stopOnFirst, stats);
      if (failed !== null) return failed;
    } catch (error) {
      return this.error(errorMessage(error), error, null, stats);
    }
    if (this.stopReason !== null) return { kind: "bounded", reason: this.stopReason, stats };
    if (this.cutOffByDepth) return { kind: "bounded", reason: "max-depth", stats };
    return { kind: "pass", stats };
  }

  private error(
    message: string,
    error: unknown,
    stateId: number | null,
    stats = this.stats(),
  ): CheckResult<ExhaustiveStats> {
    const result: CheckResult<ExhaustiveStats> = { kind: "error", message, stats };
    if (error instanceof Error && error.stack !== undefined) result.detail = error.stack;
    if (stateId !== null) {
      try {
        result.trace = this.traceOf({ failure: NO_FAILURE, stateId, extraStep: null, length: 0 });
      } catch {
        // The model cannot even replay the path: report the error without a trace.
      }
    }
    return result;
  }

  /** Rebuilds the steps to a candidate by replaying the emission each parent link names. */
  private traceOf(candidate: Candidate): Trace {
    const path: number[] = [];
    for (let id = candidate.stateId; id !== NO_PARENT; id = this.links.parentOf(id)) path.push(id);
    path.reverse();
    const steps: Json[] = [];
    let state: S | null = null;
    for (const id of path) {
      const picked = this.pick(state, this.links.refOf(id), steps.length);
      steps.push(picked.step);
      if (picked.bytes === null) {
        throw new ModelInconsistency(
          `model is not deterministic: replaying the counterexample, step ${steps.length} failed although the search reached a state through it`,
        );
      }
      // Decode as the search did, so successors see the state exactly as it was expanded.
      state = this.model.decode(picked.bytes);
    }
    if (candidate.extraStep !== null) {
      const picked = this.pick(state, candidate.extraStep, steps.length);
      if (picked.bytes !== null) {
        throw new ModelInconsistency(
          `model is not deterministic: replaying the counterexample, step ${steps.length + 1} no longer fails`,
        );
      }
      steps.push(picked.step);
    }
    return { steps };
  }

  /** The step emission ref `ref` names from `state` (see pickEmission); throws when it is gone. */
  private pick(state: S | null, ref: number, position: number): { step: Step; bytes: Uint8Array | null } {
    const picked = pickEmission(this.model, state, ref);
    if (picked === null) {
      throw new ModelInconsistency(
        `model is not deterministic: replaying the counterexample, step ${position + 1} (${emissionText(ref)}) no longer exists`,
      );
    }
    return picked;
  }

  private stats(): ExhaustiveStats {
    const elapsedMs = Math.max(0, this.now() - this.startTime);
    const seconds = elapsedMs / 1000;
    const distinct = this.distinct;
    const visitedSetBytes = this.visited.bytesUsed;
    const parentLinkBytes = this.links.bytes;
    const memory = (globalThis as { process?: { memoryUsage?: () => { heapUsed: number } } }).process
      ?.memoryUsage;
    return {
      distinctStates: distinct,
      generatedStates: this.generated,
      maxDepth: this.deepest,
      elapsedMs,
      distinctStatesPerSecond: seconds > 0 ? distinct / seconds : 0,
      generatedStatesPerSecond: seconds > 0 ? this.generated / seconds : 0,
      completedDepth: this.completedDepth,
      visitedSetBytes,
      visitedBytesPerState: distinct > 0 ? visitedSetBytes / distinct : 0,
      parentLinkBytes,
      parentLinkBytesPerState: distinct > 0 ? parentLinkBytes / distinct : 0,
      peakQueueStates: this.queue.peakLength,
      peakQueueBytes: this.queue.peakBytes,
      heapUsedBytes: memory === undefined ? 0 : memory().heapUsed,
      ...(this.partialOrder ? { expandedStates: this.expanded, ampleExpansions: this.ampleExpansions } : {}),
    };
  }

  private progress(depth: number): ExhaustiveProgress {
    return { ...this.stats(), queueStates: this.queue.length, currentDepth: depth };
  }
}

/** How an explorer fingerprints states of `model`: its own fingerprint when it has one, else the encoding's. */
export function fingerprintFunction<S, Step extends Json>(
  model: Model<S, Step>,
): (state: S, out: Uint32Array) => void {
  if (model.fingerprint !== undefined) return model.fingerprint.bind(model);
  return (state, out) => fingerprintInto(model.encode(state), out);
}

const NO_FAILURE: Failure = { kind: "runtime-error", property: "", message: "" };

/** How an inconsistency message names an emission ref. */
export function emissionText(ref: number): string {
  return ref >= 0 ? `successor #${ref}` : `ample successor #${-ref - 1}`;
}

/**
 * Explores every reachable state breadth-first. Never throws for model
 * errors: a throwing model gives `{ kind: "error" }` with the trace to the
 * state being expanded.
 */
export function checkExhaustive<S, Step extends Json>(
  model: Model<S, Step>,
  options: ExhaustiveOptions = {},
): CheckResult<ExhaustiveStats> {
  return new BfsRun(model, options).run();
}
