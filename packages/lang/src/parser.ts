// `parse`: source text -> AST + syntax diagnostics. Never throws on any input.
import type { IRecognitionException, IToken } from "chevrotain";
import type { Program, Span } from "./ast.js";
import type { Diagnostic } from "./diagnostics.js";
import { sortDiagnostics } from "./diagnostics.js";
import {
  allTokens,
  FieldName,
  Identifier,
  LBrace,
  LParen,
  printable,
  RBrace,
  RESERVED_KEYWORDS,
  SourceLines,
  Semicolon,
  tokenEnd,
  tokenize,
} from "./lexer.js";
import { type ErrorInfo, FaultlineParser } from "./parser-grammar.js";

export { MISSING_NAME } from "./parser-grammar.js";

export interface SourceFile {
  path: string;
  text: string;
}

export interface ParseResult {
  program: Program;
  diagnostics: Diagnostic[];
}

// Grammar recording is expensive: one parser for the whole process, its input
// reset per parse (chevrotain's recommended use), built on the first parse:
// a process that never parses (a parallel search's worker threads, which get
// a compiled program) does not pay for it.
let shared: FaultlineParser | null = null;

export function parse(file: SourceFile): ParseResult {
  const lines = new SourceLines(file.path, file.text);
  const notText = notTextFile(file.text, lines);
  if (notText !== null) return { program: emptyProgram(lines), diagnostics: [notText] };
  try {
    const lexed = tokenize(file);
    const badUtf8 = invalidUtf8(file.text, lines);
    // The replacement character is reported once as bad UTF-8, not again as an unexpected character.
    const lexical =
      badUtf8 === null
        ? lexed.diagnostics
        : [badUtf8, ...lexed.diagnostics.filter((d) => file.text[d.span.start.offset] !== REPLACEMENT)];
    const tooDeep = tooDeeplyNested(lexed.tokens, lexed.lines);
    if (tooDeep !== undefined) {
      return { program: emptyProgram(lines), diagnostics: sortDiagnostics([...lexical, tooDeep]) };
    }
    shared ??= new FaultlineParser();
    const parser = shared;
    parser.begin(lexed.tokens, lexed.lines);
    let program: Program;
    try {
      program = parser.program();
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      // A stack overflow: nesting that the bracket limit does not see (say, long
      // chains of unary operators or quantifiers). A limit of the parser, not a
      // crash: reported where the parser was when it ran out of stack.
      const at = parser.currentToken();
      const start = Number.isFinite(at.startOffset) ? at.startOffset : 0;
      const tooDeepToParse: Diagnostic = {
        code: "FL107",
        severity: "error",
        message: "nested too deeply to be parsed (here the parser ran out of stack)",
        span: lines.span(start, Number.isFinite(at.startOffset) ? tokenEnd(at) : 0),
        hint: "split deeply nested expressions or statements into smaller parts, with local variables",
      };
      return { program: emptyProgram(lines), diagnostics: sortDiagnostics([...lexical, tooDeepToParse]) };
    }
    const syntax = parser.errors.map((e) => recognitionDiagnostic(e, lexed.lines, lexed.tokens));
    const primary = pruneCascades([
      ...lexical,
      ...syntax,
      ...parser.extraDiagnostics,
      ...parser.takeBigIntDiagnostics(),
    ]);
    const secondary = parser.secondaryDiagnostics.filter((d) => !nearAnError(d, primary));
    const diagnostics = secondary.length === 0 ? primary : sortDiagnostics([...primary, ...secondary]);
    return { program, diagnostics: capDiagnostics(diagnostics) };
  } catch (err) {
    // Internal bug: report it instead of crashing the caller.
    const message = err instanceof Error ? err.message : String(err);
    return {
      program: emptyProgram(lines),
      diagnostics: [
        {
          code: "FL900",
          severity: "error",
          message: `internal error in the parser: ${message}`,
          span: lines.span(0, 0),
          hint: "this is a bug in Faultline; please report it with the input file",
        },
      ],
    };
  }
}

function emptyProgram(lines: SourceLines): Program {
  return { kind: "Program", decls: [], id: 1, span: lines.span(0, lines.text.length) };
}

/** Deeper bracket nesting than any real model needs; recursion beyond it could exhaust the stack. */
export const MAX_NESTING = 128;

