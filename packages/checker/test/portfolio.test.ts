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
  overMemoryBudget,
  runPortfolioEntry,
  searchEntryWitnesses,
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

/** A bundled example, compiled. */
function example(file: string) {
  const path = fileURLToPath(new URL(`../../../examples/${file}`, import.meta.url));
  return compileText(path, readFileSync(path, "utf8"));
}

/** Portfolio entry 4 (bounded exhaustive, own faults) with this seed and prefix, at most 1,000 states. */
function prefixEntry(seed: number, prefixLength: number): PortfolioEntry {
  return {
    entry: 4,
    strategy: { kind: "prefix-exhaustive", faults: "own" },
    seed,
    runs: 1,
    maxSteps: 100,
    prefixLength,
    maxStates: 1000,
  };
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
    const ir = example("crash-restart.fl");
    const test = "CrashLosesMemory";
    const m = buildModel(ir, test);
    // A prefix that delivers the write and its ack (other seeds crash first: nothing fails after that).
    const entry = prefixEntry(5, 2);
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

describe("memory budgets and witnesses", () => {
  it("a bounded exhaustive entry past the memory budget is bounded (memory); within it, as without one", () => {
    const ir = example("drop.fl");
    const plain = runPortfolioEntry(buildModel(ir, "Reliable"), prefixEntry(3, 0));
    expect(plain.result.kind).toBe("pass");
    expect(plain.distinctStates).toBeGreaterThan(1);
    const tiny = runPortfolioEntry(buildModel(ir, "Reliable"), prefixEntry(3, 0), { memoryBytes: 1 });
    expect(tiny.result).toMatchObject({ kind: "bounded", reason: "memory" });
    expect((tiny.result as { message: string }).message).toMatch(
      /^memory budget of 0\.0 MiB exhausted: it left room for 1 of the entry's 1,000 states/,
    );
    const roomy = runPortfolioEntry(buildModel(ir, "Reliable"), prefixEntry(3, 0), { memoryBytes: 2 ** 40 });
    expect(roomy).toEqual(plain);
    expect(overMemoryBudget(undefined)).toBe(false);
    expect(overMemoryBudget(1)).toBe(true);
    expect(overMemoryBudget(2 ** 40)).toBe(false);
  });

  it("a random or PCT entry's walks search the witnesses, each reached one with its replay command", async () => {
    const ir = example("witnesses.fl");
    const test = "QuietServer(busy=false)";
    const entry: PortfolioEntry = { entry: 1, strategy: PORTFOLIO[1]!, seed: 9, runs: 8, maxSteps: 50 };
    const searched = await searchEntryWitnesses(buildModel(ir, test), entry, 8, {
      replayCommandPrefix: "faultline check w.fl",
    });
    expect(searched!.failure).toBeNull();
    const byName = Object.fromEntries(searched!.witnesses.map((w) => [w.name, w]));
    expect(byName["Retried"]).toMatchObject({ reached: false });
    expect(byName["Progress.Done"]).toMatchObject({ reached: true, kind: "cover" });
    expect(byName["Progress.Done"]!.replayCommand).toMatch(
      /^faultline check w\.fl --mode pct --seed 9 --run \d+ --max-steps 50 --pct-depth 2$/,
    );
    // The same entry again: the same witnesses.
    expect(await searchEntryWitnesses(buildModel(ir, test), entry, 8)).toMatchObject({
      witnesses: searched!.witnesses.map(({ replayCommand: _, ...w }) => w),
    });
    expect(await searchEntryWitnesses(buildModel(ir, test), prefixEntry(3, 0), 1)).toBeNull();
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
