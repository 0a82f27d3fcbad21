// End-to-end benchmark of the .fl pipeline: the reference two-phase commit
// (compiled through the front end and the TypeScript codegen) with a growing
// number of participants, explored exhaustively on one core.
// Run: npm run bench -w @faultline/checker   (or: node --import tsx bench/fl-bench.ts [n...])
// --encode-fingerprint: fingerprint the encoding of every successor, as before
// Model.fingerprint (to compare; ADR 0007). --tla: TLA+'s TwoPhase
// (models/bench/two-phase-tla.fl) instead, the sizes being resource managers.
import { readFileSync } from "node:fs";
import { compileSource } from "@faultline/lang";
import { checkExhaustive } from "../src/search/bfs-explorer.js";
import { buildModel } from "../src/fl/fl-model.js";

const tla = process.argv.includes("--tla");
const SOURCE = tla
  ? new URL("../../../models/bench/two-phase-tla.fl", import.meta.url)
  : new URL("../../lang/test/fixtures/valid/two-phase-commit.fl", import.meta.url);
const encodeFingerprint = process.argv.includes("--encode-fingerprint");
const sizes = process.argv
  .slice(2)
  .filter((a) => !a.startsWith("--"))
  .map(Number)
  .filter((n) => n > 0);
const participants = sizes.length > 0 ? sizes : [4, 5, 6, 7];

const template = readFileSync(SOURCE, "utf8");
console.log(
  `${tla ? "TLA+ TwoPhase (.fl), test TLC" : "reference two-phase commit (.fl), test Reliable"}, one core, ${encodeFingerprint ? "fingerprint of the encoding" : "Model.fingerprint"}`,
);
console.log(
  "participants  distinct    generated    time(s)  distinct/s  generated/s  visited B/state  peak RSS MiB",
);
for (const n of participants) {
  const text = tla ? template : template.replace("while (i < 3)", `while (i < ${n})`);
  const compiled = compileSource({ path: `two-phase-commit-${n}.fl`, text });
  if (!compiled.ok)
    throw new Error(`compile failed: ${compiled.diagnostics.map((d) => d.message).join("; ")}`);
  const model = tla
    ? buildModel(compiled.ir, compiled.ir.tests[0]!.name, { paramOverrides: { rms: n } })
    : buildModel(compiled.ir, "Reliable");
  // An own property shadows the prototype's method: the explorer then encodes every successor.
  if (encodeFingerprint) Object.assign(model, { fingerprint: undefined });
  const result = checkExhaustive(model, {});
  const s = result.stats!;
  const secs = s.elapsedMs / 1000;
  const rss = process.memoryUsage().rss / 2 ** 20;
  const visited = "visitedBytesPerState" in s ? Number(s.visitedBytesPerState).toFixed(2) : "-";
  console.log(
    [
      String(n).padStart(12),
      String(s.distinctStates).padStart(9),
      String(s.generatedStates).padStart(12),
      secs.toFixed(2).padStart(10),
      Math.round(s.distinctStates / secs)
        .toLocaleString("en-US")
        .padStart(11),
      Math.round(s.generatedStates / secs)
        .toLocaleString("en-US")
        .padStart(12),
      visited.padStart(16),
      rss.toFixed(0).padStart(13),
      `  ${result.kind}`,
    ].join(""),
  );
}
