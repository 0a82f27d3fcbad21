// `faultline/testing`: model-based tests of an implementation against a .fl
// model (docs/conformance.md). The vitest helpers are `faultline/testing/vitest`.
export type {
  Awaitable,
  DeliveredMessage,
  ImplementationAdapter,
  InstanceRef,
  SentMessage,
  Sends,
} from "./adapter.js";
export { ConformanceConfigError } from "./adapter.js";
export {
  type Conformance,
  type ConformanceOptions,
  type ConformanceReport,
  checkConformance,
  failureReport,
  prepareConformance,
  replaySchedule,
  replayTraceFile,
  runPlanned,
  type ScheduleOutcome,
  sameConformanceFailure,
} from "./conformance.js";
export {
  type ConformanceFailure,
  type Decider,
  runSchedule,
  type ScheduleRun,
  sendText,
} from "./lockstep.js";
export { deciderOf, planSchedules, type SchedulePlan, type ScheduleSpec } from "./schedules.js";
