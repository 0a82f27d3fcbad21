// Every pane's content as styled lines of exactly the pane's width: the step
// list, the state with its changes marked, the violated property with its
// source, the header, the hotkey bar, and the help and filter overlays.
import { formatLocation, type StepLabel } from "@faultline/checker";
import { failureHeadline } from "../reporters/failure-text.js";
import { formatViewValueLines } from "./json-format.js";
import { type Hotkey, helpSections, hotkeysFor } from "./keymap.js";
import { contentHeight, contentWidth, type PaneBox, type PaneName, scrollOffset } from "./layout.js";
import type { Change, StateRow } from "./state-diff.js";
import {
  type Color,
  fitLine,
  lineWidth,
  plain,
  type Segment,
  type StyledLine,
  truncateLine,
  wrapLine,
} from "./styled-text.js";
import type { TraceDocument } from "./trace-document.js";
import { parseSends } from "./trace-index.js";
import type { UiState } from "./ui-state.js";

/** The marker a changed row starts with; colours say the same for those who see them. */
export const CHANGE_MARKERS: Record<Change, string> = { same: " ", added: "+", removed: "-", changed: "~" };
const CHANGE_COLORS: Record<Change, Color | undefined> = {
  same: undefined,
  added: "green",
  removed: "red",
  changed: "yellow",
};

export function kindColor(kind: string): Color {
  if (kind === "init") return "blue";
  if (kind === "deliver") return "green";
  if (kind === "timer" || kind === "timeout") return "magenta";
  if (/fault|drop|crash|partition|duplicate|restart/.test(kind)) return "red";
  return "cyan";
}

/** A pane's content: the title line, then exactly the rows that fit, all fitted to the width. */
export interface PaneContent {
  title: StyledLine;
  lines: StyledLine[];
}

/** Fits a pane's title and lines into its box: one title row plus contentHeight rows, each contentWidth wide. */
export function fitPane(content: PaneContent, box: PaneBox): StyledLine[] {
  const width = contentWidth(box);
  const rows = contentHeight(box);
  const out: StyledLine[] = [fitLine(content.title, width)];
  for (let i = 0; i < rows; i++) out.push(fitLine(content.lines[i] ?? [], width));
  return box.height >= 3 ? out : out.slice(0, Math.max(0, box.height - 2));
}

/** A short suffix for the step list: the state change a step made, if the label says. */
/** The state change a step made, if its label says. */
function transitionSuffix(label: StepLabel): string {
  const transition = label.details?.transition;
  return typeof transition === "string" ? `  ${transition.replace(" -> ", " → ")}` : "";
}

/** What a step sent: the first message and how many more. */
function sendsSuffix(label: StepLabel): string {
  const sends = parseSends(label);
  if (sends.length === 0) return "";
  const first = sends[0]!;
  const more = sends.length > 1 ? ` +${sends.length - 1}` : "";
  return `  ⇢ ${first.to === undefined ? "" : `${first.to}: `}${first.text}${more}`;
}

/**
 * A lasso's marks in the step list, before the label: where the loop starts
 * (the state after that step is the one the run keeps coming back to) and the
 * step that closes it (its state's successor is that state again).
 */
export function loopMarker(document: TraceDocument, step: number): string {
  const loop = document.loop;
  if (loop === undefined) return "";
  if (step === loop.close) return `↺ loop back to ${loop.start + 1}: `;
  if (step === loop.start) return "↻ loop start: ";
  return "";
}

