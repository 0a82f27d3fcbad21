#!/usr/bin/env node
import { runCli } from "./cli.js";
import { processIo } from "./io.js";

runCli(process.argv.slice(2), processIo()).then((code) => {
  process.exitCode = code;
});
