// The Language Server Protocol server (`faultline lsp`): open documents are
// analysed on every change (analysis.ts; the whole file, which is fast enough:
// docs/editor.md has the figure) and their diagnostics published; the other
// requests are answered from the latest analysis (features.ts, completion.ts);
// the code lenses on tests run the checker in a child process (test-runs.ts).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { TextDocument } from "vscode-languageserver-textdocument";
import {
  type Connection,
  createConnection,
  MessageType,
  ProposedFeatures,
  ResponseError,
  ShowMessageNotification,
  TextDocumentSyncKind,
  TextDocuments,
} from "vscode-languageserver/node.js";
import { foreignDiagnosticsOf } from "../foreign-diagnostics.js";
import { type Analysis, analyse } from "./analysis.js";
import { complete } from "./completion.js";
import {
  definition,
  offsetAt,
  documentSymbols,
  formatting,
  hover,
  lspDiagnostics,
  prepareRename,
  references,
  rename,
  workspaceSymbols,
} from "./features.js";
import { occurrenceAt } from "./symbols.js";
import {
  CHECK_TEST_COMMAND,
  type CheckRunner,
  codeLenses,
  failureReports,
  parseRun,
  runDiagnostics,
  spawnRunner,
  type TestRun,
} from "./test-runs.js";

/** The path diagnostics name a document by: its file path, or the URI itself when it is not a file. */
export function pathOfUri(uri: string): string {
  try {
    return uri.startsWith("file:") ? fileURLToPath(uri) : uri;
  } catch {
    return uri;
  }
}

/** How long the document must be unchanged before its diagnostics are computed and sent. */
export const DIAGNOSTICS_DELAY_MS = 25;

