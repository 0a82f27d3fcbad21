// The explorers' side of partial-order reduction, on graphs with hand-given
// ample sets: the cycle proviso, parent links of ample steps (overflow
// included), the depth bound, stats, and the same answers from the parallel
// explorer. The .fl side is in partial-order.test.ts.
import { availableParallelism } from "node:os";
import { afterAll, describe, expect, it, vi } from "vitest";
import { checkExhaustive } from "../src/search/bfs-explorer.js";
import type { CheckResult } from "../src/check-result.js";
import type { Json } from "../src/model.js";
import type { ModelFactory } from "../src/model-factory.js";
import { checkModel } from "../src/search/check-model.js";
import { ParallelExplorer } from "../src/search/parallel-explorer.js";
import { replayTrace } from "../src/trace/replay.js";
import { AmpleGraphModel, type AmpleGraphSpec } from "./models/ample-graph-model.js";

// A cycle 0 -> 1 -> 2 -> 0 of ample steps; every node also has a step to a bad
// node (3, 4, 5) that the ample sets leave out, as an independent step would be.
// Without the cycle proviso the search closes the cycle and never looks at
// them; with it, node 2 (expanded last, its ample successor 0 already
// visited) is expanded fully and reaches 5.
const CYCLE: AmpleGraphSpec = {
  nodeCount: 6,
  initial: [0],
  edges: [[1, 3], [2, 4], [0, 5], [], [], []],
  bad: [3, 4, 5],
  ample: [[0], [0], [0]],
};

// Node 0 has WIDE successors (1..WIDE); its ample set is all of them in reverse
// order, so ample emission k is edge WIDE - 1 - k, to node WIDE - k.
const WIDE = 40_000;
function wide(extra: Partial<AmpleGraphSpec>): AmpleGraphSpec {
  const edges: number[][] = [Array.from({ length: WIDE }, (_, i) => i + 1)];
  for (let n = 1; n <= WIDE; n++) edges.push([]);
  const all = Array.from({ length: WIDE }, (_, i) => WIDE - 1 - i);
  return { nodeCount: WIDE + 1, initial: [0], edges, ample: [all], ...extra };
}

function summary(result: CheckResult) {
  return {
    kind: result.kind,
    property: "failure" in result ? result.failure.property : null,
    trace: "trace" in result && result.trace ? result.trace.steps : null,
  };
}

describe("partial-order reduction in checkExhaustive", () => {
  it("expands a state fully when an ample successor was already visited (cycle proviso)", () => {
    const model = new AmpleGraphModel(CYCLE);
    const result = checkExhaustive(model, { partialOrder: true });
    expect(summary(result)).toEqual({
      kind: "violation",
      property: "NotBad",
      trace: [
        { init: 0 },
        { from: 0, index: 0, to: 1 },
        { from: 1, index: 0, to: 2 },
        { from: 2, index: 1, to: 5 },
      ],
    });
    // 0 and 1 were expanded with their ample sets alone; 2 fully, after its ample set. Then the
    // counterexample is replayed: 0 and 1 through their ample sets, 2 through its full one.
    expect(model.ampleCalls).toEqual([0, 1, 2, 0, 1]);
    expect(model.expanded).toEqual([2, 2]);
    expect(result.stats).toMatchObject({ distinctStates: 4, expandedStates: 3, ampleExpansions: 2 });
    // The full search finds the shortest counterexample, 0 -> 3.
    expect(summary(checkExhaustive(new AmpleGraphModel(CYCLE)))).toMatchObject({
      trace: [{ init: 0 }, { to: 3 }],
    });
  });

  it("uses ample sets only when asked to", () => {
    const model = new AmpleGraphModel(CYCLE);
    const result = checkExhaustive(model);
    expect(model.ampleCalls).toEqual([]);
    expect(result.stats).not.toHaveProperty("ampleExpansions");
  });

  it.each([
    // Ample emission 35000 (past the 16-bit ample codes) reaches 5000; emission 9 reaches 39991.
    [5000, 4999],
    [39_991, 39_990],
  ])("replays the ample step to %i (with or without the overflow map)", (bad, index) => {
    const model = new AmpleGraphModel(wide({ bad: [bad] }));
    const result = checkExhaustive(model, { partialOrder: true });
    expect(summary(result)).toEqual({
      kind: "violation",
      property: "NotBad",
      trace: [{ init: 0 }, { from: 0, index, to: bad }],
    });
    expect(result.stats).toMatchObject({ expandedStates: 1, ampleExpansions: 1 });
  });

  it("replays a failing ample step far down the emission order", () => {
    const model = new AmpleGraphModel(wide({ failingEdges: ["0->5999"] }));
    const result = checkExhaustive(model, { partialOrder: true });
    expect(summary(result)).toEqual({
      kind: "violation",
      property: "edge",
      trace: [{ init: 0 }, { from: 0, index: 5999, to: 6000 }],
    });
  });

  it("replays full steps whose index needs the overflow map", () => {
    // No ample set for node 0: full emission 33000 (past the 15-bit full codes) reaches 33001.
    const model = new AmpleGraphModel(wide({ ample: [null], bad: [33_001] }));
    const result = checkExhaustive(model, { partialOrder: true });
    expect(summary(result)).toEqual({
      kind: "violation",
      property: "NotBad",
      trace: [{ init: 0 }, { from: 0, index: 33_000, to: 33_001 }],
    });
  });

  it("reports a deadlock reached through ample steps, and calls terminal only on states without successors", () => {
    const spec: AmpleGraphSpec = {
      nodeCount: 4,
      initial: [0],
      edges: [[1, 2], [3], [3], []],
      deadlocked: [3],
      ample: [[0], [0], [0], null],
    };
    const model = new AmpleGraphModel(spec);
    const result = checkExhaustive(model, { partialOrder: true });
    expect(summary(result)).toMatchObject({ kind: "deadlock", trace: [{ init: 0 }, { to: 1 }, { to: 3 }] });
    expect(model.terminalCalls).toEqual([3]);
    expect(result.stats.distinctStates).toBe(3);
  });

  it("says the depth bound cut something off only when a reduced successor is new", () => {
    const chain: AmpleGraphSpec = {
      nodeCount: 4,
      initial: [0],
      edges: [[1, 2], [3], [3], []],
      ample: [[0], [0], [0], null],
    };
    const bounded = checkExhaustive(new AmpleGraphModel(chain), { partialOrder: true, maxDepth: 1 });
    expect(bounded).toMatchObject({ kind: "bounded", reason: "max-depth" });
    expect(bounded.stats.distinctStates).toBe(2);
    expect(checkExhaustive(new AmpleGraphModel(chain), { partialOrder: true, maxDepth: 2 }).kind).toBe(
      "pass",
    );
    // At the bound, a state whose ample successors are all known is probed fully (the proviso).
    const loop: AmpleGraphSpec = {
      nodeCount: 3,
      initial: [0],
      edges: [[1], [0, 2], []],
      ample: [[0], [0], null],
    };
    expect(checkExhaustive(new AmpleGraphModel(loop), { partialOrder: true, maxDepth: 1 })).toMatchObject({
      kind: "bounded",
      reason: "max-depth",
    });
  });
});

