// SARIF 2.1.0 for code-scanning tools (GitHub's upload-sarif): one run, one
// result per failed test (located at the violated property), per bound hit
// (warning) and per model diagnostic. Rule ids and partial fingerprints are
// derived from names only, never from line numbers or state counts, so the
// same finding keeps its identity across runs and edits.
import { createHash } from "node:crypto";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { Failure, SourceLocation } from "@faultline/checker";
import { DIAGNOSTIC_CODES } from "@faultline/lang";
import { failureSentence } from "./failure-text.js";
import { boundedMessage, outcomeText, repoRelativePath } from "./format.js";
import { spanToLocation } from "@faultline/checker";
import { FAILED_OUTCOMES, type RunReport, type TestOutcome } from "./run-report.js";
import { plural } from "../plural.js";

export const SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json";
export const SRCROOT = "%SRCROOT%";
/** Counterexamples longer than this are cut in code flows (the trace file has them all). */
const MAX_FLOW_STEPS = 1000;
const FINGERPRINT_KEY = "faultlineFinding/v1";

/** A JSON object; SARIF's shape is checked by the schema in the tests, not by these types. */
export type SarifObject = { [key: string]: unknown };

export interface SarifLog {
  $schema: string;
  version: "2.1.0";
  runs: SarifObject[];
}

/** The stable rule id of a failure: one rule per named property, one per built-in check. */
export function sarifRuleId(f: Pick<Failure, "kind" | "property">): string {
  switch (f.kind) {
    case "invariant":
      return `FL-INVARIANT/${f.property}`;
    case "assertion":
      return "FL-ASSERTION";
    case "spec-assertion":
      return `FL-SPEC/${f.property}`;
    case "hot-at-end":
    case "liveness":
      return `FL-LIVENESS/${f.property}`;
    case "unhandled-event":
      return "FL-UNHANDLED-EVENT";
    case "deadlock":
      return "FL-DEADLOCK";
    case "runtime-error":
      return "FL-RUNTIME-ERROR";
    case "unreached":
      return `FL-REACHABLE/${f.property}`;
    default:
      return `FL-${String(f.kind).toUpperCase()}`;
  }
}

export const BOUNDED_RULE_ID = "FL-BOUNDED";
export const EXPECTATION_RULE_ID = "FL-EXPECTATION";
/** Vacuity warnings of a passing test, one rule per kind (`FL-VACUITY/spec-never-left-start`). */
export const VACUITY_RULE_ID = "FL-VACUITY";

const REPLAY_HELP =
  "Faultline saves the counterexample as an ITF trace under --out; `faultline replay <trace>` prints it step by step and `faultline explore <trace>` opens it in the terminal UI.";

/** The rule descriptor for a rule id (names and texts follow the id's family). */
function ruleDescriptor(id: string): SarifObject {
  const [family, name] = splitRuleId(id);
  let title: string;
  let description: string;
  let level = "error";
  switch (family) {
    case "FL-INVARIANT":
      title = `Invariant${pascal(name)}`;
      description = `The invariant ${name} holds in every reachable state.`;
      break;
    case "FL-SPEC":
      title = `Spec${pascal(name)}`;
      description = `No assert in the spec monitor ${name} fails in any reachable run.`;
      break;
    case "FL-LIVENESS":
      title = `Liveness${pascal(name)}`;
      description = `The spec monitor ${name} never stays in a hot state forever, nor ends in one.`;
      break;
    case "FL-REACHABLE":
      title = `Reachable${pascal(name)}`;
      description = `Some reachable state satisfies ${name} (a witness property: the search reaches it).`;
      break;
    case "FL-ASSERTION":
      title = "Assertion";
      description = "No assert in a machine fails in any reachable run.";
      break;
    case "FL-UNHANDLED-EVENT":
      title = "UnhandledEvent";
      description = "Every delivered event is handled, deferred or ignored by the receiver's current state.";
      break;
    case "FL-DEADLOCK":
      title = "Deadlock";
      description = "No reachable state has messages pending that no machine will ever take.";
      break;
    case "FL-RUNTIME-ERROR":
      title = "RuntimeError";
      description =
        "No reachable run hits a runtime error (index out of range, missing map key, division by zero).";
      break;
    case BOUNDED_RULE_ID:
      title = "BoundReached";
      description =
        "The search finished within its bounds (depth, states, time), so the verdict covers every state.";
      level = "warning";
      break;
    case VACUITY_RULE_ID:
      title = `Vacuity${pascal(name)}`;
      description = `A passing check exercised what it asserts (${name.replace(/-/g, " ")} is a sign it did not).`;
      level = "warning";
      break;
    case EXPECTATION_RULE_ID:
      title = "ExpectationMismatch";
      description = "The test's outcome matches the one expected.json records for it.";
      break;
    default:
      title = pascal(id);
      description = `The model's tests satisfy ${id}.`;
  }
  return {
    id,
    name: title,
    shortDescription: { text: description },
    fullDescription: { text: description },
    help: { text: `${description} ${REPLAY_HELP}` },
    defaultConfiguration: { level },
    properties: { tags: ["faultline", "model-checking"], precision: "very-high", "problem.severity": level },
  };
}

