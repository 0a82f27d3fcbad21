// The values the bundled models' variables take in their first reachable
// states (the machines' variables; not yet the spec monitors' or the
// messages' payloads): for each machine type's variable, the range of its ints (alone or
// inside collections) and the most elements its collections hold. ADR 0015's
// fixed-width layout needs bounds the types do not give (an int is 32 bits, a
// collection unbounded): this says what a layout chosen from observed values
// would have to hold, and how far the types' own bounds would go.
//   node --import tsx packages/checker/bench/value-ranges.ts [--states 20000] [filter ...]
import { execSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { compileSource, type IrProgram } from "@faultline/lang";
import { type Type, typeToString } from "@faultline/lang";
import { buildModel } from "../src/fl/fl-model.js";
import type { FlState } from "../src/fl/fl-state.js";

const args = process.argv.slice(2);
const at = args.indexOf("--states");
const limit = at >= 0 ? Number(args[at + 1]) : 20_000;
const filters = args.filter((a, i) => !a.startsWith("--") && (at < 0 || i !== at + 1));

type Value = number | boolean | string | readonly Value[];

/** What one variable was seen to hold. */
interface Seen {
  intMin: number;
  intMax: number;
  maxSize: number;
}

/** Folds value `v` of type `t` into `seen`: ints anywhere in it, and the size of each collection in it. */
function fold(t: Type, v: Value, seen: Seen): void {
  switch (t.kind) {
    case "int":
      seen.intMin = Math.min(seen.intMin, v as number);
      seen.intMax = Math.max(seen.intMax, v as number);
      return;
    case "seq":
    case "set": {
      const elems = v as readonly Value[];
      seen.maxSize = Math.max(seen.maxSize, elems.length);
      for (const e of elems) fold(t.elem, e, seen);
      return;
    }
    case "map": {
      const entries = v as readonly (readonly [Value, Value])[];
      seen.maxSize = Math.max(seen.maxSize, entries.length);
      for (const [k, x] of entries) {
        fold(t.key, k, seen);
        fold(t.value, x, seen);
      }
      return;
    }
    case "tuple":
      t.elems.forEach((et, i) => {
        fold(et, (v as readonly Value[])[i]!, seen);
      });
      return;
    case "namedTuple":
      t.fields.forEach((f, i) => {
        fold(f.type, (v as readonly Value[])[i]!, seen);
      });
      return;
    default:
      return;
  }
}

/** Whether a type holds an int or a collection somewhere (what a fixed-width layout cannot size from the type). */
function unbounded(t: Type): boolean {
  switch (t.kind) {
    case "int":
    case "seq":
    case "set":
    case "map":
    case "string":
      return true;
    case "tuple":
      return t.elems.some(unbounded);
    case "namedTuple":
      return t.fields.some((f) => unbounded(f.type));
    default:
      return false;
  }
}

function ranges(ir: IrProgram, test: string): { states: number; rows: string[] } {
  const fl = buildModel(ir, test);
  const seen = new Map<string, Seen>();
  const visited = new Set<string>();
  let queue: FlState[] = [];
  fl.initial((_s, o) => {
    if (o.kind === "state") queue.push(o.state);
  });
  while (queue.length > 0 && visited.size < limit) {
    const next: FlState[] = [];
    for (const s of queue) {
      const key = Buffer.from(fl.encode(s)).toString("latin1");
      if (visited.has(key) || visited.size >= limit) continue;
      visited.add(key);
      for (const m of s.machines) {
        const type = ir.machines[m.type]!;
        type.vars.forEach((v, k) => {
          if (!unbounded(v.type)) return;
          const name = `${type.name}.${v.name}: ${typeToString(v.type)}`;
          let entry = seen.get(name);
          if (entry === undefined) {
            entry = { intMin: Infinity, intMax: -Infinity, maxSize: 0 };
            seen.set(name, entry);
          }
          fold(v.type, m.vars[k] as Value, entry);
        });
      }
      fl.successors(s, (_step, o) => {
        if (o.kind === "state") next.push(o.state);
      });
    }
    queue = next;
  }
  const rows = [...seen].map(([name, e]) => {
    const ints = e.intMin <= e.intMax ? `${e.intMin}..${e.intMax}` : "";
    return `| ${test} | ${name} | ${ints} | ${e.maxSize > 0 || name.includes("[") ? e.maxSize : ""} |`;
  });
  return { states: visited.size, rows };
}

console.log(`first ${limit.toLocaleString("en-US")} reachable states of each test, breadth first`);
console.log("| test | variable | ints seen | most elements |");
console.log("| --- | --- | --: | --: |");
const files = execSync("ls models/*/*.fl").toString().trim().split("\n");
for (const file of files) {
  if (file.includes("-buggy") || (filters.length > 0 && !filters.some((f) => file.includes(f)))) continue;
  const c = compileSource({ path: file, text: readFileSync(file, "utf8") });
  if (!c.ok || c.ir.funs.some((f) => f.foreign)) continue;
  for (const t of c.ir.tests) {
    const { states, rows } = ranges(c.ir, t.name);
    for (const row of rows)
      console.log(row.replace(`| ${t.name} |`, `| ${file.replace(/^models\//, "")} ${t.name} (${states}) |`));
  }
}
