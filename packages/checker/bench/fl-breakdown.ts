// Where the .fl pipeline spends its time per expanded state: decode, successors
// (handlers and copy-on-write), encode, fingerprint. Run: node --import tsx bench/fl-breakdown.ts [n]
import { readFileSync } from "node:fs";
import { compileSource } from "@faultline/lang";
import { fingerprintInto } from "../src/fingerprint.js";
import { buildModel } from "../src/fl/fl-model.js";
import type { FlState } from "../src/fl/fl-state.js";
import type { StepOutcome } from "../src/model.js";

const n = Number(process.argv[2] ?? 6);
const template = readFileSync(
  new URL("../../lang/test/fixtures/valid/two-phase-commit.fl", import.meta.url),
  "utf8",
);
const text = template.replace("while (i < 3)", `while (i < ${n})`);
const compiled = compileSource({ path: "two-phase-commit.fl", text });
if (!compiled.ok) throw new Error("compile failed");
const model = buildModel(compiled.ir, "Reliable");

// A sample of reachable states (BFS order), as bytes.
const sample: Uint8Array[] = [];
const seen = new Set<string>();
const queue: Uint8Array[] = [];
model.initial((_s, o) => {
  if (o.kind === "state") queue.push(model.encode(o.state).slice());
});
while (queue.length > 0 && sample.length < 100_000) {
  const b = queue.shift()!;
  const k = Buffer.from(b).toString("latin1");
  if (seen.has(k)) continue;
  seen.add(k);
  sample.push(b);
  model.successors(model.decode(b), (_s, o) => {
    if (o.kind === "state") queue.push(model.encode(o.state).slice());
  });
}
const fp = new Uint32Array(2);
function time(label: string, body: () => void): number {
  body();
  const t0 = performance.now();
  body();
  const ms = performance.now() - t0;
  console.log(`${label.padEnd(34)} ${((ms * 1e6) / sample.length).toFixed(0).padStart(6)} ns/state`);
  return ms;
}
let generated = 0;
time("decode", () => {
  for (const b of sample) model.decode(b);
});
time("decode+successors", () => {
  generated = 0;
  for (const b of sample)
    model.successors(model.decode(b), () => {
      generated++;
    });
});
const encodeEmit = (_s: unknown, o: StepOutcome<FlState>) => {
  if (o.kind === "state") model.encode(o.state);
};
time("decode+successors+encode", () => {
  for (const b of sample) model.successors(model.decode(b), encodeEmit);
});
const fpEmit = (_s: unknown, o: StepOutcome<FlState>) => {
  if (o.kind === "state") fingerprintInto(model.encode(o.state), fp);
};
time("decode+successors+encode+fingerprint", () => {
  for (const b of sample) model.successors(model.decode(b), fpEmit);
});
const inv = model.invariants;
time("invariants (per state)", () => {
  for (const b of sample) {
    const s = model.decode(b);
    for (const i of inv) i.holds(s);
  }
});
console.log(`states ${sample.length}, successors per state ${(generated / sample.length).toFixed(2)}`);
