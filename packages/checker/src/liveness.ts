// The old path of search/liveness.ts, kept for the importers outside checker/src
// (packages/checker/bench, fl-*.test.ts and partial-order*.test.ts): import
// ./search/liveness.js instead; this file goes once they do.
export * from "./search/liveness.js";
