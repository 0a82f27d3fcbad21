// Test helper: the counterexample of fixtures/explore-overdraft.fl's Overdraft
// test (an invariant violation in 7 steps), written as an ITF trace file, for
// the tests of `faultline explore <trace>`.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildModel, checkExhaustive, traceToItf } from "@faultline/checker";
import { compileSource } from "@faultline/lang";

export const OVERDRAFT = fileURLToPath(new URL("./fixtures/explore-overdraft.fl", import.meta.url));

/** Writes dir/overdraft.itf.json and returns its path. */
export function writeOverdraftTrace(dir: string): string {
  const compiled = compileSource({ path: OVERDRAFT, text: readFileSync(OVERDRAFT, "utf8") });
  if (!compiled.ok) throw new Error(`fixture does not compile: ${JSON.stringify(compiled.diagnostics)}`);
  const model = buildModel(compiled.ir, "Overdraft");
  const result = checkExhaustive(model);
  if (result.kind !== "violation") throw new Error(`expected a violation, got ${result.kind}`);
  const tracePath = join(dir, "overdraft.itf.json");
  const itf = traceToItf(model, result.trace, {
    source: OVERDRAFT,
    test: "Overdraft",
    failure: result.failure,
  });
  writeFileSync(tracePath, JSON.stringify(itf));
  return tracePath;
}
