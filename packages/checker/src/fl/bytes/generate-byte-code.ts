// IR -> JavaScript that runs a delivery's handler on a state's encoding
// (ADR 0015, step 1): reads and writes at the offsets of the machine's
// variables through byte-run.ts and state-bytes.ts, instead of on the object
// runtime's copy-on-write values. The same statements, in the same order,
// with the same integer arithmetic as the object runtime's generated code
// (lang/src/codegen/generate-bodies.ts); what that code does by throwing a
// RuntimeFault, this code does by handing the delivery over (byte-run.ts).
//
// It covers a subset of the language, and says where a program leaves it
// (`ByteCode` is then `{ ok: false }` with the construct and its span): the
// variables of every machine and asserted spec monitor are scalars (int,
// bool, enum, machine), sequences and sets of them, or maps from scalars to
// scalars (read, written, removed, `in`, iterated over their keys); payloads are a scalar
// or a tuple of scalars; handlers are `do`, `goto` and `ignore`, with timers
// and their timeout handlers, and the entries and exits of the states code
// may go to; statements are locals, assignments, insertions and removals,
// sends, `goto`, timers, `if`, `while`, `foreach`, `return`, `break`,
// `continue`, `assert` and calls, over scalar expressions, `choose` of an
// int, a bool or from a collection, `in`, `sizeof`, sequence indexing and
// `m in S`; ADR 0015's "Step 1, as built" has the full list. Monitors are
// compiled as owners after the machine types. Invariants are compiled when
// they are quantifiers over machines of such expressions and `m in S`;
// others are evaluated on the decoded state (null in `invariants`).
import {
  fieldsInTypeOrder,
  findForkSite,
  type ForkSite,
  type IrAction,
  type IrBinder,
  type IrExpr,
  type IrFun,
  type IrMachine,
  type IrProgram,
  type IrSpec,
  type IrStmt,
  someIrNode,
  type Span,
  type Type,
} from "@faultline/lang";
import { flRuntime, type Value } from "../lang-codegen.js";
import { type ByteRun, HAND_OVER, TRANSFER, WORK_LIMIT } from "./byte-run.js";
import { type FixedOwner, type FixedSlot, Slot } from "./fixed-layout.js";
import { FixedOps } from "./fixed-run.js";
import { arityOf, ScalarKind, type TupleField, type VarLayout } from "./state-bytes.js";
import * as bytes from "./state-bytes.js";

export type ByteAction = (x: ByteRun) => void;
/** An action's rest from its fork statement, with the chosen value and the locals saved there. */
export type ByteResume = (x: ByteRun, chosen: number, locals: readonly unknown[]) => void;
/** An invariant on the bytes of a state (from offset 0). */
export type ByteInvariant = (b: Uint8Array) => boolean;

/**
 * The code of a program's machine types and of the test's spec monitors. An
 * "owner" is a machine type (by IrProgram.machines index) or, after them, a
 * monitor (by its position in the test's asserted specs): the tables below
 * that say "by machine type" take monitors at index machines + position.
 */
export interface ByteProgram {
  /** By owner: its variables' layouts, slot by slot (a tuple variable has a slot per field). */
  layouts: VarLayout[][];
  /** By owner, slot: the variable (its index in the owner's `vars`) the slot belongs to. */
  slotVars: number[][];
  /** By machine type: it has timers, whose armed set (a varint of bits) follows its state in the encoding. */
  timed: boolean[];
  /**
   * By machine type: the layouts of the fields of the constructor payload it
   * keeps, after its armed timers and before its variables, in a test where
   * machines may restart (codec.ts); none elsewhere.
   */
  kept: VarLayout[][];
  /** By machine type, state index, timer index (IrMachine.timers): the compiled timeout action (`do`, or a `goto`'s `with`). */
  timeouts: (ByteAction | undefined)[][][];
  /** As `resumes`, for timeout actions. */
  timeoutResumes: (ByteResume | undefined)[][][];
  /** By machine type, state index, event index: the compiled `do` action. */
  actions: (ByteAction | undefined)[][][];
  /**
   * By machine type, state index, event index: the action's rest after its
   * fork (lang's fork-site.ts), when it has one: the run stops there once
   * (ByteRun.fork) and goes on from the saved bytes once per value.
   */
  resumes: (ByteResume | undefined)[][][];
  /** By position in IrProgram.invariants: compiled, or null (evaluated on the decoded state). */
  invariants: (ByteInvariant | null)[];
  /** What compiled invariants read the state with (its `stamp` lets one parse serve them all). */
  invariantBytes: { stamp: number; scratchStamp: number };
  /** By event index: the layouts of its payload's fields in a message (a scalar payload is one field; none, none). */
  payloads: VarLayout[][];
  /**
   * By event index: its payload holds a collection (`payloads` then says how
   * to skip it). Code does not read such a payload: its deliveries are the
   * object runtime's, and code that sends one is handed over.
   */
  opaque: boolean[];
  /**
   * The code left to the object runtime, each with why: a handler, entry,
   * exit or function outside the subset runs as a hand-over (each delivery
   * that reaches it is the object runtime's from its start), not the whole program.
   */
  handedOver: HandedOver[];
  /**
   * By machine type and state index: the entry action, for the states some
   * compiled code may go to (their payload, if any, in ByteRun.gp); a state's
   * entry at a machine's creation runs on the object runtime, with the
   * initial states.
   */
  entries: (ByteAction | undefined)[][];
  /** By machine type and state index: the exit action of a machine type whose code may goto. */
  exits: (ByteAction | undefined)[][];
  /**
   * By machine type: its start state's entry as a restart runs it
   * (ByteRun.restart), with the constructor payload the machine kept: its
   * scalar fields in ByteRun.gp, at their positions among `kept`; a field
   * that is a collection is read where it lies, as the running machine's
   * slot `restartSlot(nVars, i)`. Undefined for a type that does not
   * restart or whose start state has no entry.
   */
  restartEntries: (ByteAction | undefined)[];
}

/**
 * The variable index under which a restart entry reads field `i` of the kept
 * constructor payload when that field is a collection: past the machine's
 * `nVars` variable slots (ByteProgram.layouts) and the channel section's
 * offset (ByteRun.vo[nVars]).
 */
export function restartSlot(nVars: number, i: number): number {
  return nVars + 1 + i;
}

export type ByteCode = { ok: true; program: ByteProgram } | { ok: false; reason: string; span: Span | null };

/**
 * Code the object runtime runs (ByteProgram.handedOver): where, why, and
 * whether it handles an opaque event (a payload with collections, which no
 * code here reads) or only restarts run it: a start entry as restarts run
 * it (ByteProgram.restartEntries), or code that only such entries need (a
 * restart ran on the object runtime before restarts ran on the bytes, so
 * handing it over costs no more than then).
 */
export interface HandedOver {
  where: string;
  reason: string;
  opaqueEvent: boolean;
  restartEntry: boolean;
}

class Unsupported extends Error {
  constructor(
    readonly reason: string,
    readonly span: Span | null,
  ) {
    super(reason);
  }
}

/**
 * The layouts of a kept constructor payload of type `t` as consecutive
 * fields (a tuple's, flattened; else one), or null when the bytes do not
 * store one. Unlike a message's fields (ByteCodegen.fields, scalars read
 * into locals), a kept payload is only skipped and copied, so collections
 * and nested tuples are fine.
 */
function keptFields(ir: IrProgram, t: Type): VarLayout[] | null {
  const parts = tupleParts(t);
  if (parts !== null) {
    const fields: VarLayout[] = [];
    for (const part of parts) {
      const more = keptFields(ir, part);
      if (more === null) return null;
      fields.push(...more);
    }
    return fields;
  }
  const layout = varLayout(ir, t);
  return layout === null ? null : [layout];
}

/** Two layouts store values the same way (a value of one is, byte for byte, a value of the other). */
function sameLayout(a: VarLayout, b: VarLayout): boolean {
  return (
    a.collection === b.collection &&
    a.kind === b.kind &&
    a.bool === b.bool &&
    (a.value === null ? b.value === null : b.value !== null && a.value.kind === b.value.kind) &&
    JSON.stringify(a.fields) === JSON.stringify(b.fields)
  );
}

/** A tuple type's field types in order, or null for a type that is not a tuple. */
function tupleParts(t: Type): readonly Type[] | null {
  return t.kind === "tuple" ? t.elems : t.kind === "namedTuple" ? t.fields.map((f) => f.type) : null;
}

/** The layouts of a tuple of scalars' fields (one level deep), or null for any other type. */
function tupleScalars(ir: IrProgram, t: Type): VarLayout[] | null {
  const parts = tupleParts(t);
  if (parts === null || parts.length === 0) return null;
  const layouts = parts.map((part) => varLayout(ir, part));
  return layouts.every((l) => l !== null && !l.collection) ? (layouts as VarLayout[]) : null;
}

/** The layout of a variable of type `t`, or null when the byte back end does not store it. */
export function varLayout(ir: IrProgram, t: Type): VarLayout | null {
  const scalar = scalarOf(ir, t);
  if (scalar !== null) return { collection: false, ...scalar, value: null, fields: null, set: false };
  if ((t.kind === "seq" || t.kind === "set") && t.elem !== undefined) {
    const set = t.kind === "set";
    const elem = scalarOf(ir, t.elem);
    if (elem !== null) return { collection: true, ...elem, value: null, fields: null, set };
    // A tuple of scalars: its fields in order.
    const fields = tupleScalars(ir, t.elem);
    if (fields !== null)
      return {
        ...fields[0]!,
        collection: true,
        oneByte: false,
        fields: fields.map((f) => ({ kind: f.kind, bool: f.bool })),
        set,
      };
  }
  if (t.kind === "map") {
    const key = scalarOf(ir, t.key);
    const value = scalarOf(ir, t.value);
    if (key !== null && value !== null)
      return {
        collection: true,
        ...key,
        value: { kind: value.kind, bool: value.bool },
        fields: null,
        set: false,
      };
  }
  return null;
}

function scalarOf(ir: IrProgram, t: Type): { kind: ScalarKind; bool: boolean; oneByte: boolean } | null {
  switch (t.kind) {
    case "int":
      return { kind: ScalarKind.Int, bool: false, oneByte: false };
    case "bool":
      return { kind: ScalarKind.Plain, bool: true, oneByte: true };
    case "enum": {
      const members = ir.enums.find((e) => e.name === t.name)?.members.length ?? Number.POSITIVE_INFINITY;
      return { kind: ScalarKind.Plain, bool: false, oneByte: members < 0x80 };
    }
    case "machine":
      return { kind: ScalarKind.Id, bool: false, oneByte: false };
    default:
      return null;
  }
}

/** The program's code for the byte back end, or where it leaves the subset this back end takes. */
export function generateByteCode(
  ir: IrProgram,
  params: readonly Value[],
  specs: readonly IrSpec[] = [],
  /**
   * By machine type: a crashed machine of the type may restart (its start
   * state's entry is compiled for it). Where any may, every machine keeps its
   * constructor payload in its part (codec.ts).
   */
  restarts: readonly boolean[] = [],
  /**
   * For the fixed-width layout (fixed-model.ts): what the compiled invariants
   * read states through, and the slots of each owner, which the code reads
   * and writes in place of the run's methods where it can (FixedOps).
   */
  fixed?: { reader: (shape: ReaderShape) => InvariantBytes; owners: readonly FixedOwner[] },
): ByteCode {
  try {
    return { ok: true, program: new ByteCodegen(ir, params, specs, restarts, fixed ?? null).program() };
  } catch (e) {
    if (e instanceof Unsupported) return { ok: false, reason: e.reason, span: e.span };
    throw e;
  }
}

/** Where a variable's bytes are: the running machine's own (`self`) or another machine's, in an invariant. */
interface Scope {
  machine: IrMachine | null;
  locals: Set<string>;
  /** Locals that are a tuple payload, kept as one JavaScript local per field: their field counts. */
  tuples: Map<string, number>;
  /** A JavaScript expression for the offset of variable slot k (ByteProgram.layouts) of machine `target` (invariants), or of the running machine (null target). */
  varAt: (k: number, machine: IrMachine, target: string | null) => string;
  buf: string;
  /** In an invariant: the names bound to machines by its quantifiers. */
  invariant: boolean;
  /** In an action (a handler's, entry's or exit's), where a goto returns; in a machine function it throws TRANSFER to the action. */
  inAction?: boolean;
  /**
   * Locals that are a collection read where it lies, read only: a restart
   * entry's kept payload (or a collection field of it, as `name$i`), read as
   * the running machine's variable `k` (restartSlot); or, in an invariant's
   * function, a collection parameter (k -1), whose offset the caller passed.
   */
  collectionLocals?: Map<string, CollectionLocal>;
}

