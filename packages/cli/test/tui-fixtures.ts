// Trace documents for the TUI tests: one replayed from the hand-written
// two-phase commit model, one synthetic (5 machines, 60 steps, .fl-shaped
// state views with messages, timers, a monitor and a long value).
import type { Json, StateView, StepLabel } from "@faultline/checker";
import { TwoPhaseModel, type TwoPhaseStep } from "../../checker/test/models/two-phase-model.js";
import { buildTraceDocument, type TraceDocument } from "../src/tui/trace-document.js";

/** TLA+'s TwoPhase with the buggy manager: RM(0) commits while RM(1) aborts. */
export const TWO_PHASE_PATH: TwoPhaseStep[] = [
  { action: "Init" },
  { action: "RMPrepare", rm: 0 },
  { action: "TMRcvPrepared", rm: 0 },
  { action: "TMCommit" },
  { action: "RMRcvCommitMsg", rm: 0 },
  { action: "RMChooseToAbort", rm: 1 },
];

export function twoPhaseDocument(): TraceDocument {
  const model = new TwoPhaseModel(3, { buggyCommit: true });
  return buildTraceDocument(model, TWO_PHASE_PATH, { title: "two-phase.fl", test: "BuggyCommit" });
}

export const SYNTHETIC_MACHINES = ["Client(0)", "Client(1)", "Proxy(0)", "Server(0)", "Store(0)"];
export const SYNTHETIC_STEPS = 60;
/** Store(0)'s log grows by one entry per step: a value far wider than any pane. */
export const LONG_VALUE_PREFIX = "[1000, 1001, 1002";

const SYNTHETIC_SOURCE = [
  "// synthetic.fl",
  "machine Store {",
  "  var log: seq[int];",
  "}",
  "",
  "invariant LogBounded: forall s: Store :: sizeof(s.log) < 59;",
  "",
  "test Synthetic [main = Proxy]: assert LogBounded;",
];

interface MachineValue {
  state: string;
  status: string;
  vars: { [key: string]: Json };
  timers: string[];
}

function machineView(machines: Map<string, MachineValue>): StateView {
  const view: StateView = {};
  for (const [name, value] of machines) view[name] = JSON.parse(JSON.stringify(value)) as Json;
  return view;
}

export function syntheticDocument(): TraceDocument {
  const machines = new Map<string, MachineValue>();
  for (const name of SYNTHETIC_MACHINES) {
    machines.set(name, { state: "Idle", status: "up", vars: { count: 0 }, timers: [] });
  }
  machines.get("Store(0)")!.vars.log = [];
  const steps: TraceDocument["steps"] = [];
  let network: Json[] = [];
  for (let k = 0; k < SYNTHETIC_STEPS; k++) {
    let label: StepLabel;
    if (k === 0) {
      label = {
        kind: "init",
        text: "init: Proxy(0)",
        actor: "Proxy(0)",
        details: { sends: ["Proxy(0) -> Server(0): Hello"] },
      };
      network = [{ from: "Proxy(0)", to: "Server(0)", event: "Hello", payload: null }];
    } else if (k % 7 === 0) {
      const actor = SYNTHETIC_MACHINES[k % 5]!;
      const machine = machines.get(actor)!;
      machine.timers = [];
      label = {
        kind: "timer",
        text: `${actor} <- timeout Tick`,
        actor,
        details: { actor, timer: "Tick", sends: [] },
      };
    } else {
      const to = SYNTHETIC_MACHINES[k % 5]!;
      const from = SYNTHETIC_MACHINES[(k + 2) % 5]!;
      const next = SYNTHETIC_MACHINES[(k + 3) % 5]!;
      const event = k % 2 === 0 ? "Ping" : "Pong";
      const receiver = machines.get(to)!;
      const before = receiver.state;
      receiver.state = before === "Idle" ? "Busy" : "Idle";
      receiver.vars.count = (receiver.vars.count as number) + 1;
      if (k % 7 === 6) receiver.timers = ["Tick"];
      const work = `Work(${k})`;
      label = {
        kind: "deliver",
        text: `${to} <- ${event}(${k}) from ${from}`,
        actor: to,
        details: {
          actor: to,
          from,
          to,
          event,
          payload: k,
          sends: [`${to} -> ${next}: ${work}`],
          transition: `${before} -> ${receiver.state}`,
        },
      };
      network = [...network.slice(1), { from: to, to: next, event: "Work", payload: k }];
    }
    const store = machines.get("Store(0)")!;
    store.vars.log = [...(store.vars.log as number[]), 1000 + k];
    const state = machineView(machines);
    state.network = network;
    state.monitors = { Progress: { state: k < 30 ? "Waiting" : "Done", hot: k < 30, vars: { seen: k } } };
    steps.push({ index: k, label, state });
  }
  return {
    title: "synthetic.fl",
    test: "Synthetic",
    source: "synthetic.fl",
    failure: {
      kind: "invariant",
      property: "LogBounded",
      message: "invariant LogBounded does not hold",
      location: { file: "synthetic.fl", line: 6, col: 1, endLine: 6, endCol: 61 },
    },
    failureStep: SYNTHETIC_STEPS - 1,
    steps,
    sourceExcerpt: {
      file: "synthetic.fl",
      line: 6,
      col: 1,
      endLine: 6,
      endCol: 61,
      lines: SYNTHETIC_SOURCE.slice(3, 8).map((text, i) => ({ n: i + 4, text })),
    },
    notes: [],
  };
}
