// `faultline check` on the inputs of issue 14 that hung, crashed (exit 70) or
// flooded the terminal: runaway steps are located runtime errors (exit 2), a
// step still running at --timeout ends the check bounded, and a binary file is
// one diagnostic. In-process, as cli.test.ts runs the command.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../src/cli.js";
import { captureIo } from "./capture-io.js";

const dir = mkdtempSync(join(tmpdir(), "faultline-limits-"));

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** `faultline check <name> --timeout <timeout> --workers 1` on a file written with `text`. */
function check(name: string, text: string, timeout = "10") {
  return run("check", file(name, text), "--timeout", timeout, "--workers", "1");
}

async function run(...args: string[]) {
  const captured = captureIo();
  const started = Date.now();
  const code = await runCli(args, captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr(), ms: Date.now() - started };
}

describe("check: the limits of one step", () => {
  it("a setup loop that creates machines forever: a located runtime error, in seconds", async () => {
    const r = await check(
      "spawn.fl",
      `machine Child { start state S { } }
machine Setup { start state Boot { entry { while (true) { new Child(); } } } }
test T [main = Setup];
`,
    );
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("spawn.fl:2:59)");
    expect(r.stdout).toContain("it exceeded 50,000,000 operations (an infinite loop?) (");
    expect(r.ms).toBeLessThan(10_000);
  });

  it("a step still running at --timeout: bounded (timeout), within a second of it", async () => {
    const r = await check(
      "busy.fl",
      "machine M { var x: int; start state S { entry { while (true) { x = (x * 7 + 3) % 1000; } } } }\ntest T [main = M];\n",
      "0.2",
    );
    expect(r.stdout).toContain("bounded (timeout)");
    expect(r.stderr).not.toContain("internal error");
    expect(r.ms).toBeLessThan(1_500);
  });

  it("choose(2147483647): a located runtime error (exit 2), not exit 70", async () => {
    const r = await check(
      "choose.fl",
      "machine M { var x: int; start state S { entry { x = choose(2147483647); } } } test T [main = M];\n",
    );
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("choose over 2147483647 alternatives: more than the limit of 100,000");
    expect(r.stdout).toContain("choose.fl:1:53");
  });

  it("unbounded recursion: the stack overflow is located at the function", async () => {
    const r = await check(
      "rec.fl",
      "fun down(n: int): int { return down(n + 1); }\nmachine M { var x: int; start state S { entry { x = down(0); } } }\ntest T [main = M];\n",
    );
    expect(r.code).toBe(2);
    expect(r.stdout).toContain("rec.fl:1:1)");
    expect(r.stdout).toContain("stack overflow (unbounded recursion in a function?) (");
  });
});

describe("check: files that are not text", () => {
  it("a file of NUL bytes is one short FL108", async () => {
    const path = file("nul.fl", Buffer.alloc(28_000));
    const r = await run("check", path);
    expect(r.code).not.toBe(0);
    const out = r.stdout + r.stderr;
    expect(out.match(/FL1\d\d/g)).toEqual(["FL108"]);
    expect(out.length).toBeLessThan(2_000);
  });
});
