// Liveness: a hot monitor that can stay hot forever along a fair cycle is a
// violation, reported as a lasso; a model live only under fairness passes;
// random runs report a monitor hot for too long (temperature). The SCC check
// is compared with a brute-force search over every set of states.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkExhaustive } from "../src/search/bfs-explorer.js";
import { buildModel, type FlModel } from "../src/fl/fl-model.js";
import { traceToItf } from "../src/trace/itf.js";
import { checkLiveness } from "../src/search/liveness.js";
import type { Failure, Json, Model, StepLabel, StepOutcome } from "../src/model.js";
import { checkRandom } from "../src/search/random-explorer.js";
import { replayTrace } from "../src/trace/replay.js";
import { compileText, loadFixture } from "./fixtures/fl/load.js";

const ir = loadFixture("liveness.fl");
const model = (test: string) => buildModel(ir, test);

/** The same model with its fairness methods hidden: every cycle then counts. */
function unfair<S, Step extends Json>(m: Model<S, Step>): Model<S, Step> {
  const copy = Object.create(m) as Model<S, Step>;
  Object.assign(copy, { enabledFairSteps: undefined, fairKeyOfStep: undefined });
  return copy;
}

function lassoOf(m: FlModel, test: string) {
  const result = checkLiveness(m);
  if (result.kind !== "violation" || result.loop === undefined) {
    throw new Error(`${test}: expected a lasso, got ${JSON.stringify(result).slice(0, 300)}`);
  }
  return { ...result, loop: result.loop };
}

function hex(m: FlModel, s: Parameters<FlModel["encode"]>[0]): string {
  return Buffer.from(m.encode(s)).toString("hex");
}

describe("liveness along a cycle (exhaustive)", () => {
  it("finds a monitor hot forever where the system never stops, as a lasso", () => {
    const m = model("ForgetsRequests");
    // No quiescent end state: the safety search and its hot-at-end check see nothing.
    expect(checkExhaustive(m).kind).toBe("pass");
    const result = lassoOf(m, "ForgetsRequests");
    expect(result.failure).toMatchObject({ kind: "liveness", property: "EveryClientAnswered" });
    expect(result.failure.message).toContain("hot state Waiting");
    const replay = replayTrace(m, result.trace.steps);
    expect(replay.labels.map((l) => l.text)).toEqual([
      "init: ForgetfulSetup(0)",
      "ForgetfulServer(0) <- Request(Client(0)) from Client(0)",
      "ForgetfulServer(0) <- timeout Tick",
    ]);
    expect(result.loop).toBe(1);
    const states = replay.states;
    expect(hex(m, states[states.length - 1]!)).toBe(hex(m, states[result.loop]!));
    for (const s of states.slice(result.loop)) expect(m.hotMonitors(s)).toEqual(["EveryClientAnswered"]);
  });

  it("writes the lasso as ITF with its loop index", () => {
    const m = model("ForgetsRequests");
    const result = lassoOf(m, "ForgetsRequests");
    const itf = traceToItf(m, result.trace, { loop: result.loop, failure: result.failure }) as {
      loop: number;
      states: { [k: string]: Json }[];
    };
    expect(itf.loop).toBe(1);
    const strip = (s: { [k: string]: Json }) => JSON.stringify({ ...s, "#meta": null });
    expect(strip(itf.states[itf.states.length - 1]!)).toBe(strip(itf.states[itf.loop]!));
  });

  it("a lost message with no retry: the lasso starts with the fault", () => {
    const m = model("LossyWithoutRetry");
    expect(checkExhaustive(m).kind).toBe("pass");
    const result = lassoOf(m, "LossyWithoutRetry");
    const labels = replayTrace(m, result.trace.steps).labels;
    expect(labels[1]!.kind).toBe("fault");
    expect(labels[1]!.text).toBe("drop Request(Client(0)) Client(0) -> PatientServer(0)");
    expect(result.trace.steps.length).toBe(result.loop + 2);
  });

  it("hot in a quiescent end state is reported as hot-at-end", () => {
    const result = checkLiveness(model("EndsHot"));
    expect(result.kind).toBe("deadlock");
    if (result.kind !== "deadlock") return;
    expect(result.failure.kind).toBe("hot-at-end");
    expect(replayTrace(model("EndsHot"), result.trace.steps).failure?.kind).toBe("hot-at-end");
  });
});

