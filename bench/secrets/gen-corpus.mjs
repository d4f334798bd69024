#!/usr/bin/env node
/**
 * Generates the labelled secrets corpus: bench/secrets/corpus/** and bench/secrets/labels.json.
 *
 *   node bench/secrets/gen-corpus.mjs
 *
 * Every token is FAKE: the provider's published format with a body drawn from a seeded PRNG, so
 * the output is identical on every run and no real credential is involved. Files are written as
 * realistic sources (JS/TS modules, .env, JSON, YAML, .npmrc) and each labelled line is recorded
 * with its category; labels never appear inside the files.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const OUT = join(HERE, 'corpus');

// ---------------------------------------------------------------------------------------------
// Seeded randomness
// ---------------------------------------------------------------------------------------------

let seed = 0x5eed1e55;
function rand() {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const UP = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LO = 'abcdefghijklmnopqrstuvwxyz';
const DI = '0123456789';
const B62 = UP + LO + DI;
const B64 = B62 + '+/';
const B64URL = B62 + '-_';
const HEX = '0123456789abcdef';
const UP32 = UP + '234567';
const LD = LO + DI;
const UD = UP + DI;

function s(cs, n) {
  let out = '';
  for (let i = 0; i < n; i++) out += cs[Math.floor(rand() * cs.length)];
  return out;
}
/** Random string using every class (upper, lower, digit) the charset offers, as real generators' output does at these lengths. */
function mixed(cs, n) {
  const classes = [/[A-Z]/, /[a-z]/, /[0-9]/].filter((re) => re.test(cs));
  for (;;) {
    const v = s(cs, n);
    if (classes.every((re) => re.test(v))) return v;
  }
}
function pick(arr) {
  return arr[Math.floor(rand() * arr.length)];
}
function int(lo, hi) {
  return lo + Math.floor(rand() * (hi - lo + 1));
}
const b64url = (str) => Buffer.from(str).toString('base64url');
function digits(n) {
  return String(int(1, 9)) + s(DI, n - 1);
}

// ---------------------------------------------------------------------------------------------
// Fake token generators, one per format
// ---------------------------------------------------------------------------------------------

function pemBody(prefix, lines) {
  const out = [];
  let first = prefix + s(B64, 64 - prefix.length);
  out.push(first);
  for (let i = 1; i < lines; i++) out.push(s(B64, 64));
  out.push(s(B64, int(20, 60)) + pick(['', '=', '==']));
  return out;
}
function jwt(claims, alg = 'HS256') {
  const h = b64url(JSON.stringify({ alg, typ: 'JWT' }));
  const p = b64url(JSON.stringify(claims));
  return `${h}.${p}.${s(B64URL, alg.startsWith('HS') ? 43 : 342)}`;
}

const T = {
  awsId: () => pick(['AKIA', 'AKIA', 'ASIA']) + s(UP32, 16),
  awsSecret: () => mixed(B64, 40),
  ghp: () => 'ghp_' + mixed(B62, 36),
  gho: () => 'gho_' + mixed(B62, 36),
  ghu: () => 'ghu_' + mixed(B62, 36),
  ghs: () => 'ghs_' + mixed(B62, 36),
  ghr: () => 'ghr_' + mixed(B62, 76),
  ghFine: () => 'github_pat_' + mixed(UD, 22) + '_' + mixed(B62, 59),
  glpat: () => 'glpat-' + mixed(B62 + '-_', 20),
  gldt: () => 'gldt-' + mixed(B62 + '-_', 20),
  glptt: () => 'glptt-' + s(HEX, 40),
  glrunner: () => 'GR1348941' + mixed(B62 + '-_', 20),
  slackBot: () => `xoxb-${digits(12)}-${digits(13)}-${mixed(B62, 24)}`,
  slackUser: () => `xoxp-${digits(12)}-${digits(12)}-${digits(13)}-${s(HEX, 32)}`,
  slackApp: () => `xapp-1-A${s(UD, 10)}-${digits(13)}-${s(HEX, 64)}`,
  slackHook: () => `https://hooks.slack.com/services/T${s(UD, 10)}/B${s(UD, 10)}/${mixed(B62, 24)}`,
  stripe: () => pick(['sk_live_', 'rk_live_']) + mixed(B62, pick([24, 99])),
  stripeWh: () => 'whsec_' + mixed(B62, 32),
  googleKey: () => 'AIza' + 'Sy' + mixed(B62 + '-_', 33),
  googleOauth: () => 'GOCSPX-' + mixed(B62 + '-_', 28),
  googleAccess: () => 'ya29.a0' + mixed(B64URL, 150),
  twilioKey: () => 'SK' + s(HEX, 32),
  hex32: () => s(HEX, 32),
  hex40: () => s(HEX, 40),
  hex64: () => s(HEX, 64),
  sendgrid: () => `SG.${mixed(B64URL, 22)}.${mixed(B64URL, 43)}`,
  mailgun: () => 'key-' + mixed(LD, 32).toLowerCase(),
  mailgunPriv: () => `${s(HEX, 32)}-${s(HEX, 8)}-${s(HEX, 8)}`,
  mailchimp: () => `${s(HEX, 32)}-us${int(1, 21)}`,
  npm: () => 'npm_' + mixed(B62, 36),
  pypi: () => 'pypi-AgEIcHlwaS5vcmc' + mixed(B64URL, 160),
  openaiProj: () => 'sk-proj-' + mixed(B64URL, 74) + 'T3BlbkFJ' + mixed(B64URL, 74),
  openaiLegacy: () => 'sk-' + mixed(B62, 20) + 'T3BlbkFJ' + mixed(B62, 20),
  anthropic: () => 'sk-ant-api03-' + mixed(B64URL, 93) + 'AA',
  azureKey: () => mixed(B64, 86) + '==',
  azureSas: () => mixed(B64, 43) + '%3D',
  azureShared: () => mixed(B64, 43) + '=',
  azureAd: () => s(B62, 3) + int(0, 9) + 'Q~' + mixed(B62 + '_~.-', 34),
  heroku: () => 'HRKU-AA' + mixed(B62 + '-_', 58),
  uuid: () => `${s(HEX, 8)}-${s(HEX, 4)}-4${s(HEX, 3)}-${pick(['8', '9', 'a', 'b'])}${s(HEX, 3)}-${s(HEX, 12)}`,
  doToken: () => pick(['dop_v1_', 'doo_v1_', 'dor_v1_']) + s(HEX, 64),
  shopify: () => pick(['shpat_', 'shpss_', 'shpca_', 'shppa_']) + s(HEX, 32),
  squareAccess: () => 'EAAA' + mixed(B64URL, 60),
  squareSecret: () => 'sq0csp-' + mixed(B64URL, 43),
  braintree: () => `access_token$production$${s(LD, 16)}$${s(HEX, 32)}`,
  paypalSecret: () => 'E' + mixed(B64URL, 79),
  discordBot: () => `${b64url(digits(18))}.${mixed(B64URL, 6)}.${mixed(B64URL, 38)}`,
  discordHook: () => `https://discord.com/api/webhooks/${digits(18)}/${mixed(B64URL, 68)}`,
  telegram: () => `${digits(10)}:AA${mixed(B64URL, 33)}`,
  dropbox: () => 'sl.' + mixed(B64URL, 138),
  okta: () => '00' + mixed(B64URL, 40),
  atlassian: () => 'ATATT3xFfGF0' + mixed(B64URL, 171) + '=' + s(HEX.toUpperCase(), 8),
  atlassianLegacy: () => mixed(B62, 24),
  fcm: () => 'AAAA' + mixed(B64URL, 7) + ':APA91b' + mixed(B64URL, 134),
  firebaseSecret: () => mixed(B62, 40),
  nrak: () => 'NRAK-' + s(UD, 27),
  nrLicense: () => s(HEX, 36) + 'NRAL',
  sentryUser: () => 'sntryu_' + s(HEX, 64),
  linear: () => 'lin_api_' + mixed(B62, 40),
  hf: () => 'hf_' + mixed(B62, 34),
  groq: () => 'gsk_' + mixed(B62, 52),
  replicate: () => 'r8_' + mixed(B62, 37),
  vault: () => 'hvs.' + mixed(B64URL, 92),
  doppler: () => 'dp.pt.' + mixed(B62, 43),
  databricks: () => 'dapi' + s(HEX, 32),
  planetscale: () => 'pscale_tkn_' + mixed(B64URL, 43),
  supabase: () => 'sbp_' + s(HEX, 40),
  netlify: () => 'nfp_' + mixed(B62, 36),
  fly: () => 'fo1_' + mixed(B64URL, 43),
  cfOrigin: () => `v1.0-${s(HEX, 24)}-${s(HEX, 146)}`,
  cfToken: () => mixed(B64URL, 40),
  figma: () => 'figd_' + mixed(B64URL, 40),
  postman: () => `PMAK-${s(HEX, 24)}-${s(HEX, 34)}`,
  contentful: () => 'CFPAT-' + mixed(B64URL, 43),
  facebook: () => 'EAAG' + mixed(B62, 180),
  twitterBearer: () => 'AAAAAAAAAAAAAAAAAAAAA' + mixed(B62, 20) + '%3D' + mixed(B62, 50),
  mapbox: () => `sk.eyJ1Ijoi${mixed(B64URL, 60)}.${mixed(B64URL, 22)}`,
  age: () => 'AGE-SECRET-KEY-1' + s('QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L', 58),
  alibaba: () => 'LTAI' + mixed(B62, 20),
  terraform: () => `${mixed(B62, 14)}.atlasv1.${mixed(B64URL, 67)}`,
  rubygems: () => 'rubygems_' + s(HEX, 48),
  docker: () => 'dckr_pat_' + mixed(B64URL, 27),
  brevo: () => `xkeysib-${s(HEX, 64)}-${mixed(B62, 16)}`,
  grafana: () => `glsa_${mixed(B62, 32)}_${s(HEX, 8)}`,
  pulumi: () => 'pul-' + s(HEX, 40),
  shippo: () => 'shippo_live_' + s(HEX, 40),
  notion: () => 'ntn_' + digits(11) + mixed(B62, 35),
  bitbucket: () => 'ATBB' + mixed(B62, 32),
  password: () => pick([
    () => pick(['Summer', 'Winter', 'Falcon', 'Orchid', 'Granite', 'Maple']) + int(10, 99) + pick(['!', '*', '+', '=', '^', '~']) + s(LD, 3),
    () => mixed(B62, int(12, 20)),
    () => s(LO, 4) + pick(['-', '_', '.']) + s(UD, 5) + pick(['!', '@', '#']) + s(DI, 2),
  ])(),
  /** A password that needs no percent-encoding inside a URL. */
  urlPassword: () => pick([() => mixed(B62, int(14, 24)), () => pick(['Summer', 'Falcon', 'Orchid']) + int(10, 99) + pick(['-', '_', '.', '~']) + s(LD, 4)])(),
  randomSecret: () => mixed(B62 + '!#%&*+-=?@^_', int(24, 48)),
};

// ---------------------------------------------------------------------------------------------
// File builder with labels
// ---------------------------------------------------------------------------------------------

