// The hand-written byte TwoPhase (bench/two-phase-tla-bytes.ts, ADR 0015's
// measurement of code on the canonical encoding) gives, in every reachable
// state, the FlModel's successors: the same steps in the same order, each
// with the bytes FlModel.encode writes for the object runtime's state.
import { readFileSync } from "node:fs";
import { compileSource } from "@faultline/lang";
import { describe, expect, it } from "vitest";
import { TwoPhaseTlaBytes } from "../bench/two-phase-tla-bytes.js";
import { buildModel } from "../src/fl/fl-model.js";
import { checkExhaustive } from "../src/search/bfs-explorer.js";

const text = readFileSync(new URL("../../../models/bench/two-phase-tla.fl", import.meta.url), "utf8");

function models(rms: number) {
  const c = compileSource({ path: "two-phase-tla.fl", text });
  if (!c.ok) throw new Error("two-phase-tla.fl does not compile");
  const fl = buildModel(c.ir, c.ir.tests[0]!.name, { paramOverrides: { rms } });
  return { fl, bytes: new TwoPhaseTlaBytes(fl) };
}

describe("TwoPhase on the canonical encoding", () => {
  it.each([3, 4])("every state's successors are the object runtime's (%i RMs)", (rms) => {
    const { fl, bytes } = models(rms);
    const seen = new Set<string>();
    const key = (b: Uint8Array) => Buffer.from(b).toString("hex");
    let queue: Uint8Array[] = [];
    bytes.initial((_step, o) => {
      if (o.kind === "state") queue.push(bytes.encode(o.state).slice());
    });
    let transitions = 0;
    while (queue.length > 0) {
      const next: Uint8Array[] = [];
      for (const b of queue) {
        if (seen.has(key(b))) continue;
        seen.add(key(b));
        const got: [string, string][] = [];
        bytes.successors(bytes.decode(b), (step, o) => {
          if (o.kind !== "state") throw new Error("a failure");
          // The successor is the model's scratch: copied, as the explorer does with a new one.
          const after = bytes.encode(o.state).slice();
          got.push([JSON.stringify(step), key(after)]);
          next.push(after);
        });
        const want: [string, string][] = [];
        fl.successors(fl.decode(b), (step, o) => {
          if (o.kind !== "state") throw new Error("a failure");
          want.push([JSON.stringify(step), key(fl.encode(o.state))]);
        });
        expect(got).toEqual(want);
        transitions += got.length;
      }
      queue = next;
    }
    expect(seen.size).toBe(rms === 3 ? 288 : 1_568);
    expect(transitions).toBeGreaterThan(seen.size);
  });

  it("a search counts TLC's states and finds no violation", () => {
    const { bytes } = models(5);
    const r = checkExhaustive(bytes);
    expect(r.kind).toBe("pass");
    expect(r.stats?.distinctStates).toBe(8_832);
  });
});
