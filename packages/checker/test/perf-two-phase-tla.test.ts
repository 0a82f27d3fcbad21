// The TLC comparison model (models/bench/two-phase-tla.fl) reaches exactly the
// states of TLA+'s TwoPhase spec: its counts equal those of an independent
// brute force over the TLA+ actions, and worker counts change neither the
// verdict nor the count.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { compileSource } from "@faultline/lang";
import { describe, expect, it } from "vitest";
import { checkExhaustive } from "../src/search/bfs-explorer.js";
import { flModelFactory } from "../src/fl/fl-factory.js";
import { buildModel } from "../src/fl/fl-model.js";
import { checkExhaustiveParallel } from "../src/search/parallel-explorer.js";

const TLA_FILE = fileURLToPath(new URL("../../../models/bench/two-phase-tla.fl", import.meta.url));
const MESSAGES_FILE = fileURLToPath(new URL("../../../models/bench/two-phase-messages.fl", import.meta.url));

/**
 * Distinct states of TwoPhase.tla with `n` resource managers, by breadth-first
 * search over its actions exactly as written in TLA+ (TPInit, TMRcvPrepared,
 * TMCommit, TMAbort, RMPrepare, RMChooseToAbort, RMRcvCommitMsg, RMRcvAbortMsg).
 * States are strings; msgs is a set of records.
 */
function tlaTwoPhaseStates(n: number): number {
  type S = { rm: string[]; tm: string; tp: number[]; msgs: string[] };
  const key = (s: S) => JSON.stringify([s.rm, s.tm, [...s.tp].sort((a, b) => a - b), [...s.msgs].sort()]);
  const add = <T>(set: T[], x: T): T[] => (set.includes(x) ? set : [...set, x]);
  const withRm = (s: S, r: number, v: string): S => ({ ...s, rm: s.rm.map((x, i) => (i === r ? v : x)) });
  const init: S = { rm: Array(n).fill("working"), tm: "init", tp: [], msgs: [] };
  const seen = new Set([key(init)]);
  const todo = [init];
  while (todo.length > 0) {
    const s = todo.pop()!;
    const next: S[] = [];
    for (let r = 0; r < n; r++) {
      const prepared = JSON.stringify({ type: "Prepared", rm: r });
      if (s.tm === "init" && s.msgs.includes(prepared)) next.push({ ...s, tp: add(s.tp, r) });
      if (s.rm[r] === "working") {
        next.push({ ...withRm(s, r, "prepared"), msgs: add(s.msgs, prepared) });
        next.push(withRm(s, r, "aborted"));
      }
      if (s.msgs.includes('{"type":"Commit"}')) next.push(withRm(s, r, "committed"));
      if (s.msgs.includes('{"type":"Abort"}')) next.push(withRm(s, r, "aborted"));
    }
    if (s.tm === "init" && s.tp.length === n)
      next.push({ ...s, tm: "done", msgs: add(s.msgs, '{"type":"Commit"}') });
    if (s.tm === "init") next.push({ ...s, tm: "done", msgs: add(s.msgs, '{"type":"Abort"}') });
    for (const t of next) {
      const k = key(t);
      if (!seen.has(k)) {
        seen.add(k);
        todo.push(t);
      }
    }
  }
  return seen.size;
}

function compileFile(file: string) {
  const compiled = compileSource({ path: file, text: readFileSync(file, "utf8") });
  if (!compiled.ok) throw new Error(`${file}: ${compiled.diagnostics.map((d) => d.message).join("; ")}`);
  return compiled.ir;
}

describe("TLA+ TwoPhase in .fl", () => {
  it("the brute force gives TLC's known count for 3 RMs", () => {
    expect(tlaTwoPhaseStates(3)).toBe(288);
  });

  it("has exactly TwoPhase.tla's distinct states for 3 to 6 RMs", () => {
    const ir = compileFile(TLA_FILE);
    const counts: number[] = [];
    for (const rms of [3, 4, 5, 6]) {
      const model = buildModel(ir, "TLC(rms=3)", { paramOverrides: { rms } });
      const result = checkExhaustive(model);
      expect(result.kind).toBe("pass");
      expect(result.stats!.distinctStates).toBe(tlaTwoPhaseStates(rms));
      counts.push(result.stats!.distinctStates);
    }
    expect(counts).toEqual([288, 1568, 8832, 50816]);
  });

  it("1 and 2 workers agree with the single-threaded search on verdict and count", async () => {
    const cases = [
      { file: TLA_FILE, test: "TLC(rms=5)" },
      { file: MESSAGES_FILE, test: "UnderFaults(participants=2)" },
    ];
    for (const c of cases) {
      const single = checkExhaustive(buildModel(compileFile(c.file), c.test));
      for (const workers of [1, 2]) {
        const parallel = await checkExhaustiveParallel(flModelFactory(c), { workers });
        expect(parallel.kind).toBe(single.kind);
        expect(parallel.stats!.distinctStates).toBe(single.stats!.distinctStates);
        expect(parallel.stats!.generatedStates).toBe(single.stats!.generatedStates);
      }
    }
  }, 60_000);
});
