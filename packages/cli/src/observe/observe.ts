// `observe(options)`: the library form of `faultline observe` (docs/observe.md).
// Compiles the model, builds the named specs' monitors (MonitorRunner), reads
// the mapping, then streams the log through the engine (observe-engine.ts) in
// bounded memory: lines are split from byte chunks as they come, from a file,
// stdin, a growing file (`follow`) or any async iterable of chunks.
import { open } from "node:fs/promises";
import {
  errorMessage,
  loadForeignImplementation,
  MachineNames,
  MonitorRunner,
  parseParamValue,
} from "@faultline/checker";
import { compileSource, type Diagnostic, didYouMean, type IrProgram } from "@faultline/lang";
import { readFileSync } from "node:fs";
import { LineFormat, type MappingProblem, parsePointer } from "./line-format.js";
import type { ObserveCounts } from "../reporters/run-report.js";
import { type Finding, type InputError, ObserveEngine } from "./observe-engine.js";

export interface ObserveOptions {
  /** The model: a .fl path, or its text with the path to name it by. */
  model: string | { file: string; source: string };
  /** The specs whose monitors run; default every spec of the model. */
  specs?: readonly string[];
  /** A mapping file (path), or its parsed JSON with the path to name it by. */
  mapping?: string | { file: string; data: unknown };
  /**
   * The log: a path, "-" for stdin, or chunks (a Readable, an async iterable
   * of byte arrays or strings). Typed without Node's Buffer, so the package's
   * types need no @types/node.
   */
  input: string | AsyncIterable<Uint8Array | string>;
  /** How the input is named in messages (default: its path, `<stdin>` for "-", `<input>` otherwise). */
  inputName?: string;
  /** `--partition-by`: a JSON pointer into each line; one set of monitors per key. */
  partitionBy?: string;
  /** `--reorder-window`, in milliseconds (default 0: timestamps must not go back). */
  reorderWindowMs?: number;
  /** `--follow`: at the end of a file, wait for more lines until stopped (signal or timeout). */
  follow?: boolean;
  /** `--timeout`: stop reading after this long (the verdict then covers what was read). */
  timeoutMs?: number;
  /** Stops reading (Ctrl-C in the CLI); the end of the input for the verdict. */
  signal?: AbortSignal;
  /** Values for the model's params (default: their defaults); a string for an int or bool param is parsed (`--param n=3`). */
  params?: Record<string, number | boolean | string>;
  /** Lines kept per partition for a finding (default HISTORY_CAP, 1000). */
  historyCap?: number;
}

export type ObserveResult =
  | { kind: "model-error"; file: string; text: string; diagnostics: Diagnostic[] }
  | { kind: "usage"; message: string }
  | { kind: "mapping-error"; file: string; problems: MappingProblem[] }
  | ObserveRun;

export interface ObserveRun {
  kind: "observed";
  /** The model file. */
  model: string;
  /** The input's name in messages. */
  input: string;
  specs: string[];
  /** With --partition-by (or the mapping's partition): its pointer. */
  partitionBy: string | null;
  findings: Finding[];
  inputErrors: InputError[];
  counts: ObserveCounts;
  /** Why reading stopped before the end of the input: the timeout (no unresolved verdicts then). */
  stopped: "timeout" | null;
  elapsedMs: number;
  /** Of which reading and checking the log (the rest: compiling the model). */
  streamMs: number;
  /** The CPU time (user and system, every thread of the process: GC included) of reading and checking the log. */
  streamCpuMs: number;
  /** For presenting the findings: the monitors and the names of machine references. */
  runner: MonitorRunner;
  names: MachineNames;
}

