// Builds the checkable model of one test the same way in check, replay and
// explore, and as parallel workers do (FlModel.load): foreign functions loaded
// (and type-checked) once per program, and command-line faults (`--faults`,
// or those recorded in a trace) applied.
import { byteModelOf, FlModel, fixedModelOf, type Json, type Model } from "@faultline/checker";
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

/** `--backend`: which back end computes an exhaustive search's successors. */
export const BACKENDS = ["auto", "bytes", "objects"] as const;
export type Backend = (typeof BACKENDS)[number];

/**
 * The model an exhaustive search of `model` explores: the byte back end's
 * (ADR 0015: successors on the encoded states, the same states, counts and
 * traces) where the test is one it covers and `backend` allows it, else the
 * object runtime's own. With `layout`, the byte back end runs on a
 * fixed-width layout where the test fits one (its workers build it from the
 * plan). Random and PCT searches always run on the object runtime, which
 * draws their steps. `note` says why `--backend bytes` was not
 * followed.
 */
export function searchModel(
  model: FlModel,
  backend: Backend,
  mode: string,
  /** Plan the fixed-width layout (fixed-model.ts) where the test fits one. */
  layout = false,
  /** The most time the fixed-width layout's plan may take (fixedModelOf's planMs; its own cap by default). */
  planMs?: number,
): { model: SearchedModel; bytes: boolean; layout: boolean; note: string | null } {
  // Either model's states stay inside the search, which only hands them back to the model.
  const objects = model as unknown as SearchedModel;
  if (backend === "objects") return { model: objects, bytes: false, layout: false, note: null };
  if (mode !== "exhaustive") {
    const note =
      backend === "bytes"
        ? `--backend bytes runs exhaustive searches only; --mode ${mode} runs on objects`
        : null;
    return { model: objects, bytes: false, layout: false, note };
  }
  // Where the user did not ask for it, only where no code it leaves to the object runtime could slow the search.
  const made = byteModelOf(model, backend === "bytes" ? "any" : "opaque-events");
  if (made.ok) {
    // On a fixed-width layout where the test fits one (fixed-model.ts); workers build it from its plan (fl-factory.ts).
    const fixed = layout ? fixedModelOf(made.model, planMs === undefined ? {} : { planMs }) : null;
    const chosen = fixed?.ok ? fixed.model : made.model;
    return { model: chosen as unknown as SearchedModel, bytes: true, layout: fixed?.ok === true, note: null };
  }
  const note =
    backend === "bytes"
      ? `the byte back end does not cover this test: ${made.reason}; it runs on objects`
      : null;
  return { model: objects, bytes: false, layout: false, note };
}

/** What searchModel gives: an FlModel or its ByteModel, whose states the search keeps to itself. */
export type SearchedModel = Model<unknown, Json>;

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
