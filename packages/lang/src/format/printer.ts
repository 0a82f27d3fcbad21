// The `.fl` printer: an AST back to text in the style of the bundled models
// (two-space indentation, one space around binary operators and after commas,
// `{ }` for an empty body). Layout choices that are the author's are kept from
// the source: whether a block is on one line or several, single blank lines
// between items, and a line break at the places where a line may break (after a
// comma, a binary operator, an invariant's ':', a quantifier's '::', before a
// test's 'assert', 'in', 'symmetric' and 'with'). Comments are put back by
// position (comments.ts). Long lines are not re-flowed.
import type {
  Action,
  Decl,
  ModuleExpr,
  EnumDecl,
  Expr,
  FaultDecl,
  Ident,
  MachineDecl,
  NodeBase,
  Program,
  QuantBinder,
  SpecDecl,
  StateDecl,
  StateItem,
  Stmt,
  TestDecl,
  TypeExpr,
  Block,
  EntryDecl,
  ExitDecl,
  VarDecl,
  FunDecl,
} from "../ast.js";
import type { Comment } from "./comments.js";
import { LineWriter } from "./writer.js";

const INDENT = 2;

/** A source range: what the layout decisions look at. */
interface Range {
  start: number;
  end: number;
}

const range = (n: NodeBase): Range => ({ start: n.span.start.offset, end: n.span.end.offset });

type StateMemberNode = StateItem | EntryDecl | ExitDecl;
type MachineMemberNode = VarDecl | StateDecl | FunDecl;

export interface SourceToken {
  start: number;
  image: string;
}

export class Printer {
  private readonly out = new LineWriter();
  private next = 0; // the first comment not yet written

  constructor(
    private readonly text: string,
    private readonly comments: readonly Comment[],
    private readonly tokens: readonly SourceToken[],
  ) {}

  // ---------------------------------------------------------------- source layout

  private hasNewline(from: number, to: number): boolean {
    const i = this.text.indexOf("\n", from);
    return i >= 0 && i < to;
  }

  /** A blank line right before `offset` (only whitespace between it and the previous text). */
  private blankBefore(offset: number): boolean {
    let newlines = 0;
    for (let i = offset - 1; i >= 0; i--) {
      const c = this.text[i];
      if (c === "\n") newlines++;
      else if (c !== " " && c !== "\t" && c !== "\r") break;
    }
    return newlines >= 2;
  }

  /** The index of the first token that starts at or after `from`. */
  private tokenIndex(from: number): number {
    let lo = 0;
    let hi = this.tokens.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.tokens[mid]!.start < from) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The offset of the first token `image` at or after `from`. */
  private tokenAfter(from: number, image: string): number {
    for (let i = this.tokenIndex(from); i < this.tokens.length; i++)
      if (this.tokens[i]!.image === image) return this.tokens[i]!.start;
    return from;
  }

  /** The offset of the first token at or after `from` (the text's length when none). */
  private nextToken(from: number): number {
    return this.tokens[this.tokenIndex(from)]?.start ?? this.text.length;
  }

  /** The offset of the last token `image` before `to`. */
  private tokenBefore(to: number, image: string): number {
    for (let i = this.tokenIndex(to) - 1; i >= 0; i--)
      if (this.tokens[i]!.image === image) return this.tokens[i]!.start;
    return to;
  }

  // ---------------------------------------------------------------- comments

  private pending(before: number): Comment | undefined {
    const c = this.comments[this.next];
    return c !== undefined && c.start < before ? c : undefined;
  }

  /** Comments before `offset` inside a line: a line comment ends the line. */
  private inlineComments(offset: number): void {
    for (let c = this.pending(offset); c; c = this.pending(offset)) {
      this.next++;
      const atStart = this.out.atLineStart;
      const base = this.out.indent;
      this.out.space();
      this.out.comment(c.text, c.block);
      if (c.block) this.out.space();
      else this.out.break(atStart ? base : base + INDENT);
    }
  }