export function stepListContent(
  document: TraceDocument,
  options: {
    box: PaneBox;
    selected: number;
    steps: readonly number[];
    focused: boolean;
    matches: ReadonlySet<number>;
    filtered: boolean;
    /** Interactive exploration: the list is the path taken so far. */
    exploring?: boolean;
  },
): PaneContent {
  const width = contentWidth(options.box);
  const visible = contentHeight(options.box);
  const numberWidth = String(document.steps.length).length;
  const showKind = width >= 50;
  const kindWidth = showKind
    ? Math.min(8, Math.max(...document.steps.map((s) => s.label.kind.length), 4))
    : 0;
  const position = options.steps.indexOf(options.selected);
  const rowLines = (step: number): StyledLine[] => {
    const label = document.steps[step]!.label;
    const selected = step === options.selected;
    const failed = step === document.failureStep;
    const highlight = selected && options.focused;
    const base: Omit<Segment, "text"> = highlight ? { inverse: true } : selected ? { bold: true } : {};
    const line: StyledLine = [
      { text: failed ? "✗" : selected ? "▸" : " ", color: failed ? "red" : undefined, ...base },
      {
        text: `${String(step + 1).padStart(numberWidth)} `,
        ...base,
        ...(options.matches.has(step)
          ? { color: "yellow", underline: true }
          : { color: kindColor(label.kind) }),
      },
    ];
    if (showKind)
      line.push({ text: `${label.kind.padEnd(kindWidth).slice(0, kindWidth)} `, dim: !highlight, ...base });
    const loopMark = loopMarker(document, step);
    if (loopMark !== "") line.push({ text: loopMark, color: "cyan", bold: true, ...base });
    line.push({ text: label.text, ...base });
    const transition = transitionSuffix(label);
    if (transition !== "") line.push({ text: transition, color: "magenta", ...base });
    const sends = sendsSuffix(label);
    if (sends !== "") line.push({ text: sends, dim: !highlight, ...base });
    if (!selected) return [line];
    // The selected step is never cut: its whole label wraps under the number.
    const indent = 2 + numberWidth + (showKind ? kindWidth + 1 : 0);
    const wrapped = wrapLine(line, width, indent).slice(0, Math.max(1, visible));
    return highlight
      ? wrapped.map((l) => fitLine(l, width).map((segment) => ({ ...segment, inverse: true })))
      : wrapped;
  };
  const selectedLines = position < 0 ? [] : rowLines(options.selected);
  const rows = Math.max(1, visible - Math.max(0, selectedLines.length - 1));
  const offset = scrollOffset(Math.max(0, position), options.steps.length, rows);
  const lines: StyledLine[] = [];
  for (const step of options.steps.slice(offset, offset + rows)) {
    lines.push(...(step === options.selected ? selectedLines : rowLines(step)));
  }
  if (document.steps.length === 0) {
    const why = options.exploring ? "(no step yet: choose one below)" : "(the trace has no steps)";
    lines.push(plain(why, { dim: true }));
  } else if (options.steps.length === 0) {
    lines.push(plain("(no step involves the shown machines: press f)", { dim: true }));
  }
  const where = position < 0 ? "-" : String(options.selected + 1);
  const title: StyledLine = [
    { text: options.exploring ? "Path" : "Steps", bold: true },
    { text: `  ${where}/${document.steps.length}`, dim: true },
  ];
  if (options.filtered) title.push({ text: ` · ${options.steps.length} shown`, color: "yellow" });
  return { title, lines };
}

interface RenderedRow {
  row: number;
  line: StyledLine;
}

function rowHead(row: StateRow): StyledLine {
  const marker = CHANGE_MARKERS[row.change];
  const color = CHANGE_COLORS[row.change];
  const indent = "  ".repeat(row.depth);
  const head: StyledLine = [{ text: `${marker} `, color, bold: row.change !== "same" }];
  if (row.header) {
    head.push({ text: `${indent}${row.key}`, bold: true, color: row.depth === 0 ? "white" : undefined });
    if (row.text !== "") head.push({ text: "  " }, { text: row.text, color: "cyan" });
  } else {
    head.push({ text: `${indent}${row.key}: `, dim: row.change === "same" });
  }
  return head;
}

/** One state row as lines: truncated to one line, or every line of its value when expanded. */
export function stateRowLines(row: StateRow, width: number, expanded: boolean): StyledLine[] {
  const head = rowHead(row);
  const valueStyle: Omit<Segment, "text"> =
    row.change === "removed"
      ? { color: "red", dim: true }
      : row.change === "same"
        ? {}
        : { color: CHANGE_COLORS[row.change] };
  const was = row.previousText !== undefined && row.change === "changed" ? row.previousText : undefined;
  if (!expanded) {
    const line: StyledLine = [...head];
    if (!row.header) line.push({ text: row.text, ...valueStyle });
    if (was !== undefined) line.push({ text: `  (was ${was})`, dim: true });
    return [truncateLine(line, width)];
  }
  const indent = 2 + 2 * row.depth + 2;
  const pad = " ".repeat(indent);
  const lines: StyledLine[] = [];
  if (row.header) {
    lines.push(...wrapLine(head, width, indent));
  } else {
    const valueLines = formatViewValueLines(row.value, row.literal, width, pad);
    const first: StyledLine = [...head, { text: valueLines[0] ?? "", ...valueStyle }];
    lines.push(...wrapLine(first, width, indent));
    for (const text of valueLines.slice(1)) lines.push(...wrapLine([{ text, ...valueStyle }], width, indent));
  }
  if (was !== undefined) {
    const previous = row.header
      ? [was]
      : formatViewValueLines(row.previous, row.literal, width, `${pad}    `);
    lines.push(...wrapLine([{ text: `${pad}was ${previous[0] ?? ""}`, dim: true }], width, indent + 4));
    for (const text of previous.slice(1)) lines.push(...wrapLine([{ text, dim: true }], width, indent + 4));
  }
  return lines;
}

