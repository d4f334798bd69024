import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { defineRule } from '../src/rule.js';
import type { SinkHelpers, SinkSpec, WriteSinkMatch } from '../src/rule.js';
import { isFunction, propName, unwrap, walk } from '../src/analysis/walk.js';

type N = TSESTree.Node;
type Call = TSESTree.CallExpression | TSESTree.NewExpression;
type Fn = TSESTree.FunctionDeclaration | TSESTree.FunctionExpression | TSESTree.ArrowFunctionExpression;

// ---------------------------------------------------------------------------------------------
// Call sinks: libraries that deep-merge objects or set values by path. Matched by module (what the
// callee resolves to), never by method name alone.

/** Argument indexes from `k` on (the sources of `merge(target, ...sources)`). */
function from(k: number) {
  return (call: Call, h: SinkHelpers): number[] | null => {
    if (freezesPrototype(call)) return null;
    void h;
    const out: number[] = [];
    for (let i = k; i < call.arguments.length; i++) out.push(i);
    return out.length ? out : null;
  };
}

function only(...idx: number[]) {
  return (call: Call): number[] | null => (freezesPrototype(call) ? null : idx);
}

/** extend([deep,] target, ...sources): the deep form when the first argument is `true`. */
function extendDeep(call: Call, h: SinkHelpers): number[] | null {
  const a0 = call.arguments[0];
  return a0 && h.constantValue(a0) === true ? from(2)(call, h) : null;
}
function extendShallow(call: Call, h: SinkHelpers): number[] | null {
  const a0 = call.arguments[0];
  if (!a0) return null;
  const v = h.constantValue(a0);
  if (v === true) return null;
  return from(typeof v === 'boolean' ? 2 : 1)(call, h);
}

/** `_(obj).merge(src)`, `_.chain(obj).merge(src)`: a method call on a lodash wrapper. */
function onLodashWrapper(call: Call, h: SinkHelpers): boolean {
  const callee = unwrap(call.callee);
  if (callee.type !== 'MemberExpression') return false;
  let recv = unwrap(callee.object);
  for (let i = 0; i < 12 && recv.type === 'CallExpression'; i++) {
    const c = unwrap(recv.callee);
    const ref = h.resolve(c);
    if (ref && LODASH.includes(ref.module)) return true;
    if (c.type !== 'MemberExpression') return false;
    recv = unwrap(c.object);
  }
  return false;
}

const LODASH = ['lodash', 'lodash-es', 'lodash4'];
const never = () => false;

const DEEP_LABEL = 'a deep merge';
const PATH_LABEL = 'a set-by-path';

const callSinks: SinkSpec[] = [
  // lodash
  { modules: LODASH, paths: [['merge'], ['mergeWith'], ['defaultsDeep']], args: 'all', filter: from(1), label: DEEP_LABEL },
  { modules: LODASH, paths: [['set'], ['setWith'], ['update'], ['updateWith']], args: [1], filter: only(1), label: PATH_LABEL },
  { modules: LODASH, paths: [['zipObjectDeep']], args: [0], filter: only(0), label: PATH_LABEL },
  {
    modules: ['lodash.merge', 'lodash.mergewith', 'lodash.defaultsdeep', 'lodash/merge', 'lodash/mergeWith', 'lodash/defaultsDeep', 'lodash-es/merge', 'lodash-es/mergeWith', 'lodash-es/defaultsDeep'],
    paths: [[]],
    args: 'all',
    filter: from(1),
    label: DEEP_LABEL,
  },
  {
    modules: ['lodash.set', 'lodash.setwith', 'lodash.update', 'lodash/set', 'lodash/setWith', 'lodash/update', 'lodash/updateWith', 'lodash-es/set', 'lodash-es/setWith', 'lodash-es/update'],
    paths: [[]],
    args: [1],
    filter: only(1),
    label: PATH_LABEL,
  },
  { modules: ['lodash.zipobjectdeep', 'lodash/zipObjectDeep'], paths: [[]], args: [0], filter: only(0), label: PATH_LABEL },
  {
    modules: [],
    paths: [],
    methodNames: ['merge', 'mergeWith', 'defaultsDeep'],
    args: 'all',
    filter: (call, h) => (onLodashWrapper(call, h) ? from(0)(call, h) : null),
    label: 'a lodash chain deep merge',
  },
  {
    modules: [],
    paths: [],
    methodNames: ['set', 'setWith', 'update', 'updateWith'],
    args: [0],
    filter: (call, h) => (onLodashWrapper(call, h) ? only(0)(call) : null),
    label: 'a lodash chain set-by-path',
  },
  // deep-merge packages: merge(target, ...sources)
  { modules: ['deepmerge'], paths: [[]], args: 'all', filter: from(0), label: DEEP_LABEL },
  { modules: ['deepmerge'], paths: [['all']], args: [0], filter: only(0), label: DEEP_LABEL },
  { modules: ['merge'], paths: [['recursive']], args: 'all', filter: from(0), label: DEEP_LABEL },
  {
    modules: ['merge-deep', 'deep-extend', 'defaults-deep', 'mixin-deep', 'assign-deep', 'deep-assign', 'merge-recursive', 'merge-options', 'deep-defaults', 'lutils-merge'],
    paths: [[]],
    args: 'all',
    filter: from(1),
    label: DEEP_LABEL,
  },
  { modules: ['merge-recursive'], paths: [['recursive']], args: 'all', filter: from(1), label: DEEP_LABEL },
  { modules: ['@hapi/hoek', 'hoek'], paths: [['merge'], ['applyToDefaults'], ['applyToDefaultsWithShallow']], args: [1], filter: only(1), label: DEEP_LABEL },
  // extend(true, target, ...sources) / jQuery.extend(true, ...)
  { modules: ['extend', 'just-extend', 'node.extend'], paths: [[]], args: 'all', filter: extendDeep, label: DEEP_LABEL },
  { modules: ['jquery'], paths: [['extend']], args: 'all', filter: extendDeep, label: DEEP_LABEL },
  // set-by-path with an attacker path
  { modules: ['dot-prop'], paths: [['set'], ['setProperty']], args: [1], filter: only(1), label: PATH_LABEL },
  {
    modules: ['object-path'],
    paths: [['set'], ['push'], ['insert'], ['ensureExists'], ['withInheritedProps', 'set'], ['withInheritedProps', 'push'], ['withInheritedProps', 'insert'], ['withInheritedProps', 'ensureExists']],
    args: [1],
    filter: only(1),
    label: PATH_LABEL,
  },
  { modules: ['dset'], paths: [[], ['dset']], args: [1], filter: only(1), label: PATH_LABEL },
  { modules: ['dset/merge'], paths: [['merge'], ['dset']], args: [1], filter: only(1), label: DEEP_LABEL },
  { modules: ['set-value', 'object-path-set', 'set-deep-prop', 'dotty'], paths: [[], ['put']], args: [1], filter: only(1), label: PATH_LABEL },
  // shallow copies: only the target object's own prototype can change (medium)
  {
    modules: ['<global>'],
    paths: [['Object', 'assign']],
    args: 'all',
    filter: from(1),
    auditable: never,
    severity: 'medium', requestDataOnly: true,
    label: 'Object.assign()',
  },
  {
    modules: [...LODASH, 'underscore'],
    paths: [['assign'], ['assignIn'], ['extend'], ['extendOwn'], ['assignWith'], ['assignInWith'], ['extendWith']],
    args: 'all',
    filter: from(1),
    auditable: never,
    severity: 'medium', requestDataOnly: true,
    label: 'a shallow assign',
  },
  { modules: ['lodash.assign', 'lodash.assignin', 'lodash/assign', 'lodash/assignIn', 'lodash/extend', 'object-assign'], paths: [[]], args: 'all', filter: from(1), auditable: never, severity: 'medium', requestDataOnly: true, label: 'a shallow assign' },
  { modules: ['extend', 'just-extend', 'node.extend', 'extend-shallow'], paths: [[]], args: 'all', filter: extendShallow, auditable: never, severity: 'medium', requestDataOnly: true, label: 'a shallow extend' },
  { modules: ['jquery'], paths: [['extend']], args: 'all', filter: extendShallow, auditable: never, severity: 'medium', requestDataOnly: true, label: 'jQuery.extend()' },
  { modules: ['merge'], paths: [[], ['merge'], ['clone']], args: 'all', filter: from(0), auditable: never, severity: 'medium', requestDataOnly: true, label: 'a shallow merge' },
];

