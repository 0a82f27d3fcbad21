// Turns command-line paths into the list of .fl files to check, sorted for stable output.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

export type DiscoverResult = { ok: true; files: string[] } | { ok: false; message: string };

export function discoverModelFiles(paths: readonly string[]): DiscoverResult {
  const files: string[] = [];
  for (const p of paths) {
    if (!existsSync(p)) return { ok: false, message: `no such file or directory: ${p}` };
    if (statSync(p).isDirectory()) files.push(...walk(p));
    else files.push(p);
  }
  return { ok: true, files: [...new Set(files)] };
}

function walk(dir: string): string[] {
  const out: string[] = [];
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    if (e.name === "node_modules" || e.name.startsWith(".")) continue;
    const full = join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(full));
    else if (e.isFile() && e.name.endsWith(".fl")) out.push(full);
  }
  return out;
}
