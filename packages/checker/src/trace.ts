// A trace is the list of steps (plain JSON choices) from before the initial
// state. Nothing else is stored: replaying it with Model.apply reproduces every
// state, so a trace file stays small and outlives changes to the state layout.
import type { Failure, Json, Model, SourceLocation } from "./model.js";
import { replayTrace } from "./replay.js";

export interface Trace {
  steps: Json[];
}

export const TRACE_FILE_FORMAT = "faultline-trace";
export const TRACE_FILE_VERSION = 1;

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

/** One line describing a failure, e.g. `invariant Agreement: ... (models/2pc.fl:40:3)`. */
export function failureToText(failure: Failure): string {
  const where = failure.location === undefined ? "" : ` (${formatLocation(failure.location)})`;
  return `${failure.kind} ${failure.property}: ${failure.message}${where}`;
}

/**
 * The trace as text for logs: one numbered line per step from the model's
 * describeStep, then the failure. Replays the trace to label each step.
 */
export function traceToText<S, Step extends Json>(
  model: Model<S, Step>,
  trace: Trace,
  failure?: Failure,
): string {
  const replay = replayTrace(model, trace.steps);
  const width = String(trace.steps.length).length;
  const lines = replay.labels.map((label, index) => `  ${String(index + 1).padStart(width)}. ${label.text}`);
  if (replay.error !== undefined) lines.push(`  replay stopped: ${replay.error}`);
  else if (replay.replayed < trace.steps.length) {
    lines.push(`  replay stopped: step ${replay.replayed} failed before the end of the trace`);
  }
  if (failure !== undefined) lines.push(`  => ${failureToText(failure)}`);
  return lines.join("\n");
}
