// Every counterexample of every bundled model and example, as `faultline
// check --out` writes it, must be valid ITF (Apalache ADR-015): it matches
// docs/schemas/itf.schema.json, a strict reader written here from the ADR
// alone (not Faultline's readItfTrace) decodes every value, and Quint's own
// ITF reader (`ofItf` of @informalsystems/quint, which once threw on
// Faultline's nulls) reads every state. The trace must still replay with
// `faultline replay`.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Ajv from "ajv";
import { createRequire } from "node:module";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../src/cli.js";
import { discoverModelFiles } from "../src/discover.js";
import { ExitCode } from "../src/exit-codes.js";
import { expectedFor } from "../src/expected-outcomes.js";
import { captureIo } from "./capture-io.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const schema = JSON.parse(readFileSync(join(ROOT, "docs/schemas/itf.schema.json"), "utf8")) as object;
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);
// Quint ships its ITF reader as CommonJS inside its CLI package.
const { ofItf } = createRequire(import.meta.url)("@informalsystems/quint/dist/src/itf.js") as {
  ofItf(itf: unknown): unknown[];
};

// ---- An independent ITF reader, from ADR-015 ----------------------------------

/** A decoded ITF value. */
type ItfValue =
  | { kind: "bool"; value: boolean }
  | { kind: "str"; value: string }
  | { kind: "int"; value: bigint }
  | { kind: "list"; items: ItfValue[] }
  | { kind: "tup"; items: ItfValue[] }
  | { kind: "set"; items: ItfValue[] }
  | { kind: "map"; entries: [ItfValue, ItfValue][] }
  | { kind: "record"; fields: Map<string, ItfValue> }
  | { kind: "unserializable"; text: string };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function decodeValue(v: unknown, at: string): ItfValue {
  if (v === null) throw new Error(`${at}: null is not an ITF value`);
  if (typeof v === "boolean") return { kind: "bool", value: v };
  if (typeof v === "string") return { kind: "str", value: v };
  // Faultline writes every integer as #bigint; a bare JSON number would be lossy.
  if (typeof v === "number") throw new Error(`${at}: bare number ${v} (integers are {"#bigint": "n"})`);
  if (Array.isArray(v)) return { kind: "list", items: v.map((e, i) => decodeValue(e, `${at}[${i}]`)) };
  if (!isObject(v)) throw new Error(`${at}: not a JSON value ITF knows`);
  const keys = Object.keys(v);
  const tags = keys.filter((k) => k.startsWith("#"));
  if (tags.length === 0) {
    const fields = new Map<string, ItfValue>();
    for (const k of keys) fields.set(k, decodeValue(v[k], `${at}.${k}`));
    return { kind: "record", fields };
  }
  if (keys.length !== 1)
    throw new Error(`${at}: a tagged value must have exactly one key, got ${keys.join(", ")}`);
  const tag = keys[0]!;
  const body = v[tag];
  const list = (): unknown[] => {
    if (!Array.isArray(body)) throw new Error(`${at}: ${tag} needs an array`);
    return body;
  };
  switch (tag) {
    case "#bigint":
      if (typeof body !== "string" || !/^-?[0-9]+$/.test(body)) throw new Error(`${at}: bad #bigint`);
      return { kind: "int", value: BigInt(body) };
    case "#tup":
      return { kind: "tup", items: list().map((e, i) => decodeValue(e, `${at}#tup[${i}]`)) };
    case "#set":
      return { kind: "set", items: list().map((e, i) => decodeValue(e, `${at}#set[${i}]`)) };
    case "#map":
      return {
        kind: "map",
        entries: list().map((e, i) => {
          if (!Array.isArray(e) || e.length !== 2)
            throw new Error(`${at}#map[${i}]: not a [key, value] pair`);
          return [decodeValue(e[0], `${at}#map[${i}][0]`), decodeValue(e[1], `${at}#map[${i}][1]`)];
        }),
      };
    case "#unserializable":
      if (typeof body !== "string") throw new Error(`${at}: bad #unserializable`);
      return { kind: "unserializable", text: body };
    default:
      throw new Error(`${at}: unknown ITF tag ${tag}`);
  }
}

interface ItfTrace {
  vars: string[];
  states: Map<string, ItfValue>[];
  loop?: number;
}

function readItf(doc: unknown): ItfTrace {
  if (!isObject(doc)) throw new Error("an ITF trace is a JSON object");
  for (const k of Object.keys(doc)) {
    if (!["#meta", "params", "vars", "states", "loop"].includes(k))
      throw new Error(`unknown top-level field ${k}`);
  }
  if ("#meta" in doc && !isObject(doc["#meta"])) throw new Error("#meta must be an object");
  const vars = doc.vars;
  if (!Array.isArray(vars) || !vars.every((x) => typeof x === "string"))
    throw new Error("vars must be strings");
  if (new Set(vars).size !== vars.length) throw new Error("vars repeat a name");
  if (!Array.isArray(doc.states) || doc.states.length === 0)
    throw new Error("states must be a non-empty array");
  const states = doc.states.map((s, i) => {
    if (!isObject(s)) throw new Error(`states[${i}] is not an object`);
    const names = Object.keys(s).filter((k) => k !== "#meta");
    if ([...names].sort().join() !== [...vars].sort().join()) {
      throw new Error(`states[${i}] has variables ${names.join(", ")}, vars are ${vars.join(", ")}`);
    }
    const decoded = new Map<string, ItfValue>();
    for (const n of names) decoded.set(n, decodeValue(s[n], `states[${i}].${n}`));
    return decoded;
  });
  const trace: ItfTrace = { vars: vars as string[], states };
  if ("loop" in doc) {
    const loop = doc.loop;
    if (typeof loop !== "number" || !Number.isInteger(loop) || loop < 0 || loop >= states.length) {
      throw new Error(`loop ${String(loop)} is not the index of a state (0..${states.length - 1})`);
    }
    trace.loop = loop;
  }
  return trace;
}

