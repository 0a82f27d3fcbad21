// `check`'s flags, validated without running anything: parseCheckArgs is a
// pure function from argv to the options or the first usage error.
import { describe, expect, it } from "vitest";
import { type CheckOptions, parseCheckArgs } from "../src/commands/check.js";

function options(...argv: string[]): CheckOptions {
  const parsed = parseCheckArgs(argv);
  if (parsed.kind !== "options") throw new Error(`expected options, got ${JSON.stringify(parsed)}`);
  return parsed.options;
}

function usage(...argv: string[]): string {
  const parsed = parseCheckArgs(argv);
  if (parsed.kind !== "usage") throw new Error(`expected a usage error, got ${JSON.stringify(parsed)}`);
  return parsed.message;
}

describe("check's flags", () => {
  it("has defaults for everything but the files", () => {
    expect(options("models")).toEqual({
      paths: ["models"],
      reporters: ["pretty"],
      out: undefined,
      expected: false,
      tests: undefined,
      params: undefined,
      mode: "exhaustive",
      random: {},
      maxDepth: undefined,
      maxStates: undefined,
      timeoutMs: undefined,
      workers: undefined,
      memoryBytes: undefined,
      faults: undefined,
      symmetry: true,
      partialOrder: false,
      backend: "auto",
      liveness: true,
      coverage: false,
      witnesses: false,
      strict: false,
      quiet: false,
      verbose: false,
    });
  });

  it("reads --witnesses and --strict", () => {
    expect(options("models", "--witnesses", "--strict")).toMatchObject({ witnesses: true, strict: true });
  });

  it("reads every flag into its typed option", () => {
    const o = options(
      "a.fl",
      "b",
      "--test",
      "T,U",
      "--reporter",
      "json",
      "--reporter",
      "github",
      "--out",
      "out",
      "--mode",
      "random",
      "--seed",
      "0",
      "--runs",
      "5",
      "--max-steps",
      "9",
      "--timeout",
      "2m",
      "--memory",
      "1GiB",
      "--workers",
      "3",
      "--faults",
      "",
      "--no-symmetry",
      "--por",
      "--no-liveness",
      "--coverage",
      "--quiet",
    );
    expect(o).toMatchObject({
      paths: ["a.fl", "b"],
      tests: ["T", "U"],
      reporters: ["json", "github"],
      out: "out",
      mode: "random",
      random: { seed: 0, runs: 5, maxSteps: 9 },
      timeoutMs: 120_000,
      memoryBytes: 1024 ** 3,
      workers: 3,
      faults: "",
      symmetry: false,
      partialOrder: true,
      liveness: false,
      coverage: true,
      quiet: true,
    });
  });

  it("answers --help before reading anything else", () => {
    expect(parseCheckArgs(["--bogus", "-h"])).toEqual({ kind: "help" });
  });

  it("gives the first usage error, in the order the flags are checked", () => {
    expect(usage()).toBe("no files given (usage: faultline check <files|dirs>...)");
    expect(usage("m", "--reporter", "tap")).toBe(
      "unknown reporter 'tap' (expected pretty, json, junit, sarif, github or html)",
    );
    expect(usage("m", "--reporter", "json", "--reporter", "sarif")).toBe(
      "--reporter json and sarif would both write to stdout; give --out DIR to write the json, junit and sarif reports to files",
    );
    expect(parseCheckArgs(["m", "--reporter", "json", "--reporter", "sarif", "--out", "d"]).kind).toBe(
      "options",
    );
    expect(usage("m", "--max-states", "0")).toBe("--max-states needs a whole number >= 1, got 0");
    expect(usage("m", "--timeout", "soon")).toBe(
      "--timeout needs a duration above zero like 30s or 5m, got 'soon'",
    );
    expect(usage("m", "--mode", "fast")).toBe("--mode is exhaustive, random, pct or auto, not 'fast'");
    expect(usage("m", "--seed", "4294967296")).toBe(
      "--seed needs a whole number from 0 to 4294967295, got 4294967296",
    );
    expect(usage("m", "--runs", "0")).toBe("--runs needs a whole number >= 1, got 0");
    expect(usage("m", "--workers", "0")).toBe("--workers needs a whole number from 1 to 256, got 0");
    expect(usage("m", "--memory", "lots")).toBe("--memory needs a size like 512MiB or 8GiB, got 'lots'");
  });

  it("notes random-only flags in exhaustive mode, also before a later error", () => {
    const ok = parseCheckArgs(["m", "--seed", "3"]);
    expect(ok).toMatchObject({
      kind: "options",
      notes: ["--seed only matter with --mode random, pct or auto"],
    });
    expect(parseCheckArgs(["m", "--runs", "2", "--workers", "0"])).toEqual({
      kind: "usage",
      message: "--workers needs a whole number from 1 to 256, got 0",
      notes: ["--runs only matter with --mode random, pct or auto"],
    });
    expect(parseCheckArgs(["m", "--mode", "pct", "--seed", "3"])).toMatchObject({ notes: [] });
  });
});
