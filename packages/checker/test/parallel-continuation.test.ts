// A parallel search goes on from the single-threaded probe (issue 15): the
// probe's states, links and frontier are handed to the workers instead of
// being explored again. Wherever the probe stops (any cap, mid-level, in the
// middle of a state's successors), the result is the single-threaded one:
// the same verdict, distinct and generated counts, depth, and a shortest
// counterexample that replays to the failure.
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { describe, expect, it, vi } from "vitest";
import type { Json, Model } from "../src/model.js";
import type { ModelFactory } from "../src/model-factory.js";
import type { CheckResult } from "../src/check-result.js";
import { checkExhaustive, probeExhaustiveAsync } from "../src/search/bfs-explorer.js";
import { type CheckModelOptions, checkModel } from "../src/search/check-model.js";
import { type ParallelExhaustiveStats, ParallelExplorer } from "../src/search/parallel-explorer.js";
import { replayTrace } from "../src/trace/replay.js";
import { createCoreCountersModel } from "./models/core-counters-model.js";

function factory(args: Json): ModelFactory {
  return {
    module: new URL("./models/core-counters-model.ts", import.meta.url).href,
    exportName: "createCoreCountersModel",
    args,
  };
}

/** Counts the "prepare" messages sent to worker threads (ParallelExplorer.prepare) until restored. */
function preparesSent() {
  const spy = vi.spyOn(Worker.prototype, "postMessage");
  const count = () =>
    spy.mock.calls.filter(([message]) => (message as { type?: string } | null)?.type === "prepare").length;
  return { spy, count };
}

/** What `run` gives, and how many "prepare" messages were sent to worker threads while it ran. */
async function countingPrepares<T>(run: () => Promise<T>): Promise<[T, number]> {
  const prepared = preparesSent();
  try {
    const value = await run();
    return [value, prepared.count()];
  } finally {
    prepared.spy.mockRestore();
  }
}

/** checkModel's result on the counters model of `args`: one thread with `workers: 1`, else with its factory for workers. */
async function check(args: Json, options: CheckModelOptions): Promise<CheckResult> {
  const model = createCoreCountersModel(args);
  return (await checkModel(model, options.workers === 1 ? null : factory(args), options)).result;
}

// Caps inside the first level, mid-level, on a level's last state and late, all before the
// widest level of n = 60 (the diagonal x + y = 60, found by 1,891): past it the probe
// finishes alone (tested below).
const CAPS = [1, 2, 7, 40, 41, 333, 1000, 1679];

describe("going on from the probe", () => {
  it.each(CAPS)("probe cap %i: the same counts as one thread", async (cap) => {
    const args = { n: 60 };
    const single = await check(args, { workers: 1 });
    const parallel = await check(args, { workers: 2, probeStates: cap });
    expect(parallel.kind).toBe("pass");
    expect(parallel.stats).toMatchObject({
      distinctStates: single.stats!.distinctStates,
      generatedStates: single.stats!.generatedStates,
      maxDepth: single.stats!.maxDepth,
      workers: 2,
      // The workers went on from the probe's states, not from the initial state.
      seededStates: cap,
    });
  });

  it.each(CAPS.filter((c) => c < 400))(
    "probe cap %i: a failure past the probe has the shortest counterexample",
    async (cap) => {
      const args = { n: 60, failAt: 30 };
      const model = createCoreCountersModel(args);
      const single = await check(args, { workers: 1 });
      const parallel = await check(args, { workers: 2, probeStates: cap });
      if (single.kind !== "violation" || parallel.kind !== "violation") throw new Error(parallel.kind);
      expect(parallel.trace.steps).toHaveLength(single.trace.steps.length);
      expect(parallel.stats.distinctStates).toBe(single.stats.distinctStates);
      // The workers went on from the probe (not the probe alone to the end).
      expect(parallel.stats).toMatchObject({ workers: 2, seededStates: cap });
      expect(replayTrace(model, parallel.trace.steps).failure).toEqual(parallel.failure);
    },
  );

  it.each([1, 7, 333])(
    "probe cap %i: a model error past the probe is traced through the probe's links",
    async (cap) => {
      const args = { n: 40, throwAt: 20 };
      const model = createCoreCountersModel(args);
      const parallel = await check(args, { workers: 2, probeStates: cap });
      if (parallel.kind !== "error") throw new Error(parallel.kind);
      expect(parallel.message).toMatch(/model bug at \(20, 20\)/);
      // The initial step and 40 increments reach (20, 20): the trace is rebuilt from the parent links.
      const steps = parallel.trace?.steps ?? [];
      expect(steps).toHaveLength(41);
      expect(replayTrace(model, steps).states.at(-1)).toEqual({ x: 20, y: 20 });
    },
  );

  it("grows the shared table through the sizes the single-threaded search's takes", async () => {
    // From 16 slots, the probe's table grows through 1,000 states; the workers' starts at its
    // size (grown once where the probe's was due to), so both end at the same size. Sized
    // from the probe's count instead it ends at another (5,961 slots against 4,710).
    const args = { n: 60 };
    const model = createCoreCountersModel(args);
    const single = checkExhaustive(model, { initialCapacity: 16 });
    const probe = await probeExhaustiveAsync(model, { maxStates: 1000, initialCapacity: 16 });
    if (probe.continuation === null) throw new Error(`the probe ended: ${probe.result.kind}`);
    const explorer = new ParallelExplorer(2);
    try {
      const parallel = await explorer.check(factory(args), {
        continueFrom: probe.continuation,
        model: model as Model<unknown, Json>,
        initialCapacity: 16,
      });
      expect(parallel.stats).toMatchObject({ distinctStates: 3721, seededStates: 1000 });
      expect(parallel.stats!.visitedSetBytes).toBe(single.stats!.visitedSetBytes);
    } finally {
      await explorer.close();
    }
  });

  it("keeps a depth bound the probe already hit", async () => {
    const args = { n: 40 };
    const options = { maxDepth: 12 };
    const single = await check(args, { ...options, workers: 1 });
    const parallel = await check(args, { ...options, workers: 2, probeStates: 80 });
    expect(single).toMatchObject({ kind: "bounded", reason: "max-depth" });
    expect(parallel).toMatchObject({ kind: "bounded", reason: "max-depth" });
    expect(parallel.stats?.distinctStates).toBe(single.stats?.distinctStates);
  });
});

