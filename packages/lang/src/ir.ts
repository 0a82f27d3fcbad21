// The lowered IR: the checker's input. Names are resolved (each reference says
// what it refers to), every expression carries its type, and sugar is gone:
// `entry Fun;` becomes an inline action calling Fun, `x += 1` on an int becomes
// `x = x + 1`, collection `+=`/`-=` become insert/remove, `(e)` disappears,
// `Enum.Member` and bare members become enum constants, and parameterized tests
// are expanded to one test per value.
import type { FaultEventRef } from "./fault-events.js";
import type { Span } from "./ast.js";
import type { Type } from "./types.js";

export interface IrProgram {
  files: string[];
  enums: IrEnum[];
  events: IrEvent[];
  params: IrParamConst[];
  machines: IrMachine[];
  specs: IrSpec[];
  /** Top-level functions, foreign ones included (body null). */
  funs: IrFun[];
  invariants: IrInvariant[];
  tests: IrTest[];
  /**
   * The dynamic types `any` values carry, by type id (an `any` is the pair
   * [type id, value]; types as `dynamicType` in types.ts gives them). Every type
   * converted to `any` or cast from it is here, and, when the program sends,
   * raises or announces an event value, every event's payload type.
   */
  anyTypes: Type[];
}

export interface IrEnum {
  name: string;
  members: string[]; // ordinal = index
  span: Span;
}

/**
 * The built-in `halt` event (`send m, halt;`): delivered, it halts the receiver whatever
 * its state handles. A reserved word, so no declared event has its name; lowering appends
 * it to `events` (no payload) when the program sends it.
 */
export const HALT_EVENT = "halt";

export interface IrEvent {
  name: string;
  index: number;
  payload: Type | null;
  span: Span;
  /** A fault event (`observes crash(Node)`): the checker injects it; absent for declared events. */
  fault?: FaultEventRef;
}

/** `param n: int;` — a global constant, bound per test. */
export interface IrParamConst {
  name: string;
  type: Type;
  span: Span;
}

export interface IrVar {
  name: string;
  type: Type;
  durable: boolean;
  span: Span;
}

export interface IrMachine {
  name: string;
  index: number;
  vars: IrVar[];
  states: IrState[];
  startState: string;
  /** Payload type of `new M(payload)`: the start state's entry parameter, or null. */
  payload: Type | null;
  funs: IrFun[];
  /** Every timer name started or handled in this machine, sorted. */
  timers: string[];
  /** The machine's `receive` statements, by the `site` their IR statements carry. */
  receives: IrReceiveSite[];
  span: Span;
}

/** A `receive` statement of a machine: the events it waits for (the runtime defers all others). */
export interface IrReceiveSite {
  events: string[];
  span: Span;
}

/** One `case E1, E2: action` of a receive: the action runs inline, with the event's payload as its parameter. */
export interface IrReceiveCase {
  events: string[];
  action: IrAction;
  span: Span;
}

/** A spec monitor. Same shape as a machine; observes events instead of receiving them. */
export interface IrSpec {
  name: string;
  index: number;
  observes: string[];
  vars: IrVar[];
  states: IrState[];
  startState: string;
  funs: IrFun[];
  span: Span;
}

export interface IrState {
  name: string;
  index: number;
  isStart: boolean;
  temperature: "hot" | "cold" | null;
  entry: IrAction | null;
  exit: IrAction | null;
  /** At most one handler per event name. */
  handlers: IrHandler[];
  deferred: string[];
  ignored: string[];
  timeouts: IrTimeoutHandler[];
  span: Span;
}

/** Code that runs with an optional parameter (the payload). */
export interface IrAction {
  param: { name: string; type: Type } | null;
  body: IrStmt[];
  span: Span;
}

/**
 * `on E do A`: run A. `on E goto S with A`: run A (if any), then exit the
 * current state and enter S; S's entry receives E's payload when it takes a parameter.
 */
export type IrHandler =
  | { kind: "do"; event: string; action: IrAction; span: Span }
  | { kind: "goto"; event: string; target: string; with: IrAction | null; span: Span };

export type IrTimeoutHandler =
  | { kind: "do"; timer: string; action: IrAction; span: Span }
  | { kind: "goto"; timer: string; target: string; with: IrAction | null; span: Span };

export interface IrFun {
  name: string;
  /** Machine or spec name for local functions; null for top-level ones. */
  owner: string | null;
  params: { name: string; type: Type }[];
  returnType: Type; // void when none
  body: IrStmt[] | null; // null for foreign
  foreign: boolean;
  span: Span;
}

