// The `faultline` command: dispatch to sub-commands; every path returns an exit code.
import { runCheck } from "./commands/check.js";
import { runCompile } from "./commands/compile.js";
import { runExplore } from "./commands/explore.js";
import { runParse } from "./commands/parse.js";
import { runReplay } from "./commands/replay.js";
import { ExitCode, type ExitCodeValue, UsageError } from "./exit-codes.js";
import { HELP } from "./help.js";
import { VERSION } from "./version.js";
import type { Io } from "./io.js";

export async function runCli(argv: readonly string[], io: Io): Promise<ExitCodeValue> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case "--help":
      case "-h":
      case "help":
        io.out(HELP);
        return command === undefined ? ExitCode.usage : ExitCode.pass;
      case "--version":
      case "-v":
        io.out(`${VERSION}\n`);
        return ExitCode.pass;
      case "check":
        return await runCheck(rest, io);
      case "parse":
        return runParse(rest, io);
      case "compile":
        return runCompile(rest, io);
      case "replay":
        return runReplay(rest, io);
      case "explore":
        return await runExplore(rest, io);
      default:
        io.err(`faultline: unknown command '${command}'\n\n${HELP}`);
        return ExitCode.usage;
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`faultline: ${e.message}\n`);
      return ExitCode.usage;
    }
    // Anything else thrown here is a Faultline bug, never a user error.
    io.err(`faultline: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    io.err("This is a bug in Faultline; please report it with the model that triggered it.\n");
    return ExitCode.internal;
  }
}
