// Per-successor costs of the .fl pipeline on the reference two-phase commit:
// encoding a successor, encoding plus fingerprinting it, Model.fingerprint
// (per-part hashes, no encoding; parts shared with the parent are hashed once
// and cached, as in a search), generating it (running
// the handler, copy-on-write), and decoding a state to expand. Tight loops over
// a fixed sample of states, so the figures are steadier than a whole search's.
// Then what generating successors allocates: young-generation collections per
// million successors, which with a fixed young generation is proportional to
// the bytes allocated (how issue 15's "no new per-state allocation" is checked).
// Run: node --max-semi-space-size=1 --import tsx packages/checker/bench/fl-costs.ts [participants]
//      (--tla N: TLA+'s TwoPhase with N resource managers instead)
import { readFileSync } from "node:fs";
import { constants, PerformanceObserver } from "node:perf_hooks";
import { compileSource } from "@faultline/lang";
import { buildModel } from "../src/fl/fl-model.js";
import type { FlState } from "../src/fl/fl-state.js";
import { fingerprintInto } from "../src/fingerprint.js";

const tla = process.argv.indexOf("--tla");
const size = Number(tla >= 0 ? process.argv[tla + 1] : (process.argv[2] ?? 6));
const text =
  tla >= 0
    ? readFileSync(new URL("../../../models/bench/two-phase-tla.fl", import.meta.url), "utf8")
    : readFileSync(
        new URL("../../lang/test/fixtures/valid/two-phase-commit.fl", import.meta.url),
        "utf8",
      ).replace("while (i < 3)", `while (i < ${size})`);
const c = compileSource({ path: "x.fl", text });
if (!c.ok) throw 0;
const model =
  tla >= 0
    ? buildModel(c.ir, c.ir.tests[0]!.name, { paramOverrides: { rms: size } })
    : buildModel(c.ir, "Reliable");
let q: Uint8Array[] = [];
model.initial((_s, o) => {
  if (o.kind === "state") q.push(model.encode(o.state).slice());
});
for (let d = 0; d < 8; d++) {
  const nq: Uint8Array[] = [];
  for (const b of q.slice(0, 30))
    model.successors(model.decode(b), (_s, o) => {
      if (o.kind === "state") nq.push(model.encode(o.state).slice());
    });
  q = nq;
}
const parents = q.slice(0, 200).map((b) => model.decode(b));
const succ: FlState[] = [];
for (const p of parents)
  model.successors(p, (_s, o) => {
    if (o.kind === "state") succ.push(o.state);
  });
console.log(
  "successors",
  succ.length,
  "avg bytes",
  succ.reduce((a, s) => a + model.encode(s).length, 0) / succ.length,
);
const fp = new Uint32Array(2);
for (let round = 0; round < 3; round++) {
  let t = performance.now();
  const N = 2000;
  for (let k = 0; k < N; k++) for (const s of succ) model.encode(s);
  const enc = ((performance.now() - t) * 1e6) / (N * succ.length);
  t = performance.now();
  for (let k = 0; k < N; k++) for (const s of succ) fingerprintInto(model.encode(s), fp);
  const encfp = ((performance.now() - t) * 1e6) / (N * succ.length);
  t = performance.now();
  for (let k = 0; k < N; k++) for (const s of succ) model.fingerprint(s, fp);
  const modelFp = ((performance.now() - t) * 1e6) / (N * succ.length);
  t = performance.now();
  for (let k = 0; k < 200; k++) for (const p of parents) model.successors(p, () => {});
  const gen = ((performance.now() - t) * 1e6) / (200 * succ.length);
  t = performance.now();
  const bytes = parents.map((p) => model.encode(p).slice());
  for (let k = 0; k < 200; k++) for (const b of bytes) model.decode(b);
  const dec = ((performance.now() - t) * 1e6) / (200 * bytes.length);
  console.log(
    `encode ${enc.toFixed(0)} ns, encode+fp ${encfp.toFixed(0)} ns, Model.fingerprint ${modelFp.toFixed(0)} ns, successor (no encode) ${gen.toFixed(0)} ns, decode ${dec.toFixed(0)} ns/state`,
  );
}

// Allocation: scavenges while generating the sample's successors 100 times over.
let scavenges = 0;
const observer = new PerformanceObserver((list) => {
  for (const e of list.getEntries())
    if ((e.detail as { kind?: number } | undefined)?.kind === constants.NODE_PERFORMANCE_GC_MINOR)
      scavenges++;
});
observer.observe({ entryTypes: ["gc"] });
let generated = 0;
for (let k = 0; k < 100; k++) for (const p of parents) model.successors(p, () => generated++);
await new Promise((resolve) => setTimeout(resolve, 50)); // gc entries arrive asynchronously
observer.disconnect();
console.log(
  `young-generation collections: ${((scavenges * 1e6) / generated).toFixed(0)} per million successors ` +
    "(proportional to bytes allocated with a fixed --max-semi-space-size)",
);