export function startServer(
  connection: Connection = createConnection(ProposedFeatures.all),
  runCheck: CheckRunner = spawnRunner(),
): Connection {
  const documents = new TextDocuments(TextDocument);
  const analyses = new Map<string, Analysis>();
  /** Per document, the last run of each test (the code lenses). */
  const runs = new Map<string, Map<string, TestRun>>();
  const runsOf = (uri: string): Map<string, TestRun> => {
    let m = runs.get(uri);
    if (!m) {
      m = new Map();
      runs.set(uri, m);
    }
    return m;
  };
  let lensRefresh = false;

  const analysisOf = (uri: string): Analysis | undefined => {
    const doc = documents.get(uri);
    if (!doc) return undefined;
    const cached = analyses.get(uri);
    if (cached && cached.text === doc.getText()) return cached;
    const fresh = analyse(uri, pathOfUri(uri), doc.getText());
    analyses.set(uri, fresh);
    return fresh;
  };

  connection.onInitialize((params) => {
    lensRefresh = params.capabilities.workspace?.codeLens?.refreshSupport === true;
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        renameProvider: { prepareProvider: true },
        documentSymbolProvider: true,
        workspaceSymbolProvider: true,
        documentFormattingProvider: true,
        completionProvider: { triggerCharacters: [".", ",", " "] },
        codeLensProvider: { resolveProvider: false },
        executeCommandProvider: { commands: [CHECK_TEST_COMMAND] },
      },
      serverInfo: { name: "faultline" },
    };
  });

  // A foreign implementation's diagnostics (FL500–FL503) need TypeScript: kept for the text they were made for.
  const foreign = new Map<string, { text: string; diagnostics: Analysis["diagnostics"] }>();
  const foreignOf = (a: Analysis): Analysis["diagnostics"] => {
    if (a.diagnostics.some((d) => d.severity === "error")) return [];
    const known = foreign.get(a.uri);
    if (known?.text === a.text) return known.diagnostics;
    const diagnostics = foreignDiagnosticsOf({ path: a.path, text: a.text });
    foreign.set(a.uri, { text: a.text, diagnostics });
    return diagnostics;
  };

  /** The front end's diagnostics, the foreign implementation's, and those of the tests' last runs on this text. */
  const publish = (a: Analysis, version?: number): void => {
    const checked = { ...a, diagnostics: [...a.diagnostics, ...foreignOf(a)] };
    void connection.sendDiagnostics({
      uri: a.uri,
      ...(version !== undefined ? { version } : {}),
      diagnostics: [...lspDiagnostics(checked), ...runDiagnostics(a, runsOf(a.uri))],
    });
  };
  // Notifications: connection.window's show*Message are requests, which a client need not answer.
  const show = (type: MessageType, message: string): void => {
    void connection.sendNotification(ShowMessageNotification.type, { type, message });
  };
  const refreshLenses = (): void => {
    if (lensRefresh) connection.sendRequest("workspace/codeLens/refresh").catch(() => undefined);
  };

  // Diagnostics once typing pauses: a burst of changes is analysed once, not once per keystroke.
  const pending = new Map<string, NodeJS.Timeout>();
  documents.onDidChangeContent((change) => {
    const uri = change.document.uri;
    clearTimeout(pending.get(uri));
    pending.set(
      uri,
      setTimeout(() => {
        pending.delete(uri);
        const doc = documents.get(uri);
        const a = analysisOf(uri);
        if (doc && a) publish(a, doc.version);
      }, DIAGNOSTICS_DELAY_MS),
    );
  });
  documents.onDidClose((e) => {
    clearTimeout(pending.get(e.document.uri));
    pending.delete(e.document.uri);
    analyses.delete(e.document.uri);
    foreign.delete(e.document.uri);
    runs.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  // A test's lens: `faultline check` on the saved file, in the background.
  connection.onExecuteCommand(async (params) => {
    if (params.command !== CHECK_TEST_COMMAND) return null;
    const [uri, test] = (params.arguments ?? []) as [unknown, unknown];
    const a = typeof uri === "string" ? analysisOf(uri) : undefined;
    if (!a || typeof test !== "string") return null;
    const file = pathOfUri(a.uri);
    if (readText(file) !== a.text) {
      show(MessageType.Warning, `Faultline: save ${file} to check test ${test}.`);
      return null;
    }
    const testRuns = runsOf(a.uri);
    testRuns.set(test, { state: "running" });
    refreshLenses();
    const output = await runCheck(file, test);
    const results = parseRun(output);
    const run: TestRun =
      results === null
        ? { state: "error", text: a.text, message: lastLine(output.stderr) ?? "the check did not run" }
        : { state: "done", text: a.text, results };
    testRuns.set(test, run);
    const current = analysisOf(a.uri);
    if (current) publish(current);
    refreshLenses();
    if (run.state === "error") {
      show(MessageType.Error, `Faultline: test ${test}: ${run.message}`);
      return null;
    }
    const failed = run.results.find((r) => !r.passed);
    if (failed === undefined) show(MessageType.Info, `Faultline: test ${test} passed.`);
    else {
      const page = failed.htmlPath ? ` (${failed.htmlPath})` : "";
      show(MessageType.Error, `Faultline: test ${failed.instance}: ${failed.summary}${page}`);
    }
    return run.results;
  });
  connection.onCodeLens((params) => {
    const a = analysisOf(params.textDocument.uri);
    return a ? codeLenses(a, runsOf(a.uri)) : [];
  });

  const withAnalysis =
    <P extends { textDocument: { uri: string } }, R>(answer: (a: Analysis, params: P) => R, none: R) =>
    (params: P): R => {
      const a = analysisOf(params.textDocument.uri);
      return a ? answer(a, params) : none;
    };

  // Hover; on a property a test's last run violated, with that run's trace.
  connection.onHover(
    withAnalysis((a, p) => {
      const h = hover(a, p.position);
      const o = occurrenceAt(a.index, offsetAt(a, p.position));
      const symbol = o ? a.index.symbols.get(o.key) : undefined;
      if (!h || !symbol || (symbol.kind !== "invariant" && symbol.kind !== "spec")) return h;
      const reports = failureReports(a, runsOf(a.uri), symbol.name);
      if (reports.length === 0) return h;
      const traces = reports.map((r) => `\`\`\`text\n${r}\n\`\`\``).join("\n");
      const value = `${(h.contents as { value: string }).value}\n\n**The last check failed:**\n${traces}`;
      return { ...h, contents: { kind: "markdown", value } };
    }, null),
  );
  connection.onDefinition(withAnalysis((a, p) => definition(a, p.position), []));
  connection.onReferences(
    withAnalysis((a, p) => references(a, p.position, p.context.includeDeclaration), []),
  );
  connection.onPrepareRename(withAnalysis((a, p) => prepareRename(a, p.position), null));
  connection.onRenameRequest(
    withAnalysis((a, p) => {
      const r = rename(a, p.position, p.newName);
      if (!r.ok) throw new ResponseError(-32803, r.message); // RequestFailed
      return r.edit;
    }, null),
  );
  connection.onDocumentSymbol(withAnalysis((a) => documentSymbols(a), []));
  connection.onWorkspaceSymbol((p) => {
    const all = documents
      .all()
      .map((d) => analysisOf(d.uri))
      .filter((a): a is Analysis => a !== undefined);
    return workspaceSymbols(all, p.query);
  });
  connection.onCompletion(withAnalysis((a, p) => complete(a, p.position), []));
  connection.onDocumentFormatting(withAnalysis((a) => formatting(a), []));

  documents.listen(connection);
  connection.listen();
  return connection;
}

function readText(file: string): string | null {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return null;
  }
}

function lastLine(text: string): string | undefined {
  return text.trim().split("\n").at(-1) || undefined;
}
