// The HTML report's message-sequence chart, as inline SVG: one lane per
// machine (message-sequence.ts's sequenceLanes), one row per step, each
// message an arrow from the row of the step that sent it to the row of the
// step that delivered it (messageFlows), dropped and lost messages ending in a
// cross, faults and timers marked on their machine's lane, the failing step's
// row highlighted and a liveness lasso's loop bracketed in the margin.
// Elements carry classes and data attributes (`lane`, `msg delivered`,
// `row failing`, `loop`, `data-step`) that the page's script and the tests read.
import {
  faultOf,
  labelActor,
  labelFrom,
  labelTo,
  type MessageFlow,
  markStyle,
  markText,
  messageFlows,
  sequenceLanes,
} from "../message-sequence.js";
import type { TraceDocument } from "../tui/trace-document.js";

const GUTTER = 76;
const LANE_WIDTH = 170;
const HEADER = 44;
const ROW = 34;
const FOOTER = 28;
const RIGHT_MARGIN = 130;
/** Characters of a label drawn in the chart; the whole text is its tooltip. */
const LABEL_CHARS = 30;

/** Text for HTML and SVG content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

function clip(text: string, max = LABEL_CHARS): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A label drawn at (x, y), clipped, with its whole text as a tooltip; turned by `angle` degrees about (x, y). */
function label(x: number, y: number, text: string, cls: string, anchor = "middle", angle = 0): string {
  const tip = text.length > LABEL_CHARS ? `<title>${escapeHtml(text)}</title>` : "";
  const turn = angle === 0 ? "" : ` transform="rotate(${r(angle)} ${r(x)} ${r(y)})"`;
  return `<text class="${cls}" x="${r(x)}" y="${r(y)}" text-anchor="${anchor}"${turn}>${tip}${escapeHtml(clip(text))}</text>`;
}

/** A message's label along its line, above it and upright, centred at `t` of the way from (x1, y1). */
function lineLabel(x1: number, y1: number, x2: number, y2: number, text: string, t = 0.5): string {
  let angle = (Math.atan2(y2 - y1, x2 - x1) * 180) / Math.PI;
  if (angle > 90) angle -= 180;
  if (angle < -90) angle += 180;
  const x = x1 + (x2 - x1) * t;
  const y = y1 + (y2 - y1) * t;
  // Lift the text off the line, perpendicular to it.
  const rad = (angle * Math.PI) / 180;
  return label(x + 4 * Math.sin(rad), y - 4 * Math.cos(rad), text, "msg-label", "middle", angle);
}

function r(n: number): string {
  return String(Math.round(n * 10) / 10);
}

interface Geometry {
  lanes: string[];
  x: (lane: string) => number | undefined;
  /** The middle of step `i`'s row. */
  y: (step: number) => number;
  width: number;
  height: number;
  /** Below the last row: where messages still in flight end. */
  bottom: number;
}

function geometry(document: TraceDocument): Geometry {
  const lanes = sequenceLanes(document.steps);
  const rows = document.steps.length;
  const index = new Map(lanes.map((name, i) => [name, i]));
  // Room on the right for the last lane's marks and loops to itself, which are labelled to their right.
  const width = GUTTER + Math.max(1, lanes.length) * LANE_WIDTH + RIGHT_MARGIN;
  const bottom = HEADER + rows * ROW + FOOTER / 2;
  return {
    lanes,
    x: (lane) => {
      const i = index.get(lane);
      return i === undefined ? undefined : GUTTER + LANE_WIDTH * (i + 0.5);
    },
    y: (step) => HEADER + ROW * (step + 0.5),
    width,
    height: HEADER + rows * ROW + FOOTER,
    bottom,
  };
}

const DEFS = `<defs>
<marker id="fl-head-deliver" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" class="head-deliver"/></marker>
<marker id="fl-head-dup" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" class="head-dup"/></marker>
<marker id="fl-head-loop" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" class="head-loop"/></marker>
</defs>`;

