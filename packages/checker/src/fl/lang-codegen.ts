// The codegen and value runtime from @faultline/lang, in one place.
// TODO(coordinator): once packages/lang/src/index.ts exports the codegen modules
// (see the report), replace these relative source paths with "@faultline/lang".
export * from "../../../lang/src/codegen/context.js";
export * from "../../../lang/src/codegen/generate.js";
export * from "../../../lang/src/codegen/names.js";
export * as flRuntime from "../../../lang/src/codegen/runtime.js";
export { compare, type Payload, RuntimeFault, type Value } from "../../../lang/src/codegen/runtime.js";
