// How a log line becomes an observed event (docs/observe.md, "Input"): the
// default line format (`ts`, `event`, `payload`), or a mapping file that says
// where a log's own fields are (JSON pointers, RFC 6901), which log events
// stand for which model events, and how their payloads are put together. A
// mapping is checked against the model before any log is read: each problem
// names the mapping file and the key.
import { JsonValueError, jsonValue, type MachineNames, type MonitorRunner } from "@faultline/checker";
import { didYouMean, type Type, typeToString } from "@faultline/lang";

/** A parsed JSON pointer: its text and its reference tokens. */
export interface Pointer {
  text: string;
  tokens: readonly string[];
}

/** `text` as a JSON pointer, or null when it is not one ("" or "/a/b", `~0` and `~1` the only escapes). */
export function parsePointer(text: string): Pointer | null {
  if (text === "") return { text, tokens: [] };
  if (!text.startsWith("/") || /~[^01]|~$/.test(text)) return null;
  return {
    text,
    tokens: text
      .slice(1)
      .split("/")
      .map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~")),
  };
}

/** The value `p` points at in `doc`; undefined when there is none. */
export function resolvePointer(doc: unknown, p: Pointer): unknown {
  let at = doc;
  for (const token of p.tokens) {
    if (typeof at !== "object" || at === null) return undefined;
    if (Array.isArray(at)) {
      if (!/^(0|[1-9]\d*)$/.test(token)) return undefined;
      at = at[Number(token)];
    } else {
      if (!Object.hasOwn(at, token)) return undefined;
      at = (at as { [k: string]: unknown })[token];
    }
  }
  return at;
}

/** What is wrong with one log line: a code (docs/observe.md), a message, where in the line, and a hint. */
export class LineProblem {
  constructor(
    readonly code: string,
    readonly message: string,
    /** A JSON pointer into the line, when the problem is at one of its fields. */
    readonly pointer: string | null = null,
    readonly hint: string | null = null,
  ) {}
}

/** A problem with the mapping file: the key it is at (`events["payment.charged"].payload.amount`). */
export interface MappingProblem {
  code: string;
  key: string;
  message: string;
}

/** A line read: an event for the monitors, or a line skipped (its event not in the mapping, or observed by no monitor). */
export type LineRead = ObservedEvent | { kind: "skip"; why: "unmapped" | "unobserved" };

/** An event read from line `seq`: what the engine orders and checks. */
export interface ObservedEvent {
  kind: "event";
  event: number;
  payload: unknown;
  ts: number;
  /** The line number: arrival order. */
  seq: number;
  partition: string | null;
  /** The line before it in its partition's history (observe-engine.ts): a list with no array to grow. */
  prev: ObservedEvent | null;
}

/** Builds an event's payload from a line (a model value), throwing LineProblem. */
type PayloadReader = (line: unknown, names: MachineNames) => unknown;

interface EventRule {
  event: number;
  payload: PayloadReader | null;
}

const DEFAULT_TS = parsePointer("/ts")!;
const DEFAULT_EVENT = parsePointer("/event")!;
const DEFAULT_PAYLOAD = parsePointer("/payload")!;

export class LineFormat {
  private constructor(
    private readonly runner: MonitorRunner,
    private readonly ts: Pointer,
    private readonly eventAt: Pointer,
    readonly partition: Pointer | null,
    /** By log event name; null: the default format, where the log names model events. */
    private readonly rules: ReadonlyMap<string, EventRule> | null,
  ) {}

  /** The default format: `{"ts", "event", "payload", ...}` naming the model's events. */
  static standard(runner: MonitorRunner, partition: Pointer | null): LineFormat {
    return new LineFormat(runner, DEFAULT_TS, DEFAULT_EVENT, partition, null);
  }