export interface IrInvariant {
  name: string;
  expr: IrExpr;
  span: Span;
  /** `reachable Name: expr;`: a witness property (some reachable state satisfies it), not an invariant. */
  reachable: boolean;
}

/** What a test asserts: an invariant, a spec monitor, or a witness property (`reachable`). */
export type IrPropertyRef =
  | { kind: "invariant"; name: string }
  | { kind: "spec"; name: string }
  | { kind: "reachable"; name: string };

export interface IrTest {
  /** `Name`, or `Name(n=2)` for an expanded parameterized test. */
  name: string;
  baseName: string;
  main: string;
  asserts: IrPropertyRef[];
  /** `cover (Spec.State)`: spec monitor states some run must enter (witness properties named `Spec.State`). */
  covers: { spec: string; state: string; span: Span }[];
  machines: string[] | null;
  /** Machine types declared `symmetric (...)`: their instances are interchangeable. */
  symmetric: string[];
  /** `with { A -> B }`: every machine the test creates as A is a B. */
  substitutions: { from: string; to: string }[];
  faults: IrFault[];
  /** Values of the program's params for this test (unbound params get default(T)). */
  paramValues: Record<string, number | boolean | string>;
  span: Span;
}

export type IrFault =
  | { kind: "drop"; events: string[] | null; atMost: number; span: Span }
  | { kind: "duplicate"; events: string[] | null; atMost: number; span: Span }
  | { kind: "reorder"; span: Span }
  | { kind: "crash"; machine: string; atMost: number; restart: boolean; span: Span }
  | { kind: "partition"; atMost: number; span: Span };

// ---------------------------------------------------------------- statements

export type IrStmt =
  | { kind: "local"; name: string; type: Type; span: Span }
  | { kind: "assign"; target: IrExpr; value: IrExpr; span: Span }
  /** seq: value is (index, elem); set: value is the element; map: value is (key, value). */
  | { kind: "insert"; target: IrExpr; collection: "seq" | "set" | "map"; value: IrExpr; span: Span }
  /** seq: value is an index; set: the element; map: the key. */
  | { kind: "remove"; target: IrExpr; collection: "seq" | "set" | "map"; value: IrExpr; span: Span }
  /**
   * `event` names the event; or, for an event value (`send m, e, p;` with `e` of
   * type `event`), `event` is "" and `eventValue` is its expression, the payload
   * (if any) an `any` checked against the event's payload type when it runs.
   */
  | { kind: "send"; target: IrExpr; event: string; eventValue?: IrExpr; payload: IrExpr | null; span: Span }
  | { kind: "raise"; event: string; eventValue?: IrExpr; payload: IrExpr | null; span: Span }
  | { kind: "goto"; state: string; payload: IrExpr | null; span: Span }
  | { kind: "announce"; event: string; eventValue?: IrExpr; payload: IrExpr | null; span: Span }
  | { kind: "assert"; cond: IrExpr; message: IrExpr | null; span: Span }
  | { kind: "halt"; span: Span }
  /** `print e;`: value is a string (lowering wraps any other value in `str`). */
  | { kind: "print"; value: IrExpr; span: Span }
  /** `receive { case ... }`: `site` indexes the machine's `receives`. */
  | { kind: "receive"; site: number; cases: IrReceiveCase[]; span: Span }
  | { kind: "if"; cond: IrExpr; then: IrStmt[]; else: IrStmt[]; span: Span }
  | { kind: "while"; cond: IrExpr; body: IrStmt[]; span: Span }
  | { kind: "foreach"; variable: string; elemType: Type; iterable: IrExpr; body: IrStmt[]; span: Span }
  | { kind: "return"; value: IrExpr | null; span: Span }
  | { kind: "break"; span: Span }
  | { kind: "continue"; span: Span }
  | { kind: "startTimer"; timer: string; span: Span }
  | { kind: "cancelTimer"; timer: string; span: Span }
  | { kind: "expr"; expr: IrExpr; span: Span };

// ---------------------------------------------------------------- expressions

interface IrExprBase {
  type: Type;
  span: Span;
}

