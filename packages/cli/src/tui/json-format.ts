// State views as one-line or multi-line text for the state pane. Generic over
// any model's state view; a few common shapes (a machine with `state`/`vars`, a
// message with `from`/`to`/`event`) get a friendlier rendering. Model values
// are printed by the checker's value-text.ts, the one home of `.fl` syntax.
import { formatMessage, formatValue, formatValueLines, isEncodedValue, type Json } from "@faultline/checker";

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

/**
 * A part of the state view's structure (a status, a partition, a component
 * name) in one line: names like `Bank(0)` or `Open` read bare. Values of the
 * model (variables, payloads) are printed by the checker's formatValue in
 * `.fl` syntax instead: see `formatViewValue`.
 */
function formatStructure(value: Json | undefined): string {
  if (value === undefined) return "";
  if (typeof value === "string")
    return BARE_STRING.test(value) && !LITERAL_LOOKALIKE.test(value) ? value : JSON.stringify(value);
  if (value === null || typeof value !== "object" || isEncodedValue(value)) return formatValue(value);
  if (Array.isArray(value)) return `[${value.map(formatStructure).join(", ")}]`;
  if (isMessageShaped(value)) return formatNetworkMessage(value);
  const entries = Object.keys(value).map((key) => `${formatKey(key)}: ${formatStructure(value[key])}`);
  return `{${entries.join(", ")}}`;
}

/**
 * One line for a row of the state pane: a model value (`literal`: under a
 * machine's or monitor's `vars`) in `.fl` syntax, anything else as structure
 * (`Client(0) -> Bank(0): Withdraw(amount = 10)` for a message in flight).
 */
export function formatViewValue(value: Json | undefined, literal: boolean): string {
  if (value === undefined) return "";
  return literal ? formatValue(value) : formatStructure(value);
}

export function formatKey(key: string): string {
  return BARE_STRING.test(key) ? key : JSON.stringify(key);
}

function formatNetworkMessage(message: JsonObject & { event: string }): string {
  const from = message.from === undefined ? "?" : formatStructure(message.from);
  const to = message.to === undefined ? "?" : formatStructure(message.to);
  const rest = Object.keys(message)
    .filter((key) => !["from", "to", "event", "payload"].includes(key))
    .map((key) => `${formatKey(key)}: ${formatStructure(message[key])}`);
  const extra = rest.length > 0 ? ` {${rest.join(", ")}}` : "";
  return `${from} -> ${to}: ${formatMessage(message.event, message.payload)}${extra}`;
}

/**
 * The row's value over several lines of at most `width` columns: a model
 * value breaks by its structure (the checker's formatValueLines); structure
 * stays on one line for the caller to wrap.
 */
export function formatViewValueLines(
  value: Json | undefined,
  literal: boolean,
  width: number,
  indent = "",
): string[] {
  return literal ? formatValueLines(value, width, indent) : [formatStructure(value)];
}
