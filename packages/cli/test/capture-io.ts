// Test helper: an Io that collects what a command prints, so commands run
// in-process instead of in a subprocess. By default as in CI: not a TTY, CI set.
// `out()` is stdout and stderr together in the order written; `stdout()` and
// `stderr()` keep them apart, as a subprocess's pipes would.
import type { Io } from "../src/io.js";

export interface CaptureOptions {
  /** stdout is a terminal (default false). */
  isTTY?: boolean;
  /** stderr is a terminal (default: as `isTTY`). */
  errIsTTY?: boolean;
  /** The width of stderr's terminal (default: unknown). */
  columns?: number;
  /** The environment the command sees (default `{ CI: "1" }`). */
  env?: Io["env"];
  /** Answers questions as a person at a terminal would (default: no terminal to ask on). */
  ask?: Io["ask"];
}

export interface Captured {
  io: Io;
  out: () => string;
  stdout: () => string;
  stderr: () => string;
}

export function captureIo(options: CaptureOptions = {}): Captured {
  let both = "";
  let stdout = "";
  let stderr = "";
  const io: Io = {
    out: (t) => {
      both += t;
      stdout += t;
    },
    err: (t) => {
      both += t;
      stderr += t;
    },
    isTTY: options.isTTY ?? false,
    env: options.env ?? { CI: "1" },
  };
  if (options.errIsTTY !== undefined) io.errIsTTY = options.errIsTTY;
  if (options.columns !== undefined) io.errColumns = options.columns;
  if (options.ask !== undefined) io.ask = options.ask;
  return { io, out: () => both, stdout: () => stdout, stderr: () => stderr };
}
