// Budgets are checked by work done, not by expanded states (issue 14, item 2):
// one state with a huge fan-out must not run far past a timeout or a state
// cap. And an AbortSignal (Ctrl-C in the CLI) stops a search with `bounded`,
// reason "interrupted", and the figures so far (issue 14, item 7).
import { describe, expect, it } from "vitest";
import type { CheckResult, CheckStats, ExhaustiveStats, RandomStats } from "../src/check-result.js";
import type { Json } from "../src/model.js";
import type { ModelFactory } from "../src/model-factory.js";
import { checkExhaustive, checkExhaustiveAsync } from "../src/search/bfs-explorer.js";
import { checkModel } from "../src/search/check-model.js";
import { checkLiveness, checkLivenessAsync } from "../src/search/liveness.js";
import { checkExhaustiveParallel } from "../src/search/parallel-explorer.js";
import { checkRandomAsync } from "../src/search/random-explorer.js";
import { createRingModel } from "./models/ring-model.js";
import { createWideModel } from "./models/wide-model.js";

const wideFactory = (args: Json): ModelFactory => ({
  module: new URL("./models/wide-model.ts", import.meta.url).href,
  exportName: "createWideModel",
  args,
});

const ringFactory = (args: Json): ModelFactory => ({
  module: new URL("./models/ring-model.ts", import.meta.url).href,
  exportName: "createRingModel",
  args,
});

describe("budgets inside one expansion (single-threaded)", () => {
  it("stops at the timeout in the middle of a huge expansion", () => {
    // Each successor costs one (fake) millisecond; one expansion would cost 100 s.
    let clock = 0;
    const model = createWideModel({ fan: 100_000 }, () => clock++);
    const result = checkExhaustive(model, { timeoutMs: 100, maxStates: 1_000_000, now: () => clock });
    expect(result).toMatchObject({ kind: "bounded", reason: "timeout" });
    const stats = result.stats as ExhaustiveStats;
    expect(stats.generatedStates).toBeGreaterThanOrEqual(100);
    expect(stats.generatedStates).toBeLessThan(150);
  });

  it("the liveness check stops at the timeout in the middle of a huge expansion too", () => {
    let clock = 0;
    const wide = createWideModel({ fan: 100_000 }, () => clock++);
    // Always hot: the liveness check builds the graph and looks for a fair hot cycle.
    const model = { ...wide, hasHotStates: true, hotMonitors: () => ["Eventually"] };
    const result = checkLiveness(model, { timeoutMs: 100, now: () => clock });
    expect(result).toMatchObject({ kind: "bounded", reason: "timeout" });
    expect(result.stats!.generatedStates).toBeGreaterThanOrEqual(100);
    expect(result.stats!.generatedStates).toBeLessThan(100 + 300);
  });

  it("stops at max-states as the state past the cap is found, not at the end of the expansion", () => {
    let emitted = 0;
    const model = createWideModel({ fan: 100_000 }, () => emitted++);
    const result = checkExhaustive(model, { maxStates: 50 });
    expect(result).toMatchObject({ kind: "bounded", reason: "max-states" });
    expect(result.stats!.distinctStates).toBe(50);
    expect(emitted).toBeLessThanOrEqual(51);
  });

  it("reads the clock rarely when each unit of work is cheap", () => {
    let reads = 0;
    const result = checkExhaustive(createRingModel({ n: 12, allowPass: true }), {
      now: () => {
        reads++;
        return 0;
      },
    });
    expect(result.kind).toBe("pass");
    const work = result.stats!.generatedStates + result.stats!.distinctStates;
    expect(reads).toBeLessThan(work / 100);
  });
});

describe("budgets inside one expansion (workers)", () => {
  it("stops the workers at the timeout in the middle of a huge expansion", async () => {
    // One expansion: 60,000 successors of 0.1 ms each (6 s); the timeout comes after the workers started.
    const started = performance.now();
    const result = await checkExhaustiveParallel(wideFactory({ fan: 60_000, spinMs: 0.1 }), {
      workers: 2,
      timeoutMs: 1_200,
    });
    expect(result).toMatchObject({ kind: "bounded", reason: "timeout" });
    expect(result.stats!.distinctStates).toBeGreaterThan(1);
    expect(performance.now() - started).toBeLessThan(3_500);
  });
});

