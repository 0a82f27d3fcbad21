// The CI reporters on hand-built run reports (pass, invariant violation with a
// trace, deadlock, bounded, model error) and on one real checker run: JUnit XML
// validated by libxml2's xmllint (compiled to WebAssembly: the xmllint-wasm
// package, no system tool) against the Jenkins and Ant JUnit schemas, SARIF
// validated by ajv against the SARIF 2.1.0 schema, GitHub annotations as exact
// lines, the markdown job summary and the JSON summary's shape.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { checkExhaustive, type Failure, type Model, replayTrace } from "@faultline/checker";
import { compileSource, type Diagnostic } from "@faultline/lang";
import Ajv from "ajv-draft-04";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { validateXML } from "xmllint-wasm";
import { emitReports, REPORT_FILES } from "../src/reporters/emit.js";
import {
  escapeCommandData,
  escapeCommandProperty,
  toGithubAnnotations,
  toGithubSummary,
  writeGithubSummary,
} from "../src/reporters/github.js";
import { toJsonSummary } from "../src/reporters/json.js";
import { replaceInvalidXmlChars, toJUnitXml } from "../src/reporters/junit.js";
import {
  BUILTIN_CHECKS,
  replayCommandFor,
  type RunReport,
  type TestOutcome,
  testOutcomeFromResult,
  testProperties,
} from "../src/reporters/run-report.js";
import { sarifRuleId, toSarif } from "../src/reporters/sarif.js";

const SCHEMAS = fileURLToPath(new URL("./fixtures/schemas/", import.meta.url));
const JENKINS_XSD = `${SCHEMAS}jenkins-junit.xsd`;
const ANT_XSD = `${SCHEMAS}ant-junit.xsd`;
const SARIF_SCHEMA = JSON.parse(readFileSync(`${SCHEMAS}sarif-2.1.0-rtm.5.json`, "utf8"));

// ---------------------------------------------------------------- fixtures

const PROPS = ["NoSplitDecision", "Atomicity", ...BUILTIN_CHECKS];

function diag(
  code: Diagnostic["code"],
  message: string,
  line: number,
  col: number,
  endCol: number,
): Diagnostic {
  return {
    code,
    severity: "error",
    message,
    span: {
      file: "models/broken.fl",
      start: { line, col, offset: 0 },
      end: { line, col: endCol, offset: 0 },
    },
    hint: "did you mean 'Voted'?",
  };
}

function passing(): TestOutcome {
  return {
    file: "models/two-phase.fl",
    test: "Small",
    properties: PROPS,
    outcome: "pass",
    failure: null,
    exitCode: 0,
    stats: { distinctStates: 1234, generatedStates: 5000, maxDepth: 9, elapsedMs: 700 },
    traceLength: null,
    tracePath: null,
    replayCommand: null,
    seed: null,
    mode: "exhaustive",
    testLocation: { file: "models/two-phase.fl", line: 50, col: 1, endLine: 50, endCol: 40 },
  };
}

function violation(): TestOutcome {
  return {
    file: "models/two-phase.fl",
    test: "TwoPhase",
    properties: PROPS,
    outcome: "violation",
    failure: {
      kind: "invariant",
      property: "NoSplitDecision",
      message: 'invariant NoSplitDecision does not hold: p0 = "Commit" & p1 = <Abort>',
      location: { file: "models/two-phase.fl", line: 40, col: 11, endLine: 40, endCol: 38 },
    },
    exitCode: 1,
    stats: { distinctStates: 77, generatedStates: 200, maxDepth: 3, elapsedMs: 350 },
    traceLength: 3,
    tracePath: "faultline-out/two-phase.TwoPhase.itf.json",
    replayCommand: replayCommandFor("faultline-out/two-phase.TwoPhase.itf.json"),
    seed: null,
    mode: "exhaustive",
    testLocation: { file: "models/two-phase.fl", line: 52, col: 1, endLine: 52, endCol: 60 },
    traceSteps: [
      { kind: "init", text: "new Coordinator(0)" },
      {
        kind: "deliver",
        text: "Participant(0) <- Prepare(tx=1) from Coordinator(0)",
        actor: "Participant(0)",
        location: { file: "models/two-phase.fl", line: 20, col: 5, endLine: 22, endCol: 6 },
      },
      { kind: "fault", text: "drop Vote from Participant(1) to Coordinator(0)" },
    ],
  };
}

function deadlock(): TestOutcome {
  return {
    file: "/repo/models/ring.fl",
    test: "Ring(n=3)",
    properties: ["deadlock", "unhandled-event", "assertion", "runtime-error"],
    outcome: "deadlock",
    failure: {
      kind: "deadlock",
      property: "deadlock",
      message: "deadlock: no step is enabled but messages are pending: Token from Node(0) to Node(1)",
      location: { file: "/repo/models/ring.fl", line: 5, col: 3, endLine: 9, endCol: 4 },
    },
    exitCode: 2,
    stats: { distinctStates: 12, maxDepth: 4, elapsedMs: 20 },
    traceLength: 5,
    tracePath: "faultline-out/ring.Ring_n=3_.itf.json",
    replayCommand: replayCommandFor("faultline-out/ring.Ring_n=3_.itf.json"),
    seed: null,
    mode: "exhaustive",
  };
}

function bounded(): TestOutcome {
  return {
    file: "/repo/models/ring.fl",
    test: "Big",
    properties: ["Progress", "deadlock", "unhandled-event", "assertion", "runtime-error"],
    outcome: "bounded",
    failure: null,
    exitCode: 5,
    stats: { distinctStates: 100000, maxDepth: 30, elapsedMs: 4500 },
    traceLength: null,
    tracePath: null,
    replayCommand: null,
    seed: null,
    mode: "exhaustive",
    boundReason: "max-states",
    testLocation: { file: "/repo/models/ring.fl", line: 30, col: 1, endLine: 30, endCol: 45 },
  };
}

function sampleReport(): RunReport {
  return {
    tool: { name: "faultline", version: "0.1.0", informationUri: "https://example.org/faultline" },
    startedAt: "2025-03-04T05:06:07.890Z",
    elapsedMs: 5600,
    exitCode: 4,
    rootDir: "/repo",
    hostname: "ci-runner",
    files: ["models/two-phase.fl", "models/broken.fl", "/repo/models/ring.fl"],
    modelErrors: [
      {
        file: "models/broken.fl",
        diagnostics: [
          diag("FL202", "unknown event 'Votd'", 12, 3, 7),
          diag("FL300", "type mismatch", 14, 9, 13),
        ],
      },
    ],
    tests: [passing(), violation(), deadlock(), bounded()],
  };
}

