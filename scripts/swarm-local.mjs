#!/usr/bin/env node
// Runs the steps of the swarm workflow (examples/ci/swarm.yml) on this
// machine, as GitHub Actions would: the `run` step of the shard job once per
// matrix value, one after another, then the merge job's `run` step. The
// checkout, setup-node, npm ci and artifact upload/download steps are not
// needed here (every step shares one working folder, so the shards' swarm/
// folder is what the merge reads). `npx faultline` runs this repository's
// built command (npm run build first).
//
//   node scripts/swarm-local.mjs [--shards N] [--env NAME=VALUE]... [--workdir DIR] [--workflow FILE]
//
// --shards N replaces the matrix (and SHARDS) for a quick run; --env overrides
// the workflow's env (e.g. --env MODELS=/abs/path/models --env RUNS=200).
// Relative MODELS are taken from this repository's root. Exits with the merge
// step's status (0: no counterexample, 1-3: one found, 5: shards missing).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { readFileSync } from "node:fs";
import { parse } from "yaml";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const BIN = join(ROOT, "packages/cli/bin/faultline.js");

function usage(message) {
  process.stderr.write(`swarm-local: ${message}\n`);
  process.exit(64);
}

const args = process.argv.slice(2);
let shards;
let workdir;
let workflowPath = join(ROOT, "examples/ci/swarm.yml");
const overrides = {};
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  const value = args[i + 1];
  if (arg === "--shards") {
    shards = Number(value);
    if (!Number.isInteger(shards) || shards < 1) usage(`--shards needs a whole number >= 1, got '${value}'`);
    i++;
  } else if (arg === "--env") {
    const eq = value?.indexOf("=") ?? -1;
    if (eq <= 0) usage(`--env needs NAME=VALUE, got '${value}'`);
    overrides[value.slice(0, eq)] = value.slice(eq + 1);
    i++;
  } else if (arg === "--workdir") {
    if (value === undefined) usage("--workdir needs a folder");
    workdir = resolve(value);
    i++;
  } else if (arg === "--workflow") {
    if (value === undefined) usage("--workflow needs a file");
    workflowPath = resolve(value);
    i++;
  } else usage(`unknown option '${arg}'`);
}

const workflow = parse(readFileSync(workflowPath, "utf8"));
/** The one `run` step of a job that runs faultline. */
function runStep(job) {
  const steps = workflow.jobs?.[job]?.steps ?? [];
  const found = steps.filter((s) => typeof s.run === "string" && s.run.includes("faultline"));
  if (found.length !== 1) usage(`${workflowPath}: job '${job}' needs exactly one run step that runs faultline`);
  return found[0];
}
const shardStep = runStep("shard");
const mergeStep = runStep("merge");
const matrix = shards === undefined ? workflow.jobs.shard.strategy.matrix.shard : Array.from({ length: shards }, (_, i) => i + 1);

const env = { ...process.env };
for (const [name, value] of Object.entries(workflow.env ?? {})) env[name] = String(value);
if (shards !== undefined) env.SHARDS = String(shards);
Object.assign(env, overrides);
if (env.MODELS !== undefined && !isAbsolute(env.MODELS)) env.MODELS = join(ROOT, env.MODELS);

/** A step's command with the expressions GitHub would expand, and `npx faultline` as this repository's command. */
function command(step, values) {
  return step.run
    .replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expr) => {
      if (expr in values) return String(values[expr]);
      if (expr === "github.run_number") return "1";
      if (expr.startsWith("env.")) return env[expr.slice(4)] ?? "";
      usage(`cannot expand \${{ ${expr} }} in: ${step.run}`);
    })
    .replace(/\bnpx faultline\b/g, `node ${JSON.stringify(BIN)}`);
}

// Expressions in the workflow's env (the seed's github.run_number) are expanded too.
for (const [name, value] of Object.entries(env)) {
  if (typeof value === "string" && value.includes("${{")) env[name] = command({ run: value }, {});
}

const cwd = workdir ?? mkdtempSync(join(tmpdir(), "faultline-swarm-local-"));
mkdirSync(cwd, { recursive: true });
process.stdout.write(`swarm-local: ${matrix.length} shards in ${cwd}\n`);
function run(name, text) {
  process.stdout.write(`\n== ${name}\n$ ${text}\n`);
  const result = spawnSync("bash", ["-e", "-c", text], { cwd, env, stdio: "inherit" });
  return result.status ?? 70;
}
for (const shard of matrix) {
  const status = run(`shard ${shard}/${matrix.length}: ${shardStep.name}`, command(shardStep, { "matrix.shard": shard }));
  if (status !== 0) process.stdout.write(`swarm-local: shard ${shard} failed with status ${status} (the merge reports it missing)\n`);
}
const status = run(`merge: ${mergeStep.name}`, command(mergeStep, {}));
process.stdout.write(`\nswarm-local: merge exited ${status}; reports in ${join(cwd, "swarm-report")}\n`);
process.exit(status);
