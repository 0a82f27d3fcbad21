// A small, strict argument parser: unknown flags are errors with a hint, not silently ignored.

export interface FlagSpec {
  name: string; // long name without dashes
  short?: string;
  /** list: repeatable and comma-separated; multi: repeatable, each value kept whole. */
  kind: "boolean" | "string" | "number" | "list" | "multi";
  description: string;
  valueName?: string;
}

export interface ParsedArgs {
  positionals: string[];
  flags: Map<string, string | number | boolean | string[]>;
}

export type ArgsResult = { ok: true; args: ParsedArgs } | { ok: false; message: string };

function closest(name: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDist = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const d = editDistance(name, c);
    if (d < bestDist) {
      bestDist = d;
      best = c;
    }
  }
  return bestDist <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}

export function parseArgs(argv: readonly string[], specs: readonly FlagSpec[]): ArgsResult {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short!, s]));
  const flags = new Map<string, string | number | boolean | string[]>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    let name: string;
    let inline: string | undefined;
    let spec: FlagSpec | undefined;
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
      inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
      spec = byName.get(name);
    } else {
      name = arg.slice(1);
      spec = byShort.get(name);
    }
    if (!spec) {
      const guess = closest(name, [...byName.keys()]);
      return {
        ok: false,
        message: `unknown option '${arg}'${guess ? ` (did you mean '--${guess}'?)` : ""}`,
      };
    }
    if (spec.kind === "boolean") {
      if (inline !== undefined) return { ok: false, message: `option '--${spec.name}' takes no value` };
      flags.set(spec.name, true);
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) {
      return { ok: false, message: `option '--${spec.name}' needs a value (${spec.valueName ?? spec.kind})` };
    }
    if (spec.kind === "number") {
      const n = Number(value);
      if (!Number.isFinite(n) || !/^-?\d+(\.\d+)?$/.test(value)) {
        return { ok: false, message: `option '--${spec.name}' needs a number, got '${value}'` };
      }
      flags.set(spec.name, n);
    } else if (spec.kind === "list") {
      const prev = (flags.get(spec.name) as string[] | undefined) ?? [];
      flags.set(spec.name, [...prev, ...splitList(value)]);
    } else if (spec.kind === "multi") {
      flags.set(spec.name, [...((flags.get(spec.name) as string[] | undefined) ?? []), value]);
    } else {
      flags.set(spec.name, value);
    }
  }
  return { ok: true, args: { positionals, flags } };
}

/** "10s", "2m", "500ms", "1h" or plain seconds -> milliseconds; null if malformed. */
export function parseDuration(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m) return null;
  const n = Number(m[1]);
  const unit = m[2] ?? "s";
  const factor = unit === "ms" ? 1 : unit === "s" ? 1000 : unit === "m" ? 60_000 : 3_600_000;
  return Math.round(n * factor);
}

/** "a,b(x=1,y=2)" -> ["a", "b(x=1,y=2)"]: commas inside parentheses belong to a test name. */
export function splitList(value: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of value) {
    if (ch === "(") depth++;
    else if (ch === ")") depth = Math.max(0, depth - 1);
    if (ch === "," && depth === 0) {
      if (current.length > 0) out.push(current);
      current = "";
    } else current += ch;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** "512MiB", "8GiB", "2g", "100m", "4096" (bytes) -> bytes; null if malformed. */
export function parseByteSize(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib|t|tb|tib)?$/i.exec(text.trim());
  if (!m) return null;
  const unit = (m[2] ?? "b").toLowerCase()[0]!;
  const power = { b: 0, k: 1, m: 2, g: 3, t: 4 }[unit] ?? 0;
  return Math.round(Number(m[1]) * 1024 ** power);
}
