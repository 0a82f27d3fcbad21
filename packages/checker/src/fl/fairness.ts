// Weak fairness for the liveness check (liveness.ts; docs/faults.md): a key
// for each enabled step a fair run must eventually take if it stays enabled.
import type { FlParts } from "./build-model.js";
import { DELIVER, FAIR_STEPS, HEAL, RESTART, type StepKind, TIMER } from "./enabled-steps.js";
import { type FlMessage, type FlState, type FlStep, messageOf } from "./fl-state.js";

type FairParts = Pick<FlParts, "enabled" | "faults" | "machines">;

/**
 * Weak-fairness keys of the steps enabled in `s` that a fair run must
 * eventually take if they stay enabled: one per channel with a deliverable
 * message (per distinct message with `reorder`), per armed timer whose
 * handler is enabled, per crashed machine that may restart, and the heal of
 * a partition. Fault steps (drop, duplicate, crash, partition) have no key:
 * they may never happen. See docs/faults.md.
 */
export function enabledFairSteps(p: FairParts, s: FlState): string[] {
  return p.enabled.map(s, FAIR_STEPS, (kind, a, b) => fairKey(p, s, kind, a, b));
}

/** The key of an enabled step of the FAIR_STEPS kinds (see EnabledSteps.forEach for `a` and `b`). */
function fairKey(p: FairParts, s: FlState, kind: StepKind, a: number, b: number): string {
  switch (kind) {
    case DELIVER: {
      const ch = s.channels[a]!;
      return p.faults.reorder ? reorderKey(ch.from, ch.to, ch.msgs[b]!) : deliverKey(ch.from, ch.to);
    }
    case TIMER:
      return timerKey(a, p.machines[s.machines[a]!.type]!.timers[b]!);
    case RESTART:
      return `restart ${a}`;
    case HEAL:
      return "heal";
    default:
      throw new Error(`internal: step kind ${kind} has no fairness key`);
  }
}

/** The weak-fairness key a step from `s` takes (see enabledFairSteps); null for fault steps. */
export function fairKeyOfStep(p: FairParts, s: FlState, step: FlStep): string | null {
  switch (step.t) {
    case "deliver": {
      if (!p.faults.reorder) return deliverKey(step.from, step.to);
      const msg = messageOf(s, step);
      return msg ? reorderKey(step.from, step.to, msg) : `deliver ${step.from}->${step.to} #${step.i}`;
    }
    case "timer":
      return timerKey(step.m, step.timer);
    case "restart":
      return `restart ${step.m}`;
    case "heal":
      return "heal";
    default:
      return null;
  }
}

function deliverKey(from: number, to: number): string {
  return `deliver ${from}->${to}`;
}

/** With reorder, fairness is per distinct message: equal messages in a channel are interchangeable. */
function reorderKey(from: number, to: number, msg: FlMessage): string {
  return `deliver ${from}->${to} ${JSON.stringify([msg.event, msg.payload])}`;
}

function timerKey(id: number, timer: string): string {
  return `timer ${id} ${timer}`;
}