  /** Comments before `offset` at the start of a line, each on its own line. */
  private leadingComments(offset: number, indent: number): void {
    for (let c = this.pending(offset); c; c = this.pending(offset)) {
      this.next++;
      if (this.blankBefore(c.start)) this.out.blank();
      this.out.comment(c.text, c.block);
      const after = this.pending(offset);
      if (c.block && after && !this.hasNewline(c.end, after.start)) this.out.space();
      else this.out.break(indent);
    }
  }

  /** Comments inside an item not yet written, and those after it on its last line; then the line ends. */
  private trailingComments(end: number, indent: number): void {
    for (let c = this.pending(end); c; c = this.pending(end)) {
      this.next++;
      if (this.out.afterLineComment) this.out.break(indent);
      this.out.space();
      this.out.comment(c.text, c.block);
    }
    this.sameLineComments(end, this.nextToken(end), indent);
    this.out.break(indent);
  }

  /**
   * A line break between `from` and `to` that the output keeps: a newline
   * outside comments, or a line comment still to be written (it ends a line).
   */
  private lineBreakIn(from: number, to: number): boolean {
    let at = from;
    for (let i = this.next; i < this.comments.length; i++) {
      const c = this.comments[i]!;
      if (c.start >= to) break;
      if (!c.block) return true;
      if (c.start >= at && this.hasNewline(at, c.start)) return true;
      at = Math.max(at, c.end);
    }
    return this.hasNewline(at, to);
  }

  /** Comments before `before` on the line where the source text `from` ends, written on the current line. */
  private sameLineComments(from: number, before: number, indent: number): void {
    let end = from;
    for (let c = this.pending(before); c && !this.hasNewline(end, c.start); c = this.pending(before)) {
      this.next++;
      if (this.out.afterLineComment) this.out.break(indent);
      this.out.space();
      this.out.comment(c.text, c.block);
      end = c.end;
    }
  }

  /**
   * Between two parts of a construct started at indentation `base`: a line
   * break (indented one step) where the source has one, a space otherwise.
   */
  private gap(prevEnd: number, nextStart: number, base: number): void {
    if (!this.lineBreakIn(prevEnd, nextStart)) {
      this.out.space();
      this.inlineComments(nextStart);
      return;
    }
    this.sameLineComments(prevEnd, nextStart, base + INDENT);
    this.out.break(base + INDENT);
    for (let c = this.pending(nextStart); c; c = this.pending(nextStart)) {
      this.next++;
      this.out.comment(c.text, c.block);
      if (c.block) this.out.space();
      else this.out.break(base + INDENT);
    }
  }

  /** `a, b, c` with the source's line breaks after commas. */
  private list<T>(items: readonly T[], rangeOf: (t: T) => Range, print: (t: T) => void, base: number): void {
    items.forEach((item, i) => {
      const r = rangeOf(item);
      if (i > 0) {
        this.out.write(",");
        this.gap(rangeOf(items[i - 1]!).end, r.start, base);
      } else {
        this.inlineComments(r.start);
      }
      print(item);
    });
  }

  private idents(ids: readonly Ident[], base: number): void {
    this.list(ids, range, (id) => this.out.write(id.name), base);
  }

  /**
   * `{ ... }` from the offset of `{` to the offset of `}`: on one line when
   * the source has it on one line, else one item per line.
   */
  private body<T extends NodeBase>(
    open: number,
    close: number,
    items: readonly T[],
    print: (t: T) => void,
    separator = "",
  ): void {
    this.inlineComments(open);
    this.out.write("{");
    const last = items.length - 1;
    if (!this.hasNewline(open, close)) {
      items.forEach((item, i) => {
        this.out.space();
        this.inlineComments(item.span.start.offset);
        print(item);
        if (i < last) this.out.write(separator);
      });
      this.inlineComments(close);
      this.out.space();
      this.out.write("}");
      return;
    }
    if (items.length === 0 && this.pending(close) === undefined) {
      this.out.write(" }");
      return;
    }
    const outer = this.out.indent;
    const inner = outer + INDENT;
    // Comments on the line of `{` stay there.
    this.sameLineComments(open, this.nextToken(open + 1), inner);
    this.out.break(inner);
    this.out.openBlock();
    items.forEach((item, i) => {
      const r = range(item);
      this.leadingComments(r.start, inner);
      if (this.blankBefore(r.start)) this.out.blank();
      print(item);
      let end = r.end;
      if (i < last && separator !== "") {
        this.out.write(separator);
        end = this.tokenAfter(r.end, separator) + separator.length;
      }
      this.trailingComments(end, inner);
    });
    this.leadingComments(close, inner);
    this.out.break(outer);
    this.out.write("}");
  }

