// The chevrotain grammar of Faultline, building the AST of ast.ts with embedded
// actions. One instance is built at module load (grammar recording is costly);
// `parser.ts` resets its input per parse and turns its errors into diagnostics.
//
// Rules must survive chevrotain's recording phase (CONSUME returns a dummy token,
// SUBRULE a dummy object), so every AST construction is wrapped in ACTION.
import {
  EmbeddedActionsParser,
  EOF,
  tokenMatcher,
  type IParserErrorMessageProvider,
  type IToken,
  type TokenType,
} from "chevrotain";
import type {
  Action,
  BinaryOp,
  Block,
  Decl,
  EntryDecl,
  EnumDecl,
  EventDecl,
  ExitDecl,
  Expr,
  FaultDecl,
  FunDecl,
  Ident,
  InvariantDecl,
  MachineDecl,
  NodeBase,
  Param,
  ParamDecl,
  Program,
  QuantBinder,
  ReceiveCase,
  Span,
  SpecDecl,
  StateDecl,
  StateItem,
  Stmt,
  Temperature,
  CoverTarget,
  TestDecl,
  Substitution,
  ModuleDecl,
  ModuleExpr,
  TestParamBinding,
  TypeAliasDecl,
  TypeExpr,
  VarDecl,
} from "./ast.js";
import type { Diagnostic } from "./diagnostics.js";
import {
  Assign,
  allTokens,
  BinaryOperator,
  Bang,
  Colon,
  ColonColon,
  Comma,
  Dollar,
  Dot,
  FieldName,
  Identifier,
  IntLiteral,
  KwAnnounce,
  KwAssert,
  KwAt,
  KwBool,
  KwBreak,
  KwCancel,
  KwChoose,
  KwCold,
  KwContinue,
  KwCrash,
  KwDefault,
  KwDefer,
  KwDo,
  KwDrop,
  KwDuplicate,
  KwDurable,
  KwElse,
  KwEntry,
  KwEnum,
  KwEvent,
  KwExists,
  KwExit,
  KwFalse,
  KwFaults,
  KwSymmetric,
  KwForall,
  KwForeach,
  KwForeign,
  KwFun,
  KwGoto,
  KwHalt,
  KwPrint,
  KwHot,
  KwIf,
  KwIgnore,
  KwIn,
  KwInt,
  KwInvariant,
  KwReachable,
  KwCover,
  KwAssume,
  KwWise,
  KwModule,
  KwUnion,
  KwReceive,
  KwCase,
  KwAs,
  Arrow,
  KwMachine,
  KwMain,
  KwMap,
  KwMost,
  KwNew,
  KwObserves,
  KwOn,
  KwParam,
  KwPartition,
  KwRaise,
  KwReorder,
  KwRestart,
  KwReturn,
  KwSend,
  KwSeq,
  KwSet,
  KwSpec,
  KwStart,
  KwState,
  KwString,
  KwTest,
  KwThen,
  KwThis,
  KwTimeout,
  KwTimer,
  KwTrue,
  KwType,
  KwVar,
  KwWhile,
  KwWith,
  LBrace,
  LBracket,
  LParen,
  Minus,
  MinusAssign,
  PlusAssign,
  RBrace,
  RBracket,
  RParen,
  type SourceLines,
  Semicolon,
  StringLiteral,
  printable,
  tokenEnd,
  UnterminatedString,
  unescapeString,
} from "./lexer.js";

/** The name given to identifiers the parser had to invent while recovering from an error. */
export const MISSING_NAME = "<missing>";

const INT_MAX = 2 ** 31 - 1;

const BINARY_PRECEDENCE: Record<string, number> = {
  "||": 1,
  "&&": 2,
  "==": 3,
  "!=": 3,
  "<": 4,
  "<=": 4,
  ">": 4,
  ">=": 4,
  in: 4,
  "+": 5,
  "-": 5,
  "*": 6,
  "/": 6,
  "%": 6,
};

/** What the error message provider records; parser.ts turns it into a human message. */
export type ErrorInfo =
  | { kind: "mismatch"; expected: string; ruleName: string }
  | { kind: "notAllInput"; ruleName: string }
  | { kind: "noViableAlt"; expected: string[]; custom?: string; ruleName: string }
  | { kind: "earlyExit"; expected: string[]; custom?: string; ruleName: string };

function firstTokenNames(paths: TokenType[][]): string[] {
  const names: string[] = [];
  for (const path of paths) {
    const first = path[0];
    if (first !== undefined && !names.includes(first.name)) names.push(first.name);
  }
  return names;
}

// Messages are structured data (JSON) here; parser.ts phrases them with the
// token, the previous token and the rule at hand.
const structuredMessages: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected, ruleName }) =>
    JSON.stringify({ kind: "mismatch", expected: expected.name, ruleName } satisfies ErrorInfo),
  buildNotAllInputParsedMessage: ({ ruleName }) =>
    JSON.stringify({ kind: "notAllInput", ruleName } satisfies ErrorInfo),
  buildNoViableAltMessage: ({ expectedPathsPerAlt, customUserDescription, ruleName }) =>
    JSON.stringify({
      kind: "noViableAlt",
      expected: firstTokenNames(expectedPathsPerAlt.flat()),
      ...(customUserDescription !== undefined ? { custom: customUserDescription } : {}),
      ruleName,
    } satisfies ErrorInfo),
  buildEarlyExitMessage: ({ expectedIterationPaths, customUserDescription, ruleName }) =>
    JSON.stringify({
      kind: "earlyExit",
      expected: firstTokenNames(expectedIterationPaths),
      ...(customUserDescription !== undefined ? { custom: customUserDescription } : {}),
      ruleName,
    } satisfies ErrorInfo),
};

/** The chevrotain internals the re-sync override uses. */
interface ChevrotainInternals {
  currIdx: number;
  flattenFollowSet(): TokenType[];
  SKIP_TOKEN(): IToken;
}

type Fields<N> = N extends NodeBase ? Omit<N, "id" | "span"> : never;

type StateMember = { kind: "entry"; node: EntryDecl } | { kind: "exit"; node: ExitDecl } | StateItem;
type MachineMember = VarDecl | StateDecl | FunDecl;
type ParenContent =
  | { kind: "single"; expr: Expr }
  | { kind: "tuple"; elems: Expr[] }
  | { kind: "named"; fields: { name: Ident; value: Expr }[] };

export class FaultlineParser extends EmbeddedActionsParser {
  // Per-parse state, reset by `begin`.
  private lines!: SourceLines;
  private nextId = 1;
  /** Diagnostics found while building the tree (not chevrotain errors). */
  extraDiagnostics: Diagnostic[] = [];
  /** Tree-building diagnostics that recovered code may cause: dropped near a syntax error. */
  secondaryDiagnostics: Diagnostic[] = [];
  /** Declarations completed so far: kept even if the program rule itself has to give up. */
  private completedDecls: Decl[] = [];
  private pendingBigInts = new Map<Expr, Diagnostic>();

  /**
   * Chevrotain's grammar validations (ambiguity, left recursion, ...) cost
   * ~60 ms of every start-up and can only fail when the grammar changes, so
   * they run when asked: the test suite builds the parser with `validate: true`.
   */
  constructor(options: { validate?: boolean } = {}) {
    super(allTokens, {
      recoveryEnabled: true,
      maxLookahead: 3,
      errorMessageProvider: structuredMessages,
      skipValidations: options.validate !== true,
    });
    this.performSelfAnalysis();
  }

  begin(tokens: IToken[], lines: SourceLines): void {
    this.lines = lines;
    this.nextId = 1;
    this.extraDiagnostics = [];
    this.secondaryDiagnostics = [];
    this.completedDecls = [];
    this.pendingBigInts = new Map();
    this.input = tokens;
  }

  /** The token the parser is looking at (after a stack overflow: where the nesting got too deep). */
  currentToken(): IToken {
    return this.LA(1);
  }

  /** Diagnostics for int literals out of range that a unary minus did not rescue. */
  takeBigIntDiagnostics(): Diagnostic[] {
    return [...this.pendingBigInts.values()];
  }

  // Inserted tokens get a zero-width position right after the previous token, so
  // spans built from them stay inside the file.
  protected override getTokenToInsert(tokType: TokenType): IToken {
    const tok = super.getTokenToInsert(tokType);
    const at = this.prevEnd();
    tok.startOffset = at;
    tok.endOffset = at - 1;
    return tok;
  }

  // ---------------------------------------------------------------- brace-aware re-sync
  //
  // On an error chevrotain skips tokens up to one that may follow a rule on the
  // stack. A plain scan would stop at the `}` of a block inside the skipped text and
  // close the enclosing state or machine too early, so the scan steps over balanced
  // `{ ... }` groups. (Overrides chevrotain internals absent from its typings.)

  private resyncTarget = -1;

  findReSyncTokenType(): TokenType {
    const internals = this as unknown as ChevrotainInternals;
    const follows = internals.flattenFollowSet();
    let depth = 0;
    for (let k = 1; ; k++) {
      const tok = this.LA(k);
      if (tok.tokenType === EOF) {
        this.resyncTarget = internals.currIdx + k;
        return EOF;
      }
      if (depth === 0) {
        const match = follows.find((t) => tokenMatcher(tok, t));
        if (match !== undefined) {
          this.resyncTarget = internals.currIdx + k;
          return match;
        }
      }
      if (tok.tokenType === LBrace) depth++;
      else if (tok.tokenType === RBrace && depth > 0) depth--;
    }
  }

