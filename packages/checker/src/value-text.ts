// The one place values become text: every reporter, the explorer, step labels
// and the HTML view print a value as a user writes it in a `.fl` file
// (`{"a": (1, 7)}`, `(k = "a", v = 1)`, `"text"`, `Follower(2)`, `Yes`).
//
// Values arrive as JSON in the encoding of state views (docs/adr/0011): plain
// numbers, booleans and strings; arrays are sequences; objects are named
// tuples (records); ITF's tags mark what JSON cannot tell apart (`#set`,
// `#map`, `#tup`, `#bigint`) and a variant `{tag, value}` is an enum member or
// a machine reference. That is ITF's value encoding (Apalache ADR-015, with
// Quint's variants) plus plain numbers, so ITF written by other tools prints
// the same way.
import type { Json } from "./model.js";

type JsonObject = { [key: string]: Json };

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An ITF-tagged value or a variant, as opposed to a record of named fields. */
export function isEncodedValue(value: Json | undefined): boolean {
  if (!isObject(value)) return false;
  const keys = Object.keys(value);
  if (keys.length === 1) return keys[0]!.startsWith("#");
  return keys.length === 2 && typeof value["tag"] === "string" && "value" in value;
}

/** The empty tuple: a variant with it as value is a plain name (`Yes`). */
function isUnit(value: Json | undefined): boolean {
  if (value === undefined) return true;
  const items = isObject(value) ? value["#tup"] : undefined;
  return Array.isArray(items) && items.length === 0;
}

/** The elements of a `#set`, `#tup` or `#map` tag, or null when `value` is not one. */
function tagged(value: JsonObject, tag: string): Json[] | null {
  const items = value[tag];
  return Object.keys(value).length === 1 && Array.isArray(items) ? items : null;
}

/** A value in `.fl` syntax on one line. */
export function formatValue(value: Json | undefined): string {
  if (value === undefined) return "?";
  if (value === null) return "null";
  if (typeof value === "string") return formatString(value);
  if (typeof value !== "object") return String(value);
  if (Array.isArray(value)) return `[${value.map(formatValue).join(", ")}]`;
  const bigint = value["#bigint"];
  if (typeof bigint === "string" && Object.keys(value).length === 1) return bigint;
  const set = tagged(value, "#set");
  if (set !== null) return `{${set.map(formatValue).join(", ")}}`;
  const tuple = tagged(value, "#tup");
  if (tuple !== null) return `(${tuple.map(formatValue).join(", ")}${tuple.length === 1 ? "," : ""})`;
  const map = tagged(value, "#map");
  if (map !== null) return `{${map.map(formatEntry).join(", ")}}`;
  const unserializable = value["#unserializable"];
  if (unserializable !== undefined && Object.keys(value).length === 1) {
    return `<${typeof unserializable === "string" ? unserializable : "unserializable"}>`;
  }
  if (isEncodedValue(value)) return formatVariant(String(value["tag"]), value["value"]);
  return `(${formatFields(value)})`;
}

function formatEntry(entry: Json): string {
  return Array.isArray(entry) && entry.length === 2
    ? `${formatValue(entry[0])}: ${formatValue(entry[1])}`
    : formatValue(entry);
}

function formatFields(record: JsonObject): string {
  return Object.keys(record)
    .map((key) => `${key} = ${formatValue(record[key])}`)
    .join(", ");
}

/** `Yes`, `Follower(2)`, `Some(3)`, `Pair(1, 2)`. */
function formatVariant(tag: string, value: Json | undefined): string {
  if (isUnit(value)) return tag;
  if (isObject(value)) {
    const tuple = tagged(value, "#tup");
    if (tuple !== null) return `${tag}(${tuple.map(formatValue).join(", ")})`;
    if (!isEncodedValue(value)) return `${tag}(${formatFields(value)})`;
  }
  return `${tag}(${formatValue(value)})`;
}

