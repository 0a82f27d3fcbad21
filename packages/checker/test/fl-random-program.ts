// Random small .fl programs for property tests: three wired machine types,
// each sending to one or two of them, with random handlers (counters, sends,
// sends of event values, timers, helpers created to send, blocking receives,
// gotos, halts, asserts,
// choices; with `forks`, chooses after work, with locals, before a goto),
// deferred and ignored events, random invariants and specs, sometimes faults. One
// test, `Random`. Used by partial-order-properties.test.ts and
// fl-enabled-steps.test.ts. With `sinks`, a handler may also go to a state
// S3 that ignores both events and never leaves (what partial-order.ts's
// condition 2' reduces).

const TYPES = ["T0", "T1", "T2"];
const REFS = ["a", "b", "c"];

/** Picks from a stream of random naturals, so fast-check can shrink the stream. */
class Picker {
  private at = 0;
  constructor(private readonly stream: readonly number[]) {}
  int(n: number): number {
    const v = this.stream[this.at % this.stream.length]! + this.at;
    this.at++;
    return v % n;
  }
  chance(percent: number): boolean {
    return this.int(100) < percent;
  }
}

/**
 * One statement of a handler of a machine that may send to the types `targets`.
 * With `forks`, also chooses a handler's run may fork at (context.ts `fork`).
 */
function action(
  p: Picker,
  targets: readonly number[],
  last: boolean,
  sinks: boolean,
  forks: boolean,
): string {
  let kind = forks ? p.int(last ? 13 : 11) : p.int(last ? 10 : 8);
  if (last && sinks && p.chance(25)) return "goto S3;";
  if (forks) {
    const ref = REFS[targets[p.int(targets.length)]!];
    switch (kind) {
      case 8:
        // A local set before the choose, another from it, both read after it.
        // (A loop or an announce before a choose: work a fork saves, so codegen makes one.)
        return `if (x < 2) { var before: int; while (before < x) { before += 1; } var k: int; k = choose(3); if (k == 1 && before < 2) { x += 1; } if (k == 2 && sent < 3) { sent += 1; send ${ref}, E${p.int(2)}; } }`;
      case 9:
        return `if (x < 2) { announce E1; if ($) { x += 1; goto S${1 + p.int(2)}; } }`;
      case 10:
        return "x = choose(2); if (x == 1 && ticks < 2) { ticks += 1; start timer Tick; }";
      default:
        if (kind > 10) kind -= 3;
    }
  }
  switch (kind) {
    case 0:
      return "if (x < 2) { x += 1; }";
    case 1:
      return `if (sent < 3) { sent += 1; send ${REFS[targets[p.int(targets.length)]!]}, E${p.int(2)}; }`;
    case 2: {
      // The same send through an event value (its payload checked when it runs).
      const ref = REFS[targets[p.int(targets.length)]!];
      return `if (sent < 3) { sent += 1; var ev: event; ev = E${p.int(2)}; send ${ref}, ev; }`;
    }
    case 3:
      return "if ($) { if (x < 2) { x += 1; } }";
    case 4:
      return p.chance(30) ? `assert x < 2, "x reached 2";` : "announce E1;";
    case 5:
      return "if (ticks < 2) { ticks += 1; start timer Tick; }";
    case 6: {
      // A helper whose entry sends E0 to one of the targets, inside this step.
      const k = targets[p.int(targets.length)]!;
      return `if (spawned < 1) { spawned += 1; new H${k}(${REFS[k]}); }`;
    }
    case 7:
      // Blocks until an E0 or E1 arrives (others stay queued); the locals survive the wait.
      return "if (waits < 1) { waits += 1; var seen: int; receive { case E0: { seen = 1; } case E1: { seen = 2; } } x = seen % 2; }";
    case 8:
      return `goto S${1 + p.int(2)};`;
    default:
      return p.chance(40) ? "halt;" : `goto S${1 + p.int(2)};`;
  }
}