  reSyncTo(tokType: TokenType): IToken[] {
    const internals = this as unknown as ChevrotainInternals;
    const skipped: IToken[] = [];
    if (this.resyncTarget > internals.currIdx) {
      while (internals.currIdx + 1 < this.resyncTarget && this.LA(1).tokenType !== EOF) {
        skipped.push(this.LA(1));
        internals.SKIP_TOKEN();
      }
    }
    // Fall back to chevrotain's own scan if the target was stale.
    while (!tokenMatcher(this.LA(1), tokType) && this.LA(1).tokenType !== EOF) {
      skipped.push(this.LA(1));
      internals.SKIP_TOKEN();
    }
    this.resyncTarget = -1;
    return skipped;
  }

  // ---------------------------------------------------------------- node helpers

  /** Completes a freshly built object literal into a node (in place: no copy on the hot path). */
  private mk<N extends NodeBase>(fields: Fields<N>, span: Span): N {
    const node = fields as unknown as N;
    node.id = this.nextId++;
    node.span = span;
    return node;
  }

  /** End offset (exclusive) of the last consumed token, 0 if none. */
  private prevEnd(): number {
    const prev = this.LA(0);
    return Number.isNaN(prev.startOffset) ? 0 : tokenEnd(prev);
  }

  private startOffset(tok: IToken): number {
    return Number.isNaN(tok.startOffset) ? this.lines.text.length : tok.startOffset;
  }

  /** Span from the start of `first` to the end of the last consumed token. */
  private spanFrom(first: IToken): Span {
    let start = this.startOffset(first);
    const end = this.prevEnd();
    if (end < start) start = end;
    return this.lines.span(start, end);
  }

  private tokenSpan(tok: IToken): Span {
    const start = this.startOffset(tok);
    const end = Number.isNaN(tok.startOffset) ? start : tokenEnd(tok);
    return this.lines.span(start, end);
  }

  private join(a: Span, b: Span): Span {
    return { file: a.file, start: a.start, end: b.end.offset >= a.start.offset ? b.end : a.start };
  }

  /**
   * Right after a comma inside a tuple, at its `)`: a trailing comma, which ends the
   * element list (`(a = 1,)`, `(int, bool,)`). Never while chevrotain records the
   * grammar, so the recorded rule keeps its element (and its error messages).
   */
  private atTrailingComma(): boolean {
    const recording = (this as unknown as { RECORDING_PHASE: boolean }).RECORDING_PHASE;
    return !recording && this.LA(1).tokenType === RParen && this.LA(0).tokenType === Comma;
  }

  private ident(tok: IToken): Ident {
    const name = tok.image === "" || tok.isInsertedInRecovery ? MISSING_NAME : tok.image;
    return this.mk<Ident>({ kind: "Ident", name }, this.tokenSpan(tok));
  }

  /** A zero-width placeholder at the current position, for recovered rules. */
  private hereSpan(): Span {
    const at = this.prevEnd();
    return this.lines.span(at, at);
  }

  private missingIdent(): Ident {
    return this.mk<Ident>({ kind: "Ident", name: MISSING_NAME }, this.hereSpan());
  }

  private missingExpr(): Expr {
    const span = this.hereSpan();
    return this.mk<Expr>(
      { kind: "Name", name: this.mk<Ident>({ kind: "Ident", name: MISSING_NAME }, span) },
      span,
    );
  }

  private missingType(): TypeExpr {
    const span = this.hereSpan();
    return this.mk<TypeExpr>(
      { kind: "NamedType", name: this.mk<Ident>({ kind: "Ident", name: MISSING_NAME }, span) },
      span,
    );
  }

  private readonly stmtRecovery = { recoveryValueFunc: (): Stmt => this.emptyBlock() };

  private emptyBlock(): Block {
    return this.mk<Block>({ kind: "Block", stmts: [] }, this.hereSpan());
  }

  private diag(code: Diagnostic["code"], message: string, span: Span, hint?: string): void {
    this.extraDiagnostics.push({
      code,
      severity: "error",
      message,
      span,
      ...(hint !== undefined ? { hint } : {}),
    });
  }

  // ---------------------------------------------------------------- program and declarations

  program = this.RULE(
    "program",
    (): Program => {
      this.MANY(() => {
        const decl = this.SUBRULE(this.declaration);
        this.ACTION(() => {
          if (decl !== undefined) this.completedDecls.push(decl);
        });
      });
      return this.ACTION(() => this.programNode());
    },
    { recoveryValueFunc: () => this.programNode() },
  );

  private programNode(): Program {
    return this.mk<Program>(
      { kind: "Program", decls: this.completedDecls },
      this.lines.span(0, this.lines.text.length),
    );
  }

  private declaration = this.RULE(
    "declaration",
    (): Decl | undefined =>
      this.OR({
        ERR_MSG:
          "a declaration (enum, type, event, param, machine, spec, fun, invariant, reachable, module or test)",
        DEF: [
          { ALT: () => this.SUBRULE(this.enumDecl) },
          { ALT: () => this.SUBRULE(this.typeAliasDecl) },
          { ALT: () => this.SUBRULE(this.eventDecl) },
          { ALT: () => this.SUBRULE(this.paramDecl) },
          { ALT: () => this.SUBRULE(this.machineDecl) },
          { ALT: () => this.SUBRULE(this.specDecl) },
          { ALT: () => this.SUBRULE(this.funDecl) },
          { ALT: () => this.SUBRULE(this.invariantDecl) },
          { ALT: () => this.SUBRULE(this.testDecl) },
          { ALT: () => this.SUBRULE(this.moduleDecl) },
        ],
      }),
    { recoveryValueFunc: () => undefined },
  );

  private enumDecl = this.RULE("enumDecl", (): EnumDecl => {
    const first = this.CONSUME(KwEnum);
    const name = this.CONSUME(Identifier);
    const members: IToken[] = [];
    this.CONSUME(LBrace);
    this.MANY_SEP({ SEP: Comma, DEF: () => members.push(this.CONSUME2(Identifier)) });
    this.CONSUME(RBrace);
    return this.ACTION(() =>
      this.mk<EnumDecl>(
        { kind: "EnumDecl", name: this.ident(name), members: members.map((m) => this.ident(m)) },
        this.spanFrom(first),
      ),
    );
  });

  private typeAliasDecl = this.RULE("typeAliasDecl", (): TypeAliasDecl => {
    const first = this.CONSUME(KwType);
    const name = this.CONSUME(Identifier);
    this.CONSUME(Assign);
    const type = this.SUBRULE(this.typeExpr);
    this.CONSUME(Semicolon);
    return this.ACTION(() =>
      this.mk<TypeAliasDecl>({ kind: "TypeAliasDecl", name: this.ident(name), type }, this.spanFrom(first)),
    );
  });

  private eventDecl = this.RULE("eventDecl", (): EventDecl => {
    const first = this.CONSUME(KwEvent);
    const name = this.CONSUME(Identifier);
    let payload: TypeExpr | null = null;
    this.OPTION(() => {
      this.CONSUME(Colon);
      payload = this.SUBRULE(this.typeExpr);
    });
    this.CONSUME(Semicolon);
    return this.ACTION(() =>
      this.mk<EventDecl>({ kind: "EventDecl", name: this.ident(name), payload }, this.spanFrom(first)),
    );
  });

  private paramDecl = this.RULE("paramDecl", (): ParamDecl => {
    const first = this.CONSUME(KwParam);
    const name = this.CONSUME(Identifier);
    this.CONSUME(Colon);
    const type = this.SUBRULE(this.typeExpr);
    this.CONSUME(Semicolon);
    return this.ACTION(() =>
      this.mk<ParamDecl>({ kind: "ParamDecl", name: this.ident(name), type }, this.spanFrom(first)),
    );
  });

  private moduleDecl = this.RULE("moduleDecl", (): ModuleDecl => {
    const first = this.CONSUME(KwModule);
    const name = this.CONSUME(Identifier);
    this.CONSUME(Assign);
    const expr = this.SUBRULE(this.moduleExpr);
    this.CONSUME(Semicolon);
    return this.ACTION(() =>
      this.mk<ModuleDecl>({ kind: "ModuleDecl", name: this.ident(name), expr }, this.spanFrom(first)),
    );
  });

  /** `union X, Y, ...` (greedy: it takes every following item) or one item. */
  private moduleExpr = this.RULE(
    "moduleExpr",
    (): ModuleExpr => {
      const first = this.LA(1);
      return this.OR([
        {
          ALT: () => {
            this.CONSUME(KwUnion);
            const parts: ModuleExpr[] = [];
            this.AT_LEAST_ONE_SEP({
              SEP: Comma,
              DEF: () => parts.push(this.SUBRULE(this.moduleItem)),
              ERR_MSG: "a machine or module name, or a set '{ A, B }'",
            });
            return this.ACTION(() =>
              this.mk<ModuleExpr>({ kind: "ModuleUnion", parts }, this.spanFrom(first)),
            );
          },
        },
        { ALT: () => this.SUBRULE2(this.moduleItem) },
      ]);
    },
    { recoveryValueFunc: () => this.missingModule() },
  );

  /** A machine or module name, or a literal set `{ A, B }`. */
  private moduleItem = this.RULE(
    "moduleItem",
    (): ModuleExpr => {
      const first = this.LA(1);
      return this.OR([
        {
          ALT: () => {
            this.CONSUME(LBrace);
            const members: IToken[] = [];
            this.MANY_SEP({ SEP: Comma, DEF: () => members.push(this.CONSUME(Identifier)) });
            this.CONSUME(RBrace);
            return this.ACTION(() =>
              this.mk<ModuleExpr>(
                { kind: "ModuleSet", members: members.map((m) => this.ident(m)) },
                this.spanFrom(first),
              ),
            );
          },
        },
        {
          ALT: () => {
            const name = this.CONSUME2(Identifier);
            return this.ACTION(() =>
              this.mk<ModuleExpr>({ kind: "ModuleName", name: this.ident(name) }, this.spanFrom(first)),
            );
          },
        },
      ]);
    },
    { recoveryValueFunc: () => this.missingModule() },
  );

