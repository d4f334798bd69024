/** The real bin/nodesec.js end to end: exit codes, formats, --output, bad flags, bad files. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = path.resolve(__dirname, '../bin/nodesec.js');
let dir: string;

function run(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? dir,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '', FORCE_COLOR: '', ...opts.env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'nodesec-cli-'));
  mkdirSync(path.join(dir, 'src'));
  writeFileSync(
    path.join(dir, 'src', 'app.js'),
    [
      "const express = require('express');",
      "const { exec } = require('child_process');",
      'const app = express();',
      "app.get('/ping', (req, res) => {",
      "  exec('ping -c 1 ' + req.query.host, () => res.end());",
      '});',
      'app.listen(3000);',
      '',
    ].join('\n'),
  );
  writeFileSync(path.join(dir, 'src', 'broken.js'), 'const x = ;\n');
  writeFileSync(path.join(dir, 'src', 'audit.js'), 'module.exports = (code) => eval(code);\n');
  mkdirSync(path.join(dir, 'clean'));
  writeFileSync(path.join(dir, 'clean', 'ok.ts'), 'export const add = (a: number, b: number): number => a + b;\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('nodesec CLI', () => {
  it('--version and --help exit 0', () => {
    const pkg = JSON.parse(readFileSync(path.resolve(__dirname, '../package.json'), 'utf8'));
    const v = run(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toBe(pkg.version);
    const h = run(['--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toContain('scan');
    expect(run(['scan', '--help']).stdout).toContain('--fail-on');
  });

  it('exit 1 on a finding at or above --fail-on, with the trace and a summary', () => {
    const r = run(['scan', 'src']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/app\.js/);
    expect(r.stdout).toMatch(/5:3\s+critical\s+.*command-injection/);
    expect(r.stdout).toContain("exec('ping -c 1 ' + req.query.host");
    expect(r.stdout).toMatch(/-> app\.js:4:\d+ req\.query/);
    expect(r.stdout).toMatch(/files? scanned/);
    expect(r.stdout).not.toMatch(/\x1b\[/); // not a TTY: no colour
  });

  it('a syntax error among good files is a diagnostic and the scan goes on', () => {
    const r = run(['scan', 'src', '--format', 'json']);
    const report = JSON.parse(r.stdout);
    expect(report.findings.map((f: any) => f.ruleId)).toContain('command-injection');
    expect(report.diagnostics).toEqual([expect.objectContaining({ file: 'broken.js', kind: 'syntax' })]);
    expect(report.stats.filesSkipped).toBeGreaterThanOrEqual(1);
  });

  it('--fail-on none and --fail-on critical decide the exit code; clean code exits 0', () => {
    expect(run(['scan', 'src', '--fail-on', 'none']).code).toBe(0);
    expect(run(['scan', 'src', '--fail-on', 'critical']).code).toBe(1);
    expect(run(['scan', 'clean']).code).toBe(0);
  });

  it('--severity low shows audit findings; the default hides them', () => {
    expect(run(['scan', 'src/audit.js', '--format', 'json']).stdout).not.toContain('"audit": true');
    const low = JSON.parse(run(['scan', 'src/audit.js', '--format', 'json', '--severity', 'low']).stdout);
    expect(low.findings).toEqual([expect.objectContaining({ ruleId: 'code-injection', severity: 'low', audit: true })]);
  });

  it('--rule and --disable select rules', () => {
    const only = JSON.parse(run(['scan', 'src', '--format', 'json', '--rule', 'path-traversal']).stdout);
    expect(only.findings).toEqual([]);
    const off = JSON.parse(run(['scan', 'src', '--format', 'json', '--disable', 'command-injection']).stdout);
    expect(off.findings.filter((f: any) => f.ruleId === 'command-injection')).toEqual([]);
  });

  it('sarif to --output: valid JSON file, nothing on stdout, same exit code', () => {
    const out = path.join(dir, 'out.sarif');
    const r = run(['scan', 'src', '--format', 'sarif', '--output', out]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const sarif = JSON.parse(readFileSync(out, 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs).toHaveLength(1);
    const result = sarif.runs[0].results.find((x: any) => x.ruleId === 'command-injection');
    expect(result.locations[0].physicalLocation.artifactLocation.uri).toBe('app.js');
    expect(result.codeFlows[0].threadFlows[0].locations.length).toBeGreaterThan(1);
    expect(JSON.stringify(sarif)).not.toContain(dir); // no absolute paths
  });

  it('usage errors exit 2 with one line on stderr and no stack trace', () => {
    for (const args of [
      ['scan', '--format', 'xml', 'src'],
      ['scan', '--bogus'],
      ['scan', '--fail-on', 'sometimes', 'src'],
      ['scan', '--rule', 'no-such-rule', 'src'],
      ['scan', 'does-not-exist'],
      ['frobnicate'],
    ]) {
      const r = run(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(/^nodesec: /);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('rules lists every rule in text, json and markdown', () => {
    const json = JSON.parse(run(['rules', '--format', 'json']).stdout);
    const ids = json.map((r: any) => r.id);
    expect(ids).toEqual(expect.arrayContaining(['code-injection', 'command-injection', 'path-traversal']));
    for (const r of json) expect(r).toEqual(expect.objectContaining({ severity: expect.any(String), precision: expect.any(String), cwe: expect.any(Array) }));
    expect(run(['rules']).stdout).toContain('code-injection');
    expect(run(['rules', '--format', 'markdown']).stdout).toMatch(/^\| id \|/);
  });
});
