// The other direction (docs/conformance.md): the fault harness's logs checked
// by `observe` (docs/observe.md) against payments.fl's spec monitors, through
// the mapping of the service's own log format (observe-mapping.json), one
// partition per token.
import { join } from "node:path";
import { type ObserveFinding, observe } from "faultline";
import { describe, expect, test } from "vitest";
import { runHarness } from "./harness.js";
import type { BugName } from "./src/bugs.js";

const MODEL = join(import.meta.dirname, "payments.fl");
const MAPPING = join(import.meta.dirname, "observe-mapping.json");

/** The harness's log of at least `events` records, checked by observe. */
async function observeHarness(
  events: number,
  bugs: BugName[] = [],
): Promise<{ findings: ObserveFinding[]; events: number }> {
  const lines: string[] = [];
  await runHarness({ events, bugs, seed: 1, write: (line) => lines.push(line) });
  async function* input(): AsyncIterable<string> {
    for (let i = 0; i < lines.length; i += 10_000) yield `${lines.slice(i, i + 10_000).join("\n")}\n`;
  }
  const result = await observe({ model: MODEL, mapping: MAPPING, input: input() });
  if (result.kind !== "observed") throw new Error(`observe: ${JSON.stringify(result)}`);
  return { findings: result.findings, events: result.counts.events };
}

/** Each seeded divergence, the harness log length (seed 1) that catches it, and the specs that do. */
const CAUGHT: { bug: BugName; events: number; specs: string[] }[] = [
  { bug: "token-not-persisted", events: 1000, specs: ["ChargedOnce", "SameAnswer"] },
  { bug: "check-after-charge", events: 250, specs: ["ChargedOnce", "SameAnswer"] },
  { bug: "no-token-check", events: 250, specs: ["ChargedOnce", "SameAnswer"] },
  { bug: "wrong-duplicate-response", events: 250, specs: ["SameAnswer"] },
  { bug: "lost-write-on-restart", events: 1000, specs: ["ChargedOnce"] },
  { bug: "keyed-by-attempt", events: 250, specs: ["ChargedOnce", "SameAnswer"] },
  { bug: "response-not-stored", events: 250, specs: ["SameAnswer"] },
  { bug: "duplicate-not-answered", events: 250, specs: ["EveryRequestAnswered"] },
  { bug: "fee-added", events: 250, specs: ["SameAnswer"] },
  { bug: "decline-not-stored", events: 250, specs: ["SameAnswer"] },
];

describe("observe on the fault harness's logs", () => {
  test("no false alarm on a clean 50,000-event log", async () => {
    const { findings } = await observeHarness(50_000);
    expect(findings).toEqual([]);
  });

  test.each(CAUGHT)("$bug: caught in a $events-event log by $specs", async ({ bug, events, specs }) => {
    const { findings } = await observeHarness(events, [bug]);
    expect(findings.length).toBeGreaterThan(0);
    expect([...new Set(findings.map((f) => f.spec))].sort()).toEqual(specs);
    expect(findings.every((f) => f.partition !== null)).toBe(true);
  });

  // About 10 s: run with PAYMENTS_MILLION=1.
  test.skipIf(process.env.PAYMENTS_MILLION !== "1")(
    "no false alarm on a clean 1,000,000-event log",
    async () => {
      const { findings, events } = await observeHarness(1_000_000);
      expect(events).toBeGreaterThan(990_000);
      expect(findings).toEqual([]);
    },
    120_000,
  );
});
