// The parallel explorer must give the single-threaded explorer's answers:
// same verdicts and counts whatever the number of workers, counterexamples of
// the same (shortest) length that replay, and errors instead of crashes.
import { afterAll, describe, expect, it } from "vitest";
import { checkExhaustive, type ExhaustiveProgress } from "../src/search/bfs-explorer.js";
import type { CheckResult, ExhaustiveStats } from "../src/check-result.js";
import type { Json, Model } from "../src/model.js";
import type { ModelFactory } from "../src/model-factory.js";
import { checkExhaustiveParallel, ParallelExplorer } from "../src/search/parallel-explorer.js";
import { MAX_LOAD } from "../src/store/fingerprint-set.js";
import { replayTrace } from "../src/trace/replay.js";
import { createGraphModel, type GraphSpec } from "./models/graph-model.js";
import { createGridModel } from "./models/grid-model.js";
import type { Fault } from "./models/parallel-faulty-models.js";
import { createCounterModel, createRingModel } from "./models/ring-model.js";
import { createTwoPhaseModel } from "./models/two-phase-model.js";

const builders: { [exportName: string]: (args: Json) => Model<unknown, Json> } = {
  createTwoPhaseModel: createTwoPhaseModel as (args: Json) => Model<unknown, Json>,
  createRingModel: createRingModel as (args: Json) => Model<unknown, Json>,
  createCounterModel: createCounterModel as (args: Json) => Model<unknown, Json>,
  createGridModel: createGridModel as (args: Json) => Model<unknown, Json>,
  createGraphModel: createGraphModel as (args: Json) => Model<unknown, Json>,
};
const files: { [exportName: string]: string } = {
  createTwoPhaseModel: "two-phase-model.ts",
  createRingModel: "ring-model.ts",
  createCounterModel: "ring-model.ts",
  createGridModel: "grid-model.ts",
  createGraphModel: "graph-model.ts",
  createFaultyModel: "parallel-faulty-models.ts",
  createNothing: "parallel-faulty-models.ts",
  createNotAModel: "parallel-faulty-models.ts",
};

function factory(exportName: string, args: Json): ModelFactory {
  return { module: new URL(`./models/${files[exportName]}`, import.meta.url).href, exportName, args };
}

/** The same model, built here for checkExhaustive and replays. */
function local(exportName: string, args: Json): Model<unknown, Json> {
  return builders[exportName]!(args);
}

function graph(spec: Partial<GraphSpec> & { edges: number[][] }): GraphSpec {
  return { nodeCount: spec.edges.length, initial: [0], ...spec };
}

function faulty(fault: Fault, at: number, spec: GraphSpec): ModelFactory {
  return factory("createFaultyModel", { fault, at, graph: spec as unknown as Json });
}

// Worker threads are slow to start: the tests share two explorers (1 and 2 workers).
const one = new ParallelExplorer(1);
const two = new ParallelExplorer(2);
afterAll(async () => {
  await one.close();
  await two.close();
});

/** The figures that must not depend on the number of workers. */
function summary(result: CheckResult<ExhaustiveStats>) {
  const stats = result.stats!;
  return {
    kind: result.kind,
    reason: result.kind === "bounded" ? result.reason : undefined,
    distinctStates: stats.distinctStates,
    generatedStates: stats.generatedStates,
    maxDepth: stats.maxDepth,
    completedDepth: stats.completedDepth,
  };
}

async function expectSameAsSingleThreaded(exportName: string, args: Json): Promise<void> {
  const expected = summary(checkExhaustive(local(exportName, args)));
  expect(summary(await one.check(factory(exportName, args)))).toEqual(expected);
  expect(summary(await two.check(factory(exportName, args)))).toEqual(expected);
}

