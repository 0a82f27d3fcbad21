import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fingerprint } from "../src/fingerprint.js";
import { Prng } from "../src/search/prng.js";
import {
  CONTROL_WORDS,
  REHASH_LEFT,
  REHASH_SLICE_SLOTS,
  startGrowth,
} from "../src/search/parallel-protocol.js";
import { grownCapacity, MAX_LOAD } from "../src/store/fingerprint-set.js";
import { MAX_SHARED_CAPACITY, SharedFingerprintSet } from "../src/store/shared-fingerprint-set.js";

const fingerprintArb = fc.record({ hi: fc.nat(0xffffffff), lo: fc.nat(0xffffffff) });

/** The fingerprint as the set stores it: the tag loses the low bit of hi. */
const stored = (f: { hi: number; lo: number }) => `${(f.hi | 1) >>> 0}:${f.lo}`;

describe("SharedFingerprintSet in one thread", () => {
  it("adds a fingerprint once and finds exactly what was added, at any capacity", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 300 }),
        fc.array(fingerprintArb, { maxLength: 200 }),
        fc.array(fingerprintArb, { maxLength: 50 }),
        (extra, added, probes) => {
          // Capacity not a power of two, and full enough that probing wraps around.
          const set = SharedFingerprintSet.create(added.length + extra);
          const reference = new Set<string>();
          for (const f of added) {
            expect(set.add(f.hi, f.lo)).toBe(!reference.has(stored(f)));
            reference.add(stored(f));
          }
          for (const f of [...added, ...probes]) expect(set.has(f.hi, f.lo)).toBe(reference.has(stored(f)));
          expect(set.countSlow()).toBe(reference.size);
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });

  it("treats fingerprints that differ only in the low bit of hi as one (63-bit fingerprints)", () => {
    const set = SharedFingerprintSet.create(8);
    expect(set.add(0x1234, 7)).toBe(true);
    expect(set.add(0x1235, 7)).toBe(false);
    expect(set.add(0, 0)).toBe(true);
    expect(set.has(1, 0)).toBe(true);
    expect(set.has(0x1234, 8)).toBe(false);
  });

  it("keeps every fingerprint when rehashed into a bigger table", () => {
    const small = SharedFingerprintSet.create(100);
    const keys = Array.from({ length: 80 }, (_, i) => fingerprint(Uint8Array.of(i, i >> 3)));
    for (const f of keys) small.add(f.hi, f.lo);
    const big = SharedFingerprintSet.create(1000);
    small.rehashInto(big);
    expect(big.countSlow()).toBe(80);
    for (const f of keys) {
      expect(big.has(f.hi, f.lo)).toBe(true);
      expect(big.add(f.hi, f.lo)).toBe(false);
    }
  });

  it("is a view of a shared buffer: a set attached to it sees the same contents", () => {
    const set = SharedFingerprintSet.create(64);
    set.add(10, 20);
    const view = SharedFingerprintSet.attach(set.buffer);
    expect(view.capacity).toBe(64);
    expect(view.bytes).toBe(64 * 8);
    expect(view.has(10, 20)).toBe(true);
    expect(view.add(10, 20)).toBe(false);
  });

  it("rejects capacities out of range", () => {
    expect(() => SharedFingerprintSet.create(0)).toThrow(/out of range/);
    expect(() => SharedFingerprintSet.create(MAX_SHARED_CAPACITY + 1)).toThrow(/out of range/);
    expect(() => SharedFingerprintSet.create(1.5)).toThrow(/out of range/);
  });
});

// Two threads insert the same keys in the same order at the same time, in
// rounds that start together: every key must be won by exactly one add.
const RACE_WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
import(workerData.tsxApi)
  .then((api) => { api.register(); return import(workerData.setModule); })
  .then(({ SharedFingerprintSet }) => {
    const set = SharedFingerprintSet.attach(workerData.buffer);
    const { keys, rounds } = workerData;
    const won = new Uint8Array(keys * rounds);
    const gate = new Int32Array(workerData.gate);
    for (let round = 0; round < rounds; round++) {
      Atomics.add(gate, 0, 1);
      while (Atomics.load(gate, 0) < 2 * (round + 1)) {}
      for (let k = round * keys; k < (round + 1) * keys; k++) {
        const hi = Math.imul(k, 0x9e3779b1) ^ (k >>> 3);
        const lo = Math.imul(k ^ 0x5bd1e995, 0x85ebca77);
        if (set.add(hi, lo)) won[k] = 1;
      }
    }
    parentPort.postMessage(won);
  });