  /** What a module expression the parser could not read stands for (already reported). */
  private missingModule(): ModuleExpr {
    return this.mk<ModuleExpr>({ kind: "ModuleName", name: this.missingIdent() }, this.hereSpan());
  }

  private machineDecl = this.RULE("machineDecl", (): MachineDecl => {
    const first = this.CONSUME(KwMachine);
    const name = this.CONSUME(Identifier);
    const members = this.SUBRULE(this.machineBody);
    return this.ACTION(() => {
      const { vars, states, funs } = this.splitMembers(members);
      return this.mk<MachineDecl>(
        { kind: "MachineDecl", name: this.ident(name), vars, states, funs },
        this.spanFrom(first),
      );
    });
  });

  private specDecl = this.RULE("specDecl", (): SpecDecl => {
    const first = this.CONSUME(KwSpec);
    const name = this.CONSUME(Identifier);
    const observes: Ident[] = [];
    this.CONSUME(KwObserves);
    this.AT_LEAST_ONE_SEP({
      SEP: Comma,
      DEF: () => observes.push(this.SUBRULE(this.eventRef)),
      ERR_MSG: "an event name",
    });
    const members = this.SUBRULE(this.machineBody);
    return this.ACTION(() => {
      const { vars, states, funs } = this.splitMembers(members);
      return this.mk<SpecDecl>(
        {
          kind: "SpecDecl",
          name: this.ident(name),
          observes,
          vars,
          states,
          funs,
        },
        this.spanFrom(first),
      );
    });
  });

  private splitMembers(members: MachineMember[] | undefined) {
    const vars: VarDecl[] = [];
    const states: StateDecl[] = [];
    const funs: FunDecl[] = [];
    for (const m of members ?? []) {
      if (m === undefined) continue;
      if (m.kind === "VarDecl") vars.push(m);
      else if (m.kind === "StateDecl") states.push(m);
      else funs.push(m);
    }
    return { vars, states, funs };
  }

  private machineBody = this.RULE(
    "machineBody",
    (): MachineMember[] => {
      const members: MachineMember[] = [];
      this.CONSUME(LBrace);
      this.MANY(() => {
        const m = this.SUBRULE(this.machineMember);
        members.push(m);
      });
      this.CONSUME(RBrace);
      return members;
    },
    { recoveryValueFunc: () => [] },
  );

  private machineMember = this.RULE(
    "machineMember",
    (): MachineMember =>
      this.OR({
        ERR_MSG: "a variable, state or function declaration",
        DEF: [
          { ALT: () => this.SUBRULE(this.varDecl) },
          { ALT: () => this.SUBRULE(this.stateDecl) },
          { ALT: () => this.SUBRULE(this.funDecl) },
        ],
      }),
    { recoveryValueFunc: () => undefined as unknown as MachineMember },
  );

  private varDecl = this.RULE("varDecl", (): VarDecl => {
    const first = this.LA(1);
    let durable = false;
    this.OPTION(() => {
      this.CONSUME(KwDurable);
      durable = true;
    });
    this.CONSUME(KwVar);
    const name = this.CONSUME(Identifier);
    this.CONSUME(Colon);
    const type = this.SUBRULE(this.typeExpr);
    this.CONSUME(Semicolon);
    return this.ACTION(() =>
      this.mk<VarDecl>({ kind: "VarDecl", name: this.ident(name), type, durable }, this.spanFrom(first)),
    );
  });

  private funDecl = this.RULE("funDecl", (): FunDecl => {
    const first = this.LA(1);
    let foreign = false;
    this.OPTION(() => {
      this.CONSUME(KwForeign);
      foreign = true;
    });
    this.CONSUME(KwFun);
    const name = this.CONSUME(Identifier);
    this.CONSUME(LParen);
    const params: Param[] = [];
    this.MANY_SEP({
      SEP: Comma,
      DEF: () => {
        const pFirst = this.CONSUME2(Identifier);
        this.CONSUME(Colon);
        const type = this.SUBRULE(this.typeExpr);
        this.ACTION(() =>
          params.push(
            this.mk<Param>({ kind: "Param", name: this.ident(pFirst), type }, this.spanFrom(pFirst)),
          ),
        );
      },
    });
    this.CONSUME(RParen);
    let returnType: TypeExpr | null = null;
    this.OPTION2(() => {
      this.CONSUME2(Colon);
      returnType = this.SUBRULE2(this.typeExpr);
    });
    let body: Block | null = null;
    let semi: IToken | undefined;
    this.OR({
      ERR_MSG: "a function body '{ ... }'",
      DEF: [
        {
          ALT: () => {
            body = this.SUBRULE(this.block);
          },
        },
        {
          ALT: () => {
            semi = this.CONSUME(Semicolon);
          },
        },
      ],
    });
    return this.ACTION(() => {
      const nameId = this.ident(name);
      if (foreign && body !== null) {
        this.diag(
          "FL102",
          `the foreign function '${nameId.name}' cannot have a body`,
          (body as Block).span,
          "a foreign function is implemented in TypeScript; end its declaration with ';'",
        );
        body = null;
      }
      if (!foreign && body === null && semi !== undefined) {
        this.diag(
          "FL103",
          `expected a body '{ ... }' for the function '${nameId.name}'`,
          this.tokenSpan(semi),
          `declare it as 'foreign fun ${nameId.name}(...)' if it is implemented in TypeScript`,
        );
        body = this.mk<Block>({ kind: "Block", stmts: [] }, this.tokenSpan(semi));
      }
      return this.mk<FunDecl>(
        { kind: "FunDecl", name: nameId, params, returnType, body, foreign },
        this.spanFrom(first),
      );
    });
  });

  private invariantDecl = this.RULE("invariantDecl", (): InvariantDecl => {
    const first = this.OR([
      { ALT: () => this.CONSUME(KwInvariant) },
      { ALT: () => this.CONSUME(KwReachable) },
    ]);
    const name = this.CONSUME(Identifier);
    this.CONSUME(Colon);
    const expr = this.SUBRULE(this.expression);
    this.CONSUME(Semicolon);
    return this.ACTION(() =>
      this.mk<InvariantDecl>(
        { kind: "InvariantDecl", name: this.ident(name), expr, reachable: first.tokenType === KwReachable },
        this.spanFrom(first),
      ),
    );
  });

  private testDecl = this.RULE("testDecl", (): TestDecl => {
    const first = this.CONSUME(KwTest);
    const params: TestParamBinding[] = [];
    let wise: Expr | null = null;
    let assume: Expr | null = null;
    this.OPTION(() => {
      this.CONSUME(KwParam);
      this.CONSUME(LParen);
      this.AT_LEAST_ONE_SEP({
        SEP: Comma,
        DEF: () => params.push(this.SUBRULE(this.testParamBinding)),
        ERR_MSG: "a parameter binding like 'n in [2, 3]'",
      });
      this.CONSUME(RParen);
      this.OPTION7(() => {
        this.CONSUME5(LParen);
        const t = this.CONSUME(IntLiteral);
        this.CONSUME(KwWise);
        this.CONSUME5(RParen);
        this.ACTION(() => {
          wise = this.intLiteral(t);
        });
      });
      this.OPTION8(() => {
        this.CONSUME(KwAssume);
        this.CONSUME6(LParen);
        assume = this.SUBRULE2(this.expression);
        this.CONSUME6(RParen);
      });
    });
    const name = this.CONSUME(Identifier);
    this.CONSUME(LBracket);
    this.CONSUME(KwMain);
    this.CONSUME(Assign);
    const main = this.CONSUME2(Identifier);
    this.CONSUME(RBracket);
    const asserts: IToken[] = [];
    this.OPTION2(() => {
      this.CONSUME(Colon);
      this.CONSUME(KwAssert);
      this.AT_LEAST_ONE_SEP2({
        SEP: Comma,
        DEF: () => asserts.push(this.CONSUME3(Identifier)),
        ERR_MSG: "a property name",
      });
    });
    const covers: CoverTarget[] = [];
    this.OPTION6(() => {
      this.CONSUME(KwCover);
      this.CONSUME4(LParen);
      this.AT_LEAST_ONE_SEP5({
        SEP: Comma,
        DEF: () => {
          const spec = this.CONSUME6(Identifier);
          this.CONSUME(Dot);
          const state = this.CONSUME7(Identifier);
          this.ACTION(() => {
            covers.push(
              this.mk<CoverTarget>(
                { kind: "CoverTarget", spec: this.ident(spec), state: this.ident(state) },
                this.spanFrom(spec),
              ),
            );
          });
        },
        ERR_MSG: "a spec state (Spec.State)",
      });
      this.CONSUME4(RParen);
    });
    let machines: ModuleExpr[] | null = null;
    this.OPTION3(() => {
      this.CONSUME(KwIn);
      this.CONSUME2(LParen);
      const list: ModuleExpr[] = [];
      this.AT_LEAST_ONE_SEP3({
        SEP: Comma,
        DEF: () => list.push(this.SUBRULE(this.moduleExpr)),
        ERR_MSG: "a machine or module name, 'union ...' or a set '{ A, B }'",
      });
      this.CONSUME2(RParen);
      machines = list;
    });
    const symmetric: IToken[] = [];
    this.OPTION5(() => {
      this.CONSUME(KwSymmetric);
      this.CONSUME3(LParen);
      this.AT_LEAST_ONE_SEP4({
        SEP: Comma,
        DEF: () => symmetric.push(this.CONSUME5(Identifier)),
        ERR_MSG: "a machine name",
      });
      this.CONSUME3(RParen);
    });
    const substitutions: Substitution[] = [];
    this.OPTION9(() => {
      this.CONSUME2(KwWith);
      this.CONSUME2(LBrace);
      this.AT_LEAST_ONE_SEP6({
        SEP: Comma,
        DEF: () => {
          const from = this.CONSUME8(Identifier);
          this.CONSUME(Arrow);
          const to = this.CONSUME9(Identifier);
          this.ACTION(() => {
            substitutions.push(
              this.mk<Substitution>(
                { kind: "Substitution", from: this.ident(from), to: this.ident(to) },
                this.spanFrom(from),
              ),
            );
          });
        },
        ERR_MSG: "a machine substitution like 'AbstractServer -> Server'",
      });
      this.CONSUME2(RBrace);
    });
    const faults: FaultDecl[] = [];
    this.OPTION4(() => {
      this.CONSUME(KwWith);
      this.CONSUME(KwFaults);
      this.CONSUME(LBrace);
      this.MANY(() => {
        const f = this.SUBRULE(this.fault);
        this.ACTION(() => {
          if (f !== undefined) faults.push(f);
        });
      });
      this.CONSUME(RBrace);
    });
    this.CONSUME(Semicolon);
    return this.ACTION(() =>
      this.mk<TestDecl>(
        {
          kind: "TestDecl",
          name: this.ident(name),
          params,
          wise,
          assume,
          main: this.ident(main),
          asserts: asserts.map((t) => this.ident(t)),
          covers,
          machines,
          symmetric: symmetric.map((t) => this.ident(t)),
          substitutions,
          faults,
        },
        this.spanFrom(first),
      ),
    );
  });

