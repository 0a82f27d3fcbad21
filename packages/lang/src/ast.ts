// The abstract syntax tree of a `.fl` program. Every node has a unique numeric
// `id` (unique within one parse) and a `span`. Later phases keep their results
// in side tables keyed by node id (Quint-style) instead of mutating the tree.

export interface Position {
  line: number; // 1-based
  col: number; // 1-based
  offset: number; // 0-based character offset
}

export interface Span {
  file: string;
  start: Position;
  end: Position; // exclusive offset; line/col of the last character + 1
}

export type NodeId = number;

export interface NodeBase {
  id: NodeId;
  span: Span;
}

export interface Ident extends NodeBase {
  kind: "Ident";
  name: string;
}

// ---------------------------------------------------------------- types

export type TypeExpr =
  | NamedTypeExpr
  | TupleTypeExpr
  | NamedTupleTypeExpr
  | SeqTypeExpr
  | SetTypeExpr
  | MapTypeExpr;

/** `int`, `bool`, `string`, an alias, an enum or a machine name. */
export interface NamedTypeExpr extends NodeBase {
  kind: "NamedType";
  name: Ident;
}
export interface TupleTypeExpr extends NodeBase {
  kind: "TupleType";
  elems: TypeExpr[];
}
export interface NamedTupleTypeExpr extends NodeBase {
  kind: "NamedTupleType";
  fields: { name: Ident; type: TypeExpr }[];
}
export interface SeqTypeExpr extends NodeBase {
  kind: "SeqType";
  elem: TypeExpr;
}
export interface SetTypeExpr extends NodeBase {
  kind: "SetType";
  elem: TypeExpr;
}
export interface MapTypeExpr extends NodeBase {
  kind: "MapType";
  key: TypeExpr;
  value: TypeExpr;
}

// ---------------------------------------------------------------- declarations

export interface Program extends NodeBase {
  kind: "Program";
  decls: Decl[];
}

export type Decl =
  | EnumDecl
  | TypeAliasDecl
  | EventDecl
  | MachineDecl
  | SpecDecl
  | FunDecl
  | InvariantDecl
  | TestDecl
  | ParamDecl
  | ModuleDecl;

export interface EnumDecl extends NodeBase {
  kind: "EnumDecl";
  name: Ident;
  members: Ident[];
}

export interface TypeAliasDecl extends NodeBase {
  kind: "TypeAliasDecl";
  name: Ident;
  type: TypeExpr;
}

/** `event E;` or `event E: T;` */
export interface EventDecl extends NodeBase {
  kind: "EventDecl";
  name: Ident;
  payload: TypeExpr | null;
}

/** `module Name = { A, B };` or `module Name = union M1, M2, { C };`: a named set of machine types. */
export interface ModuleDecl extends NodeBase {
  kind: "ModuleDecl";
  name: Ident;
  expr: ModuleExpr;
}

/** A set of machine types: a machine or module name, a literal `{ A, B }`, or `union X, Y, ...`. */
export type ModuleExpr = ModuleName | ModuleSet | ModuleUnion;

export interface ModuleName extends NodeBase {
  kind: "ModuleName";
  name: Ident;
}

export interface ModuleSet extends NodeBase {
  kind: "ModuleSet";
  members: Ident[];
}

export interface ModuleUnion extends NodeBase {
  kind: "ModuleUnion";
  parts: ModuleExpr[];
}

/** `param n: int;` — a global constant bound by parameterized tests. */
export interface ParamDecl extends NodeBase {
  kind: "ParamDecl";
  name: Ident;
  type: TypeExpr;
}

export interface VarDecl extends NodeBase {
  kind: "VarDecl";
  name: Ident;
  type: TypeExpr;
  durable: boolean;
}

export interface Param extends NodeBase {
  kind: "Param";
  name: Ident;
  type: TypeExpr;
}

/** Global (top level) or machine-local function. `foreign fun f(...): T;` has body null. */
export interface FunDecl extends NodeBase {
  kind: "FunDecl";
  name: Ident;
  params: Param[];
  returnType: TypeExpr | null;
  body: Block | null;
  foreign: boolean;
}

export interface MachineDecl extends NodeBase {
  kind: "MachineDecl";
  name: Ident;
  vars: VarDecl[];
  states: StateDecl[];
  funs: FunDecl[];
}

/** `spec Name observes E1, E2 { ... }` — a monitor. */
export interface SpecDecl extends NodeBase {
  kind: "SpecDecl";
  name: Ident;
  observes: Ident[];
  vars: VarDecl[];
  states: StateDecl[];
  funs: FunDecl[];
}

export type Temperature = "hot" | "cold" | null;

