// Swarm checking end to end, in-process: `check --shard i/N` for N = 1, 4
// and 8 on bundled models small enough to check exhaustively, merged by
// `faultline merge`: the merged verdicts equal the single-process exhaustive
// verdicts; the same artifacts merge to the same bytes; a shard rerun (or run
// from JOB_COMPLETION_INDEX) writes the same artifact; a missing shard keeps
// the merge from passing; each failure's replay command reproduces its
// counterexample alone; bad command lines and bad artifacts are located
// errors.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ShardArtifact } from "../src/swarm-artifact.js";
import { cli, shellWords } from "./swarm-helpers.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const FILES = ["bank-buggy.fl", "crash-restart.fl", "drop.fl", "defer.fl", "duplicate.fl"].map(
  (f) => `${ROOT}examples/${f}`,
);
/** Runs per shard and test: small, the bugs of these models are shallow. */
const RUNS = "64";

let tmp: string;

interface JsonTest {
  file: string;
  test: string;
  outcome: string;
  property: string | null;
  traceLength: number | null;
  replayCommand: string | null;
}

function verdicts(json: string): Record<string, string> {
  const tests = (JSON.parse(json) as { tests: JsonTest[] }).tests;
  return Object.fromEntries(tests.map((t) => [`${t.file} ${t.test}`, `${t.outcome} ${t.property ?? ""}`]));
}

async function runSwarm(count: number, dir: string, extra: string[] = []) {
  for (let i = 1; i <= count; i++) {
    const r = await cli([
      "check",
      ...FILES,
      "--shard",
      `${i}/${count}`,
      "--runs",
      RUNS,
      "--out",
      dir,
      "--quiet",
      ...extra,
    ]);
    expect([0, 1, 2]).toContain(r.code);
  }
}

/** The artifacts of a swarm of `count` shards on FILES (run once, shared by the tests below). */
async function swarmDir(count: number): Promise<string> {
  const dir = join(tmp, `swarm-${count}`);
  if (!existsSync(dir)) await runSwarm(count, dir);
  return dir;
}

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), "faultline-swarm-"));
});
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe("a swarm of 1, 4 and 8 shards gives the single-process verdicts", () => {
  let single: Record<string, string>;
  beforeAll(async () => {
    const r = await cli(["check", ...FILES, "--reporter", "json"]);
    single = verdicts(r.stdout);
    expect(Object.keys(single)).toHaveLength(12);
  });

  for (const count of [1, 4, 8]) {
    it(`${count} shards`, async () => {
      const dir = await swarmDir(count);
      expect(readdirSync(dir).sort()).toEqual(
        Array.from({ length: count }, (_, i) => `shard-${i + 1}-of-${count}.json`).sort(),
      );
      const merged = await cli(["merge", dir, "--reporter", "json"]);
      expect(merged.code).toBe(1);
      expect(verdicts(merged.stdout)).toEqual(single);
    }, 30_000);
  }
});

// Every bundled model (examples/, models/): about 3 minutes on 2 cores, so only on request
// (FAULTLINE_SWARM_ALL=1). Liveness verdicts need the exhaustive fair-cycle check, which a swarm does not run.
describe.runIf(process.env.FAULTLINE_SWARM_ALL === "1")(
  "every bundled model, 512 runs over 1, 4 and 8 shards",
  () => {
    it("gives the single-process safety verdicts", async () => {
      const paths = [`${ROOT}examples`, `${ROOT}models`];
      const single = verdicts(
        (await cli(["check", ...paths, "--reporter", "json", "--workers", "1"])).stdout,
      );
      for (const count of [1, 4, 8]) {
        const dir = join(tmp, `all-${count}`);
        for (let i = 1; i <= count; i++)
          await cli([
            "check",
            ...paths,
            "--shard",
            `${i}/${count}`,
            "--runs",
            `${512 / count}`,
            "--out",
            dir,
            "--quiet",
          ]);
        const merged = verdicts((await cli(["merge", dir, "--reporter", "json"])).stdout);
        // A liveness failure on a fair cycle is the exhaustive check's; hot at the end of a run, the swarm's too.
        const differ = Object.keys(single).filter(
          (k) => merged[k] !== single[k] && !(single[k]!.startsWith("liveness") && merged[k] === "pass "),
        );
        expect(differ).toEqual([]);
      }
    }, 600_000);
  },
);

