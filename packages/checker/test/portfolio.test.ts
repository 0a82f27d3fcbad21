// The swarm's search portfolio (search/portfolio.ts): the split over N shards
// is a partition of the entries that runs every strategy and the whole budget;
// an entry reproduces exactly from its seed; a bounded exhaustive entry's
// counterexample replays from before the initial state; fault mixes are
// restrictions of the test's faults that --faults reads back; and the
// bottom-k state sketch estimates distinct counts and unions.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { CheckResult } from "../src/check-result.js";
import { faultMixText } from "../src/fl/fault-mix.js";
import { parseFaultsOption } from "../src/fl/fault-plan.js";
import { buildModel } from "../src/fl/fl-model.js";
import {
  entriesPerShard,
  PORTFOLIO,
  type PortfolioEntry,
  runPortfolioEntry,
  shardEntries,
  shardProblem,
} from "../src/search/portfolio.js";
import { Prng } from "../src/search/prng.js";
import { estimateDistinct, StateSketch } from "../src/search/state-sketch.js";
import { replayTrace } from "../src/trace/replay.js";
import { compileText, loadFixture } from "./fixtures/fl/load.js";

describe("the split of the portfolio over shards", () => {
  for (const count of [1, 3, 4, 8, 16, 40]) {
    it(`${count} shards: disjoint entries, every strategy, the whole budget on each shard`, () => {
      const budget = { runs: 100, maxSteps: 400 };
      const seen = new Set<number>();
      const strategies = new Set<number>();
      for (let index = 0; index < count; index++) {
        const entries = shardEntries({ index, count, seed: 7 }, budget);
        expect(entries).toHaveLength(entriesPerShard(count));
        for (const e of entries) {
          expect(seen.has(e.entry)).toBe(false);
          seen.add(e.entry);
          strategies.add(e.entry % PORTFOLIO.length);
          expect(e.entry % count).toBe(index);
        }
        const runs = entries.reduce(
          (n, e) => n + (e.strategy.kind === "prefix-exhaustive" ? e.maxStates! / 20 : e.runs),
          0,
        );
        expect(runs).toBe(budget.runs);
      }
      expect(strategies.size).toBe(PORTFOLIO.length);
    });
  }

  it("shard i of N with seed s always gets the same entries; another seed other seeds", () => {
    const a = shardEntries({ index: 2, count: 4, seed: 1 }, { runs: 50, maxSteps: 100 });
    const b = shardEntries({ index: 2, count: 4, seed: 1 }, { runs: 50, maxSteps: 100 });
    const c = shardEntries({ index: 2, count: 4, seed: 2 }, { runs: 50, maxSteps: 100 });
    expect(a).toEqual(b);
    expect(c.map((e) => e.entry)).toEqual(a.map((e) => e.entry));
    expect(c.map((e) => e.seed)).not.toEqual(a.map((e) => e.seed));
  });

  it("walk lengths: short, medium and long walks; PCT walks long", () => {
    const entries = shardEntries({ index: 0, count: 1, seed: 0 }, { runs: 160, maxSteps: 320 });
    const steps = (i: number) => entries.find((e) => e.entry === i)!.maxSteps;
    expect([steps(0), steps(14), steps(2), steps(1)]).toEqual([320, 80, 20, 320]);
  });

  it("a budget smaller than a shard's entries skips the entries it cannot pay for", () => {
    expect(shardEntries({ index: 0, count: 1, seed: 0 }, { runs: 3, maxSteps: 10 })).toHaveLength(3);
  });

  it("refuses malformed shards", () => {
    expect(shardProblem({ index: 4, count: 4, seed: 0 })).toMatch(/from 0 to 3/);
    expect(shardProblem({ index: 0, count: 0, seed: 0 })).toMatch(/shard count/);
    expect(shardProblem({ index: 3, count: 4, seed: 0 })).toBeNull();
  });
});

function failed(result: CheckResult) {
  if (result.kind !== "violation" && result.kind !== "deadlock")
    throw new Error(`no failure: ${result.kind}`);
  return result;
}

