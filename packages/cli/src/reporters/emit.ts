// Where each CI reporter's output goes: report files under --out (stdout
// without it), annotations on stdout, the job summary to $GITHUB_STEP_SUMMARY.
// Which one may write to stdout is decided by planStdout (names.ts).
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { toGithubAnnotations, writeGithubSummary } from "./github.js";
import { toJsonSummary } from "./json.js";
import { toJUnitXml } from "./junit.js";
import type { RunReport } from "./run-report.js";
import { isCiReporter, planStdout } from "./names.js";
import { toSarif } from "./sarif.js";

/** The reporters this module emits (`pretty`, the terminal report, is written as the run goes: pretty.ts). */
export { CI_REPORTERS, type CiReporter, isCiReporter } from "./names.js";

/** File names under --out. */
export const REPORT_FILES = { json: "faultline.json", junit: "junit.xml", sarif: "faultline.sarif" } as const;

export interface EmitOptions {
  /** --out: report files go there; without it junit and sarif print to stdout. */
  outDir?: string;
  /** Standard output. */
  out: (text: string) => void;
  env?: Readonly<Record<string, string | undefined>>;
  writeFile?: (path: string, text: string) => void;
  appendFile?: (path: string, text: string) => void;
}

/**
 * Emits every requested CI reporter (others, like `pretty`, are ignored) and
 * returns the paths of the files written, job summary included.
 */
export function emitReports(report: RunReport, reporters: readonly string[], opts: EmitOptions): string[] {
  const writeFile =
    opts.writeFile ??
    ((path: string, text: string) => {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
    });
  const written: string[] = [];
  const toFileOrStdout = (name: keyof typeof REPORT_FILES, text: string) => {
    if (opts.outDir === undefined) {
      opts.out(text);
      return;
    }
    const path = join(opts.outDir, REPORT_FILES[name]);
    writeFile(path, text);
    written.push(path);
  };
  const plan = planStdout(reporters, opts.outDir !== undefined);
  // `check` refuses such a command line before running anything (parseCheckArgs).
  if (!plan.ok) throw new Error(plan.message);
  const wanted = new Set(reporters.filter(isCiReporter));
  // Fixed order, so stdout reads the same whatever the flag order.
  if (wanted.has("json")) {
    const text = `${JSON.stringify(toJsonSummary(report), null, 2)}\n`;
    // Scripts pipe the JSON summary: stdout unless github owns it; --out keeps a copy.
    if (plan.stdout === "json") opts.out(text);
    if (opts.outDir !== undefined) {
      const path = join(opts.outDir, REPORT_FILES.json);
      writeFile(path, text);
      written.push(path);
    }
  }
  if (wanted.has("junit")) toFileOrStdout("junit", toJUnitXml(report));
  if (wanted.has("sarif")) toFileOrStdout("sarif", `${JSON.stringify(toSarif(report), null, 2)}\n`);
  if (wanted.has("github")) {
    opts.out(toGithubAnnotations(report));
    const env = opts.env ?? process.env;
    if (writeGithubSummary(report, env, opts.appendFile ?? ((p, t) => appendFileSync(p, t)))) {
      written.push(env.GITHUB_STEP_SUMMARY!);
    }
  }
  return written;
}
