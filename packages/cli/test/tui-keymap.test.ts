// The explorer's keymap (src/tui/keymap.ts) is the one table of keys: every key
// in it is handled by the reducer, named in the help overlay and the hotkey
// bar where it applies, and listed in docs/tui.md.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  actionFor,
  BINDINGS,
  HOTKEYS,
  type KeyName,
  type KeyPress,
  KEYMAP,
  keyName,
  moveInList,
  type NAMED_KEYS,
  PANES,
  type Scope,
} from "../src/tui/keymap.js";
import { helpLines } from "../src/tui/pane-lines.js";
import { lineText } from "../src/tui/styled-text.js";
import { handleKey, initialUiState, type KeyContext, type UiState } from "../src/tui/ui-state.js";

const DOCS = fileURLToPath(new URL("../../../docs/tui.md", import.meta.url));

/** The key press Ink reports for a key of the table. */
function press(name: KeyName): [string, KeyPress] {
  const named: Record<(typeof NAMED_KEYS)[number], [string, KeyPress]> = {
    "↑": ["", { upArrow: true }],
    "↓": ["", { downArrow: true }],
    "←": ["", { leftArrow: true }],
    "→": ["", { rightArrow: true }],
    PgUp: ["", { pageUp: true }],
    PgDn: ["", { pageDown: true }],
    Home: ["", { home: true }],
    End: ["", { end: true }],
    Enter: ["\r", { return: true }],
    Space: [" ", {}],
    Esc: ["", { escape: true, meta: true }],
    Tab: ["\t", { tab: true }],
    "Shift-Tab": ["", { tab: true, shift: true }],
    // Terminals send Backspace as DEL, which Ink reports as delete.
    Backspace: ["", { delete: true }],
    "Ctrl-C": ["c", { ctrl: true }],
  };
  return (
    named[name as (typeof NAMED_KEYS)[number]] ?? [name, name === name.toLowerCase() ? {} : { shift: true }]
  );
}

const tableKeys = new Set(BINDINGS.flatMap((b) => b.keys));

