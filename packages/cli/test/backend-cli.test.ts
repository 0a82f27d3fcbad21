// `faultline check --backend`: the byte back end (ADR 0015) runs the
// exhaustive searches of the tests it covers by default, with the object
// runtime's counts, verdicts and traces, in one worker or several; the JSON
// report says when it ran; `--backend bytes` says why it could not, and
// `--backend objects` keeps the object runtime.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { buildModel, FixedModel } from "@faultline/checker";
import { compileSource } from "@faultline/lang";
import { describe, expect, it } from "vitest";
import { parseCheckArgs, runCheck } from "../src/commands/check.js";
import { explore } from "../src/explore-strategy.js";
import { searchModel } from "../src/model-loader.js";
import { captureIo } from "./capture-io.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const TWO_PHASE = `${ROOT}models/bench/two-phase-tla.fl`;
const BYTES_FIXTURE = `${ROOT}packages/checker/test/fixtures/fl/bytes.fl`;
const OVERFLOW_FIXTURE = `${ROOT}packages/checker/test/fixtures/fl/bytes-fixed-overflow.fl`;

type Report = {
  tests: {
    test: string;
    outcome: string;
    stats: {
      distinctStates: number;
      generatedStates: number;
      backend?: string;
      parallel?: { workers: number };
    };
    traceSteps?: { text: string }[];
    failure: { kind: string; message: string } | null;
  }[];
};

async function json(...argv: string[]): Promise<{ report: Report; stderr: string }> {
  const io = captureIo();
  await runCheck([...argv, "--reporter", "json"], io.io);
  return { report: JSON.parse(io.stdout()) as Report, stderr: io.stderr() };
}

