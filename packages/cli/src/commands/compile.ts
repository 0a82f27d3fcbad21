// `faultline compile`: print (or write) the TypeScript generated for a model,
// with its event and payload types, for reading or importing into real services.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { generateModelSource } from "@faultline/lang";
import { parseArgs } from "../args.js";
import { COMPILE_FLAGS } from "../command-specs.js";
import { readAndCompile } from "../model-loader.js";
import { ExitCode, type ExitCodeValue } from "../exit-codes.js";
import type { Io } from "../io.js";

export function runCompile(argv: readonly string[], io: Io): ExitCodeValue {
  const parsed = parseArgs(argv, COMPILE_FLAGS);
  if (!parsed.ok) {
    io.err(`faultline compile: ${parsed.message}\n`);
    return ExitCode.usage;
  }
  const [file, ...extra] = parsed.args.positionals;
  if (!file || extra.length > 0) {
    io.err(
      "faultline compile: give exactly one .fl file (usage: faultline compile <file.fl> [--out FILE])\n",
    );
    return ExitCode.usage;
  }
  const compiled = readAndCompile("compile", file, io);
  if (!compiled.ok) return compiled.code;
  const source = generateModelSource(compiled.ir);
  const out = parsed.args.flags.get("out") as string | undefined;
  if (out) {
    try {
      mkdirSync(dirname(resolve(out)), { recursive: true });
      writeFileSync(out, source);
    } catch (e) {
      io.err(`faultline compile: cannot write ${out}: ${(e as Error).message}\n`);
      return ExitCode.usage;
    }
  } else io.out(source);
  return ExitCode.pass;
}