export function statePaneContent(
  document: TraceDocument,
  rows: readonly StateRow[],
  ui: UiState,
  options: { box: PaneBox; focused: boolean; filteredOut: number },
): PaneContent {
  const width = contentWidth(options.box);
  const visible = contentHeight(options.box);
  const step = document.steps[ui.selected];
  const title: StyledLine = [
    {
      text:
        step === undefined
          ? "State"
          : step.stateAtFailure
            ? `State when step ${ui.selected + 1} failed`
            : `State after step ${ui.selected + 1}`,
      bold: true,
    },
  ];
  if (ui.changedOnly) title.push({ text: " · changed only", color: "yellow" });
  if (options.filteredOut > 0) title.push({ text: ` · ${options.filteredOut} hidden`, color: "yellow" });
  if (ui.expandAll) title.push({ text: " · expanded", dim: true });
  const notes: StyledLine[] = [];
  if (step?.stateMissing)
    notes.push(plain("(the step failed before reaching a state: the state before it)", { dim: true }));
  if (step === undefined && ui.interactive) {
    return { title, lines: [plain("(no state yet: choose an initial step)", { dim: true })] };
  }
  if (rows.length === 0) {
    const why = ui.changedOnly
      ? "(this step changed nothing shown: d shows all)"
      : "(nothing shown: f to filter machines)";
    return { title, lines: [...notes, plain(why, { dim: true })] };
  }
  const cursor = Math.min(ui.stateCursor, rows.length - 1);
  const rendered: RenderedRow[] = [];
  let cursorLine = 0;
  // A one-column gutter carries the value cursor (▸) while the pane has the focus.
  const valueWidth = width - 1;
  rows.forEach((row, index) => {
    if (index === cursor) cursorLine = rendered.length;
    const expanded = ui.expandAll || ui.expanded.has(row.id);
    const atCursor = index === cursor && options.focused;
    stateRowLines(row, valueWidth, expanded).forEach((line, k) => {
      const gutter: StyledLine = [{ text: atCursor && k === 0 ? "▸" : " ", color: "cyan", bold: true }];
      const shown = atCursor ? fitLine(line, valueWidth).map((s) => ({ ...s, inverse: true })) : line;
      rendered.push({ row: index, line: [...gutter, ...shown] });
    });
  });
  const room = Math.max(0, visible - notes.length);
  // Centre the cursor row, but show all of an expanded row when it fits.
  let offset = scrollOffset(cursorLine, rendered.length, room);
  const cursorEnd = rendered.findLastIndex((line) => line.row === cursor);
  if (cursorEnd >= offset + room) offset = Math.min(cursorLine, cursorEnd - room + 1);
  // Say what the pane cannot show: lines scrolled off above and below.
  const below = Math.max(0, rendered.length - (offset + room));
  if (offset > 0) title.push({ text: ` · ↑${offset}`, color: "cyan" });
  if (below > 0) title.push({ text: ` · ↓${below} more`, color: "cyan" });
  return { title, lines: [...notes, ...rendered.slice(offset, offset + room).map((r) => r.line)] };
}

