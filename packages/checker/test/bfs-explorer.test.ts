import { describe, expect, it } from "vitest";
import { checkExhaustive, type ExhaustiveProgress } from "../src/search/bfs-explorer.js";
import type { Emit, Failure, Model, StepOutcome } from "../src/model.js";
import { replayTrace } from "../src/trace/replay.js";
import { GraphModel, type GraphSpec } from "./models/graph-model.js";
import { GridModel } from "./models/grid-model.js";
import { CounterModel, RingModel } from "./models/ring-model.js";

function graph(spec: Partial<GraphSpec> & { edges: number[][] }): GraphModel {
  return new GraphModel({ nodeCount: spec.edges.length, initial: [0], ...spec });
}

describe("checkExhaustive: state counts", () => {
  it.each([3, 4, 5, 6])("token ring of %i, flip only: exactly 2n states, deepest at 2n - 1", (n) => {
    const result = checkExhaustive(new RingModel(n, false));
    expect(result.kind).toBe("pass");
    if (result.kind !== "pass") return;
    expect(result.stats.distinctStates).toBe(2 * n);
    expect(result.stats.maxDepth).toBe(2 * n - 1);
    expect(result.stats.completedDepth).toBe(2 * n - 1);
    // One initial emission, then one successor per state.
    expect(result.stats.generatedStates).toBe(1 + 2 * n);
  });

  it.each([3, 4, 5, 6])("token ring of %i with passing: exactly n * 2^n states", (n) => {
    const result = checkExhaustive(new RingModel(n, true));
    expect(result.kind).toBe("pass");
    expect(result.kind === "pass" && result.stats.distinctStates).toBe(n * 2 ** n);
    expect(result.kind === "pass" && result.stats.generatedStates).toBe(1 + 2 * n * 2 ** n);
  });

  it("two counters mod 7 and mod 5: 35 states, 71 generated, depth 10", () => {
    const result = checkExhaustive(new CounterModel(7, 5));
    expect(result).toMatchObject({
      kind: "pass",
      stats: { distinctStates: 35, generatedStates: 71, maxDepth: 10, completedDepth: 10 },
    });
  });

  it("reports memory figures per stored state", () => {
    const result = checkExhaustive(new RingModel(8, true));
    const stats = result.stats!;
    expect(stats.distinctStates).toBe(2048);
    expect(stats.visitedSetBytes).toBeGreaterThan(0);
    expect(stats.visitedBytesPerState).toBeCloseTo(stats.visitedSetBytes / 2048);
    expect(stats.parentLinkBytes).toBeGreaterThanOrEqual(2048 * 4);
    expect(stats.peakQueueStates).toBeGreaterThan(0);
    // Each frontier entry takes at least its delta's header and length bytes.
    expect(stats.peakQueueBytes).toBeGreaterThanOrEqual(stats.peakQueueStates * 2);
  });

  it("expands states in breadth-first order, each once", () => {
    // 0 -> 1, 2; 1 -> 3, 0; 2 -> 3, 4; 3 -> 5; 4 -> 5; 5 -> nothing
    const model = graph({ edges: [[1, 2], [3, 0], [3, 4], [5], [5], []] });
    expect(checkExhaustive(model).kind).toBe("pass");
    expect(model.expanded).toEqual([0, 1, 2, 3, 4, 5]);
  });
});