  private testParamBinding = this.RULE(
    "testParamBinding",
    (): TestParamBinding => {
      const first = this.CONSUME(Identifier);
      this.CONSUME(KwIn);
      this.CONSUME(LBracket);
      const values: Expr[] = [];
      this.MANY_SEP({ SEP: Comma, DEF: () => values.push(this.SUBRULE(this.expression)) });
      this.CONSUME(RBracket);
      return this.ACTION(() =>
        this.mk<TestParamBinding>(
          { kind: "TestParamBinding", param: this.ident(first), values },
          this.spanFrom(first),
        ),
      );
    },
    {
      recoveryValueFunc: () =>
        this.mk<TestParamBinding>(
          { kind: "TestParamBinding", param: this.missingIdent(), values: [] },
          this.hereSpan(),
        ),
    },
  );

  private fault = this.RULE(
    "fault",
    (): FaultDecl =>
      this.OR({
        ERR_MSG: "a fault (drop, duplicate, reorder, crash or partition)",
        DEF: [
          {
            ALT: () => {
              const first = this.CONSUME(KwDrop);
              const events = this.SUBRULE(this.faultEvents);
              const atMost = this.SUBRULE(this.atMost);
              this.CONSUME(Semicolon);
              return this.ACTION(() =>
                this.mk<FaultDecl>({ kind: "DropFault", events, atMost }, this.spanFrom(first)),
              );
            },
          },
          {
            ALT: () => {
              const first = this.CONSUME(KwDuplicate);
              const events = this.SUBRULE2(this.faultEvents);
              const atMost = this.SUBRULE2(this.atMost);
              this.CONSUME2(Semicolon);
              return this.ACTION(() =>
                this.mk<FaultDecl>({ kind: "DuplicateFault", events, atMost }, this.spanFrom(first)),
              );
            },
          },
          {
            ALT: () => {
              const first = this.CONSUME(KwReorder);
              this.CONSUME3(Semicolon);
              return this.ACTION(() => this.mk<FaultDecl>({ kind: "ReorderFault" }, this.spanFrom(first)));
            },
          },
          {
            ALT: () => {
              const first = this.CONSUME(KwCrash);
              const machine = this.CONSUME(Identifier);
              const atMost = this.SUBRULE3(this.atMost);
              let restart = false;
              this.OPTION(() => {
                this.CONSUME(KwThen);
                this.CONSUME(KwRestart);
                restart = true;
              });
              this.CONSUME4(Semicolon);
              return this.ACTION(() =>
                this.mk<FaultDecl>(
                  { kind: "CrashFault", machine: this.ident(machine), atMost, restart },
                  this.spanFrom(first),
                ),
              );
            },
          },
          {
            ALT: () => {
              const first = this.CONSUME(KwPartition);
              const atMost = this.SUBRULE4(this.atMost);
              this.CONSUME5(Semicolon);
              return this.ACTION(() =>
                this.mk<FaultDecl>({ kind: "PartitionFault", atMost }, this.spanFrom(first)),
              );
            },
          },
        ],
      }),
    { recoveryValueFunc: () => undefined as unknown as FaultDecl },
  );

  private faultEvents = this.RULE(
    "faultEvents",
    (): Ident[] => {
      const events: IToken[] = [];
      // `at` is a soft keyword (an Identifier too): it ends the optional event list.
      this.OPTION({
        GATE: () => this.LA(1).tokenType !== KwAt,
        DEF: () => {
          this.AT_LEAST_ONE_SEP({ SEP: Comma, DEF: () => events.push(this.CONSUME(Identifier)) });
        },
      });
      return this.ACTION(() => events.map((t) => this.ident(t)));
    },
    { recoveryValueFunc: (): Ident[] => [] },
  );

  private atMost = this.RULE(
    "atMost",
    (): Expr => {
      this.CONSUME(KwAt);
      this.CONSUME(KwMost);
      return this.SUBRULE(this.expression);
    },
    { recoveryValueFunc: () => this.missingExpr() },
  );

  // ---------------------------------------------------------------- states

  private stateDecl = this.RULE("stateDecl", (): StateDecl => {
    const first = this.LA(1);
    let isStart = false;
    let temperature: Temperature = null;
    this.OPTION(() => {
      this.CONSUME(KwStart);
      isStart = true;
    });
    this.OPTION2(() => {
      this.OR([
        {
          ALT: () => {
            this.CONSUME(KwHot);
            temperature = "hot";
          },
        },
        {
          ALT: () => {
            this.CONSUME(KwCold);
            temperature = "cold";
          },
        },
      ]);
    });
    this.CONSUME(KwState);
    const name = this.CONSUME(Identifier);
    this.CONSUME(LBrace);
    const members: StateMember[] = [];
    this.MANY(() => {
      members.push(this.SUBRULE(this.stateMember));
    });
    this.CONSUME(RBrace);
    return this.ACTION(() => {
      const nameId = this.ident(name);
      let entry: EntryDecl | null = null;
      let exit: ExitDecl | null = null;
      const items: StateItem[] = [];
      for (const m of members) {
        if (m === undefined) continue;
        if (m.kind === "entry" || m.kind === "exit") {
          const previous = m.kind === "entry" ? entry : exit;
          if (previous !== null) {
            this.extraDiagnostics.push({
              code: "FL207",
              severity: "error",
              message: `the state '${nameId.name}' has more than one ${m.kind} action`,
              span: m.node.span,
              hint: `merge the ${m.kind} actions into one block`,
              related: [{ message: `the first ${m.kind} action is here`, span: previous.span }],
            });
            continue;
          }
          if (m.kind === "entry") entry = m.node;
          else exit = m.node;
        } else {
          items.push(m);
        }
      }
      return this.mk<StateDecl>(
        { kind: "StateDecl", name: nameId, isStart, temperature, entry, exit, items },
        this.spanFrom(first),
      );
    });
  });

  private stateMember = this.RULE(
    "stateMember",
    (): StateMember =>
      this.OR({
        ERR_MSG: "'entry', 'exit', 'on', 'defer' or 'ignore'",
        DEF: [
          {
            ALT: () => {
              const first = this.CONSUME(KwEntry);
              const action = this.SUBRULE(this.action);
              return this.ACTION(
                (): StateMember => ({
                  kind: "entry",
                  node: this.mk<EntryDecl>({ kind: "Entry", action }, this.spanFrom(first)),
                }),
              );
            },
          },
          {
            ALT: () => {
              const first = this.CONSUME(KwExit);
              const action = this.SUBRULE2(this.action);
              return this.ACTION(
                (): StateMember => ({
                  kind: "exit",
                  node: this.mk<ExitDecl>({ kind: "Exit", action }, this.spanFrom(first)),
                }),
              );
            },
          },
          { ALT: () => this.SUBRULE(this.onItem) },
          {
            ALT: () => {
              const first = this.CONSUME(KwDefer);
              const events = this.SUBRULE(this.eventList);
              this.CONSUME(Semicolon);
              return this.ACTION(() => this.mk<StateItem>({ kind: "Defer", events }, this.spanFrom(first)));
            },
          },
          {
            ALT: () => {
              const first = this.CONSUME(KwIgnore);
              const events = this.SUBRULE2(this.eventList);
              this.CONSUME2(Semicolon);
              return this.ACTION(() => this.mk<StateItem>({ kind: "Ignore", events }, this.spanFrom(first)));
            },
          },
        ],
      }),
    { recoveryValueFunc: () => undefined as unknown as StateMember },
  );

