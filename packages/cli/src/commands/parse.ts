// `faultline parse`: parse and type-check, print every diagnostic, exit 4 on errors.
import { readFileSync } from "node:fs";
import { compileSource, hasErrors, renderDiagnostics } from "@faultline/lang";
import { parseArgs } from "../args.js";
import { PARSE_FLAGS } from "../command-specs.js";
import { discoverModelFiles } from "../discover.js";
import { withForeignDiagnostics } from "../foreign-diagnostics.js";
import { ExitCode, type ExitCodeValue } from "../exit-codes.js";
import { type Io, colorEnabled } from "../io.js";
import { plural } from "../plural.js";

export function runParse(argv: readonly string[], io: Io): ExitCodeValue {
  const parsed = parseArgs(argv, PARSE_FLAGS);
  if (!parsed.ok) {
    io.err(`faultline parse: ${parsed.message}\n`);
    return ExitCode.usage;
  }
  const { positionals, flags } = parsed.args;
  if (positionals.length === 0) {
    io.err("faultline parse: no files given (usage: faultline parse <files|dirs>...)\n");
    return ExitCode.usage;
  }
  const found = discoverModelFiles(positionals);
  if (!found.ok) {
    io.err(`faultline parse: ${found.message}\n`);
    return ExitCode.usage;
  }
  let failed = false;
  const json: unknown[] = [];
  for (const file of found.files) {
    const text = readFileSync(file, "utf8");
    const compiled = compileSource({ path: file, text });
    // Foreign implementations are part of the model: check them here too, as `check` would.
    const result = withForeignDiagnostics(compiled);
    if (hasErrors(result.diagnostics)) failed = true;
    if (flags.get("json")) {
      json.push({ file, ok: result.ok, diagnostics: result.diagnostics });
      continue;
    }
    if (result.diagnostics.length > 0) {
      io.err(
        renderDiagnostics(result.diagnostics, (f) => (f === file ? text : undefined), {
          color: colorEnabled(io),
        }),
      );
      io.err("\n");
    }
    if (!flags.get("quiet")) {
      const errors = result.diagnostics.filter((d) => d.severity === "error").length;
      const warnings = result.diagnostics.length - errors;
      const what = result.ok
        ? `ok (${plural(result.ir.machines.length, "machine")}, ${plural(result.ir.tests.length, "test")})`
        : plural(errors, "error");
      io.out(`${file}: ${what}${warnings ? `, ${plural(warnings, "warning")}` : ""}\n`);
    }
  }
  if (flags.get("json")) io.out(`${JSON.stringify(json, null, 2)}\n`);
  return failed ? ExitCode.modelError : ExitCode.pass;
}