function diagnosticRule(code: string, severity: string): SarifObject {
  const title = (DIAGNOSTIC_CODES as Record<string, string>)[code] ?? "model diagnostic";
  return {
    id: code,
    name: pascal(title),
    shortDescription: { text: `${code}: ${title}` },
    fullDescription: { text: `${code}: ${title}. docs/diagnostics.md describes each diagnostic code.` },
    help: { text: "docs/diagnostics.md describes each diagnostic code with an example and its fix." },
    defaultConfiguration: { level: severity === "warning" ? "warning" : "error" },
    properties: { tags: ["faultline", "diagnostic"], precision: "very-high" },
  };
}

function splitRuleId(id: string): [string, string] {
  const slash = id.indexOf("/");
  return slash < 0 ? [id, ""] : [id.slice(0, slash), id.slice(slash + 1)];
}

function pascal(s: string): string {
  return s
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w.length > 0)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join("");
}

export function toSarif(report: RunReport): SarifLog {
  const rules = new Map<string, SarifObject>();
  const addRule = (id: string, make: () => SarifObject) => {
    if (!rules.has(id)) rules.set(id, make());
  };
  const results: { ruleId: string; result: SarifObject }[] = [];
  const fingerprints = new Map<string, number>();
  const fingerprint = (...parts: string[]) => {
    const base = createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 32);
    // Identical findings (same rule, file, test) get an occurrence number so each stays distinct.
    const n = fingerprints.get(base) ?? 0;
    fingerprints.set(base, n + 1);
    return { [FINGERPRINT_KEY]: n === 0 ? base : `${base}:${n}` };
  };
  const loc = (l: SourceLocation, message?: string) => sarifLocation(l, report.rootDir, message);

  for (const m of report.modelErrors) {
    for (const d of m.diagnostics) {
      addRule(d.code, () => diagnosticRule(d.code, d.severity));
      const result: SarifObject = {
        ruleId: d.code,
        level: d.severity === "warning" ? "warning" : "error",
        message: { text: d.hint ? `${d.message}. Hint: ${d.hint}` : d.message },
        locations: [loc(spanToLocation(d.span))],
        partialFingerprints: fingerprint(d.code, relOrAbs(d.span.file, report), d.message),
      };
      if (d.related && d.related.length > 0) {
        result.relatedLocations = d.related.map((r, i) => ({
          id: i + 1,
          ...loc(spanToLocation(r.span), r.message),
        }));
      }
      if (m.expected) result.suppressions = [expectedSuppression()];
      results.push({ ruleId: d.code, result });
    }
  }

  const notifications: SarifObject[] = [];
  for (const t of report.tests) {
    const fallback: SourceLocation = t.testLocation ?? { file: t.file, line: 1, col: 1 };
    const testRelated = t.testLocation ? [{ id: 1, ...loc(t.testLocation, `test ${t.test}`) }] : undefined;
    const mismatch = t.expectation && !t.expectation.matched ? t.expectation.message : null;
    const suppressed = t.expectation?.matched === true;

    if (t.failure && FAILED_OUTCOMES.has(t.outcome)) {
      const f = t.failure;
      const ruleId = sarifRuleId(f);
      addRule(ruleId, () => ruleDescriptor(ruleId));
      const result: SarifObject = {
        ruleId,
        level: "error",
        message: { text: failureMessage(t, f, mismatch, (testRelated?.length ?? 0) + 1) },
        locations: [loc(f.location ?? fallback)],
        partialFingerprints: fingerprint(ruleId, relOrAbs(t.file, report), t.test),
        properties: testProperties(t),
      };
      const page =
        t.htmlPath === undefined
          ? []
          : [htmlPageLocation(t.htmlPath, (testRelated?.length ?? 0) + 1, report)];
      if (testRelated || page.length > 0) result.relatedLocations = [...(testRelated ?? []), ...page];
      const flows = codeFlows(t, f, loc);
      if (flows) result.codeFlows = flows;
      if (suppressed) result.suppressions = [expectedSuppression()];
      results.push({ ruleId, result });
    } else if (t.outcome === "bounded") {
      addRule(BOUNDED_RULE_ID, () => ruleDescriptor(BOUNDED_RULE_ID));
      const result: SarifObject = {
        ruleId: BOUNDED_RULE_ID,
        level: "warning",
        message: { text: `Test ${t.test}: ${boundedMessage(t)}.${mismatch ? ` ${mismatch}.` : ""}` },
        locations: [loc(fallback)],
        partialFingerprints: fingerprint(BOUNDED_RULE_ID, relOrAbs(t.file, report), t.test),
        properties: testProperties(t),
      };
      if (suppressed) result.suppressions = [expectedSuppression()];
      results.push({ ruleId: BOUNDED_RULE_ID, result });
    } else if (t.outcome === "error") {
      notifications.push({
        level: "error",
        message: { text: `Test ${t.test}: checker error: ${t.errorMessage ?? "unknown"}` },
        locations: [loc(fallback)],
      });
    } else if (mismatch) {
      addRule(EXPECTATION_RULE_ID, () => ruleDescriptor(EXPECTATION_RULE_ID));
      results.push({
        ruleId: EXPECTATION_RULE_ID,
        result: {
          ruleId: EXPECTATION_RULE_ID,
          level: "error",
          message: { text: `Test ${t.test}: ${mismatch}.` },
          locations: [loc(fallback)],
          partialFingerprints: fingerprint(EXPECTATION_RULE_ID, relOrAbs(t.file, report), t.test),
          properties: testProperties(t),
        },
      });
    }
    for (const w of t.vacuity ?? []) {
      const ruleId = `${VACUITY_RULE_ID}/${w.kind}`;
      addRule(ruleId, () => ruleDescriptor(ruleId));
      results.push({
        ruleId,
        result: {
          ruleId,
          level: t.strict ? "error" : "warning",
          message: { text: `Test ${t.test}: ${w.message}.` },
          locations: [loc(w.location ?? fallback)],
          partialFingerprints: fingerprint(ruleId, relOrAbs(t.file, report), `${t.test}/${w.subject}`),
          properties: testProperties(t),
        },
      });
    }
  }

  // Rules sorted by id so ruleIndex values do not depend on which test failed first.
  const ruleIds = [...rules.keys()].sort();
  const ruleIndex = new Map(ruleIds.map((id, i) => [id, i]));
  const driver: SarifObject = { name: report.tool.name, version: report.tool.version };
  if (/^\d+\.\d+\.\d+(?:[-+].*)?$/.test(report.tool.version)) driver.semanticVersion = report.tool.version;
  if (report.tool.informationUri) driver.informationUri = report.tool.informationUri;
  driver.rules = ruleIds.map((id) => rules.get(id)!);

  const invocation: SarifObject = {
    executionSuccessful: notifications.length === 0,
    exitCode: report.exitCode,
  };
  const start = new Date(report.startedAt);
  if (!Number.isNaN(start.getTime())) {
    invocation.startTimeUtc = start.toISOString();
    invocation.endTimeUtc = new Date(start.getTime() + Math.max(0, report.elapsedMs)).toISOString();
  }
  if (notifications.length > 0) invocation.toolExecutionNotifications = notifications;

  const run: SarifObject = { tool: { driver } };
  if (report.rootDir) run.originalUriBaseIds = { [SRCROOT]: { uri: directoryUri(report.rootDir) } };
  run.invocations = [invocation];
  run.columnKind = "utf16CodeUnits";
  run.results = results.map(({ ruleId, result }) => ({
    ruleId,
    ruleIndex: ruleIndex.get(ruleId),
    ...result,
  }));
  return { $schema: SARIF_SCHEMA_URI, version: "2.1.0", runs: [run] };
}

