/**
 * Import rules for packages/*\/src, checked by `npm run depcheck`
 * (scripts/depcheck.mjs) and by packages/checker/test/import-cycles.test.ts.
 * The layering is the one in docs/architecture.md: lang → checker → cli, and
 * sources never reach into test/ or bench/. no-circular applies to whatever is
 * cruised (the sources; the test also cruises a fixture with a cycle).
 */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "An import cycle, counting type-only imports: give the shared piece its own module.",
      from: {},
      to: { circular: true },
    },
    {
      name: "lang-not-to-checker-or-cli",
      severity: "error",
      comment: "The front end knows nothing of the checker or the command.",
      from: { path: "^packages/lang/src/" },
      to: { path: "^(packages/(checker|cli)/|@faultline/checker|faultline($|/))" },
    },
    {
      name: "checker-not-to-cli",
      severity: "error",
      comment: "The checker knows nothing of the command, its reporters or its TUI.",
      from: { path: "^packages/checker/src/" },
      to: { path: "^(packages/cli/|faultline($|/))" },
    },
    {
      name: "explorers-not-to-fl",
      severity: "error",
      comment: "Explorers see the .fl runtime only through the Model interface (model.ts); index.ts re-exports fl/.",
      from: { path: "^packages/checker/src/", pathNot: "^packages/checker/src/(index\\.ts$|fl/)" },
      to: { path: "^packages/checker/src/fl/" },
    },
    {
      name: "src-not-to-test-or-bench",
      severity: "error",
      comment: "Shipped sources never import tests, fixtures or benchmarks.",
      from: { path: "^packages/[^/]+/src/" },
      to: { path: "^packages/[^/]+/(test|bench)/" },
    },
  ],
  options: {
    // Another package's import resolves to its dist/ (or stays unresolved before a build): checked, not followed.
    doNotFollow: { path: "node_modules|^packages/[^/]+/dist/" },
    // Type-only imports count: a cycle of types is still a cycle of modules to read.
    tsPreCompilationDeps: true,
    // NodeNext `./x.js` specifiers resolve to the `./x.ts` sources.
    tsConfig: { fileName: "tsconfig.depcruise.json" },
  },
};
