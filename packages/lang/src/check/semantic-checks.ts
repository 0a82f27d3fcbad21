// Whole-machine and whole-program checks that are not about one expression:
// start states, hot/cold, handler conflicts, reachability, timers, and what
// top-level functions called from specs and invariants do.
import type { Ident, Span } from "../ast.js";
import {
  type CheckState,
  type CodeFacts,
  describeEffect,
  type Effect,
  report,
  warn,
  isMissing,
} from "./context.js";
import type { TimerUses } from "./check-stmt.js";
import type { MachineInfo } from "./tables.js";

export function checkStartStates(st: CheckState, m: MachineInfo): void {
  const kind = m.isSpec ? "spec" : "machine";
  const starts = m.decl.states.filter((s) => s.isStart);
  if (starts.length === 0) {
    report(st, "FL400", m.decl.name.span, `${kind} '${m.name}' has no start state`, {
      hint:
        m.decl.states.length > 0
          ? `mark the state it begins in with 'start': start state ${m.decl.states[0]!.name.name} { ... }`
          : "add one: start state Init { ... }",
    });
  }
  for (const extra of starts.slice(1)) {
    report(st, "FL401", extra.name.span, `${kind} '${m.name}' has more than one start state`, {
      hint: "keep 'start' on exactly one state",
      related: [{ message: `first start state '${starts[0]!.name.name}'`, span: starts[0]!.name.span }],
    });
  }
}

export function checkTemperatures(st: CheckState, m: MachineInfo): void {
  if (m.isSpec) return;
  for (const s of m.decl.states) {
    if (s.temperature) {
      report(
        st,
        "FL405",
        s.name.span,
        `state '${s.name.name}' of machine '${m.name}' is marked '${s.temperature}'`,
        {
          hint: "only spec monitor states can be hot or cold; remove the keyword",
        },
      );
    }
  }
}

/** FL408 (handled twice), FL402 (handled and deferred/ignored, or deferred and ignored). */
export function checkHandlerConflicts(st: CheckState, m: MachineInfo): void {
  for (const s of m.decl.states) {
    const handled = new Map<string, Ident>();
    const deferred = new Map<string, Ident>();
    const ignored = new Map<string, Ident>();
    const timeouts = new Map<string, Ident>();
    const conflict = (ev: Ident, prior: Ident, priorWhat: string, what: string) =>
      report(
        st,
        "FL402",
        ev.span,
        `event '${ev.name}' is both ${priorWhat} and ${what} in state '${s.name.name}'`,
        {
          hint: "an event has one meaning per state: handle it, defer it, or ignore it",
          related: [{ message: `'${ev.name}' ${priorWhat} here`, span: prior.span }],
        },
      );
    for (const item of s.items) {
      switch (item.kind) {
        case "OnDo":
        case "OnGoto":
          for (const ev of item.events) {
            if (isMissing(ev.name)) continue;
            const first = handled.get(ev.name);
            if (first) {
              report(st, "FL408", ev.span, `event '${ev.name}' is handled twice in state '${s.name.name}'`, {
                hint: "merge the two handlers into one",
                related: [{ message: `first handler of '${ev.name}'`, span: first.span }],
              });
              continue;
            }
            handled.set(ev.name, ev);
            const d = deferred.get(ev.name) ?? ignored.get(ev.name);
            if (d) conflict(ev, d, deferred.has(ev.name) ? "deferred" : "ignored", "handled");
          }
          break;
        case "Defer":
        case "Ignore": {
          const what = item.kind === "Defer" ? "deferred" : "ignored";
          const mine = item.kind === "Defer" ? deferred : ignored;
          for (const ev of item.events) {
            if (isMissing(ev.name) || mine.has(ev.name)) continue;
            mine.set(ev.name, ev);
            const h = handled.get(ev.name);
            const other = (item.kind === "Defer" ? ignored : deferred).get(ev.name);
            if (h) conflict(ev, h, "handled", what);
            else if (other) conflict(ev, other, item.kind === "Defer" ? "ignored" : "deferred", what);
          }
          break;
        }
        case "OnTimeoutDo":
        case "OnTimeoutGoto": {
          const t = item.timer;
          const first = timeouts.get(t.name);
          if (first) {
            report(
              st,
              "FL408",
              t.span,
              `the timeout of timer '${t.name}' is handled twice in state '${s.name.name}'`,
              {
                hint: "merge the two handlers into one",
                related: [{ message: `first handler of timer '${t.name}'`, span: first.span }],
              },
            );
          } else if (!isMissing(t.name)) {
            timeouts.set(t.name, t);
          }
          break;
        }
      }
    }
  }
}

/**
 * FL404: states no goto (statement, `on E goto`, timeout goto, or a goto in a
 * machine function the state's code calls) can reach from the start state.
 */
