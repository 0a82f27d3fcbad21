// The frontier's framing: encoded states back to back in a byte buffer, each
// prefixed by its length as a LEB128 varint (one byte for states under 128
// bytes). The single-threaded queue (state-queue.ts) and the parallel workers'
// shared chunks (search/parallel-worker.ts, read back by the same workers)
// both write and read entries through these two functions.

/** The most bytes a length prefix takes (a 32-bit length in 7-bit groups). */
export const MAX_FRAME_HEADER = 5;

/**
 * Writes `bytes` with its length prefix at `pos` of `view`, which must have
 * room for `MAX_FRAME_HEADER + bytes.length` bytes from there; returns the
 * position after the entry.
 */
export function writeFrame(view: Uint8Array, pos: number, bytes: Uint8Array): number {
  const size = bytes.length;
  pos = writeVarint(view, pos, size);
  // Short entries are copied by hand (set() has a fixed cost per call), as the
  // parallel worker's copy of this did: measured when the two copies became
  // this one, writing 10-byte entries (TwoPhase's states are about that size)
  // ran at ~32-35 M/s by hand against ~26 M/s with set(); from 16 bytes on
  // the two were within noise. A whole search does not notice either way.
  if (size <= 16) {
    for (let i = 0; i < size; i++) view[pos + i] = bytes[i]!;
  } else {
    view.set(bytes, pos);
  }
  return pos + size;
}

/** Where the next entry of a buffer starts: advanced by readFrame. */
export interface FrameCursor {
  pos: number;
}

/**
 * The entry at `cursor.pos` of `view`, as a view into it (valid while the
 * buffer is); moves the cursor past it.
 */
export function readFrame(view: Uint8Array, cursor: FrameCursor): Uint8Array {
  const size = readVarint(view, cursor);
  const pos = cursor.pos;
  cursor.pos = pos + size;
  return view.subarray(pos, pos + size);
}

/** Writes `value` (a uint32) as a LEB128 varint at `pos`; returns the position after it. */
export function writeVarint(view: Uint8Array, pos: number, value: number): number {
  let rest = value;
  while (rest >= 0x80) {
    view[pos++] = (rest & 0x7f) | 0x80;
    rest >>>= 7;
  }
  view[pos++] = rest;
  return pos;
}

/** The LEB128 varint at `cursor.pos`; moves the cursor past it. */
export function readVarint(view: Uint8Array, cursor: FrameCursor): number {
  let pos = cursor.pos;
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = view[pos++]!;
    value |= (byte & 0x7f) << shift;
    if (byte < 0x80) break;
    shift += 7;
  }
  cursor.pos = pos;
  return value >>> 0;
}
