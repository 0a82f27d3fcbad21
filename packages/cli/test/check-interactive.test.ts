// On a terminal, a failing check offers the explorer for its first counterexample.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { runCheck } from "../src/commands/check.js";
import type { Io } from "../src/io.js";
import { captureIo } from "./capture-io.js";

const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));

function terminalIo(answer: string) {
  const out: string[] = [];
  const questions: string[] = [];
  const io: Io = {
    out: (t) => out.push(t),
    err: () => {},
    isTTY: true,
    env: {},
    ask: async (q) => {
      questions.push(q);
      return answer;
    },
  };
  return { io, out, questions };
}

describe("check on a terminal", () => {
  it("offers the explorer after a failure, and respects a no", async () => {
    const { io, questions } = terminalIo("n");
    const code = await runCheck([`${FIXTURES}outcomes/violation.fl`, "--workers", "1"], io);
    expect(code).toBe(1);
    expect(questions).toEqual(["\nStep through the counterexample of TwoBumps in the explorer? [y/N] "]);
  });

  it("does not ask when everything passes, in CI, or without a terminal", async () => {
    const pass = terminalIo("y");
    expect(await runCheck([`${FIXTURES}ping.fl`, "--workers", "1"], pass.io)).toBe(0);
    expect(pass.questions).toEqual([]);
    const ci = terminalIo("y");
    ci.io.env = { CI: "true" };
    expect(await runCheck([`${FIXTURES}outcomes/violation.fl`, "--workers", "1"], ci.io)).toBe(1);
    expect(ci.questions).toEqual([]);
  });
});

describe("the explorer's temporary trace folder", () => {
  // The command's os.tmpdir(), pointed at a fresh folder this test can list.
  let temp: string;
  beforeEach(() => {
    temp = mkdtempSync(join(tmpdir(), "faultline-tmpdir-test-"));
    vi.stubEnv("TMPDIR", temp);
    vi.stubEnv("TMP", temp);
    vi.stubEnv("TEMP", temp);
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    rmSync(temp, { recursive: true, force: true });
  });

  function terminal(answer: string) {
    const questions: string[] = [];
    const captured = captureIo({
      isTTY: true,
      env: {},
      ask: async (q) => {
        questions.push(q);
        expect(readdirSync(temp).filter((f) => f.startsWith("faultline-traces-"))).toHaveLength(1);
        return answer;
      },
    });
    return { ...captured, questions };
  }

  it("is not made when everything passes", async () => {
    const { io, questions } = terminal("y");
    expect(await runCheck([`${FIXTURES}ping.fl`, "--workers", "1"], io)).toBe(0);
    expect(questions).toEqual([]);
    expect(readdirSync(temp)).toEqual([]);
  });

  it("is removed when the offer is declined, and the report names no trace in it", async () => {
    const { io, questions, out } = terminal("n");
    expect(await runCheck([`${FIXTURES}outcomes/violation.fl`, "--workers", "1"], io)).toBe(1);
    expect(questions).toHaveLength(1);
    expect(readdirSync(temp)).toEqual([]);
    expect(out()).not.toContain("faultline-traces-");
  });

  it("is removed when the explorer closes", async () => {
    const { io, questions, stdout } = terminal("y");
    expect(await runCheck([`${FIXTURES}outcomes/violation.fl`, "--workers", "1"], io)).toBe(1);
    expect(questions).toHaveLength(1);
    // stdin is not a terminal here: the explorer prints the trace and returns.
    expect(stdout()).toContain("TwoBumps");
    expect(readdirSync(temp)).toEqual([]);
  });

  it("is not used with --out, whose trace stays", async () => {
    const out = join(temp, "out");
    const questions: string[] = [];
    const ask = async (q: string) => {
      questions.push(q);
      return "n";
    };
    const { io } = captureIo({ isTTY: true, env: {}, ask });
    expect(await runCheck([`${FIXTURES}outcomes/violation.fl`, "--workers", "1", "--out", out], io)).toBe(1);
    expect(questions).toHaveLength(1);
    expect(readdirSync(temp)).toEqual(["out"]);
    expect(readdirSync(out).some((f) => f.endsWith(".itf.json"))).toBe(true);
  });
});
