// Values as people and other tools read them: JSON for state views, ITF
// (Apalache's trace format) and one-line text for step labels. All are
// type-directed: the runtime representation drops enum names, field names and
// the set/seq distinction, the type brings them back.
import type { IrProgram, Type } from "@faultline/lang";
import type { Json } from "../model.js";
import { toItfValue } from "../trace/itf.js";
import { formatMessage, formatValue } from "../value-text.js";
import type { Payload, Value } from "./lang-codegen.js";

/** Display name of a machine reference (`Participant(1)`), null for -1. */
export type RefNamer = (id: number) => string | null;

/** What printing `event` and `any` values needs of the program: event names, the dynamic types by id. */
export interface ValueTypes {
  readonly eventNames: readonly string[];
  readonly anyTypes: readonly Type[];
}

const valueTypesOf = new WeakMap<IrProgram, ValueTypes>();

/** The program's ValueTypes (one object per program). */
export function valueTypes(ir: IrProgram): ValueTypes {
  let vt = valueTypesOf.get(ir);
  if (vt === undefined) {
    vt = { eventNames: ir.events.map((e) => e.name), anyTypes: ir.anyTypes };
    valueTypesOf.set(ir, vt);
  }
  return vt;
}

/**
 * A value in the state-view encoding every printer reads (value-text.ts,
 * docs/adr/0011): numbers, booleans and strings as JSON; sequences as arrays;
 * named tuples as records; `#tup`, `#set` and `#map` for what JSON cannot
 * tell apart; enum members and machine references as variants
 * (`{"tag": "Yes", "value": {"#tup": []}}`, `{"tag": "Participant", "value": 1}`),
 * the null reference as null. An event value is its name (a variant, as an
 * enum member), the null event null; an `any` is the value it holds, shown
 * with its dynamic type (`types`), the null `any` null.
 */
export function valueToJson(v: Value, t: Type, ref: RefNamer, types?: ValueTypes): Json {
  switch (t.kind) {
    case "int":
    case "bool":
    case "string":
      return v as Json;
    case "enum":
      return variant(t.members[v as number] ?? String(v), UNIT);
    case "machine":
      return machineRef(ref(v as number));
    case "event": {
      const i = v as number;
      return i < 0 ? null : variant(types?.eventNames[i] ?? `event ${i}`, UNIT);
    }
    case "any": {
      const [id, inner] = v as readonly [number, Value];
      if (id < 0) return null;
      const dyn = types?.anyTypes[id];
      return dyn === undefined ? { "#unserializable": "any" } : valueToJson(inner, dyn, ref, types);
    }
    case "tuple":
      return { "#tup": t.elems.map((e, i) => valueToJson((v as readonly Value[])[i]!, e, ref, types)) };
    case "namedTuple": {
      const o: { [k: string]: Json } = {};
      t.fields.forEach((f, i) => {
        o[f.name] = valueToJson((v as readonly Value[])[i]!, f.type, ref, types);
      });
      return o;
    }
    case "seq":
      return (v as readonly Value[]).map((e) => valueToJson(e, t.elem, ref, types));
    case "set":
      return { "#set": (v as readonly Value[]).map((e) => valueToJson(e, t.elem, ref, types)) };
    case "map":
      return {
        "#map": (v as readonly (readonly Value[])[]).map((e) => [
          valueToJson(e[0]!, t.key, ref, types),
          valueToJson(e[1]!, t.value, ref, types),
        ]),
      };
    default:
      // A value of no serializable type (void, error) says so.
      return { "#unserializable": t.kind };
  }
}

const UNIT: Json = { "#tup": [] };

function variant(tag: string, value: Json): Json {
  return { tag, value };
}

/** `Participant(1)` as the variant `{tag: "Participant", value: 1}`; null stays null. */
function machineRef(name: string | null): Json {
  if (name === null) return null;
  const m = /^(.*)\((-?\d+)\)$/.exec(name);
  return m ? variant(m[1]!, Number(m[2])) : variant(name, UNIT);
}

/** The value in ITF: the state-view encoding with integers as `#bigint` and no null. */
export function valueToItf(v: Value, t: Type, ref: RefNamer, types?: ValueTypes): Json {
  return toItfValue(valueToJson(v, t, ref, types));
}

/** The value as `.fl` text (value-text.ts). */
export function valueToText(v: Value, t: Type, ref: RefNamer, types?: ValueTypes): string {
  return formatValue(valueToJson(v, t, ref, types));
}

/** `Prepare(coordinator = Coordinator(0), tx = 1)`, `Ping`, `Vote(Yes)`. */
export function messageText(
  event: string,
  payload: Payload,
  t: Type | null,
  ref: RefNamer,
  types?: ValueTypes,
): string {
  if (t === null || payload === null) return event;
  return formatMessage(event, valueToJson(payload, t, ref, types));
}