function cross(x: number, y: number, cls: string): string {
  const d = 5;
  return `<path class="${cls}" d="M${r(x - d)},${r(y - d)} L${r(x + d)},${r(y + d)} M${r(x - d)},${r(y + d)} L${r(x + d)},${r(y - d)}"/>`;
}

/** One message: a line (or a loop, sent to itself) from its send to its end. */
function flowSvg(flow: MessageFlow, g: Geometry): string {
  const xa = g.x(flow.from);
  const xb = g.x(flow.to);
  if (xa === undefined || xb === undefined) return "";
  const end = flow.end;
  const endStep = end.kind === "in-flight" ? null : end.step;
  const y1 = flow.sentAt !== null ? g.y(flow.sentAt) : endStep !== null ? g.y(endStep) - ROW * 0.45 : g.y(0);
  const y2 = endStep === null ? g.bottom : g.y(endStep);
  const kind = flow.duplicate ? `${end.kind} duplicate` : end.kind;
  const attrs = [
    `class="msg ${kind}"`,
    `data-from="${escapeHtml(flow.from)}"`,
    `data-to="${escapeHtml(flow.to)}"`,
    flow.sentAt === null ? "" : `data-sent="${flow.sentAt}"`,
    endStep === null ? "" : `data-step="${endStep}"`,
  ]
    .filter((a) => a !== "")
    .join(" ");
  const tip = `<title>${escapeHtml(`${flow.from} -> ${flow.to}: ${flow.text}${endText(flow)}`)}</title>`;
  const head =
    end.kind === "delivered" ? (flow.duplicate ? "url(#fl-head-dup)" : "url(#fl-head-deliver)") : "none";
  let shape: string;
  if (xa === xb) {
    // To itself: a loop beside the lane.
    const bulge = xa + 36;
    shape = `<path class="line" d="M${r(xa)},${r(y1)} C${r(bulge)},${r(y1)} ${r(bulge)},${r(y2)} ${r(xa)},${r(y2)}" fill="none" marker-end="${head}"/>`;
    shape += label(bulge + 4, (y1 + y2) / 2 + 4, flow.text, "msg-label", "start");
  } else {
    // Dropped and lost messages stop short of the receiver, in a cross.
    const reaches = end.kind === "delivered" || end.kind === "in-flight";
    const x2 = reaches ? xb - Math.sign(xb - xa) * 2 : xa + (xb - xa) * 0.62;
    shape = `<line class="line" x1="${r(xa)}" y1="${r(y1)}" x2="${r(x2)}" y2="${r(y2)}" marker-end="${head}"/>`;
    if (!reaches) shape += cross(x2, y2, "cross");
    shape += lineLabel(xa, y1, x2, y2, flow.text);
  }
  return `<g ${attrs}>${tip}${shape}</g>`;
}

function endText(flow: MessageFlow): string {
  const end = flow.end;
  const copy = flow.duplicate ? " (a duplicate)" : "";
  const sent = flow.sentAt === null ? "" : `, sent at step ${flow.sentAt + 1}`;
  switch (end.kind) {
    case "delivered":
      return `${copy}${sent}, delivered at step ${end.step + 1}`;
    case "dropped":
      return `${copy}${sent}, dropped at step ${end.step + 1}`;
    case "lost":
      return `${copy}${sent}, lost at step ${end.step + 1}`;
    default:
      return `${copy}${sent}, still in flight at the end`;
  }
}

