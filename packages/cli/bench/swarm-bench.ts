// Swarm versus one search (issue 19, docs/swarm.md): on a model with a deep,
// rare bug (fixtures/deep-rare.fl), how often 8 shards of budget B/8 find it
// versus one random search of budget B, over 20 seeds. Both run in this
// process through the command line (`faultline check --mode random --runs B`
// and `faultline check --shard i/8 --runs B/8` + `faultline merge`), one
// after the other. Not part of the test suite.
//
//   node --import tsx packages/cli/bench/swarm-bench.ts [--budget B] [--seeds N] [--shards S]
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runCli } from "../src/cli.js";
import type { Io } from "../src/io.js";

const MODEL = fileURLToPath(new URL("./fixtures/deep-rare.fl", import.meta.url));

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? fallback : Number(process.argv[at + 1]);
}
const budget = option("budget", 2000);
const seeds = option("seeds", 20);
const shards = option("shards", 8);

async function run(argv: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = "";
  const io: Io = { out: (t) => (stdout += t), err: () => {}, isTTY: false, env: { CI: "1" } };
  const code = await runCli(argv, io);
  return { code, stdout };
}

/** Whether the JSON report's one test failed, and its counterexample's length. */
function verdict(json: string): { found: boolean; length: number | null } {
  const test = (JSON.parse(json) as { tests: { outcome: string; traceLength: number | null }[] }).tests[0]!;
  return { found: test.outcome !== "pass" && test.outcome !== "bounded", length: test.traceLength };
}

/** One search of the whole budget, `--mode random` or `pct` (its default depth). */
async function oneSearch(mode: "random" | "pct", seed: number) {
  const argv = ["check", MODEL, "--mode", mode, "--seed", `${seed}`, "--runs", `${budget}`];
  return verdict((await run([...argv, "--reporter", "json"])).stdout);
}

/** Which portfolio strategies found the bug, over all seeds (from the shard artifacts). */
const finders = new Map<string, number>();
function tally(dir: string): void {
  for (const file of readdirSync(dir)) {
    const artifact = JSON.parse(readFileSync(join(dir, file), "utf8")) as {
      tests: { failures: { label: string }[] }[];
    };
    for (const f of artifact.tests.flatMap((t) => t.failures))
      finders.set(f.label, (finders.get(f.label) ?? 0) + 1);
  }
}

const rows: string[] = [];
let single = 0;
let pct = 0;
let swarm = 0;
let singleMs = 0;
let swarmMs = 0;
const work = mkdtempSync(join(tmpdir(), "faultline-swarm-bench-"));
try {
  for (let seed = 0; seed < seeds; seed++) {
    let t = performance.now();
    const a = await oneSearch("random", seed);
    singleMs += performance.now() - t;
    // For comparison: one PCT search (its default depth, 3) of the same budget.
    const p = await oneSearch("pct", seed);
    if (p.found) pct++;
    t = performance.now();
    const dir = join(work, `seed-${seed}`);
    for (let i = 1; i <= shards; i++) {
      await run([
        "check",
        MODEL,
        "--shard",
        `${i}/${shards}`,
        "--seed",
        `${seed}`,
        "--runs",
        `${Math.floor(budget / shards)}`,
        "--out",
        dir,
        "--quiet",
      ]);
    }
    const merged = await run(["merge", dir, "--reporter", "json"]);
    swarmMs += performance.now() - t;
    const b = verdict(merged.stdout);
    tally(dir);
    if (a.found) single++;
    if (b.found) swarm++;
    rows.push(
      `| ${seed} | ${a.found ? `found (${a.length} steps)` : "missed"} | ${b.found ? `found (${b.length} steps)` : "missed"} | ${p.found ? "found" : "missed"} |`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.stdout.write(
  [
    `deep-rare.fl, budget B = ${budget} random runs per test (at most 1000 steps each), ${seeds} seeds`,
    "",
    `| seed | one random search, B runs | ${shards} shards of B/${shards} runs, merged | one PCT search (depth 3), B runs |`,
    "| --- | --- | --- | --- |",
    ...rows,
    "",
    `one search:  found in ${single} of ${seeds} seeds (${(single / seeds).toFixed(2)}), ${(singleMs / 1000).toFixed(1)} s in all`,
    `one PCT search (for comparison): found in ${pct} of ${seeds} seeds (${(pct / seeds).toFixed(2)})`,
    `swarm:       found in ${swarm} of ${seeds} seeds (${(swarm / seeds).toFixed(2)}), ${(swarmMs / 1000).toFixed(1)} s in all (shards one after another)`,
    "",
    "portfolio entries that found it (summed over seeds):",
    ...[...finders.entries()]
      .sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))
      .map(([label, n]) => `  ${n}  ${label}`),
    "",
  ].join("\n"),
);
