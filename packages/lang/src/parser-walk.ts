// A generic AST traversal: every object with a string `kind` and a numeric `id`
// is a node; plain containers in between (arrays, `{ name, type }` fields) are
// looked through. Used by tests and tools that need "every node" without a
// per-kind visitor.
import type { NodeBase } from "./ast.js";

export type AnyNode = NodeBase & { kind: string };

function isNode(v: unknown): v is AnyNode {
  return (
    typeof v === "object" &&
    v !== null &&
    typeof (v as { kind?: unknown }).kind === "string" &&
    typeof (v as { id?: unknown }).id === "number"
  );
}

/** The direct child nodes of `node`, in source field order. */
export function childNodes(node: AnyNode): AnyNode[] {
  const out: AnyNode[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) {
      for (const x of v) visit(x);
    } else if (isNode(v)) {
      out.push(v);
    } else if (typeof v === "object" && v !== null) {
      for (const [k, x] of Object.entries(v)) if (k !== "span") visit(x);
    }
  };
  for (const [k, v] of Object.entries(node)) if (k !== "span") visit(v);
  return out;
}

/** Pre-order walk; `visit` gets each node and its parent (null for the root). */
export function walkAst(root: AnyNode, visit: (node: AnyNode, parent: AnyNode | null) => void): void {
  const stack: [AnyNode, AnyNode | null][] = [[root, null]];
  while (stack.length > 0) {
    const [node, parent] = stack.pop()!;
    visit(node, parent);
    const kids = childNodes(node);
    for (let i = kids.length - 1; i >= 0; i--) stack.push([kids[i]!, node]);
  }
}
