// The value representation shared by generated handler code and the checker,
// and the helpers generated code calls (imported as `rt`).
//
// Representation (chosen for cheap copies and a canonical encoding):
// - int: a JS number holding a 32-bit two's-complement integer; arithmetic wraps
//   like P's (C#'s unchecked) int. Division or modulo by zero is a runtime error.
// - bool, string: JS booleans and strings. Enum members: their ordinal.
// - machine reference: the instance's global creation id; -1 is `default(machine)`.
// - event (an event as a value): the event's index; -1 is the null event, `default(event)`.
// - any: [type id, value], the id indexing the program's table of dynamic types
//   (IrProgram.anyTypes); [-1, 0] is the null `any`, `default(any)`. `compare`
//   orders them by type id, then value, and `eq` compares both.
// - tuple and named tuple: an array of the elements in declaration order.
// - seq[T]: an array. set[T]: a sorted array of distinct values. map[K, V]: an
//   array of [key, value] pairs sorted by key. Sorting uses `compare`, a total
//   order on values of one type, so equal sets and maps are equal arrays.
//
// Values are immutable: every update builds a new array (`rt.setAdd` etc.), so
// assignment is a plain reference copy and still has value semantics, and
// states can share unchanged values freely.
//
// The helpers are generic over the element, key and value types so that the
// module `faultline compile` prints type-checks under `tsc --strict` with the
// program's own types (a `seq[int]` read gives a `number`); the checker calls
// them with plain `Value`s (a map as `MapEntries<Value, Value>`). Types only:
// the JavaScript is the same.

export type Value = number | boolean | string | readonly Value[];
/** A message payload or entry argument: null when the event carries none. */
export type Payload = Value | null;

/** A map as generated code types it: [key, value] entries sorted by key. */
export type MapEntries<K extends Value, V extends Value> = readonly (readonly [K, V])[];

/**
 * A runtime error in user code (index out of range, missing key, division by
 * zero, choose over nothing). `site` indexes the generated module's span table.
 */
export class RuntimeFault {
  constructor(
    readonly site: number,
    readonly message: string,
  ) {}
}

// ---------------------------------------------------------------- the work meter

/**
 * The work meter of the running step (docs/language.md, "Limits"). Generated
 * code spends one operation per loop iteration and per function or action run
 * (`ctx.tick`), the helpers below spend the size of the collection they copy or
 * scan, and instrumented foreign code one per loop iteration and call. When
 * `left` drops below zero the runtime's `refill` runs: it throws (the step's
 * budget is spent, or the check's time ran out) or grants the next slice. Outside
 * a checker (`faultline compile`'s module used on its own) `left` is infinite.
 */
export const meter: { left: number; refill: () => void } = {
  left: Number.POSITIVE_INFINITY,
  refill: () => {},
};

/** No step is running: nothing is counted until a runtime arms the meter again (code run at load time). */
export function idleMeter(): void {
  meter.left = Number.POSITIVE_INFINITY;
  meter.refill = () => {};
}

/** Spend `n` operations of the running step's budget. */
export function spend(n: number): void {
  if ((meter.left -= n) < 0) meter.refill();
}

/** The canonical total order on values of one type. */
export function compare(a: Value, b: Value): number {
  if (typeof a === "number") return a - (b as number);
  if (typeof a === "string") return a < (b as string) ? -1 : a > (b as string) ? 1 : 0;
  if (typeof a === "boolean") return (a ? 1 : 0) - (b ? 1 : 0);
  const bb = b as readonly Value[];
  const n = Math.min(a.length, bb.length);
  for (let i = 0; i < n; i++) {
    const c = compare(a[i]!, bb[i]!);
    if (c !== 0) return c;
  }
  return a.length - bb.length;
}

export function eq(a: Value, b: Value): boolean {
  return a === b || (typeof a === "object" && compare(a, b) === 0);
}

// ---------------------------------------------------------------- ints

export function div(a: number, b: number, site: number): number {
  if (b === 0) throw new RuntimeFault(site, "division by zero");
  return (a / b) | 0;
}

export function mod(a: number, b: number, site: number): number {
  if (b === 0) throw new RuntimeFault(site, "modulo by zero");
  return (a % b) | 0;
}

// ---------------------------------------------------------------- any and event values

/** An `any`: the id of its dynamic type in the program's type table, and the value. */
export type AnyValue = readonly [number, Value];

/** The null `any` (`default(any)`): no type, no value. */
export const NULL_ANY: AnyValue = [-1, 0];

/** A value of the type with id `typeId` as an `any`. */
export function toAny(typeId: number, v: Value): AnyValue {
  return [typeId, v];
}

