// The neutral record of one `faultline check` run that every CI reporter
// (JUnit, SARIF, GitHub, JSON) consumes. Reporters are pure functions of it,
// so they can be tested without running the checker.
import type {
  CheckResult,
  Failure,
  Json,
  ParallelExhaustiveStats,
  RandomStats,
  ScenarioCoverage,
  SourceLocation,
  StepLabel,
  VacuityWarning,
} from "@faultline/checker";
import type { Diagnostic, IrTest } from "@faultline/lang";

export type TestOutcomeKind =
  | "pass"
  | "violation"
  | "deadlock"
  | "liveness"
  /** A witness property (`reachable`) was never reached; `failure` names it. */
  | "unreached"
  | "bounded"
  /** Ctrl-C stopped the search (`boundReason` "interrupted"): the figures are those so far. */
  | "interrupted"
  | "model-error"
  /** The checker itself failed (a Faultline bug or a model that threw): no verdict. */
  | "error";

/** The outcomes that report a failed property (`TestOutcome.failure` says which). */
export const FAILED_OUTCOMES: ReadonlySet<TestOutcomeKind> = new Set<TestOutcomeKind>([
  "violation",
  "deadlock",
  "liveness",
  "unreached",
]);

export interface TestStats {
  distinctStates: number;
  generatedStates?: number;
  maxDepth: number;
  elapsedMs: number;
  /** With partial-order reduction (`--por`): states expanded, and how many with an ample set alone. */
  expandedStates?: number;
  ampleExpansions?: number;
  /** With symmetry reduction (a test's `symmetric (...)`): the types whose instances were interchangeable. */
  symmetricTypes?: string[];
  /** "bytes" when the byte back end computed the successors (`--backend`; ADR 0015); absent: the object runtime. */
  backend?: "bytes";
  /** When worker threads ran the search: how many, what they took over from the probe, and where the time went. */
  parallel?: Pick<ParallelExhaustiveStats, "workers" | "seededStates" | "workersPrepared" | "profile">;
}

/** One step of a counterexample as reporters show it (a checker StepLabel fits). */
export type TraceStepInfo = Pick<StepLabel, "text"> & Partial<Pick<StepLabel, "kind" | "actor" | "location">>;

export interface TestOutcome {
  /** The model file, as given on the command line (relative to `RunReport.rootDir` when not absolute). */
  file: string;
  /** The test's name, `Name(n=2)` for an expanded parameterized test. */
  test: string;
  /** What the test checks: its asserted properties, then the built-in checks (see `testProperties`). */
  properties: string[];
  outcome: TestOutcomeKind;
  failure: Failure | null;
  exitCode: number;
  stats: TestStats | null;
  traceLength: number | null;
  tracePath: string | null;
  /** With `--reporter html`: the counterexample's page, written beside the trace (reporters/html.ts). */
  htmlPath?: string;
  replayCommand: string | null;
  /** The random seed; null in exhaustive mode. */
  seed: number | null;
  mode: "exhaustive" | "random";
  /** With `--expected`: whether the outcome matched expected.json (null message when it did). */
  expectation?: { matched: boolean; message: string | null };
  /** For `bounded`: which bound stopped the search. */
  boundReason?: string;
  /** For `error`: what went wrong inside the checker. */
  errorMessage?: string;
  /** Where the test is declared; used when a finding has no better location. */
  testLocation?: SourceLocation;
  /** The counterexample's steps, when the caller replayed the trace (SARIF code flows, summaries). */
  traceSteps?: TraceStepInfo[];
  /** With `--coverage`: states entered and handlers run, per machine (coverageToJson). */
  coverage?: Json;
  /** Random and PCT findings: the failing run as found and after shrinking. */
  random?: RandomFindingReport;
  /** A liveness lasso: the index of the state the last state loops back to. */
  loop?: number;
  /** The fair-cycle check after a passing exhaustive search, when the test has hot spec states. */
  liveness?: LivenessReport;
  /** The counterexample as text for logs (the checker's `traceToText`: the steps, what each changed, the failure). */
  traceText?: string;
  /** Random and PCT runs: how the walks went. */
  randomStats?: RandomRunStats;
  /** The test's `symmetric (...)` types when symmetry reduction was on, in every mode (`stats` has them for the exhaustive search only). */
  symmetricTypes?: string[];
  /** The safety search's figures when a liveness check followed it (`stats` are then the liveness check's). */
  safety?: SearchFigures;
  /** `--mode auto`: the random walks after a bounded exhaustive search (they found nothing). */
  randomPhase?: { runs: number; steps: number; elapsedMs: number };
  /** The test's witness properties (`reachable`), searched after its safety search passed. */
  witnesses?: WitnessReport[];
  /** After a pass: what never happened (a spec that never left its start state...; vacuity.ts). */
  vacuity?: VacuityWarning[];
  /** `--strict`: the vacuity warnings fail the test. */
  strict?: boolean;
  /** Per spec monitor: the states and transitions its runs covered. */
  scenario?: ScenarioCoverage[];
}

