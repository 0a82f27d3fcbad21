// Completion from the text before the cursor and the document's names:
// events after `send x,` / `on` / `defer` / `ignore` / `raise` / `announce`,
// states after `goto`, timers after `on timeout` and `timer`, fields after `.`,
// machine types after `new` and `main =`, properties after a test's `assert`,
// and otherwise the keywords that may start what is written there.
import { type Decl, RESERVED_KEYWORDS, type Type, typeToString } from "@faultline/lang";
import { type CompletionItem, CompletionItemKind } from "vscode-languageserver";
import type { Analysis } from "./analysis.js";
import { offsetAt } from "./features.js";
import type { SymbolKind } from "./symbols.js";

const TOP_LEVEL = "event machine spec fun foreign invariant reachable test enum type param".split(" ");
const MACHINE_BODY = "var durable start state fun hot cold".split(" ");
const STATE_BODY = "entry exit on defer ignore".split(" ");
/** Keywords that never start anything inside code (declarations, state members, types, test headers). */
const NOT_IN_CODE = new Set([
  ...TOP_LEVEL,
  ...MACHINE_BODY.filter((w) => w !== "var" && w !== "start"),
  ...STATE_BODY,
  ..."observes do with timeout in int bool string seq set map".split(" "),
]);
const STATEMENTS = RESERVED_KEYWORDS.filter((w) => !NOT_IN_CODE.has(w));

export function complete(a: Analysis, pos: { line: number; character: number }): CompletionItem[] {
  const offset = offsetAt(a, pos);
  const before = withoutComments(a.text.slice(Math.max(0, offset - 400), offset));
  const owner = enclosingMachine(a, offset);
  const names = (kind: SymbolKind, inOwner: string | null | undefined, item: CompletionItemKind) =>
    [...a.index.symbols.values()]
      .filter((s) => s.kind === kind && (inOwner === undefined || s.owner === inOwner))
      .map((s) => ({ label: s.name, kind: item, detail: kind }));
  const events = () => names("event", undefined, CompletionItemKind.Event);

  if (/\bsend\s+[^;{}]*,\s*\w*$/.test(before) && sendAtEvent(before)) return events();
  if (/\bon\s+timeout\s+\w*$/.test(before)) return names("timer", owner, CompletionItemKind.Variable);
  if (/\b(?:start|cancel)\s+timer\s+\w*$/.test(before))
    return names("timer", owner, CompletionItemKind.Variable);
  if (/\bon\s+\w*$/.test(before))
    return [...events(), { label: "timeout", kind: CompletionItemKind.Keyword }];
  if (/\b(?:on|defer|ignore|observes)\s+(?:\w+\s*,\s*)*\w*$/.test(before)) return events();
  if (/\b(?:raise|announce)\s+\w*$/.test(before)) return events();
  if (/\bfaults\s*\{[^}]*\b(?:drop|duplicate)\s+(?:\w+\s*,\s*)*\w*$/.test(before)) return events();
  if (/\bgoto\s+\w*$/.test(before)) return names("state", owner ?? null, CompletionItemKind.EnumMember);
  if (/\bnew\s+\w*$/.test(before) || /\bmain\s*=\s*\w*$/.test(before) || /\bcrash\s+\w*$/.test(before)) {
    return names("machine", undefined, CompletionItemKind.Class);
  }
  if (/\]\s*:\s*assert\s+(?:\w+\s*,\s*)*\w*$/.test(before)) {
    return [
      ...names("invariant", undefined, CompletionItemKind.Property),
      ...names("spec", undefined, CompletionItemKind.Interface),
    ];
  }
  const dot = /([A-Za-z_]\w*)\s*\.\s*\w*$/.exec(before);
  if (dot) return fields(a, dot[1]!, offset - (before.length - dot.index));

  const context = contextAt(a, offset);
  const keywords = (ws: string[]) => ws.map((w) => ({ label: w, kind: CompletionItemKind.Keyword }));
  if (context === "top") return keywords(TOP_LEVEL);
  if (context === "machine") return keywords(MACHINE_BODY);
  if (context === "state") return keywords(STATE_BODY);
  return [
    ...keywords(STATEMENTS),
    ...names("var", owner ?? null, CompletionItemKind.Field),
    ...names("fun", owner ?? null, CompletionItemKind.Method),
    ...names("fun", null, CompletionItemKind.Function),
    ...names("param", undefined, CompletionItemKind.Constant),
    ...names("enumMember", undefined, CompletionItemKind.EnumMember),
  ];
}

