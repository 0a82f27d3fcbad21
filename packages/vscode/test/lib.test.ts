// The extension's logic that needs no VS Code (lib.js): which faultline the
// client starts, the test at the cursor, the commands' terminal lines.
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const require = createRequire(import.meta.url);
const { commandLines, serverCommand, testAt } = require("../lib.js") as typeof import("../lib.js");

describe("serverCommand", () => {
  const project = join("/", "home", "me", "project");
  it("prefers the faultline.path setting", () => {
    expect(serverCommand({ configured: "/opt/fl", from: project, exists: () => true })).toEqual({
      command: "/opt/fl",
      args: ["lsp", "--stdio"],
    });
  });
  it("then the project's node_modules/.bin, searched upwards from the folder", () => {
    const bin = join("/", "home", "me", "node_modules", ".bin", "faultline");
    const r = serverCommand({ from: join(project, "models"), exists: (p) => p === bin });
    expect(r.command).toBe(bin);
    const cmd = join(project, "node_modules", ".bin", "faultline.cmd");
    expect(serverCommand({ from: project, platform: "win32", exists: (p) => p === cmd }).command).toBe(cmd);
  });
  it("else faultline on the PATH", () => {
    expect(serverCommand({ from: project, exists: () => false }).command).toBe("faultline");
  });
});

describe("testAt", () => {
  const text = [
    "machine M { start state S { } }",
    "test First [main = M];",
    "",
    "test param (n in [1, 2], m in [(1)]) Second [main = M]:",
    "  assert P;",
  ].join("\n");
  it("the test on or above the cursor's line; the first when above them all", () => {
    expect(testAt(text, text.indexOf("assert P"))).toBe("Second");
    expect(testAt(text, text.indexOf("First") + 2)).toBe("First");
    expect(testAt(text, text.indexOf("\n\n") + 1)).toBe("First");
    expect(testAt(text, 0)).toBe("First");
    expect(testAt("event E;", 0)).toBeNull();
  });
});

describe("commandLines", () => {
  it("quotes what needs quoting", () => {
    const lines = commandLines("/opt/faultline");
    expect(lines.checkFile("/m/bank.fl")).toBe("/opt/faultline check /m/bank.fl");
    expect(lines.checkTest("/my models/a.fl", "Elections")).toBe(
      "/opt/faultline check '/my models/a.fl' --test Elections --out traces",
    );
    expect(lines.explore("traces/a.itf.json")).toBe("/opt/faultline explore traces/a.itf.json");
  });
});
