// A GraphModel with hand-given ample sets (partial-order reduction): the
// explorers' side of POR (cycle proviso, parent links of ample steps, modes)
// tested on graphs whose answers are known.
import type { Emit, Json } from "../../src/model.js";
import { GraphModel, type GraphSpec, type GraphStep } from "./graph-model.js";

export interface AmpleGraphSpec extends GraphSpec {
  /** ample[n]: indexes into edges[n] forming n's ample set, in emission order; absent or null: expand fully. */
  ample: (number[] | null)[];
}

export class AmpleGraphModel extends GraphModel {
  private readonly ample: (number[] | null)[];
  /** Every node passed to ampleSuccessors, in order. */
  readonly ampleCalls: number[] = [];

  constructor(spec: AmpleGraphSpec) {
    super(spec);
    this.ample = spec.ample;
  }

  ampleSuccessors(node: number, emit: Emit<number, GraphStep>): boolean {
    this.ampleCalls.push(node);
    const chosen = this.ample[node];
    if (chosen === undefined || chosen === null) return false;
    // Emit through successors' own emissions, so steps and outcomes (failing edges too) are the same.
    const wanted = new Set(chosen);
    const byIndex = new Map<number, [GraphStep, Parameters<Emit<number, GraphStep>>[1]]>();
    const expanded = this.expanded.length;
    this.successors(node, (step, outcome) => {
      if ("index" in step && wanted.has(step.index)) byIndex.set(step.index, [step, outcome]);
    });
    this.expanded.length = expanded;
    for (const index of chosen) {
      const [step, outcome] = byIndex.get(index)!;
      emit(step, outcome);
    }
    return true;
  }
}

/** Builds an AmpleGraphModel in any thread (a ModelFactory export): args is the AmpleGraphSpec. */
export function createAmpleGraphModel(args: Json): AmpleGraphModel {
  return new AmpleGraphModel(args as unknown as AmpleGraphSpec);
}
