/**
 * Module resolution: what a callee really is, through require, import, `node:` prefixes,
 * destructuring, renaming, aliases, interop helpers (tsc/babel/esbuild output) and promisify.
 * `regex.exec()` and `db.exec()` resolve to nothing, so they are never child_process.
 *
 * Also constant folding: literals, const bindings of constants, __dirname, import.meta.dirname,
 * path.join of constants.
 */
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { ResolvedRef } from '../rule.js';
import type { Bindings, Variable } from './scope.js';
import { propName, unwrap } from './walk.js';
import type { Node } from './walk.js';

export const GLOBAL = '<global>';
const GLOBAL_ROOTS = new Set(['globalThis', 'window', 'global', 'self']);
const INTEROP = new Set([
  '_interopRequireDefault',
  '_interopRequireWildcard',
  '__importDefault',
  '__importStar',
  '__toESM',
  '__toCommonJS',
  '_interop_require_default',
  '_interop_require_wildcard',
]);

/** "node:fs" -> "fs"; "fs/promises" -> fs + ["promises"]. */
export function normaliseModule(spec: string): ResolvedRef {
  let m = spec.startsWith('node:') ? spec.slice(5) : spec;
  if (m === 'fs/promises') return { module: 'fs', path: ['promises'] };
  if (m === 'child_process/promises') return { module: 'child_process', path: [] };
  if (m === 'timers/promises') return { module: 'timers', path: ['promises'] };
  return { module: m, path: [] };
}

/** Drop `default` segments (ESM/CJS interop) for matching against API models. */
export function apiPath(ref: ResolvedRef): string[] {
  return ref.path.filter((p) => p !== 'default');
}

export const UNKNOWN_CONST = Symbol('constant');

export interface ModuleModel {
  resolve(node: Node): ResolvedRef | undefined;
  isConstant(node: Node): boolean;
  constantValue(node: Node): unknown;
  /** Single initialiser of a never-reassigned variable (through a destructuring path), if any. */
  initOf(v: Variable): { init: Node; path: string[] } | undefined;
  /** Whether the variable is assigned anywhere other than its declaration. */
  isReassigned(v: Variable): boolean;
  bindings: Bindings;
}

