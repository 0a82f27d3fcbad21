// Load generated CommonJS JavaScript in-process, without touching the disk:
// the code runs in a `new Function` wrapper whose `require` only knows the
// modules we hand it (the value runtime, the foreign implementation).

export function loadCommonJs(
  js: string,
  modules: Readonly<Record<string, unknown>>,
  fallbackRequire?: (specifier: string) => unknown,
): Record<string, unknown> {
  const module = { exports: {} as Record<string, unknown> };
  const require = (specifier: string): unknown => {
    if (Object.hasOwn(modules, specifier)) return modules[specifier];
    if (fallbackRequire) return fallbackRequire(specifier);
    throw new Error(`generated code imports unknown module ${specifier}`);
  };
  const run = new Function("exports", "require", "module", js) as (
    exports: Record<string, unknown>,
    require: (s: string) => unknown,
    module: { exports: Record<string, unknown> },
  ) => void;
  run(module.exports, require, module);
  return module.exports;
}
