// A finding of `faultline observe` as the trace it writes (findingToItf): the
// terminal UI opens it as an ITF trace of another tool, with its failure and
// the monitors' state after each log line.
import { readForeignItf } from "@faultline/checker";
import { describe, expect, it } from "vitest";
import { findingToItf } from "../src/observe/observe-report.js";
import { foreignItfDocument } from "../src/tui/trace-document.js";
import { line, observeLines } from "./observe-helpers.js";
import { renderExplorer, strip } from "./tui-harness.js";

describe("observe: a finding's trace in the explorer", () => {
  it("shows the failure, each line's event and the monitors after it", async () => {
    const run = await observeLines([
      line(1, "Opened", "a"),
      line(2, "Deposited", { account: "a", amount: 4, kind: "Card" }),
      line(3, "Deposited", { account: "a", amount: -1, kind: "Card" }),
    ]);
    const read = readForeignItf(findingToItf(run, run.findings[0]!));
    if (!read.ok) throw new Error(read.message);
    const document = foreignItfDocument(read.trace, "observe-AccountLife-violation-1.itf.json");
    expect(document.failureStep).toBe(3);
    const app = await renderExplorer({ document }, 100, 30);
    await app.press("j");
    await app.press("j");
    const frame = strip(app.frame());
    expect(frame).toContain("✗ spec-assertion AccountLife");
    expect(frame).toContain('2 Opened("a") at log.jsonl:1');
    expect(frame).toContain('▸3 Deposited(account = "a", amount = 4,');
    expect(frame).toContain("✗4 Deposited");
    expect(frame).toContain("AccountLife  Open (hot)");
    expect(frame).toContain("balance: 4  (was 0)");
    await app.unmount();
  });
});
