// The generated module's type declarations, for users to import: the value
// types (MachineRef, FlSet, FlMap), the program's enums, the Events enum, each
// event's payload type and the Message union, and each machine's (and spec's)
// variables and states. Declarations also turns IR types into the type nodes
// the function bodies (generate-bodies.ts) write in signatures and casts.
import { eventCodeName } from "../fault-events.js";
import type { Span } from "../ast.js";
import type { IrMachine, IrProgram, IrSpec } from "../ir.js";
import { type Type, typeToString } from "../types.js";
import {
  type Decl,
  type TupleMember,
  type TypeNode,
  arrayType,
  keywordType,
  readonlyType,
  tupleType,
  typeRef,
} from "./code-tree.js";
import { safeIdentifier } from "./names.js";

/** `model.fl:12`: where a declaration comes from, for doc comments. */
export function where(span: Span): string {
  return `${span.file.replace(/^.*[\\/]/, "")}:${span.start.line}`;
}

function member(type: TypeNode, name: string | null = null): TupleMember {
  return { name, type };
}

/** The module's type names and declarations; built before the bodies, which name the types. */
export class Declarations {
  private readonly typeNames = new Set<string>();
  private readonly enumNames = new Map<string, string>();
  private readonly varsTypeNames = new Map<string, string>();
  /** Structural type text -> the payload alias declared for it, for readable signatures. */
  private readonly payloadAliases = new Map<string, string>();
  private readonly eventsEnum: string;

  constructor(private readonly ir: IrProgram) {
    for (const e of ir.enums) this.enumNames.set(e.name, this.typeName(safeIdentifier(e.name)));
    this.eventsEnum = this.typeName("Events");
  }

  /** A unique top-level type name (generated names give way to user enum names). */
  private typeName(wanted: string): string {
    let name = wanted;
    while (this.typeNames.has(name)) name += "_";
    this.typeNames.add(name);
    return name;
  }

  valueTypes(): Decl[] {
    const string = keywordType("string");
    const number = keywordType("number");
    const readonlyArray = (t: TypeNode) => readonlyType(arrayType(t));
    const alias = (
      name: string,
      params: Extract<Decl, { k: "typeAlias" }>["params"],
      type: TypeNode,
      doc: string,
    ) => ({ k: "typeAlias", name, params, type, doc }) as const;
    const machineProp = { name: "machine", type: typeRef("M"), readonly: true, optional: true };
    return [
      alias(
        "MachineRef",
        [{ name: "M", constraint: string, default: string }],
        {
          k: "conditional",
          check: string,
          extends: typeRef("M"),
          whenTrue: number,
          whenFalse: { k: "intersection", types: [number, { k: "object", members: [machineProp] }] },
        },
        "A machine instance: its global creation number (-1 for default(machine)); plain `MachineRef` is any machine.",
      ),
      alias(
        "FlSet",
        [{ name: "T" }],
        readonlyArray(typeRef("T")),
        "A set: its distinct elements in canonical (sorted) order.",
      ),
      alias(
        "FlMap",
        [{ name: "K" }, { name: "V" }],
        readonlyArray(readonlyType(tupleType([member(typeRef("K")), member(typeRef("V"))]))),
        "A map: [key, value] entries sorted by key.",
      ),
    ];
  }

  programTypes(): Decl[] {
    const out: Decl[] = [];
    const enumDecl = (name: string, members: readonly [string, number][], doc?: string): Decl =>
      doc === undefined ? { k: "enum", name, members } : { k: "enum", name, members, doc };
    for (const e of this.ir.enums) {
      out.push(
        enumDecl(
          this.enumNames.get(e.name)!,
          e.members.map((m, i) => [m, i]),
        ),
      );
    }
    if (this.ir.events.length > 0) {
      out.push(
        enumDecl(
          this.eventsEnum,
          this.ir.events.map((e) => [eventCodeName(e.name), e.index]),
          "Event numbers, as messages carry them.",
        ),
      );
      const variants: TypeNode[] = [];
      for (const e of this.ir.events) {
        const members = [{ name: "event", type: typeRef(`${this.eventsEnum}.${eventCodeName(e.name)}`) }];
        if (e.payload !== null) {
          const payloadName = this.typeName(`${eventCodeName(e.name)}Payload`);
          const key = typeToString(e.payload);
          if (!this.payloadAliases.has(key)) this.payloadAliases.set(key, payloadName);
          out.push({
            k: "typeAlias",
            name: payloadName,
            params: [],
            type: this.typeNode(e.payload),
            doc: `Payload of event ${e.name} (${where(e.span)}).`,
          });
          members.push({ name: "payload", type: typeRef(payloadName) });
        }
        variants.push({ k: "object", members });
      }
      out.push({
        k: "typeAlias",
        name: this.typeName("Message"),
        params: [],
        type: { k: "union", types: variants },
        doc: "A message in flight.",
      });
    }
    for (const m of [...this.ir.machines, ...this.ir.specs]) {
      const varsName = this.typeName(`${m.name}Vars`);
      this.varsTypeNames.set(m.name, varsName);
      out.push({
        k: "typeAlias",
        name: varsName,
        params: [],
        type: this.namedTupleNode(m.vars, true),
        doc: `The variables of ${"observes" in m ? "spec" : "machine"} ${m.name}, by position.`,
      });
      out.push(
        enumDecl(
          this.typeName(`${m.name}State`),
          m.states.map((s) => [s.name, s.index]),
        ),
      );
    }
    return out;
  }

  /** A type as written in signatures: a payload alias when one matches. */
  namedTypeNode(t: Type): TypeNode {
    const alias =
      t.kind === "tuple" || t.kind === "namedTuple" ? this.payloadAliases.get(typeToString(t)) : undefined;
    return alias ? typeRef(alias) : this.typeNode(t);
  }

  /** `[a: A, b: B]`: a tuple type naming its members (a variable list, a named tuple's fields). */
  private namedTupleNode(members: readonly { name: string; type: Type }[], multiLine = false): TypeNode {
    return tupleType(
      members.map((m) => member(this.typeNode(m.type), safeIdentifier(m.name))),
      multiLine,
    );
  }

  typeNode(t: Type): TypeNode {
    switch (t.kind) {
      case "int":
        return keywordType("number");
      case "bool":
        return keywordType("boolean");
      case "string":
        return keywordType("string");
      case "enum":
        return typeRef(this.enumNames.get(t.name) ?? safeIdentifier(t.name));
      case "machine":
        return typeRef("MachineRef", t.name === null ? [] : [{ k: "literal", value: t.name }]);
      case "event":
        return keywordType("number");
      case "any":
        return typeRef("rt.AnyValue");
      // Values are immutable: tuples are readonly (as foreign signatures have them).
      case "tuple":
        return readonlyType(tupleType(t.elems.map((e) => member(this.typeNode(e)))));
      case "namedTuple":
        return readonlyType(this.namedTupleNode(t.fields));
      case "seq":
        return readonlyType(arrayType(this.typeNode(t.elem)));
      case "set":
        return typeRef("FlSet", [this.typeNode(t.elem)]);
      case "map":
        return typeRef("FlMap", [this.typeNode(t.key), this.typeNode(t.value)]);
      case "void":
        return keywordType("void");
      case "error":
        return keywordType("unknown");
    }
  }

  /** The type of an action's or function's `self`: the owner's variables. */
  varsType(owner: IrMachine | IrSpec): TypeNode {
    return typeRef(this.varsTypeNames.get(owner.name) ?? `${owner.name}Vars`);
  }
}
