// Wording and path helpers shared by the reporters, so every format names an
// outcome and a file the same way (failures: failure-text.ts).
import { isAbsolute, normalize, relative } from "node:path";
import { failureSentence } from "./failure-text.js";
import type { VacuityWarning } from "@faultline/checker";
import type { TestOutcome } from "./run-report.js";
import { plural } from "../plural.js";

/** Whether the test counts as passed: it matched its expectation, or (without one) passed. */
export function testPassed(t: TestOutcome): boolean {
  return t.expectation ? t.expectation.matched : t.outcome === "pass" && !strictlyVacuous(t);
}

/** A passing test whose vacuity warnings fail it (`--strict`). */
export function strictlyVacuous(t: TestOutcome): boolean {
  return t.strict === true && (t.vacuity?.length ?? 0) > 0;
}

/** One phrase for the outcome: "pass", "violation of NoSplitDecision", "bounded (max-states)". */
export function outcomeText(t: TestOutcome): string {
  switch (t.outcome) {
    case "violation":
    case "liveness":
    case "unreached":
      return t.failure ? `${t.outcome} of ${t.failure.property}` : t.outcome;
    case "bounded":
      return t.boundReason ? `bounded (${t.boundReason})` : "bounded";
    case "error":
      return "checker error";
    default:
      return t.outcome;
  }
}

/** A vacuity warning as one line: `spec S never left its start state Idle (m.fl:3:1)`. */
export function vacuityLine(w: VacuityWarning, rootDir?: string): string {
  const at = w.location
    ? ` (${displayPath(w.location.file, rootDir)}:${w.location.line}:${w.location.col})`
    : "";
  return `${w.message}${at}`;
}

/** What --strict makes of a test's vacuity warnings, as one sentence. */
export function strictVacuityMessage(t: TestOutcome): string {
  return `${plural(t.vacuity?.length ?? 0, "vacuity warning")} (--strict): the pass may prove little`;
}

/** Why a bounded test has no verdict, as one sentence. */
export function boundedMessage(t: TestOutcome): string {
  const states = t.stats ? ` after ${plural(t.stats.distinctStates, "state")}` : "";
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

/**
 * The lines of a counterexample to print: numbered step texts, then the
 * failure. A trace longer than `limit` keeps its first steps and its failing
 * tail (what led to the failure), with the number of steps left out between.
 */
export function counterexampleLines(t: TestOutcome, limit: number, rootDir?: string): string[] {
  const lines: string[] = [];
  const steps = t.traceSteps ?? [];
  const width = String(steps.length).length;
  const line = (i: number) => `${String(i + 1).padStart(width)}. ${steps[i]!.text}`;
  if (steps.length <= limit) {
    for (let i = 0; i < steps.length; i++) lines.push(line(i));
  } else {
    const head = Math.min(3, Math.floor(limit / 3));
    const tail = limit - head;
    for (let i = 0; i < head; i++) lines.push(line(i));
    const omitted = steps.length - head - tail;
    lines.push(`... ${plural(omitted, "step")} left out (the trace file has them all) ...`);
    for (let i = steps.length - tail; i < steps.length; i++) lines.push(line(i));
  }
  if (t.failure) {
    const loc = t.failure.location;
    const where = loc ? ` (${displayPath(loc.file, rootDir)}:${loc.line}:${loc.col})` : "";
    lines.push(`=> ${failureSentence(t.failure)}${where}`);
  }
  return lines;
}
