// Code generation: the readable TypeScript module, its transpiled JavaScript,
// and the site table that maps runtime failures back to .fl spans. The
// generated functions run here against a recording stub context (the real
// runtime is in packages/checker).
import ts from "typescript";
import { describe, expect, it } from "vitest";
import type { FlContext } from "../src/codegen/context.js";
import { compileModel, generateModelSource, RUNTIME_MODULE } from "../src/codegen/generate.js";
import { entryFunctionName, handlerFunctionName, invariantFunctionName } from "../src/codegen/names.js";
import * as runtime from "../src/codegen/runtime.js";
import { compileSource } from "../src/front-end.js";
import type { IrProgram } from "../src/ir.js";

function compile(text: string): IrProgram {
  const r = compileSource({ path: "/models/test.fl", text });
  if (!r.ok)
    throw new Error(r.diagnostics.map((d) => `${d.code} ${d.span.start.line}: ${d.message}`).join("\n"));
  return r.ir;
}

type Fn = (...args: unknown[]) => unknown;

function load(ir: IrProgram): Record<string, Fn> {
  const { js } = compileModel(ir);
  const module = { exports: {} as Record<string, Fn> };
  const require = (s: string) => {
    if (s === RUNTIME_MODULE) return runtime;
    throw new Error(`unexpected import ${s}`);
  };
  new Function("exports", "require", "module", js)(module.exports, require, module);
  return module.exports;
}

/** A context that records what the code asks for; choose always takes the value given. */
function stubContext(choice = 0) {
  const log: unknown[][] = [];
  const CONTROL = { control: true as const };
  const record = <T>(entry: unknown[], result: T): T => {
    log.push(entry);
    return result;
  };
  const ctx: FlContext = {
    this: 7,
    params: [3],
    send: (...a) => record(["send", ...a], undefined),
    announce: (...a) => record(["announce", ...a], undefined),
    raise: (...a) => record(["raise", ...a], CONTROL),
    goto: (...a) => record(["goto", ...a], CONTROL),
    halt: () => record(["halt"], CONTROL),
    newMachine: (...a) => record(["new", ...a], 42),
    choose: (n) => record(["choose", n], choice),
    chooseBool: () => record(["chooseBool"], choice === 1),
    // A runtime that never forks answers a fork site as a choose.
    fork: (n) => record(["choose", n], choice),
    assertFailed: (site, message) => {
      throw new Error(`assert ${site}: ${message}`);
    },
    startTimer: (t) => void log.push(["startTimer", t]),
    cancelTimer: (t) => void log.push(["cancelTimer", t]),
    tick: () => {},
    instances: () => [],
    machineVar: () => 0,
    inState: () => false,
    inflight: () => 0,
  };
  return { ctx, log };
}

const TWO_PHASE = `
enum Vote { Yes, No }
event Prepare: (coordinator: Coordinator, tx: int);
event Voted: (from: Participant, tx: int, vote: Vote);
machine Coordinator {
  var participants: seq[Participant];
  var yes: set[Participant];
  start state Init {
    entry (ps: seq[Participant]) { participants = ps; goto Collecting; }
  }
  state Collecting {
    entry {
      foreach (p in participants) { send p, Prepare, (coordinator = this, tx = 1); }
      start timer VoteTimeout;
    }
    on Voted do (v) {
      if (v.vote == No) { goto Done; }
      yes += (v.from);
      assert sizeof(yes) <= sizeof(participants), "too many yes votes";
    }
    on timeout VoteTimeout goto Done;
  }
  state Done { ignore Voted; }
}
machine Participant {
  start state Working {
    on Prepare do (req) {
      var vote: Vote;
      vote = choose({Yes, No});
      send req.coordinator, Voted, (from = this, tx = req.tx, vote = vote);
    }
  }
}
machine Setup {
  start state Boot { entry { new Coordinator([new Participant()]); } }
}
invariant YesVotersAreParticipants:
  forall c: Coordinator :: forall p in c.yes :: p in c.participants;
test T [main = Setup];
`;

