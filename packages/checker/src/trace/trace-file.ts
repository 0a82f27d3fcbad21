// The trace file: a trace plus what it belongs to (model, test, failure, seed).
// `faultline check --out` writes one, `faultline replay` reads one back; ITF
// documents written by traceToItf are accepted too. The file's shape (TraceFile)
// is declared in trace.ts, beside the trace.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { errorMessage } from "../errors.js";
import { readItfTrace } from "./itf.js";
import type { Failure } from "../model.js";
import {
  isFailure,
  isRecord,
  TRACE_FILE_FORMAT,
  TRACE_FILE_VERSION,
  type Trace,
  type TraceFile,
  type TraceFileRead,
  type TraceMetadata,
} from "./trace.js";

export function createTraceFile(
  modelName: string,
  trace: Trace,
  failure?: Failure,
  metadata: TraceMetadata = {},
): TraceFile {
  const file: TraceFile = {
    format: TRACE_FILE_FORMAT,
    version: TRACE_FILE_VERSION,
    model: modelName,
    steps: trace.steps,
  };
  if (metadata.test !== undefined) file.test = metadata.test;
  if (metadata.mode !== undefined) file.mode = metadata.mode;
  if (metadata.seed !== undefined) file.seed = metadata.seed;
  if (metadata.faults !== undefined) file.faults = metadata.faults;
  if (metadata.loop !== undefined) file.loop = metadata.loop;
  if (metadata.source !== undefined) file.source = metadata.source;
  if (metadata.sourceSha256 !== undefined) file.sourceSha256 = metadata.sourceSha256;
  if (failure !== undefined) file.failure = failure;
  // Keep "steps" last so the small fields stay readable at the top of the file.
  const { steps, ...head } = file;
  return { ...head, steps };
}

export function serializeTraceFile(file: TraceFile): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}

/**
 * Reads a trace document: a Faultline trace file, or an ITF trace written by
 * `traceToItf` (its Faultline steps live in `#meta`). Bad input is an error
 * value, never a throw.
 */
export function parseTraceFile(text: string): TraceFileRead {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      message: `not valid JSON: ${errorMessage(error)}`,
    };
  }
  if (!isRecord(data)) return { ok: false, message: "a trace file must be a JSON object" };
  if (isRecord(data["#meta"])) return readItfTrace(data);
  if (data.format !== TRACE_FILE_FORMAT) {
    return { ok: false, message: `not a Faultline trace: "format" must be "${TRACE_FILE_FORMAT}"` };
  }
  if (typeof data.version !== "number" || data.version > TRACE_FILE_VERSION) {
    return { ok: false, message: `unsupported trace file version ${JSON.stringify(data.version)}` };
  }
  if (typeof data.model !== "string") return { ok: false, message: 'missing "model" name' };
  if (!Array.isArray(data.steps)) return { ok: false, message: 'missing "steps" array' };
  if (data.failure !== undefined && !isFailure(data.failure)) {
    return { ok: false, message: '"failure" must have string "kind", "property" and "message"' };
  }
  for (const key of ["test", "mode", "source", "faults"] as const) {
    if (data[key] !== undefined && typeof data[key] !== "string") {
      return { ok: false, message: `"${key}" must be a string` };
    }
  }
  if (data.seed !== undefined && typeof data.seed !== "number" && typeof data.seed !== "string") {
    return { ok: false, message: '"seed" must be a number or a string' };
  }
  return { ok: true, ...(data as unknown as TraceFile) };
}

/**
 * The `source` a trace file at `tracePath` records for the model at
 * `modelPath`: relative to the trace's own folder, with `/` separators, so the
 * trace replays from any directory, on any OS, and after the model and its
 * traces move together.
 */
export function traceSourcePath(modelPath: string, tracePath: string): string {
  return relative(dirname(resolve(tracePath)), resolve(modelPath))
    .split(sep)
    .join("/");
}

/**
 * The model file a trace names, as a path to open: relative to the trace
 * file's folder. Traces written before sources were recorded that way hold a
 * path relative to the directory `check` ran in; that is used only when the
 * file is there and not beside the trace.
 */
export function resolveTraceSource(source: string, tracePath: string): string {
  if (isAbsolute(source)) return source;
  const besideTrace = resolve(dirname(resolve(tracePath)), source);
  if (existsSync(besideTrace) || !existsSync(source)) return besideTrace;
  return resolve(source);
}

/** The content hash a trace records for its model's text. */
export function sourceSha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
