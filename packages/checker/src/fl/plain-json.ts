// Values in the plain JSON of logs and adapters (docs/conformance.md): what a
// service would write, not the tagged encoding of state views (value-view.ts).
// int, bool and string as themselves; an enum member as its name; a named
// tuple as an object; a tuple, seq or set as an array; a map as an object when
// its keys are strings, else an array of [key, value]; a machine reference as
// its display name (`Client(1)`), the null reference as null. The reverse,
// plain JSON read back against a type, is json-values.ts (observe).
import type { Type } from "@faultline/lang";
import type { Json } from "../model.js";
import type { Value } from "./lang-codegen.js";
import type { RefNamer } from "./value-view.js";

export function valueToPlainJson(v: Value, t: Type, ref: RefNamer): Json {
  switch (t.kind) {
    case "int":
    case "bool":
    case "string":
      return v as Json;
    case "enum":
      return t.members[v as number] ?? String(v);
    case "machine":
      return ref(v as number);
    case "tuple":
      return t.elems.map((e, i) => valueToPlainJson((v as readonly Value[])[i]!, e, ref));
    case "namedTuple": {
      const o: { [k: string]: Json } = {};
      t.fields.forEach((f, i) => {
        o[f.name] = valueToPlainJson((v as readonly Value[])[i]!, f.type, ref);
      });
      return o;
    }
    case "seq":
    case "set":
      return (v as readonly Value[]).map((e) => valueToPlainJson(e, t.elem, ref));
    case "map": {
      const entries = v as readonly (readonly Value[])[];
      if (t.key.kind === "string") {
        const o: { [k: string]: Json } = {};
        for (const e of entries) o[e[0] as string] = valueToPlainJson(e[1]!, t.value, ref);
        return o;
      }
      return entries.map((e) => [valueToPlainJson(e[0]!, t.key, ref), valueToPlainJson(e[1]!, t.value, ref)]);
    }
    default:
      return null;
  }
}
