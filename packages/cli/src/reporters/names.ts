// The reporters `check --reporter` accepts; the flag's description, its error
// message and `--help` are written from this list.
export const CI_REPORTERS = ["json", "junit", "sarif", "github"] as const;
export type CiReporter = (typeof CI_REPORTERS)[number];

/** Reporters that write one file per counterexample beside its trace, so they need `--out`: the HTML page. */
export const TRACE_REPORTERS = ["html"] as const;

/** Every reporter: `pretty` (the terminal report, the default), the CI ones and the HTML page. */
export const REPORTERS = ["pretty", ...CI_REPORTERS, ...TRACE_REPORTERS] as const;
export type ReporterName = (typeof REPORTERS)[number];

export function isReporter(name: string): name is ReporterName {
  return (REPORTERS as readonly string[]).includes(name);
}

export function isCiReporter(name: string): name is CiReporter {
  return (CI_REPORTERS as readonly string[]).includes(name);
}

/** `pretty, json, junit, sarif, github or html`. */
export function reporterList(): string {
  return `${REPORTERS.slice(0, -1).join(", ")} or ${REPORTERS[REPORTERS.length - 1]}`;
}

/**
 * Who writes to stdout, decided once for `check` (docs/reporters.md, "Who
 * writes to stdout"): at most one reporter owns it, so what a script reads
 * from stdout always parses.
 * - `github` prints its annotations to stdout, always.
 * - `junit` and `sarif` print to stdout without `--out`, and to their file with it.
 * - `json` prints to stdout without `--out`; with it, to its file, and to
 *   stdout too unless `github` owns stdout.
 * - `pretty` (for people) moves to stderr when another reporter owns stdout.
 * - `html` never writes to stdout: its pages go beside the traces, so it needs `--out`.
 * Two of the others claiming stdout is a usage error naming them.
 */
export type StdoutPlan =
  | { ok: true; stdout: ReporterName | null; prettyToStderr: boolean }
  | { ok: false; message: string };

export function planStdout(reporters: readonly string[], hasOutDir: boolean): StdoutPlan {
  const wanted = new Set(reporters);
  if (wanted.has("html") && !hasOutDir) {
    return {
      ok: false,
      message: "--reporter html writes a page beside each counterexample's trace; give --out DIR for them",
    };
  }
  const claims: ReporterName[] = [];
  if (wanted.has("github")) claims.push("github");
  if (wanted.has("json") && (!hasOutDir || claims.length === 0)) claims.push("json");
  for (const r of ["junit", "sarif"] as const) if (wanted.has(r) && !hasOutDir) claims.push(r);
  if (claims.length > 1) {
    const names = `${claims.slice(0, -1).join(", ")} and ${claims[claims.length - 1]}`;
    return {
      ok: false,
      message: `--reporter ${names} would ${claims.length === 2 ? "both" : "all"} write to stdout; give --out DIR to write the json, junit and sarif reports to files`,
    };
  }
  const owner = claims[0] ?? (wanted.has("pretty") ? "pretty" : null);
  return { ok: true, stdout: owner, prettyToStderr: wanted.has("pretty") && owner !== "pretty" };
}
