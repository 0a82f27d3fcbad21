// A ModelFactory target for .fl programs, so parallel workers can each build
// the same model. The arguments carry the program as the coordinator compiled
// it (IR and generated code, plain data), so workers neither read nor compile
// the file; they build the model through FlModel.load, as the CLI does
// (load-model.ts). Workers import this module and call createFlModel(args).
import { readFileSync } from "node:fs";
import type { ModelFactory } from "../model-factory.js";
import { type ByteModel, byteModelOf } from "./bytes/byte-model.js";
import type { FixedPlan } from "./bytes/fixed-layout.js";
import { fixedModelFromPlan } from "./bytes/fixed-model.js";
import { FlModel } from "./fl-model.js";
import { generatedCode } from "./build-model.js";
import { type CompiledProgram, type ProgramInput, programWithTest } from "./load-model.js";
import type { ParamValue } from "./param-instances.js";

export interface FlFactoryArgs {
  /** Path of the .fl file (absolute, or relative to the working directory). */
  file: string;
  test: string;
  /** `--faults` text replacing the test's faults, if any. */
  faults?: string;
  /** Values for the program's params, overriding the test's (BuildModelOptions.paramOverrides). */
  params?: Record<string, ParamValue>;
  /** False: ignore the test's `symmetric (...)` (BuildModelOptions.symmetry). */
  symmetry?: boolean;
  /** Partial-order reduction (BuildModelOptions.partialOrder), so every worker builds the same model. */
  partialOrder?: boolean;
  /**
   * The program as the coordinator compiled it (FlModel.program: IR and
   * generated code, test instances built for `--param` included): workers
   * neither read nor compile the file.
   */
  program?: CompiledProgram;
  /** Else the file's text (else the file is read): flModelFactory compiles it into `program`. */
  source?: string;
  /** "bytes": the byte back end's model (bytes/byte-model.ts), which the coordinator explores too. */
  backend?: "bytes";
  /**
   * With backend "bytes": the fixed-width layout the coordinator planned
   * (bytes/fixed-model.ts), plain data: workers build their model on it, so
   * their states and fingerprints are the coordinator's.
   */
  plan?: FixedPlan;
}

export function createFlModel(args: FlFactoryArgs): FlModel | ByteModel {
  const input: ProgramInput =
    args.program !== undefined
      ? { program: args.program }
      : { file: args.file, source: args.source ?? readFileSync(args.file, "utf8") };
  const loaded = FlModel.load(input, {
    test: args.test,
    ...(args.faults !== undefined ? { faults: args.faults } : {}),
    ...(args.params !== undefined ? { params: args.params } : {}),
    ...(args.symmetry === false ? { symmetry: false } : {}),
    ...(args.partialOrder === true ? { partialOrder: true } : {}),
  });
  if (loaded.ok) {
    if (args.backend !== "bytes") return loaded.model;
    const bytes = byteModelOf(loaded.model);
    if (!bytes.ok) throw new Error(`${args.file}: not for the byte back end: ${bytes.reason}`);
    if (args.plan === undefined) return bytes.model;
    const fixed = fixedModelFromPlan(bytes.model, args.plan);
    if (!fixed.ok)
      throw new Error(`${args.file}: not for the coordinator's fixed-width layout: ${fixed.reason}`);
    return fixed.model;
  }
  // The caller built the same model before starting workers, so errors here are bugs.
  if (loaded.kind === "usage") throw new Error(loaded.message);
  throw new Error(`${args.file} does not load: ${loaded.diagnostics[0]?.message ?? ""}`);
}

/**
 * The factory description a parallel explorer sends to its workers. Without
 * `program`, the program is compiled here, once (from `source`, else from the
 * file), rather than by every worker: a worker builds a model from a
 * CompiledProgram in about a tenth of the time it takes to compile the text.
 * That happens when `args` is first read, when workers start: most checks
 * never start any. A file that cannot be read or compiled is left to the
 * workers to report.
 */
export function flModelFactory(args: FlFactoryArgs): ModelFactory {
  let carried: ModelFactory["args"] | null = null;
  return {
    module: factoryModuleHref(),
    exportName: "createFlModel",
    get args() {
      carried ??= { ...withProgram(args) } as unknown as ModelFactory["args"];
      return carried;
    },
  };
}

function withProgram(args: FlFactoryArgs): FlFactoryArgs {
  if (args.program !== undefined) return args;
  let source = args.source;
  try {
    source ??= readFileSync(args.file, "utf8");
  } catch {
    return args;
  }
  const found = programWithTest({ file: args.file, source }, args.test);
  if (!found.ok || found.test === undefined) return { ...args, source };
  const { source: _text, ...rest } = args;
  return { ...rest, program: { ir: found.ir, code: generatedCode(found.ir) } };
}

/**
 * This module's URL, for workers to import. In the published bundle this code
 * sits in a shared chunk, and the module that exports `createFlModel` by name
 * is the `fl-factory.js` entry beside it (packages/cli/scripts/bundle.mjs).
 */
function factoryModuleHref(): string {
  const here = new URL(import.meta.url);
  return /\/fl-factory\.[cm]?[jt]s$/.test(here.pathname) ? here.href : new URL("./fl-factory.js", here).href;
}
