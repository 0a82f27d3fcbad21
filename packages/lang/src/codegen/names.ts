// Names of generated functions. `$` separates the parts: it cannot occur in a
// .fl identifier, so these names never collide with each other or with user
// names. The runtime finds a handler by computing the same name.
import { eventCodeName } from "../fault-events.js";

export function entryFunctionName(owner: string, state: string): string {
  return `${owner}$${state}$entry`;
}

export function exitFunctionName(owner: string, state: string): string {
  return `${owner}$${state}$exit`;
}

/** The action of `on E do ...`, or the `with` action of `on E goto S with ...` (`crash(Node)`: `crash$Node`). */
export function handlerFunctionName(owner: string, state: string, event: string): string {
  return `${owner}$${state}$on$${eventCodeName(event)}`;
}

export function timeoutFunctionName(owner: string, state: string, timer: string): string {
  return `${owner}$${state}$timeout$${timer}`;
}

/** An action's resume function after its fork (context.ts `fork`). */
export function resumeFunctionName(action: string): string {
  return `${action}$resume`;
}

/** A machine's or spec's own function (owner set), or a top-level one. */
export function funFunctionName(owner: string | null, fun: string): string {
  return owner === null ? `fun$${fun}` : `${owner}$fun$${fun}`;
}

export function invariantFunctionName(name: string): string {
  return `invariant$${name}`;
}

/** The function that names the instances breaking a `forall` invariant (invariantWitness). */
export function invariantWitnessFunctionName(name: string): string {
  return `witness$${name}`;
}

// JavaScript reserved words and the names generated code uses for itself.
const RESERVED = new Set([
  "break",
  "case",
  "catch",
  "class",
  "const",
  "continue",
  "debugger",
  "default",
  "delete",
  "do",
  "else",
  "enum",
  "export",
  "extends",
  "false",
  "finally",
  "for",
  "function",
  "if",
  "import",
  "in",
  "instanceof",
  "new",
  "null",
  "return",
  "super",
  "switch",
  "this",
  "throw",
  "true",
  "try",
  "typeof",
  "var",
  "void",
  "while",
  "with",
  "yield",
  "let",
  "static",
  "implements",
  "interface",
  "package",
  "private",
  "protected",
  "public",
  "await",
  "async",
  "of",
  "arguments",
  "eval",
  "undefined",
  "NaN",
  "Infinity",
  "globalThis",
  "require",
  "exports",
  "module",
  "Object",
  "Array",
  "Math",
  "Number",
  "String",
  "Boolean",
  "Symbol",
  // generated code's own names
  "ctx",
  "self",
  "rt",
  "foreign",
  "payload",
  "Ctx",
  "ControlTransfer",
  "Value",
  "MachineRef",
  "FlSet",
  "FlMap",
  "Events",
  "Message",
]);

/** A user identifier made safe to use as a JavaScript binding (injective: `$` is not a .fl character). */
export function safeIdentifier(name: string): string {
  return RESERVED.has(name) ? `${name}$` : name;
}