/** Scope.collectionLocals' entries: the variable index that reads it (-1: none), its offset's expression, its layout. */
interface CollectionLocal {
  k: number;
  offset: string;
  layout: VarLayout;
}

class ByteCodegen {
  private readonly out: string[] = [];
  /** By owner: its variables' slots' layouts (a tuple variable has one per field). */
  private readonly layouts: VarLayout[][];
  /** By owner, variable: its first slot, and for a tuple its number of fields (0: one slot, not a tuple). */
  private readonly slots: { first: number; fields: number }[][];
  /** By owner, slot: the variable it belongs to (ByteProgram.slotVars). */
  private readonly slotVars: number[][];
  /** The names of the functions generated or queued (f_type_index, g_index and gm_index: one per function and caller kind). */
  private readonly funs = new Set<string>();
  private readonly pending: { machine: IrMachine; fun: IrFun; name: string; where: string }[] = [];

  private readonly timed: boolean[];
  private readonly kept: VarLayout[][];

  /** A spec monitor's code: it runs inside a machine's send (ByteRun.observe), on its own variables and payloads. */
  private isMonitor(owner: IrMachine): boolean {
    return owner.index >= this.ir.machines.length;
  }

  /** Machine types, then the asserted spec monitors as owners of the same shape (their index: machines + position). */
  private readonly owners: IrMachine[];

  constructor(
    private readonly ir: IrProgram,
    private readonly params: readonly Value[],
    specs: readonly IrSpec[],
    private readonly restarts: readonly boolean[],
    private readonly fixed: {
      reader: (shape: ReaderShape) => InvariantBytes;
      owners: readonly FixedOwner[];
    } | null,
  ) {
    const keepsPayloads = restarts.some((r) => r);
    const monitors = specs.map(
      (spec, i): IrMachine => ({
        name: spec.name,
        index: ir.machines.length + i,
        vars: spec.vars,
        states: spec.states,
        startState: spec.startState,
        payload: null,
        funs: spec.funs,
        timers: [],
        receives: [],
        span: spec.span,
      }),
    );
    this.owners = [...ir.machines, ...monitors];
    this.timed = this.owners.map((m) => m.timers.length > 0);
    this.kept = this.owners.map((m) => {
      if (!keepsPayloads || m.payload === null) return [];
      const fields = keptFields(ir, m.payload);
      if (fields === null)
        throw new Unsupported(
          `${m.name}'s constructor payload of type ${typeText(m.payload)}, kept for restarts, which the bytes do not store`,
          m.span,
        );
      return fields;
    });
    // A variable is one slot, or a tuple of scalars one slot per field (the codec writes its fields
    // one after another, as it would consecutive variables): `slots` says where each variable's are.
    this.slots = this.owners.map(() => []);
    this.slotVars = this.owners.map(() => []);
    this.layouts = this.owners.map((m, owner) => {
      const layouts: VarLayout[] = [];
      m.vars.forEach((v, k) => {
        const layout = varLayout(ir, v.type);
        // A tuple of scalars, one level: a nested tuple's fields would not be one slot each.
        const parts = layout !== null ? [layout] : tupleScalars(ir, v.type);
        if (parts === null)
          throw new Unsupported(
            `${m.name}.${v.name} of type ${typeText(v.type)}, which the bytes do not store`,
            v.span,
          );
        this.slots[owner]!.push({ first: layouts.length, fields: layout === null ? parts.length : 0 });
        for (const part of parts) {
          layouts.push(part);
          this.slotVars[owner]!.push(k);
        }
      });
      return layouts;
    });
  }

  program(): ByteProgram {
    const ir = this.ir;
    for (const e of ir.events) {
      this.opaque[e.index] = false;
      if (e.payload === null) {
        this.payloads[e.index] = [];
        continue;
      }
      try {
        this.payloads[e.index] = this.fields(e.payload, e.span);
      } catch (err) {
        // A payload with collections: skipped in the channels, its deliveries handed over.
        const kept = keptFields(ir, e.payload);
        if (!(err instanceof Unsupported) || kept === null) throw err;
        this.payloads[e.index] = kept;
        this.opaque[e.index] = true;
      }
    }
    const actionNames: (string | undefined)[][][] = this.owners.map((m) => {
      if (m.receives.length > 0) throw new Unsupported(`a receive (${m.name})`, m.receives[0]!.span);
      return m.states.map((s) => {
        const names: (string | undefined)[] = new Array(ir.events.length).fill(undefined);
        for (const h of s.handlers) {
          const ev = ir.events.find((e) => e.name === h.event)!.index;
          const name = `h_${m.index}_${s.index}_${ev}`;
          const where = `${m.name}.${s.name} on ${h.event}`;
          if (h.kind === "goto") {
            // The event's payload goes to the target's entry (ByteModel copies ByteRun.p to gp).
            const target = this.stateIndex(m, h.target, h.span);
            const compiled = this.orHandOver(
              name,
              where,
              () => {
                const param = m.states[target]!.entry?.param ?? null;
                if (param !== null && this.fields(param.type, h.span).length !== this.payloads[ev]!.length)
                  throw new Unsupported(
                    `on ${h.event} goto ${h.target} with a payload its entry does not take`,
                    h.span,
                  );
                this.needEntry(m, target);
                if (h.with !== null) this.action(name, h.with, m, "x.p", !this.isMonitor(m));
              },
              this.opaque[ev],
            );
            if (compiled && h.with === null) continue;
          } else
            this.orHandOver(
              name,
              where,
              () => this.action(name, h.action, m, "x.p", !this.isMonitor(m)),
              this.opaque[ev],
            );
          names[ev] = name;
        }
        return names;
      });
    });
    const timeoutNames: (string | undefined)[][][] = this.owners.map((m) =>
      m.states.map((s) => {
        const names: (string | undefined)[] = new Array(m.timers.length).fill(undefined);
        for (const h of s.timeouts) {
          const t = m.timers.indexOf(h.timer);
          const name = `t_${m.index}_${s.index}_${t}`;
          const where = `${m.name}.${s.name} on timeout ${h.timer}`;
          if (h.kind === "goto") {
            const target = this.stateIndex(m, h.target, h.span);
            const compiled = this.orHandOver(name, where, () => {
              if ((m.states[target]!.entry?.param ?? null) !== null)
                throw new Unsupported(
                  `on timeout ${h.timer} goto ${h.target}, whose entry takes a payload`,
                  h.span,
                );
              this.needEntry(m, target);
              if (h.with !== null) this.action(name, h.with, m, "x.p", true);
            });
            if (compiled && h.with === null) continue;
          } else this.orHandOver(name, where, () => this.action(name, h.action, m, "x.p", true));
          names[t] = name;
        }
        return names;
      }),
    );
    // Machine functions, the entries of the states code may go to, and the exits of the states of a
    // machine type whose code may goto (a goto leaves its state): each may need more of the others.
    const exitsMade = new Set<number>();
    this.drain(exitsMade);
    // A restart runs its machine's start entry with the constructor payload it kept (ByteRun.restart),
    // made last: what it needs that no other code did is then code only restarts run (HandedOver.restartEntry).
    this.restartsOnly = true;
    const restartEntries = this.ir.machines.map((m) => this.restartEntry(m));
    this.drain(exitsMade);
    const resumesOf = (names: (string | undefined)[][][]) =>
      names.map((states) =>
        states.map((list) =>
          list.map((n) => (n !== undefined && this.resumable.has(n) ? `r_${n}` : undefined)),
        ),
      );
    const byState = (prefix: string) =>
      `[${this.owners.map((m) => `[${m.states.map((_s, i) => (this.made.has(`${prefix}_${m.index}_${i}`) ? `${prefix}_${m.index}_${i}` : "undefined")).join(", ")}]`).join(", ")}]`;
    const invariantNames = ir.invariants.map((inv, i) => {
      const name = `inv_${i}`;
      try {
        const scope: Scope = {
          machine: null,
          locals: new Set(),
          tuples: new Map(),
          varAt: (k, m, target) => `I.varAt(b, ${target}, ${m.index}, ${k})`,
          buf: "b",
          invariant: true,
        };
        this.out.push(`function ${name}(b) { I.parse(b); ${this.invariantBody(inv.expr, scope)} }`);
        return name;
      } catch (e) {
        if (e instanceof Unsupported) return null;
        throw e;
      }
    });
    const table = (names: (string | null | undefined)[]) =>
      `[${names.map((n) => n ?? "undefined").join(", ")}]`;
    const nested = (names: (string | undefined)[][][]) =>
      `[${names.map((states) => `[${states.map(table).join(", ")}]`).join(", ")}]`;
    const source = [
      "const { uintAt, fromRaw } = B;",
      "const zigzag = (v) => ((v << 1) ^ (v >> 31)) >>> 0;",
      ...this.out,
      `return { timeouts: ${nested(timeoutNames)}, timeoutResumes: ${nested(resumesOf(timeoutNames))}, entries: ${byState("e")}, exits: ${byState("x")}, actions: ${nested(actionNames)}, resumes: ${nested(actionNames.map((states) => states.map((names) => names.map((n) => (n !== undefined && this.resumable.has(n) ? `r_${n}` : undefined)))))}, invariants: ${table(invariantNames.map((n) => n ?? "null"))}, restartEntries: ${table(restartEntries)} };`,
    ].join("\n");
    const shape: ReaderShape = {
      layouts: this.layouts,
      timed: this.timed,
      kept: this.kept,
      machineTypes: this.ir.machines.length,
      payloads: this.payloads,
    };
    const invariantBytes = this.fixed?.reader(shape) ?? new InvariantBytes(shape);
    const made = new Function("B", "rt", "I", "T", "F", source)(
      bytes,
      flRuntime,
      invariantBytes,
      TRANSFER,
      FixedOps,
    ) as Omit<
      ByteProgram,
      "layouts" | "payloads" | "timed" | "kept" | "opaque" | "handedOver" | "invariantBytes" | "slotVars"
    >;
    return {
      slotVars: this.slotVars,
      invariantBytes,
      layouts: this.layouts,
      timed: this.timed,
      kept: this.kept,
      payloads: this.payloads,
      opaque: this.opaque,
      handedOver: this.handedOver,
      ...made,
    };
  }

  /**
   * Generates the queued machine functions and entries, and the exits of
   * the machine types whose code may goto and whose exits `exitsMade` does
   * not hold yet, until nothing is queued (each may queue more).
   */
  private drain(exitsMade: Set<number>): void {
    for (;;) {
      if (this.pending.length === 0 && this.pendingEntries.length === 0) {
        const m = this.owners.find((o) => this.goesTo.has(o.index) && !exitsMade.has(o.index));
        if (m === undefined) break;
        exitsMade.add(m.index);
        m.states.forEach((s, i) => {
          const name = `x_${m.index}_${i}`;
          const exit = s.exit;
          if (exit !== null)
            this.orHandOver(name, `${m.name}.${s.name}'s exit`, () =>
              this.action(name, exit, m, "x.gp", false),
            );
        });
        continue;
      }
      const entry = this.pendingEntries.pop();
      if (entry !== undefined) {
        const { machine, state } = entry;
        const action = machine.states[state]!.entry;
        const name = `e_${machine.index}_${state}`;
        if (action !== null)
          this.orHandOver(name, `${machine.name}.${machine.states[state]!.name}'s entry`, () =>
            this.action(name, action, machine, "x.gp", false),
          );
        continue;
      }
      const { machine, fun, name, where } = this.pending.pop()!;
      this.orHandOver(name, where, () => {
        if (fun.body === null) throw new Unsupported(`the foreign function ${fun.name}`, fun.span);
        // Scalar parameters, and tuples of scalars passed as their fields.
        const tuples = new Map<string, number>();
        for (const p of fun.params) {
          const fields = this.fields(p.type, fun.span);
          if (p.type.kind === "tuple" || p.type.kind === "namedTuple") tuples.set(p.name, fields.length);
        }
        if (fun.returnType.kind !== "void") this.scalarType(fun.returnType, fun.span);
        this.function(
          name,
          fun.params.map((p) => p.name),
          fun.body,
          machine,
          null,
          tuples,
        );
      });
    }
  }

