/** GitHub integration end to end: --format github, --sarif-category, repository-relative paths, progress. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { escapeData, escapeProperty, githubReporter } from '../src/reporters/github.js';
import { createProgress } from '../src/progress.js';
import type { ScanResult } from '../src/types.js';
import { BIN, json, nodesec, project, VULNERABLE_APP } from './ci-helpers.js';

describe('--format github', () => {
  it('escapes data and properties as @actions/core does', () => {
    expect(escapeData('100% done\r\nnext')).toBe('100%25 done%0D%0Anext');
    expect(escapeProperty('a,b:c%\n')).toBe('a%2Cb%3Ac%25%0A');
  });

  it('prints one workflow command per finding, escaped, with the trace, then a summary', () => {
    const result: ScanResult = {
      tool: { name: 'nodesec', version: '0.0.0', informationUri: 'https://example.invalid' },
      root: '/repo',
      threatModel: 'app',
      rules: [],
      findings: [
        {
          ruleId: 'command-injection',
          severity: 'critical',
          message: 'Shell command depends on req.query: 100% bad,\nreally',
          file: 'src/a,b:c.js',
          line: 3,
          column: 5,
          endLine: 3,
          endColumn: 20,
          trace: [
            { file: 'src/a,b:c.js', line: 2, column: 9, endLine: 2, endColumn: 18, label: 'req.query (request data)' },
            { file: 'src/a,b:c.js', line: 3, column: 5, endLine: 3, endColumn: 20, label: 'child_process.exec()' },
          ],
        },
        { ruleId: 'x', severity: 'medium', message: 'm', file: 'b.js', line: 1, column: 1, endLine: 4, endColumn: 2 },
        { ruleId: 'x', severity: 'low', message: 'hidden', file: 'c.js', line: 1, column: 1, endLine: 1, endColumn: 2, suppressed: { reason: 'ok' } },
      ],
      diagnostics: [{ file: 'bad.js', kind: 'syntax', message: 'Unexpected token', line: 2, column: 3 }],
      stats: { filesScanned: 3, filesSkipped: 1, findingsBySeverity: { critical: 1, high: 0, medium: 1, low: 0 }, suppressed: 1, durationMs: 1 },
    };
    expect(githubReporter(result, { color: false }).split('\n')).toEqual([
      '::warning file=b.js,line=1,col=1,endLine=4,title=nodesec x (medium)::m',
      '::error file=src/a%2Cb%3Ac.js,line=3,col=5,endLine=3,endColumn=20,title=nodesec command-injection (critical)::' +
        'Shell command depends on req.query: 100%25 bad,%0Areally%0A  -> src/a,b:c.js:2:9 req.query (request data)%0A  -> src/a,b:c.js:3:5 child_process.exec()',
      '::warning file=bad.js,line=2,col=3,title=nodesec syntax::Unexpected token',
      'nodesec: 2 findings (1 critical, 0 high, 1 medium, 0 low), 1 suppressed, 3 files scanned',
      '',
    ]);
  });

  it('end to end: annotations on stdout, exit code as usual', () => {
    const dir = project({ 'app.js': VULNERABLE_APP });
    const r = nodesec(['scan', '.', '--format', 'github'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^::error file=app\.js,line=5,col=3,endLine=5,endColumn=\d+,title=nodesec command-injection \(critical\)::This shell command/);
    expect(r.stderr).toBe('');
  });
});

describe('SARIF for GitHub code scanning', () => {
  it('--sarif-category sets automationDetails; paths are relative to the git work tree, not the scanned folder', () => {
    const dir = project({ 'packages/api/src/app.js': VULNERABLE_APP, 'packages/web/index.js': '1;\n' });
    mkdirSync(path.join(dir, '.git'));
    const r = nodesec(['scan', 'packages/api', '--format', 'sarif', '--sarif-category', 'api', '-o', 'api.sarif'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const log = JSON.parse(readFileSync(path.join(dir, 'api.sarif'), 'utf8'));
    const run = log.runs[0];
    expect(run.automationDetails).toEqual({ id: 'api/' });
    expect(run.results[0].locations[0].physicalLocation.artifactLocation).toEqual({ uri: 'packages/api/src/app.js', uriBaseId: '%SRCROOT%' });
    const steps = run.results[0].codeFlows[0].threadFlows[0].locations.map((l: any) => l.location.physicalLocation.artifactLocation.uri);
    expect(new Set(steps)).toEqual(new Set(['packages/api/src/app.js']));
    // Text and JSON stay relative to the scanned folder.
    expect(json(nodesec(['scan', 'packages/api', '--format', 'json'], dir)).findings[0].file).toBe('src/app.js');
  });
});

describe('exit codes for any CI', () => {
  it('0 clean, 1 findings at or above --fail-on, 2 a bad path or flag', () => {
    const dir = project({ 'app.js': VULNERABLE_APP, 'clean.js': 'module.exports = 1;\n' });
    expect(nodesec(['scan', 'clean.js', '-q'], dir).code).toBe(0);
    expect(nodesec(['scan', '.', '-q'], dir).code).toBe(1);
    expect(nodesec(['scan', '.', '-q', '--fail-on', 'none'], dir).code).toBe(0);
    const missing = nodesec(['scan', 'nope'], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('nodesec: path does not exist: nope\n');
    expect(nodesec(['scan', '--format', 'xml'], dir).code).toBe(2);
  });
});

describe('progress', () => {
  it('draws nothing before the delay, then phase and counts, and erases itself', () => {
    let t = 0;
    const out: string[] = [];
    const p = createProgress({ isTTY: true, columns: 0, write: (s) => out.push(s) }, { now: () => t, intervalMs: 1e9 });
    p.update('discovering');
    p.update('analysing', 1, 10);
    expect(out).toEqual([]);
    t = 1500;
    p.update('linking', 10, 10);
    p.update('reporting');
    p.stop();
    expect(out).toEqual(['\rnodesec: linking…\x1b[K', '\rnodesec: reporting…\x1b[K', '\r\x1b[K']);
  });

  it('is silent when stderr is not a terminal', () => {
    const out: string[] = [];
    const p = createProgress({ isTTY: false, write: (s) => out.push(s) }, { delayMs: 0 });
    p.update('analysing', 1, 2);
    p.stop();
    expect(out).toEqual([]);
    // And end to end (spawned with pipes): stderr stays empty.
    const dir = project({ 'app.js': VULNERABLE_APP });
    expect(nodesec(['scan', '.'], dir).stderr).toBe('');
  });

  const hasPython = spawnSync('python3', ['-c', 'import pty'], { encoding: 'utf8' }).status === 0;
  it.skipIf(!hasPython)('on a terminal, a scan longer than a second shows a progress line on stderr (not with --quiet)', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 400; i++) files[`src/f${i}.js`] = `const { exec } = require('child_process');\nmodule.exports = (a) => exec('x' + a + ${i});\n`;
    const dir = project(files);
    // Run under a pseudo-terminal; the report goes to a file so the terminal shows only stderr.
    const script = [
      'import os, pty, sys',
      'pid, fd = pty.fork()',
      'if pid == 0:',
      '    os.execvp(sys.argv[1], sys.argv[1:])',
      "out = b''",
      'while True:',
      '    try: d = os.read(fd, 4096)',
      '    except OSError: break',
      '    if not d: break',
      '    out += d',
      'os.waitpid(pid, 0)',
      'sys.stdout.write(out.decode())',
    ].join('\n');
    const run = (extra: string[]) =>
      spawnSync('python3', ['-c', script, process.execPath, BIN, 'scan', '.', '--format', 'json', '-o', 'out.json', ...extra], {
        cwd: dir,
        encoding: 'utf8',
      }).stdout;
    const shown = run([]);
    // A 400-file scan may finish in under a second on a fast machine: then nothing is drawn.
    if (shown.length) {
      expect(shown).toMatch(/\rnodesec: (discovering|analysing \d+\/400 files|linking|reporting)/);
      expect(shown.endsWith('\r\x1b[K')).toBe(true);
    }
    expect(run(['--quiet'])).toBe('');
  });
});
