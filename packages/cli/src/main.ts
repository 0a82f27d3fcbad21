#!/usr/bin/env node
import { runCli } from "./cli.js";
import { processIo } from "./io.js";

// A closed pipe (`faultline check ... | head`) is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw e;
  });
}

runCli(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code;
});
