/**
 * The parser's code cache (src/code-cache.ts, Node < 22.1): written to nodesec's own folder after
 * a scan that parsed, reused by the next scans, ignored when damaged, never written with --no-cache.
 * The reports never depend on it.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const REPO = path.resolve(__dirname, '..');
const BIN = path.join(REPO, 'bin/nodesec.js');
const CODE_CACHE = path.join(REPO, '.cache', 'v8');
const hasBuiltinCompileCache = typeof (Module as any).enableCompileCache === 'function';

const base = mkdtempSync(path.join(os.tmpdir(), 'nodesec-code-cache-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));
writeFileSync(path.join(base, 'app.js'), "const { exec } = require('child_process');\nmodule.exports = (cmd) => exec('ls ' + cmd);\n");

function scan(...extra: string[]) {
  const r = spawnSync(process.execPath, [BIN, 'scan', base, '--format', 'json', '--threat-model', 'library', '--fail-on', 'none', ...extra], {
    encoding: 'utf8',
    env: { ...process.env, NODE_DISABLE_COMPILE_CACHE: '' },
    timeout: 120_000,
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const report = JSON.parse(r.stdout);
  return report.findings.map((f: any) => `${f.ruleId} ${f.file}:${f.line}`);
}

const cacheFiles = () => (existsSync(CODE_CACHE) ? readdirSync(CODE_CACHE).filter((f) => f.endsWith('.bin')) : []);

describe.skipIf(hasBuiltinCompileCache)('code cache of the parser', () => {
  it('is written after a parsing scan, reused, and a damaged one is ignored and replaced', () => {
    const findings = scan('--no-cache', '--cache-location', path.join(base, 'c0'));
    expect(findings).toEqual(['command-injection app.js:2']);
    // The results cache is cold (a new folder) so the parser loads and the code cache is written.
    expect(scan('--cache-location', path.join(base, 'c1'))).toEqual(findings);
    const files = cacheFiles();
    expect(files.length).toBeGreaterThan(0);
    const file = path.join(CODE_CACHE, files[0]);
    expect(statSync(file).size).toBeGreaterThan(100_000);
    // Damaged: still the same findings, and a valid cache again afterwards.
    writeFileSync(file, 'not a code cache');
    expect(scan('--cache-location', path.join(base, 'c2'))).toEqual(findings);
    expect(statSync(file).size).toBeGreaterThan(100_000);
    expect(scan('--cache-location', path.join(base, 'c3'))).toEqual(findings);
  });
});
