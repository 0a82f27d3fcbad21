// A liveness lasso in the explorer: the replay confirms the cycle the trace
// ends in (the trace file's `loop`), the header and violation pane show the
// liveness failure, and the step list marks where the loop starts and closes.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Json, Model } from "@faultline/checker";
import { compileSource } from "@faultline/lang";
import { describe, expect, it } from "vitest";
import { loadTestModel } from "../src/model-loader.js";
import { buildTraceDocument } from "../src/tui/trace-document.js";
import { KEY, renderExplorer } from "./tui-harness.js";

const LIVENESS = fileURLToPath(new URL("./fixtures/modes/liveness.fl", import.meta.url));

/** ForgetsRequests: the server ignores the request, then ticks forever with the monitor hot. */
const INIT = { t: "init", c: [] };
const DELIVER = { t: "deliver", from: 2, to: 1, i: 0, c: [] };
const TICK = { t: "timer", m: 1, timer: "Tick", c: [] };

function livenessModel(): { model: Model<unknown, Json>; text: string } {
  const text = readFileSync(LIVENESS, "utf8");
  const compiled = compileSource({ path: LIVENESS, text });
  if (!compiled.ok) throw new Error("the fixture does not compile");
  const loaded = loadTestModel(compiled.ir, "ForgetsRequests");
  if (!loaded.ok) throw new Error("no model for ForgetsRequests");
  return { model: loaded.model as unknown as Model<unknown, Json>, text };
}

function lassoDocument(steps: Json[], loop: number | undefined, recorded = true) {
  const { model, text } = livenessModel();
  return buildTraceDocument(model, steps, {
    title: "liveness.fl",
    test: "ForgetsRequests",
    source: LIVENESS,
    sourceText: text,
    ...(loop === undefined ? {} : { loop }),
    ...(recorded
      ? {
          recordedFailure: {
            kind: "liveness",
            property: "EveryClientAnswered",
            message: "spec EveryClientAnswered can stay hot forever (in hot state Waiting)",
          },
        }
      : {}),
  });
}

describe("explorer: a liveness lasso", () => {
  it("shows the liveness failure and marks the loop's start and closing step (last state repeats state[loop])", async () => {
    const document = lassoDocument([INIT, DELIVER, TICK], 1);
    expect(document.failure).toMatchObject({ kind: "liveness", property: "EveryClientAnswered" });
    expect(document.loop).toEqual({ start: 1, close: 2 });
    expect(document.failureStep).toBe(2);
    expect(document.notes).toEqual([]);

    const app = await renderExplorer({ document });
    const frame = app.frame();
    expect(app.lines()[0]).toMatch(/✗ liveness EveryClientAnswered/);
    expect(frame).not.toContain("no failure");
    expect(frame).toContain("│ 2 ↻ loop start: ForgetfulServe");
    expect(frame).toContain("│✗3 ↺ loop back to 2: ForgetfulS");
    await app.press(KEY.tab, KEY.tab, KEY.tab);
    const pane = app.frame();
    expect(pane).toContain("» Violation");
    expect(pane).toContain("✗ liveness EveryClientAnswered");
    expect(pane).toContain("spec EveryClientAnswered can stay hot");
    expect(pane).toContain("a lasso: after step 3 the run returns to the");
    expect(pane).not.toContain("No violation");
    await app.unmount();
  });

  it("reads a lasso whose last state's successor is state[loop] (no repeated state at the end)", async () => {
    // The tick from the state after step 2 leads back to that state: loop = 1 = the last index.
    const document = lassoDocument([INIT, DELIVER], 1, false);
    expect(document.failure).toMatchObject({ kind: "liveness", property: "EveryClientAnswered" });
    expect(document.failure?.message).toContain("a fair cycle of 1 step never cools it");
    expect(document.loop).toEqual({ start: 1, close: 1 });
    const app = await renderExplorer({ document });
    expect(app.lines()[0]).toMatch(/✗ liveness EveryClientAnswered/);
    expect(app.frame()).toContain("│✗2 ↺ loop back to 2: ForgetfulS");
    await app.unmount();
  });

  it("shows a recorded liveness failure without a loop unmarked, and confirms nothing without a cycle", () => {
    const unlooped = lassoDocument([INIT, DELIVER, TICK], undefined);
    expect(unlooped.loop).toBeUndefined();
    expect(unlooped.failure?.kind).toBe("liveness");
    // No successor of the state after the delivery takes the request back into the network.
    const notClosing = lassoDocument([INIT, DELIVER], 0, false);
    expect(notClosing.failure).toBeNull();
    expect(notClosing.loop).toBeUndefined();
  });
});
