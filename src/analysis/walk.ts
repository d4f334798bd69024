/**
 * Iterative AST traversal with @typescript-eslint/visitor-keys: no recursion, so a 100,000-deep
 * expression never overflows the stack. Sets `parent` on every node as it goes.
 */
import { visitorKeys } from '@typescript-eslint/visitor-keys';
import type { TSESTree } from '@typescript-eslint/typescript-estree';

export type Node = TSESTree.Node;

const EXIT = 1;

/**
 * Visit every node once, depth first, children in source order. `enter` may return false to skip a
 * node's children. `exit` runs after the children.
 */
export function walk(
  root: Node,
  enter: (node: Node, parent: Node | undefined) => boolean | void,
  exit?: (node: Node) => void,
): void {
  const stack: Array<Node | number> = [root];
  const parents: Array<Node | undefined> = [undefined];
  while (stack.length) {
    const item = stack.pop()!;
    const parent = parents.pop();
    if (item === EXIT) {
      exit!(parent as Node);
      continue;
    }
    const node = item as Node;
    if (parent && (node as any).parent !== parent) (node as any).parent = parent;
    if (enter(node, parent) === false) continue;
    if (exit) {
      stack.push(EXIT);
      parents.push(node);
    }
    const keys = (visitorKeys as Record<string, readonly string[] | undefined>)[node.type];
    if (!keys) continue;
    // Push children in reverse so they pop in source order.
    for (let k = keys.length - 1; k >= 0; k--) {
      const child = (node as any)[keys[k]];
      if (!child) continue;
      if (Array.isArray(child)) {
        for (let i = child.length - 1; i >= 0; i--) {
          const c = child[i];
          if (c && typeof c.type === 'string') {
            stack.push(c);
            parents.push(node);
          }
        }
      } else if (typeof child.type === 'string') {
        stack.push(child);
        parents.push(node);
      }
    }
  }
}

export function parentOf(node: Node): Node | undefined {
  return (node as any).parent;
}

/** Strip TS-only wrappers and parentheses-equivalents: `x as T`, `x!`, `<T>x`, `x satisfies T`. */
export function unwrap(node: Node): Node {
  let n: any = node;
  for (;;) {
    switch (n.type) {
      case 'TSAsExpression':
      case 'TSNonNullExpression':
      case 'TSTypeAssertion':
      case 'TSSatisfiesExpression':
      case 'TSInstantiationExpression':
      case 'ChainExpression':
        n = n.expression;
        continue;
      default:
        return n;
    }
  }
}

export function isFunction(node: Node): node is TSESTree.FunctionLike & (TSESTree.FunctionDeclaration | TSESTree.FunctionExpression | TSESTree.ArrowFunctionExpression) {
  return node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression';
}

/** The static name of a member property: `a.b` -> "b", `a["b"]` -> "b", else undefined. */
export function propName(node: TSESTree.MemberExpression | TSESTree.Property | TSESTree.MethodDefinition | TSESTree.PropertyDefinition): string | undefined {
  const key: any = node.type === 'MemberExpression' ? node.property : (node as any).key;
  const computed = (node as any).computed;
  if (!computed && key.type === 'Identifier') return key.name;
  if (!computed && key.type === 'PrivateIdentifier') return '#' + key.name;
  if (key.type === 'Literal' && (typeof key.value === 'string' || typeof key.value === 'number')) return String(key.value);
  if (key.type === 'TemplateLiteral' && key.expressions.length === 0) return key.quasis[0].value.cooked ?? undefined;
  return undefined;
}
