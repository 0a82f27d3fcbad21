// Load a program's foreign-function implementation (model.foreign.ts): checked
// and transpiled by @faultline/lang, run here in-process.
import { createRequire } from "node:module";
import { resolve } from "node:path";
import type { Diagnostic, IrProgram } from "@faultline/lang";
import {
  checkForeignImplementation,
  FOREIGN_METER_MODULE,
  type ForeignFileSystem,
  flRuntime,
} from "./lang-codegen.js";
import { loadCommonJs } from "./load-module.js";

export interface ForeignLoadResult {
  diagnostics: Diagnostic[];
  /** The implementation's exports (null when there are errors or no foreign functions). */
  functions: Record<string, unknown> | null;
}

export function loadForeignImplementation(ir: IrProgram, fs?: ForeignFileSystem): ForeignLoadResult {
  const checked = checkForeignImplementation(ir, fs);
  if (checked.js === null || checked.path === null)
    return { diagnostics: checked.diagnostics, functions: null };
  // The implementation may import other modules (node built-ins, npm packages) relative to itself.
  // The implementation is instrumented (foreign.ts): its loops and calls spend from the step's meter.
  const meter = { tick: () => flRuntime.spend(1) };
  // Its top-level code runs now, outside any step: it must not spend from the last step's meter.
  flRuntime.idleMeter();
  const functions = loadCommonJs(
    checked.js,
    { [FOREIGN_METER_MODULE]: meter },
    createRequire(resolve(checked.path)),
  );
  return { diagnostics: [], functions };
}
