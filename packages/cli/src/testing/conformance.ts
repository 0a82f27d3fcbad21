// Model-based testing of an implementation against a .fl model
// (docs/conformance.md): load the model's test, plan the schedules, run each
// in lockstep with a fresh adapter, and shrink a failing one with the
// checker's shrinking (shrinkScheduleAsync: the passes of random mode) into a
// short schedule, printed and written as a trace file `faultline replay`
// opens.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  createTraceFile,
  FlModel,
  flStepShapeProblem,
  type Json,
  parseTraceFile,
  serializeTraceFile,
  shrinkScheduleAsync,
  sourceSha256,
  traceSourcePath,
} from "@faultline/checker";
import { renderDiagnostics } from "@faultline/lang";
import { type Awaitable, ConformanceConfigError, type ImplementationAdapter } from "./adapter.js";
import { type ConformanceFailure, type LockstepConfig, runSchedule, type ScheduleRun } from "./lockstep.js";
import { deciderOf, planSchedules, type SchedulePlan, type ScheduleSpec, stepsOf } from "./schedules.js";

export interface ConformanceOptions {
  /** The .fl file (relative to the working directory, or absolute). */
  model: string;
  /** The test whose configuration, faults and properties the schedules use (a param instance by its full name). */
  test: string;
  /** The machine types the implementation plays. */
  implements: readonly string[];
  /** A fresh adapter for each schedule. */
  adapter: () => Awaitable<ImplementationAdapter>;
  schedules: SchedulePlan;
  /** Steps of a random or PCT schedule, the initial one included (default 60). */
  maxSteps?: number;
  /** Faults replacing the test's, as `check --faults` takes them. */
  faults?: string;
  /** Shrinking budget; false: report the failing schedule as it ran. */
  shrink?: { maxReplays?: number; timeoutMs?: number } | false;
  /** Where to write a failing schedule's trace file (for `faultline replay`); none when absent. */
  traceDir?: string;
}

/** A loaded model and its planned schedules. */
export interface Conformance {
  options: ConformanceOptions;
  config: LockstepConfig;
  specs: ScheduleSpec[];
  /** The model's source text (for the trace file's hash). */
  source: string;
}

export interface ScheduleOutcome {
  spec: ScheduleSpec;
  run: ScheduleRun;
  /** The failing schedule shrunk (absent when it passed or shrinking is off). */
  shrunk?: {
    steps: Json[];
    labels: string[];
    failure: ConformanceFailure;
    replays: number;
    minimal: boolean;
  };
  /** Where the failing schedule was written, with traceDir. */
  traceFile?: string;
  /** The failure as text: the (shrunk) schedule, what diverged, how to replay; empty when it passed. */
  report: string;
}

export interface ConformanceReport {
  /** Schedules run (up to and including the first failure). */
  schedules: number;
  passed: number;
  /** Schedules that stopped at maxSteps (they passed as far as they went). */
  bounded: number;
  failure: (ScheduleOutcome & { index: number }) | null;
}

const DEFAULT_MAX_STEPS = 60;

