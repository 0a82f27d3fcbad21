#!/usr/bin/env node
// The Faultline GitHub Action's step (action.yml): runs `faultline check` in
// the working directory with the inputs from INPUT_* variables, writes the
// reports to the out-dir and the traces to out-dir/traces, sets the step's
// outputs and exits with faultline's exit code. The job summary and the
// annotations come from the github reporter ($GITHUB_STEP_SUMMARY); the
// pretty report, counterexamples included, goes to the log.
//
// Which faultline: the project's node_modules/.bin/faultline when it has one,
// otherwise the one in the action's own checkout ($GITHUB_ACTION_PATH), built
// there with `npm ci` the first time.
import { spawnSync } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, renameSync } from "node:fs";
import { join, resolve } from "node:path";

/** An input as action.yml passes it (INPUT_OUT_DIR for out-dir), trimmed; the default when empty. */
function input(name, fallback) {
  const value = (process.env[`INPUT_${name.toUpperCase().replace(/-/g, "_")}`] ?? "").trim();
  return value === "" ? fallback : value;
}

/**
 * Words as a POSIX shell splits them: whitespace separates, quotes group,
 * backslash escapes. Hand-written because this script runs before anything is
 * installed (it may be what runs `npm ci`), so it can use only Node itself.
 */
function splitWords(text) {
  const words = [];
  let word = null;
  let quote = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote === "'") {
      if (ch === "'") quote = null;
      else word += ch;
    } else if (quote === '"') {
      if (ch === '"') quote = null;
      else if (ch === "\\" && i + 1 < text.length && '"\\$`'.includes(text[i + 1])) word += text[++i];
      else word += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      word ??= "";
    } else if (ch === "\\" && i + 1 < text.length) {
      word = (word ?? "") + text[++i];
    } else if (/\s/.test(ch)) {
      if (word !== null) words.push(word);
      word = null;
    } else word = (word ?? "") + ch;
  }
  if (quote !== null) throw new Error(`unterminated ${quote} quote in: ${text}`);
  if (word !== null) words.push(word);
  return words;
}

function setOutput(name, value) {
  const file = process.env.GITHUB_OUTPUT;
  if (file) appendFileSync(file, `${name}=${value}\n`);
}

/** An error annotation on the step (its message escaped as workflow commands require). */
function annotateError(message) {
  process.stdout.write(
    `::error title=Faultline action::${message.replace(/%/g, "%25").replace(/\n/g, "%0A")}\n`,
  );
}

function fail(message) {
  annotateError(message);
  setOutput("exit-code", "70");
  process.exit(70);
}

/** The command that runs faultline: [executable, ...leading arguments]. */
function findFaultline() {
  const local = resolve("node_modules", ".bin", process.platform === "win32" ? "faultline.cmd" : "faultline");
  if (existsSync(local)) {
    process.stdout.write(`Using the project's faultline: ${local}\n`);
    return [local];
  }
  const actionPath = process.env.GITHUB_ACTION_PATH;
  if (!actionPath) fail("no node_modules/.bin/faultline here and GITHUB_ACTION_PATH is not set");
  const bin = join(actionPath, "packages", "cli", "bin", "faultline.js");
  const runs = () => spawnSync(process.execPath, [bin, "--version"], { encoding: "utf8" }).status === 0;
  if (!runs()) {
    process.stdout.write(`::group::Building faultline in ${actionPath} (npm ci)\n`);
    const built = spawnSync("npm", ["ci", "--no-audit", "--no-fund"], {
      cwd: actionPath,
      stdio: "inherit",
      shell: process.platform === "win32",
    });
    process.stdout.write("::endgroup::\n");
    if (built.status !== 0 || !runs()) fail(`could not build faultline in ${actionPath} (npm ci failed)`);
  }
  process.stdout.write(`Using the action's faultline: ${bin}\n`);
  return [process.execPath, bin];
}

function main() {
  let files;
  let args;
  try {
    files = splitWords(input("files", "."));
    args = splitWords(input("args", ""));
  } catch (e) {
    fail(e.message);
  }
  const reporters = input("reporters", "github,sarif,junit")
    .split(/[\s,]+/)
    .filter((r) => r !== "");
  const outDir = input("out-dir", "faultline-results");
  const traces = join(outDir, "traces");
  mkdirSync(traces, { recursive: true });

  const [command, ...lead] = findFaultline();
  const argv = [
    ...lead,
    "check",
    ...files,
    // The pretty report prints each counterexample in the log.
    ...(reporters.includes("pretty") ? [] : ["--reporter", "pretty"]),
    ...reporters.flatMap((r) => ["--reporter", r]),
    "--out",
    traces,
    ...args,
  ];
  process.stdout.write(`faultline ${argv.slice(lead.length).join(" ")}\n`);
  const run = spawnSync(command, argv, { stdio: "inherit" });
  const code = run.status ?? 70;
  if (run.error) annotateError(run.error.message);

  // `--out` put the reports beside the traces; they belong in the out-dir itself.
  const reports = {};
  for (const [name, file] of [
    ["sarif", "faultline.sarif"],
    ["junit", "junit.xml"],
    ["json", "faultline.json"],
  ]) {
    if (!existsSync(join(traces, file))) continue;
    renameSync(join(traces, file), join(outDir, file));
    reports[name] = join(outDir, file);
  }
  setOutput("sarif", reports.sarif ?? "");
  setOutput("junit", reports.junit ?? "");
  setOutput("traces", traces);
  setOutput("exit-code", String(code));
  process.exit(code);
}

main();
