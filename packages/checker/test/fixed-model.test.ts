// The byte back end on a fixed-width layout (fixed-layout.ts, fixed-model.ts)
// against the canonical back end it stands in for: in every reachable state,
// the same successors in the same order (steps, and each state's canonical
// encoding), the same verdict of every invariant, and the same search; a
// value the plan has no room for starts the search over, with the same result.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type ByteModel,
  type ByteState,
  byteModelOf,
  fingerprintByteState,
} from "../src/fl/bytes/byte-model.js";
import { LayoutOverflow, openSlot, removeSlot, toCanonical, toFixed } from "../src/fl/bytes/fixed-layout.js";
import { type FixedModel, fixedModelOf } from "../src/fl/bytes/fixed-model.js";
import { buildModel } from "../src/fl/fl-model.js";
import type { FlStep } from "../src/fl/fl-state.js";
import type { StepOutcome } from "../src/model.js";
import { fingerprintInto } from "../src/fingerprint.js";
import { ScratchState } from "../src/fl/bytes/state-bytes.js";
import { checkExhaustive } from "../src/search/bfs-explorer.js";
import { checkModel } from "../src/search/check-model.js";
import { SearchRestart } from "../src/search/core.js";
import { compileText } from "./fixtures/fl/load.js";
import { collectionProgram } from "./fl-collection-program.js";
import { program as randomProgram } from "./fl-random-program.js";
import { flFiles } from "./models/fl-reachable.js";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

function canonicalOf(fixed: FixedModel, state: ByteState): Uint8Array {
  const out = new Uint8Array(fixed.plan.canonicalBound);
  return out.slice(0, toCanonical(fixed.plan, fixed.encode(state), out));
}

type Emitted = { step: FlStep; state?: string; failure?: string };

function described(
  o: StepOutcome<ByteState>,
  canonical: (s: ByteState) => Uint8Array,
): Omit<Emitted, "step"> {
  if (o.kind === "state") return { state: hex(canonical(o.state)) };
  return {
    failure: `${o.failure.kind} ${o.failure.message}`,
    ...(o.state !== undefined ? { state: hex(canonical(o.state)) } : {}),
  };
}

/**
 * Walks the first `limit` reachable states breadth first on the canonical
 * back end, comparing the fixed layout's successors and verdicts in each
 * (the state converted to it, and each successor back); returns how many
 * states it compared.
 */
function compareEverywhere(bytes: ByteModel, fixed: FixedModel, limit: number): number {
  const seen = new Set<string>();
  let queue: Uint8Array[] = [];
  bytes.initial((_step, o) => {
    if (o.kind === "state") queue.push(bytes.encode(o.state).slice());
  });
  const initial: Emitted[] = [];
  fixed.initial((step, o) => initial.push({ step, ...described(o, (s) => canonicalOf(fixed, s)) }));
  expect(initial.map((e) => e.state)).toEqual(queue.map(hex));
  while (queue.length > 0) {
    const next: Uint8Array[] = [];
    for (const b of queue) {
      if (seen.has(hex(b)) || seen.size >= limit) continue;
      seen.add(hex(b));
      const f = toFixed(fixed.plan, b);
      const fv = fixed.decode(f);
      // The same state, one way and back.
      expect(hex(canonicalOf(fixed, fv))).toEqual(hex(b));
      const view = bytes.decode(b);
      expect(fixed.invariants.map((inv) => inv.holds(fv))).toEqual(
        bytes.invariants.map((inv) => inv.holds(view)),
      );
      const got: Emitted[] = [];
      fixed.successors(fv, (step, o) => got.push({ step, ...described(o, (s) => canonicalOf(fixed, s)) }));
      const want: Emitted[] = [];
      bytes.successors(view, (step, o) => {
        want.push({ step, ...described(o, (s) => bytes.encode(s).slice()) });
        if (o.kind === "state") next.push(bytes.encode(o.state).slice());
      });
      expect(got).toEqual(want);
    }
    queue = next;
  }
  return seen.size;
}

function models(
  file: string,
  test: string,
  params: Record<string, number> = {},
  planStates = Number.POSITIVE_INFINITY,
): { bytes: ByteModel; fixed: FixedModel } {
  const ir = compileText(file, readFileSync(file, "utf8"));
  const made = byteModelOf(buildModel(ir, test, { paramOverrides: params }));
  if (!made.ok) throw new Error(made.reason);
  const fixed = planOf(made.model, planStates);
  if (!fixed.ok) throw new Error(fixed.reason);
  return { bytes: made.model, fixed: fixed.model };
}

