// The message-sequence view: one lane per machine, one row per step (plus one
// per message the step sent). A delivery is a solid arrow from sender to
// receiver, a send a dashed one, a timer or other action a mark on the actor's
// lane. Labels without `from`/`to` degrade to marks; steps without an actor to a
// line of text, so every step keeps a row.
import { type SequenceEvent, sequenceEvents } from "../message-sequence.js";
import { contentHeight, contentWidth, type PaneBox, scrollOffset } from "./layout.js";
import { codePointWidth, type Segment, type StyledLine, textWidth, truncateText } from "./styled-text.js";
import type { TraceDocument } from "./trace-document.js";
import type { TraceIndex } from "./trace-index.js";

// Which events a step draws is shared with the HTML report's chart (../message-sequence.ts).
export { type SequenceEvent, sequenceEvents } from "../message-sequence.js";

type CellStyle = Omit<Segment, "text">;

/** A fixed-width row of cells, drawn into and then merged into styled segments. */
export class Canvas {
  private readonly chars: string[];
  private readonly styles: (CellStyle | undefined)[];

  constructor(readonly width: number) {
    this.chars = new Array<string>(width).fill(" ");
    this.styles = new Array<CellStyle | undefined>(width).fill(undefined);
  }

  /** Writes `text` from column `x`, clipped at both edges; wide characters take two cells. */
  put(x: number, text: string, style?: CellStyle): void {
    let column = x;
    for (const char of text) {
      const w = codePointWidth(char.codePointAt(0)!);
      if (w === 0) continue;
      if (column >= 0 && column + w <= this.width) {
        this.chars[column] = char;
        this.styles[column] = style;
        if (w === 2) {
          this.chars[column + 1] = "";
          this.styles[column + 1] = style;
        }
      }
      column += w;
    }
  }

  charAt(x: number): string {
    return this.chars[x] ?? "";
  }

  toLine(): StyledLine {
    const line: StyledLine = [];
    let text = "";
    let style: CellStyle | undefined;
    let key = "";
    for (let x = 0; x < this.width; x++) {
      const cellKey = JSON.stringify(this.styles[x] ?? {});
      if (cellKey !== key && text !== "") {
        line.push({ text, ...style });
        text = "";
      }
      key = cellKey;
      style = this.styles[x];
      text += this.chars[x];
    }
    if (text !== "") line.push({ text, ...style });
    return line;
  }
}

const eventCache = new WeakMap<TraceIndex, SequenceEvent[][]>();

/** A step's events, computed once per trace index (they depend only on its label). */
function cachedEvents(document: TraceDocument, index: TraceIndex, step: number): SequenceEvent[] {
  let cache = eventCache.get(index);
  if (cache === undefined) {
    cache = [];
    eventCache.set(index, cache);
  }
  let events = cache[step];
  if (events === undefined) {
    events = sequenceEvents(document.steps[step]!.label, index, step);
    cache[step] = events;
  }
  return events;
}

const STYLE_COLORS = {
  deliver: "green",
  send: "cyan",
  drop: "red",
  init: "blue",
  timer: "magenta",
  fault: "red",
  action: "yellow",
} as const;

const MIN_LANE_SPACING = 4;

export interface LaneGeometry {
  lanes: string[];
  /** Column of each lane's line. */
  columns: number[];
  /** Columns available for a lane's name. */
  nameWidth: number;
  /** Lanes that did not fit. */
  dropped: number;
}

export function laneGeometry(lanes: readonly string[], gutter: number, width: number): LaneGeometry {
  const area = Math.max(0, width - gutter);
  const fit = Math.max(1, Math.floor(area / MIN_LANE_SPACING));
  const shown = lanes.slice(0, fit);
  const spacing = shown.length === 0 ? area : area / shown.length;
  const columns = shown.map((_, i) => Math.min(width - 1, gutter + Math.floor(spacing * i + spacing / 2)));
  return {
    lanes: shown,
    columns,
    nameWidth: Math.max(1, Math.floor(spacing) - 1),
    dropped: lanes.length - shown.length,
  };
}

