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
// `explore`; they stay ordinary dependencies), vscode-languageserver and
// vscode-languageserver-textdocument (CommonJS, loaded only by `lsp`; ordinary
// dependencies too) and typescript (an optional peer, loaded only for foreign
// functions) and vitest (an optional peer, imported only by
// `faultline/testing/vitest`).
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
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
  testing: join(dist("cli"), "testing", "index.js"),
  "testing-vitest": join(dist("cli"), "testing", "vitest.js"),
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
const { metafile } = await build({
  metafile: true,
  entryPoints,
  outdir: out,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  chunkNames: "chunk-[hash]",
  external: [
    "typescript",
    "ink",
    "react",
    "react/*",
    "tsx",
    "tsx/*",
    "vscode-languageserver",
    "vscode-languageserver/*",
    "vscode-languageserver-textdocument",
    "vitest",
  ],
  // Names stay readable in stack traces of internal errors.
  minify: false,
  sourcemap: false,
  legalComments: "none",
  logLevel: "warning",
  // chevrotain is an ES module that uses `require` nowhere; ink and react are
  // imported, never required. Nothing else needs a `require` shim.
});

// The licences of the third-party code inside the bundle (chevrotain's
// Apache-2.0 asks for it, lodash's MIT too), gathered from what esbuild read.
const bundled = new Map();
for (const input of Object.keys(metafile.inputs)) {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (match && !bundled.has(match[1])) bundled.set(match[1], join(cli, "..", "..", "node_modules", match[1]));
}
// The declarations under dist/types/vendor/ (below) are @chevrotain/types'.
bundled.set("@chevrotain/types", join(cli, "..", "..", "node_modules", "@chevrotain", "types"));
const notices = [...bundled.entries()].sort().map(([name, dir]) => {
  const meta = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const licenceFile = readdirSync(dir).find((f) => /^(licen[cs]e|copying)/i.test(f));
  if (!licenceFile) throw new Error(`bundle: ${name} has no licence file to ship`);
  const text = readFileSync(join(dir, licenceFile), "utf8").trim();
  return `${name}@${meta.version} (${meta.license})\n\n${text}\n`;
});
writeFileSync(
  join(out, "THIRD-PARTY-NOTICES.txt"),
  `Third-party code bundled into dist/bundle/ of the faultline package.\n\n${notices.join(`\n${"-".repeat(72)}\n\n`)}`,
);

// Declarations: copy each workspace's .d.ts tree and rewrite cross-package imports.
// chevrotain's types (self-contained, @chevrotain/types) travel under vendor/,
// since chevrotain itself is bundled rather than installed.
rmSync(types, { recursive: true, force: true });
const specifiers = {
  "@faultline/lang/runtime": ["lang", "codegen/public-runtime.js"],
  "@faultline/lang": ["lang", "index.js"],
  "@faultline/checker": ["checker", "index.js"],
  chevrotain: ["vendor", "chevrotain.js"],
};
mkdirSync(join(types, "vendor"), { recursive: true });
cpSync(
  join(cli, "..", "..", "node_modules", "@chevrotain", "types", "api.d.ts"),
  join(types, "vendor", "chevrotain.d.ts"),
);
for (const pkg of ["lang", "checker", "cli"]) {
  for (const file of walk(dist(pkg))) {
    if (!file.endsWith(".d.ts")) continue;
    const rel = relative(dist(pkg), file);
    if (pkg === "cli" && (rel.startsWith("bundle/") || rel.startsWith("types/"))) continue;
    const target = join(types, pkg, rel);
    let text = readFileSync(file, "utf8").replace(/\n\/\/# sourceMappingURL=.*$/m, "");
    text = text.replace(/(from\s+|import\()"(@faultline\/[a-z/]+|chevrotain)"/g, (_whole, lead, spec) => {
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