/**
 * Merge and set-by-path libraries are sinks for request data (the application threat model). A
 * library that hands its caller's object to another library is not itself the polluting code:
 * its own keyed writes are (below).
 */
const sinks: SinkSpec[] = callSinks.map((s) => ({
  ...s,
  // `import merge from 'lodash/merge.js'` names the same module
  modules: [...s.modules, ...s.modules.filter((m) => m.includes('/')).map((m) => m + '.js')],
  requestDataOnly: true,
}));

// ---------------------------------------------------------------------------------------------
// Keyed writes. `target[key] = value` is prototype-polluting when the key is attacker-controlled
// AND the target itself was reached through a key: `obj[a][b] = v`, `cur = cur[k]` in a path
// walk, a recursive merge `merge(target[key], source[key])`, a reduce over path segments. With a
// `__proto__` (or `constructor`, `prototype`) key the walk lands on Object.prototype and the
// write pollutes it. The taint of the key (and of the key that walked) is proven by the engine;
// this part only recognises the shape, per file.

/** The keys that walked into an object, and the objects walked from (for hasOwnProperty guards). */
interface Walk {
  keys: N[];
  origins: N[];
  /** The reads that walked (`cur[k]`), for the report. */
  via: N[];
}

interface FileIndex {
  frozen: boolean;
  fnsByName: Map<string, Fn[]>;
  calls: Call[];
  fns: Fn[];
  walkedParams: Map<Fn, Map<number, Walk>>;
  returnsWalk: Map<Fn, Walk>;
  scopeDecls: Map<N, Set<string>>;
  /** Per declaring scope, the values assigned to each of its names; built for the whole file at once. */
  scopeAssigns: Map<N, Map<string, N[]>> | undefined;
  visiting: Set<string>;
  /** Per function, the receivers it is called with (thisWalk), built on first use. */
  receivers?: Map<N, N[]>;
  /** Per function, the arguments of its own return statements, in source order. */
  returnArgs: Map<N, N[]>;
  /** walkedParams and returnsWalk are computed (on the first write checked, not for `frozen`). */
  linked: boolean;
}

const indexes = new WeakMap<N, FileIndex>();

function programOf(n: N): N {
  let p: any = n;
  while (p.parent) p = p.parent;
  return p;
}

/** `Object.freeze(Object.prototype)` anywhere in the file makes prototype writes no-ops. */
function freezesPrototype(n: N): boolean {
  return baseIndexOf(programOf(n)).frozen;
}

function isObjectPrototype(n: N): boolean {
  const u = unwrap(n);
  return u.type === 'MemberExpression' && propName(u) === 'prototype' && unwrap(u.object).type === 'Identifier' && (unwrap(u.object) as TSESTree.Identifier).name === 'Object';
}

function fnNames(fn: Fn): string[] {
  const out: string[] = [];
  if (fn.id) out.push(fn.id.name);
  const p: any = (fn as any).parent;
  if (!p) return out;
  if (p.type === 'VariableDeclarator' && p.id.type === 'Identifier') out.push(p.id.name);
  else if ((p.type === 'Property' || p.type === 'MethodDefinition' || p.type === 'PropertyDefinition') && p.value === fn) {
    const k = propName(p);
    if (k) out.push(k);
  } else if (p.type === 'AssignmentExpression' && p.right === fn) {
    const l = unwrap(p.left);
    if (l.type === 'Identifier') out.push(l.name);
    else if (l.type === 'MemberExpression') {
      const k = propName(l);
      if (k) out.push(k);
    }
  }
  return out;
}

const BUILTINS = /^(Object|Array|JSON|Math|Reflect|Promise|Buffer|String|Number|Symbol|Date|RegExp|Map|Set|WeakMap|console|process)$/;

