#!/usr/bin/env bash
# Packs the `faultline` package and installs it into a fresh project outside
# the repository, then uses it as a user would: `check` on a model with a
# failing test (exit 1, trace written), `replay` of that trace from another
# directory, and `compile` followed by `tsc --strict --noEmit` on the output.
# Then `faultline/testing`: a model-based test of a small JavaScript server
# against a model, type-checked and run (vitest stays an optional peer: not
# installed). Prints the tarball size and the install time. Run by .ci/run after the build.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/faultline-pack-XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "pack-install: FAILED: $*" >&2; exit 1; }

cd "$repo"
tarball=$(npm pack -w packages/cli --pack-destination "$work" --silent | tail -n 1)
[ -f "$work/$tarball" ] || fail "npm pack wrote no tarball"
size=$(du -k "$work/$tarball" | cut -f1)
files=$(tar -tzf "$work/$tarball")
count=$(echo "$files" | wc -l)
echo "pack-install: $tarball, ${size} KiB, $count files"
if echo "$files" | grep -Eq '(^package/(src|test|bench|scripts)/|\.test\.|fixtures/|\.map$|tsbuildinfo)'; then
  fail "the tarball carries sources, tests, fixtures or maps: $(echo "$files" | grep -E '(src|test|bench|scripts|fixtures)/|\.test\.|\.map$|tsbuildinfo' | head -5 | tr '\n' ' ')"
fi
echo "$files" | grep -qx 'package/LICENSE' || fail "the tarball has no LICENSE"

project="$work/project"
mkdir -p "$project/models"
cd "$project"
npm init -y >/dev/null
start=$(date +%s%N)
npm install --save-dev --no-audit --no-fund --loglevel=error "$work/$tarball" >/dev/null
echo "pack-install: npm install --save-dev $tarball took $(( ($(date +%s%N) - start) / 1000000 )) ms"
[ ! -e node_modules/typescript ] || fail "installing faultline pulled in typescript (it is an optional peer)"
[ ! -e node_modules/vitest ] || fail "installing faultline pulled in vitest (it is an optional peer)"

npx faultline --version
cp "$repo/models/two-phase-commit/two-phase-commit-buggy.fl" models/2pc.fl