  // ---------------------------------------------------------------- program

  program(p: Program): string {
    for (const d of p.decls) {
      const r = range(d);
      this.leadingComments(r.start, 0);
      if (this.blankBefore(r.start)) this.out.blank();
      this.decl(d);
      this.trailingComments(r.end, 0);
    }
    this.leadingComments(Number.POSITIVE_INFINITY, 0);
    return this.out.finish();
  }

  private decl(d: Decl): void {
    const base = this.out.indent;
    switch (d.kind) {
      case "EnumDecl":
        this.enumDecl(d);
        return;
      case "TypeAliasDecl":
        this.out.write(`type ${d.name.name} = `);
        this.type(d.type);
        this.out.write(";");
        return;
      case "EventDecl":
        this.out.write(`event ${d.name.name}`);
        if (d.payload) {
          this.out.write(": ");
          this.type(d.payload);
        }
        this.out.write(";");
        return;
      case "ModuleDecl":
        this.out.write(`module ${d.name.name} = ${moduleText(d.expr)};`);
        return;
      case "ParamDecl":
        this.out.write(`param ${d.name.name}: `);
        this.type(d.type);
        this.out.write(";");
        return;
      case "MachineDecl":
      case "SpecDecl":
        this.machine(d);
        return;
      case "FunDecl":
        this.fun(d);
        return;
      case "InvariantDecl":
        this.out.write(`${d.reachable ? "reachable" : "invariant"} ${d.name.name}:`);
        this.gap(d.name.span.end.offset, d.expr.span.start.offset, base);
        this.expr(d.expr);
        this.out.write(";");
        return;
      case "TestDecl":
        this.test(d);
        return;
    }
  }

  private enumDecl(d: EnumDecl): void {
    this.out.write(`enum ${d.name.name} `);
    const open = this.tokenAfter(d.name.span.end.offset, "{");
    this.body(open, d.span.end.offset - 1, d.members, (m) => this.out.write(m.name), ",");
  }

  private machine(d: MachineDecl | SpecDecl): void {
    const base = this.out.indent;
    let headerEnd = d.name.span.end.offset;
    if (d.kind === "SpecDecl") {
      this.out.write(`spec ${d.name.name} observes `);
      this.idents(d.observes, base);
      headerEnd = d.observes.at(-1)?.span.end.offset ?? headerEnd;
    } else {
      this.out.write(`machine ${d.name.name}`);
    }
    this.out.write(" ");
    const members: MachineMemberNode[] = [...d.vars, ...d.states, ...d.funs];
    members.sort((a, b) => a.span.start.offset - b.span.start.offset);
    const open = this.tokenAfter(headerEnd, "{");
    this.body(open, d.span.end.offset - 1, members, (m) => this.member(m));
  }

  private member(m: MachineMemberNode): void {
    if (m.kind === "VarDecl") {
      this.out.write(`${m.durable ? "durable " : ""}var ${m.name.name}: `);
      this.type(m.type);
      this.out.write(";");
    } else if (m.kind === "StateDecl") {
      this.state(m);
    } else {
      this.fun(m);
    }
  }

  private fun(f: FunDecl): void {
    const base = this.out.indent;
    this.out.write(`${f.foreign ? "foreign " : ""}fun ${f.name.name}(`);
    this.list(
      f.params,
      range,
      (p) => {
        this.out.write(`${p.name.name}: `);
        this.type(p.type);
      },
      base,
    );
    this.out.write(")");
    if (f.returnType) {
      this.out.write(": ");
      this.type(f.returnType);
    }
    if (f.body && !f.foreign) {
      this.out.write(" ");
      this.block(f.body);
    } else {
      this.out.write(";");
    }
  }