describe("checkExhaustiveParallel: same answers as checkExhaustive", () => {
  it.each([1, 2, 3, 4, 5, 6])("TwoPhase with %i resource managers, 1 and 2 workers", async (n) => {
    await expectSameAsSingleThreaded("createTwoPhaseModel", { n });
  });

  it.each([3, 4, 5, 6])("token rings of %i, flip only and with passing", async (n) => {
    await expectSameAsSingleThreaded("createRingModel", { n, allowPass: false });
    await expectSameAsSingleThreaded("createRingModel", { n, allowPass: true });
  });

  it("two counters: 35 states, 71 generated, depth 10", async () => {
    const result = await two.check(factory("createCounterModel", { a: 7, b: 5 }));
    expect(result).toMatchObject({
      kind: "pass",
      stats: { distinctStates: 35, generatedStates: 71, maxDepth: 10, completedDepth: 10, workers: 2 },
    });
  });

  it("keeps the counts while 1, 2 or 3 workers grow the shared table many times", async () => {
    // 16 slots to start: the table is rehashed with workers paused mid-level, again and again,
    // the later growths by slices shared among the workers and the coordinator.
    const args = { n: 7 };
    const generated = checkExhaustive(local("createTwoPhaseModel", args)).stats!.generatedStates;
    const three = new ParallelExplorer(3);
    try {
      for (const explorer of [one, two, three]) {
        // rehashWaitMs 0: growths a worker completes reach the coordinator by its "rehashed" message.
        for (const rehashWaitMs of explorer === one ? [undefined] : [undefined, 0]) {
          const result = await explorer.check(factory("createTwoPhaseModel", args), {
            initialCapacity: 16,
            ...(rehashWaitMs !== undefined ? { rehashWaitMs } : {}),
          });
          expect(result.kind).toBe("pass");
          if (result.kind !== "pass") return;
          expect(result.stats.distinctStates).toBe(296_448);
          expect(result.stats.generatedStates).toBe(generated);
          expect(result.stats.visitedSetGrowths).toBeGreaterThanOrEqual(15);
          expect(result.stats.visitedSetLoad).toBeLessThanOrEqual(0.8);
        }
      }
    } finally {
      await three.close();
    }
  });

  it("reports memory figures per stored state", async () => {
    const result = await two.check(factory("createRingModel", { n: 8, allowPass: true }));
    const stats = result.stats!;
    expect(stats.distinctStates).toBe(2048);
    expect(stats.visitedSetBytes).toBe(stats.visitedSetCapacity * 8);
    expect(stats.visitedBytesPerState).toBeCloseTo(stats.visitedSetBytes / 2048);
    expect(stats.parentLinkBytes).toBeGreaterThanOrEqual(2048 * 6);
    expect(stats.peakQueueStates).toBeGreaterThan(0);
  });

  it("runs with workers: 1 through a worker thread", async () => {
    const result = await checkExhaustiveParallel(factory("createRingModel", { n: 5, allowPass: true }), {
      workers: 1,
    });
    expect(result).toMatchObject({ kind: "pass", stats: { distinctStates: 160, workers: 1 } });
  });
});

