// `faultline observe` as a command (docs/observe.md, "Output"): the exit
// codes (8 for a monitor hot at the end of the input), the terminal report,
// the JSON, JUnit and SARIF reporters, the traces under --out that `explore`
// and `replay --html` open, --follow and --timeout, and stdin.
import { spawnSync } from "node:child_process";
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../src/cli.js";
import { readForeignTrace } from "../src/foreign-trace.js";
import { observe } from "../src/observe/observe.js";
import { BIN } from "./bin-path.js";
import { captureIo } from "./capture-io.js";
import { line, MODEL } from "./observe-helpers.js";

let dir: string;
let model: string;
let hot: string;
let bad: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "faultline-observe-"));
  model = join(dir, "accounts.fl");
  writeFileSync(model, MODEL);
  hot = join(dir, "hot.jsonl");
  writeFileSync(
    hot,
    `${[line(1, "Opened", "a"), line(2, "Opened", "b"), line(3, "Closed", "a")].join("\n")}\n`,
  );
  bad = join(dir, "bad.jsonl");
  writeFileSync(
    bad,
    `${[line(1, "Opened", "a"), line(2, "Deposited", { account: "a", amount: 0, kind: "Cash" }), line(3, "Closed", "a")].join("\n")}\n`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...args: string[]) {
  const io = captureIo();
  const code = await runCli(["observe", ...args], io.io);
  return { code, out: io.stdout(), err: io.stderr() };
}