/** Checks a log against the model's spec monitors. */
export async function observe(options: ObserveOptions): Promise<ObserveResult> {
  const started = performance.now();
  const setup = prepare(options);
  if (setup.kind !== "ready") return setup;
  const { runner, names, format, modelFile, specs } = setup;
  const engine = new ObserveEngine({
    runner,
    format,
    names,
    windowMs: options.reorderWindowMs ?? 0,
    ...(options.historyCap !== undefined ? { historyCap: options.historyCap } : {}),
  });
  const deadline =
    options.timeoutMs === undefined ? Number.POSITIVE_INFINITY : Date.now() + options.timeoutMs;
  const stop = { timeout: false };
  const stopped = (): boolean => {
    if (options.signal?.aborted) return true;
    if (Date.now() >= deadline) stop.timeout = true;
    return stop.timeout;
  };
  const inputName =
    options.inputName ??
    (typeof options.input === "string" ? (options.input === "-" ? "<stdin>" : options.input) : "<input>");
  let chunks: AsyncIterable<Uint8Array | string>;
  if (typeof options.input === "string") {
    if (options.input === "-") chunks = process.stdin;
    else {
      try {
        chunks = await fileChunks(options.input, options.follow === true, stopped);
      } catch (e) {
        return { kind: "usage", message: `cannot read ${options.input}: ${errorMessage(e)}` };
      }
    }
  } else chunks = options.input;
  const streaming = performance.now();
  const cpu = process.cpuUsage();
  await forEachLine(chunks, (text, n) => engine.line(text, n), stopped);
  engine.finish(!stop.timeout);
  const done = performance.now();
  const used = process.cpuUsage(cpu);
  return {
    kind: "observed",
    model: modelFile,
    input: inputName,
    specs,
    partitionBy: format.partition?.text ?? null,
    findings: engine.findings,
    inputErrors: engine.inputErrors,
    counts: engine.counts,
    stopped: stop.timeout ? "timeout" : null,
    elapsedMs: done - started,
    streamMs: done - streaming,
    streamCpuMs: (used.user + used.system) / 1000,
    runner,
    names,
  };
}

type Prepared =
  | {
      kind: "ready";
      runner: MonitorRunner;
      names: MachineNames;
      format: LineFormat;
      modelFile: string;
      specs: string[];
    }
  | Exclude<ObserveResult, ObserveRun>;

/** Everything before the first line: the model, its monitors, the line format. */
function prepare(options: ObserveOptions): Prepared {
  let file: string;
  let text: string;
  if (typeof options.model === "string") {
    file = options.model;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      return { kind: "usage", message: `no such model file: ${file}` };
    }
  } else ({ file, source: text } = options.model);
  const compiled = compileSource({ path: file, text });
  if (!compiled.ok) return { kind: "model-error", file, text, diagnostics: compiled.diagnostics };
  const ir: IrProgram = compiled.ir;
  const all = ir.specs.map((s) => s.name);
  const specs = options.specs === undefined || options.specs.length === 0 ? all : [...options.specs];
  if (specs.length === 0) return { kind: "usage", message: `${file} declares no spec to observe with` };
  for (const s of specs) {
    if (!all.includes(s)) {
      const hint = didYouMean(s, all);
      return {
        kind: "usage",
        message: `${file} has no spec ${s}${hint ? `; ${hint}` : ` (specs: ${all.join(", ")})`}`,
      };
    }
  }
  let foreign: Readonly<Record<string, unknown>> | undefined;
  if (ir.funs.some((f) => f.foreign)) {
    const loaded = loadForeignImplementation(ir);
    if (loaded.functions === null)
      return { kind: "model-error", file, text, diagnostics: loaded.diagnostics };
    foreign = loaded.functions;
  }
  const params: Record<string, number | boolean | string> = {};
  for (const [name, value] of Object.entries(options.params ?? {})) {
    const param = ir.params.find((p) => p.name === name);
    if (param === undefined) {
      const hint = didYouMean(
        name,
        ir.params.map((p) => p.name),
      );
      return {
        kind: "usage",
        message: `--param ${name}: ${file} has no param ${name}${hint ? `; ${hint}` : ""}`,
      };
    }
    const parsed =
      typeof value === "string" ? parseParamValue(value, param.type.kind) : { ok: true as const, value };
    if (!parsed.ok)
      return {
        kind: "usage",
        message: `--param ${name}=${value}: ${name} is ${param.type.kind === "int" ? "an int" : `a ${param.type.kind}`}, so give ${parsed.expected}`,
      };
    params[name] = parsed.value;
  }
  let runner: MonitorRunner;
  try {
    runner = new MonitorRunner(ir, specs, {
      params,
      ...(foreign ? { foreign } : {}),
    });
  } catch (e) {
    return { kind: "usage", message: errorMessage(e) };
  }
  const names = new MachineNames(
    ir.machines.map((m) => m.name),
    ir.events.map((e) => e.name),
  );
  let partition = null;
  if (options.partitionBy !== undefined) {
    partition = parsePointer(options.partitionBy);
    if (partition === null)
      return {
        kind: "usage",
        message: `--partition-by ${JSON.stringify(options.partitionBy)} is not a JSON pointer (RFC 6901: "/field/sub")`,
      };
  }
  if (options.mapping === undefined) {
    return {
      kind: "ready",
      runner,
      names,
      format: LineFormat.standard(runner, partition),
      modelFile: file,
      specs,
    };
  }
  let mapFile: string;
  let data: unknown;
  if (typeof options.mapping === "string") {
    mapFile = options.mapping;
    let raw: string;
    try {
      raw = readFileSync(mapFile, "utf8");
    } catch {
      return { kind: "usage", message: `no such mapping file: ${mapFile}` };
    }
    try {
      data = JSON.parse(raw);
    } catch (e) {
      return {
        kind: "mapping-error",
        file: mapFile,
        problems: [{ code: "OBS200", key: "(file)", message: `not valid JSON: ${errorMessage(e)}` }],
      };
    }
  } else ({ file: mapFile, data } = options.mapping);
  const format = LineFormat.fromMapping(runner, data, names, partition);
  if (Array.isArray(format)) return { kind: "mapping-error", file: mapFile, problems: format };
  return { kind: "ready", runner, names, format, modelFile: file, specs };
}

