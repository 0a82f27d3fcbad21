// The payments service, its token stores and the fault harness, on their own.
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { AlternatingProcessor } from "./adapter.js";
import { runHarness } from "./harness.js";
import type { BUG_NAMES } from "./src/bugs.js";
import { createService, type LogRecord } from "./src/service.js";
import { FileTokenStore, MemoryTokenStore, type TokenStore } from "./src/token-store.js";

const root = mkdtempSync(join(tmpdir(), "payments-service-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("token stores", () => {
  test.each([
    ["memory", () => new MemoryTokenStore()],
    ["file", () => new FileTokenStore(join(root, "crash.jsonl"))],
  ] as const)("%s: a crash keeps what was synced and loses what was not", async (_name, make) => {
    const store: TokenStore = make();
    await store.open();
    await store.put("a", true);
    await store.sync();
    await store.put("b", false);
    expect(await store.get("b")).toBe(false);
    store.crash();
    await store.open();
    expect(await store.get("a")).toBe(true);
    expect(await store.get("b")).toBeUndefined();
    store.close?.();
  });

  test("file: a torn last line (a crash mid-write) is skipped when the file is read back", async () => {
    const path = join(root, "torn.jsonl");
    const store = new FileTokenStore(path);
    await store.put("a", true);
    await store.sync();
    store.close();
    appendFileSync(path, '{"token":"b","ok":tr');
    await store.open();
    expect(await store.get("a")).toBe(true);
    expect(await store.get("b")).toBeUndefined();
    store.close();
    expect(readFileSync(path, "utf8").split("\n")[0]).toBe('{"token":"a","ok":true}');
  });
});

describe("the service", () => {
  test("a retry with the same token is answered the same, without a second charge; a restart keeps it", async () => {
    const processor = new AlternatingProcessor();
    const service = createService({ store: new MemoryTokenStore(), processor });
    const pay = { client: "Client(0)", token: "c0-p1", amount: 20, attempt: 1 };
    expect(await service.pay(pay)).toEqual({ token: "c0-p1", ok: true });
    service.crash();
    await service.restart();
    expect(await service.pay({ ...pay, attempt: 2 })).toEqual({ token: "c0-p1", ok: true });
    expect(processor.accepted).toEqual([{ token: "c0-p1", amount: 20 }]);
  });

  test("token-not-persisted: after a restart the retry is charged again", async () => {
    const processor = { charged: 0, charge: async () => ++processor.charged > 0 };
    const service = createService({
      store: new MemoryTokenStore(),
      processor,
      bugs: ["token-not-persisted"],
    });
    const pay = { client: "Client(0)", token: "t", amount: 20, attempt: 1 };
    await service.pay(pay);
    service.crash();
    await service.restart();
    await service.pay({ ...pay, attempt: 2 });
    expect(processor.charged).toBe(2);
  });

  test("an unknown bug name is refused", () => {
    expect(() =>
      createService({
        store: new MemoryTokenStore(),
        processor: new AlternatingProcessor(),
        bugs: ["nope" as never],
      }),
    ).toThrow("unknown bug nope");
  });
});

describe("the fault harness", () => {
  test("writes the service's structured log: ordered timestamps, the three payment events, crashes and duplicates injected", async () => {
    const lines: string[] = [];
    const stats = await runHarness({ events: 5000, write: (l) => lines.push(l), seed: 3 });
    expect(lines.length).toBe(stats.events);
    expect(stats.events).toBeGreaterThanOrEqual(5000);
    const records = lines.map((l) => JSON.parse(l) as LogRecord);
    const types = new Set(records.map((r) => r.type));
    expect([...types].sort()).toEqual([
      "payment.charged",
      "payment.requested",
      "payment.responded",
      "service.crashed",
      "service.restarted",
    ]);
    const times = records.map((r) => Date.parse(r.time));
    expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
    expect(stats.duplicatedRequests).toBeGreaterThan(0);
    expect(stats.droppedRequests + stats.droppedAnswers).toBeGreaterThan(0);
    expect(stats.retries).toBeGreaterThan(0);
    // The clean service answers every request it logged, once per request.
    const requested = records.filter((r) => r.type === "payment.requested").length;
    expect(records.filter((r) => r.type === "payment.responded").length).toBe(requested);
  });

  test("is reproducible from its seed, and the bugs change what it logs", async () => {
    const run = async (bugs: (typeof BUG_NAMES)[number][]) => {
      const lines: string[] = [];
      await runHarness({ events: 2000, write: (l) => lines.push(l), seed: 5, bugs });
      return lines.join("\n");
    };
    expect(await run([])).toBe(await run([]));
    expect(await run(["no-token-check"])).not.toBe(await run([]));
  });

  test("runs with the file-backed store", async () => {
    const lines: string[] = [];
    const stats = await runHarness({ events: 500, write: (l) => lines.push(l), store: "file" });
    expect(stats.events).toBeGreaterThanOrEqual(500);
  });
});
