// Symmetry reduction for a test's `symmetric (M, ...)` machine types.
//
// Instances of a symmetric type are interchangeable: renaming them (a
// permutation of their ids, applied to every machine reference in the state,
// to channel endpoints and to the partition's side) maps a behaviour of the
// model to another behaviour of the model, and the test's properties cannot
// tell the two apart. The explorer therefore needs to visit one state per
// class of renamings. As in TLC, the explorer still expands the concrete
// states it reaches (so traces replay step by step, unchanged), and only the
// visited set sees a representative: `representative(s)` renames the
// instances into an order fixed by what they are (their own variables and
// state, how the rest of the state refers to them, what is in flight to and
// from them) rather than by their ids. Any renaming of `s` is a sound
// stand-in; the better the order ignores the ids, the more states share one.
// Ties the order cannot break keep the instances' id order (sound, but two
// renamings of one state may then count twice). See docs/adr/0009-symmetry-reduction.md.
import type { IrProgram, IrTest, Type } from "@faultline/lang";
import type { FaultPlan } from "./fault-plan.js";
import { type FlChannel, type FlMachine, type FlMonitor, type FlState, newChannel } from "./fl-state.js";
import { compare, type Payload, type Value } from "./lang-codegen.js";
import type { OwnerTable } from "./program-tables.js";

export interface Symmetry {
  /** The machine types whose instances are interchangeable, by name. */
  readonly types: readonly string[];
  /** A renaming of `s`'s symmetric instances that stands for every renaming of it (`s` itself when none moves). */
  representative(s: FlState): FlState;
  /**
   * `s` with instance `id` renamed to `renaming[id]` (a permutation of ids
   * that moves only instances of one symmetric type among themselves). For
   * tests: every renaming of a state must give the same representative.
   */
  renamed(s: FlState, renaming: readonly number[]): FlState;
}

export function createSymmetry(
  ir: IrProgram,
  test: IrTest,
  machines: readonly OwnerTable[],
  monitors: readonly OwnerTable[],
  faults: FaultPlan,
): Symmetry | null {
  if (test.symmetric.length === 0) return null;
  return new MachineSymmetry(
    test.symmetric,
    machines,
    monitors,
    ir.events.map((e) => e.payload),
    faults.restarts.some((r) => r),
    ir.anyTypes,
  );
}

/**
 * Does a value of type `t` hold references that may point at symmetric
 * instances? An `any` may when `anyRefers` (some dynamic type of the program may).
 */
function mayReferTo(t: Type, names: ReadonlySet<string>, anyRefers: boolean): boolean {
  if (names.size === 0) return false;
  switch (t.kind) {
    case "machine":
      // Any machine type: `machine` converts to every named type unchecked, so a
      // variable typed by another machine's name may hold a symmetric instance too.
      return true;
    case "tuple":
      return t.elems.some((e) => mayReferTo(e, names, anyRefers));
    case "namedTuple":
      return t.fields.some((f) => mayReferTo(f.type, names, anyRefers));
    case "seq":
    case "set":
      return mayReferTo(t.elem, names, anyRefers);
    case "map":
      return mayReferTo(t.key, names, anyRefers) || mayReferTo(t.value, names, anyRefers);
    case "any":
      return anyRefers;
    default:
      return false;
  }
}

// 32-bit mixing for the ordering keys (not fingerprints: a collision only makes an order less canonical).
function mix(h: number, x: number): number {
  h = Math.imul(h ^ (x | 0), 0x9e3779b1);
  return (h ^ (h >>> 15)) | 0;
}
const MARK_SYMMETRIC = 0x5bd1e995;
const MARK_SET = 0x27d4eb2f;
const MARK_KEY = 0x165667b1;
const MARK_VALUE = 0x61c88647;
const MARK_IN = 0x7feb352d;
const MARK_OUT = 0x846ca68b;
const MARK_CUT = 0x2c1b3c6d;
const MARK_MONITOR = 0x297a2d39;
const MARK_PAYLOAD = 0x3243f6a9;
const MARK_NULL_ANY = 0x1b873593;

function isNumeric(t: Type): boolean {
  return t.kind === "machine" || t.kind === "int" || t.kind === "enum";
}
const byNumericKey = (a: readonly Value[], b: readonly Value[]): number =>
  (a[0] as number) - (b[0] as number);
const byKey = (a: readonly Value[], b: readonly Value[]): number => compare(a[0]!, b[0]!);