  /** Code made now is only run by restarts (restartEntry and what it needs): its hand-overs are tagged so. */
  private restartsOnly = false;

  /** By event index: ByteProgram.opaque. */
  private readonly opaque: boolean[] = [];
  /** ByteProgram.handedOver. */
  private readonly handedOver: HandedOver[] = [];

  /**
   * Generates code `name` with `make`, or where the code leaves the subset,
   * a function of that name that hands its run over (declared after what
   * `make` may have written of it, so it is the one that counts); says which.
   */
  private orHandOver(name: string, where: string, make: () => void, opaqueEvent = false): boolean {
    try {
      make();
      return true;
    } catch (e) {
      if (!(e instanceof Unsupported)) throw e;
      this.forking = null;
      this.resumable.delete(name);
      this.made.add(name);
      this.out.push(`function ${name}(x) { x.handOver(); }`);
      const at = e.span ? ` (${e.span.file}:${e.span.start.line}:${e.span.start.col})` : "";
      this.handedOver.push({
        where,
        reason: `${e.reason}${at}`,
        opaqueEvent,
        restartEntry: this.restartsOnly,
      });
      return false;
    }
  }

  /** Entries to compile: of the states some compiled code may go to. */
  private readonly pendingEntries: { machine: IrMachine; state: number }[] = [];
  private readonly entriesNeeded = new Set<string>();
  /** Machine types whose compiled code may goto: their exits are compiled. */
  private readonly goesTo = new Set<number>();
  /** Names of the functions generated. */
  private readonly made = new Set<string>();

  /**
   * The start entry of machine type `m` as its restarts run it (s_<type>;
   * ByteProgram.restartEntries), or undefined when it does not restart or
   * has no entry. Its payload is the kept constructor payload (`kept`): one
   * value, or a tuple of them; each scalar read from ByteRun.gp, each
   * collection where it lies (Scope.collectionLocals).
   */
  private restartEntry(m: IrMachine): string | undefined {
    if (!this.restarts[m.index]) return undefined;
    const start = m.states[this.stateIndex(m, m.startState, m.span)]!;
    const action = start.entry;
    if (action === null) return undefined;
    const name = `s_${m.index}`;
    this.orHandOver(name, `${m.name}.${start.name}'s entry, as a restart runs it`, () => {
      const kept = this.kept[m.index]!;
      const param = action.param;
      const tuples = new Map<string, number>();
      const collectionLocals = new Map<string, CollectionLocal>();
      const prologue: string[] = [];
      if (param !== null) {
        const fieldTypes = tupleParts(param.type);
        const tuple = fieldTypes !== null;
        const parts = fieldTypes ?? [param.type];
        // One kept field per part: nested tuples are flattened in `kept`, which this does not follow.
        if (parts.length !== kept.length || parts.some((x) => tupleParts(x) !== null))
          throw new Unsupported(`a constructor payload of type ${typeText(param.type)}`, action.span);
        if (tuple) tuples.set(param.name, kept.length);
        const nVars = this.layouts[m.index]!.length;
        kept.forEach((f, i) => {
          const local = tuple ? `${param.name}$${i}` : param.name;
          const k = restartSlot(nVars, i);
          if (f.collection) collectionLocals.set(local, { k, offset: `x.vo[${k}]`, layout: f });
          else prologue.push(`let l_${local} = ${f.bool ? `(x.gp[${i}] !== 0)` : `x.gp[${i}]`};`);
        });
      }
      this.function(
        name,
        param === null ? [] : [param.name],
        action.body,
        m,
        prologue,
        tuples,
        collectionLocals,
      );
    });
    return name;
  }

  private needEntry(machine: IrMachine, state: number): void {
    this.goesTo.add(machine.index);
    const key = `${machine.index}.${state}`;
    if (this.entriesNeeded.has(key)) return;
    this.entriesNeeded.add(key);
    this.pendingEntries.push({ machine, state });
  }

  private stateIndex(machine: IrMachine, name: string, span: Span): number {
    const i = machine.states.findIndex((s) => s.name === name);
    if (i < 0) throw new Unsupported(`the state ${name}`, span);
    return i;
  }

  /** By event index: its payload's fields (ByteProgram.payloads). */
  private readonly payloads: VarLayout[][] = [];

  /** The fields a payload of type `t` has in a message: one scalar, or a tuple's scalars. */
  private fields(t: Type, span: Span): VarLayout[] {
    return (tupleParts(t) ?? [t]).map((p) => this.scalarType(p, span));
  }

  /**
   * The JavaScript locals of a .fl local: one, or for the action's payload
   * when it is a tuple, one per field (`l_v$0`, ...: the tuple is never built).
   */
  private jsLocals(name: string, scope: Scope): string[] {
    const fields = scope.tuples.get(name);
    return fields === undefined ? [`l_${name}`] : Array.from({ length: fields }, (_, i) => `l_${name}$${i}`);
  }

  /** Constant sets and layouts hoisted so far ($set0, $layout1, ...). */
  private constants = 0;

  /** A tuple element's fields as a constant of the generated code (for the tuple operations). */
  private fieldsConstant(fields: readonly TupleField[]): string {
    const name = `$fields${this.constants++}`;
    this.out.push(`const ${name} = ${JSON.stringify(fields)};`);
    return name;
  }

  /** Tuple `e`'s fields as an array of their raw varints (runtime order: field by field), for a tuple operation. */
  private tupleRaws(e: IrExpr, fields: readonly TupleField[], scope: Scope): string {
    const values = this.payloadFields(e, fields.length, scope);
    return `[${values.map((v, i) => (fields[i]!.bool ? `((${v}) ? 1 : 0)` : rawOf(fields[i]!.kind, v))).join(", ")}]`;
  }

  /**
   * Text `e` (a `print`'s) whose making cannot fail: string literals and
   * string params, `str` and `format` (of a literal format: the compiler
   * checked its placeholders) of scalars read without a failure, and `+` of
   * such texts. Its length at most, and the work the object runtime spends
   * making it at most (runtime.ts `format` spends its format's and its
   * result's lengths; a string `+` spends nothing, counted here as both
   * operands' lengths, which only hands a run over sooner); anything else
   * is Unsupported, and the `print` is handed over.
   */
  private printWork(e: IrExpr): { length: number; work: number } {
    const constant = this.constantString(e);
    if (constant !== null) return { length: constant.length, work: 0 };
    if (e.kind === "str") {
      if (e.arg.type.kind === "string") return this.printWork(e.arg);
      return { length: this.textLength(e.arg), work: 0 };
    }
    if (e.kind === "format" && e.format.kind === "string") {
      const args = e.args.map((a) =>
        a.type.kind === "string" ? this.printWork(a) : { length: this.textLength(a), work: 0 },
      );
      const longest = Math.max(1, ...args.map((a) => a.length));
      // Each character of the format makes at most one argument's text.
      const length = e.format.value.length * longest;
      return { length, work: e.format.value.length + length + args.reduce((n, a) => n + a.work, 0) };
    }
    if (e.kind === "binary" && e.op === "+" && e.type.kind === "string") {
      const l = this.printWork(e.left);
      const r = this.printWork(e.right);
      return { length: l.length + r.length, work: l.work + r.work + l.length + r.length };
    }
    throw new Unsupported("a print of text that is not only literals, str and format of scalars", e.span);
  }

  /** The longest text of scalar `e` (value-view.ts), which it reads without a failure; else Unsupported. */
  private textLength(e: IrExpr): number {
    if (!infallibleScalar(e)) throw new Unsupported("a print of a value whose reading may fail", e.span);
    const t = e.type;
    switch (t.kind) {
      case "int":
        return 11;
      case "bool":
        return 5;
      case "enum":
        return Math.max(
          0,
          ...(this.ir.enums.find((x) => x.name === t.name)?.members ?? ["?"]).map((m) => m.length),
        );
      case "machine":
        // `Type(k)`, or `null`.
        return Math.max(4, ...this.ir.machines.map((m) => m.name.length)) + 12;
      default:
        throw new Unsupported(`a print of a value of type ${typeText(t)}`, e.span);
    }
  }

  /** `layout` as a constant of the generated code (for InvariantBytes.elements). */
  private layoutConstant(layout: VarLayout): string {
    const name = `$layout${this.constants++}`;
    this.out.push(`const ${name} = ${JSON.stringify(layout)};`);
    return name;
  }

  /** Handlers that have a fork site, by name: `r_<name>` resumes them. */
  private readonly resumable = new Set<string>();
  /** The fork site of the action being generated, and the choose's value once its statement is being generated. */
  private forking: { site: ForkSite; value: string | null } | null = null;

  /**
   * An action: a handler's (its payload in ByteRun.p; with a fork site, also
   * its resume function, as lang's generate-bodies.ts makes them), or an
   * entry's or exit's (its payload in ByteRun.gp; entries do not fork: the
   * object runtime arms only a handler's run).
   */
  private action(
    name: string,
    action: IrAction,
    machine: IrMachine,
    payload: "x.p" | "x.gp" | "x.mp" | "x.mgp",
    forks: boolean,
  ): void {
    const site = forks ? findForkSite(action) : null;
    const param = action.param;
    // A monitor's payloads: the observed message's (ByteRun.mp) and its gotos' (mgp).
    if (this.isMonitor(machine)) payload = payload === "x.p" ? "x.mp" : "x.mgp";
    // The payload, read from the message by the byte model (ByteRun.p): each field a local.
    const tuples = new Map<string, number>();
    const prologue: string[] = [];
    if (param !== null) {
      const fields = this.fields(param.type, action.span);
      const tuple = param.type.kind === "tuple" || param.type.kind === "namedTuple";
      if (tuple) tuples.set(param.name, fields.length);
      fields.forEach((f, i) => {
        const local = tuple ? `l_${param.name}$${i}` : `l_${param.name}`;
        prologue.push(`let ${local} = ${f.bool ? `(${payload}[${i}] !== 0)` : `${payload}[${i}]`};`);
      });
    }
    const locals = param === null ? [] : [param.name];
    if (site === null) {
      this.function(name, locals, action.body, machine, prologue, tuples);
      return;
    }
    this.forking = { site, value: null };
    this.function(name, locals, action.body, machine, prologue, tuples);
    this.resumable.add(name);
    // The rest from the fork statement: each level's locals from $locals, in a block of its own,
    // then the statement with the chosen value, then the statements after it, level by level outwards.
    this.forking.value = this.chosenValue(site);
    const scope: Scope = {
      machine,
      locals: new Set(),
      tuples,
      varAt: (k) => `x.vo[${k}]`,
      buf: "x.s.buf",
      invariant: false,
      inAction: true,
    };
    let slot = 0;
    const level = (depth: number, outer: Scope): string[] => {
      const { list, at, locals } = site.levels[depth]!;
      const inner: Scope = { ...outer, locals: new Set(outer.locals) };
      const out: string[] = [];
      for (const local of locals) {
        if (!tuples.has(local.name)) this.scalarType(local.type, action.span);
        inner.locals.add(local.name);
        for (const js of this.jsLocals(local.name, inner)) out.push(`let ${js} = $locals[${slot++}];`);
      }
      if (depth === site.levels.length - 1) {
        if (site.choose.mode === "collection") out.push(`const $from = $locals[${slot++}];`);
        this.stmt(site.stmt, inner, out);
      } else out.push("{", ...level(depth + 1, inner), "}");
      for (const s of list.slice(at + 1)) this.stmt(s, inner, out);
      return out;
    };
    const body = level(0, scope);
    this.out.push(`function r_${name}(x, $chosen, $locals) {\n${body.join("\n")}\n}`);
    this.made.add(`r_${name}`);
    this.forking = null;
  }

  /** What the fork's choose yields from the index chosen. */
  private chosenValue(site: ForkSite): string {
    if (site.choose.mode === "bool" || site.choose.arg === null) return "($chosen === 1)";
    if (site.choose.mode === "int") return "$chosen";
    return "$from[$chosen]";
  }