// Workers start while the probe runs (ParallelExplorer.prepare), so the
// hand-over does not wait for threads to start and models to be built.
describe("workers prepared during the probe", () => {
  it("a probe that runs a while finds the workers ready, with the single-threaded counts", async () => {
    // 961 states at 1 ms per expansion: the workers start at the 240th state found, the
    // probe stops at 400 found (having expanded about 370, before the widest level) and the
    // workers do the rest.
    const args = { n: 30, expandMs: 1 };
    // One core left idle, as the probe measures it on an idle machine of two cores or more.
    const [parallel, prepares] = await countingPrepares(() =>
      check(args, { workers: 2, probeStates: 400, prepareWorkers: () => 1 }),
    );
    // Threads for the cores the probe leaves idle (here one, one on a single core: none) were told
    // to build the model; the other started at the hand-over, and then not every worker took a
    // prepared model.
    const threads = Math.min(1, availableParallelism() - 1);
    expect(prepares).toBe(threads);
    expect(parallel.stats).toMatchObject({
      distinctStates: 961,
      seededStates: 400,
      workersPrepared: threads === 2,
    });
    const profile = (parallel.stats as ParallelExhaustiveStats).profile;
    expect(profile.probeMs).toBeGreaterThanOrEqual(300);
    // The search's time counts the probe's: it is more than the probe and the workers' phases.
    expect(parallel.stats!.elapsedMs).toBeGreaterThanOrEqual(profile.probeMs + profile.phasesMs);
    // The workers' 590-odd expansions at 1 ms each are their work.
    expect(profile.workerBusyMs).toBeGreaterThanOrEqual(500);
  });

  it("start only on cores the probe leaves idle: with none, all start at the hand-over, with the same counts", async () => {
    const args = { n: 30, expandMs: 1 };
    const asked: number[] = [];
    const [parallel, prepares] = await countingPrepares(() =>
      check(args, {
        workers: 2,
        probeStates: 400,
        prepareWorkers: (max) => {
          asked.push(max);
          return 0;
        },
      }),
    );
    expect(asked).toEqual([2]);
    expect(prepares).toBe(0);
    expect(parallel.stats).toMatchObject({ distinctStates: 961, seededStates: 400, workersPrepared: false });
  });

  it("start once the probe has found 60% of its cap, so models well inside it never start them", async () => {
    const args = { n: 20 };
    const prepare = vi.spyOn(ParallelExplorer.prototype, "prepare");
    try {
      // 441 states: a cap of 1000 is never approached (the probe finishes the search).
      const small = await check(args, { workers: 2, probeStates: 1000, prepareWorkers: () => 1 });
      expect(small.stats).toMatchObject({ distinctStates: 441 });
      expect(prepare).not.toHaveBeenCalled();
      // A cap of 735 (60%: 441 states) is reached by the last state: prepared, then closed unused.
      await check(args, { workers: 2, probeStates: 735, prepareWorkers: () => 1 });
      expect(prepare).toHaveBeenCalledTimes(availableParallelism() > 1 ? 1 : 0);
    } finally {
      prepare.mockRestore();
    }
  });

  it("workers prepared for another factory build the searched one", async () => {
    const explorer = new ParallelExplorer(2);
    try {
      const searched = factory({ n: 12 });
      explorer.prepare(factory({ n: 30 }));
      const other = await explorer.check(searched);
      expect(other.stats).toMatchObject({ distinctStates: 169, workersPrepared: false });
      explorer.prepare(searched);
      const same = await explorer.check(searched);
      expect(same.stats).toMatchObject({ distinctStates: 169, workersPrepared: true });
    } finally {
      await explorer.close();
    }
  });

  it("a timeout while the coordinator takes in the probe's states finds the prepared workers ready", async () => {
    // The threads answer "ready" while the coordinator seeds 60,000 states; its tick comes due
    // meanwhile and, from the event loop's check phase (where a probe hands over: it yields with
    // setImmediate), runs before those answers are read. It must not take them for threads still
    // building the model (parallel-explorer.ts, tick).
    const args = { n: 300 };
    const model = createCoreCountersModel(args);
    const probe = await probeExhaustiveAsync(model, { maxStates: 60_000 });
    if (probe.continuation === null) throw new Error(`the probe ended: ${probe.result.kind}`);
    const explorer = new ParallelExplorer(2);
    const searched = factory(args);
    try {
      explorer.prepare(searched);
      await new Promise((resolve) => setTimeout(resolve, 2_000)); // the threads build the model
      await new Promise((resolve) => setImmediate(resolve));
      const result = await explorer.check(searched, {
        continueFrom: probe.continuation,
        model: model as Model<unknown, Json>,
        timeoutMs: 1,
        progressIntervalMs: 2,
      });
      expect(result).toMatchObject({ kind: "bounded", reason: "timeout" });
      expect(result.kind === "bounded" ? (result.message ?? "") : "").not.toMatch(/building/);
      expect(result.stats).toMatchObject({ seededStates: 60_000, workersPrepared: true });
    } finally {
      await explorer.close();
    }
  });

  it("workers prepared in part: the others start with the search and build the model then", async () => {
    const explorer = new ParallelExplorer(3);
    const prepared = preparesSent();
    try {
      const searched = factory({ n: 12 });
      explorer.prepare(searched, 1);
      expect(prepared.count()).toBe(1);
      const result = await explorer.check(searched);
      expect(result.stats).toMatchObject({ distinctStates: 169, workersPrepared: false });
      expect((result.stats as ParallelExhaustiveStats).workers).toBe(3);
    } finally {
      prepared.spy.mockRestore();
      await explorer.close();
    }
  });
});

