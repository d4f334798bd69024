/**
 * missing-helmet: every HTTP app object (Express, Fastify, Koa, NestJS) that is served or exported
 * without security-header middleware registered on THAT object, followed across files.
 *
 * Per file (one cheap visitor pass, then work only when the file has app-related calls) the rule
 * records "slots" — values that are, or may be, an app: an app created here, a parameter of a
 * function that registers middleware on it, a value imported from a relative module, the result
 * of calling an imported factory — and the events on each slot in source order: helmet registered,
 * a route registered, served, exported, passed to a function (which parameter of which local or
 * imported function), mounted on another app, returned from a function. The project check follows
 * each app created in a non-test file through those events (exports to their importers, returns to
 * the callers of the factory, arguments to the parameters of the functions that receive them) and
 * reports the apps that are served or exported but never get helmet, and helmet registrations that
 * come after routes of the same app. Helmet options that switch protections off are reported where
 * they are written.
 */
import { posix } from 'node:path';
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { Variable } from '@typescript-eslint/scope-manager';
import { defineRule } from '../src/rule.js';
import type { Location, ProjectContext, ProjectRule, ResolvedRef, Rule, RuleContext } from '../src/rule.js';
import {
  APP_LABEL,
  CHAINING_METHODS,
  LISTEN_METHODS,
  ORDERED_MIDDLEWARE,
  REGISTER_METHODS,
  ROUTE_METHODS,
  appKindOfRef,
  isAppModule,
  isOpaquePlugin,
  isRouteRegistration,
  localFunction,
  looksLikeRouteCall,
  mountsArgument,
  serveHowOfRef,
  servesByMethod,
  unwrapPluginWrapper,
} from '../src/analysis/apps.js';
import type { AppKind } from '../src/analysis/apps.js';
import { apiPath, normaliseModule } from '../src/analysis/modules.js';
import { isRelativeSpec } from '../src/analysis/resolve.js';
import { isFunction, propName, unwrap, walk } from '../src/analysis/walk.js';
import type { Node } from '../src/analysis/walk.js';

/**
 * The header middleware recognised by default. An entry is
 *  - a package name: any call of it or of one of its exports registered on the app counts
 *    (`app.use(helmet())`, `app.use(helmet.frameguard())`, `fastify.register(require(name))`);
 *  - `package#export.path`: that export only (`lusca#xframe`, `@acme/web#securityHeaders`);
 *  - a project module relative to the scan root, optionally with `#export` (`./src/headers`,
 *    `./lib/secure#secureApp`).
 * Passing the app to a listed function (`secureApp(app)`) counts as registering it.
 * lusca is not a default: `lusca()` sets only the headers it is configured for, `lusca.csrf()` none.
 */
export const DEFAULT_HEADER_MIDDLEWARE: readonly string[] = ['helmet', 'koa-helmet', '@fastify/helmet', 'fastify-helmet'];

export interface MissingHelmetOptions {
  /** The full list of recognised header middleware; default DEFAULT_HEADER_MIDDLEWARE. */
  headerMiddleware?: readonly string[];
}

/** Packages that take helmet's options (the switched-off check only applies to them). */
const HELMET_OPTIONS_MODULES = new Set(['helmet', 'koa-helmet', '@fastify/helmet', 'fastify-helmet']);

/** helmet options whose `false` removes a header that matters. */
const SWITCHES: Record<string, { header: string; why: string }> = {
  contentSecurityPolicy: { header: 'Content-Security-Policy', why: "the browser's last line of defence against cross-site scripting and injected content" },
  frameguard: { header: 'X-Frame-Options', why: 'any site can frame these pages (clickjacking)' },
  xFrameOptions: { header: 'X-Frame-Options', why: 'any site can frame these pages (clickjacking)' },
  hsts: { header: 'Strict-Transport-Security', why: 'browsers keep accepting plain HTTP (SSL-stripping downgrades)' },
  strictTransportSecurity: { header: 'Strict-Transport-Security', why: 'browsers keep accepting plain HTTP (SSL-stripping downgrades)' },
  noSniff: { header: 'X-Content-Type-Options', why: 'browsers may MIME-sniff responses into scripts or HTML' },
  xContentTypeOptions: { header: 'X-Content-Type-Options', why: 'browsers may MIME-sniff responses into scripts or HTML' },
};

const FIX: Record<AppKind, string> = {
  express: "register `app.use(helmet())` (package helmet) before the routes",
  nest: "call `app.use(helmet())` (package helmet) in main.ts before `listen`",
  koa: "register `app.use(helmet())` (package koa-helmet) before the router",
  fastify: "register `fastify.register(require('@fastify/helmet'))`",
  'nest-fastify': "call `await app.register(helmet)` (package @fastify/helmet) in main.ts",
};

// ---------------------------------------------------------------------------------------------
// Facts (serialisable)

type EvKind = 'protect' | 'via' | 'route' | 'serve' | 'export' | 'pass' | 'mount' | 'return' | 'opaque';

interface Ev {
  k: EvKind;
  /** Enclosing function (0: module top level); events are ordered only within one. */
  ctx: number;
  /** Source offset, for ordering. */
  pos: number;
  /** protect, route: where. */
  loc?: Location;
  /** export: the export name ('' = module.exports itself, 'default', 'a', 'a.b'). */
  name?: string;
  /** via (header middleware imported from a relative module), pass to an imported function. */
  spec?: string;
  path?: string[];
  /** pass: parameter slot of a function in this file. */
  slot?: number;
  /** pass to an imported function: the argument index. */
  arg?: number;
  /** return: the function returned from; method: a class method (escapes through the instance). */
  fn?: number;
  method?: boolean;
}

interface SlotFact {
  /** app: created here; param: a function parameter; import: a relative import; call: result of calling one. */
  k: 'app' | 'param' | 'import' | 'call';
  /** The function whose body the slot lives in (its events there are ordered). */
  home: number;
  app?: AppKind;
  loc?: Location;
  fn?: number;
  index?: number;
  spec?: string;
  path?: string[];
  ev: Ev[];
}

