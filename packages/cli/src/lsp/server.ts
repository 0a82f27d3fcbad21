// The Language Server Protocol server (`faultline lsp`): open documents are
// analysed on every change (analysis.ts; the whole file, which is fast enough:
// docs/editor.md has the figure) and their diagnostics published; the other
// requests are answered from the latest analysis (features.ts, completion.ts).
import { fileURLToPath } from "node:url";
import { TextDocument } from "vscode-languageserver-textdocument";
import {
  type Connection,
  createConnection,
  ProposedFeatures,
  ResponseError,
  TextDocumentSyncKind,
  TextDocuments,
} from "vscode-languageserver/node.js";
import { type Analysis, analyse } from "./analysis.js";
import { complete } from "./completion.js";
import {
  definition,
  documentSymbols,
  formatting,
  hover,
  lspDiagnostics,
  prepareRename,
  references,
  rename,
  workspaceSymbols,
} from "./features.js";

/** The path diagnostics name a document by: its file path, or the URI itself when it is not a file. */
export function pathOfUri(uri: string): string {
  try {
    return uri.startsWith("file:") ? fileURLToPath(uri) : uri;
  } catch {
    return uri;
  }
}

export function startServer(connection: Connection = createConnection(ProposedFeatures.all)): Connection {
  const documents = new TextDocuments(TextDocument);
  const analyses = new Map<string, Analysis>();

  const analysisOf = (uri: string): Analysis | undefined => {
    const doc = documents.get(uri);
    if (!doc) return undefined;
    const cached = analyses.get(uri);
    if (cached && cached.text === doc.getText()) return cached;
    const fresh = analyse(uri, pathOfUri(uri), doc.getText());
    analyses.set(uri, fresh);
    return fresh;
  };

  connection.onInitialize(() => ({
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
    },
    serverInfo: { name: "faultline" },
  }));

  documents.onDidChangeContent((change) => {
    const a = analysisOf(change.document.uri);
    if (a)
      void connection.sendDiagnostics({
        uri: a.uri,
        version: change.document.version,
        diagnostics: lspDiagnostics(a),
      });
  });
  documents.onDidClose((e) => {
    analyses.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  });

  const withAnalysis =
    <P extends { textDocument: { uri: string } }, R>(answer: (a: Analysis, params: P) => R, none: R) =>
    (params: P): R => {
      const a = analysisOf(params.textDocument.uri);
      return a ? answer(a, params) : none;
    };

  connection.onHover(withAnalysis((a, p) => hover(a, p.position), null));
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
