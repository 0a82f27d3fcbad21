// Builds what the `faultline` package ships, after `tsc -b` has compiled the
// three workspaces (ADR 0010):
//   dist/bundle/  the command, the library, the worker and the runtime as ES
//                 modules bundled with esbuild (chevrotain and lodash-es inside):
//                 one file to load instead of ~700 small modules is most of the
//                 start-up budget (0.3 s of a 0.5 s goal).
//   dist/types/   the declarations of lang, checker and cli, with their
//                 `@faultline/*` imports made relative, so `faultline` and
//                 `faultline/runtime` type-check in a project that installed
//                 only the `faultline` package.
// Kept out of the bundle: ink and react (the terminal UI, loaded only by
// `explore`; they stay ordinary dependencies) and typescript (an optional peer,
// loaded only for foreign functions).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const cli = fileURLToPath(new URL("..", import.meta.url));
const packages = join(cli, "..");
const dist = (pkg) => join(packages, pkg, "dist");
const out = join(cli, "dist", "bundle");
const types = join(cli, "dist", "types");

// Entry names are the file names the code itself looks for next to its chunks:
// search/parallel-explorer.ts starts `./parallel-worker.js`, and fl-factory.ts names
// `./fl-factory.js` as the module a worker imports to build a .fl model.
const entryPoints = {
  main: join(dist("cli"), "main.js"),
  index: join(dist("cli"), "index.js"),
  runtime: join(dist("lang"), "codegen", "public-runtime.js"),
  "parallel-worker": join(dist("checker"), "search", "parallel-worker.js"),
  "fl-factory": join(dist("checker"), "fl", "fl-factory.js"),
};
for (const [name, file] of Object.entries(entryPoints)) {
  if (!existsSync(file)) {
    console.error(
      `bundle: ${name} entry ${relative(process.cwd(), file)} is missing; run \`tsc -b packages/cli\` first`,
    );
    process.exit(1);
  }
}

rmSync(out, { recursive: true, force: true });
await build({
  entryPoints,
  outdir: out,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  chunkNames: "chunk-[hash]",
  external: ["typescript", "ink", "react", "react/*", "tsx", "tsx/*"],
  // Names stay readable in stack traces of internal errors.
  minify: false,
  sourcemap: false,
  legalComments: "none",
  logLevel: "warning",
  // chevrotain is an ES module that uses `require` nowhere; ink and react are
  // imported, never required. Nothing else needs a `require` shim.
});

// Declarations: copy each workspace's .d.ts tree and rewrite cross-package imports.
rmSync(types, { recursive: true, force: true });
const specifiers = {
  "@faultline/lang/runtime": ["lang", "codegen/public-runtime.js"],
  "@faultline/lang": ["lang", "index.js"],
  "@faultline/checker": ["checker", "index.js"],
};
for (const pkg of ["lang", "checker", "cli"]) {
  for (const file of walk(dist(pkg))) {
    if (!file.endsWith(".d.ts")) continue;
    const rel = relative(dist(pkg), file);
    if (pkg === "cli" && (rel.startsWith("bundle/") || rel.startsWith("types/"))) continue;
    const target = join(types, pkg, rel);
    let text = readFileSync(file, "utf8").replace(/\n\/\/# sourceMappingURL=.*$/m, "");
    text = text.replace(/(from\s+|import\()"(@faultline\/[a-z/]+)"/g, (_whole, lead, spec) => {
      const to = specifiers[spec];
      if (!to) throw new Error(`bundle: ${file} imports ${spec}, which has no declaration mapping`);
      let path = relative(dirname(target), join(types, to[0], to[1]));
      if (!path.startsWith(".")) path = `./${path}`;
      return `${lead}"${path}"`;
    });
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, text);
  }
}

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else yield path;
  }
}