export interface HelmetFacts {
  slots: SlotFact[];
  /** Local function id -> names it is exported under. */
  fnExports: Record<number, string[]>;
  /** Export name -> header middleware exported as a value (`[helmet(), cors()]`) or by a function returning it. */
  headerExports: Record<string, 'value' | 'fn'>;
  /** `export { x as y } from './m'` (name y), `export * from './m'` (name '*'), `module.exports = require('./m')` (name ''). */
  reexports: Array<{ name: string; spec: string; path: string[] }>;
  /** NestJS `consumer.apply(helmet()).forRoutes(...)`. */
  nestConsumer?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Header middleware matching

/** Root-relative canonical form of a relative module spec written in folder `fromDir` (root-relative; '' = root). */
function canonicalRelative(spec: string, fromDir: string): string {
  let p = posix.normalize(posix.join(fromDir || '.', spec));
  p = p.replace(/\.(?:[cm]?[jt]s|[jt]sx)$/i, '').replace(/(^|\/)index$/, '').replace(/\/+$/, '');
  if (p === '' || p === '.') return '.';
  return p.startsWith('../') || p === '..' ? p : `./${p}`;
}

type HeaderTest = (ref: ResolvedRef, fromFile: string) => boolean;

/**
 * Entries: a package name, `package#export.path`, or a project module relative to the scan root
 * (`./src/middleware/headers`, `./src/security#secureApp`).
 */
function headerMatcher(list: readonly string[]): HeaderTest {
  const byModule = new Map<string, Set<string> | null>();
  let relative = false;
  for (const entry of list) {
    const hash = entry.indexOf('#', 1);
    const spec = hash < 0 ? entry : entry.slice(0, hash);
    const rel = isRelativeSpec(spec);
    relative ||= rel;
    const mod = rel ? canonicalRelative(spec, '') : normaliseModule(spec).module;
    const exp = hash < 0 ? '' : entry.slice(hash + 1).replace(/^default\.?/, '');
    if (!exp) byModule.set(mod, null);
    else if (byModule.get(mod) !== null) {
      const s = byModule.get(mod) ?? new Set<string>();
      s.add(exp);
      byModule.set(mod, s);
    }
  }
  return (ref, fromFile) => {
    let mod = ref.module;
    if (isRelativeSpec(mod)) {
      if (!relative) return false;
      mod = canonicalRelative(mod, posix.dirname(fromFile));
    }
    const e = byModule.get(mod);
    if (e === undefined) return false;
    return e === null || e.has(apiPath(ref).join('.'));
  };
}

type Hit = { direct: Node } | { via: { spec: string; path: string[] } };

// ---------------------------------------------------------------------------------------------
// Per-file collection

const isTsWrapper = (t: string) =>
  t === 'TSAsExpression' || t === 'TSNonNullExpression' || t === 'TSTypeAssertion' || t === 'TSSatisfiesExpression' || t === 'ChainExpression';

function parent(n: Node): Node | undefined {
  return (n as any).parent;
}

function stripValue(n: Node): Node {
  let a = unwrap(n);
  while (a.type === 'AwaitExpression') a = unwrap(a.argument);
  return a;
}

function isModuleExports(n: Node): boolean {
  const m = unwrap(n);
  if (m.type !== 'MemberExpression') return false;
  const o = unwrap(m.object);
  return o.type === 'Identifier' && o.name === 'module' && propName(m) === 'exports';
}

/** `module.exports` -> '', `exports.a` / `module.exports.a` -> 'a', else undefined. */
function exportNameOf(left: Node): string | undefined {
  const l = unwrap(left);
  if (isModuleExports(l)) return '';
  if (l.type !== 'MemberExpression') return undefined;
  const name = propName(l);
  if (name === undefined) return undefined;
  const o = unwrap(l.object);
  if ((o.type === 'Identifier' && o.name === 'exports') || isModuleExports(o)) return name;
  return undefined;
}

function enclosingFunction(n: Node): TSESTree.FunctionLike | undefined {
  for (let p = parent(n); p; p = parent(p)) if (isFunction(p)) return p;
  return undefined;
}

/** The class whose instance `this` is inside `n` (methods, field initialisers, arrows within them). */
function thisClass(n: Node): Node | undefined {
  for (let p = parent(n); p; p = parent(p)) {
    if (p.type === 'PropertyDefinition') return parent(parent(p)!);
    if (p.type === 'FunctionExpression' || p.type === 'FunctionDeclaration') {
      const m = parent(p);
      return m && m.type === 'MethodDefinition' ? parent(parent(m)!) : undefined;
    }
  }
  return undefined;
}

function hasIdentifierArg(call: TSESTree.CallExpression): boolean {
  for (const a of call.arguments) if (a.type === 'Identifier') return true;
  return false;
}

class FileCollector {
  private slots: Array<SlotFact & { seen: Set<Node> }> = [];
  private queue: Array<[number, Node]> = [];
  private next = 0;
  private slotByVar = new Map<Variable, number>();
  private slotByKey = new Map<string, number>();
  private slotByNode = new Map<Node, number>();
  private fnIds = new Map<Node, number>();
  private returned = new Set<string>();
  private props = new Set<string>();
  private classIds = new Map<Node, number>();
  nestConsumer = false;

  constructor(
    private ctx: RuleContext,
    private isHeader: (ref: ResolvedRef) => boolean,
  ) {}

  // ---- ids ----
  fnId(fn: Node | undefined): number {
    if (!fn) return 0;
    let id = this.fnIds.get(fn);
    if (id === undefined) this.fnIds.set(fn, (id = this.fnIds.size + 1));
    return id;
  }

  private ctxOf(n: Node): number {
    return this.fnId(enclosingFunction(n));
  }

  private newSlot(s: Omit<SlotFact, 'ev'>): number {
    this.slots.push({ ...s, ev: [], seen: new Set() });
    return this.slots.length - 1;
  }

  private occur(slot: number, n: Node): void {
    const s = this.slots[slot];
    if (s.seen.has(n)) return;
    s.seen.add(n);
    this.queue.push([slot, n]);
  }

  private bindVar(v: Variable, slot: number): void {
    if (this.slotByVar.has(v)) return;
    this.slotByVar.set(v, slot);
    for (const r of v.references) if (r.isRead()) this.occur(slot, r.identifier as Node);
  }

  private event(slot: number, k: EvKind, at: Node, extra: Partial<Ev> = {}): void {
    this.slots[slot].ev.push({ k, ctx: this.ctxOf(at), pos: at.range[0], ...extra });
  }

  // ---- slots ----
  appSlot(node: TSESTree.CallExpression | TSESTree.NewExpression, kind: AppKind): number {
    let s = this.slotByNode.get(node);
    if (s === undefined) {
      s = this.newSlot({ k: 'app', home: this.ctxOf(node), app: kind, loc: this.ctx.locOf(node.callee) });
      this.slotByNode.set(node, s);
      this.occur(s, node);
    }
    return s;
  }

  private paramSlot(fn: TSESTree.FunctionLike, index: number): number | undefined {
    const key = `P:${this.fnId(fn)}:${index}`;
    const old = this.slotByKey.get(key);
    if (old !== undefined) return old;
    let p: any = fn.params[index];
    if (!p) return undefined;
    if (p.type === 'AssignmentPattern') p = p.left;
    if (p.type !== 'Identifier') return undefined;
    const v = this.ctx.variableOf(p);
    if (!v) return undefined;
    const s = this.newSlot({ k: 'param', home: this.fnId(fn), fn: this.fnId(fn), index });
    this.slotByKey.set(key, s);
    this.bindVar(v, s);
    return s;
  }

