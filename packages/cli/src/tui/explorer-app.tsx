// The Ink app of `faultline explore`: thin components over the pure line
// renderers (pane-lines.ts, sequence-view.ts) and the key reducer (ui-state.ts).
import { Box, Text, useApp, useInput, useStdout } from "ink";
import { useEffect, useMemo, useRef, useState } from "react";
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
  document: TraceDocument;
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

function useDocumentFacts(document: TraceDocument): DocumentFacts {
  return useMemo(() => {
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
  }, [document]);
}

function keyContext(
  document: TraceDocument,
  facts: DocumentFacts,
  state: UiState,
  width: number,
  height: number,
): KeyContext {
  const layout = computeLayout(width, height, state.focus, state.lastDetail);
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
        : propertyLines(document, contentWidth(propertyBox), state.expandAll).length,
    propertyVisible: propertyBox === undefined ? 1 : contentHeight(propertyBox),
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
      });
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
}: {
  layout: Layout;
  document: TraceDocument;
  facts: DocumentFacts;
  ui: UiState;
}) {
  const steps = facts.stepsFor(ui.hidden);
  const matches = new Set(ui.query === "" ? [] : searchSteps(facts.index, steps, ui.query));
  const pane = (box: PaneBox) => (
    <Pane
      key={box.pane}
      box={box}
      focused={ui.focus === box.pane}
      content={paneContent(box.pane, box, document, facts, ui, steps, matches)}
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
            lines: helpLines(contentWidth(box), contentHeight(box)),
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

export function Explorer({ document, width, height }: ExplorerProps) {
  const { exit } = useApp();
  const size = useTerminalSize(width, height);
  const facts = useDocumentFacts(document);
  const [ui, setUi] = useState<UiState>(() => initialUiState(0));
  // Keys may arrive faster than renders: each one applies to the state the previous one left.
  const latest = useRef(ui);

  useInput((input, key) => {
    const next = handleKey(
      latest.current,
      keyContext(document, facts, latest.current, size.width, size.height),
      input,
      key,
    );
    latest.current = next;
    setUi(next);
    if (next.quit) exit();
  });

  const layout = computeLayout(size.width, size.height, ui.focus, ui.lastDetail);
  const shown = facts.stepsFor(ui.hidden).length;
  return (
    <Box flexDirection="column" width={size.width} height={size.height}>
      <StyledText line={headerLine(document, ui, size.width, shown)} />
      <Body layout={layout} document={document} facts={facts} ui={ui} />
      <StyledText line={hotkeyBar(ui, ui.focus, size.width)} />
    </Box>
  );
}
