// How short random-mode counterexamples get after shrinking, against the
// exhaustive shortest (the `traceLength` pinned in models/*/expected.json and
// examples/expected.json): for every failing safety test, a uniform walk and
// a PCT run (seed 1, the command line's default budgets), the found length,
// the shrunk length, whether shrinking ended 1-minimal, and the ratio.
// Run: node --import tsx bench/shrink-table.ts [seed]   (from packages/checker)
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { compileSource } from "@faultline/lang";
import { buildModel } from "../src/fl/fl-model.js";
import { checkRandom, type RandomStrategy } from "../src/search/random-explorer.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const SAFETY = new Set(["violation", "assertion", "deadlock", "runtime-error", "unhandled-event"]);
const seed = Number(process.argv[2] ?? 1);

interface Expected {
  outcome: string;
  traceLength?: number;
  property?: string;
}

function folders(): string[] {
  const models = readdirSync(join(ROOT, "models"), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join(ROOT, "models", d.name));
  return [...models, join(ROOT, "examples")];
}

const rows: string[][] = [];
const ratios: number[] = [];
for (const folder of folders()) {
  const file = join(folder, "expected.json");
  if (!existsSync(file)) continue;
  const expected = JSON.parse(readFileSync(file, "utf8")) as Record<string, Record<string, Expected>>;
  for (const [model, tests] of Object.entries(expected)) {
    const path = join(folder, model);
    const compiled = compileSource({ path, text: readFileSync(path, "utf8") });
    if (!compiled.ok) continue;
    for (const [test, want] of Object.entries(tests)) {
      if (!SAFETY.has(want.outcome) || want.traceLength === undefined) continue;
      for (const strategy of ["uniform", "pct"] as RandomStrategy[]) {
        const fl = buildModel(compiled.ir, test);
        const result = checkRandom(fl, { seed, runs: 10_000, maxSteps: 1000, strategy });
        const name = `${folder.slice(ROOT.length)}/${model}`.replace(/^examples\/examples\//, "examples/");
        if (result.kind === "pass" || result.kind === "bounded" || result.random === undefined) {
          rows.push([name, test, strategy, "not found", "", String(want.traceLength), ""]);
          continue;
        }
        const shrunk = result.trace.steps.length;
        const ratio = shrunk / want.traceLength;
        ratios.push(ratio);
        const minimal = result.random.shrinkMinimal === false ? " (budget)" : "";
        rows.push([
          name,
          test,
          strategy,
          String(result.random.originalLength),
          `${shrunk}${minimal}`,
          String(want.traceLength),
          ratio.toFixed(2),
        ]);
      }
    }
  }
}

const header = ["model", "test", "mode", "found", "shrunk", "shortest", "ratio"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ");
console.log(`shrinking, seed ${seed}: random-mode counterexamples against the exhaustive shortest`);
console.log(line(header));
for (const r of rows) console.log(line(r));
const within = ratios.filter((r) => r <= 1.2).length;
const worst = Math.max(...ratios);
console.log(
  `${ratios.length} shrunk counterexamples: ${within} within 1.2x of the shortest, worst ${worst.toFixed(2)}x, median ${ratios
    .sort((a, b) => a - b)
    [Math.floor(ratios.length / 2)]!.toFixed(2)}x`,
);
