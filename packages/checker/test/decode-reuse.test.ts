// Decoding takes a part of the last decoded state again (the same object, its
// hash cached) when the part's bytes are the same (codec.ts, decode). States
// decoded in any order must still be exactly the states that were encoded:
// every field the executor set (machine k included), the same fingerprint,
// the same successors.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildModel, type FlModel } from "../src/fl/fl-model.js";
import type { FlState } from "../src/fl/fl-state.js";
import { compileText } from "./fixtures/fl/load.js";
import { modelFile, reachable } from "./models/fl-reachable.js";

/** What a state is, without the caches (g, eb, es, ee, fh, fl) that decode may share. */
function content(s: FlState, withPayloads: boolean) {
  return {
    machines: s.machines.map((m) => ({
      type: m.type,
      k: m.k,
      state: m.state,
      status: m.status,
      timers: m.timers,
      vars: m.vars,
      payload: withPayloads ? m.payload : null,
      wait: m.wait,
    })),
    monitors: s.monitors.map((m) => ({ state: m.state, vars: m.vars })),
    channels: s.channels.map((c) => ({ from: c.from, to: c.to, msgs: c.msgs })),
    byType: s.byType,
    budgets: s.budgets,
    cut: s.cut,
  };
}

function fingerprint(model: FlModel, s: FlState): number[] {
  const out = new Uint32Array(2);
  model.fingerprint(s, out);
  return Array.from(out);
}

function successorBytes(model: FlModel, s: FlState): string[] {
  const out: string[] = [];
  model.successors(s, (step, o) => {
    out.push(
      `${JSON.stringify(step)} ${o.kind} ${o.kind === "state" ? Array.from(model.encode(o.state)).join(",") : ""}`,
    );
  });
  return out;
}

const CASES: [string, () => FlModel][] = [
  [
    "two-phase commit with a spec monitor",
    () => modelFile("models/bench/two-phase-messages.fl", "Reliable(participants=3)"),
  ],
  [
    "two-phase commit under drop, crash and partition budgets",
    () => modelFile("models/bench/two-phase-messages.fl", "UnderFaults(participants=2)"),
  ],
  [
    "leader election with crashes and timers",
    () => modelFile("models/leader-election/leader-election.fl", "CrashRestart(nodes=3,maxTerm=1)"),
  ],
  [
    "primary-backup with a partition that heals",
    () => modelFile("models/primary-backup/primary-backup.fl", "PartitionHeals(clients=2)"),
  ],
  ["machines blocked in receive", () => buildModel(compileText("receive.fl", RECEIVE), "Calls")],
  [
    "symmetry reduction (the fingerprint of a representative)",
    () => modelFile("examples/symmetry.fl", "LostPrepare(participants=3)"),
  ],
  ["events as values (`any` payloads)", () => modelFile("examples/events-as-values.fl", "Broadcast")],
  [
    "paxos with restarts (constructor payloads kept)",
    () => modelFile("models/paxos/paxos.fl", "AcceptorRestart(acceptors=3,proposers=2)"),
  ],
  [
    "a failure detector with crashes",
    () => modelFile("models/failure-detector/failure-detector.fl", "NodeCrash(nodes=3)"),
  ],
];

const RECEIVE = `
event Ask: (from: Client, n: int);
event Answer: int;
machine Server {
  start state Serving { on Ask do (q) { send q.from, Answer, q.n * 10; } }
}
machine Client {
  var server: Server;
  var total: int;
  start state Calling {
    entry {
      server = new Server();
      new Server();
      var i: int;
      while (i < 3) {
        send server, Ask, (from = this, n = i);
        receive { case Answer: (a) { total = total + a; } }
        i = i + 1;
      }
    }
  }
}
test Calls [main = Client] with faults { duplicate Ask at most 2; drop Answer at most 1; };
`;