  /**
   * A function of the running machine: a handler's action (its payload's
   * locals made by `prologue`, none as parameters) or a machine function
   * (its parameters as JavaScript parameters).
   */
  private function(
    name: string,
    locals: string[],
    body: IrStmt[],
    machine: IrMachine,
    prologue: string[] | null = null,
    tuples: Map<string, number> = new Map(),
    collectionLocals?: Map<string, CollectionLocal>,
  ): void {
    const scope: Scope = {
      machine,
      locals: new Set(locals),
      tuples,
      ...(collectionLocals !== undefined ? { collectionLocals } : {}),
      varAt: this.isMonitor(machine) ? (k) => `x.mvo[${k}]` : (k) => `x.vo[${k}]`,
      buf: "x.s.buf",
      invariant: false,
      inAction: prologue !== null,
    };
    const lines: string[] = [];
    for (const s of body) this.stmt(s, scope, lines);
    const params =
      prologue === null ? locals.flatMap((p) => this.jsLocals(p, scope).map((l) => `, ${l}`)).join("") : "";
    this.made.add(name);
    this.out.push(
      `function ${name}(x${params}) {\nx.tick();\n${[...(prologue ?? []), ...lines].join("\n")}\n}`,
    );
  }

  private scalarType(t: Type, span: Span | null): VarLayout {
    const layout = varLayout(this.ir, t);
    if (layout === null || layout.collection) throw new Unsupported(`a value of type ${typeText(t)}`, span);
    return layout;
  }

  // ---------------------------------------------------------------- statements

  /**
   * Writes a message of event `ev` into the run's message buffer (ByteRun.msgBegin,
   * msgField): the payload's fields, each into a temporary first (a field may call a
   * function that sends), for a send or an announce to go on with.
   */
  private message(ev: number, payload: IrExpr | null, scope: Scope, out: string[]): void {
    const layouts = this.payloads[ev]!;
    const fields = payload === null ? [] : this.payloadFields(payload, layouts.length, scope);
    fields.forEach((f, i) => {
      out.push(`const $f${i} = ${f};`);
    });
    out.push(`x.msgBegin(${ev});`);
    layouts.forEach((l, i) => {
      out.push(`x.msgField(${l.bool ? `$f${i} ? 1 : 0` : rawOf(l.kind, `$f${i}`)});`);
    });
  }

  private stmt(s: IrStmt, scope: Scope, out: string[]): void {
    const forking = this.forking;
    if (forking !== null && s === forking.site.stmt && forking.value === null) {
      // The choose moves to the start of its statement (fork-site.ts says when that changes nothing):
      // its count, the fork with the locals in scope, a return when the run forked.
      const choose = forking.site.choose;
      const locals = forking.site.levels.flatMap((l) =>
        l.locals.flatMap((x) => this.jsLocals(x.name, scope)),
      );
      let count: string;
      if (choose.mode === "collection" && choose.arg !== null) {
        // The collection as a value, kept with the locals (generate-bodies.ts's $chosenFrom).
        out.push(`const $from = ${this.collectionValue(choose.arg, scope)};`);
        locals.push("$from");
        count = "$from.length";
      } else count = choose.mode === "bool" || choose.arg === null ? "2" : this.expr(choose.arg, scope);
      out.push(`const $chosen = x.fork(${count}, [${locals.join(", ")}]);`, "if ($chosen < 0) return;");
      forking.value = this.chosenValue(forking.site);
      this.stmt(s, scope, out);
      return;
    }
    // An invariant's function reads: no statement that acts (sends, gotos, timers, asserts, writes to variables).
    if (scope.invariant && !INVARIANT_STATEMENTS.has(s.kind))
      throw new Unsupported(
        `${/^[aeiou]/.test(s.kind) ? "an" : "a"} ${s.kind} statement in an invariant`,
        s.span,
      );
    switch (s.kind) {
      case "local": {
        const layout = this.scalarType(s.type, s.span);
        scope.locals.add(s.name);
        out.push(`let l_${s.name} = ${layout.bool ? "false" : s.type.kind === "machine" ? "-1" : "0"};`);
        return;
      }
      case "assign": {
        const t = s.target;
        if (t.kind === "var" && t.scope === "local") {
          out.push(`l_${t.name} = ${this.expr(s.value, scope)};`);
          return;
        }
        if (t.kind === "var" && t.scope === "self") {
          const tuple = scope.machine === null ? null : this.slotOf(scope.machine, t.name);
          if (tuple !== null && tuple.fields > 0) {
            // A tuple variable: its fields' values first (as the runtime builds the tuple), then each slot.
            const values = this.payloadFields(s.value, tuple.fields, scope);
            out.push("{");
            values.forEach((v, i) => {
              out.push(`const $t${i} = ${v};`);
            });
            const layouts = this.layouts[scope.machine!.index]!;
            values.forEach((_v, i) => {
              const k = tuple.first + i;
              const layout = layouts[k]!;
              out.push(
                layout.bool
                  ? `x.s.buf[${scope.varAt(k, scope.machine!, null)}] = $t${i} ? 1 : 0;`
                  : `x.setVar(${k}, ${rawOf(layout.kind, `$t${i}`)});`,
              );
            });
            out.push("}");
            return;
          }
          const { k, layout } = this.selfVar(t.name, scope, s.span);
          if (layout.collection) {
            // A collection local of the same layout (a restart entry's payload): its bytes copied.
            const from = this.collectionLocal(s.value, scope);
            if (from !== null && sameLayout(from.layout, layout)) {
              out.push(`x.copyCollection(${k}, ${from.k}, ${layout.value !== null}, ${arityOf(layout)});`);
              return;
            }
            // A set or sequence written out: its elements, then the variable rewritten whole.
            scalarElements(layout, s.span);
            if (layout.value !== null || (s.value.kind !== "setLit" && s.value.kind !== "seqLit"))
              throw new Unsupported("an assignment of a whole collection", s.span);
            const values = this.collectionValue(s.value, scope);
            out.push(
              `x.setCollection(${k}, ${layout.bool ? `${values}.map((v) => (v ? 1 : 0))` : values}, ${layout.kind});`,
            );
            return;
          }
          const v = this.expr(s.value, scope);
          // The value first: its code may move or grow the bytes (a function that writes a variable).
          if (layout.bool)
            out.push(`{ const $v = (${v}) ? 1 : 0; x.s.buf[${scope.varAt(k, scope.machine!, null)}] = $v; }`);
          else out.push(`x.setVar(${k}, ${rawOf(layout.kind, v)});`);
          return;
        }
        if (t.kind === "index" && t.collection === "map") {
          // `m[k] = v`: the key, then the value, as the object runtime evaluates them.
          const { k, layout } = this.selfCollection(t.target, scope, s.span);
          this.noCall(t.index);
          this.noCall(s.value);
          out.push(
            `{ const $k = ${numberOf(layout, this.expr(t.index, scope))}; ${this.mapPut(k, layout, "$k", s.value, scope)} }`,
          );
          return;
        }
        if (t.kind === "index" && t.collection === "seq") {
          const { k, layout } = this.selfCollection(t.target, scope, s.span);
          scalarElements(layout, s.span);
          this.noCall(t.index);
          this.noCall(s.value);
          const index = this.expr(t.index, scope);
          const value = numberOf(layout, this.expr(s.value, scope));
          const slot = this.fixedSlot(scope, k);
          out.push(
            slot !== null && layout.oneByte
              ? `F.setSeqByte(x, x.s.buf, ${scope.varAt(k, scope.machine!, null)}, ${index}, ${value});`
              : layout.oneByte
                ? `x.seqSetByte(${k}, ${index}, ${value});`
                : `x.seqSet(${k}, ${index}, ${value}, ${layout.kind});`,
          );
          return;
        }
        throw new Unsupported("an assignment to this target", s.span);
      }
      case "insert":
      case "remove": {
        const { k, layout } = this.selfCollection(s.target, scope, s.span);
        this.noCall(s.value);
        if (s.collection === "map") {
          if (s.kind === "remove") {
            out.push(`x.mapRemove(${k}, ${numberOf(layout, this.expr(s.value, scope))}, ${layout.kind});`);
            return;
          }
          if (s.value.kind !== "tuple" || s.value.elems.length !== 2)
            throw new Unsupported("an insertion of a computed pair", s.span);
          const [key, v] = s.value.elems as [IrExpr, IrExpr];
          out.push(
            `{ const $k = ${numberOf(layout, this.expr(key, scope))}; ${this.mapPut(k, layout, "$k", v, scope)} }`,
          );
          return;
        }
        const tuple = layout.fields;
        if (s.collection === "set") {
          if (tuple !== null) {
            // A tuple: its fields' raw varints, in order (the object runtime builds it, then adds or removes it).
            const raws = this.tupleRaws(s.value, tuple, scope);
            const op = s.kind === "insert" ? "setAddTuple" : "setRemoveTuple";
            out.push(`x.${op}(${k}, ${raws}, ${this.fieldsConstant(tuple)});`);
            return;
          }
          const v = numberOf(layout, this.expr(s.value, scope));
          const slot = this.fixedSlot(scope, k);
          if (slot?.kind === Slot.SetMask) {
            const op = s.kind === "insert" ? "maskAdd" : "maskRemove";
            const p = scope.varAt(k, scope.machine!, null);
            out.push(`F.${op}(x, x.s.buf, ${p}, ${slot.width}, ${bitExpression(layout.kind, v)});`);
            return;
          }
          out.push(`x.${s.kind === "insert" ? "setAdd" : "setRemove"}(${k}, ${v}, ${layout.kind});`);
        } else if (s.kind === "remove") {
          out.push(`x.seqRemove(${k}, ${this.expr(s.value, scope)}, ${arityOf(layout)});`);
        } else {
          if (s.value.kind !== "tuple" || s.value.elems.length !== 2)
            throw new Unsupported("an insertion of a computed pair", s.span);
          const [i, v] = s.value.elems as [IrExpr, IrExpr];
          if (tuple !== null) {
            out.push(
              `{ const i = ${this.expr(i, scope)}; x.seqInsertTuple(${k}, i, ${this.tupleRaws(v, tuple, scope)}); }`,
            );
            return;
          }
          // The pair's elements in order, as the object runtime builds the pair before inserting.
          out.push(
            `{ const i = ${this.expr(i, scope)}; x.seqInsert(${k}, i, ${numberOf(layout, this.expr(v, scope))}, ${layout.kind}); }`,
          );
        }
        return;
      }
      case "send": {
        if (s.eventValue !== undefined) throw new Unsupported("a send of an event value", s.span);
        const ev = this.ir.events.find((e) => e.name === s.event)!.index;
        if (s.payload === null) {
          out.push(`x.send(${this.expr(s.target, scope)}, ${ev});`);
          return;
        }
        // As the object runtime: the target, then the payload's fields, then the message.
        out.push("{", `const $to = ${this.expr(s.target, scope)};`);
        this.message(ev, s.payload, scope, out);
        out.push("x.msgSend($to);", "}");
        return;
      }
      case "announce": {
        // To the spec monitors that observe the event, as a send is; nothing is sent (executor.ts announce).
        if (s.eventValue !== undefined) throw new Unsupported("an announce of an event value", s.span);
        if (this.isMonitor(scope.machine!)) throw new Unsupported("an announce in a spec monitor", s.span);
        const ev = this.ir.events.find((e) => e.name === s.event)!.index;
        out.push("{");
        this.message(ev, s.payload, scope, out);
        out.push("x.msgAnnounce();", "}");
        return;
      }
      case "goto": {
        const machine = scope.machine!;
        const target = this.stateIndex(machine, s.state, s.span);
        const param = machine.states[target]!.entry?.param ?? null;
        if ((param === null) !== (s.payload === null))
          throw new Unsupported("a goto whose payload its entry does not take", s.span);
        this.needEntry(machine, target);
        out.push("{");
        const layouts = param === null ? [] : this.fields(param.type, s.span);
        const fields = s.payload === null ? [] : this.payloadFields(s.payload, layouts.length, scope);
        fields.forEach((f, i) => {
          out.push(`const $g${i} = ${f};`);
        });
        const monitor = this.isMonitor(machine);
        layouts.forEach((l, i) => {
          out.push(`x.${monitor ? "mgp" : "gp"}[${i}] = ${l.bool ? `$g${i} ? 1 : 0` : `$g${i}`};`);
        });
        out.push(`x.${monitor ? "mgoto" : "goto"}(${target});`, scope.inAction ? "return;" : "throw T;", "}");
        return;
      }
      case "foreach": {
        // Over the collection as it is when the loop starts (the object runtime iterates that value).
        let elements: string;
        let layout: VarLayout;
        if (scope.invariant) {
          const found = this.collection(s.iterable, scope, s.span);
          layout = found.layout;
          elements =
            layout.fields !== null
              ? `I.tupleElements(b, ${found.at.offset}, ${this.fieldsConstant(layout.fields)})`
              : `I.elements(b, ${found.at.offset}, ${this.layoutConstant(layout)})`;
        } else {
          const found = this.readCollection(s.iterable, scope, s.span);
          layout = found.layout;
          elements =
            layout.fields !== null
              ? `x.tupleElements(${found.k}, ${this.fieldsConstant(layout.fields)})`
              : this.elements(found.k, layout);
        }
        const inner: Scope = { ...scope, locals: new Set([...scope.locals, s.variable]) };
        const tick = scope.invariant ? "I.tick();" : "x.tick();";
        const fields = layout.fields;
        if (fields !== null) {
          // Each element a tuple local, one JavaScript local per field (as a tuple payload is).
          inner.tuples = new Map([...scope.tuples, [s.variable, fields.length]]);
          out.push(`{ const $t = ${elements};`, `for (let $i = 0; $i < $t.length; $i += ${fields.length}) {`);
          fields.forEach((f, i) => {
            out.push(`let l_${s.variable}$${i} = ${f.bool ? `$t[$i + ${i}] !== 0` : `$t[$i + ${i}]`};`);
          });
          out.push(tick);
          for (const b of s.body) this.stmt(b, inner, out);
          out.push("} }");
          return;
        }
        out.push(
          `for (const $e of ${elements}) {`,
          `let l_${s.variable} = ${layout.bool ? "$e !== 0" : "$e"};`,
          tick,
        );
        for (const b of s.body) this.stmt(b, inner, out);
        out.push("}");
        return;
      }
      case "startTimer":
      case "cancelTimer": {
        const t = scope.machine!.timers.indexOf(s.timer);
        out.push(`x.setTimer(${t}, ${s.kind === "startTimer"});`);
        return;
      }
      case "if": {
        out.push(`if (${this.expr(s.cond, scope)}) {`);
        this.block(s.then, scope, out);
        if (s.else.length > 0) {
          out.push("} else {");
          this.block(s.else, scope, out);
        }
        out.push("}");
        return;
      }
      case "while": {
        out.push(`while (${this.expr(s.cond, scope)}) {`, scope.invariant ? "I.tick();" : "x.tick();");
        this.block(s.body, scope, out);
        out.push("}");
        return;
      }
      case "return":
        out.push(s.value === null ? "return;" : `return ${this.expr(s.value, scope)};`);
        return;
      case "break":
        out.push("break;");
        return;
      case "continue":
        out.push("continue;");
        return;
      case "assert":
        out.push(`if (!(${this.expr(s.cond, scope)})) x.handOver();`);
        return;
      case "print":
        // Nothing a search keeps (traces print on replay): the text's making, which cannot fail, costs its work.
        out.push(`x.print(${this.printWork(s.value).work});`);
        return;
      case "expr":
        out.push(`${this.expr(s.expr, scope)};`);
        return;
      default:
        throw new Unsupported(`${/^[aeiou]/.test(s.kind) ? "an" : "a"} ${s.kind} statement`, s.span);
    }
  }

