// End to end: the `faultline` command as users run it, `node bin/faultline.js`
// (the committed bin that npm links) in a subprocess or a pseudo-terminal.
// Only what a real process shows is here: the bin starting, exit statuses,
// a closed pipe, a terminal. Everything else about the command line runs
// in-process (cli.test.ts and the other tests call runCli or the commands).
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type IPty, spawn as spawnPty } from "@lydell/node-pty";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN } from "./bin-path.js";
import { writeOverdraftTrace } from "./overdraft-trace.js";
import xtermHeadless from "@xterm/headless";

/** A screen for the pseudo-terminal's output: xterm.js's headless terminal, as VS Code's terminal parses it. */
class ScreenBuffer {
  private readonly terminal: InstanceType<typeof xtermHeadless.Terminal>;
  constructor(cols: number, rows: number) {
    this.terminal = new xtermHeadless.Terminal({ cols, rows, allowProposedApi: true });
  }
  write(data: string): void {
    this.terminal.write(data);
  }
  /** The visible screen, one line per row, trailing blanks trimmed (writes are parsed asynchronously; callers poll). */
  screen(): string {
    const buffer = this.terminal.buffer.active;
    const lines: string[] = [];
    for (let row = 0; row < this.terminal.rows; row++)
      lines.push(buffer.getLine(buffer.viewportY + row)?.translateToString(true) ?? "");
    return lines.join("\n");
  }
  get onAlternateScreen(): boolean {
    return this.terminal.buffer.active.type === "alternate";
  }
}

const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));

function faultline(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: "utf8",
    env: { ...process.env, CI: "1" },
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

let dir: string;
let pty: IPty | undefined;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "faultline-e2e-"));
});

afterAll(() => {
  // Only the process this file started, if a failed test left it running.
  pty?.kill();
  rmSync(dir, { recursive: true, force: true });
});

describe("the faultline command (bin/faultline.js in a subprocess)", () => {
  it("starts and prints its version", () => {
    const r = faultline("--version");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("exits 1 on a violation and saves a trace, and replay of that trace exits 1 too", () => {
    const out = join(dir, "traces");
    const check = faultline("check", "--out", out, `${FIXTURES}outcomes/violation.fl`);
    expect(check.code).toBe(1);
    expect(check.stdout).toContain("invariant AtMostOne");
    expect(readdirSync(out)).toEqual(["violation.TwoBumps.itf.json"]);
    const replay = faultline("replay", join(out, "violation.TwoBumps.itf.json"));
    expect(replay.code).toBe(1);
    expect(replay.stdout).toContain("3 steps");
    expect(replay.stdout).toContain("invariant AtMostOne");
  });

  it("renders a syntax error on stderr with the source line and exits 4, without a stack trace", () => {
    const r = faultline("parse", `${FIXTURES}bad-syntax.fl`);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/^error\[FL1\d\d\]: /);
    expect(r.stderr).toContain("bad-syntax.fl:4:");
    expect(r.stderr).toContain("4 |     entry { send this Ping; }");
    expect(r.stderr).toMatch(/\| +\^+/);
    expect(r.stderr).not.toMatch(/\n\s+at .*\.js:\d+/);
  });

  it("ends quietly when its stdout pipe is closed (EPIPE), with no stack trace", async () => {
    // As in `faultline --help | true`: the reader is gone before the command writes.
    const child = spawn(process.execPath, [BIN, "--help"], { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.destroy();
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      child.on("close", (c, s) => resolve([c, s])),
    );
    expect(stderr).toBe("");
    expect(signal).toBeNull();
    expect(code).toBe(0);
  });
});

describe("faultline explore in a terminal (an 80x24 pseudo-terminal)", () => {
  let tracePath: string;

  beforeAll(() => {
    tracePath = writeOverdraftTrace(dir);
  });

  it("shows the step list, steps with j, opens help with ? and quits with q (exit 0)", async () => {
    const terminal = new ScreenBuffer(80, 24);
    // CI=true on purpose: the explorer must still draw live frames when a user's shell sets CI.
    const child = spawnPty(process.execPath, [BIN, "explore", tracePath], {
      name: "xterm-256color",
      cols: 80,
      rows: 24,
      cwd: dir,
      env: { ...process.env, CI: "true" },
    });
    pty = child;
    child.onData((data) => terminal.write(data));
    const exited = new Promise<number>((resolve) => child.onExit(({ exitCode }) => resolve(exitCode)));

    /** Polls the screen until `ready` holds (the command needs a moment to start and to redraw). */
    async function waitForScreen(ready: (text: string) => boolean, what: string): Promise<string> {
      let text = "";
      for (let attempt = 0; attempt < 300; attempt++) {
        text = terminal.screen();
        if (ready(text)) return text;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`the terminal never showed ${what}; last screen:\n${text}`);
    }

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

    child.write("j");
    await waitForScreen((text) => text.includes("step 2/7"), "step 2 selected");
    child.write("j");
    const third = await waitForScreen((text) => text.includes("step 3/7"), "step 3 selected");
    expect(third).toMatch(/▸3 Client\(0\) <- Balance\(10\)/);
    expect(third).toContain("~ Client(0)  Finished  (was Asking)");

    child.write("?");
    const help = await waitForScreen((text) => text.includes("Keys"), "the help overlay");
    expect(help).toContain("next step");
    expect(help).toContain("search steps");
    expect(help).toContain("filter machines");

    child.write("q");
    expect(await exited).toBe(0);
    pty = undefined;
    // The alternate screen is left: the explorer's frames are gone from the shell's screen.
    const after = await waitForScreen(() => !terminal.onAlternateScreen, "the explorer leaving its screen");
    expect(after).not.toContain("Steps");
  });
});
