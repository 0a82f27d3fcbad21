// Partial-order reduction against the full search on random small .fl
// programs: three wired machine types, each sending to one or two of them,
// with random handlers (counters, sends, timers, helpers created to send,
// gotos, halts, asserts, choices), random invariants and specs, sometimes
// faults. Whatever the program, the reduced search must find
// exactly the same failures (kind, property and message; every one kept), and
// on a pass reach no more states than the full one.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkExhaustive } from "../src/bfs-explorer.js";
import type { CheckResult } from "../src/check-result.js";
import { buildModel } from "../src/fl/fl-model.js";
import { compileText } from "./fixtures/fl/load.js";

const TYPES = ["T0", "T1", "T2"];
const REFS = ["a", "b", "c"];

/** Picks from a stream of random naturals, so fast-check can shrink the stream. */
class Picker {
  private at = 0;
  constructor(private readonly stream: readonly number[]) {}
  int(n: number): number {
    const v = this.stream[this.at % this.stream.length]! + this.at;
    this.at++;
    return v % n;
  }
  chance(percent: number): boolean {
    return this.int(100) < percent;
  }
}

/** One statement of a handler of a machine that may send to the types `targets`. */
function action(p: Picker, targets: readonly number[], last: boolean): string {
  const kind = p.int(last ? 9 : 7);
  switch (kind) {
    case 0:
      return "if (x < 2) { x += 1; }";
    case 1:
    case 2:
      return `if (sent < 3) { sent += 1; send ${REFS[targets[p.int(targets.length)]!]}, E${p.int(2)}; }`;
    case 3:
      return "if ($) { if (x < 2) { x += 1; } }";
    case 4:
      return p.chance(30) ? `assert x < 2, "x reached 2";` : "announce E1;";
    case 5:
      return "if (ticks < 2) { ticks += 1; start timer Tick; }";
    case 6: {
      // A helper whose entry sends E0 to one of the targets, inside this step.
      const k = targets[p.int(targets.length)]!;
      return `if (spawned < 1) { spawned += 1; new H${k}(${REFS[k]}); }`;
    }
    case 7:
      return `goto S${1 + p.int(2)};`;
    default:
      return p.chance(40) ? "halt;" : `goto S${1 + p.int(2)};`;
  }
}

function body(p: Picker, targets: readonly number[]): string {
  const n = 1 + p.int(3);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(action(p, targets, i === n - 1));
  return out.join(" ");
}

function handler(p: Picker, targets: readonly number[], event: string): string {
  switch (p.int(6)) {
    case 0:
      return `ignore ${event};`;
    case 1:
      return `defer ${event};`;
    case 2:
      return `on ${event} goto S${1 + p.int(2)};`;
    case 3:
      return ""; // unhandled: delivering it fails
    default:
      return `on ${event} do { ${body(p, targets)} }`;
  }
}

function machine(p: Picker, name: string, targets: readonly number[]): string {
  const kick = p.chance(70) ? body(p, targets) : "";
  const states = [1, 2].map((s) => {
    const timeout = p.chance(50) ? `on timeout Tick do { ${body(p, targets)} }` : "";
    return `  state S${s} {\n    ${handler(p, targets, "E0")}\n    ${handler(p, targets, "E1")}\n    ${timeout}\n  }`;
  });
  return `machine ${name} {
  var a: T0; var b: T1; var c: T2; var x: int; var sent: int; var ticks: int; var spawned: int;
  start state S0 {
    defer E0, E1;
    on Wire do (w) { a = w.a; b = w.b; c = w.c; ${kick} goto S1; }
  }
${states.join("\n")}
}`;
}