/** `send target,` with the cursor in the event's place: no comma at depth 0 inside the target. */
function sendAtEvent(before: string): boolean {
  const at = before.lastIndexOf("send");
  const rest = before.slice(at + 4).replace(/\w*$/, "");
  let depth = 0;
  let commas = 0;
  for (const c of rest) {
    if (c === "(" || c === "[" || c === "{") depth++;
    else if (c === ")" || c === "]" || c === "}") depth--;
    else if (c === "," && depth === 0) commas++;
  }
  return commas === 1;
}

function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, " ").replace(/\/\/[^\n]*/g, "");
}

function enclosingMachine(a: Analysis, offset: number): string | undefined {
  const d = enclosingDecl(a, offset);
  return d && (d.kind === "MachineDecl" || d.kind === "SpecDecl") ? d.name.name : undefined;
}

function enclosingDecl(a: Analysis, offset: number): Decl | undefined {
  return a.ast.decls.find((d) => d.span.start.offset < offset && offset <= d.span.end.offset);
}

/** Where the cursor is: between declarations, in a machine's body, a state's body, or code. */
function contextAt(a: Analysis, offset: number): "top" | "machine" | "state" | "code" {
  const d = enclosingDecl(a, offset);
  if (!d) return "top";
  if (d.kind !== "MachineDecl" && d.kind !== "SpecDecl") return "code";
  const inside = (n: { span: { start: { offset: number }; end: { offset: number } } }) =>
    n.span.start.offset < offset && offset < n.span.end.offset;
  const state = d.states.find(inside);
  if (!state) return d.funs.some(inside) ? "code" : "machine";
  const members = [
    ...state.items,
    ...(state.entry ? [state.entry] : []),
    ...(state.exit ? [state.exit] : []),
  ];
  return members.some(inside) ? "code" : "state";
}

/** After `name.`: an enum's members, a named tuple's fields, a machine's variables (in invariants). */
function fields(a: Analysis, name: string, at: number): CompletionItem[] {
  const sym = a.tables?.symbols;
  const e = sym?.enums.get(name);
  if (e) return e.members.map((m) => ({ label: m, kind: CompletionItemKind.EnumMember }));
  const type = typeOfNameBefore(a, name, at);
  if (!type) return [];
  if (type.kind === "namedTuple") {
    return type.fields.map((f) => ({
      label: f.name,
      kind: CompletionItemKind.Field,
      detail: typeText(f.type),
    }));
  }
  if (type.kind === "tuple")
    return type.elems.map((t, i) => ({
      label: String(i),
      kind: CompletionItemKind.Field,
      detail: typeText(t),
    }));
  if (type.kind === "machine" && type.name) {
    const m = sym?.machines.get(type.name) ?? sym?.specs.get(type.name);
    return [...(m?.vars.entries() ?? [])].map(([v, info]) => ({
      label: v,
      kind: CompletionItemKind.Field,
      detail: typeText(info.type),
    }));
  }
  return [];
}

function typeText(t: Type): string {
  return typeToString(t);
}

/** The type of the nearest use or declaration of `name` before `at` (the checker's tables). */
function typeOfNameBefore(a: Analysis, name: string, at: number): Type | undefined {
  const tables = a.tables;
  if (!tables) return undefined;
  let found: Type | undefined;
  let foundAt = -1;
  const consider = (offset: number, t: Type | undefined) => {
    if (t && t.kind !== "error" && offset < at && offset > foundAt) {
      found = t;
      foundAt = offset;
    }
  };
  for (const o of a.index.occurrences) {
    if (o.span.start.offset >= at) break;
    const info = a.index.symbols.get(o.key);
    if (!info || info.name !== name) continue;
    if (info.kind === "local") consider(o.span.start.offset, tables.declTypes.get(info.node!.id));
    if (info.kind === "var" && info.owner) {
      const m = tables.symbols.machines.get(info.owner) ?? tables.symbols.specs.get(info.owner);
      consider(o.span.start.offset, m?.vars.get(name)?.type);
    }
  }
  return found;
}