export function checkReachability(
  st: CheckState,
  m: MachineInfo,
  stateFacts: Map<string, CodeFacts>,
  funFacts: (fun: string) => CodeFacts | undefined,
): void {
  if (!m.startState) return;
  const funGotos = new Map<string, Set<string>>();
  const gotosOfFun = (name: string): Set<string> => {
    const cached = funGotos.get(name);
    if (cached) return cached;
    const out = new Set<string>();
    funGotos.set(name, out); // recursion terminates on the partial set
    const facts = funFacts(name);
    if (facts) {
      for (const g of facts.gotos) out.add(g);
      for (const callee of facts.machineCalls) for (const g of gotosOfFun(callee)) out.add(g);
    }
    return out;
  };
  const successors = (stateName: string): Set<string> => {
    const out = new Set<string>();
    const s = m.states.get(stateName);
    const facts = stateFacts.get(stateName);
    if (!s || !facts) return out;
    for (const g of facts.gotos) out.add(g);
    for (const callee of facts.machineCalls) for (const g of gotosOfFun(callee)) out.add(g);
    for (const item of s.items) {
      if (item.kind === "OnGoto" || item.kind === "OnTimeoutGoto") out.add(item.target.name);
    }
    return out;
  };
  const reached = new Set<string>([m.startState.name.name]);
  const work = [m.startState.name.name];
  while (work.length > 0) {
    for (const next of successors(work.pop()!)) {
      if (!reached.has(next) && m.states.has(next)) {
        reached.add(next);
        work.push(next);
      }
    }
  }
  for (const [name, s] of m.states) {
    if (!reached.has(name)) {
      warn(
        st,
        "FL404",
        s.name.span,
        `state '${name}' is unreachable: no goto leads to it from the start state '${m.startState.name.name}'`,
        {
          hint: "add a transition into it, or remove it",
        },
      );
    }
  }
}

/** FL407: timers started but never handled, handled or cancelled but never started. */
export function checkTimers(st: CheckState, uses: TimerUses | undefined): void {
  if (!uses) return;
  for (const [name, span] of uses.started) {
    if (!uses.handled.has(name)) {
      warn(st, "FL407", span, `timer '${name}' is started but no state handles its timeout`, {
        hint: `add 'on timeout ${name} do { ... }' or 'on timeout ${name} goto S;' where it can fire`,
      });
    }
  }
  for (const [name, span] of uses.handled) {
    if (!uses.started.has(name)) {
      warn(st, "FL407", span, `the timeout of timer '${name}' is handled, but the timer is never started`, {
        hint: `start it with 'start timer ${name};'`,
      });
    }
  }
  for (const [name, span] of uses.cancelled) {
    if (!uses.started.has(name) && !uses.handled.has(name)) {
      warn(st, "FL407", span, `timer '${name}' is cancelled, but it is never started`, {
        hint: `start it with 'start timer ${name};'`,
      });
    }
  }
}

const SPEC_FORBIDDEN: readonly Effect[] = ["send", "new", "choose", "$", "halt", "this"];
const INVARIANT_FORBIDDEN: readonly Effect[] = ["send", "new", "choose", "$", "announce", "halt", "this"];

/**
 * Specs and invariants may call top-level functions only if those (and what
 * they call) avoid the effects the context forbids.
 */
export function checkCalledEffects(
  st: CheckState,
  callers: { facts: CodeFacts; context: "spec" | "invariant" }[],
): void {
  // Fixpoint over the call graph of top-level functions.
  const closure = new Map<string, Map<Effect, Span>>();
  for (const [name, facts] of st.funFacts) closure.set(name, new Map(facts.effects));
  for (let changed = true; changed; ) {
    changed = false;
    for (const [name, effects] of closure) {
      for (const call of st.funFacts.get(name)!.globalCalls) {
        for (const [e, span] of closure.get(call.name) ?? []) {
          if (!effects.has(e)) {
            effects.set(e, span);
            changed = true;
          }
        }
      }
    }
  }
  for (const { facts, context } of callers) {
    const forbidden = context === "spec" ? SPEC_FORBIDDEN : INVARIANT_FORBIDDEN;
    for (const call of facts.globalCalls) {
      const effects = closure.get(call.name);
      if (!effects) continue;
      const bad = forbidden.find((e) => effects.has(e));
      if (!bad) continue;
      const where = context === "spec" ? "a spec monitor" : "an invariant";
      report(
        st,
        context === "spec" ? "FL403" : "FL410",
        call.span,
        `'${call.name}' uses ${describeEffect(bad)}, which is not allowed in ${where}`,
        { related: [{ message: `${describeEffect(bad)} used here`, span: effects.get(bad)! }] },
      );
    }
  }
}
