// The old path of search/bfs-explorer.ts, kept for the importers outside checker/src
// (packages/checker/bench, fl-*.test.ts and partial-order*.test.ts): import
// ./search/bfs-explorer.js instead; this file goes once they do.
export * from "./search/bfs-explorer.js";
