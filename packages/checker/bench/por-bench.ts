// Partial-order reduction on the bundled models (ADR 0008): every test of
// every model under models/ (with --examples, examples/ too), checked
// exhaustively on one thread without and with `partialOrder`, both with
// stopOnFirst off so that the whole set of failures is compared. Prints per
// test the states of each search, the reduction, whether the verdicts (pass,
// or the set of failures: kind and property) are equal, and why states got
// no ample set (PorStats: for each refusal reason, the states where some
// candidate was refused for it, and in parentheses where it was the only
// reason of some candidate). Exits 1 when a verdict differs.
//
//   node --import tsx packages/checker/bench/por-bench.ts [--examples] [--reasons n] [filter ...]
//
// A filter keeps the tests whose "file test" line contains it.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { compileSource } from "@faultline/lang";
import type { CheckResult } from "../src/check-result.js";
import { buildModel } from "../src/fl/fl-model.js";
import { POR_REASONS, type PorStats } from "../src/fl/partial-order.js";
import { checkExhaustive } from "../src/search/bfs-explorer.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const args = process.argv.slice(2);
const examples = args.includes("--examples");
const reasonsAt = args.indexOf("--reasons");
const shownReasons = reasonsAt >= 0 ? Number(args[reasonsAt + 1]) : 3;
const filters = args.filter((a, i) => !a.startsWith("--") && (reasonsAt < 0 || i !== reasonsAt + 1));
const MAX_STATES = 1_000_000;

function flFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = join(dir, e.name);
    if (e.isDirectory() && e.name !== "node_modules") out.push(...flFiles(full));
    else if (e.isFile() && e.name.endsWith(".fl")) out.push(full);
  }
  return out;
}

/** The verdict of a safety search: pass, or its failures as "kind property", sorted. */
function verdict(result: CheckResult): string {
  if (result.kind === "pass") return "pass";
  if (result.kind !== "violation" && result.kind !== "deadlock") return result.kind;
  const all = result.failures ?? [{ failure: result.failure }];
  return [...new Set(all.map((f) => `${f.failure.kind} ${f.failure.property ?? ""}`.trim()))]
    .sort()
    .join(", ");
}

const n = (x: number) => x.toLocaleString("en-US");

/** The most common refusal reasons of `stats`, each with its most common receiver and event. */
function reasons(stats: PorStats): string[] {
  const lines: string[] = [];
  if (stats.network > 0) lines.push(`${n(stats.network)} states: C1 the network may reorder or partition`);
  const order = POR_REASONS.map((_, b) => b)
    .filter((b) => stats.states[b]! > 0)
    .sort((a, b) => stats.sole[b]! - stats.sole[a]! || stats.states[b]! - stats.states[a]!);
  for (const b of order.slice(0, shownReasons)) {
    const top = [...stats.details]
      .filter(([key]) => key.startsWith(`${b}|`))
      .sort((x, y) => y[1] - x[1])
      .slice(0, 2)
      .map(([key, count]) => `${key.slice(key.indexOf("|") + 1)} ${n(count)}`);
    lines.push(
      `${n(stats.states[b]!)} states (alone ${n(stats.sole[b]!)}): ${POR_REASONS[b]} [${top.join(", ")}]`,
    );
  }
  if (stats.noDelivery > 0) lines.push(`${n(stats.noDelivery)} states: no delivery enabled`);
  return lines;
}

const dirs = [join(ROOT, "models"), ...(examples ? [join(ROOT, "examples")] : [])];
let differs = 0;
console.log("model test | full states | --por states | reduction | ample expansions | verdicts");
for (const file of dirs.flatMap(flFiles)) {
  const name = relative(ROOT, file);
  const compiled = compileSource({ path: file, text: readFileSync(file, "utf8") });
  if (!compiled.ok) continue;
  for (const test of compiled.ir.tests) {
    if (filters.length > 0 && !filters.some((f) => `${name} ${test.name}`.includes(f))) continue;
    const options = { stopOnFirst: false, maxStates: MAX_STATES };
    const full = checkExhaustive(buildModel(compiled.ir, test.name), options);
    const model = buildModel(compiled.ir, test.name, { partialOrder: true });
    const stats = model.partialOrder!.collectStats();
    const reduced = checkExhaustive(model, { ...options, partialOrder: true });
    const a = full.stats.distinctStates;
    const b = reduced.stats.distinctStates;
    const same = verdict(full) === verdict(reduced);
    if (!same) differs++;
    const cut = a >= MAX_STATES || b >= MAX_STATES ? " (state cap)" : "";
    console.log(
      [
        `${name} ${test.name}`,
        n(a),
        n(b),
        a === 0 ? "-" : `${(100 * (1 - b / a)).toFixed(1)}%`,
        n(reduced.stats.ampleExpansions ?? 0),
        same ? `same (${verdict(full)})${cut}` : `DIFFER: ${verdict(full)} / ${verdict(reduced)}${cut}`,
      ].join(" | "),
    );
    for (const line of reasons(stats)) console.log(`    ${line}`);
  }
}
if (differs > 0) {
  console.log(`${differs} verdicts differ`);
  process.exitCode = 1;
}
