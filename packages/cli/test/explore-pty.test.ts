// `faultline explore` as a user runs it: the built binary in a real
// pseudo-terminal (a detached 80x24 tmux session), driven by keystrokes and
// read back with capture-pane. tmux is required: without it this test fails
// (CI must install it: apt-get install -y tmux); it never skips.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildModel, checkExhaustive, traceToItf } from "@faultline/checker";
import { compileSource } from "@faultline/lang";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const BIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const MODEL = fileURLToPath(new URL("./fixtures/explore-overdraft.fl", import.meta.url));
const SOCKET = `faultline-explore-test-${process.pid}`;
const SESSION = "explore";

function tmux(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync("tmux", ["-L", SOCKET, "-f", "/dev/null", ...args], { encoding: "utf8" });
  if (result.error !== undefined) {
    throw new Error(
      `this test needs tmux to run faultline explore in a pseudo-terminal (${result.error.message}); ` +
        "install it (apt-get install -y tmux) — the test fails rather than skips without it",
    );
  }
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function screen(): string {
  return tmux("capture-pane", "-p", "-t", SESSION).stdout;
}

/** Polls the screen until `ready` holds (the binary needs a moment to start and to redraw). */
async function waitForScreen(ready: (text: string) => boolean, what: string): Promise<string> {
  let text = "";
  for (let attempt = 0; attempt < 300; attempt++) {
    text = screen();
    if (ready(text)) return text;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the terminal never showed ${what}; last screen:\n${text}`);
}

let dir: string;
let tracePath: string;

beforeAll(() => {
  const version = tmux("-V");
  expect(version.status, "tmux -V").toBe(0);
  dir = mkdtempSync(join(tmpdir(), "faultline-explore-pty-"));
  const compiled = compileSource({ path: MODEL, text: readFileSync(MODEL, "utf8") });
  if (!compiled.ok) throw new Error(`fixture does not compile: ${JSON.stringify(compiled.diagnostics)}`);
  const model = buildModel(compiled.ir, "Overdraft");
  const result = checkExhaustive(model);
  if (result.kind !== "violation") throw new Error(`expected a violation, got ${result.kind}`);
  tracePath = join(dir, "overdraft.itf.json");
  writeFileSync(
    tracePath,
    JSON.stringify(
      traceToItf(model, result.trace, { source: MODEL, test: "Overdraft", failure: result.failure }),
    ),
  );
});

afterAll(() => {
  // Only the private tmux server this test started (its own socket name).
  spawnSync("tmux", ["-L", SOCKET, "kill-server"]);
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe("faultline explore in a terminal", () => {
  it("shows the step list, steps with j, opens help with ? and quits with q (exit 0)", async () => {
    // CI=true on purpose: the explorer must still draw live frames when a user's shell sets CI.
    const command = [
      `CI=true ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} explore ${JSON.stringify(tracePath)}`,
      'echo "[faultline exited $?]"',
      "sleep 600",
    ].join("; ");
    const started = tmux("new-session", "-d", "-s", SESSION, "-x", "80", "-y", "24", command);
    expect(started.status, started.stderr).toBe(0);

    const first = await waitForScreen(
      (text) => text.includes("Steps") && text.includes("step 1/7"),
      "the step list",
    );
    const lines = first.split("\n");
    expect(lines[0]).toMatch(
      /^ faultline +✗ invariant BalanceNonNegative · explore-overdraft\.fl \/ O.* step 1\/7/,
    );
    expect(first).toContain("▸1 init: Setup(0)");
    expect(first).toMatch(/✗7 Bank\(0\) <- Withdraw\(10\)/);
    expect(first).toContain("State after step 1");
    expect(Math.max(...lines.map((line) => [...line].length))).toBeLessThanOrEqual(80);

    tmux("send-keys", "-t", SESSION, "j");
    await waitForScreen((text) => text.includes("step 2/7"), "step 2 selected");
    tmux("send-keys", "-t", SESSION, "j");
    const third = await waitForScreen((text) => text.includes("step 3/7"), "step 3 selected");
    expect(third).toMatch(/▸3 Client\(0\) <- Balance\(10\)/);
    expect(third).toContain("~ Client(0)  Finished  (was Asking)");

    tmux("send-keys", "-t", SESSION, "?");
    const help = await waitForScreen((text) => text.includes("Keys"), "the help overlay");
    expect(help).toContain("next step");
    expect(help).toContain("search steps");
    expect(help).toContain("filter machines");

    tmux("send-keys", "-t", SESSION, "q");
    const after = await waitForScreen((text) => text.includes("[faultline exited"), "the explorer exiting");
    expect(after).toContain("[faultline exited 0]");
    // The alternate screen is left: the explorer's frames are gone from the shell's screen.
    expect(after).not.toContain("Steps");
  });
});
