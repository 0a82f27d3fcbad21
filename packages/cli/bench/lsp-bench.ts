// The language server's latency after an edit: a generated ~10,000-line model
// (lang's front-end benchmark generator), one character changed, then what
// `faultline lsp` does before it publishes diagnostics (analyse: the front
// end, the checker's tables, the name index; then the LSP conversion).
//   npx tsc -b packages/cli && node --import tsx packages/cli/bench/lsp-bench.ts [lines]
// Times the compiled dist/ (tsx's transform slows the parser down about 4x).
// Two warm-up runs, then 7 timed runs per case; the median is reported.
import { performance } from "node:perf_hooks";
import { generateModel } from "../../lang/bench/front-end-bench.js";
import type * as AnalysisModule from "../src/lsp/analysis.js";
import type * as FeaturesModule from "../src/lsp/features.js";

const { analyse } = (await import(
  new URL("../dist/lsp/analysis.js", import.meta.url).href
)) as typeof AnalysisModule;
const { lspDiagnostics, hover, definition, references } = (await import(
  new URL("../dist/lsp/features.js", import.meta.url).href
)) as typeof FeaturesModule;
const { checkSource } = await import("@faultline/lang");

const lines = Number(process.argv[2] ?? 10_000);
const { text } = generateModel(lines);
const at = text.indexOf("count = count + 1;");
const edited = `${text.slice(0, at)}count = count + 12;${text.slice(at + "count = count + 1;".length)}`;
const broken = edited.replace("on Ping do (n)", "on Pinng do (n)");

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(run: () => unknown): number {
  for (let i = 0; i < 2; i++) run();
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    run();
    times.push(performance.now() - t0);
  }
  return median(times);
}

console.log(
  `lsp benchmark: ${text.split("\n").length.toLocaleString("en-US")} lines, ${text.length.toLocaleString("en-US")} chars`,
);
const cases: [string, () => unknown][] = [
  ["edit -> diagnostics (valid model)", () => lspDiagnostics(analyse("file:///g.fl", "g.fl", edited))],
  ["edit -> diagnostics (an unknown event)", () => lspDiagnostics(analyse("file:///g.fl", "g.fl", broken))],
  ["  of which the front end (checkSource)", () => checkSource({ path: "g.fl", text: edited })],
];
// Requests on the analysis of the edited text: a name in the middle of the file, and an expression.
const analysis = analyse("file:///g.fl", "g.fl", edited);
const offsetPos = (offset: number) => {
  const line = edited.slice(0, offset).split("\n").length - 1;
  return { line, character: offset - (edited.lastIndexOf("\n", offset - 1) + 1) };
};
const middle = edited.indexOf("goto S", edited.length >> 1) + 5;
const expression = edited.indexOf("sizeof(seen) % 2", edited.length >> 1) + 14;
cases.push(
  ["hover on a state name", () => hover(analysis, offsetPos(middle))],
  ["hover on an expression (its type)", () => hover(analysis, offsetPos(expression))],
  ["definition", () => definition(analysis, offsetPos(middle))],
  ["references", () => references(analysis, offsetPos(middle), true)],
);
for (const [name, run] of cases) console.log(`${name.padEnd(42)}${time(run).toFixed(1).padStart(9)} ms`);
const errors = lspDiagnostics(analyse("file:///g.fl", "g.fl", broken)).length;
console.log(`(the broken model has ${errors} diagnostic${errors === 1 ? "" : "s"})`);
