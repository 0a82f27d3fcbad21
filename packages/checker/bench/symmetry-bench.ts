// Symmetry reduction, measured: examples/symmetry.fl's two-phase commit with a
// growing number of participants, checked with and without its
// `symmetric (Participant)` declaration (single-threaded). Prints distinct
// states, time, states per second and the reduction factor.
//
//   node --import tsx packages/checker/bench/symmetry-bench.ts [n ...]   (default: 4 5 6 7)
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { compileSource } from "@faultline/lang";
import { checkExhaustive } from "../src/search/bfs-explorer.js";
import { buildModel } from "../src/fl/fl-model.js";

const file = fileURLToPath(new URL("../../../examples/symmetry.fl", import.meta.url));
const compiled = compileSource({ path: file, text: readFileSync(file, "utf8") });
if (!compiled.ok) throw new Error("examples/symmetry.fl does not compile");
const sizes = process.argv.slice(2).map(Number);

console.log("participants  symmetry  distinct states  time (s)  states/s  reduction");
for (const n of sizes.length > 0 ? sizes : [4, 5, 6, 7]) {
  let full = 0;
  for (const symmetry of [false, true]) {
    const model = buildModel(compiled.ir, "Reliable(participants=3)", {
      paramOverrides: { participants: n },
      symmetry,
    });
    const started = performance.now();
    const result = checkExhaustive(model, {});
    const seconds = (performance.now() - started) / 1000;
    if (result.kind !== "pass") throw new Error(`${n} participants: ${result.kind}`);
    const states = result.stats.distinctStates;
    if (!symmetry) full = states;
    console.log(
      [
        String(n).padStart(12),
        (symmetry ? "on" : "off").padStart(8),
        states.toLocaleString("en-US").padStart(15),
        seconds.toFixed(2).padStart(8),
        Math.round(states / seconds)
          .toLocaleString("en-US")
          .padStart(9),
        symmetry ? `${(full / states).toFixed(1)}x`.padStart(9) : "".padStart(9),
      ].join("  "),
    );
  }
}
