// Test helper: a small screen emulator for what a program writes to a
// pseudo-terminal, so a test can read the screen as a person would see it
// (what `tmux capture-pane -p` gave before). It understands what terminal UIs
// such as Ink write: text with autowrap, CR/LF/BS/TAB, cursor movement and
// positioning, erasing in the line and the display, the alternate screen, and
// SGR colours (dropped). Any other escape sequence is an error reported by
// screen(), so a test never passes on a screen this emulator got wrong.
// Characters are one column wide, except East Asian wide characters and
// emoji (two, from a range table) and combining marks (zero).

const ESC = "\u001b";

/** Private modes (`CSI ? n h/l`) that change nothing on the screen. */
const IGNORED_PRIVATE_MODES = new Set([
  "1", // application cursor keys
  "12", // blinking cursor
  "25", // cursor visible
  "1004", // focus events
  "2004", // bracketed paste
  "2026", // synchronized output
]);

const WIDE_RANGES: readonly [number, number][] = [
  [0x1100, 0x115f],
  [0x231a, 0x231b],
  [0x23e9, 0x23ec],
  [0x2614, 0x2615],
  [0x2705, 0x2705],
  [0x270a, 0x270b],
  [0x274c, 0x274c],
  [0x2753, 0x2755],
  [0x2795, 0x2797],
  [0x2b1b, 0x2b1c],
  [0x2e80, 0x303e],
  [0x3041, 0xa4cf],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe30, 0xfe4f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x1f300, 0x1f64f],
  [0x1f680, 0x1f6ff],
  [0x1f900, 0x1f9ff],
  [0x20000, 0x3fffd],
];

function charWidth(codePoint: number): 0 | 1 | 2 {
  if (
    (codePoint >= 0x300 && codePoint <= 0x36f) ||
    codePoint === 0x200d ||
    (codePoint >= 0xfe00 && codePoint <= 0xfe0f)
  ) {
    return 0;
  }
  return WIDE_RANGES.some(([from, to]) => codePoint >= from && codePoint <= to) ? 2 : 1;
}

// One escape sequence at the start of the text: CSI, OSC (ended by BEL or ST),
// DCS (ended by ST), a character-set designation, or a two-character ESC x.
const SEQUENCE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: escape sequences start with ESC
  /^\u001b(?:\[([0-9;?<>=!]*)[ -/]*([@-~])|\][^\u0007\u001b]*(?:\u0007|\u001b\\)|P[^\u001b]*\u001b\\|[()*+][0-9A-Za-z]|[^[\]P()*+])/;
// A prefix of a sequence that the next chunk may complete.
// biome-ignore lint/suspicious/noControlCharactersInRegex: escape sequences start with ESC
const UNFINISHED = /^\u001b(?:\[[0-9;?<>=!]*[ -/]*|\][^\u0007\u001b]*\u001b?|P[^\u001b]*\u001b?|[()*+])?$/;

type Grid = string[][];

export class VirtualTerminal {
  private main: Grid;
  private alternate: Grid | null = null;
  private row = 0;
  private col = 0;
  /** The cursor sits past the last column: the next character wraps first (as xterm does). */
  private pendingWrap = false;
  private saved: { row: number; col: number } = { row: 0, col: 0 };
  private pending = "";
  private failure: string | null = null;

  constructor(
    readonly cols: number,
    readonly rows: number,
  ) {
    this.main = this.blankGrid();
  }

  /** Feeds what the program wrote; a chunk may end in the middle of an escape sequence. */
  write(data: string): void {
    let text = this.pending + data;
    this.pending = "";
    while (text.length > 0 && this.failure === null) {
      const next = text.indexOf(ESC);
      if (next !== 0) {
        const plain = next === -1 ? text : text.slice(0, next);
        this.print(plain);
        text = text.slice(plain.length);
        continue;
      }
      const match = SEQUENCE.exec(text);
      if (match === null) {
        if (UNFINISHED.test(text)) this.pending = text;
        else this.failure = `an escape sequence it cannot read: ${JSON.stringify(text.slice(0, 12))}`;
        return;
      }
      this.sequence(match[0], match[1], match[2]);
      text = text.slice(match[0].length);
    }
  }

  /** The visible screen, one line per row without trailing blanks, each line ending in "\n". */
  screen(): string {
    if (this.failure !== null) throw new Error(`the virtual terminal met ${this.failure}`);
    return this.grid()
      .map((cells) => `${cells.join("").trimEnd()}\n`)
      .join("");
  }

  /** Whether the alternate screen (full-screen programs) is shown. */
  get onAlternateScreen(): boolean {
    return this.alternate !== null;
  }

  private blankGrid(): Grid {
    return Array.from({ length: this.rows }, () => this.blankRow());
  }

  private blankRow(): string[] {
    return Array.from({ length: this.cols }, () => " ");
  }

  private grid(): Grid {
    return this.alternate ?? this.main;
  }

  private print(text: string): void {
    for (const char of text) {
      const code = char.codePointAt(0)!;
      if (char === "\r") this.moveTo(this.row, 0);
      else if (char === "\n") this.lineFeed();
      else if (char === "\b") this.moveTo(this.row, this.col - 1);
      else if (char === "\t")
        this.moveTo(this.row, Math.min(this.cols - 1, (Math.floor(this.col / 8) + 1) * 8));
      else if (char === "\u0007") continue;
      else if (code < 0x20 || code === 0x7f) {
        this.failure = `a control character it cannot read: ${JSON.stringify(char)}`;
        return;
      } else this.put(char, charWidth(code));
    }
  }