function body(p: Picker, targets: readonly number[], sinks = false, forks = false): string {
  const n = 1 + p.int(3);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(action(p, targets, i === n - 1, sinks, forks));
  return out.join(" ");
}

function handler(
  p: Picker,
  targets: readonly number[],
  event: string,
  sinks: boolean,
  forks: boolean,
): string {
  switch (p.int(6)) {
    case 0:
      return `ignore ${event};`;
    case 1:
      return `defer ${event};`;
    case 2:
      return `on ${event} goto S${1 + p.int(2)};`;
    case 3:
      return ""; // unhandled: delivering it fails
    default:
      return `on ${event} do { ${body(p, targets, sinks, forks)} }`;
  }
}

function machine(
  p: Picker,
  name: string,
  targets: readonly number[],
  sinks: boolean,
  forks: boolean,
): string {
  const kick = p.chance(70) ? body(p, targets, false, forks) : "";
  const states = [1, 2].map((s) => {
    const timeout = p.chance(50) ? `on timeout Tick do { ${body(p, targets, sinks, forks)} }` : "";
    return `  state S${s} {\n    ${handler(p, targets, "E0", sinks, forks)}\n    ${handler(p, targets, "E1", sinks, forks)}\n    ${timeout}\n  }`;
  });
  if (sinks) states.push("  state S3 {\n    ignore E0, E1;\n  }");
  return `machine ${name} {
  var a: T0; var b: T1; var c: T2; var x: int; var sent: int; var ticks: int; var spawned: int; var waits: int;
  start state S0 {
    defer E0, E1;
    on Wire do (w) { a = w.a; b = w.b; c = w.c; ${kick} goto S1; }
  }
${states.join("\n")}
}`;
}

/** A random program with one test, `Random`, drawn from a stream of random naturals (`forks`: see action). */
export function program(stream: readonly number[], sinks = false, forks = false): string {
  const p = new Picker(stream);
  // Each type sends to one or two types (itself included), so some receivers have one sender.
  const targets = TYPES.map(() => {
    const first = p.int(3);
    return p.chance(30) ? [first, (first + 1 + p.int(2)) % 3] : [first];
  });
  const invariants = [
    `invariant XBelow2: forall p: ${TYPES[p.int(3)]} :: p.x < 2;`,
    "invariant FewE0: inflight(E0) < 3;",
    `invariant NotInS2: forall p: ${TYPES[p.int(3)]} :: !(p in S2);`,
    `invariant SentBelow3: forall p: ${TYPES[p.int(3)]} :: p.sent < 3;`,
  ];
  const asserted = ["XBelow2", "FewE0", "NotInS2", "SentBelow3"].filter(() => p.chance(30));
  if (p.chance(30)) asserted.push("CountE0");
  if (asserted.length === 0) asserted.push("SentBelow3");
  const faults = [
    "",
    " with faults { drop E0 at most 1; }",
    " with faults { crash T1 at most 1 then restart; }",
    " with faults { duplicate E1 at most 1; }",
  ][p.chance(70) ? 0 : 1 + p.int(3)];
  const helpers = TYPES.map(
    (t, k) => `machine H${k} {\n  start state S {\n    entry (t: ${t}) { send t, E0; }\n  }\n}`,
  );
  return `event Wire: (a: T0, b: T1, c: T2);
event E0;
event E1;
${TYPES.map((t, i) => machine(p, t, targets[i]!, sinks, forks)).join("\n")}
${helpers.join("\n")}
machine Main {
  start state Boot {
    entry {
      var a: T0; var b: T1; var c: T2;
      a = new T0(); b = new T1(); c = new T2();
      send a, Wire, (a = a, b = b, c = c);
      send b, Wire, (a = a, b = b, c = c);
      send c, Wire, (a = a, b = b, c = c);
    }
  }
}
spec CountE0 observes E0, E1 {
  var n: int;
  start state Counting {
    on E0 do { n += 1; assert n < 3, "three E0"; }
    ignore E1;
  }
}
${invariants.join("\n")}
test Random [main = Main]: assert ${asserted.join(", ")}${faults};
`;
}