  /**
   * The format a mapping file describes (`data`, its parsed JSON); its
   * problems instead when it has any. `partition` (`--partition-by`) takes
   * the place of the mapping's own `partition`.
   */
  static fromMapping(
    runner: MonitorRunner,
    data: unknown,
    names: MachineNames,
    partition: Pointer | null,
  ): LineFormat | MappingProblem[] {
    const problems: MappingProblem[] = [];
    const problem = (key: string, message: string, code = "OBS201") => {
      problems.push({ code, key, message });
    };
    if (typeof data !== "object" || data === null || Array.isArray(data)) {
      problem(
        "(top)",
        "a mapping is a JSON object with `events` and optional `timestamp`, `event`, `partition`",
        "OBS200",
      );
      return problems;
    }
    const m = data as { [k: string]: unknown };
    for (const k of Object.keys(m)) {
      if (!["timestamp", "event", "partition", "events"].includes(k))
        problem(k, `unknown key (a mapping has timestamp, event, partition and events)`, "OBS200");
    }
    const pointerAt = (key: string, fallback: Pointer | null): Pointer | null => {
      const v = m[key];
      if (v === undefined) return fallback;
      const p = typeof v === "string" ? parsePointer(v) : null;
      if (p === null)
        problem(key, `${JSON.stringify(v)} is not a JSON pointer (RFC 6901: "" or "/field/sub")`);
      return p ?? fallback;
    };
    const ts = pointerAt("timestamp", DEFAULT_TS)!;
    const eventAt = pointerAt("event", DEFAULT_EVENT)!;
    const ownPartition = pointerAt("partition", null);
    const rules = new Map<string, EventRule>();
    const events = m.events;
    if (typeof events !== "object" || events === null || Array.isArray(events)) {
      problem("events", "`events` is an object from each log event name to { as, payload }", "OBS200");
    } else {
      for (const [logName, rule] of Object.entries(events as { [k: string]: unknown })) {
        const key = `events[${JSON.stringify(logName)}]`;
        if (typeof rule !== "object" || rule === null || Array.isArray(rule)) {
          problem(key, 'each event is an object: { "as": "ModelEvent", "payload": ... }', "OBS200");
          continue;
        }
        const r = rule as { [k: string]: unknown };
        for (const k of Object.keys(r))
          if (k !== "as" && k !== "payload")
            problem(`${key}.${k}`, "unknown key (an event has as and payload)", "OBS200");
        if (typeof r.as !== "string") {
          problem(`${key}.as`, "names the model event this log event stands for", "OBS200");
          continue;
        }
        const event = runner.eventIndex(r.as);
        if (event < 0) {
          const hint = didYouMean(
            r.as,
            runner.events.map((e) => e.name),
          );
          problem(`${key}.as`, `the model has no event ${r.as}${hint ? `; ${hint}` : ""}`, "OBS202");
          continue;
        }
        const type = runner.events[event]!.payload;
        const at = `${key}.payload`;
        if (r.payload === undefined) {
          if (type !== null)
            problem(at, `${r.as} has a payload of type ${typeToString(type)}; map it`, "OBS203");
          rules.set(logName, { event, payload: null });
          continue;
        }
        if (type === null) {
          problem(at, `${r.as} has no payload`, "OBS203");
          continue;
        }
        const payload = payloadReader(r.payload, type, at, names, problem, r.as);
        if (payload !== null) rules.set(logName, { event, payload });
      }
    }
    if (problems.length > 0) return problems;
    return new LineFormat(runner, ts, eventAt, partition ?? ownPartition, rules);
  }

  /** What `line` (one parsed log line, number `seq`) is; throws LineProblem when it cannot be read. */
  read(line: unknown, names: MachineNames, seq: number): LineRead {
    if (typeof line !== "object" || line === null || Array.isArray(line))
      throw new LineProblem("OBS101", "a log line is a JSON object");
    const name = resolvePointer(line, this.eventAt);
    if (typeof name !== "string")
      throw new LineProblem(
        "OBS101",
        name === undefined
          ? `no event name at ${this.eventAt.text}`
          : `the event name at ${this.eventAt.text} is not a string`,
        this.eventAt.text,
      );
    let event: number;
    let payload: unknown = null;
    if (this.rules === null) {
      event = this.runner.eventIndex(name);
      if (event < 0) {
        const hint = didYouMean(
          name,
          this.runner.events.map((e) => e.name),
        );
        throw new LineProblem(
          "OBS102",
          `the model has no event ${name}`,
          this.eventAt.text,
          hint ?? "name a model event, or give --map to translate the log's own names",
        );
      }
      if (!this.runner.observes(event)) return { kind: "skip", why: "unobserved" };
      payload = standardPayload(line, this.runner.events[event]!.payload, name, names);
    } else {
      const rule = this.rules.get(name);
      if (rule === undefined) return { kind: "skip", why: "unmapped" };
      event = rule.event;
      if (!this.runner.observes(event)) return { kind: "skip", why: "unobserved" };
      if (rule.payload !== null) payload = rule.payload(line, names);
    }
    return {
      kind: "event",
      event,
      payload,
      ts: this.timestamp(line),
      seq,
      partition: this.partitionKey(line),
      prev: null,
    };
  }

  private timestamp(line: unknown): number {
    const v = resolvePointer(line, this.ts);
    if (typeof v === "number" && Number.isFinite(v)) return v;
    if (typeof v === "string") {
      const t = Date.parse(v);
      if (!Number.isNaN(t)) return t;
    }
    throw new LineProblem(
      "OBS104",
      v === undefined
        ? `no timestamp at ${this.ts.text}`
        : `the timestamp at ${this.ts.text} is neither a number nor an ISO-8601 date`,
      this.ts.text,
      "a timestamp is milliseconds since the epoch or an ISO-8601 string, e.g. 2026-01-31T12:00:00.123Z",
    );
  }