/** The name a call uses for its callee, and how many leading arguments are not parameters (`f.call(this, …)`). */
function calleeName(call: Call): { name: string; offset: number } | undefined {
  const c = unwrap(call.callee);
  if (c.type === 'Identifier') return { name: c.name, offset: 0 };
  if (c.type === 'MemberExpression') {
    const k = propName(c);
    if (!k) return undefined;
    const o = unwrap(c.object);
    if (o.type === 'Identifier' && BUILTINS.test(o.name)) return undefined; // Object.create(), not a local create()
    if (k === 'call') {
      const inner = unwrap(c.object);
      if (inner.type === 'Identifier') return { name: inner.name, offset: 1 };
      if (inner.type === 'MemberExpression') {
        const k2 = propName(inner);
        return k2 ? { name: k2, offset: 1 } : undefined;
      }
      return undefined;
    }
    return { name: k, offset: 0 };
  }
  return undefined;
}

/** The file's functions, calls and `frozen`, from one walk; walks of parameters and returns not yet. */
function baseIndexOf(program: N): FileIndex {
  let ix = indexes.get(program);
  if (ix) return ix;
  ix = {
    frozen: false,
    fnsByName: new Map(),
    calls: [],
    fns: [],
    walkedParams: new Map(),
    returnsWalk: new Map(),
    scopeDecls: new Map(),
    scopeAssigns: undefined,
    visiting: new Set(),
    returnArgs: new Map(),
    linked: false,
  };
  const x = ix;
  indexes.set(program, x);
  walk(program, (n) => {
    if (n.type === 'ReturnStatement') {
      if (!n.argument) return;
      let fn: any = (n as any).parent;
      while (fn && !isFunction(fn)) fn = fn.parent;
      if (!fn) return;
      let l = x.returnArgs.get(fn);
      if (!l) x.returnArgs.set(fn, (l = []));
      l.push(n.argument);
    } else if (isFunction(n)) {
      x.fns.push(n);
      for (const name of fnNames(n)) {
        let l = x.fnsByName.get(name);
        if (!l) x.fnsByName.set(name, (l = []));
        l.push(n);
      }
    } else if (n.type === 'CallExpression') {
      x.calls.push(n);
      const c = unwrap(n.callee);
      if (c.type === 'MemberExpression' && /^(freeze|seal|preventExtensions)$/.test(propName(c) ?? '') && n.arguments[0] && isObjectPrototype(n.arguments[0] as N)) {
        const o = unwrap(c.object);
        if (o.type === 'Identifier' && (o.name === 'Object' || o.name === 'Reflect')) x.frozen = true;
      }
    }
  });
  return x;
}

/** The file's index with walked parameters and walked return values. */
function indexOf(program: N): FileIndex {
  const x = baseIndexOf(program);
  if (x.linked) return x;
  x.linked = true;
  // Walked parameters and walked return values, to a fixpoint (recursion, mutual recursion).
  for (let round = 0; round < 6; round++) {
    let changed = false;
    for (const call of x.calls) {
      const cn = calleeName(call);
      const targets = cn && x.fnsByName.get(cn.name);
      if (!cn || !targets) continue;
      call.arguments.forEach((arg, j) => {
        const i = j - cn.offset;
        if (i < 0 || arg.type === 'SpreadElement') return;
        const w = walkOf(x, arg, 0);
        if (!w || guardedUse(arg, w)) return;
        for (const fn of targets) {
          let m = x.walkedParams.get(fn);
          if (!m) x.walkedParams.set(fn, (m = new Map()));
          const old = m.get(i);
          if (!old) {
            m.set(i, w);
            changed = true;
          } else if (old.keys.length < 8 && w.keys.some((k) => !old.keys.includes(k))) {
            m.set(i, merge(old, { keys: w.keys.filter((k) => !old.keys.includes(k)), origins: w.origins, via: w.via })!);
            changed = true;
          }
        }
      });
    }
    for (const fn of x.fns) {
      if (x.returnsWalk.has(fn)) continue;
      const w = returnWalk(x, fn);
      if (w) {
        x.returnsWalk.set(fn, w);
        changed = true;
      }
    }
    if (!changed) break;
  }
  return x;
}

function returnWalk(x: FileIndex, fn: Fn): Walk | undefined {
  if (fn.body.type !== 'BlockStatement') return walkOf(x, fn.body, 0);
  // The first return statement (of fn itself, in source order) whose value was walked.
  for (const arg of x.returnArgs.get(fn) ?? []) {
    const found = walkOf(x, arg, 0);
    if (found) return found;
  }
  return undefined;
}

function merge(a: Walk | undefined, b: Walk | undefined): Walk | undefined {
  if (!a) return b;
  if (!b) return a;
  return { keys: [...a.keys, ...b.keys].slice(0, 8), origins: [...a.origins, ...b.origins].slice(0, 8), via: [...a.via, ...b.via].slice(0, 8) };
}

