/**
 * hardcoded-secret: provider tokens, private keys and literal credentials in source and config.
 *
 * JS/TS, in the engine's single walk:
 *  - provider token formats and PEM private keys: findProviderSecrets over the whole file text once
 *    (string literals, template literals, comments, JSX text, concatenated PEM lines);
 *  - string literals bound to a secret-ish name (variable, property, class field, assignment
 *    target, default parameter, header name, JSX attribute): findNamedSecret, which applies the
 *    placeholder and entropy filters; `'a' + 'b'` and constant templates are folded first;
 *  - constants where code USES a secret, recognised by module through ctx.resolve (jsonwebtoken
 *    keys, express-session / cookie-session / cookie-parser secrets, passport strategy client
 *    secrets, crypto HMAC and cipher keys, database, ORM, Redis and SMTP passwords): any real
 *    constant value counts there, weak ones included, followed through `const` bindings;
 *  - `process.env.X || 'literal'` (or `??`): the literal fallback is reported at medium.
 * Non-JS files (.env, .env.*, JSON, YAML, .npmrc): scanConfigText.
 * Findings in test, fixture and example paths are low. Messages carry only redact(secret); the scan
 * masks the finding's range in report snippets (meta.redact).
 */
import type { TSESTree } from '@typescript-eslint/typescript-estree';
import { defineRule } from '../src/rule.js';
import type { Location, RuleContext, Severity } from '../src/rule.js';
import { apiPath } from '../src/analysis/modules.js';
import { propName, unwrap } from '../src/analysis/walk.js';
import { ownString } from '../src/analysis/compact.js';
import {
  findNamedSecret,
  findProviderSecrets,
  isLikelySecretName,
  redact,
  scanConfigText,
  wantsSecretTextFile,
} from '../src/secrets/detect.js';
import type { SecretMatch } from '../src/secrets/detect.js';

type Node = TSESTree.Node;

/** Shorter strings are never checked by name (the shortest accepted password is 6 characters). */
const MIN_NAMED = 6;
const FIX = 'load it from the environment or a secret manager, and rotate it';

// ---------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------

function keyName(key: any, computed: boolean): string | undefined {
  if (!key) return undefined;
  if (key.type === 'Identifier' && !computed) return key.name;
  if (key.type === 'PrivateIdentifier') return key.name;
  if (key.type === 'Literal' && typeof key.value === 'string') return key.value;
  if (key.type === 'TemplateLiteral' && key.expressions.length === 0) return key.quasis[0]?.value.cooked ?? undefined;
  return undefined;
}

function targetName(node: any): string | undefined {
  if (!node) return undefined;
  if (node.type === 'Identifier') return node.name;
  if (node.type === 'MemberExpression') return keyName(node.property, node.computed && node.property.type !== 'Literal');
  return undefined;
}

/** `process.env.NAME` (or `import.meta.env.NAME`): NAME. */
function envName(node: any): string | undefined {
  const n = node && unwrap(node);
  if (n?.type !== 'MemberExpression') return undefined;
  const obj = unwrap(n.object) as any;
  if (obj.type === 'MemberExpression' && !obj.computed && obj.property.type === 'Identifier' && obj.property.name === 'env') {
    return keyName(n.property, n.computed && n.property.type !== 'Literal');
  }
  return undefined;
}

interface Binding {
  /** The variable, property, key or header name the value is bound to. */
  name?: string;
  /** The value is the right side of `x || value` / `x ?? value` with a non-constant `x`. */
  fallback?: { env?: string };
}

