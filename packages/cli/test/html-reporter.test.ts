// The HTML reporter: `check --reporter html --out DIR` on two bundled
// counterexamples (the buggy two-phase commit's coordinator crash, and the
// buggy circuit breaker's liveness lasso), each page parsed with happy-dom:
// one SVG lane per machine, one arrow per delivered message, the failing step
// and the lasso's loop marked, the property's source lines, nothing fetched
// from anywhere, and the inline script showing the state after a clicked step.
// The pairing of sends with deliveries (messageFlows) on hand-built labels.
// Where a Chromium is on PATH, the page is rendered headless to a PNG.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { inflateSync } from "node:zlib";
import type { StepLabel } from "@faultline/checker";
import { Window } from "happy-dom";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCheck } from "../src/commands/check.js";
import { runReplay } from "../src/commands/replay.js";
import { loadTraceDocument } from "../src/commands/explore.js";
import { ExitCode } from "../src/exit-codes.js";
import { messageFlows } from "../src/message-sequence.js";
import { htmlPathFor, renderTraceHtml } from "../src/reporters/html.js";
import type { TraceDocument } from "../src/tui/trace-document.js";
import { captureIo } from "./capture-io.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const TWO_PC = `${ROOT}models/two-phase-commit/two-phase-commit-buggy.fl`;
const BREAKER = `${ROOT}models/circuit-breaker/circuit-breaker-buggy.fl`;
const TWO_PC_TEST = "CoordinatorCrash(participants=2)";
const BREAKER_TEST = "DownstreamOutage(clients=1,threshold=2,outages=1)";

let out: string;
let junit: string;

interface Page {
  path: string;
  html: string;
  /** The trace replayed as the explorer replays it: what the page must show. */
  document: TraceDocument;
}
const pages = new Map<string, Page>();

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), "faultline-html-"));
  const io = captureIo();
  const argv = [TWO_PC, BREAKER, "--test", TWO_PC_TEST, "--test", BREAKER_TEST, "--workers", "1"];
  const code = await runCheck([...argv, "--reporter", "html", "--reporter", "junit", "--out", out], io.io);
  // The most severe of the two: the violation.
  expect(code, io.out()).toBe(ExitCode.violation);
  junit = readFileSync(join(out, "junit.xml"), "utf8");
  for (const [key, stem] of [
    ["2pc", `two-phase-commit-buggy.${TWO_PC_TEST.replace(/[^A-Za-z0-9_=-]/g, "_")}`],
    ["lasso", `circuit-breaker-buggy.${BREAKER_TEST.replace(/[^A-Za-z0-9_=-]/g, "_")}`],
  ] as const) {
    const trace = join(out, `${stem}.itf.json`);
    const loaded = loadTraceDocument([trace], captureIo().io);
    if (!loaded.ok) throw new Error(`cannot replay ${trace}`);
    const path = htmlPathFor(trace);
    pages.set(key, { path, html: readFileSync(path, "utf8"), document: loaded.document });
  }
}, 60_000);

afterAll(async () => {
  for (const window of parsed.values()) await window.happyDOM.close();
  if (out) rmSync(out, { recursive: true, force: true });
});

function page(key: "2pc" | "lasso"): Page {
  return pages.get(key)!;
}

/** The page parsed; with `script`, its inline script runs too. */
function parse(html: string, script = false): Window {
  const window = new Window({
    settings: { enableJavaScriptEvaluation: script, suppressInsecureJavaScriptEnvironmentWarning: true },
  });
  window.document.write(html);
  return window;
}

const parsed = new Map<string, Window>();
/** The page parsed once, without its script, for the tests that only read it. */
function read(key: "2pc" | "lasso"): Window {
  let window = parsed.get(key);
  if (window === undefined) parsed.set(key, (window = parse(page(key).html)));
  return window;
}

function all(window: Window, selector: string): Element[] {
  return [...window.document.querySelectorAll(selector)] as unknown as Element[];
}

