// `faultline check` of a model without foreign functions must not load the
// TypeScript compiler (~0.6 s of start-up): a fresh Node process imports the
// built lang and checker (dist/, as the CLI does), compiles, builds and
// explores a model, then lists what of node_modules/typescript is in the
// module cache (CommonJS modules land there whether required or imported).
// Models with foreign functions do load it, and without it installed get a
// diagnostic. Needs the build (`npm test` runs `tsc -b` first).
import { spawnSync } from "node:child_process";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const TEST_DIR = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(TEST_DIR, "../../..");
const LANG_DIST = join(TEST_DIR, "../dist/index.js");
const CHECKER_DIST = join(TEST_DIR, "../../checker/dist/index.js");

const PROBE = `
import Module from "node:module";
import { readFileSync } from "node:fs";
const { lang, checker, model, hideTypeScript } = JSON.parse(process.env.FL_PROBE);
if (hideTypeScript) {
  // As if typescript were not installed anywhere.
  const resolveFilename = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    if (request === "typescript") {
      const error = new Error("Cannot find module 'typescript'");
      error.code = "MODULE_NOT_FOUND";
      throw error;
    }
    return resolveFilename.call(this, request, ...rest);
  };
}
const L = await import(lang);
const C = await import(checker);
const compiled = L.compileSource({ path: model, text: readFileSync(model, "utf8") });
if (!compiled.ok) throw new Error(JSON.stringify(compiled.diagnostics));
const out = {};
let foreign;
if (compiled.ir.funs.some((f) => f.foreign)) {
  const loaded = C.loadForeignImplementation(compiled.ir);
  out.diagnostics = loaded.diagnostics.map((d) => ({ code: d.code, line: d.span.start.line, col: d.span.start.col, hint: d.hint }));
  foreign = loaded.functions ?? undefined;
}
if (out.diagnostics === undefined || out.diagnostics.length === 0) {
  const built = C.buildModel(compiled.ir, compiled.ir.tests[0].name, foreign ? { foreign } : {});
  out.verdict = C.checkExhaustive(built).kind;
}
out.typescript = Object.keys(Module._cache).filter((k) => /[\\\\/]node_modules[\\\\/]typescript[\\\\/]/.test(k));
console.log(JSON.stringify(out));
`;

function probe(model: string, hideTypeScript = false) {
  const env = {
    ...process.env,
    FL_PROBE: JSON.stringify({
      lang: pathToFileURL(LANG_DIST).href,
      checker: pathToFileURL(CHECKER_DIST).href,
      model: join(ROOT, model),
      hideTypeScript,
    }),
  };
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", PROBE], {
    cwd: ROOT,
    env,
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`probe failed (${r.status}):\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").at(-1)!) as {
    verdict?: string;
    diagnostics?: { code: string; line: number; col: number; hint?: string }[];
    typescript: string[];
  };
}

describe("the TypeScript compiler is loaded only for foreign functions", () => {
  it("checking a model without foreign functions leaves it unloaded", () => {
    const r = probe("examples/ping-pong.fl");
    expect(r.verdict).toBe("pass");
    expect(r.typescript).toEqual([]);
  });

  it("a model with foreign functions loads it to check and transpile the implementation", () => {
    const r = probe("packages/checker/test/fixtures/fl/foreign.fl");
    expect(r.diagnostics).toEqual([]);
    expect(r.verdict).toBe("pass");
    expect(r.typescript).not.toEqual([]);
  });

  it("without it installed, a model with foreign functions gets FL503 at its first foreign declaration", () => {
    const r = probe("packages/checker/test/fixtures/fl/foreign.fl", true);
    expect(r.diagnostics).toEqual([
      { code: "FL503", line: 2, col: 1, hint: "install it: npm i -D typescript" },
    ]);
    expect(r.typescript).toEqual([]);
  });
});
