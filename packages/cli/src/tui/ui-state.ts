// The explorer's interaction state and its key handling, as a pure reducer:
// (state, key, context) -> state. The Ink app feeds it keys; tests can too.
import {
  type DetailPane,
  INTERACTIVE_PANE_ORDER,
  isDetailPane,
  PANE_ORDER,
  type PaneName,
} from "./layout.js";
import { nextMatch } from "./trace-index.js";

export type Overlay = "help" | "filter";

/** What the app must do to the interactive session after a key (the reducer itself stays pure). */
export type SessionCommand = "take" | "undo" | "write";

export interface UiState {
  /** The selected step (0-based index into the document's steps). */
  selected: number;
  focus: PaneName;
  /** The detail pane shown beside the steps on a narrow terminal while the steps have the focus. */
  lastDetail: DetailPane;
  /** Show only the state rows the selected step changed. */
  changedOnly: boolean;
  /** Wrap every long value instead of truncating it. */
  expandAll: boolean;
  /** Row ids of state values expanded one by one (Enter). */
  expanded: ReadonlySet<string>;
  /** The cursor row in the state pane. */
  stateCursor: number;
  /** The first line shown in the property pane. */
  propertyScroll: number;
  /** Components hidden by the machine filter. */
  hidden: ReadonlySet<string>;
  overlay: Overlay | null;
  /** The cursor in the machine filter's list. */
  filterCursor: number;
  /** The search text being typed after `/`; null when not typing. */
  prompt: string | null;
  /** The last search. */
  query: string;
  /** A one-line message for the hotkey bar (search result, hints), cleared by the next key. */
  status: string | null;
  quit: boolean;
  /** Exploring a model by hand (the next-steps pane, take/undo/write) rather than a saved trace. */
  interactive: boolean;
  /** The cursor in the next-steps list. */
  nextCursor: number;
  /** Set by a key for the app to run on the session; the app clears it. */
  command: SessionCommand | null;
}

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

/** What the reducer needs to know about the document and the current view. */
export interface KeyContext {
  stepCount: number;
  /** The steps shown under a set of hidden components (the machine filter). */
  visibleSteps(hidden: ReadonlySet<string>): number[];
  /** Steps among `candidates` matching a search. */
  search(candidates: readonly number[], query: string): number[];
  /** Every component, for the machine filter. */
  components: readonly string[];
  /** Rows a page key moves in the focused list. */
  pageSize: number;
  /** Ids of the state rows shown for the current selection (for the cursor and Enter). */
  stateRowIds: readonly string[];
  /** Lines the property pane has, and how many it shows. */
  propertyLineCount: number;
  propertyVisible: number;
  /** How many next steps the interactive pane lists (0 in trace mode). */
  nextCount?: number;
}

export function initialUiState(selected = 0, interactive = false): UiState {
  return {
    selected,
    // Choosing the next step is what an interactive session is for.
    focus: interactive ? "next" : "steps",
    lastDetail: "state",
    changedOnly: false,
    expandAll: false,
    expanded: new Set(),
    stateCursor: 0,
    propertyScroll: 0,
    hidden: new Set(),
    overlay: null,
    filterCursor: 0,
    prompt: null,
    query: "",
    status: null,
    quit: false,
    interactive,
    nextCursor: 0,
    command: null,
  };
}

function clamp(value: number, low: number, high: number): number {
  return Math.max(low, Math.min(high, value));
}

/** Moves the selection by `delta` visible steps (clamped at both ends). */
function moveSelection(state: UiState, context: KeyContext, delta: number): UiState {
  const visible = context.visibleSteps(state.hidden);
  if (visible.length === 0) return state;
  let position = visible.indexOf(state.selected);
  if (position < 0) position = nearestPosition(visible, state.selected);
  const next = visible[clamp(position + delta, 0, visible.length - 1)]!;
  return { ...state, selected: next };
}

function nearestPosition(visible: readonly number[], step: number): number {
  let best = 0;
  for (let i = 0; i < visible.length; i++) {
    if (Math.abs(visible[i]! - step) < Math.abs(visible[best]! - step)) best = i;
  }
  return best;
}

function selectEdge(state: UiState, context: KeyContext, last: boolean): UiState {
  const visible = context.visibleSteps(state.hidden);
  if (visible.length === 0) return state;
  return { ...state, selected: last ? visible[visible.length - 1]! : visible[0]! };
}

