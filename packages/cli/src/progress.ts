// Progress of a long check: a live line on a terminal (redrawn a few times a
// second), plain periodic lines in CI logs, nothing for short runs.
import type { ExhaustiveProgress } from "@faultline/checker";
import cliTruncate from "cli-truncate";
import stringWidth from "string-width";
import type { Io } from "./io.js";
import { plural } from "./plural.js";

export interface ProgressReporter {
  update(p: ExhaustiveProgress): void;
  /** Clear the live line before the result is printed. */
  done(): void;
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

/**
 * `label: N states, depth D, R states/s, queue Q, Ts`. With `columns`, at most
 * that wide: the queue, the rate and the depth are dropped in that order, then
 * the label is shortened, then (a very narrow terminal) the line is cut.
 */
export function progressLine(label: string, p: ExhaustiveProgress, columns?: number): string {
  const secs = p.elapsedMs / 1000;
  const rate = secs > 0 ? p.distinctStates / secs : 0;
  const states = plural(p.distinctStates, "state");
  const elapsed = `${secs.toFixed(1)}s`;
  // Most important first; `elapsed` always comes last.
  const optional = [`depth ${p.currentDepth}`, `${fmt(rate)} states/s`, `queue ${fmt(p.queueStates)}`];
  const line = (l: string, fields: string[]) => `${l}: ${[states, ...fields, elapsed].join(", ")}`;
  if (columns === undefined) return line(label, optional);
  for (let keep = optional.length; keep >= 0; keep--) {
    const text = line(label, optional.slice(0, keep));
    if (stringWidth(text) <= columns) return text;
  }
  // Even the states and the time do not fit beside the whole label: shorten it.
  const rest = stringWidth(line("", []));
  if (columns - rest >= 3) return line(cliTruncate(label, columns - rest, { position: "middle" }), []);
  return cliTruncate(line(label, []), columns);
}

/**
 * Live when stderr (where it writes) is a terminal and CI is not set: one line
 * redrawn with a carriage return, kept narrower than the terminal so that it
 * never wraps (a wrapped line cannot be redrawn in place); 80 columns when the
 * width is unknown. Otherwise one plain line every `plainEveryMs` once a run has
 * lasted `quietForMs`. Quiet mode prints nothing.
 */
export function createProgressReporter(
  io: Io,
  label: string,
  opts: { quiet?: boolean; plainEveryMs?: number; quietForMs?: number } = {},
): ProgressReporter {
  if (opts.quiet) return { update() {}, done() {} };
  const live = (io.errIsTTY ?? io.isTTY) && !io.env["CI"];
  const plainEvery = opts.plainEveryMs ?? 10_000;
  const quietFor = opts.quietForMs ?? 2_000;
  let lastPlain = 0;
  let drawn = false;
  return {
    update(p) {
      if (p.elapsedMs < quietFor) return;
      if (live) {
        // One column spare: some terminals wrap as soon as the last column is written.
        const columns = Math.max(1, (io.errColumns || 80) - 1);
        io.err(`\r\x1b[2K${progressLine(label, p, columns)}`);
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
