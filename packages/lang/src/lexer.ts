// The Faultline lexer: chevrotain token types, the keyword list, and a
// `tokenize` that turns lexing problems into diagnostics (FL100, FL101).
import { createToken, type IToken, Lexer, type TokenType } from "chevrotain";
import type { Position, Span } from "./ast.js";
import type { Diagnostic } from "./diagnostics.js";

// ---------------------------------------------------------------- source positions

/** Maps character offsets to 1-based line/column. Only "\n" ends a line. */
export class SourceLines {
  readonly lineStarts: number[] = [0];

  constructor(
    readonly file: string,
    readonly text: string,
  ) {
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
    }
  }

  position(offset: number): Position {
    const clamped = Math.max(0, Math.min(Number.isFinite(offset) ? offset : 0, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= clamped) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: clamped - this.lineStarts[lo]! + 1, offset: clamped };
  }

  /** Span of the half-open offset range [start, end). */
  span(start: number, end: number): Span {
    const s = this.position(start);
    const e = this.position(Math.max(end, s.offset));
    return { file: this.file, start: s, end: e };
  }

  /** The text of a 1-based line, without its line break. */
  lineText(line: number): string {
    const start = this.lineStarts[line - 1];
    if (start === undefined) return "";
    const next = this.lineStarts[line];
    const end = next === undefined ? this.text.length : next - 1;
    return this.text.slice(start, end).replace(/\r$/, "");
  }
}

// ---------------------------------------------------------------- tokens

/**
 * A field name: any name, hard keywords included (`seq`, `set`, `map`, `state`...).
 * Field names only appear where nothing else can (after `.`, before `:` in a named
 * tuple type, before `=` in a named tuple), so `(from: machine, seq: int)` and
 * `msg.seq` need no reserved-word workaround. A category: no text of its own.
 */
export const FieldName = createToken({
  name: "FieldName",
  pattern: Lexer.NA,
  label: "a name",
});

export const Identifier = createToken({
  name: "Identifier",
  pattern: /[A-Za-z_][A-Za-z0-9_]*/,
  label: "a name",
  categories: [FieldName],
});

// Binary operators share a category so the expression rule is one loop; the
// precedence is applied when the tree is built.
export const BinaryOperator = createToken({
  name: "BinaryOperator",
  pattern: Lexer.NA,
  label: "an operator",
});

/** Hard keywords: reserved, never usable as names. */
const hardKeywordWords = [
  "enum",
  "type",
  "event",
  "param",
  "machine",
  "spec",
  "fun",
  "foreign",
  "invariant",
  "test",
  "assert",
  "var",
  "durable",
  "start",
  "hot",
  "cold",
  "state",
  "entry",
  "exit",
  "on",
  "do",
  "goto",
  "with",
  "defer",
  "ignore",
  "timeout",
  "send",
  "raise",
  "announce",
  "halt",
  "print",
  "if",
  "else",
  "while",
  "foreach",
  "return",
  "break",
  "continue",
  "cancel",
  "new",
  "choose",
  "default",
  "this",
  "true",
  "false",
  "forall",
  "exists",
  "in",
  "int",
  "bool",
  "string",
  "seq",
  "set",
  "map",
] as const;

/**
 * Soft keywords: keywords only where the grammar expects them (test headers, fault
 * blocks, `start timer`), ordinary names everywhere else, so a model may still call a
 * variable `timer` or an event `Drop`... or `drop`.
 */
const softKeywordWords = [
  "main",
  "observes",
  "faults",
  "drop",
  "duplicate",
  "reorder",
  "crash",
  "partition",
  "at",
  "most",
  "then",
  "restart",
  "timer",
  "symmetric",
  "reachable",
  "cover",
  "assume",
  "wise",
  "module",
  "union",
  "receive",
  "case",
  "as",
] as const;

export const RESERVED_KEYWORDS: readonly string[] = hardKeywordWords;
export const SOFT_KEYWORDS: readonly string[] = softKeywordWords;

