// Where the service keeps idempotency tokens and the answer it gave for each.
// A store buffers what is put until sync() makes it durable (fsync): a crash
// of the service process loses what was put but not synced.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from "node:fs";

export interface TokenStore {
  /** The answer stored for `token` (synced or not), or undefined. */
  get(token: string): Promise<boolean | undefined>;
  /** Stores the answer; durable only after the next sync(). */
  put(token: string, ok: boolean): Promise<void>;
  /** Makes everything put so far durable. */
  sync(): Promise<void>;
  /** The service process died: whatever was not synced is gone. */
  crash(): void;
  /** The service starts again: read back what is durable. */
  open(): Promise<void>;
  close?(): void;
}

/**
 * A durable store held in memory, as an external key-value store outside the
 * service's process: what is synced survives the service's crash.
 */
export class MemoryTokenStore implements TokenStore {
  private readonly durable = new Map<string, boolean>();
  private readonly pending = new Map<string, boolean>();

  async get(token: string): Promise<boolean | undefined> {
    return this.pending.get(token) ?? this.durable.get(token);
  }

  async put(token: string, ok: boolean): Promise<void> {
    this.pending.set(token, ok);
  }

  async sync(): Promise<void> {
    for (const [token, ok] of this.pending) this.durable.set(token, ok);
    this.pending.clear();
  }

  crash(): void {
    this.pending.clear();
  }

  async open(): Promise<void> {}
}

/**
 * A JSON-lines file, one `{"token": ..., "ok": ...}` per answer: put buffers
 * the line, sync appends the buffer and fsyncs. open() rereads the file (a
 * torn last line, from a crash mid-write, is skipped).
 */
export class FileTokenStore implements TokenStore {
  private index = new Map<string, boolean>();
  private buffer: string[] = [];
  private fd: number | null = null;

  constructor(private readonly path: string) {}

  async get(token: string): Promise<boolean | undefined> {
    this.ensureOpen();
    return this.index.get(token);
  }

  async put(token: string, ok: boolean): Promise<void> {
    this.ensureOpen();
    this.index.set(token, ok);
    this.buffer.push(`${JSON.stringify({ token, ok })}\n`);
  }

  async sync(): Promise<void> {
    if (this.buffer.length === 0) return;
    this.ensureOpen();
    writeSync(this.fd!, this.buffer.join(""));
    fsyncSync(this.fd!);
    this.buffer = [];
  }

  crash(): void {
    this.buffer = [];
    this.index = new Map();
    this.close();
  }

  async open(): Promise<void> {
    this.close();
    this.load();
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private ensureOpen(): void {
    if (this.fd === null) this.load();
  }

  private load(): void {
    this.index = new Map();
    if (existsSync(this.path)) {
      for (const line of readFileSync(this.path, "utf8").split("\n")) {
        if (line === "") continue;
        try {
          const { token, ok } = JSON.parse(line) as { token: string; ok: boolean };
          this.index.set(token, ok);
        } catch {
          // a torn line, from a crash mid-write: never synced, so never answered
        }
      }
    }
    this.fd = openSync(this.path, "a");
  }
}
