// A worker writes new states in the buffer of a frontier chunk as soon as it
// has expanded that chunk (parallel-worker.ts release). A buffer taken too
// early would overwrite states not yet expanded, so counts and failures must
// stay the single-threaded explorer's with 1, 2 and 3 workers, on a model of
// many levels cut into chunks of one to three states; and the buffers must
// stay near one level's, not two.
import { afterAll, describe, expect, it } from "vitest";
import { checkExhaustive } from "../src/search/bfs-explorer.js";
import { ParallelExplorer } from "../src/search/parallel-explorer.js";
import { replayTrace } from "../src/trace/replay.js";
import { edgeKey, GraphModel, type GraphSpec } from "./models/graph-model.js";
import { slowGraphFactory } from "./models/parallel-faulty-models.js";

const explorers = [1, 2, 3].map((workers) => new ParallelExplorer(workers));
afterAll(() => Promise.all(explorers.map((explorer) => explorer.close())));

/**
 * A torus of `width` x `height` nodes, each stepping to x + 1 and to y + 1 (mod):
 * level d holds the nodes with x + y = d, so `height` nodes for most of its
 * width + height - 1 levels.
 */
function torus(width: number, height: number, failures = false): GraphSpec {
  const node = (x: number, y: number) => (x % width) * height + (y % height);
  const edges: number[][] = [];
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) edges.push([node(x + 1, y), node(x, y + 1)]);
  }
  const spec: GraphSpec = { nodeCount: width * height, initial: [0], edges };
  if (failures) {
    // Failures at several depths, found while the search goes on (stopOnFirst false).
    spec.bad = [node(20, 3), node(width - 1, height - 1)];
    spec.failingEdges = [edgeKey(node(9, 9), 1), edgeKey(node(40, 0), 0)];
  }
  return spec;
}

// One to three states in a 32-byte buffer (a node takes 4 bytes, its delta
// header up to 16), so each level is many chunks and each buffer is reused often.
const CHUNK_BYTES = 32;
const chunkings = [
  { chunkStates: 1, chunkBytes: CHUNK_BYTES },
  { chunkStates: 3, chunkBytes: CHUNK_BYTES },
];

describe("parallel frontier: reused chunk buffers", () => {
  it("keep the single-threaded counts with 1, 2 and 3 workers", async () => {
    const width = 60;
    const height = 30;
    const spec = torus(width, height);
    const expected = checkExhaustive(new GraphModel(spec));
    expect(expected.kind).toBe("pass");
    for (const explorer of explorers) {
      for (const chunking of chunkings) {
        const result = await explorer.check(slowGraphFactory(spec), chunking);
        expect(result.kind).toBe("pass");
        const stats = result.stats!;
        expect({ workers: stats.workers, ...chunking, distinct: stats.distinctStates }).toEqual({
          workers: explorer.workers,
          ...chunking,
          distinct: width * height,
        });
        expect(stats.generatedStates).toBe(expected.stats!.generatedStates);
        expect(stats.maxDepth).toBe(width + height - 2);
      }
    }
  });

  it("take about one level, not the level being expanded and the next", async () => {
    // 40 chains of 50 nodes: every level holds 40 states, each with one new successor.
    const chains = 40;
    const length = 50;
    const edges: number[][] = [];
    for (let c = 0; c < chains; c++) {
      for (let i = 0; i < length; i++) edges.push(i + 1 < length ? [c * length + i + 1] : []);
    }
    const initial = Array.from({ length: chains }, (_, c) => c * length);
    const spec: GraphSpec = { nodeCount: chains * length, initial, edges };
    for (const explorer of explorers) {
      const result = await explorer.check(slowGraphFactory(spec), {
        chunkStates: 1,
        chunkBytes: CHUNK_BYTES,
      });
      expect(result.kind).toBe("pass");
      const stats = result.stats!;
      expect(stats.distinctStates).toBe(chains * length);
      // One state a chunk: a level and the chunks in flight, where two levels would take 2 * chains.
      expect(stats.peakQueueStates).toBeGreaterThanOrEqual(chains);
      expect(stats.peakQueueStates).toBeLessThan(1.5 * chains);
      expect(stats.peakChunkBufferBytes).toBeGreaterThanOrEqual(chains * CHUNK_BYTES);
      expect(stats.peakChunkBufferBytes).toBeLessThan(1.5 * chains * CHUNK_BYTES);
    }
  });

  it("keep every failure, shortest first, with traces that replay, with 1, 2 and 3 workers", async () => {
    const spec = torus(60, 30, true);
    const expected = checkExhaustive(new GraphModel(spec), { stopOnFirst: false });
    expect(expected.kind).toBe("violation");
    if (expected.kind !== "violation") return;
    const shape = (failures: typeof expected.failures) =>
      failures!.map((f) => [f.failure.kind, f.failure.property, f.trace.steps.length]);
    expect(shape(expected.failures)).toEqual([
      ["assertion", "edge", 20],
      ["invariant", "NotBad", 24],
      ["assertion", "edge", 42],
    ]);
    for (const explorer of explorers) {
      for (const chunking of chunkings) {
        // stopOnFirst false: the traces come from the workers' parent links (no single-threaded rerun).
        const result = await explorer.check(slowGraphFactory(spec), { stopOnFirst: false, ...chunking });
        expect(result.kind).toBe("violation");
        if (result.kind !== "violation") return;
        expect(result.stats.distinctStates).toBe(expected.stats.distinctStates);
        expect(shape(result.failures)).toEqual(shape(expected.failures));
        // One worker expands in the single-threaded order: the very same traces.
        if (explorer.workers === 1) expect(result.failures).toEqual(expected.failures);
        for (const found of result.failures!) {
          const replay = replayTrace(new GraphModel(spec), found.trace.steps);
          expect(replay.error).toBeUndefined();
          expect(replay.failure?.property).toBe(found.failure.property);
        }
      }
    }
  });
});
