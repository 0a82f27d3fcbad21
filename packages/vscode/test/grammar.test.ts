// The extension's TextMate grammar (syntaxes/faultline.tmLanguage.json),
// tokenised with vscode-textmate and vscode-oniguruma (what VS Code itself
// uses) on every example and model, and checked against the real lexer:
// every reserved keyword is scoped as a keyword, every number as a number,
// every string as a string, every comment as a comment, and no plain name
// (not a keyword, soft or hard) as a keyword.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { RESERVED_KEYWORDS, SOFT_KEYWORDS, tokenize } from "@faultline/lang";
import { beforeAll, describe, expect, it } from "vitest";
import * as oniguruma from "vscode-oniguruma";
import { type IGrammar, INITIAL, Registry } from "vscode-textmate";

const require = createRequire(import.meta.url);
const repo = join(import.meta.dirname, "../../..");
const grammarPath = join(import.meta.dirname, "../syntaxes/faultline.tmLanguage.json");

function flFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const p = join(dir, name);
      return statSync(p).isDirectory() ? flFiles(p) : name.endsWith(".fl") ? [p] : [];
    });
}

const files = [...flFiles(join(repo, "examples")), ...flFiles(join(repo, "models"))];

let grammar: IGrammar;

beforeAll(async () => {
  const wasm = readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources) => new oniguruma.OnigScanner(sources),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope) =>
      scope === "source.faultline" ? JSON.parse(readFileSync(grammarPath, "utf8")) : null,
  });
  const g = await registry.loadGrammar("source.faultline");
  if (!g) throw new Error("the grammar did not load");
  grammar = g;
});

/** The scopes of every character of `text`, by offset. */
function scopesOf(text: string): string[][] {
  const out: string[][] = new Array(text.length);
  let state = INITIAL;
  let offset = 0;
  for (const line of text.split("\n")) {
    const r = grammar.tokenizeLine(line, state);
    for (const t of r.tokens) {
      for (let i = t.startIndex; i < Math.min(t.endIndex, line.length); i++) out[offset + i] = t.scopes;
    }
    state = r.ruleStack;
    offset += line.length + 1;
  }
  return out;
}

const has = (scopes: string[] | undefined, pattern: RegExp) => (scopes ?? []).some((s) => pattern.test(s));
const KEYWORDISH = /^(keyword|storage|constant\.language|support\.type|variable\.language)\./;

describe("the TextMate grammar on every example and model", () => {
  it.each(files.map((f) => [f.slice(repo.length + 1), f]))("%s", (_, file) => {
    const text = readFileSync(file, "utf8");
    const scopes = scopesOf(text);
    const problems: string[] = [];
    const where = (offset: number) =>
      `${text.slice(0, offset).split("\n").length}:${text.slice(offset, offset + 12)}`;
    // Comments (outside strings: the lexer skipped them, so they lie between tokens).
    const tokens = tokenize({ path: file, text }).tokens;
    let prevEnd = 0;
    for (const t of tokens) {
      const gap = text.slice(prevEnd, t.startOffset);
      for (const m of gap.matchAll(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g)) {
        const at = prevEnd + m.index;
        const want = m[0].startsWith("//") ? /^comment\.line\./ : /^comment\.block\./;
        if (!has(scopes[at], want) || !has(scopes[at + m[0].length - 1], want)) {
          problems.push(`comment not scoped as one at ${where(at)}`);
        }
      }
      prevEnd = t.startOffset + t.image.length;
      const s = scopes[t.startOffset];
      const image = t.image;
      if (RESERVED_KEYWORDS.includes(image)) {
        if (!has(s, KEYWORDISH))
          problems.push(`keyword '${image}' scoped ${s?.join(" ")} at ${where(t.startOffset)}`);
      } else if (/^[0-9]+$/.test(image)) {
        if (!has(s, /^constant\.numeric\./)) problems.push(`number at ${where(t.startOffset)}`);
      } else if (image.startsWith('"')) {
        if (!has(s, /^string\.quoted\.double\./) || !has(scopes[prevEnd - 1], /^string\.quoted\.double\./)) {
          problems.push(`string at ${where(t.startOffset)}`);
        }
      } else if (/^[A-Za-z_]/.test(image) && !SOFT_KEYWORDS.includes(image)) {
        if (has(s, /^(keyword|storage)\./))
          problems.push(`name '${image}' scoped as a keyword at ${where(t.startOffset)}`);
      }
    }
    expect(problems).toEqual([]);
  });
});

