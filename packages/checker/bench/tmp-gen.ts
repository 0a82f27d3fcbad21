import { readFileSync } from "node:fs";
import { compileSource } from "@faultline/lang";
import { buildModel } from "../src/fl/fl-model.js";
import { byteModelOf } from "../src/fl/bytes/byte-model.js";
import { checkExhaustive } from "../src/search/bfs-explorer.js";
const text = readFileSync(new URL("../../../models/bench/two-phase-tla.fl", import.meta.url), "utf8");
const c = compileSource({ path: "x.fl", text });
if (!c.ok) throw 0;
const made = byteModelOf(
  buildModel(c.ir, c.ir.tests[0]!.name, { paramOverrides: { rms: Number(process.argv[2] ?? 8) } }),
);
if (!made.ok) throw new Error(made.reason);
const t0 = performance.now();
const r = checkExhaustive(made.model);
console.log(r.stats!.distinctStates, ((performance.now() - t0) / 1000).toFixed(2), made.model.counts);
