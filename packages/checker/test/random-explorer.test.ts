// Random and PCT exploration: a bug too deep and a state space too large for
// the exhaustive explorer within the test's bounds is found by a fixed seed
// and run budget, shrunk to at most a third of its length, and reproduced
// byte for byte from (seed, run).
import { describe, expect, it } from "vitest";
import { checkExhaustive } from "../src/search/bfs-explorer.js";
import type { CheckResult, RandomStats } from "../src/check-result.js";
import { buildModel } from "../src/fl/fl-model.js";
import { checkRandom, type RandomOptions } from "../src/search/random-explorer.js";
import { replayTrace } from "../src/trace/replay.js";
import { loadFixture } from "./fixtures/fl/load.js";
import { GraphModel } from "./models/graph-model.js";

const limiterIr = loadFixture("random-limiter.fl");
const LIMITED = "Limited(capacity=24)";

function limiter() {
  return buildModel(limiterIr, LIMITED);
}

function found(result: CheckResult<RandomStats>) {
  if (result.kind !== "violation" && result.kind !== "deadlock") {
    throw new Error(`expected a failure, got ${result.kind}: ${JSON.stringify(result).slice(0, 300)}`);
  }
  if (result.random === undefined) throw new Error("a random finding carries `random`");
  return { ...result, random: result.random };
}

/** Everything but timings, as JSON: what must be equal byte for byte between two runs of one seed. */
function reproducible(result: CheckResult<RandomStats>): string {
  const { stats, ...rest } = result as CheckResult<RandomStats> & { stats: RandomStats };
  const {
    elapsedMs: _e,
    stepsPerSecond: _s,
    runsPerSecond: _r,
    distinctStatesPerSecond: _d,
    generatedStatesPerSecond: _g,
    ...counts
  } = stats;
  const copy = JSON.parse(JSON.stringify({ ...rest, counts })) as { random?: { shrinkMs?: number } };
  if (copy.random) delete copy.random.shrinkMs;
  return JSON.stringify(copy);
}

describe("random exploration finds a deep bug in a large state space", () => {
  const options: RandomOptions = { seed: 1, runs: 20, maxSteps: 400 };

  it("is out of reach of the exhaustive explorer within the same test's bounds", () => {
    const result = checkExhaustive(limiter(), { maxStates: 20_000 });
    expect(result.kind).toBe("bounded");
    if (result.kind === "bounded") expect(result.stats.maxDepth).toBeLessThan(25);
  });

  it("finds it with a fixed seed and run budget, and shrinks it to at most a third", () => {
    const model = limiter();
    const result = found(checkRandom(model, options));
    expect(result.failure).toMatchObject({ kind: "invariant", property: "LeasesWithinCapacity" });
    const { originalLength, shrunkLength, originalTrace } = result.random;
    expect(originalTrace.steps).toHaveLength(originalLength);
    expect(result.trace.steps).toHaveLength(shrunkLength);
    // The bug needs 25 requests delivered to the limiter after the initial step.
    expect(shrunkLength).toBeGreaterThanOrEqual(26);
    expect(shrunkLength * 3).toBeLessThanOrEqual(originalLength);
    // Both the original and the shrunk schedule fail the same way when replayed.
    for (const steps of [originalTrace.steps, result.trace.steps]) {
      const replay = replayTrace(model, steps);
      expect(replay.error).toBeUndefined();
      expect(replay.replayed).toBe(steps.length);
      expect(replay.failure).toMatchObject({ kind: "invariant", property: "LeasesWithinCapacity" });
    }
    // The shrunk story is exactly the 25 requests: no lease delivery and no chatter left.
    const delivered = replayTrace(model, result.trace.steps).labels.map((l) => l.text);
    expect(delivered.filter((t) => t.startsWith("Limiter(0) <- Request"))).toHaveLength(25);
    expect(result.random.shrinkReplays).toBeGreaterThan(0);
  });

  it("prints the command that replays the failing run, and that run alone reproduces it", () => {
    const model = limiter();
    const prefix = "faultline check random-limiter.fl --test 'Limited(capacity=24)'";
    const first = found(checkRandom(model, { ...options, replayCommandPrefix: prefix }));
    const { run, seed } = first.random;
    expect(first.random.replayCommand).toBe(
      `${prefix} --mode random --seed ${seed} --run ${run} --max-steps ${options.maxSteps}`,
    );
    // Without a prefix the command still names the test, quoted for the shell.
    expect(found(checkRandom(limiter(), { ...options, run })).random.replayCommand).toBe(
      `faultline check <file> --test 'Limited(capacity=24)' --mode random --seed 1 --run ${run} --max-steps 400`,
    );
    const again = found(checkRandom(limiter(), { ...options, run }));
    expect(again.random.run).toBe(run);
    expect(again.stats.runs).toBe(1);
    expect(JSON.stringify(again.random.originalTrace)).toBe(JSON.stringify(first.random.originalTrace));
    expect(JSON.stringify(again.trace)).toBe(JSON.stringify(first.trace));
  });

  it("gives the same result and trace, byte for byte, for the same seed", () => {
    const a = checkRandom(limiter(), options);
    const b = checkRandom(limiter(), options);
    expect(reproducible(b)).toBe(reproducible(a));
    const c = found(checkRandom(limiter(), { ...options, seed: 2 }));
    // Another seed walks another way.
    expect(JSON.stringify(c.random.originalTrace)).not.toBe(JSON.stringify(found(a).random.originalTrace));
  });

  it("PCT finds it too, reproducibly, and names its depth in the replay command", () => {
    const pct: RandomOptions = { strategy: "pct", seed: 3, runs: 50, maxSteps: 300, pctDepth: 3 };
    const a = found(checkRandom(limiter(), pct));
    expect(a.failure.property).toBe("LeasesWithinCapacity");
    expect(a.random.strategy).toBe("pct");
    expect(a.random.replayCommand).toContain("--mode pct --seed 3");
    expect(a.random.replayCommand).toContain("--pct-depth 3");
    expect(a.stats.pctLength).toBeGreaterThan(0);
    const b = found(checkRandom(limiter(), pct));
    expect(reproducible(b)).toBe(reproducible(a));
    const alone = found(checkRandom(limiter(), { ...pct, run: a.random.run }));
    expect(JSON.stringify(alone.random.originalTrace)).toBe(JSON.stringify(a.random.originalTrace));
  });
});

