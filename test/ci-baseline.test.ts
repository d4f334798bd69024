/** Baselines end to end: --write-baseline records today's findings, --baseline reports only new ones. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatBaseline, parseBaseline } from '../src/baseline.js';
import { json, nodesec, project, VULNERABLE_APP } from './ci-helpers.js';

describe('baselines', () => {
  it('survives lines inserted above, reports a new occurrence, and is deterministic', () => {
    const dir = project({ 'src/app.js': VULNERABLE_APP, 'src/other.js': VULNERABLE_APP.replace("'/ping'", "'/other'") });
    const w = nodesec(['scan', 'src', '--write-baseline', 'nodesec-baseline.json', '--format', 'json'], dir);
    expect(w.code).toBe(0); // writing a baseline accepts today's findings
    expect(w.stderr).toBe('nodesec: wrote 2 findings to nodesec-baseline.json\n');
    expect(json(w).findings).toHaveLength(2); // the report itself is the usual one
    const text = readFileSync(path.join(dir, 'nodesec-baseline.json'), 'utf8');
    const doc = JSON.parse(text);
    expect(doc.nodesecBaseline).toBe(1);
    // Paths relative to the baseline file's folder (not to the scanned folder), sorted.
    expect(doc.findings.map((e: any) => [e.ruleId, e.file])).toEqual([
      ['command-injection', 'src/app.js'],
      ['command-injection', 'src/other.js'],
    ]);
    expect(doc.findings[0].fingerprint).toMatch(/^[0-9a-f]+:1$/);
    expect(text).toBe(formatBaseline(parseBaseline(text, 'b')));

    // Same findings: nothing new, exit 0, counted as suppressed.
    const same = nodesec(['scan', 'src', '--baseline', 'nodesec-baseline.json', '--format', 'json'], dir);
    expect(same.code).toBe(0);
    expect(json(same).findings).toEqual([]);
    expect(json(same).stats.suppressed).toBe(2);

    // Lines inserted above the finding (and re-indentation) do not bring it back.
    const app = path.join(dir, 'src/app.js');
    writeFileSync(app, '// a licence header\n// more header\n\n' + VULNERABLE_APP.replace('  exec(', '      exec('));
    const moved = nodesec(['scan', 'src', '--baseline', 'nodesec-baseline.json', '--format', 'json'], dir);
    expect(json(moved).findings).toEqual([]);
    expect(moved.code).toBe(0);

    // Code added right below the finding changes its GitHub fingerprint (a hash of the next ~100
    // characters) but not the finding's own line: still in the baseline.
    writeFileSync(app, readFileSync(app, 'utf8') + "app.get('/health', (req, res) => res.send('ok'));\n");
    const below = nodesec(['scan', 'src', '--baseline', 'nodesec-baseline.json', '--format', 'json'], dir);
    expect(json(below).findings).toEqual([]);

    // A new occurrence of the same pattern is reported, the old one is not.
    const lines = readFileSync(app, 'utf8').split('\n');
    lines.splice(6, 0, "app.get('/ping2', (req, res) => {", "  exec('ping -c 1 ' + req.query.host);", '});');
    writeFileSync(app, lines.join('\n'));
    const added = nodesec(['scan', '.', '--baseline', 'nodesec-baseline.json', '--format', 'json'], dir);
    expect(json(added).findings.map((f: any) => `${f.file}:${f.line}`)).toEqual(['src/app.js:8']);
    expect(json(added).stats.suppressed).toBe(2);
    expect(added.code).toBe(1);

    // --include-suppressed shows the baselined ones, marked.
    const all = json(nodesec(['scan', '.', '--baseline', 'nodesec-baseline.json', '--format', 'json', '--include-suppressed'], dir));
    expect(all.findings.map((f: any) => f.suppressed?.kind ?? null)).toEqual([null, 'baseline', 'baseline']);

    // Rewriting the baseline while one is in use records everything (old and new findings).
    const re = nodesec(['scan', '.', '--baseline', 'nodesec-baseline.json', '--write-baseline', 'nodesec-baseline.json', '-q'], dir);
    expect(re.code).toBe(0);
    expect(JSON.parse(readFileSync(path.join(dir, 'nodesec-baseline.json'), 'utf8')).findings).toHaveLength(3);
  });

  it('an unreadable or invalid baseline is a usage error (exit 2, one line)', () => {
    const dir = project({ 'app.js': VULNERABLE_APP, 'bad.json': '{"findings": []}' });
    const missing = nodesec(['scan', '.', '--baseline', 'nope.json'], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('nodesec: cannot read baseline nope.json: ENOENT\n');
    const bad = nodesec(['scan', '.', '--baseline', 'bad.json'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^nodesec: bad\.json: "nodesecBaseline" must be 1 .*\n$/);
  });
});
