// The TypeScript `faultline compile` prints type-checks under `tsc --strict`:
// every bundled model, the valid fixtures and a program that uses every
// construct are generated and checked in memory by one ts.Program, with
// `faultline/runtime` resolved to this package's sources (not to dist). A
// hand-written file using the generated types shows they are real: wrong uses
// are rejected.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { checkForeignImplementation } from "../src/codegen/foreign.js";
import { generateModelSource } from "../src/codegen/generate.js";
import { compileSource } from "../src/front-end.js";

const TEST_DIR = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(TEST_DIR, "../../..");
const LANG_SRC = resolve(TEST_DIR, "../src");

function flFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith(".") || name === "node_modules") continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) flFiles(path, out);
    else if (name.endsWith(".fl")) out.push(path);
  }
  return out;
}

const ON_DISK = [
  ...flFiles(join(ROOT, "models")),
  ...flFiles(join(ROOT, "examples")),
  ...flFiles(join(TEST_DIR, "fixtures/valid")),
];

// Every construct the generator handles, foreign functions (with tuple results) included.
const STRESS_FL = `
enum Color { Red, Green, Blue }
enum ControlTransfer { Kept }
type Pair = (a: int, b: Color);
event Ping: (from: machine, n: int);
event Pong: Pair;
event Bag: map[int, seq[Pair]];
event Go;
param limit: int;
param label: string;
param strict: bool;
foreign fun weigh(p: Pair, xs: set[int]): (total: int, ok: bool);
foreign fun names(n: int): set[string];
foreign fun pairs(m: map[int, Pair]): seq[Pair];
foreign fun pick(xs: seq[(int, Color)]): (int, Color);

fun double(x: int): int { return x * 2; }
fun firstOr(xs: seq[Pair], d: Pair): Pair {
  if (sizeof(xs) == 0) { return d; }
  return xs[0];
}

machine Hub {
  var anyone: machine;
  var peers: seq[Worker];
  var byId: map[int, (w: Worker, tags: set[string])];
  var grid: map[(int, int), set[Worker]];
  var pair: Pair;
  var nested: (p: Pair, list: seq[Pair]);
  var colors: set[Color];
  var counts: map[Color, int];
  var clash: ControlTransfer;
  fun bump(n: int): int {
    if (n > 100) { goto Done; }
    counts[Red] = n;
    return n + 1;
  }
  start state Init {
    entry {
      var w: Worker;
      var i: int;
      var t: (int, Color);
      var all: seq[Pair];
      w = new Worker(this);
      anyone = w;
      w = anyone;
      peers += (0, w);
      peers[0] = anyone;
      byId[1] = (w = w, tags = {"x"});
      byId[1].tags += ("y");
      grid[(1, 2)] = {w};
      grid[(1, 2)] += (w);
      grid -= ((3, 4));
      pair = (a = 1, b = Green);
      pair.a = pair.a + limit;
      nested.p.b = Blue;
      nested.list += (0, pair);
      nested.list[0].a = 3;
      nested.list -= (0);
      all = [pair, (a = 2, b = Red)];
      all += (sizeof(all), nested.list[0]);
      colors = {Red, Blue};
      colors -= (Red);
      counts += (Green, 2);
      counts -= (Blue);
      t = (1, Red);
      t.1 = Blue;
      t = pick([t, (2, Green)]);
      i = sizeof(peers) + sizeof(keys(byId)) + sizeof(values(grid)) + bump(3);
      if (choose(colors) == Red || $ || choose()) { i = i - 1; } else if (strict) { i = -i; }
      i = i / 2 % 3 * choose(4);
      while (i < 10) { i += 1; if (i == 5) { break; } else { continue; } }
      foreach (k in byId) { i += k; }
      foreach (c in {Red, Green}) { assert c != Blue; }
      foreach (p in all) { assert p.a >= 0 || p.b in colors; }
      assert exists p in peers :: p == w;
      assert forall k in grid :: k.0 <= k.1;
      assert choose(counts) != Blue;
      assert label + "!" != "", "strings";
      assert weigh(pair, {1, 2}).ok || weigh(pair, {}).total > 0;
      assert sizeof(names(i)) >= 0 && sizeof(pairs(default(map[int, Pair]))) >= 0;
      assert firstOr(all, pair) == pair && pair != (a = 0, b = Red) && nested.p.a < pair.a;
      assert "a" != label && w in peers && 1 in keys(byId) && (1, 2) in grid && Green in counts;
      send w, Ping, (from = this, n = double(i));
      announce Go;
      goto Running, pair;
    }
    exit { colors = {}; }
  }
  state Running {
    entry (p: Pair) { pair = p; start timer T; }
    on Pong do (p) { if (p.b == Red) { raise Go; } pair = p; }
    on Go goto Done with { cancel timer T; }
    on timeout T goto Done;
    defer Bag;
  }
  state Done {
    ignore Pong, Go;
    on Bag do (b) {
      foreach (k in b) { pair = b[k][0]; }
      if (sizeof(b) > 3) { halt; }
    }
  }
}
machine Worker {
  var hub: machine;
  start state Idle {
    entry (h: machine) { hub = h; }
    on Ping do (m) {
      send m.from, Pong, (a = m.n, b = choose({Red, Green}));
      send hub, Bag, default(map[int, seq[Pair]]);
    }
  }
}
spec Safety observes Ping, Pong {
  var seen: int;
  start cold state Waiting { on Ping do { seen += 1; } on Pong goto Hot; }
  hot state Hot { on Pong goto Waiting; on Ping do (m) { assert m.n >= 0; } }
}
invariant Sane: forall h: Hub :: sizeof(h.peers) <= 1 && (h in Running || h in Done || h in Init);
invariant Keys: forall h: Hub :: forall k in h.byId :: k > 0 && h.pair.a >= limit - 100;
invariant Flight: inflight(Ping) + inflight(Pong, default(Hub)) >= 0 && exists c in {Red} :: c == Red;
test Stress [main = Hub]: assert Sane, Keys, Flight, Safety;
`;

