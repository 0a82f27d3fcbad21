// The benchmark suite of the performance issue: .fl models at several sizes,
// each explored exhaustively with 1 and then 2 worker threads (each run in its
// own child process, so peak memory is its own). Per run: distinct and
// generated states, time, distinct states per second, bytes per stored state
// in the visited set, peak RSS; per model, the 1 -> 2 worker speed-up.
//
//   npm run bench -w @faultline/checker            (the suite, a few minutes)
//   node --import tsx packages/checker/bench/suite-bench.ts [--large] [--workers 0,1,2] [--only tla]
//
// --large adds two-phase commit with 7 participants and TLA+'s TwoPhase with
// 9 resource managers (10,340,352 states). --workers 0 stands for the
// single-threaded checkExhaustive (one core, no worker threads). Results and
// the machine they were measured on: docs/performance.md.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { compileSource } from "@faultline/lang";
import { checkExhaustive } from "../src/search/bfs-explorer.js";
import type { ExhaustiveStats } from "../src/check-result.js";
import { flModelFactory } from "../src/fl/fl-factory.js";
import { buildModel } from "../src/fl/fl-model.js";
import { checkExhaustiveParallel } from "../src/search/parallel-explorer.js";

const MODELS = fileURLToPath(new URL("../../../models/", import.meta.url));

interface BenchCase {
  /** Short name for --only. */
  key: string;
  label: string;
  file: string;
  /** The test's base name; its `test param (...)` list is replaced by `params`. */
  test: string;
  params: Record<string, number>;
  large?: boolean;
}

const CASES: BenchCase[] = [
  ...[5, 6, 7].map(
    (n): BenchCase => ({
      key: "2pc",
      label: `2PC messages, ${n} participants`,
      file: "bench/two-phase-messages.fl",
      test: "Reliable",
      params: { participants: n },
      large: n === 7,
    }),
  ),
  ...[7, 8, 9].map(
    (n): BenchCase => ({
      key: "tla",
      label: `TLA+ TwoPhase, ${n} RMs`,
      file: "bench/two-phase-tla.fl",
      test: "TLC",
      params: { rms: n },
      large: n === 9,
    }),
  ),
  {
    key: "raft",
    label: "Raft-style election, 3 nodes, 3 terms",
    file: "leader-election/leader-election.fl",
    test: "Elections",
    params: { nodes: 3, maxTerm: 3 },
  },
  {
    key: "paxos",
    label: "Paxos, 3 acceptors, 3 proposers",
    file: "paxos/paxos.fl",
    test: "Reliable",
    params: { acceptors: 3, proposers: 3 },
  },
  {
    key: "paxos",
    label: "Paxos, 4 acceptors, restarts",
    file: "paxos/paxos.fl",
    test: "AcceptorRestart",
    params: { acceptors: 4, proposers: 2 },
  },
];

interface RunFigures {
  test: string;
  workers: number;
  kind: string;
  distinct: number;
  generated: number;
  seconds: number;
  perSecond: number;
  visitedBytesPerState: number;
  peakRssBytes: number;
  cpuSeconds: number;
  /** 1-minute load average when the run started (the machine may be shared). */
  load: number;
}

function argument(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

/** The program text with `test param (...) <test>` binding exactly `params`. */
export function withParams(text: string, test: string, params: Record<string, number>): string {
  const header = new RegExp(`test\\s+param\\s*\\(([^)]*)\\)\\s*${test}\\b`);
  if (!header.test(text)) throw new Error(`no parameterised test ${test}`);
  const bindings = Object.entries(params)
    .map(([k, v]) => `${k} in [${v}]`)
    .join(", ");
  return text.replace(header, `test param (${bindings}) ${test}`);
}

/** Child mode: one search of one case, figures as a JSON line. */
async function runChild(index: number, workers: number): Promise<void> {
  const c = CASES[index]!;
  const loadBefore = loadavg()[0]!;
  const dir = mkdtempSync(join(tmpdir(), "faultline-bench-"));
  try {
    const file = join(dir, c.file.replace(/.*\//, ""));
    writeFileSync(file, withParams(readFileSync(join(MODELS, c.file), "utf8"), c.test, c.params));
    const compiled = compileSource({ path: file, text: readFileSync(file, "utf8") });
    if (!compiled.ok) throw new Error(`${c.file} does not compile`);
    const test = compiled.ir.tests.find((t) => t.baseName === c.test)!.name;
    const result =
      workers === 0
        ? checkExhaustive(buildModel(compiled.ir, test))
        : await checkExhaustiveParallel(flModelFactory({ file, test }), { workers });
    const s = result.stats as ExhaustiveStats;
    const usage = process.resourceUsage();
    const figures: RunFigures = {
      test,
      workers,
      kind: result.kind,
      distinct: s.distinctStates,
      generated: s.generatedStates,
      seconds: s.elapsedMs / 1000,
      perSecond: s.distinctStatesPerSecond,
      visitedBytesPerState: s.visitedBytesPerState,
      peakRssBytes: usage.maxRSS * 1024,
      cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
      load: loadBefore,
    };
    console.log(JSON.stringify(figures));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function spawnRun(index: number, workers: number): RunFigures {
  const args = [
    ...process.execArgv,
    fileURLToPath(import.meta.url),
    "--child",
    String(index),
    String(workers),
  ];
  const child = spawnSync(process.execPath, args, { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  if (child.status !== 0) throw new Error(`benchmark run ${index} with ${workers} workers failed`);
  return JSON.parse(child.stdout.trim().split("\n").at(-1)!) as RunFigures;
}

const format = (n: number) => Math.round(n).toLocaleString("en-US");
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

function main(): void {
  const large = process.argv.includes("--large");
  const only = argument("--only");
  const workerCounts = (argument("--workers") ?? "1,2").split(",").map(Number);
  console.log(
    `machine: ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, ` +
      `Node ${process.versions.node}; load average ${load()}`,
  );
  console.log(
    "model                                       workers    distinct     generated     time(s)  distinct/s  B/state  peak RSS MiB  speed-up",
  );
  CASES.forEach((c, index) => {
    if (c.large && !large) return;
    if (only !== undefined && c.key !== only) return;
    const runs: RunFigures[] = [];
    for (const workers of workerCounts) {
      const run = spawnRun(index, workers);
      runs.push(run);
      const one = runs.find((r) => r.workers === 1);
      const speedUp = workers === 2 && one ? `${(run.perSecond / one.perSecond).toFixed(2)}x` : "";
      console.log(
        [
          c.label.padEnd(40),
          String(workers === 0 ? "0 (1 core)" : workers).padStart(10),
          format(run.distinct).padStart(12),
          format(run.generated).padStart(14),
          run.seconds.toFixed(2).padStart(12),
          format(run.perSecond).padStart(12),
          run.visitedBytesPerState.toFixed(2).padStart(9),
          (run.peakRssBytes / 2 ** 20).toFixed(0).padStart(14),
          speedUp.padStart(10),
          `  ${run.kind}, CPU ${run.cpuSeconds.toFixed(1)} s, load ${run.load.toFixed(2)}`,
        ].join(""),
      );
    }
    if (new Set(runs.map((r) => `${r.kind}/${r.distinct}`)).size > 1) {
      throw new Error(`${c.label}: worker counts disagree on the verdict or the state count`);
    }
  });
  console.log(`load average at the end ${load()}`);
}

const childAt = process.argv.indexOf("--child");
if (childAt >= 0) {
  await runChild(Number(process.argv[childAt + 1]), Number(process.argv[childAt + 2]));
} else {
  main();
}
