// Values observed outside the checker, as plain JSON (`faultline observe`,
// docs/observe.md "Payload JSON form"), checked against their declared type
// and turned into the runtime's representation (lang's runtime.ts: enums as
// ordinals, tuples as arrays, sets and maps sorted). The reverse direction,
// values as JSON for views and ITF, is value-view.ts. Every mismatch names
// where it is, as a JSON pointer (RFC 6901) into the document the value came
// from, and never coerces: an int is a 32-bit integer, a set has no duplicates.
import { compare, type Type, typeToString, type Value } from "./lang-codegen.js";

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

/** A JSON value that is not of the declared type: where (a JSON pointer) and what is wrong. */
export class JsonValueError {
  constructor(
    readonly pointer: string,
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

  constructor(private readonly machineTypes: readonly string[]) {}

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

function fail(pointer: string, x: unknown, type: Type, detail?: string): never {
  const why = detail === undefined ? "" : ` (${detail})`;
  throw new JsonValueError(pointer, `expected ${typeToString(type)}, got ${describe(x)}${why}`);
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
  switch (type.kind) {
    case "int":
      if (typeof x !== "number" || !Number.isInteger(x) || x < INT_MIN || x > INT_MAX)
        fail(pointer, x, type, "an int is a JSON integer in -2147483648..2147483647");
      return x === 0 ? 0 : x;
    case "bool":
      if (typeof x !== "boolean") fail(pointer, x, type);
      return x;
    case "string":
      if (typeof x !== "string") fail(pointer, x, type);
      return x;
    case "enum": {
      const i = typeof x === "string" ? type.members.indexOf(x) : -1;
      if (i < 0) fail(pointer, x, type, `one of ${type.members.map((m) => `"${m}"`).join(", ")}`);
      return i;
    }
    case "machine": {
      if (typeof x !== "string") fail(pointer, x, type, 'a machine reference is a string, e.g. "Client(1)"');
      const id = names.idOf(x, type.name);
      if (typeof id === "string") fail(pointer, x, type, id);
      return id;
    }
    case "tuple":
      if (!Array.isArray(x) || x.length !== type.elems.length)
        fail(pointer, x, type, `a tuple is an array of its ${type.elems.length} elements`);
      return type.elems.map((t, i) => jsonValue(x[i], t, names, `${pointer}/${i}`));
    case "namedTuple": {
      if (!isObject(x)) fail(pointer, x, type, "a named tuple is an object with its fields");
      for (const k of Object.keys(x)) {
        if (!type.fields.some((f) => f.name === k))
          throw new JsonValueError(
            `${pointer}/${pointerToken(k)}`,
            `unknown field ${k} of ${typeToString(type)}`,
          );
      }
      return type.fields.map((f) => {
        const at = `${pointer}/${pointerToken(f.name)}`;
        if (!Object.hasOwn(x, f.name))
          throw new JsonValueError(at, `missing field ${f.name} of ${typeToString(type)}`);
        return jsonValue(x[f.name], f.type, names, at);
      });
    }
    case "seq":
      if (!Array.isArray(x)) fail(pointer, x, type, "a seq is an array");
      return x.map((e, i) => jsonValue(e, type.elem, names, `${pointer}/${i}`));
    case "set": {
      if (!Array.isArray(x)) fail(pointer, x, type, "a set is an array, in any order");
      const s = x.map((e, i) => jsonValue(e, type.elem, names, `${pointer}/${i}`)).sort(compare);
      for (let i = 1; i < s.length; i++)
        if (compare(s[i - 1]!, s[i]!) === 0) fail(pointer, x, type, "a set with a duplicate element");
      return s;
    }
    case "map": {
      let entries: [Value, Value][];
      if (isObject(x) && type.key.kind === "string") {
        entries = Object.entries(x).map(([k, v]) => [
          k,
          jsonValue(v, type.value, names, `${pointer}/${pointerToken(k)}`),
        ]);
      } else if (Array.isArray(x)) {
        entries = x.map((e, i): [Value, Value] => {
          if (!Array.isArray(e) || e.length !== 2)
            fail(`${pointer}/${i}`, e, type, "a map entry is a [key, value] pair");
          return [
            jsonValue(e[0], type.key, names, `${pointer}/${i}/0`),
            jsonValue(e[1], type.value, names, `${pointer}/${i}/1`),
          ];
        });
      } else {
        const form =
          type.key.kind === "string"
            ? "an object, or an array of [key, value] pairs"
            : "an array of [key, value] pairs";
        fail(pointer, x, type, `a map is ${form}`);
      }
      entries.sort((a, b) => compare(a[0], b[0]));
      for (let i = 1; i < entries.length; i++)
        if (compare(entries[i - 1]![0], entries[i]![0]) === 0)
          fail(pointer, x, type, "a map with a repeated key");
      return entries;
    }
    default:
      throw new JsonValueError(pointer, `a value of type ${typeToString(type)} cannot be read from JSON`);
  }
}
