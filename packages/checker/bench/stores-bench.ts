// What the search's stores take per state (issue 15: at most 16 B/state for
// the visited set, parent links and frontier together at 10 M states):
// TLA+'s TwoPhase with 9 resource managers (models/bench/two-phase-tla.fl,
// 10,340,352 states), checked as `faultline check --param rms=9` checks it
// (checkModel with the .fl model and its worker factory), single-threaded and
// with 2 workers, each run in its own child process so peak RSS is its own.
//
//   node --import tsx packages/checker/bench/stores-bench.ts [--rms 9] [--workers 1,2]
//
// Takes 2-3 minutes on 2 cores (part of `npm run bench`).
// Results: docs/performance.md, "Stores per state".
import { spawnSync } from "node:child_process";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { ExhaustiveStats } from "../src/check-result.js";
import type { ParallelExhaustiveStats } from "../src/search/parallel-explorer.js";
import { createFlModel, flModelFactory } from "../src/fl/fl-factory.js";
import { checkModel } from "../src/search/check-model.js";

const MODEL = fileURLToPath(new URL("../../../models/bench/two-phase-tla.fl", import.meta.url));

interface Figures {
  workers: number;
  kind: string;
  distinct: number;
  visited: number;
  links: number;
  /** The bytes written in the frontier at its peak. */
  frontier: number;
  /** Parallel runs: the frontier chunk buffers held at the peak, free ones included (what the frontier takes). */
  chunkBuffers: number | null;
  peakRss: number;
  seconds: number;
  cpuSeconds: number;
  load: string;
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

/** Child mode: one check, its figures as a JSON line. */
async function runChild(rms: number, workers: number): Promise<void> {
  const loadBefore = load();
  const args = { file: MODEL, test: `TLC(rms=${rms})` };
  const started = performance.now();
  const { result } = await checkModel(createFlModel(args), flModelFactory(args), { workers });
  const s = result.stats as ExhaustiveStats & Partial<ParallelExhaustiveStats>;
  const usage = process.resourceUsage();
  const figures: Figures = {
    workers,
    kind: result.kind,
    distinct: s.distinctStates,
    visited: s.visitedSetBytes,
    links: s.parentLinkBytes,
    frontier: s.peakQueueBytes,
    chunkBuffers: s.peakChunkBufferBytes ?? null,
    peakRss: usage.maxRSS * 1024,
    seconds: (performance.now() - started) / 1000,
    cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6,
    load: loadBefore,
  };
  console.log(JSON.stringify(figures));
}

function spawnRun(rms: number, workers: number): Figures {
  const args = [...process.execArgv, fileURLToPath(import.meta.url), "--child", String(rms), String(workers)];
  const child = spawnSync(process.execPath, args, { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  if (child.status !== 0) throw new Error(`the run with ${workers} workers failed`);
  return JSON.parse(child.stdout.trim().split("\n").at(-1)!) as Figures;
}

function main(rms: number, workerCounts: number[]): void {
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  console.log(`TwoPhase rms=${rms} (${MODEL}); load average ${load()}`);
  for (const workers of workerCounts) {
    const r = spawnRun(rms, workers);
    const per = (bytes: number) => `${(bytes / r.distinct).toFixed(2)} B/state`;
    console.log(`workers ${workers}: ${r.kind}, ${r.distinct.toLocaleString("en-US")} distinct states`);
    console.log(`  visited table   ${mib(r.visited).padStart(10)}  ${per(r.visited)}`);
    console.log(`  parent links    ${mib(r.links).padStart(10)}  ${per(r.links)}`);
    // A parallel frontier takes its chunk buffers, the free ones a worker keeps included.
    const frontier = r.chunkBuffers ?? r.frontier;
    console.log(`  frontier peak   ${mib(frontier).padStart(10)}  ${per(frontier)}`);
    if (r.chunkBuffers !== null) {
      console.log(
        `    (chunk buffers, free ones included; at most ${mib(r.frontier)}, ${per(r.frontier)}, written in them at once)`,
      );
    }
    const together = r.visited + r.links + frontier;
    console.log(`  together        ${mib(together).padStart(10)}  ${per(together)}`);
    console.log(
      `  peak RSS ${mib(r.peakRss)}, time ${r.seconds.toFixed(1)} s, CPU ${r.cpuSeconds.toFixed(1)} s, ` +
        `load average before ${r.load}, after ${load()}`,
    );
  }
}

// `--child RMS WORKERS`: one run (spawnRun).
const { values, positionals } = parseArgs({
  options: {
    rms: { type: "string", default: "9" },
    workers: { type: "string", default: "1,2" },
    child: { type: "boolean" },
  },
  allowPositionals: true,
});
if (values.child) await runChild(Number(positionals[0]), Number(positionals[1]));
else main(Number(values.rms), values.workers.split(",").map(Number));
