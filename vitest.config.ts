import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "packages/*/test/**/*.test.ts",
      "packages/*/test/**/*.test.tsx",
      "models/**/*.test.ts",
      "examples/**/*.test.ts",
    ],
    testTimeout: 60_000,
    // Forks, not threads: trace-source.test.ts changes the working directory
    // (process.chdir), which worker threads cannot.
    pool: "forks",
    // One worker per core. Vitest's default leaves a core to its main process,
    // which idles during a run: on a 2-core machine that is a single worker.
    maxWorkers: availableParallelism(),
    // Test files share a worker's module cache instead of each re-importing
    // lang, checker, the TypeScript compiler and Ink in a fresh process (about
    // a third of the suite's CPU time). The tests restore what they change of
    // the process (trace-source.test.ts its working directory, in afterEach)
    // and keep no state in modules.
    isolate: false,
  },
});