// ---------------------------------------------------------------- helpers

const DOCUMENT = "junit.xml";
const schemaTexts = new Map<string, string>();

/** null when `xml` is valid against the XSD at `xsd`, else xmllint's messages. */
async function validateXml(xml: string, xsd: string): Promise<string | null> {
  let schema = schemaTexts.get(xsd);
  if (schema === undefined) schemaTexts.set(xsd, (schema = readFileSync(xsd, "utf8")));
  const r = await validateXML({
    xml: { fileName: DOCUMENT, contents: xml },
    schema: { fileName: xsd.slice(SCHEMAS.length), contents: schema },
  });
  return r.valid ? null : r.rawOutput;
}

/** The answer of `xmllint --xpath expr`: a count or a string. */
async function xpath(xml: string, expr: string): Promise<string> {
  try {
    // The library's options name validation or formatting; the arguments are replaced by an XPath query.
    const r = await validateXML({
      xml: { fileName: DOCUMENT, contents: xml },
      normalization: "format",
      modifyArguments: () => ["--xpath", expr, DOCUMENT],
    });
    // xmllint ends its answer with one newline of its own.
    return r.normalized.replace(/\n$/, "");
  } catch (e) {
    throw new Error(`xpath ${expr} failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

// unicodeRegExp off: the schema's `language` pattern has a stray `]`, legal only without the `u` flag.
// Both packages are CommonJS whose module object is also its `.default`; `.default` types right under NodeNext.
const ajv = new Ajv.default({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats.default(ajv);
const validateSarif = ajv.compile(SARIF_SCHEMA);

function sarifErrors(doc: unknown): string | null {
  return validateSarif(doc) ? null : ajv.errorsText(validateSarif.errors, { separator: "\n" });
}

type Json = any;

// ---------------------------------------------------------------- JUnit

describe("JUnit XML", () => {
  it("the schema check rejects a document that is not well-formed XML", async () => {
    const truncated = toJUnitXml(sampleReport()).slice(0, -20);
    expect(await validateXml(truncated, JENKINS_XSD)).toMatch(/junit\.xml:\d+: parser error/);
    expect(await validateXml(truncated, ANT_XSD)).not.toBeNull();
  });

  it("validates against the Jenkins and the Ant JUnit schemas", async () => {
    const xml = toJUnitXml(sampleReport());
    expect(await validateXml(xml, JENKINS_XSD)).toBeNull();
    expect(await validateXml(xml, ANT_XSD)).toBeNull();
  });

  it("the schema check rejects a malformed document (so validation really runs)", async () => {
    const bad = '<?xml version="1.0"?><testsuites><testsuite tests="1"><testcase/></testsuite></testsuites>';
    expect(await validateXml(bad, JENKINS_XSD)).toMatch(/name/);
    expect(await validateXml(bad, ANT_XSD)).not.toBeNull();
  });

  it("has one suite per file and one case per test", async () => {
    const xml = toJUnitXml(sampleReport());
    expect(await xpath(xml, "count(/testsuites/testsuite)")).toBe("3");
    expect(await xpath(xml, "string(/testsuites/testsuite[1]/@name)")).toBe("models/two-phase.fl");
    expect(await xpath(xml, "string(/testsuites/testsuite[3]/@name)")).toBe("models/ring.fl");
    // two-phase: 2 tests, one case each (the failure names the property).
    expect(await xpath(xml, "string(/testsuites/testsuite[1]/@tests)")).toBe("2");
    expect(await xpath(xml, "string(/testsuites/testsuite[1]/@failures)")).toBe("1");
    expect(await xpath(xml, "string(/testsuites/testsuite[1]/@errors)")).toBe("0");
    expect(await xpath(xml, "string(/testsuites/testsuite[1]/testcase[1]/@name)")).toBe("Small");
    expect(await xpath(xml, "string(/testsuites/testsuite[1]/testcase[1]/@classname)")).toBe(
      "models.two-phase",
    );
    expect(await xpath(xml, "string(/testsuites/testsuite[1]/@timestamp)")).toBe("2025-03-04T05:06:07");
    expect(await xpath(xml, "string(/testsuites/testsuite[1]/@hostname)")).toBe("ci-runner");
    // Times in seconds: the test's one search.
    expect(await xpath(xml, "string(/testsuites/testsuite[1]/testcase[1]/@time)")).toBe("0.700");
    expect(await xpath(xml, "string(/testsuites/testsuite[1]/@time)")).toBe("1.050");
  });

  it("puts the failure on the test's case, naming the property, with the seed, the trace path and the replay command", async () => {
    const xml = toJUnitXml(sampleReport());
    const failed = "/testsuites/testsuite[1]/testcase[failure]";
    expect(await xpath(xml, `count(${failed})`)).toBe("1");
    expect(await xpath(xml, `string(${failed}/@name)`)).toBe("TwoPhase");
    expect(await xpath(xml, `string(${failed}/failure/@type)`)).toBe("invariant");
    expect(await xpath(xml, `string(${failed}/failure/@message)`)).toBe(
      'invariant NoSplitDecision does not hold: p0 = "Commit" & p1 = <Abort>',
    );
    const body = await xpath(xml, `string(${failed}/failure)`);
    expect(body).toContain("location: models/two-phase.fl:40:11");
    expect(body).toContain("mode: exhaustive, seed: none (exhaustive search)");
    expect(body).toContain("trace: faultline-out/two-phase.TwoPhase.itf.json");
    expect(body).toContain("replay: faultline replay faultline-out/two-phase.TwoPhase.itf.json");
    expect(body).toContain("counterexample: 3 steps");
    expect(body).toContain("  2. Participant(0) <- Prepare(tx=1) from Coordinator(0)");
    expect(body).toContain("property: NoSplitDecision (invariant)");
    expect(body).toContain(`properties checked: ${PROPS.join(", ")}`);
    expect(body).toContain(
      '  => invariant NoSplitDecision does not hold: p0 = "Commit" & p1 = <Abort> (models/two-phase.fl:40:11)',
    );
  });

  it("reports a random-mode seed in the failure text", async () => {
    const t = { ...violation(), mode: "random" as const, seed: 42 };
    const xml = toJUnitXml({ ...sampleReport(), tests: [t] });
    expect(await xpath(xml, "string(//failure)")).toContain("mode: random, seed: 42");
  });

  it("reports a deadlock and a bound as the test's failure", async () => {
    const xml = toJUnitXml(sampleReport());
    const ring = "/testsuites/testsuite[3]";
    expect(await xpath(xml, `string(${ring}/testcase[failure/@type='deadlock']/@name)`)).toBe("Ring(n=3)");
    expect(await xpath(xml, `count(${ring}/testcase[failure/@type='bounded'])`)).toBe("1");
    expect(await xpath(xml, `string(${ring}/testcase[failure/@type='bounded'][1]/failure/@message)`)).toBe(
      "the max-states bound was reached after 100,000 states without a verdict: states beyond it were not checked",
    );
    expect(await xpath(xml, `string(${ring}/@failures)`)).toBe("2");
  });

  it("reports each model error as an <error> test case", async () => {
    const xml = toJUnitXml(sampleReport());
    const broken = "/testsuites/testsuite[2]";
    expect(await xpath(xml, `string(${broken}/@errors)`)).toBe("2");
    expect(await xpath(xml, `string(${broken}/testcase[1]/@name)`)).toBe("compile / FL202 at 12:3");
    expect(await xpath(xml, `string(${broken}/testcase[1]/error/@type)`)).toBe("FL202");
    expect(await xpath(xml, `string(${broken}/testcase[1]/error)`)).toBe(
      "models/broken.fl:12:3: error[FL202]: unknown event 'Votd'\nhint: did you mean 'Voted'?",
    );
  });

  it("passes a test whose outcome matched its expectation, and fails a mismatch", async () => {
    const matched = { ...violation(), expectation: { matched: true, message: null } };
    const mismatched = {
      ...passing(),
      expectation: { matched: false, message: "expected violation of X, got pass" },
    };
    const xml = toJUnitXml({ ...sampleReport(), modelErrors: [], tests: [matched, mismatched] });
    expect(await xpath(xml, "count(//testcase[failure])")).toBe("1");
    expect(await xpath(xml, "string(//testcase[failure][1]/@name)")).toBe("Small");
    expect(await xpath(xml, "string(//testcase[failure][1]/failure/@type)")).toBe("expectation");
    expect(
      await validateXml(toJUnitXml({ ...sampleReport(), tests: [matched, mismatched] }), ANT_XSD),
    ).toBeNull();
  });

  it("escapes markup and replaces characters XML cannot carry", async () => {
    const t = violation();
    t.test = "T<&>\"'";
    t.failure = {
      ...t.failure!,
      message: "bell\u0007 nul\u0000 esc\u001b tab\tcr\r\nend \ud800 ok \ud83d\ude00",
    };
    const xml = toJUnitXml({ ...sampleReport(), tests: [t] });
    expect(await validateXml(xml, JENKINS_XSD)).toBeNull();
    expect(await validateXml(xml, ANT_XSD)).toBeNull();
    expect(await xpath(xml, "string(//testcase[failure]/@name)")).toBe("T<&>\"'");
    expect(await xpath(xml, "string(//failure/@message)")).toBe(
      "Invariant NoSplitDecision violated: bell\\u0007 nul\\u0000 esc\\u001b tab\tcr\r\nend \\ud800 ok \ud83d\ude00",
    );
    expect(replaceInvalidXmlChars("a\u000bb\ufffe")).toBe("a\\u000bb\\ufffe");
  });
});

// ---------------------------------------------------------------- SARIF

describe("SARIF", () => {
  it("validates against the SARIF 2.1.0 schema", () => {
    const sarif = toSarif(sampleReport());
    expect(sarifErrors(sarif)).toBeNull();
    // Through JSON text too, as written to disk.
    expect(sarifErrors(JSON.parse(JSON.stringify(sarif)))).toBeNull();
  });

  it("the schema check rejects an invalid log (so validation really runs)", () => {
    const sarif: Json = toSarif(sampleReport());
    sarif.runs[0].results[0].level = "fatal";
    expect(sarifErrors(sarif)).toMatch(/level/);
  });

  it("has the tool, stable rule ids and sorted rules", () => {
    const run: Json = toSarif(sampleReport()).runs[0];
    expect(run.tool.driver.name).toBe("faultline");
    expect(run.tool.driver.version).toBe("0.1.0");
    expect(run.tool.driver.informationUri).toBe("https://example.org/faultline");
    const ids = run.tool.driver.rules.map((r: Json) => r.id);
    expect(ids).toEqual(["FL-BOUNDED", "FL-DEADLOCK", "FL-INVARIANT/NoSplitDecision", "FL202", "FL300"]);
    expect(run.results.map((r: Json) => r.ruleId)).toEqual([
      "FL202",
      "FL300",
      "FL-INVARIANT/NoSplitDecision",
      "FL-DEADLOCK",
      "FL-BOUNDED",
    ]);
    for (const r of run.results) expect(ids[r.ruleIndex]).toBe(r.ruleId);
    expect(run.results.map((r: Json) => r.level)).toEqual(["error", "error", "error", "error", "warning"]);
  });

  it("names a rule per property kind", () => {
    const f = (kind: Failure["kind"], property: string) => sarifRuleId({ kind, property });
    expect(f("invariant", "Agreement")).toBe("FL-INVARIANT/Agreement");
    expect(f("spec-assertion", "Atomicity")).toBe("FL-SPEC/Atomicity");
    expect(f("liveness", "Progress")).toBe("FL-LIVENESS/Progress");
    expect(f("hot-at-end", "Progress")).toBe("FL-LIVENESS/Progress");
    expect(f("assertion", "assertion")).toBe("FL-ASSERTION");
    expect(f("unhandled-event", "unhandled-event")).toBe("FL-UNHANDLED-EVENT");
    expect(f("runtime-error", "runtime-error")).toBe("FL-RUNTIME-ERROR");
    expect(f("deadlock", "deadlock")).toBe("FL-DEADLOCK");
  });

  it("locates the violated property relative to %SRCROOT%", () => {
    const run: Json = toSarif(sampleReport()).runs[0];
    expect(run.originalUriBaseIds).toEqual({ "%SRCROOT%": { uri: "file:///repo/" } });
    const inv = run.results.find((r: Json) => r.ruleId === "FL-INVARIANT/NoSplitDecision");
    expect(inv.locations[0].physicalLocation).toEqual({
      artifactLocation: { uri: "models/two-phase.fl", uriBaseId: "%SRCROOT%" },
      region: { startLine: 40, startColumn: 11, endLine: 40, endColumn: 38 },
    });
    expect(inv.message.text).toBe(
      'Test TwoPhase: invariant NoSplitDecision does not hold: p0 = "Commit" & p1 = <Abort>.' +
        " Counterexample of 3 steps saved to faultline-out/two-phase.TwoPhase.itf.json." +
        " Replay it with: faultline replay faultline-out/two-phase.TwoPhase.itf.json",
    );
    expect(inv.relatedLocations[0].physicalLocation.region.startLine).toBe(52);
    // An absolute path under the root becomes relative too.
    const dl = run.results.find((r: Json) => r.ruleId === "FL-DEADLOCK");
    expect(dl.locations[0].physicalLocation.artifactLocation).toEqual({
      uri: "models/ring.fl",
      uriBaseId: "%SRCROOT%",
    });
    expect(dl.locations[0].physicalLocation.region).toEqual({
      startLine: 5,
      startColumn: 3,
      endLine: 9,
      endColumn: 4,
    });
    const fl202 = run.results[0];
    expect(fl202.message.text).toBe("unknown event 'Votd'. Hint: did you mean 'Voted'?");
    expect(fl202.locations[0].physicalLocation.region).toEqual({
      startLine: 12,
      startColumn: 3,
      endLine: 12,
      endColumn: 7,
    });
  });

  it("uses a file:// URI for a file outside the root", () => {
    const t = { ...deadlock(), file: "/elsewhere/x y.fl" };
    t.failure = { ...t.failure!, location: { file: "/elsewhere/x y.fl", line: 2, col: 1 } };
    const sarif: Json = toSarif({ ...sampleReport(), tests: [t] });
    expect(sarifErrors(sarif)).toBeNull();
    const result = sarif.runs[0].results.find((r: Json) => r.ruleId === "FL-DEADLOCK");
    expect(result.locations[0].physicalLocation.artifactLocation).toEqual({
      uri: "file:///elsewhere/x%20y.fl",
    });
  });

  it("turns the trace steps into a code flow", () => {
    const run: Json = toSarif(sampleReport()).runs[0];
    const inv = run.results.find((r: Json) => r.ruleId === "FL-INVARIANT/NoSplitDecision");
    expect(inv.codeFlows).toHaveLength(1);
    const steps = inv.codeFlows[0].threadFlows[0].locations;
    expect(steps.map((s: Json) => s.location.message.text)).toEqual([
      "1. new Coordinator(0)",
      "2. Participant(0) <- Prepare(tx=1) from Coordinator(0)",
      "3. drop Vote from Participant(1) to Coordinator(0)",
      'invariant NoSplitDecision does not hold: p0 = "Commit" & p1 = <Abort>',
    ]);
    expect(steps[1].location.physicalLocation.region.startLine).toBe(20);
    // A step with no location of its own points at the test declaration.
    expect(steps[0].location.physicalLocation.region.startLine).toBe(52);
    const noTestLocation = { ...violation(), testLocation: undefined };
    const bare: Json = toSarif({ ...sampleReport(), tests: [noTestLocation] });
    expect(sarifErrors(bare)).toBeNull();
    expect(bare.runs[0].results[2].codeFlows[0].threadFlows[0].locations[0].location).toEqual({
      message: { text: "1. new Coordinator(0)" },
    });
    expect(steps.map((s: Json) => s.executionOrder)).toEqual([1, 2, 3, 4]);
    // No steps given: no code flow.
    const dl = run.results.find((r: Json) => r.ruleId === "FL-DEADLOCK");
    expect(dl.codeFlows).toBeUndefined();
  });

  it("keeps partial fingerprints stable across runs and distinct across findings", () => {
    const a: Json = toSarif(sampleReport()).runs[0];
    const later = sampleReport();
    later.startedAt = "2026-01-01T00:00:00.000Z";
    const v = later.tests[1]!;
    v.stats = { distinctStates: 99, maxDepth: 5, elapsedMs: 1 };
    v.failure = { ...v.failure!, location: { file: "models/two-phase.fl", line: 44, col: 1 } };
    const b: Json = toSarif(later).runs[0];
    const prints = (run: Json) => run.results.map((r: Json) => r.partialFingerprints["faultlineFinding/v1"]);
    expect(prints(a)).toEqual(prints(b));
    expect(new Set(prints(a)).size).toBe(a.results.length);
    for (const p of prints(a)) expect(p).toMatch(/^[0-9a-f]{32}$/);
  });

  it("suppresses expected findings and records a checker error as a notification", () => {
    const expected = { ...violation(), expectation: { matched: true, message: null } };
    const broken = {
      ...passing(),
      outcome: "error" as const,
      stats: null,
      errorMessage: "model threw: boom",
    };
    const sarif: Json = toSarif({ ...sampleReport(), tests: [expected, broken] });
    expect(sarifErrors(sarif)).toBeNull();
    const run = sarif.runs[0];
    const inv = run.results.find((r: Json) => r.ruleId === "FL-INVARIANT/NoSplitDecision");
    expect(inv.suppressions).toEqual([
      {
        kind: "external",
        status: "accepted",
        justification: "expected by expected.json (faultline check --expected)",
      },
    ]);
    expect(run.invocations[0].executionSuccessful).toBe(false);
    expect(run.invocations[0].toolExecutionNotifications[0].message.text).toBe(
      "Test Small: checker error: model threw: boom",
    );
    expect(run.invocations[0].startTimeUtc).toBe("2025-03-04T05:06:07.890Z");
    expect(run.invocations[0].endTimeUtc).toBe("2025-03-04T05:06:13.490Z");
  });

  it("reports an expectation mismatch without a failure under its own rule", () => {
    const t = { ...passing(), expectation: { matched: false, message: "expected violation of X, got pass" } };
    const sarif: Json = toSarif({ ...sampleReport(), modelErrors: [], tests: [t] });
    expect(sarifErrors(sarif)).toBeNull();
    const [r] = sarif.runs[0].results;
    expect(r.ruleId).toBe("FL-EXPECTATION");
    expect(r.message.text).toBe("Test Small: expected violation of X, got pass.");
    expect(r.locations[0].physicalLocation.region.startLine).toBe(50);
  });
});

// ---------------------------------------------------------------- GitHub

describe("GitHub annotations", () => {
  it("escapes data and properties as the Actions toolkit does", () => {
    expect(escapeCommandData("50% done\r\nnext: a,b")).toBe("50%25 done%0D%0Anext: a,b");
    expect(escapeCommandProperty("50% done\r\nnext: a,b")).toBe("50%25 done%0D%0Anext%3A a%2Cb");
  });

  it("writes one exact line per finding", () => {
    const lines = toGithubAnnotations(sampleReport()).split("\n");
    expect(lines).toEqual([
      "::error file=models/broken.fl,line=12,col=3,endLine=12,endColumn=6,title=FL202 unknown event::unknown event 'Votd'%0Ahint: did you mean 'Voted'?",
      "::error file=models/broken.fl,line=14,col=9,endLine=14,endColumn=12,title=FL300 type mismatch::type mismatch%0Ahint: did you mean 'Voted'?",
      '::error file=models/two-phase.fl,line=40,col=11,endLine=40,endColumn=37,title=Invariant NoSplitDecision violated::test TwoPhase: invariant NoSplitDecision does not hold: p0 = "Commit" & p1 = <Abort>%0Acounterexample: 3 steps, trace: faultline-out/two-phase.TwoPhase.itf.json%0Areplay: faultline replay faultline-out/two-phase.TwoPhase.itf.json',
      "::error file=models/ring.fl,line=5,endLine=9,title=Deadlock::test Ring(n=3): deadlock: no step is enabled but messages are pending: Token from Node(0) to Node(1)%0Acounterexample: 5 steps, trace: faultline-out/ring.Ring_n=3_.itf.json%0Areplay: faultline replay faultline-out/ring.Ring_n=3_.itf.json",
      "::warning file=models/ring.fl,line=30,col=1,endLine=30,endColumn=44,title=Bound reached::test Big: the max-states bound was reached after 100,000 states without a verdict: states beyond it were not checked",
      "",
    ]);
  });

  it("escapes commas, colons, percent signs and newlines in properties and messages", () => {
    const t = violation();
    t.failure = {
      kind: "invariant",
      property: "P",
      message: "100% wrong,\nreally: yes",
      location: { file: "models/a,b:c%.fl", line: 3, col: 2 },
    };
    t.traceLength = null;
    t.tracePath = null;
    t.replayCommand = null;
    expect(toGithubAnnotations({ ...sampleReport(), modelErrors: [], tests: [t] })).toBe(
      "::error file=models/a%2Cb%3Ac%25.fl,line=3,col=2,title=Invariant P violated::test TwoPhase: 100%25 wrong,%0Areally: yes\n",
    );
  });

  it("stays quiet about passes and matched expectations, and flags mismatches", () => {
    const matched = { ...violation(), expectation: { matched: true, message: null } };
    const mismatch = {
      ...passing(),
      expectation: { matched: false, message: "expected deadlock, got pass" },
    };
    const out = toGithubAnnotations({
      ...sampleReport(),
      modelErrors: [{ ...sampleReport().modelErrors[0]!, expected: true }],
      tests: [passing(), matched, mismatch],
    });
    expect(out).toBe(
      "::error file=models/two-phase.fl,line=50,col=1,endLine=50,endColumn=39,title=Expectation mismatch::test Small: expected deadlock, got pass\n",
    );
  });
});

describe("GitHub job summary", () => {
  it("has the verdict, a table row per test and the model errors", () => {
    const md = toGithubSummary(sampleReport());
    expect(md.split("\n")[0]).toBe("## ❌ Faultline: 1 passed, 3 failed, 1 file with model errors");
    expect(md).toContain("Exit code 4 · 4 tests in 3 files · 5.600 s · faultline 0.1.0");
    expect(md).toContain("| File | Test | Outcome | States | Time |");
    expect(md).toContain("| `models/two-phase.fl` | Small | ✅ pass | 1,234 | 0.700 s |");
    expect(md).toContain(
      "| `models/two-phase.fl` | TwoPhase | ❌ violation of NoSplitDecision | 77 | 0.350 s |",
    );
    expect(md).toContain("| `models/ring.fl` | Ring(n=3) | ❌ deadlock | 12 | 0.020 s |");
    expect(md).toContain("| `models/ring.fl` | Big | ⚠️ bounded (max-states) | 100,000 | 4.500 s |");
    expect(md).toContain("### Model errors\n\n- `models/broken.fl:12:3` **FL202** unknown event 'Votd'");
  });

  it("shows each counterexample's first steps and the replay command in a details block", () => {
    const md = toGithubSummary(sampleReport());
    expect(md).toContain(
      [
        "<details>",
        "<summary>models/two-phase.fl · TwoPhase: Invariant NoSplitDecision violated (3 steps)</summary>",
        "",
        "```text",
        "1. new Coordinator(0)",
        "2. Participant(0) <- Prepare(tx=1) from Coordinator(0)",
        "3. drop Vote from Participant(1) to Coordinator(0)",
        '=> invariant NoSplitDecision does not hold: p0 = "Commit" & p1 = <Abort> (models/two-phase.fl:40:11)',
        "```",
        "",
        "Trace: `faultline-out/two-phase.TwoPhase.itf.json` · replay: `faultline replay faultline-out/two-phase.TwoPhase.itf.json`",
        "",
        "</details>",
      ].join("\n"),
    );
    expect(md).toContain("<summary>models/ring.fl · Ring(n=3): Deadlock (5 steps)</summary>");
    // Paths inside the counterexample are repository-relative too.
    expect(md).toContain(
      "=> deadlock: no step is enabled but messages are pending: Token from Node(0) to Node(1) (models/ring.fl:5:3)",
    );
  });

  it("cuts long counterexamples in the middle, keeping the failing tail, and escapes markdown in cells", () => {
    const t = violation();
    t.test = "A|B*c*";
    t.traceSteps = Array.from({ length: 40 }, (_, i) => ({ text: `step ${i + 1}` }));
    const md = toGithubSummary({ ...sampleReport(), tests: [t] });
    expect(md).toContain("| A\\|B\\*c\\* |");
    expect(md).toContain(
      " 3. step 3\n... 25 steps left out (the trace file has them all) ...\n29. step 29\n",
    );
    expect(md).toContain("40. step 40\n=> invariant");
    expect(md).not.toContain(" 4. step 4\n");
    expect(md).not.toContain("28. step 28");
  });

  it("is green when the run passed", () => {
    const md = toGithubSummary({ ...sampleReport(), exitCode: 0, modelErrors: [], tests: [passing()] });
    expect(md.split("\n")[0]).toBe("## ✅ Faultline: 1 passed, 0 failed");
    expect(md).not.toContain("<details>");
  });

  it("appends to $GITHUB_STEP_SUMMARY only when it is set", () => {
    const writes: [string, string][] = [];
    const append = (path: string, text: string) => writes.push([path, text]);
    expect(writeGithubSummary(sampleReport(), {}, append)).toBe(false);
    expect(writes).toEqual([]);
    expect(writeGithubSummary(sampleReport(), { GITHUB_STEP_SUMMARY: "/tmp/summary.md" }, append)).toBe(true);
    expect(writes).toEqual([["/tmp/summary.md", toGithubSummary(sampleReport())]]);
  });
});

