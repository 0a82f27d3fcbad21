// The `faultline` command: dispatch to sub-commands; every path returns an exit code.
import { ExitCode, type ExitCodeValue, UsageError } from "./exit-codes.js";
import { COMMAND_NAMES, commandSpec } from "./command-specs.js";
import { commandHelp, HELP } from "./help.js";
import { VERSION } from "./version.js";
import type { Io } from "./io.js";

// Commands are loaded when used: `--help` and `--version` then start without
// the TypeScript compiler, the checker and the terminal UI.
export async function runCli(argv: readonly string[], io: Io): Promise<ExitCodeValue> {
  const [command, ...rest] = argv;
  // `faultline check --help`, `faultline help check`: that command's usage and flags.
  const helpFor =
    command === "help" ? rest[0] : rest.includes("--help") || rest.includes("-h") ? command : undefined;
  const spec = helpFor === undefined ? undefined : commandSpec(helpFor);
  if (spec) {
    io.out(commandHelp(spec));
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
        // A swarm shard (--shard, --shard-count) runs the search portfolio: commands/shard.ts.
        if (rest.some((a) => /^--shard(-count)?(=|$)/.test(a)))
          return await (await import("./commands/shard.js")).runShard(rest, io);
        return await (await import("./commands/check.js")).runCheck(rest, io);
      case "merge":
        return (await import("./commands/merge.js")).runMerge(rest, io);
      case "parse":
        return (await import("./commands/parse.js")).runParse(rest, io);
      case "compile":
        return (await import("./commands/compile.js")).runCompile(rest, io);
      case "replay":
        return (await import("./commands/replay.js")).runReplay(rest, io);
      case "explore":
        return await (await import("./commands/explore.js")).runExplore(rest, io);
      case "observe":
        return await (await import("./commands/observe.js")).runObserve(rest, io);
      case "fmt":
        return (await import("./commands/fmt.js")).runFmt(rest, io);
      case "lsp":
        return await (await import("./commands/lsp.js")).runLsp(rest, io);
      case "init":
        return (await import("./commands/init.js")).runInit(rest, io);
      default: {
        // The error path only: @faultline/lang is not loaded for --help or --version.
        const { didYouMean } = await import("@faultline/lang");
        const hint = command.startsWith("-") ? undefined : didYouMean(command, COMMAND_NAMES);
        const what = command.startsWith("-") ? "option" : "command";
        io.err(
          `faultline: unknown ${what} '${command}'${hint ? `; ${hint}` : ""}\n` +
            `Run 'faultline --help' for the commands.\n`,
        );
        return ExitCode.usage;
      }
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
