// Exhaustive liveness: can a spec monitor stay hot forever on a fair run?
//
// The reachable graph is built breadth-first (states as ids, edges in compact
// typed arrays with the fairness key each step takes), then, per monitor,
// Tarjan's algorithm finds the strongly connected components of the states
// where that monitor is hot. A run that stays in a component forever can visit
// all its states and take all its edges; under weak fairness it must take
// every key enabled in all of them. So a component is a violation iff it has
// a cycle and every fairness key enabled in all its states is taken by an edge
// inside it; a smaller cycle inside a component that fails this test fails it
// too (fewer states enable more keys everywhere, fewer edges take fewer), so
// checking components is exact. The rule on a set of states and edges is
// neglectedKeys (fair-cycle.ts), which replay applies to saved lassos too.
//
// Faults: a fault step spends budget, so no cycle contains one; every infinite
// run ends in a component after its last fault. Fairness is therefore applied
// to every cycle: "weak fairness once the fault budgets are spent" read as
// "once no more faults happen" (ADR 0005).
//
// The counterexample is a lasso: the shortest (BFS) prefix to the component's
// shallowest state, then a cycle through it, inside the component, that is
// itself fair (every key enabled in all the states it visits is taken on it).
import { type CheckResult, type CheckStats, resultKindOf } from "../check-result.js";
import { errorMessage } from "../errors.js";
import { FingerprintSet } from "../store/fingerprint-set.js";
import { type Emit, type Failure, hasFairness, type Json, type Model } from "../model.js";
import { StateQueue } from "../store/state-queue.js";
import type { Trace } from "../trace/trace.js";
import { letRestartThrough, ModelInconsistency, stateIdentity } from "./core.js";
import { emissionPath, rebuildTrace } from "./counterexample.js";
import { lassoFailure, neglectedKeys } from "./fair-cycle.js";
import { checkStats, errorResult, stackOf } from "./search-result.js";

export interface LivenessOptions {
  /** Stop with "bounded" when more than this many distinct states exist. */
  maxStates?: number;
  /**
   * How states are told apart (default: the fingerprint of their encoding).
   * Only `hasHotCycle` takes another: a coarser one makes the graph a
   * quotient, in which lassos and fairness keys mean nothing.
   */
  fingerprint?: (state: never, out: Uint32Array) => void;
  /** Stop with "bounded" after this long (building the graph). */
  timeoutMs?: number;
  now?: () => number;
  /**
   * Stops building the graph with `bounded`, reason "interrupted", when
   * aborted; checkLivenessAsync gives the event loop a turn about every 50 ms
   * so that a signal handler can abort it.
   */
  signal?: AbortSignal;
}

export interface LivenessStats extends CheckStats {
  /** Transitions stored (failing steps are not edges). */
  edges: number;
  /** States in which at least one monitor is hot. */
  hotStates: number;
  /** Components with a cycle found among hot states (all monitors). */
  hotComponents: number;
  /** Of those, the ones weak fairness rules out. */
  unfairComponents: number;
  /** Bytes of the graph's arrays (ids, edges, fairness keys). */
  graphBytes: number;
}

/** A growable Int32Array. */
class IntList {
  data = new Int32Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new Int32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }

  get bytes(): number {
    return this.data.byteLength;
  }
}

const NO_PARENT = -1;
const NO_KEY = -1;
/** Work units (states expanded and successors emitted) between two reads of the clock. */
const CLOCK_EVERY = 256;

/** Thrown out of `successors` when the timeout passes in the middle of one state's expansion. */
class LivenessTimeout extends Error {}
/** checkLivenessAsync: how often the event loop gets a turn while the graph is built (ms). */
const YIELD_EVERY_MS = 50;
const MAX_MONITORS = 31;

interface Component {
  monitor: number;
  members: number[];
  entry: number;
  depth: number;
}

