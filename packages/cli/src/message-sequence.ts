// The message-sequence reading of a trace, shared by the TUI's sequence pane
// (tui/sequence-view.ts) and the HTML report's chart (reporters/html-msc.ts):
// who a step's label names (actor, sender, receiver), what it sent, the lanes
// (machines that act, send or receive), the events drawn for a step, and each
// message's life from the step that sent it to the one that delivered,
// dropped or lost it. Plain data from step labels: no model, no language.
import { formatMessage, type Json, type StateView, type StepLabel } from "@faultline/checker";

/** A message sent during a step, from `details.sends` (objects or "A -> B: text" strings). */
export interface SentMessage {
  from?: string;
  to?: string;
  text: string;
  /** The message was lost (e.g. the receiver had halted). */
  dropped: boolean;
}

const SEND_TEXT = /^(.+?) -> (.+?): (.*)$/;
/** `(dropped: ...)` or `(lost: receiver halted)`, as .fl step labels write it. */
const DROPPED_SUFFIX = /\s*\((dropped|lost)[^)]*\)\s*$/;

export function stringDetail(label: StepLabel, key: string): string | undefined {
  const value: Json | undefined = label.details?.[key];
  return typeof value === "string" ? value : undefined;
}

export function labelFrom(label: StepLabel): string | undefined {
  return stringDetail(label, "from");
}

export function labelTo(label: StepLabel): string | undefined {
  return stringDetail(label, "to");
}

export function labelActor(label: StepLabel): string | undefined {
  return label.actor ?? stringDetail(label, "actor");
}

/** "A -> B: text" with an optional "(lost: ...)" suffix. */
function parseSendText(send: string): SentMessage {
  const dropped = DROPPED_SUFFIX.test(send);
  const text = send.replace(DROPPED_SUFFIX, "");
  const match = SEND_TEXT.exec(text);
  return match ? { from: match[1]!, to: match[2]!, text: match[3]!, dropped } : { text, dropped };
}