/** Every line of the property pane (the pane scrolls over them). */
export function propertyLines(
  document: TraceDocument,
  width: number,
  wrap: boolean,
  exploring = false,
): StyledLine[] {
  const lines: StyledLine[] = [];
  // Source lines are truncated unless `wrap`; the failure's words always wrap: they must be read whole.
  const add = (line: StyledLine, indent = 0, alwaysWrap = false) => {
    if (wrap || alwaysWrap) lines.push(...wrapLine(line, width, indent));
    else lines.push(truncateLine(line, width));
  };
  const failure = document.failure;
  if (failure === null) {
    const text = exploring
      ? "No failure on this path so far."
      : "No failure: the trace replays without violating anything.";
    add(plain(text, { color: "green" }));
  } else {
    add([
      { text: "✗ ", color: "red", bold: true },
      { text: failureHeadline(failure), color: "red", bold: true },
    ]);
    add(plain(failure.message), 2, true);
    const where: StyledLine = [];
    if (failure.location !== undefined)
      where.push({ text: `at ${formatLocation(failure.location)}`, dim: true });
    if (document.failureStep !== null) {
      where.push({
        text: `${where.length > 0 ? " · " : ""}shows at step ${document.failureStep + 1}`,
        dim: true,
      });
    }
    if (where.length > 0) add(where, 3, true);
    const loop = document.loop;
    if (loop !== undefined) {
      add(
        plain(
          `a lasso: after step ${loop.close + 1} the run returns to the state after step ${loop.start + 1}, and loops forever`,
          { color: "cyan" },
        ),
        2,
        true,
      );
    }
  }
  const excerpt = document.sourceExcerpt;
  if (excerpt !== undefined) {
    lines.push([]);
    const numberWidth = String(excerpt.lines[excerpt.lines.length - 1]?.n ?? excerpt.line).length;
    const last = Math.max(excerpt.line, excerpt.endLine ?? excerpt.line);
    for (const { n, text } of excerpt.lines) {
      const inSpan = n >= excerpt.line && n <= last;
      add(
        [
          {
            text: `${inSpan ? ">" : " "}${String(n).padStart(numberWidth)} │ `,
            color: inSpan ? "red" : "gray",
          },
          { text, bold: inSpan },
        ],
        numberWidth + 4,
      );
      if (n === excerpt.line && excerpt.col !== undefined && (excerpt.endLine ?? n) === n) {
        const length = Math.max(1, (excerpt.endCol ?? excerpt.col + 1) - excerpt.col);
        add([
          { text: `${" ".repeat(numberWidth + 1)} │ `, color: "gray" },
          { text: `${" ".repeat(Math.max(0, excerpt.col - 1))}${"^".repeat(length)}`, color: "red" },
        ]);
      }
    }
  }
  if (document.notes.length > 0) lines.push([]);
  for (const note of document.notes)
    add(
      [
        { text: "! ", color: "yellow", bold: true },
        { text: note, color: "yellow" },
      ],
      2,
      true,
    );
  return lines;
}

export function propertyPaneContent(
  document: TraceDocument,
  ui: UiState,
  options: { box: PaneBox; focused: boolean },
): PaneContent {
  const width = contentWidth(options.box);
  const visible = contentHeight(options.box);
  const all = propertyLines(document, width, ui.expandAll, ui.interactive);
  const scroll = Math.max(0, Math.min(ui.propertyScroll, all.length - visible));
  const title: StyledLine = [
    {
      text: document.failure === null ? "No violation" : "Violation",
      bold: true,
      color: document.failure ? "red" : "green",
    },
  ];
  if (all.length > visible)
    title.push({
      text: ` · ${scroll + 1}-${Math.min(all.length, scroll + visible)}/${all.length}`,
      dim: true,
    });
  return { title, lines: all.slice(scroll, scroll + visible) };
}

/** The top line: what is being explored, the failure, and where the selection is. */
export function headerLine(
  document: TraceDocument,
  ui: UiState,
  width: number,
  shownSteps: number,
): StyledLine {
  const right: StyledLine = [];
  if (ui.changedOnly) right.push({ text: " [changed]", color: "yellow" });
  if (ui.hidden.size > 0) right.push({ text: " [filtered]", color: "yellow" });
  const at = document.steps.length === 0 ? 0 : ui.selected + 1;
  right.push({ text: ` step ${at}/${document.steps.length} `, bold: true });
  if (shownSteps !== document.steps.length) right.push({ text: `(${shownSteps} shown) `, dim: true });
  // The file name, not its whole path: the header has little room, the property pane shows the path.
  const name = document.title.split(/[\\/]/).pop() || document.title;
  // The failure first: on a narrow terminal it is what must not be cut.
  const left: StyledLine = [{ text: " faultline ", bold: true, inverse: true }];
  if (document.failure !== null)
    left.push({ text: ` ✗ ${failureHeadline(document.failure)}`, color: "red", bold: true });
  else if (ui.interactive) left.push({ text: " exploring", color: "cyan" });
  else if (document.foreign) left.push({ text: " ITF trace (not checked)", color: "yellow" });
  else left.push({ text: " no failure", color: "green" });
  left.push({ text: ` · ${name} / ${document.test}`, bold: true });
  const room = width - lineWidth(right);
  if (room < 12) return fitLine(right, width);
  return [...fitLine(left, room), ...right];
}

function hotkeyItem(hotkey: Hotkey): StyledLine {
  return [
    { text: ` ${hotkey.key}`, bold: true, color: "cyan" },
    { text: ` ${hotkey.label}`, dim: true },
  ];
}

