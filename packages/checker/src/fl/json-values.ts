// Values as plain JSON: what a service writes in its logs and what an adapter
// sends (docs/observe.md "Payload JSON form", docs/conformance.md), in both
// directions, so the form has one home. int, bool and string as themselves;
// an enum member as its name; a named tuple as an object; a tuple, seq or set
// as an array; a map as an object when its keys are strings, else an array of
// [key, value]; a machine reference as its display name (`Client(1)`).
// `jsonValue` reads such JSON against a declared type into the runtime's
// representation (lang's runtime.ts: enums as ordinals, tuples as arrays, sets
// and maps sorted); every mismatch names where it is, as a JSON pointer
// (RFC 6901) into the document the value came from, and nothing is coerced:
// an int is a 32-bit integer, a set has no duplicates. `valueToPlainJson`
// writes a value the same way (model-based tests compare an implementation's
// sends in it). The tagged JSON of state views and ITF is value-view.ts.
import type { Json } from "../model.js";
import { compare, type Type, typeToString, type Value } from "./lang-codegen.js";
import type { RefNamer, ValueTypes } from "./value-view.js";

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

/** A JSON value that is not of the declared type: where (a JSON pointer) and what is wrong. */
export class JsonValueError {
  constructor(
    /** Built as the error unwinds: the happy path makes no pointer strings. */
    public pointer: string,
    readonly message: string,
  ) {}
}

/**
 * Machine references by display name (`Client(1)`): observed logs name
 * instances, not ids, so each name seen gets an id, in the order first seen.
 */
export class MachineNames {
  private readonly ids = new Map<string, number>();
  private readonly names: string[] = [];

  constructor(
    private readonly machineTypes: readonly string[],
    /** The program's events by index: an `event` value is written as its name. */
    readonly eventNames: readonly string[] = [],
  ) {}

  /** The id of `name`, an instance of `type` (null: any machine); a message when it is not one. */
  idOf(name: string, type: string | null): number | string {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)\((\d+)\)$/.exec(name);
    if (m === null) return `a machine reference is written as the instance's display name, Type(k)`;
    if (!this.machineTypes.includes(m[1]!)) return `the model has no machine type ${m[1]}`;
    if (type !== null && m[1] !== type) return `${name} is not a ${type}`;
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.ids.set(name, id);
      this.names.push(name);
    }
    return id;
  }

  /** The display name of id, null for the null reference. */
  readonly nameOf = (id: number): string | null => (id < 0 ? null : (this.names[id] ?? `#${id}`));
}

function describe(x: unknown): string {
  if (x === null) return "null";
  if (Array.isArray(x)) return `an array of ${x.length}`;
  if (typeof x === "string") return JSON.stringify(x.length > 40 ? `${x.slice(0, 40)}...` : x);
  if (typeof x === "object") return "an object";
  return String(x);
}

function fail(x: unknown, type: Type, detail?: string): never {
  const why = detail === undefined ? "" : ` (${detail})`;
  throw new JsonValueError("", `expected ${typeToString(type)}, got ${describe(x)}${why}`);
}

/** A JSON pointer's token: `~` and `/` escaped (RFC 6901). */
export function pointerToken(key: string): string {
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}

