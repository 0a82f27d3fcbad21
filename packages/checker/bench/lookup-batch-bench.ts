// What Expansion's batched lookups buy (ADR 0003, "Successors looked up
// together"): a FingerprintSet bigger than the cache, filled as a search
// fills it, then looked up once per "successor" with some work in between,
// one at a time and in batches whose home slots are read first (touch).
// Run: node --import tsx packages/checker/bench/lookup-batch-bench.ts [--states 1745408] [--batch 10]
import { FingerprintSet } from "../src/store/fingerprint-set.js";

function argument(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

const states = argument("--states", 1_745_408); // TwoPhase with 8 RMs
const batch = argument("--batch", 10); // about TwoPhase's successors per state
const lookups = 10_000_000;

/** A stand-in for generating a successor: dependent integer work, no memory; a fingerprint's hi word. */
function work(x: number): number {
  let h = x | 0;
  for (let j = 0; j < 40; j++) h = Math.imul(h ^ (h >>> 13), 0x5bd1e995);
  // Fingerprints are unsigned 32-bit words (Model.fingerprint's Uint32Array), never (0, 0).
  return (h | 1) >>> 0;
}

/** The k-th lookup's state, 1..states, in an order unrelated to the table's. */
const stateOf = (i: number) => 1 + ((Math.imul(i, 0x9e3779b1) >>> 0) % states);

const set = new FingerprintSet();
for (let i = 1; i <= states; i++) set.add(work(i), i);
console.log(
  `table: ${set.capacity.toLocaleString("en-US")} slots, ${(set.bytesUsed / 2 ** 20).toFixed(0)} MiB, ${states.toLocaleString("en-US")} fingerprints; lookups in batches of ${batch}`,
);

const his = new Uint32Array(batch);
const los = new Uint32Array(batch);

/** Known fingerprints looked up one per successor (each `add` finds its fingerprint). */
function oneAtATime(): number {
  let found = 0;
  for (let i = 0; i < lookups; i++) {
    const k = stateOf(i);
    if (!set.add(work(k), k)) found++;
  }
  return found;
}

/** The same, `batch` successors at a time, their home slots read first. */
function batched(): number {
  let found = 0;
  let touched = 0;
  for (let i = 0; i < lookups; i += batch) {
    for (let b = 0; b < batch; b++) {
      const k = stateOf(i + b);
      his[b] = work(k);
      los[b] = k;
    }
    for (let b = 0; b < batch; b++) touched ^= set.touch(his[b]!, los[b]!);
    for (let b = 0; b < batch; b++) if (!set.add(his[b]!, los[b]!)) found++;
  }
  return found + (touched & 0);
}

/** The work alone. */
function noLookup(): number {
  let h = 0;
  for (let i = 0; i < lookups; i++) h ^= work(stateOf(i));
  return h;
}

const time = (run: () => number): number => {
  const t = performance.now();
  run();
  return ((performance.now() - t) * 1e6) / lookups;
};
for (let round = 0; round < 3; round++) {
  const single = time(oneAtATime);
  const inBatches = time(batched);
  const none = time(noLookup);
  console.log(
    `round ${round + 1}: ${set.size === states ? "" : "(the set grew!) "}per successor ${single.toFixed(1)} ns one at a time, ${inBatches.toFixed(1)} ns batched, ${none.toFixed(1)} ns without a lookup`,
  );
}
