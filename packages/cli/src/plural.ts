// Counted nouns in CLI output: "1 test", "2 tests", "1,234 states".

/** `n` (grouped in thousands) and the noun, singular for exactly 1: `plural(1, "test")` is "1 test". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
}
