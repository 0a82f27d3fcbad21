// V8 flags the command sets for itself before any model runs.
//
// The search's hot loop is a few large methods (ByteModel.deliver, the
// explorer's emit and lookUp) that call many small ones once per successor:
// restoring a fork, resuming the generated handler, the step's record,
// emitting the scratch. V8's default inlining budget (460 bytecodes per
// callee, 920 in all per optimised function) is spent on the calls made once
// per delivery, so the per-successor ones stay calls. A larger budget inlines
// them: TwoPhase with 8 RMs through `faultline check --workers 1`, 10
// interleaved runs each, medians 5.20 s -> 4.86 s (docs/performance.md,
// "V8's inlining budget"). Flags are process-wide: the parallel workers
// (worker threads) get them too. Only optimisation decisions change, never
// what the code computes.
import { setFlagsFromString } from "node:v8";

/** The flags, as `node` would take them on its command line. */
export const V8_FLAGS: readonly string[] = [
  "--max-inlined-bytecode-size=1000",
  "--max-inlined-bytecode-size-cumulative=3000",
];

/**
 * Sets V8_FLAGS, unless FAULTLINE_V8_DEFAULTS=1 keeps V8's defaults (for
 * measuring the difference); a flag given on node's command line wins over
 * ours. (Node refuses these flags in NODE_OPTIONS.)
 */
export function tuneV8(
  env: NodeJS.ProcessEnv = process.env,
  execArgv: readonly string[] = process.execArgv,
  set: (flag: string) => void = setFlagsFromString,
): void {
  if (env.FAULTLINE_V8_DEFAULTS === "1") return;
  const given = new Set(execArgv.map(flagName));
  for (const flag of V8_FLAGS) if (!given.has(flagName(flag))) set(flag);
}

/** A flag's name as V8 reads it: `--max_inlined-bytecode-size=9` is `--max-inlined-bytecode-size`. */
function flagName(arg: string): string {
  const eq = arg.indexOf("=");
  return (eq < 0 ? arg : arg.slice(0, eq)).replaceAll("_", "-");
}