describe("faultline check --backend", () => {
  it("runs a test the byte back end covers on it, with the object runtime's counts", async () => {
    const args = [TWO_PHASE, "--param", "rms=4", "--workers", "1"];
    const bytes = await json(...args);
    const objects = await json(...args, "--backend", "objects");
    expect(bytes.report.tests[0]!.stats).toMatchObject({ distinctStates: 1_568, backend: "bytes" });
    expect(objects.report.tests[0]!.stats.backend).toBeUndefined();
    expect(bytes.report.tests[0]!.stats.generatedStates).toBe(objects.report.tests[0]!.stats.generatedStates);
    expect(bytes.stderr).toBe("");
  });

  it("finds the object runtime's counterexample, step for step", async () => {
    const args = [BYTES_FIXTURE, "--test", "Small", "--workers", "1"];
    const bytes = await json(...args);
    const objects = await json(...args, "--backend", "objects");
    const [b, o] = [bytes.report.tests[0]!, objects.report.tests[0]!];
    expect(b.stats.backend).toBe("bytes");
    expect(b.outcome).toBe("violation");
    expect({ ...b, stats: null }).toEqual({ ...o, stats: null });
  });

  it("runs in worker threads, which build the byte model too", async () => {
    const compiled = compileSource({ path: TWO_PHASE, text: readFileSync(TWO_PHASE, "utf8") });
    if (!compiled.ok) throw new Error("two-phase-tla.fl does not compile");
    const test = "TLC(rms=5)";
    const searched = searchModel(buildModel(compiled.ir, test), "auto", "exhaustive");
    expect(searched.bytes).toBe(true);
    // Past a probe of 1,000 states, two workers take the search over: `faultline check`'s route.
    const { result } = await explore(searched.model, {
      file: TWO_PHASE,
      test,
      faultsText: undefined,
      workers: 2,
      probeStates: 1_000,
      memoryBytes: undefined,
      maxDepth: undefined,
      maxStates: undefined,
      timeoutMs: undefined,
      onProgress: () => {},
    });
    expect(result.kind).toBe("pass");
    expect(result.stats).toMatchObject({ distinctStates: 8_832, workers: 2 });
  });

  // Workers on the layout, which this space ends before (the probe's 200,000 states): fixed-model-workers.test.ts.
  it("plans the fixed-width layout for an exhaustive search, not for a small space; --workers 2 counts the same", async () => {
    const compiled = compileSource({ path: TWO_PHASE, text: readFileSync(TWO_PHASE, "utf8") });
    if (!compiled.ok) throw new Error("two-phase-tla.fl does not compile");
    const model = () => buildModel(compiled.ir, "TLC(rms=3)", { paramOverrides: { rms: 6 } });
    const planned = searchModel(model(), "auto", "exhaustive", true);
    expect(planned.model).toBeInstanceOf(FixedModel);
    expect(planned.layout).toBe(true);
    expect(searchModel(model(), "auto", "exhaustive", false)).toMatchObject({ bytes: true, layout: false });
    expect(searchModel(model(), "auto", "exhaustive", false).model).not.toBeInstanceOf(FixedModel);
    // A space the plan's search explores whole stays on the canonical encoding.
    const small = buildModel(compiled.ir, "TLC(rms=3)");
    expect(searchModel(small, "auto", "exhaustive", true).model).not.toBeInstanceOf(FixedModel);
    expect(searchModel(small, "auto", "exhaustive", true).layout).toBe(false);
    for (const workers of ["1", "2"]) {
      const { report, stderr } = await json(TWO_PHASE, "--param", "rms=6", "--workers", workers);
      expect(report.tests[0]!.stats).toMatchObject({ distinctStates: 50_816, backend: "bytes" });
      expect(stderr).toBe("");
    }
  });

  it("starts a search over on the canonical encoding where the layout has no room, and says so", async () => {
    const { report, stderr } = await json(OVERFLOW_FIXTURE, "--workers", "1");
    expect(report.tests[0]).toMatchObject({
      outcome: "pass",
      stats: { distinctStates: 20_002, backend: "bytes" },
    });
    expect(stderr).toBe(
      "faultline check: note: bytes-fixed-overflow.fl Count(step=100,limit=2000000): the fixed-width layout has no room for a variable's value: the search starts over on the canonical encoding\n",
    );
  });

  it("says why --backend bytes cannot run a test", async () => {
    const uncovered = await json(
      `${ROOT}examples/symmetry.fl`,
      "--test",
      "Reliable",
      "--param",
      "participants=3",
      "--backend",
      "bytes",
      "--workers",
      "1",
    );
    expect(uncovered.stderr).toContain(
      "note: symmetry.fl Reliable(participants=3): the byte back end does not cover this test: it declares symmetric machines; it runs on objects",
    );
    expect(uncovered.report.tests[0]!.stats.backend).toBeUndefined();
    const random = await json(TWO_PHASE, "--param", "rms=3", "--backend", "bytes", "--mode", "random");
    expect(random.stderr).toContain(
      "--backend bytes runs exhaustive searches only; --mode random runs on objects",
    );
    // By default nothing is said: the object runtime simply runs what the bytes do not cover.
    expect(
      (await json(`${ROOT}examples/spec-monitor.fl`, "--test", "CorrectLock", "--workers", "1")).stderr,
    ).toBe("");
  });

  it("leaves code the bytes do not run to the object runtime only when asked to", async () => {
    // Node.Run's Poke handler is handed over per delivery: slower than the object runtime could be, so not by default.
    const fixture = `${ROOT}packages/checker/test/fixtures/fl/bytes-handover.fl`;
    const byDefault = await json(fixture, "--test", "Handed", "--workers", "1");
    const asked = await json(fixture, "--test", "Handed", "--workers", "1", "--backend", "bytes");
    expect(byDefault.report.tests[0]!.stats.backend).toBeUndefined();
    expect(asked.report.tests[0]!.stats.backend).toBe("bytes");
    // The same search either way (its OneSetupAtATime invariant fails in the initial state).
    const [d, a] = [byDefault.report.tests[0]!, asked.report.tests[0]!];
    expect({ ...a, stats: null }).toEqual({ ...d, stats: null });
    expect(a.outcome).toBe("violation");
    expect(asked.stderr).toBe("");
    // Only set-up messages' handlers (payloads with collections) handed over: leader election runs on the bytes.
    const election = await json(
      `${ROOT}models/leader-election/leader-election.fl`,
      "--test",
      "Elections",
      "--workers",
      "1",
    );
    expect(election.report.tests[0]!.stats).toMatchObject({ backend: "bytes", distinctStates: 63_135 });
  });

  it("takes auto, bytes or objects", () => {
    expect(parseCheckArgs(["a.fl", "--backend", "wasm"])).toEqual({
      kind: "usage",
      message: "--backend is auto, bytes or objects, not 'wasm'",
      notes: [],
    });
  });
});
