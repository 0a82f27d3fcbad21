// A walker on a (width+1) x (height+1) grid starting at (0, 0), moving x+1,
// y+1 or x+2 (emitted in that order, so the first paths found by a
// depth-first search are the long ones). Reaching (width, height) is the
// failure: either the invariant NotAtGoal fails there, or (with
// `failAsStep`) the step into the goal is an assertion failure. The shortest
// route takes ceil(width / 2) + height moves, and many routes exist.
import type { Failure, Invariant, Json, Model, StepLabel, StepOutcome } from "../../src/model.js";

export type GridState = { x: number; y: number };
export type GridStep = { start: true } | { move: "x+1" | "y+1" | "x+2" };

const MOVES = [
  { move: "x+1", dx: 1, dy: 0 },
  { move: "y+1", dx: 0, dy: 1 },
  { move: "x+2", dx: 2, dy: 0 },
] as const;

export class GridModel implements Model<GridState, GridStep> {
  readonly name = "grid";
  readonly invariants: readonly Invariant<GridState>[];
  private readonly buffer = new Uint8Array(2);

  constructor(
    readonly width: number,
    readonly height: number,
    private readonly failAsStep = false,
  ) {
    this.invariants = failAsStep
      ? []
      : [
          { name: "InBounds", holds: (s) => s.x <= width && s.y <= height },
          { name: "NotAtGoal", holds: (s) => !(s.x === width && s.y === height) },
        ];
  }

  initial(emit: (step: GridStep, outcome: StepOutcome<GridState>) => void): void {
    emit({ start: true }, { kind: "state", state: { x: 0, y: 0 } });
  }

  successors(state: GridState, emit: (step: GridStep, outcome: StepOutcome<GridState>) => void): void {
    for (const { move, dx, dy } of MOVES) {
      const next = { x: state.x + dx, y: state.y + dy };
      if (next.x > this.width || next.y > this.height) continue;
      emit({ move }, this.outcome(next));
    }
  }

  private outcome(next: GridState): StepOutcome<GridState> {
    if (this.failAsStep && next.x === this.width && next.y === this.height) {
      return {
        kind: "failure",
        failure: { kind: "assertion", property: "walker", message: "reached the goal" },
      };
    }
    return { kind: "state", state: next };
  }

  apply(state: GridState | null, step: GridStep): StepOutcome<GridState> {
    if (state === null) return { kind: "state", state: { x: 0, y: 0 } };
    if ("start" in step) throw new Error("start step after the start");
    const move = MOVES.find((m) => m.move === step.move)!;
    return this.outcome({ x: state.x + move.dx, y: state.y + move.dy });
  }

  terminal(): Failure | null {
    return null;
  }

  encode(state: GridState): Uint8Array {
    this.buffer[0] = state.x;
    this.buffer[1] = state.y;
    return this.buffer;
  }

  decode(bytes: Uint8Array): GridState {
    return { x: bytes[0]!, y: bytes[1]! };
  }

  describeStep(step: GridStep, _before: GridState | null, after: GridState | null): StepLabel {
    const where = after === null ? "" : ` to (${after.x}, ${after.y})`;
    return "start" in step
      ? { kind: "init", text: `start${where}` }
      : { kind: "move", text: `${step.move}${where}` };
  }

  viewState(state: GridState): { x: number; y: number } {
    return { x: state.x, y: state.y };
  }
}

/** Builds a GridModel in any thread (a ModelFactory export): args { width, height, failAsStep? }. */
export function createGridModel(args: Json): GridModel {
  const { width, height, failAsStep } = args as { width: number; height: number; failAsStep?: boolean };
  return new GridModel(width, height, failAsStep ?? false);
}
