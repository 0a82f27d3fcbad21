// The model-based testing engine (src/testing/): lockstep runs against small
// hand-written adapters of fixtures/conformance/echo.fl, whose Server is the
// implementation under test.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { runCli } from "../src/cli.js";
import {
  checkConformance,
  ConformanceConfigError,
  type ConformanceOptions,
  type DeliveredMessage,
  type ImplementationAdapter,
  type InstanceRef,
  planSchedules,
  prepareConformance,
  replaySchedule,
  replayTraceFile,
  runPlanned,
  runSchedule,
  type SentMessage,
} from "../src/testing/index.js";
import { deciderOf } from "../src/testing/schedules.js";
import { captureIo } from "./capture-io.js";

const MODEL = join(import.meta.dirname, "fixtures", "conformance", "echo.fl");

interface EchoBehaviour {
  /** The `loud` flag the real server chooses for n. */
  loud?: (n: number) => boolean;
  /** Added to the Pong's number (the model adds 1). */
  pongOffset?: number;
  /** Never sends the Pong. */
  silent?: boolean;
  /** No crash() method. */
  noCrash?: boolean;
  throwOn?: number;
}

/** A real (JavaScript) Server, driven the way the adapter contract says. */
function echoAdapter(behaviour: EchoBehaviour = {}): ImplementationAdapter {
  let log = "";
  const adapter: ImplementationAdapter = {
    create(_instance: InstanceRef, payload) {
      log = String(payload);
      return [];
    },
    deliver(_instance: InstanceRef, message: DeliveredMessage): SentMessage[] {
      const { from, n } = message.payload as { from: string; n: number };
      if (behaviour.throwOn === n) throw new Error("boom");
      const sends: SentMessage[] = [
        { to: log, event: "Echoed", payload: { n, loud: behaviour.loud?.(n) ?? false } },
      ];
      if (!behaviour.silent)
        sends.push({ to: from, event: "Pong", payload: n + (behaviour.pongOffset ?? 1) });
      return sends;
    },
    restart: () => [],
  };
  if (!behaviour.noCrash) adapter.crash = () => {};
  return adapter;
}

function options(behaviour: EchoBehaviour, extra: Partial<ConformanceOptions> = {}): ConformanceOptions {
  return {
    model: MODEL,
    test: "Faulty",
    implements: ["Server"],
    adapter: () => echoAdapter(behaviour),
    schedules: { random: 40, seed: 7 },
    ...extra,
  };
}

describe("lockstep runs", () => {
  test("a conforming implementation passes every schedule", async () => {
    const report = await checkConformance(options({}, { schedules: { random: 60, pct: 30, seed: 3 } }));
    expect(report).toMatchObject({ schedules: 90, passed: 90, failure: null });
  });

  test("a wrong payload is a divergence naming what was sent and what the model could send", async () => {
    const report = await checkConformance(options({ pongOffset: 2 }));
    const failure = report.failure!.run.failure!;
    expect(failure.kind).toBe("divergence");
    if (failure.kind !== "divergence") return;
    expect(failure.instance).toBe("Server(0)");
    expect(failure.actual).toContainEqual({ to: "Client(0)", event: "Pong", payload: 3 });
    // Two combinations of the server's choose: loud or not, each with the Pong of n + 1.
    expect(failure.expected).toHaveLength(2);
    expect(failure.expected[0]).toContainEqual({ to: "Client(0)", event: "Pong", payload: 2 });
    expect(report.failure!.report).toContain("Server(0) sent Log(0) <- Echoed");
  });

  test("an expected send that never comes is a divergence", async () => {
    const report = await checkConformance(options({ silent: true }));
    const failure = report.failure!.run.failure!;
    expect(failure.kind).toBe("divergence");
    expect(failure.kind === "divergence" && failure.actual.map((s) => s.event)).toEqual(["Echoed"]);
  });

  test("the model's choose is resolved by matching: either loud flag conforms, and the spec checks the one taken", async () => {
    const quiet = await checkConformance(options({ loud: () => false }, { test: "Plain" }));
    expect(quiet.failure).toBeNull();
    const loudOne = await checkConformance(options({ loud: (n) => n === 1 }, { test: "Plain" }));
    expect(loudOne.failure).toBeNull();
    // Loud on 2 is a send the model allows, and a run its spec forbids.
    const loudTwo = await checkConformance(options({ loud: (n) => n === 2 }, { test: "Plain" }));
    const failure = loudTwo.failure!.run.failure!;
    expect(failure).toMatchObject({
      kind: "model",
      failure: { kind: "spec-assertion", property: "NeverLoudTwo" },
    });
  });

  test("an adapter that throws is an adapter error at that step", async () => {
    const report = await checkConformance(options({ throwOn: 2 }, { test: "Plain" }));
    expect(report.failure!.run.failure).toMatchObject({ kind: "adapter-error", instance: "Server(0)" });
    expect(report.failure!.run.failure!.message).toContain("boom");
  });
});

