// Where the panes go for a terminal size. A wide terminal shows every pane at
// once; a narrow one (80x24) shows the step list beside one detail pane (the
// focused one), and the sequence view full width when it has the focus.

export type PaneName = "steps" | "state" | "sequence" | "property" | "next";
/** The panes shown one at a time beside the step list on a narrow terminal. */
export type DetailPane = Exclude<PaneName, "steps" | "next">;

export const PANE_ORDER: readonly PaneName[] = ["steps", "state", "sequence", "property"];
/** Interactive exploration of a model adds the next steps, right after the path. */
export const INTERACTIVE_PANE_ORDER: readonly PaneName[] = ["steps", "next", "state", "sequence", "property"];

export function isDetailPane(pane: PaneName): pane is DetailPane {
  return pane !== "steps" && pane !== "next";
}

export interface PaneBox {
  pane: PaneName;
  /** Outer size, borders included. */
  width: number;
  height: number;
}

export type Arrangement =
  /** Steps | state | sequence on top, the property strip below. */
  | { kind: "wide"; top: PaneBox[]; bottom: PaneBox }
  /** Steps beside one detail pane. */
  | { kind: "columns"; panes: PaneBox[] }
  /** One pane on top of the other (terminals too narrow for two columns). */
  | { kind: "stacked"; panes: PaneBox[] }
  /** Rows of panes side by side (interactive exploration: the next steps below the path). */
  | { kind: "rows"; rows: PaneBox[][] };

export interface Layout {
  width: number;
  height: number;
  /** Rows for panes: the terminal minus the header line and the hotkey bar. */
  bodyHeight: number;
  arrangement: Arrangement;
}

export const WIDE_MIN_WIDTH = 120;
export const WIDE_MIN_HEIGHT = 20;
const STACK_BELOW_WIDTH = 60;

/** Rows of content in a pane: the outer height minus two borders and the title line. */
export function contentHeight(box: PaneBox): number {
  return Math.max(0, box.height - 3);
}

/** Columns of content in a pane: the outer width minus two borders. */
export function contentWidth(box: PaneBox): number {
  return Math.max(0, box.width - 2);
}

function clamp(value: number, low: number, high: number): number {
  return Math.max(low, Math.min(high, value));
}

export function computeLayout(
  width: number,
  height: number,
  focus: PaneName,
  lastDetail: DetailPane,
  interactive = false,
): Layout {
  const bodyHeight = Math.max(0, height - 2);
  const detail: DetailPane = isDetailPane(focus) ? focus : lastDetail;
  if (interactive) {
    return {
      width,
      height,
      bodyHeight,
      arrangement: interactiveArrangement(width, bodyHeight, focus, detail),
    };
  }
  let arrangement: Arrangement;
  if (width >= WIDE_MIN_WIDTH && height >= WIDE_MIN_HEIGHT) {
    const propertyHeight = clamp(Math.floor(bodyHeight / 3), 6, 12);
    const topHeight = bodyHeight - propertyHeight;
    const stepsWidth = clamp(Math.floor(width * 0.32), 36, 64);
    const stateWidth = Math.floor((width - stepsWidth) / 2);
    arrangement = {
      kind: "wide",
      top: [
        { pane: "steps", width: stepsWidth, height: topHeight },
        { pane: "state", width: stateWidth, height: topHeight },
        { pane: "sequence", width: width - stepsWidth - stateWidth, height: topHeight },
      ],
      bottom: { pane: "property", width, height: propertyHeight },
    };
  } else if (focus === "sequence") {
    // Lanes need the width more than the step list: each row carries its step number anyway.
    arrangement = { kind: "columns", panes: [{ pane: "sequence", width, height: bodyHeight }] };
  } else if (width < STACK_BELOW_WIDTH) {
    const stepsHeight = Math.floor(bodyHeight / 2);
    arrangement = {
      kind: "stacked",
      panes: [
        { pane: "steps", width, height: stepsHeight },
        { pane: detail, width, height: bodyHeight - stepsHeight },
      ],
    };
  } else {
    const stepsWidth = clamp(Math.round(width * 0.42), 26, 48);
    arrangement = {
      kind: "columns",
      panes: [
        { pane: "steps", width: stepsWidth, height: bodyHeight },
        { pane: detail, width: width - stepsWidth, height: bodyHeight },
      ],
    };
  }
  return { width, height, bodyHeight, arrangement };
}

/**
 * Interactive exploration: the next steps take a full-width strip below the
 * path and the detail pane (labels are long, and choosing is the main task);
 * on a wide terminal they share the bottom strip with the violation.
 */
function interactiveArrangement(
  width: number,
  bodyHeight: number,
  focus: PaneName,
  detail: DetailPane,
): Arrangement {
  if (width >= WIDE_MIN_WIDTH && bodyHeight + 2 >= WIDE_MIN_HEIGHT) {
    const bottomHeight = clamp(Math.floor(bodyHeight / 3), 6, 12);
    const topHeight = bodyHeight - bottomHeight;
    const stepsWidth = clamp(Math.floor(width * 0.32), 36, 64);
    const stateWidth = Math.floor((width - stepsWidth) / 2);
    const nextWidth = Math.floor(width * 0.6);
    return {
      kind: "rows",
      rows: [
        [
          { pane: "steps", width: stepsWidth, height: topHeight },
          { pane: "state", width: stateWidth, height: topHeight },
          { pane: "sequence", width: width - stepsWidth - stateWidth, height: topHeight },
        ],
        [
          { pane: "next", width: nextWidth, height: bottomHeight },
          { pane: "property", width: width - nextWidth, height: bottomHeight },
        ],
      ],
    };
  }
  const nextHeight = clamp(Math.floor(bodyHeight * 0.4), 5, 12);
  const topHeight = bodyHeight - nextHeight;
  const next: PaneBox = { pane: "next", width, height: nextHeight };
  if (focus === "sequence")
    return { kind: "rows", rows: [[{ pane: "sequence", width, height: topHeight }], [next]] };
  if (width < STACK_BELOW_WIDTH) {
    const stepsHeight = Math.floor(topHeight / 2);
    return {
      kind: "rows",
      rows: [
        [{ pane: "steps", width, height: stepsHeight }],
        [{ pane: detail, width, height: topHeight - stepsHeight }],
        [next],
      ],
    };
  }
  const stepsWidth = clamp(Math.round(width * 0.42), 26, 48);
  return {
    kind: "rows",
    rows: [
      [
        { pane: "steps", width: stepsWidth, height: topHeight },
        { pane: detail, width: width - stepsWidth, height: topHeight },
      ],
      [next],
    ],
  };
}

export function layoutPanes(layout: Layout): PaneBox[] {
  const arrangement = layout.arrangement;
  if (arrangement.kind === "rows") return arrangement.rows.flat();
  return arrangement.kind === "wide" ? [...arrangement.top, arrangement.bottom] : arrangement.panes;
}

export function findPane(layout: Layout, pane: PaneName): PaneBox | undefined {
  return layoutPanes(layout).find((box) => box.pane === pane);
}

/**
 * The first of `total` rows to show in `visible` rows so that `target` sits
 * near the middle (stateless, so the same selection always gives the same view).
 */
export function scrollOffset(target: number, total: number, visible: number): number {
  if (visible <= 0 || total <= visible) return 0;
  return clamp(target - Math.floor(visible / 2), 0, total - visible);
}
