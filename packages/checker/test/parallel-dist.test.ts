// The compiled explorer (what the CLI runs) starts the compiled worker entry,
// dist/parallel-worker.js, under plain Node; that worker loads TypeScript
// factories through tsx. Needs the build (`npm test` runs `tsc -b` first).
import { describe, expect, it } from "vitest";
import { checkExhaustiveParallel } from "../dist/search/parallel-explorer.js";

describe("compiled parallel explorer", () => {
  it("runs from dist with a TypeScript model factory", async () => {
    const result = await checkExhaustiveParallel(
      {
        module: new URL("./models/two-phase-model.ts", import.meta.url).href,
        exportName: "createTwoPhaseModel",
        args: { n: 4, buggyCommit: true },
      },
      { workers: 2 },
    );
    expect(result).toMatchObject({ kind: "violation", failure: { property: "TCConsistent" } });
    expect(result.kind === "violation" && result.trace.steps.length).toBe(6);
  });
});
