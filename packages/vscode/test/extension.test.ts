// extension.js activated against a stub of the VS Code API and of
// vscode-languageclient (neither is installed here): the client is started
// with the project's faultline, the three commands are registered, and they
// send the expected command lines to the Faultline terminal.
import Module, { createRequire } from "node:module";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const require = createRequire(import.meta.url);
const repo = join(import.meta.dirname, "../../..");
const sent: string[] = [];
const registered = new Map<string, () => Promise<void>>();
let client:
  | { id: string; server: { command: string; args: string[] }; options: unknown; started: boolean }
  | undefined;

const editorText = "machine M { start state S { } }\ntest First [main = M];\ntest Second [main = M];\n";
const stub = {
  workspace: {
    workspaceFolders: [{ uri: { fsPath: repo } }],
    getConfiguration: () => ({ get: () => "" }),
    findFiles: async () => [{ fsPath: "/t/a.itf.json" }],
    asRelativePath: () => "a.itf.json",
  },
  window: {
    activeTextEditor: {
      document: {
        languageId: "faultline",
        uri: { fsPath: "/m/model.fl" },
        getText: () => editorText,
        offsetAt: () => editorText.indexOf("Second"),
        save: async () => true,
      },
      selection: { active: {} },
    },
    terminals: [] as unknown[],
    createTerminal: () => ({ name: "Faultline", show() {}, sendText: (t: string) => sent.push(t) }),
    showWarningMessage() {},
    showInformationMessage() {},
    showQuickPick: async (items: { uri: unknown }[]) => items[0],
  },
  commands: {
    registerCommand: (name: string, fn: () => Promise<void>) => {
      registered.set(name, fn);
      return { dispose() {} };
    },
  },
};
const languageClient = {
  TransportKind: { stdio: 0 },
  LanguageClient: class {
    constructor(id: string, _name: string, server: { command: string; args: string[] }, options: unknown) {
      client = { id, server, options, started: false };
    }
    async start() {
      client!.started = true;
    }
    async stop() {}
  },
};

const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
const originalLoad = loader._load;
loader._load = function (request: string, ...rest: unknown[]) {
  if (request === "vscode") return stub;
  if (request === "vscode-languageclient/node") return languageClient;
  return originalLoad.call(this, request, ...rest);
};
afterAll(() => {
  loader._load = originalLoad;
});

describe("the extension, activated", () => {
  it("starts faultline lsp from the project and registers its commands", async () => {
    const extension = require("../extension.js") as {
      activate: (c: { subscriptions: unknown[] }) => Promise<void>;
    };
    await extension.activate({ subscriptions: [] });
    expect(client).toMatchObject({
      id: "faultline",
      started: true,
      server: { command: join(repo, "node_modules", ".bin", "faultline"), args: ["lsp", "--stdio"] },
      options: { documentSelector: [{ language: "faultline" }] },
    });
    expect([...registered.keys()]).toEqual([
      "faultline.checkFile",
      "faultline.checkTestAtCursor",
      "faultline.openCounterexample",
    ]);
    const bin = client!.server.command;
    await registered.get("faultline.checkFile")!();
    await registered.get("faultline.checkTestAtCursor")!();
    await registered.get("faultline.openCounterexample")!();
    expect(sent).toEqual([
      `${bin} check /m/model.fl`,
      `${bin} check /m/model.fl --test Second --out traces`,
      `${bin} explore /t/a.itf.json`,
    ]);
  });
});