/** Loads the model's test and plans its schedules. Throws ConformanceConfigError for a bad model, test or option. */
export function prepareConformance(options: ConformanceOptions): Conformance {
  let source: string;
  try {
    source = readFileSync(options.model, "utf8");
  } catch {
    throw new ConformanceConfigError(
      "MBT001",
      `cannot read the model ${options.model}`,
      "give the .fl file's path relative to the working directory (vitest runs from the repository root) or absolute",
    );
  }
  let loaded: ReturnType<typeof FlModel.load>;
  try {
    loaded = FlModel.load(
      { file: options.model, source },
      { test: options.test, ...(options.faults !== undefined ? { faults: options.faults } : {}) },
    );
  } catch (e) {
    throw new ConformanceConfigError(
      "MBT001",
      e instanceof Error ? e.message : String(e),
      "name a test of the model; a parameterized one by its instance, e.g. UnderFaults(clients=1,payments=2)",
    );
  }
  if (!loaded.ok) {
    const why =
      loaded.kind === "usage"
        ? loaded.message
        : renderDiagnostics(loaded.diagnostics, (f) => (f === options.model ? source : undefined), {
            color: false,
          });
    throw new ConformanceConfigError(
      "MBT001",
      `the model does not load:\n${why}`,
      "fix the model: `faultline check` it",
    );
  }
  const model = loaded.model;
  const types = new Set(model.machines.map((m) => m.name));
  if (options.implements.length === 0) {
    throw new ConformanceConfigError(
      "MBT002",
      "implements names no machine type",
      "list the machine types the implementation plays, e.g. implements: ['PaymentService']",
    );
  }
  for (const name of options.implements) {
    if (!types.has(name)) {
      throw new ConformanceConfigError(
        "MBT002",
        `implements names ${name}, which is not a machine of ${options.model}`,
        `the model's machines: ${[...types].join(", ")}`,
      );
    }
  }
  const maxSteps = options.maxSteps ?? DEFAULT_MAX_STEPS;
  const specs = planSchedules(model, options.schedules, maxSteps);
  if (specs.length === 0) {
    throw new ConformanceConfigError(
      "MBT005",
      "the plan has no schedules",
      "ask for some: schedules: { random: 100 }, { pct: 50 } or { exhaustive: { depth: 8 } }",
    );
  }
  return {
    options,
    source,
    specs,
    config: { model, implements: new Set(options.implements), adapter: options.adapter, maxSteps },
  };
}

/** Runs one planned schedule; a failing one is shrunk, reported and (with traceDir) written. */
export async function runPlanned(c: Conformance, spec: ScheduleSpec): Promise<ScheduleOutcome> {
  const maxSteps = stepsOf(spec, c.config.maxSteps);
  const run = await runSchedule(c.config, { decider: deciderOf(spec, maxSteps), maxSteps });
  if (run.failure === null) return { spec, run, report: "" };
  const outcome: ScheduleOutcome = { spec, run, report: "" };
  if (c.options.shrink !== false) outcome.shrunk = await shrink(c, run);
  const steps = outcome.shrunk?.steps ?? run.steps;
  if (c.options.traceDir !== undefined) outcome.traceFile = writeTrace(c, spec, steps);
  outcome.report = failureReport(c, outcome);
  return outcome;
}

/** Runs the plan's schedules in order, stopping at the first failure. */
export async function checkConformance(
  options: ConformanceOptions | Conformance,
): Promise<ConformanceReport> {
  const c = "config" in options ? options : prepareConformance(options);
  const report: ConformanceReport = { schedules: 0, passed: 0, bounded: 0, failure: null };
  for (const [index, spec] of c.specs.entries()) {
    const outcome = await runPlanned(c, spec);
    report.schedules++;
    if (outcome.run.failure !== null) {
      report.failure = { ...outcome, index };
      break;
    }
    report.passed++;
    if (outcome.run.bounded) report.bounded++;
  }
  return report;
}

/** Replays a recorded schedule (a trace file's steps) against a fresh adapter, leniently. */
export function replaySchedule(c: Conformance, steps: readonly Json[]): Promise<ScheduleRun> {
  return runSchedule(c.config, { steps });
}

/**
 * Replays a trace file's schedule (as `traceDir` writes them) against a fresh
 * adapter: the implementation's run of a shrunk failure, to debug it.
 */
export async function replayTraceFile(c: Conformance, path: string): Promise<ScheduleRun> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new ConformanceConfigError(
      "MBT006",
      `cannot read the trace file ${path}`,
      "give the path the report printed",
    );
  }
  const read = parseTraceFile(text, { stepProblem: flStepShapeProblem });
  if (!read.ok) {
    throw new ConformanceConfigError(
      "MBT006",
      `${path} is not a trace file: ${read.message}`,
      "give the path the report printed",
    );
  }
  return replaySchedule(c, read.steps);
}

/** Same failure for shrinking: a divergence of the same instance, the same model property, or an adapter error. */
export function sameConformanceFailure(a: ConformanceFailure, b: ConformanceFailure): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === "model" && b.kind === "model") {
    return a.failure.kind === b.failure.kind && a.failure.property === b.failure.property;
  }
  if (a.kind === "divergence" && b.kind === "divergence") return a.instance === b.instance;
  return true;
}