describe("shrinking and replay", () => {
  test("a failing schedule is shrunk to a shorter one that fails the same way, and replays", async () => {
    const c = prepareConformance(
      options({ pongOffset: 2 }, { schedules: { random: 5, seed: 11 }, maxSteps: 40 }),
    );
    const report = await checkConformance(c);
    const { run, shrunk } = report.failure!;
    expect(shrunk!.steps.length).toBeLessThanOrEqual(run.steps.length);
    // init, the Setup's creations are one step; the first Ping's delivery diverges: 2 steps.
    expect(shrunk!.steps).toHaveLength(2);
    expect(shrunk!.minimal).toBe(true);
    const again = await replaySchedule(c, shrunk!.steps);
    expect(again.failure).toMatchObject({ kind: "divergence", step: 1 });
  });

  test("the shrunk schedule is written as a trace file that faultline replay opens", async () => {
    const dir = mkdtempSync(join(tmpdir(), "faultline-mbt-"));
    try {
      const c = prepareConformance(options({ pongOffset: 2 }, { traceDir: dir }));
      const report = await checkConformance(c);
      const file = report.failure!.traceFile!;
      // The implementation replays it too, to the same divergence.
      expect((await replayTraceFile(c, file)).failure).toMatchObject({ kind: "divergence", step: 1 });
      await expect(replayTraceFile(c, join(dir, "missing.json"))).rejects.toThrow(/MBT006/);
      expect(report.failure!.report).toContain(`faultline replay ${file}`);
      const captured = captureIo();
      await runCli(["replay", file], captured.io);
      expect(captured.out()).toContain("Server(0) <- Ping");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("property: a schedule replays to the same steps and verdict, from its seed and from its recorded steps", async () => {
    const c = prepareConformance(options({ loud: (n) => n === 2 }));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 0xffffffff }), fc.boolean(), async (seed, pct) => {
        const spec = pct
          ? ({ name: "p", kind: "pct", seed, depth: 2 } as const)
          : ({ name: "r", kind: "random", seed } as const);
        const first = await runSchedule(c.config, { decider: deciderOf(spec, c.config.maxSteps) });
        const second = await runSchedule(c.config, { decider: deciderOf(spec, c.config.maxSteps) });
        expect(second.steps).toEqual(first.steps);
        expect(second.failure).toEqual(first.failure);
        const replayed = await replaySchedule(c, first.steps);
        expect(replayed.steps).toEqual(first.steps);
        expect(replayed.failure?.kind).toEqual(first.failure?.kind);
      }),
      { seed: 42, numRuns: 40 },
    );
  });
});

describe("timers of the implementation", () => {
  const TICKER = join(import.meta.dirname, "fixtures", "conformance", "ticker.fl");
  /** The ticker server: counts Pings, and on each Tick reports the count (its timer is the adapter's to fire). */
  const ticker = (skew: number, timers: string[]): ImplementationAdapter => {
    let log = "";
    let seen = 0;
    return {
      create: (_i, payload) => {
        log = String(payload);
      },
      deliver: () => {
        seen++;
      },
      timer: (instance, timer) => {
        timers.push(`${instance.name} ${timer}`);
        return [{ to: log, event: "Count", payload: seen + skew }];
      },
    };
  };
  const tickerOptions = (skew: number, timers: string[]): ConformanceOptions => ({
    model: TICKER,
    test: "Ticks",
    implements: ["Server"],
    adapter: () => ticker(skew, timers),
    schedules: { exhaustive: { depth: 6 } },
  });

  test("a timer step of a tested machine fires the adapter's timer, and what it sends is checked", async () => {
    const timers: string[] = [];
    const good = await checkConformance(tickerOptions(0, timers));
    expect(good.failure?.report ?? null).toBeNull();
    expect(timers.length).toBeGreaterThan(0);
    expect(new Set(timers)).toEqual(new Set(["Server(0) Tick"]));
    const bad = await checkConformance(tickerOptions(1, []));
    expect(bad.failure!.run.failure).toMatchObject({ kind: "divergence", instance: "Server(0)" });
    expect(bad.failure!.report).toContain("Server(0) <- timeout Tick");
  });

  test("an adapter without timer() when a tested machine's timer fires", async () => {
    const options = tickerOptions(0, []);
    const { timer: _timer, ...untimed } = ticker(0, []);
    await expect(checkConformance({ ...options, adapter: () => untimed })).rejects.toThrow(
      /MBT003: the adapter has no timer\(\)/,
    );
  });
});

