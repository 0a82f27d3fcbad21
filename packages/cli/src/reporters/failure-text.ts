// Every phrasing of a failure the CLI prints: the terminal report, the CI
// reporters, the explorer's header and panes. The one-line form is the
// checker's `failureToText` (traces and `replay` print it through
// `traceToText`); the others are built here from the same parts, so a kind or a
// property is named the same way everywhere.
import { type Failure, failureToText, messageNamesFailure } from "@faultline/checker";

/** `invariant NoSplitDecision`: the kind and the property, always both (the explorer's headline). */
export function failureHeadline(f: Failure): string {
  return `${f.kind} ${f.property}`;
}

/** `invariant NoSplitDecision`, or just `deadlock` when the property is the kind. */
export function failureName(f: Failure): string {
  return f.property === f.kind ? f.kind : failureHeadline(f);
}

/** One line for logs and traces: `invariant NoSplitDecision: <message> (file:line:col)`. */
export function failureLine(f: Failure): string {
  return failureToText(f);
}

/** A test's verdict in the terminal report: the one-line form, `invariant NoSplitDecision does not hold (file:line:col)`. */
export function failureVerdict(f: Failure): string {
  return failureToText(f);
}

/** The headline and the message, for the explorer's panes: `invariant NoSplitDecision: <message>`. */
export function failureWithMessage(f: Failure): string {
  return `${failureHeadline(f)}: ${f.message}`;
}

/** What running one step would fail with, for a row of next steps: `assertion: <message>`. */
export function stepFailureText(f: Failure): string {
  return `${f.kind}: ${f.message}`;
}

/** A short title for a failure, e.g. "Invariant NoSplitDecision violated" (annotations, summaries). */
export function failureTitle(f: Failure): string {
  switch (f.kind) {
    case "invariant":
      return `Invariant ${f.property} violated`;
    case "assertion":
      return "Assertion failed";
    case "spec-assertion":
      return `Spec ${f.property} assertion failed`;
    case "unhandled-event":
      return "Unhandled event";
    case "deadlock":
      return "Deadlock";
    case "hot-at-end":
      return `Spec ${f.property} hot at the end`;
    case "liveness":
      return `Liveness of ${f.property} violated`;
    case "runtime-error":
      return "Runtime error";
    case "unreached":
      return `${f.property} never witnessed`;
    default:
      return `${String(f.kind)} ${f.property}`;
  }
}

/**
 * The failure as one sentence: its message when that already names the
 * property or the kind (most do), else prefixed with the title.
 */
export function failureSentence(f: Failure): string {
  return messageNamesFailure(f) ? f.message : `${failureTitle(f)}: ${f.message}`;
}
