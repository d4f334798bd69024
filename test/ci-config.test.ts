/** The config file end to end: discovery, every setting, CLI precedence, validation errors. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../src/config.js';
import { json, nodesec, project, VULNERABLE_APP } from './ci-helpers.js';

const PATHS_APP = [
  "const express = require('express');",
  "const fs = require('fs');",
  "const { safePath } = require('../lib/validate.js');",
  "const { readTicket } = require('../lib/tickets');",
  "const db = require('../lib/db');",
  'const app = express();',
  "app.get('/file', (req, res) => {",
  '  fs.readFile(safePath(req.query.name), () => {});', // sanitized by the config
  '  fs.readFile(req.query.other, () => {});', // still a finding
  '});',
  'db.raw(readTicket());', // configured source -> configured sink
  "db.raw('SELECT 1');",
  '',
].join('\n');

describe('config file', () => {
  it('is found from the scanned folder upward and sets rules, severities, fail-on and ignore globs', () => {
    const dir = project({
      'nodesec.config.json': JSON.stringify({
        rules: { 'command-injection': 'medium', 'code-injection': 'off' },
        ignore: ['src/generated/**'],
        failOn: 'medium',
      }),
      'src/app.js': VULNERABLE_APP,
      'src/generated/api.js': VULNERABLE_APP,
      // Never executed: only JSON config files are read.
      'nodesec.config.js': "require('fs').writeFileSync(__dirname + '/EXECUTED', '')",
    });
    const r = nodesec(['scan', 'src', '--format', 'sarif'], dir);
    const run = json(r).runs[0];
    expect(run.results.map((x: any) => x.locations[0].physicalLocation.artifactLocation.uri)).toEqual(['app.js']);
    const ci = run.tool.driver.rules.find((x: any) => x.id === 'command-injection');
    expect(ci.properties['security-severity']).toBe('5.5'); // medium, from the config
    expect(run.tool.driver.rules.map((x: any) => x.id)).not.toContain('code-injection');
    expect(run.results[0].level).toBe('warning');
    expect(r.code).toBe(1); // failOn: medium
    // Flags win over the config.
    expect(nodesec(['scan', 'src', '--fail-on', 'high', '-q'], dir).code).toBe(0);
    expect(existsSync(path.join(dir, 'EXECUTED'))).toBe(false);
  });

  it('reads .nodesecrc.json, package.json "nodesec" and --config', () => {
    const rc = project({ '.nodesecrc.json': '{ "failOn": "none" }', 'app.js': VULNERABLE_APP });
    expect(nodesec(['scan', '.', '-q'], rc).code).toBe(0);
    const pkg = project({ 'package.json': JSON.stringify({ name: 'x', nodesec: { rules: { 'command-injection': 'off' } } }), 'app.js': VULNERABLE_APP });
    const r = nodesec(['scan', '.', '--format', 'json'], pkg);
    expect(json(r).findings).toEqual([]);
    expect(r.code).toBe(0);
    const explicit = project({ 'ci/strict.json': '{ "severity": "low", "threatModel": "library" }', 'lib.js': "module.exports = (cmd) => require('child_process').exec(cmd);\n" });
    const lib = json(nodesec(['scan', '.', '--config', 'ci/strict.json', '--format', 'json'], explicit));
    expect(lib.threatModel).toBe('library');
    expect(lib.findings.map((f: any) => f.ruleId)).toEqual(['command-injection']);
    // ... and --threat-model on the command line beats it.
    expect(json(nodesec(['scan', '.', '--config', 'ci/strict.json', '--threat-model', 'app', '--format', 'json'], explicit)).threatModel).toBe('app');
  });

  it("adds the project's own sanitizers, sources and sinks (module paths relative to the config file)", () => {
    const dir = project({
      'nodesec.config.json': JSON.stringify({
        sanitizers: [{ module: './lib/validate', export: 'safePath', for: ['path-traversal'] }],
        sources: [{ module: './lib/tickets', export: 'readTicket' }],
        sinks: [{ module: './lib/db', export: 'raw', rule: 'command-injection', args: [0] }],
      }),
      'src/app.js': PATHS_APP,
      'lib/validate.js': "exports.safePath = (p) => p.replace(/\\.\\./g, '');\n",
      'lib/tickets.js': 'exports.readTicket = () => globalThis.ticket;\n',
      'lib/db.js': 'exports.raw = (sql) => sql;\n',
    });
    const doc = json(nodesec(['scan', 'src', '--format', 'json'], dir));
    expect(doc.findings.map((f: any) => `${f.line}:${f.ruleId}`)).toEqual(['9:path-traversal', '11:command-injection']);
    const sink = doc.findings[1];
    expect(sink.trace[0].label).toBe('readTicket() (configured source)');
    expect(sink.message).toContain('lib/db.raw()');
  });

  it('a bad config exits 2 with one line naming the key and what is allowed, no stack trace', () => {
    const cases: Array<[string, RegExp]> = [
      ['{ "threatmodel": "app" }', /"threatmodel" is not a nodesec setting \(did you mean "threatModel"\?\); allowed keys: rules, ignore, threatModel/],
      ['{ "failOn": "urgent" }', /"failOn" must be one of critical, high, medium, low, none \(got "urgent"\)/],
      ['{ "rules": { "command-injection": "error" } }', /"rules\.command-injection" must be one of "off", "on", "critical"/],
      ['{ "rules": { "sql-injection": "off" } }', /"rules\.sql-injection" is not a rule/],
      ['{ "sanitizers": [{ "module": "./v", "for": "path-traversal" }] }', /"sanitizers\[0\]\.for" must be an array of strings/],
      ['{ "sinks": [{ "module": "./db", "rule": "command-injection", "args": [-1] }] }', /"sinks\[0\]\.args" must be "all" or a non-empty array/],
      ['{ "sources": [{ "modul": "./x" }] }', /"sources\[0\]\.modul" is not allowed here; allowed keys: module, export, label/],
      ['{ "plugins": ["./nope.js"] }', /nodesec\.config\.json: plugin "\.\/nope\.js" not found from /],
      ['{ "ignore": "dist" }', /"ignore" must be an array of strings/],
      ['{ "severity": "low", }', /nodesec\.config\.json is not valid JSON: .*\(line 1, column \d+\)/],
      ['[]', /nodesec\.config\.json: must be a JSON object/],
    ];
    const dir = project({ 'app.js': VULNERABLE_APP });
    for (const [text, re] of cases) {
      const d = project({ 'nodesec.config.json': text, 'app.js': VULNERABLE_APP });
      const r = nodesec(['scan', '.', '--allow-plugins'], d);
      expect(r.code, text).toBe(2);
      expect(r.stdout, text).toBe('');
      expect(r.stderr.split('\n'), text).toHaveLength(2); // one line + the final newline
      expect(r.stderr, text).toMatch(/^nodesec: nodesec\.config\.json/);
      expect(r.stderr, text).toMatch(re);
      expect(r.stderr, text).not.toMatch(/\n\s+at /);
    }
    const missing = nodesec(['scan', '.', '--config', 'nope.json'], dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe('nodesec: cannot read config nope.json: no such file\n');
  }, 120_000);
});

describe('validateConfig', () => {
  it('accepts the full schema', () => {
    const c = validateConfig(
      {
        $schema: './node_modules/nodesec/schema.json',
        rules: { a: 'off', b: 'on', c: 'high', d: { enabled: true, severity: 'low' } },
        ignore: ['gen/**'],
        threatModel: 'library',
        failOn: 'none',
        severity: 'low',
        sources: [{ module: 'my-input', export: 'read', label: 'ticket text' }],
        sinks: [{ module: './db', export: 'q.raw', rule: 'x', args: 'all', label: 'db.raw()' }],
        sanitizers: [{ module: './v', for: ['x'] }],
        plugins: ['nodesec-plugin-acme'],
      },
      'cfg',
    );
    expect(c.rules).toEqual({ a: { enabled: false }, b: { enabled: true }, c: { enabled: true, severity: 'high' }, d: { enabled: true, severity: 'low' } });
    expect(c.sinks![0]!.args).toBe('all');
  });
});
