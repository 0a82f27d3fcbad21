// Partial-order reduction of .fl models (fl/partial-order.ts, ADR 0008): what
// it reduces (state counts derived by hand), what it must not (visible steps,
// other senders, faults), that verdicts and counterexamples survive, and that
// it is deterministic. Fixture: fixtures/fl/partial-order.fl.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { compileSource, type IrProgram } from "@faultline/lang";
import { afterAll, describe, expect, it } from "vitest";
import { checkExhaustive } from "../src/search/bfs-explorer.js";
import type { CheckResult, ExhaustiveStats } from "../src/check-result.js";
import { flModelFactory } from "../src/fl/fl-factory.js";
import { buildModel, type FlModel } from "../src/fl/fl-model.js";
import type { FlState, FlStep } from "../src/fl/fl-state.js";
import type { StepOutcome } from "../src/model.js";
import { ParallelExplorer } from "../src/search/parallel-explorer.js";
import { replayTrace } from "../src/trace/replay.js";
import { fixturePath, loadFixture } from "./fixtures/fl/load.js";

const FILE = "partial-order.fl";
const ir = loadFixture(FILE);

function model(test: string, partialOrder: boolean, extra: Parameters<typeof buildModel>[2] = {}): FlModel {
  return buildModel(ir, test, { ...extra, partialOrder });
}

function check(test: string, partialOrder: boolean, extra: Parameters<typeof buildModel>[2] = {}) {
  const result = checkExhaustive(model(test, partialOrder, extra), { partialOrder });
  if (result.kind === "error") throw new Error(result.message);
  return result;
}

function verdict(result: CheckResult) {
  return {
    kind: result.kind,
    failure: "failure" in result ? { kind: result.failure.kind, property: result.failure.property } : null,
  };
}

function counts(stats: ExhaustiveStats) {
  return {
    distinct: stats.distinctStates,
    generated: stats.generatedStates,
    ample: stats.ampleExpansions,
    depth: stats.maxDepth,
  };
}

/** Every emission of ampleSuccessors at `s`, and what it returned. */
function ampleOf(m: FlModel, s: FlState): { reduced: boolean; steps: FlStep[] } {
  const steps: FlStep[] = [];
  const reduced = m.ampleSuccessors(s, (step) => steps.push(step));
  return { reduced, steps };
}

function initialState(m: FlModel): FlState {
  let s: FlState | null = null;
  m.initial((_step, outcome: StepOutcome<FlState>) => {
    if (outcome.kind === "state") s = outcome.state;
  });
  return s!;
}

