// A Model over an explicit directed graph: nodes are states, adjacency lists
// give the successors in emission order. Used to test the explorer against
// answers computed independently on the same graph.
import type { Failure, Invariant, Json, Model, StepLabel, StepOutcome } from "../../src/model.js";

export interface GraphSpec {
  nodeCount: number;
  /** Initial nodes, in emission order. */
  initial: number[];
  /** edges[n] = successors of node n, in emission order. */
  edges: number[][];
  /** Nodes that violate the invariant "NotBad". */
  bad?: number[];
  /** Edges that fail when taken, as "from->index" keys (index into edges[from]). */
  failingEdges?: string[];
  /** Nodes with no edges that the model reports as deadlocked (others terminate normally). */
  deadlocked?: number[];
  /** Node whose expansion throws (a model bug). */
  throwsAt?: number;
  /** Node whose expansion throws after emitting its successors (a step that ran past the deadline). */
  throwsAfter?: number;
  /** Declare Model.persistentStates (node numbers are immutable either way). */
  persistentStates?: boolean;
}

/** A step: the initial node chosen, or the edge taken (from, index in the adjacency list, to). */
export type GraphStep = { init: number } | { from: number; index: number; to: number };

export function edgeKey(from: number, index: number): string {
  return `${from}->${index}`;
}

export class GraphModel implements Model<number, GraphStep> {
  readonly name = "graph";
  readonly invariants: readonly Invariant<number>[];
  private readonly spec: GraphSpec;
  private readonly bad: Set<number>;
  private readonly failing: Set<string>;
  private readonly deadlocked: Set<number>;
  private readonly buffer = new Uint8Array(4);
  /** Every node passed to successors, in order (to check BFS order and terminal calls). */
  readonly expanded: number[] = [];
  readonly terminalCalls: number[] = [];
  readonly persistentStates: boolean;

  constructor(spec: GraphSpec) {
    this.spec = spec;
    this.persistentStates = spec.persistentStates ?? false;
    this.bad = new Set(spec.bad ?? []);
    this.failing = new Set(spec.failingEdges ?? []);
    this.deadlocked = new Set(spec.deadlocked ?? []);
    const bad = this.bad;
    this.invariants = [{ name: "NotBad", holds: (node) => !bad.has(node) }];
  }

  initial(emit: (step: GraphStep, outcome: StepOutcome<number>) => void): void {
    for (const node of this.spec.initial) emit({ init: node }, { kind: "state", state: node });
  }

  successors(node: number, emit: (step: GraphStep, outcome: StepOutcome<number>) => void): void {
    this.expanded.push(node);
    if (node === this.spec.throwsAt) throw new Error(`cannot expand node ${node}`);
    const targets = this.spec.edges[node] ?? [];
    for (let index = 0; index < targets.length; index++) {
      const to = targets[index]!;
      emit({ from: node, index, to }, this.outcome(node, index, to));
    }
    if (node === this.spec.throwsAfter) throw new Error(`node ${node} threw after its successors`);
  }

  private outcome(from: number, index: number, to: number): StepOutcome<number> {
    if (this.failing.has(edgeKey(from, index))) {
      return {
        kind: "failure",
        failure: { kind: "assertion", property: "edge", message: `edge ${from}->${to} fails` },
      };
    }
    return { kind: "state", state: to };
  }

  apply(state: number | null, step: GraphStep): StepOutcome<number> {
    if ("init" in step) {
      if (state !== null || !this.spec.initial.includes(step.init)) throw new Error("not an initial step");
      return { kind: "state", state: step.init };
    }
    if (state !== step.from || this.spec.edges[step.from]?.[step.index] !== step.to) {
      throw new Error(`step ${JSON.stringify(step)} is not enabled in ${state}`);
    }
    return this.outcome(step.from, step.index, step.to);
  }

  terminal(node: number): Failure | null {
    this.terminalCalls.push(node);
    if (!this.deadlocked.has(node)) return null;
    return { kind: "deadlock", property: "deadlock", message: `node ${node} is stuck` };
  }

  encode(node: number): Uint8Array {
    const buffer = this.buffer;
    buffer[0] = node & 0xff;
    buffer[1] = (node >>> 8) & 0xff;
    buffer[2] = (node >>> 16) & 0xff;
    buffer[3] = node >>> 24;
    return buffer;
  }

  decode(bytes: Uint8Array): number {
    return (bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16) | (bytes[3]! << 24)) >>> 0;
  }

  describeStep(step: GraphStep): StepLabel {
    if ("init" in step) return { kind: "init", text: `start at ${step.init}` };
    return { kind: "edge", text: `${step.from} -> ${step.to}` };
  }

  viewState(node: number): { node: number } {
    return { node };
  }
}

/** Shortest number of edges from any initial node to each node (-1: unreachable), by a plain BFS. */
export function shortestDistances(spec: GraphSpec): number[] {
  const distance = new Array<number>(spec.nodeCount).fill(-1);
  const queue: number[] = [];
  for (const node of spec.initial) {
    if (distance[node] === -1) {
      distance[node] = 0;
      queue.push(node);
    }
  }
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head]!;
    for (const next of spec.edges[node] ?? []) {
      if (distance[next] === -1) {
        distance[next] = distance[node]! + 1;
        queue.push(next);
      }
    }
  }
  return distance;
}

/** Builds a GraphModel in any thread (a ModelFactory export): args is the GraphSpec. */
export function createGraphModel(args: Json): GraphModel {
  return new GraphModel(args as unknown as GraphSpec);
}
