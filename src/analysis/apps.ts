/**
 * App-object knowledge: which calls create an HTTP application object (Express, Fastify, Koa,
 * NestJS with the Express or Fastify adapter), which of its methods register middleware or
 * plugins, register routes or return the app again, and which calls serve it (`listen`,
 * http(s).createServer, serverless wrappers). Rules that follow an app object through a project
 * (missing-helmet) take their framework facts from here; request handlers and request sources
 * stay in frameworks.ts. Every function here is a cheap check of one node.
 */
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { ResolvedRef, RuleContext } from '../rule.js';
import { apiPath } from './modules.js';
import { isFunction, propName, unwrap } from './walk.js';
import type { Node } from './walk.js';

export type AppKind = 'express' | 'fastify' | 'koa' | 'nest' | 'nest-fastify';

export const APP_LABEL: Record<AppKind, string> = {
  express: 'Express',
  fastify: 'Fastify',
  koa: 'Koa',
  nest: 'NestJS',
  'nest-fastify': 'NestJS (Fastify)',
};

/** Apps whose middleware runs in registration order (a route registered first answers first). */
export const ORDERED_MIDDLEWARE: ReadonlySet<AppKind> = new Set<AppKind>(['express', 'koa', 'nest']);

/** What the app helpers need from a rule context. */
export type AppHelpers = Pick<RuleContext, 'resolve' | 'constantValue' | 'variableOf' | 'initOf'>;

/** Methods that register middleware or plugins on an app: Express/Koa/Nest `use`, Fastify `register`. */
export const REGISTER_METHODS: ReadonlySet<string> = new Set(['use', 'register']);
/** Methods that serve an app. */
export const LISTEN_METHODS: ReadonlySet<string> = new Set(['listen']);
/** Route registrations (with a path as first argument). */
export const ROUTE_METHODS: ReadonlySet<string> = new Set([
  'get',
  'post',
  'put',
  'delete',
  'del',
  'patch',
  'all',
  'options',
  'head',
  'route',
  'search',
]);
/** Methods whose result is the app again (`app.use(a).use(b)`), or its request handler (Koa `callback`). */
export const CHAINING_METHODS: ReadonlySet<string> = new Set(['use', 'register', 'set', 'enable', 'disable', 'callback']);

/** Packages whose functions turn an HTTP app into a serverless handler, and the export paths that do. */
const SERVERLESS: Record<string, string[][]> = {
  'serverless-http': [[]],
  '@vendia/serverless-express': [[], ['configure']],
  '@codegenie/serverless-express': [[], ['configure']],
  'aws-serverless-express': [['createServer']],
  '@fastify/aws-lambda': [[]],
  'aws-lambda-fastify': [[]],
  'azure-function-express': [['createHandler']],
  'firebase-functions': [['https', 'onRequest']],
  'firebase-functions/v1': [['https', 'onRequest']],
  'firebase-functions/v2': [['https', 'onRequest']],
  'firebase-functions/v2/https': [['onRequest']],
  'firebase-functions/https': [['onRequest']],
};

/** Which kind of app a call or `new` creates, if any: `express()`, `Fastify()`, `new Koa()`, `NestFactory.create()`. */
export function appKindOfCreation(node: TSESTree.CallExpression | TSESTree.NewExpression, h: AppHelpers): AppKind | undefined {
  const ref = h.resolve(node.callee);
  if (!ref) return undefined;
  return appKindOfRef(ref, node, h);
}

/** Same as appKindOfCreation when the callee is already resolved. */
export function appKindOfRef(ref: ResolvedRef, node: TSESTree.CallExpression | TSESTree.NewExpression, h: AppHelpers): AppKind | undefined {
  const p = apiPath(ref);
  switch (ref.module) {
    case 'express':
      return node.type === 'CallExpression' && p.length === 0 ? 'express' : undefined;
    case 'fastify':
      return p.length === 0 || (p.length === 1 && p[0] === 'fastify') ? 'fastify' : undefined;
    case 'koa':
      return node.type === 'NewExpression' && (p.length === 0 || (p.length === 1 && p[0] === 'Koa')) ? 'koa' : undefined;
    case '@nestjs/core':
      if (node.type !== 'CallExpression' || p.length !== 2 || p[0] !== 'NestFactory' || p[1] !== 'create') return undefined;
      return isFastifyAdapter(node.arguments[1], h) ? 'nest-fastify' : 'nest';
    default:
      return undefined;
  }
}