/** Whether an expression denotes an object reached through a non-constant key. */
function walkOf(x: FileIndex, expr: N, depth: number): Walk | undefined {
  if (depth > 8) return undefined;
  const e = unwrap(expr);
  switch (e.type) {
    case 'MemberExpression': {
      if (!e.computed) return undefined;
      const key = unwrap(e.property);
      const obj = unwrap(e.object);
      if (obj.type === 'Identifier' && obj.name === 'arguments') return argumentsWalk(x, e, key);
      // args[0] of a walked list of objects: merge([target[key], src[key]])
      if (key.type === 'Literal' && typeof key.value === 'number') return walkOf(x, obj, depth + 1);
      if (isConstantKey(key)) return undefined;
      if (nullPrototype(x, obj)) return undefined;
      // out[key] = {}; copy(src[key], out[key]): the slot holds the object just created
      if (freshSlot(e)) return undefined;
      if (hasOwnGuarded(e, [obj])) return undefined;
      return { keys: [key], origins: [obj], via: [e] };
    }
    case 'LogicalExpression':
      return merge(walkOf(x, e.left, depth + 1), walkOf(x, e.right, depth + 1));
    case 'ConditionalExpression':
      return merge(walkOf(x, e.consequent, depth + 1), walkOf(x, e.alternate, depth + 1));
    case 'AssignmentExpression':
      // node[k] ??= {} is node[k] when it is set
      if (e.operator !== '=') return merge(walkOf(x, e.left, depth + 1), walkOf(x, e.right, depth + 1));
      return walkOf(x, e.right, depth + 1);
    case 'SequenceExpression':
      return walkOf(x, e.expressions[e.expressions.length - 1], depth + 1);
    case 'AwaitExpression':
      return walkOf(x, e.argument, depth + 1);
    case 'ArrayExpression': {
      let w: Walk | undefined;
      for (const el of e.elements) if (el && el.type !== 'SpreadElement') w = merge(w, walkOf(x, el, depth + 1));
      return w;
    }
    case 'Identifier':
      return identWalk(x, e, depth + 1);
    case 'ThisExpression':
      return thisWalk(x, e, depth + 1);
    case 'CallExpression': {
      const c = unwrap(e.callee);
      if (c.type === 'MemberExpression' && /^reduce(Right)?$/.test(propName(c) ?? '') && e.arguments[0]) {
        const cb = callbackFn(x, e.arguments[0] as N);
        return cb ? x.returnsWalk.get(cb) ?? returnWalkOfReducer(x, cb) : undefined;
      }
      // [].slice.call(arguments), Array.from(arguments): the list of the parameters
      if (e.arguments.some((a) => a.type === 'Identifier' && a.name === 'arguments')) {
        const k = c.type === 'MemberExpression' ? propName(c) : undefined;
        const inner = c.type === 'MemberExpression' ? unwrap(c.object) : undefined;
        if ((k === 'call' || k === 'apply') && inner?.type === 'MemberExpression' && propName(inner) === 'slice') return argumentsWalk(x, e, e);
        if (k === 'from' && inner?.type === 'Identifier' && inner.name === 'Array') return argumentsWalk(x, e, e);
      }
      const cn = calleeName(e);
      let w: Walk | undefined;
      if (cn && cn.offset === 0) for (const fn of x.fnsByName.get(cn.name) ?? []) w = merge(w, x.returnsWalk.get(fn));
      return w;
    }
    default:
      return undefined;
  }
}

/**
 * `this` in a function called with a walked receiver: a callback handed over with a trailing
 * this-argument (`forIn(obj, copy, target)`, `list.forEach(fn, target)`) or `fn.call(target, …)`.
 */
function thisWalk(x: FileIndex, t: N, depth: number): Walk | undefined {
  let fn: any = (t as any).parent;
  while (fn && !(isFunction(fn) && fn.type !== 'ArrowFunctionExpression')) fn = fn.parent;
  if (!fn) return undefined;
  const key = `${fn.range?.[0]}:this`;
  if (x.visiting.has(key)) return undefined;
  x.visiting.add(key);
  try {
    let w: Walk | undefined;
    for (const recv of receiversOf(x).get(fn) ?? []) {
      const rw = walkOf(x, recv, depth + 1);
      if (rw && !guardedUse(recv, rw)) w = merge(w, rw);
    }
    return w;
  } finally {
    x.visiting.delete(key);
  }
}

/**
 * The function an argument or a callee object denotes for thisWalk: the function itself, or the
 * only function of the file with that name.
 */
function namedFn(x: FileIndex, a: N | undefined): N | undefined {
  const u = a && a.type !== 'SpreadElement' ? unwrap(a) : undefined;
  if (!u) return undefined;
  if (isFunction(u)) return u;
  if (u.type !== 'Identifier') return undefined;
  const l = x.fnsByName.get(u.name);
  return l && l.every((f) => f === l[0]) ? l[0] : undefined;
}

/**
 * For each function, the receivers it is called with, in call order: `fn.call(recv, …)` (also
 * apply, bind), and `api(…, fn, recv)` where fn is the next-to-last argument and no earlier
 * argument denotes fn. One pass over the file's calls, instead of one per `this`.
 */
function receiversOf(x: FileIndex): Map<N, N[]> {
  if (x.receivers) return x.receivers;
  const out = new Map<N, N[]>();
  const add = (fn: N, recv: N | undefined) => {
    if (!recv || recv.type === 'SpreadElement') return;
    let l = out.get(fn);
    if (!l) out.set(fn, (l = []));
    l.push(recv);
  };
  for (const call of x.calls) {
    const c = unwrap(call.callee);
    const args = call.arguments as N[];
    const bound = c.type === 'MemberExpression' && /^(call|apply|bind)$/.test(propName(c) ?? '') ? namedFn(x, c.object) : undefined;
    if (bound) add(bound, args[0]);
    if (args.length < 2) continue;
    const f = namedFn(x, args[args.length - 2]);
    if (!f || f === bound) continue;
    let first = true;
    for (let j = 0; j < args.length - 2; j++)
      if (namedFn(x, args[j]) === f) {
        first = false;
        break;
      }
    if (first) add(f, args[args.length - 1]);
  }
  x.receivers = out;
  return out;
}

/** `arguments[i]` of a function whose parameters were walked (`function extend() { target = arguments[i] }`). */
function argumentsWalk(x: FileIndex, m: N, key: N): Walk | undefined {
  let p: any = (m as any).parent;
  while (p && !(isFunction(p) && p.type !== 'ArrowFunctionExpression')) p = p.parent;
  const params = p && x.walkedParams.get(p);
  if (!params) return undefined;
  if (key.type === 'Literal' && typeof key.value === 'number') return params.get(key.value);
  let w: Walk | undefined;
  for (const v of params.values()) w = merge(w, v);
  return w;
}

function returnWalkOfReducer(x: FileIndex, cb: Fn): Walk | undefined {
  // A reducer that reduces with itself (`return objs.reduce(optionsReducer, dst)` inside
  // optionsReducer) would recurse without end: it adds nothing on the way back in.
  const key = `${cb.range?.[0]}:reducer`;
  if (x.visiting.has(key)) return undefined;
  x.visiting.add(key);
  try {
    return returnWalk(x, cb);
  } finally {
    x.visiting.delete(key);
  }
}

function callbackFn(x: FileIndex, n: N): Fn | undefined {
  const u = unwrap(n);
  if (isFunction(u)) return u;
  if (u.type === 'Identifier') return x.fnsByName.get(u.name)?.[0];
  return undefined;
}

