// Test helpers: a test of a .fl file of the repository, and the first states
// a breadth-first search reaches, as the search holds them (objects, not
// decoded), with every step between them.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { buildModel, type FlModel } from "../../src/fl/fl-model.js";
import type { FlState } from "../../src/fl/fl-state.js";
import { compileText } from "../fixtures/fl/load.js";

/** A test of a .fl file of the repository (models/..., examples/...). */
export function modelFile(path: string, test: string): FlModel {
  const file = new URL(`../../../../${path}`, import.meta.url);
  return buildModel(compileText(path, readFileSync(file, "utf8")), test);
}

/** The first `limit` distinct states, breadth first, and every step from them (state, successor). */
export function reachable(model: FlModel, limit: number): { states: FlState[]; edges: [FlState, FlState][] } {
  const seen = new Set<string>();
  const states: FlState[] = [];
  const edges: [FlState, FlState][] = [];
  const add = (s: FlState) => {
    const key = Array.from(model.encode(s)).join(",");
    if (seen.has(key) || states.length >= limit) return;
    seen.add(key);
    states.push(s);
  };
  model.initial((_, o) => {
    if (o.kind === "state") add(o.state);
  });
  for (let i = 0; i < states.length; i++) {
    const s = states[i]!;
    model.successors(s, (_, o) => {
      if (o.kind !== "state") return;
      edges.push([s, o.state]);
      add(o.state);
    });
  }
  return { states, edges };
}

/** The .fl files under `dir`, in its subfolders too (the repository's models and examples). */
export function flFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return flFiles(path);
    return name.endsWith(".fl") ? [path] : [];
  });
}
