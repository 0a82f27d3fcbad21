// Runs one schedule of the model against the real implementation in
// lockstep (docs/conformance.md). The model holds every machine, the
// implementation's too (its shadow); the engine is the network. A step that
// reaches a tested instance (a delivery to it, its timer, its crash, restart
// or creation) goes to the adapter as well, and what the real code sent must
// be what the shadow could send in that step: the shadow's `choose` values
// are resolved by matching, and no match is a divergence. The environment
// machines then receive the sends the implementation made (they equal the
// matched shadow's), and the spec monitors and invariants check the run.
import {
  errorMessage,
  type Failure,
  type FlModel,
  type FlState,
  type FlStep,
  InvalidStepError,
  invariantFailure,
  type Json,
  type ObservedRun,
  type ObservedSend,
} from "@faultline/checker";
import {
  ConformanceConfigError,
  type ImplementationAdapter,
  type InstanceRef,
  type SentMessage,
  type Sends,
} from "./adapter.js";

/** Picks the steps and the environment's choices of a generated schedule. */
export interface Decider {
  /** The step to take at `index` among `steps` (their PCT actors alongside); an index into `steps`. */
  pickStep(index: number, steps: readonly FlStep[], actors: readonly string[]): number;
  /** A `choose` value of an environment machine, in 0..options-1. */
  choose(options: number): number;
}

/** Where a schedule comes from: drawn as it runs, or a recorded list of steps replayed leniently. */
export type ScheduleSource = { decider: Decider; maxSteps?: number } | { steps: readonly Json[] };

export interface LockstepConfig {
  model: FlModel;
  /** The machine types the implementation plays. */
  implements: ReadonlySet<string>;
  adapter: () => ImplementationAdapter | Promise<ImplementationAdapter>;
  /** Steps of a generated schedule, the initial one included. */
  maxSteps: number;
  /** Most combinations of a step's `choose` values tried when matching (default 1,024). */
  choiceLimit?: number;
}

/** Why a schedule failed. */
export type ConformanceFailure =
  | {
      kind: "divergence";
      /** The step's index in the schedule (0 = the initial step). */
      step: number;
      instance: string;
      /** What the real code sent. */
      actual: SentMessage[];
      /** What the model's machine could send there: one list per distinct combination of its choices. */
      expected: SentMessage[][];
      message: string;
    }
  | { kind: "model"; step: number; failure: Failure; message: string }
  | { kind: "adapter-error"; step: number; instance: string; message: string };

export interface ScheduleRun {
  /** The steps applied, with every choose value made (the implementation's resolved by matching). */
  steps: FlStep[];
  /** One line per applied step (the model's describeStep). */
  labels: string[];
  failure: ConformanceFailure | null;
  /** True when the schedule stopped at maxSteps with steps still enabled. */
  bounded: boolean;
}

const stepKey = (step: Json): string => {
  const { c: _c, ...rest } = step as { c?: unknown };
  return JSON.stringify(rest);
};

/** Runs one schedule against a fresh adapter. Never throws for the implementation's errors: they are failures. */
export async function runSchedule(config: LockstepConfig, source: ScheduleSource): Promise<ScheduleRun> {
  const adapter = await config.adapter();
  for (const method of ["create", "deliver"] as const) {
    if (typeof adapter?.[method] !== "function") {
      throw new ConformanceConfigError(
        "MBT003",
        `the adapter has no ${method}()`,
        "the adapter factory returns an object with create(instance, payload) and deliver(instance, message)",
      );
    }
  }
  try {
    return await new Lockstep(config, adapter).run(source);
  } finally {
    await adapter.dispose?.();
  }
}

class Lockstep {
  private readonly model: FlModel;
  private state: FlState | null = null;
  private readonly steps: FlStep[] = [];
  private readonly labels: string[] = [];

  constructor(
    private readonly config: LockstepConfig,
    private readonly adapter: ImplementationAdapter,
  ) {
    this.model = config.model;
  }

  async run(source: ScheduleSource): Promise<ScheduleRun> {
    const recorded = "steps" in source ? source.steps : null;
    const limit = recorded
      ? recorded.length
      : ((source as { maxSteps?: number }).maxSteps ?? this.config.maxSteps);
    for (let at = 0; at < limit; at++) {
      const enabled = this.model.enabledSteps(this.state);
      if (enabled.length === 0) break;
      let step: FlStep;
      let choose: (options: number) => number;
      if (recorded) {
        // Lenient replay (shrinking): a step that is not enabled here is skipped.
        const wanted = recorded[at]!;
        const key = stepKey(wanted);
        if (!enabled.some((e) => stepKey(e) === key)) continue;
        step = wanted as FlStep;
        choose = () => 0;
      } else {
        const { decider } = source as { decider: Decider };
        const actors = enabled.map((e) => this.model.stepActor(this.state, e));
        step = enabled[decider.pickStep(this.steps.length, enabled, actors)]!;
        choose = (n) => decider.choose(n);
      }
      const failure = await this.take(step, choose, recorded !== null);
      if (failure) return this.result(failure, false);
    }
    const state = this.state;
    if (state !== null && this.model.enabledSteps(state).length === 0) {
      const end = this.model.terminal(state);
      if (end) return this.result(modelFailure(this.steps.length - 1, end), false);
      return this.result(null, false);
    }
    return this.result(null, recorded === null);
  }

