// Every command's usage lines and flag table: the commands parse their flags
// with these tables, and `--help` (global and per command: help.ts) is written
// from them. Kept free of the compiler and the checker, so help starts fast.
import type { FlagSpec } from "./args.js";
import { REPORTERS } from "./reporters/names.js";

/** `--reporter`: one for check, merge and observe. */
export const REPORTER_FLAG = {
  name: "reporter",
  kind: "list",
  description: REPORTERS.join(" | "),
  valueName: "R",
} as const satisfies FlagSpec;

export const PARAM_FLAG = {
  name: "param",
  kind: "multi",
  description: "override a parameterized test's param values",
  valueName: "NAME=VALUE",
} as const satisfies FlagSpec;

export const CHECK_FLAGS = [
  { name: "test", kind: "list", description: "only tests with this name", valueName: "NAME" },
  PARAM_FLAG,
  { name: "mode", kind: "string", description: "exhaustive (default) | random | pct | auto", valueName: "M" },
  { name: "max-depth", kind: "number", description: "stop exploring below depth N", valueName: "N" },
  { name: "max-states", kind: "number", description: "stop after N distinct states", valueName: "N" },
  { name: "timeout", kind: "string", description: "stop a test after D (e.g. 30s, 5m)", valueName: "D" },
  {
    name: "workers",
    kind: "number",
    description: "worker threads for big state spaces (default: the idle cores)",
    valueName: "N",
  },
  {
    name: "memory",
    kind: "string",
    description: "memory budget of the whole process, workers included (e.g. 8GiB)",
    valueName: "SIZE",
  },
  {
    name: "faults",
    kind: "string",
    description: `replace each test's faults, e.g. "drop Ping at most 1"`,
    valueName: "SPEC",
  },
  {
    name: "no-symmetry",
    kind: "boolean",
    description: "check the full state space of tests declared symmetric (...)",
  },
  {
    name: "por",
    kind: "boolean",
    description: "partial-order reduction: fewer states, same safety verdicts",
  },
  {
    name: "backend",
    kind: "string",
    description:
      "successors on the encoded states where a test allows (auto), always (bytes) or never (objects)",
    valueName: "B",
  },
  {
    name: "no-liveness",
    kind: "boolean",
    description: "skip the fair-cycle check of hot spec states after a pass",
  },
  { name: "seed", kind: "number", description: "random/PCT seed, 0 to 4294967295", valueName: "S" },
  { name: "runs", kind: "number", description: "random/PCT runs", valueName: "N" },
  { name: "run", kind: "number", description: "replay run I of the seed", valueName: "I" },
  { name: "max-steps", kind: "number", description: "steps per random run", valueName: "N" },
  { name: "pct-depth", kind: "number", description: "PCT priority change points", valueName: "D" },
  { name: "pct-length", kind: "number", description: "PCT schedule length", valueName: "L" },
  {
    name: "temperature",
    kind: "number",
    description: "hot steps before a potential liveness violation",
    valueName: "T",
  },
  { name: "coverage", kind: "boolean", description: "states entered and handlers run, per machine" },
  {
    name: "witnesses",
    kind: "boolean",
    description: "print the shortest trace to each reached `reachable` property",
  },
  {
    name: "strict",
    kind: "boolean",
    description: "vacuity warnings (a spec never left its start, a handler never ran...) fail the test",
  },
  {
    name: "shard",
    kind: "string",
    description: "run shard I of N of the swarm portfolio (docs/swarm.md)",
    valueName: "I/N",
  },
  {
    name: "shard-count",
    kind: "number",
    description: "swarm of N shards, this one from JOB_COMPLETION_INDEX",
    valueName: "N",
  },
  REPORTER_FLAG,
  {
    name: "out",
    kind: "string",
    description: "write counterexample traces (ITF JSON) and reports there",
    valueName: "DIR",
  },
  {
    name: "expected",
    kind: "boolean",
    description: "compare with expected.json beside each file (exit 0 when all match)",
  },
  { name: "quiet", kind: "boolean", description: "only failures and the summary" },
  { name: "verbose", kind: "boolean", description: "show traces of expected failures too" },
] as const satisfies readonly FlagSpec[];

export const PARSE_FLAGS = [
  { name: "json", kind: "boolean", description: "print the diagnostics as JSON" },
  { name: "quiet", kind: "boolean", description: "print only diagnostics" },
] as const satisfies readonly FlagSpec[];

export const COMPILE_FLAGS = [
  {
    name: "out",
    short: "o",
    kind: "string",
    description: "write the module to FILE instead of stdout",
    valueName: "FILE",
  },
] as const satisfies readonly FlagSpec[];

/** `replay` and `explore` of a saved trace. */
export const TRACE_FLAGS = [
  {
    name: "model",
    kind: "string",
    description: "the .fl file (default: the trace's source)",
    valueName: "FILE",
  },
  PARAM_FLAG,
] as const satisfies readonly FlagSpec[];

/** `replay`: the trace options, and the HTML page (reporters/html.ts). */
export const REPLAY_FLAGS = [
  ...TRACE_FLAGS,
  {
    name: "html",
    kind: "string",
    description: "also write the trace as a self-contained HTML page to FILE",
    valueName: "FILE",
  },
] as const satisfies readonly FlagSpec[];

/** `explore` of a model. */
export const MODEL_FLAGS = [
  { name: "test", kind: "string", description: "the test to explore (default: the first)", valueName: "T" },
  { name: "faults", kind: "string", description: "faults replacing the test's own", valueName: "SPEC" },
  { name: "out", kind: "string", description: "where w writes the path (ITF JSON)", valueName: "FILE" },
  PARAM_FLAG,
] as const satisfies readonly FlagSpec[];

