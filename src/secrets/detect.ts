/**
 * Detection core of the `hardcoded-secret` rule: pure functions, no I/O.
 *
 *  - findProviderSecrets(text): provider token formats anywhere in a text (a string literal, a
 *    line, a whole config file).
 *  - findSecretsInValue(value, name?): what the JS/TS rule calls for one string literal and the
 *    name it is bound to (variable, property, config key): provider formats first, then provider
 *    patterns recognisable from the name, then the generic "secret-ish name + random-looking value".
 *  - isLikelySecretName / isPlaceholder / looksLikeSecretValue: the pieces of the generic check.
 *  - scanConfigText(relPath, text): .env, .env.*, JSON, YAML and .npmrc files.
 *  - redact(secret): the only form in which a secret may appear in a message.
 *
 * Every regex here and in patterns.ts is bounded (see the contract in patterns.ts); name=value
 * checks skip values and lines longer than MAX_NAMED_LENGTH.
 */
import type { Severity } from '../rule.js';
import {
  DEFAULT_MIN_ENTROPY,
  PROVIDER_PATTERNS,
  charClassCount,
  looksFakeToken,
  shannonEntropy,
  type ProviderPattern,
} from './patterns.js';

export { PROVIDER_PATTERNS, shannonEntropy } from './patterns.js';

/** Lines and values longer than this are not checked by name (provider formats still are). */
export const MAX_NAMED_LENGTH = 4096;

export type SecretKind = 'provider' | 'named';

export interface SecretMatch {
  kind: SecretKind;
  /** Pattern id ("github-pat") or "named-secret". */
  id: string;
  provider: string;
  /** "GitHub personal access token", "secret assigned to DB_PASSWORD". */
  label: string;
  severity: Severity;
  /** Offset and length of the secret in the text that was scanned. */
  index: number;
  length: number;
  /** redact(secret) */
  redacted: string;
  /** Ready-to-use message; contains only the redacted form. */
  message: string;
}

/** A hit in a config file: 1-based lines and columns, endColumn exclusive. */
export interface SecretHit {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
  kind: SecretKind;
  id: string;
  severity: Severity;
}

// ---------------------------------------------------------------------------------------------
// Redaction
// ---------------------------------------------------------------------------------------------

/**
 * `ghp_…(40 chars)`: at most 4 leading characters (fewer for short secrets: one per five
 * characters) and the length. Non-printable characters in the prefix become "?".
 */
export function redact(secret: string): string {
  const n = secret.length;
  const keep = Math.min(4, Math.floor(n / 5));
  const prefix = secret.slice(0, keep).replace(/[^\x21-\x7e]/g, '?');
  return `${prefix}…(${n} chars)`;
}

// ---------------------------------------------------------------------------------------------
// Provider formats
// ---------------------------------------------------------------------------------------------

function passesCommonChecks(p: ProviderPattern, secret: string): boolean {
  const minEntropy = p.minEntropy ?? DEFAULT_MIN_ENTROPY;
  if (minEntropy > 0 && shannonEntropy(secret) < minEntropy) return false;
  if (!p.allowRuns && p.id !== 'private-key' && looksFakeToken(secret)) return false;
  return true;
}

function providerMatch(p: ProviderPattern, index: number, secret: string, label?: string, provider?: string): SecretMatch {
  const what = label ?? p.label;
  const redacted = redact(secret);
  return {
    kind: 'provider',
    id: p.id,
    provider: provider ?? p.provider,
    label: what,
    severity: p.severity,
    index,
    length: secret.length,
    redacted,
    message: `Hardcoded ${what}: ${redacted}`,
  };
}

// Every pattern's keywords in one regex, longest first, so that a text is searched once instead of
// once per keyword; with each keyword, the keywords it starts with (found at the same offset).
const KEYWORDS = [...new Set(PROVIDER_PATTERNS.flatMap((p) => p.keywords))].sort((a, b) => b.length - a.length);
const KEYWORD_RE = new RegExp(KEYWORDS.map((k) => k.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|'), 'g');
const KEYWORD_PREFIXES = new Map(KEYWORDS.map((k) => [k, KEYWORDS.filter((j) => k.startsWith(j))]));

/** The keywords that occur in `lower`, overlapping ones included (the search restarts one character on). */
function keywordsIn(lower: string): Set<string> {
  const present = new Set<string>();
  KEYWORD_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = KEYWORD_RE.exec(lower)) !== null) {
    for (const k of KEYWORD_PREFIXES.get(m[0])!) present.add(k);
    KEYWORD_RE.lastIndex = m.index + 1;
  }
  return present;
}

