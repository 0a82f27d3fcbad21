// `faultline observe --partition-by` (docs/observe.md, "Partitions"): one set
// of monitors per key, so checking a log with partitions finds exactly what
// checking each partition's lines alone finds; and a partition back in its
// start state is dropped (memory), which must not change any verdict.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ObserveRun } from "../src/observe/observe.js";
import { line, observeLines } from "./observe-helpers.js";

const ACCOUNTS = ["a", "b", "c"];

/** A random log line about one account, with its timestamp. */
const entry = fc.record({
  account: fc.constantFrom(...ACCOUNTS),
  kind: fc.constantFrom("Opened", "Deposited", "Closed"),
  amount: fc.integer({ min: -1, max: 3 }),
});

function logLine(e: { account: string; kind: string; amount: number }, ts: number): string {
  const payload = e.kind === "Deposited" ? { account: e.account, amount: e.amount, kind: "Cash" } : e.account;
  return line(ts, e.kind, payload, { acct: e.account });
}

/** A finding as it reads in a partition of its own: its kind, spec, failure and the lines, renumbered to the log's. */
function verdicts(run: ObserveRun, lineOf: (n: number) => number): string[] {
  return run.findings
    .map((f) =>
      JSON.stringify([
        f.kind,
        f.spec,
        f.failure.message,
        f.line === null ? null : lineOf(f.line),
        f.history.map((h) => lineOf(h.line)),
        f.history.map((h) => run.runner.view(h.state, run.names.nameOf)),
      ]),
    )
    .sort();
}

describe("observe: partitions", () => {
  it("finds with --partition-by what checking each partition's lines alone finds", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(entry, { maxLength: 40 }), async (entries) => {
        const lines = entries.map((e, i) => logLine(e, i));
        const whole = await observeLines(lines, { partitionBy: "/acct", specs: ["AccountLife"] });
        const together = verdicts(whole, (n) => n);
        const alone: string[] = [];
        for (const account of ACCOUNTS) {
          const mine = entries.flatMap((e, i) => (e.account === account ? [i + 1] : []));
          const run = await observeLines(
            mine.map((n) => lines[n - 1]!),
            { specs: ["AccountLife"] },
          );
          alone.push(...verdicts(run, (k) => mine[k - 1]!));
        }
        expect(together).toEqual(alone.sort());
        // Every finding carries its key.
        for (const f of whole.findings) expect(ACCOUNTS).toContain(f.partition);
      }),
      { seed: 18, numRuns: 120 },
    );
  });

  it("drops a partition whose monitors are back at their start, and keeps counting it", async () => {
    const lines = [];
    for (let i = 0; i < 50; i++)
      lines.push(
        line(2 * i, "Opened", `k${i}`, { acct: `k${i}` }),
        line(2 * i + 1, "Closed", `k${i}`, { acct: `k${i}` }),
      );
    const run = await observeLines(lines, { partitionBy: "/acct", specs: ["FewOpen"] });
    expect(run.findings).toEqual([]);
    expect(run.counts).toMatchObject({ partitions: 50, peakPartitions: 1, events: 100 });
  });

  it("keeps the last lines of a partition for a finding, up to the cap, and says how many it left out", async () => {
    const lines = [line(0, "Opened", "a")];
    for (let i = 1; i <= 30; i++) lines.push(line(i, "Deposited", { account: "a", amount: 1, kind: "Card" }));
    const run = await observeLines(lines, { historyCap: 10, specs: ["AccountLife"] });
    const [f] = run.findings;
    expect(f).toMatchObject({ kind: "unresolved", dropped: 21 });
    expect(f!.history.map((h) => h.line)).toEqual([22, 23, 24, 25, 26, 27, 28, 29, 30, 31]);
    // The state before the kept lines is the one the dropped lines left: balance 20 after 21 lines.
    expect(run.runner.view(f!.start, run.names.nameOf).AccountLife).toMatchObject({ vars: { balance: 20 } });
    expect(run.runner.view(f!.history.at(-1)!.state, run.names.nameOf).AccountLife).toMatchObject({
      vars: { balance: 30 },
    });
  });
});
