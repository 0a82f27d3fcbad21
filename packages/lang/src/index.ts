export * from "./ast.js";
export * from "./diagnostics.js";
export * from "./ir.js";
export * from "./types.js";
