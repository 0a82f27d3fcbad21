// A bottom-k sketch of the distinct states a search saw: the k smallest of
// their 64-bit fingerprints (as 53-bit numbers). Two sketches merge by keeping
// the k smallest of both, and the k-th smallest value v estimates how many
// distinct values were hashed: (k - 1) / (v / 2^53) (Cohen and Kaplan's
// bottom-k estimator; exact below k values). A swarm merge uses it to say how
// much the shards' work overlapped without shipping every fingerprint.

/** Values kept (the estimate's relative error is about 1 / sqrt(k - 2): 6% at 256). */
export const SKETCH_SIZE = 256;

const SPAN = 2 ** 53;

/** The 53 high bits of a 64-bit fingerprint (hi, lo lanes) as an exact number. */
export function sketchValue(hi: number, lo: number): number {
  return (hi >>> 0) * 2 ** 21 + ((lo >>> 0) >>> 11);
}

export class StateSketch {
  /** Kept values, ascending. */
  private readonly kept: number[] = [];

  constructor(readonly size: number = SKETCH_SIZE) {}

  /** Adds one fingerprint. */
  add(hi: number, lo: number): void {
    this.addValue(sketchValue(hi, lo));
  }

  addValue(value: number): void {
    const kept = this.kept;
    if (kept.length >= this.size && value >= kept[kept.length - 1]!) return;
    // Binary search for the insertion point; equal values (the same state) are kept once.
    let low = 0;
    let high = kept.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (kept[mid]! < value) low = mid + 1;
      else high = mid;
    }
    if (kept[low] === value) return;
    kept.splice(low, 0, value);
    if (kept.length > this.size) kept.pop();
  }

  /** The kept values, ascending. */
  values(): number[] {
    return [...this.kept];
  }

  /** Estimated distinct states hashed (exact while fewer than `size` were). */
  estimate(): number {
    return estimateDistinct(this.kept, this.size);
  }

  /** The union of sketches of the same size. */
  static union(sketches: readonly { values: readonly number[]; size: number }[]): StateSketch {
    const size = sketches.length === 0 ? SKETCH_SIZE : Math.min(...sketches.map((s) => s.size));
    const union = new StateSketch(size);
    for (const s of sketches) for (const v of s.values) union.addValue(v);
    return union;
  }
}

/** The bottom-k estimate of the distinct values behind `values` (ascending, at most `size` of them). */
export function estimateDistinct(values: readonly number[], size: number): number {
  if (values.length < size) return values.length;
  const kth = values[size - 1]!;
  return kth <= 0 ? values.length : Math.round((size - 1) / (kth / SPAN));
}
