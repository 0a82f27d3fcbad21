// One .fl test through the exhaustive explorer in process, on the byte back
// end (ADR 0015) or the object runtime, with coverage counted as `faultline
// check` counts it: seconds per run, and the median. Run it from two
// checkouts in turn (copied into an older one that lacks it) to compare
// builds on this machine without the command's start-up
// (docs/performance.md, "The byte back end"):
//   node --import tsx packages/checker/bench/backend-bench.ts models/bench/two-phase-tla.fl \
//     [--test TLC] [--param rms=8] [--reps 3] [--objects]
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { compileSource } from "@faultline/lang";
import { byteModelOf } from "../src/fl/bytes/byte-model.js";
import { buildModel } from "../src/fl/fl-model.js";
import type { Model } from "../src/model.js";
import { checkExhaustive } from "../src/search/bfs-explorer.js";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    test: { type: "string" },
    param: { type: "string", multiple: true, default: [] },
    reps: { type: "string", default: "3" },
    objects: { type: "boolean", default: false },
  },
});
function fail(message: string): never {
  console.error(`backend-bench: ${message}`);
  process.exit(2);
}
const file =
  positionals[0] ?? fail("usage: backend-bench.ts FILE [--test T] [--param k=v] [--reps n] [--objects]");
const compiled = compileSource({ path: file, text: readFileSync(file, "utf8") });
if (!compiled.ok) fail(`${file} does not compile`);
const ir = compiled.ir;
// A test with params is named with its values ("Reliable(participants=2)"): matched by its name before them.
const baseName = (name: string) => name.replace(/\(.*\)$/, "");
const test = values.test === undefined ? ir.tests[0] : ir.tests.find((t) => baseName(t.name) === values.test);
if (test === undefined) fail(`no test ${values.test ?? ""} in ${file}`);
const params = Object.fromEntries(
  values.param.map((p) => {
    const [name, value] = p.split("=");
    return [name!, Number(value)];
  }),
);

const times: number[] = [];
let states = 0;
let transitions = 0;
for (let r = 0; r < Number(values.reps); r++) {
  const fl = buildModel(ir, test.name, { paramOverrides: params });
  let model: Model<unknown, never> = fl as unknown as Model<unknown, never>;
  if (!values.objects) {
    const made = byteModelOf(fl);
    if (!made.ok) fail(`not on the byte back end: ${made.reason}`);
    model = made.model as unknown as Model<unknown, never>;
  }
  // `faultline check` always counts coverage (vacuity warnings read it).
  fl.beginCoverage();
  const t0 = performance.now();
  const result = checkExhaustive(model);
  times.push((performance.now() - t0) / 1000);
  fl.endCoverage();
  states = result.stats!.distinctStates;
  transitions = result.stats!.generatedStates;
}
const sorted = [...times].sort((a, b) => a - b);
const middle = sorted.length >> 1;
const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
console.log(
  `${file} ${baseName(test.name)} ${JSON.stringify(params)} on ${values.objects ? "objects" : "bytes"}: ` +
    `${times.map((t) => t.toFixed(2)).join(" ")} s, median ${median.toFixed(2)} s, ` +
    `${Math.round((median * 1e9) / transitions)} ns per transition; ` +
    `${states.toLocaleString("en")} states, ${transitions.toLocaleString("en")} transitions; load ${loadavg()[0]!.toFixed(2)}`,
);