const files = new Map();
const positives = [];
const negatives = [];

class FileBuilder {
  constructor(path) {
    this.path = path;
    this.lines = [];
    files.set(path, this);
  }
  line(...texts) {
    for (const t of texts) this.lines.push(t);
    return this;
  }
  /** A line holding a real (fake-generated) secret; `what` names the provider pattern, "named", or "sink" (a use site: jwt key, session secret, database password ...). */
  pos(text, what) {
    this.lines.push(text);
    positives.push({ file: this.path, line: this.lines.length, what });
    return this;
  }
  /** A line a naive scanner might flag but that holds no secret; `category` says why. */
  neg(text, category) {
    this.lines.push(text);
    negatives.push({ file: this.path, line: this.lines.length, category });
    return this;
  }
}
const file = (p) => new FileBuilder(p);

function pemLines(kind, prefix, lines = 25) {
  const begin = `-----BEGIN ${kind}-----`;
  const end = `-----END ${kind}-----`;
  return { begin, body: pemBody(prefix, lines), end };
}

// ---------------------------------------------------------------------------------------------
// JS / TS sources
// ---------------------------------------------------------------------------------------------

{
  const f = file('src/config/aws.js');
  f.line("'use strict';", '', "const { S3Client } = require('@aws-sdk/client-s3');", '');
  f.line('const s3 = new S3Client({', "  region: 'eu-west-1',", '  credentials: {');
  f.pos(`    accessKeyId: '${T.awsId()}',`, 'aws-access-key-id');
  f.pos(`    secretAccessKey: '${T.awsSecret()}',`, 'aws-secret-access-key');
  f.line('  },', '});', '');
  f.neg("// Example from the AWS docs: AKIAIOSFODNN7EXAMPLE / wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", 'docs-example');
  f.neg("const docsKeyId = 'AKIAIOSFODNN7EXAMPLE';", 'docs-example');
  f.neg("const docsSecret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';", 'docs-example');
  f.neg(`const bucketArn = 'arn:aws:s3:::acme-uploads-${s(LD, 6)}';`, 'identifier');
  f.neg(`const secretsManagerArn = 'arn:aws:secretsmanager:eu-west-1:${s(DI, 12)}:secret:prod/db-${s(B62, 6)}';`, 'name-not-secret');
  f.pos(`const AWS_SECRET_ACCESS_KEY = '${T.awsSecret()}';`, 'aws-secret-access-key');
  f.pos(`process.env.AWS_ACCESS_KEY_ID = process.env.AWS_ACCESS_KEY_ID || '${T.awsId()}';`, 'aws-access-key-id');
  f.line('', 'module.exports = { s3 };');
}

{
  const f = file('src/integrations/github.ts');
  f.line("import { Octokit } from '@octokit/rest';", '');
  f.pos(`const octokit = new Octokit({ auth: '${T.ghp()}' });`, 'github-pat');
  f.pos(`export const GITHUB_TOKEN = '${T.ghFine()}';`, 'github-fine-grained-pat');
  f.line('', 'export const oauth = {');
  f.neg(`  clientId: 'Iv1.${s(HEX, 16)}',`, 'identifier');
  f.pos(`  clientSecret: '${s(HEX, 40)}',`, 'named');
  f.pos(`  accessToken: '${T.gho()}',`, 'github-oauth');
  f.pos(`  refreshToken: '${T.ghr()}',`, 'github-refresh-token');
  f.neg("  tokenUrl: 'https://github.com/login/oauth/access_token',", 'name-not-secret');
  f.neg("  authorizeUrl: 'https://github.com/login/oauth/authorize',", 'name-not-secret');
  f.line('};', '');
  f.pos(`const installationToken: string = '${T.ghs()}';`, 'github-app-token');
  f.pos(`const userToServer = '${T.ghu()}';`, 'github-app-token');
  f.neg(`const headSha = '${T.hex40()}';`, 'git-sha');
  f.neg(`const baseCommit = '${T.hex40()}';`, 'git-sha');
  f.neg(`export const TOKEN_EXPIRY = '3600';`, 'name-not-secret');
  f.neg("const tokenType = 'bearer';", 'name-not-secret');
  f.line('', 'export async function listRepos() {', "  return octokit.repos.listForAuthenticatedUser({ headers: { authorization: `token ${installationToken}` } });", '}');
}

{
  const f = file('src/integrations/gitlab.js');
  f.line("import { Gitlab } from '@gitbeaker/rest';", '');
  f.pos(`export const api = new Gitlab({ host: 'https://gitlab.acme.dev', token: '${T.glpat()}' });`, 'gitlab-pat');
  f.pos(`const DEPLOY_TOKEN = '${T.gldt()}';`, 'gitlab-token');
  f.pos(`const triggerToken = '${T.glptt()}';`, 'gitlab-pipeline-trigger-token');
  f.pos(`const runnerRegistration = '${T.glrunner()}';`, 'gitlab-runner-registration-token');
  f.neg(`const pipelineCommit = '${T.hex40()}';`, 'git-sha');
  f.neg("const gitlabTokenUrl = 'https://gitlab.acme.dev/oauth/token';", 'name-not-secret');
  f.neg("const triggerTokenName = 'nightly-build';", 'name-not-secret');
}

{
  const f = file('src/notify/slack.ts');
  f.line("import { WebClient } from '@slack/web-api';", "import { App } from '@slack/bolt';", '');
  f.pos(`const web = new WebClient('${T.slackBot()}');`, 'slack-token');
  f.line('export const app = new App({');
  f.pos(`  token: '${T.slackBot()}',`, 'slack-token');
  f.pos(`  appToken: '${T.slackApp()}',`, 'slack-app-token');
  f.pos(`  signingSecret: '${s(HEX, 32)}',`, 'named');
  f.line('  socketMode: true,', '});', '');
  f.pos(`const ALERTS_WEBHOOK = '${T.slackHook()}';`, 'slack-webhook');
  f.pos(`const userToken = '${T.slackUser()}';`, 'slack-token');
  f.neg("const DOCS_WEBHOOK = 'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX';", 'placeholder');
  f.neg("const slackTokenPlaceholder = 'xoxb-your-token';", 'placeholder');
  f.neg("const channelId = 'C024BE91L';", 'identifier');
  f.line('', 'export async function notify(text: string) {', '  await web.chat.postMessage({ channel: channelId, text });', '}');
}

{
  const f = file('src/payments/stripe.ts');
  f.line("import Stripe from 'stripe';", '');
  f.pos(`const stripe = new Stripe('${T.stripe()}', { apiVersion: '2024-06-20' });`, 'stripe-secret-key');
  f.pos(`const restricted = '${T.stripe()}';`, 'stripe-secret-key');
  f.pos(`const endpointSecret = '${T.stripeWh()}';`, 'stripe-webhook-secret');
  f.neg(`export const STRIPE_PUBLISHABLE_KEY = 'pk_live_${mixed(B62, 24)}';`, 'publishable-key');
  f.neg(`const testKey = 'sk_test_${mixed(B62, 24)}';`, 'stripe-test-key');
  f.neg(`const publicKey = 'pk_test_${mixed(B62, 24)}';`, 'publishable-key');
  f.neg(`const idempotencyKey = '${T.uuid()}';`, 'uuid');
  f.neg("const apiVersion = '2024-06-20';", 'identifier');
  f.line('', 'export default stripe;');
}

{
  const f = file('src/payments/square-paypal.js');
  f.line("const { Client, Environment } = require('square');", "const braintree = require('braintree');", '');
  f.line('const square = new Client({');
  f.pos(`  accessToken: '${T.squareAccess()}',`, 'square-access-token');
  f.line('  environment: Environment.Production,', '});');
  f.pos(`const SQUARE_APPLICATION_SECRET = '${T.squareSecret()}';`, 'square-oauth-secret');
  f.pos(`const sqLegacy = 'sq0atp-${mixed(B64URL, 22)}';`, 'square-access-token');
  f.line('', 'const gateway = new braintree.BraintreeGateway({ accessToken:');
  f.pos(`  '${T.braintree()}' });`, 'braintree-access-token');
  f.line('const paypal = {');
  f.neg(`  clientId: 'A${mixed(B64URL, 79)}',`, 'identifier');
  f.pos(`  clientSecret: '${T.paypalSecret()}',`, 'named');
  f.line('};', '');
  f.line('const bt = new braintree.BraintreeGateway({');
  f.neg(`  merchantId: '${s(LD, 16)}',`, 'identifier');
  f.neg(`  publicKey: '${s(LD, 16)}',`, 'publishable-key');
  f.pos(`  privateKey: '${s(HEX, 32)}',`, 'named');
  f.line('});', 'module.exports = { square, gateway, paypal, bt };');
}

{
  const f = file('src/gcp/firebase.ts');
  f.line("import { initializeApp } from 'firebase/app';", '');
  f.line('export const firebaseConfig = {');
  f.pos(`  apiKey: '${T.googleKey()}',`, 'google-api-key');
  f.neg("  authDomain: 'acme-prod.firebaseapp.com',", 'identifier');
  f.neg(`  appId: '1:${s(DI, 12)}:web:${s(HEX, 22)}',`, 'identifier');
  f.neg(`  measurementId: 'G-${s(UD, 10)}',`, 'identifier');
  f.line('};', 'initializeApp(firebaseConfig);', '');
  f.pos(`const FCM_SERVER_KEY = '${T.fcm()}';`, 'firebase-cloud-messaging-key');
  f.pos(`const FIREBASE_DATABASE_SECRET = '${T.firebaseSecret()}';`, 'firebase-database-secret');
  f.pos(`const mapsKey = '${T.googleKey()}';`, 'google-api-key');
  f.pos(`const GOOGLE_CLIENT_SECRET = '${T.googleOauth()}';`, 'google-oauth-client-secret');
  f.pos(`const cachedAccessToken = '${T.googleAccess()}';`, 'google-oauth-access-token');
  f.neg(`const GOOGLE_CLIENT_ID = '${s(DI, 12)}-${s(LD, 32)}.apps.googleusercontent.com';`, 'identifier');
  f.neg("const tokenEndpoint = 'https://oauth2.googleapis.com/token';", 'name-not-secret');
}

{
  const f = file('src/notify/messaging.js');
  f.line("import twilio from 'twilio';", "import sgMail from '@sendgrid/mail';", "import Mailgun from 'mailgun.js';", '');
  f.pos(`const client = twilio('${T.twilioKey()}', '${s(HEX, 32)}', { accountSid: 'AC${s(HEX, 32)}' });`, 'twilio-api-key');
  f.pos(`const TWILIO_AUTH_TOKEN = '${s(HEX, 32)}';`, 'twilio-auth-token');
  f.neg(`const TWILIO_ACCOUNT_SID = 'AC${s(HEX, 32)}';`, 'identifier');
  f.pos(`sgMail.setApiKey('${T.sendgrid()}');`, 'sendgrid-api-key');
  f.line('const mailgun = new Mailgun(FormData);');
  f.pos(`const mg = mailgun.client({ username: 'api', key: '${T.mailgun()}' });`, 'mailgun-api-key');
  f.pos(`const MAILGUN_API_KEY = '${T.mailgunPriv()}';`, 'mailgun-private-key');
  f.pos(`const mailchimpKey = '${T.mailchimp()}';`, 'mailchimp-api-key');
  f.pos(`const brevo = { apiKey: '${T.brevo()}' };`, 'brevo-api-key');
  f.neg("const fromAddress = 'no-reply@acme.dev';", 'identifier');
  f.neg(`const messagingServiceSid = 'MG${s(HEX, 32)}';`, 'identifier');
  f.neg("const passwordResetSubject = 'Reset your password';", 'i18n');
}

