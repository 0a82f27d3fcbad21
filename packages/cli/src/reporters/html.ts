// The HTML reporter: one self-contained page per counterexample (inline CSS,
// inline SVG, a small inline script; nothing fetched), built from the same
// TraceDocument the explorer shows: the violated property with its source
// lines, a message-sequence chart (html-msc.ts), the steps with what each
// changed, and the state after each step. Without the script the page still
// reads: every step's changes are listed and the final state is shown; the
// script lets a click (or j/k) show the state after any step.
// `check --reporter html` writes it next to each trace (htmlPathFor), and
// `replay --html FILE` through writeTraceHtml.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { type Failure, formatLocation, type Json, type Model } from "@faultline/checker";
import { plural } from "../plural.js";
import { buildStateRows, type StateRow, visibleStateRows } from "../tui/state-diff.js";
import { buildTraceDocument, type SourceExcerpt, type TraceDocument } from "../tui/trace-document.js";
import { VERSION } from "../version.js";
import { failureHeadline, failureSentence, failureTitle } from "./failure-text.js";
import { escapeHtml, MSC_CSS, renderMessageChart } from "./html-msc.js";
import { replayCommandFor } from "./run-report.js";

export interface TraceHtmlOptions {
  /** The trace file the page shows, named in its footer with the command that replays it. */
  tracePath?: string;
  replayCommand?: string;
}

/** Where `check --reporter html` writes a trace's page: beside it, `.itf.json` (or `.json`) replaced by `.html`. */
export function htmlPathFor(tracePath: string): string {
  return `${tracePath.replace(/(\.itf)?\.json$/, "")}.html`;
}

/**
 * A row's value as the page prints it: the one place the HTML report turns a
 * value into text (today the state rows' own text, which the TUI prints too).
 */
function rowValueText(row: StateRow, previous = false): string {
  return (previous ? row.previousText : row.text) ?? "";
}

function stateRowsHtml(rows: readonly StateRow[], showWas: boolean): string {
  if (rows.length === 0) return '<p class="quiet">nothing changed</p>';
  const body = rows
    .map((row) => {
      const cls = [row.header ? "component" : "entry", row.change === "same" ? "" : row.change]
        .filter((c) => c !== "")
        .join(" ");
      const was =
        showWas && row.previousText !== undefined && row.change === "changed"
          ? `<span class="was">was ${escapeHtml(rowValueText(row, true))}</span>`
          : "";
      const key = `<td class="key" style="padding-left:${0.4 + row.depth * 1.2}em">${escapeHtml(row.key)}</td>`;
      return `<tr class="${cls}">${key}<td class="value"><code>${escapeHtml(rowValueText(row))}</code>${was}</td></tr>`;
    })
    .join("\n");
  return `<table class="state-rows">\n${body}\n</table>`;
}

function sourceHtml(excerpt: SourceExcerpt): string {
  const last = excerpt.endLine ?? excerpt.line;
  const width = String(excerpt.lines[excerpt.lines.length - 1]?.n ?? excerpt.line).length;
  const lines = excerpt.lines
    .map(({ n, text }) => {
      const hit = n >= excerpt.line && n <= last;
      return `<span class="line${hit ? " hit" : ""}"><span class="ln">${String(n).padStart(width)}</span> ${escapeHtml(text)}</span>`;
    })
    .join("\n");
  return `<pre class="source">${lines}</pre>`;
}

function propertyHtml(document: TraceDocument): string {
  const f = document.failure;
  if (f === null) {
    return '<section id="property"><h2>Property</h2><p>The trace replays, but its last state violates nothing.</p></section>';
  }
  const where = f.location ? `<p class="where">${escapeHtml(formatLocation(f.location))}</p>` : "";
  const excerpt = document.sourceExcerpt ? sourceHtml(document.sourceExcerpt) : "";
  const at =
    document.failureStep === null
      ? ""
      : ` <a href="#step-${document.failureStep + 1}" data-step="${document.failureStep}">at step ${document.failureStep + 1}</a>`;
  return `<section id="property">
<h2>${escapeHtml(failureTitle(f))}${at}</h2>
<p class="failure">${escapeHtml(failureSentence(f))}</p>
${where}${excerpt}
</section>`;
}

