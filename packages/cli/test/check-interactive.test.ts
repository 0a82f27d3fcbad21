// On a terminal, a failing check offers the explorer for its first counterexample.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCheck } from "../src/commands/check.js";
import type { Io } from "../src/io.js";

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
