import { describe, expect, it } from 'vitest';
import type { RuleMeta } from '../src/rule.js';
import type { ReportedFinding, ScanResult } from '../src/types.js';
import { buildJsonReport, JSON_SCHEMA_DOC, jsonReporter } from '../src/reporters/json.js';
import { sanitizeForTerminal, textReporter } from '../src/reporters/text.js';
import { isReportFormat, reporters } from '../src/reporters/index.js';

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[/;

const RULES: RuleMeta[] = [
  {
    id: 'command-injection',
    name: 'Command injection',
    description: 'User input reaches a shell command.',
    severity: 'critical',
    precision: 'high',
    cwe: ['CWE-78'],
    help: 'Use execFile.',
  },
  {
    id: 'weak-hash',
    name: 'Weak hash',
    description: 'MD5 or SHA-1 used for security.',
    severity: 'medium',
    precision: 'very-high',
    cwe: ['CWE-328'],
    help: 'Use SHA-256.',
  },
];

function findings(): ReportedFinding[] {
  return [
    {
      ruleId: 'weak-hash',
      severity: 'medium',
      message: 'MD5 is not a secure hash.',
      file: 'src/crypto.ts',
      line: 2,
      column: 15,
      endLine: 2,
      endColumn: 40,
      fingerprint: 'deadbeef:1',
      snippet: "createHash('md5')",
    },
    {
      ruleId: 'command-injection',
      severity: 'critical',
      message: 'This shell command depends on a user-provided value (req.query.host).',
      file: 'src/app.js',
      line: 12,
      column: 5,
      endLine: 12,
      endColumn: 31,
      trace: [
        { file: 'src/app.js', line: 10, column: 15, endLine: 10, endColumn: 29, label: 'req.query.host (user input)' },
        { file: 'src/lib/run.js', line: 3, column: 3, endLine: 3, endColumn: 20, label: 'child_process.exec()' },
      ],
      fingerprint: 'cafe01:1',
      snippet: '    exec(`ping ${host}`);',
    },
    {
      ruleId: 'command-injection',
      severity: 'low',
      message: 'exec() is called with a non-constant argument.',
      file: 'src/app.js',
      line: 30,
      column: 3,
      endLine: 30,
      endColumn: 12,
      audit: true,
      trace: [{ file: 'src/app.js', line: 30, column: 3, endLine: 30, endColumn: 12, label: 'child_process.exec()' }],
      snippet: 'exec(cmd)',
    },
  ];
}

function scan(over: Partial<ScanResult> = {}): ScanResult {
  return {
    tool: { name: 'nodesec', version: '0.1.0', informationUri: 'https://github.com/nodesec/nodesec' },
    root: '/home/dev/proj',
    threatModel: 'app',
    rules: RULES,
    findings: findings(),
    diagnostics: [
      { file: 'vendor/big.min.js', kind: 'minified', message: 'skipped: looks minified' },
      { file: 'src/broken.ts', kind: 'syntax', message: "')' expected.", line: 7, column: 12 },
    ],
    stats: {
      filesScanned: 12,
      filesSkipped: 2,
      findingsBySeverity: { critical: 1, high: 0, medium: 1, low: 1 },
      suppressed: 3,
      durationMs: 842,
    },
    ...over,
  };
}

function empty(): ScanResult {
  return scan({
    findings: [],
    diagnostics: [],
    stats: {
      filesScanned: 5,
      filesSkipped: 0,
      findingsBySeverity: { critical: 0, high: 0, medium: 0, low: 0 },
      suppressed: 0,
      durationMs: 2500,
    },
  });
}

describe('text reporter', () => {
  const out = textReporter(scan(), { color: false });
  const lines = out.split('\n');

  it('has no ANSI codes when color is false, and some when color is true', () => {
    expect(out).not.toMatch(ANSI);
    expect(textReporter(empty(), { color: false })).not.toMatch(ANSI);
    expect(textReporter(scan(), { color: true })).toMatch(ANSI);
  });

  it('groups findings under a header line per file, files and lines in order', () => {
    const appHeader = lines.indexOf('src/app.js');
    const cryptoHeader = lines.indexOf('src/crypto.ts');
    expect(appHeader).toBeGreaterThanOrEqual(0);
    expect(cryptoHeader).toBeGreaterThan(appHeader);
    expect(lines.filter((l) => l === 'src/app.js')).toHaveLength(1);
    const ci = lines.findIndex((l) => l.includes('This shell command'));
    const audit = lines.findIndex((l) => l.includes('non-constant argument'));
    const md5 = lines.findIndex((l) => l.includes('MD5 is not'));
    expect(appHeader).toBeLessThan(ci);
    expect(ci).toBeLessThan(audit);
    expect(audit).toBeLessThan(cryptoHeader);
    expect(cryptoHeader).toBeLessThan(md5);
  });

  it('prints line:col, severity, message and rule id on the finding line', () => {
    const line = lines.find((l) => l.includes('This shell command'))!;
    expect(line).toMatch(/^ {2}12:5\s+critical\s+This shell command depends on a user-provided value \(req\.query\.host\)\.\s+command-injection$/);
    const md5 = lines.find((l) => l.includes('MD5 is not'))!;
    expect(md5).toMatch(/^ {2}2:15\s+medium\s+MD5 is not a secure hash\.\s+weak-hash$/);
  });

  it('prints the snippet indented under the finding', () => {
    const ci = lines.findIndex((l) => l.includes('This shell command'));
    expect(lines[ci + 1]).toBe('      exec(`ping ${host}`);');
  });

  it('prints one "->" line per trace step, only for traces longer than one step', () => {
    const ci = lines.findIndex((l) => l.includes('This shell command'));
    expect(lines[ci + 2]).toBe('    -> src/app.js:10:15 req.query.host (user input)');
    expect(lines[ci + 3]).toBe('    -> src/lib/run.js:3:3 child_process.exec()');
    expect(lines.filter((l) => l.trimStart().startsWith('->'))).toHaveLength(2);
  });

  it('marks audit findings', () => {
    const audit = lines.find((l) => l.includes('non-constant argument'))!;
    expect(audit).toContain('[audit]');
    expect(lines.find((l) => l.includes('This shell command'))).not.toContain('[audit]');
  });

  it('marks suppressed findings when they are shown', () => {
    const r = scan();
    r.findings[0]!.suppressed = { reason: 'test vector' };
    expect(textReporter(r, { color: false })).toContain('[suppressed: test vector]');
  });

  it('lists diagnostics as file: kind: message', () => {
    expect(lines).toContain('Diagnostics');
    expect(lines).toContain("  src/broken.ts:7:12: syntax: ')' expected.");
    expect(lines).toContain('  vendor/big.min.js: minified: skipped: looks minified');
  });

  it('ends with a summary: severities, files scanned/skipped, suppressed, time', () => {
    expect(out.endsWith('\n')).toBe(true);
    const tail = lines.slice(-3);
    expect(tail[0]).toBe('3 findings: 1 critical, 0 high, 1 medium, 1 low');
    expect(tail[1]).toBe('12 files scanned, 2 skipped or unparsable, 3 suppressed, 842 ms');
    expect(tail[2]).toBe('');
  });

  it('says "No findings" clearly, with the summary, when there are none', () => {
    const text = textReporter(empty(), { color: false });
    expect(text).toBe('No findings.\n5 files scanned, 0 skipped or unparsable, 2.50 s\n');
  });

  it('shows diagnostics even when there are no findings', () => {
    const text = textReporter(scan({ findings: [], stats: { ...empty().stats, filesSkipped: 2 } }), { color: false });
    expect(text).toContain('Diagnostics');
    expect(text).toContain('No findings.');
  });

  it('neutralises terminal escapes and bidi controls from scanned files', () => {
    const r = scan();
    r.findings[1]!.snippet = 'exec(x) \u001b[2J\u001b]0;pwned\u0007 \u202Eevil\u2066';
    r.findings[1]!.trace![0]!.label = 'label\u001b[31m';
    r.diagnostics = [{ file: 'bad\u001bname.js', kind: 'syntax', message: 'oops\r\nmore' }];
    const text = textReporter(r, { color: false });
    expect(text).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F\u202E\u2066]/);
    expect(text).toContain('\\u{1B}[2J');
    expect(text).toContain('\\u{202E}evil');
    expect(text).toContain('bad\\u{1B}name.js');
    expect(text).toContain('oops\\u{0D}\\u{0A}more');
    expect(sanitizeForTerminal('a\tb')).toBe('a\tb');
  });

  it('prints findings only with quiet, and nothing when there are none', () => {
    const q = textReporter(scan(), { color: false, quiet: true });
    expect(q.startsWith('src/app.js\n')).toBe(true);
    expect(q.endsWith('weak-hash\n      createHash(\'md5\')\n')).toBe(true);
    expect(q).not.toContain('Diagnostics');
    expect(q).not.toContain('files scanned');
    expect(textReporter(empty(), { color: false, quiet: true })).toBe('');
    // The flag is also honoured on the result object.
    expect(textReporter({ ...scan(), quiet: true } as ScanResult, { color: false })).toBe(q);
  });

  it('is pure and deterministic', () => {
    const r = scan();
    const before = JSON.stringify(r);
    const a = textReporter(r, { color: true });
    expect(JSON.stringify(r)).toBe(before);
    expect(textReporter(scan(), { color: true })).toBe(a);
    const reversed = scan();
    reversed.findings.reverse();
    expect(textReporter(reversed, { color: false })).toBe(out);
  });
});

