// Test helper: a strict reader for the YAML subset GitHub workflow and action
// files use here (block mappings and sequences, plain and quoted scalars,
// `|` and `>` block scalars, comments). No YAML package is installed; this
// throws on anything outside the subset (tabs, flow collections, anchors,
// bad indentation, duplicate keys), so a file it reads is structurally valid.

export type Yaml = string | Yaml[] | { [key: string]: Yaml };

interface Line {
  indent: number;
  text: string;
  no: number;
}

function stripComment(text: string): string {
  let quote: string | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") {
      if (i === 0 || /[\s:[{,-]/.test(text[i - 1]!)) quote = ch;
    } else if (ch === "#" && (i === 0 || /\s/.test(text[i - 1]!))) {
      return text.slice(0, i).trimEnd();
    }
  }
  return text.trimEnd();
}

function scalar(raw: string, no: number): string {
  const t = raw.trim();
  if (t.startsWith('"')) {
    if (!t.endsWith('"') || t.length < 2) throw new Error(`line ${no}: unterminated string`);
    return JSON.parse(t) as string;
  }
  if (t.startsWith("'")) {
    if (!t.endsWith("'") || t.length < 2) throw new Error(`line ${no}: unterminated string`);
    return t.slice(1, -1).replace(/''/g, "'");
  }
  if (/^[[{&*!%@`]/.test(t)) throw new Error(`line ${no}: unsupported YAML: ${t}`);
  return t;
}

export function parseYaml(source: string): Yaml {
  const raw = source.split("\n");
  const lines: Line[] = [];
  for (const [i, l] of raw.entries()) {
    if (/^\s*\t/.test(l)) throw new Error(`line ${i + 1}: a tab in the indentation`);
    lines.push({ indent: l.length - l.trimStart().length, text: l, no: i + 1 });
  }
  let pos = 0;
  const skipBlank = () => {
    while (pos < lines.length && stripComment(lines[pos]!.text).trim() === "") pos++;
  };

  /** A `|` or `>` block scalar: the lines indented deeper than `parent`. */
  const blockScalar = (parent: number, folded: boolean, strip: boolean): string => {
    const body: string[] = [];
    let indent = -1;
    while (pos < lines.length) {
      const l = lines[pos]!;
      if (l.text.trim() === "") {
        body.push("");
        pos++;
        continue;
      }
      if (l.indent <= parent) break;
      if (indent < 0) indent = l.indent;
      if (l.indent < indent) throw new Error(`line ${l.no}: block scalar indentation`);
      body.push(l.text.slice(indent));
      pos++;
    }
    while (body.length > 0 && body[body.length - 1] === "") body.pop();
    const text = folded ? body.join(" ") : body.join("\n");
    return strip ? text : `${text}\n`;
  };

  /** The value after `key:` or `- `: inline, a block scalar, or a nested block. */
  const valueAfter = (rest: string, parent: number, no: number): Yaml => {
    const r = stripComment(rest).trim();
    if (r === "|" || r === "|-" || r === ">" || r === ">-")
      return blockScalar(parent, r.startsWith(">"), r.endsWith("-"));
    if (r !== "") return scalar(r, no);
    skipBlank();
    const next = lines[pos];
    if (!next || next.indent < parent || (next.indent === parent && !next.text.trimStart().startsWith("- ")))
      return "";
    return block(next.indent);
  };

  const block = (indent: number): Yaml => {
    skipBlank();
    const first = lines[pos]!;
    if (first.indent !== indent) throw new Error(`line ${first.no}: bad indentation`);
    if (stripComment(first.text).trim().startsWith("- ") || stripComment(first.text).trim() === "-") {
      const items: Yaml[] = [];
      while (pos < lines.length) {
        skipBlank();
        const l = lines[pos];
        if (!l || l.indent < indent) break;
        const t = stripComment(l.text).trim();
        if (l.indent !== indent || !(t.startsWith("- ") || t === "-")) {
          if (l.indent > indent) throw new Error(`line ${l.no}: bad indentation`);
          break;
        }
        const item = t.slice(1).trimStart();
        const inner = l.indent + (l.text.trimStart().length - l.text.trimStart().slice(1).trimStart().length);
        if (/^[^\s"']+:(\s|$)/.test(item) || /^["'][^"']*["']:(\s|$)/.test(item)) {
          // `- key: value` starts a mapping indented at the key's column.
          lines[pos] = { indent: inner, text: " ".repeat(inner) + item, no: l.no };
          items.push(block(inner));
        } else {
          pos++;
          items.push(valueAfter(item, indent, l.no));
        }
      }
      return items;
    }
    const map: { [key: string]: Yaml } = {};
    while (pos < lines.length) {
      skipBlank();
      const l = lines[pos];
      if (!l || l.indent < indent) break;
      if (l.indent > indent) throw new Error(`line ${l.no}: bad indentation`);
      const t = stripComment(l.text).trim();
      if (t.startsWith("- ")) break;
      const m = /^("[^"]*"|'[^']*'|[^\s"':][^:]*?):(\s+(.*))?$/.exec(t);
      if (!m) throw new Error(`line ${l.no}: expected 'key: value', got: ${t}`);
      const key = scalar(m[1]!, l.no);
      if (key in map) throw new Error(`line ${l.no}: duplicate key '${key}'`);
      pos++;
      map[key] = valueAfter(m[3] ?? "", indent, l.no);
    }
    return map;
  };

  skipBlank();
  if (pos >= lines.length) return {};
  const doc = block(lines[pos]!.indent);
  skipBlank();
  if (pos < lines.length) throw new Error(`line ${lines[pos]!.no}: unexpected content`);
  return doc;
}
