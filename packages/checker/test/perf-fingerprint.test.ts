// Model.fingerprint (ADR 0007): the .fl model's fingerprint, computed from
// per-part hashes without encoding, has exactly the encoding's equality on
// every reachable state (equal encodings <=> equal fingerprints), whether the
// state is a step's fresh object or decoded from bytes; and the explorer uses
// it to test the visited set.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { compileSource } from "@faultline/lang";
import { describe, expect, it } from "vitest";
import { checkExhaustive } from "../src/search/bfs-explorer.js";
import { buildModel, type FlModel } from "../src/fl/fl-model.js";
import type { FlState } from "../src/fl/fl-state.js";

const root = (p: string) => fileURLToPath(new URL(`../../../${p}`, import.meta.url));

function modelOf(file: string, test: string): FlModel {
  const compiled = compileSource({ path: file, text: readFileSync(root(file), "utf8") });
  if (!compiled.ok) throw new Error(`${file} does not compile`);
  return buildModel(compiled.ir, test || compiled.ir.tests[0]!.name);
}

const MODELS: [string, string][] = [
  // Crash with restart, partition: budgets and the cut are in the state.
  ["models/bench/two-phase-messages.fl", "UnderFaults(participants=2)"],
  ["models/paxos/paxos.fl", "Reliable(acceptors=3,proposers=2)"],
  ["models/leader-election/leader-election.fl", "LostVotes(nodes=3,maxTerm=2)"],
  // Reorder: channels are sorted bags.
  ["models/lease-fencing/lease-fencing.fl", "LossyReorderingNetwork(clients=2)"],
  ["models/idempotency-tokens/idempotency-tokens.fl", "DuplicatedRequest(clients=2,payments=2)"],
];

const fingerprintKey = (model: FlModel, s: FlState, out: Uint32Array): string => {
  model.fingerprint(s, out);
  return `${out[0]}:${out[1]}`;
};

describe("FlModel.fingerprint", () => {
  for (const [file, test] of MODELS) {
    it(`has the encoding's equality on the reachable states of ${file}`, () => {
      const model = modelOf(file, test);
      const out = new Uint32Array(2);
      const fpByEncoding = new Map<string, string>();
      const encodingByFp = new Map<string, string>();
      const todo: Uint8Array[] = [];
      let successors = 0;
      const visit = (s: FlState) => {
        successors++;
        // Fingerprint the fresh object first (parts a step created, no cached hash), then encode.
        const fp = fingerprintKey(model, s, out);
        const bytes = model.encode(s).slice();
        const key = Buffer.from(bytes).toString("latin1");
        expect(fp).not.toBe("0:0");
        const knownFp = fpByEncoding.get(key);
        if (knownFp !== undefined) {
          expect(fp).toBe(knownFp);
          return;
        }
        expect(encodingByFp.get(fp)).toBeUndefined();
        fpByEncoding.set(key, fp);
        encodingByFp.set(fp, key);
        // The same state decoded (cached part bytes and hashes) has the same fingerprint, twice.
        const decoded = model.decode(bytes);
        expect(fingerprintKey(model, decoded, out)).toBe(fp);
        expect(fingerprintKey(model, decoded, out)).toBe(fp);
        if (fpByEncoding.size <= 3000) todo.push(bytes);
      };
      model.initial((_step, o) => {
        if (o.kind === "state") visit(o.state);
      });
      while (todo.length > 0) {
        const s = model.decode(todo.shift()!);
        model.successors(s, (_step, o) => {
          if (o.kind === "state") visit(o.state);
        });
      }
      expect(fpByEncoding.size).toBeGreaterThan(50);
      expect(successors).toBeGreaterThan(fpByEncoding.size);
    });
  }

  it("gives the explorer the same counts as fingerprinting the encoding", () => {
    const withFingerprint = modelOf("models/paxos/paxos.fl", "Reliable(acceptors=3,proposers=2)");
    const withEncoding = modelOf("models/paxos/paxos.fl", "Reliable(acceptors=3,proposers=2)");
    Object.assign(withEncoding, { fingerprint: undefined });
    const a = checkExhaustive(withFingerprint);
    const b = checkExhaustive(withEncoding);
    expect(a.kind).toBe(b.kind);
    expect(a.stats!.distinctStates).toBe(b.stats!.distinctStates);
    expect(a.stats!.generatedStates).toBe(b.stats!.generatedStates);
  });

  it("is what the explorer tests the visited set with", () => {
    const model = modelOf("models/paxos/paxos.fl", "Reliable(acceptors=3,proposers=2)");
    // A fingerprint that merges every state: the explorer then sees one distinct state.
    Object.assign(model, {
      fingerprint: (_s: FlState, out: Uint32Array) => {
        out[0] = 1;
        out[1] = 1;
      },
    });
    const result = checkExhaustive(model);
    expect(result.stats!.distinctStates).toBe(1);
  });
});

describe("shared parts of a successor", () => {
  it("keep the parent's channel object when a step rebuilds it with the same messages", () => {
    // TwoPhase's step takes its one Step message and sends Step again.
    const model = modelOf("models/bench/two-phase-tla.fl", "TLC(rms=3)");
    let parent: FlState | null = null;
    model.initial((_step, o) => {
      if (o.kind === "state") parent = model.decode(model.encode(o.state).slice());
    });
    const base = parent as unknown as FlState;
    let successors = 0;
    model.successors(base, (_step, o) => {
      if (o.kind !== "state") return;
      successors++;
      expect(o.state.channels).toBe(base.channels);
      expect(o.state.machines[0]).not.toBe(base.machines[0]);
    });
    expect(successors).toBeGreaterThan(1);
  });
});
