// What a thrown value says, for the messages explorers, replay and the model
// loader build around it. A leaf module: anything may import it.

/** The message of a thrown value: an Error's message, else the value as a string. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