/** For `text`: the innermost scope at the `nth` occurrence of `needle`. */
function innermostScopes(text: string): (needle: string, nth?: number) => string | undefined {
  const s = scopesOf(text);
  return (needle, nth = 0) => {
    let i = -1;
    for (let k = 0; k <= nth; k++) i = text.indexOf(needle, i + 1);
    return s[i]!.at(-1);
  };
}

describe("scopes of a few constructs", () => {
  it("declarations, handlers, test headers and fault blocks", () => {
    const text = [
      "machine Client { start state Idle { on Ping goto Busy; } }",
      "test T [main = Client]: assert P with faults { drop Ping at most 1; crash Client at most 1 then restart; };",
      'fun f(x: int): string { start timer Retry; return "a\\"b"; }',
      "reachable Committed: forall c: Client :: c in Idle;",
      "test param (n in [1, 2], f in [0, 1]) (2 wise) assume (f < n) G [main = Client];",
    ].join("\n");
    const at = innermostScopes(text);
    expect(at("Client")).toBe("entity.name.type.faultline");
    expect(at("Idle")).toBe("entity.name.section.state.faultline");
    expect(at("main")).toBe("keyword.other.test.faultline");
    expect(at("drop")).toBe("keyword.other.fault.faultline");
    expect(at("most")).toBe("keyword.other.fault.faultline");
    expect(at("restart")).toBe("keyword.other.fault.faultline");
    expect(at("f(")).toBe("entity.name.function.faultline");
    expect(at("timer")).toBe("keyword.other.timer.faultline");
    expect(at('\\"')).toBe("constant.character.escape.faultline");
    expect(at("reachable")).toBe("storage.type.faultline");
    expect(at("Committed")).toBe("entity.name.type.faultline");
    expect(at("wise")).toBe("keyword.other.test.faultline");
    expect(at("assume")).toBe("keyword.other.test.faultline");
  });

  it("casts and the event and any types", () => {
    const text = "fun f(e: event, a: any, as: int): int { return (a as int) + as; }";
    const at = innermostScopes(text);
    expect(at("event", 0)).toMatch(/^(storage|support)\./);
    expect(at("any")).toBe("support.type.primitive.faultline");
    expect(at("as int")).toBe("keyword.operator.cast.faultline");
    expect(at("as: int")).toBe("variable.other.faultline");
    expect(at("as;")).toBe("variable.other.faultline");
    expect(innermostScopes("fun g(e: event): bool { return e == null; }")("null")).toBe(
      "constant.language.null.faultline",
    );
  });

  it("modules, union and machine substitution", () => {
    const text = [
      "module Servers = { Server, Backup };",
      "test T [main = Driver] in (union Servers, { Driver }) with { AbstractServer -> Server };",
      "machine union { var module: int; start state S { entry { module = 1; } } }",
    ].join("\n");
    const at = innermostScopes(text);
    expect(at("module")).toBe("storage.type.faultline");
    expect(at("Servers")).toBe("entity.name.type.faultline");
    expect(at("union")).toBe("keyword.other.faultline");
    expect(at("->")).toBe("keyword.operator.faultline");
    expect(at("union", 1)).not.toBe("keyword.other.faultline");
    expect(at("module", 1)).not.toBe("storage.type.faultline");
    expect(at("module", 2)).not.toBe("storage.type.faultline");
  });

  it("fault events a spec observes: crash(Node), and bare names in observes and handler lists", () => {
    const text = [
      "spec S observes crash(Node), partition, heal {",
      "  start state W { on crash(Node) do (n) { } on partition do { } ignore heal; }",
      "}",
    ].join("\n");
    const at = innermostScopes(text);
    expect(at("crash")).toBe("keyword.other.fault.faultline");
    expect(at("Node")).toBe("entity.name.type.faultline");
    expect(at("crash", 1)).toBe("keyword.other.fault.faultline");
    expect(at("partition")).toBe("keyword.other.fault.faultline");
    expect(at("partition", 1)).toBe("keyword.other.fault.faultline");
    expect(at("heal")).toBe("keyword.other.fault.faultline");
    expect(at("heal", 1)).toBe("keyword.other.fault.faultline");
  });
});