interface DrawContext {
  geometry: LaneGeometry;
  width: number;
  gutter: number;
  bold: boolean;
}

function laneColumn(geometry: LaneGeometry, name: string): number | undefined {
  const i = geometry.lanes.indexOf(name);
  return i < 0 ? undefined : geometry.columns[i];
}

function emptyRow(context: DrawContext): Canvas {
  const canvas = new Canvas(context.width);
  for (const x of context.geometry.columns) canvas.put(x, "│", { color: "gray", dim: true });
  return canvas;
}

/**
 * Text beside a lane, between it and its neighbours so no other lane is drawn
 * over: to the right when it fits there, else to the left when it fits there,
 * else cut to the wider side. Only when both sides are too narrow for a few
 * characters does it run across other lanes (to the right, as far as the pane).
 */
function putBeside(canvas: Canvas, x: number, text: string, context: DrawContext, style: CellStyle): void {
  const columns = context.geometry.columns;
  const next = columns.find((c) => c > x) ?? context.width + 1;
  const previous = [...columns].reverse().find((c) => c < x) ?? context.gutter - 1;
  const right = next - 1 - (x + 2);
  const left = x - 1 - (previous + 2);
  const width = textWidth(text);
  const MIN = 4;
  if (width <= right || (right >= left && right >= MIN)) {
    canvas.put(x + 2, truncateText(text, right), style);
  } else if (left >= MIN) {
    const shown = truncateText(text, left);
    canvas.put(x - 1 - textWidth(shown), shown, style);
  } else {
    canvas.put(x + 2, truncateText(text, context.width - (x + 2)), style);
  }
}

function drawEvent(canvas: Canvas, event: SequenceEvent, context: DrawContext): void {
  const { geometry } = context;
  const label: CellStyle = context.bold ? { bold: true } : {};
  if (event.kind === "note") {
    canvas.put(context.gutter, truncateText(event.label, context.width - context.gutter), {
      dim: true,
      ...label,
    });
    return;
  }
  if (event.kind === "mark") {
    const x = laneColumn(geometry, event.at);
    if (x === undefined) {
      drawEvent(canvas, { kind: "note", label: `${event.at}: ${event.label}` }, context);
      return;
    }
    const color = STYLE_COLORS[event.style];
    canvas.put(x, event.style === "fault" ? "✕" : "●", { color, bold: true });
    putBeside(canvas, x, event.label, context, label);
    return;
  }
  const color = STYLE_COLORS[event.style];
  const xa = laneColumn(geometry, event.from);
  const xb = laneColumn(geometry, event.to);
  if (xa === undefined && xb === undefined) {
    drawEvent(canvas, { kind: "note", label: `${event.from} -> ${event.to}: ${event.label}` }, context);
    return;
  }
  if (xa === undefined || xb === undefined || xa === xb) {
    // One end is filtered out (or a machine sends to itself): a mark naming the other end.
    const x = (xa ?? xb)!;
    const text =
      xa === xb
        ? `${event.label} (to itself)`
        : xa === undefined
          ? `${event.label} <- ${event.from}`
          : `-> ${event.to}: ${event.label}`;
    canvas.put(x, event.style === "drop" ? "✕" : "●", { color, bold: true });
    putBeside(canvas, x, text, context, label);
    return;
  }
  const direction = xb > xa ? 1 : -1;
  const line = event.style === "send" ? "╌" : "─";
  canvas.put(xa, direction > 0 ? "├" : "┤", { color });
  for (let x = xa + direction; x !== xb; x += direction) canvas.put(x, line, { color });
  if (Math.abs(xb - xa) >= 2) {
    canvas.put(xb - direction, event.style === "drop" ? "x" : direction > 0 ? ">" : "<", {
      color,
      bold: true,
    });
  }
  // The label sits inside the arrow, between the tick and the head.
  const room = Math.abs(xb - xa) - 3;
  if (room >= 3) {
    const text = truncateText(event.label, room);
    const start = Math.min(xa, xb) + 2 + Math.floor((room - textWidth(text)) / 2);
    canvas.put(start, text, label);
  }
}

