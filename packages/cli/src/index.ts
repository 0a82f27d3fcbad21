export { VERSION } from "./version.js";
export { emitReports } from "./reporters/emit.js";
export { toGithubAnnotations, toGithubSummary, writeGithubSummary } from "./reporters/github.js";
export { toJsonSummary } from "./reporters/json.js";
export { toJUnitXml } from "./reporters/junit.js";
export {
  type ModelErrorReport,
  type RunReport,
  type TestOutcome,
  testOutcomeFromResult,
  testProperties,
} from "./reporters/run-report.js";
export { sarifRuleId, toSarif } from "./reporters/sarif.js";
export {
  type ObserveOptions,
  type ObserveResult,
  type ObserveRun,
  observe,
} from "./observe/observe.js";
export type { Finding as ObserveFinding, InputError as ObserveInputError } from "./observe/observe-engine.js";
export { findingToItf, observeExitCode, observeRunReport, observeText } from "./observe/observe-report.js";
// The library: everything `faultline check` does, as calls (checkModel, defineModel,
// the Model interface and its capabilities, traces, replay), and the front end's entry.
export * from "@faultline/checker";
export { type CheckResult as FrontEndCheckResult, compileSource, type FrontEndResult } from "@faultline/lang";
