// The one value formatter (value-text.ts): `.fl` syntax for every value a
// state view or an ITF file holds, and a round trip through the language: a
// formatted value, written into a `.fl` program as a literal, evaluates to
// the same value.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildModel } from "../src/fl/fl-model.js";
import type { Json } from "../src/model.js";
import { formatMessage, formatValue, formatValueLines } from "../src/value-text.js";
import { compileText } from "./fixtures/fl/load.js";

describe("formatValue", () => {
  it("writes values as .fl literals", () => {
    expect(formatValue(3)).toBe("3");
    expect(formatValue(true)).toBe("true");
    expect(formatValue('say "hi"\n')).toBe('"say \\"hi\\"\\n"');
    expect(formatValue([1, 2])).toBe("[1, 2]");
    expect(formatValue({ "#set": [1, 7] })).toBe("{1, 7}");
    expect(formatValue({ "#map": [["a", { "#tup": [1, 7] }]] })).toBe('{"a": (1, 7)}');
    expect(formatValue({ "#tup": [1] })).toBe("(1,)");
    expect(formatValue({ k: "a", v: 1 })).toBe('(k = "a", v = 1)');
    expect(formatValue({ tag: "Follower", value: 2 })).toBe("Follower(2)");
    expect(formatValue({ tag: "Yes", value: { "#tup": [] } })).toBe("Yes");
    expect(formatValue(null)).toBe("null");
  });

  it("reads ITF written by other tools the same way", () => {
    expect(formatValue({ "#bigint": "-12345678901234567890" })).toBe("-12345678901234567890");
    expect(formatValue({ tag: "Some", value: { "#bigint": "3" } })).toBe("Some(3)");
    expect(formatValue({ "#unserializable": "Int" })).toBe("<Int>");
  });

  it("writes messages with the payload's parentheses shared with the event's", () => {
    expect(formatMessage("Ping", null)).toBe("Ping");
    expect(formatMessage("Put", { k: "a", v: 1 })).toBe('Put(k = "a", v = 1)');
    expect(formatMessage("Vote", { tag: "Yes", value: { "#tup": [] } })).toBe("Vote(Yes)");
    expect(formatMessage("Pair", { "#tup": [1, 2] })).toBe("Pair(1, 2)");
  });

  it("breaks long values by their structure", () => {
    const value = {
      "#map": [
        ["alpha", { "#set": [1, 2, 3] }],
        ["beta", { "#set": [] }],
      ],
    };
    expect(formatValueLines(value, 20)).toEqual(["{", '  "alpha": {1, 2, 3},', '  "beta": {}', "}"]);
  });
});

// ---- the round trip through the language

interface Typed {
  type: string;
  value: Json;
}

const ENUM = ["Red", "Green", "Blue"];

const scalar: fc.Arbitrary<Typed> = fc.oneof(
  fc.integer({ min: -2147483647, max: 2147483647 }).map((n) => ({ type: "int", value: n })),
  fc.boolean().map((b) => ({ type: "bool", value: b })),
  fc
    .string({ unit: fc.constantFrom("a", "Z", " ", '"', "\\", "\n", "\t", "é", "→") })
    .map((s) => ({ type: "string", value: s })),
  fc.constantFrom(...ENUM).map((m) => ({ type: "Color", value: { tag: m, value: { "#tup": [] } } })),
);

const typed: fc.Arbitrary<Typed> = fc.letrec<{ value: Typed }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalar,
    // A set of ints, in the canonical (ascending) order the runtime keeps.
    fc
      .uniqueArray(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 4 })
      .map((xs) => ({ type: "set[int]", value: { "#set": [...xs].sort((a, b) => a - b) } })),
    fc
      .tuple(tie("value"), fc.integer({ min: 1, max: 3 }))
      .map(([t, n]) => ({ type: `seq[${t.type}]`, value: Array.from({ length: n }, () => t.value) })),
    fc.array(tie("value"), { minLength: 1, maxLength: 3 }).map((ts) => ({
      type: `(${ts.map((t) => t.type).join(", ")}${ts.length === 1 ? "," : ""})`,
      value: { "#tup": ts.map((t) => t.value) },
    })),
    fc.array(tie("value"), { minLength: 1, maxLength: 3 }).map((ts) => ({
      type: `(${ts.map((t, i) => `f${i}: ${t.type}`).join(", ")})`,
      value: Object.fromEntries(ts.map((t, i) => [`f${i}`, t.value])),
    })),
  ),
})).value;

/** The value the program's machine holds after `x = <literal>;`, from its state view. */
function evaluate(t: Typed): Json {
  const source = [
    `enum Color { ${ENUM.join(", ")} }`,
    `machine M { var x: ${t.type}; start state S { entry { x = ${formatValue(t.value)}; } } }`,
    "test T [main = M];",
  ].join("\n");
  const model = buildModel(compileText("round-trip.fl", source), "T");
  let view: Json = null;
  model.initial((_step, outcome) => {
    if (outcome.kind !== "state") throw new Error(outcome.failure.message);
    view = (model.viewState(outcome.state)["M(0)"] as { vars: { x: Json } }).vars.x;
  });
  return view;
}

describe("formatValue round trip", () => {
  it("a formatted value, parsed as a .fl literal, is the same value", () => {
    fc.assert(
      fc.property(typed, (t) => {
        expect(evaluate(t)).toEqual(t.value);
      }),
      { seed: 20261204, numRuns: 60 },
    );
  });
});
