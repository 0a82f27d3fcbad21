// Swarm shards with a memory budget and with witness properties, in-process:
// a shard stopped by --memory writes an artifact that says so (its entries
// listed as not run) and the merge cannot pass; a witness reached by some
// shards only merges to reached (shortest trace, which shard), one reached by
// none to `unreached` as `check` words it, and to no verdict when a shard's
// work is missing; artifacts stay byte-for-byte reproducible.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ShardArtifact } from "../src/swarm-artifact.js";
import { cli, shellWords } from "./swarm-helpers.js";

/**
 * Dropped needs a dropped Credit: the portfolio entries without message
 * faults (faults none or nodes) cannot reach it. Overpaid is unreachable.
 */
const MODEL = `
event Credit: int;

machine Source {
  var balance: int;
  start state Sending {
    entry (sink: Sink) {
      balance = 30;
      while (balance > 0) {
        balance -= 10;
        send sink, Credit, 10;
      }
    }
  }
}

machine Sink {
  var balance: int;
  start state Receiving {
    on Credit do (amount) { balance += amount; }
  }
}

machine Transfer {
  start state Boot {
    entry { new Source(new Sink()); }
  }
}

invariant Conserved: forall s: Source, k: Sink :: s.balance + k.balance + 10 * inflight(Credit) <= 30;
reachable Dropped: exists s: Source, k: Sink :: s.balance == 0 && inflight(Credit) == 0 && k.balance < 30;
reachable Overpaid: exists k: Sink :: k.balance > 30;

test Lossy [main = Transfer]:
  assert Conserved, Dropped
  with faults { drop Credit at most 1; };

test Never [main = Transfer]:
  assert Conserved, Overpaid
  with faults { drop Credit at most 1; };
`;

const SHARDS = 16;

let tmp: string;
let model: string;

const shardArgs = (i: number, dir: string) => [
  "check",
  model,
  "--shard",
  `${i}/${SHARDS}`,
  "--runs",
  "16",
  "--max-steps",
  "40",
  "--out",
  dir,
  "--quiet",
];

const artifactOf = (dir: string, i: number) => join(dir, `shard-${i}-of-${SHARDS}.json`);

interface JsonTest {
  test: string;
  outcome: string;
  property: string | null;
  failure: { message: string } | null;
  boundReason?: string;
  witnesses?: { name: string; reached: boolean; traceLength: number | null }[];
}