/** The bottom line: the search prompt while typing, else a status message and the keys that fit. */
export function hotkeyBar(ui: UiState, focus: PaneName, width: number): StyledLine {
  if (ui.prompt !== null) {
    return fitLine(
      [
        { text: "/", bold: true, color: "yellow" },
        { text: ui.prompt },
        { text: "█", color: "yellow" },
        { text: "   Enter search · Esc cancel", dim: true },
      ],
      width,
    );
  }
  const status: StyledLine =
    ui.status === null ? [] : [{ text: ` ${ui.status} `, color: "yellow", inverse: true }, { text: " " }];
  const tail: StyledLine = [
    ...(ui.overlay === "help"
      ? []
      : [
          { text: " ?", bold: true, color: "cyan" as const },
          { text: " help", dim: true },
        ]),
    { text: " q", bold: true, color: "cyan" },
    { text: " quit", dim: true },
  ];
  const room = width - lineWidth(tail) - lineWidth(status);
  // Drop the least important keys first, keeping the others in their order.
  let keys = hotkeysFor(ui.overlay ?? focus, ui);
  const widthOf = (list: Hotkey[]) => list.reduce((sum, hotkey) => sum + lineWidth(hotkeyItem(hotkey)), 0);
  for (let priority = 4; priority > 1 && widthOf(keys) > room; priority--) {
    keys = keys.filter((hotkey) => hotkey.priority < priority);
  }
  const items: StyledLine = [];
  for (const hotkey of keys) {
    if (lineWidth(items) + widthOf([hotkey]) > room) break;
    items.push(...hotkeyItem(hotkey));
  }
  return fitLine([...truncateLine(status, width - lineWidth(tail)), ...items, ...tail], width);
}

/** The help's two columns when the width allows: section titles, top to bottom (each fits 80x24). */
const HELP_COLUMNS: Record<"trace" | "exploring", [string[], string[]]> = {
  trace: [
    ["Steps", "Anywhere"],
    ["Search and view", "State pane", "Machine filter (f)"],
  ],
  exploring: [
    ["Exploring (next steps pane)", "Search and view", "Anywhere"],
    ["Steps", "State pane", "Machine filter (f)"],
  ],
};

/** The help overlay's lines: the keymap's sections, in two columns when the width allows. */
export function helpLines(width: number, height: number, exploring = false): StyledLine[] {
  const blocks = new Map<string, StyledLine[]>();
  for (const section of helpSections(exploring)) {
    const keyWidth = Math.max(...section.rows.map((row) => row.keys.length));
    const block: StyledLine[] = [[{ text: section.title, bold: true, underline: true }]];
    for (const row of section.rows) {
      block.push([{ text: `${row.keys.padEnd(keyWidth)}  `, bold: true, color: "cyan" }, { text: row.text }]);
    }
    blocks.set(section.title, block);
  }
  const stack = (titles: Iterable<string>) =>
    [...titles].flatMap((title, i) => (i === 0 ? blocks.get(title)! : [[], ...blocks.get(title)!]));
  const single = stack(blocks.keys());
  if (single.length <= height || width < 64) return single.map((line) => fitLine(line, width));
  const columnWidth = Math.floor((width - 2) / 2);
  const [left, right] = HELP_COLUMNS[exploring ? "exploring" : "trace"].map(stack) as [
    StyledLine[],
    StyledLine[],
  ];
  const lines: StyledLine[] = [];
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    lines.push([
      ...fitLine(left[i] ?? [], columnWidth),
      { text: "  " },
      ...fitLine(right[i] ?? [], width - columnWidth - 2),
    ]);
  }
  return lines;
}

export function filterLines(
  components: readonly string[],
  ui: UiState,
  width: number,
  height: number,
): StyledLine[] {
  const cursor = Math.min(ui.filterCursor, Math.max(0, components.length - 1));
  const offset = scrollOffset(cursor, components.length, height);
  return components.slice(offset, offset + height).map((name, i) => {
    const shown = !ui.hidden.has(name);
    const line: StyledLine = [
      { text: offset + i === cursor ? "▸" : " ", color: "cyan", bold: true },
      { text: shown ? "[x] " : "[ ] ", color: shown ? "green" : "gray" },
      { text: name, dim: !shown },
    ];
    return offset + i === cursor
      ? fitLine(line, width).map((s) => ({ ...s, inverse: true }))
      : fitLine(line, width);
  });
}
