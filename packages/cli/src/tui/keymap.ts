// The explorer's keys, in one table: which key does what, where, and how the
// help overlay and the hotkey bar name it. The reducer (ui-state.ts) looks
// keys up here, the help (pane-lines.ts `helpLines`) lists these sections, and
// the hotkey bar shows the items of the focused pane. docs/tui.md lists the
// same keys (keymap.test.ts checks all four agree).
import type { PaneName } from "./layout.js";

/**
 * A key as the table names it: a printable character (`j`, `G`, `?`, `/`) or
 * one of `NAMED_KEYS`.
 */
export type KeyName = string;

export const NAMED_KEYS = [
  "↑",
  "↓",
  "←",
  "→",
  "PgUp",
  "PgDn",
  "Home",
  "End",
  "Enter",
  "Space",
  "Esc",
  "Tab",
  "Shift-Tab",
  "Backspace",
  "Ctrl-C",
] as const;

/** Where a key applies: the focused pane, or the overlay that is open. */
export type Scope = PaneName | "filter" | "help";

export const PANES: readonly Scope[] = ["steps", "sequence", "state", "property", "next"];
/** Every list the cursor keys move in. */
const LISTS: readonly Scope[] = [...PANES, "filter"];
const EVERYWHERE: readonly Scope[] = [...PANES, "filter", "help"];
const STEP_LISTS: readonly Scope[] = ["steps", "sequence"];

/** A move in a list: one row, a page, or to an end (`moveInList`). */
export type ListMove = "down" | "up" | "pageDown" | "pageUp" | "first" | "last";

export type Action =
  | ListMove
  | "nextStep"
  | "previousStep"
  | "openState"
  | "expandValue"
  | "take"
  | "undo"
  | "write"
  | "search"
  | "nextMatch"
  | "previousMatch"
  | "changedOnly"
  | "expandAll"
  | "filter"
  | "nextPane"
  | "previousPane"
  | "help"
  | "cancel"
  | "close"
  | "quit"
  | "toggleShown"
  | "showOnly"
  | "showAll"
  | "invertShown";

export interface Binding {
  /** The key and its aliases. */
  keys: readonly KeyName[];
  action: Action;
  where: readonly Scope[];
  /** Only while exploring a model by hand (`explore model.fl`). */
  exploring?: boolean;
}

export interface HelpRow {
  /** The keys as the help writes them. */
  keys: string;
  text: string;
  /** What the keys do; a row without bindings explains the screen (marks) or keys bound in another row. */
  bind?: readonly Binding[];
}

export interface HelpSection {
  title: string;
  /** Shown only while exploring a model by hand. */
  exploring?: boolean;
  rows: readonly HelpRow[];
}

const bind = (
  keys: readonly KeyName[],
  action: Action,
  where: readonly Scope[],
  exploring = false,
): Binding => (exploring ? { keys, action, where, exploring } : { keys, action, where });

