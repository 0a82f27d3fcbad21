// Runs the explorer on a terminal until the user quits. The alternate screen
// keeps the user's scrollback intact, as less and vim do.
import { render } from "ink";
import { Explorer } from "./explorer-app.js";
import type { InteractiveSession } from "./model-session.js";
import type { TraceDocument } from "./trace-document.js";

const ENTER_ALTERNATE_SCREEN = "\u001b[?1049h\u001b[H";
const LEAVE_ALTERNATE_SCREEN = "\u001b[?1049l";

export interface Terminal {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
}

/** Opens a saved trace (a document), or a model to explore by hand (a session). */
export async function runExplorer(
  source: TraceDocument | InteractiveSession,
  terminal: Terminal,
): Promise<void> {
  const element = "snapshot" in source ? <Explorer session={source} /> : <Explorer document={source} />;
  terminal.stdout.write(ENTER_ALTERNATE_SCREEN);
  try {
    const instance = render(element, {
      stdin: terminal.stdin,
      stdout: terminal.stdout,
      exitOnCtrlC: true,
      patchConsole: false,
    });
    await instance.waitUntilExit();
    instance.cleanup();
  } finally {
    terminal.stdout.write(LEAVE_ALTERNATE_SCREEN);
  }
}
