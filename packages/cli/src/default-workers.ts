// How many worker threads `check` uses when `--workers` is not given.
import { availableParallelism, loadavg } from "node:os";

/**
 * The cores not already busy (by the 1-minute load average), rounded, at
 * least 1 and at most the cores. A worker on a core that is already busy
 * only shares it: on a 2-core machine under load two workers ran slower than
 * one (issue 15), so the default takes only what is free. The load average is
 * 0 on Windows, where this is every core.
 */
export function defaultWorkers(cores = availableParallelism(), load = loadavg()[0] ?? 0): number {
  return Math.max(1, Math.min(cores, Math.round(cores - load)));
}
