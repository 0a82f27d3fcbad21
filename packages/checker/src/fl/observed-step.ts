// A step as an implementation under test sees it (model-based testing,
// docs/conformance.md): what the step sends, by display name and with plain
// JSON payloads (json-values.ts), every combination of its `choose` values (so
// a tester can resolve the model's choices by matching what the real code
// did), the message a delivery takes, and the instances of a state.
import type { Json, StepOutcome } from "../model.js";
import type { FlParts } from "./build-model.js";
import { nextChoices, type SendRecord } from "./executor.js";
import { CRASHED, type FlState, type FlStep, HALTED, messageOf } from "./fl-state.js";
import type { Payload } from "./lang-codegen.js";
import { nameIn, namer } from "./machine-names.js";
import { valueToPlainJson } from "./json-values.js";
import { applyChoosing } from "./random-steps.js";
import { valueTypes } from "./value-view.js";

/** A message sent by a step, as an adapter reports it. */
export interface ObservedSend {
  from: string;
  to: string;
  event: string;
  payload: Json;
  /** Why it was lost at send time (receiver halted or crashed, partition), or null when it is in flight. */
  lost: null | "halted" | "crashed" | "partition";
}

/** One run of a step: the step with the choices made, its outcome and what it sent. */
export interface ObservedRun {
  step: FlStep;
  outcome: StepOutcome<FlState>;
  sends: ObservedSend[];
}

/** A machine instance of a state. */
export interface ObservedInstance {
  id: number;
  /** Display name, `Type(k)`. */
  name: string;
  type: string;
  status: "up" | "halted" | "crashed";
  /** The `new M(payload)` argument, in plain JSON (null for none). */
  payload: Json;
}

/** The message a delivery, drop or duplicate step takes, in plain JSON. */
export interface ObservedMessage {
  from: string;
  to: string;
  event: string;
  payload: Json;
}

/** Runs `step` like applyChoosing and records its sends. Throws what applyChoosing throws (InvalidStepError). */
export function runObserved(
  p: FlParts,
  s: FlState | null,
  step: FlStep,
  choose: (options: number) => number,
): ObservedRun {
  const records: SendRecord[] = [];
  p.ex.sends = records;
  let ran: { step: FlStep; outcome: StepOutcome<FlState> };
  try {
    ran = applyChoosing(p, s, step, choose);
  } finally {
    p.ex.sends = null;
  }
  const after = ran.outcome.state ?? s;
  const names = namer(p, after);
  const sends = records.map((r) => ({
    from: names(r.from) ?? "null",
    to: names(r.to) ?? "null",
    event: p.eventNames[r.event]!,
    payload: plainPayload(p, r.event, r.payload, after),
    lost: r.lost,
  }));
  return { step: ran.step, outcome: ran.outcome, sends };
}

/**
 * Every combination of `step`'s choose values (its recorded ones ignored),
 * depth first in the order the values are tried, at most `limit` of them.
 */
export function runEveryChoice(p: FlParts, s: FlState | null, step: FlStep, limit: number): ObservedRun[] {
  const open = "c" in step ? ({ ...step, c: [] } as FlStep) : step;
  const runs: ObservedRun[] = [];
  let prefix: number[] = [];
  while (runs.length < limit) {
    const values: number[] = [];
    const options: number[] = [];
    runs.push(
      runObserved(p, s, open, (n) => {
        const v = values.length < prefix.length ? prefix[values.length]! : 0;
        values.push(v);
        options.push(n);
        return v;
      }),
    );
    const next = nextChoices(prefix, values, options, values.length);
    if (next === null) break;
    prefix = next;
  }
  return runs;
}

/** The message a delivery, drop or duplicate takes from `s`, or null for other steps (or none there). */
export function messageOfStep(p: FlParts, s: FlState | null, step: FlStep): ObservedMessage | null {
  if (s === null || (step.t !== "deliver" && step.t !== "drop" && step.t !== "duplicate")) return null;
  const m = messageOf(s, step);
  if (m === undefined) return null;
  return {
    from: nameIn(p, s, step.from),
    to: nameIn(p, s, step.to),
    event: p.eventNames[m.event]!,
    payload: plainPayload(p, m.event, m.payload, s),
  };
}

/** The machine instances of `s`, by id. */
export function instancesOf(p: FlParts, s: FlState): ObservedInstance[] {
  return s.machines.map((m, id) => ({
    id,
    name: nameIn(p, s, id),
    type: p.machines[m.type]!.name,
    status: m.status === HALTED ? "halted" : m.status === CRASHED ? "crashed" : "up",
    payload: creationPayload(p, m.type, m.payload, s),
  }));
}

function creationPayload(p: FlParts, type: number, payload: Payload, s: FlState): Json {
  const t = p.machines[type]!.payloadType;
  return t === null || payload === null ? null : valueToPlainJson(payload, t, namer(p, s), valueTypes(p.ir));
}

function plainPayload(p: FlParts, event: number, payload: Payload, s: FlState | null): Json {
  const type = p.ir.events[event]!.payload;
  return type === null || payload === null
    ? null
    : valueToPlainJson(payload, type, namer(p, s), valueTypes(p.ir));
}
