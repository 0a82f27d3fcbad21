// The shape of a .fl model's steps in a trace file (FlStep, fl-state.ts),
// checked before replay: a step with a field of the wrong type is a corrupted
// trace, not a model that changed. Whether a well-formed step applies (its
// message in flight, its choice in range) is the executor's to say.
import type { Json } from "../model.js";
import type { FlStep } from "./fl-state.js";

/** What a step field holds: an index (a non-negative integer), a name, or a list of indices. */
type FieldKind = "index" | "optional index" | "name" | "indices";

type StepKind = FlStep["t"];

/** Every field of every step kind but `t`, with what it holds; typed against FlStep, so the two agree. */
const SHAPES: {
  [K in StepKind]: { [F in Exclude<keyof Extract<FlStep, { t: K }>, "t">]-?: FieldKind };
} = {
  init: { c: "indices" },
  deliver: { from: "index", to: "index", i: "index", c: "indices" },
  timer: { m: "index", timer: "name", c: "indices" },
  drop: { from: "index", to: "index", i: "index", f: "optional index" },
  duplicate: { from: "index", to: "index", i: "index", f: "optional index" },
  crash: { m: "index", f: "optional index" },
  restart: { m: "index", c: "indices" },
  partition: { side: "indices" },
  heal: {},
};

/** A field of a step that does not fit FlStep: its path inside the step (`c[1]`, `from`) and why. */
export interface StepShapeProblem {
  field: string;
  message: string;
}

/** Checks that `step` is an FlStep: a known kind `t` with exactly its fields, each of the right type. */
export function flStepShapeProblem(step: Json): StepShapeProblem | null {
  if (typeof step !== "object" || step === null || Array.isArray(step)) {
    return { field: "", message: `must be a step object, got ${shown(step)}` };
  }
  const kind = step["t"];
  if (typeof kind !== "string" || !Object.hasOwn(SHAPES, kind)) {
    return {
      field: "t",
      message: `must be one of ${Object.keys(SHAPES).join(", ")}, got ${shown(kind ?? null)}`,
    };
  }
  const shape = SHAPES[kind as StepKind] as { [field: string]: FieldKind };
  for (const field of Object.keys(step)) {
    if (field !== "t" && !Object.hasOwn(shape, field)) {
      return { field, message: `is not a field of a ${kind} step` };
    }
  }
  for (const [field, holds] of Object.entries(shape)) {
    const value = step[field];
    if (value === undefined) {
      if (holds === "optional index") continue;
      return { field, message: `is missing (a ${kind} step has ${Object.keys(shape).join(", ")})` };
    }
    if (holds === "name") {
      if (typeof value !== "string") return { field, message: `must be a name, got ${shown(value)}` };
    } else if (holds === "indices") {
      if (!Array.isArray(value)) return { field, message: `must be a list of indices, got ${shown(value)}` };
      const bad = value.findIndex((v) => !isIndex(v));
      if (bad >= 0) {
        return {
          field: `${field}[${bad}]`,
          message: `must be a non-negative integer, got ${shown(value[bad]!)}`,
        };
      }
    } else if (!isIndex(value)) {
      return { field, message: `must be a non-negative integer, got ${shown(value)}` };
    }
  }
  return null;
}

function isIndex(value: Json): boolean {
  return typeof value === "number" && Number.isInteger(value) && value >= 0;
}

function shown(value: Json): string {
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}