/** What a step itself did, when it is not a delivery: a mark on its machine's lane, or a note across the chart. */
function stepMarkSvg(document: TraceDocument, step: number, g: Geometry): string {
  const lbl = document.steps[step]!.label;
  const y = g.y(step);
  const fault = faultOf(lbl);
  const from = labelFrom(lbl);
  const to = labelTo(lbl);
  if (from !== undefined && to !== undefined) {
    // A delivery is drawn by its message; a drop or duplicate is marked on the channel's sender side too.
    if (fault === undefined) return "";
    const x = g.x(from);
    if (x === undefined) return "";
    return `<g class="mark fault ${fault}" data-step="${step}">${cross(x, y, "fault-cross")}${label(x - 10, y + 4, fault, "mark-label fault-label", "end")}</g>`;
  }
  const actor = labelActor(lbl);
  const x = actor === undefined ? undefined : g.x(actor);
  if (actor === undefined || x === undefined) {
    // No machine to put it on (a partition, a heal): a dashed line across every lane.
    const cls = fault === undefined ? "note" : `note fault ${fault}`;
    const left = GUTTER + 8;
    return `<g class="${cls}" data-step="${step}"><line class="note-line" x1="${left}" y1="${r(y)}" x2="${r(g.width - 8)}" y2="${r(y)}"/>${label(left + 4, y - 5, lbl.text, "mark-label", "start")}</g>`;
  }
  const style = fault !== undefined ? "fault" : markStyle(lbl.kind);
  // A fault's mark names it (`crash`, `restart`); others say what the machine did.
  const text = fault ?? markText(lbl, actor);
  const glyph =
    style === "fault"
      ? fault === "restart"
        ? `<circle class="glyph restart" cx="${r(x)}" cy="${r(y)}" r="6"/>`
        : cross(x, y, "fault-cross")
      : style === "timer"
        ? `<rect class="glyph timer" x="${r(x - 6)}" y="${r(y - 6)}" width="12" height="12" rx="2"/>`
        : `<circle class="glyph ${style}" cx="${r(x)}" cy="${r(y)}" r="5"/>`;
  const cls = fault === undefined ? `mark ${style}` : `mark fault ${fault}`;
  return `<g class="${cls}" data-step="${step}">${glyph}${label(x + 10, y - 6, text, `mark-label ${style}-label`, "start")}</g>`;
}

/** The lasso's loop: a bracket in the margin over the steps that repeat, with an arrow back to the first. */
function loopSvg(document: TraceDocument, g: Geometry): string {
  const loop = document.loop;
  if (loop === undefined || loop.close <= loop.start) return "";
  const top = g.y(loop.start + 1) - ROW * 0.4;
  const bottom = g.y(loop.close) + ROW * 0.4;
  const x = 24;
  return `<g class="loop" data-loop-start="${loop.start}" data-loop-close="${loop.close}"><title>a lasso: after step ${loop.close + 1} the run is back in the state after step ${loop.start + 1}, and steps ${loop.start + 2} to ${loop.close + 1} repeat forever</title><path class="loop-line" d="M${x + 8},${r(bottom)} L${x},${r(bottom)} L${x},${r(top)} L${x + 8},${r(top)}" fill="none" marker-end="url(#fl-head-loop)"/><text class="loop-label" x="${x - 6}" y="${r((top + bottom) / 2)}" transform="rotate(-90 ${x - 6} ${r((top + bottom) / 2)})" text-anchor="middle">loop ↻</text></g>`;
}

