// Expansion's batched lookups (Model.persistentStates): a model whose emitted
// states outlive emit has each expansion's successors looked up in the visited
// set together. The search must do exactly what it does one successor at a
// time: same verdict, counts, failures and traces, at every bound, and a model
// that reuses its state objects must never be batched.
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Json, Model, StepOutcome } from "../src/model.js";
import { checkExhaustive, type ExhaustiveOptions } from "../src/search/bfs-explorer.js";
import { Expansion } from "../src/search/expansion.js";
import { FingerprintSet } from "../src/store/fingerprint-set.js";
import { AmpleGraphModel } from "./models/ample-graph-model.js";
import { GraphModel, type GraphSpec, type GraphStep } from "./models/graph-model.js";

/** Timing, memory and a thrown error's stack: the only parts of a result that may differ between two runs. */
const MEASURED = /PerSecond$|^elapsedMs$|^heapUsedBytes$|^detail$/;

/** What a run decided, in full: the verdict, counts and every failure with its trace. */
function outcomeOf(spec: GraphSpec, options: ExhaustiveOptions, tick: number): Json {
  // A clock that moves `tick` ms per reading: a timeout stops both runs at the same checkpoint.
  let time = 0;
  const now = () => (time += tick);
  const result = checkExhaustive(new GraphModel(spec), { ...options, now });
  return JSON.parse(JSON.stringify(result, (key, value) => (MEASURED.test(key) ? undefined : value))) as Json;
}

const graphs = (maxOut: number) =>
  fc.integer({ min: 1, max: 40 }).chain((nodeCount) =>
    fc.record({
      nodeCount: fc.constant(nodeCount),
      initial: fc.array(fc.nat(nodeCount - 1), { minLength: 1, maxLength: 3 }),
      // size "max": fast-check otherwise keeps arrays to 10 elements, under a batch of 64.
      edges: fc.array(fc.array(fc.nat(nodeCount - 1), { maxLength: maxOut, size: "max" }), {
        minLength: nodeCount,
        maxLength: nodeCount,
      }),
      bad: fc.array(fc.nat(nodeCount - 1), { maxLength: 2 }),
      failing: fc.array(fc.tuple(fc.nat(nodeCount - 1), fc.nat(maxOut)), { maxLength: 3 }),
      deadlocked: fc.array(fc.nat(nodeCount - 1), { maxLength: 2 }),
      // A node whose expansion throws after emitting (a model bug, a step past the deadline).
      throwsAfter: fc.option(fc.nat(nodeCount - 1), { nil: undefined, freq: 4 }),
    }),
  );

const options = fc.record({
  stopOnFirst: fc.boolean(),
  maxFailures: fc.integer({ min: 1, max: 4 }),
  maxStates: fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }),
  maxDepth: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }),
  timeoutMs: fc.option(fc.integer({ min: 1, max: 400 }), { nil: undefined }),
  tick: fc.integer({ min: 0, max: 30 }),
});

/** A driver that emits the initial states and expands node 0 once, discovering nothing. */
class OneExpansion extends Expansion<number, GraphStep, FingerprintSet> {
  constructor(model: GraphModel) {
    super(model, new FingerprintSet({ initialCapacity: 16 }), {
      maxDepth: Number.POSITIVE_INFINITY,
      stopOnFirst: true,
      maxFailures: 100,
      partialOrder: false,
    });
  }
  protected discover(): number {
    return 0;
  }
  run(): { failures: number } {
    this.emitInitial();
    this.enter(0, 0, false);
    this.expandState(0);
    return { failures: this.failures.list().length };
  }
}

