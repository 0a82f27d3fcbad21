// Exit codes are part of the CLI's contract (docs/cli.md): CI scripts branch on them.
import type { Failure } from "@faultline/checker";

export const ExitCode = {
  /** Every test passed (or every outcome matched its expectation with --expected). */
  pass: 0,
  /** A stated property failed: an invariant, an `assert`, a spec monitor's assert. */
  violation: 1,
  /** A built-in check failed: deadlock, unhandled event, runtime error in the model. */
  builtinFailure: 2,
  /** A liveness property failed: a monitor stays hot forever, or is hot at the end. */
  liveness: 3,
  /** The model does not compile: syntax, name, type or foreign-function errors. */
  modelError: 4,
  /** A bound (depth, states, time) was reached before a verdict. */
  bounded: 5,
  /** `replay` only: the trace no longer reproduces its recorded failure (or no longer replays). */
  notReproduced: 6,
  /** `replay` only: the trace fails, but not with the failure it recorded. */
  differentFailure: 7,
  /** `observe` only: a spec monitor is still hot at the end of the input (docs/observe.md). */
  unresolved: 8,
  /** The command line is wrong: unknown flag, missing file. */
  usage: 64,
  /** A bug in Faultline itself. */
  internal: 70,
  /** Ctrl-C (SIGINT) stopped the run; the reports say what was checked so far (128 + SIGINT's 2). */
  interrupted: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Several results: the most severe decides (model errors first, then failures). */
const SEVERITY_ORDER: ExitCodeValue[] = [
  ExitCode.internal,
  ExitCode.usage,
  ExitCode.modelError,
  ExitCode.differentFailure,
  ExitCode.notReproduced,
  ExitCode.violation,
  ExitCode.builtinFailure,
  ExitCode.liveness,
  ExitCode.unresolved,
  ExitCode.bounded,
  ExitCode.pass,
];

export function combineExitCodes(codes: readonly ExitCodeValue[]): ExitCodeValue {
  for (const c of SEVERITY_ORDER) if (codes.includes(c)) return c;
  return ExitCode.pass;
}

/** A mistake in how Faultline was called (bad flag value, unreadable input file): exit 64, no stack trace. */
export class UsageError extends Error {}

/** The exit code `faultline replay` gives a trace ending in `failure`. */
export function exitCodeForFailure(failure: Failure | null): ExitCodeValue {
  if (failure === null) return ExitCode.pass;
  switch (failure.kind) {
    case "deadlock":
    case "unhandled-event":
    case "runtime-error":
      return ExitCode.builtinFailure;
    case "hot-at-end":
    case "liveness":
      return ExitCode.liveness;
    default:
      return ExitCode.violation;
  }
}