function isConstantKey(key: N): boolean {
  if (key.type === 'Identifier' && isLoopCounter(key)) return true;
  if (key.type === 'Literal' || key.type === 'UpdateExpression') return true;
  if (key.type === 'TemplateLiteral' && key.expressions.length === 0) return true;
  if (key.type === 'UnaryExpression' && key.operator !== 'typeof') return true;
  return false;
}

/** `for (i = 0; …; i++) a[i] = …`: the counter of an enclosing numeric for loop is a number, never `__proto__`. */
function isLoopCounter(id: TSESTree.Identifier): boolean {
  for (let p: any = (id as any).parent; p && !isFunction(p); p = p.parent) {
    if (p.type !== 'ForStatement' || !p.update) continue;
    const u = unwrap(p.update);
    const counts = (u.type === 'UpdateExpression' && u.argument.type === 'Identifier' && u.argument.name === id.name) ||
      (u.type === 'AssignmentExpression' && (u.operator === '+=' || u.operator === '-=') && u.left.type === 'Identifier' && u.left.name === id.name);
    if (!counts) continue;
    const init: any = p.init;
    const starts = (e: any) => !!e && unwrap(e).type === 'Literal' && typeof (unwrap(e) as any).value === 'number';
    if (init?.type === 'VariableDeclaration') return init.declarations.some((d: any) => d.id.type === 'Identifier' && d.id.name === id.name && starts(d.init));
    const inits = init?.type === 'SequenceExpression' ? init.expressions : init ? [init] : [];
    return inits.some((e: any) => e.type === 'AssignmentExpression' && e.left.type === 'Identifier' && e.left.name === id.name && starts(e.right));
  }
  return false;
}

/** `Object.create(null)` objects have no prototype to reach. */
function nullPrototype(x: FileIndex, obj: N): boolean {
  if (obj.type !== 'Identifier') return false;
  const decl = findDecl(x, obj);
  if (!decl || decl.param !== undefined) return false;
  const rhs = assignsOf(x, decl.scope).get(obj.name) ?? [];
  return rhs.length > 0 && rhs.every(isNullProtoObject);
}

function isNullProtoObject(n: N): boolean {
  const u = unwrap(n);
  if (u.type === 'CallExpression') {
    const c = unwrap(u.callee);
    const a0 = u.arguments[0];
    return c.type === 'MemberExpression' && propName(c) === 'create' && !!a0 && a0.type === 'Literal' && a0.value === null;
  }
  return u.type === 'NewExpression' && unwrap(u.callee).type === 'Identifier' && /^(Map|WeakMap)$/.test((unwrap(u.callee) as TSESTree.Identifier).name);
}

/** Where an identifier is declared: a parameter of a function, or a variable of a function or the program. */
function findDecl(x: FileIndex, id: TSESTree.Identifier): { scope: N; param?: number } | undefined {
  let p: any = (id as any).parent;
  while (p) {
    if (isFunction(p)) {
      const i = p.params.findIndex((q: any) => paramName(q) === id.name);
      if (i >= 0) return { scope: p, param: i };
      if (declsOf(x, p).has(id.name)) return { scope: p };
    }
    if (p.type === 'Program') return { scope: p };
    p = p.parent;
  }
  return undefined;
}

function paramName(q: any): string | undefined {
  if (!q) return undefined;
  if (q.type === 'TSParameterProperty') return paramName(q.parameter);
  if (q.type === 'Identifier') return q.name;
  if (q.type === 'AssignmentPattern') return paramName(q.left);
  return undefined;
}

function declsOf(x: FileIndex, scope: N): Set<string> {
  let s = x.scopeDecls.get(scope);
  if (s) return s;
  const out = new Set<string>();
  x.scopeDecls.set(scope, out);
  const body = isFunction(scope) ? scope.body : scope;
  walk(body, (n) => {
    if (n !== body && isFunction(n)) return false;
    if (n.type === 'VariableDeclarator' && n.id.type === 'Identifier') out.add(n.id.name);
    return undefined;
  });
  return out;
}

const NO_ASSIGNS = new Map<string, N[]>();

/**
 * Every value assigned to each name of a scope (declarations and assignments in its body, nested
 * functions included; a nested function's own variable of the same name is another variable).
 * One walk of the file files every assignment under the scope that declares its name, in source
 * order: a walk per scope visited nested code once per enclosing function.
 */
function assignsOf(x: FileIndex, scope: N): Map<string, N[]> {
  if (!x.scopeAssigns) {
    const all = new Map<N, Map<string, N[]>>();
    x.scopeAssigns = all;
    const add = (id: TSESTree.Identifier, v: N) => {
      const d = findDecl(x, id);
      if (!d) return;
      // A function's names are assigned in its body (a default parameter value is not searched).
      if (isFunction(d.scope) && !inside(id, d.scope.body)) return;
      let m = all.get(d.scope);
      if (!m) all.set(d.scope, (m = new Map()));
      let l = m.get(id.name);
      if (!l) m.set(id.name, (l = []));
      l.push(v);
    };
    walk(programOf(scope), (n) => {
      if (n.type === 'VariableDeclarator' && n.id.type === 'Identifier' && n.init) add(n.id, n.init);
      else if (n.type === 'AssignmentExpression' && n.left.type === 'Identifier') add(n.left, n.right);
    });
  }
  return x.scopeAssigns.get(scope) ?? NO_ASSIGNS;
}

function inside(n: N, outer: N): boolean {
  return n.range[0] >= outer.range[0] && n.range[1] <= outer.range[1];
}

function identWalk(x: FileIndex, id: TSESTree.Identifier, depth: number): Walk | undefined {
  const decl = findDecl(x, id);
  if (!decl) return undefined;
  const key = `${decl.scope.range?.[0]}:${id.name}`;
  if (x.visiting.has(key)) return undefined;
  x.visiting.add(key);
  try {
    let w: Walk | undefined;
    if (decl.param !== undefined) {
      const fn = decl.scope as Fn;
      w = x.walkedParams.get(fn)?.get(decl.param);
      // The accumulator of a reduce over keys: (o, k) => o[k] || (o[k] = {})
      if (!w && decl.param === 0 && isReduceCallback(fn)) w = returnWalk(x, fn);
    }
    for (const rhs of assignsOf(x, decl.scope).get(id.name) ?? []) w = merge(w, walkOf(x, rhs, depth + 1));
    return w;
  } finally {
    x.visiting.delete(key);
  }
}

