/**
 * Provider secret formats for the `hardcoded-secret` rule.
 *
 * Every entry is data: an id, the provider, a label for messages, the literal keywords that must
 * occur (lower-cased) before its regex runs, the regex itself, a severity and an optional
 * validator. Formats follow the published token layouts (gitleaks / secretlint rule sets and the
 * providers' own documentation).
 *
 * Linear-time contract (checked by test/secrets.test.ts):
 *  - no unbounded quantifiers (`*`, `+`, `{n,}`) and no quantified group that itself contains a
 *    quantifier, so the work from one start position is bounded by the longest possible match;
 *  - every pattern starts with a literal or a negative look-behind on its own character class, so
 *    a run of near-matches is entered once, not once per character.
 */
import type { Severity } from '../rule.js';

/** What a validator sees: the candidate secret, the whole scanned text and the secret's offset. */
export interface ValidatorInput {
  secret: string;
  text: string;
  index: number;
}

export interface ProviderPattern {
  /** Stable kebab-case id, e.g. "github-pat". */
  id: string;
  /** Provider name, e.g. "GitHub". */
  provider: string;
  /** What the secret is, for messages: "GitHub personal access token". */
  label: string;
  severity: Severity;
  /** Lower-case literals; the pattern runs only when the lower-cased text contains one of them. */
  keywords: string[];
  /**
   * Global regex. The secret is capture group 1 when the regex has one, else the whole match.
   * Built with the `d` flag so group offsets are known.
   */
  regex?: RegExp;
  /**
   * A "name = value" pattern: the provider is recognisable only from the variable or key name
   * (e.g. `DATADOG_API_KEY`). `name` and `value` are regex sources; `regex` is built from them for
   * free text, and `matchNamed` uses them for an already-split name and value.
   */
  named?: { name: string; value: string };
  /** Procedural matcher for formats a regex cannot bound (PEM blocks). */
  find?: (text: string) => RawMatch[];
  /** Extra check on a candidate; false drops it. */
  validate?: (input: ValidatorInput) => boolean;
  /** Minimum Shannon entropy (bits per char) of the secret; defaults to DEFAULT_MIN_ENTROPY. 0 disables. */
  minEntropy?: number;
  /** Skip the fake-token filter (formats with a fixed run of one character). */
  allowRuns?: boolean;
}

export interface RawMatch {
  index: number;
  length: number;
  /** Overrides the pattern's label for this match. */
  label?: string;
  provider?: string;
}

export const DEFAULT_MIN_ENTROPY = 3;

// ---------------------------------------------------------------------------------------------
// Small helpers shared with detect.ts
// ---------------------------------------------------------------------------------------------

/** Shannon entropy in bits per character. */
export function shannonEntropy(s: string): number {
  if (s.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  const n = s.length;
  for (const c of counts.values()) {
    const p = c / n;
    h -= p * Math.log2(p);
  }
  return h;
}

/** How many of lower, upper, digit, other are present. */
export function charClassCount(s: string): number {
  let lower = 0;
  let upper = 0;
  let digit = 0;
  let other = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 97 && c <= 122) lower = 1;
    else if (c >= 65 && c <= 90) upper = 1;
    else if (c >= 48 && c <= 57) digit = 1;
    else other = 1;
  }
  return lower + upper + digit + other;
}

function decodeBase64Url(s: string): string | undefined {
  try {
    const b64 = s.replace(/-/g, '+').replace(/_/g, '/');
    return Buffer.from(b64, 'base64').toString('utf8');
  } catch {
    return undefined;
  }
}

