// `faultline observe` throughput (docs/observe.md, "Performance"): writes a
// log of payments (examples/observe/payments.fl's events: Requested, Charged,
// Outcome per payment, 100 payments interleaved) of at least 1,000,000
// events, then checks it in a cold process each:
//   - one core, whole log: the counter spec BoundedInFlight (one monitor);
//   - with partitions (--partition-by /token), every partition's monitors in
//     one map: EveryRequestDecided alone (a partition is dropped once its
//     payment is decided), then with ChargedOnce too (which remembers every
//     token, so all 333,400 partitions stay to the end).
// Prints events/s (events shown to the monitors; a spec that observes fewer
// events skips the others) and lines/s by the wall clock, events per CPU
// second of the process (all its threads, GC included: the figure a busy
// machine does not skew) and the peak RSS (getrusage maxRSS). The checking
// runs on one thread. Goal: at least 200,000 events/s on one core.
//   node packages/cli/bench/observe-bench.mjs [--events 1000000]
import { spawnSync } from "node:child_process";
import { createWriteStream, mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("../../..", import.meta.url));
const bin = fileURLToPath(new URL("../bin/faultline.js", import.meta.url));
const atExit = fileURLToPath(new URL("./rss-at-exit.cjs", import.meta.url));
const model = join(repo, "examples/observe/payments.fl");

const at = process.argv.indexOf("--events");
const events = at >= 0 ? Number(process.argv[at + 1]) : 1_000_000;
const MIB = 1024 ** 2;

/** The log: payments in waves of 100, each Requested, Charged, Outcome; timestamps 1 ms apart. */
async function writeLog(path) {
  const out = createWriteStream(path);
  const wave = 100;
  let ts = 1_764_892_800_000;
  let written = 0;
  let buffer = "";
  for (let first = 0; written < events; first += wave) {
    for (const kind of ["Requested", "Charged", "Outcome"]) {
      for (let i = first; i < first + wave && written < events + 3 * wave; i++) {
        const token = `tok-${i}`;
        const payload =
          kind === "Requested"
            ? JSON.stringify(token)
            : kind === "Charged"
              ? `{"token":"${token}","amount":${(i % 9000) + 100}}`
              : `{"token":"${token}","ok":true}`;
        buffer += `{"ts":${ts++},"event":"${kind}","payload":${payload},"token":"${token}","service":"payments"}\n`;
        written++;
      }
      if (buffer.length > 1 << 20) {
        if (!out.write(buffer)) await new Promise((r) => out.once("drain", r));
        buffer = "";
      }
    }
  }
  out.end(buffer);
  await new Promise((r) => out.once("finish", r));
  return written;
}

function run(label, args, log, lines) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(
    process.execPath,
    ["--require", atExit, bin, "observe", model, log, ...args, "--reporter", "json"],
    { cwd: repo, encoding: "utf8", env: { ...process.env, CI: "1" }, maxBuffer: 64 * MIB },
  );
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const peak = /PEAK_RSS_KIB (\d+)/.exec(r.stderr);
  if (peak === null || r.status !== 0)
    throw new Error(`observe ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  const report = JSON.parse(r.stdout);
  const checked = report.observe.events;
  const rate = (checked * 1000) / report.observe.streamMs;
  const lineRate = (report.observe.lines * 1000) / report.observe.streamMs;
  // On a shared machine the wall clock counts other processes' time too: per CPU second (GC threads included) it does not.
  const cpuRate = (checked * 1000) / report.observe.streamCpuMs;
  console.log(
    [
      label.padEnd(54),
      `${lines.toLocaleString("en-US")} lines`.padStart(16),
      `${Math.round(rate).toLocaleString("en-US")} events/s`.padStart(18),
      `${Math.round(lineRate).toLocaleString("en-US")} lines/s`.padStart(17),
      `${Math.round(cpuRate).toLocaleString("en-US")} events/CPU-s`.padStart(22),
      `${((Number(peak[1]) * 1024) / MIB).toFixed(0)} MiB peak RSS`.padStart(18),
      `${seconds.toFixed(1)} s wall`.padStart(11),
      Math.max(rate, cpuRate) >= 200_000 ? "" : "  (under 200,000 events/s)",
    ].join("  "),
  );
}

const dir = mkdtempSync(join(tmpdir(), "faultline-observe-bench-"));
try {
  const log = join(dir, "payments.jsonl");
  const lines = await writeLog(log);
  console.log(
    `faultline observe, cold process each; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}`,
  );
  run("one core, whole log (BoundedInFlight)", ["--spec", "BoundedInFlight"], log, lines);
  // EveryRequestDecided is back at its start once a payment is decided: its partition is dropped.
  run(
    "partitions by /token (EveryRequestDecided)",
    ["--spec", "EveryRequestDecided", "--partition-by", "/token"],
    log,
    lines,
  );
  // ChargedOnce remembers each token for good: every partition stays.
  run(
    "partitions by /token (ChargedOnce, EveryRequestDecided)",
    ["--spec", "ChargedOnce", "--spec", "EveryRequestDecided", "--partition-by", "/token"],
    log,
    lines,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
