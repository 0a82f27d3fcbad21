// The contract between Faultline's model-based tests and the code under test
// (docs/conformance.md): the model's machines the implementation plays, and
// an adapter that drives one real instance per model instance. Payloads are
// plain JSON (ints, bools and strings as themselves, enum members by name,
// named tuples as objects, machine references by display name `Client(0)`).
import type { Json } from "@faultline/checker";

export type Awaitable<T> = T | Promise<T>;

/** A model instance the implementation plays. */
export interface InstanceRef {
  /** Display name, `PaymentService(0)`: the `from` of what it sends, the `to` of what it receives. */
  name: string;
  /** Its machine type in the model. */
  type: string;
}

/** A message delivered to the implementation. */
export interface DeliveredMessage {
  event: string;
  payload: Json;
  /** The sender's display name. */
  from: string;
}

/** A message (event) the implementation sent: to whom, which event, its payload. */
export interface SentMessage {
  to: string;
  event: string;
  /** Absent or null for an event without payload. */
  payload?: Json;
}

/**
 * What a handler of the implementation sent, in order: an array, or nothing
 * (void) for none.
 */
// biome-ignore lint/suspicious/noConfusingVoidType: a handler written `() => {}` returns void, and that means "sent nothing"
export type Sends = SentMessage[] | undefined | void;

/**
 * Drives the real implementation. A fresh adapter is made for every schedule
 * (the factory in ConformanceOptions), so runs do not share state. Every
 * method may be async; the engine awaits each before the next step.
 */
export interface ImplementationAdapter {
  /** The model created `instance` (`new M(payload)`): start a real one; return what its start sends. */
  create(instance: InstanceRef, payload: Json): Awaitable<Sends>;
  /** Deliver `message` to `instance`; return what the handler sent. */
  deliver(instance: InstanceRef, message: DeliveredMessage): Awaitable<Sends>;
  /** The instance crashed: drop everything it did not persist. Needed when the test crashes a tested machine. */
  crash?(instance: InstanceRef): Awaitable<void>;
  /** The instance restarts from what it persisted; return what its start sends. Needed with `then restart`. */
  restart?(instance: InstanceRef): Awaitable<Sends>;
  /** The instance's timer fired; return what the handler sent. Needed when a tested machine has timers. */
  timer?(instance: InstanceRef, timer: string): Awaitable<Sends>;
  /** The schedule ended: release files, handles. */
  dispose?(): Awaitable<void>;
}

/** A bad model, test, adapter or option: a code to look up in docs/conformance.md, and what to do. */
export class ConformanceConfigError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly hint: string,
  ) {
    super(`${code}: ${message}\n  hint: ${hint}`);
    this.name = "ConformanceConfigError";
  }
}
