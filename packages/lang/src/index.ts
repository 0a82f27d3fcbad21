export * from "./ast.js";
export * from "./codegen/context.js";
export * from "./codegen/foreign.js";
export * from "./codegen/generate.js";
export * from "./codegen/names.js";
export { type ForkLevel, type ForkSite, findForkSite } from "./codegen/fork-site.js";
export { fieldsInTypeOrder } from "./codegen/generate-bodies.js";
export * as flRuntime from "./codegen/runtime.js";
export { compare, type Payload, RuntimeFault, type Value } from "./codegen/runtime.js";
export * from "./diagnostics.js";
export * from "./fault-events.js";
export type {
  CheckTables,
  EnumInfo,
  EventInfo,
  FunInfo,
  GlobalSymbols,
  MachineInfo,
  OpInfo,
  Resolution,
  VarInfo,
} from "./check/tables.js";
export {
  type ConstValue,
  declaredCombinations,
  formatConst,
  testInstanceName,
} from "./check/constants.js";
export { closestName, didYouMean } from "./check/suggest.js";
export {
  type CheckedSource,
  type CheckResult,
  checkProgram,
  checkSource,
  compileSource,
  type FrontEndResult,
} from "./front-end.js";
export * from "./ir.js";
export { SourceLines } from "./lexer.js";
export { lowerProgram } from "./lower.js";
export {
  MAX_NESTING,
  MISSING_NAME,
  type ParseResult,
  parse,
  RESERVED_KEYWORDS,
  SOFT_KEYWORDS,
  type SourceFile,
  tokenize,
  tokenVocabulary,
} from "./parser.js";
export { type AnyNode, childNodes, walkAst } from "./parser-walk.js";
export {
  type DiagnosticJson,
  diagnosticsToJson,
  type RenderOptions,
  renderDiagnostic,
  renderDiagnostics,
  type SourceLookup,
} from "./render-diagnostics.js";
export * from "./types.js";
export { type FormatResult, formatSource, sameProgram, withoutSpans } from "./format/format.js";
