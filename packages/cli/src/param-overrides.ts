// `--param NAME=VALUE[,VALUE...]` for check, replay and explore: the one place
// that reads the flag, types its values against the model's `param`
// declarations and builds the test instances it asks for (docs/cli.md).
//
// check: each test declaration that binds NAME (and is selected by its base
// name, or every one without --test) gets VALUE... as the value set of NAME
// instead of the declared one, so `--param participants=5` turns
// `test param (participants in [2, 3]) T` into the one test `T(participants=5)`.
// replay / explore: one value per param, applied to the one instance they open.
import {
  boundParams,
  instanceFromName,
  type ParamValue,
  parseParamValue,
  splitOutsideQuotes,
  testDeclaration,
  testInstance,
  withTest,
} from "@faultline/checker";
import { readFileSync } from "node:fs";
import {
  closestName,
  compileSource,
  declaredCombinations,
  type FrontEndResult,
  type IrProgram,
  type Program,
} from "@faultline/lang";

export { PARAM_FLAG } from "./command-specs.js";

export interface ParamOverride {
  name: string;
  /** The values as written, in order, each once. */
  texts: string[];
  /** `--param NAME=...` as given (the first time), for messages. */
  flag: string;
}

export type ParamResult<T> = ({ ok: true } & T) | { ok: false; message: string };

/**
 * The `--param` flags, each `NAME=VALUE` or `NAME=V1,V2` (commas inside a
 * JSON-quoted string do not split); a NAME given twice adds its values.
 * `oneInstance`: replay and explore open one test instance, so one value per param.
 */
export function parseParamFlags(
  raw: readonly string[] | undefined,
  command: string,
  oneInstance: boolean,
): ParamResult<{ overrides: ParamOverride[] }> {
  const overrides: ParamOverride[] = [];
  for (const text of raw ?? []) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(text);
    if (!m || m[2] === "") {
      return { ok: false, message: `--param needs NAME=VALUE, like --param participants=3; got '${text}'` };
    }
    const texts = splitOutsideQuotes(m[2]!);
    if (texts.some((t) => t === "")) return { ok: false, message: `--param ${text}: an empty value` };
    let o = overrides.find((x) => x.name === m[1]);
    if (!o) {
      o = { name: m[1]!, texts: [], flag: `--param ${text}` };
      overrides.push(o);
    }
    for (const t of texts) if (!o.texts.includes(t)) o.texts.push(t);
    if (oneInstance && o.texts.length > 1) {
      return {
        ok: false,
        message: `--param ${m[1]}=${o.texts.join(",")}: ${command} opens one test instance, so give one value per param`,
      };
    }
  }
  return { ok: true, overrides };
}

function typedValues(ir: IrProgram, o: ParamOverride, where: string): ParamResult<{ values: ParamValue[] }> {
  const kind = ir.params.find((p) => p.name === o.name)?.type.kind ?? "?";
  const values: ParamValue[] = [];
  for (const text of o.texts) {
    const parsed = parseParamValue(text, kind);
    if (!parsed.ok) {
      return {
        ok: false,
        message: `${o.flag}: param '${o.name}' is ${kind === "int" ? "an int" : `a ${kind}`} in ${where}, so a value must be ${parsed.expected}; got '${text}'`,
      };
    }
    if (!values.includes(parsed.value)) values.push(parsed.value);
  }
  return { ok: true, values };
}

/**
 * check: the program with the selected test declarations that bind an
 * overridden param expanded over the new values, and the instances `selected`
 * names (`Scaled(n=5,k=1)`) that the file does not list. `bound`: the
 * overridden params some selected test binds.
 */
export function overrideParams(
  compiled: { ir: IrProgram; ast: Program },
  file: string,
  overrides: readonly ParamOverride[],
  selected: readonly string[] | undefined,
): ParamResult<{ ir: IrProgram; bound: Set<string> }> {
  const bound = new Set<string>();
  let tests = [...compiled.ir.tests];
  for (const decl of compiled.ast.decls) {
    if (decl.kind !== "TestDecl") continue;
    const base = decl.name.name;
    const names = boundParams(decl);
    const mine = overrides.filter((o) => names.includes(o.name));
    if (mine.length === 0 || (selected && !selected.includes(base))) continue;
    const values = new Map<string, ParamValue[]>();
    const declared = tests.filter((t) => t.baseName === base);
    for (const n of names) values.set(n, [...new Set(declared.map((t) => t.paramValues[n]!))]);
    for (const o of mine) {
      const typed = typedValues(compiled.ir, o, file);
      if (!typed.ok) return typed;
      values.set(o.name, typed.values);
      bound.add(o.name);
    }
    const instances = [];
    // As the front end expands the declaration: its assume and (t wise) apply to the new values too.
    const combos = declaredCombinations(
      decl,
      names.map((n) => ({ name: n, values: values.get(n) ?? [] })),
    );
    if (combos.length === 0) {
      return {
        ok: false,
        message: `${mine.map((o) => o.flag).join(" ")}: no combination of these values satisfies the assume of test '${base}' (${file}:${decl.assume?.span.start.line}:${decl.assume?.span.start.col})`,
      };
    }
    for (const combo of combos) {
      const built = testInstance(compiled.ir, decl, combo);
      if (!built.ok) return { ok: false, message: `${mine.map((o) => o.flag).join(" ")}: ${built.message}` };
      instances.push(built.test);
    }
    const at = tests.findIndex((t) => t.baseName === base);
    tests = [...tests.slice(0, at), ...instances, ...tests.slice(at).filter((t) => t.baseName !== base)];
  }
  let ir: IrProgram = { ...compiled.ir, tests };
  for (const name of selected ?? []) {
    if (ir.tests.some((t) => t.name === name)) continue;
    const instance = instanceFromName(ir, compiled.ast, name);
    if (instance) ir = withTest(ir, instance);
  }
  return { ok: true, ir, bound };
}

