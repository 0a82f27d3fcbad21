// The language server's answers, in-process (src/lsp/): diagnostics equal the
// front end's for every diagnostic golden fixture; definition, references and
// rename across a bundled model; hover; the outline; completion (exactly the
// declared events after `send x,`); formatting through the formatter.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Diagnostic as FlDiagnostic } from "@faultline/lang";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { analyse } from "../src/lsp/analysis.js";
import { complete } from "../src/lsp/completion.js";
import {
  definition,
  documentSymbols,
  formatting,
  hover,
  lspDiagnostics,
  prepareRename,
  references,
  rename,
  workspaceSymbols,
} from "../src/lsp/features.js";

const repo = join(import.meta.dirname, "../../..");
const fixtures = join(repo, "packages/lang/test/fixtures/diagnostics");
const TPC = join(repo, "models/two-phase-commit/two-phase-commit.fl");
const tpcText = readFileSync(TPC, "utf8");
const tpc = analyse("file:///m/two-phase-commit.fl", "two-phase-commit.fl", tpcText);

/** The LSP position of the `nth` occurrence of `needle` in `text`, `delta` characters in. */
function at(text: string, needle: string, nth = 0, delta = 0): { line: number; character: number } {
  let i = -1;
  for (let k = 0; k <= nth; k++) {
    i = text.indexOf(needle, i + 1);
    if (i < 0) throw new Error(`no occurrence ${nth} of ${needle}`);
  }
  const offset = i + delta;
  const line = text.slice(0, offset).split("\n").length - 1;
  return { line, character: offset - (text.lastIndexOf("\n", offset - 1) + 1) };
}

/** The source text an LSP range covers. */
function textOf(
  text: string,
  r: { start: { line: number; character: number }; end: { line: number; character: number } },
) {
  const lines = text.split("\n");
  if (r.start.line !== r.end.line) throw new Error("multi-line range");
  return lines[r.start.line]!.slice(r.start.character, r.end.character);
}

describe("diagnostics", () => {
  const files = readdirSync(fixtures).filter((f) => f.endsWith(".fl"));
  it.each(files)("%s: the front end's diagnostics (its golden), unchanged", (file) => {
    const golden = JSON.parse(
      readFileSync(join(fixtures, file.replace(/\.fl$/, ".expected.json")), "utf8"),
    ) as FlDiagnostic[];
    const a = analyse(`file:///fixtures/${file}`, file, readFileSync(join(fixtures, file), "utf8"));
    const got = lspDiagnostics(a);
    expect(got).toHaveLength(golden.length);
    golden.forEach((g, i) => {
      const d = got[i]!;
      expect([d.code, d.source, d.severity]).toEqual([g.code, "faultline", g.severity === "error" ? 1 : 2]);
      // The message as the front end words it, then the hint as the CLI prints it.
      expect(d.message).toBe(g.hint === undefined ? g.message : `${g.message}\nhint: ${g.hint}`);
      expect(d.range.start).toEqual({ line: g.span.start.line - 1, character: g.span.start.col - 1 });
      expect(d.range.end).toEqual({ line: g.span.end.line - 1, character: g.span.end.col - 1 });
      expect(
        (d.relatedInformation ?? []).map((r) => [r.message, r.location.uri, r.location.range.start.line + 1]),
      ).toEqual((g.related ?? []).map((r) => [r.message, a.uri, r.span.start.line]));
    });
  });

  it("a bundled model has none", () => {
    expect(lspDiagnostics(tpc)).toEqual([]);
  });
});

