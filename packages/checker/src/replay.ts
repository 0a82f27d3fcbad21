// The old path of trace/replay.ts, kept for the importers outside checker/src
// (packages/checker/bench, fl-*.test.ts and partial-order*.test.ts): import
// ./trace/replay.js instead; this file goes once they do.
export * from "./trace/replay.js";
