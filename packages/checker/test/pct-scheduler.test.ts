// PCT's scheduling rules: the highest-priority actor with an enabled step
// runs; change points drop the running actor below every initial priority.
import { describe, expect, it } from "vitest";
import { PctScheduler } from "../src/search/pct-scheduler.js";
import { Prng } from "../src/search/prng.js";

/** Runs a scheduler over a fixed set of always-enabled actors; returns who ran at each step. */
function schedule(seed: number, depth: number, length: number, actors: string[]): string[] {
  const pct = new PctScheduler(new Prng(seed), depth, length);
  const ran: string[] = [];
  for (let step = 0; step < length; step++) ran.push(actors[pct.pick(step, actors)]!);
  return ran;
}

describe("PctScheduler", () => {
  it("with depth 1 (no change point) one actor runs every step", () => {
    for (let seed = 0; seed < 20; seed++) {
      const ran = schedule(seed, 1, 30, ["a", "b", "c"]);
      expect(new Set(ran).size).toBe(1);
    }
  });

  it("with depth d, the running actor changes at most d - 1 times", () => {
    for (let seed = 0; seed < 50; seed++) {
      const ran = schedule(seed, 3, 40, ["a", "b", "c", "d"]);
      let switches = 0;
      for (let i = 1; i < ran.length; i++) if (ran[i] !== ran[i - 1]) switches++;
      expect(switches).toBeLessThanOrEqual(2);
    }
  });

  it("draws d - 1 distinct change points inside the schedule", () => {
    const pct = new PctScheduler(new Prng(4), 5, 10);
    const points = pct.changePointSteps;
    expect(points).toHaveLength(4);
    expect(new Set(points).size).toBe(4);
    for (const p of points) {
      expect(p).toBeGreaterThanOrEqual(1);
      expect(p).toBeLessThan(10);
    }
    // More change points than steps: capped.
    expect(new PctScheduler(new Prng(4), 10, 3).changePointSteps).toHaveLength(2);
  });

  it("a lowered actor runs only when no actor with an initial priority is enabled", () => {
    // Find a seed whose first change point falls at step 1.
    for (let seed = 0; seed < 200; seed++) {
      const pct = new PctScheduler(new Prng(seed), 2, 4);
      if (pct.changePointSteps[0] !== 1) continue;
      const first = ["a", "b"][pct.pick(0, ["a", "b"])]!;
      const second = ["a", "b"][pct.pick(1, ["a", "b"])]!;
      expect(second).toBe(first);
      const other = first === "a" ? "b" : "a";
      // After step 1, `first` is below `other`.
      expect(["a", "b"][pct.pick(2, ["a", "b"])]).toBe(other);
      // When only the lowered actor is enabled, it runs.
      expect(pct.pick(3, [first])).toBe(0);
      return;
    }
    throw new Error("no seed with a change point at step 1");
  });

  it("picks among the chosen actor's steps at random, reproducibly", () => {
    const picks = (seed: number) => {
      const pct = new PctScheduler(new Prng(seed), 1, 50);
      return Array.from({ length: 50 }, (_, i) => pct.pick(i, ["x", "x", "x", "y"]));
    };
    const a = picks(8);
    expect(picks(8)).toEqual(a);
    const chosen = new Set(a);
    // Either x's three steps, or y's only one, every time.
    expect(chosen.has(3) ? chosen.size === 1 : [...chosen].every((i) => i < 3)).toBe(true);
    const xs = Array.from({ length: 20 }, (_, s) => picks(s)).find((p) => !p.includes(3))!;
    expect(new Set(xs).size).toBe(3);
  });
});
