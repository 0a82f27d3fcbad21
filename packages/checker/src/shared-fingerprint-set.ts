// The old path of store/shared-fingerprint-set.ts, kept for the importers outside checker/src
// (packages/checker/bench, fl-*.test.ts and partial-order*.test.ts): import
// ./store/shared-fingerprint-set.js instead; this file goes once they do.
export * from "./store/shared-fingerprint-set.js";