  private eventList = this.RULE(
    "eventList",
    (): Ident[] => {
      const events: Ident[] = [];
      this.AT_LEAST_ONE_SEP({
        SEP: Comma,
        DEF: () => events.push(this.SUBRULE(this.eventRef)),
        ERR_MSG: "an event name",
      });
      return events;
    },
    { recoveryValueFunc: () => [] },
  );

  /**
   * An event name in `observes` and handler lists: `E`, or a fault event about one
   * machine type, `crash(Node)` (fault-events.ts), kept as one name spelled without spaces.
   */
  private eventRef = this.RULE(
    "eventRef",
    (): Ident => {
      const name = this.CONSUME(Identifier);
      let machine: IToken | undefined;
      this.OPTION(() => {
        this.CONSUME(LParen);
        machine = this.CONSUME2(Identifier);
        this.CONSUME(RParen);
      });
      return this.ACTION(() => {
        const base = this.ident(name);
        if (machine === undefined || base.name === MISSING_NAME) return base;
        const m = this.ident(machine);
        if (m.name === MISSING_NAME) return base;
        return this.mk<Ident>({ kind: "Ident", name: `${base.name}(${m.name})` }, this.spanFrom(name));
      });
    },
    { recoveryValueFunc: () => this.missingIdent() },
  );

  private onItem = this.RULE("onItem", (): StateItem => {
    const first = this.CONSUME(KwOn);
    return this.OR({
      ERR_MSG: "an event name or 'timeout'",
      DEF: [
        {
          ALT: () => {
            this.CONSUME(KwTimeout);
            const timer = this.CONSUME(Identifier);
            return this.OR2({
              ERR_MSG: "'do' or 'goto'",
              DEF: [
                {
                  ALT: () => {
                    this.CONSUME(KwDo);
                    const action = this.SUBRULE(this.action);
                    return this.ACTION(() =>
                      this.mk<StateItem>(
                        { kind: "OnTimeoutDo", timer: this.ident(timer), action },
                        this.spanFrom(first),
                      ),
                    );
                  },
                },
                {
                  ALT: () => {
                    this.CONSUME(KwGoto);
                    const target = this.CONSUME2(Identifier);
                    const withAction = this.SUBRULE(this.gotoTail);
                    return this.ACTION(() =>
                      this.mk<StateItem>(
                        {
                          kind: "OnTimeoutGoto",
                          timer: this.ident(timer),
                          target: this.ident(target),
                          with: withAction ?? null,
                        },
                        this.spanFrom(first),
                      ),
                    );
                  },
                },
              ],
            });
          },
        },
        {
          ALT: () => {
            const events = this.SUBRULE(this.eventList);
            return this.OR3({
              ERR_MSG: "'do' or 'goto'",
              DEF: [
                {
                  ALT: () => {
                    this.CONSUME2(KwDo);
                    const action = this.SUBRULE2(this.action);
                    return this.ACTION(() =>
                      this.mk<StateItem>({ kind: "OnDo", events, action }, this.spanFrom(first)),
                    );
                  },
                },
                {
                  ALT: () => {
                    this.CONSUME2(KwGoto);
                    const target = this.CONSUME3(Identifier);
                    const withAction = this.SUBRULE2(this.gotoTail);
                    return this.ACTION(() =>
                      this.mk<StateItem>(
                        { kind: "OnGoto", events, target: this.ident(target), with: withAction ?? null },
                        this.spanFrom(first),
                      ),
                    );
                  },
                },
              ],
            });
          },
        },
      ],
    });
  });

  /** After `goto S`: `;`, or `with` an action (then an optional `;`). */
  private gotoTail = this.RULE(
    "gotoTail",
    (): Action | null => {
      // Both parts are optional in the grammar and the missing ';' is reported
      // here: a NoViableAlt would make chevrotain drop the whole handler.
      let withAction: Action | null = null;
      let semicolon = false;
      this.OPTION(() => {
        this.CONSUME(KwWith);
        withAction = this.SUBRULE(this.action);
      });
      this.OPTION2(() => {
        this.CONSUME(Semicolon);
        semicolon = true;
      });
      return this.ACTION(() => {
        if (withAction === null && !semicolon) {
          const next = this.LA(1);
          const found = Number.isNaN(next.startOffset) ? "the end of the file" : `'${printable(next.image)}'`;
          const at = this.prevEnd();
          const sameLine =
            !Number.isNaN(next.startOffset) &&
            this.lines.position(next.startOffset).line === this.lines.position(at).line;
          this.diag(
            "FL103",
            `expected ';' after the 'on ... goto' handler, found ${found}`,
            sameLine ? this.tokenSpan(next) : this.lines.span(at, at),
            "'on E goto S' ends with ';' unless it has a 'with { ... }' block",
          );
        }
        return withAction;
      });
    },
    { recoveryValueFunc: () => null },
  );

  /** `(x[: T]) { ... }`, `{ ... }` or `FunName;` */
  private action = this.RULE(
    "action",
    (): Action => {
      const first = this.LA(1);
      return this.OR({
        ERR_MSG: "a block '{ ... }', a parameter '(x) { ... }' or a function name",
        DEF: [
          {
            ALT: () => {
              this.CONSUME(LParen);
              const pName = this.CONSUME(Identifier);
              let pType: TypeExpr | null = null;
              this.OPTION(() => {
                this.CONSUME(Colon);
                pType = this.SUBRULE(this.typeExpr);
              });
              this.CONSUME(RParen);
              const body = this.SUBRULE(this.block);
              return this.ACTION(() =>
                this.mk<Action>(
                  { kind: "InlineAction", param: { name: this.ident(pName), type: pType }, body },
                  this.spanFrom(first),
                ),
              );
            },
          },
          {
            ALT: () => {
              const body = this.SUBRULE2(this.block);
              return this.ACTION(() =>
                this.mk<Action>({ kind: "InlineAction", param: null, body }, this.spanFrom(first)),
              );
            },
          },
          {
            ALT: () => {
              const fun = this.CONSUME2(Identifier);
              this.CONSUME(Semicolon);
              return this.ACTION(() =>
                this.mk<Action>({ kind: "FunAction", fun: this.ident(fun) }, this.spanFrom(first)),
              );
            },
          },
        ],
      });
    },
    {
      recoveryValueFunc: () =>
        this.mk<Action>({ kind: "InlineAction", param: null, body: this.emptyBlock() }, this.hereSpan()),
    },
  );

  // ---------------------------------------------------------------- types

  typeExpr = this.RULE(
    "typeExpr",
    (): TypeExpr => {
      const first = this.LA(1);
      return this.OR({
        ERR_MSG: "a type",
        DEF: [
          { ALT: () => this.namedType(this.CONSUME(KwInt)) },
          { ALT: () => this.namedType(this.CONSUME(KwBool)) },
          { ALT: () => this.namedType(this.CONSUME(KwString)) },
          { ALT: () => this.namedType(this.CONSUME(KwMachine)) },
          { ALT: () => this.namedType(this.CONSUME(KwEvent)) },
          { ALT: () => this.namedType(this.CONSUME(Identifier)) },
          {
            ALT: () => {
              this.CONSUME(KwSeq);
              this.CONSUME(LBracket);
              const elem = this.SUBRULE(this.typeExpr);
              this.CONSUME(RBracket);
              return this.ACTION(() => this.mk<TypeExpr>({ kind: "SeqType", elem }, this.spanFrom(first)));
            },
          },
          {
            ALT: () => {
              this.CONSUME(KwSet);
              this.CONSUME2(LBracket);
              const elem = this.SUBRULE2(this.typeExpr);
              this.CONSUME2(RBracket);
              return this.ACTION(() => this.mk<TypeExpr>({ kind: "SetType", elem }, this.spanFrom(first)));
            },
          },
          {
            ALT: () => {
              this.CONSUME(KwMap);
              this.CONSUME3(LBracket);
              const key = this.SUBRULE3(this.typeExpr);
              this.CONSUME(Comma);
              const value = this.SUBRULE4(this.typeExpr);
              this.CONSUME3(RBracket);
              return this.ACTION(() =>
                this.mk<TypeExpr>({ kind: "MapType", key, value }, this.spanFrom(first)),
              );
            },
          },
          { ALT: () => this.SUBRULE(this.tupleType) },
        ],
      });
    },
    { recoveryValueFunc: () => this.missingType() },
  );

  private namedType(tok: IToken): TypeExpr {
    return this.ACTION(() => {
      const name = this.ident(tok);
      return this.mk<TypeExpr>({ kind: "NamedType", name }, name.span);
    });
  }

  /** `(T1, T2)`, `(T,)`, `(a: T1, b: T2)`; `(T)` is just T. */
  private tupleType = this.RULE(
    "tupleType",
    (): TypeExpr => {
      const first = this.CONSUME(LParen);
      return this.OR([
        {
          ALT: () => {
            const fields: { name: IToken; type: TypeExpr }[] = [];
            this.AT_LEAST_ONE_SEP({
              SEP: Comma,
              DEF: () => {
                if (this.atTrailingComma()) return;
                const name = this.CONSUME(FieldName);
                this.CONSUME(Colon);
                const type = this.SUBRULE(this.typeExpr);
                fields.push({ name, type });
              },
            });
            this.CONSUME(RParen);
            return this.ACTION(() =>
              this.mk<TypeExpr>(
                {
                  kind: "NamedTupleType",
                  fields: fields.map((f) => ({ name: this.ident(f.name), type: f.type })),
                },
                this.spanFrom(first),
              ),
            );
          },
        },
        {
          ALT: () => {
            const elems: TypeExpr[] = [this.SUBRULE2(this.typeExpr)];
            let comma = false;
            this.OPTION(() => {
              this.CONSUME(Comma);
              comma = true;
              this.OPTION2(() => {
                elems.push(this.SUBRULE3(this.typeExpr));
                this.MANY(() => {
                  this.CONSUME2(Comma);
                  if (this.atTrailingComma()) return;
                  elems.push(this.SUBRULE4(this.typeExpr));
                });
              });
            });
            this.CONSUME2(RParen);
            return this.ACTION(() =>
              !comma ? elems[0]! : this.mk<TypeExpr>({ kind: "TupleType", elems }, this.spanFrom(first)),
            );
          },
        },
      ]);
    },
    { recoveryValueFunc: () => this.missingType() },
  );

