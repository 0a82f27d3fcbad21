import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { checkExhaustive } from "../src/search/bfs-explorer.js";
import type { Json } from "../src/model.js";
import { replayTrace } from "../src/trace/replay.js";
import { failureToText, traceToText } from "../src/trace/trace.js";
import { createTraceFile, parseTraceFile, serializeTraceFile } from "../src/trace/trace-file.js";
import { GraphModel } from "./models/graph-model.js";
import { GridModel } from "./models/grid-model.js";
import { TwoPhaseModel } from "./models/two-phase-model.js";
import { buildModel } from "../src/fl/fl-model.js";
import { compileText } from "./fixtures/fl/load.js";

describe("replayTrace", () => {
  it("reproduces every state and labels every step", () => {
    const model = new GridModel(4, 4);
    const steps: Json[] = [{ start: true }, { move: "x+2" }, { move: "y+1" }, { move: "x+1" }];
    const replay = replayTrace(model, steps);
    expect(replay.states).toEqual([
      { x: 0, y: 0 },
      { x: 2, y: 0 },
      { x: 2, y: 1 },
      { x: 3, y: 1 },
    ]);
    expect(replay.labels.map((l) => l.text)).toEqual([
      "start to (0, 0)",
      "x+2 to (2, 0)",
      "y+1 to (2, 1)",
      "x+1 to (3, 1)",
    ]);
    expect(replay.replayed).toBe(4);
    expect(replay.outcome).toEqual({ kind: "state", state: { x: 3, y: 1 } });
    expect(replay.failure).toBeUndefined();
  });

  it("stops at a failing step", () => {
    const model = new GridModel(2, 0, true);
    const replay = replayTrace(model, [{ start: true }, { move: "x+2" }, { move: "x+1" }]);
    expect(replay.replayed).toBe(2);
    expect(replay.failure).toMatchObject({ kind: "assertion", message: "reached the goal" });
    expect(replay.states).toHaveLength(1);
  });

  it("reports the terminal failure of a last state with no successor", () => {
    const model = new GraphModel({ nodeCount: 2, initial: [0], edges: [[1], []], deadlocked: [1] });
    const replay = replayTrace(model, [{ init: 0 }, { from: 0, index: 0, to: 1 }]);
    expect(replay.failure).toMatchObject({ kind: "deadlock", message: "node 1 is stuck" });
    // Not terminal yet after the first step: node 0 has a successor.
    expect(replayTrace(model, [{ init: 0 }]).failure).toBeUndefined();
  });

  it("returns an error, not a throw, when the model rejects a step", () => {
    const model = new GraphModel({ nodeCount: 2, initial: [0], edges: [[1], []] });
    const replay = replayTrace(model, [{ init: 0 }, { from: 0, index: 0, to: 0 }]);
    expect(replay.replayed).toBe(1);
    expect(replay.error).toMatch(/^step 2: model threw: step .* is not enabled in 0$/);
    expect(replay.labels).toHaveLength(2);
  });
});

describe("traceToText", () => {
  it("prints one numbered line per step, then the failure", () => {
    const model = new TwoPhaseModel(2, { buggyCommit: true });
    const result = checkExhaustive(model);
    if (result.kind !== "violation") throw new Error(`expected a violation, got ${result.kind}`);
    const failure = { ...result.failure, location: { file: "twophase.fl", line: 12, col: 3 } };
    expect(traceToText(model, result.trace, failure, { changes: false })).toBe(
      [
        "  1. TM Init",
        "  2. RM(0) RMPrepare",
        "  3. TM TMRcvPrepared(RM(0))",
        "  4. TM TMCommit",
        "  5. RM(0) RMRcvCommitMsg",
        "  6. RM(1) RMChooseToAbort",
        "  => invariant TCConsistent does not hold (twophase.fl:12:3)",
      ].join("\n"),
    );
  });

  it("pads step numbers and notes where a replay stopped", () => {
    const model = new GridModel(20, 0);
    const steps: Json[] = [{ start: true }, ...Array.from({ length: 10 }, () => ({ move: "x+1" }))];
    const lines = traceToText(model, { steps }, undefined, { changes: false }).split("\n");
    expect(lines[0]).toBe("   1. start to (0, 0)");
    expect(lines[10]).toBe("  11. x+1 to (10, 0)");
    const stuck = new GraphModel({ nodeCount: 1, initial: [0], edges: [[]] });
    expect(traceToText(stuck, { steps: [{ init: 0 }, { from: 0, index: 0, to: 0 }] })).toContain(
      "replay stopped",
    );
  });

  it("lists what each step changed under its line", () => {
    const model = new GridModel(4, 4);
    const lines = traceToText(model, { steps: [{ start: true }, { move: "x+2" }] }).split("\n");
    expect(lines).toEqual([
      "  1. start to (0, 0)",
      "     x = 0",
      "     y = 0",
      "  2. x+2 to (2, 0)",
      "     x: 0 -> 2",
    ]);
  });

  it("formats failures without a location", () => {
    expect(failureToText({ kind: "deadlock", property: "deadlock", message: "stuck" })).toBe(
      "deadlock: stuck",
    );
  });
});

