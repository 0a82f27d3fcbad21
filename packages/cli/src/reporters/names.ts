// The reporters `check --reporter` accepts; the flag's description, its error
// message and `--help` are written from this list.
export const CI_REPORTERS = ["json", "junit", "sarif", "github"] as const;
export type CiReporter = (typeof CI_REPORTERS)[number];

/** Every reporter: `pretty` (the terminal report, the default) and the CI ones. */
export const REPORTERS = ["pretty", ...CI_REPORTERS] as const;
export type ReporterName = (typeof REPORTERS)[number];

export function isReporter(name: string): name is ReporterName {
  return (REPORTERS as readonly string[]).includes(name);
}

export function isCiReporter(name: string): name is CiReporter {
  return (CI_REPORTERS as readonly string[]).includes(name);
}

/** `pretty, json, junit, sarif or github`. */
export function reporterList(): string {
  return `${REPORTERS.slice(0, -1).join(", ")} or ${REPORTERS[REPORTERS.length - 1]}`;
}