/** `typeNames[id]`, `null` for the null `any`: the dynamic type of an `any`, for error messages. */
function anyTypeName(id: number, typeNames: readonly string[]): string {
  return id < 0 ? "null" : (typeNames[id] ?? `type ${id}`);
}

/** A collection with each element (map: entry) converted by `f` (IR `convert`: the order stays). */
export function convertEach<T extends Value, U extends Value>(a: readonly T[], f: (x: T) => U): U[] {
  spend(a.length);
  return a.map(f);
}

/** `v as T`, `v` an `any`: its value when it holds a `T` (type id `typeId`), else a runtime error at the `as`. */
export function cast(v: Value, typeId: number, typeNames: readonly string[], site: number): Value {
  const a = v as AnyValue;
  if (a[0] === typeId) return a[1];
  const held = a[0] < 0 ? "null" : `${anyTypeName(a[0], typeNames)} ${formatValue(a[1])}`;
  throw new RuntimeFault(site, `cannot cast ${held} to ${anyTypeName(typeId, typeNames)}`);
}

/**
 * The payload `send`, `raise` or `announce` hands on for an event value: checks
 * `payload` (an `any`, or null when none is given) against the payload type the
 * event declares (`events[e]`: its name and the type id of its payload, -1 for
 * none, -2 for `any`) and unwraps it. A mismatch or the null event is a runtime
 * error at the statement.
 */
export function eventPayload(
  event: number,
  payload: Value | null,
  events: readonly (readonly [string, number])[],
  typeNames: readonly string[],
  site: number,
): Payload {
  if (event < 0)
    throw new RuntimeFault(site, "the null event (default(event)) cannot be sent, raised or announced");
  const [name, want] = events[event]!;
  const got = payload === null ? null : (payload as AnyValue);
  if (want === -1) {
    if (got === null) return null;
    throw new RuntimeFault(site, `event ${name} takes no payload, got ${anyTypeName(got[0], typeNames)}`);
  }
  const wanted = want === -2 ? "any" : anyTypeName(want, typeNames);
  if (got === null) throw new RuntimeFault(site, `event ${name} expects ${wanted}, got no payload`);
  if (want === -2) return got;
  if (got[0] !== want) {
    throw new RuntimeFault(site, `event ${name} expects ${wanted}, got ${anyTypeName(got[0], typeNames)}`);
  }
  return got[1];
}

// ---------------------------------------------------------------- tuples

/** A copy of tuple `t` with element `i` replaced. */
export function withElem<T extends readonly Value[], I extends number>(t: T, i: I, v: T[I]): T {
  if (t[i] === v) return t; // see seqSet
  const c = t.slice();
  c[i] = v;
  return c as readonly Value[] as T;
}

// ---------------------------------------------------------------- sets

/**
 * A copy of `s` with `x` inserted at `at`, or with the element at `at` left
 * out, written element by element into an array of the final length: a
 * quarter of the time of `slice` + `splice` on small sets (splice is generic
 * and allocates the array of what it removed), and set inserts are a good
 * part of what TLA+'s TwoPhase's handler does.
 */
function insertedAt<T>(s: readonly T[], at: number, x: T): T[] {
  const n = s.length;
  const c = new Array<T>(n + 1);
  for (let j = 0; j < at; j++) c[j] = s[j]!;
  c[at] = x;
  for (let j = at; j < n; j++) c[j + 1] = s[j]!;
  return c;
}

function removedAt<T>(s: readonly T[], at: number): T[] {
  const n = s.length - 1;
  const c = new Array<T>(n);
  for (let j = 0; j < at; j++) c[j] = s[j]!;
  for (let j = at; j < n; j++) c[j] = s[j + 1]!;
  return c;
}

/** Index of `x` in sorted `s`, or -(insertion point) - 1. */
function search(s: readonly Value[], x: Value): number {
  let lo = 0;
  let hi = s.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = compare(s[mid]!, x);
    if (c < 0) lo = mid + 1;
    else if (c > 0) hi = mid - 1;
    else return mid;
  }
  return -lo - 1;
}

/** Index of key `k` in sorted map entries `m`, or -(insertion point) - 1. */
function searchKey(m: MapEntries<Value, Value>, k: Value): number {
  let lo = 0;
  let hi = m.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const c = compare(m[mid]![0], k);
    if (c < 0) lo = mid + 1;
    else if (c > 0) hi = mid - 1;
    else return mid;
  }
  return -lo - 1;
}

/** A set from elements in any order (sorted, duplicates removed). */
export function setOf<T extends Value>(elems: readonly T[]): T[] {
  spend(elems.length);
  const s = elems.slice().sort(compare);
  let w = 0;
  for (let r = 0; r < s.length; r++) {
    if (w === 0 || compare(s[w - 1]!, s[r]!) !== 0) s[w++] = s[r]!;
  }
  s.length = w;
  return s;
}

