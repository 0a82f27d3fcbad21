// The adapter between payments.fl's PaymentService and the real service
// (docs/conformance.md): a Pay delivered to PaymentService(0) becomes a call
// of service.pay, and what the call did is reported back as the model's
// sends: a charge the processor accepted as Charged to the Processor, the
// answer as Responded to the client.
import type { DeliveredMessage, ImplementationAdapter, InstanceRef, SentMessage } from "faultline/testing";
import type { BugName } from "./src/bugs.js";
import { createService, type PaymentProcessor, type PaymentService } from "./src/service.js";
import { MemoryTokenStore, type TokenStore } from "./src/token-store.js";

/** A card network that declines every other charge (deterministic, so a schedule replays), recording the accepted ones. */
export class AlternatingProcessor implements PaymentProcessor {
  private calls = 0;
  readonly accepted: { token: string; amount: number }[] = [];

  async charge(token: string, amount: number): Promise<boolean> {
    const ok = this.calls++ % 2 === 0;
    if (ok) this.accepted.push({ token, amount });
    return ok;
  }
}

export interface PaymentsAdapterOptions {
  bugs?: readonly BugName[];
  /** The token store of each run (default: a fresh MemoryTokenStore). */
  store?: () => TokenStore;
}

interface Pay {
  client: string;
  token: string;
  amount: number;
  attempt: number;
}

export class PaymentsAdapter implements ImplementationAdapter {
  private service: PaymentService | null = null;
  private processorName = "";
  private readonly processor = new AlternatingProcessor();
  private readonly store: TokenStore;

  constructor(private readonly options: PaymentsAdapterOptions = {}) {
    this.store = options.store?.() ?? new MemoryTokenStore();
  }

  /** `new PaymentService(processor)`: the payload is the processor's name. */
  create(_instance: InstanceRef, payload: unknown): SentMessage[] {
    this.processorName = String(payload);
    this.service = createService({
      store: this.store,
      processor: this.processor,
      bugs: this.options.bugs ?? [],
    });
    return [];
  }

  async deliver(instance: InstanceRef, message: DeliveredMessage): Promise<SentMessage[]> {
    if (message.event !== "Pay")
      throw new Error(`${instance.name} got ${message.event}, which the service has no API for`);
    const pay = message.payload as unknown as Pay;
    const before = this.processor.accepted.length;
    const answer = await this.service!.pay(pay);
    const sends: SentMessage[] = this.processor.accepted
      .slice(before)
      .map((charge) => ({ to: this.processorName, event: "Charged", payload: charge }));
    if (answer !== undefined) sends.push({ to: pay.client, event: "Responded", payload: { ...answer } });
    return sends;
  }

  crash(): void {
    this.service!.crash();
  }

  async restart(): Promise<SentMessage[]> {
    await this.service!.restart();
    return [];
  }

  dispose(): void {
    this.store.close?.();
  }
}
