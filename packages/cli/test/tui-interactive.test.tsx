// Interactive exploration of a model in the explorer app: choosing each next
// step by hand, undoing, the failure marks, and writing the path as a trace.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { type Json, type Model, readItfTrace, replayTrace } from "@faultline/checker";
import { compileSource } from "@faultline/lang";
import { afterAll, describe, expect, it } from "vitest";
import { loadTestModel } from "../src/model-loader.js";
import { ModelSession } from "../src/tui/model-session.js";
import { textWidth } from "../src/tui/styled-text.js";
import { KEY, renderExplorer } from "./tui-harness.js";

const DICE = fileURLToPath(new URL("./fixtures/explore-dice.fl", import.meta.url));
const directory = mkdtempSync(join(tmpdir(), "faultline-tui-interactive-"));

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

function diceSession(test = "Dice") {
  const text = readFileSync(DICE, "utf8");
  const compiled = compileSource({ path: DICE, text });
  if (!compiled.ok) throw new Error("the fixture does not compile");
  const loaded = loadTestModel(compiled.ir, test);
  if (!loaded.ok) throw new Error(`no model for ${test}`);
  const model = loaded.model as unknown as Model<unknown, Json>;
  return { model, session: new ModelSession(model, { source: DICE, sourceText: text, test, directory }) };
}

/** The rows of the next-steps pane (below its title), without the borders. */
function nextRows(lines: string[]): string[] {
  const title = lines.findIndex((line) => /(Next|Initial) steps/.test(line));
  const rows: string[] = [];
  for (const line of lines.slice(title + 1)) {
    if (line.startsWith("╰")) break;
    rows.push(line.slice(1, -1).trimEnd());
  }
  return rows.filter((row) => row !== "");
}

/** Enter twice: init, then the table answers Hello; the player's Go handler rolls next. */
const TO_THE_ROLL = [KEY.enter, KEY.enter];