function keywordToken(word: string, soft: boolean): TokenType {
  const name = `Kw${word[0]!.toUpperCase()}${word.slice(1)}`;
  return createToken({
    name,
    pattern: new RegExp(word),
    longer_alt: Identifier,
    label: `'${word}'`,
    categories: soft ? [Identifier] : word === "in" ? [BinaryOperator, FieldName] : [FieldName],
  });
}

export const Keywords: Record<string, TokenType> = {};
for (const w of hardKeywordWords) Keywords[w] = keywordToken(w, false);
for (const w of softKeywordWords) Keywords[w] = keywordToken(w, true);

const kw = (w: string): TokenType => Keywords[w]!;
export const KwEnum = kw("enum");
export const KwType = kw("type");
export const KwEvent = kw("event");
export const KwParam = kw("param");
export const KwMachine = kw("machine");
export const KwSpec = kw("spec");
export const KwFun = kw("fun");
export const KwForeign = kw("foreign");
export const KwInvariant = kw("invariant");
export const KwTest = kw("test");
export const KwAssert = kw("assert");
export const KwVar = kw("var");
export const KwDurable = kw("durable");
export const KwStart = kw("start");
export const KwHot = kw("hot");
export const KwCold = kw("cold");
export const KwState = kw("state");
export const KwEntry = kw("entry");
export const KwExit = kw("exit");
export const KwOn = kw("on");
export const KwDo = kw("do");
export const KwGoto = kw("goto");
export const KwWith = kw("with");
export const KwDefer = kw("defer");
export const KwIgnore = kw("ignore");
export const KwTimeout = kw("timeout");
export const KwSend = kw("send");
export const KwRaise = kw("raise");
export const KwAnnounce = kw("announce");
export const KwHalt = kw("halt");
export const KwPrint = kw("print");
export const KwIf = kw("if");
export const KwElse = kw("else");
export const KwWhile = kw("while");
export const KwForeach = kw("foreach");
export const KwReturn = kw("return");
export const KwBreak = kw("break");
export const KwContinue = kw("continue");
export const KwCancel = kw("cancel");
export const KwNew = kw("new");
export const KwChoose = kw("choose");
export const KwDefault = kw("default");
export const KwThis = kw("this");
export const KwTrue = kw("true");
export const KwFalse = kw("false");
export const KwForall = kw("forall");
export const KwExists = kw("exists");
export const KwIn = kw("in");
export const KwInt = kw("int");
export const KwBool = kw("bool");
export const KwString = kw("string");
export const KwSeq = kw("seq");
export const KwSet = kw("set");
export const KwMap = kw("map");
export const KwMain = kw("main");
export const KwObserves = kw("observes");
export const KwReceive = kw("receive");
export const KwCase = kw("case");
export const KwFaults = kw("faults");
export const KwDrop = kw("drop");
export const KwDuplicate = kw("duplicate");
export const KwReorder = kw("reorder");
export const KwCrash = kw("crash");
export const KwPartition = kw("partition");
export const KwAt = kw("at");
export const KwMost = kw("most");
export const KwThen = kw("then");
export const KwRestart = kw("restart");
export const KwTimer = kw("timer");
export const KwSymmetric = kw("symmetric");
export const KwReachable = kw("reachable");
export const KwCover = kw("cover");
export const KwAssume = kw("assume");
export const KwWise = kw("wise");
export const KwModule = kw("module");
export const KwUnion = kw("union");
export const KwAs = kw("as");

function op(name: string, image: string, binary = false): TokenType {
  return createToken({
    name,
    pattern: image,
    label: `'${image}'`,
    categories: binary ? [BinaryOperator] : [],
  });
}

