// Ctrl-C during `faultline check` (issue 14, item 7): the first SIGINT stops
// the search (on this thread or on the workers), prints the partial figures
// and the summary, writes the requested reports with outcome "interrupted",
// and exits 130; a second one quits at once. The built command in a
// subprocess, signalled once the long check has started.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN } from "./bin-path.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
/** Millions of states: far longer than any of these tests lets it run. */
const LONG_CHECK = ["check", "models/bench/two-phase-tla.fl", "--param", "rms=9"];

let dir: string;
const children: ChildProcess[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "faultline-interrupt-"));
});

afterAll(() => {
  // Only the processes these tests started, should one still run after a failed test.
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Milliseconds from the first SIGINT to the exit. */
  afterSignalMs: number;
}

/** Runs the command, sends `signals` SIGINTs once the file's heading is out and `waitMs` more passed. */
function interrupted(args: string[], waitMs: number, signals = 1): Promise<Run> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { ...process.env, CI: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let stdout = "";
  let stderr = "";
  let signalledAt = 0;
  // The heading goes to stdout, or to stderr when another reporter owns stdout.
  const started = () => {
    if (signalledAt === 0 && (stdout + stderr).includes("two-phase-tla.fl")) {
      signalledAt = -1;
      setTimeout(() => {
        signalledAt = performance.now();
        for (let i = 0; i < signals; i++) child.kill("SIGINT");
      }, waitMs);
    }
  };
  child.stdout!.on("data", (chunk) => {
    stdout += chunk;
    started();
  });
  child.stderr!.on("data", (chunk) => {
    stderr += chunk;
    started();
  });
  return new Promise((resolve) =>
    child.on("close", (code, signal) =>
      resolve({ code, signal, stdout, stderr, afterSignalMs: performance.now() - signalledAt }),
    ),
  );
}

describe("Ctrl-C during check", () => {
  it("stops the single-threaded search, prints the figures so far and writes the JSON report, exit 130", async () => {
    const out = join(dir, "single");
    const run = await interrupted(
      [...LONG_CHECK, "--workers", "1", "--reporter", "pretty", "--reporter", "json", "--out", out],
      800,
    );
    expect(run.signal).toBeNull();
    expect(run.code).toBe(130);
    expect(run.afterSignalMs).toBeLessThan(3_000);
    expect(run.stderr).toContain("interrupted; stopping the search");
    // The terminal report is on stderr: the JSON report owns stdout.
    expect(run.stderr).toMatch(
      /✗ TLC\(rms=9\): interrupted \(Ctrl-C\) without a verdict — [\d,]+ states, depth \d+/,
    );
    expect(run.stderr).toContain("interrupted (Ctrl-C): the tests after the last one shown were not checked");
    expect(JSON.parse(run.stdout)).toMatchObject({ interrupted: true });
    const json = JSON.parse(readFileSync(join(out, "faultline.json"), "utf8"));
    expect(json).toMatchObject({ ok: false, exitCode: 130, interrupted: true });
    expect(json.tests).toHaveLength(1);
    expect(json.tests[0]).toMatchObject({ outcome: "interrupted", boundReason: "interrupted" });
    expect(json.tests[0].stats.distinctStates).toBeGreaterThan(0);
  });

  it("stops every worker of a parallel search", async () => {
    const run = await interrupted([...LONG_CHECK, "--workers", "2", "--memory", "512MiB"], 900);
    expect(run.code).toBe(130);
    expect(run.afterSignalMs).toBeLessThan(3_000);
    expect(run.stdout).toMatch(/interrupted \(Ctrl-C\) without a verdict — [\d,]+ states/);
  });

  it("quits at once on a second Ctrl-C", async () => {
    const run = await interrupted([...LONG_CHECK, "--workers", "1"], 300, 2);
    expect(run.code).toBe(130);
    expect(run.afterSignalMs).toBeLessThan(2_000);
  });

  it("stops a random search between two walks, with the figures so far", async () => {
    const run = await interrupted(
      [...LONG_CHECK, "--mode", "random", "--runs", "100000000", "--timeout", "60"],
      600,
    );
    expect(run.code).toBe(130);
    expect(run.afterSignalMs).toBeLessThan(3_000);
    expect(run.stdout).toMatch(/interrupted \(Ctrl-C\) without a verdict — random seed \d+: [\d,]+ runs/);
  });
});