async function shrink(c: Conformance, run: ScheduleRun): Promise<ScheduleOutcome["shrunk"]> {
  const budget = c.options.shrink === false ? {} : (c.options.shrink ?? {});
  let last: ScheduleRun = run;
  const shrunk = await shrinkScheduleAsync(
    run.steps,
    run.failure!,
    async (candidate) => {
      const replayed = await runSchedule(c.config, { steps: candidate });
      if (replayed.failure === null || !sameConformanceFailure(replayed.failure, run.failure!)) return null;
      last = replayed;
      return { steps: replayed.steps, failure: replayed.failure };
    },
    { maxReplays: budget.maxReplays ?? 500, timeoutMs: budget.timeoutMs ?? 10_000 },
  );
  // The labels of the kept schedule: replay it once more (the last accepted candidate may not be the best).
  const final = await runSchedule(c.config, { steps: shrunk.steps });
  const labels = final.failure !== null ? final.labels : last.labels;
  return {
    steps: shrunk.steps,
    labels,
    failure: final.failure ?? shrunk.failure,
    replays: shrunk.replays,
    minimal: shrunk.minimal,
  };
}

function writeTrace(c: Conformance, spec: ScheduleSpec, steps: Json[]): string {
  const dir = c.options.traceDir!;
  mkdirSync(dir, { recursive: true });
  const file = join(
    dir,
    `${c.config.model.name}-${spec.name}`.replace(/[^A-Za-z0-9._-]+/g, "_") + ".trace.json",
  );
  const trace = createTraceFile(c.config.model.name, { steps }, undefined, {
    test: c.config.model.name,
    mode: "conformance",
    ...(spec.kind === "exhaustive" ? {} : { seed: spec.seed }),
    ...(c.options.faults !== undefined ? { faults: c.options.faults } : {}),
    source: traceSourcePath(c.options.model, file),
    sourceSha256: sourceSha256(c.source),
  });
  writeFileSync(file, serializeTraceFile(trace));
  return file;
}

/** The failure as people read it: where, the schedule step by step, what diverged, how to replay. */
export function failureReport(c: Conformance, outcome: ScheduleOutcome): string {
  const run = outcome.run;
  const failure = outcome.shrunk?.failure ?? run.failure!;
  const labels = outcome.shrunk?.labels ?? run.labels;
  const lines: string[] = [];
  const head = `${c.options.model} ${c.config.model.name}, schedule ${outcome.spec.name}: ${kindText(failure)} at step ${failure.step}`;
  lines.push(head);
  if (outcome.shrunk) {
    const minimal = outcome.shrunk.minimal ? "1-minimal" : "shrinking stopped by its budget";
    lines.push(
      `  shrunk from ${run.steps.length} to ${outcome.shrunk.steps.length} steps (${outcome.shrunk.replays} replays, ${minimal}):`,
    );
  } else {
    lines.push(`  the schedule (${run.steps.length} steps):`);
  }
  labels.forEach((label, i) => {
    lines.push(`  ${String(i).padStart(3)}. ${label}`);
  });
  lines.push(`  ${failure.message.replace(/\n/g, "\n  ")}`);
  const spec = outcome.spec;
  const how =
    spec.kind === "exhaustive" ? `decisions ${spec.decisions.join(".")}` : `${spec.kind} seed ${spec.seed}`;
  lines.push(`  replay seed: ${how}; under describeConformance, npx vitest run -t "${spec.name}"`);
  if (outcome.traceFile)
    lines.push(`  the shrunk schedule, in the model: faultline replay ${outcome.traceFile}`);
  return lines.join("\n");
}

function kindText(f: ConformanceFailure): string {
  switch (f.kind) {
    case "divergence":
      return `${f.instance} diverged from the model`;
    case "model":
      return `${f.failure.kind} of ${f.failure.property}`;
    case "adapter-error":
      return "the adapter threw";
  }
}
