// `faultline lsp` as an editor runs it: the built command as a subprocess,
// spoken to over stdio by vscode-languageserver-protocol's JSON-RPC client.
// One session: initialize, open a model with an error, the published
// diagnostics, a fix as an incremental edit, hover, definition, references,
// rename, outline, completion, formatting, a test's code lens run, shutdown. (The answers themselves
// are tested in-process in lsp-features.test.ts.)
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import {
  CodeLensRequest,
  CompletionRequest,
  createProtocolConnection,
  DefinitionRequest,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DocumentFormattingRequest,
  DocumentSymbolRequest,
  ExecuteCommandRequest,
  ExitNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  type PublishDiagnosticsParams,
  PublishDiagnosticsNotification,
  ReferencesRequest,
  RenameRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
} from "vscode-languageserver-protocol/node.js";
import { BIN } from "./bin-path.js";

const MODEL = join(import.meta.dirname, "../../../models/two-phase-commit/two-phase-commit.fl");

describe("faultline lsp over stdio", () => {
  it("serves a session from initialize to exit", async () => {
    const child = spawn(process.execPath, [BIN, "lsp", "--stdio"], { stdio: ["pipe", "pipe", "inherit"] });
    const connection = createProtocolConnection(
      new StreamMessageReader(child.stdout),
      new StreamMessageWriter(child.stdin),
    );
    const published: PublishDiagnosticsParams[] = [];
    let notify: (() => void) | null = null;
    connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      published.push(p);
      notify?.();
    });
    const nextDiagnostics = () =>
      new Promise<PublishDiagnosticsParams>((resolve) => {
        const count = published.length;
        notify = () => {
          if (published.length > count) resolve(published.at(-1)!);
        };
      });
    connection.listen();
    try {
      const init = await connection.sendRequest(InitializeRequest.type, {
        processId: process.pid,
        rootUri: null,
        capabilities: {},
      });
      expect(init.capabilities).toMatchObject({
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        documentSymbolProvider: true,
        documentFormattingProvider: true,
      });
      await connection.sendNotification(InitializedNotification.type, {});

      const uri = "file:///work/two-phase-commit.fl";
      const text = readFileSync(MODEL, "utf8");
      const broken = text.replace("send p, Prepare, this;", "send p, Prepar, this;");
      const first = nextDiagnostics();
      await connection.sendNotification(DidOpenTextDocumentNotification.type, {
        textDocument: { uri, languageId: "faultline", version: 1, text: broken },
      });
      const d1 = await first;
      expect(d1.uri).toBe(uri);
      expect(d1.diagnostics.map((d) => d.code)).toEqual(["FL202"]);
      expect(d1.diagnostics[0]!.message).toContain("unknown event 'Prepar'");

      // Fix it with an incremental edit: the diagnostics clear.
      const line = broken.split("\n").findIndex((l) => l.includes("Prepar,"));
      const col = broken.split("\n")[line]!.indexOf("Prepar,") + "Prepar".length;
      const second = nextDiagnostics();
      await connection.sendNotification(DidChangeTextDocumentNotification.type, {
        textDocument: { uri, version: 2 },
        contentChanges: [
          { range: { start: { line, character: col }, end: { line, character: col } }, text: "e" },
        ],
      });
      expect((await second).diagnostics).toEqual([]);

      // A foreign implementation is checked as `parse` checks it (FL500–FL503), on the unsaved buffer.
      const dir = mkdtempSync(join(tmpdir(), "faultline-lsp-foreign-"));
      writeFileSync(join(dir, "hash.foreign.ts"), "export function other(x: number): number { return x; }\n");
      const foreignUri = pathToFileURL(join(dir, "hash.fl")).href;
      const third = nextDiagnostics();
      await connection.sendNotification(DidOpenTextDocumentNotification.type, {
        textDocument: {
          uri: foreignUri,
          languageId: "faultline",
          version: 1,
          text: "foreign fun hash(x: int): int;\nmachine M { var h: int; start state S { entry { h = hash(1); } } }\ntest T [main = M];\n",
        },
      });
      const d3 = await third;
      expect(d3.uri).toBe(foreignUri);
      expect(d3.diagnostics.map((d) => d.code)).toEqual(["FL501"]);

      const lines = text.split("\n");
      const pos = (needle: string, delta: number) => {
        const l = lines.findIndex((x) => x.includes(needle));
        return { line: l, character: lines[l]!.indexOf(needle) + delta };
      };
      const doc = { uri };
      const hover = await connection.sendRequest(HoverRequest.type, {
        textDocument: doc,
        position: pos("send coordinator, Voted", 20),
      });
      expect(JSON.stringify(hover?.contents)).toContain("event Voted: (from: Participant, vote: Vote)");
      const def = await connection.sendRequest(DefinitionRequest.type, {
        textDocument: doc,
        position: pos("goto Announcing", 6),
      });
      expect(def).toEqual([{ uri, range: expect.objectContaining({ start: pos("state Announcing", 6) }) }]);
      const refs = await connection.sendRequest(ReferencesRequest.type, {
        textDocument: doc,
        position: pos("event Voted", 7),
        context: { includeDeclaration: true },
      });
      expect(refs).toHaveLength(6);
      const renamed = await connection.sendRequest(RenameRequest.type, {
        textDocument: doc,
        position: pos("event Voted", 7),
        newName: "Ballot",
      });
      expect(renamed?.changes?.[uri]).toHaveLength(6);
      const outline = await connection.sendRequest(DocumentSymbolRequest.type, { textDocument: doc });
      expect((outline ?? []).map((s) => s.name)).toContain("Coordinator");
      const completion = await connection.sendRequest(CompletionRequest.type, {
        textDocument: doc,
        position: pos("send coordinator, Voted", 18),
      });
      const items = Array.isArray(completion) ? completion : (completion?.items ?? []);
      expect(items.map((c) => c.label).sort()).toEqual(["Decide", "Prepare", "SendNext", "Voted"]);
      const edits = await connection.sendRequest(DocumentFormattingRequest.type, {
        textDocument: doc,
        options: { tabSize: 2, insertSpaces: true },
      });
      expect(edits).toEqual([]);

      // A test's code lens runs the checker: the violation arrives as a diagnostic on the property.
      const buggy = MODEL.replace("two-phase-commit.fl", "two-phase-commit-buggy.fl");
      const buggyUri = pathToFileURL(buggy).href;
      const opened = nextDiagnostics();
      await connection.sendNotification(DidOpenTextDocumentNotification.type, {
        textDocument: {
          uri: buggyUri,
          languageId: "faultline",
          version: 1,
          text: readFileSync(buggy, "utf8"),
        },
      });
      expect((await opened).diagnostics).toEqual([]);
      const lenses = await connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: buggyUri } });
      const lens = lenses!.find((l) => l.command?.arguments?.[1] === "CoordinatorCrash")!;
      expect(lens.command!.title).toBe("▶ check");
      const checked = nextDiagnostics();
      await connection.sendRequest(ExecuteCommandRequest.type, {
        command: lens.command!.command,
        arguments: lens.command!.arguments!,
      });
      const found = await checked;
      expect(found.uri).toBe(buggyUri);
      expect(found.diagnostics.map((d) => d.message.split("\n")[0])).toEqual([
        "test CoordinatorCrash(participants=2): violation of NoSplitDecision",
        "test CoordinatorCrash(participants=3): violation of NoSplitDecision",
      ]);
      const after = await connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: buggyUri } });
      expect(after!.map((l) => l.command!.title)).toContain(
        "✗ violation of NoSplitDecision (+1 more) (check again)",
      );

      await connection.sendRequest(ShutdownRequest.type);
      const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
      await connection.sendNotification(ExitNotification.type);
      expect(await exited).toBe(0);
    } finally {
      connection.dispose();
      child.kill();
    }
  }, 20_000);
});