function isFastifyAdapter(arg: Node | undefined, h: AppHelpers, depth = 0): boolean {
  if (!arg || depth > 3) return false;
  const a = unwrap(arg);
  if (a.type === 'NewExpression') {
    const r = h.resolve(a.callee);
    return !!r && r.module === '@nestjs/platform-fastify';
  }
  if (a.type === 'Identifier') {
    const v = h.variableOf(a);
    const init = v && h.initOf(v);
    return !!init && init.path.length === 0 && isFastifyAdapter(init.init, h, depth + 1);
  }
  return false;
}

/** A module whose calls create apps at all (a cheap pre-check before appKindOfRef). */
export function isAppModule(module: string): boolean {
  return module === 'express' || module === 'fastify' || module === 'koa' || module === '@nestjs/core';
}

export type ServeHow = 'createServer' | 'serverless';

/** Whether a call serves the app passed as its argument: http(s).createServer(app), serverless(app). */
export function servesArgument(call: TSESTree.CallExpression | TSESTree.NewExpression, h: AppHelpers): ServeHow | undefined {
  const ref = h.resolve(call.callee);
  return ref ? serveHowOfRef(ref) : undefined;
}

export function serveHowOfRef(ref: ResolvedRef): ServeHow | undefined {
  const p = apiPath(ref);
  if (ref.module === 'http' || ref.module === 'https' || ref.module === 'http2' || ref.module === 'spdy') {
    return p.length === 1 && (p[0] === 'createServer' || p[0] === 'createSecureServer') ? 'createServer' : undefined;
  }
  const paths = SERVERLESS[ref.module];
  if (!paths) return undefined;
  const key = p.join('.');
  return paths.some((x) => x.join('.') === key) ? 'serverless' : undefined;
}

/**
 * Calls that mount the app passed to them inside another app or adapter, so the outer object is
 * the one served: koa-mount, vhost, `new ExpressAdapter(expressApp)` / `new FastifyAdapter(...)`
 * (a NestJS app drives it).
 */
export function mountsArgument(ref: ResolvedRef): boolean {
  const p = apiPath(ref).join('.');
  if (ref.module === 'koa-mount' || ref.module === 'vhost') return p === '';
  if (ref.module === '@nestjs/platform-express') return p === 'ExpressAdapter';
  if (ref.module === '@nestjs/platform-fastify') return p === 'FastifyAdapter';
  return false;
}

/** Methods that serve an app of this kind besides `listen` (a NestJS app after `init()` is handed to a server). */
export function servesByMethod(kind: AppKind | undefined, method: string): boolean {
  return LISTEN_METHODS.has(method) || ((kind === 'nest' || kind === 'nest-fastify') && method === 'init');
}

/** `fp(plugin)` (fastify-plugin) -> the plugin function it wraps; anything else unchanged. */
export function unwrapPluginWrapper(node: Node, h: AppHelpers): Node {
  const n = unwrap(node);
  if (n.type === 'CallExpression' && n.arguments.length >= 1) {
    const ref = h.resolve(n.callee);
    if (ref && ref.module === 'fastify-plugin' && apiPath(ref).length === 0) return n.arguments[0];
  }
  return n;
}

/** A plugin whose registrations cannot be seen statically (@fastify/autoload loads a folder). */
export function isOpaquePlugin(node: Node, h: AppHelpers): boolean {
  const ref = h.resolve(node);
  return !!ref && (ref.module === '@fastify/autoload' || ref.module === 'fastify-autoload');
}