function tooDeeplyNested(tokens: IToken[], lines: SourceLines): Diagnostic | undefined {
  let depth = 0;
  for (const t of tokens) {
    const image = t.image;
    if (image === "(" || image === "[" || image === "{") {
      if (++depth > MAX_NESTING) {
        return {
          code: "FL107",
          severity: "error",
          message: `brackets nested more than ${MAX_NESTING} levels deep`,
          span: lines.span(t.startOffset, tokenEnd(t)),
          hint: "split the expression or the code into smaller parts",
        };
      }
    } else if (image === ")" || image === "]" || image === "}") {
      depth = Math.max(0, depth - 1);
    }
  }
  return undefined;
}

const REPLACEMENT = "\uFFFD";

/**
 * A file that is not text: one diagnostic instead of thousands (FL108). Binary
 * data has NUL bytes, or decodes to mostly control characters and the
 * replacement character (bytes that are not UTF-8).
 */
function notTextFile(text: string, lines: SourceLines): Diagnostic | null {
  const nul = text.indexOf("\0");
  let at = nul;
  if (nul < 0) {
    const sample = Math.min(text.length, 8192);
    let odd = 0;
    let first = -1;
    for (let i = 0; i < sample; i++) {
      const c = text.charCodeAt(i);
      if ((c < 32 && c !== 9 && c !== 10 && c !== 13 && c !== 12) || c === 0xfffd || c === 127) {
        odd++;
        if (first < 0) first = i;
      }
    }
    if (sample === 0 || odd * 10 < sample) return null;
    at = first;
  }
  return {
    code: "FL108",
    severity: "error",
    message:
      nul >= 0
        ? "not a text file: it contains a NUL byte"
        : "not a text file: mostly control characters or bytes that are not UTF-8",
    span: lines.span(at, at + 1),
    hint: "a model is a UTF-8 text file of Faultline source; check the path",
  };
}

/**
 * The first byte sequence that was not UTF-8 (decoded to U+FFFD when the file
 * was read), as a located diagnostic (FL109); null when there is none.
 */
function invalidUtf8(text: string, lines: SourceLines): Diagnostic | null {
  const at = text.indexOf(REPLACEMENT);
  if (at < 0) return null;
  return {
    code: "FL109",
    severity: "error",
    message: "invalid UTF-8: this byte sequence is not text in UTF-8 (read as U+FFFD)",
    span: lines.span(at, at + 1),
    hint: "save the file as UTF-8",
  };
}

/** At most this many diagnostics per file are reported; the rest are counted (FL110). */
export const MAX_DIAGNOSTICS = 100;

/** `diags` (sorted) cut to MAX_DIAGNOSTICS, with one more that says how many were left out. */
export function capDiagnostics(diags: Diagnostic[]): Diagnostic[] {
  if (diags.length <= MAX_DIAGNOSTICS) return diags;
  const left = diags.slice(MAX_DIAGNOSTICS);
  const more: Diagnostic = {
    code: "FL110",
    severity: left.some((d) => d.severity === "error") ? "error" : "warning",
    message: `... and ${left.length} more diagnostic${left.length === 1 ? "" : "s"} (only the first ${MAX_DIAGNOSTICS} are shown)`,
    span: left[0]!.span,
    hint: "fix the first ones: later ones are often caused by them",
  };
  return [...diags.slice(0, MAX_DIAGNOSTICS), more];
}

/**
 * Keep one FL102-FL104 error per line (the first): recovery often reports a
 * second, derived error right after the first. Other codes are always kept.
 */
function pruneCascades(diags: Diagnostic[]): Diagnostic[] {
  const sorted = sortDiagnostics(diags);
  const linesWithError = new Set<string>();
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const d of sorted) {
    const key = `${d.span.file}:${d.span.start.line}`;
    const isParserError = d.code === "FL102" || d.code === "FL103" || d.code === "FL104";
    const exact = `${d.code}:${d.span.start.offset}:${d.span.end.offset}:${d.message}`;
    if (seen.has(exact)) continue;
    if (isParserError && linesWithError.has(key)) continue;
    seen.add(exact);
    linesWithError.add(key);
    out.push(d);
  }
  return out;
}

/** True when a syntax error starts inside `d`'s span or on one of its lines. */
function nearAnError(d: Diagnostic, errors: readonly Diagnostic[]): boolean {
  return errors.some(
    (e) =>
      (e.span.start.offset >= d.span.start.offset && e.span.start.offset <= d.span.end.offset) ||
      (e.span.start.line >= d.span.start.line && e.span.start.line <= d.span.end.line),
  );
}