// ---------------------------------------------------------------- JSON

describe("JSON summary", () => {
  it("is versioned and carries every test and model error", () => {
    const j = toJsonSummary(sampleReport());
    expect(j.version).toBe(1);
    expect(j.tool).toEqual({ name: "faultline", version: "0.1.0" });
    expect(j.ok).toBe(false);
    expect(j.exitCode).toBe(4);
    expect(j.counts).toEqual({ tests: 4, passed: 1, failed: 3, filesWithModelErrors: 1 });
    expect(j.tests.map((t) => [t.test, t.outcome, t.property, t.passed])).toEqual([
      ["Small", "pass", null, true],
      ["TwoPhase", "violation", "NoSplitDecision", false],
      ["Ring(n=3)", "deadlock", "deadlock", false],
      ["Big", "bounded", null, false],
    ]);
    const v = j.tests[1]!;
    expect(v.tracePath).toBe("faultline-out/two-phase.TwoPhase.itf.json");
    expect(v.replayCommand).toBe("faultline replay faultline-out/two-phase.TwoPhase.itf.json");
    expect(v.seed).toBeNull();
    expect(v.failure?.location?.line).toBe(40);
    expect(j.tests[3]!.boundReason).toBe("max-states");
    expect(j.modelErrors).toEqual([
      {
        file: "models/broken.fl",
        errors: 2,
        expected: false,
        diagnostics: [
          {
            code: "FL202",
            severity: "error",
            message: "unknown event 'Votd'",
            file: "models/broken.fl",
            line: 12,
            col: 3,
            endLine: 12,
            endCol: 7,
            hint: "did you mean 'Voted'?",
          },
          expect.objectContaining({ code: "FL300", line: 14 }),
        ],
      },
    ]);
  });

  it("keeps every key of each test, null when unknown, through JSON text", () => {
    const j = JSON.parse(JSON.stringify(toJsonSummary(sampleReport())));
    expect(Object.keys(j.tests[0]).sort()).toEqual(
      [
        "boundReason",
        "errorMessage",
        "exitCode",
        "expectation",
        "failure",
        "file",
        "htmlPath",
        "mode",
        "passed",
        "properties",
        "property",
        "replayCommand",
        "seed",
        "stats",
        "summary",
        "test",
        "traceLength",
        "tracePath",
        "outcome",
      ].sort(),
    );
    expect(j.tests[0].expectation).toBeNull();
    expect(j.ok).toBe(false);
    expect(toJsonSummary({ ...sampleReport(), exitCode: 0 }).ok).toBe(true);
  });
});

