// The screen emulator the pseudo-terminal test reads the explorer through:
// the screen it shows must be what a terminal would show.
import { describe, expect, it } from "vitest";
import { VirtualTerminal } from "./virtual-terminal.js";

const E = "\u001b";

function screenOf(cols: number, rows: number, ...chunks: string[]): string[] {
  const terminal = new VirtualTerminal(cols, rows);
  for (const chunk of chunks) terminal.write(chunk);
  return terminal.screen().split("\n").slice(0, rows);
}

describe("VirtualTerminal", () => {
  it("wraps at the last column only when more text follows, and scrolls at the bottom", () => {
    expect(screenOf(4, 2, "abcd\r\nefgh")).toEqual(["abcd", "efgh"]);
    expect(screenOf(4, 2, "abcdef")).toEqual(["abcd", "ef"]);
    expect(screenOf(4, 2, "1\r\n2\r\n3")).toEqual(["2", "3"]);
  });

  it("moves the cursor and erases as Ink's redraws do", () => {
    expect(screenOf(6, 3, "aaaaaa\r\nbbbbbb\r\ncc", `${E}[2K${E}[1A${E}[2K${E}[1A${E}[2K${E}[Gxy`)).toEqual([
      "xy",
      "",
      "",
    ]);
    expect(screenOf(6, 2, "abcdef", `${E}[1;3H${E}[K`, `${E}[2;2Hz`)).toEqual(["ab", " z"]);
    expect(screenOf(6, 2, "abc\r\ndef", `${E}[2J${E}[3J${E}[Hq`)).toEqual(["q", ""]);
  });

  it("reads a sequence split across chunks, and drops colours", () => {
    expect(screenOf(8, 1, `${E}[3`, "1mred", `${E}`, "[39m!")).toEqual(["red!"]);
  });

  it("keeps the shell's screen under the alternate screen", () => {
    const terminal = new VirtualTerminal(10, 2);
    terminal.write("$ run");
    terminal.write(`${E}[?1049h${E}[H${E}[?25lFULL SCREEN`);
    expect(terminal.onAlternateScreen).toBe(true);
    expect(terminal.screen()).toBe("FULL SCREE\nN\n");
    terminal.write(`${E}[?25h${E}[?1049l`);
    expect(terminal.onAlternateScreen).toBe(false);
    expect(terminal.screen()).toBe("$ run\n\n");
  });

  it("gives wide characters two columns and combining marks none", () => {
    expect(screenOf(4, 2, "日本語")).toEqual(["日本", "語"]);
    expect(screenOf(4, 1, "e\u0301x")).toEqual(["e\u0301x"]);
  });

  it("fails on a sequence it does not implement rather than showing a wrong screen", () => {
    const terminal = new VirtualTerminal(10, 2);
    terminal.write(`ok${E}[5S`);
    expect(() => terminal.screen()).toThrow(/does not implement: "\\u001b\[5S"/);
  });
});
