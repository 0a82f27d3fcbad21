// Model factories that misbehave, for the parallel explorer's error paths.
// Faults meant to hit a worker thread check isMainThread, so the coordinator's
// own instance (used to replay counterexamples) stays well-behaved and the
// test runner is never the one that exits or hangs.
import { isMainThread } from "node:worker_threads";
import type { Emit, Json, Model } from "../../src/model.js";
import type { ModelFactory } from "../../src/model-factory.js";
import { GraphModel, type GraphSpec, type GraphStep } from "./graph-model.js";

export type Fault =
  /** initial() throws. */
  | "initial"
  /** The invariant throws at node `at`. */
  | "invariant"
  /** A worker thread exits (process.exit in a worker ends only that thread) when expanding `at`. */
  | "exit"
  /** A worker thread throws asynchronously, outside any model call, after expanding `at`. */
  | "uncaught"
  /** A worker thread never returns from expanding `at`. */
  | "stuck"
  /** A worker thread emits a failing step from `at` that the coordinator's instance does not. */
  | "nondeterministic"
  /** Not a fault: each expansion in a worker thread takes `at` microseconds, so every worker gets work. */
  | "slow"
  /** Building the model takes `at` milliseconds in a worker thread (a large model's compile). */
  | "slow-build";

export interface FaultyArgs {
  fault: Fault;
  at: number;
  graph: GraphSpec;
}

class FaultyGraphModel extends GraphModel {
  constructor(
    spec: GraphSpec,
    private readonly fault: Fault,
    private readonly at: number,
  ) {
    super(spec);
    if (fault === "invariant") {
      (this as { invariants: unknown }).invariants = [
        {
          name: "Throws",
          holds: (node: number) => {
            if (node === at) throw new Error("invariant crashed");
            return true;
          },
        },
      ];
    }
  }

  override initial(emit: Emit<number, GraphStep>): void {
    if (this.fault === "initial") throw new Error("no initial state today");
    super.initial(emit);
  }

  override successors(node: number, emit: Emit<number, GraphStep>): void {
    if (this.fault === "slow" && !isMainThread) {
      const until = performance.now() + this.at / 1000;
      while (performance.now() < until) {
        // Busy: an expensive step.
      }
    }
    if (node === this.at && !isMainThread) {
      switch (this.fault) {
        case "exit":
          process.exit(3);
          break;
        case "uncaught":
          // Runs once the current message handler returns: outside the explorer's try/catch.
          queueMicrotask(() => {
            throw new Error("asynchronous crash");
          });
          break;
        case "stuck":
          for (;;) {
            // A step that never returns.
          }
        case "nondeterministic":
          emit(
            { from: node, index: 99, to: node },
            { kind: "failure", failure: { kind: "assertion", property: "p", message: "only in workers" } },
          );
          return;
        default:
          break;
      }
    }
    super.successors(node, emit);
  }
}

/** Builds a graph model with one fault: args { fault, at, graph }. */
export function createFaultyModel(args: Json): Model<number, GraphStep> {
  const { fault, at, graph } = args as unknown as FaultyArgs;
  if (fault === "slow-build" && !isMainThread) {
    const until = performance.now() + at;
    while (performance.now() < until) {
      // Busy: a long build that cannot see the stop flag.
    }
  }
  return new FaultyGraphModel(graph, fault, at);
}

/** A factory that fails. */
export function createNothing(): Model<number, GraphStep> {
  throw new Error("factory refuses");
}

/** Not a model at all. */
export function createNotAModel(): unknown {
  return { name: "impostor" };
}

/** The factory of `graph` with `at` microseconds per expansion in the workers, so every worker takes part in each level. */
export function slowGraphFactory(graph: GraphSpec, at = 20): ModelFactory {
  return {
    module: import.meta.url,
    exportName: "createFaultyModel",
    args: { fault: "slow", at, graph } as unknown as Json,
  };
}