function isReduceCallback(fn: Fn): boolean {
  const p: any = (fn as any).parent;
  if (!p || p.type !== 'CallExpression' || p.arguments[0] !== fn) return false;
  const c = unwrap(p.callee);
  return c.type === 'MemberExpression' && /^reduce(Right)?$/.test(propName(c) ?? '');
}

function sameRef(a: N, b: N): boolean {
  const x = unwrap(a);
  const y = unwrap(b);
  if (x.type === 'Identifier' && y.type === 'Identifier') return x.name === y.name;
  if (x.type === 'ThisExpression' && y.type === 'ThisExpression') return true;
  if (x.type === 'MemberExpression' && y.type === 'MemberExpression') {
    const kx = propName(x);
    const ky = propName(y);
    if (kx !== undefined || ky !== undefined) return kx === ky && sameRef(x.object, y.object);
    return x.computed && y.computed && sameRef(x.property as N, y.property as N) && sameRef(x.object, y.object);
  }
  return false;
}

/** `hasOwnProperty(target, key)` / `target.hasOwnProperty(key)` / `Object.hasOwn(target, key)` on one of `objs`. */
function hasOwnTest(test: N, objs: N[], positive: boolean): boolean {
  const t = unwrap(test);
  if (t.type === 'UnaryExpression' && t.operator === '!') return hasOwnTest(t.argument, objs, !positive);
  if (t.type === 'LogicalExpression') {
    if ((t.operator === '&&' && positive) || (t.operator === '||' && !positive))
      return hasOwnTest(t.left, objs, positive) || hasOwnTest(t.right, objs, positive);
    return false;
  }
  if (!positive || t.type !== 'CallExpression') return false;
  const c = unwrap(t.callee);
  const on = (n: N | undefined) => !!n && n.type !== 'SpreadElement' && objs.some((o) => sameRef(n, o));
  if (c.type === 'MemberExpression') {
    const k = propName(c);
    if (k === 'hasOwnProperty') return on(c.object);
    if (k === 'call' || k === 'apply') {
      const inner = unwrap(c.object);
      return inner.type === 'MemberExpression' && /^hasOwn(Property)?$/.test(propName(inner) ?? '') && on(t.arguments[0] as N);
    }
    if (k && /^(hasOwn|hasOwnProperty|hasOwnProp|has|hasKey)$/.test(k)) return on(t.arguments[0] as N);
    return false;
  }
  if (c.type === 'Identifier' && /^(hasOwn|hasOwnProperty|hasOwnProp|has|hasKey|own)$/.test(c.name)) return on(t.arguments[0] as N);
  return false;
}

/** Whether `site` only runs when the walked-from object owns the key (ancestor tests up to the function). */
function hasOwnGuarded(site: N, objs: N[]): boolean {
  if (!objs.length) return false;
  let child: any = site;
  let p: any = (site as any).parent;
  for (let steps = 0; p && steps < 60; steps++) {
    if ((p.type === 'IfStatement' || p.type === 'ConditionalExpression') && child !== p.test) {
      if (hasOwnTest(p.test, objs, child === p.consequent)) return true;
    } else if (p.type === 'LogicalExpression' && p.operator === '&&' && child === p.right) {
      if (hasOwnTest(p.left, objs, true)) return true;
    } else if (p.type === 'BlockStatement' || p.type === 'Program') {
      for (const s of p.body) {
        if (s === child) break;
        if (s.type === 'IfStatement' && !s.alternate && exits(s.consequent) && hasOwnTest(s.test, objs, false)) return true;
      }
    }
    if (isFunction(p)) break;
    child = p;
    p = p.parent;
  }
  return false;
}

function exits(s: any): boolean {
  if (!s) return false;
  if (s.type === 'ReturnStatement' || s.type === 'ThrowStatement' || s.type === 'ContinueStatement' || s.type === 'BreakStatement') return true;
  return s.type === 'BlockStatement' && s.body.length > 0 && exits(s.body[s.body.length - 1]);
}

/** A walked value used at `site` (a call argument, a write target) under a hasOwnProperty guard on its origin. */
function guardedUse(site: N, w: Walk): boolean {
  return hasOwnGuarded(site, w.origins);
}

function short(n: N, depth = 0): string {
  const u = unwrap(n);
  if (depth > 4) return '...';
  switch (u.type) {
    case 'Identifier':
      return u.name;
    case 'ThisExpression':
      return 'this';
    case 'Literal':
      return typeof u.value === 'string' ? JSON.stringify(u.value) : String(u.value);
    case 'MemberExpression': {
      const k = !u.computed ? propName(u) : undefined;
      return short(u.object, depth + 1) + (k !== undefined ? '.' + k : '[' + short(u.property as N, depth + 1) + ']');
    }
    case 'CallExpression':
      return short(u.callee, depth + 1) + '()';
    default:
      return '...';
  }
}

/** A fresh empty container: the scaffolding a path walk creates on its way (`cur[k] = cur[k] || {}`). */
function isScaffold(v: N): boolean {
  const u = unwrap(v);
  switch (u.type) {
    case 'ObjectExpression':
      return u.properties.length === 0;
    case 'ArrayExpression':
      return u.elements.length === 0;
    case 'NewExpression':
    case 'CallExpression':
      // new Object(), Array(): a new empty container
      return u.arguments.length === 0 && u.callee.type === 'Identifier' && /^(Object|Array)$/.test(u.callee.name);
    case 'LogicalExpression':
      return isScaffold(u.right);
    case 'ConditionalExpression':
      return isScaffold(u.consequent) && isScaffold(u.alternate);
    case 'AssignmentExpression':
      return isScaffold(u.right);
    default:
      return false;
  }
}

