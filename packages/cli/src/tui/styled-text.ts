// Lines of styled segments: every pane is rendered to these by pure functions,
// so widths are exact (the 80-column layout is tested on them) and the Ink
// components only map segments to <Text>.
import stringWidth from "string-width";

export type Color = "red" | "green" | "yellow" | "blue" | "magenta" | "cyan" | "gray" | "white";

export interface Segment {
  text: string;
  color?: Color;
  bold?: boolean;
  dim?: boolean;
  inverse?: boolean;
  underline?: boolean;
}

export type StyledLine = Segment[];

export const ELLIPSIS = "…";

/**
 * The grapheme clusters of `text` (what a terminal draws as one character: an
 * emoji with its modifiers, a letter with its combining marks) with their
 * widths in columns, from string-width (the table Ink itself measures with).
 */
export function graphemes(text: string): { text: string; width: number }[] {
  const out: { text: string; width: number }[] = [];
  for (const { segment } of segmenter.segment(text)) out.push({ text: segment, width: stringWidth(segment) });
  return out;
}

const segmenter = new Intl.Segmenter();

/** Terminal columns taken by one code point: 0 for combining marks and controls, 2 for wide (CJK, emoji). */
export function codePointWidth(code: number): number {
  return stringWidth(String.fromCodePoint(code));
}

export function textWidth(text: string): number {
  return stringWidth(text);
}

/** Cuts `text` to at most `width` columns, ending in "…" when something was cut. */
export function truncateText(text: string, width: number): string {
  if (width <= 0) return "";
  if (textWidth(text) <= width) return text;
  let out = "";
  let used = 0;
  for (const g of graphemes(text)) {
    if (used + g.width > width - 1) break;
    out += g.text;
    used += g.width;
  }
  return out + ELLIPSIS;
}

/** Pads with spaces to exactly `width` columns (text must already fit). */
export function padText(text: string, width: number): string {
  const missing = width - textWidth(text);
  return missing > 0 ? text + " ".repeat(missing) : text;
}

/** Hard-wraps `text` into lines of at most `width` columns; continuation lines start with `indent`. */
export function wrapText(text: string, width: number, indent = ""): string[] {
  if (width <= 0) return [""];
  const lines: string[] = [];
  let line = "";
  let used = 0;
  const indentWidth = Math.min(textWidth(indent), Math.max(0, width - 1));
  for (const g of graphemes(text)) {
    if (used + g.width > width) {
      lines.push(line);
      line = indent.slice(0, indentWidth);
      used = indentWidth;
    }
    line += g.text;
    used += g.width;
  }
  lines.push(line);
  return lines;
}

export function lineWidth(line: StyledLine): number {
  let width = 0;
  for (const segment of line) width += textWidth(segment.text);
  return width;
}

export function lineText(line: StyledLine): string {
  return line.map((segment) => segment.text).join("");
}

/** Cuts a styled line to `width` columns (with "…" when cut), keeping each segment's style. */
export function truncateLine(line: StyledLine, width: number): StyledLine {
  if (lineWidth(line) <= width) return line;
  const out: StyledLine = [];
  let left = width - 1;
  for (const segment of line) {
    if (left <= 0) break;
    const w = textWidth(segment.text);
    if (w <= left) {
      out.push(segment);
      left -= w;
      continue;
    }
    let text = "";
    let used = 0;
    for (const g of graphemes(segment.text)) {
      if (used + g.width > left) break;
      text += g.text;
      used += g.width;
    }
    out.push({ ...segment, text });
    left = 0;
  }
  const last = out[out.length - 1];
  out.push(last === undefined ? { text: ELLIPSIS } : { ...last, text: ELLIPSIS });
  return width <= 0 ? [] : out;
}

/**
 * Exactly `width` columns: truncated or padded. Padding takes the style of the
 * last segment when it is inverse, so a highlighted row spans the whole pane.
 */
export function fitLine(line: StyledLine, width: number): StyledLine {
  const cut = truncateLine(line, width);
  const missing = width - lineWidth(cut);
  if (missing <= 0) return cut;
  const last = cut[cut.length - 1];
  const pad = " ".repeat(missing);
  return [...cut, last?.inverse ? { text: pad, inverse: true } : { text: pad }];
}

/** Hard-wraps a styled line over several lines of `width` columns; continuations start with `indent` spaces. */
export function wrapLine(line: StyledLine, width: number, indent = 0): StyledLine[] {
  if (width <= 0) return [[]];
  const lines: StyledLine[] = [];
  let current: StyledLine = [];
  let used = 0;
  const start = Math.min(indent, Math.max(0, width - 1));
  for (const segment of line) {
    let text = "";
    for (const g of graphemes(segment.text)) {
      if (used + g.width > width) {
        if (text !== "") current.push({ ...segment, text });
        lines.push(current);
        current = start > 0 ? [{ text: " ".repeat(start) }] : [];
        used = start;
        text = "";
      }
      text += g.text;
      used += g.width;
    }
    if (text !== "") current.push({ ...segment, text });
  }
  lines.push(current);
  return lines;
}

export function plain(text: string, style: Omit<Segment, "text"> = {}): StyledLine {
  return [{ text, ...style }];
}