/** All provider-format secrets in `text`, by offset; overlapping matches keep the table's earlier pattern. */
export function findProviderSecrets(text: string): SecretMatch[] {
  if (text.length < 8) return [];
  const present = keywordsIn(text.toLowerCase());
  if (present.size === 0) return [];
  const found: { m: SecretMatch; rank: number }[] = [];
  PROVIDER_PATTERNS.forEach((p, rank) => {
    if (!p.keywords.some((k) => present.has(k))) return;
    if (p.find) {
      for (const r of p.find(text)) {
        found.push({ m: providerMatch(p, r.index, text.slice(r.index, r.index + r.length), r.label, r.provider), rank });
      }
      return;
    }
    const re = p.regex!;
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) {
      if (m[0].length === 0) re.lastIndex++;
      const secret = m[1] ?? m[0];
      const index = m.indices?.[1]?.[0] ?? m.index;
      if (!passesCommonChecks(p, secret)) continue;
      if (p.validate && !p.validate({ secret, text, index })) continue;
      found.push({ m: providerMatch(p, index, secret), rank });
    }
  });
  return dedupe(found);
}

function dedupe(found: { m: SecretMatch; rank: number }[]): SecretMatch[] {
  // Cluster overlapping candidates (sorted by offset, so this is linear in the number of
  // candidates); inside a cluster prefer earlier table entries (more specific), then longer matches.
  found.sort((a, b) => a.m.index - b.m.index);
  const kept: SecretMatch[] = [];
  let i = 0;
  while (i < found.length) {
    let end = found[i]!.m.index + found[i]!.m.length;
    let j = i + 1;
    while (j < found.length && found[j]!.m.index < end) {
      end = Math.max(end, found[j]!.m.index + found[j]!.m.length);
      j++;
    }
    const cluster = found.slice(i, j).sort((a, b) => a.rank - b.rank || b.m.length - a.m.length);
    const chosen: SecretMatch[] = [];
    for (const { m } of cluster) {
      if (chosen.some((k) => m.index < k.index + k.length && k.index < m.index + m.length)) continue;
      chosen.push(m);
    }
    kept.push(...chosen.sort((a, b) => a.index - b.index));
    i = j;
  }
  return kept;
}

const namedCache = new Map<string, { name: RegExp; value: RegExp }>();