describe("definition, references, rename on models/two-phase-commit", () => {
  it("an event: from a send to its declaration; every use", () => {
    const defs = definition(tpc, at(tpcText, "send coordinator, Voted", 0, 19));
    expect(defs).toHaveLength(1);
    expect(defs[0]!.range.start.line).toBe(at(tpcText, "event Voted").line);
    const refs = references(tpc, at(tpcText, "event Voted", 0, 7), false);
    // on Voted (Collecting), ignore Voted (Init, Announcing, Done), send ..., Voted
    expect(refs.map((r) => textOf(tpcText, r.range))).toEqual(Array(5).fill("Voted"));
    expect(references(tpc, at(tpcText, "event Voted", 0, 7), true)).toHaveLength(6);
  });

  it("a state: goto targets resolve to the state of the enclosing machine", () => {
    const defs = definition(tpc, at(tpcText, "goto Announcing", 0, 6));
    expect(defs[0]!.range.start.line).toBe(at(tpcText, "state Announcing").line);
    // `Finished` is a state of Participant only.
    const refs = references(tpc, at(tpcText, "state Finished", 0, 7), true);
    expect(refs.map((r) => r.range.start.line)).toEqual([
      at(tpcText, "goto Finished").line,
      at(tpcText, "goto Finished", 1).line,
      at(tpcText, "state Finished").line,
    ]);
  });

  it("a cover target names its spec and state: definition and references reach it", () => {
    const text = [
      "event Go;",
      "spec Watch observes Go { start state Idle { on Go goto Seen; } state Seen { } }",
      "machine M { start state S { entry { announce Go; } } }",
      "test T [main = M]: assert Watch cover (Watch.Seen);",
      "",
    ].join("\n");
    const a = analyse("file:///m/cover.fl", "cover.fl", text);
    expect(a.diagnostics).toEqual([]);
    const defs = definition(a, at(text, "Watch.Seen", 0, 7));
    expect(defs[0]!.range.start).toEqual(at(text, "state Seen", 0, 6));
    const refs = references(a, at(text, "state Seen", 0, 7), true);
    expect(refs.map((r) => r.range.start)).toContainEqual(at(text, "Watch.Seen", 0, 6));
    const specRefs = references(a, at(text, "spec Watch", 0, 6), true);
    expect(specRefs).toHaveLength(3);
  });

  it("machine variables, locals, handler parameters, machines in types and tests", () => {
    const group = references(tpc, at(tpcText, "var group", 0, 4), true);
    expect(group.map((r) => textOf(tpcText, r.range))).toEqual(Array(group.length).fill("group"));
    expect(group.length).toBe(6);
    const v = references(tpc, at(tpcText, "do (v)", 0, 4), true);
    expect(v).toHaveLength(2); // the parameter and `v.vote`
    const participant = references(tpc, at(tpcText, "machine Participant", 0, 8), true);
    // seq[Participant] (twice), new Participant(), event Voted's from, the invariant's binders, the declaration
    expect(participant.length).toBeGreaterThanOrEqual(6);
    const setup = definition(tpc, at(tpcText, "[main = Setup]", 0, 9));
    expect(setup[0]!.range.start.line).toBe(at(tpcText, "machine Setup").line);
    const inv = definition(tpc, at(tpcText, "assert NoSplitDecision", 0, 8));
    expect(inv[0]!.range.start.line).toBe(at(tpcText, "invariant NoSplitDecision").line);
  });

  it("rename reaches every occurrence; a keyword, a non-name or a taken name is refused", () => {
    const pos = at(tpcText, "event Decide", 0, 7);
    expect(prepareRename(tpc, pos)).toEqual({
      start: { line: pos.line, character: 6 },
      end: { line: pos.line, character: 12 },
    });
    const r = rename(tpc, pos, "Outcome");
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const edits = r.edit.changes![tpc.uri]!;
    // Apply the edits: the renamed model has no diagnostics and no 'Decide' left.
    const lines = tpcText.split("\n");
    for (const e of [...edits].sort((x, y) => y.range.start.character - x.range.start.character)) {
      const l = lines[e.range.start.line]!;
      lines[e.range.start.line] =
        l.slice(0, e.range.start.character) + e.newText + l.slice(e.range.end.character);
    }
    const renamed = lines.join("\n");
    expect(renamed.replace(/\/\/[^\n]*/g, "")).not.toMatch(/\bDecide\b/);
    expect(analyse("file:///r.fl", "r.fl", renamed).diagnostics).toEqual([]);
    expect(rename(tpc, pos, "state")).toEqual({ ok: false, message: "'state' is a keyword" });
    expect(rename(tpc, pos, "1x")).toEqual({ ok: false, message: "'1x' is not a name" });
    expect(rename(tpc, pos, "Voted")).toEqual({ ok: false, message: "'Voted' is already declared" });
  });
});

