/**
 * Bindings via @typescript-eslint/scope-manager: which variable an identifier refers to, and
 * whether an identifier is an unresolved (global) reference.
 */
import { analyze } from '@typescript-eslint/scope-manager';
import type { Scope, Variable } from '@typescript-eslint/scope-manager';
import type { TSESTree } from '@typescript-eslint/typescript-estree';

export type { Variable };

export interface Bindings {
  /** Variable an identifier (reference or declaration name) denotes; null for globals. */
  variableOf(id: TSESTree.Identifier): Variable | null;
  /** True when the identifier is a reference that resolves to no declaration (a global). */
  isGlobal(id: TSESTree.Identifier): boolean;
  /** The function scopes' `arguments` etc. are ignored; all variables declared in the file. */
  allVariables(): Variable[];
}

export function buildBindings(ast: TSESTree.Program, sourceType: 'module' | 'script'): Bindings {
  const sm = analyze(ast as any, {
    sourceType,
    globalReturn: sourceType === 'script',
    lib: [],
    jsxPragma: null,
  } as any);
  const byId = new Map<TSESTree.Node, Variable | null>();
  const vars: Variable[] = [];
  const stack: Scope[] = [sm.globalScope as Scope];
  while (stack.length) {
    const scope = stack.pop()!;
    for (const ref of scope.references) byId.set(ref.identifier as any, (ref.resolved as Variable) ?? null);
    for (const v of scope.variables) {
      if (v.defs.length === 0) continue; // implicit (arguments, lib globals)
      vars.push(v);
      for (const def of v.defs) byId.set(def.name as any, v);
    }
    for (const c of scope.childScopes) stack.push(c);
  }
  return {
    variableOf(id) {
      return byId.get(id) ?? null;
    },
    isGlobal(id) {
      return byId.has(id) && byId.get(id) === null;
    },
    allVariables() {
      return vars;
    },
  };
}
