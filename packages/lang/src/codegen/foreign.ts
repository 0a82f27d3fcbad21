// Foreign functions: `foreign fun hash(s: string): int;` in model.fl is
// implemented by an exported function `hash` in model.foreign.ts beside it.
// We type-check the implementation against the declaration with the
// TypeScript compiler API (a Program over the user's file and an in-memory
// declaration file), report problems as diagnostics (FL500 missing file, FL501
// missing function, FL502 signature mismatch, FL503 no TypeScript compiler),
// and transpile the file to CommonJS for the checker to load. The compiler is
// loaded only here, when a program has foreign functions (load-typescript.ts).
//
// Values cross the boundary in the runtime representation (runtime.ts): int,
// enum and machine reference are numbers; seq and set are readonly arrays (a
// set sorted); map a readonly array of [key, value]; tuples readonly arrays.
// Implementations must be deterministic and must not mutate their arguments.
import { existsSync, readFileSync } from "node:fs";
import type ts from "typescript";
import type { Span } from "../ast.js";
import type { Diagnostic } from "../diagnostics.js";
import type { IrFun, IrProgram } from "../ir.js";
import type { Type } from "../types.js";
import { arrayType, keywordType, readonlyType, type TypeNode, tupleType } from "./code-tree.js";
import { loadTypeScript, type TypeScriptCompiler } from "./load-typescript.js";
import { printModule, printType } from "./print-code.js";

export { ForeignValueError, foreignValue } from "./foreign-values.js";

export interface ForeignCheckResult {
  diagnostics: Diagnostic[];
  /** The implementation file's path (null when the program declares no foreign function). */
  path: string | null;
  /** The implementation as CommonJS JavaScript, when it passed the checks. */
  js: string | null;
}

export interface ForeignFileSystem {
  fileExists(path: string): boolean;
  readFile(path: string): string | undefined;
}

const diskFs: ForeignFileSystem = {
  fileExists: existsSync,
  readFile: (p) => (existsSync(p) ? readFileSync(p, "utf8") : undefined),
};

/** `dir/model.fl` -> `dir/model.foreign.ts`. */
export function foreignImplementationPath(flPath: string): string {
  return flPath.replace(/\.fl$/, "") + ".foreign.ts";
}

/** The TypeScript signature a foreign function's implementation must have, e.g. `(s: string) => number`. */
export function foreignSignatureText(fn: IrFun): string {
  return printType(signatureType(fn));
}

function typeNode(t: Type): TypeNode {
  const readonlyTuple = (elems: TypeNode[], names?: readonly string[]) =>
    readonlyType(tupleType(elems.map((type, i) => ({ name: names?.[i] ?? null, type }))));
  switch (t.kind) {
    case "int":
    case "enum":
    case "machine":
    case "event":
      return keywordType("number");
    case "any":
      return keywordType("unknown");
    case "bool":
      return keywordType("boolean");
    case "string":
      return keywordType("string");
    case "tuple":
      return readonlyTuple(t.elems.map(typeNode));
    case "namedTuple":
      return readonlyTuple(
        t.fields.map((fl) => typeNode(fl.type)),
        t.fields.map((fl) => fl.name),
      );
    case "seq":
    case "set":
      return readonlyType(arrayType(typeNode(t.elem)));
    case "map":
      return readonlyType(arrayType(readonlyTuple([typeNode(t.key), typeNode(t.value)])));
    case "void":
      return keywordType("void");
    case "error":
      return keywordType("unknown");
  }
}

function signatureType(fn: IrFun): TypeNode {
  return {
    k: "function",
    params: fn.params.map((p) => ({ name: p.name, type: typeNode(p.type) })),
    returns: typeNode(fn.returnType),
  };
}

function diag(
  code: "FL500" | "FL501" | "FL502" | "FL503",
  message: string,
  span: Span,
  hint?: string,
): Diagnostic {
  const d: Diagnostic = { code, severity: "error", message, span };
  if (hint !== undefined) d.hint = hint;
  return d;
}

const EXPECTED_FILE = "__faultline_expected_foreign__.ts";

/**
 * Check `model.foreign.ts` against the program's foreign declarations, and
 * transpile it. `compiler` finds the TypeScript compiler (null: not installed).
 */
