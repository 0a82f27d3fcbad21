// Runs the built `faultline` binary as a subprocess: what users and CI see.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const BIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: "utf8",
    env: { ...process.env, CI: "1" },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("faultline command line", () => {
  it("prints help and exits 0", () => {
    const r = run("--help");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("faultline check <files|dirs>");
    expect(r.stdout).toContain("Exit codes:");
  });

  it("prints its version", () => {
    const r = run("--version");
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("rejects an unknown flag with a suggestion and exit code 64", () => {
    const r = run("check", "--max-stats", "10", `${FIXTURES}ping.fl`);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain("unknown option '--max-stats'");
    expect(r.stderr).toContain("did you mean '--max-states'");
  });

  it("rejects a missing file with exit code 64", () => {
    const r = run("parse", `${FIXTURES}does-not-exist.fl`);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain("no such file or directory");
  });

  it("parse exits 0 on a valid file", () => {
    const r = run("parse", `${FIXTURES}ping.fl`);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("ping.fl: ok");
  });

  it("parse prints a syntax error with file:line:col and exits 4", () => {
    const r = run("parse", `${FIXTURES}bad-syntax.fl`);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/error\[FL1\d\d\]/);
    expect(r.stderr).toContain("bad-syntax.fl:4:");
    expect(r.stderr).not.toMatch(/\n\s+at .*\.js:\d+/); // no stack trace
  });

  it("parse reports every type error of a file at once", () => {
    const r = run("parse", `${FIXTURES}bad-types.fl`);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain("error[FL300]"); // n = true
    expect(r.stderr).toContain("error[FL202]"); // unknown event Pong
    expect(r.stderr).toContain("error[FL302]"); // handler parameter bool vs int
    expect(r.stderr).toContain("error[FL206]"); // unknown property Missing
    expect(r.stderr).toContain("bad-types.fl:5:");
  });

  it("check reports model errors with exit code 4", () => {
    const r = run("check", `${FIXTURES}bad-types.fl`);
    expect(r.code).toBe(4);
  });

  it("parse --json gives machine-readable diagnostics", () => {
    const r = run("parse", "--json", `${FIXTURES}bad-syntax.fl`);
    expect(r.code).toBe(4);
    const json = JSON.parse(r.stdout) as { file: string; diagnostics: { code: string; span: unknown }[] }[];
    expect(json[0]!.diagnostics.length).toBeGreaterThan(0);
    expect(json[0]!.diagnostics[0]!.code).toMatch(/^FL1\d\d$/);
  });
});
