// The frontier's framing (store/frame.ts), shared by the single-threaded queue
// and the parallel workers' chunks: entries come back as written, and the
// length prefix takes as many bytes as LEB128 says.
import { describe, expect, it } from "vitest";
import { type FrameCursor, MAX_FRAME_HEADER, readFrame, writeFrame } from "../src/store/frame.js";

const SIZES = [0, 1, 16, 17, 127, 128, 16_383, 16_384, 70_000];

function entry(size: number, seed: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed) & 0xff;
  return bytes;
}

describe("frames", () => {
  it("read back what was written, back to back", () => {
    const entries = SIZES.map((size, i) => entry(size, i));
    const view = new Uint8Array(entries.reduce((sum, e) => sum + MAX_FRAME_HEADER + e.length, 0));
    let pos = 0;
    for (const e of entries) pos = writeFrame(view, pos, e);
    const cursor: FrameCursor = { pos: 0 };
    for (const e of entries) expect(readFrame(view, cursor)).toEqual(e);
    expect(cursor.pos).toBe(pos);
  });

  it("prefix lengths as LEB128: one byte below 128, two below 16384, three above", () => {
    const headers = SIZES.map(
      (size) => writeFrame(new Uint8Array(size + MAX_FRAME_HEADER), 0, entry(size, 0)) - size,
    );
    expect(headers).toEqual([1, 1, 1, 1, 1, 2, 2, 3, 3]);
  });
});