export interface StateDecl extends NodeBase {
  kind: "StateDecl";
  name: Ident;
  isStart: boolean;
  temperature: Temperature; // only meaningful in specs
  entry: EntryDecl | null;
  exit: ExitDecl | null;
  items: StateItem[];
}

/** `entry { ... }`, `entry (p: T) { ... }` or `entry FunName;` */
export interface EntryDecl extends NodeBase {
  kind: "Entry";
  action: Action;
}

export interface ExitDecl extends NodeBase {
  kind: "Exit";
  action: Action;
}

/**
 * What runs: an inline block with an optional single parameter (its type may be
 * omitted in handlers, where it is the event's payload type), or a named function.
 */
export type Action = InlineAction | FunAction;
export interface InlineAction extends NodeBase {
  kind: "InlineAction";
  param: { name: Ident; type: TypeExpr | null } | null;
  body: Block;
}
export interface FunAction extends NodeBase {
  kind: "FunAction";
  fun: Ident;
}

export type StateItem = OnDo | OnGoto | DeferItem | IgnoreItem | OnTimeoutDo | OnTimeoutGoto;

/** `on E1, E2 do (x) { ... }` / `on E do FunName;` */
export interface OnDo extends NodeBase {
  kind: "OnDo";
  events: Ident[];
  action: Action;
}
/** `on E goto S;` / `on E goto S with (x) { ... };` / `on E goto S with Fun;` */
export interface OnGoto extends NodeBase {
  kind: "OnGoto";
  events: Ident[];
  target: Ident;
  with: Action | null;
}
export interface DeferItem extends NodeBase {
  kind: "Defer";
  events: Ident[];
}
export interface IgnoreItem extends NodeBase {
  kind: "Ignore";
  events: Ident[];
}
/** `on timeout T do { ... }` */
export interface OnTimeoutDo extends NodeBase {
  kind: "OnTimeoutDo";
  timer: Ident;
  action: Action;
}
/** `on timeout T goto S [with ...];` */
export interface OnTimeoutGoto extends NodeBase {
  kind: "OnTimeoutGoto";
  timer: Ident;
  target: Ident;
  with: Action | null;
}

/**
 * `invariant Name: expr;`, or with `reachable: true` the witness property
 * `reachable Name: expr;` (some reachable state must satisfy expr).
 */
export interface InvariantDecl extends NodeBase {
  kind: "InvariantDecl";
  name: Ident;
  expr: Expr;
  reachable: boolean;
}

/**
 * `test Name [main = M]: assert P1, P2 [in (M1, M2)] [with faults { ... }];`
 * `test param (n in [2, 3]) Name [main = M]: ...;` expands to one test per value.
 */
export interface TestDecl extends NodeBase {
  kind: "TestDecl";
  name: Ident;
  params: TestParamBinding[];
  /** `(2 wise)`: cover every combination of values of every `wise` params, not the full product; null = full product. */
  wise: Expr | null;
  /** `assume (expr)`: only the combinations of bound values for which this constant expression holds. */
  assume: Expr | null;
  main: Ident;
  asserts: Ident[];
  /** `cover (Spec.State, ...)`: spec monitor states some run must enter (witness properties). */
  covers: CoverTarget[];
  /** `in (M1, union Mod, { A })`: the closed set of machines (their union); null = all. */
  machines: ModuleExpr[] | null;
  /** `symmetric (M1, M2)`: machine types whose instances are interchangeable (symmetry reduction). */
  symmetric: Ident[];
  /** `with { Abstract -> Concrete }`: every machine the test creates as `Abstract` is a `Concrete`. */
  substitutions: Substitution[];
  faults: FaultDecl[];
}

/** `Abstract -> Concrete` in a test's `with { ... }` clause. */
export interface Substitution extends NodeBase {
  kind: "Substitution";
  from: Ident;
  to: Ident;
}

/** `Spec.State` in a test's `cover (...)` clause. */
export interface CoverTarget extends NodeBase {
  kind: "CoverTarget";
  spec: Ident;
  state: Ident;
}

export interface TestParamBinding extends NodeBase {
  kind: "TestParamBinding";
  param: Ident;
  values: Expr[];
}

export type FaultDecl = DropFault | DuplicateFault | ReorderFault | CrashFault | PartitionFault;

/** `drop [E1, E2] at most k;` — events empty means any event. */
export interface DropFault extends NodeBase {
  kind: "DropFault";
  events: Ident[];
  atMost: Expr;
}
export interface DuplicateFault extends NodeBase {
  kind: "DuplicateFault";
  events: Ident[];
  atMost: Expr;
}
/** `reorder;` — the network is unordered. */
export interface ReorderFault extends NodeBase {
  kind: "ReorderFault";
}
/** `crash M at most k [then restart];` */
export interface CrashFault extends NodeBase {
  kind: "CrashFault";
  machine: Ident;
  atMost: Expr;
  restart: boolean;
}
/** `partition at most k;` */
export interface PartitionFault extends NodeBase {
  kind: "PartitionFault";
  atMost: Expr;
}

