// TwoPhase (models/bench/two-phase-tla.fl) through the exhaustive explorer
// four ways, in one process, interleaved: the object runtime (FlModel), the
// byte back end (ADR 0015, bytes/byte-model.ts), the code on the canonical
// encoding written by hand in the shape it generates (two-phase-tla-bytes.ts),
// and the hand-packed byte model (test/models/two-phase-model.ts,
// explorer-bench.ts's). Prints ns per
// transition and the ratio to the object runtime.
//   node --import tsx packages/checker/bench/two-phase-bytes-bench.ts [--rms 8] [--reps 3]
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { compileSource } from "@faultline/lang";
import { byteModelOf } from "../src/fl/bytes/byte-model.js";
import { buildModel } from "../src/fl/fl-model.js";
import type { Model } from "../src/model.js";
import { checkExhaustive } from "../src/search/bfs-explorer.js";
import { TwoPhaseModel } from "../test/models/two-phase-model.js";
import { TwoPhaseTlaBytes } from "./two-phase-tla-bytes.js";
import { TwoPhaseTlaFixed } from "./two-phase-tla-fixed.js";

function argument(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}
const rms = argument("--rms", 8);
const reps = argument("--reps", 3);
const text = readFileSync(new URL("../../../models/bench/two-phase-tla.fl", import.meta.url), "utf8");
const c = compileSource({ path: "two-phase-tla.fl", text });
if (!c.ok) throw new Error("two-phase-tla.fl does not compile");
const build = (): Model<unknown, never> =>
  buildModel(c.ir, c.ir.tests[0]!.name, { paramOverrides: { rms } }) as unknown as Model<unknown, never>;
const kinds: [string, () => Model<unknown, never>][] = [
  ["object runtime (FlModel)", build],
  [
    "byte back end (generated)",
    () => {
      const made = byteModelOf(build() as never);
      if (!made.ok) throw new Error(made.reason);
      return made.model as unknown as Model<unknown, never>;
    },
  ],
  [
    "canonical bytes, written by hand",
    () => new TwoPhaseTlaBytes(build() as never) as unknown as Model<unknown, never>,
  ],
  [
    "fixed layout, generated shape",
    () => new TwoPhaseTlaFixed(rms, true) as unknown as Model<unknown, never>,
  ],
  ["fixed layout, written by hand", () => new TwoPhaseTlaFixed(rms) as unknown as Model<unknown, never>],
  ["hand-packed bytes", () => new TwoPhaseModel(rms) as unknown as Model<unknown, never>],
];
console.log(`TwoPhase, ${rms} RMs, ${reps} interleaved rounds; load ${loadavg()[0]!.toFixed(2)}`);
const times: number[][] = kinds.map(() => []);
let transitions = 0;
const states: number[] = kinds.map(() => 0);
for (let r = 0; r < reps; r++) {
  kinds.forEach(([, make], i) => {
    const model = make();
    const t0 = performance.now();
    const result = checkExhaustive(model);
    times[i]!.push(performance.now() - t0);
    const stats = result.stats!;
    states[i] = stats.distinctStates;
    if (i === 0) transitions = stats.generatedStates;
  });
}
const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const base = median(times[0]!);
kinds.forEach(([name], i) => {
  const m = median(times[i]!);
  console.log(
    `${name.padEnd(34)} ${(m / 1000).toFixed(2)} s  ${((m * 1e6) / transitions).toFixed(0).padStart(4)} ns/transition  ${(base / m).toFixed(2)}x  ${states[i]!.toLocaleString("en-US")} states`,
  );
});
console.log(`${transitions.toLocaleString("en-US")} transitions; load ${loadavg()[0]!.toFixed(2)}`);