describe("faultline observe", () => {
  it("exits 8 when a monitor is still hot at the end of the input, naming it and the lines", async () => {
    const r = await cli(model, hot, "--spec", "AccountLife", "--partition-by", "/payload");
    expect(r.code).toBe(8);
    expect(r.out).toContain(
      "! AccountLife [b]: unresolved: spec AccountLife is still hot at the end of the input, in state Open",
    );
    expect(r.out).toContain(`${hot}:2  Opened("b")`);
    expect(r.out).toContain("AccountLife: Open (hot) {balance = 0}");
    expect(r.out).toMatch(
      /3 lines, 3 events checked, 2 partitions .*: 0 violations, 1 unresolved monitor, 0 input errors/,
    );
  });

  it("exits 1 for a violated assert, with the failing line and the state after each line", async () => {
    const r = await cli(model, bad);
    expect(r.code).toBe(1);
    expect(r.out).toContain("✗ AccountLife: spec AccountLife: deposit of 0 to a (");
    expect(r.out).toContain(`at ${bad}:2`);
  });

  it("exits 64 with the line for unreadable input, 4 for a model that does not compile, 64 for a bad mapping", async () => {
    const junk = join(dir, "junk.jsonl");
    writeFileSync(junk, `${line(1, "Opened", "a")}\n{oops\n`);
    const r = await cli(model, junk, "--spec", "FewOpen");
    expect(r.code).toBe(64);
    expect(r.out).toMatch(
      new RegExp(`${junk.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:2:2: error OBS100: not valid JSON`),
    );
    const broken = join(dir, "broken.fl");
    writeFileSync(broken, "spec S observes Nope { start state A { } }");
    expect((await cli(broken, hot)).code).toBe(4);
    const map = join(dir, "map.json");
    writeFileSync(map, JSON.stringify({ events: { x: { as: "Nope" } } }));
    const m = await cli(model, hot, "--map", map);
    expect(m.code).toBe(64);
    expect(m.err).toBe(`${map}: events["x"].as: error OBS202: the model has no event Nope\n`);
    expect((await cli(model, hot, "--spec", "Nope")).err).toMatch(/has no spec Nope/);
  });

  it("gives a spec the params of --param, and refuses an unknown param or a value of the wrong type", async () => {
    const withParam = join(dir, "param.fl");
    writeFileSync(
      withParam,
      `param limit: int;\nevent Tick;\nspec Limited observes Tick {\n  var n: int;\n  start state S { on Tick do { n += 1; assert n <= limit, "over the limit"; } }\n}\n`,
    );
    const ticks = join(dir, "ticks.jsonl");
    writeFileSync(ticks, `${[line(1, "Tick"), line(2, "Tick")].join("\n")}\n`);
    expect((await cli(withParam, ticks)).code).toBe(1);
    expect((await cli(withParam, ticks, "--param", "limit=2")).code).toBe(0);
    expect((await cli(withParam, ticks, "--param", "limit=two")).err).toMatch(
      /limit is an int, so give a whole number/,
    );
    expect((await cli(withParam, ticks, "--param", "limt=2")).err).toMatch(
      /has no param limt; did you mean 'limit'\?/,
    );
  });

  it("writes the JSON summary: a failed test per finding, a passed one per clean spec, the log's figures", async () => {
    const r = await cli(model, hot, "--partition-by", "/payload", "--reporter", "json");
    expect(r.code).toBe(8);
    const json = JSON.parse(r.out);
    expect(json).toMatchObject({ version: 1, ok: false, exitCode: 8, files: [model, hot] });
    expect(
      json.tests.map((t: { test: string; outcome: string; exitCode: number }) => [
        t.test,
        t.outcome,
        t.exitCode,
      ]),
    ).toEqual([
      ["AccountLife [b]", "liveness", 8],
      ["FewOpen", "pass", 0],
    ]);
    expect(json.tests[0].failure).toMatchObject({ kind: "hot-at-end", property: "AccountLife" });
    expect(json.observe).toMatchObject({
      input: hot,
      specs: ["AccountLife", "FewOpen"],
      partitionBy: "/payload",
      lines: 3,
      events: 3,
      partitions: 2,
      violations: 0,
      unresolved: 1,
      stopped: null,
    });
  });

  it("writes JUnit and SARIF with a finding's log lines", async () => {
    const out = join(dir, "reports");
    const r = await cli(model, bad, "--reporter", "junit,sarif", "--out", out);
    expect(r.code).toBe(1);
    const junit = readFileSync(join(out, "junit.xml"), "utf8");
    expect(junit).toContain('<testcase name="AccountLife"');
    expect(junit).toContain("deposit of 0 to a");
    const sarif = JSON.parse(readFileSync(join(out, "faultline.sarif"), "utf8"));
    const result = sarif.runs[0].results.find((x: { ruleId: string }) => x.ruleId === "FL-SPEC/AccountLife");
    expect(result).toBeDefined();
    expect(JSON.stringify(result.codeFlows)).toContain(
      `${bad}:2: Deposited(account = \\"a\\", amount = 0, kind = Cash)`,
    );
  });

  it("writes each finding as an ITF trace that explore and replay --html open", async () => {
    const out = join(dir, "traces");
    const r = await cli(model, bad, "--out", out, "--reporter", "pretty,html");
    const path = join(out, "observe-AccountLife-violation-1.itf.json");
    expect(r.out).toContain(`trace: ${path}`);
    const read = readForeignTrace(path);
    expect(read).not.toBeNull();
    expect(read!.document.failure).toMatchObject({ kind: "spec-assertion", property: "AccountLife" });
    expect(read!.document.steps.map((s) => s.label.text)).toEqual([
      "start",
      `Opened("a") at ${bad}:1`,
      `Deposited(account = "a", amount = 0, kind = Cash) at ${bad}:2`,
    ]);
    expect(read!.document.steps[1]!.state.monitors).toMatchObject({
      AccountLife: { state: "Open", hot: true },
    });
    expect(existsSync(join(out, "observe-AccountLife-violation-1.html"))).toBe(true);
    const explore = captureIo();
    expect(await runCli(["explore", path], explore.io)).toBe(0);
    expect(explore.stdout()).toContain("monitor AccountLife: Unopened -> Open (hot)");
    const page = join(dir, "page.html");
    const replay = captureIo();
    expect(await runCli(["replay", path, "--html", page], replay.io)).toBe(0);
    expect(readFileSync(page, "utf8")).toContain("deposit of 0 to a");
  });

  it("--follow reads lines appended to a growing file until --timeout, then stops without unresolved verdicts", async () => {
    const growing = join(dir, "growing.jsonl");
    writeFileSync(growing, `${line(1, "Opened", "a")}\n`);
    const later = setTimeout(
      () => appendFileSync(growing, `${line(2, "Closed", "a")}\n${line(3, "Opened", "b")}\n`),
      250,
    );
    const result = await observe({
      model: { file: "m.fl", source: MODEL },
      input: growing,
      follow: true,
      timeoutMs: 900,
    });
    clearTimeout(later);
    expect(result.kind).toBe("observed");
    if (result.kind !== "observed") return;
    expect(result.counts.events).toBe(3);
    expect(result.stopped).toBe("timeout");
    expect(result.findings).toEqual([]);
  });

  it("reads the log from stdin, streaming (a subprocess, the command as users run it)", () => {
    const lines = [];
    for (let i = 0; i < 2000; i++)
      lines.push(line(i, i % 2 === 0 ? "Opened" : "Closed", `k${i >> 1}`, { k: `k${i >> 1}` }));
    lines.push(line(5000, "Opened", "last", { k: "last" }));
    const r = spawnSync(
      process.execPath,
      [BIN, "observe", model, "-", "--partition-by", "/k", "--spec", "AccountLife"],
      {
        input: `${lines.join("\n")}\n`,
        encoding: "utf8",
        env: { ...process.env, CI: "1" },
      },
    );
    expect(r.stderr).toBe("");
    expect(r.status).toBe(8);
    expect(r.stdout).toContain("! AccountLife [last]: unresolved");
    expect(r.stdout).toMatch(
      /<stdin>: 2,001 lines, 2,001 events checked, 1,001 partitions \(at most 1,001 at once\)/,
    );
  });
});
