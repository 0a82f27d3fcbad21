// Traces in the Informal Trace Format (ITF) of Apalache and Quint, so their
// viewers and scripts can read Faultline counterexamples. The Faultline steps
// travel in `#meta`, which ITF readers ignore, so `faultline replay` can replay
// an ITF file exactly as it replays a native trace file. Outside `#meta` a
// document holds ITF values only (no JSON null, no fractions); a lasso's
// `loop` is the index of the state it returns to, and its last state is not
// repeated (the step back to `states[loop]` stays in `#meta`). The shape is
// pinned by docs/schemas/itf.schema.json.
import type { Failure, Json, Model, StateView, StepLabel } from "../model.js";
import { formatValue } from "../value-text.js";
import { replayTrace } from "./replay.js";
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

export const ITF_FORMAT_DESCRIPTION = "https://apalache-mc.org/docs/adr/015adr-trace.html";

export interface ItfWriteOptions extends TraceMetadata {
  /** A sentence for `#meta.description`. */
  description?: string;
  failure?: Failure;
  /**
   * For lasso-shaped (liveness) traces: the index of the state the last state
   * of `trace` loops back to (Faultline's `loop`). That last state, equal to
   * `states[loop]`, is left out of the ITF `states`, as ADR-015 wants; its step
   * stays in `#meta.faultline.steps` and in the last state's `#meta.loopStep`.
   */
  loop?: number;
}

type JsonRecord = { [key: string]: Json };

/**
 * Converts a generic JSON value to an ITF value: integers become
 * `{"#bigint": "n"}`, arrays lists, objects records. ITF has no null or
 * fractions; those become `{"#unserializable": "..."}`. Keys are kept, so ITF
 * tags already present (`#set`, `#map`, `#tup`) survive with converted contents.
 */
export function toItfValue(value: Json): Json {
  if (value === null) return { "#unserializable": "null" };
  if (typeof value === "number") {
    return Number.isInteger(value) ? { "#bigint": String(value) } : { "#unserializable": String(value) };
  }
  if (typeof value === "boolean" || typeof value === "string") return value;
  if (Array.isArray(value)) return value.map(toItfValue);
  const record: JsonRecord = {};
  for (const key of Object.keys(value)) record[key] = toItfValue(value[key]!);
  return record;
}

function labelToJson(label: StepLabel): JsonRecord {
  // JSON round trip drops undefined fields, leaving plain JSON.
  return JSON.parse(JSON.stringify(label)) as JsonRecord;
}

/** Replays `trace` and writes it as an ITF document (a JSON value ready for JSON.stringify). */
export function traceToItf<S, Step extends Json>(
  model: Model<S, Step>,
  trace: Trace,
  options: ItfWriteOptions = {},
): JsonRecord {
  const replay = replayTrace(model, trace.steps);
  // A lasso's last state repeats states[loop]: ITF wants it left out.
  const lasso = options.loop !== undefined && options.loop < replay.states.length - 1;
  const kept = lasso ? replay.states.length - 1 : replay.states.length;
  const vars: string[] = [];
  const seen = new Set<string>();
  const states: Json[] = [];
  replay.states.slice(0, kept).forEach((state, index) => {
    const variables: JsonRecord =
      model.itfState !== undefined
        ? model.itfState(state)
        : (toItfValue(model.viewState(state)) as JsonRecord);
    const stateMeta: JsonRecord = {
      index,
      step: trace.steps[index]!,
      label: labelToJson(replay.labels[index]!),
    };
    if (lasso && index === kept - 1) stateMeta.loopStep = trace.steps[kept]!;
    const entry: JsonRecord = { "#meta": stateMeta };
    for (const name of Object.keys(variables)) {
      if (!seen.has(name)) {
        seen.add(name);
        vars.push(name);
      }
      entry[name] = variables[name]!;
    }
    states.push(entry);
  });

  const faultline: JsonRecord = { model: model.name };
  if (options.test !== undefined) faultline.test = options.test;
  if (options.mode !== undefined) faultline.mode = options.mode;
  if (options.seed !== undefined) faultline.seed = options.seed;
  if (options.source !== undefined) faultline.source = options.source;
  if (options.sourceSha256 !== undefined) faultline.sourceSha256 = options.sourceSha256;
  if (options.faults !== undefined) faultline.faults = options.faults;
  if (options.failure !== undefined) faultline.failure = JSON.parse(JSON.stringify(options.failure)) as Json;
  if (replay.error !== undefined) faultline.replayError = replay.error;
  faultline.steps = trace.steps;
  if (options.loop !== undefined) faultline.loop = options.loop;

  const meta: JsonRecord = { format: "ITF", "format-description": ITF_FORMAT_DESCRIPTION };
  if (options.source !== undefined) meta.source = options.source;
  if (options.description !== undefined) meta.description = options.description;
  else if (options.failure !== undefined) {
    meta.description = `Faultline counterexample: ${options.failure.kind} ${options.failure.property}`;
  }
  meta.faultline = faultline;
  const document: JsonRecord = { "#meta": meta, vars, states };
  if (options.loop !== undefined) document.loop = options.loop;
  return document;
}

/**
 * Reads the Faultline steps back from an ITF document: from `#meta.faultline`
 * when present, else from each state's `#meta.step` (and a lasso's last
 * `#meta.loopStep`).
 */
