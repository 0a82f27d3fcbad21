// Properties over random explicit graphs: the explorer's answers must match a
// naive breadth-first search over the same adjacency lists.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkExhaustive } from "../src/search/bfs-explorer.js";
import { replayTrace } from "../src/trace/replay.js";
import { edgeKey, GraphModel, type GraphSpec, shortestDistances } from "./models/graph-model.js";

const graphSpec = fc.integer({ min: 1, max: 24 }).chain((nodeCount) =>
  fc.record({
    nodeCount: fc.constant(nodeCount),
    initial: fc.array(fc.nat(nodeCount - 1), { minLength: 1, maxLength: 3 }),
    edges: fc.array(fc.array(fc.nat(nodeCount - 1), { maxLength: 4 }), {
      minLength: nodeCount,
      maxLength: nodeCount,
    }),
    bad: fc.array(fc.nat(nodeCount - 1), { maxLength: 1 }),
    deadlockedPick: fc.array(fc.boolean(), { minLength: nodeCount, maxLength: nodeCount }),
    failingPick: fc.array(fc.nat(99), { minLength: nodeCount, maxLength: nodeCount }),
  }),
);

describe("checkExhaustive on random graphs", () => {
  it("finds the bad state iff it is reachable, by a shortest trace that replays to it", () => {
    fc.assert(
      fc.property(graphSpec, ({ nodeCount, initial, edges, bad }) => {
        const spec: GraphSpec = { nodeCount, initial, edges, bad };
        const model = new GraphModel(spec);
        const result = checkExhaustive(model);
        const distance = shortestDistances(spec);
        const reachable = distance.filter((d) => d >= 0).length;
        const target = bad[0];
        if (target === undefined || distance[target] === -1) {
          expect(result.kind).toBe("pass");
          expect(result.stats?.distinctStates).toBe(reachable);
          return;
        }
        expect(result.kind).toBe("violation");
        if (result.kind !== "violation") return;
        expect(result.trace.steps).toHaveLength(distance[target]! + 1);
        const replay = replayTrace(model, result.trace.steps);
        expect(replay.error).toBeUndefined();
        expect(replay.states.at(-1)).toBe(target);
        expect(replay.failure?.property).toBe("NotBad");
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it("reports the shortest of invariant violations and deadlocks, the invariant winning ties", () => {
    fc.assert(
      fc.property(graphSpec, ({ nodeCount, initial, edges, bad, deadlockedPick }) => {
        const deadlocked = edges.flatMap((out, node) =>
          out.length === 0 && deadlockedPick[node] ? [node] : [],
        );
        const spec: GraphSpec = { nodeCount, initial, edges, bad, deadlocked };
        const model = new GraphModel(spec);
        const result = checkExhaustive(model);
        const distance = shortestDistances(spec);
        const reached = (nodes: number[]) => nodes.map((n) => distance[n]!).filter((d) => d >= 0);
        const badDistance = Math.min(...reached(bad));
        const deadlockDistance = Math.min(...reached(deadlocked));
        if (badDistance === Infinity && deadlockDistance === Infinity) {
          expect(result.kind).toBe("pass");
          return;
        }
        // A bad state at depth d is seen on discovery, before any state at depth d is expanded.
        const expectedKind = badDistance <= deadlockDistance ? "violation" : "deadlock";
        expect(result.kind).toBe(expectedKind);
        if (result.kind !== "violation" && result.kind !== "deadlock") return;
        expect(result.trace.steps).toHaveLength(Math.min(badDistance, deadlockDistance) + 1);
        const replay = replayTrace(model, result.trace.steps);
        expect(replay.failure?.kind).toBe(result.failure.kind);
      }),
      { seed: 42, numRuns: 300 },
    );
  });

  it("with failing edges, the counterexample is as short as the nearest failure of any kind", () => {
    fc.assert(
      fc.property(graphSpec, ({ nodeCount, initial, edges, bad, failingPick }) => {
        // Roughly one edge in five fails.
        const failingEdges = edges.flatMap((out, node) =>
          out.flatMap((_, index) =>
            (failingPick[node]! + index * 37) % 5 === 0 ? [edgeKey(node, index)] : [],
          ),
        );
        // Failing edges lead nowhere: drop them before computing distances.
        const failing = new Set(failingEdges);
        const liveEdges = edges.map((out, node) =>
          out.filter((_, index) => !failing.has(edgeKey(node, index))),
        );
        const distance = shortestDistances({ nodeCount, initial, edges: liveEdges });
        let shortest = Infinity;
        for (const node of bad) if (distance[node]! >= 0) shortest = Math.min(shortest, distance[node]! + 1);
        for (const key of failingEdges) {
          const from = Number(key.split("->")[0]);
          if (distance[from]! >= 0) shortest = Math.min(shortest, distance[from]! + 2);
        }
        const model = new GraphModel({ nodeCount, initial, edges, bad, failingEdges });
        const result = checkExhaustive(model);
        if (shortest === Infinity) {
          expect(result.kind).toBe("pass");
          return;
        }
        expect(result.kind).toBe("violation");
        if (result.kind !== "violation") return;
        expect(result.trace.steps).toHaveLength(shortest);
        const replay = replayTrace(model, result.trace.steps);
        expect(replay.error).toBeUndefined();
        expect(replay.failure).toEqual(result.failure);
      }),
      { seed: 42, numRuns: 300 },
    );
  });
});
