import { describe, expect, it } from "vitest";
import { defaultWorkers } from "../src/default-workers.js";

describe("the default --workers", () => {
  it("takes the cores that are free, at least one", () => {
    expect(defaultWorkers(2, 0)).toBe(2);
    expect(defaultWorkers(2, 0.4)).toBe(2);
    // One core busy (another process, or the rest of a CI job): one worker, no restart on threads.
    expect(defaultWorkers(2, 1.2)).toBe(1);
    expect(defaultWorkers(2, 7.8)).toBe(1);
    expect(defaultWorkers(16, 3.6)).toBe(12);
    expect(defaultWorkers(16, 0)).toBe(16);
    expect(defaultWorkers(1, 0)).toBe(1);
  });
});