const STRESS_FOREIGN_TS = `
export function weigh(p: readonly [a: number, b: number], xs: readonly number[]): readonly [total: number, ok: boolean] {
  return [p[0] + xs.length, p[1] === 0];
}
export function names(n: number): readonly string[] {
  return [String(n)];
}
export function pairs(m: readonly (readonly [number, readonly [a: number, b: number]])[]): readonly (readonly [a: number, b: number])[] {
  return m.map((e) => e[1]);
}
export function pick(xs: readonly (readonly [number, number])[]): readonly [number, number] {
  return xs[0] ?? [0, 0];
}
`;

/** A module written against the stress program's generated types: `// wrong` marks each line that must not compile. */
const USAGE_TS = `
import type { FlContext } from "faultline/runtime";
import * as rt from "faultline/runtime";
import {
  Color,
  Events,
  Hub$Running$on$Pong,
  type HubVars,
  type MachineRef,
  type Message,
  type PongPayload,
} from "./typecheck-stress.generated.js";

declare const ctx: FlContext;
declare const self: HubVars;
declare const hub: MachineRef<"Hub">;
declare const worker: MachineRef<"Worker">;

export const pong: PongPayload = [1, Color.Green];
export const ping: Message = { event: Events.Ping, payload: [hub, 2] };
export const anyone: MachineRef = worker;
export const back: MachineRef<"Worker"> = anyone;
export const firstPeer: MachineRef<"Worker"> = rt.seqGet(self[1], 0, 0);
Hub$Running$on$Pong(ctx, self, pong);

export const badPayload: PongPayload = ["1", Color.Green]; // wrong: a string for an int
export const badRef: MachineRef<"Hub"> = worker; // wrong: a Worker is not a Hub
export const badColor: Color = 7; // wrong: not a Color
export const badMessage: Message = { event: Events.Go, payload: 1 }; // wrong: Go carries nothing
export const badRead: string = rt.mapGet(self[7], Color.Red, 0); // wrong: counts maps to int
export const badPeers: HubVars[1] = [hub]; // wrong: peers is seq[Worker]
Hub$Running$on$Pong(ctx, self, [1, "Red"]); // wrong: the payload is a Pair
pong[0] = 2; // wrong: values are immutable
`;

const VIRTUAL_STRESS = join(TEST_DIR, "typecheck-stress.fl");
const VIRTUAL_USAGE = join(TEST_DIR, "typecheck-usage.ts");

/** Where a model's generated module sits (beside the .fl, so `./model.foreign.js` resolves). */
function generatedPath(flPath: string): string {
  return flPath.replace(/\.fl$/, ".generated.ts");
}

const OPTIONS: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  lib: ["lib.es2022.d.ts"],
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  // The module must be erasable file by file: the checker runs the same tree printed without types (print-code.ts).
  isolatedModules: true,
  verbatimModuleSyntax: true,
  skipLibCheck: true,
  types: ["node"],
  paths: {
    "faultline/runtime": [join(LANG_SRC, "codegen/public-runtime.ts")],
  },
};

interface Generated {
  /** Generated module path -> its .fl path. */
  modules: Map<string, string>;
  /** .fl path -> its diagnostics, for a program that did not compile. */
  compileErrors: Map<string, string[]>;
  /** Every in-memory file (generated modules, the stress program's foreign module, the usage file) by path. */
  files: Map<string, string>;
}

