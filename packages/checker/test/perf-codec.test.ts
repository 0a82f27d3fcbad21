// The generated (straight-line) encoders and decoders write and read exactly
// the bytes of the type-directed closures they replace, on every value of
// every reachable state of models with sets, maps, seqs, tuples, strings,
// payloads and fault state; and the reused output buffer never leaks into
// states (encode, then decode, then encode again gives the same bytes).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { compileSource, type Type } from "@faultline/lang";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkExhaustive } from "../src/search/bfs-explorer.js";
import {
  AnyCodec,
  compileDecoder,
  compileEncoder,
  compileValuesDecoder,
  compileValuesEncoder,
  decoderFor,
  encoderFor,
  Reader,
  Writer,
} from "../src/fl/codec.js";
import { buildModel, type FlModel } from "../src/fl/fl-model.js";
import type { FlState } from "../src/fl/fl-state.js";
import { flRuntime as rt, type Value } from "../src/fl/lang-codegen.js";

const root = (p: string) => fileURLToPath(new URL(`../../../${p}`, import.meta.url));

function modelOf(file: string, test: string): FlModel {
  const compiled = compileSource({ path: file, text: readFileSync(root(file), "utf8") });
  if (!compiled.ok) throw new Error(`${file} does not compile`);
  return buildModel(compiled.ir, test);
}

function bytesOf(write: (w: Writer) => void): number[] {
  const w = new Writer();
  w.begin();
  write(w);
  return Array.from(w.buf.subarray(w.start, w.pos));
}

/** Every reachable state of `model`, decoded from its encoding (breadth-first, at most `limit`). */
function reachable(model: FlModel, limit: number): FlState[] {
  const seen = new Set<string>();
  const states: FlState[] = [];
  const todo: Uint8Array[] = [];
  const visit = (s: FlState) => {
    const bytes = model.encode(s).slice();
    const key = Buffer.from(bytes).toString("latin1");
    if (seen.has(key) || states.length >= limit) return;
    seen.add(key);
    todo.push(bytes);
    states.push(model.decode(bytes));
  };
  model.initial((_step, o) => {
    if (o.kind === "state") visit(o.state);
  });
  while (todo.length > 0) {
    const s = model.decode(todo.shift()!);
    model.successors(s, (_step, o) => {
      if (o.kind === "state") visit(o.state);
    });
  }
  return states;
}

const MODELS: [string, string][] = [
  ["models/bench/two-phase-messages.fl", "UnderFaults(participants=2)"],
  ["models/paxos/paxos.fl", "Reliable(acceptors=3,proposers=2)"],
  ["models/leader-election/leader-election.fl", "LostVotes(nodes=3,maxTerm=2)"],
  ["models/lease-fencing/lease-fencing.fl", ""],
  ["models/idempotency-tokens/idempotency-tokens.fl", ""],
  ["examples/events-as-values.fl", "Broadcast"],
];