`;

/** Runs `code` (a module of the tests' own) in a worker thread through tsx; resolves with its one message. */
function tsWorker<T>(code: string, data: Record<string, unknown>): Promise<T> {
  const tsxApi = pathToFileURL(
    createRequire(import.meta.url)
      .resolve("tsx/esm/api")
      .replace(/\.cjs$/, ".mjs"),
  ).href;
  const setModule = new URL("../src/store/shared-fingerprint-set.ts", import.meta.url).href;
  const protocolModule = new URL("../src/search/parallel-protocol.ts", import.meta.url).href;
  return new Promise<T>((resolve, reject) => {
    const worker = new Worker(code, {
      eval: true,
      workerData: { tsxApi, setModule, protocolModule, ...data },
    });
    worker.once("message", (answer: T) => {
      resolve(answer);
      void worker.terminate();
    });
    worker.once("error", reject);
  });
}

function raceWorker(buffer: SharedArrayBuffer, gate: SharedArrayBuffer, keys: number, rounds: number) {
  return tsWorker<Uint8Array>(RACE_WORKER, { buffer, gate, keys, rounds });
}

describe("SharedFingerprintSet across threads", () => {
  it("gives each key to exactly one of two threads inserting at once", async () => {
    const keys = 50_000;
    const rounds = 8;
    const total = keys * rounds;
    const set = SharedFingerprintSet.create(524_288);
    const gate = new SharedArrayBuffer(4);
    const [first, second] = await Promise.all([
      raceWorker(set.buffer, gate, keys, rounds),
      raceWorker(set.buffer, gate, keys, rounds),
    ]);
    let both = 0;
    let neither = 0;
    for (let k = 0; k < total; k++) {
      if (first[k]! + second[k]! === 2) both++;
      if (first[k]! + second[k]! === 0) neither++;
    }
    expect({ both, neither }).toEqual({ both: 0, neither: 0 });
    expect(set.countSlow()).toBe(total);
    // Both threads won some keys: they did run at the same time.
    expect(first.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(second.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });
});

/** The occupied slots of a set, as "tag:lo" (layout aside: what a rehash must keep). */
function contents(set: SharedFingerprintSet): string[] {
  const words = new Int32Array(set.buffer);
  const out: string[] = [];
  for (let at = 0; at < words.length; at += 2) if (words[at] !== 0) out.push(`${words[at]}:${words[at + 1]}`);
  return out.sort();
}

/** The occupied slots of a set, in order. */
function occupied(set: SharedFingerprintSet): number[] {
  const words = new Int32Array(set.buffer);
  const out: number[] = [];
  for (let slot = 0; slot < set.capacity; slot++) if (words[slot * 2] !== 0) out.push(slot);
  return out;
}

/** Slot boundaries 0 = b0 < b1 < ... = capacity cutting a table into `slices` (at least one slot each). */
function cuts(capacity: number, slices: number, seed: number): number[] {
  const inner = new Set<number>();
  for (let i = 1; inner.size < Math.min(slices, capacity) - 1; i++) {
    inner.add(1 + ((Math.imul(seed + i, 0x9e3779b1) >>> 0) % (capacity - 1)));
  }
  return [0, ...[...inner].sort((a, b) => a - b), capacity];
}

describe("SharedFingerprintSet rehashed by slices", () => {
  it("holds exactly the serial rehash's fingerprints, whatever the slices and their order", () => {
    fc.assert(
      fc.property(
        // size "max": fast-check otherwise keeps arrays to 10 elements (no dense table).
        fc.array(fingerprintArb, { maxLength: 300, size: "max" }),
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 600 }),
        fc.integer({ min: 1, max: 12 }),
        fc.nat(),
        fc.boolean(),
        (added, extra, growth, slices, seed, reversed) => {
          // Dense source tables (their clusters wrap around), targets of any bigger size.
          const source = SharedFingerprintSet.create(added.length + extra);
          for (const f of added) source.add(f.hi, f.lo);
          const serial = SharedFingerprintSet.create(source.capacity + growth);
          source.rehashInto(serial);
          const sliced = SharedFingerprintSet.create(source.capacity + growth);
          const bounds = cuts(source.capacity, slices, seed);
          const order = bounds.slice(1).map((_, i) => i);
          if (reversed) order.reverse();
          // Every slice, then every seam (each in either order), as threads would.
          const left: number[] = [];
          for (const i of order) left[i] = source.rehashSlice(sliced, bounds[i]!, bounds[i + 1]!);
          for (const i of order) source.rehashSeam(sliced, bounds[i]!, bounds[i + 1]!, left[i]!);
          expect(contents(serial)).toEqual(contents(source));
          expect(contents(sliced)).toEqual(contents(serial));
          // Before the seams, each slice writes only its own range of the target (so threads
          // may use plain stores there): alone into an empty target, slices stay in slot order.
          let below = 0;
          for (let i = 0; i + 1 < bounds.length; i++) {
            const alone = SharedFingerprintSet.create(sliced.capacity);
            source.rehashSlice(alone, bounds[i]!, bounds[i + 1]!);
            const used = occupied(alone);
            if (used.length === 0) continue;
            expect(used[0]!).toBeGreaterThanOrEqual(below);
            below = used.at(-1)! + 1;
          }
          for (const f of added) expect(sliced.add(f.hi, f.lo)).toBe(false);
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });

  it("keeps a cluster that wraps around the end of the source and of the target", () => {
    // hi = 0xffffffff: home is the last slot, so the fingerprints fill it and wrap to slot 0 on.
    const source = SharedFingerprintSet.create(8);
    for (let lo = 1; lo <= 5; lo++) source.add(0xffffffff, lo);
    source.add(0, 9);
    const target = SharedFingerprintSet.create(12);
    // The wrapped head of the cluster (slots 0 to 3) is displaced into the first slice: its seam.
    const left = [source.rehashSlice(target, 0, 3), source.rehashSlice(target, 3, 8)];
    source.rehashSeam(target, 0, 3, left[0]!);
    source.rehashSeam(target, 3, 8, left[1]!);
    const words = new Int32Array(target.buffer);
    expect(words[11 * 2]).toBe(0xffffffff | 0);
    expect(words[0]).toBe(0xffffffff | 0);
    for (let lo = 1; lo <= 5; lo++) expect(target.has(0xffffffff, lo)).toBe(true);
    expect(target.has(0, 9)).toBe(true);
    expect(contents(target)).toEqual(contents(source));
  });
});

// Threads that grow a table as the parallel explorer does (rehashShare), started together.
const REHASH_WORKER = `
const { parentPort, workerData } = require("node:worker_threads");
import(workerData.tsxApi)
  .then((api) => { api.register(); return Promise.all([import(workerData.setModule), import(workerData.protocolModule)]); })
  .then(([{ SharedFingerprintSet }, { rehashShare }]) => {
    const gate = new Int32Array(workerData.gate);
    Atomics.add(gate, 0, 1);
    while (Atomics.load(gate, 0) < workerData.threads) {}
    const control = new Int32Array(workerData.control);
    const from = SharedFingerprintSet.attach(workerData.from);
    const into = SharedFingerprintSet.attach(workerData.into);
    parentPort.postMessage(rehashShare(from, into, new Int32Array(workerData.seams), control));
  });