let swarm: string;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "faultline-swarm-w-"));
  model = join(tmp, "lossy.fl");
  writeFileSync(model, MODEL);
  swarm = join(tmp, "swarm");
  for (let i = 1; i <= SHARDS; i++) {
    const r = await cli(shardArgs(i, swarm));
    expect(r.code, r.stderr).toBe(0);
  }
}, 30_000);
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe("witness properties in a swarm", () => {
  it("a witness reached by some shards only merges to reached, with its shortest trace and shard", async () => {
    const reachedBy: number[] = [];
    const missedBy: number[] = [];
    for (let i = 1; i <= SHARDS; i++) {
      const a = JSON.parse(readFileSync(artifactOf(swarm, i), "utf8")) as ShardArtifact;
      const w = a.tests.find((t) => t.test === "Lossy")!.witnesses!.find((x) => x.name === "Dropped")!;
      (w.reached ? reachedBy : missedBy).push(i);
    }
    expect(reachedBy.length).toBeGreaterThan(0);
    // Entries 9 and 13 inject no faults, 8 and 12 only node faults: they cannot drop a Credit.
    expect(missedBy).toEqual(expect.arrayContaining([9, 10, 13, 14]));
    const r = await cli(["merge", swarm, "--reporter", "json,pretty", "--out", join(tmp, "report")]);
    expect(r.code).toBe(1); // Never is unreached
    const tests = (JSON.parse(r.stdout) as { tests: JsonTest[] }).tests;
    const lossy = tests.find((t) => t.test === "Lossy")!;
    expect(lossy.outcome).toBe("pass");
    expect(lossy.witnesses).toEqual([expect.objectContaining({ name: "Dropped", reached: true })]);
    // The exhaustive check's shortest witness: the swarm's shrunk one is no shorter.
    const exhaustive = await cli(["check", model, "--test", "Lossy", "--reporter", "json"]);
    const shortest = (JSON.parse(exhaustive.stdout) as { tests: JsonTest[] }).tests[0]!.witnesses![0]!;
    expect(lossy.witnesses![0]!.traceLength).toBeGreaterThanOrEqual(shortest.traceLength!);
    const summary = JSON.parse(readFileSync(join(tmp, "report", "swarm.json"), "utf8")) as {
      tests: {
        test: string;
        witnesses: { name: string; shard: number; reachedBy: number[]; replayCommand: string }[];
      }[];
    };
    const merged = summary.tests.find((t) => t.test === "Lossy")!.witnesses[0]!;
    expect(merged.reachedBy).toEqual(reachedBy);
    expect(reachedBy).toContain(merged.shard);
    expect(r.stderr).toMatch(/reachable Dropped: reached, shortest witness \d+ steps?, shard \d+ entry \d+/);
    // The replay command runs that walk alone and reaches the witness again, as long.
    const [, ...argv] = shellWords(merged.replayCommand);
    const again = await cli([...argv, "--reporter", "json"]);
    const replayed = (JSON.parse(again.stdout) as { tests: JsonTest[] }).tests[0]!;
    expect(replayed.witnesses).toEqual([
      expect.objectContaining({
        name: "Dropped",
        reached: true,
        traceLength: lossy.witnesses![0]!.traceLength,
      }),
    ]);
  }, 30_000);

  it("a witness no shard reaches merges to unreached, worded as check words it", async () => {
    const r = await cli(["merge", swarm, "--reporter", "json"]);
    const never = (JSON.parse(r.stdout) as { tests: JsonTest[] }).tests.find((t) => t.test === "Never")!;
    expect(never.outcome).toBe("unreached");
    expect(never.property).toBe("Overpaid");
    expect(never.failure!.message).toMatch(/^reachable Overpaid was never witnessed in [\d,]+ random steps$/);
    const check = await cli([
      "check",
      model,
      "--test",
      "Never",
      "--mode",
      "random",
      "--runs",
      "8",
      "--reporter",
      "json",
    ]);
    const single = (JSON.parse(check.stdout) as { tests: JsonTest[] }).tests[0]!;
    expect(single.outcome).toBe("unreached");
    expect(single.failure!.message).toMatch(
      /^reachable Overpaid was never witnessed in [\d,]+ random steps$/,
    );
  });

  it("with a shard missing, an unreached witness gives no verdict", async () => {
    const present = Array.from({ length: SHARDS - 1 }, (_, i) => artifactOf(swarm, i + 1));
    const r = await cli(["merge", ...present, "--reporter", "json"]);
    expect(r.code).toBe(5);
    const never = (JSON.parse(r.stdout) as { tests: JsonTest[] }).tests.find((t) => t.test === "Never")!;
    expect(never.outcome).toBe("bounded");
    expect(never.boundReason).toBe(`missing 1 shard (${SHARDS} of ${SHARDS})`);
  });
});

describe("--memory in a shard", () => {
  it("a shard its memory budget stops writes a bounded artifact, and the merge does not pass", async () => {
    const dir = join(tmp, "tiny");
    rmSync(dir, { recursive: true, force: true });
    for (let i = 1; i <= SHARDS; i++) {
      const argv = shardArgs(i, dir);
      if (i === 3) argv.push("--memory", "1MiB");
      const r = await cli(argv);
      expect(r.code).toBe(i === 3 ? 5 : 0);
    }
    const bounded = JSON.parse(readFileSync(artifactOf(dir, 3), "utf8")) as ShardArtifact;
    expect(bounded.bounded).toBe("memory");
    expect(bounded.boundMessage).toMatch(
      /^memory budget of 1\.0 MiB exhausted before entry 2 of .*lossy\.fl Lossy/,
    );
    expect(bounded.tests.flatMap((t) => t.entries.map((e) => e.outcome))).toEqual(["not run", "not run"]);
    const r = await cli(["merge", dir, "--reporter", "pretty,json"]);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain(
      `BOUNDED shard 3 of ${SHARDS}, stopped by its memory budget: the merge does not pass; rerun it with more --memory`,
    );
    expect(r.stderr).toContain(`  ${bounded.boundMessage}\n`);
    const tests = (JSON.parse(r.stdout) as { tests: JsonTest[] }).tests;
    for (const t of tests) {
      expect(t.outcome).toBe("bounded");
      expect(t.boundReason).toBe(`shard 3 of ${SHARDS} stopped by its memory budget`);
    }
  }, 30_000);

  it("with enough memory, a shard writes the same bytes as without --memory", async () => {
    const dir = join(tmp, "roomy");
    const r = await cli([...shardArgs(3, dir), "--memory", "64GiB"]);
    expect(r.code).toBe(0);
    expect(readFileSync(artifactOf(dir, 3), "utf8")).toBe(readFileSync(artifactOf(swarm, 3), "utf8"));
  });
});
