// A trace is the list of steps (plain JSON choices) from before the initial
// state. Nothing else is stored: replaying it with Model.apply reproduces every
// state, so a trace file stays small and outlives changes to the state layout.
// This file holds the trace and the trace file's shape (read and written by
// trace-file.ts and itf.ts), and the trace and failures as text.
import type { Failure, Json, Model, SourceLocation, StateView } from "../model.js";
import { formatValueShort } from "../value-text.js";
import { replayTrace } from "./replay.js";

export interface Trace {
  steps: Json[];
}

export const TRACE_FILE_FORMAT = "faultline-trace";
export const TRACE_FILE_VERSION = 1;

/** Where a trace came from, for the trace file and reporters. */
export interface TraceMetadata {
  /** The test the trace belongs to. */
  test?: string;
  /** "exhaustive" | "random" | ... */
  mode?: string;
  /** The random seed that produced it, if any. */
  seed?: number | string;
  /** The source file of the model, relative to the trace file's folder (traceSourcePath). */
  source?: string;
  /** SHA-256 (hex) of the model's text when the trace was written, so replay can tell it changed. */
  sourceSha256?: string;
  /** Faults given on the command line (`--faults`), replacing the test's own; replay needs them. */
  faults?: string;
  /** A liveness lasso: the index of the state the last state loops back to. */
  loop?: number;
}

/** The JSON document `faultline check --out` writes and `faultline replay` reads. */
export interface TraceFile extends TraceMetadata {
  format: typeof TRACE_FILE_FORMAT;
  version: number;
  model: string;
  failure?: Failure;
  steps: Json[];
}

/** A trace document read back: the file's fields, or why it could not be read. */
export type TraceFileRead = ({ ok: true } & TraceFile) | { ok: false; message: string };

export function isRecord(value: unknown): value is { [key: string]: unknown } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function isFailure(value: unknown): value is Failure {
  return (
    isRecord(value) &&
    typeof value.kind === "string" &&
    typeof value.property === "string" &&
    typeof value.message === "string"
  );
}

export function formatLocation(location: SourceLocation): string {
  return `${location.file}:${location.line}:${location.col}`;
}

/** Whether a failure's message already names it (starts with its kind or names its property). */
export function messageNamesFailure(failure: Failure): boolean {
  return failure.message.toLowerCase().startsWith(failure.kind) || failure.message.includes(failure.property);
}

/**
 * One line describing a failure: its message, prefixed with the kind and
 * property unless the message already names them, then the location, e.g.
 * `invariant Agreement does not hold (models/2pc.fl:40:3)`.
 */
export function failureToText(failure: Failure): string {
  const where = failure.location === undefined ? "" : ` (${formatLocation(failure.location)})`;
  const what = failure.property === failure.kind ? failure.kind : `${failure.kind} ${failure.property}`;
  return `${messageNamesFailure(failure) ? failure.message : `${what}: ${failure.message}`}${where}`;
}

/** Changes listed under one step of a text trace; the rest are counted. */
const MAX_CHANGES_PER_STEP = 40;

/**
 * The trace as text for logs: one numbered line per step from the model's
 * describeStep, then the values its `choose`s took, what the step changed
 * (state transitions, variables, timers, monitors) and the messages it sent,
 * then the failure. Replays the trace to label each step.
 */
export function traceToText<S, Step extends Json>(
  model: Model<S, Step>,
  trace: Trace,
  failure?: Failure,
  options: { changes?: boolean } = {},
): string {
  const replay = replayTrace(model, trace.steps);
  const width = String(trace.steps.length).length;
  const pad = " ".repeat(width + 4);
  const lines: string[] = [];
  let before: StateView | null = null;
  replay.labels.forEach((label, index) => {
    lines.push(`  ${String(index + 1).padStart(width)}. ${label.text}`);
    const state = replay.states[index];
    if (options.changes === false || state === undefined) return;
    const chosen = label.details?.["chosen"];
    if (Array.isArray(chosen)) {
      for (const c of chosen) {
        if (!isRecord(c)) continue;
        lines.push(`${pad}chose ${String(c["value"])}${typeof c["at"] === "string" ? ` (${c["at"]})` : ""}`);
      }
    }
    const after = model.viewState(state);
    lines.push(...changeLines(before, after, pad));
    const sends = label.details?.["sends"];
    if (Array.isArray(sends)) for (const send of sends) lines.push(`${pad}send ${String(send)}`);
    const printed = label.details?.["printed"];
    if (Array.isArray(printed)) for (const text of printed) lines.push(`${pad}print: ${String(text)}`);
    before = after;
  });
  if (replay.error !== undefined) lines.push(`  replay stopped: ${replay.error}`);
  else if (replay.replayed < trace.steps.length) {
    lines.push(`  replay stopped: step ${replay.replayed} failed before the end of the trace`);
  }
  if (failure !== undefined) lines.push(`  => ${failureToText(failure)}`);
  return lines.join("\n");
}

function compact(value: Json | undefined): string {
  return formatValueShort(value, 60);
}

