// `--param NAME=VALUE` on check, replay and explore: it replaces the value set
// of a param in the tests that bind it; unknown names, values of the wrong
// type and negative fault budgets are usage errors (exit 64) in one line.
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runCli } from "../src/cli.js";
import { captureIo } from "./capture-io.js";

const PARAMS = fileURLToPath(new URL("../../../examples/param-tests.fl", import.meta.url));
const GENERATED = fileURLToPath(new URL("../../../examples/test-generation.fl", import.meta.url));
const CONSUMER = fileURLToPath(
  new URL("../../../models/at-least-once-consumer/at-least-once-consumer.fl", import.meta.url),
);

/** A model with a bool and a string param, so every param type is covered. */
function typedModel(): string {
  const dir = mkdtempSync(join(tmpdir(), "faultline-param-"));
  const file = join(dir, "typed.fl");
  writeFileSync(
    file,
    `param loud: bool;
param greeting: string;

machine Greeter {
  start state Init { }
}

invariant Quiet: !loud;

test param (loud in [false], greeting in ["hi"]) Greet [main = Greeter]: assert Quiet;
test Plain [main = Greeter];
`,
  );
  return file;
}

async function cli(argv: string[]): Promise<{ code: number; out: string }> {
  const { io, out } = captureIo();
  const code = await runCli(argv, io);
  return { code, out: out() };
}

/** `faultline check FILE <flags, split on spaces> --workers 1`. */
function check(file: string, flags: string): Promise<{ code: number; out: string }> {
  return cli(["check", file, ...flags.split(" "), "--workers", "1"]);
}

/** A usage error: exit 64, one line on the output, no stack trace. */
function expectUsage(r: { code: number; out: string }, text: string): void {
  expect(r.code).toBe(64);
  expect(r.out).toContain(text);
  expect(r.out.trim().split("\n")).toHaveLength(1);
  expect(r.out).not.toMatch(/\n\s+at /);
}

