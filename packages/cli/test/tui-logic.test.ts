// The explorer's pure logic: text widths, value formatting, state diffs, the
// trace index (filter, search), layout, the key reducer and the sequence view.
import type { Failure, Json, Model, StepLabel, StepOutcome } from "@faultline/checker";
import { describe, expect, it } from "vitest";
import { formatViewValue, formatViewValueLines, isMachineShaped } from "../src/tui/json-format.js";
import { computeLayout, contentHeight, layoutPanes, scrollOffset } from "../src/tui/layout.js";
import {
  hotkeyBar,
  propertyLines,
  stateRowLines,
  statePaneContent,
  stepListContent,
} from "../src/tui/pane-lines.js";
import { Canvas, laneGeometry, renderSequence, sequenceEvents } from "../src/tui/sequence-view.js";
import { buildStateRows, diffArrays, jsonEqual, visibleStateRows } from "../src/tui/state-diff.js";
import {
  fitLine,
  lineText,
  lineWidth,
  textWidth,
  truncateLine,
  truncateText,
  wrapLine,
  wrapText,
} from "../src/tui/styled-text.js";
import { buildTraceDocument, sourceExcerpt } from "../src/tui/trace-document.js";
import { buildTraceIndex, nextMatch, parseSends, searchSteps, visibleSteps } from "../src/tui/trace-index.js";
import {
  handleKey,
  initialUiState,
  type KeyContext,
  type KeyPress,
  type UiState,
} from "../src/tui/ui-state.js";
import { SYNTHETIC_MACHINES, SYNTHETIC_STEPS, syntheticDocument, twoPhaseDocument } from "./tui-fixtures.js";

describe("styled text", () => {
  it("measures wide characters as two columns and combining marks as none", () => {
    expect(textWidth("abc")).toBe(3);
    expect(textWidth("日本")).toBe(4);
    expect(textWidth("e\u0301")).toBe(1);
    expect(textWidth("│─✗▸")).toBe(4);
  });

  it("keeps emoji sequences whole and the frame exact (string-width with grapheme clusters)", () => {
    const family = "👩‍👩‍👧"; // three emoji joined by zero-width joiners: one wide character
    const thumb = "👍🏽"; // an emoji with a skin-tone modifier
    const flag = "🇯🇵"; // two regional indicators
    expect(textWidth(family)).toBe(2);
    expect(textWidth(thumb)).toBe(2);
    expect(textWidth(flag)).toBe(2);
    expect(truncateText(`${family}${thumb}ab`, 5)).toBe(`${family}${thumb}…`);
    expect(truncateText(`a${family}b`, 3)).toBe("a…");
    const line = [{ text: `Leader(0) <- Append(${thumb} ${family} ${flag})` }];
    for (const width of [10, 17, 23, 40]) {
      const fitted = fitLine(line, width);
      expect(lineWidth(fitted)).toBe(width);
      for (const wrapped of wrapLine(line, width, 2)) expect(lineWidth(wrapped)).toBeLessThanOrEqual(width);
    }
    // No cluster is split: every piece of the wrapped text is whole emoji.
    const pieces = wrapLine(line, 7).flatMap((l) => l.map((seg) => seg.text));
    expect(pieces.join("")).toBe(line[0]!.text);
    for (const piece of pieces) expect(piece.includes("\u200d") ? piece.includes(family) : true).toBe(true);
  });

  it("truncates with an ellipsis only when the text is too wide", () => {
    expect(truncateText("balance", 7)).toBe("balance");
    expect(truncateText("balance", 5)).toBe("bala…");
    expect(truncateText("日本語", 4)).toBe("日…");
    expect(truncateText("x", 0)).toBe("");
  });

  it("wraps text and styled lines at the width, indenting continuations", () => {
    expect(wrapText("abcdefgh", 3, " ")).toEqual(["abc", " de", " fg", " h"]);
    const lines = wrapLine([{ text: "key: " }, { text: "0123456789", bold: true }], 8, 2);
    expect(lines.map(lineText)).toEqual(["key: 012", "  345678", "  9"]);
    expect(lines.every((line) => lineWidth(line) <= 8)).toBe(true);
    expect(lines[1]!.some((segment) => segment.bold)).toBe(true);
  });

  it("fits a styled line to exactly the width, keeping styles of the kept part", () => {
    const line = [
      { text: "Bank(0) ", bold: true },
      { text: "balance: -10", color: "red" as const },
    ];
    const cut = truncateLine(line, 12);
    expect(lineText(cut)).toBe("Bank(0) bal…");
    expect(cut[1]!.color).toBe("red");
    expect(lineWidth(fitLine(line, 30))).toBe(30);
    expect(lineWidth(fitLine(line, 5))).toBe(5);
  });
});

