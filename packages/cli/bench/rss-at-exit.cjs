// Preloaded by memory-bench.mjs (`node --require`): prints the process's peak
// resident set size (getrusage maxRSS, KiB: every thread) on stderr at exit.
process.on("exit", () => {
  require("node:fs").writeSync(2, `\nPEAK_RSS_KIB ${process.resourceUsage().maxRSS}\n`);
});
