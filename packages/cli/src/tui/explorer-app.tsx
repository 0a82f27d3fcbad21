// The Ink app of `faultline explore`: thin components over the pure line
// renderers (pane-lines.ts, sequence-view.ts) and the key reducer (ui-state.ts).
import { Box, Text, useApp, useInput, useStdout } from "ink";
import { useEffect, useRef, useState } from "react";
import {
  computeLayout,
  contentHeight,
  contentWidth,
  findPane,
  type Layout,
  layoutPanes,
  type PaneBox,
  type PaneName,
} from "./layout.js";
import { type KeyPress, splitKeys } from "./keymap.js";
import type { InteractiveSession, SessionSnapshot } from "./model-session.js";
import { nextPaneContent } from "./next-pane.js";
import {
  filterLines,
  fitPane,
  headerLine,
  helpLines,
  hotkeyBar,
  type PaneContent,
  propertyLines,
  propertyPaneContent,
  statePaneContent,
  stepListContent,
} from "./pane-lines.js";
import { renderSequence } from "./sequence-view.js";
import { buildStateRows, type StateRow, visibleStateRows } from "./state-diff.js";
import type { StyledLine } from "./styled-text.js";
import type { TraceDocument } from "./trace-document.js";
import { buildTraceIndex, searchSteps, type TraceIndex, visibleSteps } from "./trace-index.js";
import { handleKey, initialUiState, type KeyContext, type UiState } from "./ui-state.js";

export interface ExplorerProps {
  /** A saved trace to step through; ignored when `session` is given. */
  document?: TraceDocument;
  /** Interactive exploration of a model: the path is chosen step by step. */
  session?: InteractiveSession;
  /** Fixed size (tests); by default the terminal's, following resizes. */
  width?: number;
  height?: number;
}

const DEFAULT_WIDTH = 80;
const DEFAULT_HEIGHT = 24;

function terminalSize(stdout: NodeJS.WriteStream): { columns: number; rows: number } {
  return { columns: stdout.columns || DEFAULT_WIDTH, rows: stdout.rows || DEFAULT_HEIGHT };
}

function useTerminalSize(width?: number, height?: number): { width: number; height: number } {
  const { stdout } = useStdout();
  const [size, setSize] = useState(() => terminalSize(stdout));
  useEffect(() => {
    const onResize = () => setSize(terminalSize(stdout));
    stdout.on("resize", onResize);
    return () => {
      stdout.off("resize", onResize);
    };
  }, [stdout]);
  return { width: width ?? size.columns, height: height ?? size.rows };
}

function StyledText({ line }: { line: StyledLine }) {
  return (
    <Text wrap="truncate-end">
      {line.map((segment, i) => (
        <Text
          // biome-ignore lint/suspicious/noArrayIndexKey: segments have no identity beyond their position
          key={i}
          color={segment.color}
          bold={segment.bold}
          dimColor={segment.dim}
          inverse={segment.inverse}
          underline={segment.underline}
        >
          {segment.text}
        </Text>
      ))}
    </Text>
  );
}

function Pane({ box, content, focused }: { box: PaneBox; content: PaneContent; focused: boolean }) {
  // The focused pane's title is marked in text too, for terminals without colour.
  const title: StyledLine = focused
    ? [{ text: "» ", color: "cyan", bold: true }, ...content.title]
    : content.title;
  const lines = fitPane({ ...content, title }, box);
  return (
    <Box
      borderStyle="round"
      borderColor={focused ? "cyan" : "gray"}
      width={box.width}
      height={box.height}
      flexDirection="column"
      flexShrink={0}
      overflow="hidden"
    >
      {lines.map((line, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: lines are positions in the pane
        <StyledText key={i} line={line} />
      ))}
    </Box>
  );
}

/** Everything the panes need that depends only on the document. */
interface DocumentFacts {
  index: TraceIndex;
  /** State rows per step, built on first use. */
  rowsFor(step: number): StateRow[];
  /** The steps shown under a filter, computed once per set of hidden components. */
  stepsFor(hidden: ReadonlySet<string>): number[];
}

const factsCache = new WeakMap<TraceDocument, DocumentFacts>();

/** Facts per document, shared by renders and key handling (a key may arrive before the next render). */
function documentFacts(document: TraceDocument): DocumentFacts {
  let facts = factsCache.get(document);
  if (facts === undefined) {
    facts = buildDocumentFacts(document);
    factsCache.set(document, facts);
  }
  return facts;
}

