// Scaling benchmark (issue 15): the speed-up of `faultline check --workers W`
// for W = 1, 2, 4, 8, 16 on whatever machine runs it. Each count runs REPS
// times as a cold process, interleaved (1, 2, 4, ... then back), and the table
// gives the median wall time (start-up included), distinct states per second,
// the speed-up over 1 worker, the efficiency (speed-up / workers) and the peak
// RSS of the whole process (rss-at-exit.cjs, preloaded). Every run must report the same distinct-state count. From the measured speed-ups
// it fits Amdahl's law (serial fraction s) and projects 4, 8 and 16 workers.
// Counts above os.availableParallelism() are skipped unless --force. With more
// than 1 worker the first 200,000 states are a single-threaded probe, so the
// model needs millions of states to show scaling.
//
//   node packages/cli/bench/scaling-bench.mjs [--model FILE] [--test NAME]
//     [--param k=v ...] [--workers 1,2,4,8,16] [--reps 3] [--force]
//     [--print-bundle-files]
// Default: models/bench/two-phase-tla.fl with rms=8 (1,745,408 states);
// on a 16-core machine use --param rms=9 (10,340,352 states).
//
// On a machine without Node or a checkout: only Node built-ins are used, and
// the built command needs nothing outside packages/cli/dist/bundle/ (no
// node_modules: ink, react and the language server are loaded only by
// `explore` and `lsp`). After `npm run build`, from the checkout's root:
//   tar czf /tmp/faultline-bench.tgz $(node packages/cli/bench/scaling-bench.mjs --print-bundle-files) \
//     -C "$(dirname "$(node -p process.execPath)")" node
//   scp /tmp/faultline-bench.tgz big: && ssh big
//   mkdir fl && tar xzf faultline-bench.tgz -C fl && cd fl
//   ./node packages/cli/bench/scaling-bench.mjs --param rms=9
// The copied node binary needs glibc and libstdc++ on the other machine (see
// `ldd ./node`), the same OS and CPU architecture. Add --model FILE (and
// --param) to the --print-bundle-files call to pack another model.
import { availableParallelism, loadavg } from "node:os";
import { isAbsolute, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
// The probe's state cap, from the built `faultline` library (dist/bundle/index.js).
import { PARALLEL_PROBE_STATES } from "../dist/bundle/index.js";
import { int, load, machine, median, mib, numbers, ROOT, runFaultline } from "./bench-util.mjs";

const DEFAULT_MODEL = "models/bench/two-phase-tla.fl";
const { values } = parseArgs({
  options: {
    model: { type: "string", default: DEFAULT_MODEL },
    test: { type: "string" },
    param: { type: "string", multiple: true },
    workers: { type: "string", default: "1,2,4,8,16" },
    reps: { type: "string", default: "3" },
    force: { type: "boolean", default: false },
    "print-bundle-files": { type: "boolean", default: false },
  },
});

// A relative --model is read from the current directory; runs start in ROOT.
const model = resolve(values.model === DEFAULT_MODEL ? ROOT : process.cwd(), values.model);

if (values["print-bundle-files"]) {
  // What to copy beside a node binary (paths from the checkout's root).
  const files = [
    "packages/cli/package.json",
    "packages/cli/bin/faultline.js",
    "packages/cli/dist/bundle",
    "packages/cli/bench/scaling-bench.mjs",
    "packages/cli/bench/bench-util.mjs",
    "packages/cli/bench/rss-at-exit.cjs",
    relative(ROOT, model),
  ];
  if (files.some((f) => f.startsWith("..") || isAbsolute(f))) {
    console.error(`--model ${values.model} is outside the checkout ${ROOT}: copy it by hand`);
    process.exit(64);
  }
  console.log(files.join("\n"));
  process.exit(0);
}

const params = values.param ?? (values.model === DEFAULT_MODEL ? ["rms=8"] : []);
const reps = Number(values.reps);
const cores = availableParallelism();
let counts = [...new Set(numbers(values.workers))].sort((a, b) => a - b);
if (!counts.includes(1)) counts.unshift(1); // the speed-ups are over 1 worker
const skipped = values.force ? [] : counts.filter((w) => w > cores);
counts = counts.filter((w) => !skipped.includes(w));

const args = [
  model,
  ...(values.test === undefined ? [] : ["--test", values.test]),
  ...params.flatMap((p) => ["--param", p]),
  // Workers run the safety search only; a liveness check after it would count as serial time.
  "--no-liveness",
];
console.log(`faultline check ${relative(ROOT, model)} ${args.slice(1).join(" ")}`);
console.log(`machine: ${machine()}`);
console.log(`workers ${counts.join(", ")}; ${reps} cold runs each, interleaved; medians`);
if (skipped.length > 0) {
  console.log(
    `skipped ${skipped.join(", ")} workers: only ${cores} cores available (--force runs them anyway)`,
  );
}
console.log(`load average before: ${load()}`);
const busy = loadavg()[0];

const runs = new Map(counts.map((w) => [w, []]));
for (let rep = 0; rep < reps; rep++) {
  // Forward, then backward: a drifting load favours no count.
  for (const w of rep % 2 === 0 ? counts : [...counts].reverse()) {
    const r = runFaultline([...args, "--workers", String(w)], { rss: true });
    if (r.tests > 1) {
      console.error(
        `${relative(ROOT, model)} has ${r.tests} tests (or param values): pick one with --test and --param`,
      );
      process.exit(64);
    }
    runs.get(w).push(r);
  }
}
console.log(`load average after:  ${load()}`);
if (busy + Math.max(...counts) > cores + 0.5) {
  console.log(
    `note: the 1-minute load average was ${busy.toFixed(2)} on ${cores} cores before the runs: the larger worker counts shared cores with other work, so their speed-ups (and the projection) are lower than on an idle machine`,
  );
}

const states = runs.get(1)[0].states;
for (const [w, rs] of runs) {
  for (const r of rs) {
    if (r.states !== states) {
      console.error(`distinct states differ: ${int(states)} with 1 worker, ${int(r.states)} with ${w}`);
      process.exit(1);
    }
  }
}
console.log(`test ${runs.get(1)[0].test.test}: ${int(states)} distinct states with every count`);

const rows = counts.map((w) => {
  const rs = runs.get(w);
  return {
    w,
    wall: median(rs.map((r) => r.seconds)),
    rss: median(rs.map((r) => r.peakRss)),
  };
});
const base = rows[0].wall;
console.log("");
console.log("| workers | wall s (median) | distinct/s | speed-up vs 1 | efficiency | peak RSS |");
console.log("| --: | --: | --: | --: | --: | --: |");
for (const { w, wall, rss } of rows) {
  const speedUp = base / wall;
  console.log(
    `| ${w} | ${wall.toFixed(2)} | ${int(states / wall)} | ${speedUp.toFixed(2)}x | ${((speedUp / w) * 100).toFixed(0)}% | ${mib(rss)} |`,
  );
}

if (counts.some((w) => w > 1) && states < 4 * PARALLEL_PROBE_STATES) {
  console.log(
    `note: with more than 1 worker, a single-threaded probe explores the first ${int(PARALLEL_PROBE_STATES)} states before the workers start (packages/checker/src/search/check-model.ts): ${int(states)} states are too few to measure scaling; use a larger --param`,
  );
}

// Amdahl: 1/S(n) = s + (1 - s)/n, i.e. 1/S(n) - 1/n = s (1 - 1/n); least
// squares over the measured n > 1 gives s.
const measured = rows.filter((r) => r.w > 1).map((r) => ({ n: r.w, speedUp: base / r.wall }));
console.log("");
if (measured.length === 0) {
  console.log("scaling projection: needs a count above 1 worker");
} else {
  let num = 0;
  let den = 0;
  for (const { n, speedUp } of measured) {
    const a = 1 - 1 / n;
    num += a * (1 / speedUp - 1 / n);
    den += a * a;
  }
  const fitted = num / den;
  const s = Math.min(1, Math.max(0, fitted));
  const amdahl = (n) => 1 / (s + (1 - s) / n);
  console.log(
    `scaling projection (Amdahl's law fitted to the speed-ups at ${measured.map((m) => m.n).join(", ")} workers): serial fraction s = ${s.toFixed(3)}${fitted > 1 ? " (more workers were slower than one: no scaling measured)" : ""}`,
  );
  console.log("| workers | projected speed-up | projected wall s | measured speed-up |");
  console.log("| --: | --: | --: | --: |");
  for (const n of [...new Set([...counts, 4, 8, 16])].sort((a, b) => a - b)) {
    if (n === 1) continue;
    const m = measured.find((x) => x.n === n);
    console.log(
      `| ${n} | ${amdahl(n).toFixed(2)}x | ${(base / amdahl(n)).toFixed(2)} | ${m === undefined ? "" : `${m.speedUp.toFixed(2)}x`} |`,
    );
  }
  console.log(
    "Amdahl's law assumes the parallel part scales perfectly: memory bandwidth, the shared table and busy cores (see the load average) make real speed-ups lower.",
  );
}

// From a profile: the search's own account of its serial and parallel time
// (stats.parallel.profile in the JSON report, ParallelProfile in the checker),
// of the median run at the largest count: T(n) = serial + work / n + growth / (n + 1)
// (the table's growths are shared by the paused workers and the coordinator).
const widest = rows.filter((r) => r.w > 1).at(-1);
const profiled =
  widest === undefined
    ? undefined
    : [...runs.get(widest.w)].sort((a, b) => a.seconds - b.seconds)[
        Math.floor(runs.get(widest.w).length / 2)
      ];
const profile = profiled?.test.stats.parallel?.profile;
if (profile !== undefined) {
  const sec = (ms) => ms / 1000;
  const searchS = sec(profile.probeMs + profile.coordinatorMs + profile.growthMs + profile.phasesMs);
  const startUp = Math.max(0, profiled.seconds - searchS);
  const serial = startUp + sec(profile.probeMs + profile.coordinatorMs);
  // The paused workers and the coordinator grow the table together (its wall time is growthMs,
  // the workers' shares are in their busy time): as thread-time, about growthMs on each of w + 1.
  const growthWork = sec(profile.growthMs) * (widest.w + 1);
  const work = Math.max(0, sec(profile.workerBusyMs) - sec(profile.growthMs) * widest.w);
  const idle = widest.w * sec(profile.phasesMs) - work;
  console.log("");
  console.log(
    `profile of a ${widest.w}-worker run (${profiled.seconds.toFixed(2)} s): serial ${serial.toFixed(2)} s ` +
      `(start-up and report ${startUp.toFixed(2)}, single-threaded probe ${sec(profile.probeMs).toFixed(2)}, ` +
      `coordinator ${sec(profile.coordinatorMs).toFixed(2)}); table growth ${sec(profile.growthMs).toFixed(2)} s, shared by the workers and the coordinator; ` +
      `parallel ${sec(profile.phasesMs).toFixed(2)} s in ${profile.levels} levels: ${work.toFixed(2)} worker-s of work, ` +
      `${Math.max(0, idle).toFixed(2)} worker-s waiting at barriers (${((work / (widest.w * sec(profile.phasesMs))) * 100).toFixed(0)}% busy)`,
  );
  console.log("| workers | projected wall s | projected speed-up vs 1 worker |");
  console.log("| --: | --: | --: |");
  for (const n of [...new Set([...counts, 4, 8, 16])].sort((a, b) => a - b)) {
    if (n === 1) continue;
    const t = serial + work / n + growthWork / (n + 1);
    console.log(`| ${n} | ${t.toFixed(2)} | ${(base / t).toFixed(2)}x |`);
  }
  console.log(
    "The work is what the workers did at this count (contention included); more workers add contention and barrier waits, so this is an upper bound.",
  );
}