/** Sorts a set's elements in place in the runtime's canonical order (`compare`). */
function sortValues(a: Value[], elem: Type): Value[] {
  if (!isNumeric(elem)) return a.sort(compare);
  // Sets here are small: an insertion sort beats Array.prototype.sort and its comparator calls.
  for (let i = 1; i < a.length; i++) {
    const x = a[i] as number;
    let j = i - 1;
    while (j >= 0 && (a[j] as number) > x) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = x;
  }
  return a;
}

interface OwnerInfo {
  /** Positions and types of the variables that may refer to symmetric instances. */
  readonly refVars: readonly number[];
  readonly varTypes: readonly Type[];
  readonly payloadType: Type | null;
  /** The constructor payload may refer to symmetric instances (and is part of the state). */
  readonly refPayload: boolean;
}

class MachineSymmetry implements Symmetry {
  readonly types: readonly string[];
  private readonly symmetricType: readonly boolean[];
  private readonly machineInfo: readonly OwnerInfo[];
  private readonly monitorInfo: readonly OwnerInfo[];
  private readonly eventRefers: readonly boolean[];
  /** Some monitor variable may hold a machine reference (else monitors are shared as they are). */
  private readonly monitorsRefer: boolean;
  // Per call: the renaming (old id -> new id), whether an id is a symmetric instance, and the instances' keys.
  private perm = new Int32Array(0);
  private inDomain = new Uint8Array(0);
  private ownKey = new Int32Array(0);
  private contextKey = new Int32Array(0);

  constructor(
    names: readonly string[],
    machines: readonly OwnerTable[],
    monitors: readonly OwnerTable[],
    private readonly eventPayloads: readonly (Type | null)[],
    private readonly withPayloads: boolean,
    /** The program's dynamic types (IrProgram.anyTypes): what an `any` holds, by type id. */
    private readonly anyTypes: readonly Type[] = [],
  ) {
    this.types = names;
    const set = new Set(names);
    // An any holds a value of one of these types (itself holding anys only of these types).
    const anyRefers = anyTypes.some((t) => mayReferTo(t, set, false));
    const mayRefer = (t: Type) => mayReferTo(t, set, anyRefers);
    this.symmetricType = machines.map((m) => set.has(m.name));
    const info = (o: OwnerTable): OwnerInfo => ({
      refVars: o.varTypes.flatMap((t, i) => (mayRefer(t) ? [i] : [])),
      varTypes: o.varTypes,
      payloadType: o.payloadType,
      refPayload: withPayloads && o.payloadType !== null && mayRefer(o.payloadType),
    });
    this.machineInfo = machines.map(info);
    this.monitorInfo = monitors.map(info);
    this.monitorsRefer = this.monitorInfo.some((m) => m.refVars.length > 0);
    this.eventRefers = eventPayloads.map((t) => t !== null && mayRefer(t));
  }

  representative(s: FlState): FlState {
    const ms = s.machines;
    const n = ms.length;
    if (this.perm.length < n) {
      this.perm = new Int32Array(n * 2);
      this.inDomain = new Uint8Array(n * 2);
      this.ownKey = new Int32Array(n * 2);
      this.contextKey = new Int32Array(n * 2);
    }
    const perm = this.perm;
    const inDomain = this.inDomain;
    let instances = 0;
    for (let id = 0; id < n; id++) {
      perm[id] = id;
      const symmetric = this.symmetricType[ms[id]!.type] === true;
      inDomain[id] = symmetric ? 1 : 0;
      if (symmetric) instances++;
    }
    if (instances < 2) return s;
    this.computeKeys(s);
    let moved = false;
    for (let type = 0; type < s.byType.length; type++) {
      if (!this.symmetricType[type]) continue;
      const ids = s.byType[type]!;
      if (ids.length < 2) continue;
      const sorted = this.sortByKeys(ids);
      for (let i = 0; i < ids.length; i++) {
        perm[sorted[i]!] = ids[i]!;
        if (sorted[i] !== ids[i]) moved = true;
      }
    }
    return moved ? this.rename(s) : s;
  }

  renamed(s: FlState, renaming: readonly number[]): FlState {
    const n = s.machines.length;
    if (this.perm.length < n) this.representative(s); // sizes the scratch arrays
    for (let id = 0; id < n; id++) {
      this.perm[id] = renaming[id]!;
      this.inDomain[id] = this.symmetricType[s.machines[id]!.type] ? 1 : 0;
    }
    return this.rename(s);
  }