export const ColonColon = op("ColonColon", "::");
export const Colon = op("Colon", ":");
export const Semicolon = op("Semicolon", ";");
export const Comma = op("Comma", ",");
export const Dot = op("Dot", ".");
export const LParen = op("LParen", "(");
export const RParen = op("RParen", ")");
export const LBrace = op("LBrace", "{");
export const RBrace = op("RBrace", "}");
export const LBracket = op("LBracket", "[");
export const RBracket = op("RBracket", "]");
export const PlusAssign = op("PlusAssign", "+=");
export const MinusAssign = op("MinusAssign", "-=");
export const Arrow = op("Arrow", "->");
export const EqEq = op("EqEq", "==", true);
export const NotEq = op("NotEq", "!=", true);
export const Assign = op("Assign", "=");
export const LessEq = op("LessEq", "<=", true);
export const GreaterEq = op("GreaterEq", ">=", true);
export const Less = op("Less", "<", true);
export const Greater = op("Greater", ">", true);
export const AndAnd = op("AndAnd", "&&", true);
export const OrOr = op("OrOr", "||", true);
export const Plus = op("Plus", "+", true);
export const Minus = op("Minus", "-", true);
export const Star = op("Star", "*", true);
export const Slash = op("Slash", "/", true);
export const Percent = op("Percent", "%", true);
export const Bang = op("Bang", "!");
export const Dollar = op("Dollar", "$");

export const IntLiteral = createToken({ name: "IntLiteral", pattern: /[0-9]+/, label: "an integer" });
export const StringLiteral = createToken({
  name: "StringLiteral",
  pattern: /"(?:[^"\\\r\n]|\\[^\r\n])*"/,
  label: "a string",
});
// A string missing its closing quote still reaches the parser as a string (so the
// parse goes on), and `tokenize` reports FL101 for it.
export const UnterminatedString = createToken({
  name: "UnterminatedString",
  pattern: /"(?:[^"\\\r\n]|\\[^\r\n])*\\?/,
  categories: [StringLiteral],
  label: "a string",
});

export const WhiteSpace = createToken({
  name: "WhiteSpace",
  pattern: /[ \t\r\n\ufeff]+/, // a byte-order mark is whitespace too
  group: Lexer.SKIPPED,
  line_breaks: true,
});
export const LineComment = createToken({ name: "LineComment", pattern: /\/\/[^\n]*/, group: Lexer.SKIPPED });
export const BlockComment = createToken({
  name: "BlockComment",
  pattern: /\/\*[\s\S]*?\*\//,
  group: Lexer.SKIPPED,
  line_breaks: true,
});
const UnterminatedComment = createToken({
  name: "UnterminatedComment",
  pattern: /\/\*[\s\S]*/,
  group: "unterminated",
  line_breaks: true,
});

/** Every token type, in lexing priority order (also the parser's vocabulary). */
export const allTokens: TokenType[] = [
  WhiteSpace,
  LineComment,
  BlockComment,
  UnterminatedComment,
  StringLiteral,
  UnterminatedString,
  // Longest first, so `in` does not shadow `int` (each keyword falls back to
  // Identifier through longer_alt, but not to another keyword).
  ...Object.entries(Keywords)
    .sort(([a], [b]) => b.length - a.length)
    .map(([, t]) => t),
  Identifier,
  FieldName,
  IntLiteral,
  ColonColon,
  Colon,
  Semicolon,
  Comma,
  Dot,
  LParen,
  RParen,
  LBrace,
  RBrace,
  LBracket,
  RBracket,
  PlusAssign,
  MinusAssign,
  Arrow,
  EqEq,
  NotEq,
  Assign,
  LessEq,
  GreaterEq,
  Less,
  Greater,
  AndAnd,
  OrOr,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  Bang,
  Dollar,
  BinaryOperator,
];

/**
 * The lexer. Its pattern validations cost ~30 ms of every start-up, so they
 * run only when asked: the test suite builds it with `validate: true`.
 */
export function buildLexer(options: { validate?: boolean } = {}): Lexer {
  return new Lexer(allTokens, {
    positionTracking: "onlyOffset",
    ensureOptimizations: false,
    skipValidations: options.validate !== true,
  });
}

const faultlineLexer = buildLexer();

// ---------------------------------------------------------------- tokenize