{
  const f = file('src/ai/clients.ts');
  f.line("import OpenAI from 'openai';", "import Anthropic from '@anthropic-ai/sdk';", '');
  f.pos(`const openai = new OpenAI({ apiKey: '${T.openaiProj()}' });`, 'openai-api-key');
  f.pos(`const legacyOpenAi = '${T.openaiLegacy()}';`, 'openai-api-key');
  f.pos(`const anthropic = new Anthropic({ apiKey: '${T.anthropic()}' });`, 'anthropic-api-key');
  f.pos(`const HF_TOKEN = '${T.hf()}';`, 'huggingface-token');
  f.pos(`const groqKey = '${T.groq()}';`, 'groq-api-key');
  f.pos(`const replicateToken = '${T.replicate()}';`, 'replicate-api-token');
  f.pos(`const perplexity = 'pplx-${mixed(B62, 48)}';`, 'perplexity-api-key');
  f.neg("const model = 'gpt-4o-mini-2024-07-18';", 'identifier');
  f.neg("const apiKeyHeader = 'x-api-key';", 'name-not-secret');
  f.neg("const OPENAI_API_KEY_ENV = 'OPENAI_API_KEY';", 'name-not-secret');
  f.neg("export const apiKeyPlaceholder = 'sk-...';", 'placeholder');
}

{
  const f = file('src/storage/azure.ts');
  f.line("import { BlobServiceClient } from '@azure/storage-blob';", '');
  f.pos(`const conn = 'DefaultEndpointsProtocol=https;AccountName=acmeprod${s(LD, 4)};AccountKey=${T.azureKey()};EndpointSuffix=core.windows.net';`, 'azure-storage-account-key');
  f.line('export const blobs = BlobServiceClient.fromConnectionString(conn);');
  f.neg("const devConn = 'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;';", 'emulator-key');
  f.pos(`const sasUrl = 'https://acmeprod.blob.core.windows.net/uploads?sv=2022-11-02&ss=b&srt=sco&sp=rwdlac&se=2026-01-01T00:00:00Z&st=2024-01-01T00:00:00Z&spr=https&sig=${T.azureSas()}';`, 'azure-sas-token');
  f.pos(`const busConn = 'Endpoint=sb://acme-bus.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=${T.azureShared()}';`, 'azure-shared-access-key');
  f.pos(`const AZURE_CLIENT_SECRET = '${T.azureAd()}';`, 'azure-ad-client-secret');
  f.neg(`const AZURE_TENANT_ID = '${T.uuid()}';`, 'uuid');
  f.neg(`const AZURE_CLIENT_ID = '${T.uuid()}';`, 'uuid');
  f.neg(`const subscriptionId = '${T.uuid()}';`, 'uuid');
  f.neg("const keyVaultSecretName = 'db-password';", 'name-not-secret');
}

{
  const f = file('src/deploy/cloud.mjs');
  f.pos(`export const HEROKU_API_KEY = '${T.heroku()}';`, 'heroku-api-key');
  f.pos(`const herokuApiKey = '${T.uuid()}';`, 'heroku-api-key-legacy');
  f.pos(`const doToken = '${T.doToken()}';`, 'digitalocean-token');
  f.pos(`const DIGITALOCEAN_TOKEN = '${T.doToken()}';`, 'digitalocean-token');
  f.pos(`const netlifyAuth = '${T.netlify()}';`, 'netlify-token');
  f.pos(`const FLY_API_TOKEN = '${T.fly()}';`, 'flyio-token');
  f.pos(`const vaultToken = '${T.vault()}';`, 'vault-token');
  f.pos(`const DOPPLER_TOKEN = '${T.doppler()}';`, 'doppler-token');
  f.pos(`const tfcToken = '${T.terraform()}';`, 'terraform-cloud-token');
  f.pos(`const cfOriginKey = '${T.cfOrigin()}';`, 'cloudflare-origin-ca-key');
  f.pos(`const CLOUDFLARE_API_TOKEN = '${T.cfToken()}';`, 'cloudflare-api-token');
  f.pos(`const aliyun = { accessKeyId: '${T.alibaba()}' };`, 'alibaba-access-key-id');
  f.pos(`const supabaseAccessToken = '${T.supabase()}';`, 'supabase-token');
  f.pos(`const pscale = '${T.planetscale()}';`, 'planetscale-token');
  f.pos(`const databricksToken = '${T.databricks()}';`, 'databricks-token');
  f.neg(`const herokuAppId = '${T.uuid()}';`, 'uuid');
  f.neg(`const dropletTag = 'web-${s(LD, 6)}';`, 'identifier');
  f.neg(`const deployCommit = '${T.hex40()}';`, 'git-sha');
  f.neg("const vaultAddr = 'https://vault.acme.internal:8200';", 'url');
}

{
  const f = file('src/commerce/shopify.ts');
  f.line("import '@shopify/shopify-api/adapters/node';", "import { shopifyApi } from '@shopify/shopify-api';", '');
  f.line('export const shopify = shopifyApi({');
  f.pos(`  apiKey: '${s(HEX, 32)}',`, 'named');
  f.pos(`  apiSecretKey: '${'shpss_' + s(HEX, 32)}',`, 'shopify-token');
  f.pos(`  adminApiAccessToken: '${'shpat_' + s(HEX, 32)}',`, 'shopify-token');
  f.line("  hostName: 'shop.acme.dev',", '});');
  f.pos(`const customApp = '${'shpca_' + s(HEX, 32)}';`, 'shopify-token');
  f.pos(`const SHIPPO_TOKEN = '${T.shippo()}';`, 'shippo-token');
  f.neg(`const shopifyWebhookId = '${s(DI, 13)}';`, 'identifier');
}

{
  const f = file('src/bots/discord-telegram.js');
  f.line("const { Client, GatewayIntentBits } = require('discord.js');", "const TelegramBot = require('node-telegram-bot-api');", '');
  f.line('const client = new Client({ intents: [GatewayIntentBits.Guilds] });');
  f.pos(`client.login('${T.discordBot()}');`, 'discord-bot-token');
  f.pos(`const DISCORD_TOKEN = '${T.discordBot()}';`, 'discord-bot-token');
  f.pos(`const deployHook = '${T.discordHook()}';`, 'discord-webhook');
  f.pos(`const bot = new TelegramBot('${T.telegram()}', { polling: true });`, 'telegram-bot-token');
  f.pos(`const TELEGRAM_BOT_TOKEN = '${T.telegram()}';`, 'telegram-bot-token');
  f.neg(`const guildId = '${digits(18)}';`, 'identifier');
  f.neg(`const chatId = '-100${digits(10)}';`, 'identifier');
  f.neg("const botTokenEnvName = 'TELEGRAM_BOT_TOKEN';", 'name-not-secret');
  f.neg("const helpText = 'Send /token to receive a new login link';", 'i18n');
}

{
  const f = file('src/integrations/saas.ts');
  f.pos(`const dbx = new Dropbox({ accessToken: '${T.dropbox()}' });`, 'dropbox-short-lived-token');
  f.pos(`const OKTA_API_TOKEN = '${T.okta()}';`, 'okta-api-token');
  f.pos(`const oktaHeaders = { Authorization: 'SSWS ${T.okta()}' };`, 'okta-ssws-token');
  f.pos(`const jira = new Version3Client({ host: 'https://acme.atlassian.net', authentication: { basic: { email: 'ops@acme.dev', apiToken: '${T.atlassian()}' } } });`, 'atlassian-api-token');
  f.pos(`const JIRA_API_TOKEN = '${T.atlassianLegacy()}';`, 'atlassian-api-token-legacy');
  f.pos(`const bitbucketAppPassword = '${T.bitbucket()}';`, 'bitbucket-app-password');
  f.pos(`const linear = new LinearClient({ apiKey: '${T.linear()}' });`, 'linear-api-key');
  f.pos(`const notion = new NotionClient({ auth: '${T.notion()}' });`, 'notion-token');
  f.pos(`const FIGMA_TOKEN = '${T.figma()}';`, 'figma-token');
  f.pos(`const postmanKey = '${T.postman()}';`, 'postman-api-key');
  f.pos(`const contentfulManagementToken = '${T.contentful()}';`, 'contentful-token');
  f.pos(`const fbPageToken = '${T.facebook()}';`, 'facebook-access-token');
  f.pos(`const TWITTER_BEARER_TOKEN = '${T.twitterBearer()}';`, 'twitter-bearer-token');
  f.pos(`const mapboxSecret = '${T.mapbox()}';`, 'mapbox-secret-token');
  f.neg(`const mapboxPublic = 'pk.eyJ1Ijoi${mixed(B64URL, 60)}.${mixed(B64URL, 22)}';`, 'publishable-key');
  f.neg("const oktaIssuer = 'https://acme.okta.com/oauth2/default';", 'url');
  f.neg(`const notionDatabaseId = '${s(HEX, 32)}';`, 'identifier');
  f.neg(`const jiraProjectKey = 'OPS';`, 'identifier');
}

{
  const f = file('src/observability/monitoring.js');
  f.line("const tracer = require('dd-trace');", "const Sentry = require('@sentry/node');", '');
  f.pos(`const DD_API_KEY = '${s(HEX, 32)}';`, 'datadog-api-key');
  f.pos(`const datadogAppKey = '${s(HEX, 40)}';`, 'datadog-api-key');
  f.pos(`const NEW_RELIC_LICENSE_KEY = '${T.nrLicense()}';`, 'new-relic-key');
  f.pos(`const newRelicUserKey = '${T.nrak()}';`, 'new-relic-key');
  f.pos(`const nrBrowser = { licenseKey: 'NRJS-${s(HEX, 19)}' };`, 'new-relic-key');
  f.pos(`Sentry.init({ dsn: 'https://${s(HEX, 32)}:${s(HEX, 32)}@o${digits(6)}.ingest.sentry.io/${digits(7)}' });`, 'sentry-dsn-secret');
  f.neg(`const publicDsn = 'https://${s(HEX, 32)}@o${digits(6)}.ingest.sentry.io/${digits(7)}';`, 'url');
  f.pos(`const SENTRY_AUTH_TOKEN = '${T.sentryUser()}';`, 'sentry-token');
  f.pos(`const grafanaSa = '${T.grafana()}';`, 'grafana-token');
  f.neg(`const traceId = '${s(HEX, 32)}';`, 'random-hex-id');
  f.neg(`const spanId = '${s(HEX, 16)}';`, 'random-hex-id');
  f.neg("const ddService = 'checkout-api';", 'identifier');
  f.neg(`const release = '${T.hex40()}';`, 'git-sha');
}

