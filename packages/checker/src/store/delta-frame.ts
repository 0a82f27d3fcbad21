// Frontier entries as deltas against the entry before (issue 15: the frontier
// takes less room). Consecutive states of a BFS frontier are mostly siblings
// or cousins, which differ in a few bytes of their encodings, so an entry is
// written as: how many leading bytes it shares with the previous entry, how
// many trailing ones, and the bytes in between. Layout:
//
//   header byte: high nibble = shared prefix length, low nibble = shared
//     suffix length, each 0..14, or 15 when a varint follows (prefix first);
//   varint: the number of bytes in between; then those bytes.
//
// A sibling that differs in one byte takes 3 bytes instead of its length + 1.
// Entries must be read back in the order they were written, by a reader that
// starts where the writer started (both begin with an empty previous entry).
import { type FrameCursor, readVarint, writeVarint } from "./frame.js";

/** The most bytes a delta header takes (header byte and three 32-bit varints). */
export const MAX_DELTA_HEADER = 16;
const LONG = 15;

/** Writes entries as deltas against the previous one it wrote. */
export class DeltaWriter {
  private previous = new Uint8Array(64);
  private previousLength = 0;

  /** Forgets the previous entry: the next one is written whole (where a reader starts afresh). */
  reset(): void {
    this.previousLength = 0;
  }

  /**
   * Writes `bytes` at `pos` of `view`, which must have room for
   * `MAX_DELTA_HEADER + bytes.length` bytes from there; returns the position after it.
   */
  write(view: Uint8Array, pos: number, bytes: Uint8Array): number {
    const size = bytes.length;
    const previous = this.previous;
    const shared = Math.min(size, this.previousLength);
    let prefix = 0;
    while (prefix < shared && bytes[prefix] === previous[prefix]) prefix++;
    let suffix = 0;
    const maxSuffix = shared - prefix;
    const previousEnd = this.previousLength - 1;
    while (suffix < maxSuffix && bytes[size - 1 - suffix] === previous[previousEnd - suffix]) suffix++;
    const middle = size - prefix - suffix;
    view[pos++] = (Math.min(prefix, LONG) << 4) | Math.min(suffix, LONG);
    if (prefix >= LONG) pos = writeVarint(view, pos, prefix);
    if (suffix >= LONG) pos = writeVarint(view, pos, suffix);
    pos = writeVarint(view, pos, middle);
    copy(view, pos, bytes, prefix, middle);
    pos += middle;
    if (size > previous.length) {
      this.previous = new Uint8Array(Math.max(size, previous.length * 2));
      this.previous.set(bytes);
    } else if (suffix === 0 || size === this.previousLength) {
      // Only the bytes in between differ from what `previous` holds.
      for (let i = prefix, end = prefix + middle; i < end; i++) previous[i] = bytes[i]!;
    } else {
      copy(previous, prefix, bytes, prefix, size - prefix);
    }
    this.previousLength = size;
    return pos;
  }
}

/** Reads entries a DeltaWriter wrote, in the same order. */
export class DeltaReader {
  /** The entry last read, rebuilt in place into the next one (same length: only its changed bytes). */
  private entry = new Uint8Array(64);
  private entryLength = 0;
  /** The view last returned, of `viewOf`, reused while the length stays (no allocation per entry). */
  private view = this.entry.subarray(0, 0);
  private viewOf = this.entry;

  reset(): void {
    this.entryLength = 0;
  }

  /**
   * The entry at `cursor.pos` of `view`, as a view of a buffer of this reader
   * that stays valid until the next read; moves the cursor past it.
   */
  read(view: Uint8Array, cursor: FrameCursor): Uint8Array {
    const header = view[cursor.pos++]!;
    let prefix = header >>> 4;
    let suffix = header & LONG;
    if (prefix === LONG) prefix = readVarint(view, cursor);
    if (suffix === LONG) suffix = readVarint(view, cursor);
    const middle = readVarint(view, cursor);
    const size = prefix + middle + suffix;
    let entry = this.entry;
    if (size > entry.length) {
      entry = new Uint8Array(Math.max(size, entry.length * 2));
      entry.set(this.entry.subarray(0, this.entryLength));
      this.entry = entry;
    }
    // The shared suffix moves when the length changes; the prefix stays where it is.
    if (suffix > 0 && size !== this.entryLength)
      entry.copyWithin(size - suffix, this.entryLength - suffix, this.entryLength);
    copy(entry, prefix, view, cursor.pos, middle);
    cursor.pos += middle;
    this.entryLength = size;
    if (this.view.length !== size || this.viewOf !== entry) {
      this.view = entry.subarray(0, size);
      this.viewOf = entry;
    }
    return this.view;
  }
}

/** Copies `count` bytes from `from[start..]` to `to[at..]`: by hand when few (set() has a fixed cost per call, see frame.ts). */
function copy(to: Uint8Array, at: number, from: Uint8Array, start: number, count: number): void {
  if (count <= 16) {
    for (let i = 0; i < count; i++) to[at + i] = from[start + i]!;
  } else {
    to.set(from.subarray(start, start + count), at);
  }
}
