// Front-end throughput on a generated ~10,000-line model.
//   node --import tsx packages/lang/bench/front-end-bench.ts [lines]
// Each phase runs twice to warm up, then 5 timed runs; the median is reported.
// Later phases (type checking, lowering) plug in by adding an entry in `phases`.
//
// The compiled dist/ is timed when it is up to date (`npx tsc -b packages/cli`):
// tsx's on-the-fly transform wraps every closure in a naming helper, which makes
// the chevrotain grammar (closures everywhere) about 4x slower than the real thing.
// BENCH_SOURCES=1 times the TypeScript sources through tsx anyway.
import { existsSync, statSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import type * as LexerModule from "../src/lexer.js";
import type * as ParserModule from "../src/parser.js";
import type { SourceFile } from "../src/parser.js";
// ---- checking phases (src/check/, lower.ts, front-end.ts)
import type * as CheckModule from "../src/check/check-program.js";
import type * as FrontEndModule from "../src/front-end.js";
// ---- end of checking phases

export interface FrontEnd {
  tokenize: typeof LexerModule.tokenize;
  parse: typeof ParserModule.parse;
  // ---- checking phases
  checkProgram: typeof CheckModule.checkProgram;
  compileSource: typeof FrontEndModule.compileSource;
  // ---- end of checking phases
  origin: string;
}

export interface BenchPhase {
  name: string;
  /** Runs the whole pipeline up to and including this phase. */
  run: (file: SourceFile) => unknown;
}

export function phases(fe: FrontEnd): BenchPhase[] {
  return [
    { name: "lex", run: (file) => fe.tokenize(file) },
    { name: "lex+parse", run: (file) => fe.parse(file) },
    // ---- checking phases: name resolution and type checking, then lowering to IR too
    { name: "lex+parse+check", run: (file) => fe.checkProgram(fe.parse(file).program) },
    { name: "compileSource", run: (file) => fe.compileSource(file) },
    // ---- end of checking phases
  ];
}

const FRONT_END_FILES = [
  "lexer",
  "parser",
  "parser-grammar",
  // ---- checking phases
  "check/check-program",
  "check/check-expr",
  "check/check-stmt",
  "check/declarations",
  "check/semantic-checks",
  "lower",
  "front-end",
  // ---- end of checking phases
];

function distIsFresh(): boolean {
  return FRONT_END_FILES.every((name) => {
    const dist = fileURLToPath(new URL(`../dist/${name}.js`, import.meta.url));
    const src = fileURLToPath(new URL(`../src/${name}.ts`, import.meta.url));
    return existsSync(dist) && statSync(dist).mtimeMs >= statSync(src).mtimeMs;
  });
}

export async function loadFrontEnd(): Promise<FrontEnd> {
  const dir = distIsFresh() && process.env["BENCH_SOURCES"] !== "1" ? "dist" : "src";
  const ext = dir === "dist" ? "js" : "ts";
  const lexer = (await import(new URL(`../${dir}/lexer.${ext}`, import.meta.url).href)) as typeof LexerModule;
  const parser = (await import(
    new URL(`../${dir}/parser.${ext}`, import.meta.url).href
  )) as typeof ParserModule;
  // ---- checking phases
  const check = (await import(
    new URL(`../${dir}/check/check-program.${ext}`, import.meta.url).href
  )) as typeof CheckModule;
  const frontEnd = (await import(
    new URL(`../${dir}/front-end.${ext}`, import.meta.url).href
  )) as typeof FrontEndModule;
  // ---- end of checking phases
  return {
    tokenize: lexer.tokenize,
    parse: parser.parse,
    checkProgram: check.checkProgram,
    compileSource: frontEnd.compileSource,
    origin: dir,
  };
}

const STATES_PER_MACHINE = 8;

function workerMachine(i: number): string {
  const out: string[] = [];
  out.push(`machine Worker${i} {`);
  out.push("  var count: int;");
  out.push("  var seen: set[int];");
  out.push("  var log: seq[int];");
  out.push("  var table: map[int, bool];");
  out.push("  var color: Color;");
  out.push("  durable var total: int;");
  out.push("");
  out.push("  start state Init {");
  out.push("    entry {");
  out.push("      count = 0;");
  out.push("      color = Color.Red;");
  out.push("      goto S0;");
  out.push("    }");
  out.push("  }");
  for (let k = 0; k < STATES_PER_MACHINE; k++) {
    const next = (k + 1) % STATES_PER_MACHINE;
    out.push("");
    out.push(`  state S${k} {`);
    out.push("    entry {");
    out.push(`      count = count + ${k + 1};`);
    out.push("      log += (sizeof(log), count);");
    out.push("    }");
    out.push("    on Ping do (n) {");
    out.push(`      if (n > ${k} && !(n in seen)) {`);
    out.push("        seen += (n);");
    out.push("        total = total + n * 2 - 1;");
    out.push("      } else {");
    out.push("        table[n] = sizeof(seen) % 2 == 0 || $;");
    out.push("      }");
    out.push(`      goto S${next};`);
    out.push("    }");
    out.push("    on Pong do (p) {");
    out.push(`      count = helper(p.n, count) * ${k + 2} % 7;`);
    out.push("      if (p.flag) {");
    out.push("        color = choose({Color.Red, Color.Green, Color.Blue});");
    out.push("      }");
    out.push("    }");
    out.push(k % 2 === 0 ? "    defer Tick;" : "    ignore Tick;");
    out.push("  }");
  }
  out.push("");
  out.push("  fun helper(x: int, y: int): int {");
  out.push("    var r: int;");
  out.push("    while (r < x) {");
  out.push("      r = r + 1;");
  out.push("      if (r > y) {");
  out.push("        break;");
  out.push("      }");
  out.push("    }");
  out.push("    return r + y;");
  out.push("  }");
  out.push("}");
  out.push("");
  return out.join("\n");
}

/** A valid model of roughly `targetLines` lines. */
export function generateModel(targetLines = 10_000): { text: string; machines: number } {
  const header = [
    "// generated by packages/lang/bench/front-end-bench.ts",
    "enum Color { Red, Green, Blue }",
    "event Ping: int;",
    "event Pong: (n: int, flag: bool);",
    "event Tick;",
    "",
  ].join("\n");
  const parts = [header];
  let lines = header.split("\n").length;
  let machines = 0;
  while (lines < targetLines - 30) {
    const m = workerMachine(machines++);
    parts.push(m);
    lines += m.split("\n").length - 1;
  }
  const main: string[] = ["machine Main {", "  start state Boot {", "    entry {"];
  for (let i = 0; i < Math.min(machines, 8); i++) {
    main.push(`      send new Worker${i}(), Ping, ${i + 1};`);
  }
  main.push("    }", "  }", "}", "");
  parts.push(main.join("\n"));
  parts.push("invariant TotalsStayPositive:\n  forall w: Worker0 :: w.total >= 0 && sizeof(w.log) >= 0;\n");
  parts.push("test Generated [main = Main]: assert TotalsStayPositive;\n");
  return { text: parts.join("\n"), machines };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function runBench(targetLines = 10_000): Promise<void> {
  const fe = await loadFrontEnd();
  const { text, machines } = generateModel(targetLines);
  const file: SourceFile = { path: "generated.fl", text };
  const lineCount = text.split("\n").length;

  const check = fe.parse(file);
  if (check.diagnostics.length > 0) {
    throw new Error(`generated model does not parse cleanly: ${check.diagnostics[0]!.message}`);
  }

  console.log(
    `front-end benchmark: ${lineCount.toLocaleString("en-US")} lines, ` +
      `${text.length.toLocaleString("en-US")} chars, ${machines} machines (timing ${fe.origin}/)`,
  );
  if (fe.origin === "src" && process.env["BENCH_SOURCES"] !== "1") {
    console.log("note: dist/ is missing or stale; run `npx tsc -b packages/cli` to time the compiled code");
  }
  console.log(`${"phase".padEnd(20)}${"median ms".padStart(12)}${"lines/s".padStart(14)}`);
  for (const phase of phases(fe)) {
    for (let i = 0; i < 2; i++) phase.run(file);
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      phase.run(file);
      times.push(performance.now() - t0);
    }
    const ms = median(times);
    const perSecond = Math.round(lineCount / (ms / 1000));
    console.log(
      `${phase.name.padEnd(20)}${ms.toFixed(1).padStart(12)}${perSecond.toLocaleString("en-US").padStart(14)}`,
    );
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = process.argv[2];
  await runBench(arg === undefined ? 10_000 : Number(arg));
}
