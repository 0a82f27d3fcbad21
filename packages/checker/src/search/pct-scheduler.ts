// PCT: probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi,
// Nagarakatte, ASPLOS 2010), as P's checker uses it. Every actor (a machine;
// the environment for faults) gets a random priority when it first has an
// enabled step; the scheduler always runs the highest-priority actor that has
// one. At d - 1 random change points the running actor drops below every
// initial priority. A bug of depth d (d ordering constraints) is then found by
// one run with probability at least 1 / (n * k^(d-1)) for n actors and k steps,
// far more than a uniform random walk gives for deep orderings.
import type { Prng } from "./prng.js";

export class PctScheduler {
  /** Actors with their initial priority, highest first. */
  private readonly ranked: string[] = [];
  private readonly known = new Set<string>();
  /** Actors that passed a change point, with their new priority (all below the initial ones; higher wins). */
  private readonly lowered = new Map<string, number>();
  /** Step index -> priority given to the actor that takes that step. */
  private readonly changePoints = new Map<number, number>();

  /**
   * @param depth d: the number of ordering constraints targeted (d - 1 change points).
   * @param length the schedule length the change points are drawn from (steps 1..length-1).
   */
  constructor(
    private readonly rng: Prng,
    depth: number,
    length: number,
  ) {
    const points = Math.min(Math.max(0, depth - 1), Math.max(0, length - 1));
    let priority = points;
    while (this.changePoints.size < points) {
      const at = 1 + rng.below(Math.max(1, length - 1));
      if (!this.changePoints.has(at)) this.changePoints.set(at, priority--);
    }
  }

  /** Step indexes where priorities change (for tests and reports). */
  get changePointSteps(): number[] {
    return [...this.changePoints.keys()].sort((a, b) => a - b);
  }

  /**
   * Picks the step to take at `stepIndex` (0 = the initial step) among the
   * enabled ones, given the actor of each; returns its index in `actors`.
   */
  pick(stepIndex: number, actors: readonly string[]): number {
    for (const actor of actors) {
      if (this.known.has(actor)) continue;
      // A new actor (a machine just created) gets a random rank among the initial priorities.
      this.known.add(actor);
      this.ranked.splice(this.rng.below(this.ranked.length + 1), 0, actor);
    }
    const present = new Set(actors);
    let chosen: string | undefined;
    for (const actor of this.ranked) {
      if (present.has(actor)) {
        chosen = actor;
        break;
      }
    }
    if (chosen === undefined) {
      let best = Number.NEGATIVE_INFINITY;
      for (const actor of actors) {
        const priority = this.lowered.get(actor)!;
        if (priority > best) {
          best = priority;
          chosen = actor;
        }
      }
    }
    const candidates: number[] = [];
    actors.forEach((actor, i) => {
      if (actor === chosen) candidates.push(i);
    });
    const index = candidates[this.rng.below(candidates.length)]!;
    const change = this.changePoints.get(stepIndex);
    if (change !== undefined) {
      const at = this.ranked.indexOf(chosen!);
      if (at >= 0) this.ranked.splice(at, 1);
      this.lowered.set(chosen!, change);
    }
    return index;
  }
}