/** What a string expression is bound to, walking up through wrappers, `||`/`??` and `?:`. */
function bindingOf(node: Node, ctx: RuleContext): Binding {
  let child: any = node;
  let fallback: Binding['fallback'];
  for (let p: any = (node as any).parent; p; child = p, p = p.parent) {
    switch (p.type) {
      case 'VariableDeclarator':
        return { name: p.init === child ? targetName(p.id) : undefined, fallback };
      case 'Property':
      case 'PropertyDefinition':
        return { name: p.value === child ? keyName(p.key, p.computed) : undefined, fallback };
      case 'AssignmentExpression':
      case 'AssignmentPattern':
        return { name: p.right === child ? targetName(p.left) : undefined, fallback };
      case 'TSEnumMember':
        return { name: p.initializer === child ? keyName(p.id, !!p.computed) : undefined, fallback };
      case 'JSXExpressionContainer':
        continue;
      case 'JSXAttribute':
        return { name: p.name?.type === 'JSXIdentifier' ? p.name.name : undefined, fallback };
      case 'CallExpression':
      case 'NewExpression': {
        // headers.set('x-api-key', '...'), res.setHeader('Authorization', '...')
        const first = p.arguments[0];
        if (p.arguments[1] === child && first?.type === 'Literal' && typeof first.value === 'string' && /^[A-Za-z][A-Za-z0-9_-]{0,60}$/.test(first.value)) {
          return { name: first.value, fallback };
        }
        return { name: fallback?.env, fallback };
      }
      case 'LogicalExpression':
        if (p.right !== child || p.operator === '&&') return { fallback };
        if (!fallback && !ctx.isConstant(p.left)) fallback = { env: envName(p.left) };
        continue;
      case 'ConditionalExpression':
        if (p.test === child) return {};
        continue;
      case 'TSAsExpression':
      case 'TSSatisfiesExpression':
      case 'TSNonNullExpression':
      case 'TSTypeAssertion':
      case 'ChainExpression':
      case 'AwaitExpression':
        continue;
      default:
        return { name: fallback?.env, fallback };
    }
  }
  return { name: fallback?.env, fallback };
}

/** Names are judged many times per file (type, id, name ...): remember the answer. */
const nameCache = new Map<string, boolean>();
function nameMayHoldSecret(name: string): boolean {
  let v = nameCache.get(name);
  if (v === undefined) {
    // matchNamedProvider with a value no pattern accepts answers "no" cheaply; the question is the name.
    v = isLikelySecretName(name) || namedProviderName(name);
    if (nameCache.size > 20000) nameCache.clear();
    // A copy of the name: the parser's names are slices of the file's text, and a slice kept here
    // would keep the whole text of every file scanned alive.
    nameCache.set(ownString(name), v);
  }
  return v;
}
const NAMED_PROVIDER_HINT = /aws|braintree|paypal|firebase|twilio|mailgun|heroku|cloudflare|cf|okta|jira|atlassian|confluence|relic|datadog|dd|key|token|secret/i;
function namedProviderName(name: string): boolean {
  return NAMED_PROVIDER_HINT.test(name);
}

// ---------------------------------------------------------------------------------------------
// Constant folding: ctx.constantValue plus Buffer.from(x).toString(enc) and btoa(x)
// ---------------------------------------------------------------------------------------------

function fold(node: Node, ctx: RuleContext, depth = 0): string | undefined {
  if (depth > 20) return undefined;
  const n = unwrap(node) as any;
  if (n.type === 'Literal') return typeof n.value === 'string' ? n.value : undefined;
  if (n.type === 'BinaryExpression' && n.operator === '+') {
    const a = fold(n.left, ctx, depth + 1);
    if (a === undefined) return undefined;
    const b = fold(n.right, ctx, depth + 1);
    return b === undefined ? undefined : a + b;
  }
  if (n.type === 'TemplateLiteral') {
    let s = n.quasis[0].value.cooked ?? '';
    for (let i = 0; i < n.expressions.length; i++) {
      const v = fold(n.expressions[i], ctx, depth + 1);
      if (v === undefined) return undefined;
      s += v + (n.quasis[i + 1].value.cooked ?? '');
    }
    return s;
  }
  if (n.type === 'CallExpression') {
    const callee = unwrap(n.callee) as any;
    // Buffer.from('user:pass').toString('base64')
    if (callee.type === 'MemberExpression' && propName(callee) === 'toString') {
      const inner = bufferFrom(callee.object, ctx, depth);
      const enc = n.arguments[0] ? fold(n.arguments[0], ctx, depth + 1) : 'utf8';
      if (inner === undefined || enc === undefined || !Buffer.isEncoding(enc)) return undefined;
      return inner.toString(enc);
    }
    const ref = ctx.resolve(callee);
    if (ref && ref.module === '<global>' && apiPath(ref).join('.') === 'btoa' && n.arguments[0]) {
      const v = fold(n.arguments[0], ctx, depth + 1);
      return v === undefined ? undefined : Buffer.from(v, 'latin1').toString('base64');
    }
    return undefined;
  }
  const v = ctx.constantValue(n);
  return typeof v === 'string' ? v : undefined;
}