describe("value formatting", () => {
  it("writes structure with names bare and model values in .fl syntax", () => {
    expect(formatViewValue("Bank(0)", false)).toBe("Bank(0)");
    expect(formatViewValue("two words", false)).toBe('"two words"');
    expect(formatViewValue("true", false)).toBe('"true"');
    // The same string as a model value is a string literal.
    expect(formatViewValue("Bank", true)).toBe('"Bank"');
    const record = { tx: 1, votes: { "#set": [true, false] }, who: null };
    expect(formatViewValue(record, true)).toBe("(tx = 1, votes = {true, false}, who = null)");
  });

  it("writes messages in flight as sender -> receiver: Event(payload) in .fl syntax", () => {
    expect(formatViewValue({ from: "Client(0)", to: "Bank(0)", event: "Withdraw", payload: 10 }, false)).toBe(
      "Client(0) -> Bank(0): Withdraw(10)",
    );
    expect(formatViewValue({ from: "A(0)", to: "B(0)", event: "Ping", payload: null }, false)).toBe(
      "A(0) -> B(0): Ping",
    );
    const put = { from: "C(0)", to: "S(0)", event: "Put", payload: { k: "a", v: 1 } };
    expect(formatViewValue(put, false)).toBe('C(0) -> S(0): Put(k = "a", v = 1)');
  });

  it("breaks a model value over lines no wider than the width; structure stays on one line", () => {
    const ref = (k: number) => ({ tag: "Participant", value: k });
    const value = { participants: [ref(0), ref(1)], yes: { "#set": [ref(0)] } };
    expect(formatViewValueLines(value, true, 30)).toEqual([
      "(",
      "  participants = [",
      "    Participant(0),",
      "    Participant(1)",
      "  ],",
      "  yes = {Participant(0)}",
      ")",
    ]);
    expect(formatViewValueLines(value, false, 30)).toHaveLength(1);
  });

  it("recognises machine-shaped components", () => {
    expect(isMachineShaped({ state: "Open", vars: {} })).toBe(true);
    expect(isMachineShaped({ state: 3 })).toBe(false);
    expect(isMachineShaped("Open")).toBe(false);
  });
});

