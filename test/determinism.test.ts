/**
 * Determinism: the same files give byte-identical JSON and SARIF on every run, with the cache on
 * or off, with one or more threads, and whatever order the files were created in (file-system
 * order). No timestamps, no timing and no absolute paths in either report.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scan } from '../dist/src/scan.js';
import { rules } from '../dist/rules/index.js';
import { jsonReporter } from '../dist/src/reporters/json.js';
import { sarifReporter } from '../dist/src/reporters/sarif.js';

const REPO = path.resolve(__dirname, '..');
const BIN = path.join(REPO, 'bin/nodesec.js');
const base = mkdtempSync(path.join(os.tmpdir(), 'nodesec-determinism-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

function run(args: string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', NODESEC_DEBUG: '' },
    timeout: 240_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every file of fixtures/ (plus a few that make diagnostics), relative path -> bytes. */
function tree(): Array<[string, Buffer]> {
  const out: Array<[string, Buffer]> = [];
  const visit = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, e.name);
      if (e.isDirectory()) visit(abs);
      else if (e.isFile()) out.push([path.relative(path.join(REPO, 'fixtures'), abs), readFileSync(abs)]);
    }
  };
  visit(path.join(REPO, 'fixtures'));
  out.push(['extra/broken.js', Buffer.from('const x = ;\n')]);
  out.push(['extra/binary.js', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2])]);
  out.push(['extra/min.js', Buffer.from('var a=1;'.repeat(4000))]);
  out.push(['extra/ünï code/a#b%c.js', Buffer.from("require('child_process').exec(process.argv[2]);\n")]);
  return out;
}

/** Seeded Fisher-Yates. */
function shuffled<T>(list: T[], seed: number): T[] {
  const a = [...list];
  let s = seed;
  for (let i = a.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    const j = s % (i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

function materialise(name: string, files: Array<[string, Buffer]>): string {
  const dir = path.join(base, name);
  for (const [rel, bytes] of files) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), bytes);
  }
  return dir;
}

describe('byte-identical reports', () => {
  let sorted: string;
  let shuffledDir: string;
  let reversed: string;
  beforeAll(() => {
    const files = tree().sort((a, b) => (a[0] < b[0] ? -1 : 1));
    // The same tree under one name each, created in three different orders.
    sorted = materialise('a/project', files);
    shuffledDir = materialise('b/project', shuffled(files, 42));
    reversed = materialise('c/project', [...files].reverse());
  });

  /** Both reports of one in-process scan. */
  async function reports(dir: string, threatModel: 'app' | 'library', extra: Record<string, unknown> = {}) {
    const result = await scan({ paths: [dir], cwd: dir, rules, threatModel, severity: 'low', ...extra });
    return { json: jsonReporter(result, { color: false }), sarif: sarifReporter(result, { color: false }) };
  }

  for (const tm of ['app', 'library'] as const) {
    it(`threat model ${tm}: same JSON and SARIF bytes across runs, file-system order, cache and threads`, async () => {
      const first = await reports(sorted, tm);
      expect(first.json.length).toBeGreaterThan(100);
      expect(await reports(sorted, tm)).toEqual(first);
      expect(await reports(shuffledDir, tm)).toEqual(first);
      expect(await reports(reversed, tm)).toEqual(first);
      // Cache: a cold run (writes it), then a warm run (reads it).
      const cache = { dir: path.join(base, `cache-${tm}`) };
      expect(await reports(shuffledDir, tm, { cache })).toEqual(first);
      expect(await reports(shuffledDir, tm, { cache })).toEqual(first);
      expect(await reports(reversed, tm, { threads: 2 })).toEqual(first);
      for (const text of [first.json, first.sarif]) {
        expect(text).not.toContain(base);
        expect(text).not.toContain('file://');
        expect(text).not.toMatch(/durationMs|TimeUtc|timestamp|"\d{4}-\d\d-\d\dT\d\d:/i);
      }
      const doc = JSON.parse(first.json);
      expect(doc.findings.length).toBeGreaterThan(5);
      expect(doc.diagnostics.map((d: any) => `${d.file}:${d.kind}`)).toEqual(
        expect.arrayContaining(['extra/broken.js:syntax', 'extra/binary.js:binary', 'extra/min.js:minified']),
      );
    }, 300_000);
  }

  it('the CLI: two runs, byte-identical JSON and SARIF, the same as in-process', async () => {
    const inProcess = await reports(sorted, 'app');
    for (const format of ['json', 'sarif'] as const) {
      const a = run(['scan', '.', '--format', format, '--severity', 'low', '--no-cache'], sorted);
      const b = run(['scan', '.', '--format', format, '--severity', 'low'], shuffledDir); // cold cache
      const c = run(['scan', '.', '--format', format, '--severity', 'low'], shuffledDir); // warm cache
      expect(a.code).toBe(1);
      expect(b.stdout).toBe(a.stdout);
      expect(c.stdout).toBe(a.stdout);
      expect(a.stdout).toBe(inProcess[format]);
    }
  }, 300_000);

  it('--timing adds stats.durationMs to the JSON report, and only then', () => {
    const timed = JSON.parse(run(['scan', '.', '--format', 'json', '--no-cache', '--timing'], sorted).stdout);
    expect(typeof timed.stats.durationMs).toBe('number');
    const plain = JSON.parse(run(['scan', '.', '--format', 'json', '--no-cache'], sorted).stdout);
    expect('durationMs' in plain.stats).toBe(false);
  }, 120_000);
});
