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
  /** Where in the returned value, outermost first (`[2]`, `.name`, `[0][1]`); built as it unwinds. */
  path = "";
  constructor(
    private readonly what: string,
    private readonly type: Type,
    private readonly detail?: string,
  ) {}

  get message(): string {
    const at = this.path === "" ? "" : ` at ${this.path}`;
    const detail = this.detail === undefined ? "" : ` (${this.detail})`;
    return `returned ${this.what}${at} where ${typeToString(this.type)} was declared${detail}`;
  }
}

function fail(what: string, type: Type, detail?: string): never {
  throw new ForeignValueError(what, type, detail);
}

function describe(x: unknown): string {
  if (typeof x === "number") return String(x);
  if (typeof x === "string") return JSON.stringify(x.length > 40 ? `${x.slice(0, 40)}...` : x);
  if (x === null) return "null";
  if (x === undefined) return "undefined";
  if (Array.isArray(x)) return `an array of ${x.length}`;
  return `a ${typeof x}`;
}

/** `foreignValue` of an element, its position put in front of the path of a failure inside it. */
function at(x: unknown, type: Type, segment: () => string): Value {
  try {
    return foreignValue(x, type);
  } catch (e) {
    if (e instanceof ForeignValueError) e.path = segment() + e.path;
    throw e;
  }
}

/**
 * The elements of array `xs` checked as `type`: `xs` itself when every one is
 * already in the runtime's representation (primitives, canonical collections),
 * else a copy with the checked values.
 */
function elements(xs: readonly unknown[], type: Type): readonly Value[] {
  let out: Value[] | null = null;
  for (let i = 0; i < xs.length; i++) {
    const e = xs[i];
    let v: Value;
    try {
      v = foreignValue(e, type);
    } catch (err) {
      if (err instanceof ForeignValueError) err.path = `[${i}]${err.path}`;
      throw err;
    }
    if (out === null && v !== e) out = (xs as Value[]).slice(0, i);
    if (out !== null) out.push(v);
  }
  return out ?? (xs as readonly Value[]);
}

/**
 * `x`, a foreign function's result, as a value of `type` in the runtime's
 * representation (sets and maps sorted); throws ForeignValueError when it is
 * not one. Returns `x` itself when it already is one (no copy on the common
 * path).
 */
export function foreignValue(x: unknown, type: Type): Value {
  switch (type.kind) {
    case "int":
      if (typeof x !== "number" || !Number.isInteger(x) || x < INT_MIN || x > INT_MAX)
        fail(describe(x), type, `an int is an integer in ${INT_MIN}..${INT_MAX}`);
      return x === 0 ? 0 : x; // -0 is 0
    case "enum":
      if (typeof x !== "number" || !Number.isInteger(x) || x < 0 || x >= type.members.length)
        fail(describe(x), type, `an enum member is its ordinal, 0..${type.members.length - 1}`);
      return x;
    case "machine":
      if (typeof x !== "number" || !Number.isInteger(x) || x < -1 || x > INT_MAX)
        fail(describe(x), type, "a machine reference is an instance id, or -1");
      return x;
    case "event":
      if (typeof x !== "number" || !Number.isInteger(x) || x < -1 || x > INT_MAX)
        fail(describe(x), type, "an event value is the event's index, or -1");
      return x;
    case "any":
      return fail(describe(x), type, "foreign functions cannot return 'any' values; return a concrete type");
    case "bool":
      if (typeof x !== "boolean") fail(describe(x), type);
      return x;
    case "string":
      if (typeof x !== "string") fail(describe(x), type);
      return x;
    case "tuple":
    case "namedTuple": {
      const elems = type.kind === "tuple" ? type.elems : type.fields.map((f) => f.type);
      if (!Array.isArray(x) || x.length !== elems.length)
        fail(describe(x), type, `a tuple is an array of its ${elems.length} elements in order`);
      return elems.map((t, i) =>
        at(x[i], t, () => `.${type.kind === "namedTuple" ? type.fields[i]!.name : i}`),
      );
    }
    case "seq":
      if (!Array.isArray(x)) fail(describe(x), type);
      return elements(x, type.elem);
    case "set": {
      if (!Array.isArray(x)) fail(describe(x), type);
      const s = elements(x, type.elem);
      if (increasing(s, (v) => v)) return s;
      const sorted = s.slice().sort(compare);
      if (!increasing(sorted, (v) => v)) fail("a set with a duplicate element", type);
      return sorted;
    }
    case "map": {
      if (!Array.isArray(x)) fail(describe(x), type);
      const m: readonly Value[] = x.map((e, i): Value => {
        if (!Array.isArray(e) || e.length !== 2)
          fail(describe(e), type, `a map is an array of [key, value] pairs; at [${i}]`);
        const k = at(e[0], type.key, () => `[${i}][0]`);
        const v = at(e[1], type.value, () => `[${i}][1]`);
        return k === e[0] && v === e[1] ? (e as Value) : [k, v];
      });
      const key = (v: Value) => (v as readonly Value[])[0]!;
      if (increasing(m, key)) return m;
      const sorted = m.slice().sort((a, b) => compare(key(a), key(b)));
      if (!increasing(sorted, key)) fail("a map with a repeated key", type);
      return sorted;
    }
    case "void":
      return x as Value; // ignored by the caller
    case "error":
      return x as Value;
  }
}

/** True when the keys of `xs` are strictly increasing (sorted, no two equal). */
function increasing(xs: readonly Value[], key: (v: Value) => Value): boolean {
  for (let i = 1; i < xs.length; i++) if (compare(key(xs[i - 1]!), key(xs[i]!)) >= 0) return false;
  return true;
}
