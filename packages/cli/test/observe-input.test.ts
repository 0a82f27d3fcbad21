// `faultline observe` input (docs/observe.md, "Input"): the default line
// format, the mapping file and its errors (the file and the key, before any
// line is read), and each bad line reported with its line, column, code and
// the JSON pointer of the field.
import { describe, expect, it } from "vitest";
import { forEachLine, observe } from "../src/observe/observe.js";
import { line, MODEL_FILE, observeLines, stream } from "./observe-helpers.js";

const MAPPING = {
  timestamp: "/time",
  event: "/type",
  partition: "/attributes/account",
  events: {
    "account.opened": { as: "Opened", payload: "/attributes/account" },
    "account.deposit": {
      as: "Deposited",
      payload: { account: "/attributes/account", amount: "/attributes/cents", kind: { const: "Card" } },
    },
    "account.closed": { as: "Closed", payload: "/attributes/account" },
  },
};

function otel(time: string, type: string, attributes: object): string {
  return JSON.stringify({ time, type, traceId: "t", attributes });
}

describe("observe: the default line format", () => {
  it("reads events, payloads of every shape, and skips events no selected spec observes", async () => {
    const run = await observeLines([
      line(1, "Opened", "a"),
      line(2, "Audit"),
      line(3, "Deposited", { account: "a", amount: 5, kind: "Cash" }, { note: "ignored" }),
      "",
      line("1970-01-01T00:00:00.004Z", "Closed", "a"),
    ]);
    expect(run.inputErrors).toEqual([]);
    expect(run.counts).toMatchObject({ lines: 5, events: 3, unobserved: 1, inputErrors: 0 });
    expect(run.findings).toEqual([]);
  });

  it.each([
    ["{not json", 1, 2, "OBS100", /not valid JSON/],
    ["[1]", 1, 1, "OBS101", /a log line is a JSON object/],
    [JSON.stringify({ ts: 1, payload: "a" }), 1, 1, "OBS101", /no event name at \/event/],
    [line(1, "Openned", "a"), 1, 17, "OBS102", /no event Openned/],
    [line(1, "Opened"), 1, 1, "OBS103", /Opened needs a payload of type string/],
    [line(1, "Opened", 7), 1, 36, "OBS103", /expected string, got 7/],
    [line(1, "Deposited", { account: "a", amount: 5 }), 1, 39, "OBS103", /missing field kind/],
    [
      line(1, "Deposited", { account: "a", amount: "5", kind: "Cash" }),
      1,
      63,
      "OBS103",
      /payload of Deposited at \/payload\/amount: expected int, got "5"/,
    ],
    [
      line(1, "Deposited", { account: "a", amount: 5, kind: "Gold" }),
      1,
      72,
      "OBS103",
      /expected Kind, got "Gold"/,
    ],
    [line("yesterday", "Opened", "a"), 1, 7, "OBS104", /neither a number nor an ISO-8601 date/],
    [JSON.stringify({ event: "Opened", payload: "a" }), 1, 1, "OBS104", /no timestamp at \/ts/],
  ])("%s: an input error at its line and column, with a code", async (text, lineNo, col, code, message) => {
    const run = await observeLines([text], { specs: ["AccountLife"] });
    expect(run.inputErrors).toHaveLength(1);
    const e = run.inputErrors[0]!;
    expect({ line: e.line, col: e.col, code: e.code }).toEqual({ line: lineNo, col, code });
    expect(e.message).toMatch(message);
  });

  it("names the field's JSON pointer in a payload error, and goes on after a bad line", async () => {
    const run = await observeLines([
      line(1, "Opened", "a"),
      line(2, "Deposited", { account: "a", amount: 1.5, kind: "Cash" }),
      line(3, "Closed", "a"),
    ]);
    expect(run.inputErrors.map((e) => [e.line, e.message])).toEqual([
      [
        2,
        "payload of Deposited at /payload/amount: expected int, got 1.5 (an int is a JSON integer in -2147483648..2147483647)",
      ],
    ]);
    expect(run.counts.events).toBe(2);
  });

  it("needs the partition key on every line with --partition-by", async () => {
    const run = await observeLines([line(1, "Opened", "a", { acct: "a" }), line(2, "Opened", "b")], {
      partitionBy: "/acct",
    });
    expect(run.inputErrors.map((e) => [e.line, e.code, e.message])).toEqual([
      [2, "OBS105", "no partition key at /acct"],
    ]);
  });

  it("refuses a partition pointer that is not one", async () => {
    const r = await observe({ model: MODEL_FILE, input: stream([]), partitionBy: "acct" });
    expect(r).toMatchObject({ kind: "usage", message: expect.stringMatching(/not a JSON pointer/) });
  });
});

