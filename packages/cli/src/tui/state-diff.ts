// What a step changed: the state view flattened to rows (component headers,
// then `key: value` entries), each compared with the state before by deep
// equality on its path. Arrays shown one element per row (the network) are
// matched by longest common subsequence, so taking the first message out of a
// queue marks that one message removed rather than every later one changed.
import type { Json, StateView } from "@faultline/checker";
import { isEncodedValue } from "@faultline/checker";
import { formatViewValue, isMachineShaped, isObject, isScalar, type JsonObject } from "./json-format.js";

export type Change = "same" | "added" | "removed" | "changed";

export interface StateRow {
  /** Stable across steps: the JSON path of the row. */
  id: string;
  /** The top-level component (machine, "network", "monitors") the row belongs to. */
  component: string;
  /** 0 for a component header, 1.. for nested entries. */
  depth: number;
  key: string;
  /** The value shown on the row; undefined for a header with nothing inline. */
  value?: Json;
  /** The value before the step, when the row changed or was removed. */
  previous?: Json;
  /** The row's value in one line (state name for machine headers). */
  text: string;
  previousText?: string;
  /** A model value (a machine's or monitor's variable), printed in `.fl` syntax; else structure. */
  literal: boolean;
  change: Change;
  header: boolean;
}

export function jsonEqual(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  for (const key of keysA) {
    if (!Object.hasOwn(b, key) || !jsonEqual(a[key], b[key])) return false;
  }
  return true;
}

export type ArrayDiffEntry =
  | { kind: "same"; before: number; after: number }
  | { kind: "added"; after: number }
  | { kind: "removed"; before: number };

/** Aligns two arrays by their longest common subsequence (deep equality), in display order. */
export function diffArrays(before: readonly Json[], after: readonly Json[]): ArrayDiffEntry[] {
  const n = before.length;
  const m = after.length;
  // lcs[i][j] = LCS length of before[i..] and after[j..].
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i]![j] = jsonEqual(before[i], after[j])
        ? lcs[i + 1]![j + 1]! + 1
        : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const out: ArrayDiffEntry[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && jsonEqual(before[i], after[j])) {
      out.push({ kind: "same", before: i++, after: j++ });
    } else if (i < n && (j >= m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      // On a tie the old element goes first: a replaced value reads "- old" then "+ new".
      out.push({ kind: "removed", before: i++ });
    } else {
      out.push({ kind: "added", after: j++ });
    }
  }
  return out;
}

function classify(hadBefore: boolean, hasAfter: boolean, equal: boolean): Change {
  if (!hadBefore) return "added";
  if (!hasAfter) return "removed";
  return equal ? "same" : "changed";
}

const MAX_NESTING = 3;
const REMOVED_MARK = "\u0000";

/** Keys of a machine-shaped value not shown as entries: the state is on the header, vars are expanded. */
const MACHINE_HEADER_KEYS = new Set(["state", "vars", "hot"]);

/** Noise hidden unless it changed: a machine that is up, no armed timers. */
function isQuietDefault(key: string, value: Json | undefined): boolean {
  if (value === undefined) return true;
  if (key === "status" && value === "up") return true;
  if (Array.isArray(value) && value.length === 0) return true;
  return isObject(value) && Object.keys(value).length === 0;
}

function headerText(value: Json | undefined): string {
  if (value === undefined) return "";
  if (isMachineShaped(value)) return value.hot === true ? `${value.state} (hot)` : value.state;
  if (isScalar(value)) return formatViewValue(value, false);
  if (Array.isArray(value)) return value.length === 1 ? "1 item" : `${value.length} items`;
  return "";
}

function rowId(path: readonly string[]): string {
  return JSON.stringify(path);
}

interface Side {
  has: boolean;
  value: Json | undefined;
}

function present(container: JsonObject | undefined, key: string): Side {
  return container !== undefined && Object.hasOwn(container, key)
    ? { has: true, value: container[key] }
    : { has: false, value: undefined };
}

/**
 * Rows of a state view compared with the one before it (null before the
 * first step: everything is new). Components removed by the step appear as
 * removed rows at the end.
 */
export function buildStateRows(before: StateView | null, after: StateView): StateRow[] {
  const rows: StateRow[] = [];
  const names = Object.keys(after);
  if (before !== null)
    for (const name of Object.keys(before)) if (!Object.hasOwn(after, name)) names.push(name);
  for (const name of names) {
    const old = before === null ? { has: false, value: undefined } : present(before, name);
    const now = present(after, name);
    const shape = now.has ? now.value : old.value;
    // .fl views have structure at the top (machines, the network, monitors, faults) with values
    // under `vars`; any other component (a TypeScript model's field, an ITF variable) is a value.
    const structural = isMachineShaped(shape) || STRUCTURE.has(name);
    entryRows(rows, name, [name], 0, old, now, true, structural);
  }
  return rows;
}

const STRUCTURE = new Set(["network", "monitors", "faults"]);

