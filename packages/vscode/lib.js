// The parts of the extension that do not need VS Code (tested by
// test/lib.test.ts): which `faultline` to start, the test at the cursor, and
// the command lines the extension's commands run.
"use strict";
const { existsSync } = require("node:fs");
const { dirname, join } = require("node:path");

/**
 * The command that starts the language server: the `faultline.path` setting
 * when set; else the project's own `node_modules/.bin/faultline`, found from
 * the folder of the open file upwards; else `faultline` on the PATH.
 * @param {{ configured?: string, from?: string, platform?: string, exists?: (p: string) => boolean }} options
 * @returns {{ command: string, args: string[] }}
 */
function serverCommand(options) {
  const exists = options.exists ?? existsSync;
  const bin = options.platform === "win32" ? "faultline.cmd" : "faultline";
  if (options.configured) return { command: options.configured, args: ["lsp", "--stdio"] };
  for (let dir = options.from; dir; ) {
    const candidate = join(dir, "node_modules", ".bin", bin);
    if (exists(candidate)) return { command: candidate, args: ["lsp", "--stdio"] };
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return { command: bin, args: ["lsp", "--stdio"] };
}

const TEST = /^[ \t]*test\s+(?:param\s*\((?:[^()]|\([^()]*\))*\)\s*)?([A-Za-z_][A-Za-z0-9_]*)/gm;

/**
 * The name of the test declared at or above the cursor's line (the nearest
 * one before it), or the first test when the cursor is above every test;
 * null when the file declares none.
 * @param {string} text
 * @param {number} offset
 * @returns {string | null}
 */
function testAt(text, offset) {
  const lineEnd = text.indexOf("\n", offset);
  const limit = lineEnd < 0 ? text.length : lineEnd;
  let found = null;
  let first = null;
  for (const m of text.matchAll(TEST)) {
    if (first === null) first = m[1];
    if (m.index <= limit) found = m[1];
  }
  return found ?? first;
}

/** Quotes a path or name for a POSIX shell or PowerShell. @param {string} s */
function quote(s) {
  return /^[A-Za-z0-9_./:=\\-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`;
}

/**
 * The terminal command lines of the extension's commands.
 * @param {string} faultline
 */
function commandLines(faultline) {
  const f = quote(faultline);
  return {
    checkFile: (/** @type {string} */ file) => `${f} check ${quote(file)}`,
    checkTest: (/** @type {string} */ file, /** @type {string} */ test) =>
      `${f} check ${quote(file)} --test ${quote(test)} --out traces`,
    explore: (/** @type {string} */ trace) => `${f} explore ${quote(trace)}`,
  };
}

module.exports = { serverCommand, testAt, commandLines };