describe("merging", () => {
  it("the same artifacts give the same bytes, in every reporter", async () => {
    const out = join(tmp, "merged");
    const dir = await swarmDir(4);
    const snapshot = async () => {
      rmSync(out, { recursive: true, force: true });
      const pretty = await cli(["merge", dir]);
      const summaryFile = join(tmp, "step-summary.md");
      rmSync(summaryFile, { force: true });
      const github = await cli(["merge", dir, "--reporter", "github"], {
        CI: "1",
        GITHUB_STEP_SUMMARY: summaryFile,
      });
      const reports = await cli(["merge", dir, "--reporter", "json,junit,sarif", "--out", out]);
      const files = readdirSync(out).sort();
      return {
        pretty: pretty.stdout,
        json: reports.stdout,
        github: github.stdout,
        githubSummary: readFileSync(summaryFile, "utf8"),
        files: Object.fromEntries(files.map((f) => [f, readFileSync(join(out, f), "utf8")])),
      };
    };
    const a = await snapshot();
    const b = await snapshot();
    expect(b).toEqual(a);
    expect(Object.keys(a.files)).toEqual(
      expect.arrayContaining(["faultline.json", "junit.xml", "faultline.sarif", "swarm.json"]),
    );
    // One counterexample trace per failing test, replayable by `faultline replay`.
    const traces = Object.keys(a.files).filter((f) => f.endsWith(".itf.json"));
    expect(traces).toHaveLength(5);
    const replayed = await cli(["replay", join(out, traces[0]!)]);
    expect(replayed.code).not.toBe(6);
    expect(a.pretty).toContain("Swarm: 4 of 4 shards (seed 0), 16 portfolio entries");
    expect(a.pretty).toMatch(/BalanceNonNegative: shortest counterexample 7 steps, shard \d entry \d+/);
    const summary = JSON.parse(a.files["swarm.json"]!) as {
      shards: { missing: number[] };
      tests: { overlap: number; statesSeen: number; statesSummed: number }[];
    };
    expect(summary.shards.missing).toEqual([]);
    for (const t of summary.tests) {
      expect(t.statesSeen).toBeLessThanOrEqual(t.statesSummed);
      expect(t.overlap).toBeGreaterThanOrEqual(0);
    }
  }, 30_000);

  it("a missing shard is reported and keeps the merge from passing", async () => {
    const partial = join(tmp, "partial");
    for (const i of [1, 2]) {
      await cli(["check", `${ROOT}examples/bank.fl`, "--shard", `${i}/3`, "--runs", "16", "--out", partial]);
    }
    const r = await cli([
      "merge",
      partial,
      "--reporter",
      "pretty,json",
      "--out",
      join(tmp, "partial-merged"),
    ]);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain("MISSING 1 shard: 3 of 3: the merge does not pass");
    const json = await cli([
      "merge",
      join(partial, "shard-1-of-3.json"),
      join(partial, "shard-2-of-3.json"),
      "--reporter",
      "json",
    ]);
    const test = (JSON.parse(json.stdout) as { tests: (JsonTest & { boundReason: string })[] }).tests[0]!;
    expect(test.outcome).toBe("bounded");
    expect(test.boundReason).toBe("missing 1 shard (3 of 3)");
  });

  it("HTML pages for the counterexamples with --reporter html", async () => {
    const out = join(tmp, "merged-html");
    const dir = await swarmDir(4);
    const r = await cli(["merge", dir, "--reporter", "html", "--out", out]);
    expect(r.code).toBe(1);
    expect(readdirSync(out).filter((f) => f.endsWith(".html"))).toHaveLength(5);
  }, 30_000);
});

