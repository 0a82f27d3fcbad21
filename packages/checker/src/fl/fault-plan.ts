// A test's faults (its `with faults { ... }` block, or the `--faults` option)
// as lookup tables for the executor, and the parser of the `--faults` text.
import {
  didYouMean,
  type Expr,
  type FaultDecl,
  type IrFault,
  type IrProgram,
  parse,
  type Span,
} from "@faultline/lang";

export interface FaultPlan {
  readonly faults: readonly IrFault[];
  /** `reorder`: any message in flight to a machine may be delivered next. */
  readonly reorder: boolean;
  /** Budgets in the initial state, by position in `faults` (0 for reorder). */
  readonly budgets: readonly number[];
  /** Per event index: positions of the drop faults that may lose it. */
  readonly drops: readonly (readonly number[])[];
  /** Per event index: positions of the duplicate faults that may copy it. */
  readonly duplicates: readonly (readonly number[])[];
  /** Per machine type index: positions of the crash faults on it. */
  readonly crashes: readonly (readonly number[])[];
  /** Per machine type index: a crashed instance may restart (some crash fault on it says `then restart`). */
  readonly restarts: readonly boolean[];
  /** Positions of the partition faults. */
  readonly partitions: readonly number[];
  /** Steps name their fault (`f`) only when several faults of their kind exist. */
  readonly nameFault: { readonly drop: boolean; readonly duplicate: boolean; readonly crash: boolean };
}

export function buildFaultPlan(ir: IrProgram, faults: readonly IrFault[]): FaultPlan {
  const eventIndex = new Map(ir.events.map((e) => [e.name, e.index]));
  const machineIndex = new Map(ir.machines.map((m) => [m.name, m.index]));
  const drops: number[][] = ir.events.map(() => []);
  const duplicates: number[][] = ir.events.map(() => []);
  const crashes: number[][] = ir.machines.map(() => []);
  const restarts = ir.machines.map(() => false);
  const partitions: number[] = [];
  const count = { drop: 0, duplicate: 0, crash: 0 };
  let reorder = false;
  const budgets: number[] = [];
  faults.forEach((f, pos) => {
    switch (f.kind) {
      case "reorder":
        reorder = true;
        budgets.push(0);
        return;
      case "drop":
      case "duplicate": {
        count[f.kind]++;
        const table = f.kind === "drop" ? drops : duplicates;
        const events =
          f.events === null ? ir.events.map((e) => e.index) : f.events.map((n) => eventIndex.get(n));
        for (const e of events) {
          if (e === undefined) throw new Error("internal: fault names an unknown event");
          table[e]!.push(pos);
        }
        budgets.push(f.atMost);
        return;
      }
      case "crash": {
        count.crash++;
        const t = machineIndex.get(f.machine);
        if (t === undefined) throw new Error(`internal: crash fault names unknown machine ${f.machine}`);
        crashes[t]!.push(pos);
        if (f.restart) restarts[t] = true;
        budgets.push(f.atMost);
        return;
      }
      case "partition":
        partitions.push(pos);
        budgets.push(f.atMost);
        return;
    }
  });
  return {
    faults,
    reorder,
    budgets,
    drops,
    duplicates,
    crashes,
    restarts,
    partitions,
    nameFault: { drop: count.drop > 1, duplicate: count.duplicate > 1, crash: count.crash > 1 },
  };
}

export type ParseFaultsResult = { ok: true; faults: IrFault[] } | { ok: false; message: string };

const OPTION_FILE = "<--faults>";
const PREFIX = "test Faults [main = Main] with faults {\n";

/**
 * Parses the text of the `--faults` command-line option, written like the
 * body of a `with faults { ... }` block (the last `;` may be left out):
 * `drop Voted at most 1; crash Participant at most 1 then restart`.
 * Event and machine names are checked against the program; budgets must be
 * non-negative int literals. Errors come back as data, never thrown.
 */