describe("batched lookups (Model.persistentStates)", () => {
  afterEach(() => vi.restoreAllMocks());

  for (const [what, maxOut] of [
    ["a few successors per state", 4],
    ["more successors than a batch holds", 150],
  ] as const) {
    it(`decide exactly as one at a time, with ${what}`, () => {
      fc.assert(
        fc.property(graphs(maxOut), options, (g, { tick, ...opts }) => {
          const spec: GraphSpec = {
            nodeCount: g.nodeCount,
            initial: g.initial,
            edges: g.edges,
            bad: g.bad,
            // Failing edges among each node's own (an index past them would never be taken).
            failingEdges: g.failing.flatMap(([from, k]) => {
              const out = g.edges[from]!.length;
              return out === 0 ? [] : [`${from}->${k % out}`];
            }),
            deadlocked: g.deadlocked,
            throwsAfter: g.throwsAfter,
          };
          const explorerOptions: ExhaustiveOptions = { ...opts, progressIntervalMs: 0 };
          const batched = outcomeOf({ ...spec, persistentStates: true }, explorerOptions, tick);
          const single = outcomeOf({ ...spec, persistentStates: false }, explorerOptions, tick);
          expect(batched).toEqual(single);
        }),
        { seed: 7, numRuns: maxOut > 64 ? 60 : 300 },
      );
    });
  }

  it("leave a failing step unrecorded once a lookup waiting before it stopped the search", () => {
    // A parallel worker's admit halts the search without throwing (memory, a stop from outside).
    class HaltingDriver extends OneExpansion {
      private admits = 0;
      protected override admit(): boolean {
        if (++this.admits <= 1) return true;
        this.halt();
        return false;
      }
    }
    // Node 0's first edge is looked up (admit halts), then its second fails.
    const spec: GraphSpec = { nodeCount: 3, initial: [0], edges: [[1, 2], [], []], failingEdges: ["0->1"] };
    const failures = (persistentStates: boolean) =>
      new HaltingDriver(new GraphModel({ ...spec, edges: [[2, 1], [], []], persistentStates })).run()
        .failures;
    expect(failures(false)).toBe(0);
    expect(failures(true)).toBe(0);
  });

  it("read the home slots first, for persistent states only", () => {
    const touch = vi.spyOn(FingerprintSet.prototype, "touch");
    const spec: GraphSpec = {
      nodeCount: 6,
      initial: [0],
      edges: [[1, 2, 3], [4], [4, 5], [5], [], []],
    };
    checkExhaustive(new GraphModel({ ...spec, persistentStates: false }));
    expect(touch).not.toHaveBeenCalled();
    checkExhaustive(new GraphModel({ ...spec, persistentStates: true }));
    // Every state emitted (the initial one and each edge) is looked up once, and the home slot
    // read first, except for the two found again (4 from 2, 5 from 3): the recent-discoveries
    // cache knows them, and their lookups do not read the table.
    expect(touch).toHaveBeenCalledTimes(1 + 7 - 2);
  });

  it("know a state discovered lately from the recent-discoveries cache, without reading the visited set", () => {
    const add = vi.spyOn(FingerprintSet.prototype, "add");
    // 4 is reached from 1, 2 and 3, in that order; 5 only from 2.
    const spec: GraphSpec = { nodeCount: 6, initial: [0], edges: [[1, 2, 3], [4], [4, 5], [4], [], []] };
    for (const persistentStates of [false, true]) {
      add.mockClear();
      const result = checkExhaustive(new GraphModel({ ...spec, persistentStates }));
      expect(result.stats.distinctStates).toBe(6);
      expect(result.stats.generatedStates).toBe(1 + 7);
      // Each state is added once; 4 found again twice without a lookup.
      expect(add).toHaveBeenCalledTimes(6);
    }
  });

  it("take a successor that is the state being expanded as known, without hashing or looking it up", () => {
    const encode = vi.spyOn(GraphModel.prototype, "encode");
    // Self-loops on both nodes, and an edge each way.
    const spec: GraphSpec = {
      nodeCount: 2,
      initial: [0],
      edges: [
        [0, 1, 0],
        [1, 0],
      ],
    };
    const single = checkExhaustive(new GraphModel({ ...spec, persistentStates: false }));
    const hashedOneAtATime = encode.mock.calls.length;
    encode.mockClear();
    const batched = checkExhaustive(new GraphModel({ ...spec, persistentStates: true }));
    // Encoded to be hashed: the initial state, 0->1 and 1->0, not the three self-loops (one at a
    // time, all six, and each state as it is expanded, for the recent cache: Expansion.rememberExpanding);
    // and each of the two states once more, to be stored.
    expect(hashedOneAtATime).toBe(6 + 2 + 2);
    expect(encode).toHaveBeenCalledTimes(3 + 2);
    expect(single.stats.generatedStates).toBe(6);
    expect(batched.stats.generatedStates).toBe(6);
    expect(batched.stats.distinctStates).toBe(2);
  });

  it("stop hashing the state expanded, where states are not persistent, once a trial shows no self-loops", () => {
    const encode = vi.spyOn(GraphModel.prototype, "encode");
    // A chain of 6,000 nodes: no step leaves a node as it was.
    const chain = (selfLoops: boolean): GraphSpec => ({
      nodeCount: 6_000,
      initial: [0],
      edges: Array.from({ length: 6_000 }, (_, i) =>
        (i + 1 < 6_000 ? [i + 1] : []).concat(selfLoops ? [i] : []),
      ),
    });
    const result = checkExhaustive(new GraphModel(chain(false)));
    expect(result.stats.distinctStates).toBe(6_000);
    // Each successor and the initial state hashed (6,000), each state stored (6,000), and the
    // first 4,096 states hashed as they are expanded, the trial (Expansion.expandingHi).
    expect(encode).toHaveBeenCalledTimes(6_000 + 6_000 + 4_096);
    encode.mockClear();
    // With a self-loop at each node, every state expanded is hashed: the trial paid. (Successors:
    // 5,999 edges and 6,000 self-loops, and the initial state; then the expansions, then the stores.)
    checkExhaustive(new GraphModel(chain(true)));
    expect(encode).toHaveBeenCalledTimes(12_000 + 6_000 + 6_000);
  });

  it("never take a self-loop's mark (0, 0) for a state the cache holds in its slot 0", () => {
    // Node 1's fingerprint falls in the cache's slot 0, where an empty entry would be (0, 0): the
    // batch's self-loop mark must not reach a lookup (it would be added as a new state).
    class SlotZero extends GraphModel {
      fingerprint(node: number, out: Uint32Array): void {
        out[0] = node << 15;
        out[1] = node + 1;
      }
    }
    const result = checkExhaustive(
      new SlotZero({ nodeCount: 2, initial: [0], edges: [[1], [1, 1]], persistentStates: true }),
    );
    expect(result.stats.distinctStates).toBe(2);
    expect(result.stats.generatedStates).toBe(4);
  });

  it("ask admit for every successor in order, self-loops included", () => {
    // A probe at its cap and a worker at its memory budget stop in admit: where they stop must not move.
    class RecordingDriver extends OneExpansion {
      admits = 0;
      protected override admit(): boolean {
        this.admits++;
        return true;
      }
    }
    const spec: GraphSpec = { nodeCount: 3, initial: [0], edges: [[0, 1, 0, 2, 0], [], []] };
    const admitted = (persistentStates: boolean) => {
      const driver = new RecordingDriver(new GraphModel({ ...spec, persistentStates }));
      driver.run();
      return driver.admits;
    };
    // The initial state and five edges, three of them self-loops: six admits either way.
    expect(admitted(false)).toBe(6);
    expect(admitted(true)).toBe(6);
  });

  it("look up a self-loop an ample set holds: the cycle proviso must see it", () => {
    // Node 0's ample set is its self-loop alone: it closes a cycle, so node 0 is expanded in full and node 1 is reached.
    const spec = {
      nodeCount: 2,
      initial: [0],
      edges: [[0, 1], []],
      ample: [[0], null],
      persistentStates: true,
    };
    const result = checkExhaustive(new AmpleGraphModel(spec), { partialOrder: true });
    expect(result.stats!.distinctStates).toBe(2);
  });

  it("take a primitive successor as the state being expanded only when it is that state (-0 is not 0)", () => {
    // Counts up from -0 through 0, 1, 2, each with a self-loop; 3 is bad. -0 and 0 encode apart.
    const next = (s: number) => (Object.is(s, -0) ? 0 : s + 1);
    const model = (persistentStates: boolean): Model<number, number> => ({
      name: "zeros",
      persistentStates,
      invariants: [{ name: "Not3", holds: (s) => s !== 3 }],
      initial: (emit) => emit(0, { kind: "state", state: -0 }),
      successors: (s, emit) => {
        emit(1, { kind: "state", state: s });
        emit(2, { kind: "state", state: next(s) });
      },
      apply: (s, d) => ({ kind: "state", state: d === 0 || s === null ? -0 : d === 1 ? s : next(s) }),
      terminal: () => null,
      encode: (s) => Uint8Array.of(Object.is(s, -0) ? 254 : s),
      decode: (b) => (b[0] === 254 ? -0 : b[0]!),
      describeStep: (d) => ({ kind: "step", text: String(d) }),
      viewState: (s) => ({ s: Object.is(s, -0) ? "-0" : String(s) }),
    });
    const single = checkExhaustive(model(false));
    const batched = checkExhaustive(model(true));
    expect(single.kind).toBe("violation");
    expect(single.stats!.distinctStates).toBe(5);
    expect(batched.kind).toBe("violation");
    expect(batched.stats!.distinctStates).toBe(5);
    expect(batched.stats!.generatedStates).toBe(single.stats!.generatedStates);
  });

  it("leave a model that reuses its state object one lookup per emission", () => {
    // Counts 0..99 in one mutable object, rewritten for every successor: batched,
    // every waiting successor would read as the last one written.
    const box = { n: 0 };
    const model: Model<{ n: number }, number> = {
      name: "reused",
      invariants: [],
      initial: (emit) => {
        box.n = 0;
        emit(0, { kind: "state", state: box });
      },
      successors: (s, emit) => {
        const from = s.n;
        for (const d of [1, 2, 3]) {
          if (from + d >= 100) continue;
          box.n = from + d;
          emit(d, { kind: "state", state: box } as StepOutcome<{ n: number }>);
        }
        box.n = from;
      },
      apply: () => {
        throw new Error("not replayed here");
      },
      terminal: () => null,
      encode: (s) => Uint8Array.of(s.n),
      decode: (b) => {
        box.n = b[0]!;
        return box;
      },
      describeStep: (d) => ({ kind: "step", text: `+${d}` }),
      viewState: (s) => ({ n: s.n }),
    };
    const result = checkExhaustive(model);
    expect(result.kind).toBe("pass");
    expect(result.stats!.distinctStates).toBe(100);
  });
});