describe("liveness", () => {
  it("a test with hot spec states: the merge says fair cycles were not checked", async () => {
    const dir = join(tmp, "liveness");
    const file = `${ROOT}examples/spec-monitor.fl`;
    await cli(["check", file, "--test", "CorrectLock", "--shard", "1/1", "--runs", "16", "--out", dir]);
    const r = await cli(["merge", dir, "--out", join(tmp, "liveness-merged")]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("liveness not checked for fair cycles");
    const summary = JSON.parse(readFileSync(join(tmp, "liveness-merged", "swarm.json"), "utf8")) as {
      tests: { livenessChecked: boolean | null }[];
    };
    expect(summary.tests[0]!.livenessChecked).toBe(false);
  });
});

describe("shards are reproducible", () => {
  it("a rerun, and a Kubernetes pod with JOB_COMPLETION_INDEX, write the same artifact", async () => {
    const first = join(await swarmDir(4), "shard-2-of-4.json");
    const again = join(tmp, "again");
    await cli(["check", ...FILES, "--shard", "2/4", "--runs", RUNS, "--out", again, "--quiet"]);
    expect(readFileSync(join(again, "shard-2-of-4.json"), "utf8")).toBe(readFileSync(first, "utf8"));
    const pod = join(tmp, "pod");
    const r = await cli(["check", ...FILES, "--shard-count", "4", "--runs", RUNS, "--out", pod, "--quiet"], {
      CI: "1",
      JOB_COMPLETION_INDEX: "1",
    });
    expect([0, 1, 2]).toContain(r.code);
    expect(readFileSync(join(pod, "shard-2-of-4.json"), "utf8")).toBe(readFileSync(first, "utf8"));
  }, 30_000);
});

describe("a failure's replay command reproduces its counterexample alone", () => {
  it("for every failure the merge reports, and for a bounded exhaustive entry's", async () => {
    const swarm = await swarmDir(4);
    const merged = await cli(["merge", swarm, "--reporter", "json"]);
    const failing = (JSON.parse(merged.stdout) as { tests: JsonTest[] }).tests.filter((t) => t.property);
    expect(failing).toHaveLength(5);
    for (const t of failing) {
      const [, ...argv] = shellWords(t.replayCommand!);
      const r = await cli([...argv, "--reporter", "json"]);
      const again = (JSON.parse(r.stdout) as { tests: JsonTest[] }).tests[0]!;
      expect({ outcome: again.outcome, property: again.property, traceLength: again.traceLength }).toEqual({
        outcome: t.outcome,
        property: t.property,
        traceLength: t.traceLength,
      });
    }
    // A bounded exhaustive entry is replayed by running its shard alone on the test.
    const artifacts = readdirSync(swarm).map(
      (f) => JSON.parse(readFileSync(join(swarm, f), "utf8")) as ShardArtifact,
    );
    const prefix = artifacts
      .flatMap((a) => a.tests.flatMap((t) => t.failures))
      .find((f) => f.label.startsWith("bounded exhaustive"))!;
    expect(prefix.replayCommand).toContain("--shard");
    const [, ...argv] = shellWords(prefix.replayCommand);
    const r = await cli(argv);
    const alone = JSON.parse(r.stdout) as ShardArtifact;
    const same = alone.tests[0]!.failures.find((f) => f.entry === prefix.entry)!;
    expect(same.itf).toEqual(prefix.itf);
  }, 30_000);
});

describe("budgets and help", () => {
  const bank = `${ROOT}examples/bank.fl`;

  it("--timeout bounds a shard whatever its runs", async () => {
    const dir = join(tmp, "timeout");
    const started = performance.now();
    const r = await cli([
      "check",
      bank,
      "--shard",
      "1/2",
      "--runs",
      "1000000",
      "--timeout",
      "200ms",
      "--out",
      dir,
    ]);
    expect(r.code).toBe(0);
    expect(performance.now() - started).toBeLessThan(10_000); // a million runs would take minutes
    const artifact = JSON.parse(readFileSync(join(dir, "shard-1-of-2.json"), "utf8")) as ShardArtifact;
    expect(artifact.swarm.timeoutMs).toBe(200);
    expect(artifact.tests[0]!.runs).toBeLessThan(1_000_000);
  });

  it("check --help lists the shard flags; merge --help its own", async () => {
    expect((await cli(["check", "--help"])).stdout).toMatch(/--shard I\/N[\s\S]*--shard-count N/);
    const merge = await cli(["merge", "--help"]);
    expect(merge.code).toBe(0);
    expect(merge.stdout).toContain("merge swarm shard artifacts into one verdict");
  });
});

describe("bad command lines and artifacts", () => {
  const bank = `${ROOT}examples/bank.fl`;
  it.each([
    [["--shard", "0/4"], "--shard 0/4: the shard number must be from 1 to 4"],
    [["--shard", "5/4"], "the shard number must be from 1 to 4"],
    [["--shard", "2of4"], "--shard needs i/N like 3/8"],
    [["--shard-count", "4"], "JOB_COMPLETION_INDEX"],
    [["--shard", "1/2", "--shard-count", "2"], "not both"],
    [["--shard", "1/2", "--mode", "pct"], "--mode does not apply to a shard"],
    [["--shard", "1/2", "--reporter", "junit"], "faultline merge --reporter junit"],
  ])("check %j", async (flags, message) => {
    const r = await cli(["check", bank, ...flags]);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain(message);
  });

  it("a truncated artifact: file, line and column, a code and a hint", async () => {
    const bad = join(tmp, "bad");
    await cli(["check", bank, "--shard", "1/2", "--runs", "4", "--out", bad]);
    const path = join(bad, "shard-1-of-2.json");
    writeFileSync(path, readFileSync(path, "utf8").slice(0, 200));
    const r = await cli(["merge", path]);
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(
      new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:\\d+:\\d+: error\\[swarm-not-json\\]`),
    );
    expect(r.stderr).toContain("hint: ");
  });

  it("artifacts of two swarms do not merge", async () => {
    const a = join(tmp, "seed-a");
    const b = join(tmp, "seed-b");
    await cli(["check", bank, "--shard", "1/2", "--runs", "4", "--out", a]);
    await cli(["check", bank, "--shard", "2/2", "--runs", "4", "--seed", "9", "--out", b]);
    const r = await cli(["merge", a, b]);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain("error[swarm-mismatch]");
    expect(r.stderr).toContain("seed 9, not 0");
    expect((await cli(["merge"])).code).toBe(64);
    expect((await cli(["merge", join(tmp, "nothing-here")])).stderr).toContain("no such file or directory");
    expect(existsSync(join(a, "shard-1-of-2.json"))).toBe(true);
  });
});
