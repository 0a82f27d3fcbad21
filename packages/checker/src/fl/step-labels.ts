// Presentation of steps (Model.describeStep): the one-line text, the actor,
// the source location of the handler or fault, and details (what was sent,
// the transition, machines created, messages lost). Fault steps are named as
// a resilience engineer would: packet loss, instance termination, ...
import type { Failure, Json, StepLabel } from "../model.js";
import { formatLocation } from "../trace/trace.js";
import { applyStep } from "./apply-step.js";
import type { FlParts } from "./build-model.js";
import { InvalidStepError, type SendRecord } from "./executor.js";
import { type FlMessage, type FlState, type FlStep, messageOf } from "./fl-state.js";
import { HALT_EVENT, type Value } from "./lang-codegen.js";
import { H_GOTO } from "./program-tables.js";
import { spanToLocation } from "./source-location.js";
import { namer } from "./machine-names.js";
import { msgText, sides, sidesText } from "./state-views.js";
import { type RefNamer, valueToJson, valueToText, valueTypes } from "./value-view.js";

const LOST_REASON = {
  halted: "receiver halted",
  crashed: "receiver crashed",
  partition: "partitioned",
} as const;

type FaultStep = Extract<FlStep, { t: "drop" | "duplicate" | "crash" | "restart" | "partition" | "heal" }>;

export function describeStep(
  p: FlParts,
  step: FlStep,
  before: FlState | null,
  after: FlState | null,
): StepLabel {
  const names = namer(p, after ?? before);
  const details: { [key: string]: Json } = { kind: step.t };
  if ("c" in step && Array.isArray(step.c) && step.c.length > 0) details.choices = step.c;
  const { sends, failed, chosen, printed } = rerun(p, step, before);
  details.sends = sends.map(
    (r) =>
      `${names(r.from)} -> ${names(r.to)}: ${msgText(p, r, names)}` +
      (r.lost === null ? "" : ` (lost: ${LOST_REASON[r.lost]})`),
  );
  if (failed) details.failure = failed.message;
  if (chosen.length > 0) details.chosen = chosen.map((c) => chosenText(p, c, names));
  // `print` output: the step's log lines, in order (traceToText prints them under the step).
  if (printed.length > 0) details.printed = printed;
  const label: StepLabel = { kind: step.t, text: "", details };
  const l: Labelling = { p, before, after, label, details, names };
  switch (step.t) {
    case "init":
      describeInit(l);
      return label;
    case "deliver":
      describeDelivery(l, step);
      break;
    case "timer":
      describeTimer(l, step);
      break;
    default:
      describeFault(l, step);
      return label;
  }
  const id = step.t === "deliver" ? step.to : step.m;
  const b = before?.machines[id];
  const a = after?.machines[id];
  if (a && b && a.state !== b.state) {
    const table = p.machines[a.type]!;
    details.transition = `${table.states[b.state]!.name} -> ${table.states[a.state]!.name}`;
  }
  created(l);
  return label;
}

/** A step being described: the model, the states around it, and the label being filled in. */
interface Labelling {
  p: FlParts;
  before: FlState | null;
  after: FlState | null;
  label: StepLabel;
  details: { [key: string]: Json };
  names: RefNamer;
}

/** Runs the step again from `before`, recording what it sends and its failure, if any. */
function rerun(
  p: FlParts,
  step: FlStep,
  before: FlState | null,
): {
  sends: SendRecord[];
  failed: Failure | null;
  chosen: { site: number; value: Value }[];
  printed: string[];
} {
  let sends: SendRecord[] = [];
  let printed: string[] = [];
  let chosen: { site: number; value: Value }[] = [];
  let failed: Failure | null = null;
  if (before !== null || step.t === "init") {
    p.ex.sends = [];
    p.ex.chosen = [];
    p.ex.printed = [];
    try {
      const out = applyStep(p.ex, p.machines, before, step);
      if (out.kind === "failure") failed = out.failure;
    } catch (e) {
      if (!(e instanceof InvalidStepError)) throw e;
    } finally {
      sends = p.ex.sends ?? [];
      chosen = p.ex.chosen ?? [];
      printed = p.ex.printed ?? [];
      p.ex.sends = null;
      p.ex.chosen = null;
      p.ex.printed = null;
    }
  }
  return { sends, failed, chosen, printed };
}

/** What one `choose` yielded (in `.fl` syntax) and where: `{value: "2", at: "examples/choose.fl:14:11"}`. */
function chosenText(p: FlParts, c: { site: number; value: Value }, names: RefNamer): Json {
  const type = p.code.chooseTypes[c.site];
  const value = type === undefined ? String(c.value) : valueToText(c.value, type, names, valueTypes(p.ir));
  const span = p.code.sites[c.site];
  return span === undefined ? { value } : { value, at: formatLocation(spanToLocation(span)) };
}

/** Machines the step created (ids past those of `before`). */
function created({ before, after, details, names }: Labelling): void {
  if (after && before && after.machines.length > before.machines.length) {
    details.created = after.machines
      .slice(before.machines.length)
      .map((_, k) => names(before.machines.length + k)!);
  }
}