/** The table: the help's sections, in the order the help lists them, with what each key does. */
export const KEYMAP: readonly HelpSection[] = [
  {
    title: "Exploring (next steps pane)",
    exploring: true,
    rows: [
      { keys: "j / k", text: "choose a next step" },
      { keys: "Enter / Space", text: "take it", bind: [bind(["Enter", "Space"], "take", ["next"])] },
      {
        keys: "u / Backspace",
        text: "undo the last step",
        bind: [bind(["u", "Backspace"], "undo", PANES, true)],
      },
      { keys: "w", text: "write the path (ITF)", bind: [bind(["w"], "write", PANES, true)] },
      { keys: "✗ / !", text: "fails / invariant" },
    ],
  },
  {
    title: "Steps",
    rows: [
      { keys: "j / ↓", text: "next step", bind: [bind(["j", "↓"], "down", LISTS)] },
      { keys: "k / ↑", text: "previous step", bind: [bind(["k", "↑"], "up", LISTS)] },
      { keys: "g / Home", text: "first step", bind: [bind(["g", "Home"], "first", LISTS)] },
      { keys: "G / End", text: "last step", bind: [bind(["G", "End"], "last", LISTS)] },
      {
        keys: "PgDn / PgUp",
        text: "page down / up",
        bind: [bind(["PgDn"], "pageDown", PANES), bind(["PgUp"], "pageUp", PANES)],
      },
      {
        keys: "l / →, h / ←",
        text: "step from any pane",
        bind: [bind(["l", "→"], "nextStep", PANES), bind(["h", "←"], "previousStep", PANES)],
      },
      { keys: "Enter", text: "go to the state", bind: [bind(["Enter"], "openState", STEP_LISTS)] },
    ],
  },
  {
    title: "Search and view",
    rows: [
      { keys: "/", text: "search steps", bind: [bind(["/"], "search", PANES)] },
      {
        keys: "n / N",
        text: "next / previous match",
        bind: [bind(["n"], "nextMatch", PANES), bind(["N"], "previousMatch", PANES)],
      },
      { keys: "d", text: "changed values only", bind: [bind(["d"], "changedOnly", PANES)] },
      { keys: "f", text: "filter machines", bind: [bind(["f"], "filter", PANES)] },
      { keys: "e", text: "expand all values", bind: [bind(["e"], "expandAll", PANES)] },
      {
        keys: "Tab / S-Tab",
        text: "next / previous pane",
        bind: [bind(["Tab"], "nextPane", PANES), bind(["Shift-Tab"], "previousPane", PANES)],
      },
    ],
  },
  {
    title: "State pane",
    rows: [
      { keys: "j / k", text: "move between values" },
      {
        keys: "Enter / Space",
        text: "expand one value",
        bind: [bind(["Enter", "Space"], "expandValue", ["state"])],
      },
      { keys: "+ ~ -", text: "added/changed/removed" },
    ],
  },
  {
    title: "Anywhere",
    rows: [
      { keys: "?", text: "this help", bind: [bind(["?"], "help", PANES), bind(["?"], "close", ["help"])] },
      {
        keys: "Esc",
        text: "close, cancel",
        bind: [bind(["Esc"], "cancel", PANES), bind(["Esc", "Enter"], "close", ["help"])],
      },
      { keys: "q / Ctrl-C", text: "quit", bind: [bind(["q", "Ctrl-C"], "quit", EVERYWHERE)] },
    ],
  },
  {
    title: "Machine filter (f)",
    rows: [
      {
        keys: "Space / Enter / x",
        text: "show / hide",
        bind: [bind(["Space", "Enter", "x"], "toggleShown", ["filter"])],
      },
      {
        keys: "o / a / i",
        text: "only / all / invert",
        bind: [
          bind(["o"], "showOnly", ["filter"]),
          bind(["a"], "showAll", ["filter"]),
          bind(["i"], "invertShown", ["filter"]),
        ],
      },
      { keys: "f / Esc", text: "close", bind: [bind(["f", "Esc"], "close", ["filter"])] },
    ],
  },
];

/** Every binding of the table. */
export const BINDINGS: readonly Binding[] = KEYMAP.flatMap((section) =>
  section.rows.flatMap((row) => row.bind ?? []),
);

/** The subset of Ink's Key that the explorer reads. */
export interface KeyPress {
  upArrow?: boolean;
  downArrow?: boolean;
  leftArrow?: boolean;
  rightArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  home?: boolean;
  end?: boolean;
  return?: boolean;
  escape?: boolean;
  ctrl?: boolean;
  shift?: boolean;
  tab?: boolean;
  backspace?: boolean;
  delete?: boolean;
  meta?: boolean;
}

/**
 * The table's name for a key press, or null for text that is not one key.
 * Modifiers other than Ctrl-C and Shift-Tab are ignored (Ctrl-Q quits as q does).
 * Terminals send Backspace as DEL, which Ink reports as `delete`.
 */
