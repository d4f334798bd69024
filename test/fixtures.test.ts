/**
 * The generic fixture runner. fixtures/<rule-id>/ holds vulnerable.* and safe.* files (and
 * multi-file scenarios in sub-folders). Each expected finding is marked on its line with a comment
 * `expect: <rule-id>` (a proven finding) or `expect-audit: <rule-id>` (an audit finding), read from
 * the parser's comments (`# expect: ...` in non-JS files). JSON has no comments: a sidecar `expect.json`
 * in the same folder maps file names to rule ids and lines, `{ "vulnerable.json": { "<rule-id>": [5, 9] } }`
 * (expect.json itself holds no expectations). The runner fails on a missing finding, an
 * unexpected one, and a safe.* file with any. fixtures/<rule-id>/library/ is scanned with the
 * library threat model, everything else with the app threat model.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from '@typescript-eslint/typescript-estree';
import { scan } from '../dist/src/scan.js';
import { rules } from '../dist/rules/index.js';

const FIXTURES = path.resolve(__dirname, '../fixtures');
const JS = /\.(js|cjs|mjs|jsx|ts|cts|mts|tsx)$/;
const MARK = /\bexpect(-audit)?:\s*([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)/g;

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out;
}

/** "file:line:rule[:audit]" keys for every expectation in a file. */
function expectations(file: string, rel: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  const add = (line: number, body: string) => {
    for (const m of body.matchAll(MARK)) for (const id of m[2].split(',')) out.push(`${rel}:${line}:${id.trim()}${m[1] ? ':audit' : ''}`);
  };
  if (JS.test(file)) {
    const ast = parse(text, { comment: true, loc: true, jsx: /x$/.test(file) || file.endsWith('.js') });
    for (const c of ast.comments ?? []) add(c.loc.start.line, c.value);
  } else if (file.endsWith('.json')) {
    let sidecar: Record<string, Record<string, number[]>> = {};
    try {
      sidecar = JSON.parse(readFileSync(path.join(path.dirname(file), 'expect.json'), 'utf8'));
    } catch {
      /* no sidecar: no expectations */
    }
    if (path.basename(file) !== 'expect.json') {
      for (const [id, lines] of Object.entries(sidecar[path.basename(file)] ?? {})) for (const l of lines) add(l, `expect: ${id}`);
    }
  } else {
    text.split(/\r?\n/).forEach((l, i) => {
      const hash = l.indexOf('#');
      if (hash >= 0) add(i + 1, l.slice(hash));
    });
  }
  return out;
}

const ruleIds = readdirSync(FIXTURES).filter((d) => statSync(path.join(FIXTURES, d)).isDirectory());

describe('fixtures', () => {
  it('every rule has a fixtures folder with vulnerable and safe files', () => {
    for (const r of rules) {
      expect(ruleIds, `fixtures/${r.meta.id}`).toContain(r.meta.id);
      const names = listFiles(path.join(FIXTURES, r.meta.id)).map((f) => path.basename(f));
      expect(names.some((n) => n.startsWith('vulnerable')), `${r.meta.id} vulnerable.*`).toBe(true);
      expect(names.some((n) => n.startsWith('safe')), `${r.meta.id} safe.*`).toBe(true);
    }
  });

  for (const id of ruleIds) {
    for (const mode of ['app', 'library'] as const) {
      const dir = mode === 'app' ? path.join(FIXTURES, id) : path.join(FIXTURES, id, 'library');
      let exists = true;
      try {
        statSync(dir);
      } catch {
        exists = false;
      }
      if (!exists) continue;
      it(`${id} (${mode} threat model)`, async () => {
        const result = await scan({
          paths: [dir],
          rules,
          threatModel: mode,
          severity: 'low',
          ignore: mode === 'app' ? ['library/'] : [],
        });
        const files = listFiles(dir).filter((f) => mode === 'library' || !path.relative(dir, f).startsWith('library' + path.sep));
        const expected = files.flatMap((f) => expectations(f, path.relative(result.root, f).split(path.sep).join('/'))).filter((k) => k.split(':')[2] === id);
        const actual = result.findings
          .filter((f) => f.ruleId === id)
          .map((f) => `${f.file}:${f.line}:${f.ruleId}${f.audit ? ':audit' : ''}`);
        expect([...new Set(actual)].sort()).toEqual([...new Set(expected)].sort());
        for (const f of result.findings) if (f.ruleId === id) expect(path.basename(f.file).startsWith('safe'), `finding in ${f.file}:${f.line}`).toBe(false);
        expect(result.diagnostics.filter((d) => d.kind === 'syntax' || d.kind === 'internal')).toEqual([]);
      });
    }
  }
});
