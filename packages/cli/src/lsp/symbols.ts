// Every name in a document: each occurrence (a declaration or a use) keyed by
// what it names, so definition, references, rename, hover and the outline are
// look-ups. Uses are resolved with the checker's side tables (refs, ops) where
// the checker resolved them, and by the declared names otherwise (events,
// machines, states, timers, properties are names the checker looks up by name).
import {
  type Action,
  type AnyNode,
  type CheckTables,
  type Decl,
  type Expr,
  type ModuleExpr,
  type FunDecl,
  type Ident,
  type MachineDecl,
  type NodeBase,
  type Program,
  type SpecDecl,
  type Span,
  type StateDecl,
  type StateItem,
  type Stmt,
  type TypeExpr,
  eventValueExpr,
  walkAst,
} from "@faultline/lang";

export type SymbolKind =
  | "event"
  | "machine"
  | "spec"
  | "state"
  | "var"
  | "local"
  | "fun"
  | "type"
  | "enumMember"
  | "param"
  | "invariant"
  | "test"
  | "timer";

export interface Occurrence {
  key: string;
  span: Span;
  decl: boolean;
}

export interface SymbolInfo {
  key: string;
  kind: SymbolKind;
  name: string;
  /** The machine or spec it belongs to (states, variables, local functions, timers). */
  owner: string | null;
  /** The declaring node (null for timers, which have no declaration). */
  node: NodeBase | null;
  /** The declaring name's span (a timer: its first occurrence). */
  span: Span;
}

export interface SymbolIndex {
  /** Sorted by start offset. */
  occurrences: Occurrence[];
  symbols: Map<string, SymbolInfo>;
  byKey: Map<string, Occurrence[]>;
}

/** Every machine or module name a module expression mentions. */
function moduleNames(exprs: readonly ModuleExpr[]): Ident[] {
  return exprs.flatMap((e) =>
    e.kind === "ModuleName" ? [e.name] : e.kind === "ModuleSet" ? e.members : moduleNames(e.parts),
  );
}

export const machineKey = (name: string) => `machine:${name}`;
export const stateKey = (owner: string, name: string) => `state:${owner}.${name}`;
export const eventKey = (name: string) => `event:${name}`;

export function buildIndex(program: Program, tables: CheckTables | null): SymbolIndex {
  return new Indexer(program, tables).run();
}

class Indexer {
  private readonly occurrences: Occurrence[] = [];
  private readonly symbols = new Map<string, SymbolInfo>();
  private readonly machines = new Set<string>();
  private readonly typeNames = new Set<string>();
  private readonly invariants = new Set<string>();
  private owner: string | null = null;

  constructor(
    private readonly program: Program,
    private readonly tables: CheckTables | null,
  ) {}

  run(): SymbolIndex {
    for (const d of this.program.decls) {
      if (d.kind === "MachineDecl" || d.kind === "SpecDecl") this.machines.add(d.name.name);
      else if (d.kind === "EnumDecl" || d.kind === "TypeAliasDecl") this.typeNames.add(d.name.name);
      else if (d.kind === "InvariantDecl") this.invariants.add(d.name.name);
    }
    for (const d of this.program.decls) this.decl(d);
    this.occurrences.sort((a, b) => a.span.start.offset - b.span.start.offset);
    const byKey = new Map<string, Occurrence[]>();
    for (const o of this.occurrences) {
      const list = byKey.get(o.key);
      if (list) list.push(o);
      else byKey.set(o.key, [o]);
    }
    return { occurrences: this.occurrences, symbols: this.symbols, byKey };
  }

  private declare(
    key: string,
    kind: SymbolKind,
    id: Ident,
    node: NodeBase,
    owner: string | null = null,
  ): void {
    if (!this.symbols.has(key))
      this.symbols.set(key, { key, kind, name: id.name, owner, node, span: id.span });
    this.occurrences.push({ key, span: id.span, decl: true });
  }