export function keyName(input: string, key: KeyPress): KeyName | null {
  if (key.ctrl && input === "c") return "Ctrl-C";
  if (key.upArrow) return "↑";
  if (key.downArrow) return "↓";
  if (key.leftArrow) return "←";
  if (key.rightArrow) return "→";
  if (key.pageUp) return "PgUp";
  if (key.pageDown) return "PgDn";
  if (key.home) return "Home";
  if (key.end) return "End";
  if (key.return) return "Enter";
  if (key.escape) return "Esc";
  if (key.tab) return key.shift ? "Shift-Tab" : "Tab";
  if (key.backspace || key.delete) return "Backspace";
  if (input === " ") return "Space";
  return [...input].length === 1 ? input : null;
}

/**
 * The key presses in one input chunk. Ink hands a chunk of several characters
 * (keys typed faster than it reads them, a paste) to the handler as one string
 * with no key flags: each character is a key of its own, Enter, Tab and
 * Backspace included. A chunk Ink parsed as one key (an arrow, Ctrl-C) stays whole.
 * Ink's input parser already cuts every chunk at each Esc (escape sequences,
 * Esc itself), so only plain text reaches here in pieces.
 */
export function splitKeys(input: string, key: KeyPress): { input: string; key: KeyPress }[] {
  const chars = [...input];
  const special =
    key.upArrow ||
    key.downArrow ||
    key.leftArrow ||
    key.rightArrow ||
    key.pageUp ||
    key.pageDown ||
    key.home ||
    key.end ||
    key.return ||
    key.escape ||
    key.tab ||
    key.backspace ||
    key.delete ||
    key.ctrl ||
    key.meta;
  if (chars.length <= 1 || special) return [{ input, key }];
  return chars.map((char) => {
    if (char === "\r" || char === "\n") return { input: "", key: { return: true } };
    if (char === "\t") return { input: "", key: { tab: true } };
    if (char === "\u007f" || char === "\b") return { input: "", key: { backspace: true } };
    return { input: char, key: /[A-Z]/.test(char) ? { shift: true } : {} };
  });
}

/** What a key does in a scope, or null when it does nothing there. */
export function actionFor(name: KeyName | null, scope: Scope, exploring: boolean): Action | null {
  if (name === null) return null;
  const found = BINDINGS.find(
    (b) => b.where.includes(scope) && (exploring || !b.exploring) && b.keys.includes(name),
  );
  return found?.action ?? null;
}

/** A position within a list of `count` rows (0 when it is empty). */
export function clampToList(position: number, count: number): number {
  return Math.max(0, Math.min(count - 1, position));
}

/** The position after a move in a list of `count` rows, from `position` (clamped first), clamped to the list. */
export function moveInList(position: number, count: number, move: ListMove, page: number): number {
  const last = Math.max(0, count - 1);
  const from = clampToList(position, count);
  const to =
    move === "down"
      ? from + 1
      : move === "up"
        ? from - 1
        : move === "pageDown"
          ? from + page
          : move === "pageUp"
            ? from - page
            : move === "first"
              ? 0
              : last;
  return clampToList(to, count);
}

export interface Hotkey {
  /** The keys as the bar writes them (`j/k`). */
  key: string;
  label: string;
  /** 1 is kept longest when the bar is too narrow for every key. */
  priority: number;
}

/** What the hotkey bar's labels depend on. */
export interface BarState {
  changedOnly: boolean;
  expandAll: boolean;
  interactive: boolean;
}

export interface BarItem {
  key: string;
  label: string | ((state: BarState) => string);
  priority: number;
  /** The actions of the keys, in the scope the bar is shown for (keymap.test.ts checks them). */
  actions: readonly Action[];
  exploring?: boolean;
}

/** Where the hotkey bar has its own items: an overlay, or the focused pane (steps and sequence share theirs). */
export type BarScope = Exclude<Scope, "sequence">;

