// Vacuity: after a passing check, what in the model never happened, so the
// pass may prove less than it seems (a spec that never left its start state
// asserted nothing about the runs; an invariant over a machine type never
// created held trivially). Read from the coverage the model counted during the
// search (coverage.ts, Model.beginCoverage): no second counter. `check
// --strict` turns these warnings into failures.
import type { CoverageReport, HandlerCoverage, OwnerCoverage, SourceLocation } from "./model.js";

export type VacuityKind =
  /** A spec monitor (with other states) was never anywhere but in its start state. */
  | "spec-never-left-start"
  /** A spec observes an event it never saw. */
  | "event-never-observed"
  /** A `do`, `goto` or timeout handler of a state that was entered never ran, or a receive that was waited at never took one of its cases' events. */
  | "handler-never-ran"
  /** An invariant quantifies over a machine type of which no instance was ever created. */
  | "empty-quantifier-range"
  /** A fault of the test never spent its budget. */
  | "fault-never-used";

export interface VacuityWarning {
  kind: VacuityKind;
  /** The property, machine, spec or fault it is about. */
  subject: string;
  message: string;
  location?: SourceLocation;
}

/** An asserted invariant's top-level quantifier ranges that are machine types. */
export interface InvariantRange {
  invariant: string;
  machines: string[];
  location?: SourceLocation;
}

function specWarnings(spec: OwnerCoverage): VacuityWarning[] {
  const warnings: VacuityWarning[] = [];
  const at = spec.location ? { location: spec.location } : {};
  const start = spec.states.find((s) => s.start) ?? spec.states[0];
  if (start && spec.states.length > 1 && spec.states.every((s) => s === start || s.entered === 0)) {
    warnings.push({
      kind: "spec-never-left-start",
      subject: spec.name,
      message: `spec ${spec.name} never left its start state ${start.name}`,
      ...at,
    });
  }
  for (const event of spec.observes ?? []) {
    if (spec.handlers.some((h) => h.on === event && h.ran > 0)) continue;
    warnings.push({
      kind: "event-never-observed",
      subject: `${spec.name}.${event}`,
      message: `spec ${spec.name} observes ${event} but never saw one`,
      ...at,
    });
  }
  return warnings;
}

function handlerWarnings(owner: OwnerCoverage): VacuityWarning[] {
  const entered = new Set(owner.states.filter((s) => s.entered > 0).map((s) => s.name));
  const reached = (h: HandlerCoverage) =>
    h.kind === "receive" ? (h.reached ?? 0) > 0 : entered.has(h.state);
  return owner.handlers
    .filter((h) => h.kind !== "ignore" && h.ran === 0 && reached(h))
    .map((h) => ({
      kind: "handler-never-ran" as const,
      subject: `${owner.name}.${h.state}`,
      message:
        h.kind === "receive"
          ? `${owner.name}: the case ${h.on} of the ${h.state} never ran`
          : `${owner.kind === "spec" ? "spec " : ""}${owner.name} in ${h.state}: on ${h.on}${h.kind === "timeout" ? "" : ` ${h.kind}`} never ran`,
      ...(h.location ? { location: h.location } : {}),
    }));
}

/**
 * What never happened in a passing check, from its coverage and the asserted
 * invariants' quantifier ranges. Handlers of specs that never left their start
 * state are left to that warning.
 */
export function vacuityWarnings(
  coverage: CoverageReport,
  ranges: readonly InvariantRange[] = [],
): VacuityWarning[] {
  const warnings: VacuityWarning[] = [];
  for (const owner of coverage.owners) {
    if (owner.kind === "spec") {
      const spec = specWarnings(owner);
      warnings.push(...spec);
      if (!spec.some((w) => w.kind === "spec-never-left-start")) warnings.push(...handlerWarnings(owner));
    } else if (owner.created) {
      warnings.push(...handlerWarnings(owner));
    }
  }
  const created = new Set(
    coverage.owners.filter((o) => o.kind === "machine" && o.created).map((o) => o.name),
  );
  for (const range of ranges) {
    const empty = range.machines.filter((m) => !created.has(m));
    if (empty.length === 0) continue;
    warnings.push({
      kind: "empty-quantifier-range",
      subject: range.invariant,
      message: `invariant ${range.invariant} quantifies over ${empty.join(", ")}, of which no instance was ever created: it held trivially`,
      ...(range.location ? { location: range.location } : {}),
    });
  }
  for (const fault of coverage.faults ?? []) {
    if (fault.spent > 0) continue;
    warnings.push({
      kind: "fault-never-used",
      subject: fault.fault,
      message: `fault ${fault.fault} never happened: no step spent its budget`,
      ...(fault.location ? { location: fault.location } : {}),
    });
  }
  return warnings;
}

/** Per spec monitor: states entered and transitions (goto handlers) taken, out of all of them. */
export interface ScenarioCoverage {
  spec: string;
  states: { covered: number; total: number; uncovered: string[] };
  transitions: { covered: number; total: number; uncovered: string[] };
}

/** Scenario coverage of each spec monitor of a coverage report (P's, per spec: X of Y states and transitions). */
export function scenarioCoverage(coverage: CoverageReport): ScenarioCoverage[] {
  return coverage.owners
    .filter((o) => o.kind === "spec")
    .map((spec) => {
      const gotos = spec.handlers.filter((h) => h.kind === "goto");
      return {
        spec: spec.name,
        states: {
          covered: spec.states.filter((s) => s.entered > 0).length,
          total: spec.states.length,
          uncovered: spec.states.filter((s) => s.entered === 0).map((s) => s.name),
        },
        transitions: {
          covered: gotos.filter((h) => h.ran > 0).length,
          total: gotos.length,
          uncovered: gotos.filter((h) => h.ran === 0).map((h) => `${h.state} on ${h.on}`),
        },
      };
    });
}