/** The counterexample's page (`--reporter html`) as a related location, which the message links as `[text](id)`. */
function htmlPageLocation(path: string, id: number, report: RunReport): SarifObject {
  return {
    id,
    physicalLocation: { artifactLocation: artifactLocation(path, report.rootDir) },
    message: { text: "the counterexample as a page: message-sequence chart, steps and states" },
  };
}

function failureMessage(t: TestOutcome, f: Failure, mismatch: string | null, pageId: number): string {
  let text = `Test ${t.test}: ${failureSentence(f)}.`;
  if (t.traceLength !== null) text += ` Counterexample of ${plural(t.traceLength, "step")}`;
  if (t.tracePath) text += ` saved to ${t.tracePath}`;
  if (t.traceLength !== null) text += ".";
  if (t.replayCommand) text += ` Replay it with: ${t.replayCommand}`;
  if (t.htmlPath) text += ` See [the counterexample page](${pageId}).`;
  if (mismatch) text += ` (expected.json: ${mismatch})`;
  return text;
}

function testProperties(t: TestOutcome): SarifObject {
  const props: SarifObject = { test: t.test, outcome: outcomeText(t), mode: t.mode };
  if (t.seed !== null) props.seed = t.seed;
  if (t.traceLength !== null) props.traceLength = t.traceLength;
  if (t.tracePath) props.tracePath = t.tracePath;
  if (t.htmlPath) props.htmlPath = t.htmlPath;
  if (t.replayCommand) props.replayCommand = t.replayCommand;
  if (t.stats) props.distinctStates = t.stats.distinctStates;
  if (t.stats?.symmetricTypes?.length) props.symmetricTypes = [...t.stats.symmetricTypes];
  if (t.stats?.ampleExpansions !== undefined) {
    props.expandedStates = t.stats.expandedStates ?? 0;
    props.ampleExpansions = t.stats.ampleExpansions;
  }
  if (t.liveness !== undefined) props.liveness = { ...t.liveness };
  return props;
}