const changesLabel = (s: BarState) => (s.changedOnly ? "all" : "changes");
const UNDO: BarItem = { key: "u", label: "undo", priority: 2, actions: ["undo"], exploring: true };
const WRITE: BarItem = { key: "w", label: "write", priority: 2, actions: ["write"], exploring: true };
const STEP: BarItem = { key: "←/→", label: "step", priority: 1, actions: ["previousStep", "nextStep"] };

/** The keys every pane of a trace shows after its own. */
function viewItems(expandLabel: string): BarItem[] {
  return [
    { key: "/", label: "search", priority: 1, actions: ["search"] },
    { key: "n/N", label: "match", priority: 3, actions: ["nextMatch", "previousMatch"] },
    { key: "d", label: changesLabel, priority: 2, actions: ["changedOnly"] },
    { key: "f", label: "filter", priority: 2, actions: ["filter"] },
    {
      key: "e",
      label: (s) => (s.expandAll ? "truncate" : expandLabel),
      priority: 2,
      actions: ["expandAll"],
    },
    { key: "Tab", label: "pane", priority: 1, actions: ["nextPane"] },
  ];
}

/** The hotkey bar's items per scope, most important first within each priority. */
export const HOTKEYS: Readonly<Record<BarScope, readonly BarItem[]>> = {
  help: [{ key: "?/Esc", label: "close", priority: 1, actions: ["close"] }],
  filter: [
    { key: "j/k", label: "move", priority: 1, actions: ["down", "up"] },
    { key: "space", label: "show/hide", priority: 1, actions: ["toggleShown"] },
    { key: "o", label: "only", priority: 1, actions: ["showOnly"] },
    { key: "a", label: "all", priority: 1, actions: ["showAll"] },
    { key: "i", label: "invert", priority: 2, actions: ["invertShown"] },
    { key: "Esc", label: "close", priority: 1, actions: ["close"] },
  ],
  next: [
    { key: "j/k", label: "choose", priority: 1, actions: ["down", "up"] },
    { key: "Enter", label: "take", priority: 1, actions: ["take"] },
    { key: "u", label: "undo", priority: 1, actions: ["undo"] },
    { key: "w", label: "write", priority: 1, actions: ["write"] },
    { key: "←/→", label: "path", priority: 3, actions: ["previousStep", "nextStep"] },
    { key: "/", label: "search", priority: 3, actions: ["search"] },
    { key: "d", label: changesLabel, priority: 3, actions: ["changedOnly"] },
    { key: "f", label: "filter", priority: 3, actions: ["filter"] },
    { key: "Tab", label: "pane", priority: 1, actions: ["nextPane"] },
  ],
  state: [
    { key: "j/k", label: "value", priority: 1, actions: ["down", "up"] },
    STEP,
    UNDO,
    WRITE,
    { key: "Enter", label: "expand", priority: 1, actions: ["expandValue"] },
    ...viewItems("all"),
  ],
  property: [
    { key: "j/k", label: "scroll", priority: 1, actions: ["down", "up"] },
    STEP,
    UNDO,
    WRITE,
    ...viewItems("expand"),
  ],
  steps: [
    { key: "j/k", label: "step", priority: 1, actions: ["down", "up"] },
    { key: "g/G", label: "ends", priority: 4, actions: ["first", "last"] },
    UNDO,
    WRITE,
    ...viewItems("expand"),
  ],
};

export function barScope(scope: Scope): BarScope {
  return scope === "sequence" ? "steps" : scope;
}

/** The hotkey bar's keys for a scope, labelled for the current state. */
export function hotkeysFor(scope: Scope, state: BarState): Hotkey[] {
  return HOTKEYS[barScope(scope)]
    .filter((item) => state.interactive || !item.exploring)
    .map((item) => ({
      key: item.key,
      label: typeof item.label === "string" ? item.label : item.label(state),
      priority: item.priority,
    }));
}

/** The help's sections: the exploring one only while exploring. */
export function helpSections(exploring: boolean): readonly HelpSection[] {
  return KEYMAP.filter((section) => exploring || !section.exploring);
}