/** The strings of a JSON array (a machine's armed timers), else none. */
function names(value: Json | undefined): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function isMachineShaped(value: Json | undefined): value is { [key: string]: Json } {
  return (
    isRecord(value) && "state" in value && (typeof value["state"] === "string" || value["state"] === null)
  );
}

/** Entries of two records that differ, as "prefix.key: old -> new" (or "= new" when added). */
function recordChanges(prefix: string, before: Json | undefined, after: Json | undefined): string[] {
  const b = isRecord(before) ? before : {};
  const a = isRecord(after) ? after : {};
  const out: string[] = [];
  for (const key of new Set([...Object.keys(b), ...Object.keys(a)])) {
    if (JSON.stringify(b[key]) === JSON.stringify(a[key])) continue;
    out.push(
      key in b
        ? `${prefix}${key}: ${compact(b[key] as Json)} -> ${compact(a[key] as Json)}`
        : `${prefix}${key} = ${compact(a[key] as Json)}`,
    );
  }
  return out;
}

/**
 * What a step changed, as the indented lines a text trace prints under it:
 * at most MAX_CHANGES_PER_STEP, then how many more (a step that creates
 * thousands of machines would flood a log; the trace file has them all).
 */
export function changeLines(before: StateView | null, after: StateView, pad: string): string[] {
  const changes = describeChanges(before, after);
  const lines = changes.slice(0, MAX_CHANGES_PER_STEP).map((change) => `${pad}${change}`);
  if (changes.length > MAX_CHANGES_PER_STEP) {
    lines.push(
      `${pad}... and ${changes.length - MAX_CHANGES_PER_STEP} more changes (replay or explore the trace for all)`,
    );
  }
  return lines;
}

/**
 * What changed between two state views, one short line each. Components shaped
 * like machines ({state, vars, status}) get "X: A -> B" and "X.v = 1"; monitors
 * and fault budgets get one line per entry; others a generic line. The network
 * is left out: sends are listed from the step label.
 */
export function describeChanges(before: StateView | null, after: StateView): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(after)) {
    if (name === "network") continue;
    const old = before?.[name];
    if (JSON.stringify(old) === JSON.stringify(value)) continue;
    if (name === "monitors" && isRecord(value)) {
      const prev = isRecord(old) ? old : {};
      for (const [monitor, m] of Object.entries(value)) {
        const p = prev[monitor];
        if (JSON.stringify(p) === JSON.stringify(m) || !isRecord(m)) continue;
        const pm = isRecord(p) ? p : {};
        if (pm["state"] !== m["state"]) {
          const heat = m["hot"] === true ? " (hot)" : "";
          out.push(
            `monitor ${monitor}: ${p === undefined ? "" : `${String(pm["state"])} -> `}${String(m["state"])}${heat}`,
          );
        }
        out.push(...recordChanges(`monitor ${monitor}.`, pm["vars"] as Json, m["vars"] as Json));
      }
      continue;
    }
    if (name === "faults" && isRecord(value)) {
      const prev = isRecord(old) ? old : {};
      out.push(...recordChanges("budget ", prev["budgets"] as Json, value["budgets"] as Json));
      if (JSON.stringify(prev["partition"] ?? null) !== JSON.stringify(value["partition"] ?? null)) {
        const partition = value["partition"];
        out.push(
          partition === null || partition === undefined
            ? "partition healed"
            : `partition: ${typeof partition === "string" ? partition : compact(partition)}`,
        );
      }
      continue;
    }
    if (isMachineShaped(value)) {
      const prev = isMachineShaped(old) ? old : undefined;
      if (prev === undefined) {
        const vars = isRecord(value["vars"]) ? Object.entries(value["vars"]) : [];
        const initial = vars.map(([v, x]) => `${v} = ${compact(x as Json)}`).join(", ");
        out.push(`${name} created in ${String(value["state"])}${initial === "" ? "" : `: ${initial}`}`);
        continue;
      }
      if (prev["status"] !== value["status"])
        out.push(`${name}: ${String(prev["status"])} -> ${String(value["status"])}`);
      if (prev["state"] !== value["state"] && value["state"] !== null && prev["state"] !== null) {
        out.push(`${name}: ${String(prev["state"])} -> ${String(value["state"])}`);
      } else if (prev["state"] === null && value["state"] !== null) {
        out.push(`${name} enters ${String(value["state"])}`);
      }
      const vars = isRecord(value["vars"]) ? value["vars"] : {};
      const oldVars = isRecord(prev["vars"]) ? prev["vars"] : {};
      for (const [v, x] of Object.entries(vars)) {
        if (JSON.stringify(oldVars[v]) !== JSON.stringify(x))
          out.push(`${name}.${v} = ${compact(x as Json)}`);
      }
      const timers = names(value["timers"]);
      const oldTimers = names(prev["timers"]);
      for (const t of timers) if (!oldTimers.includes(t)) out.push(`${name} timer ${t} armed`);
      for (const t of oldTimers) if (!timers.includes(t)) out.push(`${name} timer ${t} stopped`);
      continue;
    }
    out.push(
      old === undefined ? `${name} = ${compact(value)}` : `${name}: ${compact(old)} -> ${compact(value)}`,
    );
  }
  return out;
}
