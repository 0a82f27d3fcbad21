// Coverage: after a check, which states of each machine and spec were entered
// and which (state, event) handlers ran, and which never did, so a user knows
// when a passing check proves little. The model counts (Model.beginCoverage /
// endCoverage) and the report's shape is declared with the Model (model.ts);
// this file holds its totals, merge, text table and JSON.
import {
  type CoverageReport,
  type CoverageTotals,
  type HandlerCoverage,
  hasCoverage,
  type Json,
  type Model,
  type OwnerCoverage,
} from "./model.js";

export function coverageTotals(owners: readonly OwnerCoverage[]): CoverageTotals {
  const totals: CoverageTotals = { states: 0, statesEntered: 0, handlers: 0, handlersRun: 0 };
  for (const owner of owners) {
    if (!owner.created) continue;
    totals.states += owner.states.length;
    totals.statesEntered += owner.states.filter((s) => s.entered > 0).length;
    totals.handlers += owner.handlers.length;
    totals.handlersRun += owner.handlers.filter((h) => h.ran > 0).length;
  }
  return totals;
}

/** Sums two reports of the same model (e.g. from parallel workers). */
export function mergeCoverage(a: CoverageReport, b: CoverageReport): CoverageReport {
  const owners = a.owners.map((owner): OwnerCoverage => {
    const other = b.owners.find((o) => o.name === owner.name && o.kind === owner.kind);
    return {
      ...owner,
      created: owner.created || other?.created === true,
      states: owner.states.map((s) => ({
        ...s,
        entered: s.entered + (other?.states.find((t) => t.name === s.name)?.entered ?? 0),
      })),
      handlers: owner.handlers.map((h) => {
        const same = other?.handlers.find((g) => g.state === h.state && g.on === h.on);
        const merged = { ...h, ran: h.ran + (same?.ran ?? 0) };
        if (h.reached !== undefined) merged.reached = h.reached + (same?.reached ?? 0);
        return merged;
      }),
    };
  });
  const faults = a.faults?.map((f, i) => ({ ...f, spent: f.spent + (b.faults?.[i]?.spent ?? 0) }));
  return { owners, totals: coverageTotals(owners), ...(faults ? { faults } : {}) };
}

/** Starts counting when the model can; the returned function stops and gives the report (null when it cannot count). */
function startCounting<S, Step extends Json>(model: Model<S, Step>): () => CoverageReport | null {
  if (!hasCoverage(model)) return () => null;
  model.beginCoverage();
  return () => model.endCoverage();
}

/**
 * Runs `check` with the model counting coverage. Returns null coverage when
 * the model cannot count (no beginCoverage/endCoverage).
 */
export function collectCoverage<S, Step extends Json, R>(
  model: Model<S, Step>,
  check: () => R,
): { result: R; coverage: CoverageReport | null } {
  const stop = startCounting(model);
  let result: R;
  try {
    result = check();
  } catch (error) {
    stop();
    throw error;
  }
  return { result, coverage: stop() };
}

/**
 * collectCoverage around an asynchronous check (one that gives the event loop
 * turns, so a signal can stop it). Nothing else may run the model meanwhile.
 */
export async function collectCoverageAsync<S, Step extends Json, R>(
  model: Model<S, Step>,
  check: () => Promise<R>,
): Promise<{ result: R; coverage: CoverageReport | null }> {
  const stop = startCounting(model);
  let result: R;
  try {
    result = await check();
  } catch (error) {
    stop();
    throw error;
  }
  return { result, coverage: stop() };
}

/** The report as plain JSON (for the JSON reporter and --coverage files). */
export function coverageToJson(report: CoverageReport): Json {
  return JSON.parse(JSON.stringify(report)) as Json;
}

function handlerText(h: HandlerCoverage): string {
  if (h.kind === "timeout") return `${h.state}: on ${h.on}`;
  if (h.kind === "receive") return `${h.state}: case ${h.on}`;
  if (h.kind === "ignore") return `${h.state}: ignore ${h.on}`;
  return `${h.state}: on ${h.on} ${h.kind}`;
}

function percent(part: number, whole: number): string {
  return whole === 0 ? "-" : `${Math.round((100 * part) / whole)}%`;
}

/**
 * A short table: one line per machine and spec with states entered and
 * handlers run (machines never created named on one line), then what never
 * happened (at most `maxListed` items per owner, default 6).
 */
export function coverageToText(report: CoverageReport, options: { maxListed?: number } = {}): string {
  const maxListed = options.maxListed ?? 6;
  const rows = report.owners
    .filter((o) => o.created)
    .map((o) => {
      const entered = o.states.filter((s) => s.entered > 0).length;
      const ran = o.handlers.filter((h) => h.ran > 0).length;
      return {
        name: o.kind === "spec" ? `spec ${o.name}` : o.name,
        states: `${entered}/${o.states.length}`,
        handlers: `${ran}/${o.handlers.length}`,
        owner: o,
      };
    });
  const nameWidth = Math.max(7, ...rows.map((r) => r.name.length));
  const statesWidth = Math.max(6, ...rows.map((r) => r.states.length));
  const lines: string[] = [];
  lines.push(`  ${"machine".padEnd(nameWidth)}  ${"states".padStart(statesWidth)}  handlers`);
  for (const row of rows) {
    lines.push(`  ${row.name.padEnd(nameWidth)}  ${row.states.padStart(statesWidth)}  ${row.handlers}`);
  }
  const absent = report.owners.filter((o) => !o.created).map((o) => o.name);
  if (absent.length > 0) lines.push(`  (never created: ${absent.join(", ")})`);
  const t = report.totals;
  lines.push(
    `  ${"total".padEnd(nameWidth)}  ${`${t.statesEntered}/${t.states}`.padStart(statesWidth)}  ${t.handlersRun}/${t.handlers}` +
      `  (${percent(t.statesEntered, t.states)} of states, ${percent(t.handlersRun, t.handlers)} of handlers)`,
  );
  const never: string[] = [];
  for (const row of rows) {
    const items = [
      ...row.owner.states.filter((s) => s.entered === 0).map((s) => `state ${s.name} never entered`),
      ...row.owner.handlers.filter((h) => h.ran === 0).map((h) => `${handlerText(h)} never ran`),
    ];
    if (items.length === 0) continue;
    const shown = items.slice(0, maxListed);
    const more = items.length - shown.length;
    never.push(`  ${row.name}: ${shown.join("; ")}${more > 0 ? `; and ${more} more` : ""}`);
  }
  if (never.length > 0) {
    lines.push("never exercised:");
    lines.push(...never);
  } else {
    lines.push("every state of the machines created was entered and every handler ran");
  }
  return lines.join("\n");
}
