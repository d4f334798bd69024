/**
 * The ONE place that knows web frameworks: which functions are HTTP request handlers, which of
 * their parameters is the request, and which request properties carry attacker data.
 * Express (apps, Routers, route chains, middleware arrays), Koa (+ koa-router / @koa/router),
 * Fastify (shorthand routes, route({ handler })), NestJS decorators, node:http/https createServer.
 */
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import type { ModuleModel } from './modules.js';
import { apiPath } from './modules.js';
import { isFunction, propName, unwrap } from './walk.js';
import type { Node } from './walk.js';

export type Framework = 'express' | 'koa' | 'fastify' | 'http' | 'nest';

/** Request properties that hold attacker data (Express, Fastify, node:http). */
export const REQUEST_SOURCE_PROPS = new Set([
  'body',
  'query',
  'params',
  'headers',
  'cookies',
  'signedCookies',
  'url',
  'originalUrl',
  'path',
  'files',
  'file',
  'get',
  'header',
  'param',
  'raw',
  'rawHeaders',
  'hostname',
]);

/** Koa context properties that hold attacker data. */
export const KOA_SOURCE_PROPS = new Set([
  'request',
  'req',
  'query',
  'params',
  'headers',
  'header',
  'cookies',
  'url',
  'originalUrl',
  'path',
  'querystring',
  'body',
  'files',
  'get',
]);

const ROUTE_METHODS = new Set([
  'get',
  'post',
  'put',
  'delete',
  'del',
  'patch',
  'all',
  'use',
  'options',
  'head',
  'any',
]);

const NEST_SOURCE_DECORATORS = new Set([
  'Body',
  'Query',
  'Param',
  'Params',
  'Headers',
  'Req',
  'Request',
  'UploadedFile',
  'UploadedFiles',
  'Cookies',
  'Ip',
  'HostParam',
]);

const APP_MODULES: Record<string, Framework> = {
  express: 'express',
  'express-promise-router': 'express',
  koa: 'koa',
  'koa-router': 'koa',
  '@koa/router': 'koa',
  fastify: 'fastify',
  http: 'http',
  https: 'http',
  http2: 'http',
};

export interface HandlerReg {
  /** The handler: an inline function, or an expression naming one (resolved by the taint engine). */
  fn: Node;
  framework: Framework;
  /** Index of the request (or Koa context) parameter. */
  reqIndex: number;
}

/** Which framework a receiver (app, router) belongs to, by following it to its creation. */
function frameworkOfReceiver(obj: Node, mm: ModuleModel, depth = 0): Framework | undefined {
  const o = unwrap(obj);
  if (depth > 6) return undefined;
  if (o.type === 'Identifier') {
    const v = mm.bindings.variableOf(o);
    if (!v) return undefined;
    const init = mm.initOf(v);
    if (!init) return undefined;
    return frameworkOfReceiver(init.init, mm, depth + 1);
  }
  if (o.type === 'CallExpression' || o.type === 'NewExpression') {
    const ref = mm.resolve(o.callee);
    if (ref && APP_MODULES[ref.module]) return APP_MODULES[ref.module];
    // app.route('/x').get(...), router.use(...).get(...)
    if (o.callee.type === 'MemberExpression') return frameworkOfReceiver(o.callee.object, mm, depth + 1);
  }
  return undefined;
}

function isPathArg(n: Node | undefined, mm: ModuleModel): boolean {
  if (!n) return false;
  const a = unwrap(n);
  if (a.type === 'Literal' && (a as any).regex) return true;
  if (a.type === 'ArrayExpression') return a.elements.length > 0 && a.elements.every((e) => e && isPathArg(e as Node, mm));
  const v = mm.constantValue(a);
  return typeof v === 'string' && (v.startsWith('/') || v === '*');
}

/**
 * Route registrations in one call: `app.get('/x', mw, handler)`, `router.post(...)`,
 * `app.use(fn)`, `fastify.get('/x', opts, handler)`, `fastify.route({ handler })`,
 * `http.createServer(handler)`, `server.on('request', handler)`.
 */