// Without --workers the probe decides near its cap how many workers go on
// from it (checkModel's adaptWorkers: the cores left free), or goes on alone.
describe("the probe decides how many workers go on", () => {
  it("goes on alone when no core is free: the whole search on this thread", async () => {
    const args = { n: 20 };
    const prepare = vi.spyOn(ParallelExplorer.prototype, "prepare");
    try {
      const result = await check(args, { workers: 2, adaptWorkers: () => 1, probeStates: 400 });
      expect(result.kind).toBe("pass");
      expect(result.stats).toMatchObject({ distinctStates: 441 });
      expect(result.stats).not.toHaveProperty("workers");
      expect(prepare).not.toHaveBeenCalled();
    } finally {
      prepare.mockRestore();
    }
  });

  it("goes on alone to the user's --max-states", async () => {
    const args = { n: 20 };
    const options = { workers: 2, adaptWorkers: () => 1, probeStates: 100, maxStates: 300 };
    const result = await check(args, options);
    expect(result).toMatchObject({ kind: "bounded", reason: "max-states" });
    expect(result.stats).toMatchObject({ distinctStates: 300 });
  });

  it("starts the workers it decided on", async () => {
    const args = { n: 20 };
    const decided: number[] = [];
    const rule = (max: number) => {
      decided.push(max);
      return 2;
    };
    // A cap of 200 is reached while the levels still grow (the widest, 21 states, ends at 231).
    const [result, prepares] = await countingPrepares(() =>
      check(args, { workers: 4, adaptWorkers: rule, probeStates: 200 }),
    );
    expect(decided).toEqual([4]);
    expect(result.stats).toMatchObject({ distinctStates: 441, workers: 2, seededStates: 200 });
    // Two workers on the one core the rule found free besides the probe's: one prepared during
    // the probe, the other started at the hand-over.
    expect(prepares).toBe(1);
  });

  it("goes on alone at its cap when it is past the widest level", async () => {
    // Levels of n = 40 grow to 41 states (the diagonal x + y = 40, found by 861) and then shrink.
    const args = { n: 40 };
    const growing = await check(args, { workers: 2, adaptWorkers: () => 2, probeStates: 700 });
    expect(growing.stats).toMatchObject({ distinctStates: 1681, workers: 2, seededStates: 700 });
    const tail = await check(args, { workers: 2, adaptWorkers: () => 2, probeStates: 1000 });
    expect(tail.kind).toBe("pass");
    expect(tail.stats).toMatchObject({ distinctStates: 1681 });
    expect(tail.stats).not.toHaveProperty("workers");
    // With --workers 2 given too: the tail is not worth a hand-over.
    const given = await check(args, { workers: 2, probeStates: 1000 });
    expect(given.stats).toMatchObject({ distinctStates: 1681 });
    expect(given.stats).not.toHaveProperty("workers");
  });
});
