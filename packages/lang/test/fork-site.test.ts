// Which choose a handler's run may fork at (codegen/fork-site.ts): the first
// statement, outside loops, that evaluates a choose before anything but
// literals and variable reads, with an argument free of effects, when the
// action does work before it that resuming saves.
import { describe, expect, it } from "vitest";
import { compileModel } from "../src/codegen/generate.js";
import { compileSource } from "../src/front-end.js";

/** The generated JavaScript of a machine whose `on Go` handler is `body`. */
function handlerCode(body: string, extra = ""): string {
  const text = `event Go;
machine M {
  var x: int;
  var xs: seq[int];
  var s: set[int];
  var b: bool;
  start state S {
    on Go do { ${body} }
    ${extra}
  }
  fun f(): int { x = x + 1; return x; }
  fun g(n: int): int { return n + x; }
}
test T [main = M];`;
  const r = compileSource({ path: "m.fl", text });
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
  return compileModel(r.ir).js;
}

/** Whether the handler forks; a resume function is only ever made for a fork that is called. */
function forks(body: string, extra?: string): boolean {
  const js = handlerCode(body, extra);
  const calls = js.split("ctx.fork(").length - 1;
  const resumes = js.split(/^function [\w$]+\$resume\(/m).length - 1;
  expect(resumes).toBe(calls);
  return calls > 0;
}

describe("fork sites", () => {
  // Each after a call, which resuming saves running again per value.
  it.each([
    ["an assignment from a choose", "x = choose(3);"],
    ["a choose after a variable read", "x = x + choose(3);"],
    ["a choose as a call's first argument", "x = g(choose(2));"],
    ["a `$` condition", "if ($) { x = 1; }"],
    ["a choose on the left of &&", "if ($ && b) { x = 1; }"],
    ["a choose over a set", "s += (1); x = choose(s);"],
    ["a choose after a loop", "while (x < 2) { x = x + 1; } x = choose(2);"],
    ["a choose in an else branch", "if (b) { x = 1; } else { var k: int; k = choose(2); x = k; }"],
    ["a choose in an else-if condition", "if (b) { x = 1; } else if ($) { x = 2; } x = x + 1;"],
  ])("%s forks", (_what, body) => {
    expect(forks(`x = f(); ${body}`)).toBe(true);
  });

  it.each([
    ["a call before the choose", "x = f() + choose(2);"],
    ["a choose whose argument calls", "x = choose(f());"],
    ["a choose on the right of &&", "if (b && $) { x = 1; }"],
    ["a choose on the right of ||", "if (b || $) { x = 1; }"],
    ["a choose assigned to an element", "xs += (0, 0); xs[0] = choose(2);"],
    ["a choose in a loop", "while (x < 2) { x = choose(3); }"],
    ["a choose inserted into a seq (not a statement kind that forks)", "xs += (0, choose(2));"],
  ])("%s does not fork", (_what, body) => {
    expect(forks(`x = f(); ${body}`)).toBe(false);
  });

  it("a choose with nothing worth saving before it does not fork", () => {
    expect(forks("var k: int; k = x + 1; x = choose(3);")).toBe(false);
    for (const work of [
      "x = f();",
      "while (x < 2) { x = x + 1; }",
      "send this, Go;",
      "b = forall i in xs :: i > 0;",
    ]) {
      expect(forks(`var k: int; ${work} x = choose(3);`), work).toBe(true);
    }
    expect(forks("if (f() > 1) { x = choose(3); }"), "an if condition on the way").toBe(true);
  });

  it("a machine that may receive has no fork sites", () => {
    expect(forks("x = f(); x = choose(3);")).toBe(true);
    expect(forks("x = f(); x = choose(3); receive { case Go: { x = 1; } }")).toBe(false);
  });
});