  private importSlot(spec: string, path: string[], occurrence?: Node): number {
    const key = `I:${spec}\0${path.join('.')}`;
    let s = this.slotByKey.get(key);
    if (s === undefined) {
      s = this.newSlot({ k: 'import', home: 0, spec, path });
      this.slotByKey.set(key, s);
    }
    if (occurrence) this.occur(s, occurrence);
    return s;
  }

  private bindProp(cls: Node, name: string, slot: number): void {
    let cid = this.classIds.get(cls);
    if (cid === undefined) this.classIds.set(cls, (cid = this.classIds.size + 1));
    const key = `${cid}:${name}`;
    if (this.props.has(key)) return;
    this.props.add(key);
    const body = (cls as TSESTree.ClassDeclaration).body;
    walk(body, (n) => {
      if ((n.type === 'FunctionExpression' || n.type === 'FunctionDeclaration') && parent(n)?.type !== 'MethodDefinition') return false;
      if (n.type === 'ClassDeclaration' || n.type === 'ClassExpression') return false;
      if (n.type === 'MemberExpression' && unwrap(n.object).type === 'ThisExpression' && propName(n) === name) this.occur(slot, n);
      return undefined;
    });
  }

  /** The slot an expression evaluates to, creating parameter / import / factory-call slots on demand. */
  slotOf(expr: Node, depth = 0): number | undefined {
    if (depth > 6) return undefined;
    const e = stripValue(expr);
    switch (e.type) {
      case 'NewExpression':
      case 'CallExpression': {
        const known = this.slotByNode.get(e);
        if (known !== undefined) return known;
        if (e.type === 'NewExpression') return undefined;
        const self = this.ctx.resolve(e);
        if (self && isRelativeSpec(self.module)) return this.importSlot(self.module, self.path, e); // require('./app')
        const f = localFunction(e.callee, this.ctx);
        if (f) {
          for (const r of returnsOf(f)) {
            const s = this.slotOf(r, depth + 1);
            if (s !== undefined) {
              this.occur(s, e);
              return s;
            }
          }
          return undefined;
        }
        const ref = this.ctx.resolve(e.callee);
        if (ref && isRelativeSpec(ref.module)) {
          const s = this.newSlot({ k: 'call', home: this.ctxOf(e), spec: ref.module, path: ref.path });
          this.slotByNode.set(e, s);
          this.occur(s, e);
          return s;
        }
        return undefined;
      }
      case 'ImportExpression': {
        const ref = this.ctx.resolve(e);
        return ref && isRelativeSpec(ref.module) ? this.importSlot(ref.module, ref.path, e) : undefined;
      }
      case 'Identifier': {
        const v = this.ctx.variableOf(e);
        if (!v) return undefined;
        const known = this.slotByVar.get(v);
        if (known !== undefined) return known;
        const def = v.defs[0];
        if (v.defs.length !== 1 || !def) return undefined;
        if (def.type === 'Parameter') {
          const fn = def.node as TSESTree.FunctionLike;
          const idx = fn.params.findIndex((p: any) => p === def.name || (p.type === 'AssignmentPattern' && p.left === def.name));
          return idx >= 0 ? this.paramSlot(fn, idx) : undefined;
        }
        const init = this.ctx.initOf(v);
        if (init && init.path.length === 0) {
          const s = this.slotOf(init.init, depth + 1);
          if (s !== undefined) this.bindVar(v, s);
          return s;
        }
        const ref = this.ctx.resolve(e);
        if (ref && isRelativeSpec(ref.module)) {
          const s = this.importSlot(ref.module, ref.path);
          this.bindVar(v, s);
          return s;
        }
        return undefined;
      }
      case 'MemberExpression': {
        if (unwrap(e.object).type === 'ThisExpression') return undefined; // this.app: bound when the app is stored
        const ref = this.ctx.resolve(e);
        return ref && isRelativeSpec(ref.module) ? this.importSlot(ref.module, ref.path, e) : undefined;
      }
      default:
        return undefined;
    }
  }

  // ---- header middleware ----
  findHeader(n: Node, allowRef: boolean, depth = 0): Hit | undefined {
    if (depth > 5) return undefined;
    let a = stripValue(n);
    if (a.type === 'SpreadElement') a = stripValue(a.argument);
    switch (a.type) {
      case 'CallExpression': {
        const ref = this.ctx.resolve(a.callee);
        if (ref && this.isHeader(ref)) return { direct: a };
        if (ref && isRelativeSpec(ref.module)) return { via: { spec: ref.module, path: ref.path } };
        const self = this.ctx.resolve(a); // require('@fastify/helmet'), require('./security')
        if (self && allowRef && this.isHeader(self)) return { direct: a };
        if (self && isRelativeSpec(self.module)) return { via: { spec: self.module, path: self.path } };
        const f = localFunction(a.callee, this.ctx);
        if (f) {
          for (const r of returnsOf(f)) {
            const h = this.findHeader(r, false, depth + 1);
            if (h) return h;
          }
          return undefined;
        }
        // wrappers: unless(helmet(), ...), compose([helmet(), cors()])
        for (const arg of a.arguments) {
          const h = this.findHeader(arg, false, depth + 1);
          if (h && 'direct' in h) return h;
        }
        return undefined;
      }
      case 'ImportExpression': {
        const ref = this.ctx.resolve(a);
        return ref && allowRef && this.isHeader(ref) ? { direct: a } : undefined;
      }
      case 'ArrayExpression': {
        let via: Hit | undefined;
        for (const el of a.elements) {
          if (!el) continue;
          const h = this.findHeader(el, false, depth + 1);
          if (h && 'direct' in h) return h;
          via ??= h;
        }
        return via;
      }
      case 'Identifier':
      case 'MemberExpression': {
        if (a.type === 'Identifier') {
          const v = this.ctx.variableOf(a);
          const init = v && this.ctx.initOf(v);
          if (init && init.path.length === 0) return this.findHeader(init.init, allowRef, depth + 1);
        }
        const ref = this.ctx.resolve(a);
        if (ref && allowRef && this.isHeader(ref)) return { direct: a };
        if (ref && isRelativeSpec(ref.module)) return { via: { spec: ref.module, path: ref.path } };
        return undefined;
      }
      default:
        return undefined;
    }
  }

  // ---- events ----
  run(): void {
    while (this.next < this.queue.length) {
      const [slot, n] = this.queue[this.next++];
      this.classify(slot, n);
    }
  }

