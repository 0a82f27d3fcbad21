// JSON values as one-line or multi-line text for the state pane. Generic over
// any model's state view; a few common shapes (a machine with `state`/`vars`, a
// message with `from`/`to`/`event`) get a friendlier rendering.
import type { Json } from "@faultline/checker";

export type JsonObject = { [key: string]: Json };

export function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function isScalar(value: Json | undefined): boolean {
  return value === null || (typeof value !== "object" && value !== undefined);
}

/** A machine-like component: a control state name plus variables (e.g. a .fl machine or spec monitor). */
export function isMachineShaped(value: Json | undefined): value is JsonObject & { state: string } {
  return (
    isObject(value) && typeof value.state === "string" && (value.vars === undefined || isObject(value.vars))
  );
}

/** A message in flight: sender, receiver and event. */
export function isMessageShaped(value: Json | undefined): value is JsonObject & { event: string } {
  return (
    isObject(value) &&
    typeof value.event === "string" &&
    ("from" in value || "to" in value) &&
    !("state" in value)
  );
}

const BARE_STRING = /^[A-Za-z_][\w.()#-]*$/;
const LITERAL_LOOKALIKE = /^(true|false|null)$/;

/** Strings that read unambiguously without quotes (names like `Bank(0)`, `Open`) are shown bare. */
export function formatString(text: string): string {
  return BARE_STRING.test(text) && !LITERAL_LOOKALIKE.test(text) ? text : JSON.stringify(text);
}

/** One line: `{balance: 10, owner: Client(0)}`, `[1, 2]`, `Client(0) -> Bank(0): Withdraw(10)`. */
export function formatValue(value: Json | undefined): string {
  if (value === undefined) return "";
  if (value === null) return "null";
  if (typeof value === "string") return formatString(value);
  if (typeof value !== "object") return String(value);
  if (Array.isArray(value)) return `[${value.map(formatValue).join(", ")}]`;
  if (isMessageShaped(value)) return formatMessage(value);
  const entries = Object.keys(value).map((key) => `${formatKey(key)}: ${formatValue(value[key])}`);
  return `{${entries.join(", ")}}`;
}

export function formatKey(key: string): string {
  return BARE_STRING.test(key) ? key : JSON.stringify(key);
}

/** An event with its payload as a call: `Withdraw(10)`, `Prepare(coordinator: Coordinator(0), tx: 1)`. */
export function formatEvent(event: string, payload: Json | undefined): string {
  if (payload === undefined || payload === null) return event;
  if (isObject(payload)) {
    const fields = Object.keys(payload).map((key) => `${formatKey(key)}: ${formatValue(payload[key])}`);
    return `${event}(${fields.join(", ")})`;
  }
  if (Array.isArray(payload)) return `${event}(${payload.map(formatValue).join(", ")})`;
  return `${event}(${formatValue(payload)})`;
}

function formatMessage(message: JsonObject & { event: string }): string {
  const from = message.from === undefined ? "?" : formatValue(message.from);
  const to = message.to === undefined ? "?" : formatValue(message.to);
  const rest = Object.keys(message)
    .filter((key) => !["from", "to", "event", "payload"].includes(key))
    .map((key) => `${formatKey(key)}: ${formatValue(message[key])}`);
  const extra = rest.length > 0 ? ` {${rest.join(", ")}}` : "";
  return `${from} -> ${to}: ${formatEvent(message.event, message.payload)}${extra}`;
}

/**
 * The value over several lines, each at most `width` columns where the
 * structure allows: nested objects and arrays break one entry per line,
 * indented by two spaces; a scalar longer than the width is left for the
 * caller to hard-wrap. The first line is unindented (it follows the caller's
 * prefix); later lines carry their full indentation, starting from `indent`.
 */
export function formatValueLines(value: Json | undefined, width: number, indent = ""): string[] {
  const compact = formatValue(value);
  if (compact.length + indent.length <= width || value === null || typeof value !== "object")
    return [compact];
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return ["[]"];
    // A list of scalars fills lines, like a paragraph, rather than taking one line per item.
    if (value.every((item) => isScalar(item))) return fillLines(value.map(formatValue), width, inner, indent);
    const lines = ["["];
    value.forEach((item, index) => {
      const itemLines = formatValueLines(item, width, inner);
      const comma = index < value.length - 1 ? "," : "";
      itemLines.forEach((line, k) => {
        lines.push(`${k === 0 ? inner : ""}${line}${k === itemLines.length - 1 ? comma : ""}`);
      });
    });
    lines.push(`${indent}]`);
    return lines;
  }
  const keys = Object.keys(value);
  if (keys.length === 0) return ["{}"];
  const lines = ["{"];
  keys.forEach((key, index) => {
    const head = `${formatKey(key)}: `;
    const itemLines = formatValueLines(value[key], width, inner);
    const comma = index < keys.length - 1 ? "," : "";
    itemLines.forEach((line, k) => {
      const text = k === 0 ? `${inner}${head}${line}` : line;
      lines.push(`${text}${k === itemLines.length - 1 ? comma : ""}`);
    });
  });
  lines.push(`${indent}}`);
  return lines;
}

function fillLines(items: string[], width: number, inner: string, indent: string): string[] {
  const lines = ["["];
  let line = inner;
  items.forEach((item, index) => {
    const text = index < items.length - 1 ? `${item},` : item;
    if (line !== inner && line.length + 1 + text.length > width) {
      lines.push(line);
      line = inner;
    }
    line = line === inner ? `${inner}${text}` : `${line} ${text}`;
  });
  lines.push(line, `${indent}]`);
  return lines;
}