describe("liveness under fairness", () => {
  it("passes a model that is live only under weak fairness, and fails it without", () => {
    for (const test of ["AnsweredUnderFairness", "LossyWithRetry"]) {
      const m = model(test);
      const fair = checkLiveness(m);
      expect(fair.kind, test).toBe("pass");
      if (fair.kind === "pass") expect(fair.stats.unfairComponents, test).toBeGreaterThan(0);
      // Without fairness, ticking forever with the request in flight would count.
      const result = checkLiveness(unfair(m));
      expect(result.kind, test).toBe("violation");
      if (result.kind === "violation") expect(result.failure.kind).toBe("liveness");
    }
  });

  it("tells whether a test has liveness to check at all", () => {
    expect(model("ForgetsRequests").hasHotStates).toBe(true);
    expect(buildModel(loadFixture("ping-pong.fl"), "PingPong(rounds=1)").hasHotStates).toBe(false);
  });

  it("passes the standard models that are live", () => {
    const twoPhase = buildModel(loadFixture("two-phase-commit.fl"), "Reliable");
    expect(checkLiveness(twoPhase).kind).toBe("pass");
    const path = fileURLToPath(new URL("../../../examples/spec-monitor.fl", import.meta.url));
    const lock = buildModel(compileText(path, readFileSync(path, "utf8")), "CorrectLock");
    expect(checkLiveness(lock).kind).toBe("pass");
  });

  it("reports bounded when the graph is cut off", () => {
    const result = checkLiveness(buildModel(loadFixture("two-phase-commit.fl"), "Reliable"), {
      maxStates: 50,
    });
    expect(result).toMatchObject({ kind: "bounded", reason: "max-states" });
  });
});

describe("liveness by temperature (random mode)", () => {
  it("reports a monitor hot for more than the threshold as a potential violation", () => {
    const m = model("ForgetsRequests");
    const result = checkRandom(m, { seed: 4, runs: 10, maxSteps: 200, temperature: 30 });
    expect(result.kind).toBe("violation");
    if (result.kind !== "violation") return;
    expect(result.failure.kind).toBe("liveness");
    expect(result.failure.property).toBe("EveryClientAnswered");
    expect(result.potential).toBe(true);
    expect(result.random?.replayCommand).toContain("--temperature 30");
    // 31 states in a row hot, from the initial one.
    expect(result.trace.steps).toHaveLength(31);
    const replay = replayTrace(m, result.trace.steps);
    expect(replay.states.every((s) => m.hotMonitors(s).length === 1)).toBe(true);
  });

  it("does not report a model that fair random runs keep cooling", () => {
    for (const test of ["AnsweredUnderFairness", "LossyWithRetry"]) {
      const result = checkRandom(model(test), { seed: 4, runs: 100, maxSteps: 300, temperature: 30 });
      expect(result.kind, test).toBe("pass");
    }
  });
});

// ---------------------------------------------------------------- brute force

interface FairGraph {
  n: number;
  edges: { to: number; key: number | null }[][];
  enabled: number[][];
  hot: boolean[];
}

type GStep = { init: number } | { from: number; index: number; to: number };

class FairGraphModel implements Model<number, GStep> {
  readonly name = "fair-graph";
  readonly invariants = [];
  constructor(private readonly g: FairGraph) {}
  initial(emit: (step: GStep, o: StepOutcome<number>) => void): void {
    emit({ init: 0 }, { kind: "state", state: 0 });
  }
  successors(v: number, emit: (step: GStep, o: StepOutcome<number>) => void): void {
    this.g.edges[v]!.forEach((e, index) => {
      emit({ from: v, index, to: e.to }, { kind: "state", state: e.to });
    });
  }
  apply(v: number | null, step: GStep): StepOutcome<number> {
    if ("init" in step) return { kind: "state", state: 0 };
    if (v !== step.from || this.g.edges[v]![step.index]?.to !== step.to) throw new Error("not enabled");
    return { kind: "state", state: step.to };
  }
  terminal(): Failure | null {
    return null;
  }
  encode(v: number): Uint8Array {
    return new Uint8Array([v]);
  }
  decode(b: Uint8Array): number {
    return b[0]!;
  }
  hotMonitors(v: number): string[] {
    return this.g.hot[v] ? ["M"] : [];
  }
  enabledFairSteps(v: number): string[] {
    return this.g.enabled[v]!.map((k) => `k${k}`);
  }
  fairKeyOfStep(v: number, step: GStep): string | null {
    if ("init" in step) return null;
    const key = this.g.edges[v]![step.index]!.key;
    return key === null ? null : `k${key}`;
  }
  describeStep(step: GStep): StepLabel {
    return { kind: "edge", text: JSON.stringify(step) };
  }
  viewState(v: number) {
    return { v };
  }
}

