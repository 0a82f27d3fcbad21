// The state encoding is canonical: equal states give equal bytes whatever
// built them (insertion orders, interleavings), and decode inverts encode.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildModel, type FlModel } from "../src/fl/fl-model.js";
import type { FlMachine, FlState } from "../src/fl/fl-state.js";
import { flRuntime as rt, type Value } from "../src/fl/lang-codegen.js";
import { loadFixture } from "./fixtures/fl/load.js";

function firstState(model: FlModel): FlState {
  let s: FlState | null = null;
  model.initial((_, o) => {
    if (o.kind === "state" && s === null) s = o.state;
  });
  if (s === null) throw new Error("no initial state");
  return s;
}

function bytes(model: FlModel, s: FlState): number[] {
  return Array.from(model.encode(s));
}

function withVars(s: FlState, id: number, vars: Value[]): FlState {
  const machines = s.machines.slice();
  machines[id] = { ...(s.machines[id] as FlMachine), vars };
  return { ...s, machines };
}

/** Two permutations of the same list. */
function twoOrders<T>(list: fc.Arbitrary<T[]>) {
  return list.chain((xs) =>
    fc.tuple(
      fc.shuffledSubarray(xs, { minLength: xs.length, maxLength: xs.length }),
      fc.shuffledSubarray(xs, { minLength: xs.length, maxLength: xs.length }),
    ),
  );
}

describe("canonical encoding", () => {
  const model = buildModel(loadFixture("encoding.fl"), "Shapes");
  const base = firstState(model);

  it("sets and maps built in different insertion orders encode equal, and decode inverts encode", () => {
    const entry = fc.tuple(fc.integer({ min: -1000, max: 1000 }), fc.string({ maxLength: 4 }));
    fc.assert(
      fc.property(
        // map keys unique per run: a map keeps the last value put per key
        twoOrders(fc.uniqueArray(entry, { selector: (e) => e[1], maxLength: 8 })),
        twoOrders(fc.array(fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 3 }), { maxLength: 5 })),
        twoOrders(
          fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: 2 }), fc.boolean()), { selector: (c) => c[0] }),
        ),
        ([e1, e2], [n1, n2], [c1, c2]) => {
          const build = (es: [number, string][], ns: number[][], cs: [number, boolean][]): Value[] => {
            let s: readonly Value[] = [];
            let m: rt.MapEntries<Value, Value> = [];
            for (const [v, k] of es) {
              s = rt.setAdd(s, [v, k]);
              m = rt.mapPut(m, k, [v]);
            }
            let nested: readonly Value[] = [];
            for (const xs of ns) nested = rt.setAdd(nested, rt.setOf(xs));
            let colors: rt.MapEntries<Value, Value> = [];
            for (const [c, b] of cs) colors = rt.mapPut(colors, c, b);
            return [s, m, nested, colors, [-1, 0], [e1.length, "x", true]];
          };
          const s1 = withVars(base, 0, build(e1, n1, c1));
          const s2 = withVars(base, 0, build(e2, n2, c2));
          const b1 = bytes(model, s1);
          expect(bytes(model, s2)).toEqual(b1);
          const decoded = model.decode(Uint8Array.from(b1));
          expect(bytes(model, decoded)).toEqual(b1);
          expect(model.viewState(decoded)).toEqual(model.viewState(s1));
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });

  it("different values encode differently", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: -100, max: 100 }), { maxLength: 6 }),
        fc.uniqueArray(fc.integer({ min: -100, max: 100 }), { maxLength: 6 }),
        (xs, ys) => {
          const a = withVars(base, 0, [[], [], [rt.setOf(xs)], [], [], [0, "", false]]);
          const b = withVars(base, 0, [[], [], [rt.setOf(ys)], [], [], [0, "", false]]);
          const same = rt.eq(rt.setOf(xs), rt.setOf(ys));
          expect(rt.eq(bytes(model, a), bytes(model, b))).toBe(same);
        },
      ),
      { seed: 42, numRuns: 200 },
    );
  });

  it("states reached through different interleavings encode equal", () => {
    const inter = buildModel(loadFixture("interleave.fl"), "TwoSenders(k=3)");
    const start = firstState(inter);
    // Machines: Setup(0) = 0, Receiver(0) = 1, the senders 2 and 3. Deliver `a` messages from the first sender and `b` from the second, in the order `order` says.
    const reach = (a: number, b: number, order: boolean[]): number[] => {
      let s = start;
      let da = 0;
      let db = 0;
      let k = 0;
      while (da < a || db < b) {
        const fromFirst = db >= b || (da < a && (order[k++] ?? true));
        let next: FlState | null = null;
        inter.successors(s, (step, o) => {
          if (step.t === "deliver" && o.kind === "state" && step.from === (fromFirst ? 2 : 3)) next = o.state;
        });
        if (next === null) throw new Error("delivery not enabled");
        s = next;
        if (fromFirst) da++;
        else db++;
      }
      return bytes(inter, s);
    };
    fc.assert(
      fc.property(
        fc.nat(3),
        fc.nat(3),
        fc.array(fc.boolean(), { maxLength: 6 }),
        fc.array(fc.boolean(), { maxLength: 6 }),
        (a, b, o1, o2) => {
          expect(reach(a, b, o1)).toEqual(reach(a, b, o2));
        },
      ),
      { seed: 42, numRuns: 100 },
    );
  });

  it("every state on random runs of two-phase commit round-trips through decode", () => {
    const tpc = buildModel(loadFixture("two-phase-commit.fl"), "Reliable");
    const start = firstState(tpc);
    fc.assert(
      fc.property(fc.array(fc.nat(20), { maxLength: 12 }), (picks) => {
        let s = start;
        for (const pick of picks) {
          const next: FlState[] = [];
          tpc.successors(s, (_, o) => {
            if (o.kind === "state") next.push(o.state);
          });
          if (next.length === 0) break;
          s = next[pick % next.length]!;
          const b = bytes(tpc, s);
          const decoded = tpc.decode(Uint8Array.from(b));
          expect(bytes(tpc, decoded)).toEqual(b);
          // the decoded state behaves the same: equal successors
          const succ = (x: FlState) => {
            const out: number[][] = [];
            tpc.successors(x, (_, o) => out.push(o.kind === "state" ? bytes(tpc, o.state) : []));
            return out;
          };
          expect(succ(decoded)).toEqual(succ(s));
        }
      }),
      { seed: 42, numRuns: 60 },
    );
  });
});
