// Coverage: which states were entered and which handlers ran, and which never
// did, after an exhaustive or a random check; as a table and as JSON.
import { describe, expect, it } from "vitest";
import { checkExhaustive } from "../src/search/bfs-explorer.js";
import { collectCoverage, coverageToJson, coverageToText, mergeCoverage } from "../src/coverage.js";
import { buildModel } from "../src/fl/fl-model.js";
import type { CoverageReport } from "../src/model.js";
import { checkRandom } from "../src/search/random-explorer.js";
import { loadFixture } from "./fixtures/fl/load.js";
import { GraphModel } from "./models/graph-model.js";

const ir = loadFixture("coverage.fl");

function never(report: CoverageReport, owner: string) {
  const o = report.owners.find((x) => x.name === owner)!;
  return {
    states: o.states.filter((s) => s.entered === 0).map((s) => s.name),
    handlers: o.handlers.filter((h) => h.ran === 0).map((h) => `${h.state}: ${h.kind} ${h.on}`),
  };
}

function exhaustiveCoverage(): CoverageReport {
  const model = buildModel(ir, "Doors");
  const { result, coverage } = collectCoverage(model, () => checkExhaustive(model));
  expect(result.kind).toBe("pass");
  if (coverage === null) throw new Error("FlModel counts coverage");
  return coverage;
}

describe("coverage after an exhaustive check", () => {
  it("lists the states never entered and the handlers that never ran, per machine and spec", () => {
    const report = exhaustiveCoverage();
    expect(report.owners.map((o) => [o.kind, o.name, o.created])).toEqual([
      ["machine", "Door", true],
      ["machine", "User", true],
      ["machine", "Unused", false],
      ["machine", "Setup", true],
      ["spec", "NeverForced", true],
    ]);
    expect(never(report, "Door")).toEqual({
      states: ["Broken"],
      handlers: [
        "Closed: goto Force",
        "Opened: ignore Open",
        "Opened: do Alarm",
        "Broken: ignore Open",
        "Broken: ignore Close",
      ],
    });
    expect(never(report, "NeverForced")).toEqual({
      states: ["Alarmed"],
      handlers: ["Calm: goto Force", "Alarmed: ignore Open", "Alarmed: ignore Force"],
    });
    const door = report.owners[0]!;
    expect(door.handlers.find((h) => h.kind === "timeout")).toMatchObject({
      state: "Opened",
      on: "timeout AutoClose",
    });
    expect(door.handlers.every((h) => h.location?.file.endsWith("coverage.fl"))).toBe(true);
    // Unused is out of the totals: Door 3 + User 1 + Setup 1 + spec 2 states.
    expect(report.totals).toEqual({ states: 7, statesEntered: 5, handlers: 13, handlersRun: 5 });
  });

  it("prints a short table and the list of what never happened", () => {
    const text = coverageToText(exhaustiveCoverage());
    const lines = text.split("\n");
    expect(lines[0]).toMatch(/machine\s+states\s+handlers/);
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}Door\s+2\/3\s+4\/9$/));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}spec NeverForced\s+1\/2\s+1\/4$/));
    expect(text).toContain("(never created: Unused)");
    expect(text).toContain("(71% of states, 38% of handlers)");
    expect(text).toContain("Door: state Broken never entered; Closed: on Force goto never ran");
    // At most `maxListed` items per machine.
    expect(coverageToText(exhaustiveCoverage(), { maxListed: 2 })).toContain("; and 4 more");
  });

  it("is plain JSON", () => {
    const report = exhaustiveCoverage();
    expect(JSON.parse(JSON.stringify(coverageToJson(report)))).toEqual(report);
  });

  it("counts nothing unless asked", () => {
    const model = buildModel(ir, "Doors");
    checkExhaustive(model);
    expect(model.endCoverage()).toBeNull();
    // A model that cannot count gives null coverage, and the check still runs.
    const graph = new GraphModel({ nodeCount: 2, initial: [0], edges: [[1], []] });
    const { result, coverage } = collectCoverage(graph, () => checkExhaustive(graph));
    expect(result.kind).toBe("pass");
    expect(coverage).toBeNull();
  });
});

describe("coverage after a random check", () => {
  it("reports in stats.coverage what the runs exercised, within what exhaustive search reaches", () => {
    const full = exhaustiveCoverage();
    const one = checkRandom(buildModel(ir, "Doors"), { seed: 2, run: 0, coverage: true });
    const many = checkRandom(buildModel(ir, "Doors"), { seed: 2, runs: 200, coverage: true });
    const a = one.stats?.coverage;
    const b = many.stats?.coverage;
    if (a === undefined || b === undefined) throw new Error("stats.coverage is set with coverage: true");
    // One run takes one path; 200 runs reach all that exhaustive search reaches.
    expect(a.totals.handlersRun).toBeLessThanOrEqual(b.totals.handlersRun);
    expect(never(b, "Door")).toEqual(never(full, "Door"));
    expect(b.totals).toEqual(full.totals);
    expect(checkRandom(buildModel(ir, "Doors"), { seed: 2, runs: 3 }).stats?.coverage).toBeUndefined();
  });

  it("merges reports of the same model (e.g. from several workers)", () => {
    const one = checkRandom(buildModel(ir, "Doors"), { seed: 2, run: 0, coverage: true }).stats!.coverage!;
    const merged = mergeCoverage(one, one);
    const door = (r: CoverageReport) => r.owners.find((o) => o.name === "Door")!;
    expect(door(merged).states.map((s) => s.entered)).toEqual(door(one).states.map((s) => s.entered * 2));
    expect(merged.totals).toEqual(one.totals);
  });
});
