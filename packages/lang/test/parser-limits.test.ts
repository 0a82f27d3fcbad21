// Inputs that are not reasonable programs get few, located diagnostics (issue
// 14, item 8): nesting too deep to parse (FL107), binary files (FL108), bytes
// that are not UTF-8 (FL109), and a cap on the number reported (FL110).
import { describe, expect, it } from "vitest";
import { compileSource } from "../src/front-end.js";
import { MAX_DIAGNOSTICS, MAX_NESTING } from "../src/parser.js";

function compile(text: string) {
  return compileSource({ path: "/m/limits.fl", text }).diagnostics;
}

/** A deterministic byte stream (xorshift32, fixed seed). */
function randomBytes(n: number, seed = 0x2545f491): Buffer {
  const out = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

describe("nesting too deep to parse", () => {
  it("3,000 nested ! is one located FL107, not FL102 at 1:1", () => {
    const text = `machine M { var b: bool; start state S { entry {\n  b = ${"!".repeat(3000)}true; } } }\ntest T [main = M];`;
    const ds = compile(text);
    expect(ds).toHaveLength(1);
    expect(ds[0]!.code).toBe("FL107");
    expect(ds[0]!.span.start.line).toBe(2);
    expect(ds[0]!.span.start.col).toBeGreaterThan(1);
  });

  it("300 nested forall is one located diagnostic with a nesting code", () => {
    const body = Array.from({ length: 300 }, (_, i) => `forall x${i} in s ::`).join(" ");
    const text = `machine M { var s: set[int]; var b: bool; start state S { entry {\n  b = ${body} true; } } }\ntest T [main = M];`;
    const ds = compile(text);
    expect(ds).toHaveLength(1);
    expect(["FL106", "FL107"]).toContain(ds[0]!.code);
    expect(ds[0]!.span.start.line).toBe(2);
  });

  it("brackets nested past the limit are FL107 at the first bracket too deep", () => {
    const text = `machine M { var x: int; start state S { entry { x = ${"(".repeat(MAX_NESTING + 10)}1${")".repeat(MAX_NESTING + 10)}; } } }`;
    const ds = compile(text);
    expect(ds.map((d) => d.code)).toEqual(["FL107"]);
    // The three braces around the entry count too: the 126th parenthesis is the 129th level.
    expect(ds[0]!.span.start.col).toBe(text.indexOf("(") + MAX_NESTING - 2);
  });
});

describe("files that are not text", () => {
  it("64 KB of random bytes is one FL108, not thousands of diagnostics", () => {
    const ds = compile(randomBytes(65536).toString("utf8"));
    expect(ds).toHaveLength(1);
    expect(ds[0]!.code).toBe("FL108");
    expect(JSON.stringify(ds).length).toBeLessThan(1000);
  });

  it("a file of NUL bytes is one short FL108", () => {
    const ds = compile("\0".repeat(28_000));
    expect(ds).toHaveLength(1);
    expect(ds[0]!.code).toBe("FL108");
    expect(ds[0]!.message).toBe("not a text file: it contains a NUL byte");
    expect(JSON.stringify(ds).length).toBeLessThan(1000);
  });

  it("random bytes without NUL are still not text", () => {
    const bytes = randomBytes(4096, 7).map((b) => (b === 0 ? 1 : b));
    const ds = compile(Buffer.from(bytes).toString("utf8"));
    expect(ds.map((d) => d.code)).toEqual(["FL108"]);
  });
});

describe("invalid UTF-8", () => {
  it("is a located FL109 where the bad byte was, not a silent U+FFFD", () => {
    const bytes = Buffer.concat([
      Buffer.from("// a comment with a bad byte: "),
      Buffer.from([0xc3, 0x28]),
      Buffer.from("\nmachine M { start state S { } }\ntest T [main = M];\n"),
    ]);
    const ds = compile(bytes.toString("utf8"));
    expect(ds.map((d) => d.code)).toEqual(["FL109"]);
    expect(ds[0]!.span.start).toMatchObject({ line: 1, col: 31 });
  });

  it("outside a comment it is reported once, as FL109, not also as an unexpected character", () => {
    const bytes = Buffer.concat([Buffer.from("machine M { start state S { } } "), Buffer.from([0xff])]);
    const ds = compile(bytes.toString("utf8"));
    expect(ds.map((d) => d.code)).toEqual(["FL109"]);
  });
});

describe("the cap on diagnostics", () => {
  it("reports the first 100 and counts the rest", () => {
    const text = Array.from({ length: 500 }, (_, i) => `fun f${i}(): int { return y; }`).join("\n");
    const ds = compile(text);
    expect(ds).toHaveLength(MAX_DIAGNOSTICS + 1);
    const last = ds[MAX_DIAGNOSTICS]!;
    expect(last.code).toBe("FL110");
    expect(last.message).toBe("... and 400 more diagnostics (only the first 100 are shown)");
    expect(last.span.start.line).toBe(101);
  });
});