export function handlersOfCall(call: TSESTree.CallExpression, mm: ModuleModel): HandlerReg[] {
  const callee = unwrap(call.callee);
  const out: HandlerReg[] = [];
  const ref = mm.resolve(callee);
  if (ref && (ref.module === 'http' || ref.module === 'https' || ref.module === 'http2')) {
    const p = apiPath(ref).join('.');
    if (p === 'createServer' || p === 'createSecureServer') {
      for (const a of call.arguments) if (isHandlerCandidate(a)) out.push({ fn: a, framework: 'http', reqIndex: 0 });
    }
    return out;
  }
  if (callee.type !== 'MemberExpression') return out;
  const method = propName(callee);
  if (!method) return out;
  const fw = frameworkOfReceiver(callee.object, mm);
  if (method === 'on' && call.arguments.length >= 2) {
    const ev = mm.constantValue(call.arguments[0]);
    if (ev === 'request' && fw === 'http') out.push({ fn: call.arguments[1], framework: 'http', reqIndex: 0 });
    return out;
  }
  if (method === 'route' && call.arguments.length === 1 && unwrap(call.arguments[0]).type === 'ObjectExpression') {
    const obj = unwrap(call.arguments[0]) as TSESTree.ObjectExpression;
    for (const p of obj.properties) {
      if (p.type === 'Property' && propName(p) === 'handler') out.push({ fn: p.value as Node, framework: 'fastify', reqIndex: 0 });
    }
    return out;
  }
  if (!ROUTE_METHODS.has(method)) return out;
  const args = call.arguments;
  const known = fw !== undefined && fw !== 'http';
  const hasPath = isPathArg(args[0], mm);
  if (!known && !hasPath) return out;
  if (!known && method === 'get' && args.length < 2) return out;
  const framework: Framework = fw && fw !== 'http' ? fw : 'express';
  for (let i = hasPath ? 1 : 0; i < args.length; i++) {
    const a = unwrap(args[i]);
    const items = a.type === 'ArrayExpression' ? (a.elements.filter(Boolean) as Node[]) : [a];
    for (const it of items) {
      if (!isHandlerCandidate(it)) continue;
      const fnFw = isFunction(it) ? koaOrExpress(it, framework) : framework;
      out.push({ fn: it, framework: fnFw, reqIndex: 0 });
    }
  }
  return out;
}

function koaOrExpress(fn: TSESTree.FunctionLike, fw: Framework): Framework {
  if (fw !== 'express') return fw;
  const p = fn.params[0];
  if (p && p.type === 'Identifier' && (p.name === 'ctx' || p.name === 'context')) return 'koa';
  return fw;
}

function isHandlerCandidate(n: Node): boolean {
  const a = unwrap(n);
  if (isFunction(a)) return a.params.length >= 1;
  return a.type === 'Identifier' || a.type === 'MemberExpression' || a.type === 'CallExpression';
}

/** For a request parameter of a handler: does reading `prop` on it yield attacker data? */
export function isRequestSourceProp(framework: Framework, prop: string | undefined): boolean {
  if (prop === undefined) return false;
  if (prop === '*') return true;
  return framework === 'koa' ? KOA_SOURCE_PROPS.has(prop) : REQUEST_SOURCE_PROPS.has(prop);
}

/** NestJS: parameters decorated with @Body(), @Query(), @Param(), @Headers(), @Req() ... */
export function nestSourceParams(fn: TSESTree.FunctionLike): number[] {
  const out: number[] = [];
  fn.params.forEach((p: any, i) => {
    const decos: any[] = p.decorators ?? (p.parameter?.decorators ?? []);
    for (const d of decos) {
      const e = unwrap(d.expression);
      const callee = e.type === 'CallExpression' ? unwrap(e.callee) : e;
      if (callee.type === 'Identifier' && NEST_SOURCE_DECORATORS.has(callee.name)) {
        out.push(i);
        break;
      }
    }
  });
  return out;
}

/** Koa / Express middleware that is a request handler by its parameter names alone. */
export function looksLikeHandlerByParams(fn: TSESTree.FunctionLike): Framework | undefined {
  const names = fn.params.map((p: any) => (p.type === 'Identifier' ? p.name : p.type === 'TSParameterProperty' ? '' : ''));
  if (names.length >= 2 && (names[0] === 'req' || names[0] === 'request') && (names[1] === 'res' || names[1] === 'response' || names[1] === 'reply'))
    return 'express';
  return undefined;
}