describe("state diff", () => {
  it("compares JSON deeply, key order aside", () => {
    expect(jsonEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(jsonEqual({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(true);
    expect(jsonEqual({ a: [1, 2] }, { a: [1, 2, 3] })).toBe(false);
    expect(jsonEqual({ a: null }, { b: null })).toBe(false);
    expect(jsonEqual([1], { 0: 1 })).toBe(false);
  });

  it("aligns arrays by common subsequence: removing the head removes one element", () => {
    expect(diffArrays(["a", "b", "c"], ["b", "c", "d"]).map((e) => e.kind)).toEqual([
      "removed",
      "same",
      "same",
      "added",
    ]);
    expect(diffArrays([1, 2, 3], [1, 5, 3]).map((e) => e.kind)).toEqual(["same", "removed", "added", "same"]);
  });

  it("marks added, changed and removed rows, with the value before", () => {
    const before = {
      "Bank(0)": { state: "Open", status: "up", vars: { balance: 10, owner: "Client(0)" }, timers: [] },
      network: [{ from: "Client(0)", to: "Bank(0)", event: "Withdraw", payload: 10 }],
      gone: 1,
    };
    const after = {
      "Bank(0)": {
        state: "Closed",
        status: "up",
        vars: { balance: 0, owner: "Client(0)" },
        timers: ["Audit"],
      },
      network: [],
      "Client(0)": { state: "Done", status: "up", vars: {}, timers: [] },
    };
    const rows = buildStateRows(before, after);
    const byKey = (component: string, key: string) =>
      rows.find((r) => r.component === component && r.key === key)!;
    expect(byKey("Bank(0)", "Bank(0)")).toMatchObject({
      header: true,
      text: "Closed",
      previousText: "Open",
      change: "changed",
    });
    expect(byKey("Bank(0)", "balance")).toMatchObject({ change: "changed", text: "0", previousText: "10" });
    expect(byKey("Bank(0)", "owner").change).toBe("same");
    expect(byKey("Bank(0)", "timers")).toMatchObject({ change: "changed", text: "[Audit]" });
    // An up machine and no timers are noise unless they changed.
    expect(rows.some((r) => r.key === "status")).toBe(false);
    expect(byKey("network", "[0]")).toMatchObject({
      change: "removed",
      text: "Client(0) -> Bank(0): Withdraw(10)",
    });
    expect(byKey("Client(0)", "Client(0)").change).toBe("added");
    expect(byKey("gone", "gone")).toMatchObject({ change: "removed", previousText: "1" });
  });

  it("treats everything as added before the first step; a model's own values print as .fl literals", () => {
    const rows = buildStateRows(null, { TM: "init", "RM(0)": "working" });
    expect(rows.map((r) => [r.key, r.text, r.change])).toEqual([
      ["TM", '"init"', "added"],
      ["RM(0)", '"working"', "added"],
    ]);
  });

  it("keeps only changed rows and shown components on request", () => {
    const rows = buildStateRows(
      { A: { state: "S", vars: { x: 1, y: 1 } }, B: { state: "S", vars: { x: 1 } } },
      { A: { state: "S", vars: { x: 2, y: 1 } }, B: { state: "S", vars: { x: 1 } } },
    );
    expect(visibleStateRows(rows, new Set(), true).map((r) => r.key)).toEqual(["A", "x"]);
    expect(visibleStateRows(rows, new Set(["A"]), false).map((r) => r.key)).toEqual(["B", "x"]);
  });

  it("nests machine-shaped values inside a component (spec monitors)", () => {
    const rows = buildStateRows(
      { monitors: { Safety: { state: "Idle", hot: false, vars: { n: 0 } } } },
      { monitors: { Safety: { state: "Waiting", hot: true, vars: { n: 1 } } } },
    );
    expect(rows.map((r) => [r.depth, r.key, r.text, r.change])).toEqual([
      [0, "monitors", "", "changed"],
      [1, "Safety", "Waiting (hot)", "changed"],
      [2, "n", "1", "changed"],
    ]);
  });
});

describe("state rows as lines", () => {
  const [row] = buildStateRows(
    { S: { state: "A", vars: { log: [1] } } },
    { S: { state: "A", vars: { log: [1, 2, 3] } } },
  ).filter((r) => r.key === "log");

  it("starts a changed row with ~ and shows the value before", () => {
    const [line] = stateRowLines(row!, 60, false);
    expect(lineText(line!)).toBe("~   log: [1, 2, 3]  (was [1])");
  });

  it("truncates a long value to one line, and expands it over several", () => {
    const long = buildStateRows(null, {
      S: { state: "A", vars: { log: Array.from({ length: 40 }, (_, i) => 1000 + i) } },
    });
    const logRow = long.find((r) => r.key === "log")!;
    const truncated = stateRowLines(logRow, 40, false);
    expect(truncated).toHaveLength(1);
    expect(lineText(truncated[0]!)).toMatch(/^\+ {3}log: \[1000, 1001.*…$/);
    const expanded = stateRowLines(logRow, 40, true);
    expect(expanded.length).toBeGreaterThan(5);
    expect(expanded.every((line) => lineWidth(line) <= 40)).toBe(true);
    expect(expanded.map(lineText).join("\n")).toContain("1039");
  });
});

describe("trace document", () => {
  it("replays the two-phase model: one state per step, the invariant failure at the last step", () => {
    const document = twoPhaseDocument();
    expect(document.steps.map((s) => s.label.text)).toEqual([
      "TM Init",
      "RM(0) RMPrepare",
      "TM TMRcvPrepared(RM(0))",
      "TM TMCommit",
      "RM(0) RMRcvCommitMsg",
      "RM(1) RMChooseToAbort",
    ]);
    expect(document.steps[0]!.state).toEqual({
      TM: "init",
      "RM(0)": "working",
      "RM(1)": "working",
      "RM(2)": "working",
    });
    expect(document.steps[5]!.state).toMatchObject({ "RM(0)": "committed", "RM(1)": "aborted" });
    expect(document.failure).toMatchObject({ kind: "invariant", property: "TCConsistent" });
    expect(document.failureStep).toBe(5);
    expect(document.notes).toEqual([]);
  });

  it("keeps the state before a step that failed without a state, and excerpts the source", () => {
    // A counter whose second step fails an assertion located in the source.
    const failure: Failure = {
      kind: "assertion",
      property: "assert",
      message: "n stays below 1",
      location: { file: "counter.fl", line: 3, col: 5, endLine: 3, endCol: 18 },
    };
    const model: Model<number, Json> = {
      name: "counter",
      invariants: [],
      initial: (emit) => emit("init", { kind: "state", state: 0 }),
      successors: (state, emit) =>
        emit("inc", state >= 1 ? { kind: "failure", failure } : { kind: "state", state: 1 }),
      apply: (state): StepOutcome<number> =>
        state === null
          ? { kind: "state", state: 0 }
          : state >= 1
            ? { kind: "failure", failure }
            : { kind: "state", state: 1 },
      terminal: () => null,
      encode: (s) => new Uint8Array([s]),
      decode: (b) => b[0]!,
      describeStep: (step): StepLabel => ({
        kind: String(step),
        text: `counter ${String(step)}`,
        actor: "Counter(0)",
      }),
      viewState: (s) => ({ "Counter(0)": { state: "Counting", vars: { n: s } } }),
    };
    const text = [
      "machine Counter {",
      "  on Inc do {",
      '    assert n < 1, "n stays below 1";',
      "  }",
      "}",
    ].join("\n");
    const document = buildTraceDocument(model, ["init", "inc", "inc"], {
      title: "counter.fl",
      test: "T",
      sourceText: text,
      recordedFailure: { kind: "invariant", property: "Other", message: "x" },
    });
    expect(document.steps).toHaveLength(3);
    expect(document.steps[2]).toMatchObject({
      stateMissing: true,
      state: { "Counter(0)": { vars: { n: 1 } } },
    });
    expect(document.failureStep).toBe(2);
    expect(document.sourceExcerpt).toMatchObject({ file: "counter.fl", line: 3, col: 5, endCol: 18 });
    expect(document.sourceExcerpt!.lines.map((l) => l.n)).toEqual([1, 2, 3, 4, 5]);
    expect(document.notes).toEqual(["the trace file recorded a different failure: invariant Other: x"]);
  });

  it("excerpts nothing for a location outside the text", () => {
    expect(sourceExcerpt("one line", { file: "f", line: 9, col: 1 }, 2)).toBeUndefined();
  });
});

describe("trace index", () => {
  const document = syntheticDocument();
  const index = buildTraceIndex(document);

  it("lists components and the machines that act as lanes", () => {
    expect(index.components).toEqual([...SYNTHETIC_MACHINES, "network", "monitors"]);
    expect(index.lanes).toEqual(SYNTHETIC_MACHINES);
  });

  it("reads sends written as text or as objects", () => {
    expect(
      parseSends({
        kind: "deliver",
        text: "",
        details: {
          sends: [
            "A(0) -> B(0): Ping(1)",
            "A(0) -> C(0): Go (dropped: receiver halted)",
            { from: "A(0)", to: "B(0)", event: "Pong" },
            "odd",
          ],
        },
      }),
    ).toEqual([
      { from: "A(0)", to: "B(0)", text: "Ping(1)", dropped: false },
      { from: "A(0)", to: "C(0)", text: "Go", dropped: true },
      { from: "A(0)", to: "B(0)", text: "Pong", dropped: false },
      { text: "odd", dropped: false },
    ]);
  });

  it("filters steps to those involving shown machines, always keeping the failing step", () => {
    const onlyStore = new Set(index.components.filter((name) => name !== "Store(0)"));
    const shown = visibleSteps(document, index, onlyStore);
    // Store(0)'s log changes every step, so every step involves it.
    expect(shown).toHaveLength(SYNTHETIC_STEPS);
    const onlyClient0 = new Set(index.components.filter((name) => name !== "Client(0)"));
    const client0Steps = visibleSteps(document, index, onlyClient0);
    expect(client0Steps.length).toBeLessThan(SYNTHETIC_STEPS);
    expect(client0Steps).toContain(SYNTHETIC_STEPS - 1);
    for (const step of client0Steps.slice(0, -1)) {
      expect(index.involved[step]!.has("Client(0)")).toBe(true);
    }
    expect(visibleSteps(document, index, new Set())).toHaveLength(SYNTHETIC_STEPS);
  });

  it("searches labels case-insensitively and wraps around between matches", () => {
    const all = visibleSteps(document, index, new Set());
    const matches = searchSteps(index, all, "TIMEOUT tick");
    expect(matches).toEqual([7, 14, 21, 28, 35, 42, 49, 56]);
    expect(nextMatch(matches, 7, 1)).toBe(14);
    expect(nextMatch(matches, 56, 1)).toBe(7);
    expect(nextMatch(matches, 7, -1)).toBe(56);
    expect(nextMatch([], 0, 1)).toBeUndefined();
    expect(searchSteps(index, all, "")).toEqual([]);
  });
});

describe("layout", () => {
  it("puts the steps beside one detail pane on 80x24, filling the width and the body", () => {
    for (const focus of ["steps", "state", "property"] as const) {
      const layout = computeLayout(80, 24, focus, "state");
      expect(layout.arrangement.kind).toBe("columns");
      const panes = layoutPanes(layout);
      expect(panes.map((p) => p.pane)).toEqual(["steps", focus === "steps" ? "state" : focus]);
      expect(panes.reduce((sum, p) => sum + p.width, 0)).toBe(80);
      expect(panes.every((p) => p.height === 22)).toBe(true);
    }
    const sequence = layoutPanes(computeLayout(80, 24, "sequence", "state"));
    expect(sequence).toEqual([{ pane: "sequence", width: 80, height: 22 }]);
  });

  it("shows every pane on a wide terminal", () => {
    const layout = computeLayout(200, 50, "steps", "state");
    expect(layout.arrangement.kind).toBe("wide");
    const panes = layoutPanes(layout);
    expect(panes.map((p) => p.pane)).toEqual(["steps", "state", "sequence", "property"]);
    expect(panes.slice(0, 3).reduce((sum, p) => sum + p.width, 0)).toBe(200);
    expect(panes[0]!.height + panes[3]!.height).toBe(48);
  });

  it("stacks panes on a very narrow terminal", () => {
    const layout = computeLayout(50, 30, "steps", "state");
    expect(layout.arrangement.kind).toBe("stacked");
    expect(layoutPanes(layout).reduce((sum, p) => sum + p.height, 0)).toBe(28);
  });

  it("scrolls so the target row sits mid-pane without running past either end", () => {
    expect(scrollOffset(0, 100, 10)).toBe(0);
    expect(scrollOffset(50, 100, 10)).toBe(45);
    expect(scrollOffset(99, 100, 10)).toBe(90);
    expect(scrollOffset(5, 8, 10)).toBe(0);
  });
});

describe("key reducer", () => {
  const document = syntheticDocument();
  const index = buildTraceIndex(document);
  // Three state rows: enough to move the value cursor and expand one.
  const context = (): KeyContext => ({
    stepCount: document.steps.length,
    visibleSteps: (hidden) => visibleSteps(document, index, hidden),
    search: (candidates, query) => searchSteps(index, candidates, query),
    components: index.components,
    pageSize: 10,
    stateRowIds: ["a", "b", "c"],
    propertyLineCount: 30,
    propertyVisible: 8,
  });
  const press = (state: UiState, input: string, key: KeyPress = {}) =>
    handleKey(state, context(), input, key);
  const run = (keys: (string | [string, KeyPress])[], state = initialUiState()) =>
    keys.reduce((s, k) => (typeof k === "string" ? press(s, k) : press(s, k[0], k[1])), state);

  it("steps with j/k and arrows, jumps with g/G and pages, clamped at the ends", () => {
    expect(run(["j", "j", "j"]).selected).toBe(3);
    expect(run(["j", "j", "k"]).selected).toBe(1);
    expect(
      run([
        ["", { downArrow: true }],
        ["", { downArrow: true }],
        ["", { upArrow: true }],
      ]).selected,
    ).toBe(1);
    expect(run(["k"]).selected).toBe(0);
    expect(run(["G"]).selected).toBe(59);
    expect(run(["G", "j"]).selected).toBe(59);
    expect(run(["G", "g"]).selected).toBe(0);
    expect(
      run([
        ["", { pageDown: true }],
        ["", { pageDown: true }],
      ]).selected,
    ).toBe(20);
    expect(run(["G", ["", { pageUp: true }]]).selected).toBe(49);
  });

  it("cycles panes with Tab and Shift-Tab; the state pane's j/k move the value cursor, ←/→ still step", () => {
    const state = run([["", { tab: true }]]);
    expect(state.focus).toBe("state");
    expect(
      run([
        ["", { tab: true }],
        ["", { tab: true }],
        ["", { tab: true }],
        ["", { tab: true }],
      ]).focus,
    ).toBe("steps");
    expect(run([["", { tab: true, shift: true }]]).focus).toBe("property");
    const moved = run(["j", "j", "j"], state);
    expect(moved.stateCursor).toBe(2);
    expect(moved.selected).toBe(0);
    expect(run(["l", ["", { rightArrow: true }]], state).selected).toBe(2);
  });

  it("expands the value under the cursor with Enter and everything with e", () => {
    const state = run([["", { tab: true }], "j", ["", { return: true }]]);
    expect([...state.expanded]).toEqual(["b"]);
    expect(run([["", { return: true }]], state).expanded.size).toBe(0);
    expect(run(["e"]).expandAll).toBe(true);
    expect(run(["e", "e"]).expandAll).toBe(false);
  });

  it("searches with / and Enter, then n/N through the matches with a status line", () => {
    const typed = run(["/", "t", "i", "c", "k"]);
    expect(typed.prompt).toBe("tick");
    expect(typed.selected).toBe(0);
    const found = run([["", { return: true }]], typed);
    expect(found).toMatchObject({ prompt: null, query: "tick", selected: 7, status: 'match 1/8 for "tick"' });
    expect(run(["n", "n"], found).selected).toBe(21);
    expect(run(["N"], found).selected).toBe(56);
    expect(run(["/", "z", "z", "z", ["", { return: true }]]).status).toBe('no step matches "zzz"');
    expect(run(["/", "x", ["", { backspace: true }], ["", { escape: true }]]).prompt).toBeNull();
    expect(run(["n"]).status).toBe("no search yet: press / and type");
    // q while typing is text, not quit.
    expect(run(["/", "q"])).toMatchObject({ prompt: "q", quit: false });
  });

  it("toggles changed-only with d", () => {
    expect(run(["d"]).changedOnly).toBe(true);
    expect(run(["d", "d"]).changedOnly).toBe(false);
  });

  it("filters machines in the f overlay: toggle, only, all, invert, and keeps the selection on a shown step", () => {
    const opened = run(["f"]);
    expect(opened.overlay).toBe("filter");
    const hidden = run([" "], opened);
    expect([...hidden.hidden]).toEqual(["Client(0)"]);
    const only = run(["j", "o"], opened);
    expect([...only.hidden].sort()).toEqual(index.components.filter((c) => c !== "Client(1)").sort());
    expect(run(["a"], only).hidden.size).toBe(0);
    expect([...run(["i"], only).hidden]).toEqual(["Client(1)"]);
    // Step 2 (index 1) delivers to Client(1); hiding all but Proxy(0) moves the selection to a shown step.
    const selected = run(["j", "f", "j", "j", "o", ["", { escape: true }]]);
    expect(selected.overlay).toBeNull();
    expect(index.involved[selected.selected]!.has("Proxy(0)")).toBe(true);
  });

  it("opens help with ?, closes it with ? or Esc, and quits with q from anywhere", () => {
    expect(run(["?"]).overlay).toBe("help");
    expect(run(["?", "?"]).overlay).toBeNull();
    expect(run(["?", ["", { escape: true }]]).overlay).toBeNull();
    expect(run(["?", "j"]).selected).toBe(0);
    expect(run(["q"]).quit).toBe(true);
    expect(run(["?", "q"]).quit).toBe(true);
    expect(run(["f", "q"]).quit).toBe(true);
    expect(run([["c", { ctrl: true }]]).quit).toBe(true);
  });

  it("scrolls the property pane within its lines", () => {
    const focused = run([["", { tab: true, shift: true }]]);
    expect(run(["j", "j"], focused).propertyScroll).toBe(2);
    expect(run(["G"], focused).propertyScroll).toBe(22);
    expect(run(["k"], focused).propertyScroll).toBe(0);
  });
});

describe("sequence view", () => {
  it("draws lanes, a solid arrow for a delivery and a dashed one for a send, with labels", () => {
    const geometry = laneGeometry(["A", "B", "C"], 2, 32);
    expect(geometry.columns).toEqual([7, 17, 27]);
    const label: StepLabel = {
      kind: "deliver",
      text: "B <- Ping from A",
      actor: "B",
      details: { from: "A", to: "B", event: "Ping", sends: ["B -> C: Pong(1)"] },
    };
    const index = {
      components: [],
      lanes: ["A", "B", "C"],
      involved: [],
      haystacks: [],
      sends: [parseSends(label)],
    };
    const events = sequenceEvents(label, index, 0);
    expect(events).toEqual([
      { kind: "arrow", from: "A", to: "B", label: "Ping", style: "deliver" },
      { kind: "arrow", from: "B", to: "C", label: "Pong(1)", style: "send" },
    ]);
    const document = {
      title: "t",
      test: "T",
      failure: null,
      failureStep: null,
      notes: [],
      steps: [{ index: 0, label, state: { A: 1, B: 2, C: 3 } }],
    };
    const render = renderSequence(document, index, {
      box: { pane: "sequence", width: 34, height: 8 },
      selected: 0,
      steps: [0],
      hidden: new Set(),
      focused: false,
      matches: new Set(),
    });
    expect(render.lines.map(lineText)).toEqual([
      "       A         B         C    ",
      "▸1     ├──Ping──>│         │    ",
      "       │         ├╌Pong(1)>│    ",
    ]);
  });

  it("marks actions without a receiver on the actor's lane, and names a filtered-out end", () => {
    const timer: StepLabel = { kind: "timer", text: "B <- timeout T", actor: "B", details: { timer: "T" } };
    const empty = { components: [], lanes: [], involved: [], haystacks: [], sends: [[]] };
    expect(sequenceEvents(timer, empty, 0)).toEqual([
      { kind: "mark", at: "B", label: "timeout T", style: "timer" },
    ]);
    const action: StepLabel = { kind: "action", text: "RM(0) RMPrepare", actor: "RM(0)" };
    expect(sequenceEvents(action, empty, 0)).toEqual([
      { kind: "mark", at: "RM(0)", label: "RMPrepare", style: "action" },
    ]);
    expect(sequenceEvents({ kind: "init", text: "start" }, empty, 0)).toEqual([
      { kind: "note", label: "start" },
    ]);
  });

  it("keeps a mark's label between its lane and the next, never over another lane", () => {
    const label: StepLabel = {
      kind: "timer",
      text: "B <- timeout ElectionTimeoutExpired",
      actor: "B",
      details: { timer: "ElectionTimeoutExpired" },
    };
    const index = { components: [], lanes: ["A", "B", "C"], involved: [], haystacks: [], sends: [[]] };
    const document = {
      title: "t",
      test: "T",
      failure: null,
      failureStep: null,
      notes: [],
      steps: [{ index: 0, label, state: {} }],
    };
    const render = renderSequence(document, index, {
      box: { pane: "sequence", width: 34, height: 8 },
      selected: 0,
      steps: [0],
      hidden: new Set(),
      focused: false,
      matches: new Set(),
    });
    const row = lineText(render.lines[1]!);
    // Every lane's line survives on the mark's row; the label is cut between B and C.
    expect([...row].filter((c) => c === "│").length).toBe(2);
    expect(row).toMatch(/● timeo\S*… │/);
  });

  it("merges canvas cells into styled runs and clips at the edges", () => {
    const canvas = new Canvas(6);
    canvas.put(-1, "abc", { bold: true });
    canvas.put(4, "xyz");
    expect(canvas.toLine()).toEqual([{ text: "bc", bold: true }, { text: "  xy" }]);
  });
});

describe("pane lines", () => {
  it("lists steps with the failing step marked ✗ and the selection ▸", () => {
    const document = twoPhaseDocument();
    const content = stepListContent(document, {
      box: { pane: "steps", width: 34, height: 12 },
      selected: 1,
      steps: [0, 1, 2, 3, 4, 5],
      focused: true,
      matches: new Set(),
      filtered: false,
    });
    expect(content.lines.map((line) => lineText(line).trimEnd())).toEqual([
      " 1 TM Init",
      "▸2 RM(0) RMPrepare",
      " 3 TM TMRcvPrepared(RM(0))",
      " 4 TM TMCommit",
      " 5 RM(0) RMRcvCommitMsg",
      "✗6 RM(1) RMChooseToAbort",
    ]);
    expect(content.lines[1]!.every((segment) => segment.inverse)).toBe(true);
  });

  it("never cuts the selected step: its whole label wraps under the step number", () => {
    const document = twoPhaseDocument();
    const long = "Leader(0) <- Appended(follower = Follower(2), term = 7, index = 12, ok = true)";
    document.steps[3]!.label = { ...document.steps[3]!.label, text: long };
    const content = stepListContent(document, {
      box: { pane: "steps", width: 34, height: 8 },
      selected: 3,
      steps: [0, 1, 2, 3, 4, 5],
      focused: true,
      matches: new Set(),
      filtered: false,
    });
    const text = content.lines.map((line) => lineText(line).trimEnd());
    expect(text.length).toBeLessThanOrEqual(6);
    const at = text.findIndex((line) => line.startsWith("▸4"));
    const selected = text.slice(at).filter((line, i) => i === 0 || line.startsWith("  "));
    const squeeze = (t: string) => t.replace(/\s+/g, "");
    expect(squeeze(selected.join(""))).toContain(squeeze(long));
    expect(selected.length).toBeGreaterThan(1);
    expect(selected.every((line) => line.length <= 32)).toBe(true);
    // The other steps stay one line each.
    expect(text.filter((line) => /^[ ✗]\d/.test(line))).toEqual([
      " 3 TM TMRcvPrepared(RM(0))",
      " 5 RM(0) RMRcvCommitMsg",
    ]);
  });

  it("says how many state rows lie above and below the pane", () => {
    const document = syntheticDocument();
    const rows = buildStateRows(null, document.steps[59]!.state);
    const ui = initialUiState(59);
    const top = statePaneContent(document, rows, ui, {
      box: { pane: "state", width: 40, height: 8 },
      focused: true,
      filteredOut: 0,
    });
    const title = lineText(top.title);
    expect(title).toMatch(/↓\d+ more/);
    expect(title).not.toContain("↑");
    const last = { ...ui, stateCursor: rows.length - 1 };
    const bottom = statePaneContent(document, rows, last, {
      box: { pane: "state", width: 40, height: 8 },
      focused: true,
      filteredOut: 0,
    });
    expect(lineText(bottom.title)).toMatch(/↑\d+/);
    expect(lineText(bottom.title)).not.toContain("more");
  });

  it("adds what a step sent and the state change it made to its row", () => {
    const document = syntheticDocument();
    const content = stepListContent(document, {
      box: { pane: "steps", width: 80, height: 6 },
      selected: 0,
      steps: [0, 1],
      focused: false,
      matches: new Set(),
      filtered: false,
    });
    expect(content.lines.map((line) => lineText(line).trimEnd())).toEqual([
      "▸ 1 init    init: Proxy(0)  ⇢ Server(0): Hello",
      "  2 deliver Client(1) <- Pong(1) from Server(0)  Idle → Busy  ⇢ Store(0): Work(1)",
    ]);
  });

  it("shows the failure with its source excerpt, the located line marked", () => {
    const lines = propertyLines(syntheticDocument(), 70, false).map((line) => lineText(line));
    expect(lines[0]).toBe("✗ invariant LogBounded");
    expect(lines).toContain(">6 │ invariant LogBounded: forall s: Store :: sizeof(s.log) < 59;");
    expect(lines).toContain(`   │ ${"^".repeat(60)}`);
  });

  it("fits the hotkey bar to the width, dropping the least important keys first", () => {
    for (const width of [40, 80, 120, 200]) {
      const bar = hotkeyBar(initialUiState(), "steps", width);
      expect(lineWidth(bar)).toBe(width);
      expect(lineText(bar)).toContain("? help q quit");
    }
    expect(lineText(hotkeyBar(initialUiState(), "steps", 80))).toContain("Tab pane");
    expect(lineText(hotkeyBar({ ...initialUiState(), prompt: "Withdr" }, "steps", 80))).toMatch(/^\/Withdr█/);
  });

  it("gives the sequence pane the height it has", () => {
    const box = { pane: "sequence" as const, width: 80, height: 22 };
    const document = syntheticDocument();
    const render = renderSequence(document, buildTraceIndex(document), {
      box,
      selected: 30,
      steps: document.steps.map((s) => s.index),
      hidden: new Set(),
      focused: true,
      matches: new Set(),
    });
    expect(render.lines).toHaveLength(contentHeight(box));
    expect(render.lines.every((line) => lineWidth(line) === 78)).toBe(true);
    expect(render.lines.some((line) => lineText(line).startsWith("▸31"))).toBe(true);
  });
});
