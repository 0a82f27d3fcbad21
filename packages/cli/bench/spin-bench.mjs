// Faultline and SPIN side by side (issue 15), each run as its users run it —
// `faultline check --workers 1` through the built command, SPIN's generated
// verifier built with -DNOREDUCE -DSAFETY (no partial-order reduction, safety
// only) — interleaved, three times per size, medians, and the ratio of their
// rates (distinct states per second of wall time, start-up included) printed.
// Two protocols:
// - TLA+'s TwoPhase: models/bench/two-phase-tla.fl and
//   ../shared/bench/twophase.pml, the same state space (identical counts);
// - the reference two-phase commit with messages (coordinator, participants,
//   Prepare/Voted/Decide on FIFO channels): models/bench/two-phase-messages.fl,
//   test Reliable, checked with --no-liveness (SPIN's side checks no
//   liveness either), and fixtures/two-phase-messages.pml, one d_step per
//   handler. SPIN stores exactly one state more: the one before the
//   coordinator's first step (Promela's channels start empty; Faultline's
//   initial state is after Setup's entry has sent every Prepare).
// Faultline's counts are asserted against models/bench/expected.json, or the
// figures in models/bench/README.md, where they are pinned; SPIN's against
// Faultline's. SPIN's side is skipped, saying so, where `spin` or a C
// compiler is missing or a Promela model is not there.
// Run (after npm run build):
//   node packages/cli/bench/spin-bench.mjs [TwoPhase sizes, default "7 8"]
//     [--messages 5,6] [--reps 3]
// (--messages "" leaves the message-passing model out.)
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { parseArgs } from "node:util";
import { has, int, load, machine, median, numbers, ROOT, runFaultline } from "./bench-util.mjs";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    messages: { type: "string", default: "5,6" },
    reps: { type: "string", default: "3" },
  },
});
const REPS = Number(values.reps);
const pinned = JSON.parse(readFileSync(join(ROOT, "models/bench/expected.json"), "utf8"));

const BENCHES = [
  {
    name: "TLA+ TwoPhase",
    model: "models/bench/two-phase-tla.fl",
    test: "TLC",
    param: "rms",
    args: [],
    sizes: positionals.length > 0 ? positionals.map(Number) : [7, 8],
    promela: join(ROOT, "../shared/bench/twophase.pml"),
    // models/bench/README.md (checked by packages/checker/test/perf-two-phase-tla.test.ts)
    documented: { 6: 50_816, 8: 1_745_408, 9: 10_340_352 },
    spinExtra: 0,
  },
  {
    name: "2PC messages, Reliable",
    model: "models/bench/two-phase-messages.fl",
    test: "Reliable",
    param: "participants",
    args: ["--test", "Reliable", "--no-liveness"],
    sizes: numbers(values.messages),
    promela: join(ROOT, "packages/cli/bench/fixtures/two-phase-messages.pml"),
    // models/bench/README.md
    documented: { 5: 102_314, 6: 949_328, 7: 8_758_778 },
    spinExtra: 1,
  },
];

const compiler = ["cc", "gcc", "clang"].find(has);
const spinMissing = !has("spin")
  ? "spin is not installed (apt-get install spin on a developer machine)"
  : compiler === undefined
    ? "no C compiler (cc, gcc or clang)"
    : null;

/** The distinct-state count pinned for `bench` at size `n`, and where, or null. */
function pinnedStates(bench, n) {
  const entry = pinned[basename(bench.model)]?.[`${bench.test}(${bench.param}=${n})`];
  if (entry !== undefined) return { states: entry.states, where: "expected.json" };
  const documented = bench.documented[n];
  return documented === undefined ? null : { states: documented, where: "models/bench/README.md" };
}

/** SPIN's verifier for `pml` with N = `n`, built in `dir`. */
function buildPan(dir, pml, n) {
  const name = basename(pml);
  copyFileSync(pml, join(dir, name));
  execFileSync("spin", [`-DN=${n}`, "-a", name], { cwd: dir, stdio: "ignore" });
  const pan = `pan-${name.replace(/\.pml$/, "")}-${n}`;
  execFileSync(compiler, ["-O2", "-DNOREDUCE", "-DSAFETY", "-DMEMLIM=8192", "-o", pan, "pan.c"], {
    cwd: dir,
    stdio: "ignore",
  });
  return join(dir, pan);
}

