// What compiled invariants read a state in a fixed-width layout through
// (generate-byte-code.ts InvariantBytes, on fixed-layout.ts's layout): the
// same generated code, with each machine and variable at the offset the plan
// fixed, so that a new state is neither parsed nor converted to the
// canonical encoding to be checked. A collection's slot is found by its
// offset (every slot has its own), which is what the code passes.
import { HAND_OVER } from "./byte-run.js";
import { type FixedPlan, Slot, slotCount, slotElements, slotHolds } from "./fixed-layout.js";
import { InvariantBytes } from "./generate-byte-code.js";
import { fromRaw, type ScalarKind, uintAt, type VarLayout } from "./state-bytes.js";

export class FixedInvariantBytes extends InvariantBytes {
  /** By offset: the kind (Slot) of the collection slot that starts there, and its width (fixed-layout.ts FixedSlot). */
  private readonly kindAt: Int8Array;
  private readonly widthAt: Int8Array;

  constructor(private readonly plan: FixedPlan) {
    const layouts = plan.owners.map((o) => o.slots.map((s) => s.layout));
    const machineTypes = plan.owners.length - plan.monitorAt.length;
    super({ layouts, timed: plan.timed, kept: layouts.map(() => []), machineTypes, payloads: plan.payloads });
    this.kindAt = new Int8Array(plan.length);
    this.widthAt = new Int8Array(plan.length);
    const mark = (owner: number, vo: Int32Array) =>
      plan.owners[owner]!.slots.forEach((s, k) => {
        this.kindAt[vo[k]!] = s.kind;
        this.widthAt[vo[k]!] = s.width;
      });
    for (let id = 0; id < plan.n; id++) mark(plan.types[id]!, plan.vo[id]!);
    for (let i = 0; i < plan.monitorAt.length; i++) mark(machineTypes + i, plan.mvo[i]!);
    this.mo = plan.machineAt;
    this.n = plan.n;
  }

  /** Nothing to parse: every offset is the plan's. */
  override parse(_b: Uint8Array): void {
    this.work = 0;
    this.messagesCounted = false;
    this.nMessages = -1;
  }

  protected override readMessages(b: Uint8Array): void {
    const plan = this.plan;
    let n = 0;
    for (const ch of plan.channels) {
      const k = b[ch.at]!;
      this.roomForMessages(n, n + k);
      for (let i = 0; i < k; i++) {
        this.events[n] = b[ch.at + 1 + i * plan.slotWidth]!;
        this.tos[n++] = ch.to;
      }
    }
    this.nMessages = n;
  }

  override varAt(b: Uint8Array, id: number, type: number, k: number): number {
    if (!(id >= 0 && id < this.n) || b[this.mo[id]!] !== type) throw HAND_OVER;
    return this.plan.vo[id]![k]!;
  }

  override size(b: Uint8Array, p: number): number {
    return slotCount(b, p, this.kindAt[p]!, this.widthAt[p]!);
  }

  override has(b: Uint8Array, p: number, v: number, kind: ScalarKind): boolean {
    this.count(this.size(b, p));
    return slotHolds(b, p, this.kindAt[p]!, this.widthAt[p]!, v, kind);
  }

  override seqGet(b: Uint8Array, p: number, i: number, kind: ScalarKind): number {
    const values =
      this.kindAt[p] === Slot.SetMask ? slotElements(b, p, Slot.SetMask, this.widthAt[p]!, kind) : null;
    const n = values === null ? b[p]! : values.length;
    if (!(i >= 0 && i < n)) throw HAND_OVER;
    this.count(1);
    return values === null ? fromRaw(kind, uintAt(b, p + 1 + i * this.widthAt[p]!)) : values[i]!;
  }

  override elements(b: Uint8Array, p: number, layout: VarLayout): number[] {
    const out = slotElements(b, p, this.kindAt[p]!, this.widthAt[p]!, layout.kind);
    this.count(out.length);
    return out;
  }

  // A plan holds no maps and no collections of tuples (fixed-layout.ts planLayout).
  override mapPart(): number[] {
    throw HAND_OVER;
  }
  override hasTuple(): boolean {
    throw HAND_OVER;
  }
  override tupleElements(): number[] {
    throw HAND_OVER;
  }
  override mapGet(): number {
    throw HAND_OVER;
  }
  override mapHas(): boolean {
    throw HAND_OVER;
  }
}
