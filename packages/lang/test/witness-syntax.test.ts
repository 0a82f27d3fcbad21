// Witness properties in the front end: `reachable Name: expr;` is checked like
// an invariant and lowered with `reachable: true` (a test's assert names it
// with kind "reachable"); `cover (Spec.State)` names asserted spec states
// (FL417 otherwise); the formatter keeps both.
import { describe, expect, it } from "vitest";
import { formatSource } from "../src/format/format.js";
import { compileSource } from "../src/front-end.js";

const PROGRAM = `event Ask;
spec Answered observes Ask { start state Idle { on Ask goto Done; } state Done { } }
machine M { var n: int; start state I { } }
invariant Small: forall m: M :: m.n < 3;
reachable Big: exists m: M :: m.n > 1;
test T [main = M]: assert Small, Big, Answered cover (Answered.Done, Answered.Idle);
`;

function codes(text: string): string[] {
  return compileSource({ path: "w.fl", text }).diagnostics.map((d) => `${d.code} ${d.message}`);
}

describe("reachable and cover", () => {
  it("lower to a reachable assert and the test's covers", () => {
    const { ir, diagnostics } = compileSource({ path: "w.fl", text: PROGRAM });
    expect(diagnostics).toEqual([]);
    expect(ir!.invariants.map((i) => [i.name, i.reachable])).toEqual([
      ["Small", false],
      ["Big", true],
    ]);
    const test = ir!.tests[0]!;
    expect(test.asserts).toEqual([
      { kind: "invariant", name: "Small" },
      { kind: "reachable", name: "Big" },
      { kind: "spec", name: "Answered" },
    ]);
    expect(test.covers.map((c) => `${c.spec}.${c.state}`)).toEqual(["Answered.Done", "Answered.Idle"]);
  });

  it("check a reachable property like an invariant (bool, no effects)", () => {
    expect(codes(PROGRAM.replace("exists m: M :: m.n > 1", "3"))).toEqual([
      "FL308 reachable property 'Big' must be a bool expression, got int",
    ]);
    expect(codes(PROGRAM.replace("exists m: M :: m.n > 1", "choose({true, false})"))[0]).toMatch(/^FL410 /);
  });

  it("report FL417 for a cover target that is not an asserted spec's state", () => {
    const base = PROGRAM.replace("cover (Answered.Done, Answered.Idle)", "cover (X)");
    expect(codes(base.replace("cover (X)", "cover (Answered.Gone)"))).toEqual([
      "FL417 'Gone' is not a state of spec 'Answered'",
    ]);
    expect(codes(base.replace("cover (X)", "cover (Nope.Done)"))).toEqual([
      "FL417 'Nope' is not a spec monitor",
    ]);
    expect(codes(base.replace(", Answered cover (X)", " cover (Answered.Done)"))).toEqual([
      "FL417 test 'T' covers a state of 'Answered' but does not assert it",
    ]);
    expect(codes(base.replace("cover (X)", "cover (Answered.Done, Answered.Done)"))).toEqual([
      "FL417 'Answered.Done' is covered twice",
    ]);
  });

  it("are kept by the formatter", () => {
    const r = formatSource({ path: "w.fl", text: PROGRAM });
    expect(r.ok).toBe(true);
    const text = (r as { text: string }).text;
    expect(text).toContain("reachable Big: exists m: M :: m.n > 1;");
    expect(text).toContain("cover (Answered.Done, Answered.Idle)");
  });
});
