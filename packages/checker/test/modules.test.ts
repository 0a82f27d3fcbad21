// Machine substitution at run time (docs/language.md section 11): a test's
// `with { A -> B }` creates a B wherever the program creates an A; the
// substitute must be in the test's `in (...)` set like any machine it creates.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { checkExhaustive } from "../src/search/bfs-explorer.js";
import { buildModel } from "../src/fl/fl-model.js";
import { compileText } from "./fixtures/fl/load.js";

const SOURCE = `
event Req: int;
machine AbstractServer { start state S { on Req do (x: int) { } } }
machine Server { start state S { on Req do (x: int) { assert x < 2, "bad request"; } } }
machine Driver {
  var s: AbstractServer;
  start state I { entry { s = new AbstractServer(); send s, Req, 1; send s, Req, 2; } }
}
module Servers = { AbstractServer, Server };
invariant Ok: true;
test Abstract [main = Driver]: assert Ok in (union Servers, { Driver });
test Concrete [main = Driver]: assert Ok in (union Servers, { Driver }) with { AbstractServer -> Server };
test Closed [main = Driver]: assert Ok in (Driver);
`;

describe("machine substitution", () => {
  const ir = compileText("modules.fl", SOURCE);

  it("runs the original machine without a substitution", () => {
    expect(checkExhaustive(buildModel(ir, "Abstract")).kind).toBe("pass");
  });

  it("creates the substitute in the original's place", () => {
    const result = checkExhaustive(buildModel(ir, "Concrete"));
    expect(result.kind).toBe("violation");
    if (result.kind !== "violation") return;
    expect(result.failure.message).toContain("Server(0)");
    expect(result.failure.message).toContain("bad request");
  });

  it("partial-order reduction sees the substitute: sends to an A-typed reference reach the B", () => {
    // examples/modules.fl: the write-behind store's read races its own Apply.
    const path = fileURLToPath(new URL("../../../examples/modules.fl", import.meta.url));
    const example = compileText(path, readFileSync(path, "utf8"));
    const result = checkExhaustive(buildModel(example, "WriteBehind", { partialOrder: true }), {
      partialOrder: true,
    });
    expect(result.kind).toBe("violation");
  });

  it("refuses a machine the test's module set leaves out", () => {
    const result = checkExhaustive(buildModel(ir, "Closed"));
    expect(result.kind).toBe("violation");
    if (result.kind !== "violation") return;
    expect(result.failure.message).toContain("machine AbstractServer is not part of this test");
  });
});
