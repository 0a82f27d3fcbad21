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
  | { kind: "void" }
  /** The type of an expression that already produced a diagnostic: compatible with everything. */
  | { kind: "error" };

export const INT: Type = { kind: "int" };
export const BOOL: Type = { kind: "bool" };
export const STRING: Type = { kind: "string" };
export const VOID: Type = { kind: "void" };
export const ERROR: Type = { kind: "error" };

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
