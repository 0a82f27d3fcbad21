// Foreign functions end to end: the implementation beside the model is
// type-checked, transpiled, loaded and called by the generated code.
import { describe, expect, it } from "vitest";
import { checkExhaustive } from "../src/search/bfs-explorer.js";
import { buildModel } from "../src/fl/fl-model.js";
import { loadForeignImplementation } from "../src/fl/foreign-loader.js";
import { loadFixture } from "./fixtures/fl/load.js";

describe("foreign functions", () => {
  const ir = loadFixture("foreign.fl");

  it("loads the implementation file beside the model", () => {
    const loaded = loadForeignImplementation(ir);
    expect(loaded.diagnostics).toEqual([]);
    expect(Object.keys(loaded.functions ?? {}).sort()).toEqual(["evens", "hash", "largest"]);
  });

  it("generated code calls them, with int and set results normalised", () => {
    const model = buildModel(ir, "UsesForeign");
    expect(checkExhaustive(model).kind).toBe("pass");
    let vars: unknown;
    model.initial((_, o) => {
      if (o.kind === "state") vars = (model.viewState(o.state)["User(0)"] as { vars: unknown }).vars;
    });
    expect(vars).toEqual({ h: 294, big: 9, e: { "#set": [0, 2, 4] } });
  });

  it("an implementation passed in by the caller is used as is", () => {
    const model = buildModel(ir, "UsesForeign", {
      foreign: { hash: () => 1, largest: () => 9, evens: () => [4, 2, 0] },
    });
    const result = checkExhaustive(model);
    expect(result.kind === "violation" && result.failure.kind).toBe("assertion");
  });
});
