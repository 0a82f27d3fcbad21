// Issue 16 (P parity): blocking `receive` (executor.ts "Blocking receive").
// The same protocol written with receive and with explicit states and defers
// must give the same verdicts, and the same state counts where a blocked
// machine's wait maps one to one onto the explicit machine's state.
import { describe, expect, it } from "vitest";
import type { StepOutcome } from "../src/model.js";
import { collectCoverage, mergeCoverage } from "../src/coverage.js";
import { checkExhaustive } from "../src/search/bfs-explorer.js";
import { vacuityWarnings } from "../src/vacuity.js";
import { checkRandom } from "../src/search/random-explorer.js";
import { buildModel, type FlModel } from "../src/fl/fl-model.js";
import type { FlState, FlStep } from "../src/fl/fl-state.js";
import { replayTrace } from "../src/trace/replay.js";
import { compileText } from "./fixtures/fl/load.js";

function model(text: string, test: string): FlModel {
  return buildModel(compileText("receive.fl", text), test);
}

const COMMON = `
param wrong: bool;
event Ask: (from: Client, n: int);
event Answer: (n: int, value: int);
event Notice: int;
event Bye;
machine Notifier {
  start state S { entry (c: Client) { send c, Notice, 7; } }
}
invariant Sum: forall c: Client :: !(c in Done) || c.total == 30;
test Right [main = Client]: assert Sum;
test param (wrong in [true]) Wrong [main = Client]: assert Sum;
test Lossy [main = Client]: assert Sum with faults { drop Answer at most 1; duplicate Ask at most 1; };
`;

const WITH_RECEIVE = `${COMMON}
machine Server {
  start state Serving {
    entry {
      while (true) {
        receive {
          case Ask: (q) {
            var v: int;
            v = q.n * 10;
            if (wrong && q.n == 1) { v = 5; }
            send q.from, Answer, (n = q.n, value = v);
          }
          case Bye: { goto Closed; }
        }
      }
    }
  }
  state Closed { ignore Ask; }
}
machine Client {
  var server: Server;
  var total: int;
  var notices: int;
  start state Calling {
    defer Notice;
    entry {
      server = new Server();
      new Notifier(this);
      var i: int;
      while (i < 3) {
        total = total + call(i);
        i = i + 1;
      }
      goto Done;
    }
  }
  state Done {
    entry { send server, Bye; }
    on Notice do (n) { notices = notices + n; }
    ignore Answer;
  }
  fun call(n: int): int {
    send server, Ask, (from = this, n = n);
    receive {
      case Answer: (a) { return a.value; }
    }
  }
}
`;

const EXPLICIT = `${COMMON}
machine Server {
  start state Serving {
    on Ask do (q) {
      var v: int;
      v = q.n * 10;
      if (wrong && q.n == 1) { v = 5; }
      send q.from, Answer, (n = q.n, value = v);
    }
    on Bye goto Closed;
  }
  state Closed { ignore Ask; }
}
machine Client {
  var server: Server;
  var total: int;
  var notices: int;
  var i: int;
  start state Calling {
    defer Notice;
    entry {
      server = new Server();
      new Notifier(this);
      send server, Ask, (from = this, n = i);
      goto Waiting;
    }
  }
  state Waiting {
    defer Notice;
    on Answer do (a) {
      total = total + a.value;
      i = i + 1;
      if (i < 3) { send server, Ask, (from = this, n = i); } else { goto Done; }
    }
  }
  state Done {
    entry { send server, Bye; }
    on Notice do (n) { notices = notices + n; }
    ignore Answer;
  }
}
`;