function codeFlows(
  t: TestOutcome,
  f: Failure,
  loc: (l: SourceLocation, message?: string) => SarifObject,
): SarifObject[] | null {
  const steps = t.traceSteps ?? [];
  if (steps.length === 0) return null;
  const shown = steps.slice(0, MAX_FLOW_STEPS);
  const locations: SarifObject[] = shown.map((s, i) => {
    // Steps with no source of their own (initial creation, faults) point at the test that set them up:
    // code-scanning viewers show a step only where it has a physical location.
    const where = s.location ?? t.testLocation;
    const text = `${i + 1}. ${s.text}`;
    const location: SarifObject = where ? loc(where, text) : { message: { text } };
    const entry: SarifObject = { location, executionOrder: i + 1 };
    if (s.kind) entry.kinds = [s.kind];
    return entry;
  });
  if (f.location) {
    locations.push({
      location: loc(f.location, failureSentence(f)),
      executionOrder: shown.length + 1,
      kinds: ["danger"],
    });
  }
  const cut = steps.length > shown.length ? ` (first ${shown.length} shown)` : "";
  return [
    {
      message: { text: `Counterexample: ${plural(steps.length, "step")}${cut}` },
      threadFlows: [{ locations }],
    },
  ];
}

function expectedSuppression(): SarifObject {
  return {
    kind: "external",
    status: "accepted",
    justification: "expected by expected.json (faultline check --expected)",
  };
}

function relOrAbs(file: string, report: RunReport): string {
  return repoRelativePath(file, report.rootDir) ?? resolve(report.rootDir ?? "", file);
}

/** A file as SARIF names it: relative to %SRCROOT% when inside the root, else a file: URI. */
function artifactLocation(file: string, rootDir: string | undefined): SarifObject {
  const rel = repoRelativePath(file, rootDir);
  return rel !== null
    ? { uri: rel.split("/").map(encodeURIComponent).join("/"), uriBaseId: SRCROOT }
    : { uri: pathToFileURL(resolve(rootDir ?? "", file)).href };
}

/** A SARIF location: repository-relative URI under %SRCROOT% when possible, else a file:// URI. */
export function sarifLocation(l: SourceLocation, rootDir: string | undefined, message?: string): SarifObject {
  const region: SarifObject = { startLine: Math.max(1, l.line), startColumn: Math.max(1, l.col) };
  // SARIF's endColumn is exclusive like SourceLocation's; an empty or inverted range is left out.
  if (l.endLine !== undefined && l.endCol !== undefined) {
    const after = l.endLine > l.line || (l.endLine === l.line && l.endCol > l.col);
    if (after) {
      region.endLine = l.endLine;
      region.endColumn = Math.max(1, l.endCol);
    }
  }
  const location: SarifObject = {
    physicalLocation: { artifactLocation: artifactLocation(l.file, rootDir), region },
  };
  if (message !== undefined) location.message = { text: message };
  return location;
}

function directoryUri(dir: string): string {
  const href = pathToFileURL(resolve(dir)).href;
  return href.endsWith("/") ? href : `${href}/`;
}
