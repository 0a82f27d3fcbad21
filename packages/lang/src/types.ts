// Semantic types, as the type checker computes them and the IR carries them.

export type Type =
  | { kind: "int" }
  | { kind: "bool" }
  | { kind: "string" }
  | { kind: "enum"; name: string; members: string[] }
  /** A machine reference; name null is the `machine` type (any machine). */
  | { kind: "machine"; name: string | null }
  | { kind: "tuple"; elems: Type[] }
  | { kind: "namedTuple"; fields: { name: string; type: Type }[] }
  | { kind: "seq"; elem: Type }
  | { kind: "set"; elem: Type }
  | { kind: "map"; key: Type; value: Type }
  /** An event name as a value (`var m: event; m = Ping;`); its default is the null event. */
  | { kind: "event" }
  /** Any value, carrying its dynamic type (`x as int` casts it back); see docs/language.md, "any". */
  | { kind: "any" }
  | { kind: "void" }
  /** The type of an expression that already produced a diagnostic: compatible with everything. */
  | { kind: "error" };

export const INT: Type = { kind: "int" };
export const BOOL: Type = { kind: "bool" };
export const STRING: Type = { kind: "string" };
export const VOID: Type = { kind: "void" };
export const ERROR: Type = { kind: "error" };
export const EVENT: Type = { kind: "event" };
export const ANY: Type = { kind: "any" };

/**
 * Whether a value of type `actual` may be used where `expected` is wanted:
 * equal types, or `expected` has `any` where `actual` has a value of any type,
 * at the top or inside collections and tuples (`seq[int]` where a `seq[any]`
 * is wanted). Lowering converts the value (`convert`), wrapping each such part
 * with its dynamic type.
 */
export function isAssignable(actual: Type, expected: Type): boolean {
  if (actual.kind === "error" || expected.kind === "error") return true;
  if (expected.kind === "any") return actual.kind !== "void";
  switch (actual.kind) {
    case "seq":
    case "set":
      return expected.kind === actual.kind && isAssignable(actual.elem, expected.elem);
    case "map":
      return (
        expected.kind === "map" &&
        isAssignable(actual.key, expected.key) &&
        isAssignable(actual.value, expected.value)
      );
    case "tuple":
      return (
        expected.kind === "tuple" &&
        expected.elems.length === actual.elems.length &&
        actual.elems.every((t, i) => isAssignable(t, expected.elems[i]!))
      );
    case "namedTuple":
      return (
        expected.kind === "namedTuple" &&
        expected.fields.length === actual.fields.length &&
        actual.fields.every(
          (f, i) => f.name === expected.fields[i]!.name && isAssignable(f.type, expected.fields[i]!.type),
        )
      );
    default:
      return typeEquals(actual, expected);
  }
}

/** Whether a value of type `t` may hold an `any` (itself or inside a tuple or collection). */
export function containsAny(t: Type): boolean {
  switch (t.kind) {
    case "any":
      return true;
    case "tuple":
      return t.elems.some(containsAny);
    case "namedTuple":
      return t.fields.some((f) => containsAny(f.type));
    case "seq":
    case "set":
      return containsAny(t.elem);
    case "map":
      return containsAny(t.key) || containsAny(t.value);
    default:
      return false;
  }
}

/**
 * The dynamic type an `any` records for a value of static type `t`: machine
 * types are all `machine` (a reference's machine type is not checked, as
 * \`machine\` converts to every machine type), everything else as written.
 */
export function dynamicType(t: Type): Type {
  switch (t.kind) {
    case "machine":
      return t.name === null ? t : { kind: "machine", name: null };
    case "tuple":
      return { kind: "tuple", elems: t.elems.map(dynamicType) };
    case "namedTuple":
      return {
        kind: "namedTuple",
        fields: t.fields.map((f) => ({ name: f.name, type: dynamicType(f.type) })),
      };
    case "seq":
    case "set":
      return { kind: t.kind, elem: dynamicType(t.elem) };
    case "map":
      return { kind: "map", key: dynamicType(t.key), value: dynamicType(t.value) };
    default:
      return t;
  }
}

/** Structural equality of types (enums and machines by name). */
export function typeEquals(a: Type, b: Type): boolean {
  if (a.kind === "error" || b.kind === "error") return true;
  switch (a.kind) {
    case "enum":
      return b.kind === "enum" && a.name === b.name;
    case "machine":
      return b.kind === "machine" && (a.name === b.name || a.name === null || b.name === null);
    case "tuple":
      return (
        b.kind === "tuple" &&
        a.elems.length === b.elems.length &&
        a.elems.every((t, i) => typeEquals(t, b.elems[i]!))
      );
    case "namedTuple":
      return (
        b.kind === "namedTuple" &&
        a.fields.length === b.fields.length &&
        a.fields.every((f, i) => f.name === b.fields[i]!.name && typeEquals(f.type, b.fields[i]!.type))
      );
    case "seq":
    case "set":
      return b.kind === a.kind && typeEquals(a.elem, (b as { elem: Type }).elem);
    case "map":
      return b.kind === "map" && typeEquals(a.key, b.key) && typeEquals(a.value, b.value);
    default:
      return a.kind === b.kind;
  }
}

/** How a type is written in source, for diagnostics and generated code comments. */
export function typeToString(t: Type): string {
  switch (t.kind) {
    case "enum":
      return t.name;
    case "machine":
      return t.name ?? "machine";
    case "tuple":
      return `(${t.elems.map(typeToString).join(", ")}${t.elems.length === 1 ? "," : ""})`;
    case "namedTuple":
      return `(${t.fields.map((f) => `${f.name}: ${typeToString(f.type)}`).join(", ")})`;
    case "seq":
      return `seq[${typeToString(t.elem)}]`;
    case "set":
      return `set[${typeToString(t.elem)}]`;
    case "map":
      return `map[${typeToString(t.key)}, ${typeToString(t.value)}]`;
    case "error":
      return "<error>";
    default:
      return t.kind;
  }
}
