// faultline/testing/vitest: describeConformance declares one test case per
// planned schedule, named after it, whose body runs that schedule.
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import type { ImplementationAdapter, SentMessage } from "../src/testing/index.js";
import { ConformanceError, describeConformance, type SuiteApi } from "../src/testing/vitest.js";

const MODEL = join(import.meta.dirname, "fixtures", "conformance", "echo.fl");

const echo = (offset: number): ImplementationAdapter => {
  let log = "";
  return {
    create: (_i, payload) => {
      log = String(payload);
      return [];
    },
    deliver: (_i, m): SentMessage[] => {
      const { from, n } = m.payload as { from: string; n: number };
      return [
        { to: log, event: "Echoed", payload: { n, loud: false } },
        { to: from, event: "Pong", payload: n + offset },
      ];
    },
  };
};

/** A SuiteApi that records what the helper declares instead of registering it with vitest. */
function recorder(): {
  api: SuiteApi;
  suites: string[];
  cases: { name: string; run: () => Promise<void> }[];
} {
  const suites: string[] = [];
  const cases: { name: string; run: () => Promise<void> }[] = [];
  const each =
    (rows: readonly { name: string }[]) => (pattern: string, fn: (row: never) => Promise<void>) => {
      for (const row of rows)
        cases.push({ name: pattern.replace("$name", row.name), run: () => fn(row as never) });
    };
  const api = {
    describe: (title: string, body: () => void) => {
      suites.push(title);
      body();
    },
    test: { each },
  } as unknown as SuiteApi;
  return { api, suites, cases };
}

describe("describeConformance", () => {
  const plan = { exhaustive: { depth: 3 }, random: 4, pct: 2, seed: 9 };

  test("declares one test per schedule, in plan order, named after it", () => {
    const { api, suites, cases } = recorder();
    describeConformance(
      "echo server",
      { model: MODEL, test: "Plain", implements: ["Server"], adapter: () => echo(1), schedules: plan },
      api,
    );
    expect(suites).toEqual(["echo server"]);
    const names = cases.map((c) => c.name);
    expect(names.filter((n) => n.startsWith("exhaustive #")).length).toBeGreaterThan(0);
    expect(names.filter((n) => n.startsWith("random #"))).toHaveLength(4);
    expect(names.filter((n) => n.startsWith("pct #"))).toHaveLength(2);
    expect(new Set(names).size).toBe(names.length);
    // No regular-expression characters: `vitest -t "<name>"` selects exactly that schedule.
    expect(names.filter((n) => !/^[\w #.]+$/.test(n))).toEqual([]);
  });

  test("each test runs its schedule: a conforming server passes them all", async () => {
    const { api, cases } = recorder();
    describeConformance(
      "echo server",
      { model: MODEL, test: "Plain", implements: ["Server"], adapter: () => echo(1), schedules: plan },
      api,
    );
    for (const c of cases) await expect(c.run()).resolves.toBeUndefined();
  });

  test("a diverging server fails a schedule's test with the shrunk report as its error", async () => {
    const { api, cases } = recorder();
    describeConformance(
      "echo server",
      {
        model: MODEL,
        test: "Plain",
        implements: ["Server"],
        adapter: () => echo(5),
        schedules: { random: 3, seed: 9 },
      },
      api,
    );
    const failing = cases[0]!;
    const error = await failing.run().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ConformanceError);
    expect((error as Error).message).toMatch(
      /Server\(0\) diverged from the model at step 1\n {2}shrunk from \d+ to 2 steps/,
    );
    expect((error as Error).message).toContain("Client(0) <- Pong 6");
  });
});

// The helper itself, registered with vitest: three real test cases below.
describeConformance("echo server (registered)", {
  model: MODEL,
  test: "Faulty",
  implements: ["Server"],
  adapter: () => ({ ...echo(1), crash: () => {}, restart: () => [] }),
  schedules: { random: 3, seed: 4 },
});
