// Where the CLI writes, injected so tests can run commands in-process.
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** stdout is a terminal: colours and live progress are allowed. */
  isTTY: boolean;
  env: Record<string, string | undefined>;
}

export function processIo(): Io {
  return {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    isTTY: Boolean(process.stdout.isTTY),
    env: process.env,
  };
}

export function colorEnabled(io: Io): boolean {
  return io.isTTY && !io.env["NO_COLOR"] && !io.env["CI"];
}
