// The old path of search/parallel-explorer.ts, kept for the importers outside checker/src
// (packages/checker/bench, fl-*.test.ts and partial-order*.test.ts): import
// ./search/parallel-explorer.js instead; this file goes once they do.
export * from "./search/parallel-explorer.js";
