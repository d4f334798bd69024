/**
 * hardcoded-secret end to end: severities by context (test paths low, env fallbacks medium), and no
 * report format — text, JSON, SARIF, GitHub — ever prints a secret (messages and snippets are
 * redacted, also on lines shared with other findings or with filtered-out secrets).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { maskLine } from '../dist/src/scan.js';
import { redact } from '../dist/src/secrets/detect.js';
import { discoverFiles } from '../dist/src/files.js';
import { wantsSecretTextFile } from '../dist/src/secrets/detect.js';
import { scan } from '../dist/src/scan.js';
import { reporters } from '../dist/src/reporters/index.js';
import { rules } from '../dist/rules/index.js';
import { json, nodesec, project, REPO } from './ci-helpers.js';

// Fake tokens (published formats, seeded random bodies), assembled at run time.
const GH = ['ghp', 'I39mBsDrPu6hE8zPbzRcAmKJzRjXkchqmtcp'].join('_');
const NPM = ['npm', 'HCUCmBXi0P5tMbwRM1hfNq6xT0RzA1LvsFpN'].join('_');
const STRIPE = ['sk', 'live', 'IYxoZ5pl3l7lmnUHPAetaRoJ'].join('_');
const PW = ['Granite47', 'jwe'].join('^');
const CLIENT_SECRET = ['XGGX5cryz', 'rVGZYDp'].join('');
const JSON_PW = ['2znd97bWr2f', 'ZN7vczpYj'].join('');
const HEX = ['a7f7668d318a1763e5bf', 'c48645b7c64a103c0873'].join('');
const SESSION = ['keyboard', 'cat'].join(' ');
const DB_PW = ['apipass', '42'].join('-');
const TEST_KEY = ['B9mIl2C4y', 'Imcfuo8a7'].join('');
const PEM_LINES = [
  'MIIEpAIBAAKCAQEA1e1JJ8E/BUSeiOXUToxALPvQjJJwTvQjMhdYOWiKsPJFxTd1',
  'Zdan3m3FUQJ69I3ZF16th9eO/hWvXOSLVmXtJQrhriniKMVVfFhSLOhi1HzfViv0',
  '2OJ+6Qd2nC28y3crrdoLV0VqRxOnqm/R/wX4AvGcLBV1PcUchgaOGEbSs48wffPU',
  'ALOumkfJoZ/eXGLcOkTgd8EvsIJ6O0IHN6KqoCyFpWIjsLq4qtOTJOHwQ5g+GRxK',
];
const PEM = ['-----BEGIN RSA PRIVATE KEY-----', ...PEM_LINES, '-----END RSA PRIVATE KEY-----'].join('\n');
const SECRETS = [GH, NPM, STRIPE, PW, CLIENT_SECRET, JSON_PW, HEX, SESSION, DB_PW, TEST_KEY, ...PEM_LINES];

const APP = [
  "const express = require('express');",
  "const session = require('express-session');",
  "const { Pool } = require('pg');",
  'const app = express();',
  `const token = '${GH}'; const dbPassword = '${PW}';`,
  `app.use(session({ secret: '${SESSION}' }));`,
  `const hmacKey = process.env.HMAC_KEY || '${HEX}'; const npmToken = '${NPM}';`,
  `const pool = new Pool({ host: 'pg.acme.internal', password: '${DB_PW}' });`,
  `app.get('/run', (req, res) => { res.send(String(eval(req.query.code))); const t = '${GH}'; });`,
  `const signingKey = \`${PEM}\`;`,
  'module.exports = { app, token, dbPassword, hmacKey, npmToken, pool, signingKey };',
  '',
].join('\n');

function files(): Record<string, string> {
  return {
    'src/app.js': APP,
    '.env': `NODE_ENV=production\nSTRIPE_SECRET_KEY=${STRIPE}\n`,
    'config/app.json': `{\n  "database": { "password": "${JSON_PW}" }\n}\n`,
    'config/app.yaml': `oauth:\n  client-secret: ${CLIENT_SECRET}\n`,
    'test/app.test.js': `const apiKey = '${TEST_KEY}';\nmodule.exports = { apiKey };\n`,
  };
}

const scanArgs = (format: string, severity = 'low') => ['scan', '.', '--rule', 'hardcoded-secret,code-injection', '--severity', severity, '--fail-on', 'none', '--format', format];

describe('hardcoded-secret', () => {
  it('reports provider tokens, named secrets, use sites and config files with context severities', () => {
    const dir = project(files());
    const r = json(nodesec(scanArgs('json'), dir));
    const got = r.findings
      .filter((f: any) => f.ruleId === 'hardcoded-secret')
      .map((f: any) => `${f.file}:${f.line}:${f.severity}`)
      .sort();
    expect(got).toEqual(
      [
        '.env:2:critical', // Stripe live key
        'config/app.json:2:high',
        'config/app.yaml:2:high',
        'src/app.js:5:critical', // GitHub token
        'src/app.js:5:high', // dbPassword
        'src/app.js:6:high', // express-session secret, weak but used as one
        'src/app.js:7:critical', // npm token
        'src/app.js:7:medium', // process.env.HMAC_KEY || '...'
        'src/app.js:8:high', // pg password
        'src/app.js:9:critical',
        'src/app.js:10:critical', // PEM private key
        'test/app.test.js:1:low', // test paths are low
      ].sort(),
    );
    const pem = r.findings.find((f: any) => f.ruleId === 'hardcoded-secret' && f.line === 10);
    expect(pem.endLine).toBeGreaterThan(10);
    expect(pem.snippet).toBeNull(); // a multi-line secret has no snippet
    const ci = r.findings.find((f: any) => f.ruleId === 'code-injection');
    expect(ci?.line).toBe(9);
    expect(ci.snippet).toContain('eval(req.query.code)');
    expect(ci.snippet).toContain(redact(GH));
  });

  it('text, JSON, SARIF and GitHub reports never contain a secret', async () => {
    const dir = project(files());
    const enabled = rules.filter((r: any) => r.meta.id === 'hardcoded-secret' || r.meta.id === 'code-injection');
    for (const severity of ['low', 'high'] as const) {
      const result = await scan({ paths: [dir], rules: enabled, severity });
      expect(result.findings.length).toBeGreaterThan(5);
      for (const format of ['text', 'json', 'sarif', 'github'] as const) {
        const out = reporters[format](result, { color: false } as any);
        expect(out).toContain('hardcoded-secret');
        for (const s of SECRETS) expect(out, `${format} --severity ${severity} shows ${s}`).not.toContain(s);
      }
    }
    // Through the CLI as well, and the snippets are there, redacted.
    const text = nodesec(scanArgs('text'), dir).stdout;
    for (const s of SECRETS) expect(text).not.toContain(s);
    expect(text).toContain(`const token = '${redact(GH)}'; const dbPassword = '${redact(PW)}';`);
    const sarif = nodesec(scanArgs('sarif'), dir).stdout;
    expect(JSON.parse(sarif).runs[0].results.length).toBeGreaterThan(5);
    for (const s of SECRETS) expect(sarif).not.toContain(s);
    // --severity high drops the medium fallback on line 7, yet the npm token's snippet hides it too.
    const high = json(nodesec(scanArgs('json', 'high'), dir));
    const line7 = high.findings.filter((f: any) => f.file === 'src/app.js' && f.line === 7);
    expect(line7.map((f: any) => f.severity)).toEqual(['critical']);
    expect(line7[0].snippet).toBe(`const hmacKey = process.env.HMAC_KEY || '${redact(HEX)}'; const npmToken = '${redact(NPM)}';`);
  });

  it('SARIF fingerprints hash the masked text: they do not depend on the secret', () => {
    // A line hash is an unsalted function of the line: hashing the raw line would let a weak
    // password be guessed back from an uploaded SARIF file.
    const fingerprints = (pw: string, gh: string) => {
      const dir = project({
        'src/db.js': [
          "const { Pool } = require('pg');",
          `const pool = new Pool({ host: 'pg.acme.internal', password: '${pw}' });`,
          `const token = '${gh}';`,
          "const other = require('child_process').exec(process.argv[2]);",
          'module.exports = { pool, token, other };',
          '',
        ].join('\n'),
      });
      const sarif = JSON.parse(nodesec(['scan', '.', '--format', 'sarif', '--severity', 'low', '--fail-on', 'none', '--threat-model', 'all'], dir).stdout);
      return sarif.runs[0].results.map((r: any) => `${r.ruleId}@${r.locations[0].physicalLocation.region.startLine}=${r.partialFingerprints.primaryLocationLineHash}`);
    };
    const a = fingerprints(DB_PW + 'x', GH);
    expect(a.filter((x: string) => x.startsWith('hardcoded-secret')).length).toBe(2);
    // Same lengths and prefixes, other characters: the same fingerprints.
    const GH2 = ['ghp', 'Q49nCtEsQv7iF9qc0AdBnLKaSkYldiruntdq'].join('_');
    expect(fingerprints('apipZq7-43y', GH2)).toEqual(a); // redact() keeps the leading characters
  });

  it('reports a UUID as a registry auth token in .npmrc and .yarnrc.yml only', () => {
    const uuid = ['5f2b1c9e-8a4d', '4e7b-9c3f-2d1e0a9b8c7d'].join('-');
    const dir = project({
      '.npmrc': `registry=https://registry.acme.internal/\n//registry.acme.internal/:_authToken=${uuid}\n//other.acme.internal/:_authToken=\${NPM_TOKEN}\n`,
      '.yarnrc.yml': `npmRegistries:\n  "https://registry.acme.internal":\n    npmAuthToken: ${uuid}\n`,
      'src/ids.js': `const requestId = '${uuid}'; const sessionToken = '${uuid}';\nmodule.exports = { requestId, sessionToken };\n`,
    });
    const r = json(nodesec(['scan', '.', '--rule', 'hardcoded-secret', '--format', 'json', '--severity', 'low', '--fail-on', 'none'], dir));
    expect(r.findings.map((f: any) => `${f.file}:${f.line}:${f.severity}`).sort()).toEqual(['.npmrc:2:critical', '.yarnrc.yml:3:critical']);
    expect(JSON.stringify(r)).not.toContain(uuid);
  });

  it('masks every secret range on a line', () => {
    const line = `a = '${GH}', b = '${PW}'`;
    const at = (s: string) => line.indexOf(s) + 1;
    const loc = (s: string) => ({ file: 'x.js', line: 3, column: at(s), endLine: 3, endColumn: at(s) + s.length });
    expect(maskLine(line, 3, [loc(PW), loc(GH)])).toBe(`a = '${redact(GH)}', b = '${redact(PW)}'`);
    expect(maskLine(line, 4, [loc(PW)])).toBe(line);
    // A multi-line range masks the rest of its first line and the start of its last.
    const multi = { file: 'x.js', line: 2, column: 5, endLine: 4, endColumn: 3 };
    expect(maskLine('abcdefgh', 2, [multi])).toBe(`abcd${redact('efgh')}`);
    expect(maskLine('abcdefgh', 3, [multi])).toBe(redact('abcdefgh'));
    expect(maskLine('abcdefgh', 4, [multi])).toBe(`${redact('ab')}cdefgh`);
  });

  it("the repository's .nodesecignore keeps the fake-token corpus out of a self-scan", async () => {
    expect(readFileSync(path.join(REPO, '.nodesecignore'), 'utf8')).toMatch(/^bench\/secrets\/corpus\/$/m);
    const d = await discoverFiles({ root: REPO, paths: ['bench'], cwd: REPO, ignore: [], wantsTextFile: wantsSecretTextFile });
    expect(d.files.length).toBeGreaterThan(0);
    expect(d.files.filter((f) => f.rel.startsWith('bench/secrets/corpus/'))).toEqual([]);
  });

  it('is quiet on ordinary literals, names and concatenations', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 2000; i++) {
      lines.push(
        `const v${i} = { name: 'item-${i}', type: 'text', label: "Label ${i}", token: \`t${i}\`, passwordHint: 'At least ${i} characters', url: BASE + '/v${i}/items?page=' + ${i} };`,
      );
    }
    const dir = project({ 'src/big.js': `const BASE = 'https://api.acme.dev';\n${lines.join('\n')}\n` });
    const result = await scan({ paths: [dir], rules: rules.filter((r: any) => r.meta.id === 'hardcoded-secret'), severity: 'low' });
    expect(result.diagnostics).toEqual([]);
    expect(result.stats.filesScanned).toBe(1);
    expect(result.findings).toEqual([]);
  });
});