  // ---------------------------------------------------------------- statements

  block = this.RULE(
    "block",
    (): Block => {
      const first = this.CONSUME(LBrace);
      const stmts: Stmt[] = [];
      this.MANY(() => {
        stmts.push(this.SUBRULE(this.statement));
      });
      this.CONSUME(RBrace);
      return this.ACTION(() =>
        this.mk<Block>({ kind: "Block", stmts: stmts.filter((s) => s !== undefined) }, this.spanFrom(first)),
      );
    },
    { recoveryValueFunc: () => this.emptyBlock() },
  );

  private statement = this.RULE(
    "statement",
    (): Stmt =>
      this.OR({
        ERR_MSG: "a statement",
        DEF: [
          { ALT: () => this.SUBRULE(this.block), IGNORE_AMBIGUITIES: true },
          { ALT: () => this.SUBRULE(this.localVarStmt) },
          { ALT: () => this.SUBRULE(this.ifStmt) },
          { ALT: () => this.SUBRULE(this.whileStmt) },
          { ALT: () => this.SUBRULE(this.foreachStmt) },
          { ALT: () => this.SUBRULE(this.sendStmt) },
          { ALT: () => this.SUBRULE(this.raiseStmt) },
          { ALT: () => this.SUBRULE(this.gotoStmt) },
          { ALT: () => this.SUBRULE(this.announceStmt) },
          { ALT: () => this.SUBRULE(this.assertStmt) },
          { ALT: () => this.SUBRULE(this.haltStmt) },
          { ALT: () => this.SUBRULE(this.printStmt) },
          // `receive` is a soft keyword: only `receive {` starts a receive statement.
          { GATE: () => this.LA(2).tokenType === LBrace, ALT: () => this.SUBRULE(this.receiveStmt) },
          { ALT: () => this.SUBRULE(this.returnStmt) },
          { ALT: () => this.SUBRULE(this.breakStmt) },
          { ALT: () => this.SUBRULE(this.continueStmt) },
          { ALT: () => this.SUBRULE(this.startTimerStmt) },
          { ALT: () => this.SUBRULE(this.cancelTimerStmt) },
          { ALT: () => this.SUBRULE(this.simpleStmt) },
        ],
      }),
    { recoveryValueFunc: () => this.emptyBlock() },
  );

  private localVarStmt = this.RULE(
    "localVarStmt",
    (): Stmt => {
      const first = this.CONSUME(KwVar);
      const name = this.CONSUME(Identifier);
      this.CONSUME(Colon);
      const type = this.SUBRULE(this.typeExpr);
      this.CONSUME(Semicolon);
      return this.ACTION(() =>
        this.mk<Stmt>({ kind: "LocalVar", name: this.ident(name), type }, this.spanFrom(first)),
      );
    },
    this.stmtRecovery,
  );

  private ifStmt = this.RULE(
    "ifStmt",
    (): Stmt => {
      const first = this.CONSUME(KwIf);
      this.CONSUME(LParen);
      const cond = this.SUBRULE(this.expression);
      this.CONSUME(RParen);
      const then = this.SUBRULE(this.block);
      let otherwise: Block | Stmt | null = null;
      this.OPTION(() => {
        this.CONSUME(KwElse);
        this.OR([
          { ALT: () => (otherwise = this.SUBRULE(this.ifStmt)) },
          { ALT: () => (otherwise = this.SUBRULE2(this.block)) },
        ]);
      });
      return this.ACTION(() =>
        this.mk<Stmt>({ kind: "If", cond, then, else: otherwise as any }, this.spanFrom(first)),
      );
    },
    this.stmtRecovery,
  );

  private whileStmt = this.RULE(
    "whileStmt",
    (): Stmt => {
      const first = this.CONSUME(KwWhile);
      this.CONSUME(LParen);
      const cond = this.SUBRULE(this.expression);
      this.CONSUME(RParen);
      const body = this.SUBRULE(this.block);
      return this.ACTION(() => this.mk<Stmt>({ kind: "While", cond, body }, this.spanFrom(first)));
    },
    this.stmtRecovery,
  );

  private foreachStmt = this.RULE(
    "foreachStmt",
    (): Stmt => {
      const first = this.CONSUME(KwForeach);
      this.CONSUME(LParen);
      const variable = this.CONSUME(Identifier);
      this.CONSUME(KwIn);
      const iterable = this.SUBRULE(this.expression);
      this.CONSUME(RParen);
      const body = this.SUBRULE(this.block);
      return this.ACTION(() =>
        this.mk<Stmt>(
          { kind: "Foreach", variable: this.ident(variable), iterable, body },
          this.spanFrom(first),
        ),
      );
    },
    this.stmtRecovery,
  );

  /**
   * The event of send/raise/announce: a name (a declared event, or a variable
   * holding one: the checker tells which) as the statement's `event`, or any
   * other expression as its `eventExpr` (with a placeholder name).
   */
  private eventOf(value: Expr | undefined): { event: Ident; eventExpr?: Expr } {
    const e = value ?? this.missingExpr();
    if (e.kind === "Name") return { event: e.name };
    return { event: this.mk<Ident>({ kind: "Ident", name: MISSING_NAME }, e.span), eventExpr: e };
  }

  /** `, payload` after the event of send/raise/announce or the state of goto. */
  private payloadTail = this.RULE("payloadTail", (): Expr | null => {
    let payload: Expr | null = null;
    this.OPTION(() => {
      this.CONSUME(Comma);
      payload = this.SUBRULE(this.expression);
    });
    return payload;
  });

  private sendStmt = this.RULE(
    "sendStmt",
    (): Stmt => {
      const first = this.CONSUME(KwSend);
      const target = this.SUBRULE(this.expression);
      this.CONSUME(Comma);
      // `send m, halt;`: the built-in halt event (ir.ts HALT_EVENT); otherwise an event's name or an event value.
      let halt: IToken | null = null;
      let value: Expr | undefined;
      this.OR([
        {
          ALT: () => {
            halt = this.CONSUME(KwHalt);
          },
        },
        {
          ALT: () => {
            value = this.SUBRULE2(this.expression);
          },
        },
      ]);
      // A recovered subrule yields undefined: keep the tree free of holes.
      const payload = this.SUBRULE(this.payloadTail) ?? null;
      this.CONSUME(Semicolon);
      return this.ACTION(() => {
        const event = halt !== null ? { event: this.ident(halt) } : this.eventOf(value);
        return this.mk<Stmt>({ kind: "Send", target, ...event, payload }, this.spanFrom(first));
      });
    },
    this.stmtRecovery,
  );

  private raiseStmt = this.RULE(
    "raiseStmt",
    (): Stmt => {
      const first = this.CONSUME(KwRaise);
      const value = this.SUBRULE(this.expression);
      // A recovered subrule yields undefined: keep the tree free of holes.
      const payload = this.SUBRULE(this.payloadTail) ?? null;
      this.CONSUME(Semicolon);
      return this.ACTION(() =>
        this.mk<Stmt>({ kind: "Raise", ...this.eventOf(value), payload }, this.spanFrom(first)),
      );
    },
    this.stmtRecovery,
  );

  private gotoStmt = this.RULE(
    "gotoStmt",
    (): Stmt => {
      const first = this.CONSUME(KwGoto);
      const target = this.CONSUME(Identifier);
      // A recovered subrule yields undefined: keep the tree free of holes.
      const payload = this.SUBRULE(this.payloadTail) ?? null;
      this.CONSUME(Semicolon);
      return this.ACTION(() =>
        this.mk<Stmt>({ kind: "Goto", target: this.ident(target), payload }, this.spanFrom(first)),
      );
    },
    this.stmtRecovery,
  );

  private announceStmt = this.RULE(
    "announceStmt",
    (): Stmt => {
      const first = this.CONSUME(KwAnnounce);
      const value = this.SUBRULE(this.expression);
      // A recovered subrule yields undefined: keep the tree free of holes.
      const payload = this.SUBRULE(this.payloadTail) ?? null;
      this.CONSUME(Semicolon);
      return this.ACTION(() =>
        this.mk<Stmt>({ kind: "Announce", ...this.eventOf(value), payload }, this.spanFrom(first)),
      );
    },
    this.stmtRecovery,
  );

  private assertStmt = this.RULE(
    "assertStmt",
    (): Stmt => {
      const first = this.CONSUME(KwAssert);
      const cond = this.SUBRULE(this.expression);
      let message: Expr | null = null;
      this.OPTION(() => {
        this.CONSUME(Comma);
        message = this.SUBRULE2(this.expression);
      });
      this.CONSUME(Semicolon);
      return this.ACTION(() => this.mk<Stmt>({ kind: "Assert", cond, message }, this.spanFrom(first)));
    },
    this.stmtRecovery,
  );

  private haltStmt = this.RULE(
    "haltStmt",
    (): Stmt => {
      const first = this.CONSUME(KwHalt);
      this.CONSUME(Semicolon);
      return this.ACTION(() => this.mk<Stmt>({ kind: "Halt" }, this.spanFrom(first)));
    },
    this.stmtRecovery,
  );

