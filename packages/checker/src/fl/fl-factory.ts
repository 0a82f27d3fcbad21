// A ModelFactory target for .fl programs, so parallel workers can each build
// the same model: compile the file, load its foreign functions, apply the
// command-line faults. Workers import this module and call createFlModel(args).
import { readFileSync } from "node:fs";
import { compileSource } from "@faultline/lang";
import type { ModelFactory } from "../model-factory.js";
import { parseFaultsOption } from "./fault-plan.js";
import { type BuildModelOptions, buildModel, type FlModel } from "./fl-model.js";
import { loadForeignImplementation } from "./foreign-loader.js";
import { instanceFromName } from "./param-instances.js";

export interface FlFactoryArgs {
  /** Path of the .fl file (absolute, or relative to the working directory). */
  file: string;
  test: string;
  /** `--faults` text replacing the test's faults, if any. */
  faults?: string;
  /** False: ignore the test's `symmetric (...)` (BuildModelOptions.symmetry). */
  symmetry?: boolean;
  /** Partial-order reduction (BuildModelOptions.partialOrder), so every worker builds the same model. */
  partialOrder?: boolean;
}

export function createFlModel(args: FlFactoryArgs): FlModel {
  const compiled = compileSource({ path: args.file, text: readFileSync(args.file, "utf8") });
  // The caller compiled the same file before starting workers, so errors here are bugs.
  if (!compiled.ok)
    throw new Error(`${args.file} does not compile: ${compiled.diagnostics[0]?.message ?? ""}`);
  // A test instance with values the file does not list (`--param`) is rebuilt from its name.
  if (!compiled.ir.tests.some((t) => t.name === args.test)) {
    const instance = instanceFromName(compiled.ir, compiled.ast, args.test);
    if (instance) compiled.ir.tests.push(instance);
  }
  const options: BuildModelOptions = {};
  if (args.symmetry === false) options.symmetry = false;
  if (args.partialOrder === true) options.partialOrder = true;
  if (compiled.ir.funs.some((f) => f.foreign)) {
    const loaded = loadForeignImplementation(compiled.ir);
    if (loaded.functions === null) throw new Error(`${args.file}: foreign functions do not load`);
    options.foreign = loaded.functions;
  }
  if (args.faults !== undefined) {
    const parsed = parseFaultsOption(args.faults, compiled.ir, args.test);
    if (!parsed.ok) throw new Error(`--faults: ${parsed.message}`);
    options.faults = parsed.faults;
  }
  return buildModel(compiled.ir, args.test, options);
}

/** The factory description a parallel explorer sends to its workers. */
export function flModelFactory(args: FlFactoryArgs): ModelFactory {
  return {
    module: factoryModuleHref(),
    exportName: "createFlModel",
    args: { ...args } as unknown as ModelFactory["args"],
  };
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