  private partitionKey(line: unknown): string | null {
    if (this.partition === null) return null;
    const v = resolvePointer(line, this.partition);
    if (v === undefined || v === null)
      throw new LineProblem("OBS105", `no partition key at ${this.partition.text}`, this.partition.text);
    return typeof v === "string" ? v : typeof v === "object" ? JSON.stringify(v) : String(v);
  }
}

/** The payload of the default format: the whole `payload` field. */
function standardPayload(line: unknown, type: Type | null, event: string, names: MachineNames): unknown {
  const v = resolvePointer(line, DEFAULT_PAYLOAD);
  if (type === null) {
    if (v !== undefined) throw new LineProblem("OBS103", `${event} has no payload`, DEFAULT_PAYLOAD.text);
    return null;
  }
  if (v === undefined)
    throw new LineProblem(
      "OBS103",
      `${event} needs a payload of type ${typeToString(type)}`,
      DEFAULT_PAYLOAD.text,
    );
  return converted(v, type, DEFAULT_PAYLOAD.text, event, names);
}

/** `v` as a value of `type` (json-values.ts), its problem as a LineProblem. */
function converted(v: unknown, type: Type, pointer: string, event: string, names: MachineNames): unknown {
  try {
    return jsonValue(v, type, names, pointer);
  } catch (e) {
    if (!(e instanceof JsonValueError)) throw e;
    const at = e.pointer || pointer;
    throw new LineProblem("OBS103", `payload of ${event} at ${at}: ${e.message}`, at);
  }
}

/**
 * A reader for one part of a payload of `type`, from its rule in the mapping:
 * a pointer, `{"const": v}`, an object of field rules (a named tuple) or an
 * array of rules (a tuple). Null, with problems said, when the rule does not fit.
 */
function payloadReader(
  rule: unknown,
  type: Type,
  key: string,
  names: MachineNames,
  problem: (key: string, message: string, code?: string) => void,
  event: string,
): PayloadReader | null {
  if (typeof rule === "string") {
    const p = parsePointer(rule);
    if (p === null) {
      problem(key, `${JSON.stringify(rule)} is not a JSON pointer (RFC 6901: "" or "/field/sub")`);
      return null;
    }
    return (line, n) => {
      const v = resolvePointer(line, p);
      if (v === undefined)
        throw new LineProblem("OBS103", `no value at ${p.text} (mapped by ${key})`, p.text);
      return converted(v, type, p.text, `${event} (mapped by ${key})`, n);
    };
  }
  if (typeof rule === "object" && rule !== null && !Array.isArray(rule) && Object.hasOwn(rule, "const")) {
    try {
      const value = jsonValue((rule as { const: unknown }).const, type, names);
      return () => value;
    } catch (e) {
      if (!(e instanceof JsonValueError)) throw e;
      problem(`${key}.const`, e.message, "OBS204");
      return null;
    }
  }
  if (Array.isArray(rule)) {
    if (type.kind !== "tuple" || type.elems.length !== rule.length) {
      problem(
        key,
        `an array of ${rule.length} rules builds a tuple, but the type here is ${typeToString(type)}`,
        "OBS204",
      );
      return null;
    }
    const parts = rule.map((r, i) => payloadReader(r, type.elems[i]!, `${key}[${i}]`, names, problem, event));
    if (parts.some((r) => r === null)) return null;
    return (line, n) => parts.map((r) => r!(line, n));
  }
  if (typeof rule === "object" && rule !== null) {
    if (type.kind !== "namedTuple") {
      problem(
        key,
        `an object of fields builds a named tuple, but the type here is ${typeToString(type)}`,
        "OBS204",
      );
      return null;
    }
    const fields = rule as { [k: string]: unknown };
    let ok = true;
    for (const f of Object.keys(fields)) {
      if (!type.fields.some((t) => t.name === f)) {
        const hint = didYouMean(
          f,
          type.fields.map((t) => t.name),
        );
        problem(`${key}.${f}`, `${typeToString(type)} has no field ${f}${hint ? `; ${hint}` : ""}`, "OBS203");
        ok = false;
      }
    }
    const parts = type.fields.map((t) => {
      if (!Object.hasOwn(fields, t.name)) {
        problem(key, `field ${t.name} (${typeToString(t.type)}) is not mapped`, "OBS203");
        return null;
      }
      return payloadReader(fields[t.name], t.type, `${key}.${t.name}`, names, problem, event);
    });
    if (!ok || parts.some((r) => r === null)) return null;
    return (line, n) => parts.map((r) => r!(line, n));
  }
  problem(key, 'a payload rule is a pointer, {"const": value}, an object of fields or an array', "OBS200");
  return null;
}
