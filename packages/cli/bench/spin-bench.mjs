// Faultline and SPIN side by side on TLA+'s TwoPhase (issue 15): the same
// state space (models/bench/two-phase-tla.fl and ../shared/bench/twophase.pml
// agree on the distinct-state counts), each run as its users run it —
// `faultline check --workers 1` through the built command, SPIN's generated
// verifier built with -DNOREDUCE (no partial-order reduction) — interleaved,
// three times per size, and the ratio of their rates printed. SPIN's side is
// skipped, saying so, where `spin` or a C compiler is missing or the Promela
// model is not beside the checkout.
// Run: node packages/cli/bench/spin-bench.mjs [sizes, default "7 8"] (after npm run build)
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const BIN = join(ROOT, "packages/cli/bin/faultline.js");
const MODEL = join(ROOT, "models/bench/two-phase-tla.fl");
const PROMELA = join(ROOT, "../shared/bench/twophase.pml");
const REPS = 3;
const sizes = (process.argv.slice(2).length > 0 ? process.argv.slice(2) : ["7", "8"]).map(Number);

function has(command) {
  return spawnSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" }).status === 0;
}

const compiler = ["cc", "gcc", "clang"].find(has);
const spinReason = !has("spin")
  ? "spin is not installed (apt-get install spin on a developer machine)"
  : compiler === undefined
    ? "no C compiler (cc, gcc or clang)"
    : !existsSync(PROMELA)
      ? `no Promela model at ${PROMELA}`
      : null;

/** Seconds and distinct states of `faultline check` on TwoPhase with `rms` resource managers. */
function faultline(rms) {
  const started = process.hrtime.bigint();
  const r = spawnSync(
    process.execPath,
    [BIN, "check", MODEL, "--param", `rms=${rms}`, "--workers", "1", "--reporter", "json"],
    { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) throw new Error(`faultline check failed (exit ${r.status}): ${r.stderr}`);
  const report = JSON.parse(r.stdout);
  return { seconds, states: report.tests[0].stats.distinctStates };
}

/** SPIN's verifier for `n`, built once per size in `dir`. */
function buildPan(dir, n) {
  const pml = join(dir, "twophase.pml");
  copyFileSync(PROMELA, pml);
  execFileSync("spin", [`-DN=${n}`, "-a", "twophase.pml"], { cwd: dir, stdio: "ignore" });
  execFileSync(compiler, ["-O2", "-DNOREDUCE", "-DSAFETY", "-DMEMLIM=8192", "-o", `pan${n}`, "pan.c"], {
    cwd: dir,
    stdio: "ignore",
  });
  return join(dir, `pan${n}`);
}

/** Seconds (wall, including start-up) and stored states of one run of SPIN's verifier. */
function spin(pan) {
  const started = process.hrtime.bigint();
  const r = spawnSync(pan, ["-m100000"], { encoding: "utf8" });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const stored = /([\d.e+]+) states, stored/.exec(r.stdout);
  if (stored === null) throw new Error(`pan printed no state count:\n${r.stdout}\n${r.stderr}`);
  return { seconds, states: Math.round(Number(stored[1])) };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
const rate = (states, seconds) => `${Math.round(states / seconds / 1000).toLocaleString("en-US")}k/s`;

console.log(`Faultline vs SPIN on TLA+'s TwoPhase, ${REPS} interleaved runs each, medians`);
console.log(`load average before: ${load()}`);
if (spinReason !== null) console.log(`SPIN skipped: ${spinReason}`);
const dir = mkdtempSync(join(tmpdir(), "faultline-spin-"));
try {
  for (const n of sizes) {
    const pan = spinReason === null ? buildPan(dir, n) : null;
    const ours = [];
    const theirs = [];
    for (let i = 0; i < REPS; i++) {
      ours.push(faultline(n));
      if (pan !== null) theirs.push(spin(pan));
    }
    const f = { seconds: median(ours.map((r) => r.seconds)), states: ours[0].states };
    let line = `N=${n}: faultline check --workers 1 ${f.seconds.toFixed(2)} s, ${f.states.toLocaleString("en-US")} states (${rate(f.states, f.seconds)})`;
    if (theirs.length > 0) {
      const s = { seconds: median(theirs.map((r) => r.seconds)), states: theirs[0].states };
      const ratio = f.states / f.seconds / (s.states / s.seconds);
      line += `; SPIN -DNOREDUCE ${s.seconds.toFixed(2)} s, ${s.states.toLocaleString("en-US")} states (${rate(s.states, s.seconds)}); Faultline at ${ratio.toFixed(2)}x SPIN's rate`;
      if (s.states !== f.states) line += ` (state counts differ: ${f.states} vs ${s.states})`;
    }
    console.log(line);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(`load average after: ${load()}`);
