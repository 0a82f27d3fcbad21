// The fault-injection harness: clients pay through the real service under
// load while the harness drops and duplicates requests, drops answers, and
// crashes and restarts the service; the service's structured log goes out as
// JSON lines, in its own format (observe-mapping.json maps it to payments.fl's
// events for `faultline observe`).
//
//   node --import tsx examples/payments-service/harness.ts --events 1000000 --out payments.jsonl
//   node --import tsx examples/payments-service/harness.ts --bug token-not-persisted --events 20000 > buggy.jsonl
//
// Options: --events N (log lines to write, default 10,000), --out FILE (default
// stdout), --bug NAME (repeatable; see src/bugs.ts), --seed N (default 1),
// --clients N (default 8), --retries N (default 2), --store memory|file
// (default memory; file: a FileTokenStore in a temporary folder).
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Prng } from "faultline";
import { BUG_NAMES, type BugName, isBugName } from "./src/bugs.js";
import { createService, type LogRecord, type PaymentProcessor, type PaymentRequest } from "./src/service.js";
import { FileTokenStore, MemoryTokenStore, type TokenStore } from "./src/token-store.js";

export interface HarnessOptions {
  /** Stop once the service has logged this many records. */
  events: number;
  bugs?: readonly BugName[];
  seed?: number;
  clients?: number;
  retries?: number;
  store?: "memory" | "file";
  /** Where each log line goes (one JSON object, no newline). */
  write: (line: string) => void;
  /** The time of the first record, in ms since the epoch (default 2026-12-04T10:00:00Z). */
  start?: number;
}

export interface HarnessStats {
  events: number;
  requests: number;
  payments: number;
  crashes: number;
  droppedRequests: number;
  duplicatedRequests: number;
  droppedAnswers: number;
  retries: number;
}

interface ClientState {
  name: string;
  index: number;
  payment: number;
  /** The payment in progress, or null when idle. */
  current: { token: string; amount: number; attempt: number } | null;
}

const DROP = 0.05;
const DUPLICATE = 0.05;
const DROP_ANSWER = 0.05;
const CRASH = 0.002;

/** A card network that declines about one charge in five (seeded). */
class SeededProcessor implements PaymentProcessor {
  constructor(private readonly rng: Prng) {}
  async charge(): Promise<boolean> {
    return this.rng.below(5) !== 0;
  }
}

export async function runHarness(options: HarnessOptions): Promise<HarnessStats> {
  const rng = new Prng(options.seed ?? 1);
  const retries = options.retries ?? 2;
  let clock = options.start ?? Date.parse("2026-12-04T10:00:00Z");
  const stats: HarnessStats = {
    events: 0,
    requests: 0,
    payments: 0,
    crashes: 0,
    droppedRequests: 0,
    duplicatedRequests: 0,
    droppedAnswers: 0,
    retries: 0,
  };
  let folder: string | null = null;
  let store: TokenStore;
  if (options.store === "file") {
    folder = mkdtempSync(join(tmpdir(), "payments-harness-"));
    store = new FileTokenStore(join(folder, "tokens.jsonl"));
  } else {
    store = new MemoryTokenStore();
  }
  const service = createService({
    store,
    processor: new SeededProcessor(rng),
    bugs: options.bugs ?? [],
    now: () => clock,
    log: (record: LogRecord) => {
      stats.events++;
      options.write(JSON.stringify(record));
    },
  });
  const clients: ClientState[] = Array.from({ length: options.clients ?? 8 }, (_, i) => ({
    name: `Client(${i})`,
    index: i,
    payment: 0,
    current: null,
  }));
  /** Requests on their way to the service (a bag: any may arrive next). */
  const network: PaymentRequest[] = [];
  try {
    while (stats.events < options.events) {
      clock += 1 + rng.below(3);
      const client = clients[rng.below(clients.length)]!;
      const roll = rng.below(10);
      if (rng.float() < CRASH) {
        stats.crashes++;
        service.crash();
        await service.restart();
      } else if (roll < 4 && network.length > 0) {
        // The network delivers a request: maybe lost, maybe twice.
        const request = network.splice(rng.below(network.length), 1)[0]!;
        if (rng.float() < DROP) {
          stats.droppedRequests++;
          continue;
        }
        if (rng.float() < DUPLICATE) {
          stats.duplicatedRequests++;
          network.push({ ...request });
        }
        stats.requests++;
        const answer = await service.pay(request);
        if (answer === undefined) continue;
        if (rng.float() < DROP_ANSWER) {
          stats.droppedAnswers++;
          continue;
        }
        const to = clients.find((c) => c.name === request.client)!;
        if (to.current?.token === answer.token) to.current = null; // settled
      } else if (client.current === null) {
        // A new payment, with a fresh token.
        client.payment++;
        stats.payments++;
        const token = `c${client.index}-p${client.payment}`; // as payments.fl's clients make them
        client.current = { token, amount: rng.below(2) === 0 ? 20 : 70, attempt: 1 };
        network.push({ client: client.name, ...client.current });
      } else if (roll >= 8) {
        // The client's retry timer: the same token again, or give up.
        if (client.current.attempt > retries) {
          client.current = null;
        } else {
          stats.retries++;
          client.current.attempt++;
          network.push({ client: client.name, ...client.current });
        }
      }
    }
  } finally {
    store.close?.();
    if (folder !== null) rmSync(folder, { recursive: true, force: true });
  }
  return stats;
}

/** `--name value` options of the command line. */
function parseArgs(argv: readonly string[]): Omit<HarnessOptions, "write"> & { out: string | null } {
  const options: Omit<HarnessOptions, "write"> & { out: string | null; bugs: BugName[] } = {
    events: 10_000,
    bugs: [],
    out: null,
  };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i]!, argv[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    switch (flag) {
      case "--events":
        options.events = Number(value);
        break;
      case "--out":
        options.out = value;
        break;
      case "--bug":
        if (!isBugName(value)) throw new Error(`unknown bug ${value}; the bugs: ${BUG_NAMES.join(", ")}`);
        options.bugs.push(value);
        break;
      case "--seed":
        options.seed = Number(value);
        break;
      case "--clients":
        options.clients = Number(value);
        break;
      case "--retries":
        options.retries = Number(value);
        break;
      case "--store":
        if (value !== "memory" && value !== "file") throw new Error("--store is memory or file");
        options.store = value;
        break;
      default:
        throw new Error(`unknown option ${flag}`);
    }
  }
  return options;
}

async function main(): Promise<void> {
  const { out, ...options } = parseArgs(process.argv.slice(2));
  const fd = out === null ? 1 : openSync(out, "w");
  let buffer: string[] = [];
  const flush = (): void => {
    if (buffer.length > 0) writeSync(fd, `${buffer.join("\n")}\n`);
    buffer = [];
  };
  const started = performance.now();
  const stats = await runHarness({
    ...options,
    write: (line) => {
      buffer.push(line);
      if (buffer.length >= 4096) flush();
    },
  });
  flush();
  if (out !== null) closeSync(fd);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  process.stderr.write(`harness: ${JSON.stringify(stats)} in ${seconds} s\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((e: unknown) => {
    process.stderr.write(`harness: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  });
}