describe("receive and explicit states agree", () => {
  it.each(["Right", "Wrong(wrong=true)"])("%s: same verdict and state count exhaustively", (test) => {
    const r = checkExhaustive(model(WITH_RECEIVE, test));
    const e = checkExhaustive(model(EXPLICIT, test));
    expect(r.kind).toBe(test === "Right" ? "pass" : "violation");
    expect(r.kind).toBe(e.kind);
    expect(r.stats.distinctStates).toBe(e.stats.distinctStates);
    if (r.kind === "violation" && e.kind === "violation") {
      expect(r.failure.property).toBe("Sum");
      expect(r.trace.steps).toHaveLength(e.trace.steps.length);
    }
  });

  it("with a lost answer both deadlock; the receive version says who waits where", () => {
    // A dropped answer leaves the client waiting: with receive that is a
    // deadlock at the receive; the explicit client sits in Waiting, and only
    // the Notice it defers there makes the end a deadlock.
    const r = checkExhaustive(model(WITH_RECEIVE, "Lossy"));
    const e = checkExhaustive(model(EXPLICIT, "Lossy"));
    expect(e.kind).toBe("deadlock");
    expect(r.kind).toBe("deadlock");
    if (r.kind !== "deadlock" || e.kind !== "deadlock") return;
    expect(e.failure.message).toMatch(/messages are pending: Notice/);
    expect(r.trace.steps).toHaveLength(e.trace.steps.length);
    expect(r.failure.message).toMatch(
      /Client\(0\) is waiting to receive Answer \(receive at receive\.fl:\d+:\d+\)/,
    );
    expect(r.failure.location?.line).toBe(
      WITH_RECEIVE.split("\n").findIndex((l) => l.includes("receive {", 4) && l.startsWith("    receive")) +
        1,
    );
    // Shortest: init, the server answers, the answer is dropped.
    expect(r.trace.steps).toHaveLength(3);
  });

  it("random and PCT walks reach the same verdicts (fixed seeds)", () => {
    const verdicts = { Right: "pass", "Wrong(wrong=true)": "violation", Lossy: "deadlock" };
    for (const strategy of ["random", "pct"] as const) {
      for (const [test, kind] of Object.entries(verdicts)) {
        const options = { strategy, seed: 11, runs: 200, maxSteps: 50 };
        expect(checkRandom(model(WITH_RECEIVE, test), options).kind).toBe(kind);
      }
    }
  });

  it("a counterexample through receives replays to the same failure", () => {
    const m = model(WITH_RECEIVE, "Wrong(wrong=true)");
    const r = checkExhaustive(m);
    if (r.kind !== "violation") throw new Error(r.kind);
    const replayed = replayTrace(model(WITH_RECEIVE, "Wrong(wrong=true)"), r.trace.steps);
    expect(replayed.states).toHaveLength(r.trace.steps.length);
    expect(m.invariants.find((inv) => inv.name === "Sum")!.holds(replayed.states.at(-1)!)).toBe(false);
  });
});

/** Runs `step` from `s` (null: the initial step) and returns the only outcome's state. */
function only(m: FlModel, s: FlState | null): { step: FlStep; state: FlState }[] {
  const out: { step: FlStep; state: FlState }[] = [];
  const emit = (step: FlStep, o: StepOutcome<FlState>) => {
    if (o.kind !== "state") throw new Error(o.failure.message);
    out.push({ step, state: o.state });
  };
  if (s === null) m.initial(emit);
  else m.successors(s, emit);
  return out;
}

