// TLA+'s TwoPhase: the compact model's state counts and counterexamples
// against an independent, naive implementation of the same spec.
import { describe, expect, it } from "vitest";
import { checkExhaustive } from "../src/search/bfs-explorer.js";
import { replayTrace } from "../src/trace/replay.js";
import { TwoPhaseModel } from "./models/two-phase-model.js";

interface NaiveState {
  rmState: string[];
  tmState: string;
  tmPrepared: number[];
  msgs: string[];
}

/** The spec's actions, written as directly as possible over plain objects. */
function naiveSuccessors(s: NaiveState, n: number, buggyCommit: boolean): NaiveState[] {
  const out: NaiveState[] = [];
  const withMsg = (msgs: string[], msg: string) => [...new Set([...msgs, msg])].sort();
  const setRm = (rm: number, value: string) => s.rmState.map((v, i) => (i === rm ? value : v));
  if (s.tmState === "init") {
    for (let rm = 0; rm < n; rm++) {
      if (s.msgs.includes(`Prepared${rm}`)) {
        out.push({ ...s, tmPrepared: [...new Set([...s.tmPrepared, rm])].sort() });
      }
    }
    if (buggyCommit ? s.tmPrepared.length > 0 : s.tmPrepared.length === n) {
      out.push({ ...s, tmState: "committed", msgs: withMsg(s.msgs, "Commit") });
    }
    out.push({ ...s, tmState: "aborted", msgs: withMsg(s.msgs, "Abort") });
  }
  for (let rm = 0; rm < n; rm++) {
    if (s.rmState[rm] === "working") {
      out.push({ ...s, rmState: setRm(rm, "prepared"), msgs: withMsg(s.msgs, `Prepared${rm}`) });
      out.push({ ...s, rmState: setRm(rm, "aborted") });
    }
    if (s.msgs.includes("Commit")) out.push({ ...s, rmState: setRm(rm, "committed") });
    if (s.msgs.includes("Abort")) out.push({ ...s, rmState: setRm(rm, "aborted") });
  }
  return out;
}

/** Distinct states and the depth of the first inconsistent state (-1 if none), by BFS over JSON keys. */
function naiveExplore(n: number, buggyCommit: boolean): { states: number; firstViolationDepth: number } {
  const init: NaiveState = {
    rmState: new Array(n).fill("working"),
    tmState: "init",
    tmPrepared: [],
    msgs: [],
  };
  const seen = new Set([JSON.stringify(init)]);
  let frontier = [init];
  let depth = 0;
  let firstViolationDepth = -1;
  while (frontier.length > 0) {
    for (const s of frontier) {
      if (firstViolationDepth < 0 && s.rmState.includes("committed") && s.rmState.includes("aborted")) {
        firstViolationDepth = depth;
      }
    }
    const next: NaiveState[] = [];
    for (const s of frontier) {
      for (const t of naiveSuccessors(s, n, buggyCommit)) {
        const key = JSON.stringify(t);
        if (!seen.has(key)) {
          seen.add(key);
          next.push(t);
        }
      }
    }
    frontier = next;
    depth++;
  }
  return { states: seen.size, firstViolationDepth };
}

describe("TwoPhase (TLA+) model", () => {
  // TLC reports 288 distinct states for TwoPhase with 3 resource managers.
  it.each([
    [1, 12],
    [2, 56],
    [3, 288],
    [4, 1568],
    [5, 8832],
  ])("with %i resource managers has %i distinct states", (n, expected) => {
    const result = checkExhaustive(new TwoPhaseModel(n));
    expect(result.kind).toBe("pass");
    expect(result.stats?.distinctStates).toBe(expected);
    expect(naiveExplore(n, false)).toEqual({ states: expected, firstViolationDepth: -1 });
  });

  it.each([2, 3, 4])("buggy commit with %i resource managers: shortest inconsistency, replayable", (n) => {
    const model = new TwoPhaseModel(n, { buggyCommit: true });
    const result = checkExhaustive(model);
    const naive = naiveExplore(n, true);
    expect(result.kind).toBe("violation");
    if (result.kind !== "violation") return;
    expect(result.failure).toMatchObject({ kind: "invariant", property: "TCConsistent" });
    expect(result.trace.steps).toHaveLength(naive.firstViolationDepth + 1);
    const replay = replayTrace(model, result.trace.steps);
    expect(replay.failure?.property).toBe("TCConsistent");
    const last = model.viewState(replay.states.at(-1)!);
    const rms = Object.entries(last).filter(([k]) => k.startsWith("RM"));
    expect(rms.some(([, v]) => v === "committed") && rms.some(([, v]) => v === "aborted")).toBe(true);
  });
});
