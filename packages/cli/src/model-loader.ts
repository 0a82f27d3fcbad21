// Builds the checkable model of one test the same way in check, replay and
// explore, and as parallel workers do (FlModel.load): foreign functions loaded
// (and type-checked) once per program, and command-line faults (`--faults`,
// or those recorded in a trace) applied.
import { FlModel } from "@faultline/checker";
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
  return FlModel.load(
    { ir },
    {
      test: testName,
      ...(faultsText !== undefined ? { faults: faultsText } : {}),
      ...(reductions.symmetry === false ? { symmetry: false } : {}),
      ...(reductions.partialOrder === true ? { partialOrder: true } : {}),
    },
  );
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
