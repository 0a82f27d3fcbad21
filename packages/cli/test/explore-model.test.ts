// `faultline explore <model.fl>`: off a terminal it prints where an interactive
// session would start (runCli in-process, as scripts run the command: stdout
// not a terminal); bad input gives a message and a usage or model-error exit code.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../src/cli.js";
import { runExplore } from "../src/commands/explore.js";
import { ExitCode } from "../src/exit-codes.js";
import { captureIo } from "./capture-io.js";

const DICE = fileURLToPath(new URL("./fixtures/explore-dice.fl", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "faultline-explore-model-"));

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function run(...args: string[]) {
  const captured = captureIo();
  const status = await runCli(["explore", ...args], captured.io);
  return { status, stdout: captured.stdout(), stderr: captured.stderr() };
}

describe("faultline explore <model.fl> (not a terminal)", () => {
  it("prints the initial steps, the initial state and its enabled steps, and exits 0", async () => {
    const result = await run(DICE);
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const lines = result.stdout.split("\n");
    expect(lines[0]).toBe(`${DICE} / Dice: 1 initial step`);
    expect(lines[1]).toBe("  1.   init: Setup(0)");
    expect(result.stdout).toContain(
      "initial state 1 (after init: Setup(0)):\n  Setup(0)  Boot\n  Table(0)  Open\n",
    );
    expect(result.stdout).toContain("    [0]: Player(0) -> Table(0): Hello(Player(0))\n");
    expect(result.stdout).toContain(
      "enabled steps (1):\n  1.   Table(0) <- Hello(Player(0)) from Player(0)\n",
    );
  });

  it("says when the initial state has no enabled step (a deadlock), with --test", async () => {
    const result = await run(DICE, "--test", "Stuck");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`${DICE} / Stuck: 1 initial step`);
    expect(result.stdout).toMatch(
      /enabled steps \(0\):\n {2}none \(deadlock\): deadlock: no step is enabled/,
    );
  });

  it("takes a parameterized test's base name, as check does (its first expansion)", async () => {
    const example = fileURLToPath(new URL("../../../examples/symmetry.fl", import.meta.url));
    const result = await run(example, "--test", "LostPrepare");
    expect(result.status).toBe(0);
    expect(result.stdout).toContain(`${example} / LostPrepare(participants=3): 1 initial step`);
  });

  it("lists the fault steps --faults enables", async () => {
    const result = await run(DICE, "--faults", "drop at most 1");
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(
      /enabled steps \(2\):\n {2}1\. {3}Table\(0\) <- Hello.*\n {2}2\. {3}.*Hello/,
    );
  });

  it("rejects an unknown test (listing the tests), bad faults, a missing file, and a model that does not compile", async () => {
    writeFileSync(join(dir, "broken.fl"), "machine {");
    const cases: [string[], number, RegExp][] = [
      [[DICE, "--test", "Nope"], ExitCode.usage, /has no test 'Nope' \(tests: Dice, Stuck\)/],
      [[DICE, "--faults", "explode everything"], ExitCode.usage, /--faults/],
      [[join(dir, "missing.fl")], ExitCode.usage, /no such model file/],
      [[DICE, "--tset", "Dice"], ExitCode.usage, /unknown option '--tset' \(did you mean '--test'\?\)/],
      [[join(dir, "broken.fl")], ExitCode.modelError, /error\[FL/],
    ];
    for (const [argv, expected, message] of cases) {
      const captured = captureIo();
      expect(await runExplore(argv, captured.io), argv.join(" ")).toBe(expected);
      expect(captured.stderr(), argv.join(" ")).toMatch(message);
      expect(captured.stdout()).toBe("");
    }
  });
});
