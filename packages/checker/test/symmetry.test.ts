// Symmetry reduction (`symmetric (M)` in a test): the same verdicts as the full
// search, one state per class of renamings of the symmetric instances (checked
// against a brute-force oracle that tries every renaming), traces that replay,
// and the same counts with worker threads.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { compileSource, type IrProgram } from "@faultline/lang";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkExhaustive } from "../src/search/bfs-explorer.js";
import type { CheckResult } from "../src/check-result.js";
import { flModelFactory } from "../src/fl/fl-factory.js";
import { buildModel, type FlModel } from "../src/fl/fl-model.js";
import type { FlState } from "../src/fl/fl-state.js";
import { checkLiveness, hasHotCycle } from "../src/search/liveness.js";
import type { Emit } from "../src/model.js";
import { checkExhaustiveParallel } from "../src/search/parallel-explorer.js";
import { replayTrace } from "../src/trace/replay.js";

const EXAMPLE = fileURLToPath(new URL("../../../examples/symmetry.fl", import.meta.url));

function compile(text: string, path = "symmetry-test.fl"): IrProgram {
  const c = compileSource({ path, text });
  if (!c.ok) throw new Error(c.diagnostics.map((d) => d.message).join("\n"));
  return c.ir;
}

const example = compile(readFileSync(EXAMPLE, "utf8"), EXAMPLE);

function states(r: CheckResult): number {
  if (!("stats" in r) || r.stats === undefined || !("distinctStates" in r.stats)) throw new Error(r.kind);
  return r.stats.distinctStates;
}

function permutations(a: readonly number[]): number[][] {
  if (a.length <= 1) return [a.slice()];
  return a.flatMap((x, i) => permutations([...a.slice(0, i), ...a.slice(i + 1)]).map((p) => [x, ...p]));
}

/** Every renaming of `s` that permutes the instances of machine type `type` (the identity included). */
function renamings(s: FlState, type: number): number[][] {
  const ids = s.byType[type]!;
  return permutations(ids).map((p) => {
    const r = s.machines.map((_, id) => id);
    ids.forEach((id, k) => {
      r[id] = p[k]!;
    });
    return r;
  });
}

/** The plain fingerprint (no symmetry) of a state, as a string. */
function plainFingerprint(full: FlModel, s: FlState): string {
  const out = new Uint32Array(2);
  full.fingerprint(s, out);
  return `${out[0]}:${out[1]}`;
}

function participantType(ir: IrProgram): number {
  return ir.machines.findIndex((m) => m.name === "Participant");
}

/** Reachable states of the full model (a BFS that keeps the states themselves). */
function reachable(model: FlModel, limit: number): FlState[] {
  const seen = new Set<string>();
  const out: FlState[] = [];
  const queue: FlState[] = [];
  const emit: Emit<FlState, never> = (_step, outcome) => {
    if (outcome.kind !== "state" || out.length >= limit) return;
    const key = plainFingerprint(model, outcome.state);
    if (seen.has(key)) return;
    seen.add(key);
    const copy = model.decode(model.encode(outcome.state).slice());
    out.push(copy);
    queue.push(copy);
  };
  model.initial(emit as Emit<FlState, never>);
  while (queue.length > 0 && out.length < limit)
    model.successors(queue.shift()!, emit as Emit<FlState, never>);
  return out;
}

/**
 * `plain` (no symmetry) fingerprinting a state by its class: the smallest
 * fingerprint over every renaming of `type`'s instances, so a search counts
 * exactly the classes.
 */
function classOracle(plain: FlModel, model: FlModel, type: number): FlModel {
  const oracle = Object.create(plain) as FlModel;
  oracle.fingerprint = (s: FlState, out: Uint32Array) => {
    let best: [number, number] | null = null;
    const tmp = new Uint32Array(2);
    for (const r of renamings(s, type)) {
      plain.fingerprint(model.symmetry!.renamed(s, r), tmp);
      if (best === null || tmp[0]! < best[0] || (tmp[0] === best[0] && tmp[1]! < best[1]))
        best = [tmp[0]!, tmp[1]!];
    }
    out[0] = best![0];
    out[1] = best![1];
  };
  return oracle;
}

