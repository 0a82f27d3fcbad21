// `faultline init`: the scaffold checks as expected, nothing is overwritten
// without --force, package.json gains its script, and the workflow is valid
// YAML that uses the repository's action with inputs it declares.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "../src/cli.js";
import { captureIo } from "./capture-io.js";
import { parse as parseYaml } from "yaml";

type Yaml = unknown;

const ACTION = fileURLToPath(new URL("../../../action.yml", import.meta.url));

async function cli(argv: string[]): Promise<{ code: number; out: string }> {
  const { io, out } = captureIo();
  const code = await runCli(argv, io);
  return { code, out: out() };
}

const fresh = () => mkdtempSync(join(tmpdir(), "faultline-init-"));
const MODEL = join("models", "payments.fl");
const WORKFLOW = join(".github", "workflows", "faultline.yml");

describe("faultline init", () => {
  it("scaffolds a model whose tests match its expected.json, and says what next", async () => {
    const dir = fresh();
    const r = await cli(["init", dir]);
    expect(r.code).toBe(0);
    for (const f of [MODEL, join("models", "expected.json"), WORKFLOW]) {
      expect(existsSync(join(dir, f))).toBe(true);
      expect(r.out).toContain(`created ${join(dir, f)}`);
    }
    expect(r.out).toContain("npx faultline check models --expected");
    expect(r.out).toContain("npx faultline explore traces/payments.ServerRestart.itf.json");
    expect(r.out).toContain("No package.json here");
    expect(existsSync(join(dir, "package.json"))).toBe(false);
    expect(readFileSync(join(dir, MODEL), "utf8")).toContain("To read its counterexample");

    const checked = await cli(["check", join(dir, "models"), "--expected", "--workers", "1"]);
    expect(checked.out).toContain("2 matched expectations, 0 mismatched");
    expect(checked.code).toBe(0);
    // Without --expected, the fault breaks one of the two tests.
    const plain = await cli(["check", join(dir, "models"), "--workers", "1", "--out", join(dir, "traces")]);
    expect(plain.code).toBe(1);
    expect(plain.out).toContain("✓ LossyNetwork: pass");
    expect(plain.out).toContain("✗ ServerRestart: invariant ChargedAtMostOnce");
    expect(existsSync(join(dir, "traces", "payments.ServerRestart.itf.json"))).toBe(true);
  });

  it("never overwrites a file without --force", async () => {
    const dir = fresh();
    expect((await cli(["init", dir])).code).toBe(0);
    // The same files again: nothing to do.
    expect((await cli(["init", dir])).out).toContain("everything is in place already");
    writeFileSync(join(dir, MODEL), "// my own model\n");
    const refused = await cli(["init", dir]);
    expect(refused.code).toBe(64);
    expect(refused.out).toContain("payments.fl exists");
    expect(refused.out).toContain("nothing was written; --force replaces what exists");
    expect(refused.out).not.toMatch(/\n\s+at /);
    expect(readFileSync(join(dir, MODEL), "utf8")).toBe("// my own model\n");
    const forced = await cli(["init", dir, "--force"]);
    expect(forced.code).toBe(0);
    expect(forced.out).toContain("updated");
    expect(readFileSync(join(dir, MODEL), "utf8")).toContain("machine Server");
  });

  it("adds its entry to an existing expected.json and the npm script to package.json", async () => {
    const dir = fresh();
    writeFileSync(
      join(dir, "package.json"),
      `{\n    "name": "app",\n    "scripts": { "test": "vitest" },\n    "devDependencies": { "faultline": "^0.1.0" }\n}\n`,
    );
    writeFileSync(join(dir, "package-lock.json"), "{}\n");
    const mine = { "mine.fl": { T: { outcome: "pass" } } };
    mkdirSync(join(dir, "models"));
    writeFileSync(join(dir, "models", "expected.json"), JSON.stringify(mine));
    const r = await cli(["init", dir]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("npm run check:models");
    expect(r.out).not.toContain("npm install --save-dev faultline");
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    expect(pkg.scripts).toEqual({ test: "vitest", "check:models": "faultline check models --expected" });
    expect(readFileSync(join(dir, "package.json"), "utf8")).toContain('\n    "name"'); // its indentation kept
    const expected = JSON.parse(readFileSync(join(dir, "models", "expected.json"), "utf8"));
    expect(expected["mine.fl"]).toEqual(mine["mine.fl"]);
    expect(expected["payments.fl"].ServerRestart).toEqual({
      outcome: "violation",
      property: "ChargedAtMostOnce",
    });
    // With a lock file, the workflow installs with npm ci.
    expect(readFileSync(join(dir, WORKFLOW), "utf8")).toContain("- run: npm ci");

    // A different check:models script is not replaced without --force.
    const other = fresh();
    writeFileSync(join(other, "package.json"), `{ "scripts": { "check:models": "make models" } }\n`);
    const refused = await cli(["init", other]);
    expect(refused.code).toBe(64);
    expect(refused.out).toContain("package.json already has a different 'check:models'");
    expect(existsSync(join(other, MODEL))).toBe(false);
    expect((await cli(["init", other, "--force"])).code).toBe(0);
    expect(JSON.parse(readFileSync(join(other, "package.json"), "utf8")).scripts["check:models"]).toBe(
      "faultline check models --expected",
    );
  });

  it("writes a valid workflow that runs the repository's action with inputs it declares", async () => {
    const dir = fresh();
    expect((await cli(["init", dir])).code).toBe(0);
    const workflow = parseYaml(readFileSync(join(dir, WORKFLOW), "utf8")) as Record<string, Yaml>;
    expect(Object.keys(workflow)).toEqual(["name", "on", "permissions", "jobs"]);
    const job = (workflow.jobs as Record<string, Record<string, Yaml>>).models!;
    expect(job["runs-on"]).toBe("ubuntu-latest");
    const steps = job.steps as Record<string, Yaml>[];
    const uses = steps.map((s) => s.uses);
    expect(uses).toContain("actions/checkout@v4");
    expect(uses).toContain("github/codeql-action/upload-sarif@v3");
    // No package.json: no install step, the action builds faultline itself.
    expect(steps.some((s) => s.run !== undefined)).toBe(false);
    const check = steps.find((s) => s.uses === "faultline/faultline@main")!;
    expect(check.with).toEqual({ files: "models", args: "--expected" });
    const action = parseYaml(readFileSync(ACTION, "utf8")) as Record<string, Record<string, Yaml>>;
    for (const input of Object.keys(check.with as object)) expect(action.inputs).toHaveProperty(input);
    const upload = steps.find((s) => s.uses === "github/codeql-action/upload-sarif@v3")!;
    expect((upload.with as Record<string, string>).sarif_file).toBe(
      `\${{ steps.${check.id}.outputs.sarif }}`,
    );
    expect(action.outputs).toHaveProperty("sarif");
  });
});