describe("events as values and casts", () => {
  const EXAMPLE = join(repo, "examples/events-as-values.fl");
  const text = readFileSync(EXAMPLE, "utf8");
  const a = analyse("file:///m/events-as-values.fl", "events-as-values.fl", text);
  const value = (h: ReturnType<typeof hover>) => (h?.contents as { value: string } | undefined)?.value ?? "";

  it("an event name used as a value is a use of the event; a variable sent as the event is a use of the variable", () => {
    expect(lspDiagnostics(a)).toEqual([]);
    const refs = references(a, at(text, "event Credit:", 0, 7), false);
    // on Credit, seen += (Credit), last = Credit, last == Credit, msg = Credit
    expect(refs.map((r) => textOf(text, r.range))).toEqual(Array(5).fill("Credit"));
    const msg = references(a, at(text, "msg: event", 0, 1), false);
    expect(msg.map((r) => r.range.start.line)).toEqual([at(text, "send p, msg, payload", 1).line]);
  });

  it("hover shows the event and any types and a cast's type", () => {
    expect(value(hover(a, at(text, "var last: event", 0, 5)))).toContain("var last: event");
    expect(value(hover(a, at(text, "notes: seq[any]", 0, 1)))).toContain("var notes: seq[any]");
    expect(value(hover(a, at(text, "box as int", 0, 0)))).toContain("box: any");
  });

  it("formatting keeps casts and the new types", () => {
    const edits = formatting(a);
    const out = edits.length === 0 ? text : edits[0]!.newText;
    expect(out).toContain("n = box as int;");
    expect(out).toContain("fun broadcast(ps: seq[machine], msg: event, payload: any) {");
  });
});

describe("hover", () => {
  const value = (h: ReturnType<typeof hover>) => (h?.contents as { value: string } | undefined)?.value ?? "";
  it("an event's payload type, a variable's type, a machine's states, a function's signature", () => {
    expect(value(hover(tpc, at(tpcText, "send coordinator, Voted", 0, 20)))).toContain(
      "event Voted: (from: Participant, vote: Vote)",
    );
    expect(value(hover(tpc, at(tpcText, "group = ps", 0, 1)))).toContain("var group: seq[Participant]");
    const machine = value(hover(tpc, at(tpcText, "new Coordinator", 0, 5)));
    expect(machine).toContain("machine Coordinator");
    expect(machine).toContain("start state Init, state Collecting, state Announcing, state Done");
    expect(value(hover(tpc, at(tpcText, "do (coordinator)", 0, 5)))).toContain("coordinator: Coordinator");
  });

  it("an expression: its type", () => {
    expect(value(hover(tpc, at(tpcText, "sizeof(group)", 0, 1)))).toContain("sizeof(group): int");
  });
});

describe("document and workspace symbols", () => {
  it("machines → states → handlers; events; properties; tests", () => {
    const symbols = documentSymbols(tpc);
    const names = symbols.map((s) => s.name);
    expect(names).toEqual(
      expect.arrayContaining([
        "Prepare",
        "Voted",
        "Coordinator",
        "Participant",
        "NoSplitDecision",
        "Reliable",
      ]),
    );
    const coordinator = symbols.find((s) => s.name === "Coordinator")!;
    expect(coordinator.children!.map((c) => c.name)).toEqual([
      "group",
      "yes",
      "next",
      "began",
      "decision",
      "Init",
      "Collecting",
      "Announcing",
      "Done",
    ]);
    const announcing = coordinator.children!.find((c) => c.name === "Announcing")!;
    expect(announcing.children!.map((c) => c.name)).toEqual(["entry", "on SendNext", "ignore Voted"]);
  });

  it("workspace symbols match by name", () => {
    const found = workspaceSymbols([tpc], "coord").map((s) => s.name);
    expect(found).toContain("Coordinator");
  });
});

