// The V8 flags the command sets at start-up (v8-tuning.ts): both by default,
// none with FAULTLINE_V8_DEFAULTS=1, and never one the user gave on node's
// command line (with dashes or underscores).
import { describe, expect, it } from "vitest";
import { tuneV8, V8_FLAGS } from "../src/v8-tuning.js";

function setBy(env: NodeJS.ProcessEnv, execArgv: string[] = []): string[] {
  const set: string[] = [];
  tuneV8(env, execArgv, (flag) => set.push(flag));
  return set;
}

describe("tuneV8", () => {
  it("raises V8's inlining budget by default", () => {
    expect(setBy({})).toEqual([...V8_FLAGS]);
    expect(V8_FLAGS).toEqual([
      "--max-inlined-bytecode-size=1000",
      "--max-inlined-bytecode-size-cumulative=3000",
    ]);
  });

  it("keeps V8's defaults when asked", () => {
    expect(setBy({ FAULTLINE_V8_DEFAULTS: "1" })).toEqual([]);
  });

  it("leaves a flag the user gave on node's command line", () => {
    expect(setBy({}, ["--max-old-space-size=4096", "--max-inlined-bytecode-size=200"])).toEqual([
      "--max-inlined-bytecode-size-cumulative=3000",
    ]);
    expect(setBy({}, ["--max_inlined_bytecode_size_cumulative=100"])).toEqual([
      "--max-inlined-bytecode-size=1000",
    ]);
    // A flag whose name starts with another's is not that one.
    expect(setBy({}, ["--max-inlined-bytecode-size-cumulative=100"])).toEqual([
      "--max-inlined-bytecode-size=1000",
    ]);
  });
});