describe("symmetry reduction", () => {
  it("checks one state per class of renamings (brute-force oracle: the minimum over every renaming)", () => {
    const type = participantType(example);
    for (const [test, reduced, full] of [
      ["Reliable(participants=3)", 104, 457],
      ["Reliable(participants=4)", 324, 4431],
    ] as const) {
      const model = buildModel(example, test);
      const plain = buildModel(example, test, { symmetry: false });
      expect(model.symmetricTypes).toEqual(["Participant"]);
      expect(plain.symmetricTypes).toEqual([]);
      expect(states(checkExhaustive(model, {}))).toBe(reduced);
      expect(states(checkExhaustive(plain, {}))).toBe(full);
      expect(states(checkExhaustive(classOracle(plain, model, type), {}))).toBe(reduced);
    }
  });

  it("gives every renaming of a reachable state the same representative, itself a renaming of it", () => {
    const test = "Reliable(participants=4)";
    const model = buildModel(example, test);
    const plain = buildModel(example, test, { symmetry: false });
    const type = participantType(example);
    const sample = reachable(plain, 600);
    expect(sample.length).toBe(600);
    const symmetry = model.symmetry!;
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: sample.length - 1 }),
        fc.integer({ min: 0, max: 23 }),
        (at, which) => {
          const s = sample[at]!;
          const r = renamings(s, type)[which]!;
          const renamed = symmetry.renamed(s, r);
          const rep = plainFingerprint(plain, symmetry.representative(s));
          expect(plainFingerprint(plain, symmetry.representative(renamed))).toBe(rep);
          // The representative is one of the state's own renamings (so the reduction stays sound).
          const classOf = new Set(
            renamings(s, type).map((q) => plainFingerprint(plain, symmetry.renamed(s, q))),
          );
          expect(classOf.has(rep)).toBe(true);
        },
      ),
      { seed: 42, numRuns: 300 },
    );
  });

  it("renames references inside values, keeps sets and maps sorted and channels in (from, to) order", () => {
    const model = buildModel(example, "Reliable(participants=3)", { symmetry: false });
    const symmetry = buildModel(example, "Reliable(participants=3)").symmetry!;
    const type = participantType(example);
    const coordinatorType = example.machines.findIndex((m) => m.name === "Coordinator");
    const yesVar = example.machines[coordinatorType]!.vars.findIndex((v) => v.name === "yes");
    // A state where the coordinator has two Yes votes and messages are in flight.
    const withVotes = reachable(model, 100000).find((s) => {
      const c = s.machines.find((m) => m.type === coordinatorType)!;
      return (c.vars[yesVar] as number[]).length === 2 && s.channels.length >= 2;
    })!;
    expect(withVotes).toBeDefined();
    for (const r of renamings(withVotes, type)) {
      const t = symmetry.renamed(withVotes, r);
      const c = t.machines.find((m) => m.type === coordinatorType)!;
      const yes = c.vars[yesVar] as number[];
      const before = withVotes.machines.find((m) => m.type === coordinatorType)!.vars[yesVar] as number[];
      expect(yes).toEqual(before.map((id) => r[id]!).sort((a, b) => a - b));
      const order = t.channels.map((ch) => [ch.from, ch.to]);
      expect(order).toEqual(order.slice().sort((a, b) => a[0]! - b[0]! || a[1]! - b[1]!));
      expect(t.channels.map((ch) => ch.msgs.length).sort()).toEqual(
        withVotes.channels.map((ch) => ch.msgs.length).sort(),
      );
      // A renamed state is a well-formed state: it encodes and decodes to itself.
      const bytes = model.encode(t).slice();
      expect(model.encode(model.decode(bytes))).toEqual(bytes);
    }
  });

  it("finds the same failure, with a trace of concrete steps that replays", () => {
    const test = "LostPrepare(participants=3)";
    const reduced = checkExhaustive(buildModel(example, test), {});
    const full = checkExhaustive(buildModel(example, test, { symmetry: false }), {});
    expect(reduced).toMatchObject({
      kind: "deadlock",
      failure: { kind: "hot-at-end", property: "EveryPrepareDecided" },
    });
    expect(full).toMatchObject({
      kind: "deadlock",
      failure: { kind: "hot-at-end", property: "EveryPrepareDecided" },
    });
    if (reduced.kind !== "deadlock" || full.kind !== "deadlock") throw new Error("expected hot-at-end");
    expect(reduced.trace.steps.length).toBe(full.trace.steps.length);
    expect(states(reduced)).toBeLessThan(states(full));
    const replay = replayTrace(buildModel(example, test), reduced.trace.steps);
    expect(replay.failure).toMatchObject({ kind: "hot-at-end", property: "EveryPrepareDecided" });
  });

  it("finds an invariant violation that needs a particular instance to act, whichever instance it is", () => {
    // Only the instance holding the token may decide; a bug lets a second one decide too.
    const ir = compile(`
      event Token; event Go: Worker;
      machine Worker {
        var decided: bool;
        start state Idle {
          on Token do { decided = true; }
          on Go do (other) { send other, Token; decided = true; }
        }
      }
      machine Setup {
        start state Boot {
          entry {
            var a: Worker; var b: Worker; var c: Worker;
            a = new Worker(); b = new Worker(); c = new Worker();
            send c, Go, b;
          }
        }
      }
      invariant AtMostOneDecides:
        forall p: Worker, q: Worker :: p == q || !(p.decided && q.decided);
      test Tokens [main = Setup]: assert AtMostOneDecides symmetric (Worker);
    `);
    const reduced = checkExhaustive(buildModel(ir, "Tokens"), {});
    const full = checkExhaustive(buildModel(ir, "Tokens", { symmetry: false }), {});
    expect(reduced).toMatchObject({ kind: "violation", failure: { property: "AtMostOneDecides" } });
    expect(full).toMatchObject({ kind: "violation", failure: { property: "AtMostOneDecides" } });
    if (reduced.kind !== "violation") throw new Error("expected a violation");
    expect(replayTrace(buildModel(ir, "Tokens"), reduced.trace.steps).failure).toMatchObject({
      property: "AtMostOneDecides",
    });
  });

  it("counts the same with 2 worker threads", async () => {
    const result = await checkExhaustiveParallel(
      flModelFactory({ file: EXAMPLE, test: "Reliable(participants=4)" }),
      { workers: 2 },
    );
    expect(result.kind).toBe("pass");
    expect(states(result)).toBe(324);
    const off = await checkExhaustiveParallel(
      flModelFactory({ file: EXAMPLE, test: "Reliable(participants=4)", symmetry: false }),
      { workers: 2 },
    );
    expect(states(off)).toBe(4431);
  });

  it("leaves the liveness check exact (it explores the full graph)", () => {
    const model = buildModel(example, "Reliable(participants=3)");
    const plain = buildModel(example, "Reliable(participants=3)", { symmetry: false });
    const a = checkLiveness(model, {});
    const b = checkLiveness(plain, {});
    expect(a.kind).toBe("pass");
    expect(b.kind).toBe("pass");
    expect(states(a)).toBe(states(b));
  });
});