/** Seconds (wall, including start-up) and stored states of one run of SPIN's verifier. */
function spin(pan) {
  const started = process.hrtime.bigint();
  const r = spawnSync(pan, ["-m100000"], { encoding: "utf8" });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const stored = /([\d.e+]+) states, stored/.exec(r.stdout);
  if (stored === null) throw new Error(`pan printed no state count:\n${r.stdout}\n${r.stderr}`);
  if (!/errors: 0\b/.test(r.stdout)) throw new Error(`pan found errors:\n${r.stdout}`);
  return { seconds, states: Math.round(Number(stored[1])) };
}

const rate = (states, seconds) => `${int(states / seconds / 1000)}k/s`;

console.log(`Faultline vs SPIN, ${REPS} interleaved runs each, medians`);
console.log(`machine: ${machine()}`);
console.log(`load average before: ${load()}`);
if (spinMissing !== null) console.log(`SPIN skipped: ${spinMissing}`);
console.log("");
console.log(
  "| model | size | faultline s | faultline states | faultline rate | SPIN s | SPIN states | SPIN rate | Faultline / SPIN rate |",
);
console.log("| --- | --: | --: | --: | --: | --: | --: | --: | --: |");
const notes = [];
const dir = mkdtempSync(join(tmpdir(), "faultline-spin-"));
try {
  for (const bench of BENCHES) {
    const spinReason =
      spinMissing ?? (existsSync(bench.promela) ? null : `no Promela model at ${bench.promela}`);
    if (spinMissing === null && spinReason !== null) notes.push(`${bench.name}: SPIN skipped, ${spinReason}`);
    for (const n of bench.sizes) {
      const pan = spinReason === null ? buildPan(dir, bench.promela, n) : null;
      const ours = [];
      const theirs = [];
      for (let i = 0; i < REPS; i++) {
        ours.push(
          runFaultline([bench.model, ...bench.args, "--param", `${bench.param}=${n}`, "--workers", "1"]),
        );
        if (pan !== null) theirs.push(spin(pan));
      }
      const f = { seconds: median(ours.map((r) => r.seconds)), states: ours[0].states };
      const size = `${bench.param}=${n}`;
      const pin = pinnedStates(bench, n);
      if (pin !== null && pin.states !== f.states) {
        throw new Error(
          `${bench.name} ${size}: Faultline counted ${int(f.states)} states, ${pin.where} pins ${int(pin.states)}`,
        );
      }
      let row = `| ${bench.name} | ${size} | ${f.seconds.toFixed(2)} | ${int(f.states)}${pin === null ? " (not pinned)" : ""} | ${rate(f.states, f.seconds)} |`;
      if (theirs.length > 0) {
        const s = { seconds: median(theirs.map((r) => r.seconds)), states: theirs[0].states };
        const ratio = f.states / f.seconds / (s.states / s.seconds);
        row += ` ${s.seconds.toFixed(2)} | ${int(s.states)} | ${rate(s.states, s.seconds)} | ${ratio.toFixed(2)}x |`;
        const extra = s.states - f.states;
        notes.push(
          `${bench.name} ${size}: ${
            extra === 0
              ? "identical state counts"
              : extra === bench.spinExtra
                ? `counts match exactly but for the ${extra} state SPIN stores before the coordinator's first step`
                : `state counts differ: Faultline ${int(f.states)}, SPIN ${int(s.states)}`
          }; time to exhaust ${f.seconds.toFixed(2)} s vs ${s.seconds.toFixed(2)} s (${(f.seconds / s.seconds).toFixed(1)}x)`,
        );
      } else {
        row += " | | | |";
      }
      console.log(row);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log("");
for (const note of notes) console.log(note);
console.log(`load average after: ${load()}`);
