import { describe, expect, it } from "vitest";
import { type FlagSpec, parseArgs, parseDuration, splitList } from "../src/args.js";

const SPECS: FlagSpec[] = [
  { name: "test", kind: "list", description: "" },
  { name: "max-states", kind: "number", description: "" },
  { name: "quiet", kind: "boolean", description: "" },
  { name: "out", short: "o", kind: "string", description: "" },
];

describe("parseArgs", () => {
  it("separates positionals, flags, inline values and short names", () => {
    const r = parseArgs(["a.fl", "--max-states=10", "--quiet", "-o", "dir", "b.fl"], SPECS);
    expect(r.ok && r.args.positionals).toEqual(["a.fl", "b.fl"]);
    expect(r.ok && Object.fromEntries(r.args.flags)).toEqual({ "max-states": 10, quiet: true, out: "dir" });
  });

  it("accumulates lists, keeping commas inside a parameterized test name", () => {
    const r = parseArgs(["--test", "A,B(n=2,k=1)", "--test", "C"], SPECS);
    expect(r.ok && r.args.flags.get("test")).toEqual(["A", "B(n=2,k=1)", "C"]);
    expect(splitList("x,,y")).toEqual(["x", "y"]);
  });

  it("rejects unknown flags with a suggestion, missing values and bad numbers", () => {
    expect(parseArgs(["--quite"], SPECS)).toEqual({
      ok: false,
      message: "unknown option '--quite' (did you mean '--quiet'?)",
    });
    expect(parseArgs(["--out"], SPECS)).toMatchObject({
      ok: false,
      message: expect.stringContaining("needs a value"),
    });
    expect(parseArgs(["--max-states", "ten"], SPECS)).toMatchObject({
      ok: false,
      message: expect.stringContaining("needs a number"),
    });
    expect(parseArgs(["--quiet=yes"], SPECS)).toMatchObject({ ok: false });
  });

  it("parses durations", () => {
    expect(parseDuration("500ms")).toBe(500);
    expect(parseDuration("30s")).toBe(30_000);
    expect(parseDuration("2m")).toBe(120_000);
    expect(parseDuration("1h")).toBe(3_600_000);
    expect(parseDuration("7")).toBe(7000);
    expect(parseDuration("soon")).toBeNull();
  });
});