describe("symmetry and `machine` values", () => {
  it("renames a symmetric instance held in a variable typed by another machine", () => {
    const alias = compile(
      readFileSync(
        fileURLToPath(new URL("./fixtures/fl/machine-alias-symmetry.fl", import.meta.url)),
        "utf8",
      ),
    );
    for (const symmetry of [true, false]) {
      const result = checkExhaustive(buildModel(alias, "T", { symmetry }), {});
      expect(result).toMatchObject({ kind: "violation", failure: { kind: "assertion" } });
    }
  });
});

describe("symmetry and `any` values", () => {
  // Workers are referred to only through `any`s: a variable, a set, a seq and payloads.
  const program = compile(`
event Hello: any;
event Ack: any;
machine Worker {
  var boss: any;
  start state Idle {
    on Hello do (b: any) {
      boss = b;
      send b as machine, Ack, (this, choose(2));
    }
  }
}
machine Boss {
  var seen: set[any];
  var order: seq[any];
  var byWorker: map[any, int];
  start state Go {
    entry {
      var i: int;
      while (i < 3) {
        var w: Worker;
        w = new Worker();
        send w, Hello, this;
        i += 1;
      }
    }
    on Ack do (a: any) {
      var p: (machine, int);
      p = a as (machine, int);
      seen += (p.0);
      order += (sizeof(order), a);
      byWorker[p.0] = p.1;
    }
  }
}
invariant FewAcks: forall b: Boss :: sizeof(b.seen) <= 3;
test Sym [main = Boss]: assert FewAcks in ({Boss, Worker}) symmetric (Worker);
`);

  it("renames instances held in any values: one state per class (brute-force oracle), same verdict", () => {
    const model = buildModel(program, "Sym");
    const plain = buildModel(program, "Sym", { symmetry: false });
    const type = program.machines.findIndex((m) => m.name === "Worker");
    const reduced = states(checkExhaustive(model, {}));
    const full = states(checkExhaustive(plain, {}));
    expect(reduced).toBeLessThan(full);
    expect(states(checkExhaustive(classOracle(plain, model, type), {}))).toBe(reduced);
    // Every renaming of a reachable state has the same representative.
    for (const s of reachable(plain, 300)) {
      const rep = plainFingerprint(plain, model.symmetry!.representative(s));
      for (const r of renamings(s, type))
        expect(plainFingerprint(plain, model.symmetry!.representative(model.symmetry!.renamed(s, r)))).toBe(
          rep,
        );
    }
  });
});

describe("liveness with symmetry: the quotient pre-check (hasHotCycle)", () => {
  const live = compile(
    readFileSync(fileURLToPath(new URL("./fixtures/fl/symmetric-liveness.fl", import.meta.url)), "utf8"),
  );

  it("proves on the quotient that no cycle keeps a spec hot, and finds the cycle when there is one", () => {
    const done = buildModel(live, "Rounds(finish=true)");
    const quick = hasHotCycle(done, { fingerprint: done.fingerprint.bind(done) });
    expect(quick.answer).toBe("none");
    // The quotient is smaller than the full graph the exact check builds.
    const exact = checkLiveness(buildModel(live, "Rounds(finish=true)", { symmetry: false }), {});
    expect(exact.kind).toBe("pass");
    expect(quick.stats.distinctStates).toBeLessThan(states(exact));
    const forever = buildModel(live, "Rounds(finish=false)");
    expect(hasHotCycle(forever, { fingerprint: forever.fingerprint.bind(forever) }).answer).toBe("found");
    expect(checkLiveness(forever, {})).toMatchObject({ kind: "violation", failure: { kind: "liveness" } });
  });
});