describe("trace files", () => {
  it("round-trip through JSON with their metadata", () => {
    const failure = { kind: "invariant" as const, property: "Safe", message: "m" };
    const file = createTraceFile("TwoPhase(2)", { steps: [{ action: "Init" }] }, failure, {
      test: "Basic",
      mode: "random",
      seed: 1234,
      source: "models/two-phase.fl",
    });
    const text = serializeTraceFile(file);
    expect(Object.keys(JSON.parse(text)).at(-1)).toBe("steps");
    const read = parseTraceFile(text);
    expect(read).toEqual({ ok: true, ...file });
  });

  it.each([
    ["{", /not valid JSON/],
    ["[]", /must be a JSON object/],
    ['{"format": "other"}', /not a Faultline trace/],
    [
      '{"format": "faultline-trace", "version": 99, "model": "m", "steps": []}',
      /unsupported trace file version/,
    ],
    ['{"format": "faultline-trace", "version": 1, "steps": []}', /missing "model"/],
    ['{"format": "faultline-trace", "version": 1, "model": "m"}', /missing "steps"/],
    ['{"format": "faultline-trace", "version": 1, "model": "m", "steps": [], "failure": 3}', /"failure"/],
    ['{"format": "faultline-trace", "version": 1, "model": "m", "steps": [], "seed": true}', /"seed"/],
  ])("reject bad input %s with a message, without throwing", (text, message) => {
    const read = parseTraceFile(text);
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.message).toMatch(message);
  });
});

describe("a step that fails part-way", () => {
  const source = `
event Pay: (amount: int);
event Receipt: int;
machine Shop {
  var total: int;
  start state Open {
    on Pay do (p) {
      total += p.amount;
      send this, Receipt, total;
      assert total <= 10, "over the limit";
    }
    on Receipt do { }
  }
}
machine Buyer { start state Go { entry (s: Shop) { send s, Pay, (amount = 7); send s, Pay, (amount = 5); } } }
machine Setup { start state B { entry { var s: Shop; s = new Shop(); new Buyer(s); } } }
test T [main = Setup];
`;

  it("keeps the state as the step left it, and the text trace shows its effects up to the failure", () => {
    const model = buildModel(compileText("shop.fl", source), "T");
    const result = checkExhaustive(model);
    if (result.kind !== "violation") throw new Error(result.kind);
    const replay = replayTrace(model, result.trace.steps);
    expect(replay.outcome).toMatchObject({ kind: "failure", failure: { kind: "assertion" } });
    expect(replay.states).toHaveLength(result.trace.steps.length);
    const text = traceToText(model, result.trace, result.failure);
    const failing = text.split("\n").slice(-5).join("\n");
    expect(failing).toContain("3. Shop(0) <- Pay(amount = 5) from Buyer(0)");
    expect(failing).toContain("Shop(0).total = 12");
    expect(failing).toContain("send Shop(0) -> Shop(0): Receipt(12)");
    expect(failing).toContain("=> assertion: Shop(0): over the limit (shop.fl:10:7)");
  });
});

describe("a quantified invariant's witness", () => {
  const source = `
machine Node {
  var bad: bool;
  var stock: map[string, int];
  start state S {
    entry (b: bool) {
      bad = b;
      stock["apples"] = 3;
      stock["pears"] = -1;
    }
  }
}
machine Setup { start state B { entry { new Node(false); new Node(true); } } }
invariant NoneBad: forall n: Node :: !n.bad;
invariant InStock: forall n: Node, k in keys(n.stock) :: n.stock[k] >= 0;
test Bad [main = Setup]: assert NoneBad;
test Stock [main = Setup]: assert InStock;
`;

  it("names the instances that break a forall, the same in the search and in replay", () => {
    const ir = compileText("nodes.fl", source);
    const bad = buildModel(ir, "Bad");
    const found = checkExhaustive(bad);
    if (found.kind !== "violation") throw new Error(found.kind);
    expect(found.failure.message).toBe("invariant NoneBad does not hold for n = Node(1)");
    expect(replayTrace(bad, found.trace.steps).failure?.message).toBe(found.failure.message);
    const stock = checkExhaustive(buildModel(ir, "Stock"));
    if (stock.kind !== "violation") throw new Error(stock.kind);
    expect(stock.failure.message).toBe('invariant InStock does not hold for n = Node(0), k = "pears"');
  });
});

describe("chosen values", () => {
  it("a text trace says what each choose took, in .fl syntax, and where", () => {
    const path = new URL("../../../examples/choose.fl", import.meta.url).pathname;
    const model = buildModel(compileText(path, readFileSync(path, "utf8")), "FindsTheJackpot");
    const result = checkExhaustive(model);
    if (result.kind !== "violation") throw new Error(result.kind);
    const text = traceToText(model, result.trace, result.failure);
    expect(text).toMatch(/chose 5 \(.*examples\/choose\.fl:26:14\)/);
    expect(text).toMatch(/chose Blue \(.*examples\/choose\.fl:27:15\)/);
    expect(text).toMatch(/chose true \(.*examples\/choose\.fl:28:15\)/);
    expect(text).toContain("roll = 6, color = Blue, heads = true");
  });
});

describe("a step with very many changes", () => {
  it("lists the first 40 under the step and counts the rest", () => {
    const source = `
machine Child { start state S { } }
machine Setup { start state B { entry { var i: int; while (i < 100) { new Child(); i += 1; } } } }
test T [main = Setup];
`;
    const model = buildModel(compileText("many.fl", source), "T");
    const text = traceToText(model, { steps: [{ t: "init", c: [] }] });
    const lines = text.split("\n");
    expect(lines.filter((l) => l.includes("created in S"))).toHaveLength(39);
    expect(text).toContain("... and 61 more changes");
  });
});