  /** A payload's fields as JavaScript expressions, in the order the object runtime evaluates them. */
  private payloadFields(e: IrExpr, count: number, scope: Scope): string[] {
    if (e.kind === "var" && e.scope === "local" && scope.tuples.get(e.name) === count) {
      const locals = scope.collectionLocals;
      if (
        locals !== undefined &&
        Array.from({ length: count }, (_, i) => `${e.name}$${i}`).some((n) => locals.has(n))
      )
        throw new Unsupported("a tuple with a collection, passed whole", e.span);
      return this.jsLocals(e.name, scope);
    }
    const ofVar = this.tupleVarFields(e, scope);
    if (ofVar !== null && ofVar.length === count) return ofVar;
    if (e.kind === "tuple" && e.elems.length === count) return e.elems.map((x) => this.expr(x, scope));
    if (e.kind === "namedTuple" && e.fields.length === count)
      return fieldsInTypeOrder(e).map((f) => this.expr(f.value, scope));
    if (count === 1 && e.type.kind !== "tuple" && e.type.kind !== "namedTuple") return [this.expr(e, scope)];
    throw new Unsupported("a payload made this way", e.span);
  }

  private block(body: IrStmt[], scope: Scope, out: string[]): void {
    const inner: Scope = { ...scope, locals: new Set(scope.locals) };
    for (const s of body) this.stmt(s, inner, out);
  }

  /** A variable of the running machine (not a tuple): its slot and layout. */
  private selfVar(name: string, scope: Scope, span: Span): { k: number; layout: VarLayout } {
    const m = scope.machine;
    const found = m === null ? null : this.slotOf(m, name);
    if (found === null || found.fields > 0) throw new Unsupported(`the variable ${name}`, span);
    return { k: found.first, layout: this.layouts[m!.index]![found.first]! };
  }

  /** Variable `name` of owner `m`: its first slot and its fields (0: not a tuple), or null when it has none. */
  private slotOf(m: IrMachine, name: string): { first: number; fields: number } | null {
    const k = m.vars.findIndex((v) => v.name === name);
    return k < 0 ? null : this.slots[m.index]![k]!;
  }

  /**
   * A tuple variable's fields as expressions, read from its slots: the
   * running machine's (`e` a variable of its own), or another machine's in an
   * invariant (`e.f` of a machine); null for anything else.
   */
  private tupleVarFields(e: IrExpr, scope: Scope): string[] | null {
    let m: IrMachine | null | undefined = null;
    let name: string;
    let target: string | null = null;
    if (e.kind === "var" && e.scope === "self" && scope.machine !== null) {
      m = scope.machine;
      name = e.name;
    } else if (e.kind === "machineVar" && scope.invariant) {
      m = this.ir.machines.find((x) => x.name === e.machine);
      name = e.variable;
      if (m !== undefined) target = this.expr(e.target, scope);
    } else return null;
    if (m === null || m === undefined) return null;
    const found = this.slotOf(m, name);
    if (found === null || found.fields === 0) return null;
    const layouts = this.layouts[m.index]!;
    return Array.from({ length: found.fields }, (_, i) =>
      read(layouts[found.first + i]!, scope.buf, scope.varAt(found.first + i, m!, target)),
    );
  }

  /**
   * A collection the running code reads where it lies: a variable of its own
   * (selfCollection), or a collection local (Scope.collectionLocals: a
   * restart entry's payload, or a field of it).
   */
  private readCollection(e: IrExpr, scope: Scope, span: Span): { k: number; layout: VarLayout } {
    const local = this.collectionLocal(e, scope);
    if (local !== null && local.k < 0) throw new Unsupported("a collection parameter here", span);
    return local ?? this.selfCollection(e, scope, span);
  }

  /** `e` as a collection local (Scope.collectionLocals), or null. */
  private collectionLocal(e: IrExpr, scope: Scope): CollectionLocal | null {
    const locals = scope.collectionLocals;
    if (locals === undefined) return null;
    if (e.kind === "var" && e.scope === "local") return locals.get(e.name) ?? null;
    if (
      (e.kind === "field" || e.kind === "tupleIndex") &&
      e.target.kind === "var" &&
      e.target.scope === "local"
    )
      return locals.get(`${e.target.name}$${e.index}`) ?? null;
    return null;
  }

  /**
   * The fixed-width layout's slot of variable slot k of the running machine
   * or monitor (its own variable, not a collection local), where the code is
   * generated for that layout; else null.
   */
  private fixedSlot(scope: Scope, k: number): FixedSlot | null {
    if (this.fixed === null || scope.invariant || scope.machine === null || k < 0) return null;
    if (scope.collectionLocals !== undefined && k >= this.layouts[scope.machine.index]!.length) return null;
    return this.fixed.owners[scope.machine.index]?.slots[k] ?? null;
  }

  /** A machine's own collection variable, the target of a write. */
  private selfCollection(e: IrExpr, scope: Scope, span: Span): { k: number; layout: VarLayout } {
    if (e.kind !== "var" || e.scope !== "self")
      throw new Unsupported("a write to a collection that is not a variable", span);
    const found = this.selfVar(e.name, scope, span);
    if (!found.layout.collection) throw new Unsupported("a collection", span);
    return found;
  }

  // ---------------------------------------------------------------- expressions

