// Machine references as people read them, `Type(k)`: for state views, step
// labels and an invariant's witness (built before the model's other parts,
// so this module needs only the machine tables).
import type { FlState } from "./fl-state.js";
import type { RefNamer } from "./value-view.js";

/** The machine types by index: their names. */
export interface MachineNames {
  readonly machines: readonly { readonly name: string }[];
}

/** A machine's display name, `Type(k)`; `#id` for an id not in `s`. */
export function nameIn(p: MachineNames, s: FlState, id: number): string {
  const m = s.machines[id];
  return m ? `${p.machines[m.type]!.name}(${m.k})` : `#${id}`;
}

/** Names machine references in `s` (null for the null reference; `#id` without a state). */
export function namer(p: MachineNames, s: FlState | null): RefNamer {
  return (id) => (id < 0 ? null : s ? nameIn(p, s, id) : `#${id}`);
}
