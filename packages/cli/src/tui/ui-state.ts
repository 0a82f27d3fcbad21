// The explorer's interaction state and its key handling, as a pure reducer:
// (state, key, context) -> state. The Ink app feeds it keys; tests can too.
// Which key does what is the keymap's (keymap.ts); this is what each action does.
import {
  type DetailPane,
  INTERACTIVE_PANE_ORDER,
  isDetailPane,
  PANE_ORDER,
  type PaneName,
} from "./layout.js";
import {
  type Action,
  actionFor,
  clampToList,
  type KeyPress,
  keyName,
  type ListMove,
  moveInList,
  type Scope,
} from "./keymap.js";
import { nextMatch } from "./trace-index.js";

export type { KeyPress } from "./keymap.js";

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

/** Moves the selection within the visible steps (from the nearest visible one when its own is hidden). */
function moveSelection(state: UiState, context: KeyContext, move: ListMove): UiState {
  const visible = context.visibleSteps(state.hidden);
  if (visible.length === 0) return state;
  let position = visible.indexOf(state.selected);
  if (position < 0) position = nearestPosition(visible, state.selected);
  return { ...state, selected: visible[moveInList(position, visible.length, move, context.pageSize)]! };
}

function nearestPosition(visible: readonly number[], step: number): number {
  let best = 0;
  for (let i = 0; i < visible.length; i++) {
    if (Math.abs(visible[i]! - step) < Math.abs(visible[best]! - step)) best = i;
  }
  return best;
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

/** A cursor move in the focused list: the steps, the state's values, the violation's lines, the next steps or the filter. */
function navigate(state: UiState, context: KeyContext, scope: Scope, move: ListMove): UiState {
  switch (scope) {
    case "state":
      return {
        ...state,
        stateCursor: moveInList(state.stateCursor, context.stateRowIds.length, move, context.pageSize),
      };
    case "property": {
      const positions = Math.max(0, context.propertyLineCount - context.propertyVisible) + 1;
      return {
        ...state,
        propertyScroll: moveInList(state.propertyScroll, positions, move, context.propertyVisible),
      };
    }
    case "next":
      return {
        ...state,
        nextCursor: moveInList(state.nextCursor, context.nextCount ?? 0, move, context.pageSize),
      };
    case "filter":
      return {
        ...state,
        filterCursor: moveInList(state.filterCursor, context.components.length, move, context.pageSize),
      };
    case "help":
      return state;
    default:
      return moveSelection(state, context, move);
  }
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

/** Changes which components the filter hides, by the one under its cursor. */
function changeShown(state: UiState, context: KeyContext, action: Action): UiState {
  const names = context.components;
  const cursor = clampToList(state.filterCursor, names.length);
  const name = names[cursor];
  if (name === undefined) return state;
  let hidden: Set<string>;
  if (action === "showAll") hidden = new Set();
  else if (action === "showOnly") hidden = new Set(names.filter((other) => other !== name));
  else if (action === "invertShown") hidden = new Set(names.filter((other) => !state.hidden.has(other)));
  else {
    hidden = new Set(state.hidden);
    if (hidden.has(name)) hidden.delete(name);
    else hidden.add(name);
  }
  return keepSelectionVisible({ ...state, hidden, filterCursor: cursor }, context);
}

type ActionHandler = (state: UiState, context: KeyContext, scope: Scope) => UiState;

/** What each action of the keymap does to the state. */
const ACTIONS: Readonly<Record<Action, ActionHandler>> = {
  down: (s, c, scope) => navigate(s, c, scope, "down"),
  up: (s, c, scope) => navigate(s, c, scope, "up"),
  pageDown: (s, c, scope) => navigate(s, c, scope, "pageDown"),
  pageUp: (s, c, scope) => navigate(s, c, scope, "pageUp"),
  first: (s, c, scope) => navigate(s, c, scope, "first"),
  last: (s, c, scope) => navigate(s, c, scope, "last"),
  nextStep: (s, c) => moveSelection(s, c, "down"),
  previousStep: (s, c) => moveSelection(s, c, "up"),
  openState: (s) => ({ ...s, focus: "state", lastDetail: "state" }),
  expandValue: (s, c) => {
    const cursor = clampToList(s.stateCursor, c.stateRowIds.length);
    const id = c.stateRowIds[cursor];
    if (id === undefined) return s;
    const expanded = new Set(s.expanded);
    if (expanded.has(id)) expanded.delete(id);
    else expanded.add(id);
    return { ...s, expanded, stateCursor: cursor };
  },
  take: (s, c) => {
    const count = c.nextCount ?? 0;
    if (count === 0) return { ...s, status: "no step is enabled here: u undoes the last step" };
    return { ...s, nextCursor: clampToList(s.nextCursor, count), command: "take" };
  },
  undo: (s) => ({ ...s, command: "undo" }),
  write: (s) => ({ ...s, command: "write" }),
  search: (s) => ({ ...s, prompt: "" }),
  nextMatch: (s, c) => runSearch(s, c, s.query, 1),
  previousMatch: (s, c) => runSearch(s, c, s.query, -1),
  changedOnly: (s) => ({ ...s, changedOnly: !s.changedOnly, stateCursor: 0 }),
  expandAll: (s) => ({ ...s, expandAll: !s.expandAll }),
  filter: (s) => ({ ...s, overlay: "filter" }),
  nextPane: (s) => cycleFocus(s, 1),
  previousPane: (s) => cycleFocus(s, -1),
  help: (s) => ({ ...s, overlay: "help" }),
  cancel: (s) => s,
  close: (s) => ({ ...s, overlay: null }),
  quit: (s) => ({ ...s, quit: true }),
  toggleShown: (s, c) => changeShown(s, c, "toggleShown"),
  showOnly: (s, c) => changeShown(s, c, "showOnly"),
  showAll: (s, c) => changeShown(s, c, "showAll"),
  invertShown: (s, c) => changeShown(s, c, "invertShown"),
};

/** The key's action in the open overlay or the focused pane (keymap.ts); any key clears the status message. */
export function handleKey(state: UiState, context: KeyContext, input: string, key: KeyPress): UiState {
  if (state.prompt !== null) return handlePrompt(state, context, input, key);
  const base: UiState = state.status === null ? state : { ...state, status: null };
  const scope: Scope = state.overlay ?? state.focus;
  const action = actionFor(keyName(input, key), scope, state.interactive);
  return action === null ? base : ACTIONS[action](base, context, scope);
}