describe('json reporter', () => {
  const text = jsonReporter(scan(), { color: false });
  const doc = JSON.parse(text);

  it('is 2-space pretty-printed with a trailing newline', () => {
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.startsWith('{\n  "schemaVersion": 1,\n  "tool": {\n    "name": "nodesec",')).toBe(true);
    expect(text).toBe(JSON.stringify(doc, null, 2) + '\n');
  });

  it('has the documented top-level keys in order', () => {
    expect(Object.keys(doc)).toEqual(['schemaVersion', 'tool', 'threatModel', 'findings', 'diagnostics', 'stats']);
    expect(doc.schemaVersion).toBe(1);
    expect(doc.tool).toEqual({ name: 'nodesec', version: '0.1.0' });
    expect(doc.threatModel).toBe('app');
  });

  it('has a stable finding shape: every key always present, in order', () => {
    const keys = [
      'ruleId', 'severity', 'message', 'file', 'line', 'column', 'endLine', 'endColumn',
      'audit', 'trace', 'fingerprint', 'snippet', 'suppressed',
    ];
    for (const f of doc.findings) expect(Object.keys(f)).toEqual(keys);
    expect(doc.findings.map((f: any) => [f.file, f.line])).toEqual([
      ['src/app.js', 12],
      ['src/app.js', 30],
      ['src/crypto.ts', 2],
    ]);
    const [ci, audit, md5] = doc.findings;
    expect(ci.audit).toBe(false);
    expect(audit.audit).toBe(true);
    expect(md5.trace).toEqual([]);
    expect(ci.trace[0]).toEqual({ file: 'src/app.js', line: 10, column: 15, endLine: 10, endColumn: 29, label: 'req.query.host (user input)' });
    for (const step of ci.trace) expect(Object.keys(step)).toEqual(['file', 'line', 'column', 'endLine', 'endColumn', 'label']);
    expect(ci.fingerprint).toBe('cafe01:1');
    expect(audit.fingerprint).toBeNull();
    expect(ci.snippet).toBe('    exec(`ping ${host}`);');
    expect(ci.suppressed).toBeNull();
  });

  it('reports suppression with its reason', () => {
    const r = scan();
    r.findings[0]!.suppressed = { reason: 'test vector' };
    r.findings[1]!.suppressed = {};
    const d = buildJsonReport(r);
    expect(d.findings.find((f) => f.ruleId === 'weak-hash')!.suppressed).toEqual({ reason: 'test vector' });
    expect(d.findings.find((f) => f.line === 12)!.suppressed).toEqual({ reason: null });
  });

  it('has diagnostics with line/column only when known', () => {
    expect(doc.diagnostics).toEqual([
      { file: 'src/broken.ts', kind: 'syntax', message: "')' expected.", line: 7, column: 12 },
      { file: 'vendor/big.min.js', kind: 'minified', message: 'skipped: looks minified' },
    ]);
  });

  it('has the stats in a fixed order', () => {
    expect(Object.keys(doc.stats)).toEqual(['filesScanned', 'filesSkipped', 'findingsBySeverity', 'suppressed']);
    expect(Object.keys(doc.stats.findingsBySeverity)).toEqual(['critical', 'high', 'medium', 'low']);
    expect(doc.stats).toEqual({
      filesScanned: 12,
      filesSkipped: 2,
      findingsBySeverity: { critical: 1, high: 0, medium: 1, low: 1 },
      suppressed: 3,
    });
  });

  it('has the duration only with timing (it varies between runs)', () => {
    expect(text).not.toContain('durationMs');
    const timed = JSON.parse(jsonReporter(scan(), { color: false, timing: true } as any));
    expect(Object.keys(timed.stats)).toEqual(['filesScanned', 'filesSkipped', 'findingsBySeverity', 'suppressed', 'durationMs']);
    expect(timed.stats.durationMs).toBe(842);
  });

  it('has empty arrays, never missing keys, for an empty scan', () => {
    const d = JSON.parse(jsonReporter(empty(), { color: false }));
    expect(d.findings).toEqual([]);
    expect(d.diagnostics).toEqual([]);
  });

  it('is deterministic and independent of input order', () => {
    const reversed = scan();
    reversed.findings.reverse();
    reversed.diagnostics.reverse();
    expect(jsonReporter(reversed, { color: true })).toBe(text);
    expect(text).not.toMatch(ANSI);
  });

  it('exports markdown documentation of the schema that mentions every key', () => {
    for (const key of [
      'schemaVersion', 'tool', 'threatModel', 'findings', 'diagnostics', 'stats', 'ruleId', 'severity',
      'message', 'file', 'endLine', 'endColumn', 'audit', 'trace', 'fingerprint', 'snippet', 'suppressed',
      'filesScanned', 'filesSkipped', 'findingsBySeverity', 'durationMs', 'label', 'kind',
    ]) {
      expect(JSON_SCHEMA_DOC).toContain(`\`${key}\``);
    }
    // The example in the doc is valid JSON with the documented shape.
    const example = /```json\n([\s\S]*?)```/.exec(JSON_SCHEMA_DOC)![1]!;
    const parsed = JSON.parse(example);
    expect(Object.keys(parsed)).toEqual(Object.keys(doc));
    expect(Object.keys(parsed.findings[0])).toEqual(Object.keys(doc.findings[0]));
  });
});

describe('reporter registry', () => {
  it('maps format names to reporters', () => {
    expect(Object.keys(reporters)).toEqual(['text', 'json', 'sarif', 'github']);
    expect(isReportFormat('sarif')).toBe(true);
    expect(isReportFormat('xml')).toBe(false);
    for (const r of Object.values(reporters)) expect(r(scan(), { color: false }).endsWith('\n')).toBe(true);
  });
});
