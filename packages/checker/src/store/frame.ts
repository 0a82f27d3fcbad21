// LEB128 varints (7 bits a byte, low groups first; one byte below 128), the
// lengths in the frontier's entries (delta-frame.ts), which the
// single-threaded queue (state-queue.ts) and the parallel workers' shared
// chunks (search/parallel-worker.ts) both write and read.

/** Where the next item of a buffer starts: advanced by the readers. */
export interface FrameCursor {
  pos: number;
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
