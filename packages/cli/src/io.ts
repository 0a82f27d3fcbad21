// Where the CLI writes, injected so tests can run commands in-process.
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** stdout is a terminal: colours are allowed, and a person may be asked questions. */
  isTTY: boolean;
  /** stderr (where progress goes) is a terminal; absent: as `isTTY`. */
  errIsTTY?: boolean;
  /** The width of the terminal stderr writes to, in columns; absent when unknown. */
  errColumns?: number;
  env: Record<string, string | undefined>;
  /** Ask a person a question on the terminal; absent when stdin is not a terminal. */
  ask?: (question: string) => Promise<string>;
}

export function processIo(): Io {
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    isTTY: Boolean(process.stdout.isTTY),
    errIsTTY: Boolean(process.stderr.isTTY),
    // Read at each use: the terminal may be resized during a run.
    get errColumns() {
      return process.stderr.isTTY ? process.stderr.columns : undefined;
    },
    env: process.env,
    ...(process.stdin.isTTY && process.stdout.isTTY
      ? {
          ask: async (question: string) => {
            const { createInterface } = await import("node:readline/promises");
            const rl = createInterface({ input: process.stdin, output: process.stdout });
            try {
              return await rl.question(question);
            } finally {
              rl.close();
            }
          },
        }
      : {}),
  };
}

/**
 * Whether to colour output, decided here for every command: `NO_COLOR` (any
 * non-empty value) turns colour off; otherwise `FORCE_COLOR` turns it on (any
 * value but `0` or `false`, which turn it off); otherwise colour needs a
 * terminal on stdout and no `CI`.
 */
export function colorEnabled(io: Io): boolean {
  if (io.env["NO_COLOR"]) return false;
  const force = io.env["FORCE_COLOR"];
  if (force !== undefined) return !["0", "false"].includes(force.trim().toLowerCase());
  return io.isTTY && !io.env["CI"];
}