// ---------------------------------------------------------------- statements

export type Stmt =
  | Block
  | LocalVarStmt
  | AssignStmt
  | SendStmt
  | RaiseStmt
  | GotoStmt
  | AnnounceStmt
  | AssertStmt
  | HaltStmt
  | PrintStmt
  | ReceiveStmt
  | IfStmt
  | WhileStmt
  | ForeachStmt
  | ReturnStmt
  | BreakStmt
  | ContinueStmt
  | StartTimerStmt
  | CancelTimerStmt
  | ExprStmt;

export interface Block extends NodeBase {
  kind: "Block";
  stmts: Stmt[];
}
/** `var x: T;` inside a function or handler (initialised to default(T)). */
export interface LocalVarStmt extends NodeBase {
  kind: "LocalVar";
  name: Ident;
  type: TypeExpr;
}
/** `lhs = e;`, `lhs += e;`, `lhs -= e;` (on collections: insert / remove). */
export interface AssignStmt extends NodeBase {
  kind: "Assign";
  op: "=" | "+=" | "-=";
  target: Expr; // a NameExpr, FieldExpr, TupleIndexExpr or IndexExpr
  value: Expr;
}
/** `send target, E[, payload];` */
export interface SendStmt extends NodeBase {
  kind: "Send";
  target: Expr;
  /** The event's name, or a variable holding an event value; a placeholder when `eventExpr` is there. */
  event: Ident;
  /** An event value written as an expression other than a name (`send m, evs[i];`). */
  eventExpr?: Expr;
  payload: Expr | null;
}
export interface RaiseStmt extends NodeBase {
  kind: "Raise";
  event: Ident;
  eventExpr?: Expr;
  payload: Expr | null;
}
export interface GotoStmt extends NodeBase {
  kind: "Goto";
  target: Ident;
  payload: Expr | null;
}
export interface AnnounceStmt extends NodeBase {
  kind: "Announce";
  event: Ident;
  eventExpr?: Expr;
  payload: Expr | null;
}
export interface AssertStmt extends NodeBase {
  kind: "Assert";
  cond: Expr;
  message: Expr | null;
}
export interface HaltStmt extends NodeBase {
  kind: "Halt";
}
/** `print e;`: a log line of the step in traces (any value; strings as they are); no effect on state. */
export interface PrintStmt extends NodeBase {
  kind: "Print";
  value: Expr;
}
/**
 * `receive { case E1, E2: (x) { ... } case E3: { ... } }`: the machine blocks
 * until one of the cases' events arrives (others stay queued), then runs that
 * case and goes on after the statement, locals intact.
 */
export interface ReceiveStmt extends NodeBase {
  kind: "Receive";
  cases: ReceiveCase[];
}
/** One `case E1, E2: action` of a receive; the action takes the event's payload like a handler. */
export interface ReceiveCase extends NodeBase {
  kind: "ReceiveCase";
  events: Ident[];
  action: Action;
}
export interface IfStmt extends NodeBase {
  kind: "If";
  cond: Expr;
  then: Block;
  else: Block | IfStmt | null;
}
export interface WhileStmt extends NodeBase {
  kind: "While";
  cond: Expr;
  body: Block;
}
/** `foreach (x in collection) { ... }` — seq in order, set/map keys in canonical order. */
export interface ForeachStmt extends NodeBase {
  kind: "Foreach";
  variable: Ident;
  iterable: Expr;
  body: Block;
}
export interface ReturnStmt extends NodeBase {
  kind: "Return";
  value: Expr | null;
}
export interface BreakStmt extends NodeBase {
  kind: "Break";
}
export interface ContinueStmt extends NodeBase {
  kind: "Continue";
}
export interface StartTimerStmt extends NodeBase {
  kind: "StartTimer";
  timer: Ident;
}
export interface CancelTimerStmt extends NodeBase {
  kind: "CancelTimer";
  timer: Ident;
}
/** A call or `new M(...)` used as a statement. */
export interface ExprStmt extends NodeBase {
  kind: "ExprStmt";
  expr: Expr;
}

// ---------------------------------------------------------------- expressions

export type Expr =
  | IntLit
  | BoolLit
  | StringLit
  | NameExpr
  | ThisExpr
  | FieldExpr
  | TupleIndexExpr
  | IndexExpr
  | CallExpr
  | NewExpr
  | ChooseExpr
  | NondetExpr
  | UnaryExpr
  | BinaryExpr
  | TupleExpr
  | NamedTupleExpr
  | SetLitExpr
  | SeqLitExpr
  | DefaultExpr
  | QuantExpr
  | ParenExpr
  | CastExpr;

