// `faultline init [dir]`: scaffold Faultline into a project: a starter model
// with a passing test and one a fault breaks, its expected.json, a
// `check:models` npm script and a GitHub Actions workflow. Existing files are
// never overwritten without --force; package.json and an existing
// expected.json only gain an entry.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "../args.js";
import { INIT_FLAGS } from "../command-specs.js";
import { ExitCode, type ExitCodeValue } from "../exit-codes.js";
import type { Io } from "../io.js";
import { displayPath } from "../reporters/format.js";

const MODEL_FILE = "payments.fl";
const SCRIPT_NAME = "check:models";
const SCRIPT = "faultline check models --expected";

export const STARTER_MODEL = `// payments.fl — a client pays through a server that may crash. The request
// carries an idempotency token, so a retried payment must not be charged twice.
// Scaffolded by \`faultline init\`: change it into a model of your own design
// (the language: docs/language.md in the Faultline repository).
//
// Check it:  npx faultline check models --expected
//
// LossyNetwork passes; ServerRestart fails, as models/expected.json says it
// must. To read its counterexample, run
//
//   npx faultline check models --out traces
//
// Under "✗ ServerRestart" each numbered line is one step: \`init\`, a delivery
// (\`Server(0) <- Charge(...) from Client(0)\`), a timer firing, a crash or a
// restart; the indented lines under it are what that step changed. The last
// line (\`=>\`) names the property that broke and its line in this file. It is
// the shortest such run. Step through it, state by state, with
//
//   npx faultline explore traces/payments.ServerRestart.itf.json
//
// The fix: make \`seen\` durable (\`durable var seen: set[int];\`), so the
// tokens survive a crash as the ledger does. ServerRestart then passes, and
// its line in expected.json becomes { "outcome": "pass" }.

type Request = (client: Client, token: int);

event Charge: Request; // "charge this payment", retried with the same token
event Charged: int;    // "payment <token> is charged"

machine Server {
  durable var ledger: seq[int]; // the charges made: the bank's record, it survives a crash
  var seen: set[int];           // tokens already charged: in memory only

  start state Serving {
    on Charge do (req) {
      if (!(req.token in seen)) {
        ledger += (sizeof(ledger), req.token);
        seen += (req.token);
      }
      send req.client, Charged, req.token; // a retry is answered again, not charged again
    }
  }
}

machine Client {
  var server: Server;
  var attempts: int;

  start state Init {
    entry (s: Server) {
      server = s;
      goto Waiting;
    }
  }

  state Waiting {
    entry {
      attempts += 1;
      send server, Charge, (client = this, token = 1);
      start timer Retry;
    }
    exit { cancel timer Retry; }
    on Charged goto Paid;
    on timeout Retry do {
      if (attempts < 3) { goto Waiting; } // the same token: a retry, not a new payment
      goto GaveUp;
    }
  }

  state Paid { ignore Charged; }
  state GaveUp { ignore Charged; }
}

machine Setup {
  start state Boot {
    entry {
      var server: Server;
      server = new Server();
      new Client(server);
    }
  }
}

// The payment is charged at most once, however often it is sent.
invariant ChargedAtMostOnce: forall s: Server :: sizeof(s.ledger) <= 1;

// Passes: lost requests and replies are retried, a request may arrive twice,
// and the token makes every repeat harmless.
test LossyNetwork [main = Setup]: assert ChargedAtMostOnce
  with faults { drop Charge, Charged at most 2; duplicate Charge at most 1; };

// Fails: the server charges, crashes before the client hears back and
// restarts without \`seen\`; the client's retry is charged a second time.
test ServerRestart [main = Setup]: assert ChargedAtMostOnce
  with faults { crash Server at most 1 then restart; };
`;

/** What `--expected` compares the starter model's tests with (expected-outcomes.ts). */
export const STARTER_EXPECTATIONS = {
  LossyNetwork: { outcome: "pass" },
  ServerRestart: { outcome: "violation", property: "ChargedAtMostOnce" },
};

/** The workflow: the project's dependencies when it has a package.json, then this repository's action. */
export function starterWorkflow(install: "npm ci" | "npm install" | null): string {
  const installStep = install
    ? `      - run: ${install} # the project's own faultline, when it is a dependency\n`
    : "";
  return `# Checks the Faultline models on every push and pull request (faultline init).
# Failures show as annotations, in the job summary and in code scanning; the
# counterexample traces are kept as an artifact: download it and run
# \`npx faultline explore faultline-results/traces/<file>.<test>.itf.json\`.
name: faultline

on:
  push:
  pull_request:

permissions:
  contents: read
  security-events: write # upload-sarif

jobs:
  models:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
${installStep}      - name: Check the models
        id: faultline
        # Pin a release tag or a commit SHA instead of main for reproducible runs.
        uses: faultline/faultline@main
        with:
          files: models
          args: --expected
      - name: Upload SARIF to code scanning
        if: always() && steps.faultline.outputs.sarif != ''
        uses: github/codeql-action/upload-sarif@v3
        with:
          sarif_file: \${{ steps.faultline.outputs.sarif }}
          category: faultline
      - name: Keep the counterexample traces
        if: always()
        uses: actions/upload-artifact@v4
        with:
          name: faultline-results
          path: faultline-results/
          if-no-files-found: ignore
`;
}

interface Planned {
  path: string;
  text: string;
  what: string;
  /** Replaces a file (created otherwise). */
  replaces?: boolean;
}