/** Provider patterns recognisable only by name (DATADOG_API_KEY = <32 hex>), for a split name/value. */
export function matchNamedProvider(name: string, value: string): SecretMatch | undefined {
  const v = value.trim();
  if (v.length === 0 || v.length > MAX_NAMED_LENGTH || name.length > 300) return undefined;
  for (const p of PROVIDER_PATTERNS) {
    if (!p.named) continue;
    let c = namedCache.get(p.id);
    if (!c) {
      c = { name: new RegExp(p.named.name, 'i'), value: new RegExp(`^(?:${p.named.value})$`, 'i') };
      namedCache.set(p.id, c);
    }
    if (!c.name.test(name) || !c.value.test(v)) continue;
    if (!passesCommonChecks(p, v)) continue;
    if (p.validate && !p.validate({ secret: v, text: v, index: 0 })) continue;
    return providerMatch(p, value.indexOf(v), v);
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------

export type SecretNameKind = 'password' | 'secret' | 'token' | 'key' | 'auth';

/** Words that qualify "key" as a secret: apiKey, privateKey, signing_key ... */
const KEY_QUALIFIERS = new Set([
  'api', 'access', 'private', 'secret', 'signing', 'sign', 'encryption', 'encrypt', 'crypto', 'cipher',
  'master', 'app', 'application', 'auth', 'session', 'hmac', 'jwt', 'license', 'licence', 'service',
  'account', 'admin', 'client', 'consumer', 'shared', 'webhook', 'subscription', 'write', 'deploy',
  'integration', 'aes', 'ssh', 'gpg', 'pgp', 'server', 'root', 'rsa', 'ed25519', 'ecdsa', 'cookie',
  'ingest', 'insert', 'rest', 'admin', 'management', 'mgmt', 'partner', 'merchant', 'developer', 'dev',
]);
/** Lower-case compounds (all-lowercase or ALLCAPS names): apikey, privatekey ... */
const KEY_COMPOUNDS = ['apikey', 'accesskey', 'privatekey', 'secretkey', 'signingkey', 'encryptionkey', 'masterkey', 'authkey', 'sessionkey', 'hmackey', 'appkey', 'clientkey'];
/** Words right before the secret word that make it something else: csrfToken, nextPageToken, publicKey. */
const NEGATIVE_BEFORE = new Set([
  'csrf', 'xsrf', 'next', 'page', 'paging', 'pagination', 'cursor', 'continuation', 'sync', 'cancellation',
  'cancel', 'resume', 'confirm', 'confirmation', 'repeat', 'forgot', 'min', 'max', 'public', 'publishable',
  'pub', 'idempotency', 'cache', 'sort', 'partition', 'primary', 'foreign', 'row', 'hash', 'hashed', 'lookup',
  'i18n', 'label', 'placeholder', 'show', 'hide', 'toggle', 'input', 'field', 'form', 'regex', 'pattern',
  'policy', 'strength', 'rule', 'rules', 'match', 'verify', 'validate', 'validation', 'bypass', 'no',
  'without', 'masked', 'mask', 'fake', 'dummy', 'mock', 'sample', 'example', 'test', 'default',
]);
/** Words anywhere before the secret word that make it a parser, paging or public value: nextLastSignificantToken, publicApiKey, searchOnlyApiKey (search-only keys ship to browsers). */
const NEGATIVE_ANYWHERE_BEFORE = new Set([
  'next', 'prev', 'previous', 'last', 'current', 'lookahead', 'peek', 'significant', 'expected', 'unexpected',
  'page', 'pagination', 'cursor', 'continuation', 'csrf', 'xsrf', 'public', 'publishable', 'pub', 'sync',
  'idempotency', 'cancellation', 'search',
]);
/** First words of function-like or flag-like names: isPassword, showToken, getApiKey. */
const NEGATIVE_FIRST = new Set([
  'is', 'has', 'show', 'hide', 'use', 'should', 'enable', 'disable', 'enabled', 'require', 'required', 'allow',
  'toggle', 'validate', 'on', 'handle', 'get', 'set', 'fetch', 'create', 'generate', 'check', 'verify', 'load',
  'read', 'parse', 'with', 'can', 'needs', 'need', 'missing', 'invalid', 'no', 'num', 'count', 'last',
]);
/** Words allowed after the secret word: DB_PASSWORD_PROD, apiKeyV2, token_b64. Anything else (url, name, expiry ...) disqualifies. */
const ALLOWED_AFTER = new Set([
  'value', 'val', 'str', 'string', 'b64', 'base64', 'hex', 'raw', 'plain', 'plaintext', 'prod', 'production',
  'live', 'staging', 'stage', 'dev', 'development', 'test', 'local', 'encoded', 'bytes', 'base', 'old', 'new',
  'primary', 'secondary', 'backup', 'main', 'override', 'global', 'secret', 'key', 'token', 'pass', 'password',
]);

/** Split an identifier or key into lower-case words: "DB_PASSWORD" / "dbPassword" / "x-api-key". */
export function splitName(name: string): string[] {
  let n = name.length > 200 ? name.slice(-200) : name;
  // .npmrc "//host/path/:_authToken", YAML paths "spring.datasource.password" keep the last key part for ':' and '/'.
  const cut = Math.max(n.lastIndexOf(':'), n.lastIndexOf('/'));
  if (cut >= 0 && cut < n.length - 1) n = n.slice(cut + 1);
  n = n.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2');
  return n
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w.length > 0)
    .map((w) => w.toLowerCase());
}

function headKind(word: string, prev: string | undefined): SecretNameKind | undefined {
  const w = word.replace(/[0-9]+$/, '');
  if (w === 'password' || w === 'passwd' || w === 'passphrase' || w === 'pwd' || w === 'pass' || w === 'pw') return 'password';
  if (w.endsWith('password') || w.endsWith('passwd') || w.endsWith('passphrase')) {
    return compoundNegative(w, ['password', 'passwd', 'passphrase']) ? undefined : 'password';
  }
  if (w === 'secret') return 'secret';
  if (w.endsWith('secret')) return compoundNegative(w, ['secret']) ? undefined : 'secret';
  if (w === 'token') return 'token';
  if (w.endsWith('token')) return compoundNegative(w, ['token']) ? undefined : 'token';
  if (w === 'key' && prev !== undefined && KEY_QUALIFIERS.has(prev)) return 'key';
  if (KEY_COMPOUNDS.some((c) => w.endsWith(c))) return compoundNegative(w, KEY_COMPOUNDS) ? undefined : 'key';
  if (w === 'auth' || w === 'authorization' || w === 'bearer' || w === 'credentials' || w === 'credential' || w === 'creds') return 'auth';
  return undefined;
}

/** "csrftoken", "publickey": a negative modifier glued to the secret word. */
function compoundNegative(word: string, heads: string[]): boolean {
  for (const h of heads) {
    if (!word.endsWith(h)) continue;
    const before = word.slice(0, word.length - h.length);
    for (const neg of NEGATIVE_BEFORE) if (before.endsWith(neg)) return true;
  }
  return false;
}

/** What kind of secret a name announces, or undefined when it is not secret-ish. */
export function secretNameKind(name: string): SecretNameKind | undefined {
  // Names are identifiers, keys or header names; URLs, queries and code are not.
  if (/[=?&#%"'`<>(){};,]/.test(name)) return undefined;
  const words = splitName(name);
  if (words.length === 0 || words.length > 12) return undefined;
  if (NEGATIVE_FIRST.has(words[0]!) && words.length > 1) return undefined;
  for (let i = words.length - 1; i >= 0; i--) {
    const kind = headKind(words[i]!, words[i - 1]);
    if (!kind) continue;
    for (const after of words.slice(i + 1)) {
      if (!ALLOWED_AFTER.has(after) && !/^(?:v?[0-9]{1,3})$/.test(after)) return undefined;
    }
    if (i > 0 && NEGATIVE_BEFORE.has(words[i - 1]!)) return undefined;
    if (words.slice(0, i).some((w) => NEGATIVE_ANYWHERE_BEFORE.has(w))) return undefined;
    return kind;
  }
  return undefined;
}

/** True for names such as password, DB_PASS, apiKey, api_key, accessKey, privateKey, clientSecret, _authToken. */
export function isLikelySecretName(name: string): boolean {
  return secretNameKind(name) !== undefined;
}

// ---------------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------------

const PLACEHOLDER_WORDS =
  /(?:change[_-]?me|change[_-]?it|example|sample|dummy|placeholder|test|fake|foobar|lorem|redacted|replace[_-]?(?:me|this|with)|insert[_-]|your[_-]?|^my[_-]?(?:secret|password|pass|token|key|api)|todo|fixme|tbd|goes[_-]?here|_here$|-here$|^n\/?a$|^none$|^null$|^nil$|^undefined$|^true$|^false$|^empty$|^unset$|^secret$|^required$|^optional$)/i;

/** Common defaults after lower-casing, undoing leetspeak and dropping trailing digits/symbols. */
const COMMON_VALUES = new Set([
  'password', 'passwd', 'pass', 'secret', 'token', 'apikey', 'key', 'admin', 'root', 'guest', 'default',
  'string', 'value', 'qwerty', 'letmein', 'supersecret', 'secretkey', 'topsecret', 'welcome', 'iloveyou',
  'hunter', 'keyboardcat', 'shhhhh', 'shhh', 'shh', 'mysecret', 'mysecretkey', 'jwtsecret', 'notasecret',
  'abc', 'abcdef', 'asdf', 'asdfgh', 'qwertyuiop', 'trustno', 'monkey', 'dragon', 'master', 'login', 'user',
  'username', 'postgres', 'mysql', 'redis', 'mongo', 'rabbitmq', 'sa', 'toor', 'pa', 'passw', 'secretpassword',
  'supersecretpassword', 'mypassword', 'supersecretkey', 'secrettoken', 'accesstoken', 'authtoken', 'sessionsecret',
]);

const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's' };

function commonValue(v: string): boolean {
  const lower = v.toLowerCase();
  const stripped = lower.replace(/[0-9!@#$%^&*.?_-]+$/, '');
  if (COMMON_VALUES.has(stripped) || COMMON_VALUES.has(lower.replace(/[^a-z0-9]/g, ''))) return true;
  const deleet = lower.replace(/[013457@$]/g, (c) => LEET[c] ?? c).replace(/[0-9!#%^&*.?_-]+$/, '');
  return COMMON_VALUES.has(deleet) || COMMON_VALUES.has(deleet.replace(/l/g, 'i'));
}

/** The whole string is one unit of 1-4 characters repeated (aaaa, 1212, abcabc), or one char dominates. */
function repetitive(v: string): boolean {
  if (v.length < 4) return false;
  for (let unit = 1; unit <= 4 && unit * 2 <= v.length; unit++) {
    let ok = true;
    for (let i = unit; i < v.length; i++) {
      if (v[i] !== v[i - unit]) {
        ok = false;
        break;
      }
    }
    if (ok) return true;
  }
  const counts = new Map<string, number>();
  let max = 0;
  for (const ch of v) {
    const c = (counts.get(ch) ?? 0) + 1;
    counts.set(ch, c);
    if (c > max) max = c;
  }
  return v.length >= 6 && max / v.length >= 0.6;
}

/**
 * Placeholders and references, not literal secrets: changeme, xxx, <token>, ${TOKEN}, {{ secrets.X }},
 * ********, example, test, dummy, your-api-key, $VAR, %VAR%, process.env.X, repeated characters,
 * counting sequences, common default passwords.
 */
export function isPlaceholder(value: string): boolean {
  const v = value.trim();
  if (v.length === 0) return true;
  if (v.length > MAX_NAMED_LENGTH) return false;
  // Interpolations and references.
  if (v.includes('${') || v.includes('{{') || v.includes('<%') || v.includes('#{')) return true;
  if (/^\$[A-Za-z_][A-Za-z0-9_]{0,100}$/.test(v) || /^\$\(.{0,200}\)$/.test(v) || /^%[A-Za-z_][A-Za-z0-9_]{0,100}%$/.test(v)) return true;
  if (/(?:process\.env|import\.meta\.env|os\.environ|getenv\(|^env\(|^secret\(|^ENC\[|^\$ANSIBLE_VAULT|^!vault|^vault:|^op:\/\/|^arn:aws:|^ref\+|^(?:ssm|secretsmanager|awssm|gcpsm|azkv):)/i.test(v)) {
    return true;
  }
  // Angle, square or curly placeholders.
  if (/<[^<>]{1,80}>/.test(v) || /^\[[^\]]{1,80}\]$/.test(v) || /^\{[^{}]{1,80}\}$/.test(v)) return true;
  // Masks.
  if (/\*{3,}|•{3,}|x{3,}|X{3,}|#{4,}|\.{3,}|_{4,}|…/.test(v)) return true;
  if (PLACEHOLDER_WORDS.test(v)) return true;
  if (repetitive(v)) return true;
  const lower = v.toLowerCase();
  if (lower.includes('abcdef') || lower.includes('123456') || lower.includes('qwerty') || lower.includes('asdfgh')) return true;
  if (commonValue(v)) return true;
  return false;
}

const UUID_RE = /^\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?$/i;
const SRI_RE = /^(?:sha(?:1|256|384|512)-[A-Za-z0-9+/]{16,200}={0,2}(?:\s|$))+/;
const DIGEST_RE = /^(?:sha(?:1|256|384|512)|md5):[A-Fa-f0-9]{32,128}$/;
const PUBLIC_KEY_RE = /-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP )?PUBLIC KEY(?: BLOCK)?-----|-----BEGIN CERTIFICATE-----|^(?:ssh-(?:rsa|dss|ed25519)|ecdsa-sha2-nistp[0-9]{3}|sk-ssh-ed25519@openssh\.com) AAAA/;
const PASSWORD_HASH_RE = /^\$(?:2[abxy]?|argon2(?:id|i|d)|5|6|1|apr1|pbkdf2(?:-sha[0-9]{1,3})?|scrypt)\$/;
const URL_RE = /^[a-z][a-z0-9+.-]{1,20}:\/\//i;
const PATH_RE = /^(?:\.{1,2}[\\/]|~[\\/]|\/[A-Za-z0-9._@-]{1,100}\/|[A-Za-z]:\\)/;
const FILE_RE = /^[A-Za-z0-9._@/-]{0,200}\.(?:pem|key|crt|cer|der|p12|pfx|jks|keystore|json|txt|ya?ml|env|js|mjs|cjs|ts|toml|ini|conf|cfg|properties|xml|gpg|asc|pub)$/i;

/** Values that look random but are not secrets: ids, hashes, digests, public keys, URLs, paths, hashes of passwords. */
function hardNegative(v: string): boolean {
  if (UUID_RE.test(v)) return true;
  if (SRI_RE.test(v) || DIGEST_RE.test(v)) return true;
  if (/^data:[a-z]{1,20}\/[a-z0-9.+-]{1,60}[;,]/i.test(v)) return true;
  if (PUBLIC_KEY_RE.test(v)) return true;
  if (PASSWORD_HASH_RE.test(v)) return true;
  if (URL_RE.test(v) || /^(?:www\.|mailto:)/i.test(v)) return true;
  if (PATH_RE.test(v) || FILE_RE.test(v)) return true;
  if (/^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,200}\.[A-Za-z]{2,24}$/.test(v)) return true; // e-mail
  if (/^v?[0-9]{1,6}(?:\.[0-9A-Za-z-]{1,20}){1,4}$/.test(v)) return true; // versions
  if (/^[0-9\s:./+-]{1,64}$/.test(v)) return true; // numbers, dates, times, phone numbers
  if (/^#[0-9a-f]{3,8}$/i.test(v)) return true; // colours
  if (/^(?:pk|sk|rk)_test_|^pk_live_|^pk\./.test(v)) return true; // Stripe test and publishable, Mapbox public
  if (/^[a-z]{2,20}(?:\/[a-z0-9.+-]{2,60})(?:;.{0,60})?$/i.test(v) && v.includes('/') && !/[0-9]{3}/.test(v)) return true; // MIME types
  return false;
}

/** Identifier or label: letters (any script) and separators only (apiKey, x-api-key, auth.token.expired, API-Schlüssel). */
function identifierLike(v: string): boolean {
  if (!/^\p{L}[\p{L}\p{M}_.:/'’-]{0,300}$/u.test(v)) return false;
  // Long mixed-case letter-only strings with many capitals are random, not camelCase words.
  if (!/^[A-Za-z]{20,}$/.test(v)) return true;
  const upper = v.replace(/[^A-Z]/g, '').length;
  const ratio = upper / v.length;
  return !(ratio >= 0.25 && ratio <= 0.75 && shannonEntropy(v) >= 3.8);
}

/**
 * auth_token_v2, my-app-secret-1, ?NonExpressionParenEnd: every part a word or a small number.
 * Without digits, camelCase / PascalCase words count as parts too.
 */
function wordy(v: string): boolean {
  const parts = v.split(/[_.:/\s-]+/).filter((p) => p.length > 0);
  if (parts.length === 0) return true;
  if (parts.every((p) => /^(?:\p{Ll}{2,20}|\p{Lu}\p{Ll}{1,19}|\p{Lu}{2,20}|[0-9]{1,4}|v[0-9]{1,3})$/u.test(p))) return true;
  if (/[0-9]/.test(v)) return false;
  const camel = v
    .replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '')
    .replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2')
    .replace(/(\p{Lu}+)(\p{Lu}\p{Ll})/gu, '$1 $2')
    .split(/[^\p{L}]+/u)
    .filter((p) => p.length > 0);
  return camel.length > 0 && camel.every((p) => /^(?:\p{Lu}?\p{Ll}{2,20}|\p{Lu}{2,6})$/u.test(p));
}

function passwordLike(v: string): boolean {
  if (v.length < 6 || v.length > 200) return false;
  if (!/^[\x21-\x7e]+$/.test(v)) return false; // whitespace, control or non-ASCII: text, not a credential
  if (identifierLike(v)) return false;
  const hasDigitOrSymbol = /[^A-Za-z]/.test(v);
  if (hasDigitOrSymbol && charClassCount(v) >= 2) return true;
  return v.length >= 12 && shannonEntropy(v) >= 3.2;
}

function tokenLike(v: string): boolean {
  if (v.length < 10 || !/^[\x21-\x7e]+$/.test(v)) return false;
  if (identifierLike(v) || wordy(v)) return false;
  const h = shannonEntropy(v);
  if (/^[0-9a-f]+$/i.test(v)) return v.length >= 16 && h >= 3;
  if (v.length < 12) return h >= 3 && charClassCount(v) >= 3;
  return h >= 3.2 && charClassCount(v) >= 2;
}

/** "Bearer abc", "Basic dXNlcjpwYXNz", "token abc": the credential part. */
function stripAuthScheme(v: string): { value: string; offset: number; basic: boolean } {
  const m = /^(Bearer|Basic|Token|Bot|SSWS|ApiKey|Api-Key|Digest|OAuth)[ \t]{1,4}(?=\S)/i.exec(v);
  if (!m) return { value: v, offset: 0, basic: false };
  return { value: v.slice(m[0].length), offset: m[0].length, basic: m[1]!.toLowerCase() === 'basic' };
}

/** Decoded "user:password" of a Basic credential, when it is one. */
function basicPassword(v: string): string | undefined {
  if (!/^[A-Za-z0-9+/]{8,400}={0,2}$/.test(v)) return undefined;
  const decoded = Buffer.from(v, 'base64').toString('utf8');
  if (!/^[\x20-\x7e]{1,300}$/.test(decoded)) return undefined;
  const colon = decoded.indexOf(':');
  return colon > 0 ? decoded.slice(colon + 1) : undefined;
}

/**
 * Is `value`, bound to `name`, a hardcoded secret? True only when the name is secret-ish and the
 * value passes the placeholder filter, the hard negatives and a length/entropy check tuned to the
 * kind of secret (human passwords are judged more leniently than tokens and keys).
 */
export function looksLikeSecretValue(name: string, value: string): boolean {
  const kind = secretNameKind(name);
  if (!kind) return false;
  const raw = value.trim();
  if (raw.length === 0 || raw.length > MAX_NAMED_LENGTH) return false;
  const { value: v, basic, offset } = stripAuthScheme(raw);
  // Shape first (cheap), then the placeholder and hard-negative filters.
  const pw = basic || kind === 'auth' ? basicPassword(v) : undefined;
  let candidate: string;
  if (pw !== undefined) candidate = pw;
  else if (kind === 'auth' && /^[^:\s]{1,100}:[^:\s]{1,200}$/.test(v)) candidate = v.slice(v.indexOf(':') + 1);
  else candidate = v;
  const shapeOk = candidate !== v || kind === 'password' ? passwordLike(candidate) : tokenLike(candidate);
  if (!shapeOk) return false;
  if (candidate !== v && isPlaceholder(candidate)) return false;
  if (isPlaceholder(v) || (offset > 0 && isPlaceholder(raw)) || hardNegative(v)) return false;
  const nameWords = splitName(name).join('');
  return v.toLowerCase().replace(/[^a-z0-9]/g, '') !== nameWords;
}

/** Named (generic) match for one value, or undefined. */
function namedMatch(name: string, value: string): SecretMatch | undefined {
  if (!looksLikeSecretValue(name, value)) return undefined;
  const lead = value.length - value.trimStart().length;
  const trimmed = value.trim();
  const { value: v, offset } = stripAuthScheme(trimmed);
  const redacted = redact(v);
  const shown = name.length > 60 ? `${name.slice(0, 57)}...` : name;
  return {
    kind: 'named',
    id: 'named-secret',
    provider: 'generic',
    label: `secret assigned to ${shown}`,
    severity: 'high',
    index: lead + offset,
    length: v.length,
    redacted,
    message: `Hardcoded secret in "${shown}": ${redacted}`,
  };
}

/**
 * The name-based checks alone (provider patterns recognisable from the name, then the generic
 * secret-ish name + random-looking value check), for callers that already ran findProviderSecrets
 * over the whole file text. Offsets are relative to `value`.
 */
export function findNamedSecret(name: string, value: string): SecretMatch | undefined {
  if (name.length === 0 || value.length > MAX_NAMED_LENGTH) return undefined;
  return matchNamedProvider(name, value) ?? registryAuthUuid(name, value) ?? namedMatch(name, value);
}

/** `.npmrc` `//host/:_authToken` and `.yarnrc.yml` `npmAuthToken`: npm's legacy tokens and many private registries' are UUIDs, secret here. */
const REGISTRY_AUTH_NAME = /(?:^|[:/])_authToken$|^npmAuthToken$/;

function registryAuthUuid(name: string, value: string): SecretMatch | undefined {
  const v = value.trim();
  if (!REGISTRY_AUTH_NAME.test(name.trim()) || !UUID_RE.test(v) || looksFakeToken(v) || repetitive(v.replace(/-/g, ''))) return undefined;
  const redacted = redact(v);
  return {
    kind: 'named',
    id: 'npm-registry-auth-token',
    provider: 'npm',
    label: 'npm registry auth token',
    severity: 'critical',
    index: value.indexOf(v),
    length: v.length,
    redacted,
    message: `Hardcoded npm registry auth token: ${redacted}`,
  };
}

/**
 * Secrets in one string value (a JS/TS string literal, a config value), given the name it is bound
 * to when there is one. Offsets are relative to `value`.
 */
export function findSecretsInValue(value: string, name?: string): SecretMatch[] {
  const provider = findProviderSecrets(value);
  if (provider.length > 0) return provider;
  if (name === undefined) return [];
  const named = findNamedSecret(name, value);
  return named ? [named] : [];
}

// ---------------------------------------------------------------------------------------------
// Config files
// ---------------------------------------------------------------------------------------------

const LOCKFILES = new Set([
  'package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lock', 'bun.lockb',
  'deno.lock', 'composer.lock', 'pipfile.lock', 'poetry.lock', 'gemfile.lock', 'cargo.lock',
]);

/** Which non-JS files the rule reads: .env, .env.*, .npmrc, *.json, *.yml, *.yaml; never lockfiles, package.json, tsconfig, node_modules. */
export function wantsSecretTextFile(relPath: string): boolean {
  const p = relPath.replace(/\\/g, '/');
  if (/(?:^|\/)(?:node_modules|\.git)\//.test(p)) return false;
  const base = (p.slice(p.lastIndexOf('/') + 1)).toLowerCase();
  if (base === '.env' || base.startsWith('.env.')) return true;
  if (base === '.npmrc') return true;
  if (LOCKFILES.has(base)) return false;
  if (base === 'package.json' || /^[tj]sconfig(?:\..{1,60})?\.json$/.test(base)) return false;
  if (base.endsWith('.min.json') || base.endsWith('.map')) return false;
  return base.endsWith('.json') || base.endsWith('.yml') || base.endsWith('.yaml');
}

type ConfigFormat = 'env' | 'npmrc' | 'json' | 'yaml';

function formatOf(relPath: string): ConfigFormat {
  const base = relPath.replace(/\\/g, '/').split('/').pop()!.toLowerCase();
  if (base === '.npmrc') return 'npmrc';
  if (base.endsWith('.json')) return 'json';
  if (base.endsWith('.yml') || base.endsWith('.yaml')) return 'yaml';
  return 'env';
}

/** A name, a value and the value's offset in the file. */
interface Pair {
  name: string;
  value: string;
  offset: number;
}

/** Value of `KEY=value` / `key: value` after the separator: quotes removed, trailing comment dropped. */
function parseScalar(rest: string, restOffset: number, commentChar: string): { value: string; offset: number } | undefined {
  let i = 0;
  while (i < rest.length && (rest[i] === ' ' || rest[i] === '\t')) i++;
  const q = rest[i];
  if (q === '"' || q === "'" || q === '`') {
    const close = rest.indexOf(q, i + 1);
    if (close < 0) return undefined;
    return { value: rest.slice(i + 1, close), offset: restOffset + i + 1 };
  }
  let end = rest.length;
  const hash = rest.indexOf(` ${commentChar}`, i);
  if (hash >= 0) end = hash;
  const value = rest.slice(i, end).trimEnd();
  return { value, offset: restOffset + i };
}

function envPairs(text: string, lineStarts: number[], npmrc: boolean): Pair[] {
  const out: Pair[] = [];
  forEachLine(text, lineStarts, (line, start) => {
    const t = line.trimStart();
    if (t.length === 0 || t[0] === '#' || t[0] === ';') return;
    const eq = line.indexOf('=');
    if (eq <= 0) return;
    let name = line.slice(0, eq).trim();
    if (!npmrc) name = name.replace(/^export[ \t]+/, '');
    if (!npmrc && !/^[A-Za-z_][A-Za-z0-9_.-]{0,200}$/.test(name)) return;
    const v = parseScalar(line.slice(eq + 1), start + eq + 1, '#');
    if (v) out.push({ name, value: v.value, offset: v.offset });
  });
  return out;
}

function yamlPairs(text: string, lineStarts: number[]): Pair[] {
  const out: Pair[] = [];
  forEachLine(text, lineStarts, (line, start) => {
    let i = 0;
    while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i++;
    if (line[i] === '#') return;
    if (line[i] === '-' && (line[i + 1] === ' ' || line[i + 1] === '\t')) {
      i += 2;
      while (i < line.length && line[i] === ' ') i++;
    }
    const body = line.slice(i);
    // docker-compose style "- KEY=value" list items.
    const colon = body.search(/:(?:[ \t]|$)/);
    if (colon < 0) {
      const eq = body.indexOf('=');
      if (eq > 0 && /^[A-Za-z_][A-Za-z0-9_.-]{0,200}$/.test(body.slice(0, eq))) {
        const v = parseScalar(body.slice(eq + 1), start + i + eq + 1, '#');
        if (v) out.push({ name: body.slice(0, eq), value: v.value, offset: v.offset });
      }
      return;
    }
    const name = body.slice(0, colon).trim().replace(/^["']|["']$/g, '');
    if (name.length === 0 || name.length > 200) return;
    const rest = body.slice(colon + 1);
    const trimmed = rest.trim();
    if (trimmed === '' || trimmed[0] === '|' || trimmed[0] === '>' || trimmed[0] === '&' || trimmed[0] === '*' || trimmed[0] === '{' || trimmed[0] === '[' || trimmed[0] === '!') return;
    const v = parseScalar(rest, start + i + colon + 1, '#');
    if (v) out.push({ name, value: v.value, offset: v.offset });
  });
  return out;
}

/** Key/value string pairs of a JSON text: a linear tokenizer, so minified JSON works too. */
function jsonPairs(text: string): Pair[] {
  const out: Pair[] = [];
  let pendingKey: string | undefined;
  let afterColon = false;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      while (j < n && text[j] !== '"' && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      if (j >= n || text[j] !== '"') {
        i = j + 1;
        continue;
      }
      const raw = text.slice(i, j + 1);
      let k = j + 1;
      while (k < n && (text[k] === ' ' || text[k] === '\t' || text[k] === '\r' || text[k] === '\n')) k++;
      if (text[k] === ':') {
        pendingKey = raw.length <= 302 ? decodeJsonString(raw) : undefined;
        afterColon = false;
      } else if (afterColon && pendingKey !== undefined && raw.length <= MAX_NAMED_LENGTH + 2) {
        const value = decodeJsonString(raw);
        if (value !== undefined) out.push({ name: pendingKey, value, offset: i + 1 });
        afterColon = false;
      } else {
        afterColon = false;
      }
      i = j + 1;
      continue;
    }
    if (c === ':') afterColon = true;
    else if (c === ',' || c === '{' || c === '}' || c === '[' || c === ']') afterColon = false;
    i++;
  }
  return out;
}

function decodeJsonString(raw: string): string | undefined {
  if (!raw.includes('\\')) return raw.slice(1, -1);
  try {
    const v: unknown = JSON.parse(raw);
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

function forEachLine(text: string, lineStarts: number[], fn: (line: string, start: number) => void): void {
  for (let l = 0; l < lineStarts.length; l++) {
    const start = lineStarts[l]!;
    let end = l + 1 < lineStarts.length ? lineStarts[l + 1]! - 1 : text.length;
    if (end > start && text.charCodeAt(end - 1) === 13) end--;
    if (end - start > MAX_NAMED_LENGTH) continue;
    fn(text.slice(start, end), start);
  }
}

function position(lineStarts: number[], offset: number): { line: number; column: number } {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lineStarts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - lineStarts[lo]! + 1 };
}

/**
 * Secrets in a .env, .env.*, JSON, YAML or .npmrc file: provider formats over the whole text, then
 * name=value pairs (KEY=value lines, JSON and YAML keys, `//host/:_authToken=...`) through the same
 * checks as findSecretsInValue. Hits are sorted by position; a named hit overlapping a provider hit
 * is dropped.
 */
export function scanConfigText(relPath: string, text: string): SecretHit[] {
  const lineStarts = computeLineStarts(text);
  const matches: SecretMatch[] = findProviderSecrets(text);
  const format = formatOf(relPath);
  const pairs =
    format === 'json' ? jsonPairs(text) : format === 'yaml' ? yamlPairs(text, lineStarts) : envPairs(text, lineStarts, format === 'npmrc');
  // Pairs come in file order and provider matches are sorted: one sweep finds overlaps.
  const provider = matches.slice();
  let p = 0;
  const overlapsProvider = (index: number, length: number) => {
    while (p < provider.length && provider[p]!.index + provider[p]!.length <= index) p++;
    for (let q = p; q < provider.length && provider[q]!.index < index + length; q++) {
      if (index < provider[q]!.index + provider[q]!.length) return true;
    }
    return false;
  };
  for (const { name, value, offset } of pairs) {
    if (value.length === 0 || value.length > MAX_NAMED_LENGTH) continue;
    if (overlapsProvider(offset, value.length)) continue;
    // Provider formats inside the value were found by the whole-text pass; add name-based ones.
    const named = findNamedSecret(name, value);
    if (!named) continue;
    // JSON values with escapes: the decoded offset may differ; report the whole raw value then.
    matches.push({ ...named, index: offset + named.index, length: Math.min(named.length, Math.max(1, value.length - named.index)) });
  }
  return matches
    .sort((a, b) => a.index - b.index)
    .map((m) => {
      const s = position(lineStarts, m.index);
      const e = position(lineStarts, m.index + m.length);
      return {
        line: s.line,
        column: s.column,
        endLine: e.line,
        endColumn: e.column,
        message: m.message,
        kind: m.kind,
        id: m.id,
        severity: m.severity,
      };
    });
}
