// Test helper for `faultline observe`: a small model, logs written as lines,
// and observe() run in-process on them.
import { Readable } from "node:stream";
import { type ObserveOptions, type ObserveRun, observe } from "../src/observe/observe.js";

/** Accounts: Opened, Deposited, Closed; a spec per account and one counter over all. */
export const MODEL = `enum Kind { Cash, Card }
event Opened: string;
event Deposited: (account: string, amount: int, kind: Kind);
event Closed: string;
event Audit;

// An account is opened before deposits, and closed once (safety); an open account is eventually closed (liveness).
spec AccountLife observes Opened, Deposited, Closed {
  var balance: int;
  start cold state Unopened {
    on Opened goto Open;
  }
  hot state Open {
    on Deposited do (d) {
      assert d.amount > 0, format("deposit of {0} to {1}", d.amount, d.account);
      balance += d.amount;
    }
    on Closed goto Done;
    ignore Opened;
  }
  cold state Done {
    on Opened goto Open;
  }
}

// At most 3 accounts open at once, over the whole log.
spec FewOpen observes Opened, Closed {
  var open: int;
  start state Counting {
    on Opened do (a) { open += 1; assert open <= 3, "more than 3 accounts open"; }
    on Closed do (a) { open -= 1; }
  }
}
`;

export const MODEL_FILE = { file: "accounts.fl", source: MODEL };

/** One default-format line. */
export function line(ts: number | string, event: string, payload?: unknown, extra: object = {}): string {
  return JSON.stringify({ ts, event, ...(payload === undefined ? {} : { payload }), ...extra });
}

/** The lines as a stream, one chunk per `chunk` characters (lines cut across chunks). */
export function stream(lines: readonly string[], chunk = 7): Readable {
  const text = `${lines.join("\n")}\n`;
  const pieces: Buffer[] = [];
  for (let i = 0; i < text.length; i += chunk) pieces.push(Buffer.from(text.slice(i, i + chunk)));
  return Readable.from(pieces);
}

/** observe() on `lines`, expecting a run (not a setup error). */
export async function observeLines(
  lines: readonly string[],
  options: Partial<ObserveOptions> = {},
): Promise<ObserveRun> {
  const result = await observe({
    model: MODEL_FILE,
    input: stream(lines),
    inputName: "log.jsonl",
    ...options,
  });
  if (result.kind !== "observed") throw new Error(`observe gave ${JSON.stringify(result)}`);
  return result;
}