/** After the filter changed: keep the selection on a shown step. */
function keepSelectionVisible(state: UiState, context: KeyContext): UiState {
  const visible = context.visibleSteps(state.hidden);
  if (visible.length === 0 || visible.includes(state.selected)) return state;
  return { ...state, selected: visible[nearestPosition(visible, state.selected)]! };
}

function cycleFocus(state: UiState, direction: 1 | -1): UiState {
  const order = state.interactive ? INTERACTIVE_PANE_ORDER : PANE_ORDER;
  const index = order.indexOf(state.focus);
  const focus = order[(index + direction + order.length) % order.length]!;
  return { ...state, focus, lastDetail: isDetailPane(focus) ? focus : state.lastDetail };
}

function handleNextPane(state: UiState, context: KeyContext, input: string, key: KeyPress): UiState | null {
  const count = context.nextCount ?? 0;
  const cursor = clamp(state.nextCursor, 0, Math.max(0, count - 1));
  const move = (to: number) => ({ ...state, nextCursor: clamp(to, 0, Math.max(0, count - 1)) });
  if (key.downArrow || input === "j") return move(cursor + 1);
  if (key.upArrow || input === "k") return move(cursor - 1);
  if (key.pageDown) return move(cursor + context.pageSize);
  if (key.pageUp) return move(cursor - context.pageSize);
  if (input === "g" || key.home) return move(0);
  if (input === "G" || key.end) return move(count - 1);
  if (key.return || input === " ") {
    return count === 0
      ? { ...state, status: "no step is enabled here: u undoes the last step" }
      : { ...state, nextCursor: cursor, command: "take" };
  }
  return null;
}

function runSearch(state: UiState, context: KeyContext, query: string, direction: 1 | -1): UiState {
  if (query === "") return { ...state, status: "no search yet: press / and type" };
  const matches = context.search(context.visibleSteps(state.hidden), query);
  const target = nextMatch(matches, state.selected, direction);
  if (target === undefined) return { ...state, query, status: `no step matches "${query}"` };
  const position = matches.indexOf(target) + 1;
  return { ...state, query, selected: target, status: `match ${position}/${matches.length} for "${query}"` };
}

function handlePrompt(state: UiState, context: KeyContext, input: string, key: KeyPress): UiState {
  const prompt = state.prompt ?? "";
  if (key.escape) return { ...state, prompt: null };
  if (key.return) {
    // An empty search repeats the last one, as in less and vim.
    return runSearch({ ...state, prompt: null }, context, prompt === "" ? state.query : prompt, 1);
  }
  if (key.backspace || key.delete) return { ...state, prompt: prompt.slice(0, -1) };
  if (key.ctrl || key.meta || key.tab || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow) {
    return state;
  }
  // Control characters (other than the keys above) are not text.
  const text = [...input].filter((char) => char >= " ").join("");
  return text === "" ? state : { ...state, prompt: prompt + text };
}

function handleFilter(state: UiState, context: KeyContext, input: string, key: KeyPress): UiState {
  const names = context.components;
  const cursor = clamp(state.filterCursor, 0, Math.max(0, names.length - 1));
  if (key.escape || input === "f") return { ...state, overlay: null };
  if (key.downArrow || input === "j")
    return { ...state, filterCursor: clamp(cursor + 1, 0, names.length - 1) };
  if (key.upArrow || input === "k") return { ...state, filterCursor: clamp(cursor - 1, 0, names.length - 1) };
  if (input === "g" || key.home) return { ...state, filterCursor: 0 };
  if (input === "G" || key.end) return { ...state, filterCursor: Math.max(0, names.length - 1) };
  const name = names[cursor];
  if (name === undefined) return state;
  let hidden: Set<string> | undefined;
  if (input === " " || key.return || input === "x") {
    hidden = new Set(state.hidden);
    if (hidden.has(name)) hidden.delete(name);
    else hidden.add(name);
  } else if (input === "a") {
    hidden = new Set();
  } else if (input === "o") {
    hidden = new Set(names.filter((other) => other !== name));
  } else if (input === "i") {
    hidden = new Set(names.filter((other) => !state.hidden.has(other)));
  }
  if (hidden === undefined) return state;
  return keepSelectionVisible({ ...state, hidden, filterCursor: cursor }, context);
}