// ---------------------------------------------------------------- every failure kind

describe("every failure kind", () => {
  const kinds: { failure: Failure; outcome: TestOutcome["outcome"]; rule: string; junitMessage: string }[] = [
    {
      failure: { kind: "assertion", property: "assertion", message: "Participant(0): x must be positive" },
      outcome: "violation",
      rule: "FL-ASSERTION",
      junitMessage: "Assertion failed: Participant(0): x must be positive",
    },
    {
      failure: {
        kind: "unhandled-event",
        property: "unhandled-event",
        message: "Coordinator(0) in state Done cannot handle event Vote",
      },
      outcome: "violation",
      rule: "FL-UNHANDLED-EVENT",
      junitMessage: "Unhandled event: Coordinator(0) in state Done cannot handle event Vote",
    },
    {
      failure: { kind: "spec-assertion", property: "Atomicity", message: "spec Atomicity: both decided" },
      outcome: "violation",
      rule: "FL-SPEC/Atomicity",
      junitMessage: "spec Atomicity: both decided",
    },
    {
      failure: {
        kind: "hot-at-end",
        property: "Progress",
        message: "spec Progress is still in hot state Waiting when the system stops",
      },
      outcome: "liveness",
      rule: "FL-LIVENESS/Progress",
      junitMessage: "spec Progress is still in hot state Waiting when the system stops",
    },
    {
      failure: { kind: "runtime-error", property: "runtime-error", message: "Node(1): index 4 out of range" },
      outcome: "violation",
      rule: "FL-RUNTIME-ERROR",
      junitMessage: "Runtime error: Node(1): index 4 out of range",
    },
  ];

  for (const k of kinds) {
    it(`${k.failure.kind}: valid JUnit and SARIF, rule ${k.rule}`, async () => {
      const t: TestOutcome = {
        ...violation(),
        outcome: k.outcome,
        failure: {
          ...k.failure,
          location: { file: "models/two-phase.fl", line: 8, col: 3, endLine: 8, endCol: 9 },
        },
      };
      const report = { ...sampleReport(), modelErrors: [], tests: [t] };
      const xml = toJUnitXml(report);
      expect(await validateXml(xml, ANT_XSD)).toBeNull();
      expect(await validateXml(xml, JENKINS_XSD)).toBeNull();
      expect(await xpath(xml, "string(//testcase[failure]/@name)")).toBe("TwoPhase");
      expect(await xpath(xml, "string(//failure)")).toContain(
        `property: ${k.failure.property} (${k.failure.kind})`,
      );
      expect(await xpath(xml, "string(//failure/@message)")).toBe(k.junitMessage);
      expect(await xpath(xml, "string(//failure/@type)")).toBe(k.failure.kind);
      const sarif: Json = toSarif(report);
      expect(sarifErrors(sarif)).toBeNull();
      expect(sarif.runs[0].results[0].ruleId).toBe(k.rule);
      expect(sarif.runs[0].tool.driver.rules[0].id).toBe(k.rule);
      expect(toGithubAnnotations(report)).toMatch(
        /^::error file=models\/two-phase\.fl,line=8,col=3,endLine=8,endColumn=8,title=[^:]+::test TwoPhase: /,
      );
    });
  }

  it("names a violated property missing from the test's list in its one case", async () => {
    const t: TestOutcome = { ...violation(), properties: ["deadlock"] };
    const xml = toJUnitXml({ ...sampleReport(), modelErrors: [], tests: [t] });
    expect(await xpath(xml, "count(//testcase)")).toBe("1");
    expect(await xpath(xml, "string(//testcase[failure]/@name)")).toBe("TwoPhase");
    expect(await xpath(xml, "string(//failure)")).toContain("property: NoSplitDecision (invariant)");
  });
});