class LivenessRun<S, Step extends Json> {
  private readonly now: () => number;
  private readonly start: number;
  private readonly ids = new FingerprintSet({ withValues: true, initialCapacity: 1 << 12 });
  private readonly fingerprint = new Uint32Array(2);
  private readonly queue = new StateQueue();
  // Per state id.
  private readonly parent = new IntList();
  private readonly parentIndex = new IntList();
  private readonly depth = new IntList();
  private readonly hot = new IntList();
  private readonly fairStart = new IntList();
  private readonly edgeStart = new IntList();
  // Flat lists.
  private readonly fairKeys = new IntList();
  private readonly edgeTarget = new IntList();
  private readonly edgeKey = new IntList();
  private readonly edgeIndex = new IntList();

  private readonly monitorIndex = new Map<string, number>();
  private readonly monitorNames: string[] = [];
  private readonly keyIndex = new Map<string, number>();
  private fair: boolean;
  private count = 0;
  private generated = 0;
  private deepest = 0;
  private cutOff: "max-states" | "timeout" | "interrupted" | null = null;
  private expanding: S | null = null;
  private expandingId = NO_PARENT;
  private emitted = 0;
  private hotComponents = 0;
  private unfairComponents = 0;

  constructor(
    private readonly model: Model<S, Step>,
    private readonly options: LivenessOptions,
  ) {
    this.now = options.now ?? (() => performance.now());
    this.start = this.now();
    this.fair = hasFairness(model);
    const own = options.fingerprint as ((state: S, out: Uint32Array) => void) | undefined;
    // The exact check runs on the full graph: a symmetric model's own fingerprint is its quotient's.
    this.fingerprintOf = own ?? stateIdentity(model);
  }

  private readonly fingerprintOf: (state: S, out: Uint32Array) => void;

  /**
   * The graph's components only, ignoring fairness: "none" when no spec
   * monitor can stay hot along any cycle, "found" when one can (fair or not).
   */
  hotCycle(): "none" | "found" | "bounded" {
    this.fair = false;
    if (this.build() !== null) return "found";
    for (let monitor = 0; monitor < this.monitorNames.length; monitor++) {
      if (this.fairHotComponent(monitor) !== null) return "found";
    }
    return this.cutOff === null ? "none" : "bounded";
  }

  run(): CheckResult<LivenessStats> {
    let terminal: { id: number; failure: Failure } | null = null;
    try {
      terminal = this.build();
    } catch (error) {
      letRestartThrough(error);
      return this.error(`model threw while building the state graph: ${errorMessage(error)}`, error);
    }
    return this.verdict(terminal);
  }

