import { readFileSync } from "node:fs";
import { compileSource } from "@faultline/lang";
import { buildModel } from "../src/fl/fl-model.js";
const c = compileSource({ path: "x.fl", text: readFileSync("models/bench/two-phase-tla.fl", "utf8") });
if (!c.ok) throw 0;
const model = buildModel(c.ir, c.ir.tests[0]!.name, { paramOverrides: { rms: Number(process.argv[2] ?? 7) } });
const seen = new Set<string>(); let level: Uint8Array[] = [];
model.initial((_s, o) => { if (o.kind === "state") { const b = model.encode(o.state).slice(); seen.add(Buffer.from(b).toString("latin1")); level.push(b); } });
const sizes: number[] = []; let total = 0;
while (level.length) { sizes.push(level.length); total += level.length; const next: Uint8Array[] = [];
  for (const b of level) model.successors(model.decode(b), (_s, o) => { if (o.kind !== "state") return; const e = model.encode(o.state); const k = Buffer.from(e).toString("latin1"); if (!seen.has(k)) { seen.add(k); next.push(e.slice()); } });
  level = next; }
let cum = 0; console.log(sizes.map((s) => { cum += s; return `${s}(${cum})`; }).join(" "));
