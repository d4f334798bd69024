/** Rule metadata: ids, files, fixtures, CWE format, help, registry and README stay in step. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { rules } from '../dist/rules/index.js';
import { rulesMarkdownTable } from '../dist/src/rules-list.js';

const ROOT = path.resolve(__dirname, '..');
const ruleFiles = readdirSync(path.join(ROOT, 'rules'))
  .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
  .map((f) => f.slice(0, -3))
  .sort();

describe('rule metadata', () => {
  it('the registry lists exactly the files in rules/', () => {
    expect(rules.map((r) => r.meta.id).sort()).toEqual(ruleFiles);
  });

  it('ids are unique kebab-case and match a fixtures folder', () => {
    const ids = rules.map((r) => r.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
    const fixtureDirs = readdirSync(path.join(ROOT, 'fixtures'));
    for (const id of ids) {
      expect(id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(fixtureDirs).toContain(id);
    }
  });

  for (const r of rules) {
    it(`${r.meta.id}: complete metadata`, () => {
      const m = r.meta;
      expect(m.name.length).toBeGreaterThan(3);
      expect(m.description.length).toBeGreaterThan(20);
      expect(m.description.length).toBeLessThanOrEqual(1024);
      expect(['critical', 'high', 'medium', 'low']).toContain(m.severity);
      expect(['very-high', 'high', 'medium', 'low']).toContain(m.precision);
      expect(m.cwe.length).toBeGreaterThan(0);
      for (const c of m.cwe) expect(c).toMatch(/^CWE-[1-9][0-9]*$/);
      expect(m.help).toMatch(/\*\*Fix:?\*\*|fix/i);
      expect(m.help.length).toBeGreaterThan(80);
      expect(r.sinks || r.writeSinks || r.create || r.project || r.checkText, 'rule has behaviour').toBeTruthy();
    });
  }

  it("README's rules table is generated from the metadata and current", () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const start = readme.indexOf('<!-- RULES:START');
    const end = readme.indexOf('<!-- RULES:END -->');
    expect(start).toBeGreaterThan(0);
    const table = readme.slice(readme.indexOf('\n', start) + 1, end);
    expect(table, 'run `npm run rules:readme`').toBe(rulesMarkdownTable(rules.map((r) => r.meta)));
  });
});