describe("partial-order reduction of .fl models", () => {
  // A producer's entry sends k Work to each of n workers that only count them,
  // and AllSent does not read the workers. Full: a state is how many messages
  // each worker took, (k+1)^n states; state (a1..an) has one successor per
  // worker with messages left, so 1 + n*k*(k+1)^(n-1) generated (init
  // included). Reduced: every state but the last delivers to the first worker
  // with messages left (its channel comes first), a chain of n*k deliveries:
  // 1 + n*k states, each generated once. The depth, n*k, is the same.
  it.each([
    [1, 1],
    [1, 3],
    [2, 2],
    [2, 3],
    [3, 1],
    [3, 2],
    [3, 3],
  ])("reduces n=%i workers getting k=%i messages from (k+1)^n states to 1 + n*k", (n, k) => {
    const test = `Pipeline(n=${n},k=${k})`;
    const full = check(test, false);
    const reduced = check(test, true);
    expect(full.kind).toBe("pass");
    expect(reduced.kind).toBe("pass");
    expect(counts(full.stats)).toEqual({
      distinct: (k + 1) ** n,
      generated: 1 + n * k * (k + 1) ** (n - 1),
      ample: undefined,
      depth: n * k,
    });
    // Every state but the terminal one is expanded with its ample set alone.
    expect(counts(reduced.stats)).toEqual({
      distinct: 1 + n * k,
      generated: 1 + n * k,
      ample: n * k,
      depth: n * k,
    });
    expect(reduced.stats.expandedStates).toBe(1 + n * k);
  });

  it("is off unless the model is built with partialOrder", () => {
    const off = model("Pipeline(n=2,k=2)", false);
    expect(ampleOf(off, initialState(off))).toEqual({ reduced: false, steps: [] });
    const on = model("Pipeline(n=2,k=2)", true);
    expect(ampleOf(on, initialState(on))).toEqual({
      reduced: true,
      steps: [{ t: "deliver", from: 0, to: 1, i: 0, c: [] }],
    });
    // The explorer option alone does nothing either.
    const result = checkExhaustive(off, { partialOrder: true });
    expect(result.stats.distinctStates).toBe(9);
  });

  it("does not reduce deliveries that an invariant or a spec observes", () => {
    // WorkersBounded reads the counts every delivery changes: the full 27 states.
    expect(counts(check("PipelineWatched(n=3,k=2)", true).stats)).toEqual({
      distinct: 27,
      generated: 55,
      ample: 0,
      depth: 6,
    });
    // inflight(Work) changes with every delivery of Work.
    expect(check("PipelineCounted(n=3,k=2)", true).stats.ampleExpansions).toBe(0);
    // inflight(Ack) counts the Ack every delivery sends (it takes a Work, which is not counted).
    expect(check("AckedCounted(n=2,k=2)", true).stats.ampleExpansions).toBe(0);
    // AckCounter observes the Ack every Work delivery sends. While both workers have Work, either
    // may feed it first, so neither delivery is taken alone; once one worker is done, nothing else
    // can feed the spec before the other's deliveries, which are then taken alone.
    const m = model("AckedWatched(n=2,k=2)", true);
    let s = initialState(m);
    expect(ampleOf(m, s).reduced).toBe(false);
    for (let k = 0; k < 2; k++)
      s = (m.apply(s, { t: "deliver", from: 0, to: 1, i: 0, c: [] }) as { state: FlState }).state;
    expect(ampleOf(m, s)).toEqual({ reduced: true, steps: [{ t: "deliver", from: 0, to: 2, i: 0, c: [] }] });
    const watched = check("AckedWatched(n=2,k=2)", true);
    expect(watched.stats.distinctStates).toBeLessThan(
      check("AckedWatched(n=2,k=2)", false).stats.distinctStates,
    );
    // Without the spec, every Work delivery is reduced.
    const unwatched = check("Acked(n=2,k=2)", true);
    expect(unwatched.stats.ampleExpansions).toBeGreaterThan(0);
    expect(unwatched.stats.distinctStates).toBeLessThan(watched.stats.distinctStates);
  });

  it("keeps a deadlock and reduces the deliveries that do not change what the invariant counts", () => {
    // Workers 0 and 1 get Work, Work, Go (Work deferred until Go); worker 2 only
    // Work, Work, deferred forever. Full: workers 0 and 1 each go through 4 local
    // states (before Go, then 0, 1, 2 Work taken): 16 states. NoWorkInFlight
    // counts Work, so only Go deliveries are invisible: (0,0) -> (1,0) -> (1,1)
    // by ample Go steps, then the 3 x 3 states (a, b) in 1..3 of the full
    // interleaving of Work: 2 + 9 = 11 states. Unwatched, everything is: 7.
    const full = check("Gated(n=3,k=2)", false);
    const reduced = check("Gated(n=3,k=2)", true);
    const unwatched = check("GatedUnwatched(n=3,k=2)", true);
    for (const result of [full, reduced, unwatched]) {
      expect(verdict(result)).toEqual({
        kind: "deadlock",
        failure: { kind: "deadlock", property: "deadlock" },
      });
      expect(result.kind === "deadlock" && result.trace.steps.length).toBe(7);
    }
    expect(full.stats.distinctStates).toBe(16);
    expect(reduced.stats.distinctStates).toBe(11);
    expect(reduced.stats.ampleExpansions).toBe(2);
    expect(unwatched.stats.distinctStates).toBe(7);
    // GatesKnown tests the workers' states, which Go changes and Work does not. From (0,0) both Go
    // are visible: (1,0) and (0,1). Then each opened worker takes its Work alone: (2,0), (3,0);
    // (0,2), (0,3). At (3,0) and (0,3) the other Go is visible again: (3,1), (1,3), then its Work
    // alone: (3,2), (2,3), and (3,3): 12 states.
    const states = check("GatedStates(n=3,k=2)", true);
    expect(verdict(states).kind).toBe("deadlock");
    expect(states.stats.distinctStates).toBe(12);
  });

  it("does not take a delivery alone while another machine may still send to its receiver", () => {
    // The Target's Job comes first in channel order, but the Relay may still
    // send Relayed to the Target: taking Job alone would hide the run where
    // Relayed overtakes it.
    const reduced = check("RelayRace", true);
    expect(verdict(reduced)).toEqual({
      kind: "violation",
      failure: { kind: "assertion", property: "assertion" },
    });
    expect(reduced.kind === "violation" && reduced.trace.steps).toEqual([
      { t: "init", c: [] },
      { t: "deliver", from: 0, to: 2, i: 0, c: [] },
      { t: "deliver", from: 2, to: 1, i: 0, c: [] },
    ]);
  });

  it("counts a send through an event value as a send of any event", () => {
    for (const partialOrder of [false, true]) {
      const result = check("ValueRelayRace", partialOrder);
      expect(verdict(result)).toEqual({
        kind: "violation",
        failure: { kind: "assertion", property: "assertion" },
      });
    }
  });

  it("does not take a delivery alone while another channel into its receiver holds a message", () => {
    // SendsJob and SendsRelayed can never act again after their entries, but their messages to the
    // Target are both in flight: either may be taken first.
    for (const partialOrder of [false, true]) {
      const result = check("TwoSendersRace", partialOrder);
      expect(verdict(result)).toEqual({
        kind: "violation",
        failure: { kind: "assertion", property: "assertion" },
      });
    }
  });

  it("does not take a delivery alone while its sender may still create another sender", () => {
    // The Spawner's Job is the Target's only message, but the Spawner's next step creates a
    // SendsRelayed, whose Relayed may then overtake the Job.
    for (const partialOrder of [false, true]) {
      const result = check("SpawnRace", partialOrder);
      expect(verdict(result)).toEqual({
        kind: "violation",
        failure: { kind: "assertion", property: "assertion" },
      });
    }
  });

  it("finds a failure that a cycle of ample steps would ignore (cycle proviso)", () => {
    // Bomb's Boom is enabled from the start but fails, so it is never an ample
    // set; the Looper's Tick always is, and its three states x = 0, 1, 2 form a
    // cycle. At x = 2 the ample successor (x = 0) is known, so x = 2 is
    // expanded fully and Boom fails there: a longer counterexample than the
    // full search's (init, Boom), but the same failure.
    const full = check("Proviso", false);
    const m = model("Proviso", true);
    const reduced = checkExhaustive(m, { partialOrder: true });
    expect(verdict(full)).toEqual(verdict(reduced));
    expect(verdict(reduced).failure).toEqual({ kind: "assertion", property: "assertion" });
    expect(full.kind === "violation" && full.trace.steps.length).toBe(2);
    expect(reduced.kind === "violation" && reduced.trace.steps.map((s) => s.t)).toEqual([
      "init",
      "deliver",
      "deliver",
      "deliver",
    ]);
    expect(reduced.stats).toMatchObject({ distinctStates: 3, expandedStates: 3, ampleExpansions: 2 });
    const replayed = replayTrace(m, reduced.kind === "violation" ? reduced.trace.steps : []);
    expect(replayed.failure?.message).toBe(reduced.kind === "violation" ? reduced.failure.message : "");
  });

  it("expands fully while faults may act, and reduces once their budgets are spent", () => {
    const lossy = {
      faults: [{ kind: "drop" as const, events: ["Work"], atMost: 1, span: ir.tests[0]!.span }],
    };
    const m = model("Pipeline(n=2,k=2)", true, lossy);
    const s0 = initialState(m);
    expect(ampleOf(m, s0).reduced).toBe(false);
    // After the drop, the budget is spent.
    const dropped = m.apply(s0, { t: "drop", from: 0, to: 1, i: 0 });
    expect(dropped.kind).toBe("state");
    expect(ampleOf(m, (dropped as { state: FlState }).state).reduced).toBe(true);
    // Every state after the drop is also reached by a drop from a fully expanded state, so only the
    // steps generated go down: 21 distinct states either way.
    const full = check("Pipeline(n=2,k=2)", false, lossy);
    const reduced = check("Pipeline(n=2,k=2)", true, lossy);
    expect(verdict(reduced)).toEqual(verdict(full));
    expect(reduced.stats.distinctStates).toBe(full.stats.distinctStates);
    expect(reduced.stats.ampleExpansions).toBeGreaterThan(0);
    expect(reduced.stats.generatedStates).toBeLessThan(full.stats.generatedStates);
    // An unordered network never reduces.
    const reorder = { faults: [{ kind: "reorder" as const, span: ir.tests[0]!.span }] };
    expect(check("Pipeline(n=2,k=2)", true, reorder).stats.ampleExpansions).toBe(0);
  });

  it("chooses the same ample sets every time (a function of the state)", () => {
    const first = check("Acked(n=2,k=2)", true);
    const second = check("Acked(n=2,k=2)", true);
    expect(counts(second.stats)).toEqual(counts(first.stats));
    const m = model("Gated(n=3,k=2)", true);
    const s0 = initialState(m);
    expect(ampleOf(m, s0)).toEqual(ampleOf(m, s0));
  });
});