/** A witness property's outcome: reached (the shortest witness trace's length and text) or not. */
export interface WitnessReport {
  name: string;
  /** `reachable Name: expr;`, or a test's `cover (Spec.State)` target. */
  kind: "reachable" | "cover";
  reached: boolean;
  /** Steps of the shortest witness trace (shrunk in random mode). */
  traceLength: number | null;
  /** The witness trace as text (`traceToText`), for `--witnesses`. */
  traceText?: string;
  /** States (exhaustive) or steps (random) the witness search went through. */
  searched: number;
  /** Not reached because this bound stopped the witness search. */
  bound?: string;
  location?: SourceLocation;
}

/** How a random or PCT run found a failure, and the command that runs it again. */
export interface RandomFindingReport {
  run: number;
  originalLength: number;
  shrunkLength: number;
  replayCommand: string;
  strategy?: "random" | "pct";
  seed?: number;
  /** False when a replay or time budget stopped shrinking before the trace was 1-minimal. */
  shrinkMinimal?: boolean;
}

export interface RandomRunStats {
  strategy: "random" | "pct";
  seed: number;
  runs: number;
  steps: number;
  stepsPerSecond: number;
}

/** An exhaustive search's size, and with partial-order reduction how many expansions used an ample set. */
export type SearchFigures = Pick<TestStats, "distinctStates" | "expandedStates" | "ampleExpansions">;

export interface ModelErrorReport {
  file: string;
  diagnostics: Diagnostic[];
  /** With `--expected`: expected.json says this file must not compile, so it is not a failure. */
  expected?: boolean;
}

export interface RunReport {
  tool: { name: string; version: string; informationUri?: string };
  /** ISO 8601 date-time when the run started. */
  startedAt: string;
  elapsedMs: number;
  /** The run's exit code (the most severe of all tests). */
  exitCode: number;
  /**
   * The repository root (normally the working directory): SARIF URIs and
   * annotation paths are made relative to it. Relative model paths are taken
   * as relative to it already.
   */
  rootDir?: string;
  /** For JUnit's `hostname` attribute; "localhost" when absent. */
  hostname?: string;
  files: string[];
  modelErrors: ModelErrorReport[];
  tests: TestOutcome[];
  /** With `--expected`: what the comparison with expected.json could not put on a test. */
  expectations?: {
    /** Entries of expected.json that name no test declared in their file (each one fails the run). */
    undeclared: { file: string; test: string }[];
    /** Expectations compared on outcome and property only, because a reduction was switched (`--por`, `--no-symmetry`). */
    unpinned: number;
  };
  /** `--test` names that matched no test of any file. */
  unmatchedTests?: string[];
  /**
   * Ctrl-C stopped the run: the last test's outcome is "interrupted" (its
   * figures so far) and the tests after it were not checked. Exit code 130.
   */
  interrupted?: boolean;
  /** `faultline observe`: what the log held and how it was checked (docs/observe.md). */
  observe?: ObserveFigures;
}