/** Fake-looking token bodies: long runs of one character, filler words, counting sequences. */
export function looksFakeToken(secret: string): boolean {
  const lower = secret.toLowerCase();
  if (/(?:example|sample|dummy|placeholder|redacted|your[_-]?|xxxxx|fake|insert|replace)/.test(lower)) {
    return true;
  }
  if (lower.includes('abcdefgh') || lower.includes('12345678') || lower.includes('01234567')) return true;
  let run = 1;
  for (let i = 1; i < secret.length; i++) {
    run = secret[i] === secret[i - 1] ? run + 1 : 1;
    // Dropbox long-lived tokens carry a fixed run of ten "A"s; allow up to that.
    if (run > 10) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------

/** Left boundary: the secret does not continue a longer token. */
const LB = '(?<![A-Za-z0-9_-])';
/** Right boundary. */
const RB = '(?![A-Za-z0-9_-])';
/** Separator between a name and its value in code, JSON, YAML, .env and .ini text. */
const SEP = `["'\`]?[ \\t]{0,4}(?:=>|:=|=|:)[ \\t]{0,4}["'\`]?`;

function rx(source: string, flags = ''): RegExp {
  return new RegExp(source, `g${flags}d`);
}

/** Free-text regex of a named pattern: NAME[suffix] SEP (VALUE). */
export function namedRegexSource(name: string, value: string): string {
  return `(?:${name})[A-Za-z0-9_.-]{0,24}${SEP}(${value})(?![A-Za-z0-9+/=_-])`;
}

const HEX32 = '[a-f0-9]{32}';
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

/** AWS documentation and well-known emulator keys: public constants, not secrets. */
const KNOWN_PUBLIC_VALUES = new Set([
  // Azurite / Azure Storage Emulator account key (documented, identical on every machine).
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==',
  'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
]);

const notKnownPublic = ({ secret }: ValidatorInput) => !KNOWN_PUBLIC_VALUES.has(secret);

/** Discord bot token: the first segment is the base64 of the bot's numeric snowflake id. */
function discordBotToken({ secret }: ValidatorInput): boolean {
  const first = secret.slice(0, secret.indexOf('.'));
  const decoded = decodeBase64Url(first);
  return decoded !== undefined && /^[0-9]{17,20}$/.test(decoded);
}

/** JWT: a JSON header with an algorithm, a JSON payload; not the jwt.io sample nor a public anon key. */
function jwtValidator({ secret }: ValidatorInput): boolean {
  const [h, p] = secret.split('.');
  const header = decodeBase64Url(h ?? '');
  const payload = decodeBase64Url(p ?? '');
  if (!header || !payload) return false;
  let head: unknown;
  let body: unknown;
  try {
    head = JSON.parse(header);
    body = JSON.parse(payload);
  } catch {
    return false;
  }
  if (!head || typeof head !== 'object' || !body || typeof body !== 'object') return false;
  const alg = (head as Record<string, unknown>).alg;
  if (typeof alg !== 'string' || alg.toLowerCase() === 'none') return false;
  const claims = body as Record<string, unknown>;
  // The jwt.io sample token ("John Doe", sub 1234567890) is documentation everywhere.
  if (claims.sub === '1234567890' && claims.name === 'John Doe') return false;
  // Supabase / PostgREST anon keys are public by design; service_role keys are not.
  if (claims.role === 'anon') return false;
  return true;
}

/** Connection-URL passwords that are defaults, placeholders or the user name again. */
const DEFAULT_PASSWORDS = new Set([
  'password', 'pass', 'passwd', 'pwd', 'secret', 'changeme', 'change_me', 'changeit', 'admin', 'root',
  'guest', 'postgres', 'mysql', 'redis', 'mongo', 'mongodb', 'rabbitmq', 'test', 'example', 'default',
  'user', 'username', 'dbpass', 'dbpassword', 'mypassword', 'yourpassword', 'pa55word', 'p4ssw0rd',
  'sa', 'toor', 'letmein', 'qwerty', 'dev', 'local', 'docker',
]);

function urlPassword({ secret, text, index }: ValidatorInput): boolean {
  const pw = secret;
  const lower = pw.toLowerCase();
  if (DEFAULT_PASSWORDS.has(lower)) return false;
  if (/^[*x•.]{1,}$/i.test(pw) || /^(?:\$|%|\{|<|\[|:)/.test(pw)) return false;
  if (/[{}<>$%]/.test(pw) && /(?:\$\{|\{\{|<[^>]{0,40}>|%[A-Za-z_(]|\$[A-Za-z_])/.test(pw)) return false;
  if (/(?:password|passwd|secret|example|placeholder|changeme|your|dummy|xxx)/.test(lower)) return false;
  // user:user@ — the user name repeated is a local default.
  const before = text.slice(Math.max(0, index - 101), index - 1);
  const user = before.slice(before.lastIndexOf('/') + 1);
  if (user.length > 0 && user.toLowerCase() === lower) return false;
  if (pw.length < 4) return false;
  return true;
}

function azureSasValidator({ text, index }: ValidatorInput): boolean {
  const before = text.slice(Math.max(0, index - 400), index);
  return before.includes('sv=') && (before.includes('se=') || before.includes('sp='));
}

function mixedBase64(min: number) {
  return ({ secret }: ValidatorInput) => charClassCount(secret) >= min && !/EXAMPLE/.test(secret);
}

// ---------------------------------------------------------------------------------------------
// PEM private key blocks
// ---------------------------------------------------------------------------------------------

const PEM_BEGIN = /-----BEGIN ([A-Z0-9 ]{0,40})PRIVATE KEY( BLOCK)?-----/g;
const PEM_MAX = 16384;

/**
 * Finds `-----BEGIN ... PRIVATE KEY-----` ... `-----END ... PRIVATE KEY-----` blocks, including
 * ones written with `\n` escapes inside a JS or JSON string or concatenated over several lines,
 * with at least 64 base64 characters of body. The position of the next END marker is cached, so
 * a text full of BEGIN markers is still read once; bodies over PEM_MAX characters are ignored.
 */
export function findPemPrivateKeys(text: string): RawMatch[] {
  const out: RawMatch[] = [];
  const re = new RegExp(PEM_BEGIN.source, 'g');
  let m: RegExpExecArray | null;
  const serviceAccount = text.includes('gserviceaccount.com') || text.includes('"service_account"');
  let nextEnd = -2; // cached position of the next "-----END " at or after the current body
  while ((m = re.exec(text)) !== null) {
    const start = m.index;
    const bodyStart = start + m[0].length;
    if (nextEnd !== -1 && nextEnd < bodyStart) nextEnd = text.indexOf('-----END ', bodyStart);
    if (nextEnd === -1) break; // no END marker anywhere after this point
    if (nextEnd - bodyStart > PEM_MAX) continue;
    const closeRel = text.slice(nextEnd + 9, nextEnd + 70).indexOf('-----');
    if (closeRel < 0) continue;
    const length = nextEnd + 9 + closeRel + 5 - start;
    re.lastIndex = start + length;
    // Body: base64, whitespace, `\n` escapes, quotes and `+` of a concatenated string, and
    // RFC 1421 headers ("Proc-Type: 4,ENCRYPTED"). Placeholders ("...", "<key>", "${KEY}") fail.
    const body = text.slice(bodyStart, nextEnd).replace(/\\[nr]/g, '\n');
    if (/[<>{}$]|\.\.\./.test(body)) continue;
    let b64 = 0;
    for (let i = 0; i < body.length; i++) {
      const c = body.charCodeAt(i);
      if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47) b64++;
    }
    if (b64 < 64) continue;
    const compact = body.replace(/[^A-Za-z0-9+/]/g, '');
    if (shannonEntropy(compact.slice(0, 512)) < 4.5) continue; // "AAAA..." or "MIIxxxx" filler
    const kind = (m[1] ?? '').trim();
    if (kind === 'ENCRYPTED') {
      out.push({ index: start, length, label: 'encrypted private key (PEM)' });
    } else if (serviceAccount && kind === '') {
      out.push({ index: start, length, provider: 'Google Cloud', label: 'Google service account private key' });
    } else if (kind === 'OPENSSH') {
      out.push({ index: start, length, label: 'OpenSSH private key' });
    } else if (kind === 'PGP') {
      out.push({ index: start, length, label: 'PGP private key block' });
    } else {
      out.push({ index: start, length, label: `${kind ? `${kind} ` : ''}private key (PEM)` });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------------

export const PROVIDER_PATTERNS: ProviderPattern[] = [
  // --- Private keys ------------------------------------------------------------------------
  {
    id: 'private-key',
    provider: 'Cryptographic key',
    label: 'private key (PEM)',
    severity: 'critical',
    keywords: ['private key'],
    find: findPemPrivateKeys,
    minEntropy: 0,
  },

  // --- AWS ---------------------------------------------------------------------------------
  {
    id: 'aws-access-key-id',
    provider: 'AWS',
    label: 'AWS access key id',
    severity: 'high',
    keywords: ['akia', 'asia', 'abia', 'acca', 'a3t'],
    regex: rx(`(?<![A-Za-z0-9])((?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16})(?![A-Za-z0-9])`),
    validate: ({ secret }) => !secret.endsWith('EXAMPLE'),
    minEntropy: 2.8,
  },
  {
    id: 'aws-secret-access-key',
    provider: 'AWS',
    label: 'AWS secret access key',
    severity: 'critical',
    keywords: ['secret'],
    named: {
      name: '(?:aws[_.-]?secret[_.-]?(?:access[_.-]?)?key|secret[_.-]?access[_.-]?key)',
      value: '[A-Za-z0-9/+]{40}',
    },
    validate: (i) => mixedBase64(3)(i) && notKnownPublic(i),
    minEntropy: 3.5,
  },
  {
    id: 'aws-session-token',
    provider: 'AWS',
    label: 'AWS session token',
    severity: 'high',
    keywords: ['session'],
    named: { name: 'aws[_.-]?session[_.-]?token', value: '[A-Za-z0-9/+=]{100,1200}' },
    minEntropy: 4,
  },

  // --- GitHub ------------------------------------------------------------------------------
  {
    id: 'github-pat',
    provider: 'GitHub',
    label: 'GitHub personal access token',
    severity: 'critical',
    keywords: ['ghp_'],
    regex: rx(`${LB}(ghp_[A-Za-z0-9]{36})${RB}`),
  },
  {
    id: 'github-fine-grained-pat',
    provider: 'GitHub',
    label: 'GitHub fine-grained personal access token',
    severity: 'critical',
    keywords: ['github_pat_'],
    regex: rx(`${LB}(github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})${RB}`),
  },
  {
    id: 'github-oauth',
    provider: 'GitHub',
    label: 'GitHub OAuth access token',
    severity: 'critical',
    keywords: ['gho_'],
    regex: rx(`${LB}(gho_[A-Za-z0-9]{36})${RB}`),
  },
  {
    id: 'github-app-token',
    provider: 'GitHub',
    label: 'GitHub App token',
    severity: 'critical',
    keywords: ['ghu_', 'ghs_'],
    regex: rx(`${LB}(gh[us]_[A-Za-z0-9]{36,255})${RB}`),
  },
  {
    id: 'github-refresh-token',
    provider: 'GitHub',
    label: 'GitHub refresh token',
    severity: 'high',
    keywords: ['ghr_'],
    regex: rx(`${LB}(ghr_[A-Za-z0-9]{36,255})${RB}`),
  },

  // --- GitLab ------------------------------------------------------------------------------
  {
    id: 'gitlab-pat',
    provider: 'GitLab',
    label: 'GitLab personal access token',
    severity: 'critical',
    keywords: ['glpat-'],
    regex: rx(`${LB}(glpat-[A-Za-z0-9_-]{20,300}(?:\\.[0-9a-z]{9})?)(?![A-Za-z0-9_.-])`),
  },
  {
    id: 'gitlab-token',
    provider: 'GitLab',
    label: 'GitLab token',
    severity: 'high',
    keywords: ['gldt-', 'glrt-', 'glsoat-', 'glft-', 'glffct-', 'glimt-', 'glagent-', 'gloas-', 'glcbt-'],
    regex: rx(`${LB}((?:gldt|glrt|glsoat|glft|glffct|glimt|glagent|gloas|glcbt)-[A-Za-z0-9_-]{20,300})${RB}`),
  },
  {
    id: 'gitlab-pipeline-trigger-token',
    provider: 'GitLab',
    label: 'GitLab pipeline trigger token',
    severity: 'high',
    keywords: ['glptt-'],
    regex: rx(`${LB}(glptt-[0-9a-f]{40})${RB}`),
  },
  {
    id: 'gitlab-runner-registration-token',
    provider: 'GitLab',
    label: 'GitLab runner registration token',
    severity: 'high',
    keywords: ['gr1348941'],
    regex: rx(`${LB}(GR1348941[A-Za-z0-9_-]{20})${RB}`),
  },

  // --- Slack -------------------------------------------------------------------------------
  {
    id: 'slack-token',
    provider: 'Slack',
    label: 'Slack token',
    severity: 'critical',
    keywords: ['xoxb-', 'xoxp-', 'xoxa-', 'xoxr-', 'xoxs-', 'xoxo-', 'xoxe-', 'xoxe.'],
    regex: rx(`${LB}(xox(?:[baprso]|e\\.xox[bp]|e)-[0-9A-Za-z-]{20,250})${RB}`),
    validate: ({ secret }) => {
      const parts = secret.split('-');
      const digits = parts.slice(1).filter((p) => /^[0-9]{1,16}$/.test(p)).length;
      const last = parts[parts.length - 1] ?? '';
      return parts.length >= 3 && digits >= 1 && last.length >= 10;
    },
  },
  {
    id: 'slack-app-token',
    provider: 'Slack',
    label: 'Slack app-level token',
    severity: 'high',
    keywords: ['xapp-'],
    regex: rx(`${LB}(xapp-[0-9]-[A-Z0-9]{8,14}-[0-9]{10,16}-[a-f0-9]{64})${RB}`),
  },
  {
    id: 'slack-webhook',
    provider: 'Slack',
    label: 'Slack incoming webhook URL',
    severity: 'high',
    keywords: ['hooks.slack.com'],
    regex: rx(`(?:https?://)?hooks\\.slack\\.com/(?:services|workflows|triggers)/([A-Za-z0-9+/]{43,80})(?![A-Za-z0-9+/])`),
    minEntropy: 3.5,
  },

  // --- Payments ----------------------------------------------------------------------------
  {
    id: 'stripe-secret-key',
    provider: 'Stripe',
    label: 'Stripe live secret key',
    severity: 'critical',
    keywords: ['sk_live_', 'rk_live_'],
    regex: rx(`${LB}([sr]k_live_[A-Za-z0-9]{20,247})${RB}`),
  },
  {
    id: 'stripe-webhook-secret',
    provider: 'Stripe',
    label: 'Stripe webhook signing secret',
    severity: 'high',
    keywords: ['whsec_'],
    regex: rx(`${LB}(whsec_[A-Za-z0-9+/=]{32,100})(?![A-Za-z0-9+/=_-])`),
  },
  {
    id: 'square-access-token',
    provider: 'Square',
    label: 'Square access token',
    severity: 'critical',
    keywords: ['eaaa', 'sq0atp-'],
    regex: rx(`${LB}(EAAA[A-Za-z0-9_-]{60}|sq0atp-[A-Za-z0-9_-]{22})${RB}`),
  },
  {
    id: 'square-oauth-secret',
    provider: 'Square',
    label: 'Square OAuth secret',
    severity: 'critical',
    keywords: ['sq0csp-'],
    regex: rx(`${LB}(sq0csp-[A-Za-z0-9_-]{43})${RB}`),
  },
  {
    id: 'braintree-access-token',
    provider: 'PayPal / Braintree',
    label: 'PayPal Braintree access token',
    severity: 'critical',
    keywords: ['access_token$'],
    regex: rx(`(?<![A-Za-z0-9_])(access_token\\$(?:production|sandbox)\\$[0-9a-z]{16}\\$[0-9a-f]{32})(?![A-Za-z0-9])`),
  },
  {
    id: 'braintree-private-key',
    provider: 'PayPal / Braintree',
    label: 'Braintree private key',
    severity: 'critical',
    keywords: ['braintree'],
    named: { name: 'braintree[A-Za-z0-9_.-]{0,20}?private[_.-]?key', value: HEX32 },
  },
  {
    id: 'paypal-client-secret',
    provider: 'PayPal / Braintree',
    label: 'PayPal client secret',
    severity: 'critical',
    keywords: ['paypal'],
    named: { name: 'paypal[A-Za-z0-9_.-]{0,20}?secret', value: '[A-Za-z0-9_-]{60,90}' },
  },

  // --- Google / Firebase -------------------------------------------------------------------
  {
    id: 'google-api-key',
    provider: 'Google',
    label: 'Google API key',
    severity: 'high',
    keywords: ['aiza'],
    regex: rx(`${LB}(AIza[0-9A-Za-z_-]{35})${RB}`),
  },
  {
    id: 'google-oauth-client-secret',
    provider: 'Google',
    label: 'Google OAuth client secret',
    severity: 'critical',
    keywords: ['gocspx-'],
    regex: rx(`${LB}(GOCSPX-[A-Za-z0-9_-]{28})${RB}`),
  },
  {
    id: 'google-oauth-access-token',
    provider: 'Google',
    label: 'Google OAuth access token',
    severity: 'high',
    keywords: ['ya29.'],
    regex: rx(`(?<![A-Za-z0-9_.-])(ya29\\.[0-9A-Za-z_-]{30,2000})${RB}`),
  },
  {
    id: 'firebase-cloud-messaging-key',
    provider: 'Firebase',
    label: 'Firebase Cloud Messaging server key',
    severity: 'high',
    keywords: [':apa91b'],
    regex: rx(`${LB}(AAAA[A-Za-z0-9_-]{7}:APA91b[A-Za-z0-9_-]{130,160})${RB}`),
  },
  {
    id: 'firebase-database-secret',
    provider: 'Firebase',
    label: 'Firebase database secret',
    severity: 'critical',
    keywords: ['firebase'],
    named: { name: 'firebase[A-Za-z0-9_.-]{0,20}?(?:secret|token|auth)', value: '[A-Za-z0-9]{40}' },
    validate: mixedBase64(3),
  },

  // --- Communications ----------------------------------------------------------------------
  {
    id: 'twilio-api-key',
    provider: 'Twilio',
    label: 'Twilio API key',
    severity: 'high',
    keywords: ['sk'],
    regex: rx(`(?<![A-Za-z0-9_-])(SK[0-9a-f]{32})(?![A-Za-z0-9_-])`),
  },
  {
    id: 'twilio-auth-token',
    provider: 'Twilio',
    label: 'Twilio auth token',
    severity: 'critical',
    keywords: ['twilio'],
    named: { name: 'twilio[A-Za-z0-9_.-]{0,20}?(?:token|secret)', value: HEX32 },
  },
  {
    id: 'sendgrid-api-key',
    provider: 'SendGrid',
    label: 'SendGrid API key',
    severity: 'critical',
    keywords: ['sg.'],
    regex: rx(`(?<![A-Za-z0-9_.-])(SG\\.[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43})${RB}`),
  },
  {
    id: 'mailgun-api-key',
    provider: 'Mailgun',
    label: 'Mailgun API key',
    severity: 'high',
    keywords: ['key-'],
    regex: rx(`${LB}(key-[0-9a-z]{32})${RB}`),
    validate: ({ secret }) => /[0-9]/.test(secret.slice(4)) && /[a-z]/.test(secret.slice(4)),
    minEntropy: 3.4,
  },
  {
    id: 'mailgun-private-key',
    provider: 'Mailgun',
    label: 'Mailgun private API key',
    severity: 'high',
    keywords: ['mailgun'],
    named: { name: 'mailgun[A-Za-z0-9_.-]{0,20}?(?:key|token|secret)', value: `${HEX32}-[0-9a-f]{8}-[0-9a-f]{8}` },
  },
  {
    id: 'mailchimp-api-key',
    provider: 'Mailchimp',
    label: 'Mailchimp API key',
    severity: 'high',
    keywords: ['-us'],
    regex: rx(`${LB}(${HEX32}-us[0-9]{1,2})${RB}`),
  },
  {
    id: 'brevo-api-key',
    provider: 'Brevo (Sendinblue)',
    label: 'Brevo API key',
    severity: 'high',
    keywords: ['xkeysib-', 'xsmtpsib-'],
    regex: rx(`${LB}(x(?:keysib|smtpsib)-[a-f0-9]{64}-[A-Za-z0-9]{16})${RB}`),
  },
  {
    id: 'discord-bot-token',
    provider: 'Discord',
    label: 'Discord bot token',
    severity: 'critical',
    keywords: ['.'],
    regex: rx(`(?<![A-Za-z0-9_.-])([MNO][A-Za-z0-9_-]{23,27}\\.[A-Za-z0-9_-]{6}\\.[A-Za-z0-9_-]{27,40})(?![A-Za-z0-9_.-])`),
    validate: discordBotToken,
  },
  {
    id: 'discord-webhook',
    provider: 'Discord',
    label: 'Discord webhook URL',
    severity: 'high',
    keywords: ['/api/webhooks/'],
    regex: rx(`discord(?:app)?\\.com/api/webhooks/[0-9]{17,20}/([A-Za-z0-9_-]{60,70})${RB}`),
  },
  {
    id: 'telegram-bot-token',
    provider: 'Telegram',
    label: 'Telegram bot token',
    severity: 'critical',
    keywords: [':aa'],
    regex: rx(`(?<![A-Za-z0-9_:-])([0-9]{8,10}:AA[A-Za-z0-9_-]{33})${RB}`),
  },
  {
    id: 'microsoft-teams-webhook',
    provider: 'Microsoft Teams',
    label: 'Microsoft Teams webhook URL',
    severity: 'medium',
    keywords: ['webhookb2'],
    regex: rx(`webhook\\.office\\.com/webhookb2/${UUID}@${UUID}/IncomingWebhook/([a-f0-9]{32})/${UUID}`, 'i'),
  },

  // --- Package registries ------------------------------------------------------------------
  {
    id: 'npm-token',
    provider: 'npm',
    label: 'npm access token',
    severity: 'critical',
    keywords: ['npm_'],
    regex: rx(`${LB}(npm_[A-Za-z0-9]{36})${RB}`),
  },
  {
    id: 'pypi-token',
    provider: 'PyPI',
    label: 'PyPI upload token',
    severity: 'critical',
    keywords: ['pypi-age'],
    regex: rx(`${LB}(pypi-(?:AgEIcHlwaS5vcmc|AgENdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{50,1000})${RB}`),
  },
  {
    id: 'rubygems-token',
    provider: 'RubyGems',
    label: 'RubyGems API token',
    severity: 'high',
    keywords: ['rubygems_'],
    regex: rx(`${LB}(rubygems_[a-f0-9]{48})${RB}`),
  },
  {
    id: 'docker-hub-pat',
    provider: 'Docker Hub',
    label: 'Docker Hub personal access token',
    severity: 'high',
    keywords: ['dckr_pat_'],
    regex: rx(`${LB}(dckr_pat_[A-Za-z0-9_-]{27})${RB}`),
  },

  // --- AI providers ------------------------------------------------------------------------
  {
    id: 'openai-api-key',
    provider: 'OpenAI',
    label: 'OpenAI API key',
    severity: 'critical',
    keywords: ['t3blbkfj'],
    regex: rx(
      `${LB}(sk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_-]{20,100}T3BlbkFJ[A-Za-z0-9_-]{20,100}|[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}))${RB}`,
    ),
  },
  {
    id: 'openai-project-key',
    provider: 'OpenAI',
    label: 'OpenAI API key',
    severity: 'critical',
    keywords: ['sk-proj-', 'sk-svcacct-', 'sk-admin-'],
    regex: rx(`${LB}(sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{80,200})${RB}`),
    minEntropy: 4,
  },
  {
    id: 'anthropic-api-key',
    provider: 'Anthropic',
    label: 'Anthropic API key',
    severity: 'critical',
    keywords: ['sk-ant-'],
    regex: rx(`${LB}(sk-ant-(?:api03|admin01)-[A-Za-z0-9_-]{93}AA)${RB}`),
  },
  {
    id: 'huggingface-token',
    provider: 'Hugging Face',
    label: 'Hugging Face access token',
    severity: 'high',
    keywords: ['hf_', 'api_org_'],
    regex: rx(`${LB}((?:hf|api_org)_[A-Za-z0-9]{34})${RB}`),
    validate: ({ secret }) => charClassCount(secret.slice(3)) >= 2,
  },
  {
    id: 'groq-api-key',
    provider: 'Groq',
    label: 'Groq API key',
    severity: 'high',
    keywords: ['gsk_'],
    regex: rx(`${LB}(gsk_[A-Za-z0-9]{52})${RB}`),
  },
  {
    id: 'replicate-api-token',
    provider: 'Replicate',
    label: 'Replicate API token',
    severity: 'high',
    keywords: ['r8_'],
    regex: rx(`${LB}(r8_[A-Za-z0-9]{37})${RB}`),
  },
  {
    id: 'perplexity-api-key',
    provider: 'Perplexity',
    label: 'Perplexity API key',
    severity: 'high',
    keywords: ['pplx-'],
    regex: rx(`${LB}(pplx-[A-Za-z0-9]{48})${RB}`),
  },

  // --- Azure -------------------------------------------------------------------------------
  {
    id: 'azure-storage-account-key',
    provider: 'Azure',
    label: 'Azure storage account key',
    severity: 'critical',
    keywords: ['accountkey'],
    regex: rx(`AccountKey=([A-Za-z0-9+/]{86}==)(?![A-Za-z0-9+/=])`, 'i'),
    validate: notKnownPublic,
    minEntropy: 4.5,
  },
  {
    id: 'azure-shared-access-key',
    provider: 'Azure',
    label: 'Azure shared access key',
    severity: 'critical',
    keywords: ['sharedaccesskey='],
    regex: rx(`SharedAccessKey=([A-Za-z0-9+/]{42,44}=)(?![A-Za-z0-9+/=])`, 'i'),
    minEntropy: 4,
  },
  {
    id: 'azure-sas-token',
    provider: 'Azure',
    label: 'Azure SAS token signature',
    severity: 'high',
    keywords: ['sig='],
    regex: rx(`[?&]sig=([A-Za-z0-9%+/]{40,120}(?:%3D|=){0,2})(?![A-Za-z0-9%+/=])`),
    validate: azureSasValidator,
  },
  {
    id: 'azure-ad-client-secret',
    provider: 'Azure',
    label: 'Azure AD client secret',
    severity: 'critical',
    keywords: ['q~'],
    regex: rx(`(?<![A-Za-z0-9_~.-])([A-Za-z0-9_~.]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34})(?![A-Za-z0-9_~.-])`),
  },

  // --- Cloud / hosting ---------------------------------------------------------------------
  {
    id: 'heroku-api-key',
    provider: 'Heroku',
    label: 'Heroku API key',
    severity: 'high',
    keywords: ['hrku-aa'],
    regex: rx(`${LB}(HRKU-AA[0-9A-Za-z_-]{58})${RB}`),
  },
  {
    id: 'heroku-api-key-legacy',
    provider: 'Heroku',
    label: 'Heroku API key',
    severity: 'high',
    keywords: ['heroku'],
    named: { name: 'heroku[A-Za-z0-9_.-]{0,20}?(?:key|token|secret)', value: UUID },
  },
  {
    id: 'digitalocean-token',
    provider: 'DigitalOcean',
    label: 'DigitalOcean token',
    severity: 'critical',
    keywords: ['dop_v1_', 'doo_v1_', 'dor_v1_'],
    regex: rx(`${LB}(do[opr]_v1_[a-f0-9]{64})${RB}`),
  },
  {
    id: 'shopify-token',
    provider: 'Shopify',
    label: 'Shopify access token',
    severity: 'high',
    keywords: ['shpat_', 'shpca_', 'shppa_', 'shpss_'],
    regex: rx(`${LB}(shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32})${RB}`),
  },
  {
    id: 'alibaba-access-key-id',
    provider: 'Alibaba Cloud',
    label: 'Alibaba Cloud access key id',
    severity: 'high',
    keywords: ['ltai'],
    regex: rx(`${LB}(LTAI[A-Za-z0-9]{20})${RB}`),
  },
  {
    id: 'terraform-cloud-token',
    provider: 'HashiCorp',
    label: 'Terraform Cloud API token',
    severity: 'high',
    keywords: ['.atlasv1.'],
    regex: rx(`${LB}([A-Za-z0-9]{14}\\.atlasv1\\.[A-Za-z0-9_=-]{60,70})${RB}`),
  },
  {
    id: 'vault-token',
    provider: 'HashiCorp',
    label: 'HashiCorp Vault token',
    severity: 'high',
    keywords: ['hvs.', 'hvb.'],
    regex: rx(`(?<![A-Za-z0-9_.-])(hv[sb]\\.[A-Za-z0-9_-]{90,300})${RB}`),
  },
  {
    id: 'doppler-token',
    provider: 'Doppler',
    label: 'Doppler token',
    severity: 'high',
    keywords: ['dp.pt.', 'dp.st.', 'dp.sa.', 'dp.ct.'],
    regex: rx(`(?<![A-Za-z0-9_.-])(dp\\.(?:pt|st|sa|ct)\\.[A-Za-z0-9]{40,44})${RB}`),
  },
  {
    id: 'databricks-token',
    provider: 'Databricks',
    label: 'Databricks access token',
    severity: 'high',
    keywords: ['dapi'],
    regex: rx(`${LB}(dapi[a-f0-9]{32}(?:-[0-9])?)${RB}`),
  },
  {
    id: 'planetscale-token',
    provider: 'PlanetScale',
    label: 'PlanetScale token or password',
    severity: 'high',
    keywords: ['pscale_'],
    regex: rx(`${LB}(pscale_(?:tkn|oauth|pw)_[A-Za-z0-9_=.-]{32,64})(?![A-Za-z0-9_=.-])`),
  },
  {
    id: 'supabase-token',
    provider: 'Supabase',
    label: 'Supabase secret',
    severity: 'high',
    keywords: ['sbp_', 'sb_secret_'],
    regex: rx(`${LB}(sbp_[a-f0-9]{40}|sb_secret_[A-Za-z0-9_-]{31,64})${RB}`),
  },
  {
    id: 'netlify-token',
    provider: 'Netlify',
    label: 'Netlify access token',
    severity: 'high',
    keywords: ['nfp_'],
    regex: rx(`${LB}(nfp_[A-Za-z0-9]{36})${RB}`),
  },
  {
    id: 'flyio-token',
    provider: 'Fly.io',
    label: 'Fly.io access token',
    severity: 'high',
    keywords: ['fo1_'],
    regex: rx(`${LB}(fo1_[A-Za-z0-9_-]{43})${RB}`),
  },
  {
    id: 'cloudflare-origin-ca-key',
    provider: 'Cloudflare',
    label: 'Cloudflare Origin CA key',
    severity: 'high',
    keywords: ['v1.0-'],
    regex: rx(`(?<![A-Za-z0-9_.-])(v1\\.0-[a-f0-9]{24}-[a-f0-9]{146})${RB}`),
  },
  {
    id: 'cloudflare-api-token',
    provider: 'Cloudflare',
    label: 'Cloudflare API token',
    severity: 'high',
    keywords: ['cloudflare', 'cf_api', 'cf-api'],
    named: { name: '(?:cloudflare|(?<![A-Za-z0-9])cf)[_.-]?(?:api[_.-]?)?(?:token|key)', value: '[A-Za-z0-9_-]{40}' },
    minEntropy: 4,
  },

  // --- Identity / collaboration ------------------------------------------------------------
  {
    id: 'okta-api-token',
    provider: 'Okta',
    label: 'Okta API token',
    severity: 'critical',
    keywords: ['okta'],
    named: { name: 'okta[A-Za-z0-9_.-]{0,20}?(?:token|key|secret)', value: '00[A-Za-z0-9_-]{40}' },
    minEntropy: 3.5,
  },
  {
    id: 'okta-ssws-token',
    provider: 'Okta',
    label: 'Okta API token',
    severity: 'critical',
    keywords: ['ssws'],
    regex: rx(`SSWS[ \\t]{1,3}(00[A-Za-z0-9_-]{40})${RB}`),
  },
  {
    id: 'atlassian-api-token',
    provider: 'Atlassian',
    label: 'Atlassian API token',
    severity: 'high',
    keywords: ['atatt3', 'atctt3'],
    regex: rx(`${LB}(AT[AC]TT3[A-Za-z0-9_=-]{150,250})(?![A-Za-z0-9_=-])`),
  },
  {
    id: 'atlassian-api-token-legacy',
    provider: 'Atlassian',
    label: 'Atlassian API token',
    severity: 'high',
    keywords: ['jira', 'atlassian', 'confluence'],
    named: { name: '(?:jira|atlassian|confluence)[A-Za-z0-9_.-]{0,20}?(?:token|key|secret)', value: '[A-Za-z0-9]{24}' },
    validate: mixedBase64(3),
  },
  {
    id: 'bitbucket-app-password',
    provider: 'Atlassian',
    label: 'Bitbucket app password',
    severity: 'high',
    keywords: ['atbb'],
    regex: rx(`${LB}(ATBB[A-Za-z0-9_=.-]{32,40})(?![A-Za-z0-9_=.-])`),
  },
  {
    id: 'dropbox-short-lived-token',
    provider: 'Dropbox',
    label: 'Dropbox access token',
    severity: 'high',
    keywords: ['sl.'],
    regex: rx(`(?<![A-Za-z0-9_.-])(sl\\.(?:u\\.)?[A-Za-z0-9_-]{130,1400})${RB}`),
    minEntropy: 4,
  },
  {
    id: 'dropbox-long-lived-token',
    provider: 'Dropbox',
    label: 'Dropbox long-lived access token',
    severity: 'high',
    keywords: ['aaaaaaaaaa'],
    regex: rx(`${LB}([A-Za-z0-9]{11}AAAAAAAAAA[A-Za-z0-9_-]{43})${RB}`),
    allowRuns: true,
  },
  {
    id: 'linear-api-key',
    provider: 'Linear',
    label: 'Linear API key',
    severity: 'high',
    keywords: ['lin_api_'],
    regex: rx(`${LB}(lin_api_[A-Za-z0-9]{40})${RB}`),
  },
  {
    id: 'notion-token',
    provider: 'Notion',
    label: 'Notion integration token',
    severity: 'high',
    keywords: ['ntn_', 'secret_'],
    regex: rx(`${LB}(ntn_[0-9]{11}[A-Za-z0-9]{35}|secret_[A-Za-z0-9]{43})${RB}`),
    validate: ({ secret }) => charClassCount(secret.slice(7)) >= 3,
  },
  {
    id: 'figma-token',
    provider: 'Figma',
    label: 'Figma personal access token',
    severity: 'medium',
    keywords: ['figd_'],
    regex: rx(`${LB}(figd_[A-Za-z0-9_-]{40})${RB}`),
  },
  {
    id: 'postman-api-key',
    provider: 'Postman',
    label: 'Postman API key',
    severity: 'high',
    keywords: ['pmak-'],
    regex: rx(`${LB}(PMAK-[a-f0-9]{24}-[a-f0-9]{34})${RB}`),
  },
  {
    id: 'contentful-token',
    provider: 'Contentful',
    label: 'Contentful personal access token',
    severity: 'high',
    keywords: ['cfpat-'],
    regex: rx(`${LB}(CFPAT-[A-Za-z0-9_-]{43})${RB}`),
  },
  {
    id: 'facebook-access-token',
    provider: 'Facebook',
    label: 'Facebook access token',
    severity: 'high',
    keywords: ['eaac', 'eaag', 'eaam'],
    regex: rx(`${LB}(EAA[CGM][A-Za-z0-9]{100,400})${RB}`),
    minEntropy: 4,
  },
  {
    id: 'twitter-bearer-token',
    provider: 'Twitter / X',
    label: 'Twitter bearer token',
    severity: 'high',
    keywords: ['aaaaaaaaaaaaaaaaaaaaa'],
    regex: rx(`${LB}(A{21,22}[A-Za-z0-9%]{30,150})(?![A-Za-z0-9%_-])`),
    validate: ({ secret }) => shannonEntropy(secret.replace(/^A+/, '')) >= 4,
    minEntropy: 0,
    allowRuns: true,
  },
  {
    id: 'mapbox-secret-token',
    provider: 'Mapbox',
    label: 'Mapbox secret token',
    severity: 'high',
    keywords: ['sk.eyj'],
    regex: rx(`(?<![A-Za-z0-9_.-])(sk\\.eyJ[A-Za-z0-9_-]{50,200}\\.[A-Za-z0-9_-]{20,30})${RB}`),
  },
  {
    id: 'age-secret-key',
    provider: 'age',
    label: 'age encryption secret key',
    severity: 'critical',
    keywords: ['age-secret-key-1'],
    regex: rx(`(AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})`),
  },

  // --- Observability -----------------------------------------------------------------------
  {
    id: 'datadog-api-key',
    provider: 'Datadog',
    label: 'Datadog API or application key',
    severity: 'high',
    keywords: ['datadog', 'dd_', 'dd-', 'ddapi', 'ddapp'],
    named: {
      name: '(?:datadog|(?<![A-Za-z0-9])dd)[_.-]?(?:api|app(?:lication)?|client)[_.-]?(?:key|token)',
      value: '[a-f0-9]{40}|[a-f0-9]{32}',
    },
  },
  {
    id: 'new-relic-key',
    provider: 'New Relic',
    label: 'New Relic key',
    severity: 'high',
    keywords: ['nrak-', 'nrii-', 'nrjs-', 'nral'],
    regex: rx(`${LB}(NRAK-[A-Z0-9]{27}|NRII-[A-Za-z0-9_-]{32}|NRJS-[a-f0-9]{19}|[a-f0-9]{36}NRAL)${RB}`),
  },
  {
    id: 'new-relic-license-key',
    provider: 'New Relic',
    label: 'New Relic license key',
    severity: 'high',
    keywords: ['relic'],
    named: { name: 'new[_.-]?relic[A-Za-z0-9_.-]{0,12}?(?:license|api|insert)[_.-]?key', value: '[a-f0-9]{40}' },
  },
  {
    id: 'sentry-dsn-secret',
    provider: 'Sentry',
    label: 'Sentry DSN with secret key',
    severity: 'high',
    keywords: ['sentry', 'ingest'],
    regex: rx(`https?://[a-f0-9]{32}:([a-f0-9]{32})@[A-Za-z0-9.-]{1,100}(?::[0-9]{1,5})?/[0-9]{1,12}`),
  },
  {
    id: 'sentry-token',
    provider: 'Sentry',
    label: 'Sentry auth token',
    severity: 'high',
    keywords: ['sntrys_', 'sntryu_'],
    regex: rx(`${LB}(sntryu_[a-f0-9]{64}|sntrys_eyJ[A-Za-z0-9+/=_]{60,600})(?![A-Za-z0-9+/=_-])`),
  },
  {
    id: 'grafana-token',
    provider: 'Grafana',
    label: 'Grafana token',
    severity: 'high',
    keywords: ['glsa_', 'glc_'],
    regex: rx(`${LB}(glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}|glc_[A-Za-z0-9+/]{32,400}={0,2})(?![A-Za-z0-9+/=_-])`),
  },
  {
    id: 'pulumi-token',
    provider: 'Pulumi',
    label: 'Pulumi access token',
    severity: 'high',
    keywords: ['pul-'],
    regex: rx(`${LB}(pul-[a-f0-9]{40})${RB}`),
  },
  {
    id: 'shippo-token',
    provider: 'Shippo',
    label: 'Shippo live API token',
    severity: 'high',
    keywords: ['shippo_live_'],
    regex: rx(`${LB}(shippo_live_[a-f0-9]{40})${RB}`),
  },

  // --- Generic formats ---------------------------------------------------------------------
  {
    id: 'jwt',
    provider: 'JSON Web Token',
    label: 'JSON Web Token',
    severity: 'medium',
    keywords: ['eyj'],
    regex: rx(
      `(?<![A-Za-z0-9_./+-])(eyJ[A-Za-z0-9_-]{8,2000}\\.eyJ[A-Za-z0-9_-]{8,4000}\\.[A-Za-z0-9_-]{16,1000})(?![A-Za-z0-9_.-])`,
    ),
    validate: jwtValidator,
  },
  {
    id: 'connection-url-password',
    provider: 'Database / broker',
    label: 'password in connection URL',
    severity: 'high',
    keywords: ['://'],
    regex: rx(
      `(?<![A-Za-z0-9+.-])(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\\+srv)?|rediss?|amqps?|smtps?|mssql|sqlserver|ldaps?|ftps?|sftp)://[^\\s:@/?#'"\`]{0,100}:([^\\s@/?#'"\`]{1,200})@[^\\s'"\`]{1,100}`,
      'i',
    ),
    validate: urlPassword,
    minEntropy: 0,
  },
  {
    id: 'url-query-secret',
    provider: 'HTTP',
    label: 'credential in URL query string',
    severity: 'medium',
    keywords: ['key=', 'token=', 'secret=', 'password='],
    regex: rx(
      `[?&](?:api[_-]?key|access[_-]?token|auth[_-]?token|client[_-]?secret|api[_-]?secret|private[_-]?token|token|secret|password|key)=([A-Za-z0-9_.~%-]{16,200})(?![A-Za-z0-9_.~%-])`,
      'i',
    ),
    // A random run: 12+ alphanumerics with digits and letters (not "value%23still-query").
    validate: ({ secret }) =>
      /[A-Za-z0-9]{12}/.test(secret) &&
      (secret.match(/[A-Za-z0-9]{12,200}/g) ?? []).some((run) => /[0-9]/.test(run) && /[A-Za-z]/.test(run)) &&
      shannonEntropy(secret) >= 3.5,
  },
  {
    id: 'http-basic-auth-url',
    provider: 'HTTP',
    label: 'password in URL',
    severity: 'medium',
    keywords: ['://'],
    regex: rx(
      `(?<![A-Za-z0-9+.-])https?://[A-Za-z0-9._~%!$&*+,;=-]{1,100}:([^\\s@/?#'"\`]{6,200})@[A-Za-z0-9.-]{1,200}`,
      'i',
    ),
    validate: (i) => urlPassword(i) && shannonEntropy(i.secret) >= 2.5,
    minEntropy: 0,
  },
];

// Build free-text regexes of named patterns.
for (const p of PROVIDER_PATTERNS) {
  if (p.named && !p.regex) p.regex = rx(namedRegexSource(p.named.name, p.named.value), 'i');
}

/** Distinct provider names in the table. */
export function providerNames(): string[] {
  return [...new Set(PROVIDER_PATTERNS.map((p) => p.provider))];
}