describe("partial-order reduction with worker threads", () => {
  const one = new ParallelExplorer(1);
  const two = new ParallelExplorer(2);
  afterAll(async () => {
    await one.close();
    await two.close();
  });
  const CELL_ROUTER = fileURLToPath(new URL("../../../models/cell-router/cell-router.fl", import.meta.url));
  const cellRouter = compileSource({ path: CELL_ROUTER, text: readFileSync(CELL_ROUTER, "utf8") });
  if (!cellRouter.ok) throw new Error(`${CELL_ROUTER} does not compile`);
  const cases: [string, string, IrProgram][] = [
    ...["Pipeline(n=3,k=3)", "Gated(n=3,k=2)", "Acked(n=2,k=2)", "RelayRace", "Proviso"].map(
      (test): [string, string, IrProgram] => [fixturePath(FILE), test, ir],
    ),
    [CELL_ROUTER, "Reliable(customers=2,retries=1)", cellRouter.ir],
  ];

  it("gives the single-threaded counts with one worker and the same verdicts with two", async () => {
    for (const [file, test, program] of cases) {
      const build = () => buildModel(program, test, { partialOrder: true });
      const single = checkExhaustive(build(), { partialOrder: true });
      const factory = flModelFactory({ file, test, partialOrder: true });

      const byOne = await one.check(factory, { partialOrder: true });
      const byTwo = await two.check(factory, { partialOrder: true });
      expect(verdict(byOne), test).toEqual(verdict(single));
      expect(verdict(byTwo), test).toEqual(verdict(single));
      // One worker expands a level's states in the single-threaded order and knows every state it
      // found in the level: the same proviso decisions. (With two, a state another worker found in
      // the same level counts as a revisit: more full expansions, a count that depends on timing.)
      expect(byOne.stats?.distinctStates, test).toBe(single.stats.distinctStates);
      expect(byOne.stats?.ampleExpansions, test).toBe(single.stats.ampleExpansions);
      for (const result of [byOne, byTwo]) {
        if (result.kind !== "violation" && result.kind !== "deadlock") continue;
        const replayed = replayTrace(build(), result.trace.steps);
        expect(replayed.failure?.property, test).toBe(result.failure.property);
      }
    }
  });
});

