// The formatter (src/format/): idempotent, the same program (spans aside) and
// the same comments in the same order, on every bundled file and on random
// re-layouts of them; the style of the bundled models; files with syntax errors
// are refused with their diagnostics.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatSource, withoutSpans } from "../src/format/format.js";
import { scanComments } from "../src/format/comments.js";
import { tokenize } from "../src/lexer.js";
import { parse } from "../src/parser.js";

const repoRoot = join(import.meta.dirname, "../../..");

function flFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...flFiles(p));
    else if (name.endsWith(".fl")) out.push(p);
  }
  return out;
}

const bundled = [
  ...flFiles(join(repoRoot, "models")),
  ...flFiles(join(repoRoot, "examples")),
  ...flFiles(join(import.meta.dirname, "fixtures", "valid")),
].map((path) => ({ path, name: path.slice(repoRoot.length + 1), text: readFileSync(path, "utf8") }));

function fmt(text: string, path = "t.fl"): string {
  const r = formatSource({ path, text });
  if (!r.ok) throw new Error(r.diagnostics.map((d) => `${d.code} ${d.message}`).join("\n"));
  return r.text;
}

function commentTexts(text: string): string[] {
  return scanComments(text).map((c) => c.text.trim());
}

function expectSameProgram(before: string, after: string): void {
  const a = parse({ path: "a.fl", text: before });
  const b = parse({ path: "b.fl", text: after });
  expect(b.diagnostics).toEqual([]);
  expect(withoutSpans(b.program)).toEqual(withoutSpans(a.program));
  expect(commentTexts(after)).toEqual(commentTexts(before));
}

describe("fmt on the bundled files", () => {
  it.each(bundled.map((f) => [f.name, f] as const))("%s: same program and comments, idempotent", (_, f) => {
    const once = fmt(f.text, f.path);
    expectSameProgram(f.text, once);
    expect(fmt(once, f.path)).toBe(once);
  });
});

describe("fmt style", () => {
  it("normalises spacing and indentation and keeps one-line blocks on one line", () => {
    const messy = [
      "event   Ping :int;event Pong;",
      "machine  A{var n:int;",
      "start state S{entry{n=n+1;send this,Ping,n*(2+3);}",
      "  on Pong goto T;}",
      "    state T { }",
      "}",
      "invariant I:forall a:A::a.n>=0&&!(a in T);",
      "test T1[main=A]:assert I with faults{drop Ping at most 1;crash A at most 1 then restart;};",
    ].join("\n");
    expect(fmt(messy)).toBe(
      [
        "event Ping: int;",
        "event Pong;",
        "machine A {",
        "  var n: int;",
        "  start state S {",
        "    entry { n = n + 1; send this, Ping, n * (2 + 3); }",
        "    on Pong goto T;",
        "  }",
        "  state T { }",
        "}",
        "invariant I: forall a: A :: a.n >= 0 && !(a in T);",
        "test T1 [main = A]: assert I with faults { drop Ping at most 1; crash A at most 1 then restart; };",
        "",
      ].join("\n"),
    );
  });

  it("keeps single blank lines between items, drops extra ones and those at the edges of a block", () => {
    const text = "\n\nevent A;\n\n\n\nevent B;\nmachine M {\n\n  start state S {\n\n  }\n\n}\n\n";
    expect(fmt(text)).toBe("event A;\n\nevent B;\nmachine M {\n  start state S { }\n}\n");
  });

  it("keeps the line breaks the author chose where a line may break", () => {
    const text = [
      "invariant P:",
      "forall a: A, b: A ::",
      "a == b || a.x",
      "+ b.x > 0;",
      "test param (n in [1, 2]) T [main = A]:",
      "assert P,",
      "Q",
      "with faults {",
      "drop at most n;",
      "};",
    ].join("\n");
    expect(fmt(text)).toBe(
      [
        "invariant P:",
        "  forall a: A, b: A ::",
        "    a == b || a.x",
        "      + b.x > 0;",
        "test param (n in [1, 2]) T [main = A]:",
        "  assert P,",
        "    Q",
        "  with faults {",
        "    drop at most n;",
        "  };",
        "",
      ].join("\n"),
    );
  });

  it("prints payloads, tuples and types the way the models write them", () => {
    const text =
      "event E:(a:int,b:seq[(int,)]);fun f(m:map[int,set[bool]]):int{var t:(int,bool);" +
      "new M((x=1,y=(2,)));new N(1,2);new O();return choose({1,2}[0])+sizeof([1])+t.0;}";
    expect(fmt(text)).toBe(
      "event E: (a: int, b: seq[(int,)]);\n" +
        "fun f(m: map[int, set[bool]]): int { var t: (int, bool); new M(x = 1, y = (2,)); new N(1, 2); new O(); " +
        "return choose({1, 2}[0]) + sizeof([1]) + t.0; }\n",
    );
  });
});