describe("checkExhaustive: shortest counterexamples", () => {
  it("finds the invariant violation at minimal depth among many paths, and the trace replays to it", () => {
    const model = new GridModel(5, 3);
    const result = checkExhaustive(model);
    expect(result.kind).toBe("violation");
    if (result.kind !== "violation") return;
    expect(result.failure).toMatchObject({ kind: "invariant", property: "NotAtGoal" });
    // ceil(5 / 2) + 3 = 6 moves, plus the start step.
    expect(result.trace.steps).toHaveLength(7);
    const replay = replayTrace(model, result.trace.steps);
    expect(replay.error).toBeUndefined();
    expect(replay.states.at(-1)).toEqual({ x: 5, y: 3 });
    expect(replay.failure).toMatchObject({ kind: "invariant", property: "NotAtGoal" });
  });

  it("finds a failing step at minimal depth and reports it as a violation", () => {
    const model = new GridModel(6, 2, true);
    const result = checkExhaustive(model);
    expect(result.kind).toBe("violation");
    if (result.kind !== "violation") return;
    expect(result.failure).toEqual({ kind: "assertion", property: "walker", message: "reached the goal" });
    expect(result.trace.steps).toHaveLength(1 + 3 + 2);
    const replay = replayTrace(model, result.trace.steps);
    expect(replay.outcome?.kind).toBe("failure");
    expect(replay.replayed).toBe(6);
  });

  it("checks invariants on initial states too", () => {
    const model = new GraphModel({ nodeCount: 3, initial: [1, 2], edges: [[], [], []], bad: [2] });
    const result = checkExhaustive(model);
    expect(result).toMatchObject({ kind: "violation", trace: { steps: [{ init: 2 }] } });
  });

  it("reports failing initial steps", () => {
    const model = graph({ edges: [[]] });
    model.initial = (emit) => {
      emit(
        { init: 0 },
        { kind: "failure", failure: { kind: "runtime-error", property: "init", message: "boom" } },
      );
    };
    const result = checkExhaustive(model);
    expect(result).toMatchObject({
      kind: "violation",
      failure: { message: "boom" },
      trace: { steps: [{ init: 0 }] },
    });
    expect(model.expanded).toEqual([]);
  });

  it("prefers a shorter deadlock found later in the level to a longer failing step found earlier", () => {
    // Depth 1 holds nodes 1 and 2. Expanding 1 first finds a failing step (3 steps long);
    // node 2 then turns out deadlocked, which is only 2 steps long.
    const model = graph({ edges: [[1, 2], [3], [], []], failingEdges: ["1->0"], deadlocked: [2] });
    const result = checkExhaustive(model);
    expect(result.kind).toBe("deadlock");
    if (result.kind !== "deadlock") return;
    expect(result.failure.kind).toBe("deadlock");
    expect(result.trace.steps).toEqual([{ init: 0 }, { from: 0, index: 1, to: 2 }]);
  });

  it("on equal length keeps the first failure found: an invariant seen on discovery beats a deadlock seen on expansion", () => {
    const model = graph({ edges: [[1, 2], [], []], bad: [2], deadlocked: [1] });
    const result = checkExhaustive(model);
    expect(result).toMatchObject({ kind: "violation", failure: { kind: "invariant", property: "NotBad" } });
    expect(result.kind === "violation" && result.trace.steps).toHaveLength(2);
  });

  it("collects every distinct failure, shortest first, when stopOnFirst is false", () => {
    // Bad node 4 at depth 2 and failing edge 1->3 (both 3 steps), deadlock at node 5 (depth 3).
    const model = graph({
      edges: [[1, 2], [4, 3], [4, 3], [5], [], []],
      bad: [4],
      failingEdges: ["1->1"],
      deadlocked: [5],
    });
    const result = checkExhaustive(model, { stopOnFirst: false });
    expect(result.kind).toBe("violation");
    if (result.kind !== "violation") return;
    expect(result.failures?.map((f) => [f.failure.kind, f.trace.steps.length])).toEqual([
      ["invariant", 3],
      ["assertion", 3],
      ["deadlock", 4],
    ]);
    expect(result.failure).toEqual(result.failures![0]!.failure);
    // Exploration went on past the violating state: node 4 (bad) was expanded.
    expect(model.expanded).toContain(4);
  });
});

describe("checkExhaustive: terminal states", () => {
  it("reports a deadlock with the trace to the stuck state", () => {
    const model = graph({ edges: [[1, 2], [], [0]], deadlocked: [1] });
    const result = checkExhaustive(model);
    expect(result).toMatchObject({
      kind: "deadlock",
      failure: { kind: "deadlock", message: "node 1 is stuck" },
      trace: { steps: [{ init: 0 }, { from: 0, index: 0, to: 1 }] },
    });
  });

  it("calls terminal only on states with no successor at all, and passes on normal termination", () => {
    // 3 has a self-loop (successors, all already seen): not terminal. 1 and 4 have none.
    const model = graph({ edges: [[1, 2], [], [3, 4], [3], []] });
    expect(checkExhaustive(model).kind).toBe("pass");
    expect(model.terminalCalls).toEqual([1, 4]);
  });

  it("classifies hot-at-end as a deadlock result", () => {
    const base = graph({ edges: [[]] });
    const hot: Failure = { kind: "hot-at-end", property: "Progress", message: "monitor Progress is hot" };
    base.terminal = () => hot;
    expect(checkExhaustive(base)).toMatchObject({ kind: "deadlock", failure: hot });
  });
});

