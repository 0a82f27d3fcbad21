// An idempotent payment API. A client pays with an idempotency token and
// retries with the same token when it hears nothing back; the service charges
// each token at most once and answers every request for it with the same
// answer. The answer is stored, and synced, before the client is answered, so
// a crash and restart of the service keeps it.
import { type BugName, isBugName } from "./bugs.js";
import type { TokenStore } from "./token-store.js";

export interface PaymentRequest {
  /** Who asks (the client's name: where the answer goes). */
  client: string;
  /** The idempotency token: the same for every attempt of one payment. */
  token: string;
  amount: number;
  /** 1 for the first attempt, 2 for the first retry, ... */
  attempt: number;
}

export interface PaymentResponse {
  token: string;
  ok: boolean;
}

/** The card network: charges an amount, or declines. */
export interface PaymentProcessor {
  charge(token: string, amount: number): Promise<boolean>;
}

/** One structured log record of the service (JSON lines; mapped to the model by observe-mapping.json). */
export interface LogRecord {
  time: string;
  type:
    | "payment.requested"
    | "payment.charged"
    | "payment.responded"
    | "service.crashed"
    | "service.restarted";
  service: string;
  attributes: { [key: string]: string | number | boolean };
}

export interface ServiceOptions {
  store: TokenStore;
  processor: PaymentProcessor;
  /** Seeded divergences to turn on (bugs.ts). */
  bugs?: readonly BugName[];
  log?: (record: LogRecord) => void;
  /** Milliseconds since the epoch (injected, so logs are reproducible). */
  now?: () => number;
  name?: string;
}

const BATCH = 4; // lost-write-on-restart: fsync every BATCH writes

export class PaymentService {
  private readonly bugs: ReadonlySet<BugName>;
  private readonly store: TokenStore;
  private readonly processor: PaymentProcessor;
  private readonly log: (record: LogRecord) => void;
  private readonly now: () => number;
  private readonly name: string;
  /** token-not-persisted: the process's own memory instead of the store. */
  private memory = new Map<string, boolean>();
  private unsynced = 0;

  constructor(options: ServiceOptions) {
    for (const bug of options.bugs ?? []) {
      if (!isBugName(bug)) throw new Error(`unknown bug ${String(bug)}`);
    }
    this.bugs = new Set(options.bugs ?? []);
    this.store = options.store;
    this.processor = options.processor;
    this.log = options.log ?? (() => {});
    this.now = options.now ?? Date.now;
    this.name = options.name ?? "payments";
  }

  /** Handles one request; the answer to send back, or undefined when none is sent. */
  async pay(request: PaymentRequest): Promise<PaymentResponse | undefined> {
    const { token, amount } = request;
    this.emit("payment.requested", { token, amount, client: request.client, attempt: request.attempt });
    const key = this.bugs.has("keyed-by-attempt") ? `${token}#${request.attempt}` : token;
    if (!this.bugs.has("no-token-check") && !this.bugs.has("check-after-charge")) {
      const known = await this.recall(key);
      if (known !== undefined) return this.answerAgain(token, known);
    }
    const charged = this.bugs.has("fee-added") && amount >= 50 ? amount + 1 : amount;
    const ok = await this.processor.charge(token, charged);
    if (ok) this.emit("payment.charged", { token, amount: charged });
    if (this.bugs.has("check-after-charge")) {
      const known = await this.recall(key);
      if (known !== undefined) return this.answerAgain(token, known);
    }
    if (ok || !this.bugs.has("decline-not-stored"))
      await this.remember(key, this.bugs.has("response-not-stored") || ok);
    return this.answer(token, ok);
  }

  /** The process dies: memory and unsynced writes are gone. */
  crash(): void {
    this.memory = new Map();
    this.unsynced = 0;
    this.store.crash();
    this.emit("service.crashed", {});
  }

  /** The process starts again from the store. */
  async restart(): Promise<void> {
    await this.store.open();
    this.emit("service.restarted", {});
  }

  private answerAgain(token: string, known: boolean): PaymentResponse | undefined {
    if (this.bugs.has("duplicate-not-answered")) return undefined;
    return this.answer(token, this.bugs.has("wrong-duplicate-response") ? false : known);
  }

  private answer(token: string, ok: boolean): PaymentResponse {
    this.emit("payment.responded", { token, ok });
    return { token, ok };
  }

  private async recall(key: string): Promise<boolean | undefined> {
    return this.bugs.has("token-not-persisted") ? this.memory.get(key) : this.store.get(key);
  }

  private async remember(key: string, ok: boolean): Promise<void> {
    if (this.bugs.has("token-not-persisted")) {
      this.memory.set(key, ok);
      return;
    }
    await this.store.put(key, ok);
    this.unsynced++;
    if (!this.bugs.has("lost-write-on-restart") || this.unsynced >= BATCH) {
      await this.store.sync();
      this.unsynced = 0;
    }
  }

  private emit(type: LogRecord["type"], attributes: LogRecord["attributes"]): void {
    this.log({ time: new Date(this.now()).toISOString(), type, service: this.name, attributes });
  }
}

export function createService(options: ServiceOptions): PaymentService {
  return new PaymentService(options);
}
