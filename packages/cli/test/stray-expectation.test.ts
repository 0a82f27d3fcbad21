// An expected.json entry for a test the file does not declare fails the run
// and is said on stderr when stdout carries a machine-readable report.
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "../src/cli.js";
import { captureIo } from "./capture-io.js";

const DIR = fileURLToPath(new URL("./fixtures/stray-expected/", import.meta.url));

describe("an expectation for an undeclared test", () => {
  it("keeps stdout a parseable JSON report and says so on stderr", async () => {
    const { io, stdout, stderr } = captureIo();
    const code = await runCli(["check", DIR, "--expected", "--reporter", "json"], io);
    expect(code).toBe(1);
    const report = JSON.parse(stdout());
    expect(report.ok).toBe(false);
    expect(stderr()).toContain("Gone: listed in expected.json but not declared in ping.fl");
  });

  it("is a line of the terminal report otherwise", async () => {
    const { io, stdout } = captureIo();
    expect(await runCli(["check", DIR, "--expected"], io)).toBe(1);
    expect(stdout()).toContain("Gone: listed in expected.json but not declared in ping.fl");
  });
});
