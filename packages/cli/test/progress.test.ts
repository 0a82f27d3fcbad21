import type { ExhaustiveProgress } from "@faultline/checker";
import { describe, expect, it } from "vitest";
import type { Io } from "../src/io.js";
import { createProgressReporter, progressLine } from "../src/progress.js";

function fakeIo(isTTY: boolean, env: Record<string, string> = {}) {
  const err: string[] = [];
  const io: Io = { out: () => {}, err: (t) => err.push(t), isTTY, env };
  return { io, err };
}

function at(elapsedMs: number, distinctStates = 1000): ExhaustiveProgress {
  return { elapsedMs, distinctStates, currentDepth: 7, queueStates: 42 } as ExhaustiveProgress;
}

describe("progress", () => {
  it("formats states, depth, rate, queue and elapsed time", () => {
    expect(progressLine("m.fl T", at(4000, 1_000_000))).toBe(
      "m.fl T: 1,000,000 states, depth 7, 250,000 states/s, queue 42, 4.0s",
    );
  });

  it("redraws one live line on a terminal and clears it when done", () => {
    const { io, err } = fakeIo(true);
    const p = createProgressReporter(io, "x");
    p.update(at(100)); // too early: short runs print nothing
    p.update(at(2500));
    p.update(at(2750));
    p.done();
    expect(err).toHaveLength(3);
    expect(err[0]!.startsWith("\r\u001b[2Kx: 1,000 states")).toBe(true);
    expect(err[2]).toBe("\r\x1b[2K");
  });

  it("prints plain periodic lines in CI, without control codes", () => {
    const { io, err } = fakeIo(true, { CI: "true" });
    const p = createProgressReporter(io, "x", { plainEveryMs: 10_000 });
    for (let t = 2000; t <= 31_000; t += 250) p.update(at(t));
    p.done();
    expect(err.length).toBe(3); // at 10 s, 20 s and 30 s
    for (const line of err) expect(line).toMatch(/^progress x: .*\n$/);
    expect(err.join("")).not.toContain("\x1b");
  });

  it("is silent when quiet", () => {
    const { io, err } = fakeIo(true);
    const p = createProgressReporter(io, "x", { quiet: true });
    p.update(at(60_000));
    p.done();
    expect(err).toEqual([]);
  });
});