/** `Buffer.from(<constant>[, enc])`. */
function bufferFrom(node: Node, ctx: RuleContext, depth: number): Buffer | undefined {
  const n = unwrap(node) as any;
  if (n.type !== 'CallExpression' || !n.arguments[0]) return undefined;
  const ref = ctx.resolve(n.callee);
  if (!ref || (ref.module !== '<global>' && ref.module !== 'buffer') || apiPath(ref).join('.') !== 'Buffer.from') return undefined;
  const v = fold(n.arguments[0], ctx, depth + 1);
  if (v === undefined) return undefined;
  const enc = n.arguments[1] ? fold(n.arguments[1], ctx, depth + 1) : 'utf8';
  if (enc === undefined || !Buffer.isEncoding(enc)) return undefined;
  return Buffer.from(v, enc);
}

// ---------------------------------------------------------------------------------------------
// Where code uses a secret
// ---------------------------------------------------------------------------------------------

/** Where a secret value is taken from: an argument, or a property path inside an object argument. */
type Pick = { arg: number; props?: string[][]; uri?: boolean; array?: boolean };

interface SecretSink {
  /** Module names, or a test on the module name. */
  modules: string[] | ((m: string) => boolean);
  /** apiPath joined with "." ("" = the module itself); "*" = any. */
  paths: string[];
  /** What the value is, for messages: "jsonwebtoken key". */
  label: string;
  picks: Pick[];
  /** Local databases are dev setups, not leaked credentials. */
  db?: boolean;
  /** A public key or certificate is a valid value here (verify). */
  publicOk?: boolean;
}

const P = (...paths: string[]): string[][] => paths.map((p) => p.split('.'));

const SINKS: SecretSink[] = [
  { modules: ['jsonwebtoken'], paths: ['sign'], label: 'jsonwebtoken signing key', picks: [{ arg: 1 }] },
  { modules: ['jsonwebtoken'], paths: ['verify'], label: 'jsonwebtoken verification key', picks: [{ arg: 1 }], publicOk: true },
  { modules: ['jwt-simple'], paths: ['encode', 'decode'], label: 'jwt-simple key', picks: [{ arg: 1 }], publicOk: true },
  { modules: ['express-jwt', 'koa-jwt'], paths: ['', 'expressjwt'], label: 'JWT middleware secret', picks: [{ arg: 0, props: P('secret') }], publicOk: true },
  { modules: ['express-session'], paths: [''], label: 'express-session secret', picks: [{ arg: 0, props: P('secret'), array: true }] },
  { modules: ['cookie-session'], paths: [''], label: 'cookie-session key', picks: [{ arg: 0, props: P('secret', 'keys'), array: true }] },
  { modules: ['cookie-parser'], paths: [''], label: 'cookie-parser secret', picks: [{ arg: 0, array: true }] },
  {
    modules: (m) => /^(?:@[a-z0-9-]+\/)?passport-[a-z0-9-]+$/.test(m),
    paths: ['*'],
    label: 'passport strategy secret',
    picks: [{ arg: 0, props: P('clientSecret', 'consumerSecret', 'secretOrKey') }],
    publicOk: true,
  },
  { modules: ['crypto'], paths: ['createHmac', 'createCipheriv', 'createDecipheriv'], label: 'crypto key', picks: [{ arg: 1 }] },
  { modules: ['crypto'], paths: ['createSecretKey'], label: 'crypto key', picks: [{ arg: 0 }] },
  {
    modules: ['sequelize', '@sequelize/core'],
    paths: ['', 'Sequelize'],
    label: 'Sequelize database password',
    picks: [{ arg: 2 }, { arg: 0, uri: true, props: P('password') }, { arg: 3, props: P('password') }, { arg: 1, props: P('password') }],
    db: true,
  },
  {
    modules: ['mysql', 'mysql2', 'mysql2/promise'],
    paths: ['createConnection', 'createPool', 'createPoolCluster', 'connect'],
    label: 'MySQL password',
    picks: [{ arg: 0, uri: true, props: P('password', 'uri') }],
    db: true,
  },
  { modules: ['pg', 'pg-pool'], paths: ['', 'Pool', 'Client'], label: 'PostgreSQL password', picks: [{ arg: 0, props: P('password', 'connectionString') }], db: true },
  { modules: ['postgres'], paths: [''], label: 'PostgreSQL password', picks: [{ arg: 0, uri: true, props: P('password', 'pass') }, { arg: 1, props: P('password', 'pass') }], db: true },
  {
    modules: ['mongoose'],
    paths: ['connect', 'createConnection'],
    label: 'MongoDB password',
    picks: [{ arg: 0, uri: true }, { arg: 1, props: P('pass', 'auth.password') }],
    db: true,
  },
  { modules: ['mongodb'], paths: ['MongoClient', 'MongoClient.connect', 'connect'], label: 'MongoDB password', picks: [{ arg: 0, uri: true }, { arg: 1, props: P('auth.password') }], db: true },
  {
    modules: ['knex'],
    paths: ['', 'knex'],
    label: 'knex database password',
    picks: [{ arg: 0, uri: true, props: P('connection', 'connection.password', 'connection.connectionString') }],
    db: true,
  },
  { modules: ['typeorm'], paths: ['DataSource', 'createConnection'], label: 'TypeORM database password', picks: [{ arg: 0, props: P('password', 'url') }], db: true },
  { modules: ['mssql'], paths: ['connect', 'ConnectionPool'], label: 'SQL Server password', picks: [{ arg: 0, uri: true, props: P('password') }], db: true },
  { modules: ['ioredis'], paths: ['', 'Redis'], label: 'Redis password', picks: [{ arg: 0, uri: true, props: P('password') }, { arg: 1, props: P('password') }, { arg: 2, props: P('password') }], db: true },
  { modules: ['redis'], paths: ['createClient'], label: 'Redis password', picks: [{ arg: 0, props: P('password', 'url') }], db: true },
  {
    modules: ['nodemailer'],
    paths: ['createTransport'],
    label: 'nodemailer SMTP password',
    picks: [{ arg: 0, uri: true, props: P('auth.pass', 'auth.password', 'url') }],
    db: true,
  },
];

