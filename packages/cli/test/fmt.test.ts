// `faultline fmt`: formats in place, --check reports and writes nothing (exit 1
// when something is not formatted), files with syntax errors are left alone
// with located diagnostics (exit 4); and the formatter keeps the program of
// random generated models (the generator of the checker's property tests).
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { formatSource, parse, withoutSpans } from "@faultline/lang";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { program as randomProgram } from "../../checker/test/fl-random-program.js";
import { runCli } from "../src/cli.js";
import { captureIo } from "./capture-io.js";

async function cli(argv: string[]): Promise<{ code: number; out: string; stdout: string }> {
  const { io, out, stdout } = captureIo();
  const code = await runCli(argv, io);
  return { code, out: out(), stdout: stdout() };
}

const MESSY = "event Ping;\nmachine M{start state S{entry{send this,Ping;}on Ping do{}}}\n";
const TIDY = "event Ping;\nmachine M { start state S { entry { send this, Ping; } on Ping do { } } }\n";

function tempFiles(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "faultline-fmt-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

describe("faultline fmt", () => {
  it("formats files in place and says which it changed", async () => {
    const dir = tempFiles({ "a.fl": MESSY, "b.fl": TIDY });
    const r = await cli(["fmt", dir]);
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, "a.fl"), "utf8")).toBe(TIDY);
    expect(r.stdout).toBe(`${join(dir, "a.fl")}: formatted\n2 files: 1 file reformatted\n`);
  });

  it("--check writes nothing and exits 1 when a file is not formatted, 0 when all are", async () => {
    const dir = tempFiles({ "a.fl": MESSY });
    const r = await cli(["fmt", "--check", dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${join(dir, "a.fl")}: not formatted`);
    expect(readFileSync(join(dir, "a.fl"), "utf8")).toBe(MESSY);
    writeFileSync(join(dir, "a.fl"), TIDY);
    const again = await cli(["fmt", "--check", dir]);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe("1 file: all formatted\n");
  });

  it("leaves a file with syntax errors alone: its diagnostics with file:line:col, exit 4", async () => {
    const dir = tempFiles({ "bad.fl": "machine M {\n  start state S { entry { x = ; } }\n}\n" });
    const r = await cli(["fmt", dir]);
    expect(r.code).toBe(4);
    expect(r.out).toMatch(/bad\.fl:2:\d+/);
    expect(r.out).toMatch(/FL10\d/);
    expect(r.out).toContain("not formatted (fix the errors first)");
  });

  it("usage errors: no files, a missing file", async () => {
    expect((await cli(["fmt"])).code).toBe(64);
    expect((await cli(["fmt", "no/such/file.fl"])).code).toBe(64);
  });
});

describe("fmt on generated programs (fast-check, fixed seed)", () => {
  it("same program, idempotent", () => {
    fc.assert(
      fc.property(fc.array(fc.nat(1000), { minLength: 1, maxLength: 40 }), (stream) => {
        const text = randomProgram(stream);
        const once = formatSource({ path: "r.fl", text });
        expect(once.ok).toBe(true);
        if (!once.ok) return;
        expect(withoutSpans(parse({ path: "f.fl", text: once.text }).program)).toEqual(
          withoutSpans(parse({ path: "r.fl", text }).program),
        );
        const twice = formatSource({ path: "r.fl", text: once.text });
        expect(twice.ok && twice.text).toBe(once.text);
      }),
      { seed: 1717, numRuns: 60 },
    );
  });
});
