// The one way from a program and a test, with the options a command line
// gives (`--faults` text, param values, reductions, foreign functions), to the
// inputs of a model: used by the CLI (packages/cli/src/model-loader.ts) and by
// parallel workers (fl-factory.ts) alike, through FlModel.load.
import { compileSource, type Diagnostic, type IrProgram, type IrTest, type Program } from "@faultline/lang";
import { adoptGeneratedCode, type BuildModelOptions, type GeneratedCode } from "./build-model.js";
import { parseFaultsOption } from "./fault-plan.js";
import { type ForeignLoadResult, loadForeignImplementation } from "./foreign-loader.js";
import { instanceFromName, type ParamValue, withTest } from "./param-instances.js";

/** A program compiled elsewhere (the coordinator), as plain data a worker can be sent. */
export interface CompiledProgram {
  ir: IrProgram;
  code: GeneratedCode;
}

/**
 * The program: its IR (compiled in this process; with its AST, test
 * instances not listed in the file can be built from their names), its
 * source text (compiled here), or a CompiledProgram.
 */
export type ProgramInput =
  | { ir: IrProgram; ast?: Program }
  | { file: string; source: string }
  | { program: CompiledProgram };

export interface ModelRequest {
  /** The test's name; a parameterized test's instance with values the file does not list (`--param`) needs the AST. */
  test: string;
  /** `--faults` text replacing the test's faults. */
  faults?: string;
  /** Values for the program's params, overriding the test's (BuildModelOptions.paramOverrides). */
  params?: Record<string, ParamValue>;
  /** False: ignore the test's `symmetric (...)` (BuildModelOptions.symmetry). */
  symmetry?: boolean;
  /** Partial-order reduction (BuildModelOptions.partialOrder). */
  partialOrder?: boolean;
  /** Foreign functions already loaded; else loaded here (once per program) when the program declares any. */
  foreign?: Readonly<Record<string, unknown>>;
}

export type ModelInputs =
  | { ok: true; ir: IrProgram; test: IrTest; options: BuildModelOptions }
  | { ok: false; kind: "diagnostics"; diagnostics: Diagnostic[] }
  | { ok: false; kind: "usage"; message: string };

const foreignCache = new WeakMap<IrProgram, ForeignLoadResult>();

/**
 * What FlModel's constructor needs for `request`: the program's IR, the test
 * and the build options. Diagnostics when the source does not compile or the
 * foreign functions do not load; a usage error when `--faults` does not parse.
 * Throws when the program has no such test.
 */
export function modelInputs(input: ProgramInput, request: ModelRequest): ModelInputs {
  const found = programWithTest(input, request.test);
  if (!found.ok) return { ok: false, kind: "diagnostics", diagnostics: found.diagnostics };
  const { ir, test } = found;
  const options: BuildModelOptions = {};
  if (request.foreign) options.foreign = request.foreign;
  else if (ir.funs.some((f) => f.foreign)) {
    const loaded = foreignOf(ir);
    if (loaded.functions === null) return { ok: false, kind: "diagnostics", diagnostics: loaded.diagnostics };
    options.foreign = loaded.functions;
  }
  if (request.params !== undefined) options.paramOverrides = request.params;
  if (request.symmetry === false) options.symmetry = false;
  if (request.partialOrder === true) options.partialOrder = true;
  if (request.faults !== undefined) {
    const parsed = parseFaultsOption(request.faults, ir, request.test);
    if (!parsed.ok) return { ok: false, kind: "usage", message: parsed.message };
    options.faults = parsed.faults;
  }
  if (!test)
    throw new Error(`no test named ${request.test} (tests: ${ir.tests.map((t) => t.name).join(", ")})`);
  return { ok: true, ir, test, options };
}

/**
 * The program's IR, and its test named `name` if it has one: with the AST, a
 * test instance the file does not list (`--param`) is built from its name and
 * added. Diagnostics when the source does not compile.
 */
export function programWithTest(
  input: ProgramInput,
  name: string,
): { ok: true; ir: IrProgram; test: IrTest | undefined } | { ok: false; diagnostics: Diagnostic[] } {
  let ir: IrProgram;
  let ast: Program | undefined;
  if ("program" in input) {
    ir = input.program.ir;
    adoptGeneratedCode(ir, input.program.code);
  } else if ("source" in input) {
    const compiled = compileSource({ path: input.file, text: input.source });
    if (!compiled.ok) return { ok: false, diagnostics: compiled.diagnostics };
    ir = compiled.ir;
    ast = compiled.ast;
  } else {
    ir = input.ir;
    ast = input.ast;
  }
  const test = ir.tests.find((t) => t.name === name);
  if (test || !ast) return { ok: true, ir, test };
  const instance = instanceFromName(ir, ast, name);
  return instance
    ? { ok: true, ir: withTest(ir, instance), test: instance }
    : { ok: true, ir, test: undefined };
}

/** The program's foreign functions, loaded (and type-checked) once per program. */
function foreignOf(ir: IrProgram): ForeignLoadResult {
  let loaded = foreignCache.get(ir);
  if (!loaded) {
    loaded = loadForeignImplementation(ir);
    foreignCache.set(ir, loaded);
  }
  return loaded;
}
