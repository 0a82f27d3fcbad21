// Type expressions -> semantic types: builtins, enums, machines, aliases
// (expanded, recursion reported once as FL310), tuples and collections.
import type { Ident, NodeId, TypeAliasDecl, TypeExpr } from "../ast.js";
import { ANY, BOOL, ERROR, EVENT, INT, STRING, type Type } from "../types.js";
import { type CheckState, isMissing, report } from "./context.js";
import { didYouMean } from "./suggest.js";
import type { GlobalSymbols } from "./tables.js";

export const BUILTIN_TYPE_NAMES = ["int", "bool", "string", "machine", "event", "any"] as const;

export class TypeResolver {
  private readonly aliasTypes = new Map<string, Type>();
  private readonly resolving: string[] = [];
  private readonly recursive = new Set<string>();
  // Resolving the same type expression twice must not report its errors twice.
  private readonly resolved = new Map<NodeId, Type>();

  constructor(
    private readonly st: CheckState,
    private readonly symbols: GlobalSymbols,
  ) {}

  resolve(te: TypeExpr): Type {
    let t = this.resolved.get(te.id);
    if (!t) {
      t = this.resolveUncached(te);
      this.resolved.set(te.id, t);
    }
    return t;
  }

  private resolveUncached(te: TypeExpr): Type {
    switch (te.kind) {
      case "NamedType":
        return this.resolveName(te.name);
      case "TupleType":
        return { kind: "tuple", elems: te.elems.map((e) => this.resolve(e)) };
      case "NamedTupleType": {
        const seen = new Map<string, Ident>();
        const fields: { name: string; type: Type }[] = [];
        for (const f of te.fields) {
          const first = seen.get(f.name.name);
          if (first) {
            report(this.st, "FL207", f.name.span, `duplicate field '${f.name.name}' in named tuple type`, {
              related: [{ message: `'${f.name.name}' first declared here`, span: first.span }],
            });
          } else {
            seen.set(f.name.name, f.name);
          }
          fields.push({ name: f.name.name, type: this.resolve(f.type) });
        }
        return { kind: "namedTuple", fields };
      }
      case "SeqType":
        return { kind: "seq", elem: this.resolve(te.elem) };
      case "SetType":
        return { kind: "set", elem: this.resolve(te.elem) };
      case "MapType":
        return { kind: "map", key: this.resolve(te.key), value: this.resolve(te.value) };
    }
  }

  /** The expanded type of an alias (ERROR if it is recursive). */
  aliasType(decl: TypeAliasDecl): Type {
    const name = decl.name.name;
    const cached = this.aliasTypes.get(name);
    if (cached) return cached;
    const at = this.resolving.indexOf(name);
    if (at >= 0) {
      const cycle = this.resolving.slice(at);
      if (!cycle.some((n) => this.recursive.has(n))) {
        report(
          this.st,
          "FL310",
          decl.name.span,
          `type alias '${name}' is recursive: ${[...cycle, name].join(" -> ")}`,
          { hint: "use a machine reference or a collection of a non-recursive type instead" },
        );
      }
      for (const n of cycle) this.recursive.add(n);
      return ERROR;
    }
    this.resolving.push(name);
    let t = this.resolve(decl.type);
    this.resolving.pop();
    if (this.recursive.has(name)) t = ERROR;
    this.aliasTypes.set(name, t);
    return t;
  }

  private resolveName(id: Ident): Type {
    const name = id.name;
    switch (name) {
      case "int":
        return INT;
      case "bool":
        return BOOL;
      case "string":
        return STRING;
      case "machine":
        return { kind: "machine", name: null };
      case "event":
        return EVENT;
      case "any":
        return ANY;
    }
    if (isMissing(name)) return ERROR; // the parser already reported it
    const en = this.symbols.enums.get(name);
    if (en) return { kind: "enum", name, members: en.members };
    const alias = this.symbols.aliases.get(name);
    if (alias) return this.aliasType(alias);
    if (this.symbols.machines.has(name)) return { kind: "machine", name };
    if (this.symbols.modules.has(name)) {
      report(this.st, "FL201", id.span, `'${name}' is a module, not a type`, {
        hint: "a module names a set of machine types for tests; use one of its machine types",
      });
      return ERROR;
    }
    if (this.symbols.specs.has(name)) {
      report(this.st, "FL201", id.span, `'${name}' is a spec monitor, not a type`, {
        hint: "only machines can be referenced; spec monitors have no instances to point at",
      });
      return ERROR;
    }
    let hint = didYouMean(name, this.typeNames());
    if (hint === undefined && this.symbols.events.has(name)) {
      hint = `'${name}' is an event; use its payload type, or 'event' for an event as a value`;
    }
    report(this.st, "FL201", id.span, `unknown type '${name}'`, { hint });
    return ERROR;
  }

  private typeNames(): string[] {
    return [
      ...BUILTIN_TYPE_NAMES,
      ...this.symbols.enums.keys(),
      ...this.symbols.aliases.keys(),
      ...this.symbols.machines.keys(),
    ];
  }
}
