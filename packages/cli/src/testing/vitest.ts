// `faultline/testing/vitest`: each planned schedule as its own vitest test
// case, so model-based tests sit in the team's normal test run. vitest is an
// optional peer dependency of faultline, imported only by this entry.
import { describe, test } from "vitest";
import { type ConformanceOptions, prepareConformance, runPlanned } from "./conformance.js";

/** The error a failing schedule's test throws: the report is its message. */
export class ConformanceError extends Error {
  constructor(report: string) {
    super(report);
    this.name = "ConformanceError";
  }
}

/** The two vitest functions the helper calls (a parameter so tests can watch what it declares). */
export interface SuiteApi {
  describe: (title: string, body: () => void) => void;
  test: { each: typeof test.each };
}

/**
 * Declares a `describe(title)` block with one test per planned schedule
 * (exhaustive, then random, then PCT), named after it (`random #3 seed 123`). A failing schedule is shrunk and its report is the test's error.
 * The model is loaded and the schedules planned when the file is collected.
 */
export function describeConformance(
  title: string,
  options: ConformanceOptions,
  api: SuiteApi = { describe, test },
): void {
  const conformance = prepareConformance(options);
  api.describe(title, () => {
    api.test.each(conformance.specs.map((spec) => ({ name: spec.name, spec })))("$name", async ({ spec }) => {
      const outcome = await runPlanned(conformance, spec);
      if (outcome.run.failure !== null) throw new ConformanceError(outcome.report);
    });
  });
}