set +e
npx faultline check models/2pc.fl --test 'CoordinatorCrash(participants=2)' --out traces > check.log 2>&1
code=$?
set -e
[ "$code" -eq 1 ] || { cat check.log; fail "check exited $code, expected 1 (a violation)"; }
trace=$(ls traces/*.itf.json | head -n 1)
[ -n "$trace" ] || fail "check wrote no trace"
echo "pack-install: check found the violation (exit 1) and wrote $trace"

# Worker threads load the bundle's parallel-worker.js and fl-factory.js entries by
# file name; a memory budget skips the single-threaded probe, so they really run.
npx faultline check models/2pc.fl --test 'Reliable(participants=3)' --workers 2 --memory 1GiB > workers.log 2>&1 ||
  { cat workers.log; fail "check with 2 workers failed"; }
grep -q "1 passed, 0 failed" workers.log || { cat workers.log; fail "check with 2 workers did not pass"; }
echo "pack-install: check with 2 worker threads passed"

set +e
(cd / && "$project/node_modules/.bin/faultline" replay "$project/$trace" > "$work/replay.log" 2>&1)
code=$?
set -e
[ "$code" -eq 1 ] || { cat "$work/replay.log"; fail "replay from / exited $code, expected 1"; }
echo "pack-install: replay from / reproduced it"

# typescript only now: checking and replaying above ran without it.
typescript=$(node -p "require('$repo/node_modules/typescript/package.json').version")
npm install --save-dev --no-audit --no-fund --loglevel=error "typescript@$typescript" >/dev/null
npx faultline compile models/2pc.fl > 2pc.ts
cat > tsconfig.json <<'JSON'
{ "compilerOptions": { "strict": true, "noEmit": true, "target": "ES2022",
    "module": "NodeNext", "moduleResolution": "NodeNext", "skipLibCheck": false },
  "files": ["2pc.ts"] }
JSON
npx tsc -p . || fail "the compiled model does not type-check against the installed faultline/runtime"
echo "pack-install: compile output type-checks under tsc --strict with faultline/runtime from the installed package"

# The library: a hand-written model through `faultline`'s checkModel and defineModel.
cat > library.mts <<'TS'
import { checkModel, defineModel } from "faultline";

const model = defineModel<number, number>({
  name: "counter",
  invariants: [{ name: "below3", holds: (n: number) => n < 3 }],
  initial: (emit) => emit(0, { kind: "state", state: 0 }),
  successors: (n, emit) => { if (n < 5) emit(n + 1, { kind: "state", state: n + 1 }); },
  apply: (_n, step) => ({ kind: "state", state: step }),
  encode: (n) => Uint8Array.of(n),
  decode: (bytes) => bytes[0] ?? 0,
});
const { result } = await checkModel(model, null);
if (result.kind !== "violation" || result.trace.steps.length !== 4) throw new Error(`unexpected ${result.kind}`);
console.log(`pack-install: the library found ${result.failure.property} in ${result.trace.steps.length} steps`);
TS
sed -i 's/"files": \["2pc.ts"\]/"files": ["2pc.ts", "library.mts"]/' tsconfig.json
npx tsc -p . || fail "a program using the faultline library does not type-check"
npx tsc -p . --noEmit false --outDir lib > /dev/null || fail "cannot emit library.mts"
node lib/library.mjs || fail "the library program failed"

# faultline/testing: an echo server (the implementation) checked against the model in lockstep;
# one that answers wrongly is caught, and the shrunk schedule is reported.
cp "$repo/packages/cli/test/fixtures/conformance/echo.fl" models/echo.fl
cat > testing.mts <<'TS'
import { checkConformance, type ImplementationAdapter, type SentMessage } from "faultline/testing";

const server = (offset: number) => (): ImplementationAdapter => {
  let log = "";
  return {
    create: (_instance, payload) => {
      log = String(payload);
      return [];
    },
    deliver: (_instance, message): SentMessage[] => {
      const { from, n } = message.payload as { from: string; n: number };
      return [
        { to: log, event: "Echoed", payload: { n, loud: false } },
        { to: from, event: "Pong", payload: n + offset },
      ];
    },
  };
};
const options = { model: "models/echo.fl", test: "Plain", implements: ["Server"], schedules: { random: 20, pct: 10 } };
const good = await checkConformance({ ...options, adapter: server(1) });
if (good.failure !== null || good.passed !== 30) throw new Error(`the conforming server failed: ${good.failure?.report}`);
const bad = await checkConformance({ ...options, adapter: server(2) });
if (bad.failure?.run.failure?.kind !== "divergence") throw new Error("the diverging server was not caught");
console.log(`pack-install: faultline/testing passed 30 schedules and caught a divergence, shrunk to ${bad.failure.shrunk?.steps.length} steps`);
TS
sed -i 's/"files": \["2pc.ts", "library.mts"\]/"files": ["2pc.ts", "library.mts", "testing.mts"]/' tsconfig.json
npx tsc -p . || fail "a program using faultline/testing does not type-check"
npx tsc -p . --noEmit false --outDir lib > /dev/null || fail "cannot emit testing.mts"
node lib/testing.mjs || fail "the faultline/testing program failed"

# faultline/testing/vitest with the project's own vitest: one test per schedule.
vitest=$(node -p "require('$repo/node_modules/vitest/package.json').version")
npm install --save-dev --no-audit --no-fund --loglevel=error "vitest@$vitest" >/dev/null
cat > echo.test.mjs <<'JS'
import { describeConformance } from "faultline/testing/vitest";

let log = "";
describeConformance("echo server", {
  model: "models/echo.fl",
  test: "Plain",
  implements: ["Server"],
  adapter: () => ({
    create: (_instance, payload) => {
      log = String(payload);
    },
    deliver: (_instance, { payload: { from, n } }) => [
      { to: log, event: "Echoed", payload: { n, loud: false } },
      { to: from, event: "Pong", payload: n + 1 },
    ],
  }),
  schedules: { random: 5, pct: 3 },
});
JS
NO_COLOR=1 npx vitest run echo.test.mjs > vitest.log 2>&1 || { cat vitest.log; fail "vitest with faultline/testing/vitest failed"; }
grep -Eq "Tests +8 passed" vitest.log || { cat vitest.log; fail "vitest did not run one test per schedule (8)"; }
echo "pack-install: faultline/testing/vitest ran one vitest test per schedule (8 passed)"
echo "pack-install: ok"
