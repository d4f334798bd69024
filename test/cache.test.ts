/** The per-file results cache (src/cache.ts) and worker threads through the CLI: the same reports warm and cold, on one thread or several, never stale. */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, nodesec, project, REPO, VULNERABLE_APP, write } from './ci-helpers.js';

const PRELOAD = path.join(__dirname, 'helpers', 'report-parser-loaded.cjs');
const scanJson = (dir: string, extra: string[] = [], env: Record<string, string> = {}) =>
  nodesec(['scan', '.', '-f', 'json', '--fail-on', 'none', ...extra], dir, env);
const cacheFiles = (dir: string) => readdirSync(dir).filter((n) => n.endsWith('.json'));
/**
 * The cache file's lines (src/cache.ts): a header, per file `[rel, hash, result]` and then its facts
 * (an object or null), `{ link }` last.
 */
const readCache = (file: string) => {
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const files = lines.flatMap((l, i) => (Array.isArray(l) ? [{ rel: l[0], hash: l[1], result: l[2], facts: l[3] === 1 ? lines[i + 1] : undefined }] : []));
  return { header: lines[0], files, link: lines.find((l) => !Array.isArray(l) && l && 'link' in l)?.link };
};

describe('cache', () => {
  it('is on by default, gives the same report warm, and a warm scan does not load the parser', () => {
    const dir = project({
      'app.js': VULNERABLE_APP,
      'lib/run.js': "const cp = require('child_process');\n// nodesec-ignore-next-line command-injection -- fixed list\ncp.exec(process.argv[2]);\nmodule.exports = (x) => cp.exec('ls ' + x);\n",
      'broken.js': 'function (',
    });
    const env = { NODE_OPTIONS: `--require ${PRELOAD}` };
    const cold = scanJson(dir, ['--severity', 'low', '--include-suppressed'], env);
    expect(cold.stderr).toContain('parser loaded: true');
    const location = path.join(dir, 'node_modules', '.cache', 'nodesec');
    expect(cacheFiles(location)).toHaveLength(1);
    const warm = scanJson(dir, ['--severity', 'low', '--include-suppressed'], env);
    expect(warm.stderr).toContain('parser loaded: false');
    expect(warm.stdout).toBe(cold.stdout);
    const r = json(warm);
    expect(r.findings.some((f: any) => f.ruleId === 'command-injection' && !f.suppressed)).toBe(true);
    expect(r.findings.some((f: any) => f.suppressed?.kind === 'inline')).toBe(true);
    expect(r.diagnostics.some((d: any) => d.kind === 'syntax' && d.file === 'broken.js')).toBe(true);
    expect(r.stats.filesSkipped).toBe(json(cold).stats.filesSkipped);
  });

  it('never reuses the results of a changed file, or of other rules or settings', () => {
    const dir = project({ 'app.js': VULNERABLE_APP });
    expect(json(scanJson(dir)).findings).toHaveLength(1);
    write(dir, { 'app.js': VULNERABLE_APP.replace("'ping -c 1 ' + req.query.host", "'ping -c 1 localhost'") });
    expect(json(scanJson(dir)).findings).toHaveLength(0);
    write(dir, { 'app.js': VULNERABLE_APP });
    expect(json(scanJson(dir, ['--disable', 'command-injection'])).findings).toHaveLength(0);
    expect(json(scanJson(dir)).findings).toHaveLength(1);
    writeFileSync(path.join(dir, 'nodesec.config.json'), JSON.stringify({ rules: { 'command-injection': { severity: 'low' } } }));
    expect(json(scanJson(dir, ['--severity', 'low'])).findings[0].severity).toBe('low');
  });

  it('reuses the cross-file link of unchanged files, and links again when a file changes', () => {
    const dir = project({
      'app.js': "const express = require('express');\nconst { run } = require('./lib/run');\nconst app = express();\napp.get('/', (req, res) => res.send(run(req.query.cmd)));\napp.listen(3000);\n",
      'lib/run.js': "const cp = require('child_process');\nexports.run = (c) => cp.execSync('ls ' + c);\n",
    });
    const cold = scanJson(dir, ['--disable', 'missing-helmet']);
    const flows = json(cold).findings.filter((f: any) => f.ruleId === 'command-injection');
    expect(flows.map((f: any) => `${f.file}:${f.line}`)).toEqual(['lib/run.js:2']);
    expect(flows[0].trace[0].file).toBe('app.js');
    const location = path.join(dir, 'node_modules', '.cache', 'nodesec');
    const file = path.join(location, cacheFiles(location)[0]!);
    const stored = readCache(file);
    expect(stored.link.flows).toHaveLength(1);
    expect(stored.files.map((e) => e.rel).sort()).toEqual(['app.js', 'lib/run.js']);
    expect(stored.files.every((e) => e.facts && typeof e.facts === 'object' && !('facts' in e.result))).toBe(true);
    // Unchanged files: the stored link result is what the report shows (here emptied on purpose).
    const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
    writeFileSync(file, [...lines.slice(0, -1), JSON.stringify({ link: { flows: [], audits: [] } })].join('\n') + '\n');
    expect(json(scanJson(dir, ['--disable', 'missing-helmet'])).findings).toEqual([]);
    // One file changed (only a comment): everything is linked again, from cached per-file facts.
    write(dir, { 'app.js': '// changed\n' + readFileSync(path.join(dir, 'app.js'), 'utf8') });
    const relinked = json(scanJson(dir, ['--disable', 'missing-helmet'])).findings;
    expect(relinked.map((f: any) => `${f.file}:${f.line}`)).toEqual(['lib/run.js:2']);
    const rewritten = readCache(file);
    expect(rewritten.link.flows).toHaveLength(1);
    // The changed file's new entry (written as it was analysed) and the reused one are both kept.
    expect(rewritten.files.map((e) => e.rel).sort()).toEqual(['app.js', 'lib/run.js']);
    // The reused entry's facts are written back byte for byte as they were read.
    const factsOf = (c: ReturnType<typeof readCache>, rel: string) => JSON.stringify(c.files.find((e) => e.rel === rel)!.facts);
    expect(factsOf(rewritten, 'lib/run.js')).toBe(factsOf(stored, 'lib/run.js'));
    expect(readdirSync(location).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    // The warm report of unchanged files equals a scan without the cache.
    expect(scanJson(dir, ['--disable', 'missing-helmet']).stdout).toBe(scanJson(dir, ['--disable', 'missing-helmet', '--no-cache']).stdout);
  });

  it('never uses a cache made by another installation of the same build (one planted in the scanned repository)', () => {
    // A second installation of this very build: same files, sizes and times, its own secret.
    const other = mkdtempSync(path.join(os.tmpdir(), 'nodesec-install-'));
    try {
      for (const p of ['dist', 'bin', 'package.json']) cpSync(path.join(REPO, p), path.join(other, p), { recursive: true, preserveTimestamps: true });
      symlinkSync(path.join(REPO, 'node_modules'), path.join(other, 'node_modules'), 'dir');
      const dir = project({ 'app.js': VULNERABLE_APP });
      const env = { NODE_OPTIONS: `--require ${PRELOAD}` };
      const first = scanJson(dir, [], env);
      expect(first.stderr).toContain('parser loaded: true');
      expect(scanJson(dir, [], env).stderr).toContain('parser loaded: false'); // this installation: warm
      const r = spawnSync(process.execPath, [path.join(other, 'bin', 'nodesec.js'), 'scan', '.', '-f', 'json', '--fail-on', 'none'], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, ...env },
      });
      expect(r.stderr).toContain('parser loaded: true'); // the other one: its results are its own
      expect(r.stdout).toBe(first.stdout);
      expect(readFileSync(path.join(other, '.cache', 'secret'), 'utf8')).not.toBe(readFileSync(path.join(REPO, '.cache', 'secret'), 'utf8'));
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('--cache-location and --no-cache', () => {
    const dir = project({ 'app.js': VULNERABLE_APP });
    expect(json(scanJson(dir, ['--no-cache'])).findings).toHaveLength(1);
    expect(existsSync(path.join(dir, 'node_modules'))).toBe(false);
    const r = scanJson(dir, ['--cache-location', 'my-cache']);
    expect(json(r).findings).toHaveLength(1);
    expect(cacheFiles(path.join(dir, 'my-cache'))).toHaveLength(1);
    expect(existsSync(path.join(dir, 'node_modules'))).toBe(false);
    // A cache folder inside the scanned one is not scanned as part of the project.
    const warm = scanJson(dir, ['--cache-location', 'my-cache']);
    expect(json(warm).stats.filesScanned).toBe(1);
    expect(warm.stdout).toBe(r.stdout);
  });

  it('scans cold when stored facts turn out damaged once the link needs them', () => {
    const files = {
      'app.js': "const express = require('express');\nconst { run } = require('./lib/run');\nconst app = express();\napp.get('/', (req, res) => res.send(run(req.query.cmd)));\napp.listen(3000);\n",
      'lib/run.js': "const cp = require('child_process');\nexports.run = (c) => cp.execSync('ls ' + c);\n",
    };
    const dir = project(files);
    const location = mkdtempSync(path.join(os.tmpdir(), 'nodesec-cache-'));
    const args = ['--disable', 'missing-helmet', '--cache-location', location];
    const cold = scanJson(dir, args);
    const file = path.join(location, cacheFiles(location)[0]!);
    // lib/run.js's facts: still an object on the outside (read() accepts it), broken inside.
    const lines = readFileSync(file, 'utf8').split('\n');
    const at = lines.findIndex((l) => l.startsWith('["lib/run.js"')) + 1;
    lines[at] = '{"fns":[}';
    writeFileSync(file, lines.join('\n'));
    // Unchanged files: the stored link result is used, the damaged facts are never decoded.
    expect(scanJson(dir, args).stdout).toBe(cold.stdout);
    // app.js changed (a comment): the link needs lib/run.js's facts, finds them damaged, starts cold.
    write(dir, { 'app.js': '// changed\n' + files['app.js'] });
    const r = scanJson(dir, args);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(scanJson(dir, [...args, '--no-cache']).stdout);
    expect(json(r).findings.map((f: any) => `${f.ruleId} ${f.file}:${f.line}`)).toEqual(['command-injection lib/run.js:2']);
    // ... and the cache file it leaves is whole again.
    expect(readCache(file).files.find((e) => e.rel === 'lib/run.js')!.facts).toBeTypeOf('object');
    rmSync(location, { recursive: true, force: true });
  });

  it('ignores a corrupt or unwritable cache', () => {
    const dir = project({ 'app.js': VULNERABLE_APP });
    expect(json(scanJson(dir, ['--cache-location', 'c'])).findings).toHaveLength(1);
    const file = path.join(dir, 'c', cacheFiles(path.join(dir, 'c'))[0]!);
    writeFileSync(file, '{"format":1,"key":');
    expect(json(scanJson(dir, ['--cache-location', 'c'])).findings).toHaveLength(1);
    // A valid header with a malformed entry, and an entry line cut short: cold, same report.
    const [header, entry] = readFileSync(file, 'utf8').split('\n');
    for (const text of [`${header}\n{"what":1}\n`, `${header}\n${entry!.slice(0, entry!.length >> 1)}`]) {
      writeFileSync(file, text);
      expect(json(scanJson(dir, ['--cache-location', 'c'])).findings).toHaveLength(1);
    }
    writeFileSync(path.join(dir, 'not-a-folder'), '');
    const r = scanJson(dir, ['--cache-location', 'not-a-folder/sub']);
    expect(r.code, r.stderr).toBe(0);
    expect(json(r).findings).toHaveLength(1);
  });

  it('reads back entries of many megabytes (lines longer than one read) and UTF-8 split across reads', async () => {
    const { ScanCache, StoredFacts } = await import('../dist/src/cache.js'); // built by pretest: its version lookup expects dist/
    const dir = mkdtempSync(path.join(os.tmpdir(), 'nodesec-cache-'));
    // An entry line (read and decoded by the line reader) of 1.2 MB of 3-byte characters, and a
    // facts line (left in the file, read by offset) of several MB.
    const finding = { ruleId: 'r', file: 'big.js', line: 1, column: 1, message: '€'.repeat(400_000) };
    const big = { findings: [finding], facts: { file: 'a.js', fns: Array.from({ length: 80_000 }, (_, i) => ({ id: `a.js#${i}`, name: `fn€${i}`, params: ['x'] })) } } as any;
    const small = { findings: [], skipped: true };
    const write = () => {
      const c1 = new ScanCache(dir, '/root', { s: 1 });
      c1.set('big.js', 'h1', big);
      c1.set('small.js', 'h2', small);
      c1.setLink({ flows: [], audits: [] });
      c1.save();
      return readFileSync(path.join(dir, cacheFiles(dir)[0]!));
    };
    // The cache is read 1 MB at a time: pad the message so that one '€' straddles the end of the
    // first read (the euros start at `at`, one every 3 bytes).
    const READ = 1 << 20;
    const euro = Buffer.from('€');
    const at = write().indexOf(euro);
    finding.message = 'p'.repeat((((READ - 1 - at) % 3) + 3) % 3) + finding.message;
    const bytes = write();
    expect(bytes.subarray(READ - 1, READ + 2).equals(euro)).toBe(true);
    expect(bytes.length).toBeGreaterThan(4 << 20);
    const c2 = new ScanCache(dir, '/root', { s: 1 });
    const hit = c2.get('big.js', 'h1')!;
    expect(hit.facts).toBeInstanceOf(StoredFacts); // not decoded until asked for
    expect({ ...hit, facts: (hit.facts as InstanceType<typeof StoredFacts>).value() }).toEqual(big);
    expect(c2.get('small.js', 'h2')).toEqual(small);
    expect(c2.link()).toEqual({ flows: [], audits: [] });
    expect(new ScanCache(dir, '/root', { s: 2 }).get('small.js', 'h2')).toBeUndefined(); // other settings: cold
    rmSync(dir, { recursive: true, force: true });
  });

  it('--threads 2 gives the same report as one thread, cold and warm', () => {
    const dir = project({
      'app.js': VULNERABLE_APP,
      'lib/a.js': "const { exec } = require('child_process');\nmodule.exports = (x) => exec('ls ' + x); // nodesec-ignore command-injection\n",
      'lib/b.js': "const a = require('./a');\nmodule.exports = (y) => a(y);\n",
      'bad.js': 'let = ;',
    });
    const args = ['--severity', 'low', '--threat-model', 'library', '--include-suppressed'];
    const one = scanJson(dir, [...args, '--no-cache']);
    expect(json(one).findings.length).toBeGreaterThan(1);
    expect(scanJson(dir, [...args, '--no-cache', '--threads', '2']).stdout).toBe(one.stdout);
    expect(scanJson(dir, [...args, '--threads', '2']).stdout).toBe(one.stdout);
    expect(scanJson(dir, [...args, '--threads', '2']).stdout).toBe(one.stdout);
  });
});
