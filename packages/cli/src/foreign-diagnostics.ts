// A model's foreign implementations checked as part of the model (FL500–FL503):
// `faultline parse` and the language server report them with the front end's
// diagnostics, as `check` would find them when loading the model.
import {
  checkForeignImplementation,
  compileSource,
  type FrontEndResult,
  hasErrors,
  type SourceFile,
} from "@faultline/lang";

/** `compiled` with its foreign implementation's diagnostics added (unchanged without foreign functions). */
export function withForeignDiagnostics(compiled: FrontEndResult): FrontEndResult {
  if (!compiled.ok || !compiled.ir.funs.some((f) => f.foreign)) return compiled;
  const foreign = checkForeignImplementation(compiled.ir).diagnostics;
  if (foreign.length === 0) return compiled;
  const diagnostics = [...compiled.diagnostics, ...foreign];
  return hasErrors(foreign) ? { ok: false, ast: compiled.ast, diagnostics } : { ...compiled, diagnostics };
}

/**
 * The foreign implementation's diagnostics for a source text whose front-end
 * diagnostics have no error (none otherwise): it compiles the text and
 * type-checks the implementation beside it, which loads TypeScript, so the
 * language server asks only for texts that declare a foreign function.
 */
export function foreignDiagnosticsOf(source: SourceFile): FrontEndResult["diagnostics"] {
  if (!/\bforeign\b/.test(source.text)) return [];
  const compiled = compileSource(source);
  if (!compiled.ok) return [];
  const checked = withForeignDiagnostics(compiled);
  return checked.diagnostics.slice(compiled.diagnostics.length);
}