function generateAll(): Generated {
  const files = new Map<string, string>();
  const modules = new Map<string, string>();
  const compileErrors = new Map<string, string[]>();
  const sources: [string, string][] = ON_DISK.map((p) => [p, readFileSync(p, "utf8")]);
  sources.push([VIRTUAL_STRESS, STRESS_FL]);
  for (const [path, text] of sources) {
    const r = compileSource({ path, text });
    if (!r.ok) {
      compileErrors.set(
        path,
        r.diagnostics.map((d) => `${d.code} ${d.span.start.line}: ${d.message}`),
      );
      continue;
    }
    files.set(generatedPath(path), generateModelSource(r.ir));
    modules.set(generatedPath(path), path);
  }
  files.set(VIRTUAL_STRESS.replace(/\.fl$/, ".foreign.ts"), STRESS_FOREIGN_TS);
  files.set(VIRTUAL_USAGE, USAGE_TS);
  return { modules, compileErrors, files };
}

function createProgram(files: Map<string, string>, roots: readonly string[]): ts.Program {
  const host = ts.createCompilerHost(OPTIONS, true);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  host.getSourceFile = (name, version, onError, create) => {
    const text = files.get(name);
    return text === undefined
      ? getSourceFile(name, version, onError, create)
      : ts.createSourceFile(name, text, version, true, ts.ScriptKind.TS);
  };
  host.fileExists = (name) => files.has(name) || fileExists(name);
  host.readFile = (name) => files.get(name) ?? readFile(name);
  return ts.createProgram(roots, OPTIONS, host);
}

function describeDiagnostic(d: ts.Diagnostic): string {
  const message = ts.flattenDiagnosticMessageText(d.messageText, "\n    ");
  if (!d.file || d.start === undefined) return `TS${d.code}: ${message}`;
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  const text = d.file.text.split("\n")[line]?.trim() ?? "";
  return `${relative(ROOT, d.file.fileName)}:${line + 1}:${character + 1} TS${d.code}: ${message}\n    > ${text}`;
}

function diagnosticsOf(program: ts.Program, path: string): ts.Diagnostic[] {
  const sf = program.getSourceFile(path);
  if (!sf) throw new Error(`${path} is not in the program`);
  return [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)];
}

const generated = generateAll();
let program: ts.Program | null = null;
/** One program over every generated module and the usage file, built on first use. */
function theProgram(): ts.Program {
  program ??= createProgram(generated.files, [...generated.modules.keys(), VIRTUAL_USAGE]);
  return program;
}

describe("the TypeScript `faultline compile` prints type-checks under --strict", () => {
  it("covers every bundled model and example", () => {
    expect(ON_DISK.filter((p) => p.startsWith(join(ROOT, "models"))).length).toBeGreaterThan(10);
    expect(ON_DISK.filter((p) => p.startsWith(join(ROOT, "examples"))).length).toBeGreaterThan(10);
    expect(generated.modules.size + generated.compileErrors.size).toBe(ON_DISK.length + 1);
  });

  it.each([...ON_DISK, VIRTUAL_STRESS].map((p) => relative(ROOT, p)))("%s", (file) => {
    const flPath = join(ROOT, file);
    expect(generated.compileErrors.get(flPath) ?? []).toEqual([]);
    const diagnostics = diagnosticsOf(theProgram(), generatedPath(flPath)).map(describeDiagnostic);
    expect(diagnostics, diagnostics.join("\n")).toEqual([]);
  });

  it("the stress program's foreign implementation matches its declarations", () => {
    const r = compileSource({ path: VIRTUAL_STRESS, text: STRESS_FL });
    if (!r.ok) throw new Error("the stress program does not compile");
    const check = checkForeignImplementation(r.ir, {
      fileExists: (p) => generated.files.has(p),
      readFile: (p) => generated.files.get(p),
    });
    expect(check.diagnostics.map((d) => d.message)).toEqual([]);
  });
});

describe("the generated types are real", () => {
  it("code using them compiles, and each wrong use is rejected", () => {
    const lines = USAGE_TS.split("\n");
    const wrong = lines.flatMap((l, i) => (l.includes("// wrong") ? [i + 1] : []));
    expect(wrong.length).toBe(8);
    const diagnostics = diagnosticsOf(theProgram(), VIRTUAL_USAGE);
    const rejected = [
      ...new Set(diagnostics.map((d) => d.file!.getLineAndCharacterOfPosition(d.start!).line + 1)),
    ].sort((a, b) => a - b);
    expect(rejected, diagnostics.map(describeDiagnostic).join("\n")).toEqual(wrong);
  });
});