  private state(s: StateDecl): void {
    const start = s.isStart ? "start " : "";
    const temperature = s.temperature ? `${s.temperature} ` : "";
    this.out.write(`${start}${temperature}state ${s.name.name} `);
    const members: StateMemberNode[] = [...s.items];
    if (s.entry) members.push(s.entry);
    if (s.exit) members.push(s.exit);
    members.sort((a, b) => a.span.start.offset - b.span.start.offset);
    const open = this.tokenAfter(s.name.span.end.offset, "{");
    this.body(open, s.span.end.offset - 1, members, (m) => this.stateMember(m));
  }

  private stateMember(m: StateMemberNode): void {
    const base = this.out.indent;
    switch (m.kind) {
      case "Entry":
      case "Exit":
        this.out.write(m.kind === "Entry" ? "entry" : "exit");
        this.action(m.action);
        return;
      case "OnDo":
        this.out.write("on ");
        this.idents(m.events, base);
        this.out.write(" do");
        this.action(m.action);
        return;
      case "OnGoto":
        this.out.write("on ");
        this.idents(m.events, base);
        this.out.write(` goto ${m.target.name}`);
        this.gotoTail(m.with);
        return;
      case "OnTimeoutDo":
        this.out.write(`on timeout ${m.timer.name} do`);
        this.action(m.action);
        return;
      case "OnTimeoutGoto":
        this.out.write(`on timeout ${m.timer.name} goto ${m.target.name}`);
        this.gotoTail(m.with);
        return;
      case "Defer":
      case "Ignore":
        this.out.write(m.kind === "Defer" ? "defer " : "ignore ");
        this.idents(m.events, base);
        this.out.write(";");
        return;
    }
  }

  private gotoTail(action: Action | null): void {
    if (action === null) {
      this.out.write(";");
      return;
    }
    this.out.write(" with");
    this.action(action);
  }

  /** ` { ... }`, ` (x: T) { ... }` or ` Fun;` */
  private action(a: Action): void {
    this.out.write(" ");
    this.inlineComments(a.span.start.offset);
    if (a.kind === "FunAction") {
      this.out.write(`${a.fun.name};`);
      return;
    }
    if (a.param) {
      this.out.write(`(${a.param.name.name}`);
      if (a.param.type) {
        this.out.write(": ");
        this.type(a.param.type);
      }
      this.out.write(") ");
    }
    this.block(a.body);
  }

