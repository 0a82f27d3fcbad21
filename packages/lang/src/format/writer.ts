// The output side of the formatter: lines with indentation, at most one blank
// line in a row, none right after an opening brace or at the start.

export class LineWriter {
  private readonly lines: string[] = [];
  private cur = "";
  private curIndent = 0;
  private nextIndent = 0;
  private noBlank = true;

  /** The indentation of the current line (of the next one when nothing is written yet). */
  get indent(): number {
    return this.cur === "" ? this.nextIndent : this.curIndent;
  }

  get atLineStart(): boolean {
    return this.cur === "";
  }

  /** A line comment ends the line: what follows it goes on the next one. */
  afterLineComment = false;

  write(s: string): void {
    if (s === "") return;
    if (this.afterLineComment) this.break(this.curIndent);
    if (this.cur === "") this.curIndent = this.nextIndent;
    this.cur += s;
    this.noBlank = false;
  }

  /** A comment: `//` ones end their line. */
  comment(text: string, block: boolean): void {
    this.write(text);
    this.afterLineComment = !block;
  }

  /** One space, unless at the start of a line or after one. */
  space(): void {
    if (this.cur !== "" && !this.cur.endsWith(" ") && !this.afterLineComment) this.cur += " ";
  }

  /** Ends the current line (an empty one is not written); the next starts at `indent`. */
  break(indent: number): void {
    this.afterLineComment = false;
    if (this.cur !== "") {
      this.lines.push(" ".repeat(this.curIndent) + this.cur.replace(/[ \t]+$/, ""));
      this.cur = "";
    }
    this.nextIndent = indent;
  }

  /** A blank line, unless one was just written, or at the start of the file or of a block. */
  blank(): void {
    if (this.noBlank || this.cur !== "" || this.lines.length === 0 || this.lines.at(-1) === "") return;
    this.lines.push("");
  }

  /** After an opening brace's line: no blank line until something is written. */
  openBlock(): void {
    this.noBlank = true;
  }

  finish(): string {
    this.break(0);
    while (this.lines.length > 0 && this.lines.at(-1) === "") this.lines.pop();
    return this.lines.length === 0 ? "" : `${this.lines.join("\n")}\n`;
  }
}