function loopText(document: TraceDocument): string {
  const loop = document.loop;
  if (loop === undefined) return "";
  return `<p class="loop-note">A lasso: after step ${loop.close + 1} the run is back in the state after step ${loop.start + 1}, so steps ${loop.start + 2} to ${loop.close + 1} (marked ↻) repeat forever.</p>`;
}

function stepsHtml(document: TraceDocument): string {
  const items = document.steps.map((step, i) => {
    const failing = i === document.failureStep;
    const inLoop = document.loop !== undefined && i > document.loop.start && i <= document.loop.close;
    const cls = ["step", failing ? "failing" : "", inLoop ? "in-loop" : ""].filter((c) => c !== "").join(" ");
    const badges = [
      failing ? '<span class="badge fail">✗ fails here</span>' : "",
      inLoop ? '<span class="badge loop">↻ loop</span>' : "",
      step.stateMissing ? '<span class="badge">no state: the step failed</span>' : "",
      step.stateAtFailure ? '<span class="badge">its effects up to the failure</span>' : "",
    ].join("");
    const before = i === 0 ? null : document.steps[i - 1]!.state;
    const changes = step.stateMissing
      ? '<p class="quiet">the step failed before producing a state</p>'
      : stateRowsHtml(visibleStateRows(buildStateRows(before, step.state), new Set(), true), true);
    const where = step.label.location
      ? `<p class="where">${escapeHtml(formatLocation(step.label.location))}</p>`
      : "";
    return `<li id="step-${i + 1}" class="${cls}" data-step="${i}"><details${failing ? " open" : ""}><summary><span class="n">${i + 1}</span> <code>${escapeHtml(step.label.text)}</code>${badges}</summary>${where}${changes}</details></li>`;
  });
  return `<section id="steps"><h2>Steps</h2>${loopText(document)}<ol class="steps">\n${items.join("\n")}\n</ol></section>`;
}

function statesHtml(document: TraceDocument): string {
  const last = document.steps.length - 1;
  const panels = document.steps.map((step, i) => {
    const before = i === 0 ? null : document.steps[i - 1]!.state;
    const rows = buildStateRows(before, step.state);
    const hidden = i === last ? "" : " hidden";
    return `<div class="state" data-state="${i}"${hidden}><h3>State after step ${i + 1}: <code>${escapeHtml(step.label.text)}</code></h3>${stateRowsHtml(rows, true)}</div>`;
  });
  return `<section id="state"><h2>State</h2><p class="quiet noscript-hint">Changed entries are highlighted. Click a step (in the chart or the list) to see the state after it; the final state is shown.</p>\n${panels.join("\n")}\n</section>`;
}

