// Benchmark of the parallel exhaustive explorer on TLA+'s TwoPhase (9 resource
// managers: 10,340,352 distinct states), 1 worker against 2 workers. Each
// configuration runs in its own child process, so peak RSS is its own.
//
//   node --import tsx packages/checker/bench/parallel-bench.ts [--rms 9] [--workers 1,2]
//        [--memory BYTES] [--repeat N] [--calibrate] [--set] [--growth [--slots N]]
//
// --workers 0 stands for the single-threaded checkExhaustive. --calibrate also
// runs two single-threaded searches as separate processes at the same time:
// how much the machine scales right now, whatever the explorer does.
//
// Goals (the performance issue): > 1,000,000 distinct states/s with 2 workers,
// < 16 bytes per stored state in the visited set, speed-up >= 1.7x over 1 worker.
// The machine may be shared: the load average is printed with every figure.
//
// --set instead compares the shared table's slot layouts: two 32-bit words
// with a compareExchange on the tag (what SharedFingerprintSet does) against one
// BigInt64Array slot with a 64-bit compareExchange, in 1 and 2 threads.
//
// --growth [--slots N] instead times one growth of a table of N slots (default
// 4,194,304) holding random fingerprints at the maximum load: rehashInto on this thread alone, against
// rehashShare on this thread and W workers (--workers), as the explorer does.
import { spawn, spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { loadavg } from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { checkExhaustive } from "../src/search/bfs-explorer.js";
import { Prng } from "../src/search/prng.js";
import type { ExhaustiveStats } from "../src/check-result.js";
import { checkExhaustiveParallel, type ParallelExhaustiveStats } from "../src/search/parallel-explorer.js";
import {
  CONTROL_WORDS,
  EPOCH,
  type Growth,
  REHASH_LEFT,
  rehashShare,
  startGrowth,
} from "../src/search/parallel-protocol.js";
import { grownCapacity, MAX_LOAD } from "../src/store/fingerprint-set.js";
import { SharedFingerprintSet } from "../src/store/shared-fingerprint-set.js";
import { TwoPhaseModel } from "../test/models/two-phase-model.js";

const DISTINCT_PER_SECOND_GOAL = 1_000_000;
const VISITED_BYTES_PER_STATE_GOAL = 16;
const SPEED_UP_GOAL = 1.7;

function argument(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

const format = (n: number) => Math.round(n).toLocaleString("en-US");
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

interface RunFigures {
  workers: number;
  kind: string;
  distinctStates: number;
  generatedStates: number;
  seconds: number;
  distinctStatesPerSecond: number;
  visitedBytesPerState: number;
  visitedSetBytes: number;
  visitedSetLoad: number;
  visitedSetGrowths: number;
  parentLinkBytesPerState: number;
  peakRssBytes: number;
  /** Wall time of table growth (the profile's growthMs; 0 single-threaded). */
  growthMs: number;
  /** CPU time of the whole process (all threads): the work, whatever else runs on the machine. */
  cpuSeconds: number;
  loadBefore: string;
  loadAfter: string;
}

/** Child mode: one search, figures as one JSON line on stdout. */
async function runChild(workers: number, rms: number, memory: number | undefined): Promise<void> {
  const loadBefore = load();
  const result =
    workers === 0
      ? checkExhaustive(new TwoPhaseModel(rms))
      : await checkExhaustiveParallel(
          {
            module: new URL("../test/models/two-phase-model.ts", import.meta.url).href,
            exportName: "createTwoPhaseModel",
            args: { n: rms },
          },
          { workers, memoryBytes: memory },
        );
  if (result.stats === undefined) {
    console.error(result);
    process.exit(1);
  }
  const stats = result.stats as ExhaustiveStats & Partial<ParallelExhaustiveStats>;
  const figures: RunFigures = {
    workers,
    kind: result.kind,
    distinctStates: stats.distinctStates,
    generatedStates: stats.generatedStates,
    seconds: stats.elapsedMs / 1000,
    distinctStatesPerSecond: stats.distinctStatesPerSecond,
    visitedBytesPerState: stats.visitedBytesPerState,
    visitedSetBytes: stats.visitedSetBytes,
    visitedSetLoad: stats.visitedSetLoad ?? 0,
    visitedSetGrowths: stats.visitedSetGrowths ?? 0,
    parentLinkBytesPerState: stats.parentLinkBytesPerState,
    // The whole process: main thread, workers and shared tables.
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    growthMs: stats.profile?.growthMs ?? 0,
    cpuSeconds: (process.resourceUsage().userCPUTime + process.resourceUsage().systemCPUTime) / 1e6,
    loadBefore,
    loadAfter: load(),
  };
  console.log(JSON.stringify(figures));
}

function childArguments(workers: number, rms: number, memory: string | undefined): string[] {
  const args = [...process.execArgv, fileURLToPath(import.meta.url), "--child", String(workers)];
  args.push("--rms", String(rms));
  if (memory !== undefined) args.push("--memory", memory);
  return args;
}

function spawnRun(workers: number, rms: number, memory: string | undefined): RunFigures {
  const child = spawnSync(process.execPath, childArguments(workers, rms, memory), {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  if (child.status !== 0) throw new Error(`benchmark run with ${workers} workers failed (${child.status})`);
  return JSON.parse(child.stdout.trim().split("\n").at(-1)!) as RunFigures;
}

function spawnRunAsync(workers: number, rms: number): Promise<RunFigures> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, childArguments(workers, rms, undefined), {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    child.stdout.on("data", (data: Buffer) => {
      output += data.toString();
    });
    child.on("close", (code) => {
      if (code !== 0) reject(new Error(`calibration run failed (${code})`));
      else resolve(JSON.parse(output.trim().split("\n").at(-1)!) as RunFigures);
    });
  });
}

/** Two single-threaded searches in separate processes at once, against one alone. */
async function calibrate(rms: number): Promise<void> {
  const alone = spawnRun(0, rms, undefined);
  const pair = await Promise.all([spawnRunAsync(0, rms), spawnRunAsync(0, rms)]);
  const together = pair.reduce((sum, run) => sum + run.distinctStatesPerSecond, 0);
  console.log(
    `calibration: checkExhaustive alone ${format(alone.distinctStatesPerSecond)} distinct states/s ` +
      `(load average ${alone.loadBefore}); two at once in separate processes ` +
      `${pair.map((run) => format(run.distinctStatesPerSecond)).join(" + ")} = ${format(together)} ` +
      `(load average ${pair[0]!.loadBefore} -> ${pair[0]!.loadAfter}): the machine scales ` +
      `${(together / alone.distinctStatesPerSecond).toFixed(2)}x right now`,
  );
}

async function searchBenchmark(): Promise<void> {
  const rms = Number(argument("--rms") ?? 9);
  const memory = argument("--memory");
  const counts = (argument("--workers") ?? "1,2").split(",").map(Number);
  const repeat = Number(argument("--repeat") ?? 1);
  console.log(
    `model: TwoPhase(${rms}) (byte-array states), ${counts.join(" vs ")} workers ` +
      `(0: single-threaded checkExhaustive), ${repeat} run(s) each`,
  );
  if (process.argv.includes("--calibrate")) await calibrate(rms);
  const best = new Map<number, RunFigures>();
  for (let round = 0; round < repeat; round++) {
    for (const workers of counts) {
      const run = spawnRun(workers, rms, memory);
      const who = workers === 0 ? "single-threaded" : `${workers} worker${workers === 1 ? " " : "s"}`;
      console.log(
        `  ${who}: ${run.kind}, ${format(run.distinctStates)} states in ` +
          `${run.seconds.toFixed(2)} s = ${format(run.distinctStatesPerSecond)} distinct states/s, ` +
          `visited set ${run.visitedBytesPerState.toFixed(2)} bytes/state, ${run.visitedSetGrowths} growths ` +
          `in ${run.growthMs.toFixed(0)} ms, peak RSS ${mib(run.peakRssBytes)}, ` +
          `CPU ${run.cpuSeconds.toFixed(1)} s (load average ${run.loadBefore} -> ${run.loadAfter})`,
      );
      const known = best.get(workers);
      if (known === undefined || run.distinctStatesPerSecond > known.distinctStatesPerSecond)
        best.set(workers, run);
    }
  }
  console.log(repeat > 1 ? "best of each:" : "summary:");
  for (const run of best.values()) {
    console.log(
      `  ${run.workers === 0 ? "single-threaded" : `${run.workers} worker(s)`}: ` +
        `${format(run.distinctStatesPerSecond)} distinct states/s, ` +
        `${format(run.generatedStates / run.seconds)} generated/s, visited set ${mib(run.visitedSetBytes)} ` +
        `(${run.visitedBytesPerState.toFixed(2)} bytes/state, load ${run.visitedSetLoad.toFixed(2)}, ` +
        `${run.visitedSetGrowths} growths), parent links ${run.parentLinkBytesPerState.toFixed(2)} bytes/state, ` +
        `peak RSS ${mib(run.peakRssBytes)}`,
    );
  }
  const one = best.get(1);
  const two = best.get(2);
  if (one !== undefined && two !== undefined) {
    const speedUp = two.distinctStatesPerSecond / one.distinctStatesPerSecond;
    console.log(`speed-up 2 workers / 1 worker: ${speedUp.toFixed(2)}x`);
    // With no other load, the speed-up would approach 2 x this (minus barrier waits).
    console.log(
      `CPU time 1 worker / 2 workers (work efficiency, independent of other load): ` +
        `${(one.cpuSeconds / two.cpuSeconds).toFixed(2)}`,
    );
    const rateOk = two.distinctStatesPerSecond > DISTINCT_PER_SECOND_GOAL;
    const memoryOk = two.visitedBytesPerState < VISITED_BYTES_PER_STATE_GOAL;
    console.log(
      `goal > ${format(DISTINCT_PER_SECOND_GOAL)} distinct states/s with 2 workers: ${rateOk ? "met" : "NOT met"}`,
    );
    console.log(
      `goal < ${VISITED_BYTES_PER_STATE_GOAL} visited-set bytes/state: ${memoryOk ? "met" : "NOT met"}`,
    );
    console.log(`goal speed-up >= ${SPEED_UP_GOAL}x: ${speedUp >= SPEED_UP_GOAL ? "met" : "NOT met"}`);
  }
}

// --- slot layout micro-benchmark ---------------------------------------------

/** The alternative layout: one 64-bit slot, compareExchange on BigInt values. */
function bigIntAdd(table: BigInt64Array, capacity: number, scale: number, hi: number, lo: number): boolean {
  const tag = hi | 1;
  const key = (BigInt(tag) << 32n) | BigInt(lo >>> 0);
  let slot = ((tag >>> 0) * scale) | 0;
  for (;;) {
    let current = Atomics.load(table, slot);
    if (current === 0n) {
      current = Atomics.compareExchange(table, slot, 0n, key);
      if (current === 0n) return true;
    }
    if (current === key) return false;
    slot++;
    if (slot === capacity) slot = 0;
  }
}

interface SetJob {
  layout: "two-word" | "bigint";
  buffer: SharedArrayBuffer;
  capacity: number;
  keys: number;
  rounds: number;
}

/** Inserts keys 0..keys-1 `rounds` times (the first round inserts, later ones find); returns ms. */
function insertKeys(job: SetJob): { ms: number; inserted: number } {
  let inserted = 0;
  const start = performance.now();
  if (job.layout === "two-word") {
    const set = SharedFingerprintSet.attach(job.buffer);
    for (let round = 0; round < job.rounds; round++) {
      for (let k = 0; k < job.keys; k++) {
        if (set.add(Math.imul(k, 0x9e3779b1) ^ (k >>> 3), Math.imul(k ^ 0x5bd1e995, 0x85ebca77))) inserted++;
      }
    }
  } else {
    const table = new BigInt64Array(job.buffer);
    const scale = job.capacity / 4294967296;
    for (let round = 0; round < job.rounds; round++) {
      for (let k = 0; k < job.keys; k++) {
        const hi = Math.imul(k, 0x9e3779b1) ^ (k >>> 3);
        if (bigIntAdd(table, job.capacity, scale, hi, Math.imul(k ^ 0x5bd1e995, 0x85ebca77))) inserted++;
      }
    }
  }
  return { ms: performance.now() - start, inserted };
}

// A worker cannot import this .ts file by itself: register tsx first.
const TYPESCRIPT_WORKER = `
const { workerData } = require("node:worker_threads");
import(workerData.tsxApi).then((api) => { api.register(); return import(workerData.entry); });
`;

function threadJob(job: SetJob): Promise<{ ms: number; inserted: number }> {
  const tsxApi = pathToFileURL(
    createRequire(import.meta.url)
      .resolve("tsx/esm/api")
      .replace(/\.cjs$/, ".mjs"),
  );
  return new Promise((resolve, reject) => {
    const worker = new Worker(TYPESCRIPT_WORKER, {
      eval: true,
      workerData: { ...job, tsxApi: tsxApi.href, entry: import.meta.url },
    });
    worker.once("message", (result: { ms: number; inserted: number }) => {
      resolve(result);
      void worker.terminate();
    });
    worker.once("error", reject);
  });
}

async function setBenchmark(): Promise<void> {
  const keys = 4_000_000;
  const capacity = 8_388_608;
  const rounds = 4;
  console.log(
    `shared table slot layouts: ${format(keys)} keys into ${format(capacity)} slots, ` +
      `then found ${rounds - 1} more times (load average ${load()})`,
  );
  for (const layout of ["two-word", "bigint", "two-word", "bigint"] as const) {
    const single = insertKeys({
      layout,
      buffer: new SharedArrayBuffer(capacity * 8),
      capacity,
      keys,
      rounds,
    });
    const shared = new SharedArrayBuffer(capacity * 8);
    const pair = await Promise.all(
      [0, 1].map(() => threadJob({ layout, buffer: shared, capacity, keys, rounds })),
    );
    const pairMs = Math.max(...pair.map((r) => r.ms));
    const winners = pair.reduce((sum, r) => sum + r.inserted, 0);
    console.log(
      `  ${layout.padEnd(8)} 1 thread: ${(((keys * rounds) / single.ms) * 1e3).toExponential(2)} operations/s; ` +
        `2 threads on the same keys: ${(((2 * keys * rounds) / pairMs) * 1e3).toExponential(2)} operations/s, ` +
        `${format(winners)} inserts won (expected ${format(keys)})`,
    );
  }
}

// --- growth micro-benchmark --------------------------------------------------

/** A worker's side of --growth: a share of each rehash it is sent, started by a bump of EPOCH. */
function growthWorker(control: SharedArrayBuffer): void {
  const words = new Int32Array(control);
  parentPort!.on("message", (job: { from: SharedArrayBuffer } & Growth) => {
    const epoch = Atomics.load(words, EPOCH);
    parentPort!.postMessage("ready");
    Atomics.wait(words, EPOCH, epoch);
    const from = SharedFingerprintSet.attach(job.from);
    rehashShare(from, SharedFingerprintSet.attach(job.table), new Int32Array(job.seams), words);
    // Out of rehashShare: the next growth may reset the counters.
    parentPort!.postMessage("done");
  });
}

async function growthBenchmark(): Promise<void> {
  const slots = Number(argument("--slots") ?? 4_194_304);
  const counts = (argument("--workers") ?? "1,2").split(",").map(Number);
  const repeat = Number(argument("--repeat") ?? 5);
  const from = SharedFingerprintSet.create(slots);
  const keys = Math.floor(slots * MAX_LOAD);
  // Random fingerprints (seeded): evenly spread keys would leave the table without real clusters.
  const prng = new Prng(15);
  const next = () => prng.nextUint32() | 0;
  for (let k = 0; k < keys; k++) from.add(next(), next());
  const control = new SharedArrayBuffer(CONTROL_WORDS * 4);
  const words = new Int32Array(control);
  const tsxApi = pathToFileURL(
    createRequire(import.meta.url)
      .resolve("tsx/esm/api")
      .replace(/\.cjs$/, ".mjs"),
  ).href;
  const workers = Array.from(
    { length: Math.max(...counts) },
    () =>
      new Worker(TYPESCRIPT_WORKER, {
        eval: true,
        workerData: { growth: control, tsxApi, entry: import.meta.url },
      }),
  );
  console.log(
    `growth of ${format(slots)} slots holding ${format(keys)} fingerprints into ${format(grownCapacity(slots))}, ` +
      `${repeat} runs each (load average ${load()})`,
  );
  const times = new Map<string, number[]>();
  const record = (name: string, ms: number) => times.set(name, [...(times.get(name) ?? []), ms]);
  for (let round = 0; round < repeat; round++) {
    const serial = SharedFingerprintSet.create(grownCapacity(slots));
    let start = performance.now();
    from.rehashInto(serial);
    record("this thread alone (rehashInto)", performance.now() - start);
    for (const count of counts) {
      const into = SharedFingerprintSet.create(grownCapacity(slots));
      const helpers = workers.slice(0, count);
      const seams = startGrowth(words, slots);
      const message = (worker: Worker) => new Promise((resolve) => worker.once("message", resolve));
      await Promise.all(
        helpers.map((worker) => {
          worker.postMessage({ from: from.buffer, table: into.buffer, seams });
          return message(worker);
        }),
      );
      const done = Promise.all(helpers.map(message));
      start = performance.now();
      Atomics.add(words, EPOCH, 1);
      Atomics.notify(words, EPOCH);
      rehashShare(from, into, new Int32Array(seams), words);
      for (let left = Atomics.load(words, REHASH_LEFT); left !== 0; left = Atomics.load(words, REHASH_LEFT)) {
        Atomics.wait(words, REHASH_LEFT, left);
      }
      record(
        `this thread and ${count} worker${count === 1 ? "" : "s"} (rehashShare)`,
        performance.now() - start,
      );
      if (into.countSlow() !== keys) throw new Error("growth benchmark: fingerprints lost");
      await done;
    }
  }
  for (const [name, ms] of times) {
    const sorted = [...ms].sort((a, b) => a - b);
    console.log(
      `  ${name}: median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(1)} ms, best ${sorted[0]!.toFixed(1)} ms`,
    );
  }
  console.log(`load average after: ${load()}`);
  await Promise.all(workers.map((worker) => worker.terminate()));
}

if (!isMainThread) {
  const job = workerData as SetJob | { growth: SharedArrayBuffer };
  if ("growth" in job) growthWorker(job.growth);
  else parentPort!.postMessage(insertKeys(job));
} else if (process.argv.includes("--growth")) {
  await growthBenchmark();
} else if (process.argv.includes("--child")) {
  const memory = argument("--memory");
  await runChild(
    Number(argument("--child")),
    Number(argument("--rms") ?? 9),
    memory === undefined ? undefined : Number(memory),
  );
} else if (process.argv.includes("--set")) {
  await setBenchmark();
} else {
  await searchBenchmark();
}