describe("a blocked machine", () => {
  it("takes only the receive's events; others stay queued, and its state is what the code did so far", () => {
    const m = model(WITH_RECEIVE, "Right");
    const [init] = only(m, null);
    const s = init!.state;
    const client = s.machines[0]!;
    // The client sent Ask and waits in `call`; the Notice from the Notifier is queued, not deliverable.
    expect(client.wait).not.toBeNull();
    expect(m.viewState(s)).toMatchObject({
      "Client(0)": { state: "Calling", waiting: expect.stringMatching(/^Answer \(receive at/) },
    });
    const steps = only(m, s).map((x) => x.step);
    expect(steps.every((st) => st.t !== "deliver" || st.to !== 0)).toBe(true);
    expect(
      s.channels.some((c) => c.to === 0 && c.msgs.some((msg) => m.parts.eventNames[msg.event] === "Notice")),
    ).toBe(true);
  });

  it("encodes and decodes with its wait, and decoding keeps its fingerprint", () => {
    const m = model(WITH_RECEIVE, "Right");
    let frontier = only(m, null).map((x) => x.state);
    for (let depth = 0; depth < 6; depth++) {
      for (const s of frontier) {
        const bytes = m.encode(s).slice();
        const back = m.decode(bytes);
        expect(Buffer.from(m.encode(back))).toEqual(Buffer.from(bytes));
        const a = new Uint32Array(2);
        const b = new Uint32Array(2);
        m.fingerprint(s, a);
        m.fingerprint(back, b);
        expect([...b]).toEqual([...a]);
      }
      frontier = frontier.flatMap((s) => only(m, s).map((x) => x.state));
    }
  });

  it("is counted by where it waits, not how it got there: a receive loop has finitely many states", () => {
    // Each round trip grows the replay log, but the client waits at the same
    // place with the same locals and variables: one state per (count, phase).
    const text = `
      event Tick;
      event Tock;
      machine Pinger {
        var count: int;
        var peer: Ponger;
        start state Go {
          entry {
            peer = new Ponger(this);
            while (true) {
              send peer, Tick;
              receive { case Tock: { count = (count + 1) % 3; } }
            }
          }
        }
      }
      machine Ponger {
        var peer: Pinger;
        start state Go {
          entry (p: Pinger) { peer = p; }
          on Tick do { send peer, Tock; }
        }
      }
      test Loop [main = Pinger];`;
    const r = checkExhaustive(model(text, "Loop"));
    expect(r.kind).toBe("pass");
    // 3 counts x (Tick in flight | Tock in flight).
    expect(r.stats.distinctStates).toBe(6);
  });

  it("replays choose and new from its log: a resumed run neither re-chooses nor re-creates", () => {
    const text = `
      event Go: int;
      machine Child { start state S { } }
      machine Parent {
        var picked: int;
        var kids: int;
        var got: int;
        start state S {
          entry {
            var k: Child;
            picked = choose(3);
            k = new Child();
            kids = kids + 1;
            send this, Go, picked;
            receive { case Go: (n) { got = n; } }
            assert got == picked, "the receive got another value";
          }
        }
      }
      invariant OneChild: forall p: Parent :: p.kids <= 1;
      test T [main = Parent]: assert OneChild;`;
    const m = model(text, "T");
    const r = checkExhaustive(m);
    expect(r.kind).toBe("pass");
    // Three initial choices, each blocked then resumed: 3 + 3 states, two machines each.
    expect(r.stats.distinctStates).toBe(6);
    const inits = only(m, null);
    expect(inits).toHaveLength(3);
    for (const { state } of inits) {
      const [next] = only(m, state);
      expect(next!.state.machines).toHaveLength(2);
      expect(next!.state.machines[0]!.wait).toBeNull();
    }
  });

  it("loses its wait when it crashes, and starts over when it restarts", () => {
    const text = `
      event Ping;
      machine Node {
        var started: int;
        start state S {
          entry {
            started = started + 1;
            receive { case Ping: { goto Done; } }
          }
        }
        state Done { }
      }
      machine Main {
        start state S { entry { var n: Node; n = new Node(); } }
      }
      test T [main = Main] with faults { crash Node at most 1 then restart; };`;
    const m = model(text, "T");
    const [init] = only(m, null);
    const node = init!.state.machines[1]!;
    expect(node.wait).not.toBeNull();
    const crashed = only(m, init!.state).find((x) => x.step.t === "crash")!.state;
    expect(crashed.machines[1]!.wait).toBeNull();
    const restarted = only(m, crashed).find((x) => x.step.t === "restart")!.state;
    expect(restarted.machines[1]!.wait).not.toBeNull();
    // Every run ends with the node waiting for a Ping nobody sends: a deadlock at the receive.
    const r = checkExhaustive(model(text, "T"));
    expect(r.kind).toBe("deadlock");
  });

  it("waits in a handler and in nested functions, and a goto after the receive moves it on", () => {
    const text = `
      event Start: Main;
      event Reply: int;
      event Kick;
      machine Peer {
        start state S { on Start do (p) { send p, Reply, 2; send p, Reply, 3; } }
      }
      machine Main {
        var sum: int;
        start state S {
          entry { var p: Peer; p = new Peer(); send p, Start, this; send this, Kick; }
          defer Reply;
          on Kick do {
            sum = two();
            goto Done;
          }
        }
        state Done { }
        fun one(): int { receive { case Reply: (v) { return v; } } }
        fun two(): int { var a: int; a = one(); return a + one(); }
      }
      invariant Five: forall m: Main :: !(m in Done) || m.sum == 5;
      test T [main = Main]: assert Five;`;
    const r = checkExhaustive(model(text, "T"));
    expect(r.kind).toBe("pass");
  });
});

// Review findings (each passed wrongly in exhaustive mode, or failed wrongly, while random walks
// told the truth): where a blocked machine waits must include everything its future depends on.
const REVIEW_CASES: [string, "pass" | "violation", string][] = [
  [
    "a call's result held while a later call in the same statement waits (f() + g())",
    "violation",
    `
event A: int;
event B;
machine Main {
  var r: int;
  start state S {
    entry {
      new Peer(this);
      r = f() + g();
      assert r != 2, "r is 2";
    }
  }
  fun f(): int { receive { case A: (v) { return v; } } }
  fun g(): int { receive { case B: { return 0; } } }
}
machine Peer {
  start state P { entry (m: Main) { send m, A, choose(2) + 1; send m, B; } }
}
test T [main = Main];
`,
  ],
  [
    "an index chosen before the assigned value's call waits (s[choose(2)] = g())",
    "violation",
    `
event B: int;
machine Main {
  var s: seq[int];
  start state S {
    entry {
      new Peer(this);
      s = [0, 0];
      s[choose(2)] = g();
      assert s != [0, 7], "second slot";
    }
  }
  fun g(): int { receive { case B: (v) { return v; } } }
}
machine Peer { start state P { entry (m: Main) { send m, B, 7; } } }
test T [main = Main];
`,
  ],
  [
    "the collection a foreach iterates (its copy), not the variable's value now",
    "violation",
    `
event Go;
machine Main {
  var s: seq[int];
  var sum: int;
  start state S {
    entry {
      new Peer(this);
      if ($) { s = [1, 2]; } else { s = [1, 3]; }
      foreach (x in s) {
        s = [];
        receive { case Go: { sum = sum + x; } }
      }
      assert sum != 3, "sum is 3";
    }
  }
}
machine Peer {
  start state P { entry (m: Main) { send m, Go; send m, Go; } }
}
test T [main = Main];
`,
  ],
  [
    "a receive in an exit: the goto it runs for, and its target",
    "violation",
    `
event E;
event Go;
machine Main {
  start state S {
    entry { new Peer(this); }
    on E do { if ($) { goto T1; } else { goto T2; } }
    exit { receive { case Go: { } } }
  }
  state T1 { entry { assert false, "reached T1"; } }
  state T2 { }
}
machine Peer { start state P { entry (m: Main) { send m, E; send m, Go; } } }
test T [main = Main];
`,
  ],
  [
    "a receive in a `goto ... with` action: the raised event's payload passed to the entry",
    "violation",
    `
event E;
event R: int;
event Go;
machine Main {
  start state S {
    entry { new Peer(this); }
    on E do { raise R, choose(2); }
    on R goto T with { receive { case Go: { } } }
  }
  state T { entry (p: int) { assert p != 1, "p is 1"; } }
}
machine Peer { start state P { entry (m: Main) { send m, E; send m, Go; } } }
test T [main = Main];
`,
  ],
  [
    "`case E: Fun;` binds the payload to a fresh name, not Fun's parameter name (a local here)",
    "violation",
    `
event A: int;
event B;
machine Main {
  var r: int;
  start state S {
    entry {
      new Peer(this);
      var v: int;
      v = choose(2);
      receive { case A: Take; }
      r = v;
      assert r != 1, "v is 1";
    }
  }
  fun Take(v: int) { receive { case B: { } } }
}
machine Peer { start state P { entry (m: Main) { send m, A, 5; send m, B; } } }
test T [main = Main];
`,
  ],
  [
    "a start entry that takes an argument resumes with it (decoded states do not keep it)",
    "pass",
    `
event Go;
event Done;
machine Main {
  start state S {
    entry {
      var c: Child;
      c = new Child(this);
      send c, Go;
      receive { case Done: { } }
    }
  }
}
machine Child {
  start state S {
    entry (p: Main) {
      receive { case Go: { send p, Done; } }
    }
  }
}
test T [main = Main];
`,
  ],
  [
    "a created machine's start entry resumed with its constructor argument",
    "violation",
    `
event Hello: (c: Child, x: int);
event Go: Main;
event Done: int;
event Reg: Main;
machine Main {
  var total: int;
  start state S {
    entry {
      var c: Child;
      var k: int;
      var h: int;
      k = choose(2);
      c = new Child(k);
      send c, Reg, this;
      receive { case Hello: (m) { h = m.x; } }
      send c, Go, this;
      receive { case Done: (d) { total = h + d + 100 * k; } }
      assert total != 106, "hit";
    }
  }
}
machine Child {
  var x: int;
  start state S {
    entry (base: int) {
      x = choose(3) + base;
      receive { case Reg: (p) { send p, Hello, (c = this, x = x); } }
      receive { case Go: (p) { send p, Done, x; } }
    }
  }
}
test T [main = Main];
`,
  ],
  [
    "the built-in halt event is taken by a machine waiting in a receive",
    "pass",
    `
event Go;
machine Main {
  start state S {
    entry { new Killer(this); receive { case Go: { } } }
  }
}
machine Killer { start state P { entry (m: Main) { send m, halt; } } }
test T [main = Main];
`,
  ],
];

describe("where a machine waits includes everything its future depends on", () => {
  it.each(REVIEW_CASES)("%s", (_what, verdict, text) => {
    const exhaustive = checkExhaustive(model(text, "T"));
    expect(exhaustive.kind).toBe(verdict);
    const random = checkRandom(model(text, "T"), { seed: 1, runs: 300, maxSteps: 40 });
    expect(random.kind).toBe(verdict);
  });

  it("random walks count states as the exhaustive search does (by where machines wait)", () => {
    const text = `
      event Ping: Client;
      event Pong;
      machine Server {
        start state S { entry { while (true) { receive { case Ping: (c) { send c, Pong; } } } } }
      }
      machine Client {
        var s: Server;
        var n: int;
        start state C {
          entry {
            s = new Server();
            while (true) {
              send s, Ping, this;
              receive { case Pong: { n = (n + 1) % 3; } }
            }
          }
        }
      }
      test T [main = Client];`;
    const exhaustive = checkExhaustive(model(text, "T"));
    const random = checkRandom(model(text, "T"), { seed: 1, runs: 20, maxSteps: 200 });
    expect(random.kind).toBe("pass");
    if (random.kind !== "pass") return;
    expect(random.stats.distinctStates).toBe(exhaustive.stats.distinctStates);
  });
});

describe("receive cases in coverage and vacuity warnings", () => {
  it("counts each case's event where a machine waited, and warns about a case that never ran", () => {
    const text = `
      event Ask: Client;
      event Answer: int;
      event Busy;
      machine Server { start state S { on Ask do (c) { send c, Answer, 1; } } }
      machine Client {
        var got: int;
        start state C {
          entry {
            var s: Server;
            s = new Server();
            send s, Ask, this;
            receive {
              case Answer: (v) { got = v; }
              case Busy: { got = -1; }
            }
          }
        }
      }
      test T [main = Client];`;
    const m = model(text, "T");
    const { result, coverage } = collectCoverage(m, () => checkExhaustive(m));
    expect(result.kind).toBe("pass");
    const client = coverage!.owners.find((o) => o.name === "Client")!;
    const cases = client.handlers.filter((h) => h.kind === "receive");
    expect(cases.map((h) => [h.on, h.ran, h.reached])).toEqual([
      ["Answer", 1, 1],
      ["Busy", 0, 1],
    ]);
    const warnings = vacuityWarnings(coverage!);
    expect(warnings.map((w) => w.message)).toEqual([
      expect.stringMatching(/^Client: the case Busy of the receive at line \d+:\d+ never ran$/),
    ]);
    // Merging two reports adds where machines waited too.
    const twice = mergeCoverage(coverage!, coverage!);
    const merged = twice.owners
      .find((o) => o.name === "Client")!
      .handlers.filter((h) => h.kind === "receive");
    expect(merged.map((h) => [h.ran, h.reached])).toEqual([
      [2, 2],
      [0, 2],
    ]);
  });
});