  private printStmt = this.RULE(
    "printStmt",
    (): Stmt => {
      const first = this.CONSUME(KwPrint);
      const value = this.SUBRULE(this.expression);
      this.CONSUME(Semicolon);
      return this.ACTION(() => this.mk<Stmt>({ kind: "Print", value }, this.spanFrom(first)));
    },
    this.stmtRecovery,
  );

  private receiveStmt = this.RULE(
    "receiveStmt",
    (): Stmt => {
      const first = this.CONSUME(KwReceive);
      this.CONSUME(LBrace);
      const cases: ReceiveCase[] = [];
      this.AT_LEAST_ONE({
        DEF: () => cases.push(this.SUBRULE(this.receiveCase)),
        ERR_MSG: "'case E: { ... }'",
      });
      this.CONSUME(RBrace);
      return this.ACTION(() =>
        this.mk<Stmt>({ kind: "Receive", cases: cases.filter((c) => c !== undefined) }, this.spanFrom(first)),
      );
    },
    this.stmtRecovery,
  );

  /** `case E1, E2: (x) { ... }`, `case E: { ... }` or `case E: Fun;` */
  private receiveCase = this.RULE("receiveCase", (): ReceiveCase => {
    const first = this.CONSUME(KwCase);
    const events = this.SUBRULE(this.eventList);
    this.CONSUME(Colon);
    const action = this.SUBRULE(this.action);
    return this.ACTION(() =>
      this.mk<ReceiveCase>({ kind: "ReceiveCase", events, action }, this.spanFrom(first)),
    );
  });

  private returnStmt = this.RULE(
    "returnStmt",
    (): Stmt => {
      const first = this.CONSUME(KwReturn);
      let value: Expr | null = null;
      this.OPTION(() => {
        value = this.SUBRULE(this.expression);
      });
      this.CONSUME(Semicolon);
      return this.ACTION(() => this.mk<Stmt>({ kind: "Return", value }, this.spanFrom(first)));
    },
    this.stmtRecovery,
  );

  private breakStmt = this.RULE(
    "breakStmt",
    (): Stmt => {
      const first = this.CONSUME(KwBreak);
      this.CONSUME(Semicolon);
      return this.ACTION(() => this.mk<Stmt>({ kind: "Break" }, this.spanFrom(first)));
    },
    this.stmtRecovery,
  );

  private continueStmt = this.RULE(
    "continueStmt",
    (): Stmt => {
      const first = this.CONSUME(KwContinue);
      this.CONSUME(Semicolon);
      return this.ACTION(() => this.mk<Stmt>({ kind: "Continue" }, this.spanFrom(first)));
    },
    this.stmtRecovery,
  );

  private startTimerStmt = this.RULE(
    "startTimerStmt",
    (): Stmt => {
      const first = this.CONSUME(KwStart);
      this.CONSUME(KwTimer);
      const timer = this.CONSUME(Identifier);
      this.CONSUME(Semicolon);
      return this.ACTION(() =>
        this.mk<Stmt>({ kind: "StartTimer", timer: this.ident(timer) }, this.spanFrom(first)),
      );
    },
    this.stmtRecovery,
  );

  private cancelTimerStmt = this.RULE(
    "cancelTimerStmt",
    (): Stmt => {
      const first = this.CONSUME(KwCancel);
      this.CONSUME(KwTimer);
      const timer = this.CONSUME(Identifier);
      this.CONSUME(Semicolon);
      return this.ACTION(() =>
        this.mk<Stmt>({ kind: "CancelTimer", timer: this.ident(timer) }, this.spanFrom(first)),
      );
    },
    this.stmtRecovery,
  );

  /** `lhs = e;`, `lhs += e;`, `lhs -= e;`, or a call / `new` as a statement. */
  private simpleStmt = this.RULE(
    "simpleStmt",
    (): Stmt => {
      const first = this.LA(1);
      const target = this.SUBRULE(this.expression);
      let op: "=" | "+=" | "-=" | null = null;
      let value: Expr | undefined;
      this.OPTION(() => {
        this.OR([
          { ALT: () => (op = this.CONSUME(Assign).image as "=") },
          { ALT: () => (op = this.CONSUME(PlusAssign).image as "+=") },
          { ALT: () => (op = this.CONSUME(MinusAssign).image as "-=") },
        ]);
        value = this.SUBRULE2(this.expression);
      });
      this.CONSUME(Semicolon);
      return this.ACTION(() => {
        if (op !== null) {
          return this.mk<Stmt>(
            { kind: "Assign", op, target, value: value ?? this.missingExpr() },
            this.spanFrom(first),
          );
        }
        if (target.kind !== "Call" && target.kind !== "New" && !isMissing(target)) {
          this.secondaryDiagnostics.push({
            code: "FL102",
            severity: "error",
            message: "this expression is not a statement",
            span: target.span,
            hint: "only a call, 'new M(...)' or an assignment can stand as a statement",
          });
        }
        return this.mk<Stmt>({ kind: "ExprStmt", expr: target }, this.spanFrom(first));
      });
    },
    this.stmtRecovery,
  );

  // ---------------------------------------------------------------- expressions

  /** Binary operators in one loop; precedence climbing happens in `buildBinary`. */
  expression = this.RULE(
    "expression",
    (): Expr => {
      const operands: Expr[] = [this.SUBRULE(this.cast)];
      const ops: IToken[] = [];
      this.MANY(() => {
        ops.push(this.CONSUME(BinaryOperator));
        operands.push(this.SUBRULE2(this.cast));
      });
      return this.ACTION(() => this.buildBinary(operands, ops));
    },
    { recoveryValueFunc: () => this.missingExpr() },
  );

  private buildBinary(operands: Expr[], ops: IToken[]): Expr {
    let pos = 0;
    let i = 0;
    const climb = (minPrec: number): Expr => {
      let left = operands[pos++]!;
      while (i < ops.length) {
        const op = ops[i]!.image as BinaryOp;
        const prec = BINARY_PRECEDENCE[op] ?? 0;
        if (prec < minPrec) break;
        i++;
        const right = climb(prec + 1); // left associative
        left = this.mk<Expr>({ kind: "Binary", op, left, right }, this.join(left.span, right.span));
      }
      return left;
    };
    return climb(1);
  }

  /** `e as T`: binds tighter than every binary operator, looser than `!` and `-` (as in P). */
  private cast = this.RULE(
    "cast",
    (): Expr => {
      let expr = this.SUBRULE(this.unary);
      this.MANY(() => {
        const as = this.CONSUME(KwAs);
        const type = this.SUBRULE(this.typeExpr);
        this.ACTION(() => {
          expr = this.mk<Expr>(
            { kind: "Cast", expr, type, keyword: this.ident(as) },
            this.join(expr.span, type.span),
          );
        });
      });
      return expr;
    },
    { recoveryValueFunc: () => this.missingExpr() },
  );

  private unary = this.RULE(
    "unary",
    (): Expr =>
      this.OR({
        ERR_MSG: "an expression",
        DEF: [
          {
            ALT: () => {
              const first = this.CONSUME(Bang);
              const operand = this.SUBRULE(this.unary);
              return this.ACTION(() =>
                this.mk<Expr>({ kind: "Unary", op: "!", operand }, this.spanFrom(first)),
              );
            },
          },
          {
            ALT: () => {
              const first = this.CONSUME(Minus);
              const operand = this.SUBRULE2(this.unary);
              return this.ACTION(() => {
                // -2147483648 is in range although 2147483648 alone is not.
                if (operand.kind === "IntLit" && operand.value === INT_MAX + 1)
                  this.pendingBigInts.delete(operand);
                return this.mk<Expr>({ kind: "Unary", op: "-", operand }, this.spanFrom(first));
              });
            },
          },
          { ALT: () => this.SUBRULE(this.postfix) },
        ],
      }),
    { recoveryValueFunc: () => this.missingExpr() },
  );

  private postfix = this.RULE(
    "postfix",
    (): Expr => {
      let expr = this.SUBRULE(this.primary);
      this.MANY(() => {
        this.OR([
          {
            ALT: () => {
              this.CONSUME(Dot);
              this.OR2([
                {
                  ALT: () => {
                    const field = this.CONSUME(FieldName);
                    this.ACTION(() => {
                      const f = this.ident(field);
                      expr = this.mk<Expr>(
                        { kind: "Field", target: expr, field: f },
                        this.join(expr.span, f.span),
                      );
                    });
                  },
                },
                {
                  ALT: () => {
                    const index = this.CONSUME(IntLiteral);
                    this.ACTION(() => {
                      expr = this.mk<Expr>(
                        { kind: "TupleIndex", target: expr, index: Number(index.image) },
                        this.join(expr.span, this.tokenSpan(index)),
                      );
                    });
                  },
                },
              ]);
            },
          },
          {
            ALT: () => {
              this.CONSUME(LBracket);
              const index = this.SUBRULE(this.expression);
              const close = this.CONSUME(RBracket);
              this.ACTION(() => {
                expr = this.mk<Expr>(
                  { kind: "Index", target: expr, index },
                  this.join(expr.span, this.tokenSpan(close)),
                );
              });
            },
          },
        ]);
      });
      return expr;
    },
    { recoveryValueFunc: () => this.missingExpr() },
  );