// ---------------------------------------------------------------- building reports and emitting

describe("building a RunReport from real results", () => {
  // A counter that may step +1 or +2; the invariant `Below3` fails at 3.
  const counter: Model<number, number> = {
    name: "counter",
    initial: (emit) => emit(0, { kind: "state", state: 0 }),
    successors: (s, emit) => {
      for (const d of [1, 2]) emit(d, { kind: "state", state: s + d });
    },
    apply: (s, step) => ({ kind: "state", state: (s ?? 0) + step }),
    invariants: [
      {
        name: "Below3",
        location: { file: "models/counter.fl", line: 7, col: 1, endLine: 7, endCol: 20 },
        holds: (s) => s < 3,
      },
    ],
    terminal: () => null,
    encode: (s) => new Uint8Array([s]),
    decode: (b) => b[0]!,
    describeStep: (step, before, after) => ({
      kind: "step",
      text: `${before ?? "start"} + ${step} = ${after}`,
    }),
    viewState: (s) => ({ value: s }),
  };

  it("fills a TestOutcome from a checker violation and validates in every format", async () => {
    const result = checkExhaustive(counter);
    expect(result.kind).toBe("violation");
    if (result.kind !== "violation") return;
    const t = testOutcomeFromResult({
      file: "models/counter.fl",
      test: "Count",
      properties: testProperties({ asserts: [{ kind: "invariant", name: "Below3" }] }),
      result,
      exitCode: 1,
      tracePath: "out dir/counter.Count.itf.json",
      traceSteps: replayTrace(counter, result.trace.steps).labels,
    });
    expect(t.outcome).toBe("violation");
    expect(t.properties).toEqual(["Below3", "deadlock", "unhandled-event", "assertion", "runtime-error"]);
    expect(t.failure?.property).toBe("Below3");
    expect(t.traceLength).toBe(result.trace.steps.length);
    expect(t.replayCommand).toBe("faultline replay 'out dir/counter.Count.itf.json'");
    expect(t.stats?.distinctStates).toBe(result.stats.distinctStates);
    const report: RunReport = {
      ...sampleReport(),
      exitCode: 1,
      modelErrors: [],
      files: ["models/counter.fl"],
      tests: [t],
    };
    const xml = toJUnitXml(report);
    expect(await validateXml(xml, ANT_XSD)).toBeNull();
    expect(await xpath(xml, "string(//testcase[failure]/@name)")).toBe("Count");
    const sarif: Json = toSarif(report);
    expect(sarifErrors(sarif)).toBeNull();
    expect(sarif.runs[0].results[0].ruleId).toBe("FL-INVARIANT/Below3");
    expect(sarif.runs[0].results[0].codeFlows[0].threadFlows[0].locations).toHaveLength(
      result.trace.steps.length + 1,
    );
  });

  it("maps bounded and error results", () => {
    const b = testOutcomeFromResult({
      file: "m.fl",
      test: "T",
      properties: ["deadlock"],
      result: { kind: "bounded", reason: "max-depth", stats: { ...statsOf(10), elapsedMs: 3 } },
      exitCode: 5,
    });
    expect([b.outcome, b.boundReason, b.failure, b.tracePath, b.replayCommand]).toEqual([
      "bounded",
      "max-depth",
      null,
      null,
      null,
    ]);
    const e = testOutcomeFromResult({
      file: "m.fl",
      test: "T",
      properties: [],
      result: { kind: "error", message: "boom" },
      exitCode: 70,
    });
    expect([e.outcome, e.errorMessage, e.stats]).toEqual(["error", "boom", null]);
  });

  it("reports a real compile error through SARIF and JUnit", async () => {
    const file = fileURLToPath(new URL("./fixtures/bad-types.fl", import.meta.url));
    const compiled = compileSource({ path: file, text: readFileSync(file, "utf8") });
    expect(compiled.ok).toBe(false);
    if (compiled.ok) return;
    const root = fileURLToPath(new URL("..", import.meta.url));
    const report: RunReport = {
      ...sampleReport(),
      rootDir: root,
      tests: [],
      files: [file],
      modelErrors: [{ file, diagnostics: compiled.diagnostics }],
    };
    const sarif: Json = toSarif(report);
    expect(sarifErrors(sarif)).toBeNull();
    const codes = compiled.diagnostics.map((d) => d.code);
    expect(sarif.runs[0].results.map((r: Json) => r.ruleId)).toEqual(codes);
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe(
      "test/fixtures/bad-types.fl",
    );
    const xml = toJUnitXml(report);
    expect(await validateXml(xml, ANT_XSD)).toBeNull();
    const errors = compiled.diagnostics.filter((d) => d.severity === "error").length;
    expect(await xpath(xml, "count(//testcase/error)")).toBe(String(errors));
  });
});

