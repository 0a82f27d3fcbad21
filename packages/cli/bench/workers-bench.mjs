// One worker against two, and against the default `--workers`, on every
// bundled benchmark (issue 15: two workers, or the default, must never make
// `faultline check` more than 5% slower than one). Each case runs as a cold
// process through the built command, `--workers 1`, `--workers 2` and no
// `--workers` (the default: the free cores by the load average), interleaved
// round by round, and the medians are compared. `--no-liveness`: workers run
// the safety search only, and the liveness check after it would add the same
// single-threaded time to every column.
//
//   node packages/cli/bench/workers-bench.mjs [--reps 3] [--only tla,paxos]   (after npm run build)
//
// Takes about 5 minutes with 3 repetitions. Prints the load average before
// and after: two workers only help when a second core is free.
import { caseArgs, int, interleaved, load, median, startCases } from "./bench-util.mjs";

const CASES = [
  { key: "tla", label: "TLA+ TwoPhase, 7 RMs", model: "models/bench/two-phase-tla.fl", params: ["rms=7"] },
  { key: "tla", label: "TLA+ TwoPhase, 8 RMs", model: "models/bench/two-phase-tla.fl", params: ["rms=8"] },
  {
    key: "2pc",
    label: "2PC messages, 5 participants",
    model: "models/bench/two-phase-messages.fl",
    test: "Reliable",
    params: ["participants=5"],
  },
  {
    key: "2pc",
    label: "2PC messages, 6 participants",
    model: "models/bench/two-phase-messages.fl",
    test: "Reliable",
    params: ["participants=6"],
  },
  {
    key: "election",
    label: "Raft-style election, 3 nodes, 3 terms",
    model: "models/leader-election/leader-election.fl",
    test: "Elections",
    params: ["nodes=3", "maxTerm=3"],
  },
  {
    key: "paxos",
    label: "Paxos, 3 acceptors, 3 proposers",
    model: "models/paxos/paxos.fl",
    test: "Reliable",
    params: ["acceptors=3", "proposers=3"],
  },
  {
    key: "paxos",
    label: "Paxos, 4 acceptors, restarts",
    model: "models/paxos/paxos.fl",
    test: "AcceptorRestart",
    params: ["acceptors=4", "proposers=2"],
  },
];
const COLUMNS = [
  { label: "--workers 1", flags: ["--workers", "1"] },
  { label: "--workers 2", flags: ["--workers", "2"] },
  { label: "default", flags: [] },
];
/** The slowdown issue 15 allows a second worker. */
const ALLOWED = 1.05;

const { reps, cases } = startCases(CASES, "one worker, two and the default on the bundled benchmarks");
console.log(
  "| model | states | --workers 1 | --workers 2 | default | 2 / 1 | default / 1 | within 5% |\n| --- | --: | --: | --: | --: | --: | --: | --- |",
);
let over = 0;
for (const c of cases) {
  const { times, states } = interleaved(c.label, caseArgs(c, ["--no-liveness"]), COLUMNS, reps);
  const [one, two, auto] = times.map(median);
  const ok = two <= one * ALLOWED && auto <= one * ALLOWED;
  if (!ok) over++;
  console.log(
    `| ${c.label} | ${int(states)} | ${one.toFixed(2)} s | ${two.toFixed(2)} s | ${auto.toFixed(2)} s | ${(two / one).toFixed(2)}x | ${(auto / one).toFixed(2)}x | ${ok ? "yes" : "no"} |`,
  );
}
console.log("");
console.log(`load average after: ${load()}`);
console.log(`${over} of ${cases.length} cases slower than one worker by more than 5%`);
