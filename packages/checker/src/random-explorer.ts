// The old path of search/random-explorer.ts, kept for the importers outside checker/src
// (packages/checker/bench, fl-*.test.ts and partial-order*.test.ts): import
// ./search/random-explorer.js instead; this file goes once they do.
export * from "./search/random-explorer.js";