  private primary = this.RULE(
    "primary",
    (): Expr => {
      const first = this.LA(1);
      return this.OR({
        ERR_MSG: "an expression",
        DEF: [
          {
            ALT: () => {
              const tok = this.CONSUME(IntLiteral);
              return this.ACTION(() => this.intLiteral(tok));
            },
          },
          {
            ALT: () => {
              const tok = this.CONSUME(KwTrue);
              return this.ACTION(() => this.mk<Expr>({ kind: "BoolLit", value: true }, this.tokenSpan(tok)));
            },
          },
          {
            ALT: () => {
              const tok = this.CONSUME(KwFalse);
              return this.ACTION(() => this.mk<Expr>({ kind: "BoolLit", value: false }, this.tokenSpan(tok)));
            },
          },
          {
            ALT: () => {
              const tok = this.CONSUME(StringLiteral);
              return this.ACTION(() =>
                this.mk<Expr>(
                  {
                    kind: "StringLit",
                    value: unescapeString(tok.image, tok.tokenType !== UnterminatedString),
                  },
                  this.tokenSpan(tok),
                ),
              );
            },
          },
          {
            ALT: () => {
              const tok = this.CONSUME(KwThis);
              return this.ACTION(() => this.mk<Expr>({ kind: "This" }, this.tokenSpan(tok)));
            },
          },
          {
            ALT: () => {
              const tok = this.CONSUME(Dollar);
              return this.ACTION(() => this.mk<Expr>({ kind: "Nondet" }, this.tokenSpan(tok)));
            },
          },
          {
            ALT: () => {
              const name = this.CONSUME(Identifier);
              let args: Expr[] | null = null;
              this.OPTION(() => {
                this.CONSUME(LParen);
                const list: Expr[] = [];
                this.MANY_SEP({ SEP: Comma, DEF: () => list.push(this.SUBRULE(this.expression)) });
                this.CONSUME(RParen);
                args = list;
              });
              return this.ACTION(() => {
                const id = this.ident(name);
                if (args === null) return this.mk<Expr>({ kind: "Name", name: id }, id.span);
                return this.mk<Expr>({ kind: "Call", callee: id, args }, this.spanFrom(first));
              });
            },
          },
          {
            ALT: () => {
              this.CONSUME2(LParen);
              const content = this.SUBRULE(this.parenContent);
              this.CONSUME2(RParen);
              return this.ACTION(() => {
                const span = this.spanFrom(first);
                if (content.kind === "single")
                  return this.mk<Expr>({ kind: "Paren", expr: content.expr }, span);
                if (content.kind === "tuple")
                  return this.mk<Expr>({ kind: "Tuple", elems: content.elems }, span);
                return this.mk<Expr>({ kind: "NamedTuple", fields: content.fields }, span);
              });
            },
          },
          {
            ALT: () => {
              this.CONSUME(LBrace);
              const elems: Expr[] = [];
              this.MANY_SEP2({ SEP: Comma, DEF: () => elems.push(this.SUBRULE2(this.expression)) });
              this.CONSUME(RBrace);
              return this.ACTION(() => this.mk<Expr>({ kind: "SetLit", elems }, this.spanFrom(first)));
            },
          },
          {
            ALT: () => {
              this.CONSUME(LBracket);
              const elems: Expr[] = [];
              this.MANY_SEP3({ SEP: Comma, DEF: () => elems.push(this.SUBRULE3(this.expression)) });
              this.CONSUME(RBracket);
              return this.ACTION(() => this.mk<Expr>({ kind: "SeqLit", elems }, this.spanFrom(first)));
            },
          },
          {
            ALT: () => {
              this.CONSUME(KwNew);
              const machine = this.CONSUME2(Identifier);
              this.CONSUME3(LParen);
              let payload: Expr | null = null;
              this.OPTION2(() => {
                const innerFirst = this.LA(1);
                const content = this.SUBRULE2(this.parenContent);
                this.ACTION(() => {
                  payload = this.payloadFromContent(content, innerFirst);
                });
              });
              this.CONSUME3(RParen);
              return this.ACTION(() =>
                this.mk<Expr>({ kind: "New", machine: this.ident(machine), payload }, this.spanFrom(first)),
              );
            },
          },
          {
            ALT: () => {
              this.CONSUME(KwChoose);
              this.CONSUME4(LParen);
              let arg: Expr | null = null;
              this.OPTION3(() => {
                arg = this.SUBRULE4(this.expression);
              });
              this.CONSUME4(RParen);
              return this.ACTION(() => this.mk<Expr>({ kind: "Choose", arg }, this.spanFrom(first)));
            },
          },
          {
            ALT: () => {
              this.CONSUME(KwDefault);
              this.CONSUME5(LParen);
              const type = this.SUBRULE(this.typeExpr);
              this.CONSUME5(RParen);
              return this.ACTION(() => this.mk<Expr>({ kind: "Default", type }, this.spanFrom(first)));
            },
          },
          { ALT: () => this.SUBRULE(this.quantifier) },
        ],
      });
    },
    { recoveryValueFunc: () => this.missingExpr() },
  );

  private intLiteral(tok: IToken): Expr {
    const span = this.tokenSpan(tok);
    const raw = Number(tok.image);
    const value = Number.isFinite(raw) ? raw : 0;
    const node = this.mk<Expr>({ kind: "IntLit", value }, span);
    if (raw > INT_MAX) {
      this.pendingBigInts.set(node, {
        code: "FL105",
        severity: "error",
        message: `the integer literal ${tok.image.length > 24 ? `${tok.image.slice(0, 20)}...` : tok.image} is out of range`,
        span,
        hint: `integers are 32-bit: from -2147483648 to ${INT_MAX}`,
      });
    }
    return node;
  }

  private payloadFromContent(content: ParenContent, innerFirst: IToken): Expr {
    if (content.kind === "single") return content.expr;
    const span = this.spanFrom(innerFirst);
    if (content.kind === "tuple") return this.mk<Expr>({ kind: "Tuple", elems: content.elems }, span);
    return this.mk<Expr>({ kind: "NamedTuple", fields: content.fields }, span);
  }

  /** Inside `( ... )`: `x = e, ...` (named tuple), `e` (grouping), `e,` / `e, f, ...` (tuple). */
  private parenContent = this.RULE(
    "parenContent",
    (): ParenContent =>
      this.OR([
        {
          ALT: () => {
            const fields: { name: IToken; value: Expr }[] = [];
            this.AT_LEAST_ONE_SEP({
              SEP: Comma,
              DEF: () => {
                if (this.atTrailingComma()) return;
                const name = this.CONSUME(FieldName);
                this.CONSUME(Assign);
                const value = this.SUBRULE(this.expression);
                fields.push({ name, value });
              },
            });
            return this.ACTION(
              (): ParenContent => ({
                kind: "named",
                fields: fields.map((f) => ({ name: this.ident(f.name), value: f.value })),
              }),
            );
          },
        },
        {
          ALT: () => {
            const elems: Expr[] = [this.SUBRULE2(this.expression)];
            let comma = false;
            this.OPTION(() => {
              this.CONSUME2(Comma);
              comma = true;
              this.OPTION2(() => {
                elems.push(this.SUBRULE3(this.expression));
                this.MANY(() => {
                  this.CONSUME3(Comma);
                  if (this.atTrailingComma()) return;
                  elems.push(this.SUBRULE4(this.expression));
                });
              });
            });
            return this.ACTION(
              (): ParenContent => (comma ? { kind: "tuple", elems } : { kind: "single", expr: elems[0]! }),
            );
          },
        },
      ]),
    { recoveryValueFunc: (): ParenContent => ({ kind: "single", expr: this.missingExpr() }) },
  );

  /** `forall p: Participant, x in coll :: body` — the body extends as far as possible. */
  private quantifier = this.RULE(
    "quantifier",
    (): Expr => {
      const first = this.LA(1);
      let quantifier: "forall" | "exists" = "forall";
      this.OR([
        { ALT: () => this.CONSUME(KwForall) },
        {
          ALT: () => {
            this.CONSUME(KwExists);
            quantifier = "exists";
          },
        },
      ]);
      const binders: QuantBinder[] = [];
      this.AT_LEAST_ONE_SEP({
        SEP: Comma,
        DEF: () => binders.push(this.SUBRULE(this.quantBinder)),
        ERR_MSG: "a binder like 'p: Machine' or 'x in collection'",
      });
      this.CONSUME(ColonColon);
      const body = this.SUBRULE(this.expression);
      return this.ACTION(() =>
        this.mk<Expr>({ kind: "Quant", quantifier, binders, body }, this.spanFrom(first)),
      );
    },
    { recoveryValueFunc: () => this.missingExpr() },
  );

  private quantBinder = this.RULE(
    "quantBinder",
    (): QuantBinder => {
      const name = this.CONSUME(Identifier);
      let machineType: IToken | null = null;
      let collection: Expr | null = null;
      this.OR({
        ERR_MSG: "':' and a machine name, or 'in' and a collection",
        DEF: [
          {
            ALT: () => {
              this.CONSUME(Colon);
              machineType = this.CONSUME2(Identifier);
            },
          },
          {
            ALT: () => {
              this.CONSUME(KwIn);
              collection = this.SUBRULE(this.expression);
            },
          },
        ],
      });
      return this.ACTION(() =>
        this.mk<QuantBinder>(
          {
            kind: "QuantBinder",
            name: this.ident(name),
            machineType: machineType === null ? null : this.ident(machineType),
            collection,
          },
          this.spanFrom(name),
        ),
      );
    },
    {
      recoveryValueFunc: () =>
        this.mk<QuantBinder>(
          { kind: "QuantBinder", name: this.missingIdent(), machineType: null, collection: null },
          this.hereSpan(),
        ),
    },
  );
}

function isMissing(e: Expr): boolean {
  return e.kind === "Name" && e.name.name === MISSING_NAME;
}