/** fixedModelOf for tests: planned from the first `planStates` states (the whole space, if smaller), with no time limit. */
function planOf(bytes: ByteModel, planStates = Number.POSITIVE_INFINITY): ReturnType<typeof fixedModelOf> {
  return fixedModelOf(bytes, { planStates, planMs: Number.POSITIVE_INFINITY, whole: true });
}

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const TWO_PHASE = join(ROOT, "models/bench/two-phase-tla.fl");
const MESSAGES = join(ROOT, "models/bench/two-phase-messages.fl");
const FIXTURE = join(ROOT, "packages/checker/test/fixtures/fl/bytes-fixed.fl");

describe("the fixed-width layout", () => {
  it("plans TwoPhase's state in 24 bytes: a byte per RM, its sets as masks, its channel a count", () => {
    const { fixed } = models(TWO_PHASE, "TLC(rms=3)", { rms: 6 }, 5_000);
    const kinds = fixed.plan.owners[0]!.slots.map((s) => s.kind);
    // rmState a sequence, tmState, tmPrepared and preparedMsgs masks, the two flags.
    expect(kinds).toEqual([1, 0, 3, 3, 0, 0]);
    // The machine's type and state (2), rmState's count and room for 9 RMs (10), tmState (1), the
    // masks with room for 12 RMs (2 + 2), the flags (2), the Step channel's count and room for 3 (4),
    // and a zero byte to a whole number of words.
    expect(fixed.plan.length).toBe(24);
  });

  it("finds TwoPhase's and the message-passing two-phase commit's states and successors, one by one", () => {
    const two = models(TWO_PHASE, "TLC(rms=3)", { rms: 4 });
    expect(compareEverywhere(two.bytes, two.fixed, Number.POSITIVE_INFINITY)).toBe(1_568);
    // Timers, a spec monitor observing sends, payloads of machine ids, a set of machines, a durable flag.
    const messages = models(MESSAGES, "Reliable(participants=3)");
    expect(compareEverywhere(messages.bytes, messages.fixed, Number.POSITIVE_INFINITY)).toBe(1_178);
  });

  it("reads and writes each kind of slot as the canonical encoding does", () => {
    const { bytes, fixed } = models(FIXTURE, "Mixed");
    expect(bytes.handedOverCode).toEqual([]);
    const hub = fixed.plan.owners[1]!.slots.map((slot) => [slot.kind, slot.width]);
    // small (up to 6: room for 13) in two bytes, colors and peers as masks; signed (negative ints) as
    // sorted slots; big's ints two bytes each.
    expect(hub).toEqual([
      [3, 2],
      [3, 1],
      [3, 1],
      [2, 1],
      [1, 2],
      [0, 1],
      [0, 1],
    ]);
    expect(compareEverywhere(bytes, fixed, Number.POSITIVE_INFINITY)).toBe(22_039);
  });

  // From a review: a shift by 32 is a shift by 0 in JavaScript, so reading a four-byte mask with
  // bit 31 set bit by bit until nothing was left never ended.
  it("reads a four-byte mask with its highest bit set", () => {
    const text = `
      event Tick;
      machine Main {
        var s: set[int];
        var n: int;
        start state S {
          entry { send this, Tick; }
          on Tick do { if (n < 32) { s += (n); n += 1; send this, Tick; } }
        }
      }
      invariant Small: forall m: Main :: forall v in m.s :: v < 100;
      test T [main = Main]: assert Small;`;
    const ir = compileText("mask31.fl", text);
    const made = byteModelOf(buildModel(ir, "T"));
    if (!made.ok) throw new Error(made.reason);
    // Planned from 10 states (the largest element 8): a four-byte mask, room for 0-31.
    const fixed = planOf(made.model, 10);
    if (!fixed.ok) throw new Error(fixed.reason);
    expect(fixed.model.plan.owners[0]!.slots[0]).toMatchObject({ kind: 3, width: 4 });
    expect(compareEverywhere(made.model, fixed.model, Number.POSITIVE_INFINITY)).toBe(34);
  });

  it("checks liveness after a pass as the canonical back end does: passes, lassos and hot deadlocks", async () => {
    // A machine that pings itself forever, observed by a monitor that goes hot and stays: a lasso.
    const lasso = compileText(
      "lasso.fl",
      `event Ping;
      event Done;
      machine M {
        var n: int;
        start state S {
          entry { send this, Ping; }
          on Ping do { n = (n + 1) % 3; send this, Ping; }
        }
      }
      spec Progress observes Ping, Done {
        start cold state Idle { on Ping goto Waiting; ignore Done; }
        hot state Waiting { on Done goto Idle; ignore Ping; }
      }
      test T [main = M]: assert Progress;`,
    );
    const lassoModels = () => {
      const made = byteModelOf(buildModel(lasso, "T"));
      if (!made.ok) throw new Error(made.reason);
      const fixed = planOf(made.model, 10);
      if (!fixed.ok) throw new Error(fixed.reason);
      return { bytes: made.model, fixed: fixed.model };
    };
    for (const pair of [
      () => models(MESSAGES, "Reliable(participants=3)"),
      () => models(join(ROOT, "examples/spec-monitor.fl"), "ForgetfulLockTest"),
      lassoModels,
    ]) {
      const { bytes, fixed } = pair();
      const want = await checkModel(bytes as never, null, { workers: 1 });
      const got = await checkModel(fixed as never, null, { workers: 1 });
      const phase = (l: typeof want.liveness) =>
        l === null || l === "skipped" ? l : { kind: l.kind, states: l.states };
      expect(phase(got.liveness)).toEqual(phase(want.liveness));
      expect({ kind: got.result.kind, states: got.result.stats?.distinctStates }).toEqual({
        kind: want.result.kind,
        states: want.result.stats?.distinctStates,
      });
      if (want.result.kind === "violation" && got.result.kind === "violation") {
        expect(got.result.trace.steps).toEqual(want.result.trace.steps);
        expect(got.result.loop).toEqual(want.result.loop);
      }
    }
    // The lasso's verdict is the liveness check's.
    const { fixed } = lassoModels();
    const lassoResult = (await checkModel(fixed as never, null, { workers: 1 })).result;
    expect(lassoResult.kind).toBe("violation");
    expect(lassoResult.kind === "violation" && lassoResult.loop !== undefined).toBe(true);
  });

  it("fingerprints a state on the layout by its bytes alone: the scratch as emitted, a buffer rebuilt in place, a view at an offset, a copy", () => {
    // The message-passing two-phase commit: states of many words, of which a step changes a few.
    const { fixed } = models(MESSAGES, "Reliable(participants=3)", {}, 5_000);
    const out = new Uint32Array(2);
    const again = new Uint32Array(2);
    const length = fixed.plan.length;
    const reused = new Uint8Array(length + 8);
    const queue: Uint8Array[] = [];
    fixed.initial((_step, o) => {
      if (o.kind === "state") queue.push(o.state.buf.slice(0, o.state.len));
    });
    // Fingerprint (as a string) -> the bytes that have it, over the first states' successors.
    const bytesOf = new Map<string, string>();
    for (let i = 0; i < queue.length && i < 400; i++) {
      fixed.successors({ buf: queue[i]!, len: length }, (_step, o) => {
        if (o.state === undefined) return;
        expect(o.state.len).toBe(length);
        fixed.fingerprint(o.state, out);
        const bytes = o.state.buf.slice(0, length);
        // Fingerprinting other states moves the base in the middle of an expansion: right all the same.
        reused.fill(0xa5).set(bytes);
        const placed = new Uint8Array(length + 3);
        placed.set(bytes, 3);
        for (const buf of [reused, placed.subarray(3), bytes.slice()]) {
          fixed.fingerprint({ buf, len: length }, again);
          expect([...again]).toEqual([...out]);
        }
        const key = `${out[0]},${out[1]}`;
        const text = bytes.join(",");
        expect(bytesOf.get(key) ?? text).toBe(text);
        if (!bytesOf.has(key)) {
          bytesOf.set(key, text);
          queue.push(bytes);
        }
      });
    }
    // Distinct bytes, distinct fingerprints (the map would have failed), and states enough to say so.
    expect(bytesOf.size).toBeGreaterThan(300);
  });

  it("fingerprints and encodes a state outside the scratch as its bytes say, whatever buffer holds it (the canonical back end)", () => {
    const { fixed } = models(TWO_PHASE, "TLC(rms=3)", { rms: 6 }, 5_000);
    const scratch = new ScratchState(64);
    // One buffer rebuilt in place, as the frontier's reader rebuilds its entry; and views at an offset.
    const reused = new Uint8Array(48);
    const out = new Uint32Array(2);
    const want = new Uint32Array(2);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 48 }), fc.nat(5), (bytes, offset) => {
        reused.set(bytes);
        const placed = new Uint8Array(bytes.length + offset);
        placed.set(bytes, offset);
        for (const buf of [reused, placed.subarray(offset)]) {
          const state: ByteState = { buf, len: bytes.length };
          fingerprintByteState(state, scratch, out);
          fingerprintInto(bytes, want);
          expect([...out]).toEqual([...want]);
          expect([...fixed.encode(state)]).toEqual([...bytes]);
        }
      }),
      { seed: 16 },
    );
  });

  it("moves slots as copyWithin and fill would (removeSlot, openSlot)", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 40 }),
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 1, max: 4 }),
        (bytes, a, b, width) => {
          // Slots [start, end): `end` leaves room for one more slot, as a collection or channel has when one opens.
          const room = bytes.length - width;
          if (room < 0) return;
          const end = Math.floor((a % (room + 1)) / width) * width + width;
          const at = Math.floor((b % end) / width) * width;
          if (end - width < at) return;
          const removed = bytes.slice();
          removeSlot(removed, at, width, end);
          const want = bytes.slice();
          want.copyWithin(at, at + width, end);
          want.fill(0, end - width, end);
          expect(removed).toEqual(want);
          const opened = bytes.slice();
          openSlot(opened, at, width, end - width);
          const wantOpened = bytes.slice();
          wantOpened.copyWithin(at + width, at, end - width);
          expect(opened).toEqual(wantOpened);
        },
      ),
      { seed: 15 },
    );
  });

  it("converts any state of its plan to the canonical encoding and back", () => {
    const { bytes, fixed } = models(MESSAGES, "Reliable(participants=3)");
    const states: Uint8Array[] = [];
    checkExhaustive(bytes as never, {});
    bytes.initial((_s, o) => {
      if (o.kind === "state") states.push(bytes.encode(o.state).slice());
    });
    for (let i = 0; i < states.length && states.length < 500; i++)
      bytes.successors(bytes.decode(states[i]!), (_s, o) => {
        if (o.kind === "state") states.push(bytes.encode(o.state).slice());
      });
    fc.assert(
      fc.property(fc.nat(states.length - 1), (i) => {
        const b = states[i]!;
        const f = toFixed(fixed.plan, b);
        expect(f.length).toBe(fixed.plan.length);
        expect(hex(canonicalOf(fixed, fixed.decode(f)))).toBe(hex(b));
      }),
      { seed: 15, numRuns: 300 },
    );
  });

  it("starts the search over on the canonical encoding when a value does not fit, with the same outcome", async () => {
    // Planned from the initial state alone, where TwoPhase's sets are empty: their masks have room
    // for RMs 0-7, and RMPrepare(8) overflows at once.
    const { bytes, fixed } = models(TWO_PHASE, "TLC(rms=3)", { rms: 9 }, 1);
    expect(fixed.plan.owners[0]!.slots[2]!.width).toBe(1);
    expect(() => {
      const r = checkExhaustive(fixed as never, { maxStates: 3_000 });
      throw new Error(`no overflow: ${r.kind}`);
    }).toThrow(/no room for a set's element: the search starts over on the canonical encoding/);
    const direct = checkExhaustive(bytes as never, { maxStates: 3_000 });
    const restarted = await checkModel(fixed as never, null, { workers: 1, maxStates: 3_000 });
    expect(restarted.result.kind).toBe("bounded");
    expect(restarted.result.stats?.distinctStates).toBe(direct.stats?.distinctStates);
    // And where the plan has room, no restart: the same count on the layout itself.
    const roomy = models(TWO_PHASE, "TLC(rms=3)", { rms: 9 }, 2_000).fixed;
    expect(checkExhaustive(roomy as never, { maxStates: 3_000 }).stats?.distinctStates).toBe(
      direct.stats?.distinctStates,
    );
  });

  // From a review: the plan's search looked at its clock every 256 expansions, so a test whose steps
  // are slow (handed over to the object runtime) planned for seconds before its search began.
  it("plans within its time, even among slow steps", () => {
    const file = join(ROOT, "packages/checker/test/fixtures/fl/bytes-fixed-slow.fl");
    const made = byteModelOf(buildModel(compileText(file, readFileSync(file, "utf8")), "Slow"));
    if (!made.ok) throw new Error(made.reason);
    const started = Date.now();
    fixedModelOf(made.model, { planMs: 100 });
    // 100 ms and the step under way (tens of ms); 256 steps took 3.5 s.
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  // From a review: the search that starts over after an overflow had the whole timeout again.
  it("leaves the search that starts over only the rest of the timeout", async () => {
    const file = join(ROOT, "packages/checker/test/fixtures/fl/bytes-fixed-late.fl");
    const made = byteModelOf(buildModel(compileText(file, readFileSync(file, "utf8")), "Late(k=250)"));
    if (!made.ok) throw new Error(made.reason);
    const fixed = fixedModelOf(made.model);
    if (!fixed.ok) throw new Error(fixed.reason);
    const started = Date.now();
    const { result } = await checkModel(fixed.model as never, null, { workers: 1, timeoutMs: 3_000 });
    expect(result).toMatchObject({ kind: "bounded", reason: "timeout" });
    // The restart comes after about 2 s of search on this machine (a slower one may not get there, and
    // then this proves less): the second search had 3 s more before.
    expect(Date.now() - started).toBeLessThan(3_000 + 1_000);
  });

  it("says where a state has no room in the plan", () => {
    const { bytes, fixed } = models(TWO_PHASE, "TLC(rms=3)", { rms: 9 }, 1);
    const states: Uint8Array[] = [];
    bytes.initial((_s, o) => {
      if (o.kind === "state") states.push(bytes.encode(o.state).slice());
    });
    bytes.successors(bytes.decode(states[0]!), (_s, o) => {
      if (o.kind === "state") states.push(bytes.encode(o.state).slice());
    });
    expect(() => toFixed(fixed.plan, states[0]!)).not.toThrow();
    expect(() => {
      for (const b of states) toFixed(fixed.plan, b);
    }).toThrow(LayoutOverflow);
  });

  it("runs random programs as the canonical back end does, state by state, and starts over where a small plan overflows", async () => {
    // Random programs (fl-random-program.ts: sends of event values, helpers made with `new`, halts,
    // asserts, timers, specs, forks, gotos).
    let compared = 0;
    let restarted = 0;
    const programs: string[] = [];
    fc.assert(
      fc.property(fc.array(fc.nat(1000), { minLength: 8, maxLength: 40 }), fc.boolean(), (stream, forks) => {
        const text = randomProgram(stream, false, forks);
        const ir = compileText("random.fl", text);
        const made = byteModelOf(buildModel(ir, ir.tests[0]!.name));
        if (!made.ok) return;
        const fixed = planOf(made.model);
        if (!fixed.ok) return;
        compared++;
        programs.push(text);
        compareEverywhere(made.model, fixed.model, 300);
      }),
      { seed: 150_011, numRuns: 250 },
    );
    expect(compared).toBeGreaterThan(10);
    // Planned from their first 3 states, most overflow: the check starts over, with the canonical result.
    for (const text of programs) {
      const ir = compileText("random.fl", text);
      const made = byteModelOf(buildModel(ir, ir.tests[0]!.name));
      if (!made.ok) continue;
      const fixed = planOf(made.model, 3);
      if (!fixed.ok) continue;
      const want = checkExhaustive(made.model as never, { maxStates: 2_000 });
      const got = await checkModel(fixed.model as never, null, {
        workers: 1,
        maxStates: 2_000,
        onRestart: () => restarted++,
      });
      expect({ kind: got.result.kind, states: got.result.stats?.distinctStates }).toEqual({
        kind: want.kind,
        states: want.stats?.distinctStates,
      });
    }
    expect(restarted).toBeGreaterThan(3);
  });

  it("runs collection-heavy random programs as the canonical back end does, and starts over from small plans", async () => {
    // fl-collection-program.ts; a value met only inside a step can overflow even a plan of the whole
    // space (the plan sees states, not what a step holds on the way): counted, not a divergence.
    let compared = 0;
    let inStep = 0;
    for (let seed = 1; seed <= 24; seed++) {
      const ir = compileText("collections.fl", collectionProgram(seed));
      const made = byteModelOf(buildModel(ir, "T"));
      if (!made.ok) continue;
      const whole = planOf(made.model, 20_000);
      if (!whole.ok) continue;
      try {
        compareEverywhere(made.model, whole.model, 300);
        compared++;
      } catch (e) {
        if (!(e instanceof SearchRestart)) throw e;
        inStep++;
      }
      const small = planOf(made.model, 3);
      if (!small.ok) continue;
      const want = checkExhaustive(made.model as never, { maxStates: 3_000 });
      const got = (await checkModel(small.model as never, null, { workers: 1, maxStates: 3_000 })).result;
      expect({ kind: got.kind, states: got.stats?.distinctStates }).toEqual({
        kind: want.kind,
        states: want.stats?.distinctStates,
      });
      if (want.kind === "violation" && got.kind === "violation")
        expect(got.trace.steps).toEqual(want.trace.steps);
    }
    expect(compared).toBeGreaterThan(12);
    expect(inStep).toBeLessThan(4);
  });

  // Every test of the repository's models and examples that the layout takes, planned from its whole space.
  const files = [...flFiles(join(ROOT, "models")), ...flFiles(join(ROOT, "examples"))];
  const covered: string[] = [];
  it.each(files.map((f) => [f.slice(ROOT.length), f]))("on %s, where it takes a test", (_name, file) => {
    const ir = compileText(file, readFileSync(file, "utf8"));
    if (ir.funs.some((f) => f.foreign)) return;
    for (const test of ir.tests) {
      const made = byteModelOf(buildModel(ir, test.name));
      if (!made.ok) continue;
      const fixed = planOf(made.model, 20_000);
      if (!fixed.ok) continue;
      covered.push(`${file.slice(ROOT.length)} ${test.name}`);
      compareEverywhere(made.model, fixed.model, 1_500);
      const a = checkExhaustive(made.model as never, { maxStates: 50_000 });
      const b = checkExhaustive(fixed.model as never, { maxStates: 50_000 });
      expect({ kind: b.kind, states: b.stats?.distinctStates }).toEqual({
        kind: a.kind,
        states: a.stats?.distinctStates,
      });
      if (a.kind === "violation" && b.kind === "violation") expect(b.trace.steps).toEqual(a.trace.steps);
    }
  });

  it("takes the bundled tests it should", () => {
    // Pinned: a test leaving the layout's reach, or joining it, shows here.
    expect(covered).toEqual([
      "models/at-least-once-consumer/at-least-once-consumer-buggy.fl Reliable(events=3)",
      "models/at-least-once-consumer/at-least-once-consumer.fl Reliable(events=3)",
      "models/bench/two-phase-messages.fl Reliable(participants=2)",
      "models/bench/two-phase-messages.fl Reliable(participants=3)",
      "models/bench/two-phase-messages.fl Reliable(participants=4)",
      "models/bench/two-phase-tla.fl TLC(rms=3)",
      "models/bench/two-phase-tla.fl TLC(rms=4)",
      "models/bench/two-phase-tla.fl TLC(rms=5)",
      "models/circuit-breaker/circuit-breaker-buggy.fl Reliable(clients=1,threshold=2,outages=0)",
      "models/circuit-breaker/circuit-breaker-buggy.fl DownstreamOutage(clients=1,threshold=2,outages=1)",
      "models/circuit-breaker/circuit-breaker-buggy.fl DownstreamOutage(clients=1,threshold=2,outages=2)",
      "models/circuit-breaker/circuit-breaker-buggy.fl DownstreamOutage(clients=2,threshold=2,outages=1)",
      "models/circuit-breaker/circuit-breaker-buggy.fl DownstreamOutage(clients=2,threshold=2,outages=2)",
      "models/circuit-breaker/circuit-breaker.fl Reliable(clients=1,threshold=2,outages=0)",
      "models/circuit-breaker/circuit-breaker.fl DownstreamOutage(clients=1,threshold=2,outages=1)",
      "models/circuit-breaker/circuit-breaker.fl DownstreamOutage(clients=1,threshold=2,outages=2)",
      "models/circuit-breaker/circuit-breaker.fl DownstreamOutage(clients=2,threshold=2,outages=1)",
      "models/circuit-breaker/circuit-breaker.fl DownstreamOutage(clients=2,threshold=2,outages=2)",
      "models/lease-fencing/lease-fencing-buggy.fl PausedHolder(clients=2)",
      "models/lease-fencing/lease-fencing-buggy.fl PausedHolder(clients=3)",
      "models/lease-fencing/lease-fencing.fl PausedHolder(clients=2)",
      "models/lease-fencing/lease-fencing.fl PausedHolder(clients=3)",
      "models/static-stability/static-stability-buggy.fl NoFailure(peak=6,checks=2)",
      "models/static-stability/static-stability.fl NoFailure(peak=6,checks=2)",
      "models/two-phase-commit/two-phase-commit-buggy.fl Reliable(participants=2)",
      "models/two-phase-commit/two-phase-commit-buggy.fl Reliable(participants=3)",
      "models/two-phase-commit/two-phase-commit.fl Reliable(participants=2)",
      "models/two-phase-commit/two-phase-commit.fl Reliable(participants=3)",
      "examples/bank-buggy.fl OneClient",
      "examples/bank-buggy.fl Overdraft",
      "examples/bank.fl TwoClients",
      "examples/choose.fl ChosenValuesInRange",
      "examples/choose.fl FindsTheJackpot",
      "examples/crash-restart.fl NoCrash",
      "examples/defer.fl Deferred",
      "examples/defer.fl NotDeferred",
      "examples/drop.fl Reliable",
      "examples/duplicate.fl NaiveReliable",
      "examples/espresso-machine.fl AnyButtons",
      "examples/functions.fl Summary",
      "examples/halt-event.fl OwnerHalts",
      "examples/halt-event.fl OutsiderHalts",
      "examples/invariants.fl Safety",
      "examples/invariants.fl CriticalIsReachable",
      "examples/modules.fl Reference",
      "examples/modules.fl WriteBehind",
      "examples/modules.fl WriteThrough",
      "examples/param-tests.fl Registration(workers=1)",
      "examples/param-tests.fl Registration(workers=2)",
      "examples/param-tests.fl Registration(workers=3)",
      "examples/param-tests.fl TwoSlotTable(workers=2)",
      "examples/param-tests.fl TwoSlotTable(workers=3)",
      "examples/partition.fl Connected",
      "examples/ping-pong.fl Reliable",
      "examples/reorder.fl Fifo",
      "examples/spec-monitor.fl CorrectLock",
      "examples/spec-monitor.fl GreedyLockTest",
      "examples/spec-monitor.fl ForgetfulLockTest",
      "examples/strings.fl Audit",
      "examples/strings.fl Overdraft",
      "examples/symmetry.fl Full(participants=3)",
      "examples/symmetry.fl Full(participants=4)",
      "examples/test-generation.fl Majority(nodes=1,faulty=0)",
      "examples/test-generation.fl Majority(nodes=2,faulty=0)",
      "examples/test-generation.fl Majority(nodes=2,faulty=1)",
      "examples/test-generation.fl Majority(nodes=3,faulty=0)",
      "examples/test-generation.fl Majority(nodes=3,faulty=1)",
      "examples/test-generation.fl Majority(nodes=3,faulty=2)",
      'examples/test-generation.fl Mixed(nodes=1,faulty=0,mode="ack")',
      'examples/test-generation.fl Mixed(nodes=1,faulty=0,mode="quiet")',
      'examples/test-generation.fl Mixed(nodes=1,faulty=0,mode="both")',
      'examples/test-generation.fl Mixed(nodes=2,faulty=0,mode="quiet")',
      'examples/test-generation.fl Mixed(nodes=2,faulty=1,mode="ack")',
      'examples/test-generation.fl Mixed(nodes=2,faulty=1,mode="both")',
      'examples/test-generation.fl Mixed(nodes=3,faulty=0,mode="both")',
      'examples/test-generation.fl Mixed(nodes=3,faulty=1,mode="quiet")',
      'examples/test-generation.fl Mixed(nodes=3,faulty=2,mode="ack")',
      'examples/test-generation.fl Mixed(nodes=3,faulty=2,mode="quiet")',
      'examples/test-generation.fl Mixed(nodes=3,faulty=2,mode="both")',
      "examples/timers.fl Retries",
      "examples/timers.fl SpuriousTimeouts",
      "examples/witnesses.fl QuietServer(busy=false)",
      "examples/witnesses.fl BusyServer(busy=true)",
    ]);
  });
});