function handleStatePane(state: UiState, context: KeyContext, input: string, key: KeyPress): UiState | null {
  const count = context.stateRowIds.length;
  const cursor = clamp(state.stateCursor, 0, Math.max(0, count - 1));
  const move = (to: number) => ({ ...state, stateCursor: clamp(to, 0, Math.max(0, count - 1)) });
  if (key.downArrow || input === "j") return move(cursor + 1);
  if (key.upArrow || input === "k") return move(cursor - 1);
  if (key.pageDown) return move(cursor + context.pageSize);
  if (key.pageUp) return move(cursor - context.pageSize);
  if (input === "g" || key.home) return move(0);
  if (input === "G" || key.end) return move(count - 1);
  if (key.return || input === " ") {
    const id = context.stateRowIds[cursor];
    if (id === undefined) return state;
    const expanded = new Set(state.expanded);
    if (expanded.has(id)) expanded.delete(id);
    else expanded.add(id);
    return { ...state, expanded, stateCursor: cursor };
  }
  return null;
}

function handlePropertyPane(
  state: UiState,
  context: KeyContext,
  input: string,
  key: KeyPress,
): UiState | null {
  const maxScroll = Math.max(0, context.propertyLineCount - context.propertyVisible);
  const scroll = (to: number) => ({ ...state, propertyScroll: clamp(to, 0, maxScroll) });
  if (key.downArrow || input === "j") return scroll(state.propertyScroll + 1);
  if (key.upArrow || input === "k") return scroll(state.propertyScroll - 1);
  if (key.pageDown) return scroll(state.propertyScroll + context.propertyVisible);
  if (key.pageUp) return scroll(state.propertyScroll - context.propertyVisible);
  if (input === "g" || key.home) return scroll(0);
  if (input === "G" || key.end) return scroll(maxScroll);
  return null;
}

/** Step navigation: the steps and sequence panes' keys, and h/l, ←/→ everywhere. */
function handleStepKeys(state: UiState, context: KeyContext, input: string, key: KeyPress): UiState | null {
  if (key.rightArrow || input === "l") return moveSelection(state, context, 1);
  if (key.leftArrow || input === "h") return moveSelection(state, context, -1);
  if (state.focus !== "steps" && state.focus !== "sequence") return null;
  if (key.downArrow || input === "j") return moveSelection(state, context, 1);
  if (key.upArrow || input === "k") return moveSelection(state, context, -1);
  if (key.pageDown) return moveSelection(state, context, context.pageSize);
  if (key.pageUp) return moveSelection(state, context, -context.pageSize);
  if (input === "g" || key.home) return selectEdge(state, context, false);
  if (input === "G" || key.end) return selectEdge(state, context, true);
  if (key.return) return { ...state, focus: "state", lastDetail: "state" };
  return null;
}

export function handleKey(state: UiState, context: KeyContext, input: string, key: KeyPress): UiState {
  if (state.prompt !== null) return handlePrompt(state, context, input, key);
  const base: UiState = state.status === null ? state : { ...state, status: null };
  // q quits from anywhere but the search prompt (where it is text), as in htop.
  if ((input === "c" && key.ctrl) || input === "q") return { ...base, quit: true };
  if (state.overlay === "help")
    return key.escape || input === "?" || key.return ? { ...base, overlay: null } : base;
  if (state.overlay === "filter") return handleFilter(base, context, input, key);

  if (input === "?") return { ...base, overlay: "help" };
  if (input === "/") return { ...base, prompt: "" };
  if (input === "n") return runSearch(base, context, state.query, 1);
  if (input === "N") return runSearch(base, context, state.query, -1);
  if (input === "d") return { ...base, changedOnly: !state.changedOnly, stateCursor: 0 };
  if (input === "e") return { ...base, expandAll: !state.expandAll };
  if (input === "f") return { ...base, overlay: "filter" };
  if (key.tab) return cycleFocus(base, key.shift ? -1 : 1);
  if (key.escape) return base;
  if (state.interactive) {
    if (input === "u" || key.backspace || key.delete) return { ...base, command: "undo" };
    if (input === "w") return { ...base, command: "write" };
  }

  const pane =
    base.focus === "state"
      ? handleStatePane(base, context, input, key)
      : base.focus === "property"
        ? handlePropertyPane(base, context, input, key)
        : base.focus === "next"
          ? handleNextPane(base, context, input, key)
          : null;
  return pane ?? handleStepKeys(base, context, input, key) ?? base;
}