export interface SequenceRender {
  /** The pane's title line. */
  title: StyledLine;
  /** Lane names, then the visible rows; each exactly the pane's content width. */
  lines: StyledLine[];
}

/** Renders the sequence pane's content for the visible steps, centred on the selected one. */
export function renderSequence(
  document: TraceDocument,
  index: TraceIndex,
  options: {
    box: PaneBox;
    selected: number;
    steps: readonly number[];
    hidden: ReadonlySet<string>;
    focused: boolean;
    matches: ReadonlySet<number>;
  },
): SequenceRender {
  const width = contentWidth(options.box);
  const numberWidth = String(document.steps.length).length;
  const gutter = numberWidth + 2;
  const lanes = index.lanes.filter((name) => !options.hidden.has(name));
  const geometry = laneGeometry(lanes, gutter, width);

  // Names wider than a lane alternate over two header rows, each name getting two lanes' room.
  const staggered =
    geometry.lanes.length > 1 && geometry.lanes.some((name) => textWidth(name) > geometry.nameWidth);
  const headers = staggered ? [new Canvas(width), new Canvas(width)] : [new Canvas(width)];
  const nameWidth = staggered ? geometry.nameWidth * 2 + 1 : geometry.nameWidth;
  geometry.lanes.forEach((name, i) => {
    const header = headers[staggered ? i % 2 : 0]!;
    const text = truncateText(name, nameWidth);
    const x = geometry.columns[i]! - Math.floor((textWidth(text) - 1) / 2);
    header.put(Math.max(gutter, Math.min(width - textWidth(text), x)), text, { bold: true });
  });
  const visibleRows = Math.max(0, contentHeight(options.box) - headers.length);

  const drawRow = (step: number, event: SequenceEvent, k: number, selected: boolean): StyledLine => {
    const canvas = emptyRow({ geometry, width, gutter, bold: selected });
    drawEvent(canvas, event, { geometry, width, gutter, bold: selected });
    if (k === 0) {
      const failed = step === document.failureStep;
      const marker = failed ? "✗" : selected ? "▸" : " ";
      const number = String(step + 1).padStart(numberWidth);
      const style: CellStyle = failed
        ? { color: "red", bold: true, inverse: selected && options.focused }
        : selected
          ? { bold: true, inverse: options.focused }
          : options.matches.has(step)
            ? { color: "yellow", underline: true }
            : { dim: true };
      canvas.put(0, `${marker}${number}`, style);
    }
    return canvas.toLine();
  };
  // Count rows first and draw only the window shown: long traces stay cheap to redraw.
  const events = options.steps.map((step) => cachedEvents(document, index, step));
  let total = 0;
  let target = 0;
  options.steps.forEach((step, i) => {
    if (step === options.selected) target = total;
    total += events[i]!.length;
  });
  const offset = scrollOffset(target, total, visibleRows);
  const rows: StyledLine[] = [];
  let row = 0;
  options.steps.forEach((step, i) => {
    const stepEvents = events[i]!;
    if (row + stepEvents.length <= offset || row >= offset + visibleRows) {
      row += stepEvents.length;
      return;
    }
    const selected = step === options.selected;
    stepEvents.forEach((event, k) => {
      if (row >= offset && row < offset + visibleRows) rows.push(drawRow(step, event, k, selected));
      row++;
    });
  });
  const more = geometry.dropped > 0 ? ` · ${geometry.dropped} more lanes: f to filter` : "";
  const title: StyledLine = [
    { text: "Sequence", bold: true },
    { text: `  ${geometry.lanes.length} lanes${more}`, dim: true },
  ];
  if (geometry.lanes.length === 0) {
    return {
      title,
      lines: [[{ text: "(no machine lanes: the steps name no actors)", dim: true }], ...rows],
    };
  }
  return { title, lines: [...headers.map((h) => h.toLine()), ...rows] };
}
