// The `faultline` command: dispatch to sub-commands; every path returns an exit code.
import { ExitCode, type ExitCodeValue, UsageError } from "./exit-codes.js";
import { HELP } from "./help.js";
import { VERSION } from "./version.js";
import type { Io } from "./io.js";

// Commands are loaded when used: `--help` and `--version` then start without
// the TypeScript compiler, the checker and the terminal UI.
export async function runCli(argv: readonly string[], io: Io): Promise<ExitCodeValue> {
  const [command, ...rest] = argv;
  // `faultline check --help` and the like: every command shares the one help text.
  if (command !== undefined && !command.startsWith("-") && (rest.includes("--help") || rest.includes("-h"))) {
    io.out(HELP);
    return ExitCode.pass;
  }
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
        return await (await import("./commands/check.js")).runCheck(rest, io);
      case "parse":
        return (await import("./commands/parse.js")).runParse(rest, io);
      case "compile":
        return (await import("./commands/compile.js")).runCompile(rest, io);
      case "replay":
        return (await import("./commands/replay.js")).runReplay(rest, io);
      case "explore":
        return await (await import("./commands/explore.js")).runExplore(rest, io);
      case "init":
        return (await import("./commands/init.js")).runInit(rest, io);
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