{
  const f = file('src/registry/publish.mjs');
  f.pos(`const NPM_TOKEN = '${T.npm()}';`, 'npm-token');
  f.pos(`const pypiToken = '${T.pypi()}';`, 'pypi-token');
  f.pos(`const gemKey = '${T.rubygems()}';`, 'rubygems-token');
  f.pos(`const dockerPat = '${T.docker()}';`, 'docker-hub-pat');
  f.pos(`const PULUMI_ACCESS_TOKEN = '${T.pulumi()}';`, 'pulumi-token');
  f.pos(`const ageKey = '${T.age()}';`, 'age-secret-key');
  f.neg(`const tarballIntegrity = 'sha512-${Buffer.from(s(B62, 64)).toString('base64').slice(0, 86)}==';`, 'sri-hash');
  f.neg(`const shasum = '${T.hex40()}';`, 'git-sha');
  f.neg("const npmTokenName = 'NPM_TOKEN';", 'name-not-secret');
  f.neg(`const agePublicKey = 'age1${s('qpzry9x8gf2tvdw0s3jn54khce6mua7l', 58)}';`, 'public-key');
}

{
  const f = file('src/auth/jwt.ts');
  f.line("import jwt from 'jsonwebtoken';", '');
  f.pos(`export const JWT_SECRET = '${T.randomSecret()}';`, 'named');
  f.pos(`const serviceRoleKey = '${jwt({ iss: 'supabase', ref: s(LO, 20), role: 'service_role', iat: 1700000000, exp: 2015576000 })}';`, 'jwt');
  f.neg(`const anonKey = '${jwt({ iss: 'supabase', ref: s(LO, 20), role: 'anon', iat: 1700000000, exp: 2015576000 })}';`, 'public-jwt');
  f.pos(`const internalServiceToken = '${jwt({ sub: 'svc-billing', scope: 'admin', iat: 1714000000 })}';`, 'jwt');
  f.pos(`const adminJwt = '${jwt({ sub: `user_${s(DI, 6)}`, roles: ['admin'], iat: 1716000000 }, 'RS256')}';`, 'jwt');
  f.neg("const sampleFromDocs = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';", 'docs-example');
  f.neg("export const TOKEN_ISSUER = 'https://auth.acme.dev/';", 'name-not-secret');
  f.neg("export const tokenAudience = 'api://checkout';", 'name-not-secret');
  f.neg("const jwtAlgorithm = 'RS256';", 'identifier');
  f.line('', 'export function sign(payload: object) {');
  f.pos(`  return jwt.sign(payload, process.env.JWT_SIGNING_KEY ?? '${s(HEX, 64)}');`, 'named');
  f.line('}');
  f.line('export function verify(token: string, secret = process.env.JWT_SECRET) {', '  return jwt.verify(token, secret!);', '}');
  f.line('export const sessionOptions = {');
  f.pos(`  secret: '${T.randomSecret()}',`, 'named');
  f.neg("  secretName: 'sid',", 'name-not-secret');
  f.neg('  secure: true,', 'name-not-secret');
  f.line('};');
  f.neg("export const devSession = { secret: 'keyboard cat' };", 'placeholder');
}