describe("generated TypeScript", () => {
  const ir = compile(TWO_PHASE);
  const source = generateModelSource(ir);

  it("declares exported types for enums, event payloads, variables and states", () => {
    expect(source).toContain("export enum Vote {\n    Yes = 0,\n    No = 1\n}");
    expect(source).toContain("export enum Events {\n    Prepare = 0,\n    Voted = 1\n}");
    expect(source).toContain(
      'export type VotedPayload = readonly [from: MachineRef<"Participant">, tx: number, vote: Vote];',
    );
    expect(source).toContain(
      'export type PreparePayload = readonly [coordinator: MachineRef<"Coordinator">, tx: number];',
    );
    expect(source).toContain(
      'export type CoordinatorVars = [\n    participants: readonly MachineRef<"Participant">[],\n    yes: FlSet<MachineRef<"Participant">>\n];',
    );
    expect(source).toContain("export enum CoordinatorState {");
    expect(source).toContain(
      "export type Message = { event: Events.Prepare; payload: PreparePayload; } | { event: Events.Voted; payload: VotedPayload; };",
    );
  });

  it("writes one readable function per action, with the payload alias and numbers named in comments", () => {
    expect(source).toContain(
      "export function Participant$Working$on$Prepare(ctx: Ctx, self: ParticipantVars, req: PreparePayload): void {",
    );
    expect(source).toContain("let vote: Vote = 0 /* Vote.Yes */;");
    expect(source).toContain(
      "if (v[2 /* vote */] === 1 /* Vote.No */) {\n        return ctx.goto(2 /* Done */, null);",
    );
    expect(source).toContain("self[1 /* yes */] = rt.setAdd(self[1 /* yes */], v[0 /* from */]);");
    expect(source).toContain("ctx.startTimer(0 /* VoteTimeout */);");
    expect(source).toMatch(/\/\*\* Coordinator\.Collecting: on Voted do \(test\.fl:\d+\) \*\//);
  });

  it("types what --strict needs: actions that goto/raise/halt return the ControlTransfer, untyped reads are cast", () => {
    expect(source).toContain('import type { ControlTransfer, FlContext as Ctx } from "faultline/runtime";');
    expect(source).toContain('import * as rt from "faultline/runtime";');
    expect(source).toContain(
      "export function Coordinator$Collecting$on$Voted(ctx: Ctx, self: CoordinatorVars, v: VotedPayload): ControlTransfer | void {",
    );
    // another machine's variable, read in an invariant
    expect(source).toMatch(
      /for \(let p of rt\.scan\(\(ctx\.machineVar\(c, 0 \/\* Coordinator \*\/, 1 \/\* yes \*\/, \d+\) as FlSet<MachineRef<"Participant">>\)\)\)/,
    );
    // a constant set is built once, with its type
    expect(source).toContain("const $set0: FlSet<Vote> = rt.setOf([0 /* Vote.Yes */, 1 /* Vote.No */]);");
  });

  it("is syntactically valid TypeScript", () => {
    const sf = ts.createSourceFile("model.ts", source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const diagnostics = (sf as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics;
    expect(diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"))).toEqual([]);
  });
});

describe("generated JavaScript", () => {
  const ir = compile(TWO_PHASE);
  const compiled = compileModel(ir);
  const fns = load(ir);

  it("exports a function per entry, handler and invariant under the names the runtime computes", () => {
    for (const name of [
      entryFunctionName("Coordinator", "Init"),
      entryFunctionName("Coordinator", "Collecting"),
      handlerFunctionName("Coordinator", "Collecting", "Voted"),
      handlerFunctionName("Participant", "Working", "Prepare"),
      invariantFunctionName("YesVotersAreParticipants"),
    ]) {
      expect(typeof fns[name]).toBe("function");
    }
    // a plain `on E goto S` and `ignore` need no code
    expect(fns[handlerFunctionName("Coordinator", "Done", "Voted")]).toBeUndefined();
  });

  it("runs a handler as straight-line code over the context", () => {
    const { ctx, log } = stubContext(1);
    fns[handlerFunctionName("Participant", "Working", "Prepare")]!(ctx, [], [3, 1]);
    // choose over the set {Yes, No} (sorted), value 1 = No; send to the coordinator with a named tuple
    expect(log).toEqual([
      ["choose", 2],
      ["send", 3, 1, [7, 1, 1], expect.any(Number)],
    ]);
  });

  it("a handler's first choose may fork: the handler returns there, and its resume function runs the rest", () => {
    // Work before the choose (an announce), so that codegen makes a fork there.
    const ir = compile(`
enum Vote { Yes, No }
event Prepare: (coordinator: Voter, tx: int);
event Voted: (tx: int, vote: Vote);
machine Voter {
  start state Working {
    on Prepare do (req) {
      var vote: Vote;
      announce Voted, (tx = 0, vote = Yes);
      vote = choose({Yes, No});
      send req.coordinator, Voted, (tx = req.tx, vote = vote);
    }
  }
}
test T [main = Voter];`);
    const { sites } = compileModel(ir);
    const prepare = load(ir)[handlerFunctionName("Voter", "Working", "Prepare")]!;
    const { ctx, log } = stubContext();
    let resume: Fn = () => {};
    let locals: readonly unknown[] = [];
    ctx.fork = (n, _site, rest, frame) => {
      log.push(["fork", n]);
      resume = rest as Fn;
      locals = frame;
      return -1;
    };
    prepare(ctx, [], [3, 1]);
    expect(log.map((entry) => entry[0])).toEqual(["announce", "fork"]);
    expect(log[1]).toEqual(["fork", 2]);
    expect(locals).toEqual([[3, 1], 0, [0, 1]]); // req, vote, the set chosen from
    // Each value, resumed: what a run from the start with that choice does after its choose
    // (the resume function's copy of a statement has a site of its own, at the same span).
    const spanned = (entries: unknown[][]) =>
      entries.map((e) => (e[0] === "send" ? [...e.slice(0, 4), sites[e[4] as number]] : e));
    for (const value of [0, 1]) {
      log.length = 0;
      resume(ctx, [], value, locals);
      const straight = stubContext(value);
      prepare(straight.ctx, [], [3, 1]);
      expect(straight.log[1]).toEqual(["choose", 2]);
      expect(spanned(log)).toEqual(spanned(straight.log.slice(2)));
      expect(log).toEqual([["send", 3, 1, [1, value], expect.any(Number)]]);
    }
  });

  it("goto ends the handler; entry parameters and machine variables work", () => {
    const { ctx, log } = stubContext();
    const self: runtime.Value[] = [[], []];
    fns[entryFunctionName("Coordinator", "Init")]!(ctx, self, [1, 2]);
    expect(self[0]).toEqual([1, 2]);
    expect(log).toEqual([["goto", 1, null]]);
    log.length = 0;
    fns[entryFunctionName("Coordinator", "Collecting")]!(ctx, self);
    expect(log.map((l) => l.slice(0, 4))).toEqual([
      ["send", 1, 0, [7, 1]],
      ["send", 2, 0, [7, 1]],
      ["startTimer", 0],
    ]);
  });

  it("maps assert and runtime-error sites to the .fl spans", () => {
    const { ctx } = stubContext();
    const voted = fns[handlerFunctionName("Coordinator", "Collecting", "Voted")]!;
    const self: runtime.Value[] = [[], []];
    // one participant, two distinct yes votes: the assert fails
    self[0] = [5];
    voted(ctx, self, [5, 1, 0]);
    let message = "";
    try {
      voted(ctx, self, [6, 1, 0]);
    } catch (e) {
      message = (e as Error).message;
    }
    const m = /^assert (\d+): too many yes votes$/.exec(message);
    expect(m).not.toBeNull();
    const site = compiled.sites[Number(m![1])]!;
    const line = TWO_PHASE.split("\n").findIndex((l) => l.includes("too many yes votes")) + 1;
    expect(site.start.line).toBe(line);
    expect(site.file).toBe("/models/test.fl");
  });

  it("lists every generated function with its source span", () => {
    const f = compiled.functions.find(
      (x) => x.name === handlerFunctionName("Participant", "Working", "Prepare"),
    );
    expect(f?.description).toBe("Participant.Working: on Prepare do");
    expect(f?.span.start.line).toBe(TWO_PHASE.split("\n").findIndex((l) => l.includes("on Prepare do")) + 1);
  });
});

describe("names and values", () => {
  it("user names that clash with JavaScript or generated names are renamed", () => {
    const ir = compile(`
enum Math { Up, Down }
enum ControlTransfer { Stay }
event E: int;
machine M {
  var self: int;
  start state S {
    entry {
      var ctx: int;
      var rt: int;
      var function: int;
      ctx = 1; rt = 2; function = 3;
      self = ctx + rt + function;
      send this, E, self;
    }
    on E do (payload) { assert payload == 6 && Up != Down; }
  }
}
test T [main = M];
`);
    const source = generateModelSource(ir);
    expect(source).toContain("export enum Math$ {");
    expect(source).toContain("export enum ControlTransfer$ {");
    expect(source).toContain("let ctx$: number = 0;");
    const { ctx, log } = stubContext();
    const self: runtime.Value[] = [0];
    load(ir)[entryFunctionName("M", "S")]!(ctx, self);
    expect(self).toEqual([6]);
    expect(log[0]!.slice(0, 4)).toEqual(["send", 7, 0, 6]);
    load(ir)[handlerFunctionName("M", "S", "E")]!(ctx, self, 6);
  });

  it("int arithmetic wraps at 32 bits; division truncates; collections keep value semantics", () => {
    const ir = compile(`
machine M {
  var big: int;
  var q: int;
  var a: set[int];
  var b: set[int];
  start state S {
    entry {
      big = 2147483647;
      big = big + 1;
      q = -7 / 2;
      a = {3, 1};
      b = a;
      b += (2);
    }
  }
}
test T [main = M];
`);
    const self: runtime.Value[] = [0, 0, [], []];
    load(ir)[entryFunctionName("M", "S")]!(stubContext().ctx, self);
    expect(self).toEqual([-2147483648, -3, [1, 3], [1, 2, 3]]);
  });
});