describe("schedule plans", () => {
  test("exhaustive: one schedule per path of the model up to the depth, each distinct", () => {
    const c = prepareConformance(options({}, { test: "Plain", schedules: { exhaustive: { depth: 4 } } }));
    const model = c.config.model;
    // Paths of at most 4 steps, counted on the model: a leaf is a path that reached the depth, ends or fails.
    const count = (state: Parameters<typeof model.successors>[0] | null, depth: number): number => {
      if (depth === 0) return 1;
      let leaves = 0;
      const visit = (_step: unknown, outcome: { kind: string; state?: unknown }) => {
        leaves += outcome.kind === "state" ? count(outcome.state as never, depth - 1) : 1;
      };
      if (state === null) model.initial(visit);
      else model.successors(state, visit);
      return leaves === 0 ? 1 : leaves;
    };
    const names = c.specs.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    expect(c.specs).toHaveLength(count(null, 4));
  });

  test("exhaustive: each schedule runs to its depth at most, and the runs are the distinct paths", async () => {
    const c = prepareConformance(options({}, { test: "Plain", schedules: { exhaustive: { depth: 4 } } }));
    const paths = new Set<string>();
    for (const spec of c.specs) {
      const { run } = await runPlanned(c, spec);
      expect(run.steps.length).toBeLessThanOrEqual(4);
      paths.add(JSON.stringify(run.steps));
    }
    // A quiet server never takes the model's loud branch: the paths through it are the same run.
    expect(paths.size).toBeLessThan(c.specs.length);
    expect(paths.size).toBeGreaterThan(1);
  });

  test("random and PCT schedules each get their own derived seed", () => {
    const c = prepareConformance(options({}));
    const specs = planSchedules(c.config.model, { random: 3, pct: 2, seed: 5 }, 30);
    expect(specs.map((s) => s.kind)).toEqual(["random", "random", "random", "pct", "pct"]);
    expect(new Set(specs.map((s) => ("seed" in s ? s.seed : -1))).size).toBe(5);
  });
});

describe("configuration errors have a code and a hint", () => {
  test.each([
    [{ implements: ["Nope"] }, "MBT002", "the model's machines: Log, Server, Client, Setup"],
    [{ implements: [] }, "MBT002", "list the machine types"],
    [{ test: "Missing" }, "MBT001", "name a test of the model"],
    [{ model: "no/such/model.fl" }, "MBT001", "relative to the working directory"],
    [{ schedules: {} }, "MBT005", "ask for some"],
  ] as const)("%o -> %s", (override, code, hint) => {
    let thrown: unknown;
    try {
      prepareConformance({ ...options({}), ...override });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ConformanceConfigError);
    expect((thrown as ConformanceConfigError).code).toBe(code);
    expect((thrown as ConformanceConfigError).message).toContain(hint);
  });

  test("an adapter without crash() when the test crashes the implementation", async () => {
    await expect(
      checkConformance(options({ noCrash: true }, { schedules: { random: 50, seed: 1 } })),
    ).rejects.toThrow(/MBT003: the adapter has no crash\(\)/);
  });

  test("an adapter without deliver()", async () => {
    const partial = (): ImplementationAdapter => ({ create: () => [] }) as unknown as ImplementationAdapter;
    await expect(checkConformance({ ...options({}), adapter: partial })).rejects.toThrow(
      /MBT003: the adapter has no deliver\(\)/,
    );
  });

  test("an adapter that returns something other than a list of sends", async () => {
    const bad = (): ImplementationAdapter => ({
      create: () => [],
      deliver: () => 42 as never,
      crash: () => {},
    });
    await expect(checkConformance({ ...options({}), adapter: bad })).rejects.toThrow(/MBT004/);
  });
});