function sinkFor(module: string, path: string): SecretSink | undefined {
  for (const s of SINKS) {
    const modOk = typeof s.modules === 'function' ? s.modules(module) : s.modules.includes(module);
    if (modOk && (s.paths.includes('*') || s.paths.includes(path))) return s;
  }
  return undefined;
}

/** A constant a secret-using call receives, traced back to the expression that spells it. */
interface Origin {
  node: Node;
  value: string;
  fallback?: { env?: string };
  /** The object literal the value was found in (for a `host` next to a password). */
  holder?: TSESTree.ObjectExpression;
}

/** Follow identifiers (const bindings) and member paths to an expression. */
function deref(node: Node, ctx: RuleContext, depth: number): Node | undefined {
  if (depth > 12) return undefined;
  const n = unwrap(node) as any;
  if (n.type === 'Identifier') {
    const v = ctx.variableOf(n);
    const init = v ? ctx.initOf(v) : undefined;
    if (!init) return n;
    let target: Node | undefined = init.init;
    for (const key of init.path) {
      const obj: Node | undefined = target && deref(target, ctx, depth + 1);
      target = obj ? property(obj, key) : undefined;
      if (!target) return undefined;
    }
    return target ? deref(target, ctx, depth + 1) : undefined;
  }
  if (n.type === 'MemberExpression' && !n.computed) {
    const obj = deref(n.object, ctx, depth + 1);
    const key = propName(n);
    const p = obj && key !== undefined && obj.type === 'ObjectExpression' ? property(obj, key) : undefined;
    return p ? deref(p, ctx, depth + 1) : n;
  }
  return n;
}

function property(obj: Node, key: string): Node | undefined {
  if (obj.type !== 'ObjectExpression') return undefined;
  let found: Node | undefined;
  for (const p of obj.properties) {
    if (p.type === 'SpreadElement') continue;
    if (propName(p) === key) found = p.value as Node;
  }
  return found;
}

