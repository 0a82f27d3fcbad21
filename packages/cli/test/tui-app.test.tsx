// The explorer app driven by keys through ink-testing-library, asserting the
// frames a user sees. Colours are stripped from frames, so changes are asserted
// by their text markers (+ ~ -) and the selection by ▸ and the header.
import { EventEmitter } from "node:events";
import { render as inkRender } from "ink";
import { act } from "react";
import { describe, expect, it } from "vitest";
import { Explorer } from "../src/tui/explorer-app.js";
import { textWidth } from "../src/tui/styled-text.js";
import type { TraceDocument } from "../src/tui/trace-document.js";
import { SYNTHETIC_STEPS, syntheticDocument, twoPhaseDocument } from "./tui-fixtures.js";
import { KEY, renderExplorer, strip } from "./tui-harness.js";

function explore(document: TraceDocument, width = 80, height = 24) {
  return renderExplorer({ document }, width, height);
}

/** The step list's rows: lines of the left pane starting with the selection or failure gutter. */
function selectedStepRow(lines: string[]): string | undefined {
  return lines.map((line) => line.slice(1)).find((line) => line.startsWith("▸"));
}

describe("explorer: step navigation", () => {
  it("opens on the first step with the failure in the header and every step listed", async () => {
    const app = await explore(twoPhaseDocument());
    const frame = app.frame();
    expect(app.lines()[0]).toMatch(
      /^ faultline +✗ invariant TCConsistent · two-phase\.fl \/ BuggyCommit +step 1\/6$/,
    );
    expect(frame).toContain("▸1 TM Init");
    expect(frame).toContain(" 2 RM(0) RMPrepare");
    expect(frame).toContain("✗6 RM(1) RMChooseToAbort");
    await app.unmount();
  });

  it("moves with j/k and the arrows, and jumps with g/G", async () => {
    const app = await explore(twoPhaseDocument());
    await app.press("j");
    expect(app.lines()[0]).toContain("step 2/6");
    expect(selectedStepRow(app.lines())).toMatch(/^▸2 RM\(0\) RMPrepare/);
    await app.press(KEY.down);
    expect(selectedStepRow(app.lines())).toMatch(/^▸3 TM TMRcvPrepared/);
    await app.press("k", KEY.up);
    expect(app.lines()[0]).toContain("step 1/6");
    await app.press("G");
    expect(app.lines()[0]).toContain("step 6/6");
    // The failing step keeps its ✗ when selected; the state is the one after it.
    expect(app.frame()).toContain("State after step 6");
    await app.press("g");
    expect(app.lines()[0]).toContain("step 1/6");
    await app.unmount();
  });

  it("takes every key of a chunk that holds several (keys typed faster than Ink reads them)", async () => {
    const app = await explore(syntheticDocument());
    // One write: Ink hands the handler the whole string at once.
    await app.press("jjjjj");
    expect(app.lines()[0]).toContain(`step 6/${SYNTHETIC_STEPS}`);
    await app.press("kkG");
    expect(app.lines()[0]).toContain(`step ${SYNTHETIC_STEPS}/${SYNTHETIC_STEPS}`);
    // Text and Enter in one chunk: a whole search.
    await app.press("/", "timeout Tick\r");
    expect(app.lines()[0]).toContain(`step 8/${SYNTHETIC_STEPS}`);
    await app.unmount();
  });

  it("pages with PgDn/PgUp by the visible height of the list", async () => {
    const app = await explore(syntheticDocument());
    await app.press(KEY.pageDown);
    // 80x24: the step list shows 19 rows; a page moves 18 so one row of context stays.
    expect(app.lines()[0]).toContain(`step 19/${SYNTHETIC_STEPS}`);
    await app.press(KEY.pageDown, KEY.pageDown, KEY.pageDown);
    expect(app.lines()[0]).toContain(`step ${SYNTHETIC_STEPS}/${SYNTHETIC_STEPS}`);
    await app.press(KEY.pageUp);
    expect(app.lines()[0]).toContain(`step ${SYNTHETIC_STEPS - 18}/${SYNTHETIC_STEPS}`);
    // The selection stays visible in the list after scrolling.
    expect(selectedStepRow(app.lines())).toMatch(new RegExp(`^▸ ?${SYNTHETIC_STEPS - 18} `));
    await app.unmount();
  });
});

