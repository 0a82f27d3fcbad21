// How many worker threads a search should use when the user did not say:
// the cores that are free, measured while the single-threaded probe runs
// (check-model.ts). A worker on a core that is already busy only shares it,
// and on a 2-core machine under load two workers ran slower than one (issue
// 15). The 1-minute load average, the first rule, lags: a check run right
// after another one saw that one's load and took one worker on an idle
// machine; the CPU time the cores spent idle during the probe says what is
// free now.
import { availableParallelism, cpus, loadavg } from "node:os";

/** When the cores' idle time was read, and its sum over the cores (ms). */
export interface CpuSample {
  at: number;
  idleMs: number;
}

export function sampleCpus(): CpuSample {
  let idleMs = 0;
  for (const cpu of cpus()) idleMs += cpu.times.idle;
  return { at: performance.now(), idleMs };
}

/** Below this window the kernel's idle counters (10 ms ticks) say too little: the load average decides. */
const MIN_WINDOW_MS = 100;

/**
 * Workers for a search whose probe ran since `since`, at most `max`: this
 * thread's core plus the idle cores, rounded (the probe keeps one core busy,
 * so on an idle machine that is every core; V8's compiler and collector
 * threads take a share of the others, a quarter of one while the
 * message-passing 2PC's probe ran), at least 1.
 */
export function workersForFreeCores(
  since: CpuSample,
  max: number,
  now: CpuSample = sampleCpus(),
  byLoad: (max: number) => number = workersByLoadAverage,
): number {
  const wall = now.at - since.at;
  if (wall < MIN_WINDOW_MS) return byLoad(max);
  const idleCores = (now.idleMs - since.idleMs) / wall;
  return Math.max(1, Math.min(max, 1 + Math.round(idleCores)));
}

/** The cores not busy by the 1-minute load average, rounded, from 1 to `max` (0 load on Windows: every core). */
export function workersByLoadAverage(
  max: number,
  cores = availableParallelism(),
  load = loadavg()[0] ?? 0,
): number {
  return Math.max(1, Math.min(max, cores, Math.round(cores - load)));
}