export function parseSends(label: StepLabel): SentMessage[] {
  const sends = label.details?.sends;
  if (!Array.isArray(sends)) return [];
  const out: SentMessage[] = [];
  for (const send of sends) {
    if (typeof send === "string") {
      out.push(parseSendText(send));
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

/** The machines a step names: its actor, sender and receiver, and both ends of every message it sent. */
export function stepEndpoints(label: StepLabel, sends: readonly SentMessage[]): string[] {
  const names = [labelActor(label), labelFrom(label), labelTo(label)];
  for (const send of sends) names.push(send.from, send.to);
  return names.filter((name): name is string => name !== undefined);
}

/**
 * The lanes of a sequence chart: the machines that act, send or receive in
 * some step, in the order the state views list their components; endpoints
 * that are not components (a model whose view omits them) come after.
 */
export function sequenceLanes(steps: readonly { label: StepLabel; state: StateView }[]): string[] {
  const components = new Set<string>();
  for (const step of steps) for (const name of Object.keys(step.state)) components.add(name);
  const endpoints = new Set<string>();
  for (const step of steps)
    for (const name of stepEndpoints(step.label, parseSends(step.label))) endpoints.add(name);
  const lanes = [...components].filter((name) => endpoints.has(name));
  for (const name of endpoints) if (!components.has(name)) lanes.push(name);
  return lanes;
}

export type SequenceEvent =
  | { kind: "arrow"; from: string; to: string; label: string; style: "deliver" | "send" | "drop" }
  | { kind: "mark"; at: string; label: string; style: "init" | "timer" | "fault" | "action" }
  | { kind: "note"; label: string };

export type MarkStyle = "init" | "timer" | "fault" | "action";

export function markStyle(kind: string): MarkStyle {
  if (kind === "init") return "init";
  if (kind === "timer" || kind === "timeout") return "timer";
  if (/fault|drop|crash|partition|duplicate|restart/.test(kind)) return "fault";
  return "action";
}

/** What the actor did, without repeating its name: "RMPrepare", "timeout VoteTimeout". */
export function markText(label: StepLabel, actor: string): string {
  const timer = stringDetail(label, "timer");
  if (timer !== undefined) return `timeout ${timer}`;
  if (label.kind === "init") return "init";
  if (label.text.startsWith(actor)) {
    const rest = label.text
      .slice(actor.length)
      .replace(/^[\s:<>-]+/, "")
      .trim();
    if (rest !== "") return rest;
  }
  return label.kind;
}

/** The delivered (or dropped, duplicated) message as it was sent, with its payload, so its send and delivery read alike. */
function labelEventText(label: StepLabel): string {
  const eventName = stringDetail(label, "event");
  return eventName === undefined ? label.kind : formatMessage(eventName, label.details?.payload);
}

/**
 * The events drawn for one step (the TUI's rows): its own action first, then
 * one per message it sent (`sends[step]`, as parseSends read them).
 */
export function sequenceEvents(
  label: StepLabel,
  index: { readonly sends: readonly (readonly SentMessage[])[] },
  step: number,
): SequenceEvent[] {
  const events: SequenceEvent[] = [];
  const from = labelFrom(label);
  const to = labelTo(label);
  const actor = labelActor(label);
  const fault = markStyle(label.kind) === "fault";
  if (from !== undefined && to !== undefined) {
    events.push({ kind: "arrow", from, to, label: labelEventText(label), style: fault ? "drop" : "deliver" });
  } else if (actor !== undefined) {
    events.push({ kind: "mark", at: actor, label: markText(label, actor), style: markStyle(label.kind) });
  } else {
    events.push({ kind: "note", label: label.text });
  }
  for (const send of index.sends[step] ?? []) {
    if (send.from !== undefined && send.to !== undefined) {
      events.push({
        kind: "arrow",
        from: send.from,
        to: send.to,
        label: send.text,
        style: send.dropped ? "drop" : "send",
      });
    } else {
      events.push({ kind: "note", label: `sends ${send.text}` });
    }
  }
  return events;
}

/** How a message's life ended. */
export type MessageEnd =
  | { kind: "delivered" | "dropped" | "lost"; step: number }
  /** Still on the network when the trace ends. */
  | { kind: "in-flight" };

/** One message from the step that sent it to the step that delivered, dropped or lost it. */
export interface MessageFlow {
  from: string;
  to: string;
  /** The message as the sender's step wrote it: `Vote(Yes)`. */
  text: string;
  /** The step that sent it, or made this copy of it (a duplicate); null when no step of the trace did. */
  sentAt: number | null;
  end: MessageEnd;
  /** A copy made by a duplicate fault. */
  duplicate?: boolean;
}

/** The fault a step injects (`drop`, `duplicate`, `crash`, ...), or undefined for any other step. */
export function faultOf(label: StepLabel): string | undefined {
  return label.kind === "fault" ? (stringDetail(label, "fault") ?? "fault") : undefined;
}

/**
 * The message a delivery, drop or duplicate names, in the words its send used:
 * `.fl` labels read `To <- Text from From` and `drop Text From -> To`; other
 * models fall back to the event and payload of `details`.
 */
function namedMessageText(label: StepLabel, from: string, to: string, fault: string | undefined): string {
  const { text } = label;
  const [head, tail] =
    fault === undefined ? [`${to} <- `, ` from ${from}`] : [`${fault} `, ` ${from} -> ${to}`];
  if (text.startsWith(head) && text.endsWith(tail) && text.length > head.length + tail.length) {
    return text.slice(head.length, text.length - tail.length);
  }
  return labelEventText(label);
}

/**
 * Each message's life, in the order they were sent. A delivery (or drop,
 * duplicate) takes the oldest message in flight on its channel with the same
 * text, else the oldest on its channel: .fl channels are FIFO, and two
 * messages with the same text on one channel are indistinguishable, so the
 * pairing is exact for what a reader can see. A crash or partition ends the
 * messages its label lists as lost; a send to a halted or crashed machine is
 * lost at once. A delivery of a message no step sent gets a flow with
 * `sentAt` null. `delivered[step]` is the flow a step delivered.
 */
export function messageFlows(labels: readonly StepLabel[]): {
  flows: MessageFlow[];
  delivered: (MessageFlow | undefined)[];
} {
  const flows: MessageFlow[] = [];
  const delivered: (MessageFlow | undefined)[] = [];
  const inFlight: MessageFlow[] = [];
  const take = (from: string, to: string, text: string, remove: boolean): MessageFlow | undefined => {
    const onChannel = (f: MessageFlow) => f.from === from && f.to === to;
    let at = inFlight.findIndex((f) => onChannel(f) && f.text === text);
    if (at < 0) at = inFlight.findIndex(onChannel);
    if (at < 0) return undefined;
    const flow = inFlight[at]!;
    if (remove) inFlight.splice(at, 1);
    return flow;
  };
  labels.forEach((label, step) => {
    const from = labelFrom(label);
    const to = labelTo(label);
    const fault = faultOf(label);
    if (
      from !== undefined &&
      to !== undefined &&
      (fault === undefined || fault === "drop" || fault === "duplicate")
    ) {
      const text = namedMessageText(label, from, to, fault);
      if (fault === "duplicate") {
        const original = take(from, to, text, false);
        const copy: MessageFlow = {
          from,
          to,
          text: original?.text ?? text,
          sentAt: step,
          end: { kind: "in-flight" },
          duplicate: true,
        };
        flows.push(copy);
        inFlight.push(copy);
      } else {
        let flow = take(from, to, text, true);
        if (flow === undefined) {
          flow = { from, to, text, sentAt: null, end: { kind: "in-flight" } };
          flows.push(flow);
        }
        flow.end = { kind: fault === "drop" ? "dropped" : "delivered", step };
        if (fault === undefined) delivered[step] = flow;
      }
    }
    const lost = label.details?.lost;
    if (Array.isArray(lost)) {
      for (const entry of lost) {
        if (typeof entry !== "string") continue;
        const message = parseSendText(entry);
        if (message.from === undefined || message.to === undefined) continue;
        const flow = take(message.from, message.to, message.text, true);
        if (flow !== undefined) flow.end = { kind: "lost", step };
      }
    }
    for (const send of parseSends(label)) {
      if (send.from === undefined || send.to === undefined) continue;
      const flow: MessageFlow = {
        from: send.from,
        to: send.to,
        text: send.text,
        sentAt: step,
        end: { kind: "in-flight" },
      };
      flows.push(flow);
      if (send.dropped) flow.end = { kind: "lost", step };
      else inFlight.push(flow);
    }
  });
  return { flows, delivered };
}