describe("checkExhaustiveParallel: shortest counterexamples", () => {
  it.each([2, 3, 4])(
    "buggy TwoPhase with %i resource managers: as short as single-threaded, and it replays",
    async (n) => {
      const args = { n, buggyCommit: true };
      const expected = checkExhaustive(local("createTwoPhaseModel", args));
      expect(expected.kind).toBe("violation");
      if (expected.kind !== "violation") return;
      for (const explorer of [one, two]) {
        const result = await explorer.check(factory("createTwoPhaseModel", args));
        expect(result.kind).toBe("violation");
        if (result.kind !== "violation") return;
        expect(result.failure).toEqual(expected.failure);
        expect(result.trace.steps).toHaveLength(expected.trace.steps.length);
        // One worker expands in the single-threaded order: the very same trace.
        if (explorer === one) expect(result.trace).toEqual(expected.trace);
        const replay = replayTrace(local("createTwoPhaseModel", args), result.trace.steps);
        expect(replay.error).toBeUndefined();
        expect(replay.failure?.property).toBe("TCConsistent");
      }
    },
  );

  it("finds the invariant violation at minimal depth on a grid with many routes", async () => {
    const args = { width: 5, height: 3 };
    const result = await two.check(factory("createGridModel", args));
    expect(result.kind).toBe("violation");
    if (result.kind !== "violation") return;
    expect(result.failure).toMatchObject({ kind: "invariant", property: "NotAtGoal" });
    expect(result.trace.steps).toHaveLength(7);
    const replay = replayTrace(local("createGridModel", args), result.trace.steps);
    expect(replay.states.at(-1)).toEqual({ x: 5, y: 3 });
  });

  it("finds a failing step at minimal depth", async () => {
    const args = { width: 6, height: 2, failAsStep: true };
    const result = await two.check(factory("createGridModel", args));
    expect(result).toMatchObject({
      kind: "violation",
      failure: { kind: "assertion", property: "walker", message: "reached the goal" },
    });
    if (result.kind !== "violation") return;
    expect(result.trace.steps).toHaveLength(6);
    const replay = replayTrace(local("createGridModel", args), result.trace.steps);
    expect(replay.outcome?.kind).toBe("failure");
    expect(replay.replayed).toBe(6);
  });

  it("checks invariants on initial states too", async () => {
    const spec = { nodeCount: 3, initial: [1, 2], edges: [[], [], []], bad: [2] };
    expect(await two.check(factory("createGraphModel", spec))).toMatchObject({
      kind: "violation",
      trace: { steps: [{ init: 2 }] },
    });
  });

  it("prefers a shorter deadlock found later in the level to a longer failing step", async () => {
    const spec = graph({ edges: [[1, 2], [3], [], []], failingEdges: ["1->0"], deadlocked: [2] });
    const result = await two.check(factory("createGraphModel", spec as unknown as Json));
    expect(result).toMatchObject({
      kind: "deadlock",
      failure: { kind: "deadlock" },
      trace: { steps: [{ init: 0 }, { from: 0, index: 1, to: 2 }] },
    });
  });

  it("picks the shortest failure across workers: a deadlock one worker finds beats the others' failing steps", async () => {
    // Level 1 holds nodes 1..2000 in one-state chunks. Every node but the last has a failing
    // step (3 steps); only the last one, a deadlock, is 2 steps, and only one worker sees it.
    const last = 2000;
    const edges: number[][] = [Array.from({ length: last }, (_, i) => i + 1)];
    for (let node = 1; node < last; node++) edges.push([0]);
    edges.push([]);
    const failingEdges = Array.from({ length: last - 1 }, (_, i) => `${i + 1}->0`);
    const spec = graph({ edges, failingEdges, deadlocked: [last] });
    // 20 microseconds per expansion: the level takes long enough for both workers to join in.
    const result = await two.check(faulty("slow", 20, spec), { chunkStates: 1, chunkBytes: 64 });
    expect(result).toMatchObject({
      kind: "deadlock",
      trace: { steps: [{ init: 0 }, { from: 0, index: last - 1, to: last }] },
    });
  });

  it("on equal length an invariant seen on discovery beats a deadlock seen on expansion", async () => {
    const spec = graph({ edges: [[1, 2], [], []], bad: [2], deadlocked: [1] });
    const result = await two.check(factory("createGraphModel", spec as unknown as Json));
    expect(result).toMatchObject({ kind: "violation", failure: { kind: "invariant", property: "NotBad" } });
  });

  it("collects every distinct failure, shortest first, when stopOnFirst is false", async () => {
    const spec = graph({
      edges: [[1, 2], [4, 3], [4, 3], [5], [], []],
      bad: [4],
      failingEdges: ["1->1"],
      deadlocked: [5],
    });
    const result = await two.check(factory("createGraphModel", spec as unknown as Json), {
      stopOnFirst: false,
    });
    expect(result.kind).toBe("violation");
    if (result.kind !== "violation") return;
    expect(result.failures?.map((f) => [f.failure.kind, f.trace.steps.length])).toEqual([
      ["invariant", 3],
      ["assertion", 3],
      ["deadlock", 4],
    ]);
    // Exploration went on past the violation: the deadlock is one level deeper.
    expect(result.stats.distinctStates).toBe(6);
  });

  it("reports a deadlock with the trace to the stuck state", async () => {
    const spec = graph({ edges: [[1, 2], [], [0]], deadlocked: [1] });
    expect(await two.check(factory("createGraphModel", spec as unknown as Json))).toMatchObject({
      kind: "deadlock",
      failure: { kind: "deadlock", message: "node 1 is stuck" },
      trace: { steps: [{ init: 0 }, { from: 0, index: 0, to: 1 }] },
    });
  });
});

