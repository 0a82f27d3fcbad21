// Fault events: the faults a spec monitor can observe (docs/language.md section 10).
// `observes crash, crash(Node), partition` makes the fault an event of the program,
// named as written (`crash(Node)` included), with the machine it concerns as payload:
// the crashed or restarted machine, the receiver of the dropped or duplicated message.
// The checker injects them (checker/src/fl/executor.ts); no machine sends or handles them.

/** The faults a spec can observe, in the order the docs list them. */
export const FAULT_EVENT_KINDS = ["crash", "restart", "drop", "duplicate", "partition", "heal"] as const;

export type FaultEventKind = (typeof FAULT_EVENT_KINDS)[number];

/** Faults that concern one machine (payload: its reference); partition and heal concern none. */
export function faultTakesMachine(kind: FaultEventKind): boolean {
  return kind !== "partition" && kind !== "heal";
}

/** What an observed fault event stands for: its kind and, for `crash(Node)`, the machine type. */
export interface FaultEventRef {
  kind: FaultEventKind;
  /** `crash(Node)`: only crashes of Node machines; null: `crash`, every machine. */
  machine: string | null;
}

/** The event name of a fault event, as the parser spells it: `crash` or `crash(Node)`. */
export function faultEventName(ref: FaultEventRef): string {
  return ref.machine === null ? ref.kind : `${ref.kind}(${ref.machine})`;
}

/**
 * Splits an event name as the parser builds it: `crash(Node)` -> base `crash`,
 * machine `Node`; `Ping` -> base `Ping`, machine null.
 */
export function splitEventName(name: string): { base: string; machine: string | null } {
  const open = name.indexOf("(");
  if (open < 0 || !name.endsWith(")")) return { base: name, machine: null };
  return { base: name.slice(0, open), machine: name.slice(open + 1, -1) };
}

/** The hint of FL403 on a fault event sent, raised, announced or handled by a machine. */
export const FAULT_EVENT_MISUSE_HINT = "the checker injects fault events and only spec monitors observe them";

/** An event's name in generated code: `crash(Node)` -> `crash$Node` (no declared name has a `$`). */
export function eventCodeName(name: string): string {
  const { base, machine } = splitEventName(name);
  return machine === null ? name : `${base}$${machine}`;
}

export function isFaultEventKind(name: string): name is FaultEventKind {
  return (FAULT_EVENT_KINDS as readonly string[]).includes(name);
}