  private use(key: string, id: { span: Span }): void {
    this.occurrences.push({ key, span: id.span, decl: false });
  }

  private decl(d: Decl): void {
    switch (d.kind) {
      case "EnumDecl":
        this.declare(`type:${d.name.name}`, "type", d.name, d);
        for (const m of d.members) this.declare(`enumMember:${d.name.name}.${m.name}`, "enumMember", m, d);
        return;
      case "TypeAliasDecl":
        this.declare(`type:${d.name.name}`, "type", d.name, d);
        this.type(d.type);
        return;
      case "EventDecl":
        this.declare(eventKey(d.name.name), "event", d.name, d);
        if (d.payload) this.type(d.payload);
        return;
      case "ModuleDecl":
        // Modules share the type namespace with machines: one key space for `in (X)`.
        this.declare(machineKey(d.name.name), "type", d.name, d);
        for (const m of moduleNames([d.expr])) this.use(machineKey(m.name), m);
        return;
      case "ParamDecl":
        this.declare(`param:${d.name.name}`, "param", d.name, d);
        this.type(d.type);
        return;
      case "MachineDecl":
      case "SpecDecl":
        this.machine(d);
        return;
      case "FunDecl":
        this.fun(d, null);
        return;
      case "InvariantDecl":
        this.declare(`invariant:${d.name.name}`, "invariant", d.name, d);
        this.expr(d.expr);
        return;
      case "TestDecl":
        this.declare(`test:${d.name.name}`, "test", d.name, d);
        for (const b of d.params) {
          this.use(`param:${b.param.name}`, b.param);
          for (const v of b.values) this.expr(v);
        }
        this.use(machineKey(d.main.name), d.main);
        for (const a of d.asserts)
          this.use(this.invariants.has(a.name) ? `invariant:${a.name}` : machineKey(a.name), a);
        for (const m of [...moduleNames(d.machines ?? []), ...d.symmetric]) this.use(machineKey(m.name), m);
        for (const sub of d.substitutions)
          for (const m of [sub.from, sub.to]) this.use(machineKey(m.name), m);
        // `cover (Spec.State)` names a spec and one of its states.
        for (const c of d.covers) {
          this.use(machineKey(c.spec.name), c.spec);
          this.use(stateKey(c.spec.name, c.state.name), c.state);
        }
        for (const f of d.faults) {
          if (f.kind === "DropFault" || f.kind === "DuplicateFault") {
            for (const e of f.events) this.use(eventKey(e.name), e);
          }
          if (f.kind === "CrashFault") this.use(machineKey(f.machine.name), f.machine);
          if ("atMost" in f) this.expr(f.atMost);
        }
        return;
    }
  }

  private machine(d: MachineDecl | SpecDecl): void {
    const name = d.name.name;
    this.declare(machineKey(name), d.kind === "SpecDecl" ? "spec" : "machine", d.name, d);
    if (d.kind === "SpecDecl") for (const e of d.observes) this.use(eventKey(e.name), e);
    const outer = this.owner;
    this.owner = name;
    for (const v of d.vars) {
      this.declare(`var:${name}.${v.name.name}`, "var", v.name, v, name);
      this.type(v.type);
    }
    for (const s of d.states) this.declare(stateKey(name, s.name.name), "state", s.name, s, name);
    for (const f of d.funs) this.fun(f, name);
    for (const s of d.states) this.state(s);
    this.owner = outer;
  }

  private fun(f: FunDecl, owner: string | null): void {
    this.declare(`fun:${owner ?? ""}.${f.name.name}`, "fun", f.name, f, owner);
    for (const p of f.params) {
      this.declare(`local:${p.id}`, "local", p.name, p, owner);
      this.type(p.type);
    }
    if (f.returnType) this.type(f.returnType);
    if (f.body) this.stmt(f.body);
  }

