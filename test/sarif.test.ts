import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RuleMeta } from '../src/rule.js';
import type { ReportedFinding, ScanResult } from '../src/types.js';
import { computeLineHashes, fingerprintFor } from '../src/fingerprint.js';
import { sarifReporter, SECURITY_SEVERITY } from '../src/reporters/sarif.js';

// ---------------------------------------------------------------------------------------------
// Fixtures

const RULES: RuleMeta[] = [
  {
    id: 'command-injection',
    name: 'Command injection',
    description: 'User input reaches a shell command.',
    severity: 'critical',
    precision: 'high',
    cwe: ['CWE-78', 'CWE-88'],
    owasp: ['A03:2021'],
    help: '## Why\nShell metacharacters run commands.\n\n## Fix\nUse `execFile` with an argument array.',
    references: ['https://owasp.org/www-community/attacks/Command_Injection'],
  },
  {
    id: 'path-traversal',
    name: 'Path traversal',
    description: 'User input reaches a file system path.',
    severity: 'high',
    precision: 'medium',
    cwe: ['CWE-22'],
    help: 'Resolve the path and check it stays inside the root.',
  },
  {
    id: 'weak-hash',
    name: 'Weak hash',
    description: 'MD5 or SHA-1 used for security.',
    severity: 'medium',
    precision: 'very-high',
    cwe: ['CWE-328'],
    help: 'Use SHA-256 or better.',
  },
  {
    id: 'missing-helmet',
    name: 'Missing security headers',
    description: 'An Express app without helmet or equivalent headers. ' + 'x'.repeat(2000),
    severity: 'low',
    precision: 'low',
    cwe: ['CWE-693'],
    help: 'Add `app.use(helmet())`.',
  },
];

const SOURCE = [
  "const { exec } = require('child_process');",
  "app.get('/ping', (req, res) => {",
  '  const host = req.query.host;',
  "  exec('ping -c 1 ' + host);",
  '});',
  '',
].join('\n');
const HASHES = computeLineHashes(SOURCE);

function stats(over: Partial<ScanResult['stats']> = {}): ScanResult['stats'] {
  return {
    filesScanned: 3,
    filesSkipped: 1,
    findingsBySeverity: { critical: 1, high: 1, medium: 1, low: 0 },
    suppressed: 0,
    durationMs: 42,
    ...over,
  };
}

function scan(over: Partial<ScanResult> = {}): ScanResult {
  const findings: ReportedFinding[] = [
    {
      ruleId: 'command-injection',
      severity: 'critical',
      message: 'This shell command depends on a user-provided value (req.query.host).',
      file: 'src/app.js',
      line: 4,
      column: 3,
      endLine: 4,
      endColumn: 28,
      trace: [
        { file: 'src/app.js', line: 3, column: 16, endLine: 3, endColumn: 30, label: 'req.query.host (user input)' },
        { file: 'src/app.js', line: 4, column: 8, endLine: 4, endColumn: 27, label: "'ping -c 1 ' + host" },
        { file: 'src/app.js', line: 4, column: 3, endLine: 4, endColumn: 28, label: 'child_process.exec()' },
      ],
      fingerprint: fingerprintFor(HASHES, 4),
      snippet: "exec('ping -c 1 ' + host);",
    },
    {
      ruleId: 'path-traversal',
      severity: 'high',
      message: 'This path depends on a user-provided value (req.params.name).',
      file: 'lib/my dir/#odd%name ü 文件.js',
      line: 10,
      column: 1,
      endLine: 10,
      endColumn: 20,
      trace: [{ file: 'lib/my dir/#odd%name ü 文件.js', line: 10, column: 1, endLine: 10, endColumn: 20, label: 'fs.readFile()' }],
      snippet: 'fs.readFile(p)',
    },
    {
      ruleId: 'weak-hash',
      severity: 'medium',
      message: 'MD5 is not a secure hash.',
      file: 'src/crypto.ts',
      line: 2,
      column: 0, // deliberately invalid: SARIF regions must be >= 1
      endLine: 0,
      endColumn: 0,
      audit: true,
      fingerprint: 'abc123:1',
    },
    {
      ruleId: 'weak-hash',
      severity: 'medium',
      message: 'Suppressed: never in SARIF.',
      file: 'src/crypto.ts',
      line: 9,
      column: 1,
      endLine: 9,
      endColumn: 5,
      suppressed: { reason: 'test vector' },
    },
  ];
  return {
    tool: { name: 'nodesec', version: '0.1.0', informationUri: 'https://github.com/nodesec/nodesec' },
    root: '/home/dev/my project',
    threatModel: 'app',
    rules: RULES,
    findings,
    diagnostics: [
      { file: 'vendor/big.min.js', kind: 'minified', message: 'skipped: looks minified' },
      { file: 'src/broken file.ts', kind: 'syntax', message: "')' expected.", line: 7, column: 12 },
    ],
    stats: stats(),
    ...over,
  };
}

