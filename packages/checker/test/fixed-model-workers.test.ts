// Parallel workers on the coordinator's fixed-width layout (fl-factory.ts's
// `plan`): they build the same layout from the plan, so the search gives the
// single thread's counts, verdicts and traces; an overflow met in a worker
// starts the whole check over on the canonical encoding, as one met on the
// coordinator's thread does (Model.restartAfter, SearchRestart).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ByteModel, byteModelOf } from "../src/fl/bytes/byte-model.js";
import { FixedModel, fixedModelOf } from "../src/fl/bytes/fixed-model.js";
import { createFlModel, type FlFactoryArgs, flModelFactory } from "../src/fl/fl-factory.js";
import { buildModel } from "../src/fl/fl-model.js";
import type { Json, Model } from "../src/model.js";
import type { ModelFactory } from "../src/model-factory.js";
import { checkExhaustive } from "../src/search/bfs-explorer.js";
import { checkModel } from "../src/search/check-model.js";
import { compileText } from "./fixtures/fl/load.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const TWO_PHASE = join(ROOT, "models/bench/two-phase-tla.fl");
const OVERFLOW = join(ROOT, "packages/checker/test/fixtures/fl/bytes-fixed-overflow.fl");

/** The test's canonical byte model and its layout planned from the first `planStates` states. */
function planned(
  file: string,
  test: string,
  planStates: number,
  params: Record<string, number> = {},
): { bytes: ByteModel; fixed: FixedModel } {
  const made = byteModelOf(
    buildModel(compileText(file, readFileSync(file, "utf8")), test, { paramOverrides: params }),
  );
  if (!made.ok) throw new Error(made.reason);
  const fixed = fixedModelOf(made.model, { planStates, planMs: Number.POSITIVE_INFINITY });
  if (!fixed.ok) throw new Error(fixed.reason);
  return { bytes: made.model, fixed: fixed.model };
}

/** The factory `faultline check` gives checkModel (explore-strategy.ts), recording what each model searched got. */
function factories(file: string, test: string, made: FlFactoryArgs[], params: Record<string, number> = {}) {
  return (searched: Model<unknown, Json>): ModelFactory => {
    const args: FlFactoryArgs = {
      file,
      test,
      params,
      ...(searched instanceof ByteModel ? { backend: "bytes" as const } : {}),
      ...(searched instanceof FixedModel ? { plan: searched.plan } : {}),
    };
    made.push(args);
    return flModelFactory(args);
  };
}

describe("parallel workers on the fixed-width layout", () => {
  it("build the coordinator's layout from its plan: the same states and fingerprints", () => {
    const { fixed } = planned(TWO_PHASE, "TLC(rms=5)", 2_000);
    // The plan travels to workers by structured clone.
    const plan = structuredClone(fixed.plan);
    const copy = createFlModel({ file: TWO_PHASE, test: "TLC(rms=5)", backend: "bytes", plan });
    expect(copy).toBeInstanceOf(FixedModel);
    const prints = (m: Model<unknown, Json>) => {
      const seen: string[] = [];
      const queue: Uint8Array[] = [];
      const out = new Uint32Array(2);
      const keep = (o: { kind: string; state?: unknown }) => {
        if (o.kind !== "state" || seen.length >= 3_000) return;
        const bytes = m.encode(o.state).slice();
        m.fingerprint!(o.state, out);
        seen.push(`${Buffer.from(bytes).toString("hex")} ${out[0]} ${out[1]}`);
        queue.push(bytes);
      };
      m.initial((_s, o) => keep(o));
      for (let i = 0; i < queue.length && seen.length < 3_000; i++)
        m.successors(m.decode(queue[i]!), (_s, o) => keep(o));
      return seen;
    };
    expect(prints(copy as Model<unknown, Json>)).toEqual(prints(fixed as Model<unknown, Json>));
  });

  it("give the single thread's count, with workers taking over from a probe on the layout", async () => {
    const { bytes, fixed } = planned(TWO_PHASE, "TLC(rms=5)", 5_000);
    const want = checkExhaustive(bytes as never, {});
    const made: FlFactoryArgs[] = [];
    const restarts: string[] = [];
    const got = await checkModel(fixed as never, factories(TWO_PHASE, "TLC(rms=5)", made), {
      workers: 2,
      probeStates: 1_000,
      onRestart: (r) => restarts.push(r),
    });
    expect(got.result.kind).toBe("pass");
    expect(got.result.stats?.distinctStates).toBe(want.stats?.distinctStates);
    expect(got.result.stats?.distinctStates).toBe(8_832);
    // Two workers went on from the probe's frontier (its bytes in the layout): they were given
    // the plan, and nothing overflowed.
    expect(got.result.stats).toMatchObject({ workers: 2 });
    expect((got.result.stats as { seededStates: number }).seededStates).toBeGreaterThan(0);
    expect(made.map((a) => a.plan !== undefined)).toEqual([true]);
    expect(restarts).toEqual([]);
  });

  it("start the whole check over on the canonical encoding when a worker meets a value the plan has no room for", async () => {
    // Planned from its first 30 states (n up to 2,900, its raw varint twice that), the counter
    // gets two bytes, room for raw values up to 16,383: it passes them at n = 8,200, the 83rd
    // state, past the probe's 50, in a worker. (A limit of 20,000: 202 states, about one a level.)
    const test = "Count(step=100,limit=2000000)";
    const params = { limit: 20_000 };
    const { bytes, fixed } = planned(OVERFLOW, test, 30, params);
    const want = checkExhaustive(bytes as never, {});
    const made: FlFactoryArgs[] = [];
    const restarts: string[] = [];
    const got = await checkModel(fixed as never, factories(OVERFLOW, test, made, params), {
      workers: 2,
      probeStates: 50,
      onRestart: (r) => restarts.push(r),
    });
    expect(restarts).toHaveLength(1);
    expect(restarts[0]).toMatch(
      /fixed-width layout has no room for .*: the search starts over on the canonical encoding/,
    );
    expect({ kind: got.result.kind, states: got.result.stats?.distinctStates }).toEqual({
      kind: want.kind,
      states: want.stats?.distinctStates,
    });
    // The check ran again with workers on the canonical encoding: no plan for them the second time.
    expect(want.stats?.distinctStates).toBe(202);
    expect(made.map((a) => ({ bytes: a.backend, plan: a.plan !== undefined }))).toEqual([
      { bytes: "bytes", plan: true },
      { bytes: "bytes", plan: false },
    ]);
  });
});
