// Where the CLI writes, injected so tests can run commands in-process.
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** stdout is a terminal: colours and live progress are allowed. */
  isTTY: boolean;
  env: Record<string, string | undefined>;
  /** Ask a person a question on the terminal; absent when stdin is not a terminal. */
  ask?: (question: string) => Promise<string>;
}

export function processIo(): Io {
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    isTTY: Boolean(process.stdout.isTTY),
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

export function colorEnabled(io: Io): boolean {
  return io.isTTY && !io.env["NO_COLOR"] && !io.env["CI"];
}