describe("interrupting a search (AbortSignal)", () => {
  /** A search of an endless model that a timer aborts after 100 ms: interrupted, with the figures so far. */
  async function expectInterruptedByTimer(
    search: (signal: AbortSignal) => Promise<CheckResult<CheckStats>>,
  ): Promise<void> {
    const interrupt = new AbortController();
    setTimeout(() => interrupt.abort(), 100);
    const result = await search(interrupt.signal);
    expect(result).toMatchObject({ kind: "bounded", reason: "interrupted" });
    expect(result.stats!.distinctStates).toBeGreaterThan(0);
  }

  it("checkExhaustiveAsync gives the event loop a turn, so a timer can abort it", async () => {
    await expectInterruptedByTimer((signal) =>
      checkExhaustiveAsync(createWideModel({ fan: 4 }), { signal, maxStates: 5_000_000 }),
    );
  });

  it("checkExhaustive sees an abort from a callback", () => {
    const interrupt = new AbortController();
    const result = checkExhaustive(createWideModel({ fan: 4 }), {
      signal: interrupt.signal,
      maxStates: 100_000,
      progressEveryStates: 1000,
      onProgress: () => interrupt.abort(),
    });
    expect(result).toMatchObject({ kind: "bounded", reason: "interrupted" });
    expect(result.stats!.distinctStates).toBeGreaterThanOrEqual(1000);
  });

  it("stops the workers", async () => {
    const interrupt = new AbortController();
    setTimeout(() => interrupt.abort(), 200);
    const result = await checkExhaustiveParallel(ringFactory({ n: 40, allowPass: true }), {
      workers: 2,
      maxStates: 5_000_000,
      signal: interrupt.signal,
    });
    expect(result).toMatchObject({ kind: "bounded", reason: "interrupted" });
  });

  it("checkLivenessAsync gives the event loop a turn, so a timer can abort the graph's construction", async () => {
    await expectInterruptedByTimer((signal) =>
      checkLivenessAsync(createWideModel({ fan: 4 }), { signal, maxStates: 2_000_000 }),
    );
  });

  it("checkModel stops and runs nothing after the interrupted search", async () => {
    const interrupt = new AbortController();
    interrupt.abort();
    const outcome = await checkModel(createWideModel({ fan: 4 }), null, {
      mode: "auto",
      maxStates: 1000,
      timeoutMs: 2000,
      signal: interrupt.signal,
    });
    expect(outcome.result).toMatchObject({ kind: "bounded", reason: "interrupted" });
    expect(outcome.randomPhase).toBeUndefined();
  });
});

describe("the memory budget bounds the process (issue 14, item 6)", () => {
  it("stops the workers when the process's resident set reaches the budget, and says what it holds", async () => {
    // Whatever this test process already holds, plus 48 MiB: a worker's heap and the tables must fit in it.
    const budget = process.memoryUsage.rss() + 48 * 1024 ** 2;
    const result = await checkExhaustiveParallel(ringFactory({ n: 40, allowPass: true }), {
      workers: 1,
      memoryBytes: budget,
      timeoutMs: 20_000,
    });
    expect(result).toMatchObject({ kind: "bounded", reason: "memory" });
    expect((result as { message?: string }).message).toContain("the process holds");
    const stats = result.stats as { peakRssBytes: number };
    expect(stats.peakRssBytes).toBeGreaterThan(0);
    expect(stats.peakRssBytes).toBeLessThanOrEqual(budget);
    expect(process.memoryUsage.rss()).toBeLessThan(budget * 1.2);
  });
});

describe("callbacks", () => {
  it("an exception from onProgress in the middle of an expansion reaches the caller of checkExhaustive", () => {
    let clock = 0;
    const model = createWideModel({ fan: 100_000 }, () => clock++);
    expect(() =>
      checkExhaustive(model, {
        now: () => clock,
        progressIntervalMs: 10,
        onProgress: () => {
          throw new Error("from onProgress");
        },
      }),
    ).toThrow("from onProgress");
  });
});

describe("an interrupted random search", () => {
  it("stops between two walks with bounded/interrupted and the figures so far", async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await checkRandomAsync(createRingModel({ n: 8, allowPass: true }), {
      seed: 1,
      runs: 100_000_000,
      signal: controller.signal,
    });
    expect(result).toMatchObject({ kind: "bounded", reason: "interrupted" });
    const stats = result.stats as RandomStats;
    expect(stats.runs).toBeGreaterThan(0);
    expect(stats.runs).toBeLessThan(100_000_000);
    expect(stats.stoppedBy).toBe("interrupted");
  });
});
