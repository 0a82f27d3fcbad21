// Witness properties (search/witnesses.ts) on random explicit graphs: after a
// passing search, checkModel finds each witness at its breadth-first distance
// from the initial nodes (the trace has that many steps plus the initial one),
// reports `unreached` when no reachable node satisfies it, and a witness
// search stopped by a bound is `bounded`, not `unreached`.
import { describe, expect, it } from "vitest";
import type { WitnessProperty } from "../src/model.js";
import { checkModel } from "../src/search/check-model.js";
import { type WitnessOutcome, witnessVerdict } from "../src/search/witnesses.js";
import { GraphModel, type GraphSpec } from "./models/graph-model.js";

/** A fixed-seed generator (mulberry32). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomGraph(random: () => number): GraphSpec {
  const nodeCount = 2 + Math.floor(random() * 30);
  const edges = Array.from({ length: nodeCount }, () =>
    Array.from({ length: Math.floor(random() * 3) }, () => Math.floor(random() * nodeCount)),
  );
  return { nodeCount, initial: [0], edges };
}

/** Steps from the initial nodes to `target` (0 for an initial node), or null when unreachable. */
function distance(spec: GraphSpec, target: number): number | null {
  const seen = new Set(spec.initial);
  let level = [...spec.initial];
  for (let d = 0; level.length > 0; d++) {
    if (level.includes(target)) return d;
    const next: number[] = [];
    for (const n of level) {
      for (const m of spec.edges[n]!) {
        if (seen.has(m)) continue;
        seen.add(m);
        next.push(m);
      }
    }
    level = next;
  }
  return null;
}

function withWitness(spec: GraphSpec, target: number): GraphModel {
  const model = new GraphModel(spec);
  const witness: WitnessProperty<number> = { name: `At${target}`, holds: (n) => n === target };
  Object.defineProperty(model, "witnesses", { value: [witness] });
  return model;
}

describe("witness properties", () => {
  it("are reached at their breadth-first distance, or the test is unreached (200 random graphs)", async () => {
    const random = prng(16);
    let reached = 0;
    let unreached = 0;
    for (let i = 0; i < 200; i++) {
      const spec = randomGraph(random);
      const target = Math.floor(random() * spec.nodeCount);
      const expected = distance(spec, target);
      const outcome = await checkModel(withWitness(spec, target), null, { liveness: false });
      const w = outcome.witnesses![0]!;
      if (expected === null) {
        unreached++;
        expect(outcome.result.kind).toBe("unreached");
        expect(w.reached).toBe(false);
      } else {
        reached++;
        expect(outcome.result.kind).toBe("pass");
        expect(w.trace!.steps.length).toBe(expected + 1);
      }
    }
    expect(reached).toBeGreaterThan(20);
    expect(unreached).toBeGreaterThan(20);
  });

  it("are searched after a pass only: a violation stays the verdict", async () => {
    const spec: GraphSpec = { nodeCount: 3, initial: [0], edges: [[1], [2], []], bad: [1] };
    const outcome = await checkModel(withWitness(spec, 2), null, { liveness: false });
    expect(outcome.result.kind).toBe("violation");
    expect(outcome.witnesses).toBeUndefined();
  });

  it("stopped by a bound give no verdict (bounded), an unreached one wins over it", () => {
    const stats = {
      distinctStates: 5,
      generatedStates: 9,
      maxDepth: 3,
      elapsedMs: 1,
      distinctStatesPerSecond: 0,
      generatedStatesPerSecond: 0,
    };
    const stopped: WitnessOutcome = {
      name: "Far",
      kind: "reachable",
      reached: false,
      states: 5,
      bound: "timeout",
    };
    const never: WitnessOutcome = { name: "Never", kind: "reachable", reached: false, states: 5 };
    expect(witnessVerdict([stopped], "exhaustive", stats)).toMatchObject({
      kind: "bounded",
      reason: "timeout",
    });
    expect(witnessVerdict([stopped, never], "exhaustive", stats)).toMatchObject({
      kind: "unreached",
      failure: { kind: "unreached", property: "Never" },
    });
    expect(
      witnessVerdict([{ name: "Near", kind: "cover", reached: true, states: 2 }], "random", stats),
    ).toBeNull();
  });
});
