// Test helper: an Io that collects what a command prints (stdout and stderr
// together), as in CI: not a TTY, CI set.
import type { Io } from "../src/io.js";

export function captureIo(): { io: Io; out: () => string } {
  let text = "";
  return {
    io: { out: (t) => (text += t), err: (t) => (text += t), isTTY: false, env: { CI: "1" } },
    out: () => text,
  };
}