export function readItfTrace(data: unknown): TraceFileRead {
  if (!isRecord(data)) return { ok: false, message: "an ITF trace must be a JSON object" };
  const meta = data["#meta"];
  if (!isRecord(meta)) return { ok: false, message: 'not an ITF trace: missing "#meta"' };
  const faultline = isRecord(meta.faultline) ? meta.faultline : {};
  let steps: Json[];
  if (Array.isArray(faultline.steps)) {
    steps = faultline.steps as Json[];
  } else {
    if (!Array.isArray(data.states)) return { ok: false, message: 'not an ITF trace: missing "states"' };
    steps = [];
    for (const [index, state] of data.states.entries()) {
      const stateMeta = isRecord(state) ? state["#meta"] : undefined;
      if (!isRecord(stateMeta) || !("step" in stateMeta)) {
        return { ok: false, message: `ITF state ${index} has no Faultline step in its "#meta"` };
      }
      steps.push(stateMeta.step as Json);
      // A lasso's step back to states[loop] rides on its last state.
      if ("loopStep" in stateMeta) steps.push(stateMeta.loopStep as Json);
    }
  }
  const file: TraceFile = {
    format: TRACE_FILE_FORMAT,
    version: TRACE_FILE_VERSION,
    model: typeof faultline.model === "string" ? faultline.model : "",
    steps,
  };
  if (typeof faultline.test === "string") file.test = faultline.test;
  if (typeof faultline.mode === "string") file.mode = faultline.mode;
  if (typeof faultline.seed === "number" || typeof faultline.seed === "string") file.seed = faultline.seed;
  if (typeof faultline.faults === "string") file.faults = faultline.faults;
  if (typeof faultline.source === "string") file.source = faultline.source;
  else if (typeof meta.source === "string") file.source = meta.source;
  if (typeof faultline.sourceSha256 === "string") file.sourceSha256 = faultline.sourceSha256;
  if (isFailure(faultline.failure)) file.failure = faultline.failure;
  if (typeof data.loop === "number" && Number.isInteger(data.loop)) file.loop = data.loop;
  return { ok: true, ...file };
}

/** An ITF trace written by another tool (Apalache, Quint, a script): its states, with no Faultline steps to replay. */
export interface ForeignItfTrace {
  /** The state variables, as the document lists them. */
  vars: string[];
  /** Each state's variables (ITF values, `#meta` left out). */
  states: StateView[];
  /** The action that led to each state, when the document says (Quint's `mbt::actionTaken`). */
  actions: (string | undefined)[];
  /** A lasso: the index of the state the last state loops back to. */
  loop?: number;
  description?: string;
  source?: string;
  /** The failure the run ends in, when the document records one (`#meta.faultline.failure`, as `faultline observe` writes). */
  failure?: Failure;
}

const QUINT_ACTION = "mbt::actionTaken";
const QUINT_PICKS = "mbt::nondetPicks";

/**
 * Whether `data` is an ITF document whose steps Faultline cannot replay:
 * states without Faultline's `#meta.step` and no `#meta.faultline.steps`.
 */
export function isForeignItf(data: unknown): boolean {
  if (!isRecord(data) || !Array.isArray(data.states) || data.states.length === 0) return false;
  const meta = isRecord(data["#meta"]) ? data["#meta"] : {};
  if (isRecord(meta.faultline) && Array.isArray(meta.faultline.steps)) return false;
  return !data.states.some((s) => isRecord(s) && isRecord(s["#meta"]) && "step" in s["#meta"]);
}

/** Reads an ITF document written by another tool for viewing: its states, their actions, its lasso. */
export function readForeignItf(
  data: unknown,
): { ok: true; trace: ForeignItfTrace } | { ok: false; message: string } {
  if (!isRecord(data)) return { ok: false, message: "an ITF trace must be a JSON object" };
  if (!Array.isArray(data.states) || data.states.length === 0) {
    return { ok: false, message: 'not an ITF trace: "states" must be a non-empty array' };
  }
  const states: StateView[] = [];
  const actions: (string | undefined)[] = [];
  for (const [index, state] of data.states.entries()) {
    if (!isRecord(state)) return { ok: false, message: `ITF state ${index} is not an object` };
    const view: StateView = {};
    let action: string | undefined;
    let picks: Json | undefined;
    for (const [name, value] of Object.entries(state)) {
      if (name === "#meta") continue;
      if (name === QUINT_ACTION && typeof value === "string") action = value;
      else if (name === QUINT_PICKS) picks = value as Json;
      else view[name] = value as Json;
    }
    states.push(view);
    actions.push(action === undefined ? undefined : withPicks(action, picks));
  }
  const vars = Array.isArray(data.vars)
    ? data.vars.filter((v): v is string => typeof v === "string")
    : Object.keys(states[0]!);
  const trace: ForeignItfTrace = { vars, states, actions };
  if (data.loop !== undefined) {
    if (
      typeof data.loop !== "number" ||
      !Number.isInteger(data.loop) ||
      data.loop < 0 ||
      data.loop >= states.length
    ) {
      return { ok: false, message: `ITF "loop" must be a state index in 0..${states.length - 1}` };
    }
    trace.loop = data.loop;
  }
  const meta = isRecord(data["#meta"]) ? data["#meta"] : {};
  if (typeof meta.description === "string") trace.description = meta.description;
  if (typeof meta.source === "string") trace.source = meta.source;
  if (isRecord(meta.faultline) && isFailure(meta.faultline.failure)) trace.failure = meta.faultline.failure;
  return { ok: true, trace };
}

/** `step` with Quint's nondeterministic picks that were made: `step(x = 2)`. */
function withPicks(action: string, picks: Json | undefined): string {
  if (!isRecord(picks)) return action;
  const made = Object.entries(picks).flatMap(([name, pick]) => {
    // Quint writes a pick as an Option: {tag: "Some", value: v} or {tag: "None", ...}.
    if (isRecord(pick) && pick.tag === "Some") return [`${name} = ${formatValue(pick.value as Json)}`];
    return [];
  });
  return made.length === 0 ? action : `${action}(${made.join(", ")})`;
}
