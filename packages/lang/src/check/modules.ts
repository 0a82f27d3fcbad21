// Modules (`module M = { A, B };`, `union M1, M2, { C }`) and the module
// expressions of a test's `in (...)`: each denotes a set of machine types.
// One home for expanding them: the checker (with diagnostics) and lowering.
import type { Ident, ModuleDecl, ModuleExpr } from "../ast.js";
import { type CheckState, isMissing, report } from "./context.js";
import { didYouMean } from "./suggest.js";
import type { GlobalSymbols } from "./tables.js";

/**
 * The machine types `exprs` denote: their union, in first-mention order.
 * `lookup` gives a module's machines (default: the checked `symbols.modules`);
 * a name that is neither a machine nor a module goes to `unknown`.
 */
export function moduleMachines(
  symbols: GlobalSymbols,
  exprs: readonly ModuleExpr[],
  lookup: (id: Ident) => readonly string[] | undefined = (id) => symbols.modules.get(id.name)?.machines,
  unknown: (id: Ident, inSet: boolean) => void = () => {},
): string[] {
  const out = new Set<string>();
  const add = (e: ModuleExpr): void => {
    if (e.kind === "ModuleUnion") {
      for (const p of e.parts) add(p);
    } else if (e.kind === "ModuleSet") {
      for (const m of e.members) {
        if (symbols.machines.has(m.name)) out.add(m.name);
        else unknown(m, true);
      }
    } else if (symbols.machines.has(e.name.name)) {
      out.add(e.name.name);
    } else {
      const machines = symbols.modules.has(e.name.name) ? lookup(e.name) : undefined;
      if (machines === undefined) {
        if (!symbols.modules.has(e.name.name)) unknown(e.name, false);
      } else {
        for (const m of machines) out.add(m);
      }
    }
  };
  for (const e of exprs) add(e);
  return [...out];
}

/**
 * Expands every module declaration into `symbols.modules` (in declaration
 * order), reporting unknown names (FL203 in a `{ ... }` set, FL420 elsewhere)
 * and cycles (FL421, once, at the reference that closes it).
 */
export function checkModules(st: CheckState, decls: readonly ModuleDecl[]): void {
  const symbols = st.tables.symbols;
  const active: string[] = [];
  const resolve = (decl: ModuleDecl): readonly string[] => {
    const info = symbols.modules.get(decl.name.name)!;
    if (info.resolved) return info.machines;
    active.push(decl.name.name);
    info.machines = moduleMachines(symbols, [decl.expr], lookup, (id, inSet) =>
      unknownModuleName(st, id, inSet),
    );
    active.pop();
    info.resolved = true;
    return info.machines;
  };
  const lookup = (id: Ident): readonly string[] | undefined => {
    const at = active.indexOf(id.name);
    if (at >= 0) {
      const path = [...active.slice(at), id.name].join(" -> ");
      report(st, "FL421", id.span, `module '${id.name}' is defined in terms of itself: ${path}`, {
        hint: "a module is a set of machine types; list the machines instead of the module that includes this one",
      });
      return [];
    }
    return resolve(symbols.modules.get(id.name)!.decl);
  };
  for (const d of decls) if (symbols.modules.get(d.name.name)?.decl === d) resolve(d);
}

/** FL203 (a `{ ... }` set lists machines) or FL420 (a name that is neither machine nor module). */
export function unknownModuleName(st: CheckState, id: Ident, inSet: boolean): void {
  if (inSet) {
    unknownMachine(st, id);
    return;
  }
  if (isMissing(id.name)) return;
  const symbols = st.tables.symbols;
  report(st, "FL420", id.span, `unknown module or machine '${id.name}'`, {
    hint: symbols.specs.has(id.name)
      ? `'${id.name}' is a spec monitor; a module lists machines, and a test asserts specs`
      : id.name === "union"
        ? "'union' starts a union of sets and needs at least one: 'union M1, { A, B }'"
        : didYouMean(id.name, [...symbols.modules.keys(), ...symbols.machines.keys()]),
  });
}

export function unknownMachine(st: CheckState, id: Ident): void {
  if (isMissing(id.name)) return;
  const symbols = st.tables.symbols;
  report(st, "FL203", id.span, `unknown machine '${id.name}'`, {
    hint: symbols.specs.has(id.name)
      ? `'${id.name}' is a spec monitor, not a machine`
      : didYouMean(id.name, symbols.machines.keys()),
  });
}