/** A route path: '/x', '*', a regex, or an array of them. */
export function isRoutePath(n: Node | undefined, h: AppHelpers): boolean {
  if (!n) return false;
  const a = unwrap(n);
  if (a.type === 'Literal' && (a as any).regex) return true;
  if (a.type === 'ArrayExpression') return a.elements.length > 0 && a.elements.every((e) => !!e && isRoutePath(e as Node, h));
  const v = h.constantValue(a);
  return typeof v === 'string' && (v.startsWith('/') || v === '*');
}

/** Cheap syntactic pre-check for a route call: a string literal path first, and a handler. */
export function looksLikeRouteCall(call: TSESTree.CallExpression): boolean {
  const a = call.arguments[0];
  if (!a || call.arguments.length < 2) return false;
  if (a.type === 'Literal') return typeof a.value === 'string' ? a.value.startsWith('/') || a.value === '*' : !!(a as any).regex;
  return a.type === 'TemplateLiteral' || a.type === 'ArrayExpression' || a.type === 'Identifier' || a.type === 'MemberExpression';
}

/**
 * Whether a call on an app registers something that answers requests: a route (`app.get('/x', h)`,
 * `app.route('/x')`, Fastify `route({...})`), a router or handler mounted on a path
 * (`app.use('/api', r)`), a Router (`app.use(router)`, Koa `app.use(router.routes())`) or static
 * files (`express.static`, serve-static, koa-static).
 */
export function isRouteRegistration(method: string, call: TSESTree.CallExpression, h: AppHelpers): boolean {
  const args = call.arguments;
  if (method === 'route') {
    if (args.length === 1 && unwrap(args[0]).type === 'ObjectExpression') return true;
    return isRoutePath(args[0], h);
  }
  if (ROUTE_METHODS.has(method)) return args.length >= 2 && isRoutePath(args[0], h);
  if (method !== 'use') return false;
  if (args.length >= 2 && isRoutePath(args[0], h)) return true;
  for (const a of args) if (isRouterOrStatic(a, h, 0)) return true;
  return false;
}

const ROUTER_MODULES = new Set(['express-promise-router', 'koa-router', '@koa/router', 'router']);
const STATIC_MODULES = new Set(['serve-static', 'koa-static', 'koa-static-cache', '@fastify/static']);

function isRouterOrStatic(arg: Node, h: AppHelpers, depth: number): boolean {
  if (depth > 3) return false;
  const a = unwrap(arg);
  if (a.type === 'CallExpression' || a.type === 'NewExpression') {
    const callee = unwrap(a.callee);
    // Koa: app.use(router.routes()), app.use(router.allowedMethods())
    if (a.type === 'CallExpression' && callee.type === 'MemberExpression') {
      const m = propName(callee);
      if ((m === 'routes' || m === 'middleware') && a.arguments.length === 0) return true;
    }
    const ref = h.resolve(callee);
    if (!ref) return false;
    const p = apiPath(ref).join('.');
    if (ref.module === 'express') return p === 'Router' || p === 'static';
    return ROUTER_MODULES.has(ref.module) || STATIC_MODULES.has(ref.module);
  }
  if (a.type === 'Identifier') {
    const v = h.variableOf(a);
    const init = v && h.initOf(v);
    return !!init && init.path.length === 0 && isRouterOrStatic(init.init, h, depth + 1);
  }
  return false;
}

/** The function a callee names in this file: a function declaration, or a const bound to a function. */
export function localFunction(callee: Node, h: AppHelpers): TSESTree.FunctionLike | undefined {
  const c = unwrap(callee);
  if (isFunction(c)) return c;
  if (c.type !== 'Identifier') return undefined;
  const v = h.variableOf(c);
  if (!v || v.defs.length !== 1) return undefined;
  const def = v.defs[0];
  if (def.type === 'FunctionName') return def.node as TSESTree.FunctionDeclaration;
  const init = h.initOf(v);
  if (init && init.path.length === 0) {
    const f = unwrap(init.init);
    if (isFunction(f)) return f;
  }
  return undefined;
}