export interface IntLit extends NodeBase {
  kind: "IntLit";
  value: number;
}
export interface BoolLit extends NodeBase {
  kind: "BoolLit";
  value: boolean;
}
export interface StringLit extends NodeBase {
  kind: "StringLit";
  value: string; // unescaped
}
/** A bare name: variable, parameter, enum member, param constant. */
export interface NameExpr extends NodeBase {
  kind: "Name";
  name: Ident;
}
export interface ThisExpr extends NodeBase {
  kind: "This";
}
/** `e.f` — named tuple field, machine variable (invariants only) or `Enum.Member`. */
export interface FieldExpr extends NodeBase {
  kind: "Field";
  target: Expr;
  field: Ident;
}
/** `e.0` */
export interface TupleIndexExpr extends NodeBase {
  kind: "TupleIndex";
  target: Expr;
  index: number;
}
/** `e[i]` — seq index or map lookup. */
export interface IndexExpr extends NodeBase {
  kind: "Index";
  target: Expr;
  index: Expr;
}
/**
 * `f(args)` — user function, foreign function, or a builtin:
 * `sizeof(e)`, `keys(m)`, `values(m)`, `inflight(E)`, `inflight(E, m)`.
 */
export interface CallExpr extends NodeBase {
  kind: "Call";
  callee: Ident;
  args: Expr[];
}
/** `new M(payload?)` */
export interface NewExpr extends NodeBase {
  kind: "New";
  machine: Ident;
  payload: Expr | null;
}
/** `choose(n)` (0..n-1), `choose(collection)` (an element), `choose()` (a bool). */
export interface ChooseExpr extends NodeBase {
  kind: "Choose";
  arg: Expr | null;
}
/** `$` — a nondeterministic bool. */
export interface NondetExpr extends NodeBase {
  kind: "Nondet";
}
/**
 * The variable `send m, e, p;` names as its event when `e` is not a declared
 * event: a Name node with the identifier's id, so the checker and lowering see
 * one expression.
 */
export function eventValueExpr(event: Ident): NameExpr {
  return { kind: "Name", id: event.id, name: event, span: event.span };
}

/** `e as T`: a cast, checked at run time when `e` is an `any` (a failure is located at `as`). */
export interface CastExpr extends NodeBase {
  kind: "Cast";
  expr: Expr;
  type: TypeExpr;
  /** The keyword `as` (where a failed cast is reported), as an Ident node so tree comparisons ignore its position. */
  keyword: Ident;
}
export interface UnaryExpr extends NodeBase {
  kind: "Unary";
  op: "!" | "-";
  operand: Expr;
}
export type BinaryOp =
  | "||"
  | "&&"
  | "=="
  | "!="
  | "<"
  | "<="
  | ">"
  | ">="
  | "in"
  | "+"
  | "-"
  | "*"
  | "/"
  | "%";
/**
 * `a in b` is membership (seq element, set element, map key) or, when `a` is a
 * machine reference and `b` names one of its states, a state test.
 */
export interface BinaryExpr extends NodeBase {
  kind: "Binary";
  op: BinaryOp;
  left: Expr;
  right: Expr;
}
/** `(a, b)` or `(a,)` */
export interface TupleExpr extends NodeBase {
  kind: "Tuple";
  elems: Expr[];
}
/** `(x = 1, y = true)` */
export interface NamedTupleExpr extends NodeBase {
  kind: "NamedTuple";
  fields: { name: Ident; value: Expr }[];
}
/** `{a, b}` — a set literal. */
export interface SetLitExpr extends NodeBase {
  kind: "SetLit";
  elems: Expr[];
}
/** `[a, b]` — a seq literal. */
export interface SeqLitExpr extends NodeBase {
  kind: "SeqLit";
  elems: Expr[];
}
/** `default(T)` */
export interface DefaultExpr extends NodeBase {
  kind: "Default";
  type: TypeExpr;
}
/**
 * `forall p: Participant :: e`, `exists x in coll :: e`.
 * Binders are either over machine instances (`type`) or over a collection (`in`).
 */
export interface QuantExpr extends NodeBase {
  kind: "Quant";
  quantifier: "forall" | "exists";
  binders: QuantBinder[];
  body: Expr;
}
export interface QuantBinder extends NodeBase {
  kind: "QuantBinder";
  name: Ident;
  machineType: Ident | null;
  collection: Expr | null;
}
export interface ParenExpr extends NodeBase {
  kind: "Paren";
  expr: Expr;
}
