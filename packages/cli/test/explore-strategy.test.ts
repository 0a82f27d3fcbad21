// `check` probes single-threaded, then restarts on worker threads past the
// probe's cap: the verdict and the state count must not depend on the route.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { buildModel } from "@faultline/checker";
import { compileSource } from "@faultline/lang";
import { describe, expect, it } from "vitest";
import { explore } from "../src/explore-strategy.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

function setup(rel: string, test: string) {
  const file = `${ROOT}${rel}`;
  const compiled = compileSource({ path: file, text: readFileSync(file, "utf8") });
  if (!compiled.ok) throw new Error("does not compile");
  const model = buildModel(compiled.ir, test);
  const base = {
    file,
    test,
    faultsText: undefined,
    memoryBytes: undefined,
    maxDepth: undefined,
    maxStates: undefined,
    timeoutMs: undefined,
    onProgress: () => {},
  };
  return { model, base };
}

describe("explore strategy", () => {
  it("gives the same pass and state count on one thread and on two workers", async () => {
    const { model, base } = setup("models/paxos/paxos.fl", "Reliable(acceptors=3,proposers=2)");
    const single = (await explore(model, { ...base, workers: 1 })).result;
    const parallel = (await explore(model, { ...base, workers: 2, probeStates: 100 })).result;
    expect(single.kind).toBe("pass");
    expect(parallel.kind).toBe("pass");
    expect(parallel.stats?.distinctStates).toBe(single.stats?.distinctStates);
    expect(parallel.stats && "workers" in parallel.stats && parallel.stats.workers).toBe(2);
  });

  it("finds the same shortest counterexample on two workers", async () => {
    const { model, base } = setup("models/paxos/paxos-buggy.fl", "AcceptorRestart(acceptors=3,proposers=2)");
    const single = (await explore(model, { ...base, workers: 1 })).result;
    const parallel = (await explore(model, { ...base, workers: 2, probeStates: 100 })).result;
    expect(single.kind).toBe("violation");
    expect(parallel.kind).toBe("violation");
    if (single.kind !== "violation" || parallel.kind !== "violation") return;
    expect(parallel.failure.property).toBe(single.failure.property);
    expect(parallel.trace.steps.length).toBe(single.trace.steps.length);
  });

  it("stays single-threaded when the probe settles the test", async () => {
    const { model, base } = setup("examples/ping-pong.fl", "Reliable");
    const result = (await explore(model, { ...base, workers: 2 })).result;
    expect(result.kind).toBe("pass");
    expect(result.stats && "workers" in result.stats).toBe(false);
  });
});

describe("--mode auto", () => {
  it("after a bounded exhaustive search, walks at random and reports the failure they find", async () => {
    // bank-buggy Overdraft fails at depth 7 (19 states): 5 states are not enough, a random walk is.
    const { model, base } = setup("examples/bank-buggy.fl", "Overdraft");
    const outcome = await explore(model, {
      ...base,
      workers: 1,
      mode: "auto",
      maxStates: 5,
      random: { seed: 1 },
    });
    expect(outcome.mode).toBe("random");
    expect(outcome.result).toMatchObject({ kind: "violation", failure: { property: "BalanceNonNegative" } });
  });

  it("says what the random phase did when it found nothing", async () => {
    const { model, base } = setup("examples/bank.fl", "TwoClients");
    const outcome = await explore(model, {
      ...base,
      workers: 1,
      mode: "auto",
      maxStates: 5,
      random: { seed: 1, runs: 50 },
    });
    expect(outcome.mode).toBe("exhaustive");
    expect(outcome.result).toMatchObject({ kind: "bounded", reason: "max-states" });
    expect(outcome.randomPhase?.runs).toBe(50);
    expect(outcome.randomPhase!.steps).toBeGreaterThan(50);
  });
});