/** The walk that reached the target of a keyed write `target[key] = v`, if the write is of that shape. */
function writeWalk(x: FileIndex, assign: TSESTree.AssignmentExpression): Walk | undefined {
  if (assign.operator !== '=' && assign.operator !== '||=' && assign.operator !== '??=' && assign.operator !== '&&=') return undefined;
  const left = unwrap(assign.left as N);
  if (left.type !== 'MemberExpression' || !left.computed) return undefined;
  if (isConstantKey(unwrap(left.property))) return undefined;
  const target = unwrap(left.object);
  if (target.type === 'MemberExpression') return walkOf(x, target, 0);
  if (target.type === 'ThisExpression') {
    const w = thisWalk(x, target, 0);
    return w && !guardedUse(assign, w) ? w : undefined;
  }
  if (target.type === 'Identifier') {
    // The assignment that reaches the write, when the code says which (`hash = {}; hash[k] = v`).
    const def = reachingDef(assign, target.name);
    const w = def ? walkOf(x, def, 0) : identWalk(x, target, 0);
    return w && !guardedUse(assign, w) ? w : undefined;
  }
  return undefined;
}

/** `{}`, `[]`, `cond ? [] : {}`: a new object, whatever was there before. */
function isNewObject(v: N): boolean {
  const u = unwrap(v);
  if (u.type === 'ConditionalExpression') return isNewObject(u.consequent) && isNewObject(u.alternate);
  return u.type === 'ObjectExpression' || u.type === 'ArrayExpression';
}

/** Whether the statement just before `read` (in its block) stores a new empty object or array into the same slot. */
function freshSlot(read: TSESTree.MemberExpression): boolean {
  let child: any = read;
  let p: any = (read as any).parent;
  for (let steps = 0; p && steps < 40; steps++) {
    if (LOOPS.test(p.type) || isFunction(p)) return false;
    const body = p.type === 'BlockStatement' || p.type === 'Program' ? p.body : p.type === 'SwitchCase' ? p.consequent : undefined;
    if (body) {
      const i = body.indexOf(child);
      const prev = i > 0 ? body[i - 1] : undefined;
      if (!prev) return false;
      const e = prev.type === 'ExpressionStatement' ? unwrap(prev.expression) : undefined;
      return !!e && e.type === 'AssignmentExpression' && e.operator === '=' && sameRef(e.left as N, read) && isNewObject(e.right);
    }
    child = p;
    p = p.parent;
  }
  return false;
}

const LOOPS = /^(ForStatement|ForInStatement|ForOfStatement|WhileStatement|DoWhileStatement)$/;

/** `name = E;` or `let name = E;` as a whole statement. */
function simpleDef(st: any, name: string): N | undefined {
  if (st.type === 'ExpressionStatement') {
    const e = unwrap(st.expression);
    if (e.type === 'AssignmentExpression' && e.operator === '=' && e.left.type === 'Identifier' && e.left.name === name) return e.right;
  } else if (st.type === 'VariableDeclaration') {
    for (const d of st.declarations) if (d.id.type === 'Identifier' && d.id.name === name) return d.init ?? undefined;
  }
  return undefined;
}

function assignsName(n: N, name: string): boolean {
  let found = false;
  walk(n, (m) => {
    if (found) return false;
    if ((m.type === 'AssignmentExpression' && m.left.type === 'Identifier' && m.left.name === name) || (m.type === 'VariableDeclarator' && m.id.type === 'Identifier' && m.id.name === name) || (m.type === 'UpdateExpression' && m.argument.type === 'Identifier' && m.argument.name === name))
      found = true;
    return undefined;
  });
  return found;
}

/**
 * The value a variable holds at `site`, from the statements before it in the enclosing blocks:
 * undefined when a loop, a callback or a branch in between may assign it (then every assignment counts).
 */
function reachingDef(site: N, name: string): N | undefined {
  let child: any = site;
  let p: any = (site as any).parent;
  for (let steps = 0; p && steps < 80; steps++) {
    if (LOOPS.test(p.type) && assignsName(p, name)) return undefined;
    if (isFunction(p)) {
      const call = p.parent;
      const callback = call && (call.type === 'CallExpression' || call.type === 'NewExpression') && call.arguments.includes(p as any);
      if (!callback || assignsName(p, name) || p.params.some((q: any) => paramName(q) === name)) return undefined;
    }
    const body = p.type === 'BlockStatement' || p.type === 'Program' ? p.body : p.type === 'SwitchCase' ? p.consequent : undefined;
    if (body) {
      for (let i = body.indexOf(child) - 1; i >= 0; i--) {
        const d = simpleDef(body[i], name);
        if (d) return d;
        if (assignsName(body[i], name)) return undefined;
      }
    }
    child = p;
    p = p.parent;
  }
  return undefined;
}

/** A new object or array literal: walk scaffolding (`{}`), or a wrapper around the value (`[old, value]`). */
function isFreshLiteral(v: N): boolean {
  const u = unwrap(v);
  return u.type === 'ObjectExpression' || u.type === 'ArrayExpression' || isScaffold(u);
}

/** Whether `e` is (or was assigned from) the slot `slot` itself: `src = target[key]; … clone = src || {}`. */
function derivesFrom(x: FileIndex, e: N, slot: N, depth = 0): boolean {
  const u = unwrap(e);
  if (depth > 3) return false;
  if (sameRef(u, slot)) return true;
  if (u.type === 'LogicalExpression') return derivesFrom(x, u.left, slot, depth + 1) || derivesFrom(x, u.right, slot, depth + 1);
  if (u.type === 'ConditionalExpression') return derivesFrom(x, u.consequent, slot, depth + 1) || derivesFrom(x, u.alternate, slot, depth + 1);
  if (u.type === 'Identifier') {
    const decl = findDecl(x, u);
    if (!decl || decl.param !== undefined) return false;
    return (assignsOf(x, decl.scope).get(u.name) ?? []).some((r) => derivesFrom(x, r, slot, depth + 1));
  }
  return false;
}

