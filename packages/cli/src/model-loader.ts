// Builds the checkable model of one test the same way in check, replay and
// explore: foreign functions loaded (and type-checked) once per program, and
// command-line faults (`--faults`, or those recorded in a trace) applied.
import { buildModel, type FlModel, loadForeignImplementation, parseFaultsOption } from "@faultline/checker";
import { readFileSync } from "node:fs";
import {
  compileSource,
  type Diagnostic,
  type IrProgram,
  type Program,
  renderDiagnostics,
} from "@faultline/lang";
import { ExitCode } from "./exit-codes.js";
import { colorEnabled, type Io } from "./io.js";

export type LoadedModel =
  | { ok: true; model: FlModel }
  | { ok: false; kind: "diagnostics"; diagnostics: Diagnostic[] }
  | { ok: false; kind: "usage"; message: string };

const foreignCache = new WeakMap<IrProgram, ReturnType<typeof loadForeignImplementation>>();

/** State-space reductions a command asks for (BuildModelOptions' switches). */
export interface Reductions {
  /** Symmetry reduction of tests that declare `symmetric (...)` (default true). */
  symmetry?: boolean;
  /** Partial-order reduction (default false). */
  partialOrder?: boolean;
}

export function loadTestModel(
  ir: IrProgram,
  testName: string,
  faultsText?: string,
  reductions: Reductions = {},
): LoadedModel {
  let foreign: Readonly<Record<string, unknown>> | undefined;
  if (ir.funs.some((f) => f.foreign)) {
    let loaded = foreignCache.get(ir);
    if (!loaded) {
      loaded = loadForeignImplementation(ir);
      foreignCache.set(ir, loaded);
    }
    if (loaded.functions === null) return { ok: false, kind: "diagnostics", diagnostics: loaded.diagnostics };
    foreign = loaded.functions;
  }
  const options: Parameters<typeof buildModel>[2] = {};
  if (foreign) options.foreign = foreign;
  if (reductions.symmetry === false) options.symmetry = false;
  if (reductions.partialOrder === true) options.partialOrder = true;
  if (faultsText !== undefined) {
    const parsed = parseFaultsOption(faultsText, ir, testName);
    if (!parsed.ok) return { ok: false, kind: "usage", message: parsed.message };
    options.faults = parsed.faults;
  }
  return { ok: true, model: buildModel(ir, testName, options) };
}

export type CompiledFile =
  | { ok: true; text: string; ir: IrProgram; ast: Program }
  | { ok: false; code: typeof ExitCode.usage | typeof ExitCode.modelError };

/**
 * Read and compile one model file for a command, printing what went wrong:
 * a missing file is a usage error, diagnostics make a model error.
 */
export function readAndCompile(command: string, path: string, io: Io): CompiledFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    const what =
      (e as NodeJS.ErrnoException).code === "EISDIR"
        ? `${path} is a directory; give one .fl file`
        : `no such model file: ${path}`;
    io.err(`faultline ${command}: ${what}\n`);
    return { ok: false, code: ExitCode.usage };
  }
  const compiled = compileSource({ path, text });
  if (!compiled.ok) {
    io.err(
      renderDiagnostics(compiled.diagnostics, (f) => (f === path ? text : undefined), {
        color: colorEnabled(io),
      }),
    );
    io.err("\n");
    return { ok: false, code: ExitCode.modelError };
  }
  return { ok: true, text, ir: compiled.ir, ast: compiled.ast };
}