  private sorted = new Int32Array(0);

  /** `ids` (ascending) ordered by (ownKey, contextKey, id): an insertion sort, as a type has few instances. */
  private sortByKeys(ids: readonly number[]): Int32Array {
    if (this.sorted.length < ids.length) this.sorted = new Int32Array(ids.length * 2);
    const out = this.sorted;
    const own = this.ownKey;
    const context = this.contextKey;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      const o = own[id]!;
      const c = context[id]!;
      let j = i - 1;
      // Ids arrive ascending, so equal keys keep id order without comparing ids.
      while (j >= 0 && (own[out[j]!]! > o || (own[out[j]!]! === o && context[out[j]!]! > c))) {
        out[j + 1] = out[j]!;
        j--;
      }
      out[j + 1] = id;
    }
    return out;
  }

  // ---------------------------------------------------------------- keys

  /** ownKey: what an instance is; contextKey: how the rest of the state sees it. Both ignore instance ids. */
  private computeKeys(s: FlState): void {
    const ms = s.machines;
    const own = this.ownKey;
    const context = this.contextKey;
    for (let id = 0; id < ms.length; id++) {
      context[id] = 0;
      if (this.inDomain[id] === 0) continue;
      const m = ms[id]!;
      const info = this.machineInfo[m.type]!;
      let h = mix(mix(mix(m.type, m.state), m.status), m.timers);
      for (let i = 0; i < m.vars.length; i++) h = mix(h, this.blind(info.varTypes[i]!, m.vars[i]!));
      if (this.withPayloads && info.payloadType !== null)
        h = mix(h, this.blind(info.payloadType, m.payload as Value));
      own[id] = h;
    }
    // References from variables: where (owner, variable, path) an instance is named.
    for (let id = 0; id < ms.length; id++) {
      const m = ms[id]!;
      const info = this.machineInfo[m.type]!;
      const base = this.blindId(id);
      for (const i of info.refVars) this.visitRefs(info.varTypes[i]!, m.vars[i]!, mix(base, i));
      if (info.refPayload) this.visitRefs(info.payloadType!, m.payload as Value, mix(base, MARK_PAYLOAD));
    }
    for (let k = 0; k < s.monitors.length; k++) {
      const mon = s.monitors[k]!;
      const info = this.monitorInfo[k]!;
      const base = mix(MARK_MONITOR, k);
      for (const i of info.refVars) this.visitRefs(info.varTypes[i]!, mon.vars[i]!, mix(base, i));
    }
    // What is in flight to and from each instance, and with whom.
    for (const ch of s.channels) {
      const from = this.blindId(ch.from);
      const to = this.blindId(ch.to);
      let contents = ch.msgs.length;
      for (let j = 0; j < ch.msgs.length; j++) {
        const msg = ch.msgs[j]!;
        const t = this.eventPayloads[msg.event];
        contents = mix(mix(contents, msg.event), t ? this.blind(t, msg.payload as Value) : 0);
        if (this.eventRefers[msg.event]) this.visitRefs(t!, msg.payload as Value, mix(mix(from, to), j));
      }
      if (this.inDomain[ch.from] === 1)
        context[ch.from] = (context[ch.from]! + mix(mix(MARK_OUT, to), contents)) | 0;
      if (this.inDomain[ch.to] === 1)
        context[ch.to] = (context[ch.to]! + mix(mix(MARK_IN, from), contents)) | 0;
    }
    if (s.cut !== null) {
      for (const id of s.cut) if (this.inDomain[id] === 1) context[id] = (context[id]! + MARK_CUT) | 0;
    }
  }

  /** An id as the keys see it: a symmetric instance by what it is, any other machine by its id. */
  private blindId(id: number): number {
    return id >= 0 && this.inDomain[id] === 1 ? mix(MARK_SYMMETRIC, this.ownKey[id]!) : id + 1;
  }

  /** A hash of a value in which symmetric instances are all alike, and sets and maps do not depend on their id order. */
  private blind(t: Type, v: Value): number {
    switch (t.kind) {
      case "int":
      case "enum":
      case "event":
        return v as number;
      case "any": {
        const [id, inner] = v as readonly [number, Value];
        return id < 0 ? MARK_NULL_ANY : mix(id, this.blind(this.anyTypes[id]!, inner));
      }
      case "bool":
        return v ? 1 : 2;
      case "string": {
        const s = v as string;
        let h = s.length;
        for (let i = 0; i < s.length; i++) h = mix(h, s.charCodeAt(i));
        return h;
      }
      case "machine": {
        const id = v as number;
        return id >= 0 && id < this.inDomain.length && this.inDomain[id] === 1 ? MARK_SYMMETRIC : id + 1;
      }
      case "tuple":
      case "namedTuple": {
        const a = v as readonly Value[];
        let h = a.length;
        for (let i = 0; i < a.length; i++)
          h = mix(h, this.blind(t.kind === "tuple" ? t.elems[i]! : t.fields[i]!.type, a[i]!));
        return h;
      }
      case "seq": {
        const a = v as readonly Value[];
        let h = a.length;
        for (let i = 0; i < a.length; i++) h = mix(h, this.blind(t.elem, a[i]!));
        return h;
      }
      case "set": {
        const a = v as readonly Value[];
        let h = MARK_SET;
        for (let i = 0; i < a.length; i++) h = (h + mix(MARK_SET, this.blind(t.elem, a[i]!))) | 0;
        return h;
      }
      case "map": {
        const a = v as readonly (readonly Value[])[];
        let h = MARK_KEY;
        for (let i = 0; i < a.length; i++)
          h = (h + mix(this.blind(t.key, a[i]![0]!), this.blind(t.value, a[i]![1]!))) | 0;
        return h;
      }
      default:
        return 0;
    }
  }

  /** Adds `site` (a hash of where it is) to the context key of every symmetric instance `v` refers to. */
  private visitRefs(t: Type, v: Value, site: number): void {
    switch (t.kind) {
      case "any": {
        const [id, inner] = v as readonly [number, Value];
        if (id >= 0) this.visitRefs(this.anyTypes[id]!, inner, mix(site, id));
        return;
      }
      case "machine": {
        const id = v as number;
        if (id >= 0 && id < this.inDomain.length && this.inDomain[id] === 1)
          this.contextKey[id] = (this.contextKey[id]! + mix(site, MARK_SYMMETRIC)) | 0;
        return;
      }
      case "tuple":
      case "namedTuple": {
        const a = v as readonly Value[];
        for (let i = 0; i < a.length; i++)
          this.visitRefs(t.kind === "tuple" ? t.elems[i]! : t.fields[i]!.type, a[i]!, mix(site, i));
        return;
      }
      case "seq": {
        // A sequence's order is the program's own: the position is part of the site.
        const a = v as readonly Value[];
        for (let i = 0; i < a.length; i++) this.visitRefs(t.elem, a[i]!, mix(site, i));
        return;
      }
      case "set": {
        // A set's order is by id: an element is placed by what it is, not where it sorts.
        const a = v as readonly Value[];
        for (let i = 0; i < a.length; i++)
          this.visitRefs(t.elem, a[i]!, mix(mix(site, MARK_SET), this.blind(t.elem, a[i]!)));
        return;
      }
      case "map": {
        const a = v as readonly (readonly Value[])[];
        for (let i = 0; i < a.length; i++) {
          const k = a[i]![0]!;
          const val = a[i]![1]!;
          const kh = this.blind(t.key, k);
          const vh = this.blind(t.value, val);
          this.visitRefs(t.key, k, mix(mix(site, MARK_KEY), vh));
          this.visitRefs(t.value, val, mix(mix(site, MARK_VALUE), kh));
        }
        return;
      }
      default:
        return;
    }
  }

  // ---------------------------------------------------------------- renaming

  /** The state with every symmetric instance id renamed by `perm`. */
  private rename(s: FlState): FlState {
    const perm = this.perm;
    const ms = s.machines;
    const machines: FlMachine[] = new Array(ms.length);
    for (let id = 0; id < ms.length; id++) machines[perm[id]!] = this.renameMachine(ms[id]!);
    const monitors = this.monitorsRefer
      ? s.monitors.map((mon, k) => this.renameOwner(this.monitorInfo[k]!, mon))
      : s.monitors;
    const cs = s.channels;
    const channels: FlChannel[] = new Array(cs.length);
    // Insertion sort by (from, to) as the renamed channels arrive: a state has few.
    for (let i = 0; i < cs.length; i++) {
      const ch = this.renameChannel(cs[i]!);
      let j = i - 1;
      while (
        j >= 0 &&
        (channels[j]!.from > ch.from || (channels[j]!.from === ch.from && channels[j]!.to > ch.to))
      ) {
        channels[j + 1] = channels[j]!;
        j--;
      }
      channels[j + 1] = ch;
    }
    let cut = s.cut;
    if (cut !== null) cut = cut.map((id) => perm[id]!).sort((a, b) => a - b);
    return { machines, monitors, channels, byType: s.byType, budgets: s.budgets, cut };
  }

  private renameMachine(m: FlMachine): FlMachine {
    const info = this.machineInfo[m.type]!;
    if (info.refVars.length === 0 && !info.refPayload) return m; // its bytes (and cached encoding) do not change
    const vars = this.renameVars(info, m.vars);
    const payload: Payload = info.refPayload
      ? this.renameValue(info.payloadType!, m.payload as Value)
      : m.payload;
    if (vars === m.vars && payload === m.payload) return m;
    return { ...m, vars, payload, g: 0, eb: null, es: 0, ee: 0, fh: 0, fl: 0 };
  }

  private renameOwner(info: OwnerInfo, mon: FlMonitor): FlMonitor {
    const vars = this.renameVars(info, mon.vars);
    return vars === mon.vars ? mon : { state: mon.state, vars, g: 0 };
  }

  private renameVars(info: OwnerInfo, vars: Value[]): Value[] {
    let out = vars;
    for (const i of info.refVars) {
      const v = this.renameValue(info.varTypes[i]!, vars[i]!);
      if (v === vars[i]) continue;
      if (out === vars) out = vars.slice();
      out[i] = v;
    }
    return out;
  }

  private renameChannel(ch: FlChannel): FlChannel {
    const from = this.perm[ch.from]!;
    const to = this.perm[ch.to]!;
    let msgs = ch.msgs;
    for (let j = 0; j < msgs.length; j++) {
      const msg = msgs[j]!;
      if (!this.eventRefers[msg.event]) continue;
      const payload = this.renameValue(this.eventPayloads[msg.event]!, msg.payload as Value);
      if (payload === msg.payload) continue;
      if (msgs === ch.msgs) msgs = msgs.slice();
      msgs[j] = { event: msg.event, payload };
    }
    if (from === ch.from && to === ch.to && msgs === ch.msgs) return ch;
    return newChannel(from, to, msgs, 0);
  }

  /** `v` with machine references renamed; the same object when nothing changes. Sets and maps are sorted again. */
  private renameValue(t: Type, v: Value): Value {
    switch (t.kind) {
      case "any": {
        const [id, inner] = v as readonly [number, Value];
        if (id < 0) return v;
        const e = this.renameValue(this.anyTypes[id]!, inner);
        return e === inner ? v : [id, e];
      }
      case "machine": {
        const id = v as number;
        return id >= 0 && id < this.inDomain.length && this.inDomain[id] === 1 ? this.perm[id]! : id;
      }
      case "tuple":
      case "namedTuple": {
        const a = v as readonly Value[];
        let out: Value[] | null = null;
        for (let i = 0; i < a.length; i++) {
          const e = this.renameValue(t.kind === "tuple" ? t.elems[i]! : t.fields[i]!.type, a[i]!);
          if (e !== a[i] && out === null) out = a.slice();
          if (out !== null) out[i] = e;
        }
        return out ?? a;
      }
      case "seq":
      case "set": {
        const a = v as readonly Value[];
        let out: Value[] | null = null;
        for (let i = 0; i < a.length; i++) {
          const e = this.renameValue(t.elem, a[i]!);
          if (e !== a[i] && out === null) out = a.slice();
          if (out !== null) out[i] = e;
        }
        if (out === null) return a;
        // A renaming is one-to-one: the renamed set has no duplicates, it only needs sorting again.
        return t.kind === "set" ? sortValues(out, t.elem) : out;
      }
      case "map": {
        const a = v as readonly (readonly Value[])[];
        let out: Value[][] | null = null;
        for (let i = 0; i < a.length; i++) {
          const k = this.renameValue(t.key, a[i]![0]!);
          const val = this.renameValue(t.value, a[i]![1]!);
          if ((k !== a[i]![0] || val !== a[i]![1]) && out === null) out = a.map((e) => e.slice());
          if (out !== null) out[i] = [k, val];
        }
        if (out === null) return a;
        return isNumeric(t.key) ? out.sort(byNumericKey) : out.sort(byKey);
      }
      default:
        return v;
    }
  }
}