/** The constant string(s) an expression holds, each with the expression to report. */
function originsOf(node: Node, ctx: RuleContext, depth: number, array: boolean, out: Origin[], fallback?: Origin['fallback']): void {
  if (depth > 12) return;
  const n = deref(node, ctx, depth);
  if (!n) return;
  if (n.type === 'LogicalExpression' && n.operator !== '&&') {
    if (ctx.isConstant(n.left)) originsOf(n.left, ctx, depth + 1, array, out, fallback);
    originsOf(n.right, ctx, depth + 1, array, out, fallback ?? { env: envName(n.left) });
    return;
  }
  if (n.type === 'ConditionalExpression') {
    // `prod ? process.env.S : 'dev-secret'`: a constant branch next to a non-constant one is a fallback.
    const both = ctx.isConstant(n.consequent) && ctx.isConstant(n.alternate);
    originsOf(n.consequent, ctx, depth + 1, array, out, fallback ?? (both ? undefined : { env: envName(n.alternate) }));
    originsOf(n.alternate, ctx, depth + 1, array, out, fallback ?? (both ? undefined : { env: envName(n.consequent) }));
    return;
  }
  if (array && n.type === 'ArrayExpression') {
    for (const e of n.elements) if (e && e.type !== 'SpreadElement') originsOf(e, ctx, depth + 1, false, out, fallback);
    return;
  }
  if (n.type === 'CallExpression') {
    // Buffer.from('...'), crypto.scryptSync('password', salt, 32): the constant the key is made from.
    const ref = ctx.resolve(n.callee);
    const path = ref ? apiPath(ref).join('.') : '';
    const derives =
      ref &&
      ((ref.module === '<global>' && path === 'Buffer.from') ||
        (ref.module === 'buffer' && path === 'Buffer.from') ||
        (ref.module === 'crypto' && (path === 'scryptSync' || path === 'pbkdf2Sync')));
    if (derives && n.arguments[0]) originsOf(n.arguments[0], ctx, depth + 1, false, out, fallback);
    return;
  }
  const value = fold(n, ctx);
  if (value !== undefined) out.push({ node: n, value, fallback });
}