describe("check --reporter html", () => {
  it("writes one page beside each trace, and JUnit names it", () => {
    expect(page("2pc").path).toBe(join(out, `two-phase-commit-buggy.CoordinatorCrash_participants=2_.html`));
    expect(existsSync(page("lasso").path)).toBe(true);
    expect(junit).toContain(`html: ${page("2pc").path}`);
    expect(junit).toContain(`[[ATTACHMENT|${page("lasso").path}]]`);
  });

  it("draws one SVG lane per machine and one arrow per delivered message, from its send to its delivery", () => {
    const { document } = page("2pc");
    const window = read("2pc");
    const lanes = all(window, "svg.msc .lane").map((l) => l.getAttribute("data-lane"));
    expect(lanes).toEqual(["Setup(0)", "Participant(0)", "Participant(1)", "Coordinator(0)"]);
    const deliveries = document.steps.flatMap((s, i) => (s.label.kind === "deliver" ? [i] : []));
    const arrows = all(window, "svg.msc .msg.delivered");
    expect(deliveries.length).toBeGreaterThan(5);
    expect(arrows.map((a) => Number(a.getAttribute("data-step"))).sort((a, b) => a - b)).toEqual(deliveries);
    for (const arrow of arrows) {
      const label = document.steps[Number(arrow.getAttribute("data-step"))]!.label;
      expect(arrow.getAttribute("data-from")).toBe(label.details?.from);
      expect(arrow.getAttribute("data-to")).toBe(label.details?.to);
      // Sent by an earlier step: the arrow runs down the chart.
      expect(Number(arrow.getAttribute("data-sent"))).toBeLessThan(Number(arrow.getAttribute("data-step")));
    }
    // The coordinator's crash and restart are marked on its lane.
    expect(all(window, "svg.msc .mark.fault.crash")).toHaveLength(1);
    expect(all(window, "svg.msc .mark.fault.restart")).toHaveLength(1);
  });

  it("marks the failing step in the chart and the step list, and quotes the property's source lines", () => {
    const { document } = page("2pc");
    const window = read("2pc");
    const last = document.steps.length - 1;
    const failing = all(window, "svg.msc .row.failing");
    expect(failing.map((r) => r.getAttribute("data-step"))).toEqual([String(last)]);
    const item = all(window, "li.step.failing");
    expect(item.map((li) => li.getAttribute("data-step"))).toEqual([String(last)]);
    expect(item[0]!.querySelector("details")!.hasAttribute("open")).toBe(true);
    const property = window.document.querySelector("#property")!.textContent!;
    expect(property).toContain("NoSplitDecision");
    const hit = all(window, "#property pre.source .line.hit").map((l) => l.textContent);
    expect(hit.join("\n")).toMatch(/invariant NoSplitDecision/);
    expect(window.document.querySelector(".verdict")!.textContent).toBe("✗ invariant NoSplitDecision");
  });

  it("marks a liveness lasso's loop", () => {
    const { document } = page("lasso");
    expect(document.loop).toBeDefined();
    const { start, close } = document.loop!;
    const window = read("lasso");
    const loop = all(window, "svg.msc .loop");
    expect(loop).toHaveLength(1);
    expect(loop[0]!.getAttribute("data-loop-start")).toBe(String(start));
    expect(loop[0]!.getAttribute("data-loop-close")).toBe(String(close));
    const inLoop = (selector: string) =>
      all(window, selector).map((e) => Number(e.getAttribute("data-step")));
    const expected = Array.from({ length: close - start }, (_, k) => start + 1 + k);
    expect(inLoop("svg.msc .row.in-loop")).toEqual(expected);
    expect(inLoop("li.step.in-loop")).toEqual(expected);
    expect(window.document.querySelector(".loop-note")!.textContent).toContain(
      `steps ${start + 2} to ${close + 1}`,
    );
    expect(window.document.querySelector(".verdict")!.textContent).toContain("BreakerEventuallyCloses");
  });

  it("is self-contained: no link, no src, no http(s) address, no @import, only url(#fragment)", () => {
    for (const { html } of pages.values()) {
      expect(html).not.toMatch(/<link\b/i);
      expect(html).not.toMatch(/\bsrc\s*=/i);
      expect(html).not.toMatch(/https?:/i);
      expect(html).not.toMatch(/@import/i);
      expect(html.match(/url\([^#)]/g)).toBeNull();
      expect(html).toMatch(/^<!doctype html>/);
    }
  });

  it("reads without its script: every step's changes listed, the final state shown", () => {
    const { document } = page("2pc");
    const window = read("2pc");
    const items = all(window, "li.step");
    expect(items).toHaveLength(document.steps.length);
    for (const li of items) expect(li.querySelector("table.state-rows, p.quiet")).not.toBeNull();
    const shown = all(window, "[data-state]").filter((s) => !s.hasAttribute("hidden"));
    expect(shown.map((s) => s.getAttribute("data-state"))).toEqual([String(document.steps.length - 1)]);
  });

  it("its script shows the state after a clicked step, and j/k move through the steps", async () => {
    const window = parse(page("2pc").html, true);
    const shown = () =>
      all(window, "[data-state]")
        .filter((s) => !s.hasAttribute("hidden"))
        .map((s) => s.getAttribute("data-state"));
    (
      window.document.querySelector('svg.msc .row[data-step="3"] rect') as unknown as HTMLElement
    ).dispatchEvent(new window.MouseEvent("click", { bubbles: true }) as unknown as Event);
    expect(shown()).toEqual(["3"]);
    expect(all(window, "li.step.selected").map((li) => li.getAttribute("data-step"))).toEqual(["3"]);
    window.document.dispatchEvent(new window.KeyboardEvent("keydown", { key: "k" }) as unknown as Event);
    expect(shown()).toEqual(["2"]);
    window.document.dispatchEvent(new window.KeyboardEvent("keydown", { key: "j" }) as unknown as Event);
    expect(shown()).toEqual(["3"]);
    await window.happyDOM.close();
  });

  it("replay --html FILE writes the same page for a saved trace, and says why it cannot", () => {
    const trace = page("lasso").path.replace(/\.html$/, ".itf.json");
    const target = join(out, "replayed", "lasso.html");
    const io = captureIo();
    expect(runReplay([trace, "--html", target], io.io)).toBe(ExitCode.liveness);
    expect(io.stdout()).toContain(`page: ${target}`);
    const window = parse(readFileSync(target, "utf8"));
    const { start, close } = page("lasso").document.loop!;
    expect(window.document.querySelector("svg.msc .loop")!.getAttribute("data-loop-start")).toBe(
      String(start),
    );
    expect(window.document.querySelector("svg.msc .loop")!.getAttribute("data-loop-close")).toBe(
      String(close),
    );
    expect(all(window, "svg.msc .lane")).toHaveLength(all(read("lasso"), "svg.msc .lane").length);
    void window.happyDOM.close();
    // A folder that is a file: a located message and a usage exit, no stack trace.
    const bad = captureIo();
    expect(runReplay([trace, "--html", join(trace, "page.html")], bad.io)).toBe(ExitCode.usage);
    expect(bad.stderr()).toMatch(/^faultline replay: cannot write .*page\.html: /m);
    expect(bad.stderr()).not.toMatch(/\n\s+at /);
  });

  it("needs --out: a usage error naming it otherwise", async () => {
    const io = captureIo();
    expect(await runCheck([TWO_PC, "--reporter", "html"], io.io)).toBe(ExitCode.usage);
    expect(io.stderr()).toContain(
      "--reporter html writes a page beside each counterexample's trace; give --out DIR",
    );
  });
});

describe("messageFlows: each message from its send to its end", () => {
  const deliver = (from: string, to: string, text: string, sends: string[] = []): StepLabel => ({
    kind: "deliver",
    text: `${to} <- ${text} from ${from}`,
    actor: to,
    details: { from, to, sends },
  });
  const fault = (name: string, text: string, details: Record<string, unknown>): StepLabel =>
    ({ kind: "fault", text, details: { fault: name, ...details } }) as StepLabel;

  it("pairs deliveries with the oldest send of the same text on the channel, and ends drops, losses and the rest", () => {
    const labels: StepLabel[] = [
      {
        kind: "init",
        text: "init: A(0)",
        actor: "A(0)",
        details: { sends: ["A(0) -> B(0): Ping(1)", "A(0) -> B(0): Ping(2)", "A(0) -> C(0): Hello"] },
      },
      deliver("A(0)", "B(0)", "Ping(2)", ["B(0) -> A(0): Pong (lost: receiver halted)"]),
      fault("duplicate", "duplicate Ping(1) A(0) -> B(0)", { from: "A(0)", to: "B(0)" }),
      fault("drop", "drop Ping(1) A(0) -> B(0)", { from: "A(0)", to: "B(0)" }),
      fault("crash", "crash C(0)", { actor: "C(0)", lost: ["A(0) -> C(0): Hello"] }),
    ];
    const { flows, delivered } = messageFlows(labels);
    const summary = flows.map((f) => [
      f.text,
      f.sentAt,
      f.end.kind,
      "step" in f.end ? f.end.step : null,
      f.duplicate ?? false,
    ]);
    expect(summary).toEqual([
      // Ping(1) was sent first but Ping(2) delivered: texts decide, the channel's order does not.
      ["Ping(1)", 0, "dropped", 3, false],
      ["Ping(2)", 0, "delivered", 1, false],
      ["Hello", 0, "lost", 4, false],
      ["Pong", 1, "lost", 1, false],
      // The duplicate's copy is still in flight.
      ["Ping(1)", 2, "in-flight", null, true],
    ]);
    expect(delivered[1]).toBe(flows[1]);
  });

  it("gives a delivery that no step sent a flow without a send", () => {
    const { flows } = messageFlows([deliver("A(0)", "B(0)", "Ping")]);
    expect(flows).toEqual([
      { from: "A(0)", to: "B(0)", text: "Ping", sentAt: null, end: { kind: "delivered", step: 0 } },
    ]);
  });
});

describe("the chart's faults and timers", () => {
  it("crosses a dropped and a lost message, starts a duplicate's copy at its fault, lines a partition across, marks a timer", () => {
    const labels: StepLabel[] = [
      {
        kind: "init",
        text: "init: A(0)",
        actor: "A(0)",
        details: { sends: ["A(0) -> B(0): Ping(1)", "A(0) -> B(0): Ping(2)"] },
      },
      {
        kind: "fault",
        text: "duplicate Ping(1) A(0) -> B(0)",
        details: { fault: "duplicate", from: "A(0)", to: "B(0)" },
      },
      {
        kind: "fault",
        text: "drop Ping(1) A(0) -> B(0)",
        details: { fault: "drop", from: "A(0)", to: "B(0)" },
      },
      {
        kind: "fault",
        text: "partition {A(0)} | {B(0)}",
        details: { fault: "partition", sides: [["A(0)"], ["B(0)"]], lost: ["A(0) -> B(0): Ping(2)"] },
      },
      {
        kind: "timer",
        text: "A(0) <- timeout Retry",
        actor: "A(0)",
        details: { actor: "A(0)", timer: "Retry" },
      },
    ];
    const document: TraceDocument = {
      title: "faults.fl",
      test: "Faults",
      failure: { kind: "deadlock", property: "deadlock", message: "nothing can run" },
      failureStep: labels.length - 1,
      steps: labels.map((label, index) => ({
        index,
        label,
        state: { "A(0)": { state: "S" }, "B(0)": { state: "S" } },
      })),
      notes: [],
    };
    const window = parse(renderTraceHtml(document));
    const one = (selector: string) => {
      const found = all(window, selector);
      expect(found, selector).toHaveLength(1);
      return found[0]!;
    };
    expect(one("svg.msc .msg.dropped").querySelector(".cross")).not.toBeNull();
    expect(one("svg.msc .msg.dropped").getAttribute("data-step")).toBe("2");
    expect(one("svg.msc .msg.lost").getAttribute("data-step")).toBe("3");
    expect(one("svg.msc .msg.in-flight.duplicate").getAttribute("data-sent")).toBe("1");
    expect(one("svg.msc .mark.fault.drop").getAttribute("data-step")).toBe("2");
    expect(one("svg.msc .mark.fault.duplicate").getAttribute("data-step")).toBe("1");
    expect(one("svg.msc .note.fault.partition").textContent).toContain("partition {A(0)} | {B(0)}");
    expect(one("svg.msc .mark.timer").textContent).toContain("timeout Retry");
    expect(all(window, "svg.msc .msg.delivered")).toHaveLength(0);
    void window.happyDOM.close();
  });
});

/** The first of these browsers on PATH, if any. */
function findBrowser(): string | undefined {
  for (const name of ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]) {
    for (const dir of (process.env.PATH ?? "").split(delimiter)) {
      const path = join(dir, name);
      if (dir !== "" && existsSync(path)) return path;
    }
  }
  return undefined;
}

/** Width, height and how many distinct byte values the PNG's pixel data holds (a blank page has very few). */
function pngFacts(png: Buffer): { width: number; height: number; distinct: number } {
  expect(png.subarray(0, 8).toString("hex")).toBe("89504e470d0a1a0a");
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  const idat: Buffer[] = [];
  for (let at = 8; at < png.length; ) {
    const length = png.readUInt32BE(at);
    if (png.toString("latin1", at + 4, at + 8) === "IDAT") idat.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  return { width, height, distinct: new Set(inflateSync(Buffer.concat(idat))).size };
}

const BROWSER = findBrowser();
const skipped = BROWSER ? "" : " (skipped: no chromium, chromium-browser or google-chrome on PATH)";

describe("in a real browser", () => {
  it.skipIf(BROWSER === undefined)(
    `renders the page in headless Chromium to a non-trivial PNG${skipped}`,
    () => {
      const png = join(out, "page.png");
      execFileSync(
        BROWSER!,
        [
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--hide-scrollbars",
          `--user-data-dir=${join(out, "chromium-profile")}`,
          `--screenshot=${png}`,
          "--window-size=1200,1400",
          pathToFileURL(page("2pc").path).href,
        ],
        { timeout: 60_000, stdio: "ignore" },
      );
      expect(statSync(png).size).toBeGreaterThan(10_000);
      const facts = pngFacts(readFileSync(png));
      expect([facts.width, facts.height]).toEqual([1200, 1400]);
      expect(facts.distinct).toBeGreaterThan(50);
    },
    90_000,
  );
});
