// Parent links: for each state, the state it was found from and the emission
// ref of the step that found it, so a counterexample is rebuilt by replaying
// those steps. One table type for the single-threaded explorer, the parallel
// workers (which write theirs into shared chunks) and the parallel
// coordinator (which reads those).
//
// A link is one 32-bit word (issue 15: 4 bytes per state instead of 6): the
// distance from the state's ref back to its parent's in the high 24 bits
// (signed; in a BFS the parent was found shortly before, within about two
// levels), the emission ref's code in the low 8. Links that do not fit (a
// farther parent, a ref without a code) have the code LINK_OVERFLOW and are
// kept whole in side arrays, sorted by id since ids are pushed in order.
import { NO_STATE } from "../search/core.js";

// Emission refs name a step from a state: k >= 0 is the k-th emission of
// successors(), -(k + 1) the k-th emission of ampleSuccessors(). Codes below
// AMPLE_LINK are full indexes, codes from AMPLE_LINK to LINK_OVERFLOW - 1 ample ones.
const AMPLE_LINK = 0x80;
/** The 8-bit link code that sends a reader to the overflow arrays. */
export const LINK_OVERFLOW = 0xff;
const CODE_BITS = 8;
/** The distance field (24 bits, two's complement) that stands for "no parent" (an initial state). */
const NO_PARENT = 0x7fffff;
const MIN_DELTA = -0x800000;
const TWO_POW_24 = 0x1000000;

/** The 8-bit parent-link code of an emission ref (LINK_OVERFLOW: keep the ref in the overflow arrays). */
export function linkCode(ref: number): number {
  if (ref >= 0) return ref < AMPLE_LINK ? ref : LINK_OVERFLOW;
  const k = -ref - 1;
  return k < LINK_OVERFLOW - AMPLE_LINK ? AMPLE_LINK + k : LINK_OVERFLOW;
}

/** The emission ref of an 8-bit link code other than LINK_OVERFLOW. */
export function refOfLinkCode(code: number): number {
  return code < AMPLE_LINK ? code : AMPLE_LINK - code - 1;
}

/**
 * The link word of the state with ref `self` found from `parent` (NO_STATE for
 * an initial state) by emission `ref`; LINK_OVERFLOW when it does not fit one word.
 */
export function packLink(self: number, parent: number, ref: number): number {
  const code = linkCode(ref);
  if (code === LINK_OVERFLOW) return LINK_OVERFLOW;
  let field = NO_PARENT;
  if (parent !== NO_STATE) {
    const delta = self - parent;
    if (delta < MIN_DELTA || delta >= NO_PARENT) return LINK_OVERFLOW;
    field = delta & (TWO_POW_24 - 1);
  }
  return ((field << CODE_BITS) | code) >>> 0;
}

/** The parent of the state with ref `self` from its link word (not LINK_OVERFLOW). */
export function parentOfLink(self: number, word: number): number {
  const field = word >>> CODE_BITS;
  if (field === NO_PARENT) return NO_STATE;
  return self - (field >= NO_PARENT ? field - TWO_POW_24 : field);
}

/** A link that does not fit one word: [id, parent, emission ref]. */
export type OverflowLink = [number, number, number];

/**
 * Parent links of states 0, 1, 2, ... in chunks of 2^chunkBits words. State
 * `id` has the ref `id * stride + offset`: a parallel worker's local index
 * becomes its global ref so (stride: the worker count, offset: its number).
 */
export class ParentLinkTable {
  private readonly chunks: Uint32Array[] = [];
  private readonly mask: number;
  private count = 0;
  private overflowIds = new Uint32Array(16);
  private overflowParents = new Uint32Array(16);
  private overflowRefs = new Int32Array(16);
  private overflowCount = 0;
  /** Overflow links pushed since the last takeOverflow(). */
  private overflowTaken = 0;

  constructor(
    private readonly chunkBits: number,
    private readonly stride = 1,
    private readonly offset = 0,
    /** Makes a chunk of words (a parallel worker's are in shared memory). */
    private readonly newChunk: (words: number) => Uint32Array = (words) => new Uint32Array(words),
  ) {
    this.mask = (1 << chunkBits) - 1;
  }

  /** Appends the link of the next id. */
  push(parent: number, ref: number): void {
    const id = this.count++;
    const at = id & this.mask;
    if (at === 0) this.chunks.push(this.newChunk(this.mask + 1));
    const word = packLink(id * this.stride + this.offset, parent, ref);
    this.chunks[id >>> this.chunkBits]![at] = word;
    if (word === LINK_OVERFLOW) this.addOverflow(id, parent, ref);
  }

  /** Leaves ids up to `first` (a multiple of the chunk size) without links. */
  skipTo(first: number): void {
    while (this.chunks.length * (this.mask + 1) < first) this.chunks.push(new Uint32Array(0));
    this.count = first;
  }

  /** Takes over chunks another table filled (a worker's), and the overflow links it found since. */
  adopt(chunks: Uint32Array[], overflow: OverflowLink[]): void {
    for (const chunk of chunks) this.chunks.push(chunk);
    this.count = this.chunks.length * (this.mask + 1);
    for (const [id, parent, ref] of overflow) this.addOverflow(id, parent, ref);
  }

  /** The chunks from index `from` on. */
  chunksFrom(from: number): Uint32Array[] {
    return this.chunks.slice(from);
  }

  get chunkCount(): number {
    return this.chunks.length;
  }

  /** The overflow links pushed since the last call. */
  takeOverflow(): OverflowLink[] {
    const out: OverflowLink[] = [];
    for (let i = this.overflowTaken; i < this.overflowCount; i++) {
      out.push([this.overflowIds[i]!, this.overflowParents[i]!, this.overflowRefs[i]!]);
    }
    this.overflowTaken = this.overflowCount;
    return out;
  }

  parentOf(id: number): number {
    const word = this.wordOf(id);
    if (word === LINK_OVERFLOW) return this.overflowParents[this.overflowAt(id)]!;
    return parentOfLink(id * this.stride + this.offset, word);
  }

  /** The emission ref of the step that discovered state `id`. */
  refOf(id: number): number {
    const word = this.wordOf(id);
    if (word === LINK_OVERFLOW) return this.overflowRefs[this.overflowAt(id)]!;
    return refOfLinkCode(word & LINK_OVERFLOW);
  }

  get bytes(): number {
    let total = this.overflowIds.byteLength * 3;
    for (const chunk of this.chunks) total += chunk.byteLength;
    return total;
  }

  private wordOf(id: number): number {
    return this.chunks[id >>> this.chunkBits]![id & this.mask]!;
  }

  private addOverflow(id: number, parent: number, ref: number): void {
    const n = this.overflowCount;
    if (n === this.overflowIds.length) {
      this.overflowIds = grow(this.overflowIds, new Uint32Array(n * 2));
      this.overflowParents = grow(this.overflowParents, new Uint32Array(n * 2));
      this.overflowRefs = grow(this.overflowRefs, new Int32Array(n * 2));
    }
    this.overflowIds[n] = id;
    this.overflowParents[n] = parent;
    this.overflowRefs[n] = ref;
    this.overflowCount = n + 1;
  }

  /** Index of `id` in the overflow arrays (binary search: ids are added in increasing order). */
  private overflowAt(id: number): number {
    const ids = this.overflowIds;
    let low = 0;
    let high = this.overflowCount - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (ids[mid]! < id) low = mid + 1;
      else high = mid;
    }
    return low;
  }
}

function grow<T extends Uint32Array | Int32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