describe("fmt keeps comments in place", () => {
  it("leading, trailing, after '{', before '}' and at the end of the file", () => {
    const text = [
      "// header",
      "",
      "/* block */",
      "event A; // after A",
      "machine M { // the machine",
      "  // before the state",
      "  start state S {",
      "    entry {",
      "      var x: int; // x",
      "",
      "      // last",
      "    }",
      "  }",
      "}",
      "// the end",
    ].join("\n");
    expect(fmt(text)).toBe(`${text}\n`);
  });

  it("comments inside expressions and headers", () => {
    const text = "invariant I: /* a */ 1 + // b\n  2 > 0;\nfun f(/* p */ x: int) { send /* t */ x, E; }\n";
    const once = fmt(text);
    expectSameProgram(text, once);
    expect(fmt(once)).toBe(once);
    expect(once).toContain("// b\n");
  });
});

describe("fmt on random re-layouts (fast-check, fixed seed)", () => {
  // Each gap between two tokens gets random whitespace and sometimes a comment;
  // gaps that hold a comment of the file keep it. The formatter must give the
  // same program with the same comments, and be idempotent.
  const gapArb = fc.record({
    ws: fc.constantFrom(" ", "  ", "\n", "\n\n", "\n   ", "\t"),
    comment: fc.option(fc.constantFrom("/* c */", "// c\n", "/* multi\n   line */"), { freq: 8 }),
  });
  const sources = bundled.filter((f) => f.text.length < 6000);

  it("same program, same comments, idempotent", () => {
    fc.assert(
      fc.property(
        fc.nat(sources.length - 1),
        fc.array(gapArb, { minLength: 50, maxLength: 50 }),
        (i, gaps) => {
          const { text } = sources[i]!;
          const tokens = tokenize({ path: "r.fl", text }).tokens;
          let out = "";
          let prevEnd = 0;
          tokens.forEach((t, k) => {
            const original = text.slice(prevEnd, t.startOffset);
            const g = gaps[k % gaps.length]!;
            if (k === 0 || /\/[/*]/.test(original)) out += original;
            else
              out +=
                g.ws + (g.comment === null ? "" : `${g.comment}${g.comment.startsWith("//") ? "" : " "}`);
            out += t.image;
            prevEnd = t.startOffset + t.image.length;
          });
          out += text.slice(prevEnd);
          const once = fmt(out);
          expectSameProgram(out, once);
          expect(fmt(once)).toBe(once);
        },
      ),
      { seed: Number(process.env.FMT_SEED ?? 17), numRuns: Number(process.env.FMT_RUNS ?? 60) },
    );
  });
});

describe("fmt refuses what it cannot format", () => {
  it("a file with syntax errors: its diagnostics, nothing written", () => {
    const r = formatSource({ path: "bad.fl", text: "machine M { start state S { entry { x = ; } } }" });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.diagnostics.length).toBeGreaterThan(0);
      expect(r.diagnostics[0]!.code).toMatch(/^FL1/);
      expect(r.diagnostics[0]!.span.start.line).toBe(1);
    }
  });

  it("keeps the file's line breaks (CRLF) and byte-order mark", () => {
    expect(fmt("\ufeffevent   A; // c\r\n/* a\r\n b */\r\nevent B;\r\n")).toBe(
      "\ufeffevent A; // c\r\n/* a\r\n b */\r\nevent B;\r\n",
    );
    expect(fmt("event   A;\nevent B;")).toBe("event A;\nevent B;\n");
  });

  it("type errors are not its business: an unknown name still formats", () => {
    expect(fmt("invariant I:nope>0;")).toBe("invariant I: nope > 0;\n");
  });
});