export function checkForeignImplementation(
  ir: IrProgram,
  fs: ForeignFileSystem = diskFs,
  compiler: (near: string) => TypeScriptCompiler | null = loadTypeScript,
): ForeignCheckResult {
  const foreign = ir.funs.filter((fn) => fn.foreign);
  if (foreign.length === 0) return { diagnostics: [], path: null, js: null };
  const path = foreignImplementationPath(ir.files[0] ?? foreign[0]!.span.file);
  const text = fs.readFile(path);
  if (text === undefined) {
    const example = foreign.map(
      (fn) => `export function ${fn.name}${foreignSignatureText(fn).replace(" =>", ":")}`,
    );
    return {
      diagnostics: foreign.map((fn) =>
        diag(
          "FL500",
          `foreign function ${fn.name} needs an implementation file: ${path} does not exist`,
          fn.span,
          example.join("\n"),
        ),
      ),
      path,
      js: null,
    };
  }

  const ts = compiler(path);
  if (ts === null) {
    const first = foreign[0]!;
    return {
      diagnostics: [
        diag(
          "FL503",
          `foreign function ${first.name}: checking ${path} needs the TypeScript compiler, and the typescript package is not installed`,
          first.span,
          "install it: npm i -D typescript",
        ),
      ],
      path,
      js: null,
    };
  }

  // The expected signatures, as an in-memory declaration file beside the implementation.
  const dir = path.replace(/[^\\/]*$/, "");
  const expectedPath = dir + EXPECTED_FILE;
  const expectedText = printModule(
    foreign.map((fn) => ({
      k: "typeAlias",
      name: `Expected_${fn.name}`,
      params: [],
      type: signatureType(fn),
    })),
    "ts",
  );

  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    allowImportingTsExtensions: true,
  };
  const host = ts.createCompilerHost(options, true);
  const baseGetSourceFile = host.getSourceFile.bind(host);
  const norm = (p: string) => p.replace(/\\/g, "/");
  host.getSourceFile = (name, lang, onError, create) => {
    if (norm(name) === norm(expectedPath))
      return ts.createSourceFile(name, expectedText, lang, true, ts.ScriptKind.TS);
    if (norm(name) === norm(path)) return ts.createSourceFile(name, text, lang, true, ts.ScriptKind.TS);
    return baseGetSourceFile(name, lang, onError, create);
  };
  const baseFileExists = host.fileExists.bind(host);
  host.fileExists = (name) =>
    norm(name) === norm(expectedPath) || norm(name) === norm(path) || baseFileExists(name);
  const baseReadFile = host.readFile.bind(host);
  host.readFile = (name) =>
    norm(name) === norm(expectedPath) ? expectedText : norm(name) === norm(path) ? text : baseReadFile(name);

  const program = ts.createProgram([path, expectedPath], options, host);
  const checker = program.getTypeChecker();
  const implFile = program.getSourceFile(path);
  const expectedFile = program.getSourceFile(expectedPath);
  const diagnostics: Diagnostic[] = [];
  const implSymbol = implFile ? checker.getSymbolAtLocation(implFile) : undefined;
  const exports = implSymbol ? checker.getExportsOfModule(implSymbol) : [];

  for (const fn of foreign) {
    const sig = foreignSignatureText(fn);
    const exported = exports.find((s) => s.name === fn.name);
    if (!exported) {
      diagnostics.push(
        diag(
          "FL501",
          `foreign function ${fn.name} is not exported by ${path}`,
          fn.span,
          `export function ${fn.name}: ${sig}`,
        ),
      );
      continue;
    }
    const alias = expectedFile?.statements.find(
      (s): s is ts.TypeAliasDeclaration =>
        ts.isTypeAliasDeclaration(s) && s.name.text === `Expected_${fn.name}`,
    );
    if (!alias) throw new Error(`internal: expected signature of ${fn.name} missing`);
    const expected = checker.getTypeAtLocation(alias.name);
    const resolved = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const actual = checker.getTypeOfSymbol(resolved);
    if (actual.getCallSignatures().length === 0 || !checker.isTypeAssignableTo(actual, expected)) {
      diagnostics.push(
        diag(
          "FL502",
          `foreign function ${fn.name}: the implementation's type ${checker.typeToString(actual)} does not match the declaration ${sig}`,
          fn.span,
          `implement it as ${sig}`,
        ),
      );
    }
  }
  // Type errors inside the implementation file itself.
  if (implFile) {
    for (const d of [
      ...program.getSyntacticDiagnostics(implFile),
      ...program.getSemanticDiagnostics(implFile),
    ]) {
      const where =
        d.start !== undefined
          ? `${path}:${implFile.getLineAndCharacterOfPosition(d.start).line + 1}: `
          : `${path}: `;
      diagnostics.push(
        diag("FL502", `${where}${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`, foreign[0]!.span),
      );
    }
  }
  if (diagnostics.length > 0) return { diagnostics, path, js: null };
  const js = ts.transpileModule(text, {
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
    },
    fileName: path,
    reportDiagnostics: false,
    transformers: { before: [meterTransformer(ts)] },
  }).outputText;
  return { diagnostics: [], path, js };
}

