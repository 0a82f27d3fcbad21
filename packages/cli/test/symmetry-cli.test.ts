// `faultline check` on a test that declares `symmetric (...)`: the reduced
// count, the report line and JSON field that say so, `--no-symmetry` for the
// full space, the same count with worker threads; and `--faults` budgets
// that name a param.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCheck } from "../src/commands/check.js";
import { captureIo } from "./capture-io.js";

const EXAMPLE = fileURLToPath(new URL("../../../examples/symmetry.fl", import.meta.url));
const PARAMS = fileURLToPath(new URL("../../../examples/param-tests.fl", import.meta.url));

describe("faultline check on symmetric tests", () => {
  it("counts classes of renamings and says so; --no-symmetry counts every state", async () => {
    const reduced = captureIo();
    expect(
      await runCheck([EXAMPLE, "--test", "Reliable(participants=3)", "--workers", "1"], reduced.io),
    ).toBe(0);
    expect(reduced.out()).toContain("Reliable(participants=3): pass — 104 states");
    expect(reduced.out()).toContain("symmetry reduction: Participant");
    const full = captureIo();
    const args = [EXAMPLE, "--test", "Reliable(participants=3)", "--workers", "1", "--no-symmetry"];
    expect(await runCheck(args, full.io)).toBe(0);
    expect(full.out()).toContain("Reliable(participants=3): pass — 457 states");
    expect(full.out()).not.toContain("symmetry reduction");
  });

  it("names the symmetric types in the JSON report's stats", async () => {
    const json = captureIo();
    const args = [EXAMPLE, "--test", "Reliable(participants=3)", "--workers", "1", "--reporter", "json"];
    expect(await runCheck(args, json.io)).toBe(0);
    const report = JSON.parse(json.out()) as { tests: { stats: Record<string, unknown> }[] };
    expect(report.tests[0]!.stats).toMatchObject({ distinctStates: 104, symmetricTypes: ["Participant"] });
    const off = captureIo();
    expect(await runCheck([...args, "--no-symmetry"], off.io)).toBe(0);
    const full = JSON.parse(off.out()) as { tests: { stats: Record<string, unknown> }[] };
    expect(full.tests[0]!.stats.distinctStates).toBe(457);
    expect(full.tests[0]!.stats).not.toHaveProperty("symmetricTypes");
  });

  it("gives the same count through the parallel workers (a memory budget forces them)", async () => {
    const json = captureIo();
    const args = [EXAMPLE, "--test", "Reliable(participants=4)", "--workers", "2", "--memory", "4GiB"];
    expect(await runCheck([...args, "--reporter", "json"], json.io)).toBe(0);
    const report = JSON.parse(json.out()) as { tests: { stats: Record<string, unknown> }[] };
    expect(report.tests[0]!.stats.distinctStates).toBe(324);
  });
});

describe("faultline check --faults with a param budget", () => {
  it("reads the param in each test", async () => {
    // Registration(workers=n) with up to n drops: each expanded test gets its own budget.
    const out = captureIo();
    const args = [PARAMS, "--test", "Registration", "--faults", "drop at most workers", "--reporter", "json"];
    await runCheck(args, out.io);
    const report = JSON.parse(out.out()) as { tests: { test: string; stats: { distinctStates: number } }[] };
    const withBudget = report.tests.map((t) => [t.test, t.stats.distinctStates]);
    const literal = captureIo();
    await runCheck(
      [PARAMS, "--test", "Registration(workers=2)", "--faults", "drop at most 2", "--reporter", "json"],
      literal.io,
    );
    const two = JSON.parse(literal.out()) as { tests: { stats: { distinctStates: number } }[] };
    expect(withBudget.find(([name]) => name === "Registration(workers=2)")![1]).toBe(
      two.tests[0]!.stats.distinctStates,
    );
    const unknown = captureIo();
    expect(await runCheck([PARAMS, "--faults", "drop at most wrokers"], unknown.io)).toBe(64);
    expect(unknown.out()).toContain("unknown param 'wrokers' (did you mean 'workers'?)");
  });
});

