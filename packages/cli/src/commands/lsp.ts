// `faultline lsp`: the language server on stdin/stdout (lsp/server.ts) until
// the client closes the connection. `--stdio` is accepted (editors pass it).
import { parseArgs } from "../args.js";
import { LSP_FLAGS } from "../command-specs.js";
import { ExitCode, type ExitCodeValue } from "../exit-codes.js";
import type { Io } from "../io.js";

export async function runLsp(argv: readonly string[], io: Io): Promise<ExitCodeValue> {
  const parsed = parseArgs(argv, LSP_FLAGS);
  if (!parsed.ok) {
    io.err(`faultline lsp: ${parsed.message}\n`);
    return ExitCode.usage;
  }
  if (parsed.args.positionals.length > 0) {
    io.err("faultline lsp: takes no files (usage: faultline lsp [--stdio])\n");
    return ExitCode.usage;
  }
  const { startServer } = await import("../lsp/server.js");
  const connection = startServer();
  // The connection ends the process on `exit`; until then, wait for it to close.
  return await new Promise<ExitCodeValue>((resolve) => connection.onExit(() => resolve(ExitCode.pass)));
}
