// Start-up benchmark: how long a user waits for `faultline check` on a small
// model, cold process each time (what a CI job with many small models pays).
// Prints the median of 10 runs after one warm-up (file cache), with `node -e 0`
// and `faultline --version` beside it for scale. Goal: check < 0.5 s.
import { spawnSync } from "node:child_process";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("../../..", import.meta.url));
const bin = fileURLToPath(new URL("../bin/faultline.js", import.meta.url));
const RUNS = Number(process.env.STARTUP_RUNS ?? 10);

function time(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, {
    cwd: repo,
    encoding: "utf8",
    env: { ...process.env, CI: "1" },
  });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return ms;
}

function measure(label, args) {
  time(args);
  const samples = Array.from({ length: RUNS }, () => time(args)).sort((a, b) => a - b);
  const median = (samples[(RUNS - 1) >> 1] + samples[RUNS >> 1]) / 2;
  console.log(
    `${label.padEnd(44)} median ${(median / 1000).toFixed(3)} s  (min ${(samples[0] / 1000).toFixed(3)}, max ${(samples[RUNS - 1] / 1000).toFixed(3)}, ${RUNS} runs)`,
  );
  return median;
}

console.log(
  `start-up, cold process; load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(" ")}`,
);
measure("node -e 0", ["-e", "0"]);
measure("faultline --version", [bin, "--version"]);
const check = measure("faultline check examples/ping-pong.fl", [bin, "check", "examples/ping-pong.fl"]);
console.log(`check start-up goal 0.5 s: ${check < 500 ? "met" : "NOT met"}`);