{
  const f = file('src/auth/keys.js');
  const rsa = pemLines('RSA PRIVATE KEY', 'MIIEpAIBAAKCAQEA');
  f.pos(`const PRIVATE_KEY = \`${rsa.begin}`, 'private-key');
  for (const l of rsa.body) f.line(l);
  f.line(`${rsa.end}\`;`, '');
  const pk8 = pemLines('PRIVATE KEY', 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC');
  f.pos(`const signingKey = '${pk8.begin}\\n${pk8.body.join('\\n')}\\n${pk8.end}\\n';`, 'private-key');
  const ec = pemLines('EC PRIVATE KEY', 'MHcCAQEEI', 2);
  f.line('const ecKey = [');
  f.pos(`  '${ec.begin}',`, 'private-key');
  for (const l of ec.body) f.line(`  '${l}',`);
  f.line(`  '${ec.end}',`, "].join('\\n');", '');
  const pub = pemLines('PUBLIC KEY', 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA', 5);
  f.neg(`const PUBLIC_KEY = \`${pub.begin}`, 'public-key');
  for (const l of pub.body) f.line(l);
  f.line(`${pub.end}\`;`);
  const cert = pemLines('CERTIFICATE', 'MIIDdzCCAl+gAwIBAgIE', 6);
  f.neg(`const caCert = '${cert.begin}\\n${cert.body.join('\\n')}\\n${cert.end}';`, 'public-key');
  f.neg(`const sshPublicKey = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${mixed(B64, 43)} deploy@ci';`, 'public-key');
  f.neg(`const sshRsa = 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQ${mixed(B64, 300)} ops@bastion';`, 'public-key');
  f.neg("const keyPlaceholder = '-----BEGIN PRIVATE KEY-----\\n...\\n-----END PRIVATE KEY-----';", 'placeholder');
  f.neg("const privateKeyPath = './certs/server.key';", 'file-path');
  f.neg("const privateKeyFile = '/etc/ssl/private/acme.pem';", 'file-path');
  f.neg("const keyFormat = 'pkcs8';", 'identifier');
  f.line('', 'module.exports = { PRIVATE_KEY, signingKey, ecKey, PUBLIC_KEY, caCert };');
}

{
  const f = file('src/db/connections.ts');
  f.pos(`export const pg = new Pool({ connectionString: 'postgres://app_user:${T.urlPassword()}@db.acme.internal:5432/orders' });`, 'connection-url-password');
  f.pos(`const MYSQL_URL = 'mysql://reporting:${T.urlPassword()}@mysql.acme.internal:3306/analytics';`, 'connection-url-password');
  f.pos(`await mongoose.connect('mongodb+srv://svc-api:${mixed(B62, 16)}@cluster0.${s(LD, 5)}.mongodb.net/prod?retryWrites=true');`, 'connection-url-password');
  f.pos(`const redis = new Redis('rediss://default:${mixed(B62, 32)}@cache.acme.internal:6380/0');`, 'connection-url-password');
  f.pos(`const amqpUrl = 'amqps://orders:${T.urlPassword()}@mq.acme.internal:5671/prod';`, 'connection-url-password');
  f.pos(`const transport = nodemailer.createTransport('smtps://alerts%40acme.dev:${T.urlPassword()}@smtp.acme.dev:465');`, 'connection-url-password');
  f.neg("const localPg = 'postgres://postgres:postgres@localhost:5432/dev';", 'default-credentials');
  f.neg("const localMongo = 'mongodb://localhost:27017/app';", 'url');
  f.neg("const localRabbit = 'amqp://guest:guest@localhost:5672';", 'default-credentials');
  f.neg("const docsUrl = 'postgres://user:password@host:5432/database';", 'placeholder');
  f.neg('const templated = `postgres://${user}:${pass}@${host}/app`;', 'env-lookup');
  f.neg("const atlasTemplate = 'mongodb+srv://<username>:<password>@cluster0.example.mongodb.net/';", 'placeholder');
  f.neg("const redisLocal = 'redis://localhost:6379';", 'url');
  f.line('export const db = {');
  f.neg("  host: process.env.DB_HOST ?? 'localhost',", 'env-lookup');
  f.pos(`  password: process.env.DB_PASSWORD ?? '${T.password()}',`, 'named');
  f.neg("  user: 'app_user',", 'identifier');
  f.line('};');
  f.pos(`const adminDbPassword = '${T.password()}';`, 'named');
  f.pos(`const REDIS_PASS = '${mixed(B62, 20)}';`, 'named');
  f.neg('const passwordMinLength = 12;', 'name-not-secret');
  f.neg("const PASSWORD_MIN_LENGTH = '12';", 'name-not-secret');
  f.neg("const passwordField = 'password';", 'name-not-secret');
  f.neg(`const passwordHash = '$2b$10$${s(B62 + './', 53)}';`, 'password-hash');
}

{
  const f = file('src/http/client.ts');
  f.line("import axios from 'axios';", '');
  f.line('export const api = axios.create({', "  baseURL: 'https://api.partner.example/v2',", '  headers: {');
  f.pos(`    'x-api-key': '${mixed(B62, 40)}',`, 'named');
  f.pos(`    Authorization: 'Bearer ${mixed(B62 + '-._', 48)}',`, 'named');
  f.line('  },', '});', '');
  f.pos(`const basicAuth = 'Basic ${Buffer.from(`billing:${T.password()}`).toString('base64')}';`, 'named');
  f.pos(`const partnerApiKey = '${s(HEX, 32)}';`, 'named');
  f.pos(`const webhookUrl = 'https://ops:${mixed(B62, 18)}@hooks.partner.example/inbound';`, 'http-basic-auth-url');
  f.line('export function withToken(token = process.env.PARTNER_TOKEN) {', '  return { headers: { authorization: `Bearer ${token}` } };', '}');
  f.line('class PartnerClient {');
  f.pos(`  private apiSecret = '${T.randomSecret()}';`, 'named');
  f.neg("  private apiKeyHeaderName = 'X-Partner-Key';", 'name-not-secret');
  f.neg("  private tokenPath = '/oauth/token';", 'name-not-secret');
  f.line('}');
  f.neg("const apiKey = 'YOUR_API_KEY';", 'placeholder');
  f.neg("const API_TOKEN = '<your-api-token>';", 'placeholder');
  f.neg("const clientSecret = 'REPLACE_ME';", 'placeholder');
  f.neg("const secretKey = 'changeme';", 'placeholder');
  f.neg("const accessToken = 'xxx';", 'placeholder');
  f.neg("const password = '********';", 'placeholder');
  f.neg("const authToken = 'dummy-token';", 'placeholder');
  f.neg("const apiSecret = 'test-secret';", 'placeholder');
  f.neg("const privateToken = 'example';", 'placeholder');
  f.neg("const bearer = 'Bearer <token>';", 'placeholder');
  f.neg("const token = '${TOKEN}';", 'placeholder');
  f.neg("const secret = 'aaaaaaaaaaaaaaaaaaaa';", 'placeholder');
  f.neg("const nextPageToken = 'CAUQAA';", 'name-not-secret');
  f.neg(`const csrfToken = '${mixed(B64URL, 43)}';`, 'name-not-secret');
  f.neg(`const cacheKey = '${s(HEX, 32)}';`, 'random-hex-id');
}

{
  const f = file('src/ui/i18n.ts');
  f.line('export const en = {');
  f.neg("  password: 'Password',", 'i18n');
  f.neg("  passwordHint: 'At least 12 characters, one number and one symbol',", 'i18n');
  f.neg("  token: 'Your session has expired. Please sign in again.',", 'i18n');
  f.neg("  secret: 'Keep this secret safe',", 'i18n');
  f.neg("  apiKey: 'API key',", 'i18n');
  f.neg("  apiKeyCreated: 'Your new API key was created',", 'i18n');
  f.neg("  forgotPassword: 'Forgot your password?',", 'i18n');
  f.neg("  confirmPassword: 'Confirm password',", 'i18n');
  f.neg("  accessToken: 'Access token',", 'i18n');
  f.neg("  clientSecret: 'Client secret (shown once)',", 'i18n');
  f.line('};', 'export const de = {');
  f.neg("  password: 'Passwort',", 'i18n');
  f.neg("  token: 'Sitzung abgelaufen',", 'i18n');
  f.neg("  secret: 'Geheimnis',", 'i18n');
  f.neg("  apiKey: 'API-Schlüssel',", 'i18n');
  f.line('};', 'export const keys = {');
  f.neg("  passwordError: 'auth.errors.password_too_short',", 'i18n');
  f.neg("  token: 'auth.token.expired',", 'i18n');
  f.neg("  secret: 'settings.secret.title',", 'i18n');
  f.line('};');
}

{
  const f = file('src/ui/assets.jsx');
  f.line("import React from 'react';", '');
  f.neg(`const logo = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42m${mixed(B64, 120)}';`, 'base64-image');
  f.neg(`const spinner = 'data:image/gif;base64,R0lGODlhEAAQAPIAAP///wAAAMLCwkJCQgAAAGJiYoKCgpKSkiH/C05FVFNDQVBFMi4wAwEAAAAh${mixed(B64, 200)}';`, 'base64-image');
  f.neg(`const iconSvg = 'data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHZpZXdCb3g9IjAgMCAyNCAyNCI+${mixed(B64, 80)}';`, 'base64-image');
  f.neg(`const fontData = 'data:font/woff2;base64,d09GMgABAAAAA${mixed(B64, 160)}';`, 'base64-image');
  f.neg(`export const jqueryCdn = { src: 'https://code.jquery.com/jquery-3.7.1.min.js', integrity: 'sha256-${Buffer.from(s(B62, 32)).toString('base64').slice(0, 43)}=', crossOrigin: 'anonymous' };`, 'sri-hash');
  f.neg(`const bootstrapIntegrity = 'sha384-${Buffer.from(s(B62, 48)).toString('base64')}';`, 'sri-hash');
  f.neg(`const scriptIntegrity = 'sha512-${Buffer.from(s(B62, 64)).toString('base64').slice(0, 86)}==';`, 'sri-hash');
  f.line('export function LoginForm() {');
  f.line('  return (', '    <form>');
  f.neg('      <input type="password" name="password" placeholder="Password" autoComplete="current-password" />', 'i18n');
  f.neg('      <input name="apiKey" placeholder="sk_live_..." />', 'placeholder');
  f.line('    </form>', '  );', '}');
  f.neg(`const avatarKey = '${s(HEX, 40)}';`, 'random-hex-id');
  f.neg(`const buildHash = '${s(HEX, 20)}';`, 'random-hex-id');
  f.neg(`const contentHash = '${s(HEX, 64)}';`, 'random-hex-id');
}

{
  const f = file('test/fixtures/users.ts');
  f.line('export const users = [');
  f.neg(`  { id: '${T.uuid()}', email: 'alice@acme.dev', passwordHash: '$2a$12$${s(B62 + './', 53)}' },`, 'password-hash');
  f.neg(`  { id: '${T.uuid()}', email: 'bob@acme.dev', password: '$argon2id$v=19$m=65536,t=3,p=4$${mixed(B64, 22)}$${mixed(B64, 43)}' },`, 'password-hash');
  f.neg(`  { id: '${T.uuid()}', email: 'carol@acme.dev', password: 'password123' },`, 'placeholder');
  f.neg(`  { id: '${T.uuid()}', email: 'dan@acme.dev', password: 'test1234' },`, 'placeholder');
  f.line('];');
  f.neg(`export const requestId = '${T.uuid()}';`, 'uuid');
  f.neg(`export const sessionToken = '${T.uuid()}';`, 'uuid');
  f.neg(`export const correlationId = '${T.uuid()}';`, 'uuid');
  f.neg(`export const commitSha = '${T.hex40()}';`, 'git-sha');
}

{
  // More providers and syntactic positions: call arguments, default parameters, `this.x =`,
  // comments, query strings, `export default`.
  const f = file('src/legacy/misc.js');
  f.line("import fetch from 'node-fetch';", '');
  f.pos(`// old token, rotate me: ${T.ghp()}`, 'github-pat');
  f.pos(`const res = await fetch('https://api.weather.acme.dev/v1/forecast?city=Oslo&api_key=${mixed(B62, 32)}');`, 'url-query-secret');
  f.pos(`const feed = 'https://feeds.acme.dev/export.csv?access_token=${mixed(B64URL, 40)}&format=csv';`, 'url-query-secret');
  f.neg("const pageUrl = 'https://acme.dev/search?q=token&page=2&page_token=CAUQAA';", 'url');
  f.neg("const tmplUrl = 'https://api.acme.dev/v1/items?api_key={API_KEY}';", 'placeholder');
  f.line('export class Mailer {', '  constructor() {');
  f.pos(`    this.apiKey = '${T.mailchimp()}';`, 'mailchimp-api-key');
  f.pos(`    this.smtpPassword = '${T.password()}';`, 'named');
  f.line('  }', '}', '');
  f.pos(`export function connect(user = 'reporting', password = '${T.password()}') {`, 'named');
  f.line('  return { user, password };', '}', '');
  f.line('export function withAuth(headers) {');
  f.pos(`  headers.set('Authorization', 'Bearer ${mixed(B62 + '-._', 40)}');`, 'named');
  f.pos(`  headers.set('X-Auth-Token', '${mixed(B62, 32)}');`, 'named');
  f.neg("  headers.set('Content-Type', 'application/json');", 'identifier');
  f.neg("  headers.set('Authorization', `Bearer ${process.env.TOKEN}`);", 'env-lookup');
  f.line('  return headers;', '}', '');
  f.pos(`const pypiMirrorToken = '${T.pypi()}';`, 'pypi-token');
  f.pos(`const claude = { key: '${T.anthropic()}' };`, 'anthropic-api-key');
  f.pos(`const dropboxLongLived = { token: '${T.dropbox()}' };`, 'dropbox-short-lived-token');
  f.pos(`const btSandbox = '${T.braintree()}';`, 'braintree-access-token');
  f.pos(`const analyticsDb = 'mysql://etl:${T.urlPassword()}@analytics.acme.internal/warehouse';`, 'connection-url-password');
  f.pos(`const mailer = nodemailer.createTransport({ url: 'smtp://mailer:${T.urlPassword()}@smtp.acme.dev:587' });`, 'connection-url-password');
  f.neg("const recaptchaSiteKey = '6LeIxAcTAAAAAJcZVRqyHh71UMIEGNQ_MXjiZKhI';", 'publishable-key');
  f.neg(`const secretHash = '${s(HEX, 64)}';`, 'name-not-secret');
  f.neg("const credentials = 'same-origin';", 'identifier');
  f.neg("const auth = 'oauth2';", 'identifier');
  f.neg("const SECRET = 'SECRET';", 'placeholder');
  f.neg("const token = 'abc123';", 'placeholder');
  f.neg(`const avatarHash = '${s(HEX, 32)}';`, 'name-not-secret');
  f.neg("const PASSWORD_REGEX = '^(?=.*[A-Z])(?=.*[0-9]).{12,}$';", 'name-not-secret');
  f.neg("const tokenizerModel = 'cl100k_base';", 'identifier');
  f.line('', 'export default {');
  f.pos(`  password: '${T.password()}',`, 'named');
  f.neg("  passwordConfirm: '',", 'placeholder');
  f.line('};');
}

// ---------------------------------------------------------------------------------------------
// .env files
// ---------------------------------------------------------------------------------------------

{
  const f = file('.env');
  f.line('# Local overrides for the checkout service', 'NODE_ENV=production', 'PORT=8080');
  f.pos(`DATABASE_URL=postgres://checkout:${T.urlPassword()}@db.acme.internal:5432/checkout`, 'connection-url-password');
  f.pos(`REDIS_URL=redis://:${mixed(B62, 24)}@cache.acme.internal:6379`, 'connection-url-password');
  f.pos(`STRIPE_SECRET_KEY=${T.stripe()}`, 'stripe-secret-key');
  f.pos(`STRIPE_WEBHOOK_SECRET=${T.stripeWh()}`, 'stripe-webhook-secret');
  f.pos(`SENDGRID_API_KEY=${T.sendgrid()}`, 'sendgrid-api-key');
  f.pos(`AWS_ACCESS_KEY_ID=${T.awsId()}`, 'aws-access-key-id');
  f.pos(`AWS_SECRET_ACCESS_KEY=${T.awsSecret()}`, 'aws-secret-access-key');
  f.pos(`SESSION_SECRET="${T.randomSecret()}"`, 'named');
  f.pos(`JWT_SECRET='${s(HEX, 64)}'`, 'named');
  f.pos(`ENCRYPTION_KEY=${s(HEX, 64)}`, 'named');
  f.pos(`export GITHUB_TOKEN=${T.ghp()}`, 'github-pat');
  f.pos(`OPENAI_API_KEY=${T.openaiProj()}`, 'openai-api-key');
  f.pos(`SLACK_WEBHOOK_URL=${T.slackHook()}`, 'slack-webhook');
  f.pos(`DD_API_KEY=${s(HEX, 32)}`, 'datadog-api-key');
  f.pos(`SMTP_PASSWORD=${T.password()}`, 'named');
  f.neg('SMTP_USER=alerts@acme.dev', 'identifier');
  f.neg('SESSION_TTL=3600', 'name-not-secret');
  f.neg('TOKEN_EXPIRY=15m', 'name-not-secret');
  f.neg('PASSWORD_MIN_LENGTH=12', 'name-not-secret');
  f.neg('OAUTH_TOKEN_URL=https://auth.acme.dev/oauth/token', 'name-not-secret');
  f.neg('SECRET_NAME=prod/checkout/db', 'name-not-secret');
  f.neg(`GIT_SHA=${T.hex40()}`, 'git-sha');
  f.neg(`BUILD_ID=${T.uuid()}`, 'uuid');
  f.neg('API_KEY=${API_KEY_FROM_VAULT}', 'env-lookup');
  f.neg('DB_PASSWORD=$DB_PASSWORD', 'env-lookup');
  f.neg('JWT_PUBLIC_KEY_PATH=./keys/jwt.pub', 'file-path');
  f.neg('TLS_KEY_FILE=/run/secrets/tls.key', 'file-path');
}

{
  const f = file('.env.example');
  f.line('# Copy to .env and fill in');
  f.neg('DATABASE_URL=postgres://user:password@localhost:5432/app', 'placeholder');
  f.neg('STRIPE_SECRET_KEY=sk_live_xxxxxxxxxxxxxxxxxxxxxxxx', 'placeholder');
  f.neg('GITHUB_TOKEN=ghp_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX', 'placeholder');
  f.neg('AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE', 'docs-example');
  f.neg('AWS_SECRET_ACCESS_KEY=', 'placeholder');
  f.neg('SESSION_SECRET=changeme', 'placeholder');
  f.neg('JWT_SECRET=<generate with openssl rand -hex 32>', 'placeholder');
  f.neg('SENDGRID_API_KEY=your-sendgrid-api-key', 'placeholder');
  f.neg('OPENAI_API_KEY=sk-...', 'placeholder');
  f.neg('SMTP_PASSWORD=********', 'placeholder');
  f.neg('API_TOKEN=dummy', 'placeholder');
  f.neg('CLIENT_SECRET=test', 'placeholder');
  f.neg('ENCRYPTION_KEY=0000000000000000000000000000000000000000000000000000000000000000', 'placeholder');
  f.neg('SLACK_BOT_TOKEN=xoxb-xxxxxxxxxxxx-xxxxxxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx', 'placeholder');
}

{
  const f = file('deploy/.env.production');
  f.pos(`MONGODB_URI=mongodb+srv://api:${mixed(B62, 20)}@prod.${s(LD, 5)}.mongodb.net/app`, 'connection-url-password');
  f.pos(`RABBITMQ_URL=amqp://orders:${T.urlPassword()}@rabbit.acme.internal:5672/%2F`, 'connection-url-password');
  f.pos(`TWILIO_API_KEY=${T.twilioKey()}`, 'twilio-api-key');
  f.pos(`TWILIO_AUTH_TOKEN=${s(HEX, 32)}`, 'twilio-auth-token');
  f.pos(`MAILGUN_API_KEY=${T.mailgun()}`, 'mailgun-api-key');
  f.pos(`MAILCHIMP_API_KEY=${T.mailchimp()}`, 'mailchimp-api-key');
  f.pos(`ANTHROPIC_API_KEY=${T.anthropic()}`, 'anthropic-api-key');
  f.pos(`HEROKU_API_KEY=${T.uuid()}`, 'heroku-api-key-legacy');
  f.pos(`DATADOG_APP_KEY=${s(HEX, 40)}`, 'datadog-api-key');
  f.pos(`NEW_RELIC_LICENSE_KEY=${s(HEX, 40)}`, 'new-relic-license-key');
  f.pos(`OKTA_CLIENT_TOKEN=${T.okta()}`, 'okta-api-token');
  f.pos(`DISCORD_BOT_TOKEN=${T.discordBot()}`, 'discord-bot-token');
  f.pos(`AZURE_STORAGE_CONNECTION_STRING="DefaultEndpointsProtocol=https;AccountName=acmelogs;AccountKey=${T.azureKey()};EndpointSuffix=core.windows.net"`, 'azure-storage-account-key');
  f.pos(`SHOPIFY_ACCESS_TOKEN=shpat_${s(HEX, 32)}`, 'shopify-token');
  f.pos(`ADMIN_PASSWORD=${T.password()}`, 'named');
  f.pos(`COOKIE_SECRET=${mixed(B62, 40)}`, 'named');
  f.pos(`PAYPAL_CLIENT_SECRET=${T.paypalSecret()}`, 'paypal-client-secret');
  f.pos(`BRAINTREE_PRIVATE_KEY=${s(HEX, 32)}`, 'braintree-private-key');
  f.pos(`SMTP_URL=smtps://postmaster%40acme.dev:${T.urlPassword()}@smtp.acme.dev:465`, 'connection-url-password');
  f.neg(`PAYPAL_CLIENT_ID=A${mixed(B64URL, 79)}`, 'identifier');
  f.neg('NEXT_PUBLIC_API_KEY_HEADER=x-api-key', 'name-not-secret');
  f.neg(`NEXT_PUBLIC_SENTRY_DSN=https://${s(HEX, 32)}@o${digits(6)}.ingest.sentry.io/${digits(7)}`, 'url');
  f.neg(`RELEASE_SHA=${T.hex40()}`, 'git-sha');
  f.neg('LOG_LEVEL=info', 'identifier');
}

{
  const f = file('services/worker/.env.local');
  f.pos(`GITLAB_TOKEN=${T.glpat()}`, 'gitlab-pat');
  f.pos(`NPM_TOKEN=${T.npm()}`, 'npm-token');
  f.pos(`HUGGING_FACE_HUB_TOKEN=${T.hf()}`, 'huggingface-token');
  f.pos(`LINEAR_API_KEY=${T.linear()}`, 'linear-api-key');
  f.pos(`SENTRY_DSN=https://${s(HEX, 32)}:${s(HEX, 32)}@sentry.acme.internal/${digits(3)}`, 'sentry-dsn-secret');
  f.pos(`GOOGLE_API_KEY=${T.googleKey()}`, 'google-api-key');
  f.pos(`TELEGRAM_TOKEN=${T.telegram()}`, 'telegram-bot-token');
  f.pos(`SQUARE_ACCESS_TOKEN=${T.squareAccess()}`, 'square-access-token');
  f.pos(`VAULT_TOKEN=${T.vault()}`, 'vault-token');
  f.pos(`WORKER_API_SECRET=${T.randomSecret()}`, 'named');
  f.neg('WORKER_CONCURRENCY=8', 'identifier');
  f.neg('DATABASE_URL=postgres://postgres:postgres@localhost:5432/worker', 'default-credentials');
  f.neg('REDIS_URL=redis://localhost:6379/2', 'url');
  f.neg('AMQP_URL=amqp://guest:guest@localhost:5672', 'default-credentials');
  f.neg('API_KEY=${{ secrets.API_KEY }}', 'env-lookup');
}

// ---------------------------------------------------------------------------------------------
// .npmrc
// ---------------------------------------------------------------------------------------------

{
  const f = file('.npmrc');
  f.line('@acme:registry=https://artifacts.acme-corp.io/api/npm/npm-virtual/');
  f.pos(`//artifacts.acme-corp.io/api/npm/npm-virtual/:_authToken=${T.npm()}`, 'npm-token');
  f.pos(`//npm.internal.acme.io/:_auth=${Buffer.from(`ci-bot:${T.password()}`).toString('base64')}`, 'named');
  f.pos(`//packages.acme.io/npm/:_password=${Buffer.from(mixed(B62, 20)).toString('base64')}`, 'named');
  f.neg('//mirror.acme.io/:_authToken=${NPM_TOKEN}', 'env-lookup');
  f.neg('always-auth=true', 'identifier');
  f.neg('save-exact=true', 'identifier');
  f.neg('email=ci@acme.dev', 'identifier');
}

{
  const f = file('packages/ui/.npmrc');
  f.pos(`//artifacts.acme-corp.io/api/npm/ui/:_authToken=${mixed(B64URL, 64)}`, 'named');
  f.neg('//artifacts.acme-corp.io/api/npm/ui/:_authToken=${ARTIFACTORY_TOKEN}', 'env-lookup');
  f.neg('strict-ssl=true', 'identifier');
}

// ---------------------------------------------------------------------------------------------
// JSON
// ---------------------------------------------------------------------------------------------

{
  const f = file('config/production.json');
  f.line('{', '  "server": { "port": 8080, "host": "0.0.0.0" },', '  "database": {');
  f.neg('    "host": "db.acme.internal",', 'identifier');
  f.neg('    "user": "checkout",', 'identifier');
  f.pos(`    "password": "${T.password()}",`, 'named');
  f.neg('    "passwordFile": "/run/secrets/db_password",', 'file-path');
  f.line('    "pool": { "min": 2, "max": 10 }', '  },', '  "stripe": {');
  f.pos(`    "secretKey": "${T.stripe()}",`, 'stripe-secret-key');
  f.neg(`    "publishableKey": "pk_live_${mixed(B62, 24)}",`, 'publishable-key');
  f.pos(`    "webhookSecret": "${T.stripeWh()}"`, 'stripe-webhook-secret');
  f.line('  },', '  "auth": {');
  f.pos(`    "jwtSecret": "${T.randomSecret().replace(/["\\]/g, 'x')}",`, 'named');
  f.neg('    "tokenExpiry": "15m",', 'name-not-secret');
  f.neg('    "refreshTokenTtl": "30d",', 'name-not-secret');
  f.neg('    "tokenUrl": "https://auth.acme.dev/oauth/token",', 'name-not-secret');
  f.neg('    "issuer": "https://auth.acme.dev/"', 'url');
  f.line('  },', '  "integrations": {');
  f.pos(`    "slackWebhook": "${T.slackHook()}",`, 'slack-webhook');
  f.pos(`    "sendgridApiKey": "${T.sendgrid()}",`, 'sendgrid-api-key');
  f.pos(`    "datadogApiKey": "${s(HEX, 32)}",`, 'datadog-api-key');
  f.pos(`    "githubToken": "${T.ghp()}",`, 'github-pat');
  f.neg(`    "githubAppId": "${digits(6)}",`, 'identifier');
  f.neg(`    "sentryDsn": "https://${s(HEX, 32)}@o${digits(6)}.ingest.sentry.io/${digits(7)}"`, 'url');
  f.line('  }', '}');
}

{
  const f = file('config/service-account.json');
  const key = pemLines('PRIVATE KEY', 'MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQ');
  f.line('{', '  "type": "service_account",', '  "project_id": "acme-prod-284913",');
  f.neg(`  "private_key_id": "${s(HEX, 40)}",`, 'identifier');
  f.pos(`  "private_key": "${key.begin}\\n${key.body.join('\\n')}\\n${key.end}\\n",`, 'private-key');
  f.line('  "client_email": "deployer@acme-prod-284913.iam.gserviceaccount.com",');
  f.neg(`  "client_id": "${s(DI, 21)}",`, 'identifier');
  f.line('  "auth_uri": "https://accounts.google.com/o/oauth2/auth",');
  f.neg('  "token_uri": "https://oauth2.googleapis.com/token",', 'name-not-secret');
  f.line('  "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs"', '}');
}

{
  const f = file('config/integrations.json');
  f.line('{', '  "providers": [', '    {');
  f.line('      "name": "okta",');
  f.pos(`      "apiToken": "${T.okta()}",`, 'named');
  f.neg('      "orgUrl": "https://acme.okta.com"', 'url');
  f.line('    },', '    {', '      "name": "atlassian",');
  f.pos(`      "apiToken": "${T.atlassian()}",`, 'atlassian-api-token');
  f.neg('      "site": "https://acme.atlassian.net"', 'url');
  f.line('    },', '    {', '      "name": "dropbox",');
  f.pos(`      "accessToken": "${T.dropbox()}"`, 'dropbox-short-lived-token');
  f.line('    },', '    {', '      "name": "firebase",');
  f.pos(`      "serverKey": "${T.fcm()}"`, 'firebase-cloud-messaging-key');
  f.line('    },', '    {', '      "name": "newrelic",');
  f.pos(`      "insertKey": "NRII-${mixed(B64URL, 32)}"`, 'new-relic-key');
  f.line('    },', '    {', '      "name": "sentry",');
  f.pos(`      "authToken": "${T.sentryUser()}"`, 'sentry-token');
  f.line('    },', '    {', '      "name": "discord",');
  f.pos(`      "webhook": "${T.discordHook()}"`, 'discord-webhook');
  f.line('    },', '    {', '      "name": "grafana",');
  f.pos(`      "serviceAccountToken": "${T.grafana()}"`, 'grafana-token');
  f.line('    }', '  ],');
  f.neg(`  "webhookSigningSecretName": "integrations/${s(LD, 8)}",`, 'name-not-secret');
  f.neg(`  "requestIdHeader": "x-request-id",`, 'identifier');
  f.neg(`  "schemaVersion": "2.4.1"`, 'identifier');
  f.line('}');
}

{
  const f = file('locales/en.json');
  f.line('{');
  f.neg('  "password": "Password",', 'i18n');
  f.neg('  "passwordTooShort": "Your password must be at least 12 characters long.",', 'i18n');
  f.neg('  "token": "Token",', 'i18n');
  f.neg('  "tokenExpired": "Your link has expired, request a new one.",', 'i18n');
  f.neg('  "apiKey": "API key",', 'i18n');
  f.neg('  "secret": "Secret",', 'i18n');
  f.neg('  "clientSecret": "Client secret",', 'i18n');
  f.neg('  "accessToken": "Personal access token",', 'i18n');
  f.neg('  "privateKey": "Private key",', 'i18n');
  f.neg('  "auth": "Sign in",', 'i18n');
  f.line('  "welcome": "Welcome back"', '}');
}

{
  const f = file('locales/fr.json');
  f.line('{');
  f.neg('  "password": "Mot de passe",', 'i18n');
  f.neg('  "token": "Jeton",', 'i18n');
  f.neg('  "apiKey": "Clé d’API",', 'i18n');
  f.neg('  "secret": "Secret partagé",', 'i18n');
  f.line('  "welcome": "Bon retour"', '}');
}

{
  // Lockfile: never read by the rule.
  const f = file('package-lock.json');
  f.line('{', '  "name": "corpus-app",', '  "lockfileVersion": 3,', '  "packages": {');
  for (const name of ['express', 'jsonwebtoken', 'stripe', 'pg', 'redis', 'axios']) {
    f.line(`    "node_modules/${name}": {`, `      "version": "${int(1, 9)}.${int(0, 20)}.${int(0, 9)}",`);
    f.neg(`      "integrity": "sha512-${Buffer.from(s(B62, 64)).toString('base64').slice(0, 86)}==",`, 'lockfile-integrity');
    f.line('      "license": "MIT"', '    },');
  }
  f.line('    "node_modules/zod": { "version": "3.23.8" }', '  }', '}');
}

{
  const f = file('config/assets.json');
  f.line('{', '  "scripts": [');
  for (let i = 0; i < 4; i++) {
    f.neg(`    { "src": "/static/vendor-${i}.js", "integrity": "sha384-${Buffer.from(s(B62, 48)).toString('base64')}" },`, 'sri-hash');
  }
  f.line('    { "src": "/static/app.js" }', '  ],');
  f.neg(`  "favicon": "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9h${mixed(B64, 120)}",`, 'base64-image');
  f.neg(`  "buildId": "${T.uuid()}",`, 'uuid');
  f.neg(`  "commit": "${T.hex40()}",`, 'git-sha');
  f.neg(`  "checksum": "${s(HEX, 64)}",`, 'random-hex-id');
  f.neg(`  "etag": "W/\\"${s(HEX, 32)}\\""`, 'random-hex-id');
  f.line('}');
}

{
  const f = file('tsconfig.json');
  f.line('{', '  "compilerOptions": {', '    "target": "ES2022",', '    "strict": true');
  f.line('  }', '}');
}

// ---------------------------------------------------------------------------------------------
// YAML
// ---------------------------------------------------------------------------------------------

{
  const f = file('docker-compose.yml');
  f.line('services:', '  db:', '    image: postgres:16', '    environment:');
  f.pos(`      POSTGRES_PASSWORD: ${T.password()}`, 'named');
  f.neg('      POSTGRES_USER: checkout', 'identifier');
  f.line('  api:', '    build: .', '    environment:');
  f.pos(`      - DATABASE_URL=postgres://checkout:${T.urlPassword()}@db:5432/checkout`, 'connection-url-password');
  f.pos(`      - STRIPE_SECRET_KEY=${T.stripe()}`, 'stripe-secret-key');
  f.pos(`      - JWT_SECRET=${mixed(B62, 48)}`, 'named');
  f.neg('      - NODE_ENV=production', 'identifier');
  f.neg('      - API_TOKEN=${API_TOKEN}', 'env-lookup');
  f.neg('      - REDIS_PASSWORD=${REDIS_PASSWORD:-}', 'env-lookup');
  f.line('  cache:');
  f.neg(`    image: redis@sha256:${s(HEX, 64)}`, 'random-hex-id');
  f.line('    command: ["redis-server", "--appendonly", "yes"]');
  f.line('  mq:', '    image: rabbitmq:3-management', '    environment:');
  f.neg('      RABBITMQ_DEFAULT_PASS: guest', 'default-credentials');
  f.pos(`      RABBITMQ_ERLANG_COOKIE_SECRET: ${mixed(B62, 32)}`, 'named');
}

{
  const f = file('.github/workflows/release.yml');
  f.line('name: release', 'on:', '  push:', '    tags: ["v*"]', 'jobs:', '  publish:', '    runs-on: ubuntu-latest', '    steps:');
  f.line('      - uses: actions/checkout@v4');
  f.neg(`      - uses: actions/setup-node@${T.hex40()} # v4.0.2`, 'git-sha');
  f.line('      - run: npm ci && npm publish', '        env:');
  f.neg('          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}', 'env-lookup');
  f.neg('          GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}', 'env-lookup');
  f.neg('          SLACK_WEBHOOK_URL: ${{ secrets.SLACK_WEBHOOK_URL }}', 'env-lookup');
  f.pos(`          SONAR_TOKEN: ${'sqp_' + s(HEX, 40)}`, 'named');
  f.pos(`          CODECOV_TOKEN: ${T.uuid().replace(/-/g, '')}`, 'named');
}

{
  const f = file('config/application.yaml');
  f.line('server:', '  port: 8080', 'spring:', '  datasource:');
  f.neg('    url: jdbc:postgresql://db.acme.internal:5432/orders', 'url');
  f.neg('    username: orders', 'identifier');
  f.pos(`    password: ${T.password()}`, 'named');
  f.line('mail:');
  f.neg('    host: smtp.acme.dev', 'identifier');
  f.pos(`    password: "${T.password()}"`, 'named');
  f.line('security:', '  oauth2:', '    client:');
  f.neg('      client-id: checkout-service', 'identifier');
  f.pos(`      client-secret: ${mixed(B62, 40)}`, 'named');
  f.neg('      token-uri: https://auth.acme.dev/oauth/token', 'name-not-secret');
  f.neg('      token-expiry: 900', 'name-not-secret');
  f.line('  jwt:');
  f.pos(`    signing-key: '${s(HEX, 64)}'`, 'named');
  f.neg('    public-key: classpath:keys/jwt.pub', 'file-path');
  f.neg('    secret-name: checkout/jwt # stored in the vault', 'name-not-secret');
  f.line('integrations:');
  f.pos(`  twilio-api-key: ${T.twilioKey()}`, 'twilio-api-key');
  f.pos(`  sendinblue: ${T.brevo()}`, 'brevo-api-key');
  f.pos(`  mapbox-token: ${T.mapbox()}`, 'mapbox-secret-token');
  f.pos(`  postman-api-key: ${T.postman()}`, 'postman-api-key');
  f.pos(`  huggingface: ${T.hf()}`, 'huggingface-token');
  f.pos(`  teams-webhook: https://acme.webhook.office.com/webhookb2/${T.uuid()}@${T.uuid()}/IncomingWebhook/${s(HEX, 32)}/${T.uuid()}`, 'microsoft-teams-webhook');
  f.neg('  api-key: changeme', 'placeholder');
  f.neg('  password: <set in vault>', 'placeholder');
  f.neg('  token: "{{ vault_token }}"', 'env-lookup');
  f.neg('  secret: !vault |', 'env-lookup');
  f.line('    $ANSIBLE_VAULT;1.1;AES256', `    ${s(DI, 64)}`);
}

{
  const f = file('k8s/secret.yaml');
  f.line('apiVersion: v1', 'kind: Secret', 'metadata:', '  name: checkout-secrets', 'type: Opaque', 'stringData:');
  f.pos(`  DATABASE_PASSWORD: ${T.password()}`, 'named');
  f.pos(`  STRIPE_API_KEY: ${T.stripe()}`, 'stripe-secret-key');
  f.pos(`  GITHUB_APP_PRIVATE_KEY_PASSPHRASE: ${mixed(B62, 24)}`, 'named');
  f.pos(`  PYPI_TOKEN: ${T.pypi()}`, 'pypi-token');
  f.pos(`  OPENAI_KEY: ${T.openaiLegacy()}`, 'openai-api-key');
  f.pos(`  DIGITALOCEAN_ACCESS_TOKEN: ${T.doToken()}`, 'digitalocean-token');
  const ssh = pemLines('OPENSSH PRIVATE KEY', 'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW', 6);
  f.line('  deploy_key: |');
  f.pos(`    ${ssh.begin}`, 'private-key');
  for (const l of ssh.body) f.line(`    ${l}`);
  f.line(`    ${ssh.end}`);
  f.line('---', 'apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: checkout-config', 'data:');
  f.neg('  TOKEN_AUDIENCE: api://checkout', 'name-not-secret');
  f.neg('  SECRET_ROTATION_DAYS: "30"', 'name-not-secret');
  f.neg(`  IMAGE_DIGEST: sha256:${s(HEX, 64)}`, 'random-hex-id');
  f.neg(`  AUTHORIZED_KEY: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${mixed(B64, 43)} ci@acme`, 'public-key');
}

{
  const f = file('pnpm-lock.yaml');
  f.line("lockfileVersion: '9.0'", 'packages:');
  for (const name of ['express@4.19.2', 'jsonwebtoken@9.0.2', 'pg@8.12.0']) {
    f.line(`  ${name}:`);
    f.neg(`    resolution: {integrity: sha512-${Buffer.from(s(B62, 64)).toString('base64').slice(0, 86)}==}`, 'lockfile-integrity');
  }
}

// ---------------------------------------------------------------------------------------------
// Where code USES a secret (the rule recognises these by module): weak or readable values that
// no name or entropy check would call a secret, constants folded across bindings, env fallbacks,
// and the look-alikes that must stay quiet (env lookups, local dev databases, public keys,
// same-named methods of other objects). Generated last so the files above keep their bytes.
// ---------------------------------------------------------------------------------------------

{
  const f = file('src/server/app.js');
  f.line(
    "'use strict';",
    "const express = require('express');",
    "const session = require('express-session');",
    "const cookieSession = require('cookie-session');",
    "const cookieParser = require('cookie-parser');",
    "const jwt = require('jsonwebtoken');",
    "const crypto = require('crypto');",
    "const passport = require('passport');",
    "const GitHubStrategy = require('passport-github2').Strategy;",
    "const LocalStrategy = require('passport-local').Strategy;",
    "const keyring = require('./keyring');",
    '',
    'const app = express();',
  );
  f.pos("app.use(session({ secret: 'keyboard cat', resave: false, saveUninitialized: false }));", 'sink');
  f.pos(`app.use(cookieParser('${pick(['orchid', 'granite', 'maple'])}-cookies'));`, 'sink');
  f.pos(`app.use(cookieSession({ name: 'sess', keys: ['${s(LO, 6)}-key-one', process.env.COOKIE_KEY_2] }));`, 'sink');
  f.neg('app.use(session({ secret: process.env.SESSION_SECRET, resave: false }));', 'env-lookup');
  f.neg('app.use(session({ secret: [process.env.SESSION_KEY_NEW, process.env.SESSION_KEY_OLD] }));', 'env-lookup');
  f.neg('app.use(cookieParser());', 'no-value');
  f.pos("const fallbackSession = session({ secret: process.env.SESSION_SECRET || 'acme-session-2023' });", 'sink');
  f.line('');
  f.pos(`const JWT_KEY = 'acme' + '-jwt-' + '${int(2019, 2024)}';`, 'sink');
  f.line('function issue(user) {');
  f.pos("  const access = jwt.sign({ sub: user.id }, 'shhhhh', { expiresIn: '15m' });", 'sink');
  f.neg("  const refresh = jwt.sign({ sub: user.id }, process.env.REFRESH_SECRET, { expiresIn: '7d' });", 'env-lookup');
  f.neg("  const receipt = keyring.sign({ sub: user.id }, 'release-signing-2024');", 'unrelated-call');
  f.line('  return { access, refresh, receipt, check: jwt.verify(access, JWT_KEY) };', '}');
  const pub = pemLines('PUBLIC KEY', 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA', 6);
  f.neg(`const ISSUER_PUBLIC_KEY = \`${pub.begin}`, 'public-key');
  for (const l of pub.body) f.line(l);
  f.line(`${pub.end}\`;`);
  f.neg("const verifyIssuer = (token) => jwt.verify(token, ISSUER_PUBLIC_KEY, { algorithms: ['RS256'] });", 'public-key');
  f.line('');
  f.line('passport.use(new GitHubStrategy({');
  f.neg(`  clientID: 'Iv1.${s(HEX, 16)}',`, 'identifier');
  f.pos("  clientSecret: 'acme-github-login',", 'sink');
  f.neg("  callbackURL: 'https://acme.dev/auth/github/callback',", 'url');
  f.line('}, (accessToken, refreshToken, profile, done) => done(null, profile)));');
  f.neg("passport.use(new LocalStrategy({ usernameField: 'email', passwordField: 'password' }, (u, p, done) => done(null, u)));", 'name-not-secret');
  f.line('');
  f.line('function signWebhook(body, secret) {');
  f.pos("  const fixed = crypto.createHmac('sha256', 'webhook-signing-key').update(body).digest('hex');", 'sink');
  f.neg("  const given = crypto.createHmac('sha256', secret).update(body).digest('hex');", 'env-lookup');
  f.neg("  const etag = crypto.createHash('sha256').update('static-etag-salt').digest('hex');", 'name-not-secret');
  f.line('  return { fixed, given, etag };', '}');
  f.pos(`const ENC_KEY = crypto.scryptSync('${pick(['backup', 'archive', 'export'])}-passphrase', 'salt', 32);`, 'sink');
  f.line('const encrypt = (iv, data) => crypto.createCipheriv(\'aes-256-cbc\', ENC_KEY, iv).update(data);');
  f.pos(`const decipher = (iv) => crypto.createDecipheriv('aes-256-gcm', Buffer.from('${mixed(B62, 32)}'), iv);`, 'sink');
  f.line('');
  f.line('const partner = {', '  headers: {');
  f.pos(`    Authorization: 'Basic ' + Buffer.from('billing:${T.urlPassword()}').toString('base64'),`, 'named');
  f.neg("    'Content-Type': 'application/json',", 'identifier');
  f.line('  },', '};');
  f.pos(`const HMAC_KEY = process.env.HMAC_KEY ?? '${s(HEX, 48)}';`, 'named');
  f.line('', 'module.exports = { app, issue, verifyIssuer, signWebhook, encrypt, decipher, partner, HMAC_KEY, fallbackSession };');
}

{
  const f = file('src/server/db.ts');
  f.line(
    "import { Sequelize } from 'sequelize';",
    "import mysql from 'mysql2/promise';",
    "import { Pool } from 'pg';",
    "import mongoose from 'mongoose';",
    "import knex from 'knex';",
    "import Redis from 'ioredis';",
    "import nodemailer from 'nodemailer';",
    '',
  );
  f.pos(`export const orm = new Sequelize('orders', 'orders_app', 'Orders${int(2019, 2024)}', { host: 'db.acme.internal', dialect: 'postgres' });`, 'sink');
  f.neg("export const devOrm = new Sequelize('orders', 'postgres', 'postgres', { host: 'localhost', dialect: 'postgres' });", 'default-credentials');
  f.neg("export const memoryOrm = new Sequelize('sqlite::memory:');", 'url');
  f.neg('export const envOrm = new Sequelize(process.env.DATABASE_URL as string, { logging: false });', 'env-lookup');
  f.line('export const reporting = mysql.createPool({');
  f.neg("  host: 'mysql.acme.internal',", 'identifier');
  f.neg("  user: 'reporting',", 'identifier');
  f.pos("  password: 'reporting',", 'sink');
  f.line('});');
  f.neg("export const localMysql = mysql.createPool({ host: 'localhost', user: 'root', password: 'root' });", 'default-credentials');
  f.pos("export const api = new Pool({ host: 'pg.acme.internal', user: 'api', password: 'apipass' });", 'sink');
  f.neg('export const envPool = new Pool({ connectionString: process.env.DATABASE_URL });', 'env-lookup');
  f.pos("export const connectMongo = () => mongoose.connect('mongodb://admin:admin@mongo.acme.internal:27017/app');", 'sink');
  f.neg("export const connectLocalMongo = () => mongoose.connect('mongodb://root:example@localhost:27017');", 'default-credentials');
  f.line("export const warehouse = knex({ client: 'pg', connection: {");
  f.neg("  host: 'warehouse.acme.internal',", 'identifier');
  f.pos("  password: 'etl-loader',", 'sink');
  f.line('} });');
  f.neg("export const devDb = knex({ client: 'sqlite3', connection: { filename: './dev.sqlite3' } });", 'file-path');
  f.pos("export const cache = new Redis({ host: 'cache.acme.internal', password: 'cachepass' });", 'sink');
  f.line('export const mailer = nodemailer.createTransport({');
  f.neg("  host: 'smtp.acme.dev',", 'identifier');
  f.pos("  auth: { user: 'alerts@acme.dev', pass: 'alerts-mailer' },", 'sink');
  f.line('});');
  f.neg("export const mailhog = nodemailer.createTransport({ host: 'localhost', port: 1025 });", 'url');
}

// ---------------------------------------------------------------------------------------------
// Added after the first measurement (appended here so the seeded draws above stay the same):
// secrets in test paths (reported at low severity, scored with --severity low), registry auth
// tokens that are UUIDs, and public-by-design client keys that sit under secret-ish names.
// ---------------------------------------------------------------------------------------------

{
  const f = file('test/integration/payments.test.ts');
  f.line("import { describe, it } from 'vitest';", "import Stripe from 'stripe';", '');
  f.pos(`const stripe = new Stripe('${T.stripe()}');`, 'stripe-secret-key');
  f.pos(`const WEBHOOK_SECRET = '${T.stripeWh()}';`, 'stripe-webhook-secret');
  f.pos(`const adminPassword = '${T.password()}';`, 'named');
  f.neg("const testPassword = 'correct horse battery staple';", 'placeholder');
  f.neg(`const customerId = 'cus_${mixed(B62, 14)}';`, 'identifier');
  f.line("describe('payments', () => { it('charges', async () => { await stripe.charges.list(); }); });");
}
{
  const f = file('examples/slack-bot/index.js');
  f.line("const { App } = require('@slack/bolt');", '');
  f.pos(`const app = new App({ token: '${T.slackBot()}', signingSecret: '${s(HEX, 32)}' });`, 'slack-token');
  f.neg("const channel = 'C0123ABCDEF';", 'identifier');
  f.line('module.exports = app;');
}
{
  const f = file('.yarnrc.yml');
  f.line('nodeLinker: node-modules', 'npmRegistries:', '  "https://npm.acme.internal":');
  f.pos(`    npmAuthToken: ${T.uuid()}`, 'npm-registry-auth-token');
  f.neg(`    npmAlwaysAuth: true`, 'name-not-secret');
}
{
  const f = file('services/billing/.npmrc');
  f.neg('@acme:registry=https://npm.acme.internal/', 'url');
  f.pos(`//npm.acme.internal/:_authToken=${T.uuid()}`, 'npm-registry-auth-token');
  f.neg('//registry.npmjs.org/:_authToken=${NPM_TOKEN}', 'env-lookup');
}
{
  const f = file('src/web/public-config.ts');
  f.line('// Browser configuration: these values ship to every visitor and are public by design.');
  f.neg(`export const vapidPublicKey = 'B${mixed(B64URL, 86)}';`, 'public-key');
  f.neg(`export const SENTRY_DSN = 'https://${s(HEX, 32)}@o${digits(6)}.ingest.sentry.io/${digits(7)}';`, 'public-dsn');
  f.neg(`export const recaptchaSiteKey = '6L${mixed(B64URL, 38)}';`, 'public-client-key');
  f.neg(`export const posthogKey = 'phc_${mixed(B62, 43)}';`, 'public-client-key');
  f.neg(`export const googleClientId = '${digits(12)}-${s(LD, 32)}.apps.googleusercontent.com';`, 'identifier');
  f.neg(`export const algolia = { appId: '${s(UD, 10)}', searchOnlyApiKey: '${s(HEX, 32)}' };`, 'public-client-key');
  f.neg(`export const segmentWriteKey = '${mixed(B62, 32)}';`, 'public-client-key');
  f.neg(`export const mixpanelToken = '${s(HEX, 32)}';`, 'public-client-key');
  f.neg(`export const scriptNonce = '${mixed(B62, 22)}==';`, 'random-hex-id');
  f.neg("export const apiKeyHeader = 'X-Api-Key';", 'name-not-secret');
  f.neg("export const secretQuestion = 'What was the name of your first pet?';", 'i18n');
  f.neg(`export const etag = 'W/"${s(HEX, 32)}"';`, 'random-hex-id');
}

// ---------------------------------------------------------------------------------------------
// Write
// ---------------------------------------------------------------------------------------------

rmSync(OUT, { recursive: true, force: true });
for (const [path, fb] of files) {
  const full = join(OUT, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, fb.lines.join('\n') + '\n');
}
const manifest = {
  description:
    'Labelled corpus for the hardcoded-secret rule. Every token is fake (published format, seeded random body). ' +
    'Generated by bench/secrets/gen-corpus.mjs; do not edit by hand. Lines are 1-based; a positive is the line where the secret starts.',
  generator: 'bench/secrets/gen-corpus.mjs',
  digest: createHash('sha256').update(JSON.stringify([...files].map(([p, fb]) => [p, fb.lines]))).digest('hex').slice(0, 16),
  counts: { positives: positives.length, negatives: negatives.length, files: files.size },
  positives,
  negatives,
};
writeFileSync(join(HERE, 'labels.json'), JSON.stringify(manifest, null, 2) + '\n');
console.log(`wrote ${files.size} files, ${positives.length} positives, ${negatives.length} negatives`);
