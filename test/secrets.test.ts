import { describe, expect, it } from 'vitest';
import {
  PROVIDER_PATTERNS,
  findProviderSecrets,
  findSecretsInValue,
  isLikelySecretName,
  isPlaceholder,
  looksLikeSecretValue,
  redact,
  scanConfigText,
  wantsSecretTextFile,
  type SecretMatch,
} from '../src/secrets/detect.js';
import { findPemPrivateKeys, providerNames } from '../src/secrets/patterns.js';

// Deterministic fake token bodies (never real secrets).
let seed = 12345;
function rnd(): number {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x80000000;
}
const UP = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LO = 'abcdefghijklmnopqrstuvwxyz';
const DI = '0123456789';
const B62 = UP + LO + DI;
const B64URL = B62 + '-_';
const HEX = '0123456789abcdef';
function r(cs: string, n: number): string {
  for (;;) {
    let s = '';
    for (let i = 0; i < n; i++) s += cs[Math.floor(rnd() * cs.length)];
    const need = [/[A-Z]/, /[a-z]/, /[0-9]/].filter((re) => re.test(cs) && n >= 12);
    if (need.every((re) => re.test(s))) return s;
  }
}
const b64url = (s: string) => Buffer.from(s).toString('base64url');
const uuid = () => `${r(HEX, 8)}-${r(HEX, 4)}-4${r(HEX, 3)}-a${r(HEX, 3)}-${r(HEX, 12)}`;
function pem(kind: string, lines = 20): string {
  const body = Array.from({ length: lines }, () => r(B62 + '+/', 64)).join('\n');
  return `-----BEGIN ${kind}-----\n${body}\n-----END ${kind}-----`;
}