function statsOf(distinctStates: number) {
  return {
    distinctStates,
    generatedStates: distinctStates,
    maxDepth: 1,
    elapsedMs: 1,
    distinctStatesPerSecond: 0,
    generatedStatesPerSecond: 0,
  };
}

describe("emitReports", () => {
  it("writes junit, sarif and json under --out, and only the annotations to stdout", () => {
    const files = new Map<string, string>();
    const appended: string[] = [];
    let stdout = "";
    const written = emitReports(sampleReport(), ["pretty", "github", "sarif", "junit", "json"], {
      outDir: "out",
      out: (s) => {
        stdout += s;
      },
      env: { GITHUB_STEP_SUMMARY: "/tmp/step-summary" },
      writeFile: (p, t) => files.set(p, t),
      appendFile: (p) => appended.push(p),
    });
    expect(written).toEqual([
      `out/${REPORT_FILES.json}`,
      `out/${REPORT_FILES.junit}`,
      `out/${REPORT_FILES.sarif}`,
      "/tmp/step-summary",
    ]);
    expect(files.get("out/junit.xml")).toBe(toJUnitXml(sampleReport()));
    expect(JSON.parse(files.get("out/faultline.sarif")!)).toEqual(toSarif(sampleReport()));
    const json = `${JSON.stringify(toJsonSummary(sampleReport()), null, 2)}\n`;
    expect(files.get("out/faultline.json")).toBe(json);
    // github owns stdout (planStdout): the JSON goes to its file only.
    expect(stdout).toBe(toGithubAnnotations(sampleReport()));
    expect(appended).toEqual(["/tmp/step-summary"]);
  });

  it("prints json to stdout and keeps a copy under --out when nothing else owns stdout", () => {
    const files = new Map<string, string>();
    let stdout = "";
    emitReports(sampleReport(), ["pretty", "json"], {
      outDir: "out",
      out: (s) => (stdout += s),
      env: {},
      writeFile: (p, t) => files.set(p, t),
    });
    expect(JSON.parse(stdout)).toEqual(JSON.parse(files.get("out/faultline.json")!));
  });

  it("refuses two reporters on stdout instead of printing unparseable output", () => {
    expect(() => emitReports(sampleReport(), ["json", "github"], { out: () => {}, env: {} })).toThrow(
      "--reporter github and json would both write to stdout",
    );
  });

  it("rounds the JSON summary's times to 0.1 ms", () => {
    const report = { ...sampleReport(), elapsedMs: 354.6005909999999 };
    expect(toJsonSummary(report).elapsedMs).toBe(354.6);
    for (const t of toJsonSummary(report).tests) {
      if (t.stats) expect(Math.round(t.stats.elapsedMs * 10)).toBe(t.stats.elapsedMs * 10);
    }
  });

  it("prints junit and sarif to stdout without --out", () => {
    let stdout = "";
    const written = emitReports(sampleReport(), ["junit"], { out: (s) => (stdout += s), env: {} });
    expect(written).toEqual([]);
    expect(stdout).toBe(toJUnitXml(sampleReport()));
  });
});

