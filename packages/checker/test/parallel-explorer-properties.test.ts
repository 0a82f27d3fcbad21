// Random explicit graphs: the parallel explorer (two workers) must agree with
// checkExhaustive on the verdict, the state count and the counterexample's
// length, and its counterexamples must replay to the reported failure.
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { checkExhaustive } from "../src/search/bfs-explorer.js";
import type { FoundFailure } from "../src/check-result.js";
import { ParallelExplorer } from "../src/search/parallel-explorer.js";
import { replayTrace } from "../src/trace/replay.js";
import { edgeKey, GraphModel, type GraphSpec } from "./models/graph-model.js";
import { slowGraphFactory } from "./models/parallel-faulty-models.js";

const explorer = new ParallelExplorer(2);
afterAll(() => explorer.close());

const graphSpec: fc.Arbitrary<GraphSpec> = fc.integer({ min: 1, max: 40 }).chain((nodeCount) =>
  fc
    .record({
      initial: fc.array(fc.nat(nodeCount - 1), { minLength: 1, maxLength: 3 }),
      edges: fc.array(fc.array(fc.nat(nodeCount - 1), { maxLength: 4 }), {
        minLength: nodeCount,
        maxLength: nodeCount,
      }),
      bad: fc.array(fc.nat(nodeCount - 1), { maxLength: 2 }),
      deadlockedPick: fc.array(fc.boolean(), { minLength: nodeCount, maxLength: nodeCount }),
      failingPick: fc.array(fc.nat(99), { minLength: nodeCount, maxLength: nodeCount }),
    })
    .map(({ initial, edges, bad, deadlockedPick, failingPick }) => ({
      nodeCount,
      initial,
      edges,
      bad,
      deadlocked: edges.flatMap((out, node) => (out.length === 0 && deadlockedPick[node] ? [node] : [])),
      // Roughly one edge in seven fails.
      failingEdges: edges.flatMap((out, node) =>
        out.flatMap((_, index) =>
          (failingPick[node]! + index * 37) % 7 === 0 ? [edgeKey(node, index)] : [],
        ),
      ),
    })),
);

// Tiny chunks spread each level over both workers (the default, 1024 states, would not).
const chunkStates = fc.constantFrom(1, 2, 3, 1024);

describe("checkExhaustiveParallel on random graphs", () => {
  it("agrees with checkExhaustive on verdict, counts and counterexample length; traces replay", async () => {
    await fc.assert(
      fc.asyncProperty(
        graphSpec,
        fc.boolean(),
        chunkStates,
        fc.boolean(),
        async (graph, stopOnFirst, chunkStates, persistentStates) => {
          // Persistent states: the workers look each expansion's successors up together (Expansion.batch).
          const spec = { ...graph, persistentStates };
          // The reference looks successors up one at a time.
          const expected = checkExhaustive(new GraphModel(graph), { stopOnFirst });
          const result = await explorer.check(slowGraphFactory(spec), { stopOnFirst, chunkStates });
          expect(result.kind).toBe(expected.kind);
          if (expected.kind === "pass") {
            expect(result.stats).toMatchObject({
              distinctStates: expected.stats.distinctStates,
              generatedStates: expected.stats.generatedStates,
              maxDepth: expected.stats.maxDepth,
            });
            return;
          }
          if (result.kind !== "violation" && result.kind !== "deadlock") return;
          if (expected.kind !== "violation" && expected.kind !== "deadlock") return;
          expect(result.trace.steps).toHaveLength(expected.trace.steps.length);
          const replay = replayTrace(new GraphModel(spec), result.trace.steps);
          expect(replay.error).toBeUndefined();
          expect(replay.failure).toEqual(result.failure);
          if (!stopOnFirst) {
            // One counterexample per distinct failure, each as short as the single-threaded one.
            const lengths = (r: { failures?: FoundFailure[] }) =>
              (r.failures ?? []).map((f) => `${f.failure.message}:${f.trace.steps.length}`).sort();
            expect(lengths(result)).toEqual(lengths(expected));
            expect(result.stats.distinctStates).toBe(expected.stats.distinctStates);
          }
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });

  it("agrees with checkExhaustive under depth and state bounds", async () => {
    await fc.assert(
      fc.asyncProperty(
        graphSpec.map((spec) => ({ ...spec, bad: [], failingEdges: [], deadlocked: [] })),
        fc.nat(6),
        fc.integer({ min: 1, max: 30 }),
        chunkStates,
        async (spec, maxDepth, maxStates, chunkStates) => {
          const expected = checkExhaustive(new GraphModel(spec), { maxDepth, maxStates });
          const result = await explorer.check(slowGraphFactory(spec), { maxDepth, maxStates, chunkStates });
          expect(result.kind).toBe(expected.kind);
          expect(result.kind === "bounded" && result.reason).toBe(
            expected.kind === "bounded" && expected.reason,
          );
          expect(result.stats?.distinctStates).toBe(expected.stats?.distinctStates);
        },
      ),
      { seed: 42, numRuns: 200 },
    );
  });
});