/** `merge` of swarm shard artifacts. */
export const MERGE_FLAGS = [
  REPORTER_FLAG,
  {
    name: "out",
    kind: "string",
    description: "write reports, swarm.json and the counterexamples there",
    valueName: "DIR",
  },
  { name: "quiet", kind: "boolean", description: "only failures and the summary" },
] as const satisfies readonly FlagSpec[];

/** `observe`: spec monitors on a log (docs/observe.md). */
export const OBSERVE_FLAGS = [
  {
    name: "spec",
    kind: "multi",
    description: "a spec monitor to run (default: every spec of the model)",
    valueName: "S",
  },
  {
    name: "map",
    kind: "string",
    description: "a mapping from the log's own fields to model events (JSON)",
    valueName: "FILE",
  },
  {
    name: "partition-by",
    kind: "string",
    description: "one set of monitors per value at this JSON pointer, e.g. /payload/token",
    valueName: "PTR",
  },
  {
    name: "reorder-window",
    kind: "string",
    description: "re-sort events that arrive out of timestamp order by up to D (e.g. 500ms)",
    valueName: "D",
  },
  { name: "follow", kind: "boolean", description: "keep reading a growing file until Ctrl-C or --timeout" },
  { ...PARAM_FLAG, description: "the value of a param the specs read (default: its default)" },
  { name: "timeout", kind: "string", description: "stop reading after D (e.g. 30s, 5m)", valueName: "D" },
  REPORTER_FLAG,
  {
    name: "out",
    kind: "string",
    description: "write each finding's trace (ITF JSON) and the reports there",
    valueName: "DIR",
  },
] as const satisfies readonly FlagSpec[];

export const FMT_FLAGS = [
  { name: "check", kind: "boolean", description: "write nothing; exit 1 if a file is not formatted" },
  { name: "quiet", kind: "boolean", description: "print only what is not formatted and errors" },
] as const satisfies readonly FlagSpec[];

export const LSP_FLAGS = [
  {
    name: "stdio",
    kind: "boolean",
    description: "talk LSP on stdin/stdout (the default and only transport)",
  },
] as const satisfies readonly FlagSpec[];

export const INIT_FLAGS = [
  { name: "force", kind: "boolean", description: "overwrite files that exist" },
] as const satisfies readonly FlagSpec[];

export interface CommandSpec {
  name: string;
  /** Usage lines, each `faultline <name> ...` and what it does. */
  usage: readonly { line: string; summary: string }[];
  sections: readonly { title: string; flags: readonly FlagSpec[] }[];
}

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: "check",
    usage: [
      { line: "faultline check <files|dirs>... [options]", summary: "check every test of every .fl file" },
    ],
    sections: [{ title: "Check options", flags: CHECK_FLAGS }],
  },
  {
    name: "parse",
    usage: [
      { line: "faultline parse <files|dirs>... [--json] [--quiet]", summary: "parse and type-check only" },
    ],
    sections: [{ title: "Options", flags: PARSE_FLAGS }],
  },
  {
    name: "compile",
    usage: [{ line: "faultline compile <file.fl> [--out FILE]", summary: "print the generated TypeScript" }],
    sections: [{ title: "Options", flags: COMPILE_FLAGS }],
  },
  {
    name: "replay",
    usage: [
      {
        line: "faultline replay <trace.itf.json> [--model FILE] [--param N=V] [--html FILE]",
        summary: "replay a saved trace step by step",
      },
    ],
    sections: [{ title: "Options", flags: REPLAY_FLAGS }],
  },
  {
    name: "explore",
    usage: [
      {
        line: "faultline explore <trace.itf.json> [--model FILE] [--param N=V]",
        summary: "step through a trace in the terminal UI",
      },
      {
        line: "faultline explore <model.fl> [--test T] [--param N=V] [--faults SPEC] [--out FILE]",
        summary: "explore a model by hand, step by step",
      },
    ],
    sections: [
      { title: "Trace options", flags: TRACE_FLAGS },
      { title: "Model options", flags: MODEL_FLAGS },
    ],
  },
  {
    name: "merge",
    usage: [
      {
        line: "faultline merge <artifacts|dirs>... [--reporter R] [--out DIR]",
        summary: "merge swarm shard artifacts into one verdict",
      },
    ],
    sections: [{ title: "Options", flags: MERGE_FLAGS }],
  },
  {
    name: "observe",
    usage: [
      {
        line: "faultline observe <model.fl> [--spec S]... [--map FILE] [--partition-by PTR] [logs.jsonl | -]",
        summary: "check a system's log (JSON lines) against the model's spec monitors",
      },
    ],
    sections: [{ title: "Options", flags: OBSERVE_FLAGS }],
  },
  {
    name: "fmt",
    usage: [
      {
        line: "faultline fmt <files|dirs>... [--check]",
        summary: "format .fl files in place (--check: only report)",
      },
    ],
    sections: [{ title: "Options", flags: FMT_FLAGS }],
  },
  {
    name: "lsp",
    usage: [
      { line: "faultline lsp [--stdio]", summary: "the language server, for editors (docs/editor.md)" },
    ],
    sections: [{ title: "Options", flags: LSP_FLAGS }],
  },
  {
    name: "init",
    usage: [
      {
        line: "faultline init [dir] [--force]",
        summary: "scaffold a starter model, expected.json and a CI workflow",
      },
    ],
    sections: [{ title: "Options", flags: INIT_FLAGS }],
  },
];

export const COMMAND_NAMES: readonly string[] = COMMANDS.map((c) => c.name);

export function commandSpec(name: string): CommandSpec | undefined {
  return COMMANDS.find((c) => c.name === name);
}
