// Random-mode figures on the bundled models: steps and runs per second for
// uniform walks and PCT, how much of the (exhaustively known) state space the
// runs reach, how fast buggy variants are found and how far their schedules
// shrink, and the liveness checker's graph-building rate.
// Run: node --import tsx bench/random-bench.ts [runs]   (from packages/checker)
import { readFileSync } from "node:fs";
import { compileSource } from "@faultline/lang";
import { checkExhaustive } from "../src/search/bfs-explorer.js";
import type { RandomStats } from "../src/check-result.js";
import { buildModel, type FlModel } from "../src/fl/fl-model.js";
import { checkLiveness } from "../src/search/liveness.js";
import { checkRandom, type RandomStrategy } from "../src/search/random-explorer.js";

const MODELS = new URL("../../../models/", import.meta.url);
const FIXTURES = new URL("../test/fixtures/fl/", import.meta.url);

function load(base: URL, file: string, test: string, params?: Record<string, number>): FlModel {
  const url = new URL(file, base);
  const compiled = compileSource({ path: url.pathname, text: readFileSync(url, "utf8") });
  if (!compiled.ok) throw new Error(`${file} does not compile`);
  return buildModel(compiled.ir, test, params === undefined ? {} : { paramOverrides: params });
}

const runs = Number(process.argv[2] ?? 1000);
const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

console.log(`random exploration, ${runs} runs of at most 1000 steps, seed 1`);
console.log(
  "model                                   mode     steps/s    runs/s  avg steps  states seen / reachable",
);
const throughput: [string, string, string][] = [
  ["paxos/paxos.fl", "Reliable(acceptors=3,proposers=2)", "paxos Reliable"],
  ["cell-router/cell-router.fl", "Reliable(customers=2,retries=1)", "cell-router Reliable"],
  [
    "idempotency-tokens/idempotency-tokens.fl",
    "SlowReply(clients=2,payments=2,retries=1)",
    "idempotency SlowReply(2)",
  ],
  ["primary-backup/primary-backup.fl", "PartitionHeals(clients=2)", "primary-backup PartitionHeals"],
];
for (const [file, test, label] of throughput) {
  const reachable = checkExhaustive(load(MODELS, file, test)).stats?.distinctStates ?? 0;
  // Warm the JIT up first: the figures are meant to be steady-state rates.
  for (const strategy of ["random", "pct"] as RandomStrategy[]) {
    checkRandom(load(MODELS, file, test), { strategy, seed: 99, runs: Math.ceil(runs / 2) });
  }
  for (const strategy of ["random", "pct"] as RandomStrategy[]) {
    const result = checkRandom(load(MODELS, file, test), { strategy, seed: 1, runs, maxSteps: 1000 });
    const s = result.stats as RandomStats;
    console.log(
      `${label.padEnd(40)}${strategy.padEnd(7)}${fmt(s.stepsPerSecond).padStart(10)}${fmt(s.runsPerSecond).padStart(10)}` +
        `${(s.steps / Math.max(1, s.runs)).toFixed(1).padStart(11)}  ${fmt(s.distinctStates)} / ${fmt(reachable)}` +
        (result.kind === "pass" ? "" : `  (${result.kind})`),
    );
  }
  const bare = checkRandom(load(MODELS, file, test), { seed: 1, runs, maxSteps: 1000, countStates: false });
  const s = bare.stats as RandomStats;
  console.log(
    `${label.padEnd(40)}${"random, no state count".padEnd(7)} ${fmt(s.stepsPerSecond)} steps/s, ${fmt(s.runsPerSecond)} runs/s`,
  );
}

const buggy: [URL, string, string, string][] = [
  [MODELS, "paxos/paxos-buggy.fl", "AcceptorRestart(acceptors=3,proposers=2)", "paxos-buggy AcceptorRestart"],
  [
    MODELS,
    "primary-backup/primary-backup-buggy.fl",
    "PartitionHeals(clients=2)",
    "primary-backup-buggy PartitionHeals",
  ],
  [
    MODELS,
    "lease-fencing/lease-fencing-buggy.fl",
    "PausedHolder(clients=3)",
    "lease-fencing-buggy PausedHolder(3)",
  ],
  [FIXTURES, "random-limiter.fl", "Limited(capacity=24)", "random-limiter (unbounded space)"],
];
// Long runs: the limiter with room for every request never fails, and its chatter never stops.
{
  const limiter = () => load(FIXTURES, "random-limiter.fl", "Limited(capacity=24)", { capacity: 100 });
  checkRandom(limiter(), { seed: 99, runs: 50 });
  const s = checkRandom(limiter(), { seed: 1, runs: Math.ceil(runs / 10), maxSteps: 1000 })
    .stats as RandomStats;
  console.log(
    `${"random-limiter cap 100 (1000-step runs)".padEnd(40)}${"random".padEnd(7)}${fmt(s.stepsPerSecond).padStart(10)}` +
      `${fmt(s.runsPerSecond).padStart(10)}${(s.steps / Math.max(1, s.runs)).toFixed(1).padStart(11)}  ${fmt(s.distinctStates)} / unbounded`,
  );
}

console.log("\nbuggy variants: first failing run, schedule length found -> shrunk (BFS shortest)");
for (const [base, file, test, label] of buggy) {
  const shortest = checkExhaustive(load(base, file, test), { maxStates: 200_000 });
  const bfs =
    shortest.kind === "violation" || shortest.kind === "deadlock" ? String(shortest.trace.steps.length) : "-";
  for (const strategy of ["random", "pct"] as RandomStrategy[]) {
    const t0 = performance.now();
    const result = checkRandom(load(base, file, test), { strategy, seed: 1, runs: 10_000, maxSteps: 1000 });
    const ms = performance.now() - t0;
    if (result.kind !== "violation" && result.kind !== "deadlock") {
      console.log(`${label.padEnd(40)}${strategy.padEnd(7)} not found in ${runs} runs (${result.kind})`);
      continue;
    }
    const r = result.random!;
    console.log(
      `${label.padEnd(40)}${strategy.padEnd(7)} run ${r.run}: ${r.originalLength} -> ${r.shrunkLength} steps (BFS ${bfs});` +
        ` ${r.shrinkReplays} shrink replays in ${r.shrinkMs.toFixed(0)} ms; ${ms.toFixed(0)} ms in all`,
    );
  }
}

console.log("\nliveness (graph + SCC per monitor)");
const live: [URL, string, string, string][] = [
  [FIXTURES, "two-phase-commit-design.fl", "Reliable", "two-phase-commit Reliable"],
  [MODELS, "paxos/paxos.fl", "Reliable(acceptors=3,proposers=2)", "paxos Reliable (no hot state)"],
];
for (const [base, file, test, label] of live) {
  const result = checkLiveness(load(base, file, test));
  const s = result.stats!;
  console.log(
    `${label.padEnd(40)}${result.kind.padEnd(10)} ${fmt(s.distinctStates)} states, ${fmt(s.elapsedMs)} ms, ` +
      `${fmt(s.distinctStatesPerSecond)} states/s`,
  );
}