function buildDocumentFacts(document: TraceDocument): DocumentFacts {
  {
    const index = buildTraceIndex(document);
    const cache = new Map<number, StateRow[]>();
    const rowsFor = (step: number) => {
      let rows = cache.get(step);
      if (rows === undefined) {
        const current = document.steps[step];
        const before = step === 0 ? null : (document.steps[step - 1]?.state ?? null);
        rows = current === undefined ? [] : buildStateRows(before, current.state);
        cache.set(step, rows);
      }
      return rows;
    };
    const shown = new WeakMap<ReadonlySet<string>, number[]>();
    const stepsFor = (hidden: ReadonlySet<string>) => {
      let steps = shown.get(hidden);
      if (steps === undefined) {
        steps = visibleSteps(document, index, hidden);
        shown.set(hidden, steps);
      }
      return steps;
    };
    return { index, rowsFor, stepsFor };
  }
}

function keyContext(
  document: TraceDocument,
  facts: DocumentFacts,
  state: UiState,
  width: number,
  height: number,
  nextCount: number,
): KeyContext {
  const layout = computeLayout(width, height, state.focus, state.lastDetail, state.interactive);
  const rows = visibleStateRows(facts.rowsFor(state.selected), state.hidden, state.changedOnly);
  const focusBox = findPane(layout, state.focus) ?? layoutPanes(layout)[0];
  const propertyBox = findPane(layout, "property");
  return {
    stepCount: document.steps.length,
    visibleSteps: facts.stepsFor,
    search: (candidates, query) => searchSteps(facts.index, candidates, query),
    components: facts.index.components,
    pageSize: Math.max(1, focusBox === undefined ? 1 : contentHeight(focusBox) - 1),
    stateRowIds: rows.map((row) => row.id),
    propertyLineCount:
      propertyBox === undefined
        ? 0
        : propertyLines(document, contentWidth(propertyBox), state.expandAll, state.interactive).length,
    propertyVisible: propertyBox === undefined ? 1 : contentHeight(propertyBox),
    nextCount,
  };
}

function paneContent(
  pane: PaneName,
  box: PaneBox,
  document: TraceDocument,
  facts: DocumentFacts,
  ui: UiState,
  steps: readonly number[],
  matches: ReadonlySet<number>,
  snapshot: SessionSnapshot | undefined,
): PaneContent {
  const focused = ui.focus === pane;
  switch (pane) {
    case "steps":
      return stepListContent(document, {
        box,
        selected: ui.selected,
        steps,
        focused,
        matches,
        filtered: ui.hidden.size > 0,
        exploring: ui.interactive,
      });
    case "next": {
      const input: Parameters<typeof nextPaneContent>[0] = {
        next: snapshot?.next ?? [],
        pathLength: document.steps.length,
      };
      if (snapshot?.end !== undefined) input.end = snapshot.end;
      return nextPaneContent(input, { box, cursor: ui.nextCursor, focused });
    }
    case "state": {
      const all = facts.rowsFor(ui.selected);
      const rows = visibleStateRows(all, ui.hidden, ui.changedOnly);
      const hiddenComponents = new Set(
        all.filter((row) => ui.hidden.has(row.component)).map((row) => row.component),
      );
      return statePaneContent(document, rows, ui, { box, focused, filteredOut: hiddenComponents.size });
    }
    case "sequence":
      return renderSequence(document, facts.index, {
        box,
        selected: ui.selected,
        steps,
        hidden: ui.hidden,
        focused,
        matches,
      });
    case "property":
      return propertyPaneContent(document, ui, { box, focused });
  }
}