export function setHas(s: readonly Value[], x: Value): boolean {
  return search(s, x) >= 0;
}

export function setAdd<T extends Value>(s: readonly T[], x: NoInfer<T>): readonly T[] {
  const i = search(s, x);
  if (i >= 0) return s;
  spend(s.length);
  return insertedAt(s, -i - 1, x);
}

export function setRemove<T extends Value>(s: readonly T[], x: NoInfer<T>): readonly T[] {
  const i = search(s, x);
  if (i < 0) return s;
  spend(s.length);
  return removedAt(s, i);
}

// ---------------------------------------------------------------- seqs

function checkIndex(s: readonly Value[], i: number, site: number, allowEnd: boolean, of = "seq"): void {
  if (!(i >= 0 && (i < s.length || (allowEnd && i === s.length)))) {
    throw new RuntimeFault(site, `index ${i} out of range for a ${of} of size ${s.length}`);
  }
}

export function seqGet<T extends Value>(s: readonly T[], i: number, site: number): T {
  checkIndex(s, i, site, false);
  return s[i]!;
}

/** `s[i]` on a set: its i-th element in canonical order (a set is its sorted array). */
export function setGet<T extends Value>(s: readonly T[], i: number, site: number): T {
  checkIndex(s, i, site, false, "set");
  return s[i]!;
}

export function seqSet<T extends Value>(s: readonly T[], i: number, v: NoInfer<T>, site: number): T[] {
  checkIndex(s, i, site, false);
  spend(s.length);
  // Writing the value that is there gives the sequence itself (values are immutable): a step
  // that changes nothing then leaves its machine as it was, and the executor gives back the
  // state it started from (executor.ts, restoreMachines), which the explorer need not look up.
  if (s[i] === v) return s as T[];
  const c = s.slice();
  c[i] = v;
  return c;
}

/** `s += (i, v)`: insert v before position i (i may be the size: append). */
export function seqInsert<T extends Value>(
  s: readonly T[],
  pair: readonly [number, NoInfer<T>],
  site: number,
): T[] {
  const i = pair[0];
  checkIndex(s, i, site, true);
  spend(s.length);
  return insertedAt(s, i, pair[1]);
}

/** `s -= (i)`: remove the element at position i. */
export function seqRemove<T extends Value>(s: readonly T[], i: number, site: number): T[] {
  checkIndex(s, i, site, false);
  spend(s.length);
  return removedAt(s, i);
}

export function seqHas(s: readonly Value[], x: Value): boolean {
  spend(s.length);
  for (let i = 0; i < s.length; i++) if (eq(s[i]!, x)) return true;
  return false;
}

export function concat<T extends Value>(a: readonly T[], b: readonly T[]): T[] {
  spend(a.length + b.length);
  return a.concat(b);
}

// ---------------------------------------------------------------- maps

export function mapHas(m: readonly Value[], k: Value): boolean {
  return searchKey(m as MapEntries<Value, Value>, k) >= 0;
}

export function mapGet<K extends Value, V extends Value>(
  m: MapEntries<K, V>,
  k: NoInfer<K>,
  site: number,
): V {
  const i = searchKey(m, k);
  if (i < 0) throw new RuntimeFault(site, `key ${formatValue(k)} not in map`);
  return m[i]![1];
}

/** `m[k] = v` and `m += (k, v)`: insert or replace. */
export function mapPut<K extends Value, V extends Value>(
  m: MapEntries<K, V>,
  k: NoInfer<K>,
  v: NoInfer<V>,
): (readonly [K, V])[] {
  const i = searchKey(m, k);
  spend(m.length);
  if (i >= 0 && m[i]![1] === v) return m as (readonly [K, V])[]; // see seqSet
  if (i < 0) return insertedAt(m, -i - 1, [k, v] as const);
  const c = m.slice();
  c[i] = [k, v];
  return c;
}

export function mapPutPair<K extends Value, V extends Value>(
  m: MapEntries<K, V>,
  pair: readonly [NoInfer<K>, NoInfer<V>],
): (readonly [K, V])[] {
  return mapPut(m, pair[0], pair[1]);
}

/** `m -= (k)`: removing an absent key does nothing. */
export function mapRemove<K extends Value, V extends Value>(
  m: MapEntries<K, V>,
  k: NoInfer<K>,
): MapEntries<K, V> {
  const i = searchKey(m, k);
  if (i < 0) return m;
  spend(m.length);
  return removedAt(m, i);
}

export function keys<K extends Value>(m: MapEntries<K, Value>): K[] {
  spend(m.length);
  return m.map((e) => e[0]);
}

