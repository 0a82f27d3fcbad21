// A search of 100,000,000 distinct states (4 counters from 0 to 99, the
// CountersModel) with the parallel explorer, to see that it fits the
// machine's memory: distinct states, time, peak RSS and bytes per state.
//
//   node --import tsx packages/checker/bench/huge-bench.ts [--workers 2] [--n 4] [--bound 100]
//
// Takes minutes; not part of `npm run bench` nor of the unit tests.
import { loadavg } from "node:os";
import type { ExhaustiveStats } from "../src/check-result.js";
import { checkExhaustiveParallel, type ParallelExhaustiveStats } from "../src/search/parallel-explorer.js";
import { CountersModel } from "./counters-model.js";

function argument(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

const workers = Number(argument("--workers") ?? 2);
const n = Number(argument("--n") ?? 4);
const bound = Number(argument("--bound") ?? 100);
const format = (x: number) => Math.round(x).toLocaleString("en-US");
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

const expected = new CountersModel(n, bound).stateCount;
console.log(`model: Counters(${n}, ${bound}), ${format(expected)} distinct states; ${workers} workers`);
const loadBefore = load();
let lastReport = 0;
const result = await checkExhaustiveParallel(
  {
    module: new URL("./counters-model.ts", import.meta.url).href,
    exportName: "createCountersModel",
    args: { n, bound },
  },
  {
    workers,
    progressIntervalMs: 10_000,
    onProgress: (p) => {
      if (p.elapsedMs - lastReport < 10_000) return;
      lastReport = p.elapsedMs;
      console.log(
        `  ${(p.elapsedMs / 1000).toFixed(0)} s: ${format(p.distinctStates)} distinct, depth ${p.currentDepth}, ` +
          `RSS ${mib(process.memoryUsage().rss)}, load average ${load()}`,
      );
    },
  },
);
const stats = result.stats as ExhaustiveStats & ParallelExhaustiveStats;
const usage = process.resourceUsage();
const peakRss = usage.maxRSS * 1024;
const distinct = stats.distinctStates;
const frontierBytes = stats.peakQueueBytes;
console.log(`result: ${result.kind}${result.kind === "bounded" ? ` (${result.reason})` : ""}`);
console.log(`distinct states: ${format(distinct)} (expected ${format(expected)})`);
console.log(`generated: ${format(stats.generatedStates)}, depth ${stats.maxDepth}`);
console.log(
  `time: ${(stats.elapsedMs / 1000).toFixed(1)} s = ${format(stats.distinctStatesPerSecond)} distinct states/s; ` +
    `CPU ${((usage.userCPUTime + usage.systemCPUTime) / 1e6).toFixed(0)} s`,
);
console.log(
  `visited table: ${mib(stats.visitedSetBytes)} = ${stats.visitedBytesPerState.toFixed(2)} B/state ` +
    `(capacity ${format(stats.visitedSetCapacity)}, load ${stats.visitedSetLoad.toFixed(2)}, ${stats.visitedSetGrowths} growths)`,
);
console.log(
  `parent links: ${mib(stats.parentLinkBytes)} = ${stats.parentLinkBytesPerState.toFixed(2)} B/state; ` +
    `frontier peak: ${format(stats.peakQueueStates)} states, ${mib(frontierBytes)} = ` +
    `${(frontierBytes / Math.max(1, distinct)).toFixed(2)} B/state`,
);
console.log(
  `stores together: ${((stats.visitedSetBytes + stats.parentLinkBytes + frontierBytes) / Math.max(1, distinct)).toFixed(2)} B/state; ` +
    `peak RSS ${mib(peakRss)} = ${(peakRss / Math.max(1, distinct)).toFixed(2)} B/state (whole process)`,
);
console.log(`load average ${loadBefore} -> ${load()}`);
if (result.kind !== "pass" || distinct !== expected) process.exitCode = 1;