function Body({
  layout,
  document,
  facts,
  ui,
  snapshot,
}: {
  layout: Layout;
  document: TraceDocument;
  facts: DocumentFacts;
  ui: UiState;
  snapshot: SessionSnapshot | undefined;
}) {
  const steps = facts.stepsFor(ui.hidden);
  const matches = new Set(ui.query === "" ? [] : searchSteps(facts.index, steps, ui.query));
  const pane = (box: PaneBox) => (
    <Pane
      key={box.pane}
      box={box}
      focused={ui.focus === box.pane}
      content={paneContent(box.pane, box, document, facts, ui, steps, matches, snapshot)}
    />
  );
  if (ui.overlay !== null) {
    const box: PaneBox = { pane: "steps", width: layout.width, height: layout.bodyHeight };
    const content: PaneContent =
      ui.overlay === "help"
        ? {
            title: [
              { text: "Keys", bold: true },
              { text: "  ? or Esc closes", dim: true },
            ],
            lines: helpLines(contentWidth(box), contentHeight(box), ui.interactive),
          }
        : {
            title: [
              { text: "Filter machines", bold: true },
              {
                text: `  ${facts.index.components.length - ui.hidden.size}/${facts.index.components.length} shown`,
                dim: true,
              },
            ],
            lines: filterLines(facts.index.components, ui, contentWidth(box), contentHeight(box)),
          };
    return <Pane box={box} focused content={content} />;
  }
  const arrangement = layout.arrangement;
  if (arrangement.kind === "rows") {
    return (
      <Box flexDirection="column" height={layout.bodyHeight}>
        {arrangement.rows.map((row) => (
          <Box key={row.map((box) => box.pane).join("+")} flexDirection="row">
            {row.map(pane)}
          </Box>
        ))}
      </Box>
    );
  }
  if (arrangement.kind === "wide") {
    return (
      <Box flexDirection="column" height={layout.bodyHeight}>
        <Box flexDirection="row">{arrangement.top.map(pane)}</Box>
        {pane(arrangement.bottom)}
      </Box>
    );
  }
  return (
    <Box flexDirection={arrangement.kind === "stacked" ? "column" : "row"} height={layout.bodyHeight}>
      {arrangement.panes.map(pane)}
    </Box>
  );
}

/** Runs a key's session command and says what happened in the status line. */
function runCommand(session: InteractiveSession, ui: UiState): { ui: UiState; snapshot: SessionSnapshot } {
  const done: UiState = { ...ui, command: null };
  if (ui.command === "take") {
    session.take(ui.nextCursor);
    const snapshot = session.snapshot();
    const last = Math.max(0, snapshot.document.steps.length - 1);
    return { ui: { ...done, selected: last, nextCursor: 0 }, snapshot };
  }
  if (ui.command === "undo") {
    const chosen = session.undo();
    const snapshot = session.snapshot();
    if (chosen === null) return { ui: { ...done, status: "nothing to undo" }, snapshot };
    const count = snapshot.document.steps.length;
    // Back on the step just undone, so another choice is one key away.
    return {
      ui: {
        ...done,
        selected: Math.max(0, count - 1),
        nextCursor: chosen,
        status: `undid step ${count + 1}`,
        stateCursor: 0,
      },
      snapshot,
    };
  }
  const written = session.write();
  const status = written.ok ? `wrote ${written.steps} steps to ${written.path}` : written.message;
  return { ui: { ...done, status }, snapshot: session.snapshot() };
}

export function Explorer({ document: given, session, width, height }: ExplorerProps) {
  const { exit } = useApp();
  const size = useTerminalSize(width, height);
  const [snapshot, setSnapshot] = useState<SessionSnapshot | undefined>(() => session?.snapshot());
  const document = snapshot?.document ?? given;
  if (document === undefined) throw new Error("Explorer needs a document or a session");
  const facts = documentFacts(document);
  const [ui, setUi] = useState<UiState>(() => initialUiState(0, session !== undefined));
  // Keys may arrive faster than renders: each one applies to the state the previous one left.
  const latest = useRef(ui);
  const latestSnapshot = useRef(snapshot);

  useInput((chunk, chunkKey) => {
    // Several keys may arrive in one chunk: each applies in turn, until one quits.
    for (const { input, key } of splitKeys(chunk, chunkKey)) {
      if (latest.current.quit) break;
      handleOneKey(input, key);
    }
  });

  const handleOneKey = (input: string, key: KeyPress) => {
    const currentDocument = latestSnapshot.current?.document ?? document;
    let next = handleKey(
      latest.current,
      keyContext(
        currentDocument,
        documentFacts(currentDocument),
        latest.current,
        size.width,
        size.height,
        latestSnapshot.current?.next.length ?? 0,
      ),
      input,
      key,
    );
    if (next.command !== null) {
      if (session === undefined) next = { ...next, command: null };
      else {
        const ran = runCommand(session, next);
        next = ran.ui;
        latestSnapshot.current = ran.snapshot;
        setSnapshot(ran.snapshot);
      }
    }
    latest.current = next;
    setUi(next);
    if (next.quit) exit();
  };

  const layout = computeLayout(size.width, size.height, ui.focus, ui.lastDetail, ui.interactive);
  const shown = facts.stepsFor(ui.hidden).length;
  return (
    <Box flexDirection="column" width={size.width} height={size.height}>
      <StyledText line={headerLine(document, ui, size.width, shown)} />
      <Body layout={layout} document={document} facts={facts} ui={ui} snapshot={snapshot} />
      <StyledText line={hotkeyBar(ui, ui.focus, size.width)} />
    </Box>
  );
}
