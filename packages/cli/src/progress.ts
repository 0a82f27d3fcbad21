// Progress of a long check: a live line on a terminal (redrawn a few times a
// second), plain periodic lines in CI logs, nothing for short runs.
import type { ExhaustiveProgress } from "@faultline/checker";
import type { Io } from "./io.js";
import { plural } from "./plural.js";

export interface ProgressReporter {
  update(p: ExhaustiveProgress): void;
  /** Clear the live line before the result is printed. */
  done(): void;
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

export function progressLine(label: string, p: ExhaustiveProgress): string {
  const secs = p.elapsedMs / 1000;
  const rate = secs > 0 ? p.distinctStates / secs : 0;
  return (
    `${label}: ${plural(p.distinctStates, "state")}, depth ${p.currentDepth}, ` +
    `${fmt(rate)} states/s, queue ${fmt(p.queueStates)}, ${secs.toFixed(1)}s`
  );
}

/**
 * Live on a TTY (stderr, carriage return); in CI or when piped, one plain line
 * every `plainEveryMs` once a run has lasted `quietForMs`. Quiet mode prints nothing.
 */
export function createProgressReporter(
  io: Io,
  label: string,
  opts: { quiet?: boolean; plainEveryMs?: number; quietForMs?: number } = {},
): ProgressReporter {
  if (opts.quiet) return { update() {}, done() {} };
  const live = io.isTTY && !io.env["CI"];
  const plainEvery = opts.plainEveryMs ?? 10_000;
  const quietFor = opts.quietForMs ?? 2_000;
  let lastPlain = 0;
  let drawn = false;
  return {
    update(p) {
      if (p.elapsedMs < quietFor) return;
      if (live) {
        io.err(`\r\x1b[2K${progressLine(label, p)}`);
        drawn = true;
      } else if (p.elapsedMs - lastPlain >= plainEvery) {
        lastPlain = p.elapsedMs;
        io.err(`progress ${progressLine(label, p)}\n`);
      }
    },
    done() {
      if (drawn) io.err("\r\x1b[2K");
      drawn = false;
    },
  };
}
