// `faultline explore` in-process: loading a trace and its model, and the
// plain-text rendering used when stdout is not a terminal (same as replay).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadTraceDocument, runExplore } from "../src/commands/explore.js";
import { exitCodeForFailure } from "../src/exit-codes.js";
import { runReplay } from "../src/commands/replay.js";
import { ExitCode } from "../src/exit-codes.js";
import { captureIo } from "./capture-io.js";
import { OVERDRAFT as MODEL, writeOverdraftTrace } from "./overdraft-trace.js";

let dir: string;
let tracePath: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "faultline-explore-"));
  tracePath = writeOverdraftTrace(dir);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("faultline explore (not a terminal)", () => {
  it("prints the trace exactly as faultline replay does, with the same exit code", async () => {
    const explore = captureIo();
    const code = await runExplore([tracePath], explore.io);
    const replay = captureIo();
    const replayCode = runReplay([tracePath], replay.io);
    expect(explore.stderr()).toBe("");
    expect(explore.stdout()).toBe(replay.stdout());
    expect(code).toBe(replayCode);
    expect(code).toBe(ExitCode.violation);
    expect(explore.stdout()).toContain("=> invariant BalanceNonNegative");
    expect(explore.stdout()).toMatch(/\d+\. Bank\(0\) <- Withdraw\(10\) from Client\(\d\)/);
  });

  it("prints plain text when stdout is a terminal but stdin is not", async () => {
    const captured = captureIo({ isTTY: true, env: {} });
    const stdin = { isTTY: false } as NodeJS.ReadStream;
    const code = await runExplore([tracePath], captured.io, { stdin, stdout: process.stdout });
    expect(code).toBe(ExitCode.violation);
    expect(captured.stdout()).toContain("Overdraft:");
  });

  it("builds a document with each step's state, the failure and its source line", () => {
    const loaded = loadTraceDocument([tracePath], captureIo().io);
    if (!loaded.ok) throw new Error("the trace should load");
    const document = loaded.document;
    expect(document.title).toBe(MODEL);
    expect(document.failure).toMatchObject({ kind: "invariant", property: "BalanceNonNegative" });
    const last = document.steps[document.steps.length - 1]!;
    expect(last.state["Bank(0)"]).toMatchObject({ state: "Open", vars: { balance: -10 } });
    expect(
      document.sourceExcerpt?.lines.some((line) => line.text.startsWith("invariant BalanceNonNegative")),
    ).toBe(true);
    expect(document.notes).toEqual([]);
  });

  it("takes the model from --model", async () => {
    expect(await runExplore([tracePath, "--model", MODEL], captureIo().io)).toBe(ExitCode.violation);
  });

  it("rejects bad input with a message and a usage or model-error exit code", async () => {
    const cases: [string[], number, RegExp][] = [
      [[], ExitCode.usage, /give one trace file/],
      [[join(dir, "missing.json")], ExitCode.usage, /cannot read/],
      [[tracePath, "--modle", MODEL], ExitCode.usage, /unknown option '--modle'/],
      [[tracePath, "--model", join(dir, "nope.fl")], ExitCode.usage, /no such model file/],
    ];
    writeFileSync(join(dir, "not-a-trace.json"), '{"hello": 1}');
    cases.push([[join(dir, "not-a-trace.json")], ExitCode.usage, /is not a Faultline trace/]);
    writeFileSync(join(dir, "broken.fl"), "machine {");
    cases.push([[tracePath, "--model", join(dir, "broken.fl")], ExitCode.modelError, /error\[FL/]);
    for (const [argv, expected, message] of cases) {
      const captured = captureIo();
      expect(await runExplore(argv, captured.io), argv.join(" ")).toBe(expected);
      expect(captured.stderr(), argv.join(" ")).toMatch(message);
      expect(captured.stdout()).toBe("");
    }
  });

  it("maps failures to replay's exit codes", () => {
    const failure = (kind: string) =>
      ({ kind, property: "p", message: "m" }) as Parameters<typeof exitCodeForFailure>[0];
    expect(exitCodeForFailure(null)).toBe(ExitCode.pass);
    expect(exitCodeForFailure(failure("invariant"))).toBe(ExitCode.violation);
    expect(exitCodeForFailure(failure("deadlock"))).toBe(ExitCode.builtinFailure);
    expect(exitCodeForFailure(failure("hot-at-end"))).toBe(ExitCode.liveness);
  });
});
