// Presentation of states: machine names (`Type(k)`), the state view
// (Model.viewState), the ITF form (Model.itfState) and the text of faults and
// partitions. Values are formatted by value-view.ts.
import type { IrFault } from "@faultline/lang";
import type { Json, StateView } from "../model.js";
import type { FlParts } from "./build-model.js";
import { CRASHED, type FlMachine, type FlMessage, type FlState, HALTED, UP } from "./fl-state.js";
import { namer } from "./machine-names.js";
import { messageText, type RefNamer, valueToItf, valueToJson, valueTypes } from "./value-view.js";

/** What presenting a state needs of a model. */
export type ViewParts = Pick<FlParts, "ir" | "machines" | "monitors" | "eventNames" | "faults">;

/** A message as text: its event and payload. */
export function msgText(p: ViewParts, m: FlMessage, names: RefNamer): string {
  return messageText(
    p.eventNames[m.event]!,
    m.payload,
    p.ir.events[m.event]!.payload,
    names,
    valueTypes(p.ir),
  );
}

/** Both sides of a partition, by name: the side with machine 0 first. */
export function sides(p: ViewParts, s: FlState, cut: readonly number[]): string[][] {
  const names = namer(p, s);
  const inCut = new Set(cut);
  const near: string[] = [];
  const far: string[] = [];
  s.machines.forEach((_, id) => {
    (inCut.has(id) ? far : near).push(names(id)!);
  });
  return [near, far];
}

export function sidesText(sides: readonly (readonly string[])[]): string {
  return sides.map((side) => `{${side.join(", ")}}`).join(" | ");
}

/** A fault as written in a test, e.g. `drop Credit`, `crash Store then restart`. */
export function faultText(f: IrFault): string {
  switch (f.kind) {
    case "drop":
    case "duplicate":
      return f.events === null ? f.kind : `${f.kind} ${f.events.join(", ")}`;
    case "crash":
      return `crash ${f.machine}${f.restart ? " then restart" : ""}`;
    case "partition":
    case "reorder":
      return f.kind;
  }
}

export function viewState(p: ViewParts, s: FlState): StateView {
  const names = namer(p, s);
  const view: StateView = {};
  s.machines.forEach((m, id) => {
    view[names(id)!] = machineView(p, m, names, false);
  });
  view.network = networkView(p, s, names, false);
  if (s.monitors.length > 0) view.monitors = monitorsView(p, s, names, false);
  if (hasFaultState(p)) view.faults = faultsView(p, s, false);
  return view;
}

export function itfState(p: ViewParts, s: FlState): { [variable: string]: Json } {
  const names = namer(p, s);
  const itf: { [variable: string]: Json } = {
    machines: { "#map": s.machines.map((m, id) => [names(id)!, machineView(p, m, names, true)]) },
    network: networkView(p, s, names, true),
    monitors: monitorsView(p, s, names, true),
  };
  if (hasFaultState(p)) itf.faults = faultsView(p, s, true);
  return itf;
}

function machineView(p: ViewParts, m: FlMachine, names: RefNamer, itf: boolean): Json {
  const t = p.machines[m.type]!;
  const vars: { [k: string]: Json } = {};
  t.varNames.forEach((n, i) => {
    vars[n] = itf
      ? valueToItf(m.vars[i]!, t.varTypes[i]!, names, valueTypes(p.ir))
      : valueToJson(m.vars[i]!, t.varTypes[i]!, names, valueTypes(p.ir));
  });
  const timers = t.timers.filter((_, i) => m.timers & (1 << i));
  const status = m.status === UP ? "up" : m.status === HALTED ? "halted" : "crashed";
  // A crashed instance is in no state until it restarts: null in the view, no
  // `state` field in ITF (which has no null; `status` says "crashed").
  if (itf) {
    const view: { [k: string]: Json } = {};
    if (m.status !== CRASHED) view.state = t.states[m.state]!.name;
    view.status = status;
    view.vars = vars;
    view.timers = { "#set": timers };
    return view;
  }
  const view: { [k: string]: Json } = {
    state: m.status === CRASHED ? null : t.states[m.state]!.name,
    status,
    vars,
    timers,
  };
  if (m.wait !== null) view.waiting = waitingFor(p, m);
  return view;
}

/** What a machine blocked in `receive` waits for: `Ack or Nack (receive at file.fl:12:5)`. */
export function waitingFor(p: ViewParts, m: FlMachine): string {
  const r = p.machines[m.type]!.receives[m.wait!.site]!;
  const events = r.events.map((e) => p.ir.events[e]!.name).join(" or ");
  const at = r.span.start;
  return `${events} (receive at ${r.span.file}:${at.line}:${at.col})`;
}

function networkView(p: ViewParts, s: FlState, names: RefNamer, itf: boolean): Json[] {
  const out: Json[] = [];
  for (const ch of s.channels) {
    for (const msg of ch.msgs) {
      const pt = p.ir.events[msg.event]!.payload;
      const has = pt !== null && msg.payload !== null;
      const entry: { [k: string]: Json } = {
        from: names(ch.from),
        to: names(ch.to),
        event: p.eventNames[msg.event]!,
      };
      // A payload-less event: null in the view, no `payload` field in ITF.
      if (itf) {
        if (has) entry.payload = valueToItf(msg.payload!, pt!, names, valueTypes(p.ir));
      } else entry.payload = has ? valueToJson(msg.payload!, pt!, names, valueTypes(p.ir)) : null;
      out.push(entry);
    }
  }
  return out;
}

/** The spec monitors: per spec its state, whether hot, its variables. */
export function monitorsView(p: ViewParts, s: FlState, names: RefNamer, itf: boolean): { [k: string]: Json } {
  const out: { [k: string]: Json } = {};
  s.monitors.forEach((mon, i) => {
    const t = p.monitors[i]!;
    const vars: { [k: string]: Json } = {};
    t.varNames.forEach((n, j) => {
      vars[n] = itf
        ? valueToItf(mon.vars[j]!, t.varTypes[j]!, names, valueTypes(p.ir))
        : valueToJson(mon.vars[j]!, t.varTypes[j]!, names, valueTypes(p.ir));
    });
    const st = t.states[mon.state]!;
    out[t.name] = { state: st.name, hot: st.hot, vars };
  });
  return out;
}

/** Remaining budgets by fault (as written in the test) and the partition, if any. */
function faultsView(p: ViewParts, s: FlState, itf: boolean): Json {
  const budgets: [string, Json][] = [];
  p.faults.faults.forEach((f, i) => {
    if (f.kind === "reorder") return;
    const left = s.budgets[i]!;
    const text = faultText(f);
    const key = budgets.some(([k]) => k === text) ? `${text} (#${i + 1})` : text;
    budgets.push([key, itf ? { "#bigint": String(left) } : left]);
  });
  const view: { [k: string]: Json } = { budgets: itf ? { "#map": budgets } : Object.fromEntries(budgets) };
  if (p.faults.partitions.length > 0) {
    view.partition = s.cut === null ? (itf ? "none" : null) : sidesText(sides(p, s, s.cut));
  }
  return view;
}

/** Budgets or a partition to show (a reorder-only test has neither). */
function hasFaultState(p: ViewParts): boolean {
  return p.faults.faults.some((f) => f.kind !== "reorder");
}
