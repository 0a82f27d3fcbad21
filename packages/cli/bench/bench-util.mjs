// Helpers shared by spin-bench.mjs and scaling-bench.mjs: run the built
// `faultline check` as a cold process (optionally with its peak RSS), medians,
// the load average and a one-line description of the machine. Node built-ins
// only, so the benchmarks run from a copied node binary and the built
// checkout (see scaling-bench.mjs).
import { spawnSync } from "node:child_process";
import { availableParallelism, cpus, loadavg, totalmem } from "node:os";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";

/** The checkout's root (the benchmarks' working directory for model paths). */
export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
/** The built command: bin/faultline.js loads dist/bundle/main.js. */
export const BIN = fileURLToPath(new URL("../bin/faultline.js", import.meta.url));
/** Preloaded with `node --require` to print the process's peak RSS at exit. */
export const RSS_AT_EXIT = fileURLToPath(new URL("./rss-at-exit.cjs", import.meta.url));

const MIB = 1024 ** 2;

/**
 * One cold `faultline check ARGS --reporter json` (run by this node binary,
 * from ROOT): wall seconds (start-up included), the first test's report, its
 * distinct states and how many tests ran, and with `rss` the peak resident set size of the whole
 * process in bytes (getrusage's maxRSS: main thread and workers).
 */
export function runFaultline(args, { rss = false } = {}) {
  const started = process.hrtime.bigint();
  const r = spawnSync(
    process.execPath,
    [...(rss ? ["--require", RSS_AT_EXIT] : []), BIN, "check", ...args, "--reporter", "json"],
    { cwd: ROOT, encoding: "utf8", env: { ...process.env, CI: "1" }, maxBuffer: 64 * MIB },
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) {
    throw new Error(`faultline check ${args.join(" ")} exited ${r.status}:\n${r.stderr}`);
  }
  const { tests } = JSON.parse(r.stdout);
  const test = tests[0];
  const peak = /PEAK_RSS_KIB (\d+)/.exec(r.stderr);
  return {
    seconds,
    test,
    tests: tests.length,
    states: test.stats.distinctStates,
    peakRss: peak === null ? null : Number(peak[1]) * 1024,
  };
}

/** The median (the upper one of an even count). */
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The 1-, 5- and 15-minute load averages, two decimals. */
export const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

/** 1234567 -> "1,234,567". */
export const int = (n) => Math.round(n).toLocaleString("en-US");

/** Bytes as MiB, no decimals. */
export const mib = (bytes) => `${(bytes / MIB).toFixed(0)} MiB`;

/** CPU model, cores (available to this process / logical), memory, node and OS. */
export function machine() {
  const cpu = cpus();
  return `${cpu[0]?.model.trim() ?? "unknown CPU"}, ${availableParallelism()} cores available (${cpu.length} logical), ${(totalmem() / 1024 ** 3).toFixed(0)} GiB, node ${process.version}, ${process.platform}-${process.arch}`;
}

/** Whether `command` is on the PATH. */
export function has(command) {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

/** Splits "1,2,4" into numbers. */
export const numbers = (list) =>
  list
    .split(",")
    .filter((s) => s !== "")
    .map(Number);

/**
 * A bench case's `faultline check` arguments: its model, `--test`, each
 * `--param`, then `extra` (the same flags for every column).
 */
export function caseArgs(c, extra) {
  return [
    c.model,
    ...(c.test ? ["--test", c.test] : []),
    ...c.params.flatMap((p) => ["--param", p]),
    ...extra,
  ];
}

/**
 * Runs `args` plus each column's flags `reps` times, interleaved (forward,
 * then backward, so a drifting load favours no column); every run must find
 * the same states. Returns each column's times, the states, and the last run
 * of each column (its report).
 */
export function interleaved(label, args, columns, reps) {
  const times = columns.map(() => []);
  const last = columns.map(() => null);
  let states = null;
  for (let r = 0; r < reps; r++) {
    const order = columns.map((_c, i) => i);
    if (r % 2 === 1) order.reverse();
    for (const i of order) {
      const run = runFaultline([...args, ...columns[i].flags]);
      if (states !== null && run.states !== states)
        throw new Error(`${label}: ${columns[i].label} found ${run.states} states, another run ${states}`);
      states = run.states;
      times[i].push(run.seconds);
      last[i] = run;
    }
  }
  return { times, states, last };
}

/**
 * A case-table bench's start: `--reps N` (default 3) and `--only key,key`
 * (the cases whose `key` is listed), then its title, the machine and the load.
 */
export function startCases(cases, title) {
  const { values } = parseArgs({
    options: { reps: { type: "string", default: "3" }, only: { type: "string" } },
  });
  const reps = Number(values.reps);
  const only = values.only?.split(",");
  console.log(`${title}: ${reps} interleaved runs each, medians`);
  console.log(`machine: ${machine()}`);
  console.log(`load average before: ${load()}`);
  console.log("");
  return { reps, cases: only === undefined ? cases : cases.filter((c) => only.includes(c.key)) };
}