  private test(t: TestDecl): void {
    const base = this.out.indent;
    this.out.write("test ");
    if (t.params.length > 0) {
      this.out.write("param (");
      this.list(
        t.params,
        range,
        (b) => {
          this.out.write(`${b.param.name} in [`);
          this.list(b.values, range, (v) => this.expr(v), base);
          this.out.write("]");
        },
        base,
      );
      this.out.write(") ");
      if (t.wise !== null) {
        this.out.write("(");
        this.expr(t.wise);
        this.out.write(" wise) ");
      }
      if (t.assume !== null) {
        this.out.write("assume (");
        this.expr(t.assume);
        this.out.write(") ");
      }
    }
    this.out.write(`${t.name.name} [main = ${t.main.name}]`);
    let end = this.tokenAfter(t.main.span.end.offset, "]") + 1;
    if (t.asserts.length > 0) {
      this.out.write(":");
      this.gap(end, this.tokenAfter(end, "assert"), base);
      this.out.write("assert ");
      this.idents(t.asserts, this.out.indent);
      end = t.asserts.at(-1)!.span.end.offset;
    }
    if (t.covers.length > 0) {
      this.gap(end, this.tokenAfter(end, "cover"), base);
      this.out.write("cover (");
      this.out.write(t.covers.map((c) => `${c.spec.name}.${c.state.name}`).join(", "));
      this.out.write(")");
      end = this.tokenAfter(t.covers.at(-1)!.span.end.offset, ")") + 1;
    }
    const clause = (keyword: string, ids: readonly Ident[]): void => {
      this.gap(end, this.tokenAfter(end, keyword), base);
      this.out.write(`${keyword} (`);
      this.idents(ids, this.out.indent);
      this.out.write(")");
      end = this.tokenAfter(ids.at(-1)!.span.end.offset, ")") + 1;
    };
    if (t.machines !== null && t.machines.length > 0) {
      this.gap(end, this.tokenAfter(end, "in"), base);
      this.out.write(`in (${t.machines.map(moduleText).join(", ")})`);
      end = this.tokenAfter(t.machines.at(-1)!.span.end.offset, ")") + 1;
    }
    if (t.symmetric.length > 0) clause("symmetric", t.symmetric);
    if (t.substitutions.length > 0) {
      this.gap(end, this.tokenAfter(end, "with"), base);
      this.out.write(`with { ${t.substitutions.map((s) => `${s.from.name} -> ${s.to.name}`).join(", ")} }`);
      end = this.tokenAfter(t.substitutions.at(-1)!.span.end.offset, "}") + 1;
    }
    if (t.faults.length > 0) {
      const withAt = this.tokenAfter(end, "with");
      this.gap(end, withAt, base);
      this.out.write("with faults ");
      const open = this.tokenAfter(withAt, "{");
      const close = this.tokenBefore(t.span.end.offset, "}");
      this.body(open, close, t.faults, (f) => this.fault(f));
    }
    this.out.write(";");
  }

  private fault(f: FaultDecl): void {
    const base = this.out.indent;
    switch (f.kind) {
      case "DropFault":
      case "DuplicateFault":
        this.out.write(f.kind === "DropFault" ? "drop" : "duplicate");
        if (f.events.length > 0) {
          this.out.write(" ");
          this.idents(f.events, base);
        }
        this.out.write(" at most ");
        this.expr(f.atMost);
        break;
      case "ReorderFault":
        this.out.write("reorder");
        break;
      case "CrashFault":
        this.out.write(`crash ${f.machine.name} at most `);
        this.expr(f.atMost);
        if (f.restart) this.out.write(" then restart");
        break;
      case "PartitionFault":
        this.out.write("partition at most ");
        this.expr(f.atMost);
        break;
    }
    this.out.write(";");
  }

  // ---------------------------------------------------------------- types

  private type(t: TypeExpr): void {
    const base = this.out.indent;
    this.inlineComments(t.span.start.offset);
    switch (t.kind) {
      case "NamedType":
        this.out.write(t.name.name);
        return;
      case "TupleType":
        this.out.write("(");
        this.list(t.elems, range, (e) => this.type(e), base);
        this.out.write(t.elems.length === 1 ? ",)" : ")");
        return;
      case "NamedTupleType":
        this.out.write("(");
        this.list(
          t.fields,
          (f) => ({ start: f.name.span.start.offset, end: f.type.span.end.offset }),
          (f) => {
            this.out.write(`${f.name.name}: `);
            this.type(f.type);
          },
          base,
        );
        this.out.write(")");
        return;
      case "SeqType":
      case "SetType":
        this.out.write(t.kind === "SeqType" ? "seq[" : "set[");
        this.type(t.elem);
        this.out.write("]");
        return;
      case "MapType":
        this.out.write("map[");
        this.type(t.key);
        this.out.write(", ");
        this.type(t.value);
        this.out.write("]");
        return;
    }
  }

  // ---------------------------------------------------------------- statements

  private block(b: Block): void {
    this.body(b.span.start.offset, b.span.end.offset - 1, b.stmts, (s) => this.stmt(s));
  }

