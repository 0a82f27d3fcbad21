// The results of checking, kept in side tables keyed by AST node id (the tree
// itself is never mutated), plus the global symbol information lowering needs.
import type { FaultEventRef } from "../fault-events.js";
import type {
  EnumDecl,
  EventDecl,
  FunDecl,
  InvariantDecl,
  ModuleDecl,
  MachineDecl,
  NodeId,
  ParamDecl,
  SpecDecl,
  StateDecl,
  TestDecl,
  TypeAliasDecl,
  VarDecl,
} from "../ast.js";
import type { Type } from "../types.js";

/** What a name (or a field, or a call) refers to. */
export type Resolution =
  /** A local variable, a function or handler parameter, a foreach or quantifier variable. */
  | { kind: "local"; name: string; decl: NodeId }
  /** A variable of the enclosing machine or spec. */
  | { kind: "self"; owner: string; name: string }
  /** A global `param` constant. */
  | { kind: "param"; name: string }
  | { kind: "enumMember"; enumName: string; member: string; ordinal: number }
  /** A field of a named tuple (Field or TupleIndex nodes on named tuples). */
  | { kind: "field"; name: string; index: number }
  /** A positional element of a tuple. */
  | { kind: "tupleElem"; index: number }
  /** `m.v` where m is a machine reference (invariants only). */
  | { kind: "machineVar"; machine: string; variable: string }
  | { kind: "fun"; scope: "machine" | "global" | "foreign"; name: string; owner: string | null }
  | { kind: "builtin"; name: BuiltinName }
  /** An event name used as a value (of type `event`). */
  | { kind: "event"; name: string }
  /** `null`: the default value of its (event, machine or any) type. */
  | { kind: "null" };

export type BuiltinName = "sizeof" | "keys" | "values" | "inflight" | "str" | "format";
export const BUILTIN_NAMES: readonly BuiltinName[] = [
  "sizeof",
  "keys",
  "values",
  "inflight",
  "str",
  "format",
];

/** How an operation node was interpreted (what lowering must emit). */
export type OpInfo =
  /** Binary `in` as membership in a collection. */
  | { kind: "membership"; collection: "seq" | "set" | "map" }
  /** Binary `in` as a state test `m in S`. */
  | { kind: "stateTest"; machine: string; state: string }
  /** `e[i]` */
  | { kind: "index"; collection: "seq" | "set" | "map" }
  | { kind: "choose"; mode: "int" | "collection" | "bool" }
  /** `x = e` (plain), `x += e` / `x -= e` on int or string (arith), or on a collection. */
  | {
      kind: "assign";
      mode: "plain" | "arith" | "insert" | "remove";
      collection: "seq" | "set" | "map" | null;
    };

export interface FunInfo {
  decl: FunDecl;
  name: string;
  /** Machine or spec name for local functions, null for top-level ones. */
  owner: string | null;
  params: { name: string; type: Type }[];
  returnType: Type;
  foreign: boolean;
}

export interface VarInfo {
  decl: VarDecl;
  type: Type;
}

/** A machine or a spec monitor. */
export interface MachineInfo {
  decl: MachineDecl | SpecDecl;
  name: string;
  isSpec: boolean;
  vars: Map<string, VarInfo>;
  /** First declaration wins when a state name is duplicated. */
  states: Map<string, StateDecl>;
  funs: Map<string, FunInfo>;
  startState: StateDecl | null;
  /** Timer names started, cancelled or handled anywhere in the machine. */
  timers: Set<string>;
}

export interface EventInfo {
  decl: EventDecl;
  name: string;
  index: number;
  payload: Type | null;
  /** A fault event a spec observes (`crash(Node)`, fault-events.ts); its decl is synthetic. */
  fault: FaultEventRef | null;
}

export interface EnumInfo {
  decl: EnumDecl;
  name: string;
  members: string[];
}

export interface GlobalSymbols {
  enums: Map<string, EnumInfo>;
  aliases: Map<string, TypeAliasDecl>;
  /** Bare enum member name -> its enum (first declaration wins). */
  enumMembers: Map<string, EnumInfo>;
  events: Map<string, EventInfo>;
  machines: Map<string, MachineInfo>;
  specs: Map<string, MachineInfo>;
  funs: Map<string, FunInfo>;
  invariants: Map<string, InvariantDecl>;
  params: Map<string, { decl: ParamDecl; type: Type }>;
  tests: Map<string, TestDecl>;
  /** `module M = ...;` -> the machine types it denotes (filled by checkModules). */
  modules: Map<string, ModuleInfo>;
}

export interface ModuleInfo {
  decl: ModuleDecl;
  machines: string[];
  resolved: boolean;
}

export interface CheckTables {
  /** The type of every expression node. */
  types: Map<NodeId, Type>;
  /**
   * The type of every declaring node: VarDecl, Param, LocalVar, Foreach (the
   * element), QuantBinder (the element), InlineAction (its parameter),
   * ParamDecl, EventDecl (payload), FunDecl (return type).
   */
  declTypes: Map<NodeId, Type>;
  /** Name, Field, TupleIndex, Call and FunAction nodes -> what they refer to. */
  refs: Map<NodeId, Resolution>;
  /** Binary `in`, Index, Choose and Assign nodes -> how they were interpreted. */
  ops: Map<NodeId, OpInfo>;
  /**
   * Expressions whose value is used where a type with `any` in it is expected:
   * node -> that type (lowering converts the value, wrapping each part that
   * becomes an `any` with its dynamic type).
   */
  toAny: Map<NodeId, Type>;
  symbols: GlobalSymbols;
}
