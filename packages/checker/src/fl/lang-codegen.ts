// The codegen and value runtime from @faultline/lang, in one place.
export * from "@faultline/lang";
export { compare, flRuntime, type Payload, RuntimeFault, type Value } from "@faultline/lang";
