// `faultline/runtime`: the one module generated code imports. The value helpers
// it calls as `rt.*` (runtime.ts) and the types it names (context.ts); the
// generated module's own types (MachineRef, FlSet, ...) are declared in it.
export type { ControlTransfer, FlContext } from "./context.js";
export * from "./runtime.js";
