// Witness properties (`reachable Name: expr;`): a model whose bug is masked
// because the triggering path is unreachable passes its invariant but fails
// its `reachable` property (outcome `unreached`, exit 1, named by every
// reporter); a reached witness has the shortest trace (compared with the
// distance a plain breadth-first search over the model finds); `--witnesses`
// prints it.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildModel, type FlModel } from "@faultline/checker";
import { compileSource } from "@faultline/lang";
import { describe, expect, it } from "vitest";
import { runCheck } from "../src/commands/check.js";
import { captureIo } from "./capture-io.js";

const MODEL = fileURLToPath(new URL("./fixtures/witness/masked.fl", import.meta.url));
const COVER = fileURLToPath(new URL("./fixtures/witness/cover.fl", import.meta.url));

/** Steps of the shortest trace to a state where `holds` is true: a breadth-first search written out here. */
function distance(model: FlModel, holds: (s: unknown) => boolean): number | null {
  const seen = new Set<string>();
  let level: unknown[] = [];
  const add = (next: unknown[], s: unknown) => {
    const key = Buffer.from(model.encode(s as never)).toString("hex");
    if (!seen.has(key)) {
      seen.add(key);
      next.push(model.decode(model.encode(s as never)));
    }
  };
  model.initial((_, o) => o.kind === "state" && add(level, o.state));
  for (let steps = 1; level.length > 0; steps++) {
    if (level.some(holds)) return steps;
    const next: unknown[] = [];
    for (const s of level) model.successors(s as never, (_, o) => o.kind === "state" && add(next, o.state));
    level = next;
  }
  return null;
}

