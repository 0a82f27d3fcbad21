// A portfolio fault mix (search/portfolio.ts) as `--faults` text for one
// test: a restriction of the test's own faults, so a failure found under it
// is a failure the test allows. The text is what the shard's model is built
// with (FlModel.load's `faults`) and what its replay command passes.
import type { IrFault } from "@faultline/lang";
import type { FaultMix } from "../search/portfolio.js";

/** One fault in `--faults` syntax (the body of a `with faults { ... }` block). */
export function faultToText(f: IrFault): string {
  switch (f.kind) {
    case "drop":
    case "duplicate":
      return `${f.kind}${f.events === null ? "" : ` ${f.events.join(", ")}`} at most ${f.atMost}`;
    case "reorder":
      return "reorder";
    case "crash":
      return `crash ${f.machine} at most ${f.atMost}${f.restart ? " then restart" : ""}`;
    case "partition":
      return `partition at most ${f.atMost}`;
  }
}

const MESSAGE_FAULTS = new Set<IrFault["kind"]>(["drop", "duplicate", "reorder"]);

function restricted(faults: readonly IrFault[], mix: FaultMix): IrFault[] {
  switch (mix) {
    case "own":
      return [...faults];
    case "none":
      return [];
    case "messages":
      return faults.filter((f) => MESSAGE_FAULTS.has(f.kind));
    case "nodes":
      return faults.filter((f) => !MESSAGE_FAULTS.has(f.kind));
    case "single":
      return faults.map((f) => ("atMost" in f ? { ...f, atMost: Math.min(f.atMost, 1) } : f));
  }
}

/**
 * The `--faults` text of `mix` applied to a test's own faults, or undefined
 * when it is the test's own faults unchanged (the model needs no `--faults`).
 */
export function faultMixText(own: readonly IrFault[], mix: FaultMix): string | undefined {
  const text = restricted(own, mix).map(faultToText).join("; ");
  return text === own.map(faultToText).join("; ") ? undefined : text;
}