describe("decode takes unchanged parts of the last decoded state", () => {
  for (const [name, make] of CASES) {
    it(`states decoded in any order are the states encoded: ${name}`, () => {
      const model = make();
      const { states } = reachable(model, 400);
      expect(states.length).toBeGreaterThan(10);
      const encoded = states.map((s) => model.encode(s).slice());
      const withPayloads = hasPayloads(model, states);
      const reused = { machines: 0, channels: 0, monitors: 0, budgets: 0 };
      fc.assert(
        fc.property(fc.array(fc.nat(states.length - 1), { minLength: 1, maxLength: 12 }), (order) => {
          let last: FlState | null = null;
          for (const i of order) {
            const decoded = model.decode(encoded[i]!);
            expect(content(decoded, withPayloads)).toEqual(content(states[i]!, withPayloads));
            expect(Array.from(model.encode(decoded))).toEqual(Array.from(encoded[i]!));
            expect(fingerprint(model, decoded)).toEqual(fingerprint(model, states[i]!));
            if (last !== null) {
              const before = last;
              reused.machines += decoded.machines.filter((m, i) => m === before.machines[i]).length;
              reused.channels += decoded.channels.filter((c) => before.channels.includes(c)).length;
              if (decoded.monitors.length > 0 && decoded.monitors === before.monitors) reused.monitors++;
              if (decoded.budgets.length > 0 && decoded.budgets === before.budgets) reused.budgets++;
            }
            last = decoded;
          }
          const i = order[order.length - 1]!;
          expect(successorBytes(model, last!)).toEqual(successorBytes(model, states[i]!));
        }),
        { seed: 15, numRuns: 40 },
      );
      // The test went through the paths it is about: each kind of part was taken again.
      expect(reused.machines).toBeGreaterThan(0);
      expect(reused.channels).toBeGreaterThan(0);
      if (states[0]!.monitors.length > 0) expect(reused.monitors).toBeGreaterThan(0);
      if (states[0]!.budgets.length > 0) expect(reused.budgets).toBeGreaterThan(0);
    });
  }

  it("a decoded state's parts lie in one chunk, so it keeps no older chunk alive", () => {
    const model = CASES[0]![1]();
    const encoded = reachable(model, 400).states.map((s) => model.encode(s).slice());
    const buffers = new Set<Uint8Array>();
    let mixed = 0;
    // Enough decodes to fill several of the codec's 1 MiB chunks.
    for (let round = 0; round < 200; round++) {
      for (const bytes of encoded) {
        const s = model.decode(bytes);
        const eb = s.machines[0]!.eb!;
        buffers.add(eb);
        if (s.machines.some((m) => m.eb !== eb) || s.channels.some((c) => c.eb !== eb)) mixed++;
      }
    }
    expect(buffers.size).toBeGreaterThan(2);
    expect(mixed).toBe(0);
  });

  it("a machine with the same bytes at the same index but another k is decoded anew", () => {
    // [Main, A, B] and [Main, B, B]: machine 2 is a B with the same bytes in both, B(0) in the first, B(1) in the second.
    const model = buildModel(
      compileText(
        "orders.fl",
        `machine A { start state S { } }
         machine B { start state S { } }
         machine Main {
           start state Go {
             entry { if (choose(2) == 0) { new A(); new B(); } else { new B(); new B(); } }
           }
         }
         test Orders [main = Main];`,
      ),
      "Orders",
    );
    const initial: FlState[] = [];
    model.initial((_, o) => {
      if (o.kind === "state") initial.push(o.state);
    });
    expect(initial.map((s) => s.machines.map((m) => m.k))).toEqual([
      [0, 0, 0],
      [0, 0, 1],
    ]);
    const [first, second] = initial.map((s) => model.encode(s).slice());
    for (const [a, b] of [
      [first!, second!],
      [second!, first!],
    ]) {
      model.decode(a!);
      const decoded = model.decode(b!);
      expect(decoded.machines.map((m) => m.k)).toEqual(b === first ? [0, 0, 0] : [0, 0, 1]);
      expect(decoded.byType).toEqual(b === first ? [[1], [2], [0]] : [[], [1, 2], [0]]);
    }
  });
});

/** Whether the model encodes machines' constructor payloads (tests that can restart machines). */
function hasPayloads(model: FlModel, states: readonly FlState[]): boolean {
  const s = states.find((x) => x.machines.some((m) => m.payload !== null));
  if (s === undefined) return false;
  const decoded = model.decode(model.encode(s).slice());
  return decoded.machines.some((m) => m.payload !== null);
}
