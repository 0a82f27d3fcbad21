// The hand-written byte TwoPhase (bench/two-phase-tla-bytes.ts, ADR 0015's
// measurement of code on the canonical encoding) gives, in every reachable
// state, the FlModel's successors: the same steps in the same order, each
// with the bytes FlModel.encode writes for the object runtime's state. So does
// the fixed-width one (bench/two-phase-tla-fixed.ts), read through the TLA+
// variables both encode.
import { readFileSync } from "node:fs";
import { compileSource } from "@faultline/lang";
import { describe, expect, it } from "vitest";
import { TwoPhaseTlaBytes } from "../bench/two-phase-tla-bytes.js";
import { TwoPhaseTlaFixed } from "../bench/two-phase-tla-fixed.js";
import type { ByteState } from "../src/fl/bytes/byte-model.js";
import type { FlState } from "../src/fl/fl-state.js";
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

  it.each([
    [3, false],
    [4, false],
    [4, true],
  ])(
    "the fixed-width layout's successors are the object runtime's, variable by variable (%i RMs, generated shape: %s)",
    (rms, generic) => {
      const { fl } = models(rms);
      const fixed = new TwoPhaseTlaFixed(rms, generic);
      // The TLA+ variables and the pending Steps, from either encoding.
      const ofObjects = (s: FlState): string => {
        const [rmState, tmState, tmPrepared, preparedMsgs, commit, abort] = s.machines[0]!.vars as [
          number[],
          number,
          number[],
          number[],
          boolean,
          boolean,
        ];
        const pending = s.channels.reduce((n, c) => n + c.msgs.length, 0);
        return JSON.stringify([rmState, tmState, [...tmPrepared], [...preparedMsgs], commit, abort, pending]);
      };
      const members = (mask: number) =>
        Array.from({ length: rms }, (_, r) => r).filter((r) => (mask >> r) & 1);
      const ofFixed = (s: ByteState): string => {
        const b = s.buf;
        const mask = (at: number) => b[at]! | (b[at + 1]! << 8);
        return JSON.stringify([
          [...b.subarray(0, rms)],
          b[rms],
          members(mask(rms + 1)),
          members(mask(rms + 3)),
          b[rms + 5] !== 0,
          b[rms + 6] !== 0,
          b[rms + 7],
        ]);
      };
      let queue: [Uint8Array, FlState][] = [];
      fixed.initial((_s, o) => {
        if (o.kind !== "state") return;
        fl.initial((_t, p) => {
          if (p.kind === "state") queue.push([fixed.encode(o.state).slice(), p.state]);
        });
      });
      const seen = new Set<string>();
      let invariantChecked = 0;
      while (queue.length > 0) {
        const next: [Uint8Array, FlState][] = [];
        for (const [b, objects] of queue) {
          const view = fixed.decode(b);
          expect(ofFixed(view)).toBe(ofObjects(objects));
          if (seen.has(ofFixed(view))) continue;
          seen.add(ofFixed(view));
          expect(fixed.invariants[0]!.holds(view)).toBe(fl.invariants[0]!.holds(objects));
          invariantChecked++;
          const got: [string, Uint8Array][] = [];
          fixed.successors(view, (step, o) => {
            if (o.kind === "state") got.push([JSON.stringify(step), fixed.encode(o.state).slice()]);
          });
          const want: [string, FlState][] = [];
          fl.successors(objects, (step, o) => {
            if (o.kind === "state") want.push([JSON.stringify(step), o.state]);
          });
          expect(got.map(([step, after]) => [step, ofFixed(fixed.decode(after))])).toEqual(
            want.map(([step, after]) => [step, ofObjects(after)]),
          );
          for (let i = 0; i < got.length; i++) next.push([got[i]![1], want[i]![1]]);
        }
        queue = next;
      }
      expect(seen.size).toBe(rms === 3 ? 288 : 1_568);
      expect(invariantChecked).toBe(seen.size);
    },
  );
});