const PAGE_CSS = `
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #24292f; background: #fff; }
main { max-width: 1400px; margin: 0 auto; padding: 16px 24px 48px; }
header h1 { font-size: 20px; margin: 8px 0 2px; }
header .file { color: #57606a; margin: 0; }
.verdict { display: inline-block; margin: 10px 0 0; padding: 4px 10px; border-radius: 6px; background: #ffebe9; color: #a40e26; font-weight: 600; }
.verdict.none { background: #f6f8fa; color: #57606a; }
h2 { font-size: 16px; border-bottom: 1px solid #d0d7de; padding-bottom: 4px; margin-top: 28px; }
h2 a { font-size: 13px; font-weight: normal; margin-left: 8px; }
h3 { font-size: 14px; margin: 8px 0; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
.notes { background: #fff8c5; border: 1px solid #d4a72c; border-radius: 6px; padding: 8px 12px; }
.where { color: #57606a; margin: 4px 0; font-family: ui-monospace, monospace; font-size: 12px; }
pre.source { background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 6px; padding: 8px 0; overflow-x: auto; }
pre.source .line { display: block; padding: 0 12px; }
pre.source .line.hit { background: #ffebe9; box-shadow: inset 3px 0 #cf222e; }
pre.source .ln { color: #8c959f; user-select: none; }
.chart { overflow-x: auto; border: 1px solid #d0d7de; border-radius: 6px; }
.legend { color: #57606a; font-size: 12px; margin: 4px 0 8px; }
.legend span { margin-right: 14px; white-space: nowrap; }
.legend .sw { display: inline-block; width: 22px; height: 0; border-top: 2px solid; vertical-align: middle; margin-right: 4px; }
.layout { display: grid; grid-template-columns: minmax(320px, 1fr) minmax(320px, 1fr); gap: 24px; align-items: start; }
@media (max-width: 900px) { .layout { grid-template-columns: 1fr; } }
ol.steps { list-style: none; padding: 0; margin: 0; }
ol.steps li { border: 1px solid #d0d7de; border-radius: 6px; margin: 4px 0; }
ol.steps li.failing { border-color: #cf222e; background: #fff5f5; }
ol.steps li.in-loop { box-shadow: inset 4px 0 #d4a72c; }
ol.steps li.selected { outline: 2px solid #0969da; }
ol.steps summary { cursor: pointer; padding: 4px 8px; }
ol.steps details > :not(summary) { margin: 0 8px 8px; }
.n { display: inline-block; min-width: 2em; color: #57606a; text-align: right; }
.badge { margin-left: 8px; font-size: 11px; padding: 1px 6px; border-radius: 10px; background: #eaeef2; }
.badge.fail { background: #cf222e; color: #fff; }
.badge.loop { background: #fff8c5; color: #7d4e00; }
.quiet { color: #57606a; }
.loop-note { background: #fff8c5; border-radius: 6px; padding: 6px 10px; }
table.state-rows { border-collapse: collapse; width: 100%; font-size: 12.5px; }
table.state-rows td { padding: 1px 6px; vertical-align: top; border-bottom: 1px solid #f0f2f4; }
table.state-rows td.key { white-space: nowrap; color: #57606a; }
table.state-rows tr.component td { font-weight: 600; color: #24292f; background: #f6f8fa; }
table.state-rows tr.changed td.value, table.state-rows tr.added td.value { background: #dafbe1; }
table.state-rows tr.removed td { text-decoration: line-through; color: #8c959f; }
.was { color: #8c959f; margin-left: 10px; font-size: 11.5px; }
#state .state { position: sticky; top: 0; }
footer { margin-top: 32px; color: #57606a; font-size: 12px; }
`;

/** Clicks on anything with data-step (chart rows, marks, arrows, list items) show the state after that step. */
const PAGE_SCRIPT = `
(function () {
  var states = document.querySelectorAll("[data-state]");
  if (states.length === 0) return;
  var hint = document.querySelector(".noscript-hint");
  if (hint) hint.textContent = "Changed entries are highlighted. Click a step in the chart or the list, or press j/k, to see the state after it.";
  var current = states.length - 1;
  function select(n) {
    if (n < 0 || n >= states.length) return;
    current = n;
    states.forEach(function (el) { el.hidden = Number(el.getAttribute("data-state")) !== n; });
    document.querySelectorAll(".selected").forEach(function (el) { el.classList.remove("selected"); });
    document.querySelectorAll('.row[data-step="' + n + '"], li.step[data-step="' + n + '"]').forEach(function (el) { el.classList.add("selected"); });
  }
  document.addEventListener("click", function (event) {
    var target = event.target;
    var el = target && target.closest ? target.closest("[data-step]") : null;
    if (el) select(Number(el.getAttribute("data-step")));
  });
  document.addEventListener("keydown", function (event) {
    if (event.target && /INPUT|TEXTAREA/.test(event.target.tagName)) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "j") select(current + 1);
    if (event.key === "k") select(current - 1);
  });
  select(current);
})();
`;