// ---------------------------------------------------------------- error messages

const tokenLabels = new Map<string, string>(allTokens.map((t) => [t.name, t.LABEL ?? t.name]));
tokenLabels.set("EOF", "the end of the file");

function label(tokenName: string): string {
  return tokenLabels.get(tokenName) ?? tokenName;
}

/** Words for the rule an error happened in: "expected ';' after the send statement". */
const RULE_DESCRIPTIONS: Record<string, string> = {
  enumDecl: "the enum declaration",
  typeAliasDecl: "the type alias",
  eventDecl: "the event declaration",
  paramDecl: "the param declaration",
  machineDecl: "the machine declaration",
  specDecl: "the spec declaration",
  machineBody: "the body",
  funDecl: "the function declaration",
  invariantDecl: "the invariant",
  testDecl: "the test declaration",
  testParamBinding: "the test parameter",
  fault: "the fault",
  faultEvents: "the fault",
  atMost: "the fault budget",
  varDecl: "the variable declaration",
  stateDecl: "the state declaration",
  stateMember: "the state item",
  eventList: "the event list",
  onItem: "the 'on' handler",
  gotoTail: "the 'on ... goto' handler",
  action: "the handler",
  typeExpr: "the type",
  tupleType: "the tuple type",
  block: "the block",
  statement: "the statement",
  localVarStmt: "the variable declaration",
  ifStmt: "the if statement",
  whileStmt: "the while loop",
  foreachStmt: "the foreach loop",
  sendStmt: "the send statement",
  raiseStmt: "the raise statement",
  gotoStmt: "the goto statement",
  announceStmt: "the announce statement",
  assertStmt: "the assert statement",
  haltStmt: "the halt statement",
  returnStmt: "the return statement",
  breakStmt: "the break statement",
  continueStmt: "the continue statement",
  startTimerStmt: "the 'start timer' statement",
  cancelTimerStmt: "the 'cancel timer' statement",
  simpleStmt: "the statement",
  expression: "the expression",
  unary: "the expression",
  postfix: "the expression",
  primary: "the expression",
  parenContent: "the parenthesized expression",
  quantifier: "the quantifier",
  quantBinder: "the quantifier binder",
};

function describeRule(ruleName: string): string {
  return RULE_DESCRIPTIONS[ruleName] ?? "this construct";
}

function quoteToken(tok: IToken): string {
  if (tok.tokenType.name === "EOF" || Number.isNaN(tok.startOffset)) return "the end of the file";
  const image = tok.image.length > 30 ? `${tok.image.slice(0, 27)}...` : tok.image;
  return `'${printable(image)}'`;
}

function isEof(tok: IToken | undefined): boolean {
  return tok === undefined || tok.tokenType.name === "EOF" || Number.isNaN(tok.startOffset);
}

function joinAlternatives(names: string[]): string {
  const labels = [...new Set(names.map(label))];
  if (labels.length <= 1) return labels[0] ?? "something else";
  if (labels.length > 6) return `one of ${labels.slice(0, 6).join(", ")}, ...`;
  return `${labels.slice(0, -1).join(", ")} or ${labels[labels.length - 1]}`;
}

function parseInfo(e: IRecognitionException): ErrorInfo | undefined {
  try {
    return JSON.parse(e.message) as ErrorInfo;
  } catch {
    return undefined;
  }
}

function recognitionDiagnostic(e: IRecognitionException, lines: SourceLines, tokens: IToken[]): Diagnostic {
  const d = recognitionDiagnosticBase(e, lines, tokens);
  if (d.hint !== undefined) return d;
  const hint = contextHint(tokens, e.token);
  return hint === undefined ? d : { ...d, hint };
}

/**
 * Hints that need the tokens before the error: constructs from other languages
 * that Faultline spells differently.
 */
function contextHint(tokens: IToken[], actual: IToken): string | undefined {
  const at = tokens.findIndex((t) => t.startOffset === actual.startOffset);
  const end = at < 0 ? tokens.length : at;
  for (let i = Math.max(0, end - 8); i < end; i++) {
    if (tokens[i]!.image === "for" && tokens[i + 1]?.image === "(") {
      return "Faultline has no 'for' loop: use 'while (cond) { ... }', or 'foreach (x in coll) { ... }' over a collection";
    }
  }
  const [a, dot, b, paren] = [tokens[end - 3], tokens[end - 2], tokens[end - 1], tokens[end]];
  if (
    a?.tokenType === Identifier &&
    dot?.image === "." &&
    b?.tokenType === Identifier &&
    paren?.image === "("
  ) {
    return "a machine cannot call another machine's functions: send it an event (its own functions are called as 'f(args)')";
  }
  return undefined;
}