  private classify(slot: number, e: Node): void {
    let c = e;
    let p = parent(c);
    while (p) {
      if (isTsWrapper(p.type) || p.type === 'AwaitExpression' || (p.type === 'LogicalExpression' && p.operator !== '&&')) {
        c = p;
        p = parent(c);
      } else if (p.type === 'ConditionalExpression' && p.test !== c) {
        c = p;
        p = parent(c);
      } else if (p.type === 'SequenceExpression' && p.expressions[p.expressions.length - 1] === c) {
        c = p;
        p = parent(c);
      } else break;
    }
    if (!p) return;
    switch (p.type) {
      case 'MemberExpression': {
        if (p.object !== c) return;
        const name = propName(p);
        let call: Node | undefined = parent(p);
        if (call && call.type === 'ChainExpression') call = parent(call);
        if (!name || !call || call.type !== 'CallExpression' || unwrap(call.callee) !== p) return;
        this.method(slot, name, call);
        return;
      }
      case 'CallExpression': {
        if (p.callee === c) return;
        const i = p.arguments.indexOf(c as any);
        if (i >= 0) this.argument(slot, p, i);
        return;
      }
      case 'NewExpression': {
        const ref = this.ctx.resolve(p.callee);
        if (ref && mountsArgument(ref)) this.event(slot, 'mount', p); // new ExpressAdapter(server)
        return;
      }
      case 'Property': {
        if (p.value !== c) return;
        const obj = parent(p);
        const holder = obj && parent(obj);
        if (!holder) return;
        if (holder.type === 'CallExpression' && holder.arguments.includes(obj as any)) {
          const ref = this.ctx.resolve(holder.callee);
          if (ref && serveHowOfRef(ref)) this.event(slot, 'serve', holder); // serverlessExpress({ app })
        } else if (holder.type === 'AssignmentExpression' && holder.right === obj) {
          const base = exportNameOf(holder.left);
          const key = propName(p as TSESTree.Property);
          if (base !== undefined && key !== undefined) this.event(slot, 'export', holder, { name: base ? `${base}.${key}` : key });
        } else if (holder.type === 'ExportDefaultDeclaration') {
          const key = propName(p as TSESTree.Property);
          if (key !== undefined) this.event(slot, 'export', holder, { name: `default.${key}` });
        }
        return;
      }
      case 'VariableDeclarator': {
        if (p.init !== c || p.id.type !== 'Identifier') return;
        const v = this.ctx.variableOf(p.id);
        if (v) this.bindVar(v, slot);
        const decl = parent(p);
        if (decl && parent(decl)?.type === 'ExportNamedDeclaration') this.event(slot, 'export', p, { name: p.id.name });
        return;
      }
      case 'AssignmentExpression': {
        if (p.right !== c || p.operator !== '=') return;
        const left = unwrap(p.left as Node);
        const name = exportNameOf(left);
        if (name !== undefined) this.event(slot, 'export', p, { name });
        else if (left.type === 'Identifier') {
          const v = this.ctx.variableOf(left);
          if (v) this.bindVar(v, slot);
        } else if (left.type === 'MemberExpression' && unwrap(left.object).type === 'ThisExpression') {
          const prop = propName(left);
          const cls = thisClass(p);
          if (prop && cls) this.bindProp(cls, prop, slot);
        }
        this.occur(slot, p); // const app = module.exports = express()
        return;
      }
      case 'PropertyDefinition': {
        if (p.value !== c) return;
        const prop = propName(p);
        const cls = parent(parent(p)!);
        if (prop && cls) this.bindProp(cls, prop, slot);
        return;
      }
      case 'ExportDefaultDeclaration':
        this.event(slot, 'export', p, { name: 'default' });
        return;
      case 'ExportSpecifier': {
        const decl = parent(p) as TSESTree.ExportNamedDeclaration | undefined;
        if (decl && !decl.source && p.local === c) {
          const ex = p.exported.type === 'Identifier' ? p.exported.name : String((p.exported as any).value);
          this.event(slot, 'export', p, { name: ex });
        }
        return;
      }
      case 'TSExportAssignment':
        this.event(slot, 'export', p, { name: '' });
        return;
      case 'ReturnStatement': {
        const fn = enclosingFunction(p);
        if (fn) this.returned_(slot, fn, p);
        return;
      }
      case 'ArrowFunctionExpression':
        if (p.body === c) this.returned_(slot, p, c);
        return;
      default:
        return;
    }
  }

  private returned_(slot: number, fn: TSESTree.FunctionLike, at: Node): void {
    const key = `${slot}:${this.fnId(fn)}`;
    if (this.returned.has(key)) return;
    this.returned.add(key);
    const m = parent(fn);
    const method = !!m && (m.type === 'MethodDefinition' || m.type === 'PropertyDefinition' || (m.type === 'Property' && parent(m)?.type === 'ObjectExpression'));
    this.event(slot, 'return', at, { fn: this.fnId(fn), method: method || undefined });
    // Calls of a local factory evaluate to the same app.
    for (const call of localCallsOf(fn, this.ctx)) this.occur(slot, call);
  }

  private method(slot: number, name: string, call: TSESTree.CallExpression): void {
    const args = call.arguments;
    if (name === 'register') {
      const hit = args[0] && this.findHeader(args[0], true);
      if (hit && 'direct' in hit) this.event(slot, 'protect', call, { loc: this.ctx.locOf(call) });
      else if (args[0]) {
        // An imported plugin: exported header middleware, or a plugin function that receives the instance.
        if (hit) this.event(slot, 'via', call, { loc: this.ctx.locOf(call), ...hit.via });
        if (isOpaquePlugin(args[0], this.ctx)) this.event(slot, 'opaque', call);
        else this.passTo(slot, unwrapPluginWrapper(args[0], this.ctx), 0, call); // the plugin receives the instance
      }
    } else if (name === 'use') {
      let direct = false;
      for (const a of args) {
        const hit = this.findHeader(a, false);
        if (!hit) continue;
        if ('direct' in hit) direct = true;
        else this.event(slot, 'via', call, { loc: this.ctx.locOf(call), ...hit.via });
      }
      if (direct) this.event(slot, 'protect', call, { loc: this.ctx.locOf(call) });
      else if (isRouteRegistration(name, call, this.ctx)) this.event(slot, 'route', call, { loc: this.ctx.locOf(call) });
      for (const a of args) {
        if (a.type === 'SpreadElement') continue;
        let sub = this.slotOf(a);
        const u = unwrap(a);
        // app.use(mount('/api', api)) (koa-mount), app.use(vhost('api.example.com', api))
        if (sub === undefined && u.type === 'CallExpression') {
          const ref = this.ctx.resolve(u.callee);
          if (ref && mountsArgument(ref)) for (const x of u.arguments) if ((sub = this.slotOf(x)) !== undefined) break;
        }
        if (sub !== undefined && sub !== slot) this.event(sub, 'mount', call);
      }
    } else if (servesByMethod(this.slots[slot].app, name)) {
      this.event(slot, 'serve', call);
    } else if (ROUTE_METHODS.has(name) && isRouteRegistration(name, call, this.ctx)) {
      this.event(slot, 'route', call, { loc: this.ctx.locOf(call) });
    }
    if (CHAINING_METHODS.has(name)) this.occur(slot, call);
  }

