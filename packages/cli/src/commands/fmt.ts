// `faultline fmt [--check] <files|dirs>...`: format .fl files in place (the
// printer is lang's formatSource). `--check` writes nothing and exits 1 when a
// file is not formatted (for CI); a file with syntax errors is left alone, its
// diagnostics printed, and the exit code is 4.
import { readFileSync, writeFileSync } from "node:fs";
import { formatSource, renderDiagnostics } from "@faultline/lang";
import { parseArgs } from "../args.js";
import { FMT_FLAGS } from "../command-specs.js";
import { discoverModelFiles } from "../discover.js";
import { ExitCode, type ExitCodeValue } from "../exit-codes.js";
import { colorEnabled, type Io } from "../io.js";
import { plural } from "../plural.js";

export function runFmt(argv: readonly string[], io: Io): ExitCodeValue {
  const parsed = parseArgs(argv, FMT_FLAGS);
  if (!parsed.ok) {
    io.err(`faultline fmt: ${parsed.message}\n`);
    return ExitCode.usage;
  }
  const { positionals, flags } = parsed.args;
  if (positionals.length === 0) {
    io.err("faultline fmt: no files given (usage: faultline fmt [--check] <files|dirs>...)\n");
    return ExitCode.usage;
  }
  const found = discoverModelFiles(positionals);
  if (!found.ok) {
    io.err(`faultline fmt: ${found.message}\n`);
    return ExitCode.usage;
  }
  const check = flags.get("check") === true;
  const quiet = flags.get("quiet") === true;
  let unformatted = 0;
  let broken = 0;
  for (const file of found.files) {
    const text = readFileSync(file, "utf8");
    const result = formatSource({ path: file, text });
    if (!result.ok) {
      broken++;
      io.err(
        renderDiagnostics(result.diagnostics, (f) => (f === file ? text : undefined), {
          color: colorEnabled(io),
        }),
      );
      io.err(`\n${file}: not formatted (fix the errors first)\n`);
      continue;
    }
    if (!result.changed) continue;
    unformatted++;
    if (check) {
      io.out(`${file}: not formatted\n`);
    } else {
      writeFileSync(file, result.text);
      if (!quiet) io.out(`${file}: formatted\n`);
    }
  }
  if (!quiet) {
    const total = plural(found.files.length, "file");
    const what = check
      ? unformatted === 0
        ? "all formatted"
        : `${plural(unformatted, "file")} not formatted (run 'faultline fmt' on them)`
      : `${plural(unformatted, "file")} reformatted`;
    io.out(`${total}: ${what}${broken > 0 ? `, ${broken} with errors` : ""}\n`);
  }
  if (broken > 0) return ExitCode.modelError;
  return check && unformatted > 0 ? ExitCode.violation : ExitCode.pass;
}
