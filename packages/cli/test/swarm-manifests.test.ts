// The swarm's CI files (docs/swarm.md), which our CI does not run: the GitHub
// Actions workflow (examples/ci/swarm.yml) and the Kubernetes Indexed Job and
// merge Job (examples/k8s/). Their structure is checked (a matrix of SHARDS
// shards, artifacts uploaded and downloaded under matching names, the merge
// after every shard even a failed one, the Indexed Job's completions equal
// to its shard count, one volume shared by shards and merge) and their
// faultline command lines are parsed by the command's own flag tables. One
// subprocess: scripts/swarm-local.mjs runs the workflow's steps here.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { parseArgs } from "../src/args.js";
import { MERGE_FLAGS } from "../src/command-specs.js";
import { parseCheckArgs } from "../src/commands/check.js";
import { BIN } from "./bin-path.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");
/** A GitHub Actions expression as the workflow writes it. */
const expression = (name: string) => `\${{ ${name} }}`;

/** The words after `faultline <command>` in a shell line (no quotes needed in these files' lines but "..."). */
function faultlineArgs(line: string, command: string): string[] {
  const at = line.indexOf(`faultline ${command} `);
  expect(at).toBeGreaterThanOrEqual(0);
  const rest = line.slice(at + `faultline ${command} `.length).split(/;|\|\|/)[0]!;
  return [...rest.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}

describe("the GitHub Actions workflow", () => {
  const workflow = parse(read("examples/ci/swarm.yml")) as {
    env: Record<string, string | number>;
    jobs: Record<
      string,
      {
        needs?: string;
        if?: string;
        strategy?: { "fail-fast": boolean; matrix: { shard: number[] } };
        steps: Step[];
      }
    >;
  };
  const { shard, merge } = workflow.jobs;

  it("runs SHARDS shards in a matrix, each uploading its artifact even when it fails", () => {
    const count = Number(workflow.env.SHARDS);
    expect(shard!.strategy!.matrix.shard).toEqual(Array.from({ length: count }, (_, i) => i + 1));
    expect(shard!.strategy!["fail-fast"]).toBe(false);
    const run = shard!.steps.find((s) => s.run?.includes("faultline check"))!;
    const env = (name: string) => String(workflow.env[name]).replace(expression("github.run_number"), "1");
    const argv = faultlineArgs(run.run!, "check").map((w) =>
      w.replace(expression("matrix.shard"), "3").replace(/\$([A-Z_]+)/g, (_, name: string) => env(name)),
    );
    const parsed = parseCheckArgs(argv);
    if (parsed.kind !== "options") throw new Error(JSON.stringify(parsed));
    expect(argv).toContain(`3/${count}`);
    const upload = shard!.steps.find((s) => s.uses?.startsWith("actions/upload-artifact"))!;
    expect(upload.if).toBe("always()");
    expect(upload.with!.path).toBe(`${parsed.options.out}/`);
  });

  it("merges after every shard, failed ones included, and uploads SARIF and the traces", () => {
    expect(merge!.needs).toBe("shard");
    expect(merge!.if).toBe("always()");
    const upload = shard!.steps.find((s) => s.uses?.startsWith("actions/upload-artifact"))!;
    const download = merge!.steps.find((s) => s.uses?.startsWith("actions/download-artifact"))!;
    expect(String(upload.with!.name).replace(expression("matrix.shard"), "*")).toBe(download.with!.pattern);
    expect(download.with!["merge-multiple"]).toBe(true);
    const run = merge!.steps.find((s) => s.run?.includes("faultline merge"))!;
    const parsed = parseArgs(faultlineArgs(run.run!, "merge"), MERGE_FLAGS);
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parsed.args.positionals).toEqual([download.with!.path]);
    expect(parsed.args.flags.get("reporter")).toEqual(expect.arrayContaining(["sarif", "github"]));
    const out = parsed.args.flags.get("out");
    const sarif = merge!.steps.find((s) => s.uses?.startsWith("github/codeql-action/upload-sarif"))!;
    expect(sarif.with!.sarif_file).toBe(`${out}/faultline.sarif`);
    const traces = merge!.steps.filter((s) => s.uses?.startsWith("actions/upload-artifact"));
    expect(traces.map((s) => s.with!.path)).toContain(`${out}/`);
  });

  it("runs here, step by step, with scripts/swarm-local.mjs", () => {
    if (!existsSync(join(BIN, "../../dist/bundle/main.js")))
      throw new Error("build faultline first: npm run build");
    const work = mkdtempSync(join(tmpdir(), "faultline-swarm-local-"));
    try {
      const r = spawnSync(
        process.execPath,
        [
          join(ROOT, "scripts/swarm-local.mjs"),
          "--shards",
          "2",
          "--env",
          "MODELS=examples/bank-buggy.fl",
          "--env",
          "RUNS=16",
          "--workdir",
          work,
        ],
        { encoding: "utf8" },
      );
      expect(r.status, r.stderr).toBe(1);
      expect(r.stdout + r.stderr).toContain("Swarm: 2 of 2 shards (seed 1)");
      expect(existsSync(join(work, "swarm", "shard-2-of-2.json"))).toBe(true);
      expect(existsSync(join(work, "swarm-report", "faultline.sarif"))).toBe(true);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }, 30_000);
});

describe("the Kubernetes Indexed Job and its merge", () => {
  const docs = parseAllDocuments(read("examples/k8s/swarm-job.yaml")).map((d) => d.toJS());
  const merge = parse(read("examples/k8s/swarm-merge.yaml"));
  const job = docs.find((d) => d.kind === "Job");
  const claim = docs.find((d) => d.kind === "PersistentVolumeClaim");

  it("is an Indexed Job of as many completions as shards, each pod's shard from JOB_COMPLETION_INDEX", () => {
    expect(job.apiVersion).toBe("batch/v1");
    expect(job.spec.completionMode).toBe("Indexed");
    const pod = job.spec.template.spec;
    expect(pod.restartPolicy).toBe("Never");
    const line = pod.containers[0].command.at(-1) as string;
    const argv = faultlineArgs(line, "check");
    const parsed = parseCheckArgs(argv);
    if (parsed.kind !== "options") throw new Error(JSON.stringify(parsed));
    const count = Number(argv[argv.indexOf("--shard-count") + 1]);
    expect(job.spec.completions).toBe(count);
    expect(job.spec.parallelism).toBeLessThanOrEqual(count);
    expect(pod.containers[0].volumeMounts[0].mountPath).toBe(parsed.options.out);
    expect(pod.volumes[0].persistentVolumeClaim.claimName).toBe(claim.metadata.name);
  });

  it("merges the shards' volume", () => {
    expect(merge.kind).toBe("Job");
    const pod = merge.spec.template.spec;
    const command = pod.containers[0].command as string[];
    expect(command.slice(0, 3)).toEqual(["npx", "faultline", "merge"]);
    const parsed = parseArgs(command.slice(3), MERGE_FLAGS);
    if (!parsed.ok) throw new Error(parsed.message);
    const mount = pod.containers[0].volumeMounts[0].mountPath;
    expect(parsed.args.positionals).toEqual([mount]);
    expect(pod.volumes[0].persistentVolumeClaim.claimName).toBe(claim.metadata.name);
  });
});
