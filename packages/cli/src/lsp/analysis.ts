// One document as the language server sees it: the front end's tree and
// diagnostics (checkSource: the ones `faultline parse` and `check` print,
// without lowering the program), the checker's side tables, and the index of
// every name (symbols.ts).
// Pure data, built from text: the handlers (features.ts, completion.ts) are
// functions of it, tested in-process without a connection.
import { type CheckTables, checkSource, type Diagnostic, type Program } from "@faultline/lang";
import { buildIndex, type SymbolIndex } from "./symbols.js";

export interface Analysis {
  uri: string;
  /** The path diagnostics are reported under (the file name of the URI). */
  path: string;
  text: string;
  diagnostics: Diagnostic[];
  ast: Program;
  /** Null when the checker could not run on this tree (an internal error). */
  tables: CheckTables | null;
  index: SymbolIndex;
  /** Offsets where each line starts, for position conversions. */
  lineStarts: number[];
}

export function analyse(uri: string, path: string, text: string): Analysis {
  const { ast, diagnostics, tables } = checkSource({ path, text });
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  return {
    uri,
    path,
    text,
    diagnostics,
    ast,
    tables,
    index: buildIndex(ast, tables),
    lineStarts,
  };
}