function recognitionDiagnosticBase(
  e: IRecognitionException,
  lines: SourceLines,
  tokens: IToken[],
): Diagnostic {
  const actual = e.token;
  const previous = (e as { previousToken?: IToken }).previousToken;
  const info = parseInfo(e);
  const found = quoteToken(actual);
  const actualSpan = tokenSpan(actual, lines);
  const base = { severity: "error" as const };

  if (info === undefined) {
    return { ...base, code: "FL102", message: `unexpected ${found}`, span: actualSpan };
  }

  switch (info.kind) {
    case "mismatch": {
      if (info.expected === "EOF") {
        return {
          ...base,
          code: "FL102",
          message: `unexpected ${found}: expected a declaration`,
          span: actualSpan,
          hint: "a file holds enum, type, event, param, machine, spec, fun, invariant, reachable and test declarations",
        };
      }
      const expected = label(info.expected);
      const ruleWords = describeRule(info.ruleName);
      let message: string;
      if (info.expected === LBrace.name && info.ruleName === "block") {
        message = `expected a block '{ ... }', found ${found}`;
      } else if (info.expected === Semicolon.name) {
        message = `expected ${expected} after ${ruleWords}, found ${found}`;
      } else if (previous !== undefined && !isEof(previous) && /^[A-Za-z0-9_"]/.test(previous.image)) {
        message = `expected ${expected} after '${printable(previous.image)}' in ${ruleWords}, found ${found}`;
      } else {
        message = `expected ${expected} in ${ruleWords}, found ${found}`;
      }
      const related =
        info.expected === RBrace.name && isEof(actual) ? unclosedBrace(tokens, lines) : undefined;
      const hint = mismatchHint(info, actual);
      return {
        ...base,
        code: "FL103",
        message,
        span: missingTokenSpan(actual, previous, lines),
        ...(hint !== undefined ? { hint } : {}),
        ...(related !== undefined ? { related: [related] } : {}),
      };
    }
    case "noViableAlt": {
      if (info.expected.includes(Semicolon.name) && isOnLaterLine(actual, previous, lines)) {
        // `on E goto S` + newline: the alternatives are `with ...` or `;`, and the
        // user most likely forgot the `;`.
        const hint = mismatchHint({ expected: Semicolon.name, ruleName: info.ruleName }, actual);
        return {
          ...base,
          code: "FL103",
          message: `expected ';' after ${describeRule(info.ruleName)}, found ${found}`,
          span: missingTokenSpan(actual, previous, lines),
          ...(hint !== undefined ? { hint } : {}),
        };
      }
      const expected = info.custom ?? joinAlternatives(info.expected);
      const hint = foundHint(actual, info.ruleName);
      return {
        ...base,
        code: "FL104",
        message: `expected ${expected}, found ${found}`,
        span: eofAware(actual, previous, lines),
        ...(hint !== undefined ? { hint } : {}),
      };
    }
    case "earlyExit": {
      const expected = info.custom ?? joinAlternatives(info.expected);
      const hint = foundHint(actual, info.ruleName);
      return {
        ...base,
        code: "FL102",
        message: `expected at least one ${stripArticle(expected)} in ${describeRule(info.ruleName)}, found ${found}`,
        span: eofAware(actual, previous, lines),
        ...(hint !== undefined ? { hint } : {}),
      };
    }
    case "notAllInput":
      return {
        ...base,
        code: "FL102",
        message: `unexpected ${found}: expected a declaration`,
        span: actualSpan,
        hint: "a file holds enum, type, event, param, machine, spec, fun, invariant, reachable and test declarations",
      };
  }
}

function stripArticle(s: string): string {
  return s.replace(/^(a|an) /, "");
}

function tokenSpan(tok: IToken, lines: SourceLines): Span {
  if (isEof(tok)) return lines.span(lines.text.length, lines.text.length);
  return lines.span(tok.startOffset, tokenEnd(tok));
}

/**
 * A missing token at the end of a line is reported where it belongs (right after
 * the previous token, like rustc); otherwise at the token that is in its place.
 */
function missingTokenSpan(actual: IToken, previous: IToken | undefined, lines: SourceLines): Span {
  if (previous !== undefined && !isEof(previous)) {
    const prevEnd = tokenEnd(previous);
    if (isEof(actual) || lines.position(actual.startOffset).line > lines.position(prevEnd).line) {
      return lines.span(prevEnd, prevEnd);
    }
  }
  return tokenSpan(actual, lines);
}

function isOnLaterLine(actual: IToken, previous: IToken | undefined, lines: SourceLines): boolean {
  if (previous === undefined || isEof(previous)) return false;
  if (isEof(actual)) return true;
  const prevEnd = tokenEnd(previous);
  return lines.position(actual.startOffset).line > lines.position(prevEnd).line;
}

/** The end of the file is shown right after the last token, not on a trailing empty line. */
function eofAware(actual: IToken, previous: IToken | undefined, lines: SourceLines): Span {
  if (isEof(actual) && previous !== undefined && !isEof(previous)) {
    const prevEnd = tokenEnd(previous);
    return lines.span(prevEnd, prevEnd);
  }
  return tokenSpan(actual, lines);
}

const CONDITION_RULES: Record<string, string> = {
  ifStmt: "condition of 'if'",
  whileStmt: "condition of 'while'",
  foreachStmt: "loop header of 'foreach'",
};

function mismatchHint(info: { expected: string; ruleName: string }, actual: IToken): string | undefined {
  const expectsName = info.expected === Identifier.name || info.expected === FieldName.name;
  if (expectsName && info.ruleName === "tupleType") {
    return "a tuple type names all its fields '(a: int, b: bool)' or none '(int, bool)'";
  }
  if (expectsName && info.ruleName === "parenContent") {
    return "a tuple names all its fields '(a = 1, b = 2)' or none '(1, 2)'";
  }
  if (info.expected === Identifier.name && RESERVED_KEYWORDS.includes(actual.image)) {
    return `'${actual.image}' is a reserved keyword and cannot be used as a name`;
  }
  if (info.expected === Semicolon.name && (info.ruleName === "gotoTail" || info.ruleName === "onItem")) {
    return "'on E goto S' ends with ';' unless it has a 'with { ... }' block";
  }
  if (info.expected === LParen.name && CONDITION_RULES[info.ruleName] !== undefined) {
    return `the ${CONDITION_RULES[info.ruleName]} goes in parentheses`;
  }
  if (info.ruleName === "stateDecl" && actual.image === "start") {
    return "write the modifiers in the order 'start hot state Name'";
  }
  if (info.expected === LBrace.name && info.ruleName === "block") {
    return "the bodies of if, else, while, foreach and functions are blocks in braces";
  }
  if (info.expected === Semicolon.name && info.ruleName === "action") {
    return "a handler naming a function ends with ';': 'on E do Handle;'";
  }
  return foundHint(actual, info.ruleName);
}

const DECLARATION_RULES = new Set(["varDecl", "localVarStmt"]);

function foundHint(actual: IToken, ruleName: string): string | undefined {
  if (ruleName === "testDecl" && actual.image === "symmetric") {
    return "a test header reads: [main = M]: assert P, Q [in (M1, M2)] [symmetric (M1)] [with faults { ... }];";
  }
  if (actual.image === "=") {
    if (DECLARATION_RULES.has(ruleName)) {
      return "a variable starts at its type's default value; assign it in a separate statement";
    }
    return "'=' assigns; use '==' to compare";
  }
  if (actual.image === "elif" || actual.image === "elsif") return "write 'else if'";
  return undefined;
}

/** For a `}` missing at the end of the file: the `{` that was never closed. */
function unclosedBrace(tokens: IToken[], lines: SourceLines): { message: string; span: Span } | undefined {
  const open: IToken[] = [];
  for (const t of tokens) {
    if (t.tokenType === LBrace) open.push(t);
    else if (t.tokenType === RBrace) open.pop();
  }
  const last = open[open.length - 1];
  if (last === undefined) return undefined;
  return { message: "this '{' is never closed", span: tokenSpan(last, lines) };
}

// Re-exported for tools (formatters, highlighters) that want the vocabulary.
export { allTokens as tokenVocabulary, RESERVED_KEYWORDS, SOFT_KEYWORDS, tokenize } from "./lexer.js";