  private result(failure: ConformanceFailure | null, bounded: boolean): ScheduleRun {
    return { steps: this.steps, labels: this.labels, failure, bounded };
  }

  /** Takes one step in the model and, where it reaches a tested instance, in the implementation. */
  private async take(
    step: FlStep,
    choose: (options: number) => number,
    lenient: boolean,
  ): Promise<ConformanceFailure | null> {
    const before = this.state;
    const index = this.steps.length;
    let ran: ObservedRun;
    try {
      ran = this.model.runObserved(before, step, choose);
    } catch (e) {
      // A recorded choice out of range: in a lenient replay (shrinking) the step does not apply.
      if (lenient && e instanceof InvalidStepError) return null;
      throw e;
    }
    const tested = this.testedActor(before, step);
    const created = this.createdTested(before, ran);
    if (tested !== null || created.length > 0) {
      const actual = new Map<string, SentMessage[]>();
      try {
        if (tested !== null) {
          const sends = await this.drive(tested, before!, step);
          if (sends !== null) actual.set(tested.name, sends);
        }
        for (const c of created)
          actual.set(c.ref.name, normalize(await this.adapter.create(c.ref, c.payload)));
      } catch (e) {
        if (e instanceof ConformanceConfigError) throw e;
        const instance = tested?.name ?? created[0]!.ref.name;
        this.record(ran, before);
        return {
          kind: "adapter-error",
          step: index,
          instance,
          message: `${instance} threw: ${errorMessage(e)}`,
        };
      }
      if (actual.size > 0) {
        const matched = this.match(before, step, ran, actual);
        if ("divergence" in matched) {
          this.record(ran, before); // the step as the model drew it, so a replay reaches it again
          return { ...matched.divergence, step: index };
        }
        ran = matched.run;
      }
    }
    this.record(ran, before);
    if (ran.outcome.kind === "failure") return modelFailure(index, ran.outcome.failure);
    this.state = ran.outcome.state;
    for (const invariant of this.model.invariants) {
      if (!invariant.holds(ran.outcome.state))
        return modelFailure(index, invariantFailure(invariant, ran.outcome.state));
    }
    return null;
  }

  private record(ran: ObservedRun, before: FlState | null): void {
    this.steps.push(ran.step);
    this.labels.push(this.model.describeStep(ran.step, before, ran.outcome.state ?? null).text);
  }

  /** Calls the adapter for a step of a tested instance; null for steps without sends to compare (a crash). */
  private async drive(instance: InstanceRef, before: FlState, step: FlStep): Promise<SentMessage[] | null> {
    switch (step.t) {
      case "deliver": {
        const message = this.model.messageOfStep(before, step)!;
        return normalize(
          await this.adapter.deliver(instance, {
            event: message.event,
            payload: message.payload,
            from: message.from,
          }),
        );
      }
      case "timer":
        return normalize(
          await required(
            this.adapter,
            "timer",
            instance,
            `its timer ${step.timer} fires`,
          )(instance, step.timer),
        );
      case "crash":
        await required(this.adapter, "crash", instance, "the test crashes it")(instance);
        return null;
      case "restart":
        return normalize(await required(this.adapter, "restart", instance, "the test restarts it")(instance));
      default:
        return null;
    }
  }

  /** The tested instance a step acts on: the receiver of a delivery, the machine of a timer, crash or restart. */
  private testedActor(before: FlState | null, step: FlStep): InstanceRef | null {
    if (before === null) return null;
    const id =
      step.t === "deliver"
        ? step.to
        : step.t === "timer" || step.t === "crash" || step.t === "restart"
          ? step.m
          : -1;
    if (id < 0) return null;
    const instance = this.model.instances(before)[id];
    return instance && this.config.implements.has(instance.type)
      ? { name: instance.name, type: instance.type }
      : null;
  }

  /** Tested instances the step created (their creation payloads). */
  private createdTested(before: FlState | null, ran: ObservedRun): { ref: InstanceRef; payload: Json }[] {
    const after = ran.outcome.state;
    if (!after) return [];
    const known = before?.machines.length ?? 0;
    return this.model
      .instances(after)
      .slice(known)
      .filter((m) => this.config.implements.has(m.type))
      .map((m) => ({ ref: { name: m.name, type: m.type }, payload: m.payload }));
  }