describe("explorer: state and changes", () => {
  it("marks what the selected step changed with ~ and the old value, and new components with +", async () => {
    const app = await explore(twoPhaseDocument());
    expect(app.frame()).toContain('+ TM: "init"');
    expect(app.frame()).toContain('+ RM(0): "working"');
    await app.press("j");
    const frame = app.frame();
    expect(frame).toContain('~ RM(0): "prepared"  (was "working")');
    expect(frame).toContain('  TM: "init"');
    expect(frame).not.toContain("+ TM");
    await app.press("G");
    expect(app.frame()).toContain('~ RM(1): "aborted"  (was "working")');
    expect(app.frame()).toContain('  RM(0): "committed"');
    await app.unmount();
  });

  it("marks removed messages with - and new ones with +", async () => {
    const app = await explore(syntheticDocument());
    await app.press("j", "j", "j", "j", "j");
    const frame = app.frame();
    expect(frame).toContain("-   [0]: Store(0) -> Proxy(0): Work(4)");
    expect(frame).toContain("+   [0]: Client(0) -> Server(0): Work(5)");
    expect(frame).toContain("~   count: 1  (was 0)");
    await app.unmount();
  });

  it("shows only the changed values with d, and everything again with a second d", async () => {
    const app = await explore(syntheticDocument());
    await app.press("j", "j", "j", "j", "j");
    expect(app.frame()).toContain("  Client(1)  Busy");
    await app.press("d");
    const changed = app.frame();
    expect(changed).toContain("State after step 6 · changed only");
    expect(changed).toContain("~ Client(0)  Busy  (was Idle)");
    expect(changed).not.toContain("Client(1)  Busy");
    expect(changed).not.toContain("Proxy(0)  Busy");
    expect(app.lines()[0]).toContain("[changed]");
    await app.press("d");
    expect(app.frame()).toContain("  Client(1)  Busy");
    await app.unmount();
  });

  it("truncates a long value with … and expands it with Enter on the value, or all values with e", async () => {
    const app = await explore(syntheticDocument());
    await app.press("G");
    const truncated = app.lines().find((line) => line.includes("log: [1000"));
    expect(truncated).toMatch(/log: \[1000, 1001, .*…│$/);
    expect(app.frame()).not.toContain("1059");
    // Focus the state pane, move the value cursor (▸) down to Store(0)'s log and expand it.
    await app.press(KEY.tab);
    for (let guard = 0; !app.frame().includes("▸~   log: [1000"); guard++) {
      if (guard > 40) throw new Error(`the cursor never reached the log row:\n${app.frame()}`);
      await app.press("j");
    }
    await app.press(KEY.enter);
    expect(app.frame()).toContain("1059");
    await app.press(KEY.enter);
    expect(app.frame()).not.toContain("1059");
    await app.press("e");
    expect(app.frame()).toContain("1059");
    expect(app.frame()).toContain("State after step 60 · expanded");
    await app.unmount();
  });
});

describe("explorer: search", () => {
  it("finds steps with / and Enter, and moves between matches with n and N", async () => {
    const app = await explore(twoPhaseDocument());
    await app.press("/");
    await app.type("Commit");
    expect(app.lines()[23]).toMatch(/^\/Commit█/);
    await app.press(KEY.enter);
    expect(app.lines()[0]).toContain("step 4/6");
    expect(app.lines()[23]).toContain('match 1/2 for "Commit"');
    await app.press("n");
    expect(app.lines()[0]).toContain("step 5/6");
    expect(app.lines()[23]).toContain('match 2/2 for "Commit"');
    await app.press("n");
    expect(app.lines()[0]).toContain("step 4/6");
    await app.press("N");
    expect(app.lines()[0]).toContain("step 5/6");
    await app.unmount();
  });

  it("says so when nothing matches, and Esc abandons a search being typed", async () => {
    const app = await explore(twoPhaseDocument());
    await app.press("/");
    await app.type("nothing-like-this");
    await app.press(KEY.enter);
    expect(app.lines()[23]).toContain('no step matches "nothing-like-this"');
    expect(app.lines()[0]).toContain("step 1/6");
    await app.press("/", "x", KEY.backspace, "y", KEY.escape);
    expect(app.lines()[23]).not.toContain("/y");
    expect(app.lines()[0]).toContain("step 1/6");
    await app.unmount();
  });
});

describe("explorer: machine filter", () => {
  it("lists components in the f overlay and shows only the chosen machine", async () => {
    const app = await explore(syntheticDocument());
    await app.press("f");
    const overlay = app.frame();
    expect(overlay).toContain("Filter machines");
    expect(overlay).toContain("▸[x] Client(0)");
    expect(overlay).toContain("[x] network");
    await app.press("j", "j", "o");
    expect(app.frame()).toContain("▸[x] Proxy(0)");
    expect(app.frame()).toContain("[ ] Client(0)");
    await app.press(KEY.escape);
    const frame = app.frame();
    expect(frame).toContain("Proxy(0)  ");
    expect(frame).not.toContain("Client(1)  Idle");
    expect(frame).toMatch(/State after step \d+ · 6 hidden/);
    expect(app.lines()[0]).toContain("[filtered]");
    // The steps left involve Proxy(0), and the sequence view has one lane.
    expect(frame).not.toContain("Client(1) <- Pong(1)");
    await app.press(KEY.tab, KEY.tab);
    expect(app.frame()).toContain("Sequence  1 lanes");
    await app.unmount();
  });
});

describe("explorer: panes, help and quit", () => {
  it("switches the focused pane with Tab and Shift-Tab", async () => {
    const app = await explore(syntheticDocument());
    expect(app.frame()).toContain("» Steps");
    await app.press(KEY.tab);
    expect(app.frame()).toContain("» State after step 1");
    expect(app.lines()[23]).toContain("j/k value");
    await app.press(KEY.tab);
    expect(app.frame()).toContain("» Sequence");
    // On 80 columns the sequence takes the whole width: lanes for all five machines.
    expect(app.frame()).toMatch(/Client\(0\) +Client\(1\) +Proxy\(0\) +Server\(0\) +Store\(0\)/);
    await app.press(KEY.tab);
    expect(app.frame()).toContain("» Violation");
    expect(app.frame()).toContain(">6 │ invariant LogBounded");
    await app.press(KEY.shiftTab);
    expect(app.frame()).toContain("» Sequence");
    await app.unmount();
  });

  it("steps from the sequence pane and keeps the selected step's arrow in view", async () => {
    const app = await explore(syntheticDocument());
    await app.press(KEY.tab, KEY.tab, "G");
    expect(app.lines()[0]).toContain(`step ${SYNTHETIC_STEPS}/${SYNTHETIC_STEPS}`);
    expect(app.frame()).toMatch(/✗60 .*├─+Pong\(59\)─+>│/);
    await app.unmount();
  });

  it("opens the help overlay with ? and closes it with ?", async () => {
    const app = await explore(twoPhaseDocument());
    await app.press("?");
    const help = app.frame();
    expect(help).toContain("Keys");
    expect(help).toContain("next step");
    expect(help).toContain("search steps");
    expect(help).toContain("filter machines");
    expect(help).not.toContain("RM(0) RMPrepare");
    await app.press("?");
    expect(app.frame()).toContain("RM(0) RMPrepare");
    await app.unmount();
  });

  it("quits with q", async () => {
    const app = await explore(twoPhaseDocument());
    expect(app.exited).toBe(false);
    await app.press("j");
    expect(app.exited).toBe(false);
    await app.press("q");
    expect(app.exited).toBe(true);
  });
});

describe("explorer: degenerate documents", () => {
  it("shows an empty trace without failing, and still quits", async () => {
    const app = await explore({
      title: "empty.fl",
      test: "T",
      failure: null,
      failureStep: null,
      steps: [],
      notes: [],
    });
    expect(app.lines()[0]).toMatch(/no failure · empty\.fl \/ T +step 0\/0$/);
    expect(app.frame()).toContain("(the trace has no steps)");
    await app.press("j", "G", KEY.tab, "j", KEY.tab, KEY.tab, "j", "/", "x", KEY.enter);
    expect(app.lines()[23]).toContain('no step matches "x"');
    await app.press("d", "f", " ", KEY.escape, "e");
    expect(app.frame()).toContain("No failure: the trace replays without violat");
    await app.press("q");
    expect(app.exited).toBe(true);
  });
});

describe("explorer: terminal sizes", () => {
  it("fits 80x24 in every view: no line wider than 80 columns, no more than 24 rows", async () => {
    for (const document of [twoPhaseDocument(), syntheticDocument()]) {
      const app = await explore(document);
      const views: string[][] = [
        [],
        ["G"],
        [KEY.tab],
        [KEY.tab],
        [KEY.tab],
        ["e"],
        ["?"],
        ["?", "f"],
        [KEY.escape, "/"],
      ];
      for (const keys of views) {
        await app.press(...keys);
        const lines = app.lines();
        expect(lines.length, `after ${JSON.stringify(keys)}`).toBeLessThanOrEqual(24);
        for (const line of lines) expect(textWidth(line), line).toBeLessThanOrEqual(80);
      }
      expect(app.lines()).toHaveLength(24);
      await app.unmount();
    }
  });

  it("shows steps, state, sequence and the violation side by side on a wide terminal", async () => {
    const stdout = Object.assign(new EventEmitter(), {
      columns: 160,
      rows: 40,
      frames: [] as string[],
      write(frame: string) {
        stdout.frames.push(frame);
        return true;
      },
    });
    const stdin = Object.assign(new EventEmitter(), {
      isTTY: true,
      setEncoding() {},
      setRawMode() {},
      resume() {},
      pause() {},
      ref() {},
      unref() {},
      read: () => null,
    });
    let instance: ReturnType<typeof inkRender> | undefined;
    await act(async () => {
      instance = inkRender(<Explorer document={syntheticDocument()} />, {
        stdout: stdout as unknown as NodeJS.WriteStream,
        stdin: stdin as unknown as NodeJS.ReadStream,
        debug: true,
        exitOnCtrlC: false,
        patchConsole: false,
      });
    });
    const lines = strip(stdout.frames[stdout.frames.length - 1]).split("\n");
    await act(async () => {
      instance!.unmount();
    });
    expect(lines).toHaveLength(40);
    expect(Math.max(...lines.map(textWidth))).toBe(160);
    const panesRow = lines[2]!;
    expect(panesRow).toMatch(/» Steps .*│State after step 1 .*│Sequence {2}5 lanes/);
    expect(lines.some((line) => line.includes("│Violation "))).toBe(true);
    expect(lines.some((line) => line.includes("at synthetic.fl:6:1 · shows at step 60"))).toBe(true);
    expect(lines.some((line) => line.includes("6 Client(0) <- Pong(5) from Proxy(0)  Idle → B"))).toBe(true);
  });
});
