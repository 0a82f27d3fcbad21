// Facts about a trace document computed once: its components, the machines
// that act in it (lanes of the sequence view), what each step involves (for the
// machine filter) and the text each step is searched by.
import type { Json, StepLabel } from "@faultline/checker";
import { changedComponents } from "./state-diff.js";
import type { TraceDocument } from "./trace-document.js";

/** A message sent during a step, from `details.sends` (objects or "A -> B: text" strings). */
export interface SentMessage {
  from?: string;
  to?: string;
  text: string;
  /** The message was lost (e.g. the receiver had halted). */
  dropped: boolean;
}

export interface TraceIndex {
  /** Every component of any state, in order of first appearance: machines, "network", monitors. */
  components: string[];
  /** The machines that act, send or receive in some step, in component order: the sequence view's lanes. */
  lanes: string[];
  /** Per step: the components it involves (actor, sender, receiver, sends, and every component it changed). */
  involved: Set<string>[];
  /** Per step: lower-case text searched by `/`. */
  haystacks: string[];
  /** Per step: the messages it sent. */
  sends: SentMessage[][];
}

const SEND_TEXT = /^(.+?) -> (.+?): (.*)$/;
const DROPPED_SUFFIX = /\s*\(dropped[^)]*\)\s*$/;

function stringField(details: { [key: string]: Json } | undefined, key: string): string | undefined {
  const value = details?.[key];
  return typeof value === "string" ? value : undefined;
}

export function labelFrom(label: StepLabel): string | undefined {
  return stringField(label.details, "from");
}

export function labelTo(label: StepLabel): string | undefined {
  return stringField(label.details, "to");
}

export function labelActor(label: StepLabel): string | undefined {
  return label.actor ?? stringField(label.details, "actor");
}

export function parseSends(label: StepLabel): SentMessage[] {
  const sends = label.details?.sends;
  if (!Array.isArray(sends)) return [];
  const out: SentMessage[] = [];
  for (const send of sends) {
    if (typeof send === "string") {
      const dropped = DROPPED_SUFFIX.test(send);
      const text = send.replace(DROPPED_SUFFIX, "");
      const match = SEND_TEXT.exec(text);
      out.push(match ? { from: match[1]!, to: match[2]!, text: match[3]!, dropped } : { text, dropped });
    } else if (typeof send === "object" && send !== null && !Array.isArray(send)) {
      const message: SentMessage = { text: "", dropped: send.dropped === true };
      if (typeof send.from === "string") message.from = send.from;
      if (typeof send.to === "string") message.to = send.to;
      message.text =
        typeof send.event === "string" ? send.event : typeof send.text === "string" ? send.text : "message";
      out.push(message);
    }
  }
  return out;
}

export function buildTraceIndex(document: TraceDocument): TraceIndex {
  const components: string[] = [];
  const seen = new Set<string>();
  const add = (name: string) => {
    if (!seen.has(name)) {
      seen.add(name);
      components.push(name);
    }
  };
  for (const step of document.steps) for (const name of Object.keys(step.state)) add(name);

  const involved: Set<string>[] = [];
  const haystacks: string[] = [];
  const sends: SentMessage[][] = [];
  const endpoints = new Set<string>();
  document.steps.forEach((step, index) => {
    const label = step.label;
    const names = new Set<string>();
    const actors = [labelActor(label), labelFrom(label), labelTo(label)];
    const stepSends = parseSends(label);
    for (const send of stepSends) actors.push(send.from, send.to);
    for (const name of actors) {
      if (name !== undefined) {
        names.add(name);
        endpoints.add(name);
      }
    }
    const before = index === 0 ? null : document.steps[index - 1]!.state;
    for (const name of changedComponents(before, step.state)) names.add(name);
    involved.push(names);
    sends.push(stepSends);
    const details = label.details === undefined ? "" : JSON.stringify(label.details);
    haystacks.push(`${label.kind} ${label.text} ${label.actor ?? ""} ${details}`.toLowerCase());
  });
  // Endpoints that are not components (a model whose view omits them) still get a lane, after the others.
  const lanes = components.filter((name) => endpoints.has(name));
  for (const name of endpoints) if (!seen.has(name)) lanes.push(name);
  return { components, lanes, involved, haystacks, sends };
}

/**
 * The steps shown under a machine filter: those that involve a shown
 * component. The failing step always stays: it is what the trace is about
 * (and so do a lasso's loop start and closing step).
 */
export function visibleSteps(
  document: TraceDocument,
  index: TraceIndex,
  hidden: ReadonlySet<string>,
): number[] {
  const out: number[] = [];
  for (let i = 0; i < document.steps.length; i++) {
    if (
      hidden.size === 0 ||
      i === document.failureStep ||
      i === document.loop?.start ||
      i === document.loop?.close
    ) {
      out.push(i);
      continue;
    }
    for (const name of index.involved[i]!) {
      if (!hidden.has(name)) {
        out.push(i);
        break;
      }
    }
  }
  return out;
}

/** Steps (among `candidates`) whose text contains `query`, case-insensitively. */
export function searchSteps(index: TraceIndex, candidates: readonly number[], query: string): number[] {
  const needle = query.toLowerCase();
  if (needle === "") return [];
  return candidates.filter((step) => index.haystacks[step]!.includes(needle));
}

/** The next match after `from` (wrapping), or the previous one with direction -1; undefined without matches. */
export function nextMatch(matches: readonly number[], from: number, direction: 1 | -1): number | undefined {
  if (matches.length === 0) return undefined;
  if (direction === 1) return matches.find((step) => step > from) ?? matches[0];
  for (let i = matches.length - 1; i >= 0; i--) if (matches[i]! < from) return matches[i];
  return matches[matches.length - 1];
}