export function parseFaultsOption(text: string, ir: IrProgram, testName?: string): ParseFaultsResult {
  const body = text.trimEnd();
  const source = `${PREFIX}${body}${body.trim() === "" || body.endsWith(";") ? "" : ";"}\n};\n`;
  const parsed = parse({ path: OPTION_FILE, text: source });
  const where = (span: Span) => {
    // Columns of the first line of the body are those of the option text.
    const line = span.start.line - 1;
    return line <= 1 ? `column ${span.start.col}` : `line ${line}, column ${span.start.col}`;
  };
  const first = parsed.diagnostics.find((d) => d.severity === "error");
  if (first) {
    // The wrapper is not the user's: speak of faults, not of a test declaration.
    const message = first.message
      .replace(/^expected '\}'/, "expected a fault (drop, duplicate, reorder, crash or partition)")
      .replace(/ in the test declaration/, "");
    return { ok: false, message: `--faults: ${message} (at ${where(first.span)})` };
  }
  const test = parsed.program.decls.find((d) => d.kind === "TestDecl");
  if (test?.kind !== "TestDecl") return { ok: false, message: "--faults: cannot read the faults" };
  const faults: IrFault[] = [];
  const events = new Set(ir.events.map((e) => e.name));
  const machines = new Set(ir.machines.map((m) => m.name));
  // A budget may name an int param: its value in the test being checked (as in a test's own faults block).
  const checked = ir.tests.find((t) => t.name === testName);
  // Only the params the test binds (`Name(n=2,k=1)`) have a value there, as in a test's own faults block.
  const bound = new Set(
    (/\((.*)\)$/.exec(checked?.name ?? "")?.[1] ?? "").split(",").map((b) => b.slice(0, b.indexOf("="))),
  );
  const params = new Map(
    ir.params.map((p) => [
      p.name,
      { type: p.type.kind, value: bound.has(p.name) ? checked?.paramValues[p.name] : undefined },
    ]),
  );
  for (const f of test.faults) {
    const converted = convertFault(f, events, machines, params, testName);
    if (typeof converted !== "string" && !("problem" in converted)) {
      faults.push(converted);
      continue;
    }
    const problem = typeof converted === "string" ? { message: converted, span: f.span } : converted.problem;
    return { ok: false, message: `--faults: ${problem.message} (at ${where(problem.span)})` };
  }
  return { ok: true, faults };
}

type FaultProblem = { problem: { message: string; span: Span } };

function unknownName(what: string, name: { name: string; span: Span }, known: Set<string>): FaultProblem {
  const hint = didYouMean(name.name, known);
  return {
    problem: { message: `unknown ${what} '${name.name}'${hint ? ` (${hint})` : ""}`, span: name.span },
  };
}

function convertFault(
  f: FaultDecl,
  events: Set<string>,
  machines: Set<string>,
  params: ReadonlyMap<string, { type: string; value: number | boolean | string | undefined }>,
  testName: string | undefined,
): IrFault | FaultProblem | string {
  const budget = (e: Expr): number | FaultProblem => {
    let x = e;
    while (x.kind === "Paren") x = x.expr;
    const problem = (message: string): FaultProblem => ({ problem: { message, span: x.span } });
    if (x.kind === "Name") {
      const param = params.get(x.name.name);
      if (param === undefined) return unknownName("param", x.name, new Set(params.keys()));
      const name = x.name.name;
      if (param.type !== "int") return problem(`param '${name}' is ${param.type}; a fault budget is an int`);
      const v = param.value;
      if (typeof v !== "number")
        return problem(
          testName === undefined
            ? `param '${name}' has no value here: name the test with --test`
            : `param '${name}' has no value in test '${testName}' (its test param (...) does not bind it)`,
        );
      if (v < 0)
        return problem(`param '${name}' is ${v} in test '${testName}'; a fault budget must be non-negative`);
      return v;
    }
    if (x.kind !== "IntLit")
      return problem("a fault budget must be a non-negative int literal or an int param");
    return x.value;
  };
  switch (f.kind) {
    case "DropFault":
    case "DuplicateFault": {
      const unknown = f.events.find((e) => !events.has(e.name));
      if (unknown) return unknownName("event", unknown, events);
      const atMost = budget(f.atMost);
      if (typeof atMost !== "number") return atMost;
      return {
        kind: f.kind === "DropFault" ? "drop" : "duplicate",
        events: f.events.length > 0 ? f.events.map((e) => e.name) : null,
        atMost,
        span: f.span,
      };
    }
    case "ReorderFault":
      return { kind: "reorder", span: f.span };
    case "CrashFault": {
      if (!machines.has(f.machine.name)) return unknownName("machine", f.machine, machines);
      const atMost = budget(f.atMost);
      if (typeof atMost !== "number") return atMost;
      return { kind: "crash", machine: f.machine.name, atMost, restart: f.restart, span: f.span };
    }
    case "PartitionFault": {
      const atMost = budget(f.atMost);
      if (typeof atMost !== "number") return atMost;
      return { kind: "partition", atMost, span: f.span };
    }
  }
}
