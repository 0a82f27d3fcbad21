// One document as the language server sees it: the front end's result (the
// same diagnostics `faultline parse` and `check` print), the checker's side
// tables for the tree it returned, and the index of every name (symbols.ts).
// Pure data, built from text: the handlers (features.ts, completion.ts) are
// functions of it, tested in-process without a connection.
import {
  type CheckTables,
  checkProgram,
  compileSource,
  type Diagnostic,
  type FrontEndResult,
  parse,
  type Program,
} from "@faultline/lang";
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
  const result: FrontEndResult = compileSource({ path, text });
  const ast = result.ast ?? parse({ path, text }).program;
  let tables: CheckTables | null = null;
  try {
    tables = checkProgram(ast).tables;
  } catch {
    // compileSource has already reported it (FL900).
  }
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  return {
    uri,
    path,
    text,
    diagnostics: result.diagnostics,
    ast,
    tables,
    index: buildIndex(ast, tables),
    lineStarts,
  };
}