  /** A scalar expression: a JavaScript boolean for bool, else a number. */
  private expr(e: IrExpr, scope: Scope): string {
    switch (e.kind) {
      case "int":
        return String(e.value | 0);
      case "bool":
        return e.value ? "true" : "false";
      case "enumConst":
        return String(e.ordinal);
      case "this":
        if (scope.invariant || (scope.machine !== null && this.isMonitor(scope.machine))) break;
        return "x.self";
      case "var": {
        if (e.scope === "local") {
          if (!scope.locals.has(e.name) || scope.tuples.has(e.name) || scope.collectionLocals?.has(e.name))
            break;
          return `l_${e.name}`;
        }
        if (e.scope === "param") {
          const i = this.ir.params.findIndex((p) => p.name === e.name);
          const v = this.params[i];
          if (typeof v === "number") return `(${v | 0})`;
          if (typeof v === "boolean") return String(v);
          break;
        }
        const { k, layout } = this.selfVar(e.name, scope, e.span);
        if (layout.collection) break;
        return read(layout, scope.buf, scope.varAt(k, scope.machine!, null));
      }
      case "field":
      case "tupleIndex": {
        const t = e.target;
        // A field of a tuple variable: its slot.
        const ofVar = this.tupleVarFields(t, scope);
        if (ofVar !== null) return ofVar[e.index]!;
        if (t.kind !== "var" || t.scope !== "local" || !scope.tuples.has(t.name)) break;
        if (scope.collectionLocals?.has(`${t.name}$${e.index}`)) break;
        return `l_${t.name}$${e.index}`;
      }
      case "machineVar": {
        const m = this.ir.machines.find((x) => x.name === e.machine);
        const found = m === undefined ? null : this.slotOf(m, e.variable);
        if (!scope.invariant || m === undefined || found === null || found.fields > 0) break;
        const layout = this.layouts[m.index]![found.first]!;
        if (layout.collection) break;
        return read(layout, scope.buf, scope.varAt(found.first, m, this.expr(e.target, scope)));
      }
      case "index": {
        if (e.collection === "map") {
          const { layout, at } = this.collection(e.target, scope, e.span);
          this.noCall(e.index);
          if (scope.invariant) {
            const value = layout.value!;
            const got = `I.mapGet(b, ${at.offset}, ${numberOf(layout, this.expr(e.index, scope))}, ${layout.kind}, ${value.kind})`;
            return value.bool ? `(${got} !== 0)` : got;
          }
          const value = layout.value!;
          const got = `x.mapGet(${at.k}, ${numberOf(layout, this.expr(e.index, scope))}, ${layout.kind}, ${value.kind})`;
          return value.bool ? `(${got} !== 0)` : got;
        }
        // A sequence's element, or a set's i-th in order (its bytes are a sorted list): runtime.ts seqGet, setGet.
        const { layout, at } = this.collection(e.target, scope, e.span);
        scalarElements(layout, e.span);
        this.noCall(e.index);
        const i = this.expr(e.index, scope);
        if (scope.invariant) {
          const got = `I.seqGet(b, ${at.offset}, ${i}, ${layout.kind})`;
          return layout.bool ? `(${got} !== 0)` : got;
        }
        const k = at.k;
        if (layout.oneByte && this.fixedSlot(scope, k)?.kind === Slot.Seq) {
          const got = `F.seqByte(x, x.s.buf, ${at.offset}, ${i})`;
          return layout.bool ? `(${got} !== 0)` : got;
        }
        if (layout.oneByte)
          return layout.bool ? `(x.seqGetByte(${k}, ${i}) !== 0)` : `x.seqGetByte(${k}, ${i})`;
        return layout.bool
          ? `(x.seqGet(${k}, ${i}, ${layout.kind}) !== 0)`
          : `x.seqGet(${k}, ${i}, ${layout.kind})`;
      }
      case "sizeof": {
        const { at } = this.collection(e.arg, scope, e.span);
        // Through the run in machines and monitors: the count is where the fixed-width layout keeps it, or a set's mask.
        if (scope.invariant) return `I.size(${scope.buf}, ${at.offset})`;
        const slot = this.fixedSlot(scope, at.k);
        if (slot === null) return `x.size(${at.k})`;
        return slot.kind === Slot.SetMask
          ? `F.maskSize(x.s.buf, ${at.offset}, ${slot.width})`
          : `x.s.buf[${at.offset}]`;
      }
      case "in": {
        this.noCall(e.element);
        const { layout: of, at: where } = this.collection(e.collection, scope, e.span);
        if (of.fields !== null) {
          // A tuple: its fields' raw varints; a scan, whose size counts as work (as the runtime's seqHas, or more).
          const raws = this.tupleRaws(e.element, of.fields, scope);
          const fields = this.fieldsConstant(of.fields);
          return scope.invariant
            ? `I.hasTuple(b, ${where.offset}, ${raws}, ${fields})`
            : `x.hasTuple(${where.k}, ${raws}, ${fields})`;
        }
        const el = this.expr(e.element, scope);
        const layout = of;
        const at = where;
        if (e.collectionKind === "map") {
          if (scope.invariant) return `I.mapHas(b, ${at.offset}, ${numberOf(layout, el)}, ${layout.kind})`;
          return `x.mapHas(${at.k}, ${numberOf(layout, el)}, ${layout.kind})`;
        }
        // Through the run (or the invariant's reader), which counts the work a scan does.
        if (scope.invariant) return `I.has(b, ${at.offset}, ${numberOf(layout, el)}, ${layout.kind})`;
        const slot = this.fixedSlot(scope, at.k);
        if (slot?.kind === Slot.SetMask)
          return `F.has${slot.width}(x.s.buf, ${at.offset}, ${bitExpression(layout.kind, numberOf(layout, el))})`;
        // A sequence's scan is work the runtime counts (seqHas spends its size); a set's search is not.
        const has = e.collectionKind === "seq" ? "hasInSeq" : "has";
        return `x.${has}(${at.k}, ${numberOf(layout, el)}, ${layout.kind})`;
      }
      case "inState": {
        const m = this.ir.machines.find((x) => x.name === e.machine);
        const st = m?.states.findIndex((s) => s.name === e.state) ?? -1;
        if (m === undefined || st < 0) break;
        const target = this.expr(e.target, scope);
        return scope.invariant
          ? `I.inState(b, ${target}, ${m.index}, ${st})`
          : `x.inState(${target}, ${m.index}, ${st})`;
      }
      case "default": {
        // A scalar's default: 0, false, the first member, no machine.
        const layout = varLayout(this.ir, e.type);
        if (layout === null || layout.collection) break;
        return layout.bool ? "false" : e.type.kind === "machine" ? "(-1)" : "0";
      }
      case "call": {
        if (scope.invariant) {
          if (e.scope !== "global") break;
          return this.invariantCall(e, scope);
        }
        if (e.scope === "foreign" || scope.machine === null) break;
        // A global function runs as the calling machine's code (it reads no machine's variables).
        const fun = (e.scope === "global" ? this.ir.funs : scope.machine.funs).find((f) => f.name === e.fun);
        if (fun === undefined) break;
        // A tuple argument is passed as its fields, in order (the function's tuple parameter is never built).
        const args = e.args.flatMap((a, i) => {
          const t = fun.params[i]!.type;
          if (t.kind !== "tuple" && t.kind !== "namedTuple") return [this.expr(a, scope)];
          return this.payloadFields(a, this.fields(t, a.span).length, scope);
        });
        const name =
          e.scope === "global" ? this.globalFunName(scope.machine, fun) : this.funName(scope.machine, fun);
        return `${name}(x${args.map((a) => `, ${a}`).join("")})`;
      }
      case "choose": {
        if (this.forking !== null && e === this.forking.site.choose && this.forking.value !== null)
          return this.forking.value;
        if (scope.invariant) break;
        if (e.mode === "bool") return "(x.choose(2) === 1)";
        if (e.mode === "int" && e.arg !== null) return `x.choose(${this.expr(e.arg, scope)})`;
        if (e.mode === "collection" && e.arg !== null) return this.chooseFrom(e.arg, scope);
        break;
      }
      case "unary":
        if (e.op === "!") return `!(${this.expr(e.operand, scope)})`;
        return `((-(${this.expr(e.operand, scope)})) | 0)`;
      case "binary":
        return this.binary(e, scope);
      case "inflight": {
        if (!scope.invariant) break;
        const ev = this.ir.events.find((x) => x.name === e.event)!.index;
        // Into any machine, or into `target` (no machine, -1, is an id no channel goes to).
        return e.target === null
          ? `I.inflight(b, ${ev}, false, 0)`
          : `I.inflight(b, ${ev}, true, ${this.expr(e.target, scope)})`;
      }
      case "quant": {
        if (!scope.invariant) break;
        const inner: Scope = { ...scope, locals: new Set(scope.locals) };
        // Each binder's range, read inside the binders before it: a machine type's instances, or
        // a machine's collection variable's elements (a map's keys) in order.
        const ranges: ({ machine: number } | { values: string } | { tuples: string; arity: number })[] = [];
        for (const b of e.binders) {
          const m = this.binderMachine(b);
          if (m !== undefined) ranges.push({ machine: m.index });
          else if (b.collection !== null) {
            // A collection variable (a map: its keys), or `keys(m)` or `values(m)` of a map variable.
            const c = b.collection;
            const part = c.kind === "keys" ? 0 : c.kind === "values" ? 1 : null;
            const { layout, at } = this.collection(
              c.kind === "keys" || c.kind === "values" ? c.arg : c,
              inner,
              e.span,
            );
            if (layout.fields !== null && part === null) {
              // Tuples: each element's fields as the binder's locals (at most four, InvariantBytes.quantifyTuples).
              // Its values are raw numbers: a bool field would read as 0 or 1, not as a JavaScript boolean.
              if (layout.fields.length > 4 || layout.fields.some((f) => f.bool))
                throw new Unsupported(
                  "a quantifier over tuples of more than four fields, or with a bool",
                  e.span,
                );
              ranges.push({
                tuples: `I.tupleElements(b, ${at.offset}, ${this.fieldsConstant(layout.fields)})`,
                arity: layout.fields.length,
              });
              inner.locals.add(b.name);
              inner.tuples = new Map([...inner.tuples, [b.name, layout.fields.length]]);
              continue;
            }
            scalarElements(layout, e.span);
            let values: string;
            let bool = layout.bool;
            if (part === null) {
              values = `I.elements(b, ${at.offset}, ${this.layoutConstant(layout)})`;
            } else {
              if (layout.value === null) throw new Unsupported("keys or values of a collection", e.span);
              const kind = part === 0 ? layout.kind : layout.value.kind;
              if (part === 1) bool = layout.value.bool;
              values = `I.mapPart(b, ${at.offset}, ${part}, ${kind})`;
            }
            ranges.push({ values: bool ? `${values}.map((v) => v !== 0)` : values });
          } else throw new Unsupported("a quantifier over values", e.span);
          inner.locals.add(b.name);
        }
        let body = this.expr(e.body, inner);
        const forall = e.quantifier === "forall";
        for (let i = e.binders.length - 1; i >= 0; i--) {
          const b = e.binders[i]!;
          const range = ranges[i]!;
          if ("tuples" in range) {
            const fields = Array.from({ length: range.arity }, (_, f) => `l_${b.name}$${f}`).join(", ");
            body = `I.quantifyTuples(${range.tuples}, ${range.arity}, ${forall}, (${fields}) => ${body})`;
            continue;
          }
          body =
            "machine" in range
              ? `I.${forall ? "every" : "some"}(b, ${range.machine}, (l_${b.name}) => ${body})`
              : `${range.values}.${forall ? "every" : "some"}((l_${b.name}) => ${body})`;
        }
        return body;
      }
      default:
        break;
    }
    throw new Unsupported(`an expression of kind ${e.kind}`, e.span);
  }

  /**
   * An invariant's statements: a quantifier over machines at its top as
   * loops (the usual `forall p: P, q: Q :: ...`), its body inlined into them,
   * where `I.every` with a closure per binder allocated the inner closures
   * per evaluation and called each body through one call site for all
   * invariants; in the same order, stopping where `every` and `some` stop.
   */
  private invariantBody(e: IrExpr, scope: Scope): string {
    if (e.kind !== "quant") return `return ${this.expr(e, scope)};`;
    const machines = e.binders.map((b) => this.binderMachine(b));
    if (machines.some((m) => m === undefined)) return `return ${this.expr(e, scope)};`;
    const inner: Scope = { ...scope, locals: new Set([...scope.locals, ...e.binders.map((b) => b.name)]) };
    const forall = e.quantifier === "forall";
    // The body's parts (a forall's disjuncts, an exists' conjuncts), each tested in the loop of the
    // last binder it or a part before it reads (the runtime evaluates a part only when those before
    // it did not decide the body, and one of them may fail): one that decides the body there (true
    // in a forall, false in an exists) decides it for every binding of the binders after, whose
    // loops are skipped (2PC's `forall p, q :: !(p.committed && q.aborted)` is then a loop over p
    // and, for the p that committed, one over q). A run past what the bytes take is the object
    // runtime's whole evaluation, as before.
    const parts = forall ? disjuncts(e.body) : conjuncts(e.body);
    const n = e.binders.length;
    const byLevel: string[][] = Array.from({ length: n }, () => []);
    let level = 0;
    for (const part of parts) {
      e.binders.forEach((b, i) => {
        if (someIrNode(part, (x) => x.kind === "var" && x.scope === "local" && x.name === b.name))
          level = Math.max(level, i);
      });
      byLevel[level]!.push(this.expr(part, inner));
    }
    let code = forall ? "return false;" : "return true;";
    for (let i = n - 1; i >= 0; i--) {
      const id = `l_${e.binders[i]!.name}`;
      const tests = byLevel[i]!;
      const skip =
        tests.length === 0
          ? ""
          : forall
            ? `if (${tests.map((t) => `(${t})`).join(" || ")}) continue; `
            : `if (!(${tests.map((t) => `(${t})`).join(" && ")})) continue; `;
      code = `for (let ${id} = 0; ${id} < I.n; ${id}++) { if (I.isType(b, ${id}, ${machines[i]!.index})) { ${skip}${code} } }`;
    }
    return `${code} return ${forall};`;
  }

  /** The machine type a quantifier's binder ranges over, or undefined when it ranges over values. */
  private binderMachine(b: IrBinder): IrMachine | undefined {
    return b.machine === null || b.collection !== null
      ? undefined
      : this.ir.machines.find((x) => x.name === b.machine);
  }

  /** What iterating collection variable k yields, as a JavaScript array: a sequence's or set's elements, a map's keys. */
  private elements(k: number, layout: VarLayout): string {
    return layout.value === null ? `x.elements(${k}, ${layout.kind})` : `x.mapKeys(${k}, ${layout.kind})`;
  }

  /** `m[key] = value` for map variable k, the key already in local `key` (as a number). */
  private mapPut(k: number, layout: VarLayout, key: string, value: IrExpr, scope: Scope): string {
    const v = this.expr(value, scope);
    return `x.mapPut(${k}, ${key}, ${layout.value!.bool ? `((${v}) ? 1 : 0)` : v}, ${layout.kind}, ${layout.value!.kind});`;
  }

  /** `choose(c)`: an element of the collection's value (the object runtime's chooseIn). */
  private chooseFrom(c: IrExpr, scope: Scope): string {
    return `x.chooseOf(${this.collectionValue(c, scope)})`;
  }

  /**
   * A collection variable of the machine, or a set or sequence written out,
   * as a JavaScript array of its values (a set's sorted and without repeats,
   * as the runtime builds it).
   */
  private collectionValue(c: IrExpr, scope: Scope): string {
    if ((c.kind === "var" && c.scope === "self") || this.collectionLocal(c, scope) !== null) {
      const { k, layout } = this.readCollection(c, scope, c.span);
      scalarElements(layout, c.span);
      const elements = this.elements(k, layout);
      return layout.bool ? `${elements}.map((v) => v !== 0)` : elements;
    }
    if (c.kind === "setLit" || c.kind === "seqLit") {
      for (const el of c.elems) this.scalarType(el.type, el.span);
      const elems = `[${c.elems.map((el) => this.expr(el, scope)).join(", ")}]`;
      if (c.kind === "seqLit") return elems;
      // Of literals only: built once, when the code is loaded (as generate-bodies.ts's constant sets).
      if (c.elems.every((el) => el.kind === "int" || el.kind === "bool" || el.kind === "enumConst")) {
        const name = `$set${this.constants++}`;
        this.out.push(`const ${name} = B.setOf(${elems});`);
        return name;
      }
      return `x.setOf(${elems})`;
    }
    throw new Unsupported("a choose from this collection", c.span);
  }

