// The core of `faultline observe` (docs/observe.md): log lines in, findings
// out. Each line is parsed and read (line-format.ts), put in timestamp order
// (reorder-window.ts) and shown to the monitors of its partition
// (MonitorRunner, the checker's own monitor code). Per partition the engine
// keeps only the monitors' state and the recent lines that changed it; a
// partition whose monitors are back where they started is dropped (a fresh
// one is the same), so memory follows the partitions in progress, not the log.
import {
  type Failure,
  type FlState,
  type MachineNames,
  type MonitorRunner,
  spanToLocation,
} from "@faultline/checker";
import type { ObserveCounts } from "../reporters/run-report.js";
import { type LineFormat, LineProblem, type ObservedEvent } from "./line-format.js";
import { ReorderWindow } from "./reorder-window.js";

/** Lines kept per partition for a finding's trace: the last this many lines that changed its monitors. */
export const HISTORY_CAP = 1000;
/** Findings kept in full; more are counted. */
export const MAX_FINDINGS = 1000;
/** Input errors kept in full; more are counted. */
export const MAX_INPUT_ERRORS = 100;

/** One line that led to a finding, and the monitors' state after it. */
export interface HistoryEntry {
  line: number;
  ts: number;
  event: number;
  payload: unknown;
  state: FlState;
}

export interface Finding {
  /** A monitor failed (an assert, an unhandled event, a runtime error), or is hot at the end of the input. */
  kind: "violation" | "unresolved";
  /** The spec monitor. */
  spec: string;
  failure: Failure;
  /** The partition's key; null without --partition-by. */
  partition: string | null;
  /** The line whose event failed (violations). */
  line: number | null;
  /** The monitors' state before the first line of `history`. */
  start: FlState;
  /** The lines that led there, oldest first (at most HISTORY_CAP). */
  history: HistoryEntry[];
  /** Earlier lines of the partition left out of `history` (the cap). */
  dropped: number;
}

/** A line that could not be read: where, a code (docs/observe.md), what and a hint. */
export interface InputError {
  line: number;
  col: number;
  code: string;
  message: string;
  hint: string | null;
}

interface Partition {
  state: FlState;
  /** The state before the first line of the history. */
  before: FlState;
  /**
   * The history's last line; each links to the one before (`prev`). The
   * states after each are not kept (memory): a finding replays them from `before`.
   */
  last: ObservedEvent | null;
  /** Lines in the history. */
  length: number;
  dropped: number;
  failed: boolean;
}

export interface EngineOptions {
  runner: MonitorRunner;
  format: LineFormat;
  names: MachineNames;
  windowMs: number;
  historyCap?: number;
}

export class ObserveEngine {
  readonly counts: ObserveCounts = {
    lines: 0,
    events: 0,
    unmapped: 0,
    unobserved: 0,
    afterViolation: 0,
    inputErrors: 0,
    late: 0,
    partitions: 0,
    peakPartitions: 0,
    moreFindings: 0,
  };
  readonly findings: Finding[] = [];
  readonly inputErrors: InputError[] = [];
  private readonly partitions = new Map<string, Partition>();
  private readonly window: ReorderWindow<ObservedEvent>;
  private readonly initial: FlState;
  private readonly cap: number;
  private readonly runner: MonitorRunner;
  private readonly nMonitors: number;
  private readonly startFailed: boolean;
  /** The raw text of the line being read (for columns). */
  private text = "";

  constructor(private readonly options: EngineOptions) {
    this.runner = options.runner;
    this.nMonitors = options.runner.monitors.length;
    this.cap = Math.max(1, options.historyCap ?? HISTORY_CAP);
    this.window = new ReorderWindow<ObservedEvent>(options.windowMs, (p) => this.apply(p));
    const start = options.runner.initial();
    this.initial = start.state ?? {
      machines: [],
      monitors: [],
      channels: [],
      byType: [],
      budgets: [],
      cut: null,
    };
    this.startFailed = start.kind === "failure";
    if (start.kind === "failure") this.addFinding(this.violation(start.failure, null, null, this.fresh()));
  }

  /** Reads line number `n` (1-based) of the input. */
  line(text: string, n: number): void {
    this.counts.lines++;
    if (text.trim() === "") return;
    this.text = text;
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch (e) {
      const position = /position (\d+)/.exec(String((e as Error).message));
      this.inputError(
        n,
        position ? Number(position[1]) + 1 : 1,
        "OBS100",
        `not valid JSON: ${(e as Error).message}`,
        "each line of the log is one JSON object (JSON Lines)",
      );
      return;
    }
    try {
      const read = this.options.format.read(doc, this.options.names, n);
      if (read.kind === "skip") {
        if (read.why === "unmapped") this.counts.unmapped++;
        else this.counts.unobserved++;
        return;
      }
      if (!this.window.push(read)) {
        this.counts.late++;
        this.inputError(
          n,
          1,
          "OBS106",
          `event ${this.runner.events[read.event]!.name} at ${isoTime(read.ts)} arrived after an event at ${isoTime(this.window.newest)}, more than the reorder window (${this.options.windowMs} ms) out of order; not checked`,
          "widen --reorder-window to re-sort it",
        );
      }
    } catch (e) {
      if (!(e instanceof LineProblem)) throw e;
      this.inputError(n, this.columnOf(e.pointer), e.code, e.message, e.hint);
    }
  }

