// A search on worker threads says so in the JSON report (stats.parallel):
// how many workers, what they took over from the probe, and the profile of
// serial and parallel time that scaling-bench.mjs projects from.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCheck } from "../src/commands/check.js";
import { captureIo } from "./capture-io.js";

const BANK = fileURLToPath(new URL("../../../examples/bank.fl", import.meta.url));

async function statsOf(args: string[]): Promise<Record<string, unknown>> {
  const json = captureIo();
  expect(await runCheck([BANK, ...args, "--reporter", "json"], json.io)).toBe(0);
  return (JSON.parse(json.out()) as { tests: { stats: Record<string, unknown> }[] }).tests[0]!.stats;
}

describe("stats.parallel in the JSON report", () => {
  it("gives the workers and the profile of their search", async () => {
    // A memory budget always runs the parallel explorer (no probe).
    const stats = await statsOf(["--workers", "2", "--memory", "4GiB"]);
    expect(stats.distinctStates).toBe(47);
    const parallel = stats.parallel as {
      workers: number;
      seededStates: number;
      profile: Record<string, number>;
    };
    expect(parallel).toMatchObject({ workers: 2, seededStates: 0, workersPrepared: false });
    // Every level from depth 0 to the deepest is expanded (the last finds nothing new).
    expect(parallel.profile).toMatchObject({ probeMs: 0, levels: (stats.maxDepth as number) + 1 });
    expect(parallel.profile.workerBusyMs).toBeGreaterThan(0);
    expect(parallel.profile.phasesMs).toBeGreaterThan(0);
  });

  it("is absent when the search ran on this thread", async () => {
    expect(await statsOf(["--workers", "1"])).not.toHaveProperty("parallel");
  });
});
