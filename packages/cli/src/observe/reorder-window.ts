// Timestamp order within a window (docs/observe.md, "Ordering"): an event is
// held until an event at least `windowMs` later has arrived, so events that
// arrive behind the newest timestamp seen by at most the window are re-sorted;
// one further behind is late and refused. Ties keep their arrival order.
// Memory: the events of one window.

export interface Timed {
  ts: number;
  /** Arrival order (the line number): breaks ties. */
  seq: number;
}

export class ReorderWindow<T extends Timed> {
  private readonly heap: T[] = [];
  /** The newest timestamp seen: an event more than the window older is late. */
  newest = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly windowMs: number,
    private readonly release: (item: T) => void,
  ) {}

  /** Adds `item`; false (and nothing added) when it is late: more than the window older than the newest. */
  push(item: T): boolean {
    if (item.ts < this.newest - this.windowMs) return false;
    if (item.ts > this.newest) this.newest = item.ts;
    // The common case, in order with nothing held and no window: straight through.
    if (this.windowMs === 0 && this.heap.length === 0) {
      this.release(item);
      return true;
    }
    this.add(item);
    const horizon = this.newest - this.windowMs;
    while (this.heap.length > 0 && this.heap[0]!.ts <= horizon) this.releaseFirst();
    return true;
  }

  /** Releases every event held (the end of the input). */
  flush(): void {
    while (this.heap.length > 0) this.releaseFirst();
  }

  get held(): number {
    return this.heap.length;
  }

  private releaseFirst(): void {
    this.release(this.take());
  }

  private before(a: T, b: T): boolean {
    return a.ts < b.ts || (a.ts === b.ts && a.seq < b.seq);
  }

  private add(item: T): void {
    const h = this.heap;
    let i = h.length;
    h.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(item, h[parent]!)) break;
      h[i] = h[parent]!;
      i = parent;
    }
    h[i] = item;
  }

  private take(): T {
    const h = this.heap;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= h.length) break;
        const r = l + 1;
        const c = r < h.length && this.before(h[r]!, h[l]!) ? r : l;
        if (!this.before(h[c]!, last)) break;
        h[i] = h[c]!;
        i = c;
      }
      h[i] = last;
    }
    return top;
  }
}
