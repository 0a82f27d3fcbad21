// The next-steps pane of interactive exploration: the enabled successors of the
// path's last state, each marked when it would fail (✗) or lead to a state
// that violates an invariant (!), and why the path ends when nothing is enabled.
import type { Json } from "@faultline/checker";
import { failureWithMessage, stepFailureText } from "../reporters/failure-text.js";
import { contentHeight, contentWidth, type PaneBox, scrollOffset } from "./layout.js";
import type { NextStep, PathEnd } from "./model-session.js";
import { kindColor, type PaneContent } from "./pane-lines.js";
import { fitLine, plain, type StyledLine, wrapLine } from "./styled-text.js";
import { isObject } from "./json-format.js";
import { parseSends } from "./trace-index.js";

export interface NextPaneInput {
  next: readonly NextStep[];
  end?: PathEnd;
  /** Steps in the path: the next steps follow the last one. */
  pathLength: number;
}

/** What the step's `choose`s take: the values when the label says (`chose 2, Blue`), else the choice indices. */
function choicesText(choices: Json | undefined, chosen: Json | undefined): string {
  if (Array.isArray(chosen) && chosen.length > 0) {
    const values = chosen.map((c) => (isObject(c) ? String(c["value"]) : String(c)));
    return `  chose ${values.join(", ")}`;
  }
  if (!Array.isArray(choices)) return "";
  return `  choice ${choices.map((value) => JSON.stringify(value)).join(", ")}`;
}

/** The marker at the start of a next step's row: what taking it would lead to. */
export function nextStepMark(next: NextStep): "✗" | "!" | " " {
  if (next.failure !== undefined) return "✗";
  return next.violated.length > 0 ? "!" : " ";
}

function endLines(end: PathEnd | undefined, width: number): StyledLine[] {
  const lines: StyledLine[] = [];
  if (end === undefined) {
    lines.push(plain("(no step is enabled)", { dim: true }));
  } else if (end.kind === "failed") {
    lines.push(
      ...wrapLine(
        [
          { text: "✗ The last step failed: ", color: "red", bold: true },
          { text: failureWithMessage(end.failure), color: "red" },
        ],
        width,
        2,
      ),
    );
  } else if (end.kind === "violated") {
    lines.push(
      ...wrapLine(
        [
          { text: "✗ The run stops at the violation: ", color: "red", bold: true },
          { text: failureWithMessage(end.failure), color: "red" },
        ],
        width,
        2,
      ),
    );
  } else if (end.failure === null) {
    lines.push(plain("No step is enabled: normal termination (not a bug).", { color: "green", bold: true }));
  } else {
    lines.push(
      ...wrapLine(
        [
          { text: `✗ No step is enabled: ${end.failure.kind} `, color: "red", bold: true },
          { text: end.failure.message, color: "red" },
        ],
        width,
        2,
      ),
    );
  }
  lines.push(plain("u undoes the last step · w writes the path as a trace", { dim: true }));
  return lines;
}

export function nextPaneContent(
  input: NextPaneInput,
  options: { box: PaneBox; cursor: number; focused: boolean },
): PaneContent {
  const width = contentWidth(options.box);
  const visible = contentHeight(options.box);
  const count = input.next.length;
  const title: StyledLine = [
    { text: input.pathLength === 0 ? "Initial steps" : "Next steps", bold: true },
    {
      text: `  ${count} enabled${input.pathLength === 0 ? "" : ` after step ${input.pathLength}`}`,
      dim: true,
    },
  ];
  if (count === 0) return { title, lines: endLines(input.end, width) };
  const failing = input.next.filter((next) => nextStepMark(next) !== " ").length;
  if (failing > 0) title.push({ text: ` · ${failing} fail`, color: "red" });
  const cursor = Math.max(0, Math.min(options.cursor, count - 1));
  const numberWidth = String(count).length;
  const showKind = width >= 50;
  const kindWidth = showKind ? Math.min(8, Math.max(...input.next.map((n) => n.label.kind.length), 4)) : 0;
  const offset = scrollOffset(cursor, count, visible);
  const lines: StyledLine[] = [];
  for (let index = offset; index < Math.min(count, offset + visible); index++) {
    const next = input.next[index]!;
    const atCursor = index === cursor;
    const highlight = atCursor && options.focused;
    const mark = nextStepMark(next);
    const line: StyledLine = [
      { text: atCursor ? "▸" : " ", color: "cyan", bold: true },
      { text: mark, color: mark === "✗" ? "red" : "yellow", bold: true },
      { text: `${String(index + 1).padStart(numberWidth)} `, color: kindColor(next.label.kind) },
    ];
    if (showKind) line.push({ text: `${next.label.kind.padEnd(kindWidth).slice(0, kindWidth)} `, dim: true });
    line.push({ text: next.label.text });
    const choices = choicesText(next.choices, next.label.details?.["chosen"]);
    if (choices !== "") line.push({ text: choices, color: "cyan", bold: true });
    // What goes wrong comes before the details: it is the first thing that must not be cut.
    if (next.failure !== undefined) {
      line.push({ text: `  ✗ ${stepFailureText(next.failure)}`, color: "red" });
    }
    if (next.violated.length > 0) {
      line.push({ text: `  ! violates ${next.violated.join(", ")}`, color: "yellow" });
    }
    const transition = next.label.details?.transition;
    if (typeof transition === "string") {
      line.push({ text: `  ${transition.replace(" -> ", " → ")}`, color: "magenta" });
    }
    const sends = parseSends(next.label);
    if (sends.length > 0) {
      const first = sends[0]!;
      const more = sends.length > 1 ? ` +${sends.length - 1}` : "";
      line.push({
        text: `  ⇢ ${first.to === undefined ? "" : `${first.to}: `}${first.text}${more}`,
        dim: true,
      });
    }
    lines.push(highlight ? fitLine(line, width).map((segment) => ({ ...segment, inverse: true })) : line);
  }
  return { title, lines };
}

/** A next step as one line of plain text (for logs): marks, label, choices, and what goes wrong. */
export function nextStepText(next: NextStep): string {
  let text = `${nextStepMark(next)} ${next.label.text}${choicesText(next.choices, next.label.details?.["chosen"])}`;
  if (next.failure !== undefined) text += `  ✗ ${stepFailureText(next.failure)}`;
  if (next.violated.length > 0) text += `  ! violates ${next.violated.join(", ")}`;
  return text;
}
