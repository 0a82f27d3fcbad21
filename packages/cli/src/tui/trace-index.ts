// Facts about a trace document computed once: its components, the machines
// that act in it (lanes of the sequence view), what each step involves (for the
// machine filter) and the text each step is searched by.
import { parseSends, type SentMessage, sequenceLanes, stepEndpoints } from "../message-sequence.js";
import { changedComponents } from "./state-diff.js";
import type { TraceDocument } from "./trace-document.js";

// The label accessors moved to ../message-sequence.ts (shared with the HTML report); re-exported for the TUI.
export { labelActor, labelFrom, labelTo, parseSends, type SentMessage } from "../message-sequence.js";

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
  document.steps.forEach((step, index) => {
    const label = step.label;
    const names = new Set<string>();
    const stepSends = parseSends(label);
    for (const name of stepEndpoints(label, stepSends)) names.add(name);
    const before = index === 0 ? null : document.steps[index - 1]!.state;
    for (const name of changedComponents(before, step.state)) names.add(name);
    involved.push(names);
    sends.push(stepSends);
    const details = label.details === undefined ? "" : JSON.stringify(label.details);
    haystacks.push(`${label.kind} ${label.text} ${label.actor ?? ""} ${details}`.toLowerCase());
  });
  return { components, lanes: sequenceLanes(document.steps), involved, haystacks, sends };
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
