// The trace file: a trace plus what it belongs to (model, test, failure, seed).
// `faultline check --out` writes one, `faultline replay` reads one back; ITF
// documents written by traceToItf are accepted too. The file's shape (TraceFile)
// is declared in trace.ts, beside the trace.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { errorMessage } from "../errors.js";
import { readItfTrace } from "./itf.js";
import type { Failure, Json } from "../model.js";
import {
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

/** Options of parseTraceFile. */
export interface TraceFileOptions {
  /**
   * Checks the shape of one step (for .fl models, `flStepShapeProblem`):
   * the field inside the step that is wrong and why, or null when it fits.
   */
  stepProblem?: (step: Json) => { field: string; message: string } | null;
}

/**
 * Reads a trace document: a Faultline trace file, or an ITF trace written by
 * `traceToItf` (its Faultline steps live in `#meta`). Every field replay
 * uses is checked (its type, `loop` against the number of steps, each step
 * with `options.stepProblem`), and a wrong one is named in the message
 * (`field "loop" must be ...`). Bad input is an error value, never a throw.
 */
export function parseTraceFile(text: string, options: TraceFileOptions = {}): TraceFileRead {
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
  if (isRecord(data["#meta"])) return readItfDocument(data, data["#meta"], options);
  if (data.format !== TRACE_FILE_FORMAT) {
    return { ok: false, message: `not a Faultline trace: "format" must be "${TRACE_FILE_FORMAT}"` };
  }
  if (typeof data.version !== "number" || data.version > TRACE_FILE_VERSION) {
    return { ok: false, message: `unsupported trace file version ${JSON.stringify(data.version)}` };
  }
  if (typeof data.model !== "string") return { ok: false, message: 'missing "model" name' };
  if (!Array.isArray(data.steps)) return { ok: false, message: 'missing "steps" array' };
  const problem = metadataProblem(data, "") ?? loopTypeProblem(data.loop, "loop");
  if (problem !== null) return problem;
  return checkContent({ ok: true, ...(data as unknown as TraceFile) }, "", options);
}

/** An ITF document: its Faultline fields in `#meta.faultline` checked, then read by readItfTrace. */
function readItfDocument(
  data: { [key: string]: unknown },
  meta: { [key: string]: unknown },
  options: TraceFileOptions,
): TraceFileRead {
  const faultline = meta.faultline;
  if (faultline !== undefined && !isRecord(faultline)) {
    return fieldProblem("#meta.faultline", "must be an object", faultline);
  }
  const own = faultline ?? {};
  const prefix = "#meta.faultline.";
  const problem =
    metadataProblem(own, prefix) ??
    (own.steps !== undefined && !Array.isArray(own.steps)
      ? fieldProblem(`${prefix}steps`, "must be a list of steps", own.steps)
      : null) ??
    loopTypeProblem(data.loop, "loop") ??
    loopTypeProblem(own.loop, `${prefix}loop`);
  if (problem !== null) return problem;
  if (data.loop !== undefined && own.loop !== undefined && data.loop !== own.loop) {
    return {
      ok: false,
      message: `field "loop" (${data.loop}) and field "${prefix}loop" (${own.loop}) must be the same`,
    };
  }
  const read = readItfTrace(data);
  if (!read.ok) return read;
  if (read.loop === undefined && typeof own.loop === "number") read.loop = own.loop;
  return checkContent(read, Array.isArray(own.steps) ? prefix : "", options);
}

/** The metadata fields' types: strings, the seed, the SHA-256, the failure. */
function metadataProblem(record: { [key: string]: unknown }, prefix: string): TraceFileRead | null {
  for (const key of ["model", "test", "mode", "source", "faults", "sourceSha256"] as const) {
    if (record[key] !== undefined && typeof record[key] !== "string") {
      return fieldProblem(`${prefix}${key}`, "must be a string", record[key]);
    }
  }
  if (record.sourceSha256 !== undefined && !/^[0-9a-f]{64}$/.test(record.sourceSha256 as string)) {
    return fieldProblem(`${prefix}sourceSha256`, "must be 64 hexadecimal digits", record.sourceSha256);
  }
  const seed = record.seed;
  if (
    seed !== undefined &&
    typeof seed !== "string" &&
    !(typeof seed === "number" && Number.isInteger(seed))
  ) {
    return fieldProblem(`${prefix}seed`, "must be an integer or a string", seed);
  }
  const failure = record.failure;
  if (failure !== undefined) {
    if (!isRecord(failure)) {
      return fieldProblem(
        `${prefix}failure`,
        'must be an object with "kind", "property" and "message"',
        failure,
      );
    }
    for (const key of ["kind", "property", "message"] as const) {
      if (typeof failure[key] !== "string") {
        return fieldProblem(`${prefix}failure.${key}`, "must be a string", failure[key]);
      }
    }
  }
  return null;
}

function loopTypeProblem(loop: unknown, field: string): TraceFileRead | null {
  if (loop === undefined || (typeof loop === "number" && Number.isInteger(loop))) return null;
  return fieldProblem(field, "must be an integer (the index of the state the lasso loops back to)", loop);
}

/** What needs the steps: `loop` names one of the trace's states, and each step has its shape. */
function checkContent(
  read: TraceFileRead & { ok: true },
  prefix: string,
  options: TraceFileOptions,
): TraceFileRead {
  const states = read.steps.length;
  if (read.loop !== undefined && !(read.loop >= 0 && read.loop < states)) {
    return states === 0
      ? fieldProblem("loop", "must be absent: the trace has no steps", read.loop)
      : fieldProblem(
          "loop",
          `must be an integer in 0..${states - 1} (the trace has ${states} states)`,
          read.loop,
        );
  }
  if (options.stepProblem !== undefined) {
    for (const [index, step] of read.steps.entries()) {
      const problem = options.stepProblem(step);
      if (problem === null) continue;
      const inside =
        problem.field === "" ? "" : problem.field.startsWith("[") ? problem.field : `.${problem.field}`;
      return {
        ok: false,
        message: `field "${prefix}steps[${index}]${inside}" ${problem.message} (step ${index + 1})`,
      };
    }
  }
  return read;
}

function fieldProblem(field: string, message: string, got: unknown): TraceFileRead {
  const shown = JSON.stringify(got) ?? String(got);
  return {
    ok: false,
    message: `field "${field}" ${message}, got ${shown.length > 40 ? `${shown.slice(0, 37)}...` : shown}`,
  };
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