describe("the liveness check after a reduced search", () => {
  const args = [EXAMPLE, "--test", "Reliable(participants=3)", "--workers", "1"];
  const por = [EXAMPLE, "--test", "Full(participants=3)", "--workers", "1", "--por"];

  it("reports its own size and time: the quotient under symmetry, the full space under --por", async () => {
    const out = captureIo();
    expect(await runCheck(args, out.io)).toBe(0);
    expect(out.out()).toMatch(
      /the safety search passed on 104 states; liveness check \(symmetry-reduced: no cycle keeps a spec hot\): pass, 104 states, \d+\.\d\ds/,
    );
    const reduced = captureIo();
    expect(await runCheck(por, reduced.io)).toBe(0);
    expect(reduced.out()).toMatch(
      /the safety search passed on 125 states; liveness check \(full state space, not reduced\): pass, 457 states, \d+\.\d\ds/,
    );
    const json = captureIo();
    expect(await runCheck([...por, "--reporter", "json"], json.io)).toBe(0);
    const report = JSON.parse(json.out()) as { tests: { liveness: Record<string, unknown> }[] };
    expect(report.tests[0]!.liveness).toMatchObject({ checked: true, outcome: "pass", states: 457 });
  });

  it("is skipped with --no-liveness", async () => {
    const out = captureIo();
    expect(await runCheck([...por, "--no-liveness"], out.io)).toBe(0);
    expect(out.out()).toContain("liveness not checked (--no-liveness)");
    expect(out.out()).not.toContain("457 states");
    const json = captureIo();
    expect(await runCheck([...por, "--no-liveness", "--reporter", "json"], json.io)).toBe(0);
    const report = JSON.parse(json.out()) as { tests: { liveness: Record<string, unknown> }[] };
    expect(report.tests[0]!.liveness).toEqual({ checked: false });
  });

  it("says which phase stopped at a bound", async () => {
    const out = captureIo();
    expect(await runCheck([...por, "--max-states", "400"], out.io)).toBe(5);
    expect(out.out()).toContain(
      "the safety search passed on 125 states; liveness check (full state space, not reduced): stopped by max-states, 400 states",
    );
  });
});

describe("faultline check: liveness of a symmetric test", () => {
  const LIVE = fileURLToPath(
    new URL("../../checker/test/fixtures/fl/symmetric-liveness.fl", import.meta.url),
  );

  it("settles a pass on the quotient and a violation with the exact check, as --no-symmetry does", async () => {
    const out = captureIo();
    expect(await runCheck([LIVE, "--workers", "1"], out.io)).toBe(3);
    expect(out.out()).toContain(
      "liveness check (symmetry-reduced: no cycle keeps a spec hot): pass, 17 states",
    );
    expect(out.out()).toContain("✗ Rounds(finish=false): spec EventuallyDone can stay hot forever");
    expect(out.out()).toContain("liveness check (full state space, not reduced): violation");
    const full = captureIo();
    expect(await runCheck([LIVE, "--workers", "1", "--no-symmetry"], full.io)).toBe(3);
    expect(full.out()).toContain("✓ Rounds(finish=true): pass — 29 states");
    expect(full.out()).toContain("✗ Rounds(finish=false): spec EventuallyDone can stay hot forever");
  });
});

describe("a model that throws during the symmetric liveness pre-check", () => {
  it("gets that test's checker error, as without symmetry, not an internal error of the run", async () => {
    const specs = Array.from(
      { length: 32 },
      (_, i) =>
        `spec S${i} observes Ping, Pong { start cold state C0 { on Ping goto H; ignore Pong; } hot state H { on Pong goto C; ignore Ping; } cold state C { ignore Ping, Pong; } }`,
    );
    const text = `event Ping; event Pong; event Go: Sv;
machine W { start state A { on Go do (s) { send s, Ping; } } }
machine Sv { start state A { on Ping do { announce Pong; } } }
machine Setup { start state Boot { entry { var s: Sv; var w: W; s = new Sv(); w = new W(); new W(); send w, Go, s; } } }
${specs.join("\n")}
test T [main = Setup]: assert ${specs.map((_, i) => `S${i}`).join(", ")} symmetric (W);
`;
    const dir = mkdtempSync(join(tmpdir(), "faultline-sym-"));
    const file = join(dir, "many.fl");
    writeFileSync(file, text);
    const out = captureIo();
    expect(await runCheck([file, "--workers", "1"], out.io)).toBe(70);
    expect(out.out()).toContain(
      "✗ T: checker error: model threw while building the state graph: more than 31 spec monitors",
    );
    expect(out.out()).not.toContain("internal error");
  });
});

describe("JUnit and SARIF reports of reduced searches", () => {
  it("say which reductions shaped the counts", async () => {
    const dir = mkdtempSync(join(tmpdir(), "faultline-sym-reports-"));
    const out = captureIo();
    const args = [EXAMPLE, "--test", "Reliable(participants=3)", "--test", "LostPrepare", "--workers", "1"];
    await runCheck([...args, "--reporter", "junit", "--reporter", "sarif", "--out", dir], out.io);
    const junit = readFileSync(join(dir, "junit.xml"), "utf8");
    expect(junit).toContain("states: 71 distinct, depth 6");
    expect(junit).toContain("reductions: symmetry (Participant)");
    const sarif = JSON.parse(readFileSync(join(dir, "faultline.sarif"), "utf8")) as {
      runs: { results: { properties: Record<string, unknown> }[] }[];
    };
    const lost = sarif.runs[0]!.results.find((r) => String(r.properties.test).startsWith("LostPrepare"));
    expect(lost?.properties.symmetricTypes).toEqual(["Participant"]);
  });
});