  /**
   * The object runtime reads a collection before the operands of an
   * operation on it, these bytes after them: the same only when no operand
   * calls a function, which could write the collection in between.
   */
  private noCall(e: IrExpr): void {
    if (someIrNode(e, (n) => n.kind === "call"))
      throw new Unsupported("a function call in an operand of a collection operation", e.span);
  }

  /** A collection variable read: the running machine's (`self`), or another machine's in an invariant. */
  private collection(
    e: IrExpr,
    scope: Scope,
    span: Span,
  ): { layout: VarLayout; at: { k: number; offset: string } } {
    const local = this.collectionLocal(e, scope);
    if (local !== null) return { layout: local.layout, at: { k: local.k, offset: local.offset } };
    if (e.kind === "var" && e.scope === "self") {
      const { k, layout } = this.selfVar(e.name, scope, span);
      if (!layout.collection) throw new Unsupported("a collection", span);
      return { layout, at: { k, offset: scope.varAt(k, scope.machine!, null) } };
    }
    if (e.kind === "machineVar" && scope.invariant) {
      const m = this.ir.machines.find((x) => x.name === e.machine);
      const found = m === undefined ? null : this.slotOf(m, e.variable);
      if (
        m !== undefined &&
        found !== null &&
        found.fields === 0 &&
        this.layouts[m.index]![found.first]!.collection
      )
        return {
          layout: this.layouts[m.index]![found.first]!,
          at: { k: found.first, offset: scope.varAt(found.first, m, this.expr(e.target, scope)) },
        };
    }
    throw new Unsupported("a collection that is not a variable", span);
  }

  /** A string known when the code is generated (a literal, or a string `param` of the test), else null. */
  private constantString(e: IrExpr): string | null {
    if (e.kind === "string") return e.value;
    if (e.kind === "var" && e.scope === "param") {
      const v = this.params[this.ir.params.findIndex((p) => p.name === e.name)];
      if (typeof v === "string") return v;
    }
    return null;
  }

  private binary(e: Extract<IrExpr, { kind: "binary" }>, scope: Scope): string {
    // Strings are not on the bytes, but two known ones compare when the code is generated (a `mode` param).
    const ls = this.constantString(e.left);
    const rs = this.constantString(e.right);
    if (ls !== null && rs !== null && (e.op === "==" || e.op === "!="))
      return String((ls === rs) === (e.op === "=="));
    const lt = e.left.type;
    if ((e.op === "==" || e.op === "!=") && (lt.kind === "tuple" || lt.kind === "namedTuple")) {
      // Tuples of scalars, field by field (no call: the runtime builds both before it compares).
      this.noCall(e.left);
      this.noCall(e.right);
      const n = this.fields(lt, e.span).length;
      const left = this.payloadFields(e.left, n, scope);
      const right = this.payloadFields(e.right, n, scope);
      // Every field of both, left then right, before comparing (the runtime builds both tuples first).
      const ls = left.map((_a, i) => `$l${i}`);
      const rs = right.map((_a, i) => `$r${i}`);
      const same = ls.map((a, i) => `${a} === ${rs[i]}`).join(" && ");
      return `((${[...ls, ...rs].join(", ")}) => ${e.op === "==" ? `(${same})` : `!(${same})`})(${[...left, ...right].join(", ")})`;
    }
    const l = this.expr(e.left, scope);
    const r = this.expr(e.right, scope);
    switch (e.op) {
      case "&&":
      case "||":
        return `((${l}) ${e.op} (${r}))`;
      case "==":
        return `((${l}) === (${r}))`;
      case "!=":
        return `((${l}) !== (${r}))`;
      case "<":
      case "<=":
      case ">":
      case ">=":
        return `((${l}) ${e.op} (${r}))`;
      case "+":
      case "-":
        if (e.left.type.kind !== "int") throw new Unsupported(`${e.op} on ${typeText(e.left.type)}`, e.span);
        return `(((${l}) ${e.op} (${r})) | 0)`;
      case "*":
        return `Math.imul(${l}, ${r})`;
      case "/":
      case "%":
        if (scope.invariant) throw new Unsupported("division in an invariant", e.span);
        // The runtime's, which throws on zero: the delivery is then handed over.
        return `x.arith(rt.${e.op === "/" ? "div" : "mod"}, ${l}, ${r})`;
    }
  }

  /**
   * A top-level function's generated name: queued on first use, generated
   * with the first caller's machine as its scope (it reads no machine's
   * variables), once for machines and once for spec monitors, where what it
   * may do differs (an `announce` inside a monitor's run is handed over).
   */
  private globalFunName(machine: IrMachine, fun: IrFun): string {
    const monitor = this.isMonitor(machine);
    return this.queued(
      `${monitor ? "gm" : "g"}_${this.ir.funs.indexOf(fun)}`,
      machine,
      fun,
      `fun ${fun.name}${monitor ? " (in spec monitors)" : ""}`,
    );
  }

  private funName(machine: IrMachine, fun: IrFun): string {
    return this.queued(
      `f_${machine.index}_${machine.funs.indexOf(fun)}`,
      machine,
      fun,
      `${machine.name}.${fun.name}`,
    );
  }

  /**
   * A top-level function called in an invariant: `gi_<index>(b, ...)`, made
   * on its first call (InvariantBytes reads the state; the function reads no
   * machine's variables, only its parameters). A scalar argument is passed
   * as its value, a tuple as its fields, a collection as its offset in the
   * state (it is read where it lies). A function that cannot be compiled,
   * or calls itself, leaves its callers' invariants to the object runtime.
   */
  private invariantCall(e: Extract<IrExpr, { kind: "call" }>, scope: Scope): string {
    const fun = this.ir.funs.find((f) => f.name === e.fun);
    if (fun === undefined || fun.body === null)
      throw new Unsupported(`the function ${e.fun} in an invariant`, e.span);
    const name = `gi_${this.ir.funs.indexOf(fun)}`;
    const made = this.invariantFuns.get(name);
    if (made === "making")
      throw new Unsupported(`the recursive function ${fun.name} in an invariant`, e.span);
    if (made === "failed") throw new Unsupported(`the function ${fun.name} in an invariant`, e.span);
    if (made === undefined) {
      this.invariantFuns.set(name, "making");
      try {
        this.invariantFunction(name, fun);
      } catch (err) {
        this.invariantFuns.set(name, "failed");
        throw err;
      }
      this.invariantFuns.set(name, "made");
    }
    const args = e.args.flatMap((a, i) => {
      const t = fun.params[i]!.type;
      if (t.kind === "tuple" || t.kind === "namedTuple")
        return this.payloadFields(a, this.fields(t, a.span).length, scope);
      const layout = varLayout(this.ir, t);
      if (layout?.collection) {
        const { layout: given, at } = this.collection(a, scope, a.span);
        if (!sameLayout(given, layout))
          throw new Unsupported("a collection argument of another layout", a.span);
        return [at.offset];
      }
      return [this.expr(a, scope)];
    });
    return `${name}(b${args.map((a) => `, ${a}`).join("")})`;
  }

  /** Top-level functions called in invariants, by generated name: made, failed, or being made (a call to it now is recursion). */
  private readonly invariantFuns = new Map<string, "making" | "made" | "failed">();

  /** Function `fun` as invariants call it (invariantCall): its statements in an invariant's scope. */
  private invariantFunction(name: string, fun: IrFun): void {
    if (fun.returnType.kind !== "void") this.scalarType(fun.returnType, fun.span);
    const tuples = new Map<string, number>();
    const collectionLocals = new Map<string, CollectionLocal>();
    const params: string[] = [];
    for (const p of fun.params) {
      const layout = varLayout(this.ir, p.type);
      if (layout?.collection) {
        collectionLocals.set(p.name, { k: -1, offset: `l_${p.name}`, layout });
        params.push(`l_${p.name}`);
        continue;
      }
      const fields = this.fields(p.type, fun.span);
      if (p.type.kind === "tuple" || p.type.kind === "namedTuple") {
        tuples.set(p.name, fields.length);
        for (let i = 0; i < fields.length; i++) params.push(`l_${p.name}$${i}`);
      } else params.push(`l_${p.name}`);
    }
    const scope: Scope = {
      machine: null,
      locals: new Set(fun.params.map((p) => p.name)),
      tuples,
      collectionLocals,
      varAt: () => {
        throw new Unsupported("a machine's variable in a function", fun.span);
      },
      buf: "b",
      invariant: true,
    };
    const lines: string[] = [];
    for (const st of fun.body!) this.stmt(st, scope, lines);
    this.out.push(
      `function ${name}(b${params.map((p) => `, ${p}`).join("")}) {\nI.tick();\n${lines.join("\n")}\n}`,
    );
  }

  /** Function `name`'s code, queued on its first use (generated in program's loop, as `machine`'s code). */
  private queued(name: string, machine: IrMachine, fun: IrFun, where: string): string {
    if (!this.funs.has(name)) {
      this.funs.add(name);
      this.pending.push({ machine, fun, name, where });
    }
    return name;
  }
}

/**
 * Scalar `e` is read without a failure or a choice (literals, variables,
 * `this`, fields of tuples, `sizeof`, and arithmetic but division): what a
 * `print` may show without running it (ByteCodegen.printWork).
 */
function infallibleScalar(e: IrExpr): boolean {
  switch (e.kind) {
    case "int":
    case "bool":
    case "enumConst":
    case "this":
    case "var":
      return true;
    case "field":
    case "tupleIndex":
      return infallibleScalar(e.target);
    case "sizeof":
      return e.arg.kind === "var";
    case "unary":
      return infallibleScalar(e.operand);
    case "binary":
      return e.op !== "/" && e.op !== "%" && infallibleScalar(e.left) && infallibleScalar(e.right);
    default:
      return false;
  }
}

/** `!e`, as the IR writes it. */
function not(e: IrExpr): IrExpr {
  return { kind: "unary", op: "!", operand: e, type: e.type, span: e.span } as IrExpr;
}

/** `e` as a disjunction: its parts, one of which true makes it true (`a || b`, and `!(a && b)` as `!a || !b`). */
function disjuncts(e: IrExpr): IrExpr[] {
  if (e.kind === "binary" && e.op === "||") return [...disjuncts(e.left), ...disjuncts(e.right)];
  if (e.kind === "unary" && e.op === "!" && e.operand.kind === "binary" && e.operand.op === "&&")
    return [...disjuncts(not(e.operand.left)), ...disjuncts(not(e.operand.right))];
  return [e];
}

/** `e` as a conjunction: its parts, one of which false makes it false (`a && b`, and `!(a || b)` as `!a && !b`). */
function conjuncts(e: IrExpr): IrExpr[] {
  if (e.kind === "binary" && e.op === "&&") return [...conjuncts(e.left), ...conjuncts(e.right)];
  if (e.kind === "unary" && e.op === "!" && e.operand.kind === "binary" && e.operand.op === "||")
    return [...conjuncts(not(e.operand.left)), ...conjuncts(not(e.operand.right))];
  return [e];
}

/** A collection of scalars, not of tuples, which the operation being generated takes only. */
function scalarElements(layout: VarLayout, span: Span): void {
  if (layout.fields !== null) throw new Unsupported("this operation on a collection of tuples", span);
}

/** The statements an invariant's function may have: it only reads (locals are its own). */
const INVARIANT_STATEMENTS: ReadonlySet<string> = new Set([
  "local",
  "assign",
  "if",
  "while",
  "foreach",
  "return",
  "break",
  "continue",
  "expr",
]);

/** The raw varint of a scalar of `kind` whose value is the JavaScript `v`. */
function rawOf(kind: ScalarKind, v: string): string {
  // Through a function: the value's code must run once (it may choose).
  if (kind === ScalarKind.Int) return `zigzag(${v})`;
  return kind === ScalarKind.Id ? `((${v}) + 1)` : `(${v})`;
}

/** A value's bit in a SetMask (fixed-layout.ts bitOf): an id's raw varint, else the value. */
function bitExpression(kind: ScalarKind, v: string): string {
  return kind === ScalarKind.Id ? `((${v}) + 1)` : `(${v})`;
}

/** A scalar as the number byte operations take (a bool as 0 or 1). */
function numberOf(layout: VarLayout, v: string): string {
  return layout.bool ? `((${v}) ? 1 : 0)` : v;
}

/** Reads the scalar at `offset` of `buf`. */
function read(layout: VarLayout, buf: string, offset: string): string {
  if (layout.bool) return `(${buf}[${offset}] !== 0)`;
  const raw = `uintAt(${buf}, ${offset})`;
  if (layout.kind === ScalarKind.Plain) return raw;
  return layout.kind === ScalarKind.Id ? `(${raw} - 1)` : `fromRaw(${ScalarKind.Int}, ${raw})`;
}

