// Parent links: for each state, the state it was found from and the emission
// ref of the step that found it, so a counterexample is rebuilt by replaying
// those steps. Shared by the single-threaded explorer (which writes them) and
// the parallel explorer (which reads the ones its workers shared).

// Emission refs name a step from a state: k >= 0 is the k-th emission of
// successors(), -(k + 1) the k-th emission of ampleSuccessors(). Parent links
// keep them in 16 bits: codes below AMPLE_LINK are full indexes, codes from
// AMPLE_LINK to LINK_OVERFLOW - 1 ample ones, and LINK_OVERFLOW means "in the
// overflow map" (which stores the ref itself).
const AMPLE_LINK = 0x8000;
/** The 16-bit link code that sends a reader to the overflow map. */
export const LINK_OVERFLOW = 0xffff;

/** The 16-bit parent-link code of an emission ref (LINK_OVERFLOW: keep the ref in the overflow map). */
export function linkCode(ref: number): number {
  if (ref >= 0) return ref < AMPLE_LINK ? ref : LINK_OVERFLOW;
  const k = -ref - 1;
  return k < LINK_OVERFLOW - AMPLE_LINK ? AMPLE_LINK + k : LINK_OVERFLOW;
}

/** The emission ref of a 16-bit link code other than LINK_OVERFLOW. */
export function refOfLinkCode(code: number): number {
  return code < AMPLE_LINK ? code : AMPLE_LINK - code - 1;
}

/** Parent links in chunks of 2^chunkBits states: 4 bytes of parent id and a 2-byte link code each. */
export class ParentLinkTable {
  readonly parents: Uint32Array[] = [];
  readonly indexes: Uint16Array[] = [];
  /** Refs whose link code is LINK_OVERFLOW, by state id. */
  readonly overflow = new Map<number, number>();
  private readonly mask: number;

  constructor(private readonly chunkBits: number) {
    this.mask = (1 << chunkBits) - 1;
  }

  parentOf(id: number): number {
    return this.parents[id >>> this.chunkBits]![id & this.mask]!;
  }

  /** The emission ref of the step that discovered state `id`. */
  refOf(id: number): number {
    const code = this.indexes[id >>> this.chunkBits]![id & this.mask]!;
    return code === LINK_OVERFLOW ? this.overflow.get(id)! : refOfLinkCode(code);
  }

  get bytes(): number {
    return this.parents.length * (1 << this.chunkBits) * 6 + this.overflow.size * 16;
  }
}
