// Model-based tests of the payments service against payments.fl
// (docs/conformance.md): the service plays the model's PaymentService; the
// clients, the processor and the network (with the test's drops, duplicates
// and crash-restarts) are the model's.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ConformanceOptions, checkConformance } from "faultline/testing";
import { describeConformance } from "faultline/testing/vitest";
import { afterAll, describe, expect, test } from "vitest";
import { PaymentsAdapter, type PaymentsAdapterOptions } from "./adapter.js";
import { BUG_NAMES, type BugName } from "./src/bugs.js";
import { FileTokenStore } from "./src/token-store.js";

const MODEL = join(import.meta.dirname, "payments.fl");
const UNDER_FAULTS = "UnderFaults(clients=1,payments=2,retries=2)";

function options(
  adapter: PaymentsAdapterOptions,
  extra: Partial<ConformanceOptions> = {},
): ConformanceOptions {
  return {
    model: MODEL,
    test: UNDER_FAULTS,
    implements: ["PaymentService"],
    adapter: () => new PaymentsAdapter(adapter),
    schedules: { random: 100, seed: 1 },
    ...extra,
  };
}

// One vitest test per schedule: every schedule of up to 4 steps, 60 random walks and 40 PCT runs.
describeConformance("payments service conforms to payments.fl", {
  ...options({}),
  schedules: { exhaustive: { depth: 4 }, random: 60, pct: 40, seed: 2026 },
});

describe("the correct service", () => {
  test("no false alarm on 1,000 schedules (600 random, 400 PCT) under drops, duplicates and crash-restarts", async () => {
    const report = await checkConformance(options({}, { schedules: { random: 600, pct: 400, seed: 1 } }));
    expect(report.failure?.report ?? null).toBeNull();
    expect(report).toMatchObject({ schedules: 1000, passed: 1000 });
  });

  test("no false alarm with two clients and no faults (Reliable), exhaustively to depth 4", async () => {
    const report = await checkConformance(
      options(
        {},
        { test: "Reliable(clients=2,payments=1,retries=1)", schedules: { exhaustive: { depth: 4 } } },
      ),
    );
    expect(report.failure?.report ?? null).toBeNull();
    expect(report.passed).toBe(720);
  });
});

/**
 * The ten seeded divergences: how many schedules of seed 1 each search needs
 * to catch it (at most), and the length of the shrunk schedule (the initial
 * step included).
 */
const DIVERGENCES: { bug: BugName; random: number; pct: number; shrunk: number }[] = [
  { bug: "token-not-persisted", random: 11, pct: 1, shrunk: 6 },
  { bug: "check-after-charge", random: 2, pct: 1, shrunk: 6 },
  { bug: "no-token-check", random: 2, pct: 1, shrunk: 4 },
  { bug: "wrong-duplicate-response", random: 3, pct: 1, shrunk: 4 },
  { bug: "lost-write-on-restart", random: 11, pct: 1, shrunk: 6 },
  { bug: "keyed-by-attempt", random: 3, pct: 1, shrunk: 4 },
  { bug: "response-not-stored", random: 2, pct: 1, shrunk: 6 },
  { bug: "duplicate-not-answered", random: 2, pct: 1, shrunk: 4 },
  { bug: "fee-added", random: 1, pct: 1, shrunk: 2 },
  { bug: "decline-not-stored", random: 2, pct: 1, shrunk: 6 },
];

describe("the seeded divergences", () => {
  test("the table lists every bug once", () => {
    expect(DIVERGENCES.map((d) => d.bug).sort()).toEqual([...BUG_NAMES].sort());
  });

  test.each(DIVERGENCES)(
    "$bug: caught within $random random schedules, shrunk to $shrunk steps",
    async (d) => {
      const report = await checkConformance(
        options({ bugs: [d.bug] }, { schedules: { random: 1000, seed: 1 } }),
      );
      expect(report.failure).not.toBeNull();
      expect(report.schedules).toBeLessThanOrEqual(d.random);
      expect(report.failure!.run.failure!.kind).toBe("divergence");
      expect(report.failure!.shrunk!.steps).toHaveLength(d.shrunk);
      expect(report.failure!.shrunk!.minimal).toBe(true);
    },
  );

  test.each(DIVERGENCES)("$bug: caught within $pct PCT schedules", async (d) => {
    const report = await checkConformance(
      options({ bugs: [d.bug] }, { schedules: { pct: 1000, seed: 1 }, shrink: false }),
    );
    expect(report.failure).not.toBeNull();
    expect(report.schedules).toBeLessThanOrEqual(d.pct);
  });

  test("the shrunk report of token-not-persisted: a crash and restart between a payment and its retry", async () => {
    const report = await checkConformance(options({ bugs: ["token-not-persisted"] }));
    const text = report.failure!.report;
    expect(text).toContain("crash PaymentService(0)");
    expect(text).toContain("restart PaymentService(0)");
    expect(text).toMatch(/attempt = 2\) from Client\(0\)\n {2}PaymentService\(0\) sent /);
    expect(text).toMatch(
      /replay seed: random seed \d+; under describeConformance, npx vitest run -t "random #\d+ seed \d+"/,
    );
  });
});

describe("with the file-backed token store", () => {
  const root = mkdtempSync(join(tmpdir(), "payments-store-"));
  let runs = 0;
  const fileStore = () => new FileTokenStore(join(root, `tokens-${runs++}.jsonl`));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test("the correct service passes 200 schedules", async () => {
    const report = await checkConformance(
      options({ store: fileStore }, { schedules: { random: 100, pct: 100, seed: 3 } }),
    );
    expect(report.failure?.report ?? null).toBeNull();
  });

  test("lost-write-on-restart is caught: the unsynced answers are gone after the crash", async () => {
    const report = await checkConformance(options({ store: fileStore, bugs: ["lost-write-on-restart"] }));
    expect(report.failure!.run.failure!.kind).toBe("divergence");
    expect(report.failure!.report).toContain("restart PaymentService(0)");
  });
});