describe("check --param", () => {
  it("replaces the value set of the param in every test that binds it", async () => {
    const r = await check(PARAMS, "--param workers=4");
    expect(r.code).toBe(1);
    expect(r.out).toContain("✓ Registration(workers=4): pass");
    expect(r.out).toContain("✗ TwoSlotTable(workers=4): invariant FitsInTwoSlots");
    expect(r.out).not.toContain("workers=2");
    expect(r.out).toContain("1 passed, 1 failed");
  });

  it("takes several values, and combines with --test", async () => {
    const r = await check(PARAMS, "--test TwoSlotTable --param workers=1,3");
    expect(r.code).toBe(1);
    expect(r.out).toContain("✓ TwoSlotTable(workers=1): pass");
    expect(r.out).toContain("✗ TwoSlotTable(workers=3)");
    expect(r.out).not.toContain("Registration");
    // Repeating the flag adds values.
    const again = await check(PARAMS, "--test TwoSlotTable --param workers=1 --param workers=2");
    expect(again.code).toBe(0);
    expect(again.out).toContain("TwoSlotTable(workers=1): pass");
    expect(again.out).toContain("TwoSlotTable(workers=2): pass");
  });

  it("sets fault budgets that name the param, and keeps the other params' values", async () => {
    const declared = await check(CONSUMER, "--test ConsumerCrash(events=3,crashes=1)");
    const overridden = await check(CONSUMER, "--test ConsumerCrash --param crashes=1,0");
    expect(overridden.code).toBe(0);
    // The same instance as the declared one: the same state count.
    const states = /ConsumerCrash\(events=3,crashes=1\): pass — ([\d,]+) states/;
    expect(overridden.out).toMatch(states);
    expect(overridden.out.match(states)![1]).toBe(declared.out.match(states)![1]);
    // No crash budget: fewer states, and the run never crashes the consumer.
    expect(overridden.out).toMatch(/ConsumerCrash\(events=3,crashes=0\): pass — 21 states/);
    expect(overridden.out).not.toContain("crashes=2");
  });

  it("gives parallel workers the same instance (a memory budget forces them)", async () => {
    const args = ["check", CONSUMER, "--test", "ConsumerCrash", "--param", "crashes=3", "--reporter", "json"];
    const single = JSON.parse((await cli([...args, "--workers", "1"])).out);
    const parallel = JSON.parse((await cli([...args, "--workers", "2", "--memory", "4GiB"])).out);
    expect(single.tests.map((t: { test: string }) => t.test)).toEqual(["ConsumerCrash(events=3,crashes=3)"]);
    expect(parallel.tests[0].stats.distinctStates).toBe(single.tests[0].stats.distinctStates);
  });

  it("reads bool and string values by the param's type", async () => {
    const file = typedModel();
    const r = await cli(["check", file, "--param", "loud=true", "--param", 'greeting="a, b",plain']);
    expect(r.code).toBe(1);
    expect(r.out).toContain('Greet(loud=true,greeting="a, b")');
    expect(r.out).toContain('Greet(loud=true,greeting="plain")');
    expect(r.out).toContain("Plain: pass");
    expectUsage(await check(file, "--param loud=yes"), "param 'loud' is a bool in");
    expectUsage(await check(file, "--param loud=yes"), "must be true or false; got 'yes'");
  });

  it("rejects names no selected test binds, with a suggestion", async () => {
    expectUsage(
      await check(PARAMS, "--param worker=4"),
      "faultline check: --param worker=4: no selected test has a param 'worker' (did you mean 'workers'?)",
    );
    expectUsage(
      await check(CONSUMER, "--test Reliable --param crashes=1"),
      "no selected test binds param 'crashes' (tests that bind it: ConsumerCrash",
    );
  });

  it("rejects values of the wrong type, naming the type", async () => {
    expectUsage(
      await check(PARAMS, "--param workers=many"),
      "--param workers=many: param 'workers' is an int in",
    );
    expectUsage(await check(PARAMS, "--param workers=99999999999"), "a whole number from");
  });

  it("rejects a negative fault budget, a malformed flag and --expected", async () => {
    expectUsage(
      await check(CONSUMER, "--param crashes=-1"),
      "param 'crashes' is a fault budget of test 'ConsumerCrash', so it must be an int >= 0, not -1",
    );
    expectUsage(await check(PARAMS, "--param workers"), "--param needs NAME=VALUE");
    expectUsage(await check(PARAMS, "--param workers="), "--param needs NAME=VALUE");
    expectUsage(await check(PARAMS, "--param workers=3 --expected"), "--expected");
    // A model that does not compile is reported as such (exit 4), not as a param no test binds.
    const broken = join(mkdtempSync(join(tmpdir(), "faultline-param-")), "broken.fl");
    writeFileSync(broken, "machine M { start state S { entry { x = 1; } } }\n");
    const r = await check(broken, "--param workers=3");
    expect(r.code).toBe(4);
    expect(r.out).not.toContain("--param");
  });

  it("applies the test's assume and (2 wise) to the new values", async () => {
    const r = await check(GENERATED, "--test Majority --param faulty=0,1,3");
    expect(r.out).toContain("Majority(nodes=2,faulty=1)");
    expect(r.out).toContain("Majority(nodes=3,faulty=1)");
    expect(r.out).not.toContain("faulty=3");
    expect(r.out).not.toContain("Majority(nodes=1,faulty=1)");
    const wise = await check(GENERATED, "--test Mixed --param nodes=4,5");
    expect(wise.out).toContain("Mixed(nodes=5,");
    // Every pair of (nodes, faulty, mode) values in 9 instances, not the 2 x 3 x 3 product.
    expect(wise.out.match(/[✓✗] Mixed\(nodes=/g)).toHaveLength(9);
    // --test names any combination, one (2 wise) left out included.
    const named = await check(GENERATED, '--test Mixed(nodes=2,faulty=0,mode="ack")');
    expect(named.code).toBe(0);
    expect(named.out).toContain('Mixed(nodes=2,faulty=0,mode="ack"): pass');
    expectUsage(
      await check(GENERATED, "--test Majority --param nodes=1 --param faulty=1"),
      "no combination of these values satisfies the assume of test 'Majority' (",
    );
  });

  it("selects an instance the file does not list by its name", async () => {
    const r = await check(PARAMS, "--test Registration(workers=5)");
    expect(r.code).toBe(0);
    expect(r.out).toContain("Registration(workers=5): pass");
  });
});

describe("replay and explore --param", () => {
  it("replays a trace saved by check --param without the flag, and with another value", async () => {
    const out = mkdtempSync(join(tmpdir(), "faultline-param-out-"));
    const checked = await cli([
      "check",
      PARAMS,
      "--test",
      "TwoSlotTable",
      "--param",
      "workers=5",
      "--out",
      out,
    ]);
    expect(checked.code).toBe(1);
    const [trace] = readdirSync(out).filter((f) => f.endsWith(".itf.json"));
    const replayed = await cli(["replay", join(out, trace!)]);
    expect(replayed.code).toBe(1);
    expect(replayed.out).toContain("TwoSlotTable(workers=5):");
    expect(replayed.out).toContain("invariant FitsInTwoSlots");
    const other = await cli(["replay", join(out, trace!), "--param", "workers=3"]);
    expect(other.code).toBe(1);
    expect(other.out).toContain("TwoSlotTable(workers=3):");
    const explored = await cli(["explore", join(out, trace!)]);
    expect(explored.code).toBe(1);
    expect(explored.out).toContain("TwoSlotTable(workers=5):");
    expectUsage(
      await cli(["replay", join(out, trace!), "--param", "workers=3,4"]),
      "give one value per param",
    );
    expectUsage(
      await cli(["replay", join(out, trace!), "--param", "wrokers=3"]),
      "test 'TwoSlotTable' has no param 'wrokers' (did you mean 'workers'?)",
    );
  });

  it("explores a model's test with the param's value", async () => {
    const r = await cli(["explore", PARAMS, "--test", "Registration", "--param", "workers=6"]);
    expect(r.code).toBe(0);
    expect(r.out).toContain("/ Registration(workers=6): 1 initial step");
    expectUsage(await cli(["explore", PARAMS, "--param", "workers=x"]), "param 'workers' is an int");
  });
});