describe("interactive exploration", () => {
  it("starts from the initial steps and appends each step taken with Enter to the path", async () => {
    const { session } = diceSession();
    const app = await renderExplorer({ session });
    expect(app.lines()[0]).toMatch(/^ faultline +exploring · explore-dice\.fl \/ Dice +step 0\/0$/);
    expect(app.frame()).toContain("(no step yet: choose one below)");
    expect(app.frame()).toContain("» Initial steps  1 enabled");
    expect(nextRows(app.lines())).toEqual([
      expect.stringMatching(/^▸ 1 init +init: Setup\(0\) {2}⇢ Table\(0\): Hello\(Player\(0\)\)/),
    ]);

    await app.press(KEY.enter);
    expect(app.lines()[0]).toMatch(/step 1\/1$/);
    expect(app.frame()).toContain("▸1 init: Setup(0)");
    expect(app.frame()).toContain("+ Player(0)  Waiting");
    expect(app.frame()).toContain("» Next steps  1 enabled after step 1");
    expect(nextRows(app.lines())[0]).toMatch(
      /^▸ 1 deliver Table\(0\) <- Hello\(Player\(0\)\) from Player\(0\)/,
    );

    await app.press(KEY.enter);
    expect(app.frame()).toContain("▸2 Table(0) <- Hello(Player(0))");
    expect(app.frame()).toContain("Next steps  3 enabled after step 2");
    await app.unmount();
  });

  it("lists each choose value as its own successor and moves between them with j/k", async () => {
    const { session } = diceSession();
    const app = await renderExplorer({ session });
    await app.press(...TO_THE_ROLL);
    const rows = nextRows(app.lines());
    expect(rows).toHaveLength(3);
    for (const [index, row] of rows.entries()) {
      expect(row).toContain(`Player(0) <- Go from Table(0)  chose ${index}  Waiting → Rolling  ⇢`);
    }
    expect(rows[0]!.startsWith("▸")).toBe(true);
    await app.press("j", "j");
    expect(nextRows(app.lines())[2]!.startsWith("▸")).toBe(true);
    await app.press("k");
    expect(nextRows(app.lines())[1]!.startsWith("▸")).toBe(true);
    await app.press(KEY.enter);
    expect(app.frame()).toContain("+   [0]: Player(0) -> Table(0): Rolled(1)");
    await app.unmount();
  });

  it("marks a step that fails with ✗ and one that breaks an invariant with !, and shows the failure once taken", async () => {
    const { session } = diceSession();
    const app = await renderExplorer({ session });
    await app.press(...TO_THE_ROLL, "j", "j", KEY.enter);
    const failing = nextRows(app.lines());
    expect(failing).toHaveLength(1);
    expect(failing[0]).toMatch(/^▸✗1 deliver Table\(0\) <- Rolled\(2\) from Player\(0\) {2}✗ assertion/);
    expect(app.frame()).toContain("1 fail");
    expect(app.lines()[0]).toContain("exploring");

    await app.press(KEY.enter);
    expect(app.lines()[0]).toMatch(/✗ assertion/);
    expect(app.frame()).toMatch(/✗4 Table\(0\) <- Rolled\(2\)/);
    expect(app.frame()).toContain("✗ The last step failed: assertion");
    expect(app.frame()).toContain("the table refuses a 2");

    // Back to the roll, and the value that makes the total 1.
    await app.press("u", "u", "k");
    await app.press(KEY.enter);
    const breaking = nextRows(app.lines());
    expect(breaking[0]).toMatch(
      /^▸!1 deliver Table\(0\) <- Rolled\(1\) from Player\(0\) {2}! violates SmallTotal/,
    );
    await app.press(KEY.enter);
    expect(app.lines()[0]).toMatch(/✗ invariant SmallTotal/);
    expect(app.frame()).toContain("~   total: 1  (was 0)");
    await app.unmount();
  });

  it("stops the run at a step that violates an invariant, and says so", async () => {
    const { session } = diceSession();
    const app = await renderExplorer({ session });
    await app.press(...TO_THE_ROLL, "j", KEY.enter, KEY.enter);
    expect(app.lines()[0]).toMatch(/✗ invariant SmallTotal/);
    const frame = app.frame();
    expect(frame).toContain("Next steps  0 enabled after step 4");
    expect(frame).toContain("✗ The run stops at the violation: invariant SmallTotal");
    expect(frame).not.toContain("normal termination");
    expect(session.snapshot().end).toMatchObject({ kind: "violated", failure: { property: "SmallTotal" } });
    await app.unmount();
  });

  it("undoes the last step with u or Backspace, putting the cursor back on the step undone", async () => {
    const { session } = diceSession();
    const app = await renderExplorer({ session });
    await app.press(...TO_THE_ROLL, "j", KEY.enter);
    expect(app.lines()[0]).toMatch(/step 3\/3$/);
    await app.press("u");
    expect(app.lines()[0]).toMatch(/step 2\/2$/);
    expect(app.frame()).toContain("undid step 3");
    expect(app.frame()).not.toContain("3 Player(0) <- Go");
    const rows = nextRows(app.lines());
    expect(rows).toHaveLength(3);
    expect(rows[1]).toMatch(/^▸ 2 .*chose 1/);
    await app.press(KEY.backspace, KEY.backspace);
    expect(app.lines()[0]).toMatch(/step 0\/0$/);
    expect(app.frame()).toContain("Initial steps");
    await app.press("u");
    expect(app.frame()).toContain("nothing to undo");
    await app.unmount();
  });

  it("says when no step is enabled: a normal termination, or a deadlock", async () => {
    const dice = await renderExplorer({ session: diceSession().session });
    await dice.press(...TO_THE_ROLL, KEY.enter, KEY.enter);
    expect(dice.frame()).toContain("Next steps  0 enabled after step 4");
    expect(dice.frame()).toContain("No step is enabled: normal termination (not a bug).");
    expect(dice.lines()[0]).toContain("exploring");
    await dice.unmount();

    const stuck = await renderExplorer({ session: diceSession("Stuck").session });
    await stuck.press(KEY.enter);
    expect(stuck.frame()).toContain("✗ No step is enabled: deadlock");
    expect(stuck.lines()[0]).toMatch(/✗ deadlock deadlock/);
    await stuck.unmount();
  });

  it("keeps the path keys working: h/l and g/G, Tab to the path, search, d", async () => {
    const { session } = diceSession();
    const app = await renderExplorer({ session });
    await app.press(...TO_THE_ROLL, KEY.enter);
    await app.press("h", "h");
    expect(app.lines()[0]).toMatch(/step 1\/3$/);
    expect(app.frame()).toContain("State after step 1");
    // Tab from the next steps goes on to the state; Shift-Tab back twice reaches the path.
    await app.press(KEY.shiftTab);
    expect(app.frame()).toContain("» Path  1/3");
    await app.press("G");
    expect(app.lines()[0]).toMatch(/step 3\/3$/);
    await app.press("g", "/", ..."Hello", KEY.enter);
    expect(app.lines()[0]).toMatch(/step 2\/3$/);
    await app.press("d");
    expect(app.frame()).toContain("[changed]");
    await app.unmount();
  });

  it("writes the path with w as an ITF trace that replays to the same state", async () => {
    const { model, session } = diceSession();
    const app = await renderExplorer({ session });
    await app.press("w");
    expect(app.frame()).toContain("nothing to write: take a step first");
    await app.press(...TO_THE_ROLL, "j", KEY.enter, KEY.enter);
    await app.press("w");
    const expectedPath = join(directory, "explore-dice.Dice.explore.itf.json");
    // The status bar names the file (its end may be cut at 80 columns).
    expect(app.frame()).toContain(`wrote 4 steps to ${expectedPath.slice(0, 30)}`);
    const trace = readItfTrace(JSON.parse(readFileSync(expectedPath, "utf8")));
    if (!trace.ok) throw new Error(trace.message);
    expect(trace.test).toBe("Dice");
    // The model is named relative to the trace file's folder (trace files move with their models).
    expect(trace.source).toBe(relative(directory, DICE));
    expect(trace.failure).toMatchObject({ kind: "invariant", property: "SmallTotal" });
    expect(trace.steps).toEqual(session.steps());
    const replayed = replayTrace(model, trace.steps);
    const last = replayed.states[replayed.states.length - 1];
    expect(last).toBeDefined();
    expect(model.viewState(last)).toEqual(session.snapshot().document.steps[3]!.state);
    expect(model.viewState(last)["Table(0)"]).toMatchObject({ vars: { total: 1 } });

    // A second write in the session updates the same file.
    await app.press("u", "w");
    expect(readdirSync(directory).filter((name) => name.startsWith("explore-dice.Dice"))).toEqual([
      "explore-dice.Dice.explore.itf.json",
    ]);
    const rewritten = readItfTrace(JSON.parse(readFileSync(expectedPath, "utf8")));
    expect(rewritten.ok && rewritten.steps.length).toBe(3);
    await app.unmount();
  });

  it("shows the interactive keys in the help overlay", async () => {
    const app = await renderExplorer({ session: diceSession().session });
    await app.press("?");
    expect(app.frame()).toContain("undo the last step");
    expect(app.frame()).toContain("write the path (ITF)");
    await app.press("?", "q");
    expect(app.exited).toBe(true);
  });

  it("fits 80x24 in every view, and shows every pane on a wide terminal", async () => {
    const app = await renderExplorer({ session: diceSession().session });
    const views: string[][] = [
      [],
      TO_THE_ROLL,
      ["j", "j", KEY.enter],
      [KEY.tab],
      [KEY.tab],
      [KEY.tab],
      [KEY.tab],
      ["?"],
      ["?", "f"],
      [KEY.escape, "w"],
    ];
    for (const keys of views) {
      await app.press(...keys);
      const lines = app.lines();
      expect(lines, `after ${JSON.stringify(keys)}`).toHaveLength(24);
      for (const line of lines) expect(textWidth(line), line).toBeLessThanOrEqual(80);
    }
    await app.unmount();

    const wide = await renderExplorer({ session: diceSession().session }, 150, 34);
    await wide.press(...TO_THE_ROLL);
    const lines = wide.lines();
    expect(lines).toHaveLength(34);
    expect(Math.max(...lines.map(textWidth))).toBe(150);
    expect(lines[2]).toMatch(/│Path .*│State after step 2 .*│Sequence/);
    expect(lines.some((line) => /» Next steps {2}3 enabled .*│No violation/.test(line))).toBe(true);
    await wide.unmount();
  });
});