describe("running entries", () => {
  const limiter = loadFixture("random-limiter.fl");
  const model = () => buildModel(limiter, "Limited(capacity=24)");

  it("a random entry reproduces exactly from its seed, and fills the sketch", () => {
    const entry: PortfolioEntry = {
      entry: 0,
      strategy: PORTFOLIO[0]!,
      seed: 1,
      runs: 20,
      maxSteps: 400,
    };
    const a = new StateSketch(64);
    const b = new StateSketch(64);
    const first = runPortfolioEntry(model(), entry, { sketch: a, coverage: true });
    const second = runPortfolioEntry(model(), entry, { sketch: b, coverage: true });
    expect(failed(first.result).trace).toEqual(failed(second.result).trace);
    expect(a.values()).toEqual(b.values());
    expect(a.values()).toHaveLength(64);
    expect(first.coverage).not.toBeNull();
  });

  it("a bounded exhaustive entry from a random prefix reports a trace from before the initial state", () => {
    const path = fileURLToPath(new URL("../../../examples/crash-restart.fl", import.meta.url));
    const ir = compileText(path, readFileSync(path, "utf8"));
    const test = "CrashLosesMemory";
    const m = buildModel(ir, test);
    const entry: PortfolioEntry = {
      entry: 4,
      strategy: { kind: "prefix-exhaustive", faults: "own" },
      // A prefix that delivers the write and its ack (other seeds crash first: nothing fails after that).
      seed: 5,
      runs: 1,
      maxSteps: 100,
      prefixLength: 2,
      maxStates: 1000,
    };
    const sketch = new StateSketch();
    const out = runPortfolioEntry(m, entry, { sketch, coverage: true });
    const found = failed(out.result);
    const replayed = replayTrace(buildModel(ir, test), found.trace.steps);
    expect(replayed.failure?.property).toBe(found.failure.property);
    expect(found.trace.steps[0]).toMatchObject({ t: "init" });
    expect(out.distinctStates).toBeGreaterThan(0);
    expect(sketch.values().length).toBeGreaterThan(0);
    // The same entry again: the same counterexample.
    const again = runPortfolioEntry(buildModel(ir, test), entry, {});
    expect(failed(again.result).trace).toEqual(found.trace);
  });
});

describe("fault mixes", () => {
  const ir = loadFixture("two-phase-commit-design.fl");
  const own = ir.tests.find((t) => t.name === "UnderFaults")!.faults;

  it("are restrictions of the test's faults, in --faults syntax", () => {
    expect(faultMixText(own, "own")).toBeUndefined();
    expect(faultMixText(own, "none")).toBe("");
    expect(faultMixText(own, "messages")).toBe("drop Prepare, Voted at most 2; duplicate Decide at most 1");
    expect(faultMixText(own, "nodes")).toBe("crash Participant at most 1 then restart; partition at most 1");
    expect(faultMixText(own, "single")).toBe(
      "drop Prepare, Voted at most 1; duplicate Decide at most 1; crash Participant at most 1 then restart; partition at most 1",
    );
  });

  it("read back by the --faults parser as the same faults", () => {
    for (const mix of ["none", "messages", "nodes", "single"] as const) {
      const text = faultMixText(own, mix)!;
      const parsed = parseFaultsOption(text, ir, "UnderFaults");
      if (!parsed.ok) throw new Error(parsed.message);
      expect(faultMixText(parsed.faults, "own")).toBeUndefined();
      expect(parsed.faults.map((f) => f.kind)).toEqual(
        text === "" ? [] : text.split("; ").map((t) => t.split(" ")[0]),
      );
    }
  });

  it("a test without faults gives no --faults text for any mix but none", () => {
    expect(faultMixText([], "messages")).toBeUndefined();
    expect(faultMixText([], "none")).toBeUndefined();
  });
});

describe("the state sketch", () => {
  it("is exact below its size and keeps each state once", () => {
    const s = new StateSketch(16);
    for (let i = 0; i < 10; i++) {
      s.add(i * 7919, i);
      s.add(i * 7919, i);
    }
    expect(s.estimate()).toBe(10);
  });

  it("estimates 20,000 distinct fingerprints within 15%, and a union of overlapping sets", () => {
    const rng = new Prng(42);
    const values: [number, number][] = [];
    for (let i = 0; i < 20_000; i++) values.push([rng.nextUint32(), rng.nextUint32()]);
    const a = new StateSketch();
    const b = new StateSketch();
    for (const [i, [hi, lo]] of values.entries()) {
      if (i < 15_000) a.add(hi, lo);
      if (i >= 5_000) b.add(hi, lo);
    }
    const union = StateSketch.union([
      { values: a.values(), size: a.size },
      { values: b.values(), size: b.size },
    ]);
    expect(Math.abs(a.estimate() - 15_000) / 15_000).toBeLessThan(0.15);
    expect(Math.abs(union.estimate() - 20_000) / 20_000).toBeLessThan(0.15);
    expect(estimateDistinct([], 256)).toBe(0);
  });
});