  private stmt(s: Stmt): void {
    const base = this.out.indent;
    const payload = (after: NodeBase, p: Expr | null): void => {
      if (p) {
        this.out.write(",");
        this.gap(after.span.end.offset, p.span.start.offset, base);
        this.expr(p);
      }
      this.out.write(";");
    };
    switch (s.kind) {
      case "Block":
        this.block(s);
        return;
      case "LocalVar":
        this.out.write(`var ${s.name.name}: `);
        this.type(s.type);
        this.out.write(";");
        return;
      case "Assign":
        this.expr(s.target);
        this.out.write(` ${s.op}`);
        this.gap(s.target.span.end.offset, s.value.span.start.offset, base);
        this.expr(s.value);
        this.out.write(";");
        return;
      case "Send": {
        this.out.write("send ");
        this.expr(s.target);
        this.out.write(",");
        const event = s.eventExpr ?? s.event;
        this.gap(s.target.span.end.offset, event.span.start.offset, base);
        if (s.eventExpr) this.expr(s.eventExpr);
        else this.out.write(s.event.name);
        payload(event, s.payload);
        return;
      }
      case "Raise":
      case "Announce":
        this.out.write(`${s.kind === "Raise" ? "raise" : "announce"} `);
        if (s.eventExpr) this.expr(s.eventExpr);
        else this.out.write(s.event.name);
        payload(s.eventExpr ?? s.event, s.payload);
        return;
      case "Goto":
        this.out.write(`goto ${s.target.name}`);
        payload(s.target, s.payload);
        return;
      case "Assert":
        this.out.write("assert ");
        this.expr(s.cond);
        payload(s.cond, s.message);
        return;
      case "Print":
        this.out.write("print ");
        this.expr(s.value);
        this.out.write(";");
        return;
      case "Receive": {
        this.out.write("receive ");
        const open = this.tokenAfter(s.span.start.offset, "{");
        this.body(open, s.span.end.offset - 1, s.cases, (c) => {
          this.out.write("case ");
          this.idents(c.events, this.out.indent);
          this.out.write(":");
          this.action(c.action);
        });
        return;
      }
      case "Halt":
      case "Break":
      case "Continue":
        this.out.write(`${s.kind.toLowerCase()};`);
        return;
      case "If":
        this.out.write("if (");
        this.expr(s.cond);
        this.out.write(") ");
        this.block(s.then);
        if (s.else) {
          this.out.write(" else ");
          if (s.else.kind === "If") this.stmt(s.else);
          else this.block(s.else);
        }
        return;
      case "While":
        this.out.write("while (");
        this.expr(s.cond);
        this.out.write(") ");
        this.block(s.body);
        return;
      case "Foreach":
        this.out.write(`foreach (${s.variable.name} in `);
        this.expr(s.iterable);
        this.out.write(") ");
        this.block(s.body);
        return;
      case "Return":
        this.out.write("return");
        if (s.value) {
          this.out.write(" ");
          this.expr(s.value);
        }
        this.out.write(";");
        return;
      case "StartTimer":
        this.out.write(`start timer ${s.timer.name};`);
        return;
      case "CancelTimer":
        this.out.write(`cancel timer ${s.timer.name};`);
        return;
      case "ExprStmt":
        this.expr(s.expr);
        this.out.write(";");
        return;
    }
  }

  // ---------------------------------------------------------------- expressions

  private exprs(items: readonly Expr[], base: number): void {
    this.list(items, range, (e) => this.expr(e), base);
  }