/**
 * The module the instrumented implementation requires for its meter: the
 * loader maps it to `{ tick }`, one operation of the running step's budget
 * (runtime.ts `spend(1)`).
 */
export const FOREIGN_METER_MODULE = "faultline:meter";
const TICK = "__faultline_tick";

/**
 * Instruments the implementation so that the step's budget and the check's
 * deadline reach into it: a call of the meter's tick at the start of every
 * loop iteration and of every function body written in the file. Code it
 * calls in other modules (npm packages, node built-ins) is not instrumented.
 */
function meterTransformer(ts: TypeScriptCompiler): ts.TransformerFactory<ts.SourceFile> {
  return (context) => {
    const f = context.factory;
    const tick = () =>
      f.createExpressionStatement(f.createCallExpression(f.createIdentifier(TICK), undefined, []));
    const ticked = (body: ts.Statement): ts.Block =>
      f.createBlock([tick(), ...(ts.isBlock(body) ? body.statements : [body])], true);
    const visit = (node: ts.Node): ts.Node => {
      const n = ts.visitEachChild(node, visit, context);
      if (ts.isWhileStatement(n)) return f.updateWhileStatement(n, n.expression, ticked(n.statement));
      if (ts.isDoStatement(n)) return f.updateDoStatement(n, ticked(n.statement), n.expression);
      if (ts.isForStatement(n))
        return f.updateForStatement(n, n.initializer, n.condition, n.incrementor, ticked(n.statement));
      if (ts.isForInStatement(n))
        return f.updateForInStatement(n, n.initializer, n.expression, ticked(n.statement));
      if (ts.isForOfStatement(n))
        return f.updateForOfStatement(n, n.awaitModifier, n.initializer, n.expression, ticked(n.statement));
      // A function body (declaration, expression, method, accessor, constructor, arrow with a block).
      if (ts.isBlock(n) && ts.isBlock(node) && node.parent !== undefined && ts.isFunctionLike(node.parent))
        return f.updateBlock(n, [tick(), ...n.statements]);
      if (ts.isArrowFunction(n) && !ts.isBlock(n.body))
        return f.updateArrowFunction(
          n,
          n.modifiers,
          n.typeParameters,
          n.parameters,
          n.type,
          n.equalsGreaterThanToken,
          f.createBlock([tick(), f.createReturnStatement(n.body)], true),
        );
      return n;
    };
    return (file) => {
      const out = ts.visitNode(file, visit) as ts.SourceFile;
      // var, not const: hoisted, so a function called while the module initialises finds it.
      const declare = f.createVariableStatement(
        undefined,
        f.createVariableDeclarationList(
          [
            f.createVariableDeclaration(
              TICK,
              undefined,
              undefined,
              f.createPropertyAccessExpression(
                f.createCallExpression(f.createIdentifier("require"), undefined, [
                  f.createStringLiteral(FOREIGN_METER_MODULE),
                ]),
                "tick",
              ),
            ),
          ],
          ts.NodeFlags.None,
        ),
      );
      return f.updateSourceFile(out, [declare, ...out.statements]);
    };
  };
}
