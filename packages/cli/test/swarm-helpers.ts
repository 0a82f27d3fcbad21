// Shared by the swarm tests: the CLI in-process, and the words of a replay command.
import { runCli } from "../src/cli.js";
import { captureIo } from "./capture-io.js";

/** Runs `faultline argv` in-process: its exit code, stdout and stderr. */
export async function cli(argv: string[], env: Record<string, string> = { CI: "1" }) {
  const c = captureIo({ env });
  const code = await runCli(argv, c.io);
  return { code, stdout: c.stdout(), stderr: c.stderr() };
}

/** The words of a POSIX command line with single-quoted words (as shellQuote writes them). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  for (const m of line.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g))
    words.push(m[1]?.replace(/'\\''/g, "'") ?? m[2]!);
  return words;
}