export type IrExpr = IrExprBase &
  (
    | { kind: "int"; value: number }
    | { kind: "bool"; value: boolean }
    | { kind: "string"; value: string }
    | { kind: "enumConst"; enumName: string; member: string; ordinal: number }
    /** An event name as a value (type `event`). */
    | { kind: "eventConst"; event: string }
    /** A value converted to `any`: [typeId, value] (`IrProgram.anyTypes[typeId]` is its type). */
    | { kind: "toAny"; operand: IrExpr; typeId: number }
    /** `e as T` on an `any`: its value when its type id is `typeId`, else a runtime error at the span (`as`). */
    | { kind: "cast"; operand: IrExpr; typeId: number }
    /**
     * The operand converted to this node's type, a type that differs from the
     * operand's only where one of them has `any` inside a collection or tuple:
     * parts that become an `any` are wrapped (as `toAny`), parts that were one are
     * cast (as `cast`, a runtime error at the span). Both types' parts are in
     * `IrProgram.anyTypes`.
     */
    | { kind: "convert"; operand: IrExpr }
    /**
     * local: a local, parameter, foreach or quantifier variable;
     * self: a variable of the enclosing machine or spec; param: a global param constant.
     */
    | { kind: "var"; scope: "local" | "self" | "param"; name: string }
    | { kind: "this" }
    | { kind: "field"; target: IrExpr; field: string; index: number }
    | { kind: "tupleIndex"; target: IrExpr; index: number }
    /** `m.v` where m is a machine reference (invariants only). */
    | { kind: "machineVar"; target: IrExpr; machine: string; variable: string }
    /** `c[i]`: a seq element, a set element in canonical order (0-based), a map value. */
    | { kind: "index"; target: IrExpr; index: IrExpr; collection: "seq" | "set" | "map" }
    /** scope "machine": a function of the enclosing machine/spec; "global": top level; "foreign". */
    | { kind: "call"; fun: string; scope: "machine" | "global" | "foreign"; args: IrExpr[] }
    | { kind: "sizeof"; arg: IrExpr }
    /** `str(v)`: v as `.fl` text (a string stays as it is); the runtime needs arg.type. */
    | { kind: "str"; arg: IrExpr }
    /** `format(f, a0, a1, ...)`: `{n}` in f replaced by str(an); `{{` and `}}` are braces. */
    | { kind: "format"; format: IrExpr; args: IrExpr[] }
    | { kind: "keys"; arg: IrExpr }
    | { kind: "values"; arg: IrExpr }
    /** Messages of `event` in flight, optionally only those addressed to `target`. */
    | { kind: "inflight"; event: string; target: IrExpr | null }
    | { kind: "new"; machine: string; payload: IrExpr | null }
    /** int: 0..arg-1; collection: an element of arg; bool: `$` or `choose()`. */
    | { kind: "choose"; mode: "int" | "collection" | "bool"; arg: IrExpr | null }
    | { kind: "unary"; op: "!" | "-"; operand: IrExpr }
    | {
        kind: "binary";
        op: "||" | "&&" | "==" | "!=" | "<" | "<=" | ">" | ">=" | "+" | "-" | "*" | "/" | "%";
        left: IrExpr;
        right: IrExpr;
      }
    /** Membership: element of a seq or set, key of a map. */
    | { kind: "in"; element: IrExpr; collection: IrExpr; collectionKind: "seq" | "set" | "map" }
    /** `m in S`: machine m is currently in state S. */
    | { kind: "inState"; target: IrExpr; machine: string; state: string }
    | { kind: "tuple"; elems: IrExpr[] }
    | { kind: "namedTuple"; fields: { name: string; value: IrExpr }[] }
    | { kind: "setLit"; elems: IrExpr[] }
    | { kind: "seqLit"; elems: IrExpr[] }
    | { kind: "default" }
    | {
        kind: "quant";
        quantifier: "forall" | "exists";
        binders: { name: string; machine: string | null; collection: IrExpr | null; elemType: Type }[];
        body: IrExpr;
      }
  );

/** A quantifier's binder: a machine type's instances, or a collection's elements. */
export type IrBinder = Extract<IrExpr, { kind: "quant" }>["binders"][number];

/**
 * Whether some node of an IR subtree (an expression, a statement, or lists of
 * them) passes `test`. Spans and `type` fields are not walked.
 */
export function someIrNode(x: unknown, test: (node: Readonly<Record<string, unknown>>) => boolean): boolean {
  if (x === null || typeof x !== "object") return false;
  if (Array.isArray(x)) return x.some((y) => someIrNode(y, test));
  if (test(x as Record<string, unknown>)) return true;
  for (const [k, v] of Object.entries(x))
    if (k !== "span" && k !== "type" && someIrNode(v, test)) return true;
  return false;
}

/**
 * The binders of a quantifier, nested quantifiers of the same kind merged
 * (`forall a :: forall b :: p` is `forall a, b :: p`), and the innermost body.
 */
export function quantifierBinders(e: Extract<IrExpr, { kind: "quant" }>): {
  binders: IrBinder[];
  body: IrExpr;
} {
  const binders = [...e.binders];
  let body = e.body;
  while (body.kind === "quant" && body.quantifier === e.quantifier) {
    binders.push(...body.binders);
    body = body.body;
  }
  return { binders, body };
}
