// The V8 flags the command sets for a search on the fixed-width layout
// (v8-tuning.ts): the larger budget for one, V8's defaults back for anything
// else after it, nothing twice in a row; none with FAULTLINE_V8_DEFAULTS=1;
// and never a flag the user gave on node's command line (dashes or
// underscores).
import { describe, expect, it } from "vitest";
import { tuneV8 } from "../src/v8-tuning.js";

const TUNED = ["--max-inlined-bytecode-size=1000", "--max-inlined-bytecode-size-cumulative=3000"];
const DEFAULTS = ["--max-inlined-bytecode-size=460", "--max-inlined-bytecode-size-cumulative=920"];

function setBy(on: boolean, env: NodeJS.ProcessEnv = {}, execArgv: string[] = []): string[] {
  const set: string[] = [];
  tuneV8(on, env, execArgv, (flag) => set.push(flag));
  return set;
}

describe("tuneV8", () => {
  it("raises V8's inlining budget for a search on the layout and puts the defaults back after it", () => {
    expect(setBy(false)).toEqual([]); // V8's defaults already
    expect(setBy(true)).toEqual(TUNED);
    expect(setBy(true)).toEqual([]);
    expect(setBy(false)).toEqual(DEFAULTS);
    expect(setBy(false)).toEqual([]);
  });

  it("keeps V8's defaults when asked", () => {
    expect(setBy(true, { FAULTLINE_V8_DEFAULTS: "1" })).toEqual([]);
  });

  it("leaves a flag the user gave on node's command line", () => {
    expect(setBy(true, {}, ["--max-old-space-size=4096", "--max-inlined-bytecode-size=200"])).toEqual([
      TUNED[1],
    ]);
    expect(setBy(false, {}, ["--max_inlined_bytecode_size_cumulative=100"])).toEqual([DEFAULTS[0]]);
    // A flag whose name starts with another's is not that one.
    expect(setBy(true, {}, ["--max-inlined-bytecode-size-cumulative=100"])).toEqual([TUNED[0]]);
    expect(setBy(false)).toEqual(DEFAULTS);
  });
});