// ---------------------------------------------------------------- links to the HTML page

describe("links to the counterexample's HTML page (--reporter html)", () => {
  const PAGE = "faultline-out/two-phase.TwoPhase.html";
  const withPage = (): RunReport => {
    const report = sampleReport();
    report.tests = report.tests.map((t) => (t.test === "TwoPhase" ? { ...t, htmlPath: PAGE } : t));
    return report;
  };

  it("JUnit names it in the failure and in the suite's system-out (with Jenkins' attachment marker), still valid", async () => {
    const xml = toJUnitXml(withPage());
    expect(await validateXml(xml, JENKINS_XSD)).toBeNull();
    expect(await validateXml(xml, ANT_XSD)).toBeNull();
    expect(await xpath(xml, 'string(//testsuite[@name="models/two-phase.fl"]/system-out)')).toBe(
      `TwoPhase: html: ${PAGE}\n[[ATTACHMENT|${PAGE}]]`,
    );
    expect(await xpath(xml, "string(//testcase/failure[@type='invariant'])")).toContain(`html: ${PAGE}`);
    // Suites without a page keep an empty system-out.
    expect(await xpath(xml, 'count(//testsuite[@name="models/broken.fl"]/system-out[not(node())])')).toBe(
      "1",
    );
  });

  it("SARIF links it from the message as a related location, still valid", () => {
    const sarif = toSarif(withPage()) as Json;
    expect(sarifErrors(sarif)).toBeNull();
    const result = sarif.runs[0].results.find((r: Json) => r.properties?.test === "TwoPhase");
    const page = result.relatedLocations.find(
      (l: Json) => l.physicalLocation.artifactLocation.uri === "faultline-out/two-phase.TwoPhase.html",
    );
    expect(page).toMatchObject({ physicalLocation: { artifactLocation: { uriBaseId: "%SRCROOT%" } } });
    expect(result.message.text).toContain(`See [the counterexample page](${page.id}).`);
    // The test's own related location keeps id 1.
    expect(result.relatedLocations.map((l: Json) => l.id)).toEqual([1, 2]);
    expect(result.properties.htmlPath).toBe(PAGE);
  });

  it("the GitHub summary and annotation name it", () => {
    expect(toGithubSummary(withPage())).toContain(`HTML: \`${PAGE}\` (open it in a browser)`);
    expect(toGithubAnnotations(withPage())).toContain(`html: ${PAGE}`);
    expect(toGithubSummary(sampleReport())).not.toContain("HTML:");
  });
});