describe("checkExhaustiveParallel: bounds", () => {
  it("stops at exactly maxStates, and passes when maxStates equals the state count", async () => {
    const ring = factory("createRingModel", { n: 4, allowPass: true });
    expect(await two.check(ring, { maxStates: 10 })).toMatchObject({
      kind: "bounded",
      reason: "max-states",
      stats: { distinctStates: 10 },
    });
    expect((await two.check(ring, { maxStates: 64 })).kind).toBe("pass");
  });

  it("stops at maxDepth when states lie beyond it, passes when it reaches the deepest", async () => {
    const counters = factory("createCounterModel", { a: 7, b: 5 });
    expect(await two.check(counters, { maxDepth: 3 })).toMatchObject({
      kind: "bounded",
      reason: "max-depth",
      stats: { distinctStates: 10, maxDepth: 3 },
    });
    expect((await two.check(counters, { maxDepth: 10 })).kind).toBe("pass");
  });

  it("does not report a violation beyond maxDepth, and finds deadlocks at exactly maxDepth", async () => {
    const grid = factory("createGridModel", { width: 5, height: 3 });
    expect(await two.check(grid, { maxDepth: 5 })).toMatchObject({ kind: "bounded", reason: "max-depth" });
    expect((await two.check(grid, { maxDepth: 6 })).kind).toBe("violation");
    const spec = graph({ edges: [[1], [2], []], deadlocked: [2] });
    expect(
      (await two.check(factory("createGraphModel", spec as unknown as Json), { maxDepth: 2 })).kind,
    ).toBe("deadlock");
  });

  it("stops at the timeout with a bounded result (injected clock)", async () => {
    let clock = 0;
    const result = await two.check(factory("createRingModel", { n: 10, allowPass: true }), {
      timeoutMs: 5_000,
      now: () => (clock += 1_000),
    });
    expect(result).toMatchObject({ kind: "bounded", reason: "timeout" });
    expect(result.stats!.distinctStates).toBeLessThan(10 * 2 ** 10);
  });

  it("stops at the timeout in the search, once the workers run (injected clock)", async () => {
    // The clock stands still until a barrier reports states: the timeout passes in a level, not in
    // the workers' start (which the test above may reach: its clock runs from the start).
    let clock = 0;
    let running = false;
    const result = await two.check(factory("createRingModel", { n: 10, allowPass: true }), {
      timeoutMs: 5_000,
      now: () => (running ? (clock += 1_000) : clock),
      progressIntervalMs: 1,
      progressEveryStates: 1,
      onProgress: (progress) => {
        if (progress.distinctStates > 0) running = true;
      },
    });
    expect(result).toMatchObject({ kind: "bounded", reason: "timeout" });
    expect(result.kind === "bounded" ? (result.message ?? "") : "").not.toMatch(/building|did not stop/);
    expect(result.stats!.distinctStates).toBeGreaterThan(0);
    expect(result.stats!.distinctStates).toBeLessThan(10 * 2 ** 10);
  });

  it("stops with reason memory when the visited table is full at the budget", async () => {
    // 1.25 MiB: the table may take 640 KiB (81,920 slots: 69,632 states at 0.85 load) of the 90,000
    // states; parent links (at most 6 x 64 KiB) and small frontier chunks fit in the rest.
    const result = await two.check(factory("createCounterModel", { a: 300, b: 300 }), {
      memoryBytes: 1.25 * 1024 * 1024,
      boundProcess: false,
      chunkBytes: 1024,
    });
    expect(result.kind).toBe("bounded");
    if (result.kind !== "bounded") return;
    expect(result.reason).toBe("memory");
    expect(result.message).toMatch(/memory budget of 1\.3 MiB exhausted: the visited-state table is full/);
    expect(result.stats.visitedSetCapacity).toBe(81_920);
    expect(result.stats.distinctStates).toBeLessThanOrEqual(Math.floor(81_920 * MAX_LOAD));
    expect(result.stats.distinctStates).toBeGreaterThan(50_000);
  });

  it("stops with reason memory when links and frontier outgrow a tiny budget", async () => {
    const result = await two.check(factory("createTwoPhaseModel", { n: 6 }), {
      memoryBytes: 64 * 1024,
      boundProcess: false,
    });
    expect(result.kind).toBe("bounded");
    if (result.kind !== "bounded") return;
    expect(result.reason).toBe("memory");
    expect(result.message).toMatch(/memory budget of 64\.0 KiB exhausted/);
    expect(result.stats.distinctStates).toBeLessThan(50_000);
  });

  it("reports progress with growing counts", async () => {
    const seen: ExhaustiveProgress[] = [];
    const result = await two.check(factory("createRingModel", { n: 8, allowPass: true }), {
      progressEveryStates: 100,
      onProgress: (progress) => seen.push(progress),
    });
    expect(result.kind).toBe("pass");
    expect(seen.length).toBeGreaterThan(3);
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i]!.distinctStates).toBeGreaterThanOrEqual(seen[i - 1]!.distinctStates);
    }
  });
});

describe("checkExhaustiveParallel: callbacks", () => {
  it("passes an exception from onProgress to the caller, as checkExhaustive does, and recovers", async () => {
    const ring = factory("createRingModel", { n: 8, allowPass: true });
    const throwing = () => {
      throw new Error("progress boom");
    };
    await expect(two.check(ring, { progressEveryStates: 10, onProgress: throwing })).rejects.toThrow(
      "progress boom",
    );
    await expect(two.check(ring, { progressIntervalMs: 0, onProgress: throwing })).rejects.toThrow(
      "progress boom",
    );
    expect((await two.check(ring)).kind).toBe("pass");
  });
});

