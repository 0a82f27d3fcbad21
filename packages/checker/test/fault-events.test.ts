// Fault events (docs/language.md section 10): a spec that observes `crash`,
// `restart`, `drop`, `duplicate`, `partition` or `heal` sees each fault step as
// an event, with the machine it concerns as payload (the crashed or restarted
// machine, the receiver of the lost or copied message; none for the network).
import { describe, expect, it } from "vitest";
import { checkExhaustive } from "../src/search/bfs-explorer.js";
import { buildModel, type FlModel } from "../src/fl/fl-model.js";
import type { FlState, FlStep } from "../src/fl/fl-state.js";
import { compileText } from "./fixtures/fl/load.js";

const SOURCE = `
event Req: Client;
event Ack;

machine Server {
  start state Serving {
    on Req do (c) { send c, Ack; }
  }
}

machine Client {
  start state Asking {
    entry (s: Server) { send s, Req, this; }
    ignore Ack;
  }
}

machine Setup {
  start state Boot {
    entry { new Client(new Server()); }
  }
}

// Every fault it sees, in order, as text.
spec Log observes crash, crash(Server), restart(Client), drop, duplicate(Server), partition, heal {
  var seen: seq[string];

  start state Watching {
    on crash do (m) { note(format("crash {0}", m)); }
    on crash(Server) do (m: Server) { note(format("crash(Server) {0}", m)); }
    on restart(Client) do (m) { note(format("restart(Client) {0}", m)); }
    on drop do (m) { note(format("drop {0}", m)); }
    on duplicate(Server) do (m) { note(format("duplicate(Server) {0}", m)); }
    on partition do { note("partition"); }
    on heal do { note("heal"); }
  }

  fun note(s: string) { seen += (sizeof(seen), s); }
}

// A spec that asserts no Client ever crashes: violated by the crash step itself.
spec NoClientCrash observes crash(Client) {
  start state Watching {
    on crash(Client) do (m) { assert false, format("{0} crashed", m); }
  }
}

invariant Fine: true;

test Faults [main = Setup]:
  assert Log, Fine
  with faults {
    crash Server at most 1;
    crash Client at most 1 then restart;
    drop Req, Ack at most 1;
    duplicate Req, Ack at most 1;
    partition at most 1;
  };

test ClientCrash [main = Setup]: assert NoClientCrash with faults { crash Client at most 1; };

`;

const ir = compileText("fault-events.fl", SOURCE);

function initial(model: FlModel): FlState {
  const out: FlState[] = [];
  model.initial((_, o) => {
    if (o.kind !== "state") throw new Error(o.failure.message);
    out.push(o.state);
  });
  return out[0]!;
}

/** Applies the steps one by one, each the first successor that `pick` accepts; the Log spec's lines after the last. */
function logAfter(model: FlModel, picks: ((s: FlStep) => boolean)[]): string[] {
  let state = initial(model);
  for (const pick of picks) {
    const steps: FlStep[] = [];
    model.successors(state, (st) => steps.push(st));
    const st = steps.find(pick);
    if (st === undefined) throw new Error(`no such step among ${JSON.stringify(steps)}`);
    const out = model.apply(state, st);
    if (out.kind !== "state") throw new Error(out.failure.message);
    state = out.state;
  }
  return [...(state.monitors[0]!.vars[0] as readonly string[])];
}

const deliver = (s: FlStep) => s.t === "deliver";

describe("fault events", () => {
  const model = buildModel(ir, "Faults");

  it("a crash is seen by `crash` and by `crash(T)` of the crashed machine's type, in declaration order", () => {
    // Machines: Setup(0) = id 0, Server(0) = id 1, Client(0) = id 2.
    expect(logAfter(model, [(s) => s.t === "crash" && s.m === 1])).toEqual([
      "crash Server(0)",
      "crash(Server) Server(0)",
    ]);
    expect(logAfter(model, [(s) => s.t === "crash" && s.m === 2])).toEqual(["crash Client(0)"]);
  });

  it("a restart is seen before the restarted machine's entry runs", () => {
    expect(
      logAfter(model, [(s) => s.t === "crash" && s.m === 2, (s) => s.t === "restart" && s.m === 2]),
    ).toEqual(["crash Client(0)", "restart(Client) Client(0)"]);
  });

  it("drop and duplicate carry the receiver of the message", () => {
    // The Req in flight goes from Client(0) to Server(0): the receiver is the Server.
    expect(logAfter(model, [(s) => s.t === "drop"])).toEqual(["drop Server(0)"]);
    expect(logAfter(model, [(s) => s.t === "duplicate"])).toEqual(["duplicate(Server) Server(0)"]);
    // The Ack goes to the Client: `duplicate(Server)` does not see its copy, `drop` sees its loss.
    expect(logAfter(model, [deliver, (s) => s.t === "duplicate"])).toEqual([]);
    expect(logAfter(model, [deliver, (s) => s.t === "drop"])).toEqual(["drop Client(0)"]);
  });

  it("partition and heal carry no payload", () => {
    expect(logAfter(model, [(s) => s.t === "partition", (s) => s.t === "heal"])).toEqual([
      "partition",
      "heal",
    ]);
  });

  it("a spec can fail on a fault: the violation's last step is the fault", () => {
    const result = checkExhaustive(buildModel(ir, "ClientCrash"));
    expect(result.kind).toBe("violation");
    if (result.kind !== "violation") return;
    expect(result.failure.message).toContain("Client(0) crashed");
    expect(result.trace.steps.at(-1)).toMatchObject({ t: "crash", m: 2 });
  });
});
