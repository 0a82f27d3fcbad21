// The byte back end against the object runtime through `faultline check`, as
// a user runs it (ADR 0015): each case as a cold process with the default
// back end (`auto`) and with `--backend objects`, `--workers 1
// --no-liveness`, interleaved round by round, medians of wall time with
// start-up. Prints which back end the default chose (the JSON report's
// stats.backend) and flags a case where the default is more than 5% slower
// than the object runtime: `auto` takes a test only where it should not be.
//
//   node packages/cli/bench/backend-cli-bench.mjs [--reps 3] [--only election,router]   (after npm run build)
//
// Takes about 3 minutes with 3 repetitions.
import { caseArgs, int, interleaved, load, median, startCases } from "./bench-util.mjs";

const CASES = [
  { key: "tla", label: "TLA+ TwoPhase, 7 RMs", model: "models/bench/two-phase-tla.fl", params: ["rms=7"] },
  {
    key: "2pc",
    label: "2PC messages, 5 participants",
    model: "models/bench/two-phase-messages.fl",
    test: "Reliable",
    params: ["participants=5"],
  },
  {
    key: "election",
    label: "leader election LostVotes, 3 nodes, 3 terms",
    model: "models/leader-election/leader-election.fl",
    test: "LostVotes",
    params: ["maxTerm=3"],
  },
  {
    key: "election",
    label: "leader election Elections, 3 nodes, 3 terms",
    model: "models/leader-election/leader-election.fl",
    test: "Elections",
    params: ["maxTerm=3"],
  },
  {
    key: "stability",
    label: "static stability ZoneFailureAndRecovery, 4 checks",
    model: "models/static-stability/static-stability.fl",
    test: "ZoneFailureAndRecovery",
    params: ["checks=4"],
  },
  {
    key: "detector",
    label: "failure detector NodeCrash, 5 nodes",
    model: "models/failure-detector/failure-detector.fl",
    test: "NodeCrash",
    params: ["nodes=5"],
  },
  {
    key: "router",
    label: "cell router LossyCrashing, 3 customers",
    model: "models/cell-router/cell-router.fl",
    test: "LossyCrashing",
    params: ["customers=3"],
  },
  {
    key: "paxos",
    label: "Paxos Reliable, 3 acceptors, 2 proposers (objects either way)",
    model: "models/paxos/paxos.fl",
    test: "Reliable",
    params: [],
  },
];
const COLUMNS = [
  { label: "default", flags: [] },
  { label: "objects", flags: ["--backend", "objects"] },
];
/** How much slower than the object runtime the default may be before the bench flags it (noise). */
const ALLOWED = 1.05;

const { reps, cases } = startCases(CASES, "the default back end against --backend objects");
console.log(
  "| model | states | default runs on | default | objects | objects / default | not slower |\n| --- | --: | --- | --: | --: | --: | --- |",
);
let slower = 0;
for (const c of cases) {
  const args = caseArgs(c, ["--workers", "1", "--no-liveness"]);
  const { times, states, last } = interleaved(c.label, args, COLUMNS, reps);
  const backend = last[0].test.stats.backend ?? "objects";
  const [auto, objects] = times.map(median);
  const ok = auto <= objects * ALLOWED;
  if (!ok) slower++;
  console.log(
    `| ${c.label} | ${int(states)} | ${backend} | ${auto.toFixed(2)} s | ${objects.toFixed(2)} s | ${(objects / auto).toFixed(2)}x | ${ok ? "yes" : "no"} |`,
  );
}
console.log("");
console.log(`load average after: ${load()}`);
console.log(
  `${slower} of ${cases.length} cases slower by default than on the object runtime by more than 5%`,
);
