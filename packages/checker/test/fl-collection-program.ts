// Random .fl programs that stress the byte back end's fixed-width layout
// (fixed-layout.ts): sets of ints (negatives, values past a mask's bits),
// bools, enums (few members: masks; many: sorted slots), machines (none too),
// sequences of ints, bools and enums, whole assignments, indexes, foreach,
// choose, sizeof, `in`, sends of payloads of several widths and bare events
// on the same channels, deferred events, timers, a spec monitor with
// collections, invariants over collections, and sometimes a loop near the
// work limit. Written by a review of the layout (it found a bug there);
// fixed-model.test.ts compares each program's states on the layout with the
// canonical encoding's. Seeded: a seed is a program.
import { Prng } from "../src/search/prng.js";

/** The choices a program is made of, drawn from the checker's seeded generator. */
class Rng {
  private readonly prng: Prng;
  constructor(seed: number) {
    this.prng = new Prng(seed);
  }
  next(): number {
    return this.prng.nextUint32() / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() * 100 < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
}

export interface FuzzOptions {
  /** Allow loops of tens of thousands of iterations (near ByteRun's WORK_LIMIT). */
  bigLoops?: boolean;
}

export function collectionProgram(seed: number, o: FuzzOptions = {}): string {
  const r = new Rng(seed);
  const nColors = r.pick([2, 3, 5, 9, 17, 20]);
  const colors = Array.from({ length: nColors }, (_, i) => `C${i}`);
  const nWorkers = r.pick([1, 2, 2, 3]);
  const limit = 3 + r.int(3);
  const P = "p";
  type Ctx = { payload: string | null; monitor?: boolean; loopVar?: string };
  const intE = (ctx: Ctx, depth = 0): string => {
    const opts = [
      () => String(r.pick([-3, -1, 0, 1, 2, 3, 5, 7, 8, 15, 16, 31, 32, 40, 100])),
      () => "n",
      () => "steps",
      () => "sizeof(si)",
      () => "sizeof(qi)",
      () => (ctx.monitor ? "sizeof(sb)" : "sizeof(sw)"),
      () => "sizeof(sc)",
      () => "sizeof(sb)",
      () => (ctx.payload === "E0" ? `${P}.a` : ctx.payload === "E2" ? P : "n"),
      () => (ctx.loopVar !== undefined ? ctx.loopVar : "steps"),
      () => (depth < 2 ? `(${intE(ctx, depth + 1)} + ${intE(ctx, depth + 1)})` : "1"),
      () => (depth < 2 ? `(${intE(ctx, depth + 1)} - ${intE(ctx, depth + 1)})` : "2"),
      () => (depth < 2 ? `(${intE(ctx, depth + 1)} % 6)` : "3"),
    ];
    return r.pick(opts)();
  };
  const boolE = (ctx: Ctx): string =>
    r.pick([
      () => "true",
      () => "false",
      () => "f",
      () => (ctx.payload === "E0" ? `${P}.b` : ctx.payload === "E3" ? P : "f"),
      () => `(${intE(ctx)} in si)`,
      () => `(${intE(ctx)} in qi)`,
      () => `(f in sb)`,
      () => `(c in sc)`,
      () => (ctx.monitor ? "(1 in si)" : `(peer in sw)`),
      () => (ctx.monitor ? "(-1 in si)" : `(default(W) in sw)`),
      () => (ctx.monitor ? "(40 in si)" : `(this in sw)`),
      () => `(sizeof(si) > ${r.int(4)})`,
    ])();
  const colorE = (ctx: Ctx): string =>
    r.pick([() => r.pick(colors), () => "c", () => (ctx.payload === "E0" ? `${P}.c` : "c")])();
  const workerE = (ctx: Ctx): string =>
    r.pick(["this", "peer", "default(W)", ctx.payload === "E0" ? `${P}.d` : "peer"]);

  const stmt = (ctx: Ctx, depth: number): string => {
    const m = ctx.monitor === true;
    const kinds: (() => string)[] = [
      () => `si += (${intE(ctx)});`,
      () => `si -= (${intE(ctx)});`,
      () => `if (sizeof(si) > 0) { n = si[${r.pick(["0", "sizeof(si) - 1"])}]; }`,
      () => `if (${boolE(ctx)}) { n = n + 1; } else { n = n - 1; }`,
      () =>
        `if (sizeof(qi) < 5) { qi += (${r.pick(["0", "sizeof(qi)", "sizeof(qi)", "0", "0", "1"])}, ${intE(ctx)}); }`,
      () => `if (sizeof(qi) > 0) { qi -= (${r.pick(["0", "sizeof(qi) - 1"])}); }`,
      () => `if (sizeof(qi) > 0) { qi[${r.pick(["0", "sizeof(qi) - 1"])}] = ${intE(ctx)}; }`,
      () => `si = {${Array.from({ length: r.int(4) }, () => intE(ctx)).join(", ")}};`,
      () => `qi = [${Array.from({ length: r.int(4) }, () => intE(ctx)).join(", ")}];`,
      () => `foreach (v in si) { n = n + v; }`,
      () => (m ? `if (sizeof(si) > 0) { n = si[0]; }` : `if (sizeof(si) > 0) { n = choose(si); }`),
      () => `sb += (${boolE(ctx)});`,
      () => `sb -= (${boolE(ctx)});`,
      () => `if (sizeof(sb) > 0) { f = sb[${r.pick(["0", "sizeof(sb) - 1"])}]; }`,
      () => `sc += (${colorE(ctx)});`,
      () => `sc -= (${colorE(ctx)});`,
      () => `if (sizeof(sc) > 0) { c = sc[${r.pick(["0", "sizeof(sc) - 1"])}]; }`,
      () => `sc = {${Array.from({ length: r.int(3) }, () => colorE(ctx)).join(", ")}};`,
      () => `if (sizeof(qc) < 4) { qc += (sizeof(qc), ${colorE(ctx)}); }`,
      () => `if (sizeof(qc) > 0) { qc[0] = ${colorE(ctx)}; c = qc[sizeof(qc) - 1]; }`,
      () => `if (sizeof(qb) < 4) { qb += (0, ${boolE(ctx)}); }`,
      () => `if (sizeof(qb) > 0) { f = qb[0]; qb[sizeof(qb) - 1] = !f; }`,
      () => `if (sizeof(qb) > 1) { qb -= (1); }`,
      () => `foreach (x in qc) { if (x == c) { n = n + 1; } }`,
      () => (m ? `n = n + 1;` : `sw += (${workerE(ctx)});`),
      () => (m ? `n = n + 2;` : `sw -= (${workerE(ctx)});`),
      () => (m ? `n = n + 3;` : `if (sizeof(sw) > 0) { peer = sw[${r.pick(["0", "sizeof(sw) - 1"])}]; }`),
      () => (m ? `n = n + 4;` : `foreach (w in sw) { if (w == peer) { n = n + 1; } }`),
      () => `n = ${intE(ctx)};`,
      () => `f = ${boolE(ctx)};`,
      () => `c = ${colorE(ctx)};`,
    ];
    if (!m) {
      kinds.push(
        () =>
          `send peer, E0, (a = ${intE(ctx)}, b = ${boolE(ctx)}, c = ${colorE(ctx)}, d = ${workerE(ctx)});`,
        () => `send ${r.pick(["peer", "this"])}, E1;`,
        () => `send ${r.pick(["peer", "this"])}, E2, ${intE(ctx)};`,
        () => `send ${r.pick(["peer", "this"])}, E3, ${boolE(ctx)};`,
        () => `if (sizeof(sw) > 0) { send choose(sw), E1; }`,
      );
    }
    if (o.bigLoops && !m && r.chance(8)) {
      const big = r.pick([20000, 45000, 49990, 50001, 66000, 66667, 99999]);
      return `{ var i: int; while (i < ${big}) { if (${r.pick(["n in qi", "n in si", "f in qb", "c in sc"])}) { n = n + 1; } i = i + 1; } }`;
    }
    if (depth < 1 && r.chance(15))
      return `if (${boolE(ctx)}) { ${stmt(ctx, depth + 1)} ${stmt(ctx, depth + 1)} }`;
    return r.pick(kinds)();
  };
  const body = (ctx: Ctx, guard: boolean): string => {
    const n = 1 + r.int(5);
    const stmts = Array.from({ length: n }, () => stmt(ctx, 0));
    if (ctx.monitor !== true)
      stmts.push(
        r.pick([
          () =>
            `send peer, E0, (a = ${intE(ctx)}, b = ${boolE(ctx)}, c = ${colorE(ctx)}, d = ${workerE(ctx)});`,
          () => `send ${r.pick(["peer", "this"])}, E1;`,
          () => `send ${r.pick(["peer", "this"])}, E2, ${intE(ctx)};`,
          () => `send ${r.pick(["peer", "this"])}, E3, ${boolE(ctx)};`,
        ])(),
      );
    // Bounded: a machine's steps count its handled messages; past the limit, nothing is sent.
    if (!guard) return stmts.join("\n      ");
    return `if (steps < ${limit}) {\n      steps += 1;\n      ${stmts.join("\n      ")}\n    }`;
  };
  const payloadOf: Record<string, string> = {
    E0: "(a: int, b: bool, c: Color, d: W)",
    E2: "int",
    E3: "bool",
  };
  const handler = (ev: string, inState: string): string => {
    const pt = payloadOf[ev];
    const ctx = { payload: pt === undefined ? null : ev };
    const b = body(ctx, true);
    const go = r.chance(25) ? ` if (steps > 1) { goto ${inState === "S0" ? "S1" : "S0"}; }` : "";
    return `    on ${ev} do ${pt !== undefined ? `(${P}: ${pt}) ` : ""}{\n    ${b}${go}\n    }`;
  };
  const events = ["E0", "E1", "E2", "E3"];
  const timerStart = r.chance(40) ? "start timer T;" : "";
  const state = (name: string, start: boolean): string => {
    const deferred = events.filter((e) => e !== "E2" && r.chance(15));
    const lines = [`  ${start ? "start " : ""}state ${name} {`];
    if (deferred.length > 0 && deferred.length < 4) lines.push(`    defer ${deferred.join(", ")};`);
    for (const e of events) if (!deferred.includes(e)) lines.push(handler(e, name));
    if (timerStart !== "")
      lines.push(
        `    on timeout T do {\n    ${body({ payload: null }, true)}${r.chance(50) ? " if (steps < 2) { start timer T; }" : ""}\n    }`,
      );
    lines.push("  }");
    return lines.join("\n");
  };
  const vars = `  var si: set[int];
  var sb: set[bool];
  var sc: set[Color];
  var qi: seq[int];
  var qb: seq[bool];
  var qc: seq[Color];
  var n: int;
  var f: bool;
  var c: Color;
  var steps: int;`;
  const monitorEvents = events.filter((e) => e !== "E1" && r.chance(60));
  const monitor =
    monitorEvents.length === 0
      ? ""
      : `spec M observes ${monitorEvents.join(", ")} {
${vars}
  start state W0 {
${monitorEvents
  .map((e) => {
    const pt = payloadOf[e];
    return `    on ${e} do ${pt !== undefined ? `(${P}: ${pt}) ` : ""}{\n    ${body({ payload: e, monitor: true }, true)}\n    }`;
  })
  .join("\n")}
  }
}`;
  const invariants = [
    `invariant I0: forall w: W :: sizeof(w.si) <= ${3 + r.int(6)} || w.n > 1000;`,
    `invariant I1: forall w: W :: !(${r.pick([3, 7, 31, 100, -1])} in w.si) || sizeof(w.qi) < ${1 + r.int(5)};`,
    `invariant I2: forall w: W :: (sizeof(w.sc) == 0 || w.sc[0] != ${r.pick(colors)}) || sizeof(w.sb) < 2;`,
    `invariant I3: forall w: W :: forall v in w.si :: v < ${r.pick([5, 20, 40, 101])};`,
    `invariant I4: forall w: W :: sizeof(w.sw) < ${1 + r.int(3)} || w.steps < ${limit};`,
  ].filter(() => r.chance(50));
  const names = invariants.map((t) => t.split(":")[0]!.replace("invariant ", ""));
  if (monitor !== "") names.push("M");
  return `enum Color { ${colors.join(", ")} }
event E0: (a: int, b: bool, c: Color, d: W);
event E1;
event E2: int;
event E3: bool;
event Wire: W;

machine W {
${vars}
  var sw: set[W];
  var peer: W;
  start state Boot {
    defer E0, E1, E2, E3;
    on Wire do (x: W) {
      peer = x;
      sw += (x);
      ${timerStart}
      send peer, ${r.pick(["E1", "E2, 1", "E3, true", "E0, (a = -2, b = true, c = C1, d = this)"])};
      if (choose(2) == 0) { goto S0; } else { goto S1; }
    }
  }
${state("S0", false)}
${state("S1", false)}
}

machine Main {
  start state Go {
    entry {
      var ws: seq[W];
      var i: int;
      while (i < ${nWorkers}) { ws += (i, new W()); i = i + 1; }
      i = 0;
      while (i < ${nWorkers}) { send ws[i], Wire, ws[(i + 1) % ${nWorkers}]; i = i + 1; }
    }
  }
}

${monitor}

${invariants.join("\n")}

test T [main = Main]${names.length > 0 ? `: assert ${names.join(", ")}` : ""};
`;
}