/** The factory of an ample-graph model, for worker threads. */
function ampleFactory(spec: AmpleGraphSpec): ModelFactory {
  return {
    module: new URL("./models/ample-graph-model.ts", import.meta.url).href,
    exportName: "createAmpleGraphModel",
    args: spec as unknown as Json,
  };
}

describe("partial-order reduction in the parallel explorer", () => {
  const one = new ParallelExplorer(1);
  const two = new ParallelExplorer(2);
  afterAll(async () => {
    await one.close();
    await two.close();
  });
  it("applies the cycle proviso and replays ample steps like checkExhaustive", async () => {
    const single = checkExhaustive(new AmpleGraphModel(CYCLE), { partialOrder: true });
    for (const explorer of [one, two]) {
      const result = await explorer.check(ampleFactory(CYCLE), { partialOrder: true });
      expect(summary(result)).toEqual(summary(single));
      expect(result.stats).toMatchObject({ expandedStates: 3, ampleExpansions: 2 });
    }
  });

  it("replays ample and full steps past the 16-bit link codes", async () => {
    for (const spec of [wide({ bad: [5000] }), wide({ ample: [null], bad: [33_001] })]) {
      const single = checkExhaustive(new AmpleGraphModel(spec), { partialOrder: true });
      const result = await two.check(ampleFactory(spec), { partialOrder: true });
      expect(summary(result)).toEqual(summary(single));
      const steps = summary(result).trace as Json[];
      expect(replayTrace(new AmpleGraphModel(spec), steps).failure?.property).toBe("NotBad");
    }
  });
});

describe("partial-order reduction through checkModel", () => {
  // A path 0 -> 1 -> ... -> 999 of ample steps; node i also steps to a dead end
  // 1000 + i that the ample sets leave out: 1,000 states with the reduction, 1,999 without.
  const PATH = 1000;
  const path: AmpleGraphSpec = {
    nodeCount: 2 * PATH - 1,
    initial: [0],
    edges: Array.from({ length: 2 * PATH - 1 }, (_, i) => (i < PATH - 1 ? [i + 1, PATH + i] : [])),
    ample: Array.from({ length: PATH - 1 }, () => [0]),
  };
  const factory = ampleFactory(path);

  it("lets workers prepared during the probe start the reduced search over", async () => {
    const single = checkExhaustive(new AmpleGraphModel(path), { partialOrder: true });
    expect(single.stats?.distinctStates).toBe(PATH);
    const { result } = await checkModel(new AmpleGraphModel(path), factory, {
      partialOrder: true,
      workers: 2,
      probeStates: 100,
      // Every other core idle while the probe ran.
      prepareWorkers: (max) => max,
    });
    expect(result.kind).toBe("pass");
    // Started from the initial state (the proviso is per search), on workers made ready while the
    // probe ran: as many as the cores it left idle (check-model.ts), all of them where that is two or more.
    expect(result.stats).toMatchObject({
      distinctStates: PATH,
      workers: 2,
      seededStates: 0,
      workersPrepared: availableParallelism() >= 3,
    });
  });

  it("finishes alone in the probe when no core is free", async () => {
    const model = new AmpleGraphModel(path);
    const initial = vi.spyOn(model, "initial");
    const { result } = await checkModel(model, factory, {
      partialOrder: true,
      workers: 2,
      probeStates: 100,
      adaptWorkers: () => 1,
    });
    expect(result.kind).toBe("pass");
    expect(result.stats?.distinctStates).toBe(PATH);
    expect(result.stats).not.toHaveProperty("workers");
    // The probe lifted its cap and went on: the search did not start again.
    expect(initial).toHaveBeenCalledTimes(1);
  });
});