describe("checkExhaustive: bounds", () => {
  it("stops at maxStates with a bounded result", () => {
    const result = checkExhaustive(new RingModel(4, true), { maxStates: 10 });
    expect(result).toMatchObject({ kind: "bounded", reason: "max-states", stats: { distinctStates: 10 } });
  });

  it("passes when maxStates equals the state count", () => {
    expect(checkExhaustive(new RingModel(4, true), { maxStates: 64 }).kind).toBe("pass");
  });

  it("stops at maxDepth with a bounded result when states lie beyond it", () => {
    const result = checkExhaustive(new CounterModel(7, 5), { maxDepth: 3 });
    // States with x + y <= 3.
    expect(result).toMatchObject({
      kind: "bounded",
      reason: "max-depth",
      stats: { distinctStates: 10, maxDepth: 3 },
    });
  });

  it("passes when maxDepth reaches the deepest state", () => {
    expect(checkExhaustive(new CounterModel(7, 5), { maxDepth: 10 }).kind).toBe("pass");
  });

  it("does not report a violation beyond maxDepth", () => {
    expect(checkExhaustive(new GridModel(5, 3), { maxDepth: 5 })).toMatchObject({
      kind: "bounded",
      reason: "max-depth",
    });
    expect(checkExhaustive(new GridModel(5, 3), { maxDepth: 6 }).kind).toBe("violation");
  });

  it("finds deadlocks at exactly maxDepth", () => {
    const model = graph({ edges: [[1], [2], []], deadlocked: [2] });
    expect(checkExhaustive(model, { maxDepth: 2 }).kind).toBe("deadlock");
  });

  it("stops at the timeout with a bounded result (injected clock)", () => {
    let clock = 0;
    const result = checkExhaustive(new RingModel(10, true), {
      timeoutMs: 5_000,
      now: () => (clock += 1_000),
    });
    expect(result).toMatchObject({ kind: "bounded", reason: "timeout" });
    expect(result.stats!.distinctStates).toBeLessThan(10 * 2 ** 10);
  });

  it("reports progress with growing counts", () => {
    const seen: ExhaustiveProgress[] = [];
    const result = checkExhaustive(new RingModel(6, true), {
      progressEveryStates: 50,
      onProgress: (progress) => seen.push(progress),
    });
    expect(result.kind).toBe("pass");
    expect(seen.length).toBe(Math.floor(384 / 50));
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i]!.distinctStates).toBeGreaterThanOrEqual(seen[i - 1]!.distinctStates);
    }
    expect(seen[0]!.queueStates).toBeGreaterThan(0);
  });
});

describe("checkExhaustive: model errors", () => {
  it("returns kind error with the trace to the state being expanded when successors throws", () => {
    const model = graph({ edges: [[1, 2], [], [3], []], throwsAt: 2 });
    const result = checkExhaustive(model);
    expect(result.kind).toBe("error");
    if (result.kind !== "error") return;
    expect(result.message).toContain("cannot expand node 2");
    expect(result.trace?.steps).toEqual([{ init: 0 }, { from: 0, index: 1, to: 2 }]);
    expect(result.detail).toContain("Error");
  });

  it("returns kind error without a trace when initial throws", () => {
    const model = graph({ edges: [[]] });
    model.initial = () => {
      throw new Error("no initial state today");
    };
    expect(checkExhaustive(model)).toMatchObject({
      kind: "error",
      message: expect.stringContaining("no initial"),
    });
  });

  it("returns kind error when an invariant throws", () => {
    const model = graph({ edges: [[1], []] });
    (model as { invariants: unknown }).invariants = [
      {
        name: "Throws",
        holds: (node: number) => {
          if (node === 1) throw new Error("invariant crashed");
          return true;
        },
      },
    ];
    expect(checkExhaustive(model)).toMatchObject({
      kind: "error",
      message: expect.stringContaining("crashed"),
    });
  });

  it("detects a model whose successors change between calls", () => {
    let calls = 0;
    const model: Model<number, { n: number }> = {
      name: "flaky",
      invariants: [],
      initial: (emit) => emit({ n: 0 }, { kind: "state", state: 0 }),
      successors(state: number, emit: Emit<number, { n: number }>) {
        calls++;
        if (state !== 0) return;
        emit({ n: 1 }, { kind: "state", state: 1 });
        // The failing step exists only the first time.
        if (calls === 1) {
          emit({ n: 2 }, {
            kind: "failure",
            failure: { kind: "assertion", property: "p", message: "m" },
          } as StepOutcome<number>);
        }
      },
      apply: () => ({ kind: "state", state: 0 }),
      terminal: () => null,
      encode: (n) => Uint8Array.of(n),
      decode: (bytes) => bytes[0]!,
      describeStep: (step) => ({ kind: "step", text: String(step.n) }),
      viewState: (n) => ({ n }),
    };
    const result = checkExhaustive(model);
    expect(result).toMatchObject({ kind: "error", message: expect.stringContaining("not deterministic") });
  });
});
