#!/usr/bin/env node
// Checks the import rules of .dependency-cruiser.cjs (no cycles, the layering
// lang → checker → cli, no imports from test/ or bench/) over the packages'
// sources, through dependency-cruiser's API (17.x: the last line that supports
// Node 20; `npx depcruise ... --config .dependency-cruiser.cjs` gives the same).
//   node scripts/depcheck.mjs [paths...]   (default: packages/{lang,checker,cli}/src)
// packages/checker/test/import-cycles.test.ts runs the same check.
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { cruise, format } from "dependency-cruiser";
import extractDepcruiseOptions from "dependency-cruiser/config-utl/extract-depcruise-options";
import extractTSConfig from "dependency-cruiser/config-utl/extract-ts-config";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const sourcePaths = ["packages/lang/src", "packages/checker/src", "packages/cli/src"];

/**
 * Cruises `paths` (relative to `baseDir`, by default the repository root) with
 * the repository's rules; `output` is dependency-cruiser's "err" report,
 * `violations` its list. The rules match paths relative to `baseDir`.
 */
export async function depcheck(paths = sourcePaths, { baseDir = repoRoot } = {}) {
  const options = await extractDepcruiseOptions(resolve(repoRoot, ".dependency-cruiser.cjs"));
  // Paths in the config are relative to the repository root, whatever the working directory.
  const tsConfigFile = resolve(repoRoot, options.tsConfig.fileName);
  const cruiseOptions = { ...options, baseDir: resolve(repoRoot, baseDir), tsConfig: { fileName: tsConfigFile } };
  const cruised = await cruise(paths, cruiseOptions, {}, { tsConfig: extractTSConfig(tsConfigFile) });
  const result = /** @type {import("dependency-cruiser").ICruiseResult} */ (cruised.output);
  const report = await format(result, { outputType: "err" });
  return { output: /** @type {string} */ (report.output), violations: result.summary.violations };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const { output, violations } = await depcheck(args.length > 0 ? args : sourcePaths);
  process.stdout.write(output);
  process.exitCode = violations.length > 0 ? 1 : 0;
}
