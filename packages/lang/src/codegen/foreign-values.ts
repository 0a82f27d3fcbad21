// What a foreign function returns, checked against its declared type before
// the generated code sees it (docs/language.md, "Foreign functions"). The
// runtime's value representation (runtime.ts) is a contract: an int that is
// not a 32-bit integer, a set with duplicates or a map with a repeated key
// would compare unequal to the value it means inside a step and merge with it
// once stored, so such a value is an error, never coerced. Sets and maps may
// come in any order: they are sorted here (a copy; the implementation's arrays
// are not touched).
import { typeToString, type Type } from "../types.js";
import { compare, type Value } from "./runtime.js";

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

/** Thrown by `foreignValue`: what is wrong with the value, and where in it (`.2`, `[key]`). */
export class ForeignValueError {
  constructor(readonly message: string) {}
}

function fail(path: string, what: string, type: Type, detail?: string): never {
  const at = path === "" ? "" : ` at ${path}`;
  throw new ForeignValueError(
    `returned ${what}${at} where ${typeToString(type)} was declared${detail === undefined ? "" : ` (${detail})`}`,
  );
}

function describe(x: unknown): string {
  if (typeof x === "number") return String(x);
  if (typeof x === "string") return JSON.stringify(x.length > 40 ? `${x.slice(0, 40)}...` : x);
  if (x === null) return "null";
  if (x === undefined) return "undefined";
  if (Array.isArray(x)) return `an array of ${x.length}`;
  return `a ${typeof x}`;
}

/**
 * `x`, a foreign function's result, as a value of `type` in the runtime's
 * representation (sets and maps sorted); throws ForeignValueError when it is
 * not one.
 */
export function foreignValue(x: unknown, type: Type, path = ""): Value {
  switch (type.kind) {
    case "int":
      if (typeof x !== "number" || !Number.isInteger(x) || x < INT_MIN || x > INT_MAX)
        fail(path, describe(x), type, `an int is an integer in ${INT_MIN}..${INT_MAX}`);
      return x === 0 ? 0 : x; // -0 is 0
    case "enum":
      if (typeof x !== "number" || !Number.isInteger(x) || x < 0 || x >= type.members.length)
        fail(path, describe(x), type, `an enum member is its ordinal, 0..${type.members.length - 1}`);
      return x;
    case "machine":
      if (typeof x !== "number" || !Number.isInteger(x) || x < -1 || x > INT_MAX)
        fail(path, describe(x), type, "a machine reference is an instance id, or -1");
      return x;
    case "bool":
      if (typeof x !== "boolean") fail(path, describe(x), type);
      return x;
    case "string":
      if (typeof x !== "string") fail(path, describe(x), type);
      return x;
    case "tuple":
    case "namedTuple": {
      const elems = type.kind === "tuple" ? type.elems : type.fields.map((f) => f.type);
      if (!Array.isArray(x) || x.length !== elems.length)
        fail(path, describe(x), type, `a tuple is an array of its ${elems.length} elements in order`);
      return elems.map((t, i) =>
        foreignValue(x[i], t, `${path}.${type.kind === "namedTuple" ? type.fields[i]!.name : i}`),
      );
    }
    case "seq":
      if (!Array.isArray(x)) fail(path, describe(x), type);
      return x.map((e, i) => foreignValue(e, type.elem, `${path}[${i}]`));
    case "set": {
      if (!Array.isArray(x)) fail(path, describe(x), type);
      const s = x.map((e, i) => foreignValue(e, type.elem, `${path}[${i}]`)).sort(compare);
      for (let i = 1; i < s.length; i++)
        if (compare(s[i - 1]!, s[i]!) === 0) fail(path, "a set with a duplicate element", type);
      return s;
    }
    case "map": {
      if (!Array.isArray(x)) fail(path, describe(x), type);
      const m = x
        .map((e, i): Value[] => {
          if (!Array.isArray(e) || e.length !== 2)
            fail(`${path}[${i}]`, describe(e), type, "a map is an array of [key, value] pairs");
          return [
            foreignValue(e[0], type.key, `${path}[${i}][0]`),
            foreignValue(e[1], type.value, `${path}[${i}][1]`),
          ];
        })
        .sort((a, b) => compare(a[0]!, b[0]!));
      for (let i = 1; i < m.length; i++)
        if (compare(m[i - 1]![0]!, m[i]![0]!) === 0) fail(path, "a map with a repeated key", type);
      return m;
    }
    case "void":
      return x as Value; // ignored by the caller
    case "error":
      return x as Value;
  }
}
