/**
 * prototype-pollution severities in application code: deep merges and path setters of request
 * data are high; shallow copies (Object.assign, _.assign/_.extend, extend without deep) are medium,
 * Object.assign into a fresh object literal included; object spread is never reported.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scan } from '../dist/src/scan.js';
import { rules } from '../dist/rules/index.js';

const FIX = path.resolve(__dirname, '../fixtures/prototype-pollution');

async function findingsOf(file: string) {
  const r = await scan({ paths: [path.join(FIX, file)], rules, threatModel: 'app', severity: 'low' });
  const lines = readFileSync(path.join(FIX, file), 'utf8').split('\n');
  return r.findings
    .filter((f) => f.ruleId === 'prototype-pollution')
    .map((f) => ({ line: f.line, severity: f.severity, code: lines[f.line - 1].trim() }));
}

describe('prototype-pollution in app code', () => {
  it('is high for deep merges and path setters, medium for shallow copies', async () => {
    const found = await findingsOf('vulnerable.js');
    const at = (code: string) => found.filter((f) => f.code.startsWith(code));
    for (const code of ['Object.assign(user, req.body)', 'Object.assign({}, defaults, req.body)', '_.assign(user, req.body)', '_.extend(user, req.query)', 'extend(user, req.body)']) {
      expect(at(code).map((f) => f.severity), code).toEqual(['medium']);
    }
    const deep = found.filter((f) => /merge|defaultsDeep|set\(|setWith|dset|applyToDefaults/.test(f.code));
    expect(deep.length).toBeGreaterThan(10);
    for (const f of deep) expect(f.severity, f.code).toBe('high');
  });

  it('never reports object spread of request data', async () => {
    const src = readFileSync(path.join(FIX, 'safe.js'), 'utf8');
    expect(src).toContain('{ ...defaults, ...req.body }');
    expect(await findingsOf('safe.js')).toEqual([]);
  });
});
