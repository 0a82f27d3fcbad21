// expected.json beside a model: what each test of each file must produce.
// { "file.fl": { "TestName": { "outcome": "pass" } | { "outcome": "violation", "property": "P" } } }
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { UsageError } from "./exit-codes.js";

export interface ExpectedOutcome {
  outcome: "pass" | "violation" | "deadlock" | "liveness" | "unreached" | "bounded" | "model-error";
  property?: string;
  /** Optional pins, checked when present. */
  states?: number;
  traceLength?: number;
  /** Per witness property (`reachable`, `cover`): the length of its shortest witness trace. */
  witnesses?: Record<string, number>;
}

export type ExpectedFile = Record<string, Record<string, ExpectedOutcome>>;

const cache = new Map<string, ExpectedFile | null>();

export function expectedFor(file: string): Record<string, ExpectedOutcome> | null {
  const dir = dirname(file);
  if (!cache.has(dir)) {
    const path = join(dir, "expected.json");
    if (!existsSync(path)) cache.set(dir, null);
    else {
      try {
        cache.set(dir, JSON.parse(readFileSync(path, "utf8")) as ExpectedFile);
      } catch (e) {
        throw new UsageError(`${path} is not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }
  return cache.get(dir)?.[basename(file)] ?? null;
}

export interface ActualOutcome {
  outcome: ExpectedOutcome["outcome"];
  property?: string;
  states?: number;
  traceLength?: number;
  /** The reached witness properties' shortest trace lengths. */
  witnesses?: Record<string, number>;
}

/** Null when actual matches expected, else a one-line explanation. */
export function compareOutcome(expected: ExpectedOutcome, actual: ActualOutcome): string | null {
  const show = (o: { outcome: string; property?: string }) =>
    o.property ? `${o.outcome} of ${o.property}` : o.outcome;
  if (expected.outcome !== actual.outcome || (expected.property && expected.property !== actual.property)) {
    return `expected ${show(expected)}, got ${show(actual)}`;
  }
  if (expected.states !== undefined && expected.states !== actual.states) {
    return `expected ${expected.states} distinct states, got ${actual.states}`;
  }
  if (expected.traceLength !== undefined && expected.traceLength !== actual.traceLength) {
    return `expected a ${expected.traceLength}-step counterexample, got ${actual.traceLength}`;
  }
  for (const [name, length] of Object.entries(expected.witnesses ?? {})) {
    const got = actual.witnesses?.[name];
    if (got !== length) {
      return `expected a ${length}-step witness of ${name}, got ${got === undefined ? "none" : `${got} steps`}`;
    }
  }
  return null;
}
