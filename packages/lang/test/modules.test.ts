// Modules and test composition (docs/language.md section 11): `module M = ...;`
// names a set of machine types, `union` composes them, a test's `in (...)`
// takes module expressions, and `with { A -> B }` substitutes one machine type
// for another. The diagnostics (FL420, FL421, FL422, FL203) have goldens in
// fixtures/diagnostics; the runtime side is in packages/checker/test/modules.test.ts.
import { describe, expect, it } from "vitest";
import { formatSource } from "../src/format/format.js";
import { compileSource } from "../src/front-end.js";

const HEADER = `event Req: int;
machine AbstractServer { start state S { on Req do (x: int) { } } }
machine Server { start state S { on Req do (x: int) { assert x < 2; } } }
machine Backup { start state S { on Req do (x: int) { } } }
machine Driver { start state I { entry { send new AbstractServer(), Req, 1; } } }
invariant Ok: true;
`;

function compile(text: string) {
  const result = compileSource({ path: "m.fl", text: HEADER + text });
  expect(result.diagnostics).toEqual([]);
  if (!result.ok) throw new Error("did not compile");
  return result.ir;
}

describe("modules", () => {
  it("expands modules, unions and literal sets into the test's machine set", () => {
    const ir = compile(`
module Servers = { Server, Backup };
module All = union Servers, { Driver }, Server;
test A [main = Driver]: assert Ok in (union Servers, { Driver });
test B [main = Driver]: assert Ok in (All);
test C [main = Driver]: assert Ok in (Driver, union { AbstractServer }, Servers);
test D [main = Driver]: assert Ok;
`);
    expect(ir.tests.map((t) => [t.name, t.machines])).toEqual([
      ["A", ["Server", "Backup", "Driver"]],
      ["B", ["Server", "Backup", "Driver"]],
      ["C", ["Driver", "AbstractServer", "Server", "Backup"]],
      ["D", null],
    ]);
  });

  it("keeps 'module' and 'union' usable as names (soft keywords)", () => {
    const ir = compile(`
machine union { var module: int; start state S { entry { module = 1; } } }
module module = { union };
test E [main = Driver]: assert Ok in (module, { Driver });
`);
    expect(ir.tests[0]!.machines).toEqual(["union", "Driver"]);
  });

  it("modules share the type namespace: a module cannot reuse a machine's name", () => {
    const { diagnostics } = compileSource({ path: "m.fl", text: `${HEADER}module Server = { Backup };\n` });
    expect(diagnostics.map((d) => d.message)).toEqual([expect.stringContaining("'Server'")]);
  });

  it("reports malformed module expressions at their place, without an internal error", () => {
    const { diagnostics } = compileSource({
      path: "m.fl",
      text: `${HEADER}module M = ;\nmodule N = union ;\ntest T [main = Driver] in (union) with { Server -> };\n`,
    });
    expect(diagnostics.map((d) => [d.code, d.span.start.line, d.span.start.col])).toEqual([
      ["FL104", 7, 12],
      ["FL420", 8, 12],
      ["FL420", 9, 28],
      ["FL103", 9, 52],
    ]);
    expect(diagnostics[1]!.hint).toContain("'union' starts a union of sets");
  });

  it("a module is not a type", () => {
    const { diagnostics } = compileSource({
      path: "m.fl",
      text: `${HEADER}module Servers = { Server };\nmachine Holder { var s: Servers; start state S { } }\n`,
    });
    expect(diagnostics.map((d) => [d.code, d.message])).toEqual([
      ["FL201", "'Servers' is a module, not a type"],
    ]);
  });

  it("reports a self-referencing module once", () => {
    const { diagnostics } = compileSource({
      path: "m.fl",
      text: `${HEADER}module Loop = union Loop, { Server };\n`,
    });
    expect(diagnostics.map((d) => [d.code, d.message])).toEqual([
      ["FL421", "module 'Loop' is defined in terms of itself: Loop -> Loop"],
    ]);
  });
});

describe("machine substitution", () => {
  it("lowers `with { A -> B }` into the test", () => {
    const ir = compile(`
test T [main = Driver]: assert Ok in (Server, Driver) with { AbstractServer -> Server };
test U [main = Driver]: assert Ok;
`);
    expect(ir.tests.map((t) => t.substitutions)).toEqual([[{ from: "AbstractServer", to: "Server" }], []]);
  });

  it("prints every form canonically, and formatting is idempotent", () => {
    const source = `${HEADER}module   Servers =  {Server,Backup} ;
module All = union   Servers ,{ Driver },{};
test T [main = Driver]: assert Ok in ( union Servers,{Driver} )   with {AbstractServer->Server, Backup -> Server} with faults { drop at most 1; };
`;
    const format = (text: string): string => {
      const r = formatSource({ path: "m.fl", text });
      if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
      return r.text;
    };
    const once = format(source);
    expect(once).toContain("module Servers = { Server, Backup };");
    expect(once).toContain("module All = union Servers, { Driver }, {};");
    expect(once).toContain(
      "in (union Servers, { Driver }) with { AbstractServer -> Server, Backup -> Server } with faults",
    );
    expect(format(once)).toBe(once);
  });
});