export interface LexResult {
  tokens: IToken[];
  diagnostics: Diagnostic[];
  lines: SourceLines;
}

const ESCAPES: Record<string, string> = { '"': '"', "\\": "\\", n: "\n", t: "\t", r: "\r" };

const CHARACTER_HINTS: Record<string, string> = {
  "&": "did you mean '&&'?",
  "|": "did you mean '||'?",
  "'": 'strings are written with double quotes: "..."',
  "#": "comments start with '//'",
};

export function tokenize(file: { path: string; text: string }): LexResult {
  const lines = new SourceLines(file.path, file.text);
  const diagnostics: Diagnostic[] = [];
  const result = faultlineLexer.tokenize(file.text);

  for (const err of result.errors) {
    const bad = file.text.slice(err.offset, err.offset + err.length);
    const what = err.length === 1 ? `character '${printable(bad)}'` : `characters '${printable(bad)}'`;
    const hint = CHARACTER_HINTS[bad[0] ?? ""];
    diagnostics.push({
      code: "FL100",
      severity: "error",
      message: `unexpected ${what}`,
      span: lines.span(err.offset, err.offset + err.length),
      ...(hint !== undefined ? { hint } : {}),
    });
  }
  for (const tok of result.groups["unterminated"] ?? []) {
    diagnostics.push({
      code: "FL100",
      severity: "error",
      message: "unterminated block comment",
      span: lines.span(tok.startOffset, tok.startOffset + 2),
      hint: "close the comment with '*/'",
    });
  }
  for (const tok of result.tokens) {
    if (tok.tokenType === UnterminatedString) {
      diagnostics.push({
        code: "FL101",
        severity: "error",
        message: "unterminated string literal",
        span: lines.span(tok.startOffset, tokenEnd(tok)),
        hint: "close the string with '\"' on the same line",
      });
    }
    if (tok.tokenType === StringLiteral || tok.tokenType === UnterminatedString) {
      checkEscapes(tok, lines, diagnostics);
    }
  }
  return { tokens: result.tokens, diagnostics, lines };
}

function checkEscapes(tok: IToken, lines: SourceLines, out: Diagnostic[]): void {
  const image = tok.image;
  for (let i = 1; i < image.length; i++) {
    if (image[i] !== "\\") continue;
    const next = image[i + 1];
    if (next === undefined || ESCAPES[next] === undefined) {
      const start = tok.startOffset + i;
      const len = next === undefined ? 1 : 2;
      out.push({
        code: "FL100",
        severity: "error",
        message: `unknown escape sequence '${printable(image.slice(i, i + len))}' in a string literal`,
        span: lines.span(start, start + len),
        hint: 'the escapes are \\" \\\\ \\n \\t and \\r',
      });
    }
    i++;
  }
}

/** Exclusive end offset of a token (the lexer tracks start offsets only, for speed). */
export function tokenEnd(tok: IToken): number {
  return tok.startOffset + tok.image.length;
}

/** The value of a string token: quotes removed, escapes resolved. */
export function unescapeString(image: string, terminated: boolean): string {
  const closed = terminated && image.length >= 2;
  const body = image.slice(1, closed ? -1 : undefined);
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === "\\" && i + 1 < body.length) {
      const next = body[i + 1]!;
      out += ESCAPES[next] ?? next;
      i++;
    } else if (c !== "\\") {
      out += c;
    }
  }
  return out;
}

/** Make control and invisible characters readable in a message. */
export function printable(s: string): string {
  let out = "";
  for (const c of s) {
    const code = c.codePointAt(0)!;
    if (c === "\n") out += "\\n";
    else if (c === "\t") out += "\\t";
    else if (c === "\r") out += "\\r";
    else if (isInvisible(code)) out += `\\u{${code.toString(16)}}`;
    else out += c;
  }
  return out;
}

function isInvisible(code: number): boolean {
  return (
    code < 0x20 ||
    (code >= 0x7f && code <= 0xa0) ||
    (code >= 0x2000 && code <= 0x200f) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0xfeff
  );
}
