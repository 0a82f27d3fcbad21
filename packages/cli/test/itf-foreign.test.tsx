// `faultline explore` on ITF written by another tool (Quint, Apalache): no
// Faultline steps and no model, so the states are shown as written, each
// step named by Quint's `mbt::actionTaken` (with its nondeterministic picks),
// values in `.fl` syntax, a lasso's loop marked.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isForeignItf, readForeignItf } from "@faultline/checker";
import { runExplore } from "../src/commands/explore.js";
import { ExitCode } from "../src/exit-codes.js";
import { foreignItfDocument } from "../src/tui/trace-document.js";
import { captureIo } from "./capture-io.js";
import { renderExplorer, strip } from "./tui-harness.js";

/** A Quint-style ITF trace (ADR-015): ints as #bigint, a map, a set, variants and MBT metadata. */
const QUINT_TRACE = {
  "#meta": {
    format: "ITF",
    "format-description": "https://apalache-mc.org/docs/adr/015adr-trace.html",
    source: "bank.qnt",
    status: "violation",
    description: "Created by Quint",
  },
  vars: ["balances", "log", "mbt::actionTaken", "mbt::nondetPicks"],
  states: [
    {
      "#meta": { index: 0 },
      balances: { "#map": [["alice", { "#bigint": "10" }]] },
      log: { "#set": [] },
      "mbt::actionTaken": "init",
      "mbt::nondetPicks": {},
    },
    {
      "#meta": { index: 1 },
      balances: { "#map": [["alice", { "#bigint": "-5" }]] },
      log: { "#set": [{ tag: "Withdrew", value: { "#tup": ["alice", { "#bigint": "15" }] } }] },
      "mbt::actionTaken": "withdraw",
      "mbt::nondetPicks": {
        amount: { tag: "Some", value: { "#bigint": "15" } },
        who: { tag: "None", value: { "#tup": [] } },
      },
    },
  ],
  loop: 1,
};

const dir = mkdtempSync(join(tmpdir(), "faultline-foreign-itf-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("ITF from other tools", () => {
  it("is told apart from Faultline's own ITF and read state by state", () => {
    expect(isForeignItf(QUINT_TRACE)).toBe(true);
    expect(isForeignItf({ ...QUINT_TRACE, "#meta": { faultline: { steps: [{ t: "init", c: [] }] } } })).toBe(
      false,
    );
    const read = readForeignItf(QUINT_TRACE);
    if (!read.ok) throw new Error(read.message);
    expect(read.trace.actions).toEqual(["init", "withdraw(amount = 15)"]);
    expect(Object.keys(read.trace.states[0]!)).toEqual(["balances", "log"]);
    expect(read.trace.loop).toBe(1);
    expect(readForeignItf({ ...QUINT_TRACE, loop: 7 })).toMatchObject({ ok: false });
  });

  it("explore prints its states and what changed, in .fl syntax, when not on a terminal", async () => {
    const path = join(dir, "bank.itf.json");
    writeFileSync(path, JSON.stringify(QUINT_TRACE));
    const captured = captureIo();
    expect(await runExplore([path], captured.io)).toBe(ExitCode.pass);
    const out = captured.stdout();
    expect(out).toContain("2 states");
    expect(out).toContain(`1. init\n     balances = {"alice": 10}`);
    expect(out).toContain('2. withdraw(amount = 15)\n     balances: {"alice": 10} -> {"alice": -5}');
    expect(out).toContain('log: {} -> {Withdrew("alice", 15)}');
    expect(out).toContain("loops back to state 2");
    expect(captured.stderr()).toBe("");
  });

  it("opens in the explorer with the states and the loop marked", async () => {
    const read = readForeignItf(QUINT_TRACE);
    if (!read.ok) throw new Error(read.message);
    const app = await renderExplorer({ document: foreignItfDocument(read.trace, "bank.itf.json") });
    await app.press("j");
    const frame = strip(app.frame());
    expect(frame).toContain("ITF trace (not checked)");
    expect(frame).toContain("↺ loop back to 2: withdraw(am");
    expect(frame).toContain('~ balances: {"alice": -5}');
    expect(frame).toContain('~ log: {Withdrew("alice", 15)}  (was {})');
    await app.unmount();
  });
});
