// A recipe for building a model in any thread. Models hold closures and
// class instances, which cannot be posted to a worker; a factory names an ES
// module and an export that builds the model from JSON arguments, so every
// worker builds its own identical instance.
//
// TypeScript factory modules (tests, benchmarks) are loaded through tsx's ESM
// API when the running Node cannot import .ts files by itself; compiled
// models (.js, .mjs) need nothing.
import { isAbsolute } from "node:path";
import { pathToFileURL } from "node:url";
import { errorMessage } from "./errors.js";
import type { Json, Model } from "./model.js";

export interface ModelFactory {
  /** Absolute file URL (file:///...) or absolute path of an ES module. */
  module: string;
  /** The export to call: `(args) => Model` (or a promise of one). */
  exportName: string;
  /** Passed to the export; must survive structured cloning (it is JSON). */
  args: Json;
}

export type ModelFactoryFunction = (args: Json) => Model<unknown, Json> | Promise<Model<unknown, Json>>;

/** A factory that cannot be used: bad module path, missing export, or a builder that failed. */
export class ModelFactoryError extends Error {
  override readonly name = "ModelFactoryError";
}

const TYPESCRIPT_MODULE = /\.[cm]?tsx?$/;

/** The module as a file URL string, or a ModelFactoryError for a relative path. */
export function factoryModuleUrl(factory: ModelFactory): string {
  const module = factory.module;
  if (module.startsWith("file:")) return module;
  if (isAbsolute(module)) return pathToFileURL(module).href;
  throw new ModelFactoryError(
    `model factory module must be an absolute path or a file: URL, got ${JSON.stringify(module)}`,
  );
}

let tsxRegistered: Promise<void> | null = null;

/** Registers tsx's loader hooks in this thread, once. */
export function registerTypeScriptLoader(): Promise<void> {
  if (tsxRegistered === null) {
    tsxRegistered = (async () => {
      let api: { register: () => unknown };
      try {
        // A variable specifier keeps bundlers and type checkers from resolving tsx at build time.
        const specifier = "tsx/esm/api";
        api = (await import(specifier)) as { register: () => unknown };
      } catch (error) {
        throw new ModelFactoryError(
          `loading a TypeScript model factory needs the tsx package (${errorMessage(error)})`,
        );
      }
      api.register();
    })();
  }
  return tsxRegistered;
}

/**
 * Imports the factory's module. `preferTsx`: register tsx before importing a
 * .ts module (workers: a fresh thread that certainly cannot import .ts);
 * otherwise try a plain import first (vitest and `node --import tsx` already
 * handle .ts) and fall back to tsx.
 */
async function importFactoryModule(url: string, preferTsx: boolean): Promise<Record<string, unknown>> {
  const typescript = TYPESCRIPT_MODULE.test(new URL(url).pathname);
  if (typescript && preferTsx) {
    await registerTypeScriptLoader();
    return (await import(url)) as Record<string, unknown>;
  }
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (error) {
    if (!typescript || (error as { code?: unknown }).code !== "ERR_UNKNOWN_FILE_EXTENSION") throw error;
    await registerTypeScriptLoader();
    // The failed import is cached under the plain URL: ask again under another one.
    const retry = new URL(url);
    retry.searchParams.set("faultline-tsx", "1");
    return (await import(retry.href)) as Record<string, unknown>;
  }
}

function isModel(value: unknown): value is Model<unknown, Json> {
  if (typeof value !== "object" || value === null) return false;
  const model = value as { [key: string]: unknown };
  return (
    typeof model.initial === "function" &&
    typeof model.successors === "function" &&
    typeof model.encode === "function" &&
    typeof model.decode === "function" &&
    typeof model.terminal === "function" &&
    Array.isArray(model.invariants)
  );
}

/** Imports the factory's module and builds a model; every failure is a ModelFactoryError. */
export async function loadModelFromFactory(
  factory: ModelFactory,
  options: { preferTsx?: boolean } = {},
): Promise<Model<unknown, Json>> {
  const url = factoryModuleUrl(factory);
  let exports: Record<string, unknown>;
  try {
    exports = await importFactoryModule(url, options.preferTsx ?? false);
  } catch (error) {
    if (error instanceof ModelFactoryError) throw error;
    throw new ModelFactoryError(
      `cannot import model factory module ${factory.module}: ${errorMessage(error)}`,
    );
  }
  const build = exports[factory.exportName];
  if (typeof build !== "function") {
    throw new ModelFactoryError(
      `model factory module ${factory.module} has no function export ${JSON.stringify(factory.exportName)}`,
    );
  }
  let model: unknown;
  try {
    model = await (build as ModelFactoryFunction)(factory.args);
  } catch (error) {
    throw new ModelFactoryError(
      `model factory ${factory.exportName}(${argsExcerpt(factory.args)}) threw: ${errorMessage(error)}`,
    );
  }
  if (!isModel(model)) {
    throw new ModelFactoryError(`model factory ${factory.exportName} did not return a Model`);
  }
  return model;
}

/** The factory's arguments for an error message: a .fl factory carries the whole compiled program, so cut it short. */
function argsExcerpt(args: unknown): string {
  const text = JSON.stringify(args) ?? "undefined";
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
