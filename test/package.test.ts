/**
 * What `npx nodesec` users get: pack the package, install the tarball into a fresh project,
 * run `npx nodesec scan` there.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'nodesec-pack-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('npm package', () => {
  it('installs from its tarball and scans with npx', () => {
    // dist/ is built by `pretest`; --ignore-scripts avoids a second build.
    execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', tmp], { cwd: ROOT, stdio: 'pipe' });
    const tarball = readdirSync(tmp).find((f) => f.endsWith('.tgz'));
    expect(tarball).toBeTruthy();

    const project = path.join(tmp, 'project');
    execFileSync('mkdir', ['-p', path.join(project, 'src')]);
    writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'demo-app', version: '1.0.0', private: true }));
    writeFileSync(
      path.join(project, 'src', 'server.js'),
      "const express = require('express');\nconst app = express();\napp.get('/', (req, res) => res.send(String(eval(req.query.x))));\napp.listen(3000);\n",
    );
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', path.join(tmp, tarball!)], { cwd: project, stdio: 'pipe' });

    const r = spawnSync('npx', ['--no-install', 'nodesec', 'scan', 'src', '--format', 'json'], { cwd: project, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.findings).toEqual(expect.arrayContaining([expect.objectContaining({ ruleId: 'code-injection', severity: 'critical', file: 'server.js' })]));

    const v = spawnSync('npx', ['--no-install', 'nodesec', '--version'], { cwd: project, encoding: 'utf8' });
    expect(v.status).toBe(0);
  }, 240_000);
});
