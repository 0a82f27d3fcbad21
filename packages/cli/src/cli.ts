// The `faultline` command: dispatch to sub-commands; every path returns an exit code.
import { runCheck } from "./commands/check.js";
import { runCompile } from "./commands/compile.js";
import { runExplore } from "./commands/explore.js";
import { runParse } from "./commands/parse.js";
import { runReplay } from "./commands/replay.js";
import { ExitCode, type ExitCodeValue } from "./exit-codes.js";
import { VERSION } from "./index.js";
import type { Io } from "./io.js";

export const HELP = `faultline ${VERSION} — a model checker for distributed designs

Usage:
  faultline check <files|dirs>... [options]   check every test of every .fl file
  faultline parse <files|dirs>...             parse and type-check only
  faultline compile <file.fl> [--out FILE]    print the generated TypeScript
  faultline replay <trace.itf.json>           replay a saved trace step by step
  faultline explore <trace.itf.json>          step through a trace in the terminal UI
  faultline explore <model.fl> [--test T]     explore a model by hand, step by step
  faultline --help | --version

Check options:
  --test NAME           only tests with this name (repeatable, comma-separated)
  --mode M              exhaustive (default) | random | pct | auto
  --max-depth N         stop exploring below depth N
  --max-states N        stop after N distinct states
  --timeout D           stop after D (e.g. 30s, 5m)
  --workers N           worker threads for big state spaces (default: cores)
  --memory SIZE         memory budget of the search (e.g. 8GiB)
  --faults SPEC         replace each test's faults, e.g. "drop Ping at most 1"
  --seed S, --runs N, --run I, --max-steps N, --pct-depth D, --temperature T
                        random and PCT exploration (docs/random-and-liveness.md)
  --coverage            states entered and handlers run, per machine
  --reporter R          pretty | json | junit | sarif | github (repeatable)
  --out DIR             write counterexample traces (ITF JSON) and reports there
  --expected            compare with expected.json beside each file (exit 0 when all match)
  --quiet               only failures and the summary
  --verbose             show traces of expected failures too

Exit codes: 0 pass, 1 property violation, 2 deadlock/unhandled event/runtime error,
3 liveness violation, 4 model error (syntax/type), 5 bound reached without verdict,
64 usage error, 70 internal error. See docs/cli.md.
`;

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
    // Anything thrown here is a Faultline bug, never a user error.
    io.err(`faultline: internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    io.err("This is a bug in Faultline; please report it with the model that triggered it.\n");
    return ExitCode.internal;
  }
}
