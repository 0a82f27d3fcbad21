#!/usr/bin/env node
// The `faultline` command. This file is committed (not built) so that npm can
// link it into node_modules/.bin during `npm ci`, before the `prepare` script
// has built dist/; it only loads the built command.
import { existsSync } from "node:fs";

const entry = new URL("../dist/bundle/main.js", import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(
    "faultline: the command is not built yet (no dist/bundle/ next to bin/).\n" +
      "In a clone of the Faultline repository, run `npm ci` or `npm run build` first.\n",
  );
  process.exit(70);
}
await import(entry.href);
