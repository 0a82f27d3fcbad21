// The GitHub Action (action.yml + action/run.mjs): the metadata parses and
// declares every input the script reads and every output it sets; the script,
// run as the runner runs it, checks a buggy model with the action's own
// faultline and leaves the SARIF file, the traces, the job summary, the step
// outputs and the counterexample in the log, exiting with faultline's code.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { BIN } from "./bin-path.js";
import { parse as parseYaml } from "yaml";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const SCRIPT = join(ROOT, "action", "run.mjs");
const BUGGY = join(ROOT, "models", "idempotency-tokens", "idempotency-tokens-buggy.fl");

type Action = {
  inputs: Record<string, { default?: string; description: string }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: { id?: string; env?: Record<string, string>; run?: string }[] };
};

/** The action's faultline must be built already: the script would otherwise run `npm ci` in the repository. */
function requireBuilt(): void {
  const built = spawnSync(process.execPath, [BIN, "--version"], { encoding: "utf8" });
  if (built.status !== 0) throw new Error(`build faultline first (npm run build): ${built.stderr}`);
}

describe("the GitHub Action", () => {
  const action = parseYaml(readFileSync(join(ROOT, "action.yml"), "utf8")) as unknown as Action;
  const script = readFileSync(SCRIPT, "utf8");

  it("declares every input the script reads and every output it sets", () => {
    expect(action.runs.using).toBe("composite");
    const step = action.runs.steps.find((s) => s.run?.includes("action/run.mjs"))!;
    expect(step.id).toBe("check");
    const read = [...script.matchAll(/input\("([a-z-]+)"/g)].map((m) => m[1]!);
    expect(read.sort()).toEqual(["args", "files", "out-dir", "reporters"]);
    for (const name of read) {
      expect(action.inputs).toHaveProperty(name);
      const variable = `INPUT_${name.toUpperCase().replace(/-/g, "_")}`;
      expect(step.env?.[variable]).toBe(`\${{ inputs.${name} }}`);
      // The script's fallback is the declared default.
      const fallback = new RegExp(`input\\("${name}", "([^"]*)"\\)`).exec(script)?.[1];
      expect(fallback).toBe(action.inputs[name]!.default);
    }
    const set = [...script.matchAll(/setOutput\("([a-z-]+)"/g)].map((m) => m[1]!);
    expect([...new Set(set)].sort()).toEqual(Object.keys(action.outputs).sort());
    for (const [name, output] of Object.entries(action.outputs)) {
      expect(output.value).toBe(`\${{ steps.check.outputs.${name} }}`);
    }
    // Every declared input is used: by the script, or by action.yml itself.
    for (const name of Object.keys(action.inputs)) {
      expect(
        read.includes(name) || readFileSync(join(ROOT, "action.yml"), "utf8").includes(`inputs.${name}`),
      ).toBe(true);
    }
  });

  it("checks a buggy model: SARIF, traces, summary, outputs, the counterexample in the log, exit 1", () => {
    requireBuilt();
    const project = mkdtempSync(join(tmpdir(), "faultline-action-"));
    mkdirSync(join(project, "models"));
    copyFileSync(BUGGY, join(project, "models", "payments-buggy.fl"));
    const summary = join(project, "summary.md");
    const outputs = join(project, "outputs.txt");
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "",
      CI: "true",
      GITHUB_ACTIONS: "true",
      GITHUB_ACTION_PATH: ROOT,
      GITHUB_STEP_SUMMARY: summary,
      GITHUB_OUTPUT: outputs,
      INPUT_FILES: "models",
      INPUT_REPORTERS: "github,sarif,junit",
      INPUT_ARGS: '--test "DuplicatedRequest" --workers 1',
      INPUT_OUT_DIR: "results",
    };
    const run = spawnSync(process.execPath, [SCRIPT], { cwd: project, env, encoding: "utf8" });
    const log = run.stdout + run.stderr;
    expect(run.status, log).toBe(1);

    // The project has no node_modules: the action's own faultline ran.
    expect(log).toContain(`Using the action's faultline: ${BIN}`);
    // The counterexample, step by step, and the annotation.
    expect(log).toContain("✗ DuplicatedRequest(clients=1,payments=2): invariant NoDoubleCharge");
    expect(log).toMatch(/2\. duplicate Charge\(client = Client\(0\), payment = 1\)/);
    expect(log).toContain("=> invariant NoDoubleCharge");
    expect(log).toContain("::error file=models/payments-buggy.fl,line=");

    const sarif = JSON.parse(readFileSync(join(project, "results", "faultline.sarif"), "utf8"));
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs[0].results[0].ruleId).toBe("FL-INVARIANT/NoDoubleCharge");
    expect(readFileSync(join(project, "results", "junit.xml"), "utf8")).toContain("<testsuites>");
    const traces = readdirSync(join(project, "results", "traces"));
    expect(traces).toContain("payments-buggy.DuplicatedRequest_clients=1_payments=2_.itf.json");
    expect(existsSync(join(project, "results", "traces", "faultline.sarif"))).toBe(false);

    const md = readFileSync(summary, "utf8");
    expect(md).toContain("Faultline: 0 passed, 2 failed");
    expect(md).toContain("DuplicatedRequest(clients=1,payments=2)");

    const out = Object.fromEntries(
      readFileSync(outputs, "utf8")
        .trim()
        .split("\n")
        .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
    );
    expect(out).toEqual({
      sarif: join("results", "faultline.sarif"),
      junit: join("results", "junit.xml"),
      traces: join("results", "traces"),
      "exit-code": "1",
    });
  });

  it("fails with a usage error's code on bad arguments, and still sets its outputs", () => {
    const project = mkdtempSync(join(tmpdir(), "faultline-action-"));
    const outputs = join(project, "outputs.txt");
    requireBuilt();
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "",
      GITHUB_ACTION_PATH: ROOT,
      GITHUB_OUTPUT: outputs,
      INPUT_FILES: "nowhere",
    };
    const run = spawnSync(process.execPath, [SCRIPT], { cwd: project, env, encoding: "utf8" });
    expect(run.status).toBe(64);
    expect(readFileSync(outputs, "utf8")).toContain("exit-code=64");
  });
});
