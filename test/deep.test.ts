/**
 * Nesting beyond the main thread's stack: the file is analysed again in a worker with a deep stack
 * (src/worker.ts DEEP_STACK_MB), so a few thousand levels are analysed completely, the same on one
 * thread and with --threads; only nesting far beyond that ends as a `too-deep` diagnostic.
 */
import { describe, expect, it } from 'vitest';
import { json, nodesec, project } from './ci-helpers.js';

const SINK = "const { exec } = require('child_process');\nmodule.exports = (x) => exec('ls ' + x);\n";

describe('deep nesting', () => {
  it('a 3,000-long method chain is analysed (not too-deep), with one thread and with two', () => {
    const chain = 'const q = db' + '\n  .where(1)'.repeat(3000) + ';\n';
    const dir = project({ 'deep.js': chain + SINK, 'app.js': SINK });
    const outputs: string[] = [];
    for (const extra of [[], ['--threads', '2'], ['--no-cache']]) {
      const r = nodesec(['scan', '.', '-f', 'json', '--threat-model', 'library', '--fail-on', 'none', ...extra], dir);
      expect(r.code, extra.join(' ')).toBe(0);
      const doc = json(r);
      expect(doc.diagnostics).toEqual([]);
      expect(doc.findings.map((f: any) => `${f.ruleId} ${f.file}:${f.line}`)).toEqual(['command-injection app.js:2', 'command-injection deep.js:3003']);
      outputs.push(r.stdout);
    }
    expect(outputs[1]).toBe(outputs[0]);
    expect(outputs[2]).toBe(outputs[0]);
  }, 120_000);

  it('nesting far beyond the deep stack is one too-deep diagnostic, and the scan goes on', () => {
    const dir = project({ 'nest.js': 'x = ' + '(\n'.repeat(100_000) + '1' + ')\n'.repeat(100_000) + ';\n', 'app.js': SINK });
    const r = nodesec(['scan', '.', '-f', 'json', '--threat-model', 'library', '--fail-on', 'none', '--max-file-size', '10000000'], dir);
    expect(r.code).toBe(0);
    const doc = json(r);
    expect(doc.diagnostics.map((d: any) => `${d.kind} ${d.file}`)).toEqual(['too-deep nest.js']);
    expect(doc.findings.map((f: any) => `${f.ruleId} ${f.file}`)).toEqual(['command-injection app.js']);
  }, 120_000);
});
