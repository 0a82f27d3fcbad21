// Witness properties (`reachable Name: expr;`, model.ts WitnessProperties):
// after a passing search, each asserted witness is looked for by a search of
// its own in which the witness is the one "invariant" and its negation the
// predicate checked, so the search core's machinery for failures gives the
// witness trace: breadth-first, the first state that satisfies it is at the
// shortest distance and its parent links are the shortest witness trace; a
// random search replays the same seeded walks as the safety search and
// shrinks the witness like a counterexample. A witness search that ends
// without a hit proves (exhaustive) or suggests (random: within the budget)
// that no run reaches it: the test fails with outcome `unreached`.
//
// The witness search runs on this thread without partial-order reduction (its
// traces must be shortest), with the safety search's bounds and the time left.
import type { BoundReason, CheckResult, CheckStats, ViolationResult } from "../check-result.js";
import type { Failure, Invariant, Json, Model, WitnessProperty } from "../model.js";
import type { Trace } from "../trace/trace.js";
import { checkExhaustiveAsync } from "./bfs-explorer.js";
import { checkRandom, type RandomOptions } from "./random-explorer.js";

/** What the search found for one witness property. */
export interface WitnessOutcome {
  name: string;
  kind: "reachable" | "cover";
  location?: Failure["location"];
  reached: boolean;
  /** A reached witness: the shortest trace to a state that satisfies it (shrunk in random mode). */
  trace?: Trace;
  /** States the witness search visited (the exhaustive search's distinct states; random: steps taken). */
  states: number;
  /** Not reached because a bound stopped the witness search first. */
  bound?: BoundReason;
  /** Random and PCT: the command that runs the walk that reached it again. */
  replayCommand?: string;
}

export interface WitnessSearchOptions {
  mode: "exhaustive" | "random" | "pct";
  maxDepth?: number;
  maxStates?: number;
  /** Time left for all witness searches together. */
  timeoutMs?: number;
  random?: Omit<RandomOptions, "strategy" | "timeoutMs" | "coverage">;
  signal?: AbortSignal;
  /** Runs a synchronous search (the random ones), e.g. telling the caller that signals wait meanwhile. */
  blocking?: <T>(search: () => T) => T;
}

/** `model` with one predicate, the witness's negation, as its only invariant, no end-state failure and no hot specs. */
function witnessSearchModel<S, Step extends Json>(
  model: Model<S, Step>,
  witness: WitnessProperty<S>,
): Model<S, Step> {
  const negation: Invariant<S> = {
    name: witness.name,
    ...(witness.location ? { location: witness.location } : {}),
    holds: (state) => !witness.holds(state),
  };
  // The prototype keeps every other member and capability of the model (and `this` in its methods reads them).
  const search = Object.create(model) as Model<S, Step>;
  const own = (value: unknown): PropertyDescriptor => ({ value, writable: false, enumerable: true });
  Object.defineProperties(search, {
    invariants: own([negation]),
    witnesses: own([]),
    terminal: own(() => null),
    hasHotStates: own(false),
  });
  return search;
}

/** A witness search's hit: the negated witness "failed" as an invariant. */
function isHit(result: CheckResult, name: string): result is ViolationResult {
  return (
    result.kind === "violation" && result.failure.kind === "invariant" && result.failure.property === name
  );
}

/**
 * Looks for every witness of `model`. Returns their outcomes, or, when a
 * witness search found a failure of another kind (a random walk the safety
 * search did not take), that result: it is the test's verdict.
 */
export async function searchWitnesses<S, Step extends Json>(
  model: Model<S, Step>,
  witnesses: readonly WitnessProperty<S>[],
  o: WitnessSearchOptions,
): Promise<{ witnesses: WitnessOutcome[]; failure: CheckResult | null }> {
  const started = Date.now();
  const outcomes: WitnessOutcome[] = [];
  for (const witness of witnesses) {
    const timeoutMs =
      o.timeoutMs === undefined ? undefined : Math.max(1, o.timeoutMs - (Date.now() - started));
    const search = witnessSearchModel(model, witness);
    const result =
      o.mode === "exhaustive"
        ? await checkExhaustiveAsync(search, {
            maxDepth: o.maxDepth,
            maxStates: o.maxStates,
            timeoutMs,
            ...(o.signal !== undefined ? { signal: o.signal } : {}),
          })
        : (o.blocking ?? ((f) => f()))(() =>
            checkRandom(search, {
              ...o.random,
              strategy: o.mode as "random" | "pct",
              ...(timeoutMs !== undefined ? { timeoutMs } : {}),
              temperature: undefined,
              coverage: false,
            }),
          );
    const base = {
      name: witness.name,
      kind: witness.kind ?? "reachable",
      ...(witness.location ? { location: witness.location } : {}),
    };
    if (isHit(result, witness.name)) {
      outcomes.push({
        ...base,
        reached: true,
        trace: result.trace,
        states: searchedStates(result.stats, o.mode),
        ...(result.random ? { replayCommand: result.random.replayCommand } : {}),
      });
      continue;
    }
    if (result.kind !== "pass" && result.kind !== "bounded") return { witnesses: outcomes, failure: result };
    outcomes.push({
      ...base,
      reached: false,
      states: searchedStates(result.stats, o.mode),
      ...(result.kind === "bounded" ? { bound: result.reason } : {}),
    });
  }
  return { witnesses: outcomes, failure: null };
}

function searchedStates(stats: CheckStats, mode: WitnessSearchOptions["mode"]): number {
  if (mode === "exhaustive") return stats.distinctStates;
  return (stats as { steps?: number }).steps ?? stats.distinctStates;
}

/**
 * The verdict of a passing test's witness searches: `unreached` when one
 * search ended without reaching its witness (the first such one is named),
 * `bounded` when one was stopped by a bound first (no verdict), null when
 * every witness was reached.
 */
export function witnessVerdict(
  outcomes: readonly WitnessOutcome[],
  mode: "exhaustive" | "random",
  stats: CheckStats,
): CheckResult | null {
  const missed = outcomes.filter((w) => !w.reached && w.bound === undefined);
  const first = missed[0];
  if (first === undefined) {
    const stopped = outcomes.find((w) => !w.reached);
    if (stopped?.bound === undefined) return null;
    return {
      kind: "bounded",
      reason: stopped.bound,
      stats,
      message:
        `the search for ${stopped.kind} ${stopped.name} stopped at the ${stopped.bound} bound after ` +
        `${stopped.states.toLocaleString("en-US")} states without reaching it`,
    };
  }
  const where =
    mode === "random"
      ? `in ${first.states.toLocaleString("en-US")} random steps`
      : `in any of the ${first.states.toLocaleString("en-US")} reachable states`;
  const others =
    missed.length > 1
      ? ` (and ${missed
          .slice(1)
          .map((w) => w.name)
          .join(", ")})`
      : "";
  const failure: Failure = {
    kind: "unreached",
    property: first.name,
    message: `${first.kind} ${first.name} was never witnessed ${where}${others}`,
    ...(first.location ? { location: first.location } : {}),
  };
  return { kind: "unreached", failure, stats };
}