// ---------------------------------------------------------------- witness properties and vacuity

describe("unreached witnesses and vacuity warnings in the schema-checked reports", () => {
  const unreached = (): TestOutcome => ({
    ...passing(),
    test: "Masked",
    outcome: "unreached",
    exitCode: 1,
    failure: {
      kind: "unreached",
      property: "RetryHappens",
      message: "reachable RetryHappens was never witnessed in any of the 3 reachable states",
      location: { file: "models/two-phase.fl", line: 38, col: 1, endLine: 38, endCol: 50 },
    },
    witnesses: [{ name: "RetryHappens", kind: "reachable", reached: false, traceLength: null, searched: 3 }],
  });
  const vacuous = (strict: boolean): TestOutcome => ({
    ...passing(),
    test: "Vacuous",
    ...(strict ? { strict: true, exitCode: 1 } : {}),
    vacuity: [
      {
        kind: "spec-never-left-start",
        subject: "Replied",
        message: "spec Replied never left its start state Quiet",
        location: { file: "models/two-phase.fl", line: 9, col: 1, endLine: 12, endCol: 2 },
      },
      {
        kind: "fault-never-used",
        subject: "drop Pong at most 1",
        message: "fault drop Pong at most 1 never happened",
      },
    ],
  });
  const report = (strict: boolean): RunReport => ({
    ...sampleReport(),
    modelErrors: [],
    tests: [unreached(), vacuous(strict)],
  });

  it("JUnit: unreached is a failure, warnings go to system-out (a failure with --strict); both XSDs accept it", async () => {
    for (const strict of [false, true]) {
      const xml = toJUnitXml(report(strict));
      expect(await validateXml(xml, JENKINS_XSD)).toBeNull();
      expect(await validateXml(xml, ANT_XSD)).toBeNull();
      expect(xml).toContain('type="unreached"');
      expect(xml).toContain("Vacuous: vacuity warning: spec Replied never left its start state Quiet");
      expect(xml.includes('type="vacuity"')).toBe(strict);
    }
  });

  it("SARIF: FL-REACHABLE/<property> errors and FL-VACUITY/<kind> warnings (errors with --strict), schema-valid", () => {
    for (const strict of [false, true]) {
      const doc = toSarif(report(strict)) as Json;
      expect(sarifErrors(doc)).toBeNull();
      const results = doc.runs[0].results.map((r: Json) => `${r.ruleId} ${r.level}`);
      expect(results).toContain("FL-REACHABLE/RetryHappens error");
      expect(results).toContain(`FL-VACUITY/spec-never-left-start ${strict ? "error" : "warning"}`);
      expect(results).toContain(`FL-VACUITY/fault-never-used ${strict ? "error" : "warning"}`);
    }
  });

  it("JSON: the outcome, the witnesses and the warnings; --strict makes the vacuous test fail", () => {
    const summary = toJsonSummary(report(true));
    expect(summary.tests.map((t) => [t.test, t.outcome, t.property, t.passed])).toEqual([
      ["Masked", "unreached", "RetryHappens", false],
      ["Vacuous", "pass", null, false],
    ]);
    expect(summary.tests[1]!.vacuity!.map((w) => w.kind)).toEqual([
      "spec-never-left-start",
      "fault-never-used",
    ]);
    expect(toJsonSummary(report(false)).tests[1]!.passed).toBe(true);
  });
});
