// A step that changes nothing gives back the state it started from (the same
// object: the explorer then knows it without hashing or looking it up), and a
// machine a step copied but left as it was is the base's machine again
// (executor.ts, restoreMachines; the runtime's updates give a value back when
// they write what is there). Never a state that differs.
import { describe, expect, it } from "vitest";
import { buildModel, type FlModel } from "../src/fl/fl-model.js";
import { checkExhaustive } from "../src/search/bfs-explorer.js";
import type { FlState } from "../src/fl/fl-state.js";
import { compileText } from "./fixtures/fl/load.js";
import { modelFile, reachable } from "./models/fl-reachable.js";

const bytes = (model: FlModel, s: FlState) => Array.from(model.encode(s)).join(",");

describe("steps that change nothing", () => {
  it("TLA+'s TwoPhase: every self-loop gives back the state itself, and only a self-loop does", () => {
    const model = modelFile("models/bench/two-phase-tla.fl", "TLC(rms=4)");
    let selfLoops = 0;
    for (const [s, next] of reachable(model, 2_000).edges) {
      const same = bytes(model, next) === bytes(model, s);
      expect(next === s).toBe(same);
      if (same) selfLoops++;
    }
    // RMRcvCommitMsg for an RM that committed, TMRcvPrepared for one already counted, ...
    expect(selfLoops).toBeGreaterThan(100);
  });

  it("a base's channel a step shares is copied before another message joins it; the base stays as it was", () => {
    const ir = compileText(
      "twice.fl",
      `event Ping;
machine M {
  var n: int;
  start state S {
    entry { send this, Ping; }
    on Ping do { n = n + 1; if (n < 3) { send this, Ping; send this, Ping; } }
  }
}
test T [main = M];`,
    );
    const model = buildModel(ir, "T");
    const s = reachable(model, 1).states[0]!;
    const before = bytes(model, s);
    const shared = s.channels[0]!;
    const next: FlState[] = [];
    model.successors(s, (_step, o) => {
      if (o.kind === "state") next.push(o.state);
    });
    expect(bytes(model, s)).toBe(before);
    expect(shared.msgs).toHaveLength(1);
    expect(next).toHaveLength(1);
    expect(next[0]!.channels[0]!.msgs).toHaveLength(2);
    expect(next[0]!.channels[0]).not.toBe(shared);
  });

  it("a message taken and sent again leaves the base's channel object in the successor, and only then", () => {
    // TwoPhase's Step: every successor's channel is its parent's. Two mechanisms keep this
    // (executor.ts: baseChannelOf at the send, restoreChannels in finish); either alone passes
    // this test, and what baseChannelOf saves (building the channel) is measured by fl-costs.ts.
    const model = modelFile("models/bench/two-phase-tla.fl", "TLC(rms=4)");
    let shared = 0;
    for (const [s, next] of reachable(model, 2_000).edges) {
      expect(next.channels).toHaveLength(1);
      expect(next.channels[0]).toBe(s.channels[0]);
      shared++;
    }
    expect(shared).toBeGreaterThan(1_000);
    // The 2PC: a channel shared with the base has the base's messages, one shared object each.
    const twoPc = modelFile("models/bench/two-phase-messages.fl", "Reliable(participants=3)");
    for (const [s, next] of reachable(twoPc, 2_000).edges) {
      for (const ch of next.channels) {
        const old = s.channels.find((c) => c.from === ch.from && c.to === ch.to);
        if (old === ch) continue;
        if (old !== undefined)
          expect(ch.msgs.length !== old.msgs.length || ch.msgs.some((m, i) => m !== old.msgs[i])).toBe(true);
      }
    }
  });

  for (const [path, test] of [
    ["models/bench/two-phase-messages.fl", "Reliable(participants=3)"],
    ["models/leader-election/leader-election.fl", "CrashRestart(nodes=3,maxTerm=1)"],
    ["models/paxos/paxos.fl", "Reliable(acceptors=3,proposers=2)"],
  ] as const) {
    it(`${path} ${test}: a machine left as it was is the base's machine, and only then`, () => {
      const model = modelFile(path, test);
      let restored = 0;
      for (const [s, next] of reachable(model, 2_000).edges) {
        const n = Math.min(s.machines.length, next.machines.length);
        for (let i = 0; i < n; i++) {
          const a = s.machines[i]!;
          const b = next.machines[i]!;
          if (a !== b) {
            // A copy must differ from the base's machine in some field (else it would have been put back).
            const equal =
              a.state === b.state &&
              a.status === b.status &&
              a.timers === b.timers &&
              a.wait === b.wait &&
              a.payload === b.payload &&
              a.vars.every((v, j) => v === b.vars[j]);
            expect(equal).toBe(false);
          }
        }
        if (next !== s && next.machines === s.machines) restored++;
      }
      // Steps that only take a message (a late vote, an ignored event) share all machines with their base.
      expect(restored).toBeGreaterThan(0);
    });
  }

  it("a step that changes only a machine's timers is not a step that changes nothing", () => {
    // Two Ticks count up; the third arms Alarm (timers only); the timeout disarms it (timers only).
    // States: ticks 0, 1 and 2 with a Tick in flight; armed; disarmed.
    const model = buildModel(
      compileText(
        "clock.fl",
        `event Tick;
         machine Clock {
           var ticks: int;
           start state Run {
             entry { send this, Tick; }
             on Tick do { if (ticks < 2) { ticks += 1; send this, Tick; } else { start timer Alarm; } }
             on timeout Alarm do { }
           }
         }
         test Clock [main = Clock];`,
      ),
      "Clock",
    );
    const result = checkExhaustive(model);
    expect(result.kind).toBe("pass");
    expect(result.stats!.distinctStates).toBe(5);
  });
});