/** A string literal with the `.fl` escapes (`\"`, `\\`, `\n`, `\t`, `\r`). */
export function formatString(text: string): string {
  let out = '"';
  for (const ch of text) {
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\r") out += "\\r";
    else out += ch;
  }
  return `${out}"`;
}

/**
 * A message as `Event`, `Event(payload)` or `Event(k = v, ...)`: the payload
 * in the same syntax as any value, a record's or tuple's parentheses shared
 * with the event's.
 */
export function formatMessage(event: string, payload: Json | undefined): string {
  if (payload === undefined || payload === null) return event;
  return formatVariant(event, payload);
}

/** A value cut to `max` characters with an ellipsis, for one-line summaries. */
export function formatValueShort(value: Json | undefined, max = 60): string {
  const text = formatValue(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * The value over several lines, each at most `width` columns where the
 * structure allows: a collection, tuple or record too long for one line
 * breaks one element per line, indented by two spaces (a sequence or set of
 * scalars fills lines like a paragraph). A scalar longer than the width is
 * left for the caller to wrap. The first line is unindented (it follows the
 * caller's prefix); later lines carry their indentation, starting from `indent`.
 */
export function formatValueLines(value: Json | undefined, width: number, indent = ""): string[] {
  const oneLine = formatValue(value);
  if (oneLine.length + indent.length <= width || value === null || typeof value !== "object")
    return [oneLine];
  const parts = valueParts(value);
  if (parts === null || parts.items.length === 0) return [oneLine];
  const inner = `${indent}  `;
  const { open, close, items } = parts;
  if (items.every((item) => item.label === "" && !isStructured(item.value))) {
    return fillLines(
      items.map((item) => formatValue(item.value)),
      width,
      inner,
      `${indent}${close}`,
      open,
    );
  }
  const lines = [open];
  items.forEach((item, index) => {
    const itemLines = formatValueLines(item.value, width, inner);
    const comma = index < items.length - 1 ? "," : "";
    itemLines.forEach((line, k) => {
      const text = k === 0 ? `${inner}${item.label}${line}` : line;
      lines.push(`${text}${k === itemLines.length - 1 ? comma : ""}`);
    });
  });
  lines.push(`${indent}${close}`);
  return lines;
}

interface ValueParts {
  open: string;
  close: string;
  items: { label: string; value: Json | undefined }[];
}

/** How a structured value breaks over lines: its brackets and labelled elements. */
function valueParts(value: Json[] | JsonObject): ValueParts | null {
  if (Array.isArray(value))
    return { open: "[", close: "]", items: value.map((v) => ({ label: "", value: v })) };
  const set = tagged(value, "#set");
  if (set !== null) return { open: "{", close: "}", items: set.map((v) => ({ label: "", value: v })) };
  const tuple = tagged(value, "#tup");
  if (tuple !== null) return { open: "(", close: ")", items: tuple.map((v) => ({ label: "", value: v })) };
  const map = tagged(value, "#map");
  if (map !== null) {
    return {
      open: "{",
      close: "}",
      items: map.map((entry) =>
        Array.isArray(entry) && entry.length === 2
          ? { label: `${formatValue(entry[0])}: `, value: entry[1] }
          : { label: "", value: entry },
      ),
    };
  }
  if (isEncodedValue(value)) return null;
  return {
    open: "(",
    close: ")",
    items: Object.keys(value).map((key) => ({ label: `${key} = `, value: value[key] })),
  };
}

function isStructured(value: Json | undefined): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    (Array.isArray(value) || !isEncodedValue(value) || valueParts(value) !== null)
  );
}

function fillLines(items: string[], width: number, inner: string, closing: string, open: string): string[] {
  const lines = [open];
  let line = inner;
  items.forEach((item, index) => {
    const text = index < items.length - 1 ? `${item},` : item;
    if (line !== inner && line.length + 1 + text.length > width) {
      lines.push(line);
      line = inner;
    }
    line = line === inner ? `${inner}${text}` : `${line} ${text}`;
  });
  lines.push(line, closing);
  return lines;
}