  /**
   * The run of the step whose tested instances sent exactly what the real
   * ones did: the drawn one if it matches, else the first matching
   * combination of the step's choose values; a divergence when none does.
   */
  private match(
    before: FlState | null,
    step: FlStep,
    drawn: ObservedRun,
    actual: ReadonlyMap<string, SentMessage[]>,
  ):
    | { run: ObservedRun }
    | { divergence: Omit<Extract<ConformanceFailure, { kind: "divergence" }>, "step"> } {
    const want = new Map([...actual].map(([name, sends]) => [name, sends.map(canonical)]));
    const same = (run: ObservedRun, name: string, prefix: boolean): boolean => {
      const model = sendsOf(run.sends, name).map(canonical);
      const real = want.get(name)!;
      // A failed run stopped at a send a spec rejected (not recorded): the real ones go on past it.
      return (
        (prefix ? model.length < real.length : model.length === real.length) &&
        model.every((s, i) => s === real[i])
      );
    };
    const fits = (run: ObservedRun): boolean => [...want.keys()].every((name) => same(run, name, false));
    if (fits(drawn)) return { run: drawn };
    const runs = this.model.runEveryChoice(before, step, this.config.choiceLimit ?? 1024);
    // An exact match first; else a combination the model failed in (a spec's assert on a send stops
    // the step there), whose sends before the failure begin the real ones.
    const found =
      runs.find(fits) ??
      runs.find((r) => r.outcome.kind === "failure" && [...want.keys()].every((name) => same(r, name, true)));
    if (found) return { run: found };
    const [instance, sent] = [...actual].find(([name]) => !runs.some((r) => same(r, name, false)))!;
    const seen = new Set<string>();
    const expected: SentMessage[][] = [];
    for (const run of runs) {
      const sends = sendsOf(run.sends, instance);
      const key = sends.map(canonical).join("\n");
      if (!seen.has(key)) {
        seen.add(key);
        expected.push(sends);
      }
    }
    return {
      divergence: {
        kind: "divergence",
        instance,
        actual: sent,
        expected,
        message: divergenceText(instance, sent, expected),
      },
    };
  }
}

function required<K extends "timer" | "crash" | "restart">(
  adapter: ImplementationAdapter,
  method: K,
  instance: InstanceRef,
  why: string,
): NonNullable<ImplementationAdapter[K]> {
  const f = adapter[method];
  if (typeof f !== "function") {
    throw new ConformanceConfigError(
      "MBT003",
      `the adapter has no ${method}(), but the schedule needs it for ${instance.name}: ${why}`,
      `implement ${method}(instance) in the adapter, or leave this out of the test's faults and timers`,
    );
  }
  return f.bind(adapter) as NonNullable<ImplementationAdapter[K]>;
}

/** What `from` sent in a model step, as the adapter would report it. */
function sendsOf(sends: readonly ObservedSend[], from: string): SentMessage[] {
  return sends.filter((s) => s.from === from).map((s) => ({ to: s.to, event: s.event, payload: s.payload }));
}

/** An adapter's return value as a checked list. */
function normalize(sends: Sends): SentMessage[] {
  if (sends === undefined || sends === null) return [];
  if (!Array.isArray(sends)) {
    throw new ConformanceConfigError(
      "MBT004",
      `an adapter method returned ${JSON.stringify(sends)}, not an array of sends`,
      "return [{ to, event, payload }, ...] (or nothing when the handler sent nothing)",
    );
  }
  return sends.map((s) => {
    if (typeof s?.to !== "string" || typeof s?.event !== "string") {
      throw new ConformanceConfigError(
        "MBT004",
        `an adapter reported the send ${JSON.stringify(s)}`,
        'each send is { to: "Client(0)", event: "Responded", payload: ... } with the receiver\'s display name',
      );
    }
    return { to: s.to, event: s.event, payload: s.payload ?? null };
  });
}

/** One send as comparable text: object keys sorted, so field order does not matter. */
function canonical(s: SentMessage): string {
  return `${s.to} ${s.event} ${stable(s.payload ?? null)}`;
}

function stable(v: Json): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(",")}]`;
  if (v !== null && typeof v === "object") {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable(v[k]!)}`)
      .join(",")}}`;
  }
  return JSON.stringify(v);
}

/** A send as people read it: `Client(0) <- Responded {"token":"c0-p1","ok":true}`. */
export function sendText(s: SentMessage): string {
  const payload = s.payload === undefined || s.payload === null ? "" : ` ${stable(s.payload)}`;
  return `${s.to} <- ${s.event}${payload}`;
}

function sendsText(sends: readonly SentMessage[]): string {
  return sends.length === 0 ? "nothing" : sends.map(sendText).join("; ");
}

function divergenceText(
  instance: string,
  actual: readonly SentMessage[],
  expected: readonly SentMessage[][],
): string {
  const options = expected.map((e) => `    ${sendsText(e)}`).join("\n    or\n");
  return `${instance} sent ${sendsText(actual)}\n  the model's ${instance} could send:\n${options}`;
}

function modelFailure(step: number, failure: Failure): ConformanceFailure {
  return {
    kind: "model",
    step,
    failure,
    message: `${failure.kind} (${failure.property}): ${failure.message}`,
  };
}