/** `original` (a JSON file's text) with `key` set in the object at `objectPath`, indented as it was. */
function withEntry(
  original: string,
  objectPath: readonly string[],
  key: string,
  value: unknown,
  force: boolean,
): { text: string; changed: boolean } | { conflict: string } {
  let data: Record<string, unknown>;
  try {
    data = JSON.parse(original) as Record<string, unknown>;
  } catch (e) {
    return { conflict: `is not valid JSON (${(e as Error).message})` };
  }
  let target = data;
  for (const k of objectPath) {
    target[k] ??= {};
    if (typeof target[k] !== "object" || target[k] === null)
      return { conflict: `has a '${k}' that is not an object` };
    target = target[k] as Record<string, unknown>;
  }
  if (JSON.stringify(target[key]) === JSON.stringify(value)) return { text: original, changed: false };
  if (target[key] !== undefined && !force) return { conflict: `already has a different '${key}'` };
  target[key] = value;
  const indent = /\n([ \t]+)"/.exec(original)?.[1] ?? "  ";
  return { text: `${JSON.stringify(data, null, indent)}\n`, changed: true };
}

export function runInit(argv: readonly string[], io: Io): ExitCodeValue {
  const parsed = parseArgs(argv, INIT_FLAGS);
  if (!parsed.ok) {
    io.err(`faultline init: ${parsed.message}\n`);
    return ExitCode.usage;
  }
  const [dirArg, ...extra] = parsed.args.positionals;
  if (extra.length > 0) {
    io.err("faultline init: give at most one directory (usage: faultline init [dir] [--force])\n");
    return ExitCode.usage;
  }
  const force = Boolean(parsed.args.flags.get("force"));
  const root = resolve(dirArg ?? ".");
  /** A path as printed: relative to the working directory when inside it. */
  const show = (p: string) => displayPath(p, process.cwd());
  const planned: Planned[] = [];
  const conflicts: string[] = [];
  /** A whole file: created, or replaced with --force. */
  const file = (rel: string, text: string, what: string) => {
    const path = join(root, rel);
    if (!existsSync(path)) planned.push({ path, text, what });
    else if (readFileSync(path, "utf8") === text) return;
    else if (force) planned.push({ path, text, what, replaces: true });
    else conflicts.push(`${show(path)} exists`);
  };
  /** An entry in a JSON file: the file created, or the entry added (replaced with --force). */
  const entry = (
    rel: string,
    objectPath: string[],
    key: string,
    value: unknown,
    what: string,
    fresh: string,
  ) => {
    const path = join(root, rel);
    if (!existsSync(path)) {
      planned.push({ path, text: fresh, what });
      return;
    }
    const merged = withEntry(readFileSync(path, "utf8"), objectPath, key, value, force);
    if ("conflict" in merged) conflicts.push(`${show(path)} ${merged.conflict}`);
    else if (merged.changed) planned.push({ path, text: merged.text, what, replaces: true });
  };

  file(
    join("models", MODEL_FILE),
    STARTER_MODEL,
    "a starter model: a payment retried with an idempotency token",
  );
  entry(
    join("models", "expected.json"),
    [],
    MODEL_FILE,
    STARTER_EXPECTATIONS,
    "the outcome each of its tests must have (check --expected)",
    `${JSON.stringify({ [MODEL_FILE]: STARTER_EXPECTATIONS }, null, 2)}\n`,
  );
  const hasPackage = existsSync(join(root, "package.json"));
  const install = existsSync(join(root, "package-lock.json")) ? "npm ci" : hasPackage ? "npm install" : null;
  file(
    join(".github", "workflows", "faultline.yml"),
    starterWorkflow(install),
    "GitHub Actions: checks the models on every push and pull request",
  );
  if (hasPackage) {
    entry("package.json", ["scripts"], SCRIPT_NAME, SCRIPT, `the npm script ${SCRIPT_NAME}`, "");
  }
  if (conflicts.length > 0) {
    for (const c of conflicts) io.err(`faultline init: ${c}\n`);
    io.err("faultline init: nothing was written; --force replaces what exists\n");
    return ExitCode.usage;
  }
  for (const p of planned) {
    mkdirSync(dirname(p.path), { recursive: true });
    writeFileSync(p.path, p.text);
  }
  const width = Math.max(0, ...planned.map((p) => show(p.path).length));
  io.out(planned.length > 0 ? "faultline init:\n" : "faultline init: everything is in place already\n");
  for (const p of planned) {
    io.out(`  ${p.replaces ? "updated" : "created"} ${show(p.path).padEnd(width)}  ${p.what}\n`);
  }
  const pkg = hasPackage
    ? (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as PackageJson)
    : null;
  const depends = Boolean(pkg?.dependencies?.["faultline"] ?? pkg?.devDependencies?.["faultline"]);
  const cd = root === process.cwd() ? [] : [`cd ${show(root)}`];
  const next: [string, string][] = [
    ...cd.map((c): [string, string] => [c, ""]),
    ...(pkg && !depends
      ? [
          ["npm install --save-dev faultline", "the command the script and the workflow run"] as [
            string,
            string,
          ],
        ]
      : []),
    ["npx faultline check models --expected", "both tests as expected: exit 0"],
    ["npx faultline check models --out traces", "ServerRestart's counterexample, saved"],
    ["npx faultline explore traces/payments.ServerRestart.itf.json", "step through it"],
    ...(pkg ? [[`npm run ${SCRIPT_NAME}`, "the check, as CI runs it"] as [string, string]] : []),
  ];
  const col = Math.max(...next.map(([c]) => c.length));
  const lines = next.map(([c, why]) => (why ? `  ${c.padEnd(col)}  # ${why}\n` : `  ${c}\n`));
  io.out(`\nNext:\n${lines.join("")}`);
  if (!pkg) {
    io.out(
      `\nNo package.json here, so no npm script was added; the workflow's action builds faultline itself.\n`,
    );
  }
  return ExitCode.pass;
}

interface PackageJson {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}
