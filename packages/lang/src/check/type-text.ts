// How types and mismatches are described in diagnostics.
import { type Type, typeToString } from "../types.js";

export function showType(t: Type): string {
  return t.kind === "void" ? "no value" : typeToString(t);
}

/** A hint that explains why two types differ, when a generic message would not. */
export function mismatchHint(actual: Type, expected: Type): string | undefined {
  if (actual.kind === "namedTuple" && expected.kind === "namedTuple") {
    const want = expected.fields.map((f) => f.name);
    const got = actual.fields.map((f) => f.name);
    const missing = want.filter((n) => !got.includes(n));
    const extra = got.filter((n) => !want.includes(n));
    if (missing.length > 0) return `missing field${missing.length > 1 ? "s" : ""} ${quoteList(missing)}`;
    if (extra.length > 0) return `unexpected field${extra.length > 1 ? "s" : ""} ${quoteList(extra)}`;
    if (want.join() !== got.join()) return `write the fields in the declared order: ${want.join(", ")}`;
    return undefined;
  }
  if (
    actual.kind === "tuple" &&
    expected.kind === "namedTuple" &&
    actual.elems.length === expected.fields.length
  ) {
    return `name the fields: (${expected.fields.map((f) => `${f.name} = ...`).join(", ")})`;
  }
  if (expected.kind === "tuple" && expected.elems.length === 1 && actual.kind !== "tuple") {
    return "a one-element tuple is written with a trailing comma: (e,)";
  }
  if (actual.kind === "event" && expected.kind !== "event") {
    return "an event's name used as a value is an 'event'; store it in a variable of type event";
  }
  if (actual.kind === "machine" && expected.kind === "machine" && actual.name !== expected.name) {
    return `a reference to '${actual.name}' cannot be used where a '${expected.name}' is expected`;
  }
  return undefined;
}

function quoteList(names: string[]): string {
  return names.map((n) => `'${n}'`).join(", ");
}