  private put(char: string, width: 0 | 1 | 2): void {
    const grid = this.grid();
    if (width === 0) {
      // A combining mark joins the character before it.
      const col = this.pendingWrap ? this.col : Math.max(0, this.col - 1);
      grid[this.row]![col] += char;
      return;
    }
    if (this.pendingWrap || this.col + width > this.cols) {
      this.pendingWrap = false;
      this.col = 0;
      this.lineFeed();
    }
    const line = grid[this.row]!;
    line[this.col] = char;
    if (width === 2 && this.col + 1 < this.cols) line[this.col + 1] = "";
    if (this.col + width >= this.cols) this.pendingWrap = true;
    else this.col += width;
  }

  private lineFeed(): void {
    this.pendingWrap = false;
    if (this.row < this.rows - 1) {
      this.row++;
      return;
    }
    const grid = this.grid();
    grid.shift();
    grid.push(this.blankRow());
  }

  private moveTo(row: number, col: number): void {
    this.pendingWrap = false;
    this.row = Math.max(0, Math.min(this.rows - 1, row));
    this.col = Math.max(0, Math.min(this.cols - 1, col));
  }

  private erase(row: number, from: number, to: number): void {
    const line = this.grid()[row]!;
    for (let col = from; col < to; col++) line[col] = " ";
  }

  private sequence(text: string, params: string | undefined, final: string | undefined): void {
    if (final === undefined) {
      const kind = text[1]!;
      if (kind === "7") this.saved = { row: this.row, col: this.col };
      else if (kind === "8") this.moveTo(this.saved.row, this.saved.col);
      else if (kind === "M") this.reverseIndex();
      else if (!"]P()*+=>".includes(kind)) {
        this.failure = `an escape sequence it does not implement: ${JSON.stringify(text)}`;
      }
      // Otherwise OSC (window title), DCS, character sets or keypad modes: nothing on the screen.
      return;
    }
    const raw = params ?? "";
    if (raw.startsWith("?") && (final === "h" || final === "l")) {
      for (const mode of raw.slice(1).split(";")) this.privateMode(mode, final === "h");
      return;
    }
    if (/[?<>=!]/.test(raw)) {
      this.failure = `an escape sequence it does not implement: ${JSON.stringify(text)}`;
      return;
    }
    const numbers = raw === "" ? [] : raw.split(";").map((n) => (n === "" ? 0 : Number(n)));
    const n = Math.max(1, numbers[0] ?? 1);
    switch (final) {
      case "A":
        this.moveTo(this.row - n, this.col);
        break;
      case "B":
        this.moveTo(this.row + n, this.col);
        break;
      case "C":
        this.moveTo(this.row, this.col + n);
        break;
      case "D":
        this.moveTo(this.row, this.col - n);
        break;
      case "E":
        this.moveTo(this.row + n, 0);
        break;
      case "F":
        this.moveTo(this.row - n, 0);
        break;
      case "G":
        this.moveTo(this.row, n - 1);
        break;
      case "d":
        this.moveTo(n - 1, this.col);
        break;
      case "H":
      case "f":
        this.moveTo(n - 1, Math.max(1, numbers[1] ?? 1) - 1);
        break;
      case "J":
        this.eraseDisplay(numbers[0] ?? 0);
        break;
      case "K":
        this.eraseLine(numbers[0] ?? 0);
        break;
      case "m":
        break; // colours and styles: the screen text is what tests read
      default:
        this.failure = `an escape sequence it does not implement: ${JSON.stringify(text)}`;
    }
  }

  /** ESC M: up one line, scrolling the screen down at the top. */
  private reverseIndex(): void {
    if (this.row > 0) {
      this.moveTo(this.row - 1, this.col);
      return;
    }
    const grid = this.grid();
    grid.pop();
    grid.unshift(this.blankRow());
  }

  private eraseLine(how: number): void {
    if (how === 0) this.erase(this.row, this.col, this.cols);
    else if (how === 1) this.erase(this.row, 0, this.col + 1);
    else this.erase(this.row, 0, this.cols);
  }

  private eraseDisplay(how: number): void {
    if (how === 0) {
      this.eraseLine(0);
      for (let row = this.row + 1; row < this.rows; row++) this.erase(row, 0, this.cols);
    } else if (how === 1) {
      this.eraseLine(1);
      for (let row = 0; row < this.row; row++) this.erase(row, 0, this.cols);
    } else {
      // 2: the whole screen; 3: the scrollback as well, which this emulator does not keep.
      for (let row = 0; row < this.rows; row++) this.erase(row, 0, this.cols);
    }
  }

  private privateMode(mode: string, on: boolean): void {
    if (IGNORED_PRIVATE_MODES.has(mode)) return;
    if (mode !== "1049") {
      this.failure = `a private mode it does not implement: ?${mode}${on ? "h" : "l"}`;
      return;
    }
    // The alternate screen, saving and restoring the cursor, as xterm does.
    if (on && this.alternate === null) {
      this.saved = { row: this.row, col: this.col };
      this.alternate = this.blankGrid();
      this.moveTo(this.row, this.col);
    } else if (!on && this.alternate !== null) {
      this.alternate = null;
      this.moveTo(this.saved.row, this.saved.col);
    }
  }
}
