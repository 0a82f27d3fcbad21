// `faultline observe` ordering (docs/observe.md, "Ordering"): events are
// checked in timestamp order within --reorder-window; one that arrives later
// than that is reported, not checked. And the window itself (reorder-window.ts).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ReorderWindow } from "../src/observe/reorder-window.js";
import { line, observeLines } from "./observe-helpers.js";

describe("observe: ordering", () => {
  // Deposited before Opened in the log, but not in time: re-sorted within the window.
  const swapped = [
    line(10, "Deposited", { account: "a", amount: 5, kind: "Cash" }),
    line(5, "Opened", "a"),
    line(20, "Closed", "a"),
  ];

  it("re-sorts events that arrive out of order within the window", async () => {
    const run = await observeLines(swapped, { reorderWindowMs: 10 });
    expect(run.inputErrors).toEqual([]);
    expect(run.findings).toEqual([]);
    expect(run.counts.events).toBe(3);
  });

  it("reports an event older than one already checked, beyond the window, and does not check it", async () => {
    const run = await observeLines(swapped, { reorderWindowMs: 2 });
    expect(run.inputErrors.map((e) => [e.line, e.code])).toEqual([[2, "OBS106"]]);
    expect(run.inputErrors[0]!.message).toMatch(
      /arrived after an event at 1970-01-01T00:00:00.010Z, more than the reorder window \(2 ms\) out of order/,
    );
    expect(run.counts).toMatchObject({ late: 1, events: 1, afterViolation: 1 });
    // Without the Opened, the deposit came in the start state: the monitor cannot handle it.
    expect(run.findings.map((f) => f.failure.kind)).toEqual(["unhandled-event"]);
  });

  it("without a window, a timestamp must not go back (equal ones keep their order)", async () => {
    const run = await observeLines([line(5, "Opened", "a"), line(5, "Closed", "a"), line(4, "Opened", "b")]);
    expect(run.inputErrors.map((e) => [e.line, e.code])).toEqual([[3, "OBS106"]]);
  });

  it("orders ISO-8601 and millisecond timestamps alike", async () => {
    const run = await observeLines(
      [
        line("1970-01-01T00:00:00.010Z", "Deposited", { account: "a", amount: 5, kind: "Cash" }),
        line(9, "Opened", "a"),
      ],
      { reorderWindowMs: 5 },
    );
    expect(run.inputErrors).toEqual([]);
    expect(run.findings.map((f) => f.kind)).toEqual(["unresolved"]);
  });
});

describe("ReorderWindow", () => {
  it("releases in (timestamp, arrival) order what arrives up to the window behind the newest, and refuses what is further behind", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 60 }),
        fc.integer({ min: 0, max: 20 }),
        (times, w) => {
          const out: { ts: number; seq: number }[] = [];
          const win = new ReorderWindow<{ ts: number; seq: number }>(w, (x) => out.push(x));
          let newest = Number.NEGATIVE_INFINITY;
          const refused: number[] = [];
          times.forEach((ts, seq) => {
            const lateByMoreThanWindow = ts < newest - w;
            const accepted = win.push({ ts, seq });
            expect(accepted).toBe(!lateByMoreThanWindow);
            if (!accepted) refused.push(seq);
            newest = Math.max(newest, ts);
          });
          win.flush();
          // Released in order, each accepted event once.
          for (let i = 1; i < out.length; i++) {
            const [a, b] = [out[i - 1]!, out[i]!];
            expect(a.ts < b.ts || (a.ts === b.ts && a.seq < b.seq)).toBe(true);
          }
          expect(out.length + refused.length).toBe(times.length);
        },
      ),
      { seed: 18, numRuns: 300 },
    );
  });
});
