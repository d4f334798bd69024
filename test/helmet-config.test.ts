/** missing-helmet takes the project's own header middleware from nodesec.config.json. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = path.resolve(__dirname, '../bin/nodesec.js');
const dir = mkdtempSync(path.join(os.tmpdir(), 'nodesec-helmet-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function scan() {
  const r = spawnSync(process.execPath, [BIN, 'scan', '.', '--rule', 'missing-helmet', '--format', 'json'], { cwd: dir, encoding: 'utf8' });
  return { code: r.status, stderr: r.stderr, findings: r.stdout ? JSON.parse(r.stdout).findings : [] };
}

describe('missing-helmet configuration', () => {
  mkdirSync(path.join(dir, 'lib'));
  writeFileSync(
    path.join(dir, 'app.js'),
    "const express = require('express');\nconst { secureApp } = require('./lib/secure');\nconst app = express();\nsecureApp(app);\napp.listen(3000);\n",
  );
  writeFileSync(path.join(dir, 'lib', 'secure.js'), "exports.secureApp = (app) => app.use((req, res, next) => { res.set('X-Frame-Options', 'DENY'); next(); });\n");

  it('reports the app when its own header middleware is not configured', () => {
    writeFileSync(path.join(dir, 'nodesec.config.json'), '{}');
    expect(scan().findings.map((f: any) => f.ruleId)).toEqual(['missing-helmet']);
  });

  it('accepts a configured module#export as protection', () => {
    writeFileSync(path.join(dir, 'nodesec.config.json'), JSON.stringify({ rules: { 'missing-helmet': { headerMiddleware: ['./lib/secure#secureApp'] } } }));
    expect(scan().findings).toEqual([]);
  });

  it('rejects a bad headerMiddleware value with exit 2 and one line', () => {
    writeFileSync(path.join(dir, 'nodesec.config.json'), JSON.stringify({ rules: { 'missing-helmet': { headerMiddleware: [] } } }));
    const r = scan();
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('headerMiddleware');
  });
});