/** Values that are not a usable credential: empty, references, templates, masks, obvious placeholders. */
function notACredential(v: string): boolean {
  const t = v.trim();
  if (t.length === 0) return true;
  if (/\$\{|\{\{|<%|#\{/.test(t)) return true;
  if (/^<[^<>]{1,80}>$/.test(t) || /^\$[A-Za-z_][A-Za-z0-9_]{0,100}$/.test(t) || /^%[A-Za-z_][A-Za-z0-9_]{0,100}%$/.test(t)) return true;
  if (/\*{3,}|•{3,}|x{4,}|X{4,}|…/.test(t)) return true;
  if (/change[_-]?me|your[_-]|placeholder|replace[_-]?(?:me|this|with)|redacted|insert[_-]|goes[_-]?here/i.test(t)) return true;
  return false;
}

const PUBLIC_MATERIAL = /-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP )?PUBLIC KEY(?: BLOCK)?-----|-----BEGIN CERTIFICATE-----/;
/** Keys whose value is a connection string, never a bare password. */
const URI_KEYS = new Set(['url', 'uri', 'connectionString', 'connection']);
const LOCAL_HOST = /^(?:localhost|127(?:\.[0-9]{1,3}){3}|\[?::1\]?|0\.0\.0\.0|host\.docker\.internal)$/i;

/** `scheme://user:password@host`: the password and where it starts in the string. */
function uriPassword(v: string): { password: string; index: number; host: string } | undefined {
  const m = /^[A-Za-z][A-Za-z0-9+.-]{0,30}:\/\/([^:/?#@\s]{0,200}):([^@/?#\s]{1,300})@\[?([^/?#:\s\]]{1,255})/.exec(v);
  if (!m) return undefined;
  return { password: m[2]!, index: m[0].indexOf(':', m[0].indexOf('//') + 2) + 1, host: m[3]! };
}

// ---------------------------------------------------------------------------------------------
// The rule
// ---------------------------------------------------------------------------------------------

interface Hit {
  start: number;
  end: number;
  /** A whole node when the secret's own offsets are unknown (escapes, folded expressions). */
  node?: Node;
  message: string;
  severity: Severity;
  /** The secret itself, to drop a folded hit that repeats a secret reported where it is written. */
  secret?: string;
  /** Found by folding an expression that may read constants declared elsewhere. */
  folded?: boolean;
}

function create(ctx: RuleContext) {
  const text = ctx.text;
  const provider: SecretMatch[] = [];
  /** Provider matches claimed by a string literal: index -> severity in that context. */
  const claimed = new Map<number, { severity: Severity; fallback?: Binding['fallback'] }>();
  const hits: Hit[] = [];
  const sinkCalls: Array<{ call: TSESTree.CallExpression | TSESTree.NewExpression; sink: SecretSink }> = [];
  let lineStarts: number[] | undefined;

  const sev = (s: Severity, fallback?: unknown): Severity => (ctx.isTestFile ? 'low' : fallback && s !== 'low' ? 'medium' : s);
  const fallbackNote = (fb?: Binding['fallback']) => (fb ? ` (fallback for ${fb.env ? `process.env.${fb.env}` : 'a missing value'})` : '');

  /** Offset in the file of `value[i]` for a literal whose raw text equals its value (no escapes). */
  function rawOffset(node: any, valueText: string): number | undefined {
    const [s, e] = node.range as [number, number];
    if (node.type === 'Literal') return text.slice(s + 1, e - 1) === valueText ? s + 1 : undefined;
    if (node.type === 'TemplateLiteral' && node.expressions.length === 0) return text.slice(s + 1, e - 1) === valueText ? s + 1 : undefined;
    return undefined;
  }

  function addMatch(node: any, value: string, m: SecretMatch, severity: Severity, message: string) {
    const base = rawOffset(node, value);
    const secret = value.slice(m.index, m.index + m.length);
    if (base !== undefined) hits.push({ start: base + m.index, end: base + m.index + m.length, message, severity, secret });
    else hits.push({ start: node.range[0], end: node.range[1], node, message, severity, secret });
  }

  /** Provider matches inside [s, e), found by binary search over the sorted whole-text matches. */
  function providerIn(s: number, e: number): SecretMatch[] {
    if (!provider.length) return [];
    let lo = 0;
    let hi = provider.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (provider[mid]!.index < s) lo = mid + 1;
      else hi = mid;
    }
    const out: SecretMatch[] = [];
    for (let i = lo; i < provider.length && provider[i]!.index < e; i++) out.push(provider[i]!);
    return out;
  }

  /** A string literal or a constant template: claim provider matches, else check by name. */
  function checkString(node: any, value: string) {
    const inside = providerIn(node.range[0], node.range[1]);
    if (inside.length) {
      const b = bindingOf(node, ctx);
      for (const m of inside) claimed.set(m.index, { severity: sev(m.severity, b.fallback), fallback: b.fallback });
      return;
    }
    if (value.length < MIN_NAMED) return;
    checkNamed(node, value);
  }

  function checkNamed(node: any, value: string) {
    const b = bindingOf(node, ctx);
    if (!b.name || !nameMayHoldSecret(b.name)) return;
    const m = findNamedSecret(b.name, value);
    if (!m) return;
    addMatch(node, value, m, sev(m.severity, b.fallback), `${m.message}${fallbackNote(b.fallback)}: ${FIX}.`);
  }

  /** `'Basic ' + Buffer.from('u:p').toString('base64')`, `PREFIX + 'abc'`, `${A}${B}`: fold, then check. */
  function checkFolded(node: any) {
    const b = bindingOf(node, ctx);
    const value = fold(node, ctx);
    if (value === undefined || value.length < MIN_NAMED) return;
    const ms = findProviderSecrets(value);
    const m = ms[0] ?? (b.name && nameMayHoldSecret(b.name) ? findNamedSecret(b.name, value) : undefined);
    if (!m) return;
    const secret = value.slice(m.index, m.index + m.length);
    hits.push({ start: node.range[0], end: node.range[1], node, severity: sev(m.severity, b.fallback), message: `${m.message}${fallbackNote(b.fallback)}: ${FIX}.`, secret, folded: true });
  }

  function onCall(call: TSESTree.CallExpression | TSESTree.NewExpression) {
    if (!call.arguments.length) return;
    const callee = unwrap(call.callee);
    if (callee.type !== 'Identifier' && callee.type !== 'MemberExpression' && callee.type !== 'CallExpression') return;
    const ref = ctx.resolve(callee);
    if (!ref || ref.module === '<global>' || ref.module.startsWith('.')) return;
    const sink = sinkFor(ref.module, apiPath(ref).join('.'));
    if (sink) sinkCalls.push({ call, sink });
  }

  function checkSink(call: TSESTree.CallExpression | TSESTree.NewExpression, sink: SecretSink) {
    // new Sequelize('db', 'user', 'pass', { host: 'localhost' }): a local development database.
    if (sink.db && call.arguments.some((a) => a.type !== 'SpreadElement' && localHostObject(deref(a, ctx, 0), ctx))) return;
    const origins: Array<Origin & { uriOnly: boolean }> = [];
    const collect = (v: Node, array: boolean, uriOnly: boolean, holder?: TSESTree.ObjectExpression) => {
      const found: Origin[] = [];
      originsOf(v, ctx, 0, array, found);
      for (const o of found) origins.push({ ...o, holder, uriOnly });
    };
    for (const pick of sink.picks) {
      const arg = call.arguments[pick.arg];
      if (!arg || arg.type === 'SpreadElement') continue;
      const target = deref(arg, ctx, 0);
      if (!target) continue;
      if (target.type === 'ObjectExpression') {
        for (const path of pick.props ?? []) {
          let holder: Node | undefined = target;
          let v: Node | undefined;
          for (let i = 0; i < path.length && holder; i++) {
            v = property(holder, path[i]!);
            if (v && i < path.length - 1) holder = deref(v, ctx, 0);
          }
          if (v && holder?.type === 'ObjectExpression') collect(v, !!pick.array, URI_KEYS.has(path[path.length - 1]!), holder);
        }
      } else if (!pick.props || pick.uri) {
        collect(arg, !!pick.array, !!pick.uri);
      }
    }
    for (const o of origins) {
      let value = o.value;
      let offsetInValue = 0;
      const uri = uriPassword(value);
      if (uri) {
        if (LOCAL_HOST.test(uri.host)) continue;
        let pw = uri.password;
        try {
          pw = decodeURIComponent(pw);
        } catch {
          /* keep the raw form */
        }
        if (notACredential(pw)) continue;
        value = uri.password;
        offsetInValue = uri.index;
      } else {
        if (o.uriOnly || /^[a-z][a-z0-9+.-]{1,30}:\/\//i.test(value)) continue; // a URI without a password
        if (notACredential(value)) continue;
        if (sink.publicOk && PUBLIC_MATERIAL.test(value)) continue;
        if (sink.db && o.holder && localHostObject(o.holder, ctx)) continue;
      }
      const severity = sev('high', o.fallback);
      const message = `Hardcoded ${sink.label}${fallbackNote(o.fallback)}: ${redact(value)}: ${FIX}.`;
      const base = rawOffset(o.node, o.value);
      if (base !== undefined) hits.push({ start: base + offsetInValue, end: base + offsetInValue + value.length, message, severity, secret: value });
      else hits.push({ start: o.node.range[0], end: o.node.range[1], node: o.node, message, severity, secret: value });
    }
  }

  function position(offset: number): { line: number; column: number } {
    if (!lineStarts) {
      lineStarts = [0];
      for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
    }
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - lineStarts[lo]! + 1 };
  }

  function locOfRange(s: number, e: number): Location {
    const a = position(s);
    const b = position(e);
    return { file: ctx.file, line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
  }

  return {
    Program() {
      provider.push(...findProviderSecrets(text));
    },
    Literal(node: TSESTree.Literal) {
      const v = node.value;
      if (typeof v !== 'string' || v.length < MIN_NAMED) return;
      checkString(node, v);
    },
    TemplateLiteral(node: TSESTree.TemplateLiteral) {
      if (node.expressions.length === 0) {
        const v = node.quasis[0]?.value.cooked;
        if (typeof v === 'string' && v.length >= MIN_NAMED) checkString(node, v);
        return;
      }
      if (providerIn(node.range[0], node.range[1]).length) {
        const b = bindingOf(node, ctx);
        for (const m of providerIn(node.range[0], node.range[1])) claimed.set(m.index, { severity: sev(m.severity, b.fallback), fallback: b.fallback });
        return;
      }
      if ((node as any).parent?.type === 'TaggedTemplateExpression') return;
      checkFolded(node);
    },
    BinaryExpression(node: TSESTree.BinaryExpression) {
      if (node.operator !== '+') return;
      const parent = (node as any).parent;
      if (parent?.type === 'BinaryExpression' && parent.operator === '+') return; // the top of a '+' chain only
      if (providerIn(node.range[0], node.range[1]).length) return;
      checkFolded(node);
    },
    CallExpression: onCall,
    NewExpression: onCall,
    'Program:exit'() {
      for (const { call, sink } of sinkCalls) checkSink(call, sink);
      // Provider matches outside any string literal (comments, JSX text, templates with holes) keep their severity.
      for (const m of provider) {
        const c = claimed.get(m.index);
        hits.push({
          start: m.index,
          end: m.index + m.length,
          severity: c ? c.severity : sev(m.severity),
          message: `${m.message}${fallbackNote(c?.fallback)}: ${FIX}.`,
          secret: text.slice(m.index, m.index + m.length),
        });
      }
      // `token ${installationToken}`: a folded value that only repeats a secret reported where it is written.
      const written = hits.filter((h) => !h.folded && h.secret).map((h) => h.secret!);
      const repeats = (h: Hit) => h.folded && written.some((w) => h.secret!.includes(w) || w.includes(h.secret!));
      // One report per secret: the first (provider, then named, then sink) of overlapping hits.
      hits.sort((a, b) => a.start - b.start || b.end - b.start - (a.end - a.start));
      let lastEnd = -1;
      for (const h of hits) {
        if (h.start < lastEnd || repeats(h)) continue;
        lastEnd = h.end;
        ctx.report({ loc: h.node ? ctx.locOf(h.node) : locOfRange(h.start, h.end), message: h.message, severity: h.severity });
      }
    },
  };
}

/** An object literal naming a local host (`host: 'localhost'`), e.g. next to a database password. */
function localHostObject(obj: Node | undefined, ctx: RuleContext): boolean {
  if (obj?.type !== 'ObjectExpression') return false;
  for (const key of ['host', 'hostname', 'server']) {
    const p = property(obj, key);
    const v = p ? fold(p, ctx) : undefined;
    if (v !== undefined && LOCAL_HOST.test(v)) return true;
  }
  return false;
}

export default defineRule({
  meta: {
    id: 'hardcoded-secret',
    name: 'Hardcoded secret',
    description:
      'A provider token, private key, password or signing key is written into source or config (JS/TS, .env, JSON, YAML, .npmrc) instead of being loaded at run time.',
    severity: 'high',
    precision: 'high',
    cwe: ['CWE-798', 'CWE-259'],
    owasp: ['A07:2021'],
    redact: true,
    help: [
      'A credential in the repository is readable by everyone who can read the code, its forks, its build',
      'artefacts and its history, and it cannot be rotated without a release. Reported:',
      '',
      '- provider tokens by their published format (GitHub, GitLab, AWS, Stripe, Slack, OpenAI, npm, ...) and',
      '  PEM private keys, anywhere in a JS/TS file (strings, templates, comments) or config file;',
      '- string values bound to a secret-ish name (`password`, `secret`, `token`, `apiKey`, `clientSecret`,',
      '  `Authorization`, ...) that look like real credentials (placeholders, references, UUIDs, hashes, URLs',
      '  and human-readable text are not reported);',
      '- constants where code uses a secret: `jwt.sign`/`jwt.verify` keys, express-session, cookie-session and',
      '  cookie-parser secrets, passport strategy `clientSecret`, `crypto.createHmac` and cipher keys, database,',
      '  ORM, Redis and SMTP passwords (recognised by module, followed through `const` bindings);',
      '- `process.env.X || \'literal\'` fallbacks at medium severity; anything in test, fixture or example',
      '  paths at low severity.',
      '',
      'Findings show the secret redacted (a short prefix and its length), in messages and in snippets.',
      '',
      '**Fix:** revoke and rotate the credential (it stays in the git history), then load it at run time:',
      '',
      '```js',
      '// Unsafe',
      "app.use(session({ secret: 'k8Zq2-JwT7rX9' }));",
      '// Safe',
      'app.use(session({ secret: process.env.SESSION_SECRET }));',
      '```',
      '',
      'Keep local values in an untracked `.env` file (commit a `.env.example` with placeholders) and production',
      'values in the platform\'s secret store.',
    ].join('\n'),
    references: [
      'https://cwe.mitre.org/data/definitions/798.html',
      'https://cwe.mitre.org/data/definitions/259.html',
      'https://cheatsheetseries.owasp.org/cheatsheets/Secrets_Management_Cheat_Sheet.html',
    ],
  },
  create,
  wantsTextFile: wantsSecretTextFile,
  checkText(ctx) {
    for (const h of scanConfigText(ctx.file, ctx.text)) {
      ctx.report({
        loc: { file: ctx.file, line: h.line, column: h.column, endLine: h.endLine, endColumn: h.endColumn },
        message: `${h.message}: ${FIX}.`,
        severity: ctx.isTestFile ? 'low' : h.severity,
      });
    }
  },
});