describe("completion", () => {
  const labels = (text: string, marker = "|") => {
    const offset = text.indexOf(marker);
    const clean = text.slice(0, offset) + text.slice(offset + marker.length);
    const a = analyse("file:///c.fl", "c.fl", clean);
    return complete(a, offsetPos(clean, offset)).map((c) => c.label);
  };
  const offsetPos = (text: string, offset: number) => {
    const line = text.slice(0, offset).split("\n").length - 1;
    return { line, character: offset - (text.lastIndexOf("\n", offset - 1) + 1) };
  };
  const declared = ["Prepare", "Voted", "Decide", "SendNext"];
  const inTpc = (needle: string, insert: string) => {
    const i = tpcText.indexOf(needle) + needle.length;
    return `${tpcText.slice(0, i)}${insert}|${tpcText.slice(i)}`;
  };

  it("after `send x,`: exactly the declared events", () => {
    expect(labels(inTpc("group = ps;", " send this, ")).sort()).toEqual([...declared].sort());
    expect(labels(inTpc("group = ps;", " send group[0], Pr")).sort()).toEqual([...declared].sort());
  });

  it("after on / defer / ignore: the events (and `timeout` after on)", () => {
    expect(labels(inTpc("state Done {", " ignore ")).sort()).toEqual([...declared].sort());
    expect(labels(inTpc("state Done {", " defer Voted, ")).sort()).toEqual([...declared].sort());
    expect(labels(inTpc("state Done {", " on ")).sort()).toEqual([...declared, "timeout"].sort());
  });

  it("after goto: the states of the enclosing machine; after new: the machines", () => {
    expect(labels(inTpc("group = ps;", " goto ")).sort()).toEqual([
      "Announcing",
      "Collecting",
      "Done",
      "Init",
    ]);
    expect(labels(inTpc("group = ps;", " new ")).sort()).toEqual(["Coordinator", "Participant", "Setup"]);
  });

  it("after `.`: named tuple fields, enum members", () => {
    expect(labels(inTpc("if (v.vote == No) {", " v.")).sort()).toEqual(["from", "vote"]);
    expect(labels(inTpc("group = ps;", " decision = Decision.")).sort()).toEqual([
      "Abort",
      "Commit",
      "Undecided",
    ]);
  });

  it("keywords by context", () => {
    expect(labels(`${tpcText}\n|`)).toEqual(
      expect.arrayContaining(["machine", "invariant", "reachable", "test"]),
    );
    expect(labels(inTpc("state Done {", " "))).toEqual(
      expect.arrayContaining(["entry", "on", "defer", "ignore"]),
    );
  });
});

describe("formatting", () => {
  it("one edit to the formatted text; none when formatted or not parsable", () => {
    const messy = analyse("file:///f.fl", "f.fl", "event   A;\nmachine M{start state S{}}\n");
    const edits = formatting(messy);
    expect(edits).toEqual([
      {
        range: { start: { line: 0, character: 0 }, end: { line: 2, character: 0 } },
        newText: "event A;\nmachine M { start state S { } }\n",
      },
    ]);
    expect(formatting(tpc)).toEqual([]);
    expect(formatting(analyse("file:///b.fl", "b.fl", "machine {"))).toEqual([]);
  });
});

describe("half-typed text (fast-check, fixed seed)", () => {
  // Text cut and spliced at random, as while typing: every request answers, none throws.
  it("every handler answers on mutated models", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            at: fc.nat(),
            cut: fc.nat(40),
            insert: fc.constantFrom("", "{", "}", ";", "send x, ", ".", "goto ", "("),
          }),
          {
            minLength: 1,
            maxLength: 4,
          },
        ),
        fc.array(fc.nat(), { minLength: 3, maxLength: 3 }),
        (edits, probes) => {
          let text = tpcText;
          for (const e of edits) {
            const at = e.at % (text.length + 1);
            text = text.slice(0, at) + e.insert + text.slice(at + e.cut);
          }
          const a = analyse("file:///x.fl", "x.fl", text);
          lspDiagnostics(a);
          documentSymbols(a);
          formatting(a);
          for (const p of probes) {
            const offset = p % (text.length + 1);
            const line = text.slice(0, offset).split("\n").length - 1;
            const pos = { line, character: offset - (text.lastIndexOf("\n", offset - 1) + 1) };
            hover(a, pos);
            definition(a, pos);
            references(a, pos, true);
            prepareRename(a, pos);
            rename(a, pos, "Fresh");
            complete(a, pos);
          }
        },
      ),
      { seed: Number(process.env.LSP_SEED ?? 4242), numRuns: Number(process.env.LSP_RUNS ?? 80) },
    );
  });
});