`;

function rehashWorker(job: {
  from: SharedArrayBuffer;
  into: SharedArrayBuffer;
  seams: SharedArrayBuffer;
  control: SharedArrayBuffer;
  gate: SharedArrayBuffer;
  threads: number;
}): Promise<boolean> {
  return tsWorker<boolean>(REHASH_WORKER, job);
}

describe("SharedFingerprintSet grown by several threads at once", () => {
  it("holds exactly the old fingerprints, and one thread completes the growth", async () => {
    const capacity = 50 * REHASH_SLICE_SLOTS + 123;
    const from = SharedFingerprintSet.create(capacity);
    // Random fingerprints at the explorer's maximum load, so clusters cross slice edges.
    let prng = new Prng(15);
    const next = () => prng.nextUint32() | 0;
    for (let k = 0; k < Math.floor(capacity * MAX_LOAD); k++) {
      from.add(next(), next());
    }
    const serial = SharedFingerprintSet.create(grownCapacity(capacity));
    from.rehashInto(serial);
    const into = SharedFingerprintSet.create(grownCapacity(capacity));
    const control = new Int32Array(new SharedArrayBuffer(CONTROL_WORDS * 4));
    const seams = startGrowth(control, capacity);
    const threads = 3;
    const gate = new SharedArrayBuffer(4);
    const job = { from: from.buffer, into: into.buffer, seams, control: control.buffer, gate, threads };
    const last = await Promise.all(Array.from({ length: threads }, () => rehashWorker(job)));
    expect(last.filter(Boolean)).toHaveLength(1);
    expect(control[REHASH_LEFT]).toBe(0);
    expect(into.countSlow()).toBe(Math.floor(capacity * MAX_LOAD));
    expect(contents(into)).toEqual(contents(serial));
    // And each is where a probe looks for it: found, and not added again.
    prng = new Prng(15);
    for (let k = 0; k < Math.floor(capacity * MAX_LOAD); k++) {
      const hi = next();
      const lo = next();
      expect(into.has(hi, lo)).toBe(true);
      expect(into.add(hi, lo)).toBe(false);
    }
  });
});