export interface ObserveCounts {
  /** Lines read, blank ones included. */
  lines: number;
  /** Events shown to the monitors. */
  events: number;
  /** Lines whose event the mapping does not list. */
  unmapped: number;
  /** Lines whose event no selected monitor observes. */
  unobserved: number;
  /** Events of a partition after its violation (not checked). */
  afterViolation: number;
  /** Input errors, late events included. */
  inputErrors: number;
  /** Events older than one already checked, beyond --reorder-window (also input errors). */
  late: number;
  /** Partitions seen (created, counting one again after it returned to its start). */
  partitions: number;
  /** The most partitions in progress at once. */
  peakPartitions: number;
  /** Findings beyond MAX_FINDINGS, counted only. */
  moreFindings: number;
}

/** The figures of a `faultline observe` run: its input, its specs, the counts and the speed. */
export interface ObserveFigures extends ObserveCounts {
  input: string;
  specs: string[];
  partitionBy: string | null;
  violations: number;
  unresolved: number;
  /** Reading and checking the log, without compiling the model. */
  streamMs: number;
  /** Its CPU time, every thread of the process (GC included). */
  streamCpuMs: number;
  eventsPerSecond: number;
  stopped: "timeout" | null;
}

/** Built-in checks every test runs besides its asserted properties; named as `Failure.property` names them. */
export const BUILTIN_CHECKS = ["deadlock", "unhandled-event", "assertion", "runtime-error"] as const;

/** A test's asserted properties (invariants, specs) followed by the built-in checks. */
export function testProperties(test: Pick<IrTest, "asserts">): string[] {
  const names = test.asserts.map((a) => a.name);
  for (const b of BUILTIN_CHECKS) if (!names.includes(b)) names.push(b);
  return names;
}

/** `faultline replay <path>`, the path quoted for a POSIX shell when it needs it. */
export function replayCommandFor(tracePath: string): string {
  return `faultline replay ${shellQuote(tracePath)}`;
}

export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Which reporter outcome a checker result stands for (`error` results have no verdict). */
export function outcomeKindOf(result: CheckResult): TestOutcomeKind {
  switch (result.kind) {
    case "pass":
      return "pass";
    case "unreached":
      return "unreached";
    case "bounded":
      return result.reason === "interrupted" ? "interrupted" : "bounded";
    case "violation":
    case "deadlock": {
      const kind = result.failure.kind;
      if (kind === "liveness" || kind === "hot-at-end") return "liveness";
      if (kind === "deadlock") return "deadlock";
      return "violation";
    }
    default:
      return "error";
  }
}

export interface TestOutcomeInput {
  file: string;
  test: string;
  properties: string[];
  result: CheckResult;
  exitCode: number;
  tracePath?: string | null;
  expectation?: { matched: boolean; message: string | null };
  testLocation?: SourceLocation;
  traceSteps?: TraceStepInfo[];
  seed?: number | null;
  mode?: "exhaustive" | "random";
  coverage?: Json;
  /** The test's symmetric machine types when symmetry reduction was on (exhaustive search only). */
  symmetricTypes?: readonly string[];
  /** "bytes" when the byte back end computed the exhaustive search's successors. */
  backend?: "bytes";
  /** The fair-cycle check after a passing exhaustive search, when the test has hot spec states. */
  liveness?: LivenessReport;
  traceText?: string;
  safety?: SearchFigures;
  randomPhase?: { runs: number; steps: number; elapsedMs: number };
  witnesses?: WitnessReport[];
  vacuity?: VacuityWarning[];
  strict?: boolean;
  scenario?: ScenarioCoverage[];
}

/**
 * The liveness phase in reports: skipped (`--no-liveness`), or its outcome and
 * size, the bound that stopped it, and whether it was settled on the symmetry
 * quotient (no cycle at all keeps a spec hot) instead of the full state space.
 */
export type LivenessReport =
  | { checked: false }
  | {
      checked: true;
      outcome: string;
      states: number;
      elapsedMs: number;
      reason?: string;
      quotient?: boolean;
    };

