// A saved trace finds its model from any directory: the model path is stored
// relative to the trace file, with the model's content hash.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { resolveTraceSource, sourceSha256, traceSourcePath } from "@faultline/checker";
import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../src/cli.js";
import { captureIo } from "./capture-io.js";

const OVERDRAFT = fileURLToPath(new URL("./fixtures/explore-overdraft.fl", import.meta.url));
const cwd = process.cwd();
afterEach(() => process.chdir(cwd));

async function cli(...argv: string[]) {
  const { io, out } = captureIo();
  const code = await runCli(argv, io);
  return { code, out: out() };
}

/** `check --out traces` run from inside `project`, on a model at project/models/bank.fl. */
async function checkInProject(): Promise<{ project: string; trace: string }> {
  const project = mkdtempSync(join(tmpdir(), "fl-trace-source-"));
  mkdirSync(join(project, "models"));
  cpSync(OVERDRAFT, join(project, "models", "bank.fl"));
  process.chdir(project);
  const checked = await cli("check", "models/bank.fl", "--test", "Overdraft", "--out", "traces");
  expect(checked.code).toBe(1);
  const [name] = readdirSync(join(project, "traces"));
  process.chdir(cwd);
  return { project, trace: join(project, "traces", name!) };
}

describe("trace source paths", () => {
  it("are stored relative to the trace file, with / separators", () => {
    expect(traceSourcePath("/p/models/bank.fl", "/p/traces/x.itf.json")).toBe("../models/bank.fl");
    expect(traceSourcePath("/p/bank.fl", "/p/x.itf.json")).toBe("bank.fl");
    expect(resolveTraceSource("../models/bank.fl", "/p/traces/x.itf.json")).toBe("/p/models/bank.fl");
    expect(resolveTraceSource("/abs/bank.fl", "/p/traces/x.itf.json")).toBe("/abs/bank.fl");
  });

  it("check --out records the model relative to the trace and its content hash", async () => {
    const { project, trace } = await checkInProject();
    const meta = JSON.parse(readFileSync(trace, "utf8"))["#meta"].faultline;
    expect(meta.source).toBe("../models/bank.fl");
    expect(meta.sourceSha256).toBe(sourceSha256(readFileSync(join(project, "models", "bank.fl"), "utf8")));
  });

  it("replay works from another directory and after moving model and traces together", async () => {
    const { project, trace } = await checkInProject();
    process.chdir("/");
    const fromRoot = await cli("replay", trace);
    expect(fromRoot.code).toBe(1);
    expect(fromRoot.out).toContain("Overdraft");
    expect(fromRoot.out).not.toContain("changed since");

    const moved = mkdtempSync(join(tmpdir(), "fl-trace-moved-"));
    cpSync(project, moved, { recursive: true });
    const movedTrace = join(moved, "traces", readdirSync(join(moved, "traces"))[0]!);
    const again = await cli("replay", movedTrace);
    expect(again.code).toBe(1);
  });

  it("replay says so when the model changed since the trace was written", async () => {
    const { project, trace } = await checkInProject();
    const model = join(project, "models", "bank.fl");
    writeFileSync(model, `${readFileSync(model, "utf8")}\n// edited\n`);
    const replayed = await cli("replay", trace);
    expect(replayed.out).toContain("has changed since this trace was written");
  });
});
