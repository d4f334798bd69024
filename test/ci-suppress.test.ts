/** Inline suppressions end to end: `nodesec-ignore` and `nodesec-ignore-next-line` comments. */
import { describe, expect, it } from 'vitest';
import { parseSuppressions } from '../src/suppress.js';
import { json, nodesec, project } from './ci-helpers.js';

const HEAD = ["const express = require('express');", "const { exec } = require('child_process');", 'const app = express();'];

function app(lines: string[]): string {
  return [...HEAD, "app.get('/x', (req, res) => {", ...lines.map((l) => '  ' + l), '});', ''].join('\n');
}

describe('inline suppressions', () => {
  it('same-line, next-line, block and JSX comments suppress the named rule; counted, not reported', () => {
    const dir = project({
      'same.js': app(["exec('a ' + req.query.a); // nodesec-ignore command-injection -- admin-only tool"]),
      'next.js': app(['// nodesec-ignore-next-line command-injection -- reviewed in #12', "exec('b ' + req.query.b);"]),
      'block.js': app(['/* nodesec-ignore-next-line code-injection, command-injection */', "exec('c ' + req.query.c);"]),
      'view.jsx': [
        ...HEAD,
        "app.get('/v', (req, res) => {",
        '  const el = (<div>',
        '    {/* nodesec-ignore-next-line command-injection -- JSX comment */}',
        "    {exec('d ' + req.query.d)}",
        '  </div>);',
        '});',
        '',
      ].join('\n'),
      'open.js': app(["exec('e ' + req.query.e);"]),
    });
    const r = nodesec(['scan', '.', '--format', 'json'], dir);
    expect(r.stderr).toBe('');
    const doc = json(r);
    expect(doc.findings.map((f: any) => `${f.file}:${f.line}`)).toEqual(['open.js:5']);
    expect(doc.stats.suppressed).toBe(4);
    expect(doc.stats.findingsBySeverity.critical).toBe(1);
    expect(r.code).toBe(1);
  });

  it('only the named rule is suppressed, and only on its target line', () => {
    const dir = project({
      'a.js': app([
        '// nodesec-ignore-next-line path-traversal -- wrong rule',
        "exec('a ' + req.query.a);",
        '// nodesec-ignore-next-line command-injection -- two lines above the finding',
        '',
        "exec('b ' + req.query.b);",
      ]),
    });
    const doc = json(nodesec(['scan', '.', '--format', 'json'], dir));
    expect(doc.findings.map((f: any) => f.line)).toEqual([6, 9]);
    expect(doc.stats.suppressed).toBe(0);
  });

  it('a marker inside a string literal is not a comment', () => {
    const dir = project({
      'a.js': app(["exec('a ' + req.query.a + '// nodesec-ignore command-injection');"]),
    });
    const doc = json(nodesec(['scan', '.', '--format', 'json'], dir));
    expect(doc.findings).toHaveLength(1);
    expect(doc.stats.suppressed).toBe(0);
  });

  it('a marker without a rule id suppresses nothing and is reported as a diagnostic', () => {
    const dir = project({ 'a.js': app(['// nodesec-ignore-next-line -- no rule id', "exec('a ' + req.query.a);"]) });
    const r = nodesec(['scan', '.', '--format', 'json'], dir);
    const doc = json(r);
    expect(doc.findings).toHaveLength(1);
    expect(doc.diagnostics).toEqual([
      expect.objectContaining({ file: 'a.js', kind: 'suppression', line: 5, message: expect.stringContaining('needs a rule id') }),
    ]);
    const text = nodesec(['scan', '.'], dir);
    expect(text.stdout).toContain('a.js:5:3: suppression: nodesec-ignore-next-line needs a rule id');
  });

  it('SARIF leaves suppressed findings out; --include-suppressed shows them with their reason', () => {
    const dir = project({
      'a.js': app(["exec('a ' + req.query.a); // nodesec-ignore command-injection -- admin-only tool"]),
    });
    const sarif = json(nodesec(['scan', '.', '--format', 'sarif'], dir));
    expect(sarif.runs[0].results).toEqual([]);

    const all = nodesec(['scan', '.', '--format', 'json', '--include-suppressed'], dir);
    expect(all.code).toBe(0); // suppressed findings never fail the build
    const doc = json(all);
    expect(doc.findings).toHaveLength(1);
    expect(doc.findings[0].suppressed).toEqual({ reason: 'admin-only tool', kind: 'inline' });
    expect(doc.stats.suppressed).toBe(1);
    expect(doc.stats.findingsBySeverity.critical).toBe(0);

    const sarifAll = json(nodesec(['scan', '.', '--format', 'sarif', '--include-suppressed'], dir));
    expect(sarifAll.runs[0].results[0].suppressions).toEqual([{ kind: 'inSource', justification: 'admin-only tool' }]);

    const text = nodesec(['scan', '.', '--include-suppressed'], dir);
    expect(text.stdout).toContain('[suppressed: admin-only tool]');
    expect(text.stdout).toContain('No findings.');
    expect(text.stdout).toContain('1 suppressed');
  });

  it('--report-unused-ignores reports suppressions that match nothing as unused-suppression (low)', () => {
    const dir = project({
      'a.js': app([
        '// nodesec-ignore-next-line command-injection, path-traversal -- path-traversal part is stale',
        "exec('a ' + req.query.a);",
        "const safe = 'constant'; // nodesec-ignore command-injection -- fixed long ago",
        '// nodesec-ignore-next-line comand-injection -- typo',
        "exec('b ' + req.query.b);",
      ]),
    });
    const plain = json(nodesec(['scan', '.', '--format', 'json'], dir));
    expect(plain.findings.map((f: any) => f.ruleId)).toEqual(['command-injection']);

    const r = nodesec(['scan', '.', '--format', 'json', '--report-unused-ignores'], dir);
    const doc = json(r);
    const unused = doc.findings.filter((f: any) => f.ruleId === 'unused-suppression');
    expect(unused.map((f: any) => [f.line, f.severity])).toEqual([
      [5, 'low'],
      [7, 'low'],
      [8, 'low'],
    ]);
    expect(unused[0].message).toContain('no path-traversal finding on line 6');
    expect(unused[1].message).toContain('no command-injection finding on line 7');
    expect(unused[2].message).toContain('"comand-injection", which is not a nodesec rule');
    expect(r.code).toBe(1); // the real command injection on line 9 (the typo suppresses nothing)

    // In SARIF the pseudo-rule has a descriptor, so GitHub can show it.
    const sarif = json(nodesec(['scan', '.', '--format', 'sarif', '--report-unused-ignores', '--fail-on', 'none'], dir));
    expect(sarif.runs[0].tool.driver.rules.map((x: any) => x.id)).toContain('unused-suppression');
    expect(sarif.runs[0].results.filter((x: any) => x.ruleId === 'unused-suppression')).toHaveLength(3);
  });

  it('suppressions of rules that did not run are not reported as unused', () => {
    const dir = project({ 'a.js': app(['// nodesec-ignore-next-line path-traversal -- n/a', "exec('a ' + req.query.a);"]) });
    const doc = json(nodesec(['scan', '.', '--format', 'json', '--report-unused-ignores', '--rule', 'command-injection'], dir));
    expect(doc.findings.map((f: any) => f.ruleId)).toEqual(['command-injection']);
  });
});

