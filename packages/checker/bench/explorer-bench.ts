// Benchmark of the exhaustive explorer on TLA+'s TwoPhase (a transaction
// manager and n resource managers), hand-compiled into a compact Model.
// With 9 resource managers it has 10,340,352 distinct states.
//
//   node --import tsx packages/checker/bench/explorer-bench.ts [--rms 9] [--objects] [--quiet]
//
// Goals: > 300,000 distinct states/s on one core, < 40 bytes per stored state
// in the visited set.
import { checkExhaustive } from "../src/search/bfs-explorer.js";
import type { Model } from "../src/model.js";
import { TwoPhaseModel } from "../test/models/two-phase-model.js";
import { TwoPhaseObjectModel } from "./two-phase-object-model.js";

const DISTINCT_PER_SECOND_GOAL = 300_000;
const VISITED_BYTES_PER_STATE_GOAL = 40;

function argument(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

const rms = Number(argument("--rms") ?? 9);
const objects = process.argv.includes("--objects");
const quiet = process.argv.includes("--quiet");
const model: Model<unknown, { action: string; rm?: number }> = (
  objects ? new TwoPhaseObjectModel(rms) : new TwoPhaseModel(rms)
) as Model<unknown, { action: string; rm?: number }>;

const format = (n: number) => Math.round(n).toLocaleString("en-US");
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

console.log(
  `model: ${model.name}${objects ? " (object states, serialising encode)" : " (byte-array states)"}`,
);
const result = checkExhaustive(model, {
  progressIntervalMs: 2_000,
  onProgress: quiet
    ? undefined
    : (p) =>
        console.error(
          `  ... ${format(p.distinctStates)} states, depth ${p.currentDepth}, queue ${format(p.queueStates)}, ` +
            `${format(p.distinctStatesPerSecond)} states/s`,
        ),
});
if (result.kind !== "pass") {
  console.error(`unexpected result: ${result.kind}`, result);
  process.exit(1);
}
const stats = result.stats;
const peakRss = process.resourceUsage().maxRSS * 1024;
console.log(`result:                 ${result.kind}`);
console.log(`distinct states:        ${format(stats.distinctStates)}`);
console.log(`generated states:       ${format(stats.generatedStates)}`);
console.log(`max depth:              ${stats.maxDepth}`);
console.log(`time:                   ${(stats.elapsedMs / 1000).toFixed(2)} s`);
console.log(`distinct states/s:      ${format(stats.distinctStatesPerSecond)}`);
console.log(`generated states/s:     ${format(stats.generatedStatesPerSecond)}`);
console.log(
  `visited set:            ${mib(stats.visitedSetBytes)}, ${stats.visitedBytesPerState.toFixed(2)} bytes/state`,
);
console.log(
  `parent links:           ${mib(stats.parentLinkBytes)}, ${stats.parentLinkBytesPerState.toFixed(2)} bytes/state`,
);
console.log(`peak queue:             ${format(stats.peakQueueStates)} states, ${mib(stats.peakQueueBytes)}`);
console.log(`heap used at end:       ${mib(stats.heapUsedBytes)}`);
console.log(`peak RSS:               ${mib(peakRss)}`);
const rateOk = stats.distinctStatesPerSecond > DISTINCT_PER_SECOND_GOAL;
const memoryOk = stats.visitedBytesPerState < VISITED_BYTES_PER_STATE_GOAL;
console.log(`goal > ${format(DISTINCT_PER_SECOND_GOAL)} distinct states/s: ${rateOk ? "met" : "NOT met"}`);
console.log(
  `goal < ${VISITED_BYTES_PER_STATE_GOAL} visited-set bytes/state: ${memoryOk ? "met" : "NOT met"}`,
);
