// The frontier's varints (store/frame.ts), in the deltas of the
// single-threaded queue and of the parallel workers' chunks: values come back
// as written, in as many bytes as LEB128 says.
import { describe, expect, it } from "vitest";
import { type FrameCursor, readVarint, writeVarint } from "../src/store/frame.js";

const VALUES = [0, 1, 127, 128, 16_383, 16_384, 70_000, 2 ** 31, 2 ** 32 - 1];

describe("varints", () => {
  it("read back what was written, back to back", () => {
    const view = new Uint8Array(VALUES.length * 5);
    let pos = 0;
    for (const v of VALUES) pos = writeVarint(view, pos, v);
    const cursor: FrameCursor = { pos: 0 };
    for (const v of VALUES) expect(readVarint(view, cursor)).toBe(v);
    expect(cursor.pos).toBe(pos);
  });

  it("take one byte below 128, two below 16384, up to five for 32 bits", () => {
    expect(VALUES.map((v) => writeVarint(new Uint8Array(5), 0, v))).toEqual([1, 1, 1, 2, 2, 3, 3, 5, 5]);
  });
});