/** A canonical text of a decoded value (sets and maps compared as written). */
function show(v: ItfValue): string {
  switch (v.kind) {
    case "bool":
    case "str":
      return JSON.stringify(v.value);
    case "int":
      return `${v.value}n`;
    case "list":
    case "tup":
    case "set":
      return `${v.kind}(${v.items.map(show).join(",")})`;
    case "map":
      return `map(${v.entries.map(([k, x]) => `${show(k)}->${show(x)}`).join(",")})`;
    case "record":
      return `{${[...v.fields].map(([k, x]) => `${k}:${show(x)}`).join(",")}}`;
    case "unserializable":
      return `?${v.text}`;
  }
}

function showState(s: Map<string, ItfValue>): string {
  return [...s].map(([k, v]) => `${k}=${show(v)}`).join(";");
}

describe("the independent ITF reader", () => {
  it("decodes every value form and rejects null, bare numbers and unknown tags", () => {
    const doc = {
      vars: ["x"],
      states: [
        {
          x: {
            a: [true, "s", { "#bigint": "-12345678901234567890" }],
            b: { "#tup": [] },
            c: { "#set": [{ "#map": [["k", { "#unserializable": "f" }]] }] },
          },
        },
      ],
    };
    expect(show(readItf(doc).states[0]!.get("x")!)).toBe(
      '{a:list(true,"s",-12345678901234567890n),b:tup(),c:set(map("k"->?f))}',
    );
    expect(() => readItf({ vars: ["x"], states: [{ x: null }] })).toThrow(/null/);
    expect(() => readItf({ vars: ["x"], states: [{ x: 1 }] })).toThrow(/bare number/);
    expect(() => readItf({ vars: ["x"], states: [{ x: { "#foo": 1 } }] })).toThrow(/unknown ITF tag/);
    expect(() => readItf({ vars: ["x"], states: [{ y: true }] })).toThrow(/variables/);
    expect(() => readItf({ vars: ["x"], states: [{ x: true }], loop: 1 })).toThrow(/loop/);
  });
});

// ---- Every failing test of every bundled model and example --------------------

const found = discoverModelFiles([`${ROOT}models`, `${ROOT}examples`]);
if (!found.ok) throw new Error(found.message);
const failing = found.files
  .map((file) => {
    const expected = expectedFor(file) ?? {};
    const tests = Object.entries(expected)
      .filter(([, e]) => e.outcome === "violation" || e.outcome === "deadlock" || e.outcome === "liveness")
      .map(([name]) => name);
    return { file, tests };
  })
  .filter((f) => f.tests.length > 0);

/** Lassos met across the files (the lasso branch below must really run). */
let lassosSeen = 0;

const outRoot = mkdtempSync(join(tmpdir(), "faultline-itf-"));
afterAll(() => rmSync(outRoot, { recursive: true, force: true }));

describe.each(failing.map((f) => [f.file.slice(ROOT.length), f] as const))("%s", (_name, { file, tests }) => {
  it(`writes valid ITF for ${tests.join(", ")}`, async () => {
    const out = join(outRoot, `${basename(dirname(file))}-${basename(file, ".fl")}`);
    // Base names: a parameterized test is selected by its name without the parameters.
    const names = [...new Set(tests.map((t) => t.replace(/\(.*$/, "")))];
    const cap = captureIo();
    const code = await runCli(
      ["check", file, "--test", names.join(","), "--expected", "--workers", "1", "--out", out, "--quiet"],
      cap.io,
    );
    expect(code, cap.out()).toBe(ExitCode.pass);
    const traces = readdirSync(out).filter((f) => f.endsWith(".itf.json"));
    expect(traces).toHaveLength(tests.length);
    for (const name of traces) {
      const path = join(out, name);
      const text = readFileSync(path, "utf8");
      const doc = JSON.parse(text) as Record<string, unknown>;
      const valid = validate(doc);
      expect(valid ? [] : validate.errors, name).toEqual([]);
      // No JSON null outside #meta (the document's and each state's).
      const states = (doc.states as Record<string, unknown>[]).map((st) => ({ ...st, "#meta": undefined }));
      const outsideMeta = JSON.stringify({ ...doc, "#meta": undefined, states });
      // A JSON null token (the string "null", a null machine reference, is fine).
      expect(outsideMeta).not.toMatch(/[:,[]null[,\]}]/);
      const trace = readItf(doc);
      expect(ofItf(doc), `${name}: Quint's reader`).toHaveLength(trace.states.length);
      const meta = (doc["#meta"] as { faultline: { steps: unknown[]; loop?: number } }).faultline;
      if (trace.loop !== undefined) {
        lassosSeen++;
        // A lasso: the last state is not the loop-start state again; the step back is in #meta.
        expect(showState(trace.states.at(-1)!)).not.toBe(showState(trace.states[trace.loop]!));
        expect(meta.steps).toHaveLength(trace.states.length + 1);
        expect(meta.loop).toBe(trace.loop);
      } else {
        // A step that fails (an assertion, an unhandled event) reaches no state.
        expect([0, 1]).toContain(meta.steps.length - trace.states.length);
      }
      const replay = captureIo();
      const replayed = await runCli(["replay", path], replay.io);
      expect([ExitCode.violation, ExitCode.builtinFailure, ExitCode.liveness], replay.out()).toContain(
        replayed,
      );
    }
  });
});

describe("the bundled counterexamples", () => {
  it("include liveness lassos, so the lasso checks above ran", () => {
    expect(lassosSeen).toBeGreaterThan(0);
  });
});