/** The parallel search's figures, when worker threads ran it. */
function parallelStats(s: object): Pick<TestStats, "parallel"> {
  if (!("profile" in s)) return {};
  const { workers, seededStates, workersPrepared, profile } = s as ParallelExhaustiveStats;
  return { parallel: { workers, seededStates, workersPrepared, profile } };
}

/** The partial-order reduction figures of exhaustive stats, when the search used it. */
function partialOrderStats(s: object): Pick<TestStats, "expandedStates" | "ampleExpansions"> {
  const { expandedStates, ampleExpansions } = s as Pick<TestStats, "expandedStates" | "ampleExpansions">;
  return ampleExpansions === undefined ? {} : { expandedStates, ampleExpansions };
}

/** The random explorers' own figures, when the stats are theirs. */
function randomRunStats(s: object): RandomRunStats | undefined {
  if (!("strategy" in s)) return undefined;
  const r = s as RandomStats;
  return {
    strategy: r.strategy,
    seed: r.seed,
    runs: r.runs,
    steps: r.steps,
    stepsPerSecond: r.stepsPerSecond,
  };
}

/** Builds a TestOutcome from a checker result and what the command knows about the test. */
export function testOutcomeFromResult(input: TestOutcomeInput): TestOutcome {
  const { result } = input;
  const tracePath = input.tracePath ?? null;
  const s = "stats" in result ? result.stats : undefined;
  const outcome: TestOutcome = {
    file: input.file,
    test: input.test,
    properties: input.properties,
    outcome: outcomeKindOf(result),
    failure:
      result.kind === "violation" || result.kind === "deadlock" || result.kind === "unreached"
        ? result.failure
        : null,
    exitCode: input.exitCode,
    stats: s
      ? {
          distinctStates: s.distinctStates,
          generatedStates: s.generatedStates,
          maxDepth: s.maxDepth,
          elapsedMs: s.elapsedMs,
          ...partialOrderStats(s),
          ...parallelStats(s),
          ...(input.symmetricTypes?.length && (input.mode ?? "exhaustive") === "exhaustive"
            ? { symmetricTypes: [...input.symmetricTypes] }
            : {}),
          ...(input.backend !== undefined ? { backend: input.backend } : {}),
        }
      : null,
    traceLength: "trace" in result && result.trace ? result.trace.steps.length : null,
    tracePath,
    replayCommand: tracePath === null ? null : replayCommandFor(tracePath),
    seed: input.seed ?? null,
    mode: input.mode ?? "exhaustive",
  };
  if (input.expectation) outcome.expectation = input.expectation;
  if (result.kind === "bounded") outcome.boundReason = result.reason;
  if (result.kind === "error") outcome.errorMessage = result.message;
  if (input.testLocation) outcome.testLocation = input.testLocation;
  if (input.traceSteps) outcome.traceSteps = input.traceSteps;
  if (input.coverage !== undefined) outcome.coverage = input.coverage;
  if (input.liveness !== undefined) outcome.liveness = input.liveness;
  if ((result.kind === "violation" || result.kind === "deadlock") && result.random) {
    const r = result.random;
    outcome.random = {
      run: r.run,
      originalLength: r.originalLength,
      shrunkLength: r.shrunkLength,
      replayCommand: r.replayCommand,
      strategy: r.strategy,
      seed: r.seed,
      shrinkMinimal: r.shrinkMinimal,
    };
    outcome.replayCommand = r.replayCommand;
  }
  if (result.kind === "violation" && result.loop !== undefined) outcome.loop = result.loop;
  if (input.traceText !== undefined) outcome.traceText = input.traceText;
  const random = s ? randomRunStats(s) : undefined;
  if (random) outcome.randomStats = random;
  if (input.symmetricTypes?.length) outcome.symmetricTypes = [...input.symmetricTypes];
  if (input.safety) outcome.safety = input.safety;
  if (input.randomPhase) outcome.randomPhase = input.randomPhase;
  if (input.witnesses) outcome.witnesses = input.witnesses;
  if (input.vacuity) outcome.vacuity = input.vacuity;
  if (input.strict) outcome.strict = true;
  if (input.scenario) outcome.scenario = input.scenario;
  return outcome;
}
