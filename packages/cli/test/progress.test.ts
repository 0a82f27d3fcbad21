import type { ExhaustiveProgress } from "@faultline/checker";
import stringWidth from "string-width";
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

  it("decides from stderr, where it writes, not from stdout", () => {
    const piped = fakeIo(true);
    piped.io.errIsTTY = false;
    const p = createProgressReporter(piped.io, "x", { plainEveryMs: 10_000 });
    p.update(at(10_000));
    p.done();
    expect(piped.err).toEqual([expect.stringMatching(/^progress x: /)]);
    const live = fakeIo(false);
    live.io.errIsTTY = true;
    const q = createProgressReporter(live.io, "x");
    q.update(at(2500));
    expect(live.err[0]!.startsWith("\r\x1b[2Kx: ")).toBe(true);
  });

  for (const columns of [80, 40, 20, 5]) {
    it(`never draws a live line wider than a ${columns}-column terminal`, () => {
      const { io, err } = fakeIo(true);
      io.errIsTTY = true;
      io.errColumns = columns;
      const label = "very-long-model-file-name.fl SomeRatherLongTestName[replicas=5,clients=3]";
      const p = createProgressReporter(io, label);
      for (const states of [1, 12_345, 987_654_321, 123_456_789_012]) {
        p.update({
          elapsedMs: 3_600_000,
          distinctStates: states,
          currentDepth: 123_456,
          queueStates: 98_765_432_109,
        } as ExhaustiveProgress);
      }
      p.done();
      const lines = err.map((t) => t.replace("\r\x1b[2K", "")).filter((t) => t !== "");
      expect(lines).toHaveLength(4);
      for (const line of lines) {
        expect(line).not.toContain("\n");
        expect(stringWidth(line)).toBeLessThanOrEqual(columns);
      }
      if (columns >= 40) for (const line of lines) expect(line).toMatch(/ states?, .*3600\.0s$/);
    });
  }

  it("keeps every field when the terminal is wide enough, dropping the queue first", () => {
    const p = at(4000, 1_000_000);
    const full = "m.fl T: 1,000,000 states, depth 7, 250,000 states/s, queue 42, 4.0s";
    expect(progressLine("m.fl T", p, 200)).toBe(full);
    expect(progressLine("m.fl T", p, full.length - 1)).toBe(
      "m.fl T: 1,000,000 states, depth 7, 250,000 states/s, 4.0s",
    );
  });

  it("is silent when quiet", () => {
    const { io, err } = fakeIo(true);
    const p = createProgressReporter(io, "x", { quiet: true });
    p.update(at(60_000));
    p.done();
    expect(err).toEqual([]);
  });
});