export function createModuleModel(bindings: Bindings): ModuleModel {
  const refCache = new Map<Node, ResolvedRef | null>();
  const constCache = new Map<Node, unknown>();
  const NOT_CONST = Symbol('notconst');
  const reassigned = new Map<Variable, boolean>();

  function isReassigned(v: Variable): boolean {
    let r = reassigned.get(v);
    if (r === undefined) {
      r = false;
      for (const ref of v.references) {
        if (ref.isWrite() && !ref.init) {
          r = true;
          break;
        }
      }
      reassigned.set(v, r);
    }
    return r;
  }

  function initOf(v: Variable): { init: Node; path: string[] } | undefined {
    if (v.defs.length !== 1) return undefined;
    const def = v.defs[0];
    if (def.type !== 'Variable') return undefined;
    const decl = def.node as TSESTree.VariableDeclarator;
    if (!decl.init) {
      // `var cp; ... cp = require('child_process');` — a single later assignment stands in.
      if (decl.id.type !== 'Identifier') return undefined;
      let only: Node | undefined;
      for (const ref of v.references) {
        if (!ref.isWrite()) continue;
        const p: any = (ref.identifier as any).parent;
        if (only || !p || p.type !== 'AssignmentExpression' || p.operator !== '=' || p.left !== ref.identifier) return undefined;
        only = p.right;
      }
      return only ? { init: only, path: [] } : undefined;
    }
    if (isReassigned(v)) return undefined;
    const path = patternPath(decl.id, def.name as TSESTree.Identifier);
    if (!path) return undefined;
    return { init: decl.init, path };
  }

  function resolveInner(node: Node, depth: number): ResolvedRef | undefined {
    if (depth > 25) return undefined;
    const n = unwrap(node);
    const cached = refCache.get(n);
    if (cached !== undefined) return cached ?? undefined;
    refCache.set(n, null); // cycle guard
    const r = compute(n, depth);
    refCache.set(n, r ?? null);
    return r;
  }

  function compute(n: Node, depth: number): ResolvedRef | undefined {
    switch (n.type) {
      case 'SequenceExpression':
        return resolveInner(n.expressions[n.expressions.length - 1], depth + 1);
      case 'AwaitExpression':
        return resolveInner(n.argument!, depth + 1);
      case 'ImportExpression': {
        const s = unwrap(n.source);
        if (s.type === 'Literal' && typeof s.value === 'string') return normaliseModule(s.value);
        return undefined;
      }
      case 'Identifier': {
        const v = bindings.variableOf(n);
        if (!v) {
          if (!bindings.isGlobal(n)) return undefined;
          if (GLOBAL_ROOTS.has(n.name)) return { module: GLOBAL, path: [] };
          return { module: GLOBAL, path: [n.name] };
        }
        if (v.defs.length !== 1) return undefined;
        const def = v.defs[0];
        if (def.type === 'ImportBinding') {
          const spec = def.node as any;
          if (spec.type === 'TSImportEqualsDeclaration') {
            const ref = spec.moduleReference;
            if (ref.type === 'TSExternalModuleReference' && ref.expression.type === 'Literal')
              return normaliseModule(String(ref.expression.value));
            return undefined;
          }
          const decl = def.parent as TSESTree.ImportDeclaration;
          const base = normaliseModule(String(decl.source.value));
          if (spec.type === 'ImportNamespaceSpecifier') return base;
          if (spec.type === 'ImportDefaultSpecifier') return { module: base.module, path: [...base.path, 'default'] };
          const imported = spec.imported.type === 'Identifier' ? spec.imported.name : String(spec.imported.value);
          return { module: base.module, path: [...base.path, imported] };
        }
        const init = initOf(v);
        if (!init) return undefined;
        const base = resolveInner(init.init, depth + 1);
        if (!base) return undefined;
        return { module: base.module, path: [...base.path, ...init.path] };
      }
      case 'MemberExpression': {
        const name = propName(n);
        if (name === undefined) return undefined;
        const obj = unwrap(n.object);
        if (obj.type === 'MetaProperty') return undefined;
        const base = resolveInner(obj, depth + 1);
        if (!base) return undefined;
        if (base.module === GLOBAL && base.path.length === 0 && GLOBAL_ROOTS.has(name)) return base;
        if (name === 'default' && base.path.length === 0) return base; // require('x').default
        return { module: base.module, path: [...base.path, name] };
      }
      case 'CallExpression': {
        const callee = unwrap(n.callee);
        const args = n.arguments;
        if (callee.type === 'Identifier') {
          if (callee.name === 'require' && args.length >= 1 && bindings.isGlobal(callee)) {
            const v = constantString(args[0]);
            return v !== undefined ? normaliseModule(v) : undefined;
          }
          if (INTEROP.has(callee.name) && args.length >= 1) return resolveInner(args[0], depth + 1);
        }
        if (callee.type === 'MemberExpression' && propName(callee) === 'require') {
          const o = unwrap(callee.object);
          if (o.type === 'Identifier' && o.name === 'module' && args.length >= 1) {
            const v = constantString(args[0]);
            return v !== undefined ? normaliseModule(v) : undefined;
          }
        }
        if (callee.type === 'MemberExpression' && propName(callee) === 'bind') return resolveInner(callee.object, depth + 1);
        const c = resolveInner(callee, depth + 1);
        if (c && c.module === 'util' && apiPath(c).join('.') === 'promisify' && args.length >= 1)
          return resolveInner(args[0], depth + 1);
        if (c && (c.module === 'bluebird' || c.module === 'pify') && args.length >= 1) return resolveInner(args[0], depth + 1);
        return undefined;
      }
      default:
        return undefined;
    }
  }

  function constantString(node: Node): string | undefined {
    const v = constantValue(node);
    return typeof v === 'string' ? v : undefined;
  }

  function constantValue(node: Node): unknown {
    const v = constInner(node, 0);
    return v === NOT_CONST ? undefined : v;
  }

  function isConstant(node: Node): boolean {
    return constInner(node, 0) !== NOT_CONST;
  }

  function constInner(node: Node, depth: number): unknown {
    if (depth > 40) return NOT_CONST;
    const n = unwrap(node);
    if (constCache.has(n)) return constCache.get(n);
    constCache.set(n, NOT_CONST);
    const v = constCompute(n, depth);
    constCache.set(n, v);
    return v;
  }

  function combine(vals: unknown[], f: (...xs: any[]) => unknown): unknown {
    if (vals.some((x) => x === NOT_CONST)) return NOT_CONST;
    if (vals.some((x) => x === UNKNOWN_CONST)) return UNKNOWN_CONST;
    try {
      return f(...vals);
    } catch {
      return UNKNOWN_CONST;
    }
  }

  function constCompute(n: Node, depth: number): unknown {
    switch (n.type) {
      case 'Literal':
        return (n as any).regex ? UNKNOWN_CONST : n.value;
      case 'TemplateLiteral': {
        const vals = n.expressions.map((e) => constInner(e, depth + 1));
        return combine(vals, (...xs) => {
          let s = n.quasis[0].value.cooked ?? '';
          for (let i = 0; i < xs.length; i++) s += String(xs[i]) + (n.quasis[i + 1].value.cooked ?? '');
          return s;
        });
      }
      case 'BinaryExpression': {
        if (n.left.type === 'PrivateIdentifier') return NOT_CONST;
        const a = constInner(n.left, depth + 1);
        const b = constInner(n.right, depth + 1);
        if (n.operator === '+') return combine([a, b], (x, y) => x + y);
        return combine([a, b], () => UNKNOWN_CONST);
      }
      case 'LogicalExpression': {
        const a = constInner(n.left, depth + 1);
        const b = constInner(n.right, depth + 1);
        return combine([a, b], () => UNKNOWN_CONST);
      }
      case 'ConditionalExpression': {
        const a = constInner(n.consequent, depth + 1);
        const b = constInner(n.alternate, depth + 1);
        return combine([a, b], () => UNKNOWN_CONST);
      }
      case 'UnaryExpression':
        if (n.operator === 'typeof' || n.operator === 'void') return UNKNOWN_CONST;
        return combine([constInner(n.argument, depth + 1)], () => UNKNOWN_CONST);
      case 'ArrayExpression':
        return combine(
          n.elements.map((e) => (e ? constInner(e.type === 'SpreadElement' ? e.argument : e, depth + 1) : undefined)),
          () => UNKNOWN_CONST,
        );
      case 'ObjectExpression': {
        const vals: unknown[] = [];
        for (const p of n.properties) {
          if (p.type === 'SpreadElement') vals.push(constInner(p.argument, depth + 1));
          else {
            if (p.computed) vals.push(constInner(p.key, depth + 1));
            vals.push(constInner(p.value as Node, depth + 1));
          }
        }
        return combine(vals, () => UNKNOWN_CONST);
      }
      case 'Identifier': {
        const v = bindings.variableOf(n);
        if (!v) {
          if (!bindings.isGlobal(n)) return NOT_CONST;
          if (n.name === 'undefined') return undefined;
          if (n.name === '__dirname' || n.name === '__filename' || n.name === 'NaN' || n.name === 'Infinity')
            return UNKNOWN_CONST;
          return NOT_CONST;
        }
        const init = initOf(v);
        if (!init) return NOT_CONST;
        const base = constInner(init.init, depth + 1);
        if (base === NOT_CONST) return NOT_CONST;
        return init.path.length ? UNKNOWN_CONST : base;
      }
      case 'MemberExpression': {
        const obj = unwrap(n.object);
        if (obj.type === 'MetaProperty') return UNKNOWN_CONST; // import.meta.dirname / url / filename
        const ref = resolveInner(n, depth + 1);
        if (ref && ref.module === 'path' && (ref.path[0] === 'sep' || ref.path[0] === 'delimiter')) return UNKNOWN_CONST;
        if (n.computed && constInner(n.property, depth + 1) === NOT_CONST) return NOT_CONST;
        const base = constInner(obj, depth + 1);
        return base === NOT_CONST ? NOT_CONST : UNKNOWN_CONST;
      }
      case 'CallExpression': {
        const ref = resolveInner(n.callee, depth + 1);
        if (!ref) return NOT_CONST;
        const p = apiPath(ref).join('.');
        const args = n.arguments.map((a) => constInner(a.type === 'SpreadElement' ? a.argument : a, depth + 1));
        if (ref.module === 'path' && /^(posix\.|win32\.)?(join|resolve|normalize|dirname|basename|extname|relative)$/.test(p))
          return combine(args, () => UNKNOWN_CONST);
        if (ref.module === 'url' && p === 'fileURLToPath') return combine(args, () => UNKNOWN_CONST);
        if (ref.module === 'os' && (p === 'tmpdir' || p === 'homedir' || p === 'platform' || p === 'EOL')) return UNKNOWN_CONST;
        if (ref.module === GLOBAL && (p === 'process.cwd' || p === 'String')) return combine(args, () => UNKNOWN_CONST);
        if (ref.module === GLOBAL && p === 'require.resolve') return combine(args, () => UNKNOWN_CONST);
        return NOT_CONST;
      }
      default:
        return NOT_CONST;
    }
  }

  return {
    resolve: (node) => resolveInner(node, 0),
    isConstant,
    constantValue,
    initOf,
    isReassigned,
    bindings,
  };
}

/** Property path from a declaration pattern to one of its identifiers: `{ a: { b: x } }` -> ["a","b"]. */
export function patternPath(pattern: Node, target: TSESTree.Identifier): string[] | undefined {
  if (pattern === target) return [];
  switch (pattern.type) {
    case 'ObjectPattern':
      for (const p of pattern.properties) {
        if (p.type === 'RestElement') {
          if (p.argument === target) return [];
          continue;
        }
        const key = propName(p as any);
        const sub = patternPath(p.value as Node, target);
        if (sub) return key === undefined ? undefined : [key, ...sub];
      }
      return undefined;
    case 'AssignmentPattern':
      return patternPath(pattern.left, target);
    case 'ArrayPattern':
      for (let i = 0; i < pattern.elements.length; i++) {
        const e = pattern.elements[i];
        if (!e) continue;
        const sub = patternPath(e, target);
        if (sub) return [String(i), ...sub];
      }
      return undefined;
    case 'RestElement':
      return patternPath(pattern.argument, target);
    default:
      return undefined;
  }
}
