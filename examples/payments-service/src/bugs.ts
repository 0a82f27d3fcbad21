// The seeded divergences: each a bug a real payments service has shipped,
// selected by name (createService({ bugs: ["token-not-persisted"] })).
export const BUGS = {
  "token-not-persisted":
    "tokens are kept only in the process's memory: a restart forgets them and a retry is charged again",
  "check-after-charge":
    "the token is looked up after charging: a retry or duplicate is charged, then answered from the store",
  "no-token-check": "the token is never looked up: every retry and duplicate is charged",
  "wrong-duplicate-response":
    'a known token is answered "declined" (already processed) instead of the answer it got',
  "lost-write-on-restart":
    "answers are fsynced in batches of 4: a crash loses the unsynced ones and their retries are charged again",
  "keyed-by-attempt":
    "the store's key includes the attempt number: a client retry looks like a new payment and is charged again",
  "response-not-stored":
    "only that the token was seen is stored: a duplicate of a declined payment is answered ok",
  "duplicate-not-answered":
    "a request with a known token gets no answer: a client whose answer was lost never hears back",
  "fee-added": "payments of 50 or more are charged a fee of 1 on top of the amount requested",
  "decline-not-stored":
    "a declined payment's token is not stored: its retry goes to the processor again and may be charged",
} as const;

export type BugName = keyof typeof BUGS;

export const BUG_NAMES = Object.keys(BUGS) as BugName[];

export function isBugName(name: string): name is BugName {
  return Object.hasOwn(BUGS, name);
}
