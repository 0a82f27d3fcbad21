// Values as people and other tools read them: JSON for state views, ITF
// (Apalache's trace format) and one-line text for step labels. All are
// type-directed: the runtime representation drops enum names, field names and
// the set/seq distinction, the type brings them back.
import type { Type } from "@faultline/lang";
import type { Json } from "../model.js";
import type { Payload, Value } from "./lang-codegen.js";

/** Display name of a machine reference (`Participant(1)`), null for -1. */
export type RefNamer = (id: number) => string | null;

export function valueToJson(v: Value, t: Type, ref: RefNamer): Json {
  switch (t.kind) {
    case "int":
    case "bool":
    case "string":
      return v as Json;
    case "enum":
      return t.members[v as number] ?? (v as number);
    case "machine":
      return ref(v as number);
    case "tuple":
      return t.elems.map((e, i) => valueToJson((v as readonly Value[])[i]!, e, ref));
    case "namedTuple": {
      const o: { [k: string]: Json } = {};
      t.fields.forEach((f, i) => {
        o[f.name] = valueToJson((v as readonly Value[])[i]!, f.type, ref);
      });
      return o;
    }
    case "seq":
    case "set":
      return (v as readonly Value[]).map((e) => valueToJson(e, t.elem, ref));
    case "map":
      return (v as readonly (readonly Value[])[]).map((e) => [
        valueToJson(e[0]!, t.key, ref),
        valueToJson(e[1]!, t.value, ref),
      ]);
    default:
      return null;
  }
}

export function valueToItf(v: Value, t: Type, ref: RefNamer): Json {
  switch (t.kind) {
    case "int":
      return { "#bigint": String(v) };
    case "bool":
    case "string":
      return v as Json;
    case "enum":
      return t.members[v as number] ?? String(v);
    case "machine":
      return ref(v as number) ?? "null";
    case "tuple":
      return { "#tup": t.elems.map((e, i) => valueToItf((v as readonly Value[])[i]!, e, ref)) };
    case "namedTuple": {
      const o: { [k: string]: Json } = {};
      t.fields.forEach((f, i) => {
        o[f.name] = valueToItf((v as readonly Value[])[i]!, f.type, ref);
      });
      return o;
    }
    case "seq":
      return (v as readonly Value[]).map((e) => valueToItf(e, t.elem, ref));
    case "set":
      return { "#set": (v as readonly Value[]).map((e) => valueToItf(e, t.elem, ref)) };
    case "map":
      return {
        "#map": (v as readonly (readonly Value[])[]).map((e) => [
          valueToItf(e[0]!, t.key, ref),
          valueToItf(e[1]!, t.value, ref),
        ]),
      };
    default:
      // ITF has no null: a value of no serializable type (void, error) says so.
      return { "#unserializable": t.kind };
  }
}

export function valueToText(v: Value, t: Type, ref: RefNamer): string {
  switch (t.kind) {
    case "int":
    case "bool":
      return String(v);
    case "string":
      return JSON.stringify(v);
    case "enum":
      return t.members[v as number] ?? String(v);
    case "machine":
      return ref(v as number) ?? "null";
    case "tuple":
      return `(${t.elems.map((e, i) => valueToText((v as readonly Value[])[i]!, e, ref)).join(", ")}${t.elems.length === 1 ? "," : ""})`;
    case "namedTuple":
      return `(${namedFields(v, t, ref)})`;
    case "seq":
      return `[${(v as readonly Value[]).map((e) => valueToText(e, t.elem, ref)).join(", ")}]`;
    case "set":
      return `{${(v as readonly Value[]).map((e) => valueToText(e, t.elem, ref)).join(", ")}}`;
    case "map":
      return `{${(v as readonly (readonly Value[])[])
        .map((e) => `${valueToText(e[0]!, t.key, ref)}: ${valueToText(e[1]!, t.value, ref)}`)
        .join(", ")}}`;
    default:
      return "";
  }
}

function namedFields(v: Value, t: Extract<Type, { kind: "namedTuple" }>, ref: RefNamer): string {
  return t.fields
    .map((f, i) => `${f.name}=${valueToText((v as readonly Value[])[i]!, f.type, ref)}`)
    .join(", ");
}

/** `Prepare(coordinator=Coordinator(0), tx=1)`, `Ping`, `Vote(Yes)`. */
export function messageText(event: string, payload: Payload, t: Type | null, ref: RefNamer): string {
  if (t === null || payload === null) return event;
  if (t.kind === "namedTuple") return `${event}(${namedFields(payload, t, ref)})`;
  if (t.kind === "tuple") return `${event}${valueToText(payload, t, ref)}`;
  return `${event}(${valueToText(payload, t, ref)})`;
}
