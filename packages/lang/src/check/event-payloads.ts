// The payload type a list of events hands to one handler or receive case, and
// the diagnostics about event names in such lists (shared by state items in
// check-program.ts and receive cases in check-stmt.ts).
import type { Ident } from "../ast.js";
import { FAULT_EVENT_MISUSE_HINT } from "../fault-events.js";
import { ERROR, type Type, typeEquals } from "../types.js";
import { type CheckState, isMissing, report } from "./context.js";
import { didYouMean } from "./suggest.js";
import { showType } from "./type-text.js";

/** The payload a handler (or a receive case) for these events receives; FL302 when the events disagree. */
export function eventsPayload(st: CheckState, list: readonly Ident[]): Type | null {
  const events = st.tables.symbols.events;
  let first: { ident: Ident; payload: Type | null } | null = null;
  let result: Type | null = null;
  for (const ev of list) {
    const info = events.get(ev.name);
    if (!info) {
      unknownEvent(st, ev);
      result = first ? result : ERROR;
      continue;
    }
    if (!first) {
      first = { ident: ev, payload: info.payload };
      result = info.payload;
      continue;
    }
    const same =
      (first.payload === null && info.payload === null) ||
      (first.payload !== null && info.payload !== null && typeEquals(first.payload, info.payload));
    if (!same) {
      const show = (t: Type | null) => (t ? showType(t) : "no payload");
      report(
        st,
        "FL302",
        ev.span,
        `events '${first.ident.name}' and '${ev.name}' carry different payloads (${show(first.payload)} and ${show(info.payload)}), so one handler cannot take both`,
        {
          hint: "write a separate handler for each",
          related: [{ message: `'${first.ident.name}' listed here`, span: first.ident.span }],
        },
      );
      result = ERROR;
    }
  }
  return result;
}

/** FL403: a fault event (fault-events.ts) is injected by the checker and seen by specs only. */
export function faultEventMisuse(st: CheckState, ev: Ident, what: string): void {
  report(st, "FL403", ev.span, `the fault event '${ev.name}' cannot be ${what}`, {
    hint: FAULT_EVENT_MISUSE_HINT,
  });
}

export function unknownEvent(st: CheckState, ev: Ident, more: readonly string[] = []): void {
  if (isMissing(ev.name)) return;
  report(st, "FL202", ev.span, `unknown event '${ev.name}'`, {
    hint: didYouMean(ev.name, [...st.tables.symbols.events.keys(), ...more]),
  });
}
