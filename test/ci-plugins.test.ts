/** Rule plugins end to end: loaded from the config only with --allow-plugins, validated, in every report and in `nodesec rules`. */
import { existsSync } from 'node:fs';
import { readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { json, nodesec, project, REPO } from './ci-helpers.js';

/** The README's example plugin: a pattern rule and a taint rule, written with defineRule. */
const PLUGIN = `import { defineRule } from 'nodesec';

const noEvalAlias = defineRule({
  meta: {
    id: 'acme/no-run-script',
    name: 'runScript is banned',
    description: 'ACME bans runScript(): it evaluates its argument.',
    severity: 'medium',
    precision: 'high',
    cwe: ['CWE-95'],
    help: 'Use the sandboxed \`evaluate()\` from @acme/sandbox instead.',
  },
  create(ctx) {
    return {
      CallExpression(node) {
        const ref = ctx.resolve(node.callee);
        if (ref && ref.module === '@acme/legacy' && ref.path.join('.') === 'runScript') {
          ctx.report({ node, message: 'runScript() evaluates its argument as code.' });
        }
      },
    };
  },
});

const sqlInjection = defineRule({
  meta: {
    id: 'acme/sql-injection',
    name: 'SQL injection (acme-sql)',
    description: 'Attacker-controlled data reaches an acme-sql query string.',
    severity: 'critical',
    precision: 'high',
    cwe: ['CWE-89'],
    help: 'Pass values as parameters: \`sql.run(text, [value])\`.',
  },
  sinks: [{ modules: ['acme-sql'], paths: [['run']], args: [0], label: 'acme-sql run()' }],
  flowMessage: (source, sink) => \`This SQL query depends on \${source} and runs through \${sink}.\`,
});

export default { rules: [noEvalAlias, sqlInjection] };
`;

const APP = [
  "const express = require('express');",
  "const sql = require('acme-sql');",
  "const { runScript } = require('@acme/legacy');",
  'const app = express();',
  "app.get('/users', (req, res) => {",
  "  sql.run('SELECT * FROM users WHERE name = ' + req.query.name);",
  "  runScript('1 + 1');",
  '});',
  '',
].join('\n');

function withNodesecInstalled(dir: string): string {
  // A plugin imports "nodesec": make this checkout the installed package.
  symlinkSync(REPO, path.join(dir, 'node_modules/nodesec'), 'dir');
  return dir;
}

describe('plugins', () => {
  it('a plugin rule shows up in SARIF (descriptor and result), in text, github and `nodesec rules`', () => {
    const dir = withNodesecInstalled(
      project({
        'nodesec.config.json': JSON.stringify({ plugins: ['./security-rules/index.js'] }),
        'security-rules/index.js': PLUGIN,
        'security-rules/package.json': '{ "type": "module" }',
        'src/app.js': APP,
        'node_modules/.keep': '',
      }),
    );
    const r = nodesec(['scan', 'src', '--format', 'sarif', '--sarif-category', 'api', '--allow-plugins'], dir);
    expect(r.stderr).toBe('');
    const log = json(r);
    const schema = JSON.parse(readFileSync(fileURLToPath(new URL('./schema/sarif-schema-2.1.0.json', import.meta.url)), 'utf8'));
    schema.$schema = 'http://json-schema.org/draft-04/schema#';
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    const validate = ajv.compile(schema);
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    const run = log.runs[0];
    expect(run.automationDetails).toEqual({ id: 'api/' });
    const ids = run.tool.driver.rules.map((x: any) => x.id);
    expect(ids).toEqual(expect.arrayContaining(['command-injection', 'acme/no-run-script', 'acme/sql-injection']));
    const sqlRule = run.tool.driver.rules.find((x: any) => x.id === 'acme/sql-injection');
    expect(sqlRule.properties['security-severity']).toBe('9.8');
    expect(sqlRule.properties.tags).toContain('external/cwe/cwe-089');
    const results = run.results.map((x: any) => [x.ruleId, x.locations[0].physicalLocation.region.startLine, ids[x.ruleIndex]]);
    expect(results).toEqual([
      ['acme/sql-injection', 6, 'acme/sql-injection'],
      ['acme/no-run-script', 7, 'acme/no-run-script'],
    ]);
    const flow = run.results[0].codeFlows[0].threadFlows[0].locations.map((l: any) => l.location.message.text);
    expect(flow[0]).toContain('req.query');
    expect(run.results[0].message.text).toMatch(/^This SQL query depends on req\.query.* and runs through acme-sql\.run\(\)\.$/);
    expect(r.code).toBe(1);

    const gh = nodesec(['scan', 'src', '--format', 'github', '--allow-plugins'], dir);
    expect(gh.stdout).toContain('::error file=app.js,line=6,col=3,endLine=6,endColumn=');
    expect(gh.stdout).toContain('title=nodesec acme/sql-injection (critical)::This SQL query');

    const list = nodesec(['rules', '--allow-plugins'], dir);
    expect(list.stdout).toMatch(/^acme\/sql-injection\s+critical\s+high\s+CWE-89\s+Attacker-controlled data reaches an acme-sql query string\.$/m);
    const listJson = json(nodesec(['rules', '--format', 'json', '--allow-plugins'], dir));
    expect(listJson.map((x: any) => x.id)).toContain('acme/no-run-script');
  });

  it('loads a plugin package by name (CommonJS, an array of rules) and config can turn its rules off', () => {
    const rule = {
      meta: { id: 'acme-no-todo', name: 'No TODO()', description: 'TODO() calls must not ship.', severity: 'high', precision: 'very-high', cwe: [], help: 'Remove it.' },
      create: 'CREATE',
    };
    const src = `module.exports = [${JSON.stringify(rule).replace('"CREATE"', "(ctx) => ({ CallExpression(n) { if (n.callee.name === 'TODO') ctx.report({ node: n, message: 'TODO() left in.' }); } })")}];\n`;
    const dir = project({
      'package.json': JSON.stringify({ name: 'app', nodesec: { plugins: ['nodesec-plugin-acme'] } }),
      'node_modules/nodesec-plugin-acme/package.json': '{ "name": "nodesec-plugin-acme", "main": "rules.js" }',
      'node_modules/nodesec-plugin-acme/rules.js': src,
      'a.js': 'TODO();\n',
    });
    const doc = json(nodesec(['scan', '.', '--format', 'json', '--allow-plugins'], dir));
    expect(doc.findings.map((f: any) => `${f.ruleId}:${f.line}`)).toEqual(['acme-no-todo:1']);
    const off = project({
      'package.json': JSON.stringify({ name: 'app', nodesec: { plugins: ['nodesec-plugin-acme'], rules: { 'acme-no-todo': 'off' } } }),
      'node_modules/nodesec-plugin-acme/package.json': '{ "name": "nodesec-plugin-acme", "main": "rules.js" }',
      'node_modules/nodesec-plugin-acme/rules.js': src,
      'a.js': 'TODO();\n',
    });
    expect(json(nodesec(['scan', '.', '--format', 'json', '--allow-plugins'], off)).findings).toEqual([]);
  });

  it('invalid plugin rules exit 2 with one line naming the plugin, the rule and the field', () => {
    const meta = { id: 'acme/x', name: 'X', description: 'X.', severity: 'high', precision: 'high', cwe: [], help: 'X.' };
    const cases: Array<[unknown, RegExp]> = [
      [{ meta: { ...meta, severity: 'urgent' }, sinks: [] }, /rule #1 \("acme\/x"\): meta\.severity must be one of critical, high, medium, low \(got "urgent"\)/],
      [{ meta: { ...meta, id: 'Acme_X' } }, /rule #1: meta\.id must be kebab-case/],
      [{ meta }, /rule #1 \("acme\/x"\): needs a behaviour/],
      [{ meta: { ...meta, id: 'command-injection' }, sinks: [{ modules: ['x'], paths: [['y']], args: [0], label: 'x' }] }, /rule id "command-injection" is already used by a built-in rule/],
    ];
    for (const [rule, re] of cases) {
      const dir = project({
        'nodesec.config.json': '{ "plugins": ["./plugin.cjs"] }',
        'plugin.cjs': `module.exports = ${JSON.stringify(rule)};\n`,
        'a.js': '1;\n',
      });
      const r = nodesec(['scan', '.', '--allow-plugins'], dir);
      expect(r.code, String(re)).toBe(2);
      expect(r.stderr, String(re)).toMatch(/^nodesec: nodesec\.config\.json: plugin "\.\/plugin\.cjs": [^\n]*\n$/);
      expect(r.stderr, String(re)).toMatch(re);
    }
  }, 120_000);

  it('a config in the scanned folder cannot run code: its plugins load only with --allow-plugins', () => {
    const marker = path.join(REPO, 'node_modules', '.cache', `nodesec-plugin-ran-${process.pid}`);
    const dir = project({
      'nodesec.config.json': JSON.stringify({ plugins: ['./plugin.cjs'], rules: { 'evil/x': 'off' } }),
      'plugin.cjs': `require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran'); module.exports = [];\n`,
      'app.js': "const { exec } = require('child_process');\nmodule.exports = (x) => exec('ls ' + x);\n",
    });
    const r = nodesec(['scan', '.', '--format', 'json', '--threat-model', 'library'], dir);
    expect(existsSync(marker)).toBe(false);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('nodesec: nodesec.config.json lists 1 plugin, not loaded: plugins are code and run only with --allow-plugins\n');
    expect(json(r).findings.map((f: any) => f.ruleId)).toEqual(['command-injection']);
    expect(nodesec(['scan', '.', '-q', '--format', 'json', '--threat-model', 'library'], dir).stderr).toBe('');
    expect(nodesec(['rules'], dir).stdout).not.toContain('evil/');
    expect(existsSync(marker)).toBe(false);
  });
});