const CHUNK = 1 << 16;
const FOLLOW_POLL_MS = 200;

/** The chunks of a file; with `follow`, at its end it waits for more until `stopped()`. */
async function fileChunks(
  path: string,
  follow: boolean,
  stopped: () => boolean,
): Promise<AsyncIterable<Buffer>> {
  const handle = await open(path, "r");
  return (async function* () {
    try {
      for (;;) {
        const buffer = Buffer.allocUnsafe(CHUNK);
        const { bytesRead } = await handle.read(buffer, 0, CHUNK, null);
        if (bytesRead > 0) {
          yield buffer.subarray(0, bytesRead);
          continue;
        }
        if (!follow || stopped()) return;
        await new Promise((resolve) => setTimeout(resolve, FOLLOW_POLL_MS));
        if (stopped()) return;
      }
    } finally {
      await handle.close();
    }
  })();
}

/**
 * Calls `onLine` with each line of `chunks` (without its `\n` or `\r\n`) and
 * its number; stops early when `stopped()` (asked every 1,024 lines and at
 * each chunk). A last line without a newline counts.
 */
export async function forEachLine(
  chunks: AsyncIterable<Uint8Array | string>,
  onLine: (text: string, n: number) => void,
  stopped: () => boolean = () => false,
): Promise<void> {
  let carry: Buffer | null = null;
  let n = 0;
  const emit = (buf: Buffer, start: number, end: number) => {
    if (end > start && buf[end - 1] === 13) end--;
    onLine(buf.toString("utf8", start, end), ++n);
  };
  for await (const piece of chunks) {
    if (stopped()) return;
    let buf =
      typeof piece === "string"
        ? Buffer.from(piece)
        : Buffer.isBuffer(piece)
          ? piece
          : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    if (carry !== null) {
      buf = Buffer.concat([carry, buf]);
      carry = null;
    }
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(10, start);
      if (nl < 0) break;
      emit(buf, start, nl);
      start = nl + 1;
      if ((n & 1023) === 0 && stopped()) return;
    }
    // A partial line waits for its end (copied: the chunk's buffer may be reused).
    if (start < buf.length) carry = Buffer.from(buf.subarray(start));
  }
  if (carry !== null && carry.length > 0) emit(carry, 0, carry.length);
}