describe("static machine types that a `machine` value may defeat", () => {
  it("does not trust a send target's named type once `machine` converts into it", () => {
    const alias = loadFixture("machine-alias-por.fl");
    for (const partialOrder of [false, true]) {
      const result = checkExhaustive(buildModel(alias, "T", { partialOrder }), { partialOrder });
      expect(result).toMatchObject({ kind: "violation", failure: { kind: "assertion" } });
    }
  });
});

describe("the widenings of 2026-12-05 on the bundled protocols", () => {
  function reduce(path: string, test: string) {
    const file = fileURLToPath(new URL(`../../../${path}`, import.meta.url));
    const compiled = compileSource({ path: file, text: readFileSync(file, "utf8") });
    if (!compiled.ok) throw new Error(`${path} does not compile`);
    const m = buildModel(compiled.ir, test, { partialOrder: true });
    const stats = m.partialOrder!.collectStats();
    const result = checkExhaustive(m, { partialOrder: true });
    return { result, stats };
  }

  it("reduces Paxos: ignored Promises, and Accepts no other machine can race (Paxos)", () => {
    // Before: every delivery had another possible sender (0 ample states, 10,342 states). Now most
    // ample steps are a proposer in Accepting taking a Promise, which it ignores there for good
    // (condition 2'); the rest are an acceptor's Prepare or Accept when the run graph shows no
    // other machine can send to it first, some of them announcing Accepted when nothing else can
    // feed OneValueChosen first.
    const { result, stats } = reduce("models/paxos/paxos.fl", "Reliable(acceptors=3,proposers=2)");
    expect(result.kind).toBe("pass");
    expect(result.stats.distinctStates).toBe(8_422);
    expect(stats.ampleMonitor).toBeGreaterThan(0);
    expect(stats.ampleDequeue).toBeGreaterThan(0);
  });

  it("reduces two-phase commit: Votes the announcing coordinator ignores for good", () => {
    // Before: 762 states. Announcing and Done ignore Voted and never go back (condition 2').
    const { result, stats } = reduce(
      "models/two-phase-commit/two-phase-commit.fl",
      "Reliable(participants=3)",
    );
    expect(result.kind).toBe("pass");
    expect(result.stats.distinctStates).toBe(512);
    expect(stats.ampleDequeue).toBeGreaterThan(0);
    // Before: 4,022. Such a delivery sends nothing, so the coordinator's restarting crash, which
    // a participant may send to, does not keep it from going alone.
    const crash = reduce("models/two-phase-commit/two-phase-commit.fl", "CoordinatorCrash(participants=3)");
    expect(crash.result.kind).toBe("pass");
    expect(crash.result.stats.distinctStates).toBe(3_227);
  });
});