  private state(s: StateDecl): void {
    if (s.entry) this.action(s.entry.action);
    if (s.exit) this.action(s.exit.action);
    for (const item of s.items) this.stateItem(item);
  }

  private stateItem(item: StateItem): void {
    const owner = this.owner ?? "";
    switch (item.kind) {
      case "OnDo":
        for (const e of item.events) this.use(eventKey(e.name), e);
        this.action(item.action);
        return;
      case "OnGoto":
        for (const e of item.events) this.use(eventKey(e.name), e);
        this.use(stateKey(owner, item.target.name), item.target);
        if (item.with) this.action(item.with);
        return;
      case "Defer":
      case "Ignore":
        for (const e of item.events) this.use(eventKey(e.name), e);
        return;
      case "OnTimeoutDo":
        this.timer(item.timer);
        this.action(item.action);
        return;
      case "OnTimeoutGoto":
        this.timer(item.timer);
        this.use(stateKey(owner, item.target.name), item.target);
        if (item.with) this.action(item.with);
        return;
    }
  }

  private timer(id: Ident): void {
    const key = `timer:${this.owner ?? ""}.${id.name}`;
    if (!this.symbols.has(key)) {
      this.symbols.set(key, {
        key,
        kind: "timer",
        name: id.name,
        owner: this.owner,
        node: null,
        span: id.span,
      });
    }
    this.use(key, id);
  }

  private action(a: Action): void {
    if (a.kind === "FunAction") {
      const r = this.tables?.refs.get(a.id);
      if (r?.kind === "fun") this.use(`fun:${r.scope === "machine" ? (r.owner ?? "") : ""}.${r.name}`, a.fun);
      return;
    }
    if (a.param) {
      this.declare(`local:${a.id}`, "local", a.param.name, a, this.owner);
      if (a.param.type) this.type(a.param.type);
    }
    this.stmt(a.body);
  }

  private stmt(s: Stmt): void {
    switch (s.kind) {
      case "Block":
        for (const x of s.stmts) this.stmt(x);
        return;
      case "LocalVar":
        this.declare(`local:${s.id}`, "local", s.name, s, this.owner);
        this.type(s.type);
        return;
      case "Assign":
        this.expr(s.target);
        this.expr(s.value);
        return;
      case "Send":
        this.expr(s.target);
        this.sentEvent(s);
        if (s.payload) this.expr(s.payload);
        return;
      case "Raise":
      case "Announce":
        this.sentEvent(s);
        if (s.payload) this.expr(s.payload);
        return;
      case "Goto":
        this.use(stateKey(this.owner ?? "", s.target.name), s.target);
        if (s.payload) this.expr(s.payload);
        return;
      case "Assert":
        this.expr(s.cond);
        if (s.message) this.expr(s.message);
        return;
      case "If":
        this.expr(s.cond);
        this.stmt(s.then);
        if (s.else) this.stmt(s.else);
        return;
      case "While":
        this.expr(s.cond);
        this.stmt(s.body);
        return;
      case "Foreach":
        this.declare(`local:${s.id}`, "local", s.variable, s, this.owner);
        this.expr(s.iterable);
        this.stmt(s.body);
        return;
      case "Return":
        if (s.value) this.expr(s.value);
        return;
      case "Print":
        this.expr(s.value);
        return;
      case "Receive":
        for (const c of s.cases) {
          for (const e of c.events) this.use(eventKey(e.name), e);
          this.action(c.action);
        }
        return;
      case "StartTimer":
      case "CancelTimer":
        this.timer(s.timer);
        return;
      case "ExprStmt":
        this.expr(s.expr);
        return;
      default:
        return;
    }
  }

  /** The event of send/raise/announce: a declared event, a variable holding one (the checker resolved it), or an expression. */
  private sentEvent(s: Stmt & { kind: "Send" | "Raise" | "Announce" }): void {
    if (s.eventExpr !== undefined) this.expr(s.eventExpr);
    else if (this.tables?.refs.has(s.event.id)) this.expr(eventValueExpr(s.event));
    else this.use(eventKey(s.event.name), s.event);
  }

