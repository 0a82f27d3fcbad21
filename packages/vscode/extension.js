// The VS Code extension: highlighting (syntaxes/), the language configuration,
// a language client that starts `faultline lsp` (the project's own faultline,
// or the `faultline.path` setting), and three commands that run the checker in
// a terminal. See docs/editor.md.
"use strict";
const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");
const { commandLines, serverCommand, testAt } = require("./lib.js");

/** @type {import("vscode-languageclient/node").LanguageClient | undefined} */
let client;

/** @param {vscode.ExtensionContext} context */
async function activate(context) {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const active = vscode.window.activeTextEditor?.document.uri.fsPath;
  const configured = vscode.workspace.getConfiguration("faultline").get("path") || undefined;
  const server = serverCommand({ configured, from: folder ?? (active && require("node:path").dirname(active)), platform: process.platform });
  client = new LanguageClient(
    "faultline",
    "Faultline",
    { command: server.command, args: server.args, transport: TransportKind.stdio, options: { shell: process.platform === "win32" } },
    { documentSelector: [{ language: "faultline" }] },
  );
  await client.start();

  const lines = commandLines(server.command);
  const terminal = () => {
    const existing = vscode.window.terminals.find((t) => t.name === "Faultline");
    const t = existing ?? vscode.window.createTerminal({ name: "Faultline", cwd: folder });
    t.show();
    return t;
  };
  const currentFile = () => {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.languageId !== "faultline") {
      void vscode.window.showWarningMessage("Faultline: open a .fl file first.");
      return undefined;
    }
    return editor;
  };
  context.subscriptions.push(
    vscode.commands.registerCommand("faultline.checkFile", async () => {
      const editor = currentFile();
      if (!editor) return;
      await editor.document.save();
      terminal().sendText(lines.checkFile(editor.document.uri.fsPath));
    }),
    vscode.commands.registerCommand("faultline.checkTestAtCursor", async () => {
      const editor = currentFile();
      if (!editor) return;
      const doc = editor.document;
      const test = testAt(doc.getText(), doc.offsetAt(editor.selection.active));
      if (test === null) {
        void vscode.window.showWarningMessage("Faultline: this file declares no test.");
        return;
      }
      await doc.save();
      terminal().sendText(lines.checkTest(doc.uri.fsPath, test));
    }),
    vscode.commands.registerCommand("faultline.openCounterexample", async () => {
      const traces = await vscode.workspace.findFiles("**/*.itf.json", "**/node_modules/**", 200);
      if (traces.length === 0) {
        void vscode.window.showInformationMessage("Faultline: no counterexample (*.itf.json) in the workspace yet.");
        return;
      }
      const pick = await vscode.window.showQuickPick(
        traces.map((u) => ({ label: vscode.workspace.asRelativePath(u), uri: u })),
        { placeHolder: "A counterexample to step through in the terminal explorer" },
      );
      if (pick) terminal().sendText(lines.explore(pick.uri.fsPath));
    }),
  );
}

async function deactivate() {
  if (client) await client.stop();
}

module.exports = { activate, deactivate };
