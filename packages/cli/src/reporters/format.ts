// Wording and path helpers shared by the reporters, so every format names a
// failure, an outcome and a file the same way.
import { isAbsolute, normalize, relative } from "node:path";
import type { Failure } from "@faultline/checker";
import type { TestOutcome } from "./run-report.js";

/** A short title for a failure, e.g. "Invariant NoSplitDecision violated". */
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
    default:
      return `${String(f.kind)} ${f.property}`;
  }
}

/**
 * The failure as one sentence: its message when that already names the
 * property or the kind (most do), else prefixed with the title.
 */
export function failureSentence(f: Failure): string {
  const lower = f.message.toLowerCase();
  if (lower.startsWith(f.kind) || f.message.includes(f.property)) return f.message;
  return `${failureTitle(f)}: ${f.message}`;
}

/** Whether the test counts as passed: it matched its expectation, or (without one) passed. */
export function testPassed(t: TestOutcome): boolean {
  return t.expectation ? t.expectation.matched : t.outcome === "pass";
}

/** One phrase for the outcome: "pass", "violation of NoSplitDecision", "bounded (max-states)". */
export function outcomeText(t: TestOutcome): string {
  switch (t.outcome) {
    case "violation":
    case "liveness":
      return t.failure ? `${t.outcome} of ${t.failure.property}` : t.outcome;
    case "bounded":
      return t.boundReason ? `bounded (${t.boundReason})` : "bounded";
    case "error":
      return "checker error";
    default:
      return t.outcome;
  }
}

/** Why a bounded test has no verdict, as one sentence. */
export function boundedMessage(t: TestOutcome): string {
  const states = t.stats ? ` after ${t.stats.distinctStates.toLocaleString("en-US")} states` : "";
  const bound = t.boundReason ? `the ${t.boundReason} bound` : "a bound";
  return `${bound} was reached${states} without a verdict: states beyond it were not checked`;
}

export function formatSeconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

/**
 * The file's path relative to the repository root with `/` separators, or
 * null when it lies outside the root (or is absolute and no root is known).
 */
export function repoRelativePath(file: string, rootDir?: string): string | null {
  let rel: string;
  if (isAbsolute(file)) {
    if (rootDir === undefined) return null;
    rel = relative(rootDir, file);
  } else {
    rel = normalize(file);
  }
  rel = rel.replace(/\\/g, "/");
  if (rel === ".." || rel.startsWith("../") || isAbsolute(rel) || rel === "" || rel === ".") return null;
  return rel.replace(/^(\.\/)+/, "");
}

/** The path to show for a file in CI output: repository-relative when possible. */
export function displayPath(file: string, rootDir?: string): string {
  return repoRelativePath(file, rootDir) ?? file.replace(/\\/g, "/");
}

/** The lines of a counterexample to print: numbered step texts, at most `limit`, then the failure. */
export function counterexampleLines(t: TestOutcome, limit: number, rootDir?: string): string[] {
  const lines: string[] = [];
  const steps = t.traceSteps ?? [];
  const width = String(steps.length).length;
  steps.slice(0, limit).forEach((s, i) => {
    lines.push(`${String(i + 1).padStart(width)}. ${s.text}`);
  });
  if (steps.length > limit) lines.push(`... ${steps.length - limit} more step(s): see the trace file`);
  if (t.failure) {
    const loc = t.failure.location;
    const where = loc ? ` (${displayPath(loc.file, rootDir)}:${loc.line}:${loc.col})` : "";
    lines.push(`=> ${failureSentence(t.failure)}${where}`);
  }
  return lines;
}