/** A write that is not the write of the incoming value itself. */
function isSecondaryWrite(x: FileIndex, assign: TSESTree.AssignmentExpression): boolean {
  const v = unwrap(assign.right);
  if (isFreshLiteral(v)) return true;
  // target[key] = undefined / null: a reset, not a value
  if ((v.type === 'Identifier' && v.name === 'undefined') || (v.type === 'Literal' && v.value === null)) return true;
  // target[key] = merge(target[key], source[key]): a nested merge into the old value (the pollution,
  // if any, happens inside it)
  // target[key] = cond ? target[key].concat(value) : value: a merge with the old value
  if (v.type === 'ConditionalExpression') return isDerived(x, v.consequent, assign) || isDerived(x, v.alternate, assign);
  return isDerived(x, v, assign);
}

function isDerived(x: FileIndex, e: N, assign: TSESTree.AssignmentExpression): boolean {
  const v = unwrap(e);
  if (v.type !== 'CallExpression') return false;
  const c = unwrap(v.callee);
  if (c.type === 'MemberExpression' && derivesFrom(x, c.object, assign.left as N)) return true; // old.concat(value)
  return v.arguments.some((a) => a.type !== 'SpreadElement' && derivesFrom(x, a, assign.left as N));
}

const valueWrites = new WeakMap<N, boolean>();

/** The function a write belongs to, through the callbacks it sits in (`keys.forEach(k => ...)`). */
function ownerFunction(n: N): N | undefined {
  let fn: any = (n as any).parent;
  for (;;) {
    while (fn && !isFunction(fn) && fn.type !== 'Program') fn = fn.parent;
    if (!fn || fn.type === 'Program') return fn;
    const p = fn.parent;
    if (p && (p.type === 'CallExpression' || p.type === 'NewExpression') && p.arguments.includes(fn)) fn = p;
    else return fn;
  }
}

/** Whether the function around a write also has a keyed write of the incoming value into a walked target. */
function hasValueWrite(x: FileIndex, assign: N): boolean {
  const fn: any = ownerFunction(assign);
  if (!fn) return false;
  let r = valueWrites.get(fn);
  if (r !== undefined) return r;
  r = false;
  const body = isFunction(fn) ? fn.body : fn;
  walk(body, (n) => {
    if (r) return false;
    if (n.type === 'AssignmentExpression' && !isSecondaryWrite(x, n) && writeWalk(x, n)) r = true;
    return undefined;
  });
  valueWrites.set(fn, r);
  return r;
}

/** The objects a walk helper creates on its way, when it returns the object it reached (its callers write). */
function returnsItsWalk(x: FileIndex, assign: N): boolean {
  let fn: any = (assign as any).parent;
  while (fn && !isFunction(fn)) fn = fn.parent;
  return !!fn && x.returnsWalk.has(fn);
}

function matchWrite(assign: TSESTree.AssignmentExpression): WriteSinkMatch | null {
  const x = indexOf(programOf(assign));
  if (x.frozen) return null;
  const w = writeWalk(x, assign);
  if (!w) return null;
  // One report per walk, at the write of the incoming value: the objects created along the walk
  // (`cur[k] = {}`) and wrapped copies (`o[k] = [o[k], v]`) only when there is no such write.
  if (isSecondaryWrite(x, assign) && (hasValueWrite(x, assign) || (isFreshLiteral(assign.right) && returnsItsWalk(x, assign)))) return null;
  const left = assign.left as TSESTree.MemberExpression;
  const key = unwrap(left.property);
  return {
    check: [key],
    require: w.keys.length ? w.keys : undefined,
    label: `the write ${short(left)} = ... into an object reached through ${w.via[0] ? `${short(w.via[0])} (line ${w.via[0].loc.start.line})` : 'a key'}`,
    severity: 'high',
  };
}

export default defineRule({
  meta: {
    id: 'prototype-pollution',
    name: 'Prototype pollution',
    description: 'Attacker-controlled keys reach a deep merge, a set-by-path or a keyed write, so `__proto__` or `constructor.prototype` can change Object.prototype.',
    severity: 'high',
    precision: 'medium',
    cwe: ['CWE-1321', 'CWE-915'],
    owasp: ['A08:2021'],
    help: [
      'Deep merges, clones and path setters that copy keys from attacker input walk into `target[key]`. With the key',
      '`__proto__` (or `constructor` then `prototype`) that walk reaches `Object.prototype`, and the next write adds a',
      'property to every object in the process: it can bypass checks (`if (user.isAdmin)`), crash the service or',
      'become code execution through gadgets in template engines and `child_process` options.',
      '',
      '**Fix:** skip the keys `__proto__`, `constructor` and `prototype` (all three) in merge and set-by-path code, or',
      'check `Object.prototype.hasOwnProperty.call(target, key)` before descending; build targets with',
      '`Object.create(null)` or use a `Map`; validate request bodies against a schema; keep merge libraries up to date.',
      '`Object.assign()` and `{ ...body }` do not pollute `Object.prototype`, but `Object.assign()` can replace the',
      "target's own prototype (reported as medium; spread is safe).",
      '',
      '```js',
      '// Unsafe',
      'function merge(target, source) {',
      '  for (const key in source) {',
      "    if (typeof source[key] === 'object') merge(target[key] ??= {}, source[key]);",
      '    else target[key] = source[key];',
      '  }',
      '}',
      '// Safe',
      'function merge(target, source) {',
      '  for (const key in source) {',
      "    if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;",
      "    if (typeof source[key] === 'object') merge(target[key] ??= {}, source[key]);",
      '    else target[key] = source[key];',
      '  }',
      '}',
      '```',
    ].join('\n'),
    references: [
      'https://cwe.mitre.org/data/definitions/1321.html',
      'https://github.com/HoLyVieR/prototype-pollution-nsec18/blob/master/paper/JavaScript_prototype_pollution_attack_in_NodeJS.pdf',
      'https://codeql.github.com/codeql-query-help/javascript/js-prototype-polluting-assignment/',
    ],
  },
  sinks,
  writeSinks: [{ match: (assign) => matchWrite(assign) }],
  flowMessage: (source, sink) =>
    `${source} controls the property names written by ${sink}; a "__proto__" or "constructor" key can change an object's prototype (prototype pollution).`,
  auditMessage: (sink) => `A non-constant object reaches ${sink}; no attacker-controlled source was proven (audit).`,
});