/**
 * check's first pass, when `--param` is given or `--test` names an instance:
 * every file compiled once (check reuses the results), the overrides applied,
 * and each overridden param bound by some selected test. Files that do not
 * compile are left for check to report.
 */
export function prepareParamRun(
  files: readonly string[],
  raw: readonly string[] | undefined,
  selected: readonly string[] | undefined,
  useExpected: boolean,
): ParamResult<{ files: Map<string, { text: string; compiled: FrontEndResult }> | null }> {
  const parsed = parseParamFlags(raw, "check", false);
  if (!parsed.ok) return parsed;
  const { overrides } = parsed;
  if (overrides.length === 0 && !selected?.some((n) => n.includes("("))) return { ok: true, files: null };
  if (overrides.length > 0 && useExpected) {
    return {
      ok: false,
      message: `${overrides[0]!.flag}: --expected compares the declared test instances, and --param checks others; drop one of them`,
    };
  }
  const out = new Map<string, { text: string; compiled: FrontEndResult }>();
  const bound = new Set<string>();
  /** Params by name: the tests that bind them, and which of those are selected. */
  const declared = new Map<string, string[]>();
  const selectable = new Set<string>();
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    const compiled = compileSource({ path: file, text });
    if (compiled.ok) {
      const applied = overrideParams(compiled, file, overrides, selected);
      if (!applied.ok) return applied;
      for (const n of applied.bound) bound.add(n);
      out.set(file, { text, compiled: { ...compiled, ir: applied.ir } });
      for (const p of compiled.ir.params) if (!declared.has(p.name)) declared.set(p.name, []);
      for (const d of compiled.ast.decls) {
        if (d.kind !== "TestDecl") continue;
        for (const n of boundParams(d)) {
          declared.get(n)?.push(d.name.name);
          if (!selected || selected.includes(d.name.name)) selectable.add(n);
        }
      }
    } else out.set(file, { text, compiled });
  }
  // A file that does not compile may bind the param: check reports its errors instead.
  const unknown = [...out.values()].some((f) => !f.compiled.ok) ? [] : overrides;
  for (const o of unknown) {
    if (bound.has(o.name)) continue;
    const tests = declared.get(o.name);
    let why: string;
    if (tests !== undefined) {
      why =
        tests.length === 0
          ? `no test binds param '${o.name}' (a test binds it with 'test param (${o.name} in [...]) Name')`
          : `no selected test binds param '${o.name}' (tests that bind it: ${[...new Set(tests)].join(", ")}; select them by base name with --test)`;
    } else {
      const guess = closestName(o.name, selectable);
      const known = [...selectable].sort().join(", ");
      why = `no selected test has a param '${o.name}'${guess ? ` (did you mean '${guess}'?)` : known ? ` (params: ${known})` : " (the selected tests bind no params)"}`;
    }
    return { ok: false, message: `${o.flag}: ${why}` };
  }
  return { ok: true, files: out };
}

/**
 * replay and explore: the one test instance they open: `testName` as the file
 * lists it, or an instance it names (`Scaled(n=5,k=1)`, as saved in traces of
 * `check --param`), with `overrides` applied. Null: no such test.
 */
export function resolveTestInstance(
  compiled: { ir: IrProgram; ast: Program },
  testName: string,
  overrides: readonly ParamOverride[],
  where: string,
): ParamResult<{ ir: IrProgram; test: string }> | null {
  let ir = compiled.ir;
  let test = ir.tests.find((t) => t.name === testName);
  if (!test) {
    const instance = instanceFromName(ir, compiled.ast, testName);
    if (!instance) return null;
    ir = withTest(ir, instance);
    test = instance;
  }
  if (overrides.length === 0) return { ok: true, ir, test: test.name };
  const decl = testDeclaration(compiled.ast, test.baseName);
  if (!decl) return null;
  const names = boundParams(decl);
  const values: Record<string, ParamValue> = {};
  for (const n of names) values[n] = test.paramValues[n]!;
  for (const o of overrides) {
    if (!names.includes(o.name)) {
      const guess = closestName(o.name, names);
      const hint = guess
        ? ` (did you mean '${guess}'?)`
        : names.length > 0
          ? ` (it binds ${names.join(", ")})`
          : " (it binds no params)";
      return { ok: false, message: `${o.flag}: test '${test.baseName}' has no param '${o.name}'${hint}` };
    }
    const typed = typedValues(ir, o, where);
    if (!typed.ok) return typed;
    values[o.name] = typed.values[0]!;
  }
  const built = testInstance(ir, decl, values);
  if (!built.ok) return { ok: false, message: `${overrides.map((o) => o.flag).join(" ")}: ${built.message}` };
  return { ok: true, ir: withTest(ir, built.test), test: built.test.name };
}
