// V8 flags the command sets for the searches that gain from them.
//
// The search's hot loop on the byte back end's fixed-width layout is a few
// large methods (ByteModel.deliver, the explorer's emit and lookUp) that call
// many small ones once per successor: restoring a fork, resuming the
// generated handler, the step's record, emitting the scratch. V8's default
// inlining budget (460 bytecodes per callee, 920 in all per optimised
// function) is spent on the calls made once per delivery, so the
// per-successor ones stay calls. A larger budget inlines them: TwoPhase with
// 8 RMs, `faultline check --workers 1`, medians 5.67 s -> 5.23 s. The same
// budget slows the object runtime (Paxos: 0.47 s -> 0.63 s, more code to
// compile than the search wins back), so the command raises it only for a
// search on the layout and puts V8's defaults back for any other (ADR 0016).
// Flags are process-wide: the parallel workers get them too. V8 reads them
// when it optimises a function; only what it optimises changes, never what
// the code computes.
import { setFlagsFromString } from "node:v8";

/** The flags, as `node` would take them on its command line, with V8's defaults (V8 11-13). */
export const V8_FLAGS: readonly { flag: string; tuned: number; v8Default: number }[] = [
  { flag: "--max-inlined-bytecode-size", tuned: 1000, v8Default: 460 },
  { flag: "--max-inlined-bytecode-size-cumulative", tuned: 3000, v8Default: 920 },
];

/** Whether the flags are set to `tuned` now (this process). */
let tunedNow = false;

/**
 * Raises V8's inlining budget for a search on the fixed-width layout (`on`),
 * or puts V8's defaults back (after one, for a search on anything else). Not
 * where FAULTLINE_V8_DEFAULTS=1 keeps V8's defaults (for measuring the
 * difference); a flag given on node's command line is left as given. (Node
 * refuses these flags in NODE_OPTIONS.)
 */
export function tuneV8(
  on: boolean,
  env: NodeJS.ProcessEnv = process.env,
  execArgv: readonly string[] = process.execArgv,
  set: (flag: string) => void = setFlagsFromString,
): void {
  if (env.FAULTLINE_V8_DEFAULTS === "1" || on === tunedNow) return;
  const given = new Set(execArgv.map(flagName));
  for (const f of V8_FLAGS) if (!given.has(f.flag)) set(`${f.flag}=${on ? f.tuned : f.v8Default}`);
  tunedNow = on;
}

/** A flag's name as V8 reads it: `--max_inlined-bytecode-size=9` is `--max-inlined-bytecode-size`. */
function flagName(arg: string): string {
  const eq = arg.indexOf("=");
  return (eq < 0 ? arg : arg.slice(0, eq)).replaceAll("_", "-");
}