describe("random exploration of correct models", () => {
  it("passes, with counts of runs and steps", () => {
    const model = buildModel(loadFixture("ping-pong.fl"), "PingPong(rounds=3)");
    const result = checkRandom(model, { seed: 7, runs: 30 });
    expect(result.kind).toBe("pass");
    if (result.kind !== "pass") return;
    const s = result.stats;
    expect(s).toMatchObject({ strategy: "random", seed: 7, runs: 30, runsRequested: 30, stoppedBy: "runs" });
    // Ping-pong is deterministic: init plus 3 pings and 3 pongs, every run.
    expect(s.runsQuiescent).toBe(30);
    expect(s.longestRun).toBe(7);
    expect(s.steps).toBe(30 * 7);
    expect(s.distinctStates).toBe(7);
  });

  it("samples every choose value: runs visit every reachable state of a small model", () => {
    for (const test of ["Choose3", "ChooseInEntryAndHandler"]) {
      const model = buildModel(loadFixture("choose.fl"), test);
      const exhaustive = checkExhaustive(model);
      expect(exhaustive.kind).toBe("pass");
      const random = checkRandom(model, { seed: 11, runs: 64 });
      expect(random.kind).toBe("pass");
      expect(random.stats?.distinctStates).toBe(exhaustive.stats?.distinctStates);
    }
  });

  it("stops at the time budget with an injected clock", () => {
    let clock = 0;
    const model = buildModel(loadFixture("ping-pong.fl"), "PingPong(rounds=3)");
    const progress: number[] = [];
    const result = checkRandom(model, {
      seed: 1,
      runs: 1000,
      timeoutMs: 500,
      now: () => clock++,
      progressIntervalMs: 100,
      onProgress: (p) => progress.push(p.runs),
    });
    expect(result.kind).toBe("pass");
    if (result.kind !== "pass") return;
    expect(result.stats.stoppedBy).toBe("timeout");
    expect(result.stats.runs).toBeLessThan(1000);
    expect(progress.length).toBeGreaterThan(0);
    // Progress reports grow and never pass the final count.
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress[progress.length - 1]!).toBeLessThanOrEqual(result.stats.runs);
  });

  it("rejects bad options with an error result, not a throw", () => {
    const model = buildModel(loadFixture("ping-pong.fl"), "PingPong(rounds=1)");
    expect(checkRandom(model, { seed: -1 })).toMatchObject({ kind: "error" });
    expect(checkRandom(model, { runs: 0 })).toMatchObject({ kind: "error" });
    expect(checkRandom(model, { maxSteps: 1.5 })).toMatchObject({ kind: "error" });
  });
});

describe("random exploration over any Model (successors only)", () => {
  // A chain 0 -> 1 -> ... -> 9 (node 9 is bad) with a noise loop at every node.
  const edges: number[][] = [];
  for (let n = 0; n < 10; n++) edges.push(n < 9 ? [n + 1, 10 + n] : []);
  for (let n = 0; n < 10; n++) edges.push([n]);
  const spec = { nodeCount: 20, initial: [0], edges, bad: [9] };

  it("finds the bad node and shrinks away the detours", () => {
    const result = found(checkRandom(new GraphModel(spec), { seed: 5, runs: 50, maxSteps: 200 }));
    expect(result.failure.property).toBe("NotBad");
    expect(result.trace.steps).toHaveLength(10);
    expect(result.random.originalLength).toBeGreaterThan(10);
    const replay = replayTrace(new GraphModel(spec), result.trace.steps);
    expect(replay.failure?.property).toBe("NotBad");
  });

  it("a model exception becomes an error result", () => {
    const model = new GraphModel({ ...spec, throwsAt: 3 });
    const result = checkRandom(model, { seed: 5, runs: 5 });
    expect(result.kind).toBe("error");
    if (result.kind === "error") expect(result.message).toContain("cannot expand node 3");
  });
});