function entryRows(
  rows: StateRow[],
  component: string,
  path: string[],
  depth: number,
  before: Side,
  after: Side,
  header: boolean,
  structural: boolean,
): void {
  const shown = after.has ? after.value : before.value;
  const change = classify(before.has, after.has, jsonEqual(before.value, after.value));
  const last = path[path.length - 1]!;
  const key = last.startsWith(REMOVED_MARK) ? last.slice(REMOVED_MARK.length) : last;
  const literal = !structural || path.includes("vars");
  // A value at the top (an ITF variable holding a set, say) is one row, not its encoding's keys.
  const leaf = literal && (isScalar(shown) || isEncodedValue(shown) || Array.isArray(shown));
  const nested = (header && !leaf) || (depth < MAX_NESTING && isMachineShaped(shown));
  if (!nested) {
    const row: StateRow = {
      id: rowId(path),
      component,
      depth,
      key,
      text: formatViewValue(shown, literal),
      change,
      header: header && !leaf,
      literal,
    };
    row.value = shown as Json;
    if (change === "changed" || change === "removed") {
      row.previous = before.value as Json;
      row.previousText = formatViewValue(before.value, literal);
    }
    rows.push(row);
    return;
  }
  const text = headerText(shown);
  const row: StateRow = {
    id: rowId(path),
    component,
    depth,
    key,
    text,
    change,
    header: true,
    literal: false,
  };
  if (isScalar(shown)) row.value = shown as Json;
  const previousText = headerText(before.value);
  if (before.has && after.has && previousText !== text) row.previousText = previousText;
  else if (change === "removed") row.previousText = previousText;
  rows.push(row);
  childRows(rows, component, path, depth + 1, before.value, after.value, structural);
}

function childRows(
  rows: StateRow[],
  component: string,
  path: string[],
  depth: number,
  before: Json | undefined,
  after: Json | undefined,
  structural: boolean,
): void {
  const shape = after ?? before;
  if (Array.isArray(shape)) {
    const old = Array.isArray(before) ? before : [];
    const now = Array.isArray(after) ? after : [];
    for (const entry of diffArrays(old, now)) {
      const index = entry.kind === "removed" ? entry.before : entry.after;
      const beforeSide: Side =
        entry.kind === "added" ? { has: false, value: undefined } : { has: true, value: old[entry.before] };
      const afterSide: Side =
        entry.kind === "removed" ? { has: false, value: undefined } : { has: true, value: now[entry.after] };
      // A removed element shows its old index; its id is marked so it cannot clash with a kept one.
      const key = entry.kind === "removed" ? `${REMOVED_MARK}[${index}]` : `[${index}]`;
      entryRows(rows, component, [...path, key], depth, beforeSide, afterSide, false, structural);
    }
    return;
  }
  if (!isObject(shape)) return;
  const oldObject = isObject(before) ? before : undefined;
  const newObject = isObject(after) ? after : undefined;
  if (isMachineShaped(shape)) {
    const oldVars = oldObject !== undefined && isObject(oldObject.vars) ? oldObject.vars : undefined;
    const newVars = newObject !== undefined && isObject(newObject.vars) ? newObject.vars : undefined;
    for (const key of unionKeys(oldVars, newVars)) {
      entryRows(
        rows,
        component,
        [...path, "vars", key],
        depth,
        present(oldVars, key),
        present(newVars, key),
        false,
        structural,
      );
    }
    for (const key of unionKeys(oldObject, newObject)) {
      if (MACHINE_HEADER_KEYS.has(key)) continue;
      const b = present(oldObject, key);
      const a = present(newObject, key);
      // Defaults are noise unless they changed in place (a crash: status up -> halted).
      const changedInPlace = b.has && a.has && !jsonEqual(b.value, a.value);
      if (!changedInPlace && isQuietDefault(key, a.has ? a.value : b.value)) continue;
      // A machine's own fields (status, timers) are structure wherever it sits.
      entryRows(rows, component, [...path, key], depth, b, a, false, true);
    }
    return;
  }
  for (const key of unionKeys(oldObject, newObject)) {
    entryRows(
      rows,
      component,
      [...path, key],
      depth,
      present(oldObject, key),
      present(newObject, key),
      false,
      structural,
    );
  }
}

function unionKeys(before: JsonObject | undefined, after: JsonObject | undefined): string[] {
  const keys = after === undefined ? [] : Object.keys(after);
  if (before !== undefined)
    for (const key of Object.keys(before)) if (!after || !Object.hasOwn(after, key)) keys.push(key);
  return keys;
}

/** Top-level components whose value differs between two state views (added and removed ones included). */
export function changedComponents(before: StateView | null, after: StateView): string[] {
  const changed: string[] = [];
  for (const name of Object.keys(after)) {
    if (before === null || !jsonEqual(before[name], after[name])) changed.push(name);
  }
  if (before !== null)
    for (const name of Object.keys(before)) if (!Object.hasOwn(after, name)) changed.push(name);
  return changed;
}

/**
 * The rows to show: components not hidden; with `changedOnly`, only rows that
 * changed and the headers above them.
 */
export function visibleStateRows(
  rows: readonly StateRow[],
  hidden: ReadonlySet<string>,
  changedOnly: boolean,
): StateRow[] {
  const shown = rows.filter((row) => !hidden.has(row.component));
  if (!changedOnly) return shown;
  return shown.filter((row) => row.change !== "same");
}