function isObject(x: unknown): x is { [k: string]: unknown } {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/**
 * `x` as a value of `type`; throws JsonValueError (with `pointer`, where `x`
 * is in its document, extended inward) when it is not one.
 */
export function jsonValue(x: unknown, type: Type, names: MachineNames, pointer = ""): Value {
  try {
    return read(x, type, names);
  } catch (e) {
    if (e instanceof JsonValueError) e.pointer = pointer + e.pointer;
    throw e;
  }
}

/** `read` of a part of a value, at `token` in it: a failure's pointer gets the token in front. */
function part(x: unknown, type: Type, names: MachineNames, token: string | number): Value {
  try {
    return read(x, type, names);
  } catch (e) {
    if (e instanceof JsonValueError)
      e.pointer = `/${typeof token === "number" ? token : pointerToken(token)}${e.pointer}`;
    throw e;
  }
}

function read(x: unknown, type: Type, names: MachineNames): Value {
  switch (type.kind) {
    case "int":
      if (typeof x !== "number" || !Number.isInteger(x) || x < INT_MIN || x > INT_MAX)
        fail(x, type, "an int is a JSON integer in -2147483648..2147483647");
      return x === 0 ? 0 : x;
    case "bool":
      if (typeof x !== "boolean") fail(x, type);
      return x;
    case "string":
      if (typeof x !== "string") fail(x, type);
      return x;
    case "enum": {
      const i = typeof x === "string" ? type.members.indexOf(x) : -1;
      if (i < 0) fail(x, type, `one of ${type.members.map((m) => `"${m}"`).join(", ")}`);
      return i;
    }
    case "machine": {
      if (typeof x !== "string") fail(x, type, 'a machine reference is a string, e.g. "Client(1)"');
      const id = names.idOf(x, type.name);
      if (typeof id === "string") fail(x, type, id);
      return id;
    }
    case "tuple": {
      if (!Array.isArray(x) || x.length !== type.elems.length)
        fail(x, type, `a tuple is an array of its ${type.elems.length} elements`);
      const out: Value[] = new Array(x.length);
      for (let i = 0; i < x.length; i++) out[i] = part(x[i], type.elems[i]!, names, i);
      return out;
    }
    case "namedTuple": {
      if (!isObject(x)) fail(x, type, "a named tuple is an object with its fields");
      const fields = type.fields;
      const out: Value[] = new Array(fields.length);
      let own = 0;
      for (let i = 0; i < fields.length; i++) {
        const f = fields[i]!;
        if (!Object.hasOwn(x, f.name))
          throw new JsonValueError(
            `/${pointerToken(f.name)}`,
            `missing field ${f.name} of ${typeToString(type)}`,
          );
        out[i] = part(x[f.name], f.type, names, f.name);
        own++;
      }
      // Every field is there: another key is one too many.
      for (const k in x) {
        if (!Object.hasOwn(x, k) || --own >= 0) continue;
        const extra = Object.keys(x).find((key) => !fields.some((f) => f.name === key))!;
        throw new JsonValueError(
          `/${pointerToken(extra)}`,
          `unknown field ${extra} of ${typeToString(type)}`,
        );
      }
      return out;
    }
    case "seq": {
      if (!Array.isArray(x)) fail(x, type, "a seq is an array");
      const out: Value[] = new Array(x.length);
      for (let i = 0; i < x.length; i++) out[i] = part(x[i], type.elem, names, i);
      return out;
    }
    case "set": {
      if (!Array.isArray(x)) fail(x, type, "a set is an array, in any order");
      const s: Value[] = new Array(x.length);
      for (let i = 0; i < x.length; i++) s[i] = part(x[i], type.elem, names, i);
      s.sort(compare);
      for (let i = 1; i < s.length; i++)
        if (compare(s[i - 1]!, s[i]!) === 0) fail(x, type, "a set with a duplicate element");
      return s;
    }
    case "map": {
      let entries: [Value, Value][];
      if (isObject(x) && type.key.kind === "string") {
        entries = Object.entries(x).map(([k, v]) => [k, part(v, type.value, names, k)]);
      } else if (Array.isArray(x)) {
        entries = x.map((e, i): [Value, Value] => {
          try {
            if (!Array.isArray(e) || e.length !== 2) fail(e, type, "a map entry is a [key, value] pair");
            return [part(e[0], type.key, names, 0), part(e[1], type.value, names, 1)];
          } catch (err) {
            if (err instanceof JsonValueError) err.pointer = `/${i}${err.pointer}`;
            throw err;
          }
        });
      } else {
        const form =
          type.key.kind === "string"
            ? "an object, or an array of [key, value] pairs"
            : "an array of [key, value] pairs";
        fail(x, type, `a map is ${form}`);
      }
      entries.sort((a, b) => compare(a[0], b[0]));
      for (let i = 1; i < entries.length; i++)
        if (compare(entries[i - 1]![0], entries[i]![0]) === 0) fail(x, type, "a map with a repeated key");
      return entries;
    }
    case "event": {
      // An event value by name; null for the null event (what valueToPlainJson writes).
      if (x === null) return -1;
      const i = typeof x === "string" ? names.eventNames.indexOf(x) : -1;
      if (i < 0) fail(x, type, "an event value is the name of one of the model's events, or null");
      return i;
    }
    default:
      throw new JsonValueError("", `a value of type ${typeToString(type)} cannot be read from JSON`);
  }
}

/** `v` (of type `t`) as plain JSON; machine references by `ref`, the null reference as null; event values by name and `any`s as the value they hold (`types`). */
export function valueToPlainJson(v: Value, t: Type, ref: RefNamer, types?: ValueTypes): Json {
  switch (t.kind) {
    case "int":
    case "bool":
    case "string":
      return v as Json;
    case "enum":
      return t.members[v as number] ?? String(v);
    case "machine":
      return ref(v as number);
    case "event":
      return (v as number) < 0 ? null : (types?.eventNames[v as number] ?? null);
    case "any": {
      // The value it holds (its dynamic type from the program's table); the null any as null.
      const [id, inner] = v as readonly [number, Value];
      const held = id < 0 ? undefined : types?.anyTypes[id];
      return held === undefined ? null : valueToPlainJson(inner, held, ref, types);
    }
    case "tuple":
      return t.elems.map((e, i) => valueToPlainJson((v as readonly Value[])[i]!, e, ref, types));
    case "namedTuple": {
      const o: { [k: string]: Json } = {};
      t.fields.forEach((f, i) => {
        o[f.name] = valueToPlainJson((v as readonly Value[])[i]!, f.type, ref, types);
      });
      return o;
    }
    case "seq":
    case "set":
      return (v as readonly Value[]).map((e) => valueToPlainJson(e, t.elem, ref, types));
    case "map": {
      const entries = v as readonly (readonly Value[])[];
      if (t.key.kind === "string") {
        const o: { [k: string]: Json } = {};
        for (const e of entries) o[e[0] as string] = valueToPlainJson(e[1]!, t.value, ref, types);
        return o;
      }
      return entries.map((e) => [
        valueToPlainJson(e[0]!, t.key, ref, types),
        valueToPlainJson(e[1]!, t.value, ref, types),
      ]);
    }
    default:
      return null;
  }
}