  private type(t: TypeExpr): void {
    walkAst(t as AnyNode, (n) => {
      if (n.kind !== "NamedType") return;
      const id = (n as TypeExpr & { kind: "NamedType" }).name;
      if (this.machines.has(id.name)) this.use(machineKey(id.name), id);
      else if (this.typeNames.has(id.name)) this.use(`type:${id.name}`, id);
    });
  }

  private expr(e: Expr): void {
    const r = this.tables?.refs.get(e.id);
    switch (e.kind) {
      case "Name":
        if (r?.kind === "local") this.use(`local:${r.decl}`, e.name);
        else if (r?.kind === "self") this.use(`var:${r.owner}.${r.name}`, e.name);
        else if (r?.kind === "param") this.use(`param:${r.name}`, e.name);
        else if (r?.kind === "enumMember") this.use(`enumMember:${r.enumName}.${r.member}`, e.name);
        else if (r?.kind === "event") this.use(eventKey(r.name), e.name);
        return;
      case "Field":
        if (r?.kind === "machineVar") this.use(`var:${r.machine}.${r.variable}`, e.field);
        if (r?.kind === "enumMember") {
          this.use(`enumMember:${r.enumName}.${r.member}`, e.field);
          if (e.target.kind === "Name" && e.target.name.name === r.enumName) {
            this.use(`type:${r.enumName}`, e.target.name);
            return;
          }
        }
        this.expr(e.target);
        return;
      case "TupleIndex":
        this.expr(e.target);
        return;
      case "Index":
        this.expr(e.target);
        this.expr(e.index);
        return;
      case "Call":
        if (r?.kind === "fun")
          this.use(`fun:${r.scope === "machine" ? (r.owner ?? "") : ""}.${r.name}`, e.callee);
        if (e.callee.name === "inflight" && e.args[0]?.kind === "Name") {
          this.use(eventKey(e.args[0].name.name), e.args[0].name);
          for (const a of e.args.slice(1)) this.expr(a);
          return;
        }
        for (const a of e.args) this.expr(a);
        return;
      case "New":
        this.use(machineKey(e.machine.name), e.machine);
        if (e.payload) this.expr(e.payload);
        return;
      case "Choose":
        if (e.arg) this.expr(e.arg);
        return;
      case "Unary":
        this.expr(e.operand);
        return;
      case "Binary": {
        const op = this.tables?.ops.get(e.id);
        this.expr(e.left);
        if (op?.kind === "stateTest" && e.right.kind === "Name") {
          this.use(stateKey(op.machine, op.state), e.right.name);
          return;
        }
        this.expr(e.right);
        return;
      }
      case "Tuple":
      case "SetLit":
      case "SeqLit":
        for (const x of e.elems) this.expr(x);
        return;
      case "NamedTuple":
        for (const f of e.fields) this.expr(f.value);
        return;
      case "Default":
        this.type(e.type);
        return;
      case "Quant":
        for (const b of e.binders) {
          this.declare(`local:${b.id}`, "local", b.name, b, this.owner);
          if (b.machineType) this.use(machineKey(b.machineType.name), b.machineType);
          if (b.collection) this.expr(b.collection);
        }
        this.expr(e.body);
        return;
      case "Paren":
        this.expr(e.expr);
        return;
      case "Cast":
        this.expr(e.expr);
        this.type(e.type);
        return;
      default:
        return;
    }
  }
}

/** The occurrence whose name contains `offset` (or ends right at it). */
export function occurrenceAt(index: SymbolIndex, offset: number): Occurrence | undefined {
  const list = index.occurrences;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.span.start.offset <= offset) lo = mid + 1;
    else hi = mid;
  }
  const o = list[lo - 1];
  return o !== undefined && offset <= o.span.end.offset ? o : undefined;
}
