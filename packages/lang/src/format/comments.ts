// The comments of a `.fl` text, which the lexer skips: the formatter puts them
// back by position. Scanned directly (strings are skipped so that `"//"` is not
// a comment); only used on text that lexed without errors.

export interface Comment {
  /** Offset of the first character (`/`). */
  start: number;
  /** Exclusive end offset (a line comment ends before its line break). */
  end: number;
  text: string;
  block: boolean;
}

export function scanComments(text: string): Comment[] {
  const out: Comment[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      i++;
      while (i < text.length) {
        const d = text.charCodeAt(i);
        if (d === 92 /* \ */ && i + 1 < text.length && text.charCodeAt(i + 1) !== 10) i += 2;
        else if (d === 34 || d === 10) {
          i++;
          break;
        } else i++;
      }
    } else if (c === 47 /* / */ && text.charCodeAt(i + 1) === 47) {
      let end = text.indexOf("\n", i);
      if (end < 0) end = text.length;
      const raw = text.slice(i, end).replace(/\s+$/, "");
      out.push({ start: i, end: i + raw.length, text: raw, block: false });
      i = end;
    } else if (c === 47 && text.charCodeAt(i + 1) === 42 /* * */) {
      let end = text.indexOf("*/", i + 2);
      end = end < 0 ? text.length : end + 2;
      out.push({ start: i, end, text: text.slice(i, end), block: true });
      i = end;
    } else {
      i++;
    }
  }
  return out;
}
