import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import {
  factoryModuleUrl,
  loadModelFromFactory,
  type ModelFactory,
  ModelFactoryError,
} from "../src/model-factory.js";

const ringModule = new URL("./models/ring-model.ts", import.meta.url);
const faultyModule = new URL("./models/parallel-faulty-models.ts", import.meta.url).href;

describe("loadModelFromFactory", () => {
  it("builds the model from a file URL or an absolute path, with the JSON arguments", async () => {
    for (const module of [ringModule.href, ringModule.pathname]) {
      const model = await loadModelFromFactory({
        module,
        exportName: "createRingModel",
        args: { n: 4, allowPass: true },
      });
      expect(model.name).toBe("ring(4, pass)");
    }
  });

  it("loads plain JavaScript modules, and factories that return a promise", async () => {
    const directory = await mkdtemp(join(tmpdir(), "faultline-factory-"));
    try {
      const file = join(directory, "later-model.mjs");
      await writeFile(
        file,
        `const base = { invariants: [], initial() {}, successors() {}, terminal() { return null; },
           encode() { return new Uint8Array(); }, decode() { return null; } };
         export async function later(args) { return { ...base, name: "later " + args.k }; }`,
      );
      const model = await loadModelFromFactory({ module: file, exportName: "later", args: { k: 7 } });
      expect(model.name).toBe("later 7");
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it("names the module as a file URL, and refuses relative paths and other URLs", () => {
    expect(factoryModuleUrl({ module: "/a/b.js", exportName: "f", args: null })).toBe("file:///a/b.js");
    expect(factoryModuleUrl({ module: "file:///a/b.ts", exportName: "f", args: null })).toBe(
      "file:///a/b.ts",
    );
    expect(() => factoryModuleUrl({ module: "a/b.js", exportName: "f", args: null })).toThrow(
      ModelFactoryError,
    );
    expect(() => factoryModuleUrl({ module: "data:text/javascript,", exportName: "f", args: null })).toThrow(
      /absolute path or a file: URL/,
    );
  });

  it("reports every unusable factory as a ModelFactoryError with a clear message", async () => {
    const cases: [ModelFactory, RegExp][] = [
      [
        { module: "test/models/ring-model.ts", exportName: "createRingModel", args: null },
        /absolute path or a file: URL/,
      ],
      [
        { module: pathToFileURL("/nonexistent/model.js").href, exportName: "create", args: null },
        /cannot import model factory module/,
      ],
      [
        { module: ringModule.href, exportName: "RingModelFactory", args: null },
        /no function export "RingModelFactory"/,
      ],
      [
        { module: faultyModule, exportName: "createNothing", args: 7 },
        /model factory createNothing\(7\) threw: factory refuses/,
      ],
      [{ module: faultyModule, exportName: "createNotAModel", args: null }, /did not return a Model/],
    ];
    for (const [factory, message] of cases) {
      const error = await loadModelFromFactory(factory).then(
        () => null,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(ModelFactoryError);
      expect((error as Error).message).toMatch(message);
    }
  });
});