export function values<V extends Value>(m: MapEntries<Value, V>): V[] {
  spend(m.length);
  return m.map((e) => e[1]);
}

/** A map from entries in any order; later entries win. */
export function mapOf(entries: readonly (readonly Value[])[]): MapEntries<Value, Value> {
  let m: MapEntries<Value, Value> = [];
  for (const e of entries) m = mapPut(m, e[0]!, e[1]!);
  return m;
}

// ---------------------------------------------------------------- choose

/** The minimal context `chooseIn` needs (see FlContext.choose). */
interface Chooser {
  choose(n: number, site: number): number;
  /** Told the element taken, when the context logs what was chosen (the checker's step labels). */
  chose?(value: Value): void;
}

/** `choose(coll)`: an element of a seq or set, a key of a map. */
export function chooseIn<T extends Value>(ctx: Chooser, coll: readonly T[], isMap: false, site: number): T;
export function chooseIn<K extends Value>(
  ctx: Chooser,
  coll: MapEntries<K, Value>,
  isMap: true,
  site: number,
): K;
export function chooseIn(ctx: Chooser, coll: readonly Value[], isMap: boolean, site: number): Value {
  return chosenIn(ctx, coll as readonly Value[], isMap as false, ctx.choose(chooseSize(coll, site), site));
}

/** How many elements `choose(coll)` chooses from (a runtime error for none). */
export function chooseSize(coll: readonly unknown[], site: number): number {
  if (coll.length === 0) throw new RuntimeFault(site, "choose from an empty collection");
  return coll.length;
}

/** The element `choose(coll)` yields for choice `i` (an index below chooseSize). */
export function chosenIn<T extends Value>(ctx: Chooser, coll: readonly T[], isMap: false, i: number): T;
export function chosenIn<K extends Value>(
  ctx: Chooser,
  coll: MapEntries<K, Value>,
  isMap: true,
  i: number,
): K;
export function chosenIn(ctx: Chooser, coll: readonly Value[], isMap: boolean, i: number): Value {
  const v = coll[i]!;
  const taken = isMap ? (v as readonly Value[])[0]! : v;
  ctx.chose?.(taken);
  return taken;
}

/** The boolean `$` yields for choice `i` (0 or 1). */
export function chosenBool(ctx: Chooser, i: number): boolean {
  const yes = i === 1;
  ctx.chose?.(yes);
  return yes;
}

/** A collection a quantifier is about to visit, its size spent from the step's budget. */
export function scan<T extends Value>(coll: readonly T[]): readonly T[] {
  spend(coll.length);
  return coll;
}

/** The elements `foreach` and quantifiers visit: a map's keys, otherwise the elements. */
export function elems(coll: readonly Value[], isMap: boolean): readonly Value[] {
  return isMap ? keys(coll as MapEntries<Value, Value>) : coll;
}

// ---------------------------------------------------------------- format strings

/**
 * A `format` string split into text and placeholder indexes: `{n}` is the n-th value,
 * `{{` and `}}` are braces. The one parser of format strings: the checker runs it on
 * literal format strings (FL303 at compile time), `format` on the others.
 */
export function parseFormat(fmt: string): { pieces: (string | number)[] } | { error: string } {
  const pieces: (string | number)[] = [];
  let text = "";
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i]!;
    if ((c === "{" || c === "}") && fmt[i + 1] === c) {
      text += c;
      i++;
    } else if (c === "{") {
      const m = /^\{(\d{1,6})\}/.exec(fmt.slice(i, i + 8));
      if (m === null) return { error: `'{' at position ${i} starts no placeholder {0}, {1}, ...` };
      if (text !== "") pieces.push(text);
      text = "";
      pieces.push(Number(m[1]));
      i += m[0].length - 1;
    } else if (c === "}") {
      return { error: `'}' at position ${i} closes no placeholder` };
    } else {
      text += c;
    }
  }
  if (text !== "") pieces.push(text);
  return { pieces };
}

/** `format(fmt, ...)` with its values already converted to text (`ctx.text`). */
export function format(fmt: string, values: readonly string[], site: number): string {
  spend(fmt.length);
  const parsed = parseFormat(fmt);
  if ("error" in parsed) throw new RuntimeFault(site, `format: ${parsed.error}`);
  let out = "";
  for (const p of parsed.pieces) {
    if (typeof p === "string") out += p;
    else if (p < values.length) out += values[p]!;
    else throw new RuntimeFault(site, `format: placeholder {${p}}, but only ${values.length} values`);
  }
  spend(out.length);
  return out;
}

/** A short, type-less rendering for runtime error messages. */
export function formatValue(v: Value): string {
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v !== "object") return String(v);
  return `(${v.map(formatValue).join(", ")})`;
}
