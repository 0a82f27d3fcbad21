import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { StateQueue } from "../src/store/state-queue.js";

describe("StateQueue", () => {
  it("is a FIFO of byte strings across chunk boundaries and oversized entries", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.uint8Array({ maxLength: 300 }), fc.constant(null)), { maxLength: 300 }),
        (operations) => {
          const queue = new StateQueue(64);
          const reference: Uint8Array[] = [];
          for (const operation of operations) {
            if (operation === null) {
              const got = queue.shift();
              const want = reference.shift();
              if (want === undefined) {
                if (got !== undefined) return false;
              } else if (got === undefined || got.join(",") !== want.join(",")) return false;
            } else {
              queue.push(operation);
              reference.push(operation.slice());
            }
            if (queue.length !== reference.length) return false;
          }
          while (reference.length > 0) {
            if (queue.shift()!.join(",") !== reference.shift()!.join(",")) return false;
          }
          return queue.shift() === undefined && queue.length === 0 && queue.bytes === 0;
        },
      ),
      { seed: 42, numRuns: 200 },
    );
  });

  it("copies on push, so the caller may reuse its buffer", () => {
    const queue = new StateQueue(1024);
    const buffer = Uint8Array.from([1, 2, 3]);
    queue.push(buffer);
    buffer[0] = 9;
    queue.push(buffer);
    expect([...queue.shift()!]).toEqual([1, 2, 3]);
    expect([...queue.shift()!]).toEqual([9, 2, 3]);
  });

  it("counts bytes as written, tracks peaks and releases consumed chunks", () => {
    const queue = new StateQueue(100);
    for (let i = 0; i < 50; i++) queue.push(new Uint8Array(9).fill(i));
    // No byte in common with the entry before: 11 bytes each (header byte, length of
    // the changed bytes, the 9 bytes), 7 entries per 100-byte chunk (room is checked
    // with a 16-byte header).
    expect(queue.bytes).toBe(550);
    expect(queue.peakLength).toBe(50);
    expect(queue.allocatedBytes).toBe(800);
    for (let i = 0; i < 45; i++) expect(queue.shift()![0]).toBe(i);
    expect(queue.length).toBe(5);
    expect(queue.bytes).toBe(55);
    expect(queue.peakBytes).toBe(550);
    // Only the reader's chunk, the writer's chunk and one spare remain.
    expect(queue.allocatedBytes).toBeLessThanOrEqual(300);
  });

  it("writes an entry that differs from the one before in one byte in 3 bytes", () => {
    const queue = new StateQueue(1024);
    const state = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    queue.push(state);
    expect(queue.bytes).toBe(12);
    state[4] = 99;
    queue.push(state);
    expect(queue.bytes).toBe(15);
    queue.push(state.subarray(0, 9));
    expect(queue.bytes).toBe(17);
    expect([...queue.shift()!]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect([...queue.shift()!]).toEqual([1, 2, 3, 4, 99, 6, 7, 8, 9, 10]);
    expect([...queue.shift()!]).toEqual([1, 2, 3, 4, 99, 6, 7, 8, 9]);
  });

  it("keeps entries of 128 bytes and more, whose lengths take multi-byte varints", () => {
    const queue = new StateQueue(1 << 16);
    const big = new Uint8Array(20_000).map((_, i) => i & 0xff);
    queue.push(new Uint8Array(127));
    queue.push(big);
    queue.push(new Uint8Array(128));
    // 127 new bytes; 19,999 after the shared first 0 (3-byte varint); 127 after it again.
    expect(queue.bytes).toBe(129 + 20_003 + 129);
    expect(queue.shift()!.length).toBe(127);
    expect(queue.shift()).toEqual(big);
    expect(queue.shift()).toEqual(new Uint8Array(128));
  });
});
