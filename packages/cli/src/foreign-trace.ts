// ITF traces written by other tools (and by `faultline observe`): no
// Faultline steps to replay, so `explore` and `replay` show their states as
// written (trace-document.ts's foreignItfDocument).
import { readFileSync } from "node:fs";
import {
  changeLines,
  type ForeignItfTrace,
  isForeignItf,
  readForeignItf,
  type StateView,
} from "@faultline/checker";
import { foreignItfDocument, type TraceDocument } from "./tui/trace-document.js";

/**
 * The ITF document at `path` when another tool wrote it (no Faultline steps
 * in it): its states, viewed without a model. Null for anything else,
 * Faultline's own ITF included, which the model replays.
 */
export function readForeignTrace(path: string): { document: TraceDocument; trace: ForeignItfTrace } | null {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(path, "utf8"));
  } catch {
    return null; // the trace loaders say what is wrong with the file
  }
  if (!isForeignItf(data)) return null;
  const read = readForeignItf(data);
  if (!read.ok) return null;
  return { document: foreignItfDocument(read.trace, path), trace: read.trace };
}

/** A foreign ITF trace as text: each state, then what changed from the one before. */
export function foreignTraceText(trace: ForeignItfTrace, document: TraceDocument): string {
  const lines: string[] = [];
  const width = String(trace.states.length).length;
  let before: StateView | null = null;
  document.steps.forEach((step, index) => {
    lines.push(`  ${String(index + 1).padStart(width)}. ${step.label.text}`);
    lines.push(...changeLines(before, step.state, " ".repeat(width + 4)));
    before = step.state;
  });
  if (trace.loop !== undefined) {
    lines.push(
      `  (a lasso: after state ${trace.states.length} the run loops back to state ${trace.loop + 1}, forever)`,
    );
  }
  return lines.join("\n");
}
