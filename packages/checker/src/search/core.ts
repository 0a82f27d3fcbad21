// The vocabulary every exhaustive search shares: the single-threaded explorer
// (bfs-explorer.ts), the parallel workers and their coordinator
// (parallel-worker.ts, parallel-explorer.ts) and, for counterexamples, the
// liveness check. The expansion of one state is expansion.ts, rebuilding a
// trace counterexample.ts, the result and its figures search-result.ts.
import { fingerprintInto } from "../fingerprint.js";
import { type Failure, hasAmpleSets, hasFingerprint, hasSymmetry, type Json, type Model } from "../model.js";

/** The parent of the initial states, and "no state" (a 32-bit id or ref that none has). */
export const NO_STATE = 0xffffffff;

/** Where a search dedupes states: a set of 64-bit fingerprints (hi, lo). */
export interface VisitedSet {
  /** Adds the fingerprint; true when it was not there yet. */
  add(hi: number, lo: number): boolean;
  has(hi: number, lo: number): boolean;
  /** Reads (hi, lo)'s home slot and returns what is there: `add`'s first load, made early (Expansion.batch). */
  touch(hi: number, lo: number): number;
}

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

/** True when an explorer given `options` should use the model's ample sets. */
export function usesPartialOrder<S, Step extends Json>(
  model: Model<S, Step>,
  options: { partialOrder?: boolean },
): boolean {
  return options.partialOrder === true && hasAmpleSets(model);
}

/** How an explorer fingerprints states of `model`: its own fingerprint when it has one, else the encoding's. */
/**
 * The fingerprint that tells states of the full graph apart: the model's own
 * (which may give states with the same future one fingerprint: a .fl machine
 * blocked in `receive` by where it waits), except under symmetry, whose own
 * fingerprint names the class of a state, not the state. Liveness, random
 * walks and the swarm's state sketch count states with it.
 */
export function stateIdentity<S, Step extends Json>(
  model: Model<S, Step>,
): (state: S, out: Uint32Array) => void {
  if (hasSymmetry(model)) return (state, out) => fingerprintInto(model.encode(state), out);
  return fingerprintFunction(model);
}

export function fingerprintFunction<S, Step extends Json>(
  model: Model<S, Step>,
): (state: S, out: Uint32Array) => void {
  if (hasFingerprint(model)) return model.fingerprint.bind(model);
  return (state, out) => fingerprintInto(model.encode(state), out);
}

/** A failure found during a search, located by parent links. */
export interface Candidate {
  failure: Failure;
  /** The state the failure is at or after (NO_STATE: before any state, i.e. an initial step). */
  stateRef: number;
  /** Emission ref of the failing step from `stateRef` (see parent-links.ts), or null when the failure is in that state. */
  extraStep: number | null;
  /** Trace length in steps. */
  length: number;
}

/** What makes two failures the same one when a search collects them all: kind, property and message. */
export function failureKey(failure: Failure): string {
  return `${failure.kind}\u0000${failure.property}\u0000${failure.message}`;
}

/**
 * Thrown by a search driver out of the model's `successors` (through `emit`)
 * when a bound stops the search in the middle of an expansion: one state with
 * a huge number of successors must not run far past a timeout or a state cap.
 * The driver catches it around the expansion; models do not catch it (a model
 * that did would only delay the stop to the end of the expansion).
 */
export class SearchStopped extends Error {
  constructor() {
    super("search stopped at a bound");
  }
}

/**
 * Thrown by a model while it computes states when the search must start
 * over on another model of the same states: the fixed-width layout
 * (fl/bytes/fixed-model.ts) meeting a value it has no room for. The drivers
 * let it through, as SearchStopped's opposite; checkModel runs the whole
 * check again on `model`, which gives the same counts, verdicts and traces.
 */
export class SearchRestart extends Error {
  constructor(
    readonly model: Model<unknown, Json>,
    reason: string,
  ) {
    super(reason);
  }
}

/**
 * What a driver's catch does first with an error the model threw: a
 * SearchRestart goes on up to checkModel; anything else is the driver's to
 * report (as a model error, or a stop at a bound).
 */
export function letRestartThrough(error: unknown): void {
  if (error instanceof SearchRestart) throw error;
}

/** The process's resident set size (0 where there is no `process`, as in a browser). */
export function residentBytes(): number {
  const memory = (globalThis as { process?: { memoryUsage?: { rss?: () => number } } }).process?.memoryUsage;
  return memory?.rss?.() ?? 0;
}

/** Share of a memory budget the process's resident set may reach before a search stops (the rest: what is allocated before it has stopped). */
export const RSS_SHARE = 0.9;

/**
 * How many states a search on this thread that takes `bytesPerState` may add
 * before the process's resident set reaches RSS_SHARE of `budget` (at least
 * one); undefined without a budget.
 */
export function statesWithinBudget(budget: number | undefined, bytesPerState: number): number | undefined {
  if (budget === undefined) return undefined;
  const left = budget * RSS_SHARE - residentBytes();
  return Math.max(1, Math.floor(left / bytesPerState));
}

/** The model replayed differently from what the search saw: an `error` result, never a wrong trace. */
export class ModelInconsistency extends Error {}

/** The failure of an `error` result's trace: it only locates the state that was being expanded. */
export const NO_FAILURE: Failure = { kind: "runtime-error", property: "", message: "" };

/**
 * The failures a search keeps. With `stopOnFirst`, the shortest one (the first
 * found among equally short ones); otherwise, per failure (failureKey), the
 * shortest candidate, for at most `limit` failures: the first ones found.
 */
export class FailureCollector<C extends Candidate = Candidate> {
  private best: C | null = null;
  private readonly kept = new Map<string, C>();
  private bestChanged = false;
  private readonly changed = new Set<string>();

  constructor(
    readonly stopOnFirst: boolean,
    private readonly limit: number,
  ) {}

  /** Keeps `candidate` when it is shorter than the one it competes with, or new; true when kept. */
  offer(candidate: C): boolean {
    if (this.stopOnFirst) {
      if (this.best !== null && candidate.length >= this.best.length) return false;
      this.best = candidate;
      this.bestChanged = true;
      return true;
    }
    const key = failureKey(candidate.failure);
    const known = this.kept.get(key);
    if (known !== undefined) {
      if (candidate.length >= known.length) return false;
    } else if (this.kept.size >= this.limit) {
      return false;
    }
    // A shorter candidate keeps the place of the first one found (Map order).
    this.kept.set(key, candidate);
    this.changed.add(key);
    return true;
  }

  /** stopOnFirst: the failure kept so far, if any. */
  get shortest(): C | null {
    return this.best;
  }

  /** The candidates kept since the last call (a worker reports them at each level barrier). */
  takeChanged(): C[] {
    if (this.stopOnFirst) {
      const changed = this.bestChanged && this.best !== null ? [this.best] : [];
      this.bestChanged = false;
      return changed;
    }
    const changed = [...this.changed].map((key) => this.kept.get(key)!);
    this.changed.clear();
    return changed;
  }

  /** What the search reports: shortest first, equally short ones in the order they were first found. */
  list(): C[] {
    if (this.stopOnFirst) return this.best === null ? [] : [this.best];
    return [...this.kept.values()].sort((a, b) => a.length - b.length);
  }
}
