// colorEnabled: NO_COLOR, then FORCE_COLOR, then a terminal on stdout outside CI.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "../src/cli.js";
import { colorEnabled } from "../src/io.js";
import { captureIo } from "./capture-io.js";

const VIOLATION = fileURLToPath(new URL("./fixtures/outcomes/violation.fl", import.meta.url));

const on = (isTTY: boolean, env: Record<string, string>) => colorEnabled(captureIo({ isTTY, env }).io);

describe("colorEnabled", () => {
  it("colours a terminal outside CI, nothing else by default", () => {
    expect(on(true, {})).toBe(true);
    expect(on(false, {})).toBe(false);
    expect(on(true, { CI: "true" })).toBe(false);
  });

  it("turns colour on with FORCE_COLOR, in CI and when piped", () => {
    for (const value of ["1", "2", "3", "true", ""]) {
      expect(on(false, { FORCE_COLOR: value })).toBe(true);
      expect(on(true, { CI: "1", FORCE_COLOR: value })).toBe(true);
    }
  });

  it("turns colour off with FORCE_COLOR=0 or false, even on a terminal", () => {
    for (const value of ["0", "false", "FALSE"]) expect(on(true, { FORCE_COLOR: value })).toBe(false);
  });

  it("lets NO_COLOR win over FORCE_COLOR", () => {
    expect(on(true, { NO_COLOR: "1" })).toBe(false);
    expect(on(false, { NO_COLOR: "1", FORCE_COLOR: "1" })).toBe(false);
  });

  it("reaches the report of a check in CI", async () => {
    const run = async (env: Record<string, string>) => {
      const captured = captureIo({ env });
      await runCli(["check", VIOLATION, "--workers", "1"], captured.io);
      return captured.out();
    };
    expect(await run({ CI: "1", FORCE_COLOR: "1" })).toContain("\x1b[");
    expect(await run({ CI: "1" })).not.toContain("\x1b[");
    expect(await run({ CI: "1", FORCE_COLOR: "1", NO_COLOR: "1" })).not.toContain("\x1b[");
  });
});