describe("observe: a mapping file", () => {
  it("maps a log's own fields (OpenTelemetry-like span events) to model events, constants included", async () => {
    const run = await observeLines(
      [
        otel("2026-12-04T10:00:00.000Z", "account.opened", { account: "a" }),
        otel("2026-12-04T10:00:00.001Z", "http.request", { route: "/" }),
        otel("2026-12-04T10:00:00.002Z", "account.deposit", { account: "a", cents: -3 }),
      ],
      { mapping: { file: "map.json", data: MAPPING } },
    );
    expect(run.counts).toMatchObject({ events: 2, unmapped: 1 });
    expect(run.partitionBy).toBe("/attributes/account");
    expect(run.findings.map((f) => [f.kind, f.spec, f.partition, f.line, f.failure.message])).toEqual([
      ["violation", "AccountLife", "a", 3, "spec AccountLife: deposit of -3 to a"],
    ]);
  });

  it("names the mapped field and the pointer in the line in a payload error", async () => {
    const run = await observeLines(
      [otel("2026-12-04T10:00:00.000Z", "account.deposit", { account: "a", cents: "12" })],
      { mapping: { file: "map.json", data: MAPPING } },
    );
    expect(run.inputErrors.map((e) => [e.line, e.code, e.message])).toEqual([
      [
        1,
        "OBS103",
        'payload of Deposited (mapped by events["account.deposit"].payload.amount) at /attributes/cents: expected int, got "12" (an int is a JSON integer in -2147483648..2147483647)',
      ],
    ]);
  });

  it("takes --partition-by over the mapping's own partition", async () => {
    const run = await observeLines([otel("2026-12-04T10:00:00.000Z", "account.opened", { account: "a" })], {
      mapping: { file: "map.json", data: MAPPING },
      partitionBy: "/traceId",
    });
    expect(run.partitionBy).toBe("/traceId");
    expect(run.findings.map((f) => f.partition)).toEqual(["t"]);
  });

  it("reports a missing mapped field with its pointer in the line", async () => {
    const run = await observeLines([otel("2026-12-04T10:00:00.000Z", "account.deposit", { account: "a" })], {
      mapping: { file: "map.json", data: MAPPING },
    });
    expect(run.inputErrors).toMatchObject([
      { line: 1, code: "OBS103", message: expect.stringMatching(/no value at \/attributes\/cents/) },
    ]);
  });

  it.each([
    [
      { events: { x: { as: "Opend", payload: "/a" } } },
      'events["x"].as',
      "OBS202",
      /no event Opend; did you mean 'Opened'\?/,
    ],
    [
      { events: { x: { as: "Opened" } } },
      'events["x"].payload',
      "OBS203",
      /has a payload of type string; map it/,
    ],
    [
      { events: { x: { as: "Audit", payload: "/a" } } },
      'events["x"].payload',
      "OBS203",
      /Audit has no payload/,
    ],
    [
      { events: { x: { as: "Opened", payload: "a/b" } } },
      'events["x"].payload',
      "OBS201",
      /not a JSON pointer/,
    ],
    [{ timestamp: "time", events: {} }, "timestamp", "OBS201", /not a JSON pointer/],
    [
      {
        events: { x: { as: "Deposited", payload: { account: "/a", amount: "/b", kind: "/c", cents: "/d" } } },
      },
      'events["x"].payload.cents',
      "OBS203",
      /has no field cents/,
    ],
    [
      { events: { x: { as: "Deposited", payload: { account: "/a", amount: "/b" } } } },
      'events["x"].payload',
      "OBS203",
      /field kind \(Kind\) is not mapped/,
    ],
    [
      {
        events: { x: { as: "Deposited", payload: { account: "/a", amount: "/b", kind: { const: "Gold" } } } },
      },
      'events["x"].payload.kind.const',
      "OBS204",
      /expected Kind, got "Gold"/,
    ],
    [{ events: { x: { as: "Opened", payload: ["/a"] } } }, 'events["x"].payload', "OBS204", /builds a tuple/],
    [{ events: [], extra: 1 }, "extra", "OBS200", /unknown key/],
  ])("%j: a mapping error at its key, before any line is read", async (data, key, code, message) => {
    let read = false;
    const input = (async function* () {
      read = true;
      yield "";
    })();
    const r = await observe({ model: MODEL_FILE, input, mapping: { file: "map.json", data } });
    expect(r.kind).toBe("mapping-error");
    if (r.kind !== "mapping-error") return;
    expect(r.file).toBe("map.json");
    const p = r.problems.find((x) => x.key === key);
    expect(p, JSON.stringify(r.problems)).toBeDefined();
    expect(p!.code).toBe(code);
    expect(p!.message).toMatch(message);
    expect(read).toBe(false);
  });
});

describe("observe: splitting lines", () => {
  it("splits chunks at newlines, CRLF included, multi-byte characters across chunks, a last line without one", async () => {
    const seen: [string, number][] = [];
    const text = "ab\r\nçé€\n\nlast";
    const chunks = (async function* () {
      const bytes = Buffer.from(text);
      for (let i = 0; i < bytes.length; i += 3) yield bytes.subarray(i, i + 3);
    })();
    await forEachLine(chunks, (t, n) => seen.push([t, n]));
    expect(seen).toEqual([
      ["ab", 1],
      ["çé€", 2],
      ["", 3],
      ["last", 4],
    ]);
  });
});
