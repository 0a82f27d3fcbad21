// The default worker count: this thread's core plus the cores that stayed
// idle while the probe ran, or by the load average over too short a window.
import { describe, expect, it } from "vitest";
import { workersByLoadAverage, workersForFreeCores } from "../src/search/idle-cores.js";

const at = (ms: number, idleMs: number) => ({ at: ms, idleMs });

describe("workers for the free cores", () => {
  it("takes this core and the idle cores, rounded", () => {
    // 2 cores, the probe busy on one: the other idle (1 core's worth of idle time), shared or busy.
    expect(workersForFreeCores(at(0, 0), 2, at(1000, 1000))).toBe(2);
    expect(workersForFreeCores(at(0, 0), 2, at(1000, 700))).toBe(2);
    expect(workersForFreeCores(at(0, 0), 2, at(1000, 400))).toBe(1);
    expect(workersForFreeCores(at(0, 0), 2, at(1000, 50))).toBe(1);
    // 16 cores, 3.4 of them busy besides the probe: 11.6 idle.
    expect(workersForFreeCores(at(0, 0), 16, at(2000, 23_200))).toBe(13);
    // Never more than asked, never fewer than one.
    expect(workersForFreeCores(at(0, 0), 4, at(1000, 15_000))).toBe(4);
    expect(workersForFreeCores(at(0, 5000), 8, at(1000, 5000))).toBe(1);
  });

  it("goes by the load average when the probe was too short to measure", () => {
    // 50 ms: the kernel's idle counters move in 10 ms ticks.
    // (idle time alone would say 1 here: no core idle; the load average, injected, says 3.)
    expect(workersForFreeCores(at(0, 0), 4, at(50, 0), (max) => max - 1)).toBe(3);
    expect(workersForFreeCores(at(0, 0), 4, at(100, 0), (max) => max - 1)).toBe(1);
    expect(workersByLoadAverage(2, 2, 0)).toBe(2);
    expect(workersByLoadAverage(2, 2, 1.2)).toBe(1);
    expect(workersByLoadAverage(16, 16, 3.6)).toBe(12);
    expect(workersByLoadAverage(4, 16, 0)).toBe(4);
    expect(workersByLoadAverage(2, 2, 7.8)).toBe(1);
  });
});