  private argument(slot: number, call: TSESTree.CallExpression, i: number): void {
    const ref = this.ctx.resolve(call.callee);
    if (ref && serveHowOfRef(ref)) this.event(slot, 'serve', call);
    else if (ref && this.isHeader(ref)) this.event(slot, 'protect', call, { loc: this.ctx.locOf(call) }); // a configured secureApp(app)
    else if (ref && mountsArgument(ref)) this.event(slot, 'mount', call); // koa-mount, vhost
    else this.passTo(slot, call.callee, i, call);
  }

  private passTo(slot: number, target: Node, index: number, at: Node): void {
    const f = localFunction(target, this.ctx);
    if (f) {
      const ps = this.paramSlot(f, index);
      if (ps !== undefined && ps !== slot) this.event(slot, 'pass', at, { slot: ps });
      return;
    }
    const ref = this.ctx.resolve(target);
    if (ref && isRelativeSpec(ref.module)) this.event(slot, 'pass', at, { spec: ref.module, path: ref.path, arg: index });
  }

  // ---- output ----
  facts(table: ExportEntry[], headerSeen: boolean): HelmetFacts | undefined {
    const fnExports: Record<number, string[]> = {};
    for (const x of table) {
      if (!('node' in x)) continue;
      const fn = exportedFunction(x.node, this.ctx);
      const id = fn && this.fnIds.get(fn);
      if (id !== undefined && id !== null) (fnExports[id] ??= []).push(x.name);
    }
    // Keep the slots that can matter to an app: with a fact of their own, a pass to another file, or a
    // pass to a kept slot. (A parameter that is only handed on to local helpers that do nothing is noise.)
    const n = this.slots.length;
    const keep = this.slots.map(
      (s) =>
        s.k === 'app' ||
        s.ev.some((e) =>
          e.k === 'pass' ? e.spec !== undefined : e.k === 'return' ? s.k !== 'param' || fnExports[e.fn!] !== undefined : true,
        ),
    );
    for (let changed = true; changed; ) {
      changed = false;
      for (let i = 0; i < n; i++)
        if (!keep[i] && this.slots[i].ev.some((e) => e.k === 'pass' && e.slot !== undefined && keep[e.slot])) keep[i] = changed = true;
    }
    const newId: number[] = [];
    const slots: SlotFact[] = [];
    for (let i = 0; i < n; i++) {
      if (!keep[i]) continue;
      const { seen: _seen, ...fact } = this.slots[i];
      newId[i] = slots.push(fact) - 1;
    }
    for (const s of slots) {
      s.ev = s.ev
        .filter((e) => e.k !== 'pass' || e.slot === undefined || keep[e.slot])
        .map((e) => (e.k === 'pass' && e.slot !== undefined ? { ...e, slot: newId[e.slot] } : e))
        .sort((a, b) => a.pos - b.pos);
    }
    const any = slots.length > 0;
    const out: HelmetFacts = { slots, fnExports: {}, headerExports: {}, reexports: [] };
    for (const [id, names] of Object.entries(fnExports)) if (slots.some((s) => s.fn === Number(id) || s.ev.some((e) => e.fn === Number(id)))) out.fnExports[Number(id)] = names;
    if (this.nestConsumer) out.nestConsumer = true;
    const isDirect = (n: Node) => {
      const h = this.findHeader(n, false);
      return !!h && 'direct' in h;
    };
    for (const x of table) {
      if ('reexport' in x) {
        out.reexports.push({ name: x.name, spec: x.reexport.spec, path: x.reexport.path });
        continue;
      }
      if (!headerSeen) continue;
      // Header middleware exported as a value ([helmet(), cors()]) or by a function returning it.
      const fn = exportedFunction(x.node, this.ctx);
      if (!fn && isDirect(x.node)) out.headerExports[x.name] = 'value';
      else if (fn && returnsOf(fn).some(isDirect)) out.headerExports[x.name] = 'fn';
    }
    if (!any && !out.nestConsumer && !Object.keys(out.headerExports).length && !out.reexports.length) return undefined;
    return out;
  }
}

/** Return expressions of a function (its own, not nested functions'), or an arrow's expression body. */
function returnsOf(fn: TSESTree.FunctionLike): Node[] {
  if (!fn.body) return [];
  if (fn.body.type !== 'BlockStatement') return [fn.body];
  const out: Node[] = [];
  walk(fn.body, (n) => {
    if (isFunction(n) || n.type === 'ClassDeclaration' || n.type === 'ClassExpression') return false;
    if (n.type === 'ReturnStatement' && n.argument) out.push(n.argument);
    return undefined;
  });
  return out;
}

/** Calls of a local function in this file: `createApp()` for `function createApp() {...}`. */
function localCallsOf(fn: TSESTree.FunctionLike, ctx: RuleContext): Node[] {
  let id: TSESTree.Identifier | undefined;
  if (fn.type === 'FunctionDeclaration' && fn.id) id = fn.id;
  else {
    const p = parent(fn);
    if (p && p.type === 'VariableDeclarator' && p.init === fn && p.id.type === 'Identifier') id = p.id;
  }
  const v = id && ctx.variableOf(id);
  if (!v) return [];
  const out: Node[] = [];
  for (const r of v.references) {
    const ref = r.identifier as Node;
    const call = parent(ref);
    if (call && call.type === 'CallExpression' && call.callee === ref) out.push(call);
  }
  return out;
}

/** The function an exported expression is: a function, a local function's name, `fp(fn)`. */
function exportedFunction(node: Node, ctx: RuleContext): TSESTree.FunctionLike | undefined {
  const n = unwrapPluginWrapper(node, ctx);
  if (isFunction(n)) return n;
  return localFunction(n, ctx);
}

type ExportEntry = { name: string; node: Node } | { name: string; reexport: { spec: string; path: string[] } };

/** The module's exports from its top-level statements. */
function exportTable(program: TSESTree.Program): ExportEntry[] {
  const out: ExportEntry[] = [];
  const assign = (a: TSESTree.AssignmentExpression) => {
    const name = exportNameOf(a.left as Node);
    if (name === undefined) return;
    const right = unwrap(a.right);
    if (right.type === 'AssignmentExpression') assign(right);
    out.push({ name, node: right });
    if (right.type === 'ObjectExpression')
      for (const p of right.properties) {
        const k = p.type === 'Property' ? propName(p) : undefined;
        if (k !== undefined && p.type === 'Property') out.push({ name: name ? `${name}.${k}` : k, node: p.value as Node });
      }
    if (right.type === 'CallExpression' && name === '') {
      const c = unwrap(right.callee);
      const s = right.arguments[0];
      if (c.type === 'Identifier' && c.name === 'require' && s && s.type === 'Literal' && typeof s.value === 'string' && isRelativeSpec(s.value))
        out.push({ name: '', reexport: { spec: s.value, path: [] } });
    }
  };
  for (const st of program.body) {
    switch (st.type) {
      case 'ExpressionStatement':
        if (st.expression.type === 'AssignmentExpression') assign(st.expression);
        break;
      case 'ExportNamedDeclaration': {
        const d = st.declaration;
        if (d && (d.type === 'FunctionDeclaration' || d.type === 'ClassDeclaration') && d.id) out.push({ name: d.id.name, node: d });
        else if (d && d.type === 'VariableDeclaration')
          for (const dec of d.declarations) if (dec.id.type === 'Identifier' && dec.init) out.push({ name: dec.id.name, node: dec.init });
        for (const s of st.specifiers) {
          const ex = s.exported.type === 'Identifier' ? s.exported.name : String((s.exported as any).value);
          const local = s.local.type === 'Identifier' ? s.local.name : String((s.local as any).value);
          if (st.source) out.push({ name: ex, reexport: { spec: String(st.source.value), path: [local] } });
          else out.push({ name: ex, node: s.local as Node });
        }
        break;
      }
      case 'ExportDefaultDeclaration':
        out.push({ name: 'default', node: st.declaration as Node });
        break;
      case 'ExportAllDeclaration':
        if (st.exported) {
          const ex = st.exported.type === 'Identifier' ? st.exported.name : String((st.exported as any).value);
          out.push({ name: ex, reexport: { spec: String(st.source.value), path: [] } });
        } else out.push({ name: '*', reexport: { spec: String(st.source.value), path: [] } });
        break;
      case 'TSExportAssignment':
        out.push({ name: '', node: st.expression });
        break;
    }
  }
  return out;
}

/** Static methods of exported classes are exported functions too: `Security.apply(app)`. */
function withStaticMethods(table: ExportEntry[], ctx: RuleContext): ExportEntry[] {
  let out: ExportEntry[] | undefined;
  for (const x of table) {
    if (!('node' in x)) continue;
    let n = unwrap(x.node);
    if (n.type === 'Identifier') {
      const v = ctx.variableOf(n);
      const def = v && v.defs.length === 1 ? v.defs[0] : undefined;
      if (def && def.type === 'ClassName') n = def.node as Node;
    }
    if (n.type !== 'ClassDeclaration' && n.type !== 'ClassExpression') continue;
    for (const m of n.body.body) {
      if (m.type !== 'MethodDefinition' || !m.static || m.kind !== 'method') continue;
      const k = propName(m);
      if (k !== undefined) (out ??= [...table]).push({ name: x.name ? `${x.name}.${k}` : k, node: m.value });
    }
  }
  return out ?? table;
}

function checkOptions(ctx: RuleContext, opts: Node | undefined, module: string, depth = 0): void {
  if (!opts || depth > 3) return;
  const o = stripValue(opts);
  if (o.type === 'Identifier') {
    const v = ctx.variableOf(o);
    const init = v && ctx.initOf(v);
    if (init && init.path.length === 0) checkOptions(ctx, init.init, module, depth + 1);
    return;
  }
  if (o.type !== 'ObjectExpression') return;
  const name = module === 'helmet' ? 'helmet' : `helmet (${module})`;
  for (const p of o.properties) {
    if (p.type === 'SpreadElement') {
      checkOptions(ctx, p.argument, module, depth + 1);
      continue;
    }
    const key = propName(p);
    const sw = key !== undefined ? SWITCHES[key] : undefined;
    if (!sw || ctx.constantValue(p.value as Node) !== false) continue;
    ctx.report({
      node: p,
      message: `${name} is registered with ${key}: false, so responses get no ${sw.header} header: ${sw.why}. Configure it instead of switching it off.`,
    });
  }
}

function collect(ctx: RuleContext, headerTest: HeaderTest) {
  const isHeader = (ref: ResolvedRef) => headerTest(ref, ctx.file);
  if (ctx.isTestFile) return { visitors: {}, facts: () => undefined };
  let program: TSESTree.Program | undefined;
  const creations: Array<{ node: TSESTree.CallExpression | TSESTree.NewExpression; kind: AppKind }> = [];
  const seeds: Node[] = [];
  const argCalls: TSESTree.CallExpression[] = [];
  const nestApplies: TSESTree.CallExpression[] = [];
  let headerSeen = false;
  let exportsSeen = false;
  const sawExport = () => {
    exportsSeen = true;
  };

  const visitors = {
    Program(n: TSESTree.Program) {
      program = n;
    },
    ExportNamedDeclaration: sawExport,
    ExportDefaultDeclaration: sawExport,
    ExportAllDeclaration: sawExport,
    TSExportAssignment: sawExport,
    AssignmentExpression(n: TSESTree.AssignmentExpression) {
      if (!exportsSeen && n.left.type === 'MemberExpression' && exportNameOf(n.left) !== undefined) exportsSeen = true;
    },
    CallExpression(n: TSESTree.CallExpression) {
      const callee = unwrap(n.callee);
      if (callee.type === 'MemberExpression' && !callee.computed && callee.property.type === 'Identifier') {
        const name = callee.property.name;
        if (REGISTER_METHODS.has(name) || LISTEN_METHODS.has(name) || (ROUTE_METHODS.has(name) && looksLikeRouteCall(n))) {
          seeds.push(callee.object);
          if (name === 'register' && n.arguments.length >= 2) {
            const plugin = ctx.resolve(n.arguments[0]);
            if (plugin && isHeader(plugin) && HELMET_OPTIONS_MODULES.has(plugin.module)) checkOptions(ctx, n.arguments[1], plugin.module);
          }
        } else if (name === 'apply' && n.arguments.length) nestApplies.push(n);
      }
      if (callee.type !== 'Identifier' && callee.type !== 'MemberExpression' && callee.type !== 'CallExpression') return;
      const ref = ctx.resolve(callee);
      if (!ref) {
        if (callee.type === 'Identifier' && hasIdentifierArg(n)) argCalls.push(n); // maybe a local function
        return;
      }
      if (isAppModule(ref.module)) {
        const kind = appKindOfRef(ref, n, ctx);
        if (kind) creations.push({ node: n, kind });
      } else if (isHeader(ref)) {
        headerSeen = true;
        if (HELMET_OPTIONS_MODULES.has(ref.module) && apiPath(ref).length === 0) checkOptions(ctx, n.arguments[0], ref.module);
      } else if (serveHowOfRef(ref)) {
        for (const a of n.arguments) seeds.push(a);
      } else if (isRelativeSpec(ref.module) && hasIdentifierArg(n)) argCalls.push(n);
    },
    NewExpression(n: TSESTree.NewExpression) {
      const ref = ctx.resolve(n.callee);
      if (ref && ref.module === 'koa') {
        const kind = appKindOfRef(ref, n, ctx);
        if (kind) creations.push({ node: n, kind });
      }
    },
  };

  const facts = (): HelmetFacts | undefined => {
    if (!creations.length && !seeds.length && !argCalls.length && !headerSeen && !nestApplies.length && !exportsSeen) return undefined;
    const fc = new FileCollector(ctx, isHeader);
    for (const c of creations) fc.appSlot(c.node, c.kind);
    fc.run();
    for (const s of seeds) fc.slotOf(s);
    // An exported function that hands its parameter on to another function: setup(app) { security(app) }
    const table = exportsSeen && program ? withStaticMethods(exportTable(program), ctx) : [];
    if (argCalls.length && table.length) {
      const exportedFns = new Set<Node>();
      for (const x of table) {
        const f = 'node' in x ? exportedFunction(x.node, ctx) : undefined;
        if (f) exportedFns.add(f);
      }
      for (const call of argCalls) {
        if (!localFunction(call.callee, ctx) && !isRel(ctx.resolve(call.callee))) continue;
        for (const a of call.arguments) {
          if (a.type !== 'Identifier') continue;
          const v = ctx.variableOf(a);
          const def = v && v.defs.length === 1 ? v.defs[0] : undefined;
          if (def && def.type === 'Parameter' && exportedFns.has(def.node as Node)) fc.slotOf(a);
        }
      }
    }
    if (headerSeen) {
      for (const call of nestApplies) {
        const h = call.arguments.some((a) => {
          const x = fc.findHeader(a, false);
          return !!x && 'direct' in x;
        });
        if (h) fc.nestConsumer = true;
      }
    }
    // Exported values that come from relative modules (index.js: module.exports = require('./app')).
    for (const x of table) {
      if (!('node' in x)) continue;
      const n = stripValue(x.node);
      if ((n.type === 'Identifier' || n.type === 'MemberExpression' || n.type === 'CallExpression') && isRel(ctx.resolve(n))) fc.slotOf(n);
    }
    fc.run();
    return fc.facts(table, headerSeen);
  };
  return { visitors, facts };
}

function isRel(ref: ResolvedRef | undefined): boolean {
  return !!ref && isRelativeSpec(ref.module);
}

// ---------------------------------------------------------------------------------------------
// Project check

interface Defs {
  slots: Array<[string, number]>;
  fns: Array<[string, number]>;
  header?: 'value' | 'fn';
}

/** Export names an import path may match: `default` interop between CJS and ESM. */
function exportNames(path: string[]): string[] {
  const j = path.join('.');
  if (path.length === 0) return ['', 'default'];
  if (path[0] === 'default') return [j, path.slice(1).join('.')];
  return [j];
}

function check(files: Array<{ file: string; facts: HelmetFacts }>, pctx: ProjectContext): void {
  const byFile = new Map<string, HelmetFacts>();
  for (const f of files) byFile.set(f.file, f.facts);
  const exportSlots = new Map<string, Map<string, number[]>>();
  const fnByName = new Map<string, Map<string, number>>();
  const fnExported = new Map<string, Set<number>>();
  const paramOf = new Map<string, number>();
  let nestConsumer = false;
  for (const { file, facts } of files) {
    if (facts.nestConsumer) nestConsumer = true;
    const ex = new Map<string, number[]>();
    facts.slots.forEach((s, id) => {
      if (s.k === 'param') paramOf.set(`${file}\0${s.fn}:${s.index}`, id);
      for (const e of s.ev) if (e.k === 'export') (ex.get(e.name!) ?? ex.set(e.name!, []).get(e.name!)!).push(id);
    });
    exportSlots.set(file, ex);
    const fns = new Map<string, number>();
    const exported = new Set<number>();
    for (const [id, names] of Object.entries(facts.fnExports)) {
      exported.add(Number(id));
      for (const n of names) fns.set(n, Number(id));
    }
    fnByName.set(file, fns);
    fnExported.set(file, exported);
  }

  function defs(file: string | undefined, path: string[], depth = 0): Defs {
    const out: Defs = { slots: [], fns: [] };
    const facts = file ? byFile.get(file) : undefined;
    if (!file || !facts || depth > 6) return out;
    for (const name of exportNames(path)) {
      for (const s of exportSlots.get(file)?.get(name) ?? []) out.slots.push([file, s]);
      const fn = fnByName.get(file)?.get(name);
      if (fn !== undefined) out.fns.push([file, fn]);
      out.header ??= facts.headerExports[name];
    }
    if (out.slots.length || out.fns.length || out.header) return out;
    const names = new Set(exportNames(path));
    for (const r of facts.reexports) {
      let sub: Defs | undefined;
      if (r.name === '*') sub = defs(pctx.resolveImport(file, r.spec), path, depth + 1);
      else if (names.has(r.name)) sub = defs(pctx.resolveImport(file, r.spec), r.path, depth + 1);
      else if (path.length > 1 && r.name === path[0]) sub = defs(pctx.resolveImport(file, r.spec), [...r.path, ...path.slice(1)], depth + 1);
      if (!sub) continue;
      out.slots.push(...sub.slots);
      out.fns.push(...sub.fns);
      out.header ??= sub.header;
    }
    return out;
  }

  // Importers of exported slots, callers of exported factories.
  const importers = new Map<string, Array<[string, number]>>();
  const callers = new Map<string, Array<[string, number]>>();
  const push = (m: Map<string, Array<[string, number]>>, k: string, v: [string, number]) => {
    const l = m.get(k);
    if (l) l.push(v);
    else m.set(k, [v]);
  };
  for (const { file, facts } of files) {
    facts.slots.forEach((s, id) => {
      if (s.k !== 'import' && s.k !== 'call') return;
      if (!s.ev.length) return;
      const d = defs(pctx.resolveImport(file, s.spec!), s.path!);
      if (s.k === 'import') for (const [f, t] of d.slots) push(importers, `${f}\0${t}`, [file, id]);
      else for (const [f, fn] of d.fns) push(callers, `${f}\0${fn}`, [file, id]);
    });
  }

  interface Acc {
    served: Set<string>;
    exported: Set<string>;
    mounted: boolean;
    opaque: boolean;
    protects: number;
    unorderedProtect: boolean;
    timeline: Array<{ k: 'route' | 'protect'; loc: Location }>;
  }

  function visit(file: string, slotId: number, ordered: boolean, acc: Acc, seen: Set<string>, depth: number): void {
    const key = `${file}\0${slotId}`;
    if (seen.has(key) || depth > 24) return;
    seen.add(key);
    const s = byFile.get(file)?.slots[slotId];
    if (!s) return;
    const later: Array<[string, number]> = [];
    const protect = (loc: Location, inOrder: boolean) => {
      acc.protects++;
      if (inOrder) acc.timeline.push({ k: 'protect', loc });
      else acc.unorderedProtect = true;
    };
    for (const e of s.ev) {
      const inOrder = ordered && e.ctx === s.home;
      switch (e.k) {
        case 'protect':
          protect(e.loc!, inOrder);
          break;
        case 'via': {
          if (defs(pctx.resolveImport(file, e.spec!), e.path!).header) protect(e.loc!, inOrder);
          break;
        }
        case 'route':
          if (inOrder) acc.timeline.push({ k: 'route', loc: e.loc! });
          break;
        case 'serve':
          acc.served.add(file);
          break;
        case 'export':
          acc.exported.add(file);
          later.push(...(importers.get(key) ?? []));
          break;
        case 'return':
          // A factory handing out its app; a function returning the app it was given (secure(app)) exports nothing.
          if (s.k !== 'param' && (e.method || fnExported.get(file)?.has(e.fn!))) acc.exported.add(file);
          later.push(...(callers.get(`${file}\0${e.fn}`) ?? []));
          break;
        case 'pass':
          if (e.slot !== undefined) visit(file, e.slot, inOrder, acc, seen, depth + 1);
          else {
            const target = pctx.resolveImport(file, e.spec!);
            for (const [f, fn] of defs(target, e.path!).fns) {
              const p = paramOf.get(`${f}\0${fn}:${e.arg}`);
              if (p !== undefined) visit(f, p, inOrder, acc, seen, depth + 1);
            }
          }
          break;
        case 'mount':
          acc.mounted = true;
          break;
        case 'opaque':
          acc.opaque = true;
          break;
      }
    }
    for (const [f, t] of later) visit(f, t, ordered, acc, seen, depth + 1);
  }

  for (const { file, facts } of files) {
    facts.slots.forEach((s, id) => {
      if (s.k !== 'app') return;
      const kind = s.app!;
      const acc: Acc = { served: new Set(), exported: new Set(), mounted: false, opaque: false, protects: 0, unorderedProtect: false, timeline: [] };
      visit(file, id, true, acc, new Set(), 0);
      if (acc.mounted || acc.opaque) return;
      if (!acc.served.size && !acc.exported.size) return;
      const label = APP_LABEL[kind];
      if (!acc.protects && !((kind === 'nest' || kind === 'nest-fastify') && nestConsumer)) {
        const where = acc.served.size ? `served (${[...acc.served].sort()[0]})` : `exported (${[...acc.exported].sort()[0]})`;
        pctx.report({
          loc: s.loc!,
          message: `This ${label} app is ${where} without helmet security headers (no Content-Security-Policy, X-Frame-Options, Strict-Transport-Security, X-Content-Type-Options): ${FIX[kind]}.`,
        });
        return;
      }
      if (!ORDERED_MIDDLEWARE.has(kind) || acc.unorderedProtect) return;
      const first = acc.timeline.findIndex((t) => t.k === 'protect');
      if (first <= 0) return;
      const route = acc.timeline.slice(0, first).find((t) => t.k === 'route');
      if (!route) return;
      const at = acc.timeline[first].loc;
      pctx.report({
        loc: at,
        message: `helmet is registered on this ${label} app only after routes (${route.loc.file}:${route.loc.line}): the responses of those routes get no security headers. Register helmet before any route.`,
      });
    });
  }
}

// ---------------------------------------------------------------------------------------------

/** The rule with a given list of recognised header middleware (see DEFAULT_HEADER_MIDDLEWARE). */
export function createMissingHelmetRule(options: MissingHelmetOptions = {}): Rule {
  const headerTest = headerMatcher(options.headerMiddleware ?? DEFAULT_HEADER_MIDDLEWARE);
  const project: ProjectRule<HelmetFacts> = {
    collect: (ctx) => collect(ctx, headerTest),
    check,
  };
  return defineRule({
    meta: {
      id: 'missing-helmet',
      name: 'Missing security headers (helmet)',
      description: 'An HTTP app (Express, Fastify, Koa, NestJS) is served without helmet security headers, or with protections switched off.',
      severity: 'medium',
      precision: 'medium',
      cwe: ['CWE-693', 'CWE-1021'],
      owasp: ['A05:2021'],
      help: [
        'Without security headers a browser frames your pages on any site (clickjacking), MIME-sniffs responses into',
        'scripts, keeps talking plain HTTP after an SSL-stripping downgrade, and has no Content-Security-Policy to',
        'limit injected scripts. [helmet](https://helmetjs.github.io/) sets all of them (and removes the',
        '`X-Powered-By: Express` banner) with one middleware; it protects only the app object it is registered on,',
        'and only the routes registered after it.',
        '',
        '**Fix:** register helmet on every app that is served, before any route or router:',
        '',
        '```js',
        "const helmet = require('helmet');",
        'const app = express();',
        'app.use(helmet());                       // first',
        "app.use('/api', apiRouter);",
        'app.listen(3000);',
        '```',
        '',
        "Koa: `app.use(require('koa-helmet')())`. Fastify: `fastify.register(require('@fastify/helmet'))`.",
        'NestJS: `app.use(helmet())` in main.ts (Fastify adapter: `await app.register(helmet)` from @fastify/helmet).',
        'Without helmet at least call `app.disable(\'x-powered-by\')` and set the headers yourself.',
        '',
        'Do not switch protections off (`contentSecurityPolicy: false`, `frameguard: false`, `hsts: false`,',
        '`noSniff: false`): configure them instead, e.g. `contentSecurityPolicy: { directives: { ... } }`.',
        'Sub-apps mounted on a protected app, Routers and apps created in tests are not reported. Header middleware',
        'of your own can be named in the configuration; when a reverse proxy or CDN sets these headers for every',
        'response, disable this rule.',
      ].join('\n'),
      references: [
        'https://cwe.mitre.org/data/definitions/693.html',
        'https://cwe.mitre.org/data/definitions/1021.html',
        'https://helmetjs.github.io/',
        'https://expressjs.com/en/advanced/best-practice-security.html#use-helmet',
        'https://owasp.org/www-project-secure-headers/',
      ],
    },
    project,
  });
}

export default createMissingHelmetRule();