function describeInit({ p, after, label, details, names }: Labelling): void {
  const actor = `${p.test.main}(0)`;
  label.text = `init: ${actor}`;
  label.actor = actor;
  details.actor = actor;
  const main = p.machines.find((m) => m.name === p.test.main);
  if (main)
    label.location = spanToLocation(
      main.states[main.start]!.entry ? main.states[main.start]!.span : main.span,
    );
  if (after) details.created = after.machines.map((_, id) => names(id)!);
}

function describeDelivery(
  { p, before, label, details, names }: Labelling,
  step: Extract<FlStep, { t: "deliver" }>,
): void {
  const msg = messageOf(before, step);
  const to = names(step.to)!;
  const from = names(step.from)!;
  label.actor = to;
  Object.assign(details, { actor: to, from, to });
  if (!msg) {
    label.text = `${to} <- message ${step.i} from ${from}`;
    return;
  }
  const event = p.eventNames[msg.event]!;
  label.text = `${to} <- ${msgText(p, msg, names)} from ${from}`;
  details.event = event;
  details.payload = payloadJson(p, msg, names);
  const recv = before!.machines[step.to]!;
  const st = p.machines[recv.type]!.states[recv.state]!;
  const h = st.on[msg.event];
  const hkind =
    event === HALT_EVENT
      ? "halt"
      : h === undefined
        ? "unhandled"
        : ["do", "goto", "defer", "ignore"][h.kind]!;
  details.handler = { state: st.name, event, kind: hkind };
  if (h) label.location = spanToLocation(h.span);
}

function describeTimer(
  { p, before, label, details, names }: Labelling,
  step: Extract<FlStep, { t: "timer" }>,
): void {
  const m = names(step.m)!;
  label.actor = m;
  label.text = `${m} <- timeout ${step.timer}`;
  Object.assign(details, { actor: m, timer: step.timer });
  const mach = before?.machines[step.m];
  if (!mach) return;
  const table = p.machines[mach.type]!;
  const st = table.states[mach.state]!;
  const h = st.timeouts[table.timers.indexOf(step.timer)];
  details.handler = {
    state: st.name,
    timeout: step.timer,
    kind: h ? (h.kind === H_GOTO ? "goto" : "do") : "unhandled",
  };
  if (h) label.location = spanToLocation(h.span);
}

/** The machine a crash or restart acts on: the label's text and actor. */
function faultActor({ label, details, names }: Labelling, id: number, verb: string): void {
  const m = names(id)!;
  label.text = `${verb} ${m}`;
  label.actor = m;
  details.actor = m;
}

function payloadJson(p: FlParts, msg: FlMessage, names: RefNamer): Json {
  const ptype = p.ir.events[msg.event]!.payload;
  return ptype && msg.payload !== null ? valueToJson(msg.payload, ptype, names, valueTypes(p.ir)) : null;
}

function describeFault(l: Labelling, step: FaultStep): void {
  const { p, before, after, label, details, names } = l;
  label.kind = "fault";
  details.kind = "fault";
  details.fault = step.t;
  const decl =
    "f" in step && step.f !== undefined
      ? p.faults.faults[step.f]
      : p.faults.faults.find((d) =>
          step.t === "restart"
            ? d.kind === "crash" && d.restart
            : step.t === "heal"
              ? d.kind === "partition"
              : d.kind === step.t,
        );
  if (decl) label.location = spanToLocation(decl.span);
  const lost = (ch: { from: number; to: number; msgs: readonly FlMessage[] }) =>
    ch.msgs.map((m) => `${names(ch.from)} -> ${names(ch.to)}: ${msgText(p, m, names)}`);
  switch (step.t) {
    case "drop":
    case "duplicate": {
      const from = names(step.from)!;
      const to = names(step.to)!;
      Object.assign(details, { from, to });
      const msg = messageOf(before, step);
      if (msg) {
        label.text = `${step.t} ${msgText(p, msg, names)} ${from} -> ${to}`;
        details.event = p.eventNames[msg.event]!;
        details.payload = payloadJson(p, msg, names);
      } else {
        label.text = `${step.t} message ${step.i} ${from} -> ${to}`;
      }
      return;
    }
    case "crash": {
      faultActor(l, step.m, "crash");
      if (before) details.lost = before.channels.filter((c) => c.to === step.m).flatMap(lost);
      const b = before?.machines[step.m];
      if (b) details.stateBefore = p.machines[b.type]!.states[b.state]!.name;
      return;
    }
    case "restart": {
      faultActor(l, step.m, "restart");
      const a = after?.machines[step.m];
      if (a) {
        const table = p.machines[a.type]!;
        details.transition = `crashed -> ${table.states[a.state]!.name}`;
        label.location = spanToLocation(table.states[table.start]!.span);
      }
      created(l);
      return;
    }
    case "partition": {
      const state = before ?? after;
      const split = state ? sides(p, state, step.side) : [[], step.side.map((id) => names(id)!)];
      label.text = `partition ${sidesText(split)}`;
      details.sides = split;
      if (before) {
        const cut = new Set(step.side);
        details.lost = before.channels.filter((c) => cut.has(c.from) !== cut.has(c.to)).flatMap(lost);
      }
      return;
    }
    case "heal": {
      if (before?.cut) {
        const split = sides(p, before, before.cut);
        label.text = `heal partition ${sidesText(split)}`;
        details.sides = split;
      } else {
        label.text = "heal partition";
      }
      return;
    }
  }
}