const LEGEND = `<p class="legend"><span><span class="sw" style="border-color:#1a7f37"></span>delivered</span><span><span class="sw" style="border-color:#cf222e;border-top-style:dashed"></span>dropped or lost ✕</span><span><span class="sw" style="border-color:#8250df;border-top-style:dashed"></span>duplicate</span><span><span class="sw" style="border-color:#0969da;border-top-style:dotted"></span>still in flight</span><span>✕ fault · ■ timer · ● action</span><span style="color:#cf222e">✗ failing step</span><span style="color:#9a6700">↻ loop</span></p>`;

/** The page for one counterexample, as a string. */
export function renderTraceHtml(document: TraceDocument, options: TraceHtmlOptions = {}): string {
  const f = document.failure;
  const verdict =
    f === null
      ? '<p class="verdict none">no failure</p>'
      : `<p class="verdict">✗ ${escapeHtml(failureHeadline(f))}</p>`;
  const notes =
    document.notes.length === 0
      ? ""
      : `<div class="notes">${document.notes.map((n) => `<p>${escapeHtml(n)}</p>`).join("")}</div>`;
  const machines = document.steps.length === 0 ? "" : ` · ${plural(document.steps.length, "step")}`;
  const footer = [
    `Written by faultline ${escapeHtml(VERSION)}.`,
    options.tracePath ? ` Trace: <code>${escapeHtml(options.tracePath)}</code>.` : "",
    options.replayCommand ? ` Replay it: <code>${escapeHtml(options.replayCommand)}</code>.` : "",
  ].join("");
  const title = `${document.test}: ${f === null ? "no failure" : failureHeadline(f)}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="faultline ${escapeHtml(VERSION)}">
<title>${escapeHtml(title)} — Faultline</title>
<style>${PAGE_CSS}${MSC_CSS}</style>
</head>
<body>
<main>
<header>
<h1>Counterexample: ${escapeHtml(document.test)}</h1>
<p class="file">${escapeHtml(document.source ?? document.title)}${machines}</p>
${verdict}
</header>
${notes}
${propertyHtml(document)}
<section id="chart"><h2>Message sequence</h2>${LEGEND}<div class="chart">
${renderMessageChart(document)}
</div></section>
<div class="layout">
${stepsHtml(document)}
${statesHtml(document)}
</div>
<footer>${footer}</footer>
</main>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}

/** Writes the page to `path` (its folder made if needed) and returns the path. */
export function writeTraceHtml(
  document: TraceDocument,
  path: string,
  options: TraceHtmlOptions = {},
): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, renderTraceHtml(document, options));
  return path;
}

/** A counterexample as `check` wrote it to `tracePath` (or `replay` read it from there). */
export interface CheckedCounterexample {
  /** The model file and its text (for the property's source lines). */
  file: string;
  text: string;
  test: string;
  steps: readonly Json[];
  /** The failure recorded with the trace (the replay may differ: the page notes it). */
  failure?: Failure;
  /** A liveness lasso's loop (the trace file's `loop`). */
  loop?: number;
  tracePath: string;
  /** Where the page goes; default beside the trace (htmlPathFor). */
  htmlPath?: string;
}

/**
 * `check --reporter html` and `replay --html FILE`: replays the
 * counterexample into a TraceDocument (as the explorer does) and writes its
 * page; returns the page's path.
 */
export function writeCounterexampleHtml<S, Step extends Json>(
  model: Model<S, Step>,
  found: CheckedCounterexample,
): string {
  const document = buildTraceDocument(model, found.steps, {
    title: found.file,
    test: found.test,
    source: found.file,
    sourceText: found.text,
    ...(found.failure === undefined ? {} : { recordedFailure: found.failure }),
    ...(found.loop === undefined ? {} : { loop: found.loop }),
  });
  return writeTraceHtml(document, found.htmlPath ?? htmlPathFor(found.tracePath), {
    tracePath: found.tracePath,
    replayCommand: replayCommandFor(found.tracePath),
  });
}