describe("generated codecs", () => {
  for (const [file, wanted] of MODELS) {
    it(`match the closure codecs on every reachable value of ${file}`, () => {
      const compiled = compileSource({ path: file, text: readFileSync(root(file), "utf8") });
      if (!compiled.ok) throw new Error(`${file} does not compile`);
      const test = wanted || compiled.ir.tests[0]!.name;
      const model = modelOf(file, test);
      const eventTypes = compiled.ir.events.map((e) => e.payload);
      const any = new AnyCodec(compiled.ir.anyTypes);
      const states = reachable(model, 400);
      expect(states.length).toBeGreaterThan(5);
      let checked = 0;
      const codecs = model.machines.map((table) => ({
        types: table.varTypes,
        closures: table.varTypes.map((t) => encoderFor(t, any)),
        encode: compileValuesEncoder(table.varTypes, any),
        decode: compileValuesDecoder(table.varTypes, any),
      }));
      const payloadCodecs = eventTypes.map((t) =>
        t === null ? null : { t, encode: compileEncoder(t, any), decode: compileDecoder(t, any) },
      );
      for (const s of states) {
        for (const m of s.machines) {
          const { types, closures, encode, decode } = codecs[m.type]!;
          const expected = bytesOf((w) => {
            closures.forEach((enc, i) => {
              enc(w, m.vars[i]!);
            });
          });
          expect(bytesOf((w) => encode(w, m.vars))).toEqual(expected);
          const back = decode(new Reader(Uint8Array.from(expected)));
          const r = new Reader(Uint8Array.from(expected));
          expect(back).toEqual(types.map((t) => decoderFor(t, any)(r)));
          expect(back).toEqual(m.vars);
          checked++;
        }
        for (const ch of s.channels) {
          for (const msg of ch.msgs) {
            const c = payloadCodecs[msg.event];
            if (!c || msg.payload === null) continue;
            const expected = bytesOf((w) => encoderFor(c.t, any)(w, msg.payload as Value));
            expect(bytesOf((w) => c.encode(w, msg.payload as Value))).toEqual(expected);
            const r = new Reader(Uint8Array.from(expected));
            expect(c.decode(r)).toEqual(decoderFor(c.t, any)(new Reader(Uint8Array.from(expected))));
            expect(c.decode(new Reader(Uint8Array.from(expected)))).toEqual(msg.payload);
          }
        }
        // encode -> decode -> encode is stable, whatever the reused output buffer held before.
        const first = model.encode(s).slice();
        model.encode(states[0]!);
        expect(Array.from(model.encode(model.decode(first)))).toEqual(Array.from(first));
      }
      expect(checked).toBeGreaterThan(0);
    });
  }

  it("match the closure codecs on random values of nested types", () => {
    const types: Type[] = [
      { kind: "map", key: { kind: "string" }, value: { kind: "seq", elem: { kind: "int" } } },
      {
        kind: "namedTuple",
        fields: [
          { name: "a", type: { kind: "bool" } },
          { name: "b", type: { kind: "set", elem: { kind: "machine", name: null } } },
        ],
      },
      { kind: "seq", elem: { kind: "tuple", elems: [{ kind: "int" }, { kind: "string" }] } },
    ];
    const arbitraries = [
      fc.array(fc.tuple(fc.string(), fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })))),
      fc.tuple(fc.boolean(), fc.array(fc.integer({ min: -1, max: 1000 }))),
      fc.array(fc.tuple(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), fc.string())),
    ];
    types.forEach((t, i) => {
      const encode = compileEncoder(t);
      const decode = compileDecoder(t);
      fc.assert(
        fc.property(arbitraries[i]!, (v) => {
          const value = v as unknown as Value;
          const expected = bytesOf((w) => encoderFor(t)(w, value));
          expect(bytesOf((w) => encode(w, value))).toEqual(expected);
          expect(decode(new Reader(Uint8Array.from(expected)))).toEqual(
            decoderFor(t)(new Reader(Uint8Array.from(expected))),
          );
        }),
        { seed: 42, numRuns: 200 },
      );
    });
  });
});

describe("any and event values", () => {
  // The program's dynamic types: an any holds one of these (id = index), or is null ([-1, 0]).
  const table: Type[] = [
    { kind: "int" },
    { kind: "string" },
    { kind: "seq", elem: { kind: "any" } },
    { kind: "tuple", elems: [{ kind: "machine", name: null }, { kind: "event" }] },
  ];
  const int = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
  const { anyValue } = fc.letrec<{ anyValue: unknown }>((tie) => ({
    anyValue: fc.oneof(
      { maxDepth: 3 },
      fc.constant([-1, 0]),
      fc.tuple(fc.constant(0), int),
      fc.tuple(fc.constant(1), fc.string({ maxLength: 4 })),
      fc.tuple(fc.constant(2), fc.array(tie("anyValue"), { maxLength: 3 })),
      fc.tuple(fc.constant(3), fc.tuple(fc.integer({ min: -1, max: 5 }), fc.integer({ min: -1, max: 3 }))),
    ),
  }));
  const types: Type[] = [{ kind: "any" }, { kind: "seq", elem: { kind: "any" } }, { kind: "event" }];
  const arbitraries = [anyValue, fc.array(anyValue, { maxLength: 4 }), fc.integer({ min: -1, max: 9 })];

  it("generated and closure codecs agree, decode inverts encode, and equal bytes mean equal values", () => {
    const any = new AnyCodec(table);
    types.forEach((t, i) => {
      const encode = compileEncoder(t, any);
      const decode = compileDecoder(t, any);
      fc.assert(
        fc.property(arbitraries[i]!, arbitraries[i]!, (a, b) => {
          const va = a as Value;
          const vb = b as Value;
          const bytesA = bytesOf((w) => encoderFor(t, any)(w, va));
          expect(bytesOf((w) => encode(w, va))).toEqual(bytesA);
          expect(decode(new Reader(Uint8Array.from(bytesA)))).toEqual(va);
          expect(decoderFor(t, any)(new Reader(Uint8Array.from(bytesA)))).toEqual(va);
          // Canonical: the runtime's order (type id first, then value) and the bytes agree on equality.
          const bytesB = bytesOf((w) => encode(w, vb));
          expect(rt.compare(va, vb) === 0).toBe(JSON.stringify(bytesA) === JSON.stringify(bytesB));
        }),
        { seed: 42, numRuns: 300 },
      );
    });
  });

  it("a program without any values has no table: encoding one is an internal error", () => {
    expect(() => bytesOf((w) => encoderFor({ kind: "any" })(w, [0, 1]))).toThrow(/no dynamic type with id 0/);
  });
});

it("the compact encoding keeps the pinned count of two-phase commit with messages under faults", () => {
  const model = modelOf("models/bench/two-phase-messages.fl", "UnderFaults(participants=2)");
  expect(checkExhaustive(model).stats!.distinctStates).toBe(15568);
});
