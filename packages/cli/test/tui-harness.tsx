// Drives the explorer app through ink-testing-library: renders it at a fixed
// size, types keys, and returns frames with colours stripped (changes are
// asserted by their text markers, the selection by ▸ and the header).
import { render } from "ink-testing-library";
import { act, useEffect } from "react";
import { Explorer, type ExplorerProps } from "../src/tui/explorer-app.js";

// React flushes renders and effects inside act(): a key's frame is complete when act returns.
(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

export const KEY = {
  down: "\u001b[B",
  up: "\u001b[A",
  right: "\u001b[C",
  left: "\u001b[D",
  pageDown: "\u001b[6~",
  pageUp: "\u001b[5~",
  tab: "\t",
  shiftTab: "\u001b[Z",
  enter: "\r",
  escape: "\u001b",
  backspace: "\u007f",
};

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

export function strip(frame: string | undefined): string {
  return (frame ?? "").replace(ANSI, "");
}

/** A macrotask: lets React commit, and Ink flush a lone Escape (it waits a tick for more bytes). */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 5));
}

/** A bounded wait for Ink to attach its input listener or read a key (not a timing assertion). */
async function until(ready: () => boolean, what: string): Promise<void> {
  for (let attempt = 0; attempt < 400; attempt++) {
    if (ready()) return;
    await settle();
  }
  throw new Error(`gave up waiting for ${what}`);
}

function Unmounted({ onUnmount }: { onUnmount: () => void }) {
  useEffect(() => onUnmount, [onUnmount]);
  return null;
}

export async function renderExplorer(props: ExplorerProps, width = 80, height = 24) {
  const state = { unmounted: false };
  const onUnmount = () => {
    state.unmounted = true;
  };
  let rendered: ReturnType<typeof render> | undefined;
  await act(async () => {
    rendered = render(
      <>
        <Explorer {...props} width={width} height={height} />
        <Unmounted onUnmount={onUnmount} />
      </>,
    );
  });
  const app = rendered!;
  await until(() => app.stdin.listenerCount("readable") > 0, "Ink to listen to its input");
  const send = async (key: string) => {
    await act(async () => {
      app.stdin.write(key);
      await new Promise((resolve) => setImmediate(resolve));
    });
    await until(() => app.stdin.data === null, `Ink to read ${JSON.stringify(key)}`);
    await settle();
  };
  return {
    frame: () => strip(app.lastFrame()),
    lines: () => strip(app.lastFrame()).split("\n"),
    async press(...keys: string[]) {
      for (const key of keys) await send(key);
    },
    async type(text: string) {
      for (const char of text) await send(char);
    },
    get exited() {
      return state.unmounted;
    },
    unmount: () =>
      act(async () => {
        app.unmount();
      }),
  };
}