/** [expected pattern id, text containing exactly one secret, the secret]. */
function samples(): [string, string, string][] {
  const out: [string, string, string][] = [];
  const add = (id: string, secret: string, wrap = (s: string) => `const x = '${s}';`) => out.push([id, wrap(secret), secret]);
  add('aws-access-key-id', 'AKIA' + r('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16));
  add('aws-access-key-id', 'ASIA' + r('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16));
  add('aws-secret-access-key', r(B62 + '+/', 40), (s) => `AWS_SECRET_ACCESS_KEY=${s}`);
  add('aws-secret-access-key', r(B62 + '+/', 40), (s) => `  secretAccessKey: '${s}',`);
  add('github-pat', 'ghp_' + r(B62, 36));
  add('github-fine-grained-pat', 'github_pat_' + r(UP + DI, 22) + '_' + r(B62, 59));
  add('github-oauth', 'gho_' + r(B62, 36));
  add('github-app-token', 'ghs_' + r(B62, 36));
  add('github-app-token', 'ghu_' + r(B62, 36));
  add('github-refresh-token', 'ghr_' + r(B62, 76));
  add('gitlab-pat', 'glpat-' + r(B64URL, 20));
  add('gitlab-token', 'gldt-' + r(B64URL, 20));
  add('gitlab-pipeline-trigger-token', 'glptt-' + r(HEX, 40));
  add('gitlab-runner-registration-token', 'GR1348941' + r(B64URL, 20));
  add('slack-token', `xoxb-${r(DI, 12)}-${r(DI, 13)}-${r(B62, 24)}`);
  add('slack-token', `xoxp-${r(DI, 12)}-${r(DI, 12)}-${r(DI, 13)}-${r(HEX, 32)}`);
  add('slack-app-token', `xapp-1-A${r(UP + DI, 10)}-${r(DI, 13)}-${r(HEX, 64)}`);
  add('slack-webhook', `T${r(UP + DI, 10)}/B${r(UP + DI, 10)}/${r(B62, 24)}`, (s) => `url: 'https://hooks.slack.com/services/${s}'`);
  add('stripe-secret-key', 'sk_live_' + r(B62, 24));
  add('stripe-secret-key', 'rk_live_' + r(B62, 99));
  add('stripe-webhook-secret', 'whsec_' + r(B62, 32));
  add('square-access-token', 'EAAA' + r(B64URL, 60));
  add('square-oauth-secret', 'sq0csp-' + r(B64URL, 43));
  add('braintree-access-token', `access_token$production$${r(LO + DI, 16)}$${r(HEX, 32)}`);
  add('braintree-private-key', r(HEX, 32), (s) => `BRAINTREE_PRIVATE_KEY=${s}`);
  add('paypal-client-secret', 'E' + r(B64URL, 79), (s) => `PAYPAL_CLIENT_SECRET: "${s}"`);
  add('google-api-key', 'AIzaSy' + r(B64URL, 33));
  add('google-oauth-client-secret', 'GOCSPX-' + r(B64URL, 28));
  add('google-oauth-access-token', 'ya29.a0' + r(B64URL, 120));
  add('firebase-cloud-messaging-key', 'AAAA' + r(B64URL, 7) + ':APA91b' + r(B64URL, 134));
  add('firebase-database-secret', r(B62, 40), (s) => `FIREBASE_DB_SECRET=${s}`);
  add('twilio-api-key', 'SK' + r(HEX, 32));
  add('twilio-auth-token', r(HEX, 32), (s) => `TWILIO_AUTH_TOKEN=${s}`);
  add('sendgrid-api-key', `SG.${r(B64URL, 22)}.${r(B64URL, 43)}`);
  add('mailgun-api-key', 'key-' + r(LO + DI, 32));
  add('mailgun-private-key', `${r(HEX, 32)}-${r(HEX, 8)}-${r(HEX, 8)}`, (s) => `MAILGUN_API_KEY=${s}`);
  add('mailchimp-api-key', `${r(HEX, 32)}-us14`);
  add('brevo-api-key', `xkeysib-${r(HEX, 64)}-${r(B62, 16)}`);
  add('discord-bot-token', `${b64url(String(r('123456789', 1)) + r(DI, 17))}.${r(B64URL, 6)}.${r(B64URL, 38)}`);
  add('discord-webhook', r(B64URL, 68), (s) => `"https://discord.com/api/webhooks/${r(DI, 18)}/${s}"`);
  add('telegram-bot-token', `${r('123456789', 1)}${r(DI, 9)}:AA${r(B64URL, 33)}`);
  add('microsoft-teams-webhook', r(HEX, 32), (s) => `https://acme.webhook.office.com/webhookb2/${uuid()}@${uuid()}/IncomingWebhook/${s}/${uuid()}`);
  add('npm-token', 'npm_' + r(B62, 36));
  add('pypi-token', 'pypi-AgEIcHlwaS5vcmc' + r(B64URL, 150));
  add('rubygems-token', 'rubygems_' + r(HEX, 48));
  add('docker-hub-pat', 'dckr_pat_' + r(B64URL, 27));
  add('openai-api-key', 'sk-proj-' + r(B64URL, 74) + 'T3BlbkFJ' + r(B64URL, 74));
  add('openai-api-key', 'sk-' + r(B62, 20) + 'T3BlbkFJ' + r(B62, 20));
  add('anthropic-api-key', 'sk-ant-api03-' + r(B64URL, 93) + 'AA');
  add('huggingface-token', 'hf_' + r(B62, 34));
  add('groq-api-key', 'gsk_' + r(B62, 52));
  add('replicate-api-token', 'r8_' + r(B62, 37));
  add('perplexity-api-key', 'pplx-' + r(B62, 48));
  add('azure-storage-account-key', r(B62 + '+/', 86) + '==', (s) => `DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=${s};EndpointSuffix=core.windows.net`);
  add('azure-shared-access-key', r(B62 + '+/', 43) + '=', (s) => `Endpoint=sb://x.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=${s}`);
  add('azure-sas-token', r(B62 + '+/', 43) + '%3D', (s) => `https://a.blob.core.windows.net/c?sv=2022-11-02&sp=r&se=2026-01-01&sig=${s}`);
  add('azure-ad-client-secret', r(B62, 3) + '8Q~' + r(B62 + '_~.-', 34));
  add('heroku-api-key', 'HRKU-AA' + r(B64URL, 58));
  add('heroku-api-key-legacy', uuid(), (s) => `HEROKU_API_KEY=${s}`);
  add('digitalocean-token', 'dop_v1_' + r(HEX, 64));
  add('shopify-token', 'shpat_' + r(HEX, 32));
  add('alibaba-access-key-id', 'LTAI' + r(B62, 20));
  add('terraform-cloud-token', `${r(B62, 14)}.atlasv1.${r(B64URL, 67)}`);
  add('vault-token', 'hvs.' + r(B64URL, 92));
  add('doppler-token', 'dp.pt.' + r(B62, 43));
  add('databricks-token', 'dapi' + r(HEX, 32));
  add('planetscale-token', 'pscale_tkn_' + r(B64URL, 43));
  add('supabase-token', 'sbp_' + r(HEX, 40));
  add('netlify-token', 'nfp_' + r(B62, 36));
  add('flyio-token', 'fo1_' + r(B64URL, 43));
  add('cloudflare-origin-ca-key', `v1.0-${r(HEX, 24)}-${r(HEX, 146)}`);
  add('cloudflare-api-token', r(B64URL, 40), (s) => `CLOUDFLARE_API_TOKEN=${s}`);
  add('okta-api-token', '00' + r(B64URL, 40), (s) => `OKTA_API_TOKEN="${s}"`);
  add('okta-ssws-token', '00' + r(B64URL, 40), (s) => `Authorization: 'SSWS ${s}'`);
  add('atlassian-api-token', 'ATATT3xFfGF0' + r(B64URL, 171) + '=' + r('0123456789ABCDEF', 8));
  add('atlassian-api-token-legacy', r(B62, 24), (s) => `JIRA_API_TOKEN=${s}`);
  add('bitbucket-app-password', 'ATBB' + r(B62, 32));
  add('dropbox-short-lived-token', 'sl.' + r(B64URL, 138));
  add('linear-api-key', 'lin_api_' + r(B62, 40));
  add('notion-token', 'ntn_' + r(DI, 11) + r(B62, 35));
  add('figma-token', 'figd_' + r(B64URL, 40));
  add('postman-api-key', `PMAK-${r(HEX, 24)}-${r(HEX, 34)}`);
  add('contentful-token', 'CFPAT-' + r(B64URL, 43));
  add('facebook-access-token', 'EAAG' + r(B62, 180));
  add('twitter-bearer-token', 'AAAAAAAAAAAAAAAAAAAAA' + r(B62, 20) + '%3D' + r(B62, 50));
  add('mapbox-secret-token', `sk.eyJ1Ijoi${r(B64URL, 60)}.${r(B64URL, 22)}`);
  add('age-secret-key', 'AGE-SECRET-KEY-1' + r('QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L', 58));
  add('datadog-api-key', r(HEX, 32), (s) => `DD_API_KEY=${s}`);
  add('datadog-api-key', r(HEX, 40), (s) => `"datadogAppKey": "${s}"`);
  add('new-relic-key', 'NRAK-' + r(UP + DI, 27));
  add('new-relic-key', r(HEX, 36) + 'NRAL');
  add('new-relic-license-key', r(HEX, 40), (s) => `NEW_RELIC_LICENSE_KEY=${s}`);
  add('sentry-dsn-secret', r(HEX, 32), (s) => `dsn: 'https://${r(HEX, 32)}:${s}@o12345.ingest.sentry.io/678'`);
  add('sentry-token', 'sntryu_' + r(HEX, 64));
  add('grafana-token', `glsa_${r(B62, 32)}_${r(HEX, 8)}`);
  add('pulumi-token', 'pul-' + r(HEX, 40));
  add('shippo-token', 'shippo_live_' + r(HEX, 40));
  const jwt = `${b64url('{"alg":"HS256","typ":"JWT"}')}.${b64url('{"sub":"svc-billing","role":"service_role","iat":1714000000}')}.${r(B64URL, 43)}`;
  add('jwt', jwt);
  add('connection-url-password', 'Zq8' + r(B62, 13), (s) => `postgres://app:${s}@db.internal:5432/app`);
  add('connection-url-password', r(B62, 16), (s) => `mongodb+srv://api:${s}@cluster0.abcde.mongodb.net/prod`);
  add('connection-url-password', r(B62, 16), (s) => `REDIS_URL=redis://:${s}@cache:6379`);
  add('connection-url-password', r(B62, 16), (s) => `amqps://orders:${s}@mq:5671`);
  add('connection-url-password', r(B62, 16), (s) => `mysql://etl:${s}@mysql/warehouse`);
  add('connection-url-password', r(B62, 16), (s) => `smtp://mailer:${s}@smtp.acme.dev:587`);
  add('http-basic-auth-url', r(B62, 16), (s) => `https://ops:${s}@hooks.partner.dev/in`);
  add('url-query-secret', r(B62, 32), (s) => `fetch('https://api.acme.dev/v1?city=Oslo&api_key=${s}')`);
  return out;
}

describe('provider patterns', () => {
  it('cover at least 40 providers and have unique ids', () => {
    expect(providerNames().length).toBeGreaterThanOrEqual(40);
    const ids = PROVIDER_PATTERNS.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  const all = samples();
  it.each(all.map(([id, text, secret], i) => [`${id} #${i}`, id, text, secret]))('finds %s', (_label, id, text, secret) => {
    const found = findProviderSecrets(text);
    expect(found.map((m) => m.id)).toEqual([id]);
    const m = found[0]!;
    expect(text.slice(m.index, m.index + m.length)).toBe(secret);
    expect(m.kind).toBe('provider');
  });

  it('finds PEM private key blocks, also with \\n escapes inside a JSON string', () => {
    for (const kind of ['RSA PRIVATE KEY', 'PRIVATE KEY', 'EC PRIVATE KEY', 'OPENSSH PRIVATE KEY', 'ENCRYPTED PRIVATE KEY']) {
      const block = pem(kind);
      const found = findProviderSecrets(`const key = \`${block}\`;`);
      expect(found.map((m) => m.id)).toEqual(['private-key']);
      expect(found[0]!.length).toBe(block.length);
    }
    const json = `{"type": "service_account", "private_key": "${pem('PRIVATE KEY').replace(/\n/g, '\\n')}\\n", "client_email": "x@p.iam.gserviceaccount.com"}`;
    const sa = findProviderSecrets(json);
    expect(sa.map((m) => m.label)).toEqual(['Google service account private key']);
  });

  it('ignores public keys, certificates and placeholder PEM blocks', () => {
    expect(findPemPrivateKeys(pem('PUBLIC KEY'))).toEqual([]);
    expect(findPemPrivateKeys(pem('CERTIFICATE'))).toEqual([]);
    expect(findPemPrivateKeys('-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----')).toEqual([]);
    expect(findPemPrivateKeys('-----BEGIN PRIVATE KEY-----\n<your key here>\n-----END PRIVATE KEY-----')).toEqual([]);
    expect(findPemPrivateKeys(`-----BEGIN RSA PRIVATE KEY-----\n${'A'.repeat(64 * 10)}\n-----END RSA PRIVATE KEY-----`)).toEqual([]);
  });

  it('rejects fake, documentation and public values in provider formats', () => {
    const negatives = [
      'AKIAIOSFODNN7EXAMPLE',
      'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      'ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX',
      'ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
      'sk_live_xxxxxxxxxxxxxxxxxxxxxxxx',
      'sk_test_' + r(B62, 24),
      'pk_live_' + r(B62, 24),
      'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX',
      'xoxb-xxxxxxxxxxxx-xxxxxxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx',
      'AIzaSyabcdefghijklmnopqrstuvwxyz1234567',
      'AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==',
      // jwt.io sample and a Supabase anon key (public by design)
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
      `${b64url('{"alg":"HS256","typ":"JWT"}')}.${b64url('{"iss":"supabase","role":"anon","iat":1700000000}')}.${r(B64URL, 43)}`,
      `${b64url('{"alg":"none"}')}.${b64url('{"sub":"x","iat":1700000000}')}.${r(B64URL, 20)}`,
      'postgres://user:password@localhost:5432/db',
      'postgres://postgres:postgres@localhost:5432/dev',
      'amqp://guest:guest@localhost:5672',
      'mongodb+srv://<username>:<password>@cluster0.mongodb.net/',
      'postgres://app:${DB_PASSWORD}@db:5432/app',
      'redis://localhost:6379',
      `https://${r(HEX, 32)}@o123456.ingest.sentry.io/1234567`,
      'https://api.acme.dev/v1?api_key={API_KEY}',
      'x:/resource?key=value%23still-query#first',
      'https://acme.dev/search?token=abcdefghijklmnop',
      'integrity: sha512-' + Buffer.from(r(B62, 64)).toString('base64'),
      `commit ${r(HEX, 40)}`,
      uuid(),
      `cache-key-${r(HEX, 32)}`,
    ];
    for (const n of negatives) expect(findProviderSecrets(n), n).toEqual([]);
  });

  it('keeps one match for overlapping formats', () => {
    const dsn = `https://${r(HEX, 32)}:${r(HEX, 32)}@o1.ingest.sentry.io/2`;
    expect(findProviderSecrets(dsn).map((m) => m.id)).toEqual(['sentry-dsn-secret']);
  });
});

describe('secret names', () => {
  it.each([
    'password', 'passwd', 'PASSWORD', 'dbPassword', 'DB_PASSWORD', 'db_pass', 'SMTP_PASS', 'pwd', 'passphrase',
    'secret', 'clientSecret', 'client_secret', 'JWT_SECRET', 'sessionSecret', 'token', 'accessToken', 'GITHUB_TOKEN',
    '_authToken', '//registry.internal/:_authToken', '_auth', 'apiKey', 'api_key', 'API_KEY', 'apikey', 'x-api-key',
    'accessKey', 'privateKey', 'private_key', 'secretKey', 'SECRET_KEY_BASE', 'signingKey', 'encryptionKey',
    'spring.datasource.password', 'Authorization', 'refreshToken', 'apiKeyProd', 'API_TOKEN_V2', 'credentials',
  ])('%s is secret-ish', (name) => {
    expect(isLikelySecretName(name)).toBe(true);
  });

  it.each([
    'tokenUrl', 'passwordField', 'secretName', 'TOKEN_EXPIRY', 'passwordMinLength', 'public_key', 'publicKey',
    'PUBLISHABLE_KEY', 'NEXT_PUBLIC_API_KEY', 'csrfToken', 'nextPageToken', 'accessKeyId', 'tokenType', 'passwordHash',
    'apiKeyHeader', 'secretsManagerArn', 'passwordResetUrl', 'token_endpoint', 'tokenizer', 'bypass', 'compass',
    'passport', 'key', 'cacheKey', 'primaryKey', 'isPassword', 'showPassword', 'getToken', 'confirmPassword',
    'forgotPassword', 'passwordRegex', 'secretLength', 'keyId', 'TOKEN_TTL', 'token_audience', 'secret_name',
    'privateKeyPath', 'PASSWORD_MIN_LENGTH', 'apiVersion', 'author', 'monkey', 'nextLastSignificantToken',
    'currentToken', 'publicApiKey', '//a.com/?Token=Value', 'headers["x-api-key"]', 'searchOnlyApiKey', 'ALGOLIA_SEARCH_API_KEY',
  ])('%s is not secret-ish', (name) => {
    expect(isLikelySecretName(name)).toBe(false);
  });
});

describe('placeholders', () => {
  it.each([
    'changeme', 'CHANGE_ME', 'xxx', 'XXXXXXXX', '<your-token>', 'Bearer <token>', '${TOKEN}', '${{ secrets.NPM_TOKEN }}',
    '********', 'example', 'my-example-key', 'test', 'test-secret', 'dummy', 'YOUR_API_KEY', 'your-api-key-here',
    'aaaaaaaaaaaa', '1111111111', 'abababab', '$API_KEY', '%API_KEY%', '{{ vault_token }}', 'process.env.API_KEY',
    'password', 'Passw0rd!', 'P@ssw0rd', 'secret', 'admin123', 'keyboard cat'.replace(' ', ''), 'ENC[AES256_GCM,data:abc]',
    'op://vault/item/field', 'abcdef123456', 'sk-...', '', 'null', 'REPLACE_ME', 'TODO',
  ])('%s is a placeholder', (v) => {
    expect(isPlaceholder(v)).toBe(true);
  });

  it.each(['Tr0ub4dor&3x', 'k8Jd2mQp7LxZ0wNf', 'a8f5f167f44f4964e6c998dee827110c', 'Summer47!wqz'])('%s is not', (v) => {
    expect(isPlaceholder(v)).toBe(false);
  });
});

describe('looksLikeSecretValue', () => {
  it.each([
    ['password', 'Summer47!wqz'],
    ['DB_PASSWORD', 'Tr0ub4dor&3x'],
    ['apiKey', 'a8f5f167f44f4964e6c998dee827110c'],
    ['api_key', r(B62, 32)],
    ['clientSecret', r(HEX, 40)],
    ['JWT_SECRET', r(B62 + '!#%&*', 40)],
    ['accessKey', r(B62, 24)],
    ['privateKey', r(HEX, 64)],
    ['token', 'Bearer ' + r(B62, 40)],
    ['Authorization', 'Basic ' + Buffer.from('billing:Qz7-wK2p!mX').toString('base64')],
    ['_authToken', r(B64URL, 64)],
    ['gitToken', r(HEX, 40)], // 40 hex under a secret name: a legacy token, not a SHA
  ])('%s = %s is a secret', (name, value) => {
    expect(looksLikeSecretValue(name, value)).toBe(true);
  });

  it.each([
    ['tokenUrl', 'https://auth.acme.dev/oauth/token'],
    ['commitSha', r(HEX, 40)], // git SHA, name not secret-ish
    ['apiKey', uuid()],
    ['sessionToken', uuid()],
    ['integrity', 'sha512-' + Buffer.from(r(B62, 64)).toString('base64')],
    ['token', 'sha384-' + Buffer.from(r(B62, 48)).toString('base64')],
    ['secret', 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJ' + r(B62, 40)],
    ['publicKey', '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END PUBLIC KEY-----'],
    ['privateKey', '-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END PUBLIC KEY-----'],
    ['sshKey', 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI' + r(B62, 43) + ' me@host'],
    ['apiKey', '${API_KEY}'],
    ['password', 'process.env.DB_PASSWORD'],
    ['password', 'Please enter your password'],
    ['token', 'Your session has expired, please sign in again.'],
    ['apiKey', 'API-Schlüssel'],
    ['secret', 'auth.token.expired'],
    ['password', 'https://vault.acme.dev/v1/secret/db'],
    ['privateKey', './certs/server.key'],
    ['secret', '/run/secrets/db_password'],
    ['keyFile', 'service-account.json'],
    ['password', '$2b$10$' + r(B62 + './', 53)],
    ['apiKey', 'x-api-key'],
    ['token', 'auth_token_v2'],
    ['secret', 'keyboard cat'],
    ['password', 'hunter2'],
    ['password', 'admin'],
    ['apiKey', 'pk_live_' + r(B62, 24)],
    ['secretKey', 'sk_test_' + r(B62, 24)],
    ['password', ''],
    ['token', '12345678901234'],
    ['secret', r('x', 1).repeat(30)],
    ['password', 'Passw0rd!'],
    ['token', '?NonExpressionParenEnd'],
    ['secret', 'ParseErrorUnexpectedToken'],
    ['password', 'пароль-Пароль1'],
  ])('%s = %s is not a secret', (name, value) => {
    expect(looksLikeSecretValue(name, value)).toBe(false);
  });

  it('findSecretsInValue prefers provider formats, then name-based providers, then the generic check', () => {
    const gh = 'ghp_' + r(B62, 36);
    expect(findSecretsInValue(`token ${gh}`, 'whatever').map((m) => m.id)).toEqual(['github-pat']);
    expect(findSecretsInValue(r(HEX, 32), 'DD_API_KEY').map((m) => m.id)).toEqual(['datadog-api-key']);
    const named = findSecretsInValue('Bearer ' + r(B62, 40), 'Authorization');
    expect(named.map((m) => [m.id, m.kind, m.index])).toEqual([['named-secret', 'named', 7]]);
    expect(findSecretsInValue(r(HEX, 32), 'checksum')).toEqual([]);
    expect(findSecretsInValue(r(HEX, 32))).toEqual([]);
  });
});

describe('config files', () => {
  it('scans .env files with 1-based positions and exclusive endColumn', () => {
    const gh = 'ghp_' + r(B62, 36);
    const pw = 'Tr0ub4dor&3x';
    const text = `# comment\nexport GITHUB_TOKEN=${gh}\nDB_PASSWORD="${pw}"\nTOKEN_EXPIRY=3600\nAPI_KEY=\${API_KEY}\n`;
    const hits = scanConfigText('.env.production', text);
    expect(hits.map((h) => [h.kind, h.id, h.line, h.column, h.endLine, h.endColumn])).toEqual([
      ['provider', 'github-pat', 2, 21, 2, 21 + gh.length],
      ['named', 'named-secret', 3, 14, 3, 14 + pw.length],
    ]);
    for (const h of hits) expect(h.message).not.toContain(gh.slice(4));
  });

  it('scans JSON (also minified) by key', () => {
    const secret = r(B62, 40);
    const text = `{"db":{"host":"x","password":"${secret}","passwordField":"password"},"tokenUrl":"https://a.b/token","integrity":"sha512-${Buffer.from(r(B62, 64)).toString('base64')}"}`;
    const hits = scanConfigText('config/app.json', text);
    expect(hits.map((h) => [h.id, h.line, h.column])).toEqual([['named-secret', 1, text.indexOf(secret) + 1]]);
  });

  it('scans YAML keys, list items and quoted values, skipping references', () => {
    const secret = r(B62, 32);
    const text = [
      'spring:',
      '  datasource:',
      `    password: "${secret}"`,
      '    token-uri: https://auth.acme.dev/oauth/token',
      '  env:',
      `    - JWT_SECRET=${secret}`,
      '    - API_TOKEN=${API_TOKEN}',
      "  npm_token: ${{ secrets.NPM_TOKEN }}",
      '  secret: !vault |',
      '    $ANSIBLE_VAULT;1.1;AES256',
    ].join('\n');
    const hits = scanConfigText('config/app.yaml', text);
    expect(hits.map((h) => [h.line, h.column])).toEqual([
      [3, 16],
      [6, 18],
    ]);
  });

  it('scans .npmrc auth lines', () => {
    const tok = 'npm_' + r(B62, 36);
    const other = r(B64URL, 64);
    const text = `@acme:registry=https://artifacts.acme.io/npm/\n//artifacts.acme.io/npm/:_authToken=${tok}\n//mirror.acme.io/:_authToken=\${NPM_TOKEN}\n//other.acme.io/:_authToken=${other}\nalways-auth=true\n`;
    const hits = scanConfigText('.npmrc', text);
    expect(hits.map((h) => [h.id, h.line])).toEqual([
      ['npm-token', 2],
      ['named-secret', 4],
    ]);
  });

  it('finds multi-line PEM blocks in YAML block scalars', () => {
    const key = pem('OPENSSH PRIVATE KEY', 4).split('\n').map((l) => `    ${l}`).join('\n');
    const hits = scanConfigText('k8s/secret.yaml', `stringData:\n  deploy_key: |\n${key}\n`);
    expect(hits.map((h) => [h.id, h.line, h.endLine])).toEqual([['private-key', 3, 8]]);
  });

  it('decides which text files to read', () => {
    for (const p of ['.env', '.env.local', 'deploy/.env.production', '.env.example', '.npmrc', 'config/default.json', 'a/b.yml', 'k8s/x.yaml']) {
      expect(wantsSecretTextFile(p), p).toBe(true);
    }
    for (const p of [
      'package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'package.json', 'tsconfig.json',
      'tsconfig.build.json', 'node_modules/x/config.json', 'a/node_modules/.env', 'src/index.ts', 'README.md', 'env.ts',
    ]) {
      expect(wantsSecretTextFile(p), p).toBe(false);
    }
  });
});

describe('redaction', () => {
  it('shows at most 4 leading characters and the length', () => {
    expect(redact('ghp_' + 'a1B2'.repeat(9))).toBe('ghp_…(40 chars)');
    expect(redact('hunter2x')).toBe('h…(8 chars)');
    expect(redact('abc')).toBe('…(3 chars)');
  });

  it('never leaks more than the prefix in any message', () => {
    const messages: [string, SecretMatch][] = [];
    for (const [, text, secret] of samples()) for (const m of findProviderSecrets(text)) messages.push([secret, m]);
    for (const [name, value] of [['password', 'Tr0ub4dor&3x'], ['apiKey', r(B62, 32)], ['token', 'Bearer ' + r(B62, 40)]] as const) {
      for (const m of findSecretsInValue(value, name)) messages.push([value.replace(/^Bearer /, ''), m]);
    }
    expect(messages.length).toBeGreaterThan(100);
    for (const [secret, m] of messages) {
      for (const shown of [m.message, m.redacted, m.label]) {
        expect(shown).not.toContain(secret);
        for (let i = 0; i + 5 <= secret.length; i++) {
          const piece = secret.slice(i, i + 5);
          if (/^[A-Za-z ]+$/.test(piece) && m.label.includes(piece)) continue; // plain words of the label
          expect(shown.includes(piece), `${m.id} leaks ${piece}`).toBe(false);
        }
      }
    }
    const hits = scanConfigText('.env', `DB_PASSWORD=Tr0ub4dor&3x\nSTRIPE=sk_live_${r(B62, 30)}\n`);
    expect(hits.map((h) => h.message).join('\n')).not.toMatch(/ub4dor|sk_live_[A-Za-z0-9]{2}/);
  });
});

describe('linear time on adversarial input', () => {
  /** Unbounded quantifiers (*, +, {n,}) or a repeated group containing a quantifier, outside character classes. */
  function unsafeConstructs(source: string): string[] {
    const problems: string[] = [];
    const groups: { hasQuant: boolean }[] = [{ hasQuant: false }];
    let inClass = false;
    let lastClosedHadQuant = false;
    for (let i = 0; i < source.length; i++) {
      const c = source[i]!;
      if (c === '\\') {
        i++;
        lastClosedHadQuant = false;
        continue;
      }
      if (inClass) {
        if (c === ']') inClass = false;
        continue;
      }
      if (c === '[') {
        inClass = true;
        lastClosedHadQuant = false;
        continue;
      }
      if (c === '(') {
        groups.push({ hasQuant: false });
        lastClosedHadQuant = false;
        continue;
      }
      if (c === ')') {
        const g = groups.pop()!;
        lastClosedHadQuant = g.hasQuant;
        if (g.hasQuant) groups[groups.length - 1]!.hasQuant = true;
        continue;
      }
      if (c === '*' || c === '+') problems.push(`unbounded ${c} at ${i}`);
      if (c === '{') {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
        if (m) {
          if (m[2] !== undefined && m[3] === '') problems.push(`unbounded {n,} at ${i}`);
          const max = m[3] ? Number(m[3]) : Number(m[1]);
          if (lastClosedHadQuant && max > 1) problems.push(`repeated group with a quantifier at ${i}`);
          groups[groups.length - 1]!.hasQuant = true;
          i += m[0].length - 1;
        }
      } else if (c === '?' && source[i - 1] !== '(' && !/[}?*+]/.test(source[i - 1] ?? '')) {
        groups[groups.length - 1]!.hasQuant = true;
      }
      if (c !== ')') lastClosedHadQuant = false;
    }
    return problems;
  }

  it('every pattern regex is bounded and has no nested quantifiers', () => {
    for (const p of PROVIDER_PATTERNS) {
      if (!p.regex) continue;
      expect(unsafeConstructs(p.regex.source), p.id).toEqual([]);
    }
    // the checker itself catches the classic shapes
    expect(unsafeConstructs('(a+)+')).not.toEqual([]);
    expect(unsafeConstructs('(?:[a-z]{1,9}){2,9}')).not.toEqual([]);
    expect(unsafeConstructs('x{3,}')).not.toEqual([]);
  });

  it('finishes fast on 100k-char near-matches for every pattern', () => {
    const N = 100_000;
    const fill = (unit: string) => unit.repeat(Math.ceil(N / unit.length)).slice(0, N);
    const nearMisses = (k: string): string[] => {
      const K = k.toUpperCase();
      return [
        k + K + 'aA'.repeat(N / 2),
        fill(k + 'aB3'.repeat(20)),
        fill(k + '0123456789abcdef'.repeat(3) + '-'),
        fill(`${K}_API_KEY = "xY9_-.`),
      ];
    };
    const shared = [
      fill('-----BEGIN PRIVATE KEY-----\n'),
      '-----BEGIN RSA PRIVATE KEY-----\n' + 'A'.repeat(N),
      fill('-----BEGIN PRIVATE KEY-----\nMIIE\n-----END '),
      fill('eyJhbGciOiJIUzI1NiJ9.'),
      fill('postgres://a:'),
      'postgres://' + 'a'.repeat(N),
      fill('https://a:b@'),
      fill('?api_key=' + '1a'.repeat(10)),
      fill('a:'),
      fill('.'),
      fill('-'),
      fill('A'),
      fill('aB3+/'),
      fill('M' + 'x'.repeat(25) + '.'),
      fill('123456789:AA'),
      fill('sv=1&sig='),
      fill('password='),
      fill('"password": "'),
    ];
    // Only matching time is measured, not building the inputs.
    const slowest: [number, string][] = [];
    let total = 0;
    for (const p of PROVIDER_PATTERNS) {
      const inputs = p.keywords.flatMap(nearMisses);
      const tp = performance.now();
      if (p.find) for (const input of inputs) p.find(input);
      if (p.regex) {
        for (const input of inputs) {
          p.regex.lastIndex = 0;
          let guard = 0;
          while (p.regex.exec(input) !== null && guard++ < N) {
            /* drain */
          }
        }
      }
      const ms = performance.now() - tp;
      total += ms;
      slowest.push([ms, p.id]);
    }
    const t0 = performance.now();
    // The whole pipeline (every pattern whose keyword occurs) on the shared inputs, and the
    // name/value functions on long values.
    for (const input of shared) findProviderSecrets(input);
    const longValue = fill('aB3!${<a');
    isPlaceholder(longValue);
    looksLikeSecretValue('password', longValue);
    looksLikeSecretValue('apiKey', longValue.slice(0, 4000));
    isLikelySecretName(longValue);
    findSecretsInValue(longValue, 'apiKey');
    scanConfigText('.env', fill('API_KEY=' + 'aB3'.repeat(10) + '\n'));
    scanConfigText('x.json', fill('{"password":"' + 'aB3'.repeat(5) + '",'));
    scanConfigText('x.yaml', fill('  password: ' + 'aB3'.repeat(5) + '\n'));
    scanConfigText('.npmrc', fill('//h/:_authToken='));
    total += performance.now() - t0;
    slowest.sort((a, b) => b[0] - a[0]);
    expect(total, `slowest: ${slowest.slice(0, 3).map(([ms, id]) => `${id} ${ms.toFixed(0)}ms`).join(', ')}`).toBeLessThan(2000);
  });
});