  /**
   * The end of the input: the events still held are checked, then (unless
   * the input was cut short) every monitor still hot is unresolved.
   */
  finish(endOfInput: boolean): void {
    this.window.flush();
    if (!endOfInput) return;
    for (const [key, p] of this.partitions) {
      if (p.failed) continue;
      for (let i = 0; i < this.nMonitors; i++) {
        if (!this.runner.isHot(p.state, i)) continue;
        const table = this.runner.monitors[i]!;
        const state = this.runner.stateName(p.state, i);
        const failure: Failure = {
          kind: "hot-at-end",
          property: table.name,
          message: `spec ${table.name} is still hot at the end of the input, in state ${state}`,
          location: spanToLocation(table.states[p.state.monitors[i]!.state]!.span),
        };
        this.addFinding({
          kind: "unresolved",
          spec: table.name,
          failure,
          partition: this.options.format.partition === null ? null : key,
          line: null,
          ...this.kept(p),
        });
      }
    }
  }

  private fresh(): Partition {
    return { state: this.initial, before: this.initial, last: null, length: 0, dropped: 0, failed: false };
  }

  private apply(item: ObservedEvent): void {
    const key = item.partition ?? "";
    let p = this.partitions.get(key);
    if (p === undefined) {
      p = this.fresh();
      // The monitors' start entries failed: there is nothing to check.
      p.failed = this.startFailed;
      this.partitions.set(key, p);
      this.counts.partitions++;
      if (this.partitions.size > this.counts.peakPartitions)
        this.counts.peakPartitions = this.partitions.size;
    }
    if (p.failed) {
      this.counts.afterViolation++;
      return;
    }
    this.counts.events++;
    const out = this.runner.observe(p.state, item.event, item.payload as never);
    if (out.kind === "failure") {
      this.record(p, item);
      p.failed = true;
      this.addFinding(this.violation(out.failure, item.partition, item.seq, p));
      return;
    }
    const next = out.state;
    let changed = false;
    let atStart = true;
    for (let i = 0; i < this.nMonitors; i++) {
      if (!this.runner.sameMonitor(p.state, next, i)) changed = true;
    }
    p.state = next;
    if (!changed) return;
    for (let i = 0; i < this.nMonitors && atStart; i++)
      atStart = this.runner.sameMonitor(next, this.initial, i);
    // Back where it started: a fresh partition is the same, and costs nothing to keep.
    if (atStart) {
      this.partitions.delete(key);
      return;
    }
    this.record(p, item);
  }

  private record(p: Partition, item: ObservedEvent): void {
    item.prev = p.last;
    p.last = item;
    // Trimmed in batches: amortized O(1) a line, at most twice the cap kept.
    if (++p.length >= 2 * this.cap) this.trim(p);
  }

  /** The history's lines, oldest first. */
  private lines(last: ObservedEvent | null): ObservedEvent[] {
    const out: ObservedEvent[] = [];
    for (let e = last; e !== null; e = e.prev) out.push(e);
    return out.reverse();
  }

  /** Keeps the last `cap` lines; `before` moves up to the state after the lines dropped. */
  private trim(p: Partition): void {
    const cut = p.length - this.cap;
    if (cut <= 0) return;
    let first = p.last!;
    for (let i = 1; i < this.cap; i++) first = first.prev!;
    const dropped = this.lines(first.prev);
    first.prev = null;
    p.before = this.replay(p.before, dropped).at(-1)!.state;
    p.length = this.cap;
    p.dropped += cut;
  }

  /** The states after each of `lines` from `start`, replayed (deterministic: the same as when checked). */
  private replay(start: FlState, lines: readonly ObservedEvent[]): HistoryEntry[] {
    let state = start;
    return lines.map((e) => {
      const out = this.runner.observe(state, e.event, e.payload as never);
      state = out.state ?? state;
      return { line: e.seq, ts: e.ts, event: e.event, payload: e.payload, state };
    });
  }

  private kept(p: Partition): Pick<Finding, "start" | "history" | "dropped"> {
    this.trim(p);
    return { start: p.before, history: this.replay(p.before, this.lines(p.last)), dropped: p.dropped };
  }

  private violation(failure: Failure, partition: string | null, line: number | null, p: Partition): Finding {
    // A spec's assert names the spec; an unhandled event or a runtime error names it in its message.
    const spec =
      failure.kind === "spec-assertion"
        ? failure.property
        : (/\bspec (\w+)/.exec(failure.message)?.[1] ?? failure.property);
    return { kind: "violation", spec, failure, partition, line, ...this.kept(p) };
  }

  private addFinding(f: Finding): void {
    if (this.findings.length < MAX_FINDINGS) this.findings.push(f);
    else this.counts.moreFindings++;
  }

  private inputError(line: number, col: number, code: string, message: string, hint: string | null): void {
    this.counts.inputErrors++;
    if (this.inputErrors.length < MAX_INPUT_ERRORS) this.inputErrors.push({ line, col, code, message, hint });
  }

  /**
   * The column of the value `pointer` names in the line's text, found by its
   * key (or, for a field that is missing, by the nearest key above it); else 1.
   */
  private columnOf(pointer: string | null): number {
    const tokens = pointer === null ? [] : pointer.split("/").slice(1);
    for (let i = tokens.length - 1; i >= 0; i--) {
      const key = JSON.stringify(tokens[i]!.replace(/~1/g, "/").replace(/~0/g, "~"));
      const at = this.text.indexOf(`${key}:`);
      if (at < 0) continue;
      let col = at + key.length + 1;
      while (this.text[col] === " ") col++;
      return col + 1;
    }
    return 1;
  }
}

/** A timestamp as ISO-8601, or the number when it is out of Date's range. */
function isoTime(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}