describe('parseSuppressions', () => {
  const c = (value: string, type = 'Line', line = 3) => ({ type, value, loc: { start: { line, column: 2 }, end: { line, column: 2 + value.length } } });

  it('parses ids, reason and target line', () => {
    const { suppressions, problems } = parseSuppressions([
      c(' nodesec-ignore-next-line a-rule, acme/other -- because: reasons -- more'),
      c(' nodesec-ignore a-rule'),
      c('*\n * nodesec-ignore-next-line a-rule -- jsdoc style\n ', 'Block', 10),
      c(' not a nodesec-ignore a-rule'),
    ]);
    expect(problems).toEqual([]);
    expect(suppressions.map((s) => [s.targetLine, s.ruleIds, s.reason])).toEqual([
      [4, ['a-rule', 'acme/other'], 'because: reasons -- more'],
      [3, ['a-rule'], undefined],
      [11, ['a-rule'], 'jsdoc style'],
    ]);
  });

  it('reports a missing or malformed rule id', () => {
    const { suppressions, problems } = parseSuppressions([c(' nodesec-ignore'), c(' nodesec-ignore-next-line Bad_Id -- x')]);
    expect(suppressions).toEqual([]);
    expect(problems.map((p) => p.message)).toEqual([
      expect.stringContaining('nodesec-ignore needs a rule id'),
      expect.stringContaining('"Bad_Id" is not a rule id'),
    ]);
  });
});
