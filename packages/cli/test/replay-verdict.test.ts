// `faultline replay` checks what it confirms (issue 14, items 1 and 8): the
// failure it reproduces must be the recorded one, a lasso's cycle must be hot
// and fair under the liveness search's rule, a trace that no longer fails says
// so (exit 6), a different failure is reported as one (exit 7), and a corrupted
// trace field is named as such (exit 64), never blamed on the model.
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "../src/cli.js";
import { ExitCode } from "../src/exit-codes.js";
import { captureIo } from "./capture-io.js";

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/replay/${name}`, import.meta.url));
const DEFERRED = fixture("deferred.fl");
const SERVED = fixture("served.fl");
const VIOLATION = fileURLToPath(new URL("./fixtures/outcomes/violation.fl", import.meta.url));

async function cli(...argv: string[]) {
  const { io, stdout, stderr } = captureIo();
  const code = await runCli(argv, io);
  return { code, stdout: stdout(), stderr: stderr() };
}

type Json = ReturnType<typeof JSON.parse>;

/** `check --out` on a copy of `model` (as model.fl in a fresh folder): the copy and the one trace saved. */
async function saved(
  model: string,
  ...flags: string[]
): Promise<{ model: string; trace: string; doc: Json }> {
  const dir = mkdtempSync(join(tmpdir(), "fl-replay-"));
  const copy = join(dir, "model.fl");
  copyFileSync(model, copy);
  const checked = await cli("check", copy, "--out", join(dir, "traces"), ...flags);
  expect([ExitCode.violation, ExitCode.liveness], checked.stdout).toContain(checked.code);
  const [name] = readdirSync(join(dir, "traces"));
  const trace = join(dir, "traces", name!);
  return { model: copy, trace, doc: JSON.parse(readFileSync(trace, "utf8")) };
}

/** Writes `doc` as a trace file beside `like` and returns its path. */
function write(like: string, doc: Json, name = "edited.itf.json"): string {
  const path = join(like, "..", name);
  writeFileSync(path, JSON.stringify(doc, null, 2));
  return path;
}

const deferredLasso = () => saved(DEFERRED);

describe("replay of a liveness lasso", () => {
  it("reproduces the recorded lasso on the model it was saved from (exit 3)", async () => {
    const { trace } = await deferredLasso();
    const r = await cli("replay", trace);
    expect(r.code, r.stderr).toBe(ExitCode.liveness);
    expect(r.stdout).toMatch(/=> .*spec EveryRequestAnswered can stay hot forever/);
    expect(r.stdout).toContain("(a lasso:");
    expect(r.stderr).toBe("");
  });

  it("says the deferred-forever lasso no longer reproduces once the model handles the request (exit 6)", async () => {
    const { model, trace } = await deferredLasso();
    copyFileSync(SERVED, model);
    expect((await cli("check", model)).code).toBe(ExitCode.pass);
    const r = await cli("replay", trace);
    expect(r.code, r.stdout + r.stderr).toBe(ExitCode.notReproduced);
    expect(r.stderr).toContain("the trace no longer reproduces a failure");
    expect(r.stderr).toContain(
      "the cycle is not fair: `Server(0) <- Request(Client(0)) from Client(0)` is enabled in every state of the cycle but never taken on it",
    );
    expect(r.stderr).toMatch(/recorded: .*spec EveryRequestAnswered can stay hot forever/);
    expect(r.stdout).not.toContain("=> ");
    expect(r.stdout).not.toContain("(a lasso:");
  });

  const handMade = (failure: Json) => ({
    format: "faultline-trace",
    version: 1,
    model: "Answered",
    test: "Answered",
    failure,
    // One step, and the loop is its state: the cycle is the tick from that state back to itself.
    loop: 0,
    steps: [{ t: "init", c: [] }],
  });
  const lassoFailure = {
    kind: "liveness",
    property: "EveryRequestAnswered",
    message:
      "spec EveryRequestAnswered can stay hot forever (in hot state Waiting): a fair cycle of 1 step never cools it",
  };

  it("rejects a hand-made lasso whose cycle is unfair (a timer ticks while a delivery stays enabled)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fl-replay-"));
    const trace = write(join(dir, "x"), handMade(lassoFailure), "unfair.json");
    expect((await cli("check", SERVED)).code).toBe(ExitCode.pass);
    const r = await cli("replay", trace, "--model", SERVED);
    expect(r.code, r.stdout + r.stderr).toBe(ExitCode.notReproduced);
    expect(r.stderr).toContain("the trace no longer reproduces a failure");
    expect(r.stderr).toContain("the cycle is not fair");
  });

  it("confirms the same hand-made lasso where the request is deferred: that cycle is fair", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fl-replay-"));
    const trace = write(join(dir, "x"), handMade(lassoFailure), "fair.json");
    const r = await cli("replay", trace, "--model", DEFERRED);
    expect(r.code, r.stdout + r.stderr).toBe(ExitCode.liveness);
    expect(r.stderr).toBe("");
  });

  it("reports an edited failure kind, property or message as a different failure (exit 7)", async () => {
    const { trace, doc } = await deferredLasso();
    const recorded = doc["#meta"].faultline.failure;
    for (const [field, value] of [
      ["kind", "deadlock"],
      ["property", "SomethingElse"],
      ["message", "edited"],
    ] as const) {
      const edited = structuredClone(doc);
      edited["#meta"].faultline.failure = { ...recorded, [field]: value };
      const r = await cli("replay", write(trace, edited));
      expect(r.code, `${field}: ${r.stderr}`).toBe(ExitCode.differentFailure);
      expect(r.stderr).toContain(
        `the trace reproduces a different failure than it recorded (its ${field} differs)`,
      );
      expect(r.stderr).toContain(
        `  ${field}: recorded ${JSON.stringify(value)}, replayed ${JSON.stringify(recorded[field])}`,
      );
      expect(r.stderr).toMatch(/replayed: .*spec EveryRequestAnswered can stay hot forever/);
    }
  });
});

describe("replay of a safety counterexample", () => {
  it("reports an edited failure property as a different failure, and an unedited one as reproduced", async () => {
    const { trace, doc } = await saved(VIOLATION);
    expect((await cli("replay", trace)).code).toBe(ExitCode.violation);
    const edited = structuredClone(doc);
    edited["#meta"].faultline.failure.property = "AtMostTwo";
    const r = await cli("replay", write(trace, edited));
    expect(r.code).toBe(ExitCode.differentFailure);
    expect(r.stderr).toContain('  property: recorded "AtMostTwo", replayed "AtMostOne"');
  });

  it("says a trace whose model changed so that a step no longer applies no longer reproduces (exit 6)", async () => {
    const { model, trace } = await deferredLasso();
    writeFileSync(model, readFileSync(DEFERRED, "utf8").replaceAll("Tick", "Beat"));
    const r = await cli("replay", trace);
    expect(r.code, r.stderr).toBe(ExitCode.notReproduced);
    expect(r.stderr).toMatch(
      /the trace no longer reproduces a failure: step \d+ does not apply to .* any more/,
    );
    expect(r.stderr).toContain("the model changed since the trace was saved");
  });
});

describe("a corrupted trace file (exit 64, the field named, the model not blamed)", () => {
  const corrupted = async (edit: (doc: Json) => void, message: string) => {
    const { trace, doc } = await deferredLasso();
    const edited = structuredClone(doc);
    edit(edited);
    const r = await cli("replay", write(trace, edited));
    expect(r.code, r.stdout + r.stderr).toBe(ExitCode.usage);
    expect(r.stderr).toContain("is corrupted");
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toContain("model changed");
    expect(r.stderr).not.toContain("    at ");
  };

  it.each([
    [-1, 'field "loop" must be an integer in 0..1 (the trace has 2 states), got -1'],
    [9999, 'field "loop" must be an integer in 0..1 (the trace has 2 states), got 9999'],
    ["x", 'field "loop" must be an integer (the index of the state the lasso loops back to), got "x"'],
    [0.5, 'field "loop" must be an integer'],
  ])("loop %j", async (loop, message) => {
    await corrupted((doc) => {
      doc.loop = loop;
      doc["#meta"].faultline.loop = loop;
    }, message);
  });

  it("a loop that differs between the document and #meta.faultline", async () => {
    await corrupted((doc) => {
      doc["#meta"].faultline.loop = 1;
    }, 'field "loop" (0) and field "#meta.faultline.loop" (1) must be the same');
  });

  it("faults: 12", async () => {
    await corrupted((doc) => {
      doc["#meta"].faultline.faults = 12;
    }, 'field "#meta.faultline.faults" must be a string, got 12');
  });

  it("a failure without a kind", async () => {
    await corrupted((doc) => {
      delete doc["#meta"].faultline.failure.kind;
    }, 'field "#meta.faultline.failure.kind" must be a string, got undefined');
  });

  it.each([
    [
      (s: Json) => (s.c = [-1]),
      'field "#meta.faultline.steps[0].c[0]" must be a non-negative integer, got -1 (step 1)',
    ],
    [
      (s: Json) => (s.c = "x"),
      'field "#meta.faultline.steps[0].c" must be a list of indices, got "x" (step 1)',
    ],
    [
      (s: Json) => (s.t = "teleport"),
      'field "#meta.faultline.steps[0].t" must be one of init, deliver, timer',
    ],
    [(s: Json) => delete s.c, 'field "#meta.faultline.steps[0].c" is missing'],
    [(s: Json) => (s.extra = 1), 'field "#meta.faultline.steps[0].extra" is not a field of a init step'],
  ])("a step of the wrong shape (%#)", async (edit, message) => {
    await corrupted((doc) => edit(doc["#meta"].faultline.steps[0]), message);
  });

  it("c: [999], a choice out of range in the model the trace was saved with", async () => {
    // The deferred model makes no choice; a choose in the dice model does.
    const { trace, doc } = await saved(fileURLToPath(new URL("./fixtures/explore-dice.fl", import.meta.url)));
    const steps: Json[] = doc["#meta"].faultline.steps;
    const at = steps.findIndex((s) => Array.isArray(s.c) && s.c.length > 0);
    expect(at).toBeGreaterThanOrEqual(0);
    const edited = structuredClone(doc);
    edited["#meta"].faultline.steps[at].c = [999];
    const r = await cli("replay", write(trace, edited));
    expect(r.code, r.stdout + r.stderr).toBe(ExitCode.usage);
    expect(r.stderr).toContain(`is corrupted: field "steps[${at}]" (step ${at + 1}) does not apply`);
    expect(r.stderr).toContain("choice 0 is 999");
    expect(r.stderr).not.toContain("model changed");
  });
});