function emptyScan(): ScanResult {
  return scan({ findings: [], diagnostics: [], stats: stats({ findingsBySeverity: { critical: 0, high: 0, medium: 0, low: 0 } }) });
}

const render = (r: ScanResult, absolutePaths = false) => sarifReporter(r, { color: false, absolutePaths });
const parse = (r: ScanResult, absolutePaths = false) => JSON.parse(render(r, absolutePaths));

// ---------------------------------------------------------------------------------------------
// Schema validation

let validate: ReturnType<Ajv['compile']>;

beforeAll(() => {
  const schemaPath = fileURLToPath(new URL('./schema/sarif-schema-2.1.0.json', import.meta.url));
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8'));
  // The vendored copy declares draft 2020-12 but uses only draft-04 vocabulary (see README.md).
  schema.$schema = 'http://json-schema.org/draft-04/schema#';
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  validate = ajv.compile(schema);
});

function expectValid(log: unknown) {
  const ok = validate(log);
  expect(validate.errors ?? [], JSON.stringify(validate.errors, null, 2)).toEqual([]);
  expect(ok).toBe(true);
}

describe('SARIF schema validation', () => {
  it('accepts a report with findings, traces, odd paths and diagnostics', () => {
    expectValid(parse(scan()));
  });
  it('accepts an empty report', () => {
    expectValid(parse(emptyScan()));
  });
  it('accepts a report with absolute paths and a category', () => {
    expectValid(parse(scan({ sarifCategory: 'backend' }), true));
  });
  it('the validator really rejects invalid SARIF', () => {
    const log = parse(scan());
    log.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0;
    expect(validate(log)).toBe(false);
    const log2 = parse(scan());
    log2.runs[0].results[0].level = 'critical';
    expect(validate(log2)).toBe(false);
    const log3 = parse(scan());
    log3.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri = 'has space.js';
    expect(validate(log3)).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------
// GitHub's extra requirements (not checked by the schema)

describe('SARIF for GitHub code scanning', () => {
  it('has the schema URI, version and exactly one run', () => {
    const log = parse(scan());
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    expect(log.runs[0].columnKind).toBe('utf16CodeUnits');
  });

  it('describes the tool', () => {
    const driver = parse(scan()).runs[0].tool.driver;
    expect(driver.name).toBe('nodesec');
    expect(driver.version).toBe('0.1.0');
    expect(driver.semanticVersion).toBe('0.1.0');
    expect(driver.informationUri).toBe('https://github.com/nodesec/nodesec');
  });

  it('always has a results array, even when empty', () => {
    const run = parse(emptyScan()).runs[0];
    expect(run.results).toEqual([]);
    expect(run.tool.driver.rules).toHaveLength(RULES.length);
  });

  it('lists every enabled rule, in registry order, with the metadata GitHub needs', () => {
    const rules = parse(scan()).runs[0].tool.driver.rules;
    expect(rules.map((r: { id: string }) => r.id)).toEqual(RULES.map((r) => r.id));
    for (const [i, rule] of rules.entries()) {
      const meta = RULES[i]!;
      expect(rule.name).toBe(meta.name);
      expect(rule.shortDescription.text.length).toBeGreaterThan(0);
      expect(rule.shortDescription.text.length).toBeLessThanOrEqual(1024);
      expect(rule.fullDescription.text.length).toBeGreaterThan(0);
      expect(rule.fullDescription.text.length).toBeLessThanOrEqual(1024);
      expect(rule.help.text.length).toBeGreaterThan(0);
      expect(rule.help.markdown).toContain(meta.help.split('\n')[0]);
      expect(rule.helpUri).toBe(`https://github.com/nodesec/nodesec#${meta.id}`);
      const expectedLevel = { critical: 'error', high: 'error', medium: 'warning', low: 'note' }[meta.severity];
      expect(rule.defaultConfiguration.level).toBe(expectedLevel);
      // security-severity: a STRING holding a number in GitHub's bucket for the severity.
      const sev = rule.properties['security-severity'];
      expect(typeof sev).toBe('string');
      expect(sev).toMatch(/^\d+(\.\d+)?$/);
      const n = Number(sev);
      expect(n).toBeGreaterThan(0);
      expect(n).toBeLessThanOrEqual(10);
      const bucket = n >= 9 ? 'critical' : n >= 7 ? 'high' : n >= 4 ? 'medium' : 'low';
      expect(bucket).toBe(meta.severity);
      expect(rule.properties.precision).toBe(meta.precision);
      const tags: string[] = rule.properties.tags;
      expect(tags).toContain('security');
      expect(tags.length).toBeLessThan(10);
      expect(new Set(tags).size).toBe(tags.length);
      for (const cwe of meta.cwe) {
        const num = cwe.replace(/\D/g, '').padStart(3, '0');
        expect(tags).toContain(`external/cwe/cwe-${num}`);
      }
    }
    expect(rules[0].properties.tags).toEqual(['security', 'external/cwe/cwe-078', 'external/cwe/cwe-088']);
    expect(rules[0].help.markdown).toContain('https://cwe.mitre.org/data/definitions/78.html');
    expect(rules[0].help.markdown).toContain('https://owasp.org/www-community/attacks/Command_Injection');
    expect(SECURITY_SEVERITY).toEqual({ critical: '9.8', high: '8.1', medium: '5.5', low: '3.1' });
  });

  it('caps tags below 10 even for rules with many CWEs', () => {
    const many: RuleMeta = { ...RULES[0]!, id: 'many', cwe: Array.from({ length: 20 }, (_, i) => `CWE-${i + 1}`) };
    const log = parse(scan({ rules: [many], findings: [] }));
    expect(log.runs[0].tool.driver.rules[0].properties.tags.length).toBeLessThan(10);
    expectValid(log);
  });

  it('emits results with rule index, level, message and a 1-based region', () => {
    const run = parse(scan()).runs[0];
    const ids = run.tool.driver.rules.map((r: { id: string }) => r.id);
    expect(run.results).toHaveLength(3); // the suppressed finding is left out
    for (const r of run.results) {
      expect(ids[r.ruleIndex]).toBe(r.ruleId);
      expect(['error', 'warning', 'note']).toContain(r.level);
      expect(r.message.text.length).toBeGreaterThan(0);
      const region = r.locations[0].physicalLocation.region;
      for (const k of ['startLine', 'startColumn', 'endLine', 'endColumn']) {
        expect(Number.isInteger(region[k])).toBe(true);
        expect(region[k]).toBeGreaterThanOrEqual(1);
      }
      expect(region.endLine).toBeGreaterThanOrEqual(region.startLine);
    }
    const byRule = Object.fromEntries(run.results.map((r: { ruleId: string }) => [r.ruleId, r]));
    expect(byRule['command-injection'].level).toBe('error');
    expect(byRule['command-injection'].locations[0].physicalLocation.region).toEqual({
      startLine: 4,
      startColumn: 3,
      endLine: 4,
      endColumn: 28,
    });
    expect(byRule['weak-hash'].level).toBe('warning');
    expect(byRule['weak-hash'].locations[0].physicalLocation.region).toEqual({
      startLine: 2,
      startColumn: 1,
      endLine: 2,
      endColumn: 1,
    });
    expect(byRule['weak-hash'].properties).toEqual({ audit: true, tags: ['audit'] });
    expect(byRule['command-injection'].properties).toBeUndefined();
  });

  it('uses relative, percent-encoded URIs against %SRCROOT% and no absolute paths', () => {
    const text = render(scan());
    expect(text).not.toContain('/home/dev');
    expect(text).not.toContain('file://');
    const run = JSON.parse(text).runs[0];
    expect(run.originalUriBaseIds).toBeUndefined();
    const locations = [
      ...run.results.map((r: any) => r.locations[0]),
      ...run.results.flatMap((r: any) => (r.codeFlows ?? []).flatMap((c: any) => c.threadFlows[0].locations.map((l: any) => l.location))),
      ...run.invocations[0].toolExecutionNotifications.map((n: any) => n.locations[0]),
    ];
    expect(locations.length).toBeGreaterThan(5);
    for (const loc of locations) {
      const a = loc.physicalLocation.artifactLocation;
      expect(a.uriBaseId).toBe('%SRCROOT%');
      expect(a.uri.startsWith('/')).toBe(false);
      expect(a.uri).not.toMatch(/^[a-z][a-z0-9+.-]*:/i);
      expect(a.uri).toMatch(/^([A-Za-z0-9\-._~!$&'()*+,;=@/]|%[0-9A-F]{2})+$/);
    }
    const odd = run.results.find((r: any) => r.ruleId === 'path-traversal').locations[0].physicalLocation.artifactLocation.uri;
    expect(odd).toBe('lib/my%20dir/%23odd%25name%20%C3%BC%20%E6%96%87%E4%BB%B6.js');
    expect(decodeURIComponent(odd)).toBe('lib/my dir/#odd%name ü 文件.js');
  });

  it('relativises absolute and Windows-style paths', () => {
    const r = scan();
    r.root = 'C:\\work\\proj';
    r.findings = [{ ...r.findings[2]!, file: 'C:\\work\\proj\\src\\a b.ts' }];
    r.diagnostics = [{ file: '/abs/elsewhere.js', kind: 'unreadable', message: 'EACCES' }];
    const run = parse(r).runs[0];
    expect(run.results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('src/a%20b.ts');
    const r2 = scan({ root: '/home/dev/proj' });
    r2.findings = [{ ...r2.findings[2]!, file: '/home/dev/other/x.js' }, { ...r2.findings[2]!, file: './src/y.js' }];
    const uris = parse(r2).runs[0].results.map((x: any) => x.locations[0].physicalLocation.artifactLocation.uri);
    expect([...uris].sort()).toEqual(['../other/x.js', 'src/y.js']);
  });

  it('adds originalUriBaseIds only when absolute paths are asked for', () => {
    const run = parse(scan(), true).runs[0];
    expect(run.originalUriBaseIds).toEqual({ '%SRCROOT%': { uri: 'file:///home/dev/my%20project/' } });
    const win = parse(scan({ root: 'C:\\Users\\me\\app' }), true).runs[0];
    expect(win.originalUriBaseIds['%SRCROOT%'].uri).toBe('file:///C:/Users/me/app/');
  });

  it('copies the fingerprint into partialFingerprints.primaryLocationLineHash', () => {
    const results = parse(scan()).runs[0].results;
    const ci = results.find((r: any) => r.ruleId === 'command-injection');
    expect(ci.partialFingerprints).toEqual({ primaryLocationLineHash: HASHES[3] });
    expect(ci.partialFingerprints.primaryLocationLineHash).toMatch(/^[0-9a-f]+:\d+$/);
    expect(results.find((r: any) => r.ruleId === 'weak-hash').partialFingerprints).toEqual({ primaryLocationLineHash: 'abc123:1' });
    expect(results.find((r: any) => r.ruleId === 'path-traversal').partialFingerprints).toBeUndefined();
  });

  it('turns traces into codeFlows with a message on every step', () => {
    const results = parse(scan()).runs[0].results;
    const ci = results.find((r: any) => r.ruleId === 'command-injection');
    expect(ci.codeFlows).toHaveLength(1);
    expect(ci.codeFlows[0].threadFlows).toHaveLength(1);
    const steps = ci.codeFlows[0].threadFlows[0].locations;
    expect(steps.map((s: any) => s.location.message.text)).toEqual([
      'req.query.host (user input)',
      "'ping -c 1 ' + host",
      'child_process.exec()',
    ]);
    expect(steps[0].location.physicalLocation).toEqual({
      artifactLocation: { uri: 'src/app.js', uriBaseId: '%SRCROOT%' },
      region: { startLine: 3, startColumn: 16, endLine: 3, endColumn: 30 },
    });
    // A one-step trace still gets a code flow; no trace, no code flow.
    expect(results.find((r: any) => r.ruleId === 'path-traversal').codeFlows[0].threadFlows[0].locations).toHaveLength(1);
    expect(results.find((r: any) => r.ruleId === 'weak-hash').codeFlows).toBeUndefined();
  });

  it('sets automationDetails.id from the category', () => {
    expect(parse(scan()).runs[0].automationDetails).toBeUndefined();
    expect(parse(scan({ sarifCategory: 'backend' })).runs[0].automationDetails).toEqual({ id: 'backend/' });
    expect(parse(scan({ sarifCategory: 'apps/web/' })).runs[0].automationDetails).toEqual({ id: 'apps/web/' });
  });

  it('reports diagnostics as tool execution notifications', () => {
    const inv = parse(scan()).runs[0].invocations;
    expect(inv).toHaveLength(1);
    expect(inv[0].executionSuccessful).toBe(true);
    expect(inv[0].toolExecutionNotifications).toEqual([
      {
        level: 'warning',
        message: { text: "syntax: ')' expected." },
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: 'src/broken%20file.ts', uriBaseId: '%SRCROOT%' },
              region: { startLine: 7, startColumn: 12 },
            },
          },
        ],
      },
      {
        level: 'warning',
        message: { text: 'minified: skipped: looks minified' },
        locations: [{ physicalLocation: { artifactLocation: { uri: 'vendor/big.min.js', uriBaseId: '%SRCROOT%' } } }],
      },
    ]);
    expect(parse(emptyScan()).runs[0].invocations).toEqual([{ executionSuccessful: true }]);
  });

  it('is deterministic: same input, byte-identical output; input order does not matter', () => {
    const a = render(scan());
    const b = render(scan());
    expect(a).toBe(b);
    const shuffled = scan();
    shuffled.findings = [...shuffled.findings].reverse();
    shuffled.diagnostics = [...shuffled.diagnostics].reverse();
    expect(render(shuffled)).toBe(a);
    expect(a.endsWith('}\n')).toBe(true);
    expect(a).toContain('\n  "runs": [\n'); // 2-space indentation
    expect(a).not.toMatch(/Time|timestamp|"durationMs"/i);
  });

  it('sorts results by file, line, column and rule', () => {
    const results = parse(scan()).runs[0].results;
    const keys = results.map((r: any) => {
      const l = r.locations[0].physicalLocation;
      return [decodeURIComponent(l.artifactLocation.uri), l.region.startLine, l.region.startColumn, r.ruleId];
    });
    const sorted = [...keys].sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : x[1] - y[1] || x[2] - y[2]));
    expect(keys).toEqual(sorted);
  });

  it('does not mutate its input', () => {
    const r = scan();
    const before = JSON.stringify(r);
    render(r, true);
    expect(JSON.stringify(r)).toBe(before);
  });
});
