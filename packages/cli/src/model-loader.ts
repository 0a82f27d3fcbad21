// Builds the checkable model of one test the same way in check, replay and
// explore: foreign functions loaded (and type-checked) once per program, and
// command-line faults (`--faults`, or those recorded in a trace) applied.
import { buildModel, type FlModel, loadForeignImplementation, parseFaultsOption } from "@faultline/checker";
import type { Diagnostic, IrProgram } from "@faultline/lang";

export type LoadedModel =
  | { ok: true; model: FlModel }
  | { ok: false; kind: "diagnostics"; diagnostics: Diagnostic[] }
  | { ok: false; kind: "usage"; message: string };

const foreignCache = new WeakMap<IrProgram, ReturnType<typeof loadForeignImplementation>>();

export function loadTestModel(ir: IrProgram, testName: string, faultsText?: string): LoadedModel {
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
  if (faultsText !== undefined) {
    const parsed = parseFaultsOption(faultsText, ir);
    if (!parsed.ok) return { ok: false, kind: "usage", message: parsed.message };
    options.faults = parsed.faults;
  }
  return { ok: true, model: buildModel(ir, testName, options) };
}
