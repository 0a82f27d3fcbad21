// The `faultline` command line in-process: runCli with a captured Io, as the
// binary runs it (CI set, stdout not a terminal). The few things only a real
// process shows (the bin starting, exit codes, signals, a terminal) are in
// e2e.test.ts.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "../src/cli.js";
import { captureIo } from "./capture-io.js";

const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));

async function run(...args: string[]) {
  const captured = captureIo();
  const code = await runCli(args, captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

describe("faultline command line", () => {
  it("prints help and exits 0", async () => {
    const r = await run("--help");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("faultline check <files|dirs>");
    expect(r.stdout).toContain("Exit codes:");
  });

  it("prints its version", async () => {
    const r = await run("--version");
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("rejects an unknown flag with a suggestion and exit code 64", async () => {
    const r = await run("check", "--max-stats", "10", `${FIXTURES}ping.fl`);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain("unknown option '--max-stats'");
    expect(r.stderr).toContain("did you mean '--max-states'");
  });

  it("rejects a missing file with exit code 64", async () => {
    const r = await run("parse", `${FIXTURES}does-not-exist.fl`);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain("no such file or directory");
  });

  it("parse exits 0 on a valid file", async () => {
    const r = await run("parse", `${FIXTURES}ping.fl`);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("ping.fl: ok");
  });

  it("parse prints a syntax error with file:line:col and exits 4", async () => {
    const r = await run("parse", `${FIXTURES}bad-syntax.fl`);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/error\[FL1\d\d\]/);
    expect(r.stderr).toContain("bad-syntax.fl:4:");
    expect(r.stderr).not.toMatch(/\n\s+at .*\.js:\d+/); // no stack trace
  });

  it("parse reports every type error of a file at once", async () => {
    const r = await run("parse", `${FIXTURES}bad-types.fl`);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("error[FL300]"); // n = true
    expect(r.stderr).toContain("error[FL202]"); // unknown event Pong
    expect(r.stderr).toContain("error[FL302]"); // handler parameter bool vs int
    expect(r.stderr).toContain("error[FL206]"); // unknown property Missing
    expect(r.stderr).toContain("bad-types.fl:5:");
  });

  it("check reports model errors with exit code 4", async () => {
    const r = await run("check", `${FIXTURES}bad-types.fl`);
    expect(r.code).toBe(4);
  });

  it("parse --json gives machine-readable diagnostics", async () => {
    const r = await run("parse", "--json", `${FIXTURES}bad-syntax.fl`);
    expect(r.code).toBe(4);
    const json = JSON.parse(r.stdout) as { file: string; diagnostics: { code: string; span: unknown }[] }[];
    expect(json[0]!.diagnostics.length).toBeGreaterThan(0);
    expect(json[0]!.diagnostics[0]!.code).toMatch(/^FL1\d\d$/);
  });

  it.each([
    ["violation.fl", 1, "invariant AtMostOne"],
    ["deadlock.fl", 2, "deadlock"],
    ["unhandled.fl", 2, "unhandled-event"],
    ["hot.fl", 3, "spec EveryRequestAnswered is still in hot state"],
  ])("check %s exits %i and names the failure", async (file, code, text) => {
    const r = await run("check", `${FIXTURES}outcomes/${file}`);
    expect(r.code).toBe(code);
    expect(r.stdout).toContain(text);
  });

  it("check exits 0 on a passing model and 5 when a bound stops it first", async () => {
    expect((await run("check", `${FIXTURES}ping.fl`)).code).toBe(0);
    const bounded = await run("check", "--max-states", "2", `${FIXTURES}ping.fl`);
    expect(bounded.code).toBe(5);
    expect(bounded.stdout).toContain("bounded (max-states)");
  });

  it("check prints the shortest counterexample, one line per step with what changed", async () => {
    const r = await run("check", `${FIXTURES}outcomes/violation.fl`);
    expect(r.stdout).toContain("1. init: Client(0)");
    expect(r.stdout).toContain("2. Counter(0) <- Bump from Client(0)");
    expect(r.stdout).toContain("Counter(0).n = 2");
    expect(r.stdout).not.toContain("4. ");
  });

  it("check --out saves an ITF trace that replay reproduces", async () => {
    const out = mkdtempSync(join(tmpdir(), "faultline-cli-"));
    const r = await run("check", "--out", out, `${FIXTURES}outcomes/violation.fl`);
    expect(r.code).toBe(1);
    const files = readdirSync(out);
    expect(files).toEqual(["violation.TwoBumps.itf.json"]);
    const itf = JSON.parse(readFileSync(join(out, files[0]!), "utf8")) as {
      states: unknown[];
      vars: string[];
    };
    expect(itf.states).toHaveLength(3);
    expect(itf.vars.length).toBeGreaterThan(0);
    const replay = await run("replay", join(out, files[0]!));
    expect(replay.code).toBe(1);
    expect(replay.stdout).toContain("3 steps");
    expect(replay.stdout).toContain("invariant AtMostOne");
  });

  it("check --reporter json prints a machine-readable summary", async () => {
    const r = await run(
      "check",
      "--reporter",
      "json",
      `${FIXTURES}outcomes/violation.fl`,
      `${FIXTURES}ping.fl`,
    );
    expect(r.code).toBe(1);
    const json = JSON.parse(r.stdout) as {
      tests: { test: string; outcome: string; property: string | null }[];
    };
    expect(json.tests.map((t) => [t.test, t.outcome, t.property])).toEqual([
      ["TwoBumps", "violation", "AtMostOne"],
      ["Reliable", "pass", null],
    ]);
  });

  it("check --expected exits 0 when every outcome matches, 1 on a mismatch", async () => {
    const ok = await run("check", "--expected", `${FIXTURES}expected-dir`);
    expect(ok.stdout).toContain("2 matched expectations, 0 mismatched");
    expect(ok.code).toBe(0);
    const mismatch = await run("check", "--expected", "--max-states", "2", `${FIXTURES}expected-dir`);
    expect(mismatch.code).not.toBe(0);
    expect(mismatch.stdout).toContain("MISMATCH");
  });

  it("compile prints TypeScript with the event payload types", async () => {
    const r = await run("compile", `${FIXTURES}ping.fl`);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/export type PingPayload/);
    expect(r.stdout).toContain("export function");
  });

  it("check loads foreign functions from the .foreign.ts file beside the model", async () => {
    const r = await run("check", `${FIXTURES}foreign/hashing.fl`);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
  });

  it("check reports a foreign implementation that does not match its declaration as FL502, exit 4", async () => {
    const r = await run("check", `${FIXTURES}foreign/wrong.fl`);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("error[FL502]");
    expect(r.stderr).toContain("wrong.fl:2:1");
  });

  it("--mode random finds a deep bug from a seed, shrinks it and prints the command that reproduces it", async () => {
    const r = await run(
      "check",
      "--mode",
      "random",
      "--seed",
      "1",
      "--runs",
      "200",
      `${FIXTURES}modes/random-limiter.fl`,
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("found by random run 0 (seed 1) in 92 steps, shrunk to 26");
    const command = /reproduce: faultline (.*)\n/.exec(r.stdout)?.[1];
    expect(command).toBeDefined();
    const args = command!.match(/'[^']*'|\S+/g)!.map((a) => a.replace(/^'|'$/g, ""));
    const again = await run(...args);
    expect(again.code).toBe(1);
    expect(again.stdout).toContain("shrunk to 26");
  });

  it("the same seed gives the same output, byte for byte (timings aside)", async () => {
    const strip = (s: string) => s.replace(/\([\d,]+\/s\), [\d.]+s/g, "");
    const a = await run(
      "check",
      "--mode",
      "pct",
      "--seed",
      "9",
      "--runs",
      "50",
      `${FIXTURES}modes/random-limiter.fl`,
    );
    const b = await run(
      "check",
      "--mode",
      "pct",
      "--seed",
      "9",
      "--runs",
      "50",
      `${FIXTURES}modes/random-limiter.fl`,
    );
    expect(strip(a.stdout)).toBe(strip(b.stdout));
  });

  it("a liveness violation on a fair cycle is a lasso, exit 3", async () => {
    const r = await run("check", "--test", "ForgetsRequests", `${FIXTURES}modes/liveness.fl`);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain("spec EveryClientAnswered can stay hot forever");
    expect(r.stdout).toContain("loops back to the state after step 2");
    expect((await run("check", "--test", "AnsweredUnderFairness", `${FIXTURES}modes/liveness.fl`)).code).toBe(
      0,
    );
  });

  it("--coverage prints a table and adds coverage to the JSON summary", async () => {
    const pretty = await run("check", "--coverage", `${FIXTURES}ping.fl`);
    expect(pretty.stdout).toMatch(/machine\s+states\s+handlers/);
    const json = JSON.parse(
      (await run("check", "--coverage", "--reporter", "json", `${FIXTURES}ping.fl`)).stdout,
    ) as {
      tests: { coverage?: unknown }[];
    };
    expect(json.tests[0]!.coverage).toBeDefined();
  });

  it("rejects a bad mode or seed with exit code 64", async () => {
    expect((await run("check", "--mode", "fast", `${FIXTURES}ping.fl`)).code).toBe(64);
    expect((await run("check", "--mode", "random", "--seed", "-1", `${FIXTURES}ping.fl`)).code).toBe(64);
  });

  it("rejects bad uses the way a user would make them, with exit code 64 and no stack trace", async () => {
    const cases: [string[], string][] = [
      [["check", "--test", "Nope", `${FIXTURES}ping.fl`], "no test named 'Nope' (tests: Reliable)"],
      [
        ["check", "--mode", "random", "--runs", "0", `${FIXTURES}ping.fl`],
        "--runs needs a whole number >= 1",
      ],
      [["check", "--max-states", "-5", `${FIXTURES}ping.fl`], "--max-states needs a whole number >= 1"],
      [["check", "--timeout", "0", `${FIXTURES}ping.fl`], "--timeout needs a duration above zero"],
      [["check", "--reporter", "junit", "--reporter", "sarif", `${FIXTURES}ping.fl`], "give --out DIR"],
      [["check", `${FIXTURES}schemas`], "no .fl files in"],
      [["check", "--expected", `${FIXTURES}broken-expected`], "is not valid JSON"],
    ];
    for (const [args, message] of cases) {
      const r = await run(...args);
      expect(r.code, args.join(" ")).toBe(64);
      expect(r.stderr).toContain(message);
      expect(r.stderr).not.toContain("internal error");
    }
  });

  it("check --help prints check's usage and flags, not the global help", async () => {
    const r = await run("check", "--help");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage:\n {2}faultline check <files\|dirs>\.\.\. \[options\]/);
    expect(r.stdout).toContain("Check options:");
    expect(r.stdout).toMatch(/--max-states N +stop after N distinct states/);
    expect(r.stdout).not.toContain("faultline parse");
  });

  it("documents every command's flags in its --help, from the flag tables", async () => {
    const expected: Record<string, RegExp[]> = {
      parse: [/--json +print the diagnostics as JSON/, /--quiet/],
      compile: [/-o, --out FILE/],
      replay: [/--model FILE +the \.fl file/, /--param NAME=VALUE/],
      explore: [/Trace options:\n {2}--model FILE/, /Model options:[\s\S]*--faults SPEC[\s\S]*--out FILE/],
      init: [/--force/],
    };
    for (const [command, patterns] of Object.entries(expected)) {
      for (const help of [
        await run(command, "--help"),
        await run("help", command),
        await run(command, "x", "-h"),
      ]) {
        expect(help.code).toBe(0);
        expect(help.stdout).toContain(`faultline ${command} `);
        expect(help.stdout).toContain("-h, --help");
        for (const p of patterns) expect(help.stdout).toMatch(p);
      }
    }
    const global = await run("--help");
    expect(global.stdout).toContain("faultline parse <files|dirs>... [--json]");
    expect(global.stdout).toContain(
      "faultline explore <model.fl> [--test T] [--param N=V] [--faults SPEC] [--out FILE]",
    );
  });

  it("suggests the closest command for a typo", async () => {
    const r = await run("chek", "models");
    expect(r.code).toBe(64);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("unknown command 'chek'; did you mean 'check'?");
    const far = await run("frobnicate");
    expect(far.stderr).toContain("unknown command 'frobnicate'\n");
    expect((await run("chek", "--help")).stderr).toContain("did you mean 'check'?");
  });

  it("keeps stdout parseable: json owns it and the terminal report moves to stderr", async () => {
    const r = await run("check", "--reporter", "pretty,json", `${FIXTURES}ping.fl`);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as { elapsedMs: number; counts: { tests: number } };
    expect(json.counts.tests).toBeGreaterThan(0);
    expect(Math.round(json.elapsedMs * 10)).toBe(json.elapsedMs * 10);
    expect(r.stderr).toContain("passed");
  });

  it("refuses two reporters that would both write to stdout, naming them", async () => {
    const r = await run("check", "--reporter", "json", "--reporter", "github", `${FIXTURES}ping.fl`);
    expect(r.code).toBe(64);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("--reporter github and json would both write to stdout; give --out DIR");
    const dir = mkdtempSync(join(tmpdir(), "faultline-reporters-"));
    const ok = await run("check", "--reporter", "json,github", "--out", dir, `${FIXTURES}ping.fl`);
    expect(ok.code).toBe(0);
    expect(ok.stdout).not.toContain("{");
    expect(JSON.parse(readFileSync(join(dir, "faultline.json"), "utf8")).ok).toBe(true);
  });

  it("parse checks foreign implementations too", async () => {
    const r = await run("parse", `${FIXTURES}foreign/wrong.fl`);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("error[FL502]");
  });

  it("a sum of 300 terms is a clear FL106 error, not a crash", async () => {
    const dir = mkdtempSync(join(tmpdir(), "faultline-deep-"));
    const file = join(dir, "deep.fl");
    const sum = Array.from({ length: 300 }, () => "1").join(" + ");
    writeFileSync(
      file,
      `machine M { var x: int; start state S { entry { x = ${sum}; } } }\ntest T [main = M];\n`,
    );
    for (const command of ["parse", "check", "compile"]) {
      const r = await run(command, file);
      expect(r.code, command).toBe(4);
      expect(r.stderr).toContain("error[FL106]");
    }
  });

  it("an exception in a foreign function is a runtime error of the model (exit 2), not an internal error", async () => {
    const r = await run("check", `${FIXTURES}foreign/throws.fl`);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("foreign function lookup threw: no entry for key 2");
    expect(r.stderr).not.toContain("internal error");
  });
});