/** Is there a set of reachable hot states, strongly connected with an edge, on which weak fairness holds? */
function bruteForceViolation(g: FairGraph): boolean {
  const reachable = new Set([0]);
  const queue = [0];
  for (let h = 0; h < queue.length; h++) {
    for (const e of g.edges[queue[h]!]!) {
      if (!reachable.has(e.to)) {
        reachable.add(e.to);
        queue.push(e.to);
      }
    }
  }
  for (let mask = 1; mask < 1 << g.n; mask++) {
    const set = [...Array(g.n).keys()].filter((v) => mask & (1 << v));
    if (!set.every((v) => reachable.has(v) && g.hot[v])) continue;
    const inside = (v: number) => (mask & (1 << v)) !== 0;
    const inner = set.flatMap((v) => g.edges[v]!.filter((e) => inside(e.to)).map((e) => ({ from: v, ...e })));
    if (inner.length === 0) continue;
    const reach = (forward: boolean) => {
      const seen = new Set([set[0]!]);
      const q = [set[0]!];
      for (let h = 0; h < q.length; h++) {
        for (const e of inner) {
          const [a, b] = forward ? [e.from, e.to] : [e.to, e.from];
          if (a === q[h] && !seen.has(b)) {
            seen.add(b);
            q.push(b);
          }
        }
      }
      return seen.size === set.length;
    };
    if (!reach(true) || !reach(false)) continue;
    const always = [0, 1, 2].filter((k) => set.every((v) => g.enabled[v]!.includes(k)));
    if (always.every((k) => inner.some((e) => e.key === k))) return true;
  }
  return false;
}

describe("the SCC check agrees with a brute-force search", () => {
  const graphs = fc.integer({ min: 1, max: 6 }).chain((n) =>
    fc.record({
      n: fc.constant(n),
      edges: fc.array(
        fc.array(
          fc.record({
            to: fc.integer({ min: 0, max: n - 1 }),
            key: fc.option(fc.integer({ min: 0, max: 2 }), { nil: null }),
          }),
          { maxLength: 3 },
        ),
        { minLength: n, maxLength: n },
      ),
      enabled: fc.array(fc.subarray([0, 1, 2]), { minLength: n, maxLength: n }),
      hot: fc.array(fc.boolean(), { minLength: n, maxLength: n }),
    }),
  );

  it("finds a violation exactly when one exists, and its lasso is a fair hot cycle", () => {
    let violations = 0;
    fc.assert(
      fc.property(graphs, (g) => {
        const m = new FairGraphModel(g);
        const result = checkLiveness(m);
        const expected = bruteForceViolation(g);
        expect(result.kind).toBe(expected ? "violation" : "pass");
        if (result.kind !== "violation") return;
        violations++;
        const loop = result.loop!;
        const replay = replayTrace(m, result.trace.steps);
        expect(replay.error).toBeUndefined();
        const states = replay.states;
        expect(states[states.length - 1]).toBe(states[loop]);
        expect(states.length).toBeGreaterThan(loop + 1);
        const cycle = states.slice(loop);
        expect(cycle.every((v) => g.hot[v])).toBe(true);
        const taken = new Set(
          result.trace.steps.slice(loop + 1).map((s, i) => m.fairKeyOfStep(states[loop + i]!, s as GStep)),
        );
        for (const k of [0, 1, 2]) {
          if (cycle.every((v) => g.enabled[v]!.includes(k))) expect(taken.has(`k${k}`)).toBe(true);
        }
      }),
      { seed: 42, numRuns: 400 },
    );
    expect(violations).toBeGreaterThan(40);
  });
});