describe("checkExhaustiveParallel: errors", () => {
  const chain = graph({ edges: [[1, 2], [3], [3], [4], [5], [6], [7], [8], [9], []] });

  it("a model exception in a worker becomes kind error with the trace to the state", async () => {
    const spec = graph({ edges: [[1, 2], [], [3], []], throwsAt: 2 });
    const result = await two.check(factory("createGraphModel", spec as unknown as Json));
    expect(result.kind).toBe("error");
    if (result.kind !== "error") return;
    expect(result.message).toContain("model threw while expanding a state at depth 1: cannot expand node 2");
    expect(result.trace?.steps).toEqual([{ init: 0 }, { from: 0, index: 1, to: 2 }]);
    expect(result.detail).toContain("Error");
  });

  it("throwing initial states and throwing invariants are errors too", async () => {
    expect(await two.check(faulty("initial", 0, chain))).toMatchObject({
      kind: "error",
      message: expect.stringContaining("model threw while computing initial states: no initial state today"),
    });
    expect(await two.check(faulty("invariant", 3, chain))).toMatchObject({
      kind: "error",
      message: expect.stringContaining("invariant crashed"),
    });
  });

  it("a worker thread that exits or dies of an uncaught exception gives kind error", async () => {
    expect(await two.check(faulty("exit", 3, chain))).toMatchObject({
      kind: "error",
      message: expect.stringMatching(/worker \d exited unexpectedly \(code 3\)/),
    });
    expect(await two.check(faulty("uncaught", 3, chain))).toMatchObject({
      kind: "error",
      message: expect.stringMatching(/worker \d failed: asynchronous crash/),
    });
    // The explorer replaced its dead workers.
    expect((await two.check(factory("createGraphModel", chain as unknown as Json))).kind).toBe("pass");
  });

  it("detects a model that behaves differently in the workers and in the replay", async () => {
    expect(await two.check(faulty("nondeterministic", 3, chain))).toMatchObject({
      kind: "error",
      message: expect.stringContaining("not deterministic"),
    });
  });

  it("terminates workers stuck in a step after the timeout", async () => {
    const result = await two.check(faulty("stuck", 3, chain), { timeoutMs: 100 });
    expect(result).toMatchObject({ kind: "bounded", reason: "timeout" });
    expect(result.kind === "bounded" && result.message).toMatch(/did not stop/);
    expect((await two.check(factory("createGraphModel", chain as unknown as Json))).kind).toBe("pass");
  });

  it("stops at the timeout while the workers still build the model, and says so", async () => {
    const result = await two.check(faulty("slow-build", 60_000, chain), { timeoutMs: 100 });
    expect(result).toMatchObject({ kind: "bounded", reason: "timeout" });
    expect(result.kind === "bounded" && result.message).toMatch(
      /while a worker thread was still building the model/,
    );
    expect((await two.check(factory("createGraphModel", chain as unknown as Json))).kind).toBe("pass");
  });

  it("reports unusable factories and options as errors", async () => {
    expect(await two.check(factory("createNothing", null))).toMatchObject({
      kind: "error",
      message: expect.stringContaining("factory refuses"),
    });
    expect(await two.check(factory("createNotAModel", null))).toMatchObject({
      kind: "error",
      message: expect.stringContaining("did not return a Model"),
    });
    expect(await two.check({ ...factory("createRingModel", null), exportName: "nope" })).toMatchObject({
      kind: "error",
      message: expect.stringContaining('no function export "nope"'),
    });
    expect(
      await two.check({ module: "models/ring-model.ts", exportName: "createRingModel", args: null }),
    ).toMatchObject({ kind: "error", message: expect.stringContaining("absolute path") });
    expect(
      await two.check(factory("createRingModel", { n: 3, allowPass: true }), { memoryBytes: -1 }),
    ).toMatchObject({ kind: "error", message: expect.stringContaining("memoryBytes") });
    expect(
      await checkExhaustiveParallel(factory("createRingModel", { n: 3, allowPass: true }), { workers: 0 }),
    ).toMatchObject({ kind: "error", message: expect.stringContaining("workers must be an integer") });
  });

  it("runs one search at a time", async () => {
    const ring = factory("createRingModel", { n: 6, allowPass: true });
    const [first, second] = await Promise.all([two.check(ring), two.check(ring)]);
    expect(first.kind).toBe("pass");
    expect(second).toMatchObject({ kind: "error", message: expect.stringContaining("one search at a time") });
  });
});