describe("reachable properties", () => {
  it("fail a test whose safety search passes because the buggy path is never taken", async () => {
    const out = captureIo();
    expect(await runCheck([MODEL, "--test", "Masked"], out.io)).toBe(1);
    expect(out.out()).toContain(
      "✗ Masked: reachable RetryHappens was never witnessed in any of the 3 reachable states",
    );
    expect(out.out()).toContain("unreached (RetryHappens)");
    // Without the witness property the same model passes.
    const plain = captureIo();
    expect(await runCheck([MODEL, "--test", "Witnessed"], plain.io)).toBe(0);
  });

  it("say `unreached` in every reporter", async () => {
    const json = captureIo();
    await runCheck([MODEL, "--test", "Masked", "--reporter", "json"], json.io);
    const report = JSON.parse(json.out()) as { tests: Record<string, unknown>[] };
    expect(report.tests[0]).toMatchObject({
      outcome: "unreached",
      exitCode: 1,
      failure: { kind: "unreached", property: "RetryHappens" },
      witnesses: [{ name: "RetryHappens", reached: false, traceLength: null, searched: 3 }],
    });
    const github = captureIo();
    await runCheck([MODEL, "--test", "Masked", "--reporter", "github"], github.io);
    expect(github.out()).toContain(
      "title=RetryHappens never witnessed::test Masked: reachable RetryHappens was never witnessed",
    );
    const junit = captureIo();
    await runCheck([MODEL, "--test", "Masked", "--reporter", "junit"], junit.io);
    expect(junit.out()).toContain('type="unreached"');
    const sarif = captureIo();
    await runCheck([MODEL, "--test", "Masked", "--reporter", "sarif"], sarif.io);
    expect(sarif.out()).toContain('"ruleId": "FL-REACHABLE/RetryHappens"');
  });

  it("fail in random mode when no walk reaches them within the budget", async () => {
    const out = captureIo();
    const args = [MODEL, "--test", "Masked", "--mode", "random", "--seed", "1", "--runs", "20"];
    expect(await runCheck(args, out.io)).toBe(1);
    expect(out.out()).toContain("reachable RetryHappens was never witnessed in 60 random steps");
  });

  it("report the shortest witness trace, as long as the breadth-first distance to the predicate", async () => {
    const ir = compileSource({ path: MODEL, text: readFileSync(MODEL, "utf8") }).ir!;
    const model = buildModel(ir, "Walk");
    const expected = distance(model, (s) => model.witnesses[0]!.holds(s as never));
    expect(expected).toBe(4);
    const json = captureIo();
    expect(await runCheck([MODEL, "--test", "Walk", "--reporter", "json", "--witnesses"], json.io)).toBe(0);
    const report = JSON.parse(json.out()) as { tests: { witnesses: Record<string, unknown>[] }[] };
    expect(report.tests[0]!.witnesses[0]).toMatchObject({
      name: "AtSeven",
      reached: true,
      traceLength: expected,
    });
    const pretty = captureIo();
    await runCheck([MODEL, "--test", "Walk", "--witnesses"], pretty.io);
    expect(pretty.out()).toContain("reachable AtSeven: witnessed in 4 steps");
    expect(pretty.out()).toContain("Walker(0).x = 7");
    const quiet = captureIo();
    await runCheck([MODEL, "--test", "Walk"], quiet.io);
    expect(quiet.out()).toContain("reachable AtSeven: witnessed in 4 steps");
    expect(quiet.out()).not.toContain("Walker(0).x = 7");
  });

  it("cover (Spec.State): the monitor state is entered, or the test fails unreached", async () => {
    const json = captureIo();
    expect(await runCheck([COVER, "--reporter", "json"], json.io)).toBe(1);
    const report = JSON.parse(json.out()) as { tests: Record<string, unknown>[] };
    expect(report.tests[0]).toMatchObject({
      test: "Replies",
      outcome: "pass",
      witnesses: [{ name: "Answered.Done", kind: "cover", reached: true, traceLength: 2 }],
    });
    expect(report.tests[1]).toMatchObject({
      test: "Silent",
      outcome: "unreached",
      failure: { kind: "unreached", property: "Answered.Done", location: { line: 43 } },
      witnesses: [
        { name: "Answered.Done", reached: false },
        { name: "Answered.Waiting", reached: true, traceLength: 1 },
      ],
    });
    const pretty = captureIo();
    await runCheck([COVER, "--test", "Silent"], pretty.io);
    expect(pretty.out()).toContain(
      "✗ Silent: cover Answered.Done was never witnessed in any of the 2 reachable states",
    );
    expect(pretty.out()).toContain("cover Answered.Waiting: witnessed in 1 step");
  });

  it("pins the shortest witness lengths in expected.json (`unreached` is an outcome there too)", async () => {
    // expected.json is read once per directory and run: one directory per pin.
    const pinned = (walk: number): string => {
      const dir = mkdtempSync(join(tmpdir(), "faultline-witness-"));
      const copy = join(dir, "masked.fl");
      copyFileSync(MODEL, copy);
      writeFileSync(
        join(dir, "expected.json"),
        JSON.stringify({
          "masked.fl": {
            Masked: { outcome: "unreached", property: "RetryHappens" },
            Witnessed: { outcome: "pass", witnesses: { BothServed: 3 } },
            Walk: { outcome: "pass", witnesses: { AtSeven: walk } },
          },
        }),
      );
      return copy;
    };
    const ok = captureIo();
    expect(await runCheck([pinned(4), "--expected"], ok.io)).toBe(0);
    const wrong = captureIo();
    expect(await runCheck([pinned(5), "--expected"], wrong.io)).toBe(1);
    expect(wrong.out()).toContain("MISMATCH: expected a 5-step witness of AtSeven, got 4 steps");
  });

  it("random mode replays the safety search's finished runs, so a timeout that ended them leaves the witness its walks", async () => {
    const out = captureIo();
    const args = [MODEL, "--test", "Walk", "--mode", "random", "--runs", "100000000", "--timeout", "200ms"];
    expect(await runCheck(args, out.io)).toBe(0);
    expect(out.out()).toContain("reachable AtSeven: witnessed in");
  });
});
