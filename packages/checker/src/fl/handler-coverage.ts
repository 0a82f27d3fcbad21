// Coverage (Model.beginCoverage / endCoverage, collected by coverage.ts):
// which states of each machine and spec were entered, which handlers ran, and
// how often each fault of the test spent its budget.
import { type IrProgram, type IrTest, quantifierBinders } from "@faultline/lang";
import { coverageTotals } from "../coverage.js";
import type {
  CoverageReport,
  FaultCoverage,
  HandlerCoverage,
  OwnerCoverage,
  StateCoverage,
} from "../model.js";
import type { FlParts } from "./build-model.js";
import type { CoverageCounts } from "./executor.js";
import { H_DEFER, H_GOTO, H_IGNORE, type OwnerTable } from "./program-tables.js";
import { spanToLocation } from "./source-location.js";
import { faultText } from "./state-views.js";
import type { InvariantRange } from "../vacuity.js";

type CoverageParts = Pick<
  FlParts,
  "ex" | "eventNames" | "machines" | "monitors" | "allowed" | "ir" | "faults"
>;

/** The asserted invariants that are a top-level `forall` over machine types, and those types (vacuity.ts). */
export function invariantRanges(ir: IrProgram, test: IrTest): InvariantRange[] {
  return test.asserts.flatMap((a) => {
    const inv = ir.invariants.find((i) => i.name === a.name);
    if (a.kind !== "invariant" || inv?.expr.kind !== "quant" || inv.expr.quantifier !== "forall") return [];
    const machines = [
      ...new Set(quantifierBinders(inv.expr).binders.flatMap((b) => (b.machine ? [b.machine] : []))),
    ];
    return machines.length === 0
      ? []
      : [{ invariant: inv.name, machines, location: spanToLocation(inv.span) }];
  });
}

/** Starts counting (the executor counts while `ex.coverage` is set). */
export function beginCoverage(p: CoverageParts): void {
  const counts: CoverageCounts = new Map();
  const events = p.eventNames.length;
  for (const table of [...p.machines, ...p.monitors]) {
    const width = events + table.timers.length;
    counts.set(table, {
      entered: new Float64Array(table.states.length),
      handled: new Float64Array(table.states.length * width),
      width,
      blocked: new Float64Array(table.receives.length),
      received: new Float64Array(table.receives.length * events),
    });
  }
  p.ex.coverage = counts;
  p.ex.faultsSpent = new Float64Array(p.faults.faults.length);
}

/** Stops counting; the report of what was counted, or null when beginCoverage was not called. */
export function endCoverage(p: CoverageParts): CoverageReport | null {
  const counts = p.ex.coverage;
  if (counts === null) return null;
  const spent = p.ex.faultsSpent;
  p.ex.coverage = null;
  p.ex.faultsSpent = null;
  const owners: OwnerCoverage[] = [];
  const report = (table: OwnerTable, kind: "machine" | "spec"): void => {
    const c = counts.get(table)!;
    const states: StateCoverage[] = table.states.map((st, i) => {
      const entry: StateCoverage = { name: st.name, entered: c.entered[i]! };
      if (kind === "spec") entry.hot = st.hot;
      if (i === table.start) entry.start = true;
      return entry;
    });
    const handlers: HandlerCoverage[] = [];
    table.states.forEach((st, i) => {
      st.on.forEach((h, e) => {
        if (h === undefined || h.kind === H_DEFER) return;
        handlers.push({
          state: st.name,
          on: p.eventNames[e]!,
          kind: h.kind === H_GOTO ? "goto" : h.kind === H_IGNORE ? "ignore" : "do",
          ran: c.handled[i * c.width + e]!,
          location: spanToLocation(h.span),
        });
      });
      st.timeouts.forEach((h, t) => {
        if (h === undefined) return;
        handlers.push({
          state: st.name,
          on: `timeout ${table.timers[t]}`,
          kind: "timeout",
          ran: c.handled[i * c.width + p.eventNames.length + t]!,
          location: spanToLocation(h.span),
        });
      });
    });
    // A receive's events, one row each: `reached` says whether a machine ever waited there.
    table.receives.forEach((r, site) => {
      const at = r.span.start;
      for (const e of r.events) {
        handlers.push({
          state: `receive at line ${at.line}:${at.col}`,
          on: p.eventNames[e]!,
          kind: "receive",
          ran: c.received[site * p.eventNames.length + e]!,
          reached: c.blocked[site]!,
          location: spanToLocation(r.span),
        });
      }
    });
    // Creation and restart enter the start state, so a type whose start was never entered has no instance.
    const created = kind === "spec" || c.entered[table.start]! > 0;
    const owner: OwnerCoverage = { name: table.name, kind, created, states, handlers };
    const decl = (kind === "spec" ? p.ir.specs : p.ir.machines).find((o) => o.name === table.name);
    if (decl !== undefined) owner.location = spanToLocation(decl.span);
    if (kind === "spec" && decl !== undefined && "observes" in decl) owner.observes = [...decl.observes];
    owners.push(owner);
  };
  p.machines.forEach((table, i) => {
    if (p.allowed[i]) report(table, "machine");
  });
  for (const table of p.monitors) report(table, "spec");
  const faults: FaultCoverage[] = [];
  p.faults.faults.forEach((f, i) => {
    if (f.kind === "reorder") return;
    faults.push({
      fault: `${faultText(f)} at most ${f.atMost}`,
      spent: spent?.[i] ?? 0,
      location: spanToLocation(f.span),
    });
  });
  return { owners, totals: coverageTotals(owners), faults };
}
