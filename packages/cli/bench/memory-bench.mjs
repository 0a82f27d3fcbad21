// Memory benchmark: does `--memory` bound the process? Runs the built
// `faultline check` as a cold process on models larger than the budget
// (TLA+'s TwoPhase with 10 resource managers: tens of millions of states) with
// 1 and 2 workers, and liveness checks (the 2PC messages model with its spec,
// whose graph is built on the main thread; with 6 participants it outgrows
// 400 MiB), and prints each run's peak resident set size (getrusage's maxRSS
// of the whole process: main thread, workers, shared buffers) against the
// budget. Goal: peak RSS <= 1.2x budget.
//   node packages/cli/bench/memory-bench.mjs [--budgets 160MiB,256MiB] [--workers 1,2]
import { spawnSync } from "node:child_process";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("../../..", import.meta.url));
const bin = fileURLToPath(new URL("../bin/faultline.js", import.meta.url));
const atExit = fileURLToPath(new URL("./rss-at-exit.cjs", import.meta.url));

function option(name, fallback) {
  const at = process.argv.indexOf(name);
  return (at >= 0 ? process.argv[at + 1] : fallback).split(",");
}
const budgets = option("--budgets", "160MiB,256MiB");
const workers = option("--workers", "1,2");

const MIB = 1024 ** 2;
const bytesOf = (size) => Number.parseFloat(size) * (size.endsWith("GiB") ? 1024 * MIB : MIB);

/** One cold `faultline check` with `--memory`: peak RSS, outcome, states and time. */
function run(label, args, budget) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(
    process.execPath,
    ["--require", atExit, bin, "check", ...args, "--memory", budget, "--reporter", "json"],
    { cwd: repo, encoding: "utf8", env: { ...process.env, CI: "1" }, maxBuffer: 64 * MIB },
  );
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const peak = /PEAK_RSS_KIB (\d+)/.exec(r.stderr);
  if (peak === null) throw new Error(`${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  const rss = Number(peak[1]) * 1024;
  const test = JSON.parse(r.stdout).tests[0];
  const outcome = test.boundReason ? `${test.outcome} (${test.boundReason})` : test.outcome;
  const ratio = rss / bytesOf(budget);
  console.log(
    [
      label.padEnd(38),
      budget.padStart(7),
      `${(rss / MIB).toFixed(0)} MiB`.padStart(9),
      `${ratio.toFixed(2)}x`.padStart(6),
      outcome.padEnd(17),
      (test.stats?.distinctStates ?? 0).toLocaleString("en-US").padStart(11),
      `${seconds.toFixed(1)} s`.padStart(8),
      ratio <= 1.2 ? "" : "  OVER 1.2x",
    ].join("  "),
  );
  return ratio;
}

console.log(
  `--memory against peak RSS, cold process each; load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
console.log(
  `${"model".padEnd(38)}  ${"budget".padStart(7)}  ${"peak RSS".padStart(9)}  ${"ratio".padStart(6)}  ${"outcome".padEnd(17)}  ${"states".padStart(11)}  ${"time".padStart(8)}`,
);
let worst = 0;
for (const budget of budgets) {
  for (const w of workers) {
    const ratio = run(
      `TLA+ TwoPhase, 10 RMs, ${w} worker${w === "1" ? "" : "s"}`,
      ["models/bench/two-phase-tla.fl", "--param", "rms=10", "--workers", w],
      budget,
    );
    worst = Math.max(worst, ratio);
  }
}
worst = Math.max(
  worst,
  run(
    "2PC messages, 5 participants, liveness",
    [
      "models/bench/two-phase-messages.fl",
      "--test",
      "Reliable",
      "--param",
      "participants=5",
      "--workers",
      "1",
    ],
    budgets[0],
  ),
  // 949,328 states pass within 400 MiB; the liveness graph of them all does not.
  run(
    "2PC messages, 6 participants, liveness",
    [
      "models/bench/two-phase-messages.fl",
      "--test",
      "Reliable",
      "--param",
      "participants=6",
      "--workers",
      "1",
    ],
    "400MiB",
  ),
);
console.log(`worst ratio ${worst.toFixed(2)}x (goal <= 1.2x)`);
