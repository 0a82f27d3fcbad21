// The failures the checker itself phrases (the model phrases its own through
// StepOutcome and Model.terminal). Explorers, replay and shrinking all report an
// invariant that does not hold through invariantFailure, so the text is the same
// whichever found it.
import type { Failure, Invariant } from "./model.js";

/**
 * The failure reported when `invariant` does not hold in `state`: for a
 * quantified invariant, which instances break it (`invariant NoSplitDecision
 * does not hold for p = Participant(0), q = Participant(1)`).
 */
export function invariantFailure<S>(invariant: Invariant<S>, state: S): Failure {
  const witness = invariant.witness?.(state) ?? null;
  const failure: Failure = {
    kind: "invariant",
    property: invariant.name,
    message: `invariant ${invariant.name} does not hold${witness === null ? "" : ` for ${witness}`}`,
  };
  if (invariant.location !== undefined) failure.location = invariant.location;
  return failure;
}
