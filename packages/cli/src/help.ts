// `faultline --help` and `faultline <command> --help`, written from the
// commands' usage lines and flag tables (command-specs.ts).
import type { FlagSpec } from "./args.js";
import { CHECK_FLAGS, COMMANDS, type CommandSpec } from "./command-specs.js";
import { VERSION } from "./version.js";

const EXIT_CODES = `Exit codes: 0 pass, 1 property violation, 2 deadlock/unhandled event/runtime error,
3 liveness violation, 4 model error (syntax/type), 5 bound reached without verdict,
6 replay: the trace no longer reproduces its failure, 7 replay: a different failure,
8 observe: a spec monitor still hot at the end of the input,
64 usage error (or a corrupted trace or unreadable log lines), 70 internal error. See docs/cli.md.
`;

function flagLabel(f: FlagSpec): string {
  const short = f.short ? `-${f.short}, ` : "";
  const value = f.kind === "boolean" ? "" : ` ${f.valueName ?? (f.kind === "number" ? "N" : "VALUE")}`;
  return `${short}--${f.name}${value}`;
}

function flagDescription(f: FlagSpec): string {
  if (f.kind === "list") return `${f.description} (repeatable, comma-separated)`;
  if (f.kind === "multi") return `${f.description} (repeatable)`;
  return f.description;
}

/** One `  --flag VALUE   description` line per flag, the descriptions in one column. */
export function flagLines(flags: readonly FlagSpec[]): string {
  const labels = flags.map(flagLabel);
  const width = Math.max(...labels.map((l) => l.length)) + 2;
  return flags.map((f, i) => `  ${labels[i]!.padEnd(width)}${flagDescription(f)}\n`).join("");
}

function usageLines(commands: readonly CommandSpec[]): string {
  const lines = commands.flatMap((c) => c.usage);
  const all = [...lines, { line: "faultline --help | <command> --help | --version", summary: "" }];
  const width = Math.max(...all.map((u) => u.line.length)) + 3;
  return all
    .map((u) =>
      u.summary === ""
        ? `  ${u.line}\n`
        : u.line.length + 3 > 50
          ? `  ${u.line}\n  ${"".padEnd(Math.min(width, 50))}${u.summary}\n`
          : `  ${u.line.padEnd(Math.min(width, 50))}${u.summary}\n`,
    )
    .join("");
}

/** `faultline --help`: every command, then the options of `check`. */
export const HELP = `faultline ${VERSION} — a model checker for distributed designs

Usage:
${usageLines(COMMANDS)}
Check options:
${flagLines(CHECK_FLAGS)}
${EXIT_CODES}`;

const HELP_FLAG: FlagSpec = { name: "help", short: "h", kind: "boolean", description: "this help" };

/** `faultline <command> --help`: its usage lines and its flags. */
export function commandHelp(spec: CommandSpec): string {
  let text = `Usage:\n${spec.usage.map((u) => `  ${u.line}\n      ${u.summary}\n`).join("")}`;
  spec.sections.forEach((section, i) => {
    const flags = i === spec.sections.length - 1 ? [...section.flags, HELP_FLAG] : section.flags;
    text += `\n${section.title}:\n${flagLines(flags)}`;
  });
  if (spec.name !== "init") text += `\n${EXIT_CODES}`;
  return text;
}