/** The chart as an inline `<svg>` element. */
export function renderMessageChart(document: TraceDocument): string {
  const g = geometry(document);
  const parts: string[] = [];
  parts.push(
    `<svg class="msc" width="${g.width}" height="${g.height}" viewBox="0 0 ${g.width} ${g.height}" role="img" aria-label="Message sequence chart: ${g.lanes.length} machines, ${document.steps.length} steps">`,
    DEFS,
  );
  // Row bands first (clickable, under everything else).
  const inLoop = (i: number) =>
    document.loop !== undefined && i > document.loop.start && i <= document.loop.close;
  document.steps.forEach((step, i) => {
    const cls = [
      "row",
      i % 2 === 1 ? "odd" : "",
      i === document.failureStep ? "failing" : "",
      inLoop(i) ? "in-loop" : "",
    ]
      .filter((c) => c !== "")
      .join(" ");
    parts.push(
      `<g class="${cls}" data-step="${i}"><title>${escapeHtml(`${i + 1}. ${step.label.text}`)}</title><rect x="0" y="${r(HEADER + i * ROW)}" width="${g.width}" height="${ROW}"/><text class="step-no" x="${GUTTER - 8}" y="${r(g.y(i) + 4)}" text-anchor="end">${i === document.failureStep ? "✗ " : ""}${i + 1}</text></g>`,
    );
  });
  parts.push('<g class="lanes">');
  for (const lane of g.lanes) {
    const x = g.x(lane)!;
    parts.push(
      `<g class="lane" data-lane="${escapeHtml(lane)}">${label(x, 26, lane, "lane-name")}<line class="lane-line" x1="${r(x)}" y1="${HEADER - 6}" x2="${r(x)}" y2="${r(g.height - 6)}"/></g>`,
    );
  }
  parts.push("</g>");
  parts.push(loopSvg(document, g));
  document.steps.forEach((_, i) => {
    parts.push(stepMarkSvg(document, i, g));
  });
  const { flows } = messageFlows(document.steps.map((s) => s.label));
  parts.push('<g class="messages">');
  for (const flow of flows) parts.push(flowSvg(flow, g));
  parts.push("</g>");
  if (g.lanes.length === 0) {
    parts.push(
      label(GUTTER + 8, HEADER - 14, "(no machine lanes: the steps name no actors)", "mark-label", "start"),
    );
  }
  parts.push("</svg>");
  return parts.join("\n");
}

/** The chart's colours and strokes, for the page's `<style>`. */
export const MSC_CSS = `
svg.msc { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #fff; }
svg.msc .row rect { fill: transparent; cursor: pointer; }
svg.msc .row.odd rect { fill: #f6f8fa; }
svg.msc .row.in-loop rect { fill: #fff8e1; }
svg.msc .row.failing rect { fill: #ffebe9; stroke: #cf222e; stroke-width: 1.5; }
svg.msc .row.selected rect { fill: #ddf4ff; }
svg.msc .row.failing.selected rect { fill: #ffd8d3; }
svg.msc .step-no { fill: #57606a; }
svg.msc .row.failing .step-no { fill: #cf222e; font-weight: bold; }
svg.msc .lane-name { font-weight: bold; fill: #24292f; }
svg.msc .lane-line { stroke: #8c959f; stroke-dasharray: 2 3; }
svg.msc .msg .line { stroke-width: 1.6; fill: none; }
svg.msc .msg.delivered .line { stroke: #1a7f37; }
svg.msc .msg.duplicate .line { stroke: #8250df; stroke-dasharray: 6 3; }
svg.msc .msg.dropped .line, svg.msc .msg.lost .line { stroke: #cf222e; stroke-dasharray: 5 3; }
svg.msc .msg.in-flight .line { stroke: #0969da; stroke-dasharray: 2 3; }
svg.msc .head-deliver { fill: #1a7f37; }
svg.msc .head-dup { fill: #8250df; }
svg.msc .head-loop { fill: #9a6700; }
svg.msc .cross, svg.msc .fault-cross { stroke: #cf222e; stroke-width: 2.2; }
svg.msc .msg-label { fill: #24292f; paint-order: stroke; stroke: #fff; stroke-width: 3px; font-size: 11px; }
svg.msc .mark-label { fill: #24292f; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
svg.msc .fault-label { fill: #cf222e; font-weight: bold; }
svg.msc .timer-label { fill: #8250df; }
svg.msc .glyph.init { fill: #0969da; }
svg.msc .glyph.action { fill: #9a6700; }
svg.msc .glyph.timer { fill: #8250df; }
svg.msc .glyph.restart { fill: #fff; stroke: #cf222e; stroke-width: 2; }
svg.msc .note-line { stroke: #cf222e; stroke-dasharray: 8 4; }
svg.msc .loop-line { stroke: #9a6700; stroke-width: 2; }
svg.msc .loop-label { fill: #9a6700; font-weight: bold; }
`;