  private expr(e: Expr): void {
    this.inlineComments(e.span.start.offset);
    const base = this.out.indent;
    switch (e.kind) {
      case "IntLit":
        this.out.write(String(e.value));
        return;
      case "BoolLit":
        this.out.write(String(e.value));
        return;
      case "StringLit":
        this.out.write(this.text.slice(e.span.start.offset, e.span.end.offset));
        return;
      case "Name":
        this.out.write(e.name.name);
        return;
      case "This":
        this.out.write("this");
        return;
      case "Nondet":
        this.out.write("$");
        return;
      case "Field":
        this.expr(e.target);
        this.out.write(`.${e.field.name}`);
        return;
      case "TupleIndex":
        this.expr(e.target);
        this.out.write(`.${e.index}`);
        return;
      case "Index":
        this.expr(e.target);
        this.out.write("[");
        this.expr(e.index);
        this.out.write("]");
        return;
      case "Call":
        this.out.write(`${e.callee.name}(`);
        this.exprs(e.args, base);
        this.out.write(")");
        return;
      case "New":
        this.out.write(`new ${e.machine.name}(`);
        if (e.payload) this.payload(e.payload, base);
        this.out.write(")");
        return;
      case "Choose":
        this.out.write("choose(");
        if (e.arg) this.expr(e.arg);
        this.out.write(")");
        return;
      case "Default":
        this.out.write("default(");
        this.type(e.type);
        this.out.write(")");
        return;
      case "Unary":
        this.out.write(e.op);
        this.expr(e.operand);
        return;
      case "Cast":
        // Comments (and line breaks) stay on their side of `as`.
        this.expr(e.expr);
        this.gap(e.expr.span.end.offset, e.keyword.span.start.offset, base);
        this.out.write("as");
        this.gap(e.keyword.span.end.offset, e.type.span.start.offset, base);
        this.type(e.type);
        return;
      case "Binary":
        this.binary(e, base);
        return;
      case "Paren":
        this.out.write("(");
        this.expr(e.expr);
        this.out.write(")");
        return;
      case "Tuple":
      case "NamedTuple":
        this.out.write("(");
        this.payload(e, base);
        this.out.write(")");
        return;
      case "SetLit":
        this.out.write("{");
        this.exprs(e.elems, base);
        this.out.write("}");
        return;
      case "SeqLit":
        this.out.write("[");
        this.exprs(e.elems, base);
        this.out.write("]");
        return;
      case "Quant": {
        this.out.write(`${e.quantifier} `);
        this.list(e.binders, range, (b) => this.binder(b), base);
        this.out.write(" ::");
        const last = e.binders.at(-1);
        this.gap(last ? last.span.end.offset : e.span.start.offset, e.body.span.start.offset, base);
        this.expr(e.body);
        return;
      }
    }
  }

  /**
   * `a || b`. A line break before the operator starts the next line with it
   * (indented one step unless the expression starts its line); one after the
   * operator leaves it at the end of the line.
   */
  private binary(e: Expr & { kind: "Binary" }, base: number): void {
    const startsLine = this.out.atLineStart;
    this.expr(e.left);
    const leftEnd = e.left.span.end.offset;
    const opAt = this.tokenAfter(leftEnd, e.op);
    if (this.hasNewline(leftEnd, opAt)) {
      this.gap(leftEnd, opAt, startsLine ? base - INDENT : base);
      this.out.write(e.op);
      this.gap(opAt, e.right.span.start.offset, base);
    } else {
      this.out.write(` ${e.op}`);
      this.gap(leftEnd, e.right.span.start.offset, base);
    }
    this.expr(e.right);
  }

  /** The inside of `( ... )`: a tuple's elements (`a,` for one), a named tuple's fields, or one expression. */
  private payload(e: Expr, base: number): void {
    if (e.kind === "Tuple") {
      this.exprs(e.elems, base);
      if (e.elems.length === 1) this.out.write(",");
    } else if (e.kind === "NamedTuple") {
      this.list(
        e.fields,
        (f) => ({ start: f.name.span.start.offset, end: f.value.span.end.offset }),
        (f) => {
          this.out.write(`${f.name.name} = `);
          this.expr(f.value);
        },
        base,
      );
    } else {
      this.expr(e);
    }
  }

  private binder(b: QuantBinder): void {
    this.out.write(b.name.name);
    if (b.machineType) this.out.write(`: ${b.machineType.name}`);
    else if (b.collection) {
      this.out.write(" in ");
      this.expr(b.collection);
    }
  }
}

/** A module expression on one line: `A`, `{ A, B }`, `union M1, { C }`. */
function moduleText(e: ModuleExpr): string {
  if (e.kind === "ModuleName") return e.name.name;
  if (e.kind === "ModuleSet")
    return e.members.length === 0 ? "{}" : `{ ${e.members.map((m) => m.name).join(", ")} }`;
  return `union ${e.parts.map(moduleText).join(", ")}`;
}