  /** As run, giving the event loop a turn about every YIELD_EVERY_MS while the graph is built. */
  async runAsync(): Promise<CheckResult<LivenessStats>> {
    let terminal: { id: number; failure: Failure } | null = null;
    try {
      const building = this.building(YIELD_EVERY_MS);
      for (let step = building.next(); ; step = building.next()) {
        if (step.done) {
          terminal = step.value;
          break;
        }
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } catch (error) {
      letRestartThrough(error);
      return this.error(`model threw while building the state graph: ${errorMessage(error)}`, error);
    }
    return this.verdict(terminal);
  }

  /** The result once the graph is built: a terminal failure, the shallowest fair hot cycle, a bound, or a pass. */
  private verdict(terminal: { id: number; failure: Failure } | null): CheckResult<LivenessStats> {
    if (this.cutOff === "interrupted") return { kind: "bounded", reason: this.cutOff, stats: this.stats() };
    if (terminal !== null) {
      try {
        const trace = this.traceTo(this.pathTo(terminal.id), []);
        return {
          kind: resultKindOf(terminal.failure.kind),
          failure: terminal.failure,
          trace,
          stats: this.stats(),
        };
      } catch (error) {
        return this.error(errorMessage(error), error);
      }
    }
    let best: Component | null = null;
    for (let monitor = 0; monitor < this.monitorNames.length; monitor++) {
      const found = this.fairHotComponent(monitor);
      if (found !== null && (best === null || found.depth < best.depth)) best = found;
    }
    if (best !== null) {
      try {
        return this.lasso(best);
      } catch (error) {
        return this.error(errorMessage(error), error);
      }
    }
    if (this.cutOff !== null) return { kind: "bounded", reason: this.cutOff, stats: this.stats() };
    return { kind: "pass", stats: this.stats() };
  }

  // ------------------------------------------------------------------ graph

  private intern(key: string): number {
    let id = this.keyIndex.get(key);
    if (id === undefined) {
      id = this.keyIndex.size;
      this.keyIndex.set(key, id);
    }
    return id;
  }

  /** Work since the clock was last read; the clock is read by work, so one huge expansion cannot overrun. */
  private sinceClock = 0;
  /** The clock was read since the build loop last looked: time for its yield and interrupt checks. */
  private clockRead = false;

  /** Reads the clock every CLOCK_EVERY units of work; true once the timeout has passed. */
  private timedOut(): boolean {
    if (++this.sinceClock < CLOCK_EVERY) return false;
    this.sinceClock = 0;
    this.clockRead = true;
    if (this.now() - this.start < (this.options.timeoutMs ?? Number.POSITIVE_INFINITY)) return false;
    this.cutOff = "timeout";
    return true;
  }

  private readonly emit: Emit<S, Step> = (step, outcome) => {
    if (this.timedOut()) throw new LivenessTimeout();
    this.generated++;
    const index = this.emitted++;
    // A failing step is a safety matter (checkExhaustive); it leads to no infinite run.
    if (outcome.kind === "failure") return;
    this.fingerprintOf(outcome.state, this.fingerprint);
    const hi = this.fingerprint[0]!;
    const lo = this.fingerprint[1]!;
    let target: number;
    if (this.count >= (this.options.maxStates ?? Number.POSITIVE_INFINITY)) {
      target = this.ids.get(hi, lo);
      if (target < 0) {
        this.cutOff ??= "max-states";
        return;
      }
    } else {
      target = this.ids.addWithValue(hi, lo, this.count);
      if (target < 0) {
        target = this.count++;
        this.parent.push(this.expandingId);
        this.parentIndex.push(index);
        const depth = this.expandingId === NO_PARENT ? 0 : this.depth.data[this.expandingId]! + 1;
        this.depth.push(depth);
        if (depth > this.deepest) this.deepest = depth;
        this.queue.push(this.model.encode(outcome.state));
      }
    }
    if (this.expanding === null) return;
    this.edgeTarget.push(target);
    const key = this.fair ? this.model.fairKeyOfStep!(this.expanding, step) : null;
    this.edgeKey.push(key === null ? NO_KEY : this.intern(key));
    this.edgeIndex.push(index);
  };

  /** Builds the graph; returns the first (shallowest) state with a terminal failure, if any. */
  private build(): { id: number; failure: Failure } | null {
    const building = this.building(Number.POSITIVE_INFINITY);
    for (;;) {
      const step = building.next();
      if (step.done) return step.value;
    }
  }

  /**
   * build, pausing (a yield) about every `yieldEveryMs` between two states so
   * that the caller can give the event loop a turn.
   */
  private *building(yieldEveryMs: number): Generator<void, { id: number; failure: Failure } | null> {
    const model = this.model;
    const signal = this.options.signal;
    let lastYield = this.now();
    this.expanding = null;
    this.expandingId = NO_PARENT;
    this.emitted = 0;
    model.initial(this.emit);
    for (let id = 0; this.queue.length > 0; id++) {
      // States not expanded keep no edges: they lie on no cycle found.
      if (this.cutOff === "timeout" || this.timedOut()) break;
      if (this.clockRead) {
        this.clockRead = false;
        if (this.now() - lastYield >= yieldEveryMs) {
          yield;
          lastYield = this.now();
        }
        if (signal?.aborted) {
          this.cutOff = "interrupted";
          break;
        }
      }
      const state = model.decode(this.queue.shift()!);
      let mask = 0;
      for (const name of model.hotMonitors?.(state) ?? []) mask |= 1 << this.monitorOf(name);
      this.hot.push(mask);
      this.fairStart.push(this.fairKeys.length);
      if (this.fair) {
        const keys = [...new Set(model.enabledFairSteps!(state).map((k) => this.intern(k)))].sort(
          (a, b) => a - b,
        );
        for (const key of keys) this.fairKeys.push(key);
      }
      this.edgeStart.push(this.edgeTarget.length);
      this.expanding = state;
      this.expandingId = id;
      this.emitted = 0;
      try {
        model.successors(state, this.emit);
      } catch (error) {
        // The timeout passed inside this expansion: the edges recorded so far are real, the rest missing.
        if (!(error instanceof LivenessTimeout)) throw error;
        this.expanding = null;
        break;
      }
      this.expanding = null;
      if (this.emitted === 0) {
        const failure = model.terminal(state);
        if (failure !== null) return { id, failure };
      }
    }
    // Close the per-state arrays (states never expanded get no keys and no edges).
    while (this.hot.length < this.count) {
      this.hot.push(0);
      this.fairStart.push(this.fairKeys.length);
      this.edgeStart.push(this.edgeTarget.length);
    }
    this.fairStart.push(this.fairKeys.length);
    this.edgeStart.push(this.edgeTarget.length);
    return null;
  }

  private monitorOf(name: string): number {
    let index = this.monitorIndex.get(name);
    if (index === undefined) {
      index = this.monitorNames.length;
      if (index >= MAX_MONITORS) throw new Error(`more than ${MAX_MONITORS} spec monitors`);
      this.monitorIndex.set(name, index);
      this.monitorNames.push(name);
    }
    return index;
  }

  // ------------------------------------------------------------------ components

  /** Tarjan's SCC algorithm (iterative) over the states where `monitor` is hot; the shallowest fair one. */
  private fairHotComponent(monitor: number): Component | null {
    const n = this.count;
    const bit = 1 << monitor;
    const hot = this.hot.data;
    const edgeStart = this.edgeStart.data;
    const edgeTarget = this.edgeTarget.data;
    const order = new Int32Array(n).fill(-1);
    const low = new Int32Array(n);
    const onStack = new Uint8Array(n);
    const stack = new Int32Array(n);
    const callNode = new Int32Array(n);
    const callEdge = new Int32Array(n);
    let sp = 0;
    let counter = 0;
    let best: Component | null = null;
    for (let root = 0; root < n; root++) {
      if ((hot[root]! & bit) === 0 || order[root] !== -1) continue;
      let top = 0;
      callNode[0] = root;
      callEdge[0] = edgeStart[root]!;
      order[root] = low[root] = counter++;
      stack[sp++] = root;
      onStack[root] = 1;
      while (top >= 0) {
        const v = callNode[top]!;
        const e = callEdge[top]!;
        if (e < edgeStart[v + 1]!) {
          callEdge[top] = e + 1;
          const w = edgeTarget[e]!;
          if ((hot[w]! & bit) === 0) continue;
          if (order[w] === -1) {
            order[w] = low[w] = counter++;
            stack[sp++] = w;
            onStack[w] = 1;
            top++;
            callNode[top] = w;
            callEdge[top] = edgeStart[w]!;
          } else if (onStack[w] === 1 && order[w]! < low[v]!) {
            low[v] = order[w]!;
          }
          continue;
        }
        if (low[v] === order[v]) {
          const members: number[] = [];
          let w: number;
          do {
            w = stack[--sp]!;
            onStack[w] = 0;
            members.push(w);
          } while (w !== v);
          const found = this.checkComponent(monitor, members);
          if (found !== null && (best === null || found.depth < best.depth)) best = found;
        }
        top--;
        if (top >= 0) {
          const u = callNode[top]!;
          if (low[v]! < low[u]!) low[u] = low[v]!;
        }
      }
    }
    return best;
  }

  /** A component with a cycle on which weak fairness holds, as a candidate; else null. */
  private checkComponent(monitor: number, members: number[]): Component | null {
    const inside = new Set(members);
    const edgeStart = this.edgeStart.data;
    const edgeTarget = this.edgeTarget.data;
    const edgeKey = this.edgeKey.data;
    const taken = new Set<number>();
    let hasEdge = false;
    for (const v of members) {
      for (let e = edgeStart[v]!; e < edgeStart[v + 1]!; e++) {
        if (!inside.has(edgeTarget[e]!)) continue;
        hasEdge = true;
        if (edgeKey[e] !== NO_KEY) taken.add(edgeKey[e]!);
      }
    }
    if (!hasEdge) return null;
    this.hotComponents++;
    if (neglectedKeys(this.enabledKeys(members), taken).length > 0) {
      this.unfairComponents++;
      return null;
    }
    let entry = members[0]!;
    for (const v of members) if (this.depth.data[v]! < this.depth.data[entry]!) entry = v;
    return { monitor, members, entry, depth: this.depth.data[entry]! };
  }

  private enables(state: number, key: number): boolean {
    const start = this.fairStart.data;
    const keys = this.fairKeys.data;
    for (let i = start[state]!; i < start[state + 1]!; i++) if (keys[i] === key) return true;
    return false;
  }

  /** The fairness keys enabled in each state of `states`, for neglectedKeys. */
  private enabledKeys(states: Iterable<number>): Iterable<Int32Array> {
    const start = this.fairStart.data;
    const keys = this.fairKeys.data;
    return [...states].map((v) => keys.subarray(start[v]!, start[v + 1]!));
  }

  // ------------------------------------------------------------------ lasso

  private lasso(component: Component): CheckResult<LivenessStats> {
    const inside = new Set(component.members);
    const edgeTarget = this.edgeTarget.data;
    const edgeKey = this.edgeKey.data;
    // The cycle must itself be fair: every key enabled in all the states it
    // visits is taken on it. Extending it only shrinks the first set and grows
    // the second, so: while a key is enabled everywhere on it and never taken,
    // go to the nearest edge taking it or state disabling it (the component
    // has one or the other, being fair), then close the cycle.
    const visited = new Set([component.entry]);
    const taken = new Set<number>();
    const cycle: number[] = [];
    let current = component.entry;
    const extend = (path: readonly number[]): void => {
      for (const e of path) {
        cycle.push(e);
        visited.add(edgeTarget[e]!);
        if (edgeKey[e] !== NO_KEY) taken.add(edgeKey[e]!);
      }
      current = edgeTarget[path[path.length - 1]!]!;
    };
    for (;;) {
      const key = neglectedKeys(this.enabledKeys(visited), taken)[0];
      if (key === undefined) break;
      const path = this.pathWithin(
        inside,
        current,
        (e) => edgeKey[e] === key || !this.enables(edgeTarget[e]!, key),
      );
      if (path === null) throw new ModelInconsistency("internal: a fair component cannot satisfy a key");
      extend(path);
    }
    if (cycle.length === 0 || current !== component.entry) {
      const back = this.pathWithin(inside, current, (e) => edgeTarget[e] === component.entry);
      if (back === null) throw new ModelInconsistency("internal: a component is not strongly connected");
      extend(back);
    }
    const prefix = this.pathTo(component.entry);
    const trace = this.traceTo(
      prefix,
      cycle.map((e) => this.edgeIndex.data[e]!),
      component.entry,
    );
    const name = this.monitorNames[component.monitor]!;
    const failure = lassoFailure(this.model, name, this.lastState(trace), cycle.length);
    return { kind: "violation", failure, trace, loop: prefix.length - 1, stats: this.stats() };
  }

  /** The state `trace` ends in (the lasso's loop state), or null when it does not replay to one. */
  private lastState(trace: Trace): S | null {
    try {
      let state: S | null = null;
      for (const step of trace.steps) {
        const out = this.model.apply(state, step as Step);
        if (out.kind !== "state") return null;
        state = out.state;
      }
      return state;
    } catch {
      return null;
    }
  }

  /** Shortest path inside `inside` from `from` to the first edge `goal` accepts: the edges, in order. */
  private pathWithin(inside: Set<number>, from: number, goal: (edge: number) => boolean): number[] | null {
    const edgeStart = this.edgeStart.data;
    const edgeTarget = this.edgeTarget.data;
    const viaEdge = new Map<number, number>([[from, -1]]);
    const viaNode = new Map<number, number>();
    const queue = [from];
    for (let head = 0; head < queue.length; head++) {
      const v = queue[head]!;
      for (let e = edgeStart[v]!; e < edgeStart[v + 1]!; e++) {
        const w = edgeTarget[e]!;
        if (!inside.has(w)) continue;
        if (goal(e)) {
          const path = [e];
          for (let at = v; at !== from; at = viaNode.get(at)!) path.push(viaEdge.get(at)!);
          return path.reverse();
        }
        if (!viaEdge.has(w)) {
          viaEdge.set(w, e);
          viaNode.set(w, v);
          queue.push(w);
        }
      }
    }
    return null;
  }

  /** The BFS path to `id`: the emission index of each step from before the initial state. */
  private pathTo(id: number): number[] {
    const parent = this.parent.data;
    const parentIndex = this.parentIndex.data;
    return emissionPath({ parentOf: (at) => parent[at]!, refOf: (at) => parentIndex[at]! }, id, NO_PARENT);
  }

  /**
   * Rebuilds steps by re-running the model and taking the k-th emission at
   * each state; checks that the cycle really returns to `closing`.
   */
  private traceTo(prefix: readonly number[], cycle: readonly number[], closing?: number): Trace {
    const { trace, last } = rebuildTrace(
      this.model,
      [...prefix, ...cycle],
      null,
      "the liveness counterexample",
    );
    if (closing !== undefined && last !== null) {
      this.fingerprintOf(last, this.fingerprint);
      if (this.ids.get(this.fingerprint[0]!, this.fingerprint[1]!) !== closing) {
        throw new ModelInconsistency(
          "model is not deterministic: the liveness counterexample's cycle does not return to its start",
        );
      }
    }
    return trace;
  }

  // ------------------------------------------------------------------ results

  statsNow(): LivenessStats {
    return this.stats();
  }

  private stats(): LivenessStats {
    let hotStates = 0;
    for (let i = 0; i < this.hot.length; i++) if (this.hot.data[i] !== 0) hotStates++;
    const lists = [
      this.parent,
      this.parentIndex,
      this.depth,
      this.hot,
      this.fairStart,
      this.edgeStart,
      this.fairKeys,
      this.edgeTarget,
      this.edgeKey,
      this.edgeIndex,
    ];
    return {
      ...checkStats(this.count, this.generated, this.deepest, Math.max(0, this.now() - this.start)),
      edges: this.edgeTarget.length,
      hotStates,
      hotComponents: this.hotComponents,
      unfairComponents: this.unfairComponents,
      graphBytes: lists.reduce((sum, list) => sum + list.bytes, 0) + this.ids.bytesUsed,
    };
  }

  private error(message: string, error: unknown): CheckResult<LivenessStats> {
    return errorResult(message, stackOf(error), this.stats(), null);
  }
}

/**
 * Checks that no spec monitor can stay hot forever on a fair run (weak
 * fairness on the model's fairness keys), nor end hot in a quiescent state.
 * A fair cycle gives a `violation` whose failure kind is `liveness`, with a
 * lasso trace and `loop`; a terminal failure (hot-at-end, deadlock) the same
 * result checkExhaustive gives. Safety is not checked here: run
 * checkExhaustive first. Never throws for model errors.
 */
/**
 * A quick, sound pre-check for symmetry reduction: explores the quotient graph
 * (states told apart by `options.fingerprint`, e.g. the model's symmetric
 * one) and looks for any cycle along which a monitor stays hot, fair or not.
 * Renaming instances maps every cycle of the full graph onto a cycle of the
 * quotient, and leaves monitors as they are, so "none" proves that no run
 * stays hot forever; "found" only says the exact check is needed. It also
 * answers "found" when the graph has a terminal failure (the safety search's
 * business, and then the exact check reports it).
 */
export function hasHotCycle<S, Step extends Json>(
  model: Model<S, Step>,
  options: LivenessOptions & { fingerprint: (state: S, out: Uint32Array) => void },
): { answer: "none" | "found" | "bounded"; stats: LivenessStats } {
  const run = new LivenessRun(model, options as LivenessOptions);
  const answer = run.hotCycle();
  return { answer, stats: run.statsNow() };
}

export function checkLiveness<S, Step extends Json>(
  model: Model<S, Step>,
  options: LivenessOptions = {},
): CheckResult<LivenessStats> {
  return new LivenessRun(model, options).run();
}

/**
 * checkLiveness that gives the event loop a turn about every 50 ms while the
 * graph is built, so that a signal handler can abort `options.signal` (then
 * `bounded`, reason "interrupted").
 */
export function checkLivenessAsync<S, Step extends Json>(
  model: Model<S, Step>,
  options: LivenessOptions = {},
): Promise<CheckResult<LivenessStats>> {
  return new LivenessRun(model, options).runAsync();
}
