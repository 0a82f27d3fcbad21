import { describe, expect, it } from "vitest";
import { checkExhaustive } from "../src/search/bfs-explorer.js";
import { ITF_FORMAT_DESCRIPTION, readItfTrace, toItfValue, traceToItf } from "../src/trace/itf.js";
import { replayTrace } from "../src/trace/replay.js";
import { parseTraceFile } from "../src/trace/trace-file.js";
import { GridModel } from "./models/grid-model.js";
import { TwoPhaseModel } from "./models/two-phase-model.js";

describe("toItfValue", () => {
  it("turns integers into #bigint, arrays into lists and objects into records", () => {
    expect(toItfValue({ a: 1, b: [true, "x", -7], c: { d: 0 } })).toEqual({
      a: { "#bigint": "1" },
      b: [true, "x", { "#bigint": "-7" }],
      c: { d: { "#bigint": "0" } },
    });
  });

  it("marks values ITF cannot hold as unserializable and keeps ITF tags", () => {
    expect(toItfValue([null, 1.5])).toEqual([{ "#unserializable": "null" }, { "#unserializable": "1.5" }]);
    expect(toItfValue({ "#set": [1, 2] })).toEqual({ "#set": [{ "#bigint": "1" }, { "#bigint": "2" }] });
  });
});

describe("traceToItf", () => {
  const model = new TwoPhaseModel(2, { buggyCommit: true });
  const result = checkExhaustive(model);
  if (result.kind !== "violation") throw new Error(`expected a violation, got ${result.kind}`);

  it("writes one ITF state per step with the model's itfState variables", () => {
    const itf = traceToItf(model, result.trace, { failure: result.failure, test: "Buggy", source: "tp.fl" });
    const meta = itf["#meta"] as Record<string, unknown>;
    expect(meta.format).toBe("ITF");
    expect(meta["format-description"]).toBe(ITF_FORMAT_DESCRIPTION);
    expect(meta.source).toBe("tp.fl");
    expect(meta.description).toBe("Faultline counterexample: invariant TCConsistent");
    expect(itf.vars).toEqual(["rmState", "tmState", "tmPrepared", "msgs"]);
    const states = itf.states as Record<string, unknown>[];
    expect(states).toHaveLength(result.trace.steps.length);
    expect(states[0]).toEqual({
      "#meta": { index: 0, step: { action: "Init" }, label: { kind: "init", text: "TM Init", actor: "TM" } },
      rmState: {
        "#map": [
          ["r1", "working"],
          ["r2", "working"],
        ],
      },
      tmState: "init",
      tmPrepared: { "#set": [] },
      msgs: { "#set": [] },
    });
    const last = states.at(-1)!;
    expect(last.tmState).toBe("committed");
    expect(JSON.parse(JSON.stringify(itf))).toEqual(itf);
    expect(itf.loop).toBeUndefined();
    expect(traceToItf(model, result.trace, { loop: 2 }).loop).toBe(2);
  });

  it("reads back the Faultline steps, which replay to the same failure", () => {
    const itf = traceToItf(model, result.trace, {
      failure: result.failure,
      test: "Buggy",
      seed: 7,
      mode: "exhaustive",
    });
    const read = readItfTrace(JSON.parse(JSON.stringify(itf)));
    expect(read).toMatchObject({
      ok: true,
      model: model.name,
      test: "Buggy",
      seed: 7,
      mode: "exhaustive",
      failure: result.failure,
      steps: result.trace.steps,
    });
    if (!read.ok) return;
    expect(replayTrace(model, read.steps).failure).toEqual(result.failure);
    // parseTraceFile accepts the ITF text as well.
    expect(parseTraceFile(JSON.stringify(itf))).toMatchObject({ ok: true, steps: result.trace.steps });
  });

  it("falls back to each state's #meta.step when #meta.faultline is gone", () => {
    const itf = traceToItf(model, result.trace);
    delete (itf["#meta"] as Record<string, unknown>).faultline;
    expect(readItfTrace(itf)).toMatchObject({ ok: true, steps: result.trace.steps });
  });

  it("leaves a lasso's repeated last state out, keeping its step in #meta", () => {
    const n = result.trace.steps.length;
    const itf = traceToItf(model, result.trace, { loop: 1 });
    const states = itf.states as Record<string, Record<string, unknown>>[];
    expect(itf.loop).toBe(1);
    expect(states).toHaveLength(n - 1);
    expect(states.at(-1)!["#meta"]!.loopStep).toEqual(result.trace.steps[n - 1]);
    expect((itf["#meta"] as { faultline: { steps: unknown[]; loop: number } }).faultline).toMatchObject({
      steps: result.trace.steps,
      loop: 1,
    });
    expect(readItfTrace(itf)).toMatchObject({ ok: true, loop: 1, steps: result.trace.steps });
    delete (itf["#meta"] as Record<string, unknown>).faultline;
    expect(readItfTrace(itf)).toMatchObject({ ok: true, loop: 1, steps: result.trace.steps });
  });

  it("rejects ITF documents without Faultline steps", () => {
    const foreign = { "#meta": { format: "ITF" }, vars: ["x"], states: [{ "#meta": { index: 0 }, x: 1 }] };
    expect(readItfTrace(foreign)).toEqual({
      ok: false,
      message: 'ITF state 0 has no Faultline step in its "#meta"',
    });
    expect(readItfTrace([])).toMatchObject({ ok: false });
    expect(readItfTrace({ vars: [] })).toMatchObject({ ok: false });
  });

  it("uses viewState, converted to ITF values, when the model has no itfState", () => {
    const grid = new GridModel(2, 0);
    const itf = traceToItf(grid, { steps: [{ start: true }, { move: "x+2" }] });
    expect(itf.vars).toEqual(["x", "y"]);
    expect((itf.states as Record<string, unknown>[])[1]).toMatchObject({
      x: { "#bigint": "2" },
      y: { "#bigint": "0" },
    });
  });
});
