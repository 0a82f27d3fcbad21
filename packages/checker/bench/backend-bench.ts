// One .fl test through the exhaustive explorer in process, on the byte back
// end (ADR 0015) or the object runtime, with coverage counted as `faultline
// check` counts it: seconds per run, and the median. Run it from two
// checkouts in turn (copied into an older one that lacks it) to compare
// builds on this machine without the command's start-up
// (docs/performance.md, "The byte back end"). A test with params is named
// with their values, listed in the file or not, as `faultline check` names it:
//   node --import tsx packages/checker/bench/backend-bench.ts models/bench/two-phase-tla.fl "TLC(rms=8)" \
//     [--reps 3] [--objects]
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { byteModelOf } from "../src/fl/bytes/byte-model.js";
import { FlModel } from "../src/fl/fl-model.js";
import type { Model } from "../src/model.js";
import { checkExhaustive } from "../src/search/bfs-explorer.js";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    reps: { type: "string", default: "3" },
    objects: { type: "boolean", default: false },
  },
});
function fail(message: string): never {
  console.error(`backend-bench: ${message}`);
  process.exit(2);
}
const [file, test] = positionals;
if (file === undefined || test === undefined)
  fail('usage: backend-bench.ts FILE TEST (e.g. "TLC(rms=8)") [--reps n] [--objects]');
const source = readFileSync(file, "utf8");

const times: number[] = [];
let states = 0;
let transitions = 0;
for (let r = 0; r < Number(values.reps); r++) {
  // FlModel.load, as the command and the workers build a model: a param instance from its name.
  let loaded: ReturnType<typeof FlModel.load>;
  try {
    loaded = FlModel.load({ file, source }, { test });
  } catch (e) {
    fail((e as Error).message); // no such test
  }
  if (!loaded.ok) fail(`${file} ${test}: ${loaded.kind === "usage" ? loaded.message : "does not compile"}`);
  const fl = loaded.model;
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
const median = times.slice().sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
console.log(
  `${file} ${test} on ${values.objects ? "objects" : "bytes"}: ` +
    `${times.map((t) => t.toFixed(2)).join(" ")} s, median ${median.toFixed(2)} s, ` +
    `${Math.round((median * 1e9) / transitions)} ns per transition; ` +
    `${states.toLocaleString("en")} states, ${transitions.toLocaleString("en")} transitions; load ${loadavg()[0]!.toFixed(2)}`,
);
