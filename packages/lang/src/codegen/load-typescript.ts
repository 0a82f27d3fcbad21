// The TypeScript compiler, loaded on first use: only a model with foreign
// functions needs it (to type-check and transpile model.foreign.ts). Loading
// it takes ~0.6 s, so nothing else may import it; a plain require (not an ESM
// import of this CommonJS package) also skips Node's export-name scan of its
// 9 MB. It is an optional peer of faultline: the user's project may have it
// instead, so the model's directory is tried too.
import { createRequire } from "node:module";
import { resolve } from "node:path";
import type ts from "typescript";

export type TypeScriptCompiler = typeof ts;

let loaded: TypeScriptCompiler | undefined;

/** The `typescript` package, from faultline's install or else from beside `near` (a file); null when neither has it. */
export function loadTypeScript(near?: string): TypeScriptCompiler | null {
  if (loaded) return loaded;
  const bases = [import.meta.url, ...(near === undefined ? [] : [resolve(near)])];
  for (const base of bases) {
    try {
      loaded = createRequire(base)("typescript") as TypeScriptCompiler;
      return loaded;
    } catch (e) {
      // Only "not installed" falls through; a broken install is an internal error.
      const error = e as NodeJS.ErrnoException;
      if (error.code !== "MODULE_NOT_FOUND" || !/'typescript'/.test(error.message)) throw e;
    }
  }
  return null;
}
