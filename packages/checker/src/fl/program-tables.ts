// Dispatch tables built once per model: for every machine and spec, per state,
// what each event and timer does, as arrays indexed by number (no string
// lookups while exploring). Functions come from the loaded generated module.
import type { IrAction, IrMachine, IrProgram, IrSpec, IrState, Span, Type } from "@faultline/lang";
import {
  entryFunctionName,
  HALT_EVENT,
  exitFunctionName,
  type FlContext,
  handlerFunctionName,
  resumeFunctionName,
  type Payload,
  timeoutFunctionName,
  type Value,
} from "./lang-codegen.js";

export type ActionFn = (ctx: FlContext, self: Value[], payload: Payload) => void;

export const H_DO = 0;
export const H_GOTO = 1;
export const H_DEFER = 2;
export const H_IGNORE = 3;

export interface HandlerEntry {
  /** H_DO, H_GOTO, H_DEFER or H_IGNORE. */
  kind: number;
  /** The `do` action or the `with` action; null for plain goto/defer/ignore. */
  fn: ActionFn | null;
  /** The action has a fork site (context.ts `fork`): a run that delivers to it may resume at its first choose. */
  forks: boolean;
  /** Target state index of a goto. */
  target: number;
  span: Span;
}

export interface StateTable {
  name: string;
  index: number;
  hot: boolean;
  entry: ActionFn | null;
  exit: ActionFn | null;
  exitSpan: Span | null;
  /** By event index; undefined = unhandled. */
  on: (HandlerEntry | undefined)[];
  /** By event index: 1 when deferred here. */
  deferred: Uint8Array;
  /** By timer index (machines only). */
  timeouts: (HandlerEntry | undefined)[];
  span: Span;
}

/** A machine's `receive` statement: while blocked there it takes only these events. */
export interface ReceiveTable {
  /** By event index: 1 for the events the receive does not take (they stay queued). */
  deferred: Uint8Array;
  /** The events it takes, by index. */
  events: number[];
  span: Span;
}

export interface OwnerTable {
  name: string;
  index: number;
  isSpec: boolean;
  states: StateTable[];
  start: number;
  varTypes: Type[];
  varNames: string[];
  /** By variable position: survives a crash-restart. */
  durable: boolean[];
  timers: string[];
  payloadType: Type | null;
  /** The `receive` sites of a machine, by IrMachine.receives position (empty for specs). */
  receives: ReceiveTable[];
  span: Span;
}

export function buildOwnerTable(
  ir: IrProgram,
  owner: IrMachine | IrSpec,
  isSpec: boolean,
  fns: Record<string, unknown>,
): OwnerTable {
  const eventIndex = new Map(ir.events.map((e) => [e.name, e.index]));
  const stateIndex = new Map(owner.states.map((s, i) => [s.name, i]));
  const timers = isSpec ? [] : (owner as IrMachine).timers;
  const fn = (name: string, action: IrAction | null): ActionFn | null => {
    if (action === null) return null;
    const f = fns[name];
    if (typeof f !== "function") throw new Error(`generated module lacks ${name}`);
    return f as ActionFn;
  };
  const forks = (name: string) => typeof fns[resumeFunctionName(name)] === "function";
  const states = owner.states.map((s: IrState, i): StateTable => {
    const on: (HandlerEntry | undefined)[] = new Array(ir.events.length).fill(undefined);
    const deferred = new Uint8Array(ir.events.length);
    for (const h of s.handlers) {
      const ev = eventIndex.get(h.event)!;
      const name = handlerFunctionName(owner.name, s.name, h.event);
      if (h.kind === "do") {
        on[ev] = { kind: H_DO, fn: fn(name, h.action), forks: forks(name), target: -1, span: h.span };
      } else {
        on[ev] = {
          kind: H_GOTO,
          fn: fn(name, h.with),
          forks: forks(name),
          target: stateIndex.get(h.target)!,
          span: h.span,
        };
      }
    }
    for (const e of s.deferred) {
      const ev = eventIndex.get(e)!;
      on[ev] = { kind: H_DEFER, fn: null, forks: false, target: -1, span: s.span };
      deferred[ev] = 1;
    }
    for (const e of s.ignored)
      on[eventIndex.get(e)!] = { kind: H_IGNORE, fn: null, forks: false, target: -1, span: s.span };
    const timeouts: (HandlerEntry | undefined)[] = new Array(timers.length).fill(undefined);
    for (const h of s.timeouts) {
      const t = timers.indexOf(h.timer);
      const name = timeoutFunctionName(owner.name, s.name, h.timer);
      const f = fn(name, h.kind === "do" ? h.action : h.with);
      timeouts[t] =
        h.kind === "do"
          ? { kind: H_DO, fn: f, forks: forks(name), target: -1, span: h.span }
          : { kind: H_GOTO, fn: f, forks: forks(name), target: stateIndex.get(h.target)!, span: h.span };
    }
    return {
      name: s.name,
      index: i,
      hot: s.temperature === "hot",
      entry: fn(entryFunctionName(owner.name, s.name), s.entry),
      exit: fn(exitFunctionName(owner.name, s.name), s.exit),
      exitSpan: s.exit?.span ?? null,
      on,
      deferred,
      timeouts,
      span: s.span,
    };
  });
  const start = stateIndex.get(owner.startState);
  if (start === undefined) throw new Error(`${owner.name}: start state ${owner.startState} not found`);
  if (timers.length > 30) throw new Error(`${owner.name}: more than 30 timers`);
  return {
    name: owner.name,
    index: owner.index,
    isSpec,
    states,
    start,
    varTypes: owner.vars.map((v) => v.type),
    varNames: owner.vars.map((v) => v.name),
    durable: owner.vars.map((v) => v.durable),
    timers,
    payloadType: isSpec ? null : (owner as IrMachine).payload,
    receives: isSpec
      ? []
      : (owner as IrMachine).receives.map((r) => {
          const events = r.events.map((e) => eventIndex.get(e)!);
          const deferred = new Uint8Array(ir.events.length).fill(1);
          for (const e of events) deferred[e] = 0;
          // The built-in halt event is never deferred (docs/language.md section 12): it halts a waiting machine too.
          const halt = eventIndex.get(HALT_EVENT);
          if (halt !== undefined) deferred[halt] = 0;
          return { deferred, events, span: r.span };
        }),
    span: owner.span,
  };
}
