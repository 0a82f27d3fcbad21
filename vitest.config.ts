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
    pool: "forks",
  },
});
