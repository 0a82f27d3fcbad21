export {
  checkExhaustive,
  checkExhaustiveAsync,
  type ExhaustiveOptions,
  type ExhaustiveProgress,
} from "./search/bfs-explorer.js";
export {
  AUTO_EXHAUSTIVE_STATES,
  type CheckMode,
  type CheckModelOptions,
  type CheckModelOutcome,
  checkModel,
  type LivenessPhase,
  PARALLEL_PROBE_STATES,
} from "./search/check-model.js";
export { searchWitnesses, type WitnessOutcome, witnessVerdict } from "./search/witnesses.js";
export {
  type BoundedResult,
  type BoundReason,
  type CheckResult,
  type CheckStats,
  type DeadlockResult,
  type ErrorResult,
  type ExhaustiveStats,
  type FoundFailure,
  type PassResult,
  type RandomFinding,
  type RandomStats,
  resultKindOf,
  type UnreachedResult,
  type ViolationResult,
} from "./check-result.js";
export { InvalidStepError } from "./fl/executor.js";
export { createFlModel, type FlFactoryArgs, flModelFactory } from "./fl/fl-factory.js";
export { ByteModel, type ByteModelResult, type ByteState, byteModelOf } from "./fl/bytes/byte-model.js";
export { FixedModel, fixedModelOf, PLAN_MS, PLAN_STATES } from "./fl/bytes/fixed-model.js";
export {
  type BuildModelOptions,
  buildModel,
  FlModel,
  type FlTestInfo,
  listTests,
  spanToLocation,
} from "./fl/fl-model.js";
export type { FlState, FlStep } from "./fl/fl-state.js";
export { JsonValueError, jsonValue, MachineNames, pointerToken } from "./fl/json-values.js";
export { MonitorRunner, type MonitorRunnerOptions } from "./fl/monitor-runner.js";
export { messageText, type RefNamer, valueToJson } from "./fl/value-view.js";
export type {
  ObservedInstance,
  ObservedMessage,
  ObservedRun,
  ObservedSend,
} from "./fl/observed-step.js";
export { valueToPlainJson } from "./fl/json-values.js";
export * from "./fl/param-instances.js";
export {
  buildFaultPlan,
  type FaultPlan,
  type ParseFaultsResult,
  parseFaultsOption,
} from "./fl/fault-plan.js";
export { type ForeignLoadResult, loadForeignImplementation } from "./fl/foreign-loader.js";
export { FingerprintSet, type FingerprintSetOptions } from "./store/fingerprint-set.js";
export { type Fingerprint, fingerprint, fingerprintHex, fingerprintInto } from "./fingerprint.js";
export {
  type ForeignItfTrace,
  ITF_FORMAT_DESCRIPTION,
  type ItfWriteOptions,
  isForeignItf,
  readForeignItf,
  readItfTrace,
  toItfValue,
  traceToItf,
} from "./trace/itf.js";
export {
  collectCoverage,
  collectCoverageAsync,
  coverageToJson,
  coverageToText,
  coverageTotals,
  mergeCoverage,
} from "./coverage.js";
export { errorMessage } from "./errors.js";
export { invariantFailure } from "./failures.js";
export { checkLiveness, hasHotCycle, type LivenessOptions, type LivenessStats } from "./search/liveness.js";
export { TemperatureGauge, temperatureFailure } from "./search/liveness-temperature.js";
export * from "./model.js";
export {
  factoryModuleUrl,
  loadModelFromFactory,
  type ModelFactory,
  ModelFactoryError,
  type ModelFactoryFunction,
} from "./model-factory.js";
export {
  checkExhaustiveParallel,
  type ParallelCheckOptions,
  type ParallelExhaustiveOptions,
  type ParallelExhaustiveStats,
  type ParallelProfile,
  ParallelExplorer,
} from "./search/parallel-explorer.js";
export { PctScheduler } from "./search/pct-scheduler.js";
export { faultMixText, faultToText } from "./fl/fault-mix.js";
export {
  entriesPerShard,
  type EntryOptions,
  type EntryOutcome,
  type FaultMix,
  overMemoryBudget,
  PORTFOLIO,
  type PortfolioBudget,
  type PortfolioEntry,
  type PortfolioStrategy,
  PREFIX_STATES_PER_RUN,
  runPortfolioEntry,
  searchEntryWitnesses,
  type ShardSpec,
  shardEntries,
  shardProblem,
  strategyLabel,
  unionCoverage,
  type WalkLength,
} from "./search/portfolio.js";
export { estimateDistinct, SKETCH_SIZE, StateSketch, sketchValue } from "./search/state-sketch.js";
export { deriveSeed, isValidSeed, Prng } from "./search/prng.js";
export {
  checkRandom,
  checkRandomAsync,
  type RandomOptions,
  type RandomStrategy,
} from "./search/random-explorer.js";
export { flStepShapeProblem, type StepShapeProblem } from "./fl/step-shape.js";
export {
  checkLasso,
  checkReplay,
  confirmLasso,
  type FailureField,
  failureDifferences,
  type LassoCheck,
  type RecordedRun,
  type ReplayCheck,
  type ReplayResult,
  type ReplayVerdict,
  replayTrace,
} from "./trace/replay.js";
export {
  replayLeniently,
  shrinkScheduleAsync,
  type ShrinkOptions,
  type ShrinkResult,
  sameFailure,
  shrinkTrace,
} from "./search/shrink.js";
export {
  MAX_SHARED_CAPACITY,
  SHARED_SLOT_BYTES,
  SharedFingerprintSet,
} from "./store/shared-fingerprint-set.js";
export { StateQueue } from "./store/state-queue.js";
export {
  changeLines,
  describeChanges,
  failureToText,
  messageNamesFailure,
  formatLocation,
  TRACE_FILE_FORMAT,
  TRACE_FILE_VERSION,
  type Trace,
  type TraceFile,
  type TraceFileRead,
  type TraceMetadata,
  traceToText,
} from "./trace/trace.js";
export {
  createTraceFile,
  parseTraceFile,
  resolveTraceSource,
  type TraceFileOptions,
  serializeTraceFile,
  sourceSha256,
  traceSourcePath,
} from "./trace/trace-file.js";
export {
  formatMessage,
  formatString,
  formatValue,
  formatValueLines,
  formatValueShort,
  isEncodedValue,
} from "./value-text.js";
export {
  type InvariantRange,
  type ScenarioCoverage,
  scenarioCoverage,
  type VacuityKind,
  type VacuityWarning,
  vacuityWarnings,
} from "./vacuity.js";