/** The keys a help row or a docs table cell names: `l / →, h / ←` -> l, →, h, ←. */
function keysIn(text: string): string[] {
  return text
    .replace(/`/g, "")
    .trim()
    .split(/\s*,\s*|\s+\/\s+|(?<=[^\s/])\/(?=[^\s/])/)
    .map((key) => key.trim())
    .filter((key) => key !== "")
    .map((key) => (key === "S-Tab" ? "Shift-Tab" : key === "space" ? "Space" : key));
}

/** A state with the focus on (or the overlay of) a scope, its cursors mid-list, and a context with room to move. */
function placed(scope: Scope, interactive: boolean): { state: UiState; context: KeyContext } {
  const base = initialUiState(5, interactive);
  const state: UiState =
    scope === "filter" || scope === "help"
      ? { ...base, overlay: scope, filterCursor: 2, hidden: new Set(["A(0)"]) }
      : {
          ...base,
          focus: scope,
          stateCursor: 3,
          propertyScroll: 3,
          nextCursor: 2,
          query: "step",
          status: "a message",
        };
  const context: KeyContext = {
    stepCount: 12,
    visibleSteps: () => Array.from({ length: 12 }, (_, i) => i),
    search: (candidates) => candidates.filter((step) => step % 4 === 0),
    components: ["A(0)", "B(0)", "network", "Spec"],
    pageSize: 4,
    stateRowIds: ["a", "b", "c", "d", "e", "f", "g"],
    propertyLineCount: 20,
    propertyVisible: 5,
    nextCount: 5,
  };
  return { state, context };
}

describe("the keymap", () => {
  it("names every key press the way the table does", () => {
    for (const key of tableKeys) expect(keyName(...press(key)), key).toBe(key);
    expect(keyName("", { backspace: true })).toBe("Backspace");
    expect(keyName("q", { ctrl: true })).toBe("q");
    expect(keyName("jj", {})).toBeNull();
  });

  it("binds a key to one action per scope", () => {
    for (const scope of [...PANES, "filter", "help"] as Scope[]) {
      for (const exploring of [false, true]) {
        const seen = new Map<string, string>();
        for (const b of BINDINGS) {
          if (!b.where.includes(scope) || (b.exploring && !exploring)) continue;
          for (const key of b.keys) {
            const other = seen.get(key);
            expect(
              other === undefined || other === b.action,
              `${key} in ${scope}: ${other} and ${b.action}`,
            ).toBe(true);
            seen.set(key, b.action);
          }
        }
      }
    }
  });

  it("handles every key of the table where it applies, and only while exploring when it says so", () => {
    for (const b of BINDINGS) {
      for (const scope of b.where) {
        for (const key of b.keys) {
          expect(actionFor(key, scope, true), `${key} in ${scope}`).toBe(b.action);
          const { state, context } = placed(scope, true);
          const pressed = handleKey(state, context, ...press(key));
          const unbound = handleKey(state, context, "Z", { shift: true });
          // Esc in a pane cancels what there is to cancel: a message, which any key clears.
          if (b.action !== "cancel") expect(pressed, `${key} (${b.action}) in ${scope}`).not.toEqual(unbound);
          if (b.exploring) expect(actionFor(key, scope, false), `${key} in ${scope} on a trace`).toBeNull();
        }
      }
    }
  });

  it("lists every key in the help, and every key the help names is in the table", () => {
    const helpKeys = new Set(KEYMAP.flatMap((section) => section.rows.flatMap((row) => keysIn(row.keys))));
    for (const key of tableKeys) expect(helpKeys.has(key), key).toBe(true);
    const marks = ["✗", "!", "+ ~ -"];
    for (const key of helpKeys) expect(tableKeys.has(key) || marks.includes(key), key).toBe(true);
    for (const exploring of [false, true]) {
      const text = helpLines(200, 100, exploring).map(lineText).join("\n");
      for (const section of KEYMAP.filter((s) => exploring || !s.exploring))
        for (const row of section.rows) expect(text).toContain(`${row.keys}  `);
    }
  });

  it("fits the help in 80x24, both sections' columns, for a trace and while exploring", () => {
    for (const exploring of [false, true]) {
      const lines = helpLines(78, 19, exploring).map(lineText);
      expect(lines.length).toBeLessThanOrEqual(19);
      for (const section of KEYMAP.filter((s) => exploring || !s.exploring))
        expect(lines.some((line) => line.includes(section.title))).toBe(true);
    }
  });

  it("names in the hotkey bar only keys bound to the item's actions in that scope", () => {
    for (const [barScope, items] of Object.entries(HOTKEYS)) {
      const scopes: Scope[] = barScope === "steps" ? ["steps", "sequence"] : [barScope as Scope];
      for (const scope of scopes)
        for (const item of items)
          for (const key of keysIn(item.key))
            expect(item.actions, `${item.key} in ${scope}`).toContain(actionFor(key, scope, true));
    }
  });

  it("matches the key tables of docs/tui.md", () => {
    const docs = readFileSync(DOCS, "utf8");
    const documented = new Set<string>();
    for (const table of docs.split(/\n(?=\| key \| does \|)/).slice(1)) {
      for (const row of table.split("\n").slice(2)) {
        if (!row.startsWith("|")) break;
        for (const key of keysIn(row.split("|")[1]!)) documented.add(key);
      }
    }
    expect([...documented].sort()).toEqual([...tableKeys].sort());
  });
});

describe("list navigation", () => {
  it("moves a row, a page or to an end, clamped to the list", () => {
    expect(moveInList(2, 5, "down", 3)).toBe(3);
    expect(moveInList(4, 5, "down", 3)).toBe(4);
    expect(moveInList(0, 5, "up", 3)).toBe(0);
    expect(moveInList(1, 5, "pageDown", 3)).toBe(4);
    expect(moveInList(3, 5, "pageUp", 3)).toBe(0);
    expect(moveInList(2, 5, "first", 3)).toBe(0);
    expect(moveInList(2, 5, "last", 3)).toBe(4);
    expect(moveInList(0, 0, "last", 3)).toBe(0);
    // From past the end (the list shrank): one up from its last row.
    expect(moveInList(9, 5, "up", 3)).toBe(3);
  });
});
