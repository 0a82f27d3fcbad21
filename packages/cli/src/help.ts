// The text of `faultline --help`, shared by every command that accepts --help.
import { REPORTERS } from "./reporters/names.js";
import { VERSION } from "./version.js";

export const HELP = `faultline ${VERSION} — a model checker for distributed designs

Usage:
  faultline check <files|dirs>... [options]   check every test of every .fl file
  faultline parse <files|dirs>...             parse and type-check only
  faultline compile <file.fl> [--out FILE]    print the generated TypeScript
  faultline replay <trace.itf.json>           replay a saved trace step by step
  faultline explore <trace.itf.json>          step through a trace in the terminal UI
  faultline explore <model.fl> [--test T]     explore a model by hand, step by step
  faultline init [dir] [--force]              scaffold a starter model, expected.json and a CI workflow
  faultline --help | --version

Check options:
  --test NAME           only tests with this name (repeatable, comma-separated)
  --param NAME=VALUE    check parameterized tests with these values of param NAME
                        instead of the declared ones (repeatable; VALUE may be a
                        comma-separated list); replay and explore take one value
  --mode M              exhaustive (default) | random | pct | auto
  --max-depth N         stop exploring below depth N
  --max-states N        stop after N distinct states
  --timeout D           stop after D (e.g. 30s, 5m)
  --workers N           worker threads for big state spaces (default: cores)
  --memory SIZE         memory budget of the search (e.g. 8GiB)
  --faults SPEC         replace each test's faults, e.g. "drop Ping at most 1"
  --no-symmetry         check the full state space of tests declared symmetric (...)
  --por                 partial-order reduction: fewer states, same safety verdicts
                        (counterexamples may be longer; liveness is checked in full)
  --no-liveness         skip the fair-cycle check of hot spec states after a pass
                        (it explores the full state space, unreduced)
  --seed S, --runs N, --run I, --max-steps N, --pct-depth D, --pct-length L,
  --temperature T
                        random and PCT exploration (docs/random-and-liveness.md)
  --coverage            states entered and handlers run, per machine
  --reporter R          ${REPORTERS.join(" | ")} (repeatable)
  --out DIR             write counterexample traces (ITF JSON) and reports there
  --expected            compare with expected.json beside each file (exit 0 when all match)
  --quiet               only failures and the summary
  --verbose             show traces of expected failures too

Exit codes: 0 pass, 1 property violation, 2 deadlock/unhandled event/runtime error,
3 liveness violation, 4 model error (syntax/type), 5 bound reached without verdict,
64 usage error, 70 internal error. See docs/cli.md.
`;