/** A random program with one test, `Random`. */
function program(stream: readonly number[]): string {
  const p = new Picker(stream);
  // Each type sends to one or two types (itself included), so some receivers have one sender.
  const targets = TYPES.map(() => {
    const first = p.int(3);
    return p.chance(30) ? [first, (first + 1 + p.int(2)) % 3] : [first];
  });
  const invariants = [
    `invariant XBelow2: forall p: ${TYPES[p.int(3)]} :: p.x < 2;`,
    "invariant FewE0: inflight(E0) < 3;",
    `invariant NotInS2: forall p: ${TYPES[p.int(3)]} :: !(p in S2);`,
    `invariant SentBelow3: forall p: ${TYPES[p.int(3)]} :: p.sent < 3;`,
  ];
  const asserted = ["XBelow2", "FewE0", "NotInS2", "SentBelow3"].filter(() => p.chance(30));
  if (p.chance(30)) asserted.push("CountE0");
  if (asserted.length === 0) asserted.push("SentBelow3");
  const faults = [
    "",
    " with faults { drop E0 at most 1; }",
    " with faults { crash T1 at most 1 then restart; }",
    " with faults { duplicate E1 at most 1; }",
  ][p.chance(70) ? 0 : 1 + p.int(3)];
  const helpers = TYPES.map(
    (t, k) => `machine H${k} {\n  start state S {\n    entry (t: ${t}) { send t, E0; }\n  }\n}`,
  );
  return `event Wire: (a: T0, b: T1, c: T2);
event E0;
event E1;
${TYPES.map((t, i) => machine(p, t, targets[i]!)).join("\n")}
${helpers.join("\n")}
machine Main {
  start state Boot {
    entry {
      var a: T0; var b: T1; var c: T2;
      a = new T0(); b = new T1(); c = new T2();
      send a, Wire, (a = a, b = b, c = c);
      send b, Wire, (a = a, b = b, c = c);
      send c, Wire, (a = a, b = b, c = c);
    }
  }
}
spec CountE0 observes E0, E1 {
  var n: int;
  start state Counting {
    on E0 do { n += 1; assert n < 3, "three E0"; }
    ignore E1;
  }
}
${invariants.join("\n")}
test Random [main = Main]: assert ${asserted.join(", ")}${faults};
`;
}

function failures(result: CheckResult): string[] {
  if (result.kind !== "violation" && result.kind !== "deadlock") return [];
  const all = result.failures ?? [{ failure: result.failure }];
  return all.map((f) => `${f.failure.kind} | ${f.failure.property} | ${f.failure.message}`).sort();
}

describe("partial-order reduction on random programs", () => {
  it("finds exactly the failures of the full search", () => {
    let reducedSomewhere = 0;
    fc.assert(
      fc.property(fc.array(fc.nat(1000), { minLength: 8, maxLength: 40 }), (stream) => {
        const text = program(stream);
        const ir = compileText("random.fl", text);
        const options = { stopOnFirst: false, maxStates: 20_000 };
        const full = checkExhaustive(buildModel(ir, "Random"), options);
        const reduced = checkExhaustive(buildModel(ir, "Random", { partialOrder: true }), {
          ...options,
          partialOrder: true,
        });
        if (full.kind === "bounded" || full.kind === "error") return;
        // A search that found a failure and then hit the state cap reports the failure, not "bounded":
        // its failure set is incomplete, so it cannot be compared.
        if (
          full.stats.distinctStates >= options.maxStates ||
          reduced.stats.distinctStates >= options.maxStates
        )
          return;
        // Reduced paths need not be shortest, so with several failures the first reported may differ: compare
        // pass/fail and the whole set of failures.
        expect(reduced.kind === "pass", text).toBe(full.kind === "pass");
        expect(failures(reduced), text).toEqual(failures(full));
        if (full.kind === "pass") {
          expect(reduced.stats.distinctStates, text).toBeLessThanOrEqual(full.stats.distinctStates);
          if (reduced.stats.distinctStates < full.stats.distinctStates) reducedSomewhere++;
        }
      }),
      { seed: 42, numRuns: 150 },
    );
    // The generator must also give programs the reduction applies to, or the property says little.
    expect(reducedSomewhere).toBeGreaterThan(10);
  });
});