function typeText(t: Type): string {
  return (t.kind === "enum" || t.kind === "machine" ? t.name : null) ?? t.kind;
}

/** What InvariantBytes reads states by: the program's layouts (ByteProgram's tables). */
export interface ReaderShape {
  /** By owner: machine types, then the test's spec monitors. */
  layouts: readonly VarLayout[][];
  timed: readonly boolean[];
  kept: readonly VarLayout[][];
  /** How many of `layouts` are machine types'. */
  machineTypes: number;
  /** By event: its payload's fields (ByteProgram.payloads). */
  payloads: readonly (readonly VarLayout[])[];
}

/**
 * What compiled invariants read a state through: where each machine's part
 * starts (parsed once per evaluation) and where its variables are.
 */
export class InvariantBytes {
  protected mo = new Int32Array(16);
  /** Machines in the state parsed (a compiled quantifier's loops run to it). */
  n = 0;

  private readonly layouts: readonly VarLayout[][];
  private readonly timed: readonly boolean[];
  private readonly kept: readonly VarLayout[][];
  private readonly machineTypes: number;
  private readonly payloads: readonly (readonly VarLayout[])[];

  constructor(shape: ReaderShape) {
    this.layouts = shape.layouts;
    this.timed = shape.timed;
    this.kept = shape.kept;
    this.machineTypes = shape.machineTypes;
    this.payloads = shape.payloads;
  }

  /** Elements scanned by this evaluation's `in`s (the object runtime spends them from its budget). */
  protected work = 0;
  /** Where the machines of the state parsed end (its monitors, then its channels, follow). */
  private machinesEnd = 0;

  /**
   * Which state the next evaluation is of, when its caller knows (ByteModel
   * sets it for its scratch: a count of the successors it emitted), else -1:
   * evaluations of one stamp (the invariants of one new state, one after
   * another) parse it once.
   */
  stamp = -1;
  private parsedStamp = -1;
  /** Successors the byte model emitted as its scratch (ByteModel.emitScratch): the scratch's stamp. */
  scratchStamp = 0;

  parse(b: Uint8Array): void {
    this.work = 0;
    this.messagesCounted = false;
    if (this.stamp >= 0 && this.stamp === this.parsedStamp) return;
    this.parsedStamp = this.stamp;
    const n = bytes.uintAt(b, 0);
    if (this.mo.length < n) this.mo = new Int32Array(2 * n);
    let p = bytes.uintEnd(b, 0);
    for (let id = 0; id < n; id++) {
      this.mo[id] = p;
      const type = bytes.uintAt(b, p);
      p = skipMachine(b, p, this.layouts[type]!, this.timed[type]!, this.kept[type]!);
    }
    this.n = n;
    this.machinesEnd = p;
    this.nMessages = -1;
  }

  /** `inflight(E)` or (`into`) `inflight(E, target)`: the messages of event `event` in the channels (into `target`), as executor.ts counts them. */
  inflight(b: Uint8Array, event: number, into: boolean, target: number): number {
    // The messages' events and receivers, read once per state (a quantifier may ask per machine),
    // counted as work once per evaluation.
    if (this.nMessages < 0) this.readMessages(b);
    if (!this.messagesCounted) {
      this.messagesCounted = true;
      this.count(this.nMessages);
    }
    const events = this.events;
    const tos = this.tos;
    let n = 0;
    for (let i = 0; i < this.nMessages; i++) if (events[i] === event && (!into || tos[i] === target)) n++;
    return n;
  }

  /** By message in the state parsed: its event and its receiver (nMessages of them; -1: not read yet). */
  protected nMessages = -1;
  /** This evaluation counted the messages as work (inflight). */
  protected messagesCounted = false;
  protected events = new Int32Array(16);
  protected tos = new Int32Array(16);

  protected readMessages(b: Uint8Array): void {
    // After the machines, each monitor: its state, then its variables; then the channel section.
    let p = this.machinesEnd;
    for (let i = this.machineTypes; i < this.layouts.length; i++) {
      const layout = this.layouts[i]!;
      p = bytes.uintEnd(b, p);
      for (let k = 0; k < layout.length; k++) p = bytes.varEnd(b, p, layout[k]!);
    }
    // Each channel: from, to, its number of messages, then each message's event and payload fields.
    const count = bytes.uintAt(b, p);
    let q = bytes.uintEnd(b, p);
    let n = 0;
    for (let c = 0; c < count; c++) {
      const to = bytes.uintAt(b, bytes.uintEnd(b, q));
      const countAt = bytes.uintsEnd(b, q, 2);
      const k = bytes.uintAt(b, countAt);
      q = bytes.uintEnd(b, countAt);
      this.roomForMessages(n, n + k);
      for (let i = 0; i < k; i++) {
        const e = bytes.uintAt(b, q);
        this.events[n] = e;
        this.tos[n++] = to;
        q = bytes.uintEnd(b, q);
        const fields = this.payloads[e]!;
        for (let f = 0; f < fields.length; f++) q = bytes.varEnd(b, q, fields[f]!);
      }
    }
    this.nMessages = n;
  }

  /** events and tos hold `size` messages, the first `kept` of them kept. */
  protected roomForMessages(kept: number, size: number): void {
    if (size <= this.events.length) return;
    const events = new Int32Array(2 * size);
    events.set(this.events.subarray(0, kept));
    this.events = events;
    const tos = new Int32Array(2 * size);
    tos.set(this.tos.subarray(0, kept));
    this.tos = tos;
  }

  /** `n` operations of work; past the limit, the object runtime evaluates the invariant (it may run out of budget). */
  protected count(n: number): void {
    this.work += n;
    if (this.work > WORK_LIMIT) throw HAND_OVER;
  }

  /** The keys (`part` 0) or values (1) of the map at `p`, for a quantifier over them. */
  mapPart(b: Uint8Array, p: number, part: 0 | 1, kind: ScalarKind): number[] {
    const out = bytes.mapPart(b, p, part, kind);
    this.count(out.length);
    return out;
  }

  /** The elements of the collection at `p` (a map's keys), for a quantifier over them. */
  elements(b: Uint8Array, p: number, layout: VarLayout): number[] {
    const out =
      layout.value === null
        ? bytes.collectionElements(b, p, layout.kind)
        : bytes.mapPart(b, p, 0, layout.kind);
    this.count(out.length);
    return out;
  }

  /** Where variable slot k of machine `id`, of type `type`, is; another machine there is the object runtime's to report. */
  varAt(b: Uint8Array, id: number, type: number, k: number): number {
    if (!(id >= 0 && id < this.n) || bytes.uintAt(b, this.mo[id]!) !== type) throw HAND_OVER;
    let p = varsStart(b, this.mo[id]!, this.timed[type]!, this.kept[type]!);
    const layout = this.layouts[type]!;
    for (let j = 0; j < k; j++) p = bytes.varEnd(b, p, layout[j]!);
    return p;
  }

  /** As ByteRun.inState; a reference to no machine, a runtime error, makes the object runtime evaluate the invariant. */
  inState(b: Uint8Array, id: number, type: number, state: number): boolean {
    if (!(id >= 0 && id < this.n)) throw HAND_OVER;
    const p = this.mo[id]!;
    if (bytes.uintAt(b, p) !== type) return false;
    const st = bytes.uintAt(b, bytes.uintEnd(b, p));
    return Math.floor(st / 3) === state && st % 3 !== 2;
  }

  /** `t in c` for the collection of tuples at `p`: a scan, its length counting as work. */
  hasTuple(b: Uint8Array, p: number, raws: readonly number[], fields: readonly TupleField[]): boolean {
    this.count(bytes.uintAt(b, p));
    return bytes.tupleHas(b, p, raws, fields);
  }

  /** The elements of the collection of tuples at `p`, their fields one after another (a `foreach` in a function). */
  tupleElements(b: Uint8Array, p: number, fields: readonly TupleField[]): number[] {
    this.count(bytes.uintAt(b, p));
    return bytes.tupleElements(b, p, fields);
  }

  /** A call or a loop's iteration in an invariant's function: one operation of work. */
  tick(): void {
    this.count(1);
  }

  /** `s[i]` of the sequence (or set: its i-th in order) at `p`; out of range, the object runtime reports it. */
  seqGet(b: Uint8Array, p: number, i: number, kind: ScalarKind): number {
    const at = bytes.elementAt(b, p, i);
    if (at === bytes.OUT_OF_RANGE) throw HAND_OVER;
    this.count(1);
    return bytes.fromRaw(kind, bytes.uintAt(b, at));
  }

  /** `m[k]` of the map at `p`, counted as mapHas; a missing key, the object runtime reports it. */
  mapGet(b: Uint8Array, p: number, k: number, kind: ScalarKind, valueKind: ScalarKind): number {
    this.count(bytes.uintAt(b, p));
    const at = bytes.mapValueAt(b, p, k, kind);
    if (at === bytes.OUT_OF_RANGE) throw HAND_OVER;
    return bytes.fromRaw(valueKind, bytes.uintAt(b, at));
  }

  /** `k in m`, m a map: as `has`, its length counting as work. */
  mapHas(b: Uint8Array, p: number, k: number, kind: ScalarKind): boolean {
    this.count(bytes.uintAt(b, p));
    return bytes.mapHas(b, p, k, kind);
  }

  /** `sizeof` of the collection at `p`. */
  size(b: Uint8Array, p: number): number {
    return bytes.uintAt(b, p);
  }

  /** `v in c`; past the work limit, the object runtime evaluates the invariant (it may run out of budget). */
  has(b: Uint8Array, p: number, v: number, kind: ScalarKind): boolean {
    this.count(bytes.uintAt(b, p));
    return bytes.collectionHas(b, p, v, kind);
  }

  /** Whether machine `id` (below n) is of type `type`: a compiled quantifier's loops take those. */
  isType(b: Uint8Array, id: number, type: number): boolean {
    return bytes.uintAt(b, this.mo[id]!) === type;
  }

  /**
   * `forall t in c` (`forall`) or `exists t in c` over a collection of tuples
   * (tupleElements' values, `arity` fields each, at most four).
   */
  quantifyTuples(
    values: readonly number[],
    arity: number,
    forall: boolean,
    body: (f0: number, f1: number, f2: number, f3: number) => boolean,
  ): boolean {
    for (let i = 0; i < values.length; i += arity)
      if (!body(values[i]!, values[i + 1]!, values[i + 2]!, values[i + 3]!) === forall) return !forall;
    return forall;
  }

  every(b: Uint8Array, type: number, body: (id: number) => boolean): boolean {
    for (let id = 0; id < this.n; id++) if (bytes.uintAt(b, this.mo[id]!) === type && !body(id)) return false;
    return true;
  }

  some(b: Uint8Array, type: number, body: (id: number) => boolean): boolean {
    for (let id = 0; id < this.n; id++) if (bytes.uintAt(b, this.mo[id]!) === type && body(id)) return true;
    return false;
  }
}

/** Where the variables of the machine part at `p` start: after its type, state and status, and armed timers (`timed` types). */
export function varsStart(b: Uint8Array, p: number, timed: boolean, kept: readonly VarLayout[]): number {
  p = bytes.uintEnd(b, bytes.uintEnd(b, p));
  if (timed) p = bytes.uintEnd(b, p);
  // Out of line: small enough for V8 to inline where it is hot (a compiled invariant's varAt).
  return kept.length === 0 ? p : skipKept(b, p, kept);
}

/** Where a kept constructor payload (ByteProgram.kept) at `p` ends. */
function skipKept(b: Uint8Array, p: number, kept: readonly VarLayout[]): number {
  for (let i = 0; i < kept.length; i++) p = bytes.varEnd(b, p, kept[i]!);
  return p;
}

/** Where the machine part at `p` ends (varsStart, then its variables as `layout` says). */
export function skipMachine(
  b: Uint8Array,
  p: number,
  layout: readonly VarLayout[],
  timed: boolean,
  kept: readonly VarLayout[],
): number {
  // varsStart, written out: this runs for every machine of every state expanded.
  p = bytes.uintEnd(b, bytes.uintEnd(b, p));
  if (timed) p = bytes.uintEnd(b, p);
  if (kept.length !== 0) p = skipKept(b, p, kept);
  for (let k = 0; k < layout.length; k++) p = bytes.varEnd(b, p, layout[k]!);
  return p;
}
